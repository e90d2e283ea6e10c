"""Fixes to instructor's per-call behaviour, kept in one place.

instructor 1.17 walks the whole response model (every base class's attributes) on every call to
reject asynchronous validators: about 4.6 ms of CPU per article on the 2-core build machine,
as much as the rest of the service's own work. Our response models are fixed classes, so the
check runs once per model; a model that fails it still fails, every time.
"""

from __future__ import annotations

from typing import Any

from instructor.v2.core import patch
from instructor.v2.validation import async_validators

_checked: set[Any] = set()


def _check_once(response_model: Any) -> None:
    try:
        if response_model in _checked:
            return
    except TypeError:  # unhashable: check it every time, as instructor does
        _ORIGINAL(response_model)
        return
    _ORIGINAL(response_model)
    _checked.add(response_model)


_ORIGINAL = async_validators.reject_async_validators


def _no_templating(kwargs: dict[str, Any], *args: Any, **keywords: Any) -> dict[str, Any]:
    """instructor renders every message as a Jinja2 template whenever `context` is passed, and
    `context` is how the engine gives the validator the article text. The article sits in the user
    message, so its own text was run as a template: `{{ 7*7 }}` reached the model as `49`,
    `{# ... #}` vanished, an unbalanced `{{` (wiki markup) raised TemplateSyntaxError (a 500), and
    two nested `{% for %}` loops held the event loop for minutes (no deadline can interrupt that).
    Our prompts are rendered by `service.prompts`; messages go to the provider as written."""
    return kwargs


def install() -> None:
    """Idempotent: swap the check in the two places instructor looks it up, and turn templating off."""
    async_validators.reject_async_validators = _check_once
    patch.reject_async_validators = _check_once
    patch.handle_templating = _no_templating
