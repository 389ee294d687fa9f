"""Publish a complete set of report files atomically, and verify what is published.

A run's files go into a *generation* folder ``OUT/.gen-<hash>/`` (the hash is that
of the run's manifest, so identical output is the identical folder).  The folder
is written in full, fsynced, and only then made current by replacing one
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

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from provenance import __version__

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


def manifest(files: Mapping[str, bytes]) -> bytes:
    """The manifest of a set of files: sizes, sha256 and row counts, sorted by name."""
    entries = {}
    for rel in sorted(files):
        payload = files[rel]
        entry: dict[str, object] = {
            "bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
        rows = _rows(rel, payload)
        if rows is not None:
            entry["rows"] = rows
        entries[rel] = entry
    doc = {"generator": f"provenance {__version__}", "files": entries}
    return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _check_names(files: Mapping[str, bytes]) -> None:
    for rel in files:
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or ".." in parts or parts[0].startswith("."):
            raise ValueError(f"unsafe report file name {rel!r}")


def _write(path: Path, payload: bytes, old: Path | None) -> None:
    """Write one file of a new generation; reuse the current one's identical file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if old is not None:
        with contextlib.suppress(OSError):
            if old.stat().st_size == len(payload) and old.read_bytes() == payload:
                os.link(old, path)  # same bytes, already durable: no copy, no fsync
                return
    with open(path, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())


def _build(out: Path, files: Mapping[str, bytes], name: str) -> Path:
    """Write the generation folder ``name`` in full (under a temporary name first)."""
    final = out / name
    if (final / MANIFEST).is_file() and (final / MANIFEST).read_bytes() == files[MANIFEST]:
        return final  # identical output: the folder is already there
    tmp = out / f"{GEN_PREFIX}tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    current = out / CURRENT
    folders = {tmp}
    for rel in sorted(files):
        if rel == MANIFEST:
            continue
        target = tmp.joinpath(*PurePosixPath(rel).parts)
        _write(target, files[rel], current.joinpath(*PurePosixPath(rel).parts))
        folders.add(target.parent)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        fsync_dir(folder)
    _write(tmp / MANIFEST, files[MANIFEST], None)
    fsync_dir(tmp)
    shutil.rmtree(final, ignore_errors=True)  # a half-built leftover of the same name
    os.replace(tmp, final)
    fsync_dir(out)
    return final


def _symlink(out: Path, name: str, target: str) -> None:
    """Make ``out/name`` a symlink to ``target``, replacing what stands there atomically."""
    link = out / name
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.is_dir() and not link.is_symlink():  # a report folder of the old flat layout
        trash = out / f"{GEN_PREFIX}old-{name}-{os.getpid()}"
        os.replace(link, trash)
        shutil.rmtree(trash, ignore_errors=True)
    tmp = out / f".{name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish(files: Mapping[str, bytes], out: Path) -> Path:
    """Publish ``files`` (relative name -> bytes) as the current reports in ``out``.

    Returns the generation folder.  Crash-safe at every step: until the final
    rename of ``.current``, the previous generation stays current.
    """
    _check_names(files)
    out.mkdir(parents=True, exist_ok=True)
    complete = {**files, MANIFEST: manifest(files)}
    digest = hashlib.sha256(complete[MANIFEST]).hexdigest()[:16]
    gen = _build(out, complete, f"{GEN_PREFIX}{digest}")
    for top in sorted({PurePosixPath(rel).parts[0] for rel in complete}):
        _symlink(out, top, f"{CURRENT}/{top}")
    _symlink(out, CURRENT, gen.name)  # the commit point
    fsync_dir(out)
    _clean(out, gen.name, {PurePosixPath(rel).parts[0] for rel in complete})
    return gen


def _clean(out: Path, keep: str, tops: set[str]) -> None:
    """Remove old generations and links to report names this run no longer has."""
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(GEN_PREFIX) and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_symlink() and ".link-" in entry.name and entry.name.startswith("."):
            entry.unlink()  # a link a killed run made and did not rename
        elif (
            entry.is_symlink()
            and os.readlink(entry).startswith(f"{CURRENT}/")
            and entry.name not in tops
        ):
            entry.unlink()


def verify(out: Path) -> list[str]:
    """Problems with the published reports in ``out`` (empty when complete)."""
    try:
        doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        entries = doc["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{out / MANIFEST}: unreadable manifest ({exc.__class__.__name__})"]
    problems = []
    for rel, entry in sorted(entries.items()):
        try:
            payload = (out / rel).read_bytes()
        except OSError:
            problems.append(f"{rel}: missing")
            continue
        if hashlib.sha256(payload).hexdigest() != entry.get("sha256"):
            problems.append(f"{rel}: sha256 differs from the manifest")
    return problems
