"""Results are kept: fetched again by id in any format, and never sent to the LLM twice."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.pipeline import Pipeline
from service.store import SqlStore
from tests.support import ReplayFactory, article_text

pytestmark = pytest.mark.both_databases  # the store's users run on SQLite and PostgreSQL

ApiFactory = Callable[..., httpx.AsyncClient]


async def test_a_stored_analysis_is_returned_by_id_in_every_format(api: ApiFactory) -> None:
    client = api("idlib")
    created = Analysis.model_validate_json(
        (await client.post("/v1/briefs", json={"text": article_text("idlib")})).content
    )

    again = await client.get(f"/v1/briefs/{created.id}")
    assert again.status_code == 200 and Analysis.model_validate_json(again.content) == created
    markdown = await client.get(f"/v1/briefs/{created.id}?format=markdown")
    assert markdown.text.startswith(f"# {created.brief.headline}")
    table = await client.get(f"/v1/briefs/{created.id}", headers={"accept": "text/csv"})
    assert table.text.count("\n") == len(created.commitments) + 1


async def test_unknown_id_is_a_404_problem(api: ApiFactory) -> None:
    response = await api().get("/v1/briefs/wb_nothing")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:wirebrief:problem:not-found"


async def test_a_repeated_article_is_served_from_the_store_without_an_llm_call(
    replay: ReplayFactory, store: SqlStore
) -> None:
    pipeline = replay("idlib", store=store)
    transport = replay.transports[-1]
    article = article_from_text(article_text("idlib"), max_chars=200_000)

    first = await pipeline.analyze(article)
    second = await pipeline.analyze(article)

    assert transport.served == 1
    assert second == first and pipeline.cache_hits == 1


async def test_a_degraded_answer_is_stored_but_not_served_as_the_llm_result(
    replay: ReplayFactory, store: SqlStore
) -> None:
    article = article_from_text(article_text("idlib"), max_chars=200_000)
    down = replay("idlib.down", store=store)
    degraded = await down.analyze(article)
    assert degraded.provenance.degraded and await store.get_analysis(degraded.id) == degraded

    healthy = replay("idlib", store=store)
    fresh = await healthy.analyze(article)
    assert fresh.provenance.engine == "llm" and not fresh.provenance.degraded and fresh.id != degraded.id


async def test_retention_deletes_what_is_old_and_finished_and_keeps_what_is_pending(
    rules_engine: RulesEngine, store: SqlStore
) -> None:
    analysis = await Pipeline(fixture_settings(engine="rules"), [rules_engine], store=store).analyze(
        article_from_text(article_text("idlib"), max_chars=200_000)
    )
    for job_id, state in [("job_done", "done"), ("job_waiting", "done"), ("job_running", "running")]:
        await store.create_job(job_id, {"brief": {}})
        await store.update_job(job_id, state)
    await store.add_delivery("msg_sent", "job_done", "webhook", "https://example.com/hook", "{}")
    await store.record_attempt(
        "msg_sent", state="delivered", next_attempt_at=0, status_code=200, error=None, duration_ms=5
    )
    await store.add_delivery("msg_pending", "job_waiting", "webhook", "https://example.com/hook", "{}")

    assert set((await store.prune(before=time.time() - 3600)).values()) == {0}  # nothing is that old yet

    removed = await store.prune(before=time.time() + 1)
    assert removed == {"delivery_attempts": 1, "deliveries": 1, "jobs": 1, "tenant_analyses": 1, "analyses": 1}
    assert await store.get_analysis(analysis.id) is None
    assert await store.get_delivery("msg_sent") is None and await store.get_job("job_done") is None
    pending = await store.get_delivery("msg_pending")
    assert pending is not None and pending.state == "pending"  # still to be sent, with its job
    assert await store.get_job("job_waiting") is not None and await store.get_job("job_running") is not None
