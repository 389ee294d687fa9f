# ruff: noqa: RUF001, SIM905  (Cyrillic words and patterns, typographic dashes are intended)
"""Furniture known on sight, stop words, and the shapes of the lines around an article body.

What can be said of a single line, independently of where it sits on its page and
of the outlet that printed it, lives here; position, density and context are
``text.py``'s business, lines an outlet repeats across its pages ``templates.py``'s.

*Furniture* (:func:`furniture_reason`): lines any outlet prints around its
articles, recognised by their wording: "Advertisement", "Read also| ...",
"Comments", "Share", "A Message from X:", "Not ready to support today?",
"21 minutes ago", "© 2025 ...", "Реклама", "Читайте также: ...".  Each match
names its reason ("advertising", "read-also", "widget", "appeal",
"related-articles", "comments", "timestamp", "legal", "link-list", "markup",
"photo-credit").

*Stop words* (English, and Russian for TASS & co.): their share tells prose
from labels.

*Shapes* of the lines ``text.py`` looks for near the body: bylines, dates,
credit lines and the signatures under reader comments; the markers that end an
article ("Comments", "Related Articles"), menu items, headlines, and the finders
of the title and the byline among a page's lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "AUTHOR_MARK_RE",
    "BYLINE_END_RE",
    "BYLINE_PREFIX_RE",
    "BYLINE_RE",
    "COMMENT_SIGNATURE_RE",
    "COPYRIGHT_NOTICE",
    "CREDIT_RE",
    "DATED_BYLINE_RE",
    "DATE_RE",
    "EN_STOP",
    "NAME_RE",
    "NOT_NAMES",
    "RESIDUAL_IF_SHORT",
    "RESIDUAL_REASONS",
    "RU_STOP",
    "STOP_WORDS",
    "TIMESTAMP_RE",
    "Line",
    "byline_name",
    "ends_article",
    "find_author",
    "find_title",
    "furniture_reason",
    "guess_language",
    "headline_shaped",
    "mark_comment_signatures",
    "nav_label",
    "sentence_like",
    "signed",
    "weak_reason",
]

_I = re.IGNORECASE

#: a line that is only a date, a time or an age: "21 minutes ago", "June 7, 2025 10:31"
TIMESTAMP_RE = re.compile(
    # (a dateline's outlet or place first: "Информ-Вести, 17 июня 2025")
    r"([^\W\d][\w-]*(\s+[^\W\d][\w-]*){0,2},\s+(?=\d))?"
    r"((updated|published|posted|last updated|modified)\s*:?\s*(at\s+|on\s+)?)?"
    r"(\d{1,3}\s+(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
    r"\s+ago|just now|yesterday|today"
    r"|\w{3,9},?\s+\d{1,2},?\s+\d{4}([, ]+(at\s+)?\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?\s*\w*)?"
    r"|\d{1,2}\s+\w{3,9},?\s+\d{4}([, ]+\d{1,2}[:.]\d{2}\s*\w*)?"
    r"|\d{4}-\d{2}-\d{2}([ t]\d{2}:\d{2}(:\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}([, ]+\d{1,2}[:.]\d{2})?"
    r"|\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?\s*(\w{2,4})?)"
    # (and its author after a dot: "17 июня 2025, 20:15 · Михаил Орлов")
    r"(\s*[\u00b7\u2022|]\s*[^\W\d][\w.-]*(\s+[^\W\d][\w.-]*){0,3})?",
    _I,
)

# --- Stop words: their share tells prose from labels (English, and Russian for TASS & co.) ---

EN_STOP = frozenset(
    """a about above after again against ago all almost also although always am among an and
    another any are around as at away back be became because become been before being below
    between both but by can cannot could did do does doing done down during each either else
    enough even ever every few for from further get gets got had has have having he her here
    hers herself him himself his how however i if in into is it its itself just last least
    less like made make many may me might more most much must my myself neither never no nor
    not now of off often on once one only onto or other others our ours out over own per
    perhaps put rather said same say says see seen shall she should since so some still such
    take than that the their theirs them themselves then there these they this those though
    through thus to told too took toward under until up upon us very was way we well were what
    when where whether which while who whom whose why will with within without would yet you
    your yours""".split()
)
RU_STOP = frozenset(
    """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
    ее её мне было вот от меня еще ещё нет о об из ему теперь когда даже ну ли если уже или ни
    быть был него до вас опять уж вам ведь там потом себя ничего ей может они тут где есть надо
    ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет тогда кто этот
    того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    можно при два другой хоть после над больше тот через эти нас про всего них какая много три
    эту свою этой перед более всегда между это также которые который которая которых которое
    его её их заявил сообщил сказал года году""".split()
)
STOP_WORDS = EN_STOP | RU_STOP

# --- Shapes of the lines around an article body: bylines, dates, credits, signatures ---

#: a credit line that belongs to the article: "(Reporting by X; Editing by Y)"
CREDIT_RE = re.compile(
    r"\(?(additional |further )?(reporting|writing|editing|compiled|translated|research)"
    r"( and \w+)? by\b.{1,200}",
    _I,
)
#: what opens a byline: "By", "Analysis by", "Автор:", "Par", "Von"
_BYLINE_CUE = (
    r"by|written by|posted by|reported by|story by|words by|author:?|автор:?|par|von"
    r"|(?:analysis|interview|opinion|commentary|column|essay|review|text) by"
)
BYLINE_RE = re.compile(
    rf"(?i:{_BYLINE_CUE})\s+"
    r"[A-ZА-ЯЁ][\w'’.-]*(\s+[\w'’.-]+){0,5}(\s*[,|/–—-]\s*.{0,60})?",
)
#: "Posted on June 7, 2025 by Anna Writer"
DATED_BYLINE_RE = re.compile(
    r"(?i:posted|published|updated|written)(?i: on)?\s+.{4,40}?\s(?i:by)\s+"
    r"(?P<name>[A-ZА-ЯЁ][\w'’.-]+(\s+[A-ZА-ЯЁ][\w'’.-]+){0,3})"
)
BYLINE_PREFIX_RE = re.compile(rf"({_BYLINE_CUE})\s+", _I)
NAME_RE = re.compile(r"[A-ZА-ЯЁ][\w'’.-]+(\s+[A-ZА-ЯЁ][\w'’.-]*){1,3}(\s*[,|–—]\s*.{2,40})?")
#: where a byline's name ends: "Jane Doe, Reuters", "Jane Doe | June 7", "AFP on Friday"
BYLINE_END_RE = re.compile(r"\s*[,|•·–—(]\s*|\s+-\s+|\s+(?i:on|at|in|updated|published|posted)\s+")
#: a reader comment's signature: "Posted by: Sean | Jan 10, 2008", "Tom wrote:", "Reply"
COMMENT_SIGNATURE_RE = re.compile(
    r"(?i:(posted|written|submitted|added|left|comment(ed)?)( by)?:?)\s+.{1,60}?"
    r"(\d{1,2}:\d{2}|\b\d{4}\b|\bago\b).{0,30}"
    r"|[\w .'’-]{1,40}\s(?i:said|wrote)(\s+(on|at)\s+.{1,40})?\s*(\.\.\.|…)"
    r"|[\w .'’-]{1,40}\s(?i:wrote):"
    r"|(?i:reply|report( abuse| this comment)?|flag( as inappropriate)?|permalink)",
)
#: a date or a clock time somewhere in a line
DATE_RE = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}"
    r"|\b\d{1,2}(st|nd|rd|th)?\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}"
    # French, German, Russian and Ukrainian: "4 juin 2025", "4. Juni 2025", "4 июня 2025"
    r"|\b\d{1,2}\.?\s+(?i:janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec|"
    r"januar|februar|märz|april|juni|juli|august|oktober|dezember|"
    r"январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листопад|груд)[\w.]*\s+\d{4}"
)
#: words that make a two-word capitalised line something other than a person's name
NOT_NAMES = frozenset(
    [
        "view",
        "gallery",
        "photo",
        "photos",
        "video",
        "videos",
        "more",
        "news",
        "home",
        "share",
        "read",
        "print",
        "email",
        "comments",
        "related",
        "latest",
        "top",
        "sign",
        "log",
        "subscribe",
        "follow",
        "advertisement",
        "sponsored",
    ]
)
AUTHOR_MARK_RE = re.compile(r"(author-?image|author image|avatar|author)[.:]?", _I)

# Lines that are furniture on their own, whatever their position.  Each pattern
# must match the whole (stripped) line; ``_PREFIX`` patterns match a line start.
_FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "advertising",
        re.compile(
            r"(advertise?ments?|advertisment|adverts?|ads?|sponsored( content| links?| stories)?"
            r"|paid (content|post|partner)|promoted( content| stories)?|ads by \w+"
            r"|(story|article) continues (below|after)( the)?( advertisement)?"
            r"|continue reading (below|the main story)|skip (this )?ad(vert(isement)?)?"
            r"|(advertise?ment|advertisment|ad)\s*[-–—:|]\s*(scroll|continue|story continues)[\w ]{0,40}"
            r"|sponsored by .{1,60})[.:]?",
            _I,
        ),
    ),
    (
        "read-also",
        re.compile(
            r"(read|see|watch|listen)( also| more| next| the full story| more about this)?\s*"
            r"([|:»>→-]|\.\.\.)?|also (read|see|watch)\s*:?|more on (this|that)( story)?:?"
            r"|click here( to read more)?\.?",
            _I,
        ),
    ),
    (
        "widget",
        re.compile(
            r"(share|share (this|on|via)( \w+)?|shares?|tweet|e-?mail|print|copy link|"
            r"(\d+\s+)?comments?|no comments( yet)?\W*|view comments|show comments|"
            r"(leave|post|add|write) a (comment|reply)|comment on this( story| article)?|"
            r"hashtags|tags?|topics|filed under|follow us( on \w+)?|like us on facebook|"
            r"(print|e-?mail|share|save) this( article| story| page)?|print version|"
            r"text size|font size|a\s*a\s*a|back to top|top of page|bookmark|save|"
            r"facebook|twitter|x|whatsapp|linkedin|reddit|pinterest|telegram|flipboard|"
            r"sign in|log ?in|register|sign up|menu|search|home|subscribe|newsletter|"
            r"contact us|about us|site ?map|impressum|"
            r"try our ai features|listen to (this )?(article|story)|\d+ min(ute)?s? read|"
            r"author-image|author image|avatar|image|photo|video|gallery|[|•·×✕x]+|"
            r"((e-?mail|send|refer|recommend|forward)( this)?( article| story| page)? to a friend)|"
            r"printer[- ]friendly( version| format| page)?|create your own rss|"
            r"back to (headlines|top|news|home|the top)|write to (the )?editor|"
            r"(get|subscribe to) [\w &]{1,40} feeds?|more (photos|videos|pictures)|"
            r"\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}|listen( now)?|play|pause)[.:!]?",
            _I,
        ),
    ),
    (
        "appeal",
        re.compile(
            r"(a message from .{1,60}:|dear (readers?|friends|subscribers?)[,:!]?|"
            r"(please )?(support|donate to) (us|our (work|journalism)|independent journalism).*|"
            r"not ready to (support|donate|subscribe)( today)?\??|remind me (later|next month)\.?|"
            r"continue|close|maybe later\.?|no,? thanks\.?|"
            r"thank you!? your reminder is set\.?|donate( now| today)?!?|"
            r"(subscribe|sign up)( now| today)?( to (our|the) [\w ]{1,40})?[.!]?|"
            r"become a (member|subscriber|supporter|patron)\.?|"
            r"(get|enjoy) (unlimited|full|digital) access.*|already a (subscriber|member)\??|"
            r"sign up here\.?|e-?mail( address)?\s*\*?|(your )?e-?mail address|"
            r"follow us on google news|get the (latest|best|top) .{1,60}\b(in|to) your inbox.*)",
            _I,
        ),
    ),
    (
        "related-articles",
        re.compile(
            r"(related|related (articles?|stories|news|content|posts|links|topics|coverage)|"
            r"more (from|on|in) [\w .'-]{1,40}|more (stories|news|articles|headlines)|"
            r"you (may|might) (also )?(like|be interested in|have missed)|"
            r"recommended( for you| stories| articles)?|most (read|popular|viewed|shared|emailed)|"
            r"trending( now| stories)?|top stories|latest (news|stories|headlines)|"
            r"further reading|in (other|case you missed) news|editor'?s picks|"
            r"don'?t miss|must read|what to read next|popular (now|stories)|"
            r"(more )?from our partners|partner (content|stories|news))[.:]?",
            _I,
        ),
    ),
    ("timestamp", TIMESTAMP_RE),
    # Russian outlets' furniture (the audit's wire sources include TASS and Interfax)
    (
        "advertising",
        re.compile(
            r"(реклама|на правах рекламы|(спонсорский|партн[её]рский) (материал|проект))\.?", _I
        ),
    ),
    (
        "read-also",
        re.compile(
            r"(читайте( также)?|читать (также|далее)|смотрите также|подробнее)\s*([:|»>-].{0,150})?",
            _I,
        ),
    ),
    (
        "widget",
        re.compile(
            r"(поделиться|теги|метки|распечатать|версия для печати|подписывайтесь на нас.{0,40}"
            r"|мы в (telegram|телеграм|вконтакте|дзен|max).{0,30})[.:!]?",
            _I,
        ),
    ),
    (
        "related-articles",
        re.compile(
            r"(похожие (новости|материалы|статьи)|другие новости|(новости|материалы|ещ[её]) по теме"
            r"|по теме|самое (читаемое|популярное)|популярное|лента новостей|главное за день"
            r"|(новости|материалы) партн[её]ров|партн[её]рские (новости|материалы))[.:]?",
            _I,
        ),
    ),
    (
        "appeal",
        re.compile(
            r"(подпис(ывайтесь|аться) на .{1,60}|поддержите (нас|редакцию)[.!]?"
            r"|ещ[её] больше (новостей|материалов).{0,80}|читайте нас в .{1,60})",
            _I,
        ),
    ),
    # Ukrainian, German and French outlets' (pages that reprint the wire in other languages)
    (
        "advertising",
        re.compile(r"(реклама|anzeige|werbung|publicité|publicite|annonce)\.?", _I),
    ),
    (
        "read-also",
        re.compile(
            r"(читайте (також|ще)|дивіться також|mehr zum thema|lesen sie auch|auch interessant"
            r"|lire aussi|à lire aussi|a lire aussi|voir aussi|sur le même sujet)"
            r"\s*([:|»>-].{0,150})?",
            _I,
        ),
    ),
    (
        "related-articles",
        re.compile(
            r"(інші новини|новини за темою|за темою|mehr aus \w+|weitere artikel|das könnte sie "
            r"auch interessieren|à lire également|les plus lus|nos articles sur le même thème)[.:]?",
            _I,
        ),
    ),
)
_PREFIX: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "read-also",
        re.compile(
            r"(read (also|more|next)|also read|see also|related( story| article)?|"
            r"more on this|recommended|must read|don'?t miss|watch|listen)\s*[|:»>→–—]",
            _I,
        ),
    ),
    ("appeal", re.compile(r"(a message from [^:]{1,60}:|dear readers,)", _I)),
    (
        "photo-credit",
        re.compile(
            r"(photo(graph)?|image|picture|illustration|video|credit|фото|видео)s?(\s+credits?)?"
            r"(\s+by|\s*:|\s*/|\s*©)\s*[^.!?]{1,80}$",
            _I,
        ),
    ),
    ("widget", re.compile(r"(tags|tagged|topics|hashtags|filed under|share( this)? on)\s*:", _I)),
    (
        "legal",
        re.compile(
            r"((?<![\u00c3\u00e3])©|\(c\)\s*(\d{4}|copyright)|copyright\s*(©|\(c\)|\d{4})|all rights reserved"
            r"|(disclaimer|terms of use|terms and conditions|copyright notice|legal notice)\s*:)",
            _I,
        ),
    ),
)
# Furniture found *inside* a line, for lines up to ``_MAX_SEARCH_CHARS``.
_SEARCH: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        # a caption whose picture's credit closes it: "... on Tuesday. (AFP via Getty
        # Images)", "... in Kyiv. Photo: Reuters / Jean-Paul Pelissier" (in a scraped
        # text; in an HTML page's main text a caption is the article's, as Dragnet has it)
        "caption",
        re.compile(
            r"\b(getty images|shutterstock|ap photo|epa-efe|afp photo)\)?\s*$"
            r"|\((photo|image|picture|фото)\s*:\s*[^()]{1,60}\)\s*$"
            r"|\b(photo(graph)?|image|picture|фото)\s*(credit\s*)?:\s*[^.!?:/]{1,60}/[^.!?:/]{1,60}$",
            _I,
        ),
    ),
    (
        "legal",
        re.compile(
            r"(?<![\u00c3\u00e3])©|\(c\)\s*(\d{4}|copyright)|copyright\s+(\(c\)\s*)?\d{4}|all rights reserved"
            r"|^(disclaimer|terms of (use|service)|terms (and|&) conditions|privacy policy)\s*(:|$)"
            r"|\b(read|see|accept|agree to|review) our (terms|privacy|policy|policies)"
            r"|may not be (published|reproduced|redistributed|rewritten|broadcast)",
            _I,
        ),
    ),
    (
        "appeal",
        re.compile(
            r"\b(sign up|subscribe|register)\b.{0,40}\b(our|free|daily|weekly)\b.{0,20}"
            r"\b(newsletters?|e-?mail alerts?|alerts)\b|\b(e-?mail|news|text) alerts\b"
            r"|\b(subscribe|add) to (our|the) rss\b|upload your (photos|pics|pictures|videos)"
            r"|\b(delivered|straight|directly|sent) to your inbox\b"
            r"|^подписывайтесь на (наш|нас)",
            _I,
        ),
    ),
    (
        # the site's notices: cookies and consent, a paywall, an opinion page's disclaimer
        "notice",
        re.compile(
            r"\b(we|this (site|website)) uses? cookies\b|\bcookies? (policy|settings|preferences|"
            r"consent)\b|\baccept (all )?cookies\b|\bwe value your privacy\b"
            r"|\bby (continuing|clicking|using)\b.{0,60}\b(agree|consent|accept)\b"
            r"|\bmanage (your )?(consent|cookie|privacy)"
            r"|\byou have (read|viewed) \d+ of (your )?\d+ free\b|\bfree articles? (left|remaining)\b"
            r"|\balready (a subscriber|have an account)\b|\b(subscribe|log in|sign in)( now)? to "
            r"(continue|keep) reading\b|\bto (continue|keep) reading,? (please )?(subscribe|log in|"
            r"sign in)\b|\bthis (article|story|content) is (only )?(available|reserved|exclusive) "
            r"(to|for) (subscribers|members)\b"
            r"|\bthe views expressed (in this \w+ )?are (those of )?the author|\bdo(es)? not "
            r"necessarily reflect the (views|position|opinion)",
            _I,
        ),
    ),
    (
        "comments",
        re.compile(
            r"\b(please|to (post|leave|add|submit|write)( a)?|before (posting|commenting))\b.{0,60}"
            r"\bcomments?\b|\bcomments? (are|will be|may be) (moderated|reviewed|approved|checked)"
            r"|\bcomment(ing)? (guidelines|policy|rules|terms)\b|limit your comments"
            r"|\b(your|our) (thoughts|views|comments) on this\b",
            _I,
        ),
    ),
)
#: a donation appeal's address to the reader (``_appeal``; the line is lower-cased) ...
_READER_RE = re.compile(
    r"\bif you (value|enjoy|appreciate|rely on|like)\b"
    r"|(?:^|[.!?:,]\s+)please (consider )?(supporting|support|donating|donate|contributing|becoming)\b"
    r"|\bbecome a (supporter|member|patron|subscriber)\b"
    r"|\b(funded|supported|paid for) by (readers|people|members|listeners) like you\b"
    r"|\bwe rely on (our )?(readers|supporters|members)\b|\bfor as little as\b"
    r"|поддержите|если вам (важн|нрав|интерес|дорог)"
)
#: ... and what it asks for
_FUNDING_RE = re.compile(
    r"\bjournalism\b|\breporting\b|\bnewsroom\b|\bdonat|\bcontribut|\bsupporters?\b"
    r"|\bmembership\b|\bsubscri|\bindependent (media|press|news)\b|\bour work\b|\bfunded\b"
    r"|пожертв|донат|журналистик|нашу работу|редакци|подписк"
)
#: ... about the outlet itself (first person) or to the reader (you, an imperative); in
#: lower case as written ("the US" is no "us")
_OURS_RE = re.compile(
    r"\b([Ww]e|us|[Oo]urs?|[Yy]ou|[Yy]our)\b"
    r"|\b([Нн]ас|[Нн]аш\w*|[Мм]ы|[Нн]ам|[Пп]оддержите|[Пп]ожертвуйте|[Оо]формите)\b"
)
#: a quotation (one level of «» inside «» too), taken out before the appeal is looked for
_QUOTED_RE = re.compile(r'"[^"]*"|“[^”]*”|«(?:[^«»]|«[^«»]*»)*»|„[^“”]*[“”]|‘[^’]*’')
#: a quotation still open at the end of the line
_OPEN_QUOTE_RE = re.compile(r'["“«„‘][^"“”«»„‘’]*$')
_APPEAL_KEYS = (
    *("if you", "please", "become a", "like you", "rely on", "as little as"),
    *("поддержите", "если вам"),
)
_MAX_APPEAL_CHARS = 400
#: every ``_SEARCH`` match contains one of these (a cheap filter before the regex)
_SEARCH_KEYS = (
    *("©", "(c)", "copyright", "rights reserved", "disclaimer", "terms", "privacy", "polic"),
    *("getty", "shutterstock", "ap photo", "epa-efe", "afp photo", "photo", "image", "picture"),
    "фото",
    *("may not be", "alert", "newsletter", "rss", "upload", "comment", "inbox", "подписывайтесь"),
    *("cookie", "consent", "free article", "subscriber", "account", "reading", "views expressed"),
    "necessarily reflect",
)
#: a comment-section heading: "5 comments so far...", "Reader Comments (12)", "Have your say"
_COMMENTS_HEADING_RE = re.compile(
    r"\bcomments?\b|have your say|your (views|say)\b|join the (discussion|conversation|debate)"
    r"|reader (reactions|responses)|talkback|discuss (this|the) (story|article|news)"
    r"|комментари\w*|обсуждение",
    _I,
)
#: a markdown link, or a bare address
_LINK_RE = re.compile(r"!?\[[^\]\n]*\]\([^)\s]*\)|https?://\S+|www\.\S+")
#: characters that are frequent in code and markup, rare in prose
_CODE_CHARS = frozenset("{}=;<>[]\\|&$")
_MAX_FURNITURE_CHARS = 160
#: words a comment-section heading may have before its name ("Reader", "5", "Show all")
_HEADING_LEAD_WORDS = 2
#: "Be the first to comment"
_FIRST_TO = re.compile(r"\bbe (the )?first to\b|\b(станьте|будьте) первым", re.IGNORECASE)
#: a label followed by a name: "Comment: Joyce Goodfriend" (a programme, not a heading)
_NAMED_AFTER = re.compile(r"\s*:\s*[A-ZА-ЯЁ][a-zа-яё]")
_MAX_SEARCH_CHARS = 250
#: code characters that are no prose in a sentence either (see ``furniture_reason``)
_HARD_CODE_CHARS = "{}=<>[]\\|"
#: a sentence of the body has at least this share of stop words (see ``_body_sentence``)
_BODY_STOP_SHARE = 0.2
#: the marks of a copyright notice, a notice wherever they stand
_NOTICE_MARKS = re.compile(r"(?<![\u00c3\u00e3])©|\(c\)|copyright|rights reserved")
#: the page speaking of itself: "this site", "this material may not be ..."
_SITE_VOICE_RE = re.compile(
    r"\b[Tt]his (site|website|page|material|article|story|content|newsletter|report)\b"
)
#: a sentence that tells the reader what to do on the site: "Keep being informed and get
#: ...", "Click here ...", "Sign up ..."
_IMPERATIVE_RE = re.compile(
    r"(?:^|[.!?:]\s+)(?:click|sign|subscribe|register|join|follow|download|visit|keep|get"
    r"|stay|start|receive|enter|type|upload|send|log|read|watch|try|find|see|check|learn)\b",
    _I,
)
#: a donation request after this many words of its sentence is the outlet's only when
#: they address the reader (see ``_asked_by_outlet``)
_APPEAL_LEAD_WORDS = 2


def _combine(
    patterns: Sequence[tuple[str, re.Pattern[str]]],
) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One regex trying the patterns in order; group ``gN`` names the N-th reason.

    The combined regex is case-sensitive and meant for the lower-cased line:
    twice as fast as matching case-insensitively.
    """
    joined = "|".join(f"(?P<g{n}>{p.pattern})" for n, (_, p) in enumerate(patterns))
    return re.compile(joined), tuple(reason for reason, _ in patterns)


