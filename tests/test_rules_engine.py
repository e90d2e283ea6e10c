"""Behaviour of the rules engine that a user of the commitment table would notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.draft import Draft, DraftActor, DraftCommitment
from service.article import Article
from service.engines.rules.reader import RulesReader

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "articles" / "idlib.txt"


@pytest.fixture(scope="module")
def engine() -> RulesReader:
    return RulesReader()


@pytest.fixture(scope="module")
def seed_text() -> str:
    return Article.from_text(SEED.read_text(encoding="utf-8")).text


@pytest.fixture(scope="module")
def seed(engine: RulesReader, seed_text: str) -> Draft:
    return engine.draft(Article.from_text(seed_text, published="2020-02-28"))


def draft(engine: RulesReader, text: str) -> Draft:
    return engine.draft(Article.from_text(text))


def actors_named(result: Draft, form: str) -> list[DraftActor]:
    return [a for a in result.actors if form in [a.name, *a.aliases]]


def names(result: Draft, refs: list[str]) -> set[str]:
    by_ref = {a.ref: a for a in result.actors}
    return {by_ref[r].name for r in refs}


def titles(result: Draft) -> dict[str, tuple[str | None, str | None]]:
    """Each person's (title, affiliation)."""
    return {a.name: (a.title, a.affiliation) for a in result.actors if a.kind == "person"}


def only(result: Draft) -> DraftCommitment:
    assert len(result.commitments) == 1, result.commitments
    return result.commitments[0]


# -- the seed article ---------------------------------------------------------------------
@pytest.mark.parametrize("form", ["Erdoğan", "Putin", "Lavrov", "Turkey", "Russia"])
def test_seed_main_actors_are_found_once(seed: Draft, form: str) -> None:
    assert len(actors_named(seed, form)) == 1


def test_seed_aliases_are_merged(seed: Draft) -> None:
    erdogan = actors_named(seed, "Erdoğan")[0]
    assert "President Recep Tayyip Erdoğan" in [erdogan.name, *erdogan.aliases]
    assert erdogan.kind == "person" and erdogan.salience == "major"
    russia = actors_named(seed, "Russia")[0]
    assert {"Russia", "Russian", "Moscow"} <= set(russia.aliases)
    assert russia.kind == "state"
    lavrov = actors_named(seed, "Lavrov")[0]
    assert lavrov.title == "Foreign Minister"


def test_seed_refs_are_unique_and_ordered(seed: Draft) -> None:
    refs = [a.ref for a in seed.actors]
    assert refs == [f"a{n}" for n in range(1, len(refs) + 1)]


def test_seed_leaders_agree_to_meet_soon(seed: Draft) -> None:
    meetings = [
        c
        for c in seed.commitments
        if c.kind == "agreement"
        and "meet" in c.action
        and names(seed, c.actors) == {"Recep Tayyip Erdoğan", "Vladimir Putin"}
    ]
    assert meetings
    assert any(c.when and re.search(r"soon|as soon as possible", c.when.text) for c in meetings)


def test_seed_expectation_on_turkey_is_a_demand(seed: Draft) -> None:
    demands = [c for c in seed.commitments if c.kind == "demand" and "Sochi Agreement" in c.quote]
    assert demands
    demand = demands[0]
    assert names(seed, demand.counterparties) == {"Turkey"}
    assert names(seed, demand.actors) & {"Russia", "Sergey Lavrov"}


def test_seed_lavrov_says_russia_will_not_restrain_the_syrian_army(seed: Draft) -> None:
    refusals = [c for c in seed.commitments if c.kind == "refusal" and "prevent the Syrian army" in c.action]
    assert len(refusals) == 1
    assert names(seed, refusals[0].actors) & {"Russia", "Sergey Lavrov"}
    assert names(seed, refusals[0].counterparties) == {"Syrian army"}


def test_seed_every_quote_is_in_the_text(seed: Draft, seed_text: str) -> None:
    assert seed.commitments
    for item in seed.commitments:
        assert item.quote in seed_text
    refs = {a.ref for a in seed.actors}
    for item in seed.commitments:
        assert set(item.actors) <= refs and set(item.counterparties) <= refs


def test_seed_aliases_are_surface_forms(seed: Draft, seed_text: str) -> None:
    for actor in seed.actors:
        for alias in actor.aliases:
            assert alias in seed_text


def test_seed_brief_only_copies_sentences(seed: Draft, seed_text: str) -> None:
    brief = seed.brief
    assert brief.headline == "Erdoğan, Putin agree to meet soon after deadly Idlib attack"
    assert 3 <= len(brief.key_points) <= 5
    summary_sentences = set(re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", brief.summary))
    for point in brief.key_points:
        # copied from the article, less a trailing ", X said" (the full stop is the point's own)
        assert point.removesuffix(".") in seed_text
        assert point[:1].isupper() or point[:1] == "“"  # a sentence, not a clause cut from one
        assert not point.startswith(("It also", "He added", "However,"))
        assert point not in summary_sentences  # never the summary again
    sentences = re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", brief.summary)
    assert 2 <= len(sentences) <= 5
    for sentence in sentences:
        assert sentence in seed_text
    assert "Putin" in brief.summary and "Erdoğan" in brief.summary


# -- passive voice: the agent commits, the subject is what is committed to ---------------------
@pytest.mark.parametrize(
    ("text", "kind", "actor", "action"),
    [
        ("The proposal was rejected by Prime Minister Boris Johnson.", "refusal", "Boris Johnson", "The proposal"),
        ("The ceasefire was agreed by Israel and Hamas on Sunday.", "agreement", "Israel", "The ceasefire"),
        ("A new border law was promised by the government of Chile.", "promise", "Chile", "A new border law"),
    ],
)
def test_a_passive_commitment_belongs_to_its_agent(
    engine: RulesReader, text: str, kind: str, actor: str, action: str
) -> None:
    result = draft(engine, text)
    item = only(result)
    assert (item.kind, item.action) == (kind, action)
    assert actor in names(result, item.actors)
    assert item.quote in text and " by " in item.quote  # the evidence names who did it


def test_a_person_who_was_threatened_is_not_the_thing_threatened(engine: RulesReader) -> None:
    assert draft(engine, "Iran was threatened by the United States.").commitments == []


# -- each kind on small sentences --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "actor"),
    [
        ("France and Germany agreed to hold talks on the border next month.", "agreement", "France"),
        ("Japan pledged to send 500 million dollars in aid to Indonesia.", "promise", "Japan"),
        ("The European Union plans to impose new tariffs on steel.", "plan", "European Union"),
        ("Kenya plans to open a new embassy in Brazil.", "plan", "Kenya"),
        ("Chancellor Angela Merkel will visit Poland in June.", "plan", "Angela Merkel"),
        ("The United Nations urged Sudan to allow aid workers into Darfur.", "demand", "United Nations"),
        ("Egypt rejected a proposal to extend the ceasefire.", "refusal", "Egypt"),
        ("Iran threatened to close the Strait of Hormuz.", "threat", "Iran"),
    ],
)
def test_commitment_kinds(engine: RulesReader, text: str, kind: str, actor: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == kind
    assert actor in names(result, item.actors)
    assert item.quote in text


def test_demand_names_its_counterparty(engine: RulesReader) -> None:
    result = draft(engine, "The United Nations urged Sudan to allow aid workers into Darfur.")
    item = only(result)
    assert names(result, item.counterparties) == {"Sudan"}
    assert item.action.startswith("allow aid workers")


def test_coordinated_subjects_commit_together(engine: RulesReader) -> None:
    result = draft(engine, "Putin and Erdoğan agreed to organize a meeting in Moscow.")
    item = only(result)
    assert len(item.actors) == 2


@pytest.mark.parametrize(
    "headline",
    ["Border talks end in Yerevan", "Deal reached", "Neighbours settle a dispute that closed the road for years"],
)
def test_a_paragraph_opening_with_two_actors_keeps_both(engine: RulesReader, headline: str) -> None:
    """The parser, shown the headline above, read a paragraph's "Armenia and Azerbaijan agreed" as two
    sentences ("Armenia" / "and Azerbaijan agreed ..."): the agreement lost Armenia."""
    result = draft(engine, f"{headline}\n\nArmenia and Azerbaijan agreed to reopen the border crossing on Monday.")
    item = only(result)
    assert names(result, item.actors) == {"Armenia", "Azerbaijan"}


@pytest.mark.parametrize(
    "text",
    [
        "France did not agree to the plan proposed by Germany.",
        "Russia has not agreed to any ceasefire in the region.",
    ],
)
def test_negated_agreement_is_not_an_agreement(engine: RulesReader, text: str) -> None:
    result = draft(engine, text)
    assert not [c for c in result.commitments if c.kind == "agreement"]


def test_will_not_is_a_refusal(engine: RulesReader) -> None:
    item = only(draft(engine, "Syria said it will not accept any more refugees."))
    assert item.kind == "refusal"


def test_condition_makes_a_commitment_conditional(engine: RulesReader) -> None:
    item = only(draft(engine, "Norway will send troops to the region if the United Nations asks for help."))
    assert item.condition is not None and item.condition.startswith("if the United Nations")
    assert item.modality == "conditional"


def test_unless_clause_turns_a_plan_into_a_threat(engine: RulesReader) -> None:
    item = only(draft(engine, "Nigeria will withdraw its force from Chad unless a ceasefire is arranged."))
    assert item.kind == "threat"
    assert item.condition and item.condition.startswith("unless")


def test_reported_speech_is_attributed(engine: RulesReader) -> None:
    result = draft(engine, "Hungary will support the resolution, Prime Minister Viktor Orbán said on Tuesday.")
    item = only(result)
    assert item.attributed_to is not None
    assert names(result, [item.attributed_to]) == {"Viktor Orbán"}
    assert item.modality == "reported"


def test_according_to_is_reported(engine: RulesReader) -> None:
    result = draft(engine, "According to Reuters, Brazil promised to cut deforestation by half.")
    item = only(result)
    assert item.modality == "reported"


def test_pronoun_subject_resolves_to_the_speaker(engine: RulesReader) -> None:
    result = draft(engine, "Iraq said it would allow the return of weapons inspectors.")
    item = only(result)
    assert names(result, item.actors) == {"Iraq"}


def test_when_is_taken_from_the_clause(engine: RulesReader) -> None:
    result = engine.draft(Article.from_text("Kenya will open an embassy in Brazil on March 3.", published="2021-01-10"))
    item = only(result)
    assert item.when is not None and item.when.text == "March 3"
    assert item.when.date == "2021-03-03"


@pytest.mark.parametrize(
    "text",
    [
        "Rebels attacked a police post in the north on Monday.",
        "Putin and Erdoğan held a phone call on Friday.",
        "Israeli troops killed three militants near Jenin.",
        "The minister visited Paris last week.",
    ],
)
def test_past_actions_are_not_commitments(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


def test_passive_no_concessions_is_a_refusal_by_the_speaker(engine: RulesReader) -> None:
    text = "Foreign Minister Sergey Lavrov spoke in Moscow. “No concessions will be given to the terrorists,” he added."
    result = draft(engine, text)
    refusals = [c for c in result.commitments if c.kind == "refusal"]
    assert refusals and names(result, refusals[0].actors) == {"Sergey Lavrov"}


def test_non_english_article_does_not_crash(engine: RulesReader) -> None:
    text = "Erdoğan ve Putin görüştü\nİki lider yakında bir araya gelecek. Görüşme telefonla yapıldı."
    result = engine.draft(Article.from_text(text, language="tr"))
    assert result.actors == [] and result.commitments == []
    assert result.brief.headline == "Erdoğan ve Putin görüştü"


def test_empty_article(engine: RulesReader) -> None:
    result = engine.draft(Article.from_text("   "))
    assert result.commitments == [] and result.actors == []


# -- problems reported by users ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "The government pledged to cut taxes.",
        "The Thai government pledged to cut taxes.",
        "The European Union plans to impose new tariffs on steel.",
    ],
)
def test_a_pledge_or_plan_is_never_a_threat_by_its_verb(engine: RulesReader, text: str) -> None:
    item = only(draft(engine, text))
    assert item.kind in {"promise", "plan"}


