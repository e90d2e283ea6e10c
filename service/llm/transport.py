"""The HTTP layer under the OpenAI SDK: retries with tenacity, and per-article accounting.

The SDK's own retries are off; this transport retries 429, 5xx, timeouts and connection
errors with jittered exponential backoff, honouring `Retry-After`, and never sleeps past the
article's deadline. Each HTTP exchange is counted into the `CallStats` of the article being
analysed (a context variable), so usage sums every attempt, failed ones included.
"""

from __future__ import annotations

import contextvars
import email.utils
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from schemas import Usage

log = logging.getLogger(__name__)

_RATE_LIMIT_ATTEMPT_FACTOR = 10
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_RETRY_ERRORS = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)


@dataclass
class CallStats:
    """What one article's LLM calls cost; filled by the transport."""

    deadline: float  # time.monotonic() value after which no new attempt starts
    output_limit: int | None = None  # the max_tokens each call asks for: an answer that uses them all was cut off
    http_attempts: int = 0
    completions: int = 0
    retries: int = 0
    stopped_by_deadline: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    batch_input_tokens: int = 0  # of those, answered by the provider's Batch API
    batch_output_tokens: int = 0
    finish_reasons: list[str] = field(default_factory=list)
    repairs: Counter[str] = field(default_factory=Counter)  # what `service.llm.repairs` mended, by kind

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def usage(self) -> Usage:
        """Every attempt counts: re-asks are the completions after the first."""
        return Usage(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            llm_calls=self.http_attempts,
            reasks=max(self.completions - 1, 0),
            retries=self.retries,
            batch_input_tokens=self.batch_input_tokens,
            batch_output_tokens=self.batch_output_tokens,
            repairs=dict(self.repairs),
        )


BATCH_ANSWER = "wirebrief_batch_answer"  # a response extension: this answer came from a provider batch
current_stats: contextvars.ContextVar[CallStats | None] = contextvars.ContextVar("wirebrief_call_stats", default=None)


# A server that does not support a structured-output mode says so about the parameter that asks for it:
# llama-cpp-python "Input should be 'text' or 'json_object'" (HTTP 500), llama.cpp's llama-server "Wrong type
# supplied for parameter 'tool_choice'", others "... not supported". Retrying such an answer cannot help.
_MODE_PARAMETER = re.compile(r"response_format|json_schema|tool_choice|\btools\b", re.IGNORECASE)
_REFUSAL = re.compile(r"not supported|unsupported|input should be|wrong type|unknown|invalid|unrecognized", re.I)


def refused_mode(body: str) -> str | None:
    """The server's words when an error body says it refuses the structured-output parameter, else None."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = body
    message = parsed.get("error", parsed) if isinstance(parsed, dict) else parsed
    if isinstance(message, dict):
        message = message.get("message", "")
    text = str(message)
    if not (_MODE_PARAMETER.search(text) and _REFUSAL.search(text)):
        return None
    quoted = re.search(r"Input should be [^\n\"]+|Wrong type[^\n\"]*|[^\n.]*not supported[^\n.]*", text)
    return (quoted.group(0) if quoted else text.strip().splitlines()[0]).strip()[:200]


class _RetryableStatus(Exception):
    def __init__(self, response: httpx2.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after_seconds(response: httpx2.Response) -> float | None:
    """Seconds the server asked us to wait (`Retry-After` as seconds or HTTP date, or `retry-after-ms`)."""
    milliseconds = response.headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(float(milliseconds) / 1000, 0.0)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


class ResilientTransport(httpx2.AsyncBaseTransport):
    """Retries transient failures of `inner` under the current article's deadline."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, *, max_attempts: int = 5, initial_wait: float = 0.5) -> None:
        self.inner = inner
        self.max_attempts = max_attempts
        # Called with the Retry-After seconds (or None) on every 429: the batch slows down on them.
        self.rate_limit_listeners: list[Callable[[float | None], None]] = []
        self._backoff = wait_exponential_jitter(multiplier=initial_wait, max=20.0, jitter=initial_wait)

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _RetryableStatus):
            asked = retry_after_seconds(error.response)
            if asked is not None:
                return asked
        return float(self._backoff(state))

    def _stop(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        rate_limited = isinstance(error, _RetryableStatus) and error.response.status_code == 429
        # A 429 says "later", not "broken": it is retried for as long as the deadline allows.
        limit = self.max_attempts * _RATE_LIMIT_ATTEMPT_FACTOR if rate_limited else self.max_attempts
        if state.attempt_number >= limit:
            return True
        stats = current_stats.get()
        if stats is None:
            return False
        # Stop now if the next attempt could not even start before the deadline.
        if stats.remaining() <= self._wait(state):
            stats.stopped_by_deadline = True
            return True
        return False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        stats = current_stats.get()
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((_RetryableStatus, *_RETRY_ERRORS)),
            wait=self._wait,
            stop=self._stop,
            reraise=True,
            before_sleep=self._note_retry,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    if stats is not None:
                        stats.http_attempts += 1
                    response = await self.inner.handle_async_request(request)
                    if response.status_code in RETRY_STATUSES:
                        await response.aread()
                        if response.status_code != 429 and refused_mode(response.text):
                            return response  # the mode is refused: no retry can change that
                        if response.status_code == 429:
                            for listener in self.rate_limit_listeners:
                                listener(retry_after_seconds(response))
                        raise _RetryableStatus(response)
                    await response.aread()
                    if stats is not None and response.status_code == 200:
                        _count_completion(stats, response)
                    return response
        except _RetryableStatus as final:
            return final.response
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    @staticmethod
    def _note_retry(state: RetryCallState) -> None:
        stats = current_stats.get()
        if stats is not None:
            stats.retries += 1
        error = state.outcome.exception() if state.outcome else None
        log.warning("llm call retry %d after %s", state.attempt_number, type(error).__name__ if error else "?")

    async def aclose(self) -> None:
        await self.inner.aclose()


def _count_completion(stats: CallStats, response: httpx2.Response) -> None:
    """Add a chat completion's token usage; a body that is not JSON still counts as a call."""
    stats.completions += 1
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    usage = body.get("usage")
    output_tokens = 0
    if isinstance(usage, dict):
        input_tokens, output_tokens = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        stats.input_tokens += input_tokens
        stats.output_tokens += output_tokens
        if response.extensions.get(BATCH_ANSWER):
            stats.batch_input_tokens += input_tokens
            stats.batch_output_tokens += output_tokens
    if stats.output_limit is not None and output_tokens >= stats.output_limit:
        # llama-cpp-python reports a tool call cut off at max_tokens as finish_reason "tool_calls":
        # an answer that used every token it was allowed was cut off, whatever the server says.
        stats.finish_reasons.append("length")
        return
    for choice in body.get("choices") or []:
        if isinstance(choice, dict) and choice.get("finish_reason"):
            stats.finish_reasons.append(str(choice["finish_reason"]))
