"""Main content of HTML pages: the only module that imports trafilatura.

trafilatura runs with metadata and with ``deduplicate`` off: its deduplication
drops paragraphs it has seen in *other* documents, which is exactly the copying
we measure.  Its text then goes through the scraped-text cleaner in residual
mode, which removes only recognisable furniture (advertising markers, "Read
also" lines, widgets, appeals, duplicates) and never costs recall.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
from collections.abc import Iterator
from configparser import ConfigParser
from functools import lru_cache
from typing import Any

import htmldate
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import use_config
from trafilatura.utils import load_html

from provenance.dates import iso_date, utc_day
from provenance.extract.furniture import furniture_reason
from provenance.extract.text import clean_text
from provenance.models import Extraction, Piece, Removed
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


#: per field, where to look, in order of reliability: ("meta", attribute, value) is the
#: content of a <meta> whose attribute has that value; ("json-ld", key) the page's own
#: article's in its JSON-LD (see _json_ld_article); ("every", XPath) the texts of all the
#: elements found, joined (a byline's several rel=author links); anything else an XPath,
#: its first text
_META_SOURCES: dict[str, tuple[tuple[str, ...], ...]] = {
    "title": (
        ("meta", "property", "og:title"),
        ("meta", "name", "twitter:title"),
        ("json-ld", "headline"),
        ("//title/text()",),
        ("//h1//text()",),
    ),
    "author": (
        ("meta", "name", "author"),
        ("meta", "property", "article:author"),
        ("meta", "name", "byl"),
        ("json-ld", "author"),
        # (not a sidebar's or a footer's bylines of other stories)
        ("every", '//*[@rel="author"][not(ancestor::aside or ancestor::nav or ancestor::footer)]'),
        ('//*[@itemprop="author"]//*[@itemprop="name"]//text()',),
    ),
    "url": (('//link[@rel="canonical"]/@href',), ("meta", "property", "og:url")),
    "sitename": (
        ("meta", "property", "og:site_name"),
        ("meta", "name", "application-name"),
        ("json-ld", "publisher"),
    ),
    "language": (("/html/@lang",), ("meta", "http-equiv", "content-language")),
}
_META_ATTRIBUTES = ("property", "name", "http-equiv", "itemprop")
#: where a page gives its publication time in full (date, time and zone), in order of
#: reliability: htmldate, which finds the date in many more places, keeps only the day,
#: and the day in the writer's zone can be the day after the other article's in UTC
_PUBLISHED_TIME = (
    ("property", "article:published_time"),
    ("property", "og:article:published_time"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "article:published_time"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
)
#: JSON-LD keys whose nodes are the page's own (its article), not nested in it
_OWN_NODES = frozenset(("@graph", "mainEntity", "mainEntityOfPage"))
#: "datePublished" in a page's JSON-LD (schema.org NewsArticle)
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')
#: schema.org types of an article (its date is the page's, not an embedded video's):
#: Article and its kinds (NewsArticle, OpinionNewsArticle, Report, ...), BlogPosting,
#: LiveBlogPosting
_ARTICLE_TYPES = re.compile(r"Article$|BlogPosting$|^Report$")


def _json_ld_published(script: str) -> tuple[list[str], list[str]]:
    """The "datePublished" values of a JSON-LD script: the page's own article's (schema.org's
    NewsArticle, BlogPosting, LiveBlogPosting, ... also written as a URL, at the top or in the
    @graph), and the others (the page's WebPage, then what is nested: a related story's
    teaser in ``hasPart``, an embedded video, ...), each list shallowest first; unparsable
    JSON is searched for the key (all of them "others")."""
    if "datePublished" not in script:
        return [], []
    try:
        data = json.loads(script)
    except ValueError:
        return [], _JSON_LD_PUBLISHED.findall(script)
    found: list[tuple[int, bool, str]] = []  # (depth, not the article, date)
    level: list[tuple[Any, int]] = [(data, 0)]
    while level:
        node, depth = level.pop(0)
        if isinstance(node, list):
            level.extend((item, depth) for item in node)  # (a list is no level of its own)
        elif isinstance(node, dict):
            date = node.get("datePublished")
            if isinstance(date, str):
                found.append((depth, not _is_article(node), date))
            for key, value in node.items():
                if isinstance(value, (dict, list)):  # (the page's own nodes, see _OWN_NODES)
                    level.append((value, depth if key in _OWN_NODES else depth + 1))
    found.sort(key=lambda f: (f[0], f[1]))  # (stable: the script's order among equals)
    articles = [d for depth, other, d in found if not other and depth == 0]
    return articles, [d for depth, other, d in found if other or depth != 0]


#: the XPaths compiled once (a string given to tree.xpath() is parsed on every call)
_XPATHS = {
    source[-1]: etree.XPath(source[-1])
    for sources in _META_SOURCES.values()
    for source in sources
    if len(source) == 1 or source[0] == "every"
}


def _meta_contents(tree: HtmlElement) -> dict[tuple[str, str], str]:
    """The first non-empty content of the <meta> elements, by (attribute, its value): one
    walk over the page instead of a search per field."""
    found: dict[tuple[str, str], str] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        value = " ".join(content.split())
        if not value:
            continue
        for attribute in _META_ATTRIBUTES:
            name = element.get(attribute)
            if name is not None:
                found.setdefault((attribute, name), value)
    return found


#: the address a browser or SingleFile notes at the top of a page it saves (the parser
#: drops comments): ``<!-- saved from url=(0040)https://... -->`` before ``<html>``, and
#: ``<!-- Page saved with SingleFile url: https://... -->`` at the start of the document
_SAVED_FROM = re.compile(
    r"\A\ufeff?\s*(?:<!doctype[^>]*>\s*)?(?:<html[^>]*>\s*)?<!--\s*"
    r"(?:saved from url=\(\d+\)|page saved with singlefile\s+url:\s*)(https?://[^\s<>\"']+)",
    re.IGNORECASE,
)


def saved_from(html: str) -> str | None:
    """The address a saved page notes in a comment at its very start, or None."""
    match = _SAVED_FROM.match(html[:2000])
    return match.group(1)[:300] if match else None


def page_metadata(tree: HtmlElement, *, quiet: bool = False) -> dict[str, str | None]:
    """Title, author, url, sitename, language and date from a page's markup.

    Cheap look-ups in order of reliability, plus htmldate's fast mode for
    the publication date (the date decides which of two articles came first).
    trafilatura's own metadata pass costs a third of its run time on pages like
    the Zyte benchmark's, mostly for categories and tags we do not use.
    """
    metas = _meta_contents(tree)
    article = _json_ld_article(tree)
    meta = {key: _first(tree, key, metas, article) for key in _META_SOURCES if key != "author"}
    if meta["language"]:
        meta["language"] = meta["language"].split("-")[0].split("_")[0].lower()
    if meta["title"] and meta["sitename"]:
        meta["title"] = _without_site(meta["title"], meta["sitename"])
    _settle_title_and_site(
        tree, meta, [metas.get(k) for k in _HEADLINE_METAS] + [article.get("headline")]
    )
    # (the publisher signing its own page, as its author too, is no author)
    meta["author"] = _first(tree, "author", metas, article, skip=meta["sitename"])
    try:
        meta["published"] = _published_time(tree, metas)
    except _DatesDisagree as conflict:
        # left blank (its order unknown), never guessed: a wrong day made every later copy
        # of the wire an uncredited copy of this page
        if not quiet:
            log.warning(
                "a page (%s) gives its article the publication days %s - left blank; give"
                " its date in the manifest",
                meta.get("url") or meta.get("title") or "untitled",
                " and ".join(conflict.days),
            )
        return meta | {"published": None}
    if meta["published"] is None:
        try:
            meta["published"] = htmldate.find_date(tree, extensive_search=False, original_date=True)
        except (ValueError, TypeError):
            meta["published"] = None
    return meta


def _first(
    tree: HtmlElement,
    key: str,
    metas: dict[tuple[str, str], str],
    article: dict[str, str],
    *,
    skip: str | None = None,
) -> str | None:
    """The first value _META_SOURCES's sources give for ``key``, other than ``skip``."""
    for source in _META_SOURCES[key]:
        value = _look_up(tree, source, metas, article)
        if value and (skip is None or _fold(value) != _fold(skip)):
            return value[:300]
    return None


