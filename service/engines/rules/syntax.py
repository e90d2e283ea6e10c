"""Reading the dependency parse for the commitment detector: who the subject is, whether a
clause is negated, reported, an opinion or a condition, and how far a phrase reaches."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from service.engines.rules import lexicon
from service.engines.rules.nlp import subtree_range, text_of, trim

# Speech verbs that report a view or a forecast rather than an announcement.
OPINION_VERBS = frozenset(
    {"believe", "think", "predict", "suggest", "argue", "claim", "conclude", "fear", "estimate", "doubt", "hope"}
)


def has(token: Token, dep: str) -> bool:
    return any(c.dep_ == dep for c in token.children)


_NEGATIVE_ADVERBS = frozenset({"never", "n't", "not", "nowhere", "hardly", "scarcely", "barely"})
_NEGATIVE_DETERMINERS = frozenset({"no", "neither"})
# Heads under which a commitment is denied, not made: "denied plans to", "dismissed reports that".
DENIALS = frozenset({"deny", "dismiss", "refute", "disavow", "doubt", "disprove"})
# How a clause hangs under the one that can negate or deny it ("did not say it would", "is not pre-committing").
_EMBEDDING = frozenset({"xcomp", "advcl", "acomp", "ccomp"})
_EMBEDDING_OR_OBJECT = _EMBEDDING | {"dobj", "pobj", "prep", "acl", "relcl", "nsubj", "attr"}


_SURFACE_NEGATIVES = frozenset({"not", "n't", "never"})


def negated(token: Token) -> bool:
    """'did not agree', 'never promised', 'failed to agree', 'no longer', and a fronted negative:
    'At no point did the government promise', 'Under no circumstances will it sign'."""
    if any(c.dep_ == "neg" or (c.lower_ in _NEGATIVE_ADVERBS and c.dep_ in {"advmod", "neg"}) for c in token.children):
        return True
    # A negative between the auxiliary and the verb negates the verb, however the parse attaches it:
    # 'would "absolutely not" agree' (quotes), 'will, frankly, never sign'. Where it belongs to
    # something else ('will, if not stopped, attack'), the commitment is left out: the safe side.
    auxiliaries = [c.i for c in token.children if c.dep_ in {"aux", "auxpass"} and c.i < token.i]
    if auxiliaries and any(t.lower_ in _SURFACE_NEGATIVES for t in token.doc[min(auxiliaries) + 1 : token.i]):
        return True
    if any(
        c.dep_ == "prep" and c.i < token.i and any(_has_negative_determiner(p) for p in c.children if p.dep_ == "pobj")
        for c in token.children
    ):
        return True
    if any(c.dep_ == "dobj" and c.lower_ in {"nothing", "none"} for c in token.children):
        return True  # "promised nothing": no undertaking
    if any(
        p.lower_ in {"nothing", "none"} or _dead_body(p)
        for c in token.children
        if c.dep_ == "prep"
        for p in c.children
        if p.dep_ == "pobj"
    ):
        return True  # "agreed on nothing"; 'would be scrapped "over my dead body"': never
    head = token.head
    if token.dep_ == "xcomp" and head.lemma_.lower() in {"fail", "refuse", "decline", "reject", "cease"}:
        return True
    if token.dep_ == "xcomp" and _yet_to(head):
        return True  # "has yet to commit", "is yet to agree": not (yet) done
    if _yet_to(token):
        return True
    return token.dep_ in {"xcomp", "acomp"} and head is not token and any(c.dep_ == "neg" for c in head.children)


def _dead_body(noun: Token) -> bool:
    """'over my dead body', 'over our dead bodies': the idiom of never."""
    return (
        noun.lemma_.lower() == "body"
        and noun.head.lower_ == "over"
        and any(c.lower_ == "dead" for c in noun.children)
        and any(c.lower_ in {"my", "our"} for c in noun.children)
    )


def fronted_never(token: Token) -> bool:
    """'"Over my dead body will this hospital close"': who refuses is the speaker, not the subject,
    and the inverted clause reads as a plan; left out rather than reversed."""
    return any(
        c.dep_ == "prep" and c.i < token.i and any(_dead_body(p) for p in c.children if p.dep_ == "pobj")
        for c in token.children
    )


def _yet_to(token: Token) -> bool:
    """'has yet to', 'is yet to', 'are still yet to': what follows has not happened."""
    return (
        token.lemma_.lower() in {"have", "be"}
        and any(c.lower_ == "yet" and c.dep_ == "advmod" for c in token.children)
        and any(c.dep_ == "xcomp" for c in token.children)
    )


def is_pronoun(token: Token) -> bool:
    """A pronoun standing for someone named elsewhere; not an organisation written in capitals that
    the tagger took for one ('The WHO urged', tagged as the relative 'who')."""
    if token.ent_type_ and token.text.isupper() and len(token.text) > 1:
        return False
    return token.pos_ == "PRON" or token.lower_ in lexicon.PERSON_PRONOUNS | lexicon.GROUP_PRONOUNS


def names_nobody(noun: Token) -> bool:
    """'no country', 'nobody', 'none of the parties', 'neither side', 'not a single minister',
    'few countries': a phrase that says no actor (or hardly any) did it."""
    if noun.lower_ in _NOBODY_WORDS:
        return True
    before = noun.doc[noun.left_edge.i : noun.i]
    for token in before:
        if token.lower_ in _NEGATIVE_DETERMINERS or (
            token.lower_ == "not" and token.i + 1 < len(noun.doc) and noun.doc[token.i + 1].lower_ != "only"
        ):
            return True
        if token.lower_ == "few" and (token.i == 0 or noun.doc[token.i - 1].lower_ not in {"a", "quite"}):
            return True
    return False


_NOBODY_WORDS = frozenset({"nobody", "none", "neither", "nothing", "noone", "no-one"})


def _has_negative_determiner(noun: Token) -> bool:
    return any(d.dep_ == "det" and d.lower_ in _NEGATIVE_DETERMINERS for d in noun.children)


def negated_above(token: Token) -> bool:
    """A clause that holds this one is negated: 'We are not pre-committing to', 'did not say it would'."""
    current = token
    for _ in range(8):
        if current.dep_ not in _EMBEDDING or current.head is current:
            return False
        current = current.head
        if negated(current) and current.lemma_.lower() != "hesitate":  # "would not hesitate to act": it will
            return True
    return False


def denied_above(token: Token, cue: Token) -> bool:
    """This token sits under a denial other than the cue itself: 'denied plans to close', 'dismissed
    reports that X would' (while 'denied land to', 'dismissed an appeal to' are the cue's own refusals)."""
    current = token
    for _ in range(8):
        if current.dep_ not in _EMBEDDING_OR_OBJECT or current.head is current:
            return False
        current = current.head
        if current.lemma_.lower() in DENIALS and current.i != cue.i:
            return True
    return False


def subjects(verb: Token) -> list[Token]:
    """The subject of a verb, inherited through coordination, control and relative clauses."""
    current = verb
    for _ in range(6):
        found = [c for c in current.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if found:
            subject = found[0]
            if subject.lower_ in {"which", "who", "that"} and current.dep_ == "relcl":
                return [current.head]
            return [subject]
        if (owner := misattached_conjunct(current)) is not None:
            current = owner
            continue
        if current.dep_ in {"conj", "xcomp", "acomp"} and current.head is not current:
            current = current.head
            continue
        if current.dep_ in {"acl", "relcl"} and current.tag_ == "VBG":  # "a declaration demanding"
            noun = current.head
            if noun.dep_ in {"dobj", "pobj"}:
                current = noun.head if noun.dep_ == "dobj" else noun.head.head
                continue
        if current.dep_ == "advcl" and current.tag_ == "VBG":  # "..., urging X to"
            current = current.head
            continue
        if alongside(current):
            current = current.head.head
            continue
        break
    return []


def misattached_conjunct(verb: Token) -> Token | None:
    """The verb a past-tense conjunct truly joins when the parser hangs it on the bare verb of a
    'that' clause: 'demanded that the minister resign, and threatened to ...' (Zielinski
    threatened, not the minister: 'resign' is a subjunctive, 'threatened' has the main tense)."""
    head = verb.head
    if verb.dep_ != "conj" or verb.tag_ != "VBD" or has(verb, "nsubj") or has(verb, "aux"):
        return None
    if head.tag_ == "VB" and head.dep_ == "relcl" and any(c.tag_ == "MD" for c in head.children):
        # "accused Boric of making promises he could not keep and called on him to": a past tense
        # cannot share 'could' of a relative clause, so it joins the nearest finite verb above ("the
        # association would not raise its offer but was willing to" shares its subject: no relative)
        return next((a for a in head.ancestors if a.pos_ == "VERB" and a.tag_ in {"VBD", "VBZ", "VBP"}), None)
    if (
        head.tag_ not in {"VB", "VBP"}
        or head.dep_ != "ccomp"
        or head.head.tag_ not in {"VBD", "VBZ", "VBP"}
        or any(c.dep_ == "aux" for c in head.children)
    ):
        return None
    return head.head


def alongside(verb: Token) -> bool:
    """'X defended the record while promising ...', 'after vowing to', 'by pledging to': a gerund
    done by the subject of the clause it hangs from (not 'without agreeing', 'instead of signing'),
    or by its own ('with the Greens rejecting ...')."""
    if verb.dep_ != "pcomp" or verb.tag_ != "VBG" or verb.head.head is verb.head:
        return False
    if verb.head.lower_ == "with":  # "..., with the Greens rejecting a compromise": the Greens reject it
        return has(verb, "nsubj")
    return verb.head.lower_ in _ALONGSIDE and verb.head.head.pos_ in {"VERB", "AUX"}


_ALONGSIDE = frozenset({"while", "whilst", "after", "by"})


def agent(verb: Token) -> list[Token]:
    return [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]


def reported(token: Token) -> bool:
    """Is the clause reported speech ('said it would ...')?"""
    return any(
        current.dep_ in {"ccomp", "parataxis", "conj"} and current.head.lemma_.lower() in lexicon.REPORTING_VERBS
        for current in ancestors(token, 4)
    )


def opinion(token: Token) -> bool:
    """Is the nearest speech verb above the clause one of opinion or forecast ('believes
    the gap would be made up')? Then the clause is a prediction, not an announcement."""
    current = token
    for _ in range(4):
        if current.head is current:
            return False
        current = current.head
        lemma = current.lemma_.lower()
        if lemma in OPINION_VERBS:
            return True
        if lemma in lexicon.SAY_VERBS:
            return False
    return False


def according_to(sent: Span) -> Token | None:
    for token in sent:
        if token.lower_ == "according":
            for prep in token.children:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return None


def in_condition(token: Token) -> bool:
    return any(current.dep_ == "advcl" and is_condition(current) for current in ancestors(token, 8))


def is_condition(clause: Token) -> bool:
    return (
        any(c.dep_ == "mark" and c.lower_ in lexicon.CONDITION_MARKS for c in clause.children)
        or clause.left_edge.lower_ in lexicon.CONDITION_MARKS
        or _inverted(clause)
    )


def _inverted(clause: Token) -> bool:
    """'Should talks fail, the union will strike': a condition told by its auxiliary put first."""
    first = clause.left_edge
    return clause.dep_ == "advcl" and first.dep_ == "aux" and first.lower_ in {"should", "were", "had"}


def condition(token: Token) -> str | None:
    """An if/unless/provided clause attached to the verb."""
    clause = condition_clause(token)
    return condition_text(clause) if clause is not None else None


def condition_text(clause: Token) -> str | None:
    """The words of a condition clause, from its 'if' to its end, without a trailing aside."""
    token = clause
    punctuation = [c for c in clause.children if c.dep_ == "punct"]
    left, right = subtree_range(clause, punctuation + _asides(clause, punctuation))
    bounds = trim(token.doc[min(left, clause.left_edge.i) : right + 1])
    return text_of(token.doc)[bounds[0] : bounds[1]] if bounds else None


def condition_clause(token: Token) -> Token | None:
    """The head of an if/unless/provided clause attached to the verb."""
    for child in token.children:
        if child.dep_ == "ccomp" and token.lemma_.lower() in lexicon.ASKING_VERBS:
            continue  # "asked if he would resign": a question asked, not a condition
        # "to leave if the coalition raises taxes" (parsed ccomp), "offered to talk, but only if ..." (conj)
        if child.dep_ not in {"advcl", "ccomp", "conj"}:
            continue
        marks = [c for c in child.children if c.dep_ == "mark" and c.lower_ in lexicon.CONDITION_MARKS]
        # a clause opening with "if" of its own ("Unless Congress acts, the program will end" opens with it too)
        if marks or (child.dep_ == "advcl" and (child.left_edge.lower_ in lexicon.CONDITION_MARKS or _inverted(child))):
            return child
    return None


def hypothetical(verb: Token) -> bool:
    """A conditional that commits to nothing: 'could/might X if Y', and 'would help if asked' (an
    if-clause without a subject of its own: an offer on terms nobody has set). 'Will X if Y' is a
    conditional commitment and stays one."""
    clauses = [c for c in verb.children if c.dep_ == "advcl" and is_condition(c)]
    if not clauses:
        return False
    modals = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if modals & {"could", "might", "may"}:
        return True
    return "would" in modals and any(
        not (has(c, "nsubj") or has(c, "nsubjpass")) and not any(t.lower_ in _ELECTED for t in c.subtree)
        for c in clauses
    )  # "If re-elected, she would freeze taxes" is a pledge on the terms of her election


_ELECTED = frozenset({"elected", "re-elected", "reelected", "appointed", "confirmed", "chosen"})


def is_question(sent: Span) -> bool:
    """'Will the government raise taxes?': a question undertakes nothing."""
    return sent.text.rstrip().rstrip("\"'”’").endswith("?")


def _of_itself(speaker: Token, clause: Token) -> bool:
    """'Its largest investor, Elm Capital, said it would vote against', 'Investors said they would
    sell': the speaker speaks of itself (not 'Critics say it will raise prices': of another)."""
    plural = speaker.tag_ in {"NNS", "NNPS"}
    pronouns = {"they", "we"} if plural else {"it", "he", "she", "we", "i"}
    return any(c.dep_ == "nsubj" and c.lower_ in pronouns for c in clause.children)


def hedged(token: Token) -> bool:
    """The clause is a forecast, hearsay, an open question or a rumour about the actor, not its
    own undertaking: 'Turkey is unlikely to agree', 'the rebels are believed to be planning', 'it is
    unclear whether Germany will send tanks', 'rumours that Apple will buy the startup', 'Critics
    say the company will never deliver'."""
    current = token
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ == "whether" for c in current.children):
            return True
        head = current.head
        if head is current or current.dep_ == "relcl":
            return False  # a relative clause is its own statement ("fears of X, which the ministry rejects")
        lemma = head.lemma_.lower()
        if current.dep_ == "xcomp" and head.pos_ == "ADJ" and lemma in _FORECASTS:
            return True
        if current.dep_ == "xcomp" and lemma in _HEARSAY and has(head, "auxpass"):
            return True
        if current.dep_ in {"acl", "ccomp"} and head.pos_ == "NOUN" and lemma in lexicon.RUMOUR_NOUNS:
            return True
        if current.dep_ in {"ccomp", "parataxis"} and lemma in _SAYING:
            speaker = next((c for c in head.children if c.dep_ == "nsubj"), None)
            return (
                speaker is not None
                and speaker.lemma_.lower() in lexicon.COMMENTATOR_NOUNS
                and not _of_itself(speaker, current)
            )
        current = head
    return False


