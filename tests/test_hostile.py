"""Hostile input: a generated corpus of >= 1,000 bad inputs in >= 12 categories.

``provenance audit`` runs over all of it at once and must end with exit code 0 or 1
(1: some inputs failed, each named on stderr), no traceback, and exactly one row with
one status in ``articles.csv`` for every input: every file with a suffix we read, every
JSONL line, every manifest row naming a file that is not there.

Skipped by design (never in ``articles.csv``): files whose suffix provenance does not read
(``.pdf``, ``.bin``, no suffix...), dot files, ``README.md`` and ``manifest.csv``, symlinks
to folders inside the corpus (the walk does not follow them: the folder is read where it is), manifest rows naming a file that exists
outside the corpus (only files under the corpus are read).  A folder named like a file
(``folder.txt/``) is walked like any folder.

Each generator below returns ``{article name: category}``; the category decides which
statuses are acceptable (``ALLOWED``).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance.cli import cli
from provenance.ingest import _line_id, one_line, printable
from provenance.models import STATUSES
from provenance.settings import DEFAULTS, IngestSettings

ANY = frozenset(STATUSES)
FAILED = frozenset(STATUSES) - {"ok", "no-text"}
#: statuses each category may end with (an input of any category ends with exactly one)
ALLOWED: dict[str, frozenset[str]] = {
    "binary": frozenset({"binary"}),
    "random-bytes": frozenset({"binary", "undecodable", "ok", "no-text"}),
    "wrong-encoding": frozenset({"ok", "no-text", "undecodable", "binary"}),
    "empty": frozenset({"empty", "no-text"}),
    "no-main-text": frozenset({"no-text", "ok"}),
    "deep-nesting": frozenset({"no-text", "ok", "timeout", "failed"}),
    "huge-line": frozenset({"ok", "no-text", "timeout"}),
    "tiny-paragraphs": frozenset({"ok", "no-text", "timeout"}),
    "duplicates": frozenset({"ok"}),
    "mixed-scripts": frozenset({"ok", "no-text"}),
    "odd-names": frozenset({"ok"}),
    "jsonl": ANY,
    "jsonl-not-object": frozenset({"unreadable"}),
    "manifest-missing": frozenset({"missing"}),
    "manifest-formula": frozenset({"ok"}),
    "gzip": frozenset({"ok", "no-text", "unreadable", "too-large", "binary", "empty"}),
    "special-files": frozenset({"unreadable", "missing", "ok", "empty"}),
    "nul-bytes": frozenset({"ok", "no-text", "binary"}),
    "html-garbage": frozenset({"ok", "no-text", "undecodable", "binary", "failed", "timeout"}),
}

CYRILLIC = [
    "правительство",
    "министр",
    "совет",
    "бюджет",
    "река",
    "станция",
    "школа",
    "больница",
    "суд",
    "полиция",
]
EMOJI = ["🙂", "🚆", "🏛️", "👩🏽‍⚕️", "🇷🇺", "🔥"]
ODD = ["\u200b", "\u200f", "\u202e", "\u200d", "\ufeff", "e\u0301", "\u00a0", "\u2028"]

MAGIC = [b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"PK\x03\x04", b"\xff\xd8\xff\xe0", b"GIF89a"]
MAGIC += [b"\x7fELF\x02\x01", b"RIFF\x00\x00WAVE", b"\x00\x00\x01\x00", b"BZh91AY&SY"]


def _vocabulary(size: int = 6000) -> tuple[str, ...]:
    """Made-up words, so that unrelated generated texts share no word trigrams (no pairs)."""
    rng = random.Random(0)
    syllables = [c + v for c in "bdklmnrstv" for v in "aeiou"]
    return tuple(
        sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size)})
    )


VOCABULARY = _vocabulary()
STOP_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "said",
    "was",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "is",
    "it",
    "his",
    "her",
    "their",
]


def sentence(rng: random.Random, words: Sequence[str] = ()) -> str:
    """A sentence of ``words``, or of made-up words and English stop words (prose to a cleaner)."""
    n = rng.randint(12, 22)
    if words:
        picked = [rng.choice(words) for _ in range(n)]
    else:
        picked = [
            rng.choice(STOP_WORDS) if rng.random() < 0.4 else rng.choice(VOCABULARY)
            for _ in range(n)
        ]
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def prose(rng: random.Random, paragraphs: int = 4) -> str:
    return "\n\n".join(
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(paragraphs)
    )


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def article_html(text: str, head: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return page(f"<article><h1>Title</h1>{paras}</article>", head)


class Corpus:
    """Files written under ``root`` and what each should become."""

    def __init__(self, root: Path, seed: int = 6) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.expected: dict[str, str] = {}  # article name -> category
        self.skipped: set[str] = set()  # relative names skipped by design
        self.manifest: list[tuple[str, str, str]] = []  # file, outlet, role

    def add(self, category: str, rel: str, data: bytes | str, *, name: str | None = None) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.expect(category, name or rel)
        return path

    def expect(self, category: str, name: str) -> None:
        assert name not in self.expected, f"generator made {name!r} twice"
        self.expected[name] = category

    def count(self) -> Counter[str]:
        return Counter(self.expected.values())


# ------------------------------------------------------------------------- generators


def gen_binary(c: Corpus) -> None:
    for i in range(63):
        head = MAGIC[i % len(MAGIC)]
        suffix = (".txt", ".html", ".md")[i % 3]
        c.add("binary", f"binary/b{i:02}{suffix}", head + c.rng.randbytes(200 + 37 * i))


def gen_random_bytes(c: Corpus) -> None:
    for i in range(60):
        data = c.rng.randbytes(c.rng.randint(1, 5000))
        if i % 4 == 0:  # random high bytes: looks like some 8-bit codepage
            data = bytes(b | 0x80 for b in data)
        c.add("random-bytes", f"random/r{i:02}{('.txt', '.htm')[i % 2]}", data)


def gen_wrong_encoding(c: Corpus) -> None:
    rng = c.rng
    ru = " ".join(sentence(rng, CYRILLIC) for _ in range(6))
    for i in range(30):  # cp1251 bytes in a page that says it is UTF-8
        html = article_html(ru + f" {i}", '<meta charset="utf-8">')
        c.add("wrong-encoding", f"enc/cp1251-in-utf8-{i:02}.html", html.encode("cp1251"))
    for i in range(20):
        text = prose(rng, 2) + f" {i}"
        c.add("wrong-encoding", f"enc/utf16le-{i:02}.txt", text.encode("utf-16-le"))
    for i in range(10):
        c.add("wrong-encoding", f"enc/utf16be-{i:02}.txt", (ru + f" {i}").encode("utf-16-be"))
    for i in range(20):
        c.add("wrong-encoding", f"enc/koi8r-{i:02}.txt", (ru + f" {i}").encode("koi8-r"))
    for i in range(10):
        text = "Café résumé naïve façade " + prose(rng, 2)
        c.add("wrong-encoding", f"enc/latin1-{i:02}.txt", text.encode("latin-1"))
    for i in range(10):  # a page declaring a charset that does not exist, or utf-7
        charset = ("x-no-such-charset", "utf-7", "utf-32", "")[i % 4]
        html = article_html(prose(rng, 2), f'<meta charset="{charset}">')
        c.add("wrong-encoding", f"enc/bogus-charset-{i:02}.html", html)


def gen_empty(c: Corpus) -> None:
    blanks = [b"", b" ", b"\n\n\n", b"\t \r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]
    blanks += ["\u00a0\u00a0".encode(), "\u200b\u200b".encode(), "\u3000".encode(), b"\x0c\x0b"]
    for i in range(88):
        suffix = (".txt", ".html", ".md", ".text", ".htm")[i % 5]
        c.add("empty", f"empty/e{i:02}{suffix}", blanks[i % len(blanks)] * (1 + i // 11))


def gen_no_main_text(c: Corpus) -> None:
    bodies = [
        "<script>var a = 1;</script>" * 20,
        "<style>p {color: red}</style>",
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>",
        "<!-- nothing here -->",
        "<form><input name=q><button>Search</button></form>",
        "<img src=x.png><img src=y.png>",
        "<footer>© 2025 Outlet</footer>",
        "<div></div>" * 100,
        "<noscript>Enable JavaScript</noscript>",
        "",
    ]
    for i in range(60):
        c.add("no-main-text", f"nomain/n{i:02}.html", page(bodies[i % len(bodies)]))


def gen_deep_nesting(c: Corpus) -> None:
    depth = 100_000
    for i, tag in enumerate(["div", "span", "table", "b", "li", "blockquote"]):
        body = f"<{tag}>" * depth + prose(c.rng, 1) + f"</{tag}>" * depth
        c.add("deep-nesting", f"deep/closed-{i}-{tag}.html", page(body))
        c.add("deep-nesting", f"deep/unclosed-{i}-{tag}.html", page(f"<{tag}>" * depth + "x"))
    c.add("deep-nesting", "deep/mixed.html", page("<div><p><span><a>" * 25_000))


def gen_huge_line(c: Corpus) -> None:
    c.add("huge-line", "huge/words.txt", " ".join(sentence(c.rng) for _ in range(12_000)))
    c.add("huge-line", "huge/one-word.txt", "a" * 2_000_000)
    c.add("huge-line", "huge/one-line.html", page("<p>" + "word " * 300_000 + "</p>"))
    c.add("huge-line", "huge/attribute.html", page(f"<p title='{'x' * 2_000_000}'>Hello</p>"))


def gen_tiny_paragraphs(c: Corpus) -> None:
    c.add("tiny-paragraphs", "tiny/words.txt", "\n\n".join(["word"] * 20_000))
    c.add("tiny-paragraphs", "tiny/lines.txt", "\n".join(["x."] * 30_000))
    c.add("tiny-paragraphs", "tiny/paras.html", page("<p>a</p>" * 20_000))
    c.add("tiny-paragraphs", "tiny/brs.html", page("word<br>" * 20_000))


def gen_duplicates(c: Corpus) -> None:
    for g in range(40):
        text = prose(c.rng, 3)
        for k in range(3):
            c.add("duplicates", f"dup/group{g:02}-copy{k}.txt", text)


SCRIPTS = {  # letters of scripts the mixed-script pages draw made-up words from
    "cyrillic": (0x430, 0x44F),
    "arabic": (0x627, 0x64A),
    "cjk": (0x4E00, 0x9FA5),
    "greek": (0x3B1, 0x3C9),
    "hebrew": (0x5D0, 0x5EA),
    "devanagari": (0x915, 0x939),
}


def script_word(rng: random.Random, script: str) -> str:
    low, high = SCRIPTS[script]
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(3, 7)))


def gen_mixed_scripts(c: Corpus) -> None:
    rng = c.rng
    for i in range(100):
        words = [script_word(rng, script) for script in SCRIPTS for _ in range(3)]
        words += rng.sample(VOCABULARY, 4) + rng.sample(EMOJI, 2) + rng.sample(ODD, 3)
        rng.shuffle(words)
        text = "\n\n".join(" ".join(words) + " " + sentence(rng) for _ in range(3))
        if i % 2:
            c.add(
                "mixed-scripts", f"mixed/m{i:02}.html", article_html(text, '<meta charset="utf-8">')
            )
        else:
            c.add("mixed-scripts", f"mixed/m{i:02}.txt", text)


def gen_odd_names(c: Corpus) -> None:
    names = [
        "with space.txt",
        "  leading spaces.txt",
        "-leading-dash.txt",
        "--help.txt",
        "=formula.txt",
        "+plus.txt",
        "@at.txt",
        "new\nline.txt",
        "tab\there.txt",
        "cr\rhere.txt",
        "bell\x07.txt",
        "esc\x1b[31m.txt",
        "del\x7f.txt",
        "colon:name.txt",
        "pipe|name.txt",
        "quote\"name'.txt",
        "semi;colon,comma.txt",
        "Ünïcödé.txt",
        "e\u0301-nfd.txt",
        "é-nfc.txt",
        "кириллица.txt",
        "عربي.txt",
        "中文.txt",
        "emoji-🙂.txt",
        "rtl-\u202eevil.txt",
        "zero\u200bwidth.txt",
        "dots...txt",
        "x" * 200 + ".txt",
        "UPPER.TXT",
        "double.txt.txt",
        "star*q?.txt",
        "back\\slash.txt",
        "percent%20.txt",
        "..dotdot.txt",
        "CON.txt",
    ]
    for i, name in enumerate(names):
        if name.startswith("."):  # dot files are skipped by design
            (c.root / "names" / name).write_text(prose(c.rng, 1))
            c.skipped.add(f"names/{name}")
        else:
            c.add("odd-names", f"names/{name}", prose(c.rng, 2) + f" {i}")
        c.add("odd-names", f"names/copy-{i:02}-{name}"[:250], prose(c.rng, 2) + f" {i}")
    # a name that is not valid UTF-8: os.walk gives it back with surrogate escapes
    raw = os.fsdecode(b"names/latin1-\xe9\xff.txt")
    c.add("odd-names", raw, prose(c.rng, 2))


def gen_jsonl(c: Corpus) -> None:
    """JSONL feeds; each line is an input named by its id (or ``file:line``)."""
    lines: list[tuple[str, str | None, str]] = []  # (json line, expected name or None, category)

    def obj(category: str, record: dict[str, object], name: str | None = None) -> None:
        # ensure_ascii=False leaves U+2028, U+2029 and \x85 raw: str.splitlines() would cut there
        lines.append((json.dumps(record, ensure_ascii=False), name, category))

    rng = c.rng
    stem = "feeds/feed"
    for i in range(20):  # ids that try to climb out or look like paths
        bad = ["../../etc/passwd", "/abs/path", "..", ".", "a/../../b", "C:\\win", "x\x00y"][i % 7]
        obj("jsonl", {"id": f"{bad}-{i}", "text": prose(rng, 2), "outlet": "Feed"})
    for i in range(20):  # lone surrogates and other odd escapes (written raw below)
        lines.append(
            (f'{{"id": "sur-{i}", "text": "A \\ud800 lone \\udfff surrogate. {sentence(rng)}"}}',
             f"{stem}:sur-{i}", "jsonl")
        )  # fmt: skip
    for i in range(20):
        kinds = [{"text": None}, {"text": 5}, {"text": ["a"]}, {"html": {"a": 1}}, {}]
        obj("jsonl", {"id": f"notext-{i}", **kinds[i % 5]})
    for i in range(15):
        obj("jsonl", {"id": f"html-{i}", "html": article_html(prose(rng, 2))})
    for i in range(15):  # outlets with formula characters and pipes
        outlet = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "a|b|c"][i % 5] + f" {i}"
        obj("jsonl", {"id": f"outlet-{i}", "text": prose(rng, 2), "outlet": outlet})
    for i in range(12):  # line breaks, NUL and control characters in one-line metadata
        odd = ["a\rb", "a\nb", "a\r\nb", "a\x00b", "a\x1b[31mb", "=a\rb"][i % 6]
        obj("jsonl", {"id": f"meta-{i}", "text": prose(rng, 1), "title": odd, "outlet": odd})
    for i in range(10):  # role and dates of the wrong type
        obj("jsonl", {"id": f"types-{i}", "text": prose(rng, 2), "role": i, "published": [1]})
    for i in range(12):  # ids used twice: renamed id~2
        obj("jsonl", {"id": f"twice-{i}", "text": prose(rng, 1)})
        obj("jsonl", {"id": f"twice-{i}", "text": prose(rng, 1)}, f"{stem}:twice-{i}~2")
    # an id naming a file of the corpus: the feed's own, no clash
    obj("jsonl", {"id": "dup/group00-copy0.txt", "text": prose(rng, 1)})
    for i, sep in enumerate(["\u2028", "\u2029", "\x85", "\x0c", "\x1c"]):
        obj("jsonl", {"id": f"separator-{i}", "text": prose(rng, 1) + sep + prose(rng, 1)})
    body: list[str] = []
    given: Counter[str] = Counter()

    def line_name(key: str) -> str:  # an article with no id: a hash of its line (~2: again)
        name = _line_id(stem, key)
        given[name] += 1
        return name if given[name] == 1 else f"{name}~{given[name]}"

    for line, name, category in lines:
        body.append(line)
        if name is None:
            own = one_line(json.loads(line).get("id") or "")
            name = f"{stem}:{own}" if own else line_name(line)
        c.expect(category, name)
    not_objects = ["[1, 2]", "42", '"text"', "null", "true", "{broken", "{'single': 1}", "}{"]
    not_objects += ["[" * 100_000 + "]" * 100_000, '{"a": ' * 50_000 + "1" + "}" * 50_000]
    for extra in not_objects * 3:
        body.append(extra)
        c.expect("jsonl-not-object", line_name(extra))
    path = c.root / "feeds" / "feed.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(body) + "\n", encoding="utf-8", errors="surrogatepass")
    # a JSONL file that is itself broken
    c.add("jsonl", "feeds/binary.jsonl", b"\x89PNG\r\n\x1a\n" + c.rng.randbytes(100))
    c.add("jsonl", "feeds/empty.jsonl", b"")
    c.add("jsonl", "feeds/blank.jsonl", b"\n  \n\n")


def gen_manifest(c: Corpus) -> None:
    """Manifest rows: formula-like outlets for real files; rows naming absent files."""
    outlets = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "a|b", "\tTab", "\rCR"]
    outlets += ['=HYPERLINK("http://x")', "|pipe|", "Outlet, with comma", 'Q"uote']
    outlets += ["Two\r\nlines", "C\rR", "N\x00UL"]
    for i in range(44):
        rel = f"outlets/o{i:02}.txt"
        c.add("manifest-formula", rel, prose(c.rng, 2) + f" {i}")
        c.manifest.append((rel, outlets[i % len(outlets)], "source" if i % 11 == 0 else ""))
    for i in range(30):
        rel = f"gone/missing-{i:02}.txt"
        c.manifest.append((rel, outlets[i % len(outlets)], ""))
        c.expect("manifest-missing", rel)
    outside = c.root.parent / "outside.txt"
    outside.write_text(prose(c.rng, 1))
    c.manifest.append(("../outside.txt", "Outside", ""))  # exists outside: not read
    c.manifest.append(("../../../../../../../../no/such/abs.txt", "Abs", ""))
    c.expect("manifest-missing", "abs.txt")
    c.manifest.append(("../no-such-outside.txt", "Gone", ""))
    c.expect("manifest-missing", "no-such-outside.txt")


def gen_gzip(c: Corpus) -> None:
    good = gzip.compress(article_html(prose(c.rng, 2)).encode())
    for i in range(10):
        c.add("gzip", f"gz/good-{i:02}.html.gz", good)
    for i in range(10):
        c.add("gzip", f"gz/truncated-{i:02}.html.gz", good[: 10 + i * 5])
    c.add("gzip", "gz/not-gzip.txt.gz", prose(c.rng, 1))
    c.add("gzip", "gz/binary-inside.txt.gz", gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(500)))
    c.add("gzip", "gz/empty-inside.txt.gz", gzip.compress(b""))
    c.add("gzip", "gz/empty.txt.gz", b"")
    c.add("gzip", "gz/double.txt.gz", gzip.compress(gzip.compress(b"hello world")))
    # a bomb: 64 members of 16 MB of zeros each, 1 GB decompressed, ~1 MB on disk
    member = gzip.compress(bytes(16_000_000), compresslevel=9)
    c.add("gzip", "gz/bomb.txt.gz", member * 64)
    c.add("gzip", "gz/bomb-text.jsonl.gz", gzip.compress(b"{}\n" * 100) + member * 64)


def gen_special_files(c: Corpus) -> None:
    d = c.root / "special"
    d.mkdir()
    (d / "loop-a.txt").symlink_to("loop-b.txt")
    (d / "loop-b.txt").symlink_to("loop-a.txt")
    (d / "self.txt").symlink_to("self.txt")
    (d / "dangling.txt").symlink_to("no-such-target.txt")
    for name in ("loop-a.txt", "loop-b.txt", "self.txt", "dangling.txt"):
        c.expect("special-files", f"special/{name}")
    if Path("/dev/zero").exists():
        (d / "zero.txt").symlink_to("/dev/zero")
        c.expect("special-files", "special/zero.txt")
    os.mkfifo(d / "fifo.txt")
    c.expect("special-files", "special/fifo.txt")
    locked = c.add("special-files", "special/locked.txt", prose(c.rng, 1))
    locked.chmod(0)
    c.add("special-files", "special/folder.txt/inside.txt", prose(c.rng, 1))
    (d / "dirlink.html").symlink_to(d / "folder.txt", target_is_directory=True)
    c.skipped.add("special/dirlink.html")


def gen_nul_bytes(c: Corpus) -> None:
    for i in range(60):
        text = prose(c.rng, 2).encode()
        step = (5, 50, 500, 5000)[i % 4]
        data = b"\x00".join(text[j : j + step] for j in range(0, len(text), step))
        if i % 10 == 9:
            data = b"\x00" * 1000
        c.add("nul-bytes", f"nul/z{i:02}{('.txt', '.html')[i % 2]}", data)


def gen_html_garbage(c: Corpus) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10 if k > 1 else "&lol;" * 10}">'
            for k in range(1, 10)
        )
        + "]><html><body><p>&lol9;</p></body></html>"
    )
    pieces = [
        page("<p>unclosed comment <!-- " + prose(c.rng, 1)),
        page("<script>" + prose(c.rng, 1)),
        page("<![CDATA[" + prose(c.rng, 1) + "]]>"),
        page("<?php echo 1; ?><p>" + prose(c.rng, 1) + "</p>"),
        page("<p " + " ".join(f"a{k}=1" for k in range(10_000)) + ">x</p>"),
        page("<p>&#xD800; &#0; &#xFFFFFFFF; &#99999999999; &bogus; &amp</p>" + prose(c.rng, 1)),
        laughs,
        "<html><body><p>" + "</div>" * 10_000 + prose(c.rng, 1),
        "<" * 50_000,
        "<html>" * 10_000,
        page("<svg><foreignObject><math><mi><table><p>" + prose(c.rng, 1)),
        page("<p>" + prose(c.rng, 1) + "</p>").replace("<", "\u003c\x00", 3),
    ]
    for i in range(48):
        c.add(
            "html-garbage",
            f"garbage/g{i:02}{('.html', '.xhtml', '.htm')[i % 3]}",
            pieces[i % len(pieces)] + f"<!-- {i} -->",
        )


def gen_unread_suffixes(c: Corpus) -> None:
    for rel in [
        "skip/doc.pdf",
        "skip/noext",
        "skip/data.bin",
        "skip/table.csv",
        "skip/.hidden.txt",
    ]:
        path = c.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(prose(c.rng, 1))
        c.skipped.add(rel)
    (c.root / "README.md").write_text("# not an article\n")
    c.skipped.add("README.md")


GENERATORS: list[Callable[[Corpus], None]] = [
    gen_binary,
    gen_random_bytes,
    gen_wrong_encoding,
    gen_empty,
    gen_no_main_text,
    gen_deep_nesting,
    gen_huge_line,
    gen_tiny_paragraphs,
    gen_duplicates,
    gen_mixed_scripts,
    gen_odd_names,
    gen_jsonl,
    gen_manifest,
    gen_gzip,
    gen_special_files,
    gen_nul_bytes,
    gen_html_garbage,
    gen_unread_suffixes,
]


def build(root: Path) -> Corpus:
    c = Corpus(root)
    root.mkdir(parents=True)
    for generate in GENERATORS:
        generate(c)
    with (root / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "outlet", "role"])
        writer.writerows(c.manifest)
    return c


# ------------------------------------------------------------------------------ checks


def cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def plain(cell: str) -> str:
    """A CSV cell without the leading ``'`` that neutralises formulas."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def shown(name: str) -> str:
    """A name as the reports hold it: undecodable bytes of a file name as ``\\xe9``."""
    return printable(name)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, Path, object, float]:
    base = tmp_path_factory.mktemp("hostile")
    corpus = build(base / "corpus")
    out = base / "out"
    config = base / "config.toml"
    config.write_text("[ingest]\ndoc_seconds = 10.0\npair_seconds = 20.0\n")
    start = time.monotonic()
    result = CliRunner().invoke(
        cli, ["audit", str(corpus.root), "--out", str(out), "--config", str(config), "-j", "2"]
    )
    return corpus, out, result, time.monotonic() - start


