"""Findings -> per-article and per-outlet tables (pandas lives here and in report.py).

Every share is a share of the article's *main text* words (``\\w+`` tokens of the
extracted text; page furniture counts nowhere).  A word is covered by a passage
when its span overlaps the passage's span in the article.  For each article:

- ``copied_share``: words covered by passages the article took from elsewhere
  (an earlier article, a designated source, or credited upstream material whose
  source text is not in the corpus).
- ``quoted_share``: of those, words inside a quotation shared with the source
  (repeating what someone said is not copying the source's prose).
- ``credited_share``: copied words outside shared quotations whose passage names
  its source (sentence, paragraph or the article's credit lines).
- ``uncredited_share``: the remaining copied words.
- ``original_share``: 1 - copied_share.
- ``altered_quotes``: the quotations among the copied passages whose quoted words differ
  from the source's (a misquotation: its words count in quoted_share, and it is named here);
  not one that differs only from another copy's version while a designated source's passage
  has it unaltered.

An article (or outlet) with no main-text words has every share blank (None).

So ``copied = quoted + credited + uncredited``, each word counted once (a word
covered by several passages takes the first class in that order).  Verdicts use
METER's labels: ``wholly`` derived when copied_share >= WHOLLY, ``partially``
when >= PARTIALLY, else ``non-derived``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from provenance.settings import AuditSettings

_AUDIT = AuditSettings()
#: METER-style verdict thresholds on copied_share (defaults of [audit] wholly/partially)
WHOLLY = _AUDIT.wholly
PARTIALLY = _AUDIT.partially
#: fixed float precision of every share written to a data file
PRECISION = 4

ARTICLE_COLUMNS = (
    "article",  # path relative to the corpus root
    "outlet",
    "role",  # source / article
    "title",
    "published",
    "words",  # words of main text
    "original_share",
    "copied_share",
    "quoted_share",
    "credited_share",
    "uncredited_share",
    "top_source",  # the source (outlet) most copied from, blank when none
    "verdict",  # wholly / partially / non-derived
    "altered_quotes",  # quotations that differ from the source's (counted once each)
    "status",  # ingestion/extraction status: ok, no-text, binary, empty, ...
    "text_file",  # its main text in the report folder (texts/...), blank when none
)

PASSAGE_COLUMNS = (
    "article",
    "outlet",
    "start",  # offsets into the article's main text (texts/<article id>.txt)
    "end",
    "text",
    "source",  # outlet of the immediate source
    "source_article",  # blank when the source text is not in the corpus
    "source_start",
    "source_end",
    "source_text",
    "origin",  # outlet where the passage first appeared (end of the chain)
    "direction",  # earlier-date / designated-source / credited-upstream / order-unknown ...
    "kind",  # verbatim / near-verbatim / paraphrase
    "similarity",  # 0-100
    "quote",  # true/false
    "altered_quote",
    "credited",
    "credit_text",
    "file_start",  # offsets into the decoded input file (plain-text inputs only)
    "file_end",
    "source_file_start",
    "source_file_end",
)

OUTLET_COLUMNS = (
    "outlet",
    "articles",
    "words",
    "original_share",
    "copied_share",
    "quoted_share",
    "credited_share",
    "uncredited_share",
    "altered_quotes",
)

OUTLET_SOURCE_COLUMNS = ("outlet", "source", "words", "share", "quoted_share", "credited_share")

#: ``order``: the block's place among the article's removed blocks (in text order)
REMOVED_COLUMNS = ("article", "outlet", "order", "reason", "text")


@dataclass
class AuditTables:
    """Everything the report writers need; rows in a stable order."""

    articles: pd.DataFrame
    passages: pd.DataFrame
    outlets: pd.DataFrame
    outlet_sources: pd.DataFrame
    removed: pd.DataFrame
    #: article (relative path) -> main text, written to texts/<article id>.txt
    texts: dict[str, str] = field(default_factory=dict)
    #: article (relative path) -> article id used for texts/<id>.txt
    ids: dict[str, str] = field(default_factory=dict)


WORD_RE = re.compile(r"\w+")
_CLASSES = ("quoted", "credited", "uncredited")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the ``\\w+`` words of ``text``."""
    return [m.span() for m in WORD_RE.finditer(text)]


#: byte -> 1 for the ASCII characters WORD_RE counts as word characters, else 0
_ASCII_WORD = bytes(int(WORD_RE.fullmatch(chr(i)) is not None) for i in range(256))