def describes_which(token: Token) -> bool:
    """A restrictive relative clause on a bare plural says which ones are meant, not what anyone
    undertook: 'offering tiles to schools that want to share technology', 'firms that plan to bid
    must register'. (With a comma, 'the rebels, who vowed to fight on', it is a statement.)"""
    if token.dep_ != "relcl":
        return False
    head = token.head
    if head.tag_ != "NNS" or any(c.dep_ in {"det", "poss", "nummod"} for c in head.children):
        return False
    return not any(t.is_punct for t in token.doc[head.i + 1 : token.left_edge.i])


def alternatives(verb: Token) -> bool:
    """'many schools will increase their fees or they will quit': one of two outcomes, each with
    its own subject, foreseen; a forecast, not a plan ('will close the strait, or else ...' is one)."""
    if verb.dep_ == "conj" and has(verb, "nsubj"):
        return any(c.dep_ == "cc" and c.lower_ == "or" for c in verb.head.children)
    return any(c.dep_ == "cc" and c.lower_ == "or" for c in verb.children) and any(
        c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and has(c, "nsubj") for c in verb.children
    )


_FORECASTS = frozenset({"likely", "unlikely", "certain", "sure", "bound", "expected"})
_SAYING = lexicon.SAY_VERBS | OPINION_VERBS
_HEARSAY = frozenset(
    {"believe", "think", "say", "report", "rumour", "rumor", "suspect", "allege", "fear", "understand"}
)


