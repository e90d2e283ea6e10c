"""SSRF guard: a URL a user gives us is resolved and every address checked before we connect.

Article URLs go through it now; webhook callback URLs will too. The caller connects to the
`ResolvedTarget.ip` that was checked, never to a second lookup of the name, so a DNS answer
that changes between the check and the connection (DNS rebinding) cannot reach inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from service.errors import FetchFailed, UrlRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "WIREBRIEF_ALLOWED_PRIVATE_HOSTS"
_SCHEMES = {"http": 80, "https": 443}
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT; Python calls it neither private nor global
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class AllowList:
    """Private hosts an operator lets through: names (matched against the URL's host) and
    networks (matched against each resolved address)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        candidates = [address, *(inner for _, inner in _embedded_ipv4(address))]
        return any(a in net for a in candidates for net in self.networks if a.version == net.version)


@dataclass(frozen=True)
class ResolvedTarget:
    """Where to connect: the URL as parsed, its host and port, and the checked address."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, without brackets; what TLS SNI and certificate checks use
    port: int
    ip: IPAddress  # the address to connect to; every address the host resolved to passed the check
    addresses: tuple[IPAddress, ...]
    host_header: str  # host[:port] as the Host header must carry it (port only when not the default)


def parse_allow_list(value: str) -> AllowList:
    """Parse "127.0.0.1, localhost, 10.0.0.0/8": commas or spaces between entries; an entry is an
    IP address, a CIDR network or a host name. Raises ValueError naming a malformed entry."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for raw in value.replace(",", " ").split():
        entry = raw.strip().removeprefix("[").removesuffix("]")
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if "/" in entry or ":" in entry or "@" in entry:
            raise ValueError(f"{raw!r} in the allow-list is neither a host name, an IP address nor a CIDR network")
        try:
            hosts.add(_ascii_host(httpx.URL(f"http://{entry}/")).rstrip("."))
        except httpx.InvalidURL as error:
            raise ValueError(f"{raw!r} in the allow-list is not a valid host name: {error}") from None
    return AllowList(frozenset(hosts), tuple(networks))


async def check_url(url: str, allowed: AllowList) -> ResolvedTarget:
    """Parse, resolve and check `url`; raise `UrlRefused` with the reason when it may not be fetched."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise UrlRefused(f"{url!r} is not a valid URL: {error}") from None
    if parsed.scheme not in _SCHEMES:
        shown = f"{parsed.scheme}://" if parsed.scheme else "a URL without a scheme"
        raise UrlRefused(f"only http and https URLs can be fetched, not {shown}")
    host = _ascii_host(parsed)
    if not host:
        raise UrlRefused(f"{url!r} has no host")
    port = parsed.port or _SCHEMES[parsed.scheme]
    addresses = await _resolve(host, port)
    host_allowed = allowed.allows_host(host)
    for address in addresses:
        reason = non_public_reason(address)
        if reason is None or host_allowed or allowed.allows_address(address):
            continue
        subject = f"{address} is" if _is_literal(host) else f"{host} resolves to {address},"
        raise UrlRefused(f"{subject} {reason}; add it to {ALLOW_SETTING} to allow it")
    return ResolvedTarget(
        url=str(parsed),
        scheme=parsed.scheme,
        host=host,
        port=port,
        ip=addresses[0],
        addresses=addresses,
        host_header=parsed.netloc.decode("ascii"),
    )


def non_public_reason(address: IPAddress) -> str | None:
    """Why an address is not one a public web page lives at (None when it is)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        inner = non_public_reason(address.ipv4_mapped)  # ::ffff:a.b.c.d is a.b.c.d on a dual-stack socket
        return None if inner is None else f"an IPv4-mapped IPv6 address of {address.ipv4_mapped}, {inner}"
    for kind, inner_address in _embedded_ipv4(address):
        inner = non_public_reason(inner_address)
        if inner is not None:
            return f"a {kind} IPv6 address of {inner_address}, {inner}"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_private:
        return "a private or special-purpose address"
    if address.is_reserved:
        return "a reserved address"
    if address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if not address.is_global:
        return "not a globally reachable address"
    return None


def _embedded_ipv4(address: IPAddress) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses a translating IPv6 address leads to (IPv4-mapped, NAT64, 6to4, Teredo)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if any(address in net for net in _NAT64):
        found.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        found.extend(("Teredo", inner) for inner in address.teredo)
    return found


async def _resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Every address the host resolves to, in the resolver's order, without repeats."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        # Not a refusal: the name does not resolve (now). A fetch fails; a delivery tries again later.
        raise FetchFailed(f"the host {host} could not be resolved ({error})") from None
    addresses: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        addresses[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    if not addresses:
        raise UrlRefused(f"the host {host} has no address")
    return tuple(addresses)


def _ascii_host(url: httpx.URL) -> str:
    return url.raw_host.decode("ascii").lower()


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
