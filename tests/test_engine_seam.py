"""The engine seam: a third engine is one module and one line in the registry, and the pipeline
treats it as it treats the two it ships with (choice by name, cache key, fallback, leak check)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.api.app import create_app
from service.config import Settings
from service.engines import registry
from service.errors import EngineUnavailable, InvalidRequest
from service.ingest import article_from_text
from service.pipeline import Pipeline
from tests import toy_engine
from tests.support import assert_grounded, assert_problem

TEXT = "Acme promised to open a factory in Leeds. The council welcomed the plan."


@pytest.fixture
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.ENGINES, "toy", "tests.toy_engine")  # the one line a maintainer writes
    yield


def offline_settings(**overrides: object) -> Settings:
    return fixture_settings(openai_api_key=None, openai_base_url=None, **overrides)


async def test_a_registered_engine_answers_when_the_settings_name_it(toy_registered: None) -> None:
    pipeline = await Pipeline.from_settings(offline_settings(engine="toy"), with_store=False)
    try:
        analysis = await pipeline.analyze(article_from_text(TEXT, max_chars=10_000))
    finally:
        await pipeline.aclose()
    assert analysis.provenance.engine == "toy" and analysis.provenance.model == "toy-model"
    assert [c.evidence.quote for c in analysis.commitments] == ["Acme promised to open a factory in Leeds"]
    assert analysis.actors[0].name == "Acme"
    assert_grounded(analysis)
    assert not analysis.provenance.degraded


async def test_a_registered_engine_is_asked_for_by_name_over_http_and_listed_as_ready(toy_registered: None) -> None:
    settings = offline_settings(engine="auto")
    app = create_app(settings, pipeline=await Pipeline.from_settings(settings, with_store=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test") as client:
        chosen = await client.post("/v1/briefs", json={"text": TEXT, "options": {"engine": "toy"}})
        default = await client.post("/v1/briefs", json={"text": TEXT})
        unknown = await client.post("/v1/briefs", json={"text": TEXT, "options": {"engine": "tyo"}})
    assert chosen.status_code == 200 and chosen.json()["provenance"]["engine"] == "toy"
    assert default.json()["provenance"]["engine"] == "rules"  # auto: the first registered engine that runs
    problem = assert_problem(unknown, 422, "invalid-request")
    assert "toy" in str(problem["detail"])  # the message lists the engines there are


async def test_a_remote_engine_that_fails_falls_back_to_the_offline_one(
    toy_registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toy_engine, "toy_fails", True)
    pipeline = await Pipeline.from_settings(offline_settings(engine="toy"), with_store=False)
    try:
        analysis = await pipeline.analyze(article_from_text(TEXT, max_chars=10_000))
    finally:
        await pipeline.aclose()
    assert analysis.provenance.engine == "rules" and analysis.provenance.degraded
    assert any(w.code == "fallback_engine" and "toy engine is down" in w.detail for w in analysis.warnings)


async def test_an_engine_the_settings_do_not_build_is_unavailable_and_an_unknown_one_is_invalid() -> None:
    pipeline = await Pipeline.from_settings(offline_settings(engine="rules"), with_store=False)
    try:
        with pytest.raises(EngineUnavailable, match="OPENAI_API_KEY"):
            pipeline.choose_engine("llm")
        with pytest.raises(InvalidRequest, match="no engine called 'toy'"):
            pipeline.choose_engine("toy")  # not registered in this test
    finally:
        await pipeline.aclose()
