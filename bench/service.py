"""The HTTP service under concurrent load against a stand-in LLM with a set latency (prints figures only).

Three processes: the stand-in LLM (`tests/standin_llm.py`, its own process), the service
(`python -m service.cli serve`, its own process, a SQLite store in a temporary folder, no rate
limit unless `--rate-limit`, LLM slots unbounded in practice), and this one, the load generator (aiohttp, the cheapest
client at hand: its CPU is taken from the same two cores). Each phase keeps N requests in flight,
every request a distinct article so the cache never hits, and reports what the service adds on
top of the LLM: client-observed latency minus the stand-in's set latency. The N senders start
spread over one LLM latency (a ramp, as load tools do), so the phase measures N requests in
flight, not N arriving in the same millisecond. A baseline phase sends the same load straight to
the stand-in, so the share of the figure that the stand-in and the load generator cost on their
own is visible, and each phase prints the CPU each process spent per request. All three share
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

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.standin import ROOT, free_port, standin_process, synthetic_article


def article(number: int) -> str:
    return synthetic_article(number, paragraphs=8)


@contextmanager
def service(
    llm_url: str, folder: str, workers: int, extra_env: dict[str, str] | None = None, database_url: str | None = None
) -> Iterator[tuple[str, int]]:
    """The service in its own process(es), on `database_url` (a SQLite file in `folder` by default);
    yields its base URL and (parent) process id."""
    port = free_port()
    env = {
        **os.environ,
        "OPENAI_BASE_URL": llm_url,
        "OPENAI_API_KEY": "",
        "WIREBRIEF_DATABASE_URL": database_url or f"sqlite:///{folder}/wirebrief.db",
        "WIREBRIEF_RATE_LIMIT": "",
        "WIREBRIEF_MAX_LLM_IN_FLIGHT": "100000",
        "WIREBRIEF_LOG_LEVEL": "WARNING",
        "WIREBRIEF_WORKERS": str(workers),
        **(extra_env or {}),
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


def tree(pid: int) -> list[int]:
    """The process and its descendants (the workers of `serve --workers N`)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(descendant for child in children for descendant in tree(int(child)))]


def memory(pid: int) -> str:
    """Resident memory of the process and its workers, added up."""
    fields = {"VmRSS": 0, "VmHWM": 0}
    for member in tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in fields:
                fields[key] += int(value.split()[0]) // 1024
    return f"RSS {fields['VmRSS']} MiB (peaks added {fields['VmHWM']} MiB)"


def postgres_cpu_seconds() -> float:
    """CPU of every PostgreSQL process on this machine (the server does a share of the work)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    total += int(fields[11]) + int(fields[12])
            except OSError:
                continue
    return total / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process and its workers have used, all their threads."""
    total = 0
    for member in tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


Send = Callable[[int], Awaitable[tuple[int, bytes]]]


async def load(send: Send, in_flight: int, rounds: int, first: int, ramp: float) -> tuple[list[float], float]:
    """`in_flight` senders, each sending `rounds` requests one after another, started `ramp` seconds
    apart in all; the latencies and the wall time from the first request to the last answer."""
    latencies: list[float] = []

    async def sender(index: int) -> None:
        await asyncio.sleep(ramp * index / in_flight)
        for round_ in range(rounds):
            started = time.perf_counter()
            status, body = await send(first + round_ * in_flight + index)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {body[:300]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(sender(i) for i in range(in_flight)))
    return latencies, time.perf_counter() - started


def report(label: str, latencies: list[float], wall: float, in_flight: int, latency: float | None) -> None:
    """Latency the service adds over the LLM's (or, for cache hits, the whole latency) and throughput.

    Throughput is counted over the wall time less the ramp (the senders' staggered start), against
    the ideal of `in_flight` requests every `latency` seconds."""
    added = [(value - (latency or 0.0)) * 1000 for value in latencies]
    throughput = len(latencies) / wall
    versus = (
        f" = {100 * throughput * latency / in_flight:5.1f}% of ideal {in_flight / latency:.0f}/s" if latency else ""
    )
    name = "added" if latency else "latency"
    print(
        f"{label:<30} n={len(latencies):<5} {name} p50 {percentile(added, 0.5):6.1f} ms  "
        f"p99 {percentile(added, 0.99):6.1f} ms  max {max(added):6.1f} ms   throughput {throughput:6.1f}/s{versus}"
    )


