# ruff: noqa: RUF001, RUF002, RUF003  (Russian cue words and aliases are intended)
"""Sources, their aliases, and the credits an article gives them.

A :class:`SourceRegistry` knows each source by a canonical name and its aliases
(TASS: the Cyrillic spelling, "ITAR-TASS", "Russian News Agency TASS"...).  Users add or amend
sources in the ``[sources]`` table of the config file::

    [sources.Meduza]
    aliases = ["Медуза"]
    domains = ["meduza.io"]
    designated = true

:meth:`SourceRegistry.outlet` settles the outlet of an article from what is known of it
(a manifest's outlet, the page's address and site name), naming a source canonically.

:func:`find_credits` finds the credits in a text.  A mention of a source is a
credit only next to a cue: "according to (Russian News Agency) TASS", "told
TASS", "in comments to the state-run TASS news agency", "(TASS)", "TASS
reported", "the Moscow Times reports", "which was carried by the Russian news
agency TASS", "AFP and Reuters contributed reporting" (kind ``contributed``).
"told the news agency" names no source: it resolves to the source mentioned
last before it, else it is vague.  Credits to a class of outlets ("Russian state
media", "local media", "a news agency") are ``vague`` with ``source=None``.

:func:`credit_for` picks the credit that covers a passage, nearest first:
the same sentence, the same paragraph, a credit whose sentence names the
passage's speaker ("According to the Moscow Times, Kremlin spokesman Dmitry
Peskov declined..." covers Peskov's quotations further on), then the article's
credit lines (short lines such as "AFP and Reuters contributed reporting.", and
a dateline credit near the top: "MOSCOW, June 6 (TASS) -").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from provenance.errors import ConfigError
from provenance.models import Span, overlapping
from provenance.quotes import (
    find_quotations,
    name_key,
    names_in,
    speech_subjects,
    sure_quotations,
)
from provenance.segment import STOP_WORDS, TEXT_CACHE, TextMemo, paragraphs, sentences
from provenance.settings import Settings

CreditKind = Literal["explicit", "vague", "contributed"]


@dataclass(frozen=True, slots=True)
class Source:
    """A source known by ``name`` and any of its ``aliases``."""

    name: str
    aliases: tuple[str, ...] = ()
    designated: bool = False  # a wire agency or outlet the audit watches for
    #: its web domains: a page whose address is on one of them (or a subdomain) is its own
    domains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a source needs a non-empty name")


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit in a text: ``source`` is the canonical name, None when vague."""

    span: Span
    source: str | None
    kind: CreditKind
    text: str

    def __reduce__(self) -> tuple[type[Credit], tuple[Any, ...]]:
        # pickled as a call: a dataclass's own pickling looks its fields up each time
        return Credit, (self.span, self.source, self.kind, self.text)


DEFAULT_SOURCES: tuple[Source, ...] = (
    Source(
        "TASS",
        # (and as many papers spell it: the Guardian's, the BBC's "Tass")
        (
            *("ТАСС", "ITAR-TASS", "ИТАР-ТАСС", "Russian News Agency TASS", "TASS news agency"),
            *("Tass", "Itar-Tass"),
        ),
        designated=True,
        domains=("tass.com", "tass.ru"),
    ),
    Source("The Moscow Times", ("Moscow Times",), designated=True, domains=("themoscowtimes.com",)),
    Source("Reuters", ("Рейтер",), domains=("reuters.com",)),
    Source(
        "AFP",
        ("Agence France-Presse", "Agence France Presse", "Франс Пресс", "Франс-Пресс"),
        domains=("afp.com",),
    ),
    Source("AP", ("Associated Press", "Ассошиэйтед Пресс"), domains=("apnews.com", "ap.org")),
    Source(
        "Interfax",
        ("Интерфакс", "Интерфакса", "Интерфаксу", "Интерфаксом"),  # (its declined forms)
        domains=("interfax.ru", "interfax.com"),
    ),
    Source("RIA Novosti", ("RIA", "РИА Новости", "RIA-Novosti"), domains=("ria.ru",)),
)


class SourceRegistry:
    """Sources by canonical name, and a matcher for their mentions in text."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._sources: dict[str, Source] = {}
        self._by_alias: dict[str, str] = {}
        self._by_domain: dict[str, str] = {}
        for source in sources:
            if source.name in self._sources:
                raise ValueError(f"source {source.name!r} is listed twice; merge its aliases")
            self._sources[source.name] = source
            for alias in (source.name, *source.aliases):
                self._by_alias.setdefault(fold_name(alias), source.name)
            for domain in source.domains:
                self._by_domain.setdefault(web_host(domain), source.name)
                # a domain names its source in a text too ("Source: tass.com")
                self._by_alias.setdefault(fold_name(web_host(domain)), source.name)
        if not self._sources:
            raise ValueError("a SourceRegistry needs at least one source")
        self._pattern = _alias_pattern(
            alias
            for s in self._sources.values()
            for alias in (s.name, *s.aliases, *(web_host(d) for d in s.domains))
        )

    @classmethod
    def default(cls) -> SourceRegistry:
        return cls(DEFAULT_SOURCES)

    @classmethod
    def from_settings(cls, settings: Settings) -> SourceRegistry:
        """The default sources, amended and extended by ``settings.sources``."""
        return cls(_merge(DEFAULT_SOURCES, settings.sources))

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(self._sources.values())

    @property
    def designated(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._sources.values() if s.designated)

    def canonical(self, name: str) -> str | None:
        """The canonical name for ``name`` (a name or an alias, any case), or None."""
        return self._by_alias.get(fold_name(name))

    def outlet(
        self, name: str | None, url: str | None = None, site_name: str | None = None
    ) -> str | None:
        """The outlet an article belongs to, by what is known of it, most explicit first.

        ``name``, the outlet the user gave (a manifest's), under its canonical name when it
        is a source's name or alias; else the source whose web domain ``url`` is on (a
        subdomain too); else ``site_name``, the name the page gives itself, canonical too,
        or the source exactly one part of it names ("The Moscow Times | Independent News
        From Russia"); else ``url``'s web host ("www." left out); else None.  A name with
        no letter or digit is no name; a name that is an address or a host ("tass.ru",
        "https://www.example.com/") is the source on that domain, else the host.
        """
        text = _name_of(name)
        if text:
            return self._addressed(text) or self.canonical(text) or text
        found = self._source_at(url)
        if found is not None:
            return found
        text = _name_of(site_name)
        if text:
            addressed = self._addressed(text)
            if addressed != "":
                return addressed or self.canonical(text) or self._part_named(text) or text
        return web_host(url or "") or None

    def _addressed(self, text: str) -> str | None:
        """For a name that is an address or a host: the source on its domain, else the host
        ("" for an address with no host); None for any other name."""
        if re.match(r"(?i)(?:https?:|www\b)", text):
            return self._source_at(text) or web_host(text)
        if _HOST.fullmatch(text):  # "tass.ru": a known source's domain; "NFL.com" stays
            return self._source_at(text)
        return None

    def _source_at(self, url: str | None) -> str | None:
        """The source whose web domain ``url``'s host is on, or None."""
        labels = web_host(url or "").split(".")
        for k in range(len(labels) - 1):  # the host, then each parent domain
            found = self._by_domain.get(".".join(labels[k:]))
            if found is not None:
                return found
        return None

    def _part_named(self, name: str) -> str | None:
        """The source a part of a site name names, when exactly one part does."""
        parts = [p for p in _SITE_NAME_PARTS.split(name) if p.strip()]
        found = {c for c in map(self.canonical, parts) if c is not None}
        return found.pop() if len(parts) > 1 and len(found) == 1 else None

    def mentions(self, text: str) -> list[tuple[Span, str]]:
        """(span, canonical name) for each mention of a known source."""
        return list(_mentions(self, text))


@TextMemo
def _mentions(registry: SourceRegistry, text: str) -> tuple[tuple[Span, str], ...]:
    found = []
    for match in registry._pattern.finditer(text):
        name = registry._by_alias.get(fold_name(match.group()))
        if name is not None and not _surname(text, match):
            found.append((Span(match.start(), match.end()), name))
    return tuple(found)


#: the word before a mention, when it is capitalised
_NAME_BEFORE_MENTION = re.compile(
    r"(?<![\w'\u2019-])([A-Z\u0410-\u042f\u0401][\w'\u2019-]*\.?)[ \t]+$"
)


def _surname(text: str, match: re.Match[str]) -> bool:
    """Is a title-case spelling of an acronym ("Tass") a person's surname here, after a
    first name ("Olga Tass, the gymnast")?  Not after a descriptor, a cue or a small word
    ("Russia's Tass", "Via Tass", "The Tass agency")."""
    found = match.group()
    if not (found.istitle() and found != found.upper()):
        return False
    before = _NAME_BEFORE_MENTION.search(text, max(0, match.start() - 40), match.start())
    if before is None:
        return False
    word = before.group(1)
    return (
        word.casefold() not in STOP_WORDS
        and _LEFT_NP.fullmatch(word + " ") is None
        and _CUE_BEFORE.fullmatch(word + " ") is None
    )


#: what separates the parts of a site name: "Name | Tagline", "Section - Name"
_SITE_NAME_PARTS = re.compile(r"\s+[-\u2013\u2014/]+\s+|\s*[|\u00b7\u2022\u00bb]+\s*|:\s+")


#: a bare web host used as a name ("tass.ru", "NFL.com")
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}/?")


