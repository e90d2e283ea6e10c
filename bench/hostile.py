"""The service under normal load while one client attacks it (prints figures only).

64 senders keep normal articles in flight against a stand-in LLM (as `bench/service.py` does);
beside them a prober asks `/healthz` every 50 ms and sends a signed Slack slash command every
250 ms (Slack wants its acknowledgement within 3 s). The phase runs twice: once alone, once while
an attacker sends, one after another in a loop, a 196 KB text with no full stop for the rules
engine, a 1.7 MB HTML page of sibling spans (12 s of trafilatura), and the URL of a page that is
a gzip bomb (1 GiB behind two gzip layers). Printed: the healthz and Slack acknowledgement p99, the
service's peak resident memory above idle during the attack, and the normal requests' throughput
under attack against the same phase without it.

    .venv/bin/python bench/hostile.py [--latency 0.5] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import sys
import tempfile
import time
import urllib.parse
import zlib
from pathlib import Path

import aiohttp
from slack_sdk.signature import SignatureVerifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.service import article, percentile, service, tree
from bench.standin import free_port, standin_process
from tests.pageserver import Handler, PageServer

SLACK_SECRET = "bench-slack-secret"
IN_FLIGHT = 64


def rss_mib(pid: int) -> float:
    """Resident memory of the service's own process (where pages are fetched and inflated)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers_rss_mib(pid: int) -> float:
    """Resident memory of its worker processes (HTML pages are read there)."""
    return sum(rss_mib(member) for member in tree(pid)[1:])


def bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    inner = b"".join(compressor.compress(block) for _ in range(1024)) + compressor.flush()
    return gzip.compress(inner, 9)


FRENCH = " ".join(["le gouvernement a annoncé la réforme des retraites sans date"] * 3300)[:196_000]
HEAVY_HTML = ("<html><body><article>" + "<span>a word</span> " * 85_000 + "</article></body></html>").encode()


def slash_body(response_url: str) -> tuple[bytes, dict[str, str]]:
    body = urllib.parse.urlencode(
        {
            "command": "/brief",
            "text": f"The council agreed on day {time.time_ns()} to rebuild the bridge.",
            "response_url": response_url,
            "user_id": "U1",
            "channel_id": "C1",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SLACK_SECRET).generate_signature(timestamp=timestamp, body=body)
    return body.encode(), {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }


async def phase(
    session: aiohttp.ClientSession, url: str, seconds: float, first: int, attack: str | None, pid: int, sink: str
) -> dict[str, float]:
    stop = time.monotonic() + seconds
    done = 0
    health: list[float] = []
    acks: list[float] = []
    attacks: dict[str, int] = {}
    peak = idle = rss_mib(pid)
    workers_peak = workers_rss_mib(pid)

    async def sender(index: int) -> None:
        nonlocal done
        await asyncio.sleep(index / IN_FLIGHT * 0.5)
        number = first + index
        while time.monotonic() < stop:
            async with session.post(
                url + "/v1/briefs", data=article(number).encode(), headers={"content-type": "text/plain"}
            ) as response:
                await response.read()
                if response.status == 200:
                    done += 1
            number += IN_FLIGHT

    async def prober() -> None:
        nonlocal peak, workers_peak
        tick = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            async with session.get(url + "/healthz") as response:
                await response.read()
            health.append(time.perf_counter() - started)
            if tick % 5 == 0:
                body, headers = slash_body(sink)
                started = time.perf_counter()
                async with session.post(url + "/v1/slack/commands", data=body, headers=headers) as response:
                    await response.read()
                acks.append(time.perf_counter() - started)
            peak = max(peak, rss_mib(pid))
            workers_peak = max(workers_peak, workers_rss_mib(pid))
            tick += 1
            await asyncio.sleep(0.05)

    async def attacker() -> None:
        requests = [
            ("text", url + "/v1/briefs?engine=rules", FRENCH.encode(), "text/plain"),
            ("html", url + "/v1/briefs", HEAVY_HTML, "text/html"),
            ("bomb", url + "/v1/briefs", f'{{"url": "{attack}"}}'.encode(), "application/json"),
        ]
        while time.monotonic() < stop:
            for name, target, body, content_type in requests:
                async with session.post(target, data=body, headers={"content-type": content_type}) as response:
                    await response.read()
                    attacks[f"{name} {response.status}"] = attacks.get(f"{name} {response.status}", 0) + 1

    started = time.monotonic()
    tasks = [sender(i) for i in range(IN_FLIGHT)] + [prober()] + ([attacker()] if attack else [])
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    return {
        "throughput": done / elapsed,
        "healthz_p99_ms": 1000 * percentile(health, 0.99),
        "healthz_max_ms": 1000 * max(health),
        "ack_p99_ms": 1000 * percentile(acks, 0.99),
        "ack_max_ms": 1000 * max(acks),
        "rss_above_idle_mib": peak - idle,
        "workers_peak_mib": workers_peak,
        "attacks": attacks,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.5, help="the stand-in LLM's latency, seconds")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    args = parser.parse_args()
    payload = bomb()

    def bomb_page(handler: Handler) -> None:
        handler.respond(200, payload, {"Content-Encoding": "gzip, gzip"})

    with (
        tempfile.TemporaryDirectory() as folder,
        PageServer({"/bomb": bomb_page}) as pages,
        standin_process("--latency", str(args.latency)) as (llm_url, _standin_pid),
        service(
            llm_url,
            folder,
            1,
            {
                "WIREBRIEF_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
                "WIREBRIEF_SLACK_SIGNING_SECRET": SLACK_SECRET,
                "WIREBRIEF_SLACK_RESPONSE_HOSTS": "127.0.0.1",
            },
        ) as (url, pid),
    ):
        sink = f"http://127.0.0.1:{free_port()}/"  # nothing listens: the answers are retried later, not measured

        async def run() -> None:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
                print(
                    f"{os.cpu_count()} cores; {IN_FLIGHT} normal requests in flight, stand-in latency {args.latency} s"
                )
                quiet = await phase(session, url, args.seconds, 0, None, pid, sink)
                attacked = await phase(session, url, args.seconds, 1_000_000, pages.url("/bomb"), pid, sink)
                for name, figures in (("without attacker", quiet), ("with attacker", attacked)):
                    health = f"healthz p99 {figures['healthz_p99_ms']:7.1f} ms (max {figures['healthz_max_ms']:7.1f})"
                    print(
                        f"{name:<17} {health}  "
                        f"Slack ack p99 {figures['ack_p99_ms']:7.1f} ms (max {figures['ack_max_ms']:7.1f})  "
                        f"normal {figures['throughput']:6.1f}/s  "
                        f"service RSS peak +{figures['rss_above_idle_mib']:.0f} MiB, "
                        f"HTML worker peak {figures['workers_peak_mib']:.0f} MiB"
                    )
                print(f"attacker's requests answered: {attacked['attacks']}")
                print(f"normal throughput under attack / without: {attacked['throughput'] / quiet['throughput']:.2f}")

        asyncio.run(run())


if __name__ == "__main__":
    main()
