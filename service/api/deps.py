"""Dependencies the routes receive: settings, pipeline, jobs and access checks built at start-up,
as `Annotated` aliases (`Pipe`, `Config`, `Jobs`, `Tenant`) so a route names what it needs and
never reads `app.state` itself.

All are `async def`: FastAPI runs a plain `def` dependency on a worker thread, a thread hop per
dependency per request for what is an attribute lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from service.api.access import Access
from service.config import Settings
from service.jobs import JobRunner
from service.pipeline import Pipeline


async def get_pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_jobs(request: Request) -> JobRunner | None:
    """The job runner; None when the service keeps no store (each route says what that means)."""
    jobs: JobRunner | None = getattr(request.app.state, "jobs", None)
    return jobs


async def get_access(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


async def get_html_problem(request: Request) -> str | None:
    """Why HTML pages cannot be read, found by the start-up check; None when they can."""
    problem: str | None = getattr(request.app.state, "html_problem", None)
    return problem


async def api_access(request: Request) -> str:
    """API key (when keys are set) and the per-key rate limit; returns the caller's identity."""
    access: Access = request.app.state.access
    return await access.check(request)


async def ops_access(request: Request) -> None:
    """Health, metrics and the API documentation are open unless WIREBRIEF_OPEN_OPS is false; then
    they need a key too."""
    if not request.app.state.settings.open_ops:
        await request.app.state.access.identify(request)


Tenant = Annotated[str, Depends(api_access)]
Pipe = Annotated[Pipeline, Depends(get_pipeline)]
Config = Annotated[Settings, Depends(get_settings)]
Jobs = Annotated[JobRunner | None, Depends(get_jobs)]
AccessPolicy = Annotated[Access, Depends(get_access)]
HtmlProblem = Annotated[str | None, Depends(get_html_problem)]


async def single_valued_query(request: Request) -> None:
    """Every query parameter of this API is one value; FastAPI would silently keep the last of
    `?title=a&title=b`. Refuse it (422) so a client's mistake does not pass unnoticed."""
    query = request.query_params
    if len(query) == len(query.multi_items()):
        return
    repeated = sorted({key for key in query if len(query.getlist(key)) > 1})
    raise RequestValidationError(
        [{"loc": ("query", key), "msg": "given more than once; send one value", "type": "repeated"} for key in repeated]
    )
