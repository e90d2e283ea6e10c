"""Which earlier character ranges overlap a new one, without comparing it with every one of them.

Duplicate checks ("the same commitment over overlapping text") compared each row with every row
kept before it: quadratic, 36 s for an article of 5,000 short commitments. Sorted starts and the
longest range seen bound the candidates to the ranges that can overlap.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class OverlapIndex(Generic[T]):
    def __init__(self) -> None:
        self._starts: list[int] = []
        self._entries: list[tuple[int, int, T]] = []
        self._longest = 0

    def add(self, start: int, end: int, item: T) -> None:
        at = bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._entries.insert(at, (start, end, item))
        self._longest = max(self._longest, end - start)

    def overlapping(self, start: int, end: int) -> Iterator[T]:
        """The items whose range shares a character with [start, end)."""
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        for entry_start, entry_end, item in self._entries[first:last]:
            if entry_start < end and start < entry_end:
                yield item
