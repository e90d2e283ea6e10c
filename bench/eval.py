"""Quality benchmark over the development corpus and the seed (prints figures; never fails).

Each article goes through the product path, as `POST /v1/briefs` and `wirebrief summarize` run
it: `service.ingest.ingest` (title, language), then `Pipeline.analyze` (engine, chunking of long
articles, grounding, assembly, and the fallback to the rules engine when the LLM fails). The
`schemas.Analysis` that comes back is what is scored: actors (name and aliases), commitments
(`evidence.quote` and its offsets, kind) and the brief (headline, summary, key points).

For each article and overall: actor recall, alias fragmentation, commitment recall/precision
(evidence spans overlap and kinds compatible; plus a kind-exact figure) and key-fact coverage
of the brief. Scoring works on plain data (`Output`). `--engine rules` (the default) needs
nothing; `--engine llm` needs an LLM configured as the service reads it (`OPENAI_API_KEY` or
`OPENAI_BASE_URL`, `WIREBRIEF_MODEL` ...) and marks articles the rules engine answered after the
LLM failed. Reads `../shared` in place (`WIREBRIEF_SHARED` overrides); nothing is copied.

    .venv/bin/python bench/eval.py [--engine rules|llm] [--verbose]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import Analysis
from schemas.request import BriefRequest
from service.config import Settings
from service.errors import WirebriefError
from service.ingest import article_from_text, ingest
from service.pipeline import Pipeline

COMPATIBLE: dict[str, set[str]] = {
    "agreement": {"agreement", "promise", "plan"},
    "promise": {"agreement", "promise", "plan"},
    "plan": {"agreement", "promise", "plan"},
    "demand": {"demand"},
    "refusal": {"refusal", "denial"},
    "denial": {"refusal", "denial"},
    "threat": {"threat"},
    "other": set(),
}


# -- plain data that any engine's result can be turned into ------------------------------
@dataclass
class ActorOut:
    name: str
    aliases: list[str]

    @property
    def forms(self) -> set[str]:
        return {f.strip().lower() for f in [self.name, *self.aliases] if f.strip()}


@dataclass
class CommitmentOut:
    quote: str
    kind: str
    start: int = -1
    end: int = -1
    further: list[tuple[int, int]] = field(default_factory=list)  # other statements of the same undertaking


@dataclass
class Output:
    actors: list[ActorOut]
    commitments: list[CommitmentOut]
    brief_text: str


@dataclass
class Scores:
    gold_actors: int = 0
    actors_found: int = 0
    extra_matches: int = 0
    gold_commitments: int = 0
    recalled: int = 0
    recalled_exact: int = 0
    produced: int = 0
    precise: int = 0
    precise_exact: int = 0
    facts: int = 0
    facts_covered: int = 0
    missed_facts: list[str] = field(default_factory=list)
    missed_commitments: list[str] = field(default_factory=list)  # "kind: evidence" of gold rows not recalled
    false_commitments: list[str] = field(default_factory=list)  # "kind: quote" of produced rows matching no gold

    def add(self, other: Scores) -> None:
        for name in self.__dataclass_fields__:
            if not isinstance(getattr(self, name), list):
                setattr(self, name, getattr(self, name) + getattr(other, name))


def _locate(text: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    if 0 <= start < end and text[start:end] == quote:
        return start, end
    at = text.find(quote)
    return (at, at + len(quote)) if at >= 0 and quote else None


def score(text: str, gold: dict[str, Any], out: Output) -> Scores:
    """Compare one engine output with one gold record."""
    s = Scores()
    for actor in gold.get("actors", []):
        forms = {f.strip().lower() for f in [actor["name"], *actor.get("aliases", [])] if f.strip()}
        matches = [a for a in out.actors if a.forms & forms]
        s.gold_actors += 1
        if matches:
            s.actors_found += 1
            s.extra_matches += len(matches) - 1

    # A row that states one undertaking with several quotes (evidence and further evidence) covers
    # every gold row any of its quotes overlaps; it is still one produced row for precision.
    produced = [(c, [_locate(text, c.quote, c.start, c.end), *c.further]) for c in out.commitments]
    gold_items = [(g, _locate(text, g["evidence"], -1, -1)) for g in gold.get("commitments", [])]

    def overlap(a: tuple[int, int] | None, spans: list[tuple[int, int] | None]) -> bool:
        return a is not None and any(b is not None and a[0] < b[1] and b[0] < a[1] for b in spans)

    s.gold_commitments = len(gold_items)
    for g, gspan in gold_items:
        hits = [c for c, cspan in produced if overlap(gspan, cspan)]
        recalled = any(c.kind in COMPATIBLE.get(g["kind"], set()) for c in hits)
        s.recalled += recalled
        if not recalled:
            s.missed_commitments.append(f"{g['kind']}: {g['evidence']}" + (f" (got {hits[0].kind})" if hits else ""))
        s.recalled_exact += any(c.kind == g["kind"] for c in hits)
    s.produced = len(produced)
    for item, cspan in produced:
        gold_hits = [g for g, gspan in gold_items if overlap(gspan, cspan)]  # cspan: the row's quotes
        precise = any(item.kind in COMPATIBLE.get(g["kind"], set()) for g in gold_hits)
        s.precise += precise
        if not precise:
            s.false_commitments.append(f"{item.kind}: {item.quote}")
        s.precise_exact += any(item.kind == g["kind"] for g in gold_hits)

    brief = out.brief_text.lower()
    for fact in gold.get("key_facts", []):
        s.facts += 1
        if all(any(k.lower() in brief for k in group) for group in fact["must_mention"]):
            s.facts_covered += 1
        else:
            s.missed_facts.append(fact["fact"])
    return s


# -- the product's result as plain data ------------------------------------------------------
def from_analysis(analysis: Analysis) -> Output:
    """Turn what a user gets (`schemas.Analysis`) into plain data."""
    return Output(
        actors=[ActorOut(a.name, list(a.aliases)) for a in analysis.actors],
        commitments=[
            CommitmentOut(
                c.evidence.quote,
                c.kind,
                c.evidence.start,
                c.evidence.end,
                [(e.start, e.end) for e in c.further_evidence],
            )
            for c in analysis.commitments
        ],
        brief_text="\n".join([analysis.brief.headline, analysis.brief.summary, *analysis.brief.key_points]),
    )


def settings_for(engine: str) -> Settings:
    """The service's settings from the environment, with the engine this run measures."""
    settings = Settings(engine=engine)
    if engine == "llm" and not settings.llm_configured:
        print("bench/eval.py --engine llm: an LLM must be configured (set OPENAI_API_KEY or OPENAI_BASE_URL)")
        raise SystemExit(2)
    return settings


