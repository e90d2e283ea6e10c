"""`when` of a commitment: a time expression inside its clause, resolved to ISO where cheap.

Why: analysts sort commitments by deadline; the text as written is kept, and a date is only
given when the expression names one ("February 28" with the article's year).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from service.engines.rules import lexicon
from service.engines.rules.nlp import text_of

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_WHEN_RE = re.compile(r"\b(?:" + "|".join(lexicon.WHEN_PATTERNS) + r")\b", re.IGNORECASE)
_RELATIVE_DAYS = re.compile(
    r"^(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight)$", re.I
)


_DURATION = re.compile(r"[\w-]+-(?:hour|day|week|month|year)(?:-long)?", re.I)
_DEADLINE = re.compile(r"\b(?:by|until|before|from|next)\s+$", re.I)
_LASTING = re.compile(r"\b(?:for|over|during)\s+$", re.I)
# A bare amount of time ("wait more than 18 weeks", "cut three years from") is how long; "in/within
# two weeks" is by when.
_AMOUNT = re.compile(
    r"(?:(?:more|less|fewer) than |at (?:least|most) |up to |about |around |nearly |almost )?"
    r"(?:a|an|a few|several|[\w-]+)\s+(?:hours?|days?|weeks?|months?|years?|decades?)",
    re.I,
)
_WITHIN = re.compile(r"\b(?:in|within|after|by|before|until)\s+$", re.I)
_WITHIN_ONLY = re.compile(r"\bwithin\s+$", re.I)

TimeEntity = tuple[int, int, str]  # start char, end char, text


def time_entities(doc: Doc) -> list[TimeEntity]:
    """DATE/TIME entities of a document, once (reading `doc.ents` builds new spans each time)."""
    return [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in {"DATE", "TIME"}]


def find_when(
    doc: Doc,
    start: int,
    end: int,
    skip: tuple[int, int] | None = None,
    entities: list[TimeEntity] | None = None,
) -> tuple[str, int] | None:
    """The first time expression in characters [start, end): a DATE/TIME entity, else a pattern."""
    whole = text_of(doc)
    for ent_start, ent_end, text in time_entities(doc) if entities is None else entities:
        if ent_start < start or ent_end > end:
            continue
        if skip and skip[0] <= ent_start < skip[1]:
            continue
        span = doc.char_span(ent_start, ent_end)  # how the expression sits in the sentence, looked up once
        lead = max(0, ent_start - 8)  # the words just before it: "by", "for", "within"
        if (
            is_relative_day(text)
            and not _DEADLINE.search(whole, lead, ent_start)
            and not (span is not None and _day_of_the_deed(span.root))
        ):
            continue  # the day of the report, not of the commitment ("by Sunday" is a deadline)
        given = span is not None and _time_given(span.root)
        if not given and (
            _DURATION.fullmatch(text.strip())
            or _LASTING.search(whole, lead, ent_start)
            or (_AMOUNT.fullmatch(text.strip()) and not _WITHIN.search(whole, lead, ent_start))
        ):
            continue  # "a three-day truce", "freeze premiums for a year", "wait 18 weeks": how long, not by when
        if span is not None and (_a_thing(span.root) or _of_a_thing(span)):
            continue  # "to extend the school day", "a 2023 spill": what is done or told of, not when
        within = _WITHIN_ONLY.search(whole, lead, ent_start)
        if within:  # "within two weeks" is a deadline; "two weeks" alone reads as a span
            return whole[within.start() : ent_end], within.start()
        return text, ent_start
    match = _WHEN_RE.search(whole, start, end)
    if match:
        return match.group(0), match.start()
    return None


def is_relative_day(text: str) -> bool:
    """'Monday', 'on Friday', 'yesterday': a day told relative to the report."""
    return _RELATIVE_DAYS.match(text.strip()) is not None


def _a_thing(root: Token) -> bool:
    """A time expression that is the subject or object of a verb ('extend the school day')."""
    return root.dep_ in {"dobj", "nsubj", "nsubjpass"}


_SCHEDULED = frozenset(
    {"target", "goal", "deadline", "budget", "timetable", "timeline", "election", "vote", "referendum", "season",
     "summit", "conference", "games", "olympics", "cup", "tournament", "plan", "agenda", "census"}
)  # fmt: skip


def _of_a_thing(span: Span) -> bool:
    """'damages for a 2023 pipeline spill': a date that modifies a noun tells when that thing was, not
    when the undertaking falls due ('the 2030 target', 'the 2026 election' are scheduled: they do)."""
    thing = span.root.head
    return (
        span.root.dep_ in {"nummod", "compound", "amod"}
        and thing.pos_ == "NOUN"
        and thing.i >= span.end
        and thing.lemma_.lower() not in _SCHEDULED
    )


def _time_given(root: Token) -> bool:
    """'gave the company 90 days to submit a plan': the time given is the deadline."""
    return root.dep_ in {"npadvmod", "dobj"} and root.head.lemma_.lower() in _GIVING


_GIVING = frozenset({"give", "grant", "allow"})
_FUTURE_MARKS = frozenset({"will", "would", "'ll", "shall", "to"})


def _day_of_the_deed(day: Token) -> bool:
    """'will travel to Kenya on Thursday', 'agreed to meet on Friday': the day names when the deed is
    to be done; 'vowed on Sunday to', 'said on Thursday it would': the day it was said."""
    verb = day.head.head if day.head.dep_ == "prep" and day.dep_ == "pobj" else day.head
    return verb.pos_ in {"VERB", "AUX"} and any(c.dep_ == "aux" and c.lower_ in _FUTURE_MARKS for c in verb.children)


def to_iso(text: str, published: str | None) -> str | None:
    """'February 28' → '2020-02-28' given the year of publication; 'September 2018' → '2018-09'."""
    year_of_pub = published[:4] if published and re.match(r"\d{4}", published) else None
    lowered = text.lower().replace(",", " ")
    words = lowered.split()
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    year = next((w for w in words if re.fullmatch(r"(?:19|20)\d\d", w)), None)
    day = next((int(w.rstrip("stndrh")) for w in words if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w)), None)
    if month is None:
        return year if year and len(words) == 1 else None
    year = year or year_of_pub
    if year is None:
        return None
    if day is not None and 1 <= day <= 31:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{year}-{month:02d}"
