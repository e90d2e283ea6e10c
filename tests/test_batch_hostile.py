"""Batch inputs and runs that used to lose work (issue 11): bytes that are not UTF-8, a charset
that is not one, identical files, webhooks pending when a run was killed, formulas in the table."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from schemas import Analysis
from service.render import to_csv
from tests.support import ROOT, SECRET, Process, batch, batch_env, free_port, ids_in, received, sentences, write_jsonl

pytestmark = pytest.mark.slow  # the batch command, run as a process

Api = Callable[..., httpx.AsyncClient]


def test_one_input_that_is_not_utf8_is_one_error_line_and_the_rest_run(tmp_path: Path, database_url: str) -> None:
    good = sentences(3)
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_bytes(
        (json.dumps(good[0]) + "\n").encode()
        + b'{"id": "bad-line", "text": "caf\xe9 \xff"}\n'
        + (json.dumps(good[1]) + "\n").encode()
    )
    table = tmp_path / "feed.csv"
    table.write_bytes(
        b"id,text\r\n" + f'csv-ok,"{good[2]["text"]}"\r\n'.encode() + b'csv-bad,"Caf\xe9 agreed to meet."\r\n'
    )
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "odd.html").write_bytes(
        b'<html><head><meta charset="undefined"></head><body><article><p>'
        + b"The council agreed on Monday to rebuild the old bridge by 2026, the mayor said.</p></article></body></html>"
    )
    out = tmp_path / "out.jsonl"
    run = batch(str(jsonl), str(table), str(pages), "-o", str(out), env=batch_env(database_url), cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    records = {r.get("input_id") or r.get("id"): r for r in (json.loads(line) for line in out.read_text().splitlines())}
    assert len(records) == 6
    errors = {key: r["error"] for key, r in records.items() if "error" in r}
    assert set(errors) == {"csv-bad", next(k for k in records if k.startswith("sha256:") and "error" in records[k])}
    assert all(e["type"] == "invalid-input" and "not UTF-8" in e["detail"] for e in errors.values())
    assert records["csv-ok"]["commitments"] and records["art-000"]["commitments"]
    page = next(r for r in records.values() if "error" not in r and "bridge" in r["article"]["text"])
    assert page["commitments"]


def test_identical_files_each_get_their_line(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "week"
    (folder / "monday").mkdir(parents=True)
    text = sentences(1)[0]["text"]
    for name in ("a.txt", "b.txt", "monday/a.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    lines = tmp_path / "same.jsonl"
    lines.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = batch(str(folder), str(lines), "-o", str(out), env=batch_env(database_url), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(ids_in(out)) == len(set(ids_in(out))) == 5
    again = batch(str(folder), str(lines), "-o", str(out), env=batch_env(database_url), cwd=tmp_path)
    assert again.returncode == 0 and len(ids_in(out)) == 5  # resumed: nothing twice


def _receiver(processes: Callable[..., Process], record: Path, port: int, *flags: str) -> Process:
    args = ["-m", "tests.receiver", "--port", "{port}", "--secret", SECRET, "--record", str(record), *flags]
    return processes(args, "/healthz", port=port)


def test_webhooks_pending_when_a_batch_was_killed_are_sent_by_the_resumed_run(
    processes: Callable[..., Process],
    tmp_path: Path,
    database_url: str,
) -> None:
    port = free_port()
    record = tmp_path / "received.jsonl"
    down = _receiver(processes, record, port, "--down-first", "100000")
    inputs = write_jsonl(tmp_path / "in.jsonl", sentences(8))
    out = tmp_path / "out.jsonl"
    env = batch_env(
        database_url,
        WIREBRIEF_WEBHOOK_SECRET=SECRET,
        WIREBRIEF_ALLOWED_PRIVATE_HOSTS="127.0.0.1",
        WIREBRIEF_WEBHOOK_RETRY_SCHEDULE_S="[600]",
        PYTHONPATH=str(ROOT),
    )
    args = [sys.executable, "-m", "service.cli", "batch", str(inputs), "-o", str(out), "--webhook", down.url, "-q"]
    first = subprocess.Popen(args, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(ids_in(out)) < 8 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # every webhook tried once, refused by the receiver that is down
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert len(ids_in(out)) == 8
    assert {r["status"] for r in received(record)} <= {503}
    down.stop()

    record.unlink(missing_ok=True)
    up = _receiver(processes, record, port)
    second = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    delivered = received(record)
    assert sorted({d["body"]["data"]["input_id"] for d in delivered}) == [f"art-{n:03d}" for n in range(8)]
    assert all(d["verified"] for d in delivered)
    assert len({d["webhook_id"] for d in delivered}) == 8
    assert up.url == down.url


async def test_csv_cells_that_read_as_formulas_are_neutralised_and_the_file_is_named(api: Api) -> None:
    client = api()
    text = "The council agreed on Monday to rebuild the old bridge by 2026, the mayor said."
    response = await client.post("/v1/briefs", json={"text": text}, headers={"accept": "text/csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need to read UTF-8
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('-commitments.csv"')

    analysis = Analysis.model_validate_json((await client.post("/v1/briefs", json={"text": text})).content)
    [commitment] = analysis.commitments[:1]
    for payload in ('=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"):
        evil = commitment.model_copy(update={"action": payload})
        rows = list(
            csv.DictReader(to_csv(analysis.model_copy(update={"commitments": [evil]})).lstrip("\ufeff").splitlines())
        )
        assert rows[0]["action"] == "'" + payload
