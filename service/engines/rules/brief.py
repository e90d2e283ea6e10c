"""The extractive brief: headline, 2-5 whole sentences of summary, 3-5 key points.

Why extractive: a rules engine cannot paraphrase faithfully, so it only copies. Every sentence
it returns is a slice of the article text; choice favours the lead, the main actors and the
sentences that carry commitments.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from schemas.draft import DraftBrief
from service.engines.rules.layout import Layout
from service.engines.rules.nlp import trim


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence: its exact offsets and what it mentions."""

    start: int
    end: int
    order: int
    words: int
    actors: frozenset[str]
    commitments: int


def sentences(doc: Doc, layout: Layout) -> list[tuple[int, int]]:
    """Body sentences (exact character ranges), headline and datelines left out."""
    spans: list[tuple[int, int]] = []
    skip_starts = [s for s, _ in layout.skip]  # lines in text order: one bisect, not a scan per sentence
    for sent in doc.sents:
        bounds = _bounds(doc, sent.start, sent.end)
        if bounds is None:
            continue
        start, end = bounds
        if layout.headline and start < layout.headline[1]:
            continue
        at = bisect_right(skip_starts, start) - 1
        if at >= 0 and end <= layout.skip[at][1]:
            continue
        spans.append((start, end))
    return spans


def _bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """A sentence's range without edge spaces, keeping its closing punctuation and quotes."""
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start >= end:
        return None
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last.text)


_CLOSERS = "\"'”’)]"
# Where a sentence of plain text ends: its closing punctuation (and quotes), or a line break.
# Matched left to right with no backtracking over the sentence itself, so splitting is linear in the
# text's length (a pattern that matched whole sentences re-scanned each unpunctuated line from every
# one of its characters: 21 s of CPU for 200 KB of French).
_PLAIN_END = re.compile(r"[.!?]+[\"”’]*|\n")


def _any_within(sorted_chars: list[int], start: int, end: int) -> bool:
    at = bisect_left(sorted_chars, start)
    return at < len(sorted_chars) and sorted_chars[at] < end


def _complete(text: str) -> bool:
    """Ends as a sentence ends, starts as one starts, and closes every quote it opens (a sentence
    that ends a quote begun in the sentence before is a fragment of it)."""
    straight = text.count('"') % 2 == 0
    curly = text.count("“") == text.count("”")
    return text.rstrip(_CLOSERS).endswith((".", "!", "?")) and not text[:1].islower() and straight and curly


def build(
    text: str,
    doc: Doc,
    layout: Layout,
    *,
    title: str | None,
    actor_positions: dict[str, list[int]],
    major: set[str],
    commitment_spans: list[tuple[int, int]],
) -> DraftBrief:
    """Choose the headline, summary and key points, all copied from the text."""
    spans = sentences(doc, layout)
    candidates: list[Sentence] = []
    # Sorted character offsets, so each sentence asks "anything in [start, end)?" by bisection, not
    # by walking every mention and commitment of the article (quadratic on long articles).
    actor_chars = {key: sorted(doc[p].idx for p in positions) for key, positions in actor_positions.items()}
    commitment_starts = sorted(s for s, _e in commitment_spans)
    for order, (start, end) in enumerate(spans):
        seen = frozenset(key for key, chars in actor_chars.items() if _any_within(chars, start, end))
        count = bisect_left(commitment_starts, end) - bisect_left(commitment_starts, start)
        candidates.append(Sentence(start, end, order, len(text[start:end].split()), seen, count))

    headline = _headline(text, layout, title, spans)
    total_words = sum(c.words for c in candidates)
    size = 2 if total_words < 120 else 3 if total_words < 600 else 4
    chosen: list[Sentence] = []
    covered: set[str] = set()
    pool = [c for c in candidates if 6 <= c.words <= 70 and _complete(text[c.start : c.end])] or candidates
    while pool and len(chosen) < size:
        orders = {c.order for c in chosen}
        best = max(pool, key=lambda c: _score(c, covered, major) - 10 * _dangling(text, c, orders))
        chosen.append(best)
        covered |= best.actors
        pool = [c for c in pool if c is not best]
    chosen.sort(key=lambda c: c.order)
    summary = " ".join(text[c.start : c.end] for c in chosen)

    # Key points: whole sentences that read on their own, not already in the summary; those that
    # carry the story's commitments and numbers first.
    used = {(c.start, c.end) for c in chosen}
    points: list[str] = []
    rest = sorted(
        (c for c in candidates if (c.start, c.end) not in used),
        key=lambda c: -(_score(c, covered, major) + 0.7 * min(c.commitments, 2) + 0.5 * _has_number(text, c)),
    )
    for cand in rest:
        if len(points) >= 5:
            break
        point = key_point(_with_antecedent(doc, text, cand.start, cand.end))
        if point and len(point.split()) >= 6 and not any(p in point or point in p for p in points):
            points.append(point)
    return DraftBrief(headline=headline, summary=summary, key_points=points[:5])


# "It also stressed that X", "He added that X": X is the point.
_LEADING_REPORT = re.compile(
    r"^(?:It|He|She|They|We|The \w+)\s+(?:also\s+)?"
    r"(?:stressed|said|added|noted|stated|emphasi[sz]ed|underlined|announced|recalled|warned)\s+that\s+"
)
_LEADING_CONNECTIVE = re.compile(
    r"^(?:Also|However|Meanwhile|Moreover|Furthermore|In addition|Additionally|But|And|Still|Separately),\s+"
)
# "..., Lavrov cited.", "..., the ministry said.", "..., according to officials.": the point without who said it.
_TRAILING_ATTRIBUTION = re.compile(
    r",\s+(?:(?:the\s+)?(?:[\w.’'-]+\s+){0,5}(?:said|says|cited|added|noted|stated|reported|explained|told\s+\w+)"
    r"|according\s+to\s+[^,.]{1,80})\.$"
)


