"""The ``provenance`` command: a thin click layer over the library.

The only module that imports click or prints.  Exit codes (one place, ``ExitCode``):

0  success
1  some inputs failed, or article pairs were skipped (each named on stderr); the rest
   were processed and printed
2  usage error (bad option, missing argument, an empty path option) - click's own code
3  configuration error (bad --config, --manifest or state file)
4  the reports cannot be written (--out is not a writable folder)
5  another run holds the lock on the output folder; this one wrote nothing
6  audit --fail-under: an outlet's original share is under the threshold
7  audit --alert-uncredited: the run found new uncredited copied passages

When several apply, the highest of 6, 7 and 1 wins (an alert matters more in
cron mail than a failed input, which stderr names anyway).
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from provenance import __version__
from provenance.errors import ConfigError, NothingToAudit, OutputError, ProvenanceError
from provenance.settings import Settings, load


class ExitCode(enum.IntEnum):
    OK = 0
    INPUT_FAILED = 1
    USAGE = 2
    CONFIG = 3
    OUTPUT = 4
    LOCKED = 5
    UNDER_SHARE = 6
    NEW_UNCREDITED = 7
    INTERRUPTED = 130


class _Group(click.Group):
    """The command group; Ctrl-C (or SIGINT from a supervisor) ends any command with one
    line and exit 130, the shell's code for it (click would say "Aborted!" and exit 1,
    the code of failed inputs).  A reader that stops reading the output (``| head``)
    ends it quietly, with exit 0."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("provenance: interrupted", err=True)
            sys.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:  # "provenance extract corpus | head": the reader has enough
            # (only stdout can raise it: stderr goes quiet instead, see _Stderr)
            _to_devnull(sys.stdout.fileno())  # (no second error when Python flushes it)
            sys.exit(ExitCode.OK)