def web_host(url: str) -> str:
    """The lower-cased host of ``url`` (a bare domain too) without "www.", or ""."""
    text = url.strip().lower()
    if not text:
        return ""
    rest = text.split("://", 1)[1] if "://" in text else text.lstrip("/")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host).strip(".")
    host = host.removeprefix("www.")
    return host if re.fullmatch(r"[\w-]+(\.[\w-]+)+", host) else ""


#: labels of a web host that name no site
_GENERIC_LABELS = frozenset(("www", "com", "org", "net", "edu", "gov", "co", "news", "online", "m"))


def site_label(site_name: str, host: str = "") -> str:
    """A page's site name, white space folded; when it has several parts ("Name | Tagline")
    and ``host`` is known, the part that names the host: the one that is its name ("WSJ"
    on online.wsj.com), else the first that holds it ("The Washington Post" on
    washingtonpost.com), else the longest it holds; else the whole name."""
    name = " ".join(site_name.split())
    parts = [p.strip() for p in _SITE_NAME_PARTS.split(name) if _name_of(p)]
    if len(parts) < 2 or not host:
        return name if _name_of(name) else ""
    labels = [x for x in host.split(".") if len(x) >= 3 and x not in _GENERIC_LABELS]
    squashed = [re.sub(r"\W+", "", p.casefold()) for p in parts]
    for test in (
        lambda sq, x: sq == x,
        lambda sq, x: x in sq,
    ):
        for part, sq in zip(parts, squashed, strict=True):
            if any(test(sq, x) for x in labels):
                return part
    inside = [(len(sq), -i) for i, sq in enumerate(squashed) if any(sq in x for x in labels)]
    return parts[-max(inside)[1]] if inside else name


def _name_of(value: str | None) -> str:
    """``value`` with its white space folded; "" when it has no letter or digit."""
    text = " ".join((value or "").split())
    return text if re.search(r"\w", text) else ""


def same_outlet(a: str, b: str) -> bool:
    """Do two outlet names name one outlet ("The Kommersant" and "Kommersant")?"""
    return fold_name(a).removeprefix("the ") == fold_name(b).removeprefix("the ")


def fold_name(name: str) -> str:
    """A name as names are compared: white space folded, case folded, "\u2011" as "-"."""
    return " ".join(name.replace("\u2011", "-").split()).casefold()


def _titled(alias: str, names: Collection[str]) -> bool:
    """Is ``alias`` an all-capital alias of ``names`` written in title case ("Tass")?"""
    return alias.istitle() and alias != alias.upper() and alias.upper() in names


def _alias_pattern(aliases: Iterable[str]) -> re.Pattern[str]:
    """One regex for every alias; all-capital aliases (TASS, AP) match case-sensitively,
    and so does an alias spelling one of them in title case ("Tass")."""
    parts = []
    exact: set[str] = set()  # first letters, matched as the alias is
    folded: set[str] = set()
    names = set(aliases)
    for alias in sorted(names, key=len, reverse=True):
        body = r"[\s\u00a0]+".join(re.escape(w) for w in alias.split())
        if "." in alias and not alias.strip().count(" "):  # a domain: not inside an address
            body = rf"(?<![/.@]){body}(?![/.]\w)"
        cased = alias.isupper() or _titled(alias, names)
        parts.append(body if cased else f"(?i:{body})")
        (exact if cased else folded).add(re.escape(alias.lstrip()[:1]))
    if not parts:
        return re.compile(r"(?!x)x")  # matches nothing
    # the first letters first: most positions of a text are rejected at once
    starts = [f"[{''.join(sorted(exact))}]"] if exact else []
    starts += [f"(?i:[{''.join(sorted(folded))}])"] if folded else []
    return re.compile(rf"(?<![\w-])(?={'|'.join(starts)})(?:" + "|".join(parts) + r")(?![\w-])")


