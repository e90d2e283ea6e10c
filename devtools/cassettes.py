"""Building the cassettes under `fixtures/exchanges/` from `fixtures/manifest.json`
(`python -m devtools.cassettes build|record`, or `make fixtures` / `make record`).

Each manifest entry names an article and the steps of its exchange: an authored answer
(`answer`: a file in the model's answer format, optionally cut off with `truncate_at`),
an HTTP error (`status`, `headers`) or a raw body (`raw`, for malformed output). `make fixtures`
authors them all offline; `make record` replaces the single-answer entries with what the
configured model really answers, and says so in the cassette.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from service.config import Settings, get_settings
from service.engines.llm.engine import LlmEngine
from service.errors import WirebriefError
from service.ingest import article_from_text
from service.llm.replay import Cassette, RecordingTransport, ScriptedTransport
from service.llm.wire import chat_completion
from service.pipeline import Pipeline

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"
Step = dict[str, Any]


def load_manifest(directory: Path = FIXTURES_DIR) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["exchanges"]
    return entries


def fixture_settings(**overrides: Any) -> Settings:
    """The settings every cassette is built and replayed with (independent of the environment)."""
    values: dict[str, Any] = {
        "engine": "llm",
        "model": "gpt-4.1-mini",
        "openai_api_key": "sk-fixture-not-a-real-key",
        "openai_base_url": "https://api.openai.com/v1",
        "llm_mode": "tools",
        "max_reasks": 2,
        "max_attempts": 5,
        "max_output_tokens": 4096,
        "temperature": 0.0,
        "deadline_s": 60.0,
        "retry_base_s": 0.01,
    }
    values.update(overrides)
    return Settings(**values)


def _responder(step: Step, directory: Path) -> Callable[[httpx2.Request], httpx2.Response]:
    def respond(request: httpx2.Request) -> httpx2.Response:
        if "status" in step:
            body = {"error": {"message": step.get("message", "authored failure"), "type": "server_error"}}
            return httpx2.Response(step["status"], headers=step.get("headers", {}), json=body)
        payload: Any = step["raw"] if "raw" in step else json.loads((directory / step["answer"]).read_text("utf-8"))
        completion = chat_completion(
            json.loads(request.content),
            payload,
            finish_reason=step.get("finish_reason", "stop"),
            truncate_at=step.get("truncate_at"),
        )
        return httpx2.Response(200, json=completion)

    return respond


async def build_cassette(entry: dict[str, Any], *, record: bool, directory: Path = FIXTURES_DIR) -> Cassette:
    """Run the real engine over the entry's article, keeping every HTTP exchange."""
    steps: list[Step] = entry["steps"]
    recordable = record and len(steps) == 1 and "answer" in steps[0]
    settings = fixture_settings()
    if recordable:  # the real endpoint and key; everything else as the replay will send it
        real = get_settings()
        settings = fixture_settings(
            model=real.model,
            openai_api_key=real.openai_api_key,
            openai_base_url=real.openai_base_url or "https://api.openai.com/v1",
        )
    upstream: httpx2.AsyncBaseTransport = (
        httpx2.AsyncHTTPTransport() if recordable else ScriptedTransport([_responder(s, directory) for s in steps])
    )
    recorder = RecordingTransport(upstream)
    engine = LlmEngine(settings, transport=recorder)
    text = (directory / entry["article"]).read_text(encoding="utf-8")
    article = article_from_text(text, max_chars=settings.max_article_chars)
    try:  # the production path, so the requests are exactly those a user's request sends
        await Pipeline(settings, [engine]).analyze(article, language=entry.get("language"))
    except WirebriefError:
        pass  # failure exchanges end in an error by design; the cassette keeps what was sent
    finally:
        await engine.aclose()
    today = datetime.date.today().isoformat()
    if recordable:
        source, note = "recorded", f"recorded from {settings.model} on {today}"
    else:
        source = "authored"
        note = (
            f"authored by hand in the OpenAI chat-completions wire format on {today} (not a model's output): "
            f"{entry.get('description', '')}".strip()
        )
    return Cassette(entry["name"], source, note, recorder.interactions)


async def build_all(*, record: bool, directory: Path = FIXTURES_DIR) -> list[Path]:
    written = []
    for entry in load_manifest(directory):
        cassette = await build_cassette(entry, record=record, directory=directory)
        path = directory / "exchanges" / f"{entry['name']}.json"
        cassette.save(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.cassettes", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["build", "record"], help="build: author offline; record: a real model")
    action = parser.parse_args(argv).action
    if action == "record" and not get_settings().llm_configured:
        print("recording needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL", file=sys.stderr)
        return 1
    for path in asyncio.run(build_all(record=action == "record")):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
