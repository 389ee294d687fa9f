"""The CLI's align command: one pair (text, json) and PAN batch mode; bad inputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import invoke

from provenance.cli import ExitCode

T000 = "000_75248550d3bec6f4.txt"
T002 = "002_ff3b1c2c26e4a046.txt"
T003 = "003_9d665848576a88f2.txt"


def test_text_format_shows_passages_side_by_side(corpus_dir: Path) -> None:
    result = invoke(["align", str(corpus_dir / T000), str(corpus_dir / T003)])
    out = result.stdout
    assert out.startswith("[1] ")
    assert "quote; credited: The Moscow Times ('According to the Moscow Times')" in out
    assert " | " in out  # two columns
    assert "Edward Snowden" in out
    assert result.stderr.strip().endswith("passages")


def test_json_offsets_are_into_the_decoded_files(corpus_dir: Path) -> None:
    result = invoke(["align", "--format", "json", str(corpus_dir / T002), str(corpus_dir / T000)])
    records = json.loads(result.stdout)
    target = (corpus_dir / T002).read_text(encoding="utf-8")
    source = (corpus_dir / T000).read_text(encoding="utf-8")
    keys = {"target", "source", "kind", "similarity", "quote", "altered_quote", "credited"}
    assert records and keys | {"credit_text", "credited_source", "extra"} <= set(records[0])
    for r in records:
        assert target[r["target"]["start"] : r["target"]["end"]] == r["target"]["text"]
        assert source[r["source"]["start"] : r["source"]["end"]] == r["source"]["text"]
    peskov = [r for r in records if "internal matter" in r["target"]["text"]]
    assert peskov and peskov[0]["altered_quote"] and peskov[0]["quote"]


def test_extract_maps_offsets_back_to_the_file(corpus_dir: Path) -> None:
    args = [
        "align",
        "--extract",
        "--format",
        "json",
        str(corpus_dir / T000),
        str(corpus_dir / T003),
    ]
    result = invoke(args)
    target = (corpus_dir / T000).read_text(encoding="utf-8")
    records = json.loads(result.stdout)
    assert records
    if "extracted" not in result.stderr:
        for r in records:
            assert target[r["target"]["start"] : r["target"]["end"]] == r["target"]["text"]


def test_missing_file_is_one_line_on_stderr(corpus_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = invoke(["align", str(missing), str(corpus_dir / T003)], code=ExitCode.INPUT_FAILED)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "nope.txt" in lines[0] and "no such file" in lines[0]
    assert "Traceback" not in result.stderr


def test_binary_file_is_refused(corpus_dir: Path, tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02PNG" * 40)
    result = invoke(["align", str(corpus_dir / T000), str(binary)], code=ExitCode.INPUT_FAILED)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "blob.txt" in result.stderr


def test_usage_errors(corpus_dir: Path) -> None:
    invoke(["align", str(corpus_dir / T000)], code=ExitCode.USAGE)
    invoke(["align", "--pairs", "p"], code=ExitCode.USAGE)


def test_bad_config_exits_3(corpus_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text('[sources.Meduza]\naliases = "Medusa"\n')
    args = ["align", "--config", str(bad), str(corpus_dir / T000), str(corpus_dir / T003)]
    result = invoke(args, code=ExitCode.CONFIG)
    assert "aliases" in result.stderr and result.stdout == ""


def test_batch_writes_pan_xml_and_reports_bad_pairs(tmp_path: Path) -> None:
    src, susp, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src.mkdir()
    susp.mkdir()
    text = (
        "The committee met on Tuesday to discuss the budget for the coming year in detail. "
        "Members argued at length about the cost of the new bridge across the river. "
        "In the end they agreed to postpone the decision until the spring session.\n"
    )
    (src / "source-document00001.txt").write_text("Unrelated opening words here.\n" + text)
    (susp / "suspicious-document00001.txt").write_text(text + "Something else entirely.\n")
    (susp / "suspicious-document00002.txt").write_bytes(b"")
    pairs = tmp_path / "pairs"
    pairs.write_text(
        "suspicious-document00001.txt source-document00001.txt\n"
        "\n"
        "suspicious-document00002.txt source-document00001.txt\n"
        "suspicious-document00003.txt\n"
    )
    args = ["align", "--pairs", str(pairs), "--source-dir", str(src)]
    args += ["--target-dir", str(susp), "--out-dir", str(out)]
    result = invoke(args, code=ExitCode.INPUT_FAILED)
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert any("suspicious-document00002.txt" in e and "empty" in e for e in errors)
    assert any("line 4" in e for e in errors)
    assert errors[-1].startswith("provenance: aligned 1 of 3 pairs")
    xml = out / "suspicious-document00001-source-document00001.xml"
    root = ET.parse(xml).getroot()
    assert root.get("reference") == "suspicious-document00001.txt"
    (feature,) = root.iter("feature")
    assert feature.get("name") == "detected-plagiarism"
    assert feature.get("source_reference") == "source-document00001.txt"
    assert int(feature.get("this_offset", "-1")) == 0
    assert int(feature.get("source_offset", "-1")) == len("Unrelated opening words here.\n")
    assert sorted(p.name for p in out.iterdir()) == [xml.name]


def test_missing_pairs_file(tmp_path: Path) -> None:
    args = ["align", "--pairs", str(tmp_path / "pairs"), "--source-dir", str(tmp_path)]
    args += ["--target-dir", str(tmp_path), "--out-dir", str(tmp_path / "out")]
    result = invoke(args, code=ExitCode.INPUT_FAILED)
    assert "pairs" in result.stderr and len(result.stderr.splitlines()) == 1
