"""The LLM slots counted in the database, so `WIREBRIEF_MAX_LLM_IN_FLIGHT` caps the calls of every
worker process and replica together, not of each.

Why: the cap protects the LLM server (a self-hosted one serves so many at once; a provider's
account allows so many). Per process, N replicas made N times the calls it was set to allow. A
slot is a row taken by one UPDATE (PostgreSQL skips rows others are taking; SQLite has one
writer); a call frees it when it ends, and a holder that dies frees it at its expiry, which is
the call's own deadline: never later than the call could have lasted.

While every slot is taken, the calls of one process wait their turn, and only the first asks the
database again (20 ms, then less and less often, up to every 250 ms): however many wait, each
process adds a few statements a second, not one per waiting call.

A 429 from the LLM pauses every process: its Retry-After is written to the database, and no call
takes a slot before it ends. Each process reads the pause at most once a second, so a pause reaches
the whole fleet within about a second; calls already in flight retry after it on their own.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import socket
import time
from typing import cast

from service.store.sql import SqlStore

log = logging.getLogger(__name__)

EXPIRY_MARGIN_S = 5.0  # past the call's deadline, for clocks that differ a little between machines
FIRST_PAUSE_S = 0.02
LAST_PAUSE_S = 0.25
PAUSE_READ_EVERY_S = 1.0


class StoreLlmSlots:
    """`SharedSlots` over the store's `llm_slots` table."""

    def __init__(self, store: SqlStore, slots: int) -> None:
        self._store = store
        self._slots = slots
        self._process = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._calls = itertools.count()
        self._turn = asyncio.Lock()  # fair: the calls of this process ask in the order they came
        self._refused_at, self._pause = 0.0, FIRST_PAUSE_S  # the last refusal and the pause after it
        self._paused_until = 0.0  # the fleet's pause (time.time()), as last read or announced here
        self._pause_read_at = -PAUSE_READ_EVERY_S  # time.monotonic() of the last read
        self._writes: set[asyncio.Task[None]] = set()

    async def take(self, hold_s: float, wait_s: float) -> object | None:
        until = time.monotonic() + wait_s
        try:
            async with asyncio.timeout_at(until):
                await self._turn.acquire()
        except TimeoutError:
            return None
        try:
            paused = await self._paused_for()
            if paused > 0:  # the LLM asked the fleet to wait: no slot before then
                if time.monotonic() + paused > until:
                    return None
                await asyncio.sleep(paused)
            while True:
                ask_at = self._refused_at + self._pause  # the process's pace, whichever call asks
                if ask_at > until:
                    return None
                await asyncio.sleep(max(ask_at - time.monotonic(), 0.0))
                ticket = await self._take_once(hold_s)
                if ticket is not None:
                    self._refused_at, self._pause = 0.0, FIRST_PAUSE_S
                    return ticket
                self._refused_at, self._pause = time.monotonic(), min(self._pause * 2, LAST_PAUSE_S)
        finally:
            self._turn.release()

    async def _take_once(self, hold_s: float) -> tuple[int, str] | None:
        holder = f"{self._process}:{next(self._calls)}"
        slot = await self._store.take_llm_slot(holder, self._slots, hold_s + EXPIRY_MARGIN_S)
        return (slot, holder) if slot is not None else None

    async def give_back(self, ticket: object) -> None:
        slot, holder = cast(tuple[int, str], ticket)  # what `take` returned
        await self._store.free_llm_slot(slot, holder)
        self._refused_at, self._pause = 0.0, FIRST_PAUSE_S  # a slot is free now: the next in turn asks at once

    def pause(self, retry_after: float | None) -> None:
        """Told by the LLM's transport of a 429: this process waits at once, the others once they read it."""
        until = time.time() + (retry_after if retry_after is not None else 1.0)
        if until <= self._paused_until + 0.5:  # the same pause, seen by another call
            return
        self._paused_until = until
        write = asyncio.get_running_loop().create_task(self._store.pause_llm(until))
        self._writes.add(write)
        write.add_done_callback(self._written)

    def _written(self, write: asyncio.Task[None]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:  # the others learn of it by their own 429s
            log.warning("the LLM's pause could not be shared: %s", type(write.exception()).__name__)

    async def _paused_for(self) -> float:
        """Seconds left of the fleet's pause, read from the database at most once a second."""
        if time.monotonic() - self._pause_read_at >= PAUSE_READ_EVERY_S:
            self._pause_read_at = time.monotonic()
            try:
                self._paused_until = max(self._paused_until, await self._store.llm_paused_until())
            except Exception:  # the slots themselves will say whether the store is down
                log.debug("the LLM's pause could not be read", exc_info=True)
        return self._paused_until - time.time()
