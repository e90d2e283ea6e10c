"""`wirebrief batch --queue`: the articles become jobs on the PostgreSQL queue, `wirebrief worker`s
(and replicas) on any machine work them off, and this command writes one output line per input as
the results arrive.

Each article's job id derives from the output file and the input's id, so a second run of the same
command finds the jobs of the first: those finished are written at once, those still queued or
running are waited for, and nothing is queued twice. Stopping this command (Ctrl-C) stops only the
waiting: the workers go on, and the next run collects what they finished meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any

from service.background.queue import JobQueue
from service.batch.inputs import BatchItem
from service.batch.progress import Reporter, Tally
from service.batch.runner import BatchRunner
from service.store import JobRecord, SqlStore
from service.tenancy import PUBLIC_TENANT

POLL_S = 0.5
ADD_CHUNK = 500


def batch_job_id(output_key: str, item: BatchItem) -> str:
    """The same output, input id and request always give the same job (a second run finds it); a
    different article under the same path and id (another machine, another user) gets its own."""
    request = item.request.model_dump_json() if item.request is not None else ""
    return "job_b" + hashlib.sha256(f"{output_key}\0{item.id}\0{request}".encode()).hexdigest()[:31]


class QueuedBatch:
    def __init__(self, runner: BatchRunner, store: SqlStore, queue: JobQueue, *, retry_failed: bool) -> None:
        self.runner = runner  # writes the lines (and sends the webhooks) as a batch run here does
        self.store = store
        self.queue = queue
        self.retry_failed = retry_failed
        self._output_key = str(runner.output.path.resolve())

    async def run(self, items: Sequence[BatchItem], tally: Tally, reporter: Reporter) -> None:
        tally.total = len(items)
        waiting: dict[str, BatchItem] = {}  # job id -> its input
        taken: set[str] = set()  # input ids: one line each, as a batch run here writes
        for item in items:
            if self.runner.output.seen(item.id) or item.id in taken:
                tally.skipped += 1
            elif item.error is not None:
                self.runner.fail(item, *item.error, tally)
            else:
                waiting[batch_job_id(self._output_key, item)] = item
            taken.add(item.id)
        reporter.update()
        await self._enqueue(waiting)
        while waiting and not self.runner.stop.is_set():
            for chunk in _chunks(list(waiting), ADD_CHUNK):
                for job in await self.store.jobs_by_id(chunk, finished_only=True):
                    await self._write(waiting.pop(job.id), job, tally)
            reporter.update()
            if waiting:
                await asyncio.sleep(POLL_S)

    async def _enqueue(self, waiting: dict[str, BatchItem]) -> None:
        """Store the jobs this output has not stored yet, then hand every unfinished one to the queue."""
        for chunk in _chunks(list(waiting), ADD_CHUNK):
            await self.store.add_jobs([(job_id, _request(waiting[job_id])) for job_id in chunk])
            if self.retry_failed:
                await self.store.requeue_failed_jobs(chunk)
        unfinished: list[str] = []
        for chunk in _chunks(list(waiting), ADD_CHUNK):
            unfinished += [job.id for job in await self.store.jobs_by_id(chunk) if job.state in ("queued", "running")]
        await self.queue.jobs_accepted(unfinished)

    async def _write(self, item: BatchItem, job: JobRecord, tally: Tally) -> None:
        analysis = await self.store.get_analysis(job.analysis_id) if job.state == "done" and job.analysis_id else None
        if analysis is not None:
            await self.runner.succeed(item, analysis, tally)
            return
        error = job.error or {"type": "urn:wirebrief:problem:internal", "detail": "its result is no longer stored"}
        kind = str(error.get("type", "internal")).rpartition(":")[2]
        self.runner.fail(item, kind, str(error.get("detail", "")), tally)


def _request(item: BatchItem) -> dict[str, Any]:
    assert item.request is not None, "items with an input error are written at once"
    return {"tenant": PUBLIC_TENANT, "brief": item.request.model_dump(mode="json"), "batch": True}


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]
