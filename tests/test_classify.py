"""classify.py: quote vs prose, altered quotations, credits, credited-but-absent material."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.align import align_texts
from provenance.attribution import SourceRegistry
from provenance.classify import (
    changed_words,
    classify,
    credited_material,
    is_altered,
    quote_runs,
)
from provenance.models import Passage, Span

REGISTRY = SourceRegistry.default()


def seed(corpus_dir: Path, prefix: str) -> str:
    (path,) = corpus_dir.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def span_of(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle))


def covering(passages: list[Passage], span: Span) -> Passage:
    """The passage whose target side covers most of ``span``."""

    def inside(p: Passage) -> int:
        return max(0, min(p.target.end, span.end) - max(p.target.start, span.start))

    best = max(passages, key=inside)
    assert inside(best) > len(span) // 2, f"no passage covers {span}: {passages}"
    return best


def classified(
    corpus_dir: Path, target: str, source: str, name: str | None = None
) -> tuple[str, list[Passage]]:
    t, s = seed(corpus_dir, target), seed(corpus_dir, source)
    return t, classify(t, s, align_texts(t, s), registry=REGISTRY, source_name=name)


# ------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("a", "b", "altered"),
    [
        ("we don't intend to interfere", "we do not intend to interfere", False),
        ("the Us president will handle it", "the U.S. president will handle it", False),
        ("This is a domestic issue.", "this is a domestic issue", False),
        (
            "a domestic issue of the United States",
            "This is a domestic issue of the United States, and",
            False,
        ),
        (
            "This is an internal matter of the United States, and we do not plan to interfere",
            "This is a domestic issue of the United States, and we don't intend to interfere",
            True,
        ),
        ("an illegal alien", "an illegal immigrant", True),
        # one word that turns what was said, in a long quotation: a negation, a number
        (
            "We are not confident that the route will handle the cargo in the coming year",
            "We are confident that the route will handle the cargo in the coming year",
            True,
        ),
        (
            "the route will handle at least 30 million tonnes of cargo in the coming year",
            "the route will handle at least 50 million tonnes of cargo in the coming year",
            True,
        ),
        (
            "the route will handle at least five million tonnes of cargo in the coming year",
            "the route will handle at least 5 million tonnes of cargo in the coming year",
            False,
        ),
        # the editor's marks: an ellipsis where words are left out, a bracketed stand-in
        (
            "We meet twice a month ... We have already agreed on the new tariffs.",
            "We meet twice a month to review the schedule. We have already agreed on the new"
            " tariffs.",
            False,
        ),
        (
            "We meet twice a month \u2026 we have already agreed on the new tariffs.",
            "We meet twice a month, and we have already agreed on the new tariffs.",
            False,
        ),
        (
            "[Rosatom's] partners see the route as a commercial line.",
            "Our partners see the route as a commercial line.",
            False,
        ),
        # ... but an editor's mark standing for a negation or another number is one
        (
            "We are ... ready to sign the deal with Kyiv in the coming year.",
            "We are not at all ready to sign the deal with Kyiv in the coming year.",
            True,
        ),
        (
            "We will buy [30] tanks for the army in the coming year.",
            "We will buy 50 tanks for the army in the coming year.",
            True,
        ),
        # one thing spelt two ways is no alteration
        *(
            (
                f"It has been so {a} in all the regions of the country.",
                f"It has been so {b} in all the regions of the country.",
                False,
            )
            for a, b in (
                ("since the '90s", "since the 1990s"),
                ("since June 5th", "since June 5"),
                ("since '22", "since 2022"),
                ("at 10 a.m.", "at 10:00"),
                ("after COVID", "after COVID-19"),
                ("with 5% more", "with 5 per cent more"),
                ("with 1,000 more", "with 1000 more"),
                ("as the No. 1 priority", "as the number 1 priority"),
                ("with 15 thousand more", "with 15,000 more"),
                ("with zero losses", "with no losses"),
            )
        ),
        (
            "Ничего не изменилось в работе порта за этот год.",
            "Ничто не изменилось в работе порта за этот год.",
            False,
        ),
        (
            "[Rosatom's] partners see the route as an experiment ... for now.",
            "Our partners see the route as a commercial line, not an experiment, for now.",
            True,
        ),
    ],
)
def test_is_altered(a: str, b: str, altered: bool) -> None:
    assert is_altered(a, b) is altered


def test_excerpts_are_not_counted_as_changes() -> None:
    assert changed_words("he will handle it", "we are sure he will handle it on his own") == (0, 4)


# ------------------------------------------------------------------ synthetic pairs

TARGET = (
    'Novikov said on Friday, "Russia could offer him asylum if he asked for it."\n'
    "The weather in Moscow was fine and sunny all week long.\n"
)
SOURCE = (
    '"Russia could offer him asylum if he asked for it," Novikov told TASS.\n'
    "The weather in Moscow was fine and sunny all week long.\n"
)


def test_quote_versus_prose_by_majority() -> None:
    quote = Passage(
        span_of(TARGET, '"Russia could'), span_of(SOURCE, '"Russia could'), "verbatim", 100
    )
    prose = Passage(span_of(TARGET, "The weather"), span_of(SOURCE, "The weather"), "verbatim", 100)
    out = classify(TARGET, SOURCE, [prose, quote], registry=REGISTRY)
    assert [p.quote for p in out] == [True, False]  # sorted by target offset
    assert out[0].extra["quoted_share"] == "1.00"
    assert not out[0].altered_quote


def test_a_shared_quotation_in_the_outlets_own_framing_is_a_quote() -> None:
    """What the two sides share is the quotation; the outlet's framing around it ("...,
    Peskov said, repeating ...") shares nothing with the source: a quote, not copied prose.
    A passage sharing the source's narrative around a quotation stays prose."""
    quote = '"Each new package is a boomerang that returns to the Europeans themselves,"'
    source = f"Peskov commented on the sanctions. {quote} the spokesman noted.\n"
    target = (
        f"{quote} Peskov said, repeating the long-held view in Moscow that the measures are "
        "illegal. He added that the government would study any price cap proposal.\n"
    )
    p = Passage(Span(0, len(target) - 1), span_of(source, quote), "paraphrase", 55)
    (out,) = classify(target, source, [p], registry=REGISTRY)
    assert out.quote and float(out.extra["quoted_share"]) < 0.5
    narrative = (
        "Commenting on the new package of European sanctions against Russian banks and "
        "the oil trade, which Brussels adopted on Tuesday, Peskov said:"
    )
    source = target = f"{narrative} {quote}\n"
    p = Passage(Span(0, len(target) - 1), Span(0, len(source) - 1), "verbatim", 100)
    (out,) = classify(target, source, [p], registry=REGISTRY)
    assert not out.quote


