"""Asynchronous analyses: accepted at once (202), run in the background, results delivered.

A job is persisted before the client hears of it, so a service that restarts runs it again;
its deliveries have ids derived from the job, so a re-run never sends a second, different
webhook: a receiver sees duplicates only with the same `webhook-id`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemas import Analysis, Warning
from schemas.request import BriefOptions, BriefRequest
from service.article import Article
from service.background.port import RunLater
from service.delivery import BRIEF_COMPLETED, BRIEF_FAILED
from service.errors import Overloaded, WirebriefError
from service.ingest import ingest
from service.pipeline import Pipeline
from service.store import JobRecord, SqlStore
from service.tenancy import PUBLIC_TENANT

if TYPE_CHECKING:
    from service.background.port import WorkQueue
    from service.delivery.worker import Deliveries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackReply:
    """Where a slash command's answer goes, and whether the channel sees it."""

    response_url: str
    public: bool


def new_job_id() -> str:
    return "job_" + uuid.uuid4().hex


def delivery_id(job_id: str, kind: str, url: str) -> str:
    """The same job, target and kind always give the same delivery id (the webhook-id)."""
    return "msg_" + hashlib.sha256(f"{job_id}\0{kind}\0{url}".encode()).hexdigest()[:26]


def job_tenant(job: JobRecord) -> str:
    """Whose job this is (jobs stored before tenants existed belong to the public tenant)."""
    return str(job.request.get("tenant", PUBLIC_TENANT))


def _as_user_error(error: Exception) -> WirebriefError:
    if isinstance(error, WirebriefError):
        return error
    log.error("job failed unexpectedly: %r", error, exc_info=error)
    return WirebriefError(f"unexpected error: {type(error).__name__}")


def _slack_targets(job: JobRecord) -> bool:
    """Whether the job posts to Slack (its message is built only then: a batch's jobs never do)."""
    return bool(job.request["brief"].get("slack_webhook_url") or job.request.get("slack_reply"))


