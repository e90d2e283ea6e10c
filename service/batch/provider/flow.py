"""A batch run through the provider's Batch API: plan, submit (or resume), poll, apply, then live.

Every input still gives exactly one output line: answers from the provider batch go through the
runner (the live path with the first call answered from the batch), and whatever the batch did
not answer (expired, cancelled, failed, an error line, a long or cached article) goes through the
runner as usual. A re-run skips what the output holds and resumes batches already submitted.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2
from openai.types import Batch

from service.batch.inputs import BatchItem
from service.batch.output import Output
from service.batch.progress import Reporter, Tally
from service.batch.provider.client import BatchClient, ProviderBatchFailed
from service.batch.provider.plan import Plan, groups, input_file, plan_requests
from service.batch.provider.results import BatchResults
from service.batch.provider.state import BatchState, SubmittedBatch, state_path
from service.batch.provider.transports import PrefilledTransport
from service.batch.runner import BatchRunner
from service.config import Settings
from service.errors import EngineUnavailable

MAX_REQUESTS = 50_000  # the Batch API's limits per input file
MAX_BYTES = 190_000_000  # under its 200 MB, with room to spare


@dataclass(frozen=True)
class ProviderBatchOptions:
    poll_interval_s: float = 30.0
    transport: httpx2.AsyncBaseTransport | None = None  # the provider's HTTP transport; tests pass a fake provider
    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES
    apply_slice: int = 500  # batch answers held in memory at once while they are applied


def provider_batch_problem(settings: Settings, engine: str | None) -> str | None:
    """Why `--provider-batch` cannot run with these settings, or None."""
    if (engine or settings.engine) == "rules":
        return "--provider-batch sends the articles to the LLM; it cannot run with the rules engine"
    if not settings.llm_configured:
        return "--provider-batch needs a model: set OPENAI_API_KEY (and OPENAI_BASE_URL for other providers)"
    return None


async def run_with_provider_batch(
    items: Sequence[BatchItem],
    runner: BatchRunner,
    options: ProviderBatchOptions,
    tally: Tally,
    reporter: Reporter,
    *,
    prefill: PrefilledTransport,
) -> None:
    """`prefill` must be the transport the pipeline's LLM engine was built on (`Seams.transport`):
    batch answers are served through it, beneath the retries, and counted like live ones."""
    pipeline, output = runner.pipeline, runner.output
    if "llm" not in pipeline.engines:
        raise EngineUnavailable("--provider-batch needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL")
    say = _Say(reporter)
    fresh = _fresh(items, output)
    plan = await plan_requests(fresh, pipeline, concurrency=runner.limit.maximum)
    say(f"{len(plan.requests)} requests for the provider batch, {len(plan.live)} articles for the live path")
    state = BatchState.load(state_path(output.path))
    client = BatchClient(pipeline.settings, options.transport)
    handled: set[str] = set()
    try:
        await _submit(client, plan, state, options, output.path, say)
        for submitted in list(state.batches):
            handled |= await _collect(client, submitted, plan, state, prefill, runner, options, tally, reporter, say)
    finally:
        prefill.load({})
        await client.aclose()
    live = [item for item in fresh if item.id not in handled]
    if live:
        say(f"{len(live)} articles through the live path")
    await runner.run(live, tally, reporter)
    tally.total = len(items)
    tally.skipped = len(items) - len(fresh)


def _fresh(items: Sequence[BatchItem], output: Output) -> list[BatchItem]:
    """The items this run must answer: not in the output yet, each id once."""
    seen: set[str] = set()
    fresh = []
    for item in items:
        if not output.seen(item.id) and item.id not in seen:
            seen.add(item.id)
            fresh.append(item)
    return fresh


async def _submit(
    client: BatchClient, plan: Plan, state: BatchState, options: ProviderBatchOptions, output: Path, say: _Say
) -> None:
    """One provider batch per input file for the requests no batch of an earlier run covers."""
    covered = state.covered()
    pending = [planned for cid, planned in plan.requests.items() if cid not in covered]
    for group in groups(pending, max_requests=options.max_requests, max_bytes=options.max_bytes):
        number = len(state.batches) + 1
        metadata = {"wirebrief_output": output.name[:500], "wirebrief_requests": str(len(group))}
        batch = await client.submit(input_file(group), name=f"{output.stem}.batch-{number}.jsonl", metadata=metadata)
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        state.add(SubmittedBatch(batch.id, batch.input_file_id, [p.custom_id for p in group], now))
        say(f"provider batch {batch.id} created with {len(group)} requests (id kept in {state.path.name})")


async def _collect(
    client: BatchClient,
    submitted: SubmittedBatch,
    plan: Plan,
    state: BatchState,
    prefill: PrefilledTransport,
    runner: BatchRunner,
    options: ProviderBatchOptions,
    tally: Tally,
    reporter: Reporter,
    say: _Say,
) -> set[str]:
    """Wait for one batch and run its answered articles through the runner; returns their ids."""
    wanted = [cid for cid in submitted.custom_ids if cid in plan.requests]
    if not wanted:
        say(f"provider batch {submitted.id}: none of its requests is still pending (answered, or the prompt, "
            "model or inputs changed since); forgotten")  # fmt: skip
        state.drop(submitted.id)
        return set()
    results = BatchResults()
    try:
        batch = await client.wait(submitted.id, interval_s=options.poll_interval_s, on_update=say.progress)
        results.read(await client.download(batch.output_file_id))
        results.read(await client.download(batch.error_file_id))
    except ProviderBatchFailed as error:
        hint = f"run the same command again to resume it, or delete {state.path} to forget it"
        raise ProviderBatchFailed(f"{error.detail}; {hint}") from error
    answered = [cid for cid in wanted if cid in results.answers]
    say(_summary(batch, len(answered), len(wanted), results))
    handled: set[str] = set()
    for start in range(0, len(answered), options.apply_slice):
        part = answered[start : start + options.apply_slice]
        prefill.load({plan.requests[cid].fingerprint: results.answers[cid] for cid in part})
        items = plan.items_of(part)
        await runner.run(items, tally, reporter)
        handled.update(item.id for item in items)
    prefill.load({})
    state.drop(submitted.id)
    return handled


def _summary(batch: Batch, answered: int, wanted: int, results: BatchResults) -> str:
    reasons: dict[str, int] = {}
    for reason in results.failures.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    why = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    line = f"provider batch {batch.id} {batch.status}: {answered} of {wanted} requests answered"
    if answered < wanted:
        line += f"; the rest go through the live path ({why or 'no result'})"
    if batch.status == "failed" and batch.errors and batch.errors.data:
        line += f"; the provider said: {batch.errors.data[0].message}"
    if results.unreadable:
        line += f"; {results.unreadable} unreadable result lines"
    return line


class _Say:
    """Progress lines on stderr (the provider's request counts while it works), unless quiet."""

    def __init__(self, reporter: Reporter) -> None:
        self.quiet = reporter.quiet
        self._last: tuple[object, ...] | None = None

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"wirebrief batch: {message}", file=sys.stderr, flush=True)

    def progress(self, batch: Batch) -> None:
        counts = batch.request_counts
        done, failed, total = (counts.completed, counts.failed, counts.total) if counts else (0, 0, 0)
        key = (batch.id, batch.status, done, failed, total)
        if key != self._last:
            self._last = key
            self(f"provider batch {batch.id} {batch.status}: {done}/{total} done, {failed} failed")
