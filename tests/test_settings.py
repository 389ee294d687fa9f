"""settings: defaults, TOML loading and validation errors that name the file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provenance.errors import ConfigError
from provenance.settings import DEFAULTS, load


def test_defaults_without_a_file() -> None:
    assert load(None) is DEFAULTS


def test_values_and_sources_are_read(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        "[ingest]\nmax_bytes = 1000\nhtml_suffixes = ['.html', '.shtml']\n"
        "[sources.Meduza]\naliases = ['Медуза']\ndesignated = true\n",
        encoding="utf-8",
    )
    settings = load(cfg)
    assert settings.ingest.max_bytes == 1000
    assert settings.ingest.html_suffixes == (".html", ".shtml")
    assert settings.sources["Meduza"]["aliases"] == ["Медуза"]
    assert settings.extract == DEFAULTS.extract


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ingest]\nmax_bytes = 'big'\n", "max_bytes must be a whole number"),
        ("[ingest]\nmax_bytes = true\n", "max_bytes must be a whole number"),
        ("[nonsense]\nx = 1\n", "unknown section"),
        ("[ingest]\nnope = 1\n", "unknown setting"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load(cfg)
    assert "bad.toml" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[align]\nngram = 0\n", "[align] ngram must be at least 1, not 0"),
        ("[extract]\ntemplate_min_pages = 1\n", "template_min_pages must be at least 2"),
        ("[ingest]\nmax_bytes = -1\n", "[ingest] max_bytes must be at least 1, not -1"),
        ("[extract]\ntext_length_low = -1\n", "text_length_low must be at least 0"),
        ("[audit]\norder_margin = nan\n", "order_margin must be a finite number"),
        ("[align]\nseed_cosine = 5.0\n", "[align] seed_cosine must be at most 1, not 5.0"),
        ("[ingest]\ndoc_seconds = 3e6\n", "doc_seconds must be at most 86400"),
        ("[align]\nngram = 1000\n", "ngram must be at most 12"),
    ],
)
def test_values_out_of_range_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(cfg)
    assert str(info.value).startswith(f"{cfg}: ") and message in str(info.value)


@pytest.mark.parametrize(
    ("suffixes", "message"),
    [
        ('["html"]', "is not a file suffix"),
        ('["ht ml"]', "is not a file suffix"),
        ('["."]', "is not a file suffix"),
        ('["*.html"]', "is not a file suffix"),
        ("[]", "is empty"),
        ('[".html.gz"]', "gzipped files are read whatever the suffix"),
    ],
)
def test_a_suffix_list_that_reads_no_file_is_a_config_error(
    tmp_path: Path, suffixes: str, message: str
) -> None:
    """`html_suffixes = ["html"]` (or []) matched no file: the HTML pages were skipped in
    silence."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[ingest]\nhtml_suffixes = {suffixes}\n")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load(cfg)


def test_suffixes_match_as_file_names_do(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[ingest]\nhtml_suffixes = [".HTML", ".htm", ".html"]\n')
    assert load(cfg).ingest.html_suffixes == (".html", ".htm")
