"""Shared fixtures: paths to the sample corpus and the optional eval data, a CLI runner."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.skip("../shared/eval is absent")
    return EVAL


def invoke(args: Sequence[str], *, code: int = 0, stdin: bytes | str | None = None) -> Result:
    """Run the CLI; on an unexpected exit code show stdout, stderr and the exception."""
    from provenance.cli import cli

    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=True)
    if result.exit_code != code:
        raise AssertionError(
            f"exit {result.exit_code} (wanted {code}) for {list(args)}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}\n"
            f"--- exception\n{result.exception!r}"
        )
    return result
