"""Wire the stages: ingest -> extract -> index -> align -> classify -> aggregate.

``audit(paths, ...)`` returns an :class:`AuditRun` with the report tables; it
imports no click and prints nothing (progress goes to an optional callback).

Direction.  A passage two articles share goes to the earlier one: a designated
source before any other article, else the earlier publication date.  Same-day
or unknown dates give ``order-unknown``: the passage is listed for both
articles but counted in neither's shares - never a guess.

Evidence of order.  When dates cannot order two articles that share passages,
the shared passages that one of them copies (near-verbatim or closer) from a
designated source decide it when they can: the article that reproduces the
source's text more faithfully (by
``[audit] order_margin`` similarity points, word-weighted) is the earlier one,
and the other's rows say ``closer-to-source``.  This is stemmatology's rule:
a copy accumulates changes, so the text nearer the origin comes first.
Without such evidence the order stays unknown.

Upstream inference.  Text that two or more outlets share, that no designated
source's article in the corpus contains, and that an article credits to a
designated source (TASS in the sample corpus) is attributed to that source as
``credited-upstream``: source text not in corpus (designated sources' own
articles are references, so their credits to each other are not counted).  An
article sharing that material in an unknown order, crediting nobody for it, has it
from the source too, uncredited: ``credited-elsewhere``.  A paraphrase of a designated
source's passage crediting another designated source, which that passage (or the
paragraph before it) credits too, is that other source's material.  A
passage keeps its immediate source (``source``/``source_article``) and its
``origin``, the end of the chain of sources behind it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import os
import re
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from provenance import quotes
from provenance.aggregate import AuditTables, build_tables
from provenance.align import align_prepared
from provenance.attribution import (
    Credit,
    SourceRegistry,
    find_credits,
    ranked_credits,
    remember_credits,
    remember_items,
    same_outlet,
)
from provenance.classify import classify, quote_runs, statements_in
from provenance.classify import overlap as quote_overlap
from provenance.dates import utc_day
from provenance.extract import assemble, copyright_credits, entry_starts, extract_all
from provenance.index import CorpusIndex, Prepared, prepare
from provenance.ingest import MANIFEST_NAME, iter_documents
from provenance.lineage import (
    direction,
    merge_adjacent,
    order_by_source,
    origins,
    overlap,
    publication_day,
)
from provenance.models import Article, Document, Extraction, Passage, Span
from provenance.segment import TEXT_CACHE, Layout, layout, remember_layout
from provenance.segment import paragraphs as segment_paragraphs
from provenance.settings import DEFAULTS, AlignSettings, Settings
from provenance.state import State, digest
from provenance.workers import Outcome, run_batched

log = logging.getLogger(__name__)
T = TypeVar("T")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Entry:
    """One usable article of the run."""

    name: str  # path relative to the corpus root (the report's article key)
    article: Article
    outlet: str
    designated: bool
    #: the text it is aligned in when that is its input file, not its main text
    #: (``[audit] sources_in_full``): see :func:`reference_text`
    whole: str | None = None

    @property
    def full(self) -> bool:
        return self.whole is not None

    @property
    def text(self) -> str:
        """The main text: what the article's own figures count, written to texts/."""
        return self.article.text

    @property
    def reference(self) -> str:
        """The text the article is aligned in: its decoded input file when ``full``."""
        return self.whole if self.whole is not None else self.article.text

    def main_span(self, span: Span) -> Span:
        """A span of :attr:`reference` as a span of the main text (empty where the
        matched text lies outside it)."""
        return self.article.extraction.text_span(span.start, span.end) if self.full else span

    def shown(self, span: Span, *, evidence: bool = False) -> str:
        """The text a passage at ``span`` of :attr:`reference` shows: the main text at
        :meth:`main_span`, what texts/<article>.txt holds at start/end (the file's lines
        one newline apart may be paragraphs there).  ``evidence`` (the source's side of a
        passage): a span that lies partly or wholly outside the main text (a caption, a
        teaser) shows the file's text, which :meth:`file_span` locates."""
        if not self.full or (evidence and not self._in_main_text(span)):
            return self.reference[span.start : span.end]
        main = self.main_span(span)
        return self.text[main.start : main.end]

    def _in_main_text(self, span: Span) -> bool:
        """Is every word of ``span`` (of :attr:`reference`) in the main text: only line
        breaks and blanked blocks between the pieces of it the main text copies?"""
        covered = sorted(
            (max(span.start, p.input_start), min(span.end, p.input_start + p.length))
            for p in self.article.extraction.pieces
        )
        pos = span.start
        for start, end in covered:
            if start < end:
                if self.reference[pos:start].strip():
                    return False
                pos = max(pos, end)
        return not self.reference[pos : span.end].strip()

    def file_span(self, span: Span) -> tuple[int | None, int | None]:
        """A span of :attr:`reference` as offsets into the decoded input (text inputs)."""
        if self.full:
            return span.start, span.end
        return _offset(self.article, span.start), _offset(self.article, span.end, end=True)

    @property
    def published(self) -> str | None:
        return self.article.document.published


@dataclass
class AuditRun:
    tables: AuditTables
    documents: list[Document] = field(default_factory=list)
    #: designated sources of the run: the registry's, --source names, manifest sources
    designated: list[str] = field(default_factory=list)
    #: article -> sha256 of its input content (for run-to-run changes)
    hashes: dict[str, str] = field(default_factory=dict)
    #: a message for each article pair whose alignment timed out or failed (their passages
    #: are missing from the figures)
    skipped: list[str] = field(default_factory=list)
    #: article -> the absolute path of its input (a feed's lines: the feed's), so that the
    #: articles of an input that fails one night are known (see changes.snapshot)
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[Document]:
        return [d for d in self.documents if d.status != "ok"]


# ----------------------------------------------------------------------- naming


def article_name(doc: Document, roots: Sequence[Path]) -> str:
    """The article's key: its path relative to the corpus folder it came from."""
    if _feed_line(doc.path):
        return doc.id
    if doc.status == "empty" and os.path.isdir(doc.path):  # an empty corpus folder, as given
        return doc.id
    path = Path(os.path.abspath(doc.path))  # not resolve(): a symlink keeps its own name
    for root in roots:
        try:
            return path.relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            continue
    return path.name


def input_path(doc: Document) -> str:
    """The absolute path of the input ``doc`` was read from: a JSONL line's
    ("feed.jsonl:3") is its feed's; a failed corpus folder's is the folder, and so is a
    failed manifest's (the files it speaks for were not audited: see ingest)."""
    path = doc.path
    if _feed_line(path):
        path = _LINE_NUMBER.sub("", path)
    if doc.status != "ok" and os.path.basename(path) == MANIFEST_NAME:
        path = os.path.dirname(path) or "."
    return os.path.abspath(path)


