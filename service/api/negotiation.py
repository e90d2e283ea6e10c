"""Reading request bodies within limits, and choosing the response format."""

from __future__ import annotations

import asyncio

from fastapi import HTTPException, Request

from service.render import Format

_ACCEPT_FORMATS: list[tuple[str, Format]] = [
    ("application/json", "json"),
    ("text/markdown", "markdown"),
    ("text/csv", "csv"),
    ("text/html", "html"),
]


async def read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` (with or without Content-Length),
    and with 408 when it has not all arrived within `timeout_s` (a client dripping it a byte at a
    time would otherwise hold its connection, and a slot, for ever)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is {declared} bytes; the limit is {limit}")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in {"", "identity"}:
        raise HTTPException(415, f"request bodies are read as sent: send them without Content-Encoding ({encoding})")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"the request body is over the limit of {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise HTTPException(
            408, f"the request body did not arrive within {timeout_s:g} s", headers={"connection": "close"}
        ) from None
    return b"".join(chunks)


def choose_format(query_format: str | None, accept: str | None) -> Format:
    """`?format=` wins; else the first acceptable type of the Accept header; else JSON."""
    if query_format:
        return query_format  # type: ignore[return-value]  # validated by the route's Literal
    if not accept:
        return "json"
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        for prefix, fmt in _ACCEPT_FORMATS:
            if media == prefix:
                return fmt
        if media in {"*/*", "application/*", "text/*"}:
            return "markdown" if media == "text/*" else "json"
    raise HTTPException(406, f"cannot produce {accept!r}; use application/json, text/markdown, text/csv or text/html")
