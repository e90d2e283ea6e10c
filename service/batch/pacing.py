"""How many articles a batch keeps in flight: all it may until the provider says 429, then half,
all workers pausing together for the Retry-After, then one more per window of successes."""

from __future__ import annotations

import asyncio
import time


class AdaptiveLimit:
    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.limit = maximum
        self.active = 0
        self.paused_until = 0.0
        self._successes = 0
        self._changed = asyncio.Condition()

    def on_rate_limited(self, retry_after: float | None) -> None:
        """Called by the LLM transport on each 429: one cut per pause, however many calls saw it."""
        now = time.monotonic()
        if now < self.paused_until:
            return
        self.limit = max(1, self.limit // 2)
        self._successes = 0
        self.paused_until = now + (retry_after if retry_after is not None else 1.0)

    async def acquire(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.active < self.limit)
            self.active += 1
        pause = self.paused_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)

    async def release(self, succeeded: bool) -> None:
        async with self._changed:
            self.active -= 1
            if succeeded:
                self._successes += 1
                if self._successes >= self.limit and self.limit < self.maximum:
                    self.limit += 1
                    self._successes = 0
            self._changed.notify_all()
