"""Domain exceptions.  The core raises these; the CLI converts them once.

Every message says what is wrong *and* how to fix it, in one line, naming the
file when there is one.
"""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class.  ``str(err)`` is the one-line message shown to the user."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.path = path
        self.hint = hint
        parts = [f"{path}: {message}" if path else message]
        if hint:
            parts.append(hint)
        super().__init__(" - ".join(parts))


class InputError(ProvenanceError):
    """An input file cannot be used (missing, binary, empty, undecodable...)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        hint: str | None = None,
        status: str = "unreadable",
    ):
        super().__init__(message, path=path, hint=hint)
        self.status = status


class ConfigError(ProvenanceError):
    """A settings or config file value is invalid."""


class ManifestError(ProvenanceError):
    """The manifest file cannot be read or has the wrong columns."""


class OutputError(ProvenanceError):
    """The reports cannot be published where asked (something of the user's is in the way)."""


class NothingToAudit(ProvenanceError):
    """No input of a run could be read: the run stops and keeps the previous reports."""
