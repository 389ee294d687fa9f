"""report.py: CSV/JSONL/texts/Markdown/HTML writers on synthetic AuditTables."""

from __future__ import annotations

import csv
import dataclasses
import functools
import html
import io
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance import report
from provenance.aggregate import (
    ARTICLE_COLUMNS,
    OUTLET_COLUMNS,
    OUTLET_SOURCE_COLUMNS,
    PASSAGE_COLUMNS,
    REMOVED_COLUMNS,
    AuditTables,
)
from provenance.compose import Chunks
from provenance.compose import key as part_key
from provenance.errors import OutputError
from provenance.publish import manifest as report_manifest
from provenance.publish import publish, republish, verify
from provenance.report_html import highlight, pct, similarity, source_colours
from provenance.settings import AuditSettings

EVIL = '=HYPERLINK("x")|evil'
UNKNOWN = "unknown (foo.txt)"
TASS_TEXT = (
    "МОСКВА, 1 января. /ТАСС/. Президент заявил, что «переговоры продолжатся». Подробности позже."
)
MT_TEXT = "The Moscow Times reported that the ruble fell 5% on Monday & analysts <expected> more."
FONTANKA_TEXT = (
    "Как сообщает ТАСС, президент заявил, что «переговоры продолжатся». Это важно | очень.\n"
    "Новая строка."
)
EVIL_TEXT = (
    "=cmd|' /C calc'!A0 <script>alert('x')</script> The ruble fell 5% on Monday & analysts "
    "<expected> more.\r\nSecond line | with pipe \\ and backslash."
)
UNKNOWN_TEXT = "-minus start. Paraphrased: the ruble dropped five percent on Monday."

TEXTS = {
    "tass/2024/01/01.txt": TASS_TEXT,
    "mt/ruble.txt": MT_TEXT,
    "fontanka/2024/01/01.txt": FONTANKA_TEXT,
    "evil/1.txt": EVIL_TEXT,
    "foo.txt": UNKNOWN_TEXT,
    "ng/en.txt": "Novaya Gazeta in English.",
    "ng/ru.txt": "Новая газета по-русски.",
}
IDS = {a: a.removesuffix(".txt") for a in TEXTS} | {"evil/1.txt": "../../etc/evil"}


def _article(article: str, outlet: str, role: str = "article", **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "article": article,
        "outlet": outlet,
        "role": role,
        "title": f"Title of {article}",
        "published": "2024-01-01",
        "words": len(re.findall(r"\w+", TEXTS.get(article, ""))),
        "original_share": 1.0,
        "copied_share": 0.0,
        "quoted_share": 0.0,
        "credited_share": 0.0,
        "uncredited_share": 0.0,
        "top_source": None,
        "verdict": "non-derived",
        "status": "ok",
    }
    return row | kw


def _passage(
    article: str, outlet: str, piece: str, source_article: str | None, **kw: Any
) -> dict[str, Any]:
    text = TEXTS[article]
    start = text.index(piece)
    row: dict[str, Any] = {c: None for c in PASSAGE_COLUMNS}
    row |= {"article": article, "outlet": outlet, "start": start, "end": start + len(piece)}
    row |= {"text": piece, "source_article": source_article, "quote": False}
    row |= {"altered_quote": False, "credited": False, "credit_text": None}
    if source_article is not None:
        src = TEXTS[source_article]
        found = src.find(kw.get("source_text", piece))
        row |= {"source_start": found, "source_end": found + len(kw.get("source_text", piece))}
        row |= {"source_text": kw.get("source_text", piece)}
    return row | kw