_FURNITURE_RE, _FURNITURE_REASONS = _combine(_FURNITURE)
_PREFIX_RE, _PREFIX_REASONS = _combine(_PREFIX)
_SEARCH_RE, _SEARCH_REASONS = _combine(_SEARCH)
_CODE_CHARS_STR = "".join(sorted(_CODE_CHARS))


def _comments_heading(line: str) -> bool:
    """A comment section's heading names it in its first words ("5 comments so far",
    "Reader Comments (12)", "Have your say") or ends with it and counts the comments or
    invites the first ("View all 12 comments", "Be the first to comment"); a line that says
    "comment" later, or goes on with a name after it, is a line of text or a programme
    ("Peskov declined to comment", "Relations in NYC Comment: Joyce")."""
    found = _COMMENTS_HEADING_RE.search(line)
    if found is None or _NAMED_AFTER.match(line, found.end()):
        return False
    if len(line[: found.start()].split()) <= _HEADING_LEAD_WORDS:
        return True
    # ends with it, and counts the comments or invites the first ("Peskov declined to
    # comment" is a line of news)
    ends = not re.search(r"[^\W\d_]", line[found.end() :])
    counted = re.search(r"\d[\d,.]*\s*$", line[: found.start()]) is not None  # "of 54 comments"
    return ends and (counted or _FIRST_TO.search(line) is not None)


