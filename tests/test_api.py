"""The HTTP API as a client sees it: formats, problem+json errors, never a 500."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from schemas import Analysis
from tests.support import article_text, assert_grounded, assert_problem

ApiFactory = Callable[..., httpx.AsyncClient]


async def test_json_article_returns_a_grounded_analysis(api: ApiFactory) -> None:
    client = api("idlib")
    response = await client.post("/v1/briefs", json={"text": article_text("idlib")})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    analysis = Analysis.model_validate_json(response.content)
    assert_grounded(analysis)
    assert analysis.provenance.engine == "llm"
    assert analysis.article.title == "Erdoğan, Putin agree to meet soon after deadly Idlib attack"


async def test_a_state_named_only_in_a_leaders_title_is_his_affiliation_not_a_warning(api: ApiFactory) -> None:
    text = "Belgian Prime Minister Alexander De Croo called on both sides to reach an agreement before the weekend."
    response = await (api()).post("/v1/briefs", json={"text": text})
    analysis = Analysis.model_validate_json(response.content)
    assert [(a.name, a.affiliation) for a in analysis.actors] == [("Alexander De Croo", "Belgium")]
    assert [w.code for w in analysis.warnings if w.code.startswith("dropped")] == []  # nothing was lost


async def test_plain_text_body_is_accepted(api: ApiFactory) -> None:
    client = api("idlib")
    response = await client.post(
        "/v1/briefs", content=article_text("idlib").encode(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    assert response.status_code == 200
    assert Analysis.model_validate_json(response.content).commitments


async def test_same_article_same_config_gives_the_same_id(api: ApiFactory) -> None:
    first = await api("idlib").post("/v1/briefs", json={"text": article_text("idlib")})
    second = await api("idlib").post("/v1/briefs", json={"text": article_text("idlib")})
    assert first.json()["id"] == second.json()["id"]


async def test_markdown_by_query_and_csv_by_accept(api: ApiFactory) -> None:
    markdown = await api("idlib").post("/v1/briefs?format=markdown", json={"text": article_text("idlib")})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# ") and "## Commitments" in markdown.text

    table = await api("idlib").post("/v1/briefs", json={"text": article_text("idlib")}, headers={"accept": "text/csv"})
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert rows and all(row["quote"] in article_text("idlib") for row in rows)
    assert any(row["kind"] == "demand" and "Turkey" in row["counterparties"] for row in rows)


async def test_unacceptable_accept_header_is_406(api: ApiFactory) -> None:
    response = await api().post("/v1/briefs", json={"text": "x y z."}, headers={"accept": "image/png"})
    assert_problem(response, 406, "not-acceptable")


@pytest.mark.parametrize("text", ["", "   \n\t  "])
async def test_empty_or_blank_text_is_422(api: ApiFactory, text: str) -> None:
    assert_problem(await api().post("/v1/briefs", json={"text": text}), 422, "invalid-article")


@pytest.mark.parametrize(
    "body",
    [b'{"text": 42}', b'{"title": "no text"}', b"[1, 2]", b"{not json", b'{"text": "a", "options": {"engine": "gpt"}}'],
)
async def test_malformed_json_is_422(api: ApiFactory, body: bytes) -> None:
    """The request's shape is wrong: `invalid-request`, with `errors[]` naming where, as for a bad
    query parameter (`?engine=gpt`); the messages read as sentences."""
    response = await api().post("/v1/briefs", content=body, headers={"content-type": "application/json"})
    problem = assert_problem(response, 422, "invalid-request")
    errors = problem["errors"]
    assert isinstance(errors, list) and errors and all(e["loc"][0] == "body" for e in errors)
    assert "Value error" not in response.text


async def test_a_bad_engine_is_the_same_problem_in_the_body_and_in_the_query(api: ApiFactory) -> None:
    client = api()
    in_body = await client.post("/v1/briefs", json={"text": "The council agreed.", "options": {"engine": "gpt"}})
    in_query = await client.post(
        "/v1/briefs?engine=gpt", content=b"The council agreed.", headers={"content-type": "text/plain"}
    )
    for response in (in_body, in_query):
        assert_problem(response, 422, "invalid-request")
        assert any("engine" in e["loc"] for e in response.json()["errors"])


async def test_an_empty_request_says_what_to_send_as_a_sentence(api: ApiFactory) -> None:
    response = await api().post("/v1/briefs", json={})
    assert_problem(response, 422, "invalid-request")
    assert "send the article as `text` or `html`, or a `url` to fetch" in response.json()["detail"]
    assert "Value error" not in response.text
    untyped = await api().post("/v1/briefs", content=b"The council agreed.")
    assert_problem(untyped, 415, "unsupported-media-type")
    assert "no Content-Type" in untyped.json()["detail"] and "None" not in untyped.json()["detail"]


async def test_invalid_utf8_is_422(api: ApiFactory) -> None:
    response = await api().post("/v1/briefs", content=b"caf\xe9 \xff\xfe", headers={"content-type": "text/plain"})
    assert_problem(response, 422, "invalid-article")


async def test_unsupported_media_type_is_415(api: ApiFactory) -> None:
    response = await api().post("/v1/briefs", content=b"<a/>", headers={"content-type": "application/xml"})
    assert_problem(response, 415, "unsupported-media-type")


async def test_oversized_body_is_413_with_content_length(api: ApiFactory) -> None:
    client = api(max_body_bytes=1000)
    response = await client.post("/v1/briefs", json={"text": "word " * 500})
    assert_problem(response, 413, "body-too-large")


async def test_oversized_body_is_413_without_content_length(api: ApiFactory) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(50):
            yield b"word " * 100

    client = api(max_body_bytes=1000)
    response = await client.post("/v1/briefs", content=chunks(), headers={"content-type": "text/plain"})
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body-too-large")


async def test_article_over_the_length_limit_is_413(api: ApiFactory) -> None:
    response = await api(max_article_chars=100).post("/v1/briefs", json={"text": "word " * 100})
    assert_problem(response, 413, "article-too-large")


async def test_llm_failing_without_fallback_is_502(api: ApiFactory) -> None:
    response = await api("idlib.down", fallback=False).post("/v1/briefs", json={"text": article_text("idlib")})
    assert_problem(response, 502, "llm-failed")


async def test_truncated_output_without_fallback_is_502(api: ApiFactory) -> None:
    response = await api("idlib.truncated", fallback=False).post("/v1/briefs", json={"text": article_text("idlib")})
    assert_problem(response, 502, "llm-truncated-output")


async def test_deadline_passed_is_504(api: ApiFactory) -> None:
    client = api("idlib.rate_limited", fallback=False, deadline_s=0.5)
    response = await client.post("/v1/briefs", json={"text": article_text("idlib")})
    assert_problem(response, 504, "deadline-exceeded")


async def test_llm_failing_with_fallback_answers_degraded(api: ApiFactory) -> None:
    response = await api("idlib.down").post("/v1/briefs", json={"text": article_text("idlib")})
    assert response.status_code == 200
    analysis = Analysis.model_validate_json(response.content)
    assert analysis.provenance.degraded and analysis.warnings[0].code == "fallback_engine"


async def test_asking_for_the_llm_without_one_configured_is_503(api: ApiFactory) -> None:
    client = api(openai_api_key=None, openai_base_url=None, engine="auto")
    response = await client.post("/v1/briefs", json={"text": "Officials met.", "options": {"engine": "llm"}})
    assert_problem(response, 503, "engine-unavailable")


async def test_unknown_route_and_method_are_problems(api: ApiFactory) -> None:
    assert_problem(await api().get("/v1/nothing"), 404, "not-found")
    assert_problem(await api().delete("/v1/briefs"), 405, "method-not-allowed")


async def test_health_and_docs(api: ApiFactory) -> None:
    client = api()
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert (await client.get("/docs")).status_code == 200
    spec = json.loads((await client.get("/openapi.json")).content)
    operation = spec["paths"]["/v1/briefs"]["post"]
    assert {"application/json", "text/plain"} <= set(operation["requestBody"]["content"])
    assert {"413", "415", "422", "502", "504"} <= set(operation["responses"])


async def test_html_page_highlights_every_evidence_quote_in_the_article(api: ApiFactory) -> None:
    import html
    import re

    client = api("idlib")
    created = Analysis.model_validate_json(
        (await client.post("/v1/briefs", json={"text": article_text("idlib")})).content
    )
    page = await client.get(f"/v1/briefs/{created.id}", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert page.headers["content-type"].startswith("text/html")
    marks = dict(re.findall(r'<mark id="(commitment_\d+)"[^>]*>(.*?)</mark>', page.text, re.S))
    by_id = {c.id: c for c in created.commitments}
    # a quote's text, less the actor highlights inside it (tags)
    quotes = {cid: html.unescape(re.sub(r"<[^>]+>", "", quote)) for cid, quote in marks.items()}
    assert quotes and all(quote == by_id[cid].evidence.quote for cid, quote in quotes.items())
    article = re.search(r'<div class="article">(.*)</div>', page.text, re.S)
    assert article and html.unescape(re.sub(r"<[^>]+>", "", article.group(1))) == created.article.text
    assert "<script" not in page.text
