"""Quotation spans in a text and the speaker of each quotation.

Design note: the conventions put quotation spans in ``segment.py``.  That module
is owned by another stage (sentences, words, the normaliser), so quotations live
here, just below it in the data flow; this module uses ``segment`` for
paragraphs and sentences and adds nothing to it.

Quotation marks handled: straight double and single quotes, curly double and
single quotes (U+201C/D, U+2018/9), guillemets (U+00AB/BB, either way round) and
low-9 openers (U+201E, U+201A: German/Russian style, closed by U+201C or U+201D).
Scraped text mixes them ("'DOGE checks\"", "U+2018 A huge mistake'"), so a double
closing mark may close a single opener when no double quotation is open, and a
straight ' closes a curly U+2018.  An apostrophe between letters (don't, Musk's,
with either apostrophe) is never a quotation mark.
Quotations nest (a single-quoted phrase inside a double quotation) and never cross a line break.

A speaker is found in the sentence around the quotation ("...," Peskov told
reporters; "...," said Dmitry Novikov; Novikov replied, "..."), else inherited
from a quotation in the previous sentence of the same paragraph.  A speaker that
is a pronoun or a description ("he", "the parliamentarian") is resolved to the
most recent named speaker.  ``speaker_key`` (surname, case-folded) is what
other stages compare.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from provenance.models import Span
from provenance.segment import TextMemo, paragraphs, sentences

# quotation-mark families: "double" marks and "single" marks
_DOUBLE = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb')
_SINGLE = frozenset("'\u2018\u2019\u201a\u201b\u2039\u203a")
_MARKS = _DOUBLE | _SINGLE
_OPEN_ONLY = frozenset("\u201e\u201a")  # low-9 marks never close
_MARK_RE = re.compile("[" + re.escape("".join(sorted(_MARKS))) + "]")
_LOW_OPENERS = {"\u201e": '\u201c\u201d"', "\u201a": "\u2018\u2019'"}
_BEFORE_OPEN = frozenset("([{\u2014\u2013-/:")  # a mark after these may open
_AFTER_CLOSE = frozenset(".,;:!?)]}\u2014\u2013-/\u2026")  # a mark before these may close


@dataclass(frozen=True, slots=True)
class Quotation:
    """One quotation: ``span`` includes the marks, ``inner`` is the quoted text."""

    span: Span
    inner: Span
    depth: int  # 0 for a quotation not inside another
    speaker: str | None = None  # as written: "Peskov", "the parliamentarian"
    speaker_key: str | None = None  # resolved surname, case-folded: "peskov"

    def __reduce__(self) -> tuple[type[Quotation], tuple[Any, ...]]:
        # pickled as a call: a dataclass's own pickling looks its fields up each time
        return Quotation, (self.span, self.inner, self.depth, self.speaker, self.speaker_key)


@dataclass(frozen=True, slots=True)
class _Mark:
    pos: int
    char: str
    family: str  # "double" | "single"
    can_open: bool
    can_close: bool


def _flanking(text: str, i: int) -> tuple[bool, bool]:
    """(may open, may close) for the mark at ``i`` judged by its neighbours."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    can_open = not nxt.isspace() and (prev.isspace() or prev in _BEFORE_OPEN or prev in _MARKS)
    can_close = not prev.isspace() and (nxt.isspace() or nxt in _AFTER_CLOSE or nxt in _MARKS)
    return can_open, can_close


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    found = []
    for hit in _MARK_RE.finditer(text, start, end):
        i = hit.start()
        ch = hit.group()
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch in "'\u2019" and prev.isalnum() and nxt.isalpha():
            continue  # apostrophe inside a word: don't, Musk\u2019s
        can_open, can_close = _flanking(text, i)
        if ch in _OPEN_ONLY:
            can_open, can_close = not nxt.isspace(), False
        elif ch == "\u00ab" and not can_open and not can_close:
            can_open = True
        elif ch == "\u00bb" and not can_open and not can_close:
            can_close = True
        if can_open or can_close:
            family = "double" if ch in _DOUBLE else "single"
            found.append(_Mark(i, ch, family, can_open, can_close))
    return found


