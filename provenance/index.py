"""Fingerprints of prepared texts and an inverted index for candidate retrieval.

A text is *prepared* once (:func:`prepare`): sentences with spans, the content-word
stems of each sentence, and stable hashes of every n-gram of content-word stems
(the fingerprints).  :class:`CorpusIndex` keeps prepared documents and a posting
list per fingerprint, so finding the documents a new text shares material with
costs time in proportion to the text and its posting lists, never to the number
of document pairs.  N-grams found in too many documents (formulaic phrases,
boilerplate) are skipped at query time: they make no candidates.

Hashes are CRC-32 of each stem combined polynomially: the same on every run and
machine, whatever ``PYTHONHASHSEED`` says.
"""

from __future__ import annotations

import bisect
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from provenance.models import Span
from provenance.segment import STOP_WORDS, paragraphs, sentences, stem, word_table
from provenance.settings import AlignSettings

_DEFAULT = AlignSettings()
_MASK = (1 << 61) - 1
_BASE = 1_000_003


@lru_cache(maxsize=200_000)
def term_hash(term: str) -> int:
    """Stable 32-bit hash of one term."""
    return zlib.crc32(term.encode("utf-8"))


def ngram_hashes(terms: list[str], n: int) -> list[int]:
    """Stable hash of each n-gram ``terms[i:i+n]``, in order (empty if too short)."""
    if n < 1:
        raise ValueError(f"n-gram length must be at least 1, got {n}")
    hashes = [term_hash(t) for t in terms]
    acc = hashes[: max(len(hashes) - n + 1, 0)]
    for k in range(1, n):
        acc = [(h * _BASE + v) & _MASK for h, v in zip(acc, hashes[k:], strict=False)]
    return acc


@dataclass(frozen=True)
class Prepared:
    """A text cut into matching units, computed once and reused for every pair.

    ``units`` are sentences (a sentence with too few content words is joined to
    the next one); ``unit_terms[i]`` are the content-word stems of unit ``i``;
    ``terms`` is the whole text's stem sequence, ``term_unit[k]`` the unit of
    ``terms[k]``; ``fingerprints[k]`` hashes ``terms[k:k+n]``.
    """

    text: str
    units: tuple[Span, ...]
    unit_terms: tuple[tuple[str, ...], ...]
    paragraphs: tuple[Span, ...]
    terms: tuple[str, ...]
    term_unit: tuple[int, ...]
    fingerprints: tuple[int, ...]
    #: every word (stop words too): normalised form, start and end offsets
    token_norms: tuple[str, ...] = field(repr=False, default=())
    token_starts: tuple[int, ...] = field(repr=False, default=())
    token_ends: tuple[int, ...] = field(repr=False, default=())

    def token_range(self, span: Span) -> tuple[int, int]:
        """Indices ``[i, j)`` of the tokens starting inside ``span``."""
        return (
            bisect.bisect_left(self.token_starts, span.start),
            bisect.bisect_left(self.token_starts, span.end),
        )

    def positions(self) -> dict[int, list[int]]:
        """Fingerprint -> the term positions where it starts."""
        table: dict[int, list[int]] = {}
        for pos, h in enumerate(self.fingerprints):
            table.setdefault(h, []).append(pos)
        return table


def prepare(text: str, *, settings: AlignSettings = _DEFAULT) -> Prepared:
    """Sentences, stems and fingerprints of ``text``."""
    norms, tok_starts, tok_ends = word_table(text)
    spans = _cut_long(sentences(text), tok_starts, tok_ends, settings.max_unit_words)
    starts = [s.start for s in spans]
    per_sentence: list[list[str]] = [[] for _ in spans]
    i = 0
    for norm, tok_start in zip(norms, tok_starts, strict=True):
        if norm in STOP_WORDS:
            continue
        while i + 1 < len(starts) and starts[i + 1] <= tok_start:
            i += 1
        if spans and starts[i] <= tok_start < spans[i].end:
            per_sentence[i].append(stem(norm))
    units, unit_terms = _join_short(spans, per_sentence, settings.min_sentence_terms)
    terms: list[str] = []
    term_unit: list[int] = []
    for i, ts in enumerate(unit_terms):
        terms.extend(ts)
        term_unit.extend([i] * len(ts))
    return Prepared(
        text=text,
        units=tuple(units),
        unit_terms=tuple(tuple(ts) for ts in unit_terms),
        paragraphs=tuple(paragraphs(text)),
        terms=tuple(terms),
        term_unit=tuple(term_unit),
        fingerprints=tuple(ngram_hashes(terms, settings.ngram)),
        token_norms=tuple(norms),
        token_starts=tuple(tok_starts),
        token_ends=tuple(tok_ends),
    )