_LINE_NUMBER = re.compile(r":[0-9]+$")
#: a JSONL line's path: its feed's (or standard input's) and its line number
_FEED_LINE = re.compile(r"(?is)(?:.+\.jsonl(?:\.gz)?|<stdin>):[0-9]+")


def _feed_line(path: str) -> bool:
    """Is ``path`` a JSONL line's ("feed.jsonl:3")?  Not any path with a colon: a file
    named with a time, "herald_2025-06-08T10:30.txt", missing for a night, was named
    without its extension as a feed line is (by its id), a new article (review Z)."""
    return _FEED_LINE.fullmatch(path) is not None and not Path(path).exists()


def outlet_label(doc: Document, name: str) -> str:
    return doc.outlet or f"unknown ({name})"


# ------------------------------------------------------------------------- rows


def _offset(article: Article, pos: int, *, end: bool = False) -> int | None:
    """Offset into the decoded input file for plain-text inputs, else None."""
    if article.document.kind != "text":
        return None
    if end:
        last = article.extraction.input_offset(max(pos - 1, 0))
        return None if last is None else last + 1
    return article.extraction.input_offset(pos)


def passage_row(
    target: Entry, source: Entry | None, p: Passage, *, how: str, source_name: str = ""
) -> dict[str, Any]:
    """The passages.csv row of ``p``, whose spans are into the entries' reference texts.

    start/end (source_start/source_end) are main-text offsets, and text (source_text) the
    main text there (see :meth:`Entry.shown`); the file offsets are exact.
    """
    main = target.main_span(p.target)
    file_start, file_end = target.file_span(p.target)
    src_main = source.main_span(p.source) if source else None
    src_file = source.file_span(p.source) if source else (None, None)
    return {
        "article": target.name,
        "outlet": target.outlet,
        "start": main.start,
        "end": main.end,
        "text": target.shown(p.target),
        "source": source.outlet if source else source_name,
        "source_article": source.name if source else "",
        "source_start": src_main.start if src_main is not None else None,
        "source_end": src_main.end if src_main is not None else None,
        "source_text": source.shown(p.source, evidence=True) if source else "",
        "origin": source.outlet if source else source_name,
        "direction": how,
        "kind": p.kind if source else "",
        "similarity": round(p.similarity, 1) if source else None,
        "quote": p.quote,
        "altered_quote": p.altered_quote,
        "credited": p.credited,
        "credit_text": p.credit_text,
        "credited_source": p.credited_source,
        "credit_level": p.extra.get("credit_level", ""),
        "credit_kind": p.extra.get("credit_kind", ""),
        "file_start": file_start,
        "file_end": file_end,
        "source_file_start": src_file[0],
        "source_file_end": src_file[1],
    }


def _mirror(p: Passage) -> Passage:
    return Passage(target=p.source, source=p.target, kind=p.kind, similarity=p.similarity)


# ------------------------------------------------------------------------ stages


#: removed blocks a whole-file reference leaves out too: what the main text moves to
#: metadata (title, byline, date), second copies, and the site's own template lines
BLANKED = frozenset({"title", "byline", "timestamp", "duplicate", "template"})


def reference_text(art: Article) -> str | None:
    """A scraped-text source's input file with only :data:`BLANKED` blocks blanked
    (offsets kept), or None where there is none (HTML, or no piece map)."""
    if art.document.kind != "text" or not art.extraction.pieces:
        return None
    text = art.document.content
    blanks = sorted(
        (r.start, r.end)
        for r in art.extraction.removed
        if r.reason in BLANKED and 0 <= r.start < r.end <= len(text)
    )
    parts, pos = [], 0
    for start, end in blanks:
        start = max(start, pos)
        if start < end:
            parts += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
            pos = end
    parts.append(text[pos:])
    return "".join(parts)


def article_names(articles: Sequence[Article], roots: Sequence[Path]) -> list[str]:
    """Each article's key, unique in the run: a repeated name gets ``~2``, ``~3``..."""
    seen: dict[str, int] = {}
    names = []
    for art in articles:
        name = article_name(art.document, roots)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            log.warning("two inputs are both named %s; the second is %s~%d", name, name, seen[name])
            name = f"{name}~{seen[name]}"
        names.append(name)
    return names


def _unique(
    articles: Sequence[Article], names: list[str], designated: Collection[str]
) -> list[Article]:
    """The articles with each page saved more than once (the same content) audited once:
    the other copies get status ``duplicate`` (and so do an article's earlier versions,
    :func:`_versions`, which may swap two of ``names``).

    Each outlet named for the content keeps one copy (two outlets that publish the same
    text are copying, and both are audited); a copy no outlet is named for is a duplicate
    of a named one, or else of the first unnamed one.  The copy kept is a designated
    source's (the one whose role is "source" first), then the one published first (an
    undated one last), then the first by name.
    """
    out = list(articles)

    def is_source(k: int) -> bool:
        doc = out[k].document
        return doc.role == "source" or (doc.outlet or "").casefold() in designated

    def order(k: int) -> tuple[bool, bool, bool, str, str]:
        day = publication_day(out[k].document.published)
        # the copy the manifest calls the source's before one only its outlet makes so
        marked = out[k].document.role == "source"
        return not is_source(k), not marked, day is None, day or "", names[k]

    def outlet(k: int) -> str | None:  # (a source's copy with no outlet named is named too)
        return out[k].document.outlet or ("\x00source" if is_source(k) else None)

    groups: dict[str, list[int]] = {}
    for i in sorted(range(len(out)), key=order):
        if out[i].status == "ok":
            groups.setdefault(out[i].document.sha256, []).append(i)
    for members in groups.values():
        kept: dict[str | None, int] = {}
        for i in members:  # each named outlet's first copy first
            kept.setdefault(outlet(i), i)
        named = [k for o, k in kept.items() if o is not None]
        if named:
            kept.pop(None, None)
        for i in members:
            first = kept[outlet(i)] if outlet(i) in kept else named[0]
            if first != i:
                log.info("%s: the same page as %s; audited once, as that", names[i], names[first])
                out[i] = dataclasses.replace(out[i], status="duplicate")
    _versions(out, names)
    return out