@pytest.mark.parametrize(
    "text",
    [
        "Nigeria will withdraw its force from Chad unless a ceasefire is arranged.",
        "Britain will cut aid if the government fails to hold elections.",
        "Iran will close the strait, or else face sanctions.",
    ],
)
def test_a_coercive_conditional_is_a_threat(engine: RulesReader, text: str) -> None:
    assert [c.kind for c in draft(engine, text).commitments] == ["threat"]


@pytest.mark.parametrize(
    ("text", "name", "kind", "commitment"),
    [
        ("The mayor promised compensation.", "mayor", "person", "promise"),
        ("Café owners in Zürich agreed to close early.", "Café owners", "group", "agreement"),
        ("Officials said they would comply.", "Officials", "group", "plan"),
        ("The ministers said they will meet again in March.", "ministers", "group", "plan"),
        ("The union threatened to strike.", "union", "organization", "threat"),
        ("The government pledged to cut taxes.", "government", "organization", "promise"),
    ],
)
def test_role_nouns_that_commit_are_actors(
    engine: RulesReader, text: str, name: str, kind: str, commitment: str
) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == commitment
    actor = next(a for a in result.actors if a.ref in item.actors)
    assert (actor.name, actor.kind, actor.salience) == (name, kind, "major")
    assert name in actor.aliases and all(alias in text for alias in actor.aliases)


def test_the_government_of_the_country_in_context_is_that_state(engine: RulesReader) -> None:
    """One actor per state, as "Spain's government" is Spain: not a second actor 'government'."""
    result = draft(engine, "Thailand's economy is weak. The government pledged to cut taxes.")
    item = only(result)
    actor = next(a for a in result.actors if a.ref in item.actors)
    assert (actor.name, actor.kind) == ("Thailand", "state") and "government" in actor.aliases
    assert [a.name for a in result.actors] == ["Thailand"]
    mexico = draft(engine, "Mexico's president said her government would never allow foreign troops on its soil.")
    assert names(mexico, only(mexico).actors) == {"Mexico"}


def test_role_nouns_that_do_nothing_are_not_listed(engine: RulesReader) -> None:
    result = draft(engine, "The mayor visited the flooded streets. Kenya will open an embassy in Brazil.")
    assert not actors_named(result, "mayor")


def test_a_named_person_wins_over_the_role_noun(engine: RulesReader) -> None:
    result = draft(engine, "The spokesman, John Kirby, said the United States will send more aid.")
    item = only(result)
    assert item.attributed_to is not None and names(result, [item.attributed_to]) == {"John Kirby"}


@pytest.mark.parametrize(
    ("text", "person", "title", "not_an_actor"),
    [
        ("Labor Secretary Julie Su said the talks would resume on Monday.", "Julie Su", "Labor Secretary", "Labor"),
        (
            "Treasury Secretary Scott Bessent said tariffs will rise in May.",
            "Scott Bessent",
            "Treasury Secretary",
            "Treasury",
        ),
    ],
)
def test_a_portfolio_is_part_of_the_title_not_an_actor(
    engine: RulesReader, text: str, person: str, title: str, not_an_actor: str
) -> None:
    result = draft(engine, text)
    assert not actors_named(result, not_an_actor)
    [named] = actors_named(result, person)
    assert named.title == title


def test_apple_ceo_keeps_apple_as_an_organisation(engine: RulesReader) -> None:
    result = draft(engine, "Apple CEO Tim Cook promised to invest in Ohio.")
    assert actors_named(result, "Apple") and actors_named(result, "Tim Cook")


def test_the_association_is_the_one_association_named_before(engine: RulesReader) -> None:
    text = (
        "The Pacific Maritime Association rejected the offer on Sunday. "
        "The association said it would return to the table on July 1."
    )
    result = draft(engine, text)
    assert [a.name for a in result.actors] == ["Pacific Maritime Association"]
    plan = next(c for c in result.commitments if "return to the table" in c.action)
    assert names(result, plan.actors) == {"Pacific Maritime Association"}


def test_the_community_is_neither_when_two_communities_are_named(engine: RulesReader) -> None:
    text = (
        "The Andean Community and the South American Community of Nations met in Cusco. "
        "The community will hold a summit in May."
    )
    result = draft(engine, text)
    andean = actors_named(result, "Andean Community")
    assert andean and "community" not in andean[0].aliases


def test_non_latin_passages_give_no_actors(engine: RulesReader) -> None:
    text = (
        "Israeli officials said הממשלה will meet. Palestinian sources said الحكومة أعلنت خطة جديدة will be signed. "
        "The statement said الحكومة أعلنت خطة جديدة on Monday, and הממשלה agreed."
    )
    result = draft(engine, text)
    forms = [form for actor in result.actors for form in [actor.name, *actor.aliases]]
    assert forms and not [f for f in forms if any("\u0590" <= ch <= "\u06ff" for ch in f)], forms


def test_fast_tags_match_the_model(engine: RulesReader) -> None:
    """The lookup that replaces spaCy's attribute ruler and lemmatizer gives the same POS and cue lemmas."""
    from service.engines.rules.nlp import parse

    doc = parse("There are talks. She said they had agreed, and the rebels vowed they would not give up the fight.")
    pos = {t.text: t.pos_ for t in doc}
    assert pos["are"] == "VERB" and pos["had"] == "AUX" and pos["agreed"] == "VERB" and pos["She"] == "PRON"
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["said"], lemmas["agreed"], lemmas["vowed"], lemmas["rebels"]) == ("say", "agree", "vow", "rebel")


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Kmart said the stores will retain their names.", "Kmart"),
        ("Egypt is to hold a referendum in May.", "Egypt"),
    ],
)
def test_plans_by_a_speaking_institution_or_with_be_to(engine: RulesReader, text: str, actor: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "plan" and names(result, item.actors) == {actor}


@pytest.mark.parametrize(
    "text",
    [
        "A summit is to be held in Bolivia.",
        "Professor Jane Smith said the weather will improve.",
        "Officials said the weather will not improve.",
    ],
)
def test_forecasts_and_arrangements_without_an_actor_are_not_plans(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("The World Bank has pledged $350 million in aid for the flood victims.", "World Bank"),
        ("Sears CEO Alan Lacy promised up to $500 million a year in savings.", "Alan Lacy"),
    ],
)
def test_a_sum_of_money_pledged_is_a_promise(engine: RulesReader, text: str, actor: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "promise" and names(result, item.actors) == {actor}
    assert "$" in item.action


def test_a_sum_of_money_spent_is_not_a_commitment(engine: RulesReader) -> None:
    assert draft(engine, "The World Bank spent $350 million on the project.").commitments == []


@pytest.mark.parametrize(
    "text",
    [
        "There was a $500 million pledge made recently by the government of Japan.",
        "Japan's $500 million pledge was welcomed.",
    ],
)
def test_a_pledge_of_money_made_by_an_actor_is_a_promise(engine: RulesReader, text: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "promise" and names(result, item.actors) == {"Japan"}


def test_a_pledge_of_money_without_an_owner_is_not_a_commitment(engine: RulesReader) -> None:
    assert draft(engine, "The $500 million pledge was welcomed by aid groups.").commitments == []


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("The new policy will be implemented by the Ministry of Agriculture.", "Ministry of Agriculture"),
        (
            "The policy will cover farming, and will be implemented by the Ministry of Agriculture.",
            "Ministry of Agriculture",
        ),
        ("The Defence Ministry said the base would be closed by 2020.", "Defence Ministry"),
    ],
)
def test_a_passive_future_is_planned_by_its_agent_or_announcer(engine: RulesReader, text: str, actor: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "plan" and names(result, item.actors) == {actor}


@pytest.mark.parametrize(
    "text",
    [
        "The stadium will be demolished next year.",
        "The Defence Ministry believes the base would be closed by 2020.",
    ],
)
def test_a_passive_future_without_agent_or_announcement_is_not_a_plan(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Merkel said Greece has to cut its deficit.", "Greece"),
        ("Lavrov said Turkey is required to withdraw its troops.", "Turkey"),
        ("Merkel said Greece needs to cut its deficit.", "Greece"),
    ],
)
def test_has_to_and_is_required_to_are_demands_by_the_speaker(engine: RulesReader, text: str, target: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "demand" and names(result, item.counterparties) == {target}
    assert names(result, item.actors) == {text.split()[0]}
    assert not item.action.startswith("to ")


@pytest.mark.parametrize(
    "text",
    [
        "Merkel said Germany does not have to pay.",
        "We have to act now, Merkel said.",
        "Merkel said she has a lot of work to do.",
        "Greece has to cut its deficit.",
    ],
)
def test_not_every_have_to_is_a_demand(engine: RulesReader, text: str) -> None:
    assert [c for c in draft(engine, text).commitments if c.kind == "demand"] == []


# -- coercion: a plan or promise to coerce another actor is a threat --------------------------
@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # a coercive measure as the object of an imposing verb
        ("NATO confirmed it would tighten the naval blockade of Serbia.", "NATO"),
        ("The United States will impose sanctions on Iran.", "United States"),
        ("The army will declare martial law in the capital.", "army"),
        ("Russia vowed to use force against Georgia.", "Russia"),
        ("Israel will launch air strikes on Gaza.", "Israel"),
        ("The rebels will launch attacks on government troops.", "rebels"),
        ("Turkey will take military action against the militants.", "Turkey"),
        ("Hamas vowed to continue its attacks on Israel.", "Hamas"),
        # a verb coercive in itself, or aimed at people
        ("Poland will expel Russian diplomats.", "Poland"),
        ("Iran will retaliate against any attack.", "Iran"),
        ("The police vowed to crack down on protesters.", "police"),
        ("Museveni plans to ban opposition candidates from the elections.", "Museveni"),
        # breaking off relations or supplies
        ("Morocco will sever ties with Iran.", "Morocco"),
        ("Britain will cut off aid to Rwanda.", "Britain"),
        # the commitment carried by a noun
        ("The European Union's plan to impose sanctions on Russia was approved on Monday.", "European Union"),
    ],
)
def test_a_plan_or_promise_to_coerce_is_a_threat(engine: RulesReader, text: str, actor: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "threat"
    assert actor in names(result, item.actors)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The European Union plans to impose new tariffs on steel.", "plan"),  # a trade measure
        ("The government pledged to cut taxes.", "promise"),
        ("The government will raise prices next month.", "plan"),
        ("The government will cut funding for schools.", "plan"),
        ("The company will cut jobs.", "plan"),
        ("The mayor plans to ban smoking in restaurants.", "plan"),  # banned: a thing, not people
        ("The president vowed to fight corruption.", "promise"),
        ("The government will lift the sanctions on Cuba.", "plan"),  # ending a measure
        ("The company will strike a deal with Ford.", "plan"),
        ("The UN will use its forces to protect civilians.", "plan"),  # forces: troops, not force
        ("Japan pledged to send 500 million dollars in aid to Indonesia.", "promise"),
    ],
)
def test_a_plan_or_promise_without_coercion_keeps_its_kind(engine: RulesReader, text: str, kind: str) -> None:
    assert only(draft(engine, text)).kind == kind


