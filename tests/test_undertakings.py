"""One commitment per undertaking (issue 12): several sentences reporting one agreement are one
row, with the other statements as further evidence; different undertakings stay apart."""

from __future__ import annotations

from devtools.cassettes import fixture_settings
from schemas import Commitment, Evidence, When
from service.engines.rules.engine import RulesEngine
from service.ingest import article_from_text
from service.pipeline import Pipeline
from service.undertakings import merge_undertakings
from tests.support import article_text, assert_grounded


def row(
    action: str,
    *,
    kind: str = "agreement",
    actors: tuple[str, ...] = ("a1", "a2"),
    date: str | None = None,
    at: int = 0,
) -> Commitment:
    return Commitment(
        id="x",
        actors=list(actors),
        kind=kind,  # type: ignore[arg-type]
        action=action,
        when=When(text=date, date=date) if date else None,
        evidence=Evidence(quote=action, start=at, end=at + len(action), match="exact"),
    )


def test_statements_of_one_undertaking_are_one_row_and_others_stay_apart() -> None:
    merged = merge_undertakings(
        [
            row("meet in-person very soon", at=0),
            row("meet in person as soon as possible", kind="plan", at=100),
            row("organize a top-level meeting to address the situation", at=200),
            row("send troops to the border", at=300),
            row("send aid to the region", at=400),
            row("meet in-person very soon", actors=("a3",), at=500),  # someone else's
            row("reject the offer", kind="refusal", at=600),
        ]
    )
    assert [(m.id, m.action, len(m.further_evidence)) for m in merged] == [
        ("commitment_1", "meet in-person very soon", 2),
        ("commitment_2", "send troops to the border", 0),
        ("commitment_3", "send aid to the region", 0),
        ("commitment_4", "meet in-person very soon", 0),
        ("commitment_5", "reject the offer", 0),
    ]
    assert [e.start for e in merged[0].further_evidence] == [100, 200]


def test_undertakings_on_different_dates_are_two() -> None:
    merged = merge_undertakings([row("meet in Ankara", date="2020-03-05"), row("meet in Ankara", date="2020-04-01")])
    assert len(merged) == 2


async def test_the_seed_has_one_agreement_to_meet_with_both_leaders(rules_engine: RulesEngine) -> None:
    analysis = await Pipeline(fixture_settings(engine="rules"), [rules_engine]).analyze(
        article_from_text(article_text("idlib"), max_chars=200_000)
    )
    assert_grounded(analysis)
    names = {a.id: a.name for a in analysis.actors}
    meetings = [c for c in analysis.commitments if c.kind == "agreement" and "meet" in c.action]
    assert len(meetings) == 1
    [meeting] = meetings
    assert {names[a] for a in meeting.actors} == {"Recep Tayyip Erdoğan", "Vladimir Putin"}
    assert meeting.when is not None and "soon" in meeting.when.text
    assert len(meeting.further_evidence) >= 1
    demands = [c for c in analysis.commitments if c.kind == "demand" and "Sochi" in c.action]
    assert demands and names[demands[0].counterparties[0]] == "Turkey"
