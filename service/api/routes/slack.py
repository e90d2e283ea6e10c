"""`POST /v1/slack/commands`: `/brief <url or pasted text>` from Slack.

Slack wants an answer within 3 seconds: the request is verified, a job is persisted, and the
"working on it" reply goes back at once; the brief follows on the command's `response_url`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from schemas.request import BriefRequest
from service.api.deps import AccessPolicy, Config, Jobs
from service.api.negotiation import read_body
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.delivery import parse_slash_command, verify_slack_request
from service.delivery.slash import REPLAY_WINDOW_S, is_slack_response_url
from service.errors import EngineUnavailable, InvalidDeliveryUrl, SlackUnverified
from service.jobs import SlackReply
from service.tenancy import PUBLIC_TENANT, SLACK_TENANT

router = APIRouter(prefix="/v1/slack", tags=["slack"])
_problem = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
USAGE = (
    "Usage: `/brief <link to an article>` or `/brief <pasted article text>`; "
    "start with `public` to post the brief to the channel."
)


@router.post(
    "/commands",
    summary="Slack slash command /brief",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        }
    },
    responses={401: _problem, 408: _problem, 413: _problem, 415: _problem, 422: _problem, 503: _problem},
)
async def slash_command(request: Request, settings: Config, jobs: Jobs, access: AccessPolicy) -> dict[str, str]:
    body = await read_body(request, settings.max_body_bytes, settings.body_timeout_s)
    if settings.slack_signing_secret is None:
        raise SlackUnverified("slash commands are refused: WIREBRIEF_SLACK_SIGNING_SECRET is not set")
    if not verify_slack_request(body, request.headers, settings.slack_signing_secret.get_secret_value()):
        raise SlackUnverified("the Slack signature is missing, stale or does not match")
    command = parse_slash_command(body)
    if not command.text.strip():
        return {"response_type": "ephemeral", "text": USAGE}
    if not command.response_url:
        return {"response_type": "ephemeral", "text": "Slack sent no response_url to answer on."}
    if not is_slack_response_url(command.response_url, settings.slack_response_host_set):
        raise InvalidDeliveryUrl("the response_url is not a Slack URL (https on Slack's hooks host)")
    if jobs is None:
        raise EngineUnavailable("this service keeps no jobs (no store), so it cannot answer slash commands")
    # A signed request is valid for 5 minutes: one sent again within them (a replay) is not run again.
    if not await jobs.store.first_sight("slack:" + request.headers.get("x-slack-signature", ""), REPLAY_WINDOW_S):
        return {"response_type": "ephemeral", "text": "This command was already received; its brief is on its way."}
    brief = BriefRequest(url=command.url) if command.url else BriefRequest(text=command.text)
    # Briefs asked for from Slack are the Slack workspace's: with API keys, no key sees them.
    tenant = SLACK_TENANT if access.keys_required else PUBLIC_TENANT
    await jobs.submit(brief, tenant=tenant, slack_reply=SlackReply(command.response_url, command.public))
    what = "the article at " + command.url if command.url else "your text"
    return {"response_type": "ephemeral", "text": f"Working on a brief of {what}… it will appear here shortly."}
