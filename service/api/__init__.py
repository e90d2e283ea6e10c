"""HTTP API: thin routes over the pipeline."""
