"""The API's documentation (`/openapi.json`, `/docs`), open like the other operations routes
unless WIREBRIEF_OPEN_OPS is false: then it needs a key too, since it says what the service runs
and how to reach it.

Swagger UI is served from the installed `swagger-ui-bundle-v2` package, not from a CDN: the page
works on a machine with no internet. `/redoc` (ReDoc has no such package) shows the same page, for
old links."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from swagger_ui_bundle import swagger_ui_path

from service.api.deps import ops_access

router = APIRouter(dependencies=[Depends(ops_access)], include_in_schema=False)
OPENAPI_URL = "/openapi.json"
ASSETS_URL = "/docs/assets"
_ASSETS = {  # the only files of the bundle the page loads
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


@router.get("/")
async def home() -> RedirectResponse:
    """Someone who opens the service's address in a browser finds the documentation."""
    return RedirectResponse("/docs", status_code=307)


@router.get(OPENAPI_URL)
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
@router.get("/redoc")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title=f"{request.app.title} API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
    )


@router.get(ASSETS_URL + "/{name}")
async def swagger_asset(name: str) -> FileResponse:
    if name not in _ASSETS:
        raise HTTPException(404, f"no documentation asset {name!r}")
    return FileResponse(
        Path(swagger_ui_path) / name, media_type=_ASSETS[name], headers={"cache-control": "public, max-age=86400"}
    )
