"""Loading into DuckDB: staged then published, idempotent, nothing lost on a failed load."""

from __future__ import annotations

import dataclasses
import shutil
from decimal import Decimal

import pytest
from conftest import KKR, REGIONER_DR, SOURCES

from orchestration import load as L
from orchestration.extract import Cell, extract_document


def _publish(db, path):
    staged = L.stage_document(db, path)
    assert not staged.skipped
    L.publish_load(db, staged.load_id, L.read_catalogue(SOURCES))
    return staged


def _count(db, sql, *params):
    con = L.connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_load_is_idempotent_and_skips_unchanged(tmp_path):
    db = tmp_path / "w.duckdb"
    first = _publish(db, SOURCES / REGIONER_DR)
    assert first.cells == 31 and first.tables == 2  # Tabel 1 (16 cells) and Tabel 2 (15)
    assert _count(db, "select count(*) from raw.current_cells") == [(31,)]
    again = L.stage_document(db, SOURCES / REGIONER_DR)
    assert again.skipped and again.load_id is None  # same sha256: not extracted again
    forced = L.stage_document(db, SOURCES / REGIONER_DR, force=True)
    L.publish_load(db, forced.load_id)
    # re-loading replaces the document's rows: no duplicates, old load's rows gone
    assert _count(db, "select count(*), count(distinct load_id) from raw.cells") == [(31, 1)]
    assert _count(db, "select status from raw.loads order by started_at") == [("replaced",), ("published",)]
    doc = _count(db, "select title, publisher, load_id from raw.documents")
    assert doc == [
        (
            "Danske Regioner, bestyrelsesmateriale (dimensionering af speciallægeuddannelsen m.m.)",
            "Danske Regioner",
            forced.load_id,
        )
    ]


def test_lineage_and_values_survive_the_load(tmp_path):
    db = tmp_path / "w.duckdb"
    _publish(db, SOURCES / KKR)
    rows = _count(
        db,
        "select value, raw, read_as, line, geo_code, year from raw.current_cells "
        "where table_number = '28' and is_total and year = 2020",
    )
    assert rows == [(Decimal("860.4"), "860.4", "decimal_point_slip", 7092, "DK", 2020)]
    frb = _count(
        db,
        "select value, unit, line, perspective from raw.current_cells where "
        "caption like 'Udgifter pr. år til speciale 51 fordelt på kommuner%' "
        "and geo_code = '813' and year = 2019",
    )
    assert frb == [(Decimal("3909758"), "kr.", 6735, None)]


def test_staged_load_is_invisible_until_published_and_reject_keeps_old(tmp_path, corrupted_kkr):
    db = tmp_path / "w.duckdb"
    good = _publish(db, SOURCES / KKR)
    before = _count(db, "select count(*), sum(value) from raw.current_cells")
    bad = L.stage_document(db, corrupted_kkr / KKR)
    assert not bad.skipped
    # staged rows sit beside the published ones but readers do not see them
    assert _count(db, "select count(*), sum(value) from raw.current_cells") == before
    L.reject_load(db, bad.load_id, "blocked by a check")
    assert _count(db, "select status from raw.loads where load_id = ?", bad.load_id) == [("rejected",)]
    with pytest.raises(L.LoadError, match="rejected, not staged"):
        L.publish_load(db, bad.load_id)
    assert _count(db, "select count(*), sum(value) from raw.current_cells") == before
    assert _count(db, "select load_id from raw.documents") == [(good.load_id,)]


def test_unreadable_document_fails_with_its_name_and_keeps_published_rows(tmp_path):
    db = tmp_path / "w.duckdb"
    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(SOURCES / REGIONER_DR, folder / REGIONER_DR)
    _publish(db, folder / REGIONER_DR)
    (folder / REGIONER_DR).write_bytes(b"\x00\x01binary" * 10)
    with pytest.raises(L.LoadError, match=f"{REGIONER_DR}.*binary"):
        L.stage_document(db, folder / REGIONER_DR)
    assert _count(db, "select count(*) from raw.current_cells") == [(31,)]
    assert _count(db, "select status from raw.loads order by started_at") == [("published",), ("failed",)]


def test_every_field_of_a_cell_is_stored_once_in_raw_cells(tmp_path):
    """raw.cells is made from load.CELL_COLUMNS, the one list of a cell's stored columns: a field
    added to Cell must be stored there (or said to stay in memory), and the table has exactly
    those columns, in that order."""
    fields = [f.name for f in dataclasses.fields(Cell)]
    stored = [field for _, _, field in L.CELL_COLUMNS]
    assert sorted(stored) == sorted(set(fields) - L.CELL_FIELDS_NOT_STORED)
    assert len(stored) == len(set(stored))
    db = tmp_path / "w.duckdb"
    L.stage_document(db, SOURCES / REGIONER_DR)
    con = L.connect(db, read_only=True)
    try:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'raw' and table_name = 'cells' order by column_index"
            ).fetchall()
        ]
        # a real cell of Danske Regioner's document, every column as the extractor read it
        row = con.execute(
            "select value, decimals, unit, line, raw from raw.cells where value is not null "
            "order by line, col_index limit 1"
        ).fetchall()
    finally:
        con.close()
    assert columns == ["load_id", *(name for name, _, _ in L.CELL_COLUMNS)]
    first = min(
        (c for c in extract_document(SOURCES / REGIONER_DR).cells if c.value is not None),
        key=lambda c: (c.line, c.col_index),
    )
    assert row == [(first.value, first.decimals, first.unit, first.line, first.raw)]


def test_each_table_is_classified_at_load_and_earlier_loads_are_classified_on_open(tmp_path):
    """raw.tables holds each table's measure, speciale and row level (extract.classify), which
    dbt reads. A warehouse made before these columns gets them from its captions and cells the
    first time it is opened for writing."""
    db = tmp_path / "w.duckdb"
    _publish(db, SOURCES / KKR)
    query = (
        "select table_number, measure, speciale, row_level from raw.tables "
        "where caption_line in (6691, 6771, 7441, 8035) order by caption_line"
    )
    expected = [
        ("18", "udgift_kr", "51", "region"),  # line 6691: "Udgifter pr. år angivet i mio. til speciale 51 ..."
        ("20", "udgift_pr_patient_kr", "51", "region"),  # line 6771
        ("39", "andel_holdtraening", "62", "kommune"),  # line 7441: "Procentandel af patienter ... holdtræning"
        ("52", "udgift_pr_patient_kr", "57", "region"),  # line 8035
    ]
    assert _count(db, query) == expected
    # the same warehouse as the release before classification at load made it
    con = L.connect(db)
    con.execute("alter table raw.tables drop column measure")
    con.execute("alter table raw.tables drop column speciale")
    con.execute("alter table raw.tables drop column row_level")
    con.close()
    L.connect(db).close()  # opened for writing: the columns are back, filled
    assert _count(db, query) == expected
