"""runner / state / changes / publish: incremental re-runs, locking, changes, cron exit codes."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT, invoke

import provenance.extract.templates as templates
import provenance.pipeline as pipeline
import provenance.state as state_module
from provenance.publish import verify
from provenance.runner import run
from provenance.settings import DEFAULTS
from provenance.settings import load as load_settings
from provenance.state import STATE_NAME, Locked, State, StateError, lock


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


def from_scratch(corpus: Path, tmp_path: Path) -> dict[str, bytes]:
    """The reports of ``corpus`` from a run with a state of its own (nothing cached)."""
    full = tmp_path / "full"
    run([str(corpus)], full, state_path=tmp_path / "other.sqlite")
    return published(full)


def add_an_article(corpus: Path) -> None:
    (corpus / "005_new.txt").write_text("A short new article about something else.\n")


def published(out: Path) -> dict[str, bytes]:
    files = {}
    for rel in sorted(p for p in (out / ".current").rglob("*") if p.is_file()):
        name = rel.relative_to(out / ".current").as_posix()
        if name not in ("changes.csv", "changes.md", "manifest.json"):
            files[name] = rel.read_bytes()
    return files


def test_rerun_reuses_the_state_and_gives_identical_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    first = run([str(corpus)], out)
    assert first.first_run and verify(out) == []
    before = published(out)
    calls: list[str] = []
    original = pipeline.prepare

    def counting(text: str, **kw: object) -> object:
        calls.append(text[:20])
        return original(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "prepare", counting)
    second = run([str(corpus)], out)
    assert calls == []  # every fingerprint came from the state
    assert not second.first_run and second.changes == []
    assert published(out) == before
    assert "Nothing changed." in (out / "changes.md").read_text(encoding="utf-8")


def test_a_new_article_is_the_only_new_work(tmp_path: Path) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    text = (corpus / "003_9d665848576a88f2.txt").read_text(encoding="utf-8")
    (corpus / "005_copy.txt").write_text("Another outlet wrote today.\n\n" + text[:1400])
    outcome = run([str(corpus)], out)
    kinds = {r["change"] for r in outcome.changes}
    assert {"new-article", "new-passage"} <= kinds
    new = [r for r in outcome.changes if r["change"] == "new-article"]
    assert [r["article"] for r in new] == ["005_copy.txt"]
    assert verify(out) == []
    assert published(out) == from_scratch(corpus, tmp_path)  # incremental = from scratch


def test_an_article_unreadable_for_one_run_is_neither_removed_nor_new_again(
    tmp_path: Path,
) -> None:
    """A file emptied (or cut off) while the scraper wrote it is a failed input that night,
    not a removed article; when it is read again unchanged, its passages are not new."""
    for name in ("002_ff3b1c2c26e4a046.txt", "000_75248550d3bec6f4.txt"):  # (000: a source)
        work = tmp_path / name
        corpus, out = copy_corpus(work), work / "out"
        run([str(corpus)], out)
        article = corpus / name
        text = article.read_bytes()
        article.write_bytes(b"")
        night = run([str(corpus)], out)
        assert not [r for r in night.changes if r["change"] == "removed-article"]
        article.write_bytes(text)
        back = run([str(corpus)], out)
        assert not [r for r in back.changes if r["change"] != "originality-moved"], name
        assert back.new_uncredited == 0


FEED_TEXTS = [
    "The regional parliament approved a new water management law on Tuesday after months of "
    "debate. Lawmakers said the reform would cut leakage in municipal pipelines by nearly a "
    "third within five years.\n\nThe bill allocates four billion roubles to replace ageing "
    "pumping stations in twelve districts, the speaker told reporters after the vote.",
    "The city football club signed a young goalkeeper from a second division team on Monday. "
    "The coach praised his reflexes and said he would compete for a starting place this "
    "season.\n\nFans gathered outside the stadium to welcome the player before training.",
]


@pytest.mark.parametrize("night", ["emptied", "cut-off", "too-large"])
def test_a_feed_unreadable_for_one_run_removes_none_of_its_articles(
    tmp_path: Path, night: str
) -> None:
    """A JSONL feed emptied, over the size cap, or cut off in a line while the scraper
    wrote it: its articles were "removed" that night (the copier "wholly original"), and
    the next night, the feed read again, the old copying was new copying (an alert)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    wire = [
        json.dumps({"url": f"https://wire.example/{k}", "text": text, "outlet": "TASS"})
        for k, text in enumerate(FEED_TEXTS)
    ]
    feed = corpus / "wire.jsonl"
    whole = "\n".join(wire) + "\n"
    feed.write_text(whole, encoding="utf-8")
    copier = {"url": "https://paper.example/1", "outlet": "Paper", "text": FEED_TEXTS[0]}
    (corpus / "paper.jsonl").write_text(json.dumps(copier) + "\n", encoding="utf-8")
    first = run([str(corpus)], out)
    assert first.new_uncredited > 0
    config = None
    if night == "emptied":
        feed.write_text("", encoding="utf-8")
    elif night == "cut-off":
        feed.write_text(wire[0] + "\n" + wire[1][: len(wire[1]) // 2], encoding="utf-8")
    else:
        config = tmp_path / "cap.toml"
        config.write_text(f"[ingest]\nmax_bytes = {len(whole) - 1}\n", encoding="utf-8")
    broken = run([str(corpus)], out, settings=load_settings(config) if config else DEFAULTS)
    assert broken.tables.articles.status.isin(["empty", "cut-off", "too-large"]).any()
    assert not [r for r in broken.changes if r["change"] == "removed-article"]
    feed.write_text(whole, encoding="utf-8")
    back = run([str(corpus)], out)
    assert back.new_uncredited == 0
    assert not [r for r in back.changes if r["change"] in ("new-passage", "new-article")]


def test_a_new_input_that_cannot_be_audited_is_named_once(tmp_path: Path) -> None:
    """A new file with no main text (only page furniture) is a new article the night it
    comes, named with its status, and not again the nights after."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    (corpus / "006_menu.txt").write_text("Subscribe to our newsletter\n\nShare on Facebook\n")
    night = run([str(corpus)], out)
    (status,) = night.tables.articles.set_index("article").loc[["006_menu.txt"], "status"]
    assert status != "ok"
    assert [(r["change"], r["article"], r["detail"]) for r in night.changes] == [
        ("new-article", "006_menu.txt", f"not audited: {status}")
    ]
    assert run([str(corpus)], out).changes == []


def test_an_articles_new_passages_are_listed_in_text_order(tmp_path: Path) -> None:
    """chars 756-1221 before chars 1223-1472 (numbers, not strings, are compared)."""
    outcome = run([str(CORPUS)], tmp_path / "out")
    fresh = [r for r in outcome.changes if r["change"] == "new-passage"]
    assert len(fresh) > 10
    for (outlet, article), group in itertools.groupby(
        fresh, key=lambda r: (r["outlet"], r["article"])
    ):
        starts = [int(r["after"].split("-")[0]) for r in group]
        assert starts == sorted(starts), (outlet, article)


def test_a_new_quotation_is_never_counted_as_new_uncredited_copying(tmp_path: Path) -> None:
    outcome = run([str(CORPUS)], tmp_path / "out")
    fresh = [r for r in outcome.changes if r["change"] == "new-passage"]
    quoted = [r for r in fresh if r["detail"].endswith("; quotation")]
    assert quoted and len(quoted) < len(fresh)
    tables = outcome.tables.passages
    counted = tables[(tables.direction != "order-unknown")]
    assert len(quoted) == int(counted.quote.sum())
    uncredited = (~counted.quote & ~counted.credited).sum()
    assert outcome.new_uncredited == uncredited > 0


def test_the_state_keeps_pair_rows_without_their_texts(tmp_path: Path) -> None:
    """The texts of a pair's rows are cut again from the articles when read back."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    state = State(out / STATE_NAME)
    rows = [
        row
        for (value,) in state.db.execute("SELECT value FROM cache WHERE kind = 'pair'")
        for row in pickle.loads(value)
    ]
    state.close()
    assert rows and all(r["text"] is None and r["source_text"] is None for r in rows)
    assert any(r["direction"] == "designated-source" for r in rows)  # one side aligned in full
    add_an_article(corpus)
    run([str(corpus)], out)  # every other pair's rows come from the state
    assert published(out) == from_scratch(corpus, tmp_path)


def test_outlets_whose_pages_did_not_change_learn_no_templates_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    learnt: list[set[str]] = []
    original = templates.learn_templates

    def counting(pages: dict[str, list[str]], **kw: Any) -> dict[str, frozenset[str]]:
        learnt.append(set(pages))
        return original(pages, **kw)

    monkeypatch.setattr(templates, "learn_templates", counting)
    run([str(corpus)], out)
    assert len(learnt) == 1 and len(learnt[0]) >= 2
    target = corpus / "000_75248550d3bec6f4.txt"  # Daily8's page
    target.write_text(target.read_text(encoding="utf-8") + "\nA line added.\n", encoding="utf-8")
    run([str(corpus)], out)
    assert learnt[1:] == [{"Daily8"}]  # the other outlets' lines came from the state
    assert published(out) == from_scratch(corpus, tmp_path)


def test_full_rebuild_ignores_the_cache(tmp_path: Path) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    state = State(out / STATE_NAME, full=True)
    assert state.db.execute("SELECT COUNT(*) FROM cache").fetchone()[0] == 0
    state.close()


def test_state_commit_keeps_only_used_entries(tmp_path: Path) -> None:
    state = State(tmp_path / "s.sqlite")
    state.put("pair", "a", [1])
    state.put("pair", "b", [2])
    state.commit({"x": 1})
    state.close()
    again = State(tmp_path / "s.sqlite")
    assert again.get("pair", "a") == [1]
    again.commit({"x": 2})  # b was not used by this run: dropped
    assert again.get("pair", "b") is None and again.previous() == {"x": 2}
    assert again.integrity() == "ok"
    again.close()


def test_a_damaged_state_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "state.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    result = invoke(
        ["audit", str(CORPUS), "--out", str(tmp_path / "o"), "--state", str(bad)], code=3
    )
    assert "state.sqlite" in result.stderr and "delete it" in result.stderr


def test_a_state_damaged_inside_or_with_a_bad_snapshot_is_one_clear_error(tmp_path: Path) -> None:
    """Damage that opening the file does not show (a page of the cache table, the snapshot's
    JSON) is found when the run reads it: exit 3 and what to do, never a traceback."""
    out = tmp_path / "o"
    invoke(["audit", str(CORPUS), "--out", str(out), "-q"])
    path = out / ".provenance-state.sqlite"
    good = path.read_bytes()
    for damage in ("page", "json", "list", "shape"):
        if damage == "page":  # the cache table's root page, overwritten
            path.write_bytes(good[:4096] + b"\x07" * 200 + good[4296:])
        else:
            path.write_bytes(good)
            db = sqlite3.connect(path)
            value = {"json": "{bad", "list": "[1, 2]", "shape": '{"articles": 5, "identity": 3,'
                     ' "chunks": 7}'}[damage]  # fmt: skip
            db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (value,))
            db.commit()
            db.close()
        result = invoke(["audit", str(CORPUS), "--out", str(out), "-q", "--full"], code=3)
        assert "the state file is damaged" in result.stderr, damage
        assert "delete it" in result.stderr and "Traceback" not in result.stderr