def test_a_negated_coercive_promise_is_not_a_threat(engine: RulesReader) -> None:
    result = draft(engine, "Russia vowed not to use force against Georgia.")
    assert result.commitments and "threat" not in [c.kind for c in result.commitments]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("France and Germany agreed to impose sanctions on Belarus.", "agreement"),
        ("The United States urged the European Union to impose sanctions on Iran.", "demand"),
    ],
)
def test_coercion_does_not_change_agreements_or_demands(engine: RulesReader, text: str, kind: str) -> None:
    assert only(draft(engine, text)).kind == kind


@pytest.mark.parametrize(
    "text",
    ["The United States imposed sanctions on Iran on Monday.", "Israel launched air strikes on Gaza overnight."],
)
def test_coercion_already_done_is_not_a_commitment(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


def test_armed_groups_named_by_role_are_actors(engine: RulesReader) -> None:
    result = draft(engine, "The rebels will launch attacks on government troops.")
    actor = next(a for a in result.actors if a.ref in only(result).actors)
    assert (actor.name, actor.kind) == ("rebels", "armed_group")


def test_a_long_action_is_cut_at_a_word_that_ends_a_phrase() -> None:
    from service.engines.rules.syntax import short_action

    cut = short_action(
        "the need for new measures to be put in place to ease tensions and normalize the situation in Syria"
    )
    assert cut == "the need for new measures to be put in place to ease tensions…"
    assert short_action("meet in-person very soon") == "meet in-person very soon"


def test_an_action_reads_as_what_was_committed_to_not_the_modal(engine: RulesReader) -> None:
    draft = engine.draft(Article.from_text("Moscow expressed its expectation that Ankara should withdraw its troops."))
    [demand] = draft.commitments
    assert demand.kind == "demand"
    assert demand.action.startswith("withdraw its troops")
    assert "should withdraw" in demand.quote  # the evidence stays verbatim


@pytest.mark.parametrize(
    ("text", "actor", "action"),
    [
        ("The city council voted down a plan to close the central library.", "city council", "a plan to close"),
        ("Norway's parliament voted against a bill to ban the fishing quotas.", "parliament", "a bill to ban"),
        ("The dockworkers' union turned down an offer to end the strike.", "union", "an offer to end"),
        ("Shareholders of Vantor voted down the merger, the company said.", "Vantor", "the merger"),
    ],
)
def test_voting_down_or_turning_down_is_a_refusal(engine: RulesReader, text: str, actor: str, action: str) -> None:
    result = draft(engine, text)
    item = only(result)
    assert item.kind == "refusal" and item.action.startswith(action)
    assert any(actor in name for name in names(result, item.actors))


@pytest.mark.parametrize(
    "text",
    [
        "The senate voted on the budget late on Tuesday.",
        "Millions voted in the election, officials said.",
        "The march turned down the avenue towards the parliament.",
        "The board turned to its lawyers for advice.",
        "The city council did not vote down the plan.",
        "The minister called on Turkey during his tour of the region.",
    ],
)
def test_votes_turns_and_visits_that_refuse_or_ask_nothing(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


def test_called_on_a_country_to_act_is_one_demand_with_that_country_as_counterparty(engine: RulesReader) -> None:
    result = draft(engine, "The European Union called on Turkey to stop the attacks on Kurdish towns.")
    item = only(result)
    assert item.kind == "demand" and item.action.startswith("stop the attacks")
    assert names(result, item.counterparties) == {"Turkey"}


@pytest.mark.parametrize(
    "dateline",
    [
        "NAIROBI, Kenya (AP) — ",
        "WASHINGTON (Reuters) - ",
        "ST. LOUIS — ",
        "LA PAZ, Bolivia -- ",
        "BERLIN, Nov 30 (Wirebrief) - ",
    ],
)
def test_a_dateline_is_where_the_story_was_filed_not_who_committed(engine: RulesReader, dateline: str) -> None:
    text = dateline + "The teachers union promised to end the strike on Friday. The union said it would meet again."
    result = draft(engine, text)
    assert [names(result, c.actors) for c in result.commitments] == [{"teachers union"}] * 2
    assert {a.name for a in result.actors} == {"teachers union"}  # no city, country or agency listed
    assert all(c.quote in text and not c.quote.startswith(dateline.strip()) for c in result.commitments)


def test_the_union_after_the_teachers_union_is_that_union(engine: RulesReader) -> None:
    result = draft(engine, "The teachers union threatened a strike. The union said it would walk out on Monday.")
    assert len(result.actors) == 1 and {"teachers union", "union"} <= set(result.actors[0].aliases)


def test_cannot_prevent_another_from_acting_is_a_refusal_to_restrain_it(engine: RulesReader) -> None:
    result = draft(engine, "The police cannot stop the strikers from marching, the mayor said.")
    item = only(result)
    assert item.kind == "refusal" and item.action.startswith("stop the strikers from marching")


@pytest.mark.parametrize(
    "text",
    [
        "The court cannot prevent the merger, lawyers said.",  # an inability: nobody held back
        "The EU can prevent Hungary from blocking the deal.",  # a power, not a refusal to use it
        "The government did not say it cannot stop the strikers from marching.",
        "Officials cannot believe the numbers.",
    ],
)
def test_other_cannots_commit_to_nothing(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


# -- a whole article the rules were not written from ---------------------------------------
DOCK_STRIKE = """Dock strike looms as talks with port operators stall

LONG BEACH, California — The International Longshore and Warehouse Union threatened on Tuesday to walk off \
the job at 29 West Coast ports if employers do not return to the bargaining table by Friday.

The union's president, Willie Adams, said members would not accept a contract that allowed automation \
without job guarantees. "We are ready to strike, and we will," Adams told reporters.

The Pacific Maritime Association, which represents the employers, said it had offered a 32% wage increase \
over six years and urged the union to resume talks. The association denied reports that it planned to bring \
in replacement workers.

Labor Secretary Julie Su urged both sides to resume negotiations. Analysts say a strike could cost the \
economy $1 billion a day.

Neither side has agreed to a mediator. The union said it is weighing a request from the White House to \
extend the current contract by 30 days.
"""


@pytest.fixture(scope="module")
def dock_strike(engine: RulesReader) -> Draft:
    return draft(engine, DOCK_STRIKE)


def test_the_lead_threat_after_a_dateline_is_the_unions(dock_strike: Draft) -> None:
    """The dateline is blanked; the blanks before the union's name once made it a title of a work."""
    threats = [c for c in dock_strike.commitments if c.kind == "threat"]
    assert any(
        names(dock_strike, c.actors) == {"International Longshore and Warehouse Union"} and "walk off" in c.action
        for c in threats
    ), dock_strike.commitments


def test_a_quote_before_its_speaker_is_the_speakers_and_a_surname_is_the_person(dock_strike: Draft) -> None:
    assert not actors_named(dock_strike, "Adams") or actors_named(dock_strike, "Adams")[0].name == "Willie Adams"
    assert [a.name for a in dock_strike.actors].count("Willie Adams") == 1
    ready = [c for c in dock_strike.commitments if "ready to strike" in c.quote]
    assert [c.kind for c in ready] == ["threat"] and names(dock_strike, ready[0].actors) == {"Willie Adams"}
    assert not any("told reporters" in c.action for c in dock_strike.commitments)


def test_both_sides_are_the_two_parties_named(dock_strike: Draft) -> None:
    urged = next(c for c in dock_strike.commitments if "both sides" in c.quote)
    assert names(dock_strike, urged.counterparties) == {
        "Pacific Maritime Association",
        "International Longshore and Warehouse Union",
    }


def test_denials_forecasts_deliberation_and_a_negative_subject_commit_to_nothing(dock_strike: Draft) -> None:
    quotes = " ".join(c.quote for c in dock_strike.commitments)
    for words in ("replacement workers", "cost the economy", "mediator", "extend the current contract"):
        assert words not in quotes, dock_strike.commitments


# -- one organisation under its several names ---------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "NATO said on Monday it would send more troops. The North Atlantic Treaty Organization blamed Russia.",
            "North Atlantic Treaty Organization",
        ),
        ("Acme Corp. said it would close two plants. Acme will keep its head office in Ohio.", "Acme Corp."),
        (
            "The American Red Cross sent 40 volunteers to the coast. The Red Cross said it would open three shelters.",
            "American Red Cross",
        ),
    ],
)
def test_an_organisation_under_a_shorter_or_fuller_name_is_one_actor(engine: RulesReader, text: str, name: str) -> None:
    result = draft(engine, text)
    organisations = [a for a in result.actors if a.kind in {"organization", "igo"}]
    assert [a.name for a in organisations] == [name], result.actors


