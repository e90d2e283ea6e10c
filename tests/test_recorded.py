"""Exchanges recorded from a real model (fixtures/exchanges/recorded/, `make record`), replayed at
the HTTP layer with the settings each cassette carries, so the requests are byte for byte those
that were recorded. What a small model can be held to: when it answered, the answer is the LLM's
(not the fallback), has the contract's shape and every quote grounded; when it could not (a
135M model repeating itself to the output limit), the same named cause, and the fallback's
answer grounded. Either way every recorded call is made again, no more, and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.cassettes import RECORDED_SETTINGS, fixture_settings
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.llm.replay import Cassette, ReplayTransport
from service.pipeline import Pipeline
from tests.support import FIXTURES, assert_grounded

RECORDED = sorted((FIXTURES / "exchanges" / "recorded").glob("*.json"))
ARTICLES = {e["name"]: e["article"] for e in json.loads((FIXTURES / "manifest.json").read_text("utf-8"))["exchanges"]}


def test_at_least_three_articles_were_recorded_from_a_real_model() -> None:
    assert len(RECORDED) >= 3
    for path in RECORDED:
        cassette = Cassette.load(path)
        assert cassette.source == "recorded"
        assert {"model", "llm_mode", "server", "date", "outcome"} <= set(cassette.settings), path.name
        assert cassette.settings["model"] in cassette.note and cassette.settings["date"] in cassette.note


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_a_recorded_exchange_replays_to_what_was_recorded(path: Path, rules_engine: RulesEngine) -> None:
    cassette = Cassette.load(path)
    settings = fixture_settings(**{key: cassette.settings[key] for key in RECORDED_SETTINGS})
    transport = ReplayTransport(cassette)
    pipeline = Pipeline(settings, [LlmEngine(settings, transport=transport), rules_engine])
    text = (FIXTURES / ARTICLES[cassette.name]).read_text(encoding="utf-8")
    analysis = await pipeline.analyze(article_from_text(text, max_chars=200_000))
    transport.check_used_up()
    assert transport.served == len(cassette.interactions)
    assert analysis.provenance.usage.llm_calls == len(cassette.interactions)
    assert_grounded(analysis)
    outcome = cassette.settings["outcome"]
    if outcome.startswith("engine llm"):
        assert analysis.provenance.engine == "llm" and not analysis.provenance.degraded
        assert analysis.provenance.model == cassette.settings["model"] and analysis.brief.headline
    else:  # the recorded failure, named the same way, and answered by the fallback
        assert analysis.provenance.degraded
        warning = next(w.detail for w in analysis.warnings if w.code == "fallback_engine")
        assert warning.startswith(outcome.split(": ", 1)[1]), (warning, outcome)
