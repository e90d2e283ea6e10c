"""Slash commands sent by someone other than Slack, or sent twice (issue 11): a replay within the
signature's window is not run again, a response_url that is not Slack's is refused before the
acknowledgement, and a job that cannot deliver ends `failed` once with its reason."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from devtools.cassettes import fixture_settings
from schemas.request import BriefRequest
from service.delivery import Deliveries
from service.jobs import JobRunner, SlackReply
from service.pipeline import Pipeline
from service.store import SqlStore
from tests.support import job_settings, running_app, signed_slash

TEXT = "The council agreed on Monday to rebuild the old bridge by 2026, the mayor said."


def rules_settings(**overrides: Any) -> Any:
    return fixture_settings(**job_settings(engine="rules", openai_api_key=None, openai_base_url=None, **overrides))


async def test_a_replayed_slash_command_runs_once(rules_engine: Any, store: SqlStore) -> None:
    settings = rules_settings(slack_response_hosts="")
    pipeline = Pipeline(settings, [rules_engine], store=store)
    body, headers = signed_slash(TEXT, "https://hooks.slack.com/commands/T1/2/abc")
    async with running_app(pipeline, settings) as client:
        answers = [await client.post("/v1/slack/commands", content=body, headers=headers) for _ in range(3)]
        fresh_body, fresh_headers = signed_slash(TEXT + " Again.", "https://hooks.slack.com/commands/T1/2/abc")
        another = await client.post("/v1/slack/commands", content=fresh_body, headers=fresh_headers)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "Working on a brief" in answers[0].json()["text"]
    assert all("already received" in a.json()["text"] for a in answers[1:])
    assert "Working on a brief" in another.json()["text"]  # a new command is a new command
    assert len(await store.unfinished_jobs()) + await _finished(store) == 2


async def _finished(store: SqlStore) -> int:
    from sqlalchemy import func, select

    from service.store import tables

    query = select(func.count()).select_from(tables.jobs).where(tables.jobs.c.state.in_(["done", "failed"]))
    return int(await store._read(lambda connection: connection.execute(query).scalar()))


@pytest.mark.parametrize(
    "response_url",
    [
        "file:///etc/passwd",
        "http://hooks.slack.com/commands/T1/2/abc",  # not https
        "https://hooks.slack.com.evil.example/commands/1",
        "https://evil.example/hooks.slack.com",
        "gopher://hooks.slack.com/x",
        "https://hooks.slack.com:8443/commands/1",
    ],
)
async def test_a_response_url_that_is_not_slacks_is_refused_before_the_acknowledgement(
    rules_engine: Any, store: SqlStore, response_url: str
) -> None:
    settings = rules_settings(slack_response_hosts="")
    pipeline = Pipeline(settings, [rules_engine], store=store)
    body, headers = signed_slash(TEXT, response_url)
    async with running_app(pipeline, settings) as client:
        response = await client.post("/v1/slack/commands", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:wirebrief:problem:invalid-delivery-url"
    assert await store.unfinished_jobs() == [] and await _finished(store) == 0


async def test_a_job_that_cannot_deliver_ends_failed_once_with_its_reason(rules_engine: Any, store: SqlStore) -> None:
    """Stored before the validation existed, or enqueued by other means: it must not stay running."""
    settings = rules_settings()
    pipeline = Pipeline(settings, [rules_engine], store=store)
    deliveries = Deliveries(store, settings)
    runner = JobRunner(pipeline, store, deliveries, public_base_url="https://wirebrief.example")
    job = await runner.submit(BriefRequest(text=TEXT), slack_reply=SlackReply("file:///etc/passwd", False))
    await asyncio.wait_for(runner.wait_idle(), 30)
    stored = await store.get_job(job.id)
    assert stored is not None and stored.state == "failed"
    assert stored.error is not None and stored.error["type"] == "urn:wirebrief:problem:invalid-delivery-url"
    assert await runner.resume(untouched_for_s=0) == 0  # nothing left to run again
