"""Commitments: cue words attached to actor subjects through the dependency parse.

Why rules: the cue lexicon (agree, pledge, plan, demand, refuse, threaten, "will" ...) plus
the parse (subject, object, complement, condition, negation, speech verb) gives a table that
is fast, offline and explainable, and a baseline for the LLM engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, LOWER
from spacy.strings import StringStore
from spacy.tokens import Doc, Span, Token

from schemas.analysis import CommitmentKind, Modality, Status
from service.engines.rules import agent_nouns, lexicon, syntax, timex
from service.engines.rules.actors import ActorIndex
from service.engines.rules.nlp import text_of, trim

_MODALS_FUTURE = frozenset({"will", "shall", "'ll", "wo"})
_MODALS_REPORTED = frozenset({"would", "'d"})
_MODALS_MAY = frozenset({"may", "might", "could"})
_OBLIGATION = frozenset({"must", "should"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})
_REAFFIRM = frozenset({"again", "reiterate", "repeat", "reaffirm", "renew", "restate", "still", "continue"})
# "has to", "needs to", "is required to", "is obliged to": an obligation like "must" (forms, as
# the lemmatiser leaves "needs" as it is).
_OBLIGATION_FORMS = frozenset({"have", "has", "had", "need", "needs", "needed", "required", "obliged", "obligated"})
_BE_FORMS = frozenset({"is", "are", "was", "were", "'s", "'re"})
_PAIR_WORDS = {
    "leader": "person",
    "president": "person",
    "minister": "person",
    "side": "state",
    "party": "state",  # "urged both parties to honour the deal"
    "faction": "state",
    "country": "state",
    "nation": "state",
    "government": "state",
}


# What a pact does to its parties, as the tagger may read it (it took "obliges" for a plural noun).
_BINDING = frozenset(
    {"commit", "commits", "committed", "oblige", "obliges", "obliged", "obligate", "obligates", "obligated", "bind",
     "binds", "require", "requires", "required", "compel", "compels"}
)  # fmt: skip
# The titles of the people a pair word names: "the two presidents", "both leaders" (heads of state
# or government, whatever they are called).
_PAIR_TITLES: dict[str, frozenset[str]] = {
    "president": frozenset({"president"}),
    "minister": frozenset({"minister"}),
    "leader": frozenset(
        {"president", "prime", "premier", "chancellor", "leader", "king", "queen", "emir", "sultan", "chairman"}
    ),
}

# Every word `_dispatch` may act on (lower-cased forms and lemmas), to skip all other tokens.
_CUE_WORDS: frozenset[str] = frozenset(
    {
        *_MODALS_FUTURE,
        *_MODALS_REPORTED,
        *_MODALS_MAY,
        *_OBLIGATION,
        *_OBLIGATION_FORMS,
        "going",  # "are going to"
        *lexicon.VERB_CUES,
        *lexicon.ADJ_CUES,
        *lexicon.NOUN_CUES,
        *_BE_FORMS,
        "sign",  # "signed a pact to ..."
        *lexicon.BROKERING_VERBS,  # "brokered a truce between ..."
        "give",  # "gave the rebels 48 hours to ..."
        *_BINDING,  # "the treaty obliges both countries to ..."
        "can",  # "cannot prevent X from ..."
        "ca",  # "ca n't"
    }
)
# "X cannot prevent Y from ...": X will not restrain Y (Lavrov: "Russia cannot prevent the Syrian army").
_RESTRAIN = frozenset({"prevent", "stop", "restrain", "prohibit", "forbid", "block", "bar"})
# Conditions that make a plan coercive: "unless Y ...", "if Y does not / fails to ...".
_COERCIVE = re.compile(r"(?i)^(?:unless\b|if\b.*\b(?:not|n't|never|no longer|fails?|refuses?)\b)")
_CUE_HASHES: frozenset[int] = frozenset(StringStore().add(w) for w in _CUE_WORDS)  # hashes are store-independent


def _done_before(clause: Token, verb: Token) -> bool:
    """A clause before the cue that reports what was done ("Not only did the cabinet approve X, it also
    vowed ..."): not what is vowed. A fronted quote of the undertaking ('"We will rebuild," she vowed')
    stays: it is in the future."""
    if clause.i > verb.i:
        return False
    return clause.tag_ == "VBD" or any(
        c.dep_ in {"aux", "preconj"} and c.lower_ in {"did", "does", "do", "not"} for c in clause.children
    )


# What "want to" / "offer" take when nothing is undertaken: "want to thank", "offered an apology".
_COURTESIES = frozenset({"thank", "congratulate", "welcome", "apologize", "apologise", "express", "acknowledge"})
# Participles of regarding: "must be seen in context" asks for a view, not a deed.
_REGARDED = frozenset({"viewed", "seen", "considered", "understood", "regarded", "treated", "judged", "interpreted"})
_RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})  # "which", "who", "whose"
_TIME_UNITS = frozenset({"minute", "hour", "day", "week", "month", "year", "deadline"})
# Deeds one would "not hesitate" to do that are help, not pressure.
_BENIGN = frozenset({"help", "support", "assist", "cooperate", "welcome", "contribute", "share"})
# Actor kinds that have members.
_BODIES = frozenset({"organization", "igo", "armed_group", "other"})
# Subjects of "said" that are documents: the 'it' they speak of is whoever issued them, named before.
_DOCUMENTS = frozenset({"statement", "report", "letter", "document", "communique", "filing", "release", "notice"})
_NO_COMMENT = frozenset({"comment", "elaborate", "speculate", "confirm", "say"})
_EXPRESSIONS = frozenset({"apology", "condolence", "sympathy", "congratulation", "thanks", "regret", "prayer"})
_WHATEVER = frozenset({"everything", "anything", "something", "nothing", "all", "much", "little", "lot", "more"})
# Passive futures that are forecasts of what someone will undergo, not arrangements: "will be felt".
_UNDERGONE = frozenset(
    {"feel", "felt", "see", "seen", "notice", "noticed", "affect", "affected", "hit", "impact", "impacted", "know",
     "known", "remember", "remembered"}
)  # fmt: skip


@dataclass
class Found:
    """A commitment as detected: actor keys (not yet refs), offsets into the article text."""

    actors: list[str]
    kind: CommitmentKind
    action: str
    start: int
    end: int
    cue: int
    counterparties: list[str] = field(default_factory=list)
    when: tuple[str, str | None] | None = None
    condition: str | None = None
    modality: Modality = "firm"
    status: Status = "new"
    attributed_to: str | None = None


# An action that only points back to one before it ("has refused to do so").
_PRO_ACTION = re.compile(r"(?i)^(?:do|doing)\s+(?:so|that|it|this)\b")
# Statements about the world: rejecting one ("rejected reports that") refuses nothing.
_STATEMENTS = frozenset({"report", "claim", "allegation", "rumor", "rumour", "speculation", "accusation"})
# What a denial denies the existence of ("denied plans to"), where rejecting a plan would be a refusal.
_CLAIMS = _STATEMENTS | {"plan", "suggestion", "intention"}
# A "sentence" longer than this is a list, a table or text without punctuation: its parse is not
# reliable enough to state a commitment from, and every cue in it would walk all of it.
MAX_SENTENCE_TOKENS = 150


class Detector:
    """Finds commitments in one parsed document, given its actors."""

    def __init__(self, doc: Doc, actors: ActorIndex, published: str | None = None) -> None:
        self.doc = doc
        self.actors = actors
        self.published = published
        self.found: list[Found] = []
        self._covered: set[int] = set()
        self._sentence_of: dict[int, Span] = {}
        self._times = timex.time_entities(doc)

    # -- entry ----------------------------------------------------------------------------
    def run(self) -> list[Found]:
        """Every commitment of the document, in text order."""
        sentences = list(self.doc.sents)
        for sent in sentences:
            for i in range(sent.start, sent.end):
                self._sentence_of[i] = sent
        # only tokens whose form or lemma is a cue word are worth a closer look
        rows = self.doc.to_array([LOWER, LEMMA]).tolist()
        for i, (lower, lemma) in enumerate(rows):
            if (lower in _CUE_HASHES or lemma in _CUE_HASHES) and i not in self._covered:
                sent = self._sentence_of[i]
                if len(sent) > MAX_SENTENCE_TOKENS:
                    continue  # not a sentence the parse can be trusted on (and reading it costs its square)
                if sent.start_char >= self.actors.headline_end:  # a headline restates the story
                    self._dispatch(self.doc[i], sent)
        for item in self.found:
            pointer = _PRO_ACTION.match(item.action)
            if pointer and (antecedent := self._what_so_stands_for(item)) is not None:
                item.action = antecedent + item.action[pointer.end() :]  # "do so by Friday": its when kept
        return self.found

    def _what_so_stands_for(self, item: Found) -> str | None:
        """'Ukraine asked Germany to supply Taurus missiles. Scholz has refused to do so': what the
        undertaking just before was about, in this sentence or the last; or what a question just
        before asked ('Will Berlin send the missiles? Scholz has refused to do so')."""
        sent = self._sentence_of[item.cue]
        previous = self._sentence_of.get(sent.start - 1)
        since = previous.start if previous is not None else sent.start
        before = [f for f in self.found if since <= f.cue < item.cue and not _PRO_ACTION.match(f.action)]
        if before:
            return before[-1].action
        if previous is None or not syntax.is_question(previous):
            return None
        asked = previous.root
        if asked.pos_ != "VERB":
            return None
        rng = syntax.phrase_range(
            asked, [c for c in asked.children if c.dep_ in {"nsubj", "aux", "punct", "advcl", "cc", "conj"}]
        )
        return self._slice(rng)

    def _dispatch(self, token: Token, sent: Span) -> None:
        if syntax.in_condition(token):
            return  # "if the UN asks for help": a hypothesis, not a commitment
        lemma = token.lemma_.lower()
        lower = token.lower_
        if token.dep_ in {"aux", "auxpass"} and (
            lower in _MODALS_FUTURE or lower in _MODALS_REPORTED or lower in _MODALS_MAY
        ):
            self._modal(token, sent)
        elif lower == "going" and token.tag_ == "VBG":
            self._going_to(token, sent)
        elif token.dep_ in {"aux"} and lower in _OBLIGATION:
            self._obligation(token, sent)
        elif lower in _OBLIGATION_FORMS and (inner := self._periphrastic_obligation(token)) is not None:
            self._obligation(token, sent, inner)
        elif lower in _BINDING and (pact := self._binding_pact(token)) is not None:
            self._bound_by_pact(token, pact, sent)
        elif token.pos_ in {"VERB"} and lemma in lexicon.VERB_CUES:
            self._verb(token, sent)
        elif token.pos_ == "VERB" and lemma == "sign":
            self._signed_pact(token, sent)
        elif token.pos_ == "VERB" and lemma in lexicon.BROKERING_VERBS:
            self._brokered(token, sent)
        elif token.pos_ == "VERB" and lemma == "give":
            self._deadline_given(token, sent)
        elif token.dep_ == "aux" and lower in {"can", "ca"}:
            self._cannot_restrain(token, sent)
        elif (
            token.pos_ in {"ADJ", "VERB"}
            and lower in lexicon.ADJ_CUES
            and token.dep_ in {"acomp", "amod", "ROOT", "conj", "ccomp", "xcomp"}
        ):
            self._adjective(token, sent)
        elif token.pos_ == "NOUN" and lemma in lexicon.NOUN_CUES:
            self._noun(token, sent)
        elif lower in _BE_FORMS and token.dep_ in {"ROOT", "ccomp", "conj"}:
            self._be_to(token, sent)

    # -- cue kinds ------------------------------------------------------------------------
    def _verb(self, verb: Token, sent: Span) -> None:
        lemma = verb.lemma_.lower()
        kind = lexicon.VERB_CUES[lemma]
        if _possible_only(verb):
            return  # "may vote to oust", "could agree to pay", "might reject": what may yet happen
        future = any(c.dep_ == "aux" and c.lower_ in _MODALS_FUTURE | _MODALS_REPORTED for c in verb.children)
        if syntax.negated(verb):
            if not (future and kind in {"agreement", "promise", "plan"}):
                return
            kind = "refusal"  # "will not accept", "would not meet"
        if verb.tag_ in {"VBN"} and verb.dep_ in {"amod", "acl"} and not syntax.has(verb, "agent"):
            return
        if future and lemma == "boycott":
            kind = "threat"  # a boycott announced for the future is a threat
        if verb.lower_ in lexicon.ADJ_CUES and syntax.has(verb, "auxpass") and not syntax.has(verb, "agent"):
            self._adjective(verb, sent)  # "is opposed to", "is committed to"
            return
        if verb.tag_ == "VBG" and verb.dep_ in {"amod", "pcomp", "csubj"} and not syntax.alongside(verb):
            return
        objects = {c.lemma_.lower() for c in verb.children if c.dep_ == "dobj"}
        if (lemma in syntax.DENIALS and (syntax.has(verb, "ccomp") or objects & _CLAIMS)) or (
            kind == "refusal" and objects & _STATEMENTS
        ):
            return  # "denied that ...", "rejected reports that ...", "denied plans to": a denial, not a refusal
        if lemma == "rule" and not _has_particle(verb, "out"):
            return  # "ruled that ...": a ruling; "ruled out X" is the refusal
        if lemma == "turn" and not (
            _has_particle(verb, "down")
            or any(o.lemma_.lower() in lexicon.OFFERS for p in _preps(verb, "down") for o in p.children)
        ):
            return  # "turned to", "turned down the street": nothing refused
        if lemma == "vote":
            if _has_particle(verb, "down") or _preps(verb, "down", "against"):
                kind = "refusal"  # "voted down the plan", "voted against the bill"
            elif not any(c.dep_ == "xcomp" for c in verb.children):
                return  # "voted for", "voted on", "voted in the election": no undertaking of its own
        if kind == "refusal" and any(
            c.dep_ == "xcomp" and lexicon.VERB_CUES.get(c.lemma_.lower()) == "refusal" for c in verb.children
        ):
            return  # "refused to rule out", "declined to reject": refusing a refusal commits to nothing
        if lemma == "warn" and not self._own_warning(verb):
            return  # "warned against cutting", "warned that X could ...": an opinion, not a threat
        if lemma == "warn" and (_tells_someone_to(verb) or self._warned_off(verb)):
            kind = "demand"  # "warned drivers to avoid the motorway", "warned Turkey to stop": what they are to do
        passive = syntax.has(verb, "auxpass") or syntax.has(verb, "nsubjpass")
        xcomps = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
        preps = [
            c
            for c in verb.children
            if c.dep_ in {"prep", "prt"}
            and c.lower_ in lexicon.CUE_PREPS.get(lemma, frozenset())
            and any(True for _ in c.children)  # a bare particle ("turned down an offer") names nothing
            and not _dated(c)
        ]
        asked_of: list[Token] = []
        for prep in [p for p in preps if p.lower_ == "for" and lemma in lexicon.OBJECT_CONTROL]:
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            deed = next(
                (
                    c
                    for c in verb.children
                    if pobj is not None
                    and c.dep_ == "advcl"
                    and c.left_edge.i == pobj.right_edge.i + 1
                    and c.left_edge.lower_ == "to"
                ),
                None,
            )
            if pobj is not None and deed is not None and self._people(pobj):
                # "called for Ofgem to fine the supplier": Ofgem is asked, and fining is what is asked
                xcomps.append(deed)
                asked_of.append(pobj)
                preps.remove(prep)
        if not xcomps and not preps:  # "sworn to fight", "threatened on Tuesday to walk off" read as a purpose
            xcomps = [
                c
                for c in verb.children
                if c.dep_ == "advcl"
                and c.i > verb.i
                and any(a.dep_ == "aux" and a.lower_ == "to" and _only_adjuncts_between(verb, a) for a in c.children)
            ] or [  # "pledged to triple renewables", the verb taken for an adjective: "to" + "triple renewables"
                c
                for c in verb.children
                if c.dep_ == "prep"
                and c.lower_ == "to"
                and c.i == verb.i + 1
                and c.i + 1 < len(c.doc)
                and c.doc[c.i + 1].tag_ in {"JJ", "VB", "VBP"}
                and kind in {"promise", "plan", "threat", "agreement"}
            ]
        if preps:  # "agreed to a truce to allow aid in", "appealed for $250 million to fund": a purpose
            xcomps = [x for x in xcomps if not any(p.i < x.i and not _addressee(lemma, p) for p in preps)]
        if _asked_aside(verb):
            return  # "The minister, asked whether taxes would rise, said ...": he was asked; he asks nothing
        ccomps = [c for c in verb.children if c.dep_ == "ccomp" and not _done_before(c, verb)]
        dobjs = [
            c
            for c in verb.children
            if c.dep_ in {"dobj", "dative"}
            and (c.pos_ in {"NOUN", "PROPN", "PRON"} or (c.pos_ == "NUM" and c.ent_type_ == "MONEY"))
        ]  # "pledged $350 million in aid": a sum of money is a thing committed too
        cleft = next((d for d in dobjs if d.tag_ == "WP"), None) if verb.dep_ in {"csubj", "csubjpass"} else None
        if cleft is not None:
            # "What the union demanded was a pay rise": what is demanded is what the clause is said to be
            # ("What the government promised was never delivered" says nothing of the kind)
            dobjs = [c for c in verb.head.children if c.dep_ in {"attr", "ccomp", "xcomp"} and c.i > verb.i]
            if not dobjs or verb.dep_ == "csubjpass":
                return
        if lemma == "insist" and ccomps and all(_states_a_fact(c) for c in ccomps) and not preps:
            return  # "insisted the talks would continue", "insisted he was innocent": a claim, not a demand
        if lemma == "agree" and ccomps and not xcomps and all(_concurs(c) for c in ccomps):
            return  # "agreed that the situation was serious": a view shared, nothing undertaken
        if lemma == "agree" and any(x.lemma_.lower() == "disagree" for x in xcomps):
            return  # "agreed to disagree": no agreement at all
        if lemma in {"deny", "dismiss"} and not any(d.lemma_.lower() in lexicon.GRANTED for d in dobjs):
            return  # "denied wrongdoing", "dismissed the criticism": a fact denied, nothing refused
        targets: list[Token] = list(asked_of)
        if passive:
            subjects = syntax.agent(verb)
            if lemma == "expect":  # "X is expected to ..."
                subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
                if not xcomps or not subjects:
                    return
                self._emit_with_subjects(verb, sent, subjects, "plan", xcomps, [], modality="expected")
                return
            if not subjects:
                return
            targets = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if lemma in syntax.DENIALS and any(t.lemma_.lower() in _CLAIMS for t in targets):
                return  # "Rumours that X will ... were denied by Y": a denial, not a refusal
            keys = self._keys(subjects, verb)
            if not keys:
                return
            if not (xcomps or ccomps or preps):
                self._passive_object(verb, sent, keys, kind, targets)
                return
            self._emit(verb, sent, keys, kind, self._complements(verb, xcomps, ccomps, [], preps), targets)
            return
        wanted = [c for c in ccomps if syntax.has(c, "aux") and syntax.has(c, "nsubj")] if lemma == "want" else []
        if wanted and not xcomps and any(self._people(s) for c in wanted for s in c.children if s.dep_ == "nsubj"):
            # "wants parliament to approve the deal": what another is to do, a demand of them
            kind, targets = "demand", [s for c in wanted for s in c.children if s.dep_ == "nsubj"]
        elif lemma in lexicon.NEEDS_XCOMP and not xcomps and not (lemma == "commit" and preps):
            return
        if lemma in lexicon.INTENTIONS and any(c.dep_ == "aux" and c.lower_ in {"had", "'d"} for c in verb.children):
            return  # "had hoped to close the deal by June": an intention given up or overtaken
        if kind != "refusal" and _then_done(verb):
            return  # "promised investors a dividend and delivered it in March": kept, no longer to be done
        if lemma == "prepare" and verb.tag_ == "VBD" and not syntax.has(verb, "aux") and not syntax.reported(verb):
            return  # "the army prepared to resume shelling": preparations told, nothing undertaken
        if kind != "refusal" and xcomps and all(x.lemma_.lower() in _COURTESIES for x in xcomps):
            return  # "We want to thank ...", "wished to congratulate": a courtesy, not an undertaking
        if kind == "refusal" and xcomps and all(x.lemma_.lower() in _NO_COMMENT for x in xcomps):
            return  # "declined to comment", "refused to confirm": no answer given, nothing refused
        if kind == "promise" and dobjs and all(d.lemma_.lower() in _EXPRESSIONS for d in dobjs) and not xcomps:
            return  # "offered an apology", "offered condolences": said, not undertaken
        if (
            dobjs
            and all(
                d.lemma_.lower() in _WHATEVER and not any(c.dep_ in {"prep", "relcl", "acl"} for c in d.children)
                for d in dobjs
            )
            and not (xcomps or ccomps or preps)
        ):
            return  # "They promise everything and deliver nothing": no undertaking named ("a lot of jobs" is)
        object_complement = any(c.dep_ == "xcomp" for d in dobjs for c in d.children)
        if lemma in lexicon.NEEDS_CLAUSE and not (xcomps or ccomps or preps or object_complement):
            return
        if lemma in lexicon.NEEDS_COMPLEMENT and not (xcomps or ccomps or dobjs or preps):
            return
        # "urged Turkey to ...": the object is the counterparty, the infinitive the action
        if lemma in lexicon.OBJECT_CONTROL:
            for obj in dobjs:
                inner = [c for c in obj.children if c.dep_ in {"xcomp", "acl"} and c.pos_ == "VERB"]
                if inner:
                    xcomps = xcomps + inner
            for prep in list(preps):  # "called on X to ...": X is the counterparty, not a second action
                if prep.lower_ == "against":
                    continue  # "warned Manila against any attempt to resupply": the attempt is what is warned off
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    targets.append(pobj)
                    xcomps = xcomps + [c for c in pobj.children if c.dep_ in {"xcomp", "acl"} and c.pos_ == "VERB"]
                if prep.lower_ in {"on", "upon"} or (_addressee(lemma, prep) and xcomps):
                    preps.remove(prep)  # without an infinitive, "called on Turkey" is a visit
            if xcomps or ccomps or (preps and lemma != "call"):  # "asked allies for air defences": allies asked
                targets += dobjs
                dobjs = []
            if not (xcomps or ccomps or dobjs or preps):
                return  # "called on Turkey": a visit, or an appeal that asks for nothing said
        addressees = [d for d in dobjs if self._people(d)]
        if addressees and (xcomps or ccomps):  # "promised residents that the library would reopen": told whom
            targets += addressees
            dobjs = [d for d in dobjs if d not in addressees]
        # "offered the boy an internship": the boy receives it (two objects, the first maybe parsed as dobj)
        if len(dobjs) == 2 and any(t.text == "," for t in self.doc[dobjs[0].right_edge.i : dobjs[1].left_edge.i]):
            dobjs = dobjs[:1]  # "pledged €2 billion in aid, the largest package so far": the second restates it
        datives = [d for d in dobjs if d.dep_ == "dative"] or (dobjs[:1] if len(dobjs) == 2 else [])
        if datives and len(datives) < len(dobjs):
            targets += datives
            dobjs = [d for d in dobjs if d not in datives]
        if lemma == "expect":
            if any(x.lemma_.lower() in lexicon.OUTCOME_VERBS for x in [*xcomps, *ccomps]):
                return  # "expected the state to win": a forecast, not what anyone was asked to do
            if any(s.lemma_.lower() in lexicon.COMMENTATOR_NOUNS for s in syntax.subjects(verb)):
                return  # "economists expect the bank to raise rates": a forecast by onlookers, asked of no one
            targets += [c for clause in ccomps for c in clause.children if c.dep_ == "nsubj"]
            kind = "demand" if targets or ccomps else "plan"
        subjects = syntax.subjects(verb)
        if not subjects:
            return
        keys = self._keys(subjects, verb) or self._speaker_of_misjoined(verb, subjects)
        if not keys:
            return
        if lemma == "expect" and targets and not any(self._someone_else(t, verb, keys) for t in targets):
            return  # "now expects it (the deal) to slip into next year": a forecast about a thing
        modality: Modality | None = "expected" if lemma in {"expect", "hope"} and kind == "plan" else None
        if verb.dep_ == "relcl" and any(d.tag_ in _RELATIVE_TAGS for d in dobjs) and not (xcomps or ccomps):
            self._of_antecedent(verb, sent, keys, kind)  # "The proposal, which Israel rejected, ..."
            return
        heads = self._complements(verb, xcomps, ccomps, dobjs, preps)
        if lemma == "boycott" and kind == "threat":
            heads = [verb]  # "would boycott the vote": the boycott is the threat, not the vote
        self._emit(verb, sent, keys, kind, heads, targets, modality=modality, start_token=cleft)

    def _of_antecedent(self, verb: Token, sent: Span, keys: list[str], kind: CommitmentKind) -> None:
        """'The ceasefire proposal, which Israel rejected, ...': what is refused or agreed is the noun
        the relative clause hangs on, not 'which'."""
        thing = verb.head
        if thing.lemma_.lower() in _STATEMENTS | {"allegation", "charge", "criticism", "suggestion"}:
            return  # "the allegations, which the company rejects": a denial, nothing refused
        punctuation = [c for c in thing.children if c.dep_ == "punct"]
        rng = syntax.phrase_range(thing, [verb, *punctuation, *(c for c in thing.children if c.i > verb.i)])
        evidence = (rng[0], verb.right_edge.i)
        self._add(verb, sent, keys, kind, self._slice(rng), evidence, [], start_at=rng[0], action_head=thing)

    def _cannot_restrain(self, aux: Token, sent: Span) -> None:
        """'Russia cannot prevent the Syrian army from doing so': its refusal to restrain another,
        the one restrained its counterparty. Any other 'cannot' (an inability) commits to nothing."""
        main = aux.head
        if main.lemma_.lower() not in _RESTRAIN or main.i in self._covered or not syntax.negated(main):
            return
        if syntax.negated_above(main):
            return  # "did not say Russia cannot prevent ..."
        restrained = [c for c in main.children if c.dep_ == "dobj"]
        if not restrained or not any(c.dep_ == "prep" and c.lower_ == "from" for c in main.children):
            return
        keys = self._keys(syntax.subjects(main), main)
        if keys:
            self._emit(main, sent, keys, "refusal", [main], restrained, start_token=aux)

    def _signed_pact(self, verb: Token, sent: Span) -> None:
        """'Peru and Bolivia signed a pact to share water': what the pact binds its signatories to is
        their agreement; 'Armenia and Azerbaijan signed a peace agreement': a new pact is the agreement
        itself. Signing a pact already known ('signed the treaty', 'signed and closed the deal', 'a
        treaty in 1998') is a formality done, and 'will sign' is the modal's plan."""
        if (
            syntax.negated(verb)
            or syntax.has(verb, "auxpass")
            or any(c.dep_ == "aux" and c.lower_ not in {"has", "have", "had"} for c in verb.children)
        ):
            return  # not signed, signed by someone unnamed, or yet to be signed ("will sign", "to sign")
        pacts = [d for d in verb.children if d.dep_ == "dobj" and d.lemma_.lower() in lexicon.PACTS]
        bound = [
            c for d in pacts for c in d.children if c.dep_ == "acl" and c.pos_ == "VERB" and syntax.has(c, "aux")
        ] or [  # "signed a deal to lease tankers", the infinitive taken for the signing's purpose
            c
            for d in pacts
            for c in verb.children
            if c.dep_ == "advcl" and c.left_edge.i == d.right_edge.i + 1 and c.left_edge.lower_ == "to"
        ]
        if not bound:
            pact = next((d for d in pacts if _a_new_pact(d, verb)), None)
            if pact is not None and _told_as_done(verb) and (keys := self._keys(syntax.subjects(verb), verb)):
                self._struck_deal(pact, verb, sent, keys)
            return
        keys = self._keys(syntax.subjects(verb), verb)
        if keys:
            self._emit(verb, sent, keys, "agreement", self._complements(verb, bound, [], [], []), [])

    def _brokered(self, verb: Token, sent: Span) -> None:
        """'Egypt brokered a truce between Israel and Hamas': the pact is the agreement of the two it
        is between; the broker undertakes nothing."""
        pact = next((d for d in verb.children if d.dep_ == "dobj" and d.lemma_.lower() in lexicon.PACTS), None)
        if pact is None or not _told_as_done(verb) or syntax.negated(verb):
            return
        between = [c for c in (*pact.children, *verb.children) if c.dep_ == "prep" and c.lower_ == "between"]
        parties = [p for prep in between for p in prep.children if p.dep_ == "pobj"]
        keys = self._keys([t for p in parties for t in (p, *p.conjuncts)], verb)
        if len(keys) >= 2:
            self._struck_deal(pact, verb, sent, keys)

    @staticmethod
    def _binding_pact(verb: Token) -> Token | None:
        """The pact that is the subject of a binding verb ('The treaty obliges ...'), else None."""
        if verb.pos_ != "VERB" and verb.dep_ != "ROOT":
            return None
        return next((c for c in verb.children if c.dep_ == "nsubj" and c.lemma_.lower() in lexicon.PACTS), None)

    def _bound_by_pact(self, verb: Token, pact: Token, sent: Span) -> None:
        """'The agreement commits the United States to withdraw its troops', 'the treaty obliges both
        countries to notify each other': what a pact binds its parties to is their agreement."""
        if syntax.negated(verb) or _possible_only(verb):
            return
        parties = [c for c in verb.children if c.dep_ == "dobj"]
        # "commits Ukraine to hold elections" (read as xcomp or advcl), "to holding elections" (a gerund)
        deeds = [c for c in verb.children if c.dep_ in {"xcomp", "advcl"} and syntax.has(c, "aux") and c.i > verb.i]
        deeds += [c for p in parties for c in p.children if c.dep_ in {"xcomp", "acl"} and syntax.has(c, "aux")]
        deeds += [g for c in _preps(verb, "to") for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG"]
        for clause in (c for c in verb.children if c.dep_ == "ccomp" and syntax.has(c, "aux")):
            parties += [c for c in clause.children if c.dep_ == "nsubj"]  # "commits the US to withdraw", as parsed
            deeds.append(clause)
        keys = self._keys(parties, verb, roles=False) if deeds else []
        if not keys:
            return
        deed = deeds[0]
        rng = syntax.phrase_range(deed, [c for c in deed.children if c.dep_ in {"aux", "nsubj"}])
        opening = pact.left_edge.i
        self._add(
            verb, sent, keys, "agreement", self._slice(rng), (opening, rng[1]), [], start_at=opening, action_head=deed
        )

    def _deadline_given(self, verb: Token, sent: Span) -> None:
        """'gave the rebels 48 hours to lay down their weapons', 'has given Poland until Friday to
        respond': an ultimatum, the giver's demand of the one given the time ('gave the company time
        to appeal' grants time, and demands nothing)."""
        if syntax.negated(verb) or _possible_only(verb) or syntax.has(verb, "auxpass"):
            return
        children = list(verb.children)
        recipients = [c for c in children if c.dep_ in {"dative", "dobj"} and not _time_unit(c)]
        spans = [c for c in children if c.dep_ in {"npadvmod", "dobj"} and _time_unit(c)] + [
            c for c in children if c.dep_ == "prep" and c.lower_ in {"until", "till"}
        ]
        if not recipients or not spans:
            return
        limit = spans[0]
        deed = next(
            (
                c
                for c in [*children, *(g for t in spans for g in t.children)]
                if c.dep_ in {"advcl", "relcl", "xcomp", "acl"} and c.i > limit.i and syntax.has(c, "aux")
            ),
            None,
        )
        keys = self._keys(syntax.subjects(verb), verb) if deed is not None else []
        if deed is None or not keys:
            return
        rng = syntax.phrase_range(deed, [c for c in deed.children if c.dep_ == "aux" and c.lower_ == "to"])
        own = [s for s in syntax.subjects(verb) if s.i < verb.i and s.head.i == verb.i]  # "..., and gave": its own
        opening = min([s.left_edge.i for s in own] + [verb.i])
        self._add(
            verb,
            sent,
            keys,
            "demand",
            self._slice(rng),
            (opening, rng[1]),
            recipients,
            start_at=opening,
            action_head=deed,
            when_range=(limit.left_edge.i, limit.right_edge.i),
        )

    def _own_warning(self, verb: Token) -> bool:
        """'warned it would retaliate', 'warned Turkey to stop', 'warned that police will no longer
        tolerate': a threat or demand by the speaker or an actor of the story. 'Warned of', 'warned
        against', 'warned that the sanctions could backfire', 'that the economy will shrink': a view."""
        if any(c.dep_ == "xcomp" for c in verb.children) or any(
            c.dep_ == "xcomp" for d in verb.children if d.dep_ == "dobj" for c in d.children
        ):
            return True
        if self._warned_off(verb):
            return True
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        warner = next(iter(syntax.subjects(verb)), None)  # "urged X to stop ... and warned of": shared
        if warner is not None and warner.lemma_.lower() not in lexicon.COMMENTATOR_NOUNS:
            for measure in (p for c in verb.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children):
                if _retaliation(measure):
                    return True  # "Beijing warned of strong countermeasures": measures of its own, held out
        for clause in (c for c in verb.children if c.dep_ == "ccomp"):
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            modals = {c.lower_ for c in clause.children if c.dep_ == "aux"}
            own = subject is not None and (
                subject.lower_ in {"it", "we", "they", "i"}
                or (speaker is not None and subject.lower_ == speaker.lower_)
                or bool(self._keys([subject], clause))
            )
            chosen = (
                clause.lemma_.lower() not in lexicon.OUTCOME_VERBS
                and not _unchosen(clause)
                and (clause.lower_ not in lexicon.UNDERGOING_VERBS or self._penalty_faced(clause))
            )  # "warned that users would face delays" is a view; "that Ukraine would face consequences" is not
            if own and modals & {"will", "would", "'ll", "shall"} and clause.lemma_.lower() != "be" and chosen:
                return True  # not "warned the hospital will run out of beds": a foreseen outcome is a view
            if modals & {"could", "may", "might"} and clause.lemma_.lower() in lexicon.COERCIVE_VERBS:
                # "Teachers could strike, their union warned, unless ...": the speakers' own side, on terms
                ours = subject is not None and (
                    subject.lower_ in {"it", "we", "they"}
                    or (speaker is not None and any(c.lower_ in {"their", "its"} for c in speaker.children))
                )
                return ours and (syntax.condition(clause) or syntax.condition(verb)) is not None
            if modals & {"will", "would"} and self._met_with_force(clause):
                return True  # "warned that any attempt to cut pensions would be met with a general strike"
        return False

    def _penalty_faced(self, verb: Token) -> bool:
        """'would face prosecution', 'will face consequences': a penalty someone will impose."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        return any(self._coercive_noun(o) or o.lemma_.lower() in lexicon.PENALTIES for o in objects)

    def _warned_off(self, verb: Token) -> bool:
        """'Beijing warned Manila against any attempt to resupply the outpost': someone told not to do
        a thing is a demand of them ('warned against cutting too early', told to no one, is a view)."""
        addressees = [c for c in verb.children if c.dep_ == "dobj"]
        return any(self._people(a) or self.actors.actor_at(a) for a in addressees) and any(
            c.dep_ == "prep" and c.lower_ == "against" and any(o.dep_ in {"pobj", "pcomp"} for o in c.children)
            for c in verb.children
        )

    def _met_with_force(self, clause: Token) -> bool:
        """'would be met with a general strike', 'will be met with force': pressure promised for a deed."""
        if clause.lemma_.lower() != "meet" or not syntax.has(clause, "auxpass"):
            return False
        return any(self._coercive_noun(p) for c in clause.children if c.lower_ == "with" for p in c.children)

    def _going_to(self, going: Token, sent: Span) -> None:
        """'We are (not) going to raise taxes': the future of 'will', its subject and negation on 'going'."""
        if not any(c.dep_ == "aux" and c.lemma_ == "be" for c in going.children):
            return
        main = next((c for c in going.children if c.dep_ == "xcomp" and syntax.has(c, "aux")), None)
        if main is not None:
            self._modal(going, sent, main=main, frame=going)

    def _modal(self, aux: Token, sent: Span, *, main: Token | None = None, frame: Token | None = None) -> None:
        """'X will/would/may do Y': a plan (a refusal when negated) if X is an actor. `frame` is the
        verb that carries the subject and negation when it is not the main verb ('going to')."""
        main = aux.head if main is None else main
        lower = "will" if frame is not None else aux.lower_
        if main.pos_ not in {"VERB", "AUX"} or main.i in self._covered:
            return
        if (
            (main.lemma_.lower() in lexicon.VERB_CUES and not _cue_without_its_clause(main))
            or main.lower_ in lexicon.ADJ_CUES
        ) and not (syntax.has(main, "auxpass") and not syntax.has(main, "agent")):
            return  # "will demand", "would be ready": the cue itself handles it ("will be offered to X": not)
        if any(c.dep_ == "aux" and c.lower_ == "have" for c in main.children):
            return  # "would have done": counterfactual
        if main.lemma_.lower() in lexicon.DELIBERATION_VERBS:
            return  # "would consider joining", "will study the proposal": nothing decided
        if main.lower_ in lexicon.UNDERGOING_VERBS:
            self._will_face(main, sent)
            return
        if _unchosen(main):
            return  # "the government would miss the target", "will run out of money": a forecast, not a plan
        if main.lemma_.lower() == "be" and syntax.has(main, "expl"):
            self._there_will_be_no(main, sent)
            return
        if main.lower_ in lexicon.STATIVE_VERBS or syntax.alternatives(main):
            return  # "the bloc will include every state", "will raise fees or they will quit": what will be
        if main.lemma_.lower() in lexicon.SAY_VERBS and any(t.is_punct for t in self.doc[aux.i + 1 : main.i]):
            return  # '"..., and we will," Adams told reporters': the quote's last word, not a plan to speak
        if (
            lower in _MODALS_REPORTED
            and not syntax.reported(main)
            and not (syntax.has(main, "nsubjpass") and self._announcer(sent))
        ):
            return  # "would" only reports, or follows an announcement ("X announced ... Y would be moved to Z")
        if syntax.opinion(main):
            return  # "Officials believe the army will withdraw", "Supporters hope the senator will": a view of it
        condition = syntax.condition(main)
        if lower in _MODALS_MAY and condition is None:
            return
        negated = syntax.negated(main) or (frame is not None and syntax.negated(frame))
        if negated and main.lemma_.lower() in _NO_COMMENT:
            return  # "would not comment on the talks": no answer, nothing refused
        nsubjpass = [c for c in main.children if c.dep_ == "nsubjpass"]
        if nsubjpass and syntax.names_nobody(nsubjpass[0]):
            # "No concessions will be given to X": a refusal by whoever says it; "no one will be
            # deported": an assurance, a promise ("no one will be allowed in": a refusal again)
            speaker = self._speaker(main)
            if speaker is None:
                return
            targets = [
                p
                for prep in main.children
                if prep.dep_ in {"prep", "dative"}
                for p in prep.children
                if p.dep_ == "pobj"
            ]
            action = self._slice(syntax.phrase_range(main, []))
            self._add(
                main,
                sent,
                [speaker],
                _kind_of_none(nsubjpass[0], main),
                action,
                syntax.phrase_range(main, []),
                targets,
                start_at=nsubjpass[0].left_edge.i,
            )
            return
        if nsubjpass or syntax.has(main, "auxpass"):  # "..., and will be implemented by X": subject shared
            self._passive_plan(aux, main, sent, negated)
            return
        subjects = syntax.subjects(main)
        if not subjects or any(c.lower_ in _SOME_OF_THEM for c in subjects[0].children if c.dep_ in {"amod", "det"}):
            return  # "many schools will increase their fees": a forecast about some of a kind
        keys = self._keys(subjects, main)
        if (
            not keys
            and not negated
            and not syntax.names_nobody(subjects[0])
            and subjects[0].pos_ in {"NOUN", "PROPN"}
            and main.lemma_.lower() != "be"
            and main.lemma_.lower() not in lexicon.OUTCOME_VERBS
            and syntax.reported(main)
        ):
            # "Kmart said the stores will retain their names": an institution speaking of what it
            # runs plans it; a person quoted on what others will do is making a forecast
            speaker = self._speaker(main)
            keys = [speaker] if speaker and self.actors.records[speaker].kind != "person" else []
        if not keys:
            return
        if negated and {c.lower_ for c in main.children if c.dep_ == "advmod"} & {"immediately", "yet"}:
            # "will not immediately join the bloc", "will not yet sign": not a refusal (it may, later),
            # and a plan would have to say "later" where the sentence says when not: left out
            return
        if negated and main.lemma_.lower() in lexicon.OPPOSING_VERBS:
            return  # "would not object to a narrower rule": no refusal, and no promise said either
        kind: CommitmentKind = "refusal" if negated else "plan"
        heads = [main]
        if main.lemma_.lower() == "hesitate":
            readily = [c for c in main.children if c.dep_ == "xcomp"]
            if not (readily and negated):
                return  # "would hesitate to act": a doubt; a parse without the deed: left out, never reversed
            # "would not hesitate to act again": a warning that it will (a promise when it is help)
            kind, heads = ("promise" if readily[0].lemma_.lower() in _BENIGN else "threat"), readily
        antecedent = _done_so(main)
        if antecedent is not None:  # "had not agreed to hand over any territory and would never do so"
            done = syntax.phrase_range(antecedent, [c for c in antecedent.children if c.dep_ == "aux"])
            opening = [s.left_edge.i for s in syntax.subjects(antecedent.head)] + [antecedent.left_edge.i]
            evidence = (min(opening), max(t.i for t in main.subtree if not t.is_punct))
            self._add(main, sent, keys, kind, self._slice(done), evidence, [], start_at=evidence[0])
            return
        start: Token = aux
        if frame is not None:  # "We are going to": the evidence opens at the subject of "going"
            start = next((c.left_edge for c in frame.children if c.dep_ == "nsubj"), frame)
        if heads == [main]:
            heads += _sharing_the_modal(main)  # "would cut 4,000 jobs and close its Kassel plant"
        self._emit(main, sent, keys, kind, heads, [], start_token=start)

    def _there_will_be_no(self, be: Token, sent: Span) -> None:
        """'"There will be no amnesty," the minister said': what the speaker withholds is refused
        (only what one side can grant; 'there will be no rain' is a forecast)."""
        withheld = next(
            (c for c in be.children if c.dep_ in {"attr", "nsubj"} and c.lemma_.lower() in lexicon.GRANTED_THINGS), None
        )
        if withheld is None or not any(d.lower_ == "no" and d.dep_ == "det" for d in withheld.children):
            return
        speaker = self._speaker(be)
        if speaker is None or syntax.negated_above(be) or syntax.hedged(be):
            return
        rng = syntax.phrase_range(be, [c for c in be.children if c.dep_ in {"punct", "cc", "conj"}])
        action = self._slice(syntax.phrase_range(withheld, [c for c in withheld.children if c.dep_ == "det"]))
        self._add(be, sent, [speaker], "refusal", action, rng, [], start_at=rng[0], action_head=withheld)

    def _will_face(self, verb: Token, sent: Span) -> None:
        """'Iran will face sanctions if ..., the ministers said': no plan of Iran's, but the
        speakers' threat toward it (only a coercive measure faced; 'will face a tough vote' is none)."""
        if verb.lower_ != "face" or syntax.negated(verb):
            return
        if not any(c.dep_ == "dobj" and self._coercive_noun(c) for c in verb.children):
            return
        subjects = syntax.subjects(verb)
        speaker = self._speaker(verb)
        if not subjects or speaker is None or speaker in self._keys(subjects, verb, roles=False):
            return
        rng = syntax.phrase_range(verb, [])
        self._add(verb, sent, [speaker], "threat", self._slice(rng), rng, subjects, start_at=subjects[0].left_edge.i)

    def _passive_object(
        self, verb: Token, sent: Span, keys: list[str], kind: CommitmentKind, passive_subjects: list[Token]
    ) -> None:
        """'The proposal was rejected by Johnson', 'a truce was agreed by both sides': what was
        rejected or agreed is the passive subject, a thing (a person there is a counterparty)."""
        lemma = verb.lemma_.lower()
        things = [t for t in passive_subjects if t.pos_ in {"NOUN", "PROPN"} and not self._keys([t], verb)]
        if not things or lemma in lexicon.NEEDS_XCOMP or lemma in lexicon.NEEDS_CLAUSE:
            return
        thing = things[0]
        agent_end = max(c.right_edge.i for c in verb.children if c.dep_ == "agent")
        self._add(
            verb,
            sent,
            keys,
            kind,
            self._slice(syntax.phrase_range(thing, [])),
            (thing.left_edge.i, agent_end),
            [],
            start_at=thing.left_edge.i,
            action_head=thing,
        )

    def _passive_plan(self, aux: Token, main: Token, sent: Span, negated: bool) -> None:
        """'The policy will be implemented by the ministry': the agent plans it. Without an agent,
        'the Air Force said the contract would be revived': whoever announces a passive future
        (an institution, or an official in its name) plans it. A bare 'the stores will be sold'
        has no committing actor."""
        if main.lower_ in _UNDERGONE or main.lemma_.lower() in _UNDERGONE:
            return  # "the effect will be felt by 2040": a forecast, whoever says it
        if any(c.dep_ == "nsubjpass" and c.lower_ in {"i", "we"} for c in main.children):
            return  # "We will not be blackmailed": what others may do to the speakers, not their deed
        keys = self._keys(syntax.agent(main), main)
        if not keys and syntax.reported(main) and not syntax.opinion(main):
            speaker = self._speaker(main)
            keys = [speaker] if speaker else []
        if not keys and not negated:
            keys = self._owner_of_antecedent(main)
        if keys:
            self._emit(main, sent, keys, "refusal" if negated else "plan", [main], [], start_token=aux)
        elif not negated and aux.lower_ not in _MODALS_MAY:
            self._unnamed_plan(main, main, next((c for c in main.children if c.dep_ == "nsubjpass"), None), sent)

    def _owner_of_antecedent(self, verb: Token) -> list[str]:
        """'The Bush Administration proposal, which will be offered to Congress', 'Apple's new phone,
        which will be sold from May': what its owner will do with it is the owner's plan."""
        relative = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if verb.dep_ != "relcl" or relative is None or relative.lower_ not in {"which", "that"}:
            return []
        owners = [c for c in verb.head.children if c.dep_ in {"poss", "compound"} and c.pos_ == "PROPN"]
        return next((keys for owner in owners if (keys := self._actor_inside(owner))), [])

    def _unnamed_plan(self, cue: Token, verb: Token, subject: Token | None, sent: Span) -> None:
        """'The orbiter will be sent to Los Angeles', 'the first referendum is to be held in November':
        something arranged by a planner the sentence does not name. The planner is the one the article
        has just shown planning ('The government intends to hold two referendums. The first is to be
        held ...'); with none, the row is left out rather than given a guessed actor. Only a thing can
        be so planned, and a forecast ('experts believe it will be approved') is no plan."""
        if (
            subject is None
            or subject.pos_ not in {"NOUN", "PROPN"}
            or subject.ent_type_ in {"PERSON", "NORP"}
            or self.actors.resolve(subject, create=False)
            or syntax.opinion(verb)
            or syntax.has(verb, "agent")
        ):
            return
        planner = self._planner_in_context() or self._announcer(sent)
        if not planner:
            return
        skip = [c for c in verb.children if c.dep_ in {"conj", "cc", "mark", "punct"}]
        skip += [c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i and not syntax.is_condition(c)]
        start, end = syntax.phrase_range(verb, skip)
        start = min(start, subject.left_edge.i)
        self._add(cue, sent, planner, "plan", self._slice((start, end)), (start, end), [], start_at=start,
                  condition_head=verb, action_head=verb, when_range=(start, end))  # fmt: skip

    def _planner_in_context(self) -> list[str]:
        """The actors of the article's latest plan, promise or agreement so far, if an institution's."""
        for item in reversed(self.found):
            if item.kind in {"plan", "promise", "agreement"}:
                if all(self.actors.records[k].kind != "person" for k in item.actors):
                    return list(item.actors)
                return []
        return []

    def _announcer(self, sent: Span) -> list[str]:
        """Who announced what this sentence goes on to detail: the subject of an announcing verb
        heading this sentence or the one before ('NASA announced the new homes of the orbiters.
        Enterprise would be moved to New York'), if an institution or an official."""
        sentences = [sent]
        if sent.start > 0 and (previous := self._sentence_of.get(sent.start - 1)) is not None:
            sentences.append(previous)
        for sentence in sentences:
            root = sentence.root
            if root.lemma_.lower() not in lexicon.ANNOUNCING_VERBS or syntax.negated(root):
                continue
            subjects = [c for c in root.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}]
            keys = self.actors.resolve(subjects[0], roles=True) if subjects else []
            records = [self.actors.records[k] for k in keys]
            if keys and all(r.kind != "person" or r.title for r in records):
                return keys
        return []

    def _be_to(self, be: Token, sent: Span) -> None:
        """'X is to hold a referendum', 'X was to begin ...': an arranged plan."""
        xcomps = [
            c
            for c in be.children
            if c.dep_ == "xcomp" and c.pos_ == "VERB" and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
        ]
        if not xcomps or syntax.negated(be) or any(c.dep_ == "acomp" for c in be.children):
            return
        if any(a.dep_ == "auxpass" for a in xcomps[0].children):  # "is to be held": its planner unnamed
            if not syntax.has(xcomps[0], "nsubjpass"):
                self._unnamed_plan(be, xcomps[0], next((c for c in be.children if c.dep_ == "nsubj"), None), sent)
            return
        subjects = [c for c in be.children if c.dep_ == "nsubj"]
        keys = self._keys(subjects, be) if subjects else []
        if keys:
            self._emit(be, sent, keys, "plan", self._complements(be, xcomps, [], [], []), [])

    def _periphrastic_obligation(self, token: Token) -> Token | None:
        """The verb of 'Y has to / needs to / is required to / is obliged to do Z', if `token` is
        such an obligation: not negated ('does not have to'), not in the first person ('we need to'
        plans, it does not demand), and with 'to' right after the cue."""
        if token.pos_ not in {"VERB", "AUX"} or token.i + 1 >= len(self.doc) or self.doc[token.i + 1].lower_ != "to":
            return None
        if token.lower_.startswith(("requir", "oblig")) and (
            not syntax.has(token, "auxpass") or syntax.has(token, "agent")
        ):
            return None  # "X required Y to", "required by X to": the verb cue itself handles them
        if syntax.negated(token):
            return None
        subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if not subjects or subjects[0].lower_ in {"i", "we"}:
            return None
        inner = [
            c
            for c in token.children
            if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"} and any(a.i == token.i + 1 for a in c.children)
        ]
        return inner[0] if inner else None

    def _obligation(self, aux: Token, sent: Span, main: Token | None = None) -> None:
        """'X said Y must/should/has to do Z': a demand by X on Y."""
        main = main if main is not None else aux.head
        if any(c.dep_ == "aux" and c.lower_ == "have" for c in main.children):
            return  # "Houston should have been selected": a regret about the past, no demand
        if syntax.has(main, "auxpass") and main.lower_ in _REGARDED:
            return  # "the cut must be seen in context": a view of it, asked of no one
        speaker = self._speaker(main)
        if speaker is None:
            return
        subjects = syntax.subjects(main)
        infinitive = [c for c in main.children if c.dep_ == "aux" and c.lower_ == "to"]  # "has to cut"
        self._add(
            main,
            sent,
            [speaker],
            "demand",
            self._slice(syntax.phrase_range(main, subjects + infinitive)),
            syntax.phrase_range(main, []),
            subjects,
            start_at=min([s.left_edge.i for s in subjects] + [aux.i]),
        )

    def _adjective(self, adj: Token, sent: Span) -> None:
        """'X is ready/willing/opposed to ...'."""
        lower = adj.lower_
        kind = lexicon.ADJ_CUES[lower]
        xcomps = [c for c in adj.children if c.dep_ == "xcomp"]
        preps = [c for c in adj.children if c.dep_ == "prep" and c.lower_ == "to"]
        if lower == "set" and not xcomps:
            return
        if not xcomps and not (preps and lower in {"opposed", "committed"}):
            return
        head = adj.head if adj.dep_ in {"acomp", "xcomp"} else adj
        if syntax.negated(adj) or syntax.negated(head) or _possible_only(head):
            return
        subjects = syntax.subjects(head)
        keys = self._keys(subjects, head) if subjects else []
        if not keys:
            return
        self._emit(adj, sent, keys, kind, self._complements(adj, xcomps, [], [], preps), [])

    def _noun(self, noun: Token, sent: Span) -> None:
        """'Moscow's expectation that Turkey should ...', 'issued an ultimatum to X to ...'."""
        lemma = noun.lemma_.lower()
        kind = lexicon.NOUN_CUES[lemma]
        if syntax.names_nobody(noun):
            return  # "has no plans to", "no agreement to", "no intention of": none made
        if _ended(noun):
            return  # "withdrew its offer to", "backed away from its promise to", "kept its pledge to"
        if lemma == "policy":
            policy = _policy_kind(noun)
            if policy is None:
                return
            kind = policy
        owners = [c for c in noun.children if c.dep_ == "poss"]
        governor = noun.head if noun.dep_ in {"dobj", "nsubj", "attr"} else None
        if _stood_by(noun):
            governor = noun.head.head  # "stood by her promise to cut taxes": her promise, made again
        keys: list[str] = []
        light = (
            _stood_by(noun)
            or (
                governor is not None
                and governor.pos_ == "VERB"
                and noun.dep_ == "dobj"
                and (
                    governor.lemma_.lower() in lexicon.LIGHT_VERBS
                    or (kind == "agreement" and governor.lemma_.lower() in lexicon.DEAL_MAKING_VERBS)
                )
                and not syntax.negated(governor)
                and (governor.lemma_.lower() != "reach" or kind == "agreement")
            )
            or (
                governor is not None
                and noun.dep_ == "dobj"
                and governor.lemma_.lower() in lexicon.ENDORSING_VERBS
                and kind in {"plan", "agreement"}
                and not syntax.negated(governor)
                and not any(o.pos_ != "PRON" for o in owners)
            )
        )  # "the council approved a plan to build 5,000 homes": the plan is now the council's
        for owner in owners:
            if owner.pos_ == "PRON" and light and governor is not None:
                continue  # "reiterated its demand": the subject of the verb owns it
            keys += self._keys([owner], noun)
        makers = [c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN" and syntax.has(c, "agent")]
        for maker in makers:  # "a pledge made by Japan", "the demand issued by the rebels"
            keys += [k for k in self._keys(syntax.agent(maker), noun) if k not in keys]
        if light and governor is not None:
            for key in self._keys(syntax.subjects(governor), governor):
                if key not in keys:
                    keys.append(key)
        if not keys:
            return
        clauses = [
            c
            for c in noun.children
            if c.dep_ in {"acl", "ccomp", "relcl"}
            and c.pos_ in {"VERB", "AUX"}
            and any(m.lower_ in {"that", "to"} or m.dep_ in {"mark", "aux"} for m in c.children)
        ]
        if not clauses and light and governor is not None:  # "its demand today that Israel ease"
            clauses = [
                c
                for c in governor.children
                if (c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))
                or (
                    c.dep_ in {"advcl", "xcomp"}
                    and c.left_edge.lower_ == "to"
                    and c.left_edge.i == noun.right_edge.i + 1
                )
                if c.i > noun.i and c.pos_ in {"VERB", "AUX"}
            ]  # "reached a deal with the league to end the lockout": the parser hangs "to" on the verb
        preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ in {"for", "to", "on", "of"}]
        if kind == "agreement" and not clauses:
            if governor is not None and _struck(noun, governor):
                self._struck_deal(noun, governor, sent, keys)
            return  # otherwise "an agreement" alone is a thing, not a commitment
        if not clauses and not preps:
            if kind == "promise" and any(
                c.ent_type_ == "MONEY" and c.dep_ in {"nummod", "compound", "quantmod"} for c in noun.children
            ):  # "a $500 million pledge made by Japan": the sum is what is promised
                rng = syntax.phrase_range(noun, [*makers, *(c for c in noun.children if c.dep_ in {"det", "poss"})])
                start = min([o.left_edge.i for o in owners] + [noun.left_edge.i])
                end = max([rng[1]] + [m.right_edge.i for m in makers])
                self._add(noun, sent, keys, kind, self._slice(rng), (start, end), [], start_at=start, action_head=noun)
            return
        targets: list[Token] = []
        for clause in clauses:
            targets += [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        for prep in preps:
            if prep.lower_ == "to":
                targets += [c for c in prep.children if c.dep_ == "pobj"]
        comps = clauses or [p for prep in preps for p in prep.children if p.dep_ in {"pobj", "pcomp"}]
        start = min([o.left_edge.i for o in owners] + [noun.left_edge.i, noun.i])
        if governor is not None and (not owners or (light and all(o.pos_ == "PRON" for o in owners))):
            # "Iran reached an agreement to", "I have no intention of", "The minister repeated her threat to"
            start = min([start, governor.i] + [c.left_edge.i for c in governor.children if c.dep_ == "nsubj"])
        for comp in comps:
            rng = syntax.phrase_range(
                comp,
                [c for c in comp.children if c.dep_ in {"nsubj", "nsubjpass", "mark"}]
                if comp.pos_ in {"VERB", "AUX"}
                else [],
            )
            self._add(
                noun,
                sent,
                keys,
                kind,
                self._slice(rng),
                (start, max(rng[1], noun.i)),
                targets,
                start_at=start,
                condition_head=comp,
                action_head=comp,
            )

    def _struck_deal(self, noun: Token, governor: Token, sent: Span, keys: list[str]) -> None:
        """'The union reached a tentative deal with the league on a new contract': the deal is what
        is agreed (its date left to the when), made with whoever it is 'with'."""
        skip = [c for c in noun.children if c.dep_ == "det" or (c.dep_ == "prep" and (_dated(c) or _placed(c)))]
        rng = syntax.phrase_range(noun, skip)
        for prep in governor.children:  # "reached a deal with the league on a new contract"
            if prep.dep_ == "prep" and prep.lower_ in {"on", "over"} and prep.i == rng[1] + 1 and not _dated(prep):
                rng = (rng[0], prep.right_edge.i)
        partners = [p for c in noun.children if c.lower_ == "with" for p in c.children if p.dep_ == "pobj"]
        partners += [p for c in governor.children if c.lower_ == "with" for p in c.children if p.dep_ == "pobj"]
        start = min([governor.i] + [c.left_edge.i for c in governor.children if c.dep_ == "nsubj"])
        evidence = (start, max(rng[1], noun.i))
        self._add(noun, sent, keys, "agreement", self._slice(rng), evidence, partners, start_at=start, action_head=noun)

    # -- assembling -----------------------------------------------------------------------
    def _complements(
        self, cue: Token, xcomps: list[Token], ccomps: list[Token], dobjs: list[Token], preps: list[Token]
    ) -> list[Token]:
        """The heads whose phrases say what is committed to, coordinated verbs expanded."""
        heads: list[Token] = []
        for head in [*xcomps, *ccomps]:
            heads.append(head)
            heads += [
                c
                for c in head.conjuncts
                if c.i > head.i
                and c.pos_ in {"VERB", "AUX"}
                and not (head.dep_ == "xcomp" and _finite(c))
                and syntax.misattached_conjunct(c) is None
            ]  # "want to freeze the tax and have promised voters ...": the second verb is said, not wanted
        heads += dobjs
        for prep in preps:
            if cue.lemma_.lower() == "warn" and prep.lower_ == "against":
                heads.append(prep)  # "warned Israel against an offensive": what is demanded keeps its "against"
                continue
            heads += [c for c in prep.children if c.dep_ in {"pobj", "pcomp"}] or [prep]
        return [h for h in heads if h.i != cue.i] or [cue]

    def _emit(
        self,
        cue: Token,
        sent: Span,
        keys: list[str],
        kind: CommitmentKind,
        heads: list[Token],
        targets: list[Token],
        *,
        modality: Modality | None = None,
        start_token: Token | None = None,
    ) -> None:
        subjects = syntax.subjects(cue if cue.pos_ == "VERB" or cue.pos_ == "AUX" else cue.head)
        local = [s for s in subjects if s.head.i == cue.i or (s.head.i == cue.head.i and cue.dep_ in {"acomp"})]
        start = min([s.left_edge.i for s in local] + [(start_token or cue).i, cue.i])
        for head in heads:
            inner_subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}] if head.i != cue.i else []
            inner_keys = self._keys(inner_subjects, cue, roles=False)
            if not inner_keys:
                inner_subjects = []  # "demanded that the founders be held responsible": who, in the action
            elif cue.lemma_.lower() == "warn" and head.dep_ == "ccomp" and not set(inner_keys) <= set(keys):
                # "officials warned that the administration will shut down the program": the warning
                # is the one threat, told with who will carry it out (not whom it is aimed at); but
                # "warned that Hungary would face sanctions" is aimed at Hungary
                if head.lower_ not in lexicon.UNDERGOING_VERBS:
                    inner_subjects = []
                self.found = [f for f in self.found if f.cue != head.i]
            # "promised not to cut jobs": the "not" is what was promised, so its "to" stays with it
            negated_infinitive = head.i != cue.i and any(c.dep_ == "neg" and c.i < head.i for c in head.children)
            edges = _edge_punctuation(head)  # '"decisively"' inside the phrase stays in it
            skip = [
                c
                for c in head.children
                if c.dep_ in {"conj", "cc", "mark"}
                or (c.dep_ == "punct" and c.i in edges)
                or (c.dep_ == "aux" and c.lower_ == "to" and not negated_infinitive)
            ]
            skip += inner_subjects
            if head.i == cue.i:  # modal: the verb phrase without its subject
                before = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass", "aux", "neg"} and c.i < head.i]
                subject = [c for c in before if c.dep_ in {"nsubj", "nsubjpass"}]
                if subject and subject[0].tag_ not in _RELATIVE_TAGS and not set(self._keys(subject, cue)) & set(keys):
                    # the speaker's plan for something else: "Officials said the talks would continue"
                    before = [c for c in before if c.dep_ == "neg"]
                skip += before
            skip += [c for c in head.children if c.dep_ == "advcl" and c.i > head.i and not syntax.is_condition(c)]
            rng = syntax.phrase_range(head, skip)  # the evidence starts at a fronted quote: '"We will," X vowed'
            recipients: list[Token] = []
            if head.dep_ == "dobj" and head.head.i == cue.i and (partner := _partner(cue, rng[1])) is not None:
                rng = (rng[0], partner.right_edge.i)
                if partner.lower_ == "to":  # "pledged 2 billion euros to Ukraine": Ukraine is whom it is for
                    recipients = [c for c in partner.children if c.dep_ == "pobj"]
            if head.i != cue.i and (deadline := _deadline(cue, rng[1])) is not None:
                rng = (rng[0], deadline.right_edge.i)  # "pledged to triple renewables | by 2030"
            self._add(
                cue,
                sent,
                keys,
                kind,
                self._slice(rng),
                (min(start, head.left_edge.i if head.i < cue.i else start), max(rng[1], cue.i)),
                targets + inner_subjects + recipients,
                start_at=start,
                modality=modality,
                condition_head=head,
                action_head=head,
                when_range=rng,
            )

    def _add(
        self,
        cue: Token,
        sent: Span,
        keys: list[str],
        kind: CommitmentKind,
        action: str,
        rng: tuple[int, int],
        targets: list[Token],
        *,
        start_at: int | None = None,
        modality: Modality | None = None,
        condition_head: Token | None = None,
        action_head: Token | None = None,
        when_range: tuple[int, int] | None = None,
    ) -> None:
        doc = self.doc
        heads = [cue] if action_head is None else [cue, action_head]
        if kind == "refusal" and _after_going(cue) and syntax.negated(cue.head):
            heads = [cue.head]  # "are not going to raise taxes": the negative on "going" is the refusal
        elif kind == "refusal" and syntax.negated(cue):
            heads = [cue]  # "will not agree to send troops": the cue's own negative is the refusal; above it counts
        warning = kind == "threat" and cue.lemma_.lower() == "warn"  # a warning is conditional by nature
        if kind != "refusal" and _called_off_after(cue, action):
            return  # "were to meet on Friday, but the meeting was cancelled": overtaken, no longer to be done
        if syntax.is_question(sent) or any(
            syntax.negated_above(t)
            or syntax.denied_above(t, cue)
            or (syntax.hypothetical(t) and not warning)
            or syntax.fronted_never(t)
            or syntax.hedged(t)
            or syntax.describes_which(t)
            for t in heads
        ):
            return  # negated, denied, hypothetical or hedged: truth before recall, a missed row beats a reversed one
        first = min(rng[0], start_at if start_at is not None else rng[0])
        last = rng[1]
        first = max(first, sent.start)
        last = min(last, sent.end - 1)
        bounds = trim(doc[first : last + 1])
        if bounds is None or not action:
            return
        for i in range(first, last + 1):
            self._covered.add(i)
        counter = [k for k in self._keys(targets, cue, roles=False) if k not in keys]
        if not counter:  # "agreed with its unions", "lend Egypt $3 billion", "withhold funds from Hungary"
            named = [t for t in _aimed_at(cue, action_head, kind) if t.pos_ == "PROPN" or self.actors.actor_at(t)]
            counter = [k for k in self._keys(named, cue, roles=False) if k not in keys]
        head = condition_head if condition_head is not None else cue
        clause = syntax.condition_clause(cue) or syntax.condition_clause(head)
        if clause is None:  # "would attack X and would respond within 48 hours if ... do not stop"
            clause = next((c for t in head.conjuncts if t.i > head.i and (c := syntax.condition_clause(t))), None)
        condition = syntax.condition_text(clause) if clause is not None else None
        pressed = self._pressure_until(action_head if action_head is not None else cue, keys)
        if kind in {"plan", "promise"} and (
            # "will cut aid unless ...", "if X does not stop" (not "will resign if she fails to win": her own terms)
            (_COERCIVE.match(condition or "") and not self._on_own_terms(clause, keys))
            or syntax.or_else(sent, last)  # "..., or else"
            or (action_head is not None and self._coercive(action_head))  # "will impose sanctions on Y"
            or (  # "Russia will respond if NATO deploys troops": an answer held out to another's move
                (action_head or cue).lemma_.lower() in {"respond", "react", "retaliate"}
                and clause is not None
                and not self._on_own_terms(clause, keys)
                and any(c.dep_ == "nsubj" for c in clause.children)
            )
            or pressed is not None  # "will block the roads until the government withdraws the tariff"
        ):
            kind = "threat"
        if kind == "threat":
            counter += [k for k in pressed or [] if k not in counter]
            if clause is not None and not self._on_own_terms(clause, keys):  # "if the US and Seoul go ahead"
                subjects = [t for c in clause.children if c.dep_ == "nsubj" for t in [c, *c.conjuncts]]
                counter += [k for k in self._keys(subjects, cue, roles=False) if k not in counter and k not in keys]
        if when_range is not None:
            lo, hi = doc[when_range[0]].idx, doc[when_range[1]].idx + len(doc[when_range[1]].text)
            relative = next(
                (t for t in doc[when_range[0] : when_range[1] + 1] if t.dep_ == "relcl" and t not in heads), None
            )  # the cue's own clause may be relative: 'a truce under which the two sides will swap prisoners'
            if relative is not None:  # 'a deal that "sets back climate policy by a decade"': not when
                hi = min(hi, relative.left_edge.idx)
            when_found = timex.find_when(doc, lo, hi, entities=self._times)
        else:
            skip_subject = (bounds[0], cue.idx) if cue.idx > bounds[0] else None
            when_found = timex.find_when(doc, bounds[0], bounds[1], skip_subject, entities=self._times)
        when = (when_found[0], timex.to_iso(when_found[0], self.published)) if when_found else None
        speaker = self._speaker(cue)
        attributed = speaker
        lemma = cue.lemma_.lower()
        if modality is None:
            if condition:
                modality = "conditional"
            elif lemma in {"expect", "hope", "expectation"}:
                modality = "expected"
            elif (
                syntax.according_to(sent)
                or (speaker is not None and speaker not in keys)
                or any(t.lower_ == "reportedly" for t in sent)
            ):
                modality = "reported"
            else:
                modality = "firm"
        elif condition:
            modality = "conditional"
        status = _status(cue)
        self.found.append(
            Found(
                actors=keys,
                kind=kind,
                action=action,
                start=bounds[0],
                end=bounds[1],
                cue=cue.i,
                counterparties=counter,
                when=when,
                condition=condition,
                modality=modality,
                status=status,
                attributed_to=attributed,
            )
        )

    def _on_own_terms(self, clause: Token | None, keys: list[str]) -> bool:
        """A condition on the committer's own doing ('if she fails to win'), not on another's."""
        if clause is None:
            return False
        subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        named = [  # "she", or a name: never "the government" read as the article's state
            key
            for s in subjects
            for key in (self._keys([s], clause, roles=False) if s.pos_ == "PRON" else [self.actors.actor_at(s)])
        ]
        return bool(named) and all(k in keys for k in named)

    def _emit_with_subjects(
        self,
        cue: Token,
        sent: Span,
        subjects: list[Token],
        kind: CommitmentKind,
        heads: list[Token],
        targets: list[Token],
        *,
        modality: Modality,
    ) -> None:
        keys = self._keys(subjects, cue)
        if keys:
            self._emit(cue, sent, keys, kind, heads, targets, modality=modality)

    # -- parse helpers --------------------------------------------------------------------
    def _keys(self, tokens: list[Token], context: Token, *, roles: bool = True) -> list[str]:
        """Actor keys for subject/object tokens, resolving pronouns cheaply; with `roles`
        (subjects), a role noun ('the mayor', 'officials') is an actor too."""
        keys: list[str] = []
        for token in tokens:
            resolved: list[str] = []
            if syntax.names_nobody(token):
                continue  # "No government will sign", "Not a single minister vowed": no one commits
            if syntax.is_pronoun(token):
                resolved = self._pronoun(token, context)
            elif (body := self._members_of(token, context)) is not None:
                resolved = [body]
            elif token.lemma_.lower() in _PAIR_WORDS and any(c.lower_ in {"two", "both"} for c in token.children):
                lemma = token.lemma_.lower()
                titles = _PAIR_TITLES.get(lemma)
                # "X's minister urged both sides": as whom a cue is aimed at, the pair named before the sentence
                before = token.i if roles else (self._sentence_of.get(token.i) or token.sent).start
                # '"Both leaders have committed," Michel said': the speaker is not one of them
                speaker = self._speaker(context)
                others = frozenset({speaker} if speaker else ())
                kind = _PAIR_WORDS[lemma]
                parties = kind != "person"  # "both sides", "the two countries": the parties, named most
                among = self._committed_before(before) if parties else frozenset()
                resolved = (
                    (self._parties_of_last_deal(before, others) if parties else [])
                    or (self._sides_named_as_such(before) if parties else [])
                    or self.actors.recent_pair(before, kind, titles, exclude=others, most_named=parties, among=among)
                    or self.actors.recent_pair(before, kind, exclude=others, most_named=parties)
                    or self.actors.resolve(token, roles=roles)  # none named before: "the two leaders" as a group
                )
            else:
                resolved = self.actors.resolve(token, roles=roles)
            for key in resolved:
                if key not in keys:
                    keys.append(key)
        return keys

    def _speaker_of_misjoined(self, verb: Token, subjects: list[Token]) -> list[str]:
        """'BEUC said investigations took too long and called for a deadline': a cue joined to what
        was said, whose borrowed subject is a thing that cannot call for anything, is the speaker's."""
        clause = verb.head
        if verb.dep_ != "conj" or clause.dep_ != "ccomp" or syntax.has(verb, "nsubj"):
            return []
        if clause.head.lemma_.lower() not in lexicon.SAY_VERBS or any(self._people(s) for s in subjects):
            return []
        if any(s.pos_ == "PRON" or s.ent_type_ for s in subjects):
            return []
        return self._keys([c for c in clause.head.children if c.dep_ == "nsubj"], clause.head)

    def _parties_of_last_deal(self, before: int, exclude: frozenset[str]) -> list[str]:
        """'Both sides', 'both parties' after a deal between two: its two parties (not a state that
        brokered it or threatened whoever breaks it, however often named)."""
        deals = [f for f in self.found if f.cue < before and f.kind == "agreement" and len(f.actors) == 2]
        return [k for k in deals[-1].actors if k not in exclude] if deals else []

    def _sides_named_as_such(self, before: int) -> list[str]:
        """'both sides' after 'urged warring parties to allow aid through': those parties, whom the
        story named only together (not the last two bodies named, who may be the ones asking)."""
        named = [
            r
            for r in self.actors.records.values()
            if r.key.startswith("np:")  # a common noun phrase, not a name
            and r.kind in {"group", "organization"}
            and r.name.lower().split()[-1] in {"sides", "parties", "factions"}
            and any(p < before for p in r.positions)
        ]
        return [named[-1].key] if named else []

    def _committed_before(self, before: int) -> frozenset[str]:
        """The actors that have undertaken something before a token: the parties 'both sides' can be
        (not a bloc or a city merely named on the way)."""
        return frozenset(key for item in self.found if item.cue < before for key in item.actors)

    def _members_of(self, token: Token, context: Token) -> str | None:
        """'members' or 'its members', with nothing else in the phrase to say whose: the
        organisation speaking ('Niek Stam, the head of FNV Havens, said members had rejected'), or
        the one 'its' stands for; a group called 'members' is no actor of its own."""
        if token.lower_ != "members" or any(c.dep_ in {"prep", "compound", "amod"} for c in token.children):
            return None
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None and owner.lower_ not in {"its", "their"}:
            return None
        candidates = self._pronoun(owner, context) if owner is not None else []
        speaker = self._speaker(context)
        if not candidates and speaker is not None:
            record = self.actors.records[speaker]
            org = self.actors.organisation_named(record.affiliation) if record.kind == "person" else speaker
            candidates = [org] if org else []
        bodies = [k for k in candidates if self.actors.records[k].kind in _BODIES]
        return bodies[0] if bodies else None

    def _principal(self, pronoun: Token, *, person: bool) -> list[str]:
        """Whom a spokesman's 'he' or 'she', or lawyers' 'it', stands for: the one whose spokesman,
        aide or lawyer speaks ('The prime minister's spokesman said she would not resign', 'Lawyers
        for the company said it would fight the charges')."""
        say = next((a for a in pronoun.ancestors if a.lemma_.lower() in lexicon.SAY_VERBS), None)
        if say is None:
            return []
        subject = next((c for c in say.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.lemma_.lower() not in lexicon.SPOKESPEOPLE:
            return []
        owner = next((c for c in subject.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
        if owner is None:  # "lawyers for the company", "a spokesman for the ministry"
            owner = next(
                (p for c in subject.children if c.lower_ == "for" for p in c.children if p.dep_ == "pobj"), None
            )
        if owner is None:
            return []
        spokesman = set(self._keys([subject], say))
        keys = [k for k in self._keys([owner], say) if k not in spokesman]
        if not keys and (role := self.actors.role_actor(owner)) is not None:
            keys = [role]  # "the prime minister's spokesman": the prime minister, an actor of its own
        return [k for k in keys if (self.actors.records[k].kind == "person") == person]

    def _spoken_for(self, speaker: str, pronoun: Token) -> str | None:
        """The body a spokesperson speaks for: the one of her title, else the body the story was just
        about ('Nordwind said it would appeal. "We intend to," spokeswoman Lena Ortiz said'). A
        leader's 'we' stays the leader's, as it is told."""
        record = self.actors.records[speaker]
        if record.kind != "person" or not set((record.title or "").lower().split()) & lexicon.SPOKESPEOPLE:
            return None
        if record.affiliation:
            state = self.actors.state_called(record.affiliation)
            return self.actors.organisation_named(record.affiliation) or (state.key if state else None)
        return self.actors.recent(pronoun.i, person=False, window=80, subject=True)

    def _pronoun(self, token: Token, context: Token) -> list[str]:
        lower = token.lower_
        speaker = self._speaker(context, exclude=token)
        if lower in {"they", "their", "we", "our"} and (together := self._speakers_together(context)):
            return together  # "Siemens and Alstom announced that they would merge": both of them
        if lower in {"we", "our"} and speaker and (body := self._spoken_for(speaker, token)):
            return [body]  # '"We intend to challenge it," spokeswoman Lena Ortiz said': her company
        if lower in {"i", "we", "my", "our"}:
            return [speaker] if speaker else []
        if lower in lexicon.PERSON_PRONOUNS:
            if principal := self._principal(token, person=True):
                return principal  # "The prime minister's spokesman said she would not resign": the minister
            if speaker and self.actors.records[speaker].kind == "person":
                return [speaker]
            recent = self.actors.recent(token.i, person=True)
            return [recent] if recent else []
        if lower in {"it", "its"} and (principal := self._principal(token, person=False)):
            return principal  # "Lawyers for the company said it would fight the charges": the company
        if speaker and self.actors.records[speaker].kind != "person":
            return [speaker]
        if lower in {"it", "they"} and (earlier := self._earlier_subject(token)):
            return earlier  # "The cabinet approved the cut, and it also vowed to extend it"
        if lower == "they" and (group := self._previous_plural_subject(token)):
            return group  # "The authors say the results confirm it. They call for ..."
        if lower in {"it", "its"}:
            return self._it_antecedent(token)
        recent = self.actors.recent(token.i, person=False, window=80, subject=True)
        return [recent] if recent else []

    def _it_antecedent(self, pronoun: Token) -> list[str]:
        """'it': the last singular subject before it that is no person, and only if that is an actor
        ('"This settlement will not bring them back," said Ruiz. "But it will save lives."': the
        settlement, which commits no one; not the company named before)."""
        doc = self.doc
        for token in reversed(doc[max(0, pronoun.i - 80) : pronoun.i]):
            if token.dep_ not in {"nsubj", "nsubjpass"} or token.pos_ not in {"NOUN", "PROPN"}:
                continue
            speaking = token.head.lemma_.lower() in lexicon.SAY_VERBS
            if speaking and token.head.is_ancestor(pronoun) and token.lemma_.lower() not in _DOCUMENTS:
                # "Shipping line Vexamar said it would cut jobs": the speaker itself, or (a person's
                # 'it' being a thing: "Smith said it would reopen") no one; never an actor named before
                keys = self.actors.resolve(token, roles=True)
                if lexicon.ROLE_NOUNS.get(token.lemma_.lower()) == "organization":
                    return keys  # "The Trump administration said it would appeal": the administration's head
                return [k for k in keys if self.actors.records[k].kind != "person"]
            if token.tag_ in {"NNS", "NNPS"} or token.ent_type_ == "PERSON":
                continue
            keys = self.actors.resolve(token, roles=True)
            if any(self.actors.records[k].kind == "person" for k in keys):
                continue
            if keys or not speaking:
                return keys  # "The statement said it would": the one who issued it, further back
        return []

    def _previous_plural_subject(self, pronoun: Token) -> list[str]:
        """'They' opening a sentence after one whose subject is a plural role noun ('The authors
        say ...', 'Researchers found ...') is that group."""
        sent = self._sentence_of.get(pronoun.i) or pronoun.sent
        if pronoun.i - sent.start > 2 or sent.start == 0:
            return []
        previous = self._sentence_of.get(sent.start - 1)
        if previous is None:
            return []
        subject = next((c for c in previous.root.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.tag_ != "NNS" or subject.lemma_.lower() not in lexicon.ROLE_NOUNS:
            return []
        return self.actors.resolve(subject, roles=True)

    def _earlier_subject(self, pronoun: Token) -> list[str]:
        """The actor that is the subject of an earlier clause of the pronoun's own sentence."""
        single = pronoun.lower_ in {"it", "its"}
        for token in reversed(pronoun.sent[: pronoun.i - pronoun.sent.start]):
            if token.dep_ == "nsubj" and token.pos_ in {"NOUN", "PROPN"}:
                if single and token.tag_ in {"NNS", "NNPS"}:
                    continue  # "it" is not "the states"
                keys = self.actors.resolve(token, roles=True)
                if single and any(self.actors.records[k].kind == "person" for k in keys):
                    return []  # "Smith said it would reopen": 'it' is never Smith
                return keys
        return []

    def _speakers_together(self, token: Token) -> list[str]:
        """The actors named together as the subject of the speech verb above `token`, if more than one."""
        current = token
        for _ in range(6):
            head = current.head
            if head is current:
                return []
            if head.lemma_.lower() in lexicon.SAY_VERBS:
                subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
                if subject is None or subject.pos_ == "PRON" or not subject.conjuncts:
                    return []
                keys = self._keys([subject, *subject.conjuncts], head)
                return keys if len(keys) > 1 else []
            current = head
        return []

    def _speaker(self, token: Token, exclude: Token | None = None) -> str | None:
        """Whoever the clause is attributed to: subject of a speech verb above it, or 'according to X'."""
        current = token
        for _ in range(6):
            head = current.head
            if head is current:
                break
            if head.lemma_.lower() in lexicon.SAY_VERBS and current.dep_ in {
                "ccomp",
                "parataxis",
                "dobj",
                "xcomp",
                "advcl",
                "conj",
            }:
                subjects = [c for c in head.children if c.dep_ == "nsubj" and c is not exclude]
                if not subjects:  # "X published an article, saying: ...", "X spoke and added that ..."
                    subjects = [s for s in syntax.subjects(head) if s.dep_ == "nsubj" and s is not exclude]
                keys: list[str] = []
                for subject in subjects:
                    if subject.pos_ == "PRON":
                        if subject.lower_ in lexicon.PERSON_PRONOUNS:
                            recent = self.actors.recent(subject.i, person=True)
                            keys = [recent] if recent else []
                        elif subject.lower_ in {"it", "they"}:
                            recent = self.actors.recent(subject.i, person=False, window=120, subject=True)
                            keys = [recent] if recent else []
                    else:
                        keys = self._named_speaker(subject)
                if keys:
                    return keys[0]
            current = head
        sentence = self._sentence_of.get(token.i) or token.sent
        root = sentence.root
        if (
            root.lemma_.lower() in lexicon.SAY_VERBS
            and root is not token
            and token.i not in {t.i for s in root.children if s.dep_ == "nsubj" for t in s.subtree}
        ):
            for subject in (c for c in root.children if c.dep_ == "nsubj" and c is not exclude):
                keys = (
                    self._named_speaker(subject)
                    if subject.pos_ != "PRON"
                    else (
                        [
                            k
                            for k in [self.actors.recent(subject.i, person=subject.lower_ in lexicon.PERSON_PRONOUNS)]
                            if k
                        ]
                    )
                )
                if keys:
                    return keys[0]
        quoted = self._quoted_by(token, sentence) or self._quote_continued(sentence)
        if quoted is not None:
            return quoted
        according = syntax.according_to(sentence)
        if according is not None:
            keys = self.actors.resolve(according, create=False)
            if keys:
                return keys[0]
        return None

    def _quoted_by(self, token: Token, sentence: Span) -> str | None:
        """'"We are ready to strike, and we will," Adams told reporters': inside a quote, whoever the
        sentence's speech verb after the quote names, however the parse attached that verb."""
        marks = [t.i for t in sentence if t.text in {'"', "“", "”"}]
        if sum(1 for i in marks if i < token.i) % 2 == 0:
            return None  # not inside a quote
        closing = next((i for i in marks if i > token.i), None)
        if closing is None:
            return None
        for verb in self.doc[closing + 1 : sentence.end]:
            if verb.lemma_.lower() in lexicon.SAY_VERBS:
                for subject in (c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}):
                    keys = self._named_speaker(subject)
                    if keys:
                        return keys[0]
        return None

    def _quote_continued(self, sentence: Span) -> str | None:
        """'"We are not going anywhere," said Maria Santos. "We will stay until ..."': a sentence that
        is all quote, with no speech verb of its own, goes on with the quote the sentence before
        attributed to someone."""
        text = sentence.text.strip()
        if not text or text[0] not in {'"', "“"} or text[-1] not in {'"', "”"} or sentence.start == 0:
            return None
        if any(t.lemma_.lower() in lexicon.SAY_VERBS for t in sentence):
            return None
        previous = self._sentence_of.get(sentence.start - 1)
        if previous is None or not previous.text.lstrip().startswith(('"', "“")):
            return None
        for verb in (t for t in previous if t.lemma_.lower() in lexicon.SAY_VERBS):
            for subject in (c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}):
                keys = self._named_speaker(subject)
                if keys:
                    return keys[0]
        return None

    def _named_speaker(self, subject: Token) -> list[str]:
        """The speaker a subject names: the person in apposition first ("Nordair's chief executive,
        Mats Lindqvist, said": Lindqvist, not Nordair), else the phrase's own actor or one inside it."""
        for child in subject.children:
            key = self.actors.actor_at(child) if child.dep_ == "appos" else None
            if key is not None and self.actors.records[key].kind == "person":
                return [key]
        return self.actors.resolve(subject, roles=True) or self._actor_inside(subject)

    def _actor_inside(self, phrase: Token) -> list[str]:
        """'Fahrettin Altun, presidential communication director': an actor named inside the phrase."""
        for token in phrase.subtree:
            key = self.actors.actor_at(token)
            if key is not None:
                return [key]
        return []

    def _coercive(self, head: Token) -> bool:
        """Is the action headed by `head` coercive toward another actor or a population?

        A coercive measure as the object of an imposing verb ("impose sanctions", "use force",
        "tighten the blockade", "declare martial law"), a verb coercive in itself ("attack",
        "retaliate", "expel"), a verb aimed at people ("arrest the leaders", "ban opposition
        candidates"), or breaking off relations or supplies ("sever ties", "cut off aid to Y").
        Negated actions are not ("vowed not to use force"); trade and fiscal measures are not
        ("impose tariffs", "cut taxes")."""
        current = head
        for _ in range(3):
            if syntax.negated(current):
                return False
            if current.pos_ in {"NOUN", "PROPN"}:  # "vowed retaliation", "promised a crackdown"
                return current.dep_ == "dobj" and self._coercive_noun(current)
            if current.pos_ not in {"VERB", "AUX"}:
                return False
            lemma = current.lemma_.lower()
            objects = [
                o
                for c in current.children
                if c.dep_ in {"dobj", "attr"}
                for o in [c, *c.conjuncts]
                if o.pos_ in {"NOUN", "PROPN", "PRON"}
            ]
            particles = {c.lower_ for c in current.children if c.dep_ == "prt"}
            aimed = [  # "fight against Y", "strike at Y"; "cut off aid to Y", "withhold funds from Y"
                (c.lower_, p)
                for c in current.children
                if c.dep_ in {"prep", "dative"} and c.lower_ in {"against", "at", "to", "from"}
                for p in c.children
                if p.dep_ == "pobj"
            ]
            aimed_on = [
                (c.lower_, p) for c in current.children if c.lower_ == "on" for p in c.children if p.dep_ == "pobj"
            ]
            if lemma == "strike" and objects:  # "strike Israel"; not "strike a deal", "strike a balance"
                return any(o.pos_ == "PROPN" and self._people(o) for o in objects)
            if lemma in lexicon.COERCIVE_VERBS or (current.tag_ == "VBG" and lemma in lexicon.COERCIVE_NOUNS):
                return True  # "will attack", "resume shelling"
            answers = [p for c in current.children if c.dep_ == "prep" and c.lower_ == "with" for p in c.children]
            if lemma in lexicon.RESPONDING_VERBS and any(self._coercive_noun(p) for p in answers):
                return True  # "will respond with force", "would meet any attack with sanctions"
            if lemma in {"respond", "react", "reply"} and any(
                prep == "to" and p.lemma_.lower() in lexicon.HOSTILE_ACTS for prep, p in aimed
            ):
                return True  # "would respond to any Israeli attack": an answer in kind, held out
            if lemma == "fight" and not objects and not any(c.dep_ == "prep" for c in current.children):
                return True  # "sworn to fight (on)": armed struggle; not "fight corruption", "fight for"
            hostile = [p for prep, p in aimed if prep in {"against", "at"}]
            if lemma in lexicon.TARGETED_VERBS and any(self._people(o) for o in objects + hostile):
                return True  # "arrest the leaders", "ban opposition candidates"; not "ban smoking"
            if lemma == "strike" and hostile:
                return True  # "strike at American bases"; not "strike a deal"
            if lemma == "crack" and "down" in particles:
                return True
            if lemma == "march" and any(
                prep == "on" and (p.lemma_.lower() in {"capital", "city", "town"} or p.ent_type_ == "GPE")
                for prep, p in aimed_on
            ):
                return True  # "vowed to march on the capital": an advance on it (not "march on Sunday")
            doc = current.doc
            if (
                lemma == "walk"
                and current.i + 1 < len(doc)
                and doc[current.i + 1].lower_ in {"out", "off"}
                and (current.i + 2 >= len(doc) or doc[current.i + 2].lower_ != "of")
            ):
                return True  # "will walk out", "walk off the job": a strike ("walk out of the room": none)
            needed = lexicon.IMPOSING_VERBS.get(lemma)
            if needed is not None and (not needed or needed in particles):
                if any(self._coercive_noun(o) for o in objects):
                    return True  # "impose sanctions", "use force", "carry out strikes"
                against = hostile + [
                    p for o in objects for prep in o.children if prep.lower_ == "against" for p in prep.children
                ]
                if any(o.lemma_.lower() in lexicon.COERCIVE_IF_MODIFIED for o in objects) and any(
                    self._people(p) for p in against
                ):
                    return True  # "take action against the smugglers"; not "take measures against the flu"
            if lemma in lexicon.SEVERING_VERBS:
                if any(o.lemma_.lower() in lexicon.RELATION_NOUNS for o in objects):
                    return True  # "sever ties with Y", "break off relations"
                if any(o.lemma_.lower() in lexicon.SUPPLY_NOUNS for o in objects) and (
                    "off" in particles or any(self._people(p) for prep, p in aimed if prep in {"to", "from"})
                ):
                    return True  # "cut off aid", "halt supplies to Y"
            if lemma not in lexicon.ASPECTUAL_VERBS:
                return False
            inner = [c for c in current.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ in {"VERB", "AUX"}]
            if not inner:
                return False
            current = inner[0]  # "will resume shelling", "vowed to continue to attack"
        return False

    def _pressure_until(self, head: Token, keys: list[str]) -> list[str] | None:
        """Whom pressure is held on until they give way: 'vowed to block the border until the
        government withdraws the tariff', 'the strike will continue until the company restores the
        bonus' (none named: 'until governments set a date'); None for no pressure ('schools will stay
        closed until the virus subsides': no one is pressed)."""
        clause = next(
            (
                c
                for c in head.children
                if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"until", "till"} for m in c.children)
            ),
            None,
        )
        if clause is None or syntax.negated(head):
            return None
        subjects = [c for c in clause.children if c.dep_ == "nsubj"]
        pressed = [k for k in self._keys(subjects, clause) if k not in keys]
        if not pressed and not any(self._people(s) for s in subjects):
            return None  # "until the rain stops": no one is to give way
        lemma = head.lemma_.lower()
        if lemma in lexicon.PRESSURE_VERBS:
            return None if lemma == "strike" and syntax.has(head, "dobj") else pressed  # not "strike a deal"
        if lemma in lexicon.ASPECTUAL_VERBS | {"stay", "remain", "keep"}:  # "continue the boycott", "stay on strike"
            kept = [c for c in head.children if c.dep_ in {"nsubj", "dobj", "xcomp"}]
            kept += [p for c in head.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"]
            if any(t.lemma_.lower() in lexicon.PRESSURE_NOUNS | lexicon.PRESSURE_VERBS for t in kept):
                return pressed
        return None

    @staticmethod
    def _coercive_noun(noun: Token) -> bool:
        """'sanctions', 'a naval blockade', 'air strikes'; 'military action', 'martial law'."""
        lemma = noun.lemma_.lower()
        if lemma == "force":  # "use force"; not "use its forces to protect civilians" (troops)
            return noun.lower_ == "force" and not any(c.dep_ == "poss" for c in noun.children)
        if lemma in lexicon.COERCIVE_NOUNS or noun.lower_ in lexicon.COERCIVE_NOUNS:
            return True
        return lemma in lexicon.COERCIVE_IF_MODIFIED and any(
            c.dep_ in {"amod", "compound"} and c.lower_ in lexicon.COERCIVE_MODIFIERS for c in noun.children
        )

    def _someone_else(self, token: Token, verb: Token, keys: list[str]) -> bool:
        """Does a noun phrase name an actor other than the verb's own subject? 'it' for a deal or
        for the subject itself ('expects it to slip') names no one else."""
        if token.pos_ == "PRON" and token.lower_ not in lexicon.PEOPLE_PRONOUNS:
            return any(key not in keys for key in self._keys([token], verb))
        return self._people(token)

    def _people(self, token: Token) -> bool:
        """Does a noun phrase stand for people or an actor ('the rebels', 'Serbia', 'them')?
        One possessor or of-complement deep too ('Serbia's diplomats', 'leaders of the party')."""
        candidates = [token, *[c for c in token.children if c.dep_ == "poss"]]
        candidates += [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children]
        for item in candidates:
            lemma = item.lemma_.lower()
            if item.pos_ == "PRON":
                if item.lower_ in lexicon.PEOPLE_PRONOUNS:
                    return True
                continue
            if item.ent_type_ in {"PERSON", "NORP", "ORG", "GPE"} or self.actors.actor_at(item) is not None:
                return True
            if (
                lemma in lexicon.PEOPLE_NOUNS
                or lemma in lexicon.ROLE_NOUNS
                or lemma in lexicon.AGENT_NOUNS
                or lemma in lexicon.REPRESENTATIVE_NOUNS
            ):
                return True
            if item.tag_ in {"NN", "NNS"} and agent_nouns.agent_kind(
                item.lower_, self.actors.words, plural=item.tag_ == "NNS"
            ):
                return True  # agent nouns: "smugglers", "traffickers", "the employer"
        return False

    def _slice(self, rng: tuple[int, int]) -> str:
        bounds = trim(self.doc[rng[0] : rng[1] + 1])
        if bounds is None:
            return ""
        return syntax.short_action(text_of(self.doc)[bounds[0] : bounds[1]])


_UNDERTAKINGS = frozenset(
    {"plan", "deal", "agreement", "accord", "pact", "move", "decision", "proposal", "scheme", "project", "visit",
     "trip", "summit", "programme", "program"}
)  # fmt: skip
_CALLED_OFF = frozenset(
    {"postponed", "cancelled", "canceled", "scrapped", "shelved", "delayed", "suspended", "dropped", "abandoned",
     "axed", "withdrawn", "aborted", "halted", "blocked", "vetoed"}
)  # fmt: skip


def _called_off_after(cue: Token, action: str) -> bool:
    """'The two leaders were to meet on Friday, but the meeting was cancelled': a clause joined by
    'but' to the one that states the undertaking says it was called off (not 'will strike, but talks
    were delayed': another thing)."""
    words = {w[:4] for w in action.lower().split()}
    for clause in [cue, *list(cue.ancestors)[:3]]:
        buts = [c.i for c in clause.children if c.dep_ == "cc" and c.lower_ == "but"]
        for c in clause.children:
            if not (buts and c.dep_ == "conj" and c.i > buts[0] and c.lower_ in _CALLED_OFF):
                continue
            things = [t for t in c.children if t.dep_ == "nsubjpass"]
            if any(t.lemma_.lower() in _UNDERTAKINGS or t.lower_[:4] in words for t in things):
                return True
    return False


def _then_done(verb: Token) -> bool:
    """'promised a dividend and delivered it', 'vowed to rebuild the bridge and did so': the same
    subject's next verb, in the past, does what was undertaken (it, them, so)."""
    return any(
        c.dep_ == "conj"
        and c.i > verb.i
        and c.tag_ == "VBD"
        and not syntax.has(c, "nsubj")
        and any(
            (d.dep_ == "dobj" and d.lower_ in {"it", "them", "that"}) or (d.dep_ == "advmod" and d.lower_ == "so")
            for d in c.children
        )
        for c in verb.children
    )


def _edge_punctuation(head: Token) -> set[int]:
    """Indices of the punctuation at either end of a head's phrase (not the quotes inside it)."""
    tokens = sorted(head.subtree, key=lambda t: t.i)
    words = [t.i for t in tokens if not t.is_punct]
    if not words:
        return {t.i for t in tokens}
    return {t.i for t in tokens if t.is_punct and (t.i < words[0] or t.i > words[-1])}


def _addressee(lemma: str, prep: Token) -> bool:
    """'called on Turkey (to stop)', 'appealed to donors (to give)': whom the asking is addressed to."""
    return lemma in lexicon.OBJECT_CONTROL and prep.lower_ in {"on", "upon", "to"}


def _ended(noun: Token) -> bool:
    """The undertaking a noun names is ended, broken or done by the verb that governs it: 'withdrew
    its offer', 'kept its pledge', 'backed away from its promise', 'went back on its word'."""
    particles: set[str] = set()
    if noun.dep_ == "dobj":
        verb = noun.head
    elif noun.dep_ == "pobj":
        verb = noun.head.head
        while verb.dep_ in {"advmod", "prt", "prep"} and verb.pos_ in {"ADV", "ADP", "PART"} and verb.head != verb:
            particles.add(verb.lower_)  # "backed away from", "backed out of": 'from' hangs on the particle
            verb = verb.head
    else:
        return False
    if verb.pos_ != "VERB":
        return False
    lemma = verb.lemma_.lower()
    if lemma in lexicon.ENDING_VERBS:
        return True
    particles |= {c.lower_ for c in verb.children if c.dep_ in {"prt", "advmod"}}
    return any((lemma, particle) in lexicon.ENDING_PHRASAL for particle in particles)


def _retaliation(noun: Token) -> bool:
    """'strong countermeasures', 'retaliation', 'punitive measures': what a warner itself would do
    in answer (not 'a recession', 'war', nor 'retaliation by Russia': someone else's)."""
    if any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "by") for c in noun.children):
        return False
    lemma = noun.lemma_.lower()
    return lemma in lexicon.RETALIATION_NOUNS or (
        lemma in lexicon.COERCIVE_IF_MODIFIED
        and any(c.dep_ in {"amod", "compound"} and c.lower_ in lexicon.COERCIVE_MODIFIERS for c in noun.children)
    )


def _aimed_at(cue: Token, action: Token | None, kind: CommitmentKind) -> list[Token]:
    """Whom an undertaking is made with, for or against, where the sentence says so beside the
    action: the partner of an agreement ('agreed with its unions'), the one given something ('lend
    Egypt $3 billion'), the one a threat is aimed at ('withhold 7 billion euros from Hungary')."""
    found: list[Token] = []
    if kind == "agreement":
        found += [p for c in cue.children if c.dep_ == "prep" and c.lower_ == "with" for p in c.children]
    if action is not None and action.pos_ == "VERB":
        found += [c for c in action.children if c.dep_ == "dative" and c.pos_ in {"PROPN", "NOUN"}]
        if kind == "threat":
            found += [
                p
                for c in action.children
                if c.dep_ == "prep" and c.lower_ in {"against", "from", "on", "at"}
                for p in c.children
            ]
    return [t for t in found if t.dep_ in {"pobj", "dative"}]


def _dated(prep: Token) -> bool:
    """'on Monday', 'in March': a preposition that says when, not what."""
    return any(p.ent_type_ in {"DATE", "TIME"} for p in prep.children)


def _placed(prep: Token) -> bool:
    """'in Washington', 'at the UN': a preposition that says where a deal was made, not what it is."""
    return prep.lower_ in {"in", "at"} and any(t.ent_type_ in {"GPE", "LOC", "FAC"} for t in prep.subtree)


def _struck(noun: Token, governor: Token) -> bool:
    """A deal made, told as done: 'reached a deal', 'has struck an agreement', 'clinches deal'
    (not 'hopes to reach', 'could reach', 'talks aimed at reaching', nor a treaty signed long ago)."""
    return noun.dep_ == "dobj" and governor.lemma_.lower() in lexicon.DEAL_MAKING_VERBS and _told_as_done(governor)


def _told_as_done(verb: Token) -> bool:
    """A main verb in the past or present, or with 'has': 'reached', 'signs', 'has brokered' (not
    'to sign', 'could reach', 'talks aimed at reaching')."""
    return (
        verb.dep_ in {"ROOT", "ccomp", "conj", "parataxis"}
        and (
            verb.tag_ in {"VBD", "VBZ", "VBP"}
            or (verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children))
        )
        and not any(c.tag_ == "MD" for c in verb.children)
    )


