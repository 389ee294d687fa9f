"""Fingerprints and sentence vectors of prepared texts; an inverted index for retrieval.

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
import math
import zlib
from array import array
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from provenance.models import Span
from provenance.segment import STOP_WORDS, paragraphs, sentences, stem, word_table
from provenance.settings import AlignSettings

_DEFAULT = AlignSettings()

Seed = tuple[int, int]  # (target unit, source unit)
_MASK = (1 << 61) - 1
_BASE = 1_000_003


@lru_cache(maxsize=200_000)
def term_hash(term: str) -> int:
    """Stable 32-bit hash of one term."""
    return zlib.crc32(term.encode("utf-8"))


def _stem_id(norm: str) -> int:
    """The hash of a normalised word's stem, 0 for a stop word."""
    return 0 if norm in STOP_WORDS else (term_hash(stem(norm)) or 1)


class _Vocabulary:
    """The word and stem hashes of each normalised word met, for whole texts at a time.

    Two plain dicts looked up by ``map`` in C: half the cost of a call per word
    through ``lru_cache``, and texts have thousands of words.  Emptied when it
    holds ``most`` words, so a long run over many languages stays bounded.
    """

    def __init__(self, most: int = 400_000) -> None:
        self.most = most
        self.ids: dict[str, int] = {}
        self.stems: dict[str, int] = {}

    def hashes(self, norms: list[str]) -> tuple[array[int], array[int]]:
        """The word hash and the stem hash (0: stop word) of each of ``norms``."""
        try:
            return self._looked_up(norms)
        except KeyError:  # words not met yet
            new = set(norms).difference(self.ids)
            if len(self.ids) + len(new) > self.most:
                self.ids.clear()
                self.stems.clear()
                new = set(norms)
            for norm in new:
                self.ids[norm] = term_hash(norm)
                self.stems[norm] = _stem_id(norm)
            return self._looked_up(norms)

    def _looked_up(self, norms: list[str]) -> tuple[array[int], array[int]]:
        return array("I", map(self.ids.__getitem__, norms)), array(
            "I", map(self.stems.__getitem__, norms)
        )


_VOCABULARY = _Vocabulary()


def ngram_hashes(terms: list[str], n: int) -> list[int]:
    """Stable hash of each n-gram ``terms[i:i+n]``, in order (empty if too short)."""
    hashes = np.array([term_hash(t) for t in terms], dtype=np.uint64)
    return [int(h) for h in _ngrams(hashes, n)]


def _ngrams(hashes: np.ndarray, n: int) -> np.ndarray:
    """Polynomial hash mod 2**61 of each run of ``n`` term hashes.

    uint64 arithmetic wraps mod 2**64, a multiple of 2**61: masking gives the
    same values as exact integers would.
    """
    if n < 1:
        raise ValueError(f"n-gram length must be at least 1, got {n}")
    count = max(len(hashes) - n + 1, 0)
    acc = hashes[:count].astype(np.uint64)
    base, mask = np.uint64(_BASE), np.uint64(_MASK)
    for k in range(1, n):
        acc = (acc * base + hashes[k : k + count]) & mask
    return acc


