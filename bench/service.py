"""The HTTP service under concurrent load against a stand-in LLM with a set latency (prints figures only).

Three processes: the stand-in LLM (`tests/standin_llm.py`, its own process), the service
(`python -m service.cli serve`, its own process, a SQLite store in a temporary folder, no rate
limit, LLM slots unbounded in practice), and this one, the load generator (httpx.AsyncClient).
Each phase keeps N requests in flight, every request a distinct article so the cache never hits,
and reports what the service adds on top of the LLM: client-observed latency minus the stand-in's
set latency. A baseline phase sends the same load straight to the stand-in, so the share of the
figure that the stand-in and the load generator cost on their own is visible. All three share
this machine's cores: the figures are upper bounds on the service's own cost.

    .venv/bin/python bench/service.py [--latency 1.0] [--in-flight 1 64 256] [--rounds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.standin import ROOT, free_port, standin, synthetic_article


def article(number: int) -> str:
    return synthetic_article(number, paragraphs=8)


@contextmanager
def service(llm_url: str, folder: str) -> Iterator[tuple[str, int]]:
    """The service in its own process; yields its base URL and process id."""
    port = free_port()
    env = {
        **os.environ,
        "OPENAI_BASE_URL": llm_url,
        "OPENAI_API_KEY": "",
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{folder}/wirebrief.db",
        "WIREBRIEF_RATE_LIMIT": "",
        "WIREBRIEF_MAX_LLM_IN_FLIGHT": "100000",
        "WIREBRIEF_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the service did not become ready")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def memory(pid: int) -> str:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) // 1024
    return f"RSS {fields['VmRSS']} MiB (peak {fields['VmHWM']} MiB)"


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used, all its threads (the SQLite driver's included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


Send = Callable[[int], Awaitable[httpx.Response]]


async def load(send: Send, in_flight: int, rounds: int, first: int) -> tuple[list[float], float]:
    """`in_flight` workers, each sending `rounds` requests one after another; latencies and wall time."""
    latencies: list[float] = []

    async def worker(index: int) -> None:
        for round_ in range(rounds):
            started = time.perf_counter()
            response = await send(first + round_ * in_flight + index)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(in_flight)))
    return latencies, time.perf_counter() - started


def report(
    label: str, latencies: list[float], wall: float, in_flight: int, latency: float | None, cpu: float | None = None
) -> None:
    """Latency the service adds over the LLM's (or, for cache hits, the whole latency), throughput,
    and the service's CPU per request."""
    added = [(value - (latency or 0.0)) * 1000 for value in latencies]
    throughput = len(latencies) / wall
    versus = (
        f" = {100 * throughput * latency / in_flight:5.1f}% of ideal {in_flight / latency:.0f}/s" if latency else ""
    )
    name = "added" if latency else "latency"
    print(
        f"{label:<30} n={len(latencies):<5} {name} p50 {percentile(added, 0.5):6.1f} ms  "
        f"p99 {percentile(added, 0.99):6.1f} ms  max {max(added):6.1f} ms   throughput {throughput:6.1f}/s{versus}"
        + (f"   service CPU {1000 * cpu / len(latencies):.1f} ms/request" if cpu is not None else "")
    )


def completion_body(number: int) -> bytes:
    """What the service sends the LLM for one article (the parts the stand-in reads)."""
    user = f"Analyse the news article below.\n<article>\n{article(number)}\n</article>"
    tools = [{"type": "function", "function": {"name": "Draft", "parameters": {}}}]
    body = {"model": "bench", "messages": [{"role": "user", "content": user}], "tools": tools}
    return json.dumps(body).encode()


SHARD = (
    16  # workers per httpx.AsyncClient: one pool of hundreds of connections costs the generator more than the server
)


async def run(args: argparse.Namespace, llm_url: str, service_url: str, pid: int) -> None:
    most = max(args.in_flight)
    limits = httpx.Limits(max_connections=SHARD, max_keepalive_connections=SHARD)
    clients = [httpx.AsyncClient(limits=limits, timeout=120) for _ in range(-(-most // SHARD))]

    async def brief(number: int) -> httpx.Response:
        client = clients[number % len(clients)]
        headers = {"content-type": "text/plain"}
        return await client.post(f"{service_url}/v1/briefs", content=article(number), headers=headers)

    async def direct(number: int) -> httpx.Response:
        client = clients[number % len(clients)]
        headers = {"content-type": "application/json"}
        return await client.post(f"{llm_url}/chat/completions", content=completion_body(number), headers=headers)

    try:
        await load(brief, 4, 1, 10_000_000)  # warm-up: imports, first LLM connection, language detector
        print(f"after warm-up: {memory(pid)}")
        next_article = 0
        for in_flight in args.in_flight:
            if not args.skip_direct:
                latencies, wall = await load(direct, in_flight, args.rounds, 20_000_000 + next_article)
                report(f"stand-in direct, {in_flight:>3} in flight", latencies, wall, in_flight, args.latency)
            used = cpu_seconds(pid)
            latencies, wall = await load(brief, in_flight, args.rounds, next_article)
            used = cpu_seconds(pid) - used
            report(f"service, {in_flight:>3} in flight", latencies, wall, in_flight, args.latency, used)
            print(f"{'':<30} {memory(pid)}")
            next_article += in_flight * args.rounds
        for in_flight in (1, most):  # repeats: every article here was analysed above
            rounds = max(1, args.cache_requests // in_flight)
            used = cpu_seconds(pid)
            latencies, wall = await load(brief, in_flight, rounds, 0)
            used = cpu_seconds(pid) - used
            report(f"cache hits, {in_flight:>3} in flight", latencies, wall, in_flight, None, used)
        print(f"{'':<30} {memory(pid)}")
    finally:
        for client in clients:
            await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=1.0, help="the stand-in's latency, seconds")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 64, 256])
    parser.add_argument("--rounds", type=int, default=8, help="requests each in-flight slot sends one after another")
    parser.add_argument("--cache-requests", type=int, default=512)
    parser.add_argument("--skip-direct", action="store_true", help="no baseline straight to the stand-in")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores shared by the load generator, the stand-in and the service")
    print(f"stand-in latency {args.latency} s; 'added' = client-observed latency minus it")
    with (
        tempfile.TemporaryDirectory() as folder,
        standin("--latency", str(args.latency)) as llm_url,
        service(llm_url, folder) as (service_url, pid),
    ):
        asyncio.run(run(args, llm_url, service_url, pid))


if __name__ == "__main__":
    main()
