"""A 20,000-word article gives one merged, grounded result, through either engine."""

from __future__ import annotations

import httpx2
import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.pipeline import Pipeline
from tests.standin_llm import Standin, build_app
from tests.support import article_text, assert_grounded

SOURCES = ["idlib", "defector", "hackers", "homeopathic", "sensitive"]


@pytest.fixture(scope="module")
def long_text() -> str:
    """About 20,000 words: the fixture articles, one after another, several times over."""
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < 20_000:
        parts.extend(article_text(name) for name in SOURCES)
    return "\n\n".join(parts)


def assert_merged(analysis: Analysis) -> None:
    assert analysis.provenance.chunks > 1
    names = [actor.name.casefold() for actor in analysis.actors]
    assert len(names) == len(set(names)), "an actor is listed twice"
    owners: dict[str, str] = {}
    for actor in analysis.actors:
        for alias in {actor.name, *actor.aliases}:
            assert owners.setdefault(alias, actor.id) == actor.id, f"{alias!r} names two actors"
    assert_grounded(analysis)


@pytest.mark.slow
async def test_rules_engine_merges_the_chunks_of_a_long_article(long_text: str, rules_engine: RulesEngine) -> None:
    settings = fixture_settings(engine="rules")
    analysis = await Pipeline(settings, [rules_engine]).analyze(article_from_text(long_text, max_chars=500_000))

    assert analysis.article.words >= 20_000
    assert_merged(analysis)
    assert any(actor.name == "Vladimir Putin" for actor in analysis.actors)
    assert analysis.brief.summary.split(". ")[0] in long_text


@pytest.mark.slow
async def test_llm_engine_runs_chunks_and_writes_the_brief_last(long_text: str) -> None:
    standin = Standin(answer="rules")
    settings = fixture_settings()
    engine = LlmEngine(settings, transport=httpx2.ASGITransport(app=build_app(standin)))

    analysis = await Pipeline(settings, [engine]).analyze(article_from_text(long_text, max_chars=500_000))

    assert_merged(analysis)
    chunks = analysis.provenance.chunks
    assert standin.calls == chunks + 1  # one call per chunk, then the brief from the merged result
    assert analysis.provenance.usage.llm_calls == chunks + 1
    assert analysis.commitments and analysis.brief.headline
