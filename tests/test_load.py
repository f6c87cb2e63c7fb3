"""Loading into DuckDB: staged then published, idempotent, nothing lost on a failed load."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from conftest import KKR, REGIONER_DR, SOURCES

from orchestration import load as L


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
