"""Lineage of shared passages: which article came first, and where material came from.

- :func:`direction`: a designated source comes before any other article (unless
  that one is dated earlier and the source names its outlet), then the earlier
  publication day; same-day or unknown dates give None (unknown).
- :func:`order_by_source`: with unknown order, the article that reproduces a
  designated source's text more faithfully is the earlier one (stemmatology's
  rule: a copy accumulates changes).
- :func:`origins`: follow each passage's source back to where the material
  first appeared.
- :func:`merge_adjacent`: join passages that continue each other in both texts.

Rows are the pipeline's passage dicts (provenance.aggregate.PASSAGE_COLUMNS plus
``credited_source``); they are changed in place.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from provenance.dates import utc_day
from provenance.models import Passage, PassageKind, Span
from provenance.segment import terms, whole_sentences, words
from provenance.settings import AlignSettings


class Dated(Protocol):
    @property
    def designated(self) -> bool: ...

    @property
    def published(self) -> str | None: ...


T = TypeVar("T", bound=Dated)


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def publication_day(value: str | None) -> str | None:
    """The ISO day of a publication date as written (its own zone), or None when it is not
    one.  Two dates that both give a time and its zone are compared in UTC instead
    (:func:`direction`): 01:00 in Moscow on the 7th is the 6th in New York."""
    if not value or len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    day = value[:10]
    return day if day.replace("-", "").isdigit() else None


def direction(a: T, b: T, cites: Callable[[T, T], bool] | None = None) -> tuple[T, T, str] | None:
    """``(earlier, later, reason)`` for two articles, or None when unknown.

    A designated source comes first, unless the source's text names the other article's
    outlet (``cites(source, other)``) and the other is not dated after it (earlier, or the
    same day, or undated): a wire rewriting a newspaper's exclusive ("the Kommersant
    newspaper reported") took it from the paper, though both came out the same morning.
    """
    if a.designated != b.designated:
        source, other = (a, b) if a.designated else (b, a)
        if (
            cites is not None
            and _by_date(other, source) != (source, other)
            and cites(source, other)
        ):
            return other, source, "earlier-date"
        return source, other, "designated-source"
    found = _by_date(a, b)
    return None if found is None else (*found, "earlier-date")


def _by_date(a: T, b: T) -> tuple[T, T] | None:
    """``(earlier, later)`` by publication day, or None when the dates cannot tell."""
    if published_before(a.published, b.published):
        return a, b
    if published_before(b.published, a.published):
        return b, a
    return None


def published_before(a: str | None, b: str | None) -> bool:
    """Was ``a`` published on an earlier day than ``b`` (False when the dates cannot tell)?
    Days as written, or in UTC when both dates give a time and its zone."""
    da, db = publication_day(a), publication_day(b)
    ua, ub = utc_day(a), utc_day(b)
    if ua and ub:  # both times with their zones: the days in one zone
        da, db = ua, ub
    return bool(da and db and da < db)


_KIND_ORDER = ("paraphrase", "near-verbatim", "verbatim")
_ALIGN = AlignSettings()
#: a paragraph between two pieces of a copy, in one text, is that text's own when it has
#: this many words or more and less than this share of its content words is in the other's
#: side (PAN13: the join of pieces across an edited paragraph still holds; a looser rule
#: cut obfuscated copies apart)
_OWN_WORDS = 12
_OWN_SHARE = 0.1
#: a paragraph between two rewritten pieces whose source sides meet rewords them when this
#: share of its content words is in those two source sides
_REWORDED_SHARE = 0.4


#: the content-word stems of a stretch of the target (True) or the source (the index's
#: prepared texts give them from their word arrays, with no tokenising again)
StemSets = Callable[[bool, Span], AbstractSet[Any]]


def _text_stems(target: str, source: str) -> StemSets:
    def stems(side: bool, span: Span) -> AbstractSet[Any]:
        return set(terms(words((target if side else source)[span.start : span.end])))

    return stems


def _shared_share(stems: StemSets, side: bool, span: Span, other: Span) -> float:
    """The share of the content words of ``span`` (of the target when ``side``, else of the
    source) that ``other`` (of the other text) holds too."""
    mine = stems(side, span)
    return len(mine & stems(not side, other)) / len(mine) if mine else 1.0


def _whole_paragraphs(text: str) -> bool:
    """Is ``text`` one paragraph or more, with the line breaks around them?"""
    body = text.strip()
    if not body:
        return False
    before, after = text[: text.index(body[0])], text[text.rindex(body[-1]) + 1 :]
    return "\n" in before and "\n" in after


def _joinable(
    a: Passage,
    b: Passage,
    target: str,
    source: str,
    stems: StemSets | None = None,
    previous: Passage | None = None,
) -> bool:
    """Do two passages continue each other, classified alike?

    Paragraph pieces of one aligned passage (``extra["piece_of"]``) do when they
    follow each other in both texts: the aligner matched the whole stretch, and
    cut it only to classify each paragraph, so a paragraph it left out between
    them (too little of it matched on its own) belongs to the copy too, unless the
    pieces are quotations (the paragraph between may be prose, or another quotation)
    or the paragraph is plainly one text's own (see ``_OWN_WORDS``), or close copies
    (not paraphrases) have paragraphs between them in one text only.
    Other passages do when only white space separates them in the target and their
    source sides continue each other or overlap (paragraphs rewriting one stretch).
    ``previous`` is the last passage joined into ``a`` (``a`` itself when None).
    """
    same_class = (a.quote, a.altered_quote, a.credited, a.credit_text, a.credited_source) == (
        b.quote,
        b.altered_quote,
        b.credited,
        b.credit_text,
        b.credited_source,
    )
    if not same_class or a.target.end > b.target.start:
        return False
    if a.altered_quote and "\n" in target[a.target.end : b.target.start]:
        return False  # (each altered quotation is evidence of its own, and counted so)
    piece = a.extra.get("piece_of")
    if piece is not None and piece == b.extra.get("piece_of"):
        gap = target[a.target.end : b.target.start]
        theirs = source[a.source.end : b.source.start]
        # (a paraphrase's paragraph may be unseen: reworded past matching on its own)
        close = a.kind != "paraphrase" and b.kind != "paraphrase"
        if close and b.source.end <= a.source.start:
            return False  # paragraphs copied in another order: two copies, not one span
        if close and (
            (not gap.strip() and _whole_paragraphs(theirs))
            or (not theirs.strip() and _whole_paragraphs(gap))
        ):
            return False  # paragraphs one side has between two copied ones, the other not
        # nor where either side has a paragraph of its own between them, one of
        # _OWN_WORDS words or more of which hardly any content word is in the other side:
        # the article's own paragraph between two copied ones (or one it left out of the
        # source) is not part of the copy
        joined_source = Span(min(a.source.start, b.source.start), max(a.source.end, b.source.end))
        own_gap = Span(a.source.end, max(a.source.end, b.source.start))
        for side, between, span, other in (
            (True, gap, Span(a.target.end, b.target.start), joined_source),
            (False, theirs, own_gap, Span(a.target.start, b.target.end)),
        ):
            if (
                _whole_paragraphs(between)
                and len(between.split()) >= _OWN_WORDS
                and _shared_share(stems or _text_stems(target, source), side, span, other)
                < _OWN_SHARE
            ):
                return False
        # a paragraph of the target's between two pieces (rewritten or copied) is part of
        # the copy only if it rewords what the source says there: the two pieces' source
        # sides and the source between them (a rewrite spread over three paragraphs), not
        # when it only shares their topic (an outlet's own background paragraph in a story
        # written from the wire's facts, or between two paragraphs copied word for word)
        last = previous or a
        if _whole_paragraphs(gap) and whole_sentences(gap) and len(gap.split()) >= _OWN_WORDS:
            get = stems or _text_stems(target, source)
            mine = get(True, Span(a.target.end, b.target.start))
            around = get(False, last.source) | get(False, b.source)
            # (the source between the two, in whichever order they come)
            lo = min(last.source.end, b.source.end)
            hi = max(last.source.start, b.source.start)
            if lo < hi:
                around = around | get(False, Span(lo, hi))
            if mine and len(mine & around) / len(mine) < _REWORDED_SHARE:
                return False
        # a left-out paragraph joins prose only: it might hold a quotation of its own
        return not gap.strip() or not a.quote
    if b.target.start - a.target.end > 4 or target[a.target.end : b.target.start].strip():
        return False
    if a.source.start < b.source.end and b.source.start < a.source.end:
        return True  # two paragraphs drawing on one stretch of the source (a rewrite)
    return (
        0 <= b.source.start - a.source.end <= 4
        and not source[a.source.end : b.source.start].strip()
    )


def merge_adjacent(
    passages: list[Passage],
    target: str,
    source: str,
    *,
    near_verbatim: float = _ALIGN.near_verbatim,
    stems: StemSets | None = None,
) -> list[Passage]:
    """Join passages that continue each other (paragraph after paragraph) in both texts.

    The aligner cuts passages at the target's paragraphs; consecutive paragraphs
    copied in order, classified alike, are one copied passage.  The joined similarity
    is the length-weighted mean, and the kind is the one that similarity gives
    (verbatim only when both are), so a joined passage's kind and similarity agree.
    Paragraphs between two pieces (either text) that are plainly one text's own keep them
    apart (see :func:`_joinable`); ``stems`` gives the content-word stems of a stretch.
    """
    merged: list[Passage] = []
    piece: Passage | None = None  # the last passage joined into merged[-1]
    for p in sorted(passages, key=lambda p: (p.target.start, p.source.start)):
        last = merged[-1] if merged else None
        if last is None or not _joinable(last, p, target, source, stems, piece):
            merged.append(p)
            piece = p
            continue
        piece = p
        la, lb = len(last.target), len(p.target)
        similarity = (last.similarity * la + p.similarity * lb) / max(la + lb, 1)
        kind: PassageKind
        if last.kind == p.kind == "verbatim":
            kind = "verbatim"
        else:
            # (as the reports show it: one decimal)
            kind = "near-verbatim" if round(similarity, 1) >= near_verbatim else "paraphrase"
        merged[-1] = replace(
            last,
            target=Span(last.target.start, p.target.end),
            source=Span(min(last.source.start, p.source.start), max(last.source.end, p.source.end)),
            kind=kind,
            similarity=similarity,
        )
    return merged


def _best_similarity(found: list[tuple[Span, float]] | None, span: Span) -> float | None:
    """Similarity of the designated-source passage covering most of ``span``."""
    best = None
    for other, similarity in found or []:
        if overlap(span, other) * 2 >= min(len(span), len(other)):
            best = similarity if best is None else max(best, similarity)
    return best


def order_by_source(rows: list[dict[str, Any]], margin: float, copied_floor: float) -> None:
    """Order unknown pairs by which article is nearer the designated sources' text.

    Only passages that one of the two copies from the source (similarity at least
    ``copied_floor``, the near-verbatim threshold) are evidence: a paraphrase-level
    likeness says the wording is independent, not which copy is more faithful.  Nor is a
    passage the two articles have word for word: there both are as faithful.
    """
    from_source: dict[str, list[tuple[Span, float]]] = {}
    for r in rows:
        if r["direction"] == "designated-source":
            span = Span(r["start"], r["end"])
            from_source.setdefault(r["article"], []).append((span, float(r["similarity"])))
    evidence: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        a, b = r["article"], r["source_article"]
        if r["direction"] != "order-unknown" or a > b:
            continue  # each shared passage once, from its first article's side
        if float(r["similarity"] or 0) >= 100:
            continue  # the same words in both: neither is nearer the source there
        sa = _best_similarity(from_source.get(a), Span(r["start"], r["end"]))
        sb = _best_similarity(from_source.get(b), Span(r["source_start"], r["source_end"]))
        if sa is not None and sb is not None and max(sa, sb) >= copied_floor:
            weight = r["end"] - r["start"]
            total = evidence.setdefault((a, b), [0.0, 0.0])
            total[0] += (sa - sb) * weight
            total[1] += weight
    later: dict[frozenset[str], str] = {}
    for (a, b), sums in evidence.items():
        mean = sums[0] / sums[1]
        if abs(mean) >= margin:
            later[frozenset((a, b))] = b if mean > 0 else a
    for r in rows:
        if r["direction"] == "order-unknown":
            taker = later.get(frozenset((r["article"], r["source_article"])))
            if taker is not None:
                r["direction"] = "closer-to-source" if r["article"] == taker else "taken-by"


def origins(rows: list[dict[str, Any]]) -> None:
    """Follow each passage's source back to where the material first appeared.

    A passage's origin is that of the source's passages covering more than half of its
    source side together (the source may have that stretch in pieces, quoted and
    unquoted runs of one upstream text), else its source.
    """
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["direction"] not in ("taken-by", "order-unknown"):
            by_article.setdefault(r["article"], []).append(r)
    # the passages of its source that each passage's source side overlaps (found once:
    # only their origins change from round to round)
    within: list[tuple[dict[str, Any], Span, list[dict[str, Any]]]] = []
    for r in rows:
        if not r["source_article"] or r["direction"] in ("taken-by", "order-unknown"):
            continue
        span = Span(r["source_start"], r["source_end"])
        ups = [
            up
            for up in by_article.get(r["source_article"], [])
            if overlap(span, Span(up["start"], up["end"]))
        ]
        if ups:
            within.append((r, span, ups))
    first = [r["origin"] for r, _, _ in within]  # each passage's own source, to begin with
    for _ in range(8):  # chains longer than this are not plausible in news
        changed = False
        for (r, span, ups), own in zip(within, first, strict=True):
            found = _main_origin(span, ups)
            found = own if found is None else found  # (none over half: its own source)
            if r["origin"] != found:
                r["origin"] = found
                changed = True
        if not changed:
            return


def _main_origin(span: Span, ups: list[dict[str, Any]]) -> str | None:
    """The origin whose passages among ``ups`` cover more than half of ``span`` together
    (the most covering, the first of equals), or None."""
    pieces: dict[str, list[Span]] = {}
    for up in ups:
        piece = Span(max(span.start, up["start"]), min(span.end, up["end"]))
        pieces.setdefault(up["origin"], []).append(piece)
    best, most = None, len(span) // 2
    for origin, spans in pieces.items():
        covered, reach = 0, span.start
        for piece in sorted(spans, key=lambda p: (p.start, p.end)):
            covered += max(0, piece.end - max(piece.start, reach))
            reach = max(reach, piece.end)
        if covered > most:
            best, most = origin, covered
    return best
