"""RFC 9457 problem details: every error the API returns, with a stable `type`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import InvalidRequest, WirebriefError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:wirebrief:problem:"


class Problem(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    body = Problem(type=TYPE_PREFIX + slug, title=title, status=status, detail=detail, instance=instance, errors=errors)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def problem_for(error: WirebriefError, instance: str | None = None) -> JSONResponse:
    headers = {"retry-after": str(error.retry_after)} if error.retry_after is not None else None
    if error.status == 401:
        headers = {**(headers or {}), "www-authenticate": 'Bearer realm="wirebrief"'}
    errors = error.errors if isinstance(error, InvalidRequest) else None
    return problem_response(
        error.status, error.type, error.title, error.detail, instance=instance, headers=headers, errors=errors
    )


_HTTP_SLUGS = {
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    408: ("request-timeout", "The request did not arrive in time"),
    413: ("body-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi`, with every 4xx/5xx documented as what the handlers below really send:
    problem+json only. FastAPI would also list `application/json` for each, and its own 422
    (`HTTPValidationError`), which this API never returns; clients generated from the schema
    would then parse the wrong body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if status[:1] in {"4", "5"}:
                        response["content"] = dict(problem)
                        if status == "422":
                            response["description"] = "The request is not valid"
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
        _lift_definitions(schema["paths"], components)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        return schema

    return openapi


def _lift_definitions(node: Any, components: dict[str, Any]) -> None:
    """Schemas written by hand into an operation (the request body of `POST /v1/briefs`) carry their
    nested models under `$defs`, while their `$ref`s point at `#/components/schemas/...`: move them
    there, so that every reference resolves (client generators and schemathesis fail otherwise)."""
    if isinstance(node, dict):
        for name, definition in node.pop("$defs", {}).items():
            components.setdefault(name, definition)
        for value in node.values():
            _lift_definitions(value, components)
    elif isinstance(node, list):
        for value in node:
            _lift_definitions(value, components)


def install_problem_handlers(app: FastAPI) -> None:
    """Map every expected error to problem+json; an unexpected one is answered (with the request
    id) by `RequestIdMiddleware`: never a traceback."""

    @app.exception_handler(WirebriefError)
    async def _wirebrief(request: Request, error: WirebriefError) -> JSONResponse:
        return problem_for(error, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]
        return problem_for(InvalidRequest(errors), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug, title = _HTTP_SLUGS.get(error.status_code, ("http-error", "HTTP error"))
        return problem_response(
            error.status_code,
            slug,
            title,
            str(error.detail),
            instance=request.url.path,
            headers=dict(error.headers) if error.headers else None,
        )
