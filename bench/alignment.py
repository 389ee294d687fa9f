"""Alignment benchmark: PAN 2013 text alignment and Clough-Stevenson short answers.

Run from the repository root::

    python -m bench.alignment [--pairs N] [--half all|tune|check]

Each section's ``pairs`` file is split in two halves by line number: even lines
(0, 2, ...) are for tuning, odd lines for checking.  One line per figure on
stdout.  Exits 0 with one line when the evaluation data is absent.
"""

from __future__ import annotations

import os

# Speed is measured on one core: keep BLAS from spreading the small sentence
# matrix products over threads (must happen before numpy is imported).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pandas as pd  # noqa: E402

from bench.pan import EVAL_DIR, SECTIONS, measures  # noqa: E402
from provenance.align import align_prepared, align_texts  # noqa: E402
from provenance.index import Prepared, prepare  # noqa: E402
from provenance.panxml import Annotation, read_pan_xml  # noqa: E402
from provenance.settings import AlignSettings  # noqa: E402

#: PAN passages are maximal, not cut per paragraph as for news
PAN_SETTINGS = dataclasses.replace(AlignSettings(), split_paragraphs=False)
DEGREES = {"non": 0, "heavy": 1, "light": 2, "cut": 3}


@dataclasses.dataclass
class PairResult:
    section: str
    line: int
    cases: list[Annotation]
    detections: list[Annotation]
    seconds: float


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # some Clough-Stevenson answers are Windows-1252
        return data.decode("cp1252", errors="replace")


def run_pan(
    pan_dir: Path, *, settings: AlignSettings = PAN_SETTINGS, limit: int | None = None
) -> list[PairResult]:
    """Align every listed pair (``limit`` per section) and collect cases and detections."""
    results = []
    cache: dict[Path, str] = {}
    for section in SECTIONS:
        lines = _read(pan_dir / section / "pairs").split("\n")
        pairs = [line.split() for line in lines if line.strip()]
        for number, (susp, src) in enumerate(pairs[:limit]):
            susp_path, src_path = pan_dir / "susp" / susp, pan_dir / "src" / src
            for p in (susp_path, src_path):
                if p not in cache:
                    cache[p] = _read(p)
            xml = pan_dir / section / f"{Path(susp).stem}-{Path(src).stem}.xml"
            cases = [a for a in read_pan_xml(xml) if a.source_reference == src]
            start = time.process_time()
            t_doc: Prepared = prepare(cache[susp_path], settings=settings)
            s_doc: Prepared = prepare(cache[src_path], settings=settings)
            passages = align_prepared(t_doc, s_doc, settings=settings)
            seconds = time.process_time() - start
            dets = [
                Annotation(susp, p.target.start, len(p.target), src, p.source.start, len(p.source))
                for p in passages
            ]
            results.append(PairResult(section, number, cases, dets, seconds))
    return results


def score_pan(results: Sequence[PairResult]) -> dict[str, float]:
    """Figures per section and overall for ``results``."""
    out: dict[str, float] = {}
    overall_cases: list[Annotation] = []
    overall_dets: list[Annotation] = []
    for section in SECTIONS:
        rows = [r for r in results if r.section == section]
        if not rows:
            continue
        key = section[:2]
        if key == "01":
            out["01.detected_share"] = sum(bool(r.detections) for r in rows) / len(rows)
            overall_dets.extend(d for r in rows for d in r.detections)
            continue
        if key == "05":
            rows = [r for r in rows if r.cases]  # most 05 pairs carry no annotation
        cases = [c for r in rows for c in r.cases]
        dets = [d for r in rows for d in r.detections]
        overall_cases.extend(cases)
        overall_dets.extend(dets)
        for name, value in measures(cases, dets).items():
            out[f"{key}.{name}"] = value
    for name, value in measures(overall_cases, overall_dets).items():
        out[f"all.{name}"] = value
    out["ms_per_pair"] = 1000 * sum(r.seconds for r in results) / max(len(results), 1)
    return out


def run_clough(cs_dir: Path, *, settings: AlignSettings | None = None) -> dict[str, float]:
    """Spearman of answer similarity with degree of reuse; answers of class non flagged."""
    s = settings or AlignSettings()
    info = pd.read_csv(cs_dir / "file_information.csv")
    scores, degrees, flagged_non = [], [], 0
    for row in info[info["Category"].isin(list(DEGREES))].itertuples():
        answer = _read(cs_dir / str(row.File))
        source = _read(cs_dir / f"orig_task{row.Task}.txt")
        passages = align_texts(answer, source, settings=s)
        covered = sum(p.similarity * len(p.target) for p in passages)
        score = covered / max(len(answer.strip()), 1)
        scores.append(score)
        degrees.append(DEGREES[str(row.Category)])
        if row.Category == "non" and passages:
            flagged_non += 1
    frame = pd.DataFrame({"score": scores, "degree": degrees})
    rho = float(frame["score"].rank().corr(frame["degree"].rank()))
    return {"spearman": rho, "non_flagged": float(flagged_non), "answers": float(len(frame))}


def run(eval_dir: Path = EVAL_DIR, *, limit: int | None = None) -> dict[str, Any]:
    """All figures, for the tuning half, the checking half and all pairs."""
    pan_dir = eval_dir / "pan13-text-alignment"
    results = run_pan(pan_dir, limit=limit)
    figures: dict[str, Any] = {
        "tune": score_pan([r for r in results if r.line % 2 == 0]),
        "check": score_pan([r for r in results if r.line % 2 == 1]),
        "all": score_pan(results),
    }
    cs_dir = eval_dir / "clough-stevenson-short-answers"
    if cs_dir.is_dir():
        figures["clough"] = run_clough(cs_dir)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=None, help="at most N pairs per section")
    parser.add_argument("--half", choices=("all", "tune", "check"), default=None)
    args = parser.parse_args(argv)
    if not (EVAL_DIR / "pan13-text-alignment").is_dir():
        print("skipped: no evaluation data in ../shared/eval")
        return 0
    figures = run(EVAL_DIR, limit=args.pairs)
    halves = [args.half] if args.half else ["tune", "check", "all"]
    for half in halves:
        for name, value in figures[half].items():
            print(f"pan13 {half:5} {name:22} {value:.4f}")
    for name, value in figures.get("clough", {}).items():
        print(f"clough-stevenson {name:14} {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
