"""Running a batch: every input through the same pipeline, settings and store as the service."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from schemas import Analysis
from service.batch.inputs import BatchItem
from service.batch.output import Output, line_id
from service.batch.pacing import AdaptiveLimit
from service.batch.progress import Reporter, Tally
from service.delivery import BRIEF_COMPLETED, Deliveries
from service.errors import WirebriefError
from service.ingest import ingest
from service.pipeline import Pipeline

log = logging.getLogger(__name__)


class BatchRunner:
    def __init__(
        self,
        pipeline: Pipeline,
        output: Output,
        *,
        limit: AdaptiveLimit,
        deliveries: Deliveries | None = None,
        webhook_url: str | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.stop = stop or asyncio.Event()  # set by Ctrl-C: no article starts after it
        self.pipeline = pipeline
        self.output = output
        self.limit = limit  # the LLM engine tells it of 429s (`Seams.on_rate_limited`)
        self.deliveries = deliveries
        self.webhook_url = webhook_url
        self.delivery_ids: list[str] = []

    async def run(self, items: Sequence[BatchItem], tally: Tally, reporter: Reporter) -> None:
        """Process what the output does not hold yet; in-flight articles are cancelled on Ctrl-C."""
        pending: set[asyncio.Task[None]] = set()
        tally.total = len(items)
        queued: set[str] = set()
        try:
            for item in items:
                if self.output.seen(item.id) or item.id in queued:
                    tally.skipped += 1
                    continue
                queued.add(item.id)
                await self.limit.acquire()
                if self.stop.is_set():
                    await self.limit.release(False)
                    break
                task = asyncio.create_task(self._one(item, tally, reporter))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.gather(*pending)
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _one(self, item: BatchItem, tally: Tally, reporter: Reporter) -> None:
        succeeded = False
        try:
            if item.error is not None:
                self.fail(item, *item.error, tally)
                return
            assert item.request is not None
            try:
                article = await ingest(item.request, self.pipeline.settings)
                analysis = await self.pipeline.analyze(
                    article, engine=item.request.options.engine, language=item.request.options.language
                )
            except WirebriefError as error:
                self.fail(item, error.type, error.detail, tally)
                return
            except Exception as error:  # one bad article must not stop three thousand
                log.error("batch item %s failed unexpectedly: %r", item.source, error)
                self.fail(item, "internal", f"{type(error).__name__}: {error}", tally)
                return
            await self.succeed(item, analysis, tally)
            succeeded = True
        finally:
            await self.limit.release(succeeded)
            reporter.update()

    async def succeed(self, item: BatchItem, analysis: Analysis, tally: Tally) -> None:
        """The item's line, its share of the tally, and its webhook."""
        analysis = analysis.model_copy(update={"input_id": item.id})
        self.output.write(analysis.model_dump_json())
        tally.done += 1
        usage = analysis.provenance.usage
        tally.input_tokens += usage.input_tokens
        tally.output_tokens += usage.output_tokens
        tally.cost_usd += analysis.provenance.cost_usd or 0.0
        await self._deliver(item.id, analysis.model_dump(mode="json"))

    async def deliver_done(self, records: list[dict[str, Any]]) -> None:
        """The webhooks of articles an earlier run finished: already delivered ones are not sent
        again (same id), the rest are (a run killed between writing a line and enqueueing its
        webhook, or before the receiver took it)."""
        for record in records:
            if "error" not in record and (item_id := line_id(record)) is not None:
                await self._deliver(item_id, record)
        if self.deliveries is not None:  # running the command again is asking to try again now
            await self.deliveries.retry_now(self.delivery_ids)

    async def _deliver(self, item_id: str, analysis: dict[str, Any]) -> None:
        if self.deliveries is None or not self.webhook_url:
            return
        # One id per output file, input and target: a resumed run enqueues nothing twice.
        key = f"{self.output.path.resolve()}\0{item_id}\0{self.webhook_url}"
        message_id = "msg_" + hashlib.sha256(key.encode()).hexdigest()[:26]
        data = {"input_id": item_id, "analysis": analysis}
        self.delivery_ids.append(
            await self.deliveries.enqueue_webhook(self.webhook_url, BRIEF_COMPLETED, data, delivery_id=message_id)
        )

    def fail(self, item: BatchItem, kind: str, detail: str, tally: Tally) -> None:
        self.output.write({"id": item.id, "error": {"type": kind, "detail": detail}, "source": item.source})
        tally.failed += 1
        tally.failures[kind] = tally.failures.get(kind, 0) + 1
