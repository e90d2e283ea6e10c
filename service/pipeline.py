"""The flow of one article: engine -> grounding -> assemble, with the fallback when the LLM fails.

Routes and the CLI call `Pipeline.analyze`; they never talk to an engine directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from schemas import Analysis, Draft, Usage, Warning
from service import metrics
from service.article import Article
from service.assemble import analysis_id, assemble
from service.chunking import split
from service.config import Settings
from service.engines.base import EngineResult
from service.errors import DeadlineExceeded, EngineUnavailable, LlmFailed, LlmInvalidOutput, Overloaded
from service.language import detector, language_name
from service.leaks import LeakCheck
from service.merge import commitments_digest, merge_drafts
from service.tenancy import PUBLIC_TENANT, with_url

if TYPE_CHECKING:
    from service.engines.deferred import DeferredRules
    from service.engines.llm import LlmEngine
    from service.engines.rules import RulesEngine
    from service.store import SqlStore

log = logging.getLogger(__name__)

EngineName = Literal["llm", "rules"]
RULES_MODEL = "spacy/en_core_web_sm-3.8.0"
RULES_VERSION = "rules@5"  # bump when the rules change what they find: cached results then miss


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        *,
        llm: LlmEngine | None = None,
        rules: RulesEngine | DeferredRules | None = None,
        store: SqlStore | None = None,
    ) -> None:
        self.settings = settings
        self.llm = llm
        self.rules = rules
        self.store = store
        self.cache_hits = 0
        self._leak_check: LeakCheck | None = None
        self._llm_slots = asyncio.Semaphore(settings.max_llm_in_flight)
        # spaCy is CPU-bound and not thread-safe: one worker keeps the event loop free.
        self._rules_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rules")
        self._rules_queued = 0
        self.max_rules_queue = settings.max_rules_queue

    @classmethod
    async def from_settings(cls, settings: Settings, *, with_store: bool = True, defer_rules: bool = False) -> Pipeline:
        """Build the engines and the store the settings call for; start-up work happens here, once.

        `defer_rules` imports the rules engine only if it is needed (a batch on the LLM); the
        service loads it at start-up instead, so the first request does not wait for spaCy."""
        from service.store import open_store

        llm = None
        if settings.engine != "rules" and (settings.llm_configured or settings.engine == "llm"):
            from service.engines.llm import LlmEngine

            llm = LlmEngine(settings)
        if defer_rules and llm is not None:
            from service.engines.deferred import DeferredRules

            rules: RulesEngine | DeferredRules = DeferredRules()
        else:
            from service.engines.rules import RulesEngine, load

            rules = RulesEngine()
            await asyncio.get_running_loop().run_in_executor(None, load)  # the spaCy pipeline, once
        await asyncio.get_running_loop().run_in_executor(None, detector)  # the language models, once
        store = await open_store(settings.database_url) if with_store else None
        return cls(settings, llm=llm, rules=rules, store=store)

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
        if self.store is not None:
            await self.store.close()
        self._rules_worker.shutdown(wait=False)

    def choose_engine(self, requested: str | None) -> EngineName:
        wanted = requested or self.settings.engine
        if wanted == "rules":
            return "rules"
        if wanted == "llm":
            if self.llm is None:
                raise EngineUnavailable("no LLM is configured: set OPENAI_API_KEY or OPENAI_BASE_URL")
            return "llm"
        return "llm" if self.llm is not None else "rules"

    def expected_id(self, article: Article, choice: EngineName, language: str | None) -> str:
        """The id the analysis will have: the key of the result cache."""
        if choice == "llm" and self.llm is not None:
            return analysis_id(article, "llm", self.llm.model, self.llm.prompt.identity, language)
        return analysis_id(article, "rules", RULES_MODEL, RULES_VERSION, language)

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
        choice = self.choose_engine(engine)
        if self.store is not None and use_cache:
            cached = await self.store.get_analysis(self.expected_id(article, choice, language))
            if cached is not None:
                self.cache_hits += 1
                metrics.CACHE_HITS.inc()
                await self.store.own_analysis(tenant, cached.id, article.url)
                return with_url(cached, article.url)
        analysis = await self._analyze(article, choice, language)
        metrics.record_analysis(analysis)
        if self.store is not None:
            await self.store.put_analysis(analysis, tenant=tenant)
        return analysis

    async def _analyze(self, article: Article, choice: EngineName, language: str | None) -> Analysis:
        started = time.perf_counter()
        warnings: list[Warning] = []
        degraded = False
        cost: float | None = None
        if choice == "llm":
            try:
                result = await self._run_llm(article, language)
                self._refuse_instruction_leak(result, article)
            except (LlmFailed, DeadlineExceeded) as error:
                # A retry that could not start before the deadline (a 429 asking to wait past it) ends the LLM
                # early, with time left: that is the LLM being down, so fall back. A deadline that has passed
                # (a slow or hung LLM) stays a 504: answering later would break the deadline the caller set.
                early = isinstance(error, DeadlineExceeded) and time.perf_counter() - started < self.settings.deadline_s
                if not self.settings.fallback or self.rules is None or not (isinstance(error, LlmFailed) or early):
                    raise
                detail = error.detail + (" (no retry could start in the time left)" if early else "")
                log.warning("llm failed, answering with the rules engine: %s", detail)
                warnings.append(Warning(code="fallback_engine", detail=f"{detail}; answered by the rules engine"))
                result = await self._run_rules(article)
                degraded = True
                if error.usage is not None:  # what the failed LLM attempts cost is still reported
                    result.usage.add(error.usage)
                    cost = self._cost(error.usage, self.llm.model if self.llm else None)
        else:
            result = await self._run_rules(article)
        return assemble(
            article,
            result,
            language=language,
            latency_ms=round((time.perf_counter() - started) * 1000),
            cost_usd=self._cost(result.usage, result.model) if result.engine == "llm" else cost,
            chunks=result.chunks,
            degraded=degraded,
            warnings=warnings,
        )

    async def _run_llm(self, article: Article, language: str | None) -> EngineResult:
        deadline = time.monotonic() + self.settings.deadline_s
        brief_language = language or article.language
        name = language_name(brief_language) if brief_language else None
        async with self._llm_slot(deadline):
            try:  # the time spent waiting for the slot counts: the deadline is the article's, not the call's
                async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                    return await self._llm_chunks(article, name, deadline)
            except TimeoutError as error:
                raise DeadlineExceeded(f"the LLM did not answer within {self.settings.deadline_s:g} s") from error

    def _refuse_instruction_leak(self, result: EngineResult, article: Article) -> None:
        """An answer that repeats the prompts (an article's injected "reveal your instructions" obeyed)
        is refused like any invalid answer: the fallback answers instead, or 502. The brief and other free
        text are not grounded, and a dropped quote is repeated in its warning: `service.leaks` checks both."""
        assert self.llm is not None
        if self._leak_check is None:
            self._leak_check = LeakCheck([self.llm.prompt.system, self.llm.merge_prompt.system])
        if self._leak_check.leaked(result.draft, article.text):
            log.warning("refused an LLM answer that repeats the prompt (article %s)", article.sha256[:12])
            raise LlmInvalidOutput("the answer repeats the service's instructions (an injected prompt obeyed?)")

    @contextlib.asynccontextmanager
    async def _llm_slot(self, deadline: float) -> AsyncIterator[None]:
        """A bounded wait for one of `max_llm_in_flight` slots (never past the article's deadline):
        past it, 503 with Retry-After instead of an endless queue."""
        wait = min(self.settings.llm_slot_wait_s, max(deadline - time.monotonic(), 0.0))
        try:
            async with asyncio.timeout(wait):
                await self._llm_slots.acquire()
        except TimeoutError:
            metrics.OVERLOADED.inc()
            raise Overloaded(
                f"all {self.settings.max_llm_in_flight} LLM slots are busy; retry shortly",
                retry_after=max(1, round(self.settings.llm_slot_wait_s)),
            ) from None
        metrics.LLM_IN_FLIGHT.inc()
        try:
            yield
        finally:
            metrics.LLM_IN_FLIGHT.dec()
            self._llm_slots.release()

    async def _llm_chunks(self, article: Article, language: str | None, deadline: float) -> EngineResult:
        """One call for an article that fits; else the first chunk, then the others concurrently
        (knowing the actors found first), merged, and the brief written last from the merge."""
        assert self.llm is not None
        chunks = split(article.text, self.settings.chunk_tokens, self.settings.chunk_overlap_tokens)
        if len(chunks) == 1:
            return await self.llm.draft(article, language=language, deadline=deadline)
        total = len(chunks)
        first = await self.llm.draft(
            article.part(chunks[0].text), language=language, deadline=deadline, part=(1, total)
        )
        rest = await asyncio.gather(
            *(
                self.llm.draft(
                    article.part(chunk.text),
                    language=language,
                    deadline=deadline,
                    part=(number, total),
                    known_actors=first.draft.actors,
                )
                for number, chunk in enumerate(chunks[1:], start=2)
            )
        )
        results = [first, *rest]
        merged = merge_drafts([r.draft for r in results], brief=first.draft.brief)
        brief, brief_usage = await self.llm.merge_brief(
            title=article.title,
            part_briefs=[r.draft.brief for r in results],
            commitments=commitments_digest(merged),
            language=language,
            deadline=deadline,
        )
        usage = Usage()
        for part_usage in [*(r.usage for r in results), brief_usage]:
            usage.add(part_usage)
        return EngineResult(
            draft=merged.model_copy(update={"brief": brief}),
            engine="llm",
            model=self.llm.model,
            prompt=self.llm.prompt.identity,
            usage=usage,
            chunks=total,
        )

    async def _run_rules(self, article: Article) -> EngineResult:
        if self.rules is None:
            raise EngineUnavailable("the rules engine is not loaded")
        if self._rules_queued >= self.max_rules_queue:
            # One thread runs the rules (spaCy is CPU-bound): past this many articles waiting for it
            # (a flood, or every request falling back during an LLM outage), say when to come back.
            metrics.OVERLOADED.inc()
            raise Overloaded(
                f"{self._rules_queued} articles are already waiting for the rules engine; retry shortly",
                retry_after=1 + self._rules_queued // 10,
            )
        self._rules_queued += 1
        try:
            loop = asyncio.get_running_loop()
            draft, chunks = await loop.run_in_executor(self._rules_worker, self._rules_draft, article)
        finally:
            self._rules_queued -= 1
        result = EngineResult(draft=draft, engine="rules", model=RULES_MODEL, prompt=RULES_VERSION, chunks=chunks)
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

    def _rules_draft(self, article: Article) -> tuple[Draft, int]:
        """In the rules worker thread: chunk by chunk for a long article; its brief comes from the lead."""
        assert self.rules is not None
        chunks = split(article.text, self.settings.chunk_tokens, self.settings.chunk_overlap_tokens)
        if len(chunks) == 1:
            return self.rules.draft(article), 1
        drafts = [self.rules.draft(article.part(chunk.text)) for chunk in chunks]
        return merge_drafts(drafts, brief=drafts[0].brief), len(chunks)

    def _cost(self, usage: Usage, model: str | None) -> float | None:
        """US dollars for these tokens at the model's price (tokens a provider batch answered at its
        discount); None for a model the table lacks."""
        price = self.settings.prices.get(model) if model else None
        if price is None:
            return None
        discount = 1 - self.settings.batch_price_factor
        billed_input = usage.input_tokens - discount * usage.batch_input_tokens
        billed_output = usage.output_tokens - discount * usage.batch_output_tokens
        return round((billed_input * price.input + billed_output * price.output) / 1_000_000, 6)
