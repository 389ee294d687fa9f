"""The README and docs/cron.md document every command, option and exit code the CLI has."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from provenance.cli import ExitCode, cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
CRON = (ROOT / "docs" / "cron.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"provenance {name}" in README


@pytest.mark.parametrize(
    "option",
    sorted(
        opt
        for p in cli.commands["audit"].params
        for opt in p.opts
        if opt.startswith("--") and opt != "--help"
    ),
)
def test_every_audit_option_is_documented(option: str) -> None:
    assert option in README or option in CRON


@pytest.mark.parametrize("code", list(ExitCode))
def test_every_exit_code_is_documented(code: ExitCode) -> None:
    row = re.compile(rf"^\| {int(code)} \|", re.MULTILINE)
    assert row.search(README), f"exit code {int(code)} missing from README"
    if code != ExitCode.USAGE:
        assert row.search(CRON), f"exit code {int(code)} missing from docs/cron.md"


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    assert "provenance audit corpus" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci
