"""Outbound delivery: Standard Webhooks-signed webhooks and Slack messages, retried from the store.

`Deliveries` is the one object the app and the CLI hold; `slack_message` builds what is sent to
Slack; `slash` verifies and reads Slack's slash-command requests.
"""

from service.delivery.slack_message import slack_error_message, slack_message
from service.delivery.slash import SlashCommand, parse_slash_command, verify_slack_request
from service.delivery.worker import FINAL_STATES, Deliveries
from service.errors import InvalidDeliveryUrl, WebhookSecretMissing

BRIEF_COMPLETED = "brief.completed"
BRIEF_FAILED = "brief.failed"

__all__ = [
    "BRIEF_COMPLETED",
    "BRIEF_FAILED",
    "FINAL_STATES",
    "Deliveries",
    "InvalidDeliveryUrl",
    "SlashCommand",
    "WebhookSecretMissing",
    "parse_slash_command",
    "slack_error_message",
    "slack_message",
    "verify_slack_request",
]
