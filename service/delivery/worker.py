"""The delivery loop: pending webhooks and Slack messages, from the store, until each settles.

Everything goes through the store first (`enqueue_*` persists before it returns), so nothing
is lost on a crash or restart: a new `Deliveries` on the same database picks up what is still
pending, under the same id. Delivery is at least once: an attempt cut off by `stop()` after the
receiver got it is not recorded and is sent again, with the same `webhook-id`, for the receiver
to de-duplicate. Who attempts what: with a work queue (PostgreSQL), each delivery is handed to it
and any worker of the fleet attempts it (`attempt_by_id`); without one (SQLite), the loop here sends
them, in the one process `service.background.one_machine` chooses. A command-line run that sends
its own (`own_only`) runs its own loop and leaves every other delivery alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.exc import IntegrityError

from service.background.port import WorkQueue
from service.config import Settings
from service.delivery import policy, sender
from service.delivery.signing import Signer, new_message_id
from service.errors import WebhookSecretMissing
from service.store.sql import DeliveryRecord, SqlStore

log = logging.getLogger(__name__)

FINAL_STATES = frozenset({"delivered", "failed", "disabled"})
IDLE_POLL_S = 1.0  # re-read the table this often: another worker process may have added deliveries
ERROR_PAUSE_S = 1.0  # after the store fails to list due deliveries, before trying again
WRITE_FAILURE_PAUSE_S = 30.0  # after an attempt's outcome could not be recorded
# Attempts in flight to one host at most: receivers that are slow to answer (each attempt held up to
# WIREBRIEF_WEBHOOK_TIMEOUT_S) take a few slots, never all of them, so other tenants' deliveries go on.
PER_HOST_IN_FLIGHT = 4


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return ""


def _where(url: str) -> str:
    """Scheme and host only, for logs: Slack webhook URLs carry their secret in the path."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "<invalid url>"
    return f"{parsed.scheme}://{parsed.host}"


