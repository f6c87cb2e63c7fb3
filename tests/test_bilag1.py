"""The practice plan's Bilag 1 (Tabel 18-57 of the KKR file): the core data, cell-exact."""

import pytest
from conftest import BILAG1, D, cell

KOMMUNE_CODES = {"810", "813", "860", "849", "825", "846", "773", "840", "787", "820", "851"}
REGION_CODES = {"1081", "1082", "1083", "1084", "1085"}
WITH_DATA = [n for n in range(18, 58) if n not in (27, 37, 38)]


@pytest.fixture(scope="module")
def bilag(kkr):
    return {n: kkr.table(str(n), *BILAG1) for n in range(18, 58) if n != 38}


def test_every_table_with_a_text_layer_has_data(bilag, kkr):
    assert kkr.tables("38") == []
    for n in (27, 37):
        assert bilag[n].status == "no_text_layer" and bilag[n].cells == []
    for n in WITH_DATA:
        if n < 42 or n % 2 == 0:  # 42, 44, ... are region tables
            assert bilag[n].status == "ok", (n, bilag[n].problems)
        else:  # specialer 65 and 57: no row for Læsø, which the table reports
            assert bilag[n].status == "partial", n
            assert [(p.kind.value, p.message) for p in bilag[n].problems] == [
                ("missing_rows", "no row for Læsø (825): the table has 10 of the 11 kommuner")
            ], n


def test_shape_of_every_table(bilag):
    """Region tables: 5 regions + Total over 2020-2023 + Udvikling; kommune tables: 11 kommuner
    (10 without Læsø for specialer 65 and 57) + Total over 2019-2023 + Udvikling."""
    total = 0
    for n in WITH_DATA:
        t = bilag[n]
        total += len(t.cells)
        geos = {c.geo_code for c in t.cells if not c.is_total}
        if n in (40, 41):
            continue
        years = sorted({c.year for c in t.cells if c.year})
        udvikling = [c for c in t.cells if c.period_from]
        if geos <= REGION_CODES:
            assert geos == REGION_CODES and years == [2020, 2021, 2022, 2023], n
            assert {(c.period_from, c.period_to) for c in udvikling} == {(2020, 2023)}
            assert {c.geo_code for c in t.cells if c.is_total} == {"DK"}
        else:
            expected = KOMMUNE_CODES - ({"825"} if n >= 42 else set())
            assert geos == expected, n
            assert years == [2019, 2020, 2021, 2022, 2023], n
            assert {(c.period_from, c.period_to) for c in udvikling} == {(2019, 2023)}
            assert {c.geo_code for c in t.cells if c.is_total} == {"1081"}
        assert len(udvikling) == len(geos) + 1
        assert all(c.value is not None for c in t.cells), n
    assert total == 1908  # 16 region tables x 30 + 11 x 72 + 8 x 66 + Tabel 40 (48) + 41 (60)


def test_tabel_19_wrapped_labels_and_kroner(bilag):
    t = bilag[19]
    c = cell(t, "813", "2019")
    assert c.row_label == "Frederikshavn" and c.value == 3909758 and c.unit == "kr."
    assert c.raw == "3.909.758 kr." and c.line == 6735
    v = cell(t, "820", "2023")
    assert v.row_label == "Vesthimmerlands" and v.value == 3837629
    assert cell(t, "820", "Udvikling 19-23").value == 19
    assert cell(t, "1081", "2019").value == 42135485 and cell(t, "1081", "2019").is_total
    assert t.perspective is None  # the header says only "Kommune"
    assert cell(t, "851", "Udvikling 19-23").value == -1


def test_tabel_29_wrapped_header_and_labels(bilag):
    t = bilag[29]
    assert t.perspective == "yder"  # "Kommune" / "(yder)" on two lines
    assert t.columns[-1] == "Udvikling 19-23"  # "Udvik-" / "ling" / "19-23"
    assert cell(t, "813", "2023").value == 11672083
    assert cell(t, "820", "2019").value == 9868923
    assert cell(t, "825", "Udvikling 19-23").value == -30


