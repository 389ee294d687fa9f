"""Tests for provenance.index: fingerprints, prepared texts and the corpus index."""

from __future__ import annotations

import itertools
import math
import os
import random
import subprocess
import sys
import zlib
from collections import Counter

import numpy as np
import pytest

from provenance.index import (
    CorpusIndex,
    Prepared,
    SentenceSpace,
    _ngrams,
    ngram_hashes,
    prepare,
    shared_seeds,
    unit_pairs_sharing_ngrams,
)
from provenance.settings import AlignSettings

STORY = (
    "Kremlin spokesman Dmitry Peskov declined to weigh in on the spat when asked on Friday. "
    "Russia has previously granted asylum to whistleblower Edward Snowden and blogger "
    "Graham Phillips."
)
OTHER = "Heavy rain flooded the valley roads overnight and schools stayed closed across the county."
FORMULA = "Reuters and AFP contributed reporting from Washington and Brussels bureaus."


def test_hashes_are_pinned_and_do_not_depend_on_pythonhashseed() -> None:
    terms = ["russia", "asylum", "musk", "trump"]
    assert ngram_hashes(terms, 3) == [814977941792650662, 1898283756284050235]
    code = "from provenance.index import ngram_hashes; print(ngram_hashes(['a','b','c'], 2))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outs) == 1


def test_ngram_length_is_checked() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ngram_hashes(["a"], 0)


def test_prepare_gives_units_terms_and_fingerprints() -> None:
    doc = prepare(STORY)
    assert len(doc.units) == 2
    assert doc.text[doc.units[0].start : doc.units[0].end].endswith("on Friday.")
    assert len(doc.fingerprints) == len(doc.terms) - 2
    assert len(doc.term_unit) == len(doc.terms)


def test_candidates_find_the_document_sharing_material() -> None:
    index = CorpusIndex()
    index.add("story", STORY)
    index.add("other", OTHER)
    found = index.candidates("As reported, Peskov declined to weigh in on the spat when asked.")
    assert [doc for doc, _ in found] == ["story"]
    assert index.candidates(OTHER, exclude="other") == []
    with pytest.raises(ValueError, match="already indexed"):
        index.add("story", STORY)


def test_formulaic_phrases_make_no_candidates() -> None:
    settings = AlignSettings(index_max_df=3, index_max_df_share=0.0)
    index = CorpusIndex(settings=settings)
    for i in range(5):
        index.add(f"doc{i}", f"Item {i} about topic number {i * 7}. {FORMULA}")
    assert index.candidates(f"Something else entirely. {FORMULA}") == []
    index2 = CorpusIndex(settings=settings)
    index2.add("one", FORMULA)
    assert [d for d, _ in index2.candidates(FORMULA)] == ["one"]


def test_seeds_are_term_positions_shared_with_the_source() -> None:
    index = CorpusIndex()
    index.add("story", STORY)
    target = prepare("Peskov declined to weigh in on the spat.")
    seeds = index.seeds(target, "story")
    source = index.document("story")
    assert seeds and seeds == shared_seeds(target, source)
    for t, s in seeds:
        assert target.terms[t : t + 3].tolist() == source.terms[s : s + 3].tolist()


def _random_text(rng: random.Random, vocab: list[str], sentences: int) -> str:
    return " ".join(
        " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 14))).capitalize() + "."
        for _ in range(sentences)
    )


