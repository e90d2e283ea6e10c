"""The list of a caller's stored analyses: filters, the opaque cursor, and each row's summary."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable

from schemas import Analysis
from schemas.listing import BriefSummary
from service.errors import InvalidRequest


def encode_cursor(position: tuple[float, str]) -> str:
    raw = json.dumps([position[0], position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The position a `next_cursor` stands for; a cursor not made here is a request error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, last_id = json.loads(raw)
        if isinstance(at, int | float) and isinstance(last_id, str):
            return float(at), last_id
    except (binascii.Error, ValueError, TypeError):
        pass
    raise InvalidRequest([{"loc": ["query", "cursor"], "msg": "not a cursor this service gave", "type": "cursor"}])


def day_start(value: datetime.date | None, *, next_day: bool = False) -> float | None:
    """A date as the UTC timestamp its day starts (or, for `until`, the next day starts: inclusive)."""
    if value is None or (next_day and value == datetime.date.max):  # the last day there is: no bound
        return None
    day = value + datetime.timedelta(days=1) if next_day else value
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC).timestamp()


def actor_filter(name: str | None) -> Callable[[Analysis], bool] | None:
    """Keeps analyses with an actor whose name or an alias contains `name` (any case)."""
    if not name or not name.strip():
        return None
    wanted = name.strip().casefold()

    def keep(analysis: Analysis) -> bool:
        return any(wanted in form.casefold() for actor in analysis.actors for form in [actor.name, *actor.aliases])

    return keep


def summary(created_at: float, analysis: Analysis) -> BriefSummary:
    return BriefSummary(
        id=analysis.id,
        created_at=datetime.datetime.fromtimestamp(created_at, datetime.UTC).isoformat(timespec="seconds"),
        headline=analysis.brief.headline,
        title=analysis.article.title,
        url=analysis.article.url,
        published=analysis.article.published,
        engine=analysis.provenance.engine,
        degraded=analysis.provenance.degraded,
        actors=[actor.name for actor in analysis.actors if actor.salience == "major"],
        commitments=len(analysis.commitments),
        href=f"/v1/briefs/{analysis.id}",
    )