def _versions(articles: list[Article], names: list[str]) -> None:
    """Mark the earlier versions of an article as duplicates of its latest: pages at one
    address (the same outlet's, or no outlet named) whose main texts are mostly the same
    words, a correction a feed emits again or a page saved twice with other furniture.
    Listed as two articles, the outlet's own update was its uncredited copy of itself.
    The latest is the last published (undated ones first), else the longer; it takes
    the name the first version had when both are lines of one feed ("wire:<id>" and
    "wire:<id>~2"), so a feed re-sorted keeps the names."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, art in enumerate(articles):
        address = _address(art.document.url)
        if art.status == "ok" and address:
            groups.setdefault((address, (art.document.outlet or "").casefold()), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue

        def latest(k: int) -> tuple[bool, float, int, str]:
            # (the instant, zones compared; one date for both: the longer, a correction
            # adds; not the line order, which a feed re-sorted newest first turns round)
            when, art = _instant(articles[k].document.published), articles[k]
            return when is not None, when or 0.0, len(art.text), art.document.sha256

        kept = max(members, key=latest)
        words = set(articles[kept].text.casefold().split())
        older = [
            k for k in members if k != kept and _versions_of(articles[k], articles[kept], words)
        ]
        if not older:
            continue
        family = sorted([kept, *older], key=lambda k: names[k])
        if all(names[k].split("~", 1)[0] == names[family[0]] for k in family):
            base = family[0]  # (lines of one feed: the latest takes the plain name)
            names[base], names[kept] = names[kept], names[base]
        for k in older:
            log.info("%s: an earlier version of %s; audited as that", names[k], names[kept])
            articles[k] = dataclasses.replace(articles[k], status="duplicate")


#: the share of words two texts at one address must have in common to be versions of one
#: article (an address a scraper gave every line of a feed names no article) ...
_VERSION_WORDS = 0.5
#: ... and when they are dated on different days (a section's address that every day's
#: templated brief is given, "ruble rates on June 19", is no article either)
_VERSION_WORDS_DAYS_APART = 0.9


def _versions_of(older: Article, latest: Article, words: set[str]) -> bool:
    """Are two texts at one address versions of one article: titled alike (or untitled),
    mostly the same words, nearly all of them when dated on different days?"""
    a, b = older.document, latest.document
    titles = [
        " ".join((art.document.title or art.extraction.title or "").casefold().split())
        for art in (older, latest)
    ]
    if all(titles) and not _alike_words(set(titles[0].split()), set(titles[1].split()), 0.5):
        return False  # (a headline updated, "kills three" to "kills five", is alike still)
    theirs = set(older.text.casefold().split())
    # a day apart or more (not two sides of midnight): a section's daily brief, maybe
    ta, tb = _instant(a.published), _instant(b.published)
    apart = ta is not None and tb is not None and abs(ta - tb) >= _DAY_SECONDS
    return _alike_words(theirs, words, _VERSION_WORDS_DAYS_APART if apart else _VERSION_WORDS)


_DAY_SECONDS = 24 * 3600


def _alike_words(a: set[str], b: set[str], share: float) -> bool:
    return bool(a | b) and len(a & b) >= share * len(a | b)


def _instant(value: str | None) -> float | None:
    """A publication date as an instant (seconds, UTC; a date without a zone or time as
    its day's start in UTC), for ordering versions; None when it is not ISO."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


_TRACKING = re.compile(r"(?i)^(?:utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|source)=")


def _address(url: str | None) -> str | None:
    """A page's address without what does not tell pages apart: the scheme, "www.", a
    trailing slash, a fragment and tracking parameters ("?utm_source=...")."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url.strip())
    if not parts.netloc:
        return None
    host = parts.netloc.casefold().removeprefix("www.")
    query = "&".join(q for q in parts.query.split("&") if q and not _TRACKING.match(q))
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def _entries(
    articles: Sequence[Article], names: Sequence[str], designated: set[str], in_full: bool
) -> list[Entry]:
    entries = []
    for art, name in zip(articles, names, strict=True):
        if art.status != "ok":
            continue
        outlet = outlet_label(art.document, name)
        is_source = art.document.role == "source" or outlet.casefold() in designated
        whole = reference_text(art) if in_full and is_source else None
        entries.append(Entry(name, art, outlet, is_source, whole))
    return sorted(entries, key=lambda e: e.name)


class _Aligner:
    """Aligns article pairs found through the index, each unordered pair once."""

    def __init__(
        self,
        entries: list[Entry],
        registry: SourceRegistry,
        settings: Settings,
        state: State | None = None,
        jobs: int = 1,
    ):
        self.entries = {e.name: e for e in entries}
        self.registry = registry
        self.settings = settings
        self.index = CorpusIndex(settings=settings.align)
        # the layout of Prepared is in the key
        keys = [digest("prepared-arrays", settings.align, e.reference) for e in entries]
        # stored and sent without their text, which the key (and the entry) already give
        found = {k: state.get("prepared", k) for k in keys} if state else {}
        todo = [e.reference for e, k in zip(entries, keys, strict=True) if found.get(k) is None]
        #: texts whose sentences, quotations and credits this process holds (see analyse)
        self.analysed: set[str] = set()
        job = functools.partial(
            _prepared,
            settings=settings.align,
            registry=registry,
            analyse=_worth_analysing(todo, jobs),
        )
        made = iter(_in_workers(job, todo, jobs))
        for e, key in zip(entries, keys, strict=True):
            doc = found.get(key)
            if doc is None:
                doc, analysis = next(made)
                if analysis is not None:
                    _remember(e.reference, registry, analysis)
                    self.analysed.add(e.reference)
                if state:
                    state.put("prepared", key, doc)
            self.index.add(e.name, dataclasses.replace(doc, text=e.reference))

    def analyse(self, names: Collection[str], jobs: int) -> None:
        """Work out the quotations and credits of the texts of ``names`` in ``jobs`` worker
        processes and keep them here, where the workers aligning pairs inherit them
        (else each of those works them out for every text it meets)."""
        texts = sorted({self.entries[n].reference for n in names} - self.analysed)
        if not _worth_analysing(texts, jobs):
            return
        job = functools.partial(_analysis, registry=self.registry)
        for text, analysis in zip(texts, _in_workers(job, texts, jobs), strict=True):
            _remember(text, self.registry, analysis)
            self.analysed.add(text)

    def pairs(self) -> Iterable[tuple[Entry, Entry]]:
        """Each pair of articles sharing n-grams, once (see ``[audit] beyond_sources``)."""
        sources = [n for n, e in self.entries.items() if e.designated]
        beyond = self.settings.audit.beyond_sources and bool(sources)
        need = max(self.settings.align.min_shared, 1)
        found = self.index.sharing_pairs(beyond=sources, hubs=self.hubs())
        for a, b, _shared, unexplained in found:
            pair = (self.entries[a], self.entries[b])
            # material both took from a designated source is reported against the source
            explained = beyond and not any(e.designated for e in pair) and unexplained < need
            if (explained and direction(*pair) is None) or self.own(*pair):
                continue
            yield pair
        # a designated source and a text that reworded it word by word (few shared n-grams)
        seen = {(a, b) for a, b, _, _ in found}
        for a, b, _shared in self.index.reworded_pairs(sources):
            if (a, b) not in seen and not self.own(self.entries[a], self.entries[b]):
                seen.add((a, b))
                yield self.entries[a], self.entries[b]
        # ... or that quotes its speaker in other words (a misquotation shares few n-grams)
        for a, b in self.quote_pairs():
            if (a, b) not in seen and not self.own(self.entries[a], self.entries[b]):
                yield self.entries[a], self.entries[b]

    def own(self, a: Entry, b: Entry) -> bool:
        """Are ``a`` and ``b`` articles of one outlet, which are not compared (``[audit]
        same_outlet``)?  An outlet reusing its own text took it from nobody."""
        if self.settings.audit.same_outlet or a.outlet.startswith("unknown ("):
            return False
        return same_outlet(a.outlet, b.outlet)

    def hubs(self) -> list[str]:
        """The hubs of text more articles carry than the index's cap (see
        :meth:`CorpusIndex.sharing_pairs`): designated sources only, the earliest first (the
        undated first: a designated source comes first).  Text only outlets share is left
        alone there: boilerplate many outlets print, paired with a hub, became copying of
        the hub's, and through a hub crediting TASS, TASS's."""

        def earliest(e: Entry) -> tuple[bool, str, str]:
            day = utc_day(e.published) or publication_day(e.published)
            return (day is not None, day or "", e.name)

        return [e.name for e in sorted(self.entries.values(), key=earliest) if e.designated]

    def quote_pairs(self) -> list[tuple[str, str]]:
        """Pairs ``(a, b)``, ``a < b``, of a designated source's article and another article
        that quote one speaker in words that agree (``[classify] min_quote_overlap``): the
        statements classify.py compares for altered quotations."""
        least = self.settings.classify.min_quote_overlap
        said: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
        for name, e in self.entries.items():
            for st in statements_in(e.reference):
                side = said.setdefault(st.speaker_key, ([], []))[0 if e.designated else 1]
                side.append((name, st.text))
        found: set[tuple[str, str]] = set()
        for sources, others in said.values():
            for s_name, s_text in sources:
                for o_name, o_text in others:
                    pair = (s_name, o_name) if s_name < o_name else (o_name, s_name)
                    if pair not in found and quote_overlap(o_text, s_text) >= least:
                        found.add(pair)
        return sorted(found)

    def align(self, target: Entry, source: Entry) -> list[Passage]:
        t_doc, s_doc = self.index.document(target.name), self.index.document(source.name)
        found = align_prepared(t_doc, s_doc, settings=self.settings.align)

        def stems(side: bool, span: Span) -> set[int]:
            doc = t_doc if side else s_doc
            i, j = doc.token_range(span)
            return set(doc.token_stems[i:j]) - {0}  # (0: a stop word)

        return merge_adjacent(
            self.classified(target, source, found),
            target.reference,
            source.reference,
            near_verbatim=self.settings.align.near_verbatim,
            stems=stems,
        )

    def names_outlet(self, source: Entry, other: Entry) -> bool:
        """Does ``source``'s text credit ``other``'s outlet ("the Kommersant newspaper
        reported"), while ``other`` credits no designated source (a wire citing a paper's
        exclusive, not a paper citing the wire)?"""
        if other.outlet.startswith("unknown (") or other.designated:
            return False
        cited = any(
            c.source is not None and same_outlet(c.source, other.outlet)
            for c in find_credits(source.reference, self.registry)
        )
        return cited and not self.credits_a_designated_source(other)

    def credits_a_designated_source(self, entry: Entry) -> bool:
        """Does the text credit a designated source anywhere (cheap: credits are cached)?"""
        return any(
            c.source is not None and c.source in self.registry.designated
            for c in find_credits(entry.reference, self.registry)
        )

    def classified(self, target: Entry, source: Entry, found: list[Passage]) -> list[Passage]:
        return classify(
            target.reference,
            source.reference,
            found,
            registry=self.registry,
            source_name=source.outlet,
            settings=self.settings.classify,
        )


def _pair_rows(aligner: _Aligner, a: Entry, b: Entry) -> list[dict[str, Any]]:
    order = direction(a, b, aligner.names_outlet)
    if order is not None:
        earlier, later, how = order
        passages = aligner.align(later, earlier)
        rows = [passage_row(later, earlier, p, how=how) for p in passages]
        # the earlier side, classified from its own text, matters only for upstream credits
        if passages and not earlier.designated and aligner.credits_a_designated_source(earlier):
            back = aligner.classified(earlier, later, [_mirror(p) for p in passages])
            rows += [passage_row(earlier, later, p, how="taken-by") for p in back]
        return rows
    passages = aligner.align(a, b)
    back = aligner.classified(b, a, [_mirror(p) for p in passages])
    return [passage_row(a, b, p, how="order-unknown") for p in passages] + [
        passage_row(b, a, p, how="order-unknown") for p in back
    ]


def _credited_through(
    rows: list[dict[str, Any]], aligner: _Aligner, designated: set[str], near_verbatim: float
) -> None:
    """Mark (``through``) the paraphrases of a designated source's passage that credit
    another designated source, when the source's passage credits that one too: "according
    to TASS", rewording what The Moscow Times also has "in comments to TASS".  Both took it
    from TASS; the likeness of two rewrites is no copying from The Moscow Times (nor is a
    quotation translated otherwise an altered one).  :func:`_upstream_rows` gives them to
    TASS, source text not in corpus."""
    for r in rows:
        named = r["credited_source"]
        if (
            r["direction"] != "designated-source"
            or float(r["similarity"] or 0) >= near_verbatim
            or not named
            or named.casefold() not in designated
            or named == r["source"]
        ):
            continue
        source = aligner.entries[r["source_article"]]
        text, aligned = source.reference, r["source_text"]
        if source.full:  # (its source_text may be its main text's, its paragraphs apart)
            aligned = text[r["source_file_start"] : r["source_file_end"]]
        found = text.find(aligned)
        if found < 0:
            continue
        # a credit covers its paragraph and the next (a credit given once): the source's
        # passage must lie in what one credit covers, not run on into the source's own
        lines = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
        end = found + len(aligned)
        for c in find_credits(text, aligner.registry):
            if c.source != named:
                continue
            k = next((k for k, (_, stop) in enumerate(lines) if stop > c.span.start), None)
            if k is None:
                continue
            lo, hi = lines[k][0], lines[min(k + 1, len(lines) - 1)][1]
            if lo <= found and end <= hi:
                break
        else:
            continue
        r["through"] = named


def _upstream_rows(
    rows: list[dict[str, Any]], aligner: _Aligner, designated: set[str]
) -> list[dict[str, Any]]:
    """Credited material shared between outlets whose source text is absent.

    An article may share that material with several outlets, each pair finding its
    own stretch of it, cut in its own places.  The stretches credited to one source
    are joined where they overlap, then cut again into runs of quoted and unquoted
    sentences: each piece of the article is reported once, not once a pair.

    An article that shares such material, in an unknown order, with an outlet that
    credits it to a designated source, and credits nobody for it, has it from that
    source too, uncredited (``credited-elsewhere``): whichever of the two it came
    through, the material is the source's.  A later article that credits the source the
    earlier one credits for it has it from that source, credited, as the earlier one
    does (its passages from the earlier article stay listed, counted under the credit).
    """
    from_sources: dict[str, list[Span]] = {}
    sources_used: set[tuple[str, str]] = set()  # (article, outlet of a designated source)
    for r in rows:
        if r.get("through"):
            continue  # (see _credited_through)
        if aligner.entries[r["source_article"]].designated and r["direction"] != "taken-by":
            from_sources.setdefault(r["article"], []).append(Span(r["start"], r["end"]))
            sources_used.add((r["article"], r["source"].casefold()))

    def upstream_of(r: dict[str, Any]) -> bool:
        """Could ``r``'s article have its passage from upstream of the corpus?"""
        span = Span(r["start"], r["end"])
        if _union_overlap(span, from_sources.get(r["article"], [])) > len(span) // 2:
            return False  # the designated source's own article is in the corpus
        # "TASS contributed to this report" closing an article that took TASS's story
        # from the corpus credits that story: the rest is the article's own, not text of
        # TASS's missing from the corpus (a credit given further up goes on over a second
        # story the article has from TASS, which may be missing)
        named = (r["credited_source"] or "").casefold()
        contributed = r["credit_level"] == "credit-line" and r["credit_kind"] == "contributed"
        if contributed and (r["article"], named) in sources_used:
            return False
        entry = aligner.entries[r["article"]]
        return not (entry.designated or entry.full)  # (a source is the reference)

    def credits(r: dict[str, Any]) -> str | None:
        """The designated source ``r``'s article credits for its passage, if any."""
        named = r["credited_source"]
        return named if named and named.casefold() in designated else None

    found: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    crediting: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        # a later article's copy keeps its immediate source
        if r.get("through") or r["direction"] not in (
            "earlier-date",
            "closer-to-source",
            "designated-source",
        ):
            named = credits(r)
            if named and upstream_of(r):
                found.setdefault((r["article"], named, True), []).append(r)
                crediting.setdefault((r["article"], r["source_article"]), []).append(r)
    for r in rows:
        # a later article crediting the source its earlier outlet credits for the material
        # names where it came from, as the earlier one does: not a copy of that outlet's
        if r.get("through") or r["direction"] not in ("earlier-date", "closer-to-source"):
            continue
        named = credits(r)
        if not named or not upstream_of(r):
            continue
        theirs = Span(r["source_start"], r["source_end"])
        for other in crediting.get((r["source_article"], r["article"]), []):
            if credits(other) == named and overlap(
                theirs, Span(other["start"], other["end"])
            ) * 2 > len(theirs):
                found.setdefault((r["article"], named, True), []).append(r)
                break
    for r in rows:
        if r["direction"] != "order-unknown" or r["credited_source"] or not upstream_of(r):
            continue  # (an article crediting any outlet for it, its source too, is not here)
        theirs = Span(r["source_start"], r["source_end"])
        for other in crediting.get((r["source_article"], r["article"]), []):
            if overlap(theirs, Span(other["start"], other["end"])) * 2 > len(theirs):
                found.setdefault((r["article"], credits(other) or "", False), []).append(r)
                break
    taken: dict[str, list[Span]] = {}  # per article, what it credits a source for
    for (article, _, credited), source_rows in found.items():
        if credited:
            taken.setdefault(article, []).extend(Span(r["start"], r["end"]) for r in source_rows)
    quote_share = aligner.settings.classify.quote_share
    elsewhere: dict[str, list[Span]] = {}  # per article, what it shares with a text at hand
    for r in rows:
        if r["direction"] != "taken-by":
            elsewhere.setdefault(r["article"], []).append(Span(r["start"], r["end"]))
    upstream = []
    for (article, source, credited), source_rows in sorted(found.items()):
        entry = aligner.entries[article]
        quoted = quotes.Coverage(quotes.find_quotations(entry.reference))
        joined = _joined_spans(source_rows)
        if credited:
            shared = elsewhere.get(article, [])
            joined = _credited_paragraphs(entry.reference, joined, source, aligner.registry, shared)
        for span, members in joined:
            mine = taken.get(article, [])
            if not credited and any(overlap(span, t) * 2 > len(span) for t in mine):
                continue  # the article credits a source for it after all
            for sents, _ in quote_runs(entry.reference, span, quoted):
                piece = Span(sents[0].start, sents[-1].end)
                # the credit of the row holding most of the piece (the first of equals)
                r = max(members, key=lambda m: overlap(piece, Span(m["start"], m["end"])))
                p = Passage(
                    target=piece,
                    source=Span(0, 0),
                    kind="verbatim",
                    similarity=0.0,
                    quote=quoted.share(piece) > quote_share,
                    altered_quote=False,
                    credited=credited,
                    credit_text=r["credit_text"] if credited else "",
                )
                how = "credited-upstream" if credited else "credited-elsewhere"
                upstream.append(passage_row(entry, None, p, how=how, source_name=source))
    return upstream


