"""`wirebrief worker`: a process that works off the PostgreSQL queue (jobs, deliveries, queued
batches) and serves no HTTP; start any number, on any machine with the database URL."""

from __future__ import annotations

import asyncio
import logging
import signal

from service.background.duties import Background
from service.config import Settings
from service.errors import WirebriefError
from service.pipeline import Pipeline
from service.store import is_postgres

log = logging.getLogger(__name__)


class NeedsPostgres(WirebriefError):
    type = "needs-postgresql"
    title = "This needs PostgreSQL"
    status = 400


def needs_postgres(settings: Settings, what: str) -> None:
    if not is_postgres(settings.database_url):
        raise NeedsPostgres(
            f"{what} works on PostgreSQL (WIREBRIEF_DATABASE_URL=postgresql+psycopg://…); "
            "on SQLite, `wirebrief serve` does the background work itself"
        )


async def run_worker(settings: Settings) -> None:
    """Until SIGINT or SIGTERM: the jobs it was running then go back to the queue for another worker."""
    needs_postgres(settings, "wirebrief worker")
    pipeline = await Pipeline.from_settings(settings)
    assert pipeline.store is not None, "from_settings opens the store"
    background = await Background.open(pipeline, pipeline.store, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await background.start()
        log.info("working off the queue; Ctrl-C or SIGTERM to stop")
        await stop.wait()
        log.info("stopping: what is running goes back to the queue")
    finally:
        await background.stop()
        await pipeline.aclose()
