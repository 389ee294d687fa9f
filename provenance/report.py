"""Report writers: CSV, JSONL, texts, Markdown and HTML; deterministic, atomic.

``write_reports(tables, out_dir)`` writes, all UTF-8 with ``\\n`` line ends:

- ``articles.csv``, ``passages.csv``, ``outlets.csv``, ``outlet_sources.csv``: the columns of
  :mod:`provenance.aggregate` in that order; rows sorted by their key columns; booleans
  ``true``/``false``; blank for None/NaN; integers without ``.0``; other floats with exactly
  ``aggregate.PRECISION`` decimals.  A string cell starting with ``= + - @``, tab or CR gets a
  leading ``'`` so spreadsheets never run it as a formula (``passages.jsonl`` has the raw text).
- ``passages.jsonl``: one JSON object per passages.csv row, same keys and order; floats rounded
  to ``PRECISION`` decimals; null for blank.
- ``texts/<article id>.txt``: each main text exactly as given, so ``text[start:end]`` is the
  passage.  The id (``tables.ids``, else the article path) maps to a path by splitting it on
  ``/`` and ``\\``, dropping empty, ``.`` and ``..`` parts, replacing control characters and
  ``<>:"|?*`` with ``_``, shortening parts over 120 characters (``~`` + hash) and adding
  ``.txt``; an id that would clash with another's file or folder goes flat as
  ``texts/<parts joined by _>~<hash>.txt``.  Every text is linked from report.md.
- ``report.md`` and ``outlets/<slug>.md`` (one per outlet), ``report.html`` (self-contained).

:func:`render_reports` renders them; :func:`write_reports` publishes them with
:func:`provenance.publish.publish`, which makes a run's files current all at once (and adds
``manifest.json``).  :func:`atomic_write` writes a single file safely (temporary file, fsync,
rename).  Nothing written depends on the clock or on the output folder.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
import signal
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote as urlquote

import pandas as pd

from provenance.aggregate import (
    ARTICLE_COLUMNS,
    OUTLET_COLUMNS,
    OUTLET_SOURCE_COLUMNS,
    PASSAGE_COLUMNS,
    PRECISION,
    REMOVED_COLUMNS,
    AuditTables,
)
from provenance.compose import Chunks, Part, joined
from provenance.compose import key as part_key
from provenance.publish import Counted, fsync_dir, publish
from provenance.report_html import (
    article_facts,
    article_key,
    credit_label,
    definitions,
    direction,
    html_parts,
    num,
    outlet_line,
    pct,
    quote_label,
    ranked,
    removed_summary,
    similarity,
    source_colours,
    span_label,
)
from provenance.settings import AuditSettings

log = logging.getLogger(__name__)

Row = dict[str, Any]

#: columns whose floats are really integers (pandas turns int + NaN into float)
INT_COLUMNS = frozenset(
    {"articles", "words", "start", "end", "source_start", "source_end"}
    | {"file_start", "file_end", "source_file_start", "source_file_end"}
)
#: sort keys per table; the remaining columns break ties so row order never matters
KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article",),
    "passages": ("article", "start", "end", "source", "source_article", "source_start"),
    "outlets": ("outlet",),
    "outlet_sources": ("outlet", "source"),
    "removed": ("article", "order"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- atomic files -----------------------------------------------------------------------------


def atomic_write(path: Path, data: bytes | str, *, sync_dir: bool = True) -> None:
    """Write ``data`` to ``path`` via a fsynced temporary file in its folder and a rename.

    A str is written as UTF-8 (a lone surrogate becomes ``?``, so character offsets hold).
    ``sync_dir=False`` leaves fsyncing the folder to the caller (one fsync for many files).
    """
    payload = _encode(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def _encode(data: bytes | str) -> bytes:
    return data.encode("utf-8", errors="replace") if isinstance(data, str) else data


# --- cell values ------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A pandas/numpy cell as None, bool, int, float or str."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        value = item()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _number(value: Any, column: str) -> Any:
    """Integers as int, other floats rounded to PRECISION (no -0.0); NaN/inf as None."""
    if isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        if column in INT_COLUMNS and value.is_integer():
            return int(value)
        return round(value, PRECISION) + 0.0
    return value


def csv_cell(value: Any, column: str) -> str:
    value = _number(value, column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{PRECISION}f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    text = "'" + text if text.startswith(_FORMULA_START) else text
    # the csv module does not quote a lone CR under a "\n" line end: readers would split the row
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, float(value))
    return (2, str(value))


def _plain_column(values: Iterable[Any], column: str) -> list[Any]:
    """``_number(plain(v), column)`` of each cell, with the common types taken directly."""
    return [
        v
        if type(v) is str or type(v) is int or type(v) is bool
        else _number(v, column)
        if type(v) is float  # plain() leaves a float as it is; _number() makes NaN None
        else _number(plain(v), column)
        for v in values
    ]


def _sort_order(
    cells: Mapping[str, list[Any]], keys: Sequence[str], rest: Sequence[str]
) -> list[int]:
    """Row indexes in the order of :func:`_sort_key` of ``keys`` then ``rest``, stable.

    Sorted on ``keys`` first, then each run of rows equal in them on ``rest``: the
    order of sorting on every column, without a key for every cell of every row (ties
    in the keys are rare)."""
    n = len(next(iter(cells.values()), []))
    first = (
        list(zip(*([_sort_key(v) for v in cells[c]] for c in keys), strict=True))
        if keys
        else [()] * n
    )
    order = sorted(range(n), key=first.__getitem__)
    i = 0
    while i < n:
        j = i + 1
        while j < n and first[order[j]] == first[order[i]]:
            j += 1
        if j - i > 1 and rest:
            order[i:j] = sorted(order[i:j], key=lambda r: [_sort_key(cells[c][r]) for c in rest])
        i = j
    return order


def table_rows(
    frame: pd.DataFrame | None, columns: Sequence[str], keys: Sequence[str]
) -> list[Row]:
    """The frame's rows as plain dicts of exactly ``columns``, sorted by ``keys`` then the rest."""
    if frame is None:
        return []
    missing = [c for c in columns if c not in frame.columns]
    if missing and len(frame):
        log.warning("report: columns missing from a table, written blank: %s", ", ".join(missing))
    frame = frame.reindex(columns=list(columns))
    # column by column: a cell at a time through pandas is slow on a corpus's passages
    cells = {c: _plain_column(frame.iloc[:, j].tolist(), c) for j, c in enumerate(columns)}
    order = _sort_order(cells, keys, [c for c in columns if c not in keys])
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*cells.values(), strict=True)]
    return [rows[i] for i in order]


