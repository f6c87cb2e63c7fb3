"""What one Dagster event costs to write, in the instance a refresh uses and in Dagster's default.

    .venv/bin/python benchmarks/bench_event_log.py [--events N]

A refresh writes several events per document (materializations, a check result per suite) and
about 300 for a dbt build; each is a write to the instance's SQLite event log. This times N asset
materializations stored into a new instance folder, once with the event log the refresh names in
its dagster.yaml (orchestration.event_log.PooledSqliteEventLogStorage) and once with Dagster's
default SQLite storage, and prints milliseconds per event and the load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry

from orchestration.refresh import dagster_home


def _materialization(run_id: str, i: int) -> EventLogEntry:
    data = StepMaterializationData(dg.AssetMaterialization(asset_key=["bench", f"doc_{i % 20}"]))
    event = DagsterEvent(DagsterEventType.ASSET_MATERIALIZATION.value, "bench_job", event_specific_data=data)
    return EventLogEntry(
        error_info=None, level=20, user_message="", run_id=run_id, timestamp=time.time(), dagster_event=event
    )


def ms_per_event(home: Path, events: int) -> tuple[str, float]:
    instance = dg.DagsterInstance.from_config(str(home))
    storage = instance.event_log_storage
    storage.store_event(_materialization("warm-up", 0))  # the databases are created here
    start = time.perf_counter()
    for i in range(events):
        storage.store_event(_materialization("bench", i))
    seconds = time.perf_counter() - start
    storage.dispose()
    return type(storage).__name__, seconds / events * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pooled = dagster_home(Path(tmp) / "refresh")  # the dagster.yaml a refresh writes
        default = Path(tmp) / "default"
        default.mkdir()
        (default / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        for home in (pooled, default):
            name, ms = ms_per_event(home, args.events)
            load = os.getloadavg()
            print(f"{name:<30} {ms:5.2f} ms per event ({args.events} events; load average {load[0]:.2f} {load[1]:.2f})")


if __name__ == "__main__":
    main()
