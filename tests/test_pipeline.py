"""pipeline: direction, chains, upstream credits and the tables of a whole audit."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from provenance.pipeline import audit
from provenance.settings import DEFAULTS

WIRE = [
    "The regional parliament approved a new water management law on Tuesday after months of debate.",
    "Lawmakers said the reform would cut leakage in municipal pipelines by nearly a third within five years.",
    "The bill allocates four billion roubles to replace ageing pumping stations in twelve districts.",
    "Opposition deputies argued that the money should have gone to rural clinics instead.",
    "The governor is expected to sign the document into law before the end of the month.",
]
OWN = [
    "Residents of the northern suburbs have complained about brown tap water for several summers.",
    "A local engineer told our correspondent that the stations were built in the nineteen sixties.",
    "Shop owners near the river embankment hope the works will not close the main road again.",
]
OTHER = [
    "The city football club signed a young goalkeeper from a second division team on Monday.",
    "The coach praised his reflexes and said he would compete for a starting place this season.",
    "Fans gathered outside the stadium to welcome the player before the first training session.",
    "Tickets for the opening home match went on sale at the club shop and online this week.",
]


def write_corpus(root: Path) -> None:
    root.mkdir()
    (root / "wire.txt").write_text(" ".join(WIRE))
    (root / "paper.txt").write_text(OWN[0] + "\n\n" + " ".join(WIRE[:3]) + " (TASS)\n\n" + OWN[1])
    (root / "blog.txt").write_text(" ".join(WIRE[:3]) + "\n\n" + OWN[2])
    (root / "sport.txt").write_text(" ".join(OTHER))
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\n"
        "wire.txt,TASS,source,2025-06-01\n"
        "paper.txt,Paper,article,2025-06-02\n"
        "blog.txt,,article,2025-06-03\n"
        "sport.txt,Sport Daily,article,2025-06-02\n"
    )


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_corpus(tmp_path / "c")
    return audit([str(tmp_path / "c")])


def test_articles_and_outlets(run) -> None:  # type: ignore[no-untyped-def]
    arts = run.tables.articles.set_index("article")
    assert list(arts.index) == ["blog.txt", "paper.txt", "sport.txt", "wire.txt"]
    assert arts.loc["blog.txt", "outlet"] == "unknown (blog.txt)"
    assert arts.loc["sport.txt", "copied_share"] == 0.0
    assert arts.loc["sport.txt", "verdict"] == "non-derived"
    assert arts.loc["wire.txt", "copied_share"] == 0.0  # the source takes nothing
    assert arts.loc["paper.txt", "top_source"] == "TASS"
    assert arts.loc["paper.txt", "credited_share"] > 0.4
    assert arts.loc["paper.txt", "uncredited_share"] == 0.0


def test_direction_and_chain(run) -> None:  # type: ignore[no-untyped-def]
    p = run.tables.passages
    paper = p[(p.article == "paper.txt") & (p.source_article == "wire.txt")]
    assert len(paper) >= 1 and set(paper.direction) == {"designated-source"}
    blog = p[(p.article == "blog.txt") & (p.source_article == "paper.txt")]
    assert set(blog.direction) == {"earlier-date"}
    assert set(blog.origin) == {"TASS"}  # blog took it from Paper, which took it from TASS
    assert not ((p.article == "wire.txt") & (p.direction != "order-unknown")).any()
    assert not (p.article == "sport.txt").any()


def test_spans_slice_the_main_text_and_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = run.tables.texts
    for r in run.tables.passages.to_dict("records"):
        assert texts[r["article"]][r["start"] : r["end"]] == r["text"]
        if r["source_article"]:
            assert (
                texts[r["source_article"]][r["source_start"] : r["source_end"]] == r["source_text"]
            )
        raw = (tmp_path / "c" / r["article"]).read_text()
        assert raw[r["file_start"] : r["file_end"]] == r["text"]


def test_same_day_is_order_unknown(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    manifest = (root / "manifest.csv").read_text().replace("2025-06-03", "2025-06-02")
    (root / "manifest.csv").write_text(manifest)
    run = audit([str(root)])
    p = run.tables.passages
    # what both took from the wire is reported against the wire, not as sharing
    assert p[(p.article == "blog.txt") & (p.source_article == "paper.txt")].empty
    assert run.tables.articles.set_index("article").loc["blog.txt", "top_source"] == "TASS"
    everything = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, beyond_sources=False))
    p = audit([str(root)], settings=everything).tables.passages
    pair = p[(p.article == "blog.txt") & (p.source_article == "paper.txt")]
    assert len(pair) >= 1 and set(pair.direction) == {"order-unknown"}
    # material no source holds is compared either way, and its order is unknown
    (root / "paper.txt").write_text((root / "paper.txt").read_text() + "\n\n" + OWN[2])
    p = audit([str(root)]).tables.passages
    pair = p[(p.article == "blog.txt") & (p.source_article == "paper.txt")]
    assert len(pair) >= 1 and set(pair.direction) == {"order-unknown"}
    assert any(OWN[2] in text for text in pair.text)


@pytest.mark.parametrize(
    ("paper_day", "credit", "outlet", "first"),
    [
        # the wire rewrote the paper's exclusive, crediting it (under either name)
        ("2025-05-31", ", the Vedomosti newspaper reported", "Vedomosti", "paper"),
        ("2025-05-31", ", Vedomosti reported", "The Vedomosti", "paper"),
        # no credit of the paper: the source comes first
        ("2025-05-31", ", officials said", "Vedomosti", "wire"),
        ("2025-05-31", " near the Kievskaya metro station", "Metro", "wire"),  # a common word
        # the same day (review K: a paper's 08:00 exclusive, the wire's rewrite at 10:30,
        # was the paper's uncredited copy of the wire)
        ("2025-06-01", ", the Vedomosti newspaper reported", "Vedomosti", "paper"),
        ("2025-06-02", ", the Vedomosti newspaper reported", "Vedomosti", "wire"),  # a day after
    ],
)
def test_a_source_that_names_an_earlier_articles_outlet_took_it_from_that_article(
    tmp_path: Path, paper_day: str, credit: str, outlet: str, first: str
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(WIRE[0].rstrip(".") + credit + ". " + " ".join(WIRE[1:]))
    (root / "paper.txt").write_text(" ".join(WIRE) + "\n\n" + OWN[0])
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\n"
        "wire.txt,TASS,source,2025-06-01\n"
        f"paper.txt,{outlet},article,{paper_day}\n"
    )
    tables = audit([str(root)]).tables
    p, shares = tables.passages, tables.articles.set_index("article")
    assert set(p.article) == {"wire.txt" if first == "paper" else "paper.txt"}
    if first == "paper":
        assert set(p.direction) == {"earlier-date"}
        assert shares.loc["paper.txt", "copied_share"] == 0
        assert shares.loc["wire.txt", "credited_share"] == shares.loc["wire.txt", "copied_share"]
        assert shares.loc["wire.txt", "copied_share"] > 0.5
    else:
        assert set(p.direction) == {"designated-source"}


def without_the_wire(root: Path, blog: str) -> str:
    """The corpus with TASS's own article gone, ``blog`` as the blog's text and the blog
    published the same day as the paper; returns the manifest with the blog's own date."""
    write_corpus(root)
    (root / "wire.txt").unlink()
    (root / "blog.txt").write_text(blog)
    manifest = (root / "manifest.csv").read_text().replace("wire.txt,TASS,source,2025-06-01\n", "")
    (root / "manifest.csv").write_text(manifest.replace("2025-06-03", "2025-06-02"))
    return manifest


def test_upstream_credit_when_source_text_is_absent(tmp_path: Path) -> None:
    root = tmp_path / "c"
    without_the_wire(root, " ".join(WIRE[:3]) + ", TASS reported.\n\n" + OWN[2])
    p = audit([str(root)]).tables.passages
    up = p[p.direction == "credited-upstream"]
    assert set(up.article) == {"blog.txt", "paper.txt"}
    assert set(up.source) == {"TASS"} and set(up.source_article) == {""}
    assert up.credited.all()