def or_else(sent: Span, after: int) -> bool:
    """'Pay now, or else ...': an explicit 'or else' right after the commitment clause."""
    doc = sent.doc
    end = min(sent.end - 1, after + 4)
    return any(doc[i].lower_ == "or" and doc[i + 1].lower_ == "else" for i in range(max(after - 1, sent.start), end))


def phrase_range(head: Token, skip: list[Token]) -> tuple[int, int]:
    skip = skip + [
        c
        for c in head.children
        if (c.dep_ == "advcl" and condition(head) and any(m.lower_ in lexicon.CONDITION_MARKS for m in c.subtree))
        or misattached_conjunct(c) is not None
        or (c.dep_ == "parataxis" and c.i > head.i)  # "..., the government announced, though ...": its own clause
        or (c.dep_ == "prep" and c.lower_ in {"despite", "notwithstanding", "amid"})  # circumstance, not content
        or _comment_after(head, c)
    ]
    skip += _trailing_speakers(head)
    skip += _asides(head, skip)
    left, right = subtree_range(head, skip)
    if right - left > 25:
        right = left + 25
    return left, right


_WHEN_PARTICIPLES = frozenset({"start", "begin", "end", "run", "last", "take", "follow"})  # ", starting in May"


_TALKS = frozenset({"talk", "talks", "negotiation", "meeting", "summit", "discussion", "debate", "wrangling"})


