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
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import socket
import time
from typing import cast

from service.store.sql import SqlStore

EXPIRY_MARGIN_S = 5.0  # past the call's deadline, for clocks that differ a little between machines
FIRST_PAUSE_S = 0.02
LAST_PAUSE_S = 0.25


class StoreLlmSlots:
    """`SharedSlots` over the store's `llm_slots` table."""

    def __init__(self, store: SqlStore, slots: int) -> None:
        self._store = store
        self._slots = slots
        self._process = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._calls = itertools.count()
        self._turn = asyncio.Lock()  # fair: the calls of this process ask in the order they came
        self._refused_at, self._pause = 0.0, FIRST_PAUSE_S  # the last refusal and the pause after it

    async def take(self, hold_s: float, wait_s: float) -> object | None:
        until = time.monotonic() + wait_s
        try:
            async with asyncio.timeout_at(until):
                await self._turn.acquire()
        except TimeoutError:
            return None
        try:
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
