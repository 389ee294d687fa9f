"""The CLI's extract command and shared behaviour: stdout is data, stderr is for people."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

RUSSIAN = (
    "Депутат Государственной думы заявил журналистам, что Россия могла бы предоставить "
    "политическое убежище известному предпринимателю, если тот об этом попросит."
)


def test_extract_corpus_jsonl(corpus_dir: Path) -> None:
    result = invoke(["extract", str(corpus_dir)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 5
    keys = {"path", "id", "outlet", "title", "author", "published", "url", "language", "text"}
    assert keys | {"removed", "status"} <= set(records[0])
    assert all(r["status"] == "ok" and r["text"] for r in records)
    assert result.stderr == ""


def test_extract_text_format_prints_bodies(corpus_dir: Path) -> None:
    result = invoke(["extract", "--format", "text", str(corpus_dir / "001_1bac6ef4c7f7c27f.txt")])
    assert "Dmitry Novikov" in result.stdout
    assert not result.stdout.lstrip().startswith("{") and "==>" not in result.stdout
    # several: each body under its file's name (they ran on into each other)
    two = [str(corpus_dir / f) for f in ("001_1bac6ef4c7f7c27f.txt", "004_7883a29d71220dc2.txt")]
    heads = [
        ln
        for ln in invoke(["extract", "--format", "text", *two]).stdout.splitlines()
        if ln.startswith("==> ")
    ]
    assert heads == [f"==> {path} <==" for path in two]


def test_bad_inputs_are_named_and_the_rest_still_printed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(RUSSIAN + "\n\n" + RUSSIAN.replace("Россия", "страна"))
    (tmp_path / "cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.htm.gz").write_bytes(gzip.compress(b"<html><body><p>x</p></body></html>"))
    missing = tmp_path / "missing.txt"
    result = invoke(["extract", str(tmp_path), str(missing)], code=1)
    records = {Path(r["path"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert (
        records["cp1251.txt"]["status"] == "ok"
        and "Государственной" in records["cp1251.txt"]["text"]
    )
    assert records["binary.txt"]["status"] == "binary"
    assert records["empty.txt"]["status"] == "empty"
    assert records["missing.txt"]["status"] == "missing"
    lines = result.stderr.splitlines()
    for name in ("binary.txt", "empty.txt", "missing.txt"):
        assert sum(name in line for line in lines) == 1
    assert "Traceback" not in result.stderr


def test_stdin(tmp_path: Path) -> None:
    result = invoke(["extract", "-", "--format", "text"], stdin=RUSSIAN.encode("utf-8"))
    assert "Государственной" in result.stdout


def test_bad_manifest_exits_3_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text")
    bad = tmp_path / "m.csv"
    bad.write_text("name\nx\n")
    result = invoke(["extract", str(tmp_path), "--manifest", str(bad)], code=3)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "m.csv" in result.stderr


def test_bad_config_exits_3(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[extract]\nno_such_setting = 1\n")
    result = invoke(["extract", str(tmp_path), "--config", str(cfg)], code=3)
    assert "no_such_setting" in result.stderr and "c.toml" in result.stderr


def test_bad_sources_table_exits_3_before_any_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some article text that is long enough to keep.")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sources.Meduza]\ndomains = ["not a domain"]\n')
    result = invoke(["extract", str(tmp_path / "a.txt"), "--config", str(cfg)], code=3)
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"provenance: error: {cfg}: [sources.Meduza] domains: 'not a domain' is not a web"
        ' domain - e.g. "tass.com"'
    ]


def test_usage_error_exits_2() -> None:
    invoke(["extract"], code=2)
    invoke(["extract", "--format", "xml", "x"], code=2)


def test_unwritable_out_folder_exits_4(tmp_path: Path, corpus_dir: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one = str(corpus_dir / "004_7883a29d71220dc2.txt")
    result = invoke(["audit", one, "--out", str(blocker / "sub")], code=4)
    assert "--out" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_out_folder_holding_a_folder_of_articles_named_texts_exits_4(
    tmp_path: Path, corpus_dir: Path
) -> None:
    news = tmp_path / "news"
    (news / "texts").mkdir(parents=True)
    article = (corpus_dir / "004_7883a29d71220dc2.txt").read_bytes()
    (news / "texts" / "004.txt").write_bytes(article)
    result = invoke(["audit", str(news), "--out", str(news)], code=4)
    assert "texts is not a report this tool wrote" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (news / "texts" / "004.txt").read_bytes() == article


def test_a_nameless_source_in_the_config_exits_3_naming_the_file(
    tmp_path: Path, corpus_dir: Path
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sources.""]\ndesignated = true\n')
    result = invoke(["audit", str(corpus_dir), "--config", str(cfg)], code=3)
    assert result.stderr.startswith(f"provenance: error: {cfg}: [sources.]: a source needs a name")
    assert "Traceback" not in result.stderr


def test_an_empty_folder_among_corpus_folders_is_a_failed_input(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """``audit news wires``, the wires' mount gone: its articles are not silently dropped
    from the reports without a word; the run names the folder and exits 1."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    for f in sorted(corpus_dir.glob("00[01]*.txt")):
        (one / f.name).write_bytes(f.read_bytes())
    out = tmp_path / "out"
    (two / "README.md").write_text("The wires' folder.\n")  # (no article: not read)
    (two / ".gitkeep").write_text("")
    result = invoke(["audit", str(one), str(two), "--out", str(out), "-q"], code=1)
    assert f"provenance: {two}: no article in the folder - check that it is the" in result.stderr
    statuses = {r["article"]: r["status"] for r in csv.DictReader(
        (out / "articles.csv").open(encoding="utf-8"))}  # fmt: skip
    assert statuses[str(two)] == "empty" and list(statuses.values()).count("ok") == 2
    # a folder whose files another given folder already holds is not empty
    invoke(["audit", str(one), str(one), "--out", str(out), "-q"])


