"""One Settings object with every threshold, documented and validated on load.

A config file is TOML with one table per section, for example::

    [extract]
    max_bytes = 20_000_000

    [align]
    min_words = 8

Unknown keys and wrong types are errors that name the file and the key.
Modules never read globals or the environment: they take ``settings`` by keyword.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provenance.errors import ConfigError


@dataclass(frozen=True)
class IngestSettings:
    #: inputs larger than this many bytes get status "too-large" and are skipped
    max_bytes: int = 50_000_000
    #: file suffixes read as HTML (gzipped variants ``.gz`` too)
    html_suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")
    #: file suffixes read as scraped plain text
    text_suffixes: tuple[str, ...] = (".txt", ".md", ".text")
    #: wall-clock seconds one document's extraction may take (in a worker process that is
    #: killed when over it; the document gets status "timeout"); 0 turns the limit off
    doc_seconds: float = 30.0
    #: wall-clock seconds aligning one pair of articles may take (in a worker process that
    #: is killed when over it; the pair is logged and skipped); 0 turns the limit off
    pair_seconds: float = 60.0


@dataclass(frozen=True)
class ExtractSettings:
    #: pass trafilatura ``favor_precision`` / ``favor_recall``; neither by default
    favor_precision: bool = False
    favor_recall: bool = False
    #: a line an outlet repeats on at least this many of its pages is template
    template_min_pages: int = 3
    #: ... and on at least this share of its pages
    template_min_share: float = 0.5
    #: only lines up to this many characters (normalised) can be learnt as template:
    #: longer lines are prose, e.g. a wire paragraph two articles both reproduce
    template_max_chars: int = 120
    #: scraped text: blocks shorter than this many characters are "short" (classed by context)
    text_length_low: int = 70
    #: scraped text: a block whose prose probability is at least this is article text ("good")
    text_prose_good: float = 0.6
    #: scraped text: ... at least this is prose-like ("near-good", classed with its neighbours)
    text_prose_near: float = 0.35


@dataclass(frozen=True)
class AlignSettings:
    # -- fingerprints and the corpus index (index.py)
    #: length of the hashed n-grams of content-word stems used as seeds and fingerprints
    ngram: int = 3
    #: an n-gram found in more than this many indexed documents makes no candidates ...
    index_max_df: int = 20
    #: ... unless this share of the indexed documents is larger still
    index_max_df_share: float = 0.01
    #: a corpus document is a candidate when it shares at least this many n-grams
    min_shared: int = 2
    #: ... or, for n-grams over the cap, which pair each holder with the first two
    #: designated sources' articles holding them only, at least this many (a story more
    #: outlets carry than the cap is found against the source; 0: off)
    common_min_shared: int = 4
    #: ... or, a designated source's article and another article, when they share at least
    #: this many content-word bigrams (a text reworded word by word keeps few n-grams; 0: off)
    reworded_min_shared: int = 8
    # -- sentence seeds (align.py): tf-isf cosine and Dice of content-word stems
    #: a sentence of more words than this is cut into shorter matching units
    max_unit_words: int = 35
    #: a sentence with fewer content words than this is joined to the next one
    min_sentence_terms: int = 3
    #: a sentence pair is a seed when its tf-isf cosine exceeds this ...
    seed_cosine: float = 0.33
    #: ... and the Dice coefficient of its word sets exceeds this
    seed_dice: float = 0.33
    #: ... and its cosine is at least this share of the best cosine of both its sentences
    seed_relative: float = 0.5
    #: sentence pairs sharing at least this many fingerprints are seeds too (0: off)
    seed_ngrams: int = 2
    #: ... and at least this share of the n-grams of the shorter sentence
    seed_ngram_share: float = 0.7
    # -- extension: seeds chained into passages
    #: seeds further apart than this many sentences (either text) start a new passage
    max_gap: int = 4
    #: a chained passage whose two sides have tf-isf cosine below this is split again
    min_passage_cosine: float = 0.34
    #: source gap allowed when the target side looks like a summary of the source
    summary_max_gap: int = 60
    #: ... when its source side is at least this many times longer than its target side
    summary_ratio: float = 3.0
    #: ... and at most this many times longer (0: no limit): a sentence or two against a
    #: whole section share a topic, not a text
    summary_max_ratio: float = 16.0
    #: a summary's source side is the whole of the source paragraphs it draws on
    summary_paragraphs: bool = True
    #: seed thresholds (cosine, Dice) used when looking for summaries
    summary_seed_cosine: float = 0.25
    summary_seed_dice: float = 0.2
    #: a summary passage needs this tf-isf cosine between its two sides as wholes
    summary_min_cosine: float = 0.34
    #: passages this close in the target that together read as a summary are joined
    summary_merge_chars: int = 300
    #: ... when each of them has a source side at least this many times its target side
    summary_piece_ratio: float = 1.2
    #: passages grow by up to this many neighbouring sentences (each side, each text)
    #: while their tf-isf cosine does not drop (0: off)
    extend_units: int = 2
    #: ... and each such sentence alone has at least this cosine with the other side
    extend_cosine: float = 0.3
    #: ... and by up to this many when the passage is a summary
    summary_extend_units: int = 10
    # -- refinement of word-for-word passages
    #: edges are refined word by word when at least this share of the words match
    refine_min_share: float = 0.65
    #: score of each edited word against +1 per matching word, when refining edges
    refine_penalty: float = 1.0
    #: the best run replaces both edges when it holds this share of all matching words;
    #: otherwise edges move only within the first and last sentences
    refine_keep: float = 0.9
    #: ... or when at least this share of its words match (a plain copy)
    refine_dense: float = 0.8
    #: a refinement is not applied when this share of the content words it would cut
    #: off the target occurs in the source passage (rewritten, not foreign, text)
    refine_max_cut_share: float = 0.5
    #: ... nor one that would drop a seeded sentence pair with at least this cosine
    refine_keep_cosine: float = 0.8
    #: words of context kept around the shared word trigrams when refining edges
    refine_pad: int = 25
    #: windows longer than this many words (either text) are not refined
    max_refine_tokens: int = 3000
    # -- filtering and reporting
    #: passages shorter than this many characters (either side) are dropped ...
    min_chars: int = 150
    #: ... unless they are near-verbatim and have at least this many words
    min_words: int = 12
    #: a paraphrase passage needs a chain of at least this many sentence pairs
    min_paraphrase_pairs: int = 2
    #: ... and a rapidfuzz token_set_ratio (0-100) of at least this between its sides
    min_paraphrase_token_set: float = 60.0
    #: a paragraph without seeds inside a passage cut at paragraphs stays with it when
    #: this share of its content words occurs in the source around its side (split.py)
    piece_min_shared: float = 0.3
    #: 0-100 similarity at or above which a passage is "near-verbatim"
    near_verbatim: float = 80.0
    #: longest text (characters) rapidfuzz compares character by character
    max_compare_chars: int = 4000
    #: split passages at paragraph (line) boundaries of the target, one per paragraph
    split_paragraphs: bool = True


@dataclass(frozen=True)
class ClassifySettings:
    #: a passage is a quote when more than this share of it is quoted in both texts ...
    quote_share: float = 0.5
    #: ... or when more than ``quote_share`` of its source side is quoted and at least this
    #: share of the words the two sides share lies in the target's quotations (the outlet's
    #: own framing around a shared quotation, "..., Peskov said, repeating ...", is no copy)
    quote_matched_share: float = 0.8
    #: two same-speaker quotations are one statement when the Dice coefficient of
    #: their content-word stems, or of all their words, reaches this
    min_quote_overlap: float = 0.4
    #: a quotation is altered when at least this many words differ ...
    altered_min_words: int = 2
    #: ... or at least this share of its words
    altered_min_share: float = 0.15


@dataclass(frozen=True)
class AuditSettings:
    #: copied_share at or above which an article is "wholly" derived (METER's label)
    wholly: float = 0.75
    #: copied_share at or above which an article is "partially" derived
    partially: float = 0.15
    #: with unknown publication order, an article whose shared passages reproduce a
    #: designated source's text this many similarity points (0-100, word-weighted
    #: mean) more faithfully than the other article's is taken as the earlier one
    order_margin: float = 5.0
    #: changes.csv lists an outlet whose original share moved by more than this
    change_threshold: float = 0.05
    #: match designated sources given as plain text in their whole file, not only in
    #: their main text: copying from a caption, list or teaser the extractor left out
    #: (or a paragraph it dropped by mistake) is still copying from that source
    sources_in_full: bool = True
    #: two articles (not designated sources) whose order is unknown are compared with
    #: each other only for n-grams no designated source's article holds: what both
    #: took from a source is reported against that source, not as order-unknown sharing
    beyond_sources: bool = True
    #: two articles of one outlet are compared too: its reuse of its own text (a background
    #: paragraph, an update of a story) counts as copying from itself.  Off: it is its own,
    #: but outlets named alike are one ("The Star" and "Star", every blog on a platform
    #: named after the platform), and copying between them is hidden
    same_outlet: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.partially <= self.wholly <= 1:
            raise ValueError("[audit] needs 0 < partially <= wholly <= 1")


@dataclass(frozen=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    align: AlignSettings = field(default_factory=AlignSettings)
    classify: ClassifySettings = field(default_factory=ClassifySettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    #: extra [sources] table from the config file, read by attribution.py
    sources: dict[str, Any] = field(default_factory=dict, compare=False)

    def replace(self, **sections: Any) -> Settings:
        return dataclasses.replace(self, **sections)


DEFAULTS = Settings()

_SECTIONS = {f.name: f.type for f in dataclasses.fields(Settings) if f.name != "sources"}


#: the least value of settings that may not be 0 (no number setting may be negative)
_MINIMUM = {
    "max_bytes": 1,
    "template_min_pages": 2,  # one page cannot show a template
    "template_max_chars": 1,
    "ngram": 1,
    "index_max_df": 1,
    "max_unit_words": 1,
    "max_refine_tokens": 1,
    "max_compare_chars": 1,
}


_SHARES = (
    *("template_min_share", "text_prose_good", "text_prose_near", "index_max_df_share"),
    *("seed_cosine", "seed_dice", "seed_relative", "seed_ngram_share", "min_passage_cosine"),
    *("summary_seed_cosine", "summary_seed_dice", "summary_min_cosine", "extend_cosine"),
    *("refine_min_share", "refine_keep", "refine_dense", "refine_max_cut_share"),
    *("refine_keep_cosine", "piece_min_shared", "quote_share", "min_quote_overlap"),
    "quote_matched_share",
    *("altered_min_share", "wholly", "partially", "change_threshold"),
)
#: the greatest value of settings that have one: shares are 0-1, similarities 0-100
_MAXIMUM: dict[str, float] = {
    **dict.fromkeys(_SHARES, 1),
    **dict.fromkeys(("min_paraphrase_token_set", "near_verbatim", "order_margin"), 100),
    "doc_seconds": 86_400,  # a day
    "pair_seconds": 86_400,
    "max_bytes": 1 << 34,  # 16 GiB
    "ngram": 12,
}


def _in_range(where: str, key: str, value: Any, path: str) -> Any:
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"{where} must be a finite number", path=path)
    least = _MINIMUM.get(key, 0)
    if value < least:
        raise ConfigError(f"{where} must be at least {least}, not {value}", path=path)
    most = _MAXIMUM.get(key)
    if most is not None and value > most:
        raise ConfigError(f"{where} must be at most {most:g}, not {value}", path=path)
    return value


def _coerce(section: str, key: str, value: Any, default: Any, path: str) -> Any:
    where = f"[{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false", path=path)
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number", path=path)
        return _in_range(where, key, value, path)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number", path=path)
        return _in_range(where, key, float(value), path)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings", path=path)
        if key.endswith("_suffixes"):
            return _suffixes(where, value, path)
        return tuple(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string", path=path)
        return value
    return value


def _suffixes(where: str, value: list[str], path: str) -> tuple[str, ...]:
    """File suffixes as files are matched: a dot and lower case (".HTML" is ".html")."""
    if not value:
        raise ConfigError(
            f"{where} is empty: no file would be read as that kind",
            path=path,
            hint="give at least one suffix; leave out of the corpus the files not to read",
        )
    for suffix in value:
        if suffix.lower().endswith(".gz"):
            raise ConfigError(
                f"{where}: {suffix!r} - gzipped files are read whatever the suffix",
                path=path,
                hint='give the suffix without ".gz"',
            )
        if not re.fullmatch(r"\.[^./\\\s]+", suffix):
            raise ConfigError(
                f"{where}: {suffix!r} is not a file suffix",
                path=path,
                hint='write it with its dot, e.g. [".html", ".htm"]',
            )
    return tuple(dict.fromkeys(v.lower() for v in value))


def _section(name: str, table: Any, path: str) -> Any:
    cls = {
        "ingest": IngestSettings,
        "extract": ExtractSettings,
        "align": AlignSettings,
        "classify": ClassifySettings,
        "audit": AuditSettings,
    }[name]
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table", path=path)
    base = cls()
    known = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"unknown setting [{name}] {key}",
                path=path,
                hint=f"known: {', '.join(sorted(known))}",
            )
        values[key] = _coerce(name, key, value, getattr(base, key), path)
    try:
        return dataclasses.replace(base, **values)
    except ValueError as exc:  # a section's own consistency check
        raise ConfigError(str(exc), path=path) from None


def load(path: str | Path | None = None, *, base: Settings = DEFAULTS) -> Settings:
    """Settings from a TOML config file (or the defaults when ``path`` is None)."""
    if path is None:
        return base
    spath = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "config file not found", path=spath, hint="check the --config path"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            "config file is not UTF-8 text", path=spath, hint="save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read config file ({exc.strerror or exc.__class__.__name__})",
            path=spath,
            hint="give a readable TOML file to --config",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})", path=spath) from None
    sections: dict[str, Any] = {}
    for name, table in data.items():
        if name == "sources":
            if not isinstance(table, dict):
                raise ConfigError("[sources] must be a table", path=spath)
            sections["sources"] = table
        elif name in _SECTIONS:
            sections[name] = _section(name, table, spath)
        else:
            raise ConfigError(
                f"unknown section [{name}]",
                path=spath,
                hint=f"sections: {', '.join([*sorted(_SECTIONS), 'sources'])}",
            )
    return base.replace(**sections)