def _look_up(
    tree: HtmlElement,
    source: tuple[str, ...],
    metas: dict[tuple[str, str], str],
    article: dict[str, str],
) -> str | None:
    """The value one of _META_SOURCES's sources gives, or None."""
    if source[0] == "meta":
        return metas.get((source[1], source[2]))
    if source[0] == "json-ld":
        return article.get(source[1])
    if source[0] == "every":
        texts = (" ".join(e.text_content().split()) for e in _XPATHS[source[1]](tree))
        return ", ".join(dict.fromkeys(t for t in texts if t)) or None
    values = (" ".join(str(v).split()) for v in _XPATHS[source[0]](tree))
    return next((v for v in values if v), None)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _is_article(node: dict[str, Any]) -> bool:
    """Is a JSON-LD node an article (see _ARTICLE_TYPES), its type a name or a URL?"""
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    names = [re.split(r"[/#:]", k.rstrip("/"))[-1] for k in kinds if isinstance(k, str)]
    return any(_ARTICLE_TYPES.search(k) for k in names)


def _own_nodes(data: Any) -> list[dict[str, Any]]:
    """The nodes of a JSON-LD script that are the page's own: at its top (or in a list
    there), in its @graph, or the top node's mainEntity (not a teaser nested deeper)."""
    top = data if isinstance(data, list) else [data]
    nodes: list[dict[str, Any]] = []
    for node in top:
        if not isinstance(node, dict):
            continue
        nodes.append(node)
        for key in _OWN_NODES:
            inner = node.get(key)
            inner = inner if isinstance(inner, list) else [inner]
            nodes += [x for x in inner if isinstance(x, dict)]
    return nodes


