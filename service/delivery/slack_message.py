"""An `Analysis` as a Slack Block Kit message, built from `slack_sdk` models so Slack's limits
(header 150 characters, section text 3,000, 50 blocks) are checked here, not discovered as a
400 from Slack. What does not fit is cut with "…" and the message says how much was left out.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from schemas import Analysis, Commitment

MAX_BLOCKS = 50
HEADER_MAX = HeaderBlock.text_max_length  # 150
SECTION_MAX = SectionBlock.text_max_length  # 3000
CONTEXT_TEXT_MAX = 2000
FALLBACK_MAX = 3000  # the notification text: Slack allows more, but nobody reads more
MAX_ACTORS = 12
MAX_COMMITMENTS = 15  # compact rows; the full table is one click away
ROW_MAX = 400  # one commitment row
ACTOR_ROW_MAX = 200  # so MAX_ACTORS rows always fit one section
QUOTE_MAX = 140
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Slack mrkdwn reserves exactly these three characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> tuple[str, int]:
    """`text` within `limit` characters, ending in "…" when shortened; and how many were cut.
    Never leaves half an escape such as `&am`."""
    if len(text) <= limit:
        return text, 0
    kept = re.sub(r"&[a-z]{0,3}$", "", text[: limit - len(ELLIPSIS)]).rstrip()
    return kept + ELLIPSIS, len(text) - len(kept)


def _mrkdwn_cut(text: str, limit: int) -> tuple[str, int]:
    return cut(escape(text), limit)


def _pack(lines: list[str], limit: int) -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible (lines fit already)."""
    texts: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            texts.append(current)
            candidate = line
        current = candidate
    if current:
        texts.append(current)
    return texts


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _commitment_row(item: Commitment, names: dict[str, str]) -> str:
    who = ", ".join(names.get(a, a) for a in item.actors) or "?"
    row = f"• *{escape(who)}* _{item.kind}_ {escape(item.action)}"
    if item.counterparties:
        row += " → " + escape(", ".join(names.get(a, a) for a in item.counterparties))
    if item.when:
        row += f" · _{escape(item.when.text)}_" + (f" ({item.when.date})" if item.when.date else "")
    if item.condition:
        row += f" · if {escape(item.condition)}"
    if item.modality != "firm":
        row += f" · {item.modality}"
    quote, _ = _mrkdwn_cut(item.evidence.quote, QUOTE_MAX)
    row += f"\n    “{quote}”"
    return cut(row, ROW_MAX)[0]


def _blocks(analysis: Analysis, link: str | None) -> tuple[list[Block], str]:
    notes: list[str] = []
    blocks: list[Block] = []

    headline, headline_cut = cut(analysis.brief.headline.strip() or "Brief", HEADER_MAX)
    blocks.append(HeaderBlock(text=PlainTextObject(text=headline, emoji=False)))

    brief_text = escape(analysis.brief.summary.strip())
    if analysis.brief.key_points:
        brief_text += "\n" + "\n".join(f"• {escape(point)}" for point in analysis.brief.key_points)
    brief_text, brief_cut = cut(brief_text, SECTION_MAX)
    if brief_text:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=brief_text)))
    if headline_cut or brief_cut:
        notes.append(f"brief shortened by {_plural(headline_cut + brief_cut, 'character')}")

    major = [actor for actor in analysis.actors if actor.salience == "major"] or analysis.actors
    actor_lines = []
    for actor in major[:MAX_ACTORS]:
        line = f"• *{escape(actor.name)}*"
        details = ", ".join(escape(part) for part in (actor.title, actor.affiliation) if part)
        actor_lines.append(cut(line + (f": {details}" if details else ""), ACTOR_ROW_MAX)[0])
    if actor_lines:
        title = "*Major actors*" if major is not analysis.actors else "*Actors*"
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join([title, *actor_lines]))))
        if len(major) > len(actor_lines):
            notes.append(f"+{_plural(len(major) - len(actor_lines), 'more actor')} not shown")

    blocks.append(DividerBlock())
    names = {actor.id: actor.name for actor in analysis.actors}
    total = len(analysis.commitments)
    rows = [_commitment_row(item, names) for item in analysis.commitments[:MAX_COMMITMENTS]]
    heading = f"*Commitments* ({total})" if total else "*Commitments*\n_None found in this article._"
    for text in _pack([heading, *rows], SECTION_MAX):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if total > len(rows):
        notes.append(f"+{_plural(total - len(rows), 'more commitment')} not shown")

    footer = []
    if link:
        footer.append(f"<{link}|Full brief>")
    engine = analysis.provenance.engine + (f" ({analysis.provenance.model})" if analysis.provenance.model else "")
    footer.append(f"engine: {escape(engine)}" + (", degraded" if analysis.provenance.degraded else ""))
    if analysis.warnings:
        footer.append(_plural(len(analysis.warnings), "warning"))
    if notes:
        notes_text = "; ".join(notes) + (": see the full brief" if link else "")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=cut(notes_text, CONTEXT_TEXT_MAX)[0])]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=cut(" · ".join(footer), CONTEXT_TEXT_MAX)[0])]))

    fallback = cut(escape(f"{analysis.brief.headline}: {analysis.brief.summary}"), FALLBACK_MAX)[0]
    return blocks, fallback


def _message(blocks: list[Block], text: str) -> dict[str, Any]:
    if len(blocks) > MAX_BLOCKS:  # cannot happen with the caps above; kept so a change cannot break Slack
        blocks = [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[MarkdownTextObject(text="(message shortened)")])]
    for block in blocks:
        block.validate_json()  # raises SlackObjectFormationError past a limit
    return {"text": text, "blocks": [block.to_dict() for block in blocks], "unfurl_links": False}


def slack_message(analysis: Analysis, *, link: str | None) -> dict[str, Any]:
    """The result for a Slack incoming webhook or a slash-command response: blocks plus the
    `text` Slack shows in notifications. Add `response_type` for a slash command."""
    blocks, fallback = _blocks(analysis, link)
    return _message(blocks, fallback)


def slack_error_message(detail: str) -> dict[str, Any]:
    """What the user sees in Slack when no brief could be made."""
    body, _ = _mrkdwn_cut(detail, SECTION_MAX - 60)
    block = SectionBlock(text=MarkdownTextObject(text=f":warning: *wirebrief could not make a brief*\n{body}"))
    return _message([block], cut(f"wirebrief could not make a brief: {escape(detail)}", FALLBACK_MAX)[0])