def test_a_shorter_name_that_ends_two_longer_ones_is_neither(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The American Red Cross and the Canadian Red Cross sent volunteers. The Red Cross said it would open shelters.",
    )
    assert {"American Red Cross", "Canadian Red Cross"} <= {a.name for a in result.actors}
    shelters = next(c for c in result.commitments if "shelters" in c.action)
    assert names(result, shelters.actors) not in ({"American Red Cross"}, {"Canadian Red Cross"})


def test_a_possessive_state_is_the_state(engine: RulesReader) -> None:
    result = draft(engine, "North Korea’s army fired shells. North Korea said it would respond to any attack.")
    assert [a.name for a in result.actors if a.kind == "state"] == ["North Korea"]


def test_thousands_of_lines_are_read_in_a_bounded_number_of_pieces_with_the_exact_text() -> None:
    """50,000 one-word lines, parsed one document each, took 2.4x a whole parse and 4 GB."""
    from service.engines.rules import nlp

    text = "Putin agreed.\n" * 1_000 + "The end."
    lines = nlp._lines(text)
    pieces = nlp._at_most(lines, nlp.MAX_PIECES)
    assert len(lines) == 1_001 and len(pieces) <= nlp.MAX_PIECES and "".join(pieces) == text
    doc = nlp.parse(text)
    assert doc.text == text and all(t.idx == text.find(t.text, t.idx) for t in doc[:50])


# -- actors named by what they do; what a sentence says will happen to them -----------------
@pytest.mark.parametrize(
    ("text", "actor", "kind"),
    [
        ("Insurers agreed to freeze premiums for a year.", "Insurers", "group"),
        ("The carmaker pledged to build a battery plant in Ohio.", "carmaker", "organization"),
        ("Kidnappers threatened to kill the engineers unless a ransom was paid.", "Kidnappers", None),
        ("The university refused to release the names of the donors.", "university", "organization"),
    ],
)
def test_a_trade_or_institution_named_by_a_common_noun_is_the_actor(
    engine: RulesReader, text: str, actor: str, kind: str | None
) -> None:
    row = only(draft(engine, text))
    by_ref = {a.ref: a for a in draft(engine, text).actors}
    assert [by_ref[r].name for r in row.actors] == [actor]
    assert kind is None or by_ref[row.actors[0]].kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "The deal threatens to unravel after the elections.",
        "The new law promises to cut red tape for small businesses.",
        "The offer promises to double the workers' pay.",
        "A letter signed by forty economists urged the government to raise taxes.",
    ],
)
def test_a_thing_that_threatens_or_promises_is_not_an_actor(engine: RulesReader, text: str) -> None:
    result = draft(engine, text)
    assert result.commitments == [] and result.actors == []


def test_the_company_after_one_company_is_that_company(engine: RulesReader) -> None:
    one = draft(engine, "Boeing's chief executive said the company would not resume deliveries this year.")
    assert [a.name for a in one.actors if a.kind != "person"] == ["Boeing"]  # and its chief, who said it
    assert names(one, only(one).actors) == {"Boeing"}
    assert names(one, [only(one).attributed_to or ""]) == {"Boeing's chief executive"}
    two = draft(engine, "Boeing and Airbus both bid for the contract. The company said it would appeal.")
    appeal = only(two)
    assert names(two, appeal.actors) not in ({"Boeing"}, {"Airbus"})


def test_sanctions_someone_will_face_are_the_speakers_threat_not_its_plan(engine: RulesReader) -> None:
    result = draft(engine, "Iran will face new sanctions if it enriches uranium further, the ministers said.")
    row = only(result)
    assert row.kind == "threat"
    assert names(result, row.actors) == {"ministers"} and names(result, row.counterparties) == {"Iran"}
    assert draft(engine, "The party will face a tough vote in parliament next week.").commitments == []


def test_a_fronted_quote_is_in_the_evidence_of_its_speakers_commitment(engine: RulesReader) -> None:
    row = only(draft(engine, '"We will never give up," the rebels vowed on Sunday.'))
    assert row.kind == "promise" and "We will never give up" in row.quote and "rebels vowed" in row.quote


def test_the_charity_or_the_group_after_one_named_is_that_one(engine: RulesReader) -> None:
    oxfam = draft(
        engine, "Oxfam urged rich nations to cancel debts. The charity said it would publish a list of creditors."
    )
    assert [a.name for a in oxfam.actors] == ["Oxfam"]
    assert all(names(oxfam, c.actors) == {"Oxfam"} for c in oxfam.commitments) and len(oxfam.commitments) == 2
    hamas = draft(engine, "Hamas said on Sunday the group would release two hostages.")
    assert names(hamas, only(hamas).actors) == {"Hamas"}


def test_a_purpose_or_an_object_asked_is_not_a_second_commitment(engine: RulesReader) -> None:
    truce = only(draft(engine, "The rebels agreed to a three-day truce to allow aid into the city."))
    assert truce.kind == "agreement" and truce.when is None  # "three-day" is how long, not by when
    asked = draft(engine, "Ukraine's president Volodymyr Zelensky asked Western allies for more air defence systems.")
    assert "air defence systems" in only(asked).quote


@pytest.mark.parametrize(
    "text",
    ["Insurers agreed to freeze premiums for a year.", "The IMF said it would lend Egypt $3 billion over four years."],
)
def test_how_long_is_not_when(engine: RulesReader, text: str) -> None:
    assert only(draft(engine, text)).when is None


# -- a business story read as a new user reads it -------------------------------------------
SETTLEMENT = "\n\n".join(
    [
        "Drugmaker agrees to pay $2.1 billion to settle opioid claims",
        "Meridian Pharma has agreed to pay $2.1 billion over nine years to settle lawsuits brought by states and"
        " cities, the company said on Monday.",
        "Under the deal, which still needs the approval of a federal judge, Meridian will also stop promoting opioids.",
        '"This settlement will not bring back the people we lost," said Ohio Attorney General Dana Ruiz.'
        ' "But it will save lives."',
        "Families of victims have demanded that the company's founders be held personally responsible.",
    ]
)


@pytest.fixture(scope="module")
def settlement(engine: RulesReader) -> Draft:
    return draft(engine, SETTLEMENT)


def test_a_company_taken_for_a_person_is_one_organisation_under_its_short_name(settlement: Draft) -> None:
    companies = [a for a in settlement.actors if "Meridian" in a.name]
    assert [(a.name, a.kind) for a in companies] == [("Meridian Pharma", "organization")]
    assert {"Meridian", "company"} <= set(companies[0].aliases)
    assert not actors_named(settlement, "Drugmaker")  # a headline's first word, capitalised only for that


def test_it_is_the_thing_just_spoken_of_not_the_company_before(settlement: Draft) -> None:
    assert not [c for c in settlement.commitments if "save lives" in c.action]


def test_still_in_another_clause_restates_nothing(settlement: Draft, engine: RulesReader) -> None:
    stop = next(c for c in settlement.commitments if "stop promoting" in c.action)
    assert stop.status == "new"
    assert only(draft(engine, "Russia reiterated that it would not withdraw its troops.")).status == "reaffirmed"


def test_who_a_demand_is_about_stays_in_its_action_when_no_actor(settlement: Draft) -> None:
    demand = next(c for c in settlement.commitments if c.kind == "demand")
    assert demand.action == "the company's founders be held personally responsible"


def test_a_title_before_the_name_and_its_owner_are_the_persons(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Nordic Pilots Association backed the strike. Nordair's chief executive, Mats Lindqvist, said the airline "
        'would not reinstate the scheme he called "unaffordable". "We had no choice," said Ingrid Dahl, '
        "the association's chair.",
    )
    people = titles(result)
    assert people == {
        "Mats Lindqvist": ("chief executive", "Nordair"),
        "Ingrid Dahl": ("chair", "Nordic Pilots Association"),
    }
    refusal = only(result)
    assert names(result, refusal.actors) == {"Nordair"}
    assert names(result, [refusal.attributed_to or ""]) == {"Mats Lindqvist"}
    assert refusal.quote.endswith('"unaffordable"')  # the quote it opens is closed


def test_an_office_of_a_place_titles_the_person_named_after_it(engine: RulesReader) -> None:
    result = draft(engine, "The mayor of Rotterdam, Ahmed Aboutaleb, promised to reopen the tunnel in March.")
    assert titles(result) == {"Ahmed Aboutaleb": ("mayor", "Rotterdam")}  # not a person called "Rotterdam"
    assert names(result, only(result).actors) == {"Ahmed Aboutaleb"}


def test_what_is_undertaken_stops_before_an_aside_and_a_trailing_speaker(engine: RulesReader) -> None:
    aside = only(draft(engine, "The firm said it would appeal the fine, which it called disproportionate."))
    assert (aside.action, aside.quote) == ("appeal the fine", "it would appeal the fine")
    speaker = only(
        draft(
            engine,
            "Iran has agreed to let inspectors back into the Fordow site, the agency's director general, "
            "Rafael Grossi, said.",
        )
    )
    assert speaker.action == "let inspectors back into the Fordow site"
    kept = only(draft(engine, "The company said it would sell the plant, which employs 400 people, to a rival."))
    assert kept.action.endswith("to a rival")  # an aside inside the phrase stays, with what follows it
    announced = only(
        draft(engine, "Kenya will deploy 1,000 police to Haiti, the government announced, though a court objected.")
    )
    assert announced.action == "deploy 1,000 police to Haiti"
    despite = only(draft(engine, "The council approved a plan to build 5,000 homes, despite objections."))
    assert despite.action == "build 5,000 homes"
    called = only(draft(engine, "The cabinet rejected calls to delay the vote."))
    assert called.action == "calls to delay the vote"  # what was called for, which the parse hung on the verb