def _of_talks(prep: Token) -> bool:
    return any(t.lemma_.lower() in _TALKS for t in prep.subtree)


_OUTCOMES = frozenset({"success", "result", "progress", "avail", "luck", "response", "reply"})  # "without success"


def _comment_after(head: Token, clause: Token) -> bool:
    """', raising the prospect of fines', ', citing security concerns': a participle set off by a
    comma after the phrase says what it means or why, and is no part of what is undertaken; nor is
    ', so far without success' how it went."""
    if clause.i > head.i and (
        (clause.dep_ == "prep" and clause.lower_ == "without" and any(o.lemma_ in _OUTCOMES for o in clause.children))
        or (clause.dep_ == "advmod" and clause.lower_ == "far")
        # ", after two weeks of talks in Belem": how it came about, not what was agreed
        or (clause.dep_ == "prep" and clause.lower_ in {"after", "following"} and _of_talks(clause))
    ):
        before = clause.left_edge.i - 1
        while before > head.i and clause.doc[before].pos_ == "ADV":
            before -= 1  # ", so far without success"
        return clause.doc[before].text == ","
    return (
        clause.dep_ == "advcl"
        and clause.i > head.i
        and clause.tag_ == "VBG"
        and clause.lemma_.lower() not in _WHEN_PARTICIPLES
        and clause.left_edge.i > 0
        and clause.doc[clause.left_edge.i - 1].text == ","
        and any(c.dep_ in {"dobj", "ccomp", "prep"} for c in clause.children)
    )


