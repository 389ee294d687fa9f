# ruff: noqa: RUF001  (typographic dashes are intended)
"""Corpus-level learning of template lines: what an outlet repeats across its pages.

A scraper's output for one outlet carries the same furniture on every page: the
navigation, the newsletter box, "Follow us on Telegram", the copyright line.
Seen across several pages of the same outlet, such a line is template even when
nothing in the line itself says so.

The danger is the opposite case, and it matters for this tool: two articles of
one outlet that reproduce the same wire paragraph share a long line of prose,
and that line is exactly what the audit must find.  So a line is template only

* when it occurs on at least ``template_min_pages`` distinct pages of the outlet
  and on at least ``template_min_share`` of them, and
* when it is furniture-shaped: at most ``template_max_chars`` characters
  (normalised).  Longer lines are prose, and prose is never learnt as
  template, however often it repeats.  The length cap is the safeguard;
  the share requirement keeps a popular quote that an outlet repeats on a few
  of its many pages from being learnt.

Lines are compared after :func:`normalize_line` (case, whitespace, digits and
edge punctuation folded), so "Updated 12:31" and "Updated 09:02" count as one
line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from provenance.settings import ExtractSettings

__all__ = ["learn_templates", "normalize_line"]

_DIGITS_RE = re.compile(r"\d+")
_WS_RE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\r\n.,;:!?|-–—•·*#>«»\"'()[]"


def normalize_line(line: str) -> str:
    """The form under which lines are compared across pages.

    Lower-cased, whitespace runs collapsed, every run of digits replaced by
    ``0`` and punctuation stripped from both edges.

    >>> normalize_line("  Updated: 12:31 GMT ")
    'updated: 0:0 gmt'
    """
    folded = _DIGITS_RE.sub("0", _WS_RE.sub(" ", line).lower())
    return folded.strip(_EDGE_PUNCT)


def _page_lines(page: str, max_chars: int) -> set[str]:
    lines = set()
    for raw in page.splitlines():
        norm = normalize_line(raw)
        if norm and len(norm) <= max_chars:
            lines.add(norm)
    return lines


def learn_templates(
    pages_by_outlet: Mapping[str, Sequence[str]],
    *,
    settings: ExtractSettings = ExtractSettings(),  # noqa: B008 - frozen, safe default
) -> dict[str, frozenset[str]]:
    """Normalised template lines per outlet, to pass to ``clean_text(template_lines=...)``.

    ``pages_by_outlet`` maps an outlet name to the scraped texts of its pages.
    An outlet with fewer than ``settings.template_min_pages`` pages learns
    nothing.
    """
    if settings.template_min_pages < 2:
        raise ValueError("template_min_pages must be at least 2: one page cannot show a template")
    result: dict[str, frozenset[str]] = {}
    for outlet, pages in pages_by_outlet.items():
        if len(pages) < settings.template_min_pages:
            result[outlet] = frozenset()
            continue
        counts: Counter[str] = Counter()
        for page in pages:
            counts.update(_page_lines(page, settings.template_max_chars))
        need = max(settings.template_min_pages, settings.template_min_share * len(pages))
        result[outlet] = frozenset(line for line, n in counts.items() if n >= need)
    return result