def test_a_state_another_program_holds_stops_the_run_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, out = tmp_path / "state.sqlite", tmp_path / "o"
    State(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(state_module, "BUSY_SECONDS", 0.1)
    try:
        with pytest.raises(StateError, match=r"state\.sqlite: cannot use the state file"):
            run([str(CORPUS)], out, state_path=path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not (out / "report.md").exists()  # stopped before publishing anything


def test_a_state_that_cannot_be_saved_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: State, snapshot: dict[str, Any]) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(State, "_commit", refused)
    with pytest.raises(StateError, match="reports are published, but the state could not"):
        run([str(CORPUS)], tmp_path / "o")
    assert verify(tmp_path / "o") == []


def test_lock_is_exclusive(tmp_path: Path) -> None:
    with lock(tmp_path), pytest.raises(Locked), lock(tmp_path):
        pass
    with lock(tmp_path):  # released
        pass


def test_a_finished_run_frees_the_folder_while_a_child_still_exits(tmp_path: Path) -> None:
    """A process forked during the run (the report renderer) holds a copy of the lock's
    descriptor and may still be exiting when the run returns: the next run gets the lock
    (it was refused now and then: exit 5 "another provenance run")."""
    with lock(tmp_path):
        child = os.fork()
        if child == 0:  # holds the descriptor well past the run's end
            time.sleep(30)
            os._exit(0)
    try:
        with lock(tmp_path):
            pass
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_overlapping_run_exits_5_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with lock(out):
        result = invoke(["audit", str(CORPUS), "--out", str(out)], code=5)
    assert "another provenance run" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".provenance.lock"]


