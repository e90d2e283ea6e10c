"""The fixtures every test module may ask for; the helpers they share are in `tests.support`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.api.app import create_app
from service.engines.rules.engine import RulesEngine
from service.engines.rules.reader import RulesReader
from service.pipeline import Pipeline
from service.store import SqlStore, open_store
from tests.support import SECRET, Process, Receiver, ReplayFactory, free_port


@pytest.fixture(scope="session")
def rules_reader() -> RulesReader:
    """The rules engine's reader, called directly (synchronous, one article at a time)."""
    return RulesReader()


@pytest.fixture(scope="session")
def rules_engine(rules_reader: RulesReader) -> RulesEngine:
    """The rules engine as the pipeline has it (its thread, queue and chunking), loaded once."""
    return RulesEngine(fixture_settings(), reader=rules_reader)


@pytest.fixture
def replay(rules_engine: RulesEngine) -> Iterator[ReplayFactory]:
    factory = ReplayFactory(rules_engine)
    yield factory
    factory.check()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    """A fresh SQLite store in the test's own folder."""
    opened = await open_store(f"sqlite:///{tmp_path / 'wirebrief.db'}")
    yield opened
    await opened.close()


@pytest.fixture
async def api(
    replay: ReplayFactory, rules_engine: RulesEngine, store: SqlStore
) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """`api("idlib")` -> an HTTP client of the app, its LLM replaying that cassette;
    `api()` -> the app with no LLM configured (the rules engine)."""
    clients: list[httpx.AsyncClient] = []

    def make(cassette: str | None = None, pipeline: Pipeline | None = None, **overrides: Any) -> httpx.AsyncClient:
        if cassette is None:
            overrides = {"engine": "auto", "openai_api_key": None, "openai_base_url": None, **overrides}
        settings = fixture_settings(**overrides)
        if pipeline is None:
            pipeline = (
                replay(cassette, store=store, **overrides)
                if cassette
                else Pipeline(settings, [rules_engine], store=store)
            )
        app = create_app(settings, pipeline=pipeline)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def processes() -> Iterator[Callable[..., Process]]:
    started: list[Process] = []

    def start(args: list[str], ready_path: str, env: dict[str, str] | None = None, port: int | None = None) -> Process:
        port = port or free_port()
        process = Process([arg.replace("{port}", str(port)) for arg in args], port, ready_path, env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def receiver(processes: Callable[..., Process], tmp_path: Path) -> Callable[..., Receiver]:
    """`receiver("--down-first", "2")` -> (the running webhook receiver process, the file it records to)."""
    counter = iter(range(1000))

    def start(*flags: str) -> Receiver:
        record = tmp_path / f"received-{next(counter)}.jsonl"
        args = ["-m", "tests.receiver", "--port", "{port}", "--secret", SECRET, "--record", str(record), *flags]
        return processes(args, "/healthz"), record

    return start
