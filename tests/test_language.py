"""Articles in other languages: detected, briefed in their language, or plainly refused by rules."""

from __future__ import annotations

from service.ingest import article_from_text
from service.language import detect_language, language_name
from tests.support import ReplayFactory, article_text, assert_grounded

SPANISH = "El Gobierno de España anunció el martes que presentará un nuevo plan de vivienda antes de marzo."


def test_language_is_detected_at_ingest() -> None:
    assert article_from_text(article_text("idlib"), max_chars=200_000).language == "en"
    assert article_from_text(article_text("rafale_fr"), max_chars=200_000).language == "fr"
    assert detect_language(SPANISH) == "es"
    assert detect_language("12 34 -- !!") is None


def test_a_language_the_client_gives_wins() -> None:
    assert article_from_text(SPANISH, language="ca", max_chars=1000).language == "ca"
    assert language_name("fr") == "French" and language_name("Deutsch") == "Deutsch"


async def test_a_french_article_gets_a_french_brief_from_the_llm(replay: ReplayFactory) -> None:
    pipeline = replay("rafale_fr")
    article = article_from_text(article_text("rafale_fr"), max_chars=200_000)

    analysis = await pipeline.analyze(article)

    assert "Write the brief in French." in pipeline.engines["llm"].messages(article, "French")[1]["content"]  # type: ignore[attr-defined]
    assert analysis.article.language == "fr"
    assert "propose ses avions" in analysis.brief.summary and "Kazakhstan" in analysis.brief.headline
    assert {c.kind for c in analysis.commitments} == {"promise", "plan"}
    assert_grounded(analysis)


async def test_the_rules_engine_says_plainly_it_has_no_french_pipeline(replay: ReplayFactory) -> None:
    pipeline = replay("idlib")  # its LLM is never called: the request asks for rules
    analysis = await pipeline.analyze(article_from_text(article_text("rafale_fr"), max_chars=200_000), engine="rules")

    assert [w.code for w in analysis.warnings] == ["language_not_supported"]
    assert "French" in analysis.warnings[0].detail
    assert analysis.actors == [] and analysis.commitments == []
    assert analysis.brief.summary and analysis.brief.summary.split(". ")[0] in analysis.article.text


def test_the_brief_language_can_be_asked_for(replay: ReplayFactory) -> None:
    pipeline = replay("idlib")
    article = article_from_text(article_text("idlib"), max_chars=200_000)
    messages = pipeline.engines["llm"].messages(article, language_name("es"))  # type: ignore[attr-defined]
    assert "Write the brief in Spanish." in messages[1]["content"]