def _merge(defaults: Sequence[Source], table: Mapping[str, Any]) -> list[Source]:
    """Defaults plus the ``[sources]`` table: new sources, extra aliases, designation."""
    merged = {s.name: s for s in defaults}
    lookup = {fold_name(a): s.name for s in defaults for a in (s.name, *s.aliases)}
    for name, entry in table.items():
        where = f"[sources.{name}]"
        if not fold_name(name):
            raise ConfigError(f"{where}: a source needs a name", hint='e.g. [sources."Interfax"]')
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table", hint='e.g. aliases = ["..."]')
        unknown = set(entry) - {"aliases", "designated", "domains"}
        if unknown:
            raise ConfigError(
                f"unknown key {where} {sorted(unknown)[0]}",
                hint="known: aliases, designated, domains",
            )
        aliases = _strings(entry, "aliases", where)
        domains = _strings(entry, "domains", where)
        bad = next((d for d in domains if not web_host(d)), None)
        if bad is not None:
            raise ConfigError(
                f"{where} domains: {bad!r} is not a web domain", hint='e.g. "tass.com"'
            )
        designated = entry.get("designated")
        if designated is not None and not isinstance(designated, bool):
            raise ConfigError(f"{where} designated must be true or false")
        canonical = lookup.get(fold_name(name), name)
        old = merged.get(canonical, Source(canonical))
        merged[canonical] = Source(
            canonical,
            old.aliases + tuple(a for a in aliases if a not in old.aliases),
            old.designated if designated is None else designated,
            old.domains + tuple(d for d in domains if d not in old.domains),
        )
        owners = {
            web_host(d): s.name for s in merged.values() if s.name != canonical for d in s.domains
        }
        taken = next((d for d in domains if web_host(d) in owners), None)
        if taken is not None:
            raise ConfigError(
                f"{where} domains: {taken!r} is {owners[web_host(taken)]}'s already",
                hint="a web domain names one source",
            )
    return list(merged.values())


def _strings(entry: Mapping[str, Any], key: str, where: str) -> list[str]:
    """``entry[key]``, a list of non-empty strings (empty when absent)."""
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where} {key} must be a list of non-empty strings")
    return values


# --------------------------------------------------------------------------- credits

#: Ukrainian verbs of reporting ("повідомляє ТАСС", "ТАСС повідомив", ", пише Politico")
_UK_REPORTS = r"повідомляє|повідомляють|повідомил[аои]?|повідомив|пише|пишуть|передає|передають"

