"""The LLM engine: one call per article through `AsyncOpenAI` + `instructor`, filling `Draft`.

It owns what is its own: the bounded slots that cap calls in flight, the deadline of the article,
and the map-reduce of a long article (first chunk, the rest concurrently, the brief written last).
Transient HTTP failures are retried underneath, by `service.llm.transport`; instructor re-asks
only when the answer fails validation (schema, unknown refs, quotes absent from the article).
When the last re-ask still carries ungrounded quotes, the answer is kept and the pipeline drops
those commitments with a warning; an answer that is not a `Draft` at all is an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

import httpx2
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.v2.core.function_calls import response_schema
from openai._types import RequestOptions
from openai._vendor.httpx_aiohttp.transport import AiohttpTransport  # what openai.DefaultAioHttpClient uses
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from schemas import Draft, DraftActor, DraftBrief, Usage
from service import metrics
from service.article import Article, EngineResult
from service.chunking import split
from service.config import Settings
from service.engines.base import SharedSlots
from service.errors import (
    DeadlineExceeded,
    LlmFailed,
    LlmInvalidOutput,
    LlmModeUnsupported,
    LlmTruncated,
    Overloaded,
    WirebriefError,
)
from service.grounding import Grounder
from service.language import language_name
from service.llm import instructor_tuning
from service.llm.repairs import RepairingTransport
from service.llm.transport import CallStats, ResilientTransport, current_stats, refused_mode
from service.merge import commitments_digest, merge_drafts
from service.prompts import Prompt, load_prompt

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "tools_strict": instructor.Mode.TOOLS_STRICT,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
}
# instructor logs each failed attempt at ERROR; the engine reports failures itself, once.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
log = logging.getLogger(__name__)
instructor_tuning.install()

T = TypeVar("T", bound=BaseModel)


def default_transport(settings: Settings) -> httpx2.AsyncBaseTransport:
    """The SDK's aiohttp transport ("for improved concurrency performance", its README): httpx2's own pool
    scans and probes every open connection on each request, which at hundreds in flight cost more CPU
    than the rest of the request. Connections are kept alive: the next article reuses one."""
    connections = 4 * settings.max_llm_in_flight  # a long article's chunks are called at once
    return AiohttpTransport(limits=httpx2.Limits(max_connections=connections, max_keepalive_connections=connections))


class LlmEngine:
    name = "llm"
    offline = False

    def __init__(
        self,
        settings: Settings,
        transport: httpx2.AsyncBaseTransport | None = None,
        prompt: Prompt | None = None,
        *,
        on_rate_limited: Callable[[float | None], None] | None = None,
        mode_reason: str | None = None,
        shared_slots: SharedSlots | None = None,
    ) -> None:
        """`shared_slots`: the cap counted with every other process on the store, taken after one of
        this process's own (so that only as many as the cap wait on the database at once)."""
        if settings.llm_mode == "auto":  # built directly, not through `build`: the SDK's own default
            settings = settings.model_copy(update={"llm_mode": "tools"})
        self.settings = settings
        self.mode_reason = mode_reason or f"WIREBRIEF_LLM_MODE={settings.llm_mode}"
        self.model = settings.model
        self.prompt = prompt or load_prompt("brief")
        self.merge_prompt = load_prompt("merge_brief")
        self._slots = asyncio.Semaphore(settings.max_llm_in_flight)
        self._shared_slots = shared_slots
        resilient = ResilientTransport(
            transport or default_transport(settings),
            max_attempts=settings.max_attempts,
            initial_wait=settings.retry_base_s,
        )
        if on_rate_limited is not None:
            resilient.rate_limit_listeners.append(on_rate_limited)
        if shared_slots is not None:  # a 429 pauses the whole fleet's new calls for its Retry-After
            resilient.rate_limit_listeners.append(shared_slots.pause)
        # Above the retries: every answer that arrives is mended (and the repairs counted) before instructor reads it.
        self._http = httpx2.AsyncClient(
            transport=RepairingTransport(resilient, {"Draft": Draft, "DraftBrief": DraftBrief})
        )
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        openai_client = openai.AsyncOpenAI(
            api_key=key, base_url=settings.openai_base_url, max_retries=0, http_client=self._http
        )
        openai_client.chat.completions.create = _direct_create(openai_client)  # type: ignore[assignment]
        self.client = instructor.from_openai(openai_client, mode=_MODES[settings.llm_mode])
        # instructor wraps a plain model in a new class on every call (and so rebuilds its JSON schema);
        # wrapping once here keeps that out of the per-request CPU.
        self._schemas: dict[type[BaseModel], type[BaseModel]] = {m: response_schema(m) for m in (Draft, DraftBrief)}
        penalty = settings.frequency_penalty
        self._sampling: dict[str, Any] = {} if penalty is None else {"frequency_penalty": penalty}

    @property
    def identity(self) -> tuple[str, str]:
        return self.model, self.prompt.identity

    @property
    def instructions(self) -> tuple[str, ...]:
        return self.prompt.system, self.merge_prompt.system

    @property
    def details(self) -> dict[str, str]:
        return {"model": self.model, "mode": self.settings.llm_mode, "mode_chosen_because": self.mode_reason}

    async def aclose(self) -> None:
        await self._http.aclose()

    def messages(
        self,
        article: Article,
        language: str | None,
        *,
        part: tuple[int, int] | None = None,
        known_actors: Sequence[DraftActor] = (),
    ) -> list[dict[str, str]]:
        """The chat messages for one article, or for part `(n, of)` of a long one."""
        user = self.prompt.render_user(
            language=language or "the language of the article",
            title=article.title or "(none)",
            published=article.published or "(unknown)",
            context=_part_context(part, known_actors),
            text=article.text,
        )
        return [{"role": "system", "content": self.prompt.system}, {"role": "user", "content": user}]

    async def draft(self, article: Article, *, language: str | None, deadline: float) -> EngineResult:
        """The article's draft, within one of the bounded slots; the time waited for the slot counts,
        since the deadline is the article's, not the call's."""
        brief_language = language or article.language
        name = language_name(brief_language) if brief_language else None
        async with self._slot(deadline):
            try:
                async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                    return await self._chunks(article, name, deadline)
            except TimeoutError as error:
                raise DeadlineExceeded(f"the LLM did not answer within {self.settings.deadline_s:g} s") from error

    @contextlib.asynccontextmanager
    async def _slot(self, deadline: float) -> AsyncIterator[None]:
        """A bounded wait for one of `max_llm_in_flight` slots (never past the article's deadline):
        past it, 503 with Retry-After instead of an endless queue."""
        waited_until = time.monotonic() + min(self.settings.llm_slot_wait_s, max(deadline - time.monotonic(), 0.0))
        try:
            async with asyncio.timeout_at(waited_until):
                await self._slots.acquire()
        except TimeoutError:
            raise self._overloaded() from None
        try:
            ticket = await self._shared_slot(waited_until, deadline) if self._shared_slots is not None else None
            metrics.LLM_IN_FLIGHT.inc()
            try:
                yield
            finally:
                metrics.LLM_IN_FLIGHT.dec()
                if ticket is not None:
                    await self._give_back(ticket)
        finally:
            self._slots.release()

    async def _shared_slot(self, waited_until: float, deadline: float) -> object | None:
        """A slot of the cap shared by every process, waited for until `waited_until`. A take
        cancelled on its way (the client gone) may leave its slot held until it expires, at the
        call's deadline. With the store unreachable, the call goes on under this process's cap alone."""
        assert self._shared_slots is not None
        now = time.monotonic()
        try:
            ticket = await self._shared_slots.take(hold_s=max(deadline - now, 0.0), wait_s=max(waited_until - now, 0.0))
        except Exception as error:  # the database down: no reason to refuse what the LLM may serve
            log.warning("LLM slots not shared: the store is unreachable (%s)", type(error).__name__)
            return None
        if ticket is None:
            raise self._overloaded()
        return ticket

    async def _give_back(self, ticket: object) -> None:
        assert self._shared_slots is not None
        try:
            await asyncio.shield(self._shared_slots.give_back(ticket))  # even when the caller is cancelled
        except Exception as error:  # it frees itself at its expiry
            log.warning("an LLM slot could not be given back (%s); it frees at its expiry", type(error).__name__)

    def _overloaded(self) -> Overloaded:
        metrics.OVERLOADED.inc()
        return Overloaded(
            f"all {self.settings.max_llm_in_flight} LLM slots are busy; retry shortly",
            retry_after=max(1, round(self.settings.llm_slot_wait_s)),
        )

    async def _chunks(self, article: Article, language: str | None, deadline: float) -> EngineResult:
        """One call for an article that fits; else the first chunk, then the others concurrently
        (knowing the actors found first), merged, and the brief written last from the merge."""
        chunks = split(article.text, self.settings.chunk_tokens, self.settings.chunk_overlap_tokens)
        if len(chunks) == 1:
            return await self._part(article, language, deadline)
        total = len(chunks)
        first = await self._part(article.part(chunks[0].text), language, deadline, part=(1, total))
        rest = await asyncio.gather(
            *(
                self._part(
                    article.part(chunk.text),
                    language,
                    deadline,
                    part=(number, total),
                    known_actors=first.draft.actors,
                )
                for number, chunk in enumerate(chunks[1:], start=2)
            )
        )
        results = [first, *rest]
        merged = merge_drafts([r.draft for r in results], brief=first.draft.brief)
        brief, brief_usage = await self._merge_brief(
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
            engine=self.name,
            model=self.model,
            prompt=self.prompt.identity,
            usage=usage,
            chunks=total,
        )

    async def _part(
        self,
        article: Article,
        language: str | None,
        deadline: float,
        *,
        part: tuple[int, int] | None = None,
        known_actors: Sequence[DraftActor] = (),
    ) -> EngineResult:
        """One structured call, for an article that fits or for part `(n, of)` of a long one."""
        messages = self.messages(article, language, part=part, known_actors=known_actors)
        grounder = Grounder(article.text)  # one per article: the Draft validator checks every quote with it
        draft, usage = await self._structured(Draft, messages, {"locate_quote": grounder.locate}, deadline)
        return EngineResult(draft=draft, engine=self.name, model=self.model, prompt=self.prompt.identity, usage=usage)

    async def _merge_brief(
        self,
        *,
        title: str | None,
        part_briefs: Sequence[DraftBrief],
        commitments: str,
        language: str | None,
        deadline: float,
    ) -> tuple[DraftBrief, Usage]:
        """The brief of a long article, written last from its parts' briefs and merged commitments."""
        parts = "\n\n".join(
            f"Part {n}: {b.headline}\n{b.summary}\n" + "\n".join(f"- {p}" for p in b.key_points)
            for n, b in enumerate(part_briefs, start=1)
        )
        user = self.merge_prompt.render_user(
            language=language or "the language of the article",
            title=title or "(none)",
            part_briefs=parts,
            commitments=commitments or "(none)",
        )
        messages = [{"role": "system", "content": self.merge_prompt.system}, {"role": "user", "content": user}]
        return await self._structured(DraftBrief, messages, None, deadline)

    async def _structured(
        self, model: type[T], messages: list[dict[str, str]], context: dict[str, Any] | None, deadline: float
    ) -> tuple[T, Usage]:
        stats = CallStats(deadline=deadline, output_limit=self.settings.max_output_tokens)
        token = current_stats.set(stats)
        try:
            return await self._call(model, messages, context, stats), stats.usage()
        except WirebriefError as error:
            error.usage = stats.usage()
            raise
        finally:
            current_stats.reset(token)

    async def _call(
        self, model: type[T], messages: list[dict[str, str]], context: dict[str, Any] | None, stats: CallStats
    ) -> T:
        try:
            result: T = await self.client.chat.completions.create(
                model=self.model,
                response_model=cast(type[T], self._schemas.get(model, model)),
                messages=messages,  # type: ignore[arg-type]
                max_retries=self.settings.max_reasks,
                context=context,
                temperature=self.settings.temperature,
                **self._sampling,
                max_tokens=self.settings.max_output_tokens,
                timeout=max(stats.remaining(), 0.1),
            )
            return result
        except IncompleteOutputException as error:
            raise LlmTruncated(
                f"the model (WIREBRIEF_LLM_MODE={self.settings.llm_mode}) stopped at its output limit "
                f"({self.settings.max_output_tokens} tokens) before finishing"
            ) from error
        except InstructorRetryException as error:
            cause = error.__cause__
            if isinstance(cause, openai.APIError) or (cause is None and not error.failed_attempts):
                raise self._api_failure(cause, stats) from error
            # The latest answer that has the contract's shape is kept (a small model's re-ask can come back
            # worse: cut off at the output limit); its ungrounded parts are dropped by the pipeline.
            completions = [error.last_completion, *(a.completion for a in reversed(error.failed_attempts or []))]
            lenient = next((d for c in completions if c is not None and (d := _parse_leniently(model, c))), None)
            if lenient is not None:
                return lenient
            if stats.finish_reasons and stats.finish_reasons[-1] == "length":  # a tool call cut off mid-JSON
                cut = stats.finish_reasons.count("length")
                raise LlmTruncated(
                    f"the model (WIREBRIEF_LLM_MODE={self.settings.llm_mode}) stopped at its output limit "
                    f"({self.settings.max_output_tokens} tokens) before finishing ({cut} of "
                    f"{len(stats.finish_reasons)} answers)"
                ) from error
            raise LlmInvalidOutput(
                f"the answer (WIREBRIEF_LLM_MODE={self.settings.llm_mode}) still failed validation after "
                f"{self.settings.max_reasks} re-asks: {_last_failure(error)}"
            ) from error
        except openai.APIError as error:
            raise self._api_failure(error, stats) from error

    def _api_failure(self, error: BaseException | None, stats: CallStats) -> Exception:
        if stats.stopped_by_deadline or stats.remaining() <= 0:
            return DeadlineExceeded("the LLM did not answer before the deadline")
        if isinstance(error, openai.APIStatusError) and (refusal := refused_mode(error.response.text)):
            mode = self.settings.llm_mode
            others = ", ".join(m for m in _MODES if m != mode)
            return LlmModeUnsupported(
                f"the LLM server does not support WIREBRIEF_LLM_MODE={mode} (HTTP {error.status_code}: {refusal}); "
                f"set WIREBRIEF_LLM_MODE=auto to use what it supports, or one of {others}"
            )
        if isinstance(error, openai.APIStatusError):
            return LlmFailed(f"the LLM provider answered HTTP {error.status_code} after {stats.http_attempts} attempts")
        if isinstance(error, openai.APIConnectionError):
            return LlmFailed(f"the LLM provider could not be reached after {stats.http_attempts} attempts")
        return LlmFailed(f"the LLM call failed: {type(error).__name__}")


