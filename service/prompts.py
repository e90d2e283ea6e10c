"""Prompt files: `prompts/<name>/system.md` and `user.md`, versioned and hashed.

Editors change the Markdown; code only fills the `{placeholders}` of `user.md`. The identity
`name@version#hash` goes into every result's provenance, and a changed file changes the hash,
which is what makes recorded LLM exchanges fail loudly instead of replaying stale answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

# `prompts/` beside `service/` in a checkout, inside the installed package in a wheel: one way to read both.
PROMPTS_DIR: Traversable = files("prompts")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user_template: str
    digest: str

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}#{self.digest}"

    def render_user(self, **values: str) -> str:
        return self.user_template.format_map(values)


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    header, _, body = text[4:].partition("\n---\n")
    meta = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta, body.lstrip("\n")


@cache
def load_prompt(name: str, directory: Traversable = PROMPTS_DIR) -> Prompt:
    """Read a prompt folder once per process."""
    folder = directory / name
    system_raw = (folder / "system.md").read_text(encoding="utf-8")
    user_raw = (folder / "user.md").read_text(encoding="utf-8")
    meta, system = _split_front_matter(system_raw)
    digest = hashlib.sha256((system_raw + "\0" + user_raw).encode("utf-8")).hexdigest()[:12]
    return Prompt(meta.get("name", name), meta.get("version", "0"), system.strip(), user_raw, digest)
