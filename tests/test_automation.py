"""The sensors and the daily schedule: evaluated against a real Dagster instance, and the
sensors end to end under `dagster dev`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pytest
from conftest import REGIONER_DR, ROOT, SLIDES, SOURCES, clean_env, refreshed_copy

from orchestration import load as L
from orchestration.definitions import defs
from orchestration.defs.automation import daily_refresh, marts_sensor, sources_sensor
from orchestration.publish import current_publish_id

#: end to end (a refresh in a new process, dagster dev, a browser): `./dev test -m "not slow"` leaves it out
pytestmark = pytest.mark.slow

#: a document without tables: it loads and publishes in a second
PROSE_DOC = "002_a15994a133d0f63f.txt"


def _written_a_minute_ago(path) -> None:
    t = time.time() - 60
    os.utime(path, (t, t))


def _files(request: dg.RunRequest) -> list[str]:
    return request.run_config["ops"]["plan_documents"]["config"]["files"]


def test_sensor_requests_one_run_for_the_new_and_changed_documents(tmp_path, monkeypatch):
    src, wh = tmp_path / "sources", tmp_path / "warehouse"
    src.mkdir()
    for name in (REGIONER_DR, SLIDES):
        shutil.copy(SOURCES / name, src / name)
        _written_a_minute_ago(src / name)
    monkeypatch.setenv("WAREHOUSE_SOURCES", str(src))
    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    with dg.instance_for_test() as instance:
        first = sources_sensor(dg.build_sensor_context(instance=instance))
        (req,) = first.run_requests  # one run for both documents
        assert _files(req) == [SLIDES, REGIONER_DR]
        assert req.run_config["execution"] == {"config": {"in_process": {}}}  # one process, not one per step
        # once both are published with the same bytes, nothing is requested
        for name in (REGIONER_DR, SLIDES):
            staged = L.stage_document(wh / "warehouse.duckdb", src / name)
            L.publish_load(wh / "warehouse.duckdb", staged.load_id)
        quiet = sources_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(quiet, dg.SkipReason) and "none new or changed" in quiet.skip_message
        # a changed file is requested again, keyed by its new content
        (src / REGIONER_DR).write_text((src / REGIONER_DR).read_text(encoding="utf-8") + "\nTillæg\n", encoding="utf-8")
        # just written: it may still be being copied, so it waits a tick
        settling = sources_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(settling, dg.SkipReason)
        assert f"{REGIONER_DR} changed in the last 10 s: next tick" in settling.skip_message
        _written_a_minute_ago(src / REGIONER_DR)
        changed = sources_sensor(dg.build_sensor_context(instance=instance))
        (again,) = changed.run_requests
        assert _files(again) == [REGIONER_DR] and again.run_key != req.run_key
        assert again.run_key.endswith(f":extractor-{L.EXTRACTOR_VERSION}")
        assert again.tags["trigger"] == "sources_sensor"


def test_daily_schedule_is_off_by_default_and_covers_every_document():
    assert daily_refresh.default_status == dg.DefaultScheduleStatus.STOPPED
    assert daily_refresh.cron_schedule == "0 6 * * *"
    assert sources_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.instance_for_test() as instance:
        tick = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
        ctx = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        )
        (request,) = daily_refresh.evaluate_tick(ctx).run_requests
        assert _files(request) == []  # every document of sources/; the run skips unchanged ones by hash
        assert request.run_key == "daily@2026-11-24T06:00:00+00:00"
    assert defs.resolve_job_def("refresh_documents") is not None


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, refreshed_template):
    """A warehouse after `warehouse refresh` of all five documents."""
    return refreshed_copy(tmp_path_factory.mktemp("automation"), refreshed_template)


def test_under_dagster_dev_a_changed_source_file_is_published_and_served(refreshed):
    """`./dev ui` (dagster dev: webserver, daemon, sensors on by default): a changed file in
    sources/ is picked up by sources_sensor and published; marts_sensor then runs transform,
    which publishes a new read-only copy."""
    sources, warehouse = refreshed
    before = current_publish_id(warehouse)
    assert before is not None
    doc = sources / PROSE_DOC
    doc.write_text(doc.read_text(encoding="utf-8") + "\nTilføjet under dagster dev\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **clean_env(),
        "DAGSTER_HOME": str(warehouse / "dagster"),
        "WAREHOUSE_SOURCES": str(sources),
        "WAREHOUSE_DIR": str(warehouse),
        "WAREHOUSE_SENSOR_INTERVAL": "5",  # the sensors look every 5 s instead of 30
    }
    log = open(warehouse / "dagster-dev.log", "w")
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/dagster"), "dev", "-m", "orchestration.definitions", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        after = before
        while time.monotonic() < deadline and after == before and proc.poll() is None:
            time.sleep(3)
            try:
                after = current_publish_id(warehouse)
            except duckdb.Error:  # the file is being switched: read again
                pass
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    tail = (warehouse / "dagster-dev.log").read_text(errors="replace")[-3000:]
    assert after != before, f"no new publish within 300 s; dagster dev said:\n{tail}"
    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    runs = instance.get_runs()
    by_trigger = {}
    for r in runs:
        by_trigger.setdefault(r.tags.get("trigger"), []).append(r)
    (doc_run,) = by_trigger["sources_sensor"]
    assert doc_run.job_name == "refresh_documents" and doc_run.status == dg.DagsterRunStatus.SUCCESS
    assert doc_run.tags["documents"] == PROSE_DOC
    (transform,) = by_trigger["marts_sensor"]
    assert transform.job_name == "transform"
    # the new published copy holds the changed document's new load
    con = L.connect(warehouse / "published.duckdb", read_only=True)
    try:
        sha = con.execute(
            "select l.sha256 from raw.documents d join raw.loads l using (load_id) where d.file = ?", [PROSE_DOC]
        ).fetchone()[0]
    finally:
        con.close()
    assert sha == L.file_sha256(doc)


def test_daily_schedule_leads_to_a_publish(refreshed, monkeypatch):
    """The schedule's tick requests one run of every document; it publishes the changed one,
    then marts_sensor requests transform, which publishes a new copy holding it."""
    sources, warehouse = refreshed
    monkeypatch.setenv("WAREHOUSE_SOURCES", str(sources))
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("WAREHOUSE_DB", str(warehouse / "warehouse.duckdb"))
    doc = sources / SLIDES
    doc.write_text(doc.read_text(encoding="utf-8") + "\nTilføjet før kl. 6\n", encoding="utf-8")
    before = current_publish_id(warehouse)
    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    tick = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    ctx = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
    )
    (request,) = daily_refresh.evaluate_tick(ctx).run_requests
    config = {
        **request.run_config,
        "resources": {"warehouse": {"config": {"sources": str(sources), "warehouse": str(warehouse)}}},
    }
    result = defs.resolve_job_def("refresh_documents").execute_in_process(
        instance=instance, run_config=config, tags=request.tags, raise_on_error=False
    )
    assert result.success
    mats = {
        (e.asset_key.path[-1], e.partition)
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
    }
    # only the changed document: the others' bytes equal their published loads'
    assert mats == {("staged_document", SLIDES), ("published_document", SLIDES)}
    sensor_ctx = dg.build_sensor_context(instance=instance, cursor=None, repository_def=defs.get_repository_def())
    request = marts_sensor(sensor_ctx)
    assert isinstance(request, dg.RunRequest), request
    result = defs.resolve_job_def("transform").execute_in_process(
        instance=instance, tags=request.tags, raise_on_error=False
    )
    assert result.success
    assert current_publish_id(warehouse) != before
    # a second tick of the sensor has nothing to do
    assert isinstance(marts_sensor(dg.build_sensor_context(instance=instance, cursor=sensor_ctx.cursor)), dg.SkipReason)