def make_tables() -> AuditTables:
    tass, mt = "tass/2024/01/01.txt", "mt/ruble.txt"
    articles = [
        _article(tass, "TASS", role="source"),
        _article(mt, "The Moscow Times", role="source"),
        _article(
            "fontanka/2024/01/01.txt",
            "Фонтанка",
            copied_share=0.123456789,
            original_share=0.876543211,
            quoted_share=0.123456789,
            top_source="TASS",
            title="@Фонтанка: переговоры",
        ),
        _article(
            "evil/1.txt",
            EVIL,
            copied_share=0.5,
            original_share=0.5,
            uncredited_share=0.5,
            verdict="partially",
            top_source="The Moscow Times",
            title="<b>bold</b> & -2+3",
        ),
        _article(
            "foo.txt",
            UNKNOWN,
            copied_share=0.75,
            original_share=0.25,
            uncredited_share=0.75,
            verdict="wholly",
            top_source="The Moscow Times",
        ),
        _article(
            "missing.html",
            UNKNOWN,
            words=0,
            status="no-text",
            original_share=None,
            copied_share=None,
            verdict=None,
        ),
        _article("ng/en.txt", "Novaya Gazeta"),
        _article("ng/ru.txt", "Новая газета"),
    ]
    passages = [
        _passage(
            "fontanka/2024/01/01.txt",
            "Фонтанка",
            "заявил, что «переговоры продолжатся»",
            tass,
            source="TASS",
            origin="TASS",
            direction="designated-source",
            kind="verbatim",
            similarity=100.0,
            quote=True,
            credited=True,
            credit_text="Как сообщает ТАСС",
        ),
        _passage(
            "evil/1.txt",
            EVIL,
            "The ruble fell 5% on Monday & analysts <expected> more.",
            mt,
            source="The Moscow Times",
            origin="The Moscow Times",
            direction="earlier-date",
            kind="near-verbatim",
            similarity=96.123456789,
            source_text="the ruble fell 5% on Monday & analysts <expected> more.",
        ),
        _passage(
            "evil/1.txt",
            EVIL,
            "<script>alert('x')</script>",
            None,
            source="=SUM(A1)",
            direction="credited-upstream",
            kind="verbatim",
            similarity=100.0,
            credited=True,
            credit_text="-via @wire\nsecond line | pipe",
        ),
        _passage(
            "foo.txt",
            UNKNOWN,
            "the ruble dropped five percent on Monday",
            mt,
            source="The Moscow Times",
            origin="The Moscow Times",
            direction="earlier-date",
            kind="paraphrase",
            similarity=71.25,
            source_text="the ruble fell 5% on Monday",
            credit_text="told Russian state media",
        ),
        _passage(
            "foo.txt",
            UNKNOWN,
            "-minus start",
            None,
            source="The Moscow Times",
            kind="verbatim",
            similarity=88.0,
            direction="order-unknown",
        ),
    ]
    outlets = [
        {
            "outlet": o,
            "articles": n,
            "words": w,
            "original_share": orig,
            "copied_share": 1 - orig,
            "quoted_share": 0.0,
            "credited_share": cr,
            "uncredited_share": 1 - orig - cr,
        }
        for o, n, w, orig, cr in [
            ("TASS", 1, 14, 1.0, 0.0),
            ("The Moscow Times", 1, 15, 1.0, 0.0),
            ("Фонтанка", 1, 13, 0.876543211, 0.0),
            (EVIL, 1, 30, 0.5, 0.0),
            (UNKNOWN, 2, 10, 0.25, 0.0),
            ("Novaya Gazeta", 1, 4, 1.0, 0.0),
            ("Новая газета", 1, 3, 1.0, 0.0),
        ]
    ]
    outlet_sources = [
        {
            "outlet": "Фонтанка",
            "source": "TASS",
            "words": 5,
            "share": 0.384615,
            "quoted_share": 0.0,
            "credited_share": 1.0,
        },
        {
            "outlet": EVIL,
            "source": "The Moscow Times",
            "words": 12,
            "share": 0.4,
            "quoted_share": 0.0,
            "credited_share": 0.0,
        },
        {
            "outlet": UNKNOWN,
            "source": "The Moscow Times",
            "words": 9,
            "share": 0.9,
            "credited_share": 0.0,
        },
    ]
    removed = [
        {
            "article": "fontanka/2024/01/01.txt",
            "outlet": "Фонтанка",
            "reason": "navigation",
            "text": "Главная | Новости",
        },
        {
            "article": "fontanka/2024/01/01.txt",
            "outlet": "Фонтанка",
            "reason": "navigation",
            "text": "Подписаться",
        },
        {
            "article": "fontanka/2024/01/01.txt",
            "outlet": "Фонтанка",
            "reason": "share",
            "text": "Поделиться в Telegram",
        },
        {
            "article": "evil/1.txt",
            "outlet": EVIL,
            "reason": "=cta",
            "text": "<img src=http://x/y.png> Subscribe!",
        },
    ]
    return AuditTables(
        articles=pd.DataFrame(articles, columns=list(ARTICLE_COLUMNS)),
        passages=pd.DataFrame(passages, columns=list(PASSAGE_COLUMNS)),
        outlets=pd.DataFrame(outlets, columns=list(OUTLET_COLUMNS)),
        outlet_sources=pd.DataFrame(outlet_sources, columns=list(OUTLET_SOURCE_COLUMNS)),
        removed=pd.DataFrame(removed, columns=list(REMOVED_COLUMNS)),
        texts=dict(TEXTS),
        ids=dict(IDS),
    )


def shuffled(tables: AuditTables, seed: int) -> AuditTables:
    rnd = random.Random(seed)

    def shuffle(frame: pd.DataFrame) -> pd.DataFrame:
        order = list(range(len(frame)))
        rnd.shuffle(order)
        return frame.iloc[order].reset_index(drop=True)

    texts = list(tables.texts.items())
    rnd.shuffle(texts)
    return AuditTables(
        articles=shuffle(tables.articles),
        passages=shuffle(tables.passages),
        outlets=shuffle(tables.outlets),
        outlet_sources=shuffle(tables.outlet_sources),
        removed=shuffle(tables.removed),
        texts=dict(texts),
        ids=dict(reversed(tables.ids.items())),
    )


def empty_tables() -> AuditTables:
    def frame(cols: tuple[str, ...]) -> pd.DataFrame:
        return pd.DataFrame(columns=list(cols))

    return AuditTables(
        frame(ARTICLE_COLUMNS),
        frame(PASSAGE_COLUMNS),
        frame(OUTLET_COLUMNS),
        frame(OUTLET_SOURCE_COLUMNS),
        frame(REMOVED_COLUMNS),
    )


