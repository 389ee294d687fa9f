"""Aligned passages -> quote or prose, altered quotations, credited or not.

:func:`classify` takes the passages ``align.py`` found between a target and a
source text and fills the fields the aligner leaves alone:

``quote``
    The passage is a *shared quotation*, not copied prose: most of it lies
    inside quotation marks in both texts.  A passage whose target side mixes
    quoted and unquoted *sentences* is first cut into runs of each (every source
    sentence follows the run it shares most content words with;
    ``extra["split_from"]`` keeps the original target span).  What cannot be cut
    so (a quotation and its attribution in one sentence) is marked by majority:
    over half of its characters quoted on each side.  The quoted share of the
    target side is kept in ``extra["quoted_share"]``.
``altered_quote``
    The passage overlaps a quotation on each side, both quotations have the same
    speaker (or, when it pairs one quotation of each text, no two different speakers are
    named: "the Kremlin spokesman noted" for "Peskov said"), and the wording differs
    materially: words replaced, added or
    dropped inside the quotation, beyond case, punctuation, contractions and
    dotted abbreviations.  Quoting only part of the source's quotation is an
    excerpt, not an alteration.  Consecutive quotations of one speaker in one
    paragraph are compared as one statement.  A same-speaker quotation pair that
    no aligned passage covers, but whose content words agree
    (``min_quote_overlap``), is added as a passage of its own with
    ``extra["origin"] = "quotation"``: quotations reworded by a translator are
    often too different for the prose aligner and are exactly what to report.
``credited``, ``credit_text``, ``credited_source``
    The credit that covers the target side (:func:`attribution.credit_for`).
    ``credited`` is True for an explicit or "contributed" credit naming the
    source (any named source when ``source_name`` is None).  A vague credit
    ("Russian state media") fills ``credit_text`` but leaves ``credited``
    False; ``extra["credit_kind"]`` says which it was.

:func:`credited_material` finds what a text credits to sources whose own text
is not at hand (TASS has no article in the corpus): the sentences and
quotations a credit to such a source covers.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import re
from collections.abc import Collection, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache

from provenance.align import similarity
from provenance.attribution import (
    Credit,
    Level,
    SourceRegistry,
    find_credits,
    ranked_credits,
    same_outlet,
)
from provenance.models import Passage, PassageKind, Span
from provenance.quotes import Coverage, Quotation, find_quotations
from provenance.segment import (
    STOP_WORDS,
    TEXT_CACHE,
    normalized_text,
    sentence_starts,
    sentences,
    stem,
    terms,
    words,
)
from provenance.settings import AlignSettings, ClassifySettings

_DEFAULT = ClassifySettings()
_ALIGN = AlignSettings()


@dataclass(frozen=True, slots=True)
class Statement:
    """Consecutive quotations of one speaker in one paragraph."""

    span: Span
    speaker_key: str
    text: str  # the quoted words, joined by spaces
    parts: tuple[Span, ...]  # the quotations' spans


@lru_cache(maxsize=TEXT_CACHE)
def _statements(text: str) -> tuple[Statement, ...]:
    return tuple(statements(text, find_quotations(text)))


def statements_in(text: str) -> tuple[Statement, ...]:
    """The statements of ``text`` (worked out once per text)."""
    return _statements(text)


def statements(text: str, quotations: Sequence[Quotation]) -> list[Statement]:
    """Group top-level quotations with a known speaker into statements."""
    groups: list[list[Quotation]] = []
    for q in quotations:
        if q.depth != 0 or q.speaker_key is None:
            continue
        last = groups[-1][-1] if groups else None
        same = last is not None and last.speaker_key == q.speaker_key
        if same and last is not None and "\n" not in text[last.span.end : q.span.start]:
            groups[-1].append(q)
        else:
            groups.append([q])
    return [
        Statement(
            Span(g[0].span.start, g[-1].span.end),
            g[0].speaker_key or "",
            " ".join(text[q.inner.start : q.inner.end] for q in g),
            tuple(q.span for q in g),
        )
        for g in groups
    ]


# ------------------------------------------------------------------------- wording

_CONTRACTIONS = (
    (re.compile(r"\b(ca|wo|sha)n't\b"), r"\1n not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
)


#: spellings of one thing: a thousands separator, "No. 1", "per cent" and "%"
_SPELLINGS = (
    (re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))"), ""),
    (re.compile(r"\b[Nn]o\.\s*(?=\d)"), "number "),
    (re.compile(r"\s*%|\bper\s+cent\b"), " percent"),
    (re.compile(r"\b(\d+)\s+thousand\b"), lambda m: str(int(m.group(1)) * 1000)),
)


def _wording(text: str) -> list[str]:
    """Words of a quotation for comparison: normalised, contractions expanded."""
    for pattern, repl in _SPELLINGS:
        text = pattern.sub(repl, text)
    norm = normalized_text(text)
    for pattern, repl in _CONTRACTIONS:
        norm = pattern.sub(repl, norm)
    norm = norm.replace("won not", "will not").replace("can not", "cannot")
    return re.findall(r"\w+", norm)


#: an editor's marks inside a quotation: an ellipsis where words are left out, a bracketed
#: word standing in for the speaker's ("[Rosatom's] partners" for "Our partners")
_EDITED = re.compile(r"\[[^\[\]\n]{0,60}\]|\.\s?\.\s?\.|\u2026")
#: the marker word an ellipsis becomes
_OMITTED = "\u2026"
#: words whose change alone changes what was said: negations, and numbers (below)
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "cannot",
        "without",
        "zero",
        "не",
        "ни",
        "нет",
        "никогда",
        "ничего",
        "никто",
        "ничто",
        "никак",
        "без",
    ]
)
#: numbers spelt out, with their values (a quotation giving "five" for "5" says the same)
_NUMBER_WORDS = {
    word: str(value)
    for words, values in (
        (
            "one two three four five six seven eight nine ten eleven twelve fifteen twenty"
            " thirty forty fifty sixty seventy eighty ninety hundred thousand",
            (*range(1, 13), 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 1000),
        ),
        (
            "один два три четыре пять шесть семь восемь девять десять сто тысяча",
            (*range(1, 11), 100, 1000),
        ),
    )
    for word, value in zip(words.split(), values, strict=True)
}


def _marked_wording(text: str) -> tuple[list[str], list[bool]]:
    """:func:`_wording` of a quotation, with each word flagged when an editor put it there:
    an ellipsis (one marker word) or a bracketed stand-in."""
    found: list[str] = []
    edited: list[bool] = []
    pos = 0
    for match in _EDITED.finditer(text):
        plain = _wording(text[pos : match.start()])
        mark = match.group()
        inserted = _wording(mark[1:-1]) if mark.startswith("[") else []
        found += plain + (inserted or [_OMITTED])
        edited += [False] * len(plain) + [True] * max(len(inserted), 1)
        pos = match.end()
    plain = _wording(text[pos:])
    return found + plain, edited + [False] * len(plain)


def changed_words(target: str, source: str) -> tuple[int, int]:
    """(words changed, words compared) between two quotations.

    Words the target leaves out at either end of the source's quotation (or the
    source at either end of the target's) are an excerpt and not counted; nor
    are words left out where either marks it with an ellipsis, or a bracketed
    stand-in for the speaker's words (the editor's marks, which say so).
    """
    return _changes(target, source)[:2]


def _changes(target: str, source: str) -> tuple[int, int, bool]:
    """:func:`changed_words` and whether a changed word is a negation or a number."""
    (a, a_ed), (b, b_ed) = _marked_wording(target), _marked_wording(source)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    while ops and ops[0][0] in ("delete", "insert"):
        ops = ops[1:]
    while ops and ops[-1][0] in ("delete", "insert"):
        ops = ops[:-1]
    changed = compared = 0
    material = False
    for tag, i1, i2, j1, j2 in ops:
        compared += max(i2 - i1, j2 - j1)
        if tag == "equal":
            continue
        # each side's words, but an editor's mark on either side stands for the other
        # side's words there (and an omission next to a mark is the mark's)
        mine = [w for w, e in zip(a[i1:i2], a_ed[i1:i2], strict=True) if not e]
        theirs = [w for w, e in zip(b[j1:j2], b_ed[j1:j2], strict=True) if not e]
        if any(a_ed[i1:i2]) or (i1 == i2 and _next_to(a_ed, i1)):
            theirs = []
        if any(b_ed[j1:j2]) or (j1 == j2 and _next_to(b_ed, j1)):
            mine = []
        changed += max(len(mine), len(theirs))
        # what the editor's marks stand for counts here: an ellipsis in place of "not",
        # "[30]" for "50"
        material = material or _material(
            [w for w in a[i1:i2] if w != _OMITTED], [w for w in b[j1:j2] if w != _OMITTED]
        )
    return changed, compared, material


def _material(mine: list[str], theirs: list[str]) -> bool:
    """Does a change turn what was said: a negation on one side only, or a number
    replaced by another ("30" for "50", "five" for "50"; not "5th" for "5", "the '90s"
    for "the 1990s", "10:00" for "10 a.m.")?"""
    if any(w in _NEGATIONS for w in mine) != any(w in _NEGATIONS for w in theirs):
        return True
    a, b = _numbers(mine), _numbers(theirs)
    return any(not _same_number(x, b) for x in a) and any(not _same_number(y, a) for y in b)


def _numbers(found: list[str]) -> list[str]:
    """The numbers among ``found``, as digits: "5th" and "1990s" as 5 and 1990, "15
    thousand" as 15000."""
    out: list[str] = []
    for w in found:
        digits = _NUMBER.fullmatch(w)
        if digits:
            out.append(digits.group(1).lstrip("0") or "0")
        elif w in _MULTIPLIERS and out and out[-1].isdigit():
            out[-1] = str(int(out[-1]) * _MULTIPLIERS[w])
        elif w in _NUMBER_WORDS:
            out.append(_NUMBER_WORDS[w])
    return out