# A sentence opened by a pronoun that points back ("It is clear that ..." points at nothing).
_LEADING_PRONOUN = re.compile(r"^(?:He|She|They|This|These|Those|His|Her|Its|Their|It(?!\s+(?:is|was)\b))\b")


_QUOTE_ALONE = re.compile(r'^["“][^"“”]*["”]$')  # '"We will keep the headquarters in Rotterdam."'
_SAID_BY_A_PRONOUN = re.compile(r"[,.!?][\"”’']?\s+(?:he|she|they|it|we)\s+(?:said|added|says|told \w+)\.$")


def key_point(sentence: str) -> str | None:
    """A sentence fit to stand alone as a key point: without a leading 'It also stressed that' or
    'However,' and a trailing ', X said.'; None when what is left does not read as a sentence."""
    point = _LEADING_CONNECTIVE.sub("", _LEADING_REPORT.sub("", sentence.strip()), count=1)
    point = _TRAILING_ATTRIBUTION.sub(".", point)
    if (not point[:1].isupper() and point[:1] not in '“"') or not _complete(point):
        return None
    if _LEADING_PRONOUN.match(point) or _SAID_BY_A_PRONOUN.search(point) or _QUOTE_ALONE.match(point):
        return None  # "She said ...", '"...," he said.', a quotation with no one saying it: whose is unknown
    return point


def _with_antecedent(doc: Doc, text: str, start: int, end: int) -> str:
    """A sentence opened by 'He', 'She', 'They' or 'It' with the pronoun replaced by the subject of
    the sentence before when that subject agrees with it ("They call for ..." after "The authors
    say ...": "The authors call for ..."); else the sentence as it is (and no key point)."""
    sentence = text[start:end]
    found = _LEADING_PRONOUN.match(sentence)
    if found is None or found.group(0) not in _SUBJECT_PRONOUNS:
        return sentence
    first = doc.char_span(start, start + len(found.group(0)))
    if first is None or first.start == 0 or first[0].dep_ != "nsubj":
        return sentence
    previous = doc[first.start - 1].sent
    subject = next((c for c in previous.root.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}), None)
    if subject is None or not _agrees(found.group(0), subject):
        return sentence
    left, right = subject.left_edge.i, subject.i  # the subject up to its head, without what follows it
    words = doc[left : right + 1].text
    if len(words.split()) > 6:
        return sentence
    return words[:1].upper() + words[1:] + sentence[len(found.group(0)) :]


_SUBJECT_PRONOUNS = frozenset({"He", "She", "They", "It"})


def _agrees(pronoun: str, subject: Token) -> bool:
    person = subject.ent_type_ == "PERSON"
    plural = subject.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in subject.children)
    if pronoun in {"He", "She"}:
        return person and not plural
    if pronoun == "They":
        return plural
    return not person and not plural


def _dangling(text: str, c: Sentence, chosen: set[int]) -> bool:
    """A sentence opened by 'Its chairman', 'He', 'They' whose sentence before is not in the summary
    points at someone the summary never names."""
    return c.order - 1 not in chosen and _LEADING_PRONOUN.match(text[c.start : c.end]) is not None


def _has_number(text: str, c: Sentence) -> bool:
    return any(ch.isdigit() for ch in text[c.start : c.end])


def _score(c: Sentence, covered: set[str], major: set[str]) -> float:
    position = 3.0 / (1 + c.order)
    new_major = len((c.actors & major) - covered)
    length = 0.0 if 10 <= c.words <= 45 else -0.5
    return position + 1.2 * new_major + 0.3 * len(c.actors) + 0.8 * min(c.commitments, 2) + length


def _headline(text: str, layout: Layout, title: str | None, spans: list[tuple[int, int]]) -> str:
    if title and title.strip():
        return title.strip()
    if layout.headline:
        return text[layout.headline[0] : layout.headline[1]]
    if spans:
        first = text[spans[0][0] : spans[0][1]]
        words = first.split()
        return first if len(words) <= 20 else " ".join(words[:20]) + " …"
    return text.strip()[:120]


def plain(text: str, title: str | None) -> DraftBrief:
    """A brief without a parse (non-English text): headline and the first sentences as they are."""
    from service.engines.rules.layout import analyse

    layout = analyse(text)
    body_start = layout.headline_end
    found: list[str] = []
    start = body_start
    for end in _PLAIN_END.finditer(text, body_start):
        sentence_start, start = start, end.end()
        if end.group() == "\n" or end.start() == sentence_start:
            continue  # a line without closing punctuation, or punctuation alone, is not a sentence
        sentence = text[sentence_start : end.end()].strip()
        if len(sentence.split()) >= 4:
            found.append(sentence)
        if len(found) >= 5:
            break
    headline = title or (
        text[layout.headline[0] : layout.headline[1]]
        if layout.headline
        else (found[0] if found else text.strip()[:120])
    )
    return DraftBrief(headline=headline, summary=" ".join(found[:2]), key_points=found[2:5] or found[:3])


__all__ = ["build", "plain", "sentences", "trim"]