def _corpus(seed: int, docs: int = 30) -> dict[str, str]:
    """Texts over a small vocabulary, some copying sentences from others."""
    rng = random.Random(seed)
    vocab = [f"{w}{i}" for w in ("alpha", "bravo", "delta", "kilo", "omega") for i in range(12)]
    texts: dict[str, str] = {}
    for k in range(docs):
        text = _random_text(rng, vocab, rng.randint(2, 12))
        if texts and rng.random() < 0.6:  # copy a stretch of an earlier text
            donor = texts[rng.choice(sorted(texts))]
            a = rng.randrange(len(donor))
            text += " " + donor[a : a + rng.randint(40, 400)]
        texts[f"d{k:02d}"] = text
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sharing_pairs_are_the_pairs_of_candidates(seed: int) -> None:
    settings = AlignSettings(index_max_df=4, index_max_df_share=0.0, common_min_shared=0)
    index = CorpusIndex(settings=settings)
    texts = _corpus(seed)
    for name, text in texts.items():
        index.add(name, text)
    beyond = sorted(texts)[:5]
    expected = []
    for name in sorted(texts):
        doc = index.document(name)
        unexplained = dict(index.candidates(doc, exclude=name, beyond=beyond))
        for other, shared in index.candidates(doc, exclude=name):
            if name < other:
                expected.append((name, other, shared, unexplained.get(other)))
    found = index.sharing_pairs(beyond=beyond)
    assert len(found) > 10
    assert [f[:3] for f in found] == sorted(e[:3] for e in expected)
    # an unexplained count that reaches min_shared is the one candidates() gives
    for (a, b, _, rest), (*_, want) in zip(found, sorted(expected), strict=True):
        assert (rest if rest >= settings.min_shared else None) == want, (a, b)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ngrams_over_the_cap_pair_their_holders_with_the_first_holders(seed: int) -> None:
    """Computed here directly: each n-gram under the cap pairs all its holders, each over
    it pairs its holders with its first two holders in ``hubs`` order (only documents
    ``hubs`` names); a pair made by n-grams over the cap only counts from
    ``common_min_shared`` of them."""
    settings = AlignSettings(index_max_df=3, index_max_df_share=0.0, common_min_shared=4)
    index = CorpusIndex(settings=settings)
    texts = _corpus(seed)
    for name, text in texts.items():
        index.add(name, text)
    hubs = sorted(texts, key=lambda n: (zlib.crc32(f"{seed}{n}".encode()) % 7, n))[:10]
    order = {n: k for k, n in enumerate(hubs)}  # (only these may be hubs)
    grams = {n: set(index.document(n).fingerprints.tolist()) for n in texts}
    holders: dict[int, list[str]] = {}
    for n in sorted(texts):
        for g in grams[n]:
            holders.setdefault(g, []).append(n)
    clique: Counter[tuple[str, str]] = Counter()
    star: Counter[tuple[str, str]] = Counter()
    for docs in holders.values():
        if 2 <= len(docs) <= 3:
            clique.update(itertools.combinations(sorted(docs), 2))
        elif len(docs) > 3:
            chosen = sorted((d for d in docs if d in order), key=order.__getitem__)[:2]
            made = {tuple(sorted((h, d))) for h in chosen for d in docs if d != h}
            star.update(made)  # type: ignore[arg-type]
    expected = sorted(
        (a, b, clique[a, b] + star[a, b], clique[a, b] + star[a, b])
        for a, b in set(clique) | set(star)
        if clique[a, b] >= settings.min_shared or star[a, b] >= 4
    )
    found = index.sharing_pairs(hubs=hubs)
    assert star and found == expected
    # the pairs star n-grams add are few: each document with two hubs per n-gram
    assert len(star) < len(texts) * 2 * max(len(v) for v in holders.values())


