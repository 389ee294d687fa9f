"""One cron-safe audit run: lock, state, audit, changes, atomic reports, state commit.

``run(paths, out, ...)``:

1. takes an exclusive lock on ``out`` (a second run fails at once with
   :class:`~provenance.state.Locked` and writes nothing);
2. opens the state (``out/.provenance-state.sqlite`` or ``state_path``), whose cache
   lets the audit redo only what changed (``full=True`` empties it first);
3. audits, compares with the previous run (changes.csv, changes.md);
4. publishes every report file at once (:mod:`provenance.publish`);
5. commits the state only then: a run killed at any point leaves the previous
   complete reports and state, or the new ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provenance.aggregate import AuditTables
from provenance.changes import CHANGE_COLUMNS, changes_md, compare, new_uncredited, snapshot
from provenance.models import Document
from provenance.pipeline import Progress, audit
from provenance.publish import publish
from provenance.report import csv_text, render_reports
from provenance.settings import DEFAULTS, Settings
from provenance.state import STATE_NAME, State, lock


@dataclass
class RunOutcome:
    tables: AuditTables
    documents: list[Document]
    changes: list[dict[str, Any]] = field(default_factory=list)
    first_run: bool = True
    generation: Path | None = None

    @property
    def failed(self) -> list[Document]:
        return [d for d in self.documents if d.status != "ok"]

    @property
    def new_uncredited(self) -> int:
        return new_uncredited(self.changes)

    def lowest_original_share(self) -> float | None:
        """The lowest original share of an outlet that is not a designated source."""
        arts = self.tables.articles
        sources = set(arts.loc[arts.role == "source", "outlet"])
        shares = [
            float(r["original_share"])
            for r in self.tables.outlets.to_dict("records")
            if r["outlet"] not in sources and int(r["words"]) > 0
        ]
        return min(shares) if shares else None


def run(
    paths: Sequence[str],
    out: Path,
    *,
    manifest: str | None = None,
    settings: Settings = DEFAULTS,
    sources: Sequence[str] = (),
    jobs: int = 1,
    state_path: Path | None = None,
    full: bool = False,
    progress: Progress | None = None,
    locked: bool = False,
) -> RunOutcome:
    """Audit ``paths`` into ``out``; see the module docstring.

    ``locked``: the caller already holds :func:`~provenance.state.lock` on ``out``
    (the CLI takes it before importing the heavy modules, so an overlapping
    run is turned away at once).
    """
    with contextlib.nullcontext() if locked else lock(out):
        state = State(state_path or out / STATE_NAME, full=full)
        try:
            result = audit(
                paths,
                manifest=manifest,
                settings=settings,
                sources=sources,
                progress=progress,
                jobs=jobs,
                state=state,
            )
            previous = state.previous()
            threshold = settings.audit.change_threshold
            changes = compare(previous, result.tables, result.hashes, threshold=threshold)
            extra = {
                "changes.csv": csv_text(changes, CHANGE_COLUMNS),
                "changes.md": changes_md(changes, first_run=previous is None, threshold=threshold),
            }
            files = render_reports(
                result.tables, sources=result.designated, settings=settings.audit, extra=extra
            )
            generation = publish(files, out)
            state.commit(snapshot(result.tables, result.hashes))
        finally:
            state.close()
    return RunOutcome(
        tables=result.tables,
        documents=result.documents,
        changes=changes,
        first_run=previous is None,
        generation=generation,
    )