def _closes(opener: _Mark, mark: _Mark) -> bool:
    """Whether ``mark`` is a fitting close for ``opener`` (same family or low-9 pair)."""
    if opener.char in _LOW_OPENERS:
        return mark.char in _LOW_OPENERS[opener.char]
    if opener.char == "\u00ab":
        return mark.char in '\u00bb\u201d\u201c"'
    if opener.char == "\u00bb":
        return mark.char == "\u00ab"
    return opener.family == mark.family and mark.char not in "\u00ab\u00bb"


def _pair_line(text: str, start: int, end: int) -> tuple[list[tuple[int, int, int]], bool]:
    """(open position, close position, depth) of the quotations on one line, and
    whether the line opens with a quotation mark that no mark on the line closes."""
    stack: list[_Mark] = []
    pairs: list[tuple[int, int, int]] = []
    for mark in _marks(text, start, end):
        match = _matching_opener(stack, mark) if mark.can_close else None
        if match is not None:
            del stack[match + 1 :]
            opener = stack.pop()
            pairs.append((opener.pos, mark.pos, len(stack)))
        elif mark.can_open:
            stack.append(mark)
    return pairs, bool(stack) and stack[0].pos == start


def _matching_opener(stack: list[_Mark], mark: _Mark) -> int | None:
    """Index of the opener ``mark`` closes, or None when it opens or is an apostrophe."""
    for i in range(len(stack) - 1, -1, -1):
        if _closes(stack[i], mark):
            if mark.can_open and i != len(stack) - 1 and mark.family == "single":
                return None  # ambiguous ' inside a double quotation: leave it open
            return i
    # scraped text mixes styles: a double close may end a single open ('DOGE checks")
    if mark.family == "double" and mark.char not in "\u00ab" and not mark.can_open:
        singles = [i for i, m in enumerate(stack) if m.family == "single" and m.char != "\u201a"]
        if singles and not any(m.family == "double" for m in stack):
            return singles[0]
    return None


def quotation_spans(text: str) -> list[tuple[Span, int]]:
    """Quotation spans (marks included) with their nesting depth, in text order.

    A quotation running over several paragraphs has, by convention, an opening
    mark at the start of each paragraph and a closing mark only at the end of
    the last: each paragraph opened so and followed by another that opens with
    a quotation mark counts as quoted to its end.
    """
    found: list[tuple[Span, int]] = []
    paras = paragraphs(text)
    for i, para in enumerate(paras):
        pairs, open_at_start = _pair_line(text, para.start, para.end)
        for open_pos, close_pos, depth in pairs:
            found.append((Span(open_pos, close_pos + 1), depth))
        following = paras[i + 1] if i + 1 < len(paras) else None
        continued = following is not None and text[following.start] in _MARKS
        if open_at_start and continued and len(para) > 1:
            found = [(s, d + 1) if para.start <= s.start < para.end else (s, d) for s, d in found]
            found.append((Span(para.start, para.end), 0))
    found.sort(key=lambda item: (item[0].start, -item[0].end))
    return found


# --------------------------------------------------------------------------- speakers


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


SPEECH_VERBS = _set(
    """said says say told tells tell stated explained explains explain added adds add
    noted replied replies answered stressed stresses stressing adding noting explaining
    saying stating replying answering wrote writes write declared declares argued argues
    insisted insists warned warns claimed continued continues recalled recalls emphasised
    emphasized emphasising emphasizing remarked commented quipped admitted admits
    acknowledged announced announces urged asserted asserts concluded observed pointed
    responded responds confirmed confirms suggested suggests believes believed thinks
    tweeted posted joked jokes spoke"""
    # Russian: past tense (he, she, they) and present
    """ заявил заявила заявили заявляет сказал сказала сказали говорит отметил отметила
    отметили отмечает подчеркнул подчеркнула подчеркнули подчеркивает добавил добавила
    добавили добавляет пояснил пояснила пояснили поясняет сообщил сообщила сообщили
    рассказал рассказала рассказали уточнил уточнила уточнили ответил ответила ответили
    считает признал признала признался призналась написал написала написали заметил
    заметила напомнил напомнила указал указала предупредил предупредила констатировал
    констатировала высказался высказалась"""
)
_PRONOUNS = _set("he she they we i you it он она они мы я")
_TITLES = _set("mr mrs ms dr prof sir mr. mrs. ms. dr. prof.")
_NOT_NAMES = _set(
    """the a an this that these those it he she they we i you his her their our its
    however but and also meanwhile when while as in on at for after before since then
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday
    это как по в во на об о при однако также ранее позднее между кроме после вместе"""  # noqa: RUF001
)
_WORD = r"[^\W\d_][\w'\u2019\-]*"
_CAP = r"(?:[A-Z\u0400-\u042f][\w'\u2019\-]*\.?)"
_NAME_RUN = re.compile(rf"{_CAP}(?:\s+(?:(?:de|van|von|der|al|bin|da|di|la|le)\s+)?{_CAP})*")
_DESCRIPTION = re.compile(rf"^(?:the|this|that)\s+(?:{_WORD}\s+)?({_WORD})$", re.IGNORECASE)
_WORD_RE = re.compile(_WORD)


