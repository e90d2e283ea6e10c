"""The provider batches a run has paid for, kept next to the output until their results are in.

A run that stops (crash, Ctrl-C, a closed laptop) after creating a batch finds it here on the
next run and resumes polling it, instead of uploading the same requests and paying twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


def state_path(output: Path) -> Path:
    return output.with_name(output.name + ".provider-batch.json")


@dataclass
class SubmittedBatch:
    id: str
    input_file_id: str
    custom_ids: list[str]
    created: str  # ISO time, for people reading the file


@dataclass
class BatchState:
    path: Path
    batches: list[SubmittedBatch] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> BatchState:
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, [SubmittedBatch(**batch) for batch in data.get("batches", [])])

    def covered(self) -> set[str]:
        return {cid for batch in self.batches for cid in batch.custom_ids}

    def add(self, batch: SubmittedBatch) -> None:
        self.batches.append(batch)
        self.save()

    def drop(self, batch_id: str) -> None:
        """Forget a batch whose results are all in the output; the file goes with the last one."""
        self.batches = [b for b in self.batches if b.id != batch_id]
        if self.batches:
            self.save()
        else:
            self.path.unlink(missing_ok=True)

    def save(self) -> None:
        """Atomically: a crash mid-write must not lose the id of a batch already paid for."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        data = {"batches": [asdict(batch) for batch in self.batches]}
        with temporary.open("w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, self.path)