def _credited_paragraphs(
    text: str,
    joined: list[tuple[Span, list[dict[str, Any]]]],
    source: str,
    registry: SourceRegistry,
    shared: Sequence[Span],
) -> list[tuple[Span, list[dict[str, Any]]]]:
    """``joined``, credited material the article shares with other outlets, widened to
    whole paragraphs where the rest of the paragraph belongs to a quotation the shared
    stretch is part of, credited to the same source (the nearest credit names it) and
    shared with no text of the corpus: a sentence of the credited quotation that the
    other outlets reworded past recognition is the source's material as well (it counted
    as the article's own).  The outlet's own sentences beside it stay its own."""
    credits = find_credits(text, registry)
    quoted = [q.span for q in quotes.find_quotations(text) if q.depth == 0]
    out: list[tuple[Span, list[dict[str, Any]]]] = []
    for paragraph in segment_paragraphs(text):
        inside = [(s, m) for s, m in joined if paragraph.start <= s.start < paragraph.end]
        if not inside:
            continue
        rest, reach = [], paragraph.start
        for s, _ in inside:
            if text[reach : s.start].strip():
                rest.append(Span(reach, s.start))
            reach = max(reach, s.end)
        if reach < paragraph.end and text[reach : paragraph.end].strip():
            rest.append(Span(reach, paragraph.end))
        # (the rest of a credited quotation the shared stretch is part of: not the outlet's
        # own sentences beside it, "A survey by our newsroom found...")
        within = [q for q in quoted if any(overlap(q, s) for s, _ in inside)]
        if rest and all(
            not _union_overlap(part, shared)
            and _outside_words(text, part, within) <= _ATTRIBUTION_WORDS
            and (ranked := ranked_credits(text, part, credits))
            and ranked[0][0].source == source
            for part in rest
        ):
            whole = Span(paragraph.start, max(paragraph.end, inside[-1][0].end))
            out.append((whole, [m for _, members in inside for m in members]))
        else:
            out += inside
    placed = {id(m) for _, members in out for m in members}
    out += [(s, m) for s, m in joined if not any(id(x) in placed for x in m)]
    return sorted(out, key=lambda x: (x[0].start, x[0].end))