def test_generated_corpus_is_big_and_varied(hostile) -> None:  # type: ignore[no-untyped-def]
    corpus = hostile[0]
    counts = corpus.count()
    assert len(counts) >= 12, counts
    assert sum(counts.values()) >= 1000, counts


def test_audit_survives(hostile) -> None:  # type: ignore[no-untyped-def]
    _corpus, _out, result, seconds = hostile
    assert result.exit_code in (0, 1), (result.exception, result.stderr[-3000:])
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert "inputs failed" in result.stderr.splitlines()[-1]
    assert seconds < 120, f"audit of the hostile corpus took {seconds:.0f} s"


def test_every_input_has_exactly_one_status(hostile) -> None:  # type: ignore[no-untyped-def]
    corpus, out, _result, _seconds = hostile
    rows = cells(out / "articles.csv")
    names = Counter(plain(r["article"]) for r in rows)
    twice = {n: k for n, k in names.items() if k > 1}
    assert not twice, f"articles listed more than once: {twice}"
    expected = {shown(n): cat for n, cat in corpus.expected.items()}
    absent = sorted(set(expected) - set(names))
    assert not absent, f"{len(absent)} inputs have no row: {absent[:20]}"
    extra = sorted(set(names) - set(expected))
    assert not extra, f"rows for no generated input: {extra[:20]}"
    wrong = []
    for r in rows:
        name = plain(r["article"])
        allowed = ALLOWED[expected[name]]
        # any page that is read may be the same as another (see the duplicates' own test)
        if r["status"] not in (allowed | {"duplicate"} if "ok" in allowed else allowed):
            wrong.append((expected[name], name[:60], r["status"]))
    assert not wrong, wrong[:30]
    assert {shown(s) for s in corpus.skipped}.isdisjoint(names)


