# ruff: noqa: RUF001  (Cyrillic stop words and typographic quotes are intended)
"""Boilerplate removal for plain text produced by other scrapers.

Scraped text has lost its markup, so the cleaner works on lines (blocks) with
shallow features, in the spirit of jusText and boilerpipe.  A block is a
non-empty line, or the lines of one paragraph when the text is wrapped
(html2text and lynx output, or plain text wrapped without blank lines).

1. *Furniture* (``furniture.furniture_reason``): lines recognisable on their own:
   advertising markers, "Read also|..." lines, share/comment widgets,
   subscription and donation appeals, "21 minutes ago" timestamps, link lists,
   copyright lines, and lines the outlet repeats on its pages (``template_lines``).
   Several "Posted by: X | date" lines sign reader comments.
2. *Clean texts*: a text with (almost) no sign of a web page around it (no
   end-of-article marker, at most a couple of furniture lines or menus) is a
   transcript, a report, an essay or a page some other tool has cleaned: all of
   it but its furniture is kept, however long.
3. *Prose classes*: a logistic model over length, stop-word share (English and
   Russian lists), capitalisation, sentence punctuation, digits, quotes and
   commas gives each longer block a prose probability: ``good``, ``near``
   (prose-like) or ``bad``; blocks under ``text_length_low`` are ``short``.
   Short blocks then take the class of their neighbours (jusText's smoothing).
4. *Main region*: the densest run of prose (Kadane over signed block lengths),
   with runs after an end-of-article marker ("Comments", "Related Articles", "A
   Message from X:") discounted, so a long dump of related stories or comments
   does not win over the article.  The region then
   grows over the short paragraphs next to it that read as sentences (breaking
   news told a sentence a paragraph, an interview's questions and answers, a list
   a sentence introduces), and over gaps (a gallery, an inline box) to any further
   run of good prose that no end marker separates, or that follows a box under a
   marker (a "Trending" box inside the article).
5. *Repetition and metadata*: a paragraph scraped twice is kept once; the
   headline (repeated, or the headline-shaped line above the body) becomes
   ``title`` and a byline becomes ``author``.

``residual=True`` removes only furniture recognisable on sight (the reasons in
``furniture.RESIDUAL_REASONS``) and paragraphs scraped twice: it runs on
trafilatura's output, where position and density have already been judged, and
must not cost recall there.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from provenance.extract import furniture as shapes
from provenance.extract.furniture import STOP_WORDS, furniture_reason
from provenance.extract.templates import normalize_line
from provenance.models import Extraction, Piece, Removed
from provenance.settings import ExtractSettings

__all__ = ["clean_text", "furniture_reason"]

#: a line's furniture reason, asked for twice a line (joining wrapped lines, then classifying
#: blocks) and for an outlet's lines on every page
_furniture = functools.lru_cache(maxsize=8192)(furniture_reason)

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"


_LINE_RE = re.compile(r"[^\r\n]+")
_WORD_RE = re.compile(r"\w+")
_SENT_END_RE = re.compile(r"[.!?…:;][\"'”’»)\]]*(\s*\([^()]{1,200}\))?$")
_SENT_INNER_RE = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(]?[A-ZА-ЯЁ]")
#: the capitals that make a word count as capitalised (Latin, Latin-1, Cyrillic)
_UPPER_STARTS = frozenset(c for c in map(chr, range(0x500)) if re.match("[A-ZÀ-ÖØ-ÞА-ЯЁ]", c))
_DIGIT_RE = re.compile(r"\d")

#: what a run after an end-of-article marker counts for (a related-articles heading
#: announces other stories outright; a comment or share widget less surely ends the text)
_DISCOUNT = {"related-articles": 1 / 5, "appeal": 1 / 3, "comments": 1 / 3, "widget": 1 / 3}
#: a kept block this long is dropped when it repeats, wherever the copy is
_LONG_DUPLICATE = 200
#: at most this many lines in an inline related-articles box (see ``_bridge``)
_BOX_LINES = 6
#: a line of this many words at most is short (see RESIDUAL_IF_SHORT)
_SHORT_LINE_WORDS = 12
#: this many good blocks in a row, beyond the main region and no end marker between, resume it
_RESUME = 3
#: a line this long that breaks off mid-sentence, followed by one in lower case, was wrapped
_WRAPPED_MIN = 40
#: ... and a text is wrapped throughout when such lines carry this share of its characters
_WRAPPED_SHARE = 0.3
#: a text is clean when it has at most this many signs of page furniture, or one per this
#: many blocks (see ``_clean_document``)
_CLEAN_SIGNS, _CLEAN_BLOCKS_PER_SIGN = 2, 50
#: ... where this many menu-like lines in a row (``furniture.nav_label``) are one sign
_NAV_RUN = 3


@dataclass(slots=True)
class _Block:
    start: int
    end: int
    text: str
    words: int = 0
    stop: float = 0.0
    caps: float = 0.0
    sentences: int = 0
    prob: float = 0.0
    reason: str | None = None


def _blocks(text: str) -> list[_Block]:
    """Non-empty lines, stripped, with the lines of a wrapped paragraph joined into one block.

    In html2text/lynx output (``_hard_wrapped``) every line of
    ``_WRAPPED_MIN`` characters or more goes on in the next line, unless a blank
    line is between (a menu or a list keeps a block per item); otherwise lines
    join where a sentence goes on (``_wrapped_joins``).
    """
    lines = []
    for match in _LINE_RE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + (len(raw) - len(raw.lstrip()))
            lines.append(_Block(start, start + len(stripped), stripped))
    adjacent = [
        n > 0 and text.count("\n", lines[n - 1].end, lines[n].start) == 1 for n in range(len(lines))
    ]
    if _hard_wrapped(text, lines):
        joins = [adj and len(lines[n - 1].text) >= _WRAPPED_MIN for n, adj in enumerate(adjacent)]
    else:
        joins = _wrapped_joins(lines, adjacent)
    blocks: list[_Block] = []
    for line, join in zip(lines, joins, strict=True):
        if join:
            blocks[-1] = _Block(blocks[-1].start, line.end, text[blocks[-1].start : line.end])
        else:
            blocks.append(line)
    return blocks


def _wrapped_joins(lines: Sequence[_Block], adjacent: Sequence[bool]) -> list[bool]:
    """Which lines go on from the line before, in text wrapped without blank lines between
    paragraphs.

    A line of ``_WRAPPED_MIN`` characters or more that breaks off mid-sentence
    goes on in the next line when that starts in lower case.  When such lines
    carry ``_WRAPPED_SHARE`` of the text, it is wrapped throughout (often at
    uneven widths): any line that breaks off mid-sentence goes on in a next line
    in lower case, and a long one after a lower-case word or a comma in any next line.
    """
    texts = [line.text for line in lines]
    broken = [
        n for n in range(1, len(texts)) if adjacent[n] and _breaks_off(texts[n - 1], texts[n])
    ]
    if not broken:
        return [False] * len(texts)
    wrapped = sum(len(texts[n - 1]) for n in broken) >= _WRAPPED_SHARE * sum(map(len, texts))
    return [
        adjacent[n] and _goes_on(texts[n - 1], texts[n], wrapped=wrapped) for n in range(len(texts))
    ]


def _breaks_off(a: str, b: str) -> bool:
    """True when line ``a`` stops mid-sentence and line ``b`` goes on in lower case."""
    return b[:1].islower() and _SENT_END_RE.search(a) is None


def _goes_on(a: str, b: str, *, wrapped: bool) -> bool:
    if _breaks_off(a, b):
        joins = wrapped or len(a) >= _WRAPPED_MIN
    else:  # "... I go to the" + "Horned Dorset every year": a wrapped line ends mid-phrase
        joins = wrapped and len(a) >= _WRAPPED_MIN and (a[-1].islower() or a[-1] in ",-–")
    return joins and _furniture(a) is None and _furniture(b) is None


def _hard_wrapped(text: str, lines: Sequence[_Block]) -> bool:
    """True for html2text/lynx-style output: lines cut at a fixed width, blank lines between."""
    long = [line for line in lines if len(line.text) >= 40]
    if len(long) < 6 or "\n\n" not in text.replace("\r", ""):
        return False
    width = max(len(line.text) for line in lines)
    if width > 100:
        return False
    cut = sum(1 for line in long if not _SENT_END_RE.search(line.text))
    full = sum(1 for line in long if len(line.text) >= width - 20)
    return 2 * cut >= len(long) and 3 * full >= len(long)


def _measure(block: _Block) -> None:
    text = block.text
    found = _WORD_RE.findall(text)
    words = block.words = len(found)
    if words:
        lowered = text.lower()
        # the words lower-cased are the lower-case text's words, unless a letter's lower
        # case is longer (Turkish İ): then that text is cut into words again
        low = map(str.lower, found) if len(lowered) == len(text) else _WORD_RE.findall(lowered)
        block.stop = sum(map(STOP_WORDS.__contains__, low)) / words
        # the words that start with a letter (not a digit or _), and the capitalised ones
        firsts = [w[0] for w in found]
        alpha = words - sum(1 for c in firsts if c.isdecimal() or c == "_")
        if alpha:
            block.caps = sum(map(_UPPER_STARTS.__contains__, firsts)) / alpha
    block.sentences = len(_SENT_INNER_RE.findall(text)) + bool(_SENT_END_RE.search(text))


# Logistic model of "this block is article text" for blocks of at least
# ``text_length_low`` characters that no furniture rule caught.  Fitted (character-
# weighted, L2) on the scraped-text rendering of half of L3S-GN1 (even-numbered
# pages, sorted by id) and checked on the other half; see bench/l3s.py.
# Features, on raw scales: natural log of characters, stop-word share, share of
# capitalised words, log(1 + sentences), ends like a sentence, digit share (capped
# at 0.25), log(1 + words), mean word length / 10, contains "|" (see _pipes), ends with an
# ellipsis (a teaser), contains quotation marks, commas and semicolons per word.
# fmt: off
_PROSE_WEIGHTS = (
    0.93, 2.487, -0.787, -1.134, 3.25, 9.637, 0.63, -1.169, -8.068, -2.324, 0.651, 1.691,
)
# fmt: on
_PROSE_BIAS = -7.826
_QUOTES = '"“”«»'
#: a bar in every this many characters (or fewer) makes a block fully a "contains |" block
_PIPE_CHARS = 250


def _pipes(text: str, length: int) -> float:
    """The "contains |" feature, for a long block by its density: a menu or breadcrumb
    line ("Home | News | World") has a bar every few words, a long paragraph with a
    stray table rule ("| | |") a few in thousands of characters (not a menu)."""
    bars = text.count("|")
    return min(1.0, bars * _PIPE_CHARS / length) if bars else 0.0


def _prose_probability(block: _Block) -> float:
    text = block.text
    length = len(text)
    words = max(block.words, 1)
    features = (
        math.log(length),
        block.stop,
        block.caps,
        math.log1p(block.sentences),
        1.0 if _SENT_END_RE.search(text) else 0.0,
        min(len(_DIGIT_RE.findall(text)) / length, 0.25),
        math.log1p(block.words),
        length / words / 10,
        _pipes(text, length),
        1.0 if text.endswith(("...", "…")) else 0.0,
        1.0 if any(q in text for q in _QUOTES) else 0.0,
        (text.count(",") + text.count(";")) / words,
    )
    z = _PROSE_BIAS + sum(w * f for w, f in zip(_PROSE_WEIGHTS, features, strict=True))
    return 1 / (1 + math.exp(min(-z, 700.0)))  # a 100k-character "word" overflows exp


def _initial_class(block: _Block, s: ExtractSettings) -> str:
    if block.reason is not None:
        return BAD
    if len(block.text) < s.text_length_low:
        return SHORT
    block.prob = _prose_probability(block)
    if block.prob >= s.text_prose_good:
        return GOOD
    if block.prob >= s.text_prose_near:
        return NEAR
    return BAD


#: furniture that stands inside an article as often as around it (a caption, a cookie or
#: paywall notice): removed, but no gap in the prose (a notice pattern matching a sentence
#: of an op-ed on paywalls lost that sentence, not the paragraphs around it too)
_WEIGHTLESS = frozenset(("notice", "caption"))


def _weight(block: _Block, cls: str, s: ExtractSettings) -> float:
    """Signed prose mass of a block for the main-region search.

    Furniture and short blocks weigh minus their length; longer blocks between
    minus their length and minus half of it below ``text_prose_near``, and
    between half and all of their length above it, by prose probability.
    """
    length = float(len(block.text))
    if block.reason in _WEIGHTLESS:
        return 0.0
    if cls == SHORT or block.reason is not None:
        return -length
    c = s.text_prose_near
    if block.prob >= c:
        return length * (0.5 + 0.5 * (block.prob - c) / (1 - c))
    return length * (-0.5 + 0.5 * (block.prob - c) / c)


def _nearest(classes: Sequence[str], skip: tuple[str, ...], step: int) -> list[str]:
    """For each block, the class of the nearest block in direction ``step`` not in ``skip``."""
    out = [BAD] * len(classes)
    order = range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1)
    last = BAD
    for i in order:
        out[i] = last
        if classes[i] not in skip:
            last = classes[i]
    return out


def _smooth(classes: list[str]) -> list[str]:
    """jusText's context-sensitive pass: short and near-good blocks follow their neighbours."""
    prev, nxt = _nearest(classes, (SHORT, NEAR), -1), _nearest(classes, (SHORT, NEAR), 1)
    prev_near, next_near = _nearest(classes, (SHORT,), -1), _nearest(classes, (SHORT,), 1)
    out = list(classes)
    for i, cls in enumerate(classes):
        if cls == SHORT:
            if prev[i] == nxt[i]:
                out[i] = prev[i]
            elif (prev[i] == BAD and prev_near[i] == NEAR) or (
                nxt[i] == BAD and next_near[i] == NEAR
            ):
                out[i] = GOOD
            else:
                out[i] = BAD
        elif cls == NEAR:
            out[i] = BAD if prev[i] == nxt[i] == BAD else GOOD
    return out


