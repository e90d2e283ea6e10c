"""Where the headline, datelines and lead paragraph of a plain-text article are.

Why: wire copy starts with a headline line and often a dateline ("ANKARA"); they must not be
read as sentences of the body, and the lead paragraph marks the most salient actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATE_LINE = re.compile(
    r"^(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
    r"(?:[a-z]+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[a-z]+\s+\d{4}|\d{4}-\d{2}-\d{2})$",
    re.IGNORECASE,
)


# A wire dateline opening the body: "NAIROBI, Kenya (AP) — ", "WASHINGTON (Reuters) - ", "ST. LOUIS — ",
# "BERLIN, Nov 30 (Reuters) - ".
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"  # the city, in capitals
    r"(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2}){0,2}"  # its state or country
    r"(?:,? [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?"  # the day: "BERLIN, Nov 30 (Reuters) -"
    r"(?: \([A-Z][A-Za-z&.' ]{0,30}\))?"  # the agency
    r"\s*(?:—|–|--|-)\s*"
)


@dataclass(frozen=True)
class Layout:
    """Character ranges of the parts of an article."""

    headline: tuple[int, int] | None
    lead: tuple[int, int] | None
    skip: tuple[tuple[int, int], ...]  # datelines and subheads: not summary material

    @property
    def headline_end(self) -> int:
        return self.headline[1] if self.headline else 0

    @property
    def lead_end(self) -> int:
        return self.lead[1] if self.lead else 0


def _lines(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text):
        start = match.start()
        raw = match.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        offset = raw.index(stripped)
        spans.append((start + offset, start + offset + len(stripped)))
    return spans


def looks_like_headline(line: str) -> bool:
    """A short line without a closing full stop reads as a headline."""
    words = line.split()
    return 2 <= len(words) <= 25 and not line.rstrip().endswith((".", '?"', '."', ".”", ":"))


def analyse(text: str) -> Layout:
    """Find the headline (first line if it reads as one), short lines to skip, and the lead."""
    lines = _lines(text)
    headline: tuple[int, int] | None = None
    skip: list[tuple[int, int]] = []
    if len(lines) > 1 and looks_like_headline(text[lines[0][0] : lines[0][1]]):
        headline = lines[0]
    lead: tuple[int, int] | None = None
    for start, end in lines[1 if headline else 0 :]:
        line = text[start:end]
        words = line.split()
        if (
            len(words) < 6
            or _DATE_LINE.match(line.strip())
            or (len(words) <= 12 and not line.rstrip().endswith((".", "”", '"', "!", "?")))
        ):
            skip.append((start, end))
            continue
        if lead is None:
            lead = (start, end)
    return Layout(headline, lead, tuple(skip))


def without_dateline(text: str, layout: Layout) -> str:
    """The text with the body's opening dateline blanked (same length, same offsets): its city,
    country and agency are where the story was filed, not actors of it, and must not be read as the
    subject of the first sentence."""
    start = layout.lead[0] if layout.lead else 0
    found = _DATELINE.match(text, start)
    if found is None or sum(ch.isalpha() for ch in found.group("city")) < 3:
        return text  # "UN - ...", "EU — ...": an acronym, not a city
    return text[: found.start()] + " " * (found.end() - found.start()) + text[found.end() :]
