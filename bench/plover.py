"""PLOVER benchmark for the commitment detector (prints figures; never passes or fails).

Runs `RulesReader().draft(Article.from_text(sentence))` over the PLOVER gold standard records
and prints, per category, how often a commitment of the expected kind was found with the
committing actor matched (AGREE/DEMAND/REJECT/THREATEN), and for the action sentences how
often a commitment was wrongly found. Recall counts records (one coded event each); the false
rate counts sentences, each once, and only those PLOVER codes with no commitment event at all: a
refusal found in "opened its borders ... but was still refusing admittance" (coded AID and REJECT)
is PLOVER's own REJECT event, not a false one. The earlier per-record figure is printed beside it.
Reads the data in place from the shared folder
(`WIREBRIEF_SHARED` overrides the path); nothing is copied into the project.

It calls the rules engine directly, not the product path: it measures the commitment detector
on single sentences, where ingest, chunking and assembly add nothing. `bench/eval.py` measures
what users get (`Pipeline.analyze` on whole articles).

    .venv/bin/python bench/plover.py [--show-misses] [--show-false]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.draft import Draft
from service.article import Article
from service.engines.rules.reader import RulesReader

EXPECTED: dict[str, set[str]] = {
    "AGREE": {"agreement", "promise", "plan"},
    "DEMAND": {"demand"},
    "REJECT": {"refusal"},
    "THREATEN": {"threat"},
}
UNSCORED = {"CONCEDE", "DOCUMENT"}
_EVENT = re.compile(r"\(EVT: ([^)]*)\)")  # the coded event's words in a record's markup


def shared_dir() -> Path:
    """The shared data folder: `WIREBRIEF_SHARED`, else `../shared` beside the repository."""
    override = os.environ.get("WIREBRIEF_SHARED")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared"


def actor_matches(gold_texts: list[str], forms: list[str]) -> bool:
    """A gold actor text occurs in a produced name/alias, or the other way round (case-insensitive)."""
    for gold in gold_texts:
        g = gold.strip().lower()
        if not g:
            continue
        for form in forms:
            f = form.strip().lower()
            if f and (g in f or f in g):
                return True
    return False


def judge(draft: Draft, category: str, gold_actors: list[str]) -> tuple[bool, bool, bool]:
    """(any commitment, one of the expected kind, one of the expected kind with the actor matched)."""
    forms = {a.ref: [a.name, *a.aliases] for a in draft.actors}
    any_found = bool(draft.commitments)
    kinds = EXPECTED.get(category, set())
    kind_ok = actor_ok = False
    for item in draft.commitments:
        if item.kind in kinds:
            kind_ok = True
            names = [n for ref in item.actors for n in forms.get(ref, [])]
            if actor_matches(gold_actors, names):
                actor_ok = True
    return any_found, kind_ok, actor_ok


def sentences_of(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The scored records grouped by their sentence: PLOVER codes one event per record, and a
    sentence with two events ("opened its borders ... but was still refusing admittance") has two."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record.get("event", "") in UNSCORED or "text" not in record:
            continue
        grouped[record["text"].strip().strip("{}").strip()].append(record)
    return grouped


def markup_of(record: dict[str, Any]) -> str:
    """The record's text with its source, target and event marked ("(EVT: offered to hand over)")."""
    info = record.get("textInfo")
    return str(info.get("markup", "")) if isinstance(info, dict) else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="print commitment sentences missed")
    parser.add_argument("--show-false", action="store_true", help="print action sentences wrongly given a commitment")
    args = parser.parse_args()
    path = shared_dir() / "benchmarks" / "plover" / "PLOVER_GSR_CAMEO.json"
    grouped = sentences_of(json.loads(path.read_text(encoding="utf-8")))
    engine = RulesReader()
    recall: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    false: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_record = {"n": 0, "any": 0}  # the counting of earlier stops: every action record, duplicates included
    action_sentences = {"n": 0, "any": 0, "on_event": 0}
    started = time.perf_counter()
    for text, records in grouped.items():
        draft = engine.draft(Article.from_text(text))
        categories = {r["event"] for r in records}
        for record in records:
            category = record["event"]
            gold = [s.get("actorText", "") for s in record.get("source") or [] if isinstance(s, dict)]
            any_found, kind_ok, actor_ok = judge(draft, category, gold)
            if category in EXPECTED:
                row = recall[category]
                row["n"] += 1
                row["kind"] += kind_ok
                row["actor"] += actor_ok
                if args.show_misses and not actor_ok:
                    got = [(c.kind, [a.name for a in draft.actors if a.ref in c.actors]) for c in draft.commitments]
                    print(f"MISS {category}: {text}\n     gold={gold} got={got}")
            else:
                per_record["n"] += 1
                per_record["any"] += any_found
        if categories & EXPECTED.keys():
            continue  # PLOVER codes a commitment in this sentence too: a commitment here is not false
        any_found = bool(draft.commitments)
        events = [e.lower() for r in records for e in _EVENT.findall(markup_of(r))]
        on_event = any(e in c.quote.lower() for c in draft.commitments for e in events)
        action_sentences["n"] += 1
        action_sentences["any"] += any_found
        action_sentences["on_event"] += on_event
        for category in categories:
            false[category]["n"] += 1
            false[category]["any"] += any_found
        if args.show_false and any_found:
            quotes = [(c.kind, c.quote) for c in draft.commitments]
            print(f"FALSE {'+'.join(sorted(categories))}: {text}\n     got={quotes}")
    elapsed = time.perf_counter() - started

    print(f"\n{'category':<12}{'n':>5}{'kind found':>12}{'+actor':>10}{'recall':>9}")
    tot_n = tot_kind = tot_actor = 0
    for category in EXPECTED:
        row = recall[category]
        tot_n += row["n"]
        tot_kind += row["kind"]
        tot_actor += row["actor"]
        print(f"{category:<12}{row['n']:>5}{row['kind']:>12}{row['actor']:>10}{row['actor'] / max(row['n'], 1):>9.2f}")
    print(f"{'TOTAL':<12}{tot_n:>5}{tot_kind:>12}{tot_actor:>10}{tot_actor / max(tot_n, 1):>9.2f}")

    print(f"\n{'action sentences':<16}{'n':>5}{'with commitment':>17}{'rate':>8}")
    for category in sorted(false):
        row = false[category]
        print(f"{category:<16}{row['n']:>5}{row['any']:>17}{row['any'] / max(row['n'], 1):>8.2f}")
    n, found = action_sentences["n"], action_sentences["any"]
    print(f"{'TOTAL':<16}{n:>5}{found:>17}{found / max(n, 1):>8.3f}  (each sentence once)")
    # Diagnostics, not the figure the rules engine is held to:
    on_event = action_sentences["on_event"]
    print(f"{'  on the coded event':<21}{on_event:>17}{on_event / max(n, 1):>8.3f}  (quote holds the EVT words)")
    n, found = per_record["n"], per_record["any"]
    print(f"{'  per record':<16}{n:>5}{found:>17}{found / max(n, 1):>8.3f}  (earlier counting: every action record)")
    records, rate = sum(len(r) for r in grouped.values()), len(grouped) / max(elapsed, 1e-9)
    print(f"\n{len(grouped)} sentences ({records} records) in {elapsed:.1f}s ({rate:.0f}/s)")


if __name__ == "__main__":
    main()
