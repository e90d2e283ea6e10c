"""What a person watching a batch sees: a rich progress bar on a terminal, else a log line per 100."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn


@dataclass
class Tally:
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    failures: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.done + self.failed

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.finished / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        left = self.total - self.skipped - self.finished
        eta = f", ETA {left / self.rate():.0f}s" if left and self.rate() else ""
        return (
            f"{self.done} done, {self.failed} failed, {self.skipped} skipped (already in the output); "
            f"{self.rate():.1f}/s{eta}; tokens {self.input_tokens}+{self.output_tokens}; ${self.cost_usd:.4f}"
        )


class Reporter:
    """Progress on stderr; quiet when asked."""

    def __init__(self, tally: Tally, *, quiet: bool = False) -> None:
        self.tally = tally
        self.quiet = quiet
        self.interactive = sys.stderr.isatty() and not quiet
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Reporter:
        if self.interactive:
            self._progress = Progress(
                TextColumn("[bold]wirebrief batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._progress.start()
            self._task = self._progress.add_task("batch", total=self.tally.total - self.tally.skipped, stats="")
        return self

    def update(self) -> None:
        tally = self.tally
        if self._progress is not None and self._task is not None:
            tokens = tally.input_tokens + tally.output_tokens
            stats = f"failed {tally.failed} · {tally.rate():.1f}/s · {tokens} tok · ${tally.cost_usd:.4f}"
            self._progress.update(self._task, total=tally.total - tally.skipped, completed=tally.finished, stats=stats)
        elif not self.quiet and tally.finished and tally.finished % 100 == 0:
            print(f"wirebrief batch: {tally.line()}", file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
