"""schemathesis against the app's own OpenAPI schema, in-process: every default check, every operation.

Why: the schema is the contract clients generate code from. Fuzzing it finds statuses the routes
return but do not declare, bodies that do not match the declared models, and any 500. The app
runs with its lifespan (job runner, delivery worker, a SQLite store in a temporary folder) on
the rules engine, so no LLM and no network are needed; the Slack endpoint and callbacks have
secrets set so that they are reachable (and answer 401/422 to what fuzzing sends them).

schemathesis's own pytest loaders (`schema.parametrize`, `from_fixture`) do not run under
pytest 9 (they set a private node attribute), so each operation is driven here through
`operation.as_strategy()` and hypothesis directly: the same cases and the same checks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import shutdown_lifespans

from devtools.cassettes import fixture_settings
from service.api.app import create_app
from service.config import Settings
from tests.support import SECRET

EXAMPLES = int(os.environ.get("WIREBRIEF_FUZZ_EXAMPLES", "30"))
# Statuses the default checks do not expect but the API documents, per operation and why:
# - POST /v1/briefs answers 413/422 to a schema-valid body that is not an analysable article (an HTML page
#   with no main text, text over the length limit, NUL characters): the schema cannot say "an article";
# - POST /v1/briefs answers 503 when `options.engine` is "llm" and no LLM is configured (this app has none),
#   and /readyz answers 503 when it is not ready. A 500 stays a failure everywhere.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path": "/v1/briefs",
                "include-method": "POST",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "413", "422", "429", "503"]},
                    "not_a_server_error": {"expected-statuses": ["2xx", "4xx", "503"]},
                },
            },
            {
                "include-path": "/readyz",
                "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "4xx", "503"]}},
            },
        ]
    }
)


def _settings(database_url: str = "sqlite:///:memory:") -> Settings:
    return fixture_settings(
        engine="rules",
        openai_api_key=None,
        openai_base_url=None,
        database_url=database_url,
        rate_limit="",  # fuzzing is one client sending many requests; the limit has its own tests
        webhook_secret=SECRET,
        slack_signing_secret="fuzz-signing-secret",
        fetch_timeout_s=2,
    )


# The operations, read from the schema without starting anything (no lifespan at collection).
_SPEC = create_app(_settings()).openapi()
OPERATIONS = [
    (path, method.upper())
    for path, item in _SPEC["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]
# Negative cases need something to make invalid: a query or header parameter (a free-form path string
# is valid whatever it holds), or a body with a schema.
WITH_INPUT = [
    (path, method)
    for path, method in OPERATIONS
    if any(p.get("in") != "path" for p in _SPEC["paths"][path][method.lower()].get("parameters", []))
    or any(
        media.get("schema", {}).get("properties")
        for media in _SPEC["paths"][path][method.lower()].get("requestBody", {}).get("content", {}).values()
    )
]
CASES = [(path, method, GenerationMode.POSITIVE) for path, method in OPERATIONS] + [
    (path, method, GenerationMode.NEGATIVE) for path, method in WITH_INPUT
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(_settings(f"sqlite:///{folder / 'wirebrief.db'}"))  # its lifespan builds the rules pipeline
    yield schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)  # starts the lifespan
    shutdown_lifespans()  # job runner and delivery worker stop: nothing outlives the module


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{m} {p} {g.value}" for p, m, g in CASES])
def test_operation_conforms_to_its_schema(api_schema: Any, path: str, method: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]
    cases = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.NEGATIVE:
        # A text/plain or text/html body "made invalid" by becoming an object or a number is sent as its
        # JSON text: still a valid article body, so accepting it is right, not a failure (seen as ST201).
        # Text bodies stay in, with their invalid query parameters.
        cases = cases.filter(lambda case: not (case.media_type or "").startswith("text/") or isinstance(case.body, str))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate()

    check()
