"""What real model output does to the pipeline, and what the service mends. The answers are
SmolLM2-135M-Instruct's, recorded from llama-cpp-python's server (fixtures/real/); where a
defect needs a server this model does not run on, the test says what it authored around them."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import httpx2

from devtools.cassettes import fixture_settings
from schemas import Analysis, Draft, DraftBrief
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.llm.repairs import RepairingTransport, repair_completion
from service.llm.replay import ScriptedTransport
from service.llm.transport import refused_mode
from service.pipeline import Pipeline
from tests.support import FIXTURES, article_text, assert_grounded

REAL = json.loads((FIXTURES / "real" / "smollm2_answers.json").read_text(encoding="utf-8"))
MODELS = {"Draft": Draft, "DraftBrief": DraftBrief}
TOOLS_REQUEST = {"tools": [{"type": "function", "function": {"name": "Draft"}}]}


def real_tools_answer() -> dict[str, Any]:
    """The model's second answer on the seed in tools mode: a complete tool call."""
    return copy.deepcopy(REAL["tools_seed_second_answer"]["response"])


def arguments(completion: dict[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(completion["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])
    return parsed


def moved_into_content(completion: dict[str, Any], wrap: str = "{}") -> dict[str, Any]:
    """The same answer as a server that ignores `tool_choice` returns it: the JSON in the content, no
    tool call (llama.cpp's llama-server does this; the wrapping is authored around the real JSON)."""
    message = completion["choices"][0]["message"]
    text = message["tool_calls"][0]["function"]["arguments"]
    message["content"], message["tool_calls"] = wrap.format(text) if wrap != "{}" else text, None
    completion["choices"][0]["finish_reason"] = "stop"
    return completion


def test_an_actor_named_where_its_ref_belongs_is_given_its_ref_and_nothing_is_invented() -> None:
    completion, repairs = real_tools_answer(), Counter[str]()
    before = arguments(completion)["commitments"][0]
    assert before["actors"] == ["Sergei Vershenin", "Draft"]  # what the model wrote: names, not refs

    assert repair_completion(TOOLS_REQUEST, completion, MODELS, repairs)

    after = arguments(completion)["commitments"][0]
    assert after["actors"] == ["Sergei Vershenin", "1"]  # "Draft" is actor 1's name; Vershenin is no actor
    assert after["attributed_to"] == before["attributed_to"]  # a sentence, not a name: left for validation
    assert repairs == Counter({"named_actor": 1})


def test_a_name_two_actors_share_is_left_alone() -> None:
    completion = real_tools_answer()
    call = completion["choices"][0]["message"]["tool_calls"][0]["function"]
    draft = json.loads(call["arguments"])
    draft["actors"].append({**draft["actors"][0], "ref": "2"})  # authored: a second actor of the same name
    call["arguments"] = json.dumps(draft)
    repairs = Counter[str]()
    repair_completion(TOOLS_REQUEST, completion, MODELS, repairs)
    assert arguments(completion)["commitments"][0]["actors"] == ["Sergei Vershenin", "Draft"]
    assert "named_actor" not in repairs


def test_a_tool_call_written_as_content_becomes_the_tool_call() -> None:
    completion, repairs = moved_into_content(real_tools_answer()), Counter[str]()
    assert repair_completion(TOOLS_REQUEST, completion, MODELS, repairs)
    message = completion["choices"][0]["message"]
    assert message["content"] is None and message["tool_calls"][0]["function"]["name"] == "Draft"
    assert arguments(completion)["brief"]["headline"].startswith("The President Recep Tayyip")
    assert repairs["tool_call_from_content"] == 1


def test_fenced_json_is_read_from_inside_its_fence() -> None:
    completion = moved_into_content(real_tools_answer(), wrap="```json\n{}\n```")
    repairs = Counter[str]()
    assert repair_completion({}, completion, MODELS, repairs)  # json mode: no tool asked for
    assert json.loads(completion["choices"][0]["message"]["content"])["brief"]["summary"] == ""
    assert repairs["fenced_json"] == 1


def test_keys_the_schema_does_not_have_are_dropped_at_every_level() -> None:
    """The extra keys are those the model wrote in JSON mode on another article ("content_type",
    "description"), added here to its tool answer."""
    completion = real_tools_answer()
    call = completion["choices"][0]["message"]["tool_calls"][0]["function"]
    draft = json.loads(call["arguments"])
    draft["content_type"] = {"type": "postscript"}
    draft["actors"][0]["description"] = {"type": "article"}
    call["arguments"] = json.dumps(draft)
    repairs = Counter[str]()
    repair_completion(TOOLS_REQUEST, completion, MODELS, repairs)
    mended = arguments(completion)
    assert "content_type" not in mended and "description" not in mended["actors"][0]
    assert repairs["unknown_keys"] == 2


def test_an_answer_that_is_not_the_schema_at_all_is_not_mended() -> None:
    """In JSON mode the model answered the injection article with keys of its own (title, content,
    ...): there is nothing to mend without inventing, so validation re-asks."""
    completion = copy.deepcopy(REAL["json_object_injection"]["response"])
    repairs = Counter[str]()
    assert not repair_completion({}, completion, MODELS, repairs)
    assert repairs == Counter()


async def test_a_server_that_refuses_the_mode_is_one_call_and_one_named_cause() -> None:
    """llama-cpp-python answers `json_schema` with HTTP 500 (its words recorded): not retried five
    times, and the fallback's warning says which mode and what to set instead."""
    refused = REAL["json_schema_refused"]
    assert refused_mode(json.dumps(refused["response"])) == "Input should be 'text' or 'json_object'"
    calls: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        return httpx2.Response(refused["status"], json=refused["response"])

    settings = fixture_settings(llm_mode="json_schema")
    engine = LlmEngine(settings, transport=ScriptedTransport([answer] * 5))
    pipeline = Pipeline(settings, [engine, _rules()])
    analysis = await _run(pipeline)
    assert len(calls) == 1
    assert analysis.provenance.engine == "rules" and analysis.provenance.degraded
    warning = next(w for w in analysis.warnings if w.code == "fallback_engine")
    assert "WIREBRIEF_LLM_MODE=json_schema" in warning.detail and "auto" in warning.detail


async def test_the_real_answer_through_the_pipeline_is_mended_counted_and_grounded() -> None:
    """The model's tool answer, as content (a server ignoring tool_choice), through the real engine:
    mended into a tool call with its names resolved, its empty quote dropped by grounding, and the
    repairs reported in the provenance."""
    answer = moved_into_content(real_tools_answer())
    settings = fixture_settings(max_reasks=0)
    engine = LlmEngine(settings, transport=ScriptedTransport([lambda request: httpx2.Response(200, json=answer)]))
    analysis = await _run(Pipeline(settings, [engine]))
    assert analysis.provenance.engine == "llm" and not analysis.provenance.degraded
    assert analysis.provenance.usage.repairs == {"tool_call_from_content": 1, "named_actor": 1}
    assert analysis.commitments == []  # its only commitment quotes nothing the article says
    assert any(w.code == "dropped_ungrounded_commitment" for w in analysis.warnings)
    assert_grounded(analysis)


def _rules() -> RulesEngine:
    return RulesEngine(fixture_settings())


async def _run(pipeline: Pipeline) -> Analysis:
    try:
        return await pipeline.analyze(article_from_text(article_text("idlib"), max_chars=100_000))
    finally:
        await pipeline.aclose()


async def test_the_latest_answer_with_the_contracts_shape_is_kept_when_a_reask_comes_back_cut_off() -> None:
    """The model's three answers to the seed (two re-asks): the second is whole but names actors
    where refs belong and quotes nothing; the third ran to the output limit. The second is kept,
    mended, and its ungrounded commitment dropped: an LLM result, not a fallback."""
    responses = REAL["tools_seed_three_answers"]["responses"]
    script = [lambda request, body=body: httpx2.Response(200, json=body) for body in responses]
    settings = fixture_settings(max_reasks=2, max_output_tokens=2048)
    engine = LlmEngine(settings, transport=ScriptedTransport(script))
    analysis = await _run(Pipeline(settings, [engine, _rules()]))
    assert analysis.provenance.engine == "llm" and not analysis.provenance.degraded
    usage = analysis.provenance.usage
    assert (usage.llm_calls, usage.reasks) == (3, 2)
    assert usage.repairs.get("named_actor", 0) >= 1
    assert usage.input_tokens == sum(r["usage"]["prompt_tokens"] for r in responses)  # every attempt counted
    assert_grounded(analysis)


async def test_answers_cut_off_at_the_output_limit_are_named_as_such() -> None:
    first = REAL["tools_seed_three_answers"]["responses"][0]  # stopped at the limit, mid-JSON
    script = [lambda request: httpx2.Response(200, json=first)] * 2
    settings = fixture_settings(max_reasks=1, max_output_tokens=2048)  # the limit it was recorded with
    engine = LlmEngine(settings, transport=ScriptedTransport(script))
    analysis = await _run(Pipeline(settings, [engine, _rules()]))
    warning = next(w.detail for w in analysis.warnings if w.code == "fallback_engine")
    assert "WIREBRIEF_LLM_MODE=tools" in warning and "output limit" in warning and "2 of 2 answers" in warning


def test_a_raw_line_break_inside_a_json_string_is_read_as_one() -> None:
    """llama-cpp-python let the model write a raw control character inside a string (on the French
    article, in tools mode: "control character found while parsing a string"); here the real seed
    answer's escaped line break in "Kazakhistan\\n" written raw, as that answer had it."""
    completion = real_tools_answer()
    call = completion["choices"][0]["message"]["tool_calls"][0]["function"]
    assert '"Kazakhistan\\n"' in call["arguments"]
    call["arguments"] = call["arguments"].replace('"Kazakhistan\\n"', '"Kazakhistan\n"')
    repairs = Counter[str]()
    assert repair_completion(TOOLS_REQUEST, completion, MODELS, repairs)
    assert arguments(completion)["actors"][0]["affiliation"] == "Kazakhistan\n"
    assert repairs["control_characters"] == 1


async def test_an_answer_of_a_shape_no_repair_foresaw_is_passed_on_unmended() -> None:
    """Mending must never break a call: odd shapes go on as they came, for validation to judge."""
    odd = [
        {"choices": [{"message": {"tool_calls": [{"function": None}]}}]},
        {"choices": [{"message": {"tool_calls": ["not an object"]}}]},
        {"choices": [{"message": {"content": "```\n[1, 2]\n```"}}]},  # JSON, but not an object
        {"choices": [{"message": {"content": '{"actors": 5, "commitments": [{"actors": 5}, 7], "brief": 3}'}}]},
    ]
    for body in odd:
        inner = ScriptedTransport([lambda request, body=body: httpx2.Response(200, json=body)])
        transport = RepairingTransport(inner, MODELS)
        response = await transport.handle_async_request(httpx2.Request("POST", "http://llm.test/v1/chat/completions"))
        assert json.loads(await response.aread()) == body
