"""Keys, rate limits, capacity and metrics: the service keeps answering, with clear errors."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis, Draft, DraftBrief
from service.api.app import create_app
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.pipeline import Pipeline
from service.store import SqlStore
from tests.standin_llm import Standin, build_app
from tests.support import article_text, assert_problem

ApiFactory = Callable[..., httpx.AsyncClient]
ARTICLE = {"text": "The ministers agreed to meet again in March. The union threatened to strike."}


async def test_api_keys_are_required_when_set(api: ApiFactory) -> None:
    client = api(api_keys="alpha-key,beta-key")

    missing = await client.post("/v1/briefs", json=ARTICLE)
    assert_problem(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert_problem(await client.post("/v1/briefs", json=ARTICLE, headers={"x-api-key": "gamma"}), 401, "unauthorized")

    bearer = await client.post("/v1/briefs", json=ARTICLE, headers={"authorization": "Bearer beta-key"})
    header = await client.post("/v1/briefs", json=ARTICLE, headers={"x-api-key": "alpha-key"})
    assert bearer.status_code == 200 and header.status_code == 200
    assert (await client.get("/healthz")).status_code == 200  # operations stay open by default


async def test_operations_can_be_put_behind_the_keys(api: ApiFactory) -> None:
    client = api(api_keys="alpha-key", open_ops=False)
    assert_problem(await client.get("/metrics"), 401, "unauthorized")
    assert (await client.get("/metrics", headers={"x-api-key": "alpha-key"})).status_code == 200


async def test_a_burst_from_one_key_is_limited_while_other_keys_are_served(api: ApiFactory) -> None:
    client = api(api_keys="flood,calm", rate_limit="5/minute")
    flood = {"x-api-key": "flood"}

    statuses = [(await client.post("/v1/briefs", json=ARTICLE, headers=flood)).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    limited = await client.post("/v1/briefs", json=ARTICLE, headers=flood)
    assert_problem(limited, 429, "rate-limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert (await client.post("/v1/briefs", json=ARTICLE, headers={"x-api-key": "calm"})).status_code == 200


async def test_when_every_llm_slot_is_busy_the_service_answers_503_with_retry_after(store: SqlStore) -> None:
    settings = fixture_settings(max_llm_in_flight=1, llm_slot_wait_s=0.2)
    engine = LlmEngine(settings, transport=httpx2.ASGITransport(app=build_app(Standin(latency=1.0))))
    app = create_app(settings, pipeline=Pipeline(settings, [engine], store=store))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test") as client:
        first, second = await asyncio.gather(
            client.post("/v1/briefs", json={"text": article_text("idlib")}),
            client.post("/v1/briefs", json={"text": article_text("hackers")}),
        )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 503]
    refused = first if first.status_code == 503 else second
    assert_problem(refused, 503, "overloaded")
    assert refused.headers["retry-after"] == "1"


async def test_metrics_count_requests_llm_calls_and_cache_hits(api: ApiFactory) -> None:
    client = api("idlib")
    for _ in range(2):
        response = await client.post("/v1/briefs", json={"text": article_text("idlib")})
        Analysis.model_validate_json(response.content)

    body = (await client.get("/metrics")).text
    assert 'wirebrief_http_requests_total{method="POST",route="/v1/briefs",status="200"}' in body
    assert "wirebrief_llm_calls_total" in body and "wirebrief_cache_hits_total" in body
    assert 'wirebrief_llm_tokens_total{direction="input"}' in body


async def test_readiness_reports_the_engine_and_the_store(api: ApiFactory) -> None:
    response = await api().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["engine"], body["store"]) == ("ready", "rules", True)


async def test_a_flood_for_the_rules_engine_is_refused_with_retry_after_not_queued(store: SqlStore) -> None:
    class SlowReader:
        def draft(self, article: Any) -> Any:
            time.sleep(0.3)  # in the rules thread, as spaCy would be
            return Draft(actors=[], commitments=[], brief=DraftBrief(headline="h", summary="s.", key_points=[]))

    settings = fixture_settings(engine="rules", openai_api_key=None, openai_base_url=None, max_rules_queue=2)
    app = create_app(settings, pipeline=Pipeline(settings, [RulesEngine(settings, reader=SlowReader())], store=store))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test") as client:
        responses = await asyncio.gather(
            *(client.post("/v1/briefs", json={"text": f"Article number {n}."}) for n in range(3))
        )
    assert sorted(r.status_code for r in responses) == [200, 200, 503]
    refused = next(r for r in responses if r.status_code == 503)
    assert_problem(refused, 503, "overloaded")
    assert int(refused.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("req-2026-11-25:42", True), ("", False), ("a" * 129, False), ("two words", False), ("x\u00e9", False)],
    ids=["sane", "empty", "too-long", "space", "not-ascii"],
)
async def test_every_answer_carries_a_request_id_the_clients_when_it_is_sane(
    api: Callable[..., httpx.AsyncClient], sent: str, kept: bool
) -> None:
    response = await api().get("/v1/briefs/wb_missing", headers={"x-request-id": sent.encode("utf-8")})
    assert response.status_code == 404  # errors carry it too
    request_id = response.headers["x-request-id"]
    assert (request_id == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:\-]{1,128}", request_id)