def _reason_of(match: re.Match[str] | None, reasons: tuple[str, ...]) -> str | None:
    if match is None:
        return None
    for name, value in match.groupdict().items():
        if value is not None:
            return reasons[int(name[1:])]
    return None  # pragma: no cover - one group always matched


#: prefix reasons that label what follows ("Related:", "Filed under:"): a label heads a
#: title or a list, not a paragraph of prose
_LABELS = frozenset(("read-also", "widget"))
#: a sentence ends and another begins
_NEXT_SENTENCE = re.compile(r"[.!?][\"'”’)]?\s+[\"'“‘(]?[A-ZА-ЯЁ]")
_PROSE_CHARS = 200


def _prose(line: str, start: int) -> bool:
    """Is ``line`` from ``start`` on a paragraph of prose: three sentences or more, and
    longer than a headline ("RELATED: The group's endorsees did not fare well. Aside from
    ...", or a scraper's "Filed under: Latest News" run into the story's first paragraph)?
    Not a teaser, a headline and its first sentence ("READ ALSO: Estonia to close ... .
    The ministry said ..."), nor a list of tags with an "U.S. Sanctions" in it."""
    if len(line) - start <= _PROSE_CHARS:
        return False
    breaks = _NEXT_SENTENCE.finditer(line, start)
    return next(breaks, None) is not None and next(breaks, None) is not None


