"""Input built to break the service (issue 11): charsets that are not text encodings, redirects
without a target, decompression bombs, control characters, unexpected errors. Each answers a clear
problem or a fallback; never a 500 without its request id, never memory out of proportion."""

from __future__ import annotations

import gzip
import logging
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.errors import FetchFailed, PageTooLarge
from service.fetch import fetch_url
from service.inflate import BoundedInflater, content_codings
from service.netguard import parse_allow_list
from service.pipeline import Pipeline
from service.spans import OverlapIndex
from service.textcodec import codec_for, decode_text
from tests.pageserver import Handler, PageServer

LOOPBACK = parse_allow_list("127.0.0.1")
ARTICLE = "The council agreed on Monday to rebuild the old bridge by 2026, the mayor said."
PAGE = f"<html><body><article><p>{ARTICLE}</p></article></body></html>".encode()
NOT_TEXT_ENCODINGS = ["undefined", "punycode", "idna", "rot13", "base64", "hex", "zlib", "uu", "unicode_escape"]
Api = Callable[..., httpx.AsyncClient]


@pytest.mark.parametrize("label", NOT_TEXT_ENCODINGS)
def test_only_text_encodings_are_charsets(label: str) -> None:
    assert codec_for(label) is None
    assert decode_text("café".encode(), label) == "café"  # ignored: read as a browser would


@pytest.mark.parametrize("label", NOT_TEXT_ENCODINGS)
async def test_a_plain_body_in_a_charset_that_is_not_text_is_a_clear_422(api: Api, label: str) -> None:
    response = await api().post(
        "/v1/briefs", content=ARTICLE.encode(), headers={"content-type": f"text/plain; charset={label}"}
    )
    assert response.status_code == 422
    assert response.json()["type"] == "urn:wirebrief:problem:invalid-article"
    assert "not a text encoding" in response.json()["detail"]


@pytest.mark.parametrize("label", NOT_TEXT_ENCODINGS)
async def test_html_declaring_a_charset_that_is_not_text_is_read_as_a_browser_reads_it(api: Api, label: str) -> None:
    client = api()
    as_header = await client.post("/v1/briefs", content=PAGE, headers={"content-type": f"text/html; charset={label}"})
    meta = f'<html><head><meta charset="{label}"></head>'.encode() + PAGE
    as_meta = await client.post("/v1/briefs", content=meta, headers={"content-type": "text/html"})
    for response in (as_header, as_meta):
        assert response.status_code == 200, response.text
        assert ARTICLE in response.json()["article"]["text"]


@pytest.mark.parametrize("label", ["undefined", "rot13", "base64", "zlib"])
async def test_a_fetched_page_declaring_a_charset_that_is_not_text_is_read(label: str) -> None:
    routes = {"/": lambda h: h.respond(200, PAGE, {"Content-Type": f"text/html; charset={label}"})}
    with PageServer(routes) as server:
        fetched = await fetch_url(server.url("/"), allowed=LOOPBACK, max_bytes=100_000, timeout_s=5)
    assert fetched.charset == label
    assert ARTICLE in decode_text(fetched.body, fetched.charset, html=True)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_without_a_location_is_fetch_failed(status: int) -> None:
    def redirect_nowhere(handler: Handler) -> None:
        handler.respond(status, b"", {})

    with PageServer({"/": redirect_nowhere}) as server, pytest.raises(FetchFailed) as caught:
        await fetch_url(server.url("/"), allowed=LOOPBACK, max_bytes=100_000, timeout_s=5)
    assert caught.value.type == "fetch-failed"
    assert "no Location" in caught.value.detail


