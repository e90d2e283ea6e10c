"""`POST /v1/briefs`: an article in, an `Analysis` out (JSON, Markdown or CSV), or a job (202)
when the result is to be delivered to a callback or Slack; `GET /v1/briefs/{id}`."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator

from schemas import Analysis
from schemas.analysis import ENGINE_NAME
from schemas.jobs import JobAccepted, JobState
from schemas.listing import BriefPage
from schemas.request import ONE_LINE, BriefRequest
from service.api.deps import Config, Jobs, Pipe, Tenant, api_access
from service.api.negotiation import choose_format, read_body
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.config import Settings
from service.errors import EngineUnavailable, WebhookSecretMissing
from service.ingest import ingest, request_from_body
from service.jobs import JobRunner
from service.listing import actor_filter, day_start, decode_cursor, encode_cursor, summary
from service.netguard import check_url
from service.render import MEDIA_TYPES, download_headers, render
from service.render import Format as ResponseFormat

router = APIRouter(prefix="/v1", tags=["briefs"], dependencies=[Depends(api_access)])

_problem = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BriefRequest.model_json_schema(ref_template="#/components/schemas/{model}")},
            "text/plain": {"schema": {"type": "string", "minLength": 1}},
            "text/html": {"schema": {"type": "string", "minLength": 1}},
        },
    }
}
Format = Annotated[
    str | None,
    Query(
        pattern=r"^(?i:json|markdown|md|csv|html)$",
        description="Response format (any case; md = markdown); html is a page with the evidence highlighted "
        "in the article. Without it, the Accept header decides (q-values honoured).",
    ),
]


@router.post(
    "/briefs",
    response_model=Analysis,
    summary="Analyse an article",
    description=(
        "Send the article as JSON (`text`, `html` or a `url` to fetch), or as a `text/plain` or `text/html` body. "
        "The response is an `Analysis` (JSON), or Markdown / a CSV of the commitment table by `?format=` or the "
        "`Accept` header. With `callback_url` or `slack_webhook_url` the answer is `202` with a job, and the "
        "result is delivered there."
    ),
    openapi_extra=_REQUEST_BODY,
    responses={
        200: {"content": {"text/markdown": {}, "text/csv": {}, "text/html": {}}},
        202: {"model": JobAccepted},
        401: _problem,
        406: _problem,
        413: _problem,
        415: _problem,
        422: _problem,
        429: _problem,
        502: _problem,
        503: _problem,
        504: _problem,
    },
)
async def create_brief(
    request: Request,
    tenant: Tenant,
    pipeline: Pipe,
    settings: Config,
    jobs: Jobs,
    format: Format = None,
    engine: Annotated[
        str | None, Query(pattern=ENGINE_NAME, description="Engine: auto, llm or rules (plain bodies)")
    ] = None,
    language: Annotated[
        str | None, Query(max_length=40, pattern=ONE_LINE, description="Brief language (plain bodies)")
    ] = None,
    title: Annotated[str | None, Query(max_length=1000, pattern=ONE_LINE, description="Title (plain bodies)")] = None,
    accept: Annotated[str | None, Header()] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    fmt = choose_format(format, accept)
    body = await read_body(request, settings.max_body_bytes, settings.body_timeout_s)
    brief_request = request_from_body(body, content_type)
    pipeline.engines.check_name(brief_request.options.engine, ("body", "options", "engine"))
    pipeline.engines.check_name(engine, ("query", "engine"))
    brief_request.title = brief_request.title or title
    brief_request.options.engine = brief_request.options.engine or engine
    brief_request.options.language = brief_request.options.language or language
    if brief_request.callback_url or brief_request.slack_webhook_url:
        return await _accept_job(jobs, brief_request, settings, tenant)
    article = await ingest(brief_request, settings)
    options = brief_request.options
    analysis = await pipeline.analyze(article, engine=options.engine, language=options.language, tenant=tenant)
    return _rendered(analysis, fmt, stored=pipeline.store is not None)


async def _accept_job(jobs: JobRunner | None, brief_request: BriefRequest, settings: Settings, tenant: str) -> Response:
    """Check what can be checked now (the article, the target URLs), persist the job, answer 202."""
    if jobs is None:
        raise EngineUnavailable("asynchronous jobs need the store and the delivery worker, which are not running")
    if brief_request.callback_url and settings.webhook_secret is None:  # before any look-up: nothing to wait for
        raise WebhookSecretMissing(
            "callbacks are signed webhooks: the service needs WIREBRIEF_WEBHOOK_SECRET to send them"
        )
    article = None
    if brief_request.text is not None or brief_request.html is not None:
        article = await ingest(brief_request, settings)  # an article that cannot be analysed is refused now
    for target in (brief_request.callback_url, brief_request.slack_webhook_url):
        if target:
            await check_url(target, settings.allow_list)
    job = await jobs.submit(brief_request, tenant=tenant, article=article)
    state = cast(JobState, job.state)  # the store writes JobState values only
    accepted = JobAccepted(id=job.id, state=state, status_url=f"/v1/jobs/{job.id}")
    return JSONResponse(accepted.model_dump(), status_code=202, headers={"location": accepted.status_url})


def _rendered(analysis: Analysis, fmt: ResponseFormat, *, stored: bool = True) -> Response:
    """The analysis in the chosen format, with where it is kept (`Location`, `Content-Location`) and,
    since the format depends on Accept, `Vary: Accept` for caches."""
    headers = {**download_headers(analysis, fmt), "vary": "Accept"}
    if stored:
        headers["location"] = headers["content-location"] = f"/v1/briefs/{analysis.id}"
    return Response(render(analysis, fmt), media_type=MEDIA_TYPES[fmt], headers=headers)


def _iso_day(value: object) -> object:
    """A day is written YYYY-MM-DD; pydantic alone would also take a number (seconds since 1970)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