#: "15 thousand" is 15,000
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "тысяч": 1000, "тысячи": 1000, "тысяча": 1000}


def _same_number(x: str, others: list[str]) -> bool:
    """Is ``x`` one of ``others``, or a year written short ("'22" for 2022)?"""
    return any(
        x == y or (min(len(x), len(y)) == 2 and (x.endswith(y) or y.endswith(x))) for y in others
    )


_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th|s)?")


def _next_to(edited: list[bool], at: int) -> bool:
    return (at > 0 and edited[at - 1]) or (at < len(edited) and edited[at])


def is_altered(target: str, source: str, *, settings: ClassifySettings = _DEFAULT) -> bool:
    """Whether two renderings of one quotation differ materially in wording: in enough
    words, or in one that turns what was said ("not" added, 50 made 30)."""
    changed, compared, material = _changes(target, source)
    if compared == 0 or not (changed or material):
        return False
    return (
        material
        or changed >= settings.altered_min_words
        or changed / compared >= settings.altered_min_share
    )


def overlap(a: str, b: str) -> float:
    """Word overlap of two quotations: the larger of the Dice coefficients of their
    content-word stems and of all their words (translations share the small words)."""
    (sa, na), (sb, nb) = _vocabulary(a), _vocabulary(b)
    return max(_dice(sa, sb), _dice(na, nb))


