"""Replicas on one database under load (issue 15; prints figures only): one replica on SQLite, one
on PostgreSQL, and two on PostgreSQL, each at N requests in flight against the stand-in LLM; then a
queued batch (`wirebrief batch --queue`) of M articles over one and over two `wirebrief worker`s.

Each replica is a `wirebrief serve` process (a stand-in for a machine); with two, the load
generator sends request i to replica i % 2, as a round-robin load balancer would. Every request
is a distinct article (no cache hit) and the rate limit is on but never reached, so each request
counts its hit in the database, as in production. Printed per configuration: throughput against
the ideal (N every LLM latency), the latency added over the LLM's (p50, p99), and CPU per request
of the replicas added up, of the stand-in and of the load generator. Everything shares this
machine's cores, so compare the rows of one run, not runs on different days.

The queued batch: wall time from the command's start to its exit (queueing every article, the
workers' analyses, one output line each) against the ideal (one LLM latency: the workers keep every
article in flight), CPU per article of the workers, of the command and of the PostgreSQL server, and
the rows the database wrote per article (`pg_stat_database`: inserted + updated + deleted).

PostgreSQL is a throwaway cluster (tests/postgres.py: Debian's `postgresql` package) or the server
`WIREBRIEF_TEST_POSTGRES_URL` names, with a new database for each configuration.

    .venv/bin/python bench/scale.py [--in-flight 256] [--rounds 4] [--latency 1.0] [--batch 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import sqlalchemy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.service import ROOT, CpuMeter, article, cpu_seconds, load, postgres_cpu_seconds, report, service
from bench.standin import standin_process
from tests.postgres import PostgresServer

NEVER_REACHED = "100000000/minute"  # counted on every request, never refusing one


@contextlib.contextmanager
def replicas(llm_url: str, folder: str, count: int, database_url: str | None) -> Iterator[list[tuple[str, int]]]:
    """`count` replicas on one database: their URLs and process ids."""
    with contextlib.ExitStack() as stack:
        env = {"WIREBRIEF_RATE_LIMIT": NEVER_REACHED}
        yield [stack.enter_context(service(llm_url, folder, 1, env, database_url)) for _ in range(count)]


async def measure(label: str, urls: list[str], pids: dict[str, int], args: argparse.Namespace, first: int) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def brief(number: int) -> tuple[int, bytes]:
            url = urls[number % len(urls)] + "/v1/briefs"
            body = article(number).encode()
            async with session.post(url, data=body, headers={"content-type": "text/plain"}) as response:
                return response.status, await response.read()

        await load(brief, 8, 2, 50_000_000 + first, 0.0)  # warm-up: each replica's first LLM connection and calls
        with CpuMeter(pids) as meter:
            latencies, wall = await load(brief, args.in_flight, args.rounds, first, args.latency)
        report(label, latencies, wall - args.latency, args.in_flight, args.latency)
        meter.used["replicas"] = sum(meter.used.pop(name) for name in list(meter.used) if name.startswith("replica"))
        meter.print(len(latencies))


@contextlib.contextmanager
def workers(env: dict[str, str], count: int) -> Iterator[list[int]]:
    """`count` `wirebrief worker` processes, once each says it works off the queue; their pids."""
    logs = [tempfile.NamedTemporaryFile(suffix=".log") for _ in range(count)]  # noqa: SIM115
    started = [
        subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], cwd=ROOT, env=env, stderr=log, stdout=log)
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 120
        while not all(b"working off the queue" in Path(log.name).read_bytes() for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                raise RuntimeError("a worker did not start: " + Path(logs[0].name).read_text()[-2000:])
            time.sleep(0.1)
        yield [process.pid for process in started]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)
        for log in logs:
            log.close()


def database_rows_written(url: str) -> int:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        query = (
            "SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()"
        )
        rows = int(connection.execute(sqlalchemy.text(query)).scalar_one())
    engine.dispose()
    return rows


def queued_batch(llm_url: str, database_url: str, count: int, articles: int, latency: float) -> None:
    env = {
        **os.environ,
        "OPENAI_BASE_URL": llm_url,
        "OPENAI_API_KEY": "",
        "WIREBRIEF_DATABASE_URL": database_url,
        "WIREBRIEF_MAX_LLM_IN_FLIGHT": str(max(articles, 1)),  # every article in flight at once
        "WIREBRIEF_LOG_LEVEL": "INFO",  # the workers say when they are ready
    }
    with tempfile.TemporaryDirectory() as folder, workers(env, count) as pids:
        inputs = Path(folder) / "in.jsonl"
        inputs.write_text("".join(json.dumps({"id": f"a{n}", "text": article(n)}) + "\n" for n in range(articles)))
        command = [sys.executable, "-m", "service.cli", "batch", str(inputs), "-o", f"{folder}/out.jsonl", "--queue"]
        workers_before = sum(cpu_seconds(pid) for pid in pids)
        server_before, rows_before = postgres_cpu_seconds(), database_rows_written(database_url)
        started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        finished = subprocess.run([*command, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        command_used = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        workers_used = sum(cpu_seconds(pid) for pid in pids) - workers_before
        server_used = postgres_cpu_seconds() - server_before
        rows = database_rows_written(database_url) - rows_before
        lines = (Path(folder) / "out.jsonl").read_text().count("\n") if finished.returncode == 0 else 0
    if finished.returncode != 0:
        print(f"  the queued batch failed: {finished.stderr[-500:]}")
        return
    ideal = latency
    print(
        f"queued batch, {count} worker{'s' if count > 1 else ''}: {articles} articles, {lines} lines, "
        f"wall {wall:.1f} s (ideal {ideal:.1f}; {articles / wall:.0f} articles/s)"
    )
    print(
        f"{'':<30} CPU ms/article: workers {1000 * workers_used / articles:.2f}  "
        f"PostgreSQL {1000 * server_used / articles:.2f}  the command {1000 * command_used / articles:.2f}; "
        f"rows written/article {rows / articles:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in-flight", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=4, help="requests each in-flight slot sends one after another")
    parser.add_argument("--latency", type=float, default=1.0, help="the stand-in's latency, seconds")
    parser.add_argument("--batch", type=int, default=2000, help="articles in the queued batch (0: none)")
    parser.add_argument("--skip-http", action="store_true", help="only the queued batch")
    args = parser.parse_args()
    server = PostgresServer.start()
    configurations = [
        ("SQLite, 1 replica", 1, False),
        ("PostgreSQL, 1 replica", 1, True),
        ("PostgreSQL, 2 replicas", 2, True),
    ]
    print(
        f"{args.in_flight} in flight, stand-in latency {args.latency} s, {args.rounds} rounds; 'added' = over the LLM"
    )
    try:
        with tempfile.TemporaryDirectory() as folder, standin_process("--latency", str(args.latency)) as (llm, llm_pid):
            for number, (label, count, on_postgres) in enumerate([] if args.skip_http else configurations):
                database_url = server.create_database() if on_postgres else None
                try:
                    with replicas(
                        llm, folder if not on_postgres else tempfile.mkdtemp(), count, database_url
                    ) as running:
                        pids = {f"replica {n}": pid for n, (_, pid) in enumerate(running)} | {"stand-in": llm_pid}
                        first = number * 1_000_000
                        asyncio.run(measure(f"{label:<23}", [url for url, _ in running], pids, args, first))
                finally:
                    if database_url:
                        server.drop_database(database_url)
            for count in (1, 2) if args.batch else ():
                database_url = server.create_database()
                try:
                    queued_batch(llm, database_url, count, args.batch, args.latency)
                finally:
                    server.drop_database(database_url)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
