"""A refresh is one Dagster run for all changed documents: a bad document quarantines only
itself, and extraction runs on Dagster's multiprocess executor (workers extract, one writer
loads)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import BUDGET, KKR, REGIONER_DR, ROOT, SLIDES, SOURCES, TOTAL_2019_MISREAD, corrupt, query, refresh_cli

from orchestration.extract import extract_document

sys.path.insert(0, str(ROOT))
from benchmarks.corpus import copy_text  # noqa: E402


@pytest.mark.slow
def test_a_corrupted_document_quarantines_only_itself(tmp_path):
    """Five documents into an empty warehouse, the practice plan's Tabel 19 Total misread: the
    plan is blocked (never published), the four others are published and in the marts and the
    published copy, and the refresh says which document is quarantined and why (exit 1)."""
    sources, warehouse = tmp_path / "sources", tmp_path / "warehouse"
    shutil.copytree(SOURCES, sources)
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    (sources / KKR).write_text(corrupt(text, *TOTAL_2019_MISREAD), encoding="utf-8")
    proc = refresh_cli(sources, warehouse)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{KKR}: blocked" in proc.stdout and "gx_totals_read_right" in proc.stdout
    assert "4 published, 1 blocked, marts built" in proc.stdout
    assert f"quarantined: {KKR}" in proc.stderr
    db = warehouse / "warehouse.duckdb"
    assert query(db, f"select status from raw.loads where file = '{KKR}'") == [("rejected",)]
    assert not list((warehouse / "staging").rglob("*"))  # the workers' Parquet files are gone once loaded
    published = {f for (f,) in query(warehouse / "published.duckdb", "select file from raw.documents")}
    assert published == {f.name for f in SOURCES.glob("*.txt")} - {KKR}
    # the marts hold the other documents: the budget catalogue's proposals and the regions' table
    assert query(warehouse / "published.duckdb", "select count(*) > 0 from marts.mart_budget_prioriteringer") == [
        (True,)
    ]
    cells = dict(query(warehouse / "published.duckdb", "select file, count(*) from raw.current_cells group by all"))
    assert cells == {f: len(extract_document(SOURCES / f).cells) for f in (SLIDES, BUDGET, REGIONER_DR)}
    assert query(
        warehouse / "published.duckdb", f"select count(*) from marts.mart_afstemning where document_file = '{KKR}'"
    ) == [(0,)]
    assert query(warehouse / "published.duckdb", "select count(distinct document_file) from marts.mart_afstemning") == [
        (3,)
    ]


@pytest.mark.slow
def test_extraction_runs_on_the_multiprocess_executor(tmp_path):
    """The job refresh_documents with the multiprocess executor and two extraction steps: each
    step a process of its own that reads files and writes Parquet, then one writer stages,
    validates and publishes. Per-document events as with the default executor."""
    from orchestration.defs.documents import refresh_documents
    from orchestration.refresh import refresh_run_config

    sources, warehouse = tmp_path / "sources", tmp_path / "warehouse"
    sources.mkdir()
    names = [SLIDES, REGIONER_DR, BUDGET]
    for name in names:
        shutil.copy(SOURCES / name, sources / name)
    config = refresh_run_config([], set(), workers=1, chunks=2)
    config["execution"] = {"config": {"multiprocess": {"max_concurrent": 2}}}
    config["resources"] = {"warehouse": {"config": {"sources": str(sources), "warehouse": str(warehouse)}}}
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        result = dg.execute_job(dg.reconstructable(_job), instance=instance, run_config=config)
        assert result.success
        steps = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_SUCCESS}
        assert {"extract_documents[chunk_0]", "extract_documents[chunk_1]", "stage_documents"} <= steps
        # each extraction step ran in a process of its own
        pids = {
            e.pid
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.STEP_SUCCESS and e.step_key.startswith("extract_documents")
        }
        assert len(pids) == 2 and os.getpid() not in pids
        mats = [e for e in result.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION]
        assert sorted(e.partition for e in mats if e.asset_key.path == ["published_document"]) == sorted(names)
    counts = dict(query(warehouse / "warehouse.duckdb", "select file, count(*) from raw.current_cells group by file"))
    assert counts == {name: len(extract_document(SOURCES / name).cells) for name in names}
    assert refresh_documents.name == "refresh_documents"


def _job():
    """The job as a code location would load it (with its resources), for the multiprocess executor."""
    from orchestration.defs.documents import document_definitions

    return document_definitions().resolve_job_def("refresh_documents")


def test_a_corpus_copy_is_the_document_with_its_figures_moved_by_one(tmp_path):
    """The benchmark corpus (benchmarks/corpus.py): copy 0 is the document; copy k names itself
    on a first line and changes three figures by one in their last digit, nothing else."""
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    cells = [
        c
        for c in extract_document(SOURCES / KKR).cells
        if c.value is not None and c.value >= 1000 and c.value == int(c.value) and not c.is_total and c.col_start >= 0
    ]
    assert copy_text(text, KKR, 0, cells) == text
    copy = copy_text(text, KKR, 7, cells).split("\n")
    assert copy[0] == f"Kopi 7 af {KKR}"
    changed = [(a, b) for a, b in zip(text.split("\n"), copy[1:]) if a != b]
    assert len(changed) == 3 and len(copy) == len(text.split("\n")) + 1
    for before, after in changed:
        digits = [(x, y) for x, y in zip(before, after) if x != y]
        assert len(before) == len(after) and 1 <= len(digits) <= 4  # one more in the last digit (9 -> 10 carries)


def test_an_error_in_the_extractor_fails_only_its_document(tmp_path, monkeypatch):
    """A bug that makes the extractor raise on one document (injected here: no real document
    does it) fails that document's load with the error and where it was raised; the other
    document is staged."""
    from orchestration import staging

    real = staging.extract_document

    def extract(path):
        if Path(path).name == SLIDES:
            raise IndexError("list index out of range")
        return real(path)

    monkeypatch.setattr(staging, "extract_document", extract)
    prepared = list(staging.prepare_loads([SOURCES / SLIDES, SOURCES / REGIONER_DR], tmp_path / "staging", 1))
    written = {w.file: w for w in staging.write_loads(tmp_path / "w.duckdb", prepared)}
    assert written[REGIONER_DR].status == "staged"
    assert written[SLIDES].status == "failed"
    assert (
        f"{SLIDES}: not read, an error in the extractor or loader: IndexError: list index out of range "
        "(at test_scale.py:"
    ) in written[SLIDES].message
    assert query(tmp_path / "w.duckdb", "select file, status from raw.loads order by file") == [
        (SLIDES, "failed"),
        (REGIONER_DR, "staged"),
    ]
    assert query(tmp_path / "w.duckdb", "select count(*) from raw.cells") == [
        (len(extract_document(SOURCES / REGIONER_DR).cells),)
    ]