#: a cell the csv module quotes (QUOTE_MINIMAL, "\n" line ends; csv_cell leaves no CR)
_CSV_QUOTED = re.compile(r'[,"\n]')


def _csv_fields(cells: Iterable[str]) -> list[str]:
    """Cells as the csv module writes them: quoted when they hold a delimiter, quote or
    line end, quotes doubled."""
    quoted = _CSV_QUOTED.search
    return ['"' + c.replace('"', '""') + '"' if quoted(c) else c for c in cells]


def _csv_column(values: Iterable[Any], column: str) -> list[str]:
    """:func:`csv_cell` of each value (a str it would leave as it is, or an int, directly)."""
    return [
        v
        if type(v) is str and "\r" not in v and not v.startswith(_FORMULA_START)
        else str(v)
        if type(v) is int
        else csv_cell(v, column)
        for v in values
    ]


def csv_text(rows: Iterable[Row], columns: Sequence[str]) -> str:
    """The CSV file of ``rows``: a header of ``columns``, then a line per row.

    Joined here column by column rather than by csv.writer, which formats a
    corpus's passages.csv (tens of megabytes) a character at a time; the bytes
    are the same (tests compare them).  A single column goes through csv.writer,
    which writes a lone empty field as ``""``.
    """
    rows = list(rows)
    if len(columns) < 2:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([csv_cell(row[c], c) for c in columns] for row in rows)
        return buf.getvalue()
    return _csv_header(columns) + csv_lines(rows, columns)