Day = Annotated[datetime.date, BeforeValidator(_iso_day)]


@router.get(
    "/briefs",
    response_model=BriefPage,
    summary="Your stored analyses",
    description="The analyses this key asked for, newest first (by when it last asked), a page at a time; "
    "filter by an actor's name (any part, any case) and by the day it was asked (UTC, `since` and `until` "
    "inclusive). Follow `next_cursor` for older ones.",
    responses={401: _problem, 422: _problem, 429: _problem, 503: _problem},
)
async def list_briefs(
    tenant: Tenant,
    pipeline: Pipe,
    limit: Annotated[int, Query(ge=1, le=100, description="Analyses per page")] = 20,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    actor: Annotated[str | None, Query(max_length=200, pattern=ONE_LINE, description="Part of an actor's name")] = None,
    since: Annotated[Day | None, Query(description="From this day (YYYY-MM-DD, UTC)")] = None,
    until: Annotated[Day | None, Query(description="To this day, inclusive")] = None,
) -> BriefPage:
    if pipeline.store is None:
        raise EngineUnavailable("this service keeps no analyses (no store)")
    found, position = await pipeline.store.list_tenant_analyses(
        tenant,
        limit=limit,
        before=decode_cursor(cursor) if cursor else None,
        since=day_start(since),
        until=day_start(until, next_day=True),
        keep=actor_filter(actor),
        mentions=actor.strip() if actor else None,
    )
    items = [summary(created_at, analysis) for created_at, analysis in found]
    return BriefPage(items=items, next_cursor=encode_cursor(position) if position else None)


@router.get(
    "/briefs/{analysis_id}",
    response_model=Analysis,
    summary="A stored analysis",
    responses={
        200: {"content": {"text/markdown": {}, "text/csv": {}, "text/html": {}}},
        401: _problem,
        404: _problem,
        406: _problem,
        429: _problem,
    },
)
async def get_brief(
    analysis_id: str,
    tenant: Tenant,
    pipeline: Pipe,
    format: Format = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    fmt = choose_format(format, accept)
    store = pipeline.store
    analysis = await store.get_tenant_analysis(tenant, analysis_id) if store is not None else None
    if analysis is None:
        raise HTTPException(404, f"no analysis with id {analysis_id!r}")
    return _rendered(analysis, fmt)
