"""Tenants: an API key is one. What a tenant sent about an article (its url) and what it stored
are its own; the expensive analysis of identical text (and identical title and date, which the
engines read) may be shared through the result cache. And no URL is shown back with its secrets."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from schemas import Analysis

PUBLIC_TENANT = "public"  # the one tenant of a service without API keys, and of command-line runs
SLACK_TENANT = "slack"  # slash commands, when the service has API keys
_REDACTED = "…"
SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
# A path segment that reads as a token: long, and letters mixed with digits (webhook ids, HMACs).
_TOKEN_LIKE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-.~%+=]{16,}$")


def redact_url(url: str) -> str:
    """`url` fit to show a person: no user or password, no query values, no fragment, no path
    segment that looks like a token, and only the first segment of a Slack webhook path (the rest of
    it is the secret)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return _REDACTED
    segments = parts.path.split("/")
    if host in SLACK_HOSTS:
        segments = [*segments[:2], *([_REDACTED] if len(segments) > 2 else [])]
    else:
        segments = [_REDACTED if _TOKEN_LIKE.match(segment) else segment for segment in segments]
    query = "&".join(f"{pair.split('=', 1)[0]}={_REDACTED}" for pair in parts.query.split("&") if pair)
    netloc = (f"[{host}]" if ":" in host else host) + port
    return SplitResult(parts.scheme, netloc, "/".join(segments), query, "").geturl()


def as_given(analysis: Analysis, url: str | None, fetched: bool) -> Analysis:
    """The analysis as answered to a caller who gave this url for the article (and had it fetched, or
    sent the text and named the url as its source)."""
    if analysis.article.url == url and analysis.article.fetched == fetched:
        return analysis
    article = analysis.article.model_copy(update={"url": url, "fetched": fetched})
    return analysis.model_copy(update={"article": article})
