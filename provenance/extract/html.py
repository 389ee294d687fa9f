"""Main content of HTML pages: the only module that imports trafilatura.

trafilatura runs with metadata and with ``deduplicate`` off: its deduplication
drops paragraphs it has seen in *other* documents, which is exactly the copying
we measure.  Its text then goes through the scraped-text cleaner in residual
mode, which removes only recognisable furniture (advertising markers, "Read
also" lines, widgets, appeals, duplicates) and never costs recall.
"""

from __future__ import annotations

import logging
from configparser import ConfigParser
from functools import lru_cache

import trafilatura
from trafilatura.settings import use_config

from provenance.extract.text import clean_text
from provenance.models import Extraction, Piece
from provenance.settings import DEFAULTS, ExtractSettings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _config() -> ConfigParser:
    config = use_config()
    # trafilatura's timeout uses SIGALRM, which only works in the main thread;
    # the pipeline enforces its own per-document limits.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _paragraphs(text: str) -> str:
    """trafilatura separates elements by one newline; we use a blank line."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_html(
    html: str,
    *,
    url: str | None = None,
    settings: ExtractSettings = DEFAULTS.extract,
    template_lines: frozenset[str] = frozenset(),
) -> Extraction:
    """Main text and metadata of one HTML page (empty text when none is found)."""
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            deduplicate=False,
            include_comments=False,
            include_tables=True,
            favor_precision=settings.favor_precision,
            favor_recall=settings.favor_recall,
            config=_config(),
        )
    except (ValueError, TypeError, RecursionError, AttributeError) as exc:  # malformed trees
        log.warning("trafilatura failed on a page (%s); treating it as empty", exc)
        result = None
    if result is None:
        return Extraction(text="")
    doc = result if isinstance(result, dict) else result.as_dict()
    body = _paragraphs(doc.get("text") or "")
    cleaned = clean_text(body, settings=settings, template_lines=template_lines, residual=True)
    meta = {k: (doc.get(k) or None) for k in ("title", "author", "url", "sitename", "language")}
    return Extraction(
        text=cleaned.text,
        title=meta["title"] or cleaned.title,
        author=meta["author"] or cleaned.author,
        published=doc.get("date") or None,
        url=meta["url"],
        sitename=meta["sitename"],
        language=meta["language"],
        removed=cleaned.removed,
        pieces=tuple(Piece(p.text_start, p.input_start, p.length) for p in cleaned.pieces),
    )
