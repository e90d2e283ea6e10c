"""Actors: named entities and agent noun phrases, merged across their surface forms.

Why: a commitment needs a stable "who". NER finds names; this module merges the forms one
actor takes ("Erdoğan" / "President Recep Tayyip Erdoğan"; "Russia" / "Russian" / "Moscow"),
reads titles off the text, and lets the commitment detector map any subject token to actors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from spacy.tokens import Doc, Span, Token

from schemas.analysis import ActorKind
from service.engines.rules import agent_nouns, countries, lexicon
from service.engines.rules.nlp import subtree_range, word_lists

_LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "to",
        "from",
        "into",
        "outside",
        "inside",
        "across",
        "around",
        "via",
        "toward",
        "towards",
        "through",
    }
)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent", "csubj"})
_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# Plural nouns for states that, as the subject of a commitment, are one actor: "100 countries", "many nations".
_MANY_STATES = frozenset({"country", "nation", "state"})  # "Small island states demanded"
_HOW_MANY = frozenset({"dozen", "dozens", "hundreds", "scores", "number", "majority", "group", "bloc", "coalition"})


def _of_many_states(head: Token) -> bool:
    """'Dozens of nations', 'a group of countries': a quantity of states, one actor."""
    return any(
        p.dep_ == "pobj" and p.lemma_.lower() in _MANY_STATES and p.tag_ == "NNS"
        for c in head.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for p in c.children
    )


_QUANTIFIERS = frozenset(
    {"many", "several", "some", "all", "most", "few", "both", "various", "numerous", "other", "any", "each", "every"}
)


@dataclass
class ActorRecord:
    """One actor being built: its forms, where it is mentioned, and how central it is."""

    key: str
    name: str
    kind: ActorKind
    title: str | None = None
    affiliation: str | None = None
    aliases: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    created: bool = False
    role: bool = False  # named by a common noun ("the mayor", "café owners"): minor unless it commits
    commitments: int = 0
    in_headline: bool = False
    in_lead: bool = False
    described_as: set[str] = field(default_factory=set)  # "the union FNV Havens", "NetChoice, a trade group"

    def add_alias(self, text: str) -> None:
        """Remember a surface form (exact text) once."""
        text = text.strip()
        if text and text not in self.aliases:
            self.aliases.append(text)

    @property
    def title_words(self) -> frozenset[str]:
        """Lowercased title words without demonyms: what a nominal ('the foreign minister') must match."""
        if not self.title:
            return frozenset()
        words = {w.lower() for w in re.findall(r"[\w.-]+", self.title)}
        return frozenset(w for w in words if countries.lookup(w.capitalize()) is None and w not in _DETS)


def latin_script(text: str) -> bool:
    """Are most letters Latin? An English pipeline tags Arabic or Hebrew passages as garbage
    entities ('الحكومة أعلنت خطة'); names in Latin script with diacritics ('Erdoğan') pass."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff")
    return latin * 2 > len(letters)


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    return text.strip()


def _in_a_title(ent: Span) -> bool:
    """'Labor' in 'Labor Secretary Julie Su': a portfolio NER took for an organisation."""
    doc = ent.doc
    return (
        ent.end < len(doc)
        and doc[ent.end].lower_ in lexicon.TITLE_HEADS
        and all(token.lower_ in lexicon.TITLE_WORDS for token in ent)
    )


def _name_part(ent: Span) -> Span:
    """The entity without leading title words (spaCy sometimes tags 'President Bush')."""
    start = ent.start
    while start < ent.end - 1 and ent.doc[start].lower_ in lexicon.TITLE_WORDS:
        start += 1
    end = ent.end
    for token in ent.doc[start + 1 : end]:  # "Lydia Buchtmann for Food Standards Australia": a name ends
        if (  # at a common word ("Kim Jong-un": a hyphen's part is not a word)
            token.is_lower
            and token.is_alpha
            and token.lower_ not in _NAME_PARTICLES
            and ent.doc[token.i - 1].whitespace_
        ):
            end = token.i
            break
    while end > start + 1 and ent.doc[end - 1].text in {"'s", "’s", "'", "’"}:
        end -= 1
    return ent.doc[start:end]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())


@lru_cache(maxsize=4096)  # asked of every known organisation for every new name: computed once per name
def _without_company_suffix(name: str) -> str:
    """'Kmart Corp.' → 'Kmart', 'Meridian Pharma' → 'Meridian': one company, with or without its
    legal form or its trade."""
    base = _COMPANY_SUFFIX.sub("", name).strip()
    words = base.split()
    if len(words) > 1 and words[-1].lower() in lexicon.COMPANY_NAME_WORDS:
        return " ".join(words[:-1])
    return base


def _with_its_given_name(ent: Span) -> Span:
    """'union spokeswoman Ana Lima': a surname the recognizer took alone for a name of its own (here
    Peru's capital), with the given name and title before it, is a person's."""
    doc = ent.doc
    if len(ent) != 1 or ent.start < 2 or ent.label_ == "PERSON":
        return ent
    given, title = doc[ent.start - 1], doc[ent.start - 2]
    if not (given.pos_ == "PROPN" and given.is_title and given.head.i == ent.start and not given.ent_type_):
        return ent
    if title.lower_ not in lexicon.TITLE_HEADS:
        return ent
    return Span(doc, ent.start - 1, ent.end, label="PERSON")


def _without_trailing_adverbs(ent: Span) -> Span:
    """'China's foreign ministry later said': a word the recognizer ran on into, which belongs to the
    verb ('later', 'also'), is no part of the name."""
    end = ent.end
    while end - ent.start > 1 and ent.doc[end - 1].pos_ == "ADV" and not ent.start <= ent.doc[end - 1].head.i < end:
        end -= 1
    return ent if end == ent.end else Span(ent.doc, ent.start, end, label=ent.label_)


def _a_states_body(ent: Span) -> Span | None:
    """'China's commerce ministry': a body named by common nouns ('commerce ministry', no name of
    its own) and owned by a state, with its owner; None for a name ('Russia's Gazprom')."""
    owner = _owning_state(ent)
    if owner is None or any(t.text[:1].isupper() for t in ent if t.lower_ != "the"):
        return None
    return ent.doc[owner[0].left_edge.i : ent.end]


def _owning_state(ent: Span) -> tuple[Token, countries.State] | None:
    """The state in possession of a name, and its word: 'France' in "France's TotalEnergies"."""
    owner = next((c for c in ent.root.children if c.dep_ == "poss" and c.i < ent.start), None)
    if owner is None:
        return None
    words = [t.text for t in owner.subtree if t.i <= owner.i and t.dep_ in {"compound", "poss"}]  # "South Korea"
    state = countries.lookup(" ".join(words))
    return (owner, state) if state is not None else None


def _an_organisation_taken_for_a_person(ent: Span) -> bool:
    """'Meridian Pharma' (a company's last word), 'Gavi, the vaccine alliance' (said to be a body),
    'the health workers' federation, Fenats,' (a body named in apposition)."""
    if ent[-1].lower_ in lexicon.COMPANY_NAME_WORDS:
        return True
    root = ent.root
    if (
        root.dep_ == "appos"
        and root.head.pos_ == "NOUN"
        and lexicon.ROLE_NOUNS.get(root.head.lemma_.lower()) == "organization"
    ):
        return True
    return any(c.dep_ == "appos" and lexicon.ROLE_NOUNS.get(c.lemma_.lower()) == "organization" for c in root.children)


