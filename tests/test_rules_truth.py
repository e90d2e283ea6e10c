"""The rules engine must never reverse what an article says (issue 12, the polarity layer).

Written for this project, not taken from any corpus: short statements that make no commitment
(negated, denied, hypothetical, done, an opinion) and must yield none, beside genuine ones in
similar words that must still be found. A benchmark of behaviour, not a lookup table: the
phrasings differ from the ones the rules were written against."""

from __future__ import annotations

from typing import Any

import pytest

from service.engines.rules.reader import RulesReader
from service.ingest import article_from_text

NOTHING = [
    # negated, including fronted negatives
    "We are not pre-committing to a particular rate path, the central bank's president Christine Lagarde said.",
    "The government did not agree to the proposal.",
    "At no point did the government promise to cut taxes.",
    "Under no circumstances did the mayor promise to reopen the stadium.",
    "The governor never promised to lower tuition.",
    "Germany has not pledged to send more tanks, the defence ministry said.",
    "The senator did not say the party would back the bill.",
    "The prime minister is not planning to call an early election, his office said.",
    # denied
    "The ministry denied plans to close the embassy.",
    "Canada dismissed reports that it would withdraw its ambassador.",
    "The club denied claims that it had agreed to sell the striker.",
    "The minister refused to rule out new sanctions.",
    "The finance minister rejected reports that the government would devalue the currency.",
    # hypothetical
    "The company could raise prices next year.",
    "The United Nations would help if asked, the spokesman said.",
    "Japan might join the talks if the conditions change.",
    "The cabinet is weighing a plan to raise taxes.",
    # opinions, not one's own threat
    "The union warned against cutting wages too early.",
    "Russia warned that the sanctions could backfire.",
    "Economists warned of a recession next year.",
]

FOUND = [
    ("The union threatened to walk off the job on Monday.", "threat"),
    ("The secretary urged both sides to resume talks.", "demand"),
    ("Brazil warned it would retaliate against any tariffs.", "threat"),
    ("The company ruled out layoffs this year.", "refusal"),
    ('"We will rebuild the bridge," the mayor said.', "plan"),
    ("The government will not accept the ruling, the minister said.", "refusal"),
    ("Germany pledged to send more tanks to Ukraine by March.", "promise"),
    ("The mayor promised to reopen the stadium if the council approves the budget.", "promise"),
    ("Canada refused to withdraw its ambassador.", "refusal"),
    ("The parliament rejected the plan to privatise the railways.", "refusal"),  # a plan rejected is refused
    ("The International Longshore and Warehouse Union threatened to strike.", "threat"),
]


@pytest.mark.parametrize("text", NOTHING)
def test_a_statement_that_commits_to_nothing_yields_no_commitment(rules_reader: RulesReader, text: str) -> None:
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    assert draft.commitments == [], [(c.kind, c.quote) for c in draft.commitments]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_a_genuine_commitment_in_similar_words_is_still_found(rules_reader: RulesReader, text: str, kind: str) -> None:
    draft = rules_reader.draft(article_from_text(text, max_chars=10_000))
    assert [c.kind for c in draft.commitments] == [kind], [(c.kind, c.quote) for c in draft.commitments]


def test_key_points_read_as_sentences() -> None:
    from service.engines.rules.brief import key_point

    assert key_point("It also stressed that Putin and Erdoğan agreed to meet.") == "Putin and Erdoğan agreed to meet."
    assert key_point("However, The Hague voted to close the plant.") == "The Hague voted to close the plant."
    assert key_point("However, the council voted to close the plant.") is None  # "the council ..." is no sentence start
    assert key_point("Talks will resume in March, the foreign ministry said.") == "Talks will resume in March."
    assert key_point("Aid will arrive on Friday, according to officials.") == "Aid will arrive on Friday."
    assert key_point("the two presidents have agreed on the need for new measures") is None
    assert key_point("The mayor said the bridge would reopen.") == "The mayor said the bridge would reopen."


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