def _names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """The names a JSON-LD author or publisher gives: a name, a node with one (a Person,
    an Organization), a reference to a node of the @graph ({"@id": ...}), or a list."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = ids.get(item["@id"], item)
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            found.append(" ".join(name.split()))
    return found


def _json_ld_article(tree: HtmlElement) -> dict[str, str]:
    """The headline, authors (joined with ", ") and publisher's name of the page's own
    article in its JSON-LD (schema.org NewsArticle and its kinds, at the top of a script
    or in its @graph).  Many pages give these only there: the <title> adds the site's name
    to the headline, and a byline is not marked up.  An author that is the publisher
    (the outlet signing a staff story) is no author: it would read as the page crediting
    itself, or, with a wire's name, a credit to the wire."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        if not script.text or '"@type"' not in script.text:
            continue
        try:
            nodes = _own_nodes(json.loads(script.text[:100_000]))
        except ValueError:
            continue
        ids = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        articles = [node for node in nodes if _is_article(node)]
        if len(articles) > 1:  # (related stories listed too: the page's own, if it says so)
            articles = [node for node in articles if _is_the_page(node, tree)][:1]
        for node in articles:
            found: dict[str, str] = {}
            publishers = _names(node.get("publisher"), ids)
            if publishers:
                found["publisher"] = publishers[0]
            own = {_fold(p) for p in publishers}
            authors = [a for a in _names(node.get("author"), ids) if _fold(a) not in own]
            if authors:
                found["author"] = ", ".join(dict.fromkeys(authors))
            headline = node.get("headline")
            if isinstance(headline, str) and headline.strip():
                found["headline"] = " ".join(headline.split())
            return found
    return {}


def _is_the_page(node: dict[str, Any], tree: HtmlElement) -> bool:
    """Is the JSON-LD article ``node`` the page's own: its address is the page's canonical
    one, or its headline the page's <h1> or begins its <title>?"""
    own = node.get("mainEntityOfPage")
    addresses = {node.get("url"), own.get("@id") if isinstance(own, dict) else own}
    canonical = {str(v).rstrip("/") for v in tree.xpath('//link[@rel="canonical"]/@href')}
    if canonical & {str(a).rstrip("/") for a in addresses if isinstance(a, str)}:
        return True
    headline = node.get("headline")
    if not isinstance(headline, str) or not headline.strip():
        return False
    folded = _fold(headline)
    titles = [_fold(t) for t in tree.xpath("//title/text()")]
    return any(_fold(h.text_content()) == folded for h in tree.iter("h1")) or any(
        t.startswith(folded) for t in titles
    )