def name_key(name: str) -> str | None:
    """The comparable key of a person's name: its last word, case-folded, no 's."""
    words = [w for w in _WORD_RE.findall(name) if w.casefold() not in _TITLES]
    if not words:
        return None
    last = re.sub(r"['\u2019]s?$", "", words[-1])
    return unicodedata.normalize("NFKC", last).casefold() or None


def names_in(text: str) -> list[tuple[Span, str]]:
    """Capitalised name runs in ``text`` (possessives and common words dropped)."""
    found = []
    for match in _NAME_RUN.finditer(text):
        run = match.group().rstrip(".")
        words = run.split()
        while words and words[0].casefold() in _NOT_NAMES:
            words = words[1:]
        if not words or re.search(r"['\u2019]s?$", words[-1]):
            continue
        if len(words) == 1 and words[0].casefold() in _NOT_NAMES | _TITLES:
            continue
        name = " ".join(words)
        start = match.start() + run.index(words[0])
        found.append((Span(start, start + len(name)), name))
    return found


def _subject_before(clause: str) -> str | None:
    """The speaker named just before a speech verb: "Mr Novikov", "the lawmaker", "he"."""
    clause = clause[-_NEAR_VERB:]  # the patterns below are anchored at the end: keep them short
    clause = _drop_aux(clause)
    if clause.rstrip().endswith(","):  # (else the apposition, anchored at a comma, is not there)
        clause = _drop_aux(_APPOSITION.sub(" ", clause))
    tail = clause.rstrip(" ,")
    words = tail.split()
    if words and words[-1].casefold() in _PRONOUNS:
        return words[-1]
    for size in (2, 3):
        candidate = " ".join(words[-size:])
        if len(words) >= size and _DESCRIPTION.match(candidate) and candidate[1:].islower():
            return candidate
    names = names_in(tail)
    if names and names[-1][0].end >= len(tail) - 1:
        return names[-1][1]
    return None


#: characters before a speech verb searched for its subject
_NEAR_VERB = 300
_APPOSITION = re.compile(r",\s+(?:[a-z0-9][^,]*|[A-Z][^,]*\bof\b[^,]*),\s*$")


def _drop_aux(clause: str) -> str:
    """``clause`` without the auxiliary words ending it ("has also", "went on to")."""
    last = clause.rstrip()[-16:].split()  # (16: longer than any of the words)
    if not last or last[-1] not in _AUX_LAST:
        return clause  # (the pattern is anchored at the end: it cannot match)
    cut = max(0, len(clause) - 160)  # a run of them is never longer
    while cut > 0 and not clause[cut - 1].isspace():
        cut -= 1
    return clause[:cut] + _AUX.sub("", clause[cut:])


