"""`POST /v1/briefs`: an article in, an `Analysis` out (JSON, Markdown or CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from pydantic import ValidationError

from schemas import Analysis
from schemas.request import BriefRequest
from service.api.deps import get_pipeline, get_settings
from service.api.negotiation import choose_format, read_body
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.config import Settings
from service.errors import InvalidArticle
from service.ingest import article_from_text
from service.pipeline import Pipeline
from service.render import MEDIA_TYPES, render

router = APIRouter(prefix="/v1", tags=["briefs"])

_problem = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BriefRequest.model_json_schema(ref_template="#/components/schemas/{model}")},
            "text/plain": {"schema": {"type": "string", "minLength": 1}},
        },
    }
}


@router.post(
    "/briefs",
    response_model=Analysis,
    summary="Analyse an article",
    description=(
        'Send the article as JSON (`{"text": ...}`) or as a `text/plain` body. The response is an `Analysis` '
        "(JSON), or Markdown / a CSV of the commitment table by `?format=` or the `Accept` header."
    ),
    openapi_extra=_REQUEST_BODY,
    responses={
        200: {"content": {"text/markdown": {}, "text/csv": {}}},
        406: _problem,
        413: _problem,
        415: _problem,
        422: _problem,
        502: _problem,
        503: _problem,
        504: _problem,
    },
)
async def create_brief(
    request: Request,
    pipeline: Annotated[Pipeline, Depends(get_pipeline)],
    settings: Annotated[Settings, Depends(get_settings)],
    format: Annotated[Literal["json", "markdown", "csv"] | None, Query(description="Response format")] = None,
    engine: Annotated[Literal["auto", "llm", "rules"] | None, Query(description="Engine (text/plain bodies)")] = None,
    language: Annotated[str | None, Query(max_length=40, description="Brief language (text/plain bodies)")] = None,
    title: Annotated[str | None, Query(max_length=1000, description="Title (text/plain bodies)")] = None,
    accept: Annotated[str | None, Header()] = None,
    content_type: Annotated[str | None, Header()] = None,
) -> Response:
    fmt = choose_format(format, accept)
    body = await read_body(request, settings.max_body_bytes)
    brief_request = _parse(body, content_type)
    if brief_request.title is None and title:
        brief_request.title = title
    options = brief_request.options
    article = article_from_text(
        brief_request.text,
        title=brief_request.title,
        url=brief_request.url,
        published=brief_request.published,
        max_chars=settings.max_article_chars,
    )
    analysis = await pipeline.analyze(article, engine=options.engine or engine, language=options.language or language)
    return Response(render(analysis, fmt), media_type=MEDIA_TYPES[fmt])


@router.get(
    "/briefs/{analysis_id}",
    response_model=Analysis,
    summary="A stored analysis",
    responses={200: {"content": {"text/markdown": {}, "text/csv": {}}}, 404: _problem, 406: _problem},
)
async def get_brief(
    analysis_id: str,
    pipeline: Annotated[Pipeline, Depends(get_pipeline)],
    format: Annotated[Literal["json", "markdown", "csv"] | None, Query(description="Response format")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    fmt = choose_format(format, accept)
    analysis = await pipeline.store.get_analysis(analysis_id) if pipeline.store is not None else None
    if analysis is None:
        raise HTTPException(404, f"no analysis with id {analysis_id!r}")
    return Response(render(analysis, fmt), media_type=MEDIA_TYPES[fmt])


def _parse(body: bytes, content_type: str | None) -> BriefRequest:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            return BriefRequest.model_validate_json(body)
        except ValidationError as error:
            details = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors(include_url=False)
            )
            raise InvalidArticle(f"the JSON body is not a valid request: {details}") from None
    if media == "text/plain":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidArticle(f"the body is not valid UTF-8 (byte {error.start})") from None
        return BriefRequest(text=text)
    raise HTTPException(415, f"unsupported content type {content_type!r}; send application/json or text/plain")
