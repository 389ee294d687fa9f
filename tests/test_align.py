"""Tests for provenance.align: passages between two texts, and against an index."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.align import align_against_index, align_prepared, align_texts, similarity
from provenance.index import CorpusIndex, prepare
from provenance.models import Passage, Span
from provenance.segment import normalize
from provenance.settings import AlignSettings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EVAL = ROOT.parent / "shared" / "eval"


def _corpus(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _span(text: str, first: str, last: str) -> Span:
    start = text.index(first)
    return Span(start, text.index(last, start) + len(last))


# --------------------------------------------------------------- the seed corpus


def test_copied_quotation_and_sentence_have_exact_spans() -> None:
    target, source = _corpus("000"), _corpus("003")
    passages = align_texts(target, source)
    pairs = {(p.target, p.source): p for p in passages}
    quote = (
        _span(target, '"This is a domestic', 'on his own."'),
        _span(source, "\u201cThis is a domestic", "on his own.\u201d"),
    )
    snowden = (
        _span(target, "Russia has previously", "Graham Phillips."),
        _span(source, "Russia has previously", "Graham Phillips."),
    )
    assert quote in pairs and snowden in pairs
    assert pairs[quote].kind == pairs[snowden].kind == "verbatim"
    assert pairs[quote].similarity == 100.0


def test_synonym_spun_sentences_align_as_paraphrase() -> None:
    target, source = _corpus("002"), _corpus("000")
    passages = align_texts(target, source)
    spun = [p for p in passages if p.kind == "paraphrase"]
    assert len(spun) >= 4
    opening = _span(target, "As tensions between Elon Musk", "political asylum in Russia.")
    found = [p for p in spun if p.target == opening]
    assert found
    assert source[found[0].source.start : found[0].source.end].startswith("Amid escalating")


def test_unrelated_texts_give_nothing() -> None:
    assert align_texts(_corpus("003"), _corpus("004")[:0] + "Weather today: sunny.") == []
    assert align_texts("", _corpus("003")) == []


# ------------------------------------------------------------------- generated


SYLLABLES = ["ka", "lo", "mi", "nu", "re", "ta", "vo", "zi", "po", "gu"]
WORDS = ["".join(p) for p in itertools.product(SYLLABLES, repeat=3)]
OTHER_WORDS = ["".join(p) for p in itertools.product(["bax", "dov", "fyr", "hij"], repeat=4)]


def _sentence(words: list[str]) -> str:
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


@st.composite
def texts_of(draw: st.DrawFn, vocab: list[str], low: int = 2, high: int = 5) -> str:
    """Sentences of 8-14 words, no word used twice (so every copy is unambiguous)."""
    sizes = draw(st.lists(st.integers(8, 14), min_size=low, max_size=high))
    words = draw(st.randoms(use_true_random=False)).sample(vocab, sum(sizes))
    out, pos = [], 0
    for size in sizes:
        out.append(_sentence(words[pos : pos + size]))
        pos += size
    return " ".join(out)


@settings(max_examples=40, deadline=None)
@given(texts_of(WORDS))
def test_a_text_aligned_with_itself_is_one_verbatim_passage(text: str) -> None:
    (passage,) = align_texts(text, text)
    assert passage.kind == "verbatim"
    assert passage.similarity == 100.0
    assert passage.target == passage.source == Span(0, len(text))


def _check_spans(passages: list[Passage], target: str, source: str) -> None:
    for p in passages:
        assert 0 <= p.target.start < p.target.end <= len(target)
        assert 0 <= p.source.start < p.source.end <= len(source)
        t_text = target[p.target.start : p.target.end]
        s_text = source[p.source.start : p.source.end]
        assert t_text == t_text.strip() and s_text == s_text.strip()
        assert p.similarity == round(similarity(t_text, s_text), 1)
        if p.kind == "verbatim":
            assert normalize(t_text).text == normalize(s_text).text


@settings(max_examples=40, deadline=None)
@given(texts_of(WORDS, 3, 6), texts_of(OTHER_WORDS, 1, 3), st.data())
def test_inserting_unrelated_text_shifts_offsets_exactly(
    source: str, unrelated: str, data: st.DataObject
) -> None:
    sents = source.split(". ")
    k = data.draw(st.integers(1, len(sents) - 2))  # copy two sentences or more
    copied = ". ".join(sents[k:])
    before = align_texts(copied, source)
    after = align_texts(unrelated + " " + copied, source)
    shift = len(unrelated) + 1
    assert before, "a copied run of sentences is found"
    assert [
        dataclasses.replace(p, target=Span(p.target.start + shift, p.target.end + shift))
        for p in before
    ] == after
    _check_spans(after, unrelated + " " + copied, source)


@settings(max_examples=30, deadline=None)
@given(texts_of(WORDS, 4, 7), texts_of(OTHER_WORDS, 1, 2), texts_of(OTHER_WORDS, 6, 8))
def test_reordered_paragraphs_are_separate_passages(text: str, short: str, long: str) -> None:
    sents = text.split(". ")
    a, b = ". ".join(sents[:2]) + ".", ". ".join(sents[2:])
    target = f"{b}\n{a}"
    # news use: one passage per target paragraph, whatever lies between in the source
    source = f"{a}\n{short}\n{b}"
    passages = align_texts(target, source)
    assert _pairs(passages, target, source) == {(a, a), (b, b)}
    _check_spans(passages, target, source)
    # maximal passages: split when the source jump exceeds the gap allowed (summary
    # chaining, which would take the short target for a summary of the source, off)
    source = f"{a}\n{long}\n{b}"
    maximal = AlignSettings(split_paragraphs=False, summary_max_gap=AlignSettings().max_gap)
    passages = align_texts(target, source, settings=maximal)
    assert _pairs(passages, target, source) == {(a, a), (b, b)}
    # nor is the target a summary when the source stretch is too long for one: the
    # copies inside are kept apart, not dropped with the summary
    capped = AlignSettings(split_paragraphs=False, summary_max_ratio=1.5)
    passages = align_texts(target, source, settings=capped)
    assert _pairs(passages, target, source) == {(a, a), (b, b)}


@settings(max_examples=30, deadline=None)
@given(texts_of(WORDS, 3, 7), texts_of(OTHER_WORDS, 1, 2), st.data())
def test_a_copy_cut_at_paragraphs_keeps_every_paragraph(
    text: str, other: str, data: st.DataObject
) -> None:
    # a multi-paragraph verbatim copy: one exact piece per paragraph, none dropped
    # for being short, and the pieces tile the copied text in both texts, in order
    sents = [s if s.endswith(".") else s + "." for s in text.split(". ")]
    cuts = sorted(data.draw(st.sets(st.integers(1, len(sents) - 1), min_size=1)))
    paras = [" ".join(sents[a:b]) for a, b in itertools.pairwise([0, *cuts, len(sents)])]
    copy = "\n".join(paras)
    target, source = f"{other}\n{copy}", copy
    passages = align_texts(target, source)
    shift = len(other) + 1
    starts = list(itertools.accumulate([0, *(len(p) + 1 for p in paras[:-1])]))
    assert [(p.target, p.source) for p in passages] == [
        (Span(shift + a, shift + a + len(para)), Span(a, a + len(para)))
        for a, para in zip(starts, paras, strict=True)
    ]
    assert all(p.kind == "verbatim" for p in passages)
    _check_spans(passages, target, source)


def _pairs(passages: list[Passage], target: str, source: str) -> set[tuple[str, str]]:
    return {
        (target[p.target.start : p.target.end], source[p.source.start : p.source.end])
        for p in passages
    }


# ----------------------------------------------------------------- corpus use


def test_align_against_index_matches_pairwise_alignment() -> None:
    index = CorpusIndex()
    for prefix in ("001", "003", "004"):
        index.add(prefix, _corpus(prefix))
    target = _corpus("000")
    found = align_against_index(target, index)
    from_003 = [p for doc, p in found if doc == "003"]
    assert from_003 == align_texts(target, _corpus("003"))
    assert from_003 == align_prepared(prepare(target), index.document("003"))


def test_long_texts_stay_bounded() -> None:
    block = " ".join(
        _sentence([WORDS[(i * 7 + j) % len(WORDS)] for j in range(12)]) for i in range(400)
    )
    passages = align_texts(block, block, settings=AlignSettings(split_paragraphs=False))
    assert len(passages) == 1 and passages[0].target == Span(0, len(block))


# ---------------------------------------------------------------------- eval


@pytest.mark.eval
def test_pan13_verbatim_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    if not (EVAL / "pan13-text-alignment").is_dir():
        pytest.skip("../shared/eval is absent")
    monkeypatch.syspath_prepend(str(ROOT))
    from bench.alignment import run_pan, score_pan

    results = [
        r for r in run_pan(EVAL / "pan13-text-alignment", limit=40) if r.section[:2] in ("01", "02")
    ]
    figures = score_pan(results)
    assert figures["02.plagdet"] >= 0.90
    assert figures["01.detected_share"] <= 0.05


@pytest.mark.eval
def test_a_seed_outside_the_passage_does_not_break_the_split(eval_dir: Path) -> None:
    """Regression: a paragraph fragment whose seed's source sentence lay outside the span."""
    susp = eval_dir / "pan13-text-alignment" / "susp"
    a = (susp / "suspicious-document00724.txt").read_text(encoding="utf-8")
    b = (susp / "suspicious-document01214.txt").read_text(encoding="utf-8")
    for target, source in ((a, b), (b, a)):
        for p in align_texts(target, source):
            assert 0 <= p.source.start < p.source.end <= len(source)