def test_a_story_more_outlets_carry_than_the_cap_is_found_against_its_source() -> None:
    """A wire story forty outlets carry, with a cap of twenty: every copy is paired with
    the wire, which the hubs name first; copies are not paired with each other beyond the
    two hubs."""
    wire = (
        "The central bank raised its key interest rate by two points on Friday, citing "
        "inflation that has outpaced forecasts for six straight months. Governor Elvira "
        "Nabiullina said further increases remain possible if consumer prices keep rising. "
        "Analysts polled before the meeting had expected a smaller move of one point."
    )
    index = CorpusIndex(settings=AlignSettings(index_max_df=20, index_max_df_share=0.0))
    outlets = [f"outlet{k:02d}" for k in range(40)]
    index.add("wire", wire)
    for k, name in enumerate(outlets):
        own = " ".join(f"local{k}word{j}" for j in range(8)).capitalize() + "."
        index.add(name, f"{own} {wire} {FORMULA}")
    found = {(a, b) for a, b, *_ in index.sharing_pairs(hubs=["wire", "outlet07"])}
    assert {(name, "wire") for name in outlets} <= found
    assert {tuple(sorted((name, "outlet07"))) for name in outlets if name != "outlet07"} <= found
    # the formula all of them end with (five n-grams) pairs each with its own two hubs:
    # a few pairs an outlet, never every two of them
    assert len(found) <= 3 * len(outlets)
    strict = CorpusIndex(settings=AlignSettings(index_max_df=20, common_min_shared=8))
    for name in ["wire", *outlets]:
        strict.add(name, index.document(name))
    found = {(a, b) for a, b, *_ in strict.sharing_pairs(hubs=["wire", "outlet07"])}
    assert len(found) == 2 * len(outlets) - 1  # (outlet07 with the wire once)
    off = CorpusIndex(settings=AlignSettings(index_max_df=20, common_min_shared=0))
    off.add("wire", wire)
    for name in outlets:
        off.add(name, f"{wire} {FORMULA}")
    assert off.sharing_pairs(hubs=["wire"]) == []  # what the cap alone did


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reworded_pairs_count_the_bigrams_a_source_shares(seed: int) -> None:
    """Pairs of a source and another document, by their shared distinct content-word
    bigrams under the document-frequency cap, computed here directly."""
    settings = AlignSettings(index_max_df=4, index_max_df_share=0.0, reworded_min_shared=3)
    index = CorpusIndex(settings=settings)
    texts = _corpus(seed)
    for name, text in texts.items():
        index.add(name, text)
    sources = sorted(texts)[::4]
    grams = {n: set(_ngrams(index.document(n).terms.astype(np.uint64), 2).tolist()) for n in texts}
    df = Counter(g for n in texts for g in grams[n])
    expected = []
    for a, b in itertools.combinations(sorted(texts), 2):
        if (a in sources) != (b in sources):
            shared = sum(1 for g in grams[a] & grams[b] if df[g] <= index.max_df())
            if shared >= 3:
                expected.append((a, b, shared))
    found = index.reworded_pairs(sources)
    assert len(found) >= 3 and found == expected
    assert CorpusIndex(settings=AlignSettings(reworded_min_shared=0)).reworded_pairs(sources) == []


def test_a_text_reworded_word_by_word_is_a_candidate_of_its_source() -> None:
    """Words moved about keep pairs of content words together but break the runs of three
    the n-gram candidates need."""
    source = (
        "Grain exports through the Caspian ports rose sharply last year. "
        "The ministers agreed to expand the terminal capacity in Aktau. "
        "Railway tariffs for grain cargoes will fall next spring. "
        "Traders expect record harvest volumes across the northern regions."
    )
    reworded = (
        "Last year grain exports rose sharply through Caspian ports. "
        "In Aktau the ministers agreed terminal capacity would expand. "
        "Next spring railway tariffs will fall for grain cargoes. "
        "Record harvest volumes are what traders expect across northern regions."
    )
    index = CorpusIndex(settings=AlignSettings(min_shared=3, reworded_min_shared=6))
    index.add("wire", source)
    index.add("copy", reworded)
    index.add("other", "The football club signed a young goalkeeper from a second division team.")
    assert index.sharing_pairs() == []  # too few runs of three content words
    assert [(a, b) for a, b, _ in index.reworded_pairs(["wire"])] == [("copy", "wire")]


def _units(t: Prepared, s: Prepared) -> list[Counter[int]]:
    """The term counts of every unit of both texts."""
    return [
        Counter(d.terms[d.unit_bounds[i] : d.unit_bounds[i + 1]].tolist())
        for d in (t, s)
        for i in range(len(d.units))
    ]


def _isf(t: Prepared, s: Prepared) -> dict[int, float]:
    units = _units(t, s)
    df = Counter(term for unit in units for term in unit)
    return {term: math.log((len(units) + 1) / n) for term, n in df.items()}