def shared_dir() -> Path:
    """The shared data folder: `WIREBRIEF_SHARED`, else `../shared` beside the repository."""
    override = os.environ.get("WIREBRIEF_SHARED")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared"


def cases(shared: Path) -> list[tuple[str, Path, Path]]:
    """(name, article, gold) pairs: the seed first, then the corpus."""
    found = [("seed", shared / "seed" / "idlib.txt", shared / "seed" / "idlib.gold.json")]
    for article in sorted((shared / "corpus" / "articles").glob("*.txt")):
        gold = shared / "corpus" / "gold" / f"{article.stem}.json"
        if gold.exists():
            found.append((article.stem, article, gold))
    return [c for c in found if c[1].exists() and c[2].exists()]


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


async def run(engine: str, verbose: bool) -> None:
    settings = settings_for(engine)
    pipeline = await Pipeline.from_settings(settings, with_store=False)
    try:
        await evaluate(pipeline, engine, verbose)
    finally:
        await pipeline.aclose()


async def evaluate(pipeline: Pipeline, engine: str, verbose: bool) -> None:
    total = Scores()
    degraded = failed = input_tokens = output_tokens = 0
    cost = 0.0
    columns = ("actR", "frag", "comR", "comP", "exR", "exP")
    header = f"{'article':<8}" + "".join(f"{c:>6}" for c in columns) + f"{'facts':>7}{'n/gold':>8}{'ms':>7}"
    model = pipeline.choose_engine(engine).identity[0] if engine == "llm" else None
    print(f"engine: {engine}" + (f" ({model})" if model else ""))
    print(header)
    for name, article_path, gold_path in cases(shared_dir()):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        request = BriefRequest(text=article_path.read_text(encoding="utf-8"), published=gold.get("published"))
        started = time.perf_counter()
        try:
            article = await ingest(request, pipeline.settings)
            analysis = await pipeline.analyze(article, engine=engine, use_cache=False)
        except WirebriefError as error:  # the LLM failed and no fallback answered: nothing to score
            failed += 1
            print(f"{name:<8}  failed: {error.detail}")
            continue
        ms = (time.perf_counter() - started) * 1000
        s = score(article.text, gold, from_analysis(analysis))
        total.add(s)
        provenance = analysis.provenance
        degraded += provenance.degraded
        input_tokens += provenance.usage.input_tokens
        output_tokens += provenance.usage.output_tokens
        cost += provenance.cost_usd or 0.0
        print(
            f"{name:<8}{_ratio(s.actors_found, s.gold_actors):>6}{s.extra_matches / max(s.actors_found, 1):>6.2f}"
            f"{_ratio(s.recalled, s.gold_commitments):>6}{_ratio(s.precise, s.produced):>6}"
            f"{_ratio(s.recalled_exact, s.gold_commitments):>6}{_ratio(s.precise_exact, s.produced):>6}"
            f"{_ratio(s.facts_covered, s.facts):>7}{f'{s.produced}/{s.gold_commitments}':>8}{ms:>7.0f}"
            + ("  degraded: answered by the rules engine" if provenance.degraded else "")
        )
        if verbose:
            for fact in s.missed_facts:
                print(f"          missed fact: {fact}")
            for missed in s.missed_commitments:
                print(f"          missed commitment: {missed}")
            for false in s.false_commitments:
                print(f"          false commitment: {false}")
            for warning in analysis.warnings:
                print(f"          warning {warning.code}: {warning.detail}")
    print("-" * len(header))
    print(
        f"{'ALL':<8}{_ratio(total.actors_found, total.gold_actors):>6}"
        f"{total.extra_matches / max(total.actors_found, 1):>6.2f}"
        f"{_ratio(total.recalled, total.gold_commitments):>6}{_ratio(total.precise, total.produced):>6}"
        f"{_ratio(total.recalled_exact, total.gold_commitments):>6}{_ratio(total.precise_exact, total.produced):>6}"
        f"{_ratio(total.facts_covered, total.facts):>7}{f'{total.produced}/{total.gold_commitments}':>8}"
    )
    print(  # the counts behind the ratios, for a figure read against a threshold
        f"counts: actors {total.actors_found}/{total.gold_actors} (+{total.extra_matches} fragments), "
        f"commitments recalled {total.recalled}/{total.gold_commitments}, precise {total.precise}/{total.produced}, "
        f"facts {total.facts_covered}/{total.facts}"
    )
    if engine == "llm":
        print(
            f"\nLLM: {input_tokens} input + {output_tokens} output tokens, ${cost:.4f}; "
            f"{degraded} article(s) answered by the rules engine after the LLM failed, {failed} failed"
        )
    print(
        "\nactR: gold actors found (a produced name/alias equals a gold alias, case-insensitive); frag: extra\n"
        "produced actors per gold actor found; comR/comP: commitment recall/precision (evidence or further\n"
        "evidence overlaps, plan/promise/agreement inter-compatible); exR/exP: same with exact kinds; facts:\n"
        "key facts covered by headline+summary+key points; ms: ingest + Pipeline.analyze, wall time."
    )