def _csv_header(columns: Sequence[str]) -> str:
    return ",".join(_csv_fields(map(str, columns))) + "\n"


def csv_lines(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """The lines of :func:`csv_text` below its header (two columns or more)."""
    fields = [_csv_fields(_csv_column([row[c] for row in rows], c)) for c in columns]
    return "".join(",".join(line) + "\n" for line in zip(*fields, strict=True))


def passage_parts(view: View, kind: str) -> Iterator[Part]:
    """passages.csv (``kind`` "csv", with its header) or passages.jsonl as parts, one per
    article (keyed on the article's digest when the article is in the view)."""
    render = csv_lines if kind == "csv" else jsonl_text
    if kind == "csv":
        yield _csv_header(PASSAGE_COLUMNS)
    for article, rows in _group(view.rows["passages"], "article").items():
        text = functools.partial(render, rows, PASSAGE_COLUMNS)
        a = view.articles.get(article)
        yield (functools.partial(_keyed, kind, a), text) if a is not None else text()


#: json.dumps(..., ensure_ascii=False, allow_nan=False) without a new encoder per row
_JSON_ROW = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def jsonl_text(rows: Iterable[Row], columns: Sequence[str]) -> str:
    lines = (_JSON_ROW.encode({c: row[c] for c in columns}) + "\n" for row in rows)
    return "".join(lines)


# --- names on disk ----------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"|?*]')
_LATIN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_TRANSLIT = {c: x.strip("-") for c, x in zip(_CYRILLIC, _LATIN.split(), strict=True)}
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(10)}


