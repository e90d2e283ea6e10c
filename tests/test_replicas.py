"""Replicas: several `wirebrief serve` processes (stand-ins for machines) on one database.

A key's rate limit counts in the database, so two replicas give it the limit once, not twice (so
do the worker processes of one replica). Any replica accepts a job; when one is killed, the
others finish its jobs and send its webhooks, at least once each, never twice at once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest

from devtools.cassettes import fixture_settings
from service.api.app import create_app
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.pipeline import Pipeline
from service.store import SqlStore, open_store
from service.store.llm_slots import StoreLlmSlots
from tests.standin_llm import Standin, build_app
from tests.support import (
    SERVE,
    Process,
    Receiver,
    assert_problem,
    eventually,
    queued_work,
    received,
    service_env,
    standin_args,
)

pytestmark = pytest.mark.both_databases

ARTICLE = {"text": "The ministers agreed to meet again in March."}


@pytest.fixture
async def replicas(
    database_url: str, rules_engine: RulesEngine
) -> AsyncIterator[Callable[..., list[httpx.AsyncClient]]]:
    """`replicas(**settings)` -> clients of two apps on the test's database, each with its own
    store (its own connections), as two processes or machines would have them."""
    stores = [await open_store(database_url) for _ in range(2)]
    clients: list[httpx.AsyncClient] = []

    def make(**overrides: str) -> list[httpx.AsyncClient]:
        settings = fixture_settings(engine="rules", **overrides)
        apps = [create_app(settings, Pipeline(settings, [rules_engine], store=store)) for store in stores]
        made = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://wirebrief.test") for a in apps]
        clients.extend(made)
        return made

    yield make
    for client in clients:
        await client.aclose()
    for store in stores:
        await store.close()


async def test_two_apps_on_one_database_give_a_key_its_limit_once(
    replicas: Callable[..., list[httpx.AsyncClient]],
) -> None:
    clients = replicas(api_keys="desk,other", rate_limit="6/minute")
    desk = {"x-api-key": "desk"}
    first_at = time.monotonic()
    statuses = [(await clients[n % 2].get("/v1/briefs", headers=desk)).status_code for n in range(10)]
    assert statuses == [200] * 6 + [429] * 4  # six in all, not six on each
    refused = await clients[1].get("/v1/briefs", headers=desk)
    assert_problem(refused, 429, "rate-limited")
    # Retry-After is when the shared window, opened by the first request, ends: the rest of its minute.
    window_left = 60 - (time.monotonic() - first_at)
    assert window_left - 1 <= int(refused.headers["retry-after"]) <= window_left + 1, window_left
    # Another key has its own window, on either replica.
    assert (await clients[0].get("/v1/briefs", headers={"x-api-key": "other"})).status_code == 200


async def test_hits_at_the_same_moment_on_two_replicas_are_all_counted(
    replicas: Callable[..., list[httpx.AsyncClient]],
) -> None:
    clients = replicas(api_keys="burst", rate_limit="6/minute")
    burst = {"x-api-key": "burst"}
    answers = await asyncio.gather(*(clients[n % 2].get("/v1/briefs", headers=burst) for n in range(12)))
    assert Counter(a.status_code for a in answers) == {200: 6, 429: 6}


async def test_wrong_keys_sent_to_every_replica_are_counted_together(
    replicas: Callable[..., list[httpx.AsyncClient]],
) -> None:
    """A key-guessing loop spread over the replicas is slowed as if it hit one (20 a minute per address)."""
    clients = replicas(api_keys="right-key")
    guesses = [{"x-api-key": f"guess-{n}"} for n in range(24)]
    statuses = [(await clients[n % 2].get("/v1/briefs", headers=guess)).status_code for n, guess in enumerate(guesses)]
    assert statuses == [401] * 20 + [429] * 4


async def test_the_llm_cap_holds_for_every_replica_together(database_url: str) -> None:
    """WIREBRIEF_MAX_LLM_IN_FLIGHT=2 on two replicas: never more than two calls at the LLM at once
    (not four); the others wait their turn and are answered."""
    standin = Standin(latency=0.4)
    settings = fixture_settings(max_llm_in_flight=2, llm_slot_wait_s=10)
    stores = [await open_store(database_url) for _ in range(2)]
    engines = [
        LlmEngine(
            settings,
            transport=httpx2.ASGITransport(app=build_app(standin)),
            shared_slots=StoreLlmSlots(store, settings.max_llm_in_flight),
        )
        for store in stores
    ]
    apps = [create_app(settings, Pipeline(settings, [e], store=s)) for e, s in zip(engines, stores, strict=True)]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://wirebrief.test") for a in apps]
    try:
        texts = [f"Talks, round {n}.\nOfficials said Chile agreed on day {n} to send envoys." for n in range(6)]
        answers = await asyncio.gather(
            *(clients[n % 2].post("/v1/briefs", json={"text": text}) for n, text in enumerate(texts))
        )
        assert [a.status_code for a in answers] == [200] * 6
        assert standin.peak_in_flight == 2
        # Every slot was given back: two more calls start at once.
        assert [await stores[0].take_llm_slot(f"check-{n}", 2, 5.0) for n in range(3)] == [0, 1, None]
    finally:
        for client in clients:
            await client.aclose()
        for engine in engines:
            await engine.aclose()
        for store in stores:
            await store.close()


class _FirstCallRateLimited(httpx2.AsyncBaseTransport):
    """The LLM (a stand-in), whose first answer is a 429 asking to wait 2 s; the time of every call."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, calls: list[float]) -> None:
        self.inner, self.calls = inner, calls

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.calls.append(time.time())
        if len(self.calls) == 1:
            return httpx2.Response(429, headers={"retry-after": "2"}, json={"error": {"message": "slow down"}})
        return await self.inner.handle_async_request(request)


