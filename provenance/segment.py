# ruff: noqa: RUF001, RUF002  (Russian stop words and endings are intended)
"""Main text -> paragraphs, sentences and words with character spans.

Every span is half-open ``[start, end)`` into the original string.  There is one
normaliser, :func:`normalize`, used for every comparison: it folds typographic
quotes and dashes, collapses whitespace, lower-cases and writes dotted
abbreviations without dots ("U.S." -> "us"), and it returns, for each character
of its output, the offset of the original character it came from, so any span
found in normalised text maps back exactly (:meth:`Normalized.original`).

:func:`terms` reduces words to comparable stems (stop words dropped, light
suffix stripping) for the sentence-level matching in ``align.py``.
(Quotation spans live in ``quotes.py``.)
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from provenance.models import Span

R = TypeVar("R")

_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
    }
)
_TRANSLATED = re.compile("[" + re.escape("".join(map(chr, _QUOTES))) + "]")
_ABBREV = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised string and, per character, the original offset it came from."""

    text: str
    offsets: tuple[int, ...]
    #: length of the original text (where a span ending at ``len(text)`` maps)
    length: int

    def original(self, start: int, end: int) -> Span:
        """Map the half-open span ``[start, end)`` of ``text`` to the original."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text")
        if start == end:
            pos = self.offsets[start] if start < len(self.offsets) else self.length
            return Span(pos, pos)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)


def normalize(text: str) -> Normalized:
    """Fold quotes, dashes, whitespace, case and dotted abbreviations.

    >>> n = normalize("The U.S.  \u201cdeal\u201d")
    >>> n.text
    'the us "deal"'
    >>> text = "The U.S.  \u201cdeal\u201d"
    >>> span = n.original(7, 13)
    >>> text[span.start:span.end]
    '\u201cdeal\u201d'
    """
    folded = text.translate(_QUOTES)
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _ABBREV.finditer(folded):
        _fold_plain(folded, pos, match.start(), chars, offsets)
        for i in range(match.start(), match.end()):
            if folded[i] != ".":
                chars.append(folded[i].lower())
                offsets.append(i)
        pos = match.end()
    _fold_plain(folded, pos, len(folded), chars, offsets)
    return Normalized("".join(chars), tuple(offsets), len(text))


def normalized_text(text: str) -> str:
    """``normalize(text).text`` without the offsets: for comparisons that need no spans.

    >>> normalized_text("The U.S.  \u201cdeal\u201d")
    'the us "deal"'
    """
    # (str.translate looks every character up: replace only those there are)
    text = _TRANSLATED.sub(_translated, text)
    folded = _one_space(_ABBREV.sub(_undotted, text) if _may_abbreviate(text) else text)
    lowered = folded.lower()
    # rare: lower case by character, as normalize does (a longer lower case, or a capital
    # sigma, whose lower case depends on the letters around it)
    if len(lowered) != len(folded) or "\u03a3" in folded:
        return normalize(text).text
    return lowered


def _translated(match: re.Match[str]) -> str:
    return str(_QUOTES[ord(match.group())])


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _may_abbreviate(text: str) -> bool:
    """Whether ``text`` may hold a dotted abbreviation ("U.S."): a letter, a dot, a letter
    and a dot.  Looking at the dots alone is faster than running the pattern."""
    i = text.find(".", 1)
    while 0 < i < len(text) - 2:
        if text[i + 2] == "." and text[i + 1] in _ASCII_LETTERS and text[i - 1] in _ASCII_LETTERS:
            return True
        i = text.find(".", i + 1)
    return False


def _one_space(text: str) -> str:
    """``_SPACE.sub(" ", text)``, faster: each whitespace run as one space."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    return lead + inner + " " if text[-1].isspace() else lead + inner


def _undotted(match: re.Match[str]) -> str:
    return match.group().replace(".", "")


def _fold_plain(text: str, start: int, end: int, chars: list[str], offsets: list[int]) -> None:
    """Append ``text[start:end]`` lower-cased with whitespace runs as one space."""
    pos = start
    for match in _SPACE.finditer(text, start, end):
        _lower_into(text, pos, match.start(), chars, offsets)
        if not chars or chars[-1] != " ":
            chars.append(" ")
            offsets.append(match.start())
        pos = match.end()
    _lower_into(text, pos, end, chars, offsets)


def _lower_into(text: str, start: int, end: int, chars: list[str], offsets: list[int]) -> None:
    piece = text[start:end]
    lowered = piece.lower()
    if len(lowered) == len(piece):
        chars.extend(lowered)
        offsets.extend(range(start, end))
        return
    for i, ch in enumerate(piece):  # rare: a character whose lower case is longer
        low = ch.lower()
        chars.extend(low)
        offsets.extend([start + i] * len(low))


# --------------------------------------------------------------------------- words


class Token(NamedTuple):
    """A word: its normalised form and its span in the original text.

    (A named tuple rather than a dataclass: texts have thousands of words.)
    """

    norm: str
    start: int
    end: int


