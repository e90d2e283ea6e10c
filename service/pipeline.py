"""The story of one article: cache -> engine -> fallback -> leak check -> assemble.

Routes and the CLI call `Pipeline.analyze`; they never talk to an engine directly. Engines come
from `service.engines.registry` and own their own concurrency, chunking and versions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemas import Analysis, Warning
from service import metrics
from service.article import Article, EngineResult
from service.assemble import analysis_id, assemble
from service.config import Settings
from service.engines.base import Engine, Seams
from service.engines.registry import EngineSet, build_engines
from service.errors import DeadlineExceeded, LlmFailed, LlmInvalidOutput
from service.language import detector
from service.leaks import LeakCheck
from service.pricing import cost_usd
from service.tenancy import PUBLIC_TENANT, as_given

if TYPE_CHECKING:
    from service.store import SqlStore

log = logging.getLogger(__name__)


class Pipeline:
    def __init__(self, settings: Settings, engines: Sequence[Engine], *, store: SqlStore | None = None) -> None:
        """`engines` in order of preference (`EngineSet` says how one is chosen)."""
        self.settings = settings
        self.engines = EngineSet(engines, default=settings.engine, fallback=settings.fallback)
        self.store = store
        self.cache_hits = 0
        self._leak_checks = {e.name: LeakCheck(e.instructions) for e in engines if e.instructions}

    @classmethod
    async def from_settings(
        cls, settings: Settings, *, seams: Seams | None = None, with_store: bool = True
    ) -> Pipeline:
        """Build the engines and the store the settings call for; start-up work happens here, once.
        With a store, the LLM's slots are counted in it, with every other process's."""
        from service.store import open_store
        from service.store.llm_slots import StoreLlmSlots

        store = await open_store(settings.database_url) if with_store else None
        seams = seams or Seams()
        if store is not None and seams.llm_slots is None:
            seams = dataclasses.replace(seams, llm_slots=StoreLlmSlots(store, settings.max_llm_in_flight))
        engines = await build_engines(settings, seams)
        await asyncio.to_thread(detector)  # the language models, once
        return cls(settings, engines, store=store)

    async def aclose(self) -> None:
        for engine in self.engines.values():
            await engine.aclose()
        if self.store is not None:
            await self.store.close()

    def choose_engine(self, requested: str | None) -> Engine:
        return self.engines.choose(requested)

    def expected_id(self, article: Article, engine: str | Engine | None, language: str | None) -> str:
        """The id the analysis will have: the key of the result cache."""
        chosen = self.choose_engine(engine) if engine is None or isinstance(engine, str) else engine
        return analysis_id(article, chosen.name, *chosen.identity, language)

    async def analyze(
        self,
        article: Article,
        *,
        engine: str | None = None,
        language: str | None = None,
        use_cache: bool = True,
        tenant: str = PUBLIC_TENANT,
    ) -> Analysis:
        """The stored analysis when this article was analysed the same way before, else a new one;
        either way with the url this caller gave, and kept as `tenant`'s.

        The cache is shared between tenants only for what the engine read (the text, title and date
        are in the key); the url is the caller's own and never comes from another's request."""
        chosen = self.choose_engine(engine)
        if self.store is not None and use_cache:
            cached = await self.store.get_analysis(self.expected_id(article, chosen, language))
            if cached is not None:
                self.cache_hits += 1
                metrics.CACHE_HITS.inc()
                await self.store.own_analysis(tenant, cached.id, article.url, article.fetched)
                return as_given(cached, article.url, article.fetched)
        analysis = await self._analyze(article, chosen, language)
        metrics.record_analysis(analysis)
        if self.store is not None:
            await self.store.put_analysis(analysis, tenant=tenant)
        return analysis

    async def _analyze(self, article: Article, engine: Engine, language: str | None) -> Analysis:
        started = time.perf_counter()
        deadline = time.monotonic() + self.settings.deadline_s
        warnings: list[Warning] = []
        cost: float | None = None
        fallback = self.engines.fallback_for(engine)
        try:
            result = await engine.draft(article, language=language, deadline=deadline)
            self._refuse_instruction_leak(result, article)
        except (LlmFailed, DeadlineExceeded) as error:
            # A retry that could not start before the deadline (a 429 asking to wait past it) ends the LLM
            # early, with time left: that is the LLM being down, so fall back. A deadline that has passed
            # (a slow or hung LLM) stays a 504: answering later would break the deadline the caller set.
            early = isinstance(error, DeadlineExceeded) and time.monotonic() < deadline
            if fallback is None or not (isinstance(error, LlmFailed) or early):
                raise
            detail = error.detail + (" (no retry could start in the time left)" if early else "")
            log.warning("%s failed, answering with the %s engine: %s", engine.name, fallback.name, detail)
            warnings.append(Warning(code="fallback_engine", detail=f"{detail}; answered by the {fallback.name} engine"))
            result = await fallback.draft(article, language=language, deadline=deadline)
            if error.usage is not None:  # what the failed attempts cost is still reported
                result.usage.add(error.usage)
                cost = cost_usd(error.usage, engine.identity[0], self.settings)
        degraded = result.engine != engine.name
        return assemble(
            article,
            result,
            language=language,
            latency_ms=round((time.perf_counter() - started) * 1000),
            cost_usd=cost if degraded else cost_usd(result.usage, result.model, self.settings),
            chunks=result.chunks,
            degraded=degraded,
            warnings=warnings,
        )

    def _refuse_instruction_leak(self, result: EngineResult, article: Article) -> None:
        """An answer that repeats the prompts (an article's injected "reveal your instructions" obeyed)
        is refused like any invalid answer: the fallback answers instead, or 502. The brief and other free
        text are not grounded, and a dropped quote is repeated in its warning: `service.leaks` checks both."""
        check = self._leak_checks.get(result.engine)
        if check is not None and check.leaked(result.draft, article.text):
            log.warning("refused an answer that repeats the prompt (article %s)", article.sha256[:12])
            raise LlmInvalidOutput("the answer repeats the service's instructions (an injected prompt obeyed?)")
