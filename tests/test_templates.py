"""Tests for provenance.extract.templates (lines an outlet repeats) and furniture (known on sight)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from provenance.extract.furniture import furniture_reason
from provenance.extract.templates import learn_templates, normalize_line
from provenance.extract.text import clean_text
from provenance.pipeline import audit
from provenance.settings import DEFAULTS, ExtractSettings

WIRE = (
    "Russia could offer political asylum to tech billionaire Elon Musk following his public"
    " fallout with U.S. President Donald Trump, a senior Russian lawmaker said Friday."
)


def _page(n: int, *extra: str) -> str:
    body = (
        f"Story number {n} says that the council met on day {n} and agreed on a new budget"
        f" for the district, after a debate that lasted {n + 2} hours."
    )
    return "\n".join(["Home | News | Sport", f"Updated {n}:{n:02d} GMT", body, *extra])


def test_normalize_line_folds_case_space_digits_and_edges() -> None:
    assert normalize_line("  Updated: 12:31  GMT ") == "updated: 0:0 gmt"
    assert normalize_line("FOLLOW US ON TELEGRAM!") == normalize_line("Follow us on Telegram")
    assert normalize_line("» Read more —") == "read more"
    assert normalize_line("") == ""


def test_repeated_short_lines_are_template() -> None:
    pages = [_page(n, "Follow us on Telegram") for n in range(1, 5)]
    learnt = learn_templates({"Daily Example": pages})["Daily Example"]
    assert normalize_line("Home | News | Sport") in learnt
    assert normalize_line("Updated 3:03 GMT") in learnt  # digits folded
    assert normalize_line("Follow us on Telegram") in learnt
    assert not any("council met" in line for line in learnt)


def test_shared_wire_paragraph_is_not_template() -> None:
    """Two articles quoting the same wire paragraph is what the audit must find, not furniture."""
    pages = [_page(n, WIRE) for n in range(1, 7)]
    learnt = learn_templates({"Aggregator": pages})["Aggregator"]
    assert normalize_line(WIRE) not in learnt
    assert normalize_line("Home | News | Sport") in learnt


def test_too_few_pages_learn_nothing() -> None:
    pages = [_page(1), _page(2)]
    assert learn_templates({"Small": pages}) == {"Small": frozenset()}


def test_share_is_required() -> None:
    settings = ExtractSettings(template_min_pages=3, template_min_share=0.5)
    pages = [_page(n, "Weekly newsletter") if n < 4 else _page(n) for n in range(1, 11)]
    learnt = learn_templates({"Outlet": pages}, settings=settings)["Outlet"]
    assert normalize_line("Weekly newsletter") not in learnt  # 3 of 10 pages
    assert normalize_line("Home | News | Sport") in learnt  # 10 of 10


def test_a_line_counts_once_per_page() -> None:
    pages = [_page(1, "Subscribe", "Subscribe", "Subscribe"), _page(2), _page(3)]
    learnt = learn_templates({"Outlet": pages})["Outlet"]
    assert normalize_line("Subscribe") not in learnt


def test_outlets_are_learnt_separately() -> None:
    a = [_page(n, "Alpha footer line") for n in range(4)]
    b = [_page(n, "Beta footer line") for n in range(4)]
    learnt = learn_templates({"A": a, "B": b})
    assert normalize_line("Alpha footer line") in learnt["A"]
    assert normalize_line("Alpha footer line") not in learnt["B"]


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="template_min_pages"):
        learn_templates({"A": ["x"]}, settings=ExtractSettings(template_min_pages=1))


def test_learnt_lines_are_removed_by_clean_text() -> None:
    pages = [_page(n, "Our journalism is free to read") for n in range(1, 5)]
    learnt = learn_templates({"Outlet": pages})["Outlet"]
    out = clean_text(_page(9, "Our journalism is free to read"), template_lines=learnt)
    reasons = {r.text: r.reason for r in out.removed}
    assert reasons["Our journalism is free to read"] == "template"
    assert reasons["Home | News | Sport"] == "link-list"  # its own reason comes first
    assert reasons["Updated 9:09 GMT"] == "timestamp"  # its own furniture reason comes first
    assert "council met on day 9" in out.text


# --- furniture recogniser -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Advertisement", "advertising"),
        ("ADVERTISEMENT", "advertising"),
        ("Advertisment", "advertising"),
        ("Sponsored content", "advertising"),
        ("Read also| Something happened", "read-also"),
        ("Also read:", "read-also"),
        ("READ MORE", "read-also"),
        ("Comments", "widget"),
        ("No comments yet...", "widget"),
        ("Share", "widget"),
        ("Hashtags", "widget"),
        ("Dear readers,", "appeal"),
        ("Not ready to support today?", "appeal"),
        ("Remind me later.", "appeal"),
        ("A Message from The Moscow Times:", "appeal"),
        ("Related Articles", "related-articles"),
        ("You may also like", "related-articles"),
        ("21 minutes ago", "timestamp"),
        ("June 7, 2025", "timestamp"),
        ("2008-01-16 10:31", "timestamp"),
        ("© 2025 Example Media Ltd. All rights reserved.", "legal"),
        ("* [Home](https://example.com/) [World](https://example.com/world)", "link-list"),
        ("News | Sport | Business | Culture", "link-list"),
        ("var x = {a: 1}; if (x) { y = 2; }", "markup"),
        ("5 comments so far...", "comments"),
        ("Reader Comments (12)", "comments"),
        (
            "We rely on our readers. If you value our reporting, please become a supporter"
            " for as little as $5 a month.",
            "appeal",
        ),
        ("Energy Portal is funded by readers like you.", "appeal"),
        ("If you value this kind of journalism, please consider supporting us.", "appeal"),
        (
            "If you value our journalism, please become a supporter of \u201cNovaya Gazeta"
            " Europe\u201d for as little as \u20ac5 a month.",
            "appeal",
        ),
        ("Если вам важна наша работа, поддержите нас пожертвованием.", "appeal"),
        ("If you value independent journalism, please support Meduza: donate now.", "appeal"),
        ("Поддержите «Медузу»: оформите ежемесячное пожертвование.", "appeal"),
        ("Будьте первым, кто оставит комментарий", "comments"),
        ("Show all comments", "comments"),
        ("View all 12 comments", "comments"),
        ("There are 5 comments", "comments"),
        ("Be the first to comment", "comments"),
        ("Displaying 1-10 of 54 comments", "comments"),
        ("Комментарии (3)", "comments"),
        ("Реклама", "advertising"),
        ("Читайте также: Песков отказался комментировать", "read-also"),
        ("Новости по теме", "related-articles"),
        ("Advertisement - Scroll to continue", "advertising"),
        ("Photo by John Smith/Getty Images", "photo-credit"),
        ("Фото: ТАСС", "photo-credit"),
        ("00:00 / 03:12", "widget"),
        ("(c) Copyright Clubcall.com 2006 Contact Us", "legal"),
        ("Contact us", "widget"),
        ("Startseite · Nachrichten · Aktienkurse · Impressum", "link-list"),
        ("Story continues below advertisement", "advertising"),
        ("Related: Kremlin says talks with Kyiv will resume next week", "read-also"),
        ("Filed under: Latest News, Europe, Electric Cars", "widget"),
        ("24.06.2025 15:30", "timestamp"),
        ("17 июня 2025, 20:15 \u00b7 Михаил Орлов", "timestamp"),
        ("Информ-Вести, 17 июня 2025", "timestamp"),
        ("Еще больше новостей — в нашем Telegram-канале @lentadnya", "appeal"),
        (
            "READ ALSO: Estonia to close the Narva border crossing at night from the first of"
            " April. The Estonian Interior Ministry said the measure would stay in force until"
            " further notice and would apply to cars, buses and pedestrians alike, the agency"
            " reported on Monday.",
            "read-also",
        ),
        (
            "Tags: Vladimir Putin, Donald Trump, U.S. Sanctions, Russia-Ukraine war, Kremlin,"
            " White House, Oil Price Cap, European Union, Energy, Diplomacy, Foreign Policy,"
            " Moscow, Washington, Summit, Security Council, Belgorod, Kursk, Sergey Lavrov",
            "widget",
        ),
    ],
)
def test_furniture_reason(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell sharply on Monday after the announcement.",
        "Comments made by the minister were later withdrawn.",
        "Advertisements for the new product were banned in France.",
        "Russia",
        "Dmitry Peskov declined to comment.",
        "Copyright lawsuits against AI companies multiplied last year.",
        "Photographs of the scene showed heavy damage.",
        "Video shows the moment the drone hit the building.",
        "The minister's comments were condemned as offensive by the opposition.",
        "Users can upload photos and videos to the new service, the company said.",
        "Реклама на телевидении подорожала на 20% за год, сообщили в ассоциации.",
        "Contact us if you see anything unusual, the police said on Monday.",
        "The café · bar on the corner has been open since the early 1990s, its owner said.",
        # a wrapped line of text (or a programme) that names a comment later on
        "Relations in NYC Comment: Joyce",
        "Comment: Vernon Benjamin, Marist College",
        # a subheading of news: the article goes on after it
        "Peskov declined to comment",
        "5 officials declined to comment",
        "Zakharova was first to comment",
        "Kremlin spokesman Peskov: No comment",
        "Песков отказался от комментариев",
        "В Кремле отказались от комментариев",
        "Please become a member of the committee, the chairman told the deputy on Monday.",
        "Officials said the scheme would cost as little as 5 dollars a year per household.",
        # news that speaks of paying, or quotes someone asking for support
        "Charter flights to Antalya are now available for as little as $150, the association said.",
        "Shares of the company traded for as little as 3 cents on Monday.",
        '"Ukraine could become a member of the European Union within a year," the minister said.',
        '"If you value our city\'s history, vote no," said the campaign leader.',
        '"Please support our farmers," the protesters\' banners read.',
        "Ukraine, which applied for membership in 2022, wants to become a member of the EU by 2030.",
        "Officials in Kharkiv asked residents to please donate blood at the city hospital.",
        "The Red Cross urged people to please donate to its relief fund for flood victims.",
        "Netflix now offers subscriptions for as little as $7 a month in several countries.",
        "Netflix subscribers in the US can now sign up for as little as $6.99 a month.",
        "\u201cWe rely on our supporters to keep the shelter open. Please donate if you can.",
        "«Мы просим читателей «Новой газеты» помочь: поддержите нас», — заявила она.",
        "The mayor urged residents to please support our local businesses and donate to the fund.",
        "the mayor had no comment",
        "In 2025, 17 people died in the floods, the ministry said.",
        "Еще больше людей пришли на выборы, чем в прошлом году, сообщили в ЦИК.",
        # a label run into a paragraph of prose: the paragraph is the article's
        "RELATED: The group's endorsees did not fare very well in the election. Aside from the"
        " incumbents, who were in no danger of being unseated, most of its endorsement roster"
        " lost by wide margins. The group did not comment on the results.",
        "Filed under: Latest News The production of the two electric cars has been suspended"
        " for lack of demand, according to a Japanese business daily. The two models are made"
        " in Japan. They are sold under the badges of the two French companies.",
    ],
)
def test_furniture_reason_leaves_prose(line: str) -> None:
    assert furniture_reason(line) is None


def test_identical_pages_count_once() -> None:
    """The same article scraped three times is one page, not a template source."""
    page = _page(1, "Kremlin spokesman declined to comment")
    learnt = learn_templates({"Outlet": [page, page, page, _page(2)]})["Outlet"]
    assert learnt == frozenset()


def test_quoted_and_sentence_lines_need_more_than_repetition() -> None:
    quote = '"This is a domestic issue," Peskov said.'
    sentence = "The Kremlin has declined to comment on the dispute so far."
    pages = [_page(n, quote, sentence) for n in range(1, 7)] + [_page(n) for n in range(7, 11)]
    learnt = learn_templates({"Outlet": pages})["Outlet"]  # both on 6 of 10 pages
    assert normalize_line(quote) not in learnt  # a quote is content
    assert normalize_line(sentence) not in learnt  # a sentence needs 80% of pages
    assert normalize_line("Home | News | Sport") in learnt
    everywhere = [_page(n, sentence) for n in range(1, 11)]
    assert normalize_line(sentence) in learn_templates({"Outlet": everywhere})["Outlet"]


def test_a_credit_line_every_reprint_carries_is_not_template() -> None:
    """An outlet that republishes the wire ends every article with "Source: TASS": that is
    each article's credit, however often it repeats (learnt as template, it was removed and
    all its reprints became uncredited copies)."""
    from provenance.attribution import SourceRegistry
    from provenance.extract import _credits

    registry = SourceRegistry.from_settings(DEFAULTS)
    pages = [_page(n, "Source: TASS", "Follow us on Telegram") for n in range(1, 6)]
    plain = learn_templates({"Reprints": pages})["Reprints"]
    assert normalize_line("Source: TASS") in plain  # (what repetition alone says)
    learnt = learn_templates({"Reprints": pages}, credits=functools.partial(_credits, registry))[
        "Reprints"
    ]
    assert normalize_line("Source: TASS") not in learnt
    assert normalize_line("Follow us on Telegram") in learnt
    # a site's list of its sources under every page credits no copy: still template
    listed = [_page(n, "Sources: TASS, Reuters, AFP") for n in range(1, 6)]
    learnt = learn_templates({"Lists": listed}, credits=functools.partial(_credits, registry))[
        "Lists"
    ]
    assert normalize_line("Sources: TASS, Reuters, AFP") in learnt


def test_reprints_of_one_outlet_keep_their_credit_in_the_audit(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    rows = ["file,outlet,role,published"]
    for n in range(1, 6):
        body = _page(n).split("\n")[2] + f" Officials in district {n * 11} welcomed the plan."
        (root / f"wire{n}.txt").write_text(f"Wire story {n}\n\n{body}\n")
        (root / f"copy{n}.txt").write_text(f"Reprint {n}\n\n{body}\n\nSource: TASS\n")
        rows += [f"wire{n}.txt,TASS,source,2025-06-01", f"copy{n}.txt,Reprints,,2025-06-02"]
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    articles = audit([str(root)]).tables.articles.set_index("article")
    copies = articles.loc[[f"copy{n}.txt" for n in range(1, 6)]]
    assert (copies.copied_share > 0.9).all()
    assert (copies.uncredited_share == 0).all() and (copies.credited_share > 0.9).all()
