"""Pure ASGI middlewares (a few microseconds a request, no body buffering): a request id on every
request, and request metrics."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.metrics import REQUEST_SECONDS, REQUESTS

REQUEST_ID_HEADER = b"x-request-id"
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("wirebrief_request_id", default="-")
log = logging.getLogger("service.api")
_INTERNAL_ERROR = json.dumps(
    {
        "type": "urn:wirebrief:problem:internal",
        "title": "Internal error",
        "status": 500,
        "detail": "an unexpected error occurred; it has been logged with this request's id",
    }
).encode()


class _HttpMiddleware:
    """Acts on HTTP requests (`handle`); lifespan and anything else pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestIdMiddleware(_HttpMiddleware):
    """The client's `X-Request-ID` when it sends a sane one, else a new one: echoed in the response
    header, and in every log line written while the request runs (`service.logs`).

    It is also where an unexpected error ends: logged once with the id, and answered as a 500
    problem+json that carries the id, so the client can quote it and the log line be found."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = next((value for name, value in scope["headers"] if name == REQUEST_ID_HEADER), b"")
        current = given.decode() if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(current)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, current.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:  # else the client sees the response cut off, the only honest signal left
                await send_with_id(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(_INTERNAL_ERROR)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": _INTERNAL_ERROR})
        finally:
            request_id.reset(token)


class MetricsMiddleware(_HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            method = scope["method"]
            REQUESTS.labels(path, method, str(status)).inc()
            REQUEST_SECONDS.labels(path, method).observe(time.perf_counter() - started)