def _nested_gzip_bomb(inflated: int, layers: int) -> bytes:
    """`layers` of gzip around `inflated` zero bytes, built in constant memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    body = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    return body


@pytest.mark.slow
def test_a_nested_gzip_bomb_is_refused_before_it_is_inflated() -> None:
    """1 GiB behind two layers of gzip, a page limit of 1 MB: refused having held about 1 MB."""
    bomb = _nested_gzip_bomb(1024 * 1024 * 1024, layers=2)
    assert len(bomb) < 10_000
    inflater = BoundedInflater(content_codings("gzip, gzip", "http://x"), max_bytes=1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(PageTooLarge):
            for start in range(0, len(bomb), 512):
                inflater.feed(bomb[start : start + 512])
            inflater.finish()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, f"held {peak} bytes to refuse a 1 MB page"


def test_layers_are_undone_last_first_and_deflate_comes_in_both_forms() -> None:
    text = ARTICLE.encode() * 50
    raw_deflate = zlib.compressobj(wbits=-15)
    for header, body in [
        ("gzip", gzip.compress(text)),
        ("deflate, gzip", gzip.compress(zlib.compress(text))),
        ("deflate", raw_deflate.compress(text) + raw_deflate.flush()),
        ("identity", text),
    ]:
        inflater = BoundedInflater(content_codings(header, "http://x"), max_bytes=1_000_000)
        assert b"".join([*inflater.feed(body), *inflater.finish()]) == text, header


async def test_a_nested_gzip_bomb_from_a_page_is_413_not_memory() -> None:
    bomb = _nested_gzip_bomb(256 * 1024 * 1024, layers=2)
    routes = {"/": lambda h: h.respond(200, bomb, {"Content-Encoding": "gzip, gzip"})}
    with PageServer(routes) as server, pytest.raises(PageTooLarge):
        await fetch_url(server.url("/"), allowed=LOOPBACK, max_bytes=1_000_000, timeout_s=10)


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "x-unknown"])
async def test_a_page_in_an_encoding_we_do_not_read_is_named(coding: str) -> None:
    routes = {"/": lambda h: h.respond(200, PAGE, {"Content-Encoding": coding})}
    with PageServer(routes) as server, pytest.raises(FetchFailed, match=coding):
        await fetch_url(server.url("/"), allowed=LOOPBACK, max_bytes=100_000, timeout_s=5)


async def test_a_broken_gzip_stream_is_fetch_failed() -> None:
    routes = {"/": lambda h: h.respond(200, b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"})}
    with PageServer(routes) as server, pytest.raises(FetchFailed, match="gzip"):
        await fetch_url(server.url("/"), allowed=LOOPBACK, max_bytes=100_000, timeout_s=5)


@pytest.mark.parametrize(
    "body",
    [
        {"text": ARTICLE, "title": "Bridge\x00"},
        {"text": ARTICLE, "options": {"language": "en\x00"}},
        {"text": ARTICLE, "published": "2026-01-01\x00"},
        {"text": ARTICLE, "title": "two\nlines"},
    ],
)
async def test_control_characters_in_metadata_are_refused(api: Api, body: dict[str, Any]) -> None:
    response = await api().post("/v1/briefs", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_unexpected_error_is_a_500_problem_with_the_request_id_in_answer_and_log(
    api: Api, rules_engine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Pipeline):
        async def analyze(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug")

    from devtools.cassettes import fixture_settings

    settings = fixture_settings(engine="rules", openai_api_key=None, openai_base_url=None)
    client = api(pipeline=Broken(settings, [rules_engine]))
    with caplog.at_level(logging.ERROR):
        response = await client.post("/v1/briefs", json={"text": ARTICLE}, headers={"x-request-id": "trace-42"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-42"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:wirebrief:problem:internal"
    assert "a bug" not in response.text  # the detail stays in the log
    from service.api.middleware import request_id

    logged = [r for r in caplog.records if r.levelno == logging.ERROR and "a bug" in (r.exc_text or str(r.exc_info))]
    assert logged, "the error was not logged"
    assert request_id.get() == "-"  # the id does not outlive the request
    assert any("POST /v1/briefs" in r.getMessage() for r in logged)


def test_plain_text_without_punctuation_is_split_in_linear_time(rules_engine: Any) -> None:
    """The brief of a language without a pipeline: 200 KB with no full stop took 48 s of CPU
    (a pattern re-scanning every line from each of its characters). A liveness bound, not a speed
    figure: it must end in a small fraction of that."""
    from service.engines.rules import brief

    text = "La réforme au Sénat\n" + " ".join(["le gouvernement a annoncé la réforme"] * 5500)
    started = time.process_time()
    result = brief.plain(text, None)
    assert time.process_time() - started < 5
    assert result.headline == "La réforme au Sénat"
    summary = "Le conseil a voté la loi hier soir. Le maire a promis un nouveau pont !"
    assert brief.plain(f"Le conseil a voté\n{summary}\nsans point", None).summary == summary


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 80)), max_size=60), st.integers(0, 500), st.integers(1, 80)
)
def test_the_overlap_index_finds_exactly_the_overlapping_ranges(
    ranges: list[tuple[int, int]], start: int, length: int
) -> None:
    """The duplicate checks' index (which made them linear) against the comparison with every range."""
    index: OverlapIndex[int] = OverlapIndex()
    for number, (first, size) in enumerate(ranges):
        index.add(first, first + size, number)
    expected = {n for n, (first, size) in enumerate(ranges) if first < start + length and start < first + size}
    assert set(index.overlapping(start, start + length)) == expected
