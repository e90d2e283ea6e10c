"""What the jobs and deliveries need from a work queue: to hand it what they have just stored.

Both store first, then hand over: a process that dies between the two leaves a row the queue's
sweep finds (`service.background.queue`), so nothing accepted is lost.
"""

from __future__ import annotations

from typing import Protocol


class WorkQueue(Protocol):
    async def job_accepted(self, job_id: str) -> None:
        """A job is stored: some worker is to run it."""

    async def delivery_enqueued(self, delivery_id: str, due_at: float) -> None:
        """A delivery is stored (or still pending): some worker is to attempt it at `due_at`."""
