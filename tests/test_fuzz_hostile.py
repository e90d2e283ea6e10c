"""Fuzzing what a client or a web server controls (issue 11): the charset and media type of a
request body, and the headers of a fetched page. Whatever they say, the answer is a result or a
problem with a stable type, never a 500 or an exception that is not the service's own."""

from __future__ import annotations

import encodings.aliases
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.errors import WirebriefError
from service.fetch import fetch_url
from service.ingest import article_from_text
from service.netguard import parse_allow_list
from service.textcodec import decode_text
from tests.pageserver import Handler, PageServer

Api = Callable[..., httpx.AsyncClient]
NOT_TEXT = [
    "undefined",
    "punycode",
    "idna",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "uu",
    "bz2",
    "quopri",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-7",
    "mbcs",
    "x-user-defined",
    "replacement",
]
LABELS = [*sorted({*encodings.aliases.aliases, *encodings.aliases.aliases.values()}), *NOT_TEXT]
label = st.one_of(st.sampled_from(LABELS), st.text(max_size=20))
ARTICLE = "The council agreed on Monday to rebuild the old bridge by 2026, the mayor said."
body = st.one_of(st.just(ARTICLE.encode()), st.binary(max_size=300), st.text(max_size=200).map(str.encode))
media = st.sampled_from(["text/plain", "text/html", "application/json", "text/csv", "multipart/form-data", ""])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@FUZZ
@given(media=media, charset=label, content=body)
async def test_any_request_charset_and_media_type_is_an_answer_or_a_problem(
    api: Api, media: str, charset: str, content: bytes
) -> None:
    header = f"{media}; charset={charset}".encode("utf-8", "surrogateescape")
    client = api()
    response = await client.post("/v1/briefs", content=content, headers=[(b"content-type", header)])
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].startswith("urn:wirebrief:problem:")


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=400), declared=st.one_of(st.none(), label), html=st.booleans())
def test_decoding_never_fails(content: bytes, declared: str | None, html: bool) -> None:
    assert isinstance(decode_text(content, declared, html=html), str)


header_value = st.one_of(
    st.sampled_from(["", "gzip", "gzip, gzip", "deflate", "br", "identity", "x-gzip", "gzip,,identity"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    status=st.sampled_from([200, 200, 200, 204, 301, 302, 303, 307, 308, 404, 500]),
    content_type=st.one_of(st.sampled_from(["text/html", "text/plain", "application/xml", ""]), header_value),
    charset=label.filter(lambda value: all(32 <= ord(c) < 127 and c not in ";\r\n" for c in value)),
    encoding=header_value,
    location=st.one_of(
        st.none(), st.sampled_from(["", "/", "//", "http://", "::", "/next", "http://[::1"]), header_value
    ),
    content=body,
)
def test_any_fetched_page_headers_give_a_page_or_a_service_error(
    status: int, content_type: str, charset: str, encoding: str, location: str | None, content: bytes
) -> None:
    import asyncio

    def route(handler: Handler) -> None:
        headers = {"Content-Type": f"{content_type}; charset={charset}" if content_type else ""}
        if encoding:
            headers["Content-Encoding"] = encoding
        if location is not None:
            headers["Location"] = location
        handler.respond(status, content, {k: v for k, v in headers.items() if v})

    async def fetch() -> None:
        with PageServer({"/": route, "/next": route}) as server:
            try:
                fetched = await fetch_url(
                    server.url("/"), allowed=parse_allow_list("127.0.0.1"), max_bytes=100_000, timeout_s=5
                )
            except WirebriefError:
                return
            text = decode_text(fetched.body, fetched.charset, html=True)
            try:
                article_from_text(text or "x", max_chars=200_000)
            except WirebriefError:
                return

    asyncio.run(fetch())


@pytest.mark.parametrize("charset", ["utf-8", "UTF8", "latin-1", "windows-1251", "shift_jis", "utf-16"])
def test_real_charsets_still_decode(charset: str) -> None:
    text = "Правительство" if charset == "windows-1251" else "日本" if charset == "shift_jis" else "café"
    assert decode_text(text.encode(charset if charset != "utf-16" else "utf-16"), charset).endswith(text[-2:])
