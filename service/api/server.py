"""The HTTP server's own limits, which uvicorn does not have: a time limit on a request's headers,
a size limit on them, and a cap on open connections.

uvicorn's httptools protocol keeps a connection open for as long as a client drips its headers (one
byte every few seconds holds it for ever: slowloris), reads headers of any size (64 MB was answered
200), and accepts connections without bound. This subclass adds the three; the body has its own time
limit where it is read (`negotiation.read_body`). The settings come from the environment, as in each
worker process `wirebrief serve` starts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.config import get_settings


def _plain_response(status: bytes, message: str) -> bytes:
    body = message.encode()
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


_TIMEOUT = _plain_response(b"408 Request Timeout", "the request's headers did not arrive in time")
_TOO_LARGE = _plain_response(b"431 Request Header Fields Too Large", "the request's headers are too large")
_BUSY = _plain_response(b"503 Service Unavailable", "too many open connections; retry shortly")


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header timeout, header size limit and connection cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self._header_timeout_s = settings.header_timeout_s
        self._max_header_bytes = settings.max_header_bytes
        self._max_connections = settings.max_connections
        self._header_bytes = 0
        self._in_headers = True  # between requests too: the next request's headers are awaited
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections:
            self._refuse(_BUSY)
            return
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_headers:
            end = data.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else end + 4
            if self._header_bytes > self._max_header_bytes:
                self._refuse(_TOO_LARGE)  # before parsing: headers of any size would be held in memory
                return
            if self._header_timer is None:  # the first byte of a request on a kept-alive connection
                self._arm_header_timer()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._disarm_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._in_headers, self._header_bytes = True, 0  # kept alive: uvicorn's idle timeout runs until a byte comes
        super().on_response_complete()

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self._header_timeout_s, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._in_headers and not self.transport.is_closing():
            self._refuse(_TIMEOUT if self._header_bytes else b"")

    def _refuse(self, response: bytes) -> None:
        self._disarm_header_timer()
        if response:
            self.transport.write(response)
        self.transport.close()