def test_it_in_what_a_speaker_said_is_never_an_actor_named_before(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Dutch government said it would not intervene. Shipping line Maersk said it had begun diverting "
        "vessels to Hamburg and would keep customers informed.",
    )
    rows = {c.action: names(result, c.actors) for c in result.commitments}
    assert rows == {"intervene": {"Netherlands"}, "keep customers informed": {"Maersk"}}  # a product does not speak
    unknown = draft(engine, "Germany said it would send tanks. Shipping line Vexamar said it would cut 300 jobs.")
    assert all(names(unknown, c.actors) != {"Germany"} for c in unknown.commitments if "jobs" in c.action)
    assert draft(engine, "The mine flooded in May. Smith said it would reopen in June.").commitments == []


def test_a_dispute_between_a_union_and_employers_named_by_description(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Dockworkers will walk off the job on Monday unless employers improve their offer, the unions FNV Havens "
        "and ACV said. The strike could halt a third of the container traffic entering the European Union. "
        "Niek Stam, the head of FNV Havens, said members had rejected the employers' offer. "
        '"We have given them every chance," Stam told reporters outside the union\'s Rotterdam office. '
        "The employers' association, Deltalinqs, said it would not raise its offer. "
        "Belgian Prime Minister Alexander De Croo called on both sides to reach an agreement before the weekend.",
    )
    assert titles(result)["Niek Stam"] == ("head", "FNV Havens")
    assert (
        actors_named(result, "FNV Havens")[0].kind == "organization"
    )  # "the unions FNV Havens": a name after its kind
    assert "Rotterdam" not in [a.name for a in result.actors]  # a place before "office" is no person
    assert "members" not in [a.name.lower() for a in result.actors]  # the union's members are the union
    rows = {c.action: (c.kind, names(result, c.actors)) for c in result.commitments}
    assert rows["the employers' offer"] == ("refusal", {"FNV Havens"})
    assert rows["raise its offer"] == ("refusal", {"Deltalinqs"})  # the association is the name in apposition
    deltalinqs = actors_named(result, "Deltalinqs")[0]
    assert "employers' association" in deltalinqs.aliases
    called = next(c for c in result.commitments if "both sides" in c.quote)
    assert names(result, called.counterparties) == {"Deltalinqs", "FNV Havens"}  # not the EU, named on the way


def test_a_company_fined_appeals_and_a_regulator_warns(engine: RulesReader) -> None:
    result = draft(
        engine,
        "EU fines Meridian Pharma over delayed generics\n\n"
        "The European Commission fined Meridian Pharma 1.2 billion euros on Tuesday. Commissioner Teresa Ribera "
        "said the Commission would not hesitate to act again. Meridian said it disagreed with the decision and "
        "would appeal to the General Court in Luxembourg. The European Consumer Organisation, BEUC, said "
        "investigations of this kind took far too long and called for a deadline of two years.",
    )
    rows = {c.action: (c.kind, names(result, c.actors)) for c in result.commitments}
    assert rows["act again"] == ("threat", {"European Commission"})  # "not hesitate" is no refusal
    assert rows["appeal to the General Court in Luxembourg"] == ("plan", {"Meridian Pharma"})  # not a plea
    assert rows["a deadline of two years"] == ("demand", {"European Consumer Organisation"})  # not "investigations"
    assert "BEUC" in actors_named(result, "European Consumer Organisation")[0].aliases
    assert not actors_named(result, "company") or actors_named(result, "company")[0].name == "Meridian Pharma"
    helping = only(draft(engine, "Japan would not hesitate to help, the minister said."))
    assert (helping.kind, helping.action) == ("promise", "help")
    misread = draft(engine, "The Commission will not hesitate to fine companies that break the rules.")
    assert "refusal" not in [c.kind for c in misread.commitments]  # a parse that loses the deed reverses nothing


def test_a_demand_of_a_state_by_a_president_whose_state_owns_the_title(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Azerbaijan's President Ilham Aliyev has demanded that Armenia change its constitution, which Baku says "
        "contains territorial claims, before any treaty is signed.",
    )
    assert titles(result)["Ilham Aliyev"] == ("President", "Azerbaijan")
    demand = only(result)
    assert (demand.action, names(result, demand.counterparties)) == ("change its constitution", {"Armenia"})


def test_who_calls_on_whom_after_an_accusation(engine: RulesReader) -> None:
    result = draft(
        engine,
        "President Gabriel Boric promised to cut hospital waiting lists by half. The health workers' federation, "
        "Fenats, said the strike would continue. Its president, Gabriela Flores, said the union had asked for a "
        "meeting. The opposition Republican Party accused Boric of making promises he could not keep and called on "
        "him to publish a costed plan. Its leader, José Antonio Kast, said his party would block the budget.",
    )
    called = next(c for c in result.commitments if c.action == "publish a costed plan")
    assert names(result, called.actors) == {"Republican Party"}  # not Boric, whose clause the parser joined it to
    shared = draft(engine, "Its chairman said the association would not raise its offer but was willing to talk.")
    assert {names(shared, c.actors).pop() for c in shared.commitments} == {"association"}  # a subject shared
    assert titles(result)["José Antonio Kast"] == ("leader", "Republican Party")
    asked = next(c for c in result.commitments if "asked for a meeting" in c.quote)
    assert names(result, asked.actors) == {"Fenats"}  # a body named in apposition; "the union" is that body
    assert [a.kind for a in actors_named(result, "Fenats")] == ["organization"]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("The prime minister's spokesman said she would not resign.", {"prime minister"}),
        ("Netanyahu's lawyer said he would appeal the verdict.", {"Netanyahu"}),
        ("The spokesman said he would resign.", {"spokesman"}),
        ("Lawyers for the company said it would fight the charges.", {"company"}),
        ("The minister's aides said he would resign.", {"minister"}),
        ("A spokesman for the ministry said it would publish the report.", {"ministry"}),
    ],
)
def test_a_spokesmans_he_or_she_is_whom_he_speaks_for(engine: RulesReader, text: str, who: set[str]) -> None:
    result = draft(engine, text)
    assert names(result, only(result).actors) == who


def test_names_with_lower_case_particles_are_one_person(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Ursula von der Leyen said the EU would propose new sanctions. Mark van den Oever said the dockers would "
        "stay out until the company restored the bonus, which was cut in 2023.",
    )
    people = [a.name for a in result.actors if a.kind == "person"]
    assert sorted(people) == ["Mark van den Oever", "Ursula von der Leyen"]
    assert not [a for a in result.actors if a.name in {"Leyen", "Oever"}]  # never a state called "Leyen"
    stay = next(c for c in result.commitments if c.action == "stay out")
    assert stay.condition == "until the company restored the bonus"  # the aside is no part of the terms


@pytest.mark.parametrize(
    ("text", "toward"),
    [
        ("The IMF agreed to lend Egypt $3 billion over four years.", {"Egypt"}),
        ("The EU has threatened to withhold 7 billion euros from Hungary unless it reforms its courts.", {"Hungary"}),
        ("Airbus agreed with Lufthansa to freeze prices until 2026.", {"Lufthansa"}),
    ],
)
def test_whom_an_undertaking_is_made_for_with_or_against(engine: RulesReader, text: str, toward: set[str]) -> None:
    result = draft(engine, text)
    assert names(result, only(result).counterparties) == toward


def test_a_quote_goes_on_in_the_next_sentence_and_its_marks_stay_its_own(engine: RulesReader) -> None:
    result = draft(
        engine,
        '"We are not going anywhere," said Maria Santos, a spokeswoman for the protesters. '
        '"We will stay until the law is withdrawn."',
    )
    stay = only(result)
    assert (stay.action, names(result, stay.actors)) == ("stay", {"Maria Santos"})  # the quote's speaker
    warned = only(draft(engine, '"If they cross the line, we will respond," General Smith warned. "We are ready."'))
    assert warned.quote == '"If they cross the line, we will respond," General Smith warned'  # not the next "


def test_a_threat_repeated_and_a_proposal_rejected_in_a_relative_clause(engine: RulesReader) -> None:
    repeated = only(draft(engine, "The minister repeated her threat to resign if the bill passed."))
    assert (repeated.kind, repeated.action, repeated.status) == ("threat", "resign", "reaffirmed")
    assert repeated.condition == "if the bill passed"
    assert repeated.quote.startswith("The minister repeated")  # who, not "her threat"
    held = only(draft(engine, "The prime minister stood by her promise to cut taxes."))
    assert (held.kind, held.action, held.status) == ("promise", "cut taxes", "reaffirmed")
    assert draft(engine, "The minister did not stand by his promise to resign.").commitments == []
    rejected = only(draft(engine, "The ceasefire proposal, which Israel rejected, would have freed hostages."))
    assert (rejected.kind, rejected.action) == ("refusal", "The ceasefire proposal")  # not "which"


def test_a_deadline_hung_on_the_cue_is_the_undertakings(engine: RulesReader) -> None:
    pledge = only(draft(engine, "More than 100 countries pledged to triple renewables by 2030."))
    assert (pledge.action, pledge.when and pledge.when.text) == ("triple renewables by 2030", "2030")
    said = only(draft(engine, "The company promised on Tuesday to cut prices."))
    assert said.when is None  # the day it was said is no deadline


def test_an_administration_saying_it_will_is_its_head(engine: RulesReader) -> None:
    result = draft(engine, "The Trump administration said it would appeal the ruling.")
    assert names(result, only(result).actors) == {"Trump"}


def test_a_boycott_held_out_is_the_threat_and_a_tax_is_no_actor(engine: RulesReader) -> None:
    boycott = only(draft(engine, "The opposition said it would boycott the vote unless the commission was replaced."))
    assert (boycott.kind, boycott.action) == ("threat", "boycott the vote")
    assert boycott.condition == "unless the commission was replaced"
    taxes = draft(engine, "The prime minister vowed that the government would not raise income tax or VAT.")
    assert [a.name for a in taxes.actors] == ["prime minister"]


def test_a_deal_reached_is_an_agreement_of_its_parties(engine: RulesReader) -> None:
    result = draft(engine, "The EU clinched a trade deal with Mercosur on Friday after 25 years of talks.")
    deal = only(result)
    assert (deal.kind, names(result, deal.actors), names(result, deal.counterparties)) == (
        "agreement",
        {"EU"},
        {"Mercosur"},
    )
    assert deal.action == "trade deal with Mercosur"  # its date is the when, not what was agreed
    for text in (
        "The union and the league could reach a deal this week.",
        "The union hopes to reach a deal with the league before the season starts.",
        "The two sides failed to reach a deal.",
        "The deal reached last year collapsed in March.",
    ):
        assert [c.kind for c in draft(engine, text).commitments] in ([], ["plan"]), text  # a deal not (yet) made