@pytest.mark.parametrize("rest", ["quoted", "own"])
def test_a_credited_quotation_is_upstream_whole_where_others_reworded_part_of_it(
    tmp_path: Path, rest: str
) -> None:
    """Two outlets credit TASS (absent) for a quotation; the second rewords its first
    sentence past recognition.  The first outlet's sentence, part of the quotation it
    credits to TASS, counted as its own; a sentence of the outlet's own beside the
    quotation ("A survey by our newsroom...") stays its own (review L)."""
    root = tmp_path / "c"
    root.mkdir()
    lead = "At this stage the return of the rival party to power is not what he needs."
    said = (
        "Therefore there are tactical differences, and he will adhere to them in the coming months"
    )
    if rest == "quoted":
        paragraph = f'"{lead} {said}," the deputy told TASS.'
    else:
        paragraph = f'A survey by our newsroom found the same mood. "{said}," the deputy told TASS.'
    (root / "paper.txt").write_text(f"{OTHER[0]}\n\n{paragraph}\n")
    spun = "For now the comeback of the rival camp to power is not what he requires."
    # (the other outlet attributes it in words of its own: review M)
    (root / "blog.txt").write_text(
        f'{OWN[0]}\n\n"{spun} {said}," the lawmaker said in an interview with TASS.\n'
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\npaper.txt,Paper,,2025-06-02\nblog.txt,Blog,,2025-06-02\n"
    )
    p = audit([str(root)]).tables.passages
    up = p[(p.article == "paper.txt") & (p.direction == "credited-upstream")]
    text = " ".join(up.text)
    assert "Therefore there are tactical differences" in text
    assert (lead in text) is (rest == "quoted")
    assert "A survey by our newsroom" not in text


def test_an_uncredited_share_of_upstream_material_is_the_sources_uncredited(
    tmp_path: Path,
) -> None:
    root = tmp_path / "c"
    manifest = without_the_wire(root, " ".join(WIRE[:3]) + "\n\n" + OWN[2])  # credits nobody
    run = audit([str(root)])
    p = run.tables.passages
    assert set(p[p.direction == "credited-upstream"].article) == {"paper.txt"}
    blog = p[(p.article == "blog.txt") & (p.direction == "credited-elsewhere")]
    assert len(blog) == 1 and set(blog.source) == {"TASS"} and not blog.credited.any()
    assert blog.text.iloc[0].startswith(WIRE[0]) and OWN[2] not in blog.text.iloc[0]
    arts = run.tables.articles.set_index("article")
    assert arts.loc["blog.txt", "top_source"] == "TASS"
    assert arts.loc["blog.txt", "uncredited_share"] > 0.5
    # dated apart, the copy is the earlier article's, and that one's origin is TASS
    (root / "manifest.csv").write_text(manifest)
    p = audit([str(root)]).tables.passages
    assert not (p.direction == "credited-elsewhere").any()
    blog = p[p.article == "blog.txt"]
    assert set(blog.source_article) == {"paper.txt"} and set(blog.origin) == {"TASS"}


def test_failed_inputs_are_listed_not_dropped(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    (root / "broken.txt").write_bytes(b"\x00\x01binary")
    run = audit([str(root)])
    arts = run.tables.articles.set_index("article")
    assert arts.loc["broken.txt", "status"] == "binary"
    assert [d.path for d in run.failed] == [str(root / "broken.txt")]
    # no main text, no figures: blank, not "0% original"
    shares = ["original_share", "copied_share", "credited_share", "uncredited_share"]
    assert arts.loc["broken.txt", shares].isna().all()
    outlets = run.tables.outlets.set_index("outlet")
    assert outlets.loc["unknown (broken.txt)", "words"] == 0
    assert outlets.loc["unknown (broken.txt)", shares].isna().all()
    assert outlets.loc["Paper", shares].notna().all()


def test_worker_processes_give_the_same_tables(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    one, two = audit([str(root)]), audit([str(root)], jobs=2)
    assert one.tables.passages.equals(two.tables.passages)
    assert one.tables.articles.equals(two.tables.articles)
    assert "TASS" in one.designated


def test_two_inputs_with_one_name_are_both_audited(tmp_path: Path) -> None:
    for folder, own in (("d1", OWN[0]), ("d2", OWN[1])):  # (one content twice: a duplicate)
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(" ".join(WIRE) + "\n\n" + own)
    run = audit([str(tmp_path / "d1" / "same.txt"), str(tmp_path / "d2" / "same.txt")])
    assert list(run.tables.articles.article) == ["same.txt", "same.txt~2"]
    assert set(run.tables.passages.article) == {"same.txt", "same.txt~2"}


TEASER = (
    "Read also: Engineers warn that the northern reservoir dam needs urgent repairs "
    "before the spring floods reach the valley towns."
)


@pytest.mark.parametrize("in_full", [True, False])
def test_copying_from_text_the_source_page_drops_is_found(tmp_path: Path, in_full: bool) -> None:
    """A designated source is matched in its whole file: a teaser its main text leaves
    out is still its text (``[audit] sources_in_full``)."""
    root = tmp_path / "c"
    write_corpus(root)
    (root / "wire.txt").write_text(" ".join(WIRE) + "\n\n" + TEASER + "\n")
    teaser = TEASER.removeprefix("Read also: ")
    (root / "sport.txt").write_text(" ".join(OTHER[:2]) + "\n\n" + teaser + "\n\n" + OTHER[3])
    settings = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, sources_in_full=in_full))
    run = audit([str(root)], settings=settings)
    wire = next(a for a in run.documents if a.path.endswith("wire.txt")).content
    p = run.tables.passages
    taken = p[(p.article == "sport.txt") & (p.source_article == "wire.txt")]
    if not in_full:
        assert taken.empty
        return
    assert len(taken) == 1
    row = taken.iloc[0]
    assert "northern reservoir dam" in row.source_text
    assert wire[int(row.source_file_start) : int(row.source_file_end)] == row.source_text
    assert row.source_start == row.source_end  # not in the wire's main text


def test_a_passages_texts_are_the_main_texts_it_spans_for_a_source_in_its_whole_file(
    tmp_path: Path,
) -> None:
    """A designated source copying an earlier one, both aligned in their whole files
    (``sources_in_full``), lines one newline apart: ``text`` was the file's ("feed.\\nMarket")
    while start/end index the main text ("feed.\\n\\nMarket"), so text was not
    texts/<article>.txt[start:end] (review W); nor was source_text its main text's span."""
    root = tmp_path / "c"
    root.mkdir()
    shared = [
        "The quota was first introduced in 2021 to stabilize domestic prices for bread and feed.",
        "Market participants have repeatedly called for it to be lifted, arguing it cuts incomes.",
    ]
    (root / "jun09.txt").write_text(
        "Russia sets grain export quota\n\nMOSCOW, June 9. /TASS/. "
        + "\n".join(shared)
        + "\nThe ministry said it will review the mechanism every year before the harvest.\n"
    )
    (root / "jun10.txt").write_text(
        "Russia to extend grain export quota\n\nMOSCOW, June 10. /TASS/. The government will"
        " extend the current grain export quota through the end of September, a deputy"
        " minister told reporters on Tuesday.\n\n" + "\n".join(shared) + "\n"
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\n"
        "jun09.txt,TASS,source,2025-06-09\n"
        "jun10.txt,TASS,source,2025-06-10\n"
    )
    run = audit([str(root)])
    texts = run.tables.texts
    rows = run.tables.passages.to_dict("records")
    assert [r["article"] for r in rows] == ["jun10.txt"]  # (the premise)
    for r in rows:
        assert r["text"] == texts[r["article"]][int(r["start"]) : int(r["end"])]
        source = texts[r["source_article"]]
        assert r["source_text"] == source[int(r["source_start"]) : int(r["source_end"])]
        assert "\n" in r["text"]  # (the premise: it spans two lines)


def test_an_alias_in_the_manifest_names_the_source_itself(tmp_path: Path) -> None:
    """ "ITAR-TASS" with no role is TASS, the designated source: the same audit as with
    its canonical name and role."""
    root = tmp_path / "c"
    write_corpus(root)
    expected = audit([str(root)]).tables
    manifest = (root / "manifest.csv").read_text()
    (root / "manifest.csv").write_text(
        manifest.replace("wire.txt,TASS,source", "wire.txt,ITAR-TASS,")
    )
    got = audit([str(root)]).tables
    assert got.articles.set_index("article").loc["wire.txt", "outlet"] == "TASS"
    assert got.articles.drop(columns="role").equals(expected.articles.drop(columns="role"))
    assert got.passages.equals(expected.passages)
    assert got.outlets.equals(expected.outlets)


def test_outlets_of_pages_the_manifest_leaves_unnamed(tmp_path: Path) -> None:
    """A page on a source's domain is that source's; the pages of one host share the
    site name most of them give; a page with neither has no known outlet."""

    def page(body: str, url: str, site: str | None = None) -> str:
        meta = f'<meta property="og:site_name" content="{site}">' if site else ""
        return (
            f'<html><head><title>t</title><link rel="canonical" href="{url}">{meta}</head>'
            f"<body><article><p>{body}</p></article></body></html>"
        )

    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.html").write_text(page(" ".join(WIRE), "https://tass.com/politics/1", "News"))
    (root / "a.html").write_text(
        page(" ".join(WIRE[:3]) + " " + OWN[0], "https://www.city.example/a", "City Post | Home")
    )
    (root / "b.html").write_text(page(" ".join(OTHER), "https://city.example/b"))
    (root / "c.html").write_text(page(" ".join(OWN[1:]), "https://other.example/c"))
    (root / "d.txt").write_text(" ".join(OTHER[:2]))
    run = audit([str(root)])
    outlets = run.tables.articles.set_index("article")["outlet"].to_dict()
    assert outlets == {
        "wire.html": "TASS",
        "a.html": "City Post",
        "b.html": "City Post",
        "c.html": "other.example",
        "d.txt": "unknown (d.txt)",
    }
    p = run.tables.passages
    taken = p[p.article == "a.html"]
    assert set(taken.source) == {"TASS"} and set(taken.direction) == {"designated-source"}


