"""`wirebrief batch --provider-batch`: the articles' first LLM calls through OpenAI's Batch API.

Each article's request is built by the real engine (so it is byte-identical to the live call),
sent in a JSONL batch, and each answer is then fed back under the same engine, so parsing,
validation, re-asks (live), grounding and assembly are exactly those of the live path. Whatever
the batch did not answer goes through the live path; the batch id is kept next to the output so
that a re-run resumes the same provider batch instead of paying for a new one.
"""

from service.batch.provider.flow import ProviderBatchOptions, provider_batch_problem, run_with_provider_batch

__all__ = ["ProviderBatchOptions", "provider_batch_problem", "run_with_provider_batch"]
