"""The rules engine must never reverse what an article says (issue 12, the polarity layer).

The statements are in `tests/challenge_set.py` (`bench/eval.py` prints their pass rates, and those
of a held-out set, `bench/heldout_statements.py`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from service.engines.rules.reader import RulesReader
from service.ingest import article_from_text
from tests.challenge_set import FOUND, NOTHING


@pytest.mark.parametrize("text", NOTHING)
def test_a_statement_that_commits_to_nothing_yields_no_commitment(rules_reader: RulesReader, text: str) -> None:
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    assert draft.commitments == [], [(c.kind, c.quote) for c in draft.commitments]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_a_genuine_commitment_in_similar_words_is_still_found(rules_reader: RulesReader, text: str, kind: str) -> None:
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    assert [c.kind for c in draft.commitments] == [kind], [(c.kind, c.quote) for c in draft.commitments]


def test_a_plan_whose_planner_the_sentence_leaves_out_goes_to_the_planner_just_named(rules_reader: RulesReader) -> None:
    text = (
        "The government intends to hold two referendums on the flag. "
        "The first referendum is to be held in November. The second vote will be held in March."
    )
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    names = {actor.ref: actor.name for actor in draft.actors}
    assert [(c.kind, [names[a] for a in c.actors]) for c in draft.commitments] == [("plan", ["government"])] * 3
    assert "The first referendum is to be held in November" in draft.commitments[1].quote
    # with no planner before it, a thing that "will be sent" is nobody's plan: left out, not guessed
    alone = rules_reader.draft(article_from_text("The orbiter will be sent to Los Angeles.", max_chars=10_000))
    assert alone.commitments == []


def test_a_threat_joined_to_a_demand_is_the_demanders_own(rules_reader: RulesReader) -> None:
    text = "The union demanded that the company reinstate the workers and threatened a strike."
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    names = {actor.ref: actor.name for actor in draft.actors}
    rows = [(c.kind, [names[a] for a in c.actors], c.action) for c in draft.commitments]
    assert rows == [
        ("demand", ["union"], "the company reinstate the workers"),
        ("threat", ["union"], "a strike"),
    ]


def test_key_points_read_as_sentences() -> None:
    from service.engines.rules.brief import key_point

    assert key_point("It also stressed that Putin and Erdoğan agreed to meet.") == "Putin and Erdoğan agreed to meet."
    assert key_point("However, The Hague voted to close the plant.") == "The Hague voted to close the plant."
    assert key_point("However, the council voted to close the plant.") is None  # "the council ..." is no sentence start
    assert key_point("Talks will resume in March, the foreign ministry said.") == "Talks will resume in March."
    assert key_point("Aid will arrive on Friday, according to officials.") == "Aid will arrive on Friday."
    assert key_point("the two presidents have agreed on the need for new measures") is None
    assert key_point("The mayor said the bridge would reopen.") == "The mayor said the bridge would reopen."
    assert key_point("She said the union would suspend the strike.") is None  # who "she" is, it cannot say
    assert key_point("It has promised to refund all passengers within 14 days.") is None
    assert key_point("It is clear that the talks have failed.") == "It is clear that the talks have failed."
    assert key_point('"Nobody is walking away from the table," he said.') is None
    said = '"Nobody is walking away," said Klaus Berger, the party leader.'
    assert key_point(said) == said
    assert key_point('"We will keep the plant in Leeds and we will not cut jobs."') is None  # said by whom?


@pytest.mark.parametrize(
    "text",
    [
        "The union's threat to strike was never carried out.",
        "The company's promise to restore service by Friday proved hollow.",
        "Russia threatened last year to cut off gas supplies, but never did.",
        "The minister promised to resign, then changed her mind.",
        "The government pledged to scrap the tax but later reversed course.",
    ],
)
def test_an_undertaking_told_as_not_kept_is_broken(rules_reader: RulesReader, text: str) -> None:
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    assert [c.status for c in draft.commitments] == ["broken"]


def test_a_summary_sentence_never_points_back_at_someone_it_leaves_out(rules_reader: RulesReader) -> None:
    text = (
        "Dockworkers to strike from Monday\n\n"
        "Dockworkers at Europe's two largest ports will walk off the job on Monday unless employers improve their "
        "offer, the unions said on Thursday. The strike could halt about a third of the container traffic entering "
        "the European Union. The employers' association, Deltalinqs, said it was disappointed and urged the unions "
        "to return to the table. Its chairman, Ruud Paauwe, said the association would not raise its offer but was "
        "willing to discuss working hours. Belgian Prime Minister Alexander De Croo called on both sides to reach "
        "an agreement before the weekend."
    )
    summary = rules_reader.draft(article_from_text(text, max_chars=10_000)).brief.summary
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary)
    for before, sentence in zip(["", *sentences], sentences, strict=False):
        if sentence.startswith(("Its ", "His ", "Her ", "Their ", "He ", "She ", "They ")):
            assert f"{before} {sentence}" in text  # only right after the sentence that says whose


@pytest.mark.parametrize(
    "text", ["Lula promised to visit Lisbon.", "Macron vowed to veto the deal.", "Putin agreed to meet Erdogan soon."]
)
def test_a_few_words_of_english_are_read_as_english(rules_reader: RulesReader, text: str) -> None:
    article = article_from_text(text, max_chars=10_000)
    assert article.language == "en"
    assert rules_reader.draft(article).commitments


@pytest.mark.parametrize(
    ("text", "language"),
    [("Le président a promis de visiter Lisbonne demain.", "fr"), ("Scholz will Kiew besuchen.", "de")],
)
def test_a_few_words_of_another_language_are_still_told_apart(text: str, language: str) -> None:
    assert article_from_text(text, max_chars=10_000).language == language


async def test_the_caller_can_state_the_articles_language_apart_from_the_briefs(api: Any) -> None:
    response = await api().post(
        "/v1/briefs",
        json={"text": "Ambassador Kuvaldin promised to visit Bogor.", "options": {"article_language": "en"}},
    )
    assert response.status_code == 200, response.text
    analysis = response.json()
    assert analysis["article"]["language"] == "en"
    assert not [w for w in analysis["warnings"] if w["code"] == "language_not_supported"]
    assert analysis["commitments"]
