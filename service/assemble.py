"""Assemble: turn an engine's draft into the public `Analysis`.

Ids are given, actor references resolved, every quote and mention grounded to exact offsets
(what cannot be grounded is dropped with a warning), codes derived, provenance filled.
"""

from __future__ import annotations

import hashlib

from schemas import (
    SCHEMA_VERSION,
    Actor,
    Analysis,
    ArticleInfo,
    Brief,
    Codes,
    Commitment,
    CommitmentKind,
    Draft,
    DraftActor,
    Evidence,
    Provenance,
    Warning,
    When,
)
from service.article import Article, EngineResult
from service.grounding import Grounder, find_mentions
from service.spans import OverlapIndex
from service.undertakings import merge_undertakings

# PLOVER category and CAMEO root code of each commitment kind.
_CODES: dict[CommitmentKind, Codes] = {
    "agreement": Codes(plover="AGREE", cameo="03"),
    "promise": Codes(plover="AGREE", cameo="03"),
    "plan": Codes(plover="AGREE", cameo="03"),
    "demand": Codes(plover="DEMAND", cameo="10"),
    "refusal": Codes(plover="REJECT", cameo="12"),
    "threat": Codes(plover="THREATEN", cameo="13"),
}


def analysis_id(
    article: Article,
    engine: str,
    model: str | None,
    prompt: str | None,
    language: str | None,
    *,
    degraded: bool = False,
) -> str:
    """Same article + same configuration -> same id. A degraded answer gets an id of its own,
    so it is never served from the cache in place of the result that was asked for."""
    # The title and the date are in the key because the engines read them (the headline, dates
    # resolved against the publication date): the same text sent with another title is another analysis.
    parts = [
        article.sha256,
        engine,
        model or "",
        prompt or "",
        SCHEMA_VERSION,
        language or "",
        article.title or "",
        article.published or "",
    ]
    key = "\0".join([*parts, "degraded"] if degraded else parts)
    return "wb_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def article_info(article: Article) -> ArticleInfo:
    return ArticleInfo(
        title=article.title,
        url=article.url,
        fetched=article.fetched,
        published=article.published,
        language=article.language,
        chars=len(article.text),
        words=article.words,
        sha256=article.sha256,
        text=article.text,
    )


def assemble(
    article: Article,
    result: EngineResult,
    *,
    language: str | None = None,
    latency_ms: int = 0,
    cost_usd: float | None = None,
    chunks: int = 1,
    degraded: bool = False,
    warnings: list[Warning] | None = None,
) -> Analysis:
    notes = [*article.notes, *(warnings or []), *result.warnings]
    actors, ref_to_id = _ground_actors(article.text, result.draft, notes)
    commitments = merge_undertakings(_ground_commitments(article.text, result.draft, ref_to_id, notes))
    brief = Brief(
        headline=result.draft.brief.headline.strip() or (article.title or ""),
        summary=result.draft.brief.summary.strip(),
        key_points=[point.strip() for point in result.draft.brief.key_points if point.strip()],
    )
    provenance = Provenance(
        engine=result.engine,
        model=result.model,
        prompt=result.prompt,
        schema_version=SCHEMA_VERSION,
        usage=result.usage,
        cost_usd=cost_usd,
        latency_ms=latency_ms,
        chunks=chunks,
        degraded=degraded,
    )
    return Analysis(
        id=analysis_id(article, provenance.engine, result.model, result.prompt, language, degraded=degraded),
        article=article_info(article),
        brief=brief,
        actors=actors,
        commitments=commitments,
        provenance=provenance,
        warnings=notes,
    )


def _named_inside_another(text: str, forms: list[list[str]], actor: DraftActor) -> bool:
    """Every form of the actor that the article has is part of another actor's longer form."""
    own = {form for form in [actor.name, *actor.aliases] if form.strip()}
    present = [form for form in own if form in text]
    others = [form for group in forms for form in group if form not in own]
    return bool(present) and all(any(form in other for other in others) for form in present)


def _ground_actors(text: str, draft: Draft, notes: list[Warning]) -> tuple[list[Actor], dict[str, str]]:
    """Find every mention of every actor; an actor the article never names is dropped."""
    forms = [[actor.name, *actor.aliases] for actor in draft.actors]
    found = find_mentions(text, forms)
    referenced = {ref for c in draft.commitments for ref in [*c.actors, *c.counterparties, c.attributed_to] if ref}
    actors: list[Actor] = []
    ref_to_id: dict[str, str] = {}
    for draft_actor, mentions in zip(draft.actors, found, strict=True):
        if not mentions and draft_actor.ref not in referenced and _named_inside_another(text, forms, draft_actor):
            continue  # "Belgian" only in "Belgian Prime Minister Alexander De Croo": his, not an actor apart
        if not mentions:
            notes.append(
                Warning(
                    code="dropped_ungrounded_actor",
                    detail=f"actor {draft_actor.name!r} was dropped: no name or alias of it occurs in the article",
                )
            )
            continue
        if draft_actor.ref in ref_to_id:
            continue
        actor_id = f"actor_{len(actors) + 1}"
        ref_to_id[draft_actor.ref] = actor_id
        seen = {m.text for m in mentions}
        aliases = [alias for alias in dict.fromkeys([draft_actor.name, *draft_actor.aliases]) if alias in seen]
        actors.append(
            Actor(
                id=actor_id,
                name=draft_actor.name,
                kind=draft_actor.kind,
                title=draft_actor.title,
                affiliation=draft_actor.affiliation,
                aliases=aliases,
                mentions=mentions,
                salience=draft_actor.salience,
            )
        )
    return actors, ref_to_id


def _ground_commitments(text: str, draft: Draft, ref_to_id: dict[str, str], notes: list[Warning]) -> list[Commitment]:
    grounder = Grounder(text)
    commitments: list[Commitment] = []
    kept: OverlapIndex[tuple[set[str], str]] = OverlapIndex()
    for item in draft.commitments:
        label = f"{item.kind} {item.action!r}"
        span = grounder.locate(item.quote)
        if span is None:
            notes.append(
                Warning(
                    code="dropped_ungrounded_commitment",
                    # The quote itself is not repeated: text the article does not contain never reaches the user.
                    detail=f"{label} was dropped: its {len(item.quote)}-character quote is not in the article",
                )
            )
            continue
        actor_ids = [ref_to_id[ref] for ref in item.actors if ref in ref_to_id]
        if not actor_ids:
            notes.append(
                Warning(
                    code="dropped_unattributed_commitment",
                    detail=f"{label} was dropped: none of its actors is named in the article",
                )
            )
            continue
        if any(
            actors == set(actor_ids) and kind == item.kind for actors, kind in kept.overlapping(span.start, span.end)
        ):
            continue  # the same commitment again (a re-stated quote, or the overlap of two chunks)
        kept.add(span.start, span.end, (set(actor_ids), item.kind))
        commitments.append(
            Commitment(
                id=f"commitment_{len(commitments) + 1}",
                actors=actor_ids,
                kind=item.kind,
                action=item.action,
                counterparties=[ref_to_id[ref] for ref in item.counterparties if ref in ref_to_id],
                when=When(text=item.when.text, date=item.when.date) if item.when else None,
                condition=item.condition,
                modality=item.modality,
                status=item.status,
                evidence=Evidence(quote=text[span.start : span.end], start=span.start, end=span.end, match=span.match),
                attributed_to=ref_to_id.get(item.attributed_to) if item.attributed_to else None,
                codes=_CODES[item.kind],
            )
        )
    return commitments
