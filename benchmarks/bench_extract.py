"""Extraction throughput over the documents in sources/ (a benchmark, not a test).

    ./dev bench [--repeat N]

Prints MB/s per run (bytes of source text / wall time of extract_document over every file).
Target: at least 10 MB/s.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from orchestration.extract import clear_caches, extract_document

SOURCES = Path(__file__).resolve().parent.parent / "sources"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(SOURCES.glob("*.txt"))
    size = sum(f.stat().st_size for f in files)
    rates, cells = [], 0
    for _ in range(args.repeat):
        clear_caches()  # every run starts cold, as a fresh process would
        start = time.perf_counter()
        cells = sum(len(extract_document(f).cells) for f in files)
        elapsed = time.perf_counter() - start
        rates.append(size / 1e6 / elapsed)
    print(f"documents: {len(files)}, {size / 1e6:.3f} MB, {cells} cells")
    print(f"throughput over {args.repeat} runs: median {statistics.median(rates):.2f} MB/s, "
          f"best {max(rates):.2f} MB/s (target 10 MB/s)")


if __name__ == "__main__":
    main()
