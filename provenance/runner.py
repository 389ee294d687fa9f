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
import csv
import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provenance.changes import (
    CHANGE_COLUMNS,
    NO_CHANGES_CSV,
    changes_md,
    compare,
    new_uncredited,
    snapshot,
)
from provenance.errors import NothingToAudit
from provenance.ingest import _resolved, iter_documents
from provenance.models import Document
from provenance.publish import CURRENT, publish, republish, signatures, verify
from provenance.settings import DEFAULTS, Settings
from provenance.state import STATE_NAME, State, StateError, digest, lock

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # pandas and the pipeline are imported only by runs that do work
    from provenance.aggregate import AuditTables
    from provenance.pipeline import Progress


@dataclass
class RunOutcome:
    documents: list[Document]
    changes: list[dict[str, Any]] = field(default_factory=list)
    first_run: bool = True
    generation: Path | None = None
    #: the run's tables; when None, read from ``published`` (the reports folder) on first use
    given: AuditTables | None = None
    published: Path | None = None
    #: article pairs this run could not align (timed out or failed): see AuditRun.skipped
    skipped: list[str] = field(default_factory=list)

    @property
    def tables(self) -> AuditTables:
        if self.given is None:
            self.given = _read_tables(self._published())
        return self.given

    def _published(self) -> Path:
        if self.published is None:
            raise ValueError("an outcome needs its tables or the folder they were published in")
        return self.published

    def with_documents(self, docs: list[Document]) -> RunOutcome:
        """This outcome for ``docs``, plus the extraction failures its tables record."""
        again = [
            Document(
                path=article,
                id=article,
                kind="text",
                status=status,  # type: ignore[arg-type]
                error=f"{article}: extraction {status} in the previous run (input unchanged)",
            )
            for article, status in self._statuses()
            if status in ("timeout", "failed")
        ]
        return dataclasses.replace(self, documents=[*docs, *again])

    def _statuses(self) -> list[tuple[str, str]]:
        """(article, status) of every article (read without pandas when not loaded yet)."""
        if self.given is not None:
            arts = self.given.articles
            return list(zip(arts["article"].astype(str), arts["status"].astype(str), strict=True))
        with open(self._published() / "articles.csv", encoding="utf-8", newline="") as fh:
            return [(r["article"], r["status"]) for r in csv.DictReader(fh)]

    @property
    def failed(self) -> list[Document]:
        return [d for d in self.documents if d.status != "ok"]

    def no_text(self) -> list[str]:
        """The articles read that have no main text (pages with only furniture): not failed
        inputs, but inputs to fix (their shares are blank)."""
        return [article for article, status in self._statuses() if status == "no-text"]

    @property
    def new_uncredited(self) -> int:
        return new_uncredited(self.changes)

    def lowest_original_share(self) -> float | None:
        """The lowest original share of an outlet that is not a designated source."""
        shares = self.original_shares()
        return min(shares.values()) if shares else None

    def original_shares(self) -> dict[str, float]:
        """The original share of each outlet with words that is not a designated source."""
        arts = self.tables.articles
        sources = set(arts.loc[arts.role == "source", "outlet"])
        return {
            str(r["outlet"]): float(r["original_share"])
            for r in self.tables.outlets.to_dict("records")
            if r["outlet"] not in sources and int(r["words"]) > 0
        }


def _read_tables(out: Path) -> AuditTables:
    """A published run's tables, from its CSV files."""
    import pandas as pd

    from provenance.aggregate import AuditTables

    def read(path: Path, dtype: type[str] | None = None) -> pd.DataFrame:
        return pd.read_csv(path, keep_default_na=False, dtype=dtype)

    return AuditTables(
        articles=read(out / "articles.csv", str),
        passages=read(out / "passages.csv", str),
        outlets=read(out / "outlets.csv"),
        outlet_sources=read(out / "outlet_sources.csv"),
        removed=pd.DataFrame(),
    )


def _signature(docs: Sequence[Document], settings: Settings, sources: Sequence[str]) -> str:
    """Everything the reports depend on: the inputs, their metadata, the settings, the version."""
    inputs = [
        (
            d.path, d.id, d.kind, d.status, d.outlet, d.role, d.url, d.published, d.language,
            d.title, d.sha256,
        )
        for d in docs
    ]  # fmt: skip
    return digest("run", repr(settings), sorted(settings.sources.items()), list(sources), inputs)


def _configured(settings: Settings, sources: Sequence[str]) -> str:
    """A digest of what the config file and --source set apart from the defaults (not of
    the code, unlike the state's keys: a new version of provenance, or a setting it adds
    with its default, is no change of settings), prefixed with the way it is worked out
    ("2:"): a digest worked out otherwise is not compared."""
    changed = sorted(
        (f"{section.name}.{f.name}", repr(getattr(getattr(settings, section.name), f.name)))
        for section in dataclasses.fields(settings)
        if dataclasses.is_dataclass(getattr(settings, section.name))
        for f in dataclasses.fields(getattr(settings, section.name))
        if getattr(getattr(settings, section.name), f.name)
        != getattr(getattr(DEFAULTS, section.name), f.name)
    )
    names = sorted({name.casefold() for name in sources})  # (outlet names: in any case)
    own = sorted((k, repr(v)) for k, v in settings.sources.items() if DEFAULTS.sources.get(k) != v)
    given = repr((changed, own, names))
    return "2:" + hashlib.sha256(given.encode("utf-8")).hexdigest()[:16]


