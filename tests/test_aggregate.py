"""aggregate: word coverage, share classes, verdicts and outlet tables."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.aggregate import (
    ARTICLE_COLUMNS,
    OUTLET_COLUMNS,
    PARTIALLY,
    WHOLLY,
    article_coverage,
    build_tables,
    verdict,
    word_spans,
)
from provenance.aggregate import _word_bounds as word_bounds

TEXT = "one two three four five six seven eight nine ten"  # 10 words


def row(article: str, start: int, end: int, **kw: Any) -> dict[str, Any]:
    base = {
        "article": article,
        "outlet": kw.pop("outlet", "X"),
        "start": start,
        "end": end,
        "source": "TASS",
        "source_article": "",
        "similarity": 90.0,
        "quote": False,
        "credited": False,
        "direction": "designated-source",
    }
    base.update(kw)
    return base


def span_of(word_from: int, word_to: int) -> tuple[int, int]:
    spans = word_spans(TEXT)
    return spans[word_from][0], spans[word_to - 1][1]


def test_word_coverage_takes_overlaps_once_with_class_priority() -> None:
    a = row("a", *span_of(0, 4), credited=True)
    b = row("a", *span_of(2, 6), quote=True)
    owner = article_coverage(TEXT, [a, b])
    assert [o is not None for o in owner] == [True] * 6 + [False] * 4
    assert owner[0] is a and owner[2] is b and owner[5] is b  # quotation wins the overlap


def test_words_a_relay_and_its_origin_cover_alike_go_to_the_origin() -> None:
    """A copy in two pieces from TASS and in one piece from an outlet that relays TASS word
    for word: as much weight, as similar; the words were split between the two sources
    (36 to the relay, 31 to TASS), and the relay was the article's top source."""
    relay = dict(source="Eurasia Wire", source_article="e.html", origin="TASS")
    pieces = [row("a", *span_of(0, 5), origin="TASS"), row("a", *span_of(5, 10), origin="TASS")]
    for order in (
        [*pieces, row("a", *span_of(0, 10), **relay)],
        [row("a", *span_of(0, 10), **relay), *pieces],
    ):
        owner = article_coverage(TEXT, order)
        assert {o["source"] for o in owner if o is not None} == {"TASS"}


def test_a_relay_covering_nothing_its_origin_does_not_weighs_less_than_the_origin() -> None:
    """A copy as faithful to TASS as to a same-day copy of TASS (80.6 against 80.7, the
    same words): it took nothing from the relay that it could not have taken from TASS,
    so its words are TASS's (they all went to the relay, TASS's figures showed nothing)."""
    relay = dict(source="Crimewatch", source_article="c.txt", origin="TASS")
    pieces = [(0, 6), (6, 10)]
    rows = [row("a", *span_of(i, j), origin="TASS", similarity=80.6) for i, j in pieces]
    rows += [row("a", *span_of(i, j), similarity=80.7, **relay) for i, j in pieces]
    for order in (rows, rows[::-1]):
        assert {o["source"] for o in article_coverage(TEXT, order) if o} == {"TASS"}
    # ... but where the relay covers a word TASS does not, it is the source it took from
    rows[0] = row("a", *span_of(1, 6), origin="TASS", similarity=80.6)
    assert {o["source"] for o in article_coverage(TEXT, rows) if o} == {"Crimewatch"}
    # ... and a copy word for word of a relay that reworded TASS took it from the relay
    rows = [row("a", *span_of(i, j), origin="TASS", similarity=80.0) for i, j in pieces]
    rows += [row("a", *span_of(i, j), similarity=100.0, **relay) for i, j in pieces]
    assert {o["source"] for o in article_coverage(TEXT, rows) if o} == {"Crimewatch"}


def test_a_copy_of_a_relays_whole_article_goes_to_the_relay() -> None:
    """A copy of an outlet's copy of TASS with the outlet's own intro (word 0): the relay
    covers more of it, as faithfully, and is its source (a chain), TASS its origin."""
    relay = row("a", *span_of(0, 10), source="Paper", source_article="p.txt", origin="TASS")
    relay["similarity"] = 100.0
    wire = row("a", *span_of(1, 10), origin="TASS", similarity=100.0)
    assert all(o is relay for o in article_coverage(TEXT, [relay, wire]))
    assert all(o is relay for o in article_coverage(TEXT, [wire, relay]))


@pytest.mark.parametrize("theirs, owner", [("one two three four six seven", "TASS"), ("", "Paper")])
def test_words_a_relays_passage_only_spans_do_not_make_it_the_source(
    theirs: str, owner: str
) -> None:
    """A relay's passage runs over "five", a line of furniture between two paragraphs the
    wire's passages cover, which the relay's own text lacks: the wire explains all the relay
    gives (review X: a merged paraphrase passage over a teaser line made another copy the
    article's top source).  Without the relay's source text, it is taken as covering more."""
    relay = row("a", *span_of(0, 10), source="Paper", source_article="p.txt", origin="TASS")
    relay.update(similarity=100.0, source_text=theirs + " eight nine ten" if theirs else "")
    wires = [
        row("a", *span_of(0, 4), similarity=100.0),
        row("a", *span_of(5, 10), similarity=100.0),
    ]
    owners = article_coverage(TEXT, [relay, *wires])
    assert owners[4] is relay  # (only the relay covers "five")
    assert {o["source"] for i, o in enumerate(owners) if o and i != 4} == {owner}


