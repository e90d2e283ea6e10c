"""The service against an LLM that misbehaves in every way the stand-in can: never a 500, never
an ungrounded quote, never past the deadline, and nothing left running afterwards.

Why: the LLM is the one dependency the service cannot control. Whatever it does (slow, 429, 500,
hanging, malformed, truncated, empty, or quoting words the article never said), a caller gets
either an `Analysis` whose every quote and mention is the article's text at its offsets, or a
problem+json 502/503/504, within the deadline plus one second (a bound on behaviour, not a
benchmark). The app runs in-process; its LLM engine reaches the stand-in server
(`tests/standin_llm.py`) through an ASGI transport, so the real openai + instructor + retry code runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import httpx2
import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.api.app import create_app
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.pipeline import Pipeline
from tests.standin_llm import Standin, build_app
from tests.support import PROBLEM, article_text, assert_grounded

DEADLINE_S = 2.0
SLACK_S = 1.0  # the bound is the deadline plus this
ARTICLES = ["idlib", "hackers", "defector"]  # authored answers with commitments, so "ungrounded" has some to drop


@dataclass(frozen=True)
class Fault:
    """A stand-in mode, and what the service must answer to it with the fallback on and off."""

    standin: Callable[[], Standin]
    with_fallback: str  # "ok", "degraded" or a problem slug
    without_fallback: str


FAULTS: dict[str, Fault] = {
    "slow": Fault(lambda: Standin("ok", latency=DEADLINE_S + 1), "deadline-exceeded", "deadline-exceeded"),
    # Retry-After 1 s against a 2 s deadline: the second 429 leaves no time for a third attempt.
    "rate_limit": Fault(lambda: Standin("rate_limit", retry_after=1.0), "degraded", "deadline-exceeded"),
    "error": Fault(lambda: Standin("error"), "degraded", "llm-failed"),
    "hang": Fault(lambda: Standin("hang"), "deadline-exceeded", "deadline-exceeded"),
    "malformed": Fault(lambda: Standin("malformed"), "degraded", "llm-invalid-output"),
    "truncated": Fault(lambda: Standin("truncated"), "degraded", "llm-truncated-output"),
    "empty": Fault(lambda: Standin("empty"), "degraded", "llm-invalid-output"),
    "ungrounded": Fault(lambda: Standin("ungrounded"), "ok", "ok"),
}


@asynccontextmanager
async def service_against(
    standin: Standin, rules: RulesEngine, **overrides: object
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process, its LLM the stand-in; the engine is closed on the way out."""
    # No rate limit: its store schedules housekeeping tasks of its own on every request, which the
    # check that the LLM faults leave nothing running would mistake for leftovers (test_bad_input covers it).
    settings = fixture_settings(deadline_s=DEADLINE_S, retry_base_s=0.05, rate_limit="", **overrides)
    engine = LlmEngine(settings, transport=httpx2.ASGITransport(app=build_app(standin)))
    app = create_app(settings, pipeline=Pipeline(settings, [engine, rules]))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://wirebrief.test"
        ) as client:
            yield client
    finally:
        await engine.aclose()


async def timed_post(client: httpx.AsyncClient, name: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await client.post("/v1/briefs", json={"text": article_text(name)})
    return response, time.perf_counter() - started


def check_contract(response: httpx.Response, elapsed: float) -> Analysis | str:
    """The invariants every answer obeys; returns the analysis, or the problem's slug."""
    assert response.status_code != 500, response.text
    assert elapsed <= DEADLINE_S + SLACK_S, f"answered after {elapsed:.2f} s"
    if response.status_code == 200:
        analysis = Analysis.model_validate_json(response.content)
        assert_grounded(analysis)
        return analysis
    assert response.status_code in {502, 503, 504}, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == response.status_code and body["detail"]
    return str(body["type"]).removeprefix("urn:wirebrief:problem:")


def assert_nothing_left_running(standin: Standin) -> None:
    current = asyncio.current_task()
    left = [task for task in asyncio.all_tasks() if task is not current]
    assert not left, left
    assert standin.in_flight == 0, f"{standin.in_flight} stand-in requests still being answered"


@pytest.mark.parametrize("fallback", [True, False], ids=["fallback", "no-fallback"])
@pytest.mark.parametrize("mode", list(FAULTS))
async def test_every_llm_fault_ends_in_a_grounded_analysis_or_a_problem_in_time(
    rules_engine: RulesEngine, mode: str, fallback: bool
) -> None:
    fault = FAULTS[mode]
    standin = fault.standin()
    async with service_against(standin, rules_engine, fallback=fallback) as client:
        answers = await asyncio.gather(*(timed_post(client, name) for name in ARTICLES))
    assert_nothing_left_running(standin)

    expected = fault.with_fallback if fallback else fault.without_fallback
    for response, elapsed in answers:
        outcome = check_contract(response, elapsed)
        if expected in {"ok", "degraded"}:
            assert isinstance(outcome, Analysis), outcome
            assert outcome.provenance.degraded is (expected == "degraded")
            codes = {w.code for w in outcome.warnings}
            assert ("fallback_engine" in codes) is (expected == "degraded"), codes
        else:
            assert outcome == expected


async def test_ungrounded_quotes_are_dropped_with_a_warning_each(rules_engine: RulesEngine) -> None:
    standin = Standin("ungrounded")
    async with service_against(standin, rules_engine) as client:
        response, elapsed = await timed_post(client, "idlib")
    analysis = check_contract(response, elapsed)
    assert isinstance(analysis, Analysis)
    dropped = [w for w in analysis.warnings if w.code == "dropped_ungrounded_commitment"]
    assert dropped and not analysis.commitments  # every quote was altered, so every commitment went
    assert analysis.provenance.engine == "llm" and analysis.provenance.usage.reasks == 2
    assert analysis.actors  # actors and brief stay: their mentions are grounded by the service itself


async def test_a_hung_llm_frees_its_slot_at_the_deadline_for_queued_requests(rules_engine: RulesEngine) -> None:
    """One slot, three requests: those queued behind a hung call end at their own deadline too
    (the slot wait counts against the deadline), with a 503 or 504, not 2 s after the one before."""
    standin = Standin("hang")
    async with service_against(standin, rules_engine, max_llm_in_flight=1, llm_slot_wait_s=5.0) as client:
        answers = await asyncio.gather(*(timed_post(client, name) for name in ARTICLES))
    assert_nothing_left_running(standin)
    for response, elapsed in answers:
        assert check_contract(response, elapsed) in {"deadline-exceeded", "overloaded"}


async def test_a_slow_llm_with_queued_requests_never_answers_past_the_deadline(rules_engine: RulesEngine) -> None:
    standin = Standin("ok", latency=DEADLINE_S * 0.75)
    async with service_against(standin, rules_engine, max_llm_in_flight=1, llm_slot_wait_s=5.0) as client:
        answers = await asyncio.gather(*(timed_post(client, name) for name in ARTICLES))
    assert_nothing_left_running(standin)
    outcomes = [check_contract(response, elapsed) for response, elapsed in answers]
    assert sum(isinstance(o, Analysis) for o in outcomes) == 1  # the first; the others ran out of time waiting