def _a_person_taken_for_an_organisation(ent: Span) -> bool:
    """'Chancellor Olaf Scholz' read as the organisation 'Olaf Scholz': a name of one to three plain
    capitalised words right after the title of an office held by a person."""
    doc = ent.doc
    return (
        ent.label_ == "ORG"
        and len(ent) <= 3
        and ent.start > 0
        and doc[ent.start - 1].lower_ in lexicon.TITLE_HEADS
        and all(t.is_title and t.is_alpha for t in ent)
        and not any(
            t.lower_ in lexicon.COMPANY_NAME_WORDS
            or t.lower_ in lexicon.ORGANISATION_NOUNS
            or t.lemma_.lower() in lexicon.ROLE_NOUNS
            for t in ent
        )
    )


_PLACE_NOUNS = frozenset(
    {"port", "city", "town", "village", "province", "region", "district", "island", "capital", "county", "harbour",
     "harbor", "suburb", "municipality"}
)  # fmt: skip


# Offices held over a place: "the mayor of Rotterdam" names a city, whatever the recognizer says.
_OFFICES_OF_PLACES = frozenset({"mayor", "governor", "premier", "king", "queen", "emir", "sultan", "president"})


# Sites a place name is put before: "the union's Rotterdam office", "the Antwerp plant".
_SITES = frozenset({"office", "headquarters", "plant", "factory", "airport", "station", "branch", "terminal", "site"})


def _a_place_of(ent: Span) -> bool:
    """'the port of Rotterdam', 'the mayor of Lyon', 'its Rotterdam office': one word the recognizer
    took for a person."""
    root = ent.root
    if len(ent) == 1 and root.dep_ == "compound" and root.head.lemma_.lower() in _SITES | _PLACE_NOUNS:
        return True
    return (
        len(ent) == 1
        and root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in _PLACE_NOUNS | _OFFICES_OF_PLACES
    )


def _an_owned_site(ent: Span) -> bool:
    """'its Kassel plant', 'Volta's Leipzig office': a place before a site someone owns ('the Tesla
    plant', owned by no one named, may be Tesla's)."""
    site = ent.root.head
    return (
        _a_place_of(ent)
        and site.lemma_.lower() in _SITES
        and any(c.dep_ == "poss" and c.i < ent.start for c in site.children)
    )


def _descriptions(ent: Span) -> set[str]:
    """The nouns for an organisation the text calls a name by: 'the union FNV Havens' (before it),
    'NetChoice, a trade group' (in apposition): what 'the union', 'the group' later stand for."""
    found = {c.lemma_.lower() for c in ent.root.children if c.dep_ == "appos" and c.pos_ == "NOUN"}
    if ent.root.dep_ == "appos" and ent.root.head.pos_ == "NOUN":
        found.add(ent.root.head.lemma_.lower())  # "The employers' association, Deltalinqs,"
    head = ent.root.head
    if ent.root.dep_ == "compound" and head.pos_ == "NOUN" and lexicon.ROLE_NOUNS.get(head.lemma_.lower()):
        found.add(head.lemma_.lower())  # "the IG Metall union"
    if ent.start > 0 and ent.doc[ent.start - 1].head.i in range(ent.start, ent.end):
        found.add(ent.doc[ent.start - 1].lemma_.lower())
    return {noun for noun in found if lexicon.ROLE_NOUNS.get(noun) == "organization"}


def _named_with_its_trade(ent: Span) -> Span | None:
    """'Meridian Pharma', 'Nordic Airlines': a name the recognizer cut short of the trade word after
    it (and took for a people or a place), when it names no country; the whole name, else None."""
    doc = ent.doc
    if ent.label_ not in {"NORP", "GPE", "LOC", "PERSON"} or ent.end >= len(doc) or countries.lookup(ent.text):
        return None
    after = doc[ent.end]
    if after.is_title and after.lower_ in lexicon.COMPANY_NAME_WORDS and not after.ent_type_:
        return doc[ent.start : ent.end + 1]
    return None


def _a_speaking_thing(ent: Span) -> bool:
    """'Shipping line Maersk said': a name the recognizer took for a product or a building is, as
    the subject of a speech verb, the organisation it names (products do not speak)."""
    root = ent.root
    return (
        ent.label_ in {"PRODUCT", "FAC", "WORK_OF_ART"}
        and root.dep_ == "nsubj"
        and root.head.lemma_.lower() in lexicon.SAY_VERBS
    )


def _named_after_an_organisation_noun(ent: Span) -> bool:
    """'the union FNV Havens', 'the carmaker Stellantis': a name (of whatever label the recognizer gave
    it) right after a noun for an organisation that modifies it, or a person's name taken for one."""
    if ent.start == 0 or ent.label_ in {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}:
        return False
    before = ent.doc[ent.start - 1]
    return (
        before.pos_ == "NOUN"
        and before.head.i in range(ent.start, ent.end)
        and lexicon.ROLE_NOUNS.get(before.lemma_.lower()) == "organization"
    )


def _named_before_party(ent: Span) -> bool:
    """'the far-right Vanguarda party': a name (a person's, to the recognizer) that names a party."""
    last = ent[-1]
    return last.dep_ == "compound" and last.head.i == ent.end and last.head.lower_ == "party"


def _with_capitalised_modifiers(ent: Span) -> Span:
    """A name with the capitalised words before it that modify it: 'Free' in 'the Free Democrats',
    'Christian' in 'the Christian Democrats' (a first word of a sentence is capitalised anyway)."""
    doc = ent.doc
    start = ent.start
    while (
        start > 0
        and doc[start - 1].is_title
        and doc[start - 1].dep_ in {"amod", "compound"}
        and ent.start <= doc[start - 1].head.i < ent.end
        and (not doc[start - 1].is_sent_start or doc[start - 1].pos_ == "PROPN")
    ):
        start -= 1
    return doc[start : ent.end]


def _an_institution(name: str, described_as: Iterable[str] = ()) -> bool:
    """'Nordic Pilots Association', 'Kenya National Union', or 'IG Metall' the text called a union:
    named or described as a body, not a business."""
    last = name.split()[-1].lower() if name.split() else ""
    return any(
        lexicon.ROLE_NOUNS.get(word) == "organization" and word not in lexicon.ORGANISATION_NOUNS
        for word in (last, *described_as)
    )


def _ends_with(words: list[str], tail: list[str]) -> bool:
    """Is `tail` (two words or more) the end of the longer `words`?"""
    return len(tail) >= 2 and len(words) > len(tail) and words[-len(tail) :] == tail


_COMPANY_SUFFIX = re.compile(
    r",?\s+(?:Corp\.?|Corporation|Inc\.?|Ltd\.?|Co\.|LLC|L\.?P\.|plc|PLC|AG|GmbH|S\.A\.|SA|N\.V\.|NV|B\.V\.|BV|SE|SpA"
    r"|S\.p\.A\.|AB|ASA|Oyj|K\.K\.)$"
)  # legal forms: "Kmart Corp.", "ASML Holding N.V.", "Volvo AB"
_WEB_ADDRESS = re.compile(r"\w\.(?:com|org|net|gov|edu|io|co|int)\b", re.IGNORECASE)

