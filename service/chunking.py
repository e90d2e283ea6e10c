"""Splitting long articles: on paragraph, then sentence, boundaries, with overlap.

Tokens are estimated (about four characters a token), which needs no tokenizer download; each
chunk is an exact slice of the article, so offsets found in a chunk are offsets in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHARS_PER_TOKEN = 4
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’)\]]*\s+")
_PARAGRAPH_END = re.compile(r"\n+")


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def _pieces(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """Spans of `text[start:end]` cut after each match of `pattern` (the separator stays with the piece)."""
    spans, begin = [], start
    for found in pattern.finditer(text, start, end):
        if found.end() > begin:
            spans.append((begin, found.end()))
            begin = found.end()
    if begin < end:
        spans.append((begin, end))
    return spans


def _units(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Paragraphs; a paragraph too long for one chunk becomes sentences; a sentence too long, words."""
    units: list[tuple[int, int]] = []
    for p_start, p_end in _pieces(text, _PARAGRAPH_END, 0, len(text)):
        if p_end - p_start <= max_chars:
            units.append((p_start, p_end))
            continue
        for s_start, s_end in _pieces(text, _SENTENCE_END, p_start, p_end):
            while s_end - s_start > max_chars:
                cut = text.rfind(" ", s_start, s_start + max_chars)
                cut = cut + 1 if cut > s_start else s_start + max_chars
                units.append((s_start, cut))
                s_start = cut
            units.append((s_start, s_end))
    return units


def split(text: str, max_tokens: int, overlap_tokens: int) -> list[Chunk]:
    """One chunk when the text fits; else chunks of at most `max_tokens`, each starting with
    about `overlap_tokens` of the previous one's end (whole units), so nothing said across a
    boundary is lost."""
    max_chars = max_tokens * CHARS_PER_TOKEN
    if len(text) <= max_chars:
        return [Chunk(0, len(text), text)]
    overlap_chars = overlap_tokens * CHARS_PER_TOKEN
    units = _units(text, max_chars)
    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= max_chars:
            last += 1
        start, end = units[first][0], units[last][1]
        chunks.append(Chunk(start, end, text[start:end]))
        if last + 1 >= len(units):
            break
        following = last + 1
        while following - 1 > first and end - units[following - 1][0] <= overlap_chars:
            following -= 1
        first = following
    return chunks