async def test_a_429_seen_by_one_replica_pauses_the_others_for_its_retry_after(database_url: str) -> None:
    """Replica A's call is told to wait 2 s; replica B, asked for an article a moment later, starts
    no call of its own before those 2 s are over (it would otherwise get a 429 as well)."""
    settings = fixture_settings(max_llm_in_flight=4, llm_slot_wait_s=10, retry_base_s=0.05)
    stores = [await open_store(database_url) for _ in range(2)]
    calls: list[float] = []
    llm = _FirstCallRateLimited(httpx2.ASGITransport(app=build_app(Standin())), calls)
    engines = [
        LlmEngine(settings, transport=llm, shared_slots=StoreLlmSlots(store, settings.max_llm_in_flight))
        for store in stores
    ]
    pipelines = [Pipeline(settings, [e], store=s) for e, s in zip(engines, stores, strict=True)]
    try:
        first = asyncio.create_task(pipelines[0].analyze(article_from_text(ARTICLE["text"], max_chars=10_000)))
        await eventually(lambda: calls, timeout_s=10)  # A has had its 429
        paused_until = await eventually(stores[1].llm_paused_until, timeout_s=5)
        second = await pipelines[1].analyze(article_from_text("Chile agreed to send envoys.", max_chars=10_000))
        await first

        assert second.provenance.engine == "llm" and len(calls) == 3  # A's 429, A's retry, B's call
        assert min(calls[1:]) >= paused_until - 0.05  # neither called again before the pause was over
    finally:
        for engine in engines:
            await engine.aclose()
        for store in stores:
            await store.close()


async def test_calls_waiting_for_a_slot_take_turns_asking_the_database(store: SqlStore) -> None:
    """Fifty calls of one process waiting one second while the only slot is held elsewhere: the
    database is asked a few times in all, not fifty times at every pause."""
    assert await store.take_llm_slot("another-replica", 1, 30.0) == 0
    asked = 0
    take = store.take_llm_slot

    async def counting(holder: str, slots: int, hold_s: float) -> int | None:
        nonlocal asked
        asked += 1
        return await take(holder, slots, hold_s)

    store.take_llm_slot = counting  # type: ignore[method-assign]  # counts the statements, runs them all
    slots = StoreLlmSlots(store, 1)
    tickets = await asyncio.gather(*(slots.take(hold_s=5.0, wait_s=1.0) for _ in range(50)))
    assert tickets == [None] * 50
    assert asked <= 12  # one caller at a time, and one pause for the process: 20 ms, 40, 80, 160, then 250


async def test_a_slot_held_by_a_replica_that_died_frees_at_its_expiry(store: SqlStore) -> None:
    assert await store.take_llm_slot("killed-replica", 1, 0.3) == 0
    assert await store.take_llm_slot("alive", 1, 5.0) is None  # held
    await store.free_llm_slot(0, "alive")  # not this holder's to free: nothing changes
    assert await store.take_llm_slot("alive", 1, 5.0) is None
    await asyncio.sleep(0.35)
    assert await store.take_llm_slot("alive", 1, 5.0) == 0


