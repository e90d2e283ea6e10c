"""A fake OpenAI Batch API (files and batches) on top of the stand-in LLM, for tests (not a mock object).

    python -m tests.fake_batch_provider --port 8902 --scenario expired

It serves, in the provider's wire format, from `fixtures/provider_batch/`:
  POST /v1/files                 multipart upload (purpose=batch); the input file is kept
  POST /v1/batches               a batch over an uploaded file, at the scenario's first step
  GET  /v1/batches/{id}          each read moves the batch one step along the scenario's lifecycle
  GET  /v1/files/{id}/content    the input, output or error file
  POST /v1/chat/completions      the live path: the stand-in LLM (`tests.standin_llm`)
  GET  /stats                    what it has seen: uploads, batches, reads, live calls
The batch objects, file objects and line shapes come from the authored fixtures; what can only
be known at run time is generated: ids, `request_counts`, `metadata`, and the output and error
lines, one per uploaded request (its `custom_id`, and a chat.completion body answering it as the
stand-in would: the authored answer when the article is one of `fixtures/articles`, else a small
grounded one), following the scenario's `outcomes`, cycled over the requests in upload order.
"""

from __future__ import annotations

import argparse
import itertools
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.llm.wire import chat_completion
from tests.standin_llm import _ARTICLE, Standin, ungrounded

SCENARIOS = Path(__file__).resolve().parent.parent / "fixtures" / "provider_batch"


def _fill(template: Any, values: dict[str, Any]) -> Any:
    """The template with each string that is exactly "{name}" replaced by values[name]."""
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, values) for value in template]
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return values.get(template[1:-1], template)
    return template


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """A multipart/form-data body as {field: (filename, content)}."""
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


class FakeBatchProvider:
    def __init__(self, scenario: str = "completed", standin: Standin | None = None) -> None:
        self.scenario = json.loads((SCENARIOS / f"{scenario}.json").read_text(encoding="utf-8"))
        self.wire = json.loads((SCENARIOS / "wire.json").read_text(encoding="utf-8"))
        self.standin = standin or Standin()
        self.files: dict[str, bytes] = {}
        self.uploads: list[bytes] = []
        self.batches: dict[str, dict[str, Any]] = {}
        self.reads = 0
        self._ids = itertools.count(1)

    # --- files -----------------------------------------------------------------------------
    def _file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-authored{next(self._ids):04d}"
        self.files[file_id] = content
        values = {"file_id": file_id, "bytes": len(content), "filename": filename, "purpose": purpose}
        result: dict[str, Any] = _fill(self.wire["file"], values)
        return result

    async def upload(self, request: Request) -> Response:
        fields = _multipart(request.headers["content-type"], await request.body())
        filename, content = fields["file"]
        purpose = fields["purpose"][1].decode()
        self.uploads.append(content)
        return JSONResponse(self._file(content, filename or "upload.jsonl", purpose))

    async def content(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        if file_id not in self.files:
            return JSONResponse(
                {"error": {"message": f"No such File object: {file_id}", "type": "invalid_request_error"}}, 404
            )
        return Response(self.files[file_id], media_type="application/octet-stream")

    # --- batches ---------------------------------------------------------------------------
    async def create(self, request: Request) -> Response:
        body = json.loads(await request.body())
        batch_id = f"batch_authored{next(self._ids):04d}"
        requests = [json.loads(line) for line in self.files[body["input_file_id"]].splitlines() if line.strip()]
        answered, failed, output, errors = self._results(requests)
        self.batches[batch_id] = {
            "step": 0,
            "values": {
                "batch_id": batch_id,
                "input_file_id": body["input_file_id"],
                "metadata": body.get("metadata"),
                "output_file_id": self._file(output, f"{batch_id}_output.jsonl", "batch_output")["id"]
                if output
                else None,
                "error_file_id": self._file(errors, f"{batch_id}_error.jsonl", "batch_output")["id"]
                if errors
                else None,
            },
            "counts": (len(requests), answered, failed),
        }
        return JSONResponse(self._batch(batch_id))

    def _result_file(self, content: bytes, name: str) -> str | None:
        """A result file's id; a batch with no such lines has none (null in the batch object)."""
        return str(self._file(content, name, "batch_output")["id"]) if content else None

    async def retrieve(self, request: Request) -> Response:
        batch_id = request.path_params["batch_id"]
        if batch_id not in self.batches:
            return JSONResponse({"error": {"message": f"No batch found with id '{batch_id}'."}}, 404)
        self.reads += 1
        state = self.batches[batch_id]
        state["step"] = min(state["step"] + 1, len(self.scenario["lifecycle"]) - 1)
        return JSONResponse(self._batch(batch_id))

    def _batch(self, batch_id: str) -> dict[str, Any]:
        state = self.batches[batch_id]
        batch: dict[str, Any] = _fill(self.scenario["lifecycle"][state["step"]], state["values"])
        total, answered, failed = state["counts"]
        status = batch["status"]
        if status == "in_progress":
            batch["request_counts"] = {"total": total, "completed": answered // 2, "failed": 0}
        elif status != "validating":
            batch["request_counts"] = {"total": total, "completed": answered, "failed": failed}
        return batch

    def _results(self, requests: list[dict[str, Any]]) -> tuple[int, int, bytes, bytes]:
        """The output and error files of a batch over these requests, per the scenario's outcomes."""
        output, errors = [], []
        answered = failed = 0
        for number, (line, outcome) in enumerate(zip(requests, itertools.cycle(self.scenario["outcomes"])), 1):
            values = {"custom_id": line["custom_id"], "line_id": f"batch_req_authored{number:04d}",
                      "request_id": f"req_authored{number:04d}"}  # fmt: skip
            if outcome in self.wire["error_lines"]:
                errors.append(_fill(self.wire["error_lines"][outcome], values))
                failed += outcome != "expired"
                continue
            answer = self._answer(line["body"])
            if outcome == "ungrounded":
                answer = ungrounded(answer)
            body = chat_completion(line["body"], answer, completion_id=f"chatcmpl-authoredbatch{number:04d}")
            output.append(_fill(self.wire["output_line"], {**values, "body": body}))
            answered += 1
        encode = lambda lines: "".join(json.dumps(r) + "\n" for r in lines).encode()  # noqa: E731
        return answered, failed, encode(output), encode(errors)

    def _answer(self, body: dict[str, Any]) -> Any:
        user = next((m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
        found = _ARTICLE.search(user)
        return self.standin.answer_for(found.group(1) if found else user)

    async def stats(self, request: Request) -> Response:
        return JSONResponse(
            {
                "uploads": len(self.uploads),
                "batches": len(self.batches),
                "reads": self.reads,
                "calls": self.standin.calls,
            }
        )


def build_app(provider: FakeBatchProvider) -> Starlette:
    return Starlette(
        routes=[
            Route("/v1/files", provider.upload, methods=["POST"]),
            Route("/v1/files/{file_id}/content", provider.content, methods=["GET"]),
            Route("/v1/batches", provider.create, methods=["POST"]),
            Route("/v1/batches/{batch_id}", provider.retrieve, methods=["GET"]),
            Route("/v1/chat/completions", provider.standin.completions, methods=["POST"]),
            Route("/stats", provider.stats, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8902)
    parser.add_argument("--scenario", default="completed", help="a file of fixtures/provider_batch/, without .json")
    args = parser.parse_args()
    uvicorn.run(build_app(FakeBatchProvider(args.scenario)), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
