"""L3S-GN1 rendered as scraped plain text: how well does ``clean_text`` keep the body?

Each annotated page is rendered the way a scraper turns HTML into text (see
``../shared/DATA.md``): script/style/head dropped, the tree walked in document
order, a new line at every block-level element, and each line labelled with the
``x-nc-selN`` label that carries most of its characters (unwrapped text is 0,
not content).  The rendered text goes through ``clean_text``; we score
character-weighted precision and recall of the full-text lines (label 2) kept,
headline (1) and supplemental (3) lines being neutral.  A line counts as kept
as often as it occurs in the output.  Precision and recall are averaged over
pages (pages without full text are skipped) and F1 is taken of the averages.

    python -m bench.l3s   # all pages, the dev (even) and check (odd) halves, hard-wrapped text

A second figure guards the other side: long clean texts (essays, book excerpts,
pages another tool has already cleaned, some hard-wrapped) must come through
whole.  On every suspicious and source document of the PAN13 text-alignment
corpus, ``kept_share`` is the share of the input's non-space characters that
``clean_text`` keeps as main text, averaged over documents.
"""

from __future__ import annotations

import gzip
import re
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from provenance.extract.text import clean_text

EVAL_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"

BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd"),
        *("details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
        *("footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "html", "iframe", "legend", "li", "main", "menu", "nav", "noframes", "ol"),
        *("option", "p", "pre", "section", "select", "summary", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "title", "tr", "ul"),
    )
)
SKIP_TAGS = frozenset(("script", "style", "head", "noscript", "template"))
_LABEL_RE = re.compile(r"\bx-nc-sel(\d)\b")
_WS_RE = re.compile(r"\s+")
#: labels that neither help nor hurt: headline and supplemental (captions)
NEUTRAL = frozenset((1, 3))
BODY = 2


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    label: int


def _label_of(el: etree._Element, inherited: int) -> int:
    match = _LABEL_RE.search(el.get("class") or "")
    return int(match.group(1)) if match else inherited


def render(markup: str | bytes) -> list[Line]:
    """Render an annotated page as scraped text lines with their majority label."""
    root = lxml_html.document_fromstring(markup)
    lines: list[Line] = []
    parts: list[tuple[str, int]] = []

    def flush() -> None:
        text = _WS_RE.sub(" ", "".join(t for t, _ in parts)).strip()
        if text:
            weight: Counter[int] = Counter()
            for t, label in parts:
                weight[label] += len(t.strip())
            lines.append(Line(text, weight.most_common(1)[0][0]))
        parts.clear()

    def walk(el: etree._Element, label: int) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag:
            label = _label_of(el, label)
            if el.text:
                parts.append((el.text, label))
            for child in el:
                walk(child, label)
                if child.tail:
                    parts.append((child.tail, label))
        if block:
            flush()

    walk(root, 0)
    flush()
    return lines


@dataclass(frozen=True, slots=True)
class PageScore:
    precision: float
    recall: float


def score_page(lines: Sequence[Line], output: str) -> PageScore | None:
    """Char-weighted precision/recall of body lines kept; None when the page has no body."""
    gold: dict[str, Counter[int]] = {}
    for line in lines:
        gold.setdefault(line.text, Counter())[line.label] += 1
    total_body = sum(len(t) * c[BODY] for t, c in gold.items())
    if total_body == 0:
        return None
    kept = Counter(s for s in (_WS_RE.sub(" ", x).strip() for x in output.split("\n")) if s)
    tp = fp = 0
    for text, count in kept.items():
        labels = gold.get(text, Counter())
        body = min(count, labels[BODY])
        neutral = min(count - body, sum(labels[n] for n in NEUTRAL))
        tp += body * len(text)
        fp += (count - body - neutral) * len(text)
    precision = tp / (tp + fp) if tp + fp else 0.0
    return PageScore(precision, tp / total_body)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    pages: Iterable[Sequence[Line]], clean: Callable[[str], str], *, width: int | None = None
) -> dict[str, float]:
    """Macro precision/recall/F1 of ``clean`` over ``pages``.

    With ``width``, each line is hard-wrapped at that many columns and lines are
    separated by blank lines (html2text/lynx style); output paragraphs are
    unwrapped again before scoring.
    """
    scores: list[PageScore] = []
    for lines in pages:
        if width is None:
            output = clean("\n".join(line.text for line in lines))
        else:
            source = "\n\n".join(_wrap(line.text, width) for line in lines)
            output = "\n".join(p.replace("\n", " ") for p in clean(source).split("\n\n"))
        score = score_page(lines, output)
        if score is not None:
            scores.append(score)
    n = len(scores) or 1
    p = sum(s.precision for s in scores) / n
    r = sum(s.recall for s in scores) / n
    return {"macro_f1": _f1(p, r), "precision": p, "recall": r, "pages": float(len(scores))}


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def load_pages(eval_dir: Path) -> list[tuple[str, list[Line]]]:
    files = sorted((eval_dir / "annotated").glob("*.html.gz"))
    return [(f.name.split(".")[0], render(gzip.decompress(f.read_bytes()))) for f in files]


