"""The `wirebrief` command as a person uses it: readable output, one-line errors, no tracebacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import FIXTURES, Receiver, received, wirebrief

pytestmark = pytest.mark.slow  # the wirebrief command, run as a process


def test_summarize_prints_a_markdown_brief(tmp_path: Path) -> None:
    run = wirebrief("summarize", str(FIXTURES / "articles" / "idlib.txt"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Erdoğan, Putin agree to meet soon")
    assert "## Commitments" in run.stdout and "Vladimir Putin" in run.stdout


def test_summarize_reads_stdin_and_html_and_prints_json(tmp_path: Path) -> None:
    from_stdin = wirebrief("summarize", "-", "--json", cwd=tmp_path, stdin="Hungary refused to sign the treaty.")
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout)["commitments"][0]["kind"] == "refusal"

    page = wirebrief("summarize", str(FIXTURES / "articles" / "idlib.html"), "--json", cwd=tmp_path)
    assert json.loads(page.stdout)["article"]["published"] == "2020-02-28"


def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x01")
    (tmp_path / "empty.txt").write_text("   \n")
    for args in (["summarize", "missing.txt"], ["summarize", "binary.txt"], ["summarize", "empty.txt"],
                 ["summarize", "http://127.0.0.1:9/page"]):  # fmt: skip
        run = wirebrief(*args, cwd=tmp_path)
        assert run.returncode != 0, args
        assert run.stderr.startswith("wirebrief: error: ") and run.stderr.count("\n") == 1, run.stderr
        assert "Traceback" not in run.stderr


def test_summarize_posts_to_slack_through_the_delivery_code(receiver: Callable[..., Receiver], tmp_path: Path) -> None:
    slack, record = receiver("--slack")
    run = wirebrief(
        "summarize",
        str(FIXTURES / "articles" / "idlib.txt"),
        "--slack",
        slack.url + "/services/T/B/X",
        cwd=tmp_path,
        WIREBRIEF_ALLOWED_PRIVATE_HOSTS="127.0.0.1",
    )
    assert run.returncode == 0, run.stderr
    [message] = received(record)
    assert message["body"]["blocks"][0]["type"] == "header"
    assert "Erdoğan" in message["body"]["text"]


def test_a_bad_setting_is_one_line_that_never_shows_its_value(tmp_path: Path) -> None:
    run = wirebrief(
        "summarize",
        "-",
        cwd=tmp_path,
        stdin="Text.",
        WIREBRIEF_WEBHOOK_SECRET="s3cret-value",
        WIREBRIEF_DEADLINE_S="-3",
    )
    assert run.returncode == 1
    assert run.stderr.startswith("wirebrief: error: invalid settings: ") and run.stderr.count("\n") == 1
    assert "WIREBRIEF_DEADLINE_S" in run.stderr and "WIREBRIEF_WEBHOOK_SECRET" in run.stderr
    assert "s3cret-value" not in run.stderr
