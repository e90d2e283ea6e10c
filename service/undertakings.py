"""One commitment per undertaking: an article reports one agreement in several sentences ("agreed to
meet very soon", "the two leaders will meet as soon as possible", "agreed to organize a top-level
meeting"); the table shows it once, with the other statements as further evidence.

Two grounded commitments state one undertaking when they have the same actors, kinds of one family
(agreement, promise and plan are one), no conflicting dates, and the same action: the same head
verb with more in common than the verb alone ("send troops" and "send aid" are two), or a light verb
with the other's nominalisation ("organize a meeting" is "meet"). Linear: candidates are looked up
by actors, family and stem, never compared pairwise.
"""

from __future__ import annotations

import re

from schemas import Commitment

_FAMILY = {"agreement": "agree", "promise": "agree", "plan": "agree"}
_LIGHT_VERBS = frozenset({"organize", "organise", "hold", "have", "arrange", "convene", "schedule", "stage"})
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "to", "of", "in", "on", "for", "and", "or", "with", "at", "by", "be", "as", "its", "their"}
)
_WORD = re.compile(r"[\w-]+")


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ings", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _stems(action: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(action) if w.lower() not in _FUNCTION_WORDS]


def _dates_conflict(a: Commitment, b: Commitment) -> bool:
    return bool(a.when and b.when and a.when.date and b.when.date and a.when.date != b.when.date)


def merge_undertakings(commitments: list[Commitment]) -> list[Commitment]:
    """The commitments with each undertaking once (the first statement of it leads), renumbered."""
    kept: list[Commitment] = []
    by_head: dict[tuple[frozenset[str], str, str], list[int]] = {}
    for item in commitments:
        stems = _stems(item.action)
        if not stems:
            kept.append(item)
            continue
        group = (frozenset(item.actors), _FAMILY.get(item.kind, item.kind))
        target = _find(kept, by_head, group, stems, item)
        if target is None:
            by_head.setdefault((*group, stems[0]), []).append(len(kept))
            kept.append(item.model_copy(deep=True))
            continue
        lead = kept[target]
        lead.further_evidence.append(item.evidence)
        lead.when = lead.when or item.when
        lead.counterparties += [c for c in item.counterparties if c not in lead.counterparties]
    return [item.model_copy(update={"id": f"commitment_{n}"}) for n, item in enumerate(kept, start=1)]


def _find(
    kept: list[Commitment],
    by_head: dict[tuple[frozenset[str], str, str], list[int]],
    group: tuple[frozenset[str], str],
    stems: list[str],
    item: Commitment,
) -> int | None:
    head, rest = stems[0], set(stems[1:])
    # the same head verb, with something more in common
    for index in by_head.get((*group, head), []):
        other = _stems(kept[index].action)
        if rest & set(other[1:]) and not _dates_conflict(kept[index], item):
            return index
    # a light verb and the other's nominalisation, either way round
    for stem in rest if head in _LIGHT_VERBS else ():
        for index in by_head.get((*group, stem), []):
            if not _dates_conflict(kept[index], item):
                return index
    for light in _LIGHT_VERBS:
        for index in by_head.get((*group, light), []):
            if head in _stems(kept[index].action)[1:] and not _dates_conflict(kept[index], item):
                return index
    return None
