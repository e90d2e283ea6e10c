"""The schema an engine fills: what the LLM must return, and what the rules engine builds.

It stays inside OpenAI's strict structured-output subset: every field required, nullable
instead of optional, no defaults, an object at the root. Actors are referred to by `ref`
("a1", "a2", ...) so one call keeps its references consistent.

When a quote locator is passed as validation context (`context={"locate_quote": quote -> span | None}`),
the validator rejects quotes that cannot be found in the article, so instructor re-asks the
model with the reason. Grounding to offsets happens afterwards, in `service.grounding`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from schemas.analysis import ActorKind, CommitmentKind, Modality, Salience, Status


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftActor(_Strict):
    ref: str = Field(description='Short reference used by commitments, e.g. "a1".')
    name: str = Field(description="Canonical full name, e.g. 'Recep Tayyip Erdoğan'.")
    kind: ActorKind
    title: str | None = Field(description="Title or role exactly as the article gives it, else null.")
    affiliation: str | None = Field(description="Country or organisation the actor belongs to, else null.")
    aliases: list[str] = Field(
        description="Every surface form the article uses for this actor, copied exactly (no pronouns)."
    )
    salience: Salience


class DraftWhen(_Strict):
    text: str = Field(description="The time expression as written, e.g. 'as soon as possible'.")
    date: str | None = Field(description="ISO date (YYYY-MM-DD, YYYY-MM or YYYY) when it can be resolved, else null.")


class DraftCommitment(_Strict):
    actors: list[str] = Field(description="refs of the actors who commit.")
    kind: CommitmentKind
    action: str = Field(description="Short verb phrase: what is committed to.")
    counterparties: list[str] = Field(description="refs of the actors the commitment is directed at.")
    when: DraftWhen | None
    condition: str | None = Field(description="The condition, if the commitment depends on one, else null.")
    modality: Modality
    status: Status
    quote: str = Field(description="Verbatim words from the article that state the commitment.")
    attributed_to: str | None = Field(description="ref of whoever is reported saying it, else null.")


class DraftBrief(_Strict):
    headline: str
    summary: str = Field(description="2 to 5 sentences.")
    key_points: list[str]


class Draft(_Strict):
    actors: list[DraftActor]
    commitments: list[DraftCommitment]
    brief: DraftBrief

    @model_validator(mode="after")
    def _check_references_and_quotes(self, info: ValidationInfo) -> Draft:
        """Reject unknown actor refs and quotes absent from the article, so the model is re-asked."""
        # The caller hands in how to find a quote in its article (the service's grounder): the contract
        # layer checks with it and imports nothing from the service.
        locate = (info.context or {}).get("locate_quote") if info is not None else None
        if locate is None:  # built by code, or parsed leniently after the last re-ask
            return self

        refs = {actor.ref for actor in self.actors}
        problems: list[str] = []
        for number, item in enumerate(self.commitments, start=1):
            unknown = [r for r in [*item.actors, *item.counterparties, item.attributed_to] if r and r not in refs]
            if unknown:
                problems.append(f"commitment {number} refers to unknown actor refs {unknown}; use refs from `actors`")
            if locate(item.quote) is None:
                problems.append(
                    f"commitment {number}: the quote {item.quote!r} is not in the article; "
                    "copy the exact words of the article or leave the commitment out"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self
