"""Two HTTP layers under the engine: one that captures the request the live path would send,
one that answers a request with the body the provider batch already returned for it."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Mapping

import httpx2

from service.llm.replay import request_fingerprint
from service.llm.transport import BATCH_ANSWER

# The requests seen in the current task: each article is planned in a task of its own.
_captured: contextvars.ContextVar[list[httpx2.Request] | None] = contextvars.ContextVar(
    "wirebrief_captured_requests", default=None
)


class Captured(Exception):
    """Raised in place of an answer: planning needs the request, never a response."""


class CapturingTransport(httpx2.AsyncBaseTransport):
    """Keeps every request of the current task and answers none of them."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        seen = _captured.get()
        if seen is not None:
            await request.aread()
            seen.append(request)
        raise Captured("request captured for the provider batch")


def capture_into(requests: list[httpx2.Request]) -> None:
    """Collect the current task's requests into `requests`."""
    _captured.set(requests)


class PrefilledTransport(httpx2.AsyncBaseTransport):
    """Answers a request whose fingerprint has a batch answer with it; sends every other one on.

    Keyed by fingerprint, so an answer only ever serves the exact request it was made for: a
    re-ask (different messages) or a request that changed since planning goes to the provider live.
    """

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.answers: dict[str, bytes] = {}
        self.served = 0

    def load(self, answers: Mapping[str, object]) -> None:
        """Answers by request fingerprint (chat.completion bodies); replaces the previous ones."""
        self.answers = {fingerprint: json.dumps(body).encode() for fingerprint, body in answers.items()}

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.answers:
            await request.aread()
            body = self.answers.get(request_fingerprint(request))
            if body is not None:
                self.served += 1
                return httpx2.Response(
                    200,
                    headers={"content-type": "application/json"},
                    content=body,
                    request=request,
                    extensions={BATCH_ANSWER: True},  # billed at the batch price
                )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