def test_a_page_saved_thrice_is_audited_once(hostile) -> None:  # type: ignore[no-untyped-def]
    out = hostile[1]
    rows = cells(out / "articles.csv")
    dup = [r for r in rows if re.fullmatch(r"dup/group\d\d-copy\d\.txt", plain(r["article"]))]
    assert len(dup) == 120
    kept = sorted(plain(r["article"]) for r in dup if r["status"] == "ok")
    assert kept == [f"dup/group{g:02}-copy0.txt" for g in range(40)]


def test_csv_cells_are_neutralised(hostile) -> None:  # type: ignore[no-untyped-def]
    out = hostile[1]
    for name in ("articles.csv", "passages.csv", "outlets.csv", "outlet_sources.csv"):
        with (out / name).open(encoding="utf-8", newline="") as fh:
            widths = {len(row) for row in csv.reader(fh)}
        assert len(widths) == 1, f"{name}: a cell broke its row ({widths})"
        for row in cells(out / name):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    outlets = {plain(r["outlet"]) for r in cells(out / "articles.csv")}
    assert {"=1+1", "a|b", "@SUM(A1:A2)", "-2+3", "+cmd|' /C calc'!A0"} <= outlets


# --------------------------------------------------------------------------- big files


@pytest.mark.slow
def test_100_mb_file(tmp_path: Path) -> None:
    """Over the default cap: too-large without reading it; with the cap raised: a status."""
    from provenance.extract import extract_all
    from provenance.ingest import iter_documents

    big = tmp_path / "big.txt"
    line = (" ".join(VOCABULARY[:20]) + ".\n").encode()
    with big.open("wb") as fh:
        for _ in range(100_000_000 // (len(line) * 1000) + 1):
            fh.write(line * 1000)
    assert big.stat().st_size >= 100_000_000
    (doc,) = iter_documents([str(big)])
    assert doc.status == "too-large" and "cap" in (doc.error or "")
    raised = DEFAULTS.replace(ingest=IngestSettings(max_bytes=200_000_000, doc_seconds=5.0))
    start = time.monotonic()
    (doc,) = iter_documents([str(big)], settings=raised)
    assert doc.status == "ok"
    (article,) = extract_all([doc], settings=raised)
    assert article.status in ("ok", "no-text", "timeout")
    assert time.monotonic() - start < 60


def test_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    from provenance.ingest import iter_documents

    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(bytes(16_000_000), compresslevel=9) * 8)
    small = DEFAULTS.replace(ingest=IngestSettings(max_bytes=10_000_000))
    (doc,) = iter_documents([str(bomb)], settings=small)
    assert doc.status == "too-large"


