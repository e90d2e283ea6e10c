"""The places where wirebrief replaces a library's internals, checked against what they replace
(issue 13). A new instructor or openai that moves or reshapes one fails here, naming the patch,
rather than silently running without it (templating the article text again, or a slower path)."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import openai
from instructor.v2.core import patch
from instructor.v2.validation import async_validators

from service.llm import instructor_tuning


def test_the_versions_are_the_ones_the_patches_were_checked_against() -> None:
    assert version("instructor").startswith("1.17."), (
        "instructor_tuning.py replaces instructor 1.17 internals: re-check it, then widen the pin in pyproject.toml"
    )
    assert version("openai").startswith("3.3."), (
        "_direct_create (engines/llm/engine.py) posts via openai 3.3's AsyncOpenAI.post: re-check, then widen the pin"
    )


def test_instructor_tuning_replaces_what_instructor_still_calls() -> None:
    """`install` swaps `reject_async_validators` (both places it is looked up) and `handle_templating`."""
    instructor_tuning.install()
    assert patch.reject_async_validators is instructor_tuning._check_once, "instructor_tuning: async-validator check"
    assert async_validators.reject_async_validators is instructor_tuning._check_once
    assert patch.handle_templating is instructor_tuning._no_templating, "instructor_tuning: templating switch"
    original = inspect.signature(instructor_tuning._ORIGINAL)
    assert list(original.parameters)[:1] == ["response_model"], "instructor_tuning: reject_async_validators' arguments"
    source = inspect.getsource(patch)
    assert "handle_templating(" in source, "instructor_tuning: instructor no longer calls handle_templating"
    assert "reject_async_validators(" in source, "instructor_tuning: instructor no longer calls the validator check"


def test_direct_create_uses_the_sdk_post_as_it_is() -> None:
    """`_direct_create` calls `AsyncOpenAI.post(path, cast_to=, body=, options=)`."""
    parameters = inspect.signature(openai.AsyncOpenAI.post).parameters
    for name in ("path", "cast_to", "body", "options"):
        assert name in parameters, f"engines/llm/engine.py _direct_create: AsyncOpenAI.post lost its {name!r} parameter"
