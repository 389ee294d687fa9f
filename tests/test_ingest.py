"""ingest: files, folders, JSONL, stdin, manifests, encodings and bad inputs."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from provenance.errors import InputError, ManifestError
from provenance.ingest import decode, iter_documents, load_manifest, read_document
from provenance.settings import IngestSettings, Settings

RUSSIAN = "Депутат Госдумы заявил, что Россия могла бы предоставить убежище предпринимателю."
FRENCH = "Le député a déclaré à l'agence que la Russie était prête à accueillir l'entrepreneur."


SHORT_RUSSIAN = "Москва заявила, что санкции не помогут."
CAPS_RUSSIAN = "ПЕСКОВ: КРЕМЛЬ НЕ БУДЕТ ВМЕШИВАТЬСЯ. Заявил он."


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (FRENCH, "latin-1"),
        (RUSSIAN, "utf-8"),
        # short ones, which charset-normalizer alone misreads (koi8-r as Japanese)
        (SHORT_RUSSIAN, "koi8-r"),
        (SHORT_RUSSIAN, "cp1251"),
        (CAPS_RUSSIAN, "koi8-r"),
        (CAPS_RUSSIAN, "cp1251"),
        ("Україна заявила про нові санкції проти Росії.", "cp1251"),
        ("Ministr financí řekl, že daně se příští rok nezvýší.", "cp1250"),
        ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", "cp1253"),
        # a manifest saved from Excel: two Russian names among file names and column names
        ("file;outlet\n000_7524.txt;Коммерсантъ\n001_1bac.txt;Известия\n", "cp1251"),
        ("file;outlet\n000_7524.txt;Коммерсантъ\n001_1bac.txt;Известия\n", "koi8-r"),
    ],
)
def test_decode_detects_legacy_encodings(text: str, encoding: str) -> None:
    decoded, _ = decode(text.encode(encoding))
    assert decoded == text


def test_a_manifest_not_in_utf8_is_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A short Latin-1 manifest may be guessed wrong (cp1250): the run says which encoding
    it read, so a wrong outlet name is traced to its file."""
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes("file,outlet\na.txt,Café Crème\n".encode("latin-1"))
    load_manifest(manifest)
    assert "manifest.csv: not UTF-8; read as" in caplog.text
    caplog.clear()
    manifest.write_text("file,outlet\na.txt,Café Crème\n", encoding="utf-8")
    load_manifest(manifest)
    assert "not UTF-8" not in caplog.text


def test_a_stray_nul_is_text_but_many_are_binary() -> None:
    text, _ = decode(("word " * 100 + "\x00" + "more " * 100).encode())
    assert "\x00" in text  # kept: offsets into the file must not move
    with pytest.raises(InputError, match="binary"):
        decode(b"\x00\x01" * 100 + b"text")


def test_decode_utf16_with_bom() -> None:
    decoded, enc = decode(RUSSIAN.encode("utf-16"))
    assert decoded == RUSSIAN
    assert enc == "utf-16"


def test_corpus_folder_reads_manifest(corpus_dir: Path) -> None:
    docs = list(iter_documents([str(corpus_dir)]))
    assert [d.id for d in docs] == sorted(p.stem for p in corpus_dir.glob("*.txt"))
    by_id = {d.id: d for d in docs}
    assert by_id["003_9d665848576a88f2"].role == "source"
    assert by_id["003_9d665848576a88f2"].outlet == "The Moscow Times"
    assert by_id["000_75248550d3bec6f4"].outlet == "Daily8"
    assert by_id["001_1bac6ef4c7f7c27f"].outlet is None
    assert all(d.status == "ok" and d.kind == "text" and d.language == "en" for d in docs)


def _mixed(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "sub" / "page.html.gz").write_bytes(
        gzip.compress(b"<html><body><p>Hello there.</p></body></html>")
    )
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "nul.txt").write_bytes(b"abc\x00def")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "bad.html.gz").write_bytes(b"not gzip at all")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return tmp_path


def test_mixed_folder_gives_one_status_per_readable_file(tmp_path: Path) -> None:
    docs = {d.id: d for d in iter_documents([str(_mixed(tmp_path))])}
    assert set(docs) == {"ru", "sub/page", "image", "nul", "empty", "bad"}
    assert docs["ru"].content == RUSSIAN and docs["ru"].status == "ok"
    assert docs["sub/page"].kind == "html" and "Hello there." in docs["sub/page"].content
    assert docs["image"].status == "binary"
    assert docs["nul"].status == "binary"
    assert docs["empty"].status == "empty"
    assert docs["bad"].status == "unreadable"
    for doc in docs.values():
        if doc.status != "ok":
            assert doc.error and doc.path in doc.error and "\n" not in doc.error


def test_missing_file_and_size_cap(tmp_path: Path) -> None:
    missing = read_document(tmp_path / "nope.txt")
    assert missing.status == "missing" and "nope.txt" in (missing.error or "")
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    small_cap = Settings(ingest=IngestSettings(max_bytes=50))
    assert read_document(big, settings=small_cap).status == "too-large"


