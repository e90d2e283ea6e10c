"""Batch throughput against a stand-in LLM with a set latency (prints figures only).

Generates N distinct articles, runs the batch runner in this process against the stand-in
server (its own process), and compares the wall time with the ideal N x latency / concurrency.

    .venv/bin/python bench/batch.py [--articles 1000] [--latency 0.5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.standin import standin, synthetic_article


def article(number: int) -> str:
    return synthetic_article(number, paragraphs=12)


async def run(count: int, concurrency: int, folder: Path) -> tuple[float, float]:
    from service.batch.run import run_batch

    inputs = folder / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"a{n}", "text": article(n)}) + "\n" for n in range(count)))
    started = time.perf_counter()
    tally = await run_batch([str(inputs)], folder / "out.jsonl", concurrency=concurrency, quiet=True)
    elapsed = time.perf_counter() - started
    assert tally.done == count, tally.line()
    return elapsed, time.monotonic() - tally.started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, standin("--latency", str(args.latency)) as url:
        os.environ.update(
            {
                "OPENAI_BASE_URL": url,
                "OPENAI_API_KEY": "",
                "WIREBRIEF_DATABASE_URL": f"sqlite:///{folder}/wirebrief.db",
                "WIREBRIEF_MAX_LLM_IN_FLIGHT": str(max(args.concurrency, 256)),
            }
        )
        elapsed, processing = asyncio.run(run(args.articles, args.concurrency, Path(folder)))
    ideal = args.articles * args.latency / args.concurrency
    print(f"articles {args.articles}, latency {args.latency} s, concurrency {args.concurrency}, ideal {ideal:.2f} s")
    print(f"whole command {elapsed:.2f} s ({100 * (elapsed / ideal - 1):+.1f}% over ideal, start-up included)")
    print(f"processing    {processing:.2f} s ({100 * (processing / ideal - 1):+.1f}% over ideal)")
    print(f"throughput {args.articles / processing:.1f} articles/s (ideal {args.concurrency / args.latency:.1f})")


if __name__ == "__main__":
    main()
