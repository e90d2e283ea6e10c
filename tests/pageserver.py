"""A real HTTP(S) server on loopback for the fetch tests: each route is a function that writes
the response by hand, so tests can send what real sites send (chunked streams, lies about
Content-Length, slow bodies, redirects) and see how much of it the client read."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType

Route = Callable[["Handler"], None]


@dataclass
class Seen:
    """What the server saw: each request's path and Host header, bytes written per path."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    sni: list[str | None] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PageServer._Server

    def do_GET(self) -> None:
        seen = self.server.seen
        path = self.path.split("?", 1)[0]
        seen.requests.append((self.path, self.headers.get("Host", "")))
        route = self.server.routes.get(path)
        try:
            if route is None:
                self.respond(404, b"not found")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            self.close_connection = True  # the client hung up, as it should when it has had enough
        finally:
            seen.finished.set()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        path = self.path.split("?", 1)[0]
        self.server.seen.sent[path] = self.server.seen.sent.get(path, 0) + len(data)

    def respond(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.respond(status, b"", {"Location": location})

    def stream(self, chunks: Iterable[bytes], headers: dict[str, str] | None = None) -> None:
        """Send `chunks` with chunked transfer-encoding unless `headers` sets a Content-Length."""
        headers = {"Content-Type": "text/html", **(headers or {})}
        chunked = "Content-Length" not in headers
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            self.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self.write(b"0\r\n\r\n")


class PageServer:
    """`with PageServer({"/": route}) as server: server.url("/")`; `tls=(cert, key)` serves HTTPS."""

    class _Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False
        routes: dict[str, Route]
        seen: Seen

    def __init__(self, routes: dict[str, Route], tls: tuple[str, str] | None = None) -> None:
        self.server = self._Server(("127.0.0.1", 0), Handler)
        self.server.routes = routes
        self.server.seen = Seen()
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            context.sni_callback = lambda _sock, name, _ctx: self.seen.sni.append(name)  # type: ignore[assignment,misc,unused-ignore]
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def seen(self) -> Seen:
        return self.server.seen

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
