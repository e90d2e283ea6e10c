"""Reading one article by rules: spaCy NER + dependency rules → a `Draft`, with no network.

Everything it quotes is a slice of `article.text`, so grounding always finds it exactly. It is
synchronous and CPU-bound; `engine.RulesEngine` runs it off the event loop.
"""

from __future__ import annotations

from schemas.draft import Draft, DraftActor, DraftCommitment, DraftWhen
from service.article import Article
from service.engines.rules import brief as brief_module
from service.engines.rules.actors import ActorIndex, ActorRecord
from service.engines.rules.commitments import Detector, Found
from service.engines.rules.layout import analyse, without_dateline
from service.engines.rules.nlp import load, parse
from service.spans import OverlapIndex

__all__ = ["RulesReader", "load"]


class RulesReader:
    """`draft(article)` returns brief, actors and commitments; no state between articles."""

    def draft(self, article: Article) -> Draft:
        """Analyse one article (English; other languages get a plain extractive brief only)."""
        text = article.text
        if article.language and not article.language.lower().startswith("en"):
            return Draft(actors=[], commitments=[], brief=brief_module.plain(text, article.title))
        if not text.strip():
            headline = article.title or ""
            return Draft(
                actors=[], commitments=[], brief=brief_module.DraftBrief(headline=headline, summary="", key_points=[])
            )
        layout = analyse(text)
        doc = parse(without_dateline(text, layout))
        index = ActorIndex(doc, layout.headline_end, layout.lead_end).build()
        found = _dedupe(Detector(doc, index, article.published).run())
        for item in found:
            for key in item.actors:
                index.records[key].commitments += 1
        ranked = _rank(index, found)
        refs = {record.key: f"a{n}" for n, record in enumerate(ranked, start=1)}
        major = {record.key for record in ranked if _is_major(record)}
        actors = [
            DraftActor(
                ref=refs[r.key],
                name=r.name,
                kind=r.kind,
                title=r.title,
                affiliation=r.affiliation,
                aliases=[a for a in r.aliases if a in text],
                salience="major" if r.key in major else "minor",
            )
            for r in ranked
        ]
        commitments = [_commitment(item, refs, text) for item in found]
        brief = brief_module.build(
            text,
            doc,
            layout,
            title=article.title,
            actor_positions={r.key: r.positions for r in ranked},
            major=major,
            commitment_spans=[(f.start, f.end) for f in found],
        )
        return Draft(actors=actors, commitments=commitments, brief=brief)


def _score(record: ActorRecord) -> float:
    return len(record.positions) + 2 * record.in_headline + 1.5 * record.in_lead + 3 * record.commitments


def _is_major(record: ActorRecord) -> bool:
    if record.role:  # "the mayor", "officials": minor unless they commit to something
        return record.commitments > 0
    mentions = len(record.positions)
    return record.commitments > 0 or record.in_headline or mentions >= 3 or (record.in_lead and mentions >= 2)


def _rank(index: ActorIndex, found: list[Found]) -> list[ActorRecord]:
    """Actors worth listing, most salient first; a one-off mention that does nothing is dropped."""
    used = {k for f in found for k in [*f.actors, *f.counterparties, *([f.attributed_to] if f.attributed_to else [])]}
    kept = [r for r in index.records.values() if r.positions and (not r.created or r.key in used)]
    return sorted(kept, key=lambda r: (-_score(r), min(r.positions)))


def _dedupe(found: list[Found]) -> list[Found]:
    """One row per commitment: the same actors and kind over overlapping text are one."""
    kept: list[Found] = []
    index: OverlapIndex[Found] = OverlapIndex()
    for item in found:
        duplicate = any(
            set(k.actors) == set(item.actors)
            and (
                k.action.startswith(item.action)
                or item.action.startswith(k.action)
                or (k.cue == item.cue and k.kind != item.kind)
            )
            for k in index.overlapping(item.start, item.end)
        )
        if not duplicate:
            kept.append(item)
            index.add(item.start, item.end, item)
    return kept


def _commitment(item: Found, refs: dict[str, str], text: str) -> DraftCommitment:
    when = DraftWhen(text=item.when[0], date=item.when[1]) if item.when else None
    attributed = refs.get(item.attributed_to) if item.attributed_to else None
    return DraftCommitment(
        actors=[refs[k] for k in item.actors if k in refs],
        kind=item.kind,
        action=item.action,
        counterparties=[refs[k] for k in item.counterparties if k in refs],
        when=when,
        condition=item.condition,
        modality=item.modality,
        status=item.status,
        quote=text[item.start : item.end],
        attributed_to=attributed,
    )
