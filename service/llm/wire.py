"""The OpenAI chat-completions wire format, for answers authored by hand or served by the
local stand-in server: the same shape a real provider sends."""

from __future__ import annotations

import json
from typing import Any


def estimate_tokens(text: str) -> int:
    """About four characters a token: good enough for authored fixtures and the stand-in."""
    return max(1, len(text) // 4)


def chat_completion(
    request_body: dict[str, Any],
    answer: Any,
    *,
    finish_reason: str = "stop",
    truncate_at: int | None = None,
    completion_id: str = "chatcmpl-authored",
    created: int = 1764000000,
) -> dict[str, Any]:
    """A completion answering `request_body` with `answer` (a JSON value, or raw text).

    With tools in the request the answer is a call of the requested function, as instructor's
    TOOLS modes expect; otherwise it is the message content (JSON and JSON_SCHEMA modes).
    """
    text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    if truncate_at is not None:
        text = text[:truncate_at]
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    tools = request_body.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        message["tool_calls"] = [
            {"id": "call_authored_1", "type": "function", "function": {"name": name, "arguments": text}}
        ]
    else:
        message["content"] = text
    prompt_text = json.dumps(request_body.get("messages", []), ensure_ascii=False)
    prompt_tokens, completion_tokens = estimate_tokens(prompt_text), estimate_tokens(text)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": request_body.get("model", "unknown"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
