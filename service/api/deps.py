"""Dependencies the routes receive: settings, pipeline and access checks built at start-up.

All are `async def`: FastAPI runs a plain `def` dependency on a worker thread, a thread hop per
dependency per request for what is an attribute lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from service.api.access import Access
from service.config import Settings
from service.pipeline import Pipeline


async def get_pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


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