def test_a_side_cut_inside_a_sentence_is_carried_on_over_the_words_the_other_side_has() -> None:
    """A long sentence is matched in shorter units; a side stopping at such a cut ("if he")
    goes on over the words that follow it in the other side, and no further."""
    from provenance.align import _carried_on

    quote = (
        "I think that Musk has a completely different game, that he will not need any "
        "political asylum, although, if he did, Russia, of course, could provide it"
    )
    mine = prepare(f"Novikov spoke on Friday. “{quote},” Novikov said, recalling Snowden.")
    theirs = prepare(f'"{quote}," Mr Novikov told the news agency on Friday.')
    cut = Span(mine.text.index("“"), mine.text.index(" did,"))
    other = Span(0, len(theirs.text))
    carried = _carried_on(mine, cut, theirs, other)
    assert mine.text[carried.start : carried.end].endswith("could provide it")
    assert carried.start == cut.start  # the start is a sentence's: left as it is
    # the start, the same way: the side begins after "although,"
    late = Span(mine.text.index("if he"), mine.text.index("”"))
    early = _carried_on(mine, late, theirs, other)
    assert mine.text[early.start : early.end].startswith("I think that Musk")
    # words the other side does not have are not taken
    elsewhere = prepare("Although, if he asked, Russia would say no. Nothing else was said.")
    assert _carried_on(mine, cut, elsewhere, Span(0, len(elsewhere.text))) == cut


