"""The LLM slots counted in the database, so `WIREBRIEF_MAX_LLM_IN_FLIGHT` caps the calls of every
worker process and replica together, not of each.

Why: the cap protects the LLM server (a self-hosted one serves so many at once; a provider's
account allows so many). Per process, N replicas made N times the calls it was set to allow. A
slot is a row taken by one UPDATE (PostgreSQL skips rows others are taking; SQLite has one
writer); a call frees it when it ends, and a holder that dies frees it at its expiry, which is
the call's own deadline: never later than the call could have lasted.
"""

from __future__ import annotations

import itertools
import os
import secrets
import socket
from typing import cast

from service.store.sql import SqlStore

EXPIRY_MARGIN_S = 5.0  # past the call's deadline, for clocks that differ a little between machines


class StoreLlmSlots:
    """`SharedSlots` over the store's `llm_slots` table."""

    def __init__(self, store: SqlStore, slots: int) -> None:
        self._store = store
        self._slots = slots
        self._process = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._calls = itertools.count()

    async def take(self, hold_s: float) -> object | None:
        holder = f"{self._process}:{next(self._calls)}"
        slot = await self._store.take_llm_slot(holder, self._slots, hold_s + EXPIRY_MARGIN_S)
        return (slot, holder) if slot is not None else None

    async def give_back(self, ticket: object) -> None:
        slot, holder = cast(tuple[int, str], ticket)  # what `take` returned
        await self._store.free_llm_slot(slot, holder)
