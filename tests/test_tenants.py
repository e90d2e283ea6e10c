"""API keys are tenants (issue 11): the result cache shares the analysis of identical text, never
what a caller said about it; stored briefs and jobs are visible only to the key that made them;
secrets in delivery URLs are never shown back; guessing keys is slow; documentation can be closed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devtools.cassettes import fixture_settings
from service.pipeline import Pipeline
from service.store import SqlStore
from service.tenancy import redact_url
from tests.support import SECRET, running_app

pytestmark = pytest.mark.both_databases  # the store's users run on SQLite and PostgreSQL

Api = Callable[..., httpx.AsyncClient]
TEXT = "Ministers of both countries agreed on Monday to meet again in March, the foreign ministry said."
A = {"x-api-key": "alpha-key"}
B = {"x-api-key": "beta-key"}
KEYS = "alpha-key,beta-key"


async def test_a_cached_analysis_is_answered_with_the_callers_own_metadata(api: Api) -> None:
    client = api(api_keys=KEYS)
    first = await client.post(
        "/v1/briefs",
        json={"text": TEXT, "title": "Alpha's secret headline", "url": "https://alpha.example/draft?id=7"},
        headers=A,
    )
    second = await client.post("/v1/briefs", json={"text": TEXT, "url": "https://beta.example/story"}, headers=B)
    third = await client.post("/v1/briefs", json={"text": TEXT}, headers=B)
    assert first.status_code == second.status_code == third.status_code == 200
    alpha, beta, plain = first.json(), second.json(), third.json()
    assert alpha["article"]["title"] == alpha["brief"]["headline"] == "Alpha's secret headline"
    for answer in (beta, plain):
        assert "Alpha" not in str(answer) and "alpha.example" not in str(answer)
    assert beta["article"]["url"] == "https://beta.example/story"
    assert plain["article"]["url"] is None
    assert beta["id"] == plain["id"]  # the same text and title: one analysis, shared from the cache
    assert beta["id"] != alpha["id"]  # another title is another analysis (the engines read it)


async def test_a_stored_brief_is_visible_only_to_the_key_that_made_it(api: Api) -> None:
    client = api(api_keys=KEYS)
    made = (await client.post("/v1/briefs", json={"text": TEXT, "url": "https://alpha.example/a"}, headers=A)).json()
    mine = await client.get(f"/v1/briefs/{made['id']}", headers=A)
    assert mine.status_code == 200 and mine.json()["article"]["url"] == "https://alpha.example/a"
    theirs = await client.get(f"/v1/briefs/{made['id']}", headers=B)
    unknown = await client.get("/v1/briefs/wb_00000000000000000000", headers=B)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["type"] == unknown.json()["type"]
    for fmt in ("markdown", "csv", "html"):
        assert (await client.get(f"/v1/briefs/{made['id']}?format={fmt}", headers=B)).status_code == 404

    # B posting the same text gets the shared analysis, with its own (absent) url, and then has it too.
    again = (await client.post("/v1/briefs", json={"text": TEXT}, headers=B)).json()
    assert again["id"] == made["id"] and again["article"]["url"] is None
    assert (await client.get(f"/v1/briefs/{made['id']}", headers=B)).json()["article"]["url"] is None
    assert (await client.get(f"/v1/briefs/{made['id']}", headers=A)).json()["article"][
        "url"
    ] == "https://alpha.example/a"


async def test_a_job_is_visible_only_to_its_key_and_its_urls_never_show_their_secrets(
    rules_engine: Any, store: SqlStore
) -> None:
    slack = "https://hooks.slack.com/services/T0001/B0002/abcdefghijklmnopqrstuvwx"
    callback = "https://user:password@receiver.example:8443/hooks/wirebrief?token=s3cr3t-t0ken"
    overrides = {"api_keys": KEYS, "webhook_secret": SECRET, "engine": "rules", "openai_api_key": None}
    settings = fixture_settings(**overrides, openai_base_url=None)
    pipeline = Pipeline(settings, [rules_engine], store=store)

    async def fake_check(url: str, allowed: Any) -> None:  # the example hosts do not resolve here
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("service.api.routes.briefs.check_url", fake_check)
        async with running_app(pipeline, settings) as client:
            accepted = await client.post(
                "/v1/briefs", json={"text": TEXT, "callback_url": callback, "slack_webhook_url": slack}, headers=A
            )
            assert accepted.status_code == 202, accepted.text
            url = accepted.json()["status_url"]
            for _ in range(400):  # the deliveries exist once the job has run
                mine = await client.get(url, headers=A)
                if mine.json()["state"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.025)
            theirs = await client.get(url, headers=B)
    assert theirs.status_code == 404
    assert mine.status_code == 200
    shown = mine.text
    for secret in ("password", "s3cr3t-t0ken", "abcdefghijklmnopqrstuvwx", "B0002", "user:"):
        assert secret not in shown
    urls = sorted(d["url"] for d in mine.json()["deliveries"])
    assert urls == ["https://hooks.slack.com/services/…", "https://receiver.example:8443/hooks/wirebrief?token=…"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T1/B2/secret", "https://hooks.slack.com/services/…"),
        ("https://a:b@example.org/x?y=1&z", "https://example.org/x?y=…&z=…"),
        ("https://example.org/hook/4f9c2b7e1d3a5c8e9b0a", "https://example.org/hook/…"),
        ("https://example.org/webhooks/wirebrief#frag", "https://example.org/webhooks/wirebrief"),
        ("http://[::1]:8080/in", "http://[::1]:8080/in"),
    ],
)
def test_urls_are_shown_without_their_secrets(url: str, shown: str) -> None:
    assert redact_url(url) == shown


async def test_wrong_keys_are_rate_limited_by_client_address(api: Api) -> None:
    client = api(api_keys=KEYS, rate_limit="")  # no per-key limit: the address limit alone
    statuses = [
        (await client.post("/v1/briefs", json={"text": TEXT}, headers={"x-api-key": f"guess-{n}"})).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    limited = await client.post("/v1/briefs", json={"text": TEXT}, headers={"x-api-key": "guess-x"})
    assert limited.json()["type"] == "urn:wirebrief:problem:rate-limited" and int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
async def test_documentation_is_behind_the_keys_when_operations_are(api: Api, path: str) -> None:
    closed = api(api_keys=KEYS, open_ops=False)
    assert (await closed.get(path)).status_code == 401
    assert (await closed.get(path, headers=A)).status_code == 200
    assert (await api(api_keys=KEYS).get(path)).status_code == 200  # open by default
