"""The store: analyses (the result cache too), jobs and webhook deliveries.

SQLAlchemy Core over a synchronous engine, so `WIREBRIEF_DATABASE_URL` can move it from the
default SQLite file to PostgreSQL without touching the callers. Each operation is one function run
whole on the store's own thread: a request costs one hop off the event loop per operation, where an
async driver (aiosqlite) hops for every cursor call, fetch and commit, and SQLAlchemy's async layer
adds a greenlet switch to each; that was a third of the service's CPU per request.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from schemas import Analysis
from service.store import tables
from service.store.migrate import upgrade
from service.tenancy import as_given

T = TypeVar("T")


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
    def __init__(self, engine: Engine, threads: int = 1) -> None:
        self.engine = engine
        self._threads = threads
        self._thread: ThreadPoolExecutor | None = None
        self._llm_slot_rows = 0  # LLM slots known to exist in the table

    @property
    def url(self) -> str:
        """The database's URL, password included (for a second client of it, never for a log)."""
        return self.engine.url.render_as_string(hide_password=False)

    async def _read(self, work: Callable[[Connection], T]) -> T:
        """`work` on a connection, on the store's thread."""

        def run() -> T:
            with self.engine.connect() as connection:
                return work(connection)

        return await self._run(run)

    async def _write(self, work: Callable[[Connection], T]) -> T:
        """`work` in one transaction, on the store's thread. A caller cancelled meanwhile (a client
        gone) does not undo it: the write completes."""

        def run() -> T:
            with self.engine.begin() as connection:
                return work(connection)

        return await self._run(run)

    async def migrate(self) -> None:
        """The newest schema, created when the database is empty (Alembic, `service.store.migrate`)."""
        for attempt in range(10):
            try:
                await self._run(lambda: upgrade(self.engine))
                return
            except DBAPIError:  # another process is migrating the same SQLite file: look again once it is done
                if attempt == 9:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))

    async def close(self) -> None:
        """Close the connections and stop the thread. Like SQLAlchemy's `dispose`, the store stays
        usable: the next operation opens them again (the pipeline and its owner may both close it)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.get_running_loop().run_in_executor(thread, self.engine.dispose)
            thread.shutdown(wait=True)

    def _run(self, work: Callable[[], T]) -> asyncio.Future[T]:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="store")
        return asyncio.get_running_loop().run_in_executor(self._thread, work)

    async def ping(self) -> bool:
        try:
            await self._read(lambda connection: connection.execute(select(1)).scalar())
        except Exception:  # readiness reports any failure as "not ready"
            return False
        return True

    # --- analyses --------------------------------------------------------------------------
    async def get_analysis(self, analysis_id: str) -> Analysis | None:
        query = select(tables.analyses.c.body).where(tables.analyses.c.id == analysis_id)
        body = await self._read(lambda connection: connection.execute(query).scalar())
        return Analysis.model_validate_json(body) if body is not None else None

    async def get_tenant_analysis(self, tenant: str, analysis_id: str) -> Analysis | None:
        """The analysis as `tenant` has it (with the url it gave), or None: also when it exists but
        another tenant made it, so that a guessed id tells nothing."""
        owned, analyses = tables.tenant_analyses, tables.analyses
        query = (
            select(analyses.c.body, owned.c.url, owned.c.fetched)
            .join(owned, owned.c.analysis_id == analyses.c.id)
            .where(owned.c.tenant == tenant, owned.c.analysis_id == analysis_id)
        )
        row = await self._read(lambda connection: connection.execute(query).first())
        if row is None:
            return None
        return as_given(Analysis.model_validate_json(row.body), row.url, row.fetched)

    async def list_tenant_analyses(
        self,
        tenant: str,
        *,
        limit: int,
        before: tuple[float, str] | None = None,
        since: float | None = None,
        until: float | None = None,
        keep: Callable[[Analysis], bool] | None = None,
        mentions: str | None = None,
        scan_limit: int = 500,
    ) -> tuple[list[tuple[float, Analysis]], tuple[float, str] | None]:
        """`tenant`'s analyses, newest first, after the `before` position; those `keep` accepts, up to
        `limit`. A row whose stored JSON does not contain `mentions` (any case) is passed over without
        being parsed: parsing is the cost of a filter. At most `scan_limit` rows are read per call (a
        rare filter pages on instead of reading the whole table, holding the GIL on the store's
        thread): the position to go on from comes back, or None at the end."""
        owned, analyses = tables.tenant_analyses, tables.analyses
        query = (
            select(owned.c.created_at, owned.c.analysis_id, owned.c.url, owned.c.fetched, analyses.c.body)
            .join(analyses, owned.c.analysis_id == analyses.c.id)
            .where(owned.c.tenant == tenant)
            .order_by(owned.c.created_at.desc(), owned.c.analysis_id.desc())
        )
        if before is not None:
            at, last_id = before
            query = query.where(
                or_(owned.c.created_at < at, and_(owned.c.created_at == at, owned.c.analysis_id < last_id))
            )
        if since is not None:
            query = query.where(owned.c.created_at >= since)
        if until is not None:
            query = query.where(owned.c.created_at < until)

        # JSON escapes only quotes, backslashes and control characters: a name without them stands as is.
        wanted = mentions.casefold() if mentions and not any(c in mentions for c in '"\\') else None

        def page(connection: Connection) -> tuple[list[tuple[float, Analysis]], tuple[float, str] | None]:
            found: list[tuple[float, Analysis]] = []
            position: tuple[float, str] | None = None
            for scanned, row in enumerate(connection.execute(query.limit(scan_limit + 1)), start=1):
                if len(found) == limit or scanned > scan_limit:
                    return found, position
                position = (row.created_at, row.analysis_id)
                if wanted is not None and wanted not in row.body.casefold():
                    continue
                analysis = as_given(Analysis.model_validate_json(row.body), row.url, row.fetched)
                if keep is None or keep(analysis):
                    found.append((row.created_at, analysis))
            return found, None

        return await self._read(page)

    async def own_analysis(self, tenant: str, analysis_id: str, url: str | None, fetched: bool) -> None:
        """Record that `tenant` has this analysis, for the url it gave (the latest one it gave)."""
        statement = self._ownership(tenant, analysis_id, url, fetched)
        await self._write(lambda connection: connection.execute(statement))

    def _ownership(self, tenant: str, analysis_id: str, url: str | None, fetched: bool) -> Any:
        values = {
            "tenant": tenant,
            "analysis_id": analysis_id,
            "url": url,
            "fetched": fetched,
            "created_at": time.time(),
        }
        return _upsert(self.engine.dialect.name, tables.tenant_analyses, values, ["tenant", "analysis_id"])

    async def put_analysis(self, analysis: Analysis, *, tenant: str | None = None) -> None:
        """Store (or replace) an analysis, without the url its caller gave: that is the caller's,
        kept with `tenant`'s record of it."""
        given = analysis.article
        ownership = self._ownership(tenant, analysis.id, given.url, given.fetched) if tenant is not None else None
        analysis = as_given(analysis, None, False)
        values = {
            "id": analysis.id,
            "created_at": time.time(),
            "article_sha256": analysis.article.sha256,
            "engine": analysis.provenance.engine,
            "body": analysis.model_dump_json(),
        }
        upsert = _upsert(self.engine.dialect.name, tables.analyses, values, ["id"])

        def put(connection: Connection) -> None:  # one transaction, one hop off the event loop
            connection.execute(upsert)
            if ownership is not None:
                connection.execute(ownership)

        await self._write(put)

    # --- jobs ------------------------------------------------------------------------------
    async def create_job(self, job_id: str, request: dict[str, Any]) -> JobRecord:
        now = time.time()
        statement = insert(tables.jobs).values(
            id=job_id, state="queued", created_at=now, updated_at=now, request=json.dumps(request)
        )
        await self._write(lambda connection: connection.execute(statement))
        return JobRecord(job_id, "queued", now, now, request)

    async def add_jobs(self, jobs: list[tuple[str, dict[str, Any]]]) -> int:
        """Keep these jobs, in one transaction; those whose id exists already are left as they are
        (a resumed batch). Returns how many were new."""
        if not jobs:
            return 0
        now = time.time()

        def add(connection: Connection) -> int:
            rows = [
                {"id": job_id, "state": "queued", "created_at": now, "updated_at": now, "request": json.dumps(request)}
                for job_id, request in jobs
            ]
            statement = _insert(connection.dialect.name, tables.jobs).on_conflict_do_nothing(index_elements=["id"])
            return int(connection.execute(statement, rows).rowcount or 0)

        return await self._write(add)

    async def jobs_by_id(self, job_ids: Collection[str], *, finished_only: bool = False) -> list[JobRecord]:
        jobs = tables.jobs
        query = select(jobs).where(jobs.c.id.in_(list(job_ids)))
        if finished_only:
            query = query.where(jobs.c.state.in_(["done", "failed"]))
        rows = await self._read(lambda connection: connection.execute(query).all())
        return [_job(row) for row in rows]

    async def requeue_failed_jobs(self, job_ids: Collection[str]) -> int:
        """These jobs, where they failed, are to run again (a batch's --retry-failed)."""
        jobs = tables.jobs
        statement = (
            update(jobs)
            .where(jobs.c.id.in_(list(job_ids)), jobs.c.state == "failed")
            .values(state="queued", updated_at=time.time(), error=None, analysis_id=None)
        )
        return int(await self._write(lambda connection: connection.execute(statement).rowcount))

    async def update_job(
        self, job_id: str, state: str, *, analysis_id: str | None = None, error: dict[str, Any] | None = None
    ) -> None:
        statement = (
            update(tables.jobs)
            .where(tables.jobs.c.id == job_id)
            .values(
                state=state,
                updated_at=time.time(),
                analysis_id=analysis_id,
                error=json.dumps(error) if error else None,
            )
        )
        await self._write(lambda connection: connection.execute(statement))

    async def get_job(self, job_id: str) -> JobRecord | None:
        query = select(tables.jobs).where(tables.jobs.c.id == job_id)
        row = await self._read(lambda connection: connection.execute(query).first())
        return _job(row) if row else None

    async def unfinished_jobs(self, untouched_since: float | None = None, limit: int | None = None) -> list[JobRecord]:
        """Jobs accepted but not finished: what a restarted service must run again; with
        `untouched_since`, only those nobody has updated since then (their process stopped)."""
        jobs = tables.jobs
        query = select(jobs).where(jobs.c.state.in_(["queued", "running"])).order_by("created_at").limit(limit)
        if untouched_since is not None:
            query = query.where(jobs.c.updated_at < untouched_since)
        rows = await self._read(lambda connection: connection.execute(query).all())
        return [_job(row) for row in rows]

    async def claim_job(self, job: JobRecord) -> bool:
        """Take over an abandoned job (its `updated_at` becomes now); False when another process
        updated it since it was read (that one runs it)."""
        jobs = tables.jobs
        statement = (
            update(jobs).where(jobs.c.id == job.id, jobs.c.updated_at == job.updated_at).values(updated_at=time.time())
        )
        return bool(await self._write(lambda connection: connection.execute(statement).rowcount))

    # --- deliveries ------------------------------------------------------------------------
    async def add_delivery(self, delivery_id: str, job_id: str | None, kind: str, url: str, payload: str) -> bool:
        """Keep a delivery to make; False when one with this id exists (a re-run job adds nothing twice)."""
        now = time.time()

        def add(connection: Connection) -> bool:
            exists = connection.execute(
                select(tables.deliveries.c.id).where(tables.deliveries.c.id == delivery_id)
            ).first()
            if exists:
                return False
            connection.execute(
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

        return await self._write(add)

    async def get_delivery(self, delivery_id: str) -> DeliveryRecord | None:
        query = select(tables.deliveries).where(tables.deliveries.c.id == delivery_id)
        records = await self._read(lambda connection: _with_history(connection, connection.execute(query).all()))
        return records[0] if records else None

    async def job_deliveries(self, job_id: str) -> list[DeliveryRecord]:
        query = select(tables.deliveries).where(tables.deliveries.c.job_id == job_id).order_by("created_at")
        return await self._read(lambda connection: _with_history(connection, connection.execute(query).all()))

    async def due_deliveries(
        self,
        now: float | None = None,
        limit: int = 100,
        ids: Collection[str] | None = None,
        other_than_urls: Collection[str] = (),
    ) -> list[DeliveryRecord]:
        """Pending deliveries due by `now`, soonest first; only those in `ids` when given, none to
        `other_than_urls`."""
        query = (
            select(tables.deliveries)
            .where(tables.deliveries.c.state == "pending")
            .where(tables.deliveries.c.next_attempt_at <= (now or time.time()))
            .order_by("next_attempt_at")
            .limit(limit)
        )
        if ids is not None:
            query = query.where(tables.deliveries.c.id.in_(ids))
        if other_than_urls:
            query = query.where(tables.deliveries.c.url.not_in(other_than_urls))
        rows = await self._read(lambda connection: connection.execute(query).all())
        return [_delivery(row) for row in rows]

    async def make_due(self, delivery_ids: Collection[str]) -> None:
        """Pending deliveries among these are due now (a person asked to try again)."""
        statement = (
            update(tables.deliveries)
            .where(tables.deliveries.c.id.in_(list(delivery_ids)), tables.deliveries.c.state == "pending")
            .values(next_attempt_at=time.time())
        )
        await self._write(lambda connection: connection.execute(statement))

    async def settle_delivery(self, delivery_id: str, state: str, reason: str) -> None:
        """End a delivery without an attempt (disabled endpoint, nothing it could be sent with)."""
        statement = (
            update(tables.deliveries)
            .where(tables.deliveries.c.id == delivery_id)
            .values(state=state, last_error=reason)
        )
        await self._write(lambda connection: connection.execute(statement))

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
        attempt = insert(tables.delivery_attempts).values(
            delivery_id=delivery_id, at=time.time(), status_code=status_code, error=error, duration_ms=duration_ms
        )
        delivery = (
            update(tables.deliveries)
            .where(tables.deliveries.c.id == delivery_id)
            .values(
                state=state,
                attempts=tables.deliveries.c.attempts + 1,
                next_attempt_at=next_attempt_at,
                last_error=error,
            )
        )

        def record(connection: Connection) -> None:
            connection.execute(attempt)
            connection.execute(delivery)

        await self._write(record)

    async def disable_endpoint(self, url: str, reason: str) -> None:
        def disable(connection: Connection) -> None:
            exists = connection.execute(
                select(tables.disabled_endpoints.c.url).where(tables.disabled_endpoints.c.url == url)
            ).first()
            if not exists:
                connection.execute(insert(tables.disabled_endpoints).values(url=url, at=time.time(), reason=reason))

        await self._write(disable)

    async def endpoint_disabled(self, url: str) -> bool:
        query = select(tables.disabled_endpoints.c.url).where(tables.disabled_endpoints.c.url == url)
        return await self._read(lambda connection: connection.execute(query).first() is not None)

    # --- replays -------------------------------------------------------------------------------
    async def first_sight(self, key: str, window_s: float) -> bool:
        """True the first time `key` is seen within `window_s` seconds, False for a repeat (in any
        process on this database); keys older than the window are forgotten."""
        now = time.time()
        seen = tables.seen_requests

        def sight(connection: Connection) -> bool:
            connection.execute(delete(seen).where(seen.c.at < now - window_s))
            if connection.execute(select(seen.c.key).where(seen.c.key == key)).first():
                return False
            connection.execute(insert(seen).values(key=key, at=now))
            return True

        try:
            return await self._write(sight)
        except IntegrityError:  # the same key inserted by another process at the same moment
            return False

    # --- rate limits ---------------------------------------------------------------------------
    async def count_hits(self, key: str, amount: int, window_s: float) -> int:
        """Add `amount` hits to `key`'s window and return its count, in one statement (every process
        and replica on this database counts in the same row). A window opens at its first hit and
        lasts `window_s`; a hit after it has ended opens a new one."""
        now = time.time()
        statement = _count_hits_statement(self.engine.dialect.name)
        values = {"key": key, "hits": amount, "ends_at": now + window_s, "now": now}
        return await self._write(lambda connection: int(connection.execute(statement, values).scalar_one()))

    async def pause_llm(self, until: float) -> None:
        """No process on this database starts an LLM call before `until` (a provider's Retry-After);
        a later pause stands over an earlier one."""
        windows = tables.rate_windows

        def pause(connection: Connection) -> None:
            new = _insert(connection.dialect.name, windows).values(key=LLM_PAUSE, hits=0, ends_at=until)
            keep = case((windows.c.ends_at > new.excluded.ends_at, windows.c.ends_at), else_=new.excluded.ends_at)
            connection.execute(new.on_conflict_do_update(index_elements=[windows.c.key], set_={"ends_at": keep}))

        await self._write(pause)

    async def llm_paused_until(self) -> float:
        """Until when the fleet's LLM calls are paused (a time in the past: they are not)."""
        query = select(tables.rate_windows.c.ends_at).where(tables.rate_windows.c.key == LLM_PAUSE)
        until = await self._read(lambda connection: connection.execute(query).scalar())
        return float(until or 0.0)

    async def rate_window(self, key: str) -> tuple[int, float] | None:
        """`key`'s hits and the time its window ends, while it is open."""
        windows = tables.rate_windows
        query = select(windows.c.hits, windows.c.ends_at).where(windows.c.key == key, windows.c.ends_at > time.time())
        row = await self._read(lambda connection: connection.execute(query).first())
        return (int(row.hits), float(row.ends_at)) if row is not None else None

    async def forget_rate_windows(self, key: str | None = None, *, ended_only: bool = False) -> int:
        """Delete `key`'s window (every window without a key); `ended_only`: only those that ended."""
        windows = tables.rate_windows
        statement = delete(windows)
        if key is not None:
            statement = statement.where(windows.c.key == key)
        if ended_only:
            statement = statement.where(windows.c.ends_at <= time.time())
        return await self._write(lambda connection: int(connection.execute(statement).rowcount))

    # --- LLM slots -----------------------------------------------------------------------------
    async def take_llm_slot(self, holder: str, slots: int, hold_s: float) -> int | None:
        """One of the `slots` free LLM slots for `holder`, for at most `hold_s` seconds (a holder
        that dies frees it then); None while all are taken, by any process on this database."""
        if self._llm_slot_rows < slots:  # the rows, made once by each process (all make the same)
            missing = [{"slot": n, "expires_at": 0.0} for n in range(slots)]
            made = _insert(self.engine.dialect.name, tables.llm_slots).on_conflict_do_nothing(index_elements=["slot"])
            await self._write(lambda connection: connection.execute(made, missing))
            self._llm_slot_rows = slots
        now = time.time()
        values = {"slots": slots, "now": now, "taker": holder, "held_until": now + hold_s}
        return await self._write(lambda connection: connection.execute(_TAKE_SLOT, values).scalar())

    async def free_llm_slot(self, slot: int, holder: str) -> None:
        values = {"freed": slot, "taker": holder}
        await self._write(lambda connection: connection.execute(_FREE_SLOT, values))

    # --- retention -----------------------------------------------------------------------------
    async def prune(self, before: float) -> dict[str, int]:
        """Delete what is older than `before` and finished: analyses, done or failed jobs, settled
        deliveries with their attempts. Pending deliveries, and the jobs they belong to, stay."""
        deliveries, attempts, jobs = tables.deliveries, tables.delivery_attempts, tables.jobs
        settled = deliveries.c.state.in_(["delivered", "failed", "disabled"])
        old_deliveries = select(deliveries.c.id).where(settled, deliveries.c.created_at < before)
        referenced_jobs = select(deliveries.c.job_id).where(deliveries.c.job_id.is_not(None))

        def prune(connection: Connection) -> dict[str, int]:
            def removed(statement: Any) -> int:
                return int(connection.execute(statement).rowcount)

            return {  # in this order: attempts, then deliveries, then the jobs no delivery refers to
                "delivery_attempts": removed(delete(attempts).where(attempts.c.delivery_id.in_(old_deliveries))),
                "deliveries": removed(delete(deliveries).where(deliveries.c.id.in_(old_deliveries))),
                "jobs": removed(
                    delete(jobs).where(
                        jobs.c.state.in_(["done", "failed"]),
                        jobs.c.updated_at < before,
                        jobs.c.id.not_in(referenced_jobs),
                    )
                ),
                "tenant_analyses": removed(
                    delete(tables.tenant_analyses).where(tables.tenant_analyses.c.created_at < before)
                ),
                "analyses": removed(delete(tables.analyses).where(tables.analyses.c.created_at < before)),
            }

        return await self._write(prune)


LLM_PAUSE = "llm:paused"  # the row of `rate_windows` that pauses every process's LLM calls

# Built once, as the rate limit's statement is: both run on every LLM call.
_SLOTS = tables.llm_slots
_TAKE_SLOT = (
    update(_SLOTS)
    .where(
        _SLOTS.c.slot
        == select(_SLOTS.c.slot)
        .where(_SLOTS.c.slot < bindparam("slots"), _SLOTS.c.expires_at <= bindparam("now"))
        .order_by(_SLOTS.c.slot)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL: past the rows others are taking; SQLite: one writer
        .scalar_subquery(),
        _SLOTS.c.expires_at <= bindparam("now"),
    )
    .values(holder=bindparam("taker"), expires_at=bindparam("held_until"))
    .returning(_SLOTS.c.slot)
)
_FREE_SLOT = (
    update(_SLOTS)
    .where(_SLOTS.c.slot == bindparam("freed"), _SLOTS.c.holder == bindparam("taker"))
    .values(holder=None, expires_at=0.0)
)


def _insert(dialect: str, table: Any) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (SQLite and PostgreSQL, the two stores)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@lru_cache(maxsize=2)
def _count_hits_statement(dialect: str) -> Any:
    """Built once: building it on every request cost more than running it."""
    windows = tables.rate_windows
    new = _insert(dialect, windows)
    ended = windows.c.ends_at <= bindparam("now")  # on both databases, SET reads the row as it was
    return new.on_conflict_do_update(
        index_elements=[windows.c.key],
        set_={
            "hits": case((ended, new.excluded.hits), else_=windows.c.hits + new.excluded.hits),
            "ends_at": case((ended, new.excluded.ends_at), else_=windows.c.ends_at),
        },
    ).returning(windows.c.hits)


def _upsert(dialect: str, table: Any, values: dict[str, Any], keys: list[str]) -> Any:
    """One INSERT ... ON CONFLICT (keys) DO UPDATE statement (SQLite and PostgreSQL, the two stores)."""
    statement = _insert(dialect, table).values(**values)
    return statement.on_conflict_do_update(index_elements=[table.c[key] for key in keys], set_=values)


def _with_history(connection: Connection, rows: Any) -> list[DeliveryRecord]:
    """Delivery records with every attempt made, oldest first."""
    records = [_delivery(row) for row in rows]
    for record in records:
        attempts = connection.execute(
            select(tables.delivery_attempts)
            .where(tables.delivery_attempts.c.delivery_id == record.id)
            .order_by(tables.delivery_attempts.c.id)
        ).all()
        record.history = [
            {"at": a.at, "status_code": a.status_code, "error": a.error, "duration_ms": a.duration_ms} for a in attempts
        ]
    return records


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
    cursor.execute("PRAGMA busy_timeout=5000")  # first: worker processes opening one file at once wait their turn
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sqlite_folder(url: str) -> None:
    """A SQLite file's folder exists before the file is opened (the user's data folder, on first use)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def store_location(url: str) -> str:
    """Where a database URL keeps things, for people: a SQLite file's path, any other URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database).resolve()) if parsed.database and parsed.database != ":memory:" else "memory"
    return parsed.render_as_string(hide_password=True)


async def open_store(url: str) -> SqlStore:
    """Connect, bring the schema up to date. Done once at start-up."""
    make_sqlite_folder(url)
    if url.startswith("sqlite"):
        # SQLite has one writer at a time: one thread serves the store, so this process never waits
        # on its own lock. pysqlite opens no transaction for reads, so resetting a connection on its
        # return to the pool is a no-op: skip it.
        engine = create_engine(url, pool_reset_on_return=None)
        event.listen(engine, "connect", _sqlite_pragmas)
        threads = 1
    else:
        engine = create_engine(url, pool_pre_ping=True)
        threads = 4
    store = SqlStore(engine, threads)
    await store.migrate()
    return store