def test_dates_in_other_styles_give_the_same_audit(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    # paper and blog share text no source holds: their dates decide who took it
    (root / "paper.txt").write_text((root / "paper.txt").read_text() + "\n\n" + OWN[2])
    expected = audit([str(root)]).tables
    manifest = (root / "manifest.csv").read_text()
    for iso, other in (
        ("2025-06-01", "01.06.2025"),
        ("2025-06-02", '"June 2, 2025"'),
        ("2025-06-03", '"Tue, 03 Jun 2025 09:00:00 +0300"'),
    ):
        manifest = manifest.replace(iso, other)
    (root / "manifest.csv").write_text(manifest)
    got = audit([str(root)]).tables
    assert "earlier-date" in set(got.passages.direction)
    published = got.articles.set_index("article")["published"].to_dict()
    assert published["blog.txt"] == "2025-06-03T09:00:00+03:00"  # (an RSS date keeps its time)
    assert published["wire.txt"] == "2025-06-01" and published["paper.txt"] == "2025-06-02"
    assert got.articles.drop(columns="published").equals(
        expected.articles.drop(columns="published")
    )
    assert got.passages.equals(expected.passages)


def test_a_page_saved_twice_is_audited_once(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    expected = audit([str(root)]).tables
    (root / "paper-again.txt").write_bytes((root / "paper.txt").read_bytes())
    (root / "blog-again.txt").write_bytes((root / "blog.txt").read_bytes())
    manifest = (root / "manifest.csv").read_text()
    (root / "manifest.csv").write_text(manifest + "paper-again.txt,Paper,article,2025-06-04\n")
    got = audit([str(root)]).tables
    arts = got.articles.set_index("article")
    # the copy published first is the page (an undated one comes after a dated one)
    assert arts.loc["paper-again.txt", "status"] == "duplicate"
    assert arts.loc["blog-again.txt", "status"] == "duplicate"
    assert arts.loc[["paper.txt", "blog.txt"], "status"].tolist() == ["ok", "ok"]
    assert arts.loc["paper-again.txt", "words"] == 0
    assert got.passages.equals(expected.passages)
    # the same text under two outlets the manifest names is copying, not a duplicate
    (root / "manifest.csv").write_text(
        manifest + "paper-again.txt,Other Paper,article,2025-06-04\n"
    )
    arts = audit([str(root)]).tables.articles.set_index("article")
    assert arts.loc["paper-again.txt", "status"] == "ok"


def test_the_earlier_versions_of_an_article_at_one_address_are_duplicates(
    tmp_path: Path,
) -> None:
    """An outlet's story updated under its address (a feed emitting the correction again, a
    page saved again with other furniture): the two versions were two articles, the update
    the outlet's uncredited copy of itself.  The latest is audited, under the first one's
    name; texts that only share an address a scraper gave them all are all audited."""
    root = tmp_path / "c"
    root.mkdir()
    story = " ".join(WIRE)
    lines = [  # (11:00 in Moscow, then 09:30 in UTC: the second is the later)
        {
            "url": "https://paper.example/water?utm_source=rss",
            "outlet": "Paper",
            "published": "2025-06-03T11:00:00+03:00",
            "text": story,
        },
        {
            "url": "https://www.paper.example/water/",
            "outlet": "Paper",
            "published": "2025-06-03T09:30:00+00:00",
            "text": story + " " + OWN[0],
        },
        {"url": "https://paper.example/", "outlet": "Paper", "text": " ".join(OTHER)},
        {"url": "https://paper.example/", "outlet": "Paper", "text": " ".join(OWN)},
    ]
    feed = root / "paper.jsonl"
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    a = audit([str(root)]).tables.articles.set_index("article")
    assert sorted(a.status) == ["duplicate", "ok", "ok", "ok"]
    dated = a[a.published.astype(str).str.startswith("2025-06-0")]
    (kept,) = dated.index[dated.status == "ok"]
    assert a.loc[kept, "published"].endswith("+00:00") and a.loc[kept, "copied_share"] == 0
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines[::-1]), encoding="utf-8")
    again = audit([str(root)]).tables.articles.set_index("article")
    assert again.loc[kept, "published"].endswith("+00:00")
    # a section's address every day's brief is given, the briefs alike but for figures
    brief = "The ruble traded at {} per dollar on the exchange, the central bank said. " * 3
    days = [
        {
            "url": "https://paper.example/rates",
            "outlet": "Paper",
            "published": f"2025-06-0{d}",
            "title": f"Ruble rates on June {d}",
            "text": brief.replace("{}", f"7{d}.50"),
        }
        for d in (4, 5)
    ]
    feed.write_text("".join(json.dumps(x) + "\n" for x in days), encoding="utf-8")
    assert set(audit([str(root)]).tables.articles.status) == {"ok"}
    # an update after midnight, its headline updated too, is a version still (review M)
    update = [
        {
            "url": "https://paper.example/blast",
            "outlet": "Paper",
            "published": when,
            "title": title,
            "text": text,
        }
        for when, title, text in (
            ("2025-06-04T23:50:00+03:00", "Blast kills three", story),
            ("2025-06-05T00:20:00+03:00", "Blast kills five", story + " " + OWN[1]),
        )
    ]
    feed.write_text("".join(json.dumps(x) + "\n" for x in update), encoding="utf-8")
    assert sorted(audit([str(root)]).tables.articles.status) == ["duplicate", "ok"]


