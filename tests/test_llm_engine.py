"""The LLM path end to end: real openai + instructor code against recorded exchanges."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devtools.cassettes import fixture_settings
from schemas import Analysis
from service.engines.llm.engine import LlmEngine
from service.errors import DeadlineExceeded, LlmFailed, LlmTruncated
from service.ingest import article_from_text
from service.llm.replay import Cassette, ReplayTransport, StaleExchangeError
from service.pipeline import Pipeline
from service.prompts import PROMPTS_DIR, load_prompt
from tests.support import FIXTURES, ReplayFactory, article_text, assert_grounded


def seed_article():  # type: ignore[no-untyped-def]
    return article_from_text(article_text("idlib"), max_chars=200_000)


def by_name(analysis, name):  # type: ignore[no-untyped-def]
    matches = [a for a in analysis.actors if a.name == name]
    assert len(matches) == 1, f"{name!r} listed {len(matches)} times"
    return matches[0]


async def test_seed_article_gives_the_analysts_actors_and_commitments(replay: ReplayFactory) -> None:
    analysis = await replay("idlib").analyze(seed_article())

    assert_grounded(analysis)
    erdogan = by_name(analysis, "Recep Tayyip Erdoğan")
    putin = by_name(analysis, "Vladimir Putin")
    lavrov = by_name(analysis, "Sergey Lavrov")
    turkey = by_name(analysis, "Turkey")
    russia = by_name(analysis, "Russia")
    assert erdogan.title and putin.title and lavrov.title
    assert {"Moscow", "Russia"} <= set(russia.aliases)

    meet = [c for c in analysis.commitments if c.kind == "agreement" and "meet" in c.action.lower()]
    assert any({erdogan.id, putin.id} <= set(c.actors) for c in meet)
    assert any(c.when and c.when.text in {"as soon as possible", "very soon"} for c in meet)
    sochi = [c for c in analysis.commitments if "Sochi" in c.evidence.quote or "Sochi" in c.action]
    assert any(c.kind == "demand" and turkey.id in c.counterparties for c in sochi)

    assert analysis.provenance.engine == "llm"
    assert analysis.provenance.prompt == load_prompt("brief").identity
    assert analysis.provenance.usage.llm_calls == 1
    assert analysis.provenance.usage.input_tokens > 0 and analysis.provenance.cost_usd is not None
    assert analysis.warnings == []


@pytest.mark.parametrize("name", ["defector", "hackers", "homeopathic", "sensitive"])
async def test_each_fixture_article_is_grounded(replay: ReplayFactory, name: str) -> None:
    analysis = await replay(name).analyze(article_from_text(article_text(name), max_chars=200_000))

    assert_grounded(analysis)
    assert analysis.actors and analysis.commitments
    assert analysis.brief.headline and analysis.brief.summary and analysis.brief.key_points
    assert analysis.warnings == []


async def test_rate_limit_is_retried_after_retry_after(replay: ReplayFactory) -> None:
    analysis = await replay("idlib.rate_limited").analyze(seed_article())

    usage = analysis.provenance.usage
    assert (usage.llm_calls, usage.retries, usage.reasks) == (2, 1, 0)
    assert not analysis.provenance.degraded and analysis.commitments


async def test_server_errors_are_retried(replay: ReplayFactory) -> None:
    analysis = await replay("idlib.server_errors").analyze(seed_article())

    usage = analysis.provenance.usage
    assert (usage.llm_calls, usage.retries, usage.reasks) == (3, 2, 0)
    assert analysis.provenance.engine == "llm" and analysis.commitments


async def test_malformed_json_is_reasked_and_both_attempts_are_paid_for(replay: ReplayFactory) -> None:
    single = await replay("idlib").analyze(seed_article())
    analysis = await replay("idlib.malformed").analyze(seed_article())

    usage = analysis.provenance.usage
    assert (usage.llm_calls, usage.reasks) == (2, 1)
    assert usage.input_tokens > single.provenance.usage.input_tokens
    assert usage.output_tokens > single.provenance.usage.output_tokens
    assert len(analysis.commitments) == len(single.commitments)


async def test_ungrounded_quote_is_reasked_and_corrected(replay: ReplayFactory) -> None:
    analysis = await replay("idlib.ungrounded_fixed").analyze(seed_article())

    assert analysis.provenance.usage.reasks == 1
    assert analysis.warnings == []
    assert_grounded(analysis)


def _statements(analysis: Analysis) -> int:
    return sum(1 + len(item.further_evidence) for item in analysis.commitments)


async def test_quote_still_ungrounded_after_reasks_is_dropped_with_a_warning(replay: ReplayFactory) -> None:
    good = await replay("idlib").analyze(seed_article())
    analysis = await replay("idlib.ungrounded").analyze(seed_article())

    assert analysis.provenance.usage.reasks == 2
    assert analysis.provenance.usage.llm_calls == 3
    # one statement fewer (merged rows count each of their statements: evidence and further evidence)
    assert _statements(analysis) == _statements(good) - 1
    [warning] = analysis.warnings
    assert warning.code == "dropped_ungrounded_commitment"
    assert "'meet in person'" in warning.detail and "not in the article" in warning.detail
    assert "next week" not in analysis.model_dump_json()  # the ungrounded words reach the user nowhere
    assert_grounded(analysis)


async def test_truncated_output_is_an_error_without_fallback(replay: ReplayFactory) -> None:
    with pytest.raises(LlmTruncated):
        await replay("idlib.truncated", fallback=False).analyze(seed_article())


async def test_truncated_output_falls_back_to_rules_marked_degraded(replay: ReplayFactory) -> None:
    analysis = await replay("idlib.truncated").analyze(seed_article())

    assert analysis.provenance.engine == "rules"
    assert analysis.provenance.degraded
    assert [w.code for w in analysis.warnings] == ["fallback_engine"]
    assert "output limit" in analysis.warnings[0].detail
    assert analysis.provenance.usage.output_tokens > 0  # the cut-off answer was paid for
    assert analysis.provenance.cost_usd and analysis.provenance.cost_usd > 0
    assert_grounded(analysis)


async def test_provider_down_falls_back_to_rules(replay: ReplayFactory) -> None:
    analysis = await replay("idlib.down").analyze(seed_article())

    assert analysis.provenance.degraded and analysis.provenance.engine == "rules"
    assert "HTTP 503" in analysis.warnings[0].detail
    assert analysis.provenance.usage.llm_calls == 5 and analysis.provenance.usage.retries == 4
    names = {a.name for a in analysis.actors}
    assert any("Putin" in n for n in names) and any("Erdoğan" in n for n in names)


async def test_provider_down_without_fallback_is_an_llm_failure(replay: ReplayFactory) -> None:
    with pytest.raises(LlmFailed) as error:
        await replay("idlib.down", fallback=False).analyze(seed_article())
    assert error.value.status == 502 and "5 attempts" in error.value.detail


async def test_retry_after_beyond_the_deadline_is_a_deadline_error(replay: ReplayFactory) -> None:
    pipeline = replay("idlib.rate_limited", fallback=False, deadline_s=0.5)
    with pytest.raises(DeadlineExceeded):
        await pipeline.analyze(seed_article())


async def test_edited_prompt_makes_replay_fail_with_the_rerecord_message(tmp_path: Path) -> None:
    shutil.copytree(PROMPTS_DIR / "brief", tmp_path / "brief")
    system = tmp_path / "brief" / "system.md"
    system.write_text(system.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
    transport = ReplayTransport(Cassette.load(FIXTURES / "exchanges" / "idlib.json"))
    settings = fixture_settings(fallback=False)
    engine = LlmEngine(settings, transport=transport, prompt=load_prompt("brief", tmp_path))

    with pytest.raises(LlmFailed):
        await Pipeline(settings, [engine]).analyze(seed_article())
    with pytest.raises(StaleExchangeError, match="make record"):
        transport.check_used_up()
    assert "system_sha256" in str(transport.errors[0])


async def test_changed_model_makes_replay_fail_with_the_rerecord_message() -> None:
    transport = ReplayTransport(Cassette.load(FIXTURES / "exchanges" / "idlib.json"))
    settings = fixture_settings(fallback=False, model="gpt-4o")
    with pytest.raises(LlmFailed):
        await Pipeline(settings, [LlmEngine(settings, transport=transport)]).analyze(seed_article())
    with pytest.raises(StaleExchangeError, match=r"model 'gpt-4.1-mini' -> 'gpt-4o'.*make record"):
        transport.check_used_up()


def test_every_cassette_says_where_it_came_from() -> None:
    for path in (FIXTURES / "exchanges").glob("*.json"):
        cassette = Cassette.load(path)
        assert cassette.source in {"recorded", "authored"}, path
        assert cassette.note.startswith("recorded from" if cassette.source == "recorded" else "authored by hand")
