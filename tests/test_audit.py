"""provenance audit on the sample corpus: acceptance points and shares recomputed from passages.csv."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, invoke

WORD = re.compile(r"\w+")
A000, A001, A002, A003, A004 = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("audit")
    result = invoke(["audit", str(CORPUS), "--out", str(out)])
    assert "audited 5 articles" in result.stderr and result.stdout == ""
    return out


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, keep_default_na=False, dtype=str)


def main_text(out: Path, article: str) -> str:
    return (out / "texts" / (Path(article).stem + ".txt")).read_text(encoding="utf-8")


def test_spans_slice_the_written_texts(out: Path) -> None:
    passages = read(out, "passages.csv")
    roles = dict(read(out, "articles.csv")[["article", "role"]].itertuples(index=False))
    assert len(passages) > 0
    whole = 0
    for r in passages.to_dict("records"):
        assert main_text(out, r["article"])[int(r["start"]) : int(r["end"])] == r["text"]
        raw = (CORPUS / r["article"]).read_text(encoding="utf-8")
        in_file = raw[int(r["file_start"]) : int(r["file_end"])]
        # the file may hold other separators, or removed furniture, between paragraphs
        first, last = r["text"].split("\n")[0], r["text"].split("\n")[-1]
        assert in_file.startswith(first) and in_file.endswith(last)
        if not r["source_article"]:
            continue
        src = main_text(out, r["source_article"])
        in_main = src[int(r["source_start"]) : int(r["source_end"])]
        if roles[r["source_article"]] != "source":
            assert in_main == r["source_text"]
            continue
        # a designated source is matched in its whole file (title, byline... blanked):
        # source_text is the file's text there, the main-text span its part in the main text
        whole += 1
        raw = (CORPUS / r["source_article"]).read_text(encoding="utf-8")
        in_file = raw[int(r["source_file_start"]) : int(r["source_file_end"])]
        assert len(in_file) == len(r["source_text"])
        assert all(a == b or b.isspace() for a, b in zip(in_file, r["source_text"], strict=True))
        assert " ".join(in_main.split()) in " ".join(r["source_text"].split())
    assert whole > 0


def recomputed(out: Path) -> dict[str, dict[str, int]]:
    """Word counts per article and class, from passages.csv and texts/ alone."""
    passages = read(out, "passages.csv")
    counts: dict[str, dict[str, int]] = {}
    for article in read(out, "articles.csv")["article"]:
        text = main_text(out, article)
        spans = [m.span() for m in WORD.finditer(text)]
        cls: list[str | None] = [None] * len(spans)
        rows = passages[(passages.article == article) & (passages.direction != "order-unknown")]
        for r in rows.to_dict("records"):
            kind = (
                "quoted"
                if r["quote"] == "true"
                else ("credited" if r["credited"] == "true" else "uncredited")
            )
            for i, (s, e) in enumerate(spans):
                if s < int(r["end"]) and e > int(r["start"]):
                    order = ["quoted", "credited", "uncredited"]
                    if cls[i] is None or order.index(kind) < order.index(cls[i]):  # type: ignore[arg-type]
                        cls[i] = kind
        # altered quotations: the stretches of text their passages cover together
        covered = set()
        for r in rows[rows.altered_quote == "true"].to_dict("records"):
            covered.update(range(int(r["start"]), int(r["end"])))
        stretches = sum(1 for i in covered if i - 1 not in covered)
        counts[article] = {
            "words": len(spans),
            **{k: sum(c == k for c in cls) for k in ("quoted", "credited", "uncredited")},
            "altered": stretches,
        }
    return counts


def test_article_shares_recomputed_from_passages(out: Path) -> None:
    counts = recomputed(out)
    for r in read(out, "articles.csv").to_dict("records"):
        c = counts[r["article"]]
        assert int(r["words"]) == c["words"]
        copied = c["quoted"] + c["credited"] + c["uncredited"]
        for column, value in (
            ("copied_share", copied),
            ("quoted_share", c["quoted"]),
            ("credited_share", c["credited"]),
            ("uncredited_share", c["uncredited"]),
        ):
            assert float(r[column]) == pytest.approx(value / c["words"], abs=1e-4), column
        assert float(r["original_share"]) == pytest.approx(1 - copied / c["words"], abs=1e-4)
        assert int(r["altered_quotes"]) == c["altered"]


def test_outlet_shares_recomputed_from_passages(out: Path) -> None:
    counts = recomputed(out)
    articles = read(out, "articles.csv")
    for r in read(out, "outlets.csv").to_dict("records"):
        mine = [counts[a] for a in articles[articles.outlet == r["outlet"]]["article"]]
        words = sum(c["words"] for c in mine)
        copied = sum(c["quoted"] + c["credited"] + c["uncredited"] for c in mine)
        assert int(r["words"]) == words and int(r["articles"]) == len(mine)
        assert float(r["copied_share"]) == pytest.approx(copied / words, abs=1e-4)
        for cls in ("quoted", "credited", "uncredited"):
            share = sum(c[cls] for c in mine) / words
            assert float(r[f"{cls}_share"]) == pytest.approx(share, abs=1e-4), cls
        assert int(r["altered_quotes"]) == sum(c["altered"] for c in mine)


def test_page_furniture_counts_nowhere(out: Path) -> None:
    text = main_text(out, A000)
    raw = (CORPUS / A000).read_text(encoding="utf-8")
    assert len(WORD.findall(text)) < 0.4 * len(WORD.findall(raw))
    for furniture in ("Related Articles", "Try Our AI Features", "No comments yet", "Hashtags"):
        assert furniture not in text
    assert "Dear readers" not in main_text(out, A003)


def test_moscow_times_passages_of_000(out: Path) -> None:
    p = read(out, "passages.csv")
    tmt = p[(p.article == A000) & (p.source_article == A003)]
    peskov = tmt[tmt.text.str.contains("This is a domestic issue of the United States")]
    snowden = tmt[tmt.text.str.contains("granted asylum to US whistleblower Edward Snowden")]
    assert len(peskov) == 1 and peskov.iloc[0]["quote"] == "true"
    assert len(snowden) == 1 and snowden.iloc[0]["quote"] == "false"
    assert snowden.iloc[0]["kind"] == "verbatim"


def test_novikov_material_of_000_credited_to_tass_upstream(out: Path) -> None:
    p = read(out, "passages.csv")
    tass = p[(p.article == A000) & (p.source == "TASS")]
    assert (tass.direction == "credited-upstream").all() and (tass.source_article == "").all()
    assert tass.text.str.contains("Novikov|Musk has a completely different game").any()
    assert tass.text.str.contains("Bannon").any()
    assert (tass.credited == "true").all()
    # The Moscow Times has Novikov's words "in comments to the state-run TASS news agency":
    # 000's rewording of them, crediting TASS, is TASS's, not copied from The Moscow Times
    # (nor is his quotation, translated otherwise, an altered one)
    tmt = p[(p.article == A000) & (p.source_article == A003)]
    assert not tmt.text.str.contains("Novikov|completely different game").any()
    arts = read(out, "articles.csv").set_index("article")
    assert float(arts.loc[A000, "uncredited_share"]) == 0.0


def test_upstream_material_is_reported_once_in_quoted_and_unquoted_runs(out: Path) -> None:
    """000 shares its TASS material with 001 and 002, each pair cut it its own way:
    each piece of 000 is one row, quoted and unquoted runs apart, none overlapping."""
    p = read(out, "passages.csv")
    up = p[p.direction == "credited-upstream"]
    for _, rows in up.groupby("article"):
        spans = sorted(zip(rows.start.astype(int), rows.end.astype(int), strict=True))
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))
    mine = up[up.article == A000]
    assert set(mine.quote) == {"true", "false"}
    text = (out / "texts" / f"{A000.removesuffix('.txt')}.txt").read_text(encoding="utf-8")
    for row in mine.itertuples():
        assert text[int(row.start) : int(row.end)] == row.text


def test_002_paraphrases_000_and_alters_the_quotation(out: Path) -> None:
    p = read(out, "passages.csv")
    from_000 = p[(p.article == A002) & (p.source_article == A000)]
    assert (from_000.direction != "order-unknown").all()
    assert (from_000.kind == "paraphrase").any()
    altered = from_000[from_000.text.str.contains("internal matter")]
    assert (altered.altered_quote == "true").all() and len(altered) >= 1


def test_001_derives_from_000_and_shows_its_vague_credit(out: Path) -> None:
    p = read(out, "passages.csv")
    from_000 = p[(p.article == A001) & (p.source_article == A000)]
    assert len(from_000) >= 1 and (from_000.direction != "order-unknown").all()
    assert p[p.article == A001].credit_text.str.contains("state media").any()


def test_verdicts(out: Path) -> None:
    arts = read(out, "articles.csv").set_index("article")
    assert float(arts.loc[A004, "copied_share"]) < 0.15
    assert float(arts.loc[A003, "copied_share"]) == 0.0
    assert arts.loc[A003, "role"] == "source"
    assert arts.loc[A002, "top_source"] == "Daily8"


def test_without_the_manifest_the_pages_own_signatures_name_the_source(
    out: Path, tmp_path: Path
) -> None:
    """003 signs itself ("A Message from The Moscow Times:"): with no manifest it is still
    the designated source, and every share is the one the manifest gives."""
    bare = tmp_path / "bare"
    bare.mkdir()
    for path in CORPUS.glob("*.txt"):
        (bare / path.name).write_bytes(path.read_bytes())
    invoke(["audit", str(bare), "--out", str(tmp_path / "r"), "-q"])
    got, expected = read(tmp_path / "r", "articles.csv"), read(out, "articles.csv")
    assert got.set_index("article").loc[A003, "outlet"] == "The Moscow Times"
    shares = [c for c in expected.columns if c.endswith("_share")] + ["verdict", "words"]
    assert got[shares].equals(expected[shares])


def test_002s_sentences_are_paired_with_their_own_counterparts(out: Path) -> None:
    """002's "Bannon warned that this action would represent a significant threat" is 000's
    "Bannon argued this could be a serious threat", never the Peskov sentence after it."""
    p = read(out, "passages.csv")
    for r in p[(p.article == A002) & (p.source_article == A000)].to_dict("records"):
        if "Bannon warned" in r["text"]:
            assert "Bannon" in r["source_text"], r["source_text"]