#: the meta tags that give the headline alone (a <title> adds the site's name to it)
_HEADLINE_METAS = (("property", "og:title"), ("name", "twitter:title"))
#: a section's name at a <title>'s end, not the site's ("| World news", "- Opinion")
_SECTION = re.compile(
    r"(?:(?:world|uk|us|local|latest|breaking|top|business|sport|sports|tech|science|"
    r"politics|economy|culture|health)\s+)?(?:news|stories|headlines)|world|opinion|"
    r"opinions|comment|politics|business|economy|sport|sports|culture|society|science|tech|"
    r"technology|health|lifestyle|life|entertainment|video|videos|live|analysis|features|"
    r"blog|blogs|home|homepage|latest|regions?|columns?|editorial|"
    r"\u043d\u043e\u0432\u043e\u0441\u0442\u0438|\u043d\u043e\u0432\u0438\u043d\u0438|"
    r"\u043f\u043e\u043b\u0438\u0442\u0438\u043a\u0430|\u044d\u043a\u043e\u043d\u043e\u043c\u0438\u043a\u0430|"
    r"\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e|\u0432 \u043c\u0438\u0440\u0435|"
    r"\u043c\u0438\u0440|\u0441\u0432\u0456\u0442|\u043f\u043e\u043b\u0456\u0442\u0438\u043a\u0430|"
    r"\u0435\u043a\u043e\u043d\u043e\u043c\u0456\u043a\u0430"
)
#: the most words a site's name in a page's <title> has ("The Northern Ledger")
_SITE_WORDS = 6
#: the fewest words of a headline found only in the page's body or its <h1> (not in its
#: metadata): a shorter line the <title> shares with the page may be its logo
_SHOWN_HEADLINE_WORDS = 4
_TEXTS_WITH = etree.XPath("//body//text()[contains(., $probe)]")


def _settle_title_and_site(
    tree: HtmlElement, meta: dict[str, str | None], headlines: list[str | None]
) -> None:
    """The headline alone for a title read from the <title> ("Headline | World news |
    The Ledger" is "Headline" where the page gives it alone: in its og:title, JSON-LD or
    an <h1>), and the site's name the <title> adds to it for a page whose metadata names
    no site (which otherwise took its web host's name, or none without an address): also
    where the headline is only the whole text of an element of the body.  Such a headline
    names the site, not the title (the title keeps the site's name): the cleaner drops
    the main text's line that is the title, and a headline in a <div> or an <h2> is one
    trafilatura keeps (Dragnet's blog pages lost 48 headlines its truth counts as their
    text)."""
    values = (" ".join(str(v).split()) for v in _XPATHS["//title/text()"](tree))
    page_title = next((v for v in values if v), None)
    if not page_title or (meta["title"] != page_title[:300] and meta["sitename"]):
        return
    h1s = {_fold(h.text_content()) for h in tree.iter("h1")}
    split = _headline_and_site(tree, page_title, {_fold(h) for h in headlines if h}, h1s)
    if split is None:
        return
    headline, site, given = split
    if given and meta["title"] == page_title[:300]:
        meta["title"] = headline
    if not _SECTION.fullmatch(_fold(site)):  # ("Headline | Opinion": a section, no site)
        meta["sitename"] = meta["sitename"] or site


def _headline_and_site(
    tree: HtmlElement, title: str, headlines: set[str], h1s: set[str]
) -> tuple[str, str, bool] | None:
    """(headline, site name, given) of a page title "Headline | Section | Site" or "Site
    :: Headline" whose headline is one of the metadata's ``headlines`` (folded) or,
    failing that, of a few words at least (an <h1> or a line shorter may be the site's
    logo), an <h1> (``h1s``, folded) or the whole text of an element of the page's body
    (not ``given``); the site is the part at the other end, shorter than the headline.
    None when the title is not so made."""
    options = []
    for cut in _TITLE_PARTS.finditer(title):
        before, after = title[: cut.start()].strip(), title[cut.end() :].strip()
        options.append((before, _TITLE_PARTS.split(after)[-1].strip()))
        options.append((after, _TITLE_PARTS.split(before)[0].strip()))
    options = [
        (h, s) for h, s in options if s and len(h) > len(s) and len(s.split()) <= _SITE_WORDS
    ]
    for headline, site in options:
        if _fold(headline) in headlines:
            return headline, site, True
    options = [o for o in options if len(o[0].split()) >= _SHOWN_HEADLINE_WORDS]
    for headline, site in options:
        if _fold(headline) in h1s:
            return headline, site, True
    for headline, site in sorted(options, key=lambda o: -len(o[0])):
        if _shown(tree, headline):
            return headline, site, False
    return None


