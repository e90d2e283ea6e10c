"""Engines turn an `Article` into a `Draft` (brief, actors, commitments with quotes)."""