def problem_of(error: WirebriefError) -> dict[str, Any]:
    return {
        "type": f"urn:wirebrief:problem:{error.type}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }


def _article_record(article: Article) -> dict[str, Any]:
    return {
        "text": article.text,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "notes": [note.model_dump() for note in article.notes],
    }


FINAL_JOB_STATES = frozenset({"done", "failed"})


class JobRunner:
    def __init__(
        self,
        pipeline: Pipeline,
        store: SqlStore,
        deliveries: Deliveries,
        *,
        public_base_url: str,
        queue: WorkQueue | None = None,
    ) -> None:
        """With a `queue`, an accepted job is handed to it (any worker of the fleet runs it, through
        `run_by_id`); without one, this process runs it at once."""
        self.pipeline = pipeline
        self.store = store
        self.deliveries = deliveries
        self.public_base_url = public_base_url.rstrip("/")
        self._queue = queue
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(
        self,
        brief: BriefRequest,
        *,
        tenant: str = PUBLIC_TENANT,
        slack_reply: SlackReply | None = None,
        article: Article | None = None,
    ) -> JobRecord:
        """Persist the job, then start it; the caller answers 202 with its id. An `article` the caller
        has ingested already (to refuse a bad one at once) is kept instead of the text it came from,
        so the job does not ingest it a second time."""
        request: dict[str, Any] = {"tenant": tenant}
        if article is None:
            request["brief"] = brief.model_dump(mode="json")
        else:
            request["brief"] = brief.model_dump(mode="json", exclude={"text", "html"})
            request["article"] = _article_record(article)
        if slack_reply is not None:
            request["slack_reply"] = {"response_url": slack_reply.response_url, "public": slack_reply.public}
        job = await self.store.create_job(new_job_id(), request)
        if self._queue is not None:
            try:
                await self._queue.job_accepted(job.id)
            except Exception:  # it is stored: the queue's sweep finds it and queues it
                log.warning("job %s is stored but not queued yet; the sweep will queue it", job.id, exc_info=True)
        else:
            self._start(job)
        return job

    async def run_by_id(self, job_id: str) -> None:
        """Run a job the queue handed over, unless it has finished (a second hand-over of one job)."""
        job = await self.store.get_job(job_id)
        if job is None:
            log.warning("job %s was queued but is not in the store (deleted by the retention?)", job_id)
            return
        if job.state not in FINAL_JOB_STATES:
            await self._run(job)

    async def resume(self, untouched_for_s: float | None = None) -> int:
        """Run again the jobs accepted but not finished by a process that stopped: every one (at a
        restart), or, with `untouched_for_s`, those nobody has updated for that long (a worker that
        died while the others live on), each taken over first so that one process re-runs it."""
        since = None if untouched_for_s is None else time.time() - untouched_for_s
        running = {task.get_name() for task in self._tasks}
        resumed = 0
        for job in await self.store.unfinished_jobs(untouched_since=since):
            if job.id in running or (since is not None and not await self.store.claim_job(job)):
                continue
            self._start(job)
            resumed += 1
        return resumed

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """For tests and the CLI: wait until every started job has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _start(self, job: JobRecord) -> None:
        task = asyncio.create_task(self._run(job), name=job.id)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: JobRecord) -> None:
        await self.store.update_job(job.id, "running")
        try:
            options = BriefOptions.model_validate(job.request["brief"].get("options", {}))
            article = await self._article(job)
            analysis = await self.pipeline.analyze(
                article, engine=options.engine, language=options.language, tenant=job_tenant(job)
            )
        except Overloaded as error:
            if self._queue is None:  # run here, at once: the job ends failed, as a request gets 503
                await self._fail(job, error)
                return
            # Every LLM slot of the fleet stayed busy (or the LLM asked everyone to wait): the queue
            # runs the job again then, rather than failing one article of a long batch.
            raise RunLater(time.time() + (error.retry_after or 1)) from error
        except Exception as error:  # a job must end in a state, whatever happened
            await self._fail(job, error)
            return
        try:
            await self._deliver_success(job, analysis)
        except Exception as error:  # a target that can never be sent to: the job ends failed, once
            await self.store.update_job(
                job.id, "failed", analysis_id=analysis.id, error=problem_of(_as_user_error(error))
            )
            return
        await self.store.update_job(job.id, "done", analysis_id=analysis.id)

    async def _article(self, job: JobRecord) -> Article:
        """The article kept with the job, or, for a URL (fetched only now), the one ingest makes."""
        kept = job.request.get("article")
        if kept is not None:
            article = Article.from_text(
                kept["text"],
                title=kept["title"],
                url=kept["url"],
                published=kept["published"],
                language=kept["language"],
            )
            return dataclasses.replace(article, notes=tuple(Warning(**n) for n in kept.get("notes", [])))
        return await ingest(BriefRequest.model_validate(job.request["brief"]), self.pipeline.settings)

    async def _fail(self, job: JobRecord, error: Exception) -> None:
        reason = _as_user_error(error)
        await self.store.update_job(job.id, "failed", error=problem_of(reason))
        try:
            await self._deliver_failure(job, reason)
        except Exception:  # nowhere to say it: the job's state says it
            log.warning("job %s failed and its failure could not be delivered either", job.id, exc_info=True)

    def result_link(self, analysis: Analysis) -> str:
        return f"{self.public_base_url}/v1/briefs/{analysis.id}"

    async def _deliver_success(self, job: JobRecord, analysis: Analysis) -> None:
        from service.delivery import slack_message

        brief = job.request["brief"]
        callback = brief.get("callback_url")
        if callback:
            data = {
                "job_id": job.id,
                "result_url": self.result_link(analysis),
                "analysis": analysis.model_dump(mode="json"),
            }
            await self.deliveries.enqueue_webhook(
                callback, BRIEF_COMPLETED, data, job_id=job.id, delivery_id=delivery_id(job.id, "webhook", callback)
            )
        if _slack_targets(job):
            await self._deliver_to_slack(
                job, slack_message(analysis, link=self.result_link(analysis) + "?format=markdown")
            )

    async def _deliver_failure(self, job: JobRecord, error: WirebriefError) -> None:
        from service.delivery import slack_error_message

        callback = job.request["brief"].get("callback_url")
        if callback:
            data = {"job_id": job.id, "error": problem_of(error), "at": datetime.datetime.now(datetime.UTC).isoformat()}
            await self.deliveries.enqueue_webhook(
                callback, BRIEF_FAILED, data, job_id=job.id, delivery_id=delivery_id(job.id, "webhook", callback)
            )
        if _slack_targets(job):
            await self._deliver_to_slack(job, slack_error_message(error.detail))

    async def _deliver_to_slack(self, job: JobRecord, message: dict[str, Any]) -> None:
        """To the channel's incoming webhook, and as the answer to a slash command."""
        channel = job.request["brief"].get("slack_webhook_url")
        if channel:
            await self.deliveries.enqueue_slack(
                channel, message, job_id=job.id, delivery_id=delivery_id(job.id, "slack", channel)
            )
        reply = job.request.get("slack_reply")
        if reply:
            answer = {**message, "response_type": "in_channel" if reply["public"] else "ephemeral"}
            url = reply["response_url"]
            await self.deliveries.enqueue_slack(
                url, answer, job_id=job.id, delivery_id=delivery_id(job.id, "slack", url)
            )