def test_a_corpus_with_nothing_readable_keeps_the_previous_reports(
    tmp_path: Path, corpus_dir: Path
) -> None:
    out = tmp_path / "out"
    invoke(["audit", str(corpus_dir), "--out", str(out), "-q"])
    before = (out / "articles.csv").read_bytes()
    (tmp_path / "empty").mkdir()
    for gone in (tmp_path / "unmounted", tmp_path / "empty"):
        result = invoke(["audit", str(gone), "--out", str(out), "-q"], code=1)
        assert f"provenance: error: {gone}: nothing to audit" in result.stderr
        assert "the previous reports are kept" in result.stderr
        assert (out / "articles.csv").read_bytes() == before
    # a mistyped corpus with a new --out leaves no empty reports folder behind
    invoke(["audit", str(tmp_path / "typo"), "--out", str(tmp_path / "new")], code=1)
    assert not (tmp_path / "new").exists()
    # (an unusable --manifest is still the error it names, exit 3)
    (tmp_path / "bad.csv").write_text("name,outlet\na.txt,X\n")
    bad = ["audit", str(tmp_path / "typo"), "--manifest", str(tmp_path / "bad.csv")]
    assert "no 'file' column" in invoke([*bad, "--out", str(tmp_path / "new")], code=3).stderr
    # inputs there, none of them readable: each is named (the first few)
    blank = tmp_path / "blank"
    blank.mkdir()
    for name in ("a.txt", "b.txt"):
        (blank / name).write_text("")
    result = invoke(["audit", str(blank), "--out", str(out), "-q"], code=1)
    assert "2 inputs, none readable" in result.stderr
    assert str(blank / "a.txt") in result.stderr and str(blank / "b.txt") in result.stderr


