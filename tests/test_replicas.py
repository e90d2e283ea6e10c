"""Replicas: several `wirebrief serve` processes (stand-ins for machines) on one database hold the
limits together. A key's rate limit counts in the database, so two replicas give it the limit
once, not twice; so do worker processes of one replica."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.api.app import create_app
from service.engines.rules.engine import RulesEngine
from service.pipeline import Pipeline
from service.store import open_store
from tests.support import SERVE, Process, assert_problem

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
    statuses = [(await clients[n % 2].get("/v1/briefs", headers=desk)).status_code for n in range(10)]
    assert statuses == [200] * 6 + [429] * 4  # six in all, not six on each
    refused = await clients[1].get("/v1/briefs", headers=desk)
    assert_problem(refused, 429, "rate-limited")
    assert 1 <= int(refused.headers["retry-after"]) <= 61
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
