"""Slack: the Block Kit message stays within Slack's limits (checked by slack_sdk's own models),
says what it cut, and the slash command's signature is verified."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block, HeaderBlock, SectionBlock

from schemas import Analysis
from schemas.analysis import (
    Actor,
    ActorKind,
    ArticleInfo,
    Brief,
    Commitment,
    Evidence,
    Mention,
    Provenance,
    Salience,
    When,
)
from service.delivery import parse_slash_command, slack_error_message, slack_message, verify_slack_request
from tests.support import article_text

LINK = "https://brief.example.org/v1/briefs/an_123?format=markdown"
ActorRow = tuple[str, ActorKind, str | None, Salience]
SEED_ACTORS: list[ActorRow] = [  # the seed's gold actors: name, kind, title, salience
    ("Recep Tayyip Erdoğan", "person", "President of Turkey", "major"),
    ("Vladimir Putin", "person", "President of Russia", "major"),
    ("Sergey Lavrov", "person", "Foreign Minister", "major"),
    ("Turkey", "state", None, "major"),
    ("Russia", "state", None, "major"),
    ("Syrian regime", "state", None, "major"),
    ("Fahrettin Altun", "person", "presidential communication director", "minor"),
    ("Kremlin", "organization", None, "minor"),
    ("Sergei Vershenin", "person", "deputy Foreign Minister", "minor"),
    ("Sedat Önal", "person", "deputy Foreign Minister", "minor"),
]


def analysis(
    *,
    commitments: int | None = None,
    headline: str = "Erdoğan, Putin agree to meet soon after deadly Idlib attack",
    summary: str | None = None,
    actors: list[ActorRow] | None = None,
) -> Analysis:
    """An `Analysis` built by hand from the seed article (no engine): real offsets, real quotes."""
    text = article_text("idlib")

    def span(quote: str) -> tuple[int, int]:
        start = text.index(quote)
        return start, start + len(quote)

    people = []
    for n, (name, kind, title, salience) in enumerate(actors or SEED_ACTORS):
        surname = name.split()[-1]
        found = text.find(surname)
        mentions = [Mention(start=found, end=found + len(surname), text=surname)] if found >= 0 else []
        people.append(Actor(id=f"a{n}", name=name, kind=kind, title=title, salience=salience, mentions=mentions))
    meet = "agreed to meet in-person very soon"
    expect = "Moscow’s expectation that Turkey should start to fully implement the Sochi Agreement"
    rows = [
        Commitment(
            id="c0",
            actors=["a0", "a1"],
            kind="agreement",
            action="meet in person",
            when=When(text="as soon as possible"),
            evidence=Evidence(quote=meet, start=span(meet)[0], end=span(meet)[1], match="exact"),
        ),
        Commitment(
            id="c1",
            actors=["a2"],
            kind="demand",
            action="fully implement the Sochi Agreement",
            counterparties=["a3"],
            modality="expected",
            evidence=Evidence(quote=expect, start=span(expect)[0], end=span(expect)[1], match="exact"),
        ),
    ]
    if commitments is not None:
        rows = [rows[n % 2].model_copy(update={"id": f"c{n}"}) for n in range(commitments)]
    return Analysis(
        id="an_123",
        article=ArticleInfo(title=headline, chars=len(text), words=len(text.split()), sha256="0" * 64, text=text),
        brief=Brief(
            headline=headline,
            summary=summary
            or "Erdoğan and Putin agreed by phone to meet as soon as possible. Russia expects Turkey to implement the "
            "Sochi Agreement.",
            key_points=["33 Turkish troops were killed", "Delegations met in Ankara"],
        ),
        actors=people,
        commitments=rows,
        provenance=Provenance(engine="llm", model="gpt-4.1-mini"),
    )


def check_limits(message: dict[str, Any]) -> list[Block]:
    """Every block parses back into slack_sdk's model and passes its validation; the limits hold."""
    blocks = message["blocks"]
    assert 0 < len(blocks) <= 50
    assert message["text"] and len(message["text"]) <= 3000
    parsed = []
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()
        assert block.to_dict() == raw
        if isinstance(block, SectionBlock) and block.text is not None:
            assert len(block.text.text) <= 3000
        if isinstance(block, HeaderBlock) and block.text is not None:
            assert len(block.text.text) <= 150
        parsed.append(block)
    return parsed


def texts(message: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for block in message["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"])
    return found


def test_the_seed_brief_as_a_slack_message() -> None:
    message = slack_message(analysis(), link=LINK)
    check_limits(message)
    shown = "\n".join(texts(message))
    assert message["blocks"][0]["type"] == "header"
    assert "Erdoğan, Putin agree to meet soon after deadly Idlib attack" in shown
    assert "Russia expects Turkey" in shown
    for name in ("Recep Tayyip Erdoğan", "Vladimir Putin", "Sergey Lavrov", "Syrian regime"):
        assert name in shown
    assert "Fahrettin Altun" not in shown  # minor actors stay in the full brief
    assert "*Commitments* (2)" in shown
    assert "meet in person" in shown and "_as soon as possible_" in shown
    assert "“agreed to meet in-person very soon”" in shown
    assert "→ Turkey" in shown
    assert f"<{LINK}|Full brief>" in shown
    assert "not shown" not in shown
    assert message["text"].startswith("Erdoğan, Putin agree to meet")


