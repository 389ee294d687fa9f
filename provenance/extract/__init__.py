"""Main-content extraction: HTML through trafilatura, scraped text through our cleaner.

``extract_document`` turns an ingested :class:`~provenance.models.Document` into an
:class:`~provenance.models.Article`, filling from the page's own metadata what the
manifest left blank.
"""

from __future__ import annotations

from dataclasses import replace

from provenance.models import Article, Document, Extraction
from provenance.settings import DEFAULTS, Settings

__all__ = ["extract_document"]


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
            doc.content, url=doc.url, settings=settings.extract, template_lines=template_lines
        )
    else:
        from provenance.extract.text import clean_text

        extraction = clean_text(
            doc.content, settings=settings.extract, template_lines=template_lines
        )
    doc = replace(
        doc,
        outlet=doc.outlet or extraction.sitename,
        url=doc.url or extraction.url,
        published=doc.published or extraction.published,
        language=doc.language or extraction.language,
        title=doc.title or extraction.title,
    )
    if not extraction.text.strip():
        return Article(document=doc, extraction=extraction, status="no-text")
    return Article(document=doc, extraction=extraction)


def extract_all(docs: list[Document], *, settings: Settings = DEFAULTS) -> list[Article]:
    """Extract a corpus: learn each outlet's template lines first, then extract.

    Template learning needs several pages of one outlet; pages with no known
    outlet are extracted on their own.
    """
    from provenance.extract.templates import learn_templates

    pages: dict[str, list[str]] = {}
    for doc in docs:
        if doc.status == "ok" and doc.kind == "text" and doc.outlet:
            pages.setdefault(doc.outlet, []).append(doc.content)
    templates = learn_templates(pages, settings=settings.extract) if pages else {}
    return [
        extract_document(
            doc,
            settings=settings,
            template_lines=templates.get(doc.outlet or "", frozenset()),
        )
        for doc in docs
    ]