def test_seed_passages_do_not_stop_where_a_long_sentence_was_cut() -> None:
    t = (ROOT / "reports" / "texts" / "001_1bac6ef4c7f7c27f.txt").read_text(encoding="utf-8")
    s = (ROOT / "reports" / "texts" / "000_75248550d3bec6f4.txt").read_text(encoding="utf-8")
    found = align_texts(s, t)  # 000 against 001, as the audit aligns the pair
    ends = [t[p.source.start : p.source.end] for p in found]
    quote = [e for e in ends if "completely different game" in e]
    assert quote and all(e.endswith("could provide it") for e in quote)


RU_SOURCE = (
    "Государственная дума приняла в третьем чтении закон о защите персональных данных "
    "граждан в сети интернет. Документ обязывает операторов хранить сведения о "
    "пользователях на серверах, расположенных на территории страны. Нарушителям грозят "
    "штрафы в размере до пяти миллионов рублей.\n\n"
    "Глава комитета по информационной политике заявил, что новые нормы вступят в силу с "
    "первого января следующего года. По его словам, компании получат достаточно времени "
    "для перестройки своих систем."
)
RU_REWRITE = (
    "Закон о защите персональных данных российских граждан в интернете был окончательно "
    "принят Государственной думой. Операторы обязаны хранить сведения о своих "
    "пользователях на серверах, которые расположены на территории России. За нарушения "
    "предусмотрены штрафы размером до пяти миллионов рублей.\n\n"
    "Новые нормы, как заявил глава думского комитета по информационной политике, начнут "
    "действовать с первого января будущего года, чтобы компании успели перестроить свои "
    "системы."
)