def _ends_article(block: _Block) -> bool:
    return block.reason is not None and shapes.ends_article(block.text, block.reason)


def _main_region(
    blocks: Sequence[_Block], classes: Sequence[str], settings: ExtractSettings
) -> tuple[int, int]:
    """Half-open index range of the densest run of prose.

    Kadane's maximum-sum run over block weights (prose mass positive, the rest
    negative), restarted at section markers; a run that follows an
    end-of-article marker ("Comments", "Related Articles", an appeal) counts
    for a third (a fifth after a related-articles heading), because what
    follows such a marker is rarely the article.
    """
    best, best_range = 0.0, (0, 0)
    run, run_start, discount = 0.0, 0, 1.0
    for i, (block, cls) in enumerate(zip(blocks, classes, strict=True)):
        if _ends_article(block):
            run, run_start = 0.0, i + 1
            if best > 0:
                discount = min(discount, _DISCOUNT.get(block.reason or "", 1 / 3))
            continue
        weight = _weight(block, cls, settings)
        if run + weight <= 0:
            run, run_start = 0.0, i + 1
            continue
        run += weight
        if run * discount > best:
            best, best_range = run * discount, (run_start, i + 1)
    return best_range


def _bridge(
    blocks: Sequence[_Block], classes: Sequence[str], hi: int, settings: ExtractSettings
) -> int:
    """Extend the region over an inline related-articles box the article resumes after.

    The box is a related-articles heading right after the region, then one to
    ``_BOX_LINES`` short lines; the article resumes when two good blocks follow
    in a row.  (A dump of related stories after the article alternates short
    lines with single paragraphs, or has no headlines at all, so it is not bridged.)
    """
    n = len(blocks)
    if hi >= n or blocks[hi].reason != "related-articles":
        return hi
    i = hi + 1
    while i < n and i - hi <= _BOX_LINES and classes[i] != GOOD:
        if len(blocks[i].text) > 100 or _ends_article(blocks[i]):
            return hi
        i += 1
    if i == hi + 1 or i + 1 >= n or classes[i] != GOOD or classes[i + 1] != GOOD:
        return hi  # no box (the heading announces the stories that follow) or no article
    box = [b.text for b in blocks[hi + 1 : i]]
    if _echoes(blocks[i].text, box) or _echoes(blocks[i + 1].text, box):
        return hi  # the box's stories told under it: teasers, not the article going on
    return _run_on(blocks, classes, i, settings)[0]


