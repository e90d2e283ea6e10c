"""What the tests share: fixture articles and settings, the grounding contract, real loopback
processes (stand-in LLM, webhook receiver, the service), and the helpers several modules use.
Test modules import from here, never from each other; `conftest.py` holds only fixtures."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy
from slack_sdk.signature import SignatureVerifier

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.api.app import create_app
from service.batch.output import read_records
from service.config import Settings
from service.engines.base import Engine
from service.engines.llm.engine import LlmEngine
from service.llm.replay import Cassette, ReplayTransport
from service.pipeline import Pipeline
from service.store import SqlStore

DELIVERY_RETRIES = [0.05, 0.1, 0.2]  # seconds between a webhook's attempts in the delivery tests


async def eventually(check: Callable[[], Any], timeout_s: float = 20.0) -> Any:
    """Poll `check` (plain or async) until it gives something truthy, and return that; fail past the
    timeout. For state another process or task changes, where there is no event to wait on."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        assert time.monotonic() < deadline, f"not reached within {timeout_s} s"
        await asyncio.sleep(0.02)


# --- from conftest.py


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


class ReplayFactory:
    """`replay("idlib", fallback=False)` -> a Pipeline whose LLM answers from that cassette."""

    def __init__(self, rules_engine: Engine) -> None:
        self.rules_engine = rules_engine
        self.transports: list[ReplayTransport] = []

    def __call__(self, name: str, *, store: SqlStore | None = None, **overrides: Any) -> Pipeline:
        transport = ReplayTransport(Cassette.load(FIXTURES / "exchanges" / f"{name}.json"))
        self.transports.append(transport)
        settings = fixture_settings(**overrides)
        return Pipeline(settings, [LlmEngine(settings, transport=transport), self.rules_engine], store=store)

    def check(self) -> None:
        """A request a cassette did not record fails the test with the re-record hint."""
        for transport in self.transports:
            transport.check_used_up()


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
            start_new_session=True,  # its own process group: its worker processes go with it (stop)
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
        with contextlib.suppress(ProcessLookupError):  # a server's workers, had it left any behind
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.log.close()


def standin_args(*extra: str) -> list[str]:
    return ["-m", "tests.standin_llm", "--port", "{port}", *extra]


SECRET = "whsec_" + base64.b64encode(b"wirebrief-test-secret-32-bytes!!").decode()


Receiver = tuple[Process, Path]


def received(record: Path) -> list[dict[str, Any]]:
    """What a `tests.receiver` process has recorded so far: its whole lines (one it is still writing
    is left for the next look)."""
    if not record.exists():
        return []
    whole = record.read_text(encoding="utf-8").rpartition("\n")[0]
    return [json.loads(line) for line in whole.splitlines() if line.strip()]


# --- from test_api.py


PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, object] = response.json()
    assert body["type"] == f"urn:wirebrief:problem:{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# --- from test_batch.py


WORDS = ["Russia", "Turkey", "Hungary", "Brazil", "Kenya", "Japan", "Canada", "Egypt"]


def sentences(count: int) -> list[dict[str, str]]:
    """Distinct small articles, each with a commitment the engines can find."""
    return [
        {
            "id": f"art-{n:03d}",
            "text": f"{WORDS[n % 8]} agreed on Monday to send {n + 2} envoys to the talks. "
            f"{WORDS[(n + 3) % 8]} refused to sign the treaty number {n}.",
        }
        for n in range(count)
    ]


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def batch_env(database_url: str, llm: Process | None = None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WIREBRIEF_DATABASE_URL": database_url,
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": llm.url + "/v1" if llm else "",
        "WIREBRIEF_RETRY_BASE_S": "0.05",
        **extra,
    }
    return env


def batch(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "batch", *args, "--quiet"],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def ids_in(output: Path) -> list[str]:
    return [r.get("input_id") or r.get("id") for r in read_records(output)]


# --- from test_cli.py


def wirebrief(*args: str, cwd: Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{cwd / 'wirebrief.db'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- from test_jobs.py


SLACK_SECRET = "slack-signing-secret-for-tests"


JOB_RETRIES = "[0.1, 0.2, 0.4, 0.8]"  # seconds between a job's webhook attempts


def job_settings(**overrides: Any) -> dict[str, Any]:
    return {
        "webhook_secret": SECRET,
        "allowed_private_hosts": "127.0.0.1",
        "webhook_retry_schedule_s": json.loads(JOB_RETRIES),
        "slack_signing_secret": SLACK_SECRET,
        "slack_response_hosts": "127.0.0.1",  # the test receiver stands in for Slack
        **overrides,
    }


def service_env(llm: Process, database_url: str) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": llm.url + "/v1",
        "WIREBRIEF_DATABASE_URL": database_url,
        "WIREBRIEF_WEBHOOK_SECRET": SECRET,
        "WIREBRIEF_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        "WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S": JOB_RETRIES,
        "WIREBRIEF_SLACK_SIGNING_SECRET": SLACK_SECRET,
        "WIREBRIEF_SLACK_RESPONSE_HOSTS": "127.0.0.1",
        "WIREBRIEF_PUBLIC_BASE_URL": "https://wirebrief.example",
    }


SERVE = ["-m", "service.cli", "serve", "--port", "{port}"]


def signed_slash(
    text: str, response_url: str, *, secret: str = SLACK_SECRET, age_s: float = 0
) -> tuple[bytes, dict[str, str]]:
    body = urllib.parse.urlencode(
        {"command": "/brief", "text": text, "response_url": response_url, "user_id": "U1", "channel_id": "C1"}
    )
    timestamp = str(int(time.time() - age_s))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }
    return body.encode(), headers


# --- from test_delivery.py


DATA = {"job_id": "job_1", "analysis": {"id": "a1", "brief": {"headline": "Erdoğan, Putin agree to meet"}}}


def delivery_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_secret": SECRET,
        "webhook_retry_schedule_s": DELIVERY_RETRIES,
        "webhook_timeout_s": 5,
        "allowed_private_hosts": "127.0.0.1",
    }
    return Settings(**{**values, **overrides})


def queued_work(database_url: str) -> list[tuple[str, str]]:
    """What procrastinate's queue still holds to do or doing, but for the fleet's periodic sweep."""
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = "SELECT task_name, status FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            rows = connection.execute(sqlalchemy.text(query + " AND task_name <> 'wirebrief.sweep'")).all()
    finally:
        engine.dispose()
    return [(row[0], row[1]) for row in rows]