def _to_devnull(fd: int) -> None:
    """Send what is still written to ``fd`` (a pipe its reader closed) nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class _Messages(logging.Formatter):
    """Warnings as "provenance: warning: ...", like the errors' "provenance: ..." lines (cron
    mail filters on the prefix); the progress and debug lines (-v, -vv) name their module."""

    def format(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.WARNING:
            return f"provenance: {record.levelname.lower()}: {record.getMessage()}"
        return f"{record.levelname} {record.name}: {record.getMessage()}"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Audit news articles for text copied from wire agencies and other outlets."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    handler = logging.StreamHandler()
    handler.setFormatter(_Messages())
    logging.basicConfig(level=level, handlers=[handler])
    if verbose < 2:  # trafilatura and htmldate log every unparseable page at ERROR: cron mail noise
        for name in ("trafilatura", "htmldate", "courlan"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


F = TypeVar("F", bound=Callable[..., Any])


class _EmptyPath(click.ClickException):
    """An empty path option, in one line (click's usage error takes four)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"provenance: error: {self.message}", err=True)


class _Path(click.Path):
    """A path option's type.  Empty is a usage error (exit 2): ``--out "$REPORTS"`` with the
    variable unset in a crontab would write the reports into the current folder.  Nothing
    else is checked here (click's "not readable" was a usage error too): a --config,
    --manifest or state file that cannot be read or used is a configuration error (exit 3),
    an --out folder one for the reports (exit 4), each named with the fix."""

    def __init__(self) -> None:
        super().__init__(readable=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            name = param.opts[0] if param is not None and param.opts else "a path"
            raise _EmptyPath(
                f"{name} is empty (an unset variable?) - give it a path or leave it out"
            )
        return super().convert(value, param, ctx)


PATH = _Path()


def config_option(f: F) -> F:
    """``--config FILE``: a TOML settings file (see provenance/settings.py)."""
    return click.option(
        "--config",
        "config_path",
        type=PATH,  # (a folder is a config error, exit 3, not a usage error)
        default=None,
        help="TOML file with settings and extra sources.",
    )(f)


def manifest_option(f: F) -> F:
    """``--manifest FILE``: outlet/role/url/published/language per file."""
    return click.option(
        "--manifest",
        type=PATH,  # (a folder is a manifest error, exit 3)
        default=None,
        help="CSV with columns file,outlet,role,url,published,language "
        "(default: manifest.csv in each corpus folder).",
    )(f)


def load_settings(config_path: str | None) -> Settings:
    """The settings of ``--config``, its ``[sources]`` table checked too (named with the
    file: a bad table stops the run before any work)."""
    settings = load(config_path)
    if settings.sources:
        from provenance.attribution import SourceRegistry

        try:
            SourceRegistry.from_settings(settings)
        except ConfigError as err:
            if err.path is not None:
                raise
            raise ConfigError(str(err), path=config_path) from None
    return settings


def fail(err: ProvenanceError) -> None:
    """Report a core error on stderr in one line and exit with its code."""
    click.echo(f"provenance: error: {err}", err=True)
    if isinstance(err, NothingToAudit):
        sys.exit(ExitCode.INPUT_FAILED)
    sys.exit(ExitCode.OUTPUT if isinstance(err, OutputError) else ExitCode.CONFIG)


def warn_input(path: str, message: str | None) -> None:
    click.echo(f"provenance: {message or path}", err=True)


# --------------------------------------------------------------------------- extract


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "text"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one object per document; text: the main bodies only (several: each "
    "under a line '==> PATH <==').",
)
@manifest_option
@config_option
def extract(paths: Sequence[str], fmt: str, manifest: str | None, config_path: str | None) -> None:
    """Strip articles down to their main text.

    PATHS are files, folders (read recursively) or - for standard input.

    Example: provenance extract corpus --format jsonl > articles.jsonl
    """
    from provenance.attribution import SourceRegistry
    from provenance.extract import extract_all
    from provenance.ingest import iter_documents

    try:
        settings = load_settings(config_path)
        SourceRegistry.from_settings(settings)  # a bad [sources] table: before any output
        docs = list(iter_documents(paths, manifest=manifest, settings=settings))
    except ProvenanceError as err:
        fail(err)
    failed = 0
    several = len(docs) > 1
    for article in extract_all(docs, settings=settings):
        doc = article.document
        if doc.status != "ok":
            failed += 1
            warn_input(doc.path, doc.error)
        elif article.status == "no-text":
            warn_input(doc.path, f"{doc.path}: no main text found")
        if fmt == "jsonl":
            click.echo(json.dumps(_article_record(article), ensure_ascii=False))
        elif article.text:
            # (several articles: each under its file's name, as head(1) does, else one ran on
            # into the next with only a blank line between)
            head = f"==> {doc.path} <==\n" if several else ""
            click.echo(head + article.text + "\n")
    sys.exit(ExitCode.INPUT_FAILED if failed else ExitCode.OK)


def _article_record(article: Any) -> dict[str, Any]:
    doc, ex = article.document, article.extraction
    return {
        "path": doc.path,
        "id": doc.id,
        "outlet": doc.outlet,
        "title": doc.title,
        "author": ex.author,
        "published": doc.published,
        "url": doc.url,
        "language": doc.language,
        "role": doc.role,
        "text": ex.text,
        "removed": [{"text": r.text, "reason": r.reason} for r in ex.removed],
        "status": article.status,
        "error": doc.error,
    }


# --------------------------------------------------------------------------- audit


@cli.command()
@click.argument("corpus", nargs=-1)
@manifest_option
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="An outlet to treat as a designated source (repeatable); TASS and "
    "The Moscow Times are designated by default.",
)
@config_option
@click.option(
    "--out",
    "out_dir",
    type=PATH,  # (a file is an output error, exit 4)
    default="reports",
    show_default=True,
    help="Folder for the reports (and, by default, the run state).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for extraction and alignment [default: the CPUs available].",
)
@click.option(
    "--state",
    "state_path",
    type=PATH,  # (a folder is a state error, exit 3)
    default=None,
    help="SQLite state file (default: OUT/.provenance-state.sqlite).",
)
@click.option("--full", is_flag=True, help="Ignore the state's cache and redo everything.")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print nothing when all is well (for cron) but warnings about inputs to fix.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="SHARE",
    help="Exit 6 when an outlet's original share is under SHARE (0-1).",
)
@click.option(
    "--alert-uncredited",
    is_flag=True,
    help="Exit 7 when the run found new uncredited copied passages.",
)
def audit(
    corpus: Sequence[str],
    manifest: str | None,
    sources: Sequence[str],
    config_path: str | None,
    out_dir: str,
    jobs: int | None,
    state_path: str | None,
    full: bool,
    quiet: bool,
    fail_under: float | None,
    alert_uncredited: bool,
) -> None:
    """Write per-outlet originality reports for a corpus of articles.

    CORPUS is one or more files or folders (default: corpus).  A re-run redoes
    only what changed; reports are replaced all at once.

    Example: provenance audit corpus --out reports

    Example (cron): provenance audit /data/news --out /data/reports -q --alert-uncredited
    """
    from provenance.state import Locked, StateError, lock
    from provenance.workers import default_jobs

    # "provenance -q audit" is as quiet as "provenance audit -q" (and quieter: no warnings)
    quiet = quiet or logging.getLogger().getEffectiveLevel() >= logging.ERROR

    given = corpus or ("corpus",)
    try:
        settings = load_settings(config_path)
        gone = [p for p in given if p != "-" and not os.path.lexists(p)]
        if len(gone) == len(given):  # a mistyped corpus: no reports folder made for nothing
            if manifest is not None:  # (an unusable --manifest stops the run first, exit 3)
                from provenance.ingest import load_manifest

                load_manifest(manifest)
            raise NothingToAudit(
                "nothing to audit (no such file or folder)",
                path=", ".join(gone),
                hint="check the corpus path; the previous reports are kept",
            )
        state_folder = Path(state_path).parent if state_path else None
        if (  # a typo would start afresh (the --out folder a first run makes is no typo)
            state_folder is not None
            and not state_folder.is_dir()
            and state_folder.absolute() != Path(out_dir).absolute()
        ):
            raise StateError(
                f"its folder {state_folder} does not exist",
                path=state_path,
                hint="create the folder, or check the path (a new state audits everything again)",
            )
        with lock(Path(out_dir)), _progress(quiet) as progress:
            from provenance.runner import run  # after the lock: pandas takes a while to import

            outcome = run(
                given,
                Path(out_dir),
                manifest=manifest,
                settings=settings,
                sources=sources,
                jobs=jobs or default_jobs(),
                state_path=Path(state_path) if state_path else None,
                full=full,
                progress=progress,
                locked=True,
            )
    except Locked as err:
        click.echo(f"provenance: error: {err}", err=True)
        sys.exit(ExitCode.LOCKED)
    except ProvenanceError as err:
        fail(err)
    except OSError as exc:
        click.echo(
            f"provenance: error: {out_dir}: cannot write the reports ({exc.strerror or exc})"
            " - choose a writable --out folder",
            err=True,
        )
        sys.exit(ExitCode.OUTPUT)
    sys.exit(_audit_exit(outcome, out_dir, quiet, fail_under, alert_uncredited))


