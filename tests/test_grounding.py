"""The grounder on its own: where a quote stands in the article, how it matched, and the offsets
mapped back to the original characters (never to the folded copy it searched)."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from service.grounding import FUZZY_THRESHOLD, Grounder, find_mentions, normalise

ARTICLE = (
    "Turkey\u2019s President Recep Tayyip Erdo\u011fan said on Tuesday that \u201cwe will meet very soon\u201d.\n"
    "The talks \u2013 the third   this year \u2013 were described as \u201cfrank\u201d.\n\n"
    "Officials said the leaders agreed to meet as soon as possible and to discuss new measures."
)


@pytest.mark.parametrize(
    ("quote", "match", "original"),
    [
        ("we will meet very soon", "exact", "we will meet very soon"),
        ("Turkey's President", "normalized", "Turkey\u2019s President"),  # straight apostrophe for a curly one
        ('"we will meet very soon"', "normalized", "\u201cwe will meet very soon\u201d"),  # straight double quotes
        ("The talks - the third this year - were", "normalized", "The talks \u2013 the third   this year \u2013 were"),
        ("Recep Tayyip Erdogan said", "normalized", "Recep Tayyip Erdo\u011fan said"),  # accent dropped
        ("OFFICIALS SAID THE LEADERS", "normalized", "Officials said the leaders"),  # case
        ("  frank  ", "exact", "frank"),  # surrounding whitespace is not part of the quote
        ("were described as\n\u201cfrank\u201d", "normalized", "were described as \u201cfrank\u201d"),  # a line break
    ],
    ids=["exact", "curly-apostrophe", "curly-quotes", "dashes-and-spaces", "accent", "case", "padded", "line-break"],
)
def test_a_quote_is_found_and_its_offsets_index_the_original_text(quote: str, match: str, original: str) -> None:
    span = Grounder(ARTICLE).locate(quote)
    assert span is not None
    assert span.match == match
    assert ARTICLE[span.start : span.end] == original


@pytest.mark.parametrize(
    "quote",
    [
        "",
        "   ",
        "we will never meet",  # short and different: not fuzzy-matched at all
        "Officials said the leaders refused to meet at any time and rejected every measure.",  # a reversal
    ],
    ids=["empty", "blank", "short-and-different", "reversed-meaning"],
)
def test_what_the_article_does_not_say_is_not_found(quote: str) -> None:
    assert Grounder(ARTICLE).locate(quote) is None


def test_one_misspelt_word_in_a_long_quote_is_a_fuzzy_match_widened_to_whole_words() -> None:
    span = Grounder(ARTICLE).locate("the leaders agred to meet as soon as possible and to discuss")
    assert span is not None and span.match == "fuzzy"
    found = ARTICLE[span.start : span.end]
    assert found.startswith("the leaders agreed") and found.endswith("to discuss")


def test_the_fuzzy_threshold_holds_on_both_sides() -> None:
    """Just above the threshold is found (marked fuzzy); just below is not. The two quotes are
    checked against rapidfuzz itself, so the table cannot drift from what the threshold means."""
    above = "the leaders agreed to meet as soon as possible and to discuss new measurez"
    below = "the laeders agread to mete as soon as posible and to discus new mesures"
    folded = normalise(ARTICLE)[0]
    assert fuzz.partial_ratio(normalise(above)[0], folded) >= FUZZY_THRESHOLD
    assert fuzz.partial_ratio(normalise(below)[0], folded) < FUZZY_THRESHOLD
    found = Grounder(ARTICLE).locate(above)
    assert found is not None and found.match == "fuzzy"
    assert ARTICLE[found.start : found.end].endswith("new measures")
    assert Grounder(ARTICLE).locate(below) is None


def test_a_short_quote_is_never_fuzzy_matched() -> None:
    assert Grounder(ARTICLE).locate("we will meat very soon") is None  # 22 characters, one letter off


def test_a_quote_much_longer_than_what_it_matches_is_refused() -> None:
    """partial_ratio aligns the article's best window; a quote padded with words the article lacks
    must not be stretched over a shorter passage."""
    padded = "as soon as possible and to discuss new measures to de-escalate the tension in the region"
    assert Grounder(ARTICLE).locate(padded) is None


def test_a_repeated_quote_maps_to_successive_occurrences_then_wraps() -> None:
    text = "They agreed to meet. Later they agreed to meet. Nothing else."
    grounder = Grounder(text)
    first, second, third = (grounder.locate("agreed to meet") for _ in range(3))
    assert first is not None and second is not None and third is not None
    assert (first.start, second.start) == (text.index("agreed"), text.rindex("agreed"))
    assert third.start == first.start  # no third occurrence: the quote is still grounded, at the first


def test_normalise_maps_every_folded_character_back_to_its_origin() -> None:
    text = "  A\u2014b\u00a0\u00a0C\u2019s  "
    folded, origin = normalise(text)
    assert folded == "a-b c's"
    assert [text[i] for i in origin] == ["A", "\u2014", "b", "\u00a0", "C", "\u2019", "s"]


def test_mentions_are_whole_words_and_the_longest_form_wins() -> None:
    text = "Iran and Iranian officials met Russian President Vladimir Putin; Russian troops stayed."
    iran, putin, russia = find_mentions(text, [["Iran"], ["Russian President Vladimir Putin", "Putin"], ["Russian"]])
    assert [m.text for m in iran] == ["Iran"]  # not inside "Iranian"
    assert [m.text for m in putin] == ["Russian President Vladimir Putin"]
    assert [(m.start, m.text) for m in russia] == [(text.rindex("Russian"), "Russian")]
    for mention in [*iran, *putin, *russia]:
        assert text[mention.start : mention.end] == mention.text
