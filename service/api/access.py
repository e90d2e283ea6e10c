"""Who may call the API, and how often: API keys (kept hashed), a per-key rate limit, and a limit
on failed keys per client address, so that guessing keys is slow.

Both limits count fixed windows (a window opens at the first request and lasts the limit's
period). With a store they count in the database, so they hold across every worker process and
replica on it (`service.store.rate_limits`); without one, in this process's memory.

An API key is a tenant: what it stores and the jobs it starts are its own (`Caller.tenant`).
Without keys there is one tenant, `public`, shared by every caller (and the command line)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError

from service.config import Settings
from service.errors import RateLimited, Unauthorized
from service.tenancy import PUBLIC_TENANT

log = logging.getLogger(__name__)

# Wrong keys one client address may send before it must wait: a key-guessing loop gets this many a minute.
AUTH_FAILURES = parse("20/minute")


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class Access:
    """Built once at start-up; `check` runs on every API request."""

    def __init__(self, settings: Settings, counters: Storage | None = None) -> None:
        """`counters`: where the limits count (the store's, shared by every process); memory by default."""
        raw = settings.api_keys.get_secret_value() if settings.api_keys else ""
        self._key_hashes = [_digest(k.strip()) for k in raw.split(",") if k.strip()]
        self._limit = parse(settings.rate_limit) if settings.rate_limit.strip() else None
        self._limiter = FixedWindowRateLimiter(counters or MemoryStorage())

    @property
    def keys_required(self) -> bool:
        return bool(self._key_hashes)

    async def identify(self, request: Request) -> str:
        """The caller's tenant; 401 when keys are required and this one is not valid. A client
        address that sent too many wrong keys gets 429 before its key is even looked at."""
        if not self._key_hashes:
            return PUBLIC_TENANT
        address = "auth-failures:" + (request.client.host if request.client else "unknown")
        if not await self._allowed(self._limiter.test, AUTH_FAILURES, address):
            wait = await self._wait(AUTH_FAILURES, address)
            raise RateLimited(
                f"too many requests with a wrong API key from this address; retry in {wait} s", retry_after=wait
            )
        presented = _presented_key(request)
        if presented is None:
            raise Unauthorized("send your API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'")
        digest = _digest(presented)
        # Compare with every stored hash, in constant time, so timing says nothing about which matched.
        matched = [hmac.compare_digest(digest, known) for known in self._key_hashes]
        if not any(matched):
            await self._allowed(self._limiter.hit, AUTH_FAILURES, address)
            raise Unauthorized("the API key is not valid")
        return "key:" + digest.hex()[:16]

    async def check(self, request: Request) -> str:
        """`identify`, then the rate limit of that key (of the client address without keys)."""
        tenant = await self.identify(request)
        counted = tenant if self._key_hashes else "ip:" + (request.client.host if request.client else "unknown")
        if self._limit is not None and not await self._allowed(self._limiter.hit, self._limit, counted):
            wait = await self._wait(self._limit, counted)
            raise RateLimited(f"rate limit of {self._limit} exceeded; retry in {wait} s", retry_after=wait)
        return tenant

    async def _allowed(
        self, count: Callable[[RateLimitItem, str], Awaitable[bool]], limit: RateLimitItem, key: str
    ) -> bool:
        """`count` (a hit or a test); when the counters cannot be reached, the request is let through
        (logged): the database being down is no reason to refuse what the rest may still serve."""
        try:
            return await count(limit, key)
        except StorageError as error:
            log.warning("rate limit not counted: its counters are unreachable (%s)", type(error.storage_error).__name__)
            return True

    async def _wait(self, limit: RateLimitItem, key: str) -> int:
        """Seconds until the window that refused the request ends."""
        try:
            reset, _remaining = await self._limiter.get_window_stats(limit, key)
        except StorageError:
            return 1
        return max(1, int(reset - time.time()) + 1)


def _presented_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return request.headers.get("x-api-key") or None