def _a_new_pact(noun: Token, verb: Token) -> bool:
    """'a peace agreement', 'agreements on trade': a pact the sentence introduces, not one known
    ('the treaty', 'its contract') nor one of a past year ('signed a treaty in 1998')."""
    if any(c.dep_ in {"poss", "det"} and c.lower_ not in {"a", "an"} for c in noun.children):
        return False
    if noun.tag_ == "NN" and not any(c.dep_ == "det" for c in noun.children):
        return False  # "signed peace": a mass noun read as a pact, or a headline the parse may have misread
    return not any(
        re.fullmatch(r"(?:19|20)\d\d", p.text)
        for c in (*verb.children, *noun.children)
        if c.dep_ == "prep"
        for p in c.children
        if p.dep_ == "pobj"
    )


def _unchosen(verb: Token) -> bool:
    """An outcome nobody chooses ('will lose its majority', 'will run out of money')."""
    lemma = verb.lemma_.lower()
    if lemma in lexicon.UNCHOSEN_VERBS:
        return True
    if any(c.dep_ == "dobj" and any(m.lower_ == "enough" for m in c.children) for c in verb.children):
        return True  # "she won't make enough thyroid hormone", "will not raise enough money": a shortfall
    particle = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None  # "run out of": 'out' may parse as a preposition
    return particle is not None and particle.head == verb and (lemma, particle.lower_) in lexicon.UNCHOSEN_PHRASAL