def test_a_russian_rewrite_is_found_through_its_changed_word_forms() -> None:
    """Стемы and stop words of Russian: "принят Государственной думой" is "Государственная
    дума приняла" rewritten, and the rewrite's first sentence is part of the copy."""
    first, second = align_texts(RU_REWRITE, RU_SOURCE)
    paragraph = RU_REWRITE.index("\n\n")
    assert (first.target.start, first.target.end) == (0, paragraph)
    assert (first.source.start, first.source.end) == (0, RU_SOURCE.index("\n\n"))
    assert second.target.end == len(RU_REWRITE) and second.source.end == len(RU_SOURCE)
    assert {first.kind, second.kind} == {"paraphrase"}


def test_a_copy_at_the_start_of_a_text_keeps_its_first_word() -> None:
    # "The" could be matched as well to the "the" of the source's first sentence: both
    # word alignments cost the same, and the copy's first word must not be lost
    copied = (
        "The regional parliament approved a new water law on Tuesday after months of debate. "
        "Lawmakers said the reform would cut leakage in the pipelines by nearly a third."
    )
    source = "Residents of the suburbs have complained about brown tap water.\n\n" + copied
    for text in (copied, copied + "\n\nShop owners hope the works will not close the road."):
        (p,) = align_texts(text, source)
        assert text[p.target.start : p.target.end] == copied
        assert source[p.source.start : p.source.end] == copied
        assert p.kind == "verbatim"


def test_paragraph_pieces_have_exact_sides_around_a_paragraph_the_copy_left_out() -> None:
    first = "The regional parliament approved a new water law on Tuesday. Lawmakers said it would cut leakage by a third."
    left_out = "The bill allocates four billion roubles to new pumping stations. Opposition deputies wanted rural clinics instead."
    last = "The city football club signed a young goalkeeper on Monday. The coach praised his reflexes in training."
    source = f"{first}\n\n{left_out}\n\n{last}\n"
    target = (
        f"{first}\n\n{last}\n\nShop owners hope the works will not close the main road again.\n"
    )
    found = align_texts(target, source)
    sides = [
        (target[p.target.start : p.target.end], source[p.source.start : p.source.end])
        for p in found
    ]
    assert sides == [(first, first), (last, last)]
    assert [p.kind for p in found] == ["verbatim", "verbatim"]


def test_a_piece_before_a_paragraph_the_copy_left_out_ends_where_its_words_do() -> None:
    """(Whatever word the left-out paragraph starts with.)"""
    first = "The regional parliament approved a new water law on Tuesday. Lawmakers said it would cut leakage by a third."
    left_out = "Opposition deputies wanted rural clinics instead. They called it wasteful."
    last = "Football club Zenit signed a young goalkeeper on Monday. Its coach praised his reflexes in training."
    source = f"{first}\n\n{left_out}\n\n{last}"
    target = f"{first}\n\n{last}\n\nShop owners hope the works will not close the main road again."
    found = align_texts(target, source)
    sides = [
        (target[p.target.start : p.target.end], source[p.source.start : p.source.end])
        for p in found
    ]
    assert sides == [(first, first), (last, last)]