def _digest(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def _safe_part(part: str) -> str:
    part = _UNSAFE_CHARS.sub("_", part)
    if set(part) <= {"."}:
        part = "_"
    if len(part) > 120:
        part = f"{part[:100]}~{_digest(part)}"
    return part


def text_paths(ids: Mapping[str, str]) -> dict[str, str]:
    """Article -> ``texts/...`` path (POSIX, relative), safe and unique; see the module doc."""
    files: set[str] = set()
    folders: set[str] = set()
    out: dict[str, str] = {}
    for article in sorted(ids):
        parts = [p for p in re.split(r"[/\\]", ids[article]) if p not in ("", ".", "..")]
        parts = [_safe_part(p) for p in parts] or ["_"]
        parts[-1] += ".txt"
        path = PurePosixPath("texts", *parts)
        parents = {str(p).casefold() for p in path.parents}
        name = str(path).casefold()
        if name in files or name in folders or parents & files:
            flat = "_".join(parts)[:-4][:100]
            path = PurePosixPath("texts", f"{flat}~{_digest(article)}.txt")
            parents, name = {"texts"}, str(path).casefold()
        files.add(name)
        folders |= parents
        out[article] = str(path)
    return out


def slugify(name: str) -> str:
    """Lowercase ASCII slug: Cyrillic transliterated, other letters stripped of accents."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in name.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "outlet"
    return f"{slug}-outlet" if slug in _RESERVED else slug


def outlet_slugs(names: Iterable[str]) -> dict[str, str]:
    """Outlet -> slug, unique (a clash gets a hash of the name, then a counter)."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for name in sorted(set(names)):
        slug = slugify(name)
        if slug in used:
            slug = f"{slug}-{_digest(name, 6)}"
        base, n = slug, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out[name] = slug
    return out


# --- the view both documents render -----------------------------------------------------------


@dataclass
class ArticleView:
    row: Row
    text: str | None
    text_path: str | None  # relative to out_dir, e.g. texts/tass/1.txt
    passages: list[Row] = field(default_factory=list)
    removed: list[tuple[str, int, str]] = field(default_factory=list)  # reason, blocks, excerpt
    #: the Markdown below the facts line (report.md and outlets/*.md share it)
    md_lines: list[str] | None = None
    #: the id of the article's section in report.html (stable from run to run)
    anchor: str = ""

    @functools.cached_property
    def digest(self) -> str:
        """A digest of everything the article's parts of the reports show (see compose)."""
        return part_key(self.row, self.passages, self.removed, self.text_path, self.text)

    def md_body(self) -> list[str]:
        if self.md_lines is None:
            self.md_lines = _md_article_body(self)
        return self.md_lines


@dataclass
class OutletView:
    name: str
    slug: str
    figures: Row | None
    sources: list[Row]
    articles: list[ArticleView]


@dataclass
class View:
    title: str
    sources: tuple[str, ...]
    outlets: list[OutletView]
    colours: dict[str, int]  # source -> palette index
    definitions: list[str]  # Markdown-ish paragraphs and "- " list items
    rows: dict[str, list[Row]]  # table name -> sorted plain rows
    paths: dict[str, str]  # article -> texts/... path
    articles: dict[str, ArticleView] = field(default_factory=dict)  # by article, sorted


def _group(rows: Iterable[Row], column: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[str(row[column] or "")].append(row)
    return out


def _mark_dated_before_source(articles: Sequence[Row], passages: Sequence[Row]) -> None:
    """Mark (``dated_before_source``, shown with the direction in report.md and .html, not
    a column of the CSV files) the passages counted as taken from a designated source's
    article dated on a later day than the article: a designated source comes first,
    so the passage is the source's, but the fact-checker should see the dates disagree (the
    source's text may be a later version of a story the article took earlier, or the dates
    are wrong)."""
    from provenance.lineage import published_before

    dated = {str(a["article"]): a["published"] for a in articles}
    for p in passages:
        source = str(p["source_article"] or "")
        if (
            p["direction"] == "designated-source"
            and source in dated
            and published_before(dated.get(str(p["article"])), dated[source])
        ):
            p["dated_before_source"] = True


def build_view(
    tables: AuditTables, title: str, sources: Sequence[str], settings: AuditSettings
) -> View:
    """Sorted plain rows of every table, grouped per outlet and article."""
    frames = {
        "articles": (tables.articles, ARTICLE_COLUMNS),
        "passages": (tables.passages, PASSAGE_COLUMNS),
        "outlets": (tables.outlets, OUTLET_COLUMNS),
        "outlet_sources": (tables.outlet_sources, OUTLET_SOURCE_COLUMNS),
        "removed": (tables.removed, REMOVED_COLUMNS),
    }
    rows = {name: table_rows(frame, cols, KEYS[name]) for name, (frame, cols) in frames.items()}
    paths = text_paths({a: tables.ids.get(a, a) for a in tables.texts})
    passages, removed = _group(rows["passages"], "article"), _group(rows["removed"], "article")
    _mark_dated_before_source(rows["articles"], rows["passages"])
    articles: dict[str, list[ArticleView]] = defaultdict(list)
    by_name: dict[str, ArticleView] = {}
    anchors: set[str] = set()
    for a in rows["articles"]:
        key = str(a["article"])
        view = ArticleView(a, tables.texts.get(key), paths.get(key), passages[key])
        view.removed = removed_summary(removed[key])
        view.anchor = _anchor(key, anchors)
        articles[str(a["outlet"] or "")].append(view)
        by_name[key] = view
    figures = {str(o["outlet"] or ""): o for o in rows["outlets"]}
    names = [*figures, *sorted(set(articles) - set(figures))]
    slugs, srcs = outlet_slugs(names), _group(rows["outlet_sources"], "outlet")
    outlets = [OutletView(n, slugs[n], figures.get(n), srcs[n], articles[n]) for n in names]
    seen = [str(p["source"]) for p in rows["passages"] if p["source"]]
    colours = source_colours(tuple(sources), seen)
    defs = definitions(settings)
    return View(title, tuple(sources), outlets, colours, defs, rows, paths, by_name)


def _anchor(article: str, taken: set[str]) -> str:
    """An HTML id for the article, the same in every run (a link to it survives a rerun):
    a digest of its name, made unique among ``taken`` (which it joins)."""
    base = f"a-{hashlib.sha256(article.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


# --- Markdown ---------------------------------------------------------------------------------

#: characters md() backslash-escapes (and ``&`` when it starts an entity, _MD_ENTITY)
_MD_SPECIAL = "`*_[]<>|#"
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
#: a line end: \r\n, or one of the others; written to start with a character class (not
#: ``\r\n|[...]``) so the regex engine skips ahead to candidates instead of trying every position
_MD_NEWLINE = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029](?:(?<=\r)\n)?")
_MD_LINE_ENDS = ("\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def md(text: Any, *, newline: str = "<br>") -> str:
    """Text safe in a Markdown table cell or heading: specials backslash-escaped, no line ends.

    Escaped with str.replace, a character at a time (a report escapes tens of megabytes
    of passages): backslashes first, then ``&`` while the entity after it is unescaped,
    then the rest, which is what escaping them all at once in one pass gives.
    """
    out = _CONTROL.sub(" ", "" if text is None else str(text))
    if "\\" in out:
        out = out.replace("\\", "\\\\")
    if "&" in out:
        out = _MD_ENTITY.sub(r"\\&", out)
    for char in _MD_SPECIAL:
        if char in out:
            out = out.replace(char, "\\" + char)
    out = out.replace("\t", " ")
    if "\\" in newline or _MD_NEWLINE.search(newline):  # a template, or one to replace again
        return _MD_NEWLINE.sub(newline, out)
    for end in _MD_LINE_ENDS:  # \r\n first: the same as _MD_NEWLINE in one pass
        if end in out:
            out = out.replace(end, newline)
    return out


_FIGURE = re.compile(r"-?\d+(\.\d+)?%?")


def md_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table of already-escaped cells; columns of figures only are right-aligned."""
    body = [list(r) for r in rows]
    numeric = [
        any(r[j] for r in body) and all(_FIGURE.fullmatch(r[j]) for r in body if r[j])
        for j in range(len(head))
    ]
    rule = "|" + "|".join(" ---: " if n else " --- " for n in numeric) + "|"
    lines = ["| " + " | ".join(head) + " |", rule, *("| " + " | ".join(r) + " |" for r in body)]
    return [*lines, ""]


def _link(label: str, target: str, anchor: str = "") -> str:
    """A Markdown link to the file ``target`` (a '#' in its name is part of the name)."""
    return f"[{md(label)}]({urlquote(target, safe='/')}{'#' + anchor if anchor else ''})"


def _num(value: Any) -> str:
    return md(num(value))


def md_summary(view: View, outlets_dir: str = "outlets/") -> list[str]:
    head = [
        *("outlet", "articles", "words", "original", "copied", "quoted", "credited"),
        *("uncredited", "altered quotes"),
    ]
    rows = []
    for o in ranked(view):
        f = o.figures or {}
        rows.append(
            [_link(o.name or "(none)", f"{outlets_dir}{o.slug}.md")]
            + [_num(f.get("articles")), _num(f.get("words"))]
            + [pct(f.get(c)) for c in OUTLET_COLUMNS[3:8]]
            + [_num(f.get("altered_quotes"))]
        )
    return md_table(head, rows)


def md_article(a: ArticleView, level: int, up: str) -> list[str]:
    r = a.row
    title = f" — {md(r['title'], newline=' ')}" if r["title"] else ""
    lines = [f"{'#' * level} {md(r['article'], newline=' ')}{title}", ""]
    link = _link("main text", up + a.text_path) if a.text_path else ""
    return [*lines, article_facts(r, md, ("**", "**"), link), "", *a.md_body()]


def _md_article_body(a: ArticleView) -> list[str]:
    r = a.row
    shares = ARTICLE_COLUMNS[6:11]
    lines = md_table([c.removesuffix("_share") for c in shares], [[pct(r[c]) for c in shares]])
    if a.passages:
        head = ["#", "this article", "source", "source text", "kind", "similarity", "quote"]
        cells = [_md_passage(i, p) for i, p in enumerate(a.passages, 1)]
        lines += md_table([*head, "credit"], cells)
    else:
        lines += ["No copied passages.", ""]
    if a.removed:
        total = sum(n for _, n, _ in a.removed)
        lines += [f"Boilerplate removed: {total} block(s).", ""]
        lines += md_table(
            ["reason", "blocks", "first removed"],
            [[md(r), str(n), md(x)] for r, n, x in a.removed],
        )
    return lines


def _md_passage(i: int, p: Row) -> list[str]:
    where = [md(p["source"]) or "(unknown)"]
    if p["source_article"]:
        where.append(f"{md(p['source_article'])} {span_label(p, 'source_')}")
    if p["origin"] and p["origin"] != p["source"]:
        where.append(f"origin {md(p['origin'])}")
    if p["direction"]:
        where.append(md(direction(p)))
    credit = credit_label(p, md, "uncredited")
    return [
        str(i),
        f"{md(p['text'])} ({span_label(p)})",
        "<br>".join(where),
        md(p["source_text"]),
        md(p["kind"]),
        similarity(p),
        quote_label(p),
        credit,
    ]


def md_outlet(o: OutletView, level: int, up: str) -> list[str]:
    lines = md_outlet_head(o, level)
    for a in o.articles:
        lines += md_article(a, level + 1, up)
    return lines


def md_outlet_head(o: OutletView, level: int) -> list[str]:
    """An outlet's heading, figures and sources, above its articles."""
    h = "#" * level
    lines = [f"{h} {md(o.name or '(none)', newline=' ')}", ""]
    f = o.figures
    if f:
        lines += [md(outlet_line(f)), ""]
    if o.sources:
        head = ["source", "words", "share", "quoted", "credited"]
        rows = [
            [
                md(s["source"]),
                _num(s["words"]),
                *(pct(s[c]) for c in ("share", "quoted_share", "credited_share")),
            ]
            for s in o.sources
        ]
        lines += ["Copied from:", "", *md_table(head, rows)]
    return lines


def md_definitions(view: View, level: int) -> list[str]:
    lines = [f"{'#' * level} Definitions", ""]
    for item in view.definitions:
        lines += [item] if item.startswith("- ") else ["", item, ""]
    return [*lines, ""]


def _md_articles(o: OutletView, level: int, up: str) -> Iterator[Part]:
    """An outlet's articles as keyed parts, a blank line before each."""
    for a in o.articles:
        yield "\n"
        key = functools.partial(_keyed, "md", a, level, up)
        yield key, functools.partial(_md_block, a, level, up)


def _keyed(kind: str, a: ArticleView, *context: object) -> str:
    """The key of an article's part of one kind of file (see compose)."""
    return part_key(kind, *context, a.digest)


def _md_block(a: ArticleView, level: int, up: str) -> str:
    return _tidy(md_article(a, level, up))


def md_parts(view: View) -> Iterator[Part]:
    """report.md as parts (see :mod:`provenance.compose`): Markdown blocks, a blank line apart."""
    lines = [f"# {md(view.title, newline=' ')}", ""]
    if view.sources:
        lines += ["Designated sources: " + ", ".join(md(s) for s in view.sources) + ".", ""]
    order = "Most uncredited copying first, then most copying."
    yield _tidy([*lines, "## Outlets", "", order, "", *md_summary(view)])
    for o in view.outlets:
        yield "\n" + _tidy(md_outlet_head(o, 2))
        yield from _md_articles(o, 3, "")
    yield "\n" + _tidy(md_definitions(view, 2))


def outlet_md_parts(view: View, o: OutletView) -> Iterator[Part]:
    """outlets/<slug>.md as parts."""
    yield _tidy(md_outlet_head(o, 1))
    yield from _md_articles(o, 2, "../")
    yield f"\nDefinitions of every figure: {_link('report.md', '../report.md', 'definitions')}.\n"


def render_md(view: View) -> str:
    return joined(md_parts(view))


def render_outlet_md(view: View, o: OutletView) -> str:
    return joined(outlet_md_parts(view, o))


#: three or more line ends (a literal start, which the regex engine searches for quickly)
_BLANK_LINES = re.compile(r"\n\n\n+")


def _tidy(lines: list[str]) -> str:
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines))
    return text.strip("\n") + "\n"


