"""Align given pairs of files: one pair for people, a PAN pairs list for benchmarks.

The library half of ``provenance align``; it imports no click and prints nothing.

* :func:`align_pair` reads two files, optionally extracts their main text,
  aligns and classifies them.  A ``manifest.csv`` beside a file supplies its
  outlet (the source's outlet decides whether a credit names the source).
  Offsets are into each file's decoded text; with extraction they are mapped
  back through the extractor's pieces when it kept them, else they are offsets
  into the extracted text (``offsets`` says which).
* :func:`align_pan_pairs` reads a PAN ``pairs`` file (``target source`` per
  line), aligns each pair and writes ``<target stem>-<source stem>.xml``.  A bad
  pair is recorded and the run goes on.  Alignment only: no classification.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from provenance.align import align_prepared, align_texts
from provenance.attribution import SourceRegistry
from provenance.classify import classify
from provenance.errors import InputError
from provenance.index import Prepared, prepare
from provenance.ingest import MANIFEST_NAME, load_manifest, read_document
from provenance.models import Document, Extraction, Passage, Span
from provenance.panxml import pair_filename, write_pan_xml
from provenance.settings import DEFAULTS, Settings


@dataclass(frozen=True)
class PairText:
    """One side of a pair: the file's decoded text and the text that was aligned."""

    document: Document
    aligned: str  # decoded text, or the extracted main text
    extraction: Extraction | None = None

    @property
    def decoded(self) -> str:
        return self.document.content


@dataclass(frozen=True)
class PairResult:
    target: PairText
    source: PairText
    passages: list[Passage]
    offsets: Literal["decoded", "extracted"] = "decoded"


def load_text(path: str, *, settings: Settings = DEFAULTS, extract: bool = False) -> PairText:
    """Read (and optionally extract) one file; raise InputError when it is unusable."""
    beside = Path(path).parent / MANIFEST_NAME
    manifest = load_manifest(beside) if beside.is_file() else None
    doc = read_document(path, settings=settings, manifest=manifest)
    if doc.status != "ok":
        raise InputError(doc.error or "cannot be read", status=doc.status)
    if doc.kind == "html" and not extract:
        raise InputError(
            "is HTML", path=path, hint="add --extract to align its main text", status="no-text"
        )
    if not extract:
        return PairText(doc, doc.content)
    from provenance.extract import extract_document

    article = extract_document(doc, settings=settings)
    if article.status != "ok":
        raise InputError(
            "no main text found", path=path, hint="align without --extract", status="no-text"
        )
    return PairText(article.document, article.text, article.extraction)


def align_pair(
    target_path: str,
    source_path: str,
    *,
    settings: Settings = DEFAULTS,
    extract: bool = False,
    source_name: str | None = None,
) -> PairResult:
    """Align and classify one target file against one source file."""
    target = load_text(target_path, settings=settings, extract=extract)
    source = load_text(source_path, settings=settings, extract=extract)
    registry = SourceRegistry.from_settings(settings)
    found = align_texts(target.aligned, source.aligned, settings=settings.align)
    passages = classify(
        target.aligned,
        source.aligned,
        found,
        registry=registry,
        source_name=source_name or source.document.outlet,
        settings=settings.classify,
    )
    if not extract:
        return PairResult(target, source, passages)
    mapped = [_map_back(p, target, source) for p in passages]
    if all(m is not None for m in mapped):
        return PairResult(target, source, [m for m in mapped if m is not None])
    return PairResult(target, source, passages, offsets="extracted")


def _map_back(p: Passage, target: PairText, source: PairText) -> Passage | None:
    t, s = _input_span(target, p.target), _input_span(source, p.source)
    if t is None or s is None:
        return None
    return dataclasses.replace(p, target=t, source=s)


def _input_span(side: PairText, span: Span) -> Span | None:
    ex = side.extraction
    if ex is None or side.document.kind != "text" or not ex.pieces:
        return None
    start = ex.input_offset(span.start)
    last = ex.input_offset(max(span.start, span.end - 1))
    if start is None or last is None or last < start:
        return None
    return Span(start, last + 1)