def test_a_representative_named_in_apposition_is_the_actor(engine: RulesReader) -> None:
    result = draft(engine, "Norway's transport minister, Jon Berg, urged both sides to return to the table.")
    assert names(result, only(result).actors) == {"Jon Berg"}
    assert titles(result)["Jon Berg"] == ("transport minister", "Norway")


def test_parties_named_by_a_capitalised_word_and_a_people_are_told_apart(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Christian Democrats want to freeze the tax and have promised voters cheaper petrol. "
        "The Free Democrats have threatened to leave if the coalition raises income taxes.",
    )
    rows = {(c.kind, frozenset(names(result, c.actors))) for c in result.commitments}
    assert rows == {
        ("plan", frozenset({"Christian Democrats"})),
        ("promise", frozenset({"Christian Democrats"})),  # said, not wanted: its own row and kind
        ("threat", frozenset({"Free Democrats"})),
    }
    threat = next(c for c in result.commitments if c.kind == "threat")
    assert threat.condition == "if the coalition raises income taxes"


def test_a_number_in_a_relative_clause_is_not_when(engine: RulesReader) -> None:
    text = 'Hanna Vogt said her party would not sign a deal that "sets back climate policy by a decade".'
    assert only(draft(engine, text)).when is None


def test_money_appealed_for_and_its_purpose_are_one_demand(engine: RulesReader) -> None:
    result = draft(engine, "The agency appealed for $250 million to fund the campaigns.")
    assert only(result).kind == "demand"
    assert only(draft(engine, "The minister appealed to donors to give more.")).action.startswith("give more")


def test_titles_and_owners_written_before_the_name(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The World Health Organization urged countries to vaccinate. WHO Director-General Tedros Adhanom "
        "Ghebreyesus said it would send teams. CDU leader Klaus Berger said talks would go on. Gavi, the vaccine "
        "alliance, has pledged $80 million.",
    )
    people = titles(result)
    assert people["Tedros Adhanom Ghebreyesus"] == ("Director-General", "World Health Organization")
    assert people["Klaus Berger"] == ("leader", "CDU")
    assert [a.kind for a in actors_named(result, "Gavi")] == ["organization"]


def test_a_key_point_opened_by_a_pronoun_names_whom_it_points_back_to(engine: RulesReader) -> None:
    text = "\n\n".join(
        [
            "Salt study finds children short of iodine",
            "Almost half of the country's schoolchildren are short of iodine, a national study has found.",
            "The study tested 1,700 children aged eight to ten in five states over two years.",
            "The authors say the results confirm a serious shortage. They call for all edible salt to be iodised.",
            "Bakers have used iodised salt in bread since 2009, the food agency said.",
            '"We warned about this ten years ago," said Professor Ann Hale. She says ministers acted too slowly.',
            "Iodine deficiency in pregnancy can harm the development of a child's brain.",
        ]
    )
    points = draft(engine, text).brief.key_points
    assert not [p for p in points if p.startswith(("They ", "She ", "He ", "It "))]
    assert "The authors call for all edible salt to be iodised." in points


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("The company promised not to cut jobs this year.", "not to cut jobs this year"),
        ("The judge ordered the state not to enforce the law.", "not to enforce the law"),
        ("The rebels vowed never to surrender.", "never to surrender"),
    ],
)
def test_the_action_of_a_negated_infinitive_keeps_its_negative(engine: RulesReader, text: str, action: str) -> None:
    """The Action column is read on its own: 'cut jobs this year' under 'promise' reverses it."""
    assert only(draft(engine, text)).action == action


def test_a_quoted_word_inside_the_action_stays_in_it(engine: RulesReader) -> None:
    row = only(draft(engine, 'Azerbaijan warned that it would respond "decisively" to any violation.'))
    assert (row.kind, row.action) == ("threat", 'respond "decisively" to any violation')


@pytest.mark.parametrize(
    "text",
    [
        "The trade group said it would not object to a narrower rule.",  # opposing nothing undertakes nothing
        "Governor Greg Abbott said he was disappointed but expected the state to win.",  # a forecast
    ],
)
def test_not_opposing_and_expecting_an_outcome_commit_to_nothing(engine: RulesReader, text: str) -> None:
    assert draft(engine, text).commitments == []


def test_an_appeal_of_a_ruling_to_a_court_is_a_plan(engine: RulesReader) -> None:
    row = only(draft(engine, 'Attorney General Ken Paxton said he would appeal the ruling to the Fifth Circuit "now".'))
    assert row.kind == "plan" and row.action.startswith("appeal the ruling")


def test_a_day_after_by_is_a_deadline_and_his_government_is_his_state(engine: RulesReader) -> None:
    truce = only(draft(engine, "Armenia and Azerbaijan committed to pulling all heavy weapons back by Sunday."))
    assert truce.when is not None and truce.when.text == "Sunday"
    result = draft(
        engine,
        "Azerbaijan warned Armenia. Armenian Prime Minister Nikol Pashinyan said his government would never "
        "hand over any territory.",
    )
    refusal = next(c for c in result.commitments if c.kind == "refusal")
    assert names(result, refusal.actors) == {"Armenia"}


def test_a_company_and_a_body_under_their_short_names_are_one_each(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The European Commission is considering fines against Lumina Semiconductor. Lumina denied the reports. "
        "EU competition commissioner Margrethe Holm said the Commission would decide in May.",
    )
    assert [a.name for a in result.actors if "Lumina" in a.name] == ["Lumina Semiconductor"]
    assert "Lumina" in actors_named(result, "Lumina Semiconductor")[0].aliases
    assert "Commission" in actors_named(result, "European Commission")[0].aliases
    assert titles(result)["Margrethe Holm"] == ("competition commissioner", "EU")


def test_do_so_is_what_the_clause_before_it_governs(engine: RulesReader) -> None:
    row = only(
        draft(
            engine,
            '"We have never considered reducing our supply to European customers and we will not do so," '
            "the chief executive said.",
        )
    )
    assert (row.kind, row.action) == ("refusal", "reducing our supply to European customers")
    assert row.quote.endswith("we will not do so")


def test_with_a_subject_of_its_own_a_gerund_is_that_subjects(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The partners failed to agree on a fuel tax on Sunday, with the Greens rejecting a compromise.",
    )
    assert [(c.kind, names(result, c.actors)) for c in result.commitments] == [("refusal", {"Greens"})]
    assert draft(engine, "The talks ended on Sunday with no side agreeing to the plan.").commitments == []


def test_both_sides_urged_are_the_two_named_before_not_the_speakers_state(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Nordic Pilots Association and Nordair held talks on Monday. Norway's transport minister, Jon Berg, "
        "urged both sides to return to the table.",
    )
    demand = only(result)
    assert names(result, demand.actors) == {"Jon Berg"}
    assert names(result, demand.counterparties) == {"Nordic Pilots Association", "Nordair"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Marks and Spencer said it would close 30 stores next year.", "Marks and Spencer"),
        ("The Smith and Wesson board agreed to a buyout.", "Smith and Wesson"),
        ("Trinidad and Tobago agreed to supply gas to Jamaica.", "Trinidad and Tobago"),
    ],
)
def test_a_name_with_and_in_it_is_one_actor(engine: RulesReader, text: str, name: str) -> None:
    result = draft(engine, text)
    assert names(result, only(result).actors) == {name}


def test_two_names_taken_up_as_they_are_both_the_committing_actors(engine: RulesReader) -> None:
    result = draft(engine, "Siemens and Alstom announced that they would merge their rail businesses.")
    assert names(result, only(result).actors) == {"Siemens", "Alstom"}
    assert [a.name for a in draft(engine, "Google and Microsoft said it was time to act.").actors] == [
        "Google",
        "Microsoft",
    ]


def test_what_is_refused_or_pledged_keeps_the_phrase_that_completes_it(engine: RulesReader) -> None:
    refused = only(draft(engine, "The party ruled out a coalition with the far right."))
    assert refused.action == "a coalition with the far right"  # not "a coalition": any coalition at all
    result = draft(engine, "Germany pledged tanks to Ukraine.")
    assert (only(result).action, names(result, only(result).counterparties)) == ("tanks to Ukraine", {"Ukraine"})
    pledged = only(draft(engine, "Berlin pledged €2 billion in military aid, the largest package so far."))
    assert pledged.action == "€2 billion in military aid"
    unchanged = only(draft(engine, "The union rejected the offer on Tuesday."))
    assert unchanged.action == "the offer"


def test_the_day_a_deed_is_to_be_done_is_its_when_the_day_it_was_said_is_not(engine: RulesReader) -> None:
    trip = only(draft(engine, "The president will travel to Kenya on Thursday."))
    assert trip.when is not None and trip.when.text == "Thursday"
    vow = only(draft(engine, "The party vowed on Sunday to push ahead with the reform."))
    assert vow.when is None
    school = only(draft(engine, "The school board voted against the proposal to extend the school day."))
    assert school.kind == "refusal" and school.when is None  # the school day is what would be extended


def test_the_speakers_plan_for_a_thing_reads_with_the_thing(engine: RulesReader) -> None:
    row = only(draft(engine, "The minister said the troops would be withdrawn by May."))
    assert row.action == "the troops would be withdrawn by May"


def test_an_organisation_the_text_calls_the_union_is_the_union_later(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The dockworkers' union FNV Havens threatened to strike at the port of Rotterdam. "
        "The union rejected the operators' offer.",
    )
    assert [a.name for a in result.actors] == ["FNV Havens"]  # and Rotterdam, a port, is nobody
    assert [(c.kind, names(result, c.actors)) for c in result.commitments] == [
        ("threat", {"FNV Havens"}),
        ("refusal", {"FNV Havens"}),
    ]
    described = draft(engine, "NetChoice, a trade group, sued the state. The group said it would appeal.")
    assert names(described, only(described).actors) == {"NetChoice"}


def test_a_warning_of_what_another_will_do_is_one_threat_told_with_who_does_it(engine: RulesReader) -> None:
    result = draft(
        engine, "Unless Congress acts by Friday, the administration will shut down the program, officials warned."
    )
    row = only(result)
    assert (row.kind, row.action, row.condition) == (
        "threat",
        "the administration will shut down the program",
        "Unless Congress acts by Friday",
    )


def test_both_leaders_are_the_two_leaders_named_not_the_man_who_speaks_of_them(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham Aliyev met in Brussels. "
        "Kremlin spokesman Dmitry Peskov said Moscow welcomed the meeting. "
        '"Both leaders have committed to refrain from the use of force," European Council President Charles '
        "Michel said.",
    )
    assert names(result, only(result).actors) == {"Nikol Pashinyan", "Ilham Aliyev"}


