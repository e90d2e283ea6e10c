"""`wirebrief batch` as an analyst runs it: real subprocesses, real files, a stand-in LLM."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from service.batch.output import Output, read_records
from tests.support import (
    FIXTURES,
    ROOT,
    SECRET,
    Process,
    Receiver,
    article_text,
    batch,
    batch_env,
    ids_in,
    received,
    sentences,
    standin_args,
    write_jsonl,
)

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]  # the batch command, run as a process


def test_mixed_inputs_give_one_line_per_article_a_table_and_a_report(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "week"
    folder.mkdir()
    (folder / "idlib.txt").write_text(article_text("idlib"), encoding="utf-8")
    (folder / "hackers.md").write_text(article_text("hackers"), encoding="utf-8")
    (folder / "idlib-page.html").write_bytes((FIXTURES / "articles" / "idlib.html").read_bytes())
    jsonl = write_jsonl(tmp_path / "export.jsonl", [*sentences(3), {"id": "broken", "text": "  "}])
    with (tmp_path / "feed.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["id", "title", "text"])
        writer.writeheader()
        writer.writerow({"id": "csv-1", "title": "Sofia talks", "text": "Bulgaria pledged to cut its deficit by 2027."})
    out, table, report = tmp_path / "out.jsonl", tmp_path / "commitments.csv", tmp_path / "report.md"

    run = batch(str(folder), str(jsonl), str(tmp_path / "feed.csv"), "-o", str(out), "--table", str(table),
                "--report", str(report), env=batch_env(database_url), cwd=tmp_path)  # fmt: skip

    assert run.returncode == 3, run.stderr  # one input is broken: it is reported, the rest succeed
    records = read_records(out)
    assert len(records) == 3 + 4 + 1
    assert sorted(ids_in(out)).count("broken") == 1
    [broken] = [r for r in records if r.get("id") == "broken"]
    assert broken["error"]["type"] == "invalid-article"
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    assert rows and {"article_id", "article_title", "quote", "kind"} <= set(rows[0])
    assert any(row["article_id"] == "csv-1" and row["article_title"] == "Sofia talks" for row in rows)
    text = report.read_text(encoding="utf-8")
    assert "| succeeded | 7 |" in text and "| failed | 1 |" in text and "invalid-article" in text
    assert "Vladimir Putin" in text  # in two articles: the text and the page


def test_a_run_killed_halfway_resumes_without_duplicates_or_gaps(
    processes: Callable[..., Process],
    tmp_path: Path,
    database_url: str,
) -> None:
    llm = processes(standin_args("--latency", "0.3"), "/stats")
    inputs = write_jsonl(tmp_path / "in.jsonl", sentences(40))
    out = tmp_path / "out.jsonl"
    env = batch_env(database_url, llm)
    command = [sys.executable, "-m", "service.cli", "batch", str(inputs), "-o", str(out), "--concurrency", "4", "-q"]
    first = subprocess.Popen(command, env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while len(read_records(out)) < 12 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    halfway = len(read_records(out))
    assert 12 <= halfway < 40

    second = batch(str(inputs), "-o", str(out), "--concurrency", "4", env=env, cwd=tmp_path)

    assert second.returncode == 0, second.stderr
    ids = ids_in(out)
    assert sorted(ids) == [f"art-{n:03d}" for n in range(40)]
    assert f"{halfway} skipped" in second.stderr


def test_a_third_of_calls_rate_limited_slows_the_run_but_every_article_succeeds(
    processes: Callable[..., Process],
    tmp_path: Path,
    database_url: str,
) -> None:
    llm = processes(standin_args("--mode", "rate_limit", "--fail-rate", "0.33", "--retry-after", "0.2"), "/stats")
    inputs = write_jsonl(tmp_path / "in.jsonl", sentences(30))
    out = tmp_path / "out.jsonl"

    run = batch(str(inputs), "-o", str(out), "--concurrency", "8", env=batch_env(database_url, llm), cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    records = read_records(out)
    assert len(records) == 30 and not [r for r in records if "error" in r]
    calls = httpx.get(llm.url + "/stats").json()["calls"]
    assert calls > 30  # the 429s were retried, not turned into failures
    assert sum(r["provenance"]["usage"]["retries"] for r in records) == calls - 30


def test_retry_failed_runs_the_failures_again_and_replaces_their_lines(
    processes: Callable[..., Process],
    tmp_path: Path,
    database_url: str,
) -> None:
    inputs = write_jsonl(tmp_path / "in.jsonl", sentences(5))
    out = tmp_path / "out.jsonl"
    down = processes(standin_args("--mode", "error"), "/stats")
    failed = batch(str(inputs), "-o", str(out), env=batch_env(database_url, down, WIREBRIEF_FALLBACK="false",
                   WIREBRIEF_MAX_ATTEMPTS="2"), cwd=tmp_path)  # fmt: skip
    assert failed.returncode == 3
    assert all(r["error"]["type"] == "llm-failed" for r in read_records(out))

    up = processes(standin_args(), "/stats")
    again = batch(str(inputs), "-o", str(out), "--retry-failed", env=batch_env(database_url, up), cwd=tmp_path)

    assert again.returncode == 0, again.stderr
    records = read_records(out)
    assert sorted(ids_in(out)) == [f"art-{n:03d}" for n in range(5)]
    assert all("error" not in r and r["provenance"]["engine"] == "llm" for r in records)


def test_a_line_torn_by_a_crash_is_dropped_on_resume(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"input_id": "a", "id": "wb_1"}\n{"input_id": "b", "id": "wb', encoding="utf-8")
    output = Output(out, retry_failed=False)
    assert output.done == {"a"} and not output.seen("b")
    assert out.read_text(encoding="utf-8") == '{"input_id": "a", "id": "wb_1"}\n'


def test_a_missing_input_is_a_clear_error_before_anything_runs(tmp_path: Path, database_url: str) -> None:
    """A mistyped path is the command's error (issue 13), not an article's: one line, exit 1, no output."""
    run = batch(
        str(tmp_path / "nothing.jsonl"), "-o", str(tmp_path / "out.jsonl"), env=batch_env(database_url), cwd=tmp_path
    )
    assert run.returncode == 1
    assert "no such file or folder" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_each_result_can_be_delivered_as_a_signed_webhook(
    receiver: Callable[..., Receiver], tmp_path: Path, database_url: str
) -> None:
    hook, record = receiver()
    inputs = write_jsonl(tmp_path / "in.jsonl", sentences(3))
    env = batch_env(database_url, WIREBRIEF_WEBHOOK_SECRET=SECRET, WIREBRIEF_ALLOWED_PRIVATE_HOSTS="127.0.0.1")

    run = batch(str(inputs), "-o", str(tmp_path / "out.jsonl"), "--webhook", hook.url, env=env, cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    deliveries = received(record)
    assert sorted(d["body"]["data"]["input_id"] for d in deliveries) == ["art-000", "art-001", "art-002"]
    assert all(d["verified"] and d["body"]["type"] == "brief.completed" for d in deliveries)