def furniture_reason(line: str) -> str | None:
    """The reason a stripped line is furniture on its own, or None."""
    length = len(line)
    lower = line.lower()
    if ("](" in line or "://" in line or "www." in line) and sum(
        len(m) for m in _LINK_RE.findall(line)
    ) > 0.5 * length:
        return "link-list"
    bars = line.count(" | ") + line.count("·") + line.count(" • ")
    if bars >= 2 and length < 40 * (bars + 1):
        return "link-list"
    prefix = _PREFIX_RE.match(lower)
    reason = _reason_of(prefix, _PREFIX_REASONS)
    if reason and not (prefix and reason in _LABELS and _prose(line, prefix.end())):
        return reason
    if length >= 20:
        # (in a sentence, "$25", "AT&T" and a semicolon are prose: only braces, brackets,
        # bars and "=" count there)
        most = max(2, 0.04 * length)
        if sum(map(line.count, _CODE_CHARS_STR)) > most and (
            not _reads_as_sentence(line) or sum(map(line.count, _HARD_CODE_CHARS)) > most
        ):
            return "markup"
    if length <= _MAX_FURNITURE_CHARS:
        reason = _reason_of(_FURNITURE_RE.fullmatch(lower), _FURNITURE_REASONS)
        if reason:
            return reason
        if (
            length <= 60
            and (not line.endswith(".") or line.endswith(".."))
            and line.count(" ") < 6
            and _comments_heading(line)
        ):
            return "comments"
    if length <= _MAX_SEARCH_CHARS and any(key in lower for key in _SEARCH_KEYS):
        found = _SEARCH_RE.search(lower)
        if found is not None:
            reason = _reason_of(found, _SEARCH_REASONS)
            spared = _reported_notice if reason == "notice" else _body_sentence
            # (a paragraph ending "... plant trees. (Photo: Parks Department)" is no caption)
            if not spared(line, found) and (reason != "caption" or length <= _CAPTION_CHARS):
                return reason
    if length <= _MAX_APPEAL_CHARS and _appeal(line, lower):
        return "appeal"
    return None


