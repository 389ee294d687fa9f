"""Publication dates as given in manifests, JSONL feeds and pages, read into ISO 8601.

Which of two articles came first decides the direction of a passage they share, and
dates arrive in every style: ``2025-06-06T10:30:00+03:00`` (ISO, kept as it is),
``06.06.2025`` (day first, as written in Russia and most of Europe), ``2025/06/06``,
``June 6, 2025``, ``6 June 2025``, ``6 июня 2025``, an RSS feed's ``Fri, 06 Jun 2025
10:30:00 +0300`` and Unix time (``1749195000``, in UTC).  :func:`iso_date` gives the
ISO form (the day as written: the time, when not ISO, is dropped) or None.

``06/07/2025`` is the 6th of July in London and the 7th of June in New York: a
slashed or dashed date whose first two numbers could both be the month is not
guessed (None, and :func:`date_problem` says why), unless both readings are the
same day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import re

__all__ = ["date_problem", "iso_date", "utc_day"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "января", "январь", "янв"),
            ("february", "feb", "февраля", "февраль", "фев"),
            ("march", "mar", "марта", "март", "мар"),
            ("april", "apr", "апреля", "апрель", "апр"),
            ("may", "мая", "май"),
            ("june", "jun", "июня", "июнь", "июн"),
            ("july", "jul", "июля", "июль", "июл"),
            ("august", "aug", "августа", "август", "авг"),
            ("september", "sep", "sept", "сентября", "сентябрь", "сен"),
            ("october", "oct", "октября", "октябрь", "окт"),
            ("november", "nov", "ноября", "ноябрь", "ноя"),
            ("december", "dec", "декабря", "декабрь", "дек"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:[^\W\d]+\.?,?\s+)?"  # "Fri, ", "Friday ", "пятница, "
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T\s])")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_NUMERIC = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b")
_DAY_MONTH = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\.?\s+" + _MONTH + r",?\s+(\d{4})\b")
_MONTH_DAY = re.compile(_WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_EPOCH = re.compile(r"(\d{9,13})(\.\d+)?")  # seconds, or milliseconds (12-13 digits)
#: the time after a day ("T25:99:00" is none: an impossible time is no date, not the day),
#: and its zone ("+25:00" is none either)
_TIME = re.compile(
    r"(?:[T\s]|,\s*)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?"
    r"(?:\s*[+-](\d{2}):?(\d{2})\b)?"
)
#: the ways a day is written, each with a time after it perhaps
_DAYS = (_ISO, _YEAR_FIRST, _DOTTED, _DAY_MONTH, _MONTH_DAY, _NUMERIC)


def iso_date(value: str | None) -> str | None:
    """``value`` as an ISO 8601 date, or date and time with its UTC offset when the value
    gives both (ISO, an RSS date, Unix time); else None."""
    return _read(value)


def date_problem(value: str | None) -> str | None:
    """Why ``value`` (not blank) gives no date, in a few words; None when it gives one."""
    text = " ".join((value or "").split())
    if not text or _read(text):
        return None
    if _impossible_time(text):  # ("06/06/2025 12:60": the time, not the day, is wrong)
        return "no such time - check the hours and minutes"
    match = _NUMERIC.match(text)
    if match:
        a, b, year = match.groups()
        readings = list(dict.fromkeys(r for r in (_day(year, b, a), _day(year, a, b)) if r))
        if len(readings) == 2:
            return f"ambiguous (day or month first?) - write {readings[0]} or {readings[1]}"
    if _ISO.match(text):
        return "no such day - check the year, month and day"
    if _EPOCH.fullmatch(text):
        return f"not a date between {_EPOCH_YEARS[0]} and {_EPOCH_YEARS[1]} in Unix time"
    return "not a date - write it as YYYY-MM-DD"


#: Unix times outside these years are placeholders or numbers in the wrong column (0, ids)
_EPOCH_YEARS = (1990, 2100)


#: zones named by letters after a time, as pages and feeds of this field write them (an
#: RSS date's standard names, GMT, EST..., are read by the email module itself); their
#: offsets, so that the time's UTC day is known ("01:30 MSK" is the day before in UTC)
_NAMED_ZONES = {
    "UTC": "+00:00",
    "MSK": "+03:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "WET": "+00:00",
    "WEST": "+01:00",
    "BST": "+01:00",
}
_NAMED_ZONE = re.compile(r"(?<=\d)\s*\b(" + "|".join(_NAMED_ZONES) + r")$")


def _with_offset(text: str) -> str:
    """``text`` with a named zone ending it ("10:30 MSK") written as its offset: attached
    to an ISO time ("10:30+03:00"), after a space in an RSS date ("01:30:00 +0300")."""
    match = _NAMED_ZONE.search(text)
    if match is None:
        return text
    offset = _NAMED_ZONES[match.group(1)]
    if _ISO.match(text):
        return text[: match.start()] + offset
    return text[: match.start()] + " " + offset.replace(":", "")


def _read(value: str | None) -> str | None:
    text = _with_offset(" ".join((value or "").split()))
    if not text:
        return None
    if _impossible_time(text):
        return None
    match = _ISO.match(text)
    if match:
        day = _day(*match.groups())
        if day is None:
            return None
        try:  # the whole value in ISO form when it is valid ISO (its time and zone say more)
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return day
        return stamp.isoformat() if len(text) > 10 else day
    epoch = _EPOCH.fullmatch(text)
    if epoch:
        seconds = float(text) / (1000 if len(epoch.group(1)) >= 12 else 1)
        stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).replace(microsecond=0)
        return stamp.isoformat() if _EPOCH_YEARS[0] <= stamp.year <= _EPOCH_YEARS[1] else None
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        stamp = email.utils.parsedate_to_datetime(text)  # an RSS (RFC 2822) date
        if stamp.tzinfo is not None:  # (without a zone: the day as written, below)
            return stamp.isoformat() if _EPOCH_YEARS[0] <= stamp.year <= _EPOCH_YEARS[1] else None
    folded = text.casefold()
    for pattern, order in (
        (_YEAR_FIRST, (0, 1, 2)),
        (_DOTTED, (2, 1, 0)),
        (_DAY_MONTH, (2, 1, 0)),
        (_MONTH_DAY, (2, 0, 1)),
    ):
        match = pattern.match(folded)
        if match:
            parts = match.groups()
            year, month, day = (parts[i] for i in order)
            return _day(year, str(_MONTHS.get(month, month)), day)
    match = _NUMERIC.match(folded)
    if match:
        a, b, year = match.groups()
        readings = {_day(year, b, a), _day(year, a, b)} - {None}
        if len(readings) == 1:  # one reading is no date, or both are the same day
            return readings.pop()
    return None


def _impossible_time(text: str) -> bool:
    """Does the day opening ``text`` go on with a time no clock shows ("T25:99:00"), or a
    zone none keeps ("+25:00")?  The day alone would be a guess at what the value meant.
    Any way of writing a day counts: an RSS date whose time is impossible was read as its
    day alone ("Fri, 06 Jun 2025 25:30:00 +0300"), and so was "11.06.2025 26:00"."""
    folded = text.casefold()  # (as the day is read: "Jun" is "jun"; an ISO "T" stays)
    for pattern in _DAYS:
        source = text if pattern is _ISO else folded
        day = pattern.match(source)
        if day is not None:
            break
    else:
        return False
    found = _TIME.match(source, day.end())
    if found is None:
        return False
    hours, minutes, seconds, zone_hours, zone_minutes = (int(n or 0) for n in found.groups())
    return (
        hours > 23
        or minutes > 59
        or seconds > 60  # (60: a leap second)
        or zone_hours > 23  # (a zone is less than a day off UTC)
        or zone_minutes > 59
    )


def _day(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def utc_day(value: str | None) -> str | None:
    """The UTC day of an ISO date and time with an offset (``iso_date``'s form), else None."""
    if not value or len(value) <= 10:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).date().isoformat() if stamp.tzinfo is not None else None
