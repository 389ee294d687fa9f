"""report.html: one self-contained page (inline CSS, no script, nothing fetched), and the
wording both report.md and report.html share (figures, labels, definitions, colours).

Every piece of text goes through :func:`html.escape`.  Each article's main text is shown with
its copied spans as ``<mark>`` elements: the background colour is the source's (a fixed palette,
designated sources first, other sources keyed on a hash of their name), the underline the kind
(verbatim solid, near-verbatim dashed, paraphrase dotted).  A Content-Security-Policy forbids
any fetch, so even a missed escape could not load anything.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from provenance import aggregate
from provenance.aggregate import PRECISION
from provenance.compose import Part, joined, key
from provenance.settings import AuditSettings

if TYPE_CHECKING:
    from provenance.report import ArticleView, OutletView, View

#: light backgrounds that keep black text readable and stay apart from each other
PALETTE = (
    "#ffd166",  # amber
    "#8ecdf7",  # sky
    "#f4a3b4",  # pink
    "#a6dc8a",  # green
    "#c9a8f2",  # lilac
    "#ffa970",  # orange
    "#7ad9cc",  # teal
    "#b5bcff",  # periwinkle
    "#dcef7a",  # lime
    "#d6b99a",  # tan
)
KINDS = ("verbatim", "near-verbatim", "paraphrase")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
 max-width:1200px;margin:1.5em auto;padding:0 1em;color:#1d1d1d;background:#fff}
h1{font-size:1.7em;margin:.2em 0}h2{margin-top:2em;border-bottom:2px solid #444}
h3{margin-top:1.6em;border-bottom:1px solid #bbb;word-break:break-word}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.93em}
th,td{border:1px solid #c8c8c8;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0}td.n{text-align:right;white-space:nowrap}
td.t{white-space:pre-wrap;word-break:break-word;width:32%}
.facts{color:#444}.muted{color:#777}
.text{white-space:pre-wrap;word-break:break-word;border:1px solid #ddd;padding:.7em;
 background:#fcfcfc;line-height:1.7}
mark{color:inherit;padding:1px 0;border-bottom:3px solid #333}
mark.k-verbatim{border-bottom-style:solid}mark.k-near-verbatim{border-bottom-style:dashed}
mark.k-paraphrase{border-bottom-style:dotted}mark.k-other{border-bottom-style:double}
td mark{white-space:nowrap}.cx{background:#e4e4e4}
.sw{display:inline-block;width:1em;height:1em;vertical-align:-.15em;border:1px solid #888;
 margin-right:.3em}
.legend span{margin-right:1.2em;white-space:nowrap}details{margin:.5em 0}summary{cursor:pointer}
""" + "".join(f".c{i}{{background:{c}}}" for i, c in enumerate(PALETTE))


def pct(value: Any) -> str:
    """A share as a percentage: the CSV figure exactly (PRECISION - 2 decimals); blank if None."""
    number = _float(value)
    if number is None:
        return "" if value is None or isinstance(value, float) else str(value)
    return _percent(repr(round(number, PRECISION)))


@functools.lru_cache(maxsize=1 << 16)
def _percent(share: str) -> str:
    """A share, written as ``repr`` writes it, as a percentage; cached, as the few thousand
    shares of a corpus's tables recur in both documents (and Decimal is slow)."""
    percent = Decimal(share) * 100
    return f"{percent.quantize(Decimal(1).scaleb(2 - PRECISION), ROUND_HALF_UP)}%"


def _float(value: Any) -> float | None:
    """A finite number, or None (blank, text, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def quote_label(p: dict[str, Any]) -> str:
    if p.get("altered_quote"):
        return "altered quote"
    return "quote" if p.get("quote") else "no"


def source_colours(designated: Sequence[str], seen: Iterable[str]) -> dict[str, int]:
    """Source -> palette index: designated sources in order, then each other source (sorted)
    its slot by a hash of its name, or the next free one so a page never repeats a colour
    while it has colours left; never a designated source's."""
    out: dict[str, int] = {}
    for name in dict.fromkeys(designated):
        out[name] = len(out) % len(PALETTE)
    # a designated source's colour is its own: with more sources than colours, the others
    # share the rest among themselves (text copied from some outlet never looks like TASS's)
    rest = [c for c in range(len(PALETTE)) if c not in set(out.values())] or list(
        range(len(PALETTE))
    )
    for name in sorted(set(seen) - set(out)):
        slot = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % len(rest)
        free = [rest[(slot + k) % len(rest)] for k in range(len(rest))]
        taken = set(out.values())
        out[name] = next((c for c in free if c not in taken), rest[slot])
    return out


