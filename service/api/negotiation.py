"""Reading request bodies within limits, and choosing the response format."""

from __future__ import annotations

import asyncio

from fastapi import HTTPException, Request

from service.render import Format

_ACCEPT_TYPES: dict[Format, str] = {
    "json": "application/json",
    "markdown": "text/markdown",
    "csv": "text/csv",
    "html": "text/html",
}


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


_QUERY_FORMATS: dict[str, Format] = {
    "json": "json",
    "markdown": "markdown",
    "md": "markdown",
    "csv": "csv",
    "html": "html",
}
_PREFERENCE: list[Format] = ["json", "markdown", "html", "csv"]  # on a tie (e.g. `*/*`, `text/*`)


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each media range of an Accept header (RFC 9110 §12.5.1)."""
    ranges = []
    for part in accept.split(","):
        media, *parameters = part.split(";")
        kind, _, subtype = media.strip().lower().partition("/")
        if not kind or not subtype:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((kind, subtype, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    """The q of the most specific range that matches `media_type` (0 when none does)."""
    kind, _, subtype = media_type.partition("/")
    best: tuple[int, float] = (-1, 0.0)
    for range_kind, range_subtype, q in ranges:
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def choose_format(query_format: str | None, accept: str | None) -> Format:
    """`?format=` wins (any case, `md` for markdown); else the format the Accept header rates highest
    by its q-values, the most specific range deciding (`text/markdown;q=0` refuses Markdown); else JSON."""
    if query_format:
        return _QUERY_FORMATS[query_format.lower()]  # the route's pattern admits only these
    if not accept or not accept.strip():
        return "json"
    ranges = _ranges(accept)
    rated = [(fmt, _quality(_ACCEPT_TYPES[fmt], ranges)) for fmt in _PREFERENCE]
    best = max(rated, key=lambda pair: pair[1])  # max keeps the first of equals: the preference order
    if best[1] <= 0:
        raise HTTPException(
            406, f"cannot produce {accept!r}; use application/json, text/markdown, text/csv or text/html"
        )
    return best[0]