def words(text: str) -> list[Token]:
    """Word tokens (letters, digits, inner apostrophes) with original spans.

    Dotted abbreviations are one token: "U.S." gives ``Token("us", ...)`` with
    the span of "U.S" (the final dot is left to the sentence).
    """
    norms, starts, ends = word_table(text)
    return [Token(n, s, e) for n, s, e in zip(norms, starts, ends, strict=True)]


def word_table(text: str) -> tuple[list[str], list[int], list[int]]:
    """:func:`words` as three parallel lists (norms, starts, ends): faster for whole texts."""
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in _ABBREV.finditer(text):
        _plain_words(text, pos, match.start(), norms, starts, ends)
        start, end = match.start(), match.end() - 1
        norms.append(text[start:end].replace(".", "").lower())
        starts.append(start)
        ends.append(end)
        pos = match.end()
    _plain_words(text, pos, len(text), norms, starts, ends)
    return norms, starts, ends


#: words and the gaps between them: ``split`` gives gap, word, gap, word... gap
_WORD_SPLIT = re.compile(r"(\w+(?:['\u2019]\w+)*)")


def _plain_words(
    text: str, start: int, end: int, norms: list[str], starts: list[int], ends: list[int]
) -> None:
    piece = text[start:end]
    lowered = piece.replace("\u2019", "'").lower()
    if len(lowered) != len(piece):  # a character whose lower case is longer
        for m in _WORD.finditer(text, start, end):
            norms.append(m.group().replace("\u2019", "'").lower())
            starts.append(m.start())
            ends.append(m.end())
        return
    parts = _WORD_SPLIT.split(lowered)
    if len(parts) < 2:
        return
    # offsets by running sums (in C) rather than a Python loop: texts have many words
    # (split, not findall: no tuple per word, which would also wake the garbage collector)
    sizes = list(map(len, parts))
    del sizes[-1]
    stops = list(itertools.accumulate(sizes, initial=start))
    # word k is parts[2k + 1]: from stops[2k + 1] to stops[2k + 2]
    norms.extend(parts[1::2])
    starts.extend(stops[1::2])
    ends.extend(stops[2::2])


# ----------------------------------------------------------------- paragraphs, sentences


#: texts whose sentences, quotations, credits... each per-text cache keeps: a run
#: compares each article with many others, in an order that revisits it far apart
TEXT_CACHE = 4096


class TextMemo(Generic[R]):
    """A per-text analysis, remembered for the :data:`TEXT_CACHE` texts used last.

    Like ``functools.lru_cache``, but a result computed elsewhere (in a worker
    process, once per text) can be :meth:`put` in, so the processes forked
    afterwards inherit it instead of each computing it again.
    """

    def __init__(self, compute: Callable[..., R], size: int = TEXT_CACHE) -> None:
        self.compute = compute
        self.size = size
        self._memo: OrderedDict[tuple[Any, ...], R] = OrderedDict()
        functools.update_wrapper(self, compute)

    def __call__(self, *key: Any) -> R:
        try:
            value = self._memo[key]
        except KeyError:
            value = self.compute(*key)
            self.put(key, value)
            return value
        self._memo.move_to_end(key)
        return value

    def known(self, *key: Any) -> R | None:
        """The result for ``key`` if it was worked out (or put in) here, else None."""
        return self._memo.get(key)

    def put(self, key: tuple[Any, ...], value: R) -> None:
        self._memo[key] = value
        self._memo.move_to_end(key)
        if len(self._memo) > self.size:
            self._memo.popitem(last=False)


Layout = tuple[tuple[Span, ...], tuple[Span, ...]]


def layout(text: str) -> Layout:
    """The paragraphs and sentences of ``text``, to :func:`remember_layout` elsewhere."""
    return _paragraphs(text), _sentences(text)


def remember_layout(text: str, found: Layout) -> None:
    """Take :func:`layout`'s result for ``text`` (computed in another process)."""
    _paragraphs.put((text,), found[0])
    _sentences.put((text,), found[1])


def paragraphs(text: str) -> list[Span]:
    """Non-blank lines, stripped: one paragraph per line of scraped text."""
    return list(_paragraphs(text))


@TextMemo
def _paragraphs(text: str) -> tuple[Span, ...]:
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        span = _strip(text, match.start(), match.end())
        if span is not None:
            spans.append(span)
    return tuple(spans)


# a sentence ends at . ! ? (or an ellipsis), optional closing quotes/brackets, then
# whitespace and something that can start a sentence
_END = re.compile(
    r"(?:[.!?]+|\u2026)[\"'\u201d\u2019\u00bb)\]]*(?=\s+[\"'\u201c\u2018\u00ab(\[]?[A-Z0-9])"
)
#: a stretch ends as a sentence ends (a full stop, "!", "?" or an ellipsis, then perhaps a
#: closing quotation mark or bracket) ...
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]?$")
#: ... and begins as one begins (a capital or a digit, perhaps after an opening mark)
_BEGINS_SENTENCE = re.compile(r"[\"'\u201c\u2018\u00ab(\[]?[^\W_a-z\u0430-\u044f\u0451]")


