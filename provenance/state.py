"""Run state for cron: an SQLite (WAL) cache of per-article work, the previous run, a lock.

The cache maps a key to a value per kind of work:

- ``extraction``: an article's extracted text, keyed by its content hash, its kind, the
  outlet's template lines and the extraction settings;
- ``templates``: an outlet's template lines, keyed by its pages and the extraction settings;
- ``prepared``: the fingerprints of a main text, keyed by the text and the align settings;
- ``pair``: the passage rows of two articles, keyed by both articles' content, metadata
  and every setting that shapes a passage.

Every key also holds :func:`code_version`: another build of provenance finds nothing.
A run reads the cache, computes only what is missing, and writes everything in one
transaction that :meth:`State.commit` ends after the reports are published: a run
killed before that leaves the previous state intact.  Entries no run used are dropped
at commit, so the file does not grow without end.

The state file holds pickled objects: treat it like code (it lives in the output
folder, written and read by provenance only).

:func:`lock` takes an exclusive, non-blocking ``flock`` on a lock file: a second run on
the same output folder fails at once with :class:`Locked` and writes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from provenance import __version__
from provenance.errors import ProvenanceError

SCHEMA = 1
LOCK_NAME = ".provenance.lock"
STATE_NAME = ".provenance-state.sqlite"


class Locked(ProvenanceError):
    """Another run holds the lock on the output folder."""


_FILE_HINT = "give --state the path of a file in a writable folder"

#: how long to wait for another program holding the state file (sqlite3's busy timeout)
BUSY_SECONDS = 10.0


class StateError(ProvenanceError):
    """The state file cannot be opened or is damaged."""


@functools.cache
def code_version() -> str:
    """provenance's version and a hash of its own source files.

    Every cache key holds it: results cached by one build of provenance are never taken
    for another's (the version number alone stays the same between releases, while the
    code that extracts, aligns and classifies changes)."""
    return f"{__version__}+{source_digest(Path(__file__).resolve().parent)}"


def source_digest(root: Path) -> str:
    """A hash of the names and contents of the Python files under ``root``."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(f"\x1f{path.relative_to(root).as_posix()}\x1f".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def digest(*parts: object) -> str:
    """A stable hash of ``parts``: bytes and strings as they are (a text need not be copied
    into its repr), other values by their reprs, each after its kind and length; the
    code's version (:func:`code_version`) is always part of it."""
    h = hashlib.sha256(f"provenance {code_version()}|{SCHEMA}".encode())
    for part in parts:
        if isinstance(part, bytes):
            kind, data = "b", part
        elif isinstance(part, str):
            kind, data = "s", part.encode("utf-8", "surrogatepass")
        else:
            kind, data = "r", repr(part).encode("utf-8", "replace")
        h.update(f"\x1f{kind}{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


@contextlib.contextmanager
def lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for the duration of a run."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(
                "another provenance run is using this output folder",
                path=str(folder),
                hint="wait for it to finish, or use another --out",
            ) from None
        yield
    finally:
        # processes forked during the run (workers, the report renderer) hold copies of
        # the descriptor, and one may still be exiting: unlocking, not just closing, frees
        # the folder for the next run at once (a killed run unlocks nothing: its children
        # die with it, see workers.die_with_parent)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Is the error SQLite's word for a damaged file (not a full disk or a lock)?"""
    why = str(exc).lower()
    return "malformed" in why or "not a database" in why or "corrupt" in why


