"""What to do after one attempt: delivered, retry at a time, disable the endpoint, or fail.

Pure functions of the attempt's outcome, so the rules are tested without a network:

- 2xx: delivered.
- timeouts, connection errors, 408, 429 and 5xx: retried on the schedule (Standard Webhooks:
  immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with ±10% jitter, never sooner than a
  `Retry-After` the receiver sent (capped at 10 hours, the spec's longest step, so one header
  cannot park a delivery for days); when the schedule is spent: failed.
- 410 Gone: the receiver asks us to stop; the endpoint is disabled for good.
- 3xx: failed. Redirects are not followed (signed data would go to a URL nobody configured);
  the receiver's URL is wrong and retrying will not fix it.
- any other 4xx, an invalid URL: failed; retrying the same request gives the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

State = Literal["pending", "delivered", "failed", "disabled"]

RETRYABLE_STATUS = frozenset({408, 429})
JITTER = 0.1
RETRY_AFTER_CAP_S = 36_000.0


@dataclass(frozen=True)
class Outcome:
    """What one HTTP attempt gave: a status code, or a transport error (then `status_code` is None)."""

    status_code: int | None
    error: str | None = None
    retry_after_s: float | None = None
    location: str | None = None
    permanent: bool = False  # a transport error retrying cannot fix (e.g. an unsupported URL scheme)
    duration_ms: int = 0


@dataclass(frozen=True)
class Decision:
    state: State
    next_attempt_at: float
    error: str | None = None
    disable: bool = False


def retry_delay(
    attempts_done: int,
    schedule: Sequence[float],
    *,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait after the `attempts_done`-th attempt, or None when the schedule is spent."""
    if attempts_done < 1 or attempts_done > len(schedule):
        return None
    step = schedule[attempts_done - 1]
    delay = step * (1 + (rng or random).uniform(-JITTER, JITTER))
    if retry_after_s is not None and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, RETRY_AFTER_CAP_S))
    return max(delay, 0.0)


def decide(
    outcome: Outcome,
    *,
    attempts_done: int,
    schedule: Sequence[float],
    now: float,
    rng: random.Random | None = None,
) -> Decision:
    """Classify an attempt; `attempts_done` counts this one."""
    code = outcome.status_code
    if code is not None and 200 <= code < 300:
        return Decision("delivered", now)
    if code == 410:
        return Decision("disabled", now, "410 Gone: the receiver asked for no more deliveries", disable=True)
    if code is not None and 300 <= code < 400:
        where = f" to {outcome.location}" if outcome.location else ""
        return Decision("failed", now, f"HTTP {code}: redirect{where} not followed; configure the final URL")
    retryable = (code is None and not outcome.permanent) or code in RETRYABLE_STATUS or (code or 0) >= 500
    error = outcome.error or f"HTTP {code}"
    if not retryable:
        return Decision("failed", now, error)
    delay = retry_delay(attempts_done, schedule, retry_after_s=outcome.retry_after_s, rng=rng)
    if delay is None:
        return Decision("failed", now, f"{error} (gave up after {attempts_done} attempts)")
    return Decision("pending", now + delay, error)
