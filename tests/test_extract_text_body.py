"""The scraped-text cleaner keeps an article's body: end-marker-like lines inside it,
articles of short paragraphs, and sentences of the body that single-line furniture rules
matched (found by an outside review of the cleaner)."""

from __future__ import annotations

import pytest

from provenance.extract.furniture import TIMESTAMP_RE, ends_article, furniture_reason, site_voice
from provenance.extract.text import clean_text

#: page furniture above and below the article (menus, share buttons, a comments widget)
_TOP = ["Home", "World", "Business", "Search", "Share on Facebook", "Share on X"]
_BOTTOM = ["Share", "Tweet", "Email", "Comments", "Be the first to comment"]

_LONG = [
    "The city council voted on Tuesday night to close two of the three public swimming "
    "pools in the northern districts next summer, citing repair bills it said it could "
    "no longer afford.",
    "Parents who had campaigned for months to keep the pools open said the decision "
    "would leave thousands of children without anywhere to learn to swim, and promised "
    "to take the matter to the regional court.",
]


def _kept(lines: list[str]) -> list[str]:
    out = clean_text("\n\n".join([*_TOP, *lines, *_BOTTOM]))
    return out.text.split("\n\n") if out.text else []


def test_one_sentence_paragraphs_after_the_lead_are_kept() -> None:
    short = [
        "The vote was seven to four after a long debate.",
        "Two members of the council abstained.",
        "The mayor did not attend the meeting.",
        "A final decision is due in the autumn.",
        "This is a developing story.",
    ]
    kept = _kept([_LONG[0], *short])
    for line in short:
        assert line in kept


@pytest.mark.parametrize(
    "short",
    [
        # an interview of short questions and answers
        [
            "Q: When did you first open the bakery?",
            "A: In the spring of 1994, with a loan from my uncle.",
            "Q: Was it hard?",
            "A: Yes. We worked every night for a year.",
            "Q: And now?",
            "A: Sleep.",
        ],
        # a list a sentence introduces
        [
            "The new board has five members. They are:",
            "Chair: Anna Berg, a retired engineer",
            "Treasurer: Tom Lund, an accountant",
            "Secretary: Eva Holm, a schoolteacher",
            "Member: Nils Dahl, a swimming coach",
            "Member: Sara Lind, a lifeguard",
            "Member: Omar Haddad, a parent",
        ],
    ],
    ids=["interview", "introduced-list"],
)
def test_short_lines_between_paragraphs_are_kept_with_the_prose_after_them(
    short: list[str],
) -> None:
    kept = _kept([_LONG[0], *short, _LONG[1]])
    assert kept == [_LONG[0], *short, _LONG[1]]


_MORE = [
    "A spokeswoman for the council said the two pools needed new roofs and filtration "
    "systems that would cost more than four million euros, twice the sports budget for "
    "the whole of next year.",
    "The third pool, in the city centre, will stay open and extend its hours on weekday "
    "evenings so that school clubs from the northern districts can use it, she said.",
    "Swimming clubs said the centre pool was already full most evenings, and that the "
    "bus journey from the north took close to an hour each way for younger children.",
]


def test_a_box_of_numbered_headlines_inside_the_article_does_not_end_it() -> None:
    box = ["Most popular"]
    for n, headline in enumerate(
        [
            "Storm closes the coast road for a second day",
            "Bakery wins the regional bread prize again",
            "New tram line opens two years late",
            "Police appeal for witnesses after a break-in",
            "Five things to do this weekend",
        ],
        1,
    ):
        box += [str(n), headline]
    kept = _kept([*_LONG, *box, *_MORE])
    assert kept == [*_LONG, *_MORE]


def test_a_sentence_mentioning_comments_is_text_a_notice_on_them_ends_the_article() -> None:
    assert ends_article("Comments (12)", "comments")
    assert ends_article("Related Articles", "related-articles")
    line = "Residents have until the end of March to submit comments on the plan."
    assert furniture_reason(line) is None
    notice = "Please keep your comments civil and on topic, and remember they are moderated."
    assert furniture_reason(notice) == "comments" and ends_article(notice, "comments")


_COMMENTS = [
    "I have lived here for thirty years and the pools were always the best thing about "
    "the northern districts, so this decision makes no sense to me at all.",
    "The council always finds money for its own offices and never for the children, "
    "which is exactly what happened with the library two years ago as well.",
    "Maybe the clubs could run the pools themselves if the council handed them over for "
    "a symbolic rent, as happened in the next town with the ice rink.",
]


