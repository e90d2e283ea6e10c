"""The README is the user's manual: it must list every setting the service reads."""

from __future__ import annotations

from service.config import Settings
from tests.support import ROOT


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        aliases = field.validation_alias.choices if field.validation_alias else []  # type: ignore[union-attr]
        names = [a for a in aliases if isinstance(a, str)] or [f"WIREBRIEF_{name.upper()}"]
        assert any(f"`{n}`" in readme for n in names), f"README does not document {names[0]}"
