"""The background duties on PostgreSQL: procrastinate's queue, in the store's own database.

A job accepted with a 202 becomes a procrastinate job (`wirebrief.run_job`), and so does each
delivery (`wirebrief.deliver`): any replica or `wirebrief worker` takes it, procrastinate's lock
keeps two attempts of one delivery from running at once, and a retry is the same procrastinate job
scheduled for the time our retry policy chose. Each worker sends a heartbeat; every few seconds one
of them (procrastinate's periodic task, deferred once per tick for the whole fleet) hands the work of
a worker whose heartbeat stopped back to the queue, re-queues any job or delivery that was stored
but never reached the queue (its process died in between), and, once an hour, applies the
retention. Delivery stays at least once, with one `webhook-id` per delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from procrastinate import App, BaseRetryStrategy, PsycopgConnector, RetryDecision
from procrastinate.exceptions import AlreadyEnqueued, JobAborted
from procrastinate.jobs import Job
from sqlalchemy.engine import make_url

from service.background.port import RunLater
from service.background.retention import PRUNE_EVERY_S, apply_retention
from service.config import Settings
from service.delivery import Deliveries
from service.jobs import JobRunner
from service.store import SqlStore

log = logging.getLogger(__name__)
logging.getLogger("procrastinate").setLevel(logging.WARNING)  # one INFO line per job and per retry otherwise

JOBS, DELIVERIES = "wirebrief-jobs", "wirebrief-deliveries"
HEARTBEAT_S = 2.0
STALLED_S = 10.0  # a worker silent this long is taken for dead: its work goes back to the queue
SWEEP_CRON = "* * * * * */5"  # every 5 seconds (croniter's sixth field)
ORPHAN_S = 30.0  # stored this long ago and still not in the queue: its process died in between
SWEEP_BATCH = 500
RESTART_S = 5.0  # after a worker of this process ended on its own (the database gone), before a new one
FAILURE_PAUSE_S = 30  # after a job's own failure (the store down): not a tight loop of re-sends


class _Retries(BaseRetryStrategy):
    """When the work asked (`RunLater`: a delivery's schedule, the fleet's LLM slots busy); a job
    cut off by a shutdown at once (another worker takes it);
    after an unexpected failure (the store down), a pause: the job itself has nothing to give up on."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, RunLater):
            return RetryDecision(retry_at=datetime.datetime.fromtimestamp(exception.at, datetime.UTC))
        if isinstance(exception, asyncio.CancelledError | JobAborted):
            return RetryDecision(retry_in={"seconds": 0})
        return RetryDecision(retry_in={"seconds": FAILURE_PAUSE_S})


@dataclass(frozen=True)
class _Work:
    store: SqlStore
    runner: JobRunner
    deliveries: Deliveries
    retention_s: float | None


class JobQueue:
    """The queue: handed what is stored (the `WorkQueue` port), and run by `QueueWorker`s."""

    def __init__(self, database_url: str, *, pool_size: int = 8) -> None:
        conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.app = App(connector=PsycopgConnector(conninfo=conninfo, min_size=1, max_size=pool_size))
        self._work: _Work | None = None  # set by the worker of this process, if it runs one
        self._next_prune = 0.0
        retries = _Retries()

        @self.app.task(name="wirebrief.run_job", queue=JOBS, retry=retries)
        async def run_job(job_id: str) -> None:
            await self._working().runner.run_by_id(job_id)

        @self.app.task(name="wirebrief.deliver", queue=DELIVERIES, retry=retries)
        async def deliver(delivery_id: str) -> None:
            due = await self._working().deliveries.attempt_by_id(delivery_id)
            if due is not None:
                raise RunLater(due)

        @self.app.periodic(cron=SWEEP_CRON, periodic_id="sweep")
        @self.app.task(name="wirebrief.sweep", queue=JOBS, pass_context=False)
        async def sweep(timestamp: int) -> None:
            await self.sweep()

        self._run_job, self._deliver = run_job, deliver

    async def open(self) -> None:
        await self.app.open_async()

    @classmethod
    @contextlib.asynccontextmanager
    async def opened(cls, database_url: str, *, pool_size: int) -> AsyncIterator[JobQueue]:
        """A queue to hand work to, for as long as a command runs (it runs no worker)."""
        queue = cls(database_url, pool_size=pool_size)
        await queue.open()
        try:
            yield queue
        finally:
            await queue.close()

    async def close(self) -> None:
        await self.app.close_async()

    def attach(self, work: _Work | None) -> None:
        """What this process's worker runs the queue's jobs with (None: it runs none)."""
        self._work = work

    def _working(self) -> _Work:
        if self._work is None:
            raise RuntimeError("this process runs no worker of the queue")
        return self._work

    # --- the WorkQueue port ------------------------------------------------------------------
    async def job_accepted(self, job_id: str) -> None:
        with contextlib.suppress(AlreadyEnqueued):  # queued already (the sweep found it first): one stands
            await self._run_job.configure(lock=job_id, queueing_lock=job_id).defer_async(job_id=job_id)

    async def jobs_accepted(self, job_ids: list[str]) -> None:
        """Many stored jobs at once (a queued batch): one statement per thousand, where none of them
        is queued already; one by one where some are (a resumed batch)."""
        template = self._run_job.configure().job
        for start in range(0, len(job_ids), 1000):
            chunk = job_ids[start : start + 1000]
            jobs = [template.evolve(lock=i, queueing_lock=i, task_kwargs={"job_id": i}) for i in chunk]
            try:
                await self.app.job_manager.batch_defer_jobs_async(jobs)
                continue
            except AlreadyEnqueued:
                pass
            for job_id in chunk:
                await self.job_accepted(job_id)

    async def delivery_enqueued(self, delivery_id: str, due_at: float) -> None:
        at = datetime.datetime.fromtimestamp(due_at, datetime.UTC)
        with contextlib.suppress(AlreadyEnqueued):
            await self._deliver.configure(lock=delivery_id, queueing_lock=delivery_id, schedule_at=at).defer_async(
                delivery_id=delivery_id
            )

    # --- the fleet's sweep -------------------------------------------------------------------
    async def sweep(self) -> None:
        """Work of dead workers back to the queue; what never reached it, into it; retention hourly."""
        for job in await self.app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_S):
            try:
                await self.app.job_manager.retry_job(job)
                log.warning("%s of a worker that stopped answering is queued again", job.call_string)
            except Exception:  # another worker's sweep, or the job's own worker, got there first
                log.debug("stalled job %s was no longer running", job.id, exc_info=True)
        work = self._working()
        before = time.time() - ORPHAN_S
        jobs = [job.id for job in await work.store.unfinished_jobs(untouched_since=before, limit=SWEEP_BATCH)]
        for job_id in await self._not_queued(jobs):
            log.warning("job %s was stored but never queued (its process stopped); queued now", job_id)
            await self.job_accepted(job_id)
        pending = {record.id: record for record in await work.store.due_deliveries(now=before, limit=SWEEP_BATCH)}
        for delivery_id in await self._not_queued(list(pending)):
            log.warning("delivery %s was stored but never queued (its process stopped); queued now", delivery_id)
            await self.delivery_enqueued(delivery_id, pending[delivery_id].next_attempt_at)
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_S
            await self._prune(work)

    async def _not_queued(self, locks: list[str]) -> list[str]:
        """Those of these jobs and deliveries that have no procrastinate job waiting or running."""
        if not locks:
            return []
        rows = await self.app.connector.execute_query_all_async(
            "SELECT lock FROM procrastinate_jobs WHERE status IN ('todo', 'doing') AND lock = ANY(%(locks)s)",
            locks=locks,
        )
        queued = {row["lock"] for row in rows}
        return [lock for lock in locks if lock not in queued]

    async def _prune(self, work: _Work) -> None:
        if work.retention_s is not None:
            await apply_retention(work.store, work.retention_s)
        # What procrastinate keeps of jobs that ended badly (succeeded ones are deleted as they end).
        hours = max(1, round((work.retention_s or 7 * 86400) / 3600))
        await self.app.job_manager.delete_old_jobs(
            nb_hours=hours, include_failed=True, include_cancelled=True, include_aborted=True
        )