@lru_cache(maxsize=1 << 14)
def _vocabulary(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(content-word stems, all words) of a quotation: one quotation meets many."""
    found = words(text)
    return frozenset(terms(found)), frozenset(t.norm for t in found)


def _dice(a: Set[str], b: Set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def matched_statements(
    target: Sequence[Statement], source: Sequence[Statement], *, settings: ClassifySettings
) -> list[tuple[Statement, Statement, float]]:
    """Same-speaker statement pairs whose content words agree, best source per target."""
    pairs = []
    for t in target:
        scored = [(overlap(t.text, s.text), s) for s in source if s.speaker_key == t.speaker_key]
        scored = [(d, s) for d, s in scored if d >= settings.min_quote_overlap]
        if scored:
            dice, best = max(scored, key=lambda item: (item[0], -item[1].span.start))
            pairs.append((t, best, dice))
    return pairs


# ------------------------------------------------------------------------ classify


def classify(
    target: str,
    source: str,
    passages: Sequence[Passage],
    *,
    registry: SourceRegistry,
    source_name: str | None = None,
    settings: ClassifySettings = _DEFAULT,
) -> list[Passage]:
    """``passages`` with quote, altered-quote and credit fields filled, in target order.

    Same-speaker quotation pairs that no passage covers are added (see the
    module docstring).  ``source_name`` is the source text's outlet when known
    (a name or alias the registry knows, or any outlet name).
    """
    t_quotes, s_quotes = Coverage(find_quotations(target)), Coverage(find_quotations(source))
    pairs = matched_statements(_statements(target), _statements(source), settings=settings)
    if not passages and not pairs:
        return []
    credits = find_credits(target, registry)
    if source_name is not None:
        source_name = registry.canonical(source_name) or source_name
    out = []
    split = [piece for p in passages for piece in _split_mixed(target, source, p, t_quotes)]
    for p in [*split, *_uncovered(target, source, pairs, passages)]:
        t_share, s_share = t_quotes.share(p.target), s_quotes.share(p.source)
        is_quote = min(t_share, s_share) > settings.quote_share or (
            s_share > settings.quote_share
            and _shared_quoted(target, source, p, t_quotes) >= settings.quote_matched_share
        )
        paired = [
            (t, s) for t, s, _ in pairs if _overlap(t.span, p.target) and _overlap(s.span, p.source)
        ]
        altered = any(is_altered(t.text, s.text, settings=settings) for t, s in paired) or (
            not paired and _aligned_quotation_altered(target, source, p, settings)
        )
        extra = {**p.extra, "quoted_share": f"{t_share:.2f}"}
        p = dataclasses.replace(p, quote=is_quote, altered_quote=altered, extra=extra)
        out.append(_credit(target, p, credits, source_name))
    return sorted(out, key=lambda p: (p.target.start, p.source.start))


def _aligned_quotation_altered(
    target: str, source: str, p: Passage, settings: ClassifySettings
) -> bool:
    """Does ``p`` pair one quotation of each text whose wording differs materially, though
    no same-speaker statements cover it: a quotation whose speaker one text names by role
    or pronoun only ("the Kremlin spokesman noted", "he added" with no name before), which
    the alignment itself pairs.  Compared as a same-speaker pair would be when one text
    names the speaker and the other names nobody else; the passage must take in most of the
    target's quotation and the two must be close copies (near-verbatim)."""
    ts = [q for q in find_quotations(target) if q.depth == 0 and _overlap(q.span, p.target)]
    ss = [q for q in find_quotations(source) if q.depth == 0 and _overlap(q.span, p.source)]
    if len(ts) != 1 or len(ss) != 1:
        return False
    t, s = ts[0], ss[0]
    if t.speaker_key and s.speaker_key and t.speaker_key != s.speaker_key:
        return False
    if not (t.speaker_key or s.speaker_key):  # (scare quotes, a title: nobody's words)
        return False
    inside = min(t.inner.end, p.target.end) - max(t.inner.start, p.target.start)
    if 2 * inside < len(t.inner):
        return False
    t_text = target[t.inner.start : t.inner.end]
    s_text = source[s.inner.start : s.inner.end]
    # (close copies only: two people's quotations on one subject share words too)
    close = similarity(t_text, s_text, settings=_ALIGN) >= _ALIGN.near_verbatim
    return close and is_altered(t_text, s_text, settings=settings)


def _shared_quoted(target: str, source: str, p: Passage, t_quotes: Coverage) -> float:
    """The share of the target's content words in ``p`` that its source side holds too
    which lie in the target's quotations: near 1 when what the two share is a quotation,
    whatever the outlet wrote around it."""
    theirs = _stems(source, p.source.start, p.source.end)
    shared = quoted = 0
    for token in words(target[p.target.start : p.target.end]):
        if token.norm in STOP_WORDS or stem(token.norm) not in theirs:
            continue
        shared += 1
        start = p.target.start + token.start
        quoted += t_quotes.covered(Span(start, p.target.start + token.end)) > 0
    return quoted / shared if shared else 0.0


def _uncovered(
    target: str,
    source: str,
    pairs: Sequence[tuple[Statement, Statement, float]],
    passages: Sequence[Passage],
) -> list[Passage]:
    """Passages for matched statements that no aligned passage covers."""
    added = []
    for t, s, dice in pairs:
        if any(_overlap(t.span, p.target) and _overlap(s.span, p.source) for p in passages):
            continue
        score = round(similarity(t.text, s.text, settings=_ALIGN), 1)
        extra = {"origin": "quotation", "speaker": t.speaker_key, "overlap": f"{dice:.2f}"}
        added.append(Passage(t.span, s.span, _kind(score), score, extra=extra))
    return added


def _kind(score: float) -> PassageKind:
    if score >= 100:
        return "verbatim"
    return "near-verbatim" if score >= _ALIGN.near_verbatim else "paraphrase"


def _split_mixed(target: str, source: str, p: Passage, t_quotes: Coverage) -> list[Passage]:
    """Cut a passage whose target side mixes quoted and unquoted sentences.

    Target sentences are grouped into runs of quoted and unquoted ones; each
    source sentence of the passage goes to the run it shares most content words
    with.  A run that gets no source sentence stays with its neighbour, and a
    passage that cannot be cut so is kept whole (and classified by majority).
    """
    if not t_quotes.covered(p.target):  # no quotation in it (most passages): one run
        return [p]
    runs = [sents for sents, _ in quote_runs(target, p.target, t_quotes)]
    if len(runs) < 2:
        return [p]
    run_terms = [frozenset().union(*(_stems(target, x.start, x.end) for x in run)) for run in runs]
    owned: list[list[Span]] = [[] for _ in runs]
    sents = _clipped(source, p.source)
    choice: list[int | None] = []
    for sent in sents:
        st = _stems(source, sent.start, sent.end)
        scores = [len(st & rt) / max(1, len(st)) for rt in run_terms]
        best = max(range(len(runs)), key=lambda i: scores[i])
        choice.append(best if scores[best] > 0 and scores.count(scores[best]) == 1 else None)
    # a sentence of no content word of its own ("It.", "Get. It. OUT") goes with the one
    # before it (else after): the source side of a piece was cut short inside its quotation
    for k in [*range(1, len(choice)), *range(len(choice) - 2, -1, -1)]:
        if choice[k] is None and not _stems(source, sents[k].start, sents[k].end):
            choice[k] = choice[k - 1] if k > 0 and choice[k - 1] is not None else choice[k]
            if choice[k] is None and k + 1 < len(choice):
                choice[k] = choice[k + 1]
    for sent, chosen in zip(sents, choice, strict=True):
        if chosen is not None:
            owned[chosen].append(sent)
    pieces: list[tuple[Span, list[Span]]] = []
    for run, srcs in zip(runs, owned, strict=True):
        t_span = Span(run[0].start, run[-1].end)
        if srcs:
            pieces.append((t_span, srcs))
        elif pieces:
            pieces[-1] = (Span(pieces[-1][0].start, t_span.end), pieces[-1][1])
        else:
            return [p]
    if len(pieces) < 2:
        return [p]
    out = []
    for t_span, srcs in pieces:
        s_span = Span(min(x.start for x in srcs), max(x.end for x in srcs))
        t_text, s_text = target[t_span.start : t_span.end], source[s_span.start : s_span.end]
        score = round(similarity(t_text, s_text, settings=_ALIGN), 1)
        extra = {**p.extra, "split_from": f"{p.target.start}-{p.target.end}"}
        out.append(Passage(t_span, s_span, _kind(score), score, extra=extra))
    return out


def quote_runs(
    text: str, span: Span, quoted: Coverage | None = None
) -> list[tuple[list[Span], bool]]:
    """The sentences of ``text`` in ``span`` (cut to it) in runs of quoted and unquoted
    ones, each with whether it is quoted: a sentence is when top-level quotations hold
    more than half of it.  ``quoted``: the text's quotations, when the caller has them.
    """
    quoted = quoted if quoted is not None else Coverage(find_quotations(text))
    runs: list[tuple[list[Span], bool]] = []
    for sent in _clipped(text, span):
        label = quoted.share(sent) > 0.5
        if runs and runs[-1][1] == label:
            runs[-1][0].append(sent)
        else:
            runs.append(([sent], label))
    return runs


@lru_cache(maxsize=1 << 16)
def _stems(text: str, start: int, end: int) -> frozenset[str]:
    """The content-word stems of ``text[start:end]`` (a text's sentences recur pair after pair)."""
    return frozenset(terms(words(text[start:end])))


def _clipped(text: str, span: Span) -> list[Span]:
    """The sentences of ``text`` overlapping ``span``, cut to it."""
    found = []
    sents = sentences(text)  # sorted and disjoint: only those from the one holding span.start
    k = max(0, bisect.bisect_right(sentence_starts(text), span.start) - 1)
    while k < len(sents) and sents[k].start < span.end:
        sent = sents[k]
        start, end = max(sent.start, span.start), min(sent.end, span.end)
        if start < end and text[start:end].strip():
            found.append(Span(start, end))
        k += 1
    return found


def _credit(text: str, p: Passage, credits: Sequence[Credit], source_name: str | None) -> Passage:
    ranked = ranked_credits(text, p.target, credits)
    if not ranked:
        return p
    credit, level = ranked[0]
    if source_name is not None:
        credit, level = next(
            ((c, lv) for c, lv in ranked if c.source and same_outlet(c.source, source_name)),
            ranked[0],
        )
    named = credit.kind != "vague" and credit.source is not None
    credited = named and (
        source_name is None
        or (credit.source is not None and same_outlet(credit.source, source_name))
    )
    extra = {**p.extra, "credit_kind": credit.kind, "credit_level": level}
    return dataclasses.replace(
        p,
        credited=credited,
        credit_text=credit.text,
        credited_source=credit.source or "",
        extra=extra,
    )


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


# ------------------------------------------------------------ credited, text absent


@dataclass(frozen=True, slots=True)
class CreditedSpan:
    """A sentence or quotation a text credits to a source."""

    span: Span
    source: str
    kind: str  # "sentence" | "quotation"
    credit: Credit
    level: Level


_MATERIAL_LEVELS: frozenset[str] = frozenset({"sentence", "paragraph", "speaker"})


def credited_material(
    text: str, *, registry: SourceRegistry, sources: Collection[str] | None = None
) -> list[CreditedSpan]:
    """Sentences and quotations of ``text`` credited to one of ``sources``.

    ``sources`` are canonical names whose own text is not in the corpus (default:
    the registry's designated sources).  Only credits that are near the material
    count (same sentence, same paragraph, or naming its speaker); a credit line
    such as "AFP contributed reporting" marks no particular sentence.
    """
    wanted = set(registry.designated if sources is None else sources)
    credits = [c for c in find_credits(text, registry) if c.source in wanted]
    if not credits:
        return []
    found: list[CreditedSpan] = []
    units = [(s, "sentence") for s in sentences(text)]
    units += [(q.span, "quotation") for q in find_quotations(text) if q.depth == 0]
    for span, kind in units:
        ranked = [
            (c, lv) for c, lv in ranked_credits(text, span, credits) if lv in _MATERIAL_LEVELS
        ]
        if ranked:
            credit, level = ranked[0]
            found.append(CreditedSpan(span, credit.source or "", kind, credit, level))
    return sorted(found, key=lambda c: (c.span.start, c.span.end, c.kind))