# ----------------------------------------------------------------------- output


def passage_record(p: Passage, target: str, source: str) -> dict[str, Any]:
    """A JSON-ready record of one passage, with the text of each side."""
    return {
        "target": {"start": p.target.start, "end": p.target.end, "text": target[_s(p.target)]},
        "source": {"start": p.source.start, "end": p.source.end, "text": source[_s(p.source)]},
        "kind": p.kind,
        "similarity": round(p.similarity, 1),
        "quote": p.quote,
        "altered_quote": p.altered_quote,
        "credited": p.credited,
        "credit_text": p.credit_text,
        "credited_source": p.credited_source,
        "extra": dict(sorted(p.extra.items())),
    }


def _s(span: Span) -> slice:
    return slice(span.start, span.end)


def side_by_side(p: Passage, target: str, source: str, *, number: int, width: int = 100) -> str:
    """Readable block for one passage: a header line, then both texts in columns."""
    flags = ["quote" if p.quote else "prose"]
    if p.altered_quote:
        flags.append("ALTERED QUOTE")
    if p.credit_text:
        who = p.credited_source or "vague"
        flags.append(f"{'credited' if p.credited else 'credit'}: {who} ({p.credit_text!r})")
    else:
        flags.append("uncredited")
    head = (
        f"[{number}] {p.kind} {p.similarity:.1f}  target {p.target.start}-{p.target.end}"
        f"  source {p.source.start}-{p.source.end}  " + "; ".join(flags)
    )
    col = (width - 3) // 2
    left = textwrap.wrap(" ".join(target[_s(p.target)].split()), col) or [""]
    right = textwrap.wrap(" ".join(source[_s(p.source)].split()), col) or [""]
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right += [""] * (rows - len(right))
    body = [f"{a.ljust(col)} | {b}".rstrip() for a, b in zip(left, right, strict=True)]
    return "\n".join([head, *body])


# ----------------------------------------------------------------------- PAN batch


@dataclass
class BatchSummary:
    pairs: int = 0
    written: int = 0
    passages: int = 0
    failed: list[str] = field(default_factory=list)  # one-line messages


def read_pairs(path: str | Path) -> list[tuple[int, list[str]]]:
    """(line number, fields) for each non-blank line of a pairs file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("no such pairs file", path=str(path), status="missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read pairs file ({exc.__class__.__name__})", path=str(path)
        ) from None
    return [(n, line.split()) for n, line in enumerate(lines, 1) if line.strip()]


def align_pan_pairs(
    pairs_path: str,
    *,
    source_dir: str,
    target_dir: str,
    out_dir: str,
    settings: Settings = DEFAULTS,
    extract: bool = False,
    on_error: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Align every ``target source`` pair listed in ``pairs_path``; write PAN XML."""
    summary = BatchSummary()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache: dict[str, Prepared] = {}
    for number, fields in read_pairs(pairs_path):
        summary.pairs += 1
        try:
            if len(fields) != 2:
                raise InputError(
                    f"line {number}: expected 'target source', got {len(fields)} fields",
                    path=pairs_path,
                    hint="one pair of file names per line",
                )
            target_name, source_name = fields
            t = _prepared(cache, str(Path(target_dir) / target_name), settings, extract)
            s = _prepared(cache, str(Path(source_dir) / source_name), settings, extract)
            passages = align_prepared(t, s, settings=settings.align)
            write_pan_xml(
                out / pair_filename(target_name, source_name),
                target_name,
                [(source_name, p) for p in passages],
            )
        except InputError as err:
            summary.failed.append(str(err))
            if on_error is not None:
                on_error(str(err))
            continue
        summary.written += 1
        summary.passages += len(passages)
    return summary


def _prepared(cache: dict[str, Prepared], path: str, settings: Settings, extract: bool) -> Prepared:
    if path not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[path] = prepare(
            load_text(path, settings=settings, extract=extract).aligned, settings=settings.align
        )
    return cache[path]