def test_codecs_of_generated_text() -> None:
    # the wrong-encoding generator relies on these codecs existing
    for name in ("cp1251", "koi8-r", "utf-16-le", "utf-16-be", "latin-1"):
        codecs.lookup(name)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(encoding: str) -> None:
    from provenance.ingest import decode

    text = "Депутат заявил журналистам, что закон примут в среду. The bill passed."
    assert decode(text.encode(encoding)) == (text, encoding)


# ---------------------------------------------------------------- killable workers, end to end


def _misbehave(text: str) -> None:
    """Hang on HANG, kill the worker on CRASH (as a segfaulting parser would)."""
    if "HANG" in text:
        time.sleep(3600)
    if "CRASH" in text:
        os._exit(11)


def test_extraction_hang_and_crash_end_with_a_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import provenance.extract as extract

    real = extract.extract_document

    def extract_document(doc, **kwargs):  # type: ignore[no-untyped-def]
        _misbehave(doc.content)
        return real(doc, **kwargs)

    monkeypatch.setattr(extract, "extract_document", extract_document)  # forked workers see it
    rng = random.Random(1)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a-good.txt").write_text(prose(rng, 2))
    (corpus / "b-hang.txt").write_text(prose(rng, 2) + " HANG")
    (corpus / "c-crash.txt").write_text(prose(rng, 2) + " CRASH")
    (corpus / "d-good.txt").write_text(prose(rng, 2))
    config = tmp_path / "config.toml"
    config.write_text("[ingest]\ndoc_seconds = 1.0\n")
    start = time.monotonic()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["audit", str(corpus), "--out", str(out), "--config", str(config)]
    )
    assert time.monotonic() - start < 30
    assert result.exit_code == 1, (result.exception, result.stderr)
    status = {r["article"]: r["status"] for r in cells(out / "articles.csv")}
    assert status == {
        "a-good.txt": "ok",
        "b-hang.txt": "timeout",
        "c-crash.txt": "failed",
        "d-good.txt": "ok",
    }
    assert "b-hang.txt: extraction took more than 1 s" in result.stderr
    assert "c-crash.txt: extraction failed (worker process died (exit code 11))" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pair_that_hangs_is_skipped_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import provenance.pipeline as pipeline
    from provenance.settings import load

    real = pipeline._pair_rows

    def pair_rows(aligner, a, b):  # type: ignore[no-untyped-def]
        _misbehave(a.text + b.text)
        return real(aligner, a, b)

    monkeypatch.setattr(pipeline, "_pair_rows", pair_rows)
    rng = random.Random(2)
    shared, stuck = prose(rng, 2), prose(rng, 2)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(shared + "\n\n" + prose(rng, 1))
    (corpus / "b.txt").write_text(shared + "\n\n" + prose(rng, 1))
    (corpus / "x.txt").write_text(stuck + "\n\nHANG " + prose(rng, 1))
    (corpus / "y.txt").write_text(stuck + "\n\n" + prose(rng, 1))
    config = tmp_path / "config.toml"
    config.write_text("[ingest]\npair_seconds = 1.0\n")
    settings = load(config)
    runs = {}
    for jobs in (1, 2):
        start = time.monotonic()
        runs[jobs] = pipeline.audit([str(corpus)], settings=settings, jobs=jobs)
        assert time.monotonic() - start < 30
    passages = runs[1].tables.passages
    assert set(passages["article"]) == {"a.txt", "b.txt"}  # x/y skipped, a/b aligned
    assert runs[1].tables.passages.equals(runs[2].tables.passages)
    assert runs[1].skipped == [
        "aligning x.txt with y.txt took more than 1 s; pair skipped - raise [ingest] pair_seconds"
    ]


