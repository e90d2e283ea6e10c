"""The command line as a newcomer meets it (issue 13): a folder given to summarize, two formats
asked at once, an interrupted batch's table and report (a mistyped batch input: test_batch)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT, wirebrief

pytestmark = pytest.mark.slow  # the wirebrief command, run as a process

COUNTRIES = ["Russia", "Turkey", "Brazil", "Kenya", "Japan"]


def test_summarize_of_a_folder_suggests_batch(tmp_path: Path) -> None:
    (tmp_path / "week").mkdir()
    run = wirebrief("summarize", str(tmp_path / "week"), cwd=tmp_path)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "is a folder" in run.stderr and "wirebrief batch" in run.stderr


def test_conflicting_format_flags_are_an_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The council agreed on Monday to rebuild the old bridge by 2026.", encoding="utf-8")
    run = wirebrief("summarize", str(article), "--json", "--format", "csv", cwd=tmp_path)
    assert run.returncode != 0 and "two formats" in run.stderr
    assert wirebrief("summarize", str(article), "--json", "--format", "json", cwd=tmp_path).returncode == 0


def test_an_interrupted_batch_writes_its_table_and_report_for_what_is_done(tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    rows = [
        {"id": f"a{n}", "text": f"{COUNTRIES[n % 5]} agreed on Monday to send {n + 2} envoys to the talks in Geneva."}
        for n in range(400)
    ]
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out, table, report = tmp_path / "out.jsonl", tmp_path / "table.csv", tmp_path / "report.md"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'wb.db'}",
    }
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "batch",
        str(inputs),
        "-o",
        str(out),
        "-q",
        "--table",
        str(table),
        "--report",
        str(report),
        "--concurrency",
        "2",
    ]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 5):
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    done = out.read_text().count("\n")
    assert 5 <= done < 400
    assert table.exists() and table.read_text(encoding="utf-8-sig").count("\n") >= 5
    assert report.exists() and "succeeded" in report.read_text(encoding="utf-8")