_AUX_PHRASES = (
    *("also", "then", "later", "further", "went on", "again", "has", "had", "have", "to"),
    *("would", "will", "did", "does", "once", "earlier", "previously", "repeatedly", "simply"),
    *("only", "just", "even", "reportedly", "publicly", "already", "now", "openly", "angrily"),
    *("quickly", "flatly", "firmly"),
)
_AUX = re.compile(r"(?:\s+(?:" + "|".join(_AUX_PHRASES) + r"))+\s*$")
#: the words a clause ending in auxiliaries can end with
_AUX_LAST = frozenset(phrase.split()[-1] for phrase in _AUX_PHRASES)


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (the longest where several fit), as a trie.

    Python's regex engine tries the branches of ``said|says|...`` one by one at
    each position; a trie (``sa(?:id|ys)...``) rejects most positions at once:
    scanning text for speech verbs is three times as fast.

    >>> re.findall(alternation(["say", "said", "says"]), "she says they said")
    ['says', 'said']
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + pattern(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longest word first

    return pattern(trie)


_VERB_RE = re.compile(r"\b(" + alternation(SPEECH_VERBS) + r")\b")
#: a speaker described, not named, after the verb, the clause ending there: "глава региона",
#: "the spokesman" (a reference, resolved as "the lawmaker" is)
_DESCRIBED = re.compile(r"((?:[^\W\d_A-Z\u0410-\u042f\u0401][\w-]*\s*){1,3})(?=[.,;!?]|$)")
#: words of a title in lower case before a speaker's name (no punctuation, a few words)
_TITLE_BEFORE = re.compile(r"(?:[^\W\d_A-Z\u0410-\u042f\u0401][\w-]*\s+){1,6}")


def _speaker_after(trail: str) -> str | None:
    """Speaker right after a quotation: '," Peskov said' / '," said Novikov' / '," he added'."""
    trail = trail.lstrip(" ,.!?;:\u2014\u2013-")
    words = trail.split()
    if not words:
        return None
    if words[0].strip(",.").casefold() in SPEECH_VERBS:
        rest = trail[len(words[0]) :].lstrip()
        names = names_in(rest[:120])
        if names and names[0][0].start <= 4:  # "said Dmitry Novikov", "said Mr Novikov"
            return names[0][1]
        if names and _TITLE_BEFORE.fullmatch(rest[: names[0][0].start]):
            # "said the head of the agency Dmitry Bakanov", "заявил начальник управления
            # МЧС Сергей Рожков": a title in lower case, then the name
            return names[0][1]
        after = [w.strip(",.;:!?") for w in rest.split()[:1]]  # "said he." / "сказал он."
        if after and after[0].casefold() in _PRONOUNS:
            return after[0]
        described = _DESCRIBED.match(rest)  # "сказал глава региона.", "said the spokesman."
        if described and described.group(1).split()[0].casefold() not in _NOT_NAMES - {"the"}:
            phrase = described.group(1).strip()
            return phrase if phrase.casefold().startswith("the ") else f"the {phrase}"
        return None
    verb = _VERB_RE.search(trail[:80])
    if verb is None:
        return None
    prefix = trail[: verb.start()]
    subject = _subject_before(prefix)
    if subject is None or not prefix.lstrip().startswith(subject):
        return None  # the verb belongs to some other clause
    return subject


def _speaker_before(lead: str) -> str | None:
    """Speaker in the text leading into a quotation: 'Novikov replied, "...'."""
    for verb in reversed(list(_VERB_RE.finditer(lead))):
        subject = _subject_before(lead[: verb.start()])
        if subject is None and lead[: verb.start()].rstrip().endswith(","):
            names = names_in(lead[: verb.start()])  # "Peskov refused to comment, stressing,"
            subject = names[-1][1] if names else None
        if subject is not None:
            return subject
    return None


def _is_reference(speaker: str) -> bool:
    """A pronoun or a description that points back to an earlier named speaker."""
    first = speaker.split()[0].casefold()
    return first in _PRONOUNS or first in {"the", "this", "that"}


def speech_subjects(text: str) -> list[tuple[int, str]]:
    """(offset of the verb, speaker key) for each named subject of a speech verb.

    "Davankov said the request..." gives ``(9, "davankov")``.  Pronouns and
    descriptions are left out; they are what this list helps to resolve.
    """
    return list(_speech_subjects(text))


@TextMemo
def _speech_subjects(text: str) -> tuple[tuple[int, str], ...]:
    found = []
    outer = [span for span, depth in quotation_spans(text) if depth == 0]
    verbs = [m.start() for m in _VERB_RE.finditer(text)]  # one scan, not one per sentence
    for sent in sentences(text):
        k = bisect.bisect_left(verbs, sent.start)
        if k == len(verbs) or verbs[k] >= sent.end:
            continue  # no verb (blanking quotations can only remove verbs)
        plain = _outside(text, sent.start, sent.end, outer)  # (it finds the ones inside)
        for verb in _VERB_RE.finditer(plain):
            subject = _subject_before(plain[: verb.start()])
            if subject is not None and not _is_reference(subject):
                key = name_key(subject)
                if key is not None:
                    found.append((sent.start + verb.start(), key))
    return tuple(found)


def _resolve(text: str, speaker: str, pos: int, named: Sequence[tuple[int, str]]) -> str | None:
    """Key of the person a pronoun or description ("the lawmaker") refers to."""
    words = speaker.split()
    if len(words) > 1:  # "the lawmaker" -> nearest "lawmaker Dmitry Novikov" before pos
        noun = re.escape(words[-1])
        pattern = re.compile(rf"\b(?i:{noun})\s+({_NAME_RUN.pattern})")
        last = None
        for match in pattern.finditer(text, 0, pos):
            last = match.group(1)
        if last is not None:
            return name_key(last)
    earlier = [key for at, key in named if at < pos]
    if earlier:
        return earlier[-1]
    people = [n for s, n in names_in(text[:pos]) if len(n.split()) >= 2]  # "Dmitry Novikov"
    return name_key(people[-1]) if people else None


Analysis = tuple[tuple["Quotation", ...], tuple[tuple[int, str], ...] | None]


def analyse(text: str) -> Analysis:
    """Everything this module works out about ``text``, to :func:`remember` elsewhere: its
    quotations, and its speech subjects when finding those needed them (a text with a
    quotation whose speaker is a pronoun; else they are worked out where asked for)."""
    return _find_quotations(text), _speech_subjects.known(text)


def remember(text: str, found: Analysis) -> None:
    """Take :func:`analyse`'s result for ``text`` (computed in another process)."""
    _find_quotations.put((text,), found[0])
    if found[1] is not None:
        _speech_subjects.put((text,), found[1])


def find_quotations(text: str) -> list[Quotation]:
    """All quotations in ``text`` with speakers, in text order (outer before inner)."""
    return list(_find_quotations(text))


@TextMemo
def _find_quotations(text: str) -> tuple[Quotation, ...]:
    spans = quotation_spans(text)
    outer = [span for span, depth in spans if depth == 0]
    sents = sentences(text)
    # the named speakers met so far, for a pronoun's: those of the quotations as they come,
    # and the subjects of speech verbs, worked out only when a pronoun needs them
    quoted: list[tuple[int, str]] = []
    result: list[Quotation] = []
    prev: Quotation | None = None
    for span, depth in spans:
        speaker = key = None
        if depth == 0:
            lead_start = _sentence_start(sents, span.start)
            trail_end = _sentence_end(sents, span.end - 1)
            trail = _outside(text, span.end, trail_end, outer)
            lead = _outside(text, lead_start, span.start, outer)
            speaker = _speaker_after(trail) or _speaker_before(lead.rstrip(" :"))
            if speaker is None and prev is not None and _adjacent(text, sents, prev, span):
                speaker, key = prev.speaker, prev.speaker_key
            elif speaker is not None and _is_reference(speaker):
                named = sorted([*_speech_subjects(text), *quoted])
                key = _resolve(text, speaker, span.start, named)
            elif speaker is not None:
                key = name_key(speaker)
                quoted.append((span.start, key or ""))
        closed = text[span.end - 1] in _MARKS and len(span) > 1
        inner = Span(span.start + 1, span.end - 1 if closed else span.end)
        quotation = Quotation(span, inner, depth, speaker, key)
        result.append(quotation)
        if depth == 0:
            prev = quotation
    return tuple(result)


def sure_quotations(text: str) -> list[Span]:
    """The inner spans of the quotations sure to be ones: top level, in double marks or
    guillemets, closed in their paragraph (scraped text loses closing marks, and an
    apostrophe opens nothing: "In the '90s, ...")."""
    if _MARK_RE.search(text) is None:
        return []
    return [
        q.inner
        for q in find_quotations(text)  # (worked out once)
        if q.depth == 0
        and text[q.span.start] in _DOUBLE
        and text[q.span.end - 1] in _DOUBLE - _OPEN_ONLY
        and len(q.span) > 1
        and "\n" not in text[q.span.start : q.span.end]
    ]


def _outside(text: str, start: int, end: int, spans: Sequence[Span]) -> str:
    """``text[start:end]`` with the stretches ``spans`` (sorted, not overlapping) blanked,
    keeping offsets."""
    pieces = []
    pos = start
    first = max(0, bisect.bisect_right(spans, start, key=_start_of) - 1)
    for span in spans[first : bisect.bisect_left(spans, end, key=_start_of)]:
        a, b = max(span.start, pos), min(span.end, end)
        if a < b:
            pieces += [text[pos:a], " " * (b - a)]
            pos = b
    pieces.append(text[pos:end])
    return "".join(pieces)


def _start_of(span: Span) -> int:
    return span.start


def _sentence_at(sents: Sequence[Span], pos: int) -> Span | None:
    """The sentence holding offset ``pos`` (sentences are sorted and disjoint)."""
    i = bisect.bisect_right(sents, pos, key=_start_of) - 1
    return sents[i] if i >= 0 and sents[i].start <= pos < sents[i].end else None


def _sentence_start(sents: Sequence[Span], pos: int) -> int:
    sent = _sentence_at(sents, pos)
    return pos if sent is None else sent.start


def _sentence_end(sents: Sequence[Span], pos: int) -> int:
    sent = _sentence_at(sents, pos)
    return pos + 1 if sent is None else sent.end


def _adjacent(text: str, sents: Sequence[Span], prev: Quotation, span: Span) -> bool:
    """Whether ``span`` continues ``prev``'s speaker: the next sentence of the same
    paragraph, or a paragraph that opens with it right after ``prev``'s paragraph
    ("...," she said. / "And another thing...")."""
    between = text[prev.span.end : span.start]
    if prev.speaker is None or len(between) >= 200:
        return False
    if "\n" in between:  # one paragraph break (blank lines allowed), span opens its paragraph
        return not between.partition("\n")[2].strip()
    starts = [s.start for s in sents if prev.span.end <= s.start <= span.start]
    return len(starts) <= 1


# --------------------------------------------------------------------------- helpers


def covered(span: Span, quotations: Sequence[Quotation]) -> int:
    """How many characters of ``span`` lie inside a top-level quotation."""
    total = 0
    for q in quotations:
        if q.depth == 0:
            total += max(0, min(span.end, q.span.end) - max(span.start, q.span.start))
    return total


def quoted_share(span: Span, quotations: Sequence[Quotation]) -> float:
    """Share (0-1) of ``span`` that lies inside top-level quotations."""
    return covered(span, quotations) / len(span) if len(span) else 0.0


class Coverage:
    """:func:`quoted_share` for many spans of one text: a bisection, not a scan of
    every quotation per span.

    >>> q = Quotation(Span(4, 10), Span(5, 9), 0)
    >>> Coverage([q]).share(Span(0, 8))
    0.5
    """

    def __init__(self, quotations: Sequence[Quotation]) -> None:
        self._spans = sorted((q.span for q in quotations if q.depth == 0), key=_start_of)
        self._reach = list(itertools.accumulate((s.end for s in self._spans), max))

    def covered(self, span: Span) -> int:
        """:func:`covered`: characters of ``span`` inside a top-level quotation."""
        total = 0
        spans = self._spans
        # from the first quotation reaching past span.start (``_reach`` never decreases)
        for k in range(bisect.bisect_right(self._reach, span.start), len(spans)):
            q = spans[k]
            if q.start >= span.end:
                break
            total += max(0, min(span.end, q.end) - max(span.start, q.start))
        return total

    def share(self, span: Span) -> float:
        """:func:`quoted_share`: the share (0-1) of ``span`` inside top-level quotations."""
        return self.covered(span) / len(span) if len(span) else 0.0


def overlapping(span: Span, quotations: Sequence[Quotation]) -> list[Quotation]:
    """Top-level quotations that overlap ``span``."""
    return [q for q in quotations if q.depth == 0 and _overlap(q.span, span)]


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
