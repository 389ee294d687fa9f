"""Publish a complete set of report files atomically, and verify what is published.

A run's files go into a *generation* folder ``OUT/.gen-<hash>/`` (the hash is that
of the run's manifest, so identical output is the identical folder).  The folder
is written in full, synced to disk, and only then made current by replacing one
symlink, ``OUT/.current``, with a rename: the single atomic step.  Every report
name in ``OUT`` (``report.md``, ``texts``, ``manifest.json``...) is a fixed
relative symlink into ``.current``, so readers see either the previous complete
reports or the new complete ones, whenever a run is killed.

``manifest.json`` is written last into the generation: per file its size, sha256
and (for CSV and JSONL) row count.  :func:`verify` checks a published folder
against it.  Files in ``OUT`` that are not report names (a README, the state
database, the lock file) are never touched.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import ctypes
import hashlib
import io
import itertools
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from provenance import __version__
from provenance.errors import OutputError

CURRENT = ".current"
GEN_PREFIX = ".gen-"
MANIFEST = "manifest.json"


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not everywhere (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _rows(rel: str, payload: bytes) -> int | None:
    if rel.endswith(".jsonl"):
        return payload.count(b"\n")
    if rel.endswith(".csv"):
        reader = csv.reader(io.StringIO(payload.decode("utf-8")))
        return max(sum(1 for _ in reader) - 1, 0)
    return None


class Counted(tuple[str, bytes]):
    """A ``(name, bytes)`` pair for :func:`publish` that carries the file's row count, as
    :func:`_rows` would find it, and its sha256, when its writer knows them: publish need
    not parse or hash again a file of tens of megabytes.  Unpacks as the pair."""

    rows: int | None
    sha256: str | None

    def __new__(
        cls, rel: str, payload: bytes, rows: int | None = None, sha256: str | None = None
    ) -> Counted:
        pair = super().__new__(cls, (rel, payload))
        pair.rows = rows
        pair.sha256 = sha256
        return pair


def _entry(
    rel: str, payload: bytes, rows: int | None = None, sha256: str | None = None
) -> dict[str, object]:
    """A file's manifest entry; ``rows`` and ``sha256``, when given, are its row count and
    hash (not worked out again)."""
    entry: dict[str, object] = {
        "bytes": len(payload),
        "sha256": sha256 or hashlib.sha256(payload).hexdigest(),
    }
    if rows is None or not rel.endswith((".csv", ".jsonl")):
        rows = _rows(rel, payload)
    if rows is not None:
        entry["rows"] = rows
    return entry


def _manifest_doc(entries: Mapping[str, dict[str, object]]) -> bytes:
    doc = {"generator": f"provenance {__version__}", "files": dict(sorted(entries.items()))}
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def manifest(files: Mapping[str, bytes]) -> bytes:
    """The manifest of a set of files: sizes, sha256 and row counts, sorted by name."""
    return _manifest_doc({rel: _entry(rel, files[rel]) for rel in files})


def _check_name(rel: str) -> None:
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or ".." in parts or parts[0].startswith("."):
        raise ValueError(f"unsafe report file name {rel!r}")
    if rel == MANIFEST:
        raise ValueError(f"{MANIFEST} is written by publish, not given to it")


def _write(path: Path, payload: bytes, old: Path | None) -> bool:
    """Write one file of a new generation (not yet synced); True unless the current
    generation's identical file was linked instead (already durable: no copy).  The
    folder must exist."""
    if old is not None:
        with contextlib.suppress(OSError):
            if old.stat().st_size == len(payload) and old.read_bytes() == payload:
                os.link(old, path)
                return False
    # os.open, not open(): no buffered file object (a corpus has thousands of small files,
    # and open() costs as much again as the file system's own work for each)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return True


def _sync(folder: Path, written: list[Path]) -> None:
    """Make the files ``written`` under ``folder`` durable.

    Linux: one ``syncfs`` of the file system holding them, instead of an fsync
    per file (a corpus has thousands of report files), unless only a few were
    written; elsewhere, or if that call fails, an fsync per file.
    """
    if not written:
        return
    if len(written) <= _FSYNC_EACH:  # (syncfs flushes every dirty file of the file system)
        _fsync_each(written)
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):  # no syncfs here
        pass
    _fsync_each(written)


#: up to this many files written (a re-run that copied the rest), an fsync each
_FSYNC_EACH = 64


def _fsync_each(written: list[Path]) -> None:
    for path in written:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _build(out: Path, files: Iterable[tuple[str, bytes]]) -> tuple[Path, set[str]]:
    """Write a generation folder in full (under a temporary name first), name it by its
    manifest's hash and return it with the top-level names it holds."""
    _clear_leftovers(out)
    tmp = out / f"{GEN_PREFIX}tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        return _build_in(out, tmp, files)
    except BaseException:  # a full disk, a bad name, an interrupt: no half-built folder left
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _clear_leftovers(out: Path) -> None:
    """Remove the temporary folders of runs that ended while building (their process is
    gone): a run stopped by a full disk must not leave it full for the next one."""
    for entry in out.glob(f"{GEN_PREFIX}tmp-*"):
        if not _building(entry):
            shutil.rmtree(entry, ignore_errors=True)


