"""The API's documentation (`/openapi.json`, `/docs`, `/redoc`), open like the other operations
routes unless WIREBRIEF_OPEN_OPS is false: then it needs a key too, since it says what the service
runs and how to reach it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from service.api.deps import ops_access

router = APIRouter(dependencies=[Depends(ops_access)], include_in_schema=False)
OPENAPI_URL = "/openapi.json"


@router.get("/")
async def home() -> RedirectResponse:
    """Someone who opens the service's address in a browser finds the documentation."""
    return RedirectResponse("/docs", status_code=307)


@router.get(OPENAPI_URL)
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_URL, title=f"{request.app.title} API")


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url=OPENAPI_URL, title=f"{request.app.title} API")
