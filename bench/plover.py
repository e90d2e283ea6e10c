"""PLOVER benchmark for the commitment detector (prints figures; never passes or fails).

Runs `RulesReader().draft(Article.from_text(sentence))` over the PLOVER gold standard records
and prints, per category, how often a commitment of the expected kind was found with the
committing actor matched (AGREE/DEMAND/REJECT/THREATEN), and for the action categories how
often a commitment was wrongly found. Reads the data in place from the shared folder
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true", help="print commitment sentences missed")
    parser.add_argument("--show-false", action="store_true", help="print action sentences wrongly given a commitment")
    args = parser.parse_args()
    path = shared_dir() / "benchmarks" / "plover" / "PLOVER_GSR_CAMEO.json"
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    engine = RulesReader()
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    started = time.perf_counter()
    for record in records:
        category = record.get("event", "")
        if category in UNSCORED or "text" not in record:
            continue
        text = record["text"].strip().strip("{}").strip()
        draft = engine.draft(Article.from_text(text))
        gold = [s.get("actorText", "") for s in record.get("source") or [] if isinstance(s, dict)]
        any_found, kind_ok, actor_ok = judge(draft, category, gold)
        row = stats[category]
        if category not in EXPECTED and any_found:
            events = [e.lower() for e in _EVENT.findall(record.get("textInfo", {}).get("markup", ""))]
            row["on_event"] += any(e in c.quote.lower() for c in draft.commitments for e in events)
        row["n"] += 1
        row["any"] += any_found
        row["kind"] += kind_ok
        row["actor"] += actor_ok
        if args.show_misses and category in EXPECTED and not actor_ok:
            got = [(c.kind, [a.name for a in draft.actors if a.ref in c.actors]) for c in draft.commitments]
            print(f"MISS {category}: {text}\n     gold={gold} got={got}")
        if args.show_false and category not in EXPECTED and any_found:
            quotes = [(c.kind, c.quote) for c in draft.commitments]
            print(f"FALSE {category}: {text}\n     got={quotes}")
    elapsed = time.perf_counter() - started

    print(f"\n{'category':<12}{'n':>5}{'kind found':>12}{'+actor':>10}{'recall':>9}")
    tot_n = tot_kind = tot_actor = 0
    for category in EXPECTED:
        row = stats[category]
        tot_n += row["n"]
        tot_kind += row["kind"]
        tot_actor += row["actor"]
        print(f"{category:<12}{row['n']:>5}{row['kind']:>12}{row['actor']:>10}{row['actor'] / max(row['n'], 1):>9.2f}")
    print(f"{'TOTAL':<12}{tot_n:>5}{tot_kind:>12}{tot_actor:>10}{tot_actor / max(tot_n, 1):>9.2f}")

    print(f"\n{'action category':<16}{'n':>5}{'with commitment':>17}{'rate':>8}")
    act_n = act_any = act_event = 0
    for category in sorted(c for c in stats if c not in EXPECTED):
        row = stats[category]
        act_n += row["n"]
        act_any += row["any"]
        act_event += row["on_event"]
        print(f"{category:<16}{row['n']:>5}{row['any']:>17}{row['any'] / max(row['n'], 1):>8.2f}")
    print(f"{'TOTAL':<16}{act_n:>5}{act_any:>17}{act_any / max(act_n, 1):>8.2f}")
    # PLOVER codes one event per record; a commitment elsewhere in the sentence is not judged by it.
    # Diagnostic only: the figure above is the one the rules engine is held to.
    print(f"{'  on the coded event':<22}{act_event:>16}{act_event / max(act_n, 1):>8.2f}  (quote holds the EVT words)")
    sentences = sum(r["n"] for r in stats.values())
    print(f"\n{sentences} sentences in {elapsed:.1f}s ({sentences / max(elapsed, 1e-9):.0f}/s)")


if __name__ == "__main__":
    main()
