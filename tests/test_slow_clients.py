"""Clients that hold the service (issue 11): headers or bodies dripped a byte at a time, headers of
megabytes, thousands of half-open connections, and receivers that drip their answer to a webhook.
Every wait is bounded; the limits are small here so the tests are quick."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.delivery import sender
from service.delivery.worker import Deliveries
from service.netguard import parse_allow_list
from service.store import SqlStore
from tests.support import SECRET, Process, Receiver, received

pytestmark = pytest.mark.slow  # the service as a real process, and clients that take seconds

SERVE = ["-m", "service.cli", "serve", "--port", "{port}"]
LIMITS = {
    "WIREBRIEF_HEADER_TIMEOUT_S": "1",
    "WIREBRIEF_BODY_TIMEOUT_S": "1",
    "WIREBRIEF_MAX_HEADER_BYTES": "4096",
    "WIREBRIEF_MAX_CONNECTIONS": "20",
    "OPENAI_API_KEY": "",
    "OPENAI_BASE_URL": "",
}


@pytest.fixture
def service(processes: Callable[..., Process], tmp_path: Path) -> Process:
    return processes(SERVE, "/healthz", env={**LIMITS, "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'wb.db'}"})


def _connect(service: Process) -> socket.socket:
    return socket.create_connection(("127.0.0.1", service.port), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_headers_dripped_a_byte_at_a_time_get_408_and_the_connection_closed(service: Process) -> None:
    with _connect(service) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        answer = b""
        try:
            for byte in b"X-Slow: " + b"a" * 40:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert time.monotonic() - started < 5  # the 1 s limit, not the 8 s the drip would take


def test_a_connection_that_sends_nothing_is_closed(service: Process) -> None:
    with _connect(service) as sock:
        assert _read_all(sock) == b""  # closed by the server after the header time limit


def test_a_request_with_headers_over_the_limit_gets_431(service: Process) -> None:
    with _connect(service) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 64_000 + b"\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 431")
    assert httpx.get(service.url + "/healthz").status_code == 200  # normal headers still pass


def test_a_body_dripped_slowly_gets_408(service: Process) -> None:
    with _connect(service) as sock:
        sock.sendall(
            b"POST /v1/briefs HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nThe"
        )
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"urn:wirebrief:problem:request-timeout" in answer


def test_connections_past_the_cap_are_refused_and_the_service_still_answers(service: Process) -> None:
    held = [_connect(service) for _ in range(20)]
    try:
        with _connect(service) as extra:
            assert _read_all(extra).startswith(b"HTTP/1.1 503")
    finally:
        for sock in held:
            sock.close()
    for _ in range(50):  # the held ones are gone once the server has seen them close
        if httpx.get(service.url + "/healthz").status_code == 200:
            break
        time.sleep(0.1)
    assert httpx.get(service.url + "/healthz").status_code == 200


async def _dripping_receiver(host: str) -> tuple[asyncio.Server, int]:
    """Accepts a webhook, then sends its answer's headers one byte every 0.2 s, for ever."""

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\n")
            while True:
                writer.write(b"X")
                await writer.drain()
                await asyncio.sleep(0.2)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(drip, host, 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_webhook_attempt_has_one_deadline_whatever_the_receiver_drips() -> None:
    server, port = await _dripping_receiver("127.0.0.1")
    async with server, httpx.AsyncClient() as client:
        outcome = await sender.send(
            client,
            f"http://127.0.0.1:{port}/hook",
            b"{}",
            {},
            timeout_s=1.0,
            allowed=parse_allow_list("127.0.0.1"),
        )
    assert outcome.status_code is None and outcome.error and "timeout" in outcome.error
    assert outcome.duration_ms < 5000  # each byte came within httpx's read timeout: only the deadline ends it


async def test_slow_receivers_do_not_starve_another_tenants_webhook(
    store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    healthy, record = receiver()
    server, port = await _dripping_receiver("127.0.0.2")  # another host on the loopback network
    settings = fixture_settings(webhook_secret=SECRET, allowed_private_hosts="127.0.0.0/8", webhook_timeout_s=30.0)
    worker = Deliveries(store, settings, max_concurrency=8)
    async with server:
        for n in range(12):
            await worker.enqueue_webhook(f"http://127.0.0.2:{port}/slow/{n}", "brief.completed", {"n": n})
        await worker.enqueue_webhook(healthy.url + "/hook", "brief.completed", {"tenant": "healthy"})
        await worker.start()
        try:
            for _ in range(200):
                if received(record):
                    break
                await asyncio.sleep(0.05)
        finally:
            await worker.stop()
    [delivery] = received(record)
    assert delivery["verified"] and delivery["body"]["data"] == {"tenant": "healthy"}
