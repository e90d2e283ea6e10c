"""Speed of the rules engine: articles per second and peak memory (prints figures only).

Builds a few hundred ~500-word articles from the development corpus texts (sliced and
repeated, read in place from the shared folder; `WIREBRIEF_SHARED` overrides), warms the
model once, then times `RulesReader().draft` one article at a time on one core.

It also times spaCy's parse alone over the same texts: the ceiling for any rules on top.

It calls the rules engine directly, not the product path: it measures the engine's own speed
(spaCy parse plus rules), without ingest, grounding or assembly. `bench/eval.py` times the
product path (`Pipeline.analyze`) per article; `bench/service.py` times the HTTP service.

    .venv/bin/python bench/offline_speed.py [--articles 300] [--words 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.article import Article
from service.engines.rules.nlp import parse
from service.engines.rules.reader import RulesReader, load


def shared_dir() -> Path:
    """The shared data folder: `WIREBRIEF_SHARED`, else `../shared` beside the repository."""
    override = os.environ.get("WIREBRIEF_SHARED")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared"


def build_articles(count: int, words: int) -> list[str]:
    """`count` texts of about `words` words: corpus paragraphs, rotated so texts differ."""
    paragraphs: list[str] = []
    folder = shared_dir() / "corpus" / "articles"
    for path in sorted(folder.glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.split()) > 15]
    seed = shared_dir() / "seed" / "idlib.txt"
    if seed.exists():
        paragraphs += [p.strip() for p in seed.read_text(encoding="utf-8").split("\n") if len(p.split()) > 15]
    if not paragraphs:
        raise SystemExit(f"no corpus texts under {folder}")
    articles: list[str] = []
    cursor = 0
    for n in range(count):
        parts = [f"Headline number {n} of the speed test"]
        total = 0
        while total < words:
            paragraph = paragraphs[cursor % len(paragraphs)]
            cursor += 1
            parts.append(paragraph)
            total += len(paragraph.split())
        articles.append("\n\n".join(parts))
    return articles


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    texts = build_articles(args.articles, args.words)
    started = time.perf_counter()
    load()
    load_s = time.perf_counter() - started
    engine = RulesReader()
    engine.draft(Article.from_text(texts[0]))  # warm-up
    words = 0
    commitments = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    for text in texts:
        article = Article.from_text(text)
        words += article.words
        commitments += len(engine.draft(article).commitments)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    parse_started = time.process_time()
    for text in texts:
        parse(text)  # the engine's own parse: each line of the article in one batch
    parse_cpu = time.process_time() - parse_started
    print(f"model load          {load_s:8.2f} s")
    print(f"articles            {len(texts):8d}  (~{words / len(texts):.0f} words each)")
    print(f"wall time           {elapsed:8.2f} s")
    print(
        f"articles/second     {len(texts) / elapsed:8.1f}  (wall)   {len(texts) / max(cpu, 1e-9):.1f} (per CPU-second)"
    )
    print(f"words/second        {words / elapsed:8.0f}")
    print(
        f"spaCy parse alone   {len(texts) / max(parse_cpu, 1e-9):8.1f}  articles per CPU-second"
        f" ({parse_cpu / cpu:.0%} of the engine's time)"
    )
    print(f"commitments found   {commitments:8d}")
    print(f"peak RSS            {peak_rss_mb():8.0f} MB")


if __name__ == "__main__":
    main()
