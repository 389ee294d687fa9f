"""Report files composed of keyed parts, so that a run copies what the previous one rendered.

A nightly run over a growing corpus changes a few articles; report.md, report.html,
passages.csv and passages.jsonl still hold every article.  Rendered from scratch they
cost a run time in proportion to the corpus, not to the change.  So these files are
written as a sequence of *parts*: literal text (headings, summary tables: cheap, and
they change with any figure) and keyed parts, one per article, whose key is a digest
of everything the part's text depends on (:func:`key`).

:class:`Chunks` records, for each composed file, the byte range of every keyed part
and the file's sha256.  The runner keeps that index in the run state; the next run
hands it back with the published folder, and a part whose key is listed there is
copied from the published file instead of being rendered (unless the code that renders
changed since: :func:`renderer`).  The copy is used only when
the published file still has the sha256 the index names (a damaged, edited or newer
file is not trusted: its parts are rendered), so a composed file is byte-identical to
one rendered in full (tests check this).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import pickle
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from provenance import __version__

#: literal text, or ``(key, render)``: a part the previous run may have rendered already
#: (the key is a function: worked out only when a previous run or the next one needs it)
Part = str | tuple[Callable[[], str], Callable[[], str]]


def key(*parts: object) -> str:
    """A part's key: a digest of everything its text depends on.

    Strings are hashed as they are; other values (rows: dicts, lists and tuples of
    strings, numbers, booleans and None) as a pickle without its memo, which depends
    on the values and their types only, never on which objects happen to be shared
    (and costs a tenth of their repr).  Each part is prefixed with its kind and
    length, so no two sequences of parts run together.
    """
    h = hashlib.sha256()  # (hardware-accelerated where blake2b is not)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else _pickled(part)
        h.update(f"{'s' if isinstance(part, str) else 'p'}{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()[:24]


def _pickled(value: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal values give equal bytes, shared or not
    pickler.dump(value)
    return buffer.getvalue()


def joined(parts: Iterable[Part]) -> str:
    """The text of ``parts``, every one rendered (no previous run to copy from)."""
    return "".join(p if isinstance(p, str) else p[1]() for p in parts)


#: the modules whose code shapes a part's text (with provenance's version, see renderer())
RENDERERS = (
    "provenance.aggregate",
    "provenance.compose",
    "provenance.report",
    "provenance.report_html",
)


@functools.cache
def renderer() -> str:
    """A digest of the code that renders the parts: parts a different renderer wrote (another
    version, or the same one edited) are never copied, whatever their keys say."""
    h = hashlib.sha256(__version__.encode())
    for name in RENDERERS:
        spec = importlib.util.find_spec(name)
        try:
            h.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:24]


class Chunks:
    """Composes files from parts; keeps the byte ranges of their keyed parts.

    ``previous``: what :meth:`saved` gave for the run that published ``folder`` (the
    current reports), or nothing on a first run; ignored when another renderer wrote
    it.  :attr:`index` is filled as files are composed; :attr:`reused` and
    :attr:`rendered` count keyed parts.
    """

    def __init__(
        self,
        previous: Mapping[str, Any] | None = None,
        folder: Path | None = None,
        *,
        keyed: bool = True,
    ):
        files = previous.get("files") if isinstance(previous, Mapping) else None
        #: whether to key the parts (for the next run); off, and with nothing previous,
        #: files are composed without working out a key (and :attr:`index` lists no parts)
        self.keyed = keyed
        same = isinstance(previous, Mapping) and previous.get("renderer") == renderer()
        self.previous: dict[str, Any] = dict(files) if same and isinstance(files, dict) else {}
        self.folder = folder
        self.index: dict[str, dict[str, Any]] = {}
        self.reused = 0
        self.rendered = 0

    def compose(self, rel: str, parts: Iterable[Part]) -> bytes:
        """The file ``rel``: its parts in order, keyed ones copied when they can be."""
        old = self._published(rel)
        out = bytearray()
        ranges: list[list[Any]] = []
        for part in parts:
            if isinstance(part, str):
                out += part.encode("utf-8", "replace")
                continue
            key_of, render = part
            if old is None and not self.keyed:
                out += render().encode("utf-8", "replace")
                self.rendered += 1
                continue
            name, start = key_of(), len(out)
            span = old[1].get(name) if old is not None else None
            if span is not None and old is not None:
                out += old[0][span[0] : span[1]]
                self.reused += 1
            else:
                out += render().encode("utf-8", "replace")  # (a lone surrogate: "?")
                self.rendered += 1
            ranges.append([name, start, len(out)])
        payload = bytes(out)
        del out
        self.index[rel] = {"sha256": hashlib.sha256(payload).hexdigest(), "parts": ranges}
        return payload

    def saved(self) -> dict[str, Any]:
        """What the next run's Chunks takes as ``previous``: the index and the renderer."""
        return {"renderer": renderer(), "files": self.index}

    def keys(self, rel: str) -> set[str]:
        """The keys of the parts the previous run's ``rel`` had (whether they can be copied is
        known only once the file is read and checked)."""
        entry = self.previous.get(rel)
        parts = entry.get("parts", []) if isinstance(entry, dict) else []
        return {str(part[0]) for part in parts if isinstance(part, list) and part}

    def adopt(self, rel: str, entry: Mapping[str, Any]) -> None:
        """Take the index entry of ``rel`` composed elsewhere (in another process)."""
        self.index[rel] = dict(entry)

    def _published(self, rel: str) -> tuple[bytes, dict[str, tuple[int, int]]] | None:
        """The published file ``rel`` and its parts' byte ranges, if the index vouches for it."""
        entry = self.previous.get(rel)
        if self.folder is None or not isinstance(entry, dict):
            return None
        try:
            data = self.folder.joinpath(*PurePosixPath(rel).parts).read_bytes()
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                return None
            spans = {str(n): (int(s), int(e)) for n, s, e in entry.get("parts", [])}
        except (OSError, TypeError, ValueError):
            return None
        if any(not 0 <= s <= e <= len(data) for s, e in spans.values()):
            return None
        return data, spans


renderer()  # worked out now, from the code this process loaded (not from files edited later)