def _word_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words of ``text``, as :func:`word_spans` gives them.

    In numpy (a corpus has millions of words): each character is classed as a
    word character or not by a table built from the text's distinct characters,
    which :data:`WORD_RE` classes itself (so ``\\w`` means exactly what it means
    there), and the words are the runs of word characters.
    """
    if not text:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    if text.isascii():  # most texts: classed by bytes.translate
        word = np.frombuffer(text.encode("ascii").translate(_ASCII_WORD), dtype=np.int8)
    else:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        word_chars = set("".join(WORD_RE.findall("".join(set(text)))))
        table = np.zeros(int(codes.max()) + 1, dtype=np.int8)
        table[[ord(c) for c in word_chars]] = 1
        word = table[codes]
    edges = np.diff(word, prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _passage_class(row: Mapping[str, Any]) -> str:
    if row["quote"]:
        return "quoted"
    return "credited" if row["credited"] else "uncredited"


def _quality(row: Mapping[str, Any]) -> float:
    similarity = row["similarity"]
    return float(similarity) if similarity not in ("", None) else 0.0


def _owners(text: str, passages: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """For each word of ``text``, the index in ``passages`` of the passage it is
    counted under, or -1; the rules are :func:`article_coverage`'s."""
    return word_owners(text, passages)[2]