def test_a_summary_takes_the_whole_source_paragraphs_it_draws_on() -> None:
    """A target side several times shorter than its source side sums up the source's
    paragraphs: its source side is they, whole; a short fragment or a copy is left as it is."""
    from provenance.align import _summarised_paragraphs
    from provenance.index import prepare
    from provenance.models import Passage, Span

    sentence = "The harbour authority reported on the state of the quays and the cranes. "
    first, second = sentence * 20, sentence * 6
    source = prepare(first.strip() + "\n\n" + second.strip())
    para = source.paragraphs[0]
    settings = AlignSettings()
    summary = Passage(Span(0, 320), Span(para.start + 100, para.end - 100), "paraphrase", 40.0)
    assert _summarised_paragraphs(summary, source, settings).source == para
    fragment = Passage(Span(0, 120), Span(para.start + 100, para.start + 600), "paraphrase", 40.0)
    copy = Passage(Span(0, 320), Span(para.start + 100, para.start + 420), "verbatim", 100.0)
    for p in (fragment, copy):
        assert _summarised_paragraphs(p, source, settings) == p
    # not past summary_max_ratio (a huge paragraph holding other stories) ...
    narrow = dataclasses.replace(settings, summary_max_ratio=4.0)
    assert _summarised_paragraphs(summary, source, narrow) == summary
    # ... nor over another passage's source side
    other = Passage(Span(400, 500), Span(para.start, para.start + 80), "verbatim", 100.0)
    assert _summarised_paragraphs(summary, source, settings, [summary, other]) == summary


@pytest.mark.parametrize(
    "after", [".", ", the agency reported.", ", according to the Russian news agency TASS."]
)
def test_a_short_copied_sentence_with_a_clause_of_its_own_is_a_passage(after: str) -> None:
    """A one-sentence brief copying most of a wire sentence: with the outlet's own closing
    clause (", TASS reported.") its span is the copied words, not a whole sentence, and a
    span that short had to be a whole sentence: the brief crediting the wire was missed
    while the same brief without the credit was found."""
    copied = "A cargo ship carrying grain for the northern ports has left the harbour at Murmansk"
    source = (
        "MURMANSK, June 19. " + copied + " in the Barents Sea region, the port authority said.\n\n"
        "The vessel is expected to reach its destination within a week, weather permitting."
    )
    target = "Grain ship departs\n\n" + copied + after
    (p,) = align_texts(target, source)
    assert target[p.target.start : p.target.end].startswith(copied[:40])
    assert p.kind != "paraphrase"


def test_a_fragment_from_inside_a_sentence_is_no_short_passage() -> None:
    """Twelve words the two texts share in the middle of a sentence each, shorter than a
    passage may be: no passage (a short copy stands for a sentence, whole or but for a
    clause at its start or end)."""
    shared = "the new bridge across the river will carry four lanes of traffic and a tram line"
    source = (
        f"Officials confirmed on Monday that {shared} when it opens in the spring of next year."
    )
    target = (
        f"Residents were told at a public meeting that {shared} once the last stage is complete."
    )
    assert align_texts(target, source) == []


def test_a_word_a_passage_reaches_into_the_next_paragraph_is_no_passage() -> None:
    """Two texts alike up to a last line each of their own that begin with the same word:
    the passage reached into that line for its first word, and "The" was a passage."""
    body = (
        "The regional parliament approved a new water management law on Tuesday after months "
        "of debate in the committee.\n\n"
        "Lawmakers said the reform would cut leakage in municipal pipelines by nearly a third "
        "within five years, the speaker told reporters."
    )
    target = body + "\n\nThe Moscow Times first reported the vote on Tuesday evening."
    source = body + "\n\nThe governor's office did not respond to a request for comment."
    found = align_texts(target, source)
    assert found
    assert all(len(target[p.target.start : p.target.end].split()) >= 3 for p in found)


