"""Renderings of an `Analysis`: JSON, Markdown for people, CSV of the commitment table."""

from __future__ import annotations

import csv
import io
from typing import Literal

from schemas import Analysis

Format = Literal["json", "markdown", "csv"]

MEDIA_TYPES: dict[Format, str] = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
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


def to_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COMMITMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(commitment_rows(analysis))
    return buffer.getvalue()


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(analysis: Analysis) -> str:
    names = {actor.id: actor.name for actor in analysis.actors}
    prov = analysis.provenance
    facts = [f"engine: {prov.engine}" + (f" ({prov.model})" if prov.model else "")]
    if analysis.article.published:
        facts.insert(0, f"published {analysis.article.published}")
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
        lines += ["| Who | Kind | Action | Toward | When | Evidence |", "|---|---|---|---|---|---|"]
        for item in analysis.commitments:
            who = ", ".join(names.get(a, a) for a in item.actors)
            toward = ", ".join(names.get(a, a) for a in item.counterparties)
            when = item.when.text if item.when else ""
            if item.condition:
                when = f"{when} (if {item.condition})".strip()
            lines.append(
                f"| {_cell(who)} | {item.kind} | {_cell(item.action)} | {_cell(toward)} | {_cell(when)} "
                f"| “{_cell(item.evidence.quote)}” |"
            )
    else:
        lines.append("_No commitments found._")
    lines.append("")
    if analysis.warnings:
        lines += ["## Warnings", "", *[f"- `{w.code}`: {w.detail}" for w in analysis.warnings], ""]
    return "\n".join(lines)


def render(analysis: Analysis, fmt: Format) -> str:
    if fmt == "markdown":
        return to_markdown(analysis)
    if fmt == "csv":
        return to_csv(analysis)
    return analysis.model_dump_json()