def test_quiet_success_prints_nothing_and_alerts_exit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    quiet = invoke(["audit", str(CORPUS), "--out", str(out), "-q"])
    assert quiet.stdout == "" and quiet.stderr == ""
    again = invoke(["audit", str(CORPUS), "--out", str(out), "--alert-uncredited", "-q"])
    assert again.stderr == ""  # nothing new since the last run
    fresh = tmp_path / "fresh"
    alert = invoke(["audit", str(CORPUS), "--out", str(fresh), "--alert-uncredited", "-q"], code=7)
    assert "new uncredited" in alert.stderr
    under = invoke(["audit", str(CORPUS), "--out", str(fresh), "--fail-under", "0.2", "-q"], code=6)
    # the outlets under the share, lowest first: the mail says which, not just that
    *_, line = under.stderr.splitlines()
    outlets = list(csv.DictReader((fresh / "outlets.csv").open(encoding="utf-8")))
    sources = {
        r["outlet"]
        for r in csv.DictReader((fresh / "articles.csv").open())
        if r["role"] == "source"
    }
    low = sorted(
        (float(r["original_share"]), r["outlet"])
        for r in outlets
        if r["outlet"] not in sources and float(r["original_share"]) < 0.2
    )
    assert len(low) >= 2
    named = ", ".join(f"{outlet} {share:.4f}" for share, outlet in low)
    assert line == f"provenance: original share under 0.2 (--fail-under): {named}"