def test_both_sides_of_a_dispute_are_its_most_named_parties_not_the_last_two_named(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Farmers Defence Force vowed to keep blocking depots until the government drops its plan. The Farmers "
        "Defence Force said the government had refused to talk. The government said it would not abandon the "
        "target. Tesco urged the protesters to let lorries through and asked the police to clear the roads. "
        "The Dairy Association called on both sides to return to the table.",
    )
    called = next(c for c in result.commitments if "both sides" in c.quote)
    assert "Tesco" not in names(result, called.counterparties)
    assert "Farmers Defence Force" in names(result, called.counterparties)


def test_a_name_after_an_organisation_noun_is_one_organisation_not_also_a_person(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Supermarket chain Albert Heijn said its stores had run short of produce. The company urged the "
        "protesters to allow lorries through.",
    )
    assert [(a.name, a.kind) for a in result.actors if a.name == "Albert Heijn"] == [("Albert Heijn", "organization")]
    assert names(result, only(result).actors) == {"Albert Heijn"}


def test_a_truce_brokered_is_the_agreement_of_the_two_sides_not_of_the_broker(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Qatar and Egypt brokered a ceasefire between Israel and Hamas on Tuesday, under which the two sides "
        "will exchange prisoners next week.",
    )
    kinds = {c.kind: c for c in result.commitments}
    assert names(result, kinds["agreement"].actors) == {"Israel", "Hamas"}
    swap = kinds["plan"]  # the deed of a relative clause keeps its own when
    assert names(result, swap.actors) == {"Israel", "Hamas"}
    assert swap.when is not None and swap.when.text == "next week"


def test_a_new_pact_signed_is_an_agreement_and_its_place_is_not_its_name(engine: RulesReader) -> None:
    signed = only(draft(engine, "Armenia and Azerbaijan signed a peace agreement in Washington on Friday."))
    assert signed.kind == "agreement" and signed.action == "peace agreement"
    assert not draft(engine, "The two companies signed the merger agreement last week.").commitments


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("The health minister promised that no patient will wait more than 18 weeks for surgery by 2028.", "2028"),
        ("The union promised to return to work within two weeks.", "within two weeks"),
        ("The company pledged to cut waiting times to three days.", None),
    ],
)
def test_how_long_is_not_by_when(engine: RulesReader, text: str, when: str | None) -> None:
    found = only(draft(engine, text))
    assert (found.when.text if found.when else None) == when


def test_the_government_is_not_that_of_the_country_a_mediator_comes_from(engine: RulesReader) -> None:
    text = "Mediators from Norway helped the government and the rebels reach an agreement to disarm by June."
    alone = draft(engine, text)
    assert names(alone, only(alone).actors) == {"government", "rebels"}
    result = draft(
        engine,
        "Colombia's government and the FARC rebels met in Havana. Mediators from Norway helped the government "
        "and the rebels reach an agreement to disarm by June.",
    )
    assert names(result, only(result).actors) == {"Colombia", "FARC"}  # "the rebels": the one group named


def test_a_warning_to_someone_against_a_deed_is_a_demand_that_keeps_its_against(engine: RulesReader) -> None:
    result = draft(engine, "The United States warned Israel against a ground offensive in Rafah.")
    found = only(result)
    assert (
        found.kind == "demand" and found.action == "against a ground offensive in Rafah"
    )  # never "a ground offensive"
    assert names(result, found.actors) == {"United States"} and names(result, found.counterparties) == {"Israel"}
    assert not draft(engine, "The union warned against cutting wages too early.").commitments  # told to no one: a view


@pytest.mark.parametrize(
    ("text", "pressed"),
    [
        ("The union said the strike would continue until the company restored the bonus.", "company"),
        ("Nurses will stay on strike until the health board improves its offer, their union said.", "health board"),
    ],
)
def test_pressure_kept_up_until_another_gives_way_is_a_threat_at_it(
    engine: RulesReader, text: str, pressed: str
) -> None:
    result = draft(engine, text)
    found = only(result)
    assert found.kind == "threat" and names(result, found.counterparties) == {pressed}
    assert found.condition is not None and found.condition.startswith("until")


def test_staying_until_a_thing_happens_presses_no_one(engine: RulesReader) -> None:
    found = only(draft(engine, "The president promised to stay in office until parliament elects a successor."))
    assert found.kind == "promise"


@pytest.mark.parametrize(
    ("text", "action"),
    [
        (
            "Ukraine has asked Germany to supply Taurus cruise missiles. Chancellor Olaf Scholz has refused to do so.",
            "supply Taurus cruise missiles",
        ),
        (
            "Will Germany send Taurus missiles to Kyiv? Chancellor Olaf Scholz has refused to do so.",
            "send Taurus missiles to Kyiv",
        ),
        (
            "The EU urged Hungary to lift its veto on the aid package. Budapest promised to do so by Friday.",
            "lift its veto on the aid package by Friday",
        ),
    ],
)
def test_do_so_is_what_the_sentence_before_asked_for(engine: RulesReader, text: str, action: str) -> None:
    result = draft(engine, text)
    answer = result.commitments[-1]
    assert answer.action == action
    assert "Will Germany" not in {a.name for a in result.actors}  # a question's "Will" is no part of a name
    if "Scholz" in text:
        assert names(result, answer.actors) == {"Olaf Scholz"}
        assert {a.name: a.kind for a in result.actors}["Olaf Scholz"] == "person"  # a chancellor, not a body


def test_both_sides_of_a_truce_are_its_two_parties_and_his_forces_are_his_commanders_group(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The Sudanese army and the paramilitary Rapid Support Forces (RSF) signed a seven-day ceasefire agreement "
        "in the Saudi city of Jeddah on Saturday, the United States and Saudi Arabia said in a joint statement. "
        "Both sides committed to refrain from seeking military advantage. Washington said it would impose "
        "sanctions on anyone who obstructed the deal. RSF commander Mohamed Hamdan Dagalo said his forces would "
        "respect the truce. Aid agencies urged both parties to honour the deal.",
    )
    parties = {"Sudanese army", "Rapid Support Forces"}
    truce, sides, _, respect, honour = result.commitments
    assert names(result, truce.actors) == parties and truce.action == "seven-day ceasefire agreement"
    assert names(result, sides.actors) == parties  # not the two states that announced it
    assert names(result, honour.counterparties) == parties  # nor the one that threatened spoilers
    assert names(result, respect.actors) == {"Rapid Support Forces"}
    assert titles(result)["Mohamed Hamdan Dagalo"] == ("RSF commander", "Rapid Support Forces")


def test_a_headlines_trade_word_an_owned_site_and_a_union_are_not_the_company(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Carmaker Volta to cut 4,000 jobs as unions threaten strikes\n\n"
        "Volta Motors said on Tuesday it would cut 4,000 jobs in Germany by 2027 and close its Kassel plant. "
        "The IG Metall union threatened to call strikes if management did not withdraw the plan. "
        '"We will fight this decision," union leader Petra Lang said. '
        "Chief executive Marc Duval said the company would invest 2 billion euros in its battery business.",
    )
    assert not actors_named(result, "Carmaker Volta") and not actors_named(result, "Kassel")
    volta = actors_named(result, "Volta Motors")
    assert len(volta) == 1 and volta[0].name == "Volta Motors"  # the full name, not the headline's short one
    assert "company" not in {a.name for a in result.actors}  # "the company" is Volta Motors, not an actor
    plans = [c for c in result.commitments if c.kind == "plan" and c.actors == [volta[0].ref]]
    assert [c.action for c in plans] == [
        "cut 4,000 jobs in Germany by 2027",
        "close its Kassel plant",  # the second verb under the same "would" is planned too
        "invest 2 billion euros in its battery business",  # "the company" is Volta, not the union
    ]


def test_a_verb_with_its_own_negative_is_not_planned_with_the_one_before(engine: RulesReader) -> None:
    result = draft(engine, "The company will cut 4,000 jobs but not close the plant.")
    assert [c.action for c in result.commitments] == ["cut 4,000 jobs"]


def test_a_fund_known_by_name_a_cut_off_surname_and_the_government_urged(engine: RulesReader) -> None:
    result = draft(
        engine,
        "President William Ruto said Kenya would scrap a planned tax on bread. The International Monetary Fund "
        "urged the government to press ahead with revenue measures. Finance Minister Njuguna Ndung'u said Kenya "
        "would not default on its debt.",
    )
    kinds = {a.name: a.kind for a in result.actors}
    assert kinds.get("International Monetary Fund") == "igo"  # "Fund" is a name here, not money
    assert not any("Ndung" in a.name and a.kind != "person" for a in result.actors)  # no junk actor of the name
    urged = next(c for c in result.commitments if c.kind == "demand")
    assert names(result, urged.actors) == {"International Monetary Fund"}
    assert names(result, urged.counterparties) == {"Kenya"}


def test_a_quote_never_ends_inside_an_open_bracket(engine: RulesReader) -> None:
    text = "The Arab League urged the European Union to recognise the Sahrawi Republic (SADR), its envoy said."
    urged = only(draft(engine, text))
    assert urged.action == "recognise the Sahrawi Republic (SADR)"
    assert urged.quote.endswith("(SADR)") and urged.quote in text


def test_what_was_demanded_is_what_the_cleft_says_and_a_broken_promise_is_none(engine: RulesReader) -> None:
    demanded = only(draft(engine, "What the nurses demanded was a 12 percent pay rise over two years."))
    assert demanded.kind == "demand" and demanded.action == "a 12 percent pay rise over two years"
    assert demanded.quote.startswith("What the nurses demanded")  # the clause the demand is proven by
    assert not draft(engine, "What the government promised was never delivered.").commitments


def test_two_states_ministries_stay_two_and_a_legal_form_or_a_possessor_is_no_new_company(
    engine: RulesReader,
) -> None:
    result = draft(
        engine,
        "Russia's defence ministry later said it would pull troops back from the border. Ukraine's defence "
        "ministry said it would not withdraw its forces. Sweden's Saab said it would speed up deliveries. "
        "Nordvik Holding said on Monday it would close two plants. Nordvik also said it would cut 300 jobs.",
    )
    pulled, refused, sped, *nordvik = result.commitments
    assert names(result, pulled.actors) == {"Russia's defence ministry"}  # not "... ministry later"
    assert names(result, refused.actors) == {"Ukraine's defence ministry"}  # not Russia's plan refused
    assert {a.name: a.affiliation for a in result.actors if "ministry" in a.name} == {
        "Russia's defence ministry": "Russia",
        "Ukraine's defence ministry": "Ukraine",
    }
    saab = actors_named(result, "Saab")
    assert names(result, sped.actors) == {"Saab"} and saab[0].affiliation == "Sweden"
    assert [names(result, c.actors) for c in nordvik] == [{"Nordvik Holding"}, {"Nordvik Holding"}]