class QueueWorker:
    """This process's share of the queue's work: two procrastinate workers on this event loop, one
    for jobs and one for deliveries, so slow receivers never hold up the analyses."""

    def __init__(
        self,
        queue: JobQueue,
        store: SqlStore,
        runner: JobRunner,
        deliveries: Deliveries,
        *,
        job_concurrency: int,
        delivery_concurrency: int = 32,
        retention_s: float | None = None,
        graceful_s: float = 5.0,
    ) -> None:
        self.queue = queue
        self._work = _Work(store, runner, deliveries, retention_s)
        self._concurrency = {JOBS: job_concurrency, DELIVERIES: delivery_concurrency}
        self._graceful_s = graceful_s
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    @classmethod
    def for_settings(
        cls, queue: JobQueue, store: SqlStore, runner: JobRunner, deliveries: Deliveries, settings: Settings
    ) -> QueueWorker:
        return cls(
            queue,
            store,
            runner,
            deliveries,
            job_concurrency=settings.max_llm_in_flight,
            retention_s=settings.retention_days * 86400 if settings.retention_days else None,
        )

    async def start(self) -> None:
        self._stopping = False
        self.queue.attach(self._work)
        for queue_name, concurrency in self._concurrency.items():
            self._tasks.append(asyncio.create_task(self._keep(queue_name, concurrency), name=f"wirebrief-{queue_name}"))

    async def _keep(self, queue_name: str, concurrency: int) -> None:
        """One procrastinate worker, started again whenever it ends on its own: it stops when the
        database goes away (its listener fails), and this process must take work again once it is back."""
        name = f"{socket.gethostname()}:{os.getpid()}:{queue_name.removeprefix('wirebrief-')}"
        while not self._stopping:  # procrastinate takes a cancellation as "stop" and returns: never again then
            try:
                await self.queue.app.run_worker_async(
                    queues=[queue_name],
                    name=name,
                    concurrency=concurrency,
                    install_signal_handlers=False,
                    update_heartbeat_interval=HEARTBEAT_S,
                    stalled_worker_timeout=STALLED_S,
                    fetch_job_polling_interval=1.0,  # retries scheduled for later are found by polling
                    shutdown_graceful_timeout=self._graceful_s,
                    delete_jobs="successful",
                )
                if self._stopping:
                    return
                log.error("the %s worker stopped on its own; starting it again in %g s", queue_name, RESTART_S)
            except Exception as error:
                if self._stopping:
                    return
                log.error("the %s worker failed (%r); starting it again in %g s", queue_name, error, RESTART_S)
            await asyncio.sleep(RESTART_S)

    async def stop(self) -> None:
        """Jobs still running after the graceful pause are cut off and go back to the queue. Bounded:
        a worker that will not end (its database gone mid-shutdown) is left behind, and said so."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            bound = self._graceful_s + RESTART_S
            done, stuck = await asyncio.wait(self._tasks, timeout=bound)
            for task in done:
                if not task.cancelled() and (error := task.exception()) is not None:
                    log.error("a queue worker ended with an error: %r", error)
            for task in stuck:
                log.error("queue worker %s did not stop within %g s; leaving it", task.get_name(), bound)
        self._tasks.clear()
        self.queue.attach(None)
        await self._work.deliveries.stop()  # its HTTP client
