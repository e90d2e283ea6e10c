"""The batch's JSONL output: appended and flushed per article, read back to resume.

A line is an `Analysis` (with `input_id`), or an error record `{"id", "error": {type, detail}}`.
A line cut short by a crash is dropped on resume; a retried error is replaced, never duplicated.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any


def line_id(record: dict[str, Any]) -> str | None:
    value = record.get("id") if "error" in record else record.get("input_id")
    return str(value) if value is not None else None


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every complete line of the output (a torn last line is ignored)."""
    if not path.exists():
        return []
    records = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.endswith("\n"):
                break
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


class Output:
    def __init__(self, path: Path, *, retry_failed: bool) -> None:
        self.path = path
        records = read_records(path)
        self.done = {i for r in records if "error" not in r and (i := line_id(r))}
        failed = {i for r in records if "error" in r and (i := line_id(r))}
        if (retry_failed and failed) or _has_torn_tail(path):
            keep = [r for r in records if not (retry_failed and "error" in r)]
            _rewrite(path, keep)
            failed = set() if retry_failed else failed
        self.failed = failed
        self._stream: IO[str] | None = None

    def seen(self, item_id: str) -> bool:
        return item_id in self.done or item_id in self.failed

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = self.path.open("a", encoding="utf-8")

    def write(self, record: dict[str, Any] | str) -> None:
        """One whole line, flushed at once: a crash loses at most the articles in flight."""
        assert self._stream is not None
        line = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
        self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._stream = None


def _has_torn_tail(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as stream:
        stream.seek(-1, os.SEEK_END)
        return stream.read(1) != b"\n"


def _rewrite(path: Path, records: list[dict[str, Any]]) -> None:
    """Replace the output atomically with these records."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