def test_quoted_in_one_text_only_is_prose() -> None:
    target = "Russia could offer him asylum if he asked for it, officials believe.\n"
    p = Passage(
        Span(0, 48),
        span_of(SOURCE, "Russia could offer him asylum if he asked for it"),
        "verbatim",
        100,
    )
    (out,) = classify(target, SOURCE, [p], registry=REGISTRY)
    assert not out.quote


def test_reworded_quotation_is_added_and_flagged() -> None:
    target = 'Novikov said, "Russia might give him asylum if he requested it."\n'
    out = classify(target, SOURCE, [], registry=REGISTRY)
    assert len(out) == 1
    (p,) = out
    assert p.quote and p.altered_quote
    assert p.extra["origin"] == "quotation" and p.extra["speaker"] == "novikov"


def test_different_speakers_are_never_an_altered_quote() -> None:
    target = 'Peskov said, "Russia might give him asylum if he requested it."\n'
    assert classify(target, SOURCE, [], registry=REGISTRY) == []


_ROLE_SOURCE = (
    "He stressed that Moscow expected the other side to respond to the memorandum handed over "
    'at the previous meeting. "So far we have not received any substantive response to our '
    'proposals," the Kremlin spokesman noted.\n'
)


@pytest.mark.parametrize(
    "said, altered",
    [
        # the source names its speaker by role only: the alignment pairs the quotations
        ("he said", True),
        ("the spokesman said", True),
        # ... but not when both texts name different speakers (that is no misquotation)
        ("Lavrov said", False),
    ],
)
def test_a_quotation_of_a_speaker_named_by_role_is_compared(said: str, altered: bool) -> None:
    # (review X: "not received any" quoted as "received a" went unflagged, as the wire named
    # the speaker "the Kremlin spokesman" and the statements of one speaker never met)
    target = (
        "Peskov said Moscow was still waiting for the other side to respond to the memorandum "
        'handed over at the last meeting. "So far we have received a substantive response to '
        f'our proposals," {said}.\n'
    )
    source = (
        _ROLE_SOURCE.replace("the Kremlin spokesman", "Peskov") if not altered else _ROLE_SOURCE
    )
    quote = [p for p in classify(target, source, align_texts(target, source), registry=REGISTRY)]
    quote = [p for p in quote if p.quote]
    assert quote and any(p.altered_quote for p in quote) == altered