class Deliveries:
    """Sends what is enqueued, retries on the schedule, records every attempt."""

    def __init__(
        self,
        store: SqlStore,
        settings: Settings,
        *,
        client: httpx.AsyncClient | None = None,
        max_concurrency: int = 32,
        own_only: bool = False,
        queue: WorkQueue | None = None,
    ) -> None:
        """`own_only`: send only what this object enqueued (a CLI run beside a service on one database).
        `queue`: hand each delivery to it rather than to this object's loop."""
        self._store = store
        self._settings = settings
        self._client = client
        self._owns_client = client is None
        secret = settings.webhook_secret
        self._signer = Signer(secret.get_secret_value()) if secret else None
        self._max_concurrency = max(1, max_concurrency)
        self._rng = random.Random()
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()  # set (and replaced) whenever an attempt settles
        self._loop_task: asyncio.Task[None] | None = None
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._inflight_hosts: dict[str, int] = {}
        self._settled_during_read: set[str] = set()  # their rows as just read may be stale
        self._recording: set[asyncio.Future[None]] = set()
        self._own: set[str] | None = set() if own_only else None
        self._queue = queue

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the background loop; what a previous process left pending is picked up at once."""
        if self._loop_task is not None:
            return
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False, timeout=self._settings.webhook_timeout_s)
        self._loop_task = asyncio.create_task(self._run(), name="wirebrief-deliveries")

    async def stop(self) -> None:
        """Cancel the loop and the attempts in flight. A cancelled attempt is not recorded (it stays
        pending for the next start); one whose outcome is being written finishes writing first."""
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        inflight = list(self._inflight.values())
        for attempt in inflight:
            attempt.cancel()
        await asyncio.gather(*inflight, return_exceptions=True)
        if self._recording:
            await asyncio.gather(*self._recording, return_exceptions=True)
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- enqueue ---------------------------------------------------------------------------
    async def enqueue_webhook(
        self,
        url: str,
        event_type: str,
        data: dict[str, Any],
        *,
        job_id: str | None = None,
        delivery_id: str | None = None,
    ) -> str:
        """Persist a signed webhook and return its id (the `webhook-id` of every attempt).

        Refused when no secret is configured: a receiver cannot trust an unsigned webhook, and
        silently sending one would teach it not to check. A `delivery_id` that already exists
        (a job run again after a restart) is not enqueued twice: the first one stands.
        """
        if self._signer is None:
            raise WebhookSecretMissing(
                "set WIREBRIEF_WEBHOOK_SECRET (whsec_ + base64) to have results delivered to a webhook; "
                "webhooks are never sent unsigned"
            )
        payload = {"type": event_type, "timestamp": _now_iso(), "data": data}
        return await self._enqueue("webhook", url, payload, job_id, delivery_id)

    async def enqueue_slack(
        self, url: str, message: dict[str, Any], *, job_id: str | None = None, delivery_id: str | None = None
    ) -> str:
        """Persist a message for a Slack incoming webhook (not signed: Slack's URL is the secret)."""
        return await self._enqueue("slack", url, message, job_id, delivery_id)

    async def _enqueue(
        self, kind: str, url: str, payload: dict[str, Any], job_id: str | None, delivery_id: str | None
    ) -> str:
        sender.check_url(url)
        delivery_id = delivery_id or new_message_id()
        if await self._store.get_delivery(delivery_id) is not None:
            if self._own is not None:  # a resumed command-line run sends what is still pending of its own
                self._own.add(delivery_id)
                self._wake.set()
            return delivery_id
        # The body is fixed here: every attempt sends these exact bytes.
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        try:
            await self._store.add_delivery(delivery_id, job_id, kind, url, body)
        except IntegrityError:  # enqueued concurrently under the same id: the other one stands
            if await self._store.get_delivery(delivery_id) is None:
                raise
        if self._own is not None:
            self._own.add(delivery_id)
        await self._hand_over(delivery_id, time.time())
        return delivery_id

    async def _hand_over(self, delivery_id: str, due_at: float) -> None:
        if self._queue is None:
            self._wake.set()
            return
        try:
            await self._queue.delivery_enqueued(delivery_id, due_at)
        except Exception:  # it is stored: the queue's sweep finds it and queues it
            log.warning("delivery %s is stored but could not be queued now; the sweep will", delivery_id, exc_info=True)

    async def hand_over_pending(self, queue: WorkQueue) -> int:
        """Give what this (command-line) run enqueued and could not settle to the fleet's queue."""
        handed = 0
        for delivery_id in self._own or ():
            record = await self._store.get_delivery(delivery_id)
            if record is not None and record.state == "pending":
                await queue.delivery_enqueued(delivery_id, record.next_attempt_at)
                handed += 1
        return handed

    async def retry_now(self, ids: list[str]) -> None:
        """Those of these deliveries still pending are attempted now, not at their scheduled retry."""
        if ids:
            await self._store.make_due(ids)
            self._wake.set()

    async def attempt_by_id(self, delivery_id: str) -> float | None:
        """One attempt of a delivery the queue handed over, when it is due; returns when to try again
        (its next scheduled attempt, or in a second while its host has its share in flight), or None
        once it is settled (or gone)."""
        record = await self._store.get_delivery(delivery_id)
        if record is None or record.state in FINAL_STATES:
            return None
        if record.next_attempt_at > time.time() + 0.5:  # handed over early (by the sweep, or twice)
            return record.next_attempt_at
        host = _host(record.url)
        if self._inflight_hosts.get(host, 0) >= PER_HOST_IN_FLIGHT:
            return time.time() + 1.0
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False, timeout=self._settings.webhook_timeout_s)
        self._take_host(host)
        try:
            await self._attempt_once(record)
        finally:
            self._free_host(host)
        after = await self._store.get_delivery(delivery_id)
        return after.next_attempt_at if after is not None and after.state == "pending" else None

    # --- waiting (CLI) ---------------------------------------------------------------------
    async def drain(self, ids: list[str], timeout_s: float) -> list[DeliveryRecord]:
        """Wait until each of these deliveries is delivered, failed or disabled, or the timeout;
        return their records (with attempt history) as they stand then."""
        if self._loop_task is None:
            raise RuntimeError("Deliveries.start() must run before drain()")
        deadline = time.monotonic() + max(timeout_s, 0.0)
        while True:
            progress = self._progress  # taken before reading, so a settle in between is not missed
            records = [record for delivery_id in ids if (record := await self._store.get_delivery(delivery_id))]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or all(record.state in FINAL_STATES for record in records):
                return records
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):  # not wait_for: see `_run`
                    await progress.wait()

    # --- the loop --------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wait = await self._dispatch()
            except Exception:
                log.exception("delivery loop: the store failed; trying again")
                wait = ERROR_PAUSE_S
            # Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives as the
            # event is set (it returns the result instead), and `stop()` then waits for a loop that
            # never ends. `asyncio.timeout` lets the cancellation through.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _dispatch(self) -> float:
        """Start the due deliveries (up to the concurrency bound); return how long to sleep.

        Reads a little ahead of now, so the first delivery due later gives the wake-up time; ones
        already in flight are skipped (they are still `pending` in the store until recorded)."""
        self._settled_during_read.clear()
        now = time.time()
        horizon = now + IDLE_POLL_S
        limit = self._max_concurrency + len(self._inflight)
        passed_over: set[str] = set()  # URLs of hosts at their share: read past them to others' deliveries
        for _round in range(3):
            records = await self._store.due_deliveries(
                now=horizon, limit=limit, ids=self._own, other_than_urls=passed_over
            )
            for record in records:
                if record.id in self._inflight or record.id in self._settled_during_read:
                    continue  # in flight, or settled while we read: the next pass sees its new state
                if record.next_attempt_at > now:
                    return max(record.next_attempt_at - time.time(), 0.0)
                if len(self._inflight) >= self._max_concurrency:
                    return IDLE_POLL_S  # an attempt that ends wakes the loop
                host = _host(record.url)
                if self._inflight_hosts.get(host, 0) >= PER_HOST_IN_FLIGHT:
                    passed_over.add(record.url)  # that host has its share in flight; others go first
                    continue
                self._take_host(host)
                self._inflight[record.id] = asyncio.create_task(self._attempt(record), name=f"delivery-{record.id}")
            if len(records) < limit or not passed_over:
                break
        return IDLE_POLL_S

    def _take_host(self, host: str) -> None:
        self._inflight_hosts[host] = self._inflight_hosts.get(host, 0) + 1

    def _free_host(self, host: str) -> None:
        self._inflight_hosts[host] -= 1
        if not self._inflight_hosts[host]:
            del self._inflight_hosts[host]

    async def _attempt(self, record: DeliveryRecord) -> None:
        try:
            await self._attempt_once(record)
        except Exception:
            # The outcome could not be written (disk full, database gone): the row still says
            # "due", so hold this delivery back a while rather than re-send it in a tight loop.
            log.exception("delivery %s: could not record the attempt; holding it back", record.id)
            await asyncio.sleep(WRITE_FAILURE_PAUSE_S)
        finally:
            self._inflight.pop(record.id, None)
            self._free_host(_host(record.url))
            self._settled_during_read.add(record.id)
            self._wake.set()
            self._progress.set()
            self._progress = asyncio.Event()

    async def _attempt_once(self, record: DeliveryRecord) -> None:
        if await self._store.endpoint_disabled(record.url):
            await self._persist(self._settle(record, "disabled", "not attempted: endpoint disabled by an earlier 410"))
            return
        unsendable = self._unsendable(record)
        if unsendable:
            await self._persist(self._settle(record, "failed", f"not attempted: {unsendable}"))
            return
        try:
            headers: dict[str, str] = {}
            if record.kind == "webhook" and self._signer is not None:  # signed afresh: this attempt's timestamp
                headers = self._signer.headers(record.id, record.payload)
            assert self._client is not None, "start() creates the client"
            outcome = await sender.send(
                self._client,
                record.url,
                record.payload.encode("utf-8"),
                headers,
                timeout_s=self._settings.webhook_timeout_s,
                allowed=self._settings.allow_list,
            )
        except Exception as exc:  # a bug must not leave the delivery hot-looping: retry it on the schedule
            log.exception("delivery %s: attempt failed unexpectedly", record.id)
            outcome = policy.Outcome(None, f"internal error: {type(exc).__name__}: {exc}")
        decision = policy.decide(
            outcome,
            attempts_done=record.attempts + 1,
            schedule=self._settings.webhook_retry_schedule_s,
            now=time.time(),
            rng=self._rng,
        )
        await self._persist(self._record(record, outcome, decision))
        level = logging.INFO if decision.state in ("delivered", "pending") else logging.WARNING
        log.log(
            level,
            "delivery %s (%s to %s) attempt %d: %s%s",
            record.id,
            record.kind,
            _where(record.url),
            record.attempts + 1,
            decision.state,
            f" ({decision.error})" if decision.error else "",
        )

    def _unsendable(self, record: DeliveryRecord) -> str | None:
        """Why this delivery can never be sent as it stands, or None."""
        if record.kind == "webhook" and self._signer is None:
            return "WIREBRIEF_WEBHOOK_SECRET is no longer set, and webhooks are never sent unsigned"
        if record.kind not in ("webhook", "slack"):
            return f"unknown delivery kind {record.kind!r}"
        return None

    async def _persist(self, write: Coroutine[Any, Any, None]) -> None:
        """Run a store write to the end even when `stop()` cancels the attempt: an outcome is
        recorded once, or (if cancelled before this point) not at all."""
        future: asyncio.Future[None] = asyncio.ensure_future(write)
        self._recording.add(future)
        future.add_done_callback(self._recording.discard)
        await asyncio.shield(future)

    async def _record(self, record: DeliveryRecord, outcome: policy.Outcome, decision: policy.Decision) -> None:
        if decision.disable:
            await self._store.disable_endpoint(record.url, f"{decision.error} (delivery {record.id})")
        await self._store.record_attempt(
            record.id,
            state=decision.state,
            next_attempt_at=decision.next_attempt_at,
            status_code=outcome.status_code,
            error=decision.error,
            duration_ms=outcome.duration_ms,
        )

    async def _settle(self, record: DeliveryRecord, state: str, reason: str) -> None:
        """Close a delivery that is not attempted at all (no attempt row: nothing was sent)."""
        await self._store.settle_delivery(record.id, state, reason)
