"""Find and read inputs: the only module that reads article files.

A path is a file, a directory (walked recursively, in sorted order) or ``-``
for standard input.  ``.html``/``.htm`` (also ``.gz``) are HTML, ``.txt``/``.md``
scraped text, ``.jsonl`` one article per line.  A ``manifest.csv`` in a
directory given on the command line, or ``manifest=``, supplies outlet, role,
url, published and language per file.

Every input yields exactly one :class:`~provenance.models.Document`; a bad input
gets a status other than ``ok`` and a one-line ``error`` and the walk goes on.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes
from rapidfuzz.distance import OSA

from provenance.dates import date_problem, iso_date
from provenance.errors import InputError, ManifestError
from provenance.models import Document, Role
from provenance.settings import DEFAULTS, IngestSettings, Settings

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "outlet", "role", "url", "published", "language", "title")
#: other names a manifest's columns go by (compared case-folded, spaces and hyphens as
#: "_"); in a row, the first of a column's names with a value gives it
_MANIFEST_ALIASES: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "filename", "file_name", "filepath", "file_path"),
    "outlet": ("outlet", "outlet_name", "publisher", "site_name", "sitename"),
    "role": ("role",),
    "url": ("url", "link", "canonical_url", "source_url"),
    "published": (
        *("published", "date", "published_at", "publish_date", "publication_date"),
        *("date_published", "datepublished", "date_publish", "pubdate", "pub_date"),
        *("publishedat", "published_date"),
    ),
    "language": ("language", "lang"),
    "title": ("title", "headline"),
}
_ROLE_WORDS: dict[str, Role] = {
    "source": "source",
    "designated": "source",
    "designated source": "source",
    "article": "article",
    "": "article",
}
# Magic numbers of common binary formats that can hide behind a text suffix.
_MAGIC = (
    b"\x89PNG",
    b"%PDF",
    b"PK\x03\x04",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"BZh",
    b"\x7fELF",
    b"RIFF",
    b"\x00\x00\x01\x00",
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class ManifestRow:
    outlet: str | None = None
    role: Role = "article"
    url: str | None = None
    published: str | None = None
    language: str | None = None
    title: str | None = None
    listed_in: str = ""  # the manifest that lists the file (for messages)
    #: why the row is not trusted (the manifest's last row cut off while it was written):
    #: the file is then a failed input for the run, its row's values unused
    cut: str = ""


def _row_values(meta: ManifestRow) -> dict[str, Any]:
    """What a manifest row says of its file, as a :class:`Document`'s fields."""
    return {
        "outlet": meta.outlet,
        "role": meta.role,
        "url": meta.url,
        "published": meta.published,
        "language": meta.language,
        "title": meta.title,
    }


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, *, path: str = "<input>") -> tuple[str, str]:
    """Decode bytes to text; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are, UTF-16
    without BOM is told by its NUL bytes; anything else is left to
    charset-normalizer, which tells cp1251, koi8-r and latin-1 apart.  Raises
    :class:`InputError` for binary or undecodable data.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    head = data[:8192]
    utf16 = None if head.startswith(_MAGIC) else _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    # a stray NUL in a text file happens (one PAN13 document has one); binaries are full of them
    if head.startswith(_MAGIC) or head.count(b"\x00") * 200 > len(head):
        raise InputError(
            "binary file, not text or HTML",
            path=path,
            hint="remove it from the corpus or convert it to text",
            status="binary",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        log.warning(
            "%s: %d byte(s) that are not UTF-8 in UTF-8 text, each read as \ufffd"
            " - re-save the file as UTF-8 to keep them",
            path,
            bad,
        )
        return text, "utf-8"
    russian = _russian_reading(data)
    if russian is not None:
        return russian
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            "cannot tell the text encoding",
            path=path,
            hint="re-save the file as UTF-8",
            status="undecodable",
        )
    return str(best), best.encoding


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text with a few stray bytes (a scraper's slip, one line of a feed written in
    another encoding), read as UTF-8 with those bytes replaced, and their number; None when
    the bytes are not that (another encoding's text has next to no valid UTF-8 sequences
    of two bytes or more, and a whole reading of it in that encoding is right)."""
    data = data.removeprefix(_BOMS[0][0])  # (a BOM is no text, whatever follows it)
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    wide = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return (text, bad) if bad > 0 and wide >= 4 * bad and wide >= 3 else None


