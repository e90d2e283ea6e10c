"""Slack's `/brief` slash command: check that Slack sent it, then read what the user typed.

`/brief https://...` or `/brief <pasted article>` answers only the user (ephemeral);
`/brief public ...` answers in the channel.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from slack_sdk.signature import Clock, SignatureVerifier

from service.tenancy import SLACK_HOSTS

REPLAY_WINDOW_S = 2 * 5 * 60 + 60  # a signature passes for 5 minutes either side of its timestamp

_PUBLIC = re.compile(r"^\s*public(?:\s+|$)", re.IGNORECASE)
_SLACK_LINK = re.compile(r"^<(https?://[^|>\s]+)(?:\|[^>]*)?>$")  # Slack escapes links as <url> or <url|label>
_URL = re.compile(r"^https?://\S+$")


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def verify_slack_request(
    body: bytes, headers: Mapping[str, str], signing_secret: str, now: float | None = None
) -> bool:
    """True only for a request Slack signed with this secret in the last 5 minutes (either way),
    body untouched. Missing or malformed headers and an empty secret give False, never an error."""
    if not signing_secret or not signing_secret.strip():
        return False
    verifier = SignatureVerifier(signing_secret, clock=_FixedClock(time.time() if now is None else now))
    try:
        return verifier.is_valid_request(body, dict(headers.items()))
    except (ValueError, UnicodeDecodeError):  # a timestamp that is not a number, a body that is not UTF-8
        return False


def is_slack_response_url(url: str, also_hosts: Collection[str] = ()) -> bool:
    """Slack answers slash commands on `https://hooks.slack.com/commands/...` (or its GovSlack twin):
    anything else in a command's `response_url` is not where an answer should go, unless its host is
    one the operator named (`also_hosts`: a proxy in front of Slack, a test receiver)."""
    try:
        parts = urlsplit(url)
        if parts.hostname in also_hosts and parts.scheme in ("http", "https"):
            return True
        return parts.scheme == "https" and parts.hostname in SLACK_HOSTS and parts.port in (None, 443)
    except ValueError:
        return False


@dataclass(frozen=True)
class SlashCommand:
    text: str  # what follows `/brief` (and `public`): a URL or the pasted article
    response_url: str
    public: bool  # answer in the channel (`in_channel`) rather than to the user alone
    user_id: str
    channel_id: str

    @property
    def url(self) -> str | None:
        """The article's URL when the text is one URL and nothing else."""
        return self.text if _URL.match(self.text) else None

    @property
    def response_type(self) -> str:
        return "in_channel" if self.public else "ephemeral"


def parse_slash_command(body: bytes) -> SlashCommand:
    """Read Slack's form-encoded payload. Slack escapes `&`, `<`, `>` and may wrap a link as
    `<url>`; both are undone so the text is what the user typed."""
    form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)

    def field(name: str) -> str:
        values = form.get(name)
        return values[0] if values else ""

    text = field("text").strip()
    public = bool(_PUBLIC.match(text))
    if public:
        text = _PUBLIC.sub("", text, count=1).strip()
    link = _SLACK_LINK.match(text)
    text = link.group(1) if link else _unescape(text)
    return SlashCommand(
        text=text,
        response_url=field("response_url"),
        public=public,
        user_id=field("user_id"),
        channel_id=field("channel_id"),
    )


def _unescape(text: str) -> str:
    """Undo exactly Slack's three escapes (not all of HTML: the user may have typed `&eacute;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
