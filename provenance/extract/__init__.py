"""Main-content extraction: HTML through trafilatura, scraped text through our cleaner.

``extract_document`` turns an ingested :class:`~provenance.models.Document` into an
:class:`~provenance.models.Article`, filling from the page's own metadata what the
manifest left blank.  ``extract_all`` also settles each article's outlet (see
:meth:`provenance.attribution.SourceRegistry.outlet`): the manifest's outlet under its
canonical name ("Moscow Times" is The Moscow Times, "ITAR-TASS" is TASS), else a known
source's web domain, else the page's site name, else its web host.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Protocol

from provenance.ingest import has_text
from provenance.models import Article, Document, Extraction, Removed, Status
from provenance.settings import DEFAULTS, Settings
from provenance.workers import Outcome, run_batched

if TYPE_CHECKING:
    from provenance.attribution import SourceRegistry

log = logging.getLogger(__name__)

__all__ = ["assemble", "entry_starts", "extract_all", "extract_document"]


def extract_document(
    doc: Document,
    *,
    settings: Settings = DEFAULTS,
    template_lines: frozenset[str] = frozenset(),
) -> Article:
    """Extract one document.  A document that failed ingestion stays failed."""
    if doc.status != "ok":
        return Article(document=doc, extraction=Extraction(text=""), status=doc.status)
    if doc.kind == "html":
        from provenance.extract.html import extract_html  # trafilatura is slow to import

        extraction = extract_html(
            doc.content,
            url=doc.url,
            settings=settings.extract,
            template_lines=template_lines,
            dated=doc.published is not None,
        )
    else:
        from provenance.extract.text import clean_text

        extraction = clean_text(
            doc.content, settings=settings.extract, template_lines=template_lines
        )
    return assemble(doc, extraction)


def assemble(doc: Document, extraction: Extraction) -> Article:
    """The article of a document and its extraction; page metadata fills manifest blanks."""
    doc = replace(
        doc,
        outlet=doc.outlet or extraction.sitename,
        url=doc.url or extraction.url,
        published=doc.published or extraction.published,
        language=doc.language or extraction.language,
        title=doc.title or extraction.title,
    )
    if not has_text(extraction.text):  # zero-width characters and BOMs are no text either
        return Article(document=doc, extraction=extraction, status="no-text")
    heads = [extraction.title or "", *(r.text for r in extraction.removed if r.reason == "title")]
    if _error_page(extraction.text, heads):
        removed = (*extraction.removed, Removed(extraction.text.strip(), "error-page"))
        gone = replace(extraction, text="", pieces=(), removed=removed)
        return Article(document=doc, extraction=gone, status="no-text")
    return Article(document=doc, extraction=extraction)


#: what a page a crawler saved instead of the article says ("404 - Page not found")
_ERROR_PAGE = re.compile(
    r"(?i)\b(?:(?:error\s*)?40[34]\b\W{0,3}(?:error|not found|page|forbidden)|page not found|"
    r"error\s*40[34]\b|"
    r"(?:this )?page (?:does not|doesn't|no longer) exists?|"
    r"страница не найдена|ошибка 404)"
)
#: ... in a text of at most this many words (a brief may report an outage: "Gosuslugi
#: showed users 'Error 404' for hours")
_ERROR_PAGE_WORDS = 12


def _error_page(text: str, heads: Sequence[str] = ()) -> bool:
    """Is the main text a web server's error page (a 404 a crawler saved), not an article?
    ``heads``: its title, which may say so ("404 - Page not found" over "Sorry.")."""
    if len(text.split()) > _ERROR_PAGE_WORDS:
        return False
    return any(_ERROR_PAGE.search(t) is not None for t in (text, *heads))


class ArticleCache(Protocol):
    """Where extract_all finds and keeps articles it extracted before (see provenance.state)."""

    def get(self, doc: Document, template_lines: frozenset[str]) -> Article | None: ...

    def put(self, doc: Document, template_lines: frozenset[str], article: Article) -> None: ...

    # optional: ``templates(pages)``, the template lines learnt before from exactly these
    # pages (documents) of an outlet (or None), and ``keep_templates(pages, lines)``


def extract_all(
    docs: list[Document],
    *,
    settings: Settings = DEFAULTS,
    jobs: int = 1,
    cache: ArticleCache | None = None,
) -> list[Article]:
    """Extract a corpus: learn each outlet's template lines first, then extract.

    Template learning needs several pages of one outlet; pages with no known
    outlet are extracted on their own.  With ``[ingest] doc_seconds`` set, each
    page is extracted in a worker process (``jobs`` of them) that is killed when
    the page takes longer: the page gets status ``timeout``; a worker that dies
    or an exception gives ``failed``.  Either way the rest go on, and the
    articles come back in the order of ``docs``.
    """
    from provenance.attribution import SourceRegistry
    from provenance.extract.templates import learn_templates

    registry = SourceRegistry.from_settings(settings)
    given = docs
    docs = _spelt_alike([_named(doc, registry) for doc in docs])
    pages: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.status == "ok" and doc.kind == "text" and doc.outlet:
            pages.setdefault(doc.outlet, []).append(doc)
    templates = {}
    # an outlet whose pages are the same learns the same lines (a cache may not keep them)
    known_lines = getattr(cache, "templates", None)
    keep_lines = getattr(cache, "keep_templates", None)
    if known_lines is not None:
        for outlet in list(pages):
            known = known_lines(pages[outlet])
            if known is not None:
                templates[outlet] = known
                del pages[outlet]
    if pages:
        texts = {outlet: [d.content for d in found] for outlet, found in pages.items()}
        learnt = learn_templates(
            texts, settings=settings.extract, credits=partial(_credits, registry)
        )
        templates.update(learnt)
        if keep_lines is not None:
            for outlet, lines in learnt.items():
                keep_lines(pages[outlet], lines)
    jobs_of = {
        i: (doc, templates.get(doc.outlet or "", frozenset()))
        for i, doc in enumerate(docs)
        if doc.status == "ok"
    }
    done: dict[int, Article] = {}
    if cache is not None:
        for i, (doc, lines) in jobs_of.items():
            hit = cache.get(doc, lines)
            if hit is not None:
                done[i] = hit
    todo = [(i, job) for i, job in jobs_of.items() if i not in done]
    _import_extractors([job for _, job in todo])
    seconds = settings.ingest.doc_seconds if settings.ingest.doc_seconds > 0 else None
    outcomes = run_batched(  # a scraped text takes about a round trip to a worker
        partial(_extract_job, settings=settings),
        [job for _, job in todo],
        jobs=jobs,
        seconds=seconds,
        batch=8,
    )
    for (i, (doc, lines)), outcome in zip(todo, outcomes, strict=True):
        done[i] = _settled(doc, outcome, seconds)
        if cache is not None and outcome.ok:
            cache.put(doc, lines, done[i])
    articles = [done[i] if i in done else _unread(doc) for i, doc in enumerate(docs)]
    return _placed(articles, given, registry)


#: a live blog entry's time alone ("15:02 BST", "9.30am"), not a date ("Updated June 20,
#: 2025 14:35" under an article's title)
_ENTRY_TIME = re.compile(r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[^\W\d]{2,5})?", re.I)


def entry_starts(extraction: Extraction) -> tuple[int, ...]:
    """Where in the main text the entries of a live blog start: at the entry times the
    extractor removed as furniture ("15:02 BST" over each entry), two at least, or ()."""
    stamps = [
        r
        for r in extraction.removed
        if r.reason == "timestamp" and r.start >= 0 and _ENTRY_TIME.fullmatch(r.text.strip())
    ]
    if len(stamps) < 2:
        return ()
    end = len(extraction.text.rstrip())
    found = {extraction.text_span(r.start, r.end).start for r in stamps}
    return tuple(sorted(pos for pos in found if pos < end))


def _credits(registry: SourceRegistry, line: str) -> bool:
    """Does ``line`` credit one named source ("Source: TASS", "(Reuters)")?  A line naming
    several ("Sources: TASS, Reuters, AFP" under every page) is the site's list, which
    would credit every copy of any of them."""
    from provenance.attribution import find_credits

    named = {c.source for c in find_credits(line, registry) if c.source is not None}
    return len(named) == 1 and len({name for _, name in registry.mentions(line)}) <= 1


def _named(doc: Document, registry: SourceRegistry) -> Document:
    """The document with the outlet known before extraction: the manifest's, under its
    canonical name; for a scraped text without one, its address's (so the pages of one
    site learn their template lines together)."""
    if doc.outlet:
        outlet = registry.outlet(doc.outlet)
    elif doc.kind == "text" and doc.url:
        outlet = registry.outlet(None, doc.url)
    else:
        return doc
    return doc if outlet == doc.outlet else replace(doc, outlet=outlet)


def _placed(
    articles: list[Article], given: Sequence[Document], registry: SourceRegistry
) -> list[Article]:
    """The articles with the outlets settled from the pages where the input named none.

    The pages of one web host take one name: the site name most of them give (so
    "WSJ" on one page and none on the next do not make two outlets), cut to its part
    that names the host when it has several ("ARLnow.com - Arlington, Va. - Breaking
    News" is ARLnow.com); see :meth:`~provenance.attribution.SourceRegistry.outlet`.
    """
    from provenance.attribution import site_label, web_host

    pages: dict[int, tuple[str, str]] = {}  # (web host, site label) of each page to place
    for i, (art, doc) in enumerate(zip(articles, given, strict=True)):
        if not doc.outlet and not (art.document.kind == "text" and art.document.outlet):
            host = web_host(art.document.url or "")
            pages[i] = host, site_label(art.extraction.sitename or "", host)
    seen: dict[str, Counter[str]] = {}
    for host, label in pages.values():
        if host and label:
            seen.setdefault(host, Counter())[label] += 1
    named = {host: _most_said(c) for host, c in seen.items()}
    out = list(articles)
    for i, (host, label) in pages.items():
        doc = articles[i].document
        outlet = registry.outlet(None, doc.url, named.get(host) or label or None)
        if outlet is None:
            outlet = _signed(articles[i].extraction, registry)
        if outlet != doc.outlet:
            out[i] = replace(articles[i], document=replace(doc, outlet=outlet))
    spelt = _spelt_alike([a.document for a in out])
    return [
        a if a.document is d else replace(a, document=d) for a, d in zip(out, spelt, strict=True)
    ]


def _signed(extraction: Extraction, registry: SourceRegistry) -> str | None:
    """The outlet a page's own furniture names when nothing else does: its donation appeal
    ("A Message from The Moscow Times:") or copyright line ("© 2025 Daily8. All rights
    reserved"); None unless exactly one outlet is named so.

    A copyright line naming a wire agency or another known source ("© 2025 TASS") is not
    the page's own: outlets reprint wire stories with the agency's copyright, and such a
    page must stay a copy.  Nor is a name that is a person's role ("our editor-in-chief")
    or a photo credit ("© Sputnik / Ilya Pitalev").
    """
    names: set[str] = set()
    for removed in extraction.removed:
        if removed.reason not in ("appeal", "legal"):
            continue
        line = " ".join(removed.text.split())
        for kind, pattern in _SIGNATURES:
            match = pattern.search(line)
            if match is None:
                continue
            name = _signature_name(match)
            known = registry.canonical(name)
            if not name[:1].isupper() or "/" in name or (kind == "copyright" and known):
                continue
            names.add(known or name)
    return names.pop() if len(names) == 1 else None


def copyright_credits(extraction: Extraction, registry: SourceRegistry) -> list[tuple[str, str]]:
    """(source, line) for each copyright line of the removed furniture that names a known
    source ("© 2025 TASS. All rights reserved." under a reprint): the page says the text
    is that source's, a credit for all of it.  Not a photo credit ("© TASS / Sergei
    Bobylev", "Photo: © TASS"), which credits a picture.  Likewise a credit in a line of
    the article's block that its main text left out (``credit-line``: "Source: TASS"
    after the body, a standfirst "..., TASS reports.") and a byline "By TASS"."""
    from provenance.attribution import find_credits

    body_end = max((p.input_start + p.length for p in extraction.pieces), default=-1)
    found = []
    for removed in extraction.removed:
        if removed.reason != "legal":
            continue
        known = _copyright_of(removed.text, registry)
        if known and _signs_off(extraction, removed, body_end):
            found.append((known, " ".join(removed.text.split())))
    # ... or the text's own last line (an HTML page's, where a copyright line inside the
    # article stays in the main text)
    last = extraction.text.rstrip().rsplit("\n", 1)[-1]
    known = _copyright_of(last, registry)
    if known:
        found.append((known, " ".join(last.split())))
    # ... or a line of the article's block beside its main text (an HTML page's "Source:
    # TASS" box after the body, a standfirst "..., TASS reports.")
    for removed in extraction.removed:
        if removed.reason == "credit-line":
            line = " ".join(removed.text.split())
            for credit in find_credits(line, registry):
                known = registry.canonical(credit.source or "")
                if credit.kind == "explicit" and known:
                    found.append((known, line))
    # ... or its byline: "By TASS", a page's author TASS (a reprint under the agency's name)
    author = re.sub(r"(?i)^\s*(?:by|от|автор:?)\s+", "", extraction.author or "").strip(" .,")
    # (an acronym as the agency writes it: not a person's "Ria" for RIA)
    named = len(author) > 4 or author.isupper()
    known = registry.canonical(author) if named and len(author.split()) <= 4 else None
    if known:
        found.append((known, f"By {author}"))
    return found


def _copyright_of(line: str, registry: SourceRegistry) -> str | None:
    """The known source a copyright line names ("© 2025 TASS. All rights reserved."),
    not in a photo credit ("© TASS / Sergei Bobylev"); else None."""
    line = " ".join(line.split())
    match = _SIGNATURES[1][1].search(line)
    if match is None or "/" in line:
        return None
    return registry.canonical(_signature_name(match))


def _signature_name(match: re.Match[str]) -> str:
    """The name a signature line gives, without its year and punctuation."""
    return re.sub(r"[\s,]*\b\d{4}$", "", match.group("name")).strip(" .,;:|-")


#: a copyright line signs the text off when at most this many removed blocks ("Share this
#: article") lie between the text's end and it
_SIGN_OFF_GAP = 2


def _signs_off(extraction: Extraction, line: Removed, body_end: int) -> bool:
    """Does the removed ``line`` come after the main text, close after its end: the text's
    own sign-off, not a photo credit between paragraphs ("© TASS, 2025" under a picture)
    nor the end of a news feed beside the article ("TASS news feed", its headlines, "©
    2025 TASS")?  (Unknown offsets: taken as it is.)"""
    if line.start < 0 or body_end < 0:
        return True
    if line.start < body_end:
        return False
    between = [r for r in extraction.removed if body_end <= r.start < line.start]
    return len(between) <= _SIGN_OFF_GAP


#: furniture lines that sign a page with its outlet's name
_SIGNATURES = (
    ("appeal", re.compile(r"^(?:a )?message from (?P<name>[^:.!?]{2,60}):?$", re.IGNORECASE)),
    (
        "copyright",
        re.compile(
            r"^(?:copyright\s*)?(?:©|\(c\))\s*(?:copyright\s*)?"
            r"(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?\s*,?\s*)?"
            r"(?P<name>[^\W\d][^|.,;©]{1,60}?)(?:\.?\s*(?:all rights reserved|[.,;|]|$))",
            re.IGNORECASE,
        ),
    ),
)


def _spelt_alike(docs: list[Document]) -> list[Document]:
    """The documents with one spelling per outlet: names that differ only in case or white
    space ("Daily8", "daily8 ") are one outlet, spelt as most of its documents spell it (the
    first in sort order on a tie); a web host that names an outlet ("daily8.com", the name a
    page without a site name gets) is the outlet the documents at that address are named
    ("Daily8" in the manifest), see :func:`_hosts_named`."""
    from provenance.attribution import fold_name

    spellings: dict[str, Counter[str]] = {}
    for doc in docs:
        if doc.outlet:
            spellings.setdefault(fold_name(doc.outlet), Counter())[doc.outlet] += 1
    chosen = {k: _most_said(c) for k, c in spellings.items()}
    chosen.update({k: chosen[fold_name(v)] for k, v in _hosts_named(docs).items()})
    chosen = {k: v for k, v in chosen.items() if len(spellings[k]) > 1 or v not in spellings[k]}
    if not chosen:
        return docs
    out = []
    for d in docs:
        spelt = chosen.get(fold_name(d.outlet)) if d.outlet else None
        out.append(replace(d, outlet=spelt) if spelt and spelt != d.outlet else d)
    return out


def _hosts_named(docs: Sequence[Document]) -> dict[str, str]:
    """{folded web host: outlet} for each host that names an outlet ("daily8.com", a page
    with no site name) while the documents whose address is on that very host are named
    otherwise, all alike ("Daily8", in the manifest with their ``url``).  The address is the
    evidence: a name that only spells a host ("Pravda" and pravda.com.ua, "The Moscow Times"
    and a clone site themoscowtimes.ltd) is no proof that it is the outlet's."""
    from provenance.attribution import fold_name, web_host

    hosts: set[str] = set()
    named: dict[str, set[str]] = {}
    for doc in docs:
        if not doc.outlet:
            continue
        if web_host(doc.outlet) == fold_name(doc.outlet):
            hosts.add(fold_name(doc.outlet))
        elif host := web_host(doc.url or ""):
            named.setdefault(host, set()).add(doc.outlet)
    out = {}
    for host in hosts:
        names = named.get(host, set())
        if len({fold_name(n) for n in names}) == 1:
            out[host] = min(names)
    return out


def _most_said(counts: Counter[str]) -> str:
    """The name given most often, the first in sort order on a tie."""
    return min(counts, key=lambda n: (-counts[n], n))


def _extract_job(job: tuple[Document, frozenset[str]], *, settings: Settings) -> Article:
    doc, template_lines = job
    return extract_document(doc, settings=settings, template_lines=template_lines)


def _import_extractors(todo: list[tuple[Document, frozenset[str]]]) -> None:
    """Import the extractors here, once, so forked workers do not each import them."""
    if any(doc.kind == "html" for doc, _ in todo):
        import provenance.extract.html
    if todo:
        import provenance.extract.text  # noqa: F401


def _unread(doc: Document) -> Article:
    return Article(document=doc, extraction=Extraction(text=""), status=doc.status)


def _settled(doc: Document, outcome: Outcome[Article], seconds: float | None) -> Article:
    """The article of a worker's outcome; a timeout or a failure becomes the document's status."""
    if outcome.ok and outcome.value is not None:
        return outcome.value
    if outcome.kind == "timeout":
        status: Status = "timeout"
        error = (
            f"{doc.path}: extraction took more than {seconds:g} s and was stopped"
            " - raise [ingest] doc_seconds or remove the page"
        )
    else:
        status = "failed"
        error = f"{doc.path}: extraction failed ({outcome.message})"
    log.info("%s", error)  # the document's error: the CLI names it with the other failed inputs
    failed = replace(doc, status=status, error=error)
    return Article(document=failed, extraction=Extraction(text=""), status=status)
