"""`wirebrief batch --queue` and `wirebrief worker` (issue 15): the articles go to the PostgreSQL queue,
workers on any machine analyse them, the command that queued them writes exactly one line per input;
a worker killed mid-way loses nothing, and a second run of the command resumes."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schemas.request import BriefRequest
from service.batch.inputs import BatchItem
from service.batch.output import read_records
from service.batch.queued import batch_job_id
from tests.support import (
    ROOT,
    Process,
    batch,
    batch_env,
    ids_in,
    queued_work,
    sentences,
    standin_args,
    wirebrief,
    write_jsonl,
)

pytestmark = pytest.mark.slow
ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


class Worker(Process):
    """A `wirebrief worker` process (it serves no HTTP), ready once it says it works off the queue."""

    def __init__(self, env: dict[str, str]) -> None:  # Process's, without a port to wait on
        self.port, self.url = 0, ""
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker"],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "working off the queue" not in self.output():
            assert self.popen.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)


@pytest.fixture
def workers() -> Iterator[Callable[[dict[str, str]], Worker]]:
    started: list[Worker] = []

    def start(env: dict[str, str]) -> Worker:
        started.append(worker := Worker(env))
        return worker

    yield start
    for worker in started:
        worker.stop()


def test_on_sqlite_the_worker_and_the_queue_say_what_they_need(tmp_path: Path) -> None:
    worker = wirebrief("worker", cwd=tmp_path)
    articles = write_jsonl(tmp_path / "in.jsonl", sentences(2))
    queued = wirebrief("batch", str(articles), "-o", str(tmp_path / "out.jsonl"), "--queue", cwd=tmp_path)

    for result in (worker, queued):
        assert result.returncode == 1
        assert "works on PostgreSQL" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


@ON_POSTGRES
def test_a_queued_batch_survives_a_killed_worker_with_one_line_per_input(
    processes: Callable[..., Process], workers: Callable[[dict[str, str]], Worker], tmp_path: Path, database_url: str
) -> None:
    llm = processes(standin_args("--latency", "1"), "/stats")
    env = batch_env(database_url, llm)
    first, second = workers(env), workers(env)
    rows = sentences(60)
    articles = write_jsonl(tmp_path / "in.jsonl", rows)
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "service.cli", "batch", str(articles), "-o", str(output), "--queue", "--quiet"]
    queued = subprocess.Popen(command, env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path, stderr=subprocess.PIPE)

    deadline = time.monotonic() + 60
    while len(read_records(output)) < 10:  # under way: some lines written, most articles still in the queue
        assert time.monotonic() < deadline and queued.poll() is None
        time.sleep(0.05)
    first.popen.kill()  # kill -9: the articles it was analysing go back to the queue once its heartbeat stops
    first.popen.wait()
    _, stderr = queued.communicate(timeout=120)

    assert queued.returncode == 0, stderr.decode()
    written = ids_in(output)
    assert sorted(written) == sorted(row["id"] for row in rows)  # exactly one line per input
    assert all("error" not in r and r["provenance"]["engine"] == "llm" for r in read_records(output))
    assert second.popen.poll() is None

    again = batch(str(articles), "-o", str(output), "--queue", env=env, cwd=tmp_path)  # resumes: nothing to do
    assert again.returncode == 0, again.stderr
    assert ids_in(output) == written
    # The killed worker's jobs may still read "doing" (it stored their results, then died): the
    # sweep takes them back once its heartbeat is 10 s old, and they run again.
    deadline = time.monotonic() + 60
    while (left := queued_work(database_url)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert left == []


@ON_POSTGRES
def test_a_stopped_queued_batch_collects_on_its_next_run_what_the_workers_finished(
    processes: Callable[..., Process], workers: Callable[[dict[str, str]], Worker], tmp_path: Path, database_url: str
) -> None:
    llm = processes(standin_args("--latency", "0.2"), "/stats")
    env = batch_env(database_url, llm)
    articles = write_jsonl(tmp_path / "in.jsonl", sentences(12))
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "service.cli", "batch", str(articles), "-o", str(output), "--queue", "--quiet"]
    queued = subprocess.Popen(command, env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path, stderr=subprocess.PIPE)
    time.sleep(3)  # queued, with no worker to analyse them
    queued.send_signal(2)
    _, stderr = queued.communicate(timeout=60)
    assert queued.returncode == 130, stderr.decode()
    assert read_records(output) == []

    workers(env)  # a worker starts while no command waits: it works the queue off all the same
    time.sleep(1)
    again = batch(str(articles), "-o", str(output), "--queue", env=env, cwd=tmp_path)

    assert again.returncode == 0, again.stderr
    assert sorted(ids_in(output)) == sorted(f"art-{n:03d}" for n in range(12))


def test_a_queued_article_is_known_by_its_output_its_id_and_its_text() -> None:
    """A second run of one command finds its jobs; another article filed under the same output path
    and id (another machine, another user on the same database) never gets the first one's result."""

    def item(text: str) -> BatchItem:
        return BatchItem(id="art-001", source="in.jsonl:1", request=BriefRequest(text=text))

    first = batch_job_id("/data/out.jsonl", item("Chile agreed to send envoys."))
    assert batch_job_id("/data/out.jsonl", item("Chile agreed to send envoys.")) == first
    assert batch_job_id("/data/out.jsonl", item("Peru refused to sign the treaty.")) != first
    assert batch_job_id("/other/out.jsonl", item("Chile agreed to send envoys.")) != first
