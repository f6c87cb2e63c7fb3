"""The sources sensor and the daily schedule, evaluated against a real Dagster instance."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import dagster as dg

from conftest import REGIONER_DR, SOURCES
from orchestration import load as L
from orchestration.definitions import defs
from orchestration.defs.automation import daily_refresh, sources_sensor


def test_sensor_requests_new_and_changed_documents_only(tmp_path, monkeypatch):
    src, wh = tmp_path / "sources", tmp_path / "warehouse"
    src.mkdir()
    shutil.copy(SOURCES / REGIONER_DR, src / REGIONER_DR)
    monkeypatch.setenv("WAREHOUSE_SOURCES", str(src))
    monkeypatch.setenv("WAREHOUSE_DIR", str(wh))
    with dg.instance_for_test() as instance:
        first = sources_sensor(dg.build_sensor_context(instance=instance))
        assert [r.partition_key for r in first.run_requests] == [REGIONER_DR]
        assert first.dynamic_partitions_requests[0].partition_keys == [REGIONER_DR]
        instance.add_dynamic_partitions("documents", [REGIONER_DR])
        # once the document is published with the same bytes, nothing is requested
        staged = L.stage_document(wh / "warehouse.duckdb", src / REGIONER_DR)
        L.publish_load(wh / "warehouse.duckdb", staged.load_id)
        quiet = sources_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(quiet, dg.SkipReason) and "none new or changed" in quiet.skip_message
        # a changed file is requested again, keyed by its new content
        (src / REGIONER_DR).write_text((src / REGIONER_DR).read_text(encoding="utf-8") + "\nTillæg\n",
                                       encoding="utf-8")
        changed = sources_sensor(dg.build_sensor_context(instance=instance))
        (req,) = changed.run_requests
        assert req.partition_key == REGIONER_DR
        assert req.run_key == f"{REGIONER_DR}:{L.file_sha256(src / REGIONER_DR)}:extractor-{L.EXTRACTOR_VERSION}"
        assert not changed.dynamic_partitions_requests


def test_daily_schedule_is_off_by_default_and_covers_every_document():
    assert daily_refresh.default_status == dg.DefaultScheduleStatus.STOPPED
    assert daily_refresh.cron_schedule == "0 6 * * *"
    assert sources_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("documents", ["a.txt", "b.txt"])
        tick = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)
        ctx = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick,
                                        repository_def=defs.get_repository_def())
        requests = daily_refresh.evaluate_tick(ctx).run_requests
        assert [r.partition_key for r in requests] == ["a.txt", "b.txt"]
        assert requests[0].run_key == "a.txt@2026-11-24T06:00:00+00:00"
    assert defs.resolve_job_def("refresh_document") is not None