def write(out: Path, tables: AuditTables | None = None) -> list[Path]:
    return report.write_reports(
        tables or make_tables(), out, title="Test | audit", sources=("TASS", "The Moscow Times")
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


CSVS = {
    "articles.csv": ARTICLE_COLUMNS,
    "passages.csv": PASSAGE_COLUMNS,
    "outlets.csv": OUTLET_COLUMNS,
    "outlet_sources.csv": OUTLET_SOURCE_COLUMNS,
}


# --- data files -------------------------------------------------------------------------------


def test_csv_columns_are_aggregates(tmp_path: Path) -> None:
    write(tmp_path)
    for name, columns in CSVS.items():
        rows = read_csv(tmp_path / name)
        assert rows[0] == list(columns), name
        assert all(len(r) == len(columns) for r in rows), name
    lines = (tmp_path / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [list(json.loads(line)) for line in lines] == [list(PASSAGE_COLUMNS)] * 5


def test_output_is_byte_identical_twice_and_shuffled(tmp_path: Path) -> None:
    write(tmp_path / "a")
    first = snapshot(tmp_path / "a")
    write(tmp_path / "a")
    assert snapshot(tmp_path / "a") == first
    for seed in range(3):
        write(tmp_path / f"s{seed}", shuffled(make_tables(), seed))
        assert snapshot(tmp_path / f"s{seed}") == first


def test_no_machine_paths_or_times_in_data(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    write(out)
    for name, data in snapshot(out).items():
        text = data.decode("utf-8")
        assert str(tmp_path) not in text, name
        assert not re.search(r"\b\d\d:\d\d:\d\d\b", text), name


def test_csv_formula_cells_are_neutralised(tmp_path: Path) -> None:
    write(tmp_path)
    cells = [c for name in CSVS for row in read_csv(tmp_path / name)[1:] for c in row]
    assert f"'{EVIL}" in cells
    assert "'-minus start" in cells
    assert "'=SUM(A1)" in cells
    assert "'@Фонтанка: переговоры" in cells
    assert "'-via @wire\nsecond line | pipe" in cells
    bad = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or c.startswith("-")]
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in bad), bad


def test_csv_values_format(tmp_path: Path) -> None:
    write(tmp_path)
    articles = {
        r[0]: dict(zip(ARTICLE_COLUMNS, r, strict=True))
        for r in read_csv(tmp_path / "articles.csv")[1:]
    }
    fontanka = articles["fontanka/2024/01/01.txt"]
    assert fontanka["copied_share"] == "0.1235"
    assert fontanka["original_share"] == "0.8765"
    assert fontanka["words"].isdigit()
    assert articles["missing.html"]["copied_share"] == ""
    assert articles["missing.html"]["verdict"] == ""
    assert articles["tass/2024/01/01.txt"]["top_source"] == ""
    passages = [
        dict(zip(PASSAGE_COLUMNS, r, strict=True)) for r in read_csv(tmp_path / "passages.csv")[1:]
    ]
    assert {p["quote"] for p in passages} == {"true", "false"}
    assert {p["credited"] for p in passages} == {"true", "false"}
    # source_start has blanks, so pandas holds it as float: still written as an integer
    assert all(re.fullmatch(r"\d*", p["source_start"]) for p in passages)
    assert any(p["source_start"] == "" for p in passages)
    assert {p["similarity"] for p in passages} >= {"96.1235", "71.2500", "100.0000"}
    outlets = read_csv(tmp_path / "outlets.csv")
    evil = next(r for r in outlets if r[0] == f"'{EVIL}")
    assert evil[1:4] == ["1", "30", "0.5000"]


def test_jsonl_types(tmp_path: Path) -> None:
    write(tmp_path)
    rows = [
        json.loads(line) for line in (tmp_path / "passages.jsonl").read_text("utf-8").splitlines()
    ]
    assert [(r["article"], r["start"]) for r in rows] == sorted(
        (r["article"], r["start"]) for r in rows
    )
    evil = [r for r in rows if r["outlet"] == EVIL]
    assert {r["source"] for r in evil} == {"=SUM(A1)", "The Moscow Times"}  # raw, not neutralised
    near = next(r for r in evil if r["kind"] == "near-verbatim")
    assert near["similarity"] == 96.1235 and isinstance(near["start"], int)
    assert near["quote"] is False and near["credited"] is False
    script = next(r for r in evil if r["kind"] == "verbatim")
    assert script["source_article"] is None and script["source_start"] is None


def test_texts_slice_to_passages(tmp_path: Path) -> None:
    write(tmp_path)
    paths = report.text_paths({a: IDS[a] for a in TEXTS})
    assert paths["tass/2024/01/01.txt"] == "texts/tass/2024/01/01.txt"
    assert paths["evil/1.txt"] == "texts/etc/evil.txt"  # ".." dropped, stays inside texts/
    for article, rel in paths.items():
        data = (tmp_path / rel).read_bytes().decode("utf-8")
        assert data == TEXTS[article]
    for line in (tmp_path / "passages.jsonl").read_text("utf-8").splitlines():
        p = json.loads(line)
        text = (tmp_path / paths[p["article"]]).read_bytes().decode("utf-8")
        assert text[p["start"] : p["end"]] == p["text"]
        if p["source_article"]:
            src = (tmp_path / paths[p["source_article"]]).read_bytes().decode("utf-8")
            assert src[p["source_start"] : p["source_end"]] == p["source_text"]


@pytest.mark.parametrize(
    ("ident", "expected"),
    [
        ("a/b", "texts/a/b.txt"),
        ("/etc/passwd", "texts/etc/passwd.txt"),
        ("../../x", "texts/x.txt"),
        ("..", "texts/_.txt"),
        ("a\\..\\b", "texts/a/b.txt"),
        ("a\x00b\nc:d", "texts/a_b_c_d.txt"),
        ("...", "texts/_.txt"),
    ],
)
def test_text_path_is_safe(ident: str, expected: str) -> None:
    assert report.text_paths({"k": ident}) == {"k": expected}


def test_text_paths_never_clash() -> None:
    ids = {"1": "a", "2": "a.txt/b", "3": "A", "4": "a/b", "5": "a/b"}
    paths = report.text_paths(ids)
    folded = [p.casefold() for p in paths.values()]
    assert len(set(folded)) == len(folded)
    files = set(folded)
    assert not any(str(parent) in files for p in folded for parent in Path(p).parents)
    assert all(p.startswith("texts/") and ".." not in p for p in paths.values())


def test_empty_tables_still_write_headers(tmp_path: Path) -> None:
    written = write(tmp_path, empty_tables())
    for name, columns in CSVS.items():
        assert (tmp_path / name).read_text("utf-8") == ",".join(columns) + "\n"
    assert (tmp_path / "passages.jsonl").read_bytes() == b""
    assert "# Test \\| audit" in (tmp_path / "report.md").read_text("utf-8")
    assert "</html>" in (tmp_path / "report.html").read_text("utf-8")
    assert {p.name for p in written} >= {"report.md", "report.html", *CSVS}


def test_columns_missing_from_a_frame_are_blank(tmp_path: Path) -> None:
    tables = make_tables()
    tables.outlets = tables.outlets.drop(columns=["credited_share"])
    write(tmp_path, tables)
    rows = read_csv(tmp_path / "outlets.csv")
    assert rows[0] == list(OUTLET_COLUMNS)
    assert {r[OUTLET_COLUMNS.index("credited_share")] for r in rows[1:]} == {""}


# --- atomic writes and publishing --------------------------------------------------------------


def test_the_files_of_one_folder_are_written_by_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lane per folder: threads never wait on one folder's lock (they spin on it)."""
    import threading

    from provenance import publish as publishing

    writers: dict[str, set[str]] = {}
    write_one = publishing._write

    def spying(path: Path, payload: bytes, old: Path | None) -> bool:
        writers.setdefault(path.parent.name, set()).add(threading.current_thread().name)
        return write_one(path, payload, old)

    monkeypatch.setattr(publishing, "_write", spying)
    files = {f"{folder}/{n}.txt": f"{folder} {n}".encode() for folder in "abcde" for n in range(40)}
    publish(files, tmp_path / "out")
    assert sorted(writers) == list("abcde")
    assert all(len(names) == 1 for names in writers.values())
    assert len(set().union(*writers.values())) == publishing._Writers.THREADS  # all lanes used
    assert verify(tmp_path / "out") == []
    assert (tmp_path / "out" / "c" / "7.txt").read_bytes() == b"c 7"


def test_a_second_run_replaces_the_whole_set_and_keeps_user_files(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "notes.txt").write_text("user file", encoding="utf-8")
    tables = make_tables()
    gone = "Новая газета"
    tables.articles = tables.articles[tables.articles.outlet != gone]
    tables.outlets = tables.outlets[tables.outlets.outlet != gone]
    del tables.texts["ng/ru.txt"]
    write(tmp_path, tables)
    assert len(list((tmp_path / "outlets").iterdir())) == 6
    assert not (tmp_path / "texts" / "ng" / "ru.txt").exists()
    assert (tmp_path / "texts" / "ng" / "en.txt").exists()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "user file"
    assert verify(tmp_path) == []
    gens = [p.name for p in tmp_path.iterdir() if p.name.startswith(".gen-")]
    assert len(gens) == 1  # the previous generation is gone


def test_a_folder_of_the_users_where_a_report_goes_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    before = (out / "report.md").read_bytes()
    (out / "outlets").unlink()
    (out / "outlets").mkdir()
    (out / "outlets" / "contacts.md").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="outlets is not a report this tool wrote"):
        write(out)
    assert (out / "outlets" / "contacts.md").read_text(encoding="utf-8") == "mine"
    assert (out / "report.md").read_bytes() == before  # the previous reports stand
    assert len([p for p in out.iterdir() if p.name.startswith(".gen-")]) == 1