class CpuMeter:
    """CPU milliseconds per request of each process over one phase: where the two cores went."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = processes

    def __enter__(self) -> CpuMeter:
        self.before = {name: cpu_seconds(pid) for name, pid in self.processes.items()}
        self.generator = time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.used = {name: cpu_seconds(pid) - self.before[name] for name, pid in self.processes.items()}
        self.used["load generator"] = time.process_time() - self.generator

    def print(self, requests: int) -> None:
        shares = "  ".join(f"{name} {1000 * used / requests:.2f}" for name, used in self.used.items())
        print(f"{'':<30} CPU ms/request: {shares}")


def completion_body(number: int) -> bytes:
    """What the service sends the LLM for one article (the parts the stand-in reads)."""
    user = f"Analyse the news article below.\n<article>\n{article(number)}\n</article>"
    tools = [{"type": "function", "function": {"name": "Draft", "parameters": {}}}]
    body = {"model": "bench", "messages": [{"role": "user", "content": user}], "tools": tools}
    return json.dumps(body).encode()


async def run(args: argparse.Namespace, llm_url: str, service_url: str, pids: dict[str, int]) -> None:
    connector = aiohttp.TCPConnector(limit=0)  # a keep-alive connection per sender, as a client pool would
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def post(url: str, body: bytes, content_type: str) -> tuple[int, bytes]:
            async with session.post(url, data=body, headers={"content-type": content_type}) as response:
                return response.status, await response.read()

        async def brief(number: int) -> tuple[int, bytes]:
            return await post(f"{service_url}/v1/briefs", article(number).encode(), "text/plain")

        async def direct(number: int) -> tuple[int, bytes]:
            return await post(f"{llm_url}/chat/completions", completion_body(number), "application/json")

        await load(brief, 8, 2, 10_000_000, 0.0)  # warm-up, every worker: first LLM connection, first calls
        print(f"after warm-up: {memory(pids['service'])}")
        next_article = 0
        for in_flight in args.in_flight:
            ramp = args.latency if in_flight > 1 else 0.0
            if not args.skip_direct:
                with CpuMeter({"stand-in": pids["stand-in"]}) as meter:
                    latencies, wall = await load(direct, in_flight, args.rounds, 20_000_000 + next_article, ramp)
                report(f"stand-in direct, {in_flight:>3} in flight", latencies, wall - ramp, in_flight, args.latency)
                meter.print(len(latencies))
            with CpuMeter(pids) as meter:
                latencies, wall = await load(brief, in_flight, args.rounds, next_article, ramp)
            report(f"service, {in_flight:>3} in flight", latencies, wall - ramp, in_flight, args.latency)
            meter.print(len(latencies))
            print(f"{'':<30} {memory(pids['service'])}")
            next_article += in_flight * args.rounds
        for in_flight in (1, max(args.in_flight)):  # repeats: every article here was analysed above
            rounds = max(1, args.cache_requests // in_flight)
            with CpuMeter(pids) as meter:
                latencies, wall = await load(brief, in_flight, rounds, 0, 0.0)
            report(f"cache hits, {in_flight:>3} in flight", latencies, wall, in_flight, None)
            meter.print(len(latencies))
        print(f"{'':<30} {memory(pids['service'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=1.0, help="the stand-in's latency, seconds")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 64, 256])
    parser.add_argument("--rounds", type=int, default=8, help="requests each in-flight slot sends one after another")
    parser.add_argument("--cache-requests", type=int, default=512)
    parser.add_argument("--skip-direct", action="store_true", help="no baseline straight to the stand-in")
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes")
    parser.add_argument(
        "--rate-limit", default="", help="WIREBRIEF_RATE_LIMIT, e.g. 10000000/minute: the cost of counting in the store"
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores shared by the load generator, the stand-in and the service ({args.workers} workers)")
    print(f"stand-in latency {args.latency} s; 'added' = client-observed latency minus it")
    print(f"rate limit: {args.rate_limit or 'none'}")
    with (
        tempfile.TemporaryDirectory() as folder,
        standin_process("--latency", str(args.latency)) as (llm_url, standin_pid),
        service(llm_url, folder, args.workers, {"WIREBRIEF_RATE_LIMIT": args.rate_limit}) as (service_url, service_pid),
    ):
        asyncio.run(run(args, llm_url, service_url, {"service": service_pid, "stand-in": standin_pid}))


if __name__ == "__main__":
    main()