def statements(reader: Any, nothing: list[str], found: list[tuple[str, str]]) -> tuple[int, int]:
    """How many statements that commit to nothing gave a commitment; how many genuine ones were found
    (a commitment of a compatible kind)."""
    false = sum(bool(reader.draft(article_from_text(text, max_chars=10_000)).commitments) for text in nothing)
    hits = 0
    for text, kind in found:
        kinds = {c.kind for c in reader.draft(article_from_text(text, max_chars=10_000)).commitments}
        hits += bool(kinds & COMPATIBLE[kind])
    return false, hits


def challenge() -> None:
    """The rules engine on short statements: the tuning set in tests/ and the held-out one in bench/."""
    from bench import heldout_statements
    from service.engines.rules.reader import RulesReader
    from tests import challenge_set

    reader = RulesReader()
    print("\nstatements (rules engine)      commit-to-nothing gave one   genuine found")
    for name, data in (("tests/challenge_set.py", challenge_set), ("bench/heldout_statements.py", heldout_statements)):
        false, hits = statements(reader, data.NOTHING, data.FOUND)
        print(
            f"{name:<31}{false:>4}/{len(data.NOTHING):<3} = {false / len(data.NOTHING):.2f}"
            f"{hits:>14}/{len(data.FOUND):<3} = {hits / len(data.FOUND):.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--engine", default="rules", choices=["rules", "llm"])
    parser.add_argument(
        "--verbose", action="store_true", help="print missed key facts, missed and false commitments, and warnings"
    )
    args = parser.parse_args()
    shared = shared_dir()
    found = cases(shared)
    if found:
        corpus = len(found) - (found[0][0] == "seed")
        print(f"data: {shared} (the seed{' and ' + str(corpus) + ' corpus articles' if corpus else ' only'})")
        asyncio.run(run(args.engine, args.verbose))
    else:
        # A clone without the development data: say so, rather than print a table of 0/0; the
        # statements below are the project's own and are always measured.
        print(
            f"no gold data at {shared} (the seed's gold and the corpus live in ../shared, beside the repository, "
            "or WIREBRIEF_SHARED): the corpus figures are skipped"
        )
    challenge()


if __name__ == "__main__":
    main()