def _shown(tree: HtmlElement, text: str) -> bool:
    """Is ``text`` the whole text of an element of the page's body (its headline in a
    <div class="title"> or a <b>)?  Found from the text nodes holding its start, a few
    elements up, not by reading every element's text."""
    folded = _fold(text)
    for node in _TEXTS_WITH(tree, probe=text.split()[0]):
        element = node.getparent()
        for _ in range(4):
            if element is None:
                break
            shown = _fold(element.text_content())
            if shown == folded:
                return True
            if len(shown) > len(folded):
                break
            element = element.getparent()
    return False


#: what separates a page title's parts: "Headline | Site", "Headline - Section - Site"
_TITLE_PARTS = re.compile(r"\s+[|\u2013\u2014-]\s+|\s+::\s+|\s+\u00b7\s+")


def _without_site(title: str, site: str) -> str:
    """The headline of a page title that ends with the site's name ("... | Energy Portal"),
    without it (a part before it, "... - World - TASS", may be a section or the headline's
    own: "Moscow Exchange - Q2 results - Interfax"; it stays)."""
    cuts = list(_TITLE_PARTS.finditer(title))
    # the site's name, or its first part when it has a slogan ("The Ledger | Breaking News"),
    # which may hold a separator itself ("... | Eurasia Daily Report - News from Russia")
    names = {site.strip().casefold(), _TITLE_PARTS.split(site.strip())[0].strip().casefold()}
    names -= {""}
    for cut in reversed(cuts):
        if title[cut.end() :].strip().casefold() in names:
            return title[: cut.start()].strip() or title
    return title


#: the meta tags whose publication dates are the page's own (microdata's datePublished may
#: be a teaser's, the first in the page)
_META_DATES = tuple(key for key in _PUBLISHED_TIME if key[0] != "itemprop")


def _disagreeing_days(stamps: list[str]) -> list[str]:
    """The days ``stamps`` give, when no one day agrees with them all: a stamp with a time
    and a zone agrees with its own day and its day in UTC (a day-only date in its JSON-LD
    may be either), one without with its day as written."""
    options = [
        {x[:10], utc_day(x) or x[:10]} if utc_day(x) is not None else {x[:10]} for x in stamps
    ]
    if not options or set.intersection(*options):
        return []
    return sorted({x[:10] for x in stamps})


class _DatesDisagree(Exception):
    """A page's metadata gives its article two publication days."""

    def __init__(self, days: list[str]):
        super().__init__(", ".join(days))
        self.days = days


def _published_time(tree: HtmlElement, metas: dict[tuple[str, str], str]) -> str | None:
    """The publication time in full (ISO 8601 with its UTC offset) where the page's
    metadata gives one, or the day its JSON-LD gives the article; else None (htmldate then
    finds the day)."""
    articles: list[str] = []
    others: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            mine, theirs = _json_ld_published(script.text[:100_000])
            articles += mine
            others += theirs
    given = [iso_date(v) for v in [*(metas.get(key) for key in _PUBLISHED_TIME), *articles]]
    # (the page's meta tags and its JSON-LD article, not microdata a teaser may carry)
    stated = [iso_date(v) for v in [*(metas.get(key) for key in _META_DATES), *articles]]
    days = _disagreeing_days([x for x in stated if x is not None])
    if days:  # (the page's metadata says two days: which is right is not known)
        raise _DatesDisagree(days)
    for stamp in given:
        if stamp is not None and utc_day(stamp) is not None:  # a time with its zone
            return stamp
    for value in articles:  # the article's day (no other node's date beats it)
        stamp = iso_date(value)
        if stamp is not None:
            return stamp
    for value in others:
        stamp = iso_date(value)
        if stamp is not None and utc_day(stamp) is not None:
            return stamp
    return None


#: what a browser never shows: a <template> (trafilatura drops display:none, not this; an
#: element with the ``hidden`` attribute stays: it may be the rest of the article a "Read
#: more" button shows, or text a search finds, hidden="until-found")
_UNRENDERED = etree.XPath("//body//template")


def _drop_unrendered(tree: HtmlElement) -> None:
    for element in _UNRENDERED(tree):
        if element.getparent() is not None:
            element.drop_tree()  # (its tail, the text after it, stays)


#: a time of day alone, as a live blog's entry is headed ("14:40", "9.30am", "15:02 BST")
_ENTRY_TIME = re.compile(r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[^\W\d]{2,5})?", re.I)
_TIMES = etree.XPath("//body//time")


