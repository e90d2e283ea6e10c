"""What a batch leaves for people: one commitment table across all articles, and a report."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from schemas import Analysis
from service.batch.progress import Tally
from service.render import COMMITMENT_COLUMNS, commitment_rows, spreadsheet_safe

TABLE_COLUMNS = ["article_id", "article_title", *COMMITMENT_COLUMNS]


def results(records: list[dict[str, Any]]) -> list[Analysis]:
    return [Analysis.model_validate(r) for r in records if "error" not in r]


def write_table(path: Path, analyses: list[Analysis]) -> int:
    """Every commitment of every article, one row each; returns the number of rows."""
    rows = 0
    # utf-8-sig: the byte-order mark spreadsheets need to read UTF-8 (see `render.to_csv`).
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=TABLE_COLUMNS)
        writer.writeheader()
        for analysis in analyses:
            for row in commitment_rows(analysis):
                cells = {"article_id": analysis.input_id or "", "article_title": analysis.article.title or "", **row}
                writer.writerow(spreadsheet_safe(cells))
                rows += 1
    return rows


def write_report(path: Path, records: list[dict[str, Any]], tally: Tally, elapsed_s: float) -> None:
    analyses = results(records)
    failures = Counter(str(r["error"].get("type")) for r in records if "error" in r)
    articles_per_actor: Counter[str] = Counter()
    kinds_by_actor: dict[str, Counter[str]] = defaultdict(Counter)
    for analysis in analyses:
        names = {actor.id: actor.name for actor in analysis.actors}
        articles_per_actor.update(set(names.values()))
        for item in analysis.commitments:
            for actor_id in item.actors:
                kinds_by_actor[names.get(actor_id, actor_id)][item.kind] += 1
    tokens_in = sum(a.provenance.usage.input_tokens for a in analyses)
    tokens_out = sum(a.provenance.usage.output_tokens for a in analyses)
    cost = sum(a.provenance.cost_usd or 0.0 for a in analyses)
    lines = [
        "# wirebrief batch report",
        "",
        "| | |",
        "|---|---|",
        f"| articles in the output | {len(records)} |",
        f"| succeeded | {len(analyses)} |",
        f"| failed | {sum(failures.values())} |",
        f"| this run: processed / skipped (already done) | {tally.finished} / {tally.skipped} |",
        f"| this run: wall time | {elapsed_s:.1f} s |",
        f"| tokens (input + output) | {tokens_in} + {tokens_out} |",
        f"| estimated cost | ${cost:.4f} |",
        f"| degraded (rules fallback) | {sum(a.provenance.degraded for a in analyses)} |",
        "",
    ]
    if failures:
        lines += ["## Failures by type", "", "| type | articles |", "|---|---|"]
        lines += [f"| {kind} | {count} |" for kind, count in failures.most_common()]
        lines.append("")
    lines += ["## Actors in the most articles", "", "| actor | articles |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in articles_per_actor.most_common(20)]
    lines += ["", "## Commitment kinds by actor", ""]
    kinds = ["agreement", "promise", "plan", "demand", "refusal", "threat"]
    lines += ["| actor | " + " | ".join(kinds) + " | total |", "|---" * (len(kinds) + 2) + "|"]
    ranked = sorted(kinds_by_actor.items(), key=lambda pair: -sum(pair[1].values()))[:30]
    for name, counter in ranked:
        lines.append(f"| {name} | " + " | ".join(str(counter[k]) for k in kinds) + f" | {sum(counter.values())} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