def _audit_exit(
    outcome: Any, out_dir: str, quiet: bool, fail_under: float | None, alert: bool
) -> int:
    """Report the run on stderr and compute its exit code (see the module docstring)."""
    for doc in outcome.failed:
        warn_input(doc.path, doc.error)
    for article in outcome.no_text():  # (a warning: "provenance -q audit" leaves it out)
        logging.getLogger("provenance").warning(
            "%s: no main text found (only page furniture) - check the page, or remove it"
            " from the corpus",
            article,
        )
    for message in outcome.skipped:
        click.echo(f"provenance: {message}", err=True)
    lowest = outcome.lowest_original_share() if fail_under is not None else None
    code = ExitCode.OK
    if outcome.failed or outcome.skipped:  # (a skipped pair is named on stderr as it happens)
        code = ExitCode.INPUT_FAILED
    if alert and outcome.new_uncredited:
        code = ExitCode.NEW_UNCREDITED
    if fail_under is not None and lowest is not None and lowest < fail_under:
        code = ExitCode.UNDER_SHARE
    if not quiet or code != ExitCode.OK:
        t = outcome.tables
        audited = t.articles[t.articles.status == "ok"]  # (failed inputs are counted apart)
        click.echo(
            f"provenance: audited {len(audited)} articles from {audited.outlet.nunique()}"
            " outlets, "
            f"{len(t.passages)} copied passages, {len(outcome.changes)} changes, "
            f"{outcome.new_uncredited} new uncredited, {len(outcome.failed)} inputs failed"
            + (f", {len(outcome.skipped)} pairs skipped" if outcome.skipped else "")
            + f" -> {out_dir}",
            err=True,
        )
    if code == ExitCode.UNDER_SHARE:
        assert fail_under is not None
        click.echo(f"provenance: {_under(outcome.original_shares(), fail_under)}", err=True)
    return int(code)


def _under(shares: dict[str, float], floor: float, most: int = 5) -> str:
    """The outlets whose original share is under ``floor``, lowest first (the first few)."""
    low = sorted((share, outlet) for outlet, share in shares.items() if share < floor)
    named = ", ".join(f"{outlet} {share:.4f}" for share, outlet in low[:most])  # (as in CSV)
    more = f" and {len(low) - most} more" if len(low) > most else ""
    return f"original share under {floor:g} (--fail-under): {named}{more}"


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr when it is a terminal (never under -q or cron)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.argument("out_dir", default="reports", type=click.Path(file_okay=False))
def verify(out_dir: str) -> None:
    """Check that the reports in OUT_DIR are complete and unedited (exit 0), or name each
    problem on stderr (exit 4).  Reads and hashes every file the run published.

    Example (after a crash, or in a monitoring job): provenance verify /data/reports
    """
    from provenance.publish import CURRENT
    from provenance.publish import verify as check

    current = Path(out_dir) / CURRENT
    if not current.is_dir():
        click.echo(
            f"provenance: {out_dir}: no published reports there"
            " - give the folder of a run's --out (default: reports)",
            err=True,
        )
        sys.exit(ExitCode.OUTPUT)
    problems = check(Path(out_dir))
    for problem in problems:
        click.echo(f"provenance: {problem}", err=True)
    if problems:
        sys.exit(ExitCode.OUTPUT)
    click.echo(f"provenance: {out_dir}: the reports are complete", err=True)