def ends_sentence(text: str) -> bool:
    """Does ``text`` (stripped) end as a sentence ends ("... on Friday.", "... he said.»")?"""
    return _ENDS_SENTENCE.search(text.strip()) is not None


def whole_sentences(text: str) -> bool:
    """Is ``text`` whole sentences: it begins as a sentence begins and ends as one ends (not
    a stretch of lines wrapped inside a paragraph, "...manage your\ndiabetes. Your body ...
    oats, bran, an")?"""
    body = text.strip()
    return _BEGINS_SENTENCE.match(body) is not None and _ENDS_SENTENCE.search(body) is not None


_NO_BREAK_WORDS = """
mr mrs ms dr prof sr jr st mt gen col lt sgt capt gov sen rep rev hon pres inc ltd co corp
vs etc no nos fig vol jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e approx dept
est
ч ст п пп гг ул им тыс руб коп рис стр тел проф акад зам
"""
_NO_BREAK = frozenset(_NO_BREAK_WORDS.split())


def sentences(text: str) -> list[Span]:
    """Sentence spans, stripped, never crossing a line break."""
    return list(_sentences(text))


@TextMemo
def sentence_starts(text: str) -> tuple[int, ...]:
    """Where each of :func:`sentences` starts: bisect it to find the sentence at an offset."""
    return tuple(s.start for s in _sentences(text))


@TextMemo
def _sentences(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    for para in paragraphs(text):
        start = para.start
        for match in _END.finditer(text, para.start, para.end):
            if _is_abbreviation(text, start, match.start()):
                continue
            span = _strip(text, start, match.end())
            if span is not None:
                spans.append(span)
            start = match.end()
        span = _strip(text, start, para.end)
        if span is not None:
            spans.append(span)
    return tuple(spans)


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > start and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and text[word_start].isupper():
        return True  # an initial: "John F. Kennedy"
    if "." in word:
        return _ABBREV.fullmatch(text[word_start : dot + 1]) is not None and len(word) <= 4
    return word in _NO_BREAK


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


# ------------------------------------------------------------------------ terms

_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just may me might more most must my myself no nor not now of off on once only or
other our ours ourselves out over own same shall she should so some such than that the their
theirs them themselves then there these they this those through to too under until up upon
us very was we were what when where which while who whom why will with would you your yours
yourself yourselves s t d ll m re ve don doesn didn isn wasn weren won said says one
и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только
ее её мне было вот от меня еще ещё нет о об из ему теперь когда даже ну ли если уже или ни
быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над
больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою
этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это также
который которая которое которые которого которой которых которым этих является заявил
заявила заявили сказал сказала сказали сообщил сообщила сообщили
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_SUFFIXES = (
    "ational",
    "ization",
    "fulness",
    "iveness",
    "ousness",
    "ments",
    "ement",
    "ingly",
    "ation",
    "ities",
    "ness",
    "ment",
    "able",
    "ible",
    "ings",
    "ally",
    "ing",
    "ies",
    "ied",
    "ity",
    "ive",
    "ous",
    "ful",
    "ed",
    "es",
    "ly",
    "al",
    "s",
    "e",
    "y",
)


#: Russian inflectional endings (of adjectives and participles, verbs, nouns), longest first
_RU_ENDINGS = tuple(
    sorted(
        (
            # adjectives and participles
            *("ыми", "ими", "ого", "его", "ому", "ему", "ая", "яя", "ое", "ее", "ые", "ие"),
            *("ый", "ий", "ой", "ей", "ым", "им", "ом", "ую", "юю", "ых", "их"),
            # verbs: infinitives (not -ат, -ет, -ете, -л, -ть...: депутат, комитете, канал,
            # часть would lose letters)
            *("ить", "ать", "ять", "еть"),
            # nouns
            *("ами", "ями", "ах", "ях", "ам", "ям", "ов", "ев", "ем", "ию", "ия", "ии"),
            *("а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й"),
        ),
        key=len,
        reverse=True,
    )
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, deterministic suffix stripper (enough to match inflections), for English
    words and, through their endings, Russian ones ("ё" read as "е")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if "\u0430" <= word[-1] <= "\u0451":  # a Cyrillic small letter
        return _stem_russian(word.replace("\u0451", "\u0435"))
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopp" -> "stop"
    return word


def _stem_russian(word: str) -> str:
    """The word without a reflexive ending and one inflectional ending, keeping at least
    three letters ("заявила", "заявил" and "заявили" are one stem)."""
    if len(word) >= 6 and word.endswith(("ся", "сь")):
        word = word[:-2]
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    # what is left may end as another form does: "Пескова" -> "песков" as "Песков" ->
    # "песк"; "проблема" -> "проблем" as "проблем"; and a stem vowel ("предостави-ть")
    if len(word) >= 5 and word.endswith(("ов", "ев", "ем")):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word[-1] in _RU_VOWELS else word


_RU_VOWELS = frozenset("аеиоуыэюяьй")


def terms(tokens: list[Token]) -> list[str]:
    """Stems of the content words among ``tokens`` (stop words dropped)."""
    return [stem(t.norm) for t in tokens if t.norm not in STOP_WORDS]
