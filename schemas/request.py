"""What a client sends to `POST /v1/briefs`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class BriefOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: Literal["auto", "llm", "rules"] | None = Field(
        default=None, description="Which engine to run; default: the service's WIREBRIEF_ENGINE."
    )
    language: str | None = Field(
        default=None, max_length=40, description="Language of the brief (e.g. 'en', 'French'); default: the article's."
    )


class BriefRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article as plain text.", examples=["Erdoğan, Putin agree to meet soon..."])
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=4000, description="Where the article was published.")
    published: str | None = Field(default=None, max_length=64, description="Publication date, ISO 8601 preferred.")
    options: BriefOptions = Field(default_factory=BriefOptions)
