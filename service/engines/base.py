"""What every engine is to the pipeline: a name, an identity for the cache key, and `draft`.

An engine owns what is its own (the LLM its slots and chunk map-reduce, the rules engine its
thread and queue); the pipeline only chooses one, falls back and assembles. `Seams` is what a
caller may hand an engine when it is built, so nothing reaches into an engine afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx2

    from service.article import Article, EngineResult


class Engine(Protocol):
    @property
    def name(self) -> str:
        """What a caller asks for (`options.engine`) and what provenance shows."""

    @property
    def offline(self) -> bool:
        """Needs no network: the fallback when an engine that does fails."""

    @property
    def identity(self) -> tuple[str, str]:
        """(model, version) in the cache key: when either changes, cached results miss."""

    @property
    def instructions(self) -> Sequence[str]:
        """Texts of the engine's own that an answer must never repeat (an injected prompt obeyed)."""

    @property
    def details(self) -> dict[str, str]:
        """What /readyz shows of the engine (model, mode, version): nothing secret."""

    async def draft(self, article: Article, *, language: str | None, deadline: float) -> EngineResult:
        """The draft of one article, brief in `language` (a code; None: the article's), finished
        before `deadline` (a `time.monotonic()` value) or raising `DeadlineExceeded`."""

    async def aclose(self) -> None: ...


class SharedSlots(Protocol):
    """Slots of a cap counted across processes (every replica's LLM calls against one limit)."""

    async def take(self, hold_s: float, wait_s: float) -> object | None:
        """A ticket for a free slot, held at most `hold_s` seconds; None when none was free within `wait_s`."""

    async def give_back(self, ticket: object) -> None: ...

    def pause(self, retry_after: float | None) -> None:
        """The LLM answered 429: no process starts a call for `retry_after` seconds (1 when not given)."""


@dataclass(frozen=True)
class Seams:
    """What a caller hands the engines at construction instead of patching them later."""

    transport: httpx2.AsyncBaseTransport | None = None  # beneath the LLM's retries (tests, provider batch)
    on_rate_limited: Callable[[float | None], None] | None = None  # told of each 429's wait (a batch's pacing)
    defer_loading: bool = False  # load heavy models on first use, not at start (a batch on the LLM)
    llm_slots: SharedSlots | None = None  # the LLM cap shared with every process on the store
