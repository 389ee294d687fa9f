"""quotes.py: quotation spans (all mark styles, apostrophes, nesting) and speakers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from provenance.models import Span
from provenance.quotes import (
    _AUX_PHRASES,
    Coverage,
    Quotation,
    find_quotations,
    name_key,
    quotation_spans,
    quoted_share,
)


def quoted(text: str) -> list[str]:
    return [text[s.start : s.end] for s, _ in quotation_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "no deal" today.', ['"no deal"']),
        ("He said \u201cno deal\u201d today.", ["\u201cno deal\u201d"]),
        ("He said \u2018no deal\u2019 today.", ["\u2018no deal\u2019"]),
        ("He said 'no deal' today.", ["'no deal'"]),
        ("He said \u00abnyet\u00bb.", ["\u00abnyet\u00bb"]),
        ("Er sagte \u00bbNein\u00ab heute.", ["\u00bbNein\u00ab"]),
        ("Er sagte \u201eNein\u201c heute.", ["\u201eNein\u201c"]),
        ("labelled a \u201eforeign agent.\u201c This", ["\u201eforeign agent.\u201c"]),
        # mixed pairs, as scraped pages have them
        ("\u2018A huge mistake': JD Vance", ["\u2018A huge mistake'"]),
        ("behind the 'DOGE checks\" initiative", ["'DOGE checks\""]),
    ],
)
def test_quotation_marks(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We don't know what Musk's plans are.",
        "We don\u2019t know what Musk\u2019s plans are.",
        "The 1990s' rules and the Joneses' house.",
        "Rock 'n' roll",
    ],
)
def test_apostrophes_are_not_quotations(text: str) -> None:
    assert quoted(text) == [] or all(len(q) <= 4 for q in quoted(text))


def test_apostrophes_inside_a_quotation_do_not_end_it() -> None:
    text = "Vance said, 'I don't think it's Musk's fault,' on Saturday."
    assert quoted(text) == ["'I don't think it's Musk's fault,'"]


def test_nesting_gives_depth() -> None:
    text = "He said, \u201cThey told me \u2018never again\u2019 twice.\u201d"
    spans = quotation_spans(text)
    assert [(text[s.start : s.end], d) for s, d in spans] == [
        ("\u201cThey told me \u2018never again\u2019 twice.\u201d", 0),
        ("\u2018never again\u2019", 1),
    ]


def test_quotations_do_not_cross_lines() -> None:
    assert quoted('He said "one\nand two" ok') == []


def test_quotation_over_several_paragraphs() -> None:
    text = '"First paragraph of the statement.\n"Second and last," he said.\nAfter.'
    assert quoted(text) == ['"First paragraph of the statement.', '"Second and last,"']


def speakers(text: str) -> list[tuple[str, str | None, str | None]]:
    return [
        (text[q.inner.start : q.inner.end], q.speaker, q.speaker_key)
        for q in find_quotations(text)
        if q.depth == 0
    ]


@pytest.mark.parametrize(
    ("text", "speaker", "key"),
    [
        ('"We will not interfere," Peskov told reporters.', "Peskov", "peskov"),
        (
            "\u201cRussia could offer it,\u201d said Dmitry Novikov, a lawmaker.",
            "Dmitry Novikov",
            "novikov",
        ),
        ('Novikov replied, "I believe that he has a game."', "Novikov", "novikov"),
        ('"Deport him now," Bannon stated.', "Bannon", "bannon"),
        ('"It is worth a look," Gonzalez, 35, said.', "Gonzalez", "gonzalez"),
        ('"It is early," Mr Novikov told the news agency.', "Mr Novikov", "novikov"),
        ('Mr Bannon, one of his critics, said, "They should act."', "Mr Bannon", "bannon"),
        (
            'Kremlin aide Dmitry Peskov refused to comment, stressing, "Not our matter."',
            "Dmitry Peskov",
            "peskov",
        ),
        # Russian: "», — заявил X", "X заявил: «..."
        (
            "«Россия могла бы предоставить убежище», — заявил Дмитрий Новиков.",
            "Дмитрий Новиков",
            "новиков",
        ),
        ("Дмитрий Песков заявил: «Мы не комментируем».", "Дмитрий Песков", "песков"),
        ("«Это неправда», — сказала Мария Захарова журналистам.", "Мария Захарова", "захарова"),
        # a title in lower case between the verb and the name
        (
            "«Пик паводка ожидается в ближайшие двое суток», — заявил начальник регионального "
            "управления МЧС Сергей Рожков.",
            "МЧС Сергей Рожков",
            "рожков",
        ),
        (
            '"We will launch in the autumn," said the head of the agency Dmitry Bakanov.',
            "Dmitry Bakanov",
            "bakanov",
        ),
    ],
)
def test_speaker_in_the_same_sentence(text: str, speaker: str, key: str) -> None:
    assert speakers(text)[0][1:] == (speaker, key)


def test_a_russian_pronoun_points_back_to_the_speaker() -> None:
    text = "Дмитрий Новиков выступил в пятницу.\n«У Маска другая игра», — сказал он."
    assert [key for _, _, key in speakers(text)] == ["новиков"]


@pytest.mark.parametrize(
    "text",
    [
        'Novikov spoke on Friday. "It is a game," he said. Peskov said it was not.',
        '"It is a game," Novikov said. Peskov said it was not.',
        "No quotation here. Peskov said it was not.",
    ],
)
def test_an_analysis_handed_to_another_process_gives_the_same_speakers(text: str) -> None:
    """A worker analyses a text and the main process remembers it (forked pair workers then
    inherit it): speakers and speech subjects are those worked out on the spot, whether or
    not the worker needed the speech subjects (only a pronoun's speaker does)."""
    from provenance import quotes

    def forget() -> None:  # (another process: nothing known yet)
        for memo in (quotes._find_quotations, quotes._speech_subjects):
            memo._memo.clear()

    forget()
    found = quotes.analyse(text)
    assert (found[1] is not None) == (" he said" in text)  # (pronoun: subjects were needed)
    forget()
    here = (quotes.find_quotations(text), quotes.speech_subjects(text))
    forget()
    quotes.remember(text, found)
    assert quotes._find_quotations.known(text) is not None
    assert (quotes.find_quotations(text), quotes.speech_subjects(text)) == here


def test_speaker_of_the_adjacent_sentence_and_of_descriptions() -> None:
    text = (
        "Russian lawmaker Dmitry Novikov spoke on Friday.\n"
        '"It is a game," the parliamentarian explained. "He will manage."\n'
        '"Nothing to add," the lawmaker said.\n'
        '"No comment," he added.'
    )
    found = speakers(text)
    assert [key for _, _, key in found] == ["novikov"] * 4
    assert found[0][1] == "the parliamentarian"
    assert found[1][1] == "the parliamentarian"  # inherited from the previous sentence


def test_a_quotation_paragraph_continues_the_previous_speaker() -> None:
    text = '"We are ready," Novikov said.\n\n"And we will wait."\n\nOthers disagreed.\n\n"No."'
    assert [key for _, _, key in speakers(text)] == ["novikov", "novikov", None]


def test_a_described_speaker_after_the_verb_is_the_person_named_before() -> None:
    """ "— сказал глава региона": no name after the verb, a description, which points back
    (as "the lawmaker" does) to the governor named before; "said in a statement" is no
    speaker."""
    text = (
        "Губернатор края Александр Осипов прибыл в Шилку. "
        "«Это позволит привлечь силы», — сказал глава региона."
    )
    (q,) = [q for q in find_quotations(text) if q.depth == 0]
    assert q.speaker_key == "осипов"
    text = '"It is early," said in a statement the ministry.'
    assert [q.speaker for q in find_quotations(text)] == [None]


def test_reporting_outlet_is_not_the_speaker() -> None:
    text = (
        'Dmitry Peskov refused to comment, stressing, "This is an internal matter," '
        "the Moscow Times reports."
    )
    assert speakers(text)[0][2] == "peskov"


def test_seed_speakers(corpus_dir: Path) -> None:
    text = (corpus_dir / "000_75248550d3bec6f4.txt").read_text(encoding="utf-8")
    found = {inner[:20]: key for inner, _, key in speakers(text)}
    assert found["This is a domestic i"] == "peskov"
    assert found["We're confident the "] == "peskov"
    assert found["I think that Musk ha"] == "novikov"
    assert found["At this stage, the r"] == "novikov"
    assert found["They [US government]"] == "bannon"


def test_name_key() -> None:
    assert name_key("Mr Novikov") == "novikov"
    assert name_key("Dmitry Peskov") == "peskov"
    assert name_key("Peskov's") == "peskov"


def test_quoted_share() -> None:
    text = 'He said "abcdef" then.'
    quotes = find_quotations(text)
    assert quoted_share(Span(8, 16), quotes) == 1.0
    assert quoted_share(Span(0, 8), quotes) == 0.0


MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


@given(st.text(alphabet=st.sampled_from([*MARKS, "a", "b", " ", ".", ",", "\n"]), max_size=60))
def test_spans_are_well_formed(text: str) -> None:
    """Every quotation starts and ends on a mark; quotations nest, never cross."""
    spans = quotation_spans(text)
    for span, depth in spans:
        assert text[span.start] in MARKS
        at_line_end = not text[span.end :].split("\n", 1)[0].strip()
        assert text[span.end - 1] in MARKS or at_line_end
        assert len(span) >= 2 and depth >= 0
        assert "\n" not in text[span.start : span.end]
    for a, _ in spans:
        for b, _ in spans:
            crossing = a.start < b.start < a.end < b.end
            assert not crossing


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20), st.integers(0, 1)), max_size=8),
    st.integers(0, 80),
    st.integers(0, 40),
)
def test_coverage_is_quoted_share(
    spans: list[tuple[int, int, int]], start: int, length: int
) -> None:
    """Coverage (bisection) gives what quoted_share (a scan) gives, nested quotations too."""
    quotations = [Quotation(Span(a, a + n), Span(a, a + n), depth) for a, n, depth in sorted(spans)]
    span = Span(start, start + length)
    assert Coverage(quotations).share(span) == pytest.approx(quoted_share(span, quotations))


@given(st.lists(st.sampled_from([*_AUX_PHRASES, "he", "Mr Smith", ",", " ", "on"]), max_size=8))
@example(["he", "went on"])
def test_auxiliaries_are_dropped_only_where_the_pattern_matches(words: list[str]) -> None:
    from provenance.quotes import _AUX, _drop_aux

    clause = " ".join(words)
    cut = max(0, len(clause) - 160)
    assert _drop_aux(clause) == clause[:cut] + _AUX.sub("", clause[cut:])
