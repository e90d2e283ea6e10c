"""The store: analyses (the result cache too), jobs and webhook deliveries.

One class over SQLAlchemy's async engine, so `WIREBRIEF_DATABASE_URL` can move it from the
default SQLite file to PostgreSQL without touching the callers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Engine as SyncEngine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from schemas import Analysis
from service.store import tables


def async_url(url: str) -> str:
    """`sqlite:///x.db` -> `sqlite+aiosqlite:///x.db`; `postgresql://` -> `postgresql+asyncpg://`."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    if url.startswith(("postgresql:", "postgres:")):
        return "postgresql+asyncpg:" + url.split(":", 1)[1]
    return url


@dataclass
class JobRecord:
    id: str
    state: str
    created_at: float
    updated_at: float
    request: dict[str, Any]
    analysis_id: str | None = None
    error: dict[str, Any] | None = None


@dataclass
class DeliveryRecord:
    id: str
    job_id: str | None
    kind: str
    url: str
    payload: str
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    last_error: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


class SqlStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(tables.metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(select(1))
        except Exception:  # readiness reports any failure as "not ready"
            return False
        return True

    # --- analyses --------------------------------------------------------------------------
    async def get_analysis(self, analysis_id: str) -> Analysis | None:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(select(tables.analyses.c.body).where(tables.analyses.c.id == analysis_id))
            ).first()
        return Analysis.model_validate_json(row.body) if row else None

    async def put_analysis(self, analysis: Analysis) -> None:
        values = {
            "id": analysis.id,
            "created_at": time.time(),
            "article_sha256": analysis.article.sha256,
            "engine": analysis.provenance.engine,
            "body": analysis.model_dump_json(),
        }
        try:  # a new analysis is the common case: one statement
            async with self.engine.begin() as connection:
                await connection.execute(insert(tables.analyses).values(**values))
        except IntegrityError:
            async with self.engine.begin() as connection:
                await connection.execute(
                    update(tables.analyses).where(tables.analyses.c.id == analysis.id).values(**values)
                )

    # --- jobs ------------------------------------------------------------------------------
    async def create_job(self, job_id: str, request: dict[str, Any]) -> JobRecord:
        now = time.time()
        async with self.engine.begin() as connection:
            await connection.execute(
                insert(tables.jobs).values(
                    id=job_id, state="queued", created_at=now, updated_at=now, request=json.dumps(request)
                )
            )
        return JobRecord(job_id, "queued", now, now, request)

    async def update_job(
        self, job_id: str, state: str, *, analysis_id: str | None = None, error: dict[str, Any] | None = None
    ) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                update(tables.jobs)
                .where(tables.jobs.c.id == job_id)
                .values(
                    state=state,
                    updated_at=time.time(),
                    analysis_id=analysis_id,
                    error=json.dumps(error) if error else None,
                )
            )

    async def get_job(self, job_id: str) -> JobRecord | None:
        async with self.engine.connect() as connection:
            row = (await connection.execute(select(tables.jobs).where(tables.jobs.c.id == job_id))).first()
        return _job(row) if row else None

    async def unfinished_jobs(self) -> list[JobRecord]:
        """Jobs accepted but not finished: what a restarted service must run again."""
        async with self.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(tables.jobs).where(tables.jobs.c.state.in_(["queued", "running"])).order_by("created_at")
                )
            ).all()
        return [_job(row) for row in rows]

    # --- deliveries ------------------------------------------------------------------------
    async def add_delivery(self, delivery_id: str, job_id: str | None, kind: str, url: str, payload: str) -> bool:
        """Keep a delivery to make; False when one with this id exists (a re-run job adds nothing twice)."""
        now = time.time()
        async with self.engine.begin() as connection:
            exists = (
                await connection.execute(select(tables.deliveries.c.id).where(tables.deliveries.c.id == delivery_id))
            ).first()
            if exists:
                return False
            await connection.execute(
                insert(tables.deliveries).values(
                    id=delivery_id,
                    job_id=job_id,
                    kind=kind,
                    url=url,
                    payload=payload,
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        return True

    async def get_delivery(self, delivery_id: str) -> DeliveryRecord | None:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(select(tables.deliveries).where(tables.deliveries.c.id == delivery_id))
            ).first()
        return await self._with_history(_delivery(row)) if row else None

    async def job_deliveries(self, job_id: str) -> list[DeliveryRecord]:
        async with self.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(tables.deliveries).where(tables.deliveries.c.job_id == job_id).order_by("created_at")
                )
            ).all()
        return [await self._with_history(_delivery(row)) for row in rows]

    async def due_deliveries(self, now: float | None = None, limit: int = 100) -> list[DeliveryRecord]:
        async with self.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(tables.deliveries)
                    .where(tables.deliveries.c.state == "pending")
                    .where(tables.deliveries.c.next_attempt_at <= (now or time.time()))
                    .order_by("next_attempt_at")
                    .limit(limit)
                )
            ).all()
        return [_delivery(row) for row in rows]

    async def settle_delivery(self, delivery_id: str, state: str, reason: str) -> None:
        """End a delivery without an attempt (disabled endpoint, nothing it could be sent with)."""
        async with self.engine.begin() as connection:
            await connection.execute(
                update(tables.deliveries)
                .where(tables.deliveries.c.id == delivery_id)
                .values(state=state, last_error=reason)
            )

    async def record_attempt(
        self,
        delivery_id: str,
        *,
        state: str,
        next_attempt_at: float,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
    ) -> None:
        now = time.time()
        async with self.engine.begin() as connection:
            await connection.execute(
                insert(tables.delivery_attempts).values(
                    delivery_id=delivery_id, at=now, status_code=status_code, error=error, duration_ms=duration_ms
                )
            )
            await connection.execute(
                update(tables.deliveries)
                .where(tables.deliveries.c.id == delivery_id)
                .values(
                    state=state,
                    attempts=tables.deliveries.c.attempts + 1,
                    next_attempt_at=next_attempt_at,
                    last_error=error,
                )
            )

    async def disable_endpoint(self, url: str, reason: str) -> None:
        async with self.engine.begin() as connection:
            exists = (
                await connection.execute(
                    select(tables.disabled_endpoints.c.url).where(tables.disabled_endpoints.c.url == url)
                )
            ).first()
            if not exists:
                await connection.execute(
                    insert(tables.disabled_endpoints).values(url=url, at=time.time(), reason=reason)
                )

    async def endpoint_disabled(self, url: str) -> bool:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(tables.disabled_endpoints.c.url).where(tables.disabled_endpoints.c.url == url)
                )
            ).first()
        return row is not None

    async def _with_history(self, record: DeliveryRecord) -> DeliveryRecord:
        async with self.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(tables.delivery_attempts)
                    .where(tables.delivery_attempts.c.delivery_id == record.id)
                    .order_by(tables.delivery_attempts.c.id)
                )
            ).all()
        record.history = [
            {"at": r.at, "status_code": r.status_code, "error": r.error, "duration_ms": r.duration_ms} for r in rows
        ]
        return record


def _job(row: Any) -> JobRecord:
    return JobRecord(
        id=row.id,
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
        request=json.loads(row.request),
        analysis_id=row.analysis_id,
        error=json.loads(row.error) if row.error else None,
    )


def _delivery(row: Any) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id,
        job_id=row.job_id,
        kind=row.kind,
        url=row.url,
        payload=row.payload,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        last_error=row.last_error,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


async def open_store(url: str) -> SqlStore:
    """Connect, create the tables if needed. Done once at start-up."""
    target = async_url(url)
    if target.startswith("sqlite"):
        # pysqlite opens no transaction for reads, so resetting a connection on return to the
        # pool is a no-op round trip to the driver's thread on every query: skip it.
        engine = create_async_engine(target, pool_reset_on_return=None)
    else:
        engine = create_async_engine(target)
    if engine.dialect.name == "sqlite":
        sync_engine: SyncEngine = engine.sync_engine
        event.listen(sync_engine, "connect", _sqlite_pragmas)
    store = SqlStore(engine)
    await store.create_tables()
    return store
