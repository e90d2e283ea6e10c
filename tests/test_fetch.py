"""Fetching a page by URL, against real servers on loopback (no mocked HTTP): the guard on every
hop, the connection pinned to the checked address, the size cap while streaming, the deadline."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import netguard
from service.fetch import Fetched, FetchFailed, PageTooLarge, fetch_url
from service.html import html_to_article_fields
from service.netguard import AllowList, UrlRefused, parse_allow_list
from tests.pageserver import Handler, PageServer
from tests.support import free_port

LOOPBACK = parse_allow_list("127.0.0.1")
PAGE = b"<html><body><article><p>The council agreed to rebuild the bridge by 2026.</p></article></body></html>"
FIFTY_MB = 50 * 1024 * 1024
CHUNK = b"<p>" + b"x" * (64 * 1024 - 8) + b"</p>\n"  # 64 KiB


def page(handler: Handler) -> None:
    handler.respond(200, PAGE)


async def fetch(url: str, allowed: AllowList = LOOPBACK, **options: float) -> Fetched:
    limits: dict[str, float] = {"max_bytes": 1_000_000, "timeout_s": 5, **options}
    return await fetch_url(
        url,
        allowed=allowed,
        max_bytes=int(limits["max_bytes"]),
        timeout_s=limits["timeout_s"],
        max_redirects=int(limits.get("max_redirects", 5)),
    )


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names of our choosing resolve to addresses of our choosing (the guard's lookup only);
    other names and IP literals go to the real resolver."""
    table: dict[str, str] = {}
    real = netguard._resolve

    async def resolve(host: str, port: int) -> tuple[netguard.IPAddress, ...]:
        if host not in table:
            return await real(host, port)
        return (ipaddress.ip_address(table[host]),)

    monkeypatch.setattr(netguard, "_resolve", resolve)
    return table


async def test_a_loopback_page_is_refused_by_default_and_never_contacted() -> None:
    with PageServer({"/": page}) as server:
        with pytest.raises(UrlRefused, match=r"127\.0\.0\.1 is a loopback address; add it to WIREBRIEF_"):
            await fetch(server.url("/"), AllowList())
        assert server.seen.requests == []


@pytest.mark.parametrize("allow", ["127.0.0.1", "127.0.0.0/8", "localhost"])
async def test_a_loopback_page_is_fetched_when_the_allow_list_names_it(allow: str) -> None:
    with PageServer({"/article": page}) as server:
        host = "localhost" if allow == "localhost" else "127.0.0.1"
        fetched = await fetch_url(
            server.url("/article", host=host), allowed=parse_allow_list(allow), max_bytes=10_000, timeout_s=5
        )
    assert fetched.body == PAGE
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert fetched.url == fetched.final_url == server.url("/article", host=host)


async def test_the_connection_goes_to_the_checked_address_with_the_original_host(fake_dns: dict[str, str]) -> None:
    """Pinning: `news.example` is resolved once, by the guard; the system resolver does not know it,
    so the fetch can only succeed by connecting to the address the guard checked."""
    fake_dns["news.example"] = "127.0.0.1"
    with PageServer({"/story": page}) as server:
        fetched = await fetch(server.url("/story", host="news.example"), parse_allow_list("news.example"))
    assert fetched.body == PAGE
    assert server.seen.requests == [("/story", f"news.example:{server.port}")]


async def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(fake_dns: dict[str, str]) -> None:
    fake_dns["news.example"] = "127.0.0.1"
    fake_dns["internal.example"] = "10.0.0.7"
    routes = {
        "/to-ip": lambda h: h.redirect(f"http://127.0.0.1:{h.server.server_address[1]}/secret"),
        "/to-name": lambda h: h.redirect("http://internal.example/admin", status=307),
        "/to-metadata": lambda h: h.redirect("http://169.254.169.254/latest/meta-data/", status=301),
        "/to-file": lambda h: h.redirect("file:///etc/passwd"),
        "/secret": page,
    }
    allowed = parse_allow_list("news.example")
    with PageServer(routes) as server:
        with pytest.raises(UrlRefused, match=r"^127\.0\.0\.1 is a loopback address"):
            await fetch(server.url("/to-ip", host="news.example"), allowed)
        with pytest.raises(UrlRefused, match=r"^internal\.example resolves to 10\.0\.0\.7, a private"):
            await fetch(server.url("/to-name", host="news.example"), allowed)
        with pytest.raises(UrlRefused, match=r"^169\.254\.169\.254 is a link-local address"):
            await fetch(server.url("/to-metadata", host="news.example"), allowed)
        with pytest.raises(UrlRefused, match=r"only http and https URLs can be fetched, not file://"):
            await fetch(server.url("/to-file", host="news.example"), allowed)
        assert "/secret" not in [path for path, _ in server.seen.requests]


async def test_redirects_are_followed_relative_to_the_page_and_limited() -> None:
    routes = {
        "/old": lambda h: h.redirect("/new", status=301),
        "/new": page,
        "/loop": lambda h: h.redirect("/loop"),
    }
    with PageServer(routes) as server:
        fetched = await fetch(server.url("/old"))
        assert (fetched.url, fetched.final_url) == (server.url("/old"), server.url("/new"))
        server.seen.requests.clear()
        with pytest.raises(FetchFailed, match="redirected more than 3 times"):
            await fetch(server.url("/loop"), max_redirects=3)
        assert len(server.seen.requests) == 4


