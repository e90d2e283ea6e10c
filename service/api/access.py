"""Who may call the API, and how often: API keys (kept hashed), a per-key rate limit, and a limit
on failed keys per client address, so that guessing keys is slow.

An API key is a tenant: what it stores and the jobs it starts are its own (`Caller.tenant`).
Without keys there is one tenant, `public`, shared by every caller (and the command line)."""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from service.config import Settings
from service.errors import RateLimited, Unauthorized
from service.tenancy import PUBLIC_TENANT

# Wrong keys one client address may send before it must wait: a key-guessing loop gets this many a minute.
AUTH_FAILURES = parse("20/minute")


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class Access:
    """Built once at start-up; `check` runs on every API request."""

    def __init__(self, settings: Settings) -> None:
        raw = settings.api_keys.get_secret_value() if settings.api_keys else ""
        self._key_hashes = [_digest(k.strip()) for k in raw.split(",") if k.strip()]
        self._limit = parse(settings.rate_limit) if settings.rate_limit.strip() else None
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @property
    def keys_required(self) -> bool:
        return bool(self._key_hashes)

    async def identify(self, request: Request) -> str:
        """The caller's tenant; 401 when keys are required and this one is not valid. A client
        address that sent too many wrong keys gets 429 before its key is even looked at."""
        if not self._key_hashes:
            return PUBLIC_TENANT
        address = "auth-failures:" + (request.client.host if request.client else "unknown")
        if not await self._limiter.test(AUTH_FAILURES, address):
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
            await self._limiter.hit(AUTH_FAILURES, address)
            raise Unauthorized("the API key is not valid")
        return "key:" + digest.hex()[:16]

    async def check(self, request: Request) -> str:
        """`identify`, then the rate limit of that key (of the client address without keys)."""
        tenant = await self.identify(request)
        counted = tenant if self._key_hashes else "ip:" + (request.client.host if request.client else "unknown")
        if self._limit is not None and not await self._limiter.hit(self._limit, counted):
            wait = await self._wait(self._limit, counted)
            raise RateLimited(f"rate limit of {self._limit} exceeded; retry in {wait} s", retry_after=wait)
        return tenant

    async def _wait(self, limit: RateLimitItem, key: str) -> int:
        reset, _remaining = await self._limiter.get_window_stats(limit, key)
        return max(1, int(reset - time.time()) + 1)


def _presented_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return request.headers.get("x-api-key") or None
