"""Tests for provenance.segment: the normaliser, words, sentences, paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.segment import (
    TextMemo,
    normalize,
    normalized_text,
    paragraphs,
    sentences,
    stem,
    terms,
    words,
)


def test_normalize_folds_quotes_dashes_space_case_and_abbreviations() -> None:
    text = "The  U.S.\u00a0said \u201cno\u201d \u2014 it\u2019s\nover"
    assert normalize(text).text == 'the us said "no" - it\'s over'


def test_normalize_maps_spans_back_to_the_original() -> None:
    text = "Peskov: \u201cWe\u2019re confident the U.S. president will\n handle it.\u201d"
    n = normalize(text)
    start = n.text.index('"we')
    end = n.text.index('it."') + 4
    span = n.original(start, end)
    assert text[span.start : span.end] == (
        "\u201cWe\u2019re confident the U.S. president will\n handle it.\u201d"
    )


def test_us_and_u_s_normalise_alike() -> None:
    assert normalize("the US president").text == normalize("the U.S. president").text


@given(
    st.text(
        alphabet=st.sampled_from(list("aB .,\n\t\u201c\u201d\u2014U.S\u0130\u00df\u03a3\u00a0")),
        max_size=60,
    )
)
def test_normalized_text_is_normalize_without_offsets(text: str) -> None:
    assert normalized_text(text) == normalize(text).text


@given(
    st.text(
        alphabet=st.sampled_from(list("aB .,\n\t\u201c\u201d\u2014U.S\u0130\u00df")), max_size=60
    )
)
def test_normalised_offsets_are_ordered_and_in_range(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text)
    assert list(n.offsets) == sorted(n.offsets)
    assert all(0 <= o < len(text) for o in n.offsets)
    if n.text:
        span = n.original(0, len(n.text))
        assert 0 <= span.start <= span.end <= len(text)


def test_words_carry_spans_into_the_original() -> None:
    text = "The U.S. envoy \u2014 Mr. Witkoff \u2014 didn\u2019t reply."
    toks = words(text)
    assert [t.norm for t in toks] == ["the", "us", "envoy", "mr", "witkoff", "didn't", "reply"]
    for t in toks:
        assert normalize(text[t.start : t.end]).text.replace(".", "") == t.norm


def test_sentences_skip_abbreviations_and_initials_and_break_at_lines() -> None:
    text = (
        "Mr. Smith met U.S. President Donald J. Trump on Friday. He left.\n"
        '"It was fine," he said. Then he went home'
    )
    got = [text[s.start : s.end] for s in sentences(text)]
    assert got == [
        "Mr. Smith met U.S. President Donald J. Trump on Friday.",
        "He left.",
        '"It was fine," he said.',
        "Then he went home",
    ]


def test_russian_legal_abbreviations_end_no_sentence() -> None:
    """Part 6 of article 290 of the Criminal Code ("ч. 6 ст. 290"): one sentence."""
    text = "Суд признал его виновным по ч. 6 ст. 290 УК РФ и назначил штраф в 120 тыс. руб."
    assert [text[s.start : s.end] for s in sentences(text)] == [text]


def test_paragraphs_are_stripped_non_blank_lines() -> None:
    text = "  One.\n\n Two two. \nThree"
    assert [text[p.start : p.end] for p in paragraphs(text)] == ["One.", "Two two.", "Three"]


def test_terms_drop_stop_words_and_stem() -> None:
    assert terms(words("The lawmakers were offering asylum")) == [
        stem("lawmakers"),
        stem("offering"),
        "asylum",
    ]
    assert stem("offering") == stem("offered") == stem("offers")


def test_text_memo_keeps_results_put_in_and_forgets_the_oldest() -> None:
    calls: list[str] = []

    def count(text: str) -> int:
        calls.append(text)
        return len(text)

    memo = TextMemo(count, size=2)
    memo.put(("abc",), 99)  # worked out elsewhere
    assert memo("abc") == 99 and calls == []
    assert memo("de") == 2 and memo("de") == 2 and calls == ["de"]
    assert memo("f") == 1  # a third text: "abc", used longest ago, goes
    assert memo("abc") == 3 and calls == ["de", "f", "abc"]


@given(
    st.lists(st.integers(0, 6), min_size=0, max_size=30),
    st.integers(0, 120),
    st.integers(0, 40),
)
def test_overlapping_spans_are_found_by_bisection_as_by_a_scan(
    gaps: list[int], start: int, length: int
) -> None:
    from provenance.models import Span, overlapping

    spans, at = [], 0
    for i, gap in enumerate(gaps):  # sorted, disjoint spans of lengths 1..3
        spans.append(Span(at + gap, at + gap + 1 + i % 3))
        at = spans[-1].end
    span = Span(start, start + length)
    assert overlapping(spans, span) == [
        s for s in spans if s.start < span.end and span.start < s.end
    ]


@pytest.mark.parametrize(
    "forms",
    [
        ("заявил", "заявила", "заявили"),
        ("депутат", "депутата", "депутатом"),
        ("россия", "россии", "россией"),
        ("власть", "власти"),
        ("политическое", "политического", "политической"),
        ("ёлка", "елки"),
        ("песков", "пескова", "песковым"),  # surnames in -ов keep their last letters
        ("проблем", "проблема", "проблемы"),
        ("объём", "объёма", "объемом"),
        ("интернет", "интернете", "интернета"),
        ("комитет", "комитете", "комитетом"),
    ],
)
def test_russian_word_forms_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1


def test_russian_stop_words_are_no_terms() -> None:
    assert terms(words("и в на что это также Депутат")) == [stem("депутат")]