def definitions(settings: AuditSettings) -> list[str]:
    """aggregate.py's docstring (minus its summary line) plus the figures it leaves implicit."""
    doc = (aggregate.__doc__ or "").replace("``", "`")
    thresholds = {"WHOLLY": settings.wholly, "PARTIALLY": settings.partially}
    named = all(re.search(rf"\b{name}\b", doc) for name in thresholds)
    for name, value in thresholds.items():  # the run's values, not the constants' names
        doc = re.sub(rf"\b{name}\b", f"{value:g}", doc)
    items: list[str] = []
    for para in re.split(r"\n\s*\n", doc.strip())[1:]:
        if para.lstrip().startswith("- "):
            parts = re.split(r"^\s*- ", para, flags=re.MULTILINE)
            items += ["- " + " ".join(x.split()) for x in parts if x.strip()]
        else:
            items.append(" ".join(para.split()))
    if not named:
        items.append(
            f"Verdicts on copied_share: `wholly` >= {settings.wholly:g}, `partially` "
            f">= {settings.partially:g}, else `non-derived`."
        )
    return [*items, *_MORE_DEFINITIONS]


_MORE_DEFINITIONS = (
    "Outlet figures (outlets.csv) are the same shares pooled over the words of all the "
    "outlet's articles. In outlet_sources.csv, `words` are the outlet's words copied from "
    "that source, `share` their share of the outlet's words, `quoted_share` the share of the "
    "outlet's words in quotations shared with it and `credited_share` the share of the "
    "outlet's words copied from it with credit (so share = quoted + credited + uncredited). "
    "A word several passages cover counts once, for the passage of the highest class "
    "(quoted, credited, uncredited), then from the source the article took most from.",
    "For each copied passage:",
    "- `kind`: `verbatim` (the same words), `near-verbatim` (the same sentences with small "
    "edits) or `paraphrase` (the same content reworded); blank when the source text is not "
    "in the corpus. `similarity`: 0-100, how closely the passage matches the source text.",
    "- `quote`: the passage is inside a quotation shared with the source (or what it shares "
    "with the source is a quotation, the outlet's own words around it sharing nothing); "
    "`altered quote`: "
    "the quoted words differ from the source's. `credited`: the passage names its source, "
    "or the page's copyright line does (a reprint's \"\u00a9 2025 TASS\", removed as "
    "furniture) (`credit_text` is the credit found).",
    "- `source`: the outlet it was taken from (`source_article` blank when that text is not "
    "in the corpus); `origin`: the outlet where it first appeared.",
    "- `direction`, why the copy is taken to go that way: `designated-source` (the source is "
    'a designated source, which comes first; the reports add "the article is dated before '
    "the source's text\" when its day is earlier (in UTC when both give times and zones): "
    "the source's text may be a "
    "later version of the story, or a date is wrong), `earlier-date` (published earlier; "
    "also an article a designated "
    "source's text names as its source, not dated after it), `closer-to-source` (same or "
    "unknown date, but the other article reproduces a designated source's text more "
    "faithfully), `credited-upstream` (credited to a source whose text is not in the corpus), "
    "`credited-elsewhere` (shared, in an unknown order, with an outlet that credits it to "
    "such a source, and not credited here) "
    "or `order-unknown` (listed for both articles, counted in neither's shares).",
    "- `start`/`end`: half-open character offsets into the article's main text, written as "
    "texts/<article id>.txt; `file_start`/`file_end`: offsets into the decoded input file "
    "(for a passage over several paragraphs, the file's stretch also holds any boilerplate "
    "removed between them, and its own line breaks).",
    "Boilerplate removed, by reason: `title` (the headline, kept as the title), `byline`, "
    '`timestamp`, `advertising`, `read-also` ("Read also" lines), `related-articles` '
    "(other articles' headlines and teasers), `link-list`, `widget` (share buttons, menus), "
    "`comments`, `appeal` (donation and subscription appeals), `legal` (copyright lines), "
    "`photo-credit`, `caption` (a picture's caption), `notice` (cookie, paywall and "
    "disclaimer notices), `markup`, `template` (lines the outlet's other pages repeat), "
    "`duplicate` (a paragraph given twice), `short-fragment` and `far-from-prose` (lines "
    "and blocks that do not read as the article's prose, or lie apart from it: menus, "
    "lists, other articles' text); `credit-line` is a line of an HTML article's block "
    "beside its main text that credits a source (a source box, a standfirst): the credit "
    "counts, the line is no text.",
    "An article's `status`: `ok` (audited), `duplicate` (the same page as another input, "
    "the one published first: audited once, as that one), or why no main text was read "
    "(`no-text`, `empty`, `binary`, `missing`...). Only `ok` articles count in any figure.",
    f"Shares in the CSV files have {PRECISION} decimals; the reports show them as percentages.",
)


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def removed_summary(rows: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    """(reason, blocks, excerpt of the first non-blank block) per reason, in row order."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_reason[str(row["reason"] or "")].append(str(row["text"] or ""))
    return [
        (r, len(t), excerpt(next((x for x in t if x.strip()), ""))) for r, t in by_reason.items()
    ]


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def similarity(p: dict[str, Any]) -> str:
    value = _float(p["similarity"])
    return "" if value is None else f"{round(value, 1):g}"


def direction(p: dict[str, Any]) -> str:
    """The direction, saying when a passage does not count in the shares."""
    value = str(p["direction"] or "")
    if p.get("dated_before_source"):
        return f"{value} (the article is dated before the source's text)"
    return f"{value} (not counted)" if value == "order-unknown" else value


def kind_class(kind: Any) -> str:
    return f"k-{kind}" if kind in KINDS else "k-other"


def code_spans(text: str) -> str:
    """Escape our own Markdown-ish ``text``: `backtick` spans to <code>, *stars* to <em>."""
    parts = text.split("`")
    return "".join(
        f"<code>{e(p)}</code>" if i % 2 else re.sub(r"\*([^*]+)\*", r"<em>\1</em>", e(p))
        for i, p in enumerate(parts)
    )


def _label(p: dict[str, Any]) -> str:
    return f"{p['source'] or '(unknown)'}: {p['kind'] or ''} {similarity(p)}".strip()


def highlight(
    text: str, passages: Sequence[dict[str, Any]], colours: dict[str, int], aid: str
) -> str:
    """The escaped text with each copied span in a <mark>, coloured by the passage its words
    are counted under (:func:`aggregate.article_coverage`: the source the shares charge,
    not the likest of overlapping passages), else the closest kind."""
    try:
        starts, ends, owner = (a.tolist() for a in aggregate.word_owners(text, passages))
    except (KeyError, TypeError, ValueError):  # (rows without what the figures read)
        starts, ends, owner = [], [], []
    spans = []
    for i, p in enumerate(passages, 1):
        s, t = p["start"], p["end"]
        if isinstance(s, int) and isinstance(t, int):
            s, t = max(0, min(s, len(text))), max(0, min(t, len(text)))
            if s < t:
                spans.append((s, t, i, p))
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(t for _, t, *_ in spans)})
    rank = {k: n for n, k in enumerate(KINDS)}
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        out += [f'<a id="{aid}-m{i}"></a>' for s, _, i, _ in spans if s == a]
        cover = [c for c in spans if c[0] <= a and b <= c[1]]
        chunk = e(text[a:b])
        if not cover:
            out.append(chunk)
            continue
        _, _, i, p = min(cover, key=lambda c: (rank.get(c[3]["kind"], 9), c[2]))
        w = bisect.bisect_left(starts, a)
        counted = passages[owner[w]] if w < len(owner) and ends[w] <= b and owner[w] >= 0 else None
        p = next((c[3] for c in cover if c[3] is counted), p)
        title = "; ".join(_label(c[3]) for c in cover)
        cls = f"c{colours.get(str(p['source']), 0)} {kind_class(p['kind'])}"
        out.append(f'<mark class="{cls}" title="{e(title)}">{chunk}</mark>')
    return "".join(out)


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    num: Sequence[int] = (),
    wide: Sequence[int] = (),
) -> str:
    """A table from already-escaped cells; ``num`` columns right-aligned, ``wide`` ones text."""

    def td(j: int, cell: str) -> str:
        cls = ' class="n"' if j in num else ' class="t"' if j in wide else ""
        return f"<td{cls}>{cell}</td>"

    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(td(j, c) for j, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>\n"


def _n(value: Any) -> str:
    return e(num(value))


def num(value: Any) -> str:
    return "" if value is None else str(value)


def span_label(p: dict[str, Any], prefix: str = "") -> str:
    s, t = p[f"{prefix}start"], p[f"{prefix}end"]
    return "" if s is None else f"chars {s}-{t}"


def outlet_line(f: dict[str, Any]) -> str:
    """One sentence with an outlet's figures (outlets.csv)."""
    return (
        f"{num(f['articles'])} article(s), {num(f['words'])} words: original "
        f"{pct(f['original_share'])}, copied {pct(f['copied_share'])} (quoted "
        f"{pct(f['quoted_share'])}, credited {pct(f['credited_share'])}, uncredited "
        f"{pct(f['uncredited_share'])}){_altered(f.get('altered_quotes'))}."
    )


def _altered(count: Any) -> str:
    """ "; 2 altered quotations" when an outlet or article misquotes its sources."""
    try:
        n = int(count)
    except (TypeError, ValueError):
        return ""
    return f"; {n} altered quotation{'s' if n != 1 else ''}" if n > 0 else ""


def swatch(view: View, source: Any) -> str:
    return f'<span class="sw c{view.colours.get(str(source), 0)}"></span>{e(source or "(unknown)")}'


def ranked(view: View) -> list[OutletView]:
    """The outlets, most uncredited copying first, then most copying, then by name: the
    summary a fact-checker reads top down (the sections after it stay in name order)."""

    def share(o: OutletView, column: str) -> float:
        value = (o.figures or {}).get(column)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 0.0
        return number if number == number else 0.0  # (NaN: no words)

    return sorted(
        view.outlets,
        key=lambda o: (-share(o, "uncredited_share"), -share(o, "copied_share"), o.name or ""),
    )


def summary(view: View) -> str:
    rows = []
    for o in ranked(view):
        f = o.figures or {}
        link = f'<a href="#o-{o.slug}">{e(o.name or "(none)")}</a>'
        shares = [
            pct(f.get(c))
            for c in (
                "original_share",
                "copied_share",
                "quoted_share",
                "credited_share",
                "uncredited_share",
            )
        ]
        altered = _n(f.get("altered_quotes"))
        rows.append([link, _n(f.get("articles")), _n(f.get("words")), *shares, altered])
    head = [
        *("outlet", "articles", "words", "original", "copied", "quoted", "credited"),
        *("uncredited", "altered quotes"),
    ]
    return table(head, rows, num=range(1, 9))


def legend(view: View) -> str:
    used = sorted(
        {
            str(p["source"])
            for o in view.outlets
            for a in o.articles
            for p in a.passages
            if p["source"]
        }
    )
    names = [*(s for s in view.sources if s in used), *(s for s in used if s not in view.sources)]
    srcs = (
        "".join(f"<span>{swatch(view, s)}</span>" for s in names)
        or '<span class="muted">no sources</span>'
    )
    kinds = "".join(f'<span><mark class="cx k-{k}">{k}</mark></span>' for k in KINDS)
    kinds += '<span><mark class="cx k-other">other (source text not in corpus)</mark></span>'
    return (
        f'<p class="legend"><b>Sources:</b> {srcs}</p>\n'
        f'<p class="legend"><b>Kinds:</b> {kinds}</p>\n'
    )


def credit_label(p: dict[str, Any], esc: Callable[[Any], str], uncredited: str) -> str:
    """A passage's credit as the reports show it: the credit found; or ``uncredited``
    (not counted, when the order is unknown), with any credit the text gives that does
    not name the source (a vague one, or one naming another outlet)."""
    if p["credited"]:
        return f"credited: {esc(p['credit_text'])}"
    label = "uncredited, not counted" if p["direction"] == "order-unknown" else uncredited
    if p["credit_text"]:
        label += f" (the text says: {esc(p['credit_text'])})"
    return label


def passage_row(view: View, aid: str, i: int, p: dict[str, Any]) -> list[str]:
    where = [swatch(view, p["source"])]
    if p["source_article"]:
        where.append(
            f'{e(p["source_article"])} <span class="muted">{span_label(p, "source_")}</span>'
        )
    if p["origin"] and p["origin"] != p["source"]:
        where.append(f"origin {e(p['origin'])}")
    if p["direction"]:
        where.append(f'<span class="muted">{e(direction(p))}</span>')
    credit = credit_label(p, e, "<b>uncredited</b>")
    return [
        f'<a href="#{aid}-m{i}">{i}</a>',
        f'{e(p["text"])}<br><span class="muted">{span_label(p)}</span>',
        "<br>".join(where),
        e(p["source_text"]),
        f'<mark class="{_mark_class(view, p)}">{e(p["kind"])}</mark>',
        similarity(p),
        e(quote_label(p)),
        credit,
    ]


def _mark_class(view: View, p: dict[str, Any]) -> str:
    return f"c{view.colours.get(str(p['source']), 0)} {kind_class(p['kind'])}"


def article_facts(
    row: Mapping[str, Any], esc: Callable[[Any], str], bold: tuple[str, str], link: str
) -> str:
    """The one-line facts of an article, for Markdown (``esc=md``) or HTML (``esc=e``)."""
    facts = [
        f"role {esc(row['role'])}",
        f"published {esc(row['published'])}" if row["published"] else "",
        f"{esc(num(row['words']))} words",
        f"status {esc(row['status'])}",
        f"verdict {bold[0]}{esc(row['verdict'])}{bold[1]}" if row["verdict"] else "",
        f"top source {esc(row['top_source'])}" if row["top_source"] else "",
        link,
    ]
    return "; ".join(f for f in facts if f) + "."


def article(view: View, a: ArticleView, aid: str) -> str:
    r = a.row
    title = f" — {e(r['title'])}" if r["title"] else ""
    link = f'<a href="{e(quote(a.text_path))}">main text file</a>' if a.text_path else ""
    parts = [
        f'<h3 id="{aid}">{e(r["article"])}{title}</h3>',
        f'<p class="facts">{article_facts(r, e, ("<b>", "</b>"), link)}</p>',
    ]
    shares = (
        "original_share",
        "copied_share",
        "quoted_share",
        "credited_share",
        "uncredited_share",
    )
    parts.append(
        table(
            [c.removesuffix("_share") for c in shares], [[pct(r[c]) for c in shares]], num=range(5)
        )
    )
    if a.text is not None:
        body = highlight(a.text, a.passages, view.colours, aid)
        parts.append(
            f'<details open><summary>Main text</summary><div class="text">{body}</div></details>'
        )
    if a.passages:
        head = [
            "#",
            "this article",
            "source",
            "source text",
            "kind",
            "similarity",
            "quote",
            "credit",
        ]
        rows = [passage_row(view, aid, i, p) for i, p in enumerate(a.passages, 1)]
        parts.append(table(head, rows, num=(0, 5), wide=(1, 3)))
    else:
        parts.append('<p class="muted">No copied passages.</p>')
    if a.removed:
        total = sum(n for _, n, _ in a.removed)
        rows = [[e(reason), str(n), e(x)] for reason, n, x in a.removed]
        parts.append(
            f"<p>Boilerplate removed: {total} block(s).</p>"
            + table(["reason", "blocks", "first removed"], rows, num=(1,))
        )
    return "\n".join(parts) + "\n"


def outlet_head(view: View, o: OutletView) -> str:
    """An outlet's section up to its articles: heading, figures, sources."""
    parts = [f'<section id="o-{o.slug}"><h2>{e(o.name or "(none)")}</h2>']
    f = o.figures
    if f:
        parts.append(f"<p>{e(outlet_line(f))}</p>")
    if o.sources:
        rows = [
            [
                swatch(view, s["source"]),
                _n(s["words"]),
                *(pct(s[c]) for c in ("share", "quoted_share", "credited_share")),
            ]
            for s in o.sources
        ]
        parts.append(
            "<p>Copied from:</p>"
            + table(["source", "words", "share", "quoted", "credited"], rows, num=(1, 2, 3, 4))
        )
    return "\n".join(parts) + "\n"


def outlet_parts(view: View, o: OutletView) -> Iterator[Part]:
    """An outlet's section as parts (see :mod:`provenance.compose`): one per article, keyed on
    what the article shows and the colours of its sources."""
    yield outlet_head(view, o)
    for a in o.articles:
        yield functools.partial(article_key, view, a), functools.partial(article, view, a, a.anchor)
    yield "</section>\n"


def article_key(view: View, a: ArticleView) -> str:
    """The key of an article's part of report.html: what it shows, its anchor and the
    colours of its sources."""
    colours = sorted(
        {(str(p["source"]), view.colours.get(str(p["source"]), 0)) for p in a.passages}
    )
    return key("html", a.anchor, colours, a.digest)


def definitions_html(view: View) -> str:
    out, items = ['<section id="definitions"><h2>Definitions</h2>'], []
    for d in [*view.definitions, ""]:
        if d.startswith("- "):
            items.append(f"<li>{code_spans(d[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if d:
            out.append(f"<p>{code_spans(d)}</p>")
    return "\n".join(out) + "</section>\n"


def render_html(view: View) -> str:
    return joined(html_parts(view))


def html_parts(view: View) -> Iterator[Part]:
    """report.html as parts (see :mod:`provenance.compose`)."""
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(view.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    )
    body = [f"<h1>{e(view.title)}</h1>"]
    if view.sources:
        body.append(f"<p>Designated sources: {', '.join(e(s) for s in view.sources)}.</p>")
    body += [legend(view), "<h2>Outlets</h2>", summary(view)]
    yield head + "\n".join(body) + "\n"
    for o in view.outlets:
        yield from outlet_parts(view, o)
    yield definitions_html(view) + "</body>\n</html>\n"