def test_an_outlets_own_sentences_around_a_reworded_one_are_not_the_copy() -> None:
    """A paragraph rewording one wire sentence between sentences of the outlet's own, next
    to a paragraph copied word for word: the reworded piece of the passage was the whole
    paragraph, and the outlet's own reporting counted as copied."""
    swap = (
        "Russia and Ukraine have carried out another exchange of prisoners of war, the Defense "
        "Ministry said on Thursday."
    )
    care = (
        "The servicemen are now in Belarus, where they are receiving the necessary "
        "psychological and medical assistance. They will be flown to Moscow for treatment and "
        "rehabilitation at the medical institutions of the ministry."
    )
    source = f"MOSCOW, June 19. {swap}\n\n{care}"
    own_before = "Relatives waited for hours at the border crossing in the north of the region."
    reworded = (
        "Ukraine and Russia carried out another exchange of prisoners of war on Thursday, the "
        "Defense Ministry in Moscow said."
    )
    own_after = "Many of those released had been held since the spring of 2022 in camps."
    target = f"{own_before} {reworded} {own_after}\n\n{care}"
    found = align_texts(target, source)
    assert any(target[p.target.start : p.target.end] == care for p in found)
    for p in found:
        copied = target[p.target.start : p.target.end]
        assert own_before not in copied and own_after not in copied


def test_a_wire_dateline_or_a_sentence_of_the_outlets_is_no_piece_of_a_passage() -> None:
    """Two wire items of one day from one forum, ending on the same background paragraphs:
    an article reprinting the first was charged with the second's dateline ("ST.
    PETERSBURG, June 19. /TASS/.", every item of the day begins so) and with a sentence of
    its own sharing "chief executive" with the second's lead, pieces of the passage of the
    background paragraphs matching no source sentence of their own."""
    dateline = "ST. PETERSBURG, June 19. /TASS/."
    forum = (
        "The St. Petersburg International Economic Forum is taking place on June 18-21. The "
        "theme of this year's forum is shared values as the foundation of growth.\n\n"
        "TASS is the forum's official photo hosting agency and information partner."
    )
    first = (
        f"{dateline} The state nuclear corporation and the energy ministry of a partner country "
        "have signed an agreement on cooperation on the sidelines of the St. Petersburg "
        "International Economic Forum, a TASS correspondent reported.\n\n"
        f"The document was signed by the chief executive and the minister.\n\n{forum}"
    )
    second = (
        f"{dateline} The largest bank of the country expects its net profit to grow this year "
        "despite the high key rate, its chief executive told reporters on the sidelines of the "
        f"St. Petersburg International Economic Forum.\n\n{forum}"
    )
    article = (
        f"Nuclear deal signed\n\nThe country took another step towards nuclear power.\n\n{first}"
    )
    found = align_texts(article, second)
    assert found
    first_copied = min(p.target.start for p in found)
    assert first_copied == article.index("The St. Petersburg International Economic Forum is")


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("ST. PETERSBURG, June 19. /TASS/.", True),
        ("ЧИТА, 24 июня. /ТАСС/.", True),
        ("LONDON, June 19 (Reuters) -", True),
        ("Moscow, he said, in June 2025 (TASS).", False),
        ("The talks resumed on June 19 (TASS).", False),
    ],
)
def test_a_wire_dateline_is_told_from_a_sentence(line: str, dateline: bool) -> None:
    """A passage that is a dateline alone is none (every item of a city's day begins so)."""
    from provenance.align import _DATELINE

    assert (_DATELINE.fullmatch(line) is not None) is dateline


def test_two_sentences_copied_around_a_source_paragraph_left_out_are_two_verbatim_passages() -> (
    None
):
    """A digest item: two wire sentences word for word in one paragraph, the wire's quotation
    paragraph between them left out.  One passage spanned the left-out paragraph on the
    source side: a paraphrase of 74 for a verbatim copy."""
    lead = (
        "Air defense forces intercepted and destroyed 48 fixed-wing drones over the southern "
        "regions overnight, the Defense Ministry said on Thursday."
    )
    quote = (
        '"Between 11:00 p.m. on June 18 and 7:00 a.m. on June 19, on-duty air defense systems '
        'intercepted and destroyed 48 unmanned aerial vehicles," the ministry said in a statement.'
    )
    where = (
        "Twenty-two drones were downed over the Bryansk Region, 11 over the Kursk Region and "
        "the rest over the Belgorod, Oryol and Moscow regions."
    )
    source = f"MOSCOW, June 19. {lead}\n\n{quote}\n\n{where}"
    target = f"Drones downed\n\n{lead} {where}\n\nOur view: more will come."
    found = align_texts(target, source)
    assert [target[p.target.start : p.target.end] for p in found] == [lead, where]
    assert {p.kind for p in found} == {"verbatim"}


