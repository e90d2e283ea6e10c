"""The background duties of one process, put together for its database (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from service.background.one_machine import OneMachineDuties
from service.config import Settings
from service.delivery import Deliveries
from service.jobs import JobRunner
from service.pipeline import Pipeline
from service.store import SqlStore, is_postgres

if TYPE_CHECKING:
    from service.background.queue import JobQueue


class _Duty(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Background:
    """The job runner and deliveries the routes hand work to, and what works it off in this process."""

    runner: JobRunner
    deliveries: Deliveries
    duty: _Duty
    queue: JobQueue | None  # PostgreSQL's; procrastinate is imported only then

    @classmethod
    async def open(cls, pipeline: Pipeline, store: SqlStore, settings: Settings) -> Background:
        """On PostgreSQL, the queue (its pool opened now); on SQLite, the one-machine duties."""
        if not is_postgres(store.url):
            deliveries = Deliveries(store, settings)
            runner = JobRunner(pipeline, store, deliveries, public_base_url=settings.public_base_url)
            return cls(runner, deliveries, OneMachineDuties.for_settings(store, deliveries, runner, settings), None)
        from service.background.queue import JobQueue, QueueWorker

        queue = JobQueue(store.url)
        await queue.open()
        deliveries = Deliveries(store, settings, queue=queue)
        runner = JobRunner(pipeline, store, deliveries, public_base_url=settings.public_base_url, queue=queue)
        return cls(runner, deliveries, QueueWorker.for_settings(queue, store, runner, deliveries, settings), queue)

    async def start(self) -> None:
        await self.duty.start()

    async def stop(self) -> None:
        """The jobs this process runs itself, then its duties, then the queue's pool."""
        await self.runner.stop()
        await self.duty.stop()
        if self.queue is not None:
            await self.queue.close()


async def hand_over_unsettled(deliveries: Deliveries, store: SqlStore) -> int:
    """What a command-line run enqueued and could not settle before it ends goes, on PostgreSQL, to
    the fleet's queue, for a replica or worker to finish; on SQLite it stays in the store, where a
    service's duties find it. Returns how many were handed over."""
    from service.background.queue import JobQueue

    if not is_postgres(store.url):
        return 0
    async with JobQueue.opened(store.url, pool_size=1) as queue:
        return await deliveries.hand_over_pending(queue)
