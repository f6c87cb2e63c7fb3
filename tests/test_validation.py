"""The check frames and the GX suites, on real documents and on a corrupted copy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import BUDGET, KKR, REGIONER_DR, ROOT, SOURCES, TOTAL_2019_SLIP, corrupt

from orchestration import checks as C
from orchestration import load as L
from orchestration.validate import data_docs_index


@pytest.fixture(scope="module")
def kkr_cells(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "w.duckdb"
    staged = L.stage_document(db, SOURCES / KKR)
    return C.cells_frame(L.load_cells(db, staged.load_id))


@pytest.fixture(scope="module")
def validator(tmp_path_factory):
    from orchestration.gx_validation import Validator

    return Validator(tmp_path_factory.mktemp("warehouse"), ROOT / "expectations")


def _staged_cells(db, path):
    return C.cells_frame(L.load_cells(db, L.stage_document(db, path).load_id))


@pytest.fixture(scope="module")
def budget_totals(tmp_path_factory):
    return C.totals_frame(_staged_cells(tmp_path_factory.mktemp("db") / "w.duckdb", SOURCES / BUDGET))


def _frames(cells):
    gaps = C.load_known_gaps(ROOT / "expectations" / "known_gaps.json")
    totals = C.totals_frame(cells)
    return {
        "raw_cells_structure": cells,
        "raw_cells_domain": cells,
        "raw_totals": totals,
        "raw_totals_findings": totals,
        "raw_udvikling": C.udvikling_frame(cells),
        "raw_completeness": C.completeness_frame(cells, gaps),
    }


def test_measures_from_captions():
    """One classification of tables (extract.classify): these codes are the measures of the
    dbt seed maal, stored with each load and read by dbt as well as by these checks."""
    assert C.measure_of("Udgifter pr. patient pr. år til speciale 62 fordelt på kommuner") == "udgift_pr_patient_kr"
    assert C.measure_of("Ydelser pr. år pr. patient på speciale 65 fordelt på kommuner") == "ydelser_pr_patient"
    assert C.measure_of("Ydelser pr. år på speciale 57 fordelt på regioner") == "ydelser"
    assert C.measure_of("Udgifter pr. år angivet i mio. til speciale 51 fordelt på regioner") == "udgift_kr"
    assert C.measure_of("Antal patienter, der har modtaget behandling på speciale 62") == "patienter"
    # 003's Tabel 39 (line 7441) is a share, in %, not a count of patients
    tabel_39 = "Procentandel af patienter, der modtager holdtræning (speciale 62) ud af samtlige patienter"
    assert C.measure_of(tabel_39) == "andel_holdtraening" and C.speciale_of(tabel_39) == "62"
    assert C.measure_of("Patienter pr. 1.000 indbyggere på speciale 51") == "patienter_pr_1000_indbyggere"
    # a figure per patient of something no measure names is not a count of patients
    assert C.measure_of("Antal behandlinger pr. patient") is None and C.per_patient("Antal behandlinger pr. patient")
    assert C.speciale_of("Ydelser pr. år på speciale 57 fordelt på regioner") == "57"


def test_the_measures_are_those_of_the_seed_maal():
    import csv

    from orchestration.extract.classify import MEASURES

    with open(ROOT / "dbt_project" / "seeds" / "maal.csv", encoding="utf-8", newline="") as f:
        seed = {row["measure"]: row for row in csv.DictReader(f)}
    assert set(MEASURES) == set(seed)
    assert C.NON_ADDITIVE_MEASURES == {m for m, row in seed.items() if row["additive"] == "false"}
    assert C.NON_ADDITIVE_MEASURES == {
        "udgift_pr_patient_kr",
        "ydelser_pr_patient",
        "patienter",
        "patienter_pr_1000_indbyggere",
        "andel_holdtraening",
    }


def test_totals_add_up_in_the_real_document(kkr_cells):
    totals = C.totals_frame(kkr_cells)
    t28 = totals[(totals["table_number"] == "28") & (totals["year"] == 2020)].iloc[0]
    assert (t28["printed_total"], t28["raw"], t28["parts"]) == (860.4, "860.4", 5)
    assert t28["sum_of_parts"] == pytest.approx(860.4, abs=0.3)
    t19 = totals[
        (totals["caption"].str.startswith("Udgifter pr. år til speciale 51 fordelt på kommuner"))
        & (totals["year"] == 2019)
    ].iloc[0]
    assert (t19["printed_total"], t19["sum_of_parts"], t19["parts"]) == (42135485.0, 42135486.0, 11)
    assert (t19["verdict"], t19["interpretation"]) == ("agrees", "the rows since the previous total")
    # every total of Bilag 1 (tables 18-57) adds up; the patient tables are not additive
    bilag1 = totals[totals["line"] > 6700]
    assert len(bilag1) >= 60 and (bilag1["verdict"] == "agrees").all()
    assert not totals["caption"].str.contains("Antal patienter").any()
    # the social annex's Tabel 9 adds Silkeborg (outside the region) to the 11 kommuner
    t9 = totals[(totals["table_number"] == "9") & (totals["total_row"] == "I alt for kommunerne")]
    assert set(t9["verdict"]) == {"agrees"} and set(t9["parts"]) == {11}
    # what does not add up: no reading of these layouts fits, so nothing is claimed about them
    others = totals[totals["verdict"] != "agrees"]
    assert set(zip(others["table_number"], others["total_row"], others["verdict"])) == {
        ("16", "Hovedtotal", "unexplained"),
        ("21", "I alt", "unexplained"),
    }


def test_totals_of_the_budget_catalogue_find_its_slips(budget_totals):
    t = budget_totals

    def one(total_row, column, line):
        rows = t[(t["total_row"] == total_row) & (t["column_label"] == column) & (t["line"] == line)]
        assert len(rows) == 1, rows
        return rows.iloc[0]

    # the overview's Total prints 217,1 where its six areas (and their 37 proposals) give 212,1
    total = one("Total", "Min.", 593)
    assert (total["raw"], total["sum_of_parts"], total["verdict"]) == ("217,1", 212.1, "slip")
    assert one("Total", "Max.", 593)["verdict"] == "agrees"  # 252,1
    # the Hovedtotal is every numbered proposal above it: 239,4 and 279,4
    hoved = one("Hovedtotal", "Min.", 620)
    assert (hoved["sum_of_parts"], hoved["interpretation"]) == (239.4, "every numbered row above")
    assert one("Hovedtotal", "Max.", 620)["verdict"] == "agrees"
    # "Råderum (netto) 236,2" is an unlabelled subtotal of 277,2 and -41: the total is 236,2 + 15
    raaderum = one("I alt, råderum til budgetlægning 2026", "", 290)
    assert (raaderum["sum_of_parts"], raaderum["verdict"]) == (251.2, "agrees")
    # the medicine table's Sum is 2-4 mio. kr. below its three rows in four of five years
    medicin = t[(t["total_row"] == "Sum") & (t["line"] == 1374)].set_index("column_label")
    assert medicin.loc["2021", ["raw", "sum_of_parts", "verdict"]].tolist() == ["1.564 mio. kr.", 1567.0, "slip"]
    assert medicin["verdict"].value_counts().to_dict() == {"slip": 4, "agrees": 1}
    # the capital budget's I alt 2026 leaves out Digital Hjemmebehandling (5,3); 2027 adds up
    anlaeg = one("I alt", "2026", 8355)
    assert (anlaeg["raw"], anlaeg["sum_of_parts"], anlaeg["verdict"]) == ("436,8 mio. kr.", 442.1, "slip")
    assert one("I alt", "2027", 8355)["verdict"] == "agrees"
    assert "misread" not in set(t["verdict"])


def test_danmark_is_the_total_of_the_regions(tmp_path):
    totals = C.totals_frame(_staged_cells(tmp_path / "w.duckdb", SOURCES / REGIONER_DR))
    by_column = totals.set_index("column_label")
    assert by_column.loc["Opslåede", ["total_row", "printed_total", "verdict"]].tolist() == [
        "Danmark",
        1045.0,
        "agrees",
    ]
    # the table's note says the regions' unfilled posts cannot be compared with the country's
    assert by_column.loc["Ubesatte ifht gældende plan", "verdict"] == "unexplained"


def test_a_slip_warns_and_a_misread_blocks(tmp_path, validator):
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    slipped, misread = tmp_path / "slip" / KKR, tmp_path / "misread" / KKR
    for path, (old, new) in ((slipped, TOTAL_2019_SLIP), (misread, ("Total 42.135.485 kr.", "Total 4.213.548 kr."))):
        path.parent.mkdir()
        path.write_text(corrupt(text, old, new), encoding="utf-8")
    slip = C.totals_frame(_staged_cells(tmp_path / "slip.duckdb", slipped))
    row = slip[(slip["line"] == 6758) & (slip["year"] == 2019)].iloc[0]
    assert (row["printed_total"], row["sum_of_parts"], row["verdict"]) == (42135885.0, 42135486.0, "slip")
    assert validator.validate("raw_totals", slip, "test-slip").success  # the blocking suite passes
    findings = validator.validate("raw_totals_findings", slip, "test-slip")
    assert not findings.success and not findings.blocking
    assert (
        f"{KKR}, Tabel 19, row 'Total', column '2019', line 6758, printed '42.135.885 kr.', its parts add up to 4.21355e+07"  # noqa: E501
        in findings.summary()
    )
    bad = C.totals_frame(_staged_cells(tmp_path / "misread.duckdb", misread))
    row = bad[(bad["line"] == 6758) & (bad["year"] == 2019)].iloc[0]
    assert (row["printed_total"], row["verdict"]) == (4213548.0, "misread")  # a tenth of its parts
    blocked = validator.validate("raw_totals", bad, "test-misread")
    assert not blocked.success and blocked.blocking
    # a lost row: Aalborg's row gone, the Total is a third too big in every year
    lost = tmp_path / "lost" / KKR
    lost.parent.mkdir()
    aalborg = next(ln for ln in text.splitlines()[6740:6760] if ln.startswith("Aalborg "))
    lost.write_text(corrupt(text, aalborg + "\n", ""), encoding="utf-8")
    gone = C.totals_frame(_staged_cells(tmp_path / "lost.duckdb", lost))
    t19 = gone[(gone["table_number"] == "19") & (gone["line"] > 6700)]  # Bilag 1 (the annex has a Tabel 19 too)
    assert len(t19) == 5 and set(t19["verdict"]) == {"misread"}
    assert not validator.validate("raw_totals", gone, "test-lost").success


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
    # the findings suite warns about the two annex tables whose totals no reading fits
    assert {n: o.success for n, o in outcomes.items()} == {
        "raw_cells_structure": True,
        "raw_cells_domain": True,
        "raw_totals": True,
        "raw_totals_findings": False,
        "raw_udvikling": False,
        "raw_completeness": True,
    }
    assert not outcomes["raw_udvikling"].blocking and outcomes["raw_totals"].blocking
    assert not outcomes["raw_totals_findings"].blocking
    assert (
        "Tabel 22, row 'Region Nordjylland', column 'Udvikling 20-23', line 6851" in outcomes["raw_udvikling"].summary()
    )
    assert outcomes["raw_cells_structure"].rows_checked == len(kkr_cells)
    # a failing suite renders the Data Docs at once, and links its own page (readable offline)
    docs = outcomes["raw_udvikling"].data_docs
    page = Path(docs.removeprefix("file://"))
    assert "/data_docs/local_site/validations/raw_udvikling/test-real/" in docs and page.exists()
    assert "Tabel" not in page.name and "Unsuccessful Expectations" in page.read_text(encoding="utf-8")
    # the offline index lists it, failed, with a link to that page, and needs no script
    index = page.parents[4] / "offline.html"
    assert index == data_docs_index(validator.warehouse_dir)  # found without GX
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
    # only the changed Total fails: a tenth of its parts, a digit lost
    assert text.count("\n    - ") == 1
    assert f"{KKR}, Tabel 19, row 'Total', column '2019', line 6758, printed '4.213.548 kr.'" in text
    complete = validator.validate("raw_completeness", frames["raw_completeness"], "test-corrupt")
    assert not complete.success
    # Morsø's row lost a cell, so its figures cannot be placed: Tabel 25 has no Morsø
    assert f"{KKR}, Tabel 25, row 'Morsø', year 2021" in complete.summary()
    assert isinstance(frames["raw_totals"], pd.DataFrame)


def test_one_rounding_rule_in_python_and_in_dbt():
    """The rounding a printed figure allows: numbers.half_unit for the extractor and the load
    checks, the dbt macro half_unit for the marts. The macro, evaluated by DuckDB, gives the
    same as the function for every number of decimals a document prints."""
    import re

    import duckdb

    from orchestration.extract.numbers import half_unit

    macro = (ROOT / "dbt_project" / "macros" / "half_unit.sql").read_text(encoding="utf-8")
    body = re.search(r"\{% macro half_unit\(decimals\) -%\}(.*?)\{%- endmacro %\}", macro, re.S).group(1)
    con = duckdb.connect()
    for decimals in range(7):
        sql = body.replace("{{ decimals }}", str(decimals)).strip()
        assert con.execute(f"select {sql}").fetchall()[0][0] == float(half_unit(decimals)), decimals
    assert C._tolerance(2) == 0.005 and C._tolerance(None) == 0.5


def test_the_data_docs_keep_the_newest_validations_and_render_only_new_pages(tmp_path, budget_totals):
    """Each build renders the pages of the validations that have none yet, and drops all but
    the newest KEEP_VALIDATIONS validations of each suite with their pages; a removed site is
    rendered whole again."""
    from orchestration.gx_validation import Validator

    validator = Validator(tmp_path / "warehouse", ROOT / "expectations")
    runs = [validator.validate("raw_totals", budget_totals, f"run-{i}", build_docs=False) for i in range(4)]
    assert all(r.success for r in runs)
    site = tmp_path / "warehouse" / "gx" / "uncommitted" / "data_docs" / "local_site"
    stored = tmp_path / "warehouse" / "gx" / "uncommitted" / "validations" / "raw_totals"
    assert not (site / "index.html").exists()
    validator.build_docs()
    pages = sorted(p.relative_to(site / "validations" / "raw_totals").parts[0] for p in site.rglob("run-*/*/*.html"))
    assert pages == ["run-0", "run-1", "run-2", "run-3"]
    first = next(site.rglob("run-0/*/*.html"))
    first.write_text("rendered before", encoding="utf-8")  # a page is not rendered again
    validator.validate("raw_totals", budget_totals, "run-4", build_docs=False)
    validator.build_docs()
    assert first.read_text(encoding="utf-8") == "rendered before" and next(site.rglob("run-4/*/*.html")).exists()
    assert validator.prune_validations(keep=2) == 3
    assert sorted(p.name for p in stored.iterdir()) == ["run-3", "run-4"]
    assert sorted(p.parts[-3] for p in site.rglob("run-*/*/*.html")) == ["run-3", "run-4"]
    validator.build_docs()  # the offline index lists what is kept
    index = (site / "offline.html").read_text(encoding="utf-8")
    assert "run-4" in index and "run-3" in index and "run-0" not in index
    import shutil

    shutil.rmtree(site)
    validator.build_docs()
    assert sorted(p.parts[-3] for p in site.rglob("run-*/*/*.html")) == ["run-3", "run-4"]