def _cut_long(spans: list[Span], starts: list[int], ends: list[int], most: int) -> list[Span]:
    """Cut sentences of more than ``most`` words into near-equal runs of words.

    Run-on sentences (lists, unpunctuated or line-wrapped text) would otherwise
    be matched as one huge unit against ordinary sentences.
    """
    if most <= 0:
        return spans
    out: list[Span] = []
    for span in spans:
        i = bisect.bisect_left(starts, span.start)
        j = bisect.bisect_left(starts, span.end)
        n = j - i
        if n <= most:
            out.append(span)
            continue
        pieces = -(-n // most)
        size = -(-n // pieces)
        begin = span.start
        for k in range(i + size, j, size):
            out.append(Span(begin, ends[k - 1]))
            begin = starts[k]
        out.append(Span(begin, span.end))
    return out


def _join_short(
    spans: list[Span], per_sentence: list[list[str]], min_terms: int
) -> tuple[list[Span], list[list[str]]]:
    """Join each sentence with fewer than ``min_terms`` stems to the next one."""
    units: list[Span] = []
    unit_terms: list[list[str]] = []
    pending: Span | None = None
    pending_terms: list[str] = []
    for span, ts in zip(spans, per_sentence, strict=True):
        start = pending.start if pending is not None else span.start
        merged = pending_terms + ts
        if len(merged) < min_terms:
            pending, pending_terms = Span(start, span.end), merged
            continue
        units.append(Span(start, span.end))
        unit_terms.append(merged)
        pending, pending_terms = None, []
    if pending is not None:
        if units and pending_terms == []:
            pass  # trailing units without content words are not matchable
        elif units:
            units[-1] = Span(units[-1].start, pending.end)
            unit_terms[-1] = unit_terms[-1] + pending_terms
        else:
            units.append(pending)
            unit_terms.append(pending_terms)
    return units, unit_terms


class CorpusIndex:
    """Inverted index of fingerprints over prepared documents.

    >>> index = CorpusIndex()
    >>> index.add("a", "The minister resigned on Friday after the budget vote failed.")
    >>> [doc for doc, _ in index.candidates("Reports say the minister resigned on Friday.")]
    ['a']
    """

    def __init__(self, *, settings: AlignSettings = _DEFAULT) -> None:
        if settings.ngram < 1:
            raise ValueError(f"settings.ngram must be at least 1, got {settings.ngram}")
        self.settings = settings
        self._docs: dict[str, Prepared] = {}
        self._ids: list[str] = []
        self._postings: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def add(self, doc_id: str, text: str | Prepared) -> None:
        """Index one document (prepared here unless already prepared)."""
        if doc_id in self._docs:
            raise ValueError(f"document {doc_id!r} is already indexed; ids must be unique")
        doc = text if isinstance(text, Prepared) else prepare(text, settings=self.settings)
        number = len(self._ids)
        self._ids.append(doc_id)
        self._docs[doc_id] = doc
        for h in set(doc.fingerprints):
            self._postings.setdefault(h, []).append(number)

    def document(self, doc_id: str) -> Prepared:
        """The prepared document indexed under ``doc_id``."""
        return self._docs[doc_id]

    def max_df(self) -> int:
        """Document frequency above which an n-gram is ignored."""
        s = self.settings
        return max(s.index_max_df, int(s.index_max_df_share * len(self._ids)))

    def candidates(
        self,
        text: str | Prepared,
        *,
        min_shared: int | None = None,
        exclude: str | None = None,
    ) -> list[tuple[str, int]]:
        """Documents sharing at least ``min_shared`` distinct n-grams with ``text``.

        Returns ``(doc_id, shared)`` pairs, most shared first, ties by id.
        """
        doc = text if isinstance(text, Prepared) else prepare(text, settings=self.settings)
        need = self.settings.min_shared if min_shared is None else min_shared
        cap = self.max_df()
        counts: Counter[int] = Counter()
        for h in set(doc.fingerprints):
            posting = self._postings.get(h)
            if posting is not None and len(posting) <= cap:
                counts.update(posting)
        found = [(self._ids[n], c) for n, c in counts.items() if c >= need]
        found = [(d, c) for d, c in found if d != exclude]
        return sorted(found, key=lambda dc: (-dc[1], dc[0]))

    def seeds(self, text: Prepared, doc_id: str) -> list[tuple[int, int]]:
        """Shared fingerprints as ``(target term position, source term position)``.

        Only n-grams under the document-frequency cap count.
        """
        source = self._docs[doc_id]
        cap = self.max_df()
        table = source.positions()
        pairs: list[tuple[int, int]] = []
        for pos, h in enumerate(text.fingerprints):
            found = table.get(h)
            if found is not None and len(self._postings.get(h, ())) <= cap:
                pairs.extend((pos, other) for other in found)
        return pairs


def shared_seeds(target: Prepared, source: Prepared) -> list[tuple[int, int]]:
    """Shared fingerprints of two prepared texts, as term positions (no df cap)."""
    table = source.positions()
    pairs: list[tuple[int, int]] = []
    for pos, h in enumerate(target.fingerprints):
        for other in table.get(h, ()):
            pairs.append((pos, other))
    return pairs