def test_jsonl_lines_become_documents(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text(
        '{"id": "a", "text": "Body one.", "outlet": "X", "role": "source", "published": "2025-06-06"}\n'
        "\n"
        "not json\n"
        '{"html": "<html><body><p>Two</p></body></html>", "url": "http://x/2"}\n'
        '{"id": "c", "text": ""}\n',
        encoding="utf-8",
    )
    docs = list(iter_documents([str(f)]))
    assert [d.status for d in docs] == ["ok", "unreadable", "ok", "empty"]
    assert [docs[0].id, docs[3].id] == ["feed:a", "feed:c"]
    assert docs[0].role == "source" and docs[0].outlet == "X" and docs[0].published == "2025-06-06"
    assert docs[2].kind == "html" and docs[2].url == "http://x/2"
    assert "feed.jsonl:3" in (docs[1].error or "") and docs[1].path.endswith("feed.jsonl:3")


def test_two_feeds_numbering_their_lines_alike_keep_their_articles_apart(tmp_path: Path) -> None:
    """trafilatura's JSON and RSS give ids of their own ("1", "2"): two feeds' article 1 were
    "1" and "1~2" by the order the files were read, and a feed added in front renamed every
    older feed's articles (their passages new the next night, an alert)."""
    for name in ("ledger", "wire"):
        (tmp_path / f"{name}.jsonl").write_text(
            '{"id": 1, "text": "Body one."}\n{"guid": "2", "text": "Body two."}\n',
            encoding="utf-8",
        )
    before = {d.id for d in iter_documents([str(tmp_path)])}
    assert before == {"ledger:1", "ledger:2", "wire:1", "wire:2"}
    (tmp_path / "alpha.jsonl").write_text('{"id": 1, "text": "New."}\n', encoding="utf-8")
    assert {d.id for d in iter_documents([str(tmp_path)])} == before | {"alpha:1"}


def test_a_jsonl_article_without_an_id_keeps_its_id_when_the_feed_is_reordered(
    tmp_path: Path,
) -> None:
    """Feeds put new articles first: an id from the line number would name another article
    the next night (its passages 'new', an alert).  The address, else the line, names it."""
    lines = [
        '{"text": "Body one.", "url": "http://x/1"}',
        '{"text": "Body two."}',
        '{"url": "http://x/3", "text": "Body three."}',
    ]
    f = tmp_path / "feed.jsonl"

    def ids() -> dict[str, str]:
        return {d.content: d.id for d in iter_documents([str(f)])}

    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = ids()
    new = '{"text": "Body zero, tonight."}'
    edited = lines[0].replace("Body one.", "Body one, corrected.")
    f.write_text("\n".join([new, lines[2], lines[1], edited]) + "\n", encoding="utf-8")
    after = ids()
    assert after["Body three."] == before["Body three."]
    assert after["Body two."] == before["Body two."]
    assert after["Body one, corrected."] == before["Body one."]  # (its address names it)
    assert len(set(after.values())) == 4 and all(i.startswith("feed:") for i in after.values())
    # a line cut off while the feed was written keeps its id (a failed input that night)
    cut = lines[2][: lines[2].index("Body three")]
    f.write_text("\n".join([lines[0], lines[1], cut]) + "\n", encoding="utf-8")
    broken = {d.status: d.id for d in iter_documents([str(f)])}
    assert broken["unreadable"] == before["Body three."]
    # without a url, its title names it: an edit of its text keeps its id
    titled = '{"title": "Grain deal", "text": "Body four."}'
    f.write_text(titled + "\n", encoding="utf-8")
    first = ids()["Body four."]
    f.write_text(titled.replace("four", "four, corrected") + "\n", encoding="utf-8")
    assert ids()["Body four, corrected."] == first


def test_utf8_text_with_a_stray_byte_stays_utf8_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One byte of another encoding in a UTF-8 feed or page: the rest is read as it is (not
    the whole file guessed as another encoding, garbling or losing every article in it)."""
    ru = "Председатель комитета Госдумы Дмитрий Новиков заявил ТАСС. "
    lines = [f'{{"id": "n{i}", "text": "{ru * 3}{i}"}}'.encode() for i in range(5)]
    lines[2] = lines[2][:40] + b"\x93" + lines[2][40:]
    f = tmp_path / "feed.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    docs = list(iter_documents([str(f)]))
    assert [d.status for d in docs] == ["ok"] * 5
    assert docs[4].content == ru * 3 + "4" and "\ufffd" in docs[2].content
    assert "feed.jsonl:3: 1 byte(s) that are not UTF-8" in caplog.text  # (its line)
    page = tmp_path / "page.txt"
    page.write_bytes("He said \u201cno\u201d to \u201cthat\u201d.".encode() + b"\xa0Then.")
    assert read_document(page).content == "He said \u201cno\u201d to \u201cthat\u201d.\ufffdThen."
    # a feed in UTF-8 with one line in cp1251 reads that line in its own encoding (it was an
    # article of U+FFFD); a BOM before a stray byte is no text (the first line was lost)
    lines[3] = f'{{"id": "n3", "text": "{ru}"}}'.encode("cp1251")
    junk = b"\x00\x00\xff" * 20  # (a line no encoding reads: that line's failure alone)
    f.write_bytes(b"\xef\xbb\xbf" + b"\n".join([*lines, junk]) + b"\n")
    docs = list(iter_documents([str(f)]))
    assert [d.status for d in docs] == ["ok"] * 5 + ["binary"]
    assert docs[3].content == ru and docs[0].content == ru * 3 + "0"
    assert (docs[5].error or "").startswith(f"{f}:6: binary")
    # another encoding's text is still read as that encoding, whole
    russian = tmp_path / "cp1251.txt"
    russian.write_bytes((ru * 3).encode("cp1251"))
    assert read_document(russian).content == ru * 3


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
)
def test_a_utf16_or_utf32_feed_is_read_whole(tmp_path: Path, encoding: str) -> None:
    """A feed saved as UTF-16 (a BOM, or none: its NUL bytes tell it) was read line by line
    as bytes: with a BOM only line 1 read, the rest errors; without, every line failed
    (review W)."""
    rows = [
        {"id": "t1", "text": RUSSIAN, "outlet": "TASS"},
        {"id": "h1", "text": FRENCH, "outlet": "Herald", "published": "2025-06-11"},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding)
    )
    docs = list(iter_documents([str(feed)]))
    assert [(d.id, d.status, d.content, d.outlet) for d in docs] == [
        ("feed:t1", "ok", RUSSIAN, "TASS"),
        ("feed:h1", "ok", FRENCH, "Herald"),
    ]
    # its last line cut off while being written is told as in UTF-8
    whole = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    feed.write_bytes(whole[:-20].encode(encoding))
    assert [d.status for d in iter_documents([str(feed)])] == ["ok", "cut-off"]


@pytest.mark.parametrize("order", ["bom-le", "le", "be"])
def test_a_utf16_feed_cut_at_an_odd_byte_or_with_half_a_pair_loses_one_line(
    tmp_path: Path, order: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A UTF-16 feed cut off at an odd byte while the scraper wrote it was wholly "binary"
    (with a BOM) or read as 8-bit text, every line garbled (without); one half surrogate
    pair did the same (review Z).  Its whole lines are read, the last one is cut off."""
    encoding = "utf-16-be" if order == "be" else "utf-16-le"
    bom = b"\xff\xfe" if order == "bom-le" else b""
    rows = [
        {"id": "t1", "text": RUSSIAN, "outlet": "TASS"},
        {"id": "h1", "text": FRENCH + " \u2603", "outlet": "Herald"},
        {"id": "h2", "text": FRENCH, "outlet": "Herald"},
    ]
    whole = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding)
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(bom + whole[:-41])  # (an odd byte count: half a character at the end)
    docs = list(iter_documents([str(feed)]))
    assert [(d.id, d.status) for d in docs] == [
        ("feed:t1", "ok"),
        ("feed:h1", "ok"),
        ("feed:h2", "cut-off"),
    ]
    assert docs[0].content == RUSSIAN
    # half a surrogate pair (the snowman's place) reads as U+FFFD in its line alone
    half = "\ud800".encode(encoding, "surrogatepass")
    feed.write_bytes(bom + whole.replace("\u2603".encode(encoding), half))
    docs = list(iter_documents([str(feed)]))
    assert [(d.id, d.status) for d in docs] == [
        ("feed:t1", "ok"),
        ("feed:h1", "ok"),
        ("feed:h2", "ok"),
    ]
    assert docs[1].content == FRENCH + " \ufffd" and docs[2].content == FRENCH
    assert "1 half surrogate pair(s)" in caplog.text