def test_killed_runs_leave_complete_reports(tmp_path: Path) -> None:
    """kill -9 at points spread over a run: the reports verify and the state is sound."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    command = [sys.executable, "-m", "provenance", "audit", str(corpus), "--out", str(out), "-q"]
    subprocess.run(command, cwd=ROOT, check=True)
    reference = published(out)
    (corpus / "001_1bac6ef4c7f7c27f.txt").write_text("Changed text of an article.\n" * 30)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    duration = time.perf_counter() - start
    changed = published(out)
    for i in range(12):
        (corpus / "001_1bac6ef4c7f7c27f.txt").write_text(f"Edit {i}.\n" * (30 + i))
        proc = subprocess.Popen(command, cwd=ROOT)
        time.sleep(duration * (i + 0.5) / 12)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert verify(out) == [], f"kill {i}"
        state = State(out / STATE_NAME)
        assert state.integrity() == "ok"
        state.close()
    shutil.copy(CORPUS / "001_1bac6ef4c7f7c27f.txt", corpus / "001_1bac6ef4c7f7c27f.txt")
    subprocess.run(command, cwd=ROOT, check=True)
    assert published(out) == reference
    assert changed != reference
    assert os.path.islink(out / "report.md")


def test_a_tampered_report_is_rebuilt_on_the_next_run(tmp_path: Path) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    before = published(out)
    (out / "report.md").resolve().write_text("tampered", encoding="utf-8")
    assert verify(out) != []
    run([str(corpus)], out)
    assert verify(out) == [] and published(out) == before


def test_changed_settings_are_a_change(tmp_path: Path) -> None:
    import dataclasses

    from provenance.settings import DEFAULTS

    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    first = run([str(corpus)], out).tables.articles
    assert "wholly" in first.verdict.tolist()
    above = round(float(first.copied_share.max()) + 0.001, 3)  # over every article's share
    assert above <= 1
    strict = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, wholly=above))
    outcome = run([str(corpus)], out, settings=strict)
    assert f">= {above:g}" in (out / "report.md").read_text(encoding="utf-8")
    assert outcome.tables.articles.verdict.tolist().count("wholly") == 0


def test_no_changes_csv_is_what_the_report_writes_for_no_rows() -> None:
    from provenance.changes import CHANGE_COLUMNS, NO_CHANGES_CSV
    from provenance.report import csv_text

    assert csv_text([], CHANGE_COLUMNS) == NO_CHANGES_CSV


def test_a_no_change_run_imports_neither_pandas_nor_the_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "provenance", "audit", str(CORPUS), "--out", str(out), "-q"]
    subprocess.run(cmd, check=True, capture_output=True)
    subprocess.run(cmd, check=True, capture_output=True)  # its changes now say "nothing"
    probe = (
        "import sys, runpy; sys.argv = {argv!r}\n"
        "try:\n    runpy.run_module('provenance', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "print(code, 'pandas' in sys.modules, 'provenance.pipeline' in sys.modules)\n"
    ).format(argv=["provenance", *cmd[3:]])
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False", "False"]


def test_state_digests_keep_their_parts_apart() -> None:
    from provenance.state import digest

    assert digest("ab", "c") != digest("a", "bc")
    assert digest("1") != digest(1) != digest(b"1")
    assert digest("x\x1fs1:y") != digest("x", "y")
    assert digest("text", {"a": 1}) == digest("text", {"a": 1})


def test_state_keys_name_the_code_that_made_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited provenance (same version number) finds no entry an older build cached."""
    import provenance
    from provenance import state

    package = Path(provenance.__file__).parent
    copy = tmp_path / "provenance"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert state.source_digest(copy) == state.source_digest(package)
    align = copy / "align.py"
    align.write_text(align.read_text() + "\n# an edit\n")
    assert state.source_digest(copy) != state.source_digest(package)
    before = state.digest("pair", "a", "b")
    monkeypatch.setattr(state, "code_version", lambda: "0.1.0+another")
    assert state.digest("pair", "a", "b") != before


def test_a_damaged_pair_entry_in_the_state_is_aligned_again(tmp_path: Path) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    state = State(out / STATE_NAME)
    state.db.execute(
        "UPDATE cache SET value = ? WHERE kind = 'pair'", (pickle.dumps([{"text": None}]),)
    )
    state.close()
    add_an_article(corpus)
    run([str(corpus)], out)
    assert published(out) == from_scratch(corpus, tmp_path)


def test_a_rerun_trusts_reports_whose_files_did_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance.publish import signatures

    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    known = signatures(out)
    assert known and verify(out, known) == []
    original = Path.read_bytes

    def unread(self: Path) -> bytes:
        if self.name != "manifest.json" and tmp_path / "out" in self.parents:
            raise AssertionError(f"{self} read again")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", unread)
    assert verify(out, known) == []  # no report file was read
    monkeypatch.undo()
    # an edit that keeps the size is still found: its modification time moved
    target = (out / "report.md").resolve()
    data = target.read_bytes()
    before = target.stat().st_mtime_ns
    target.write_bytes(data[:-2] + b"?\n")
    if target.stat().st_mtime_ns == before:  # (a file system's coarse clock)
        os.utime(target, ns=(before, before + 1_000_000_000))
    assert verify(out, known) == ["report.md: sha256 differs from the manifest"]
    outcome = run([str(corpus)], out)
    assert verify(out) == [] and not outcome.first_run


def test_reports_written_inside_the_corpus_are_never_read_as_articles(tmp_path: Path) -> None:
    from provenance import publish, state
    from provenance.ingest import CURRENT_LINK

    assert CURRENT_LINK == publish.CURRENT
    corpus = copy_corpus(tmp_path)
    out = corpus / "reports"
    run([str(corpus)], out)
    first = {n: (out / n).read_bytes() for n in ("articles.csv", "passages.csv")}
    again = run([str(corpus)], out)  # the first run's texts/, report.md... are there now
    assert len(again.documents) == 5
    assert {n: (out / n).read_bytes() for n in first} == first
    # a committed example folder (no lock, no state) is known by its .current link
    (out / state.LOCK_NAME).unlink()
    (out / STATE_NAME).unlink()
    elsewhere = tmp_path / "elsewhere"
    assert len(run([str(corpus)], elsewhere).documents) == 5
    assert (elsewhere / "passages.csv").read_bytes() == first["passages.csv"]
    # the reports in the corpus folder itself: its articles are still read, the reports not
    beside = copy_corpus(tmp_path / "b")
    run([str(beside)], beside)
    again = run([str(beside)], beside)
    assert len(again.documents) == 5
    assert (beside / "passages.csv").read_bytes() == first["passages.csv"]