def test_the_same_reports_published_over_an_edited_copy_of_them_repair_it(
    tmp_path: Path,
) -> None:
    """An edited report file, then the same reports written again (a nightly run that
    found the edit): the generation folder of that very output stood there already and
    was kept, edit and all, and the clean rebuild thrown away."""
    out = tmp_path / "out"
    write(out)
    clean = (out / "outlets.csv").read_bytes()
    edited = out / ".current" / "outlets.csv"
    edited.write_bytes(clean.replace(b"TASS", b"TAS5"))
    assert verify(out) != []
    write(out)
    assert (out / "outlets.csv").read_bytes() == clean
    assert verify(out) == []
    assert len([p for p in out.iterdir() if p.name.startswith(".gen-")]) == 1


def test_reports_of_the_old_flat_layout_are_replaced(tmp_path: Path) -> None:
    out, flat = tmp_path / "out", {"report.md": b"# old\n", "outlets/a.md": b"old\n"}
    for rel, payload in flat.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(payload)
    (out / "manifest.json").write_bytes(report_manifest(flat))
    write(out)
    assert (out / "outlets").is_symlink() and verify(out) == []


def test_a_failed_build_leaves_no_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    leftover = out / ".gen-tmp-999999999"  # of a process that is gone
    leftover.mkdir(parents=True)
    (leftover / "big.bin").write_bytes(b"x" * 1000)
    with pytest.raises(ValueError, match="given twice"):
        publish([("a.csv", b"a\n"), ("a.csv", b"b\n")], out)
    assert [p.name for p in out.iterdir()] == []
    live = out / f".gen-tmp-{os.getppid()}"  # a process still building there
    live.mkdir()
    publish([("a.csv", b"a\n")], out)
    assert live.is_dir()  # neither at the start of the build nor when cleaning up


def test_identical_output_is_not_rewritten_and_foreign_links_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    before = (out / "report.md").stat().st_mtime_ns
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (out / "outlets.csv").unlink()
    (out / "outlets.csv").symlink_to(victim)
    write(out)
    assert (out / "report.md").stat().st_mtime_ns == before  # same generation, untouched
    assert (out / "outlets.csv").read_text("utf-8").startswith("outlet,articles,")
    assert victim.read_text(encoding="utf-8") == "keep"


