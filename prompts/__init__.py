"""The LLM's prompts, shipped as package data: each folder holds `system.md` and `user.md` (see README.md)."""
