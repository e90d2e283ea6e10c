"""The tables, in SQLAlchemy Core: portable between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, false

metadata = MetaData()

analyses = Table(
    "analyses",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("article_sha256", String(64), nullable=False, index=True),
    Column("engine", String(16), nullable=False),
    Column("body", Text, nullable=False),  # the Analysis as JSON
)

# Which tenant (API key) has which analysis, with what it said of the article: the cached analysis
# itself is shared by identical requests, this row is the tenant's own.
tenant_analyses = Table(
    "tenant_analyses",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("analysis_id", String(64), primary_key=True),
    Column("url", Text, nullable=True),  # the article's url as this tenant gave it
    # true: the url was fetched and its page read; false: the tenant sent the text and named its source
    Column("fetched", Boolean, nullable=False, server_default=false()),
    Column("created_at", Float, nullable=False),
    Index("ix_tenant_analyses_created", "created_at"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),  # queued, running, done, failed
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("request", Text, nullable=False),  # what is needed to run it again after a restart
    Column("analysis_id", String(64), nullable=True),
    Column("error", Text, nullable=True),  # problem details as JSON
    Index("ix_jobs_state", "state"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(64), primary_key=True),  # the webhook-id: the same on every retry
    Column("job_id", String(64), ForeignKey("jobs.id"), nullable=True),
    Column("kind", String(16), nullable=False),  # webhook, slack
    Column("url", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending, delivered, failed, disabled
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_error", Text, nullable=True),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(64), ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
)

disabled_endpoints = Table(
    "disabled_endpoints",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("at", Float, nullable=False),
    Column("reason", Text, nullable=False),
)

seen_requests = Table(
    "seen_requests",
    metadata,
    Column("key", String(128), primary_key=True),  # e.g. a Slack request signature: a replay has the same
    Column("at", Float, nullable=False, index=True),
)

rate_windows = Table(
    "rate_windows",
    metadata,
    Column("key", String(256), primary_key=True),  # a limit and whom it counts (a key's digest, an address)
    Column("hits", Integer, nullable=False),
    Column("ends_at", Float, nullable=False, index=True),  # a hit after it opens a new window
)

llm_slots = Table(
    "llm_slots",
    metadata,
    Column("slot", Integer, primary_key=True, autoincrement=False),  # 0 .. WIREBRIEF_MAX_LLM_IN_FLIGHT - 1
    Column("holder", String(64), nullable=True),  # the call holding it (host:pid:token), while it does
    Column("expires_at", Float, nullable=False),  # free after this: a call never outlives its deadline
)


def is_ours(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's comparisons: procrastinate's tables share the database (PostgreSQL) and are not ours."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))
