"""The rules engine as the pipeline sees it: one worker thread, a bounded queue, long articles in
chunks, and the version that keys its cached results."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from schemas import Draft, Warning
from service import metrics
from service.article import Article, EngineResult
from service.chunking import split
from service.errors import Overloaded
from service.language import language_name
from service.merge import merge_drafts

if TYPE_CHECKING:
    from service.config import Settings

RULES_MODEL = "spacy/en_core_web_sm-3.8.0"
RULES_VERSION = "rules@10"  # bump when the rules change what they find: cached results then miss


class Reader(Protocol):
    def draft(self, article: Article) -> Draft: ...


class RulesEngine:
    name = "rules"
    offline = True
    identity = (RULES_MODEL, RULES_VERSION)
    instructions: tuple[str, ...] = ()

    @property
    def details(self) -> dict[str, str]:
        return {"model": RULES_MODEL, "version": RULES_VERSION}

    def __init__(self, settings: Settings, reader: Reader | None = None) -> None:
        self._chunk_tokens = settings.chunk_tokens
        self._overlap_tokens = settings.chunk_overlap_tokens
        self._max_queue = settings.max_rules_queue
        self._reader = reader
        self._loading = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None
        self._queued = 0

    def load(self) -> Reader:
        """spaCy's pipeline and the reader, once (blocking: call it off the event loop)."""
        with self._loading:
            if self._reader is None:
                from service.engines.rules.reader import RulesReader, load

                load()
                self._reader = RulesReader()
            return self._reader

    async def draft(self, article: Article, *, language: str | None, deadline: float) -> EngineResult:
        """The rules take a fraction of a second and cannot be interrupted: the bound is the queue, not
        the deadline. Past `max_rules_queue` articles waiting, 503 with when to come back."""
        if self._queued >= self._max_queue:
            # One thread runs the rules (spaCy is CPU-bound and not thread-safe): a flood, or every
            # request falling back during an LLM outage, waits here at most this deep.
            metrics.OVERLOADED.inc()
            raise Overloaded(
                f"{self._queued} articles are already waiting for the rules engine; retry shortly",
                retry_after=1 + self._queued // 10,
            )
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rules")
        self._queued += 1
        try:
            draft, chunks = await asyncio.get_running_loop().run_in_executor(self._worker, self._read, article)
        finally:
            self._queued -= 1
        result = EngineResult(draft=draft, engine=self.name, model=RULES_MODEL, prompt=RULES_VERSION, chunks=chunks)
        if article.language and article.language != "en":
            result.warnings.append(
                Warning(
                    code="language_not_supported",
                    detail=f"the rules engine has no pipeline for {language_name(article.language)} "
                    f"({article.language}): it gives an extractive brief only, no actors or commitments; "
                    "configure an LLM for a full analysis",
                )
            )
        return result

    def _read(self, article: Article) -> tuple[Draft, int]:
        """In the worker thread: chunk by chunk for a long article; its brief comes from the lead."""
        reader = self.load()
        chunks = split(article.text, self._chunk_tokens, self._overlap_tokens)
        if len(chunks) == 1:
            return reader.draft(article), 1
        drafts = [reader.draft(article.part(chunk.text)) for chunk in chunks]
        return merge_drafts(drafts, brief=drafts[0].brief), len(chunks)

    async def aclose(self) -> None:
        """The thread ends; a later article starts a new one (the engine may serve several apps)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=False)
