"""Extraction benchmark: ``python -m bench.extraction`` prints one line per figure.

Data (third-party, read from ../shared/eval, never copied here):
- Zyte article-extraction-benchmark (HTML): the benchmark's own shingle F1.
- L3S-GN1 rendered as scraped text: bench/l3s.py (char-weighted line P/R of body lines).
- Dragnet (HTML): shingle F1 of the text before the comments separator.
- Speed: documents per second for scraped text and HTML, and HTML speed relative
  to trafilatura alone on the same pages (best of 5 rounds each, the two taken in
  turn so that a machine changing speed during the run weighs on both alike).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
TOKEN_RE = re.compile(r"\w+", re.UNICODE)
DRAGNET_SEPARATOR = "!@#$%^&*()  COMMENTS"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_scores(true: str, pred: str) -> tuple[float, float]:
    """(precision, recall) of one page, as the Zyte benchmark computes them."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    if not t and not p:
        precision = recall = 1.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def macro(pairs: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    scores = [shingle_scores(t, p) for t, p in pairs]
    precision = statistics.fmean(s[0] for s in scores)
    recall = statistics.fmean(s[1] for s in scores)
    return f1(precision, recall), precision, recall


def _ours(html: str) -> str:
    from provenance.extract.html import extract_html

    return extract_html(html).text


def _trafilatura(html: str) -> str:
    import trafilatura

    from provenance.extract.html import _config

    return (
        trafilatura.extract(
            html,
            deduplicate=False,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
            config=_config(),
        )
        or ""
    )


def zyte_pages(eval_dir: Path) -> list[tuple[str, str]]:
    root = eval_dir / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = root / "html" / f"{key}.html.gz"
        if path.exists():
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            pages.append((truth[key]["articleBody"], html))
    return pages


def dragnet_pages(eval_dir: Path, limit: int) -> list[tuple[str, str]]:
    root = eval_dir / "dragnet"
    pages = []
    for gold in sorted((root / "corrected").glob("*.html.corrected.txt"))[:limit]:
        html_path = root / "html" / gold.name.replace(".corrected.txt", ".gz")
        if not html_path.exists():
            continue
        truth = gold.read_text(encoding="utf-8", errors="replace").split(DRAGNET_SEPARATOR)[0]
        raw = gzip.decompress(html_path.read_bytes())
        pages.append((truth, raw.decode("utf-8", errors="replace")))
    return pages


def timed(fn: Callable[[str], str], docs: list[str], rounds: int = 1) -> tuple[list[str], float]:
    """Outputs and the best wall time of ``rounds`` runs over ``docs``."""
    best = float("inf")
    out: list[str] = []
    for _ in range(rounds):
        start = time.perf_counter()
        out = [fn(d) for d in docs]
        best = min(best, time.perf_counter() - start)
    return out, best


def timed_against(
    ours: Callable[[str], str], theirs: Callable[[str], str], docs: list[str], rounds: int
) -> tuple[list[str], float, list[str], float]:
    """:func:`timed` for two extractors, their rounds taken in turn (ours, theirs, ours...),
    so a machine that slows down or speeds up during the run weighs on both alike."""
    best_ours = best_theirs = float("inf")
    out_ours: list[str] = []
    out_theirs: list[str] = []
    for _ in range(rounds):
        out_ours, seconds = timed(ours, docs)
        best_ours = min(best_ours, seconds)
        out_theirs, seconds = timed(theirs, docs)
        best_theirs = min(best_theirs, seconds)
    return out_ours, best_ours, out_theirs, best_theirs


def report(name: str, value: float, fmt: str = ".4f", **extra: object) -> None:
    tail = "".join(f" {k}={v}" for k, v in extra.items())
    print(f"{name} {value:{fmt}}{tail}", flush=True)


def run_zyte(eval_dir: Path) -> dict[str, float]:
    pages = zyte_pages(eval_dir)
    htmls = [h for _, h in pages]
    timed(_trafilatura, htmls[:5])  # warm both up: imports, caches, lazy regexes
    timed(_ours, htmls[:5])
    ours, t_ours, theirs, t_theirs = timed_against(_ours, _trafilatura, htmls, rounds=5)
    f, p, r = macro((t, o) for (t, _), o in zip(pages, ours, strict=True))
    ft, _, _ = macro((t, o) for (t, _), o in zip(pages, theirs, strict=True))
    report("zyte_html_f1", f, precision=f"{p:.4f}", recall=f"{r:.4f}", pages=len(pages))
    report("zyte_trafilatura_alone_f1", ft)
    report("html_docs_per_second", len(htmls) / t_ours, ".1f")
    report("trafilatura_docs_per_second", len(htmls) / t_theirs, ".1f")
    report("html_speed_vs_trafilatura", t_theirs / t_ours, ".3f")
    return {"zyte_f1": f, "html_speed_ratio": t_theirs / t_ours}


def run_dragnet(eval_dir: Path, limit: int) -> dict[str, float]:
    pages = dragnet_pages(eval_dir, limit)
    ours, _ = timed(_ours, [h for _, h in pages])
    f, p, r = macro((t, o) for (t, _), o in zip(pages, ours, strict=True))
    report("dragnet_html_f1", f, precision=f"{p:.4f}", recall=f"{r:.4f}", pages=len(pages))
    return {"dragnet_f1": f}


def run_l3s(eval_dir: Path) -> dict[str, float]:
    try:
        from bench import l3s
    except ImportError:
        print("l3s-gn1 skipped: bench/l3s.py not available")
        return {}
    return dict(l3s.run(eval_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--dragnet-pages", type=int, default=0, help="0 for all pages")
    parser.add_argument("--only", choices=["zyte", "l3s", "dragnet"], default=None)
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"extraction benchmark skipped: no eval data at {args.eval_dir}")
        return 0
    if args.only in (None, "zyte"):
        run_zyte(args.eval_dir)
    if args.only in (None, "l3s"):
        run_l3s(args.eval_dir)
    if args.only in (None, "dragnet"):
        run_dragnet(args.eval_dir, args.dragnet_pages or 10**6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
