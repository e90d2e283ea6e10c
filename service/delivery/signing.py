"""Standard Webhooks signing: message ids and the three headers a receiver verifies.

The signature covers `id.timestamp.body`, so it is computed afresh at every attempt (with that
attempt's timestamp) while the id and the body bytes stay the same for the whole delivery.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from standardwebhooks import Webhook

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_message_id(now: float | None = None) -> str:
    """`msg_` + a ULID (48-bit milliseconds + 80 random bits, Crockford base32): unique, and
    sortable by creation time, which helps anyone reading logs or the deliveries table."""
    millis = int((time.time() if now is None else now) * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "msg_" + "".join(reversed(chars))


class Signer:
    """Signs one message body for one attempt. Holds the secret; never prints it."""

    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(secret)

    def __repr__(self) -> str:
        return "Signer(<secret>)"

    def headers(self, message_id: str, body: str, at: float | None = None) -> dict[str, str]:
        """The `webhook-*` headers for this attempt; `at` is its Unix time (now by default)."""
        timestamp = datetime.fromtimestamp(int(time.time() if at is None else at), tz=UTC)
        return {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": self._webhook.sign(message_id, timestamp, body),
        }