def _body_sentence(line: str, found: re.Match[str]) -> bool:
    """Does a line in which ``found`` (a ``_SEARCH`` pattern) matched read as a sentence of
    the article, not as the site's notice?  A sentence (``_reads_as_sentence``) with a fair
    share of stop words, that the words found do not open ("Sign up for ..." is the site's
    imperative), that has no copyright mark, and in which nobody speaks for the outlet or
    to the reader outside quotations ("we", "our", "you", "please", "this site"): "Residents
    can sign up for the county's text alerts by ...", "The victims' names may not be
    published under censorship rules." are news; "To protect our readers, please ..." is not.
    """
    if found.start() == 0 or _NOTICE_MARKS.search(found.group()) is not None:
        return False
    # (a site's call ends with "!": "Click here for football text alerts!")
    if not _reads_as_sentence(line) or line.rstrip("\"'”’»)").endswith("!"):
        return False
    words = _WORD_RE.findall(line.lower())
    if sum(map(STOP_WORDS.__contains__, words)) < _BODY_STOP_SHARE * len(words):
        return False
    own = _unquoted(line)
    return not (_OURS_RE.search(own) or _IMPERATIVE_RE.search(own) or _notice_voice(own))


def _reported_notice(line: str, found: re.Match[str]) -> bool:
    """Is a line in which a site notice's words matched (cookies, a paywall, a disclaimer) a
    sentence about them: one the words do not open ("We accept cookies from a dozen
    advertisers without a thought, yet ..."), or that reports them ("Cookie settings on most
    news sites are confusing, the study found.")?  An op-ed's or an interview's "we" and
    "you" are no sign of the site's voice here: media pieces about paywalls have them."""
    if not _reads_as_sentence(line):
        return False
    return found.start() > 0 or _REPORTED_RE.search(line, found.end()) is not None