def _clean(text: str) -> str:
    return clean_text(text).text


def _speed(texts: Sequence[str], repeat: int = 3) -> float:
    """Documents per second of CPU time, best of ``repeat`` passes (others may share the CPU)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            clean_text(text)
        best = min(best, time.process_time() - start)
    return len(texts) / max(best, 1e-9)


def _resolve(eval_dir: Path) -> Path:
    """Accept the eval root (``../shared/eval``) or the ``l3s-gn1`` folder itself."""
    return eval_dir if (eval_dir / "annotated").is_dir() else eval_dir / "l3s-gn1"


def _non_space(text: str) -> int:
    return len(text) - sum(map(text.count, " \t\r\n\f\v\u00a0"))


def clean_prose(eval_dir: Path = EVAL_DIR) -> dict[str, float]:
    """Mean share of non-space characters kept on the PAN13 documents, and docs per second.

    ``eval_dir`` is the eval root or any folder beside ``pan13-text-alignment``.
    Empty when the data is absent.
    """
    root = _resolve(eval_dir).resolve().parent / "pan13-text-alignment"
    files = sorted(root.glob("susp/*.txt")) + sorted(root.glob("src/*.txt"))
    if not files:
        print(f"pan13 clean-prose skipped: data absent ({root})")
        return {}
    texts = [f.read_text(encoding="utf-8") for f in files]
    shares = []
    for text in texts:
        total = _non_space(text)
        if total:
            shares.append(_non_space(clean_text(text).text) / total)
    share = sum(shares) / len(shares)
    speed = _speed(texts, repeat=1)
    print(
        f"pan13 clean-prose kept_share={share:.3f} docs={len(shares)} docs_per_second={speed:.0f}"
    )
    return {"kept_share": share, "docs": float(len(shares)), "docs_per_second": speed}


def run(eval_dir: Path = EVAL_DIR) -> dict[str, float]:
    """Score ``clean_text`` on all pages, print the summary lines and return the scores.

    Keys: ``macro_f1``, ``precision``, ``recall``, ``pages`` (all pages), ``dev_macro_f1``
    and ``check_macro_f1`` (even and odd pages by sorted id), ``wrapped_macro_f1``
    (hard-wrapped rendering), ``keep_all_macro_f1`` (baseline) and ``docs_per_second``;
    with the PAN13 data, ``pan_kept_share`` and ``pan_docs_per_second`` (see
    :func:`clean_prose`).  Empty when the L3S-GN1 data is absent.
    """
    root = _resolve(eval_dir).resolve()
    if not (root / "annotated").is_dir():
        print(f"l3s-gn1 skipped: data absent ({root})")
        return {}
    pages = [lines for _, lines in load_pages(root)]
    result = evaluate(pages, _clean)
    dev = evaluate(pages[0::2], _clean)
    check = evaluate(pages[1::2], _clean)
    wrapped = evaluate(pages, _clean, width=78)
    baseline = evaluate(pages, lambda text: text)
    speed = _speed(["\n".join(line.text for line in lines) for lines in pages])
    for name, scores in (
        ("scraped-text", result),
        ("scraped-text-dev", dev),
        ("scraped-text-check", check),
        ("scraped-text-wrapped78", wrapped),
        ("keep-everything", baseline),
    ):
        print(_line(name, scores))
    print(f"l3s-gn1 docs_per_second={speed:.0f}")
    result.update({f"keep_all_{k}": v for k, v in baseline.items() if k != "pages"})
    result.update(
        dev_macro_f1=dev["macro_f1"],
        check_macro_f1=check["macro_f1"],
        wrapped_macro_f1=wrapped["macro_f1"],
        docs_per_second=speed,
    )
    result.update({f"pan_{k}": v for k, v in clean_prose(root).items() if k != "docs"})
    return result


def _line(name: str, scores: dict[str, float]) -> str:
    return (
        f"l3s-gn1 {name} macro_f1={scores['macro_f1']:.3f} precision={scores['precision']:.3f}"
        f" recall={scores['recall']:.3f} pages={int(scores['pages'])}"
    )


def main() -> int:
    run(EVAL_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
