"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from service import __version__
from service.api.deps import HtmlProblem, Pipe, ops_access
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.errors import EngineUnavailable
from service.metrics import exposition

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
async def readyz(pipeline: Pipe, html_problem: HtmlProblem) -> dict[str, object]:
    checks = {
        "engine": pipeline.choose_engine(None).name,
        "engines": {name: pipeline.engines[name].details for name in pipeline.engines},
        "rules_loaded": "rules" in pipeline.engines,
        "llm_configured": "llm" in pipeline.engines,
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