#: a report's verb after a notice's words: the sentence tells of the notice
_REPORTED_RE = re.compile(
    r",\s+(?:[\w'-]+\s+){0,4}(?:said|says|say|told|found|finds|reads|read|wrote|writes|"
    r"reported|argued|argues|added|notes|noted)\b|\baccording to\b",
    _I,
)


def site_voice(line: str) -> bool:
    """Does a short line speak for the site, outside quotations: its newsroom, its readers'
    inboxes and settings, its cookies ("Have a news tip? Email our newsroom.", "We use
    cookies to improve your experience."), or ask the reader for something?  (Not a
    speaker's "we" and "you": an interview's answers have them.)"""
    own = _unquoted(line)
    return bool(_SITE_SELF_RE.search(own)) or _notice_voice(own)


def _unquoted(line: str) -> str:
    """``line`` with what someone is quoted saying blanked (a quotation left open too)."""
    return _OPEN_QUOTE_RE.sub(" ", _QUOTED_RE.sub(" ", _QUOTED_RE.sub(" ", line)))


def _notice_voice(own: str) -> bool:
    """The site's notice: "this site", a "please", a notice's subject ("All comments are
    moderated", "AP content may not be published")."""
    return bool(
        _SITE_VOICE_RE.search(own) or _PLEASE_RE.search(own) or _NOTICE_SUBJECT_RE.match(own)
    )


