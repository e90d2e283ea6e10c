"""Reading a finished batch's output and error files (JSONL, one line per request).

A line is `{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`.
Only a 200 with a chat completion in its body is an answer; anything else (an HTTP error, an
`error` such as `batch_expired`, a line that is not JSON) leaves its request to the live path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BatchResults:
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # custom_id -> chat.completion body
    failures: dict[str, str] = field(default_factory=dict)  # custom_id -> why it has no answer
    unreadable: int = 0

    def read(self, content: bytes) -> None:
        for raw in content.splitlines():
            if raw.strip():
                self._line(raw)

    def _line(self, raw: bytes) -> None:
        try:
            record = json.loads(raw)
            cid = str(record["custom_id"])
        except (ValueError, KeyError, TypeError):
            self.unreadable += 1
            return
        reason = failure_reason(record)
        if reason is None:
            self.answers[cid] = record["response"]["body"]
            self.failures.pop(cid, None)
        elif cid not in self.answers:
            self.failures[cid] = reason


def failure_reason(record: dict[str, Any]) -> str | None:
    """None for a usable answer, else a short reason."""
    error = record.get("error")
    if error:
        if isinstance(error, dict):
            return str(error.get("code") or error.get("message") or "error")
        return str(error)
    response = record.get("response")
    if not isinstance(response, dict):
        return "no response"
    status = response.get("status_code")
    body = response.get("body")
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(body, dict) or not body.get("choices"):
        return "no completion in the body"
    return None
