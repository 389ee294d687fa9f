"""Frozen records passed between the pipeline stages.

Spans are half-open character offsets ``[start, end)`` into a Python ``str``.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

# Status of one input after ingestion and extraction.  Exactly one per input.
Status = Literal[
    "ok",  # main text found
    "no-text",  # decoded fine, but no main text survived extraction
    "empty",  # zero bytes or whitespace only
    "binary",  # not text (NUL bytes, image, archive...)
    "undecodable",  # bytes that no encoding explains
    "unreadable",  # I/O error, permission, bad gzip, bad JSON line
    "cut-off",  # a JSONL feed's last line, cut off while being written (no newline, not JSON)
    "missing",  # path does not exist
    "too-large",  # over the size cap
    "timeout",  # extraction ran over [ingest] doc_seconds and was stopped
    "failed",  # extraction crashed or raised (a bug or a page no parser survives)
    "duplicate",  # the same page as an input before it (same content, same outlet): audited once
]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]

Role = Literal["source", "article"]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character span ``[start, end)``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def __reduce__(self) -> tuple[type[Span], tuple[Any, ...]]:
        # pickled as a call: a dataclass's own pickling looks its fields up each time
        return Span, (self.start, self.end)


def overlapping(spans: Sequence[Span], span: Span) -> list[Span]:
    """The ``spans`` (sorted and disjoint, like a text's sentences) that overlap ``span``,
    found by bisection."""
    lo = bisect.bisect_right(spans, span.start, key=_end)
    hi = bisect.bisect_left(spans, span.end, lo=lo, key=_start)
    return [s for s in spans[lo:hi] if s.start < span.end and span.start < s.end]


def _start(span: Span) -> int:
    return span.start


def _end(span: Span) -> int:
    return span.end


@dataclass(frozen=True, slots=True)
class Removed:
    """A block the extractor dropped, kept so a user can see what went and why.

    ``start``/``end`` are offsets into the extractor's input text (the decoded
    file for scraped text, trafilatura's output for HTML), or -1 when unknown.
    """

    text: str
    reason: str
    start: int = -1
    end: int = -1

    def __reduce__(self) -> tuple[type[Removed], tuple[Any, ...]]:
        # pickled as a call: a dataclass's own pickling looks its fields up each time
        return Removed, (self.text, self.reason, self.start, self.end)


@dataclass(frozen=True, slots=True)
class Piece:
    """One contiguous run of main text copied from the extractor's input.

    ``text[text_start:text_start+length] == input[input_start:input_start+length]``.
    """

    text_start: int
    input_start: int
    length: int

    def __reduce__(self) -> tuple[type[Piece], tuple[Any, ...]]:
        # pickled as a call: a dataclass's own pickling looks its fields up each time
        return Piece, (self.text_start, self.input_start, self.length)


@dataclass(frozen=True)
class Extraction:
    """The main content of one document, with metadata found on the way."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    sitename: str | None = None
    language: str | None = None
    removed: tuple[Removed, ...] = ()
    pieces: tuple[Piece, ...] = ()

    def input_offset(self, offset: int) -> int | None:
        """Map an offset into ``text`` to the extractor's input, or None.

        An offset that falls on a separator inserted between pieces maps to
        the end of the previous piece.
        """
        if not self.pieces:
            return None
        starts = [p.text_start for p in self.pieces]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        piece = self.pieces[i]
        delta = min(offset - piece.text_start, piece.length)
        return piece.input_start + delta

    def text_span(self, start: int, end: int) -> Span:
        """The main-text span of the input range ``[start, end)``: the stretch of ``text``
        copied from it, or, when none of it is main text, an empty span where it
        would stand."""
        inside = []
        for piece in self.pieces:
            a, b = max(start, piece.input_start), min(end, piece.input_start + piece.length)
            if a < b:
                shift = piece.text_start - piece.input_start
                inside += [a + shift, b + shift]
        if inside:
            return Span(min(inside), max(inside))
        after = [p.text_start for p in self.pieces if p.input_start >= end]
        at = min(after) if after else len(self.text)
        return Span(at, at)


@dataclass(frozen=True)
class Document:
    """One ingested input: decoded content plus what the manifest says of it."""

    path: str  # as given on the command line (or "<stdin>", or "file.jsonl:LINE")
    id: str  # stable identifier: relative path without suffix, or the JSONL id
    kind: Literal["html", "text"]
    content: str = ""  # decoded text or HTML
    encoding: str | None = None
    outlet: str | None = None
    role: Role = "article"
    url: str | None = None
    published: str | None = None
    language: str | None = None
    title: str | None = None
    status: Status = "ok"
    error: str | None = None  # one-line message when status is not ok

    @cached_property
    def sha256(self) -> str:
        """The content's sha256 (hex), worked out once: the run's signature, the extraction
        and template caches and the pair keys all name a document by it."""
        return hashlib.sha256(self.content.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Article:
    """A document with its extracted main text."""

    document: Document
    extraction: Extraction
    status: Status = "ok"

    @property
    def text(self) -> str:
        return self.extraction.text


PassageKind = Literal["verbatim", "near-verbatim", "paraphrase"]


@dataclass(frozen=True)
class Passage:
    """A passage of a target text aligned to a passage of a source text.

    Spans are into the two texts handed to the aligner.  ``similarity`` is on
    the 0-100 scale of rapidfuzz.
    """

    target: Span
    source: Span
    kind: PassageKind
    similarity: float
    quote: bool = False  # inside quotation marks in both texts
    altered_quote: bool = False  # same speaker, materially different wording
    credited: bool = False
    credit_text: str = ""
    credited_source: str = ""  # canonical name of the credited source
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
