"""dates.py: publication dates in the styles manifests, feeds and pages use, read into ISO."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.dates import date_problem, iso_date, utc_day


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-06-06", "2025-06-06"),
        ("2025-06-06T10:30:00+03:00", "2025-06-06T10:30:00+03:00"),  # ISO: kept whole
        ("2025-06-06T10:30:00Z", "2025-06-06T10:30:00+00:00"),
        ("2025-06-06 10:30:00 +0300", "2025-06-06T10:30:00+03:00"),
        ("2025-6-6", "2025-06-06"),
        ("06.06.2025", "2025-06-06"),  # dotted: day first
        ("6.7.2025", "2025-07-06"),
        ("2025/06/07", "2025-06-07"),
        ("June 6, 2025", "2025-06-06"),
        ("Jun. 6 2025", "2025-06-06"),
        ("Friday, June 6, 2025 10:00 AM", "2025-06-06"),
        ("6th June 2025", "2025-06-06"),
        ("6 \u0438\u044e\u043d\u044f 2025 \u0433.", "2025-06-06"),  # 6 июня 2025 г.
        ("Fri, 06 Jun 2025 23:30:00 -0500", "2025-06-06T23:30:00-05:00"),  # an RSS date
        ("Fri, 06 Jun 2025 23:30:00", "2025-06-06"),  # a time without its zone: the day
        ("1749195000", "2025-06-06T07:30:00+00:00"),  # Unix time
        ("1749195000123", "2025-06-06T07:30:00+00:00"),  # in milliseconds
        ("13/07/2025", "2025-07-13"),  # only one reading is a date
        ("07/13/2025", "2025-07-13"),
        ("06/06/2025", "2025-06-06"),  # both readings are the same day
    ],
)
def test_dates_in_many_styles(value: str, iso: str) -> None:
    assert iso_date(value) == iso
    assert date_problem(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("06/07/2025", "ambiguous (day or month first?) - write 2025-07-06 or 2025-06-07"),
        ("yesterday", "not a date - write it as YYYY-MM-DD"),
        ("2025-13-01", "no such day - check the year, month and day"),
        ("2025-02-29", "no such day - check the year, month and day"),
        ("31.02.2025", "not a date - write it as YYYY-MM-DD"),
        ("31/02/2025", "not a date - write it as YYYY-MM-DD"),  # neither reading is a day
        ("2025", "not a date - write it as YYYY-MM-DD"),
        ("0000000000", "not a date between 1990 and 2100 in Unix time"),  # a placeholder
        # an impossible time made the day alone, silently (review W)
        ("2025-06-11T25:99:00", "no such time - check the hours and minutes"),
        # (review AA: a slashed day read both ways the same was "ambiguous")
        ("06/06/2025 12:60", "no such time - check the hours and minutes"),
        ("2025-06-11 24:30", "no such time - check the hours and minutes"),
        ("2025-06-11T10:61:00+03:00", "no such time - check the hours and minutes"),
        # ... and still did in an RSS or day-first date, or with a zone no clock keeps
        # (review Z)
        ("Fri, 06 Jun 2025 25:30:00 +0300", "no such time - check the hours and minutes"),
        ("06 Jun 2025 10:61:00 +0300", "no such time - check the hours and minutes"),
        ("11.06.2025 26:00", "no such time - check the hours and minutes"),
        ("June 6, 2025, 24:10", "no such time - check the hours and minutes"),
        ("2025-06-11T10:30:00+25:00", "no such time - check the hours and minutes"),
        ("2025-06-11T10:30:00-0075", "no such time - check the hours and minutes"),
    ],
)
def test_what_is_no_date_says_why(value: str, problem: str) -> None:
    assert iso_date(value) is None
    assert date_problem(value) == problem


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_no_date_and_no_problem(value: str | None) -> None:
    assert iso_date(value) is None and date_problem(value) is None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_day_reads_back_in_each_style(day: dt.date) -> None:
    month = day.strftime("%B")
    for text in (
        day.isoformat(),
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.year}/{day.month}/{day.day}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month[:3]} {day.year}",
    ):
        assert iso_date(text) == day.isoformat(), text


@given(st.text(max_size=40))
def test_any_text_gives_an_iso_day_or_a_reason(text: str) -> None:
    found = iso_date(text)
    if found is None:
        assert text.strip() == "" or date_problem(text)
    else:
        dt.date.fromisoformat(found[:10])


def test_utc_day_of_a_time_with_its_zone() -> None:
    assert utc_day(iso_date("Sat, 07 Jun 2025 01:00:00 +0300")) == "2025-06-06"
    assert utc_day(iso_date("2025-06-06T20:00:00-04:00")) == "2025-06-07"
    assert utc_day("2025-06-07") is None and utc_day("2025-06-07T01:00:00") is None


@pytest.mark.parametrize(
    "value, iso, day",
    [
        # (review AA: a named zone was dropped, the day kept as written: 01:30 in Moscow is
        # the day before in UTC, and the order of two copies turns on it)
        ("Fri, 06 Jun 2025 01:30:00 MSK", "2025-06-06T01:30:00+03:00", "2025-06-05"),
        ("2025-06-06T01:30:00 MSK", "2025-06-06T01:30:00+03:00", "2025-06-05"),
        ("2025-06-06 10:30 UTC", "2025-06-06T10:30:00+00:00", "2025-06-06"),
        ("2025-06-06 23:30:00 CEST", "2025-06-06T23:30:00+02:00", "2025-06-06"),
    ],
)
def test_a_time_with_a_named_zone_has_its_offset(value: str, iso: str, day: str) -> None:
    assert iso_date(value) == iso
    assert utc_day(iso_date(value)) == day