def word_owners(
    text: str, passages: Sequence[Mapping[str, Any]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The starts and ends of the words of ``text`` (as :func:`word_spans`) and, for each,
    the index in ``passages`` of the passage it is counted under, or -1 (the rules are
    :func:`article_coverage`'s): arrays, for a page that looks words up by offset."""
    starts, ends = _word_bounds(text)
    owner = np.full(len(starts), -1, dtype=np.intp)
    if not passages:
        return starts, ends, owner
    # the words that overlap a passage's [start, end): first..last-1
    first = np.searchsorted(ends, [int(row["start"]) for row in passages], side="right")
    last = np.searchsorted(starts, [int(row["end"]) for row in passages], side="left")
    lengths = np.maximum(last - first, 0).tolist()
    weight: dict[str, float] = defaultdict(float)
    for row, length in zip(passages, lengths, strict=True):
        weight[str(row["source"])] += length * max(_quality(row), 1.0)
    # (an origin whose text is not in the corpus, credited upstream, cannot be compared with:
    # its relay is taken as no more faithful)
    absent = {str(r["source"]) for r in passages if not r["source_article"] and not _quality(r)}
    absent -= {str(r["source"]) for r in passages if r["source_article"] or _quality(r)}
    spans = (text, starts, ends)
    for relay, (origin, given) in _explained_relays(passages, first, last, spans).items():
        # (weighed by the words it gives: not those its passages only span)
        faithful = weight[relay] * given <= weight[origin] * (1 + _RELAY_MARGIN)
        if faithful or origin in absent:  # (not plainly more faithful)
            weight[relay] = min(weight[relay], weight[origin] * (1 - 1e-9))

    def rank(i: int) -> tuple[int, float, float, bool, int]:
        row = passages[i]
        cls = _CLASSES.index(_passage_class(row))
        relayed = str(row.get("origin") or row["source"]) != str(row["source"])
        return (cls, -weight[str(row["source"])], -_quality(row), relayed, int(row["start"]))

    for i in sorted(range(len(passages)), key=rank, reverse=True):  # best rank written last
        owner[first[i] : last[i]] = i
    return starts, ends, owner


#: a relay the origin explains weighs less than the origin unless its passages weigh this
#: much more (a copy word for word of a relay that reworded the origin took it from the relay)
_RELAY_MARGIN = 0.05


def _explained_relays(
    passages: Sequence[Mapping[str, Any]],
    first: np.ndarray,
    last: np.ndarray,
    spans: tuple[str, np.ndarray, np.ndarray],
) -> dict[str, tuple[str, float]]:
    """{relay: (origin, share of its words it gives)} for each source whose passages of this article relay an origin the
    article also has passages from, covering no word the origin's do not: the
    article could have taken all of it from the origin as well, so the relay is not its
    main source (a copy of a wire dated the same day as another copy of it, and as
    faithful to both, took it from the wire).  A relay whose passages cover more (the
    outlet's own intro to the wire's text) stays a source the article took from; not
    words its own text lacks too, which a passage only spans (a line of furniture between
    two copied paragraphs: "Sudan's bread queues return as aid dries up")."""
    text, starts, ends = spans
    covered: dict[str, np.ndarray] = {}
    origins: dict[str, set[str]] = defaultdict(set)
    for row, a, b in zip(passages, first.tolist(), last.tolist(), strict=True):
        source = str(row["source"])
        mask = covered.setdefault(source, np.zeros(len(starts), dtype=bool))
        mask[a:b] = True
        origins[source].add(str(row.get("origin") or source))
    found = {}
    for relay, names in origins.items():
        if len(names) != 1:
            continue
        origin = next(iter(names))
        if origin == relay or origin not in covered:
            continue
        beyond = np.flatnonzero(covered[relay] & ~covered[origin]).tolist()
        if beyond:  # (its own text read only when it covers more)
            theirs = " ".join(
                str(r.get("source_text") or "") for r in passages if r["source"] == relay
            )
            if any(not _spanned_only(text[starts[i] : ends[i]], theirs) for i in beyond):
                continue
        found[relay] = (origin, 1 - len(beyond) / max(int(covered[relay].sum()), 1))
    return found


def _spanned_only(word: str, theirs: str) -> bool:
    """Is ``word``, covered by a relay's passage, one its source side lacks (a passage only
    spans it), or a small word?  Unknown when the rows give no source text: not so."""
    if not theirs.strip():
        return False
    folded = word.casefold()
    return len(folded) <= 3 or folded not in _words_of(theirs)


@functools.lru_cache(maxsize=64)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in WORD_RE.findall(text))


def article_coverage(
    text: str, passages: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any] | None]:
    """For each word of ``text``, the passage it is counted under (or None).

    A word several passages cover goes to the first of: the passage of the
    highest class (quoted, credited, uncredited); the one from the article's
    main source, the source whose passages cover most of the article weighted
    by similarity (a rewrite of one article that also overlaps that article's
    other copies is a copy of the first; a relay whose words the passages from its origin
    cover all of, and that is not plainly more faithful, weighs less than the origin); the
    more similar; the one taken from its origin
    rather than from an article that relays it (word for word the same as the origin, a
    relay is no likelier the source); the earlier.
    """
    return [passages[i] if i >= 0 else None for i in _owners(text, passages).tolist()]


@dataclass
class _Counted:
    """An article's words and the words counted under each class, per source."""

    words: int
    #: source -> class -> words
    sources: dict[str, Counter[str]]
    #: altered quotations: stretches of text (one against several sources counts once)
    altered: int = 0

    def classes(self) -> Counter[str]:
        return sum(self.sources.values(), Counter())


def _count(text: str, passages: Sequence[Mapping[str, Any]]) -> _Counted:
    owner = _owners(text, passages)
    owned = np.bincount(owner + 1, minlength=len(passages) + 1)[1:].tolist()
    sources: dict[str, Counter[str]] = {}
    for row, n in zip(passages, owned, strict=True):
        if n:
            sources.setdefault(str(row["source"]), Counter())[_passage_class(row)] += n
    return _Counted(len(owner), sources, _stretches(_altered(passages)))


def _altered(passages: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """The spans of the article's altered quotations, but for one that differs only from
    another copy's version while a designated source's passage has it unaltered: the
    article quotes the wire faithfully, the other copy misquoted it."""
    faithful = [
        (int(r["start"]), int(r["end"]))
        for r in passages
        if r.get("direction") == "designated-source"
        and _true(r.get("quote"))
        and not _true(r.get("altered_quote"))
    ]

    def agrees(r: Mapping[str, Any]) -> bool:
        start, end = int(r["start"]), int(r["end"])
        return r.get("direction") != "designated-source" and any(
            2 * (min(end, e) - max(start, s)) > end - start for s, e in faithful
        )

    return sorted(
        (int(r["start"]), int(r["end"]))
        for r in passages
        if _true(r.get("altered_quote")) and not agrees(r)
    )


def _stretches(spans: Sequence[tuple[int, int]]) -> int:
    """How many stretches of text the sorted ``spans`` cover (overlapping ones are one: a
    quotation listed against two sources, or cut into passages that overlap)."""
    count, end = 0, -1
    for start, stop in spans:
        if start > end:  # (passages that touch are one stretch)
            count += 1
        end = max(end, stop)
    return count


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def verdict(copied_share: float, *, settings: AuditSettings = _AUDIT) -> str:
    if copied_share >= settings.wholly:
        return "wholly"
    return "partially" if copied_share >= settings.partially else "non-derived"


def _share(part: int, whole: int) -> float:
    return round(part / whole, PRECISION) if whole else 0.0


def _shares(counts: Mapping[str, int], words: int) -> dict[str, Any]:
    """original/copied/quoted/credited/uncredited shares of ``words``, rounded so that the
    three classes add up to the copied share and it and the original share to 1 exactly
    as printed (largest remainders); all blank (None) without words: no main text, no
    figures, not "0% original"."""
    names = ("quoted_share", "credited_share", "uncredited_share")
    if not words:
        return dict.fromkeys(("original_share", "copied_share", *names))
    unit = 10**PRECISION
    exact = [counts.get(c, 0) * unit / words for c in ("quoted", "credited", "uncredited")]
    copied = round(sum(exact))
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(3), key=lambda k: (parts[k] - exact[k], k))
    for k in by_remainder[: max(0, copied - sum(parts))]:
        parts[k] += 1
    return {
        "original_share": (unit - copied) / unit,
        "copied_share": copied / unit,
        **{name: part / unit for name, part in zip(names, parts, strict=True)},
    }


def _article_figures(
    article: Mapping[str, Any], counted: _Counted, settings: AuditSettings
) -> dict[str, Any]:
    words = counted.words
    shares = _shares(counted.classes(), words)
    by_source = {source: sum(c.values()) for source, c in counted.sources.items()}
    top = sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        **{k: article.get(k) for k in ("article", "outlet", "role", "title", "published")},
        "words": words,
        **shares,
        "top_source": top[0][0] if top else "",
        "verdict": verdict(shares["copied_share"], settings=settings) if words else "",
        "altered_quotes": counted.altered,
        "status": article.get("status", "ok"),
    }