def test_stdin_text_and_jsonl() -> None:
    (doc,) = iter_documents(["-"], stdin=io.BytesIO(RUSSIAN.encode("koi8-r")))
    assert doc.content == RUSSIAN and doc.path == "<stdin>"
    docs = list(iter_documents(["-"], stdin=io.BytesIO(b'{"id": "s1", "text": "Hi."}\n')))
    assert [d.id for d in docs] == ["stdin:s1"]


def test_explicit_manifest_and_missing_entries(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    manifest = tmp_path / "list.csv"
    manifest.write_text(
        "file,outlet,role,url,published,language\n"
        "a.txt,Outlet A,source,http://a,2025-06-06,en\n"
        "gone.txt,Outlet B,article,,,\n"
    )
    docs = list(iter_documents([str(tmp_path / "a.txt")], manifest=str(manifest)))
    assert docs[0].outlet == "Outlet A" and docs[0].role == "source"
    assert docs[1].status == "missing" and docs[1].outlet == "Outlet B"


@pytest.mark.parametrize("outlet", ["-", "\U0001f680", "?!"])
def test_an_outlet_with_no_letter_or_digit_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, outlet: str
) -> None:
    """An outlet written "-" (or an emoji) names no outlet: the article was "unknown
    (a.txt)" with no word on stderr (review W); the manifest's row is named now."""
    (tmp_path / "a.txt").write_text("Some article text.")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,outlet\na.txt,{outlet}\n", encoding="utf-8")
    assert load_manifest(manifest)[(tmp_path / "a.txt").resolve()].outlet is None
    assert f"manifest.csv: line 2: outlet {outlet!r} has no letter or digit" in caplog.text


