"""Replicas on one database under load (issue 15; prints figures only): one replica on SQLite, one
on PostgreSQL, and two on PostgreSQL, each at N requests in flight against the stand-in LLM.

Each replica is a `wirebrief serve` process (a stand-in for a machine); with two, the load
generator sends request i to replica i % 2, as a round-robin load balancer would. Every request
is a distinct article (no cache hit) and the rate limit is on but never reached, so each request
counts its hit in the database, as in production. Printed per configuration: throughput against
the ideal (N every LLM latency), the latency added over the LLM's (p50, p99), and CPU per request
of the replicas added up, of the stand-in and of the load generator. Everything shares this
machine's cores, so compare the rows of one run, not runs on different days.

PostgreSQL is a throwaway cluster (tests/postgres.py: Debian's `postgresql` package) or the server
`WIREBRIEF_TEST_POSTGRES_URL` names, with a new database for each configuration.

    .venv/bin/python bench/scale.py [--in-flight 256] [--rounds 4] [--latency 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.service import CpuMeter, article, load, report, service
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in-flight", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=4, help="requests each in-flight slot sends one after another")
    parser.add_argument("--latency", type=float, default=1.0, help="the stand-in's latency, seconds")
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
            for number, (label, count, on_postgres) in enumerate(configurations):
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
    finally:
        server.stop()


if __name__ == "__main__":
    main()
