"""Cut an aligned passage at the target's paragraphs without losing any of it.

Used by align.py when ``split_paragraphs`` is on.  Every paragraph a passage
touches is one piece: its target side is the paragraph's part of the passage,
its source side the matching part of the passage's source span.

* A mostly word-for-word passage is cut where its word alignment maps each
  paragraph's first word (:func:`word_cuts`): the pieces tile both spans.
* Otherwise a paragraph holding seeds (sentence pairs) takes the source
  sentences they matched, and a run of paragraphs without seeds shares the
  source between its neighbours' sides (or, where those are out of order, the
  part of the source span that interpolating between the seeds gives it,
  :func:`anchored_cuts`), trimmed of end sentences sharing no content word with
  it.  Such a paragraph joins only when ``piece_min_shared`` of its content
  words occur in the source around it ("Advertisement" lines do not) and
  neither side holds quotation marks: reworded quotations are matched by
  classify.py, statement by statement.  A line that only continues a seeded
  sentence and got no source of its own takes that seed's source sentence.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from typing import Any

from provenance.index import Prepared, Seed
from provenance.models import Span, overlapping

_QUOTES = frozenset('"\u201c\u201d\u00ab\u00bb')
_QUOTE_RE = re.compile("[" + re.escape("".join(sorted(_QUOTES))) + "]")
#: opening punctuation kept with the word after it
OPENING = frozenset("\"'\u201c\u2018\u201e\u00ab([")


def seeds_by_part(
    target: Prepared, parts: Sequence[Span], seeds: Sequence[Seed]
) -> list[list[Seed]]:
    """The seeds of each part: a seed goes to the part holding most of its target sentence."""
    own: list[list[Seed]] = [[] for _ in parts]
    starts = [p.start for p in parts]  # parts are sorted and disjoint
    for seed in seeds:
        unit = target.units[seed[0]]
        best, most = -1, 0  # the first part with the largest overlap
        k = max(0, bisect.bisect_right(starts, unit.start) - 1)
        while k < len(parts) and parts[k].start < unit.end:
            overlap = _overlap(parts[k], unit)
            if overlap > most:
                best, most = k, overlap
            k += 1
        if best >= 0:
            own[best].append(seed)
    return own


def meets(source: Prepared, side: Span | None, seeds: Sequence[Seed]) -> bool:
    """Whether ``side`` overlaps the source sentence of one of ``seeds`` at least."""
    units = source.units
    return side is not None and any(_overlap(side, units[j]) for _, j in seeds)


def fill_unseeded(
    target: Prepared,
    source: Prepared,
    spans: tuple[Span, Span],
    parts: Sequence[Span],
    own: Sequence[Sequence[Seed]],
    sides: list[Span | None],
    min_shared: float,
) -> list[Span | None]:
    """``sides`` with the source sides of the parts without seeds filled in where they belong."""
    s_span = spans[1]
    snaps = ([u.start for u in source.units], source.token_starts)
    anchors = [(target.units[i].start, source.units[j].start) for i, j in _all(own)]
    anchors += [(target.units[i].end, source.units[j].end) for i, j in _all(own)]
    cuts = anchored_cuts([p.start for p in parts[1:]], spans, anchors, snaps)
    tiled = tiles(source.text, s_span, cuts)
    sides = list(sides)
    k = 0
    while k < len(parts):
        if own[k]:
            k += 1
            continue
        end = next((i for i in range(k, len(parts)) if own[i]), len(parts))
        before, after = sides[k - 1] if k else None, sides[end] if end < len(parts) else None
        lo = before.end if before else s_span.start
        hi = after.start if after else s_span.end
        if lo < hi:  # the run shares the source between its neighbours
            wide = Span(before.start if before else lo, after.end if after else hi)
            run = [i for i in range(k, end) if _joins(target, source, parts[i], wide, min_shared)]
            if run:
                whole = Span(parts[run[0]].start, parts[run[-1]].end)
                at = anchored_cuts(
                    [parts[i].start for i in run[1:]], (whole, Span(lo, hi)), [], snaps
                )
                for i, side in zip(run, tiles(source.text, Span(lo, hi), at), strict=True):
                    found = _trimmed(target, source, parts[i], side) or tiled[i]
                    # (the words it shares may lie in a neighbour's side: then not here)
                    if (
                        found is not None
                        and _joins(target, source, parts[i], found, min_shared)
                        and not _quoted(target, source, parts[i], found)
                    ):
                        sides[i] = found
        else:  # out of order: the share interpolation gives it
            for i in range(k, end):
                near = Span(
                    (tiled[max(i - 1, 0)] or s_span).start,
                    (tiled[min(i + 1, len(parts) - 1)] or s_span).end,
                )
                joins = _joins(target, source, parts[i], near, min_shared)
                if (
                    joins
                    and tiled[i] is not None
                    and not _quoted(target, source, parts[i], tiled[i])
                ):
                    sides[i] = tiled[i]
        k = end
    every = _all(own)
    for i, part in enumerate(parts):  # a fragment of a seeded sentence: that seed's source
        seeds = [x for x in every if _overlap(part, target.units[x[0]])]
        if sides[i] is None and seeds and not whole_sentence(target, part):
            lo = max(s_span.start, min(source.units[j].start for _, j in seeds))
            hi = min(s_span.end, max(source.units[j].end for _, j in seeds))
            if lo < hi:  # the seed's source sentence may lie outside the passage's span
                sides[i] = Span(lo, hi)
    return sides


def _quoted(target: Prepared, source: Prepared, part: Span, side: Span | None) -> bool:
    """Whether either side holds quotation marks (quotations are classify.py's to match)."""
    if _QUOTE_RE.search(target.text, part.start, part.end):
        return True
    return side is not None and _QUOTE_RE.search(source.text, side.start, side.end) is not None


def _all(own: Sequence[Sequence[Seed]]) -> list[Seed]:
    return [seed for seeds in own for seed in seeds]


def _joins(target: Prepared, source: Prepared, part: Span, near: Span, min_shared: float) -> bool:
    """Whether ``min_shared`` of the content words of ``part`` occur in ``near`` (source)."""
    words = content_stems(target, part)
    known = set(content_stems(source, near))
    return sum(w in known for w in words) >= min_shared * len(words)


def _trimmed(target: Prepared, source: Prepared, part: Span, side: Span | None) -> Span | None:
    """``side`` without source sentences at its ends that share no content word with ``part``."""
    if side is None:
        return None
    known = set(content_stems(target, part))
    units = overlapping(source.units, side)
    keep = [u for u in units if known & set(content_stems(source, u))]
    if not keep:
        return side
    return Span(max(side.start, keep[0].start), min(side.end, keep[-1].end))


def tiles(text: str, span: Span, cuts: list[int]) -> list[Span | None]:
    """``span`` cut at ``cuts`` (moved before opening quotes), each part stripped."""
    edges = [span.start]
    for cut in cuts:
        while cut > span.start and text[cut - 1] in OPENING:
            cut -= 1
        edges.append(min(max(cut, edges[-1]), span.end))
    edges.append(span.end)
    return [strip(text, Span(lo, hi)) for lo, hi in itertools.pairwise(edges)]


def content_stems(doc: Prepared, span: Span) -> list[int]:
    """Stems (hashed) of the content words (not stop words) of ``span``."""
    i, j = doc.token_range(span)
    return [h for h in doc.token_stems[i:j] if h]


def whole_sentence(doc: Prepared, span: Span) -> bool:
    """Whether ``span`` covers at least one whole sentence (unit) of ``doc``."""
    return any(span.start <= u.start and u.end <= span.end for u in doc.units)


def most_of_sentence(doc: Prepared, span: Span) -> bool:
    """Whether ``span`` stands for a sentence (unit) of ``doc``: covers it whole, or from its
    start or to its end, at least half of it, the rest a clause the outlet added (",
    TASS reported.", ", according to the agency.")."""
    for u in doc.units:
        if u.end <= span.start or span.end <= u.start:
            continue
        covered, length = _overlap(span, u), u.end - u.start
        edge = span.start <= u.start or u.end <= span.end
        if covered == length or (edge and 2 * covered >= length):
            return True
    return False


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def target_pieces(span: Span, paragraphs: Sequence[Span]) -> list[Span]:
    """The parts of ``span`` inside each paragraph it touches, in order."""
    return [
        Span(max(span.start, p.start), min(span.end, p.end))
        for p in paragraphs
        if p.start < span.end and span.start < p.end
    ]


def word_sides(
    target: Prepared,
    source: Prepared,
    spans: tuple[Span, Span],
    parts: Sequence[Span],
    ops: Sequence[Any],
    min_share: float,
) -> list[Span | None] | None:
    """Source sides cut where the word alignment ``ops`` maps each part's first word.

    None unless ``min_share`` of the target words are matched (a mostly
    word-for-word passage).
    """
    t_span, s_span = spans
    (ta, tb), (sa, sb) = target.token_range(t_span), source.token_range(s_span)
    if not ops or sum(op.src_end - op.src_start for op in ops if op.tag == "equal") < (
        min_share * (tb - ta)
    ):
        return None
    firsts = [target.token_range(Span(p.start, p.start))[0] - ta for p in parts[1:]]
    cuts = [
        source.token_starts[sa + j] if sa + j < sb else s_span.end for j in word_cuts(firsts, ops)
    ]
    sides = tiles(source.text, s_span, cuts)
    # a side holds the source words its part's words match: source words the target
    # skipped between two parts (a paragraph left out) are in neither side, and a part of
    # three words or more matching no two in a row has none (a paragraph of its own)
    bounds = [0, *firsts, tb - ta]
    t_ids, s_ids = target.token_ids, source.token_ids
    floor = 0  # source words before this one belong to earlier sides
    for k, side in enumerate(sides):
        if side is None:
            continue
        matched = _matched_words(ops, bounds[k], bounds[k + 1])
        if matched is None:
            continue
        i, first, j, end, runs = matched
        if not runs and bounds[k + 1] - bounds[k] >= 3:
            sides[k] = None
            continue
        # carried back and on over the same words next to them (a lone "the" matched off)
        while i > bounds[k] and first > floor and t_ids[ta + i - 1] == s_ids[sa + first - 1]:
            i, first = i - 1, first - 1
        while j < bounds[k + 1] and sa + end < sb and t_ids[ta + j] == s_ids[sa + end]:
            j, end = j + 1, end + 1
        lo, hi = source.token_starts[sa + first], source.token_ends[sa + end - 1]
        while lo > s_span.start and source.text[lo - 1] in OPENING:
            lo -= 1
        while hi < s_span.end and not source.text[hi].isspace() and not source.text[hi].isalnum():
            hi += 1
        sides[k] = Span(max(s_span.start, lo), min(hi, s_span.end))
        floor = end
    return sides


def _matched_words(ops: Sequence[Any], lo: int, hi: int) -> tuple[int, int, int, int, bool] | None:
    """The target words ``lo``..``hi`` that the word alignment ``ops`` matches in runs of
    two words or more within the part (else in any run, or replaces), as
    ``(first target word, its source word, end target word, its source end, in runs)``,
    or None.  (Of equally cheap alignments, the opcodes may match a lone "the" to a copy
    in a stretch the target skipped.)"""
    inside = [op for op in ops if op.src_start < hi and lo < op.src_end]
    runs = [
        op
        for op in inside
        if op.tag == "equal" and min(hi, op.src_end) - max(lo, op.src_start) >= 2
    ]
    found = None
    for op in runs or [op for op in inside if op.tag in ("equal", "replace")]:
        n_src, n_dest = op.src_end - op.src_start, op.dest_end - op.dest_start
        i, j = max(lo, op.src_start), min(hi, op.src_end)
        a = op.dest_start + (i - op.src_start) * n_dest // n_src
        b = op.dest_start + -(-(j - op.src_start) * n_dest // n_src)
        if found is None:
            found = (i, a, j, b)
        found = (found[0], found[1], j, b) if j >= found[2] else found
    if found is None or found[1] >= found[3]:
        return None
    return (*found, bool(runs))


def word_cuts(cuts: Sequence[int], ops: Sequence[Any]) -> list[int]:
    """Source token index of each target token index in ``cuts`` (Levenshtein opcodes).

    A cut inside an equal or replaced block keeps its offset in the block (scaled
    when the block's sides differ in length); one inside a deleted block (target
    words with no source counterpart) maps to the block's source position.
    """
    out = []
    for cut in cuts:
        j = ops[-1].dest_end if ops else 0
        for op in ops:
            if op.src_start <= cut < op.src_end:
                n_src, n_dest = op.src_end - op.src_start, op.dest_end - op.dest_start
                j = op.dest_start + (cut - op.src_start) * n_dest // n_src
                break
        out.append(j)
    return out


def anchored_cuts(
    cuts: Sequence[int],
    spans: tuple[Span, Span],
    anchors: Sequence[tuple[int, int]],
    snaps: Sequence[Sequence[int]],
) -> list[int]:
    """Source offsets of the target offsets ``cuts`` by piecewise-linear interpolation.

    The passage's (target, source) ``spans`` correspond at their ends, and so do
    the ``anchors`` (offset pairs, say the ends of seeded sentence pairs) inside
    both spans that are in order in the source.  Each result moves to the nearest offset of the
    first of ``snaps`` (sorted offsets: sentence starts, then word starts) that
    has one strictly between the previous result and the next interpolated one,
    so that every piece keeps some source text.
    """
    t, s = spans
    inside = {(a, b) for a, b in anchors if t.start < a < t.end and s.start < b < s.end}
    chain = [(t.start, s.start), *_monotone(sorted(inside)), (t.end, s.end)]
    keys = [a[0] for a in chain]
    raw = []
    for cut in cuts:
        k = bisect.bisect_right(keys, cut)
        (t0, s0), (t1, s1) = chain[max(k - 1, 0)], chain[min(k, len(chain) - 1)]
        raw.append(s0 if t1 <= t0 else s0 + (s1 - s0) * (cut - t0) // (t1 - t0))
    out: list[int] = []
    prev = s.start
    for i, pos in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else s.end
        for offsets in snaps:
            near = _nearest(offsets, pos, prev, nxt)
            if near is not None:
                pos = near
                break
        prev = max(prev, pos)
        out.append(prev)
    return out


def _monotone(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``points`` (sorted by target) increasing in the source."""
    tails: list[int] = []  # tails[k]: index of the smallest end of a run of length k + 1
    ends: list[int] = []  # ... and that end
    back = [-1] * len(points)
    for i, (_, s) in enumerate(points):
        k = bisect.bisect_left(ends, s)
        back[i] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(i)
            ends.append(s)
        else:
            tails[k], ends[k] = i, s
    out = []
    i = tails[-1] if tails else -1
    while i >= 0:
        out.append(points[i])
        i = back[i]
    return out[::-1]


def _nearest(offsets: Sequence[int], pos: int, low: int, high: int) -> int | None:
    """The offset nearest ``pos`` strictly between ``low`` and ``high``, if any."""
    k = bisect.bisect_left(offsets, pos)
    near = [offsets[i] for i in (k - 1, k) if 0 <= i < len(offsets) and low < offsets[i] < high]
    return min(near, key=lambda o: abs(o - pos)) if near else None


def strip(text: str, span: Span) -> Span | None:
    """``span`` without surrounding whitespace, or None when nothing is left."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None
