"""Settings: environment variables with the `WIREBRIEF_` prefix (and the OpenAI SDK's own)."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Literal

import platformdirs
from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.analysis import ENGINE_NAME
from service.netguard import AllowList, parse_allow_list


def default_database_url() -> str:
    """SQLite in the user's data folder (`~/.local/share/wirebrief` on Linux, `XDG_DATA_HOME` honoured), so
    results from any working directory land in one place and never in a checkout."""
    return f"sqlite:///{platformdirs.user_data_path('wirebrief') / 'wirebrief.db'}"


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float
    output: float


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4.1": Price(input=2.00, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, output=0.40),
    "gpt-4o": Price(input=2.50, output=10.00),
    "gpt-4o-mini": Price(input=0.15, output=0.60),
}


class Settings(BaseSettings):
    """Every setting of the service; the README's table lists them all."""

    model_config = SettingsConfigDict(env_prefix="WIREBRIEF_", extra="ignore")

    engine: str = Field(
        default="auto", pattern=ENGINE_NAME, description="auto: the LLM when one is configured, else rules."
    )
    model: str = Field(default="gpt-4.1-mini", description="Model name sent to the OpenAI-compatible API.")
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "WIREBRIEF_OPENAI_API_KEY"),
        description="API key, read as the OpenAI SDK reads it.",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "WIREBRIEF_OPENAI_BASE_URL"),
        description="Any OpenAI-compatible endpoint (Azure, vLLM, Ollama, llama.cpp, LiteLLM).",
    )
    llm_mode: Literal["tools", "tools_strict", "json_schema", "json", "auto"] = Field(
        default="tools",
        description="How instructor asks for structured output; auto asks the server once at start-up which "
        "it honours (json_schema, else tools, else json).",
    )
    deadline_s: float = Field(default=60.0, gt=0, description="Overall deadline for one article, retries included.")
    max_attempts: int = Field(
        default=5,
        ge=1,
        description="HTTP attempts per LLM call on 5xx, timeouts and connection errors; a 429 gets ten times as many.",
    )
    retry_base_s: float = Field(default=0.5, gt=0, description="First backoff wait; doubles per retry, with jitter.")
    max_reasks: int = Field(default=2, ge=0, le=5, description="Re-asks when the answer fails validation.")
    max_output_tokens: int = Field(default=4096, gt=0)
    temperature: float = Field(default=0.0, ge=0, le=2)
    frequency_penalty: float | None = Field(
        default=None,
        ge=-2,
        le=2,
        description="Sent as the API's frequency_penalty when set: small local models tend to repeat one "
        "actor or phrase until the output limit, and 0.3 to 1 curbs it.",
    )
    fallback: bool = Field(default=True, description="Answer with the rules engine (degraded) when the LLM fails.")
    prices: dict[str, Price] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES), description="JSON: model -> {input, output} USD per 1M tokens."
    )
    batch_price_factor: float = Field(
        default=0.5, gt=0, le=1, description="What the provider's Batch API charges, as a share of its list price."
    )
    chunk_tokens: int = Field(
        default=6000, ge=200, description="Articles longer than this (estimated tokens) are analysed in chunks."
    )
    chunk_overlap_tokens: int = Field(default=300, ge=0, description="How much each chunk repeats of the previous one.")
    max_llm_in_flight: int = Field(default=256, ge=1, description="Articles the LLM may work on at once.")
    llm_slot_wait_s: float = Field(
        default=5.0, ge=0, description="How long a request waits for an LLM slot before a 503 with Retry-After."
    )
    max_rules_queue: int = Field(
        default=64, ge=1, description="Articles that may wait for the rules engine; more get 503 with Retry-After."
    )
    api_keys: SecretStr | None = Field(
        default=None, description="Comma-separated API keys; when set, the API requires one (kept hashed in memory)."
    )
    rate_limit: str = Field(
        default="600/minute",
        description="Requests per key (or per client address without keys), counted in the database; empty: no limit.",
    )
    open_ops: bool = Field(default=True, description="/healthz, /readyz and /metrics open without a key.")
    max_body_bytes: int = Field(default=2_000_000, gt=0, description="Largest request body accepted.")
    max_article_chars: int = Field(default=200_000, gt=0, description="Longest article text accepted.")
    html_timeout_s: float = Field(
        default=10, gt=0, description="CPU time one HTML page may take to read (in a worker process); past it: 422."
    )
    header_timeout_s: float = Field(
        default=10, gt=0, description="Time a client has to send a request's headers, from its first byte; then 408."
    )
    body_timeout_s: float = Field(
        default=30,
        gt=0,
        description="Time a client has to send a request's whole body once its headers are in; then 408.",
    )
    max_header_bytes: int = Field(
        default=32_768, ge=1024, description="Largest request line and headers of one request; larger: 431."
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Open client connections one worker keeps; more are closed at once with a 503."
    )
    log_level: str = Field(default="INFO", description="Log level of the service.")
    retention_days: float | None = Field(
        default=None,
        gt=0,
        description="Delete stored analyses, finished jobs and settled deliveries older than this; unset: keep all.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        description="Worker processes `wirebrief serve` runs (about one per core); LLM slots are per worker.",
    )
    database_url: str = Field(
        default_factory=default_database_url,
        description="Where results, jobs and deliveries are kept (SQLAlchemy URL; a file in the user's data folder).",
    )

    # --- delivery: signed webhooks and Slack ----------------------------------------------
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Standard Webhooks signing secret, `whsec_` + base64; webhooks are refused without it.",
    )
    webhook_timeout_s: float = Field(
        default=10, gt=0, description="Whole time of one delivery attempt (connect, send, the answer), not per read."
    )
    webhook_retry_schedule_s: list[float] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        description="JSON list: waits before each retry (jittered); the first attempt is immediate.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Verifies Slack slash-command requests; without it they are refused."
    )
    slack_response_hosts: str = Field(
        default="",
        description="Hosts besides Slack's own that a slash command's response_url may name (comma-separated).",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Where users reach this service: links in Slack messages."
    )

    # --- URL ingest: fetching pages a user names ---------------------------------------------
    allowed_private_hosts: str = Field(
        default="",
        description="Private hosts a user-given URL may reach (fetch, callbacks): comma-separated host names, "
        "IP addresses or CIDR networks; every other non-public address is refused.",
    )
    fetch_timeout_s: float = Field(
        default=15, gt=0, description="Time to fetch a page by URL, redirects and the whole body included."
    )
    fetch_max_bytes: int = Field(
        default=5_000_000, gt=0, description="Largest page fetched by URL; a larger one is cut off (413)."
    )

    @field_validator("openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`OPENAI_API_KEY=` (empty) means no key, as a shell user would expect."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret", "slack_signing_secret", mode="before")
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        """An empty variable means no secret, not an empty one."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _whsec_form(cls, value: SecretStr | None) -> SecretStr | None:
        """Fail at start-up, not at the first delivery, when the secret cannot sign."""
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        hint = "WIREBRIEF_WEBHOOK_SECRET must be 'whsec_' followed by base64 (e.g. of 32 random bytes)"
        if not secret.startswith("whsec_"):
            raise ValueError(f"{hint}; it does not start with 'whsec_'")
        encoded = secret[len("whsec_") :].rstrip("=")
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error:
            raise ValueError(f"{hint}; the part after 'whsec_' is not base64") from None
        if not key:
            raise ValueError(f"{hint}; the key is empty")
        return SecretStr(secret)

    @field_validator("webhook_retry_schedule_s")
    @classmethod
    def _non_negative_waits(cls, value: list[float]) -> list[float]:
        if any(wait < 0 for wait in value):
            raise ValueError("WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S: every wait must be >= 0 seconds")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        """Links are built as `{public_base_url}/v1/...`."""
        return value.rstrip("/")

    @property
    def llm_configured(self) -> bool:
        """An LLM is configured when a key or an endpoint is set."""
        return self.openai_api_key is not None or self.openai_base_url is not None

    @field_validator("allowed_private_hosts")
    @classmethod
    def _allow_list_parses(cls, value: str) -> str:
        """Fail at start-up, not at the first fetch, when an entry is malformed."""
        parse_allow_list(value)
        return value

    @property
    def allow_list(self) -> AllowList:
        """`allowed_private_hosts`, parsed for `netguard.check_url` and `fetch.fetch_url`."""
        return parse_allow_list(self.allowed_private_hosts)

    @property
    def slack_response_host_set(self) -> frozenset[str]:
        return frozenset(host.strip().lower() for host in self.slack_response_hosts.split(",") if host.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
