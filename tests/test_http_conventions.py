"""HTTP as people who use APIs every day expect it (issue 13): content negotiation by q-values,
`Vary: Accept`, `?format=` in any case, where a stored brief lives, `/` leading to the docs."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

Api = Callable[..., httpx.AsyncClient]
BODY = {"text": "The council agreed on Monday to rebuild the old bridge by 2026, the mayor said."}


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv;q=0.5, text/markdown;q=0.9", "text/markdown"),
        ("text/markdown;q=0, */*", "application/json"),
        ("text/*;q=0.3, application/json;q=0.2", "text/markdown"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
        ("TEXT/CSV", "text/csv"),
        ("*/*", "application/json"),
        ("application/json;q=0.1, text/csv;q=0.11", "text/csv"),
    ],
)
async def test_accept_is_negotiated_by_q_values(api: Api, accept: str, media: str) -> None:
    response = await api().post("/v1/briefs", json=BODY, headers={"accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize("accept", ["text/markdown;q=0", "image/png", "application/json;q=0, text/*;q=0"])
async def test_nothing_acceptable_is_406(api: Api, accept: str) -> None:
    response = await api().post("/v1/briefs", json=BODY, headers={"accept": accept})
    assert response.status_code == 406 and response.json()["type"] == "urn:wirebrief:problem:not-acceptable"


@pytest.mark.parametrize(
    ("query", "media"), [("md", "text/markdown"), ("Markdown", "text/markdown"), ("CSV", "text/csv")]
)
async def test_format_query_takes_md_and_any_case(api: Api, query: str, media: str) -> None:
    response = await api().post(f"/v1/briefs?format={query}", json=BODY)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


async def test_a_stored_answer_says_where_it_lives_and_markdown_names_its_id(api: Api) -> None:
    client = api()
    response = await client.post("/v1/briefs?format=md", json=BODY)
    location = response.headers["location"]
    assert location.startswith("/v1/briefs/wb_") and response.headers["content-location"] == location
    analysis_id = location.rsplit("/", 1)[1]
    assert analysis_id in response.text  # a Markdown-only user can find the brief again
    again = await client.get(location)
    assert again.status_code == 200 and again.json()["id"] == analysis_id


async def test_the_root_leads_to_the_documentation(api: Api) -> None:
    response = await api().get("/")
    assert response.status_code in (302, 307) and response.headers["location"] == "/docs"


async def test_every_reference_of_the_openapi_document_resolves(api: Api) -> None:
    spec = (await api().get("/openapi.json")).json()
    references: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    references.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert references
    for reference in references:
        target: object = spec
        for part in reference.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{reference} does not resolve"
            target = target[part]


async def test_a_condition_is_shown_once_as_a_condition(api: Api) -> None:
    text = "The union threatened to strike on July 1 if the association did not return to the table."
    markdown = (await api().post("/v1/briefs?format=md", json={"text": text})).text
    assert "if if" not in markdown and "(if unless" not in markdown
    assert "(if the association" in markdown or "(unless" in markdown


async def test_the_documentation_page_loads_nothing_from_another_host(api: Callable[..., httpx.AsyncClient]) -> None:
    """Offline, a page that fetches Swagger UI from a CDN is blank: every asset it names is served here."""
    client = api()
    page = (await client.get("/docs")).text
    sources = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page) + re.findall(r"""url: ?['"]([^'"]+)['"]""", page)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        response = await client.get(source)
        assert response.status_code == 200, source
    script = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in script.text and script.headers["content-type"].startswith("text/javascript")
    assert (await client.get("/docs/assets/..%2Fpyproject.toml")).status_code == 404