@dataclass(frozen=True, eq=False)
class Prepared:
    """A text cut into matching units, computed once and reused for every pair.

    ``units`` are sentences (a sentence with too few content words is joined to
    the next one).  ``terms`` hashes the whole text's content-word stems in
    order; unit ``i`` holds ``terms[unit_bounds[i]:unit_bounds[i + 1]]``;
    ``fingerprints[k]`` hashes ``terms[k:k+n]``.  Every word (stop words too)
    has a hash of its normalised form (``token_ids``), of its stem
    (``token_stems``, 0 for a stop word) and its offsets.

    Arrays, not lists of Python objects: a corpus keeps every article
    prepared, and a Python int or str per word costs ten times the memory.
    """

    text: str
    units: tuple[Span, ...]
    paragraphs: tuple[Span, ...]
    terms: np.ndarray  # uint32
    unit_bounds: np.ndarray  # int64, len(units) + 1
    fingerprints: np.ndarray  # uint64
    token_ids: array[int] = field(repr=False, default_factory=lambda: array("I"))
    token_stems: array[int] = field(repr=False, default_factory=lambda: array("I"))
    token_starts: array[int] = field(repr=False, default_factory=lambda: array("i"))
    token_ends: array[int] = field(repr=False, default_factory=lambda: array("i"))

    @property
    def unit_sizes(self) -> np.ndarray:
        """Number of terms of each unit."""
        return np.diff(self.unit_bounds)

    @property
    def term_unit(self) -> np.ndarray:
        """The unit of each term."""
        return np.repeat(np.arange(len(self.units)), self.unit_sizes)

    def token_range(self, span: Span) -> tuple[int, int]:
        """Indices ``[i, j)`` of the tokens starting inside ``span``."""
        return (
            bisect.bisect_left(self.token_starts, span.start),
            bisect.bisect_left(self.token_starts, span.end),
        )

    @cached_property
    def unit_terms(self) -> _Entries:
        """Each distinct (term, unit) with its count, by term: for sentence vectors."""
        return _Entries.of(self.terms, self.term_unit, len(self.units))

    @cached_property
    def token_trigrams(self) -> np.ndarray:
        """A hash of each run of three words (:attr:`token_ids`)."""
        return _ngrams(np.asarray(self.token_ids, dtype=np.uint64), 3)

    @cached_property
    def unit_grams(self) -> _Entries:
        """Each distinct (fingerprint, unit of its first term), by fingerprint."""
        return _Entries.of(
            self.fingerprints, self.term_unit[: len(self.fingerprints)], len(self.units)
        )

    def __getstate__(self) -> dict[str, Any]:
        # the cached tables are derived: not stored, nor sent to another process
        return {k: v for k, v in self.__dict__.items() if k not in _DERIVED}


#: Prepared's cached tables (derived: not pickled)
_DERIVED = ("unit_terms", "unit_grams", "token_trigrams")