@pytest.mark.parametrize(
    "under",
    [["Comments (12)", "Sort by: Newest"], ["Comments", "You must be logged in to comment"]],
)
def test_comments_in_prose_under_a_heading_and_a_control_line_are_not_the_article(
    under: list[str],
) -> None:
    assert _kept([*_LONG, *_MORE, *under, *_COMMENTS]) == [*_LONG, *_MORE]


@pytest.mark.parametrize(
    ("line", "voice"),
    [
        ("Have a news tip? Email our newsroom.", True),
        ("We use cookies to improve your experience.", True),
        ("Readers' comments are moderated before they appear, so please be patient.", True),
        # a speaker's "we" and "you" in an interview's answers are not the site's
        ("A: We will rebuild the school before you know it.", False),
        ("The vote was seven to four after a long debate.", False),
    ],
)
def test_site_voice(line: str, voice: bool) -> None:
    assert site_voice(line) is voice


@pytest.mark.parametrize(
    "line",
    [
        "Shoppers can sign up for the market's free text alerts by texting FRESH to 55511.",
        "The soldiers' names may not be published under the army's reporting rules.",
        "Farmers have until the end of April to submit comments on the draft to the ministry.",
        "Officials made one plea: please consider donating to the winter fund, as you can online.",
        "Shares of AT&T rose 2% and Comcast added 1%; the S&P 500 was flat.",
        "Tickets for the final cost $30, $55 and $90.",
    ],
)
def test_a_sentence_of_the_body_is_no_furniture(line: str) -> None:
    assert furniture_reason(line) is None
    assert line in _kept([_LONG[0], line, *_MORE])
    assert line in clean_text("\n\n".join([_LONG[0], line, _LONG[1]]), residual=True).text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Sign up for our free daily newsletter to get the news in your inbox.", "appeal"),
        ("Readers can get our free email alerts every morning.", "appeal"),
        ("This material may not be published, broadcast or redistributed.", "legal"),
        ("Please keep your comments civil; comments are moderated.", "comments"),
        ("If you value our reporting, please consider a donation to our newsroom.", "appeal"),
        ("Click here for the latest news alerts!", "appeal"),
        ("var total = price * 2; if (total > max) { total = max; }", "markup"),
    ],
)
def test_the_site_speaking_is_still_furniture(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a caption whose picture's credit closes it, or a credit line in other words
        (
            "Residents watch smoke rise over the city on Tuesday. (AFP via Getty Images)",
            "caption",
        ),
        ("Firefighters at the scene in Kyiv. Photo: Reuters / Jean-Paul Pelissier", "caption"),
        ("Image credit: Christophe Simon/AFP", "photo-credit"),
        ("Photograph: Sergei Bobylev/TASS", "photo-credit"),
        # ... not a sentence about a picture
        ("The minister said the photo was taken in 2019 and had been shared widely since.", None),
        (
            "Getty Images said it had removed the picture from its archive after the complaint.",
            None,
        ),
        # UTF-8 read as Latin-1 ("é" as "Ã©") holds a "©" that is no copyright notice
        ("MÃ©tÃ©o France a publiÃ© un bulletin pour toute la rÃ©gion ce mardi.", None),
        ("© 2025 Daily8. All rights reserved.", "legal"),
        # ... while "©" read so ("Â©") still is one
        ("\u00c2\u00a9 owned by or licensed to Universal Newspapers Limited 2008.", "legal"),
    ],
)
def test_captions_credits_and_garbled_text(line: str, reason: str | None) -> None:
    assert furniture_reason(line) == reason


