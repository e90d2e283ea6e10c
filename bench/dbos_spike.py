"""Spike for issue 15: can DBOS Transact run wirebrief's background duties? (prints figures; never fails)

Not part of `make bench`: DBOS is not a dependency yet. Run it in a venv that has it:

    python -m venv --without-pip /tmp/spike && .venv/bin/python -c "import site; print(*site.getsitepackages())" \\
        > /tmp/spike/lib/python3.11/site-packages/base.pth && .venv/bin/pip --python /tmp/spike/bin/python install dbos
    /tmp/spike/bin/python bench/dbos_spike.py [--jobs 2000] [--latency 1] [--postgres] [--pool 20]

With `--postgres`, the system databases are new databases on a throwaway PostgreSQL cluster
(tests/postgres.py; `WIREBRIEF_TEST_POSTGRES_URL` names a server instead) rather than SQLite files.

What it checks, as the issue asks:
- launched inside FastAPI's lifespan, on the app's event loop, with one shared HTTP client;
- N workflows in flight at once, each one step calling the stand-in LLM (tests/standin_llm.py) and
  one durable sleep, on a SQLite system database: wall time against the ideal (the latency, plus the
  sleep), CPU per workflow, and the system database's rows per workflow;
- the same N calls with plain asyncio (no durability) for the overhead;
- JSON rather than pickle for what is stored (DBOSPortableJSONSerializer), read back from the database;
- isolation: a second DBOS on a new database after `DBOS.destroy()`, as a test would make one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.standin import standin
from tests.postgres import PostgresServer

try:
    from dbos import DBOS, DBOSConfig, DBOSPortableJSONSerializer
except ImportError:  # pragma: no cover - the script says how to get it
    print("bench/dbos_spike.py needs dbos installed (see its docstring)", file=sys.stderr)
    raise SystemExit(2) from None

CLIENT: httpx.AsyncClient | None = None
BASE_URL = ""


@DBOS.step()
async def call_llm(text: str) -> dict[str, Any]:
    assert CLIENT is not None
    response = await CLIENT.post(
        BASE_URL + "/chat/completions",
        json={"model": "stand-in", "messages": [{"role": "user", "content": text}]},
        timeout=60,
    )
    response.raise_for_status()
    usage: dict[str, Any] = response.json().get("usage", {})
    return usage


@DBOS.workflow()
async def brief_job(text: str, pause_s: float) -> dict[str, Any]:
    usage = await call_llm(text)
    await DBOS.sleep_async(pause_s)  # the delivery's wait before a retry, durable
    return {"tokens": usage.get("total_tokens", 0), "chars": len(text)}


def cpu() -> float:
    times = os.times()
    return times.user + times.system


async def plain(count: int) -> float:
    assert CLIENT is not None
    started = time.perf_counter()

    async def one(n: int) -> None:
        assert CLIENT is not None
        response = await CLIENT.post(
            BASE_URL + "/chat/completions",
            json={"model": "stand-in", "messages": [{"role": "user", "content": f"article {n}"}]},
            timeout=60,
        )
        response.raise_for_status()

    await asyncio.gather(*(one(n) for n in range(count)))
    return time.perf_counter() - started


def make_app(database: str, pool: int) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        global CLIENT
        CLIENT = httpx.AsyncClient(limits=httpx.Limits(max_connections=4000, max_keepalive_connections=4000))
        config: DBOSConfig = {
            "name": "wirebrief-spike",
            "system_database_url": database,
            "sys_db_pool_size": pool,
            "serializer": DBOSPortableJSONSerializer(),
            "run_admin_server": False,  # type: ignore[typeddict-unknown-key]
            "log_level": "WARNING",
        }
        DBOS(config=config)
        DBOS.launch()
        yield
        DBOS.destroy()
        await CLIENT.aclose()

    return FastAPI(lifespan=lifespan)


async def run(count: int, pause_s: float, database: str, pool: int) -> dict[str, float]:
    app = make_app(database, pool)
    async with app.router.lifespan_context(app):
        before = cpu()
        baseline = await plain(count)
        baseline_cpu = cpu() - before
        before, started = cpu(), time.perf_counter()
        handles = await asyncio.gather(
            *(DBOS.start_workflow_async(brief_job, f"article {n}", pause_s) for n in range(count))
        )
        results = await asyncio.gather(*(h.get_result() for h in handles))
        wall, spent = time.perf_counter() - started, cpu() - before
        assert len(results) == count and all(r["chars"] for r in results)
    engine = sqlalchemy.create_engine(database.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as db:
        schema = "dbos" if engine.dialect.name == "postgresql" else None
        tables = sqlalchemy.inspect(db).get_table_names(schema=schema)
        prefix = f"{schema}." if schema else ""
        rows = {t: db.execute(sqlalchemy.text(f'SELECT count(*) FROM {prefix}"{t}"')).scalar() for t in tables}
        sample = db.execute(sqlalchemy.text(f"SELECT output, serialization FROM {prefix}workflow_status LIMIT 1")).one()
    engine.dispose()
    print(f"tables and rows: {json.dumps(rows)}")
    print(f"a stored output: {sample[0]!r} (serialization {sample[1]!r})")
    return {
        "baseline_s": baseline,
        "baseline_cpu_s": baseline_cpu,
        "wall_s": wall,
        "cpu_s": spent,
        "rows": sum(rows.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--pause", type=float, default=1.0, help="the durable sleep in each workflow")
    parser.add_argument("--postgres", action="store_true", help="system databases on PostgreSQL, not SQLite")
    parser.add_argument("--pool", type=int, default=20, help="DBOS's system-database pool size")
    args = parser.parse_args()
    global BASE_URL
    server = PostgresServer.start() if args.postgres else None
    with standin("--latency", str(args.latency)) as url, tempfile.TemporaryDirectory() as folder:
        BASE_URL = url
        if server is not None:  # DBOS takes the plain postgresql:// form
            databases = [server.create_database().replace("postgresql+psycopg://", "postgresql://") for _ in "12"]
        else:
            databases = [f"sqlite:///{Path(folder) / name}.sqlite" for name in ("one", "two")]
        try:
            first = asyncio.run(run(args.jobs, args.pause, databases[0], args.pool))
            launched = time.perf_counter()
            second = asyncio.run(run(50, args.pause, databases[1], args.pool))  # a new DBOS, a new database
            isolation_s = time.perf_counter() - launched - second["wall_s"] - second["baseline_s"]
        finally:
            if server is not None:
                for database in databases:
                    server.drop_database(database)
                server.stop()
    ideal = args.latency + args.pause
    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.jobs} workflows in flight, LLM latency {args.latency} s, durable sleep {args.pause} s ({kind})")
    print(f"  system-database pool            {args.pool}")
    print(f"  plain asyncio, the same calls   {first['baseline_s']:.2f} s wall (ideal {args.latency:.2f})")
    print(f"  DBOS workflows                  {first['wall_s']:.2f} s wall (ideal {ideal:.2f})")
    print(
        f"  CPU per workflow                {first['cpu_s'] / args.jobs * 1000:.2f} ms "
        f"(the plain call alone: {first['baseline_cpu_s'] / args.jobs * 1000:.2f} ms)"
    )
    print(f"  system-database rows/workflow   {first['rows'] / args.jobs:.1f}")
    print(f"  a second DBOS after destroy()   launch + 50 workflows ok; set-up and tear-down {isolation_s:.2f} s")


if __name__ == "__main__":
    main()