#: the most words of a paragraph's rest outside the quotation for it to be the quotation's
#: (its attribution: "the deputy told TASS.")
_ATTRIBUTION_WORDS = 8


def _outside_words(text: str, part: Span, quoted: Sequence[Span]) -> int:
    """Words of ``part`` outside the ``quoted`` spans."""
    starts = (part.start + m.start() for m in re.finditer(r"\w+", text[part.start : part.end]))
    return sum(not any(q.start <= at < q.end for q in quoted) for at in starts)


def _union_overlap(span: Span, spans: Iterable[Span]) -> int:
    """Characters of ``span`` that any of ``spans`` (which may overlap) covers."""
    covered, reach = 0, span.start
    for s in sorted(spans, key=lambda s: s.start):
        start, end = max(s.start, reach), min(s.end, span.end)
        if end > start:
            covered += end - start
            reach = end
    return covered


#: an order-unknown passage this much of which the article has from a designated source,
#: all but fewer than this many characters, is that source's material, not listed again
#: between the two outlets
_SOURCES_SHARE = 0.8
_SOURCES_REST = 80


def _beyond_sources(rows: list[dict[str, Any]], aligner: _Aligner) -> list[dict[str, Any]]:
    """``rows`` without the order-unknown passages two articles share that each has from
    a designated source's article (``[audit] beyond_sources``): the pair was compared for
    what no source holds, and what a source holds is listed against the source (a story
    400 outlets carry listed its paragraphs between every two same-day copies, 14,394 of
    20,495 rows of report.md)."""
    taken: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        source = aligner.entries.get(r["source_article"])  # (none: not in the corpus)
        if r["direction"] != "order-unknown" and source is not None and source.designated:
            taken.setdefault(r["article"], []).append(r)
    merged = {article: [s for s, _ in _joined_spans(found)] for article, found in taken.items()}

    def sourced(r: dict[str, Any]) -> bool:
        span = Span(r["start"], r["end"])
        covered = sum(overlap(span, s) for s in merged.get(r["article"], []))
        # (what is left must be no more than a few words: a sentence the two share beyond
        # the source is evidence, listed)
        rest = len(span) - covered
        return covered >= _SOURCES_SHARE * max(len(span), 1) and rest < _SOURCES_REST

    return [r for r in rows if r["direction"] != "order-unknown" or not sourced(r)]


