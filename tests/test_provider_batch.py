"""`wirebrief batch --provider-batch`: OpenAI's Batch API, round-tripped through authored fixtures
(`fixtures/provider_batch/`) served by a fake provider, the live path by the stand-in LLM."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.batch.inputs import BatchItem, read_inputs
from service.batch.output import Output, read_records
from service.batch.pacing import AdaptiveLimit
from service.batch.progress import Reporter, Tally
from service.batch.provider import ProviderBatchOptions, run_with_provider_batch
from service.batch.provider.plan import plan_requests
from service.batch.provider.results import BatchResults
from service.batch.provider.state import state_path
from service.batch.provider.transports import PrefilledTransport
from service.batch.runner import BatchRunner
from service.engines.llm.engine import LlmEngine
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.llm.replay import RecordingTransport
from service.pipeline import Pipeline
from service.store import SqlStore
from tests.fake_batch_provider import FakeBatchProvider, build_app
from tests.support import (
    FIXTURES,
    ROOT,
    Process,
    article_text,
    assert_grounded,
    batch_env,
    sentences,
    standin_args,
    write_jsonl,
)

SAMPLES = FIXTURES / "provider_batch"


class Setup:
    """A pipeline whose LLM and Batch API are one fake provider (ASGI, in process)."""

    def __init__(self, scenario: str, rules: RulesEngine, store: SqlStore | None) -> None:
        self.provider = FakeBatchProvider(scenario)
        self.app = build_app(self.provider)
        self.settings = fixture_settings(openai_base_url="http://provider.test/v1")
        self.rules, self.store = rules, store

    def pipeline(self, transport: httpx2.AsyncBaseTransport | None = None) -> Pipeline:
        llm = LlmEngine(self.settings, transport=transport or httpx2.ASGITransport(app=self.app))
        return Pipeline(self.settings, [llm, self.rules], store=self.store)

    async def run(self, items: list[BatchItem], out: Path, **options: Any) -> Tally:
        """What `run_batch` does with --provider-batch, with the fake provider injected."""
        prefill = PrefilledTransport(httpx2.ASGITransport(app=self.app))
        pipeline = self.pipeline(prefill)
        output = Output(out, retry_failed=False)
        runner = BatchRunner(pipeline, output, limit=AdaptiveLimit(4))
        tally = Tally()
        provider_options = ProviderBatchOptions(
            poll_interval_s=0, transport=httpx2.ASGITransport(app=self.app), **options
        )
        output.open()
        try:
            with Reporter(tally, quiet=True) as reporter:
                await run_with_provider_batch(items, runner, provider_options, tally, reporter, prefill=prefill)
        finally:
            output.close()
            await pipeline.aclose()
        return tally

    def uploaded(self) -> list[dict[str, Any]]:
        return [json.loads(line) for content in self.provider.uploads for line in content.splitlines()]


def inputs(tmp_path: Path, count: int = 4) -> list[BatchItem]:
    """Two fixture articles (authored answers with actors and commitments) and small sentences."""
    rows = [{"id": "idlib", "text": article_text("idlib")}, {"id": "hackers", "text": article_text("hackers")}]
    return list(read_inputs([str(write_jsonl(tmp_path / "in.jsonl", [*rows, *sentences(count)]))]))


def analyses(out: Path) -> dict[str, Analysis]:
    return {r["input_id"]: Analysis.model_validate(r) for r in read_records(out) if "error" not in r}


def comparable(analysis: Analysis) -> dict[str, Any]:
    """Everything but the wall time and what the answer cost (a batch answer is billed at its price)."""
    data = analysis.model_dump(mode="json")
    for varies in ("latency_ms", "cost_usd"):
        data["provenance"].pop(varies)
    for billed_as_batch in ("batch_input_tokens", "batch_output_tokens"):
        data["provenance"]["usage"].pop(billed_as_batch)
    data.pop("input_id")
    return data


async def live_requests_and_results(setup: Setup, items: list[BatchItem]) -> tuple[list[str], list[Analysis]]:
    """The fingerprint of the live path's first request per article, and its answers, on its own."""
    recorder = RecordingTransport(httpx2.ASGITransport(app=build_app(FakeBatchProvider())))
    pipeline = Pipeline(setup.settings, [LlmEngine(setup.settings, transport=recorder), setup.rules])
    fingerprints: list[str] = []
    results: list[Analysis] = []
    try:
        for item in items:
            assert item.request is not None and item.request.text is not None
            before = len(recorder.interactions)
            results.append(await pipeline.analyze(article_from_text(item.request.text, max_chars=200_000)))
            fingerprints.append(recorder.interactions[before].fingerprint)
    finally:
        await pipeline.aclose()
    return fingerprints, results