_DESCRIPTOR = (
    r"(?:the|a|an|Russian|Russia['\u2019]s|state-run|state-owned|state-controlled|state|"
    r"official|independent|news|agency|newspaper|wire|service|outlet|daily|media|"
    r"government-run|government|Kremlin-controlled|pro-Kremlin|British|French|US|U\.S\.|"
    r"American|Chinese|Ukrainian|international|private|online|business|Moscow-based|"
    r"London-based|Paris-based|Amsterdam-based|Riga-based|exiled|"
    # Russian: "сообщил агентству ТАСС", "передает корреспондент ТАСС"
    r"(?:информ)?агентств(?:о|а|у|ом)|корреспондент(?:а|у|ом|ы)?|издани(?:е|я|ю)|"
    r"газет(?:а|е|ы|у)|телеканал(?:а|у)?|государственно(?:го|му|е)|российско(?:го|му|е)|"
    # Ukrainian: "повідомляє російське агентство ТАСС", "пише кореспондент ТАСС"
    r"агенці(?:я|ї|ю|єю)|видання|російськ(?:е|ого|ому|а|ої|ій)|державн(?:е|ого|ому|а|ої|ій))"
)
# (from a word's start: the "a" ending "via" is no article)
_LEFT_NP = re.compile(rf"(?<![\w'\u2019.-])(?:(?i:{_DESCRIPTOR})\s+){{1,5}}$")
_RIGHT_NP = re.compile(
    r"(?:['\u2019]s)?(?:\s+(?i:(?:english|russian|english-language|russian-language)\s+"
    r"(?:service|edition|website|site|desk)|news\s+agency|agency|newspaper|news\s+outlet|outlet|"
    r"news\s+service|wire\s+service|daily|news\s+site|website|television|channel))?"
)
_CUE_BEFORE = re.compile(
    r"\b(?i:according\s+to|told|telling|tells|tell|"
    r"(?:in|during|at)\s+(?:an?\s+|the\s+|his\s+|her\s+)?(?:comments?|remarks?|statements?|"
    r"interview|conversation|briefing)\s+(?:to|with|for|by)|"
    r"(?:interview|comments?|remarks?|statement)\s+(?:to|with|given\s+to)|"
    r"(?:speaking|spoke|talking|talked)\s+(?:to|with)|"
    r"(?:as\s+)?(?:(?:first|originally|initially)\s+)?"
    r"(?:reported|carried|published|cited|quoted|broadcast|released|"
    r"confirmed|run|aired)\s+by|"
    r"(?:report|reports|dispatch|article|story|interview)\s+(?:from|by|in|on)|"
    r"citing|quoting|via|source:|sources:|courtesy\s+of|"
    # a note on the material used: "This article uses material from TASS", "The report was
    # prepared using materials from TASS" (the article's, not a court's or a study's)
    r"(?:this\s+|(?<![^\n])\s*(?:the\s+)?)"
    r"(?:article|story|report|piece|text|material|publication)\s+(?:(?:was|is)\s+)?"
    r"(?:uses?|used|includes?|drew\s+on|draws\s+on|(?:prepared|written|compiled)\s+"
    r"(?:using|with|from))\s+(?:material|materials|information|reporting|content|data)\s+"
    r"(?:from|by|of)|"
    r"based\s+on\s+(?:materials|reports|reporting|information)\s+(?:from|by|of)|"
    r"(?:additional\s+)?reporting\s+(?:by|from)|with\s+(?:additional\s+)?inputs?\s+from|"
    r"with\s+(?:additional\s+)?(?:reporting|contributions?)\s+from|contributed\s+by|"
    r"(?:wrote|said|says|writes)\s+(?:in|on|to)|"
    r"(?:confirmed|explained|revealed|disclosed|admitted|described|announced)\s+to|"
    r"по\s+данным|по\s+сообщению|по\s+информации|по\s+материалам|со\s+ссылкой\s+на|"
    r"согласно(?:\s+данным|\s+информации|\s+сообщению)?|(?:как\s+)?стало\s+известно|"
    r"(?:источник|источники|информация|текст)\s*[:\u2014\u2013-]|"
    r"сообщает|сообщил[аои]?|уточняет|уточнил[аои]?|отмечает|"
    r"передает|передаёт|передают|пишет|пишут|сообщают|цитирует|информирует|"
    r"(?:в|во)\s+(?:беседе|интервью|разговоре|комментарии|комментарий|эфире)(?:\s+(?:с|для))?|"
    # Ukrainian: "за даними ТАСС", "як повідомляє ТАСС", "— пише ТАСС", "Джерело: ТАСС"
    r"за\s+(?:даними|повідомленням|інформацією|матеріалами)|з\s+посиланням\s+на|"
    r"згідно\s+з(?:\s+даними|\s+інформацією|\s+повідомленням)?|"
    r"(?:джерело|джерела)\s*[:\u2014\u2013-]|"
    rf"{_UK_REPORTS}|уточнює|зазначає|цитує|інформує|"
    r"(?:в|у)\s+(?:інтерв['\u2019\u02bc]?ю|коментарі|розмові|ефірі)(?:\s+(?:з|для))?|"
    r"(?:в|во)\s+(?:материале|публикации|статье|сообщении|заметке)|"
    # "При подготовке материала использованы данные ТАСС", a note at a line's start
    # "Использованы материалы ТАСС" (not "в деле использованы материалы ТАСС")
    r"(?:при\s+подготовке\s+\w+\s+|(?<![^\n])\s*)использован[аоы]?\s+"
    r"(?:материалы|данные|информация|сведения)|"
    r"(?<![^\n])\s*с\s+использованием\s+(?:материалов|данных|информации)|"
    # the speaker between the verb and the outlet: "сказал Марат Хуснуллин ТАСС"
    r"(?:рассказал|заявил|сказал|пояснил|подтвердил|уточнил|отметил|признался|сообщил)[аои]?"
    r"(?:\s+об\s+этом)?(?:\s+(?-i:[А-ЯЁ])[\w-]*){0,3})"
    # "сообщило агентство ТАСС", "сообщает «ТАСС»"
    r"(?:\s+(?:(?i:информ)?агентств[оау]|издани[ея]))?\s*[\u00ab\"\u201c]?$"
)
_CONTRIBUTED_BEFORE = re.compile(
    r"(?i:(?:additional\s+)?reporting\s+(?:by|from)|with\s+(?:additional\s+)?inputs?\s+from|"
    r"with\s+(?:additional\s+)?(?:reporting|contributions?)\s+from|contributed\s+by)\s*$"
)
_CUE_AFTER = re.compile(
    # (an apposition between: "TASS, the Russian state news agency, reported")
    r"(?:,\s+(?:the|a|an)\s+[^,.;:\n\"\u201c\u201d]{1,60}?,)?"
    r"(?:,\s+|\s+)(?:has\s+|had\s+|have\s+|also\s+|earlier\s+|first\s+|later\s+)?"
    r"(?:reported|reports|reporting|report|said|says|wrote|writes|cited|cites|quoted|quotes|"
    r"learned|learnt|understands|stated|announced|published|citing|quoting|noted|added|"
    r"contributed|contributes|confirmed|broadcast|carried|informs|claimed|claims|"
    r"сообщает|сообщил[аи]?|сообщило|сообщают|передает|передаёт|передают|пишет|пишут|"
    r"уточняет|информирует|отмечает|цитирует|"
    # (Ukrainian: a clause's end, "що" or "про" after it: "ТАСС повідомляє, що ...", not
    # "ТАСС пише неправду", "ТАСС повідомляє фейки")
    rf"(?:{_UK_REPORTS}|уточнює|інформує|зазначає|цитує)(?=\s*(?:[,:;.!?\u2014\u2013]|що\b|про\b|$)))\b"
)
#: "... sanctioned TASS, said EU spokesman Peter Stano": the one after the verb speaks, the
#: mention only ends the clause he is quoted in
_INVERTED = re.compile(
    r",\s+(?:said|says|added|adds|noted|notes|stated|states|wrote|writes|claimed|claims|"
    r"told|explained|stressed|reports|reported|"
    # "... the TASS website, сообщает ГУР / повідомляє ГУР": another source reports it
    r"сообщает|сообщил[аои]?|сообщают|пишет|пишут|передает|передаёт|передают|"
    rf"{_UK_REPORTS})"
    r"\s+(?:(?:the|a|an)\s+\w|[A-Z\u0410-\u042f\u0401\u0404\u0406\u0407\u0490])"
)
_SAID_AFTER_COMMA = re.compile(
    r",\s+(?:said|says|added|adds|noted|notes|stated|states|claimed|claims)$"
)
#: a speaker named right after the verb: the verb is his ("..., said EU spokesman Stano")
_SPOKEN_BY = re.compile(r"\s+(?:(?:the|a|an)\s+\w|[A-Z\u0410-\u042f\u0401])")
_REPORT_NOUN = re.compile(r"\s+(?:report|reporting|dispatch|interview|article)\b", re.IGNORECASE)
_CONTRIBUTED_AFTER = re.compile(r"\s+(?:also\s+)?contribut", re.IGNORECASE)
_JOIN = re.compile(r"^\s*(?:,|and|&|и|,\s*(?:and|и))\s*(?:the\s+)?$", re.IGNORECASE)
_ANAPHOR = re.compile(
    r"\b(?i:the)\s+(?:(?:Russian|state|state-run|state-owned|official|same|news|wire)\s+)?"
    r"(?i:news\s+agency|agency|outlet|newspaper|broadcaster|wire\s+service|publication|"
    r"news\s+site|website|channel)\b"
)
_VAGUE = re.compile(
    r"\b(?:(?i:the|a|an|some|several|other)\s+)?"
    r"(?:(?:Russian|Russia['\u2019]s|Kremlin-controlled|pro-Kremlin|Kremlin-backed|"
    r"(?i:state-run|state-owned|state-controlled|state-backed|government-run|official|local|"
    r"foreign|western|international|independent|national|regional|major|leading|unnamed|"
    r"opposition|ukrainian|chinese|american|british|us|domestic|state))\s+)*"
    r"(?i:media(?:\s+outlets?|\s+reports?)?|news\s+agenc(?:y|ies)|news\s+outlets?|"
    r"press\s+reports?|reports|television|tv|broadcasters?|newspapers?|tabloids?|"
    r"outlets?)\b"
)


def find_credits(text: str, registry: SourceRegistry) -> list[Credit]:
    """Every credit in ``text``, in text order."""
    return list(_find_credits(text, registry))


def remember_credits(text: str, registry: SourceRegistry, credits: Sequence[Credit]) -> None:
    """Take :func:`find_credits`' result for ``text`` (computed in another process)."""
    _find_credits.put((text, registry), tuple(credits))


@TextMemo
def _find_credits(text: str, registry: SourceRegistry) -> tuple[Credit, ...]:
    explicit = _explicit_credits(text, registry)
    taken = [c.span for c in explicit]
    mentions = registry.mentions(text)
    others = [
        c
        for c in _anaphoric_credits(text, mentions)
        + _unregistered_credits(text)
        + _vague_credits(text)
        if not any(_overlap(c.span, t) for t in taken)
    ]
    kept: list[Credit] = []
    for credit in sorted(others, key=lambda c: (c.span.start, -c.span.end)):
        if not any(_overlap(credit.span, k.span) for k in kept):
            kept.append(credit)
    found = sorted(explicit + kept, key=lambda c: (c.span.start, c.span.end))
    return tuple(_outside_quotations(text, found))


