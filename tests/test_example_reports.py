"""The committed example reports under reports/ are what the README's main command writes.

Regenerate them with ``provenance audit corpus`` (the README's first command) after
a change that alters the output; this test fails while they are stale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from provenance.publish import verify

REPORTS = ROOT / "reports"


#: run-to-run files: they describe the run, not the corpus (a re-run says "nothing changed")
RUN_FILES = {"changes.csv", "changes.md"}


def files(root: Path) -> dict[str, bytes]:
    """The published report files (as manifest.json lists them) with their bytes."""
    listed = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]
    return {rel: (root / rel).read_bytes() for rel in sorted(listed) if rel not in RUN_FILES}


def audit_into(out: Path, seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "provenance", "audit", "corpus", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = audit_into(out, "1")
    assert result.returncode == 0, result.stderr
    return out


def test_example_reports_are_current(fresh: Path) -> None:
    assert CORPUS.is_dir()
    assert verify(REPORTS) == []
    committed, regenerated = files(REPORTS), files(fresh)
    assert sorted(committed) == sorted(regenerated), "run `provenance audit corpus` to refresh"
    stale = [name for name in committed if committed[name] != regenerated[name]]
    assert not stale, f"stale example reports {stale}: run `provenance audit corpus`"


def test_reports_do_not_depend_on_hash_seed(fresh: Path, tmp_path: Path) -> None:
    result = audit_into(tmp_path, "2")
    assert result.returncode == 0, result.stderr
    assert files(tmp_path) == files(fresh)
