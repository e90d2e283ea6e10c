"""`make test-real`: the real `wirebrief serve` against llama.cpp's OpenAI-compatible server and a
real model (SmolLM2-135M-Instruct; `devtools/llama_server.py` says which and why), in every
`WIREBRIEF_LLM_MODE`, on the seed and two other fixture articles.

What is held: every answer is a grounded `Analysis`, from the LLM or from the fallback with a
warning that names the cause; never a 500; usage counted over every attempt. What is printed, per
mode: LLM results and fallbacks, re-asks, tokens, repairs and seconds. A 135M model extracts
little: this is about the protocol and what real output does to the pipeline, not quality.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from devtools.llama_server import MODEL_NAME, venv_python
from schemas import Analysis
from tests.support import Process, article_text, assert_grounded, free_port

MODES = ["tools", "tools_strict", "json_schema", "json", "auto"]
ARTICLES = ["idlib", "injection", "rafale_fr"]  # the seed, a prompt injection, a French article
ARTICLES_OF = {"auto": ["idlib"]}  # auto is about the mode it picks (one of those above): the seed shows it
SETTINGS = {  # what a CPU model needs: time, and a curb and a bound on the runaway repetition of a small one
    "WIREBRIEF_DEADLINE_S": "300",
    "WIREBRIEF_MAX_OUTPUT_TOKENS": "600",
    "WIREBRIEF_MAX_REASKS": "1",
    "WIREBRIEF_FREQUENCY_PENALTY": "1.0",
}


@dataclass
class Tally:
    llm: int = 0
    fallbacks: int = 0
    reasks: int = 0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    repairs: Counter[str] = field(default_factory=Counter)
    causes: list[str] = field(default_factory=list)


TALLIES: dict[str, Tally] = {}


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    if not venv_python().exists():
        pytest.fail("the llama.cpp server is not installed: run `make test-real` (it installs it first)")
    port = free_port()
    process = Process(["-m", "devtools.llama_server", "serve", "--port", str(port)], port, "/v1/models")
    yield f"{process.url}/v1"
    process.stop()
    print_table()


@pytest.mark.parametrize("mode", MODES)
def test_every_answer_is_grounded_from_the_llm_or_a_named_fallback(
    mode: str, llama_server: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": llama_server,
        "WIREBRIEF_MODEL": MODEL_NAME,
        "WIREBRIEF_LLM_MODE": mode,
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'wirebrief.db'}",
        **SETTINGS,
    }
    service = Process(["-m", "service.cli", "serve", "--port", str(port)], port, "/readyz", env)
    tally = TALLIES.setdefault(mode, Tally())
    try:
        ready = httpx.get(f"{service.url}/readyz", timeout=10).json()
        chosen = ready["engines"]["llm"]["mode"]
        assert chosen != "auto", ready  # auto is resolved at start-up, and said
        for name in ARTICLES_OF.get(mode, ARTICLES):
            started = time.monotonic()
            response = httpx.post(f"{service.url}/v1/briefs", json={"text": article_text(name)}, timeout=400)
            tally.seconds += time.monotonic() - started
            assert response.status_code == 200, f"{mode} {name}: {response.status_code} {response.text[:500]}"
            analysis = Analysis.model_validate(response.json())
            assert_grounded(analysis)
            usage = analysis.provenance.usage
            assert usage.llm_calls >= 1, f"{mode} {name}: the LLM attempts are not counted"
            tally.calls += usage.llm_calls
            tally.reasks += usage.reasks
            tally.input_tokens += usage.input_tokens
            tally.output_tokens += usage.output_tokens
            tally.repairs.update(usage.repairs)
            if analysis.provenance.engine == "llm":
                assert not analysis.provenance.degraded
                tally.llm += 1
                continue
            tally.fallbacks += 1
            assert analysis.provenance.degraded
            fallback = [w.detail for w in analysis.warnings if w.code == "fallback_engine"]
            assert fallback, f"{mode} {name}: a fallback without a warning"
            assert f"WIREBRIEF_LLM_MODE={chosen}" in fallback[0] or "HTTP" in fallback[0], fallback[0]
            tally.causes.append(f"{name}: {fallback[0][:160]}")
        if mode == "auto":
            tally.causes.insert(0, f"auto chose {chosen}: {ready['engines']['llm']['mode_chosen_because']}")
    finally:
        service.stop()


def print_table() -> None:
    print(f"\n\nreal model: {MODEL_NAME} on llama-cpp-python's server; {', '.join(ARTICLES)}; {SETTINGS}")
    print(
        f"{'mode':<13}{'llm':>4}{'fallback':>9}{'calls':>6}{'re-asks':>8}{'tokens in':>10}{'out':>7}{'s':>7}  repairs"
    )
    for mode, t in TALLIES.items():
        repairs = ", ".join(f"{k} {v}" for k, v in sorted(t.repairs.items())) or "-"
        print(
            f"{mode:<13}{t.llm:>4}{t.fallbacks:>9}{t.calls:>6}{t.reasks:>8}{t.input_tokens:>10}"
            f"{t.output_tokens:>7}{t.seconds:>7.0f}  {repairs}"
        )
    for mode, t in TALLIES.items():
        for cause in t.causes:
            print(f"  {mode}: {cause}")