def test_a_failed_input_keeps_what_the_manifest_says_of_it(tmp_path: Path) -> None:
    """An empty file, a binary page, a feed that cannot be read and a file not there,
    listed as the Herald's: each kept the manifest's outlet and date (review W: the first
    two were "unknown (empty.txt)", an outlet of their own in outlets.csv)."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.html").write_bytes(bytes(range(256)) * 12)
    (tmp_path / "feed.jsonl").write_bytes(b"")
    (tmp_path / "wire.jsonl").write_bytes(b'{"id": "w1", "text": "cut\n')
    (tmp_path / "manifest.csv").write_text(
        "file,outlet,role,url,published,language,title\nwire.jsonl,Herald,,,,,\n"
        + "".join(
            f"{name},Herald,article,https://herald.example/{k},2025-06-12,en,Page {k}\n"
            for k, name in enumerate(["empty.txt", "photo.html", "feed.jsonl", "gone.txt"])
        )
    )
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert sorted(docs) == ["empty.txt", "feed.jsonl", "gone.txt", "photo.html", "wire.jsonl:1"]
    assert (docs["wire.jsonl:1"].status, docs["wire.jsonl:1"].outlet) == ("unreadable", "Herald")
    for k, name in enumerate(["empty.txt", "photo.html", "feed.jsonl", "gone.txt"]):
        doc = docs[name]
        assert doc.status != "ok", name
        got = (doc.outlet, doc.published, doc.url, doc.language, doc.title)
        assert got == ("Herald", "2025-06-12", f"https://herald.example/{k}", "en", f"Page {k}")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,outlet\na.txt,X\n", "no 'file' column"),
        ("file,date,Date\na.txt,2025-06-06,\n", "column 'date' is named twice"),
        # a quote left open swallows every row after it into one value
        (
            'file,outlet,title\na.txt,X,"Russia offers asylum\nb.txt,Y,\nc.txt,Z,\n',
            "line 2: a quoted value runs on to line 4, over other rows - a quote left open",
        ),
        (  # (the line is the file's, blank lines counted)
            'file,outlet,title\n\n\na.txt,X,"Russia offers asylum\nb.txt,Y,\n',
            "line 4: a quoted value runs on to line 5",
        ),
    ],
)
def test_bad_manifest_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(content)
    with pytest.raises(ManifestError, match=message) as info:
        load_manifest(manifest)
    assert str(manifest) in str(info.value)


def test_a_bad_role_is_named_and_loses_nothing_else(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text("file,outlet,role\na.txt,TASS,source\nb.txt,B,wire\n")
    (tmp_path / "feed.jsonl").write_text('{"text": "An item.", "outlet": "C", "role": "boss"}\n')
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert (docs["a.txt"].outlet, docs["a.txt"].role) == ("TASS", "source")
    assert (docs["b.txt"].outlet, docs["b.txt"].role) == ("B", "article")
    assert (docs["feed.jsonl:1"].outlet, docs["feed.jsonl:1"].role) == ("C", "article")
    warnings = sorted(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert len(warnings) == 2
    assert "feed.jsonl:1: role 'boss' is neither 'source' nor 'article'" in warnings[0]
    assert "manifest.csv: line 3: role 'wire' is neither" in warnings[1]


def test_resolver_agrees_with_path_resolve(tmp_path: Path) -> None:
    """The folder-caching resolver gives Path.resolve's answer for links of every kind."""
    from provenance.ingest import _Resolver

    real = tmp_path / "real"
    (real / "deep").mkdir(parents=True)
    (real / "a.txt").write_text("a")
    (real / "deep" / "b.txt").write_text("b")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plain.txt").write_text("p")
    (corpus / "abs.txt").symlink_to(real / "a.txt")
    (corpus / "rel.txt").symlink_to(Path("..") / "real" / "deep" / "b.txt")
    (corpus / "chain.txt").symlink_to("rel.txt")
    (corpus / "dir").symlink_to(real / "deep")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "loop1.txt").symlink_to("loop2.txt")
    (corpus / "loop2.txt").symlink_to("loop1.txt")
    resolve = _Resolver()
    given = [corpus / n for n in ("plain.txt", "abs.txt", "rel.txt", "chain.txt", "missing.txt")]
    given += [corpus / "dir" / "b.txt", corpus / "dangling.txt", corpus / "sub" / ".." / "a.txt"]
    for p in given:
        assert resolve(p) == p.resolve(), p
    assert resolve(corpus / "chain.txt") == real / "deep" / "b.txt"
    loop = resolve(corpus / "loop1.txt")  # no hang, and the path stays in the corpus folder
    assert loop.parent == corpus