def _run_on(
    blocks: Sequence[_Block],
    classes: Sequence[str],
    start: int,
    settings: ExtractSettings,
    step: int = 1,
) -> tuple[int, float]:
    """Where the densest run of prose that begins at ``start`` and goes in direction
    ``step`` ends (the index past it; ``start`` when the prose there weighs nothing),
    and what it weighs: Kadane's run from a fixed start, up to an end marker."""
    run, end, best = 0.0, start, 0.0
    j = start
    while 0 <= j < len(blocks) and not _ends_article(blocks[j]):
        run += _weight(blocks[j], classes[j], settings)
        if run <= 0:
            break
        if run > best:
            best, end = run, j + step
        j += step
    return end, best


def _introduces(block: _Block) -> bool:
    """A sentence that introduces a list: "The key posts are:" (not a label in capitals,
    "LATEST NEWS:", nor a form's "Article from:")."""
    return (
        block.reason is None and block.text.endswith(":") and block.words >= 4 and block.caps <= 0.5
    )


def _sentences_on(
    blocks: Sequence[_Block],
    initial: Sequence[str],
    classes: list[str],
    region: tuple[int, int],
    settings: ExtractSettings,
) -> tuple[int, int]:
    """Grow the region over the short paragraphs next to it that read as sentences
    (one-sentence paragraphs of breaking news, an interview's questions and answers), or
    that the smoothing made good and end like a sentence ("A: Sleep."), or that are the
    items of a list a sentence introduces ("The key posts are:"); mark them good.

    Kadane weighs a short block minus its length, so a few short paragraphs end the
    region however plainly they go on with the article.  (Weighing them nothing in
    Kadane's search instead let the region run on over the prose-like footers and
    notices under many pages of L3S-GN1.)  Past the short paragraphs, the prose beyond
    joins when it weighs more than it costs (``_run_on``), and so on.
    """
    lo, hi = region
    n = len(blocks)

    def short(i: int) -> bool:
        return 0 <= i < n and blocks[i].reason is None and initial[i] == SHORT

    def accepted(first: int, last: int) -> list[bool]:
        """Which of the short blocks ``first..last`` read on as the article's."""
        listed = first > 0 and _introduces(blocks[first - 1])
        out = []
        for i in range(first, last + 1):
            block = blocks[i]
            out.append(
                (
                    listed
                    or shapes.sentence_like(block)
                    or (classes[i] == GOOD and _SENT_END_RE.search(block.text) is not None)
                )
                and not shapes.site_voice(block.text)  # ("Email our newsroom.", cookies)
            )
            listed = listed or _introduces(block)
        return out

    for step in (1, -1):
        edge = hi if step > 0 else lo - 1
        while True:
            far = edge
            while short(far + step):
                far += step
            if not short(edge):
                break
            first, last = min(edge, far), max(edge, far)
            ok = accepted(first, last)
            # the blocks that go on from the region without a break
            span = range(edge, far + step, step)
            taken = [i for i in span if ok[i - first]]
            stop = next((i for i in span if not ok[i - first]), None)
            if stop is not None:
                taken = [i for i in taken if (i - stop) * step < 0]
            if not taken:
                break
            for i in taken:
                classes[i] = GOOD
            # the prose past them joins when it weighs more than they cost (as in Kadane's
            # run): a bio's or a notice's paragraph after a few short lines does not
            cost = -sum(_weight(blocks[i], initial[i], settings) for i in taken)
            beyond, weight = _run_on(blocks, initial, taken[-1] + step, settings, step)
            edge = beyond if weight > cost else taken[-1] + step
            if edge == taken[-1] + step:
                break
        hi, lo = (edge, lo) if step > 0 else (hi, edge + 1)
    return lo, hi


