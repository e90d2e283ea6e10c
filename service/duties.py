"""Background duties done by exactly one process per database: sending the pending deliveries
and running again the jobs a stopped process left unfinished.

Several worker processes (`WIREBRIEF_WORKERS`), or several instances on one PostgreSQL, all
serve requests and persist the jobs and deliveries they accept; only the holder of a lease in the
store sends deliveries, so none is attempted twice at once. The lease is renewed every third of
its life; when the holder stops it is released, and when the holder dies another process takes
it once it expires, or at once when the holder was a process of this host that no longer exists
(a restart). A job re-run after a takeover may run twice; its deliveries are not sent twice
(their ids derive from the job). The holder also looks, every few seconds, for jobs left
unfinished by a worker that died while the others lived on, and runs them again; and, with
WIREBRIEF_RETENTION_DAYS, deletes once an hour what is finished and older than that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time

from service.config import Settings
from service.delivery import Deliveries
from service.jobs import JobRunner
from service.store import SqlStore

log = logging.getLogger(__name__)

LEASE = "background-duties"
LEASE_S = 10.0
PRUNE_EVERY_S = 3600.0


class Duties:
    def __init__(
        self,
        store: SqlStore,
        deliveries: Deliveries,
        runner: JobRunner,
        *,
        stale_job_s: float,
        retention_s: float | None = None,
        lease_s: float = LEASE_S,
    ) -> None:
        """`stale_job_s`: how long a job may go untouched before it is taken for abandoned (longer
        than any one job can take: fetching the page, then the article's whole deadline).
        `retention_s`: what is older than this and finished is deleted, once an hour."""
        self.store = store
        self.deliveries = deliveries
        self.runner = runner
        self.stale_job_s = stale_job_s
        self.retention_s = retention_s
        self.lease_s = lease_s
        self._next_prune = 0.0  # time.monotonic() value
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.holding = False
        self._resume_pending = False  # the unfinished jobs are resumed once the duties are taken
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def for_settings(cls, store: SqlStore, deliveries: Deliveries, runner: JobRunner, settings: Settings) -> Duties:
        """A job is abandoned once untouched for longer than any job can take: fetching its page, then
        the article's whole deadline, and a margin."""
        return cls(
            store,
            deliveries,
            runner,
            stale_job_s=settings.fetch_timeout_s + settings.deadline_s + 30,
            retention_s=settings.retention_days * 86400 if settings.retention_days else None,
        )

    async def start(self) -> None:
        """Try for the lease now (a lone process starts its duties before it serves), then keep at it."""
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
            with contextlib.suppress(Exception):  # unreleased, it expires: the next holder waits a little
                await self.store.release_lease(LEASE, self.holder)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 3)
            await self._tick()

    async def _tick(self) -> None:
        """Never raises: a failing store pauses the duties until it answers again."""
        try:
            held = await self._hold()
        except Exception:
            log.exception("could not renew the background-duties lease; pausing deliveries")
            held = False  # unproven: another process may take the duties once the lease expires
        try:
            if held and not self.holding:
                self.holding, self._resume_pending = True, True
                await self.deliveries.start()
                log.info("this process now sends the deliveries and resumes unfinished jobs")
            elif not held and self.holding:
                self.holding = False
                await self.deliveries.stop()
                log.warning("another process holds the background duties now")
            if self.holding and self._resume_pending:
                resumed = await self.runner.resume()
                self._resume_pending = False
                log.info("%d unfinished jobs resumed", resumed)
            elif self.holding and (abandoned := await self.runner.resume(untouched_for_s=self.stale_job_s)):
                log.warning("%d jobs left unfinished by a stopped worker are running again", abandoned)
            if self.holding and self.retention_s is not None and time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + PRUNE_EVERY_S
                removed = await self.store.prune(before=time.time() - self.retention_s)
                if any(removed.values()):
                    log.info("retention: deleted %s", ", ".join(f"{n} {what}" for what, n in removed.items() if n))
        except Exception:
            log.exception("background duties: the store failed; trying again in %.0f s", self.lease_s / 3)

    async def _hold(self) -> bool:
        if await self.store.hold_lease(LEASE, self.holder, self.lease_s):
            return True
        gone = _gone_local_process(await self.store.lease_holder(LEASE))
        return gone is not None and await self.store.hold_lease(LEASE, self.holder, self.lease_s, take_from=gone)


def _gone_local_process(holder: str | None) -> str | None:
    """`holder` when it names a process of this host that no longer exists."""
    if holder is None:
        return None
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return holder
    except PermissionError:  # it exists, under another user
        return None
    return None
