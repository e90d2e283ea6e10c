"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from service import __version__
from service.api.deps import get_pipeline, ops_access
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.errors import EngineUnavailable
from service.metrics import exposition
from service.pipeline import Pipeline

_problem = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
# 401 only when WIREBRIEF_OPEN_OPS=false and no valid key is sent; documented all the same.
router = APIRouter(tags=["operations"], dependencies=[Depends(ops_access)], responses={401: _problem})


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    summary="The engine and the store can serve",
    responses={503: _problem},
)
async def readyz(request: Request, pipeline: Annotated[Pipeline, Depends(get_pipeline)]) -> dict[str, object]:
    html_problem: str | None = getattr(request.app.state, "html_problem", None)  # checked at start-up
    checks = {
        "engine": pipeline.choose_engine(None),
        "rules_loaded": pipeline.rules is not None,
        "llm_configured": pipeline.llm is not None,
        "store": pipeline.store is not None and await pipeline.store.ping(),
        "html": html_problem is None,
    }
    if not checks["store"] or not checks["rules_loaded"] or html_problem:
        reason = f"; HTML pages cannot be read ({html_problem})" if html_problem else ""
        raise EngineUnavailable(f"not ready: {checks}{reason}")
    return {"status": "ready", **checks}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics() -> Response:
    page, media_type = exposition()
    return Response(page, media_type=media_type)
