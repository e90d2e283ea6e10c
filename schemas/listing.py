"""`GET /v1/briefs`: the caller's stored analyses, newest first, a page at a time."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BriefSummary(BaseModel):
    """One stored analysis, as a row of the list; `GET /v1/briefs/{id}` has the whole of it."""

    id: str
    created_at: str = Field(description="When this caller last asked for it (ISO 8601, UTC)")
    headline: str
    title: str | None = None
    url: str | None = Field(default=None, description="The article's url as this caller gave it")
    published: str | None = None
    engine: str
    degraded: bool
    actors: list[str] = Field(description="The major actors' names")
    commitments: int
    href: str


class BriefPage(BaseModel):
    items: list[BriefSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next, older page; absent on the last page"
    )
