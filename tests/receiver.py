"""A real webhook receiver for the delivery tests: an HTTP server in its own process.

    python -m tests.receiver --port N --secret whsec_... --down-first K --status-after 200 --record FILE

Every POST is verified with `standardwebhooks.Webhook(secret).verify(body, headers)` (not with
our own code) and appended to FILE as one JSON line, flushed at once, before the answer is sent:
`{"webhook_id", "verified", "error", "status", "path", "body", "headers", "received_at",
"overlapping"}`; `overlapping` is true when another request with the same webhook-id was still
being answered (a delivery attempted twice at once). The first K requests get `--down-status`
(503: "down"), and so does every request during the first `--down-for-s` seconds after the
first one; then `--status-after`. `--gone`
answers 410 always, `--redirect-to URL` a 307 to URL. `--slack` records without verifying
(Slack incoming webhooks are not signed). `GET /healthz` answers 200 and is not recorded.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook


class Receiver:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.count = 0
        self.first_at: float | None = None
        self.in_flight: dict[str, int] = {}  # webhook-id -> requests with it being answered now
        self.lock = threading.Lock()
        self.record = open(args.record, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life

    def answer(self) -> tuple[int, dict[str, str], float]:
        """Status, extra headers and delay for the next request (counted under the lock)."""
        with self.lock:
            self.count += 1
            number = self.count
            self.first_at = self.first_at or time.monotonic()
            down_by_time = time.monotonic() - self.first_at < self.args.down_for_s
        delay = self.args.slow_s if number <= self.args.slow_first else 0.0
        if self.args.gone:
            return 410, {}, delay
        if self.args.redirect_to:
            return 307, {"Location": self.args.redirect_to}, delay
        if number <= self.args.down_first or down_by_time:
            headers = {"Retry-After": self.args.retry_after} if self.args.retry_after else {}
            return self.args.down_status, headers, delay
        return self.args.status_after, {}, delay

    def enter(self, webhook_id: str | None) -> bool:
        """Count a request with this id as being answered; True when another one already is."""
        if webhook_id is None:
            return False
        with self.lock:
            self.in_flight[webhook_id] = self.in_flight.get(webhook_id, 0) + 1
            return self.in_flight[webhook_id] > 1

    def leave(self, webhook_id: str | None) -> None:
        if webhook_id is not None:
            with self.lock:
                self.in_flight[webhook_id] -= 1

    def write(self, line: dict[str, Any]) -> None:
        with self.lock:
            self.record.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.record.flush()


def handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._send(200 if self.path == "/healthz" else 404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {key.lower(): value for key, value in self.headers.items()}
            overlapping = receiver.enter(headers.get("webhook-id"))
            try:
                self._receive(body, headers, overlapping)
            finally:
                receiver.leave(headers.get("webhook-id"))

        def _receive(self, body: bytes, headers: dict[str, str], overlapping: bool) -> None:
            verified, error = False, None
            if not receiver.args.slack:
                try:
                    Webhook(receiver.args.secret).verify(body, headers)
                    verified = True
                except Exception as exc:  # record why, answer anyway: the test asserts on the record
                    error = f"{type(exc).__name__}: {exc}"
            status, extra, delay = receiver.answer()
            try:
                parsed: Any = json.loads(body)
            except ValueError:
                parsed = body.decode("utf-8", "replace")
            receiver.write(
                {
                    "webhook_id": headers.get("webhook-id"),
                    "verified": verified,
                    "error": error,
                    "status": status,
                    "path": self.path,
                    "body": parsed,
                    "raw": body.decode("utf-8", "replace"),
                    "headers": headers,
                    "received_at": time.time(),
                    "overlapping": overlapping,
                }
            )
            if delay:
                time.sleep(delay)
            self._send(status, extra)

        def _send(self, status: int, extra: dict[str, str]) -> None:
            payload = b"ok" if status < 300 else f"status {status}".encode()
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", default="", help="whsec_... to verify with (not needed with --slack)")
    parser.add_argument("--record", required=True, help="JSON-lines file to append every request to")
    parser.add_argument("--down-first", type=int, default=0, help="answer --down-status to the first K requests")
    parser.add_argument("--down-for-s", type=float, default=0.0, help="answer --down-status for this long at first")
    parser.add_argument("--down-status", type=int, default=503)
    parser.add_argument("--retry-after", default=None, help="Retry-After header sent with the 'down' answers")
    parser.add_argument("--status-after", type=int, default=200)
    parser.add_argument("--gone", action="store_true", help="answer 410 Gone to everything")
    parser.add_argument("--redirect-to", default=None, help="answer 307 with this Location to everything")
    parser.add_argument("--slack", action="store_true", help="record unsigned (Slack) messages, no verification")
    parser.add_argument("--slow-first", type=int, default=0, help="delay the answer to the first K requests")
    parser.add_argument("--slow-s", type=float, default=0.0)
    args = parser.parse_args()
    if not args.slack and not args.secret:
        parser.error("--secret is required unless --slack")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Receiver(args)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
