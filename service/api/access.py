"""Who may call the API, and how often: API keys (kept hashed) and a per-key rate limit."""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import Request
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from service.config import Settings
from service.errors import RateLimited, Unauthorized


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

    def identify(self, request: Request) -> str:
        """The caller's identity for rate limiting; 401 when keys are required and this one is not valid."""
        if not self._key_hashes:
            return "ip:" + (request.client.host if request.client else "unknown")
        presented = _presented_key(request)
        if presented is None:
            raise Unauthorized("send your API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'")
        digest = _digest(presented)
        # Compare with every stored hash, in constant time, so timing says nothing about which matched.
        matched = [hmac.compare_digest(digest, known) for known in self._key_hashes]
        if not any(matched):
            raise Unauthorized("the API key is not valid")
        return "key:" + digest.hex()[:16]

    async def check(self, request: Request) -> str:
        identity = self.identify(request)
        if self._limit is not None and not await self._limiter.hit(self._limit, identity):
            reset, _remaining = await self._limiter.get_window_stats(self._limit, identity)
            wait = max(1, int(reset - time.time()) + 1)
            raise RateLimited(f"rate limit of {self._limit} exceeded; retry in {wait} s", retry_after=wait)
        return identity


def _presented_key(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return request.headers.get("x-api-key") or None
