"""Reading batch inputs: folders and files of articles, JSONL and CSV exports, or JSONL on stdin.

Every input becomes one `BatchItem`, even a broken one (then with its error), so that every
input gives exactly one output line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from schemas.request import BriefRequest

ARTICLE_SUFFIXES = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html"}
_FIELDS = ("text", "html", "url", "title", "published")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes that are not UTF-8


@dataclass(frozen=True)
class BatchItem:
    id: str
    source: str  # where it came from, for messages: "file.jsonl:12", "articles/a.txt"
    request: BriefRequest | None
    error: tuple[str, str] | None = None  # (type, detail) when the input itself is unusable


def content_id(content: str, source: str = "") -> str:
    """A stable id for an article that came without one: of its content and where it came from
    (a file's path, a line's file and number), so that two inputs with the same text are two inputs,
    each with its own line in the output."""
    return "sha256:" + hashlib.sha256(f"{source}\0{content}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def read_inputs(paths: list[str]) -> Iterator[BatchItem]:
    for raw in paths:
        if raw == "-":
            yield from _jsonl(sys.stdin.buffer, "stdin")
            continue
        path = Path(raw)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES):
                yield _article_file(file)
        elif not path.exists():
            yield BatchItem(content_id("", raw), raw, None, ("input-not-found", f"no such file or folder: {raw}"))
        elif path.suffix.lower() == ".jsonl":
            with path.open("rb") as stream:
                yield from _jsonl(stream, raw)
        elif path.suffix.lower() == ".csv":
            yield from _csv(path.read_bytes(), raw)
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            yield _article_file(path)
        else:
            yield BatchItem(
                content_id("", raw), raw, None, ("unsupported-input", f"{raw}: not .txt/.md/.html/.jsonl/.csv")
            )


def _article_file(path: Path) -> BatchItem:
    data = path.read_bytes()
    kind = ARTICLE_SUFFIXES[path.suffix.lower()]
    if kind == "html":
        from service.textcodec import decode_text

        html = decode_text(data, None, html=True)
        return _item(None, str(path), {"html": html})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return BatchItem(content_id("", str(path)), str(path), None, ("invalid-input", f"not UTF-8 text: {error}"))
    return _item(None, str(path), {"text": text})


def _item(given_id: object, source: str, fields: dict[str, Any]) -> BatchItem:
    content = next((str(fields[k]) for k in ("text", "html", "url") if fields.get(k)), "")
    item_id = str(given_id).strip() if given_id not in (None, "") else content_id(content, source)
    try:
        request = BriefRequest.model_validate({k: v for k, v in fields.items() if v not in (None, "")})
    except ValidationError as error:
        detail = "; ".join(e["msg"] for e in error.errors(include_url=False))
        return BatchItem(item_id, source, None, ("invalid-input", detail))
    return BatchItem(item_id, source, request)


def _jsonl(stream: IO[bytes], name: str) -> Iterator[BatchItem]:
    """Line by line from bytes, so that one line that is not UTF-8 is one error, not the end of the batch."""
    for number, raw in enumerate(stream, start=1):
        source = f"{name}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            detail = f"line {number} is not UTF-8 text ({error.reason} at byte {error.start})"
            yield BatchItem(content_id(raw.hex(), source), source, None, ("invalid-input", detail))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield BatchItem(content_id(line, source), source, None, ("invalid-input", f"not JSON: {error}"))
            continue
        if not isinstance(record, dict):
            yield BatchItem(content_id(line, source), source, None, ("invalid-input", "a line must be a JSON object"))
            continue
        yield _item(record.get("id"), source, {k: record.get(k) for k in _FIELDS})


def _csv(data: bytes, name: str) -> Iterator[BatchItem]:
    """Rows of a CSV export. Bytes that are not UTF-8 are kept apart while parsing (surrogate
    escapes) so that the row holding them is one error and every other row runs."""
    csv.field_size_limit(sys.maxsize)
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for row in reader:
        source = f"{name}:{reader.line_num}"
        values = {k: row.get(k) for k in _FIELDS}
        if any(_NOT_UTF8.search(str(value)) for value in [*row.values(), row.get("id")] if value):
            given = row.get("id")
            item_id = given if given and not _NOT_UTF8.search(given) else content_id(str(values), source)
            detail = f"row ending on line {reader.line_num} is not UTF-8 text"
            yield BatchItem(item_id.encode("utf-8", "replace").decode(), source, None, ("invalid-input", detail))
            continue
        yield _item(row.get("id"), source, values)
