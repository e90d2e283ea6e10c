"""Grounding: every quote and every actor mention is tied to exact offsets in the article.

This is code, not a prompt instruction. A quote is searched exactly first, then after
normalising whitespace, quotes, dashes and case (with a map back to the original offsets),
then fuzzily above a high threshold (marked `fuzzy`). What cannot be found is reported so the
caller can re-ask or drop it: nothing ungrounded reaches the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from schemas import MatchKind, Mention

FUZZY_THRESHOLD = 92.0
_MIN_FUZZY_CHARS = 24

_CHAR_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    match: MatchKind


def _fold_char(char: str) -> str:
    """One character in, one out: quotes and dashes unified, case and accents dropped."""
    folded = _CHAR_FOLD.get(char, char)
    if not folded.isascii():
        base = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
        folded = base if len(base) == 1 else folded
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold quotes, dashes, case and whitespace runs; return the folded text and, for each
    folded character, the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    previous_space = True  # also strips leading whitespace
    for index, char in enumerate(text):
        if char.isspace():
            if not previous_space:
                chars.append(" ")
                origin.append(index)
            previous_space = True
            continue
        chars.append(_fold_char(char))
        origin.append(index)
        previous_space = False
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


class Grounder:
    """Locates quotes in one article. Repeated identical quotes map to successive occurrences
    when the article repeats them, else to the same one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._last_start: dict[str, int] = {}

    @cached_property
    def _normalised(self) -> tuple[str, list[int]]:
        return normalise(self.text)

    def locate(self, quote: str) -> Span | None:
        quote = quote.strip()
        if not quote:
            return None
        previous = self._last_start.get(quote)
        span = self._find(quote, 0 if previous is None else previous + 1)
        if span is None and previous is not None:
            span = self._find(quote, 0)
        if span is not None:
            self._last_start[quote] = span.start
        return span

    def _find(self, quote: str, from_index: int) -> Span | None:
        start = self.text.find(quote, from_index)
        if start >= 0:
            return Span(start, start + len(quote), "exact")
        folded_text, origin = self._normalised
        folded_quote = normalise(quote)[0]
        if not folded_quote:
            return None
        folded_from = _first_at_or_after(origin, from_index)
        position = folded_text.find(folded_quote, folded_from)
        if position >= 0:
            return Span(origin[position], origin[position + len(folded_quote) - 1] + 1, "normalized")
        if from_index == 0 and len(folded_quote) >= _MIN_FUZZY_CHARS:
            return self._fuzzy(folded_quote, folded_text, origin)
        return None

    def _fuzzy(self, folded_quote: str, folded_text: str, origin: list[int]) -> Span | None:
        alignment = fuzz.partial_ratio_alignment(folded_quote, folded_text, score_cutoff=FUZZY_THRESHOLD)
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return None
        length = alignment.dest_end - alignment.dest_start
        if abs(length - len(folded_quote)) > 0.15 * len(folded_quote):
            return None
        start = origin[alignment.dest_start]
        end = origin[alignment.dest_end - 1] + 1
        start, end = _widen_to_words(self.text, start, end)
        return Span(start, end, "fuzzy")


def _first_at_or_after(origin: list[int], index: int) -> int:
    """The first folded position whose original index is at or after `index`."""
    if index <= 0:
        return 0
    low, high = 0, len(origin)
    while low < high:
        middle = (low + high) // 2
        if origin[middle] < index:
            low = middle + 1
        else:
            high = middle
    return low


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def find_mentions(text: str, surface_forms: Sequence[Iterable[str]]) -> list[list[Mention]]:
    """Every occurrence of every actor's surface forms, as whole words, longest form first.

    `surface_forms[i]` are the names and aliases of actor i; the result lists actor i's
    mentions. Where forms overlap ("Russian" inside "Russian President Vladimir Putin"), the
    longest wins, so a span belongs to exactly one actor.
    """
    owner: dict[str, int] = {}
    for actor_index, forms in enumerate(surface_forms):
        for form in forms:
            form = form.strip()
            if form and form not in owner:
                owner[form] = actor_index
    mentions: list[list[Mention]] = [[] for _ in surface_forms]
    if not owner:
        return mentions
    alternatives = "|".join(re.escape(form) for form in sorted(owner, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    for found in pattern.finditer(text):
        mentions[owner[found.group()]].append(Mention(start=found.start(), end=found.end(), text=found.group()))
    return mentions
