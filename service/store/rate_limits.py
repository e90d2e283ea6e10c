"""The rate-limit counters kept in the database, as a storage for the `limits` library.

Why: counted in each process's memory, a key got its limit once per worker process and once per
replica ("with N workers, up to N times the limit"). Counted in the one database they share, the
limit holds across all of them. `limits` keeps its strategies; this is only where it counts: one
row per limit and caller, updated by one INSERT ... ON CONFLICT statement, so two processes
counting the same hit at the same moment both see the sum. It serves the fixed-window strategy
(a window opens at its first hit), which needs nothing more than a counter and its end.
"""

from __future__ import annotations

import math
import time

from limits.aio.storage import Storage
from sqlalchemy.exc import SQLAlchemyError

from service.store.sql import SqlStore

SWEEP_EVERY_S = 60.0  # ended windows are deleted this often (by each process), so the table stays small


class StoreRateStorage(Storage):
    """A `limits` async storage over the store's `rate_windows` table."""

    STORAGE_SCHEME = None  # built directly, never from a URI

    def __init__(self, store: SqlStore) -> None:
        super().__init__(wrap_exceptions=True)  # a database error reaches the caller as limits' StorageError
        self._store = store
        self._next_sweep = 0.0  # time.monotonic() value

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + SWEEP_EVERY_S
            await self._store.forget_rate_windows(ended_only=True)
        return await self._store.count_hits(key, amount, float(expiry))

    async def get(self, key: str) -> int:
        window = await self._store.rate_window(key)
        return window[0] if window is not None else 0

    async def get_expiry(self, key: str) -> float:
        window = await self._store.rate_window(key)
        return window[1] if window is not None else math.floor(time.time())

    async def check(self) -> bool:
        return await self._store.ping()

    async def reset(self) -> int | None:
        return await self._store.forget_rate_windows()

    async def clear(self, key: str) -> None:
        await self._store.forget_rate_windows(key)