def test_publication_dates_are_read_into_iso(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text(
        'file,published\na.txt,"June 6, 2025"\nb.txt,06.06.2025\nc.txt,06/07/2025\n'
    )
    (tmp_path / "feed.jsonl").write_text(
        '{"text": "An item.", "published": "Fri, 06 Jun 2025 10:30:00 +0300"}\n'
    )
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert docs["a.txt"].published == docs["b.txt"].published == "2025-06-06"
    assert docs["feed.jsonl:1"].published == "2025-06-06T10:30:00+03:00"  # its time and zone
    assert docs["c.txt"].published is None  # ambiguous: no guess, and a line saying so
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "manifest.csv: line 4: published '06/07/2025' is ambiguous" in warning
    assert "write 2025-07-06 or 2025-06-07" in warning


def test_manifest_columns_go_by_their_other_names(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text(
        "Path,Publisher,Role,Link,Published,Date,Headline\n"
        "a.txt,Paper A,source,https://a.example/1,,2025-06-06,Title A\n"
        "b.txt,Paper B,article,,2025-06-08,2025-06-07,\n"
    )
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    a, b = docs["a.txt"], docs["b.txt"]
    assert (a.outlet, a.role, a.url, a.published, a.title) == (
        "Paper A",
        "source",
        "https://a.example/1",
        "2025-06-06",  # "date" where "published" is blank
        "Title A",
    )
    assert (b.outlet, b.role, b.published) == ("Paper B", "article", "2025-06-08")


def test_a_quoted_value_may_hold_a_line_break(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text(
        'file,outlet,notes\na.txt,X,"a note, on\ntwo lines"\nb.txt,Y,\n'
    )
    rows = load_manifest(tmp_path / "manifest.csv")
    assert [r.outlet for r in rows.values()] == ["X", "Y"]


def test_a_column_almost_named_as_one_the_manifest_reads_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "manifest.csv").write_text(
        "file,outlett,role,notes,outlet_id,subheadline,published_by\na.txt,X,source,,,,\n"
    )
    load_manifest(tmp_path / "manifest.csv")
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "column 'outlett' is not one the manifest reads" in warning
    assert warning.endswith("did you mean 'outlet'?")  # (the other columns are no typos)


def test_a_manifest_name_matches_either_unicode_spelling_of_a_file(tmp_path: Path) -> None:
    """macOS saves "café" with a decomposed é; the manifest was typed with a composed one."""
    composed, decomposed = "caf\u00e9.txt", "cafe\u0301.txt"
    (tmp_path / decomposed).write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text(f"file,outlet\n{composed},Outlet A\n", "utf-8")
    (doc,) = iter_documents([str(tmp_path)])
    assert (doc.status, doc.outlet) == ("ok", "Outlet A")


def test_a_manifest_row_outside_the_folders_audited_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Some article text.")
    (tmp_path / "elsewhere.txt").write_text("Another article.")
    (tmp_path / "corpus" / "manifest.csv").write_text(
        "file,outlet\na.txt,Outlet A\n../elsewhere.txt,Outlet B\n"
    )
    docs = list(iter_documents([str(tmp_path / "corpus")]))
    assert [Path(d.path).name for d in docs] == ["a.txt"]
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "elsewhere.txt: listed in" in warning and "outside the folder audited" in warning


def test_a_manifest_row_naming_a_file_provenance_does_not_read_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,A\nscan.pdf,B\n")
    list(iter_documents([str(tmp_path)]))
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "scan.pdf: listed in" in warning and "not a file provenance reads" in warning


def test_a_manifest_given_for_part_of_its_files_names_no_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """--manifest may list a whole archive while one day's folder is audited."""
    (tmp_path / "day1").mkdir()
    (tmp_path / "day2").mkdir()
    (tmp_path / "day1" / "a.txt").write_text("Some article text.")
    (tmp_path / "day2" / "b.txt").write_text("Another article text.")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,outlet\nday1/a.txt,A\nday2/b.txt,B\n")
    (doc,) = iter_documents([str(tmp_path / "day1")], manifest=str(manifest))
    assert doc.outlet == "A"
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_a_manifest_written_on_windows_names_files_in_subfolders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text("file,outlet\nsub\\a.txt,Outlet A\nsub\\gone.txt,B\n")
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert docs["a.txt"].outlet == "Outlet A" and docs["a.txt"].status == "ok"
    assert docs["sub\\gone.txt"].status == "missing"  # named as written


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_manifest_delimiters(tmp_path: Path, delimiter: str) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    rows = [
        ["file", "outlet", "role", "published"],
        ["a.txt", "Outlet, Inc.", "source", "06.06.2025"],
    ]
    (tmp_path / "manifest.csv").write_text(
        "\ufeff"
        + "".join(delimiter.join(f'"{c}"' if "," in c else c for c in r) + "\n" for r in rows)
    )
    (doc,) = iter_documents([str(tmp_path)])
    assert (doc.outlet, doc.role, doc.published) == ("Outlet, Inc.", "source", "2025-06-06")


def test_jsonl_fields_under_the_names_scrapers_give_them(tmp_path: Path) -> None:
    lines = [
        # news-please
        {
            "maintext": "Body one.",
            "source_domain": "x",
            "date_publish": "2025-06-06 10:00:00",
            "url": "https://example.com/1",
            "title": "One",
        },
        # trafilatura's JSON: "source" is the address, "sitename" the outlet
        {
            "raw_text": "Body two.",
            "text": "Body two, clean.",
            "source": "https://example.org/2",
            "sitename": "Example Org",
            "date": "2025-06-07",
            "title": "Two",
        },
        # a feed: RSS date, link, publisher, milliseconds elsewhere
        {
            "content": "Body three.",
            "link": "https://example.net/3",
            "publisher": "Example Net",
            "pubDate": "Sun, 08 Jun 2025 09:00:00 +0000",
            "headline": "Three",
            "lang": "en",
        },
        {"body": "Body four.", "published_at": 1749456000000, "source": "Example Four"},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    docs = list(iter_documents([str(tmp_path / "feed.jsonl")]))
    got = [(d.content, d.outlet, d.url, d.published, d.title) for d in docs]
    assert got == [
        ("Body one.", None, "https://example.com/1", "2025-06-06T10:00:00", "One"),
        ("Body two, clean.", "Example Org", "https://example.org/2", "2025-06-07", "Two"),
        (
            "Body three.",
            "Example Net",
            "https://example.net/3",
            "2025-06-08T09:00:00+00:00",
            "Three",
        ),
        ("Body four.", "Example Four", None, "2025-06-09T08:00:00+00:00", None),
    ]
    assert docs[2].language == "en"


def test_jsonl_markup_bodies_and_nested_fields(tmp_path: Path) -> None:
    lines = [
        {"content": "<p>First paragraph of the item.</p><p>Second one.</p>", "source": "tass.com"},
        {
            "text": "Plain <b>bold</b> words.",
            "source-hostname": "Example Site",
            "source": "https://example.org/a",
        },
        {
            "description": "x",
            "content": "Body.",
            "source": {"id": None, "name": "Example Wire"},
            "publishedAt": "2025-06-06T08:00:00Z",
        },
        {"content_text": "A JSON Feed item.", "date_published": 1749195000000.0},
        {"content": [{"type": "text/plain", "value": "A feedparser item."}, {"value": None}]},
        {"content": [{"type": "text/html", "value": "Headline<br/><br/>A paragraph &amp; more."}]},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    docs = list(iter_documents([str(tmp_path / "feed.jsonl")]))
    assert [d.kind for d in docs] == ["html", "text", "text", "text", "text", "html"]
    assert docs[4].content == "A feedparser item."
    assert docs[0].outlet == "tass.com"  # a host: the extraction names it TASS
    assert (docs[1].outlet, docs[1].url) == ("Example Site", "https://example.org/a")
    assert (docs[2].outlet, docs[2].published) == ("Example Wire", "2025-06-06T08:00:00+00:00")
    assert (docs[3].content, docs[3].published) == (
        "A JSON Feed item.",
        "2025-06-06T07:30:00+00:00",
    )


def outlet_folders(root: Path, *outlets: str) -> None:
    """A folder per outlet, each with an article a.txt."""
    for outlet in outlets:
        (root / outlet).mkdir()
        (root / outlet / "a.txt").write_text(f"An article of {outlet}.")


def test_each_subfolder_manifest_speaks_for_its_files(tmp_path: Path) -> None:
    outlet_folders(tmp_path, "tass", "paper")
    (tmp_path / "b.txt").write_text("An article at the top.")
    (tmp_path / "manifest.csv").write_text("file,outlet\nb.txt,Top\npaper/a.txt,Wrong Paper\n")
    (tmp_path / "tass" / "manifest.csv").write_text(
        "file,outlet,role\na.txt,TASS,source\ngone.txt,TASS,\n"
    )
    (tmp_path / "paper" / "manifest.csv").write_text(
        "file,outlet,published\na.txt,Paper,2025-06-06\n"
    )
    by_name = {
        Path(d.path).parent.name + "/" + Path(d.path).name: (d.outlet, d.role, d.status)
        for d in iter_documents([str(tmp_path)])
    }
    assert by_name[f"{tmp_path.name}/b.txt"] == ("Top", "article", "ok")
    assert by_name["tass/a.txt"] == ("TASS", "source", "ok")
    assert by_name["paper/a.txt"] == ("Paper", "article", "ok")  # the deeper manifest wins
    assert by_name["tass/gone.txt"][2] == "missing"


def test_the_manifest_of_a_files_own_folder_wins(tmp_path: Path) -> None:
    outlet_folders(tmp_path, "daily8", "other")
    (tmp_path / "daily8" / "manifest.csv").write_text("file,outlet\na.txt,Daily8\n")
    (tmp_path / "other" / "manifest.csv").write_text("file,outlet\n../daily8/a.txt,Other says\n")
    docs = {d.path: d for d in iter_documents([str(tmp_path)])}
    assert docs[str(tmp_path / "daily8" / "a.txt")].outlet == "Daily8"


def test_a_broken_subfolder_manifest_fails_alone(tmp_path: Path) -> None:
    outlet_folders(tmp_path, "tass", "paper")
    (tmp_path / "tass" / "manifest.csv").write_text("name,outlet,role\na.txt,TASS,source\n")
    (tmp_path / "paper" / "manifest.csv").write_text("file,outlet\na.txt,Paper\n")
    docs = list(iter_documents([str(tmp_path)]))
    broken = [d for d in docs if d.status != "ok"]
    assert len(broken) == 1 and broken[0].status == "unreadable"
    assert "tass/manifest.csv: manifest has no 'file' column" in (broken[0].error or "")
    # the files it speaks for are not audited without it (TASS's as an unknown outlet's)
    outlets = {Path(d.path).parent.name: d.outlet for d in docs if d.status == "ok"}
    assert outlets == {"paper": "Paper"}


def test_a_manifest_listing_no_file_speaks_for_its_files_only_when_they_are_there(
    tmp_path: Path,
) -> None:
    """A header-only manifest is one being rewritten: its folder's files are not audited
    that run (review Z); in a folder with no article yet it is no failure."""
    outlet_folders(tmp_path, "tass", "paper")
    (tmp_path / "tass" / "manifest.csv").write_text("file,outlet,role\n")
    (tmp_path / "paper" / "manifest.csv").write_text("file,outlet\na.txt,Paper\n")
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "manifest.csv").write_text("file,outlet\n")
    docs = list(iter_documents([str(tmp_path)]))
    assert [(Path(d.path).parent.name, d.status) for d in docs] == [
        ("tass", "unreadable"),
        ("paper", "ok"),
    ]
    assert "tass/manifest.csv: lists no file" in (docs[0].error or "")
    # a file given alone, its folder's manifest unusable: not audited either
    assert [d.status for d in iter_documents([str(tmp_path / "tass" / "a.txt")])] == ["unreadable"]
    # a top manifest left with its header only speaks for no file of subfolders that list
    # their own (review AA: each night was a failed input, its message saying they were not
    # audited though they were)
    (tmp_path / "tass" / "manifest.csv").write_text("file,outlet,role\na.txt,TASS,source\n")
    (tmp_path / "manifest.csv").write_text("file,outlet\n")
    docs = list(iter_documents([str(tmp_path)]))
    assert sorted((Path(d.path).parent.name, d.status) for d in docs) == [
        ("paper", "ok"),
        ("tass", "ok"),
    ]


def test_a_manifest_cut_mid_row_is_named_and_its_last_row_not_trusted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A manifest cut off in its last row while it is written ("Hera" for "Herald"): the
    row is named, and its file fails for the run rather than being "Hera"'s (review Z)."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Some article text of {name}.")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,outlet,url,date,role\na.txt,TASS,,2025-06-05,source\nb.txt,Hera")
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert (docs["a.txt"].status, docs["a.txt"].outlet) == ("ok", "TASS")
    assert (docs["b.txt"].status, docs["b.txt"].outlet) == ("cut-off", None)
    assert f"its row in {manifest} (line 3) is cut off" in (docs["b.txt"].error or "")
    # cut in its file's name, or right after it: the one file it begins fails too (review
    # AA: it was audited without its row)
    for cut in ("b.t", "b.txt"):
        manifest.write_text(f"file,outlet,url,date,role\na.txt,TASS,,2025-06-05,source\n{cut}")
        docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
        assert [d.status for d in docs.values()] == ["ok", "cut-off"]
    # ... unless it begins no file, or several: then the row is only named
    manifest.write_text("file,outlet,url,date,role\na.txt,TASS,,2025-06-05,source\nzz")
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert [d.status for d in docs.values()] == ["ok", "ok"]
    assert f"{manifest}: line 3 is cut off (zz...)" in caplog.text
    # a last row short of values but ended by a line break is written whole
    manifest.write_text("file,outlet,url,date,role\na.txt,TASS,,2025-06-05,source\nb.txt,B\n")
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert (docs["b.txt"].status, docs["b.txt"].outlet) == ("ok", "B")
    # ... and so is one of a manifest written by hand, every row short of values, with no
    # line break at its end
    manifest.write_text("file,outlet,url,date,role\na.txt,TASS\nb.txt,B")
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert (docs["b.txt"].status, docs["b.txt"].outlet) == ("ok", "B")


def test_a_linked_subfolder_is_read(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "a.txt").write_text("An article kept elsewhere.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "linked").symlink_to(store, target_is_directory=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)  # never walked twice
    docs = list(iter_documents([str(corpus)]))
    assert [(Path(d.path).name, d.status) for d in docs] == [("a.txt", "ok")]


def test_a_file_given_alone_takes_its_folders_manifest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outlet_folders(tmp_path, "tass")
    (tmp_path / "tass" / "manifest.csv").write_text("file,outlet,role\na.txt,TASS,source\n")
    (doc,) = iter_documents([str(tmp_path / "tass" / "a.txt")])
    assert (doc.outlet, doc.role) == ("TASS", "source")
    (tmp_path / "m.csv").write_text("file,outlet\ntass/a.txt,\n")
    (doc,) = iter_documents([str(tmp_path / "tass" / "a.txt")], manifest=str(tmp_path / "m.csv"))
    assert doc.outlet is None  # --manifest speaks alone
    # ... and one listing no file (its header only: being written) is unusable
    (tmp_path / "m.csv").write_text("file,outlet\n")
    with pytest.raises(ManifestError, match="lists no file"):
        list(iter_documents([str(tmp_path / "tass" / "a.txt")], manifest=str(tmp_path / "m.csv")))
    assert list(iter_documents([str(tmp_path / "tass" / "manifest.csv")])) == []
    assert "is a manifest, not an article" in caplog.text


def test_a_folder_that_cannot_be_listed_is_a_failed_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("Hidden article text.")
    (tmp_path / "a.txt").write_text("Some article text.")
    scandir = os.scandir

    def refusing(path: Any = ".") -> Any:
        if Path(path).name == "locked":  # (as a folder with mode 000 does, but for root)
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert docs["a.txt"].status == "ok"
    locked = docs["locked"]
    assert (locked.status, locked.id) == ("unreadable", "locked")
    assert locked.error == (
        f"{tmp_path / 'locked'}: cannot list the folder (Permission denied) - check its permissions"
    )


def test_a_file_listed_twice_differently_in_a_manifest_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text(
        "file,outlet,role\na.txt,Daily Planet,article\na.txt,Daily Planet,article\n"
        "a.txt,Other Outlet,source\n"
    )
    (doc,) = iter_documents([str(tmp_path)])
    assert (doc.outlet, doc.role) == ("Other Outlet", "source")
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "manifest.csv: line 4 lists a.txt again, with other values than line 3" in warning


def test_a_manifest_row_naming_a_folder_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text("file,outlet\nsub,Paper\n")
    docs = list(iter_documents([str(tmp_path)]))
    assert [(Path(d.path).name, d.status) for d in docs] == [("a.txt", "ok")]
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.endswith(
        "sub: listed in "
        + str(tmp_path / "manifest.csv")
        + " as a file, but a folder - give each of its files a row"
    )


def test_a_manifest_row_in_a_folder_that_cannot_be_looked_into_is_a_failed_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,Paper\nlocked/x.txt,Paper\n")
    stat = os.stat

    def refusing(path: Any, *args: Any, **kwargs: Any) -> Any:
        if "locked" in str(path) and str(path).endswith("x.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", refusing)
    docs = {Path(d.path).name: d for d in iter_documents([str(tmp_path)])}
    assert docs["a.txt"].status == "ok"
    assert docs["x.txt"].status == "unreadable"
    assert "cannot read (Permission denied) - check the permissions" in (docs["x.txt"].error or "")


@pytest.mark.parametrize(("size", "told"), [(5, 5), (25, 25), (3_000_000, 10), (40, 0)])
def test_a_file_is_read_whole_up_to_the_cap_whatever_size_it_was_said_to_have(
    size: int, told: int
) -> None:
    from provenance.ingest import _read_capped

    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    got = _read_capped(io.BytesIO(data), max_bytes=2_000_000, size=told)
    assert got == data[:2_000_001]


def test_a_row_given_twice_as_it_is_is_read_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "manifest.csv").write_text("file,date,role\n" + "a.txt,06/07/2025,boss\n" * 2)
    (doc,) = iter_documents([str(tmp_path)])
    assert doc.published is None and doc.role == "article"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2  # the ambiguous date and the role, once each


def test_the_manifests_outlet_for_a_feed_names_its_lines_outlet(tmp_path: Path) -> None:
    """A feed whose lines name their site ("Metro Wire") and a manifest row naming its
    outlet ("Metro Wire Ltd"): the manifest, the most explicit, went unheard; a line's own
    date still counts over nothing in the manifest."""
    (tmp_path / "metro.jsonl").write_text(
        '{"text": "Body one.", "sitename": "Metro Wire", "date": "2025-06-06"}\n'
        '{"text": "Body two."}\n',
        encoding="utf-8",
    )
    (tmp_path / "manifest.csv").write_text("file,outlet\nmetro.jsonl,Metro Wire Ltd\n")
    docs = list(iter_documents([str(tmp_path)]))
    assert [d.outlet for d in docs] == ["Metro Wire Ltd", "Metro Wire Ltd"]
    assert docs[0].published == "2025-06-06"


def test_a_feed_written_in_cp1251_then_in_utf8_reads_each_line_in_its_own(
    tmp_path: Path,
) -> None:
    """A scraper upgraded mid-feed: six lines in cp1251, then three in UTF-8.  Most lines
    not UTF-8, the whole file was read as cp1251 and the UTF-8 lines came out garbled."""
    old = [f'{{"text": "Президент провел совещание номер {k}."}}' for k in range(6)]
    new = [f'{{"text": "Министр доложил о бюджете, пункт {k}."}}' for k in range(3)]
    data = b"\n".join([*(x.encode("cp1251") for x in old), *(x.encode() for x in new)])
    (tmp_path / "feed.jsonl").write_bytes(data + b"\n")
    texts = [d.content for d in iter_documents([str(tmp_path / "feed.jsonl")])]
    assert texts[0] == "Президент провел совещание номер 0."
    assert texts[-1] == "Министр доложил о бюджете, пункт 2."


@pytest.mark.parametrize(
    ("line", "encoding"), [("Café crème brûlée in Kazan", "cp1252"), ("Zażółć gęślą", "cp1250")]
)
def test_a_latin_line_in_a_utf8_feed_is_read_in_its_own_page(
    tmp_path: Path, line: str, encoding: str
) -> None:
    """One line of a UTF-8 feed in a Western European page: its detector, given one short
    line, took it for a Baltic DOS page ("Cafķ crĶme br¹lķe")."""
    rows = ['{"text": "The council met on Monday."}', f'{{"text": "{line}"}}']
    data = rows[0].encode() + b"\n" + rows[1].encode(encoding) + b"\n"
    (tmp_path / "feed.jsonl").write_bytes(data)
    texts = [d.content for d in iter_documents([str(tmp_path / "feed.jsonl")])]
    assert texts == ["The council met on Monday.", line]


def test_a_feed_line_with_a_bom_or_a_body_of_another_type(tmp_path: Path) -> None:
    """Feeds concatenated (a BOM at a line's start mid-file) lost that line as "not a JSON
    object"; a body given as a number was "no 'text' or 'html'", though one was given."""
    f = tmp_path / "feed.jsonl"
    f.write_bytes(
        b'{"text": 12345, "sitename": "Metro Wire"}\n\xef\xbb\xbf{"text": "Body after a BOM."}\n'
    )
    first, second = iter_documents([str(f)])
    assert first.status == "empty" and "'text' is int" in (first.error or "")
    assert first.outlet == "Metro Wire"  # (its outlet's failed line, not an outlet of its own)
    assert second.status == "ok" and second.content == "Body after a BOM."
