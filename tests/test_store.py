"""Results are kept: fetched again by id in any format, and never sent to the LLM twice."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from schemas import Analysis
from service.ingest import article_from_text
from service.store import SqlStore
from tests.conftest import ReplayFactory, article_text

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
    pipeline = replay("idlib")
    pipeline.store = store
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
    down = replay("idlib.down")
    down.store = store
    degraded = await down.analyze(article)
    assert degraded.provenance.degraded and await store.get_analysis(degraded.id) == degraded

    healthy = replay("idlib")
    healthy.store = store
    fresh = await healthy.analyze(article)
    assert fresh.provenance.engine == "llm" and not fresh.provenance.degraded and fresh.id != degraded.id
