"""CPU-heavy input must not stall the service (issue 11): HTML is read in a worker process under
a time limit, and a broken HTML reader fails readiness rather than the first user's request."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from service import html_pool
from tests.support import Process

pytestmark = pytest.mark.slow  # the service as a real process

Api = Callable[..., httpx.AsyncClient]
# 1.7 MB of sibling spans: 12 s of trafilatura, in lxml calls that hold the GIL for up to 1.7 s each.
HEAVY = "<html><body><article>" + "<span>a word</span> " * 85_000 + "</article></body></html>"
PAGE = "<html><body><article><p>The council agreed on Monday to rebuild the bridge by 2026.</p></article></body></html>"


async def test_a_page_past_the_time_limit_is_refused_and_the_next_page_is_read(api: Api) -> None:
    client = api(html_timeout_s=1.0)
    # the worker is up first: a cold worker's first page is also given its start-up time, within
    # which an unloaded machine can read the heavy page (and refuse its text as too large: 413)
    assert (await client.post("/v1/briefs", content=PAGE, headers={"content-type": "text/html"})).status_code == 200
    started = time.monotonic()
    heavy = await client.post("/v1/briefs", content=HEAVY, headers={"content-type": "text/html"})
    assert heavy.status_code == 422, heavy.text
    assert "too complex" in heavy.json()["detail"]
    assert time.monotonic() - started < 8  # stopped at its limit, not after its 12 s
    normal = await client.post("/v1/briefs", content=PAGE, headers={"content-type": "text/html"})
    assert normal.status_code == 200 and "bridge" in normal.json()["article"]["text"]


async def test_a_reader_that_died_is_replaced_and_the_next_page_is_read(api: Api) -> None:
    """A worker killed from outside (the kernel's OOM killer, a crash in lxml) once left the pool
    broken: every later HTML request answered 500."""
    client = api(html_timeout_s=5.0)
    assert (await client.post("/v1/briefs", content=PAGE, headers={"content-type": "text/html"})).status_code == 200
    pool = html_pool._pool
    assert pool is not None
    for process in list(pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
        process.join(5)
    after = await client.post("/v1/briefs", content=PAGE, headers={"content-type": "text/html"})
    assert after.status_code == 200, after.text
    assert "bridge" in after.json()["article"]["text"]


async def test_the_service_answers_while_a_heavy_page_is_read(api: Api) -> None:
    client = api(html_timeout_s=3.0)
    await client.post("/v1/briefs", content=PAGE, headers={"content-type": "text/html"})  # the worker is up
    heavy = asyncio.create_task(client.post("/v1/briefs", content=HEAVY, headers={"content-type": "text/html"}))
    await asyncio.sleep(0.2)
    waits = []
    while not heavy.done():
        started = time.monotonic()
        assert (await client.get("/healthz")).status_code == 200
        waits.append(time.monotonic() - started)
        await asyncio.sleep(0.05)
    assert (await heavy).status_code == 422
    assert len(waits) > 10 and max(waits) < 0.5, max(waits)  # on a thread, lxml held the loop for 1.7 s


def test_readiness_fails_when_html_cannot_be_read(processes: Callable[..., Process], tmp_path: Path) -> None:
    """As on a fresh install whose pip resolved lxml 6 without lxml_html_clean."""
    shadow = tmp_path / "shadow" / "lxml_html_clean"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("lxml_html_clean is missing (test)")\n')
    env = {
        "PYTHONPATH": str(tmp_path / "shadow"),
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'wb.db'}",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    service = processes(["-m", "service.cli", "serve", "--port", "{port}"], "/healthz", env=env)
    ready = httpx.get(service.url + "/readyz")
    assert ready.status_code == 503
    assert "HTML pages cannot be read" in ready.json()["detail"] and "lxml" in ready.json()["detail"]
    assert httpx.post(service.url + "/v1/briefs", json={"text": "The council agreed to meet."}).status_code == 200
