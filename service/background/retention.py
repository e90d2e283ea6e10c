"""WIREBRIEF_RETENTION_DAYS: what is finished and older than that is deleted, once an hour, by
whichever process does the background duties (either way of doing them)."""

from __future__ import annotations

import logging
import time

from service.store import SqlStore

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 3600.0


async def apply_retention(store: SqlStore, retention_s: float) -> None:
    removed = await store.prune(before=time.time() - retention_s)
    if any(removed.values()):
        log.info("retention: deleted %s", ", ".join(f"{n} {what}" for what, n in removed.items() if n))
