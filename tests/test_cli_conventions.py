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

import httpx
import pytest

from tests.support import ROOT, free_port, wirebrief

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


def test_results_go_to_the_user_data_folder_by_default_and_the_user_is_told(tmp_path: Path) -> None:
    work, data = tmp_path / "work", tmp_path / "data"
    work.mkdir()
    article = work / "a.txt"
    article.write_text("The council agreed on Monday to rebuild the old bridge by 2026.", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "WIREBRIEF_DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "summarize", str(article)],
        cwd=work,
        env={**environment, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": "", "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    database = data / "wirebrief" / "wirebrief.db"
    assert database.is_file() and list(work.iterdir()) == [article]  # nothing left in the working directory
    assert f"results are kept in {database}" in run.stderr
    chosen = wirebrief("summarize", str(article), cwd=work)  # a chosen place is not announced
    assert chosen.returncode == 0 and "results are kept" not in chosen.stderr


def test_ctrl_c_stops_make_run_quietly(tmp_path: Path) -> None:
    """The README's first command ends the way a terminal user ends it: Ctrl-C interrupts the whole
    foreground group (make and the service) and the service stops cleanly, with no make error line."""
    port = free_port()
    command = ["make", "-s", "-o", f"{sys.prefix}/.installed", "run", f"VENV={sys.prefix}", f"PORT={port}"]
    environment = {**os.environ, "OPENAI_API_KEY": "", "WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'wb.db'}"}
    make = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and make.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(make.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    output, _ = make.communicate(timeout=30)
    printed = output.decode("utf-8", "replace")
    assert "Application shutdown complete" in printed, printed
    assert "make: ***" not in printed and "Traceback" not in printed, printed
    assert make.returncode in (0, -signal.SIGINT), printed  # make re-raises the interrupt, as a shell expects


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
