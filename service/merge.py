"""Merging the drafts of a long article's chunks into one draft.

Actors merge when they share a canonical name, or one's name is among the other's aliases
(case and a leading "the" ignored); their aliases are united. Commitments keep their own quotes
with references renamed; the duplicates that chunk overlap creates are removed after grounding,
by `service.assemble` (same actors, same kind, same evidence).
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas import Draft, DraftActor, DraftBrief, DraftCommitment


def _key(name: str) -> str:
    folded = " ".join(name.casefold().split())
    return folded[4:] if folded.startswith("the ") else folded


def merge_drafts(drafts: Sequence[Draft], brief: DraftBrief) -> Draft:
    merged: list[DraftActor] = []
    by_name: dict[str, int] = {}  # canonical-name key -> index in merged
    by_alias: dict[str, int] = {}  # alias key -> index in merged (dicts: thousands of actors stay linear)
    commitments: list[DraftCommitment] = []
    for draft in drafts:
        renamed: dict[str, str] = {}
        for actor in draft.actors:
            name = _key(actor.name)
            aliases = [_key(a) for a in actor.aliases]
            index = by_name.get(name)
            if index is None:
                index = next((by_name[a] for a in aliases if a in by_name), None)
            if index is None:
                index = by_alias.get(name)
            if index is None:
                merged.append(actor.model_copy(update={"ref": f"a{len(merged) + 1}", "aliases": list(actor.aliases)}))
                index = len(merged) - 1
                by_name[name] = index
            else:
                merged[index] = _combine(merged[index], actor)
                by_name.setdefault(_key(merged[index].name), index)  # it may now go by the fuller name
            for alias in [name, *aliases]:
                by_alias.setdefault(alias, index)
            renamed[actor.ref] = merged[index].ref
        for item in draft.commitments:
            commitments.append(
                item.model_copy(
                    update={
                        "actors": [renamed[r] for r in item.actors if r in renamed],
                        "counterparties": [renamed[r] for r in item.counterparties if r in renamed],
                        "attributed_to": renamed.get(item.attributed_to) if item.attributed_to else None,
                    }
                )
            )
    return Draft(actors=merged, commitments=commitments, brief=brief)


def _combine(kept: DraftActor, other: DraftActor) -> DraftActor:
    """One actor from two chunks' forms of it, by the fuller name ('Okafor', then 'Sarah Okafor')."""
    name = other.name if _key(other.name).endswith(" " + _key(kept.name)) else kept.name
    forms = [kept.name, *kept.aliases, other.name, *other.aliases]
    aliases = [a for a in dict.fromkeys(forms) if a != name]
    return kept.model_copy(
        update={
            "name": name,
            "aliases": aliases,
            "title": kept.title or other.title,
            "affiliation": kept.affiliation or other.affiliation,
            "salience": "major" if "major" in (kept.salience, other.salience) else "minor",
        }
    )


def commitments_digest(draft: Draft) -> str:
    """The merged commitments as lines an LLM can read when it writes the final brief."""
    names = {actor.ref: actor.name for actor in draft.actors}
    lines = []
    for item in draft.commitments:
        who = ", ".join(names.get(r, r) for r in item.actors)
        toward = ", ".join(names.get(r, r) for r in item.counterparties)
        when = f" ({item.when.text})" if item.when else ""
        lines.append(f"- {who}: {item.kind} to {item.action}{' toward ' + toward if toward else ''}{when}")
    return "\n".join(lines)
