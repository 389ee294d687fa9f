"""What changed since the previous run: new and changed articles, new copied passages,
outlets whose originality moved by more than a threshold.

A run saves a small *snapshot* (article content hashes, passage keys, outlet shares);
the next run compares itself with it and writes ``changes.csv`` and ``changes.md``.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # (pandas, which it needs, takes a while to import: a no-change run never does)
    from provenance.aggregate import AuditTables

CHANGE_COLUMNS = ("change", "outlet", "article", "source", "detail", "before", "after")
#: changes.csv of a run that changed nothing (what report.csv_text writes for no rows)
NO_CHANGES_CSV = ",".join(CHANGE_COLUMNS) + "\n"
#: change kinds, in report order
KINDS = (
    "settings-changed",
    "new-article",
    "renamed-article",
    "changed-article",
    "removed-article",
    "new-passage",
    "originality-moved",
)
#: the snapshot's passage identities: 3 = [article file, source file (or, for a source whose
#: text is not in the corpus, its name), passage text hash], so that naming an outlet makes no
#: passage new, and a renamed file's passages are found under its new name; 1 (no
#: "identity" key) = a string with the names of the article, its source outlet and file
IDENTITY = 3
#: an article's metadata the changes name when it alone changed
_META = ("outlet", "role", "published")
#: statuses of an input that was audited ("duplicate": a second copy of another article is
#: audited as that one); any other is an input that failed this time: a file emptied, cut
#: off, or missing though the manifest lists it, a folder empty or unmounted
_SETTLED = ("ok", "duplicate")

Identity = tuple[str, str, str]


def _text_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(str(row["text"]).encode("utf-8", "replace")).hexdigest()[:16]


def passage_key(row: Mapping[str, Any]) -> str:
    """A passage's identity in version 1 snapshots (by file and outlet names)."""
    return f"{row['article']}|{row['source']}|{row['source_article'] or ''}|{_text_hash(row)}"


def passage_id(row: Mapping[str, Any]) -> Identity:
    """A passage's identity: its article's file, its source's file (or the source's name
    when its text is not in the corpus), and a hash of its own text."""
    source = str(row["source_article"] or "") or f"@{row['source']}"
    return str(row["article"]), source, _text_hash(row)


def _passage_id_v2(row: Mapping[str, Any], hashes: Mapping[str, str]) -> str:
    """A passage's identity in version 2 snapshots (by the whole texts' contents), to read
    a state that version wrote once."""
    article = hashes.get(str(row["article"]), str(row["article"]))
    source_article = str(row["source_article"] or "")
    source = hashes.get(source_article, source_article) if source_article else str(row["source"])
    return f"{article[:16]}|{source[:16] if source_article else source}|{_text_hash(row)}"


def _identities(previous: Mapping[str, Any] | None) -> set[Identity]:
    """The passage identities of a version 3 snapshot."""
    found = (previous or {}).get("passages", [])
    return {(str(p[0]), str(p[1]), str(p[2])) for p in found if isinstance(p, list) and len(p) == 3}


#: the passage columns a snapshot and the changes read
_READ = (
    "article",
    "outlet",
    "source",
    "source_article",
    "text",
    "kind",
    "credited",
    "quote",
    "start",
    "end",
)


def counted(tables: AuditTables) -> list[dict[str, Any]]:
    """Passage rows that count in the shares (order-unknown ones do not), with the columns
    the changes read (a corpus has thousands: not every column of every row)."""
    p = tables.passages
    if p.empty:
        return []
    keep = p["direction"] != "order-unknown"
    rows = cast(
        list[dict[str, Any]], p.loc[keep, [c for c in _READ if c in p.columns]].to_dict("records")
    )
    return rows


def _unaudited(tables: AuditTables) -> dict[str, str]:
    """{article: status} of this run's inputs that could not be audited (``_unread``)."""
    a = tables.articles
    if a.empty or "status" not in a.columns:
        return {}
    return {
        str(n): str(status)
        for n, status in zip(a["article"], a["status"], strict=True)
        if status not in _SETTLED
    }


