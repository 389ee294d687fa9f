"""PAN text-alignment measures (character level), after the PAN 2013 evaluator.

Re-implemented from the published definitions (Potthast et al., COLING 2010;
pan-webis-de/pan-code ``clef13/text-alignment/pan13-text-alignment-perfmeasures.py``):

- a detection and a case *overlap* when they concern the same document pair and
  share characters in both the suspicious and the source document;
- case recall = characters of the case (both sides) covered by the detections
  overlapping it / characters of the case; macro recall averages over cases
  (a case nobody detected counts 0); macro precision is the same with the roles
  of cases and detections swapped;
- granularity = mean number of overlapping detections per detected case;
- plagdet = F1 / log2(1 + granularity).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from provenance.panxml import Annotation

Pair = tuple[str, str]

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
SECTIONS = (
    "01-no-plagiarism",
    "02-no-obfuscation",
    "03-random-obfuscation",
    "04-translation-obfuscation",
    "05-summary-obfuscation",
)


def _overlaps(a: Annotation, b: Annotation) -> bool:
    return (
        a.this_offset < b.this_offset + b.this_length
        and b.this_offset < a.this_offset + a.this_length
        and a.source_offset < b.source_offset + b.source_length
        and b.source_offset < a.source_offset + a.source_length
    )


def _covered(start: int, length: int, spans: Iterable[tuple[int, int]]) -> int:
    """Characters of ``[start, start+length)`` covered by the union of ``spans``."""
    end = start + length
    clipped = sorted((max(s, start), min(s + n, end)) for s, n in spans)
    total, reach = 0, start
    for s, e in clipped:
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def _by_pair(annotations: Iterable[Annotation]) -> dict[Pair, list[Annotation]]:
    table: dict[Pair, list[Annotation]] = defaultdict(list)
    for a in annotations:
        table[a.this_reference, a.source_reference].append(a)
    return table


def macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Macro-averaged recall of ``detections`` over ``cases``."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    dets = _by_pair(detections)
    total = 0.0
    for case in cases:
        found = [
            d
            for d in dets.get((case.this_reference, case.source_reference), ())
            if _overlaps(case, d)
        ]
        if not found:
            continue
        hit = _covered(
            case.this_offset, case.this_length, ((d.this_offset, d.this_length) for d in found)
        )
        hit += _covered(
            case.source_offset,
            case.source_length,
            ((d.source_offset, d.source_length) for d in found),
        )
        total += hit / (case.this_length + case.source_length)
    return total / len(cases)


def macro_precision(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Macro-averaged precision: recall with cases and detections swapped."""
    return macro_recall(detections, cases)


def granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Mean number of detections per detected case (1 when nothing is detected)."""
    dets = _by_pair(detections)
    counts = []
    for case in cases:
        n = sum(
            _overlaps(case, d) for d in dets.get((case.this_reference, case.source_reference), ())
        )
        if n:
            counts.append(n)
    return sum(counts) / len(counts) if counts else 1.0


def plagdet(recall: float, precision: float, gran: float) -> float:
    """F1 of recall and precision, divided by log2(1 + granularity)."""
    if recall <= 0 or precision <= 0 or gran < 1:
        return 0.0
    return (2 * recall * precision / (recall + precision)) / math.log2(1 + gran)


def measures(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> dict[str, float]:
    """plagdet, precision, recall and granularity of ``detections``."""
    rec = macro_recall(cases, detections)
    prec = macro_precision(cases, detections)
    gran = granularity(cases, detections)
    return {
        "plagdet": plagdet(rec, prec, gran),
        "precision": prec,
        "recall": rec,
        "granularity": gran,
    }