@dataclass(frozen=True)
class _Entries:
    """Distinct (key, unit) pairs of one text sorted by key, then unit.

    ``vocab`` holds the distinct keys; the entries of ``vocab[v]`` are
    ``starts[v]:starts[v + 1]``, so ``df`` (units holding each key) is their number.
    """

    vocab: np.ndarray
    starts: np.ndarray  # int64, len(vocab) + 1
    units: np.ndarray  # int64, per entry
    counts: np.ndarray  # int64, per entry: occurrences of the key in the unit
    entry_vocab: np.ndarray  # int64, per entry: its index in vocab
    df: np.ndarray  # int64, per key: its number of entries (units)
    sizes: np.ndarray  # float, per unit: its number of distinct keys
    by_unit: np.ndarray  # int64: the entries in unit order; unit u's are
    unit_starts: np.ndarray  # by_unit[unit_starts[u]:unit_starts[u + 1]]

    @classmethod
    def of(cls, keys: np.ndarray, units: np.ndarray, n_units: int) -> _Entries:
        if not len(keys):
            empty = np.zeros(0, dtype=np.int64)
            return cls(
                keys[:0],
                np.zeros(1, dtype=np.int64),
                empty,
                empty,
                empty,
                empty,
                np.zeros(n_units),
                empty,
                np.zeros(n_units + 1, dtype=np.int64),
            )
        order = np.lexsort((units, keys))
        k, u = keys[order], units[order].astype(np.int64)
        new = np.ones(len(k), dtype=bool)
        new[1:] = (k[1:] != k[:-1]) | (u[1:] != u[:-1])
        first = np.flatnonzero(new)
        counts = np.diff(np.r_[first, len(k)])
        k, u = k[first], u[first]
        fresh = np.ones(len(k), dtype=bool)
        fresh[1:] = k[1:] != k[:-1]
        starts = np.r_[np.flatnonzero(fresh), len(k)].astype(np.int64)
        sizes = np.bincount(u, minlength=n_units)
        by_unit = np.argsort(u, kind="stable")
        unit_starts = np.r_[0, np.cumsum(sizes)].astype(np.int64)
        vocab = np.cumsum(fresh) - 1
        return cls(
            k[fresh],
            starts,
            u,
            counts,
            vocab,
            np.diff(starts),
            sizes.astype(float),
            by_unit,
            unit_starts,
        )

    def matches(self, other: _Entries) -> np.ndarray:
        """Index in ``other.vocab`` of each key of ``self.vocab`` (-1: not there)."""
        return _positions(other.vocab, self.vocab)

    def join(self, other: _Entries, mine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry indices ``(i, j)`` of every pair of entries with the same key
        (``mine`` from :meth:`matches`)."""
        v = np.flatnonzero(mine >= 0)
        w = mine[v]
        a0, na = self.starts[v], self.df[v]
        b0, nb = other.starts[w], other.df[w]
        i = _ranges(a0, na)
        per = nb.repeat(na)
        j = _ranges(b0.repeat(na), per)
        return i.repeat(per), j


def _positions(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each of ``keys`` in ``sorted_keys`` (distinct), -1 where absent."""
    if not len(sorted_keys) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    at = sorted_keys.searchsorted(keys)
    at[at == len(sorted_keys)] = 0
    return np.where(sorted_keys[at] == keys, at, -1)


def prepare(text: str, *, settings: AlignSettings = _DEFAULT) -> Prepared:
    """Sentences, stems and fingerprints of ``text``."""
    norms, tok_starts, tok_ends = word_table(text)
    spans = _cut_long(sentences(text), tok_starts, tok_ends, settings.max_unit_words)
    ids, stems = _VOCABULARY.hashes(norms)
    starts = np.asarray(array("i", tok_starts), dtype=np.int64)
    stem_np = np.frombuffer(stems, dtype=np.uint32) if stems else np.zeros(0, np.uint32)
    content = stem_np != 0
    pos = starts[content] if len(starts) else starts
    sent_starts = np.array([s.start for s in spans], dtype=np.int64)
    sent_ends = np.array([s.end for s in spans], dtype=np.int64)
    which = np.searchsorted(sent_starts, pos, side="right") - 1
    inside = (which >= 0) & (pos < sent_ends[np.maximum(which, 0)]) if len(spans) else which < -1
    which, kept = which[inside], stem_np[content][inside]
    counts = np.bincount(which, minlength=len(spans)).tolist()
    units, unit_of = _join_short(spans, counts, settings.min_sentence_terms)
    unit_of_np = np.array(unit_of, dtype=np.int64)
    term_unit = unit_of_np[which] if len(which) else which
    keep = term_unit >= 0
    terms = kept[keep].astype(np.uint32)
    bounds = np.searchsorted(term_unit[keep], np.arange(len(units) + 1), side="left")
    return Prepared(
        text=text,
        units=tuple(units),
        paragraphs=tuple(paragraphs(text)),
        terms=terms,
        unit_bounds=bounds.astype(np.int64),
        fingerprints=_ngrams(terms.astype(np.uint64), settings.ngram),
        token_ids=ids,
        token_stems=stems,
        token_starts=array("i", tok_starts),
        token_ends=array("i", tok_ends),
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
    spans: list[Span], counts: list[int], min_terms: int
) -> tuple[list[Span], list[int]]:
    """Join each sentence with fewer than ``min_terms`` stems to the next one.

    Returns the units and, per sentence, its unit (-1: trailing sentences with
    no content word, which are not matchable).
    """
    units: list[Span] = []
    unit_of: list[int] = []
    pending: Span | None = None
    pending_terms = 0
    pending_members = 0
    for span, count in zip(spans, counts, strict=True):
        start = pending.start if pending is not None else span.start
        merged = pending_terms + count
        pending_members += 1
        if merged < min_terms:
            pending, pending_terms = Span(start, span.end), merged
            continue
        units.append(Span(start, span.end))
        unit_of.extend([len(units) - 1] * pending_members)
        pending, pending_terms, pending_members = None, 0, 0
    if pending is not None:
        if units and pending_terms == 0:
            unit_of.extend([-1] * pending_members)
        elif units:
            units[-1] = Span(units[-1].start, pending.end)
            unit_of.extend([len(units) - 1] * pending_members)
        else:
            units.append(pending)
            unit_of.extend([0] * pending_members)
    return units, unit_of


#: the holders of an n-gram over the document-frequency cap that each of its other holders
#: is paired with (see :meth:`CorpusIndex.sharing_pairs`)
_HUBS = 2


class CorpusIndex:
    """Inverted index of fingerprints over prepared documents.

    The postings are two sorted arrays (fingerprint, document number), built
    when first queried after documents were added: a few bytes per distinct
    n-gram of each document, whatever the corpus size.

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
        self._keys = np.zeros(0, dtype=np.uint64)  # sorted fingerprints
        self._owners = np.zeros(0, dtype=np.int32)  # the document number of each
        self._pending: list[tuple[np.ndarray, int]] = []
        self._held: tuple[frozenset[str], np.ndarray] | None = None
        #: each document's distinct content-word bigrams (see :meth:`reworded_pairs`)
        self._bigrams: list[np.ndarray] = []

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
        self._pending.append((np.unique(doc.fingerprints), number))
        if self.settings.reworded_min_shared > 0:
            self._bigrams.append(np.unique(_ngrams(doc.terms.astype(np.uint64), 2)))

    def _postings(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pending:
            self._keys, self._owners = _sorted_postings(
                [
                    (self._keys, self._owners),
                    *((u, np.full(len(u), n, np.int32)) for u, n in self._pending),
                ]
            )
            self._pending = []
            self._held = None
        return self._keys, self._owners

    def _df(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first posting, number of documents) of each n-gram in ``hashes``."""
        keys, _ = self._postings()
        lo = np.searchsorted(keys, hashes, side="left")
        return lo, np.searchsorted(keys, hashes, side="right") - lo

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
        beyond: Collection[str] = (),
    ) -> list[tuple[str, int]]:
        """Documents sharing at least ``min_shared`` distinct n-grams with ``text``.

        ``beyond``: documents whose n-grams do not count (shared material any of
        them holds too is explained by them).  Returns ``(doc_id, shared)`` pairs,
        most shared first, ties by id.
        """
        doc = text if isinstance(text, Prepared) else prepare(text, settings=self.settings)
        need = self.settings.min_shared if min_shared is None else min_shared
        keys, owners = self._postings()
        lo, df = self._df(np.unique(doc.fingerprints))
        keep = (df > 0) & (df <= self.max_df())
        if beyond:
            keep &= ~self._held_by(beyond)[np.minimum(lo, max(len(keys) - 1, 0))]
        counts = np.bincount(owners[_ranges(lo[keep], df[keep])], minlength=len(self._ids))
        found = [(self._ids[n], int(counts[n])) for n in np.nonzero(counts >= max(need, 1))[0]]
        found = [(d, c) for d, c in found if d != exclude]
        return sorted(found, key=lambda dc: (-dc[1], dc[0]))

    def sharing_pairs(
        self,
        *,
        min_shared: int | None = None,
        beyond: Collection[str] = (),
        hubs: Sequence[str] = (),
    ) -> list[tuple[str, str, int, int]]:
        """Every pair of documents that are each other's :meth:`candidates`, at once, and
        the pairs of documents that share text many documents carry.

        Returns ``(a, b, shared, unexplained)`` with ``a < b``, sorted: ``shared``
        counts the distinct n-grams both hold, ``unexplained`` those of them none
        of ``beyond`` holds.  One pass over the postings (an n-gram held by ``k``
        documents makes ``k * (k - 1) / 2`` pairs, and ``k`` is capped), instead
        of a query per document.

        An n-gram over the document-frequency cap links each document holding it to its first
        two holders in ``hubs`` only (the documents that may be hubs, most wanted first): a
        story carried by more outlets than the cap is still
        found, each copy against the first copies, at a cost that grows with the number
        of copies, not its square.  Such pairs count when they share at least
        ``common_min_shared`` of those n-grams (a common phrase links few).
        """
        need = max(self.settings.min_shared if min_shared is None else min_shared, 1)
        keys, owners = self._postings()
        if not len(keys):
            return []
        starts, sizes = _groups(keys)
        held = self._held_by(beyond)[starts] if beyond else np.zeros(len(starts), dtype=bool)
        ok = (sizes >= 2) & (sizes <= self.max_df())
        codes, plain = self._clique_pairs(owners, starts[ok], sizes[ok], held[ok])
        hub = np.zeros(len(codes), dtype=bool)
        common = self.settings.common_min_shared
        big = sizes > self.max_df()
        if common > 0 and big.any():
            more, more_plain = self._hub_pairs(owners, starts[big], sizes[big], held[big], hubs)
            codes, plain = np.concatenate([codes, more]), np.concatenate([plain, more_plain])
            hub = np.r_[hub, np.ones(len(more), dtype=bool)]
        found, where = np.unique(codes, return_inverse=True)
        by_hub = np.bincount(where, weights=hub, minlength=len(found)).astype(np.int64)
        shared = np.bincount(where, minlength=len(found))
        unexplained = np.bincount(where, weights=plain, minlength=len(found)).astype(np.int64)
        # either count reaching its least makes the pair; both count in its shares
        keep = shared - by_hub >= need
        if common > 0:
            keep |= by_hub >= common
        return sorted(
            (*self._pair(c), total, rest)
            for c, total, rest in zip(
                found[keep].tolist(), shared[keep].tolist(), unexplained[keep].tolist(), strict=True
            )
        )

    def _clique_pairs(
        self, owners: np.ndarray, starts: np.ndarray, sizes: np.ndarray, held: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each pair of holders of each n-gram (runs ``starts``/``sizes`` of the postings),
        as pair codes, and per code whether none of ``beyond`` holds its n-gram."""
        # each posting of those n-grams with each later posting of the same n-gram
        first = _ranges(starts, sizes)
        later = np.repeat(starts + sizes, sizes) - first - 1
        a, b = owners[np.repeat(first, later)], owners[_ranges(first + 1, later)]
        n = np.int64(len(self._ids))
        codes = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
        return codes, np.repeat(np.repeat(~held, sizes), later)

    def _hub_pairs(
        self,
        owners: np.ndarray,
        starts: np.ndarray,
        sizes: np.ndarray,
        held: np.ndarray,
        hubs: Sequence[str],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`_clique_pairs`, but each holder with the first :data:`_HUBS` holders
        of the n-gram in ``hubs`` order only.  Only documents ``hubs`` names are hubs: an
        n-gram none of them holds pairs nothing (boilerplate many outlets carry is no story
        taken from a source)."""
        unranked = len(self._ids)
        rank = np.full(len(self._ids), unranked, dtype=np.int64)
        number = {d: k for k, d in enumerate(self._ids)}
        for r, d in reversed(list(enumerate(hubs))):  # (the first place of a repeated id)
            if d in number:
                rank[number[d]] = r
        group = np.repeat(np.arange(len(starts)), sizes)
        mine = owners[_ranges(starts, sizes)]
        mine = mine[np.lexsort((rank[mine], group))]  # each n-gram's holders, hubs first
        first = sizes.cumsum() - sizes
        n = np.int64(len(self._ids))
        codes, plain = [], []
        for k in range(_HUBS):  # (every group has more holders than the cap, at least 2)
            valid = rank[mine[first + k]] < unranked
            hub = np.repeat(mine[first + k], sizes)
            # each holder after the hub (the ones before it are hubs, paired with it already)
            other = np.repeat(valid, sizes) & (np.arange(len(mine)) - np.repeat(first, sizes) > k)
            a, b = hub[other], mine[other]
            codes.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
            plain.append(np.repeat(~held, sizes)[other])
        return np.concatenate(codes), np.concatenate(plain)

    def _pair(self, code: int) -> tuple[str, str]:
        """The ids of the documents ``code`` (``a * n + b``, numbers) pairs, in order."""
        x, y = self._ids[code // len(self._ids)], self._ids[code % len(self._ids)]
        return (x, y) if x < y else (y, x)

    def reworded_pairs(self, sources: Collection[str]) -> list[tuple[str, str, int]]:
        """Pairs of one of ``sources`` and another document sharing at least
        ``reworded_min_shared`` distinct content-word bigrams (under the document-frequency
        cap), as ``(a, b, shared)`` with ``a < b``, sorted.

        A text reworded word by word (synonyms swapped, words moved) keeps few runs of
        three content words, so it may share too few n-grams with its source to be a
        candidate; it still shares many pairs.  Only pairs with a designated source are
        looked for this way: bigrams are commoner, and the audit is about those sources.
        """
        need = self.settings.reworded_min_shared
        wanted = frozenset(sources)
        if need <= 0 or not wanted or len(self._bigrams) != len(self._ids):
            return []
        mine = [n for n, d in enumerate(self._ids) if d in wanted]
        rest = [n for n, d in enumerate(self._ids) if d not in wanted]
        if not mine or not rest:
            return []
        (a_keys, a_owners), (b_keys, b_owners) = (self._bigram_postings(g) for g in (mine, rest))
        a_starts, a_sizes = _groups(a_keys)
        b_starts, b_sizes = _groups(b_keys)
        if not len(a_starts) or not len(b_starts):  # (texts too short to have a bigram)
            return []
        # the bigrams both sides hold, with their postings on each side
        at = np.minimum(np.searchsorted(b_keys[b_starts], a_keys[a_starts]), len(b_starts) - 1)
        common = b_keys[b_starts][at] == a_keys[a_starts]
        common &= a_sizes + b_sizes[at] <= self.max_df()
        a_starts, a_sizes = a_starts[common], a_sizes[common]
        b_starts, b_sizes = b_starts[at[common]], b_sizes[at[common]]
        # every source posting with every other posting of the same bigram
        i = np.repeat(_ranges(a_starts, a_sizes), np.repeat(b_sizes, a_sizes))
        j = _ranges(np.repeat(b_starts, a_sizes), np.repeat(b_sizes, a_sizes))
        n = np.int64(len(self._ids))
        x, y = a_owners[i].astype(np.int64), b_owners[j].astype(np.int64)
        found, shared = np.unique(np.minimum(x, y) * n + np.maximum(x, y), return_counts=True)
        out = []
        for c, total in zip(found.tolist(), shared.tolist(), strict=True):
            if total >= need:
                out.append((*self._pair(c), total))
        return sorted(out)

    def _bigram_postings(self, numbers: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted bigram keys of the documents ``numbers``, and the document of each."""
        return _sorted_postings(
            [(self._bigrams[k], np.full(len(self._bigrams[k]), k, np.int32)) for k in numbers]
        )

    def _held_by(self, doc_ids: Collection[str]) -> np.ndarray:
        """Per posting: does one of ``doc_ids`` hold its n-gram (cached per id set)?"""
        wanted = frozenset(doc_ids)
        if self._held is None or self._held[0] != wanted:
            keys, owners = self._postings()
            numbers = [n for n, d in enumerate(self._ids) if d in wanted]
            mine = np.isin(owners, np.array(numbers, dtype=np.int32))
            # spread each n-gram's flag over all its postings
            starts, sizes = _groups(keys)
            per_key = np.logical_or.reduceat(mine, starts) if len(keys) else mine
            self._held = (wanted, np.repeat(per_key, sizes))
        return self._held[1]

    def seeds(self, text: Prepared, doc_id: str) -> list[tuple[int, int]]:
        """Shared fingerprints as ``(target term position, source term position)``.

        Only n-grams under the document-frequency cap count.
        """
        t_pos, s_pos = _shared_positions(text, self._docs[doc_id])
        _, df = self._df(text.fingerprints[t_pos])
        ok = df <= self.max_df()
        return list(zip(t_pos[ok].tolist(), s_pos[ok].tolist(), strict=True))


def _sorted_postings(
    parts: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """(keys, owners) parts joined and sorted by key; documents stay in order per key."""
    keys = np.concatenate([k for k, _ in parts])
    owners = np.concatenate([o for _, o in parts])
    order = np.argsort(keys, kind="stable")
    return keys[order], owners[order]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal ``keys`` (sorted) starts, and its length."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.diff(np.r_[starts, len(keys)])


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[k] .. starts[k] + lengths[k] - 1`` of every k, concatenated."""
    total = int(lengths.sum())
    offsets = lengths.cumsum() - lengths
    # (array methods: numpy's functions of the same names cost a wrapper call each, and
    # these run a few hundred thousand times a corpus)
    out: np.ndarray = (starts - offsets).repeat(lengths) + np.arange(total)
    return out


def _shared_positions(target: Prepared, source: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Term positions ``(t, s)`` where the two texts share a fingerprint, in target order."""
    return _equal_keys(target.fingerprints, source.fingerprints)


def _equal_keys(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(i, j)`` with ``a[i] == b[j]``, in order of ``i`` (then ``j``)."""
    order = b.argsort(kind="stable")
    ordered = b[order]
    lo = ordered.searchsorted(a, side="left")
    count = ordered.searchsorted(a, side="right") - lo
    return np.arange(len(a)).repeat(count), order[_ranges(lo, count)]


def shared_seeds(target: Prepared, source: Prepared) -> list[tuple[int, int]]:
    """Shared fingerprints of two prepared texts, as term positions (no df cap)."""
    t_pos, s_pos = _shared_positions(target, source)
    return list(zip(t_pos.tolist(), s_pos.tolist(), strict=True))


# ------------------------------------------------------------ sentence vectors


class SentenceSpace:
    """tf-isf vectors of the units (sentences) of two texts, for sentence-pair seeds.

    The inverse sentence frequency is counted over the units of both texts; a
    unit's vector is its term counts times their isf.  Sentence pairs are scored
    through the terms they share (a sparse join of the two texts' per-unit term
    tables), so a pair of texts that share little costs little.
    """

    def __init__(self, target: Prepared, source: Prepared) -> None:
        self.target, self.source = target, source
        n_t, n_s = len(target.units), len(source.units)
        t, s = target.unit_terms, source.unit_terms
        self._t_match = t.matches(s)
        self._t_shared = np.flatnonzero(self._t_match >= 0)
        self._s_match = np.full(len(s.vocab), -1, dtype=np.int64)  # the same, seen from s
        self._s_match[self._t_match[self._t_shared]] = self._t_shared
        log_units = math.log(n_t + n_s + 1)
        # isf of each term of either text: its df counts the units of both
        t_df = t.df + np.where(self._t_match >= 0, s.df[self._t_match], 0)
        s_df = s.df + np.where(self._s_match >= 0, t.df[self._s_match], 0)
        self._t_isf = log_units - np.log(np.maximum(t_df, 1))
        self._s_isf = log_units - np.log(np.maximum(s_df, 1))
        self._t_weight = t.counts * self._t_isf[t.entry_vocab]
        self._s_weight = s.counts * self._s_isf[s.entry_vocab]
        self._t_norms = np.sqrt(np.bincount(t.units, weights=self._t_weight**2, minlength=n_t))
        self._s_norms = np.sqrt(np.bincount(s.units, weights=self._s_weight**2, minlength=n_s))
        #: tf-isf cosine of each seed found by :meth:`seeds`
        self.seed_cosine: dict[Seed, float] = {}
        self._sides: dict[tuple[bool, int, int], tuple[np.ndarray, float]] = {}
        self._pair_scores: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def seeds(self, min_cosine: float, min_dice: float, relative: float = 0.0) -> list[Seed]:
        """Sentence pairs over both thresholds (and within ``relative`` of the best
        cosine of their row and column)."""
        if self._pair_scores is None:
            self._pair_scores = self._scores()
        cells, cosine, dice = self._pair_scores
        keep = (cosine > min_cosine) & (dice > min_dice)
        cells, cosine = cells[keep], cosine[keep]
        n_t, n_s = len(self.target.units), len(self.source.units)
        rows, columns = cells // n_s, cells % n_s
        if relative > 0 and len(cells):
            best_in_row, best_in_column = np.zeros(n_t), np.zeros(n_s)
            np.maximum.at(best_in_row, rows, cosine)
            np.maximum.at(best_in_column, columns, cosine)
            keep = (cosine >= relative * best_in_row[rows]) & (
                cosine >= relative * best_in_column[columns]
            )
            rows, columns, cosine = rows[keep], columns[keep], cosine[keep]
        found = list(zip(rows.tolist(), columns.tolist(), strict=True))
        self.seed_cosine.update(zip(found, cosine.tolist(), strict=True))
        return found  # cells are in (row, column) order

    def _scores(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sentence pairs sharing a term (as ``row * n_s + column``, ascending),
        and the tf-isf cosine and Dice coefficient of each."""
        n_s = len(self.source.units)
        t, s = self.target.unit_terms, self.source.unit_terms
        i, j = t.join(s, self._t_match)
        cells, where, shared = np.unique(
            t.units[i] * n_s + s.units[j], return_inverse=True, return_counts=True
        )
        dot = np.bincount(
            where, weights=self._t_weight[i] * self._s_weight[j], minlength=len(cells)
        )
        rows, columns = cells // n_s, cells % n_s
        # every unit in a shared cell has a term, whose isf is positive: no zero norms
        cosine = dot / (self._t_norms[rows] * self._s_norms[columns])
        dice = 2 * shared / (t.sizes[rows] + s.sizes[columns])
        return cells, cosine, dice

    def cosine(self, t_range: tuple[int, int], s_range: tuple[int, int]) -> float:
        """tf-isf cosine of target units ``t_range`` and source units ``s_range`` (inclusive)."""
        a, na = self._side(True, t_range)
        b, nb = self._side(False, s_range)
        if not na or not nb:
            return 0.0
        return float(a @ b) / (na * nb)

    def _side(self, target: bool, units: tuple[int, int]) -> tuple[np.ndarray, float]:
        """The summed vector of a side's ``units`` over the terms both texts hold (in the
        order of :attr:`_t_shared`), and its norm over all its terms; kept, as growing a
        passage a sentence at a time asks for the same sides again."""
        key = (target, *units)
        found = self._sides.get(key)
        if found is None:
            if target:
                v = self._vector(self.target.unit_terms, self._t_weight, units)
                shared = v[self._t_shared]
            else:
                v = self._vector(self.source.unit_terms, self._s_weight, units)
                shared = v[self._t_match[self._t_shared]]
            found = self._sides[key] = (shared, math.sqrt(float(v @ v)))
        return found

    @staticmethod
    def _vector(entries: _Entries, weights: np.ndarray, units: tuple[int, int]) -> np.ndarray:
        """The summed vector of ``units`` (inclusive), indexed by the text's vocabulary."""
        inside = entries.by_unit[entries.unit_starts[units[0]] : entries.unit_starts[units[1] + 1]]
        return np.bincount(
            entries.entry_vocab[inside], weights=weights[inside], minlength=len(entries.vocab)
        )


def unit_pairs_sharing_ngrams(
    target: Prepared, source: Prepared, min_shared: int, share: float, n: int
) -> list[Seed]:
    """Sentence pairs sharing ``min_shared`` distinct hashed n-grams of stems, and
    at least ``share`` of the n-grams of the shorter sentence.

    These catch copies whose sentences were cut differently in the two texts
    (line-wrapped lists, long run-on sentences) where sentence measures fail.
    """
    if min_shared <= 0:
        return []
    t, s = target.unit_grams, source.unit_grams
    i, j = t.join(s, t.matches(s))
    if not len(i):
        return []
    n_s = len(source.units)
    pairs, distinct = np.unique(t.units[i] * n_s + s.units[j], return_counts=True)
    ti, sj = pairs // n_s, pairs % n_s
    shorter = np.minimum(target.unit_sizes[ti], source.unit_sizes[sj]) - n + 1
    ok = distinct >= np.maximum(min_shared, share * shorter)
    return list(zip(ti[ok].tolist(), sj[ok].tolist(), strict=True))


def prepared_trigram_window(
    target: Prepared, t_words: tuple[int, int], source: Prepared, s_words: tuple[int, int], pad: int
) -> tuple[int, int, int, int] | None:
    """Sub-windows ``(t0, t1, s0, s1)`` of the words ``t_words`` (``[i, j)``) of
    ``target`` and ``s_words`` of ``source``, around the main diagonal of the word
    trigrams they share (offsets into the windows).

    A global word alignment of a short text against a much longer one scatters its
    matches; aligning only the stretch where the copy lies keeps it local.  The
    trigram hashes come from :attr:`Prepared.token_trigrams`, worked out once per text.
    """
    (i, j), (k, m) = t_words, s_words
    t_size, s_size = j - i, m - k
    ti, sj = _equal_keys(
        target.token_trigrams[i : max(i, j - 2)], source.token_trigrams[k : max(k, m - 2)]
    )
    if not len(ti):
        return None
    diagonals = np.sort(sj - ti)
    middle = diagonals[len(diagonals) // 2]
    band = t_size // 2 + pad
    near = np.abs(sj - ti - middle) <= band
    ti, sj = ti[near], sj[near]
    t0 = max(int(ti.min()) - pad, 0)
    t1 = min(int(ti.max()) + 3 + pad, t_size)
    s0 = max(int(sj.min()) - pad, 0)
    s1 = min(int(sj.max()) + 3 + pad, s_size)
    return t0, t1, s0, s1
