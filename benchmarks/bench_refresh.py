"""Wall time and peak memory of refreshes as the corpus grows (a benchmark, not a test).

    ./dev bench                                            (1x, after the extraction benchmark)
    .venv/bin/python benchmarks/bench_refresh.py --scale 1 10
    .venv/bin/python benchmarks/bench_refresh.py --scale 100   (500 documents, about 90 MB)

For each scale, a corpus of that many copies of every document of sources/ is written
(benchmarks/corpus.py) and three refreshes run, each `warehouse refresh` in a fresh process
as a user runs it, into a new warehouse folder in a temporary directory:

* cold: into an empty warehouse;
* nothing changed: the same folder again;
* one changed: one document's copy with one more figure changed.

It prints each time, the peak memory of the refresh (the resident memory of its process and
every process it started, summed, sampled every 0.1 s), the load average, and the ratios
between scales. Targets (issue 14, 2-core machine): 1x cold 15 s, 10x cold 20 s, 100x cold
90 s, nothing changed 3 s, one changed 15 s, cold 100x / cold 10x at most 10, memory 2 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_corpus  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * PAGE
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [p for p, parent in parents.items() if parent == pid]
    return total


def refresh(sources: Path, warehouse: Path) -> tuple[float, int, str, int]:
    """(seconds, peak bytes, last line, exit status) of one `warehouse refresh`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WAREHOUSE_DIR", "WAREHOUSE_SOURCES")}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "refresh",
            "--sources",
            str(sources),
            "--warehouse",
            str(warehouse),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    lines = out.strip().splitlines()
    last = lines[-1] if lines else err.strip().splitlines()[-1:]
    return elapsed, peak[0], str(last), proc.returncode


def _change_one(corpus: Path) -> Path:
    """One document's copy with one more figure changed (by one in its last digit)."""
    path = sorted(corpus.glob("003_*"))[-1]
    text = path.read_text(encoding="utf-8")
    i = text.index("2.851.115")  # a figure of Tabel 19 (Aalborg, 2019)
    path.write_text(text[:i] + "2.851.116" + text[i + 9 :], encoding="utf-8")
    return path


def bench(scale: int, tmp: Path) -> dict[str, float]:
    corpus = tmp / f"corpus-{scale}"
    files = make_corpus(scale, corpus)
    size = sum(f.stat().st_size for f in files) / 1e6
    warehouse = tmp / f"warehouse-{scale}"
    print(f"{scale}x: {len(files)} documents, {size:.1f} MB", flush=True)
    times = {}
    for case in ("cold", "nothing changed", "one changed"):
        if case == "one changed":
            _change_one(corpus)
        load = os.getloadavg()[0]
        seconds, peak, last, status = refresh(corpus, warehouse)
        times[case] = seconds
        print(
            f"  {case:16s} {seconds:6.1f} s  peak {peak / 2**20:6.0f} MiB  load {load:.2f}  exit {status}: {last}",
            flush=True,
        )
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="copies of each document")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scale:
            results[scale] = bench(scale, Path(tmp))
    scales = sorted(results)
    for a, b in zip(scales, scales[1:]):
        print(
            f"cold {b}x / cold {a}x = {results[b]['cold'] / results[a]['cold']:.1f} (corpus {b / a:g} times as large)"
        )


if __name__ == "__main__":
    main()
