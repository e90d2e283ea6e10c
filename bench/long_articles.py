"""Long articles: chunks, LLM calls, tokens, cost and time for 1k, 5k and 20k words (figures only).

The articles are the project's fixture articles one after another. The LLM path runs against the
stand-in server (its own process) with a set latency per call; the rules path runs in this process.

    .venv/bin/python bench/long_articles.py [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.standin import standin
from schemas import Analysis

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
SOURCES = ["idlib", "defector", "hackers", "homeopathic", "sensitive"]


def text_of(words: int) -> str:
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append((FIXTURES / f"{SOURCES[len(parts) % len(SOURCES)]}.txt").read_text(encoding="utf-8"))
    joined = "\n\n".join(parts)
    return " ".join(joined.split(" ")[:words]) if len(joined.split()) > words * 1.2 else joined


async def measure(engine: str, text: str) -> tuple[float, Analysis]:
    from service.config import Settings
    from service.ingest import article_from_text
    from service.pipeline import Pipeline

    settings = Settings()
    pipeline = await Pipeline.from_settings(settings, with_store=False)
    try:
        article = article_from_text(text, max_chars=settings.max_article_chars)
        started = time.perf_counter()
        analysis = await pipeline.analyze(article, engine=engine)
        return time.perf_counter() - started, analysis
    finally:
        await pipeline.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, standin("--latency", str(args.latency)) as url:
        os.environ.update(
            {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "", "WIREBRIEF_DATABASE_URL": f"sqlite:///{folder}/w.db"}
        )
        print(f"stand-in LLM latency {args.latency} s per call; cost at the gpt-4.1-mini price table")
        columns = [("words", 6), ("engine", 6), ("chunks", 6), ("calls", 5), ("in tok", 7), ("out tok", 7)]
        columns += [("cost $", 8), ("time s", 7), ("actors", 6), ("commits", 7)]
        print(" ".join(f"{name:>{width}}" for name, width in columns))
        for words in (1_000, 5_000, 20_000):
            text = text_of(words)
            for engine in ("llm", "rules"):
                elapsed, analysis = asyncio.run(measure(engine, text))
                p = analysis.provenance
                print(
                    f"{analysis.article.words:>6} {engine:>6} {p.chunks:>6} {p.usage.llm_calls:>5} "
                    f"{p.usage.input_tokens:>7} {p.usage.output_tokens:>7} {p.cost_usd or 0:>8.4f} {elapsed:>7.2f} "
                    f"{len(analysis.actors):>6} {len(analysis.commitments):>7}"
                )


if __name__ == "__main__":
    main()
