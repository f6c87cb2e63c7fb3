"""Wall time of a cold full refresh and of a refresh where nothing changed (a benchmark,
not a test).

    ./dev bench            (runs this after the extraction benchmark)

Each refresh is `warehouse refresh` in a fresh process, as a user runs it, into a new
warehouse folder in a temporary directory (so the project's warehouse/ is untouched).
Targets on a 2-core machine: cold 30 s, no change 5 s.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def refresh(warehouse: Path) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WAREHOUSE_DIR")}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "orchestration.cli", "refresh", "--warehouse", str(warehouse)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"refresh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc.stdout.strip().splitlines()[-1]


def step_times(warehouse: Path) -> dict[str, float]:
    """Seconds per step (summed over the documents' runs), from the Dagster event log."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    out: dict[str, float] = {}
    for run in instance.get_runs():
        stats = instance.get_run_step_stats(run.run_id)
        for st in stats:
            if st.start_time and st.end_time:
                out[st.step_key] = out.get(st.step_key, 0.0) + st.end_time - st.start_time
        whole = instance.get_run_stats(run.run_id)
        if whole.start_time and whole.end_time:
            out["(whole runs)"] = out.get("(whole runs)", 0.0) + whole.end_time - whole.start_time
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2, help="cold/no-change pairs to run")
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t, last = refresh(Path(tmp) / "warehouse")
            cold.append(t)
            print(f"cold refresh:      {t:5.1f} s   ({last})")
            if not cold[1:]:
                for step, secs in sorted(step_times(Path(tmp) / "warehouse").items(), key=lambda kv: -kv[1]):
                    print(f"    {secs:5.2f} s  {step}")
            t, last = refresh(Path(tmp) / "warehouse")
            warm.append(t)
            print(f"nothing changed:   {t:5.1f} s   ({last})")
    print(f"best of {args.repeat}: cold {min(cold):.1f} s (target 30 s), "
          f"nothing changed {min(warm):.1f} s (target 5 s)")


if __name__ == "__main__":
    main()
