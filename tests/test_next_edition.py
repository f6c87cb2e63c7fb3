"""The marts know no years: a next edition of the practice plan (every year one later,
2020-2024) gets its udvikling rows with no code change."""

from __future__ import annotations

import pytest
from conftest import KKR, SOURCES, dbt_cli, shift_years

from orchestration import load as L


@pytest.mark.slow  # a dbt build
def test_next_edition_gets_udvikling_20_24_rows(tmp_path):
    doc = tmp_path / KKR
    doc.write_text(shift_years((SOURCES / KKR).read_text(encoding="utf-8")), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    L.publish_load(db, L.stage_document(db, doc).load_id)
    proc = dbt_cli("build", "--exclude", "tag:pinned", db=db, target=tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    con = L.connect(db, read_only=True)
    try:
        periods = con.execute(
            "select from_year, to_year, row_level, count(*) from marts.mart_udvikling_19_23 group by all order by all"
        ).fetchall()
        laesoe = con.execute(
            "select udgift_pr_patient_kr from marts.mart_udgift_pr_patient where "
            "speciale = '51' and geo_code = '825' and year = 2024"
        ).fetchall()
        region = con.execute(
            "select value_from, value_to, printed_udvikling from marts.mart_udvikling_19_23 "
            "where speciale = '51' and measure = 'udgift_pr_patient_kr' and geo_code = '1081' "
            "and row_level = 'kommune'"
        ).fetchall()
    finally:
        con.close()
    # the pinned tests (tag:pinned) hold 2023 values of this edition, so they are left out; the generic
    # tests run. Kommune tables now run 2020-2024 and region tables 2021-2024, as the new headers say
    assert [(a, b, lvl) for a, b, lvl, _ in periods] == [(2020, 2024, "kommune"), (2021, 2024, "region")]
    assert laesoe == [(1043,)]  # the figure printed for the last year, now labelled 2024
    assert [(float(a), float(b), float(p)) for a, b, p in region] == [(872.0, 924.0, 6.0)]