@pytest.mark.slow
def test_two_serve_processes_on_one_database_hold_one_rate_limit(
    processes: Callable[..., Process], database_url: str
) -> None:
    """Real replicas: two `wirebrief serve` on two ports, the client alternating between them."""
    env = {
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "WIREBRIEF_DATABASE_URL": database_url,
        "WIREBRIEF_API_KEYS": "desk",
        "WIREBRIEF_RATE_LIMIT": "20/minute",
    }
    replicas = [processes(SERVE, "/readyz", env=env) for _ in range(2)]
    statuses = [
        httpx.get(replicas[n % 2].url + "/v1/briefs", headers={"x-api-key": "desk"}, timeout=10).status_code
        for n in range(30)
    ]
    assert statuses.count(200) == 20 and statuses.count(429) == 10
    assert statuses[:20] == [200] * 20


def _delivered(record: Path) -> dict[str, list[dict[str, Any]]]:
    """Every whole request the receiver got, by the job it reported on. A request cut off by the
    kill (its body short of its length) is left out: it fails the signature, as the receiver's
    own check shows, and is sent again."""
    by_job: dict[str, list[dict[str, Any]]] = {}
    for line in received(record):
        if not isinstance(line["body"], dict):
            assert not line["verified"]
            continue
        by_job.setdefault(line["body"]["data"]["job_id"], []).append(line)
    return by_job


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_jobs_of_a_replica_killed_mid_way_complete_and_every_webhook_arrives(
    processes: Callable[..., Process], receiver: Callable[..., Receiver], database_url: str
) -> None:
    """Two replicas on one PostgreSQL, 200 jobs with callbacks sent to either; `kill -9` of one after
    120, with some of the jobs it took from the queue still waiting on the LLM and webhooks waiting to
    be retried (the receiver is down for its first 8 seconds)."""
    llm = processes(standin_args("--latency", "1.5"), "/stats")
    hook, record = receiver("--down-for-s", "8", "--slow-first", "100000", "--slow-s", "0.05")
    env = {**service_env(llm, database_url), "WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S": "[0.5, 1, 2, 4, 8, 16]"}
    first, second = (processes(SERVE, "/readyz", env=env) for _ in range(2))

    def post(replica: Process, number: int) -> str:
        text = f"Talks, round {number}.\nOfficials said on day {number} that Chile agreed to send envoys next week."
        answer = httpx.post(replica.url + "/v1/briefs", json={"text": text, "callback_url": hook.url}, timeout=30)
        assert answer.status_code == 202, answer.text
        job_id: str = answer.json()["id"]
        return job_id

    jobs = await asyncio.gather(*(asyncio.to_thread(post, (first, second)[n % 2], n) for n in range(120)))
    first.popen.kill()  # kill -9: no shutdown, its heartbeat stops with jobs and deliveries in flight
    first.popen.wait()
    jobs += await asyncio.gather(*(asyncio.to_thread(post, second, n) for n in range(120, 200)))

    def all_delivered() -> bool:
        delivered = _delivered(record)
        return all(any(line["status"] == 200 for line in delivered.get(job, [])) for job in jobs)

    # Well before a job's deadline: the queue's sweep hands the killed one's work to the survivor once
    # its heartbeat is 10 s old.
    await eventually(all_delivered, timeout_s=60)
    delivered = _delivered(record)
    assert set(delivered) == set(jobs)  # nothing for a job nobody asked for
    for job in jobs:
        status = httpx.get(f"{second.url}/v1/jobs/{job}", timeout=10).json()
        assert status["state"] == "done", status
        lines = delivered[job]
        assert all(line["verified"] for line in lines)
        assert len({line["webhook_id"] for line in lines}) == 1  # one id for every attempt of one job's webhook
        assert not any(line["overlapping"] for line in lines)  # never two attempts of one id at once
    store = await open_store(database_url)
    try:
        pending = await store.due_deliveries(limit=1000, now=1e18)  # due at any time at all
        unfinished = await store.unfinished_jobs()
    finally:
        await store.close()
    assert pending == [] and unfinished == []
    assert queued_work(database_url) == []  # nor anything left in the queue