def _copyright_credited(rows: list[dict[str, Any]], aligner: _Aligner) -> None:
    """Credit the passages an article took from a source its page's copyright line names
    ("© 2025 TASS. All rights reserved." under a reprint, removed as furniture): the
    line says the whole text is that source's (see :func:`copyright_credits`)."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        name = r["article"]
        if r["credited"] or name in lines:
            continue
        entry = aligner.entries[name]
        lines[name] = [
            (source, line)
            for source, line in copyright_credits(entry.article.extraction, aligner.registry)
            if not same_outlet(source, entry.outlet)
        ]
    for r in rows:
        if r["credited"]:
            continue
        line = next((t for s, t in lines[r["article"]] if same_outlet(s, r["source"])), None)
        if line is not None:
            r.update(credited=True, credit_text=line, credited_source=r["source"])


def _origin_credited(rows: list[dict[str, Any]], near_verbatim: float) -> None:
    """Credit the passages an article took through an outlet that relays them word for
    word, when the article credits where the material first appeared ("according to TASS"
    over a paragraph another reprint of TASS printed first): it names the material's
    origin, and the relay's words are the origin's.  Listed as uncredited copying from the
    relay, the reprint crediting the wire was counted among a run's new uncredited
    passages (and alerted on), while no word of it counted as uncredited.  A relay that
    reworded the origin wrote those words: a copy of them is that outlet's, whatever it
    credits."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(r["article"], []).append(r)

    def faithful(r: dict[str, Any]) -> bool:
        """Does the relay have the passage's source side from its origin word for word
        (or credit it to the origin, whose text is absent)?"""
        span = Span(r["source_start"], r["source_end"])
        ups = [
            (overlap(span, Span(u["start"], u["end"])), u)
            for u in by_article.get(r["source_article"], [])
            if same_outlet(str(u["origin"]), str(r["origin"]))
        ]
        close = [
            Span(max(span.start, u["start"]), min(span.end, u["end"]))
            for n, u in ups
            if n
            and (
                u["direction"] == "credited-upstream"
                or float(u["similarity"] or 0) >= near_verbatim
            )
        ]
        # all of it but a few words (not a sentence of the relay's own reporting)
        rest = len(span) - _union_overlap(span, close)
        return rest < _SOURCES_REST and rest <= (1 - _SOURCES_SHARE) * len(span)

    for r in rows:
        named, origin = r.get("credited_source"), r.get("origin")
        if r["credited"] or not named or not origin or same_outlet(origin, r["source"]):
            continue
        if same_outlet(named, origin) and faithful(r):
            r["credited"] = True


def _joined_spans(
    rows: Iterable[dict[str, Any]],
) -> list[tuple[Span, list[dict[str, Any]]]]:
    """The rows' spans joined where they overlap, each with the rows it joins (by start)."""
    joined: list[tuple[Span, list[dict[str, Any]]]] = []
    for r in sorted(rows, key=lambda r: (r["start"], r["end"])):
        if joined and r["start"] < joined[-1][0].end:
            span, members = joined[-1]
            joined[-1] = (Span(span.start, max(span.end, r["end"])), [*members, r])
        else:
            joined.append((Span(r["start"], r["end"]), [r]))
    return joined


def _in_workers(job: Callable[[str], T], texts: list[str], jobs: int) -> list[T]:
    """``job`` of each text, in order; in ``jobs`` worker processes when there are many."""
    if jobs <= 1 or len(texts) < 2 * _PREPARE_BATCH:
        return [job(t) for t in texts]
    outcomes = run_batched(job, texts, jobs=jobs, batch=_PREPARE_BATCH)
    # a text whose worker failed (was killed) is done here: neither job ever hangs
    return [
        o.value if o.ok and o.value is not None else job(t)
        for t, o in zip(texts, outcomes, strict=True)
    ]


#: texts per worker job when preparing or analysing texts in worker processes
_PREPARE_BATCH = 16


_Analysis = tuple[Layout, quotes.Analysis, tuple[Credit, ...]]


def _worth_analysing(texts: Collection[str], jobs: int) -> bool:
    """Whether to analyse ``texts`` in workers for the pair workers to inherit: with
    workers, enough texts to share out, and few enough for the per-text caches."""
    return jobs > 1 and 2 * _PREPARE_BATCH <= len(texts) <= TEXT_CACHE


