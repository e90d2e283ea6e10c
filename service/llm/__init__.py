"""The LLM path's plumbing: HTTP retries, call accounting, replay of recorded exchanges."""