_POSSESSED = re.compile(r"^(\w[\w .&-]*?)['’]s (.+)$")  # "the association's chair"
_OF_OWNER = re.compile(r"^(\w[\w -]*?) of (?:the )?([A-Z][\w .&-]+)$")  # "head of FNV Havens"
_BODIES_OF_PEOPLE = lexicon.ORGANISATION_NOUNS | {"party", "union", "movement", "alliance", "coalition"}
_INSURGENTS = frozenset({"rebel", "militant", "insurgent", "guerrilla", "jihadist"})  # fighters of a group, not a state
_JUST_NAMED = 40  # tokens: about a sentence back
_ANY_ORGANISATION = frozenset({"group", "organisation", "organization", "agency"})
# Names for one kind of body: "the union" may be "the health workers' federation, Fenats".
_LABOUR_BODIES = frozenset({"union", "federation", "confederation"})
# Lower-case words inside personal names: "Ursula von der Leyen", "Luiz Inácio Lula da Silva".
_NAME_PARTICLES = frozenset(
    {"de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter",
     "bin", "bint", "ibn", "al", "el", "y", "e", "ben", "abu", "st"}
)  # fmt: skip


class ActorIndex:
    """All actors of one document, and the map from tokens to the actor they mention."""

    def __init__(self, doc: Doc, headline_end: int, lead_end: int) -> None:
        self.doc = doc
        self.headline_end = headline_end
        self.lead_end = lead_end
        self.records: dict[str, ActorRecord] = {}
        self.token_actor: dict[int, str] = {}
        self._person_words: dict[str, list[str]] = {}
        self.words = word_lists()
        self._written_inside: set[str] | None = None  # capitalised words met inside sentences

    # -- building -------------------------------------------------------------------------
    def _record(self, key: str, name: str, kind: ActorKind) -> ActorRecord:
        record = self.records.get(key)
        if record is None:
            record = ActorRecord(key=key, name=name, kind=kind)
            self.records[key] = record
        return record

    def _mention(self, record: ActorRecord, span: Span, alias_span: Span | None = None, *, count: bool = True) -> None:
        """Record a mention: the tokens now point at the actor; the surface form is an alias."""
        for token in span:
            self.token_actor.setdefault(token.i, record.key)
        if count:
            record.positions.append(span.root.i)
        start_char = span.start_char
        if start_char < self.headline_end:
            record.in_headline = True
        if start_char < self.lead_end:
            record.in_lead = True
        record.add_alias((alias_span or span).text)

    def build(self) -> ActorIndex:
        """Walk the entities once; persons first by length so short forms merge into full names."""
        ents = [
            self._without_leading_trade(_with_its_given_name(_without_trailing_adverbs(e)))
            for e in self.doc.ents
            if latin_script(e.text) and not self._common_noun_capitalised(e)
        ]
        persons = [
            e
            for e in ents
            if (e.label_ == "PERSON" or _a_person_taken_for_an_organisation(e))
            and not _an_organisation_taken_for_a_person(e)
            and not _a_place_of(e)
            and not _named_after_an_organisation_noun(e)  # "supermarket chain Albert Heijn"
            and not _named_before_party(e)
        ]
        persons.sort(key=lambda e: (-len(_name_part(e).text.split()), e.start))
        for ent in persons:
            self._add_person(ent)
        for ent in ents:
            if (company := _named_with_its_trade(ent)) is not None:
                self._add_org(company)  # "Meridian Pharma" read as a people ("Meridian") and a word
            elif ent.label_ != "PERSON" and self._known_people(ent):
                continue
            elif ent.label_ == "ORG" and _an_owned_site(ent):
                continue  # "close its Kassel plant": where the plant is, not a body
            elif ent.label_ in {"GPE", "NORP", "LOC"} and not _WEB_ADDRESS.search(ent.text):
                self._add_place_or_people(ent)
            elif ent.label_ in {"ORG", "GPE", "LOC"}:  # "Yahoo.com" taken for a place is a company
                self._add_org(ent)
            elif ent.label_ == "PERSON" and _an_organisation_taken_for_a_person(ent):
                self._add_org(ent)  # "Meridian Pharma", "Gavi, the vaccine alliance" taken for a person
            elif _named_after_an_organisation_noun(ent) or _named_before_party(ent) or _a_speaking_thing(ent):
                self._add_org(ent)  # "the union FNV Havens", "the charity Kids First" taken for a product
        self._merge_people_named_like_organisations()
        self._add_unrecognised_parties()
        for ent in persons:
            self._add_owner_of_title(ent)
        self._add_bodies_of_possessors()
        self._add_state_forms()
        self._add_nominal_aliases()
        self._add_head_noun_aliases()
        return self

    def _common_noun_capitalised(self, ent: Span) -> bool:
        """'Drugmaker agrees to pay ...': a headline's or sentence's first word, capitalised only
        for that, that names a trade ('drugmaker', 'insurers') and is written nowhere else with a
        capital, is no name."""
        if len(ent) != 1 or not ent[0].is_sent_start or ent.label_ not in {"ORG", "PERSON"}:
            return False  # "Russian officials": a people's name is no trade
        word = ent[0]
        if agent_nouns.agent_kind(word.lower_, self.words, plural=word.lower_.endswith("s")) is None:
            return False
        return word.text not in self._capitalised_inside()

    def _without_leading_trade(self, ent: Span) -> Span:
        """'Carmaker Volta to cut jobs': a first word capitalised only because it opens the headline
        or sentence, naming a trade, is no part of the name ('Volta')."""
        first = ent[0]
        if len(ent) < 2 or not first.is_sent_start or ent.label_ not in {"ORG", "PERSON"}:
            return ent
        if agent_nouns.agent_kind(first.lower_, self.words, plural=first.lower_.endswith("s")) is None:
            return ent
        if first.lower_ in lexicon.TITLE_WORDS or first.text in self._capitalised_inside():
            return ent  # "President Ruto", "Minister Falk": a title is part of how the name is written
        return Span(self.doc, ent.start + 1, ent.end, label=ent.label_)

    def _capitalised_inside(self) -> set[str]:
        """Words written with a capital somewhere other than at a sentence's start (once per document)."""
        if self._written_inside is None:  # a scan per entity would be quadratic
            self._written_inside = {t.text for t in self.doc if not t.is_sent_start and t.text[:1].isupper()}
        return self._written_inside

    def _known_people(self, ent: Span) -> bool:
        """NER calls 'Lavrov' an ORG or 'Vershenin and Önal' one name: map them to known people."""
        parts = [p for p in re.split(r"\s+and\s+|\s*,\s*", _norm(ent.text)) if p]
        keys = [self._match_person(p.split()) for p in parts]
        if not parts or any(k is None for k in keys):
            return False
        for key in keys:
            if key is not None:
                self.records[key].positions.append(ent.root.i)
                for token in ent:
                    if token.text in self.records[key].name.split():
                        self.token_actor.setdefault(token.i, key)
                if len(parts) == 1:
                    self.records[key].add_alias(_norm(ent.text))
        return True

    def _add_person(self, ent: Span) -> None:
        name = _name_part(ent)
        if " and " in name.text and self._known_people(ent):
            return
        words = [w for w in name.text.split() if w not in {"'s", "’s"}]
        if not words or any(ch.isdigit() for ch in name.text):
            return
        # "Erdoğan-Putin phone call": a hyphenated pair of known people
        parts = re.split(r"\s*[-–]\s*", name.text)
        if len(parts) == 2 and all(self._match_person([p]) for p in parts):
            for part in parts:
                key = self._match_person([part])
                if key:
                    self.records[key].positions.append(ent.start)
                    for token in name:
                        self.token_actor.setdefault(token.i, key)
            return
        state = countries.lookup(name.text)
        if state is not None:  # NER mistakes a state for a person
            self._add_state(state, ent)
            return
        key = self._match_person(words)
        if key is None:
            key = "person:" + " ".join(words)
            self._person_words[key] = words
            self._record(key, " ".join(words), "person")
        record = self.records[key]
        title_span = self._title_before(name)
        self._mention(record, name)
        if title_span is not None:
            alias = self.doc[title_span.start : name.end]
            self._mention(record, alias, alias, count=False)
            if record.title is None:
                record.title = title_span.text
                record.affiliation = record.affiliation or self._affiliation_in(title_span)
        if record.title is None:
            record.title = self._appositive_title(name)
            if record.title and any(w.lower() in lexicon.TITLE_HEADS for w in record.title.split()):
                record.add_alias(record.title)  # "the UN Emergency Relief Coordinator" names him too

    def _match_person(self, words: list[str]) -> str | None:
        """The known person whose name contains these words (surname or full run)."""
        best: str | None = None
        for key, full in self._person_words.items():
            n = len(words)
            if any(full[i : i + n] == words for i in range(len(full) - n + 1)) or (n == 1 and words[0] == full[-1]):
                best = key
        return best

    def _title_before(self, name: Span) -> Span | None:
        """Title words right before a name, e.g. 'Russian President' or 'deputy Foreign Minister'."""
        doc = name.doc
        i = name.start - 1
        start = name.start
        while i >= 0 and i >= name.start - 8:
            token = doc[i]
            if token.is_space or (token.is_punct and token.text not in {".", "-"}):
                break
            if token.text == "-" and not token.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
                start = i - 1  # "Director-General", "co-leader": one word in three tokens
                i -= 2
                continue
            lower = token.lower_
            if (
                lower in lexicon.TITLE_WORDS
                or (
                    token.is_title
                    and token.head.i >= name.start
                    and token.head.i < name.end
                    and token.dep_ == "compound"
                    and token.ent_type_ not in {"PERSON", "ORG"}
                )
                or (  # "competition commissioner", "health minister": what the office is over
                    start < name.start
                    and token.dep_ == "compound"
                    and token.pos_ == "NOUN"
                    and start <= token.head.i < name.start
                )
            ):
                start = i
                i -= 1
                continue
            if countries.lookup(token.text) is not None and start < name.start:
                start = i
            break
        while start < name.start and doc[start].lower_ in {"and", "of", "the"}:
            start += 1
        if start == name.start:
            return None
        span = doc[start : name.start]
        words = {t.lower_ for t in span}
        if not words & lexicon.TITLE_HEADS or words <= lexicon.HONORIFICS:
            return None
        return span

    def _appositive_title(self, name: Span) -> str | None:
        """'Fahrettin Altun, presidential communication director': the apposition is the title."""
        head = name.root
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN" and child.ent_type_ != "PERSON":
                left, right = subtree_range(child, [c for c in child.children if c.dep_ in {"relcl", "acl", "punct"}])
                span = name.doc[left : right + 1]
                while len(span) and span[0].lower_ in _DETS:
                    span = span[1:]
                if 0 < len(span) <= 8:
                    return span.text
        return None

    def _merge_people_named_like_organisations(self) -> None:
        """'Lumina' taken for a person in an article about Lumina Semiconductor is the company; so is
        'Veldman' whose board, shares or workers the article speaks of ("Veldman's board")."""
        for record in [
            r for r in self.records.values() if (r.kind == "person" or r.key.startswith("gpe:")) and " " not in r.name
        ]:  # a place the recognizer made of an unknown name ('Haverkamp') only by what it owns
            company = self._match_org(record.name) if record.kind == "person" else None
            if company is None and self._owns_what_companies_own(record):
                company = self._org_key(record.name)
                self._record(company, record.name, "organization")
            if company is None:
                continue
            target = self.records[company]
            target.positions += record.positions
            for alias in record.aliases:
                target.add_alias(alias)
            for index, key in list(self.token_actor.items()):
                if key == record.key:
                    self.token_actor[index] = company
            del self.records[record.key]
            self._person_words.pop(record.key, None)

    def _owns_what_companies_own(self, record: ActorRecord) -> bool:
        """A one-word name whose board, shares, headquarters or workers are spoken of."""
        doc = self.doc
        return any(
            doc[p].dep_ == "poss"
            and p + 1 < len(doc)
            and doc[p + 1].tag_ == "POS"
            and doc[p].head.lemma_.lower() in lexicon.COMPANY_POSSESSIONS
            for p in record.positions
        )

    def _add_unrecognised_parties(self) -> None:
        """'the far-right Chega party', when the recognizer missed the name: the capitalised words
        before 'party' are the party's name."""
        for head in self.doc:
            if head.lower_ != "party" or head.pos_ != "NOUN":
                continue
            names = [c for c in head.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < head.i]
            if not names or any(self.actor_at(t) is not None for t in names):
                continue
            span = self.doc[names[0].i : names[-1].i + 1]
            if span.end != head.i or not all(t.text[:1].isupper() for t in span) or countries.lookup(span.text):
                continue
            record = self._record(self._org_key(span.text), span.text, "organization")
            self._mention(record, span)
            record.described_as.add("party")

    def _add_bodies_of_possessors(self) -> None:
        """'Santos ... her centre-left Progress Party': the person just named belongs to the body
        'her' or 'his' possesses, where nothing else has said whose she is."""
        for record in [r for r in self.records.values() if r.kind == "organization"]:
            for position in record.positions:
                if not any(c.dep_ == "poss" and c.lower_ in {"his", "her"} for c in self.doc[position].children):
                    continue
                person = self.recent(position, person=True)
                if person is not None and self.records[person].affiliation is None:
                    self.records[person].affiliation = record.name

    def _add_owner_of_title(self, ent: Span) -> None:
        """Whose title it is, once organisations are known: 'WHO Director-General Tedros' (the WHO),
        "the association's chair" (the association), "Nordair's chief executive, Mats Lindqvist,"
        (the noun phrase the name is in apposition to is the title, its possessor the owner)."""
        name = _name_part(ent)
        key = self.actor_at(name.root)
        if key is None or self.records[key].kind != "person":
            return
        record = self.records[key]
        title_span = self._title_before(name)
        if record.affiliation is None and title_span is not None and title_span.start > 0:
            before = self.doc[title_span.start - 1]
            if before.tag_ == "POS" and title_span.start > 1:
                before = self.doc[title_span.start - 2]  # "Azerbaijan's President Ilham Aliyev"
            owner_key = self.actor_at(before) or self._match_org(before.text)
            if owner_key is not None and self.records[owner_key].kind != "person":
                record.affiliation = self.records[owner_key].name
        if record.affiliation is None and title_span is not None:  # "RSF commander Mohamed Dagalo": the RSF
            inside = (k for t in title_span if not t.is_lower for k in (self.actor_at(t), self._match_org(t.text)))
            owner_key = next((k for k in inside if k is not None and self.records[k].kind != "person"), None)
            if owner_key is not None:
                record.affiliation = self.records[owner_key].name
        owned_title = _POSSESSED.match(record.title or "")
        if owned_title:  # "Ingrid Dahl, the association's chair": the chair, of the association
            record.title = owned_title.group(2)
            record.affiliation = record.affiliation or self._owner_name(owned_title.group(1))
            return
        office = _OF_OWNER.match(record.title or "")
        if office and set(office.group(1).lower().split()) & lexicon.TITLE_HEADS:
            known = self.organisation_named(office.group(2))  # "Niek Stam, the head of FNV Havens"
            owner = self.records[known].name if known else office.group(2)
            record.title, record.affiliation = office.group(1), record.affiliation or owner
            return
        head = name.root.head
        if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ == "NOUN":
            head = head.head.head  # "The mayor of Rotterdam, Ahmed Aboutaleb,": hung on the place
        if name.root.dep_ != "appos" or head.pos_ != "NOUN" or head.i >= name.start or record.title is not None:
            return
        words = [t for t in head.subtree if t.i <= head.i and t.dep_ in {"amod", "compound"}] + [head]
        if not {t.lower_ for t in words} & lexicon.TITLE_HEADS:
            return
        record.title = self.doc[words[0].i : head.i + 1].text
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is not None and record.affiliation is None:
            known = self.actor_at(owner)
            if known is None and owner.lower_ in {"its", "their"}:  # "Its president, Gabriela Flores,"
                known = self.recent(owner.i, person=False, window=60, subject=True)
            record.affiliation = self.records[known].name if known else self._owner_name(owner.text)
        of = next((p for c in head.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"), None)
        if of is not None and record.affiliation is None and of.pos_ == "PROPN":
            known = self.actor_at(of)  # "the mayor of Lyon", "the head of Interpol": whose office it is
            record.affiliation = self.records[known].name if known else self.doc[of.left_edge.i : of.i + 1].text

    def _owner_name(self, word: str) -> str | None:
        """The organisation or state a possessor names: 'Nordair', 'the association' (the one named
        with 'Association' in it), 'Norway'."""
        known = self._match_org(word)
        named = self.records[known] if known else self._the_one_named(word.lower())
        state = countries.lookup(word)
        return named.name if named else (state.name if state else None)

    def _affiliation_in(self, span: Span) -> str | None:
        for token in span:
            state = countries.lookup(token.text)
            if state is not None:
                return state.name
        return None

    def _add_state(self, state: countries.State, span: Span) -> None:
        record = self._record("state:" + state.name, state.name, "state")
        self._mention(record, span)

    def _is_locative(self, ent: Span) -> bool:
        """'in Ankara' names a place; 'Moscow said' or 'Moscow's expectation' names the state."""
        root = ent.root
        if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE_PREPS:
            return True
        sentence = ent.sent
        words = [t for t in sentence if not t.is_space and not t.is_punct]
        return len(words) == len(ent)  # a dateline line

    def _add_place_or_people(self, ent: Span) -> None:
        text = ent.text
        state = countries.lookup(text)
        if state is not None:
            if text.strip() in state.capitals and self._is_locative(ent):
                return
            if text.isupper() and len(text) > 3 and state.name.upper() != text:
                return  # datelines in capitals
            self._add_state(state, ent)
            return
        root = ent.root
        if ent.label_ == "NORP":
            # "Palestinians", "Kurds": a people acting as a group, when it acts
            plural = root.tag_ in {"NNPS", "NNS"} or (root.tag_ == "NNP" and root.text.endswith("s"))  # "the Greens"
            if plural and root.dep_ in _SUBJECT_DEPS:
                span = _with_capitalised_modifiers(ent)  # "the Free Democrats", not all "Democrats"
                record = self._record("group:" + _norm(span.text), _norm(span.text), "group")
                self._mention(record, span)
            return
        if root.dep_ in _SUBJECT_DEPS and ent.label_ == "GPE":
            record = self._record("gpe:" + _norm(text), _norm(text), "state")
            self._mention(record, ent)

    def _add_org(self, ent: Span) -> None:
        text = _norm(ent.text)
        known_body = re.sub(r"(?i)^the\s+", "", text).lower() in lexicon.IGO_NAMES  # "the International Monetary Fund"
        if not text or (ent.doc[ent.end - 1].lower_ in lexicon.NON_ACTOR_HEADS and not known_body) or _in_a_title(ent):
            return
        state = countries.lookup(text)
        if state is not None:
            self._add_state(state, ent)
            return
        owner = self.actor_at(ent.root.head) if ent.root.dep_ == "appos" else None
        if owner is not None and text.isupper() and 2 <= len(text) <= 8 and self.records[owner].kind != "person":
            self._mention(self.records[owner], ent)  # "The European Consumer Organisation, BEUC,": its acronym
            return
        owned = _a_states_body(ent)
        if owned is not None:  # "Russia's defence ministry" is not Ukraine's: the state is part of its name
            text = _norm(owned.text)
        lower = text.lower()
        kind: ActorKind = "organization"
        if lower in lexicon.IGO_NAMES or known_body:
            kind = "igo"
        elif set(lower.split()) & lexicon.ARMED_WORDS or lower in lexicon.ARMED_WORDS:
            kind = "armed_group"
        elif ent.root.lemma_.lower() in {"government", "regime"}:
            kind = "state"
        key = self._org_key(text)
        record = self._record(key, text, kind)
        span = ent
        if span[0].lower_ == "the":
            span = span[1:]
        while len(span) > 1 and span[-1].text in {"'s", "’s"}:
            span = span[:-1]
        self._mention(record, span, owned)
        record.described_as |= _descriptions(ent)
        if record.affiliation is None:
            possessor = _owning_state(ent)  # "France's TotalEnergies"
            record.affiliation = self._affiliation_in(owned or ent) or (possessor[1].name if possessor else None)
        # "Asia-Pacific Economic Cooperation (APEC)": the acronym is an alias
        doc = ent.doc
        if ent.end + 2 < len(doc) and doc[ent.end].text == "(" and doc[ent.end + 2].text == ")":
            acronym = doc[ent.end + 1]
            if acronym.text.isupper() and 2 <= len(acronym.text) <= 8:
                self._mention(record, doc[ent.end + 1 : ent.end + 2])

    def _org_key(self, text: str) -> str:
        """Organisations merge by name, and an acronym merges with the name it abbreviates, in
        either order ('KPA' ... "the Korean People's Army"); 'Kmart' is 'Kmart Corp.'; a shorter
        name that ends one longer name ('Red Cross', 'American Red Cross') is that organisation."""
        key = "org:" + text.lower()
        if key in self.records:
            return key
        orgs = [r for r in self.records.values() if r.key.startswith("org:")]
        base = _without_company_suffix(text)
        for existing in orgs:
            if text in existing.aliases:
                return existing.key
            if base == _without_company_suffix(existing.name):  # "Volta" in a headline, then "Volta Motors"
                return self._renamed(existing, text) if len(text) > len(existing.name) else existing.key
            if text.isupper() and text.replace(".", "") == _initials(existing.name):
                return existing.key
            if existing.name.isupper() and existing.name.replace(".", "") == _initials(text):
                return self._renamed(existing, text)
        words = base.lower().split()
        shorter = [r for r in orgs if _ends_with(words, _without_company_suffix(r.name).lower().split())]
        longer = [r for r in orgs if _ends_with(_without_company_suffix(r.name).lower().split(), words)]
        if len(words) == 1 and not longer and (one := self._match_org(text)) is not None:
            return one  # "the Commission", one word, after the European Commission
        if len(longer) == 1 and not shorter:
            return longer[0].key
        if len(shorter) == 1 and not longer:
            return self._renamed(shorter[0], text)
        return key

    def role_actor(self, head: Token) -> str | None:
        """The actor a role noun names on its own ('the prime minister' in "the prime minister's
        spokesman"), even inside another actor's phrase."""
        lemma = head.lemma_.lower()
        if head.pos_ != "NOUN" or lemma not in lexicon.ROLE_NOUNS:
            return None
        return self._role_actor(head, lemma, [])

    def organisation_named(self, name: str | None) -> str | None:
        """The organisation record a name (an affiliation) stands for, if one is known."""
        if not name:
            return None
        named = (r.key for r in self.records.values() if r.kind not in {"person", "state"} and name in r.aliases)
        return self._match_org(name) or next(named, None)

    def _match_org(self, text: str) -> str | None:
        """The organisation already known by this name, its short form ('Meridian', 'Kmart') or its
        initials."""
        text = _norm(text)
        tail = " " + text.lower()
        ending: list[str] = []
        for record in self.records.values():
            if not record.key.startswith("org:"):
                continue
            if text in record.aliases or text == _without_company_suffix(record.name):
                return record.key
            if text.isupper() and len(text) > 1 and text.replace(".", "") == _initials(record.name):
                return record.key  # "WHO" (which the tagger may read as a pronoun) after the World Health Organization
            if text and record.name.lower().endswith(tail):
                ending.append(record.key)
        return ending[0] if len(ending) == 1 else None  # "the Commission": the one European Commission

    @staticmethod
    def _renamed(record: ActorRecord, name: str) -> str:
        """The record now goes by the fuller name; what it went by stays an alias."""
        record.add_alias(record.name)
        record.name = name
        return record.key

    def _add_state_forms(self) -> None:
        """Demonyms and names of a state found anywhere in the text become its aliases."""
        text = self.doc.text
        for record in self.records.values():
            if not record.key.startswith("state:"):
                continue
            state = countries.lookup(record.name)
            if state is None:
                continue
            for form in (state.name, *state.demonyms, *state.others):
                if (
                    form not in record.aliases
                    and form in text  # cheap test first; the pattern then checks word edges
                    and re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text)
                ):
                    record.add_alias(form)

    def _add_nominal_aliases(self) -> None:
        """'The Russian foreign minister' names the one person whose title is 'Foreign Minister'."""
        people = [r for r in self.records.values() if r.kind == "person" and r.title_words]
        if not people:
            return
        for chunk in self.doc.noun_chunks:
            if chunk[0].lower_ != "the" or chunk.root.lower_ not in lexicon.TITLE_HEADS:
                continue
            if any(t.ent_type_ == "PERSON" for t in chunk):
                continue
            words = {t.lower_ for t in chunk[1:] if countries.lookup(t.text) is None}
            matches = [p for p in people if p.title_words == words]
            if len(matches) != 1:
                continue
            person = matches[0]
            demonym = [t for t in chunk[1:] if countries.lookup(t.text) is not None]
            if (
                demonym
                and person.affiliation
                and countries.lookup(demonym[0].text) != countries.lookup(person.affiliation)
            ):
                continue
            self._mention(person, chunk)

    def _add_head_noun_aliases(self) -> None:
        """'The association' names the one organisation whose name has that word ('Pacific Maritime
        Association'); with two such names in the article ('the Andean Community', 'the South
        American Community of Nations') it names neither."""
        by_word: dict[str, list[ActorRecord]] = {}
        for record in self.records.values():
            if record.kind in {"organization", "igo", "armed_group"} and len(record.name.split()) > 1:
                for word in {w.lower() for w in record.name.split()}:
                    by_word.setdefault(word, []).append(record)
        for chunk in self.doc.noun_chunks:
            if len(chunk) != 2 or chunk[0].lower_ != "the" or chunk.root.ent_type_ or chunk.root.tag_ != "NN":
                continue
            if len(matches := by_word.get(chunk.root.lower_, [])) != 1:
                continue
            head_word = matches[0].name.split()[-1].lower()
            if chunk.root.lower_ != head_word and chunk.root.lower_ not in lexicon.AGENT_NOUNS:
                continue  # "the union" of a union's name, never "the defence" of a defence ministry
            if self.actor_at(chunk.root) is None:
                self._mention(matches[0], chunk[1:])

    # -- resolving ------------------------------------------------------------------------
    def actor_at(self, token: Token) -> str | None:
        """The actor a token is part of a mention of."""
        return self.token_actor.get(token.i)

    def resolve(self, token: Token, *, create: bool = True, roles: bool = False) -> list[str]:
        """Actors a noun phrase headed by `token` stands for, its coordinated heads included.

        With `roles` (the token is the subject or speaker of a commitment), a common noun that
        names an actor by its role ("the mayor", "officials", "the union") becomes an actor."""
        heads = [token, *[t for t in token.conjuncts if t.i > token.i]]
        keys: list[str] = []
        for head in heads:
            for key in self._resolve_head(head, create=create, roles=roles):
                if key not in keys:
                    keys.append(key)
        return keys

    def _resolve_head(self, head: Token, *, create: bool, roles: bool = False) -> list[str]:
        direct = self.actor_at(head)
        if direct is not None:
            return [direct]
        if lexicon.AGENT_NOUNS.get(head.lemma_.lower()) == "armed_group" and (
            forces := self._possessors_body(head, {"armed_group", "state"})
        ):
            span = self._np_span(head)
            if span is not None:
                self._mention(forces, span)  # "his forces", after "RSF commander Mohamed Dagalo": the RSF
            return [forces.key]
        if head.lemma_.lower() in _BODIES_OF_PEOPLE and self._possessed_by_a_person(head):
            body = self._possessors_body(head, {"organization"})
            span = self._np_span(head)
            if body is not None:
                if span is not None:
                    self._mention(body, span)  # "her party", after "Santos ... her Progress Party": that party
                return [body.key]
            if head.lemma_.lower() == "party":
                return []  # his party, of a man whose party is unknown: never the one party named
        if head.pos_ == "ADJ":  # "the army and the paramilitary Rapid Support Forces", parsed as the adjective
            named = [key for c in head.children if c.dep_ == "appos" and (key := self.actor_at(c)) is not None]
            if named:
                return named[:1]
        lemma = head.lemma_.lower()
        if lexicon.ROLE_NOUNS.get(lemma) == "organization":
            for child in head.children:  # "The employers' association, Deltalinqs, said": Deltalinqs
                appositive = self.actor_at(child) if child.dep_ == "appos" else None
                if appositive is not None and self.records[appositive].kind != "person":
                    described = self._np_span(head, keep_preps=frozenset())
                    if described is not None and described.end <= child.left_edge.i:
                        self._mention(self.records[appositive], described)  # its description is an alias
                    return [appositive]
        if head.pos_ == "NOUN" and (beside := self._named_in_apposition(head)) is not None:
            return [beside]  # "Its largest investor, the activist fund Elm Capital, said": Elm Capital
        modifiers = [
            t
            for t in head.subtree
            if t.i < head.i and t.dep_ in {"compound", "amod", "poss", "nmod", "conj", "npadvmod"}
        ]
        for child in head.children:  # "Opposition groups in Zimbabwe", "King Hassan of Morocco"
            if child.dep_ == "prep" and child.lower_ in {"of", "in", "from"}:
                modifiers.extend(t for t in child.subtree if t.dep_ in {"pobj", "compound", "conj"})
        modifier_keys: list[str] = []
        for token in modifiers:
            key = self.actor_at(token)
            if key is not None and key not in modifier_keys:
                modifier_keys.append(key)
        if (
            roles
            and create
            and lemma in _MANY_STATES
            and head.tag_ == "NNS"
            and all(self.records[k].kind == "igo" for k in modifier_keys)
        ):  # "More than 100 countries pledged", "EU member states agreed" (of a bloc, not one state)
            return [self._role_actor(head, lemma, modifier_keys)]
        if roles and create and lemma in _HOW_MANY and _of_many_states(head):
            return [self._role_actor(head, lemma, modifier_keys)]  # "Dozens of nations pledged"
        if lemma in lexicon.REPRESENTATIVE_NOUNS:
            if named := self._named_in(head):
                return named  # "Norway's transport minister, Jon Berg,": the minister named
            if modifier_keys:
                return modifier_keys
            for child in head.children:  # "Leaders of the opposition coalition"
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return self.resolve(pobj, create=create)
            if roles and create and lemma in lexicon.ROLE_NOUNS:
                return self._named_in(head) or [self._role_actor(head, lemma, modifier_keys)]  # "Officials said"
            return []
        organisations = [k for k in modifier_keys if not k.startswith(("state:", "person:", "gpe:"))]
        if (
            lemma in lexicon.AGENT_NOUNS
            and lexicon.AGENT_NOUNS[lemma] != "group"
            and organisations
            and self.records[organisations[0]].kind != "state"
        ):
            return organisations[:1]  # "the APEC forum", "the Hamas movement" (not "union farmers")
        if lemma in {"government", "regime"} and len(modifier_keys) == 1 and modifier_keys[0].startswith("state:"):
            record = self.records[modifier_keys[0]]
            span = self._np_span(head)
            if span is not None:
                self._mention(record, span)
            return modifier_keys
        if lemma in {"government", "regime"} and head.tag_ == "NN" and not modifier_keys and not roles:
            state = self.state_called(self._context_state())  # "urged the government to": the article's state
            if state is not None:
                self._mention(state, self._np_span(head) or self.doc[head.i : head.i + 1])
                return [state.key]
        if not roles and lemma in lexicon.ORGANISATION_NOUNS and head.tag_ == "NN":
            span = self._np_span(head)
            one = self._the_one_organisation(lemma, before=head.i)
            if span is not None and span.text.lower() == lemma and one is not None:
                self._mention(one, span)  # "gave the company 90 days", after "ordered Nordwind to pay"
                return [one.key]
        if not create:
            return []
        if (
            roles
            and head.pos_ == "NOUN"
            and lemma in lexicon.ROLE_NOUNS
            and (lemma not in lexicon.AGENT_NOUNS or not modifier_keys)
        ):
            return self._named_in(head) or [self._role_actor(head, lemma, modifier_keys)]
        if (
            roles
            and head.pos_ == "NOUN"
            and lemma not in lexicon.AGENT_NOUNS
            and (trade := agent_nouns.agent_kind(head.lower_, self.words, plural=head.tag_ == "NNS")) is not None
        ):  # "the contractors", "the carmaker", "pharmacists": named by what they do
            return self._named_in(head) or [self._role_actor(head, lemma, modifier_keys, trade)]
        if lemma in lexicon.AGENT_NOUNS or (
            head.pos_ == "PROPN"
            and head.ent_type_
            not in {
                "DATE",
                "TIME",
                "MONEY",
                "CARDINAL",
                "PERCENT",
                "LOC",
                "FAC",
                "EVENT",
                "LAW",
                "WORK_OF_ART",
                "PRODUCT",
            }
        ):
            span = self._np_span(head)
            if span is None or (head.pos_ != "PROPN" and not modifier_keys and len(span) == 1):
                return []
            owner = next((c for c in head.children if c.dep_ == "poss" and c.i < head.i), None)
            proper = head.pos_ == "PROPN" and head.text[:1].isupper()  # "Gazprom", not "ministry" tagged as a name
            if proper and owner is not None and (self.actor_at(owner) or "").startswith("state:"):
                span = self.doc[owner.right_edge.i + 1 : span.end]  # "Russia's Gazprom": Gazprom, of Russia
            if not latin_script(span.text):
                return []
            if head.pos_ == "PROPN" and len(span) == 1 and (person := self._match_person([head.text])):
                self._mention(self.records[person], span)  # "Adams told reporters": Willie Adams, not another
                return [person]
            if head.pos_ == "PROPN" and (company := self._match_org(span.text)) is not None:
                self._mention(self.records[company], span)  # "Meridian will ...": Meridian Pharma
                return [company]
            named = [k for k in modifier_keys if self.records[k].kind == "person"]
            if head.pos_ == "PROPN" and named and head.i > 0 and self.actor_at(head.nbor(-1)) == named[0]:
                self._mention(self.records[named[0]], span)  # "Njuguna Ndung'u": a surname the recognizer cut off
                return named[:1]
            kind: ActorKind = lexicon.AGENT_NOUNS.get(lemma, "other")  # type: ignore[assignment]
            before = self.doc[span.start - 1] if span.start > 0 else None
            if (
                kind == "other"
                and before is not None
                and lexicon.ROLE_NOUNS.get(before.lemma_.lower()) == "organization"
            ):
                kind = "organization"  # "the unions FNV Havens and ACV said": a name after its kind
            text = _norm(span.text)
            key = "np:" + text.lower()
            record = self._record(key, text, kind)
            record.created = True
            if modifier_keys and record.affiliation is None:
                record.affiliation = self.records[modifier_keys[0]].name
            self._mention(record, span)
            return [key]
        return []

    def _role_actor(self, head: Token, lemma: str, modifier_keys: list[str], trade: ActorKind | None = None) -> str:
        """An actor named by a role noun phrase: 'mayor' (person), 'Café owners' (group), 'union'."""
        doc = head.doc
        span = self._np_span(head, keep_preps=frozenset({"of"})) or doc[head.i : head.i + 1]
        while len(span) > 1 and span[0].i < head.i and (span[0].lower_ in _QUANTIFIERS or span[0].tag_ == "PRP$"):
            span = span[1:]  # "their citizens", "many schools": the name is the noun phrase itself
        text = _norm(span.text)
        kind: ActorKind = trade or lexicon.ROLE_NOUNS.get(lemma, "group")  # type: ignore[assignment]
        plural = head.tag_ in {"NNS", "NNPS"}
        if plural and kind != "armed_group":
            kind = "group"  # "ministers", "unions": several actors speaking as one
        ranked = sorted(modifier_keys, key=lambda k: self.records[k].kind != "state")
        affiliation = next(
            (self.records[k].name for k in ranked if self.records[k].kind in {"state", "organization", "igo"}), None
        )
        if lemma in {"government", "regime"} and not plural:
            served = self._possessors_body(head, {"state"})
            state = self.state_called(affiliation or (served.name if served else None) or self._context_state())
            if state is not None:  # "her government", "the government": the one state the article is about
                self._mention(state, span)
                return state.key
        if plural and lemma in _INSURGENTS and text.lower() == head.lower_ and (group := self._the_one_group(head.i)):
            self._mention(group, span)  # "the rebels", after "the FARC rebels" or "M23": that group
            return group.key
        if text.lower() == lemma and not plural and (named := self._the_one_named(lemma)) is not None:
            self._mention(named, span)  # "the union", after "the teachers union" or the Kenya National Union
            return named.key
        if (
            text.lower() == lemma
            and not plural
            and lemma in lexicon.ORGANISATION_NOUNS
            and (company := self._the_one_organisation(lemma, before=head.i)) is not None
        ):
            self._mention(company, span)  # "Boeing's chief said the company would ...": Boeing
            return company.key
        key = "np:" + text.lower()
        record = self._record(key, text, kind)
        record.created = True
        record.role = True
        record.affiliation = record.affiliation or affiliation
        self._mention(record, span)
        return key

    def _possessors_body(self, head: Token, kinds: set[str]) -> ActorRecord | None:
        """Whom the person just named serves, if of one of `kinds`: 'his government' after 'Armenian
        Prime Minister Nikol Pashinyan' (Armenia), 'his forces' after 'RSF commander Mohamed Dagalo'."""
        if not any(c.dep_ == "poss" and c.lower_ in {"his", "her"} for c in head.children):
            return None
        person = self.recent(head.i, person=True)
        affiliation = self.records[person].affiliation if person else None
        return next((r for r in self.records.values() if r.name == affiliation and r.kind in kinds), None)

    def _named_in_apposition(self, head: Token) -> str | None:
        """The actor a noun is set beside ('the investor, Elm Capital,'), or beside the noun set beside
        it ('the investor, the activist fund Elm Capital,')."""
        for child in (c for c in head.children if c.dep_ == "appos"):
            for named in [child, *(c for c in child.children if c.dep_ == "appos")]:
                key = self.actor_at(named)
                if key is not None:
                    return key
        return None

    def _possessed_by_a_person(self, head: Token) -> bool:
        """'his party', 'her company', with a person just named to be the 'his' or 'her'."""
        his = any(c.dep_ == "poss" and c.lower_ in {"his", "her"} for c in head.children)
        return his and self.recent(head.i, person=True) is not None

    def state_called(self, name: str | None) -> ActorRecord | None:
        """The state record of a state's name, if the article names it."""
        return self.records.get(f"state:{name}") if name else None

    def _the_one_named(self, word: str) -> ActorRecord | None:
        """The one organisation whose name of several words has `word` in it, or that the text called
        by it; None for none or two."""
        words = _LABOUR_BODIES if word in _LABOUR_BODIES else {word}  # "the union" for "the federation, Fenats"
        named = [
            r
            for r in self.records.values()
            if r.kind in {"organization", "igo", "armed_group"}
            and ((len(r.name.split()) > 1 and word in r.name.lower().split()) or words & r.described_as)
        ]
        return named[0] if len(named) == 1 else None

    def _the_one_group(self, before: int) -> ActorRecord | None:
        """The one armed group named (not described) before a token; None for none or two."""
        named = [
            r
            for r in self.records.values()
            if r.kind == "armed_group" and not r.created and r.positions and min(r.positions) < before
        ]
        return named[0] if len(named) == 1 else None

    def _the_one_organisation(self, word: str, before: int) -> ActorRecord | None:
        """The one organisation named (not described) before a token; None for none or two. A
        company is called 'the company', a militant group or the IAEA 'the group', 'the agency'.
        Of several, the one the story has just been about ('Ofgem ordered Northwind to refund ...
        Northwind accepted the ruling. Its chief said the company would'), unless it was named with
        another ('Boeing and Airbus bid. The company said': neither)."""
        kinds = {"organization", "other"} | ({"igo", "armed_group"} if word in _ANY_ORGANISATION else set())

        def fits(r: ActorRecord) -> bool:
            return (
                r.kind in kinds
                # "the airline" is no pilots' union, nor "the company" the body the text called a union
                and (word in _ANY_ORGANISATION or not _an_institution(r.name, r.described_as))
                and (not r.created or r.kind == "other")  # named, or a proper name the recognizer left untyped
            )

        just: ActorRecord | None = None
        sentence_start = 0
        for i in range(before - 1, max(-1, before - 1 - _JUST_NAMED), -1):  # back through the last sentence or so
            key = self.token_actor.get(i)
            if just is not None and i < sentence_start:
                return just
            if key is None or (just is not None and key == just.key) or not fits(self.records[key]):
                continue
            if just is not None:
                return None  # two named in one sentence
            just, sentence_start = self.records[key], self.doc[i].sent.start
        if just is not None:
            return just
        named = (r for r in self.records.values() if fits(r) and r.positions and min(r.positions) < before)
        first_two = list(islice(named, 2))  # a second one is enough to say it is neither
        return first_two[0] if len(first_two) == 1 else None

    def _named_in(self, head: Token) -> list[str]:
        """A person named inside a role phrase ('the spokesman, John Smith,'; 'director Alia Salem')."""
        for token in head.subtree:
            key = self.actor_at(token)
            if key is not None and self.records[key].kind == "person" and head.i < token.i <= head.i + 8:
                return [key]
        return []

    def _context_state(self) -> str | None:
        """The state an article is about: the only one named, or one named far more than any other.
        A state named only as where someone comes from ('mediators from Norway') is not it."""
        counts = sorted(
            (
                (len(own), r.name)
                for r in self.records.values()
                if r.key.startswith("state:") and (own := [p for p in r.positions if not self._origin(p)])
            ),
            reverse=True,
        )
        if not counts:
            return None
        if len(counts) == 1 or counts[0][0] >= 2 * counts[1][0]:
            return counts[0][1]
        return None

    def _origin(self, position: int) -> bool:
        """'envoys from Qatar', 'troops from Kenya': a name that says where others come from."""
        token = self.doc[position]
        prep = token.head
        return token.dep_ == "pobj" and prep.lower_ == "from" and prep.head.pos_ in {"NOUN", "PROPN"}

    def _np_span(self, head: Token, keep_preps: frozenset[str] = frozenset({"of", "in", "from"})) -> Span | None:
        """The noun phrase of a head without determiners, clauses or appositions."""
        skip = [
            c
            for c in head.children
            if c.dep_ in {"relcl", "acl", "appos", "punct", "cc", "conj", "advmod", "det", "predet"}
        ]
        skip += [c for c in head.children if c.dep_ == "prep" and c.lower_ not in keep_preps]
        left, right = subtree_range(head, skip)
        doc = head.doc
        while left < head.i and (doc[left].lower_ in _DETS or doc[left].is_punct):
            left += 1
        if right - left + 1 > 10:
            left = max(left, head.i - 5)
            right = head.i
        return doc[left : right + 1] if right >= left else None

    def recent(
        self, before: int, *, person: bool | None, window: int = 400, subject: bool = False, single: bool = False
    ) -> str | None:
        """The actor mentioned last before token `before` (a person, or not, or either);
        with `subject`, only mentions that were the subject of their clause count; with `single`,
        only mentions in the singular ('it' is never 'the attorneys general')."""
        best: tuple[int, str] | None = None
        for record in self.records.values():
            if person is True and record.kind != "person":
                continue
            if person is False and record.kind == "person":
                continue
            for position in record.positions:
                if subject and self.doc[position].dep_ not in {"nsubj", "nsubjpass"}:
                    continue
                if single and self.doc[position].tag_ in {"NNS", "NNPS"}:
                    continue
                if before - window <= position < before and (best is None or position > best[0]):
                    best = (position, record.key)
        return best[1] if best else None

    def recent_pair(
        self,
        before: int,
        kind: str,
        titles: frozenset[str] | None = None,
        *,
        exclude: frozenset[str] = frozenset(),
        most_named: bool = False,
        among: frozenset[str] = frozenset(),
    ) -> list[str]:
        """The last two distinct actors of a kind before a token ('the two leaders'), but those in
        `exclude`; with title words ('the two presidents'), only people whose title has one. With
        `most_named`, the two named most often before it ('both sides' of a dispute are its parties,
        not whoever was named last), the later first on a tie; of those `among`, when two or more are."""
        seen: list[tuple[int, int, str]] = []
        among = among - exclude
        for record in self.records.values():
            if (kind == "person") != (record.kind == "person") or record.key in exclude:
                continue
            if len(among) >= 2 and record.key not in among:
                continue
            if titles and not titles & record.title_words:
                continue
            positions = [p for p in record.positions if p < before]
            if positions:
                seen.append((len(positions) if most_named else 0, max(positions), record.key))
        seen.sort(reverse=True)
        return [key for _, _, key in seen[:2]] if len(seen) >= 2 else []
