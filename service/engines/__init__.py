"""Engines turn an `Article` into a `Draft` (brief, actors, commitments with quotes).

`base.Engine` is what each one is to the pipeline; `registry.ENGINES` lists them in order of
preference; `llm/` and `rules/` are the two that ship."""
