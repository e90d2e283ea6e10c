"""Asynchronous briefs: 202 at once, then a signed webhook or a Slack message that is never lost."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.store import SqlStore
from tests.support import (
    SERVE,
    SLACK_SECRET,
    Process,
    Receiver,
    ReplayFactory,
    article_text,
    assert_problem,
    eventually,
    job_settings,
    received,
    running_app,
    service_env,
    signed_slash,
    standin_args,
)

pytestmark = pytest.mark.both_databases  # the store's users run on SQLite and PostgreSQL


async def test_a_callback_arrives_signed_and_verifiable(
    replay: ReplayFactory, store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    process, record = receiver()
    settings = fixture_settings(**job_settings())
    pipeline = replay("idlib", **job_settings(), store=store)
    async with running_app(pipeline, settings) as client:
        accepted = await client.post(
            "/v1/briefs", json={"text": article_text("idlib"), "callback_url": process.url + "/hook"}
        )
        assert accepted.status_code == 202, accepted.text
        job = accepted.json()
        assert accepted.headers["location"] == job["status_url"] == f"/v1/jobs/{job['id']}"

        [delivery] = await eventually(lambda: received(record))
        status = (await client.get(job["status_url"])).json()
        stored = await client.get(status["result_url"])

    assert delivery["verified"] is True and delivery["error"] is None
    body = delivery["body"]
    assert body["type"] == "brief.completed"
    assert body["data"]["job_id"] == job["id"]
    assert body["data"]["analysis"]["id"] == status["analysis_id"]
    assert status["state"] == "done" and stored.status_code == 200
    assert status["deliveries"][0]["id"] == delivery["webhook_id"]


async def test_a_receiver_that_is_down_gets_the_result_once_it_is_back(
    replay: ReplayFactory, store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    process, record = receiver("--down-first", "2")
    settings = fixture_settings(**job_settings())
    pipeline = replay("idlib", **job_settings(), store=store)
    async with running_app(pipeline, settings) as client:
        job = (
            await client.post("/v1/briefs", json={"text": article_text("idlib"), "callback_url": process.url})
        ).json()

        async def delivered() -> dict[str, Any]:
            status: dict[str, Any] = (await client.get(job["status_url"])).json()
            return status if status["deliveries"] and status["deliveries"][0]["state"] == "delivered" else {}

        deadline = time.monotonic() + 20
        status: dict[str, Any] = {}
        while not status and time.monotonic() < deadline:
            status = await delivered()
            await asyncio.sleep(0.05)

    attempts = status["deliveries"][0]["attempts"]
    assert [a["status_code"] for a in attempts] == [503, 503, 200]
    records = received(record)
    assert len(records) == 3 and len({r["webhook_id"] for r in records}) == 1
    assert all(r["verified"] for r in records)


async def test_a_failed_brief_is_delivered_as_brief_failed(
    replay: ReplayFactory, store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    process, record = receiver()
    settings = fixture_settings(**job_settings(fallback=False))
    pipeline = replay("idlib.down", **job_settings(fallback=False), store=store)
    async with running_app(pipeline, settings) as client:
        job = (
            await client.post("/v1/briefs", json={"text": article_text("idlib"), "callback_url": process.url})
        ).json()
        [delivery] = await eventually(lambda: received(record))
        status = (await client.get(job["status_url"])).json()

    body = delivery["body"]
    assert body["type"] == "brief.failed" and body["data"]["error"]["status"] == 502
    assert status["state"] == "failed" and status["error"]["type"].endswith("llm-failed")


async def test_a_slack_webhook_gets_the_block_kit_brief(
    replay: ReplayFactory, store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    process, record = receiver("--slack")
    settings = fixture_settings(**job_settings())
    pipeline = replay("idlib", **job_settings(), store=store)
    async with running_app(pipeline, settings) as client:
        accepted = await client.post(
            "/v1/briefs", json={"text": article_text("idlib"), "slack_webhook_url": process.url}
        )
        assert accepted.status_code == 202
        [message] = await eventually(lambda: received(record))

    payload = message["body"]
    assert payload["text"] and payload["blocks"][0]["type"] == "header"
    assert "Erdoğan" in json.dumps(payload, ensure_ascii=False)


@pytest.mark.parametrize(
    ("overrides", "body", "slug"),
    [
        ({}, {"text": "An article.", "callback_url": "http://127.0.0.1:9/hook"}, "url-refused"),
        (
            {"allowed_private_hosts": "127.0.0.1", "webhook_secret": None},
            {"text": "A.", "callback_url": "http://127.0.0.1:9/"},
            "webhook-secret-missing",
        ),
        ({}, {"text": "   ", "callback_url": "https://example.com/hook"}, "invalid-article"),
        ({}, {"text": "An article.", "callback_url": "ftp://example.com/hook"}, "url-refused"),
    ],
    ids=["private-callback", "no-secret", "empty-text", "not-http"],
)
async def test_bad_job_requests_are_refused_before_202(
    replay: ReplayFactory, store: SqlStore, overrides: dict[str, Any], body: dict[str, Any], slug: str
) -> None:
    options = {**job_settings(allowed_private_hosts=""), **overrides}
    pipeline = replay("idlib", **options, store=store)
    async with running_app(pipeline, fixture_settings(**options)) as client:
        assert_problem(await client.post("/v1/briefs", json=body), 422, slug)


@pytest.mark.slow
async def test_a_job_accepted_before_a_crash_is_delivered_after_the_restart(
    processes: Callable[..., Process],
    receiver: Callable[..., Receiver],
    tmp_path: Path,
    database_url: str,
) -> None:
    llm = processes(standin_args("--latency", "4"), "/stats")
    hook, record = receiver()
    env = service_env(llm, database_url)
    first = processes(SERVE, "/healthz", env=env)
    accepted = httpx.post(first.url + "/v1/briefs", json={"text": article_text("idlib"), "callback_url": hook.url})
    assert accepted.status_code == 202
    first.popen.kill()  # no clean shutdown: the job is in the store, its LLM call in flight
    first.popen.wait()
    assert received(record) == []

    second = processes(SERVE, "/healthz", env=env, port=first.port)
    records = await eventually(lambda: received(record), timeout_s=30)
    status = httpx.get(second.url + accepted.json()["status_url"]).json()

    assert status["state"] == "done"
    assert all(r["verified"] for r in records)
    assert len({r["webhook_id"] for r in records}) == 1  # duplicates, if any, only with the same webhook-id
    assert records[0]["body"]["data"]["job_id"] == accepted.json()["id"]


@pytest.mark.slow
async def test_a_slash_command_is_acknowledged_at_once_and_answered_when_ready(
    processes: Callable[..., Process],
    receiver: Callable[..., Receiver],
    tmp_path: Path,
    database_url: str,
) -> None:
    llm = processes(standin_args("--latency", "4"), "/stats")
    slack, record = receiver("--slack")
    service = processes(SERVE, "/healthz", env=service_env(llm, database_url))

    body, headers = signed_slash("public " + article_text("idlib"), slack.url + "/response")
    started = time.monotonic()
    ack = httpx.post(service.url + "/v1/slack/commands", content=body, headers=headers, timeout=10)
    acknowledged_in = time.monotonic() - started

    assert ack.status_code == 200 and ack.json()["response_type"] == "ephemeral"
    assert acknowledged_in < 3, acknowledged_in
    [answer] = await eventually(lambda: received(record), timeout_s=40)
    payload = answer["body"]
    assert payload["response_type"] == "in_channel"
    assert "blocks" in payload and "https://wirebrief.example/v1/briefs/" in json.dumps(payload)


@pytest.mark.parametrize("case", ["tampered", "wrong-secret", "stale"])
async def test_a_forged_or_stale_slash_command_is_refused(replay: ReplayFactory, store: SqlStore, case: str) -> None:
    body, headers = signed_slash(
        "https://example.com/a",
        "https://hooks.slack.com/x",
        secret="another-secret" if case == "wrong-secret" else SLACK_SECRET,
        age_s=360 if case == "stale" else 0,
    )
    if case == "tampered":
        body = body.replace(b"example.com", b"evil.example")
    pipeline = replay("idlib", **job_settings(), store=store)
    async with running_app(pipeline, fixture_settings(**job_settings())) as client:
        response = await client.post("/v1/slack/commands", content=body, headers=headers)
    assert_problem(response, 401, "slack-unverified")
    assert response.json()["title"] == "The request could not be verified as coming from Slack"
