"""The public result contract: what `POST /v1/briefs` returns and what one batch line holds.

Every `Mention` and `Evidence` satisfies `article.text[start:end] == text/quote`; the pipeline
checks this in code before anything is returned.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = (
    "1.4"  # 1.1: usage.batch_*_tokens; 1.2: further_evidence; 1.3: engine is a name, not an enum; usage.repairs;
    # 1.4: article.fetched
)
# An engine's name: "llm" and "rules" today; a service may register more (its /readyz lists them).
ENGINE_NAME = r"^[a-z][a-z0-9_-]{0,31}$"

ActorKind = Literal["person", "organization", "state", "armed_group", "igo", "group", "other"]
CommitmentKind = Literal["agreement", "promise", "plan", "demand", "refusal", "threat"]
Modality = Literal["firm", "conditional", "expected", "reported"]
Status = Literal["new", "reaffirmed", "fulfilled", "broken", "unknown"]
MatchKind = Literal["exact", "normalized", "fuzzy"]
Salience = Literal["major", "minor"]


class ArticleInfo(BaseModel):
    """The article as analysed. `text` is the exact string every offset indexes."""

    title: str | None = None
    url: str | None = Field(
        default=None, description="Where the article was published, as the caller gave it, or the page read."
    )
    fetched: bool = Field(
        default=False,
        description="True when `url` was fetched and its page is the text analysed; false when the caller sent "
        "the text (or HTML) and `url` only names its source.",
    )
    published: str | None = None
    language: str | None = None
    chars: int
    words: int
    sha256: str
    text: str


class Brief(BaseModel):
    headline: str
    summary: str = Field(description="2-5 sentences")
    key_points: list[str] = Field(default_factory=list)


class Mention(BaseModel):
    start: int
    end: int
    text: str


class Actor(BaseModel):
    id: str
    name: str
    kind: ActorKind
    title: str | None = None
    affiliation: str | None = None
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    salience: Salience = "minor"


class When(BaseModel):
    text: str
    date: str | None = None


class Evidence(BaseModel):
    quote: str
    start: int
    end: int
    match: MatchKind


class Codes(BaseModel):
    cameo: str | None = None
    plover: str | None = None


class Commitment(BaseModel):
    id: str
    actors: list[str] = Field(description="ids of the actors who commit")
    kind: CommitmentKind
    action: str
    counterparties: list[str] = Field(default_factory=list)
    when: When | None = None
    condition: str | None = None
    modality: Modality = "firm"
    status: Status = "unknown"
    evidence: Evidence
    further_evidence: list[Evidence] = Field(
        default_factory=list, description="other statements of the same undertaking in the article, in text order"
    )
    attributed_to: str | None = None
    codes: Codes | None = None


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    reasks: int = 0
    retries: int = 0
    batch_input_tokens: int = Field(
        default=0, description="Of input_tokens, those answered through the provider's Batch API (its lower price)"
    )
    batch_output_tokens: int = Field(
        default=0, description="Of output_tokens, those answered through the provider's Batch API (its lower price)"
    )
    repairs: dict[str, int] = Field(
        default_factory=dict,
        description="What the service mended in the model's answers, by kind (fenced_json, tool_call_from_content, "
        "unknown_keys, named_actor, control_characters): how much the model needed help",
    )

    def add(self, other: Usage) -> None:
        """Accumulate another usage record into this one (chunks, attempts)."""
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.llm_calls += other.llm_calls
        self.reasks += other.reasks
        self.retries += other.retries
        self.batch_input_tokens += other.batch_input_tokens
        self.batch_output_tokens += other.batch_output_tokens
        for kind, count in other.repairs.items():
            self.repairs[kind] = self.repairs.get(kind, 0) + count


class Provenance(BaseModel):
    engine: str = Field(pattern=ENGINE_NAME, examples=["llm", "rules"], description="The engine that answered.")
    model: str | None = None
    prompt: str | None = Field(default=None, description="name@version#hash of the prompt used")
    schema_version: str = SCHEMA_VERSION
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = None
    latency_ms: int = 0
    chunks: int = 1
    degraded: bool = False


class Warning(BaseModel):
    code: str
    detail: str


class Analysis(BaseModel):
    id: str
    input_id: str | None = Field(
        default=None, description="The caller's id for this article (a batch input's id), when it gave one."
    )
    article: ArticleInfo
    brief: Brief
    actors: list[Actor] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    provenance: Provenance
    warnings: list[Warning] = Field(default_factory=list)