def _direct_create(client: openai.AsyncOpenAI) -> Callable[..., Awaitable[ChatCompletion]]:
    """`chat.completions.create` for instructor, less the SDK's per-call walk of its typed parameters
    (every message against every message type, 0.4 ms of CPU an article): our parameters are plain
    JSON already. The request is built, sent, checked and parsed by the SDK's own client (`post`,
    its documented way to send any request); the replayed exchanges prove the body is the same."""

    async def create(*, timeout: float | openai.NotGiven = openai.NOT_GIVEN, **body: Any) -> ChatCompletion:
        options: RequestOptions = {} if isinstance(timeout, openai.NotGiven) else {"timeout": timeout}
        return await client.post("/chat/completions", cast_to=ChatCompletion, body=body, options=options)

    return create


def _part_context(part: tuple[int, int] | None, known_actors: Sequence[DraftActor]) -> str:
    if part is None:
        return ""
    lines = [f"\nThis is part {part[0]} of {part[1]} of a long article: analyse this part only."]
    if known_actors:
        lines.append("Actors already identified in earlier parts (use these names when they appear):")
        lines += [f"- {a.name} ({a.kind}): {', '.join(a.aliases) or a.name}" for a in known_actors]
    return "\n".join(lines) + "\n"


def _parse_leniently(model: type[T], completion: Any) -> T | None:
    """The last answer parsed without the grounding check; None if it is not the model at all."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    text = calls[0].function.arguments if calls else (message.content or "")
    try:  # fences and the like were mended on the way in (`service.llm.repairs`)
        return model.model_validate_json(text)
    except (ValidationError, ValueError):
        return None


def _last_failure(error: InstructorRetryException) -> str:
    """What was wrong with the last answer, in one line (instructor's own message starts with a tag)."""
    attempts = error.failed_attempts or []
    cause: BaseException = attempts[-1].exception if attempts and attempts[-1].exception else error
    if isinstance(cause, ValidationError):
        first = cause.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where + ': ' if where else ''}{first['msg']}"[:300]
    lines = [line.strip() for line in str(cause).splitlines() if line.strip() and not line.strip().startswith("<")]
    return lines[0][:300] if lines else type(cause).__name__