def _keep_entry_times(tree: HtmlElement) -> None:
    """Keep the text of a <time> that is a line of its own and a time of day alone (a live
    blog's ``<p class="entry-time"><time>14:40</time></p>`` over each entry): trafilatura
    drops every <time> element, and without its entry times a live blog read as one story,
    one entry's "TASS reported" crediting the entries before it.  A date beside other
    words ("Updated <time>June 5</time>") stays the furniture it is."""
    for element in _TIMES(tree):
        parent = element.getparent()
        if parent is None or not _ENTRY_TIME.fullmatch(" ".join(element.text_content().split())):
            continue
        if _ENTRY_TIME.fullmatch(" ".join(parent.text_content().split())):
            element.drop_tag()  # (its text joins its parent's)


_HEADINGS = etree.XPath("//body//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")


def _drop_related_lists(tree: HtmlElement) -> None:
    """Remove a related-articles box inside the article that names itself by its heading
    or label only, no class name saying so: trafilatura kept the teasers, other stories'
    headlines and sentences, as the article's text (and the cleaner, which drops the
    heading, cannot tell the teasers under it from the article's paragraphs).

    - a heading ("More on this story", "Read also", "Популярное") and the teasers right
      after it: a list whose items all hold a link or all read as headlines, or lines
      that do (a sidebar's "Popular" over unlinked headlines; one such line only when
      linked);
    - a box holding a "Read also" label and one linked headline only ("Читайте также"
      and the headline, with no separator the cleaner's "Read also: ..." would need; not
      "Related topics" over a topic, which Dragnet's truth counts as text);
    - a line elsewhere that repeats one of those teasers whole (the same story's card).
    A list of the article's own under such a heading stays when its items are sentences.
    """
    teasers: list[str] = []
    for heading in _HEADINGS(tree):
        text = " ".join(heading.text_content().split())
        if not text or len(text.split()) > 8 or not _names_related(text):
            continue
        # (unlinked headlines only under "Read also" or "Popular": under "Latest news" or
        # "Главное за день" they may be the page's own timeline or digest)
        unlinked = furniture_reason(text.strip(" :|")) == "read-also" or bool(_POPULAR.search(text))
        teasers_only = functools.partial(_teasers, unlinked=unlinked)
        run = list(itertools.takewhile(teasers_only, heading.itersiblings()))[:_MAX_TEASERS]
        if not run or (heading.tail or "").strip():
            continue
        if len(run) == 1 and run[0].tag not in ("ul", "ol") and not _linked(run[0]):
            continue  # (one short line, unlinked: it may be the article's own subheading)
        for element in run:
            teasers += [a.text_content() for a in element.iter("a")]
            element.drop_tree()
        heading.drop_tree()
    for box in _LINK_BOXES(tree):
        links = list(box.iter("a"))
        linked = "".join(a.text_content() for a in links)
        label = " ".join(box.text_content().replace(linked, " ", 1).split()) if linked else ""
        if len(links) != 1 or len(linked.split()) < _SHOWN_HEADLINE_WORDS:
            continue  # (one story's headline: a topic or a list of them may be the truth's)
        if len(label.split()) <= 3 and furniture_reason(label.strip(" :|")) == "read-also":
            teasers.append(linked)
            if box.getparent() is not None:
                box.drop_tree()
    _drop_repeated_teasers(tree, [t for t in teasers if len(t.split()) >= _SHOWN_HEADLINE_WORDS])


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: at most this many elements of teasers under a heading
_MAX_TEASERS = 12
#: at most this many words in a teaser's headline without a link
_TEASER_WORDS = 20
#: a box of one line: a "Read also" label and a linked headline
_LINK_BOXES = etree.XPath(
    "//body//*[self::div or self::p or self::aside or self::section][.//a][not(.//p)]"
    "[string-length(normalize-space(.)) < 300]"
)


def _names_related(label: str) -> bool:
    return furniture_reason(label.strip(" :|")) in ("related-articles", "read-also")


#: a heading over a box of the most read stories, whose headlines need no links
_POPULAR = re.compile(
    r"(?i)popular|most\s+(?:read|viewed|shared)|trending|"
    r"\u043f\u043e\u043f\u0443\u043b\u044f\u0440\u043d|\u0447\u0438\u0442\u0430\u0435\u043c"
)