def test_a_quotation_faithful_to_the_wire_is_not_altered_by_another_copys_version() -> None:
    """The article quotes TASS word for word; another copy misquoted it, so against that copy
    the article's quotation differs: no altered quotation of the article's."""
    articles = [{"article": "a", "outlet": "X", "role": "article", "title": "", "published": ""}]
    wire = row("a", *span_of(0, 4), quote=True)
    other = row("a", *span_of(0, 4), quote=True, source="Y", direction="earlier-date")
    other["altered_quote"] = True
    tables = build_tables(articles, [wire, other], [], {"a": TEXT}, {"a": "a"})
    assert tables.articles.loc[0, "altered_quotes"] == 0
    wire["altered_quote"] = True  # ... but one the wire's text has otherwise is
    tables = build_tables(articles, [wire, other], [], {"a": TEXT}, {"a": "a"})
    assert tables.articles.loc[0, "altered_quotes"] == 1


@given(st.text() | st.sampled_from(["", "a_b 12", "naïve café—x", "\ud800ab\udfff c", "日本 語"]))
def test_word_bounds_are_the_word_spans(text: str) -> None:
    starts, ends = word_bounds(text)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == word_spans(text)


def test_partial_word_overlap_counts_the_word() -> None:
    start, _ = span_of(3, 4)
    owner = article_coverage(TEXT, [row("a", start + 1, start + 2)])
    assert sum(o is not None for o in owner) == 1


def test_shares_partition_copied_words() -> None:
    articles = [{"article": "a", "outlet": "X", "role": "article", "title": "", "published": ""}]
    passages = [
        row("a", *span_of(0, 2), quote=True),
        row("a", *span_of(2, 5), credited=True),
        row("a", *span_of(5, 6)),
        row("a", *span_of(6, 10), direction="order-unknown"),
    ]
    tables = build_tables(articles, passages, [], {"a": TEXT}, {"a": "a"})
    (fig,) = tables.articles.to_dict("records")
    assert list(tables.articles.columns) == list(ARTICLE_COLUMNS)
    assert fig["words"] == 10
    assert (fig["quoted_share"], fig["credited_share"], fig["uncredited_share"]) == (0.2, 0.3, 0.1)
    assert fig["copied_share"] == pytest.approx(0.6)
    assert fig["original_share"] == pytest.approx(0.4)
    assert fig["verdict"] == "partially"
    assert len(tables.passages) == 4  # order-unknown passages are listed, not counted


def test_outlet_tables_weight_by_words() -> None:
    articles = [
        {"article": "a", "outlet": "X", "role": "article", "title": "", "published": ""},
        {"article": "b", "outlet": "X", "role": "article", "title": "", "published": ""},
    ]
    passages = [row("a", 0, len(TEXT), credited=True)]
    tables = build_tables(articles, passages, [], {"a": TEXT, "b": TEXT}, {})
    (outlet,) = tables.outlets.to_dict("records")
    assert list(tables.outlets.columns) == list(OUTLET_COLUMNS)
    assert outlet["articles"] == 2 and outlet["words"] == 20
    assert outlet["copied_share"] == 0.5 and outlet["credited_share"] == 0.5
    (src,) = tables.outlet_sources.to_dict("records")
    assert (src["source"], src["words"], src["share"]) == ("TASS", 10, 0.5)


@pytest.mark.parametrize("status", ["duplicate", "no-text", "binary"])
def test_an_outlets_articles_are_its_ok_ones(status: str) -> None:
    """'Only ok articles count in any figure': a duplicate copy or a failed input is no
    article of the outlet's."""
    articles = [
        {"article": "a", "outlet": "X", "role": "article", "title": "", "published": ""},
        {"article": "b", "outlet": "X", "role": "article", "title": "", "published": "",
         "status": status},
    ]  # fmt: skip
    tables = build_tables(articles, [], [], {"a": TEXT}, {})
    (outlet,) = tables.outlets.to_dict("records")
    assert (outlet["articles"], outlet["words"]) == (1, 10)


@pytest.mark.parametrize(
    ("share", "label"),
    [
        (WHOLLY, "wholly"),
        (WHOLLY - 0.01, "partially"),
        (PARTIALLY, "partially"),
        (0.0, "non-derived"),
    ],
)
def test_verdict_thresholds(share: float, label: str) -> None:
    assert verdict(share) == label


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 20000))
def test_printed_shares_add_up(quoted: int, credited: int, uncredited: int, rest: int) -> None:
    from provenance.aggregate import _shares

    words = quoted + credited + uncredited + rest
    shares = _shares({"quoted": quoted, "credited": credited, "uncredited": uncredited}, words)
    if not words:
        assert set(shares.values()) == {None}
        return
    parts = [shares[f"{c}_share"] for c in ("quoted", "credited", "uncredited")]
    assert f"{sum(parts):.4f}" == f"{shares['copied_share']:.4f}"
    assert f"{shares['copied_share'] + shares['original_share']:.4f}" == "1.0000"
    for part, n in zip(parts, (quoted, credited, uncredited), strict=True):
        assert abs(part - n / words) < 1e-4