def test_a_state_path_that_cannot_be_a_file_is_one_clear_error(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = invoke(
        ["audit", str(CORPUS), "--out", str(tmp_path / "o"), "--state", str(tmp_path)], code=3
    )
    assert result.stderr.startswith(f"provenance: error: {tmp_path}: is a folder, not a state")
    assert "give --state the path of a file" in result.stderr
    # a folder that is not there (a typo) is not made: a new state would audit all again
    for state in (afile / "s.sqlite", tmp_path / "typo" / "s.sqlite"):
        result = invoke(
            ["audit", str(CORPUS), "--out", str(tmp_path / "o"), "--state", str(state)], code=3
        )
        assert result.stderr.startswith(
            f"provenance: error: {state}: its folder {state.parent} does not exist"
        )
        assert not (tmp_path / "typo").exists()


def test_a_state_file_serves_one_reports_folder(tmp_path: Path) -> None:
    """Two --out folders sharing a --state would each compare itself with the other's run
    (a flood of "new" passages): the second is turned away, and the first goes on."""
    state = tmp_path / "shared.sqlite"
    first = ["audit", str(CORPUS), "--out", str(tmp_path / "a"), "--state", str(state), "-q"]
    invoke(first)
    other = invoke(
        ["audit", str(CORPUS), "--out", str(tmp_path / "b"), "--state", str(state)], code=3
    )
    assert "this state keeps the runs of the reports in" in other.stderr
    assert not (tmp_path / "b" / "report.md").exists()
    assert invoke([*first, "--alert-uncredited"]).stderr == ""  # nothing new for the first


def test_a_renamed_file_or_relabelled_outlet_is_no_new_copying(tmp_path: Path) -> None:
    """Housekeeping (a file renamed, an outlet named in the manifest) keeps the passages;
    the changes say what happened instead of listing them all as new."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    (corpus / "004_7883a29d71220dc2.txt").rename(corpus / "004 renamed.txt")
    manifest = corpus / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        .replace("004_7883a29d71220dc2.txt", "004 renamed.txt")
        .replace("001_1bac6ef4c7f7c27f.txt,,", "001_1bac6ef4c7f7c27f.txt,Weekly Planet,"),
        encoding="utf-8",
    )
    outcome = run([str(corpus)], out)
    rows = {(r["change"], r["article"], r["detail"]): r for r in outcome.changes}
    renamed = rows[("renamed-article", "004 renamed.txt", "")]
    assert renamed["before"] == "004_7883a29d71220dc2.txt"
    relabel = rows[("changed-article", "001_1bac6ef4c7f7c27f.txt", "outlet")]
    assert (relabel["before"], relabel["after"]) == (
        "unknown (001_1bac6ef4c7f7c27f.txt)",
        "Weekly Planet",
    )
    assert not [r for r in outcome.changes if r["change"] in ("new-passage", "new-article")]
    assert outcome.new_uncredited == 0
    text = (out / "changes.md").read_text(encoding="utf-8")
    assert "004_7883a29d71220dc2.txt -> 004 renamed.txt" in text
    assert "outlet unknown (001_1bac6ef4c7f7c27f.txt) -> Weekly Planet" in text


def test_changed_settings_are_named_in_the_changes(tmp_path: Path) -> None:
    from provenance.settings import DEFAULTS

    out = tmp_path / "out"
    run([str(CORPUS)], out)
    stricter = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, wholly=0.95))
    outcome = run([str(CORPUS)], out, settings=stricter)
    assert [r["change"] for r in outcome.changes][:1] == ["settings-changed"]
    assert "The settings or the sources changed" in (out / "changes.md").read_text()


def test_a_snapshot_of_names_is_still_compared_by_names(tmp_path: Path) -> None:
    """A state written before passages were known by content compares the old way once:
    upgrading does not make every passage new."""
    from provenance.changes import compare, counted, passage_key

    outcome = run([str(CORPUS)], tmp_path / "out")
    tables = outcome.tables
    hashes = {str(r["article"]): str(r["article"]) for r in tables.articles.to_dict("records")}
    old = {"articles": hashes, "passages": [passage_key(r) for r in counted(tables)]}
    assert compare(old, tables, hashes, threshold=0.05) == []
    # (and one written by the version that knew passages by the whole texts' contents)
    from provenance.changes import _passage_id_v2

    two = {
        "identity": 2,
        "settings": "another digest",
        "articles": hashes,
        "passages": [_passage_id_v2(r, hashes) for r in counted(tables)],
    }
    assert compare(two, tables, hashes, threshold=0.05, settings="this digest") == []


def test_a_deleted_file_the_manifest_still_lists_is_removed_with_its_row(tmp_path: Path) -> None:
    """While the manifest lists it, a file not there is a failed input (exit 1, named with
    the fix), not a removed article; with its row gone from the manifest, it is removed."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    (corpus / "004_7883a29d71220dc2.txt").unlink()  # (manifest.csv still lists it)
    outcome = run([str(corpus)], out)
    assert [d.status for d in outcome.failed] == ["missing"]
    assert not [r for r in outcome.changes if r["change"] == "removed-article"]
    manifest = corpus / "manifest.csv"
    rows = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(r for r in rows if not r.startswith("004_")), encoding="utf-8")
    outcome = run([str(corpus)], out)
    removed = [r["article"] for r in outcome.changes if r["change"] == "removed-article"]
    assert removed == ["004_7883a29d71220dc2.txt"]