def test_a_participle_after_a_comma_is_comment_not_part_of_the_action(engine: RulesReader) -> None:
    cancel = only(draft(engine, "The airline said it would cancel 200 flights, citing a strike by pilots."))
    assert cancel.action == "cancel 200 flights"
    given = only(
        draft(
            engine,
            "Regulators gave Orvan Bank until June 30 to repay the loans, raising the prospect of a fine.",
        )
    )
    assert given.kind == "demand" and given.action == "repay the loans" and given.when is not None
    assert given.when.text == "June 30"


def test_her_party_is_the_party_she_leads_and_an_unrecognised_party_name_is_an_actor(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Opposition leader Ana Ribeiro promised on Saturday to build 50,000 homes, as polls showed her "
        "centre-left Renewal Party gaining ground. Ribeiro said her party would not govern with the far-right "
        "Vanguarda party. Vanguarda leader Rui Tomé said his party was ready to back any government that "
        "cut taxes. Ribeiro has said she will resign as party leader if she fails to win.",
    )
    built, refused, backed, resign = result.commitments
    assert names(result, built.actors) == {"Ana Ribeiro"}
    assert names(result, refused.actors) == {"Renewal Party"}  # "her party": not a new actor "party"
    assert names(result, backed.actors) == {"Vanguarda"}  # his party, named only as "the Vanguarda party"
    assert {a.name: a.affiliation for a in result.actors if a.kind == "person"} == {
        "Ana Ribeiro": "Renewal Party",
        "Rui Tomé": "Vanguarda",
    }
    assert resign.kind == "plan" and resign.action == "resign as party leader"  # her own terms: no threat


def test_promising_everything_names_no_undertaking(engine: RulesReader) -> None:
    assert not draft(engine, '"They promise everything and deliver nothing," the minister said.').commitments
    assert only(draft(engine, "The company promised a lot of new jobs.")).action == "a lot of new jobs"


def test_a_date_that_tells_of_a_thing_is_not_the_deadline_and_time_given_is(engine: RulesReader) -> None:
    result = draft(
        engine,
        "A judge ordered Petrosal to pay $80 million to farmers harmed by a 2021 chemical leak, and gave the "
        "company 60 days to submit a clean-up plan.",
    )
    pay, submit = result.commitments
    assert pay.when is None  # the leak was in 2021; the payment is not due then
    assert submit.action == "submit a clean-up plan" and submit.when is not None and submit.when.text == "60 days"
    assert names(result, submit.counterparties) == {"Petrosal"}  # "the company" is Petrosal
    assert submit.quote.startswith("gave the company")  # its own clause, not the order before it
    target = only(draft(engine, "The EU pledged to meet its 2030 target for renewables."))
    assert target.when is not None and target.when.text == "2030"  # a scheduled thing's year is its date


def test_a_spokeswomans_we_is_the_body_she_speaks_for(engine: RulesReader) -> None:
    result = draft(
        engine,
        'Kestrel Mining said it would appeal the ruling. "We intend to fight this in every court," '
        "spokeswoman Dana Reyes said.",
    )
    appeal, fight = result.commitments
    assert names(result, fight.actors) == names(result, appeal.actors) == {"Kestrel Mining"}


def test_both_sides_are_the_warring_parties_named_not_the_agencies_asking(engine: RulesReader) -> None:
    result = draft(
        engine,
        "The World Food Programme appealed for $25 million and urged warring parties to let convoys through. "
        "The charity Mercy Corps said it had agreed to deliver food next week. Aid groups have repeatedly asked "
        "both sides to agree a humanitarian pause, so far without success.",
    )
    asked = result.commitments[-1]
    assert names(result, asked.actors) == {"Aid groups"}
    assert names(result, asked.counterparties) == {"warring parties"}  # not the WFP and Mercy Corps
    assert asked.action == "agree a humanitarian pause"  # ", so far without success" is how it went


def test_an_investor_named_beside_its_description_speaks_of_itself(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Its largest investor, the hedge fund Sorrel Partners, said it would vote against the merger. "
        "Analysts said it would collapse. Investors said they would sell their shares.",
    )
    against, sell = result.commitments  # the analysts' forecast about the merger is no one's undertaking
    assert against.kind == "refusal" and names(result, against.actors) == {"Sorrel Partners"}
    assert sell.kind == "plan" and sell.action == "sell their shares"
    assert not draft(engine, "The bank held rates. Analysts said it would cut them in March.").commitments


def test_a_name_whose_board_and_shares_are_spoken_of_is_a_company(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Brauer AG agreed to buy its Dutch rival Haverkamp for $8 billion. Haverkamp's board recommended "
        "the offer, and Haverkamp's shares rose 20 percent.",
    )
    assert {a.name: a.kind for a in result.actors}.get("Haverkamp") == "organization"


def test_a_threat_on_terms_aims_at_whoever_must_meet_them(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Iran warned that it would take merciless countermeasures if the United States and Israel went ahead "
        "with the drills, and said it was ready to use missiles to defend itself. Iran also said it would "
        "strike Israel if Israel attacked its nuclear sites. Russia will respond if NATO deploys troops in "
        "Finland. The airline will strike a deal with pilots.",
    )
    counter, missiles, strike, respond, deal = result.commitments
    assert counter.kind == "threat" and names(result, counter.counterparties) == {"United States", "Israel"}
    assert missiles.kind == "threat"  # ready to use missiles: force held out
    assert strike.kind == "threat" and names(result, strike.counterparties) == {"Israel"}
    assert respond.kind == "threat" and names(result, respond.counterparties) == {"NATO"}
    assert deal.kind == "plan"  # a deal struck is no strike


def test_the_defence_is_no_alias_of_a_defence_ministry(engine: RulesReader) -> None:
    result = draft(
        engine,
        "South Korea's defence ministry urged Pyongyang to return to talks. "
        '"Our commitment to the defence of South Korea is ironclad," a US spokesman said.',
    )
    ministry = actors_named(result, "South Korea's defence ministry")
    assert ministry and ministry[0].affiliation == "South Korea"
    assert ministry[0].aliases == ["South Korea's defence ministry"]


def test_every_state_is_known_by_its_name_and_adjective(engine: RulesReader) -> None:
    result = draft(
        engine,
        "Estonian Prime Minister Kaja Tamm said her government would expand conscription. The Marshall "
        "Islands pledged to end coal imports by 2030. DR Congo and Rwanda signed a peace agreement, and "
        "Congolese officials said Kinshasa would disarm the militias.",
    )
    kinds = {a.name: a.kind for a in result.actors}
    assert kinds.get("Estonia") == kinds.get("Marshall Islands") == kinds.get("Rwanda") == "state"
    assert {a.name: a.affiliation for a in result.actors if a.kind == "person"} == {"Kaja Tamm": "Estonia"}
    congo = actors_named(result, "DR Congo")
    assert len(congo) == 1 and congo[0].kind == "state" and "Kinshasa" in congo[0].aliases


def test_how_a_deal_came_about_is_no_part_of_it_and_protests_kept_up_until_others_act_are_a_threat(
    engine: RulesReader,
) -> None:
    agreed = only(
        draft(engine, "Chile and Peru agreed to reopen the border crossing, after three days of talks in Lima.")
    )
    assert agreed.action == "reopen the border crossing"
    kept_up = only(draft(engine, "Fishermen vowed to keep up their protests until ministers scrap the new quotas."))
    assert kept_up.kind == "threat" and kept_up.action == "keep up their protests"
    assert only(draft(engine, "The farmers vowed to block the roads until the rain stops.")).kind == "promise"


def test_a_condition_put_first_or_after_but_only_is_a_condition(engine: RulesReader) -> None:
    strike = only(draft(engine, "Should talks fail, the nurses' union will strike in June."))
    assert strike.kind == "threat" and strike.modality == "conditional" and strike.condition
    offer = only(draft(engine, "Tehran has offered to resume talks, but only if sanctions are lifted first."))
    assert offer.modality == "conditional" and "sanctions are lifted" in (offer.condition or "")
    pledge = only(draft(engine, "If re-elected, Governor Ann Lee said she would freeze property taxes."))
    assert pledge.action == "freeze property taxes"  # a pledge on the terms of her election, not a maybe


def test_what_a_deal_commits_a_party_to_in_any_form_is_its_agreement(engine: RulesReader) -> None:
    for text in (
        "The deal commits Moldova to hold elections within 100 days.",
        "The deal commits Moldova to holding elections within 100 days.",
    ):
        bound = only(draft(engine, text))
        assert bound.kind == "agreement" and names(draft(engine, text), bound.actors) == {"Moldova"}
        assert bound.when is not None and bound.when.text == "within 100 days"


def test_a_dated_undertaking_recalled_in_passing_is_not_told_as_new(engine: RulesReader) -> None:
    old = only(draft(engine, "The mayor, who promised in 2019 to build a new stadium, lost the election."))
    assert old.kind == "promise" and old.status == "unknown"
    recent = only(draft(engine, "The union, which threatened on Monday to strike, met ministers on Tuesday."))
    assert recent.status == "new"  # this week's news, recalled


def test_a_person_named_like_a_capital_is_the_person_and_a_curly_possessive_keeps_its_state(
    engine: RulesReader,
) -> None:
    result = draft(engine, "“We will strike on Monday,” union spokeswoman Ana Lima said.")
    assert [(a.name, a.kind) for a in result.actors] == [("Ana Lima", "person")]  # not Peru
    assert names(result, only(result).actors) == {"Ana Lima"}
    ministry = draft(engine, "South Korea’s defence ministry said it would not send troops.")
    assert names(ministry, only(ministry).actors) == {"South Korea’s defence ministry"}


def test_a_warning_that_another_will_face_a_penalty_is_aimed_at_them(engine: RulesReader) -> None:
    result = draft(engine, "The EU warned that Hungary would face sanctions.")
    warned = only(result)
    assert warned.kind == "threat" and names(result, warned.counterparties) == {"Hungary"}
    assert not draft(engine, "Apple warned that users would face delays.").commitments