def test_an_update_time_after_at_is_a_timestamp() -> None:
    assert TIMESTAMP_RE.fullmatch("Updated at 11.03 BST")
    assert TIMESTAMP_RE.fullmatch("Published on June 5, 2025")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("We use cookies to improve your experience on our site.", "notice"),
        ("By continuing to use this site you agree to our use of cookies.", "notice"),
        ("You have read 3 of your 5 free articles this month.", "notice"),
        ("Already a subscriber? Log in to continue reading.", "notice"),
        ("The views expressed in this article are the author's own.", "notice"),
        # ... not the news about them
        ("The EU rules require websites to ask visitors before they store cookies.", None),
        ("Critics said the ruling does not necessarily reflect the views of most judges.", None),
        # sentences about cookies, subscribers and paywalls, in an op-ed or a report
        ("We accept cookies from a dozen advertisers without a thought, yet balk at paying.", None),
        ("Cookie settings on most news sites are deliberately confusing, the study found.", None),
        ("Subscribers who already have an account for games can add news for $4 a month.", None),
        ("Manage your consent, the pop-up says, but few users ever click on it.", None),
    ],
)
def test_the_sites_notices_on_cookies_paywalls_and_views(line: str, reason: str | None) -> None:
    assert furniture_reason(line) == reason


def test_a_notice_inside_the_article_costs_it_nothing_else() -> None:
    """A cookie notice between two paragraphs is dropped, not the paragraphs around it."""
    notice = "We use cookies to improve your experience on our site."
    assert _kept([*_LONG, notice, *_MORE]) == [*_LONG, *_MORE]


def test_teasers_of_a_boxs_headlines_are_not_the_article_going_on() -> None:
    """ "More from Business" over two headlines and the teasers that retell them: other
    stories, though they read as prose (a box of other headlines inside an article is
    crossed: see the "Most popular" test above)."""
    teasers = [
        "Oil prices slipped on Friday as traders weighed rising stocks in the United States "
        "against supply cuts announced by producers earlier in the week.",
        "Retail sales fell by more than one percent in May, the biggest monthly drop this "
        "year, as wet weather kept shoppers away from high streets across the country.",
        "Shares in the largest supermarket chain rose three percent after it reported better "
        "than expected quarterly sales and raised its forecast for the full year.",
    ]
    box = ["More from Business", "Oil prices slip", "Retail sales fall"]
    assert _kept([*_LONG, *_MORE, *box, *teasers]) == [*_LONG, *_MORE]


@pytest.mark.parametrize(
    ("above", "author"),
    [
        (["Analysis by Tom Ellery"], "Tom Ellery"),
        (["Listen to this article \u00b7 4 min"], None),
        (
            ["Publié le 4 juin 2025 à 18h12, mis à jour à 19h05", "Par Claire Dubois"],
            "Claire Dubois",
        ),
        (["Von Katrin Müller"], "Katrin Müller"),
    ],
)
def test_a_byline_a_players_strip_or_a_dateline_is_not_the_title(
    above: list[str], author: str | None
) -> None:
    headline = "Council votes to close two public pools next summer"
    out = clean_text("\n\n".join([*_TOP, headline, *above, *_LONG, *_MORE, *_BOTTOM]))
    assert out.title == headline
    assert out.author == author


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Читайте також: Нацбанк зберіг облікову ставку на рівні 15,5%", "read-also"),
        ("Mehr zum Thema", "read-also"),
        ("Lesen Sie auch: Bundestag stimmt dem Haushalt zu", "read-also"),
        ("Lire aussi : La SNCF annonce une grève jeudi", "read-also"),
        ("Anzeige", "advertising"),
        ("Publicité", "advertising"),
        ("Mehr aus Politik", "related-articles"),
        # ... not a sentence with those words
        ("Die Anzeige erschien am Montag in der Lokalzeitung.", None),
    ],
)
def test_furniture_of_ukrainian_german_and_french_pages(line: str, reason: str | None) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Новости партнеров", "related-articles"),
        ("From our partners", "related-articles"),
        ("The new play area opened on Monday. (Photo: Valley Health Trust)", "caption"),
        (
            "Подписывайтесь на наш канал в Telegram, чтобы быть в курсе последних новостей.",
            "appeal",
        ),
        ("Он предложил жителям подписываться на новости в приложении.", None),
        # a region's head quoted asking for it, and a paragraph ending with its photo's credit
        (
            "Глава региона обратился к жителям: подписывайтесь на наш канал в Telegram, там"
            " публикуются все предупреждения.",
            None,
        ),
        (
            "Volunteers from the neighbourhood association spent the whole of Saturday morning"
            " clearing litter from the riverbank and will return next month to plant trees."
            " (Photo: Riverside Parks Department)",
            None,
        ),
    ],
)
def test_partner_news_captions_and_channel_appeals(line: str, reason: str | None) -> None:
    assert furniture_reason(line) == reason
