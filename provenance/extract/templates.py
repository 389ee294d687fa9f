# ruff: noqa: RUF001  (typographic quotes and dashes are intended)
"""Template lines: lines an outlet repeats across its pages.

A scraper's output for one outlet carries the same furniture on every page: the
navigation, the newsletter box, "Follow us on Telegram", the copyright line.
Seen across several pages of the same outlet, such a line is template even when
nothing in the line itself says so (furniture any outlet prints, recognisable in
a single line, is ``furniture.py``'s business).

The danger is the opposite case, and it matters for this tool: two articles of
one outlet that reproduce the same wire paragraph share a long line of prose,
and that line is exactly what the audit must find.  So a line is template only

* when it occurs on at least ``template_min_pages`` distinct pages of the outlet
  (identical pages, the same article scraped twice, count once) and on at least
  ``template_min_share`` of them,
* when it is furniture-shaped: at most ``template_max_chars`` characters
  (normalised).  Longer lines are prose, and prose is never learnt as template,
  however often it repeats: this length cap is the main safeguard,
* when it quotes nobody: a line with quotation marks is content,
* when it credits no source ("Source: TASS" under every reprint is each one's credit), and
* when, if it is sentence-length (eight words or more), it is on at least 80%
  of the outlet's pages: a short wire sentence that several articles of a story
  repeat is on some of the pages, a newsletter prompt is on all of them.

Lines are compared after :func:`normalize_line` (case, whitespace, digits and
edge punctuation folded), so "Updated 12:31" and "Updated 09:02" count as one
line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from provenance.settings import ExtractSettings

__all__ = ["learn_templates", "normalize_line"]

_LINE_RE = re.compile(r"[^\r\n]+")
_DIGITS_RE = re.compile(r"\d+")
_WS_RE = re.compile(r"\s+")
#: quotation marks: a line quoting someone is content, never template
_QUOTE_RE = re.compile("[\"“”«»„]|(^|\\s)['‘’]|['‘’](\\s|$)")
#: a sentence-length line is template only on at least this share of an outlet's pages
_PROSE_SHARE = 0.8
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


def _page_lines(page: str, max_chars: int) -> dict[str, str]:
    """The normalised lines of ``page`` that may be template, each with a line it stands for."""
    lines: dict[str, str] = {}
    for raw in _LINE_RE.findall(page):  # the lines clean_text sees
        norm = normalize_line(raw)
        if norm and len(norm) <= max_chars and not _QUOTE_RE.search(raw):
            lines.setdefault(norm, raw)
    return lines


def _prose_shaped(line: str) -> bool:
    """Sentence-length rather than label-length: eight words or more (normalised line)."""
    return line.count(" ") >= 7


def learn_templates(
    pages_by_outlet: Mapping[str, Sequence[str]],
    *,
    settings: ExtractSettings = ExtractSettings(),  # noqa: B008 - frozen, safe default
    credits: Callable[[str], bool] | None = None,
) -> dict[str, frozenset[str]]:
    """Normalised template lines per outlet, to pass to ``clean_text(template_lines=...)``.

    ``pages_by_outlet`` maps an outlet name to the scraped texts of its pages.
    Identical pages count once.  An outlet with fewer than
    ``settings.template_min_pages`` distinct pages learns nothing.  Lines with
    quotation marks are never learnt (a quote is content), and a sentence-shaped
    line (eight words or more) must be on ``_PROSE_SHARE`` of the pages, not just ``template_min_share``.
    Nor is a line for which ``credits(line)`` holds: "Source: TASS" under every article an
    outlet republishes is each article's credit, however often it repeats.
    """
    if settings.template_min_pages < 2:
        raise ValueError("template_min_pages must be at least 2: one page cannot show a template")
    result: dict[str, frozenset[str]] = {}
    for outlet, pages in pages_by_outlet.items():
        distinct = list(dict.fromkeys(pages))
        if len(distinct) < settings.template_min_pages:
            result[outlet] = frozenset()
            continue
        counts: Counter[str] = Counter()
        seen: dict[str, str] = {}
        for page in distinct:
            lines = _page_lines(page, settings.template_max_chars)
            counts.update(lines.keys())
            for norm, raw in lines.items():
                seen.setdefault(norm, raw)
        need = max(settings.template_min_pages, settings.template_min_share * len(distinct))
        need_prose = max(need, _PROSE_SHARE * len(distinct))
        result[outlet] = frozenset(
            line
            for line, n in counts.items()
            if n >= (need_prose if _prose_shaped(line) else need)
            and (credits is None or not credits(seen[line]))
        )
    return result