def test_another_persons_words_on_the_subject_are_no_misquotation() -> None:
    # (review Y: the outlet quotes an EU official where the wire quotes the Kremlin spokesman;
    # the words overlap, the quotation is another)
    source = 'Russia ready to return to grain deal if obligations fulfilled - Kremlin\n\nMOSCOW, July 20. /TASS/. Moscow is ready to return to the Black Sea grain deal as soon as the part of the agreement concerning Russia is fulfilled, the Kremlin spokesman told reporters on Thursday.\n\nThe Kremlin spokesman noted that none of the promises made to Russia under the memorandum had been kept. "We have not received the guarantees that were promised to us on the reconnection of the Agricultural Bank to SWIFT and on the supply of spare parts for agricultural machinery," he said.\n\nHe also said that Russia would continue to supply grain to the poorest countries free of charge.\n'
    target = 'Kremlin says it could return to grain deal\n\nMoscow is ready to return to the Black Sea grain deal as soon as the part of the agreement concerning Russia is fulfilled, the Kremlin spokesman told reporters on Thursday.\n\nThe Kremlin spokesman noted that none of the promises made to Russia under the memorandum had been kept. "The guarantees that were promised on the reconnection of the Agricultural Bank to SWIFT depend on Russia, not on us," a senior EU official told this newspaper.\n'
    found = classify(target, source, align_texts(target, source), registry=REGISTRY)
    assert found and not any(p.altered_quote for p in found)


def test_quotations_of_nobody_are_not_compared_as_statements() -> None:
    # scare quotes, a title: nobody's words, however they were edited
    target = (
        'The ministry described the campaign as a "planned and fully defensive operation in the '
        'region of the border" in its statement on Monday evening.\n'
    )
    source = target.replace("fully", "purely").replace("region", "area")
    found = classify(target, source, align_texts(target, source), registry=REGISTRY)
    assert found and not any(p.altered_quote for p in found)


def test_vague_credit_is_not_credited() -> None:
    target = "In an interview with Russian state media, Novikov spoke.\n" + TARGET
    p = Passage(span_of(target, '"Russia could'), span_of(SOURCE, '"Russia could'), "verbatim", 100)
    (out,) = classify(target, SOURCE, [p], registry=REGISTRY)
    assert not out.credited
    assert out.credit_text == "In an interview with Russian state media"
    assert out.extra["credit_kind"] == "vague"


# --------------------------------------------------------------------------- seeds


def test_seed_000_vs_003_peskov_quote_and_snowden_prose(corpus_dir: Path) -> None:
    text, passages = classified(corpus_dir, "000", "003", "The Moscow Times")
    peskov = covering(passages, span_of(text, '"This is a domestic issue of the United States'))
    assert peskov.quote and not peskov.altered_quote
    assert peskov.credited and peskov.credited_source == "The Moscow Times"
    assert peskov.credit_text == "According to the Moscow Times"
    snowden = covering(passages, span_of(text, "Russia has previously granted asylum"))
    assert not snowden.quote
    assert snowden.kind == "verbatim"


def test_seed_002_peskov_quote_altered(corpus_dir: Path) -> None:
    for source in ("000", "003"):
        text, passages = classified(corpus_dir, "002", source)
        peskov = covering(passages, span_of(text, '"This is an internal matter'))
        assert peskov.quote and peskov.altered_quote, source
        assert peskov.credited_source == "The Moscow Times"


def test_seed_identical_quotation_not_altered(corpus_dir: Path) -> None:
    text, passages = classified(corpus_dir, "001", "000")
    novikov = covering(passages, span_of(text, "\u201cI think that Musk has"))
    assert not novikov.altered_quote
    assert not novikov.credited and novikov.extra["credit_kind"] == "vague"
    assert novikov.credit_text == "during an interview with Russian state media"