def test_a_reworded_lead_matched_to_a_few_words_of_the_source_is_no_piece() -> None:
    """An outlet's own lead sharing "in Istanbul next week" with another outlet's quotation,
    above a paragraph it copied word for word from that outlet: the lead was a piece of the
    passage (a paraphrase of four words), and the passage's source side ran over the other
    outlet's quotations in between, which the copy never printed."""
    context = (
        "The talks, brokered by Turkey, have so far produced prisoner swaps but no agreement on "
        "a ceasefire. Ukrainian President Volodymyr Zelensky has insisted that any lasting "
        "settlement must begin with a full and unconditional truce of at least 30 days, a "
        "demand Moscow has rejected as a ploy to let Kyiv regroup."
    )
    source = (
        "Kremlin spokesman Dmitry Peskov said on Friday that the next meeting of Russian and "
        "Ukrainian delegations could take place in Istanbul next week.\n\n"
        '"We do not rule out that the next meeting of the delegations will take place in '
        'Istanbul next week. The dates are being coordinated through diplomatic channels," '
        "Peskov said.\n\n\"The ball is now in Kyiv's court. We are waiting for a serious "
        'answer, not statements for the press," Peskov said.\n\n' + context
    )
    target = (
        "Russia and Ukraine could meet again in Istanbul next week, the Kremlin said on "
        f"Friday, though no date has been fixed.\n\n{context}\n\nThe first round of talks "
        "took place in Istanbul on May 16, TASS reported."
    )
    found = align_texts(target, source)
    assert [target[p.target.start : p.target.end] for p in found] == [context]


def test_a_short_sentence_copied_after_a_paragraph_left_out_is_kept() -> None:
    """Two paragraphs copied, the source's next paragraph left out, then its short last
    sentence copied: cut off on its own at the left-out paragraph, the sentence was too
    short to stand as a passage and was lost (review L)."""
    first = (
        "The foreign ministers met in Rio de Janeiro on Monday to prepare the summit of the "
        "group, which will take place in the autumn, the ministry said."
    )
    second = (
        "The ministers discussed trade in national currencies, the new development bank's "
        "lending and the admission of new partner countries to the group."
    )
    left_out = (
        "He recalled that the previous summit had been held in Kazan last October and had "
        "adopted a declaration of more than a hundred and thirty paragraphs."
    )
    last = "Brazil assumed the rotating chairmanship on January 1."
    source = f"{first}\n\n{second}\n\n{left_out}\n\n{last}"
    target = f"{first}\n\n{second}\n\n{last}"
    copied = [target[p.target.start : p.target.end] for p in align_texts(target, source)]
    assert any(last in c for c in copied)


def test_a_short_copied_sentence_after_a_left_out_paragraph_in_one_paragraph_is_kept() -> None:
    """Two sentences copied word for word, the source's next paragraph left out, then its
    short sentence copied, all in one paragraph of the copy: the short part could not stand
    as a passage of its own, so the passage was not cut and came out one "paraphrase 75"
    across the left-out paragraph (review M)."""
    first = (
        "The foreign ministers met in Rio de Janeiro on Monday to prepare the autumn summit of "
        "the group, the ministry said in a statement."
    )
    second = (
        "The ministers discussed trade in national currencies and the lending of the new "
        "development bank to the member countries."
    )
    left_out = (
        "He recalled that the previous summit had been held in Kazan last October and had "
        "adopted a declaration of more than a hundred and thirty paragraphs."
    )
    last = "Brazil took over the rotating chairmanship on January 1."
    source = f"{first} {second}\n\n{left_out}\n\n{last}"
    target = f"{first} {second} {last}"
    found = align_texts(target, source)
    assert {p.kind for p in found} == {"verbatim"}
    assert any(target[p.target.start : p.target.end] == last for p in found)