def _extend(blocks: Sequence[_Block], classes: Sequence[str], lo: int, hi: int) -> tuple[int, int]:
    """Grow the region ``[lo, hi)`` to every further run of ``_RESUME`` good blocks in a
    row that no end-of-article marker separates from it (or only markers the article
    resumes after).

    Kadane's run ends where a gap (a gallery, an inline box, a stretch of short
    lines) costs more than the prose beyond it weighs; but an article that goes
    on after such a gap is still the article.  An end marker ("Comments",
    "Related Articles") says that what follows is something else, unless the
    article plainly resumes after it (``_resumes``).
    """
    n = len(blocks)
    for step in (1, -1):
        i = hi if step > 0 else lo - 1
        while 0 <= i < n:
            if _ends_article(blocks[i]):
                if not _resumes(blocks, classes, i, step):
                    break
                i += step
                continue
            j = i
            while 0 <= j < n and classes[j] == GOOD:
                j += step
            if abs(j - i) >= _RESUME:
                hi, lo = (j, lo) if step > 0 else (hi, j + 1)
                i = j
            else:
                i += step
    return lo, hi


#: the markers after which nothing is the article's again: reader comments, a donation appeal
_NO_RESUME = frozenset(("comments", "appeal"))
#: a box under a marker has this many short lines at least
_BOX_MIN = 2