def _done_so(verb: Token) -> Token | None:
    """What 'do so' stands for when it follows a clause of its own sentence: the verb that clause
    governs ('never considered reducing our supply ... and will not do so': reducing our supply)."""
    if verb.lemma_.lower() != "do" or not any(c.lower_ == "so" and c.dep_ == "advmod" for c in verb.children):
        return None
    if verb.dep_ != "conj":
        return None
    governed = [c for c in verb.head.children if c.dep_ in {"xcomp", "ccomp"} and c.pos_ == "VERB" and c.i < verb.i]
    return governed[0] if governed else None


def _sharing_the_modal(main: Token) -> list[Token]:
    """Verbs joined to a modal's verb by 'and'/'or' with no subject, auxiliary or cue of their own:
    'will cut jobs and close the plant' plans both ('but will not sell' is its own statement)."""
    if not any(c.dep_ == "cc" and c.lower_ in {"and", "or"} for c in main.children):
        return []
    return [
        c
        for c in main.conjuncts
        if c.i > main.i
        and c.pos_ == "VERB"
        and not any(d.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass", "neg"} for d in c.children)
        and c.lemma_.lower() not in lexicon.VERB_CUES
    ]


def _finite(verb: Token) -> bool:
    """A verb with a tense or auxiliary of its own ('have promised', 'said'), not a bare infinitive."""
    return verb.tag_ in {"VBD", "VBZ", "VBP"} or any(c.dep_ == "aux" and c.lower_ != "to" for c in verb.children)


def _unkept(cue: Token) -> bool:
    """Told as not kept: 'the threat to strike was never carried out', 'its promise proved hollow',
    'threatened to cut off gas, but never did'."""
    if cue.dep_ in {"nsubj", "nsubjpass"}:
        told = cue.head
        lemma = told.lemma_.lower()
        if lemma in lexicon.CARRYING_OUT_VERBS and syntax.negated(told):
            return True
        if lemma in lexicon.TURNING_OUT_VERBS and any(c.lower_ in _HOLLOW for c in told.children):
            return True
        return lemma in {"go", "remain"} and any(c.lower_ in {"unfulfilled", "unmet"} for c in told.children)
    return any(
        (c.dep_ == "conj" and c.lemma_.lower() == "do" and syntax.negated(c) and not syntax.has(c, "dobj"))
        or (c.dep_ == "conj" and _thought_better(c))
        for c in cue.children
    ) or any(  # "pledged to scrap the tax but later reversed course": hung on what was pledged
        c.dep_ == "conj" and c.tag_ == "VBD" and _thought_better(c)
        for x in cue.children
        if x.dep_ == "xcomp"
        for c in x.children
    )


def _thought_better(verb: Token) -> bool:
    """'then changed her mind', 'later reversed course', 'but backtracked': the undertaking just told
    is taken back."""
    objects = {c.lower_ for c in verb.children if c.dep_ == "dobj"}
    taken_back = lexicon.TAKING_BACK.get(verb.lemma_.lower())
    return taken_back is not None and (taken_back in objects if taken_back else not objects)


_HOLLOW = frozenset({"hollow", "empty", "false", "illusory", "worthless"})


def _stood_by(noun: Token) -> bool:
    """'stood by her promise', 'stands by its pledge': an undertaking held to, said again."""
    prep = noun.head
    return (
        noun.dep_ == "pobj"
        and prep.lower_ == "by"
        and prep.head.lemma_.lower() == "stand"
        and prep.head.pos_ == "VERB"
        and not syntax.negated(prep.head)
    )


def _restated(cue: Token) -> bool:
    """Said again: 'reiterated that it would', 'again vowed', 'still plans to', 'stood by its
    promise'. Only the cue's own clause and the verbs above it count ('the deal, which still needs
    approval, ...' restates nothing)."""
    if _stood_by(cue):
        return True
    line = [cue, *cue.ancestors]
    return any(
        t.lemma_.lower() in _REAFFIRM for head in line for t in (head, *head.children) if t.dep_ not in _OTHER_CLAUSES
    )


_OTHER_CLAUSES = frozenset({"relcl", "acl", "advcl", "appos", "parataxis"})


def _status(cue: Token) -> Status:
    if _unkept(cue):
        return "broken"
    if _restated(cue):
        return "reaffirmed"
    return "unknown" if _told_of_before(cue) else "new"


def _told_of_before(cue: Token) -> bool:
    """'The mayor, who promised in 2019 to build a stadium, ...', 'the IMF, which agreed a loan with
    Kenya last year': an undertaking of the past recalled in passing, not the news (nor said again)."""
    if cue.dep_ != "relcl" or cue.tag_ not in {"VBD", "VBN"}:
        return False
    dated = [c for c in cue.children if c.ent_type_ == "DATE"]
    dated += [p for c in cue.children if c.dep_ == "prep" for p in c.children if p.ent_type_ == "DATE"]
    return any(not timex.is_relative_day(d.text) for d in dated)  # "which threatened on Monday": this week's news


def _states_a_fact(clause: Token) -> bool:
    """'the talks would continue', 'he was innocent': a clause in the indicative. 'that he resign'
    (the subjunctive) and 'that Turkey must withdraw' say what someone is to do."""
    modals = {c.lower_ for c in clause.children if c.dep_ in {"aux", "auxpass"}}
    if modals & (_OBLIGATION | {"to"}):
        return False
    return bool(modals) or clause.tag_ in {"VBD", "VBZ", "VBP"}


def _concurs(clause: Token) -> bool:
    """'agree the recession is over', 'agreed that the reform had gone too far': a fact stated (as
    `_states_a_fact`), but what will or may be ('that talks would resume', 'are to meet') is agreed to."""
    auxes = {c.lower_ for c in clause.children if c.dep_ in {"aux", "auxpass"}}
    return (
        _states_a_fact(clause)
        and not auxes & (_MODALS_FUTURE | _MODALS_REPORTED | _MODALS_MAY | {"can"})
        and not any(c.dep_ == "xcomp" for c in clause.children)  # "agreed that the leaders are to meet"
    )


def _tells_someone_to(verb: Token) -> bool:
    """'warned Turkey to stop': an object, then what it is to do."""
    objects = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
    return bool(objects) and (
        any(c.dep_ == "xcomp" for o in objects for c in o.children)
        or any(c.dep_ == "xcomp" and c.i > objects[0].i for c in verb.children)
    )


_PARTNER_PREPS = frozenset({"with", "between", "against", "to", "for", "on", "over", "from", "into"})


def _deadline(cue: Token, end: int) -> Token | None:
    """'by 2030', 'before the summer', 'within 60 days' hung on the cue right after what was
    undertaken: the deadline of it (where 'on Tuesday' is when it was said)."""
    return next(
        (
            c
            for c in cue.children
            if c.dep_ == "prep"
            and c.i == end + 1
            and c.lower_ in {"by", "before", "within", "until"}
            and any(t.ent_type_ in {"DATE", "TIME"} for t in c.subtree)
        ),
        None,
    )


def _partner(cue: Token, end: int) -> Token | None:
    """'ruled out a coalition | with the far right', 'pledged €2 billion | to Ukraine': the phrase the
    parse hung on the verb right after its object belongs to what was refused or pledged (a date
    there, 'on Tuesday', is when it was said)."""
    for prep in cue.children:
        if (
            prep.dep_ == "prep"
            and prep.i == end + 1
            and prep.lower_ in _PARTNER_PREPS
            and not any(t.ent_type_ in {"DATE", "TIME"} for t in prep.subtree)
        ):
            return prep
        if (  # "rejected calls | to delay the vote": the infinitive the parse hung on the verb is what was called for
            prep.dep_ in {"advcl", "xcomp"}
            and prep.left_edge.i == end + 1
            and prep.left_edge.lower_ == "to"
            and cue.doc[end].lemma_.lower() in lexicon.REQUEST_NOUNS
        ):
            return prep
    return None


def _after_going(verb: Token) -> bool:
    """The verb after 'be going to' (whose subject and negation hang on 'going')."""
    return verb.dep_ == "xcomp" and verb.head.lower_ == "going" and verb.head.tag_ == "VBG"


def _asked_aside(verb: Token) -> bool:
    """'X, asked about / whether ..., said': a participle between commas that the parser took for the
    main verb, the real one ('said') hanging under it."""
    doc = verb.doc
    return (
        verb.i > 0
        and doc[verb.i - 1].text == ","
        and verb.tag_ in {"VBN", "VBD"}
        and any(
            c.dep_ in {"ccomp", "conj", "parataxis"} and c.lemma_.lower() in lexicon.SAY_VERBS and c.i > verb.i
            for c in verb.children
        )
    )


def _time_unit(noun: Token) -> bool:
    """'48 hours', 'a week', 'a deadline' (the lemmatiser leaves plurals of these as they are)."""
    return noun.lower_.removesuffix("s") in _TIME_UNITS


def _possible_only(verb: Token) -> bool:
    """'may', 'might' or 'could' on the cue itself: a possibility, nobody's undertaking."""
    return any(c.dep_ in {"aux", "auxpass"} and c.lower_ in _MODALS_MAY for c in verb.children)


def _has_particle(verb: Token, particle: str) -> bool:
    return any(c.dep_ == "prt" and c.lower_ == particle for c in verb.children)


def _preps(verb: Token, *words: str) -> list[Token]:
    return [c for c in verb.children if c.dep_ == "prep" and c.lower_ in words]


_SOME_OF_THEM = frozenset({"many", "some", "most", "several", "few"})

# Cues of asking that read as plain actions without what they ask: "would appeal the ruling",
# "will call an election", "will order 50 aircraft", "will press charges".
_ACTIONS_UNLESS_ASKING = frozenset({"appeal", "call", "order", "press", "push"})


def _cue_without_its_clause(verb: Token) -> bool:
    """An asking cue with nothing asked ("appeal the ban"), so the verb is an action, not a demand."""
    lemma = verb.lemma_.lower()
    if lemma not in _ACTIONS_UNLESS_ASKING:
        return False
    if lemma == "appeal" and syntax.has(verb, "dobj"):
        return True  # "would appeal the ruling to the Fifth Circuit": a court is asked, by law
    if lemma == "appeal" and not syntax.has(verb, "xcomp") and any(_a_court(p) for p in _preps(verb, "to")):
        return True  # "would appeal to the General Court": a legal appeal, not a plea
    for child in verb.children:
        if child.dep_ in {"xcomp", "ccomp"}:
            return False
        if child.dep_ in {"prep", "prt"} and child.lower_ in lexicon.CUE_PREPS.get(lemma, frozenset()):
            return False
        if child.dep_ == "dobj" and any(c.dep_ in {"xcomp", "acl"} for c in child.children):
            return False
    return True


def _a_court(prep: Token) -> bool:
    """'to the General Court', 'to the Court of Arbitration for Sport', 'to a higher tribunal'."""
    return any(
        p.lemma_.lower() in {"court", "tribunal", "judge"} or any(t.lower_ in {"court", "tribunal"} for t in p.subtree)
        for p in prep.children
        if p.dep_ == "pobj"
    )


def _kind_of_none(subject: Token, verb: Token) -> CommitmentKind:
    """What 'No X will be <verb>-ed' commits its speaker to. A thing withheld ('no concessions will
    be made') or people let in, spared or given nothing ('no one will be allowed in') is a refusal;
    people spared a harm ('nobody will be deported', 'no workers will be laid off') is a promise."""
    people = subject.lower_ in {"nobody", "noone", "one"} or subject.lemma_.lower() in (
        lexicon.PEOPLE_NOUNS | lexicon.ROLE_NOUNS.keys()
    )
    if subject.lower_ == "none":
        people = any(
            p.lemma_.lower() in lexicon.PEOPLE_NOUNS | lexicon.ROLE_NOUNS.keys() or p.ent_type_ in {"PERSON", "NORP"}
            for prep in subject.children
            if prep.lower_ == "of"
            for p in prep.children
        )
    if not people or verb.lemma_.lower() in lexicon.GRANTING_VERBS:
        return "refusal"
    return "promise"


def _policy_kind(noun: Token) -> CommitmentKind | None:
    """'a policy of turning away boats', 'its policy of not negotiating': a standing refusal; 'a
    policy of expanding settlements': a plan. Any other 'policy' ('the new policy') is a thing."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for done in prep.children:
                if done.dep_ == "pcomp" and done.tag_ == "VBG":
                    withholding = done.lemma_.lower() in lexicon.WITHHOLDING_VERBS or (
                        done.lower_ in {"turning", "keeping"} and syntax.has(done, "prt")
                    )
                    return "refusal" if withholding or syntax.negated(done) else "plan"
    return None


def _only_adjuncts_between(verb: Token, to: Token) -> bool:
    """Nothing but a short time or place phrase stands between the cue and its 'to' ('threatened on
    Tuesday to walk off', 'vowed again to'): the infinitive is the cue's, not a purpose clause."""
    between = verb.doc[verb.i + 1 : to.i]
    return len(between) <= 5 and all(
        t.pos_ not in {"VERB", "AUX", "PUNCT"} and not (t.dep_ in {"dobj", "dative"} and t.head.i == verb.i)
        for t in between
    )
