"""`GET /v1/briefs`: what a caller made, newest first, a page at a time, filtered by actor and day;
never another key's."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import httpx
import pytest

from tests.support import article_text, assert_problem

pytestmark = pytest.mark.both_databases  # the store's users run on SQLite and PostgreSQL

Api = Callable[..., httpx.AsyncClient]
A = {"x-api-key": "alpha-key"}
B = {"x-api-key": "beta-key"}
KEYS = "alpha-key,beta-key"
TEXTS = [
    "Kenya and Uganda agreed on Monday to build a railway link by 2028.",
    "The council of Leeds promised to reopen the library in May.",
    "Brazil refused to sign the fishing treaty, its foreign ministry said.",
]


async def made_by_a(client: httpx.AsyncClient) -> list[str]:
    ids = []
    for text in TEXTS:
        response = await client.post("/v1/briefs", json={"text": text}, headers=A)
        assert response.status_code == 200, response.text
        ids.append(response.json()["id"])
    return ids


async def test_the_list_is_the_callers_own_newest_first_in_pages(api: Api) -> None:
    client = api(api_keys=KEYS)
    ids = await made_by_a(client)
    await client.post("/v1/briefs", json={"text": "Japan promised to cut tariffs on rice by June."}, headers=B)

    first = (await client.get("/v1/briefs?limit=2", headers=A)).json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    second = (await client.get(f"/v1/briefs?limit=2&cursor={first['next_cursor']}", headers=A)).json()
    assert [item["id"] for item in second["items"]] == [ids[0]]
    assert second.get("next_cursor") is None

    theirs = (await client.get("/v1/briefs", headers=B)).json()["items"]
    assert len(theirs) == 1 and theirs[0]["id"] not in ids  # another key's briefs are never listed
    row = first["items"][0]
    assert row["href"] == f"/v1/briefs/{row['id']}" and row["headline"] and row["engine"] == "rules"


async def test_the_list_filters_by_an_actors_name_and_by_day(api: Api) -> None:
    client = api(api_keys=KEYS)
    ids = await made_by_a(client)
    seed = (await client.post("/v1/briefs", json={"text": article_text("idlib")}, headers=A)).json()["id"]

    erdogan = (await client.get("/v1/briefs?actor=erdo", headers=A)).json()["items"]
    assert [item["id"] for item in erdogan] == [seed]  # any part of the name, any case
    assert "Recep Tayyip Erdoğan" in erdogan[0]["actors"]

    today = datetime.datetime.now(datetime.UTC).date()
    yesterday = today - datetime.timedelta(days=1)
    assert len((await client.get(f"/v1/briefs?since={today}&until={today}", headers=A)).json()["items"]) == 4
    assert (await client.get(f"/v1/briefs?until={yesterday}", headers=A)).json()["items"] == []
    assert set(ids) <= {i["id"] for i in (await client.get("/v1/briefs?since=2020-01-01", headers=A)).json()["items"]}


async def test_a_cursor_the_service_did_not_give_is_a_request_error(api: Api) -> None:
    client = api(api_keys=KEYS)
    for cursor in ("bm90LWEtY3Vyc29y", "!!", "W10"):
        problem = assert_problem(await client.get(f"/v1/briefs?cursor={cursor}", headers=A), 422, "invalid-request")
        assert any("cursor" in error["loc"] for error in problem["errors"])  # type: ignore[union-attr]


async def test_a_day_not_written_as_a_day_is_a_request_error(api: Api) -> None:
    client = api(api_keys=KEYS)
    for query in ("until=0.0", "since=1700000000", "since=2026-13-01", "until=1%2F2%2F2026"):
        problem = assert_problem(await client.get(f"/v1/briefs?{query}", headers=A), 422, "invalid-request")
        assert any(query.split("=")[0] in error["loc"] for error in problem["errors"])  # type: ignore[union-attr]


async def test_the_first_and_last_days_there_are_are_bounds_not_errors(api: Api) -> None:
    client = api(api_keys=KEYS)
    await made_by_a(client)
    everything = await client.get("/v1/briefs?since=0001-01-01&until=9999-12-31", headers=A)
    assert everything.status_code == 200 and len(everything.json()["items"]) == 3