def _returns_unchanged(outcome: Any) -> None:
    """The night an input that failed is read again unchanged: nothing new, no alert."""
    assert not [r for r in outcome.changes if r["change"] != "originality-moved"]
    assert outcome.new_uncredited == 0


def test_a_listed_file_missing_for_one_run_is_neither_removed_nor_new_again(
    tmp_path: Path,
) -> None:
    """A file the manifest lists, gone for a night (review W): it was "removed", and the
    night it came back unchanged its passages were new (exit 7 with --alert-uncredited)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    first = run([str(corpus)], out)
    article = corpus / "002_ff3b1c2c26e4a046.txt"
    assert [r for r in first.tables.passages.article if r == article.name]  # (the premise)
    away = article.rename(tmp_path / article.name)
    night = run([str(corpus)], out)
    assert [d.status for d in night.failed] == ["missing"]
    assert not [r for r in night.changes if r["change"] == "removed-article"]
    away.rename(article)
    _returns_unchanged(run([str(corpus)], out))


@pytest.mark.parametrize("night", ["header-only", "emptied", "unreadable"])
def test_a_folder_manifest_unusable_for_one_run_changes_none_of_its_articles(
    tmp_path: Path, night: str
) -> None:
    """A corpus folder's manifest.csv unreadable, or emptied by a scraper rewriting it, for
    a night: its files were audited without it (The Moscow Times no designated source,
    outlets "unknown (...)", changed articles and new passages), and again the night it was
    back (review Z).  Now its files are that night's failed input, carried over."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    other = tmp_path / "other"
    other.mkdir()
    (other / "own.txt").write_text(_OWN + "\n\n" + _OWN.upper() + "\n", encoding="utf-8")
    folders = [str(corpus), str(other)]
    run(folders, out)
    manifest = corpus / "manifest.csv"
    kept = manifest.read_bytes()
    broken = {"header-only": kept.splitlines(keepends=True)[0], "emptied": b""}
    manifest.write_bytes(broken.get(night, b"\x00\x01\x02 not a manifest \x00" * 40))
    outcome = run(folders, out)
    assert [(d.id, d.status) for d in outcome.failed] == [("manifest", "unreadable")]
    assert "not audited this run" in (outcome.failed[0].error or "")
    assert not [r for r in outcome.changes if "not audited" not in r["detail"]]
    assert outcome.new_uncredited == 0
    manifest.write_bytes(kept)
    _returns_unchanged(run(folders, out))


def test_a_listed_file_named_with_a_time_missing_for_one_run_keeps_its_name(
    tmp_path: Path,
) -> None:
    """A file named with a colon ("herald_2025-06-08T10:30.txt"), missing for a night while
    the manifest lists it, was named as a JSONL line is, without its extension: a new
    article "herald_2025-06-08T10:30" not audited (review Z)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    timed = "002_2025-06-08T10:30.txt"
    (corpus / "002_ff3b1c2c26e4a046.txt").rename(corpus / timed)
    manifest = corpus / "manifest.csv"
    listed = manifest.read_text(encoding="utf-8")
    manifest.write_text(listed.replace("002_ff3b1c2c26e4a046.txt", timed), encoding="utf-8")
    run([str(corpus)], out)
    away = (corpus / timed).rename(tmp_path / "away.txt")
    night = run([str(corpus)], out)
    assert [d.status for d in night.failed] == ["missing"]
    assert sorted(night.tables.articles.article)[2] == timed
    assert not [r for r in night.changes if r["change"] in ("new-article", "removed-article")]
    away.rename(corpus / timed)
    _returns_unchanged(run([str(corpus)], out))


def test_an_empty_corpus_folder_among_several_removes_none_of_its_articles(
    tmp_path: Path,
) -> None:
    """A corpus folder unmounted (or emptied) for a night while others are read: its
    articles are carried over, not removed, and are not new when it is back (review W)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    wire, other = tmp_path / "wire", tmp_path / "other"
    wire.mkdir()
    other.mkdir()
    (corpus / "manifest.csv").unlink()
    for f in corpus.iterdir():
        if f.suffix == ".txt":
            f.rename((wire if f.name.startswith("003_") else other) / f.name)
    folders = [str(wire), str(other)]
    run(folders, out)
    other.rename(tmp_path / "unmounted")
    other.mkdir()
    night = run(folders, out)
    assert [d.status for d in night.failed] == ["empty"]
    assert not [r for r in night.changes if r["change"] == "removed-article"]
    other.rmdir()
    (tmp_path / "unmounted").rename(other)
    _returns_unchanged(run(folders, out))


