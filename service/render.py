"""Renderings of an `Analysis`: JSON, Markdown for people, CSV of the commitment table."""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass
from html import escape
from typing import Literal

from schemas import Analysis, Commitment

Format = Literal["json", "markdown", "csv", "html"]

MEDIA_TYPES: dict[Format, str] = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

COMMITMENT_COLUMNS = [
    "analysis_id",
    "commitment_id",
    "actors",
    "kind",
    "action",
    "counterparties",
    "when",
    "when_date",
    "condition",
    "modality",
    "status",
    "attributed_to",
    "quote",
    "start",
    "end",
    "match",
]


def commitment_rows(analysis: Analysis) -> list[dict[str, str | int]]:
    """One flat row per commitment, actor ids replaced by names."""
    names = {actor.id: actor.name for actor in analysis.actors}
    rows: list[dict[str, str | int]] = []
    for item in analysis.commitments:
        rows.append(
            {
                "analysis_id": analysis.id,
                "commitment_id": item.id,
                "actors": "; ".join(names.get(a, a) for a in item.actors),
                "kind": item.kind,
                "action": item.action,
                "counterparties": "; ".join(names.get(a, a) for a in item.counterparties),
                "when": item.when.text if item.when else "",
                "when_date": (item.when.date or "") if item.when else "",
                "condition": item.condition or "",
                "modality": item.modality,
                "status": item.status,
                "attributed_to": names.get(item.attributed_to, "") if item.attributed_to else "",
                "quote": item.evidence.quote,
                "start": item.evidence.start,
                "end": item.evidence.end,
                "match": item.evidence.match,
            }
        )
    return rows


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(row: dict[str, str | int]) -> dict[str, str | int]:
    """A CSV row a spreadsheet will not run: a text cell that begins like a formula (`=`, `+`, `-`,
    `@`, tab, carriage return) gets a leading `'` (OWASP's advice on CSV injection). A quote from an
    article is data, never a formula; the JSON keeps it exactly as the article has it."""
    return {
        key: "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value
        for key, value in row.items()
    }


