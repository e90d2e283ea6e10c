"""The flow of one article: engine -> grounding -> assemble, with the fallback when the LLM fails.

Routes and the CLI call `Pipeline.analyze`; they never talk to an engine directly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from schemas import Analysis, Warning
from service.article import Article
from service.assemble import assemble
from service.config import Settings
from service.engines.base import EngineResult
from service.errors import DeadlineExceeded, EngineUnavailable, LlmFailed

if TYPE_CHECKING:
    from service.engines.llm import LlmEngine
    from service.engines.rules import RulesEngine

log = logging.getLogger(__name__)

EngineName = Literal["llm", "rules"]


class Pipeline:
    def __init__(self, settings: Settings, *, llm: LlmEngine | None = None, rules: RulesEngine | None = None) -> None:
        self.settings = settings
        self.llm = llm
        self.rules = rules
        # spaCy is CPU-bound and not thread-safe: one worker keeps the event loop free.
        self._rules_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rules")

    @classmethod
    def from_settings(cls, settings: Settings) -> Pipeline:
        """Build the engines the settings call for; start-up work happens here, once."""
        from service.engines.rules import RulesEngine

        llm = None
        if settings.engine != "rules" and (settings.llm_configured or settings.engine == "llm"):
            from service.engines.llm import LlmEngine

            llm = LlmEngine(settings)
        return cls(settings, llm=llm, rules=RulesEngine())

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
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

    async def analyze(self, article: Article, *, engine: str | None = None, language: str | None = None) -> Analysis:
        started = time.perf_counter()
        choice = self.choose_engine(engine)
        warnings: list[Warning] = []
        degraded = False
        if choice == "llm":
            try:
                result = await self._run_llm(article, language)
            except LlmFailed as error:
                if not self.settings.fallback or self.rules is None:
                    raise
                log.warning("llm failed, answering with the rules engine: %s", error.detail)
                warnings.append(Warning(code="fallback_engine", detail=f"{error.detail}; answered by the rules engine"))
                result = await self._run_rules(article)
                degraded = True
        else:
            result = await self._run_rules(article)
        return assemble(
            article,
            result,
            language=language,
            latency_ms=round((time.perf_counter() - started) * 1000),
            cost_usd=self._cost(result),
            degraded=degraded,
            warnings=warnings,
        )

    async def _run_llm(self, article: Article, language: str | None) -> EngineResult:
        assert self.llm is not None
        deadline = time.monotonic() + self.settings.deadline_s
        try:
            async with asyncio.timeout(self.settings.deadline_s):
                return await self.llm.draft(article, language=language, deadline=deadline)
        except TimeoutError as error:
            raise DeadlineExceeded(f"the LLM did not answer within {self.settings.deadline_s:g} s") from error

    async def _run_rules(self, article: Article) -> EngineResult:
        if self.rules is None:
            raise EngineUnavailable("the rules engine is not loaded")
        loop = asyncio.get_running_loop()
        draft = await loop.run_in_executor(self._rules_worker, self.rules.draft, article)
        return EngineResult(draft=draft, engine="rules")

    def _cost(self, result: EngineResult) -> float | None:
        if result.engine != "llm" or result.model is None:
            return None
        price = self.settings.prices.get(result.model)
        if price is None:
            return None
        usage = result.usage
        return round((usage.input_tokens * price.input + usage.output_tokens * price.output) / 1_000_000, 6)