#: the site naming itself to its reader
_SITE_SELF_RE = re.compile(
    r"\b(?:our|your)\s+(?:newsroom|journalism|reporting|readers?|newsletters?|inbox|settings|"
    r"experience|site|website|app|privacy|account|subscription|support|donations?)\b"
    r"|\bcookies?\b|\b(?:email|e-mail|contact|follow|message|write to)\s+(?:us|our)\b"
    r"|\bnews tips?\b|\bsubscribe\b",
    _I,
)
#: a caption closed by its picture's credit is this long at most: a sentence or two
_CAPTION_CHARS = 160
#: a request in the site's voice anywhere in a line ("..., so please be patient")
_PLEASE_RE = re.compile(r"(?:please|пожалуйста)", _I)
#: what a site's notice is about, opening its sentence: "AP content may not be published
#: ...", "All comments are moderated ...", "Registration is required ...", "Subscribers
#: also receive breaking news alerts ..."
_NOTICE_SUBJECT_RE = re.compile(
    r"\s*(?:[\w'\u2019-]+\s+){0,2}?(?:content|material|materials|comments?|alerts?|registration|"
    r"subscribers?|subscriptions?|newsletters?|cookies)\b",
    _I,
)


def _appeal(line: str, lower: str) -> bool:
    """A donation appeal: the outlet speaks to the reader ("If you value our reporting",
    "funded by readers like you") about paying for its work (journalism, a supporter, a
    donation), in its own words (a protester's quoted "Please support our farmers" is news,
    and so are "please donate blood" and "become a member of the EU")."""
    if not any(key in lower for key in _APPEAL_KEYS):
        return False
    # (what someone is quoted saying is not the outlet's, also a quotation left open: it
    # goes on in the next paragraph)
    own = _unquoted(line)
    folded = own.lower()
    return (
        any(_asked_by_outlet(own, m) for m in _READER_RE.finditer(folded))
        and _FUNDING_RE.search(folded) is not None
        and _OURS_RE.search(own) is not None
    )


def _asked_by_outlet(own: str, found: re.Match[str]) -> bool:
    """Is the request ``found`` the outlet's own?  A "please ..." that its sentence leads
    up to in the third person is someone else's, reported ("Officials had one request:
    please consider donating to the food bank"); the outlet's opens its sentence, or
    follows a few words or its own address to the reader ("If you value our work, please
    ...")."""
    if not found.group().lstrip(" .!?:,").startswith("please"):
        return True
    start = max(own.rfind(end, 0, found.start()) for end in ".!?")
    lead = own[start + 1 : found.start()]
    return len(_WORD_RE.findall(lead)) <= _APPEAL_LEAD_WORDS or _OURS_RE.search(lead) is not None


# --- Lines around the body: what ends an article, menus, headlines, bylines ---

#: furniture that ``clean_text(residual=True)`` removes: recognisable on sight, never body
#: text.  Not here: "link-list", "markup", "timestamp", "legal" (a table row, a code sample,
#: a date or a sentence about privacy policies can be body text in trafilatura's output).
RESIDUAL_REASONS = frozenset(
    ("advertising", "read-also", "widget", "appeal", "related-articles", "comments", "photo-credit")
)
#: furniture that ``clean_text(residual=True)`` removes from a short line (see text.py; not
#: "timestamp": a date line is body text in Dragnet's pages)
RESIDUAL_IF_SHORT = frozenset(("legal",))
#: ... when it is a copyright notice: begins with its sign or ends "All rights reserved"
#: (not a sentence about one: "The publisher's copyright © 2024 notice was removed.")
COPYRIGHT_NOTICE = re.compile(
    r"^\s*(?:©|\(c\)|copyright\b)|all rights reserved\W*$|все права защищены\W*$"
    # (a wire's boilerplate: "This material may not be published, broadcast, rewritten or
    # redistributed."; a page's "Terms of use: ...", "Read our privacy policy")
    r"|^\s*this (?:material|article|story|content) may not be\b"
    r"|^\s*(?:terms of (?:use|service)|privacy policy|read our privacy policy)\b",
    _I,
)
#: reasons whose lines end the article text (see ``ends_article``)
_ENDS_ARTICLE = frozenset(("related-articles", "appeal", "comments"))
_ENDS_ARTICLE_WIDGET = re.compile(
    r"(\d+\s+)?comments?|no comments( yet)?\W*|hashtags|tags?:?|(leave|post|add) a (comment|reply)"
    r"|view comments|show comments|comment on this( story| article)?",
    _I,
)
_ENDS_ARTICLE_APPEAL = re.compile(
    r"a message from|dear (readers|friends|subscribers)|(please )?(support|donate)", _I
)
#: a line of this many words or more that ends like a sentence may be one
_SENTENCE_WORDS = 6
#: a menu item is shorter than this and does not end with a full stop
_NAV_CHARS = 40
_FULL_STOPS = (".", "!", "?", "…", '."', ".”", "?”", "!”")
_SENTENCE_ENDS = (".", "!", "?", ".”", '."', ".»")
_WORD_RE = re.compile(r"\w+")


class Line(Protocol):
    """What the finders below read of a line (``text.py``'s blocks)."""

    text: str
    words: int
    caps: float
    sentences: int
    reason: str | None


def ends_article(line: str, reason: str | None) -> bool:
    """True when a furniture line (of ``reason``) says the article text is over: "Comments",
    "Related Articles", a donation appeal, or a notice on comments in a sentence ("Please
    keep your comments civil ...").  (A sentence of the body that only mentions comments,
    "Residents have until March 15 to submit comments on the plan.", is no furniture at
    all: see ``_body_sentence``.)"""
    if reason == "appeal":  # a donation appeal ends the text, a newsletter box does not
        return _ENDS_ARTICLE_APPEAL.match(line) is not None
    return reason in _ENDS_ARTICLE or (
        reason == "widget" and _ENDS_ARTICLE_WIDGET.fullmatch(line) is not None
    )


