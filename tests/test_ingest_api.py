"""Real input through the API: HTML pages, URLs under the SSRF guard, messy text with exact offsets."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator

import httpx
import pytest

from schemas import Analysis
from tests.pageserver import Handler, PageServer
from tests.support import FIXTURES, article_text, assert_grounded, assert_problem

ApiFactory = Callable[..., httpx.AsyncClient]
SEED_PAGE = (FIXTURES / "articles" / "idlib.html").read_bytes()


def seed_page(handler: Handler) -> None:
    handler.respond(200, SEED_PAGE)


def summary(analysis: Analysis) -> tuple[set[str], set[tuple[str, str]]]:
    return {a.name for a in analysis.actors}, {(c.kind, c.evidence.quote) for c in analysis.commitments}


async def test_the_seed_in_a_realistic_page_gives_the_same_actors_and_commitments(api: ApiFactory) -> None:
    client = api()
    from_text = Analysis.model_validate_json(
        (await client.post("/v1/briefs", json={"text": article_text("idlib")})).content
    )
    page = await client.post("/v1/briefs", content=SEED_PAGE, headers={"content-type": "text/html"})
    as_json = await client.post("/v1/briefs", json={"html": SEED_PAGE.decode()})

    for response in (page, as_json):
        assert response.status_code == 200, response.text
        from_html = Analysis.model_validate_json(response.content)
        assert summary(from_html) == summary(from_text)
        assert from_html.article.title == from_text.article.title
        assert from_html.article.published == "2020-02-28"
        assert "<" not in from_html.article.text and "cookie" not in from_html.article.text.lower()
        assert_grounded(from_html)


async def test_a_loopback_url_is_refused_by_default_and_accepted_when_allowed(api: ApiFactory) -> None:
    with PageServer({"/idlib": seed_page}) as server:
        refused = await api().post("/v1/briefs", json={"url": server.url("/idlib")})
        body = assert_problem(refused, 422, "url-refused")
        assert "loopback" in str(body["detail"]) and "WIREBRIEF_ALLOWED_PRIVATE_HOSTS" in str(body["detail"])
        assert server.seen.requests == []  # never contacted

        allowed = await api(allowed_private_hosts="127.0.0.1").post("/v1/briefs", json={"url": server.url("/idlib")})
    assert allowed.status_code == 200, allowed.text
    analysis = Analysis.model_validate_json(allowed.content)
    assert analysis.article.url == server.url("/idlib")
    assert any(a.name == "Vladimir Putin" for a in analysis.actors)


async def test_text_with_a_url_names_the_source_and_never_fetches_it(api: ApiFactory) -> None:
    """`text` and `url` together: the text is what was analysed, the url only where it was published
    (`article.fetched` false); a url alone is fetched and read (`fetched` true), from the cache or not."""
    with PageServer({"/idlib": seed_page}) as server:
        client = api(allowed_private_hosts="127.0.0.1")
        read = (await client.post("/v1/briefs", json={"url": server.url("/idlib")})).json()
        assert read["article"]["fetched"] is True and len(server.seen.requests) == 1
        named = await client.post("/v1/briefs", json={"text": read["article"]["text"], "url": server.url("/other")})
        assert len(server.seen.requests) == 1  # the named source was never contacted
    assert named.status_code == 200, named.text
    source = named.json()["article"]
    assert source["url"] == server.url("/other") and source["fetched"] is False
    stored = (await client.get(f"/v1/briefs/{read['id']}")).json()["article"]
    assert stored["fetched"] is True and stored["url"] == server.url("/idlib")


async def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(api: ApiFactory) -> None:
    def hop(handler: Handler) -> None:
        handler.redirect("http://10.0.0.1/internal")

    with PageServer({"/hop": hop}) as server:
        response = await api(allowed_private_hosts="127.0.0.1").post("/v1/briefs", json={"url": server.url("/hop")})
    assert_problem(response, 422, "url-refused")


async def test_a_huge_page_is_cut_off_with_a_clear_error(api: ApiFactory) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(800):  # 50 MB
            yield b"<p>" + b"x" * 65_528 + b"</p>\n"

    def huge(handler: Handler) -> None:
        handler.stream(endless())

    with PageServer({"/huge": huge}) as server:
        response = await api(allowed_private_hosts="127.0.0.1").post("/v1/briefs", json={"url": server.url("/huge")})
        sent = server.seen.sent.get("/huge", 0)
    assert_problem(response, 413, "page-too-large")
    assert sent < 25 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    [
        "President Vladimir Putin said “Russia will meet its obligations”.\r\nTurkey threatened to close the border.",
        "The\tEuropean Union\u00a0pledged to cut tariffs.\u00a0 Hungary refused to support the budget.",
        "🇺🇳 The UN 🙏 urged both sides to stop fighting. Officials said they would comply 👍.",
        "Zu\u0308rich mayor Corine Mauch promised compensation. Cafe\u0301 owner Ana Mu\u00f1oz agreed to close early.",
        "الحكومة أعلنت خطة جديدة. The Egyptian government said it will open the border on Sunday. "
        "הממשלה הודיעה. Israel threatened to close the crossing.",
    ],
    ids=["curly-quotes-crlf", "tabs-nbsp", "emoji", "combining-accents", "arabic-hebrew"],
)
async def test_offsets_stay_exact_on_messy_text(api: ApiFactory, text: str) -> None:
    response = await api().post("/v1/briefs", json={"text": text, "options": {"engine": "rules"}})
    assert response.status_code == 200, response.text
    analysis = Analysis.model_validate_json(response.content)
    assert analysis.article.text == unicodedata.normalize("NFC", text)
    assert analysis.commitments, "a commitment should be found"
    assert_grounded(analysis)
    for mention in (m for a in analysis.actors for m in a.mentions):
        assert analysis.article.text[mention.start : mention.end] == mention.text


PAGE_AS_TEXT = (
    "<!DOCTYPE html><html><head><title>Council</title></head><body><article>"
    "<p>The council agreed on Monday to rebuild the bridge by 2026.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PAGE_AS_TEXT.encode(), "text/plain"),
        (json.dumps({"text": PAGE_AS_TEXT}).encode(), "application/json"),
        (b"<div><p>The council agreed.</p><p>It will vote.</p><p>Then build.</p></div><br>", "text/plain"),
    ],
    ids=["page-as-plain", "page-in-json-text", "fragment-as-plain"],
)
async def test_html_sent_as_text_is_answered_with_a_warning_and_a_hint(
    api: Callable[..., httpx.AsyncClient], body: bytes, content_type: str
) -> None:
    response = await api().post("/v1/briefs", content=body, headers={"content-type": content_type})
    assert response.status_code == 200, response.text
    warning = next(w for w in response.json()["warnings"] if w["code"] == "html_sent_as_text")
    assert "text/html" in warning["detail"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PAGE_AS_TEXT.encode(), "text/html"),
        (b"Prices rose 3% as x < y and y > z, the <b>bank</b> said; rates stay.", "text/plain"),
    ],
    ids=["page-as-html", "prose-with-brackets"],
)
async def test_a_page_sent_as_html_or_prose_with_brackets_gets_no_such_warning(
    api: Callable[..., httpx.AsyncClient], body: bytes, content_type: str
) -> None:
    response = await api().post("/v1/briefs", content=body, headers={"content-type": content_type})
    assert response.status_code == 200, response.text
    assert all(w["code"] != "html_sent_as_text" for w in response.json()["warnings"])
