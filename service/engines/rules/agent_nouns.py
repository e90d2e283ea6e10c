"""Whether a common noun names someone who can act, read from the word's form.

Why: the subject of "vowed", "pledged" or "demanded" is an actor only when it can act, and no
list of role nouns names every trade or institution an article meets ("the contractors", "the
carmaker", "pharmacists", "insurers"). An agent noun built from a verb names whoever does it:
"insurer" (insure), "contractor" (contract), "negotiator" (negotiate), "participant"
(participate), "employee" (employ), "kidnapper" (kidnap), "carmaker" (car + maker). A noun in
-ist or -ian names a person ("pharmacist", "physician"). Nouns that are things ("the storm",
"the deal", "the report") are none of these, so "The deal threatens to unravel" has no actor.

Which stems are verbs comes from WordNet's word lists, which the spaCy pipeline ships in its
lemmatizer tables: nothing is downloaded, and `nlp.load` reads them once.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.analysis import ActorKind
from service.engines.rules import lexicon


@dataclass(frozen=True)
class WordLists:
    """WordNet's English base forms, by part of speech."""

    nouns: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()


_MIN_STEM = 4  # "offer" is not one who offs, "letter" not one who lets, "tower" not one who tows


def singular(word: str, lists: WordLists) -> str:
    """The singular of a plural common noun ('insurers' -> 'insurer', 'gunmen' -> 'gunman')."""
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(cut) and word[: -len(cut)] + add in lists.nouns:
            return word[: -len(cut)] + add
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def agent_kind(word: str, lists: WordLists, *, plural: bool) -> ActorKind | None:
    """The kind of actor a common noun names by its form, or None when its form names no agent."""
    base = singular(word.lower(), lists) if plural else word.lower()
    if not base.isalpha() or len(base) < 5 or base in lexicon.THING_NOUNS or base in lexicon.NON_ACTOR_HEADS:
        return None
    kind = _kind_of(base, lists)
    if kind is None:  # "carmaker", "shipbuilder", "gunman": a noun and an agent noun
        for cut in range(3, len(base) - 4):  # the agent noun a word of its own ("settle" + "ment" is none)
            tail = base[cut:]
            if base[:cut] in lists.nouns and tail in lists.nouns and (kind := _kind_of(tail, lists)) is not None:
                if kind == "person" and base.endswith(("maker", "builder")):
                    kind = "organization"  # "the carmaker": a company
                break
    if kind is None:
        return None
    return "group" if plural else kind


def _kind_of(word: str, lists: WordLists) -> ActorKind | None:
    if word in lexicon.ROLE_NOUNS:  # "owner" in "homeowner"
        return "organization" if lexicon.ROLE_NOUNS[word] == "organization" else "person"
    verbs = lists.verbs
    if word.endswith("man") and word != "man":
        return "person" if word[:-3] in lists.nouns else None
    if word.endswith("ist") and len(word) >= 7 and (not word.endswith("list") or word.endswith("alist")):
        return "person"  # "economist", "journalist", "nationalist" (not "checklist")
    if word.endswith("ian") and len(word) >= 7:
        return "person"  # "physician", "technician", "civilian"
    stems: list[str] = []
    if word.endswith("ier"):
        stems.append(word[:-3] + "y")  # "supplier", "carrier"
    if word.endswith(("er", "or")):
        stems += [word[:-2], word[:-1], word[:-2] + "e"]  # "lender", "maker", "negotiator"
        if word[-3] == word[-4] or word.endswith("cker"):
            stems.append(word[:-3])  # "kidnapper", "shipper", "trafficker"
    elif word.endswith(("ant", "ent")):
        stems += [word[:-3], word[:-3] + "e", word[:-3] + "ate", word[:-3] + "y"]  # "consultant", "migrant"
    elif word.endswith("ee"):
        stems += [word[:-2], word[:-2] + "e", word[:-2] + "ate", word[:-3]]  # "employee", "nominee"
    if any(len(stem) >= _MIN_STEM and stem in verbs for stem in stems):
        return "person"
    return None