def _norm(vector: dict[int, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _dense_scores(t: Prepared, s: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """tf-isf cosine and Dice of every sentence pair, written out directly."""
    isf = _isf(t, s)
    vectors = [{term: c * isf[term] for term, c in unit.items()} for unit in _units(t, s)]
    norm = [_norm(v) for v in vectors]
    n_t = len(t.units)
    cosine = np.zeros((n_t, len(s.units)))
    dice = np.zeros_like(cosine)
    for i in range(n_t):
        for j in range(len(s.units)):
            a, b = vectors[i], vectors[n_t + j]
            shared = a.keys() & b.keys()
            if shared:
                cosine[i, j] = sum(a[k] * b[k] for k in shared) / (norm[i] * norm[n_t + j])
                dice[i, j] = 2 * len(shared) / (len(a) + len(b))
    return cosine, dice


@pytest.mark.parametrize("seed", [1, 2])
def test_sentence_space_scores_every_sentence_pair_as_written(seed: int) -> None:
    texts = list(_corpus(seed, docs=12).values())
    checked = 0
    for x, y in itertools.pairwise(texts):
        t, s = prepare(x), prepare(y)
        if not t.units or not s.units:
            continue
        cosine, dice = _dense_scores(t, s)
        space = SentenceSpace(t, s)
        for floor in (0.0, 0.2, 0.4):
            want = sorted(zip(*np.nonzero((cosine > floor) & (dice > floor)), strict=True))
            assert space.seeds(floor, floor) == [(int(i), int(j)) for i, j in want]
        for (i, j), value in space.seed_cosine.items():
            assert value == pytest.approx(cosine[i, j])
        t_range, s_range = (0, len(t.units) - 1), (0, len(s.units) // 2)
        # a range of units is one vector: its terms' counts summed, isf over all units
        isf = _isf(t, s)
        va = {k: c * isf[k] for k, c in Counter(t.terms.tolist()).items()}
        stop = s.unit_bounds[s_range[1] + 1]
        vb = {k: c * isf[k] for k, c in Counter(s.terms[:stop].tolist()).items()}
        dot = sum(va[k] * vb[k] for k in va.keys() & vb.keys())
        norms = _norm(va) * _norm(vb)
        assert space.cosine(t_range, s_range) == pytest.approx(dot / norms)
        checked += 1
    assert checked >= 5


def test_unit_pairs_sharing_ngrams_count_distinct_shared_ngrams() -> None:
    texts = list(_corpus(4, docs=12).values())
    n = 3
    for x, y in itertools.pairwise(texts):
        t, s = prepare(x), prepare(y)
        grams = []
        for d in (t, s):
            per_unit: dict[int, set[int]] = {}
            unit = d.term_unit
            for k, fp in enumerate(d.fingerprints.tolist()):
                per_unit.setdefault(int(unit[k]), set()).add(fp)
            grams.append(per_unit)
        want = []
        for i, a in grams[0].items():
            for j, b in grams[1].items():
                shorter = min(t.unit_sizes[i], s.unit_sizes[j]) - n + 1
                if len(a & b) >= max(2, 0.5 * shorter):
                    want.append((i, j))
        assert sorted(unit_pairs_sharing_ngrams(t, s, 2, 0.5, n)) == sorted(want)


def test_vocabulary_stays_bounded_and_hashes_as_the_functions_do() -> None:
    from provenance.index import _stem_id, _Vocabulary, term_hash

    vocab = _Vocabulary(most=4)
    texts = [["the", "minister", "resigned"], ["ministers", "resign", "on", "friday"], ["the"]]
    for norms in texts:
        ids, stems = vocab.hashes(norms)
        assert list(ids) == [term_hash(w) for w in norms]
        assert list(stems) == [_stem_id(w) for w in norms]
        assert len(vocab.ids) <= max(vocab.most, len(set(norms)))
    assert list(vocab.hashes([])[0]) == []
    assert _stem_id("the") == 0 and _stem_id("minister") == _stem_id("ministers") != 0


def test_reworded_pairs_of_texts_too_short_for_a_bigram() -> None:
    index = CorpusIndex()
    index.add("src", STORY)
    index.add("tiny", "Yes.")
    assert index.reworded_pairs(["src"]) == []
    index = CorpusIndex()
    index.add("src", "Breaking.")
    index.add("other", STORY)
    assert index.reworded_pairs(["src"]) == []
