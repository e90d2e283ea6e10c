"""A long article's chunks merge into one cast: each actor once, whichever chunk named it how."""

from __future__ import annotations

from schemas import Draft, DraftActor, DraftBrief, DraftCommitment
from service.merge import merge_drafts

BRIEF = DraftBrief(headline="h", summary="s", key_points=[])


def actor(ref: str, name: str, *aliases: str) -> DraftActor:
    return DraftActor(
        ref=ref, name=name, kind="person", title=None, affiliation=None, aliases=list(aliases), salience="minor"
    )


def promise(ref: str) -> DraftCommitment:
    return DraftCommitment(
        actors=[ref],
        kind="promise",
        action="act",
        counterparties=[],
        when=None,
        condition=None,
        modality="firm",
        status="new",
        quote="q",
        attributed_to=None,
    )


def test_a_later_chunks_short_name_is_the_actor_an_earlier_chunk_knew_by_it() -> None:
    first = Draft(actors=[actor("a1", "Sarah Okafor", "Sarah Okafor", "Okafor")], commitments=[], brief=BRIEF)
    second = Draft(actors=[actor("a1", "Okafor", "Okafor")], commitments=[promise("a1")], brief=BRIEF)
    merged = merge_drafts([first, second], brief=BRIEF)
    assert [a.name for a in merged.actors] == ["Sarah Okafor"]
    assert merged.commitments[0].actors == ["a1"]


def test_a_later_chunks_full_name_takes_up_an_earlier_short_one() -> None:
    first = Draft(actors=[actor("a1", "Okafor", "Okafor")], commitments=[], brief=BRIEF)
    second = Draft(actors=[actor("a1", "Sarah Okafor", "Okafor")], commitments=[], brief=BRIEF)
    merged = merge_drafts([first, second], brief=BRIEF).actors
    assert [(a.name, a.aliases) for a in merged] == [("Sarah Okafor", ["Okafor"])]


def test_thousands_of_distinct_actors_stay_distinct() -> None:
    drafts = [
        Draft(actors=[actor(f"a{i}", f"Person {c}{i}") for i in range(2_000)], commitments=[], brief=BRIEF)
        for c in "AB"
    ]
    merged = merge_drafts(drafts, brief=BRIEF)
    assert len(merged.actors) == 4_000
    assert len({a.ref for a in merged.actors}) == 4_000
