"""The batch command's whole run: open the pipeline and the output, run, write table and report."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from service.background.duties import hand_over_unsettled
from service.background.worker_process import needs_postgres
from service.batch.inputs import BatchItem, read_inputs
from service.batch.output import Output, read_records
from service.batch.pacing import AdaptiveLimit
from service.batch.progress import Reporter, Tally
from service.batch.report import results, write_report, write_table
from service.batch.runner import BatchRunner
from service.config import get_settings
from service.delivery import Deliveries
from service.engines.base import Seams
from service.netguard import check_url
from service.pipeline import Pipeline
from service.store import SqlStore

if TYPE_CHECKING:
    from service.batch.provider import ProviderBatchOptions


async def run_batch(
    inputs: list[str],
    output_path: Path,
    *,
    concurrency: int,
    table: Path | None = None,
    report: Path | None = None,
    retry_failed: bool = False,
    engine: str | None = None,
    webhook: str | None = None,
    quiet: bool = False,
    provider_batch: ProviderBatchOptions | None = None,
    queued: bool = False,
) -> Tally:
    """`queued`: the articles go to the PostgreSQL queue, for `wirebrief worker`s to analyse."""
    settings = get_settings()
    if queued:
        needs_postgres(settings, "wirebrief batch --queue")
    if webhook:
        await check_url(webhook, settings.allow_list)
    items = list(read_inputs(inputs))
    if engine:
        for item in items:
            if item.request is not None:
                item.request.options.engine = engine
    output = Output(output_path, retry_failed=retry_failed)
    limit = AdaptiveLimit(concurrency)
    prefill = None
    if provider_batch is not None:  # batch answers are served beneath the LLM's retries
        from service.batch.provider.transports import PrefilledTransport
        from service.engines.llm.engine import default_transport

        prefill = PrefilledTransport(default_transport(settings))
    settings = settings.model_copy(update={"max_rules_queue": max(settings.max_rules_queue, concurrency)})
    seams = Seams(transport=prefill, on_rate_limited=limit.on_rate_limited, defer_loading=True)
    pipeline = await Pipeline.from_settings(settings, seams=seams)  # spaCy loads only if an article needs it
    deliveries = None
    started = time.monotonic()
    tally = Tally()  # its clock starts again when the first article does
    stop = asyncio.Event()
    try:
        if webhook and pipeline.store is not None:
            deliveries = Deliveries(pipeline.store, settings, own_only=True)
            await deliveries.start()
        runner = BatchRunner(pipeline, output, limit=limit, deliveries=deliveries, webhook_url=webhook, stop=stop)
        await runner.deliver_done(read_records(output_path))
        output.open()
        tally.started = time.monotonic()
        try:
            with Reporter(tally, quiet=quiet) as reporter, _interrupt_sets(stop):
                if queued:
                    assert pipeline.store is not None, "PostgreSQL, checked above"
                    await _run_queued(items, runner, pipeline.store, tally, reporter, retry_failed=retry_failed)
                elif provider_batch is not None and prefill is not None:  # the Batch API first, then live
                    from service.batch.provider import run_with_provider_batch

                    await run_with_provider_batch(items, runner, provider_batch, tally, reporter, prefill=prefill)
                else:
                    await runner.run(items, tally, reporter)
        finally:
            output.close()
        if deliveries is not None:
            await deliveries.drain(runner.delivery_ids, timeout_s=settings.webhook_timeout_s * 3 + 30)
    finally:
        try:
            if deliveries is not None:
                await deliveries.stop()
                if pipeline.store is not None:
                    await hand_over_unsettled(deliveries, pipeline.store)
            await pipeline.aclose()
        finally:  # interrupted or not: the table and report of what is done
            records = read_records(output_path)
            if table is not None:
                write_table(table, results(records))
            if report is not None:
                write_report(report, records, tally, time.monotonic() - started)
    if stop.is_set():
        raise KeyboardInterrupt  # the command exits 130: run it again to resume
    return tally


async def _run_queued(
    items: list[BatchItem],
    runner: BatchRunner,
    store: SqlStore,
    tally: Tally,
    reporter: Reporter,
    *,
    retry_failed: bool,
) -> None:
    from service.background.queue import JobQueue
    from service.batch.queued import QueuedBatch

    async with JobQueue.opened(store.url, pool_size=2) as queue:
        await QueuedBatch(runner, store, queue, retry_failed=retry_failed).run(items, tally, reporter)


@contextlib.contextmanager
def _interrupt_sets(stop: asyncio.Event) -> Iterator[None]:
    """Ctrl-C cancels the run, as asyncio's own handler does, and also sets `stop`: no article starts
    after it even where the cancellation is absorbed on its way, and the command ends as interrupted
    (exit 130) with the table and report written for what is done."""
    loop, task = asyncio.get_running_loop(), asyncio.current_task()

    def interrupt() -> None:
        stop.set()
        if task is not None:
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, interrupt)
    except (NotImplementedError, RuntimeError):  # no signal handlers here (Windows, a thread): asyncio's
        yield
        return
    try:
        yield
    except asyncio.CancelledError:
        if stop.is_set():
            raise KeyboardInterrupt from None  # through the finally blocks that write what is done
        raise
    finally:
        loop.remove_signal_handler(signal.SIGINT)
