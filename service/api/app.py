"""The FastAPI application: built once, engines loaded at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import __version__
from service.api.problems import install_problem_handlers
from service.api.routes import briefs, health
from service.config import Settings, get_settings
from service.pipeline import Pipeline


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """An app over `pipeline` (built from `settings` at start-up when not given)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = pipeline is None
        app.state.pipeline = pipeline or await Pipeline.from_settings(settings)
        try:
            yield
        finally:
            if owned:
                await app.state.pipeline.aclose()

    app = FastAPI(
        title="wirebrief",
        version=__version__,
        summary="A news article in; a grounded brief, actor list and commitment table out.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if pipeline is not None:
        app.state.pipeline = pipeline
    install_problem_handlers(app)
    app.include_router(briefs.router)
    app.include_router(health.router)
    return app
