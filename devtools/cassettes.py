"""Building the cassettes under `fixtures/exchanges/` from `fixtures/manifest.json`
(`python -m devtools.cassettes build|record`, or `make fixtures` / `make record`).

`build` authors every entry offline. `record` asks a real model, through any OpenAI-compatible
server (`OPENAI_BASE_URL`, with `OPENAI_API_KEY` where it needs one), for the plain single-answer
entries, with the model, mode and limits of the environment (`WIREBRIEF_MODEL`,
`WIREBRIEF_LLM_MODE`, `WIREBRIEF_MAX_OUTPUT_TOKENS`, `WIREBRIEF_MAX_REASKS`,
`WIREBRIEF_DEADLINE_S`), and writes them to their own set, `fixtures/exchanges/recorded/`, each
carrying its model, mode, server and date: the authored set is never overwritten.

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


RECORDED_SETTINGS = (
    "model",
    "llm_mode",
    "max_output_tokens",
    "max_reasks",
    "temperature",
    "frequency_penalty",
    "deadline_s",
)


def recordable(entry: dict[str, Any]) -> bool:
    """A plain exchange (one authored answer, or an entry only to record) can be asked of a real
    model; failure scripts cannot."""
    steps: list[Step] = entry["steps"]
    return bool(entry.get("record_only")) or (len(steps) == 1 and "answer" in steps[0])


async def _run(settings: Settings, transport: httpx2.AsyncBaseTransport, entry: dict[str, Any], directory: Path) -> str:
    """The production path over the entry's article, so the requests are those a user's request
    sends; returns how it ended (the engine that answered, or the error)."""
    engine = LlmEngine(settings, transport=transport)
    text = (directory / entry["article"]).read_text(encoding="utf-8")
    article = article_from_text(text, max_chars=settings.max_article_chars)
    try:
        analysis = await Pipeline(settings, [engine]).analyze(article, language=entry.get("language"))
        return f"engine {analysis.provenance.engine}, {len(analysis.commitments)} commitments"
    except WirebriefError as error:  # failure exchanges end in an error by design; the cassette keeps what was sent
        return f"{error.type}: {error.detail}"
    finally:
        await engine.aclose()


async def build_cassette(entry: dict[str, Any], *, directory: Path = FIXTURES_DIR) -> Cassette:
    """Author one entry offline: its scripted answers in the wire format, through the real engine."""
    recorder = RecordingTransport(ScriptedTransport([_responder(s, directory) for s in entry["steps"]]))
    await _run(fixture_settings(), recorder, entry, directory)
    note = (
        f"authored by hand in the OpenAI chat-completions wire format on {datetime.date.today().isoformat()} "
        f"(not a model's output): {entry.get('description', '')}".strip()
    )
    return Cassette(entry["name"], "authored", note, recorder.interactions)


async def record_cassette(
    entry: dict[str, Any], *, server: str, directory: Path = FIXTURES_DIR
) -> tuple[Cassette, str]:
    """Ask the configured server's model; the cassette says what, how, where and when."""
    real = get_settings()
    settings = fixture_settings(
        model=real.model,
        openai_api_key=real.openai_api_key,
        openai_base_url=real.openai_base_url or "https://api.openai.com/v1",
        llm_mode=real.llm_mode,
        max_output_tokens=real.max_output_tokens,
        max_reasks=real.max_reasks,
        frequency_penalty=real.frequency_penalty,
        deadline_s=real.deadline_s,
    )
    if settings.llm_mode == "auto":  # the mode is resolved now, and the cassette replays in that mode
        from service.engines.base import Seams
        from service.engines.llm import build

        probe = await build(settings, Seams())
        assert probe is not None
        settings = probe.settings
        await probe.aclose()
    recorder = RecordingTransport(httpx2.AsyncHTTPTransport())
    outcome = await _run(settings, recorder, entry, directory)
    today = datetime.date.today().isoformat()
    kept = {key: getattr(settings, key) for key in RECORDED_SETTINGS}
    note = f"recorded from {settings.model} via {server} (WIREBRIEF_LLM_MODE={settings.llm_mode}) on {today}: {outcome}"
    about = {**kept, "server": server, "date": today, "outcome": outcome}
    return Cassette(entry["name"], "recorded", note, recorder.interactions, about), outcome


async def build_all(*, directory: Path = FIXTURES_DIR) -> list[Path]:
    written = []
    for entry in load_manifest(directory):
        if not entry["steps"]:  # only recorded from a real model
            continue
        path = directory / "exchanges" / f"{entry['name']}.json"
        (await build_cassette(entry, directory=directory)).save(path)
        written.append(path)
    return written


async def record_all(*, server: str, names: list[str] | None = None, directory: Path = FIXTURES_DIR) -> list[Path]:
    written = []
    folder = directory / "exchanges" / "recorded"
    folder.mkdir(parents=True, exist_ok=True)
    for entry in load_manifest(directory):
        if not recordable(entry) or (names and entry["name"] not in names):
            continue
        cassette, outcome = await record_cassette(entry, server=server, directory=directory)
        path = folder / f"{entry['name']}.json"
        cassette.save(path)
        print(f"{entry['name']}: {outcome}", flush=True)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.cassettes", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["build", "record"], help="build: author offline; record: a real model")
    parser.add_argument("--server", help="what serves the model, as the cassettes should name it (record)")
    parser.add_argument("names", nargs="*", help="only these manifest entries (record)")
    args = parser.parse_intermixed_args(argv)
    if args.action == "build":
        written = asyncio.run(build_all())
    elif not get_settings().llm_configured:
        print("recording needs a model: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)", file=sys.stderr)
        return 1
    else:
        server = args.server or get_settings().openai_base_url or "api.openai.com"
        written = asyncio.run(record_all(server=server, names=args.names))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
