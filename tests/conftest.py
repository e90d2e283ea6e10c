"""The fixtures every test module may ask for; the helpers they share are in `tests.support`."""

from __future__ import annotations

import os
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
from tests.postgres import PostgresServer, PostgresUnavailable
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of a module marked `both_databases` that uses the database runs on SQLite and on PostgreSQL,
    unless it names its own (`@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)`)."""
    own = any("database_url" in mark.args[0] for mark in metafunc.definition.iter_markers("parametrize"))
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases") and not own:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for the session (tests/postgres.py), started when first asked for."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as error:
        if os.environ.get("WIREBRIEF_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"WIREBRIEF_REQUIRE_POSTGRES=1, but {error}")
        # until a server is installed (issue 15: "says plainly that the PostgreSQL half did not run");
        # .ci/run installs one and never skips
        pytest.skip(f"the PostgreSQL half of the suite did not run: {error}")
    yield server
    server.stop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The test's own empty database: a SQLite file in its folder, or (parametrized) a new PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'wirebrief.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    """A fresh store on the test's own database."""
    opened = await open_store(database_url)
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