def test_seed_novikov_credited_to_tass(corpus_dir: Path) -> None:
    text, passages = classified(corpus_dir, "000", "002")
    p = covering(passages, span_of(text, "Musk has a completely different game"))
    assert p.credited and p.credited_source == "TASS"
    text, passages = classified(corpus_dir, "002", "000")
    p = covering(passages, span_of(text, "I believe that Musk has a completely different game"))
    assert p.credited and p.credited_source == "TASS"


def test_credited_source_must_match_the_source(corpus_dir: Path) -> None:
    _, passages = classified(corpus_dir, "000", "003", "Moscow Times")  # alias works too
    novikov = [p for p in passages if p.credited_source == "TASS"]
    assert novikov and not any(p.credited for p in novikov)


# ------------------------------------------------------------ credited, text absent


def test_credited_material_of_absent_tass(corpus_dir: Path) -> None:
    text = seed(corpus_dir, "000")
    found = credited_material(text, registry=REGISTRY, sources=["TASS"])
    quoted = [text[c.span.start : c.span.end] for c in found if c.kind == "quotation"]
    assert any(q.startswith('"I think that Musk') for q in quoted)
    assert any(q.startswith('"At this stage') for q in quoted)
    assert not any("domestic issue" in q for q in quoted)  # credited to the Moscow Times
    assert {c.source for c in found} == {"TASS"}


def test_credited_material_defaults_to_designated_sources(corpus_dir: Path) -> None:
    found = credited_material(seed(corpus_dir, "002"), registry=REGISTRY)
    assert {c.source for c in found} == {"TASS", "The Moscow Times"}
    assert credited_material("No credits here.", registry=REGISTRY) == []


def test_mixed_passage_is_split_into_prose_and_quote() -> None:
    target = (
        "The lawmaker spoke to reporters in Moscow about the asylum offer on Friday. "
        '"Russia could offer him asylum if he asked for it," Novikov said.\n'
    )
    source = (
        "The lawmaker talked to reporters in Moscow about an asylum offer on Friday. "
        '"Russia could offer him asylum if he asked for it," said Novikov.\n'
    )
    whole = Passage(Span(0, len(target) - 1), Span(0, len(source) - 1), "near-verbatim", 90)
    out = classify(target, source, [whole], registry=REGISTRY)
    assert [p.quote for p in out] == [False, True]
    assert out[0].target == span_of(
        target, "The lawmaker spoke to reporters in Moscow about the asylum offer on Friday."
    )
    assert source[out[1].source.start : out[1].source.end].startswith('"Russia could')
    assert all(p.extra["split_from"] == f"0-{len(target) - 1}" for p in out)


def test_quote_runs_group_quoted_and_unquoted_sentences() -> None:
    text = (
        "The minister spoke on Monday. He said it plainly. "
        '"We will not pay for this war," he said. "Not one rouble, not ever," he added. '
        "Talks resume next week."
    )
    runs = quote_runs(text, Span(0, len(text)))
    assert [quoted for _, quoted in runs] == [False, True, False]
    assert [len(sents) for sents, _ in runs] == [2, 2, 1]
    inner = quote_runs(text, Span(text.index("plainly"), text.index("Not one")))
    assert inner[0][0][0].start == text.index("plainly")  # cut to the span


def test_a_quotation_of_short_sentences_copied_whole_keeps_its_source_side() -> None:
    """A tweet quoted as "... We are here to Get. It. OUT," copied word for word: the quoted
    run's source side lost "It.", a sentence of no content word (no run claimed it), and
    the two identical texts showed a near-verbatim quotation of 98.5."""
    text = (
        "The governor defended the slogan of the campaign on Monday evening.\n\n"
        '"Meth is a serious problem in our state. We are here to Get. It. OUT," the governor '
        "tweeted on Monday night after the criticism.\n\n"
        "Her office said the campaign would run until the end of the year in every county."
    )
    found = classify(text, text, align_texts(text, text), registry=REGISTRY)
    assert found and all(p.kind == "verbatim" for p in found)
    assert all(
        text[p.target.start : p.target.end] == text[p.source.start : p.source.end] for p in found
    )