# --- writing ----------------------------------------------------------------------------------


def render_reports(
    tables: AuditTables,
    *,
    title: str = "provenance audit",
    sources: Sequence[str] = (),
    settings: AuditSettings | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Every report file as ``{relative name: bytes}``; nothing is written.

    See :func:`iter_reports`, which renders one file at a time.
    """
    return dict(iter_reports(tables, title=title, sources=sources, settings=settings, extra=extra))


def iter_reports(
    tables: AuditTables,
    *,
    title: str = "provenance audit",
    sources: Sequence[str] = (),
    settings: AuditSettings | None = None,
    extra: Mapping[str, str] | None = None,
    jobs: int = 1,
    chunks: Chunks | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every report file as ``(relative name, bytes)``, rendered one at a time: sorted by
    name, but the files of :data:`ASIDE` (sorted) come last.

    A corpus of thousands of articles has hundreds of megabytes of reports
    (report.html shows every article): rendered lazily, only one is in memory.

    ``sources``: the designated sources (named in the reports, first colours of the page);
    ``settings``: the run's [audit] settings, for the verdict thresholds the reports quote;
    ``extra``: further files of the run (changes.csv, changes.md);
    ``jobs`` > 1: the files of :data:`ASIDE` are composed at the same time in a forked process;
    ``chunks``: composes the files that show every article (passages.csv and .jsonl,
    report.md, report.html, outlets/*.md), copying the articles a previous run rendered
    (see :mod:`provenance.compose`); its index is filled for the next run.
    """
    view = build_view(tables, title, sources, settings or AuditSettings())
    rows = view.rows
    chunks = Chunks(keyed=False) if chunks is None else chunks
    render: dict[str, Callable[[], str | bytes]] = {
        "articles.csv": lambda: csv_text(rows["articles"], ARTICLE_COLUMNS),
        "outlets.csv": lambda: csv_text(rows["outlets"], OUTLET_COLUMNS),
        "outlet_sources.csv": lambda: csv_text(rows["outlet_sources"], OUTLET_SOURCE_COLUMNS),
    }
    composed: dict[str, Callable[[], Iterable[Part]]] = {
        "passages.csv": functools.partial(passage_parts, view, "csv"),
        "passages.jsonl": functools.partial(passage_parts, view, "jsonl"),
        "report.md": functools.partial(md_parts, view),
        "report.html": functools.partial(html_parts, view),
    }
    for o in view.outlets:
        composed[f"outlets/{o.slug}.md"] = functools.partial(outlet_md_parts, view, o)
    for rel, parts in composed.items():
        render[rel] = functools.partial(_compose, chunks, rel, parts)
    aside_files = [rel for rel in ASIDE if rel in composed and rel not in (extra or {})]
    if jobs > 1 and aside_files and _much_to_render(view, chunks):  # half the work, beside
        aside = _Aside(chunks, {rel: composed[rel] for rel in aside_files})
        for rel in aside_files:
            render[rel] = functools.partial(aside.get, rel)
    # the CSV files' row counts, so publish need not parse them again (see Counted)
    counts = {
        name: len(rows[table])
        for name, table in (
            ("articles.csv", "articles"),
            ("passages.csv", "passages"),
            ("outlets.csv", "outlets"),
            ("outlet_sources.csv", "outlet_sources"),
        )
    }
    for rel, text in (extra or {}).items():  # (one may stand in for a file rendered here)
        render[rel] = functools.partial(str, text)
        counts.pop(rel, None)
        composed.pop(rel, None)
    for article, rel in view.paths.items():
        render[rel] = functools.partial(str, tables.texts[article])
    # the files composed beside come last: this process renders and writes the others first,
    # not waiting for report.html while it could
    for rel in sorted(render, key=lambda rel: (rel in ASIDE, rel)):
        payload = _encode(render.pop(rel)())
        # a composed file's hash is in the index (publish need not hash it again)
        sha256 = chunks.index[rel]["sha256"] if rel in composed else None
        yield Counted(rel, payload, counts.get(rel), sha256)
        del payload  # not held while the next file is rendered


def _compose(chunks: Chunks, rel: str, parts: Callable[[], Iterable[Part]]) -> bytes:
    return chunks.compose(rel, parts())


def _much_to_render(view: View, chunks: Chunks) -> bool:
    """Whether more than a tenth of report.html's articles must be rendered (not copied from
    the previous run): only then is a process to compose files beside the others worth it."""
    if not chunks.previous:
        return True
    known = chunks.keys("report.html")
    todo = sum(article_key(view, a) not in known for a in view.articles.values())
    return todo * 10 > len(view.articles)


#: with workers, the files composed in a forked process beside the others (about half the work)
ASIDE = ("passages.csv", "passages.jsonl", "report.html")


class _Aside:
    """Files composed in a forked process while this one renders the others.

    The process sends each file (its index entry, counts and bytes) as soon as it is
    composed; a thread here receives them as they come, so the process never waits
    for this one.  :meth:`get` waits for one file and takes its index entry into
    ``chunks``; a file the process did not send (it failed or was killed) is
    composed here instead.  Where fork is not available, every file is composed here.
    """

    def __init__(self, chunks: Chunks, composed: Mapping[str, Callable[[], Iterable[Part]]]):
        import multiprocessing
        import threading

        from provenance.workers import fork_available

        self.chunks = chunks
        self.here = {
            rel: functools.partial(_compose, chunks, rel, f) for rel, f in composed.items()
        }
        self.received: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.arrived = threading.Condition()
        self.ended = not fork_available()
        if self.ended:
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        jobs = list(self.here.values())
        process = context.Process(
            target=_render_into, args=(jobs, sender, os.getpid()), daemon=True
        )
        # forked ignoring Ctrl-C (set in the child only, a Ctrl-C right after the fork still
        # came with a traceback); this process takes it again at once
        main = threading.current_thread() is threading.main_thread()
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            process.start()
        finally:
            if handler is not None:
                signal.signal(signal.SIGINT, handler)
        sender.close()
        threading.Thread(target=self._receive, args=(receiver, process), daemon=True).start()

    def _receive(self, receiver: Any, process: Any) -> None:
        try:
            while True:
                done = receiver.recv()
                if done is None:
                    break
                payload = receiver.recv_bytes()
                with self.arrived:
                    self.received[done["rel"]] = (done, payload)
                    self.arrived.notify_all()
        except (EOFError, OSError):  # the process died: what it did not send is composed here
            pass
        finally:
            receiver.close()
            process.join()
            with self.arrived:
                self.ended = True
                self.arrived.notify_all()

    def get(self, rel: str) -> bytes:
        with self.arrived:
            self.arrived.wait_for(lambda: rel in self.received or self.ended)
            got = self.received.pop(rel, None)
        if got is None:
            return self.here[rel]()
        done, payload = got
        self.chunks.adopt(rel, done["entry"])
        self.chunks.reused += done["reused"]
        self.chunks.rendered += done["rendered"]
        return payload


def _render_into(jobs: list[functools.partial[bytes]], sender: Any, parent: int) -> None:
    """In the forked process: compose each file and send its index entry and counts, then
    its bytes; None at the end."""
    from provenance.workers import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (one line)
    die_with_parent(parent)  # (it holds the run's lock too: never outlive a killed run)
    for compose in jobs:
        chunks, rel = compose.args[0], compose.args[1]
        reused, rendered = chunks.reused, chunks.rendered
        payload = compose()
        done = {
            "rel": rel,
            "reused": chunks.reused - reused,
            "rendered": chunks.rendered - rendered,
        }
        sender.send({"entry": chunks.index[rel], **done})
        sender.send_bytes(payload)
        del payload
    sender.send(None)
    sender.close()


def write_reports(
    tables: AuditTables,
    out_dir: Path,
    *,
    title: str = "provenance audit",
    sources: Sequence[str] = (),
    settings: AuditSettings | None = None,
    jobs: int = 1,
) -> list[Path]:
    """Render the reports and publish them atomically in ``out_dir``; return their paths.

    See :mod:`provenance.publish`: the files of one run appear together or not at all.
    """
    names: list[str] = []

    def files() -> Iterator[tuple[str, bytes]]:
        items = iter_reports(tables, title=title, sources=sources, settings=settings, jobs=jobs)
        for item in items:
            names.append(item[0])
            yield item
            del item  # not held while the next file is rendered

    publish(files(), Path(out_dir))
    return [Path(out_dir) / rel for rel in names]