def test_removing_old_generations_never_follows_symlinks(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    write(out)
    (out / "texts" / "link.txt").symlink_to(victim)
    (out / "texts" / "linkdir").symlink_to(elsewhere, target_is_directory=True)
    tables = make_tables()
    del tables.texts["ng/ru.txt"]
    tables.articles = tables.articles[tables.articles.article != "ng/ru.txt"]
    write(out, tables)
    assert victim.read_text(encoding="utf-8") == "keep"


def test_manifest_counts_rows_and_verify_finds_tampering(tmp_path: Path) -> None:
    write(tmp_path)
    doc = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    articles = doc["files"]["articles.csv"]
    assert articles["rows"] == len(make_tables().articles)
    for rel in ("articles.csv", "passages.csv", "outlets.csv", "outlet_sources.csv"):
        with open(tmp_path / rel, encoding="utf-8", newline="") as fh:  # the rows a reader finds
            assert doc["files"][rel]["rows"] == sum(1 for _ in csv.reader(fh)) - 1
    assert len(articles["sha256"]) == 64
    assert verify(tmp_path) == []
    target = (tmp_path / "report.md").resolve()
    target.write_text("tampered", encoding="utf-8")
    assert verify(tmp_path) == ["report.md: sha256 differs from the manifest"]


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    write(tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or "-tmp-" in p.name]
    target = tmp_path / "x" / "file.txt"
    report.atomic_write(target, "привет")
    assert target.read_bytes() == "привет".encode()
    report.atomic_write(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert os.listdir(target.parent) == ["file.txt"]


def test_atomic_write_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        report.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["file.txt"]


def test_outlet_files_exist_and_slugs_are_unique(tmp_path: Path) -> None:
    write(tmp_path)
    names = sorted(p.name for p in (tmp_path / "outlets").iterdir())
    assert len(names) == 7
    assert "hyperlink-x-evil.md" in names
    assert "unknown-foo-txt.md" in names
    assert "fontanka.md" in names
    assert "novaya-gazeta.md" in names
    assert len([n for n in names if n.startswith("novaya-gazeta")]) == 2
    assert all(re.fullmatch(r"[a-z0-9-]+\.md", n) for n in names)
    evil = (tmp_path / "outlets" / "hyperlink-x-evil.md").read_text("utf-8")
    assert evil.startswith('# =HYPERLINK("x")\\|evil\n')
    assert "](../texts/etc/evil.txt)" in evil
    assert "Фонтанка" not in evil


def test_slugs() -> None:
    assert report.slugify("Новая газета") == "novaya-gazeta"
    assert report.slugify("") == "outlet"
    assert report.slugify("CON") == "con-outlet"
    slugs = report.outlet_slugs(["A b", "a-b", "a_b", "a-b-1"])
    assert len(set(slugs.values())) == 4
    assert slugs == report.outlet_slugs(["a-b-1", "a_b", "a-b", "A b"])


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def test_markdown_tables_escape_pipes_and_newlines(tmp_path: Path) -> None:
    write(tmp_path)
    md = (tmp_path / "report.md").read_text("utf-8")
    assert md.startswith("# Test \\| audit\n")
    assert '=HYPERLINK("x")\\|evil' in md
    assert "Second line \\| with pipe \\\\ and backslash" not in md  # not a passage
    assert "-via @wire<br>second line \\| pipe" in md
    assert "\\<script\\>alert('x')\\</script\\>" in md
    blocks = re.findall(r"(?:^\|.*\n)+", md, flags=re.MULTILINE)
    assert len(blocks) > 10
    for block in blocks:
        counts = {_unescaped_pipes(line) for line in block.splitlines()}
        assert len(counts) == 1, block


def test_markdown_sections_and_definitions(tmp_path: Path) -> None:
    write(tmp_path)
    md = (tmp_path / "report.md").read_text("utf-8")
    head = md.split("## Definitions")[0]
    assert "Designated sources: TASS, The Moscow Times." in head
    row = "| [Фонтанка](outlets/fontanka.md) | 1 | 13 | 87.65% | 12.35% | 0.00% | 0.00% | 12.35% |"
    assert row in head
    assert "## Фонтанка" in head and "### fontanka/2024/01/01.txt" in head
    assert "Boilerplate removed: 3 block(s)." in head
    assert "| navigation | 2 | Главная \\| Новости |" in head
    defs = md.split("## Definitions")[1]
    for word in (
        "copied_share",
        "quoted_share",
        "credited_share",
        "uncredited_share",
        "0.75",
        "0.15",
    ):
        assert word in defs


def test_a_passage_from_a_source_dated_after_the_article_says_so(tmp_path: Path) -> None:
    """The passage goes to the designated source, which comes first; the reports say the
    dates disagree (not a CSV column)."""
    tables = make_tables()
    note = "designated-source (the article is dated before the source's text)"
    write(tmp_path / "same-day", tables)
    assert note not in (tmp_path / "same-day" / "report.md").read_text("utf-8")
    arts = tables.articles
    arts.loc[arts["article"] == "tass/2024/01/01.txt", "published"] = "2024-01-02"
    write(tmp_path / "later", tables)
    md = (tmp_path / "later" / "report.md").read_text("utf-8")
    fontanka = md.split("### fontanka/2024/01/01.txt")[1].split("###")[0]
    assert note in fontanka
    assert md.count(note) == 1  # (the other passages' sources agree)
    assert html.escape(note) in (tmp_path / "later" / "report.html").read_text("utf-8")
    assert read_csv(tmp_path / "later" / "passages.csv")[0] == list(PASSAGE_COLUMNS)


@given(st.text())
def test_md_cell_has_no_line_breaks_or_bare_pipes(text: str) -> None:
    cell = report.md(text)
    assert not re.search(r"[\n\r\x0b\x0c\x85\u2028\u2029]", cell)
    assert _unescaped_pipes(cell) == 0
    assert "<" not in cell.replace("<br>", "").replace("\\<", "")


_MD_ALPHABET = st.sampled_from(list(',"ab1_&#;\\`*[]<>|\r\n\t\x0b\x85\u2028 \x00\x1fé'))


def _md_one_pass(text: str, newline: str) -> str:
    """md() as one regex pass per step: what its str.replace steps must equal."""
    out = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", " ", text)
    out = re.sub(r"([\\`*_\[\]<>|#]|&(?=#?\w+;))", r"\\\1", out)
    return re.sub(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]", newline, out.replace("\t", " "))


@given(st.text() | st.text(_MD_ALPHABET))
def test_md_escapes_every_special_once(text: str) -> None:
    assert report.md(text) == _md_one_pass(text, "<br>")
    assert report.md(text, newline=" ") == _md_one_pass(text, " ")
    assert report.md(text, newline="\n") == _md_one_pass(text, "\n")


_CELL = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.text(_MD_ALPHABET)


@given(st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=6), st.sampled_from([1, 2, 3]))
def test_csv_text_is_what_csv_writer_writes(values: list[tuple[Any, ...]], width: int) -> None:
    columns = ("text", "start", "share")[:width]
    rows = [dict(zip(columns, v, strict=False)) for v in values]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([report.csv_cell(row[c], c) for c in columns] for row in rows)
    assert report.csv_text(rows, columns) == buf.getvalue()


@given(st.text())
def test_csv_cell_never_a_formula(text: str) -> None:
    cell = report.csv_cell(text, "text")
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "\r" not in cell  # a CR would split the row for CSV readers
    lf = text.replace("\r\n", "\n").replace("\r", "\n")
    assert cell in (lf, "'" + lf)


# --- HTML -------------------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def test_html_escapes_everything(tmp_path: Path) -> None:
    write(tmp_path)
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; -2+3" in page
    parser = Tags()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "p",
        "b",
        "span",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "section",
        "em",
        "details",
        "summary",
        "div",
        "mark",
        "br",
        "ul",
        "li",
        "code",
    }
    for tag, attrs in parser.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", href, re.IGNORECASE), href
    assert not re.search("https?://", page.replace("http://x/y.png", ""))


