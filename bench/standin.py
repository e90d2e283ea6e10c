"""What the load benchmarks share: the stand-in OpenAI-compatible server (tests/standin_llm.py)
started in its own process, and distinct synthetic articles (a new article is a new cache key)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES = ["Russia", "Turkey", "Hungary", "Brazil", "Kenya", "Japan", "Canada", "Egypt", "Chile", "Norway"]


def synthetic_article(number: int, paragraphs: int) -> str:
    """A distinct article with an agreement in every paragraph, about 190 characters a paragraph."""
    first, second = COUNTRIES[number % 10], COUNTRIES[(number * 7 + 3) % 10]
    body = "\n".join(
        f"Officials in {first} said on day {number} that talks with {second} would continue next week, "
        f"after {second} agreed to send {number % 50 + 2} negotiators to round {paragraph} of the talks."
        for paragraph in range(paragraphs)
    )
    return f"{first} and {second} to resume talks, round {number}\n{body}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def standin(*flags: str) -> Iterator[str]:
    """A running stand-in on loopback; yields its base URL (ending in /v1)."""
    with standin_process(*flags) as (url, _pid):
        yield url


@contextmanager
def standin_process(*flags: str) -> Iterator[tuple[str, int]]:
    """A running stand-in on loopback; yields its base URL (ending in /v1) and its process id."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.standin_llm", "--port", str(port), *flags],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/stats", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/v1", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)