def _same(path: Path, payload: bytes) -> bool:
    try:
        return path.read_bytes() == payload
    except OSError:
        return False


def _own_state(state_path: Path | None, out: Path, previous: dict[str, Any] | None) -> bool:
    """A state given with --state serves one reports folder: its snapshot (what "new" means
    in the changes) and its cache (entries another run did not use are dropped) are that
    folder's.  Shared by two, each run would compare itself with the other's.  (The state
    inside the reports folder, the default, moves with it: no check.)  True when the state
    follows a reports folder that was moved (its old place holds no reports)."""
    if state_path is None or previous is None or _resolved(state_path.parent) == _resolved(out):
        return False
    owner = previous.get("out")
    if not owner or owner == str(_resolved(out)):
        return False
    # (a folder no longer there, or holding no reports, was moved: the state follows it)
    if (Path(owner) / CURRENT).exists():
        raise StateError(
            f"this state keeps the runs of the reports in {owner}, not of {out}",
            path=str(state_path),
            hint="give each --out folder its own --state file (or delete this one to start afresh)",
        )
    return True


def _republish(
    out: Path, threshold: float, known: dict[str, Any] | None = None
) -> RunOutcome | None:
    """Nothing changed since the last run: publish its reports again with empty changes
    (unless they already say that nothing changed).

    Returns None when the published reports do not verify (then the run redoes
    everything the state cannot give).
    """
    if verify(out, known):  # (files unchanged since the last run published them: not reread)
        return None
    changes = {
        "changes.csv": NO_CHANGES_CSV.encode("utf-8"),
        "changes.md": changes_md([], first_run=False, threshold=threshold).encode("utf-8"),
    }
    if all(_same(out / rel, payload) for rel, payload in changes.items()):
        generation = (out / CURRENT).resolve()  # it already says "nothing changed": keep it
    else:
        generation = republish(out, changes)
    return RunOutcome(documents=[], first_run=False, generation=generation, published=out)


def _something_to_audit(paths: Sequence[str], docs: Sequence[Document]) -> None:
    """Stop a run none of whose inputs can be read (an unmounted folder, a mistyped path,
    an empty folder): publishing it would replace every report with an empty one."""
    if any(d.status == "ok" for d in docs):
        return
    where = ", ".join(paths)
    failed = [d for d in docs if d.error]
    named = "; ".join(str(d.error) for d in failed[:3])
    more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
    found = f"{len(docs)} inputs, none readable: {named}{more}" if failed else "no inputs"
    raise NothingToAudit(
        f"nothing to audit ({found})",
        path=where,
        hint="check the corpus path; the previous reports are kept",
    )


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
            docs = list(iter_documents(paths, manifest=manifest, settings=settings))
            _something_to_audit(paths, docs)
            previous = state.previous()
            if _own_state(state_path, out, previous):
                state.amend(out=str(_resolved(out)))  # (a run with nothing to do commits nothing)
                previous = state.previous()
            signature = _signature(docs, settings, sources)
            # (pairs the last run could not align are tried again: no shortcut then)
            again = bool(previous and previous.get("skipped"))
            if not full and previous and previous.get("signature") == signature and not again:
                same = _republish(out, settings.audit.change_threshold, previous.get("published"))
                if same is not None:
                    return same.with_documents(docs)
            from provenance.compose import Chunks
            from provenance.pipeline import audit  # (heavy: not needed when nothing changed)
            from provenance.report import csv_text, iter_reports

            result = audit(
                paths,
                manifest=manifest,
                settings=settings,
                sources=sources,
                progress=progress,
                jobs=jobs,
                state=state,
                documents=docs,
            )
            threshold = settings.audit.change_threshold
            configured = _configured(settings, sources)
            try:  # (the previous run's snapshot: its shape is its own, or the file is damaged)
                changes = compare(
                    previous,
                    result.tables,
                    result.hashes,
                    threshold=threshold,
                    settings=configured,
                    inputs=result.inputs,
                )
                done = snapshot(
                    result.tables,
                    result.hashes,
                    previous,
                    settings=configured,
                    inputs=result.inputs,
                )
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
                if previous is None:
                    raise
                raise state.damaged(exc) from None
            extra = {
                "changes.csv": csv_text(changes, CHANGE_COLUMNS),
                "changes.md": changes_md(changes, first_run=previous is None, threshold=threshold),
            }
            # the parts of the published reports this run may copy (not with --full)
            chunks = Chunks(None if full or not previous else previous.get("chunks"), out / CURRENT)
            files = iter_reports(
                result.tables,
                sources=result.designated,
                settings=settings.audit,
                extra=extra,
                jobs=jobs,
                chunks=chunks,
            )
            generation = publish(files, out)
            log.debug(
                "reports: %d article parts copied, %d rendered", chunks.reused, chunks.rendered
            )
            published = signatures(out)
            state.commit(
                {
                    **done,
                    "signature": signature,
                    "chunks": chunks.saved(),
                    "published": published,
                    "out": str(_resolved(out)),
                    "skipped": result.skipped,
                }
            )
        finally:
            state.close()
    return RunOutcome(
        given=result.tables,
        documents=list(result.documents),
        changes=changes,
        first_run=previous is None,
        generation=generation,
        skipped=list(result.skipped),
    )
