"""Reading request bodies within limits, and choosing the response format."""

from __future__ import annotations

from fastapi import HTTPException, Request

from service.render import Format

_ACCEPT_FORMATS: list[tuple[str, Format]] = [
    ("application/json", "json"),
    ("text/markdown", "markdown"),
    ("text/csv", "csv"),
    ("text/html", "html"),
]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` (with or without Content-Length)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
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
