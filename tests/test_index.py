"""Tests for provenance.index: fingerprints, prepared texts and the corpus index."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from provenance.index import CorpusIndex, ngram_hashes, prepare, shared_seeds
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