def to_csv(analysis: Analysis) -> str:
    """The commitment table, with a UTF-8 byte-order mark: without it, spreadsheet programs read the
    file in a legacy encoding and "Erdoğan" becomes "ErdoÄŸan"."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=COMMITMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(spreadsheet_safe(row) for row in commitment_rows(analysis))
    return buffer.getvalue()


# The page runs no script and loads nothing: the browser is told so, a second wall behind the escaping.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def download_headers(analysis: Analysis, fmt: Format) -> dict[str, str]:
    """A CSV is a file to open in a spreadsheet: give it a name. The page gets its content policy."""
    if fmt == "csv":
        return {"content-disposition": f'attachment; filename="{analysis.id}-commitments.csv"'}
    if fmt == "html":
        return {"content-security-policy": PAGE_POLICY}
    return {}


_CONDITION_MARKS = ("if ", "unless ", "provided ", "as long as ", "once ", "until ", "when ", "so long as ")


def _as_condition(condition: str) -> str:
    """'if X' from a condition given as 'X' or already as 'if X' / 'unless X' (never 'if if X')."""
    return condition if condition.lower().startswith(_CONDITION_MARKS) else f"if {condition}"


def _more(item: Commitment) -> str:
    count = len(item.further_evidence)
    return f" (and {count} more statement{'s' if count > 1 else ''} of it)" if count else ""


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(analysis: Analysis) -> str:
    names = {actor.id: actor.name for actor in analysis.actors}
    prov = analysis.provenance
    facts = [f"id {analysis.id}", f"engine: {prov.engine}" + (f" ({prov.model})" if prov.model else "")]
    if analysis.article.published:
        facts.insert(1, f"published {analysis.article.published}")
    if prov.degraded:
        facts.append("degraded")
    lines = [f"# {analysis.brief.headline}", "", f"_{' · '.join(facts)}_", "", analysis.brief.summary, ""]
    if analysis.brief.key_points:
        lines += ["## Key points", "", *[f"- {point}" for point in analysis.brief.key_points], ""]
    if analysis.actors:
        lines += ["## Actors", "", "| Actor | Kind | Title | Mentions |", "|---|---|---|---|"]
        for actor in analysis.actors:
            lines.append(f"| {_cell(actor.name)} | {actor.kind} | {_cell(actor.title or '')} | {len(actor.mentions)} |")
        lines.append("")
    lines += ["## Commitments", ""]
    if analysis.commitments:
        lines += [
            "| Who | Kind | Action | Toward | When | Modality | Status | Said by | Evidence |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for item in analysis.commitments:
            row = _row(item, names)
            lines.append(
                f"| {_cell(row.who)} | {item.kind} | {_cell(item.action)} | {_cell(row.toward)} | {_cell(row.when)} "
                f"| {item.modality} | {item.status} | {_cell(row.said_by)} "
                f"| “{_cell(item.evidence.quote)}”{_more(item)} |"
            )
    else:
        lines.append("_No commitments found._")
    lines.append("")
    if analysis.warnings:
        lines += ["## Warnings", "", *[f"- `{w.code}`: {w.detail}" for w in analysis.warnings], ""]
    return "\n".join(lines)


_PAGE_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;width:100%;font-size:14px}td,th{border:1px solid #ccc;padding:4px 6px;"
    "vertical-align:top;text-align:left}mark{background:#fff3a0}mark:target{background:#ffd24d;"
    "outline:2px solid #c90}.article{white-space:pre-wrap;border-left:3px solid #ddd;padding-left:1rem}"
    ".meta{color:#666}tr[data-quote]:hover{background:#f4f4f4}tr[data-quote] a{display:block;color:inherit;"
    "text-decoration:none}tr[data-quote] td:last-child a{color:#15c}"
    "#show-actors:checked~.article .actor{background:#cde8ff;border-bottom:2px solid #48c}"
)


@dataclass(frozen=True)
class _Row:
    who: str
    toward: str
    when: str  # with its condition, if any
    said_by: str


def _row(item: Commitment, names: dict[str, str]) -> _Row:
    """A commitment's cells that need the actors' names (Markdown and HTML show the same)."""
    when = item.when.text if item.when else ""
    if item.condition:
        when = f"{when} ({_as_condition(item.condition)})".strip()
    return _Row(
        who=", ".join(names.get(a, a) for a in item.actors),
        toward=", ".join(names.get(a, a) for a in item.counterparties),
        when=when,
        said_by=names.get(item.attributed_to, item.attributed_to) if item.attributed_to else "",
    )


class _Mentions:
    """The article's text as HTML, each actor mention wrapped in `.actor` (shown by the page's toggle)."""

    def __init__(self, text: str, analysis: Analysis) -> None:
        spans = sorted((m.start, m.end, actor.name) for actor in analysis.actors for m in actor.mentions)
        self.text = text
        self.spans: list[tuple[int, int, str]] = []
        for start, end, name in spans:
            if not self.spans or start >= self.spans[-1][1]:  # overlapping mentions: the first holds
                self.spans.append((start, end, name))
        self.ends = [end for _, end, _ in self.spans]

    def between(self, start: int, end: int) -> str:
        """`text[start:end]` escaped, with the mentions in it (clipped to it) wrapped."""
        parts, position = [], start
        for first, last, name in self.spans[bisect.bisect_right(self.ends, start) :]:
            if first >= end:
                break
            first, last = max(first, start), min(last, end)
            parts.append(escape(self.text[position:first]))
            parts.append(f'<span class="actor" title="{escape(name)}">{escape(self.text[first:last])}</span>')
            position = last
        parts.append(escape(self.text[position:end]))
        return "".join(parts)


def to_html(analysis: Analysis) -> str:
    """A self-contained page: the brief, the commitment table, and the article with every
    evidence quote highlighted where it stands (each row links to its highlight)."""
    names = {actor.id: actor.name for actor in analysis.actors}
    text = analysis.article.text
    rows = []
    for item in analysis.commitments:
        row = _row(item, names)
        cells = (row.who, item.kind, item.action, row.toward, row.when, item.modality, item.status, row.said_by)
        # Every cell links to the quote, so a click anywhere on the row goes there, with no script.
        linked = "".join(f'<td><a href="#{item.id}">{escape(cell)}</a></td>' for cell in cells)
        quote = f'<td><a href="#{item.id}">“{escape(item.evidence.quote)}”</a></td>'
        rows.append(f'<tr data-quote="{item.id}">{linked}{quote}</tr>')
    mentions = _Mentions(text, analysis)
    marked, position = [], 0
    for item in sorted(analysis.commitments, key=lambda c: (c.evidence.start, -c.evidence.end)):
        if item.evidence.start < position:  # overlapping evidence: the first highlight holds
            continue
        marked.append(mentions.between(position, item.evidence.start))
        quote = mentions.between(item.evidence.start, item.evidence.end)
        marked.append(f'<mark id="{item.id}" title="{item.kind}: {escape(item.action)}">{quote}</mark>')
        position = item.evidence.end
    marked.append(mentions.between(position, len(text)))
    actors = "".join(
        f"<li><b>{escape(a.name)}</b> ({a.kind}{', ' + escape(a.title) if a.title else ''}): "
        f"{len(a.mentions)} mention{'' if len(a.mentions) == 1 else 's'}</li>"
        for a in analysis.actors
    )
    prov = analysis.provenance
    return (
        f'<!doctype html><html lang="{escape(analysis.article.language or "en")}"><head><meta charset="utf-8">'
        f"<title>{escape(analysis.brief.headline)}</title><style>{_PAGE_STYLE}</style></head><body>"
        f"<h1>{escape(analysis.brief.headline)}</h1>"
        f'<p class="meta">engine {prov.engine}{" (degraded)" if prov.degraded else ""} · {escape(analysis.id)}</p>'
        f"<p>{escape(analysis.brief.summary)}</p>"
        + (
            f"<h2>Key points</h2><ul>{''.join(f'<li>{escape(p)}</li>' for p in analysis.brief.key_points)}</ul>"
            if analysis.brief.key_points
            else ""
        )
        + "<h2>Commitments</h2><table><tr><th>Who</th><th>Kind</th><th>Action</th><th>Toward</th><th>When</th>"
        "<th>Modality</th><th>Status</th><th>Said by</th>"
        f"<th>Evidence</th></tr>{''.join(rows)}</table>"
        f"<h2>Actors</h2><ul>{actors}</ul>"
        '<h2>Article</h2><input type="checkbox" id="show-actors"> <label for="show-actors">Highlight the actors’ '
        f'mentions</label><div class="article">{"".join(marked)}</div></body></html>'
    )


def render(analysis: Analysis, fmt: Format) -> str:
    if fmt == "markdown":
        return to_markdown(analysis)
    if fmt == "csv":
        return to_csv(analysis)
    if fmt == "html":
        return to_html(analysis)
    return analysis.model_dump_json()
