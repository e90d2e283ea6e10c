"""Liveness of the process."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from service import __version__
from service.api.deps import get_pipeline
from service.pipeline import Pipeline

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz(pipeline: Annotated[Pipeline, Depends(get_pipeline)]) -> dict[str, str]:
    return {"status": "ok", "version": __version__, "engine": pipeline.choose_engine(None)}
