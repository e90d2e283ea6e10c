"""`GET /v1/jobs/{id}`: the state of an asynchronous analysis and every delivery attempt."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from schemas.jobs import DeliveryAttempt, DeliveryStatus, JobStatus
from service.api.deps import Jobs, Tenant, api_access
from service.api.problems import PROBLEM_MEDIA_TYPE, Problem
from service.jobs import job_tenant
from service.tenancy import redact_url

router = APIRouter(prefix="/v1", tags=["jobs"], dependencies=[Depends(api_access)])
_problem = {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}


@router.get("/jobs/{job_id}", response_model=JobStatus, responses={401: _problem, 404: _problem, 429: _problem})
async def get_job(job_id: str, tenant: Tenant, jobs: Jobs) -> JobStatus:
    if jobs is None:
        raise HTTPException(404, "this service keeps no jobs (no store)")
    job = await jobs.store.get_job(job_id)
    if job is None or job_tenant(job) != tenant:  # another key's job is as unknown as a job never made
        raise HTTPException(404, f"no job with id {job_id!r}")
    deliveries = await jobs.store.job_deliveries(job_id)
    return JobStatus(
        id=job.id,
        state=job.state,  # type: ignore[arg-type]  # the store only writes JobState values
        created_at=job.created_at,
        updated_at=job.updated_at,
        analysis_id=job.analysis_id,
        result_url=f"/v1/briefs/{job.analysis_id}" if job.analysis_id else None,
        error=job.error,
        deliveries=[
            DeliveryStatus(
                id=d.id,
                kind=d.kind,
                url=redact_url(d.url),
                state=d.state,
                attempts=[DeliveryAttempt(**attempt) for attempt in d.history],
                next_attempt_at=d.next_attempt_at if d.state == "pending" else None,
            )
            for d in deliveries
        ],
    )
