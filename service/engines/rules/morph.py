"""Cheap stand-ins for spaCy's attribute ruler and lemmatizer.

Why: the engine only reads `pos_` (coarse tags mapped from the tagger's fine tags) and the
lemmas of the words in its own lexicon (cue verbs, agent nouns, speech verbs). spaCy's
attribute ruler (a Matcher over every token) and rule lemmatizer cost ~20% of a parse; a
table lookup over the tag and the lower-cased form gives the same answers for what is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from service.engines.rules import lexicon

# Irregular verb forms of the lexicon's verbs (base → forms).
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("said",),
    "tell": ("told",),
    "know": ("knew", "known"),
    "win": ("won", "winning"),
    "lose": ("lost",),
    "rise": ("rose", "risen"),
    "fall": ("fell", "fallen"),
    "grow": ("grew", "grown"),
    "see": ("saw", "seen"),
    "learn": ("learnt",),
    "write": ("wrote", "written"),
    "make": ("made",),
    "give": ("gave", "given"),
    "send": ("sent",),
    "put": ("put",),
    "swear": ("swore", "sworn"),
    "seek": ("sought",),
    "strike": ("struck", "stricken"),
    "break": ("broke", "broken"),
    "go": ("went", "gone"),
    "stand": ("stood",),
    "ring": ("rang", "rung"),
    "run": ("ran",),
    "freeze": ("froze", "frozen"),
    "fight": ("fought",),
    "shut": ("shut",),
    "cut": ("cut",),
    "set": ("set",),
    "think": ("thought",),
    "bar": ("barred", "barring"),
    "ban": ("banned", "banning"),
    "plan": ("planned", "planning"),
    "commit": ("committed", "committing"),
    "submit": ("submitted", "submitting"),
    "veto": ("vetoes",),
    "lead": ("led",),
    "hold": ("held",),
    "meet": ("met",),
    "keep": ("kept",),
    "begin": ("began", "begun"),
    "take": ("took", "taken"),
    "withhold": ("withheld",),
    "withdraw": ("withdrew", "withdrawn"),
    "pay": ("paid",),
    "forbid": ("forbade", "forbidden"),
    "quit": ("quit", "quitting"),
    "wage": ("waged", "waging"),
    "be": ("is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m"),
    "have": ("has", "had", "having", "'ve"),
    "do": ("does", "did", "done", "doing"),
    "expel": ("expelled", "expelling"),
    "compel": ("compelled", "compelling"),
    "police": ("police",),
    "military": ("militaries",),
    "militia": ("militias",),
    "staff": ("staff",),
    "person": ("people",),
    "will": ("wo",),
    "would": ("'d",),
    "can": ("ca",),
    "shall": ("sha",),
    "not": ("n't", "nt", "n’t"),
}

_VOWELS = frozenset("aeiou")


def _plural_or_third(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    return word + "ing"


# Function words listed only for their irregular forms: no regular inflection ("not" → "noted").
_IRREGULAR_ONLY = frozenset({"not", "will", "would", "can", "shall", "be", "have", "do", "police", "staff", "person"})


def forms(word: str) -> set[str]:
    """Inflected forms of a lexicon word (over-generation is harmless: only lookups use them)."""
    if word in _IRREGULAR_ONLY:
        return {word, *_IRREGULAR.get(word, ())}
    found = {word, _plural_or_third(word), _past(word), _gerund(word)}
    if word.endswith("man"):
        found.add(word[:-3] + "men")  # "fisherman" → "fishermen"
    if len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        found |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # "ban" → "banned"
    found |= set(_IRREGULAR.get(word, ()))
    return found


def _lexicon_words() -> set[str]:
    words: set[str] = set()
    for group in (
        lexicon.VERB_CUES,
        lexicon.NOUN_CUES,
        lexicon.AGENT_NOUNS,
        lexicon.REPRESENTATIVE_NOUNS,
        lexicon.ROLE_NOUNS,
        lexicon.REPORTING_VERBS,
        lexicon.ANNOUNCING_VERBS,
        lexicon.GRANTING_VERBS,
        lexicon.WITHHOLDING_VERBS,
        lexicon.ENDING_VERBS,
        lexicon.DELIBERATION_VERBS,
        lexicon.RUMOUR_NOUNS,
        lexicon.COMMENTATOR_NOUNS,
        lexicon.LIGHT_VERBS,
        lexicon.LEMMA_EXTRA,
        lexicon.COERCIVE_NOUNS,
        lexicon.COERCIVE_IF_MODIFIED,
        lexicon.IMPOSING_VERBS,
        lexicon.COERCIVE_VERBS,
        lexicon.TARGETED_VERBS,
        lexicon.SEVERING_VERBS,
        lexicon.RELATION_NOUNS,
        lexicon.SUPPLY_NOUNS,
        lexicon.ASPECTUAL_VERBS,
        lexicon.PEOPLE_NOUNS,
        lexicon.ASKING_VERBS,
        lexicon.OUTCOME_VERBS,
        lexicon.OPPOSING_VERBS,
        lexicon.DEAL_MAKING_VERBS,
        lexicon.BROKERING_VERBS,
        lexicon.PACTS,
        lexicon.ENDORSING_VERBS,
        lexicon.CARRYING_OUT_VERBS,
        lexicon.TURNING_OUT_VERBS,
        lexicon.TAKING_BACK,
        lexicon.GRANTED_THINGS,
        lexicon.SPOKESPEOPLE,
        lexicon.REQUEST_NOUNS,
        lexicon.PRESSURE_NOUNS,  # "keep up protests"
        lexicon.PENALTIES,  # "would face fines"
        lexicon.COMPANY_POSSESSIONS,  # "Haverkamp's shares"
        {verb for verb, _ in lexicon.ENDING_PHRASAL | lexicon.UNCHOSEN_PHRASAL},
        _IRREGULAR,
    ):
        words.update(w for w in group if " " not in w)
    return words


def lemma_table() -> dict[str, str]:
    """Lower-cased form → lemma for every inflection of the lexicon's words.

    A base form always maps to itself, so an inflection of one word never hides another word."""
    words = _lexicon_words()
    table: dict[str, str] = {}
    for word in sorted(words):
        for form in forms(word):
            table.setdefault(form, word)
    for word in words:
        table[word] = word
    return table


_Test = tuple[frozenset[str] | None, frozenset[str] | None]  # (must be in, must not be in)


def _test(spec: Any) -> _Test:
    if spec is None:
        return None, None
    if isinstance(spec, str):
        return frozenset({spec}), None
    if isinstance(spec, dict) and set(spec) <= {"IN", "NOT_IN"}:
        return (
            frozenset(spec["IN"]) if "IN" in spec else None,
            frozenset(spec["NOT_IN"]) if "NOT_IN" in spec else None,
        )
    raise ValueError(spec)


def _passes(test: _Test, value: str) -> bool:
    inside, outside = test
    return (inside is None or value in inside) and (outside is None or value not in outside)


@dataclass(frozen=True)
class _Rule:
    """One single-token attribute-ruler pattern: its conditions and the POS/lemma it sets."""

    tag: _Test
    lower: _Test
    dep: _Test
    is_space: bool | None
    pos: str | None
    lemma: str | None

    def matches(self, tag: str, lower: str, dep: str, is_space: bool) -> bool:
        return (
            _passes(self.tag, tag)
            and _passes(self.lower, lower)
            and _passes(self.dep, dep)
            and (self.is_space is None or is_space == self.is_space)
        )


class AttributeTable:
    """The attribute ruler's rules (later rules win, as in spaCy), answered per token from
    (tag, lower, dep, is_space); the caller memoises. Two-token rules keyed on the first
    token's dependency ('there' + 'is' → VERB) are kept apart in `after_dep`."""

    _KEYS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})

    def __init__(self, patterns: Iterable[dict[str, Any]]) -> None:
        rules: list[_Rule] = []
        # first token's dep → [(lowers of the second token, POS)]
        self.after_dep: dict[str, list[tuple[frozenset[str], str]]] = {}
        for entry in patterns:
            attrs = entry.get("attrs", {})
            pos, lemma = attrs.get("POS"), attrs.get("LEMMA")
            pattern = entry.get("patterns") or []
            if not (pos or lemma) or len(pattern) != 1:
                continue
            tokens = pattern[0]
            try:
                if len(tokens) == 2 and entry.get("index") == 1 and pos and set(tokens[0]) == {"DEP"}:
                    lowers = _test(tokens[1].get("LOWER"))[0]
                    if set(tokens[1]) == {"LOWER"} and lowers and isinstance(tokens[0]["DEP"], str):
                        self.after_dep.setdefault(tokens[0]["DEP"], []).append((lowers, pos))
                    continue
                if len(tokens) != 1 or entry.get("index", 0) != 0 or not set(tokens[0]) <= self._KEYS:
                    continue
                spec = tokens[0]
                rules.append(
                    _Rule(
                        tag=_test(spec.get("TAG")),
                        lower=_test(spec.get("LOWER")),
                        dep=_test(spec.get("DEP")),
                        is_space=spec.get("IS_SPACE"),
                        pos=pos,
                        lemma=lemma.lower() if lemma else None,
                    )
                )
            except ValueError:
                continue  # an operator this table does not read (REGEX ...)
        self._rules = rules[::-1]  # latest first: the first match wins

    def lookup(self, tag: str, lower: str, dep: str, is_space: bool) -> tuple[str, str | None]:
        """(coarse POS, lemma or None) for one token."""
        key = (tag, lower, dep, is_space)
        pos = next((r.pos for r in self._rules if r.pos and r.matches(*key)), "X")
        lemma = next((r.lemma for r in self._rules if r.lemma and r.matches(*key)), None)
        return pos, lemma
