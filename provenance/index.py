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
from functools import lru_cache

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


@lru_cache(maxsize=200_000)
def _word(norm: str) -> tuple[int, int]:
    """(hash of a normalised word, hash of its stem or 0 for a stop word)."""
    return term_hash(norm), 0 if norm in STOP_WORDS else (term_hash(stem(norm)) or 1)


def ngram_hashes(terms: list[str], n: int) -> list[int]:
    """Stable hash of each n-gram ``terms[i:i+n]``, in order (empty if too short)."""
    if n < 1:
        raise ValueError(f"n-gram length must be at least 1, got {n}")
    hashes = np.array([term_hash(t) for t in terms], dtype=np.uint64)
    return _ngrams(hashes, n).tolist()


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
    token_ids: array = field(repr=False, default_factory=lambda: array("I"))
    token_stems: array = field(repr=False, default_factory=lambda: array("I"))
    token_starts: array = field(repr=False, default_factory=lambda: array("i"))
    token_ends: array = field(repr=False, default_factory=lambda: array("i"))

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


def prepare(text: str, *, settings: AlignSettings = _DEFAULT) -> Prepared:
    """Sentences, stems and fingerprints of ``text``."""
    norms, tok_starts, tok_ends = word_table(text)
    spans = _cut_long(sentences(text), tok_starts, tok_ends, settings.max_unit_words)
    info = [_word(n) for n in norms]
    ids = array("I", [h for h, _ in info])
    stems = array("I", [s for _, s in info])
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

    def _postings(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pending:
            keys = np.concatenate([self._keys, *(u for u, _ in self._pending)])
            owners = np.concatenate(
                [self._owners, *(np.full(len(u), n, dtype=np.int32) for u, n in self._pending)]
            )
            order = np.argsort(keys, kind="stable")  # documents stay in order per n-gram
            self._keys, self._owners = keys[order], owners[order]
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

    def _held_by(self, doc_ids: Collection[str]) -> np.ndarray:
        """Per posting: does one of ``doc_ids`` hold its n-gram (cached per id set)?"""
        wanted = frozenset(doc_ids)
        if self._held is None or self._held[0] != wanted:
            keys, owners = self._postings()
            numbers = [n for n, d in enumerate(self._ids) if d in wanted]
            mine = np.isin(owners, np.array(numbers, dtype=np.int32))
            # spread each n-gram's flag over all its postings
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
            per_key = np.logical_or.reduceat(mine, starts) if len(keys) else mine
            sizes = np.diff(np.r_[starts, len(keys)]) if len(keys) else starts
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


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[k] .. starts[k] + lengths[k] - 1`` of every k, concatenated."""
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total)


def _shared_positions(target: Prepared, source: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Term positions ``(t, s)`` where the two texts share a fingerprint, in target order."""
    s_fp = source.fingerprints
    order = np.argsort(s_fp, kind="stable")
    ordered = s_fp[order]
    lo = np.searchsorted(ordered, target.fingerprints, side="left")
    count = np.searchsorted(ordered, target.fingerprints, side="right") - lo
    t_pos = np.repeat(np.arange(len(target.fingerprints)), count)
    return t_pos, order[_ranges(lo, count)]


def shared_seeds(target: Prepared, source: Prepared) -> list[tuple[int, int]]:
    """Shared fingerprints of two prepared texts, as term positions (no df cap)."""
    t_pos, s_pos = _shared_positions(target, source)
    return list(zip(t_pos.tolist(), s_pos.tolist(), strict=True))


# ------------------------------------------------------------ sentence vectors


class SentenceSpace:
    """tf-isf vectors of the units (sentences) of two texts, for sentence-pair seeds.

    The inverse sentence frequency is counted over the units of both texts.
    Terms are numbered over the pair's vocabulary; a unit's vector is its term
    counts times their isf.
    """

    def __init__(self, target: Prepared, source: Prepared) -> None:
        self.target, self.source = target, source
        n_t, n_s = len(target.units), len(source.units)
        vocab, number = np.unique(np.concatenate([target.terms, source.terms]), return_inverse=True)
        size = len(vocab)
        self._size = size
        self._t_terms, self._s_terms = number[: len(target.terms)], number[len(target.terms) :]
        unit = np.concatenate([target.term_unit, source.term_unit + n_t]).astype(np.int64)
        keys, counts = np.unique(unit * max(size, 1) + number, return_counts=True)
        self._unit, self._term = keys // max(size, 1), keys % max(size, 1)
        df = np.bincount(self._term, minlength=size)
        self.isf = np.log((n_t + n_s + 1) / np.maximum(df, 1))
        self._weight = counts * self.isf[self._term]
        self._norms = np.sqrt(np.bincount(self._unit, weights=self._weight**2, minlength=n_t + n_s))
        self._lengths = np.bincount(self._unit, minlength=n_t + n_s).astype(float)
        #: tf-isf cosine of each seed found by :meth:`seeds`
        self.seed_cosine: dict[Seed, float] = {}
        self._pair_scores: tuple[np.ndarray, np.ndarray] | None = None

    def seeds(self, min_cosine: float, min_dice: float, relative: float = 0.0) -> list[Seed]:
        """Sentence pairs over both thresholds (and within ``relative`` of the best
        cosine of their row and column)."""
        if self._pair_scores is None:
            self._pair_scores = self._scores()
        cosine, dice = self._pair_scores
        if cosine.size == 0:
            return []
        mask = (cosine > min_cosine) & (dice > min_dice)
        if relative > 0 and mask.any():
            masked = np.where(mask, cosine, 0.0)
            mask &= masked >= relative * masked.max(axis=1, keepdims=True)
            mask &= masked >= relative * masked.max(axis=0, keepdims=True)
        hits = np.nonzero(mask)
        found = list(zip(hits[0].tolist(), hits[1].tolist(), strict=True))
        self.seed_cosine.update(zip(found, cosine[hits].tolist(), strict=True))
        return sorted(found)

    def _scores(self) -> tuple[np.ndarray, np.ndarray]:
        """tf-isf cosine and Dice coefficient of every sentence pair."""
        n_t, n_s = len(self.target.units), len(self.source.units)
        in_t = np.zeros(self._size, dtype=bool)
        in_t[self._t_terms] = True
        in_s = np.zeros(self._size, dtype=bool)
        in_s[self._s_terms] = True
        shared = in_t & in_s
        if not shared.any():
            return np.zeros((0, 0)), np.zeros((0, 0))
        column = np.cumsum(shared) - 1
        on = shared[self._term]
        unit, col, weight = self._unit[on], column[self._term[on]], self._weight[on]
        side_t = unit < n_t
        t_w = np.zeros((n_t, int(shared.sum())))
        t_w[unit[side_t], col[side_t]] = weight[side_t]
        s_w = np.zeros((n_s, t_w.shape[1]))
        s_w[unit[~side_t] - n_t, col[~side_t]] = weight[~side_t]
        t_norm, s_norm = self._norms[:n_t], self._norms[n_t:]
        t_len, s_len = self._lengths[:n_t], self._lengths[n_t:]
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = np.nan_to_num((t_w @ s_w.T) / np.outer(t_norm, s_norm))
            dice = np.nan_to_num(
                2
                * ((t_w > 0).astype(float) @ (s_w > 0).astype(float).T)
                / np.add.outer(t_len, s_len)
            )
        return cosine, dice

    def _vector(self, doc: Prepared, numbers: np.ndarray, units: tuple[int, int]) -> np.ndarray:
        bounds = doc.unit_bounds
        chosen = numbers[bounds[units[0]] : bounds[units[1] + 1]]
        return np.bincount(chosen, minlength=self._size) * self.isf

    def cosine(self, t_range: tuple[int, int], s_range: tuple[int, int]) -> float:
        """tf-isf cosine of target units ``t_range`` and source units ``s_range`` (inclusive)."""
        a = self._vector(self.target, self._t_terms, t_range)
        b = self._vector(self.source, self._s_terms, s_range)
        na, nb = math.sqrt(float(a @ a)), math.sqrt(float(b @ b))
        return float(a @ b) / (na * nb) if na and nb else 0.0


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
    t_pos, s_pos = _shared_positions(target, source)
    if not len(t_pos):
        return []
    t_unit, s_unit = target.term_unit[t_pos], source.term_unit[s_pos]
    pair = t_unit * len(source.units) + s_unit
    gram = target.fingerprints[t_pos]
    order = np.lexsort((gram, pair))
    pair, gram = pair[order], gram[order]
    new = np.ones(len(pair), dtype=bool)
    new[1:] = (pair[1:] != pair[:-1]) | (gram[1:] != gram[:-1])
    pairs, distinct = np.unique(pair[new], return_counts=True)
    i, j = pairs // len(source.units), pairs % len(source.units)
    shorter = np.minimum(target.unit_sizes[i], source.unit_sizes[j]) - n + 1
    ok = distinct >= np.maximum(min_shared, share * shorter)
    return list(zip(i[ok].tolist(), j[ok].tolist(), strict=True))


def shared_trigram_window(
    t_words: Sequence[int], s_words: Sequence[int], pad: int
) -> tuple[int, int, int, int] | None:
    """Sub-windows ``(t0, t1, s0, s1)`` around the main diagonal of shared word trigrams.

    ``t_words``/``s_words`` are word hashes (:attr:`Prepared.token_ids`).  A global
    word alignment of a short text against a much longer one scatters its
    matches; aligning only the stretch where the copy lies keeps it local.
    """
    t_grams, s_grams = _trigrams(t_words), _trigrams(s_words)
    if not len(t_grams) or not len(s_grams):
        return None
    order = np.argsort(s_grams, kind="stable")
    ordered = s_grams[order]
    lo = np.searchsorted(ordered, t_grams, side="left")
    count = np.searchsorted(ordered, t_grams, side="right") - lo
    if not count.any():
        return None
    ti = np.repeat(np.arange(len(t_grams)), count)
    sj = order[_ranges(lo, count)]
    diagonals = np.sort(sj - ti)
    middle = diagonals[len(diagonals) // 2]
    band = len(t_words) // 2 + pad
    near = np.abs(sj - ti - middle) <= band
    ti, sj = ti[near], sj[near]
    t0 = max(int(ti.min()) - pad, 0)
    t1 = min(int(ti.max()) + 3 + pad, len(t_words))
    s0 = max(int(sj.min()) - pad, 0)
    s1 = min(int(sj.max()) + 3 + pad, len(s_words))
    return t0, t1, s0, s1


def _trigrams(words: Sequence[int]) -> np.ndarray:
    """A hash of each run of three word hashes."""
    ids = np.asarray(words, dtype=np.uint64)
    if len(ids) < 3:
        return np.zeros(0, dtype=np.uint64)
    base = np.uint64(_BASE)
    return ((ids[:-2] * base + ids[1:-1]) * base + ids[2:]) & np.uint64(_MASK)