def fifty_megabytes() -> Iterator[bytes]:
    for _ in range(FIFTY_MB // len(CHUNK)):
        yield CHUNK


@pytest.mark.parametrize("declared", [False, True], ids=["chunked", "content-length"])
async def test_a_50_mb_page_is_cut_off_quickly_without_reading_it_all(declared: bool) -> None:
    headers = {"Content-Length": str(FIFTY_MB // len(CHUNK) * len(CHUNK))} if declared else {}
    with PageServer({"/huge": lambda h: h.stream(fifty_megabytes(), headers)}) as server:
        started = time.monotonic()
        with pytest.raises(PageTooLarge, match="the page is larger than 1000000 bytes") as caught:
            await fetch(server.url("/huge"), max_bytes=1_000_000)
        assert time.monotonic() - started < 5
        assert server.seen.finished.wait(10), "the server is still writing: the client did not hang up"
        assert server.seen.sent["/huge"] < FIFTY_MB / 4
    assert (caught.value.status, caught.value.type) == (413, "page-too-large")
    if declared:
        assert "it declares 52428800" in caught.value.detail


async def test_a_compressed_page_is_capped_on_its_decompressed_size() -> None:
    """A 50 MB page gzipped to ~50 kB must not be inflated in full."""
    compressor = zlib.compressobj(wbits=31)
    bomb = b"".join(compressor.compress(b"\0" * 1024 * 1024) for _ in range(50)) + compressor.flush()
    route = {"/bomb": lambda h: h.respond(200, bomb, {"Content-Encoding": "gzip"})}
    with PageServer(route) as server, pytest.raises(PageTooLarge, match="larger than 1000000 bytes"):
        await fetch(server.url("/bomb"), max_bytes=1_000_000)


async def test_a_server_that_does_not_answer_times_out() -> None:
    def slow(handler: Handler) -> None:
        time.sleep(3)
        handler.respond(200, PAGE)

    with PageServer({"/slow": slow}) as server:
        started = time.monotonic()
        with pytest.raises(FetchFailed, match=r"did not answer in time \(the limit is 0.5 s\)"):
            await fetch(server.url("/slow"), timeout_s=0.5)
        assert time.monotonic() - started < 2


async def test_a_server_that_trickles_hits_the_overall_deadline() -> None:
    """Each byte comes well within a read timeout; only the whole-fetch deadline stops it."""

    def trickle() -> Iterator[bytes]:
        for _ in range(200):
            time.sleep(0.05)
            yield b"<p>."

    with PageServer({"/trickle": lambda h: h.stream(trickle())}) as server:
        started = time.monotonic()
        with pytest.raises(FetchFailed, match="did not answer in time"):
            await fetch(server.url("/trickle"), timeout_s=1)
        assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(("status", "phrase"), [(404, "404 Not Found"), (500, "500 Internal Server Error")])
async def test_an_error_status_is_named(status: int, phrase: str) -> None:
    with (
        PageServer({"/": lambda h: h.respond(status, b"nope")}) as server,
        pytest.raises(FetchFailed, match=f"answered {phrase}") as caught,
    ):
        await fetch(server.url("/"))
    assert (caught.value.status, caught.value.type) == (422, "fetch-failed")


async def test_a_page_that_is_not_html_or_text_is_refused_before_its_body_is_read() -> None:
    pdf = {"/paper.pdf": lambda h: h.respond(200, b"%PDF-1.7", {"Content-Type": "application/pdf"})}
    with PageServer(pdf) as server, pytest.raises(FetchFailed, match="is application/pdf, not an HTML or text page"):
        await fetch(server.url("/paper.pdf"))


async def test_a_closed_port_is_a_clear_connection_error() -> None:
    port = free_port()
    with pytest.raises(FetchFailed, match=f"could not connect to 127.0.0.1:{port}"):
        await fetch(f"http://127.0.0.1:{port}/")


async def test_a_page_without_a_declared_charset_is_decoded_by_the_html_reader() -> None:
    text = "Le président a déclaré que la réunion aurait lieu à Genève « dès que possible »."
    body = f"<html><body><article><p>{text}</p></article></body></html>".encode("cp1252")
    routes = {
        "/bare": lambda h: h.respond(200, body, {"Content-Type": "text/html"}),
        "/declared": lambda h: h.respond(200, body, {"Content-Type": "text/html; charset=ISO-8859-1"}),
    }
    with PageServer(routes) as server:
        bare = await fetch_url(server.url("/bare"), allowed=LOOPBACK, max_bytes=10_000, timeout_s=5)
        declared = await fetch_url(server.url("/declared"), allowed=LOOPBACK, max_bytes=10_000, timeout_s=5)
    assert (bare.charset, declared.charset) == (None, "ISO-8859-1")
    for fetched in (bare, declared):
        assert html_to_article_fields(fetched.body, fetched.final_url, charset=fetched.charset).text == text


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
async def test_https_is_pinned_with_the_host_name_as_sni_and_the_certificate_checked(
    fake_dns: dict[str, str], tmp_path: Path
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    fake_dns["news.example"] = "127.0.0.1"
    fake_dns["other.example"] = "127.0.0.1"
    trust = ssl.create_default_context(cafile=str(cert))
    allowed = parse_allow_list("127.0.0.1")
    with PageServer({"/": page}, tls=(str(cert), str(key))) as server:
        fetched = await fetch_url(
            server.url("/", host="news.example"), allowed=allowed, max_bytes=10_000, timeout_s=5, verify=trust
        )
        assert fetched.body == PAGE
        assert server.seen.sni == ["news.example"]
        assert server.seen.requests == [("/", f"news.example:{server.port}")]
        with pytest.raises(FetchFailed, match=r"certificate is not valid for 'other\.example'"):
            await fetch_url(
                server.url("/", host="other.example"), allowed=allowed, max_bytes=10_000, timeout_s=5, verify=trust
            )
