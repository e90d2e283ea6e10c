"""Real processes on loopback: the stand-in OpenAI-compatible server and `wirebrief serve`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from schemas import Analysis
from tests.support import Process, article_text, assert_grounded, standin_args

pytestmark = pytest.mark.slow  # the service and a stand-in LLM as real processes

SERVE = ["-m", "service.cli", "serve", "--port", "{port}"]


def service_env(llm: Process | None, database: Path) -> dict[str, str]:
    env = {
        "OPENAI_API_KEY": "",
        "WIREBRIEF_RETRY_BASE_S": "0.05",
        "WIREBRIEF_ENGINE": "auto",
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{database}",
    }
    if llm is not None:
        env["OPENAI_BASE_URL"] = llm.url + "/v1"
    else:
        env["OPENAI_BASE_URL"] = ""
    return env


def test_service_process_against_a_real_openai_compatible_server_with_a_retry(
    processes: Callable[..., Process], tmp_path: Path
) -> None:
    llm = processes(standin_args("--fail-first", "1"), "/stats")
    service = processes(SERVE, "/healthz", env=service_env(llm, tmp_path / "wb.db"))

    response = httpx.post(
        service.url + "/v1/briefs", json={"text": article_text("idlib")}, headers={"x-request-id": "req-7"}, timeout=30
    )

    assert response.status_code == 200, response.text
    analysis = Analysis.model_validate_json(response.content)
    assert analysis.provenance.engine == "llm"
    assert analysis.provenance.usage.retries == 1 and analysis.provenance.usage.llm_calls == 2
    # The retry is logged with the time, the level, the logger and the request it belongs to.
    assert response.headers["x-request-id"] == "req-7"
    assert re.search(
        r"^\d{4}-\d\d-\d\d [\d:,]+ WARNING service\.llm\.transport \[req-7\] llm call retry 1", service.output(), re.M
    )
    assert '"POST /v1/briefs HTTP/1.1" 200 OK [req-7]' in service.output()
    assert_grounded(analysis)
    assert any(c.kind == "agreement" for c in analysis.commitments)
    assert httpx.get(llm.url + "/stats").json()["calls"] == 2


def test_the_readme_curl_without_any_llm_answers_with_the_rules_engine(
    processes: Callable[..., Process], tmp_path: Path
) -> None:
    service = processes(SERVE, "/healthz", env=service_env(None, tmp_path / "wb.db"))

    response = httpx.post(
        service.url + "/v1/briefs?format=json",
        content=article_text("idlib").encode(),
        headers={"content-type": "text/plain"},
        timeout=30,
    )

    assert response.status_code == 200, response.text
    # uvicorn's own lines have the service's shape: time, level, logger, request id (none at start-up)
    assert re.search(
        r"^\d{4}-\d\d-\d\d [\d:,]+ INFO uvicorn.error \[-\] Application startup complete", service.output(), re.M
    )
    analysis = Analysis.model_validate_json(response.content)
    assert analysis.provenance.engine == "rules" and not analysis.provenance.degraded
    assert_grounded(analysis)
    # What the README promises a new user without a key: the seed's actors, once each, and its two key commitments.
    names = [actor.name for actor in analysis.actors]
    for name in ("Recep Tayyip Erdoğan", "Vladimir Putin", "Sergey Lavrov", "Turkey", "Russia"):
        assert names.count(name) == 1, names
    ids = {actor.name: actor.id for actor in analysis.actors}
    assert {"Moscow", "Russian"} <= set(next(a for a in analysis.actors if a.name == "Russia").aliases)
    assert any(
        c.kind == "agreement"
        and {ids["Recep Tayyip Erdoğan"], ids["Vladimir Putin"]} <= set(c.actors)
        and "meet" in c.action
        for c in analysis.commitments
    )
    assert any(
        c.kind == "demand" and ids["Turkey"] in c.counterparties and "Sochi" in c.evidence.quote
        for c in analysis.commitments
    )