async def test_a_completed_batch_round_trips_like_the_live_path(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("completed", rules_engine, store)
    items = inputs(tmp_path)
    out = tmp_path / "out.jsonl"

    tally = await setup.run(items, out)

    assert (tally.done, tally.failed, tally.skipped, tally.total) == (6, 0, 0, 6)
    assert setup.provider.standin.calls == 0  # every answer came from the batch
    results = analyses(out)
    assert sorted(results) == sorted(item.id for item in items)
    for analysis in results.values():
        assert_grounded(analysis)
        assert analysis.provenance.engine == "llm" and not analysis.provenance.degraded
        assert analysis.provenance.usage.llm_calls == 1 and analysis.provenance.usage.input_tokens > 0
    idlib = results["idlib"]
    assert any(a.name == "Vladimir Putin" for a in idlib.actors) and idlib.commitments
    assert not state_path(out).exists()  # the batch is done with: nothing left to resume

    fingerprints, live = await live_requests_and_results(setup, items)
    uploaded = setup.uploaded()
    assert [line["custom_id"] for line in uploaded] == [f"wb-{fp[:32]}" for fp in fingerprints]
    assert {line["method"] for line in uploaded} == {"POST"} and {line["url"] for line in uploaded} == {
        "/v1/chat/completions"
    }
    for item, analysis in zip(items, live, strict=True):
        batched = results[item.id]
        assert comparable(batched) == comparable(analysis), item.id  # identical to the live answer
        usage = batched.provenance.usage  # every token was the batch's, billed at half the list price
        assert (usage.batch_input_tokens, usage.batch_output_tokens) == (usage.input_tokens, usage.output_tokens)
        assert analysis.provenance.usage.batch_input_tokens == 0
        assert analysis.provenance.cost_usd and batched.provenance.cost_usd == pytest.approx(
            analysis.provenance.cost_usd / 2, abs=2e-6
        )


async def test_the_requests_are_the_live_requests_byte_for_byte(tmp_path: Path, rules_engine: RulesEngine) -> None:
    setup = Setup("completed", rules_engine, None)
    items = inputs(tmp_path, count=2)
    pipeline = setup.pipeline()
    try:
        first, second = await plan_requests(items, pipeline), await plan_requests(items, pipeline)
    finally:
        await pipeline.aclose()
    assert list(first.requests) == list(second.requests)  # deterministic custom_ids, in input order
    recorder = RecordingTransport(httpx2.ASGITransport(app=build_app(FakeBatchProvider())))
    captured: list[httpx2.Request] = []

    class Keep(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            await request.aread()
            captured.append(request)
            return await recorder.handle_async_request(request)

    live = Pipeline(setup.settings, [LlmEngine(setup.settings, transport=Keep()), rules_engine])
    try:
        for item in items:
            assert item.request is not None and item.request.text is not None
            await live.analyze(article_from_text(item.request.text, max_chars=200_000))
    finally:
        await live.aclose()
    assert [json.loads(r.content) for r in captured] == [p.body for p in first.requests.values()]
    assert [p.line() for p in first.requests.values()] == [p.line() for p in second.requests.values()]


async def test_an_expired_batch_gives_its_partial_results_and_the_rest_runs_live(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("expired", rules_engine, store)
    items = inputs(tmp_path)  # 6 requests: every other one answered, the rest batch_expired
    out = tmp_path / "out.jsonl"

    tally = await setup.run(items, out)

    assert (tally.done, tally.failed, tally.total) == (6, 0, 6)
    assert setup.provider.standin.calls == 3  # only the expired ones were paid for again, live
    records = read_records(out)
    assert sorted(r["input_id"] for r in records) == sorted(item.id for item in items)  # one line each
    for analysis in analyses(out).values():
        assert_grounded(analysis)
        assert analysis.provenance.engine == "llm"
    [batch_id] = setup.provider.batches
    assert setup.provider.batches[batch_id]["step"] == len(setup.provider.scenario["lifecycle"]) - 1
    assert not state_path(out).exists()


async def test_an_item_in_the_error_file_and_an_ungrounded_answer_go_live(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("errors", rules_engine, store)
    items = inputs(tmp_path, count=1)  # idlib: ungrounded answer, hackers: HTTP 500 in the error file, art-000: answer
    out = tmp_path / "out.jsonl"

    tally = await setup.run(items, out)

    assert (tally.done, tally.failed) == (3, 0)
    results = analyses(out)
    assert results["art-000"].provenance.usage.llm_calls == 1
    hackers = results["hackers"]  # re-run whole through the live path
    assert hackers.provenance.usage.llm_calls == 1 and hackers.commitments
    reasked = results["idlib"]  # the batch answer failed grounding: the re-ask went live
    assert reasked.provenance.usage.reasks == 1 and reasked.provenance.usage.llm_calls == 2
    assert reasked.commitments and not reasked.warnings
    assert setup.provider.standin.calls == 2
    for analysis in results.values():
        assert_grounded(analysis)


async def test_a_rerun_after_completion_skips_everything(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("completed", rules_engine, store)
    items = inputs(tmp_path)
    out = tmp_path / "out.jsonl"
    await setup.run(items, out)
    before = out.read_bytes()

    again = await setup.run(items, out)

    assert (again.done, again.failed, again.skipped) == (0, 0, 6)
    assert len(setup.provider.uploads) == 1 and len(setup.provider.batches) == 1
    assert setup.provider.standin.calls == 0
    assert out.read_bytes() == before


async def test_a_run_stopped_while_polling_resumes_the_same_provider_batch(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("completed", rules_engine, store)
    items = inputs(tmp_path)
    out = tmp_path / "out.jsonl"
    first = asyncio.create_task(setup.run(items, out, max_requests=4))  # two provider batches
    while setup.provider.reads == 0:
        await asyncio.sleep(0.01)
    first.cancel()  # as Ctrl-C does, mid-poll
    with pytest.raises(asyncio.CancelledError):
        await first
    saved = json.loads(state_path(out).read_text(encoding="utf-8"))
    assert [b["id"] for b in saved["batches"]] == list(setup.provider.batches)
    assert sum(len(b["custom_ids"]) for b in saved["batches"]) == 6

    tally = await setup.run(items, out, max_requests=4)

    assert len(setup.provider.uploads) == 2  # nothing uploaded again: the same batches were polled
    assert tally.done + tally.skipped == 6 and setup.provider.standin.calls == 0
    assert sorted(analyses(out)) == sorted(item.id for item in items)
    assert not state_path(out).exists()


def test_the_result_files_are_read_as_the_wire_format_says() -> None:
    results = BatchResults()
    results.read((SAMPLES / "output.sample.jsonl").read_bytes())
    results.read((SAMPLES / "errors.sample.jsonl").read_bytes() + b'{"custom_id": "wb-torn", "resp')

    assert sorted(results.answers) == ["wb-sample-0001", "wb-sample-0002"]
    assert results.answers["wb-sample-0001"]["object"] == "chat.completion"
    assert results.failures == {
        "wb-sample-0003": "batch_expired",
        "wb-sample-0004": "HTTP 500",
        "wb-sample-0005": "HTTP 400",
    }
    assert results.unreadable == 1


def test_the_fixtures_say_they_are_authored() -> None:
    for path in SAMPLES.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["source"] == "authored" and "2026-11-25" in data["note"], path.name
    assert "authored" in (SAMPLES / "README.md").read_text(encoding="utf-8").lower()


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "batch", *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_a_model_the_cli_says_so_in_one_line(tmp_path: Path, database_url: str) -> None:
    jsonl = write_jsonl(tmp_path / "in.jsonl", sentences(2))
    run = cli(
        str(jsonl), "-o", str(tmp_path / "out.jsonl"), "--provider-batch", env=batch_env(database_url), cwd=tmp_path
    )

    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == [
        "wirebrief: error: --provider-batch needs a model: set OPENAI_API_KEY (and OPENAI_BASE_URL for other providers)"
    ]
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.slow
def test_the_cli_round_trips_an_expired_batch_through_a_provider_process(
    processes: Callable[..., Process],
    tmp_path: Path,
    database_url: str,
) -> None:
    provider = processes(["-m", "tests.fake_batch_provider", "--port", "{port}", "--scenario", "expired"], "/stats")
    jsonl = write_jsonl(tmp_path / "in.jsonl", sentences(6))
    out = tmp_path / "out.jsonl"

    run = cli(str(jsonl), "-o", str(out), "--provider-batch", "--poll-interval", "0.01",
              env=batch_env(database_url, provider), cwd=tmp_path)  # fmt: skip

    assert run.returncode == 0, run.stderr
    assert sorted(r["input_id"] for r in read_records(out)) == [f"art-{n:03d}" for n in range(6)]
    assert "expired: 3 of 6 requests answered" in run.stderr and "3 batch_expired" in run.stderr
    stats = httpx.get(provider.url + "/stats").json()
    assert (stats["uploads"], stats["batches"], stats["calls"]) == (1, 1, 3)
    assert not state_path(out).exists()


async def test_identical_requests_are_sent_once_and_cached_articles_not_at_all(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("completed", rules_engine, store)
    rows = [{"id": "one", "text": article_text("hackers")}, {"id": "copy", "text": article_text("hackers")}]
    items = list(read_inputs([str(write_jsonl(tmp_path / "in.jsonl", rows))]))

    await setup.run(items, tmp_path / "first.jsonl")
    assert len(setup.uploaded()) == 1  # one request answers both
    assert sorted(analyses(tmp_path / "first.jsonl")) == ["copy", "one"]

    await setup.run(items, tmp_path / "second.jsonl")  # a new output, the same store
    assert len(setup.provider.uploads) == 1 and setup.provider.standin.calls == 0  # answered from the cache
    assert sorted(analyses(tmp_path / "second.jsonl")) == ["copy", "one"]


async def test_a_batch_for_requests_that_changed_since_is_not_applied(
    tmp_path: Path, rules_engine: RulesEngine, store: SqlStore
) -> None:
    setup = Setup("completed", rules_engine, store)
    items = inputs(tmp_path, count=1)
    out = tmp_path / "out.jsonl"
    first = asyncio.create_task(setup.run(items, out))
    while setup.provider.reads == 0:
        await asyncio.sleep(0.01)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    [old] = setup.provider.batches

    setup.settings = fixture_settings(openai_base_url="http://provider.test/v1", model="gpt-4.1")  # a new model
    await setup.run(items, out)

    [new] = [batch_id for batch_id in setup.provider.batches if batch_id != old]
    assert {r["provenance"]["model"] for r in read_records(out)} == {"gpt-4.1"}
    assert {line["body"]["model"] for line in setup.uploaded()[3:]} == {"gpt-4.1"}
    assert not state_path(out).exists() and new and setup.provider.standin.calls == 0


@pytest.mark.slow
def test_a_provider_without_the_batch_api_is_one_clear_error(
    processes: Callable[..., Process], tmp_path: Path, database_url: str
) -> None:
    llm = processes(standin_args(), "/stats")  # chat completions only, no /v1/files
    jsonl = write_jsonl(tmp_path / "in.jsonl", sentences(2))

    run = cli(str(jsonl), "-o", str(tmp_path / "out.jsonl"), "--provider-batch", "-q",
              env=batch_env(database_url, llm), cwd=tmp_path)  # fmt: skip

    assert run.returncode == 1
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("wirebrief: error: the provider refused the batch upload: HTTP 404")
    assert httpx.get(llm.url + "/stats").json()["calls"] == 0  # nothing was sent live behind the user's back