def _outlet_tables(
    articles: pd.DataFrame, counted: Mapping[str, _Counted]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    outlet_rows = []
    source_rows = []
    # one list of article names per outlet (sorted, blank outlets dropped, as groupby does)
    # only ok articles count (a failed input or a duplicate copy of another is no article)
    usable = set(articles.loc[articles["status"] == "ok", "article"])
    for outlet, names in articles.groupby("outlet", sort=True)["article"].agg(list).items():
        names = [a for a in names if a in usable]
        parts = [counted[a] for a in names if a in counted]
        words = sum(c.words for c in parts)
        per_source: dict[str, Counter[str]] = {}
        for part in parts:
            for source, c in part.sources.items():
                per_source.setdefault(source, Counter()).update(c)
        counts: Counter[str] = sum(per_source.values(), Counter())
        outlet_rows.append(
            {
                "outlet": outlet,
                "articles": len(names),
                "words": words,
                **_shares(counts, words),
                "altered_quotes": sum(c.altered for c in parts),
            }
        )
        for source in sorted(per_source):
            c = per_source[source]
            n = sum(c.values())
            source_rows.append(
                {
                    "outlet": outlet,
                    "source": source,
                    "words": n,
                    "share": _share(n, words),
                    "quoted_share": _share(c["quoted"], words),
                    "credited_share": _share(c["credited"], words),
                }
            )
    return (
        pd.DataFrame(outlet_rows, columns=list(OUTLET_COLUMNS)),
        pd.DataFrame(source_rows, columns=list(OUTLET_SOURCE_COLUMNS)),
    )


def build_tables(
    articles: Sequence[Mapping[str, Any]],
    passages: Sequence[Mapping[str, Any]],
    removed: Sequence[Mapping[str, Any]],
    texts: Mapping[str, str],
    ids: Mapping[str, str],
    *,
    settings: AuditSettings = _AUDIT,
) -> AuditTables:
    """Aggregate article and passage records into the report tables.

    ``articles``: dicts with article, outlet, role, title, published, status.
    ``passages``: dicts with PASSAGE_COLUMNS keys; only passages an article
    *took* (not order-unknown ones) count in its shares.
    """
    taken: dict[str, list[Mapping[str, Any]]] = {}
    for row in passages:
        if row["direction"] != "order-unknown":
            taken.setdefault(str(row["article"]), []).append(row)
    figures = []
    counted: dict[str, _Counted] = {}
    for art in articles:
        name = str(art["article"])
        counted[name] = _count(texts.get(name, ""), taken.get(name, []))
        figures.append(_article_figures(art, counted[name], settings))
    from provenance.report import text_paths  # (report.py builds on this module)

    paths = text_paths({a: ids.get(a, a) for a in texts})
    for row in figures:
        row["text_file"] = paths.get(str(row["article"]), "")
    article_df = pd.DataFrame(figures, columns=list(ARTICLE_COLUMNS))
    article_df = article_df.sort_values(["article"], kind="stable").reset_index(drop=True)
    outlets, outlet_sources = _outlet_tables(article_df, counted)
    passage_df = pd.DataFrame(list(passages), columns=list(PASSAGE_COLUMNS))
    passage_df = passage_df.sort_values(
        ["article", "start", "end", "source", "source_article"], kind="stable"
    ).reset_index(drop=True)
    removed_df = pd.DataFrame(list(removed), columns=list(REMOVED_COLUMNS))
    return AuditTables(
        articles=article_df,
        passages=passage_df,
        outlets=outlets,
        outlet_sources=outlet_sources,
        removed=removed_df,
        texts=dict(texts),
        ids=dict(ids),
    )
