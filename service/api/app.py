"""The FastAPI application: engines, store, delivery worker and job runner started once."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import Depends, FastAPI

from service import __version__, html_pool, metrics
from service.api.access import Access
from service.api.deps import single_valued_query
from service.api.middleware import MetricsMiddleware, RequestIdMiddleware
from service.api.problems import install_problem_handlers, problem_openapi
from service.api.routes import briefs, docs, health, jobs, slack
from service.background.duties import Background
from service.config import Settings, get_settings
from service.pipeline import Pipeline
from service.store import SqlStore, store_location
from service.store.rate_limits import StoreRateStorage

log = logging.getLogger(__name__)
STARTUP_CHECK_S = 60.0
SHUTDOWN_STEP_S = 15.0
T = TypeVar("T")


async def _bounded(step: Coroutine[Any, Any, T], seconds: float, what: str) -> T | str:
    """`step`, or after `seconds` a message saying it did not finish (logged)."""
    try:
        async with asyncio.timeout(seconds):
            return await step
    except TimeoutError:
        waiting = [
            f"{task.get_name()} at {frame.f_code.co_filename}:{frame.f_lineno}"
            for task in asyncio.all_tasks()
            if not task.done()
            for frame in task.get_stack(limit=1)
        ]
        log.error("%s did not finish within %g s; going on without it (tasks: %s)", what, seconds, "; ".join(waiting))
        return f"{what} did not finish within {seconds:g} s"


def _access(settings: Settings, store: SqlStore | None) -> Access:
    """The key and rate checks; with a store, the limits count in it, shared by every process and replica."""
    return Access(settings, StoreRateStorage(store) if store is not None else None)


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """An app over `pipeline` (built from `settings` at start-up when not given)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = pipeline is None
        app.state.pipeline = running = pipeline or await Pipeline.from_settings(settings)
        background = None
        if running.store is not None:  # jobs and deliveries live in the store
            log.info("results, jobs and deliveries are kept in %s", store_location(settings.database_url))
            app.state.access = _access(settings, running.store)
            background = await Background.open(running, running.store, settings)
            app.state.deliveries, app.state.jobs = background.deliveries, background.runner
            await background.start()
        # A page read now: a broken install (a missing lxml_html_clean) fails /readyz, not the first
        # user's HTML request.
        app.state.html_problem = await _bounded(html_pool.self_check(), STARTUP_CHECK_S, "the HTML self-check")
        if app.state.html_problem:
            log.error("HTML pages cannot be read: %s", app.state.html_problem)
        # spaCy and the prompts leave a million long-lived objects: moved out of the collector's sight,
        # they stop being rescanned by every full collection (pauses of tens of milliseconds under load).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            # Every step of a shutdown is bounded: a stop that hangs must not keep the process alive.
            if background is not None:
                await _bounded(background.stop(), SHUTDOWN_STEP_S, "stopping the jobs and deliveries")
            if owned:
                await _bounded(running.aclose(), SHUTDOWN_STEP_S, "closing the store and the LLM client")
            html_pool.shutdown()
            metrics.forget_this_worker()

    app = FastAPI(
        title="wirebrief",
        version=__version__,
        summary="A news article in; a grounded brief, actor list and commitment table out.",
        lifespan=lifespan,
        dependencies=[Depends(single_valued_query)],
        docs_url=None,  # served by routes.docs, behind the keys when WIREBRIEF_OPEN_OPS is false
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.access = _access(settings, pipeline.store if pipeline is not None else None)
    if pipeline is not None:
        app.state.pipeline = pipeline
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: everything after it, errors included, has the id
    install_problem_handlers(app)
    app.openapi = problem_openapi(app)  # type: ignore[method-assign]  # FastAPI's documented way to adapt it
    for router in (briefs.router, jobs.router, slack.router, health.router, docs.router):
        app.include_router(router)
    return app
