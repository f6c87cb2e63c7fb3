"""When refreshes run: a sensor on the sources folder and a daily schedule (off by default)."""

import time
from pathlib import Path

import dagster as dg

from .. import load as loadmod
from .. import settings
from .documents import documents, refresh_document_job


#: a file changed more recently than this may still be being written: it waits a tick
SETTLE_SECONDS = 10.0


def _published_hashes(db: Path) -> dict[str, str] | None:
    """file -> sha256 of its published load (by this extractor version); None while a
    refresh holds the database."""
    if not db.exists():
        return {}
    try:
        con = loadmod.connect(db, read_only=True, wait_s=2)
    except Exception:  # noqa: BLE001  (locked by a running refresh: try again next tick)
        return None
    try:
        return loadmod.published_hashes(con)
    except Exception:  # noqa: BLE001  (no raw schema yet)
        return {}
    finally:
        con.close()


@dg.sensor(job=refresh_document_job, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a refresh of each document in sources/ that is new or changed.")
def sources_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    files = settings.source_files(settings.sources_dir())
    published = _published_hashes(settings.database_path())
    if published is None:
        return dg.SkipReason("the warehouse is busy (a refresh holds DuckDB); trying again next tick")
    known = set(context.instance.get_dynamic_partitions(documents.name))
    new = [f.name for f in files if f.name not in known]
    requests = []
    settling = [f.name for f in files if time.time() - f.stat().st_mtime < SETTLE_SECONDS]
    for f in files:
        if f.name in settling:
            continue  # still being written (a copy or download in progress): next tick
        sha = loadmod.file_sha256(f)
        if published.get(f.name) != sha:
            # run_key: one run per file content and extractor version; a rejected version is not
            # retried until it changes
            run_key = f"{f.name}:{sha}:extractor-{loadmod.EXTRACTOR_VERSION}"
            requests.append(dg.RunRequest(partition_key=f.name, run_key=run_key,
                                          tags={"trigger": "sources_sensor"}))
    if not requests and not new:
        wait = f"; {', '.join(settling)} changed in the last {SETTLE_SECONDS:g} s: next tick" if settling else ""
        return dg.SkipReason(f"{len(files)} documents, none new or changed{wait}")
    return dg.SensorResult(run_requests=requests,
                           dynamic_partitions_requests=[documents.build_add_request(new)] if new else [])


@dg.schedule(job=refresh_document_job, cron_schedule="0 6 * * *", execution_timezone="Europe/Copenhagen",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Daily 06:00 refresh of every known document (off by default; unchanged "
                         "documents are skipped in seconds).")
def daily_refresh(context: dg.ScheduleEvaluationContext):
    stamp = context.scheduled_execution_time.isoformat()
    for key in context.instance.get_dynamic_partitions(documents.name):
        yield dg.RunRequest(partition_key=key, run_key=f"{key}@{stamp}", tags={"trigger": "daily_refresh"})


def _latest_storage_id(instance: dg.DagsterInstance, asset: str) -> int:
    """The event-log id of the asset's latest materialization (0 when there is none)."""
    records = instance.fetch_materializations(dg.AssetKey(asset), limit=1).records
    return records[0].storage_id if records else 0


@dg.sensor(job_name="transform", minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Rebuilds the dbt marts and the published copy (job transform) after a "
                       "document was published.")
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
