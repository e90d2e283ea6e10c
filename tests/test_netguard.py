"""The SSRF guard: only http(s) URLs whose every address is public, unless the operator allows them."""

from __future__ import annotations

import ipaddress

import pytest

from service.config import Settings
from service.errors import FetchFailed
from service.netguard import AllowList, UrlRefused, check_url, non_public_reason, parse_allow_list

NOTHING = AllowList()


async def test_loopback_address_is_refused_with_the_reason_and_the_setting() -> None:
    with pytest.raises(UrlRefused) as caught:
        await check_url("http://127.0.0.1:8000/news", NOTHING)
    assert caught.value.detail == (
        "127.0.0.1 is a loopback address; add it to WIREBRIEF_ALLOWED_PRIVATE_HOSTS to allow it"
    )
    assert (caught.value.status, caught.value.type) == (422, "url-refused")


async def test_a_name_that_resolves_to_loopback_is_refused() -> None:
    with pytest.raises(UrlRefused, match=r"^localhost resolves to (127\.0\.0\.1|::1), a loopback address; add it"):
        await check_url("http://localhost/", NOTHING)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.1.2.3/", "a private or special-purpose address"),
        ("http://172.16.5.4/", "a private or special-purpose address"),
        ("http://192.168.0.1/", "a private or special-purpose address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),  # cloud metadata
        ("http://0.0.0.0:8000/", "an unspecified address"),
        ("http://100.64.0.1/", "a shared (carrier-grade NAT) address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://239.1.2.3/", "a multicast address"),  # Python calls it global; it is still refused
        ("http://255.255.255.255/", "a private or special-purpose address"),
        ("http://240.0.0.1/", "a private or special-purpose address"),
        ("http://[::1]/", "a loopback address"),
        ("http://[::]/", "an unspecified address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://[fc00::1]/", "a private or special-purpose address"),
        ("http://[ff02::1]/", "a multicast address"),
        ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped IPv6 address of 127.0.0.1, a loopback address"),
        ("http://[::ffff:a9fe:a9fe]/", "an IPv4-mapped IPv6 address of 169.254.169.254, a link-local address"),
        ("http://[64:ff9b::7f00:1]/", "a NAT64 IPv6 address of 127.0.0.1, a loopback address"),
        ("http://[2002:c0a8:101::1]/", "a 6to4 IPv6 address of 192.168.1.1, a private or special-purpose address"),
    ],
)
async def test_non_public_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UrlRefused) as caught:
        await check_url(url, NOTHING)
    assert reason in caught.value.detail
    assert "WIREBRIEF_ALLOWED_PRIVATE_HOSTS" in caught.value.detail


@pytest.mark.parametrize("url", ["http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/"])
async def test_odd_spellings_of_loopback_are_refused_by_what_they_resolve_to(url: str) -> None:
    with pytest.raises(UrlRefused, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        await check_url(url, NOTHING)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("ftp://example.com/file.txt", "ftp://"),
        ("file:///etc/passwd", "file://"),
        ("gopher://example.com/", "gopher://"),
        ("javascript:alert(1)", "javascript://"),
        ("example.com/news", "a URL without a scheme"),
    ],
)
async def test_only_http_and_https_are_fetched(url: str, shown: str) -> None:
    with pytest.raises(UrlRefused, match="only http and https URLs can be fetched") as caught:
        await check_url(url, NOTHING)
    assert shown in caught.value.detail


async def test_malformed_and_hostless_urls_are_refused() -> None:
    with pytest.raises(UrlRefused, match="no host"):
        await check_url("http:///path", NOTHING)
    with pytest.raises(UrlRefused, match="not a valid URL"):
        await check_url("http://[::1/", NOTHING)


async def test_an_unresolvable_host_is_a_failed_fetch_not_a_refusal() -> None:
    with pytest.raises(FetchFailed, match=r"the host no-such-host\.invalid could not be resolved") as caught:
        await check_url("http://no-such-host.invalid/", NOTHING)
    assert caught.value.type == "fetch-failed"


async def test_public_addresses_pass_with_scheme_host_port_and_the_address_to_connect_to() -> None:
    target = await check_url("http://8.8.8.8/news?id=1", NOTHING)
    assert (target.scheme, target.host, target.port, target.ip) == (
        "http",
        "8.8.8.8",
        80,
        ipaddress.ip_address("8.8.8.8"),
    )
    assert target.host_header == "8.8.8.8"
    target = await check_url("https://[2606:4700::1111]:8443/", NOTHING)
    assert (target.scheme, target.port, str(target.ip)) == ("https", 8443, "2606:4700::1111")
    assert target.host_header == "[2606:4700::1111]:8443"
    assert non_public_reason(ipaddress.ip_address("::ffff:8.8.8.8")) is None


async def test_the_allow_list_lets_named_hosts_through() -> None:
    target = await check_url("http://localhost:8080/", parse_allow_list("localhost"))
    assert target.host == "localhost"
    assert target.ip.is_loopback
    assert all(address.is_loopback for address in target.addresses)
    assert (await check_url("http://LOCALHOST/", parse_allow_list("localhost."))).ip.is_loopback


async def test_the_allow_list_lets_addresses_in_its_networks_through() -> None:
    allowed = parse_allow_list("127.0.0.0/8, 10.0.0.0/8")
    assert str((await check_url("http://127.0.0.1:9/", allowed)).ip) == "127.0.0.1"
    assert str((await check_url("http://10.20.30.40/", allowed)).ip) == "10.20.30.40"
    assert (await check_url("http://[::ffff:10.0.0.1]/", allowed)).ip == ipaddress.ip_address("::ffff:10.0.0.1")
    with pytest.raises(UrlRefused, match=r"192\.168\.1\.1 is a private"):
        await check_url("http://192.168.1.1/", allowed)


async def test_an_allowed_name_does_not_allow_its_address_under_another_name() -> None:
    allowed = parse_allow_list("intranet.example")
    with pytest.raises(UrlRefused, match=r"127\.0\.0\.1 is a loopback address"):
        await check_url("http://127.0.0.1/", allowed)


def test_parse_allow_list() -> None:
    allowed = parse_allow_list(" 127.0.0.1, Localhost ,10.0.0.0/8 [::1] fd00::/8,intranet.example.")
    assert allowed.hosts == {"localhost", "intranet.example"}
    assert [str(net) for net in allowed.networks] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"]
    assert parse_allow_list("") == AllowList()
    for bad in ["http://intranet/", "10.0.0.0/33", "user@host"]:
        with pytest.raises(ValueError, match="allow-list"):
            parse_allow_list(bad)


def test_the_setting_is_checked_at_start_up_and_parsed() -> None:
    assert Settings(allowed_private_hosts="localhost,10.0.0.0/8").allow_list.hosts == {"localhost"}
    with pytest.raises(ValueError, match="allow-list"):
        Settings(allowed_private_hosts="http://intranet/")
