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
from collections import Counter
from collections.abc import Iterator, Sequence
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
        # an n-gram found in one document (most of them) maps to that document's number,
        # one found in several to a list of numbers: a fraction of the memory of lists only
        self._postings: dict[int, int | list[int]] = {}

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
        postings = self._postings
        for h in set(doc.fingerprints):
            found = postings.get(h)
            if found is None:
                postings[h] = number
            elif isinstance(found, int):
                postings[h] = [found, number]
            else:
                found.append(number)

    def _df(self, h: int) -> int:
        """How many indexed documents hold the n-gram ``h``."""
        found = self._postings.get(h)
        return 0 if found is None else 1 if isinstance(found, int) else len(found)

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
            if posting is None:
                continue
            if isinstance(posting, int):
                counts[posting] += 1
            elif len(posting) <= cap:
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
            if found is not None and self._df(h) <= cap:
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


# ------------------------------------------------------------ sentence vectors


class SentenceSpace:
    """tf-isf vectors of the units (sentences) of two texts, for sentence-pair seeds.

    The inverse sentence frequency is counted over the units of both texts.
    """

    def __init__(self, target: Prepared, source: Prepared) -> None:
        self.target, self.source = target, source
        units = list(target.unit_terms) + list(source.unit_terms)
        df: Counter[str] = Counter()
        for ts in units:
            df.update(set(ts))
        n = len(units)
        self.isf = {w: math.log((n + 1) / c) for w, c in df.items()}
        #: tf-isf cosine of each seed found by :meth:`seeds`
        self.seed_cosine: dict[Seed, float] = {}
        self._pair_scores: tuple[np.ndarray, np.ndarray] | None = None
        self.t_vecs = [self._vector(ts) for ts in target.unit_terms]
        self.s_vecs = [self._vector(ts) for ts in source.unit_terms]

    def _vector(self, terms: Sequence[str]) -> dict[str, float]:
        isf = self.isf
        return {w: c * isf[w] for w, c in Counter(terms).items()}

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
        shared = set(self.target.terms) & set(self.source.terms)
        if not shared:
            return np.zeros((0, 0)), np.zeros((0, 0))
        col = {w: i for i, w in enumerate(sorted(shared))}
        t_w, t_b, t_len, t_norm = _matrices(self.t_vecs, col)
        s_w, s_b, s_len, s_norm = _matrices(self.s_vecs, col)
        with np.errstate(divide="ignore", invalid="ignore"):
            cosine = np.nan_to_num((t_w @ s_w.T) / np.outer(t_norm, s_norm))
            dice = np.nan_to_num(2 * (t_b @ s_b.T) / np.add.outer(t_len, s_len))
        return cosine, dice

    def cosine(self, t_range: tuple[int, int], s_range: tuple[int, int]) -> float:
        """tf-isf cosine of target units ``t_range`` and source units ``s_range`` (inclusive)."""
        a = _summed(self.t_vecs[t_range[0] : t_range[1] + 1])
        b = _summed(self.s_vecs[s_range[0] : s_range[1] + 1])
        dot = sum(v * b[w] for w, v in a.items() if w in b)
        na = math.sqrt(sum(v * v for v in a.values()))
        nb = math.sqrt(sum(v * v for v in b.values()))
        return dot / (na * nb) if na and nb else 0.0


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
    shared: dict[Seed, set[int]] = {}
    for t_pos, s_pos in shared_seeds(target, source):
        pair = (target.term_unit[t_pos], source.term_unit[s_pos])
        shared.setdefault(pair, set()).add(target.fingerprints[t_pos])
    out = []
    for (i, j), grams in shared.items():
        shorter = min(len(target.unit_terms[i]), len(source.unit_terms[j])) - n + 1
        if len(grams) >= max(min_shared, share * shorter):
            out.append((i, j))
    return out


def _matrices(
    vecs: list[dict[str, float]], col: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    weights = np.zeros((len(vecs), len(col)))
    lengths = np.zeros(len(vecs))
    norms = np.zeros(len(vecs))
    for i, vec in enumerate(vecs):
        lengths[i] = len(vec)
        norms[i] = math.sqrt(sum(v * v for v in vec.values()))
        for w, v in vec.items():
            j = col.get(w)
            if j is not None:
                weights[i, j] = v
    return weights, (weights > 0).astype(float), lengths, norms


def _summed(vecs: Sequence[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for vec in vecs:
        for w, v in vec.items():
            total[w] = total.get(w, 0.0) + v
    return total


def shared_trigram_window(
    t_norms: Sequence[str], s_norms: Sequence[str], pad: int
) -> tuple[int, int, int, int] | None:
    """Sub-windows ``(t0, t1, s0, s1)`` around the main diagonal of shared word trigrams.

    A global word alignment of a short text against a much longer one scatters
    its matches; aligning only the stretch where the copy lies keeps it local.
    """
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(s_norms) - 2):
        where.setdefault(tuple(s_norms[j : j + 3]), []).append(j)
    hits = [
        (i, j) for i in range(len(t_norms) - 2) for j in where.get(tuple(t_norms[i : i + 3]), ())
    ]
    if not hits:
        return None
    diagonals = sorted(j - i for i, j in hits)
    middle = diagonals[len(diagonals) // 2]
    band = len(t_norms) // 2 + pad
    near = [(i, j) for i, j in hits if abs(j - i - middle) <= band]
    t0 = max(min(i for i, _ in near) - pad, 0)
    t1 = min(max(i for i, _ in near) + 3 + pad, len(t_norms))
    s0 = max(min(j for _, j in near) - pad, 0)
    s1 = min(max(j for _, j in near) + 3 + pad, len(s_norms))
    return t0, t1, s0, s1