def _unread(
    tables: AuditTables,
    before: Iterable[str] = (),
    inputs: Mapping[str, str] | None = None,
    before_inputs: Mapping[str, str] | None = None,
    moved: Collection[str] = (),
) -> set[str]:
    """The articles of this run's inputs that could not be audited (a file emptied or cut
    off while the scraper wrote it, missing though the manifest lists it, a page that timed
    out): not removed.  Of the articles known ``before``, so are those of an input that
    failed as a whole or in part: a JSONL feed that could not be read at all (emptied, over
    the size cap), with a line that is not JSON or whose last line was cut off (the lines
    after it not written yet), a corpus folder empty or unmounted.

    ``inputs``: {article: its input's absolute path} of this run (a feed's lines, the
    feed's); ``before_inputs``: the previous run's (the snapshot's ``inputs``); ``moved``:
    articles known before whose content this run read under another name (moved out of a
    folder now empty: renamed, not failed)."""
    unread = _unaudited(tables)
    feeds = set()
    for name, status in unread.items():
        path = (inputs or {}).get(name)
        # (a file may be cut-off too, its manifest row cut: "herald_10:30.txt" is no feed)
        if status == "cut-off" and (path is None or _FEED.fullmatch(path)):
            feeds.add(name.rsplit(":", 1)[0] + ":")
        else:
            match = _FEED.fullmatch(name)
            if match is not None:
                feeds.add(match.group(1) + ":")
    found = set(unread)
    if feeds:
        found |= {n for n in before if n.startswith(tuple(feeds))}
    failed = _inside(_failed_inputs(unread, inputs or {}), before, before_inputs or {})
    gone_elsewhere = {n for n in moved if n in failed or unread.get(n) == "missing"}
    return (found | failed) - gone_elsewhere


def _moved(before: Mapping[str, str], hashes: Mapping[str, str]) -> set[str]:
    """The articles of ``before`` ({name: content hash}) whose content this run's ``hashes``
    hold under a name new this run (not a copy known before: a reprint of the same bytes)."""
    arrived = {digest for name, digest in hashes.items() if name not in before}
    return {name for name, digest in before.items() if digest in arrived and name not in hashes}


def _failed_inputs(unread: Iterable[str], inputs: Mapping[str, str]) -> set[str]:
    return {inputs[name] for name in unread if name in inputs}


def _inside(failed: set[str], names: Iterable[str], inputs: Mapping[str, str]) -> set[str]:
    """Those of ``names`` whose input (in ``inputs``) is one of the ``failed`` paths or lies
    in one of them (a folder)."""
    if not failed:
        return set()
    folders = tuple(f.rstrip(os.sep) + os.sep for f in failed)
    return {
        n for n in names if n in inputs and (inputs[n] in failed or inputs[n].startswith(folders))
    }


#: a JSONL feed's name (its lines are named after its stem, "wire:<id>")
_FEED = re.compile(r"(?i)(.+)\.jsonl(?:\.gz)?")


def _text_hashes(tables: AuditTables) -> dict[str, str]:
    """A digest of each article's main text (its file's may change where the text does not:
    a page's metadata, its furniture)."""
    return {
        str(name): hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        for name, text in tables.texts.items()
    }


def _metadata(tables: AuditTables) -> dict[str, list[str]]:
    a = tables.articles
    columns = [a[c].astype(str).tolist() for c in _META]
    return {str(n): list(values) for n, *values in zip(a["article"], *columns, strict=True)}


