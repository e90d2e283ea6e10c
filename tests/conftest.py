"""Shared test helpers: fixture articles, replayed LLM engines, real loopback processes."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from schemas import Analysis
from service.api.app import create_app
from service.config import Settings
from service.engines.llm import LlmEngine
from service.engines.rules import RulesEngine
from service.llm.fixtures import fixture_settings
from service.llm.replay import Cassette, ReplayTransport
from service.pipeline import Pipeline
from service.store import SqlStore, open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def article_text(name: str) -> str:
    return (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")


def assert_grounded(analysis: Analysis) -> None:
    """The contract: every mention and every evidence quote is exactly the article text at its offsets."""
    text = analysis.article.text
    for actor in analysis.actors:
        for mention in actor.mentions:
            assert text[mention.start : mention.end] == mention.text, (actor.name, mention)
    for item in analysis.commitments:
        for evidence in [item.evidence, *item.further_evidence]:
            assert text[evidence.start : evidence.end] == evidence.quote, item


@pytest.fixture(scope="session")
def rules_engine() -> RulesEngine:
    return RulesEngine()


class ReplayFactory:
    """`replay("idlib", fallback=False)` -> a Pipeline whose LLM answers from that cassette."""

    def __init__(self, rules_engine: RulesEngine) -> None:
        self.rules_engine = rules_engine
        self.transports: list[ReplayTransport] = []

    def __call__(self, name: str, **overrides: Any) -> Pipeline:
        transport = ReplayTransport(Cassette.load(FIXTURES / "exchanges" / f"{name}.json"))
        self.transports.append(transport)
        settings = fixture_settings(**overrides)
        return Pipeline(settings, llm=LlmEngine(settings, transport=transport), rules=self.rules_engine)

    def check(self) -> None:
        """A request a cassette did not record fails the test with the re-record hint."""
        for transport in self.transports:
            transport.check_used_up()


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
            pipeline = replay(cassette, **overrides) if cassette else Pipeline(settings, rules=rules_engine)
            pipeline.store = store
        app = create_app(settings, pipeline=pipeline)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@contextlib.asynccontextmanager
async def running_app(pipeline: Pipeline, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its start-up done (delivery worker and job runner running), as `make run` has it."""
    app = create_app(settings, pipeline=pipeline)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://wirebrief.test") as client:
            yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Process:
    """A real server process on loopback, stopped at the end of the test."""

    def __init__(self, args: list[str], port: int, ready_path: str, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self.popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{args} exited early:\n{self.output()}")
            try:
                if httpx.get(self.url + ready_path, timeout=1).status_code < 500:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{args} did not become ready")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


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


def standin_args(*extra: str) -> list[str]:
    return ["-m", "tests.standin_llm", "--port", "{port}", *extra]


SECRET = "whsec_" + base64.b64encode(b"wirebrief-test-secret-32-bytes!!").decode()
Receiver = tuple[Process, Path]


def received(record: Path) -> list[dict[str, Any]]:
    """What a `tests.receiver` process has recorded so far."""
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def receiver(processes: Callable[..., Process], tmp_path: Path) -> Callable[..., Receiver]:
    """`receiver("--down-first", "2")` -> (the running webhook receiver process, the file it records to)."""
    counter = iter(range(1000))

    def start(*flags: str) -> Receiver:
        record = tmp_path / f"received-{next(counter)}.jsonl"
        args = ["-m", "tests.receiver", "--port", "{port}", "--secret", SECRET, "--record", str(record), *flags]
        return processes(args, "/healthz"), record

    return start
