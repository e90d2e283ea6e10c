"""The background duties on one machine (SQLite): done by the one process holding a file lock.

Several worker processes (`WIREBRIEF_WORKERS`) all serve requests and run the jobs they accept;
only the holder of an exclusive lock on a file beside the database sends the deliveries, so none is
attempted twice at once. The operating system releases the lock when its holder ends, however it
ends (kill -9 included), and another process takes it at its next try. The holder resumes, when it
takes the lock, the jobs a stopped process left unfinished, and then, every few seconds, those left
by a worker that died while the others lived on; and, with WIREBRIEF_RETENTION_DAYS, deletes once an
hour what is finished and older than that. A job re-run after a worker died may run twice; its
deliveries are not sent twice (their ids derive from the job).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
from pathlib import Path

from service.background.retention import PRUNE_EVERY_S, apply_retention
from service.config import Settings
from service.delivery import Deliveries
from service.jobs import JobRunner
from service.store import SqlStore, store_location

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3.0


def lock_path_for(database_url: str) -> Path | None:
    """The lock file beside a SQLite database file; None for a database only this process sees."""
    location = store_location(database_url)
    return None if location == "memory" else Path(location + ".duties.lock")


class OneMachineDuties:
    def __init__(
        self,
        store: SqlStore,
        deliveries: Deliveries,
        runner: JobRunner,
        *,
        lock_path: Path | None,
        stale_job_s: float,
        retention_s: float | None = None,
        check_every_s: float = CHECK_EVERY_S,
    ) -> None:
        """`stale_job_s`: how long a job may go untouched before it is taken for abandoned (longer
        than any one job can take: fetching the page, then the article's whole deadline).
        `retention_s`: what is older than this and finished is deleted, once an hour."""
        self.store = store
        self.deliveries = deliveries
        self.runner = runner
        self.lock_path = lock_path
        self.stale_job_s = stale_job_s
        self.retention_s = retention_s
        self.check_every_s = check_every_s
        self.holding = False
        self._lock_fd: int | None = None
        self._resume_pending = False  # the unfinished jobs are resumed once the duties are taken
        self._next_prune = 0.0  # time.monotonic() value
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def for_settings(
        cls, store: SqlStore, deliveries: Deliveries, runner: JobRunner, settings: Settings
    ) -> OneMachineDuties:
        """A job is abandoned once untouched for longer than any job can take: fetching its page, then
        the article's whole deadline, and a margin."""
        return cls(
            store,
            deliveries,
            runner,
            lock_path=lock_path_for(store.url),
            stale_job_s=settings.fetch_timeout_s + settings.deadline_s + 30,
            retention_s=settings.retention_days * 86400 if settings.retention_days else None,
        )

    async def start(self) -> None:
        """Try for the lock now (a lone process starts its duties before it serves), then keep at it."""
        await self._tick()
        self._task = asyncio.create_task(self._keep(), name="wirebrief-duties")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.holding:
            self.holding = False
            await self.deliveries.stop()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock: another process takes the duties at its next try
            self._lock_fd = None

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.check_every_s)
            await self._tick()

    async def _tick(self) -> None:
        """Never raises: a failing store pauses the duties until it answers again."""
        try:
            if not self.holding and self._take_lock():
                self.holding, self._resume_pending = True, True
                await self.deliveries.start()
                log.info("this process now sends the deliveries and resumes unfinished jobs")
            if not self.holding:
                return
            if self._resume_pending:
                resumed = await self.runner.resume()
                self._resume_pending = False
                log.info("%d unfinished jobs resumed", resumed)
            elif abandoned := await self.runner.resume(untouched_for_s=self.stale_job_s):
                log.warning("%d jobs left unfinished by a stopped worker are running again", abandoned)
            if self.retention_s is not None and time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + PRUNE_EVERY_S
                await apply_retention(self.store, self.retention_s)
        except Exception:
            log.exception("background duties: the store failed; trying again in %.0f s", self.check_every_s)

    def _take_lock(self) -> bool:
        """The exclusive lock on the file beside the database, without waiting for it."""
        if self.lock_path is None:
            return True
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True