def _building(entry: Path) -> bool:
    """Is ``entry`` the temporary folder of another process still building?"""
    pid = entry.name.removeprefix(f"{GEN_PREFIX}tmp-")
    return pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _build_in(out: Path, tmp: Path, files: Iterable[tuple[str, bytes]]) -> tuple[Path, set[str]]:
    current = out / CURRENT
    # a first run has no current generation: no file to look for there (thousands of them)
    linkable = current.exists()
    folders = {tmp}
    made: set[Path] = set()  # folders made (so not once per file)
    entries: dict[str, dict[str, object]] = {}
    written: list[Path] = []
    with _Writers() as writers:
        for item in files:
            rel = item[0]
            _check_name(rel)
            if rel in entries:
                raise ValueError(f"report file {rel!r} given twice")
            parts = PurePosixPath(rel).parts
            target = tmp.joinpath(*parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(item, _Linked):  # a verified file of the current generation, as it is
                os.link(current.joinpath(*parts), target)
                entries[rel] = item.entry
                continue
            payload = item[1]
            writers.write(target, payload, current.joinpath(*parts) if linkable else None, written)
            entries[rel] = _entry(
                rel, payload, getattr(item, "rows", None), getattr(item, "sha256", None)
            )
            del item, payload  # not held while the next file is rendered
    folders |= made
    _sync(tmp, written)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        fsync_dir(folder)
    listing = _manifest_doc(entries)
    with open(tmp / MANIFEST, "wb") as fh:
        fh.write(listing)
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(tmp)
    name = f"{GEN_PREFIX}{hashlib.sha256(listing).hexdigest()[:16]}"
    final = out / name
    tops = {PurePosixPath(rel).parts[0] for rel in entries} | {MANIFEST}
    if (final / MANIFEST).is_file() and (final / MANIFEST).read_bytes() == listing:
        if _same_files(tmp, final, written):
            shutil.rmtree(tmp, ignore_errors=True)  # identical output: the folder is there
            return final, tops
        # the folder of this very output, its files edited since (the current reports,
        # repaired now): published under another name, so the switch stays atomic
        final = out / f"{name}-{os.getpid()}"
        if final.name == _current_name(out):
            final = out / f"{name}-{os.getpid()}-b"
    shutil.rmtree(final, ignore_errors=True)  # a half-built leftover of the same name
    os.replace(tmp, final)
    fsync_dir(out)
    return final, tops


def _same_files(tmp: Path, final: Path, written: list[Path]) -> bool:
    """Do the files written to ``tmp`` stand in ``final`` byte for byte (its manifest says
    so, but a file of it may have been edited since)?"""
    for path in written:
        twin = final / path.relative_to(tmp)
        try:
            if twin.stat().st_size != path.stat().st_size or twin.read_bytes() != path.read_bytes():
                return False
        except OSError:
            return False
    return True


class _Writers:
    """Files written by a few threads: creating a file costs the file system a tenth of a
    millisecond, during which Python lets other threads run, and a corpus has thousands
    of files.  At most ``MAX_PENDING`` payloads wait to be written (memory stays bounded).
    Each file copied (not linked) is added to the ``written`` list given with it.

    The files of one folder are all written by the same thread (a lane per folder):
    the kernel creates one file at a time in a folder, and threads waiting for a
    folder's lock spin on it, burning the CPU the rendering needs (on ext4 a file's
    creation can take a millisecond after many files were deleted, when it looks past
    recently freed inodes).
    """

    THREADS = 4
    MAX_PENDING = 64

    def __init__(self) -> None:
        self._lanes = [
            ThreadPoolExecutor(1, thread_name_prefix=f"publish-{n}") for n in range(self.THREADS)
        ]
        self._lane_of: dict[Path, ThreadPoolExecutor] = {}
        self._pending: collections.deque[tuple[Future[bool], Path, list[Path]]] = (
            collections.deque()
        )

    def write(self, target: Path, payload: bytes, old: Path | None, written: list[Path]) -> None:
        lane = self._lane_of.get(target.parent)
        if lane is None:  # folders take the lanes in turn
            lane = self._lane_of[target.parent] = self._lanes[len(self._lane_of) % len(self._lanes)]
        self._pending.append((lane.submit(_write, target, payload, old), target, written))
        while len(self._pending) > self.MAX_PENDING:
            self._settle()

    def _settle(self) -> None:
        future, target, written = self._pending.popleft()
        if future.result():  # (an error in writing is raised here, in the caller)
            written.append(target)

    def __enter__(self) -> _Writers:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            while self._pending:
                if kind is None:
                    self._settle()
                else:  # already failing: wait for the rest, raise nothing more
                    with contextlib.suppress(Exception):
                        self._settle()
        finally:
            for lane in self._lanes:
                lane.shutdown(wait=True)


class _Linked(tuple[str, dict[str, object]]):
    """A file of the current generation published again unread, with its manifest entry."""

    @property
    def entry(self) -> dict[str, object]:
        return self[1]


def republish(out: Path, changed: Mapping[str, bytes]) -> Path:
    """Publish the current reports in ``out`` again with the files ``changed`` replaced.

    The other files are linked from the current generation, not read or hashed
    again: their manifest entries are kept, so :func:`verify` them first.
    """
    listed = json.loads((out / CURRENT / MANIFEST).read_text(encoding="utf-8"))["files"]
    kept: Iterable[tuple[str, Any]] = (
        _Linked((rel, entry)) for rel, entry in sorted(listed.items()) if rel not in changed
    )
    return publish(itertools.chain(kept, sorted(changed.items())), out)


def _symlink(out: Path, name: str, target: str) -> None:
    """Make ``out/name`` a symlink to ``target``, replacing what stands there atomically."""
    link = out / name
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.is_dir() and not link.is_symlink():  # a report folder of the old flat layout
        trash = out / f"{GEN_PREFIX}old-{name}-{os.getpid()}"  # (see _foreign)
        os.replace(link, trash)
        shutil.rmtree(trash, ignore_errors=True)
    tmp = out / f".{name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], out: Path) -> Path:
    """Publish ``files`` (relative name -> bytes, or such pairs one at a time, which may be
    :class:`Counted`) as the current reports in ``out``.

    Returns the generation folder.  Crash-safe at every step: until the final
    rename of ``.current``, the previous generation stays current.  Given
    pairs, only one file need be in memory at a time.
    """
    out.mkdir(parents=True, exist_ok=True)
    pairs = files.items() if isinstance(files, Mapping) else files
    gen, tops = _build(out, pairs)
    theirs = [top for top in sorted(tops | {CURRENT}) if _foreign(out, top)]
    if theirs:
        if gen.name != _current_name(out):
            shutil.rmtree(gen, ignore_errors=True)
        raise OutputError(
            f"{theirs[0]} is not a report this tool wrote, and the reports need its name",
            path=str(out),
            hint="move it elsewhere, or choose another --out folder",
        )
    for top in sorted(tops):
        _symlink(out, top, f"{CURRENT}/{top}")
    _symlink(out, CURRENT, gen.name)  # the commit point
    fsync_dir(out)
    _clean(out, gen.name, tops)
    return gen


def _current_name(out: Path) -> str | None:
    try:
        return os.readlink(out / CURRENT)
    except OSError:
        return None


def _foreign(out: Path, name: str) -> bool:
    """Is ``out/name`` something publishing must not replace: a file or folder that is
    not a link and not a report of the old flat layout (written straight into ``out``,
    each file listed with its hash in a ``manifest.json`` that is a file, not a link)?"""
    path = out / name
    if path.is_symlink() or not os.path.lexists(path):
        return False
    try:
        doc = json.loads((out / MANIFEST).read_bytes())
        if (out / MANIFEST).is_symlink() or not str(doc["generator"]).startswith("provenance"):
            return True
        if name == MANIFEST:
            return False
        listed = doc["files"]
        found = [path] if not path.is_dir() else [p for p in path.rglob("*") if not p.is_dir()]
        for f in found:
            entry = listed.get(f.relative_to(out).as_posix())
            if f.is_symlink() or not isinstance(entry, dict):
                return True
            if hashlib.sha256(f.read_bytes()).hexdigest() != entry.get("sha256"):
                return True
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return True
    return False


def _clean(out: Path, keep: str, tops: set[str]) -> None:
    """Remove old generations and links to report names this run no longer has."""
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(GEN_PREFIX) and entry.name != keep:
            if not _building(entry):
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_symlink() and ".link-" in entry.name and entry.name.startswith("."):
            entry.unlink()  # a link a killed run made and did not rename
        elif (
            entry.is_symlink()
            and os.readlink(entry).startswith(f"{CURRENT}/")
            and entry.name not in tops
        ):
            entry.unlink()


def verify(out: Path, known: Mapping[str, Any] | None = None) -> list[str]:
    """Problems with the published reports in ``out`` (empty when complete).

    ``known``: :func:`signatures` taken when the files were published.  A file whose
    size, modification time and inode are still those, under the same sha256 in the
    manifest, is taken as unchanged without being read again (as make and rsync do:
    an edit changes the modification time); any other file is hashed.
    """
    try:
        entries = _listed(out)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{out / MANIFEST}: unreadable manifest ({exc.__class__.__name__})"]
    problems = [] if entries else [f"{out / MANIFEST}: lists no files"]
    for rel, entry in sorted(entries.items()):
        path = out / rel
        try:
            if known and known.get(rel) == _file_signature(path, entry.get("sha256")):
                continue
            payload = path.read_bytes()
        except (OSError, ValueError):  # (ValueError: a name with a NUL in it)
            shown = rel if rel.isprintable() else rel.encode("unicode_escape").decode("ascii")
            problems.append(f"{shown}: missing")
            continue
        if hashlib.sha256(payload).hexdigest() != entry.get("sha256"):
            problems.append(f"{rel}: sha256 differs from the manifest")
    return problems


def _listed(out: Path) -> dict[str, dict[str, Any]]:
    """The files ``out``'s manifest lists, each with its entry; TypeError when the manifest
    is not of the shape provenance writes (edited, or another program's)."""
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    entries = doc["files"] if isinstance(doc, dict) else None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise TypeError("not a manifest of provenance's")
    return entries


def _file_signature(path: Path, sha256: object) -> list[Any]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino, sha256]


def signatures(out: Path) -> dict[str, list[Any]]:
    """Size, modification time, inode and manifest sha256 of each file published in ``out``
    (for :func:`verify`'s ``known``); files that cannot be read are left out."""
    try:
        entries = _listed(out)
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for rel, entry in entries.items():
        with contextlib.suppress(OSError, ValueError):
            found[rel] = _file_signature(out / rel, entry.get("sha256"))
    return found
