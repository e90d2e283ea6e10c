"""Prometheus metrics: what an operator watches (requests, LLM spend, grounding, deliveries).

With several worker processes (`wirebrief serve --workers N`), the command sets
PROMETHEUS_MULTIPROC_DIR before the workers start: each writes its values there, and `/metrics`,
whichever worker answers, adds up all of them (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as _multiprocess

from schemas import Analysis

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("wirebrief_http_requests_total", "HTTP requests", ["route", "method", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram(
    "wirebrief_http_request_seconds",
    "HTTP request latency",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
ANALYSES = Counter("wirebrief_analyses_total", "Analyses produced", ["engine", "degraded"], registry=REGISTRY)
CACHE_HITS = Counter("wirebrief_cache_hits_total", "Analyses served from the store", registry=REGISTRY)
LLM_CALLS = Counter("wirebrief_llm_calls_total", "HTTP calls to the LLM provider", registry=REGISTRY)
LLM_RETRIES = Counter("wirebrief_llm_retries_total", "LLM calls retried (429, 5xx, timeouts)", registry=REGISTRY)
LLM_REASKS = Counter("wirebrief_llm_reasks_total", "Re-asks after a failed validation", registry=REGISTRY)
LLM_TOKENS = Counter("wirebrief_llm_tokens_total", "Tokens billed by the provider", ["direction"], registry=REGISTRY)
LLM_COST = Counter("wirebrief_llm_cost_usd_total", "Estimated LLM spend in US dollars", registry=REGISTRY)
LLM_IN_FLIGHT = Gauge(
    "wirebrief_llm_in_flight",
    "Articles being analysed by the LLM now",
    registry=REGISTRY,
    multiprocess_mode="livesum",  # the live workers' sum
)
WARNINGS = Counter("wirebrief_warnings_total", "Warnings attached to results", ["code"], registry=REGISTRY)
FALLBACKS = Counter("wirebrief_fallbacks_total", "LLM failures answered by the rules engine", registry=REGISTRY)
DELIVERIES = Counter("wirebrief_deliveries_total", "Delivery attempts", ["kind", "outcome"], registry=REGISTRY)
OVERLOADED = Counter(
    "wirebrief_overloaded_total", "Requests refused because the LLM slots were full", registry=REGISTRY
)


def record_analysis(analysis: Analysis) -> None:
    """Count one freshly produced analysis (not a cache hit)."""
    provenance = analysis.provenance
    ANALYSES.labels(provenance.engine, str(provenance.degraded).lower()).inc()
    usage = provenance.usage
    if usage.llm_calls:
        LLM_CALLS.inc(usage.llm_calls)
        LLM_RETRIES.inc(usage.retries)
        LLM_REASKS.inc(usage.reasks)
        LLM_TOKENS.labels("input").inc(usage.input_tokens)
        LLM_TOKENS.labels("output").inc(usage.output_tokens)
    if provenance.cost_usd:
        LLM_COST.inc(provenance.cost_usd)
    for warning in analysis.warnings:
        WARNINGS.labels(warning.code).inc()
        if warning.code == "fallback_engine":
            FALLBACKS.inc()


def exposition() -> tuple[bytes, str]:
    """The metrics page and its media type: this process's metrics, or every worker's."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def forget_this_worker() -> None:
    """A worker that stops takes its live gauges with it (multiprocess mode only)."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        _multiprocess.mark_process_dead(os.getpid())
