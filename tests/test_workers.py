"""Several processes on one database. On SQLite (one machine) the holder of a file lock sends the
deliveries and resumes jobs; on PostgreSQL procrastinate's queue hands work to every process, and its
sweep requeues what a process stored and died before queueing. `wirebrief serve --workers 2` shares one
port, one store and one metrics page."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import sqlalchemy
import sqlalchemy.exc
from procrastinate.exceptions import ConnectorException
from procrastinate.manager import JobManager

from devtools.cassettes import fixture_settings
from schemas.request import BriefRequest
from service.background import queue as queue_module
from service.background.one_machine import OneMachineDuties, lock_path_for
from service.background.queue import JobQueue, QueueWorker
from service.delivery import Deliveries
from service.engines.rules.engine import RulesEngine
from service.errors import Overloaded
from service.ingest import article_from_text
from service.jobs import JobRunner
from service.pipeline import Pipeline
from service.store import JobRecord, SqlStore
from tests.support import (
    DATA,
    SERVE,
    Process,
    Receiver,
    article_text,
    eventually,
    received,
    service_env,
    standin_args,
)
from tests.support import delivery_settings as settings

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]  # worker processes that take seconds
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
async def duties(
    store: SqlStore, rules_engine: RulesEngine
) -> AsyncIterator[Callable[..., Awaitable[OneMachineDuties]]]:
    """`duties()` -> started `OneMachineDuties` as one more process on the test's SQLite store would have them."""
    made: list[OneMachineDuties] = []

    async def make(retention_s: float | None = None) -> OneMachineDuties:
        deliveries = Deliveries(store, settings())
        pipeline = Pipeline(fixture_settings(engine="rules"), [rules_engine], store=store)
        runner = JobRunner(pipeline, store, deliveries, public_base_url="https://wirebrief.example")
        duty = OneMachineDuties(
            store,
            deliveries,
            runner,
            lock_path=lock_path_for(store.url),
            stale_job_s=1.0,
            retention_s=retention_s,
            check_every_s=0.2,
        )
        made.append(duty)
        await duty.start()
        return duty

    yield make
    for duty in made:
        await duty.stop()


@ON_SQLITE
async def test_one_process_sends_every_delivery_and_another_takes_over_when_it_stops(
    duties: Callable[..., Awaitable[OneMachineDuties]], receiver: Callable[..., Receiver]
) -> None:
    hook, record = receiver()
    first, second = await duties(), await duties()
    assert (first.holding, second.holding) == (True, False)

    # Accepted by the process that does not send: the holder finds it in the store and sends it, once.
    sent_by_first = await second.deliveries.enqueue_webhook(hook.url, "brief.completed", DATA)
    await eventually(lambda: len(received(record)) == 1)

    await first.stop()  # its lock is released: the other process takes the duties over
    await eventually(lambda: second.holding)  # it looks every 3 s; a loaded machine takes longer
    sent_by_second = await first.deliveries.enqueue_webhook(hook.url, "brief.completed", DATA)
    await eventually(lambda: len(received(record)) == 2)
    await asyncio.sleep(1.5)  # a second sender, had there been one, would have sent by now

    assert [line["webhook_id"] for line in received(record)] == [sent_by_first, sent_by_second]


