"""Names the recognizer reads as two: with 'and' in them ('Bosnia and Herzegovina', 'Marks and
Spencer said it would', 'the Smith and Wesson board'), and personal names with lower-case particles
('Ursula von der' and a place 'Leyen', 'Mark van' and 'Oever').

Why: split, each half becomes an actor of its own ('Marks' closing 30 stores), and a country's
full name never reaches the table of states. Two names joined by 'and' stay two unless the text
says they are one: the full name of a state, one singular noun they both qualify, or a singular
'it'/'its' that takes them up ('Siemens and Alstom said they would merge' stays two).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from service.engines.rules import countries

COMPONENT = "wirebrief_joined_names"
_JOINERS = frozenset({"and", "&"})
# Particles that join a surname on: fewer than the actor index knows ("la", "y", "al" also start
# ordinary words and names of their own, so they never join two entities here).
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "del", "della", "di", "du", "ter", "ten", "zu"})
_PLURAL = frozenset({"they", "their", "them", "both"})


@Language.component(COMPONENT)
def joined_names(doc: Doc) -> Doc:
    """Merge 'X and Y' into one entity where it names one thing (see the module's docstring)."""
    ents = doc.ents
    joined: list[Span] = [name for e in ents if e.label_ == "PERSON" and (name := _with_particles(doc, e))]
    text = ""
    for i, first in enumerate(ents):
        if first.end >= len(doc) or doc[first.end].lower_ not in _JOINERS:
            continue
        text = text or doc.text  # joined from the tokens: once
        state = _state_named(doc, first, text)
        if state is not None:
            joined.append(state)
            continue
        second = ents[i + 1] if i + 1 < len(ents) else None
        if second is not None and second.start == first.end + 1 and _one_organisation(first, second):
            joined.append(Span(doc, first.start, second.end, label="ORG"))
    if joined:
        doc.ents = filter_spans([*joined, *ents])
    return doc


def _with_particles(doc: Doc, person: Span) -> Span | None:
    """'Ursula von der Leyen' from 'Ursula von der' (and 'Leyen' taken for a place): a person's name
    that ends in, or runs on through, lower-case particles to a capitalised surname."""
    end = person.end
    while end < len(doc) and doc[end].lower_ in _PARTICLES and doc[end].is_lower:
        end += 1
    if not (doc[person.end - 1].lower_ in _PARTICLES or end > person.end):
        return None
    surname = end
    while surname < len(doc) and doc[surname].is_title and doc[surname].is_alpha and not doc[surname].is_sent_start:
        surname += 1
    return Span(doc, person.start, surname, label="PERSON") if surname > end else None


def _state_named(doc: Doc, first: Span, text: str) -> Span | None:
    """'Trinidad and Tobago' from the entity 'Trinidad' (the rest may not be an entity at all)."""
    for name in countries.names_with_and().get(first.text, ()):
        if text.startswith(name, first.start_char):
            span = doc.char_span(first.start_char, first.start_char + len(name), label="GPE")
            if span is not None:
                return span
    return None


def _one_organisation(first: Span, second: Span) -> bool:
    if first.label_ != "ORG" or second.label_ != "ORG" or len(first) > 2 or len(second) > 2:
        return False
    return _qualify_one_noun(second.root) or _taken_up_as_one(first.root, second.end)


def _qualify_one_noun(last: Token) -> bool:
    """'the Smith and Wesson board': the pair modifies one singular noun after it."""
    head = last.head
    return last.dep_ in {"compound", "nmod", "amod"} and head.i > last.i and head.tag_ in {"NN", "NNP"}


def _taken_up_as_one(first: Token, end: int) -> bool:
    """'Marks and Spencer said it would close', 'said its profits fell': the clause the pair governs
    takes it up as 'it' or 'its' ('said it was time to': an 'it' that stands for nothing)."""
    if first.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    later = [t for t in first.head.subtree if t.i >= end]
    if any(t.lower_ in _PLURAL for t in later):
        return False
    return any(
        (t.lower_ == "its" and t.dep_ == "poss") or (t.lower_ == "it" and t.dep_ == "nsubj" and t.head.lemma_ != "be")
        for t in later
    )
