"""Outbound webhooks against a real receiver process on loopback: signed, retried, disabled on
410, resumed after a restart, never redirected. The receiver verifies each request with the
`standardwebhooks` package, not with our code."""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from standardwebhooks import Webhook

from service.config import Settings
from service.delivery import Deliveries, InvalidDeliveryUrl, WebhookSecretMissing
from service.delivery.policy import Outcome, decide, retry_delay
from service.delivery.sender import parse_retry_after
from service.delivery.signing import Signer, new_message_id
from service.store import DeliveryRecord, SqlStore, open_store
from tests.support import DATA, SECRET, Receiver, eventually, free_port, received
from tests.support import delivery_settings as settings

pytestmark = pytest.mark.both_databases  # the store's users run on SQLite and PostgreSQL

FAST = [0.05, 0.1, 0.2]


@pytest.fixture
async def deliveries(store: SqlStore) -> AsyncIterator[Callable[..., Deliveries]]:
    """`deliveries(**settings)` -> a started `Deliveries` on the test's store, stopped at the end."""
    made: list[Deliveries] = []

    async def make(store_: SqlStore | None = None, **overrides: Any) -> Deliveries:
        worker = Deliveries(store_ or store, settings(**overrides), max_concurrency=4)
        await worker.start()
        made.append(worker)
        return worker

    yield make  # type: ignore[misc]
    for worker in made:
        await worker.stop()


def codes(record: DeliveryRecord) -> list[int | None]:
    return [attempt["status_code"] for attempt in record.history]


# --- end to end, against the receiver process ---------------------------------------------------


