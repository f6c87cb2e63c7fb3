"""The check frames and the GX suites, on real documents and on a corrupted copy."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import KKR, ROOT, SOURCES
from orchestration import checks as C
from orchestration import load as L


@pytest.fixture(scope="module")
def kkr_cells(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "w.duckdb"
    staged = L.stage_document(db, SOURCES / KKR)
    return C.cells_frame(L.load_cells(db, staged.load_id))


@pytest.fixture(scope="module")
def validator(tmp_path_factory):
    from orchestration.gx_validation import Validator

    return Validator(tmp_path_factory.mktemp("warehouse"), ROOT / "expectations")


def _frames(cells):
    gaps = C.load_known_gaps(ROOT / "expectations" / "known_gaps.json")
    return {"raw_cells_structure": cells, "raw_cells_domain": cells,
            "raw_totals": C.totals_frame(cells), "raw_udvikling": C.udvikling_frame(cells),
            "raw_completeness": C.completeness_frame(cells, gaps)}


def test_measures_from_captions():
    assert C.measure_of("Udgifter pr. patient pr. år til speciale 62 fordelt på kommuner") == "udgift_pr_patient"
    assert C.measure_of("Ydelser pr. år pr. patient på speciale 65 fordelt på kommuner") == "ydelser_pr_patient"
    assert C.measure_of("Ydelser pr. år på speciale 57 fordelt på regioner") == "ydelser"
    assert C.measure_of("Udgifter pr. år angivet i mio. til speciale 51 fordelt på regioner") == "udgifter"
    assert C.measure_of("Antal patienter, der har modtaget behandling på speciale 62") == "patienter"
    assert C.speciale_of("Ydelser pr. år på speciale 57 fordelt på regioner") == "57"


def test_totals_add_up_in_the_real_document(kkr_cells):
    totals = C.totals_frame(kkr_cells)
    # udgifter and ydelser tables of Bilag 1 with a Total row, one row per year column
    t28 = totals[(totals["table_number"] == "28") & (totals["year"] == 2020)].iloc[0]
    assert (t28["printed_total"], t28["raw"], t28["parts"]) == (860.4, "860.4", 5)
    assert t28["sum_of_parts"] == pytest.approx(860.4, abs=0.3)
    t19 = totals[(totals["caption"].str.startswith("Udgifter pr. år til speciale 51 fordelt på kommuner"))
                 & (totals["year"] == 2019)].iloc[0]
    assert (t19["printed_total"], t19["sum_of_parts"], t19["parts"]) == (42135485.0, 42135486.0, 11)
    assert len(totals) >= 60 and (totals["excess"] <= 0).all()


def test_udvikling_recomputed_flags_only_tabel_22(kkr_cells):
    udv = C.udvikling_frame(kkr_cells)
    bad = udv[udv["excess"] > 0]
    # the document prints 8% for Region Nordjylland's ydelser 2020-23; the years give 9.06%
    assert set(bad["table_number"]) == {"22"} and len(bad) == 5
    nord = bad[bad["row_label"] == "Region Nordjylland"].iloc[0]
    assert (nord["printed"], round(nord["recomputed"], 2)) == (8.0, 9.06)
    # Tabel 39 is a share: its Udvikling is compared in percentage points
    t39 = udv[(udv["table_number"] == "39")]
    assert set(t39["unit"]) == {"procentpoint"} and (t39["excess"] <= 0).all()


def test_completeness_knows_laesoe_is_absent_from_ridefysioterapi(kkr_cells):
    comp = C.completeness_frame(kkr_cells, C.load_known_gaps(ROOT / "expectations" / "known_gaps.json"))
    assert not (~comp["present"] & ~comp["allowed_absent"]).any()
    laesoe = comp[(comp["geo_code"] == "825") & ~comp["present"]]
    # Bilag 1 tables 43-57 (kommune rows) and the practice plan's Tabel 16-17 (and its OCR'd repeat)
    assert set(laesoe["table_number"]) == {str(n) for n in (16, 17, 43, 45, 47, 49, 51, 53, 55, 57)}
    assert laesoe["allowed_absent"].all()
    # without the known gap, the same rows are missing
    assert (~C.completeness_frame(kkr_cells)["present"]).sum() == len(laesoe)


def test_gx_suites_pass_on_the_real_document_except_the_udvikling_warning(kkr_cells, validator):
    outcomes = {name: validator.validate(name, frame, "test-real") for name, frame in _frames(kkr_cells).items()}
    assert {n: o.success for n, o in outcomes.items()} == {
        "raw_cells_structure": True, "raw_cells_domain": True, "raw_totals": True,
        "raw_udvikling": False, "raw_completeness": True}
    assert not outcomes["raw_udvikling"].blocking and outcomes["raw_totals"].blocking
    assert "Tabel 22, row 'Region Nordjylland', column 'Udvikling 20-23', line 6851" in outcomes["raw_udvikling"].summary()
    assert outcomes["raw_cells_structure"].rows_checked == len(kkr_cells)
    # a failing suite renders the Data Docs at once, and links its own page (readable offline)
    docs = outcomes["raw_udvikling"].data_docs
    page = Path(docs.removeprefix("file://"))
    assert "/data_docs/local_site/validations/raw_udvikling/test-real/" in docs and page.exists()
    assert "Tabel" not in page.name and "Unsuccessful Expectations" in page.read_text(encoding="utf-8")
    # the offline index lists it, failed, with a link to that page, and needs no script
    index = page.parents[4] / "offline.html"
    text = index.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text.replace('href="index.html"', "")
    (row,) = [r for r in text.split("<tr") if page.relative_to(index.parent).as_posix() in r]
    assert "raw_udvikling" in row and "failed (1 of " in row


def test_gx_catches_a_changed_total_and_a_deleted_cell(tmp_path, corrupted_kkr, validator):
    db = tmp_path / "w.duckdb"
    staged = L.stage_document(db, corrupted_kkr / KKR)
    cells = C.cells_frame(L.load_cells(db, staged.load_id))
    frames = _frames(cells)
    totals = validator.validate("raw_totals", frames["raw_totals"], "test-corrupt")
    assert not totals.success
    text = totals.summary()
    # only the changed Total fails: 400 kr. more than its parts, far beyond the rounding of 12 printed numbers (6 kr.)
    assert text.count("\n    - ") == 1
    assert f"{KKR}, Tabel 19, row 'Total', column '2019', line 6758 [excess=393.0]" in text
    complete = validator.validate("raw_completeness", frames["raw_completeness"], "test-corrupt")
    assert not complete.success
    # Morsø's row lost a cell, so its figures cannot be placed: Tabel 25 has no Morsø
    assert f"{KKR}, Tabel 25, row 'Morsø', year 2021" in complete.summary()
    assert isinstance(frames["raw_totals"], pd.DataFrame)
