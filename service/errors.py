"""Errors a user can act on. Each carries a stable problem `type`, an HTTP status and a title;
the API renders them as RFC 9457 problem+json, the CLI as one line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas import Usage


class WirebriefError(Exception):
    """Base of every error that reaches a user."""

    type: str = "internal"
    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after  # seconds, sent as Retry-After
        self.usage: Usage | None = None  # what failed LLM attempts spent, reported even on failure


class InvalidRequest(WirebriefError):
    """The request's shape is wrong: one entry per problem in `errors` (where, and what)."""

    type = "invalid-request"
    status = 422
    title = "The request is not valid"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors) or "invalid request")
        self.errors = errors


class UnknownEngine(InvalidRequest):
    """An engine name the service does not know (`where`: the request field that named it)."""

    def __init__(self, message: str, where: tuple[str, ...] = ("options", "engine")) -> None:
        super().__init__([{"loc": list(where), "msg": message, "type": "unknown_engine"}])


class UnsupportedMediaType(WirebriefError):
    type = "unsupported-media-type"
    status = 415
    title = "Unsupported media type"


class InvalidArticle(WirebriefError):
    type = "invalid-article"
    status = 422
    title = "The article cannot be analysed"


class ArticleTooLarge(WirebriefError):
    type = "article-too-large"
    status = 413
    title = "The article is too large"


class EngineUnavailable(WirebriefError):
    type = "engine-unavailable"
    status = 503
    title = "The requested engine is not available"


class LlmFailed(WirebriefError):
    """The LLM could not give a usable answer after retries and re-asks."""

    type = "llm-failed"
    status = 502
    title = "The LLM provider failed"


class LlmInvalidOutput(LlmFailed):
    type = "llm-invalid-output"
    title = "The LLM's answer did not follow the schema"


class LlmModeUnsupported(LlmFailed):
    """The server refused the structured-output mode itself (a configuration problem: not retried)."""

    type = "llm-mode-unsupported"
    title = "The LLM server does not support the configured structured-output mode"


class LlmTruncated(LlmFailed):
    type = "llm-truncated-output"
    title = "The LLM's answer was cut off"


class DeadlineExceeded(WirebriefError):
    type = "deadline-exceeded"
    status = 504
    title = "The analysis did not finish in time"


class Overloaded(WirebriefError):
    """Every LLM slot stayed busy for the bounded wait: try again shortly rather than queue forever."""

    type = "overloaded"
    status = 503
    title = "The service is at capacity"


class RateLimited(WirebriefError):
    type = "rate-limited"
    status = 429
    title = "Too many requests"


class Unauthorized(WirebriefError):
    type = "unauthorized"
    status = 401
    title = "A valid API key is required"


class SlackUnverified(Unauthorized):
    """A slash command that is not Slack's: no signature, a wrong or stale one, or no secret to check it."""

    type = "slack-unverified"
    title = "The request could not be verified as coming from Slack"


class UrlRefused(WirebriefError):
    type = "url-refused"
    status = 422
    title = "The URL may not be fetched"


class FetchFailed(WirebriefError):
    type = "fetch-failed"
    status = 422
    title = "The page could not be fetched"


class PageTooLarge(FetchFailed):
    type = "page-too-large"
    status = 413
    title = "The page is too large"


class InvalidDeliveryUrl(WirebriefError):
    type = "invalid-delivery-url"
    status = 422
    title = "The delivery URL cannot be used"


class WebhookSecretMissing(WirebriefError):
    """A webhook was asked for but no secret is configured: refused rather than sent unsigned."""

    type = "webhook-secret-missing"
    status = 422
    title = "Webhooks are not configured"