async def test_webhook_arrives_signed_and_verifiable(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    process, record = receiver()
    worker = await deliveries()
    delivery_id = await worker.enqueue_webhook(process.url + "/hook", "brief.completed", DATA, job_id=None)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "delivered", result
    assert codes(result) == [200]
    [got] = received(record)
    assert got["verified"] is True, got["error"]
    assert got["webhook_id"] == delivery_id
    assert re.fullmatch(r"msg_[0-9A-HJKMNP-TV-Z]{26}", delivery_id)
    assert got["body"]["type"] == "brief.completed"
    assert got["body"]["data"] == DATA
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", got["body"]["timestamp"])
    assert got["headers"]["content-type"] == "application/json"
    assert abs(int(got["headers"]["webhook-timestamp"]) - time.time()) < 30
    # and a receiver that checks it independently of the test receiver agrees
    Webhook(SECRET).verify(got["raw"].encode(), got["headers"])


async def test_down_receiver_gets_it_on_the_third_attempt_with_the_same_id(
    receiver: Callable[..., Receiver], deliveries: Any
) -> None:
    process, record = receiver("--down-first", "2")
    worker = await deliveries()
    delivery_id = await worker.enqueue_webhook(process.url, "brief.completed", DATA)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "delivered"
    assert result.attempts == 3
    assert codes(result) == [503, 503, 200]
    assert result.history[0]["error"].startswith("HTTP 503")
    assert all(attempt["duration_ms"] >= 0 for attempt in result.history)
    got = received(record)
    assert [line["webhook_id"] for line in got] == [delivery_id] * 3
    assert all(line["verified"] for line in got)
    assert len({line["raw"] for line in got}) == 1  # the same body bytes every time
    for line in got:  # each attempt signed afresh with its own timestamp
        assert abs(int(line["headers"]["webhook-timestamp"]) - line["received_at"]) < 2


async def test_410_disables_the_endpoint(receiver: Callable[..., Receiver], deliveries: Any, store: SqlStore) -> None:
    process, record = receiver("--gone")
    worker = await deliveries()
    first = await worker.enqueue_webhook(process.url, "brief.completed", DATA)
    [gone] = await worker.drain([first], timeout_s=10)

    assert gone.state == "disabled"
    assert codes(gone) == [410]
    assert await store.endpoint_disabled(process.url)

    later = await worker.enqueue_webhook(process.url, "brief.failed", DATA)
    [skipped] = await worker.drain([later], timeout_s=10)
    assert skipped.state == "disabled"
    assert skipped.history == []  # not attempted
    assert "410" in (skipped.last_error or "")
    assert len(received(record)) == 1


async def test_429_retry_after_is_waited(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    process, record = receiver("--down-first", "1", "--down-status", "429", "--retry-after", "1")
    worker = await deliveries(webhook_retry_schedule_s=[0.05, 0.05])
    delivery_id = await worker.enqueue_webhook(process.url, "brief.completed", DATA)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "delivered"
    assert codes(result) == [429, 200]
    first, second = received(record)
    # The receiver's own clock: the retry came at least Retry-After (1 s) later, not the 0.05 s step.
    assert second["received_at"] - first["received_at"] >= 1.0
    assert result.history[1]["at"] - result.history[0]["at"] >= 0.9


async def test_pending_delivery_is_resumed_by_a_new_process_with_the_same_id(
    receiver: Callable[..., Receiver], database_url: str
) -> None:
    process, record = receiver("--down-first", "1")
    store_a = await open_store(database_url)
    worker_a = Deliveries(store_a, settings(webhook_retry_schedule_s=[1.0]))
    await worker_a.start()
    delivery_id = await worker_a.enqueue_webhook(process.url, "brief.completed", DATA)
    await eventually(lambda: len(received(record)) == 1)
    await asyncio.sleep(0.1)  # let it record the 503
    await worker_a.stop()
    await store_a.close()
    left = received(record)
    assert [line["status"] for line in left] == [503]

    store_b = await open_store(database_url)  # "the restart": a new store and worker on the same file
    worker_b = Deliveries(store_b, settings())
    try:
        pending = await store_b.get_delivery(delivery_id)
        assert pending is not None and pending.state == "pending" and pending.attempts == 1
        await worker_b.start()
        [result] = await worker_b.drain([delivery_id], timeout_s=10)
    finally:
        await worker_b.stop()
        await store_b.close()

    assert result.state == "delivered"
    assert codes(result) == [503, 200]
    got = received(record)
    assert [line["webhook_id"] for line in got] == [delivery_id, delivery_id]
    assert all(line["verified"] for line in got)


async def test_stop_during_an_attempt_records_nothing_and_the_next_process_sends_it(
    receiver: Callable[..., Receiver], database_url: str
) -> None:
    process, record = receiver("--slow-first", "1", "--slow-s", "5")
    store_a = await open_store(database_url)
    worker_a = Deliveries(store_a, settings())
    await worker_a.start()
    delivery_id = await worker_a.enqueue_webhook(process.url, "brief.completed", DATA)
    await eventually(lambda: len(received(record)) == 1)  # the receiver has it and is slow to answer
    await worker_a.stop()
    cut_off = await store_a.get_delivery(delivery_id)
    await store_a.close()
    assert cut_off is not None
    assert (cut_off.state, cut_off.attempts, cut_off.history) == ("pending", 0, [])

    store_b = await open_store(database_url)
    worker_b = Deliveries(store_b, settings())
    try:
        await worker_b.start()
        [result] = await worker_b.drain([delivery_id], timeout_s=10)
    finally:
        await worker_b.stop()
        await store_b.close()
    assert result.state == "delivered"
    assert codes(result) == [200]  # one recorded attempt, not two
    assert [line["webhook_id"] for line in received(record)] == [delivery_id, delivery_id]


async def test_redirect_is_not_followed(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    target, target_record = receiver()
    process, record = receiver("--redirect-to", target.url + "/elsewhere")
    worker = await deliveries()
    delivery_id = await worker.enqueue_webhook(process.url, "brief.completed", DATA)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "failed"
    assert codes(result) == [307]  # one attempt: a redirect is not retried either
    assert "redirect" in (result.last_error or "") and "/elsewhere" in (result.last_error or "")
    assert len(received(record)) == 1
    assert received(target_record) == []


async def test_other_4xx_fails_at_once_and_5xx_gives_up_after_the_schedule(
    receiver: Callable[..., Receiver], deliveries: Any
) -> None:
    rejecting, _ = receiver("--status-after", "400")
    broken, _ = receiver("--down-first", "100")
    worker = await deliveries(webhook_retry_schedule_s=[0.01, 0.01])
    bad = await worker.enqueue_webhook(rejecting.url, "brief.completed", DATA)
    down = await worker.enqueue_webhook(broken.url, "brief.completed", DATA)

    rejected, gave_up = await worker.drain([bad, down], timeout_s=10)

    assert (rejected.state, codes(rejected)) == ("failed", [400])
    assert (gave_up.state, codes(gave_up)) == ("failed", [503, 503, 503])
    assert "gave up after 3 attempts" in (gave_up.last_error or "")


async def test_connection_refused_is_retried(deliveries: Any) -> None:
    worker = await deliveries(webhook_retry_schedule_s=[0.01])
    delivery_id = await worker.enqueue_webhook(f"http://127.0.0.1:{free_port()}/", "brief.completed", DATA)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "failed"
    assert codes(result) == [None, None]
    assert "ConnectError" in (result.history[0]["error"] or "")


async def test_slack_messages_are_sent_unsigned(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    process, record = receiver("--slack")
    worker = await deliveries(webhook_secret=None)  # Slack needs no webhook secret
    message = {"text": "Erdoğan, Putin agree to meet", "blocks": []}
    delivery_id = await worker.enqueue_slack(process.url + "/services/T0/B0/x", message)

    [result] = await worker.drain([delivery_id], timeout_s=10)

    assert result.state == "delivered"
    [got] = received(record)
    assert got["body"] == message
    assert "webhook-signature" not in got["headers"]


async def test_many_deliveries_all_arrive_once(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    process, record = receiver()
    worker = await deliveries()
    ids = [await worker.enqueue_webhook(process.url, "brief.completed", {"n": n}) for n in range(20)]

    results = await worker.drain(ids, timeout_s=20)

    assert [r.state for r in results] == ["delivered"] * 20
    assert sorted(line["webhook_id"] for line in received(record)) == sorted(ids)


async def test_the_same_delivery_id_is_enqueued_once(receiver: Callable[..., Receiver], deliveries: Any) -> None:
    process, record = receiver()
    worker = await deliveries()
    first = await worker.enqueue_webhook(process.url, "brief.completed", DATA, delivery_id="msg_job1webhook")
    again = await worker.enqueue_webhook(process.url, "brief.completed", DATA, delivery_id="msg_job1webhook")
    assert first == again == "msg_job1webhook"
    await worker.drain([first], timeout_s=10)
    assert len(received(record)) == 1


# --- refusals and settings -----------------------------------------------------------------------


async def test_a_webhook_without_a_secret_is_refused(deliveries: Any) -> None:
    worker = await deliveries(webhook_secret=None)
    with pytest.raises(WebhookSecretMissing) as refused:
        await worker.enqueue_webhook("http://127.0.0.1:9/", "brief.completed", DATA)
    assert (refused.value.status, refused.value.type) == (422, "webhook-secret-missing")
    assert "WIREBRIEF_WEBHOOK_SECRET" in refused.value.detail


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http:///nohost"])
async def test_an_unusable_url_is_refused_at_enqueue(deliveries: Any, url: str) -> None:
    worker = await deliveries()
    with pytest.raises(InvalidDeliveryUrl):
        await worker.enqueue_webhook(url, "brief.completed", DATA)


@pytest.mark.parametrize("secret", ["not-whsec", "whsec_!!!not base64!!!", "whsec_"])
def test_settings_reject_a_secret_not_in_whsec_form(secret: str) -> None:
    with pytest.raises(ValidationError, match="WIREBRIEF_WEBHOOK_SECRET must be 'whsec_'"):
        Settings(webhook_secret=SecretStr(secret))


def test_settings_read_the_delivery_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIREBRIEF_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S", "[1, 2.5]")
    monkeypatch.setenv("WIREBRIEF_SLACK_SIGNING_SECRET", "")
    monkeypatch.setenv("WIREBRIEF_PUBLIC_BASE_URL", "https://brief.example.org/")
    loaded = Settings()
    assert loaded.webhook_secret is not None and loaded.webhook_secret.get_secret_value() == SECRET
    assert loaded.webhook_retry_schedule_s == [1.0, 2.5]
    assert loaded.slack_signing_secret is None
    assert loaded.public_base_url == "https://brief.example.org"
    assert SECRET not in repr(loaded)


# --- the pieces, without a network ---------------------------------------------------------------


def test_signer_headers_verify_with_standardwebhooks() -> None:
    body = json.dumps({"type": "brief.completed", "data": {"é": 1}}, ensure_ascii=False)
    headers = Signer(SECRET).headers("msg_x", body)
    assert Webhook(SECRET).verify(body.encode(), headers) == {"type": "brief.completed", "data": {"é": 1}}
    assert "secret" not in repr(Signer(SECRET)).lower().replace("<secret>", "")


def test_message_ids_are_unique_and_sort_by_time() -> None:
    ids = [new_message_id(now=1_700_000_000 + n) for n in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50


def test_schedule_with_jitter_and_give_up() -> None:
    schedule = [5, 300, 1800]
    rng = random.Random(7)
    delays = [retry_delay(n, schedule, rng=rng) for n in (1, 2, 3)]
    for delay, step in zip(delays, schedule, strict=True):
        assert delay is not None and step * 0.9 <= delay <= step * 1.1
    assert retry_delay(4, schedule) is None
    assert retry_delay(1, schedule, retry_after_s=60) == 60
    assert retry_delay(1, schedule, retry_after_s=10**9) == 36_000  # capped


@pytest.mark.parametrize(
    ("outcome", "state"),
    [
        (Outcome(200), "delivered"),
        (Outcome(204), "delivered"),
        (Outcome(500), "pending"),
        (Outcome(503), "pending"),
        (Outcome(429), "pending"),
        (Outcome(408), "pending"),
        (Outcome(None, "ConnectError"), "pending"),
        (Outcome(None, "invalid URL", permanent=True), "failed"),
        (Outcome(410), "disabled"),
        (Outcome(301, location="https://x"), "failed"),
        (Outcome(400), "failed"),
        (Outcome(401), "failed"),
        (Outcome(404), "failed"),
    ],
)
def test_classification(outcome: Outcome, state: str) -> None:
    assert decide(outcome, attempts_done=1, schedule=[5], now=0.0).state == state


def test_retry_after_as_seconds_or_http_date() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == 30
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


async def test_attempts_run_concurrently_but_bounded(receiver: Callable[..., Receiver], store: SqlStore) -> None:
    process, record = receiver("--slow-first", "8", "--slow-s", "0.5")
    worker = Deliveries(store, settings(), max_concurrency=4)
    ids = [await worker.enqueue_webhook(process.url, "brief.completed", {"n": n}) for n in range(8)]
    await worker.start()
    try:
        results = await worker.drain(ids, timeout_s=20)
    finally:
        await worker.stop()

    assert [r.state for r in results] == ["delivered"] * 8
    arrivals = sorted(line["received_at"] for line in received(record))
    assert arrivals[3] - arrivals[0] < 0.4  # the first four went out together...
    assert arrivals[4] - arrivals[0] >= 0.5  # ...and the fifth only once one of them was answered


async def test_stop_ends_the_loop_even_when_work_arrives_at_the_same_moment(store: SqlStore) -> None:
    """A delivery enqueued just as the service shuts down wakes the loop in the very step `stop()`
    cancels it: the cancellation must win (on Python 3.11 `asyncio.wait_for` swallowed it, and
    shutdown hung for ever). The delivery stays pending for the next start."""
    for _ in range(3):
        worker = Deliveries(store, settings(), max_concurrency=4)
        await worker.start()
        await asyncio.sleep(0.2)  # the loop has read the store and waits to be woken
        delivery_id = await worker.enqueue_webhook("http://127.0.0.1:9/hook", "brief.completed", DATA)
        await asyncio.wait_for(worker.stop(), timeout=5)
        record = await store.get_delivery(delivery_id)
        assert record is not None and record.state == "pending"