def test_html_highlights_spans_by_source_and_kind(tmp_path: Path) -> None:
    write(tmp_path)
    page = (tmp_path / "report.html").read_text("utf-8")
    marks = re.findall(r'<mark class="(c\d+) (k-[a-z-]+)"[^>]*>([^<]*)</mark>', page)
    texts = {html.unescape(t) for _, _, t in marks}
    assert "заявил, что «переговоры продолжатся»" in texts
    assert "the ruble dropped five percent on Monday" in texts
    by_kind = {k for _, k, _ in marks}
    assert by_kind == {"k-verbatim", "k-near-verbatim", "k-paraphrase"}
    colour = {html.unescape(t): c for c, _, t in marks}
    assert colour["заявил, что «переговоры продолжатся»"] == "c0"  # TASS, first designated
    assert colour["the ruble dropped five percent on Monday"] == "c1"  # The Moscow Times
    assert "mark.k-near-verbatim{border-bottom-style:dashed}" in page
    assert 'http-equiv="Content-Security-Policy"' in page


@given(
    st.text(max_size=60),
    st.lists(
        st.tuples(
            st.integers(-5, 70),
            st.integers(-5, 70),
            st.sampled_from(["verbatim", "near-verbatim", "paraphrase", "<odd>"]),
        ),
        max_size=6,
    ),
)
def test_highlight_keeps_the_text(text: str, spans: list[tuple[int, int, str]]) -> None:
    passages = [
        {"start": s, "end": e, "kind": k, "source": f"S{i}", "similarity": 90.0}
        for i, (s, e, k) in enumerate(spans)
    ]
    out = highlight(text, passages, {}, "a1")
    parser = Tags()
    parser.feed(out)
    parser.close()
    assert "".join(parser.data) == text  # what a browser shows is the text, unchanged
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


def test_highlight_colours_words_by_the_passage_they_are_counted_under() -> None:
    """A paragraph two passages cover: from TASS, credited, and from a reprint of TASS,
    word for word but uncredited (its credit names TASS).  The shares count it as TASS's;
    the page coloured it as the reprint's, the likelier passage."""
    text = "Air defense forces downed 48 drones overnight, according to TASS."
    common = {"start": 0, "end": len(text), "quote": False, "source_article": "x"}
    tass = {
        **common,
        "source": "TASS",
        "kind": "near-verbatim",
        "similarity": 92.0,
        "credited": True,
        "origin": "TASS",
    }
    relay = {
        **common,
        "source": "Silk Road",
        "kind": "verbatim",
        "similarity": 100.0,
        "credited": False,
        "origin": "TASS",
    }
    colours = {"TASS": 0, "Silk Road": 3}
    for order in ([tass, relay], [relay, tass]):
        out = highlight(text, order, colours, "a1")
        assert set(re.findall(r'<mark class="c(\d+)', out)) == {"0"}


# --- wording, colours, safety of the clean-up ------------------------------------------------


def test_definitions_quote_the_runs_thresholds(tmp_path: Path) -> None:
    report.write_reports(make_tables(), tmp_path, settings=AuditSettings(wholly=0.8, partially=0.2))
    defs = (tmp_path / "report.md").read_text("utf-8").split("## Definitions")[1]
    assert "copied_share >= 0.8" in defs and ">= 0.2" in defs
    assert "WHOLLY" not in defs and "0.75" not in defs
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "<code>wholly</code> derived when copied_share &gt;= 0.8" in page


def test_order_unknown_passages_say_not_counted(tmp_path: Path) -> None:
    write(tmp_path)
    md = (tmp_path / "outlets" / "unknown-foo-txt.md").read_text("utf-8")
    assert "order-unknown (not counted)" in md
    assert "order-unknown (not counted)" in (tmp_path / "report.html").read_text("utf-8")
    assert md.count("| uncredited, not counted |") == 1  # its credit cell too


def test_a_credit_that_does_not_name_the_source_is_shown_beside_uncredited(
    tmp_path: Path,
) -> None:
    write(tmp_path)
    md = (tmp_path / "outlets" / "unknown-foo-txt.md").read_text("utf-8")
    assert "uncredited (the text says: told Russian state media)" in md
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "<b>uncredited</b> (the text says: told Russian state media)" in page
    assert md.count("the text says") == 1  # not where no credit was found


def test_source_colours_are_distinct_and_stable() -> None:
    names = [f"outlet {i}" for i in range(8)]
    colours = source_colours(("TASS", "The Moscow Times"), names)
    assert colours["TASS"] == 0 and colours["The Moscow Times"] == 1
    assert len(set(colours.values())) == len(colours) == 10
    assert colours == source_colours(("TASS", "The Moscow Times"), reversed(names))
    many = source_colours((), [f"s{i}" for i in range(30)])
    assert set(many.values()) == set(range(10))
    # with more sources than colours, no other source takes a designated source's colour
    crowded = source_colours(("TASS", "The Moscow Times"), [f"s{i}" for i in range(40)])
    assert [c for name, c in crowded.items() if c in (0, 1)] == [0, 1]
    assert set(crowded.values()) == set(range(10))


def test_figures_tolerate_blank_and_text_values() -> None:
    assert pct(None) == "" and pct("") == "" and pct("n/a") == "n/a"
    assert pct(0.1235) == "12.35%" and pct(1) == "100.00%" and pct(float("nan")) == ""
    assert similarity({"similarity": ""}) == "" and similarity({"similarity": 96.1235}) == "96.1"


def test_lone_surrogates_keep_offsets(tmp_path: Path) -> None:
    tables = make_tables()
    tables.texts["foo.txt"] = "\udcff" + UNKNOWN_TEXT[1:]
    write(tmp_path, tables)
    text = (tmp_path / "texts" / "foo.txt").read_text("utf-8")
    assert text == "?" + UNKNOWN_TEXT[1:]
    assert len(text) == len(UNKNOWN_TEXT)


