"""Mending what real models and servers return, where it is safe, before instructor reads it.

A model asked for structured output does not always give exactly that, and small local models
least of all. What can be mended without guessing is mended here, on the HTTP response, and
counted (`usage.repairs` in the provenance), so a user sees how much the model needed help:

- `fenced_json`: the JSON wrapped in a Markdown code fence;
- `tool_call_from_content`: tools were asked for, the server ignored `tool_choice`, and the model
  wrote the arguments as the message's content instead of a tool call;
- `unknown_keys`: keys the schema does not have, dropped (the schema sent stays strict);
- `named_actor`: an actor's name (or alias) where its `ref` was asked for, when exactly one actor
  has that name;
- `control_characters`: raw line breaks or tabs inside JSON strings (which JSON forbids), read as
  the characters they are.

Anything else (a quote not in the article, an actor nobody declared) is left for validation,
which re-asks with the reason. Nothing is invented.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import types
import typing
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx2
from pydantic import BaseModel

from service.llm.transport import current_stats

log = logging.getLogger(__name__)
_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def strip_fence(text: str) -> str | None:
    """The inside of a Markdown code fence, or None when `text` is not one."""
    match = _FENCE.match(text)
    return match.group(1) if match else None


def repair_completion(
    request: dict[str, Any] | Callable[[], Any],
    completion: dict[str, Any],
    models: dict[str, type[BaseModel]],
    repairs: Counter[str],
) -> bool:
    """Mend `completion` (a chat completion, changed in place) for the structured output `request`
    asked for (the request, or how to read it: it is read only when the answer has no tool call to
    name its tool); `models` are the response models by tool name. True when anything was changed."""
    try:
        message = completion["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return False
    if not isinstance(message, dict):
        return False
    calls = message.get("tool_calls") or []
    if calls:
        function = calls[0].get("function", {})
        text, where, tool_name = function.get("arguments"), "tool", function.get("name")
    else:
        asked = request() if callable(request) else request
        tools = (asked.get("tools") if isinstance(asked, dict) else None) or []
        tool_name = tools[0].get("function", {}).get("name") if tools else None
        text, where = message.get("content"), "content"
    if not isinstance(text, str) or not text.strip():
        return False
    payload, mended_by = _json(text), None
    if payload is None and (inside := strip_fence(text)) is not None:
        payload, mended_by = _json(inside), "fenced_json"
    if payload is None:
        payload, mended_by = _json(strip_fence(text) or text, strict=False), "control_characters"
    if not isinstance(payload, dict):  # every response model is an object: nothing to mend towards
        return False
    changed = mended_by is not None
    if mended_by is not None:
        repairs[mended_by] += 1
    model = models.get(tool_name) if tool_name else _model_for(payload, models)
    if model is not None:
        dropped = _drop_unknown_keys(payload, model)
        if dropped:
            repairs["unknown_keys"] += dropped
            changed = True
        named = _refs_for_names(payload)
        if named:
            repairs["named_actor"] += named
            changed = True
    if where == "content" and tool_name is not None:
        # The server ignored tool_choice: the arguments are in the content; make them the tool call.
        message["tool_calls"] = [
            {"id": "call_repaired", "type": "function", "function": {"name": tool_name, "arguments": ""}}
        ]
        message["content"] = None
        completion["choices"][0]["finish_reason"] = "tool_calls"
        where = "tool"
        repairs["tool_call_from_content"] += 1
        changed = True
    if changed:
        serialised = json.dumps(payload, ensure_ascii=False)
        if where == "tool":
            message["tool_calls"][0]["function"]["arguments"] = serialised
        else:
            message["content"] = serialised
    return changed


def _json(text: str, *, strict: bool = True) -> Any:
    try:
        return json.loads(text, strict=strict)
    except ValueError:
        return None


def _model_for(payload: dict[str, Any], models: dict[str, type[BaseModel]]) -> type[BaseModel] | None:
    """The response model whose fields the payload shares most (JSON modes name no tool)."""
    scored = [(len(payload.keys() & _shape(model)[0]), model) for model in models.values()]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None


def _drop_unknown_keys(value: Any, model: type[BaseModel]) -> int:
    """Remove, in place, every key `model` (and the models nested in it) does not declare."""
    if not isinstance(value, dict):
        return 0
    known, nested = _shape(model)
    dropped = 0
    for key in [k for k in value if k not in known]:
        del value[key]
        dropped += 1
    for name, inner in nested.items():
        if name in value:
            items = value[name] if isinstance(value[name], list) else [value[name]]
            dropped += sum(_drop_unknown_keys(item, inner) for item in items)
    return dropped


@functools.cache
def _shape(model: type[BaseModel]) -> tuple[frozenset[str], dict[str, type[BaseModel]]]:
    """A model's field names and the models nested in its fields, worked out once per model (this
    runs on every answer, for every actor and commitment in it)."""
    nested = {name: inner for name, field in model.model_fields.items() if (inner := _nested_model(field.annotation))}
    return frozenset(model.model_fields), nested


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `Model`, `list[Model]` or `Model | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            if (found := _nested_model(argument)) is not None:
                return found
    return None


def _refs_for_names(payload: dict[str, Any]) -> int:
    """In a draft, replace an actor named where a ref belongs by that actor's ref, when the name (or
    alias, ignoring case) belongs to exactly one actor. Returns how many were replaced."""
    actors = payload.get("actors")
    commitments = payload.get("commitments")
    if not isinstance(actors, list) or not isinstance(commitments, list):
        return 0
    refs = {a.get("ref") for a in actors if isinstance(a, dict)}
    used = [
        value
        for item in commitments
        if isinstance(item, dict)
        for key in ("actors", "counterparties", "attributed_to")
        for value in (item[key] if isinstance(item.get(key), list) else [item.get(key)])
    ]
    if all(value is None or value in refs for value in used):
        return 0  # the usual answer: every ref is an actor's, nothing to look up
    owners: dict[str, set[str]] = {}
    for actor in actors:
        if not isinstance(actor, dict) or not isinstance(actor.get("ref"), str):
            continue
        names = [actor.get("name"), *(actor.get("aliases") or [])]
        for name in names:
            if isinstance(name, str) and name.strip():
                owners.setdefault(name.strip().casefold(), set()).add(actor["ref"])

    def ref_for(value: Any) -> Any:
        if not isinstance(value, str) or value in refs:
            return value
        owner = owners.get(value.strip().casefold(), set())
        return next(iter(owner)) if len(owner) == 1 else value

    replaced = 0
    for item in commitments:
        if not isinstance(item, dict):
            continue
        for key in ("actors", "counterparties"):
            if isinstance(item.get(key), list):
                mended = [ref_for(value) for value in item[key]]
                replaced += sum(a != b for a, b in zip(mended, item[key], strict=True))
                item[key] = mended
        if "attributed_to" in item:
            mended_one = ref_for(item["attributed_to"])
            replaced += mended_one != item["attributed_to"]
            item["attributed_to"] = mended_one
    return replaced


class RepairingTransport(httpx2.AsyncBaseTransport):
    """Applies `repair_completion` to every chat completion coming up from `inner`, counting the
    repairs into the current article's `CallStats`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, models: dict[str, type[BaseModel]]) -> None:
        self.inner = inner
        self.models = models

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if response.status_code != 200 or "json" not in response.headers.get("content-type", "json"):
            return response
        content = await response.aread()
        answered = _json(content.decode("utf-8", "replace"))
        stats = current_stats.get()
        repairs = stats.repairs if stats is not None else Counter()
        if not isinstance(answered, dict):
            return response

        def asked() -> Any:
            return _json(request.content.decode("utf-8", "replace"))

        try:
            mended = repair_completion(asked, answered, self.models, repairs)
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):  # a shape no repair foresaw
            log.debug("an answer of an unforeseen shape is passed on unmended", exc_info=True)
            return response
        if not mended:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return httpx2.Response(200, headers=headers, json=answered, request=request, extensions=response.extensions)

    async def aclose(self) -> None:
        await self.inner.aclose()
