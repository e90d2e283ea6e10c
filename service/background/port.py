"""What the jobs and deliveries need from a work queue: to hand it what they have just stored.

Both store first, then hand over: a process that dies between the two leaves a row the queue's
sweep finds (`service.background.queue`), so nothing accepted is lost.
"""

from __future__ import annotations

from typing import Protocol


class RunLater(Exception):
    """Raised by work the queue handed over, to have it handed over again at `at` (time.time()):
    a delivery's next retry, an analysis that found every LLM slot of the fleet busy."""

    def __init__(self, at: float) -> None:
        super().__init__(f"again at {at:.3f}")
        self.at = at


class WorkQueue(Protocol):
    async def job_accepted(self, job_id: str) -> None:
        """A job is stored: some worker is to run it."""

    async def delivery_enqueued(self, delivery_id: str, due_at: float) -> None:
        """A delivery is stored (or still pending): some worker is to attempt it at `due_at`."""
