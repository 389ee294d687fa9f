"""PAN text-alignment XML: write detections, read annotations.

One file per (suspicious, source) pair, as the PAN shared tasks expect::

    <document reference="suspicious-document00001.txt">
    <feature name="detected-plagiarism" this_offset="5" this_length="300"
             source_reference="source-document00002.txt" source_offset="8" source_length="310"/>
    </document>

Offsets are Unicode character offsets.  Files are written to a temporary name
and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from provenance.models import Passage


@dataclass(frozen=True, slots=True)
class Annotation:
    """One PAN feature: a target span aligned to a source span."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int


def to_xml(target_ref: str, passages: Iterable[tuple[str, Passage]]) -> str:
    """The XML text for ``passages`` given as ``(source reference, passage)``."""
    root = ET.Element("document", reference=target_ref)
    for source_ref, p in passages:
        ET.SubElement(
            root,
            "feature",
            name="detected-plagiarism",
            this_offset=str(p.target.start),
            this_length=str(len(p.target)),
            source_reference=source_ref,
            source_offset=str(p.source.start),
            source_length=str(len(p.source)),
        )
    ET.indent(root, space="")
    return ET.tostring(root, encoding="unicode") + "\n"


def write_pan_xml(
    path: str | Path, target_ref: str, passages: Iterable[tuple[str, Passage]]
) -> None:
    """Write one PAN detection file atomically (temporary file, then rename)."""
    path = Path(path)
    text = to_xml(target_ref, passages)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def pair_filename(target_ref: str, source_ref: str) -> str:
    """PAN's file name for a pair: ``susp-src.xml`` without the ``.txt`` suffixes."""
    return f"{Path(target_ref).stem}-{Path(source_ref).stem}.xml"


def read_pan_xml(path: str | Path, *, name: str = "plagiarism") -> list[Annotation]:
    """Features called ``name`` ("plagiarism" or "detected-plagiarism") in one file."""
    root = ET.parse(path).getroot()
    ref = root.get("reference", "")
    out = []
    for feat in root.iter("feature"):
        if feat.get("name") != name or feat.get("this_offset") is None:
            continue
        out.append(
            Annotation(
                ref,
                int(feat.get("this_offset", "0")),
                int(feat.get("this_length", "0")),
                feat.get("source_reference", ""),
                int(feat.get("source_offset", "0")),
                int(feat.get("source_length", "0")),
            )
        )
    return out
