"""Which articles go to the provider batch, and the exact request each one sends.

The request is not rebuilt by hand: the real pipeline runs over the article with an engine whose
transport captures the first request and answers nothing, so messages, tools, schema, model and
sampling settings are those of the live call, byte for byte. Identical requests (the same article
asked the same way) are sent once, under a `custom_id` derived from the request itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2

from service.batch.inputs import BatchItem
from service.batch.provider.transports import CapturingTransport, capture_into
from service.chunking import split
from service.engines.llm.engine import LlmEngine
from service.errors import WirebriefError
from service.ingest import ingest
from service.llm.replay import request_fingerprint
from service.pipeline import Pipeline

log = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"


def custom_id(fingerprint: str) -> str:
    """Deterministic: the same request gets the same id in every run, so results match across resumes."""
    return "wb-" + fingerprint[:32]


@dataclass
class PlannedRequest:
    custom_id: str
    fingerprint: str
    body: dict[str, Any]
    items: list[BatchItem] = field(default_factory=list)

    def line(self) -> bytes:
        """One line of the Batch API's input file."""
        record = {"custom_id": self.custom_id, "method": "POST", "url": ENDPOINT, "body": self.body}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


@dataclass
class Plan:
    requests: dict[str, PlannedRequest] = field(default_factory=dict)  # by custom_id
    live: list[BatchItem] = field(default_factory=list)  # rules engine, cached, long, or unusable input

    def items_of(self, custom_ids: Sequence[str]) -> list[BatchItem]:
        return [item for cid in custom_ids if cid in self.requests for item in self.requests[cid].items]


async def plan_requests(items: Sequence[BatchItem], pipeline: Pipeline, *, concurrency: int = 8) -> Plan:
    """The batch request of every item that the live path would answer with a single LLM call."""
    settings = pipeline.settings
    dry_run = Pipeline(settings, [LlmEngine(settings, transport=CapturingTransport())])  # nothing but the request
    slots = asyncio.Semaphore(concurrency)

    async def one(item: BatchItem) -> tuple[BatchItem, httpx2.Request | None]:
        async with slots:
            return item, await _first_request(item, pipeline, dry_run)

    plan = Plan()
    try:
        for item, request in await asyncio.gather(*(one(item) for item in items)):
            if request is None:
                plan.live.append(item)
                continue
            fingerprint = request_fingerprint(request)
            cid = custom_id(fingerprint)
            planned = plan.requests.get(cid)
            if planned is None:
                planned = plan.requests[cid] = PlannedRequest(cid, fingerprint, json.loads(request.content))
            planned.items.append(item)
    finally:
        await dry_run.aclose()
    return plan


async def _first_request(item: BatchItem, pipeline: Pipeline, dry_run: Pipeline) -> httpx2.Request | None:
    """The request the live path sends first for this item; None when it should simply go live."""
    if item.request is None:
        return None  # an unusable input: the runner writes its error line
    options = item.request.options
    try:
        if pipeline.choose_engine(options.engine).name != "llm":
            return None
        article = await ingest(item.request, pipeline.settings)
    except WirebriefError:
        return None  # the runner meets the same error and records it
    settings = pipeline.settings
    if len(split(article.text, settings.chunk_tokens, settings.chunk_overlap_tokens)) > 1:
        return None  # later chunks depend on the first one's answer: long articles go live
    if pipeline.store is not None:
        cached = await pipeline.store.get_analysis(pipeline.expected_id(article, "llm", options.language))
        if cached is not None:
            return None  # the runner answers it from the cache, for free
    captured: list[httpx2.Request] = []
    capture_into(captured)
    with contextlib.suppress(WirebriefError):  # the capturing transport answers nothing: the dry run fails
        await dry_run.analyze(article, engine="llm", language=options.language, use_cache=False)
    if not captured:
        log.warning("no LLM request was captured for %s; it goes through the live path", item.source)
        return None
    return captured[0]


def groups(requests: Sequence[PlannedRequest], *, max_requests: int, max_bytes: int) -> Iterator[list[PlannedRequest]]:
    """The requests split into input files within the Batch API's limits (requests and bytes per file)."""
    group: list[PlannedRequest] = []
    size = 0
    for planned in requests:
        length = len(planned.line())
        if group and (len(group) >= max_requests or size + length > max_bytes):
            yield group
            group, size = [], 0
        group.append(planned)
        size += length
    if group:
        yield group


def input_file(group: Sequence[PlannedRequest]) -> bytes:
    """The JSONL input file of one provider batch."""
    return b"".join(planned.line() for planned in group)