_WORDS = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_COMMON = frozenset("оеаинтсрвл")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _russian_reading(data: bytes) -> tuple[str, str] | None:
    """Russian (or another Cyrillic language) in cp1251 or koi8-r, told apart by how
    often the ten most common Russian letters occur (about 60% of the letters of Russian
    text; the other encoding's reading of it scores well under 50%).  A reading counts
    when its words are all Cyrillic or all Latin, several Cyrillic.  charset-normalizer
    reads short koi8-r text as Japanese."""
    found = []
    for encoding in ("cp1251", "koi8_r"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # (the words with a letter outside ASCII: a manifest's file names and column names
        # or a page's English words are the same in every reading)
        words = [w for w in _WORDS.findall(text[:20_000]) if not w.isascii()]
        cyrillic = [w for w in words if _CYRILLIC.search(w)]
        if len(cyrillic) < 2 or len(cyrillic) * 2 < len(words):
            continue
        if any(_LATIN.search(w) for w in cyrillic):
            continue  # a Latin text's accented letters, read as Cyrillic
        letters = "".join(cyrillic).lower()
        found.append((sum(ch in _COMMON for ch in letters) / len(letters), text, encoding))
    if not found:
        return None
    found.sort(reverse=True)
    score, text, encoding = found[0]
    if score < 0.5 or (len(found) > 1 and found[1][0] > score - 0.12):
        return None  # (not clearly Russian: left to charset-normalizer)
    return text, encoding


def _utf16_without_bom(data: bytes, errors: str = "strict") -> tuple[str, str] | None:
    """UTF-16 text without a BOM, told by its NUL bytes: the high bytes of ASCII letters
    and spaces, all at even offsets (big-endian) or all at odd ones (little-endian).
    ``errors``: as for ``bytes.decode`` ("surrogatepass" keeps half a surrogate pair)."""
    head = data[:8192] if len(data) % 2 == 0 else b""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if not half or min(even, odd) * 20 > max(even, odd) or max(even, odd) * 10 < half:
        return None
    encoding = "utf-16-be" if even > odd else "utf-16-le"
    try:
        text = data.decode(encoding, errors)
    except UnicodeDecodeError:
        return None
    shown = sum(1 for ch in text[:4096] if ch.isprintable() or ch.isspace())
    return (text, encoding) if shown >= 0.95 * min(len(text), 4096) else None


def _strip_gzip(data: bytes, path: str, max_bytes: int = DEFAULTS.ingest.max_bytes) -> bytes:
    """Decompress, never past ``max_bytes``: a gzip bomb stops at the cap (too-large)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error):
        raise InputError(
            "damaged gzip file",
            path=path,
            hint="re-download it or remove the .gz suffix",
            status="unreadable",
        ) from None
    if len(out) > max_bytes:
        raise _too_large("decompresses to over", max_bytes, path)
    return out


def _read_capped(fh: BinaryIO, max_bytes: int, size: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes of ``fh``, read in pieces the size the file says it
    has (a read of the whole cap would reserve that much memory first)."""
    chunks, total = [], 0
    want = min(max_bytes, size) + 1
    while total <= max_bytes:
        chunk = fh.read(min(want, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 1 << 20  # (a file that grew since it was looked at)
    return b"".join(chunks)


def _too_large(what: str, max_bytes: int, path: str) -> InputError:
    hint = "raise [ingest] max_bytes in the config file"
    return InputError(
        f"{what} the {max_bytes:,}-byte cap", path=path, hint=hint, status="too-large"
    )


# --------------------------------------------------------------------------- manifest


def load_manifest(path: str | Path) -> dict[Path, ManifestRow]:
    """Read a manifest CSV; keys are resolved file paths.

    Columns: file (required), outlet, role (source/article), url, published,
    language, title, or their other names (:data:`_MANIFEST_ALIASES`: "date" for
    published, "path" for file, ...); others are ignored.  ``file`` is relative to
    the manifest's folder.
    """
    mpath = Path(path)
    try:
        raw = mpath.read_bytes()
    except FileNotFoundError:
        raise ManifestError("manifest not found", path=str(path), hint="check --manifest") from None
    except OSError as exc:
        raise ManifestError(
            f"cannot read manifest ({exc.strerror})",
            path=str(path),
            hint="give --manifest a readable CSV file",
        ) from None
    try:
        text, encoding = decode(raw, path=str(path))
    except InputError as exc:
        raise ManifestError(str(exc)) from None
    if encoding not in ("utf-8", "utf_8", "ascii") and not text.isascii():
        log.warning(
            "%s: not UTF-8; read as %s - if outlet names look wrong, save it as UTF-8",
            path,
            encoding,
        )
    delimiter = _delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [_column(f) for f in (reader.fieldnames or [])]
    _unknown_columns(fields, str(path))
    twice = sorted({f for f in fields if f and fields.count(f) > 1})
    if twice:
        raise ManifestError(
            f"column {twice[0]!r} is named twice in the first row",
            path=str(path),
            hint="keep one column of each name (names are compared in any case)",
        )
    names = {key: [a for a in aliases if a in fields] for key, aliases in _MANIFEST_ALIASES.items()}
    if not names["file"]:
        raise ManifestError(
            "manifest has no 'file' column",
            path=str(path),
            hint=f"the first row must name columns such as {','.join(MANIFEST_COLUMNS)}",
        )
    reader.fieldnames = fields
    # a manifest ending in the middle of a line was cut off while it was written: its last
    # row, with fewer values than the first row names columns, is not to be trusted
    last_line = text.count("\n") + 1 if text and not text.endswith("\n") else 0
    rows: dict[Path, ManifestRow] = {}
    lines: dict[Path, int] = {}
    as_written: dict[Path, tuple[str | None, ...]] = {}  # each file's row
    resolve = _Resolver()
    ragged = False  # (a row before the last short of values: written so by hand, not cut)
    for row in reader:
        # the record's first line (blank lines before it are skipped by the reader)
        spread = sum(v.rstrip("\n").count("\n") for v in row.values() if isinstance(v, str))
        lineno = reader.line_num - spread
        _one_row_per_line(row, delimiter, lineno, reader.line_num, str(path))

        def cell(key: str, row: dict[str, str | None] = row) -> str | None:
            found = (one_line(row.get(alias) or "") for alias in names[key])
            return next((value for value in found if value), None)

        given = (row.get(alias) for alias in names["file"])
        name = next((n.strip() for n in given if n and n.strip()), "")
        cut = reader.line_num == last_line and None in row.values() and not ragged
        ragged = ragged or None in row.values()
        if cut and len([v for v in row.values() if v is not None]) < 2:
            # the file's name itself may be cut short ("tass2.t"): the one file it begins
            # fails for the run, as a row cut later does (audited without its row, TASS's
            # story was an unknown outlet's article copying TASS)
            begun = _begun(mpath.parent, name)
            if begun is None:
                log.warning(
                    "%s: line %d is cut off (%s...) - the manifest being written? the row is"
                    " not used",
                    path,
                    lineno,
                    name,
                )
                continue
            key = resolve(begun)
            rows[key], lines[key] = _cut_row(str(path), lineno, len(fields)), lineno
            continue
        if not name:
            continue
        key = resolve(_listed(mpath.parent, name))
        if cut:
            rows[key], lines[key] = _cut_row(str(path), lineno, len(fields)), lineno
            as_written.pop(key, None)
            continue
        cells = tuple(row.get(f) for f in fields)
        if as_written.get(key) == cells:
            lines[key] = lineno
            continue  # the same row again: nothing to say twice
        as_written[key] = cells
        role = _role((cell("role") or "").strip(), f"{path}: line {lineno}")
        row_of = ManifestRow(
            outlet=_outlet(cell("outlet"), f"{path}: line {lineno}"),
            role=role,
            url=cell("url"),
            published=_published(cell("published"), f"{path}: line {lineno}"),
            language=cell("language"),
            title=cell("title"),
            listed_in=str(path),
        )
        if key in rows and rows[key] != row_of:
            log.warning(
                "%s: line %d lists %s again, with other values than line %d; line %d is used"
                " - keep one row per file",
                path,
                lineno,
                name,
                lines[key],
                lineno,
            )
        rows[key], lines[key] = row_of, lineno
    return rows


def _cut_row(path: str, lineno: int, columns: int) -> ManifestRow:
    """The row of a manifest's last line cut off mid-row: its file fails for the run (its
    outlet, role or date may be cut short, "Hera" for "Herald", or missing)."""
    return ManifestRow(
        listed_in=path,
        cut=f"its row in {printable(path)} (line {lineno}) is cut off, fewer values than the"
        f" {columns} columns - the manifest being written? not audited this run",
    )


def _one_row_per_line(
    row: dict[str | None, Any], delimiter: str, first: int, last: int, path: str
) -> None:
    """A value that runs over lines holding the delimiter is rows swallowed by a quote left
    open ("Russia offers asylum without its closing quote): every row after it would be
    read as part of one value, silently."""
    values = [v for v in row.values() if isinstance(v, str)]
    if any(_swallowed(v, delimiter) for v in values):
        raise ManifestError(
            f"line {first}: a quoted value runs on to line {last}, over other rows"
            " - a quote left open?",
            path=path,
            hint='close the quote, or write a quote inside a value twice ("")',
        )


def _swallowed(value: str, delimiter: str) -> bool:
    """Does ``value`` hold lines that begin like rows of the manifest (the name of a file of
    a kind provenance reads, then the delimiter)?  A note written over two lines does not."""
    lines = value.split("\n")[1:]
    return any(
        delimiter in line
        and _kind_of(Path(line.split(delimiter, 1)[0].strip()), DEFAULTS.ingest) is not None
        for line in lines
    )


def _unknown_columns(fields: Sequence[str], path: str) -> None:
    """Name a column that is almost a known one ("outlett"): its values would be ignored."""
    known = sorted({alias for aliases in _MANIFEST_ALIASES.values() for alias in aliases})
    for field in fields:
        if field and field not in known:
            # a slip of one letter ("outlett", "pubished", "tilte"), not another word with
            # a known one in it ("outlet_id", "subheadline", "published_by")
            close = [k for k in known if len(field) >= 4 and OSA.distance(field, k) <= 1]
            if close:
                log.warning(
                    "%s: column %r is not one the manifest reads, so its values are ignored"
                    " - did you mean %r?",
                    path,
                    field,
                    close[0],
                )


def _outlet(name: str | None, where: str) -> str | None:
    """A manifest's outlet; one with no letter or digit ("-", an emoji) names no outlet,
    and is named on stderr (the article's outlet is then found as if none were given)."""
    if name is None or re.search(r"\w", name):
        return name
    log.warning(
        "%s: outlet %r has no letter or digit, so names no outlet - write the outlet's"
        " name, or leave the cell blank",
        where,
        name,
    )
    return None


def _role(word: str, where: str) -> Role:
    """The role a manifest cell or a JSONL field gives; an unknown word is named on stderr
    and taken as "article" (the rest of the manifest or line still counts)."""
    role = _ROLE_WORDS.get(word.lower())
    if role is None:
        log.warning(
            "%s: role %r is neither 'source' nor 'article'; taken as 'article'"
            " - write source for a designated source's own article",
            where,
            word,
        )
    return role or "article"


def _column(name: str) -> str:
    """A manifest column's name as compared: "Published At" is published_at."""
    return re.sub(r"[\s-]+", "_", name.strip().lstrip("\ufeff").casefold())


def _delimiter(text: str) -> str:
    """The manifest's delimiter: a comma, else the semicolon or tab its first row uses
    (spreadsheets set to a European locale save CSV with semicolons)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in header:
        return ","
    return next((d for d in (";", "\t") if d in header), ",")


def _begun(folder: Path, name: str) -> Path | None:
    """The one file of ``folder`` whose name a cut-off manifest cell ``name`` is or begins
    ("tass2.t" for tass2.txt), or None (none, or several)."""
    if not name.strip():
        return None
    whole = _listed(folder, name)
    if whole.is_file():
        return whole
    place = (folder / name).parent
    stem = Path(name).name
    try:
        found = [c for c in place.iterdir() if c.name.startswith(stem) and c.is_file()]
    except OSError:
        return None
    found = [c for c in found if c.name.casefold() != "manifest.csv"]
    return found[0] if len(found) == 1 else None


def _listed(folder: Path, name: str) -> Path:
    """The path a manifest's ``file`` cell names; "sub\\a.txt" (a manifest written on
    Windows) is sub/a.txt, and a name is found in either Unicode spelling of its accented
    letters (composed or not), when there is no file of that very name."""
    path = folder / name
    if os.path.lexists(path):
        return path
    # "café.txt" typed in the manifest (composed é), saved by macOS with a decomposed é
    spellings = {unicodedata.normalize(form, name) for form in ("NFC", "NFD")} - {name}
    for spelling in sorted(spellings) + ([name.replace("\\", "/")] if "\\" in name else []):
        other = folder / spelling
        if os.path.lexists(other):
            return other
    return path


# --------------------------------------------------------------------------- walking


def _resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when it is a symlink loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop
        return Path(os.path.abspath(path))


class _Resolver:
    """:func:`_resolved` for the many files of a corpus: each folder is resolved once.

    ``Path.resolve`` looks at every component of every path (a dozen ``lstat`` calls
    a file, a ``readlink`` more for a linked one); here a file costs one ``lstat``
    in its already resolved folder, and a link is followed from there.
    """

    #: links followed from one file before falling back to ``Path.resolve`` (a loop)
    MAX_LINKS = 40

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path, links: int = 0) -> Path:
        name = path.name
        if name in ("", ".", "..") or links > self.MAX_LINKS:
            return _resolved(path)
        folder = str(path.parent)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = str(_resolved(path.parent))
        candidate = os.path.join(real, name)
        try:
            if not stat.S_ISLNK(os.lstat(candidate).st_mode):
                return Path(candidate)
            target = os.readlink(candidate)
        except OSError:  # missing or unreadable: as Path.resolve has it
            return _resolved(path)
        return self(Path(os.path.join(real, target)), links + 1)


def _kind_of(path: Path, settings: IngestSettings) -> str | None:
    """'html', 'text', 'jsonl' or None for a file name we do not read."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in settings.html_suffixes:
        return "html"
    if last in settings.text_suffixes:
        return "text"
    if last == ".jsonl":
        return "jsonl"
    return None


def _published_entry(path: str) -> bool:
    """A report folder's published file or folder: a link into its current generation
    (``articles.csv -> .current/articles.csv``).  Such a folder's other entries are hidden
    (``.current``, ``.gen-*``, the lock and the state): nothing of it is read as an article,
    wherever ``--out`` lies, while any article kept beside the reports still is."""
    try:
        return os.readlink(path).startswith(f"{CURRENT_LINK}/")
    except OSError:  # not a link
        return False


#: the link to a report folder's current generation (publish.CURRENT)
CURRENT_LINK = ".current"


def _folders(root: Path, unlisted: list[OSError] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` with its file names, sorted; hidden entries and a report
    folder's published entries left out.  A link to a folder outside ``root`` is walked (each
    real folder once); one to a folder inside it is not (the folder is walked where it is).
    A folder that cannot be listed is added to ``unlisted``."""
    inside = os.path.realpath(root)
    visited: set[str] = set()
    onerror = unlisted.append if unlisted is not None else None
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in visited:  # (a link loop, or a folder linked twice)
            dirnames[:] = []
            continue
        visited.add(real)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and not _published_entry(os.path.join(dirpath, d))
            and not _links_inside(os.path.join(dirpath, d), inside)
        )
        yield (
            dirpath,
            sorted(
                n
                for n in filenames
                if not n.startswith(".") and not _published_entry(os.path.join(dirpath, n))
            ),
        )


def _links_inside(path: str, root: str) -> bool:
    """Is ``path`` a link to a folder under ``root`` (the real path of the walk's root)?"""
    if not os.path.islink(path):
        return False
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _manifests_in(root: Path) -> list[Path]:
    """The manifest.csv files of ``root`` and of its subfolders, outermost first."""
    found = [Path(d) / MANIFEST_NAME for d, names in _folders(root) if MANIFEST_NAME in names]
    return sorted(found, key=lambda m: (len(m.parts), str(m)))


def _walk(
    root: Path, settings: IngestSettings, unlisted: list[OSError] | None = None
) -> Iterator[Path]:
    for dirpath, filenames in _folders(root, unlisted):
        for name in filenames:
            p = Path(dirpath) / name
            if name == MANIFEST_NAME or name.lower() == "readme.md":
                continue
            if _kind_of(p, settings) is None:
                log.debug("skipping %s: not a suffix provenance reads", p)
                continue
            yield p


def _doc_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    name = rel.as_posix()
    for suffix in reversed(rel.suffixes):
        if name.lower().endswith(suffix.lower()):
            name = name[: -len(suffix)]
        if suffix.lower() not in (".gz",):
            break
    return name or rel.as_posix()


def _unreadable(exc: OSError, shown: str, hint: str = "check its permissions") -> InputError:
    return InputError(f"cannot read ({exc.strerror})", path=shown, hint=hint, status="unreadable")


def _a_folder(shown: str) -> InputError:
    return InputError("is a directory", path=shown, hint="give a file here", status="unreadable")


def _failed(
    path: str, doc_id: str, kind: str, exc: InputError, meta: ManifestRow | None = None
) -> Document:
    """A failed input, with what its manifest row (``meta``) says of it: listed as the
    Herald's, an empty file is the Herald's failed input, not an outlet "unknown (...)"."""
    meta = meta or ManifestRow()
    return Document(
        path=path,
        id=doc_id,
        kind="html" if kind == "html" else "text",
        status=exc.status,  # type: ignore[arg-type]
        error=str(exc),
        **_row_values(meta),
    )


def _sniff_kind(text: str) -> str:
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head):
        return "html"
    return "text"


def _read_bytes(path: Path, shown: str, settings: IngestSettings) -> bytes:
    """The file's bytes; a regular file only, and never more than the size cap."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(
            "no such file", path=shown, hint="check the path or the manifest", status="missing"
        ) from None
    except OSError as exc:
        raise _unreadable(exc, shown) from None
    if stat.S_ISDIR(info.st_mode):
        raise _a_folder(shown)
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, /dev/zero never ends
        raise InputError(
            "not a regular file (a pipe, socket or device)",
            path=shown,
            hint="remove it from the corpus",
            status="unreadable",
        )
    if info.st_size > settings.max_bytes:
        raise _too_large(f"file is {info.st_size:,} bytes, over", settings.max_bytes, shown)
    try:
        with path.open("rb") as fh:
            data = _read_capped(fh, settings.max_bytes, info.st_size)
    except IsADirectoryError:
        raise _a_folder(shown) from None
    except OSError as exc:
        raise _unreadable(exc, shown) from None
    if len(data) > settings.max_bytes:  # it grew while we looked
        raise _too_large("file is over", settings.max_bytes, shown)
    return data


def _from_bytes(
    data: bytes,
    shown: str,
    doc_id: str,
    kind: str | None,
    meta: ManifestRow,
    max_bytes: int = DEFAULTS.ingest.max_bytes,
) -> Document:
    if shown.lower().endswith(".gz"):
        data = _strip_gzip(data, shown, max_bytes)
    if not data.strip():
        raise InputError("empty file", path=shown, hint="remove it or re-scrape it", status="empty")
    text, encoding = decode(data, path=shown)
    if not has_text(text):
        raise InputError("empty file", path=shown, hint="remove it or re-scrape it", status="empty")
    real_kind = kind if kind in ("html", "text") else _sniff_kind(text)
    return Document(
        path=shown,
        id=doc_id,
        kind="html" if real_kind == "html" else "text",
        content=text,
        encoding=encoding,
        **_row_values(meta),
    )


_JSONL_FIELDS = ("outlet", "url", "published", "language", "title")
#: the names scrapers give each field of a JSONL article (news-please, trafilatura's JSON,
#: RSS-style feeds), looked up in this order
_JSONL_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid"),
    "html": ("html", "raw_html", "content_html"),
    "text": (
        *("text", "maintext", "body", "content", "content_text", "article", "full_text"),
        "raw_text",
    ),
    "outlet": (
        *("outlet", "sitename", "site_name", "source-hostname", "source_name", "publisher"),
        *("site", "source"),
    ),
    "url": ("url", "link", "canonical_url", "source_url"),
    "published": (
        *("published", "date_publish", "datePublished", "date_published", "published_at"),
        *("publishedAt", "publish_date", "pubDate", "pub_date", "date"),
    ),
    "language": ("language", "lang"),
    "title": ("title", "headline"),
}
_ADDRESS = re.compile(r"(?i)https?://")
#: a body field that is markup: it opens with a tag and closes a block element
_HTML_BODY = re.compile(
    r"\s*<(?=[!a-zA-Z])(?=[\s\S]*</(?:p|div|h[1-6]|li|blockquote|section|article)>)"
)


def _filled(value: object) -> bool:
    return isinstance(value, str) and has_text(value)


def _body(value: object) -> tuple[object, bool]:
    """A body field as text, and whether it is markup: feedparser gives ``content`` as a
    list of {"type": "text/html", "value": ...}."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        parts = [v for v in value if isinstance(v.get("value"), str) and v["value"].strip()]
        html = any("html" in str(v.get("type", "")) for v in parts)
        return "\n\n".join(v["value"] for v in parts) or None, html
    return value, False


def _published(value: str | None, where: str) -> str | None:
    """A publication date in ISO form (see :mod:`provenance.dates`); one that cannot be
    read is logged (the run goes on: the article's order is unknown) and dropped."""
    found = iso_date(value)
    if found is None and value is not None:
        log.warning(
            "%s: published %r is %s; until then its order against other articles is unknown",
            where,
            value,
            date_problem(value),
        )
    return found


_SURROGATE = re.compile("[\\ud800-\\udfff]")
# anything but white space, zero-width and direction marks, BOMs, soft hyphens
_VISIBLE = re.compile("[^\\s\\u00ad\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\ufeff]")
_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f]")


def has_text(text: str) -> bool:
    """True when ``text`` shows something: not only white space, zero-width characters or BOMs."""
    return _VISIBLE.search(text) is not None


def one_line(value: str) -> str:
    """A metadata value (outlet, title, url...) on one line: white space runs, control
    characters and lone surrogates become one space or U+FFFD; ends stripped."""
    return " ".join(_CONTROL.sub(" ", _whole(value)).split())


def _whole(text: str) -> str:
    """``text`` with lone surrogates (JSON escapes such as ``\\ud800``) as U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def printable(name: str) -> str:
    """A name fit for reports and terminals: undecodable bytes of a file name (surrogate
    escapes) as ``\\xe9``, control characters (tab, CR, ESC, NUL...) as ``\\x09``.

    Unlike U+FFFD this keeps two such names apart.
    """
    if name.isprintable() and (name.isascii() or not _SURROGATE.search(name)):
        return name
    try:
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system decoding makes
        name = _SURROGATE.sub("\ufffd", name)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


def _jsonl_lines(data: bytes, shown: str) -> Iterator[tuple[str, InputError | None]]:
    """The file's lines, decoded: as one text when it is UTF-8 (or one encoding throughout),
    else line by line (a feed with one line written in another encoding loses that line
    only, or reads it in its own encoding); an undecodable line comes with its error."""
    try:
        text = data.removeprefix(_BOMS[0][0]).decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # lines end at \n only: JSON text may hold a raw U+2028, form feed or \x1c
        yield from ((line, None) for line in text.split("\n"))
        return
    lines = data.removeprefix(_BOMS[0][0]).split(b"\n")
    # the lines not in UTF-8 read together tell their encoding best (a scraper that wrote
    # cp1251 before an upgrade, then UTF-8: each line in its own; read as one text in the
    # encoding of most, the UTF-8 lines were garbled)
    other = b"\n".join(raw for raw in lines if not _utf8(raw))
    try:
        encoding: str | None = _line_encoding(other, decode(other, path=shown)[1])
    except InputError as exc:
        if exc.status == "binary" and 2 * len(other) > len(data):
            raise  # (a binary file, not a feed: it fails as a whole)
        encoding = None
    for lineno, raw in enumerate(lines, start=1):
        if _utf8(raw):
            yield raw.decode("utf-8"), None
            continue
        try:
            if encoding is not None and encoding != "utf-8":
                yield raw.decode(encoding), None
            else:
                yield decode(raw, path=f"{shown}:{lineno}")[0], None
        except (InputError, UnicodeDecodeError, LookupError) as exc:
            if not isinstance(exc, InputError):
                exc = InputError(
                    f"line {lineno} is in no encoding of the others",
                    path=f"{shown}:{lineno}",
                    hint="re-save the feed as UTF-8",
                    status="undecodable",
                )
            yield "", exc


#: encodings of scripts other than Latin, and multi-byte ones: what a detector finds there
#: stands (see _line_encoding)
_OTHER_SCRIPTS = (
    "utf", "gb", "big5", "shift", "euc", "iso2022", "hz", "johab", "cp932", "cp949", "cp950",
    "cp1251", "koi8", "cp866", "cp855", "iso8859_5", "mac_cyrillic", "cp1253", "iso8859_7",
    "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "cp1258",
)  # fmt: skip


#: the byte order marks of UTF-32 (before UTF-16's: "\xff\xfe" opens both little-endian ones)
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _narrowed(data: bytes, shown: str = "<stdin>") -> bytes:
    """A feed in UTF-16 or UTF-32 (a BOM, or none: its NUL bytes tell it) as UTF-8.  Its
    bytes split at b"\n" are no lines: a wide encoding is read as a whole, never line by
    line (what a feed in 8-bit encodings is, see :func:`_jsonl_lines`); the checks on the
    bytes (a last line cut off) then hold for it too.  A feed cut off while being written
    may end in half a character, and one may hold half a surrogate pair: see :func:`_wide`."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            text = _wide(data, encoding, shown)
            # (None: not what its first bytes say, read line by line)
            return data if text is None else text.encode("utf-8", "surrogatepass")
    lenient = "surrogatepass"
    wide = _utf32_without_bom(_whole_units(data, 4), lenient) or _utf16_without_bom(
        _whole_units(data, 2), lenient
    )
    if wide is not None:
        text = _wide(data, wide[1], shown)
        return data if text is None else text.encode("utf-8", "surrogatepass")
    return data


def _whole_units(data: bytes, width: int) -> bytes:
    """``data`` without the part of a character that ends it (a file cut off mid-write)."""
    return data[: len(data) - len(data) % width]


#: half of a UTF-16 surrogate pair, alone
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _wide(data: bytes, encoding: str, shown: str) -> str | None:
    """``data`` decoded from UTF-16 or UTF-32 (``encoding``).  A feed cut off at an odd byte
    while the scraper wrote it ends in half a character, and one character may be half a
    surrogate pair: either made the whole feed "binary", or read it as 8-bit text, every line
    garbled (review Z).  So the half character at the end is left out (the last line, with no
    newline after it, is then cut off as in a UTF-8 feed), and a lone surrogate reads as
    U+FFFD, with a warning: only its line suffers.  Read that leniently, the lines must begin
    as JSON objects do (bar the ones holding U+FFFD), else None: bytes of another encoding
    after a wide line are no wide text."""
    whole = _whole_units(data, 4 if "32" in encoding else 2)
    try:
        if whole == data:
            return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    try:
        text = whole.decode(encoding, "surrogatepass")
    except UnicodeDecodeError:
        return None
    text, lone = _LONE_SURROGATE.subn("\ufffd", text)
    lines = (line.lstrip(" \t\r\ufeff") for line in text.split("\n"))
    if not all(line.startswith("{") or "\ufffd" in line for line in lines if line):
        return None
    if lone:
        log.warning(
            "%s: %d half surrogate pair(s), no %s character, read as \ufffd", shown, lone, encoding
        )
    return text


def _utf32_without_bom(data: bytes, errors: str = "strict") -> tuple[str, str] | None:
    """UTF-32 text without a BOM, told by its NUL bytes: the two high bytes of every
    character of the Basic Multilingual Plane (the last two of four: little-endian; the
    first two: big-endian); ``errors`` as for :func:`_utf16_without_bom`."""
    head = data[:8192] if len(data) % 4 == 0 else b""
    if not head:
        return None

    def nul(k: int) -> bool:
        return head[k::4].count(0) == len(head[k::4])

    encoding = "utf-32-le" if nul(2) and nul(3) else "utf-32-be" if nul(0) and nul(1) else None
    if encoding is None:
        return None
    try:
        text = data.decode(encoding, errors)
    except UnicodeDecodeError:
        return None
    shown = sum(1 for ch in text[:2048] if ch.isprintable() or ch.isspace())
    return (text, encoding) if shown >= 0.95 * min(len(text), 2048) else None


def _line_encoding(data: bytes, found: str) -> str:
    """The encoding of a feed's lines not in UTF-8: what ``decode`` found, but cp1252 where
    it found another single-byte page for Latin script and cp1252 reads every byte beyond
    ASCII as a letter ("Café crème brûlée" came out as "Cafķ crĶme br¹lķe", a Baltic DOS
    page, a short line telling its detector little); a Polish line in cp1250 has bytes
    cp1252 reads as signs ("³" for "ł"), and keeps its page."""
    name = found.lower().replace("-", "_")
    if name.startswith(_OTHER_SCRIPTS) or name in ("cp1252", "latin_1", "iso8859_1", "ascii"):
        return found
    text = data.decode("cp1252", errors="replace")
    return "cp1252" if all(c.isalpha() for c in text if ord(c) > 127) else found


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _jsonl_documents(data: bytes, shown: str, stem: str, meta: ManifestRow) -> Iterator[Document]:
    """One Document per non-blank line; a file with none is one ``empty`` Document."""
    data = _narrowed(data, shown)
    found = False
    last = len(data.rstrip(b" \t\r\n").split(b"\n"))  # (the last non-blank line's number)
    for lineno, (line, problem) in enumerate(_jsonl_lines(data, shown), start=1):
        where = f"{shown}:{lineno}"
        if problem is not None:
            found = True
            yield Document(
                path=where,
                id=f"{stem}:{lineno}",
                kind="text",
                outlet=meta.outlet,  # (the feed's outlet, as the manifest names it)
                status=problem.status,  # type: ignore[arg-type]
                error=str(problem),
            )
            continue
        if not line.strip():
            continue
        found = True
        try:
            obj = json.loads(line.lstrip("\ufeff"))  # (feeds concatenated: a BOM mid-file)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError) as exc:  # RecursionError: [[[[... 100,000 deep
            if isinstance(exc, RecursionError):
                exc = ValueError("nested too deeply")
            # the last line, with no newline after it: the feed cut off while being written
            cut = lineno == last and not data.rstrip(b" \t\r").endswith(b"\n")
            yield Document(
                path=where,
                id=_broken_line_id(stem, line),
                kind="text",
                outlet=meta.outlet,
                status="cut-off" if cut else "unreadable",
                error=f"{where}: cut off (no newline after it, not a whole JSON object) -"
                " the feed was being written; run again once it is complete"
                if cut
                else f"{where}: not a JSON object ({exc}) - one article object per line",
            )
            continue
        yield _jsonl_document(obj, where, stem, meta, line)
    if not found:
        raise InputError("no JSON lines in the file", path=shown, status="empty")


def _broken_line_id(stem: str, line: str) -> str:
    """The id of a JSONL line that is not whole JSON, read from the raw line as
    :func:`_jsonl_document` names a whole one (its own id, else its url, its title, the
    line): one cut off or otherwise broken keeps the name it has whole, so it is a failed
    input that night, not a removed article and a new one."""
    own = _raw_field(line, "id")
    if own:
        return printable(f"{stem}:{own}")
    return _line_id(stem, _raw_field(line, "url") or _raw_field(line, "title") or line)


def _raw_field(line: str, name: str) -> str | None:
    """The first of ``name``'s fields a raw JSONL line gives as a string (or, for ``id``,
    a number), its JSON escapes undone; None when it gives none."""
    for key in _JSONL_ALIASES.get(name, (name,)):
        found = re.search(rf'"{key}"\s*:\s*(?:"((?:[^"\\]|\\.)+)"|(-?[0-9][0-9.eE+-]*))', line)
        if found is None or (found.group(2) is not None and name != "id"):
            continue
        try:  # (as a whole line's field reads it: JSON escapes undone, one line)
            value = json.loads(f'"{found.group(1)}"' if found.group(1) else found.group(2))
        except ValueError:
            continue
        if one_line(str(value)):
            return one_line(str(value))
    return None


def _line_id(stem: str, key: str) -> str:
    """The id of a JSONL article that gives none: ``<file stem>:`` and a hash of its address
    (else of its line), not its line number: a feed that puts new articles first, or is
    re-sorted, keeps each article's id (its passages are not new the next night)."""
    return f"{stem}:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def _no_body(obj: dict[str, object]) -> str:
    """Why a JSONL line has no body: none given, or one of another type than text."""
    for key in (*_JSONL_ALIASES["text"], *_JSONL_ALIASES["html"]):
        value = obj.get(key)
        if value is not None and not isinstance(value, str | list | dict):
            return f"'{key}' is {type(value).__name__} {str(value)[:20]!r}, not text"
    return "no 'text' or 'html'"


def _jsonl_document(
    obj: dict[str, object], where: str, stem: str, meta: ManifestRow, line: str
) -> Document:
    def field(name: str) -> str | None:
        for key in _JSONL_ALIASES.get(name, (name,)):
            value = obj.get(key)
            if name == "outlet" and isinstance(value, dict):  # NewsAPI: "source": {"name": ...}
                value = value.get("name")
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                found = one_line(str(value))
                if found and (name != "outlet" or not _ADDRESS.match(found)):
                    return found
        return None

    html = next((obj[k] for k in _JSONL_ALIASES["html"] if _filled(obj.get(k))), None)
    bodies = (_body(obj.get(k)) for k in _JSONL_ALIASES["text"])
    body, marked = next(((b, m) for b, m in bodies if _filled(b)), (None, False))
    if html is None and isinstance(body, str) and (marked or _HTML_BODY.match(body)):
        # markup in a body field (a feed's content:encoded, a CMS export): a page to extract
        html = (
            body
            if _sniff_kind(body) == "html"
            else f"<html><body><article>{body}</article></body></html>"
        )
    is_html = html is not None
    content = html if is_html else body
    address = field("url") or (field("source") if _ADDRESS.match(field("source") or "") else None)
    # (a url, else a title, names the article whatever else of it is edited)
    # (a feed's own id is the feed's: "1" in two feeds, or a feed added, renamed both)
    own = field("id")
    doc_id = printable(
        f"{stem}:{own}" if own else _line_id(stem, address or field("title") or line)
    )
    if not isinstance(content, str) or not has_text(content):
        return Document(  # (under its outlet: not an outlet of its own, "unknown (...)")
            path=where,
            id=doc_id,
            kind="text",
            outlet=meta.outlet or field("outlet"),
            status="empty",
            error=f"{where}: {_no_body(obj)} - give the article body in one of them, as text",
        )
    role = _role(field("role") or meta.role, where)
    values = {name: field(name) for name in _JSONL_FIELDS}
    source = field("source")
    if not values["url"] and source and _ADDRESS.match(source):
        values["url"] = source  # (trafilatura's JSON gives the page's address as "source")
    dated = values["published"]
    values = {name: value or getattr(meta, name) for name, value in values.items()}
    if meta.outlet:  # (the manifest names the feed's outlet: most explicit, as for a file)
        values["outlet"] = meta.outlet
    if dated:  # the line's own date, read (or none, when unreadable)
        values["published"] = _published(dated, where)
    return Document(
        path=where,
        id=doc_id,
        kind="html" if is_html else "text",
        content=_whole(content),
        encoding="utf-8",
        role=role,
        **values,  # type: ignore[arg-type]
    )


def read_document(
    path: str | Path,
    *,
    settings: Settings = DEFAULTS,
    root: Path | None = None,
    manifest: dict[Path, ManifestRow] | None = None,
    resolved: Path | None = None,
) -> Document:
    """Read one (non-JSONL) file into a Document; failures become a status.

    ``resolved``: the file's resolved path when the caller has it (a walk over a
    corpus resolves every file once for the duplicate check).
    """
    p = Path(path)
    shown = printable(str(path))
    kind = _kind_of(p, settings.ingest)
    doc_id = printable(_doc_id(p, root))
    meta = (manifest or {}).get(resolved or _resolved(p), ManifestRow())
    try:
        _trusted(meta, shown)
        data = _read_bytes(p, shown, settings.ingest)
        return _from_bytes(data, shown, doc_id, kind, meta, settings.ingest.max_bytes)
    except InputError as exc:
        return _failed(shown, doc_id, kind or "text", exc, meta)


def _trusted(meta: ManifestRow, shown: str) -> None:
    """Raise the failure of a file whose manifest row was cut off (``ManifestRow.cut``)."""
    if meta.cut:
        raise InputError(
            meta.cut, path=shown, hint="run again once it is written whole", status="cut-off"
        )


def _read_stdin(stream: BinaryIO, settings: IngestSettings) -> Iterator[Document]:
    data = stream.read(settings.max_bytes + 1)
    try:
        if len(data) > settings.max_bytes:
            raise InputError(
                "standard input is over the size cap", path="<stdin>", status="too-large"
            )
        text_head = _narrowed(data).lstrip()[:1]
        if text_head == b"{":
            yield from _jsonl_documents(data, "<stdin>", "stdin", ManifestRow())
            return
        yield _from_bytes(data, "<stdin>", "stdin", None, ManifestRow(), settings.max_bytes)
    except InputError as exc:
        yield _failed("<stdin>", "stdin", "text", exc)


def _no_input_in(folder: Path, settings: IngestSettings) -> bool:
    """Does ``folder`` hold no file provenance reads (an unmounted mount point, a folder with
    only a README, a .gitkeep or the reports of an earlier run)?"""
    return not any(True for _ in _walk(folder, settings, []))


def _inputs_only_it_could_list(folder: Path, settings: IngestSettings) -> bool:
    """Does ``folder`` hold a file its own manifest would speak for: one that no manifest of
    a folder below it can list (a top manifest left with its header only, each subfolder
    listing its own files, speaks for none)?"""
    for path in _walk(folder, settings, []):
        between = path.parent
        while between != folder and not (between / MANIFEST_NAME).is_file():
            between = between.parent
        if between == folder:
            return True
    return False


def _empty_folder(given: str) -> Document:
    """A corpus folder with no input in it: a failed input, so that a run over several
    folders, one of them unmounted, says so (exit 1) instead of dropping its articles."""
    shown = printable(given)
    why = InputError(
        "no article in the folder",
        path=shown,
        hint="check that it is the corpus and that it is mounted",
        status="empty",
    )
    return _failed(shown, shown, "text", why)


def iter_documents(
    paths: Sequence[str],
    *,
    manifest: str | Path | None = None,
    settings: Settings = DEFAULTS,
    stdin: BinaryIO | None = None,
) -> Iterator[Document]:
    """Yield one Document per input, in a stable order.

    Raises :class:`ManifestError` only for an unusable manifest; every other
    problem is recorded on the document.
    """
    explicit = load_manifest(manifest) if manifest is not None else {}
    if manifest is not None and not explicit:  # (its header only: being written, or empty)
        raise ManifestError(
            "lists no file (its header only, or nothing) - being written?",
            path=str(manifest),
            hint="give --manifest a row per file, or leave it out",
        )
    beside: dict[Path, tuple[dict[Path, ManifestRow], list[Document], Callable[[Path], bool]]] = {}
    seen: set[Path] = set()
    resolve = _Resolver()
    ids = _JsonlIds()
    for given in paths:
        if given == "-":
            yield from ids.settle(_read_stdin(stdin or sys.stdin.buffer, settings.ingest))
            continue
        p = Path(given)
        if p.is_dir():
            rows = dict(explicit)
            found = _manifests_in(p) if manifest is None else []
            broken: list[Document] = []
            withheld: Callable[[Path], bool] = _nothing
            if found:
                rows, broken, withheld = _discovered_rows(found, p, settings.ingest)
            yield from broken
            count = 0
            docs = _documents_in(p, rows, settings, seen, resolve, withheld)
            for doc in ids.settle(docs, p, rows):
                count += 1
                yield doc
            if not count and not broken and _no_input_in(p, settings.ingest):
                yield _empty_folder(given)
            if found:
                yield from _missing_from_manifest(rows, p, seen, folder=True)
        elif p.name == MANIFEST_NAME and manifest is None and p.is_file():
            log.warning("%s is a manifest, not an article: give its folder, or --manifest", given)
        else:
            rows = explicit
            withheld = _nothing
            if manifest is None:  # a file's own folder's manifest speaks for it
                if p.parent not in beside:
                    local = p.parent / MANIFEST_NAME
                    beside[p.parent] = (
                        _discovered_rows([local], p.parent, settings.ingest)
                        if local.is_file()
                        else ({}, [], _nothing)
                    )
                    yield from beside[p.parent][1]
                rows, _, withheld = beside[p.parent]
            docs = _documents_at(p, given, None, rows, settings, seen, resolve, withheld)
            yield from ids.settle(docs)
    if manifest is not None:
        yield from _missing_from_manifest(explicit, Path(manifest).parent, seen)


class _JsonlIds:
    """Keeps the ids of JSONL articles unique in a run: they name the articles in the reports.

    An id used before in the run, or naming a file of the corpus folder (or one its
    manifest lists), becomes ``id~2`` (``~3``...), with a warning.
    """

    _LINE = re.compile(r":[0-9]+$")

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def settle(
        self, docs: Iterable[Document], root: Path | None = None, rows: Iterable[Path] = ()
    ) -> Iterator[Document]:
        listed = set(rows)
        for doc in docs:
            if self._LINE.search(doc.path):
                doc_id, n = doc.id, 1
                while doc_id in self.taken or self._names_a_file(root, doc_id, listed):
                    n += 1
                    doc_id = f"{doc.id}~{n}"
                if doc_id != doc.id:
                    log.warning("%s: id %r is taken; the article is %r", doc.path, doc.id, doc_id)
                    doc = replace(doc, id=doc_id)
                self.taken.add(doc_id)
            yield doc

    @staticmethod
    def _names_a_file(root: Path | None, doc_id: str, listed: set[Path]) -> bool:
        if root is None:
            return False
        try:
            path = root / doc_id
            return path.is_file() or _resolved(path) in listed
        except (OSError, ValueError):  # an id with a NUL byte, or too long for a path
            return False


def _documents_in(
    root: Path,
    rows: dict[Path, ManifestRow],
    settings: Settings,
    seen: set[Path],
    resolve: _Resolver,
    withheld: Callable[[Path], bool],
) -> Iterator[Document]:
    unlisted: list[OSError] = []
    for f in _walk(root, settings.ingest, unlisted):
        yield from _documents_at(f, str(f), root, rows, settings, seen, resolve, withheld)
    for exc in unlisted:  # its files are not audited: named, never skipped in silence
        folder = str(exc.filename or root)
        doc_id = printable(_doc_id(Path(folder), root) if folder != str(root) else root.name)
        why = InputError(
            f"cannot list the folder ({exc.strerror or exc})",
            path=printable(folder),
            hint="check its permissions",
        )
        yield _failed(folder, doc_id, "text", why)


def _documents_at(
    p: Path,
    shown: str,
    root: Path | None,
    rows: dict[Path, ManifestRow],
    settings: Settings,
    seen: set[Path],
    resolve: _Resolver,
    withheld: Callable[[Path], bool],
) -> Iterator[Document]:
    """The documents of the file ``p``: none when it was read already, or when a manifest
    that cannot be used this run speaks for it (see :func:`_discovered_rows`)."""
    resolved = resolve(p)
    if resolved in seen:
        return
    seen.add(resolved)
    if withheld(resolved):
        return
    if _kind_of(p, settings.ingest) == "jsonl":
        shown, stem = printable(shown), printable(_doc_id(p, root))
        try:
            _trusted(rows.get(resolved, ManifestRow()), shown)
            data = _read_bytes(p, shown, settings.ingest)
            if shown.lower().endswith(".gz"):
                data = _strip_gzip(data, shown, settings.ingest.max_bytes)
            yield from _jsonl_documents(data, shown, stem, rows.get(resolved, ManifestRow()))
        except InputError as exc:
            yield _failed(shown, stem, "text", exc, rows.get(resolved))
        return
    yield read_document(p, settings=settings, root=root, manifest=rows, resolved=resolved)


def _nothing(path: Path) -> bool:
    """No manifest withholds ``path``."""
    return False


def _discovered_rows(
    manifests: list[Path], root: Path, settings: IngestSettings
) -> tuple[dict[Path, ManifestRow], list[Document], Callable[[Path], bool]]:
    """The rows of the manifests found in a corpus folder, each file's from the manifest
    of its own folder or the nearest folder above it (a manifest elsewhere that lists it
    counts only when none of those does); a failed document per manifest that cannot be
    used (named, with the fix); and which files such a manifest speaks for: they are not
    audited this run.  (Audited without it, TASS's articles were no designated source's,
    every outlet "unknown (...)", uncredited copying new, and all of it again the night it
    was back: a manifest unreadable, or emptied by a scraper rewriting it, for a night.)
    A manifest that lists no file (its header only, or nothing) while its folder holds
    articles counts as one that cannot be used: it is being written, or belongs to no file."""
    rows: dict[Path, ManifestRow] = {}
    nearness: dict[Path, int] = {}
    broken = []
    withheld: dict[Path, int] = {}  # the folder of each manifest not used -> its depth
    for local in manifests:
        folder = _resolved(local.parent)
        try:
            found = load_manifest(local)
            if not found and _inputs_only_it_could_list(local.parent, settings):
                raise ManifestError(
                    "lists no file (its header only, or nothing) - being written?",
                    path=str(local),
                    hint="give each file of its folder a row, or delete it",
                )
        except ManifestError as exc:
            broken.append(
                Document(
                    path=printable(str(local)),
                    id=printable(_doc_id(local, root)),
                    kind="text",
                    status="unreadable",
                    error=f"{exc} - the files it speaks for are not audited this run",
                )
            )
            withheld[folder] = len(folder.parts)
            continue
        for path, row in found.items():
            near = len(folder.parts) if folder in path.parents else -1
            if near >= nearness.get(path, -2):
                rows[path], nearness[path] = row, near

    def unlisted(path: Path) -> bool:
        """Does a manifest not used speak for ``path`` (a resolved file), no deeper one?"""
        return any(
            depth > nearness.get(path, -2) and folder in path.parents
            for folder, depth in withheld.items()
        )

    return rows, broken, unlisted


def _missing_from_manifest(
    rows: dict[Path, ManifestRow], base: Path, seen: set[Path], *, folder: bool = False
) -> Iterable[Document]:
    """Failed inputs for the rows whose files are not there; with ``folder`` (the manifest
    of the folder ``base`` audited), a warning for each row naming a file it did not read.
    (A manifest given with --manifest may list more than the paths audited.)"""
    inside = _resolved(base) if folder else None
    for path in sorted(rows):
        if path in seen:
            continue
        shown = os.path.relpath(path, Path.cwd()) if path.is_absolute() else str(path)
        try:
            is_dir, exists = path.is_dir(), path.exists()
        except OSError as exc:  # a folder on its way that cannot be looked into
            seen.add(path)
            hint = "check the permissions of its folder"
            yield _failed(shown, path.stem, "text", _unreadable(exc, shown, hint))
            continue
        if is_dir:
            seen.add(path)
            log.warning(
                "%s: listed in %s as a file, but a folder - give each of its files a row",
                printable(str(path)),
                printable(rows[path].listed_in or "the manifest"),
            )
        elif not exists:
            seen.add(path)
            listed = rows[path].listed_in
            gone = InputError(
                f"listed in {printable(listed)} but not found"
                if listed
                else "listed in the manifest but not found",
                path=shown,
                hint=f"fix the manifest's file column (its names are relative to {_folder_of(listed)})",
                status="missing",
            )
            yield _failed(shown, path.stem, "text", gone, rows[path])
        elif inside is not None:  # there, but not audited: its row is not used
            seen.add(path)
            listed = printable(rows[path].listed_in or "the manifest")
            if inside in path.parents:
                log.warning(
                    "%s: listed in %s, but not a file provenance reads - not audited;"
                    " it reads .txt, .md, .html, .htm and .jsonl files (also gzipped), not"
                    " hidden ones",
                    printable(shown),
                    listed,
                )
            else:
                log.warning(
                    "%s: listed in %s, but outside the folder audited - not audited;"
                    " move it into %s, or give its folder too",
                    printable(shown),
                    listed,
                    printable(str(base)),
                )


def _folder_of(manifest: str | None) -> str:
    """The folder a manifest's file names are relative to, as the user would write it."""
    if not manifest:
        return "the manifest's folder"
    folder = Path(manifest).parent
    return printable(str(folder.resolve() if str(folder) == "." else folder)) + os.sep
