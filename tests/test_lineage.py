"""lineage: direction of shared passages, order by fidelity to a source, merging pieces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from provenance.lineage import direction, merge_adjacent, order_by_source, origins
from provenance.models import Passage, Span


@dataclass(frozen=True)
class Art:
    name: str
    designated: bool = False
    published: str | None = None


def test_direction_rules() -> None:
    src, a, b = (
        Art("s", designated=True),
        Art("a", published="2025-06-02"),
        Art("b", published="2025-06-03"),
    )
    assert direction(a, src) == (src, a, "designated-source")
    assert direction(b, a) == (a, b, "earlier-date")
    assert direction(a, Art("c", published="2025-06-02T18:00")) is None  # same day
    assert direction(a, Art("d")) is None  # unknown date
    assert direction(a, Art("e", published="June 3")) is None  # not an ISO day


def test_dates_with_their_zones_are_compared_in_one_zone() -> None:
    moscow = Art("m", published="2025-06-07T01:00:00+03:00")  # 22:00 UTC on the 6th
    new_york = Art("n", published="2025-06-06T20:00:00-04:00")  # 00:00 UTC on the 7th
    assert direction(new_york, moscow) == (moscow, new_york, "earlier-date")
    # a day without a time is read as written: the 7th against the 7th
    assert direction(moscow, Art("d", published="2025-06-07")) is None


def p(t: tuple[int, int], s: tuple[int, int], **kw: Any) -> Passage:
    return Passage(
        target=Span(*t),
        source=Span(*s),
        kind=kw.pop("kind", "verbatim"),
        similarity=kw.pop("sim", 100.0),
        **kw,
    )


def test_merge_joins_continuing_passages_only() -> None:
    target, source = "aaaa\n\nbbbb cccc", "aaaa\nbbbb xx cccc"
    joined = merge_adjacent(
        [p((0, 4), (0, 4)), p((6, 10), (5, 9), kind="paraphrase", sim=50.0)], target, source
    )
    assert [(x.target, x.source, x.kind) for x in joined] == [
        (Span(0, 10), Span(0, 9), "paraphrase")
    ]
    assert joined[0].similarity == 75.0
    gap = merge_adjacent([p((6, 10), (5, 9)), p((11, 15), (13, 17))], target, source)
    assert len(gap) == 2  # "xx" stands between them in the source
    quoted = merge_adjacent([p((0, 4), (0, 4)), p((6, 10), (5, 9), quote=True)], target, source)
    assert len(quoted) == 2  # classified differently


def test_paragraphs_rewriting_one_source_stretch_join() -> None:
    target, source = "aaaa\n\nbbbb\n\ncccc", "aaaa bbbb zzzz cccc"
    rewrites = [p((0, 4), (0, 9), kind="paraphrase"), p((6, 10), (5, 19), kind="paraphrase")]
    joined = merge_adjacent(rewrites, target, source)
    assert [(x.target, x.source) for x in joined] == [(Span(0, 10), Span(0, 19))]
    apart = merge_adjacent([p((0, 4), (0, 4)), p((12, 16), (15, 19))], target, source)
    assert len(apart) == 2  # "bbbb" stands between them in the target


def test_pieces_of_one_passage_join_across_source_gaps() -> None:
    target, source = "aaaa\n\nbbbb", "aaaa zzzz bbbb"
    piece = {"piece_of": "0-10"}
    joined = merge_adjacent(
        [p((0, 4), (0, 4), extra=piece), p((6, 10), (10, 14), extra=piece)], target, source
    )
    assert [(x.target, x.source) for x in joined] == [(Span(0, 10), Span(0, 14))]


def row(
    article: str,
    source_article: str,
    how: str,
    span: tuple[int, int],
    src: tuple[int, int],
    sim: float,
) -> dict[str, Any]:
    return {
        "article": article, "source_article": source_article, "direction": how,
        "start": span[0], "end": span[1], "source_start": src[0], "source_end": src[1],
        "similarity": sim, "origin": source_article.upper(),
    }  # fmt: skip


def test_the_more_faithful_copy_is_the_earlier_one() -> None:
    rows = [
        row("a", "s", "designated-source", (0, 100), (0, 100), 100.0),
        row("b", "s", "designated-source", (0, 100), (0, 100), 85.0),
        row("a", "b", "order-unknown", (0, 100), (0, 100), 90.0),
        row("b", "a", "order-unknown", (0, 100), (0, 100), 90.0),
    ]
    order_by_source(rows, 5.0, 80.0)
    assert [r["direction"] for r in rows[2:]] == ["taken-by", "closer-to-source"]
    origins(rows)
    assert rows[3]["origin"] == "S"  # b took it from a, which took it from s


def test_no_evidence_keeps_the_order_unknown() -> None:
    rows = [
        row("a", "s", "designated-source", (0, 100), (0, 100), 100.0),
        row("b", "s", "designated-source", (0, 100), (0, 100), 98.0),
        row("a", "b", "order-unknown", (0, 100), (0, 100), 90.0),
    ]
    order_by_source(rows, 5.0, 80.0)
    assert rows[2]["direction"] == "order-unknown"


def test_pieces_of_one_passage_join_across_a_left_out_paragraph() -> None:
    target, source = "aaaa\n\nnoise\n\nbbbb", "aaaa bbbb"
    piece: dict[str, Any] = {"extra": {"piece_of": "0-17"}, "kind": "paraphrase", "sim": 70.0}
    joined = merge_adjacent(
        [p((0, 4), (0, 4), **piece), p((13, 17), (5, 9), **piece)], target, source
    )
    assert [(x.target, x.source) for x in joined] == [(Span(0, 17), Span(0, 9))]
    loose = merge_adjacent([p((0, 4), (0, 4)), p((13, 17), (5, 9))], target, source)
    assert len(loose) == 2  # not pieces of one passage: the paragraph between keeps them apart


def test_verbatim_pieces_stay_apart_around_a_paragraph_only_one_side_has() -> None:
    """A rewrite's paragraph between two pieces may be too edited to match: the copy's.
    Between two word-for-word pieces, a paragraph the other side lacks is no copy."""
    piece = {"piece_of": "0-17"}
    for target, source, spans in (
        ("aaaa\n\nnoise\n\nbbbb", "aaaa\n\nbbbb", ((0, 4), (13, 17), (0, 4), (6, 10))),
        ("aaaa\n\nbbbb", "aaaa\n\nnoise\n\nbbbb", ((0, 4), (6, 10), (0, 4), (13, 17))),
    ):
        t1, t2, s1, s2 = spans
        kept = merge_adjacent([p(t1, s1, extra=piece), p(t2, s2, extra=piece)], target, source)
        assert [(x.target, x.source) for x in kept] == [
            (Span(*t1), Span(*s1)),
            (Span(*t2), Span(*s2)),
        ]


def test_paraphrased_pieces_of_one_passage_join_in_any_source_order() -> None:
    """A rewrite moves its paragraphs about: its pieces are one copy. Paragraphs copied
    word for word in another order are two copies: joined, the passage's source side took
    in a paragraph the copy left out, and "verbatim" text differed from its source text."""
    target, source = "aaaa\n\nbbbb", "bbbb cccc aaaa"
    piece: dict[str, Any] = {"extra": {"piece_of": "0-10"}, "kind": "paraphrase", "sim": 70.0}
    joined = merge_adjacent(
        [p((0, 4), (10, 14), **piece), p((6, 10), (0, 4), **piece)], target, source
    )
    assert [(x.target, x.source) for x in joined] == [(Span(0, 10), Span(0, 14))]
    piece = {"extra": {"piece_of": "0-10"}}  # (verbatim)
    apart = merge_adjacent(
        [p((0, 4), (10, 14), **piece), p((6, 10), (0, 4), **piece)], target, source
    )
    assert [(x.target, x.source) for x in apart] == [
        (Span(0, 4), Span(10, 14)),
        (Span(6, 10), Span(0, 4)),
    ]


def test_a_passages_origin_is_that_of_the_pieces_covering_most_of_its_source_side() -> None:
    up = "credited-upstream"
    rows = [
        {**row("a", "", up, (0, 40), (0, 0), 0.0), "origin": "TASS"},  # a has it in pieces
        {**row("a", "", up, (41, 80), (0, 0), 0.0), "origin": "TASS"},
        row("a", "m", "designated-source", (81, 100), (0, 19), 100.0),
        row("b", "a", "earlier-date", (0, 60), (0, 90), 70.0),  # mostly TASS's pieces
        row("c", "a", "earlier-date", (0, 30), (60, 100), 70.0),  # neither over half: a's
        row("d", "b", "earlier-date", (0, 50), (0, 60), 90.0),  # through b
    ]
    origins(rows)
    assert [r["origin"] for r in rows[3:]] == ["TASS", "A", "TASS"]


def test_a_passage_two_articles_have_word_for_word_is_no_evidence_of_order() -> None:
    rows = [
        row("a", "s", "designated-source", (0, 100), (0, 100), 100.0),
        row("b", "s", "designated-source", (0, 150), (0, 150), 80.0),  # wider, less alike
        row("a", "b", "order-unknown", (0, 100), (0, 100), 100.0),
        row("b", "a", "order-unknown", (0, 100), (0, 100), 100.0),
    ]
    order_by_source(rows, 5.0, 80.0)
    assert [r["direction"] for r in rows[2:]] == ["order-unknown", "order-unknown"]


def test_origins_do_not_depend_on_the_order_of_the_rows() -> None:
    """A passage whose source's stretch no one origin covers over half keeps its source,
    however the rows come (an origin found in an earlier round is not kept)."""

    def rows() -> list[dict[str, Any]]:
        return [
            {**row("a", "b", "earlier-date", (0, 100), (0, 100), 90.0), "origin": "B"},
            {**row("b", "c", "earlier-date", (0, 30), (0, 30), 90.0), "origin": "C"},
            {**row("b", "c", "earlier-date", (30, 60), (200, 230), 90.0), "origin": "C"},
            {**row("b", "e", "earlier-date", (60, 100), (0, 40), 90.0), "origin": "E"},
            {**row("c", "x", "designated-source", (0, 30), (0, 30), 100.0), "origin": "X"},
        ]

    first, last = rows(), rows()
    origins(first)
    origins(last[1:] + last[:1])
    assert first[0]["origin"] == last[0]["origin"] == "B"


OWN = "Local traders told us that the cost of rail freight has risen by a fifth since January."
COPIED_A = "The terminal can handle up to eight million tonnes of grain and oilseeds per year."
COPIED_B = "Exporters are seeking access to markets in Southeast Asia, including Vietnam."
LEFT_OUT = "The first trains carrying wheat, barley and rapeseed left the terminal in April."


def _pieces(target: str, source: str, kind: str = "verbatim") -> list[Passage]:
    """Two pieces of one aligned passage: COPIED_A and COPIED_B in both texts."""
    extra = {"piece_of": "whole"}
    sim = 100.0 if kind == "verbatim" else 95.0
    return [
        p(
            (target.index(x), target.index(x) + len(x)),
            (source.index(x), source.index(x) + len(x)),
            extra=extra,
            kind=kind,
            sim=sim,
        )
        for x in (COPIED_A, COPIED_B)
    ]


def test_an_articles_own_paragraph_between_two_copied_ones_is_not_copied() -> None:
    """Both texts have a paragraph between the pieces, unlike each other: the article's own
    paragraph is no part of the copy, however many paragraphs the aligner spanned."""
    target = f"{COPIED_A}\n\n{OWN}\n\n{COPIED_B}"
    source = f"{COPIED_A}\n\n{LEFT_OUT}\n\n{COPIED_B}"
    kept = merge_adjacent(_pieces(target, source), target, source)
    assert [target[x.target.start : x.target.end] for x in kept] == [COPIED_A, COPIED_B]
    # an edited version of the source's paragraph between them is the copy's
    edited = LEFT_OUT.replace("first trains", "earliest trains").replace("left", "departed")
    target = f"{COPIED_A}\n\n{edited}\n\n{COPIED_B}"
    joined = merge_adjacent(_pieces(target, source, "paraphrase"), target, source)
    assert [(x.target.start, x.target.end) for x in joined] == [(0, len(target))]


def test_a_close_copy_leaving_out_a_source_paragraph_does_not_take_it_in() -> None:
    """Near-verbatim pieces with a source paragraph between them that the article has not:
    the source side shown must not hold the paragraph the article left out."""
    target = f"{COPIED_A}\n\n{COPIED_B}"
    source = f"{COPIED_A}\n\n{LEFT_OUT}\n\n{COPIED_B}"
    kept = merge_adjacent(_pieces(target, source, "near-verbatim"), target, source)
    assert [source[x.source.start : x.source.end] for x in kept] == [COPIED_A, COPIED_B]


def test_a_joined_passages_kind_agrees_with_its_similarity() -> None:
    target, source = "aaaa\n\nbbbb", "aaaa\nbbbx"
    joined = merge_adjacent(
        [p((0, 4), (0, 4)), p((6, 10), (5, 9), kind="paraphrase", sim=70.0)], target, source
    )
    assert [(x.kind, x.similarity) for x in joined] == [("near-verbatim", 85.0)]
    low = merge_adjacent(
        [p((0, 4), (0, 4), kind="near-verbatim", sim=90.0), p((6, 10), (5, 9), sim=60.0,
          kind="paraphrase")], target, source
    )  # fmt: skip
    assert [(x.kind, x.similarity) for x in low] == [("paraphrase", 75.0)]