def test_an_outlet_spelt_in_other_cases_is_one_outlet(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    (root / "paper2.txt").write_text(" ".join(OTHER[2:]) + "\n\n" + OWN[1])
    manifest = (
        (root / "manifest.csv").read_text().replace("sport.txt,Sport Daily", "sport.txt,PAPER")
    )
    (root / "manifest.csv").write_text(manifest + "paper2.txt,paper ,article,2025-06-05\n")
    run = audit([str(root)])
    arts = run.tables.articles.set_index("article")
    assert set(arts.loc[["paper.txt", "paper2.txt", "sport.txt"], "outlet"]) == {"PAPER"}
    assert run.tables.outlets.set_index("outlet").loc["PAPER", "articles"] == 3


def test_an_outlet_named_by_its_web_host_is_the_outlet_its_addresses_are_named(
    tmp_path: Path,
) -> None:
    """A page without a site name is named by its host ("paper.example"); the manifest names
    "Paper" a file at that address, so both are one outlet.  A host no named file is at stays
    a host, though a name spells it ("sport.example" and "Sport"): the address is the
    evidence, not the spelling (a clone site, a namesake abroad)."""
    root = tmp_path / "c"
    write_corpus(root)
    html = '<html><head><title>t</title><link rel="canonical" href="{}"></head><body>'
    html += "<article><p>{}</p></article></body></html>"
    (root / "page.html").write_text(html.format("https://www.paper.example/n/1", OWN[2]))
    (root / "other.html").write_text(html.format("https://sport.example/1", OTHER[1]))
    manifest = (root / "manifest.csv").read_text().splitlines()
    manifest = [manifest[0] + ",url"] + [
        row + (",https://paper.example/n/0" if row.startswith("paper.txt") else ",")
        for row in manifest[1:]
    ]
    (root / "manifest.csv").write_text("\n".join([*manifest, "x.txt,Sport,article,,"]) + "\n")
    (root / "x.txt").write_text(" ".join(OWN[:2]))
    run = audit([str(root)])
    outlets = run.tables.articles.set_index("article")["outlet"]
    assert outlets["page.html"] == "Paper"
    assert run.tables.outlets.set_index("outlet").loc["Paper", "articles"] == 2
    assert outlets["other.html"] == "sport.example"


def test_a_host_two_outlets_are_named_at_names_neither() -> None:
    from provenance.extract import _hosts_named
    from provenance.models import Document

    def doc(outlet: str, url: str = "") -> Document:
        return Document(path=outlet, id=outlet + url, kind="text", outlet=outlet, url=url)

    docs = [doc("daily8.com"), doc("Daily8", "https://www.daily8.com/a"), doc("pravda.com.ua")]
    docs += [doc("Pravda", "https://pravda.ru/1"), doc("themoscowtimes.ltd")]
    assert _hosts_named(docs) == {"daily8.com": "Daily8"}
    assert _hosts_named([*docs, doc("Daily 8 News", "https://daily8.com/b")]) == {}
    assert _hosts_named([*docs, doc("daily8", "https://daily8.com/b")]) == {"daily8.com": "Daily8"}


def test_which_copy_of_a_page_is_kept(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    for name in ("a-wire.txt", "paper-x.txt", "paper-y.txt"):
        source = "wire.txt" if name == "a-wire.txt" else "paper.txt"
        (root / name).write_bytes((root / source).read_bytes())
    manifest = (root / "manifest.csv").read_text()
    (root / "manifest.csv").write_text(
        manifest
        + "a-wire.txt,,article,2025-05-01\n"  # earlier, first by name: still not the source
        + "paper-x.txt,Other Paper,article,2025-06-09\n"
        + "paper-y.txt,,article,2025-05-01\n"  # the earliest copy, but no outlet named
    )
    arts = audit([str(root)]).tables.articles.set_index("article")["status"].to_dict()
    assert arts["wire.txt"] == "ok" and arts["a-wire.txt"] == "duplicate"
    # two outlets publish the same text: both audited; the unnamed copy is one of them
    assert arts["paper.txt"] == arts["paper-x.txt"] == "ok"
    assert arts["paper-y.txt"] == "duplicate"


def test_the_copy_the_manifest_calls_the_source_is_kept(tmp_path: Path) -> None:
    """A stray copy of the source's article, of the source's outlet but not marked as its
    source text (first by name, dated earlier), does not displace the one that is."""
    root = tmp_path / "c"
    write_corpus(root)
    (root / "0-copy.txt").write_bytes((root / "wire.txt").read_bytes())
    manifest = (root / "manifest.csv").read_text()
    (root / "manifest.csv").write_text(manifest + "0-copy.txt,TASS,article,2025-05-01\n")
    arts = audit([str(root)]).tables.articles.set_index("article")
    assert arts.loc["wire.txt", ["status", "role"]].tolist() == ["ok", "source"]
    assert arts.loc["0-copy.txt", "status"] == "duplicate"


def test_a_source_copy_with_no_outlet_is_kept_against_a_named_one(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_corpus(root)
    (root / "wire-again.txt").write_bytes((root / "wire.txt").read_bytes())
    manifest = (
        (root / "manifest.csv").read_text().replace("wire.txt,TASS,source", "wire.txt,,source")
    )
    (root / "manifest.csv").write_text(manifest + "wire-again.txt,Daily8,article,2025-05-01\n")
    arts = audit([str(root)]).tables.articles.set_index("article")["status"].to_dict()
    assert arts["wire.txt"] == "ok" and arts["wire-again.txt"] == "ok"  # Daily8 published it too


def test_a_source_named_on_the_command_line_is_designated_and_a_typo_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_corpus(tmp_path / "c")
    p = audit([str(tmp_path / "c")], sources=["paper"]).tables.passages
    blog = p[(p.article == "blog.txt") & (p.source_article == "paper.txt")]
    assert set(blog.direction) == {"designated-source"}
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    audit([str(tmp_path / "c")], sources=["Papr"])
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith("--source 'Papr' names no outlet of the corpus and no known source")


@pytest.mark.parametrize("source_credits_tass", [True, False])
def test_a_rewording_credited_to_tass_of_a_sources_tass_material_is_tass(
    tmp_path: Path, source_credits_tass: bool
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    told = ", he told the TASS news agency." if source_credits_tass else "."
    (root / "mt.txt").write_text(
        "The regional governor said on Tuesday that the new bridge across the river would open"
        " in the spring, after two years of delays caused by a shortage of steel and a dispute"
        f" with the contractor{told}\n\nHe added that the toll for lorries would be lowered by"
        " a third to help farmers in the north bring their grain to the port.\n\nLocal"
        " residents have waited for the crossing since the old ferry was closed in a storm."
    )
    (root / "paper.txt").write_text(
        "On Tuesday the regional governor said the new river bridge would open in spring after"
        " delays of two years, which were caused by a steel shortage and by a dispute with its"
        " contractor, according to TASS.\n\nThe governor added that the toll for lorries would"
        " be lowered by a third, to help the farmers in the north bring grain to the port.\n\n"
        "Our correspondent visited the site and saw workers painting the railings."
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role\nmt.txt,The Moscow Times,source\npaper.txt,Paper,article\n"
    )
    p = audit([str(root)]).tables.passages
    (row,) = p.to_dict("records")
    if source_credits_tass:  # both have it from TASS: no copying from The Moscow Times
        assert (row["source"], row["direction"], row["credited"]) == (
            "TASS",
            "credited-upstream",
            True,
        )
    else:  # a rewording of The Moscow Times, whatever the paper credits
        assert (row["source"], row["kind"], row["credited"]) == (
            "The Moscow Times",
            "paraphrase",
            False,
        )


def test_paragraphs_copied_around_a_left_out_one_are_two_verbatim_passages(
    tmp_path: Path,
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    first, left_out, last = " ".join(WIRE[:2]), " ".join(WIRE[2:4]), " ".join(OTHER[:2])
    (root / "early.txt").write_text(f"{first}\n\n{left_out}\n\n{last}\n")
    (root / "late.txt").write_text(f"{first}\n\n{last}\n\n{OWN[0]}\n")
    (root / "manifest.csv").write_text(
        "file,outlet,date\nearly.txt,Early,2025-06-01\nlate.txt,Late,2025-06-02\n"
    )
    p = audit([str(root)]).tables.passages
    assert list(zip(p.text, p.source_text, p.kind, strict=True)) == [
        (first, first, "verbatim"),
        (last, last, "verbatim"),
    ]
    # undated, each is listed for both, the left-out paragraph in neither
    (root / "manifest.csv").write_text("file,outlet\nearly.txt,Early\nlate.txt,Late\n")
    p = audit([str(root)]).tables.passages
    assert sorted(p.text) == sorted([first, last, first, last])
    assert set(p.direction) == {"order-unknown"} and set(p.kind) == {"verbatim"}


def test_an_article_crediting_the_outlet_it_shares_material_with_is_not_uncredited(
    tmp_path: Path,
) -> None:
    root = tmp_path / "c"
    without_the_wire(root, " ".join(WIRE[:3]) + ", according to Paper Times.\n\n" + OWN[2])
    manifest = (root / "manifest.csv").read_text().replace(",Paper,", ",Paper Times,")
    (root / "manifest.csv").write_text(manifest)
    run = audit([str(root)])
    p = run.tables.passages
    assert set(p[p.article == "blog.txt"].credited) == {True}  # it names its source
    assert not (p.direction == "credited-elsewhere").any()
    assert run.tables.articles.set_index("article").loc["blog.txt", "uncredited_share"] == 0.0


def test_a_sources_tass_credit_covers_its_paragraph_and_the_next_only(tmp_path: Path) -> None:
    """The Moscow Times credits TASS for Novikov's words, not for its own analysis and
    its exclusive after them: a paraphrase of all three is The Moscow Times'."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "mt.txt").write_text(
        "Russia could offer asylum to Musk, lawmaker says\n\n"
        "Dmitry Novikov, first deputy chairman of the State Duma's International Affairs"
        " Committee, made the remarks in comments to TASS on Friday, saying Russia could grant"
        " Musk asylum if he asked.\n\nAnalysts in Moscow see the offer as a publicity stunt"
        " aimed at embarrassing the White House, and note that the Kremlin has used similar"
        " gestures before with Edward Snowden.\n\nThe Moscow Times has learned that the"
        " Foreign Ministry was not consulted before the lawmaker spoke, according to two"
        " officials familiar with the matter.\n"
    )
    (root / "a.txt").write_text(
        "Duma deputy floats asylum for Musk\n\nDmitry Novikov, first deputy head of the Duma's"
        " International Affairs Committee, said on Friday that Russia might give Musk asylum"
        " if he asked for it, according to TASS.\n\nMoscow analysts regard the offer as a"
        " publicity stunt meant to embarrass the White House, noting that the Kremlin used a"
        " similar gesture before with Edward Snowden.\n\nIt has emerged that the Foreign"
        " Ministry was not consulted before the lawmaker made his remarks, two officials"
        " familiar with the matter said.\n\nMusk has not commented on the offer.\n"
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role\nmt.txt,The Moscow Times,source\na.txt,Example Gazette,article\n"
    )
    p = audit([str(root)]).tables.passages
    assert set(p.source) == {"The Moscow Times"} and not p.credited.any()


def _html_page(title: str, published_head: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{published_head}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize("where", ["meta", "json-ld"])
def test_html_publication_times_decide_the_order_in_utc(tmp_path: Path, where: str) -> None:
    """A page published at 23:30 on the 20th in New York (04:30 UTC on the 21st) came after
    one published at 02:00 on the 21st in Moscow (23:00 UTC on the 20th): the time and zone
    a page's metadata gives are kept, not cut to the day as written."""

    def head(stamp: str) -> str:
        if where == "meta":
            return f'<meta property="article:published_time" content="{stamp}">'
        return (  # (the page's @graph holds an older WebPage date too: the article's counts)
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage",'
            ' "datePublished": "2019-03-01T00:00:00Z"}, {"@type": "NewsArticle",'
            f' "datePublished": "{stamp}"}}]}}</script>'
        )

    root = tmp_path / "c"
    root.mkdir()
    (root / "late.html").write_text(
        _html_page("Water law passed", head("2025-05-20T23:30:00-05:00"), [*WIRE[:3], OWN[0]])
    )
    (root / "early.html").write_text(
        _html_page("Parliament passes water law", head("2025-05-21T02:00:00+03:00"), WIRE[:4])
    )
    run = audit([str(root)])
    arts = run.tables.articles.set_index("article")
    assert arts.loc["late.html", "published"] == "2025-05-20T23:30:00-05:00"
    p = run.tables.passages
    assert len(p) and set(p.article) == {"late.html"} and set(p.direction) == {"earlier-date"}


def test_a_designated_sources_article_is_listed_as_source_text(tmp_path: Path) -> None:
    """An article whose outlet is a designated source is audited as source text: its row says
    so, even when nothing marked its role (no manifest, or the default role)."""
    root = tmp_path / "c"
    write_corpus(root)
    manifest = (root / "manifest.csv").read_text().replace("wire.txt,TASS,source", "wire.txt,TASS,")
    (root / "manifest.csv").write_text(manifest)
    arts = audit([str(root)]).tables.articles.set_index("article")
    assert arts.loc["wire.txt", "role"] == "source"
    assert arts.loc["paper.txt", "role"] == "article"


def test_a_source_reworded_word_by_word_is_found_through_its_word_pairs(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(
        "Grain exports through the Caspian ports rose sharply last year, officials said. "
        "The ministers agreed to expand the terminal capacity in Aktau by next summer. "
        "Railway tariffs for grain cargoes will fall next spring, the ministry added. "
        "Traders expect record harvest volumes across the northern regions this autumn."
    )
    (root / "copy.txt").write_text(
        "Last year grain exports rose sharply through Caspian ports, officials said. "
        "By next summer in Aktau the ministers agreed terminal capacity would expand. "
        "Next spring railway tariffs will fall for grain cargoes, the ministry added. "
        "Record harvest volumes are what traders expect this autumn across northern regions."
    )
    (root / "manifest.csv").write_text("file,outlet,role\nwire.txt,TASS,source\ncopy.txt,Blog,\n")

    def found(reworded: int) -> bool:
        align = dataclasses.replace(DEFAULTS.align, min_shared=4, reworded_min_shared=reworded)
        p = audit([str(root)], settings=DEFAULTS.replace(align=align)).tables.passages
        return bool(((p.article == "copy.txt") & (p.source_article == "wire.txt")).any())

    assert found(8) and not found(0)


def test_a_misquotation_of_a_source_is_found_though_it_shares_few_ngrams(tmp_path: Path) -> None:
    """A quotation in other words shares no run of three content words with the source, so
    the index does not pair the two articles; the speaker and the quoted words do."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(
        "The Kremlin sees no grounds for optimism about the next round of talks, Kremlin"
        " Spokesman Dmitry Peskov told reporters on Tuesday.\n\n"
        '"We are not inclined to make any forecasts. The process is complicated, and it would'
        ' be wrong to expect quick breakthroughs," Peskov said.\n\n' + " ".join(WIRE)
    )
    (root / "paper.txt").write_text(
        "The Kremlin has again played down hopes for a settlement, in remarks that analysts"
        " read as a signal that Moscow is in no hurry.\n\n"
        '"We are not making any forecasts. The process is very difficult and there will be no'
        ' breakthroughs," Peskov said on Tuesday.\n\n' + " ".join(OTHER)
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-10\n"
        "paper.txt,Paper,article,2025-06-11\n"
    )
    tables = audit([str(root)]).tables
    p = tables.passages
    assert list(p.article) == ["paper.txt"] and bool(p.altered_quote.iloc[0])
    assert tables.articles.set_index("article").loc["paper.txt", "altered_quotes"] == 1


def test_a_story_more_outlets_carry_than_the_index_cap_is_found_in_every_copy(
    tmp_path: Path,
) -> None:
    """The index leaves out n-grams more documents hold than its cap (common phrases), so a
    wire story more outlets carry than that was found in none of them; each copy is the
    wire's passage now. A disclaimer all the outlets print, which the wire does not, is no
    copying of anyone's (paired with a hub outlet, it was)."""
    root = tmp_path / "c"
    root.mkdir()
    rows = ["file,outlet,role,published"]
    story = "\n\n".join(" ".join(WIRE[k : k + 3]) for k in range(0, len(WIRE), 3))
    (root / "wire.txt").write_text(story + "\n")
    rows.append("wire.txt,TASS,source,2025-06-01")
    notice = " ".join(OTHER)  # (printed by every outlet, under every article)
    for k in range(8):
        own = " ".join(f"local{k}word{j}" for j in range(12)).capitalize() + "."
        (root / f"o{k}.txt").write_text(f"Outlet {k} desk\n\n{own}\n\n{story}\n\n{notice}\n")
        rows.append(f"o{k}.txt,Outlet{k},article,2025-06-0{2 + k % 3}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")

    def run(common: int) -> tuple[list[float], set[str]]:
        align = dataclasses.replace(
            DEFAULTS.align, index_max_df=3, index_max_df_share=0.0, common_min_shared=common
        )
        tables = audit([str(root)], settings=DEFAULTS.replace(align=align)).tables
        a = tables.articles.set_index("article").loc[[f"o{k}.txt" for k in range(8)]]
        assert common == 0 or set(a.top_source) == {"TASS"}
        return a["uncredited_share"].tolist(), set(tables.passages.source)

    shares, sources = run(4)
    assert min(shares) > 0.4 and sources == {"TASS"}
    assert max(run(0)[0]) == 0.0  # (the cap alone: found in none)


def test_an_outlet_reusing_its_own_paragraph_took_it_from_nobody(tmp_path: Path) -> None:
    """Two articles of one outlet sharing a background paragraph: with ``[audit]
    same_outlet = false``, no passage (the outlet 'copied' 33% of an article from itself,
    uncredited); another outlet's copy of the paragraph is still its copy. The default
    compares the two (outlet names are not always reliable enough to leave pairs out)."""
    root = tmp_path / "c"
    root.mkdir()
    background = " ".join(WIRE[:4])
    (root / "a1.txt").write_text(f"First\n\n{OTHER[0]} {OTHER[1]}\n\n{background}\n")
    (root / "a2.txt").write_text(f"Second\n\n{OTHER[2]} {OTHER[3]}\n\n{background}\n")
    (root / "b1.txt").write_text(f"Third\n\n{OWN[0]} {OWN[1]}\n\n{background}\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\na1.txt,Alpha,,2025-06-01\na2.txt,The Alpha,,2025-06-03\n"
        "b1.txt,Beta,,2025-06-04\n"
    )

    def sources(same: bool) -> set[tuple[str, str]]:
        settings = DEFAULTS.replace(audit=dataclasses.replace(DEFAULTS.audit, same_outlet=same))
        p = audit([str(root)], settings=settings).tables.passages
        return set(zip(p.article, p.source_article, strict=True))

    assert sources(False) == {("b1.txt", "a1.txt"), ("b1.txt", "a2.txt")}
    assert sources(True) == {("a2.txt", "a1.txt"), ("b1.txt", "a1.txt"), ("b1.txt", "a2.txt")}


def test_a_later_copy_crediting_the_absent_source_its_earlier_copy_credits_is_credited(
    tmp_path: Path,
) -> None:
    """Three copies crediting TASS (absent), a day apart: the latest was an uncredited copy
    of the one before (it credits TASS, not that outlet), and --alert-uncredited fired. A
    later copy that credits nobody is still the earlier outlet's uncredited copy."""
    root = tmp_path / "c"
    root.mkdir()
    story = "\n\n".join(" ".join(WIRE[k : k + 2]) for k in range(0, len(WIRE), 2))
    rows = ["file,outlet,role,published"]
    desks = ["From our Moscow bureau", "World news in brief", "Regional roundup", "Today"]
    for k in range(4):  # (the last, crediting nobody, dated as the second)
        credit = "According to TASS, " if k < 3 else ""
        (root / f"c{k}.txt").write_text(f"{desks[k]}\n\n{credit}{story}\n")
        rows.append(f"c{k}.txt,Paper{k},article,2025-06-0{5 + k if k < 3 else 6}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    a = audit([str(root)]).tables.articles.set_index("article")
    credited = a.loc[["c0.txt", "c1.txt", "c2.txt"]]
    assert (credited.credited_share > 0.8).all() and (credited.uncredited_share < 0.1).all()
    assert set(credited.top_source) == {"TASS"}
    assert a.loc["c3.txt", "uncredited_share"] > 0.8


def test_a_reprint_crediting_the_wire_is_credited_for_what_an_earlier_reprint_relays(
    tmp_path: Path,
) -> None:
    """The wire (in the corpus) and two reprints a day apart, each crediting TASS: the later
    one's paragraphs, listed against the earlier reprint too (a chain), were uncredited
    copying from it, counted among the run's new uncredited passages, though it credits
    where the material first appeared.  A later reprint crediting nobody stays uncredited."""
    root = tmp_path / "c"
    root.mkdir()
    story = [" ".join(WIRE[:2]), " ".join(WIRE[2:4])]
    (root / "wire.txt").write_text("\n\n".join(story) + "\n")
    (root / "first.txt").write_text(f"{story[0]} (TASS)\n\n{story[1]}\n")
    (root / "second.txt").write_text(f"According to TASS, {story[0]}\n\n{story[1]}\n")
    (root / "third.txt").write_text("\n\n".join(story) + "\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "first.txt,PaperA,,2025-06-06\nsecond.txt,PaperB,,2025-06-07\n"
        "third.txt,PaperC,,2025-06-08\n"
    )
    p = audit([str(root)]).tables.passages
    relayed = p[(p.article == "second.txt") & (p.source_article == "first.txt")]
    assert len(relayed) >= 1 and set(relayed.origin) == {"TASS"}
    assert set(relayed.credited) == {True}
    assert set(p[p.article == "second.txt"].credited) == {True}
    third = p[p.article == "third.txt"]
    assert len(third) >= 2 and set(third.credited) == {False}


def test_a_relays_own_sentence_copied_with_a_credit_to_the_wire_stays_uncredited(
    tmp_path: Path,
) -> None:
    """A reprint of the wire with a sentence of its own reporting in the paragraph, copied
    word for word a day later by an outlet crediting only TASS: the copied row was credited
    whole, the relay's own sentence too, and nothing alerted (review L)."""
    root = tmp_path / "c"
    root.mkdir()
    own = (
        "Shipping agents in the port told the Courier that freight rates on the route had "
        "jumped by a fifth since the start of the month."
    )
    (root / "wire.txt").write_text(" ".join(WIRE[:2]) + "\n\n" + " ".join(WIRE[2:4]) + "\n")
    relay = f"{WIRE[0]} {own} {WIRE[1]}\n\n" + " ".join(WIRE[2:4]) + "\n"
    (root / "first.txt").write_text(relay)
    (root / "second.txt").write_text("According to TASS, " + relay)
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "first.txt,Courier,,2025-06-06\nsecond.txt,Post,,2025-06-07\n"
    )
    a = audit([str(root)]).tables.articles.set_index("article")
    assert a.loc["second.txt", "uncredited_share"] > 0.1


def test_a_live_blogs_entry_is_not_credited_by_another_entrys_credit(tmp_path: Path) -> None:
    """A live blog's entries under their times (furniture the extractor removes): the
    ministry's statement in the later entry, credited to TASS, credited the earlier entry's
    uncredited copy of another TASS story of the ministry's, the entry times gone from the
    text the credits are read in."""
    root = tmp_path / "c"
    root.mkdir()
    swap = (
        "Russia and Ukraine have carried out another exchange of prisoners of war, the "
        "Defense Ministry said on Thursday. The servicemen returned home are now receiving "
        "medical and psychological assistance in a neighbouring country, the ministry added."
    )
    drones = (
        "Air defense forces intercepted and destroyed forty-eight fixed-wing drones over "
        "the southern regions overnight, the Defense Ministry said. Most of them were "
        "downed over the border areas, where several houses were damaged by debris."
    )
    (root / "swap.txt").write_text(f"Prisoner exchange\n\n{swap}\n")
    (root / "drones.txt").write_text(f"Drones downed\n\n{drones}\n")
    credited = drones.replace(
        "the Defense Ministry said.", "the Defense Ministry said, according to TASS."
    )
    (root / "blog.txt").write_text(
        f"War live: the latest\n\n15:02 BST\n{swap}\n\n09:30 BST\n{credited}\n"
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nswap.txt,TASS,source,2025-06-19\n"
        "drones.txt,TASS,source,2025-06-19\nblog.txt,Herald,,2025-06-20\n"
    )
    p = audit([str(root)]).tables.passages
    blog = p[p.article == "blog.txt"].set_index("source_article")
    assert blog.loc["drones.txt", "credited"]
    assert not blog.loc["swap.txt", "credited"]


@pytest.mark.parametrize("byline", ["By TASS", "By Anna Petrova"])
def test_a_reprint_under_the_wires_byline_is_credited(tmp_path: Path, byline: str) -> None:
    """A reprint signed "By TASS" (the page's author the agency): the byline says whose
    text it is, as a copyright line does; it was uncredited copying.  A reporter's byline
    credits nobody."""
    root = tmp_path / "c"
    root.mkdir()
    story = "\n\n".join(" ".join(WIRE[k : k + 2]) for k in range(0, len(WIRE), 2))
    (root / "wire.txt").write_text(story + "\n")
    (root / "paper.html").write_text(
        f"<html><head><title>Water law passed</title><meta name='author' content='{byline[3:]}'>"
        f"</head><body><article><h1>Water law passed</h1><p class='byline'>{byline}</p>"
        + "".join(f"<p>{para}</p>" for para in story.split("\n\n"))
        + "</article></body></html>"
    )
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "paper.html,Paper,,2025-06-06\n"
    )
    a = audit([str(root)]).tables.articles.set_index("article")
    credited = bool(a.loc["paper.html", "credited_share"] > 0.8)
    assert credited is (byline == "By TASS")


def test_same_day_copies_of_the_wire_list_only_what_the_wire_does_not_hold(
    tmp_path: Path,
) -> None:
    """Two same-day copies of the wire, which also share a sentence of their own: the pair
    is compared for that sentence; the paragraphs both have from the wire are listed
    against the wire only, not again between the two (order-unknown)."""
    root = tmp_path / "c"
    root.mkdir()
    said = '"We will not raise water tariffs for households this year," the governor said.'
    paragraphs = [" ".join(WIRE[:2]), said, " ".join(WIRE[2:4]), WIRE[4]]
    (root / "wire.txt").write_text("\n\n".join(paragraphs) + "\n")
    extra = " ".join(OWN)
    for name in ("a", "b"):
        (root / f"{name}.txt").write_text("\n\n".join([*paragraphs[:-1], extra]) + "\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "a.txt,PaperA,,2025-06-06\nb.txt,PaperB,,2025-06-06\n"
    )
    p = audit([str(root)]).tables.passages
    between = p[p.direction == "order-unknown"]
    assert set(between.article) == {"a.txt", "b.txt"}
    for row in between.itertuples():
        assert OWN[0][:40] in row.text  # (each holds the shared sentence of their own)
    wire = p[p.source == "TASS"]
    assert len(between) == 2 and len(wire) >= 2


def test_articles_csv_names_each_articles_text_file(tmp_path: Path) -> None:
    """story.txt, story.html and story.htm share one name without their suffixes: texts/
    story.txt held another article's text, and nothing said which file was whose."""
    from provenance.report import write_reports

    root = tmp_path / "c"
    root.mkdir()
    (root / "story.txt").write_text(" ".join(WIRE) + "\n")
    (root / "story.html").write_text(
        "<html><head><title>T</title></head><body><article>"
        + "".join(f"<p>{s} {s}</p>" for s in OWN)
        + "</article></body></html>"
    )
    (root / "story.htm").write_text(
        "<html><body><article>"
        + "".join(f"<p>{s} {s}</p>" for s in OTHER)
        + "</article></body></html>"
    )
    tables = audit([str(root)]).tables
    write_reports(tables, tmp_path / "r")
    rows = list(csv.DictReader((tmp_path / "r" / "articles.csv").open(encoding="utf-8")))
    files = {r["article"]: r["text_file"] for r in rows}
    assert sorted(files) == ["story.htm", "story.html", "story.txt"]
    assert len(set(files.values())) == 3
    for article, rel in files.items():
        text = (tmp_path / "r" / rel).read_text(encoding="utf-8")
        assert text == tables.texts[article] and text.strip()


def test_a_shared_paragraph_beyond_the_source_keeps_its_order_unknown_row() -> None:
    """An order-unknown row 94% of which both have from the wire, and a 35-word paragraph
    the wire does not have: it was dropped with the rest (the 80% rule), and what the two
    outlets share beyond the source went unlisted. A few words left over still go."""
    from types import SimpleNamespace

    from provenance.pipeline import _beyond_sources

    entries = {"w": SimpleNamespace(designated=True), "a": SimpleNamespace(designated=False)}
    aligner = SimpleNamespace(entries=entries)
    wire = {"article": "b", "source_article": "w", "direction": "designated-source"}
    rows = [
        {**wire, "start": 0, "end": 3000},
        {
            "article": "b",
            "source_article": "a",
            "direction": "order-unknown",
            "start": 0,
            "end": 3200,
        },
        {
            "article": "b",
            "source_article": "a",
            "direction": "order-unknown",
            "start": 0,
            "end": 3040,
        },
    ]
    kept = _beyond_sources(rows, aligner)  # type: ignore[arg-type]
    assert [(r["direction"], r["end"]) for r in kept] == [
        ("designated-source", 3000),
        ("order-unknown", 3200),
    ]


def test_a_reprint_under_the_sources_copyright_line_is_credited(tmp_path: Path) -> None:
    """ "\u00a9 2025 TASS. All rights reserved." under a reprint, removed as furniture, credits
    TASS for the text; a photo credit "\u00a9 TASS / ..." credits a picture, not the text."""
    root = tmp_path / "c"
    write_corpus(root)
    own = "Our reporter asked the district council when the first station will be replaced."
    body = "\n\n" + " ".join(WIRE[:4]) + "\n\n"
    (root / "reprint.txt").write_text(own + body + "\u00a9 2025 TASS. All rights reserved.\n")
    (root / "pictured.txt").write_text(OTHER[3] + body + "\u00a9 TASS / Ivan Petrov\n")
    manifest = (root / "manifest.csv").read_text()
    (root / "manifest.csv").write_text(
        manifest + "reprint.txt,Reprints,article,2025-06-04\npictured.txt,Pics,article,2025-06-04\n"
    )
    tables = audit([str(root)]).tables
    arts = tables.articles.set_index("article")
    assert 0.5 < arts.loc["reprint.txt", "copied_share"] < 1
    assert arts.loc["reprint.txt", "credited_share"] == arts.loc["reprint.txt", "copied_share"]
    rows = tables.passages[tables.passages["article"] == "reprint.txt"]
    rows = rows[rows["source"] == "TASS"]
    assert rows["credited"].all() and len(rows) > 0
    assert set(rows["credit_text"]) == {"\u00a9 2025 TASS. All rights reserved."}
    assert arts.loc["pictured.txt", "credited_share"] == 0.0
    assert arts.loc["pictured.txt", "uncredited_share"] > 0.5
    # not a copyright line between paragraphs (a photo's), nor one ending a feed of TASS's
    # headlines beside the article
    pictured = " ".join(WIRE[:2]) + "\n\n\u00a9 TASS, 2025\n\n" + " ".join(WIRE[2:4])
    (root / "reprint.txt").write_text(own + "\n\n" + pictured + "\n")
    feed = "Share this article\n\nTASS news feed\nPutin to meet Xi\nRuble firms\n\u00a9 2025 TASS\n"
    (root / "pictured.txt").write_text(OTHER[3] + body + feed)
    arts = audit([str(root)]).tables.articles.set_index("article")
    assert arts.loc[["reprint.txt", "pictured.txt"], "credited_share"].tolist() == [0.0, 0.0]
    # an HTML page's copyright line inside the article, which stays in its main text
    paras = "".join(f"<p>{x}</p>" for x in [own, " ".join(WIRE[:4]), "\u00a9 2025 TASS"])
    (root / "page.html").write_text(f"<html><body><article>{paras}</article></body></html>")
    with (root / "manifest.csv").open("a") as fh:
        fh.write("page.html,Pages,article,2025-06-04\n")
    arts = audit([str(root)]).tables.articles.set_index("article")
    assert arts.loc["page.html", "copied_share"] > 0.5
    assert arts.loc["page.html", "credited_share"] == arts.loc["page.html", "copied_share"]


FLOOD_WIRE = """KURGAN, April 8. /TASS/. The death toll from the spring floods in the Kurgan region has \
risen to six, the press service of the regional department of the Russian Emergencies Ministry told \
TASS on Tuesday.

As of Tuesday morning, 1,840 residential houses and 3,120 household plots remained flooded in 27 \
settlements of the region. More than 4,200 people, including 960 children, have been evacuated, and \
38 temporary accommodation centers have been deployed.

The water level in the Tobol River near the city of Kurgan rose by 34 centimeters over the past day \
and reached 9.87 meters, which is 1.4 meters above the dangerous mark. Forecasters expect the peak \
of the flood in the regional center between April 10 and 12.

Regional Governor Vadim Shumkov said that residents of the low-lying districts of Kurgan should \
leave their homes in advance, he wrote on his Telegram channel.

Over 2,500 rescuers and 640 pieces of equipment are involved in the flood response, including \
Emergencies Ministry aircraft. A federal emergency regime was declared in the region on April 5.

Affected residents will receive one-time payments of 10,000 rubles, and those who lost their \
property completely will be paid up to 100,000 rubles, the regional government said.
"""

FLOOD_STORY = [
    "Floods in Russia's Kurgan region have killed six people, emergency officials said on "
    "Tuesday, as the Tobol River rose more than a meter above the danger level near the "
    "regional capital.",
    "About 2,500 emergency workers, backed by aircraft and some 640 vehicles, were deployed, "
    "the ministry said. Moscow declared a federal emergency in the region on April 5, freeing "
    "up central government funds.",
    "The region suffered severe flooding two years ago, when a dam breach in a neighbouring "
    "province and high water forced tens of thousands from their homes. Climate scientists "
    "have linked the growing frequency of such spring floods to warmer winters with heavier "
    "snowfall.",
    "Authorities in Kurgan said 1,840 houses were flooded in 27 towns and villages and that "
    "more than 4,200 people, including 960 children, had been evacuated. The crest is expected "
    "in the city of Kurgan between April 10 and April 12.",
    "Governor Vadim Shumkov told residents of low-lying parts of the city to leave their homes "
    "before the water arrived, and the regional government said households hit by the floods "
    "would receive one-off payments of 10,000 rubles.",
]


def audit_flood_copy(tmp_path: Path, story: str) -> pd.DataFrame:
    """The passages of an audit of FLOOD_WIRE (TASS) and ``story`` (Paper, paper.txt)."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(FLOOD_WIRE)
    (root / "paper.txt").write_text(story)
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-04-08\n"
        "paper.txt,Paper,article,2025-04-08\n"
    )
    return audit([str(root)]).tables.passages


def test_an_outlets_own_paragraph_between_reworded_ones_is_not_copied(tmp_path: Path) -> None:
    """A story written from the wire's facts, paragraph by paragraph in other words, with a
    background paragraph of the outlet's own between two of them: the reworded paragraphs
    are a paraphrase of the wire, the background paragraph (which shares only the topic's
    words) is the outlet's, not part of the copy."""
    text = "\n\n".join(FLOOD_STORY) + "\n"
    rows = audit_flood_copy(tmp_path, text)
    rows = rows[rows["article"] == "paper.txt"]
    own = text.index(FLOOD_STORY[2])
    assert len(rows) >= 2 and set(rows["source"]) == {"TASS"}
    assert text.index(FLOOD_STORY[3]) < rows["end"].max()  # the paragraphs after it: copied
    for start, end in zip(rows["start"], rows["end"], strict=True):
        assert end <= own or own + len(FLOOD_STORY[2]) <= start


def test_own_paragraphs_between_paragraphs_copied_word_for_word_are_not_copied(
    tmp_path: Path,
) -> None:
    """Two of the wire's paragraphs copied word for word, a paragraph of the wire left out
    between them and two of the outlet's own put there: the copy is two verbatim passages,
    not one "verbatim 100" passage taking in the outlet's paragraphs."""
    paras = FLOOD_WIRE.strip().split("\n\n")
    own = [
        "Volunteers in Kurgan have set up collection points for drinking water, warm clothes "
        "and pet food, and the first lorry with aid left for the flooded villages on Monday.",
        "Specialists advise residents not to drink water from wells until it is tested and "
        "not to switch on electrical appliances in flooded houses before an electrician has "
        "checked them.",
    ]
    story = "\n\n".join([paras[1], *own, paras[3]])
    rows = audit_flood_copy(tmp_path, story + "\n")
    mine = story.index(own[0]), story.index(own[1]) + len(own[1])
    assert len(rows) == 2 and set(rows["kind"]) == {"verbatim"}
    assert all(e <= mine[0] or mine[1] <= s for s, e in zip(rows.start, rows.end, strict=True))


def test_a_reworded_paragraph_between_pieces_in_the_other_order_stays_in_the_copy(
    tmp_path: Path,
) -> None:
    """A rewrite that reorders the wire: the paragraph between two reworded pieces rewords
    the wire's paragraph that lies between their source sides, though they come in the
    other order there: it is part of the copy, not the outlet's own."""
    between = (
        "Shumkov, the regional governor, used his Telegram channel to urge people living in "
        "the lower parts of Kurgan to get out early rather than wait for the water to reach them."
    )
    payments = (
        "Households hit by the floods will receive one-off payments of 10,000 rubles, and "
        "those who lost all their property up to 100,000 rubles, the regional government said."
    )
    story = "\n\n".join([*FLOOD_STORY[:2], between, FLOOD_STORY[3], payments])
    rows = audit_flood_copy(tmp_path, story + "\n")
    start = story.index(between)
    assert any(
        s <= start and start + len(between) <= e for s, e in zip(rows.start, rows.end, strict=True)
    )


def test_a_reworded_headline_over_reworded_paragraphs_is_not_a_passage() -> None:
    """A story's own headline, reworded against the wire's headline and lead as any headline
    on the story would be, is no piece of the copy; its paragraphs still are."""
    from provenance.align import align_texts

    wire = "Death toll from floods in Kurgan region rises to six\n\n" + FLOOD_WIRE
    head = "Flood deaths in Kurgan region rise to six as Tobol swells"
    story = head + "\n\n" + "\n\n".join(FLOOD_STORY)
    found = align_texts(story, wire)
    assert len(found) >= 3
    assert min(p.target.start for p in found) == story.index(FLOOD_STORY[0])
    # a headline copied word for word is still a copy
    story = "Death toll from floods in Kurgan region rises to six\n\n" + "\n\n".join(FLOOD_STORY)
    assert min(p.target.start for p in align_texts(story, wire)) == 0


def test_credited_material_the_wire_holds_in_pieces_is_not_also_upstream(tmp_path: Path) -> None:
    """Two outlets reorder the wire's paragraphs alike and credit TASS: each has the wire's
    paragraphs as three passages, the later one the earlier one's text as one.  That
    passage is covered by the wire's three (though by none of them over half of it): no
    "credited-upstream" row repeats what the wire's own article in the corpus holds."""
    root = tmp_path / "c"
    root.mkdir()
    paras = FLOOD_WIRE.split("\n\n")
    body = "\n\n".join([paras[3], paras[1], paras[5]])
    (root / "wire.txt").write_text(FLOOD_WIRE)
    credit = "\n\nThe figures were reported by TASS.\n"
    (root / "a.txt").write_text(OWN[0] + "\n\n" + body + credit)
    (root / "b.txt").write_text(OWN[1] + "\n\n" + body + credit)
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-04-08\n"
        "a.txt,A,article,2025-04-09\nb.txt,B,article,2025-04-10\n"
    )
    rows = audit([str(root)]).tables.passages
    wire = rows[rows["direction"] == "designated-source"]
    assert (wire.groupby("article").size() == 3).all() and len(wire) == 6
    assert "credited-upstream" not in set(rows["direction"])


def test_a_sources_own_footer_in_each_of_its_articles_is_no_passage(tmp_path: Path) -> None:
    """TASS's articles, aligned in their whole files, share TASS's footer, which is furniture
    (outside their main texts): no passage of TASS copying TASS, no uncredited alert."""
    root = tmp_path / "c"
    root.mkdir()
    footer = (
        "\n\n\u00a9 TASS 2025. All rights reserved. Any reproduction of these materials"
        " requires a hyperlink to the agency's website.\n"
    )
    (root / "one.txt").write_text(" ".join(WIRE) + footer)
    (root / "two.txt").write_text(" ".join(OTHER) + footer)
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\none.txt,TASS,source,2025-06-01\n"
        "two.txt,TASS,source,2025-06-02\n"
    )
    run = audit([str(root)])
    assert run.tables.passages.empty
    # ... while a copy of a TASS article's text by another outlet still is one
    (root / "copy.txt").write_text(" ".join(WIRE[:4]) + "\n\n" + OWN[0] + footer)
    with (root / "manifest.csv").open("a") as fh:
        fh.write("copy.txt,Paper,article,2025-06-03\n")
    rows = audit([str(root)]).tables.passages
    assert set(rows["article"]) == {"copy.txt"} and set(rows["source_article"]) == {"one.txt"}


def test_two_altered_quotations_in_two_paragraphs_count_as_two(tmp_path: Path) -> None:
    """Two of the wire's quotations, each changed, in paragraphs of their own: the audit
    joined them into one passage and counted one altered quotation (align showed two)."""
    root = tmp_path / "c"
    root.mkdir()
    first = (
        '"We do not exclude that the next meeting of the delegations could be held in Istanbul '
        'next week. The specific dates are being agreed through diplomatic channels," Peskov said.'
    )
    second = (
        '"The ball is in their court now. We are waiting for a substantive answer, not '
        'statements for the press," Peskov said on Friday.'
    )
    lead = "Kremlin spokesman Dmitry Peskov told reporters on Friday that talks could resume soon."
    (root / "wire.txt").write_text(f"{lead}\n\n{first}\n\n{second}\n")
    changed = first.replace("do not exclude", "do not rule out").replace("specific dates", "dates")
    changed2 = second.replace("in their court now", "now in Kyiv's court").replace(
        "substantive", "serious"
    )
    (root / "paper.txt").write_text(f"{lead}\n\n{changed}\n\n{changed2}\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\npaper.txt,Paper,,2025-06-06\n"
    )
    a = audit([str(root)]).tables.articles.set_index("article")
    assert a.loc["paper.txt", "altered_quotes"] == 2


def test_a_persons_name_like_an_agencys_is_no_byline_credit() -> None:
    """A page author "Ria" credited RIA Novosti (an alias of it); "TASS" as the agency writes
    it, or a source's name of two words, still credits it."""
    from provenance.attribution import SourceRegistry
    from provenance.extract import copyright_credits
    from provenance.models import Extraction

    registry = SourceRegistry.default()

    def credited(author: str) -> list[str]:
        return [s for s, _ in copyright_credits(Extraction(text="Body.", author=author), registry)]

    assert credited("Ria") == [] and credited("Anna Petrova") == []
    assert credited("By TASS") == ["TASS"] and credited("RIA Novosti") == ["RIA Novosti"]
    # an agency's name of one word, written as a name is (review M: "Reuters" credited none)
    assert credited("Reuters") == ["Reuters"] and credited("Интерфакс") == ["Interfax"]


def test_a_whole_article_credit_makes_no_upstream_text_of_a_source_at_hand(
    tmp_path: Path,
) -> None:
    """A credits TASS for its whole article ("TASS contributed to this report") and took
    the wire's paragraphs from TASS's article, which is in the corpus; B, the same day,
    copied A's own opening paragraph.  That paragraph is no text of TASS's missing from
    the corpus (its story is at hand and lacks it): not "credited-upstream" in A, and not
    B's uncredited copy of TASS ("credited-elsewhere")."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(" ".join(WIRE))
    (root / "a.txt").write_text(
        " ".join(OWN) + "\n\n" + " ".join(WIRE[:4]) + "\n\nTASS contributed to this report.\n"
    )
    (root / "b.txt").write_text(" ".join(OTHER) + "\n\n" + " ".join(OWN) + "\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "a.txt,A,article,2025-06-06\nb.txt,B,article,2025-06-06\n"
    )
    rows = audit([str(root)]).tables.passages
    assert not rows[rows["direction"].isin(["credited-upstream", "credited-elsewhere"])].size
    wire = rows[rows["source_article"] == "wire.txt"]
    assert set(wire["article"]) == {"a.txt"} and wire["credited"].all()
    # with TASS's article gone, the paragraph the two share is TASS's material as A says
    (root / "wire.txt").unlink()
    rows = audit([str(root)]).tables.passages
    assert "credited-upstream" in set(rows["direction"])


def test_a_credit_given_further_up_still_makes_a_second_story_upstream(tmp_path: Path) -> None:
    """A credits TASS once at the top and carries two TASS stories: one whose article is in
    the corpus, and a second that is not; B copies the second the same day without credit.
    The second story is TASS material missing from the corpus, B's uncredited copy of it."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "wire.txt").write_text(" ".join(WIRE))
    (root / "a.txt").write_text(
        " ".join(WIRE[:3]) + ", TASS reported.\n\n" + WIRE[3] + "\n\n" + " ".join(OTHER) + "\n"
    )
    (root / "b.txt").write_text(" ".join(OWN) + "\n\n" + " ".join(OTHER) + "\n")
    (root / "manifest.csv").write_text(
        "file,outlet,role,published\nwire.txt,TASS,source,2025-06-05\n"
        "a.txt,A,article,2025-06-06\nb.txt,B,article,2025-06-06\n"
    )
    rows = audit([str(root)]).tables.passages
    up = rows[rows["direction"] == "credited-upstream"]
    assert set(up["article"]) == {"a.txt"} and set(up["source"]) == {"TASS"}
    elsewhere = rows[rows["direction"] == "credited-elsewhere"]
    assert set(elsewhere["article"]) == {"b.txt"} and not elsewhere["credited"].any()
