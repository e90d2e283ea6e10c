"""What a client sends to `POST /v1/briefs`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.analysis import ENGINE_NAME

# One line of text: no NUL or other control characters (they end strings in C libraries, split
# log lines and CSV rows, and no title, date, language or URL needs one).
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class BriefOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: str | None = Field(
        default=None,
        pattern=ENGINE_NAME,
        examples=["auto", "llm", "rules"],
        description="Which engine to run: auto, llm, rules (or another the service registers; its /readyz "
        "lists them); default: the service's WIREBRIEF_ENGINE.",
    )
    language: str | None = Field(
        default=None,
        max_length=40,
        pattern=ONE_LINE,
        description="Language of the brief (e.g. 'en', 'French'); default: the article's.",
    )
    article_language: str | None = Field(
        default=None,
        max_length=20,
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        description="The article's own language, an ISO 639-1 code ('en'), when the client knows it; default: "
        "detected. Distinct from `language`, the language the brief is written in.",
    )


class BriefRequest(BaseModel):
    """The article as `text`, as `html`, or only a `url` to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="The article as plain text.")
    html: str | None = Field(default=None, description="The article's web page; its main text is extracted.")
    url: str | None = Field(
        default=None,
        max_length=4000,
        pattern=ONE_LINE,
        description="Where the article was published. Fetched and read (http/https, public hosts) only when no "
        "`text` or `html` is sent; with them it is kept as the source, and the result's `article.fetched` is false.",
    )
    title: str | None = Field(default=None, max_length=1000, pattern=ONE_LINE)
    published: str | None = Field(
        default=None, max_length=64, pattern=ONE_LINE, description="Publication date, ISO 8601 preferred."
    )
    options: BriefOptions = Field(default_factory=BriefOptions)
    callback_url: str | None = Field(
        default=None,
        max_length=4000,
        pattern=ONE_LINE,
        description="Answer 202 with a job at once, and POST the result there as a signed webhook when ready.",
    )
    slack_webhook_url: str | None = Field(
        default=None,
        max_length=4000,
        pattern=ONE_LINE,
        description="Also post the brief to this Slack incoming webhook.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> BriefRequest:
        if self.text is None and self.html is None and not self.url:
            raise ValueError("send the article as `text` or `html`, or a `url` to fetch")
        if self.text is not None and self.html is not None:
            raise ValueError("send either `text` or `html`, not both")
        return self