def test_forty_commitments_are_cut_and_the_cut_is_said() -> None:
    message = slack_message(analysis(commitments=40), link=LINK)
    check_limits(message)
    shown = "\n".join(texts(message))
    assert "*Commitments* (40)" in shown
    assert shown.count("\n    “") + shown.count("\n• ") >= 15
    assert "+25 more commitments not shown: see the full brief" in shown


def test_long_texts_are_cut_with_an_ellipsis_and_the_count() -> None:
    summary = "The talks were detailed. " * 200  # 5,000 characters
    message = slack_message(analysis(headline="Idlib " * 60, summary=summary), link=None)
    check_limits(message)
    header = message["blocks"][0]["text"]["text"]
    assert header.endswith("…") and len(header) <= 150
    section = message["blocks"][1]["text"]["text"]
    assert section.endswith("…") and len(section) == 3000
    note = re.search(r"brief shortened by (\d+) characters", "\n".join(texts(message)))
    assert note is not None
    full = len(("Idlib " * 60).strip()) + len(
        summary.strip() + "\n• 33 Turkish troops were killed\n• Delegations met in Ankara"
    )
    kept = len(header) - 1 + len(section) - 1
    assert int(note.group(1)) == full - kept
    assert "Full brief" not in str(message)  # no link given, none invented


def test_many_major_actors_are_cut_and_counted() -> None:
    crowd: list[ActorRow] = [
        (f"Minister Number {n}", "person", "deputy minister of a long-named ministry", "major") for n in range(30)
    ]
    message = slack_message(analysis(actors=crowd), link=LINK)
    check_limits(message)
    assert "+18 more actors not shown" in "\n".join(texts(message))


def test_mrkdwn_is_escaped() -> None:
    hostile: list[ActorRow] = [("<!channel> & <@U123>", "group", None, "major"), *SEED_ACTORS]
    message = slack_message(analysis(actors=hostile), link=LINK)
    check_limits(message)
    shown = "\n".join(texts(message))
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in shown
    assert "<!channel>" not in shown


def test_error_message() -> None:
    message = slack_error_message("The article is empty <here>." + " x" * 3000)
    [block] = check_limits(message)
    assert "could not make a brief" in message["text"]
    assert "&lt;here&gt;" in block.to_dict()["text"]["text"]


# --- the slash command ------------------------------------------------------------------------------

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signed(body: bytes, *, secret: str = SIGNING_SECRET, at: float | None = None) -> dict[str, str]:
    """Headers as Slack sends them (computed here from Slack's documented recipe, not by slack_sdk)."""
    timestamp = str(int(time.time() if at is None else at))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


BODY = urlencode(
    {
        "command": "/brief",
        "text": "public https://example.org/news/idlib",
        "response_url": "https://hooks.slack.com/commands/T1/2/abc",
        "user_id": "U1",
        "channel_id": "C1",
    }
).encode()


def test_a_signed_request_is_accepted() -> None:
    assert verify_slack_request(BODY, signed(BODY), SIGNING_SECRET)


@pytest.mark.parametrize(
    ("body", "headers", "secret", "now"),
    [
        (BODY + b"x", signed(BODY), SIGNING_SECRET, None),  # tampered body
        (BODY, signed(BODY, secret="another-secret"), SIGNING_SECRET, None),  # signed with another secret
        (BODY, signed(BODY), "another-secret", None),  # we hold another secret
        (BODY, signed(BODY, at=1_700_000_000), SIGNING_SECRET, 1_700_000_000 + 360),  # 6 minutes old
        (BODY, signed(BODY, at=1_700_000_000 + 360), SIGNING_SECRET, 1_700_000_000),  # 6 minutes ahead
        (BODY, {}, SIGNING_SECRET, None),  # unsigned
        (BODY, {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, SIGNING_SECRET, None),
        (BODY, signed(BODY), "", None),  # no secret configured
    ],
)
def test_a_bad_request_is_refused(body: bytes, headers: dict[str, str], secret: str, now: float | None) -> None:
    assert not verify_slack_request(body, headers, secret, now=now)


def test_five_minutes_minus_a_second_is_still_fresh() -> None:
    assert verify_slack_request(BODY, signed(BODY, at=1_700_000_000), SIGNING_SECRET, now=1_700_000_000 + 299)


def test_parse_a_public_url_command() -> None:
    command = parse_slash_command(BODY)
    assert command.public and command.response_type == "in_channel"
    assert command.text == command.url == "https://example.org/news/idlib"
    assert (command.response_url, command.user_id, command.channel_id) == (
        "https://hooks.slack.com/commands/T1/2/abc",
        "U1",
        "C1",
    )


@pytest.mark.parametrize(
    ("text", "public", "expected", "url"),
    [
        ("<https://example.org/a?b=1&amp;c=2|example.org/a>", False, "https://example.org/a?b=1&amp;c=2", True),
        ("Putin &amp; Erdoğan agreed &lt;today&gt; to meet.", False, "Putin & Erdoğan agreed <today> to meet.", False),
        ("PUBLIC  Lavrov said Russia expects Turkey to act.", True, "Lavrov said Russia expects Turkey to act.", False),
        ("publicity stunt", False, "publicity stunt", False),
        ("", False, "", False),
    ],
)
def test_parse_text(text: str, public: bool, expected: str, url: bool) -> None:
    command = parse_slash_command(urlencode({"text": text, "response_url": "https://hooks.slack.com/x"}).encode())
    assert (command.public, command.text, command.url is not None) == (public, expected, url)
    assert command.response_type == ("in_channel" if public else "ephemeral")