def _outside_quotations(text: str, credits: list[Credit]) -> list[Credit]:
    """The credits not said inside someone's quotation: '"Everything reported by TASS is
    propaganda," the senator said' is the senator's opinion of TASS, and the text
    after it is no more TASS's than before.  (A quoted name alone, "сообщает «ТАСС»",
    is a credit: its cue stands outside the marks.)

    Only a quotation sure to be one (``sure_quotations``: "In the '90s, ITAR-TASS
    reported" quotes nothing); and not the reporting words Russian sets between dashes
    inside the marks ("«..., — сказал ТАСС вице-премьер. — ...»"), nor a quoted
    dispatch's own credit closing it.
    """
    inner = sure_quotations(text) if credits else []
    return [
        c
        for c in credits
        if not any(_said_of(text, c, q) for q in inner)
        or _DASH_BEFORE.search(text, max(0, c.span.start - 8), c.span.start)
    ]


def _said_of(text: str, credit: Credit, quoted: Span) -> bool:
    """Is ``credit`` inside the quotation ``quoted``, said of the source rather than closing
    a quoted dispatch as its own credit ('... carried the claim: "Air defences downed 12
    drones, the defence ministry told TASS on Thursday."')?"""
    if not (quoted.start <= credit.span.start and credit.span.end <= quoted.end):
        return False
    return _CLOSING.fullmatch(text, credit.span.end, quoted.end) is None


#: what may follow a quoted dispatch's closing credit: when and where, whom it cites
#: (", TASS reported on Thursday, citing the defence ministry.")
_CLOSING = re.compile(
    r"(?:,?\s*(?:(?:on|in|at|late|early|this|last)\s+[\w-]+(?:\s+(?:morning|evening|night))?"
    r"|(?:citing|quoting)\s+[^.!?\"\u201d\u00bb]{1,60}))*\s*[.!?]?\s*"
)


#: the reporting words of a Russian quotation set off by a dash: "..., — сказал ТАСС"
_DASH_BEFORE = re.compile("[\u2014\u2013-]\\s*$")


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _noun_phrase(text: str, span: Span, floor: int) -> Span:
    """The mention widened over descriptors: "the Russian news agency TASS", "TASS's"."""
    left = _LEFT_NP.search(text, floor, span.start)
    start = left.start() if left else span.start
    right = _RIGHT_NP.match(text, span.end)
    end = right.end() if right else span.end
    return Span(start, end)


def _explicit_credits(text: str, registry: SourceRegistry) -> list[Credit]:
    credits: list[Credit] = []
    for group in _groups(text, registry.mentions(text)):
        floor = _line_start(text, group[0][0].start)
        first = _noun_phrase(text, group[0][0], floor)
        last = _noun_phrase(text, group[-1][0], floor)
        before = _CUE_BEFORE.search(text, max(floor, first.start - 60), first.start)
        after = None if _INVERTED.match(text, last.end) else _CUE_AFTER.match(text, last.end)
        if (
            after is not None
            and _SAID_AFTER_COMMA.search(after.group())
            and _SPOKEN_BY.match(text, after.end())
        ):
            after = None  # "TASS, the two state agencies, said EU spokesman Peter Stano"
        start, end = first.start, last.end
        kind: CreditKind = "explicit"
        if before is not None:
            start = before.start()
            noun = _REPORT_NOUN.match(text, end)  # "according to a Reuters report"
            end = noun.end() if noun else end
            if _CONTRIBUTED_BEFORE.search(text, max(floor, first.start - 60), first.start):
                kind = "contributed"
        elif after is not None:
            end = after.end()
            if _CONTRIBUTED_AFTER.match(text, last.end):
                kind = "contributed"
                end = _line_end(text, end)
        elif _parenthesised(text, first, last):
            start, end = start - 1, end + 1
        elif _dash_credit(text, first, last):
            pass
        else:
            continue
        span = Span(start, end)
        for _, name in group:
            credits.append(Credit(span, name, kind, text[span.start : span.end].strip()))
    return credits


