"""Latency of the README's analyst queries on the published warehouse, from a read-only
connection (a benchmark, not a test).

    ./dev bench            (after ./dev refresh; runs this after the other two)

Prints p50 and p95 per query over N runs: with one connection kept open (how a BI tool's
connection pool works) and with a new read-only connection per query. Target: p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "highest udgift pr. patient, speciale 62, 2023": """
        select geo_name as kommune, udgift_pr_patient_kr, perspective, udgift_pr_patient_table as tabel
        from marts.mart_udgift_pr_patient
        where speciale = '62' and year = 2023 and geo_level = 'kommune'
        order by udgift_pr_patient_kr desc
        limit 3""",
    "kommuner whose udgift on speciale 51 fell 2019-23": """
        select geo_name as kommune, value_from as udgift_2019, value_to as udgift_2023,
               round(change_recomputed, 1) as pct, printed_raw as printed
        from marts.mart_udvikling_19_23
        where speciale = '51' and measure = 'udgift_kr' and geo_level = 'kommune'
          and value_to < value_from
        order by change_recomputed""",
    "where the documents disagree": """
        select kind, table_number as tabel, measure, geo_name, period,
               printed_value, round(recomputed_value, 2) as recomputed, tolerance
        from marts.mart_afstemning
        order by kind, tabel, geo_name, period""",
}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--published", default=str(ROOT / "warehouse" / "published.duckdb"))
    args = parser.parse_args()
    path = Path(args.published)
    if not path.exists():
        sys.exit(f"no published warehouse at {path}: run ./dev refresh first")
    con = duckdb.connect(str(path), read_only=True)
    print(f"{args.runs} runs per query on {path}")
    pooled_all, fresh_all = [], []
    for name, sql in QUERIES.items():
        con.execute(sql).fetchall()  # warm up
        pooled = []
        for _ in range(args.runs):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            pooled.append(time.perf_counter() - t)
        fresh = []
        for _ in range(max(20, args.runs // 10)):
            t = time.perf_counter()
            c = duckdb.connect(str(path), read_only=True)
            c.execute(sql).fetchall()
            c.close()
            fresh.append(time.perf_counter() - t)
        pooled_all += pooled
        fresh_all += fresh
        p50, p95 = percentiles(pooled)
        f50, f95 = percentiles(fresh)
        print(
            f"  {name:50s} open connection p50 {p50:6.2f} ms  p95 {p95:6.2f} ms | "
            f"new connection p50 {f50:6.2f} ms  p95 {f95:6.2f} ms"
        )
    p50, p95 = percentiles(pooled_all)
    f50, f95 = percentiles(fresh_all)
    print(
        f"all queries: open connection p50 {p50:.2f} ms, p95 {p95:.2f} ms (target p50 <= 5 ms); "
        f"new connection per query p50 {f50:.2f} ms, p95 {f95:.2f} ms"
    )
    con.close()


if __name__ == "__main__":
    main()