def _analysis(text: str, registry: SourceRegistry) -> _Analysis:
    """What classifying a passage of ``text`` needs: sentences, quotations, credits."""
    return layout(text), quotes.analyse(text), tuple(find_credits(text, registry))


def _remember(text: str, registry: SourceRegistry, analysis: _Analysis) -> None:
    remember_layout(text, analysis[0])
    quotes.remember(text, analysis[1])
    remember_credits(text, registry, analysis[2])


def _prepared(
    text: str, *, settings: AlignSettings, registry: SourceRegistry, analyse: bool
) -> tuple[Prepared, _Analysis | None]:
    """The text prepared for alignment (without the text itself, which the caller has and
    need not be sent back or stored again), and its :func:`_analysis` when asked (one pass
    over the text in one worker: the sentences are found once)."""
    done = dataclasses.replace(prepare(text, settings=settings), text="")  # (the caller has it)
    return done, _analysis(text, registry) if analyse else None


_WORKER: list[_Aligner] = []  # the aligner a forked worker inherits


def _pair_job(pair: tuple[str, str]) -> list[dict[str, Any]]:
    aligner = _WORKER[0]
    return _pair_rows(aligner, aligner.entries[pair[0]], aligner.entries[pair[1]])


def _skipped(pair: tuple[str, str], outcome: Outcome[list[dict[str, Any]]], limit: float) -> str:
    """The message for a pair whose alignment timed out or failed (the run goes on without
    it; the CLI names it on stderr, even under -q, as it names failed inputs)."""
    a, b = pair
    if outcome.kind == "timeout":
        why = f"took more than {limit:g} s; pair skipped - raise [ingest] pair_seconds"
    else:
        why = f"failed ({outcome.message}); pair skipped"
    message = f"aligning {a} with {b} {why}"
    log.debug("%s", message)
    return message


def _align_all(
    aligner: _Aligner, pairs: list[tuple[str, str]], jobs: int
) -> Iterator[list[dict[str, Any]] | str]:
    """Rows of each pair (the message when skipped), in pair order, aligned in forked workers
    (or here).

    Workers are forked so they share the prepared corpus without copying it.
    Each pair runs under ``[ingest] pair_seconds`` (:func:`run_batched`): a worker over it is killed
    and the pair is logged and skipped (no rows), as is a pair whose alignment
    raises or kills its worker.  With the limit off (0) and ``jobs`` 1, or where
    fork is not available, pairs are aligned in this process.
    """
    limit = aligner.settings.ingest.pair_seconds
    _WORKER[:] = [aligner]
    try:
        # a pair takes a millisecond or two, about a round trip to a worker: batches
        outcomes = run_batched(
            _pair_job,
            pairs,
            jobs=max(1, min(jobs, len(pairs))),
            seconds=limit if limit > 0 else None,
        )
        for pair, outcome in zip(pairs, outcomes, strict=True):
            if outcome.ok and outcome.value is not None:
                yield outcome.value
            else:
                yield _skipped(pair, outcome, limit)
    finally:
        _WORKER.clear()


class _ExtractionCache:
    """extract_all's cache in the run state: extractions by content, templates and settings."""

    def __init__(self, state: State, settings: Settings) -> None:
        self.state = state
        self.settings = settings.extract

    def _key(self, doc: Document, template_lines: frozenset[str]) -> str:
        return digest(
            "extraction", self.settings, doc.kind, doc.url, doc.sha256, sorted(template_lines)
        )

    def get(self, doc: Document, template_lines: frozenset[str]) -> Article | None:
        found = self.state.get("extraction", self._key(doc, template_lines))
        return assemble(doc, found) if isinstance(found, Extraction) else None

    def put(self, doc: Document, template_lines: frozenset[str], article: Article) -> None:
        if article.status in ("ok", "no-text"):
            self.state.put("extraction", self._key(doc, template_lines), article.extraction)

    def _templates_key(self, pages: Sequence[Document]) -> str:
        # learn_templates counts identical pages once and in no order: nor does the key
        return digest("templates", self.settings, sorted({d.sha256 for d in pages}))

    def templates(self, pages: Sequence[Document]) -> frozenset[str] | None:
        found = self.state.get("templates", self._templates_key(pages))
        return found if isinstance(found, frozenset) else None

    def keep_templates(self, pages: Sequence[Document], lines: frozenset[str]) -> None:
        self.state.put("templates", self._templates_key(pages), lines)


def _content_hash(e: Entry) -> str:
    return e.article.document.sha256