def test_articles_moved_out_of_a_folder_left_empty_are_renamed_not_new(tmp_path: Path) -> None:
    """A night's rotation moves a folder's files into an archive folder and leaves it empty
    on the command line: the folder failed, but its articles are where they went, renamed,
    and none of their passages is new (review Z: each came back as a new article with new
    uncredited passages, and the run exited 7)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    wire, papers, archive = tmp_path / "wire", tmp_path / "papers", tmp_path / "archive"
    for folder in (wire, papers, archive):
        folder.mkdir()
    (corpus / "manifest.csv").unlink()
    for f in corpus.iterdir():
        if f.suffix == ".txt":
            f.rename((wire if f.name.startswith("003_") else papers) / f.name)
    folders = [str(wire), str(papers), str(archive)]
    run(folders, out)
    (archive / "2025-06-08").mkdir()
    for f in list(papers.iterdir()):
        f.rename(archive / "2025-06-08" / f.name)
    night = run(folders, out)

    def kinds(outcome: Any) -> set[str]:  # (the empty folder is named once, not audited)
        return {r["change"] for r in outcome.changes if "not audited" not in r["detail"]}

    assert "renamed-article" in kinds(night)
    assert not kinds(night) & {"new-article", "new-passage", "removed-article"}
    assert night.new_uncredited == 0
    # ... and the next night, with the folder still empty, nothing is removed or new
    assert not kinds(run(folders, out)) & {"new-article", "new-passage", "removed-article"}


def test_a_bad_line_in_the_middle_of_a_feed_is_a_failed_input_not_a_removal(
    tmp_path: Path,
) -> None:
    """A line of a feed that is not JSON one night (not the last line: the feed is not cut
    off) kept none of its article's name: it was removed, a new unreadable article named
    after a hash of the line came, and the next night its passages were new (review W)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    lines = [
        json.dumps({"id": "w1", "text": FEED_TEXTS[0], "outlet": "TASS", "role": "source"}),
        json.dumps({"id": "p1", "text": FEED_TEXTS[0], "outlet": "Paper"}),
        json.dumps({"id": "p2", "text": FEED_TEXTS[1], "outlet": "Paper"}),
    ]
    feed = corpus / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = run([str(corpus)], out)
    assert first.new_uncredited > 0
    broken = [lines[0], lines[1][:-1], lines[2]]
    feed.write_text("\n".join(broken) + "\n", encoding="utf-8")
    night = run([str(corpus)], out)
    assert [(d.id, d.status) for d in night.failed] == [("feed:p1", "unreadable")]
    assert not [r for r in night.changes if r["change"] in ("removed-article", "new-article")]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _returns_unchanged(run([str(corpus)], out))


def test_a_state_follows_its_reports_folder_when_it_moves(tmp_path: Path) -> None:
    state = tmp_path / "st.sqlite"
    invoke(["audit", str(CORPUS), "--out", str(tmp_path / "a"), "--state", str(state), "-q"])
    (tmp_path / "a").rename(tmp_path / "b")  # the reports moved: the state follows them
    invoke(["audit", str(CORPUS), "--out", str(tmp_path / "b"), "--state", str(state), "-q"])
    other = ["audit", str(CORPUS), "--out", str(tmp_path / "c"), "--state", str(state), "-q"]
    assert str(tmp_path / "b") in invoke(other, code=3).stderr  # (now b's)
    # a state inside its reports folder, named with --state: a first run makes the folder,
    # and the state moves with it
    inside = tmp_path / "d" / "state.sqlite"
    invoke(["audit", str(CORPUS), "--out", str(tmp_path / "d"), "--state", str(inside), "-q"])
    (tmp_path / "d").rename(tmp_path / "e")
    moved = tmp_path / "e" / "state.sqlite"
    invoke(["audit", str(CORPUS), "--out", str(tmp_path / "e"), "--state", str(moved), "-q"])


_WIRE = (
    "The regional parliament approved a new water management law on Tuesday after months of"
    " debate. Lawmakers said the reform would cut leakage in municipal pipelines by nearly a"
    " third within five years. The bill allocates four billion roubles to replace ageing"
    " pumping stations in twelve districts."
)
_OWN = (
    "Residents of the northern suburbs have complained about brown tap water for several"
    " summers, and a local engineer told our correspondent the stations were built in the sixties."
)


def test_an_edit_elsewhere_in_an_article_or_its_source_makes_no_passage_new(
    tmp_path: Path,
) -> None:
    """A passage is known by its article's and source's files and its own text, not by
    the whole files' contents: an edit elsewhere in either makes none of it new."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "wire.txt").write_text(_WIRE + "\n")
    (corpus / "paper.txt").write_text(_OWN + "\n\n" + _WIRE + "\n")
    (corpus / "manifest.csv").write_text(
        "file,outlet,role\nwire.txt,TASS,source\npaper.txt,Paper,\n"
    )
    first = run([str(corpus)], out)
    assert [r["change"] for r in first.changes].count("new-passage") >= 1
    added = (
        "\n\nThe governor is expected to sign the document into law before the end of the month.\n"
    )
    for name in ("wire.txt", "paper.txt"):
        with (corpus / name).open("a", encoding="utf-8") as fh:
            fh.write(added if name == "wire.txt" else "\n\nShop owners hope the works end soon.\n")
    outcome = run([str(corpus)], out)
    assert sorted(
        (r["change"], r["detail"]) for r in outcome.changes if r["change"] != "originality-moved"
    ) == [
        ("changed-article", "text"),
        ("changed-article", "text"),
    ]
    assert outcome.new_uncredited == 0


def test_a_new_outlet_copying_word_for_word_is_new_copying(tmp_path: Path) -> None:
    """The same text under another file and outlet is another outlet's copying (two outlets
    named: both audited; an unnamed copy would be the same page saved twice)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    manifest = corpus / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "002_ff3b1c2c26e4a046.txt,,", "002_ff3b1c2c26e4a046.txt,Alpha,"
        ),
        encoding="utf-8",
    )
    run([str(corpus)], out)
    (corpus / "005_copy.txt").write_bytes((corpus / "002_ff3b1c2c26e4a046.txt").read_bytes())
    with manifest.open("a", encoding="utf-8") as fh:
        fh.write("005_copy.txt,Delta,article,,,en,\n")
    outcome = run([str(corpus)], out)
    fresh = [r for r in outcome.changes if r["change"] == "new-passage"]
    assert "005_copy.txt" in {r["article"] for r in fresh}
    assert outcome.new_uncredited > 0