def _resumes(blocks: Sequence[_Block], classes: Sequence[str], marker: int, step: int) -> bool:
    """True when the article goes on past the end marker at ``marker`` (in direction
    ``step``): the marker heads a box (short lines, furniture: "Trending" over numbered
    headlines, "Related links" over a few titles), and the first good block past the box,
    before any other marker, opens a run of ``_RESUME`` good blocks.

    Reader comments and related stories alternate with names, dates and headlines and
    hardly ever make such a run.  Prose right under the marker is not taken for the
    article's: a "Comments" or "Related Articles" heading over paragraphs of comments or
    of other stories looks the same as a subheading that reads like a marker.
    """
    if blocks[marker].reason in _NO_RESUME:
        return False  # (under "Comments (12)" and "Sort by: Newest", comments in prose)
    n = len(blocks)
    j = marker + step
    while 0 <= j < n and classes[j] != GOOD and not _ends_article(blocks[j]):
        j += step
    if abs(j - marker) <= _BOX_MIN:
        return False  # no box: a line or two under the marker (a sort or login line)
    k = j
    while 0 <= k < n and classes[k] == GOOD:
        k += step
    if abs(k - j) < _RESUME:
        return False
    # teasers of the box's headlines ("Oil prices slip" over "Oil prices slipped on Friday
    # as ..."): other stories, not the article going on
    box = [blocks[i].text for i in range(marker + step, j, step)]
    return not any(_echoes(blocks[i].text, box) for i in range(j, k, step))


