"""Tests for provenance.panxml: PAN detection files."""

from __future__ import annotations

from pathlib import Path

from provenance.models import Passage, Span
from provenance.panxml import pair_filename, read_pan_xml, to_xml, write_pan_xml


def _passage(t: tuple[int, int], s: tuple[int, int]) -> Passage:
    return Passage(target=Span(*t), source=Span(*s), kind="verbatim", similarity=100.0)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    out = tmp_path / pair_filename("suspicious-document00001.txt", "source-document00002.txt")
    write_pan_xml(
        out,
        "suspicious-document00001.txt",
        [("source-document00002.txt", _passage((5, 305), (8, 318)))],
    )
    assert out.name == "suspicious-document00001-source-document00002.xml"
    (ann,) = read_pan_xml(out, name="detected-plagiarism")
    assert ann.this_reference == "suspicious-document00001.txt"
    assert (ann.this_offset, ann.this_length) == (5, 300)
    assert ann.source_reference == "source-document00002.txt"
    assert (ann.source_offset, ann.source_length) == (8, 310)
    assert not list(tmp_path.glob("*.tmp"))


def test_xml_has_the_pan_shape() -> None:
    xml = to_xml('a&"b.txt', [("src.txt", _passage((0, 10), (2, 12)))])
    assert xml.startswith('<document reference="a&amp;&quot;b.txt">')
    assert 'name="detected-plagiarism"' in xml
    assert 'this_offset="0" this_length="10"' in xml
    assert 'source_offset="2" source_length="10"' in xml


def test_empty_detection_file(tmp_path: Path) -> None:
    out = tmp_path / "x.xml"
    write_pan_xml(out, "susp.txt", [])
    assert read_pan_xml(out, name="detected-plagiarism") == []
    assert read_pan_xml(out) == []
