"""`WIREBRIEF_LLM_MODE=auto`: which structured-output mode a server honours, found once at start-up.

Servers differ: OpenAI honours all four modes; llama-cpp-python refuses `json_schema` (HTTP 500)
but follows a named `tool_choice`; llama.cpp's llama-server constrains `json_schema` by grammar
but ignores a `tool_choice` object. Three tiny requests (a one-field schema, a few tokens each)
tell, in order of preference: `json_schema`, then `tools`, then `json`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2

_SCHEMA = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}
_ASK = [{"role": "user", "content": 'Answer with the JSON object {"ok": true}.'}]


def _probes(model: str) -> list[tuple[str, dict[str, Any]]]:
    base = {"model": model, "messages": _ASK, "max_tokens": 16, "temperature": 0}
    return [
        (
            "json_schema",
            {
                **base,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "probe", "schema": _SCHEMA, "strict": True},
                },
            },
        ),
        (
            "tools",
            {
                **base,
                "tools": [{"type": "function", "function": {"name": "probe", "parameters": _SCHEMA}}],
                "tool_choice": {"type": "function", "function": {"name": "probe"}},
            },
        ),
    ]


def _honoured(mode: str, response: httpx2.Response) -> bool:
    if response.status_code != 200:
        return False
    try:
        message = response.json()["choices"][0]["message"]
        if mode == "tools":
            call = (message.get("tool_calls") or [{}])[0].get("function", {})
            return call.get("name") == "probe" and isinstance(json.loads(call.get("arguments") or "null"), dict)
        return isinstance(json.loads(message.get("content") or "null"), dict)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return False


async def find_mode(client: httpx2.AsyncClient, base_url: str, model: str, api_key: str | None) -> tuple[str, str]:
    """The mode to use and why, in a sentence for the log and /readyz."""
    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    url = base_url.rstrip("/") + "/chat/completions"
    tried: list[str] = []
    for mode, body in _probes(model):
        try:
            response = await client.post(url, json=body, headers=headers)
        except httpx2.HTTPError as error:
            return "tools", f"the server could not be asked ({type(error).__name__}); tools, the default"
        if _honoured(mode, response):
            return mode, f"the server honours {mode}" + (f" (not {'; '.join(tried)})" if tried else "")
        tried.append(f"{mode}: HTTP {response.status_code}" if response.status_code != 200 else f"{mode}: ignored")
    return "json", f"the server honours neither json_schema nor a named tool ({'; '.join(tried)}); json"