@ON_SQLITE
async def test_the_duties_pass_on_when_their_holder_is_killed(
    duties: Callable[..., Awaitable[OneMachineDuties]], store: SqlStore
) -> None:
    lock = lock_path_for(store.url)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl,os,time; fd=os.open({str(lock)!r}, os.O_RDWR|os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        waiting = await duties()
        await asyncio.sleep(0.5)
        assert not waiting.holding  # another process of this machine has them
        holder.kill()  # kill -9: nothing released by hand; the kernel drops the lock with the process
        holder.wait()
        await eventually(lambda: waiting.holding, timeout_s=5)
    finally:
        holder.kill()
        holder.wait()


@ON_SQLITE
async def test_a_job_left_unfinished_by_a_worker_that_died_is_run_again_by_the_holder(
    duties: Callable[..., Awaitable[OneMachineDuties]], store: SqlStore
) -> None:
    holder = await duties()  # holds the duties from here on (the jobs unfinished at its start are resumed then)
    assert holder.holding
    request = {"brief": BriefRequest(text=article_text("idlib")).model_dump(mode="json")}
    orphan = await store.create_job("job_orphan", request)
    await store.update_job(orphan.id, "running")  # ...and then the worker running it died
    await asyncio.sleep(0.4)
    untouched = await store.get_job(orphan.id)
    assert untouched is not None and untouched.state == "running"  # not yet: it may still be running elsewhere

    await _done(store, orphan.id)


async def _done(store: SqlStore, job_id: str, timeout_s: float = 20) -> JobRecord:
    deadline = time.monotonic() + timeout_s
    while (job := await store.get_job(job_id)) is not None and job.state != "done":
        assert time.monotonic() < deadline and job.state != "failed", job
        await asyncio.sleep(0.1)
    assert job is not None and job.analysis_id and await store.get_analysis(job.analysis_id) is not None
    return job


@ON_SQLITE
async def test_a_store_failure_pauses_the_duties_without_ending_them(
    duties: Callable[..., Awaitable[OneMachineDuties]], store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = {"brief": BriefRequest(text=article_text("idlib")).model_dump(mode="json")}
    left = await store.create_job("job_left", request)  # unfinished when the service starts
    real = store.unfinished_jobs
    failures = iter([OSError("database is locked")])

    async def flaky(untouched_since: float | None = None, limit: int | None = None) -> list[JobRecord]:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return await real(untouched_since, limit)

    monkeypatch.setattr(store, "unfinished_jobs", flaky)
    holder = await duties()  # taking the duties, it cannot list the unfinished jobs this once

    await _done(store, left.id)
    assert holder.holding and holder._task is not None and not holder._task.done()


@ON_SQLITE
async def test_the_holder_deletes_what_is_past_the_retention(
    duties: Callable[..., Awaitable[OneMachineDuties]], store: SqlStore, rules_engine: RulesEngine
) -> None:
    pipeline = Pipeline(fixture_settings(engine="rules"), [rules_engine], store=store)
    old = await pipeline.analyze(article_from_text(article_text("idlib"), max_chars=200_000))
    await asyncio.sleep(0.2)

    holder = await duties(retention_s=0.1)

    assert holder.holding
    assert await store.get_analysis(old.id) is None  # taking the duties, the holder pruned at once


@pytest.fixture
async def queue_worker(
    store: SqlStore, rules_engine: RulesEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., Awaitable[JobRunner]]]:
    """`queue_worker()` -> starts a worker of the PostgreSQL queue, as `wirebrief worker` runs one, and
    returns its process's job runner; what was stored half a second ago and never queued counts as
    orphaned (30 s in service)."""
    monkeypatch.setattr(queue_module, "ORPHAN_S", 0.5)
    made: list[tuple[JobQueue, QueueWorker]] = []

    async def make(retention_s: float | None = None) -> JobRunner:
        queue = JobQueue(store.url)
        await queue.open()
        deliveries = Deliveries(store, settings(), queue=queue)
        pipeline = Pipeline(fixture_settings(engine="rules"), [rules_engine], store=store)
        runner = JobRunner(pipeline, store, deliveries, public_base_url="https://wirebrief.example", queue=queue)
        worker = QueueWorker(queue, store, runner, deliveries, job_concurrency=8, retention_s=retention_s)
        made.append((queue, worker))
        await worker.start()
        return runner

    yield make
    for queue, worker in made:
        await worker.stop()
        await queue.close()


@ON_POSTGRES
async def test_a_job_stored_by_a_process_that_died_before_queueing_it_is_run_by_the_sweep(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore
) -> None:
    request = {"brief": BriefRequest(text=article_text("idlib")).model_dump(mode="json")}
    orphan = await store.create_job("job_orphan", request)  # ...and the process died before queueing it
    await queue_worker()

    await _done(store, orphan.id, timeout_s=30)  # the sweep runs every 5 seconds


@ON_POSTGRES
async def test_a_delivery_stored_by_a_process_that_died_before_queueing_it_is_sent_by_the_sweep(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    hook, record = receiver()
    died = Deliveries(store, settings())  # no queue: it stores, and nothing hands the delivery over
    orphan = await died.enqueue_webhook(hook.url, "brief.completed", DATA)
    await queue_worker()

    await eventually(lambda: len(received(record)) == 1, timeout_s=30)
    await asyncio.sleep(1.5)  # a second attempt, had the delivery been queued twice, would be here by now
    assert [line["webhook_id"] for line in received(record)] == [orphan]
    settled = await store.get_delivery(orphan)
    assert settled is not None and settled.state == "delivered"


@ON_POSTGRES
async def test_the_queue_applies_the_retention(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore, rules_engine: RulesEngine
) -> None:
    pipeline = Pipeline(fixture_settings(engine="rules"), [rules_engine], store=store)
    old = await pipeline.analyze(article_from_text(article_text("idlib"), max_chars=200_000))
    await asyncio.sleep(0.2)
    await queue_worker(retention_s=0.1)

    async def pruned() -> bool:
        return await store.get_analysis(old.id) is None

    deadline = time.monotonic() + 20
    while not await pruned():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)


async def test_a_command_line_run_sends_only_what_it_enqueued(
    store: SqlStore, receiver: Callable[..., Receiver]
) -> None:
    hook, record = receiver()
    service = Deliveries(store, settings())  # a service on the same database, not sending now
    theirs = await service.enqueue_webhook(hook.url, "brief.completed", DATA)
    cli = Deliveries(store, settings(), own_only=True)
    await cli.start()
    try:
        mine = await cli.enqueue_webhook(hook.url, "brief.completed", DATA)
        [result] = await cli.drain([mine], timeout_s=10)
        await asyncio.sleep(1.5)  # a loop that sent everything would have sent theirs too by now
    finally:
        await cli.stop()

    assert result.state == "delivered"
    assert [line["webhook_id"] for line in received(record)] == [mine]
    pending = await store.get_delivery(theirs)
    assert pending is not None and pending.state == "pending"


def metric(page: str, name: str, **labels: str) -> float:
    selector = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    found = re.search(rf"^{name}{{{re.escape(selector)}}} (\S+)$", page, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def test_two_workers_share_the_port_the_store_and_the_metrics(
    processes: Callable[..., Process],
    receiver: Callable[..., Receiver],
    tmp_path: Path,
    database_url: str,
) -> None:
    llm = processes(standin_args("--latency", "0.3"), "/stats")
    hook, record = receiver()
    service = processes([*SERVE, "--workers", "2"], "/readyz", env=service_env(llm, database_url))

    def post(number: int) -> httpx.Response:  # a connection each: the kernel hands them to either worker
        text = f"Talks, round {number}.\nOfficials said on day {number} that Chile agreed to send envoys next week."
        return httpx.post(service.url + "/v1/briefs", json={"text": text}, timeout=30)

    answers = await asyncio.gather(*(asyncio.to_thread(post, n) for n in range(16)))
    job = httpx.post(service.url + "/v1/briefs", json={"text": article_text("idlib"), "callback_url": hook.url})
    assert [a.status_code for a in answers] == [200] * 16 and job.status_code == 202
    deadline = time.monotonic() + 30
    while not received(record) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)  # time for a duplicate, had two workers sent it

    page = httpx.get(service.url + "/metrics").text
    assert metric(page, "wirebrief_http_requests_total", method="POST", route="/v1/briefs", status="200") == 16
    assert metric(page, "wirebrief_http_requests_total", method="POST", route="/v1/briefs", status="202") == 1
    assert len(received(record)) == 1 and received(record)[0]["verified"]
    status = httpx.get(service.url + job.json()["status_url"]).json()
    assert status["state"] == "done"
    # Every analysis is in the one store, whichever worker made it.
    for answer in answers:
        assert httpx.get(service.url + f"/v1/briefs/{answer.json()['id']}").status_code == 200


@ON_POSTGRES
async def test_a_queued_job_that_finds_every_llm_slot_busy_runs_again_later_rather_than_failing(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One article of a long batch must not fail because the fleet was busy for a moment."""
    real = Pipeline.analyze
    tries = 0

    async def busy_once(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
        nonlocal tries
        tries += 1
        if tries == 1:
            raise Overloaded("all 4 LLM slots are busy; retry shortly", retry_after=1)
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "analyze", busy_once)
    runner = await queue_worker()
    job = await runner.submit(BriefRequest(text=article_text("idlib")))

    await _done(store, job.id, timeout_s=30)
    assert tries == 2


@ON_POSTGRES
async def test_the_queue_takes_work_again_after_the_database_dropped_every_connection(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore, database_url: str
) -> None:
    """A database restart or failover cuts every connection (the workers' listeners, their pools,
    the store's): the next job is still run, without restarting the process."""
    runner = await queue_worker()
    before = await runner.submit(BriefRequest(text=article_text("idlib")))
    await _done(store, before.id, timeout_s=30)

    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as connection:  # what a restart does to every client of this database
        cut = connection.execute(
            sqlalchemy.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()
    assert cut >= 3  # at least the two listeners and a pooled connection

    after = await _submit_until_accepted(runner, BriefRequest(text=article_text("hackers")))
    await _done(store, after.id, timeout_s=60)


async def _submit_until_accepted(runner: JobRunner, brief: BriefRequest) -> JobRecord:
    """The first statement on a connection the server cut fails once (the pool then drops it)."""
    for _ in range(5):
        try:
            return await runner.submit(brief)
        except sqlalchemy.exc.OperationalError:
            await asyncio.sleep(0.5)
    return await runner.submit(brief)


@ON_POSTGRES
async def test_a_queue_worker_that_stops_on_its_own_is_started_again(
    queue_worker: Callable[..., Awaitable[JobRunner]], store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """procrastinate stops a worker whose heartbeat cannot be written (the database away for longer
    than a few seconds); once the database answers again, the process must take work again."""
    real = JobManager.update_heartbeat
    failed: set[int] = set()  # the workers whose first heartbeat failed: both of this process's

    async def unreachable_once(self: JobManager, worker_id: int) -> None:
        if worker_id not in failed and len(failed) < 2:
            failed.add(worker_id)
            raise ConnectorException("the database is away")
        await real(self, worker_id)

    monkeypatch.setattr(JobManager, "update_heartbeat", unreachable_once)
    runner = await queue_worker()
    await eventually(lambda: len(failed) == 2, timeout_s=20)  # both workers have stopped
    await asyncio.sleep(1)
    jobs = [await runner.submit(BriefRequest(text=article_text(name))) for name in ("idlib", "hackers")]
    for job in jobs:
        await _done(store, job.id, timeout_s=40)


class _Unstoppable:
    """A procrastinate worker as it behaves with its database gone: a cancellation is taken for
    "stop", and it returns (or fails to reach the database) instead of ending the task."""

    def __init__(self) -> None:
        self.runs = self.swallowed = 0

    async def run_worker_async(self, **_: Any) -> None:
        self.runs += 1
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            if self.swallowed == 2:  # the test's own cleanup, had the stop failed: end for real
                raise
            self.swallowed += 1


class _FakeQueue:
    def __init__(self) -> None:
        self.app = _Unstoppable()

    def attach(self, work: Any) -> None:
        pass


class _FakeDeliveries:
    async def stop(self) -> None:
        pass


async def test_stopping_the_queue_workers_ends_though_procrastinate_swallows_the_cancellation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database gone at shutdown: each procrastinate worker takes its cancellation for a stop and
    returns; the loop that starts it again must not, or the process waits on it for ever."""
    monkeypatch.setattr(queue_module, "RESTART_S", 0.05)
    fake = _FakeQueue()
    worker = QueueWorker(fake, cast(Any, None), cast(Any, None), cast(Any, _FakeDeliveries()), job_concurrency=1)
    await worker.start()
    await asyncio.sleep(0.1)

    stopping = asyncio.create_task(worker.stop())
    done, _ = await asyncio.wait({stopping}, timeout=30)
    assert stopping in done, "stop() never returned: the workers were started again"
    await asyncio.sleep(0.3)
    assert fake.app.runs == 2  # one worker per queue, and none started again after the stop