def _teasers(element: HtmlElement, *, unlinked: bool = True) -> bool:
    """Is ``element`` teasers only: a list whose items all hold a link, or all are
    headlines; or one headline, linked or not (a line without a sentence's end)?  Not a
    heading, nor an element with text after it.  ``unlinked`` False: linked ones only."""
    if element.tag in ("ul", "ol"):
        items = list(element.iterchildren("li"))
        if not items:
            return False
        if all(item.find(".//a") is not None for item in items):
            return True
        return unlinked and all(_teasers(item) for item in items)
    if element.tag in _HEADING_TAGS or (element.tail or "").strip():
        return False  # (the next section, or text between: no box)
    text = " ".join(element.text_content().split())
    if _linked(element):
        return True
    short = 0 < len(text.split()) <= _TEASER_WORDS
    return unlinked and short and not text.endswith((".", ";", ":", ","))


def _linked(element: HtmlElement) -> bool:
    """Is the text of ``element`` (nearly) all in its links?"""
    text = " ".join(element.text_content().split())
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return bool(text) and linked >= len(text) * 0.9


def _drop_repeated_teasers(tree: HtmlElement, teasers: list[str]) -> None:
    """Remove an element whose whole text is one of the dropped boxes' ``teasers``: the
    same related story's card elsewhere in the article."""
    for teaser in teasers:
        for node in _TEXTS_WITH(tree, probe=teaser.split()[0]):
            element = node.getparent()
            if (
                element is not None
                and element.getparent() is not None
                and _fold(element.text_content()) == _fold(teaser)
            ):
                element.drop_tree()


#: a line that may credit a source: a label ("Source: TASS") or a reporting word (the
#: credit itself is read later, by the attribution rules; this only keeps the lines few)
_CREDIT_CUE = re.compile(
    r"(?i)^\W*(?:sources?|via|quelle|fuente|fonte|\u0438\u0441\u0442\u043e\u0447\u043d\u0438\u043a\w*"
    r"|\u0434\u0436\u0435\u0440\u0435\u043b\w*)\s*:|\breport(?:s|ed|ing)?\b|according|contribut|"
    r"agency|agence|"
    r"\u0441\u043e\u043e\u0431\u0449|\u043f\u0435\u0440\u0435\u0434\u0430|\u043f\u0438\u0448\u0435\u0442|"
    r"\u043f\u043e\u0432\u0456\u0434\u043e\u043c|\u0430\u0433\u0435\u043d\u0442\u0441\u0442\u0432"
)
#: the elements a credit line stands in, and what it must not be inside (a teaser list, a
#: link, a caption, a sidebar, someone's quotation)
_LINE_TAGS = (
    *("p", "div", "span", "footer", "small", "em", "strong", "cite", "address"),
    *("h2", "h3", "h4", "h5", "h6"),
)
_BLOCK_TAGS = ("p", "div", "section", "article", "ul", "ol", "table", "blockquote", "figure")
_NOT_INSIDE = frozenset(
    ("nav", "aside", "figure", "figcaption", "li", "a", "button", "form", "blockquote", "select")
)
_CREDIT_LINE_CHARS = 300
#: ... and how far under the element that holds the article's text it may stand
_CREDIT_LINE_LEVELS = 4
#: class or id words of a box that is not the article's own line: a reader's comment,
#: another story's card, a picture's or a map's credit, a widget
_BOX_WORDS = re.compile(
    r"(?i)(?:^|[\s_-])(?:comments?|replies|reply|related|cards?|teasers?|promo|recommend\w*|"
    r"popular|most|sidebar|widget|share|social|newsletter|subscri\w*|adv\w*|ads?|banner|"
    r"images?|img|photos?|pictures?|media|video|gallery|maps?|infographics?|charts?|"
    r"captions?|figures?|embed\w*|tweet|poll|more|other|latest|trending)(?:$|[\s_-])"
)


def _boxed(element: HtmlElement) -> bool:
    """Do the element's class or id words say it is a box of another kind (``_BOX_WORDS``)?"""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
    return bool(names) and _BOX_WORDS.search(names) is not None


#: a candidate line: its text, whether it or its box says it is no line of the article's,
#: and the text of each of its first few ancestors with whether that one says so
_Candidate = tuple[str, bool, list[tuple[str, bool]]]