def _groups(text: str, mentions: list[tuple[Span, str]]) -> list[list[tuple[Span, str]]]:
    """Mentions joined by "and" or commas ("AFP and Reuters") form one group."""
    groups: list[list[tuple[Span, str]]] = []
    for mention in mentions:
        if groups and _JOIN.match(text[groups[-1][-1][0].end : mention[0].start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    while end > pos and text[end - 1] in " .\t\r":
        end -= 1
    return end


def _parenthesised(text: str, first: Span, last: Span) -> bool:
    """A dateline credit: "MOSCOW, June 6 (TASS) -", TASS's own "МОСКВА, 6 июня. /ТАСС/."."""
    return (text[first.start - 1 : first.start], text[last.end : last.end + 1]) in _BRACKETS


_BRACKETS = frozenset((("(", ")"), ("/", "/"), ("[", "]")))


def _dash_credit(text: str, first: Span, last: Span) -> bool:
    """A credit line: "- TASS" at the end of a line, or "Source: TASS"."""
    before = text[_line_start(text, first.start) : first.start]
    after = text[last.end : _line_end(text, last.end)].strip(" .")
    if after or not re.search(r"(?:^|\s)[-\u2013\u2014]\s*$", before):
        return False
    # words before the dash ("Grain corridor to grow - TASS"), or a line of its own that
    # ends the text ("— TASS"); a list item "- TASS" names the agency, it credits nothing
    return bool(re.search(r"\w", before)) or not text[last.end :].strip(" .\n\t")


def _anaphoric_credits(text: str, mentions: Sequence[tuple[Span, str]]) -> list[Credit]:
    """ "told the news agency": the source mentioned last before it, else vague."""
    credits = []
    for match in _ANAPHOR.finditer(text):
        floor = _line_start(text, match.start())
        before = _CUE_BEFORE.search(text, max(floor, match.start() - 60), match.start())
        after = _CUE_AFTER.match(text, match.end())
        if before is None and after is None:
            continue
        span = Span(
            before.start() if before else match.start(), after.end() if after else match.end()
        )
        earlier = [(m, name) for m, name in mentions if m.end <= match.start()]
        source = earlier[-1][1] if earlier else None
        since = earlier[-1][0].end if earlier else 0
        words = match.group().split()
        if len(words) == 2 and _named_alike(text, since, match.start(), words[-1]):
            continue  # "the Federal Road Agency said ..., the agency said": not the news agency
        kind: CreditKind = "explicit" if source else "vague"
        credits.append(Credit(span, source, kind, text[span.start : span.end]))
    return credits


def _named_alike(text: str, start: int, end: int, head: str) -> bool:
    """Is something named with ``head`` as its last word ("Federal Road Agency" for
    "agency") in ``text[start:end]``, what a bare "the agency" after it refers to?  Not a
    name right after ``start``, the end of the source's mention: that names the source
    ("TASS Russian News Agency").  (A qualified "the news agency" is never the road
    agency: the caller asks only for a bare one.)"""
    word = re.escape(head[:1].upper() + head[1:].lower())
    pattern = re.compile(rf"\b(?:[A-Z][\w'\u2019-]*\s+)+{word}\b")
    return any(m.start() > start + 3 for m in pattern.finditer(text, start, end))


_OUTLET_WORD = (
    r"(?:Post|Times|News|Journal|Agency|Press|Telegraph|Guardian|Herald|Tribune|Gazette|"
    r"Gazeta|Daily|Radio|TV|Television|Broadcasting|Network|Media|Wire|Today|Observer|"
    r"Independent|Express|Mail|Mirror|Standard|Review|Magazine|Monitor|Insider|Politico|"
    r"Bloomberg|Axios|CNN|BBC|NBC|CBS|ABC|Fox|Sky|Euronews|Newsweek|Kommersant|Vedomosti|"
    r"Izvestia|Meduza|Novaya|RBC|Dozhd|Tribune|Chronicle|Inquirer|Economist|Verge)"
)
_UNREGISTERED = re.compile(
    r"\b(?=[afrcpti])(?:(?:as\s+)?(?:first\s+)?(?:reported|carried|published)\s+by|according\s+to|"
    r"told|in\s+(?:an\s+)?interview\s+with)\s+"
    rf"((?:the\s+|The\s+)?(?:[A-Z][\w&'.-]*\s+){{0,4}}{_OUTLET_WORD}(?:-[A-Z]\w*)?)\b"
)


#: "the Kommersant newspaper reported": a publication's name (not "Agency", "Fox", "Mail",
#: "Media": an agency, a person or a company that "said" something is no outlet) or any name
#: with "newspaper" after it, then a verb of publishing (not "said"), found from the name
#: (capitalised: few positions of a text to try)
_PUBLICATION = (
    r"(?:Post|Times|News|Journal|Telegraph|Guardian|Herald|Tribune|Gazette|Gazeta|Chronicle|"
    r"Inquirer|Economist|Newsweek|Politico|Bloomberg|Axios|Reuters|Kommersant|Vedomosti|"
    r"Izvestia|Meduza|Novaya\s+Gazeta|RBC|Fontanka|Interfax|Dozhd|CNN|BBC|NBC|CBS)"
)
#: the names that stand alone ("Kommersant reported"): no words before them are taken in
_SELF_NAMED = re.compile(
    r"(?:Kommersant|Vedomosti|Izvestia|Meduza|RBC|Fontanka|Interfax|Dozhd|Politico|Bloomberg|"
    r"Axios|Reuters|Newsweek|CNN|BBC|NBC|CBS)"
)
_UNREGISTERED_AFTER = re.compile(
    rf"\b(?=[A-Z])(?:{_PUBLICATION}|(?P<named>[A-Z][\w&'.-]*)(?=\s+(?:newspaper|daily|"
    r"business\s+daily|weekly|magazine|news\s+site|website)\b))"
    r"(?:\s+(?:newspaper|daily|paper|website|magazine|business\s+daily|weekly|news\s+site))?"
    r",?\s+(?:has\s+|had\s+|also\s+|first\s+|earlier\s+)?"
    r"(?:reported|reports|wrote|writes|published|learned|learnt|revealed)\b"
)
_NAME_BEFORE = re.compile(r"(?:(?:the|The)\s+)?(?:[A-Z][\w&'.-]*\s+){0,4}$")
_NAME_END = re.compile(rf"{_PUBLICATION}|[A-Z][\w&'.-]*")


def _unregistered_credits(text: str) -> list[Credit]:
    """ "as reported by The New York Post", "the Kommersant newspaper reported": a named
    outlet the registry does not know.

    Only names ending in an outlet word count, so "according to Dmitry Peskov"
    (a person) is never taken for a source.
    """
    credits = []
    for match in _UNREGISTERED.finditer(text):
        name = re.sub(r"^the\s+", "The ", match.group(1).strip())
        span = Span(match.start(), match.end())
        credits.append(Credit(span, name, "explicit", text[span.start : span.end]))
    for match in _UNREGISTERED_AFTER.finditer(text):
        comma = match.group().rfind(",")
        if comma >= 0 and _INVERTED.match(text, match.start() + comma):
            continue  # "... the TASS website, reports Ukraine's HUR": HUR's report
        start = match.start()
        word = _NAME_END.match(text, start)
        end = word.end() if word else start
        if not _SELF_NAMED.fullmatch(text, start, end):  # "The New York Post": its words too
            lead = _NAME_BEFORE.search(text, max(_line_start(text, start), start - 80), start)
            start = lead.start() if lead else start
        name = re.sub(r"^the\s+", "The ", text[start:end].strip())
        span = Span(start, match.end())
        credits.append(Credit(span, name, "explicit", text[span.start : span.end]))
    return sorted(credits, key=lambda c: c.span.start)


def _vague_credits(text: str) -> list[Credit]:
    """ "during an interview with Russian state media", "local media reported"."""
    credits = []
    for match in _vague_matches(text):
        phrase = match.group()
        if not re.search(r"(?i)media|agenc|press|reports|outlet|tv|television|broadcast", phrase):
            continue
        floor = _line_start(text, match.start())
        before = _CUE_BEFORE.search(text, max(floor, match.start() - 60), match.start())
        after = _CUE_AFTER.match(text, match.end())
        if before is None and after is None and not _bare_report(phrase):
            continue
        start = before.start() if before else match.start()
        end = after.end() if after else match.end()
        credits.append(Credit(Span(start, end), None, "vague", text[start:end]))
    return credits


#: a vague credit ends in one of these words: only stretches ending in one are searched
#: (the pattern serves where lower-casing changes a text's length; else _HINT_WORDS)
_VAGUE_HINT = re.compile(
    r"(?i)media|agenc|outlet|reports|television|\btv\b|broadcaster|newspaper|tabloid"
)


_HINT_WORDS = (
    "media",
    "agenc",
    "outlet",
    "reports",
    "television",
    "tv",
    "broadcaster",
    "newspaper",
    "tabloid",
)


def _hints(text: str) -> list[tuple[int, int]]:
    """Where :data:`_VAGUE_HINT` matches, in order (plain substring search: faster)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare: a character whose lower case is longer
        return [m.span() for m in _VAGUE_HINT.finditer(text)]
    found = []
    for word in _HINT_WORDS:
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            bare = word != "tv" or (
                (at == 0 or not _is_word(lowered[at - 1]))
                and (end == len(lowered) or not _is_word(lowered[end]))
            )
            if bare:
                found.append((at, end))
            at = lowered.find(word, end)
    return sorted(found)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _vague_matches(text: str) -> Iterator[re.Match[str]]:
    """``_VAGUE.finditer(text)``, searched only in stretches that end in a hint word
    (the pattern tries its optional words at every word of a text: slow)."""
    windows: list[list[int]] = []
    for start, end in _hints(text):
        lo, hi = max(0, start - 300), min(len(text), end + 30)
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1  # a window starts at a word's start ("\b" holds at its first character)
        while hi < len(text) and not text[hi].isspace():
            hi += 1  # and ends at a word's end
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        yield from _VAGUE.finditer(text, lo, hi)


def _bare_report(phrase: str) -> bool:
    """Phrases that credit by themselves: "media reports", "press reports"."""
    return bool(re.search(r"(?i)\b(?:media|press)\s+reports?$", phrase))


# --------------------------------------------------------------------------- coverage

Level = Literal["sentence", "paragraph", "speaker", "scope", "credit-line"]


@dataclass(frozen=True)
class _Layout:
    """What credit_for needs about one text, computed once per (text, credits)."""

    sentences: tuple[Span, ...]
    paragraphs: tuple[Span, ...]
    credit_people: tuple[frozenset[str], ...]  # per credit: keys of people it covers
    quote_keys: tuple[tuple[Span, str], ...]  # (quotation span, speaker key)
    said_keys: tuple[tuple[int, str], ...]  # (verb offset, speaker key)
    credit_lines: tuple[bool, ...]  # per credit: is it an article credit line?
    items: tuple[int, ...] = ()  # where each item of a compilation starts (see _items)

    def item_of(self, pos: int) -> int:
        """The item holding offset ``pos``: 0 before the first (the page's head), else k."""
        return bisect.bisect_right(self.items, pos)


@lru_cache(maxsize=TEXT_CACHE)
def _layout(text: str, credits: tuple[Credit, ...]) -> _Layout:
    sents = tuple(sentences(text))
    paras = tuple(paragraphs(text))
    quotes = find_quotations(text)
    quote_keys = tuple((q.span, q.speaker_key) for q in quotes if q.depth == 0 and q.speaker_key)
    said = tuple(speech_subjects(text))
    people = []
    lines = []
    for credit in credits:
        sent = _containing(sents, credit.span.start) or credit.span
        quoted = [q.span for q in quotes if q.depth == 0]
        keys = _subject_keys(text, sent, [credit.span, *quoted])
        keys |= {k for s, k in quote_keys if _overlap(s, sent)}
        keys |= {k for at, k in said if sent.start <= at < sent.end}
        people.append(frozenset(keys))
        para = _containing(paras, credit.span.start) or credit.span
        words = len(text[para.start : para.end].split())
        # "MOSCOW (TASS) -": at its paragraph's start, after a place name (not the "(TASS)"
        # closing a digest's first item)
        dateline = (
            credit.text.startswith("(")
            and credit.span.start < 300
            and credit.span.start - para.start <= _DATELINE_CHARS
        )
        lines.append(
            credit.kind == "contributed"
            or words <= 12
            or dateline
            or _sign_off(text, credit)
            or _republication_note(text, para, credit)
        )
    return _Layout(
        sents, paras, tuple(people), quote_keys, said, tuple(lines), _items(text, paras, credits)
    )


#: how far into its paragraph a bracketed credit may stand to be a dateline's
_DATELINE_CHARS = 40

#: a list item's mark at the start of a line ("• ", "* ", "- "; not a dash, which opens
#: speech in Russian)
_BULLET = re.compile(r"(?:[\u2022\u25aa\u25cf\u25e6\u2023\u00b7*]|-(?=\s))\s*\S")
#: a live blog entry's time, alone on its line or before the entry ("15:02 BST", "9.30am -")
_ENTRY_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+(?:[A-Z]{2,5}|мск|МСК))?\s*(?:$|[-\u2013\u2014:|]\s)"
)
#: an item heading: this many words at most, not ending as a sentence or clause does
_HEADING_WORDS = 10
_HEADING_END = re.compile(r"[.!?:;,\u2026\"'\u201d\u00bb)]$")


#: item starts of texts whose items' marks the extractor removed (see remember_items)
_REMEMBERED_ITEMS: dict[str, tuple[int, ...]] = {}


def remember_items(text: str, starts: Sequence[int]) -> None:
    """Where the items of ``text`` start, from marks the extractor removed from it (a live
    blog's entry times, furniture in the text, which end a credit's scope all the same).
    Kept per text for the process and the worker processes forked after."""
    if len(starts) >= 2:
        _REMEMBERED_ITEMS[text] = tuple(sorted(set(starts)))


def _items(text: str, paras: Sequence[Span], credits: Sequence[Credit] = ()) -> tuple[int, ...]:
    """Where the items of a compilation start (a digest, a roundup, a live blog), or ()
    for one story.  A credit in one item covers that item, not the next: "(TASS)"
    closing one bullet, "TASS reported" opening one digest item.

    Entry times alone on their line ("15:02 BST"), two at least, make a live blog.  Other
    marks (bullets of a sentence each, times opening their entries, headings over sections
    of a paragraph or two, two of a kind at least) make a compilation only when its items
    credit sources themselves, two of them and a third of them at least: a story with
    subheadings, a list of facts, speech set off by dashes or a timeline credits its
    source once, in its lead, which covers all of it."""
    if text in _REMEMBERED_ITEMS:
        return _REMEMBERED_ITEMS[text]
    lines = [text[p.start : p.end] for p in paras]
    times = [k for k, line in enumerate(lines) if _ENTRY_TIME.fullmatch(line)]
    if len(times) >= 2:
        return tuple(paras[k].start for k in times)
    said = Counter(lines)
    bullets = [
        k
        for k, line in enumerate(lines)
        if _BULLET.match(line) and len(line.split()) > _HEADING_WORDS
    ]
    opening = [k for k, line in enumerate(lines) if _ENTRY_TIME.match(line)]
    headings = [
        k
        for k in range(1, len(paras) - 1)
        if len(lines[k].split()) <= _HEADING_WORDS
        and lines[k][:1].isupper()
        and not _HEADING_END.search(lines[k])
        and said[lines[k]] == 1  # (a line said again is furniture: "Advertisement")
        and len(lines[k + 1].split()) > _HEADING_WORDS
    ]
    for heads in (bullets, opening, headings):
        if len(heads) < 2:
            continue
        bounds = [*heads, len(paras)]
        sections = [(bounds[i], bounds[i + 1]) for i in range(len(heads))]
        if heads is headings and 2 * sum(b - a - 1 > 2 for a, b in sections) > len(sections):
            continue  # (most sections longer than two paragraphs: a feature's)
        spans = [Span(paras[a].start, paras[b - 1].end) for a, b in sections]
        credited = sum(
            1 for span in spans if any(span.start <= c.span.start < span.end for c in credits)
        )
        if credited >= 2 and 3 * credited >= len(spans):
            return tuple(paras[k].start for k in heads)
    return ()


#: what a closing note says of the whole article: where it was first published
_REPUBLISHED = re.compile(
    r"(?i)\b(?:originally|first)\s+(?:published|appeared|ran)\b|\brepublish|\breprint|"
    r"\bcontent[- ]sharing\b|\bsyndicat|\bpartnership\s+with\b|по\s+материалам|"
    r"based\s+on\s+(?:materials|reports|reporting)\b|впервые\s+опубликован|перепечат"
)


def _republication_note(text: str, para: Span, credit: Credit) -> bool:
    """ "This story was originally published by TASS and is republished here under a
    content-sharing agreement.": the last paragraph, saying where the article comes from in
    its credit's own words ("published by TASS", "По материалам ТАСС"), credits all of it
    however long the sentence ("In March, TASS reported that ... a partnership with ..." is
    a report, not a note)."""
    return (
        not text[para.end :].strip()
        and _NOTE_CUE.search(credit.text) is not None
        and _REPUBLISHED.search(text, para.start, para.end) is not None
    )


#: the credit of a note on where the article comes from
_NOTE_CUE = re.compile(
    r"(?i)^(?:(?:as\s+)?(?:first|originally|initially)\s+)?"
    r"(?:published|carried|republished|reprinted)\s+(?:by|from)|^по\s+материалам|"
    r"^based\s+on|^courtesy\s+of|^source:"
)


def _sign_off(text: str, credit: Credit) -> bool:
    """ "... tracking grain cargoes. (TASS)" or "/TASS/": a bracketed credit after the last
    sentence, the last thing in the text (not a caption's "Photo: S. Bobylev (TASS)")."""
    if not credit.text.startswith(("(", "/", "[")) or text[credit.span.end :].strip(" .\n\t"):
        return False
    # after a full stop (a closing quotation mark after one too), not after a quoted word:
    # '... called the sanctions "illegal" (TASS).' credits the quotation
    return re.search(r"[.!?…][\"'»”’]?$", text[: credit.span.start].rstrip()) is not None


def _containing(spans: Sequence[Span], pos: int) -> Span | None:
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return None


def _subject_keys(text: str, sent: Span, skip: Sequence[Span]) -> set[str]:
    """Keys of the people a credit sentence is about: its first name run, widened over
    a title ("Kremlin spokesman Dmitry Peskov" gives kremlin and peskov)."""
    names = [
        (Span(sent.start + s.start, sent.start + s.end), n)
        for s, n in names_in(text[sent.start : sent.end])
    ]
    names = [(s, n) for s, n in names if not any(_overlap(s, k) for k in skip)]
    keys: set[str] = set()
    for i, (span, name) in enumerate(names):
        if i > 0:
            gap = text[names[i - 1][0].end : span.start]
            if not re.fullmatch(r"\s+(?:[a-z][\w-]*\s+){1,2}", gap):
                break
        key = name_key(name)
        if key:
            keys.add(key)
    return keys


def credit_for(
    text: str, span: Span, credits: Sequence[Credit], *, source_name: str | None = None
) -> Credit | None:
    """The credit covering ``span`` of ``text``, or None.

    Nearest first: same sentence, same paragraph, a credit whose sentence names
    the speaker of a quotation (or of a "X said") in the span, then the
    article's credit lines.  With ``source_name``, the nearest credit naming
    that source wins over nearer credits naming others.
    """
    ranked = ranked_credits(text, span, credits)
    if source_name is not None:
        for credit, _level in ranked:
            if credit.source == source_name:
                return credit
    return ranked[0][0] if ranked else None


def ranked_credits(text: str, span: Span, credits: Sequence[Credit]) -> list[tuple[Credit, Level]]:
    """Every credit covering ``span`` with the level it covers it at, nearest first."""
    if not credits:
        return []
    layout = _layout(text, tuple(credits))
    ranked: list[tuple[Credit, Level]] = []
    seen: set[int] = set()

    def add(indices: Iterable[int], level: Level) -> None:
        for i in sorted(indices, key=lambda i: _distance(credits[i].span, span)):
            if i not in seen:
                seen.add(i)
                ranked.append((credits[i], level))

    sents = overlapping(layout.sentences, span)
    add((i for i, c in enumerate(credits) if any(_overlap(c.span, s) for s in sents)), "sentence")
    paras = overlapping(layout.paragraphs, span)
    add((i for i, c in enumerate(credits) if any(_overlap(c.span, p) for p in paras)), "paragraph")
    # in a compilation, a credit covers its own item (one in the page's head, or a credit
    # line closing the page, covers them all)
    item = layout.item_of(span.start)

    def near(i: int) -> bool:
        if not layout.items:  # (one story: every credit may cover it)
            return True
        where = layout.item_of(credits[i].span.start)
        return where == item or (
            layout.credit_lines[i]
            and (where == 0 or not text[credits[i].span.end :].rstrip().strip(" .)]"))
        )

    keys = _speaker_keys(layout, span, sents)
    linked = [i for i, people in enumerate(layout.credit_people) if people & keys and near(i)]
    before = [i for i in linked if credits[i].span.start < span.start]
    add(before[-1:] or linked[:1], "speaker")
    add((i for i in _in_scope(span, credits, layout.credit_lines) if near(i)), "scope")
    add((i for i, line in enumerate(layout.credit_lines) if line and near(i)), "credit-line")
    return ranked


def _in_scope(span: Span, credits: Sequence[Credit], lines: Sequence[bool]) -> list[int]:
    """The credit whose scope covers ``span``: the last one before it, if it names a source.

    News copy credits its source once and goes on reporting it ("..., according to
    TASS." then paragraphs of the same story) until it credits someone else; a
    vague credit in between ends the scope too.  Credit lines ("AFP contributed
    reporting", a "(TASS)" dateline) cover the whole article at their own level.
    """
    prior = [
        i for i, c in enumerate(credits) if c.span.end <= span.start and c.kind != "contributed"
    ]
    if not prior:
        return []
    last = max(prior, key=lambda i: (credits[i].span.start, i))
    if credits[last].source is None or lines[last]:
        return []  # vague, or a credit line, which covers the whole article anyway
    return [last]


def _speaker_keys(layout: _Layout, span: Span, sents: Sequence[Span]) -> set[str]:
    keys = {k for s, k in layout.quote_keys if _overlap(s, span)}
    for at, key in layout.said_keys:
        if any(s.start <= at < s.end for s in sents):
            keys.add(key)
    return keys


def _distance(a: Span, b: Span) -> int:
    if _overlap(a, b):
        return 0
    return b.start - a.end if a.end <= b.start else a.start - b.end
