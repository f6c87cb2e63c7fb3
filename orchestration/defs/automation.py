"""When refreshes run: a sensor on the sources folder and a daily schedule (off by default)."""

import hashlib
import time

import dagster as dg

from .. import load as loadmod
from .. import settings
from .documents import refresh_documents

#: a file changed more recently than this may still be being written: it waits a tick
SETTLE_SECONDS = 10.0


#: the runs the sensor and the schedule request run in one process, their steps one after the
#: other: the extraction step has its own pool of worker processes, and the multiprocess
#: executor (the job's default otherwise) started a process per step, each importing Dagster,
#: GX and dbt again (a one-document run under `dagster dev`: 52 s from launch to publish with
#: it, 12 s without, on a slow evening of the 2-core machine). A deployment that spreads the
#: extraction sets the executor in the run config (README).
IN_PROCESS = {"config": {"in_process": {}}}


def _run_config(files: list[str]) -> dict:
    from ..refresh import refresh_run_config

    return {**refresh_run_config(files, set()), "execution": IN_PROCESS}


@dg.sensor(
    job=refresh_documents,
    minimum_interval_seconds=settings.sensor_interval_s(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts one run of refresh_documents for the documents in sources/ that are new or changed.",
)
def sources_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    files = settings.source_files(settings.sources_dir())
    state = loadmod.published_state(settings.database_path(), wait_s=2)
    if state is None:
        return dg.SkipReason("the warehouse is busy (a refresh holds DuckDB); trying again next tick")
    settling = [f.name for f in files if time.time() - f.stat().st_mtime < SETTLE_SECONDS]
    ready = [f for f in files if f.name not in settling]  # the others are still being written: next tick
    plan = loadmod.plan_sources(ready, state.documents, state.current)
    if not plan.changed:
        wait = f"; {', '.join(settling)} changed in the last {SETTLE_SECONDS:g} s: next tick" if settling else ""
        return dg.SkipReason(f"{len(files)} documents, none new or changed{wait}")
    changed = [f.name for f in plan.changed]
    # run_key: one run per set of file contents and extractor version; a rejected version is not
    # retried until it changes
    key = hashlib.sha256("\n".join(f"{f.name}:{plan.shas[f.name]}" for f in plan.changed).encode()).hexdigest()
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"{key[:16]}:extractor-{loadmod.EXTRACTOR_VERSION}",
                run_config=_run_config(changed),
                tags={"trigger": "sources_sensor", "documents": ", ".join(changed)[:200]},
            )
        ]
    )


@dg.schedule(
    job=refresh_documents,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily 06:00 refresh of every document (off by default; one run, in which "
    "unchanged documents are skipped by their hash).",
)
def daily_refresh(context: dg.ScheduleEvaluationContext):
    stamp = context.scheduled_execution_time.isoformat()
    return dg.RunRequest(run_key=f"daily@{stamp}", run_config=_run_config([]), tags={"trigger": "daily_refresh"})


def _latest_storage_id(instance: dg.DagsterInstance, asset: str) -> int:
    """The event-log id of the asset's latest materialization (0 when there is none)."""
    records = instance.fetch_materializations(dg.AssetKey(asset), limit=1).records
    return records[0].storage_id if records else 0


@dg.sensor(
    job_name="transform",
    minimum_interval_seconds=settings.sensor_interval_s(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rebuilds the dbt marts and the published copy (job transform) after a document was published.",
)
def marts_sensor(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    published = _latest_storage_id(context.instance, "published_document")
    if not published:
        return dg.SkipReason("no document published yet")
    if published <= int(context.cursor or 0):
        return dg.SkipReason("no document published since the last transform request")
    context.update_cursor(str(published))
    if _latest_storage_id(context.instance, "published_warehouse") > published:
        # `warehouse refresh` runs transform itself after its documents
        return dg.SkipReason("the published copy is already newer than the last published document")
    return dg.RunRequest(run_key=f"published:{published}", tags={"trigger": "marts_sensor"})
