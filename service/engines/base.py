"""What every engine returns: a draft plus what it cost to make."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Draft, Usage, Warning


@dataclass
class EngineResult:
    draft: Draft
    engine: str
    model: str | None = None
    prompt: str | None = None
    usage: Usage = field(default_factory=Usage)
    warnings: list[Warning] = field(default_factory=list)
    chunks: int = 1
