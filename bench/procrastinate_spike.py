"""Spike for issue 15: procrastinate on PostgreSQL, the same load as bench/dbos_spike.py (prints
figures; never fails).

Kept as the record of the engine choice (procrastinate is now the queue on PostgreSQL:
service/background/queue.py); bench/scale.py measures the service's own use of it.

    .venv/bin/python bench/procrastinate_spike.py [--jobs 2000] [--latency 1] [--concurrency 2000]

What it measures, side by side with the DBOS spike's figures: N jobs deferred at once, each a task
calling the stand-in LLM (tests/standin_llm.py) that then defers its delivery `--pause` seconds
later (procrastinate has no durable sleep: a retry is a job scheduled for later, which is how
its retry strategies work too); one worker in this process with `--concurrency` tasks at once.
Wall time from the first defer to the last delivery against the ideal (latency + pause), CPU per
job of this process and of the PostgreSQL server, and the rows the two jobs left behind.
PostgreSQL is a throwaway cluster (tests/postgres.py) or `WIREBRIEF_TEST_POSTGRES_URL`'s server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy
from procrastinate import App, PsycopgConnector

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.service import postgres_cpu_seconds
from bench.standin import standin
from tests.postgres import PostgresServer

DELIVERED: set[int] = set()


def cpu() -> float:
    times = os.times()
    return times.user + times.system


def make_app(conninfo: str, llm_url: str, pause_s: float, pool: int) -> tuple[App, Any]:
    app = App(connector=PsycopgConnector(conninfo=conninfo, min_size=1, max_size=pool))
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=4000, max_keepalive_connections=4000))

    @app.task(name="deliver")
    async def deliver(number: int) -> None:
        DELIVERED.add(number)

    @app.task(name="brief", retry=5)  # the stand-in drops a few of 2,000 connections at once
    async def brief(number: int) -> None:
        response = await client.post(
            llm_url + "/chat/completions",
            json={"model": "stand-in", "messages": [{"role": "user", "content": f"article {number}"}]},
            timeout=60,
        )
        response.raise_for_status()
        await deliver.configure(schedule_in={"seconds": pause_s}).defer_async(number=number)

    return app, (brief, client)


async def run(args: argparse.Namespace, url: str, llm_url: str) -> dict[str, float]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    app, (brief, client) = make_app(conninfo, llm_url, args.pause, args.pool)
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        before, server_before, started = cpu(), postgres_cpu_seconds(), time.perf_counter()
        await brief.batch_defer_async(*({"number": n} for n in range(args.jobs)))
        worker = asyncio.create_task(
            app.run_worker_async(
                concurrency=args.concurrency, install_signal_handlers=False, fetch_job_polling_interval=0.1
            )
        )
        while len(DELIVERED) < args.jobs and time.perf_counter() - started < args.give_up_s:
            await asyncio.sleep(0.02)
        wall, spent = time.perf_counter() - started, cpu() - before
        server_spent = postgres_cpu_seconds() - server_before
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    await client.aclose()
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as db:
        tables = [t for t in sqlalchemy.inspect(db).get_table_names() if t.startswith("procrastinate")]
        rows = {t: db.execute(sqlalchemy.text(f'SELECT count(*) FROM "{t}"')).scalar() or 0 for t in tables}
        states = dict(db.execute(sqlalchemy.text("SELECT status, count(*) FROM procrastinate_jobs GROUP BY 1")).all())
    engine.dispose()
    print(f"tables and rows: {rows}; jobs by state: {states}; delivered {len(DELIVERED)}")
    return {"wall_s": wall, "cpu_s": spent, "server_cpu_s": server_spent, "rows": float(sum(rows.values()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--pause", type=float, default=1.0, help="when the delivery is scheduled after the call")
    parser.add_argument("--concurrency", type=int, default=2000, help="the worker's tasks at once")
    parser.add_argument("--pool", type=int, default=20, help="the connector's pool size")
    parser.add_argument("--give-up-s", type=float, default=300, help="stop waiting for the deliveries after this")
    args = parser.parse_args()
    server = PostgresServer.start()
    database = server.create_database()
    try:
        with standin("--latency", str(args.latency)) as llm_url:
            figures = asyncio.run(run(args, database, llm_url))
    finally:
        server.drop_database(database)
        server.stop()
    print(f"{args.jobs} jobs, LLM latency {args.latency} s, delivery {args.pause} s later,", end=" ")
    print(f"concurrency {args.concurrency}")
    print(f"  wall                            {figures['wall_s']:.2f} s (ideal {args.latency + args.pause:.2f})")
    print(f"  CPU per job, this process       {figures['cpu_s'] / args.jobs * 1000:.2f} ms")
    print(f"  CPU per job, PostgreSQL         {figures['server_cpu_s'] / args.jobs * 1000:.2f} ms")
    print(f"  rows per job (2 jobs each)      {figures['rows'] / args.jobs:.1f}")


if __name__ == "__main__":
    main()
