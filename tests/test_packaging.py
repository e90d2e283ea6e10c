"""The wheel a user installs works outside the checkout (issue 13): the prompts travel with it.

The wheel is built from a copy of the project's files (so the checkout gains no build folders),
installed with no dependencies into a new venv in a temporary folder, and given this venv's
libraries by a `.pth` path line only: the new venv's own `service`, `schemas` and `prompts` are
the wheel's, never the checkout's (an editable install's hooks in this venv are not processed
from a path line).
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow  # builds and installs a wheel

SHIPPED = ("service", "schemas", "prompts", "pyproject.toml", "README.md")


def _run(*command: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **env}  # no PYTHONPATH, no settings of this shell
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=clean, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the built wheel; returns the venv's folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SHIPPED:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    build = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", work / "dist", source, cwd=work
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (work / "dist").glob("wirebrief-*.whl")

    venv = work / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work).returncode == 0
    install = _run(
        sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", wheel, cwd=work
    )
    assert install.returncode == 0, install.stderr
    [own_site] = (venv / "lib").glob("python3*/site-packages")
    (own_site / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return venv


def test_the_installed_packages_are_the_wheels(installed: Path) -> None:
    run = _run(
        installed / "bin" / "python",
        "-c",
        "import service, prompts; print(service.__file__, prompts.__file__)",
        cwd=installed,
    )
    assert run.returncode == 0, run.stderr
    assert all(path.startswith(str(installed)) for path in run.stdout.split()), run.stdout


def test_wirebrief_summarize_runs_from_the_wheel_with_its_prompts(installed: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(
        "The city council agreed on Monday to rebuild the old bridge by 2027. The mayor promised to publish "
        "the costs next month.",
        encoding="utf-8",
    )
    # An LLM configured but unreachable: the LLM engine is built (its prompts read from the wheel), its
    # call fails at once, and the rules engine answers, saying so.
    run = _run(
        installed / "bin" / "wirebrief",
        "summarize",
        article,
        "--json",
        cwd=tmp_path,
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        OPENAI_API_KEY="local",
        WIREBRIEF_DATABASE_URL=f"sqlite:///{tmp_path / 'wb.db'}",
        WIREBRIEF_RETRY_BASE_S="0.01",
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    analysis = json.loads(run.stdout)
    assert [c["action"] for c in analysis["commitments"]] == [
        "rebuild the old bridge by 2027",
        "publish the costs next month",
    ]
    assert "fallback_engine" in [w["code"] for w in analysis["warnings"]]  # the LLM engine was built and tried
