"""Prometheus metrics: what an operator watches (requests, LLM spend, grounding, deliveries)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from schemas import Analysis

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
LLM_IN_FLIGHT = Gauge("wirebrief_llm_in_flight", "Articles being analysed by the LLM now", registry=REGISTRY)
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