def _trailing_speakers(head: Token) -> list[Token]:
    """Appositions the parser hung on the phrase's last noun that are the speaker of a trailing
    'said': 'let inspectors into the site, the agency's director general, Rafael Grossi, said'."""
    doc = head.doc
    speakers = []
    for token in head.subtree:
        if token.dep_ != "appos" or token.i <= head.i:
            continue
        after = token.right_edge.i + 1
        while after < len(doc) and doc[after].is_punct:
            after += 1
        if after < len(doc) and doc[after].lemma_.lower() in lexicon.REPORTING_VERBS and doc[after].is_ancestor(head):
            speakers.append(token)
    return speakers


def _asides(head: Token, skip: list[Token]) -> list[Token]:
    """A non-restrictive relative clause that ends the phrase (less what is skipped), set off by a
    comma, is comment on the thing, not part of what is undertaken: 'will appeal the fine, which it
    called unfair' (one inside the phrase stays, so that what follows it is kept)."""
    doc = head.doc
    skipped = {t.i for c in skip for t in c.subtree}
    end = max((t.i for t in head.subtree if t.i not in skipped and not t.is_punct), default=head.i)
    return [
        t
        for t in head.subtree
        if t.dep_ == "relcl"
        and t.i > head.i
        and t.right_edge.i >= end
        and doc[t.left_edge.i - 1].lower_ == ","
        and t.left_edge.lower_ in {"which", "who", "whom", "whose"}
    ]


_ACTION_WORDS = 14
_LEADING_MODALS = frozenset({"should", "must", "shall", "will", "would", "could", "may", "might", "to"})
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "against",
        "into",
        "as",
        "than",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "these",
        "those",
    ]
)


def short_action(text: str) -> str:
    """The action as a short verb phrase: at most 14 words, never ending on a word that needs more
    ("... to ease tensions and"), never starting on the modal that made it a commitment ("should
    start to ..." is "start to ..."); "…" says it was cut."""
    words = text.split()
    while len(words) > 1 and words[0].lower() in _LEADING_MODALS:
        words = words[1:]
    if len(words) <= _ACTION_WORDS:
        return " ".join(words).rstrip(",;:")
    kept = words[:_ACTION_WORDS]
    while len(kept) > 3 and (kept[-1].lower().strip(",;:") in _DANGLING or kept[-1].endswith((",", ";", ":"))):
        kept.pop()
    return " ".join(kept) + "…"


def ancestors(token: Token, steps: int) -> Iterator[Token]:
    """The token, then its heads, at most `steps` in all, ending at the root."""
    current = token
    for _ in range(steps):
        yield current
        if current.head is current:
            return
        current = current.head