def _reads_as_sentence(line: str) -> bool:
    """A line of ``_SENTENCE_WORDS`` words or more, mostly in lower case, that ends like a
    sentence: text, not a heading or a label."""
    if not line.rstrip("\"'”’»)").endswith((".", "!", "?", "…")):
        return False
    words = _WORD_RE.findall(line)
    upper = sum(1 for w in words if w[0].isupper())
    return len(words) >= _SENTENCE_WORDS and upper <= 0.5 * len(words)


def nav_label(line: str) -> bool:
    """A menu item's shape: short, and no full stop at the end."""
    return len(line) < _NAV_CHARS and not line.endswith(_FULL_STOPS)


def weak_reason(line: str) -> str:
    """Why a line that is no furniture was not kept: a date, a fragment, or it is far from
    the body."""
    if TIMESTAMP_RE.fullmatch(line):
        return "timestamp"
    return "short-fragment" if len(line) < 70 else "far-from-prose"


def sentence_like(block: Line) -> bool:
    """A plain sentence: four words or more, mostly lower case, a full stop at the end."""
    return block.words >= 4 and block.caps <= 0.5 and block.text.endswith(_SENTENCE_ENDS)


def mark_comment_signatures(blocks: Sequence[Line]) -> None:
    """Lines like "Posted by: Sean | Jan 10, 2008 4:49 PM", when a page has several, sign
    reader comments: they open the comment section (reason "comments")."""
    signed = [b for b in blocks if b.reason is None and COMMENT_SIGNATURE_RE.fullmatch(b.text)]
    if len(signed) >= 2:
        for block in signed:
            block.reason = "comments"


def headline_shaped(block: Line) -> bool:
    text = block.text
    return (
        15 <= len(text) <= 200
        and 3 <= block.words <= 30
        and block.reason is None
        and block.sentences <= 1
        and not text.endswith((".", ",", ";", ":"))
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'‘“«")
        and " | " not in text
        and " \u00b7 " not in text  # ("Listen to this article \u00b7 4 min": a player's strip)
        and DATE_RE.search(text) is None
        and not BYLINE_RE.fullmatch(text)
    )


def find_title(blocks: Sequence[Line], first: int, counts: dict[str, int]) -> int | None:
    """Index of the headline: a repeated headline-shaped line, else the nearest above the body."""
    for i in range(max(first - 8, 0), min(first + 1, len(blocks))):
        if counts[blocks[i].text] > 1 and headline_shaped(blocks[i]):
            return i
    # up to five lines above the body, not counting furniture (share buttons, dates)
    above = [i for i in range(first - 1, max(first - 12, -1), -1) if blocks[i].reason is None]
    window = [i for i in above[:5] if headline_shaped(blocks[i])]
    # the nearest line of four words or more: "Staff and agencies" is a credit, not a title
    return next((i for i in window if blocks[i].words >= 4), window[0] if window else None)


def find_author(
    blocks: Sequence[Line], lo: int, hi: int, title: int | None, body: int | None
) -> int | None:
    """A byline in ``blocks[lo:hi]``: "By X", or a lone name under an author marker or the
    title, or right above the ``body`` (when given)."""
    for i in range(lo, hi):
        block = blocks[i]
        if block.reason is not None or len(block.text) > 80:
            continue
        if BYLINE_RE.fullmatch(block.text) or DATED_BYLINE_RE.fullmatch(block.text):
            return i
        if (
            NAME_RE.fullmatch(block.text)
            and (
                (i > 0 and AUTHOR_MARK_RE.fullmatch(blocks[i - 1].text))
                or i - 1 == title
                or (body is not None and i == body - 1)
            )
            and not any(w.lower() in NOT_NAMES for w in block.text.split())
        ):
            return i
    return None


def byline_name(line: str) -> str:
    dated = DATED_BYLINE_RE.fullmatch(line)
    if dated:
        return dated.group("name")
    match = BYLINE_PREFIX_RE.match(line)
    name = line[match.end() :].strip() if match else line
    return BYLINE_END_RE.split(name, maxsplit=1)[0].strip() or name


def signed(blocks: Sequence[Line], t: int) -> bool:
    """True when a byline or a date stands within two lines of ``blocks[t]``, or the next
    line opens with a wire dateline ("MOSCOW, June 5 (TASS) -"): a story's headline."""
    return any(
        block.reason == "timestamp"
        or BYLINE_RE.fullmatch(block.text)
        or DATED_BYLINE_RE.fullmatch(block.text)
        for block in blocks[max(t - 2, 0) : t + 3]
    ) or (t + 1 < len(blocks) and DATELINE_RE.match(blocks[t + 1].text) is not None)


#: a wire story's dateline opening its first paragraph: a place in capitals, maybe a day,
#: then the agency in brackets or slashes and a dash or a stop ("MOSCOW, June 5 (TASS) -",
#: "WASHINGTON (AP) -", and the same in Cyrillic: TASS's own "MOSCOW, June 5. /TASS/.")
DATELINE_RE = re.compile(
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{2,40}"
    r"(?:,\s*[^.()/\n]{3,30}?)?\.?\s*(?:\([^()\n]{2,40}\)|/[^/\n]{2,40}/)\.?\s*[-–—:.]"
)


def guess_language(text: str) -> str | None:
    """ "en" or "ru" when the stop words of that language make up a fair share of the words."""
    words = _WORD_RE.findall(text[:20_000].lower())
    if len(words) < 20:
        return None
    for code, stop in (("en", EN_STOP), ("ru", RU_STOP)):
        if sum(map(stop.__contains__, words)) >= 0.2 * len(words):
            return code
    return None