def test_a_skipped_pair_exits_1_and_is_tried_again_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The figures of a skipped pair's articles lack its passages: the run says so (exit 1)
    and the next run, with nothing changed, does not take the published reports as done."""
    import provenance.pipeline as pipeline

    real = pipeline._pair_rows
    hang = {"on": True}

    def pair_rows(aligner, a, b):  # type: ignore[no-untyped-def]
        if hang["on"]:
            _misbehave(a.text + b.text)
        return real(aligner, a, b)

    monkeypatch.setattr(pipeline, "_pair_rows", pair_rows)
    rng = random.Random(3)
    stuck = prose(rng, 2)
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "x.txt").write_text(stuck + "\n\nHANG " + prose(rng, 1))
    (corpus / "y.txt").write_text(stuck + "\n\n" + prose(rng, 1))
    config = tmp_path / "config.toml"
    config.write_text("[ingest]\npair_seconds = 1.0\n")
    out = tmp_path / "out"
    args = ["audit", str(corpus), "--out", str(out), "--config", str(config), "-j", "2"]
    first = CliRunner().invoke(cli, [*args, "-q"])  # (named even so, as failed inputs are)
    assert first.exit_code == 1, (first.exception, first.stderr)
    assert "provenance: aligning x.txt with y.txt took more than 1 s; pair skipped" in first.stderr
    assert "1 pairs skipped" in first.stderr and not cells(out / "passages.csv")
    hang["on"] = False  # (the next night it goes through)
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, (second.exception, second.stderr)
    assert {r["article"] for r in cells(out / "passages.csv")} == {"x.txt", "y.txt"}
