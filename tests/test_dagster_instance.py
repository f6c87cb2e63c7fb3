"""The Dagster instance a refresh writes to: its dagster.yaml, and the event log that keeps its
SQLite connections open (orchestration.event_log), read back by Dagster's own storage."""

import shutil

import dagster as dg

from orchestration import event_log
from orchestration.refresh import dagster_home, dagster_yaml, write_dagster_yaml


@dg.asset(partitions_def=dg.StaticPartitionsDefinition(["a.txt", "b.txt"]))
def doc(context: dg.AssetExecutionContext):
    return dg.MaterializeResult(metadata={"file": context.partition_key})


@dg.asset_check(asset=doc, blocking=True)
def doc_is_read(context: dg.AssetCheckExecutionContext):
    return dg.AssetCheckResult(passed=True, metadata={"rows": 7})


def test_the_refresh_writes_its_dagster_yaml_and_keeps_a_users_own(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = dagster_home(tmp_path / "w")
    text = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert text == dagster_yaml(home.resolve())
    assert "class: PooledSqliteEventLogStorage" in text and f'"{home.resolve()}/history/runs"' in text
    # an older refresh's settings are brought up to date; a file the user wrote is theirs
    (home / "dagster.yaml").write_text(text.replace("max_concurrent_runs: 1", "max_concurrent_runs: 2"))
    dagster_home(tmp_path / "w")
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == text
    # a copied (or moved) instance folder: its event log is the copy's, not the original's
    shutil.copytree(home, tmp_path / "copy" / "dagster")
    write_dagster_yaml(tmp_path / "copy" / "dagster")
    assert f'"{(tmp_path / "copy" / "dagster").resolve()}/history/runs"' in (
        tmp_path / "copy" / "dagster" / "dagster.yaml"
    ).read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    dagster_home(tmp_path / "w")
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"


def test_pooled_event_log_is_read_by_dagsters_own_storage(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setattr(event_log, "KEPT_ENGINES", 3)
    home = dagster_home(tmp_path / "w")
    instance = dg.DagsterInstance.from_config(str(home))
    storage = instance.event_log_storage
    assert isinstance(storage, event_log.PooledSqliteEventLogStorage)
    for _ in range(3):  # six runs: six database files, and the index
        for partition in ("a.txt", "b.txt"):
            assert dg.materialize([doc, doc_is_read], instance=instance, partition_key=partition).success
    assert len(storage._engines) == 3  # the oldest runs' connections closed

    # Dagster's default storage (what `dagster dev` uses without this dagster.yaml) reads the same
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    plain = dg.DagsterInstance.from_config(str(home))
    assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
    for inst in (instance, plain):
        latest = inst.get_latest_materialization_event(doc.key)
        assert latest.asset_materialization.partition == "b.txt"
        assert latest.asset_materialization.metadata["file"].value == "b.txt"
        assert len(inst.get_run_records()) == 6
        check_key = dg.AssetCheckKey(doc.key, "doc_is_read")
        records = inst.event_log_storage.get_asset_check_execution_history(check_key, limit=100)
        assert len(records) == 6
        assert records[0].event.dagster_event.event_specific_data.metadata["rows"].value == 7
    # what the default storage writes, the pooled one reads
    assert dg.materialize([doc, doc_is_read], instance=plain, partition_key="a.txt").success
    assert instance.get_latest_materialization_event(doc.key).asset_materialization.partition == "a.txt"
    instance.event_log_storage.dispose()
    assert storage._engines == {}