def snapshot(
    tables: AuditTables,
    hashes: Mapping[str, str],
    previous: Mapping[str, Any] | None = None,
    *,
    settings: str = "",
    inputs: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the next run compares itself with.  An article that could not be audited this
    time keeps what the ``previous`` snapshot had of it, and the passages known before stay
    known, so that when it is read again unchanged, no passage is new (nor alerted on) and
    it was never "removed".
    ``settings``: a digest of the settings and sources of the run; ``inputs``: {article:
    its input's absolute path}, kept so that the next run knows the articles of an input
    that fails then (see :func:`_unread`)."""
    articles = dict(hashes)
    metadata = _metadata(tables)
    passages = {passage_id(r) for r in counted(tables)}
    known = set((previous or {}).get("articles", {}))
    paths = dict(inputs or {})
    before_inputs = (previous or {}).get("inputs", {})
    moved = _moved((previous or {}).get("articles", {}), hashes)
    kept = _unread(tables, known, inputs, before_inputs, moved) & known - set(hashes)
    if kept and previous is not None and previous.get("identity") == IDENTITY:
        for name in kept:
            articles[name] = previous["articles"][name]
            if name in previous.get("metadata", {}):
                metadata[name] = previous["metadata"][name]
            if name in before_inputs:
                paths[name] = before_inputs[name]
        # every passage known before stays known: its own, the other articles' passages
        # taken from it, and those its absence changed (upstream material others share)
        passages |= _identities(previous)
    unaudited = {n: st for n, st in _unaudited(tables).items() if n not in articles}
    return {
        "identity": IDENTITY,
        "settings": settings,
        "articles": dict(sorted(articles.items())),
        # inputs never audited yet (no main text, failed): named once as new, not each night
        "unaudited": dict(sorted(unaudited.items())),
        "metadata": metadata,
        "inputs": {n: p for n, p in sorted(paths.items()) if n in articles},
        "texts": {
            n: h
            for n, h in sorted(
                {**(previous or {}).get("texts", {}), **_text_hashes(tables)}.items()
            )
            if n in articles
        },
        "passages": [list(p) for p in sorted(passages)],
        "outlets": {
            str(r["outlet"]): float(r["original_share"])
            for r in tables.outlets.to_dict("records")
            if _figure(r["original_share"])
        },
    }


def compare(
    previous: Mapping[str, Any] | None,
    tables: AuditTables,
    hashes: Mapping[str, str],
    *,
    threshold: float,
    settings: str = "",
    inputs: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Change rows (CHANGE_COLUMNS) between the previous snapshot and this run (``inputs``:
    as :func:`snapshot` has them)."""
    before_articles: Mapping[str, str] = (previous or {}).get("articles", {})
    before_passages: set[Any] = set()
    if previous is not None and previous.get("identity") != IDENTITY:  # (version 1: strings)
        before_passages = {p for p in previous.get("passages", []) if isinstance(p, str)}
    before_outlets: Mapping[str, float] = (previous or {}).get("outlets", {})
    before_meta: Mapping[str, list[str]] = (previous or {}).get("metadata", {})
    by_identity = (previous or {}).get("identity") == IDENTITY
    outlet_of = dict(zip(tables.articles["article"], tables.articles["outlet"], strict=True))
    a_names = tables.articles["article"].tolist()
    a_status = (
        tables.articles["status"].tolist()
        if "status" in tables.articles.columns
        else ["ok"] * len(a_names)
    )
    rows: list[dict[str, Any]] = []

    def add(change: str, outlet: str, article: str = "", **kw: Any) -> None:
        rows.append(
            {
                "change": change,
                "outlet": outlet,
                "article": article,
                "source": "",
                "detail": "",
                "before": "",
                "after": "",
                **kw,
            }
        )

    before_settings = str((previous or {}).get("settings") or "")
    same_kind = before_settings.split(":", 1)[0] == settings.split(":", 1)[0]  # (see runner)
    if by_identity and before_settings and same_kind and before_settings != settings:
        add("settings-changed", "", detail="the settings or --source changed: figures may move")
    # a file still there as a second copy of another is audited as that one: not removed,
    # and the copy audited carries its passages (it may be a new file that sorts first)
    copies = {str(n) for n, st in zip(a_names, a_status, strict=True) if st == "duplicate"}
    unread = _unread(
        tables,
        before_articles,
        inputs,
        (previous or {}).get("inputs", {}),
        _moved(before_articles, hashes),
    )
    gone = sorted(set(before_articles) - set(hashes) - unread - copies)
    moved: dict[str, str] = {}  # the content of a file gone -> its old name
    for name in gone:
        moved.setdefault(before_articles[name], name)
    copied: dict[str, str] = {}  # the content of a file now a second copy -> its name
    for name in sorted(copies & set(before_articles)):
        copied.setdefault(before_articles[name], name)
    now_meta = _metadata(tables)
    before_texts: Mapping[str, str] = (previous or {}).get("texts", {})
    now_texts = _text_hashes(tables)
    renamed: dict[str, str] = {}  # old name -> new name
    for name in sorted(hashes):
        outlet = outlet_of.get(name, "")
        earlier = name
        if name not in before_articles:
            old = moved.pop(hashes[name], None)
            if old is None:
                twin = copied.get(hashes[name])
                if twin is not None:  # audited in the place of an earlier copy of its text
                    renamed[twin] = name
                add("new-article", outlet, name, detail=f"the same text as {twin}" if twin else "")
                continue
            add("renamed-article", outlet, name, before=old, after=name)
            gone.remove(old)
            renamed[old], earlier = name, old
        elif before_articles[name] != hashes[name] and (
            before_texts.get(name) is None or before_texts.get(name) != now_texts.get(name)
        ):  # (a file edited where its main text stayed, a page's date: its metadata, below)
            twin = copied.get(hashes[name])
            if twin is not None and twin != name:  # edited into a copy of a file now its copy
                renamed[twin] = name
            add("changed-article", outlet, name, detail="text")
            continue
        if earlier in before_meta and before_meta[earlier] != now_meta.get(name):
            then, later = before_meta[earlier], now_meta.get(name, [""] * len(_META))
            for field, a, b in zip(_META, then, later, strict=True):
                if a != b:
                    add("changed-article", outlet, name, detail=field, before=a, after=b)
    # a new input that could not be audited (no main text, failed): named once, as new
    seen_unaudited = (previous or {}).get("unaudited", {})
    for name, status in sorted(_unaudited(tables).items()):
        if name not in before_articles and seen_unaudited.get(name) != status:
            add("new-article", outlet_of.get(name, ""), name, detail=f"not audited: {status}")
    for name in gone:
        add("removed-article", "", name)
    if by_identity:  # (a renamed file's passages, and those taken from it, under its new name)
        before_passages = {
            (renamed.get(a, a), renamed.get(b, b), text) for a, b, text in _identities(previous)
        }
    version = (previous or {}).get("identity")
    for r in counted(tables):
        if by_identity:
            known: Any = passage_id(r)
        elif version == 2:
            known = _passage_id_v2(r, hashes)
        else:
            known = passage_key(r)
        if known not in before_passages:
            # a quotation is no copying: neither credited nor uncredited (nor alerted on)
            credit = "credited" if r["credited"] else "uncredited"
            how = "quotation" if r.get("quote") else credit
            detail = f"{r['kind'] or 'source text not in corpus'}; {how}"
            add(
                "new-passage",
                str(r["outlet"]),
                str(r["article"]),
                source=r["source"],
                detail=detail,
                after=f"{r['start']}-{r['end']}",
            )
    outlet_rows = cast(list[dict[str, Any]], tables.outlets.to_dict("records"))
    for r in outlet_rows:
        if not _figure(r["original_share"]):
            continue  # an outlet with no main text has no share to move
        outlet, now = str(r["outlet"]), float(r["original_share"])
        was = before_outlets.get(outlet)
        if was is not None and abs(now - was) > threshold:
            add("originality-moved", outlet, before=f"{was:.4f}", after=f"{now:.4f}")
    return sorted(
        rows,
        key=lambda x: (
            KINDS.index(x["change"]),
            x["outlet"],
            x["article"],
            _position(x["after"]),  # an article's new passages in text order
            x["source"],
            x["after"],
        ),
    )


def _figure(value: Any) -> bool:
    """Is ``value`` a share (not blank: None, NaN or "")?"""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


_CHARS = re.compile(r"([0-9]+)-([0-9]+)")


def _position(after: str) -> tuple[int, int]:
    """A passage's ``start-end`` as numbers (chars 756 before chars 1223); else (0, 0)."""
    found = _CHARS.fullmatch(after)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def new_uncredited(rows: Sequence[Mapping[str, Any]]) -> int:
    return sum(1 for r in rows if r["change"] == "new-passage" and "uncredited" in r["detail"])


def changes_md(rows: Sequence[Mapping[str, Any]], *, first_run: bool, threshold: float) -> str:
    """A short Markdown summary of the change rows."""
    lines = ["# Changes since the previous run", ""]
    if first_run:
        lines += ["First run: every article and passage is new.", ""]
    if not rows:
        lines += ["Nothing changed.", ""]
        return "\n".join(lines)
    counts = {k: sum(1 for r in rows if r["change"] == k) for k in KINDS}
    lines += [f"- {k}: {n}" for k, n in counts.items() if n]
    lines.append("")
    if any(r["change"] == "settings-changed" for r in rows):
        lines += [
            "The settings or the sources changed: figures may move with no article changed.",
            "",
        ]
    renamed = [r for r in rows if r["change"] == "renamed-article"]
    if renamed:
        lines += ["## Renamed articles (the same text: its passages are not new)", ""]
        lines += [f"- {_md(r['before'])} -> {_md(r['after'])}" for r in renamed]
        lines.append("")
    relabelled = [r for r in rows if r["change"] == "changed-article" and r["detail"] != "text"]
    if relabelled:
        lines += ["## Articles whose outlet, role or date changed", ""]
        lines += [
            f"- {_md(r['article'])}: {r['detail']} {_md(r['before'])} -> {_md(r['after'])}"
            for r in relabelled
        ]
        lines.append("")
    moved = [r for r in rows if r["change"] == "originality-moved"]
    if moved:
        lines += [f"## Outlets whose original share moved by more than {threshold:.0%}", ""]
        lines += [f"- {_md(r['outlet'])}: {r['before']} -> {r['after']}" for r in moved]
        lines.append("")
    fresh = [r for r in rows if r["change"] == "new-passage"]
    if fresh:
        lines += ["## New copied passages", ""]
        lines += [
            f"- {_md(r['outlet'])}, {_md(r['article'])} chars {r['after']}: "
            f"from {_md(r['source'])} ({r['detail']})"
            for r in fresh
        ]
        lines.append("")
    return "\n".join(lines)


def _md(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
