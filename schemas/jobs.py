"""Jobs: what `POST /v1/briefs` answers when the result is delivered later, and `GET /v1/jobs/{id}`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

JobState = Literal["queued", "running", "done", "failed"]


class JobAccepted(BaseModel):
    id: str
    state: JobState
    status_url: str


class DeliveryAttempt(BaseModel):
    at: float
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryStatus(BaseModel):
    id: str  # the webhook-id
    kind: str  # webhook, slack
    url: str
    state: str  # pending, delivered, failed, disabled
    attempts: list[DeliveryAttempt]
    next_attempt_at: float | None


class JobStatus(BaseModel):
    id: str
    state: JobState
    created_at: float
    updated_at: float
    analysis_id: str | None
    result_url: str | None
    error: dict[str, object] | None
    deliveries: list[DeliveryStatus]