def test_a_stale_text_file_may_become_a_folder(tmp_path: Path) -> None:
    tables = make_tables()
    tables.ids["ng/en.txt"] = "ng/en"
    write(tmp_path, tables)
    assert (tmp_path / "texts" / "ng" / "en.txt").is_file()
    tables.ids["ng/en.txt"], tables.ids["ng/ru.txt"] = "ng/en.txt/inner", "ng/other"
    write(tmp_path, tables)
    assert (tmp_path / "texts" / "ng" / "en.txt" / "inner.txt").is_file()


def test_a_carriage_return_never_splits_a_csv_row() -> None:
    text = report.csv_text([{"a": "x\ry", "b": "\r=1"}], ["a", "b"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["x\ny", "'\n=1"]]


def test_republish_links_the_verified_files_and_replaces_the_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish({"a.csv": b"x\n1\n2\n", "texts/b.txt": b"body", "changes.md": b"old"}, out)
    inode = (out / "texts" / "b.txt").stat().st_ino
    gen = republish(out, {"changes.md": b"Nothing changed."})
    assert verify(out) == []
    assert (out / "changes.md").read_bytes() == b"Nothing changed."
    assert (out / "a.csv").read_bytes() == b"x\n1\n2\n"
    assert (gen / "texts" / "b.txt").stat().st_ino == inode  # linked, not written again
    listed = json.loads((out / "manifest.json").read_text())["files"]
    assert listed["a.csv"]["rows"] == 2 and set(listed) == {"a.csv", "texts/b.txt", "changes.md"}


def test_report_html_rendered_aside_is_the_same(tmp_path: Path) -> None:
    """With jobs, report.html is rendered in a forked process: the same files, in order."""
    tables = make_tables()
    alone = list(report.iter_reports(tables, sources=("TASS",)))
    aside = list(report.iter_reports(tables, sources=("TASS",), jobs=2))
    assert aside == alone
    assert any(rel == "report.html" and b"<html" in payload for rel, payload in aside)


def test_report_html_rendered_here_when_the_fork_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(render: Any, sender: Any, parent: int) -> None:
        os._exit(3)  # a worker that dies without sending

    monkeypatch.setattr(report, "_render_into", broken)
    tables = make_tables()
    assert list(report.iter_reports(tables, jobs=2)) == list(report.iter_reports(tables))


# --- composed files: parts copied from the previous run ------------------------------------


def _published_with_index(tables: AuditTables, out: Path) -> dict[str, Any]:
    chunks = Chunks()
    publish(report.iter_reports(tables, sources=("TASS",), chunks=chunks), out)
    return chunks.saved()


def _one_passage_fewer(tables: AuditTables) -> AuditTables:
    """The tables with the last passage of one article gone (its figures left as they were)."""
    last = tables.passages.index[tables.passages["article"] == "foo.txt"][-1]
    return dataclasses.replace(tables, passages=tables.passages.drop(index=last))


def test_composed_reports_copy_unchanged_articles_and_equal_a_full_render(
    tmp_path: Path,
) -> None:
    tables = make_tables()
    index = _published_with_index(tables, tmp_path)
    changed = _one_passage_fewer(tables)
    chunks = Chunks(index, tmp_path / ".current")
    composed = list(report.iter_reports(changed, sources=("TASS",), chunks=chunks))
    assert composed == list(report.iter_reports(changed, sources=("TASS",)))
    assert chunks.reused > 0 and chunks.rendered > 0  # only the changed article was rendered
    assert {"report.md", "report.html", "passages.csv", "passages.jsonl"} <= set(chunks.index)
    # parts another renderer wrote are never copied
    other = Chunks({**index, "renderer": "another"}, tmp_path / ".current")
    assert list(report.iter_reports(changed, sources=("TASS",), chunks=other)) == composed
    assert other.reused == 0
    # the same tables again: every part copied
    again = Chunks(index, tmp_path / ".current")
    assert list(report.iter_reports(tables, sources=("TASS",), chunks=again)) == list(
        report.iter_reports(tables, sources=("TASS",))
    )
    assert again.rendered == 0 and again.reused == chunks.reused + chunks.rendered


def test_a_published_file_that_changed_is_not_copied_from(tmp_path: Path) -> None:
    tables = make_tables()
    index = _published_with_index(tables, tmp_path)
    target = (tmp_path / "report.md").resolve()
    target.write_bytes(target.read_bytes().replace(b"Outlets", b"Outlots"))
    chunks = Chunks(index, tmp_path / ".current")
    files = dict(report.iter_reports(tables, sources=("TASS",), chunks=chunks))
    assert files == dict(report.iter_reports(tables, sources=("TASS",)))
    assert b"Outlots" not in files["report.md"]
    per_file = Chunks(index, tmp_path / ".current")
    per_file.compose(
        "report.md",
        report.md_parts(report.build_view(tables, "provenance audit", ("TASS",), AuditSettings())),
    )
    assert per_file.reused == 0 and per_file.rendered > 0


def test_report_html_composed_aside_keeps_its_index(tmp_path: Path) -> None:
    tables = make_tables()
    alone, aside = Chunks(), Chunks()
    list(report.iter_reports(tables, chunks=alone))
    list(report.iter_reports(tables, chunks=aside, jobs=2))
    assert aside.index == alone.index and aside.rendered == alone.rendered > 0


def test_part_keys_keep_parts_apart() -> None:
    assert part_key("ab", "c") != part_key("a", "bc")
    assert part_key("1") != part_key(1)
    assert part_key("a\x1fsb") != part_key("a", "b")
    assert part_key({"x": [1, "y"]}, "t") == part_key({"x": [1, "y"]}, "t")


def test_html_anchors_are_stable_when_an_article_is_added() -> None:
    tables = make_tables()
    view = report.build_view(tables, "t", (), AuditSettings())
    fewer = dataclasses.replace(
        tables, articles=tables.articles[tables.articles["article"] != "evil/1.txt"]
    )
    less = report.build_view(fewer, "t", (), AuditSettings())
    anchors = {n: a.anchor for n, a in view.articles.items()}
    assert len(set(anchors.values())) == len(anchors)
    assert all(anchors[n] == a.anchor for n, a in less.articles.items())


def test_part_keys_depend_on_values_not_on_shared_objects() -> None:
    word = "".join(["sha", "red"])  # a string object of its own
    shared = [{"a": word, "b": word}]
    apart = [{"a": "shared", "b": "".join(["sh", "ared"])}]
    assert part_key(shared) == part_key(apart)
    assert part_key([{"a": 1}]) != part_key([{"a": 1.0}]) != part_key([{"a": True}])


def test_a_lone_surrogate_is_written_as_a_replacement_in_every_file() -> None:
    tables = make_tables()
    passages = tables.passages.copy()
    passages.loc[passages.index[0], "text"] = "broken \ud800 text"
    files = dict(report.iter_reports(dataclasses.replace(tables, passages=passages)))
    for rel in ("report.md", "report.html", "passages.csv", "passages.jsonl"):
        text = files[rel].decode("utf-8")  # strict: no surrogate bytes
        assert "broken ? text" in text or "broken ? text" in html.unescape(text), rel


def test_an_extra_file_may_stand_in_for_a_composed_one() -> None:
    tables = make_tables()
    extra = {"passages.csv": "replaced\n", "report.html": "<p>mine</p>"}
    for jobs in (1, 2):
        files = dict(report.iter_reports(tables, extra=extra, jobs=jobs, chunks=Chunks()))
        assert files["passages.csv"] == b"replaced\n" and files["report.html"] == b"<p>mine</p>"
        assert b"<html" not in files["report.html"] and "report.md" in files


def test_the_boilerplate_summary_shows_the_first_block_removed(tmp_path: Path) -> None:
    tables = make_tables()
    article = "fontanka/2024/01/01.txt"
    tables.removed = pd.DataFrame(
        [
            {"article": article, "outlet": "Фонтанка", "order": k, "reason": "widget", "text": t}
            for k, t in enumerate(["Share on Telegram", "Comments", "Add to favourites"])
        ],
        columns=list(REMOVED_COLUMNS),
    )
    write(tmp_path, tables)
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "| reason | blocks | first removed |" in md
    assert "| widget | 3 | Share on Telegram |" in md
    assert "<td>Share on Telegram</td>" in (tmp_path / "report.html").read_text("utf-8")
    defs = md.split("## Definitions")[1]
    assert "`far-from-prose`" in defs and "`related-articles`" in defs


@pytest.mark.parametrize("files", [3, 100])
def test_published_files_are_made_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int
) -> None:
    """A few files written: an fsync each (syncfs would flush the whole file system);
    thousands: one syncfs; either way every written file is synced before the switch."""
    import provenance.publish as publish_module

    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(publish_module.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    calls: list[str] = []
    monkeypatch.setattr(
        publish_module, "_fsync_each", lambda written: calls.append(f"each {len(written)}")
    )
    payload = {f"texts/{k:03d}.txt": f"text {k}\n".encode() for k in range(files)}
    publish_module.publish(payload, tmp_path / "out")
    assert (tmp_path / "out" / "texts" / "000.txt").read_bytes() == b"text 0\n"
    assert calls == ([f"each {files}"] if files <= publish_module._FSYNC_EACH else [])
    assert synced  # (the folders and the manifest are synced in any case)


def _slow_compose(chunks: object, rel: str) -> bytes:
    time.sleep(1.0)
    return b"done"


def test_ctrl_c_leaves_the_renderer_beside_to_the_run(capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C goes to the whole process group: the renderer composing files beside the run
    ignores it (the run itself stops in one line, and its children die with it), never
    printing a traceback of its own."""
    import multiprocessing
    import signal

    chunks = Chunks(keyed=False)
    chunks.index["x"] = {"sha256": "", "parts": []}
    receiver, sender = multiprocessing.Pipe(duplex=False)
    job = functools.partial(_slow_compose, chunks, "x")
    process = multiprocessing.get_context("fork").Process(
        target=report._render_into, args=([job], sender, os.getpid())
    )
    process.start()
    sender.close()  # (the renderer's end: its death is the end of the pipe here)
    time.sleep(0.3)
    assert process.pid is not None
    os.kill(process.pid, signal.SIGINT)
    assert receiver.recv()["rel"] == "x" and receiver.recv_bytes() == b"done"
    process.join(10)
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


def test_the_outlet_summaries_rank_uncredited_copying_first(tmp_path: Path) -> None:
    """With hundreds of outlets the summary a fact-checker reads top down was in name order;
    it is ranked by uncredited share, then copied share, in report.md and report.html."""
    write(tmp_path)
    outlets = {row[0]: row for row in read_csv(tmp_path / "outlets.csv")[1:]}
    head = read_csv(tmp_path / "outlets.csv")[0]
    unc, cop = head.index("uncredited_share"), head.index("copied_share")
    want = sorted(
        outlets, key=lambda n: (-float(outlets[n][unc] or 0), -float(outlets[n][cop] or 0), n)
    )
    assert want != sorted(outlets)  # (the example tables rank otherwise than by name)
    md = (tmp_path / "report.md").read_text("utf-8")
    table = md.split("## Outlets", 1)[1].split("\n## ", 1)[0]
    found = [n for n in want if f"[{n}]" in table]  # (names Markdown leaves as they are)
    assert len(found) >= 4 and sorted(found, key=lambda n: table.index(f"[{n}]")) == found
    page = (tmp_path / "report.html").read_text("utf-8")
    summary = page.split("</table>", 1)[0]
    shown = [n for n in want if f">{n}</a>" in summary]
    assert len(shown) >= 4 and sorted(shown, key=lambda n: summary.index(f">{n}</a>")) == shown


def test_a_markdown_link_keeps_a_hash_in_a_file_name() -> None:
    """texts/a#b.txt was linked as texts/a plus a fragment."""
    assert report._link("main text", "texts/a#b c.txt") == "[main text](texts/a%23b%20c.txt)"
    assert report._link("report.md", "../report.md", "definitions").endswith(
        "report.md#definitions)"
    )
