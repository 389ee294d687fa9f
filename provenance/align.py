"""Align a target text to a source text: which passages of one come from the other.

The only module that imports rapidfuzz.  Stable API (used by classify.py, the CLI
and the benchmarks)::

    align_texts(target: str, source: str, *, settings=AlignSettings()) -> list[Passage]
    align_prepared(target: Prepared, source: Prepared, *, settings=...) -> list[Passage]
    align_against_index(target, index, *, settings=None, min_shared=None, exclude=None)
        -> list[tuple[str, Passage]]        # (source doc id, passage), one target vs a corpus
    similarity(a: str, b: str, *, settings=...) -> float   # 0-100

Method (after Sanchez-Perez et al., PAN 2014, plus word-level edges):

1. *Seeds*: sentence pairs whose content-word stems agree, measured by tf-isf
   cosine and Dice coefficient (``seed_cosine``, ``seed_dice``, each pair within
   ``seed_relative`` of the best of its row and column), plus pairs sharing most
   of their hashed stem n-grams (``seed_ngrams``: copies cut into sentences
   differently).  Stems and sentence weights make seeds robust to word edits,
   synonym spinning and round-trip translation, which exact n-grams are not.
2. *Extension*: seeds are chained when they lie within ``max_gap`` sentences of
   each other in both texts; chains are split on either axis until stable, so
   passages copied far apart come out separately.  A chain whose two sides are
   not similar as wholes (``min_passage_cosine``) is re-chained with a smaller
   gap.  A target side much shorter than its source side is a summary: chained
   from looser seeds across ``summary_max_gap``.  Chains then take in
   neighbouring sentences that keep their similarity (``extend_units``).
3. *Edges*: a mostly word-for-word passage is aligned word by word (rapidfuzz
   Levenshtein opcodes on a bounded window around its shared word trigrams);
   the best-scoring run of matches gives character-exact edges, unless the
   words it would cut are rewritten source words or closely matching sentences.
   A side that stops inside a sentence (long sentences are matched as shorter
   units) while the other side goes on with the same words is carried on over
   them, within the sentence: "although, if he" becomes "although, if he did,
   Russia, of course, could provide it" when the other side says so.
4. *Filtering*: passages overlapping in the target keep the best supported;
   short ones go (``min_chars``) unless near-verbatim whole sentences of at
   least ``min_words`` words; a paraphrase needs ``min_paraphrase_pairs``
   sentence pairs and a rapidfuzz ``token_set_ratio`` of
   ``min_paraphrase_token_set``.
5. *Scoring*: rapidfuzz ``fuzz.ratio`` on the normalised texts (bounded by
   ``max_compare_chars``; longer passages are compared word by word) gives the
   0-100 similarity and the kind: ``verbatim`` (identical once normalised),
   ``near-verbatim`` (``near_verbatim`` or more) or ``paraphrase``.
6. With ``split_paragraphs`` (news use) passages are cut at the target's line
   breaks, one piece per paragraph, so a quotation and the prose around it are
   classified apart; the pieces keep the whole passage (split.py) and are not
   filtered again.  PAN evaluation turns it off (maximal passages).

``Passage.extra["sentence_pairs"]`` holds the number of seeds behind a passage.
Spans are half-open character offsets into the texts given.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from provenance import split
from provenance.index import (
    CorpusIndex,
    Prepared,
    Seed,
    SentenceSpace,
    prepare,
    prepared_trigram_window,
    unit_pairs_sharing_ngrams,
)
from provenance.models import Passage, PassageKind, Span
from provenance.segment import (
    ends_sentence,
    normalized_text,
    sentence_starts,
    sentences,
    word_table,
)
from provenance.settings import AlignSettings

_DEFAULT = AlignSettings()


def align_texts(target: str, source: str, *, settings: AlignSettings = _DEFAULT) -> list[Passage]:
    """Passages of ``target`` taken from ``source``, in target order."""
    return align_prepared(
        prepare(target, settings=settings), prepare(source, settings=settings), settings=settings
    )


def align_against_index(
    target: str | Prepared,
    index: CorpusIndex,
    *,
    settings: AlignSettings | None = None,
    min_shared: int | None = None,
    exclude: str | None = None,
) -> list[tuple[str, Passage]]:
    """Align one target against every candidate in a pre-built ``index``.

    Source documents are prepared once, when indexed; only candidates sharing
    ``min_shared`` fingerprints (under the index's document-frequency cap) are
    aligned.  Returns ``(source id, passage)`` sorted by source id then target.
    """
    s = index.settings if settings is None else settings
    doc = target if isinstance(target, Prepared) else prepare(target, settings=s)
    found: list[tuple[str, Passage]] = []
    for doc_id, _ in sorted(index.candidates(doc, min_shared=min_shared, exclude=exclude)):
        for passage in align_prepared(doc, index.document(doc_id), settings=s):
            found.append((doc_id, passage))
    return found


def align_prepared(
    target: Prepared, source: Prepared, *, settings: AlignSettings = _DEFAULT
) -> list[Passage]:
    """:func:`align_texts` on texts prepared with :func:`provenance.index.prepare`."""
    if not target.units or not source.units:
        return []
    space = SentenceSpace(target, source)
    seeds = space.seeds(settings.seed_cosine, settings.seed_dice, settings.seed_relative)
    seeds = sorted(
        set(seeds)
        | set(
            unit_pairs_sharing_ngrams(
                target, source, settings.seed_ngrams, settings.seed_ngram_share, settings.ngram
            )
        )
    )
    if not seeds:
        return []
    chains = _validated(seeds, space, settings.max_gap, settings.min_passage_cosine)
    loose = seeds
    if (settings.summary_seed_cosine, settings.summary_seed_dice) < (
        settings.seed_cosine,
        settings.seed_dice,
    ):
        loose = sorted(
            set(seeds)
            | set(
                space.seeds(
                    settings.summary_seed_cosine, settings.summary_seed_dice, settings.seed_relative
                )
            )
        )
    chains = _summaries(chains, loose, space, settings)
    if settings.extend_units:
        chains = [
            _extended(chain, space, settings.extend_units, settings.extend_cosine)
            for chain in chains
        ]
    candidates = [c for chain in chains for c in _refined(chain, space, settings)]
    found = []
    merged = _merge_summaries(_resolve_overlaps(candidates), space, settings)
    merged = [part for cand in merged for part in _skipped_paragraphs(cand, space, settings)]
    for cand in _to_sentence_edges(merged, space):
        whole = _passage(cand, target, source, settings)
        if whole is None or not settings.split_paragraphs:
            found += [whole] if whole is not None else []
            continue
        pieces = _split_paragraphs(cand, space, settings)
        if len(pieces) == 1 and pieces[0] is cand:  # one paragraph: the passage as it is
            found.append(whole)
            continue
        pieces = _to_sentence_edges(pieces, space)  # (each piece has sides of its own)
        made = [(c, _passage(c, target, source, settings)) for c in pieces]
        # a reworded piece at either end matching no source sentence of its own is where the
        # passage ran on into the outlet's paragraph (a sentence sharing "chief executive")
        while made and _unmatched(*made[0], target):
            made.pop(0)
        while made and _unmatched(*made[-1], target):
            made.pop()
        found += [p for _, p in made if p is not None]
    if settings.summary_max_ratio > 0:  # (a summary grown or joined past it: dropped)
        found = [p for p in found if len(p.source) <= settings.summary_max_ratio * len(p.target)]
    if settings.summary_paragraphs:
        found = [_summarised_paragraphs(p, source, settings, found) for p in found]
    return sorted(found, key=lambda p: (p.target.start, p.source.start))


def _unmatched(cand: _Candidate, passage: Passage | None, target: Prepared) -> bool:
    """Is an end piece of a passage where it ran on into the outlet's own text: a word or
    two of a paragraph ("The" of a credit line), or a reworded piece matching no source
    sentence of its own?  (Between two pieces, a short line is part of the copy.)"""
    return (
        passage is None
        or _word_count(target, cand.target) < _PIECE_WORDS
        or (
            passage.kind == "paraphrase"
            and not cand.seeds
            and passage.similarity < _UNMATCHED_BELOW
        )
    )


#: the similarity under which a piece matching no source sentence of its own is no copy
_UNMATCHED_BELOW = 50.0


def _summarised_paragraphs(
    p: Passage, source: Prepared, settings: AlignSettings, others: Sequence[Passage] = ()
) -> Passage:
    """A summary (a target side ``summary_ratio`` times shorter than its source side) sums
    up the source's paragraphs it draws on: its source side is they, whole, not the stretch
    from its first matched sentence to its last.  Not when that would make it longer than
    ``summary_max_ratio`` times the target side (a wire's one huge paragraph holding other
    stories) or take in another passage's source side."""
    if (
        len(p.source) < settings.summary_ratio * len(p.target)
        or len(p.target) < 2 * settings.min_chars
    ):
        return p
    paras = [q for q in source.paragraphs if q.start < p.source.end and p.source.start < q.end]
    if not paras:
        return p
    whole = Span(min(p.source.start, paras[0].start), max(p.source.end, paras[-1].end))
    if whole == p.source:
        return p
    if settings.summary_max_ratio > 0 and len(whole) > settings.summary_max_ratio * len(p.target):
        return p
    if any(
        o is not p
        and o.source.start < whole.end
        and whole.start < o.source.end
        and not (p.source.start < o.source.end and o.source.start < p.source.end)
        for o in others
    ):
        return p
    return dataclasses.replace(p, source=whole)


# -------------------------------------------------------------------- extension


def _chains(seeds: list[Seed], gaps: tuple[int, int]) -> list[list[Seed]]:
    """Split seeds into chains with gaps of at most ``gaps`` units (target, source)."""
    done: list[list[Seed]] = []
    stack = [seeds]
    while stack:
        group = stack.pop()
        for axis in (0, 1):
            parts = _split(group, axis, gaps[axis])
            if len(parts) > 1:
                stack.extend(parts)
                break
        else:
            done.append(sorted(group))
    return sorted(done)


def _split(group: list[Seed], axis: int, max_gap: int) -> list[list[Seed]]:
    ordered = sorted(group, key=lambda seed: (seed[axis], seed[1 - axis]))
    parts = [[ordered[0]]]
    for prev, seed in itertools.pairwise(ordered):
        if seed[axis] - prev[axis] > max_gap + 1:
            parts.append([seed])
        else:
            parts[-1].append(seed)
    return parts


def _bounds(chain: list[Seed]) -> tuple[tuple[int, int], tuple[int, int]]:
    ts = [seed[0] for seed in chain]
    ss = [seed[1] for seed in chain]
    return (min(ts), max(ts)), (min(ss), max(ss))


def _validated(
    seeds: list[Seed], space: SentenceSpace, max_gap: int, min_cosine: float
) -> list[list[Seed]]:
    """Chains whose sides are similar as wholes, re-chaining others with smaller gaps."""
    out: list[list[Seed]] = []
    for chain in _chains(seeds, (max_gap, max_gap)):
        t_range, s_range = _bounds(chain)
        if len(chain) == 1 or max_gap <= 0 or space.cosine(t_range, s_range) >= min_cosine:
            out.append(chain)
        else:
            out.extend(_validated(chain, space, max_gap - 1, min_cosine))
    return out


def _summaries(
    chains: list[list[Seed]], seeds: list[Seed], space: SentenceSpace, settings: AlignSettings
) -> list[list[Seed]]:
    """Chains whose target side reads like a summary of a longer source stretch.

    Seeds close in the target but up to ``summary_max_gap`` sentences apart in
    the source form one passage when the source side is ``summary_ratio`` times
    longer than the target side and no ordinary chain holds more than half of
    its ordinary seeds (else it is a copied passage with stray matches around
    it); the chains inside it are replaced.
    """
    wide = []
    for chain in _chains(seeds, (settings.max_gap, settings.summary_max_gap)):
        t_range, s_range = _bounds(chain)
        if len({seed[0] for seed in chain}) < 2:
            continue
        t_len = _side_length(space.target, t_range)
        s_len = _side_length(space.source, s_range)
        members = set(chain)
        strict = sum(1 for c in chains for seed in c if seed in members)
        largest = max(len(members.intersection(c)) for c in chains)
        if (
            s_len >= settings.summary_ratio * t_len
            and (settings.summary_max_ratio <= 0 or s_len <= settings.summary_max_ratio * t_len)
            and largest <= max(1, strict / 2)
            and space.cosine(t_range, s_range) >= settings.summary_min_cosine
        ):
            wide.append(chain)
    if not wide:
        return chains
    covered = {seed[0] for chain in wide for seed in chain}
    spans = [_bounds(chain)[0] for chain in wide]
    rest = [
        c
        for c in chains
        if not any(lo <= seed[0] <= hi for seed in c for lo, hi in spans)
        and not covered & {seed[0] for seed in c}
    ]
    return sorted(wide + rest)


def _extended(chain: list[Seed], space: SentenceSpace, most: int, floor: float) -> list[Seed]:
    """Widen a chain by neighbouring sentences that do not lower its cosine.

    Sentences whose copy was too edited to seed on its own still belong to the
    passage when the passage as a whole stays as similar with them and they
    alone reach a cosine of ``floor`` with the other side.
    """
    (t0, t1), (s0, s1) = _bounds(chain)
    added: list[Seed] = []
    n_t, n_s = len(space.target.units), len(space.source.units)
    for _ in range(most):
        base = space.cosine((t0, t1), (s0, s1))
        grown = False
        for trial in (
            (t0 - 1, t1, s0, s1),
            (t0, t1 + 1, s0, s1),
            (t0, t1, s0 - 1, s1),
            (t0, t1, s0, s1 + 1),
        ):
            a, b, c, d = trial
            if a < 0 or c < 0 or b >= n_t or d >= n_s:
                continue
            if a != t0 or b != t1:
                unit = a if a != t0 else b
                alone = space.cosine((unit, unit), (s0, s1))
            else:
                unit = c if c != s0 else d
                alone = space.cosine((t0, t1), (unit, unit))
            if alone >= floor and space.cosine((a, b), (c, d)) >= base:
                t0, t1, s0, s1 = a, b, c, d
                grown = True
        if not grown:
            break
        added = [(t0, s0), (t1, s1)]
    return sorted(set(chain) | set(added))


def _side_length(doc: Prepared, units: tuple[int, int]) -> int:
    return doc.units[units[1]].end - doc.units[units[0]].start


# -------------------------------------------------------------------- filtering


@dataclass(frozen=True)
class _Candidate:
    target: Span
    source: Span
    seeds: tuple[Seed, ...]
    weight: float
    #: sentence pairs of the whole chain (a paragraph piece keeps its chain's)
    support: int = 0
    #: for a paragraph piece, the shorter side of the passage it was cut from
    whole: int = 0
    #: for a paragraph piece, the target span of the passage it was cut from
    parent: Span | None = None

    @classmethod
    def of(cls, chain: Sequence[Seed], space: SentenceSpace, support: int = 0) -> _Candidate:
        (t0, t1), (s0, s1) = _bounds(list(chain))
        tu, su = space.target.units, space.source.units
        weight = float(len({seed[0] for seed in chain}))
        return cls(
            Span(tu[t0].start, tu[t1].end),
            Span(su[s0].start, su[s1].end),
            tuple(chain),
            weight,
            support or len(chain),
        )


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep, among candidates overlapping in the target, the best supported."""
    kept: list[_Candidate] = []
    ranked = sorted(candidates, key=lambda c: (-c.weight, -len(c.target), c.target.start))
    for cand in ranked:
        if all(
            cand.target.end <= k.target.start or k.target.end <= cand.target.start for k in kept
        ):
            kept.append(cand)
    return kept


def _merge_summaries(
    cands: list[_Candidate], space: SentenceSpace, settings: AlignSettings
) -> list[_Candidate]:
    """Join target-adjacent candidates that together read as a summary of the source."""
    out: list[_Candidate] = []
    for cand in sorted(cands, key=lambda c: c.target.start):
        if out and cand.target.start - out[-1].target.end <= settings.summary_merge_chars:
            prev = out[-1]
            t_span = Span(prev.target.start, max(prev.target.end, cand.target.end))
            s_span = Span(
                min(prev.source.start, cand.source.start), max(prev.source.end, cand.source.end)
            )
            if len(s_span) >= settings.summary_ratio * len(t_span) and all(
                len(c.source) >= settings.summary_piece_ratio * len(c.target) for c in (prev, cand)
            ):
                seeds = tuple(sorted(set(prev.seeds) | set(cand.seeds)))
                out[-1] = _Candidate(
                    t_span, s_span, seeds, prev.weight + cand.weight, prev.support + cand.support
                )
                continue
        out.append(cand)
    return out


def _split_paragraphs(
    cand: _Candidate, space: SentenceSpace, settings: AlignSettings
) -> list[_Candidate]:
    """One piece per target paragraph the passage touches, none lost (see split.py)."""
    t, s = space.target, space.source
    parts = split.target_pieces(cand.target, t.paragraphs)
    if len(parts) < 2:
        return [cand]
    own = split.seeds_by_part(t, parts, cand.seeds)
    (ta, tb), (sa, sb) = t.token_range(cand.target), s.token_range(cand.source)
    ops = []  # word alignment of the passage, when short enough
    if max(tb - ta, sb - sa) <= settings.max_refine_tokens:
        ops = list(Levenshtein.opcodes(t.token_ids[ta:tb], s.token_ids[sa:sb]))
    spans = (cand.target, cand.source)
    sides = split.word_sides(t, s, spans, parts, ops, settings.refine_min_share)
    if sides is None or not all(split.meets(s, x, o) for x, o in zip(sides, own, strict=True) if o):
        sides = [_own_side(cand, p, o, space, settings) for p, o in zip(parts, own, strict=True)]
        sides = split.fill_unseeded(t, s, spans, parts, own, sides, settings.piece_min_shared)
    whole = min(len(cand.target), len(cand.source))
    return [
        _Candidate(part, side, tuple(seeds), float(len(seeds)), cand.support, whole, cand.target)
        for part, side, seeds in zip(parts, sides, own, strict=True)
        if side is not None
    ]


def _own_side(
    cand: _Candidate, part: Span, seeds: list[Seed], space: SentenceSpace, settings: AlignSettings
) -> Span | None:
    """The source sentences a paragraph's own seeds matched, refined when word for word."""
    if not seeds:
        return None
    piece = _Candidate.of(seeds, space)
    piece = _Candidate(part, piece.source, tuple(seeds), piece.weight, cand.support)
    try:
        return _refine(piece, space, settings, limit=part).source
    except _OutOfOrder:
        return piece.source


def _skipped_paragraphs(
    cand: _Candidate, space: SentenceSpace, settings: AlignSettings
) -> list[_Candidate]:
    """``cand`` cut where the target goes from one sentence straight on to the next while
    the source has a whole paragraph between their matches that none of the target's
    sentences matches: the outlet left that paragraph out ("the ministry said in a
    statement" between two sentences it copied word for word), and one passage spanning
    it on the source side was a paraphrase of 74.  Each part is a passage of its own, when
    each is a copy near word for word (a rewrite may well leave a paragraph out and be
    one paraphrase still)."""
    seeds = sorted(cand.seeds)
    if len(seeds) < 2:
        return [cand]
    paragraphs = space.source.paragraphs
    units = space.source.units
    for k in range(1, len(seeds)):
        (t0, s0), (t1, s1) = seeds[k - 1], seeds[k]
        if t1 - t0 != 1 or s1 <= s0 + 1:
            continue  # (target sentences not adjacent, or no source sentence between)
        gap = Span(units[s0].end, units[s1].start)
        skipped = [
            p for p in paragraphs if gap.start <= p.start and p.end <= gap.end and p.end > p.start
        ]
        if not skipped or any(
            u.start < skipped[-1].end and skipped[0].start < u.end
            for _, j in seeds
            for u in (units[j],)
        ):
            continue
        # (each part a piece of the passage, which passed: a short sentence cut off stands)
        whole, parent = min(len(cand.target), len(cand.source)), cand.target
        first, rest = (
            dataclasses.replace(
                _Candidate.of(part, space, cand.support), whole=whole, parent=parent
            )
            for part in (seeds[:k], seeds[k:])
        )
        t, src = space.target, space.source
        if all(
            _prepared_similarity(t, c.target, src, c.source, settings) >= settings.near_verbatim
            for c in (first, rest)
        ):
            return [first, *_skipped_paragraphs(rest, space, settings)]
    return [cand]


def _to_sentence_edges(cands: list[_Candidate], space: SentenceSpace) -> list[_Candidate]:
    """Candidates whose sides stop inside a sentence while the other side goes on with
    the same words, carried on over those words (within the sentence).

    Sentences of over ``max_unit_words`` words are matched as shorter units, so one
    side of a passage can stop at such a cut ("although, if he") while the other side
    holds the whole sentence ("although, if he did, Russia, of course, could provide
    it").  Words are compared exactly (normalised); the target sides stay apart.
    """
    t, s = space.target, space.source
    out: list[_Candidate] = []
    for cand in sorted(cands, key=lambda c: c.target.start):
        t_span = _carried_on(t, cand.target, s, cand.source)
        s_span = _carried_on(s, cand.source, t, cand.target)
        if out:  # never into the previous candidate's target side
            t_span = Span(max(t_span.start, out[-1].target.end), t_span.end)
        if t_span != cand.target or s_span != cand.source:
            cand = dataclasses.replace(cand, target=t_span, source=s_span)
        out.append(cand)
    for k in range(len(out) - 1):  # nor into the next one's
        nxt = out[k + 1].target.start
        if out[k].target.end > nxt:
            out[k] = dataclasses.replace(out[k], target=Span(out[k].target.start, nxt))
    return out


def _carried_on(doc: Prepared, span: Span, other: Prepared, other_span: Span) -> Span:
    """``span`` of ``doc`` with each edge inside a sentence carried on over the words
    that continue it in ``other_span`` of ``other`` (see :func:`_to_sentence_edges`)."""
    i, j = doc.token_range(span)
    k, m = other.token_range(other_span)
    if j - i < _ANCHOR or m - k < _ANCHOR:
        return span
    sents, starts = sentences(doc.text), sentence_starts(doc.text)
    ids, theirs = doc.token_ids, other.token_ids[k:m]
    start, end = span.start, span.end
    at = bisect.bisect_right(starts, end - 1) - 1
    if at >= 0 and end < sents[at].end:
        after = ids[j : doc.token_range(Span(end, sents[at].end))[1]]
        n = _longest_run(ids[j - _ANCHOR : j], after, theirs, forward=True)
        if n >= _ANCHOR:
            end = doc.token_ends[j + n - 1]
    at = bisect.bisect_right(starts, start) - 1
    if at >= 0 and sents[at].start < start < sents[at].end:
        before = ids[doc.token_range(Span(sents[at].start, start))[0] : i]
        n = _longest_run(ids[i : i + _ANCHOR], before, theirs, forward=False)
        if n >= _ANCHOR:
            start = doc.token_starts[i - n]
    return Span(start, end)


#: words of a side's edge that must recur in the other side, and words that must
#: follow them there, before an edge is carried on
_ANCHOR = 2


def _longest_run(anchor: array[int], more: array[int], theirs: array[int], *, forward: bool) -> int:
    """How many words of ``more`` follow (``forward``) or precede ``anchor`` wherever it
    occurs in ``theirs``, at most."""
    best, size = 0, len(anchor)
    q = -1
    while True:
        try:
            q = theirs.index(anchor[0], q + 1)  # (a scan in C)
        except ValueError:
            return best
        if theirs[q : q + size] != anchor:
            continue
        n = 0
        if forward:
            while n < len(more) and q + size + n < len(theirs) and theirs[q + size + n] == more[n]:
                n += 1
        else:
            while n < len(more) and q - 1 - n >= 0 and theirs[q - 1 - n] == more[-1 - n]:
                n += 1
        best = max(best, n)


# ------------------------------------------------------------------- refinement

_OPENING = split.OPENING


def _refine(
    cand: _Candidate, space: SentenceSpace, settings: AlignSettings, *, limit: Span | None = None
) -> _Candidate:
    """Trim or extend the edges of a mostly word-for-word passage to the words copied.

    The candidate, widened by one sentence on each side (within ``limit`` in the
    target), is aligned word by word with rapidfuzz Levenshtein opcodes; the
    best-scoring run of aligned blocks (+1 per matching word, ``-refine_penalty``
    per edited word) gives the new edges.  Passages with fewer matching words
    than ``refine_min_share``, and windows over ``max_refine_tokens``, are kept.
    """
    t, s = space.target, space.source
    (t0, t1), (s0, s1) = _bounds(list(cand.seeds))
    t_win = Span(t.units[max(t0 - 1, 0)].start, t.units[min(t1 + 1, len(t.units) - 1)].end)
    s_win = Span(s.units[max(s0 - 1, 0)].start, s.units[min(s1 + 1, len(s.units) - 1)].end)
    if limit is not None:
        t_win = Span(max(t_win.start, limit.start), max(min(t_win.end, limit.end), limit.start))
    ta, tb = t.token_range(t_win)
    sa, sb = s.token_range(s_win)
    if max(tb - ta, sb - sa) > settings.max_refine_tokens or ta == tb or sa == sb:
        return cand
    focus = prepared_trigram_window(t, (ta, tb), s, (sa, sb), settings.refine_pad)
    if focus is None:
        return cand  # no word trigram in common: not word for word
    ta, tb, sa, sb = ta + focus[0], ta + focus[1], sa + focus[2], sa + focus[3]
    ops = Levenshtein.opcodes(t.token_ids[ta:tb], s.token_ids[sa:sb])
    ca, cb = t.token_range(cand.target)
    inside = sum(
        max(0, min(op.src_end, cb - ta) - max(op.src_start, ca - ta))
        for op in ops
        if op.tag == "equal"
    )
    if cb <= ca or inside < settings.refine_min_share * (cb - ca):
        return cand  # not word for word
    best = _best_run(ops, settings.refine_penalty)
    if best is None:
        return cand
    first, last, matched = best
    # the run's ends, carried over the same words next to them on both sides: of equally
    # cheap alignments the opcodes may match an edge word ("The") to a copy further off
    t_lo, s_lo = ta + first.src_start, sa + first.dest_start
    t_hi, s_hi = ta + last.src_end, sa + last.dest_end
    while t_lo > ta and s_lo > sa and t.token_ids[t_lo - 1] == s.token_ids[s_lo - 1]:
        t_lo, s_lo, matched = t_lo - 1, s_lo - 1, matched + 1
    while t_hi < tb and s_hi < sb and t.token_ids[t_hi] == s.token_ids[s_hi]:
        t_hi, s_hi, matched = t_hi + 1, s_hi + 1, matched + 1
    t_new = _word_span(t.text, t.token_starts[t_lo], t.token_ends[t_hi - 1])
    s_new = _word_span(s.text, s.token_starts[s_lo], s.token_ends[s_hi - 1])
    total = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    width = max(t_hi - t_lo, s_hi - s_lo)
    if matched >= settings.refine_keep * total or matched >= settings.refine_dense * width:
        t_span, s_span = t_new, s_new  # the run holds nearly every match, or is a copy
    else:
        t_span = _edges(t, (t0, t1), cand.target, t_new)
        s_span = _edges(s, (s0, s1), cand.source, s_new)
    if limit is not None:
        t_span = Span(max(t_span.start, limit.start), min(t_span.end, limit.end))
    if _cut_share(t, cand.target, t_span, s, cand.source) >= settings.refine_max_cut_share:
        return cand  # the edges cut off are rewritten, not foreign: keep the passage
    lost = [
        seed
        for seed in cand.seeds
        if t.units[seed[0]].end <= t_span.start or t_span.end <= t.units[seed[0]].start
    ]
    if any(space.seed_cosine.get(seed, 0.0) >= settings.refine_keep_cosine for seed in lost):
        raise _OutOfOrder(lost)  # closely matching sentences would be lost
    return _Candidate(t_span, s_span, cand.seeds, float(matched), cand.support)


class _OutOfOrder(Exception):
    """A word-for-word passage holds seeds the word alignment cannot reach."""

    def __init__(self, lost: list[Seed]) -> None:
        super().__init__("seeds out of order")
        self.lost = lost


def _refined(chain: list[Seed], space: SentenceSpace, settings: AlignSettings) -> list[_Candidate]:
    """Refined candidates of one chain, split where passages were copied out of order."""
    try:
        return [_refine(_Candidate.of(chain, space), space, settings)]
    except _OutOfOrder as exc:
        lost = set(exc.lost)
        kept = [seed for seed in chain if seed not in lost]
        if not kept:
            return [_Candidate.of(chain, space)]
        return _refined(kept, space, settings) + _refined(sorted(lost), space, settings)


def _cut_share(t: Prepared, old: Span, new: Span, s: Prepared, source: Span) -> float:
    """Share of the content words cut off the target that occur in the source passage."""
    words_of = split.content_stems
    cut = words_of(t, Span(old.start, max(old.start, min(new.start, old.end))))
    cut += words_of(t, Span(min(old.end, max(new.end, old.start)), old.end))
    if not cut:
        return 0.0
    known = set(words_of(s, source))
    return sum(w in known for w in cut) / len(cut)


def _best_run(ops: Iterable[Any], penalty: float) -> tuple[Any, Any, int] | None:
    """The run of opcodes from one equal block to another with the highest score."""
    best: tuple[Any, Any, int] | None = None
    best_score = 0.0
    score, start, matched = 0.0, None, 0
    for op in ops:
        n_src, n_dest = op.src_end - op.src_start, op.dest_end - op.dest_start
        if op.tag == "equal":
            if start is None or score <= 0:
                score, start, matched = 0.0, op, 0
            score += n_src
            matched += n_src
            if score > best_score:
                best_score, best = score, (start, op, matched)
        elif start is not None:
            score -= penalty * max(n_src, n_dest)
    return best


def _edges(doc: Prepared, units: tuple[int, int], old: Span, new: Span) -> Span:
    """New edges where they fall in the first/last sentence or the one beyond, else old."""
    start = new.start if new.start < doc.units[units[0]].end else old.start
    end = new.end if new.end > doc.units[units[1]].start else old.end
    return Span(start, end) if start < end else old


def _word_span(text: str, start: int, end: int) -> Span:
    """Widen a span of words over adjoining punctuation and opening quotes."""
    while start > 0 and text[start - 1] in _OPENING:
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return Span(start, end)


# ---------------------------------------------------------------------- scoring


def similarity(a: str, b: str, *, settings: AlignSettings = _DEFAULT) -> float:
    """0-100 similarity of two passages after normalisation (rapidfuzz Indel ratio).

    Character by character up to ``max_compare_chars``; word by word beyond,
    so the cost stays bounded whatever the passage length.
    """
    na, nb = normalized_text(a), normalized_text(b)
    if na == nb:
        return 100.0
    if max(len(na), len(nb)) <= settings.max_compare_chars:
        return float(fuzz.ratio(na, nb))
    return float(fuzz.ratio(word_table(a)[0], word_table(b)[0]))


def _prepared_similarity(
    target: Prepared, t_span: Span, source: Prepared, s_span: Span, settings: AlignSettings
) -> float:
    """:func:`similarity` of two spans of prepared texts; long ones are compared
    word by word on the words' hashes, with no tokenising again."""
    a, b = target.text[t_span.start : t_span.end], source.text[s_span.start : s_span.end]
    if max(len(a), len(b)) <= settings.max_compare_chars:
        return similarity(a, b, settings=settings)
    (i, j), (k, m) = target.token_range(t_span), source.token_range(s_span)
    return float(fuzz.ratio(target.token_ids[i:j], source.token_ids[k:m]))


def _passage(
    cand: _Candidate, target: Prepared, source: Prepared, settings: AlignSettings
) -> Passage | None:
    t_text = target.text[cand.target.start : cand.target.end]
    s_text = source.text[cand.source.start : cand.source.end]
    score = _prepared_similarity(target, cand.target, source, cand.source, settings)
    kind = _kind(score, settings)
    # (a piece longer than its source side by half again: sentences of the outlet's own)
    if cand.whole and kind == "paraphrase" and len(cand.target) > _CUT_RATIO * len(cand.source):
        seeded = _seeded_part(cand, target)
        if seeded is None:
            return None
        if seeded is not cand:  # (kept cut when what it cut was unlike the source's words)
            cut = _prepared_similarity(target, seeded.target, source, seeded.source, settings)
            if cut >= score + _CUT_GAIN:
                cand, score, kind = seeded, cut, _kind(cut, settings)
                t_text = target.text[cand.target.start : cand.target.end]
    if not cand.whole and _dropped(t_text, s_text, kind, cand, target, settings):
        return None  # (a paragraph piece goes with its passage, which passed)
    if (
        cand.whole
        and kind == "paraphrase"
        and _word_count(source, cand.source) < _REWORDED_WORDS
        and len(cand.target) > _CUT_RATIO * 2 * len(cand.source)
    ):
        return None  # a reworded sentence matched to a few words ("in Istanbul next week.")
    if _DATELINE.fullmatch(t_text.strip()):
        return None  # "ST. PETERSBURG, June 19. /TASS/.": every item of the day begins so
    if cand.whole and kind == "paraphrase" and _heading(target.text, cand.target, settings):
        return None  # a headline over paragraphs it sums up: its words are not the copy
    return Passage(
        target=cand.target,
        source=cand.source,
        kind=kind,
        similarity=round(score, 1),
        extra={"sentence_pairs": str(len(cand.seeds))}
        | ({"piece_of": f"{cand.parent.start}-{cand.parent.end}"} if cand.parent else {}),
    )


#: the fewest words a paragraph piece of a passage has to be a passage of its own
_PIECE_WORDS = 3
#: ... and the fewest on its source side, reworded
_REWORDED_WORDS = 6
#: a wire's dateline alone: place, day, agency ("MOSCOW, June 19. /TASS/.", a Russian one with
#: the day first, "LONDON, June 19 (Reuters) -")
_DATELINE = re.compile(
    r"[^\W\d][^\n,]{0,40},\s+(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)\.?\s*"
    r"(?:/[^/\n]{1,30}/|\([^()\n]{1,30}\))\.?(?:\s*[-\u2013\u2014])?"
)


#: similarity points a reworded piece cut to its matched sentences must gain to be cut: its
#: sentences cut were the outlet's own, not sentences reworded too closely to be matched
_CUT_GAIN = 5.0
_CUT_RATIO = 1.5


def _seeded_part(cand: _Candidate, target: Prepared) -> _Candidate | None:
    """A reworded paragraph piece of a passage cut to its sentences from the first to the
    last that match a source sentence: the outlet's own sentences around the one it
    reworded ("Many of those released had been held since...") are not the copy.  None
    when none of its sentences matches one."""
    units = [target.units[t] for t, _ in cand.seeds]
    inside = [u for u in units if cand.target.start < u.end and u.start < cand.target.end]
    if not inside:
        return cand if not cand.seeds else None
    # (whole sentences: a long sentence is matched in shorter units, and a unit's end is
    # no place to cut a copy)
    spans, starts = sentences(target.text), sentence_starts(target.text)
    first = _sentence_at(spans, starts, min(u.start for u in inside))
    last = _sentence_at(spans, starts, max(u.end for u in inside) - 1)
    span = Span(max(cand.target.start, first.start), min(cand.target.end, last.end))
    return cand if span == cand.target else dataclasses.replace(cand, target=span)


def _sentence_at(spans: Sequence[Span], starts: Sequence[int], pos: int) -> Span:
    """The sentence of ``spans`` (their ``starts``) holding offset ``pos``, else ``pos``."""
    k = bisect.bisect_right(starts, pos) - 1
    return spans[k] if k >= 0 and pos < spans[k].end else Span(pos, pos + 1)


def _dropped(
    t_text: str, s_text: str, kind: str, cand: _Candidate, target: Prepared, settings: AlignSettings
) -> bool:
    if kind == "paraphrase" and not _paraphrase_holds(t_text, s_text, cand, settings):
        return True
    return min(len(cand.target), len(cand.source)) < settings.min_chars and not (
        kind != "paraphrase"
        and _word_count(target, cand.target) >= settings.min_words
        and split.most_of_sentence(target, cand.target)
    )


def _heading(text: str, span: Span, settings: AlignSettings) -> bool:
    """Is a paragraph piece a heading: one short line, shorter than a passage may be, with
    a blank line (or the text's edge) before and after it, not ending as a sentence ends
    ("Kremlin says no date yet for Putin-Trump summit")?  Reworded against the source's
    lead, it sums the story up as any headline on it would.  (A line wrapped inside a
    paragraph has no blank line around it.)"""
    body = text[span.start : span.end].strip()
    before, after = text[: span.start], text[span.end :]
    return (
        len(body) < settings.min_chars
        and "\n" not in body
        and (not before.strip() or before.rstrip(" \t").endswith("\n\n"))
        and (not after.strip() or after.lstrip(" \t").startswith("\n\n"))
        and not ends_sentence(body)
    )


def _word_count(doc: Prepared, span: Span) -> int:
    i, j = doc.token_range(span)
    return j - i


def _paraphrase_holds(t_text: str, s_text: str, cand: _Candidate, settings: AlignSettings) -> bool:
    """A paraphrase needs a chain of sentence pairs and shared vocabulary as a whole.

    The vocabulary test is rapidfuzz ``token_set_ratio`` on the normalised texts
    (skipped beyond ``max_compare_chars``, where chains are long enough evidence).
    """
    if cand.support < settings.min_paraphrase_pairs:
        return False
    return _shares_vocabulary(t_text, s_text, settings)


def _shares_vocabulary(t_text: str, s_text: str, settings: AlignSettings) -> bool:
    na, nb = normalized_text(t_text), normalized_text(s_text)
    if max(len(na), len(nb)) > settings.max_compare_chars:
        return True
    return fuzz.token_set_ratio(na, nb) >= settings.min_paraphrase_token_set


def _kind(score: float, settings: AlignSettings) -> PassageKind:
    if score >= 100.0:
        return "verbatim"
    if score >= settings.near_verbatim:
        return "near-verbatim"
    return "paraphrase"