def _echoes(text: str, headlines: Sequence[str]) -> bool:
    """Does a paragraph open with most content words of one of ``headlines`` (a teaser
    retells its headline; the article going on past a box may share a word or two of
    its topic with a related headline)?"""
    opening = _content_keys(" ".join(text.split()[:12]))
    for headline in headlines:
        keys = _content_keys(headline)
        if len(keys) >= 2 and len(keys & opening) >= _ECHO_SHARE * len(keys):
            return True
    return False


#: a teaser's opening holds this share of its headline's content words
_ECHO_SHARE = 0.75


def _content_keys(text: str) -> set[str]:
    """Content words cut to four letters ("slip", "slipped" alike)."""
    return {w[:4] for w in _WORD_RE.findall(text.lower()) if len(w) >= 4 and w not in STOP_WORDS}


def _assemble(blocks: Sequence[_Block], keep: Sequence[bool], **meta: str | None) -> Extraction:
    parts: list[str] = []
    pieces: list[Piece] = []
    removed: list[Removed] = []
    offset = 0
    for block, kept in zip(blocks, keep, strict=True):
        if kept:
            if parts:
                offset += 2
            pieces.append(Piece(offset, block.start, block.end - block.start))
            parts.append(block.text)
            offset += len(block.text)
        else:
            removed.append(
                Removed(block.text, block.reason or "boilerplate", block.start, block.end)
            )
    return Extraction(text="\n\n".join(parts), removed=tuple(removed), pieces=tuple(pieces), **meta)


def _unknown_language(blocks: Sequence[_Block]) -> bool:
    """True when even the long blocks have almost no stop words of the lists we know."""
    words = stop = 0.0
    for block in blocks:
        if len(block.text) >= 100:
            words += block.words
            stop += block.stop * block.words
    return words >= 30 and stop / words < 0.08


def _classify(blocks: list[_Block], settings: ExtractSettings) -> tuple[list[bool], int, int, bool]:
    """Which blocks are body text, the region ``[lo, hi)`` where the body starts at ``lo``,
    and whether the text is clean (see ``_clean_document``)."""
    shapes.mark_comment_signatures(blocks)
    for block in blocks:
        if block.reason is None:
            _measure(block)
    if _unknown_language(blocks):
        for block in blocks:  # language-neutral stand-in: sentences in lower case read as prose
            block.stop = 0.4 if block.sentences and block.caps < 0.5 else 0.1
    initial = [_initial_class(b, settings) for b in blocks]
    if _clean_document(blocks):  # all but furniture; the body starts at the first prose
        first = next((i for i, cls in enumerate(initial) if cls in (GOOD, NEAR)), 0)
        return _all_but_furniture(blocks), first, len(blocks), True
    classes = _smooth(initial)
    lo, hi = _main_region(blocks, initial, settings)
    hi = _bridge(blocks, initial, hi, settings)
    lo, hi = _sentences_on(blocks, initial, classes, (lo, hi), settings)
    lo, hi = _extend(blocks, initial, lo, hi)
    keep = [
        lo <= i < hi and block.reason is None and (cls == GOOD or initial[i] in (GOOD, NEAR))
        for i, (block, cls) in enumerate(zip(blocks, classes, strict=True))
    ]
    _adopt_sentences(blocks, keep)
    if not any(keep):  # no prose region (a one-line flash, a short note): keep its sentences
        keep = [b.reason is None and shapes.sentence_like(b) for b in blocks]
    return keep, lo, hi, False


