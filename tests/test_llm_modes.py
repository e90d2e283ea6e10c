"""`WIREBRIEF_LLM_MODE=auto`: the mode a server honours, asked once at start-up."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from devtools.cassettes import fixture_settings
from service.engines.base import Seams
from service.engines.llm import build
from tests.support import FIXTURES

REFUSED = json.loads((FIXTURES / "real" / "smollm2_answers.json").read_text(encoding="utf-8"))["json_schema_refused"]


def server(*, json_schema: bool, named_tool: bool) -> tuple[httpx2.MockTransport, list[dict[str, Any]]]:
    """A server that honours what it is told to, and answers the rest as real servers do."""
    asked: list[dict[str, Any]] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        asked.append(body)
        message: dict[str, Any] = {"role": "assistant", "content": '{"ok": true}'}
        if "response_format" in body and not json_schema:
            return httpx2.Response(REFUSED["status"], json=REFUSED["response"])  # llama-cpp-python's words
        if "tools" in body:
            if not named_tool:  # llama-server: tool_choice ignored, the model writes prose
                message = {"role": "assistant", "content": "Sure! Here is the answer."}
            else:
                call = {"id": "c1", "type": "function", "function": {"name": "probe", "arguments": '{"ok": true}'}}
                message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return httpx2.Response(200, json={"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})

    return httpx2.MockTransport(answer), asked


async def chosen(make: Callable[[], tuple[httpx2.MockTransport, list[dict[str, Any]]]]) -> tuple[str, str, int]:
    transport, asked = make()
    engine = await build(fixture_settings(llm_mode="auto"), Seams(transport=transport))
    assert engine is not None
    try:
        return engine.settings.llm_mode, engine.mode_reason, len(asked)
    finally:
        await engine.aclose()


async def test_a_server_that_honours_json_schema_gets_it_after_one_question() -> None:
    mode, why, questions = await chosen(lambda: server(json_schema=True, named_tool=True))
    assert (mode, questions) == ("json_schema", 1)
    assert "honours json_schema" in why


async def test_llama_cpp_python_refusing_json_schema_gets_tools() -> None:
    mode, why, questions = await chosen(lambda: server(json_schema=False, named_tool=True))
    assert (mode, questions) == ("tools", 2)
    assert "json_schema: HTTP 500" in why


async def test_a_server_that_honours_neither_gets_json() -> None:
    mode, why, _ = await chosen(lambda: server(json_schema=False, named_tool=False))
    assert mode == "json"
    assert "tools: ignored" in why