def _credit_candidates(tree: HtmlElement) -> list[_Candidate]:
    """Short lines of the page that may credit a source, each with the text of its first
    few ancestors (read before trafilatura, which may change the tree)."""
    found = []
    seen: set[HtmlElement] = set()
    for element in _cued_elements(tree):
        if element in seen:
            continue
        seen.add(element)
        if next(element.iterdescendants(*_BLOCK_TAGS), None) is not None:
            continue  # (a container: its lines are looked at one by one)
        line = " ".join(element.text_content().split())
        if not 5 <= len(line) <= _CREDIT_LINE_CHARS or not _CREDIT_CUE.search(line):
            continue
        ancestors: list[tuple[str, bool]] = []
        for ancestor in element.iterancestors():
            if ancestor.tag in _NOT_INSIDE:
                ancestors = []
                break
            if ancestor.tag in ("body", "html") or len(ancestors) == _CREDIT_LINE_LEVELS:
                break
            ancestors.append((" ".join(ancestor.text_content().split()), _boxed(ancestor)))
        if ancestors:
            found.append((line, _boxed(element), ancestors))
    return found


_BODY_TEXTS = etree.XPath("//body//text()")


def _cued_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The innermost line elements (``_LINE_TAGS``) holding a piece of text with a cue: a
    page's few, found from its text, not by reading every element's."""
    for piece in _BODY_TEXTS(tree):
        if not _CREDIT_CUE.search(piece):
            continue
        element = piece.getparent()
        if piece.is_tail and element is not None:  # (the text after an element is its parent's)
            element = element.getparent()
        while element is not None and element.tag not in _LINE_TAGS:
            element = element.getparent()
        if element is not None:
            yield element


def credit_lines(candidates: list[_Candidate], text: str) -> list[str]:
    """The lines of ``candidates`` that belong to the article but not to its main ``text``:
    a source line after the body ("Source: TASS" in a box of its own), a standfirst
    ("..., TASS reports.") that trafilatura leaves out.  A line belongs when one of its
    first ancestors holds the main text's first and last lines and is not much larger
    than the text (the article's block, not the page with its footer and sidebars), it
    stands before the text's first line or after its last (not under a picture between
    paragraphs), and no box between says it is of another kind (a reader's comment,
    another story's card, a map's credit: ``_BOX_WORDS``)."""
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    if not lines:
        return []
    flat = " ".join(text.split())
    first, last = lines[0][:40], lines[-1][-40:]
    most = 2 * len(flat) + 1500
    found: list[str] = []
    for line, boxed, ancestors in candidates:
        if line in flat or line in found or boxed:
            continue
        for holder, holder_boxed in ancestors:
            if first in holder and last in holder:
                break
            boxed = boxed or holder_boxed
        else:
            continue
        if boxed or holder_boxed or len(holder) > most:
            continue
        at, start, end = holder.find(line), holder.find(first), holder.rfind(last) + len(last)
        if at < start or at >= end:
            found.append(line)
    return found


def extract_html(
    html: str,
    *,
    url: str | None = None,
    settings: ExtractSettings = DEFAULTS.extract,
    template_lines: frozenset[str] = frozenset(),
    dated: bool = False,
) -> Extraction:
    """Main text and metadata of one HTML page (empty text when none is found).
    ``dated``: the page's date is given elsewhere (a manifest): its own dates disagreeing
    is not worth a warning."""
    tree = load_html(html)
    if tree is None:
        return Extraction(text="")
    meta = page_metadata(tree, quiet=dated)
    _drop_unrendered(tree)
    _keep_entry_times(tree)
    _drop_related_lists(tree)
    candidates = _credit_candidates(tree)
    meta["url"] = meta["url"] or saved_from(html)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=False,
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
        return Extraction(
            text="",
            title=meta["title"],
            author=meta["author"],
            published=meta["published"],
            url=meta["url"] or url,
            sitename=meta["sitename"],
            language=meta["language"],
        )
    doc = result if isinstance(result, dict) else result.as_dict()
    body = _paragraphs(doc.get("text") or "")
    headlines = [meta["title"] or "", *(h.text_content() for h in tree.iterfind(".//h1"))]
    cleaned = clean_text(
        body, settings=settings, template_lines=template_lines, residual=True, headlines=headlines
    )
    return Extraction(
        text=cleaned.text,
        title=meta["title"] or cleaned.title,
        author=meta["author"] or cleaned.author,
        published=meta["published"],
        url=meta["url"] or url,
        sitename=meta["sitename"],
        language=meta["language"],
        removed=cleaned.removed
        + tuple(Removed(line, "credit-line") for line in credit_lines(candidates, cleaned.text)),
        pieces=tuple(Piece(p.text_start, p.input_start, p.length) for p in cleaned.pieces),
    )
