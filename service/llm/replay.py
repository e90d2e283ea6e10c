"""Recorded LLM exchanges, replayed at the HTTP layer under the real openai + instructor code.

A cassette (`fixtures/exchanges/*.json`) holds the requests' fingerprints and the responses in
the provider's wire format. Each cassette says where it came from: `recorded` from a named
model on a date (`make record`, needs a real key), or `authored` by hand (`make fixtures`).
A request whose fingerprint differs from the recorded one (a changed prompt, schema or model)
is refused with a message saying how to re-record, instead of replaying stale data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

RERECORD_HINT = (
    "re-record with `make record` (a model behind OPENAI_BASE_URL, or OPENAI_API_KEY), or for authored fixtures "
    "re-author them with `make fixtures`"
)


class StaleExchangeError(AssertionError):
    """The code now sends a request the cassette did not record."""


def request_fingerprint(request: httpx2.Request) -> str:
    """sha256 of the request body as canonical JSON: prompt, schema, model and article all count."""
    body = request.content
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()


def request_summary(request: httpx2.Request) -> dict[str, Any]:
    """What a person needs to see why a fingerprint changed."""
    try:
        body = json.loads(request.content)
    except ValueError:
        return {}
    messages = body.get("messages") or []
    system = next((m.get("content", "") for m in messages if m.get("role") == "system"), "")
    tools = body.get("tools") or []
    schema = tools[0].get("function", {}).get("parameters") if tools else body.get("response_format")
    return {
        "model": body.get("model"),
        "messages": len(messages),
        "system_sha256": hashlib.sha256(str(system).encode()).hexdigest()[:12],
        "schema_sha256": hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:12],
    }


@dataclass
class Interaction:
    fingerprint: str
    summary: dict[str, Any]
    status: int
    headers: dict[str, str]
    body: Any  # JSON value, or a string for bodies that are not JSON

    def to_response(self, request: httpx2.Request) -> httpx2.Response:
        content = self.body.encode() if isinstance(self.body, str) else json.dumps(self.body).encode()
        headers = {"content-type": "application/json", **self.headers}
        return httpx2.Response(self.status, headers=headers, content=content, request=request)

    def to_json(self) -> dict[str, Any]:
        return {
            "request": {"fingerprint": self.fingerprint, "summary": self.summary},
            "response": {"status": self.status, "headers": self.headers, "body": self.body},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Interaction:
        request, response = data["request"], data["response"]
        return cls(
            request["fingerprint"],
            request.get("summary", {}),
            response["status"],
            response.get("headers", {}),
            response["body"],
        )


@dataclass
class Cassette:
    name: str
    source: str  # "recorded" or "authored"
    note: str
    interactions: list[Interaction] = field(default_factory=list)
    # A recorded cassette carries what it was recorded with (model, mode, limits, the server and the
    # date), and is replayed with the same settings: its requests are then byte for byte the same.
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Cassette:
        data = json.loads(path.read_text(encoding="utf-8"))
        interactions = [Interaction.from_json(i) for i in data["interactions"]]
        return cls(data["name"], data["source"], data["note"], interactions, data.get("settings", {}))

    def save(self, path: Path) -> None:
        data: dict[str, Any] = {"name": self.name, "source": self.source, "note": self.note}
        if self.settings:
            data["settings"] = self.settings
        data["interactions"] = [i.to_json() for i in self.interactions]
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class ReplayTransport(httpx2.AsyncBaseTransport):
    """Serves a cassette's responses; identical requests (retries) get successive responses."""

    def __init__(self, cassette: Cassette) -> None:
        self.cassette = cassette
        self._unused = list(cassette.interactions)
        self.errors: list[StaleExchangeError] = []
        self.served = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        fingerprint = request_fingerprint(request)
        for index, interaction in enumerate(self._unused):
            if interaction.fingerprint == fingerprint:
                del self._unused[index]
                self.served += 1
                return interaction.to_response(request)
        error = self._stale_error(request)
        self.errors.append(error)
        raise error

    def _stale_error(self, request: httpx2.Request) -> StaleExchangeError:
        now = request_summary(request)
        if not self._unused:
            return StaleExchangeError(
                f"cassette {self.cassette.name!r}: the code made more LLM calls than were recorded; {RERECORD_HINT}"
            )
        recorded = self._unused[0].summary
        changed = [
            key for key in ("model", "system_sha256", "schema_sha256", "messages") if recorded.get(key) != now.get(key)
        ]
        what = (
            ", ".join(f"{key} {recorded.get(key)!r} -> {now.get(key)!r}" for key in changed)
            or "the article or user prompt"
        )
        return StaleExchangeError(
            f"cassette {self.cassette.name!r} no longer matches the request the code sends "
            f"({what} changed); {RERECORD_HINT}"
        )

    def check_used_up(self) -> None:
        """Raise the first mismatch seen, so a test fails with the re-record message."""
        if self.errors:
            raise self.errors[0]


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes requests to `inner` and keeps each exchange for a cassette."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.interactions: list[Interaction] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        try:
            body: Any = json.loads(content)
        except ValueError:
            body = content.decode("utf-8", "replace")
        kept_headers = {k: v for k, v in response.headers.items() if k.lower() in {"retry-after", "retry-after-ms"}}
        self.interactions.append(
            Interaction(
                request_fingerprint(request), request_summary(request), response.status_code, kept_headers, body
            )
        )
        return httpx2.Response(response.status_code, headers=response.headers, content=content, request=request)


class ScriptedTransport(httpx2.AsyncBaseTransport):
    """Answers with authored responses in order: how `authored` cassettes are made."""

    def __init__(self, responses: Sequence[Any]) -> None:
        self._responses = list(responses)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if not self._responses:
            raise StaleExchangeError("the script has no answer left for this request")
        make = self._responses.pop(0)
        result: httpx2.Response = make(request)
        return result
