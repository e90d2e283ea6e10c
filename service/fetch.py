"""Fetch a page a user named by URL, without letting the URL reach inside our network.

Every hop (the URL and each redirect) passes `netguard.check_url`, and the connection goes to
the address that was checked: the request is sent to that IP with the original Host header and
the host name as TLS SNI (certificates are still verified against the host name). Redirects are
followed here, not by httpx, so each one is checked; the body is capped while it streams and the
whole fetch, redirects included, runs under one deadline.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

import httpx

from service.errors import FetchFailed, PageTooLarge
from service.inflate import ENCODINGS as _ENCODINGS
from service.inflate import BoundedInflater, content_codings
from service.netguard import AllowList, IPAddress, ResolvedTarget, check_url
from service.textcodec import charset_parameter

USER_AGENT = "wirebrief/0.1 (article fetcher)"
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_READABLE = ("text/", "application/xhtml+xml", "application/xml")


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the URL asked for, the URL that answered, and the raw body."""

    url: str
    final_url: str
    content_type: str | None  # media type without parameters, lower case ("text/html")
    body: bytes
    charset: str | None  # the charset parameter of Content-Type, as sent


async def fetch_url(
    url: str,
    *,
    allowed: AllowList,
    max_bytes: int,
    timeout_s: float,
    max_redirects: int = 5,
    verify: ssl.SSLContext | bool = True,
) -> Fetched:
    """GET `url` (following at most `max_redirects` redirects) and return its body.

    Raises `UrlRefused` (a hop is not allowed), `PageTooLarge` (more than `max_bytes`) or
    `FetchFailed` (timeout, connection error, non-2xx status, not an HTML or text page).
    `verify` is passed to httpx: a context trusting a private CA, for tests or intranets.
    """
    try:
        async with asyncio.timeout(timeout_s):
            return await _follow(url, allowed, max_bytes, timeout_s, max_redirects, verify)
    except (TimeoutError, httpx.TimeoutException):
        raise FetchFailed(f"{url} did not answer in time (the limit is {timeout_s:g} s)") from None


async def _follow(
    url: str,
    allowed: AllowList,
    max_bytes: int,
    timeout_s: float,
    max_redirects: int,
    verify: ssl.SSLContext | bool,
) -> Fetched:
    current = url
    for _hop in range(max_redirects + 1):
        target = await check_url(current, allowed)
        # A fresh client per hop: a pooled connection to the same IP must not carry another host's TLS session.
        async with httpx.AsyncClient(
            trust_env=False,  # a proxy from the environment would resolve the name again, defeating the check
            verify=verify,
            timeout=timeout_s,
            follow_redirects=False,
        ) as client:
            location = await _get(client, target, url, max_bytes)
        if isinstance(location, Fetched):
            return location
        current = location
    raise FetchFailed(f"{url} redirected more than {max_redirects} times")


async def _get(client: httpx.AsyncClient, target: ResolvedTarget, asked: str, max_bytes: int) -> Fetched | str:
    """One hop: the page, or the absolute URL it redirects to. Tries each checked address in turn
    (a name may resolve to an IPv6 and an IPv4 address, and only one may answer)."""
    failure: httpx.ConnectError | None = None
    for ip in target.addresses:
        try:
            return await _get_from(client, target, ip, asked, max_bytes)
        except httpx.ConnectError as error:
            failure = error
    raise FetchFailed(f"could not connect to {target.host_header}: {failure}")


async def _get_from(
    client: httpx.AsyncClient, target: ResolvedTarget, ip: IPAddress, asked: str, max_bytes: int
) -> Fetched | str:
    pinned = httpx.URL(target.url).copy_with(host=str(ip))
    headers = {"Host": target.host_header, "User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": _ENCODINGS}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    try:
        async with client.stream("GET", pinned, headers=headers, extensions=extensions) as response:
            if response.is_redirect:
                location = response.headers.get("location", "").strip()
                if not location:
                    status = response.status_code
                    raise FetchFailed(f"{target.url} answered {status} without saying where to (no Location header)")
                return str(httpx.URL(target.url).join(location))
            if not response.is_success:
                raise FetchFailed(f"{target.url} answered {response.status_code} {response.reason_phrase}".rstrip())
            content_type, charset = _content_type(response.headers.get("content-type"))
            layers = content_codings(response.headers.get("content-encoding"), target.url)
            if content_type is not None and not content_type.startswith(_READABLE):
                raise FetchFailed(f"{target.url} is {content_type}, not an HTML or text page")
            body = await _read_capped(response, layers, max_bytes)
    except (httpx.ConnectError, httpx.TimeoutException):
        raise
    except httpx.InvalidURL as error:
        raise FetchFailed(f"{target.url} redirected to an invalid URL: {error}") from None
    except httpx.HTTPError as error:
        raise FetchFailed(f"fetching {target.url} failed: {error}") from None
    return Fetched(url=asked, final_url=target.url, content_type=content_type, body=body, charset=charset)


async def _read_capped(response: httpx.Response, layers: list[str], max_bytes: int) -> bytes:
    """Read the body, undoing its content codings here (not in httpx, which inflates a whole
    network chunk at once: 2 KB of nested gzip would become a gigabyte in memory before any check),
    and stop as soon as any layer's output passes `max_bytes`."""
    declared = response.headers.get("content-length", "")
    if not layers and declared.isdigit() and int(declared) > max_bytes:
        raise PageTooLarge(f"the page is larger than {max_bytes} bytes (it declares {int(declared)})")
    inflate = BoundedInflater(layers, max_bytes)
    chunks: list[bytes] = []
    async for raw in response.aiter_raw():
        chunks.extend(inflate.feed(raw))
    chunks.extend(inflate.finish())
    return b"".join(chunks)


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    """("text/html", "utf-8") from "text/html; charset=utf-8"."""
    if not header:
        return None, None
    return header.split(";", 1)[0].strip().lower() or None, charset_parameter(header)