# --------------------------------------------------------------------------- align
# (section owned by the align/classify work: provenance/pairs.py is its library)


@cli.command()
@click.argument("target", required=False)
@click.argument("source", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="text",
    show_default=True,
    help="text: passages side by side; json: a list of passage objects.",
)
@click.option("--extract", is_flag=True, help="Align the main text only (boilerplate removed).")
@click.option("--source-name", metavar="NAME", help="The source's outlet, for credit checks.")
@click.option("--pairs", "pairs_path", type=click.Path(dir_okay=False), help="PAN pairs file.")
@click.option("--source-dir", type=click.Path(file_okay=False), help="With --pairs: sources.")
@click.option("--target-dir", type=click.Path(file_okay=False), help="With --pairs: targets.")
@click.option("--out-dir", type=click.Path(file_okay=False), help="With --pairs: XML output.")
@config_option
def align(
    target: str | None,
    source: str | None,
    fmt: str,
    extract: bool,
    source_name: str | None,
    pairs_path: str | None,
    source_dir: str | None,
    target_dir: str | None,
    out_dir: str | None,
    config_path: str | None,
) -> None:
    """Show the passages TARGET took from SOURCE, or align a PAN pairs list.

    Offsets are character offsets into each file's decoded text.

    Example: provenance align corpus/002_ff3b1c2c26e4a046.txt corpus/000_75248550d3bec6f4.txt

    Example: provenance align --pairs pairs --source-dir src --target-dir susp --out-dir out
    """
    from provenance import pairs
    from provenance.errors import InputError

    batch = (pairs_path, source_dir, target_dir, out_dir)
    if pairs_path is not None:
        if None in batch or target or source:
            raise click.UsageError("--pairs needs --source-dir, --target-dir and --out-dir")
    elif not (target and source) or any(batch):
        raise click.UsageError("give TARGET and SOURCE, or --pairs with its three folders")
    try:
        settings = load_settings(config_path)
        if pairs_path is not None:
            done = pairs.align_pan_pairs(
                pairs_path, source_dir=source_dir or "", target_dir=target_dir or "",
                out_dir=out_dir or "", settings=settings, extract=extract,
                on_error=lambda msg: click.echo(f"provenance: {msg}", err=True),
            )  # fmt: skip
            click.echo(
                f"provenance: aligned {done.written} of {done.pairs} pairs, "
                f"{done.passages} passages, {len(done.failed)} failed -> {out_dir}",
                err=True,
            )
            sys.exit(ExitCode.INPUT_FAILED if done.failed else ExitCode.OK)
        result = pairs.align_pair(
            target or "", source or "", settings=settings, extract=extract, source_name=source_name
        )
    except InputError as err:
        click.echo(f"provenance: error: {err}", err=True)
        sys.exit(ExitCode.INPUT_FAILED)
    except ProvenanceError as err:
        fail(err)
    _print_passages(result, fmt)


def _print_passages(result: Any, fmt: str) -> None:
    from provenance.pairs import passage_record, side_by_side

    t, s = result.target.decoded, result.source.decoded
    if result.offsets == "extracted":
        t, s = result.target.aligned, result.source.aligned
        click.echo("provenance: offsets are into the extracted text", err=True)
    if fmt == "json":
        records = [passage_record(p, t, s) for p in result.passages]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for i, p in enumerate(result.passages, 1):
        click.echo(side_by_side(p, t, s, number=i) + "\n")
    click.echo(f"provenance: {len(result.passages)} passages", err=True)


# ----------------------------------------------------------------------- end of align


class _Stderr(io.TextIOWrapper):
    """stderr that goes quiet when its reader is gone (``... 2>&1 | head``): a message
    nobody reads any more must not turn into an error, nor change the exit code."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except BrokenPipeError:
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            super().flush()
        except BrokenPipeError:
            self._gone()

    def _gone(self) -> None:
        _to_devnull(self.buffer.fileno())  # (what is still buffered goes there)


def main() -> None:
    stream = sys.stderr
    if stream is not None and hasattr(stream, "buffer"):
        sys.stderr = _Stderr(
            stream.buffer, encoding=stream.encoding, errors=stream.errors, line_buffering=True
        )
    cli()
