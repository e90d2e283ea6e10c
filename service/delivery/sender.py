"""One HTTP attempt: POST the body, never follow a redirect, report what happened.

It does not decide anything (see `policy`) and does not touch the store (see `worker`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from service import __version__, netguard
from service.delivery.policy import Outcome
from service.errors import FetchFailed, InvalidDeliveryUrl
from service.netguard import AllowList, UrlRefused

USER_AGENT = f"wirebrief/{__version__} (+webhooks)"
_SNIPPET_BYTES = 300  # how much of an error response is kept: enough to explain, not to store a page


def check_url(url: str) -> None:
    """Refuse at enqueue time what could never be delivered, rather than fail hours later."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidDeliveryUrl(f"not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidDeliveryUrl("a delivery URL must be http:// or https:// with a host")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)
    return max((when - current).total_seconds(), 0.0)


async def _snippet(response: httpx.Response) -> str:
    """The start of the response body, for the error message; the rest is never read. Raw bytes:
    a receiver's compressed error page is not inflated (a small bomb would become gigabytes)."""
    chunks = bytearray()
    async for chunk in response.aiter_raw():
        chunks.extend(chunk)
        if len(chunks) >= _SNIPPET_BYTES:
            break
    return " ".join(chunks[:_SNIPPET_BYTES].decode("utf-8", "replace").split())


async def send(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float,
    allowed: AllowList | None = None,
) -> Outcome:
    """POST once. Transport errors become an `Outcome` without a status code, never an exception.

    With `allowed`, the URL passes the SSRF guard at this attempt (a delivery may run hours after it
    was accepted, when the name resolves elsewhere) and the connection is pinned to the checked address.
    """
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    request_headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",
        **headers,
    }
    target_url: str | httpx.URL = url
    extensions: dict[str, str] = {}
    if allowed is not None:
        try:
            target = await netguard.check_url(url, allowed)
        except UrlRefused as refused:
            return Outcome(None, f"refused: {refused.detail}", permanent=True, duration_ms=elapsed())
        except FetchFailed as unresolved:  # DNS: retried on the schedule, it may resolve again
            return Outcome(None, unresolved.detail, duration_ms=elapsed())
        target_url = httpx.URL(target.url).copy_with(host=str(target.ip))
        request_headers["host"] = target.host_header
        if target.scheme == "https":
            extensions["sni_hostname"] = target.host
    try:
        # One deadline for the whole attempt: httpx's timeout is per read, so a receiver that drips a
        # header every few seconds would hold the attempt (and a delivery slot) for minutes.
        async with (
            asyncio.timeout(timeout_s),
            client.stream(
                "POST",
                target_url,
                content=body,
                headers=request_headers,
                timeout=timeout_s,
                follow_redirects=False,
                extensions=extensions,
            ) as response,
        ):
            code = response.status_code
            error = None
            if not 200 <= code < 300:
                detail = await _snippet(response)
                error = f"HTTP {code}: {detail}" if detail else f"HTTP {code}"
            return Outcome(
                status_code=code,
                error=error,
                retry_after_s=parse_retry_after(response.headers.get("retry-after")),
                location=response.headers.get("location"),
                duration_ms=elapsed(),
            )
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        return Outcome(None, f"invalid URL: {exc}", permanent=True, duration_ms=elapsed())
    except TimeoutError:
        return Outcome(None, f"timeout: the attempt took over {timeout_s:g}s", duration_ms=elapsed())
    except httpx.TimeoutException as exc:
        return Outcome(None, f"timeout after {timeout_s:g}s ({type(exc).__name__})", duration_ms=elapsed())
    except httpx.TransportError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, duration_ms=elapsed())