class State:
    """The cache and the previous run's snapshot, in one SQLite file."""

    def __init__(self, path: Path, *, full: bool = False) -> None:
        self.path = path
        try:
            is_dir = path.is_dir()
        except OSError as exc:  # (its folder cannot be entered: not the reports' fault)
            raise StateError(
                f"cannot reach it ({exc.strerror or exc})",
                path=str(path),
                hint="check the permissions of its folder, or pass --state elsewhere",
            ) from None
        if is_dir:
            raise StateError("is a folder, not a state file", path=str(path), hint=_FILE_HINT)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot make its folder ({exc.strerror or exc})", path=str(path), hint=_FILE_HINT
            ) from None
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self._schema()
            # written to now, so that a state that cannot be (read-only, locked by another
            # program) stops the run before any work, not after the reports are published
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE meta SET value = value WHERE key = 'schema'")
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            why = str(exc)
            if "locked" in why:
                hint = "another program holds it: let it finish, or pass --state elsewhere"
            elif "readonly" in why or "read-only" in why:
                hint = "make it writable, or pass --state elsewhere"
            elif "unable to open" in why:  # (a file, or its folder, this user cannot read)
                hint = "check the permissions of the file and its folder, or pass --state elsewhere"
            else:
                hint = "delete it (the next run rebuilds it) or pass --state elsewhere"
            raise StateError(
                f"cannot use the state file ({why})", path=str(path), hint=hint
            ) from None
        if full:
            try:
                self.db.execute("DELETE FROM cache")
            except sqlite3.DatabaseError as exc:
                raise self.damaged(exc) from None
        self.used: dict[str, set[str]] = {}
        self._pending: list[tuple[str, str, bytes]] = []

    def _schema(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS cache "
            "(kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key))"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        elif row[0] != str(SCHEMA):
            self.db.execute("DELETE FROM cache")
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA),))

    # ------------------------------------------------------------------ cache

    def get(self, kind: str, key: str) -> Any:
        """The cached object, or None."""
        self.used.setdefault(kind, set()).add(key)
        row = self._select("SELECT value FROM cache WHERE kind = ? AND key = ?", (kind, key))
        if row is None:
            return None
        try:
            return pickle.loads(row[0])
        except Exception:  # a damaged entry is a cache miss
            return None

    def _select(self, sql: str, params: tuple[str, ...] = ()) -> Any:
        """The first row ``sql`` selects (or None); a damaged file stops the run with exit 3."""
        try:
            return self.db.execute(sql, params).fetchone()
        except sqlite3.DatabaseError as exc:
            raise self.damaged(exc) from None

    def damaged(self, exc: Exception) -> StateError:
        """The error for a state file found damaged (its SQLite pages or its content)."""
        return StateError(
            f"the state file is damaged ({exc})",
            path=str(self.path),
            hint="delete it (the next run rebuilds it) or pass --state elsewhere",
        )

    def put(self, kind: str, key: str, value: Any) -> None:
        """Cache ``value``; it is written at :meth:`commit`."""
        self.used.setdefault(kind, set()).add(key)
        self._pending.append((kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))

    # ------------------------------------------------------------- snapshots

    def previous(self) -> dict[str, Any] | None:
        """The snapshot the last completed run saved, or None on a first run."""
        row = self._select("SELECT value FROM meta WHERE key = 'snapshot'")
        if row is None:
            return None
        try:
            snapshot = json.loads(row[0])
        except (TypeError, ValueError) as exc:
            raise self.damaged(exc) from None
        if not isinstance(snapshot, dict):
            raise self.damaged(TypeError("its snapshot is not a JSON object"))
        return snapshot

    def amend(self, **fields: Any) -> None:
        """Change fields of the saved snapshot (nothing else: the cache stays as it is)."""
        snapshot = {**(self.previous() or {}), **fields}
        with self._saving("the state could not be saved", ""):
            self._save_snapshot(snapshot)

    def commit(self, snapshot: dict[str, Any]) -> None:
        """Write this run's cache entries and snapshot in one transaction; drop unused ones."""
        why = "the reports are published, but the state could not be saved"
        with self._saving(why, "; the next run redoes the work"):
            self._commit(snapshot)

    def _save_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)",
            (json.dumps(snapshot, sort_keys=True, ensure_ascii=False),),
        )

    @contextlib.contextmanager
    def _saving(self, what: str, then: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if _corrupt(exc):
                raise self.damaged(exc) from None
            raise StateError(
                f"{what} ({exc})",
                path=str(self.path),
                hint=f"check the file's permissions and free space{then}",
            ) from None

    def _commit(self, snapshot: dict[str, Any]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?, ?)", self._pending)
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS used "
                "(kind TEXT, key TEXT, PRIMARY KEY (kind, key)) WITHOUT ROWID"
            )
            db.execute("DELETE FROM used")
            db.executemany(
                "INSERT OR IGNORE INTO used VALUES (?, ?)",
                [(kind, key) for kind, keys in self.used.items() for key in keys],
            )
            db.execute(
                "DELETE FROM cache WHERE NOT EXISTS "
                "(SELECT 1 FROM used WHERE used.kind = cache.kind AND used.key = cache.key)"
            )
            self._save_snapshot(snapshot)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._pending.clear()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.db.close()

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