def test_the_global_quiet_flag_makes_a_successful_audit_print_nothing(
    tmp_path: Path, corpus_dir: Path
) -> None:
    one = str(corpus_dir / "004_7883a29d71220dc2.txt")
    args = [sys.executable, "-m", "provenance"]
    done = subprocess.run(
        [*args, "-q", "audit", one, "--out", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")
    done = subprocess.run(
        [*args, "audit", one, "--out", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr.startswith("provenance: audited 1 articles")


def test_warnings_and_errors_share_the_provenance_prefix(tmp_path: Path) -> None:
    """Cron mail is filtered on "provenance:": a warning says so too, without a module name."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The council met on Monday and approved the budget.")
    (corpus / "manifest.csv").write_text("file,outlett\na.txt,Paper\n")
    done = subprocess.run(
        [sys.executable, "-m", "provenance", "audit", str(corpus), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert lines[0].startswith("provenance: warning: ") and "did you mean 'outlet'?" in lines[0]
    assert all(line.startswith("provenance: ") for line in lines)


def test_a_reader_that_stops_reading_ends_extract_quietly(tmp_path: Path) -> None:
    """``provenance extract corpus | head``: no error line, and not the failed-inputs code."""
    paragraph = "The council met on Monday and approved the budget for the coming year. " * 40
    for i in range(60):  # far more than a pipe holds
        (tmp_path / f"{i:02d}.txt").write_text(f"Story {i}\n\n{paragraph}\n\n{paragraph}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "provenance", "extract", str(tmp_path), "--format", "text"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert (proc.wait(), stderr) == (0, b"")


def test_verify_checks_the_published_reports(tmp_path: Path, corpus_dir: Path) -> None:
    out = tmp_path / "reports"
    invoke(["audit", str(corpus_dir / "004_7883a29d71220dc2.txt"), "--out", str(out), "-q"])
    assert "the reports are complete" in invoke(["verify", str(out)]).stderr
    with (out / "report.md").open("a", encoding="utf-8") as fh:
        fh.write("edited\n")
    edited = invoke(["verify", str(out)], code=4)
    assert edited.stderr == "provenance: report.md: sha256 differs from the manifest\n"
    missing = invoke(["verify", str(tmp_path / "nowhere")], code=4)
    assert "no published reports there" in missing.stderr


@pytest.mark.parametrize(
    "doc",
    [
        '{"files": []}',
        '{"files": {"report.md": 1}}',
        "[]",
        '{"files": {}}',
        '{"files": {"articles.csv": {"sha256": "x"}, "a\\u0000b": {"sha256": "x"}}}',
    ],
)
def test_a_manifest_of_another_shape_is_a_problem_named_and_rebuilt(
    tmp_path: Path, corpus_dir: Path, doc: str
) -> None:
    out = tmp_path / "reports"
    args = ["audit", str(corpus_dir / "004_7883a29d71220dc2.txt"), "--out", str(out), "-q"]
    invoke(args)
    (out / "manifest.json").resolve().write_text(doc, encoding="utf-8")
    broken = invoke(["verify", str(out)], code=4)
    assert "manifest.json" in broken.stderr or "a\\x00b: missing" in broken.stderr
    assert "Traceback" not in broken.stderr
    invoke(args)  # nothing changed in the input: the damaged reports are published again
    assert "the reports are complete" in invoke(["verify", str(out)]).stderr


def test_a_closed_stderr_keeps_the_exit_code(tmp_path: Path) -> None:
    """``... 2>&1 | head``: the messages nobody reads are dropped, the exit code stays."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "provenance", "audit", str(tmp_path / "gone"), "--out",
         str(tmp_path / "o")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    proc.stderr.close()  # the reader is gone before the error is written
    assert proc.wait() == 1


def test_an_interrupted_run_exits_130_in_one_line(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import provenance.runner

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(provenance.runner, "run", interrupted)
    result = invoke(["audit", str(corpus_dir), "--out", str(tmp_path / "o")], code=130)
    assert result.stderr == "provenance: interrupted\n"


def test_a_path_of_the_wrong_kind_is_a_config_or_output_error(
    tmp_path: Path, corpus_dir: Path
) -> None:
    one, folder, afile = (
        str(corpus_dir / "004_7883a29d71220dc2.txt"),
        tmp_path / "d",
        tmp_path / "f",
    )
    folder.mkdir()
    afile.write_text("x")
    out = ["--out", str(tmp_path / "o")]
    for option, code in (("--config", 3), ("--manifest", 3), ("--state", 3)):
        result = invoke(["audit", one, option, str(folder), *out], code=code)
        assert result.stderr.startswith(f"provenance: error: {folder}: ")
        assert len(result.stderr.strip().splitlines()) == 1 and " - " in result.stderr
    result = invoke(["audit", one, "--out", str(afile)], code=4)
    assert result.stderr.startswith(f"provenance: error: {afile}: cannot write the reports")


def _unreadable(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """Make ``paths`` (files, or folders that cannot be entered) unreadable: chmod 000,
    and, where that does not bite (root reads anything), the same refusals simulated:
    os.access, opening the file, sqlite3 opening it, a look inside the folder."""
    import errno
    import os
    import pathlib
    import sqlite3

    for path in paths:
        path.chmod(0)
    if not os.access(paths[0], os.R_OK):
        return  # (not root: chmod 000 is enough)
    denied = {os.path.abspath(p) for p in paths}

    def inside(path: object) -> bool:
        return os.path.dirname(os.path.abspath(os.fspath(path))) in denied  # type: ignore[call-overload]

    def barred(path: object) -> bool:
        return inside(path) or os.path.abspath(os.fspath(path)) in denied  # type: ignore[call-overload]

    def refuse(path: object) -> OSError:
        return PermissionError(errno.EACCES, "Permission denied", str(path))

    access, open_, stat, connect = os.access, pathlib.Path.open, os.stat, sqlite3.connect

    def no_access(path: object, mode: int, **kw: object) -> bool:
        return False if barred(path) else access(path, mode, **kw)  # type: ignore[arg-type]

    def no_open(self: pathlib.Path, *a: object, **kw: object) -> object:
        if barred(self):
            raise refuse(self)
        return open_(self, *a, **kw)  # type: ignore[call-overload]

    def no_stat(path: object, *a: object, **kw: object) -> object:
        if isinstance(path, str | os.PathLike) and inside(path):
            raise refuse(path)
        return stat(path, *a, **kw)  # type: ignore[arg-type]

    def no_connect(path: object, *a: object, **kw: object) -> object:
        if barred(path):
            raise sqlite3.OperationalError("unable to open database file")
        return connect(path, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", no_access)
    monkeypatch.setattr(os, "stat", no_stat)
    monkeypatch.setattr(pathlib.Path, "open", no_open)
    monkeypatch.setattr(sqlite3, "connect", no_connect)


@pytest.mark.parametrize("option", ["--manifest", "--config", "--state", "--state in a folder"])
def test_an_unreadable_manifest_config_or_state_exits_3_naming_it(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    """click's own check of a readable path made these a usage error (exit 2, "Invalid
    value for '--manifest'"), and a --state in a folder that cannot be entered blamed
    --out (exit 4): the documented exit is 3, one line naming the file and the fix
    (review W)."""
    one = str(corpus_dir / "004_7883a29d71220dc2.txt")
    out = tmp_path / "o"
    given = {
        "--manifest": tmp_path / "m.csv",
        "--config": tmp_path / "c.toml",
        "--state": tmp_path / "s.sqlite",
        "--state in a folder": tmp_path / "st" / "s.sqlite",
    }[option]
    given.parent.mkdir(exist_ok=True)
    if option == "--manifest":
        given.write_text("file,outlet\n004_7883a29d71220dc2.txt,Paper\n", encoding="utf-8")
    elif option == "--config":
        given.write_text("[audit]\nwholly = 0.8\n", encoding="utf-8")
    else:
        invoke(["audit", one, "--out", str(out), "--state", str(given), "-q"])
    _unreadable(monkeypatch, given.parent if option.endswith("folder") else given)
    flag = option.split()[0]
    result = invoke(["audit", one, "--out", str(out), flag, str(given), "-q"], code=3)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"provenance: error: {given}: ") and " - " in line
    assert "--out" not in line.split(" - ")[0]


@pytest.mark.parametrize("option", ["--out", "--state", "--manifest", "--config"])
def test_an_empty_path_option_is_a_usage_error_in_one_line(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    """``--out "$REPORTS"`` with the variable unset in the crontab: the reports went into
    the current folder (review W).  An empty path is a usage error, named in one line."""
    monkeypatch.chdir(tmp_path)
    one = str(corpus_dir / "004_7883a29d71220dc2.txt")
    out = [] if option == "--out" else ["--out", str(tmp_path / "o")]
    result = invoke(["audit", one, *out, option, "", "-q"], code=2)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"provenance: error: {option} is empty")
    assert list(tmp_path.iterdir()) == []


def test_audit_warns_of_a_page_with_no_main_text_every_night(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """A page with only furniture (status no-text) was audited in silence, where cron.md
    promises a warning for each input to fix (review W): one line naming it, the exit
    code unchanged, again the next night (nothing changed), none under ``provenance -q``."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(corpus_dir / "004_7883a29d71220dc2.txt", corpus / "a.txt")
    (corpus / "blank.html").write_text(
        '<html><body><nav><a href="/">Home</a></nav></body></html>', encoding="utf-8"
    )
    audit = ["audit", str(corpus), "--out", str(tmp_path / "o")]

    def stderr(*args: str) -> str:  # (a process of its own: the CLI configures logging)
        done = subprocess.run(
            [sys.executable, "-m", "provenance", *args], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    for _night in range(2):
        assert stderr(*audit, "-q").splitlines() == [
            "provenance: warning: blank.html: no main text found (only page furniture)"
            " - check the page, or remove it from the corpus"
        ]
    assert stderr("-q", *audit) == ""


def test_the_summary_counts_failed_inputs_apart(tmp_path: Path, corpus_dir: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01 binary")
    result = invoke(["audit", str(corpus), "--out", str(tmp_path / "o")], code=1)
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("provenance: audited 5 articles from 5 outlets, ")
    assert "1 inputs failed" in summary
