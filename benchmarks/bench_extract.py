"""Extraction throughput over the documents in sources/ (a benchmark, not a test).

    ./dev bench [--repeat N]
    .venv/bin/python benchmarks/bench_extract.py --repeat 9 --stages
    .venv/bin/python benchmarks/bench_extract.py --long    # a 1 and 10 MB line, a 5 and 50 MB file

The extractor is measured as a refresh runs it: compiled with mypyc where ``./dev`` built it
(``WAREHOUSE_PURE_PYTHON=1`` measures plain Python; the first line says which). Prints MB/s
per run (bytes of source text / wall time of extract_document over every file), the median
and best of the runs, and with ``--stages`` where the time goes (the fastest run of each
stage, summed over the documents). Floor: 8 MB/s (issue 10).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from orchestration.extract import COMPILED, accounting, clear_caches, extract_document
from orchestration.extract.document import DocumentExtractor, decode
from orchestration.extract.statements import find_statements

SOURCES = Path(__file__).resolve().parent.parent / "sources"
FLOOR_MB_S = 8.0


def throughput(files: list[Path], repeat: int) -> tuple[list[float], int]:
    size = sum(f.stat().st_size for f in files)
    rates, cells = [], 0
    for _ in range(repeat):
        clear_caches()  # every run starts cold, as a fresh process would
        start = time.perf_counter()
        cells = sum(len(extract_document(f).cells) for f in files)
        rates.append(size / 1e6 / (time.perf_counter() - start))
    return rates, cells


def stages(files: list[Path], repeat: int) -> dict[str, float]:
    """Seconds per stage, the fastest of ``repeat`` runs. The stages are those of
    extract_text: lines, page furniture and line index; captioned tables; blocks without a
    caption; figure lines no table took; the accounting of every number; the statements."""
    texts = [(f, decode(f, f.read_bytes())[0]) for f in files]
    best: dict[str, float] = {}

    def timed(run: dict[str, float], name: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        run[name] = run.get(name, 0.0) + time.perf_counter() - start
        return out

    for _ in range(repeat):
        clear_caches()
        run: dict[str, float] = {}
        for path, text in texts:
            ex = timed(run, "lines, furniture, index", DocumentExtractor, path, text)
            captioned = timed(run, "captioned tables", ex.captioned)
            blocks = timed(
                run, "blocks", lambda ex, captioned: ex.adopt_detached_bodies(captioned, ex.blocks()), ex, captioned
            )
            tables = captioned + blocks
            problems = timed(run, "figures outside tables", ex.unread_figures, tables)
            timed(
                run,
                "accounting",
                accounting.account,
                *(ex.lines, ex.furniture, ex.headings, tables, problems, ex.footnotes, ex.figure_runs),
            )
            timed(run, "statements", find_statements, path.name, ex.lines, tables)
        for name, seconds in run.items():
            best[name] = min(best.get(name, seconds), seconds)
    return best


def long_inputs(folder: Path) -> list[tuple[str, int, float]]:
    """(input, bytes, seconds) of extracting inputs no real document has: the practice plan
    as one line of 1 MB and of 10 MB, and repeated to a 5 and a 50 MB file (linear: the same
    MB/s for both, or it hangs)."""
    text = (SOURCES / "003_8f7892940b0a4590.txt").read_text(encoding="utf-8")
    words = " ".join(text.split()) + " "
    inputs = {
        "one line of 1 MB": (words * (1_000_000 // len(words) + 1))[:1_000_000],
        "one line of 10 MB": (words * (10_000_000 // len(words) + 1))[:10_000_000],
        "a 5 MB file (the practice plan 13 times)": text * 13,
        "a 50 MB file (the practice plan 130 times)": text * 130,
    }
    out = []
    for name, content in inputs.items():
        path = folder / "long.txt"
        path.write_text(content, encoding="utf-8")
        start = time.perf_counter()
        extract_document(path)
        out.append((name, path.stat().st_size, time.perf_counter() - start))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stages", action="store_true", help="also print time per stage")
    parser.add_argument("--long", action="store_true", help="only time very long inputs")
    args = parser.parse_args()
    if args.long:
        import tempfile

        load = os.getloadavg()
        print(f"long inputs (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}):")
        with tempfile.TemporaryDirectory() as tmp:
            for name, size, seconds in long_inputs(Path(tmp)):
                print(f"  {name:<44} {size / 1e6:6.1f} MB  {seconds:6.2f} s  {size / 1e6 / seconds:5.2f} MB/s")
        return
    files = sorted(SOURCES.glob("*.txt"))
    size = sum(f.stat().st_size for f in files)
    load = os.getloadavg()
    rates, cells = throughput(files, args.repeat)
    median = statistics.median(rates)
    how = "compiled with mypyc" if COMPILED else "plain Python (no build for these sources, or WAREHOUSE_PURE_PYTHON)"
    print(
        f"documents: {len(files)}, {size / 1e6:.3f} MB, {cells} cells; extractor {how} "
        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    print(
        f"throughput over {args.repeat} runs: median {median:.2f} MB/s, best {max(rates):.2f} MB/s "
        f"(floor {FLOOR_MB_S:g} MB/s: {'met' if median >= FLOOR_MB_S else 'NOT met'})"
    )
    if args.stages:
        best = stages(files, args.repeat)
        total = sum(best.values())
        for name, seconds in best.items():
            print(f"  {name:<26} {seconds * 1000:7.1f} ms  {seconds / total:4.0%}")
        print(f"  {'sum of the fastest runs':<26} {total * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
