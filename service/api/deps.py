"""Dependencies the routes receive: the settings and the pipeline built at start-up."""

from __future__ import annotations

from fastapi import Request

from service.config import Settings
from service.pipeline import Pipeline


def get_pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
