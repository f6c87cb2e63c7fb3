"""The full refresh as a user runs it: `warehouse refresh`, a real Dagster job against a real
DuckDB file, with the GX checks blocking a corrupted document."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import dagster as dg
import pytest

from conftest import KKR, REGIONER_DR, ROOT, SOURCES
from orchestration import load as L
from orchestration.extract import extract_document


def _refresh(sources, warehouse):
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WAREHOUSE_DIR", "WAREHOUSE_SOURCES")}
    return subprocess.run([sys.executable, "-m", "orchestration.cli", "refresh", "--sources", str(sources),
                           "--warehouse", str(warehouse)], cwd=ROOT, env=env, capture_output=True, text=True)


def _query(db, sql):
    con = L.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _instance(home) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home))


def _run_logs(home, run_id) -> str:
    instance = _instance(home)
    return "\n".join(e.user_message or "" for e in instance.all_logs(run_id))


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    base = tmp_path_factory.mktemp("refresh")
    sources, warehouse = base / "sources", base / "warehouse"
    sources.mkdir()
    for name in (KKR, REGIONER_DR, "catalogue.csv"):
        shutil.copy(SOURCES / name, sources / name)
    first = _refresh(sources, warehouse)
    return sources, warehouse, first


def test_refresh_loads_every_cell_with_passing_checks(refreshed):
    sources, warehouse, first = refreshed
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 published" in first.stdout
    db = warehouse / "warehouse.duckdb"
    expected = {f: len(extract_document(sources / f).cells) for f in (KKR, REGIONER_DR)}
    counts = dict(_query(db, "select file, count(*) from raw.current_cells group by file"))
    assert counts == expected == {KKR: 2938, REGIONER_DR: 16}
    # the runs, assets and checks live in the project's DAGSTER_HOME, for `dagster dev`
    instance = _instance(warehouse / "dagster")
    runs = instance.get_runs()
    assert len(runs) == 2 and all(r.job_name == "refresh_document" for r in runs)
    assert {r.tags["dagster/partition"] for r in runs} == {KKR, REGIONER_DR}
    record = instance.get_latest_materialization_event(dg.AssetKey("published_document"))
    assert record is not None
    checks = [e for r in runs for e in instance.all_logs(r.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)]
    by_check = {}
    for e in checks:
        data = e.dagster_event.event_specific_data
        by_check.setdefault(data.check_name, []).append(data.passed)
    assert set(by_check) == {"gx_structure", "gx_domain", "gx_totals_add_up", "gx_udvikling_matches", "gx_complete"}
    assert all(all(v) for k, v in by_check.items() if k != "gx_udvikling_matches")
    assert (warehouse / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_second_refresh_skips_unchanged_documents(refreshed):
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    before = _query(db, "select count(*), sum(value) from raw.current_cells")
    second = _refresh(sources, warehouse)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "2 unchanged" in second.stdout
    assert _query(db, "select count(*), sum(value) from raw.current_cells") == before
    instance = _instance(warehouse / "dagster")
    last = instance.get_runs(limit=1)[0]
    assert "unchanged (sha256" in _run_logs(warehouse / "dagster", last.run_id)


def test_corrupted_document_is_blocked_and_published_rows_stay(refreshed, corrupted_kkr):
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    before = _query(db, f"select load_id from raw.documents where file = '{KKR}'")
    cells_before = _query(db, "select count(*), sum(value) from raw.current_cells")
    shutil.copy(corrupted_kkr / KKR, sources / KKR)
    third = _refresh(sources, warehouse)
    assert third.returncode == 1
    assert f"{KKR}: blocked" in third.stdout and "gx_totals_add_up" in third.stdout
    assert "gx_complete" in third.stdout
    logs = "\n".join(_run_logs(warehouse / "dagster", r.run_id) for r in
                     _instance(warehouse / "dagster").get_runs(limit=2))
    assert f"{KKR}, Tabel 19, row 'Total', column '2019', line 6758" in logs
    assert f"{KKR}, Tabel 25, row 'Morsø', year 2021" in logs
    # nothing downstream ran: the published load and every published cell are as before
    assert _query(db, f"select load_id from raw.documents where file = '{KKR}'") == before
    assert _query(db, "select count(*), sum(value) from raw.current_cells") == cells_before
    assert _query(db, f"select status from raw.loads where file = '{KKR}' order by started_at desc limit 1") == [("rejected",)]
