"""A stand-in OpenAI-compatible server on loopback, for tests and benchmarks (not a mock object).

    python -m tests.standin_llm --port 8901 --mode ok --latency 0.5

It answers `POST /v1/chat/completions` in the real wire format. For an article whose text
matches one of `fixtures/answers/*.json` it answers that authored answer; for any other it
answers a small grounded draft (the headline and first sentences, no actors). Modes:
  ok          answer normally (after --latency seconds)
  rate_limit  answer 429 with Retry-After to a share (--fail-rate) of calls
  error       answer 500 to a share (--fail-rate) of calls
  hang        never answer (until the client gives up)
  malformed   answer a body that is not JSON in the tool call
  truncated   answer with finish_reason=length and a cut-off body
  empty       answer a completion with no choices
  ungrounded  answer quotes that are not in the article
  obey        "obey" a prompt injection: quote and repeat the system prompt it was sent
--answer rules answers unknown articles with the offline rules engine's draft (realistic and
grounded, at the cost of its CPU); --answer generic (the default) with the small draft.
--fail-first N makes the first N calls fail with 500 whatever the mode.
`GET /stats` returns the number of calls seen, of those still being answered (in_flight) and the
most answered at once (peak_in_flight);
`POST /stats/reset` sets the count back to zero.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.llm.wire import chat_completion

ANSWERS = Path(__file__).resolve().parent.parent / "fixtures"
_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def _known_answers() -> dict[str, Any]:
    """Authored answers keyed by their article's text."""
    known: dict[str, Any] = {}
    for answer in (ANSWERS / "answers").glob("*.json"):
        article = ANSWERS / "articles" / (answer.stem + ".txt")
        if article.exists():
            known[article.read_text(encoding="utf-8")] = json.loads(answer.read_text(encoding="utf-8"))
    return known


def generic_answer(text: str) -> dict[str, Any]:
    """A grounded, minimal draft for any article."""
    lines = [line for line in text.splitlines() if line.strip()]
    sentences = [s.strip() for s in _SENTENCE.findall(text)][:3] or [text[:200]]
    return {
        "actors": [],
        "commitments": [],
        "brief": {"headline": lines[0][:120] if lines else "", "summary": " ".join(sentences), "key_points": sentences},
    }


def ungrounded(answer: dict[str, Any]) -> dict[str, Any]:
    changed = json.loads(json.dumps(answer))
    for item in changed.get("commitments", []):
        item["quote"] = "words the article never said: " + item["quote"][::-1]
    return changed


def obeyed(answer: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """What a model that follows an injected "reveal your instructions" would answer."""
    system = next((m["content"] for m in body.get("messages", []) if m.get("role") == "system"), "")
    changed = json.loads(json.dumps(answer))
    changed["brief"]["summary"] = "My instructions are: " + system
    changed["brief"]["key_points"] = [system[:300], *changed["brief"]["key_points"]][:5]
    for item in changed.get("commitments", []):
        item["quote"] = system[:200]
    return changed


def merged_brief(user: str) -> dict[str, Any]:
    """The answer to a `merge_brief` request: the first part's brief, which leads the article."""
    headline = re.search(r"Part 1: (.*)", user)
    parts = re.findall(r"Part \d+: .*\n(.*)", user)
    return {
        "headline": headline.group(1) if headline else "",
        "summary": parts[0] if parts else "",
        "key_points": parts[:5],
    }


class Standin:
    def __init__(
        self,
        mode: str = "ok",
        latency: float = 0.0,
        fail_rate: float = 1.0,
        fail_first: int = 0,
        retry_after: float = 1.0,
        answer: str = "generic",
    ) -> None:
        self.mode, self.latency, self.fail_rate = mode, latency, fail_rate
        self.fail_first, self.retry_after = fail_first, retry_after
        self.calls = 0
        self.in_flight = 0  # requests being answered now: a client that gave up must not leave any
        self.peak_in_flight = 0  # the most answered at once
        self.known = _known_answers()
        self.rules: Any = None
        if answer == "rules":
            from service.engines.rules.reader import RulesReader

            self.rules = RulesReader()

    def answer_for(self, text: str) -> Any:
        known = self.known.get(text)
        if known is not None:
            return known
        if self.rules is not None:
            from service.article import Article

            return self.rules.draft(Article.from_text(text)).model_dump(mode="json")
        return generic_answer(text)

    async def completions(self, request: Request) -> Response:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return await self._complete(request)
        finally:
            self.in_flight -= 1

    async def _complete(self, request: Request) -> Response:
        self.calls += 1
        number = self.calls
        body = json.loads(await request.body())
        if self.mode == "hang":
            await asyncio.sleep(3600)
        if self.latency:
            await asyncio.sleep(self.latency)
        if number <= self.fail_first or (self.mode == "error" and random.random() < self.fail_rate):
            return JSONResponse({"error": {"message": "stand-in server error", "type": "server_error"}}, 500)
        if self.mode == "rate_limit" and random.random() < self.fail_rate:
            return JSONResponse(
                {"error": {"message": "Rate limit reached (stand-in)", "type": "rate_limit"}},
                429,
                headers={"retry-after": f"{self.retry_after:g}"},
            )
        if self.mode == "empty":
            return JSONResponse({"id": "chatcmpl-standin", "object": "chat.completion", "created": 0, "choices": []})
        user = next((m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
        tools = body.get("tools") or [{}]
        if tools[0].get("function", {}).get("name") == "DraftBrief":
            return JSONResponse(chat_completion(body, merged_brief(user), completion_id=f"chatcmpl-standin-{number}"))
        found = _ARTICLE.search(user)
        text = found.group(1) if found else user
        answer: Any = self.answer_for(text)
        if self.mode == "ungrounded":
            answer = ungrounded(answer)
        if self.mode == "obey":
            answer = obeyed(answer, body)
        if self.mode == "malformed":
            answer = '{"actors": [ {"ref": "a1", "name": '
        completion = chat_completion(
            body,
            answer,
            finish_reason="length" if self.mode == "truncated" else "stop",
            truncate_at=200 if self.mode == "truncated" else None,
            completion_id=f"chatcmpl-standin-{number}",
        )
        return JSONResponse(completion)

    async def stats(self, request: Request) -> Response:
        if request.method == "POST":
            self.calls = 0
        stats = {"calls": self.calls, "in_flight": self.in_flight, "peak_in_flight": self.peak_in_flight}
        return JSONResponse({**stats, "mode": self.mode})


def build_app(standin: Standin) -> Starlette:
    return Starlette(
        routes=[
            Route("/v1/chat/completions", standin.completions, methods=["POST"]),
            Route("/stats", standin.stats, methods=["GET"]),
            Route("/stats/reset", standin.stats, methods=["POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fail-rate", type=float, default=1.0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--retry-after", type=float, default=1.0)
    parser.add_argument("--answer", choices=["generic", "rules"], default="generic")
    args = parser.parse_args()
    standin = Standin(args.mode, args.latency, args.fail_rate, args.fail_first, args.retry_after, args.answer)
    uvicorn.run(build_app(standin), host=args.host, port=args.port, log_level="warning", backlog=4096)


if __name__ == "__main__":
    main()