def test_tabel_28_total_slip(bilag):
    t = bilag[28]
    assert t.unit == "mio. kr." and t.perspective == "producerende"
    total_2020 = cell(t, "DK", "2020")
    assert total_2020.raw == "860.4" and total_2020.value == D("860.4")
    assert total_2020.read_as == "decimal_point_slip"
    assert cell(t, "DK", "2021").value == D("1017.4") and cell(t, "DK", "2021").read_as == "thousands"
    assert cell(t, "1081", "2023").value == D("127.2")
    assert cell(t, "1081", "2023").unit == "mio. kr."


def test_tabel_39_shares_in_percentage_points(bilag):
    t = bilag[39]
    laesoe = cell(t, "825", "2023")
    assert laesoe.value == 70 and laesoe.unit == "%"
    dev = cell(t, "825", "Udvikling 2019-2023")
    assert dev.value == 26 and dev.unit == "procentpoint" and (dev.period_from, dev.period_to) == (2019, 2023)
    assert cell(t, "1081", "2019").value == 54


def test_perspectives(bilag):
    assert bilag[21].perspective == "yder"
    assert bilag[26].perspective == "patient"
    assert bilag[47].perspective == "borger"
    assert bilag[18].perspective == "producerende"
    assert bilag[42].perspective == "forbrugende"
    assert {c.perspective for c in bilag[43].cells} == {"patient"}


def test_udgift_pr_patient_values(bilag):
    assert cell(bilag[21], "825", "2023").value == 1043  # "1.043 kr."
    assert cell(bilag[21], "1081", "Udvikling 19-23").value == 6
    assert cell(bilag[31], "773", "2023").value == 15023
    assert cell(bilag[20], "1081", "2020").value == 825


def test_printed_udvikling_kept_as_printed(bilag):
    # Tabel 22 prints 8% for Region Nordjylland although 323.411 -> 352.708 is +9.1%
    t = bilag[22]
    assert cell(t, "1081", "Udvikling 20-23").value == 8
    assert cell(t, "1081", "2020").value == 323411 and cell(t, "1081", "2023").value == 352708


def test_decimals(bilag):
    assert cell(bilag[24], "1081", "2020").value == D("7.28")
    assert cell(bilag[35], "825", "2023").value == D("32.45")


def test_laesoe_absent_from_riding_physiotherapy(bilag):
    for n in range(42, 58):
        assert "825" not in {c.geo_code for c in bilag[n].cells}, n


def test_tabel_49_ends_without_kilde(bilag):
    t = bilag[49]
    assert t.ended_by != "kilde"
    assert cell(t, "1081", "2023").value == 138
    assert cell(t, "849", "Udvikling 19-23").value == -26
    assert len(t.cells) == 66


def test_tabel_40_41_multiline_headers(bilag):
    t40, t41 = bilag[40], bilag[41]
    assert t40.columns == [
        "1 - Medfødte eller arvelige sygdomme",
        "2 - Erhvervede neurologiske sygdomme",
        "4 - Nedsættelse af led- og/eller muskelfunktion som følge af inflammatoriske gigtsygdomme",
        "Total antal patienter pr. kommune",
    ]
    assert len(t41.columns) == 5 and t41.columns[2] == "3 - Fysisk handicap som følge af ulykke"
    assert t41.columns[3].startswith("4 - Nedsættelse af led- og/eller muskelfunktion")
    assert cell(t40, "851", "2 - Erhvervede neurologiske sygdomme").value == 350
    assert cell(t40, "Total pr. diagnosegruppe", "Total antal patienter pr. kommune").value == 2100
    assert cell(t41, "Total pr. diagnosegruppe", "2 - Erhvervede neurologiske sygdomme").value == 4348
    assert cell(t41, "825", "3 - Fysisk handicap som følge af ulykke").value == 1
    assert all(c.year is None for c in t40.cells)


def test_lineage(bilag):
    t = bilag[23]
    c = cell(t, "851", "2019")
    assert (c.file, c.table, c.line, c.raw) == ("003_8f7892940b0a4590.txt", "23", 6898, "131.954")
    assert c.caption.startswith("Ydelser pr. år på speciale 51 fordelt på kommuner")
    assert c.table_id == "003_8f7892940b0a4590:L6874"