def _pair_keys(aligner: _Aligner, pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The state key of each pair: both articles' content and metadata, and the settings."""
    s = aligner.settings
    sources = sorted(s.sources.items(), key=lambda kv: kv[0])
    # (extraction settings too: they decide the offsets a passage maps to in the main text)
    context = digest("pair-settings", s.extract, s.align, s.classify, s.audit, sources)
    sigs = {
        e.name: digest(e.name, e.outlet, e.designated, e.published, e.text, _content_hash(e))
        for e in aligner.entries.values()
    }
    return [digest("pair", context, sigs[a], sigs[b]) for a, b in pairs]


def _pair_results(
    aligner: _Aligner,
    pairs: list[tuple[str, str]],
    jobs: int,
    state: State | None,
    progress: Progress | None,
    skipped: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of every pair, in pair order: from the state when cached, else aligned (a pair
    that timed out or failed has none, and is added to ``skipped``)."""
    keys = _pair_keys(aligner, pairs) if state else []
    found: dict[int, list[dict[str, Any]]] = {}
    if state:
        for i, key in enumerate(keys):
            cached = state.get("pair", key)
            if isinstance(cached, list):
                # a damaged entry is aligned again
                with contextlib.suppress(KeyError, TypeError, AttributeError):
                    found[i] = [_with_texts(r, aligner) for r in cached]
    todo = [i for i in range(len(pairs)) if i not in found]
    aligner.analyse({name for i in todo for name in pairs[i]}, jobs)
    done = len(found)
    for i, got in zip(todo, _align_all(aligner, [pairs[i] for i in todo], jobs), strict=True):
        if isinstance(got, str):  # skipped: no rows, the message kept (and nothing cached)
            if skipped is not None:
                skipped.append(got)
            found[i] = []
        else:
            found[i] = got
            if state:
                state.put("pair", keys[i], [_without_texts(r, aligner) for r in got])
        done += 1
        if progress:
            progress("align", done, len(pairs))
    # rows are dicts the later stages change: hand out copies, never the cached ones
    return [dict(r) for i in range(len(pairs)) for r in found[i]]


def _texts_of(row: dict[str, Any], aligner: _Aligner) -> tuple[str, str]:
    """A pair row's text and source text, cut again from the two entries' reference texts
    (at the file offsets for one aligned in its input file, as :func:`passage_row` cut
    them, else at the main-text ones)."""
    out = []
    for side, prefix in ((row["article"], ""), (row["source_article"], "source_")):
        e = aligner.entries[side]
        if e.full:
            span = Span(row[f"{prefix}file_start"], row[f"{prefix}file_end"])
            out.append(e.shown(span, evidence=bool(prefix)))
        else:
            out.append(e.reference[row[f"{prefix}start"] : row[f"{prefix}end"]])
    return out[0], out[1]


def _without_texts(row: dict[str, Any], aligner: _Aligner) -> dict[str, Any]:
    """The row as the state keeps it: without the two texts when they can be cut again
    (they are most of a row's bytes), else as it is."""
    try:
        if _texts_of(row, aligner) == (row["text"], row["source_text"]):
            return {**row, "text": None, "source_text": None}
    except (KeyError, TypeError):
        pass
    return row


def _with_texts(row: dict[str, Any], aligner: _Aligner) -> dict[str, Any]:
    """A row from the state, with the texts :func:`_without_texts` left out cut again."""
    if row.get("text") is not None:
        return row
    text, source_text = _texts_of(row, aligner)
    return {**row, "text": text, "source_text": source_text}


def audit(
    paths: Sequence[str],
    *,
    manifest: str | None = None,
    settings: Settings = DEFAULTS,
    sources: Sequence[str] = (),
    progress: Progress | None = None,
    jobs: int = 1,
    state: State | None = None,
    documents: Sequence[Document] | None = None,
) -> AuditRun:
    """Audit the articles under ``paths``; see the module docstring.

    ``documents``: the inputs already read from ``paths`` (else they are read here).

    ``jobs`` > 1 aligns article pairs in that many worker processes; the
    result is the same as with one.  With ``state``, extractions, fingerprints
    and pair alignments found there are reused and new ones are added to it
    (the caller commits it); the result is the same as without.
    """
    registry = SourceRegistry.from_settings(settings)
    designated = {s.casefold() for s in (*registry.designated, *sources)}
    for name in sources:
        canonical = registry.canonical(name)
        if canonical:
            designated.add(canonical.casefold())
    roots = [Path(p) for p in paths if p != "-" and Path(p).is_dir()]
    docs = (
        list(documents)
        if documents is not None
        else list(iter_documents(paths, manifest=manifest, settings=settings))
    )
    clock = _Stages()
    cache = _ExtractionCache(state, settings) if state else None
    articles = extract_all(docs, settings=settings, jobs=jobs, cache=cache)
    clock.done("extract", len(docs))
    names = article_names(articles, roots)
    articles = _unique(articles, names, designated)
    entries = _entries(articles, names, designated, settings.audit.sources_in_full)
    outlets = {e.outlet.casefold() for e in entries if e.outlet}
    for name in sources:
        if registry.canonical(name) is None and name.casefold() not in outlets:
            log.warning(
                "--source %r names no outlet of the corpus and no known source"
                " - check its spelling (outlets are named in articles.csv)",
                name,
            )
    for e in entries:  # (a source matched in its whole file has its file's offsets)
        if e.reference == e.article.text:
            remember_items(e.reference, entry_starts(e.article.extraction))
    aligner = _Aligner(entries, registry, settings, state, jobs)
    clock.done("prepare", len(entries))
    pairs = [(a.name, b.name) for a, b in aligner.pairs()]
    skipped: list[str] = []
    rows = _pair_results(aligner, pairs, jobs, state, progress, skipped)
    # a designated source aligned in its whole file (sources_in_full): what it shares outside
    # its main text (its own footer, "© TASS 2025. All rights reserved", in every article
    # of it) is furniture, no word of it counted; listed, it was TASS copying TASS
    rows = [r for r in rows if r["start"] < r["end"] or not aligner.entries[r["article"]].full]
    clock.done("align", len(pairs))
    order_by_source(rows, settings.audit.order_margin, settings.align.near_verbatim)
    _credited_through(rows, aligner, designated, settings.align.near_verbatim)
    rows += _upstream_rows(rows, aligner, designated)
    rows = [r for r in rows if not r.pop("through", None)]
    origins(rows)
    rows = [r for r in rows if r["direction"] != "taken-by"]
    if settings.audit.beyond_sources:
        rows = _beyond_sources(rows, aligner)
    _copyright_credited(rows, aligner)
    _origin_credited(rows, settings.align.near_verbatim)
    for r in rows:
        r.pop("credited_source", None)
        r.pop("credit_level", None)
        r.pop("credit_kind", None)
    tables = _tables(articles, names, entries, rows, settings)
    clock.done("aggregate", len(rows))
    watched = {registry.canonical(s) or s for s in (*registry.designated, *sources)}
    watched |= {e.outlet for e in entries if e.designated}
    hashes = {e.name: _content_hash(e) for e in entries}
    return AuditRun(
        tables=tables,
        documents=[a.document for a in articles],
        designated=sorted(watched),
        hashes=hashes,
        skipped=skipped,
        inputs={name: input_path(a.document) for a, name in zip(articles, names, strict=True)},
    )


class _Stages:
    """Logs (at debug level: ``-vv``) how long each stage of a run took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.cpu = time.process_time()

    def done(self, stage: str, items: int) -> None:
        """Log the stage's wall time, and the CPU time of this process (the workers' is apart)."""
        now, cpu = time.perf_counter(), time.process_time()
        log.debug(
            "%s: %d items in %.2f s (main process CPU %.2f s)",
            stage,
            items,
            now - self.last,
            cpu - self.cpu,
        )
        self.last, self.cpu = now, cpu


def _tables(
    articles: list[Article],
    names: Sequence[str],
    entries: list[Entry],
    rows: list[dict[str, Any]],
    settings: Settings,
) -> AuditTables:
    article_rows, removed = [], []
    # a designated source's article is audited as source text, whatever role it was given
    as_sources = {e.name for e in entries if e.designated}
    for art, name in zip(articles, names, strict=True):
        outlet = outlet_label(art.document, name)
        doc = art.document
        article_rows.append(
            {
                "article": name,
                "outlet": outlet,
                "role": "source" if name in as_sources else doc.role,
                "title": doc.title or "",
                "published": doc.published or "",
                "status": art.status,
            }
        )
        removed += [
            {"article": name, "outlet": outlet, "order": k, "reason": r.reason, "text": r.text}
            for k, r in enumerate(art.extraction.removed)
        ]
    texts = {e.name: e.text for e in entries}
    ids = {e.name: _text_id(e.name) for e in entries}
    return build_tables(article_rows, rows, removed, texts, ids, settings=settings.audit)


def _text_id(name: str) -> str:
    stem, _ext = os.path.splitext(name)
    return stem


__all__ = ["AuditRun", "audit", "direction"]