def test_a_rename_with_a_new_outlet_names_both(tmp_path: Path) -> None:
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    (corpus / "001_1bac6ef4c7f7c27f.txt").rename(corpus / "001 renamed.txt")
    manifest = corpus / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "001_1bac6ef4c7f7c27f.txt,,", "001 renamed.txt,Weekly Planet,"
        ),
        encoding="utf-8",
    )
    changes = run([str(corpus)], out).changes
    assert [(r["change"], r["detail"]) for r in changes if r["article"] == "001 renamed.txt"] == [
        ("renamed-article", ""),
        ("changed-article", "outlet"),
    ]
    assert not [r for r in changes if r["change"] == "new-passage"]


def test_the_order_of_sources_given_is_no_change_of_settings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([str(CORPUS)], out, sources=["TASS", "The Moscow Times"])
    for sources in (["The Moscow Times", "TASS"], ["tass", "the moscow times"]):
        outcome = run([str(CORPUS)], out, sources=sources)
        assert not [r for r in outcome.changes if r["change"] == "settings-changed"]


def test_a_second_copy_of_an_article_is_not_its_removal(tmp_path: Path) -> None:
    """A copy that sorts first is audited in the original's place: the original is not
    removed, and the copy carries its passages (those from a designated source are found
    the same; an order-unknown pair is aligned from the other side now, so may differ)."""
    corpus, out = copy_corpus(tmp_path), tmp_path / "out"
    run([str(corpus)], out)
    (corpus / "0000_copy.txt").write_bytes((corpus / "001_1bac6ef4c7f7c27f.txt").read_bytes())
    outcome = run([str(corpus)], out)
    arts = outcome.tables.articles.set_index("article")
    assert arts.loc["001_1bac6ef4c7f7c27f.txt", "status"] == "duplicate"  # (the premise)
    assert not [r for r in outcome.changes if r["change"] == "removed-article"]
    fresh = [r for r in outcome.changes if r["change"] == "new-passage"]
    assert not [r for r in fresh if r["source"] == "The Moscow Times"]
    taken = outcome.tables.passages
    assert (taken.article == "0000_copy.txt").sum() > len(fresh)
    (new,) = [r for r in outcome.changes if r["change"] == "new-article"]
    assert new["article"] == "0000_copy.txt" and "001_1bac6ef4c7f7c27f.txt" in new["detail"]


def test_the_settings_digest_covers_what_the_config_changes_from_the_defaults() -> None:
    """A setting written with its default value (or added by a new version with one) is no
    change of settings; another value is."""
    from provenance.runner import _configured
    from provenance.settings import DEFAULTS

    same = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, wholly=DEFAULTS.audit.wholly))
    other = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, wholly=0.9))
    assert _configured(same, ["TASS"]) == _configured(DEFAULTS, ["tass"])
    assert _configured(other, ["TASS"]) != _configured(DEFAULTS, ["TASS"])
    assert _configured(DEFAULTS, []).startswith("2:")


def test_a_file_edited_into_a_copy_of_another_carries_its_passages(tmp_path: Path) -> None:
    """a.txt is overwritten with b.txt's text and sorts first: it is audited, b.txt becomes
    its copy, and what y.txt took from b.txt is what it takes from a.txt now (not new)."""
    corpus, out = tmp_path / "c", tmp_path / "out"
    corpus.mkdir()
    for mine, seed in (
        ("a.txt", "004_7883a29d71220dc2.txt"),
        ("b.txt", "000_75248550d3bec6f4.txt"),
        ("y.txt", "001_1bac6ef4c7f7c27f.txt"),
        ("mt.txt", "003_9d665848576a88f2.txt"),
    ):
        shutil.copy(CORPUS / seed, corpus / mine)
    run([str(corpus)], out)
    shutil.copy(corpus / "b.txt", corpus / "a.txt")
    outcome = run([str(corpus)], out)
    assert outcome.tables.articles.set_index("article").loc["b.txt", "status"] == "duplicate"
    assert not [r for r in outcome.changes if r["change"] in ("new-passage", "removed-article")]
    assert outcome.new_uncredited == 0


def test_a_pages_date_edited_alone_is_a_metadata_change_not_a_text_change(
    tmp_path: Path,
) -> None:
    """Only the publication time in an HTML page's head edited: changes.csv said
    "changed-article, text" with no before or after (its file's hash changed), where
    docs/cron.md promises the published date, before and after (review I)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    body = "".join(f"<p>{t}</p>" for t in FEED_TEXTS[0].split("\n\n"))

    def page(when: str) -> str:
        return (
            f'<html><head><meta property="article:published_time" content="{when}">'
            f"<title>Water law</title></head><body><article>{body}</article></body></html>"
        )

    (corpus / "paper.html").write_text(page("2025-06-05T10:00:00+03:00"), encoding="utf-8")
    run([str(corpus)], out)
    (corpus / "paper.html").write_text(page("2025-06-06T10:00:00+03:00"), encoding="utf-8")
    changes = [(r["change"], r["detail"]) for r in run([str(corpus)], out).changes]
    assert changes == [("changed-article", "published")]
