"""Tools for the people who work on wirebrief, not part of the service: `python -m devtools.<tool>`."""