def _clean_document(blocks: Sequence[_Block]) -> bool:
    """True for a text that shows no sign of a web page around it: a transcript, a report,
    an essay, a page some other tool has already cleaned.

    An end-of-article marker ("Comments", "Related Articles") rules it out: what
    follows is not the text.  Other signs are furniture lines, and every
    ``_NAV_RUN`` consecutive lines shaped like menu items (``furniture.nav_label``).
    A text with at most ``_CLEAN_SIGNS`` signs, or one per ``_CLEAN_BLOCKS_PER_SIGN``
    blocks, has nothing to remove but that furniture.
    """
    signs = run = 0
    for block in blocks:
        if _ends_article(block):
            return False
        signs += block.reason is not None
        if shapes.nav_label(block.text):
            run += 1
            signs += run % _NAV_RUN == 0
        else:
            run = 0
    return signs <= max(_CLEAN_SIGNS, len(blocks) // _CLEAN_BLOCKS_PER_SIGN)


def _all_but_furniture(blocks: Sequence[_Block]) -> list[bool]:
    """Every block but furniture and the short labels that reach it through other labels
    ("News" under "Home")."""
    n = len(blocks)
    keep = [block.reason is None for block in blocks]
    for order, step in ((range(1, n), -1), (range(n - 2, -1, -1), 1)):
        for i in order:
            if keep[i] and not keep[i + step] and shapes.nav_label(blocks[i].text):
                keep[i] = False
    return keep


def _adopt_sentences(blocks: Sequence[_Block], keep: list[bool]) -> None:
    """Keep a short, plain sentence or a credit line next to body text
    ("AFP contributed reporting.", "Reporting by X; Editing by Y")."""
    adopted = []
    for i, block in enumerate(blocks):
        if (
            not keep[i]
            and block.reason is None
            and (shapes.sentence_like(block) or shapes.CREDIT_RE.fullmatch(block.text) is not None)
            and ((i > 0 and keep[i - 1]) or (i + 1 < len(blocks) and keep[i + 1]))
        ):
            adopted.append(i)
    for i in adopted:
        keep[i] = True


def _explain(blocks: Sequence[_Block], keep: Sequence[bool], lo: int, hi: int) -> None:
    """Give every dropped block without a reason yet the reason it went."""
    for i, block in enumerate(blocks):
        if not keep[i] and block.reason is None:
            block.reason = shapes.weak_reason(block.text) if lo <= i < hi else "far-from-prose"


def _drop_duplicates(blocks: Sequence[_Block], keep: list[bool], min_chars: int) -> None:
    """Drop kept blocks that repeat an earlier kept block the way a scraper repeats.

    A copy counts when it is long (a paragraph is never legitimately printed
    twice), close to the first copy (scraped twice in a row), or part of a
    repeated sequence (the next block repeats too).  A short line repeated far
    apart, like the same question in each part of an interview, stays.
    """
    first: dict[str, int] = {}
    kept = [i for i, k in enumerate(keep) if k]
    keys = [_copy_key(blocks[i].text) for i in kept]
    for n, i in enumerate(kept):
        text = keys[n]
        if len(blocks[i].text) < min_chars:
            continue
        if text not in first:
            first[text] = n
            continue
        m = first[text]
        nxt = keys[n + 1] if n + 1 < len(kept) else None
        if (
            len(text) >= _LONG_DUPLICATE
            or n - m <= 3
            or (nxt is not None and m + 1 < len(kept) and keys[m + 1] == nxt)
            or (n > 0 and m > 0 and keys[n - 1] == keys[m - 1])
        ):
            keep[i], blocks[i].reason = False, "duplicate"


#: quotation marks and apostrophes, each as the plain one (a pull quote set in other marks)
_MARKS = str.maketrans("\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a", '"""""\'\'\'')


def _copy_key(text: str) -> str:
    """A block as copies of it are compared: quotation marks and white space folded."""
    return " ".join(text.translate(_MARKS).split())


def _drop_headline(blocks: Sequence[_Block], keep: list[bool], headlines: Collection[str]) -> None:
    """The first block left is the page's headline (its title or <h1>, as the page gives
    it) when it reads the same: the headline, not the article's text (a headline matched
    another outlet's as a copied passage)."""
    wanted = {normalize_line(h) for h in headlines if h and h.strip()} - {""}
    kept = [i for i, k in enumerate(keep) if k]
    # (a flash's one paragraph may be its headline: the text, then; so is a long one)
    if (
        wanted
        and len(kept) > 1
        and len(blocks[kept[0]].text.split()) <= _HEADLINE_WORDS
        and normalize_line(blocks[kept[0]].text) in wanted
    ):
        keep[kept[0]], blocks[kept[0]].reason = False, "title"


#: the most words of a headline dropped from the top of a page's text
_HEADLINE_WORDS = 20


def _metadata(
    blocks: Sequence[_Block], keep: list[bool], start: int, *, clean: bool
) -> tuple[str | None, str | None]:
    """Move the title and the byline out of the body (from ``start`` on); return them.

    In a ``clean`` text a heading is the text's own unless it is marked as an
    article's headline: repeated, or with a byline or a date next to it.
    """
    first = next((i for i, kept in enumerate(keep) if kept and i >= start), len(blocks))
    counts: dict[str, int] = {}
    for block in blocks:
        counts[block.text] = counts.get(block.text, 0) + 1
    title = author = None
    t = shapes.find_title(blocks, first, counts)
    if t is not None and clean and counts[blocks[t].text] == 1 and not shapes.signed(blocks, t):
        t = None
    if t is not None:
        title = blocks[t].text
        for i, block in enumerate(blocks):
            if block.text == title:
                keep[i], block.reason = False, "title"
    first_body = next((i for i, kept in enumerate(keep) if kept), len(blocks))
    near_title = [
        i
        for i in range(first_body + 4)
        if t is not None and i < len(blocks) and blocks[i].text == title
    ]
    lo = max(0, min([*near_title[:1], first_body]) - 4)
    hi = min(len(blocks), max([*near_title[-1:], first_body]) + 1)
    a = shapes.find_author(blocks, lo, hi, t, None if clean else first_body)
    if a is not None:
        author = shapes.byline_name(blocks[a].text)
        keep[a], blocks[a].reason = False, "byline"
    return title, author


def _check(settings: ExtractSettings) -> None:
    if not 0 < settings.text_prose_near <= settings.text_prose_good < 1:
        raise ValueError(
            "need 0 < text_prose_near <= text_prose_good < 1, got "
            f"{settings.text_prose_near} and {settings.text_prose_good}"
        )
    if settings.text_length_low < 1:
        raise ValueError(f"text_length_low must be at least 1, got {settings.text_length_low}")


def clean_text(
    text: str,
    *,
    settings: ExtractSettings = ExtractSettings(),  # noqa: B008 - frozen, safe default
    template_lines: frozenset[str] = frozenset(),
    residual: bool = False,
    headlines: Collection[str] = (),
) -> Extraction:
    """The main text of scraped plain ``text``, with what was removed and why.

    ``template_lines`` are normalised lines (see ``templates.normalize_line``)
    learnt as template for this outlet.  ``residual=True`` removes only
    recognisable furniture and exact duplicate paragraphs (for trafilatura's
    output); otherwise density, context and position decide as well, and the
    title and byline go to metadata.
    """
    _check(settings)
    blocks = _blocks(text)
    for block in blocks:
        block.reason = _furniture(block.text)
        if residual and block.reason not in shapes.RESIDUAL_REASONS:
            # (a short line that is only a copyright is no body text: "© 2025 TASS. All
            # rights reserved." under a reprint)
            short = (
                block.reason in shapes.RESIDUAL_IF_SHORT
                and len(_WORD_RE.findall(block.text)) <= _SHORT_LINE_WORDS
                and shapes.COPYRIGHT_NOTICE.search(block.text) is not None
            )
            block.reason = block.reason if short else None
        if block.reason is None and template_lines and normalize_line(block.text) in template_lines:
            block.reason = "template"
    if residual:
        keep = [block.reason is None for block in blocks]
        _drop_headline(blocks, keep, headlines)
        _drop_duplicates(blocks, keep, 30)
        return _assemble(blocks, keep)
    keep, lo, hi, clean = _classify(blocks, settings)
    title, author = _metadata(blocks, keep, lo, clean=clean)
    _drop_duplicates(blocks, keep, 1)
    _explain(blocks, keep, lo, hi)
    out = _assemble(blocks, keep, title=title, author=author)
    return replace(out, language=shapes.guess_language(out.text)) if out.text else out
