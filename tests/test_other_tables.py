"""Practice plan Tabel 1-17, the Socialtilsyn report, Danske Regioner's Tabel 1, the budget overview."""

from conftest import PRACTICE_PLAN, SOCIALTILSYN, D, cell

from orchestration.extract.model import ProblemKind


def test_practice_plan_images_are_reported_not_invented(kkr):
    for n in ("3", "4", "5", "6", "7", "8", "10", "11", "15"):
        t = kkr.table(n, *PRACTICE_PLAN)
        assert t.status == "no_text_layer" and t.cells == [], n


def test_practice_tabel_1_2(kkr):
    t1 = kkr.table("1", *PRACTICE_PLAN)
    assert [(c.year, c.value) for c in t1.cells] == [(2019, 51), (2020, 71), (2021, 76), (2022, 69), (2023, 51)]
    t2 = kkr.table("2", *PRACTICE_PLAN)
    assert cell(t2, "851", "Antal praksis").value == 14
    total = cell(t2, "1081", "Antal praksis")
    assert total.value == 50 and total.is_total and total.row_label == "Region Nordjylland total"
    assert sum(c.value for c in t2.cells if not c.is_total) == 50


def test_practice_tabel_9_columns_with_years(kkr):
    t = kkr.table("9", *PRACTICE_PLAN)
    assert t.columns == ["Antal praksis 2019", "Antal praksis 2024"]
    assert cell(t, "5+ fysioterapeuter", "2024").value == 36
    assert cell(t, "3-4 fysioterapeuter", "2019").value == 16


def test_practice_tabel_12_week_ranges(kkr):
    t = kkr.table("12", *PRACTICE_PLAN)
    assert t.perspective == "yder"
    c = cell(t, "840", "Speciale 62 Forventet ventetid Korteste-længste")
    assert (c.value_low, c.value_high, c.unit, c.value) == (1, 30, "uger", None)
    laesoe = cell(t, "825", "Speciale 51 Forventet ventetid Korteste-længste")
    assert (laesoe.value, laesoe.unit) == (0, "uger")
    assert cell(t, "773", "Speciale 62 Forventet ventetid Korteste-længste").value == 36
    assert cell(t, "851", "Antal praksis").value == 14


def test_practice_tabel_13_empty_cells_do_not_shift(kkr):
    t = kkr.table("13", *PRACTICE_PLAN)
    assert t.columns == ["Speciale 51 Antal praksis", "Speciale 62 Antal praksis"]
    assert cell(t, "0-2", "Speciale 51 Antal praksis").value == 45
    empty = cell(t, "6-8", "Speciale 51 Antal praksis")
    assert empty.value is None and empty.read_as == "empty"
    assert cell(t, "6-8", "Speciale 62 Antal praksis").value == 8
    assert cell(t, "Ej angivet", "Speciale 51 Antal praksis").value == 2


def test_practice_tabel_14_empty_and_annotated(kkr):
    t = kkr.table("14", *PRACTICE_PLAN)
    col = "Antal praksis ridefysioterapi"
    frederikshavn = cell(t, "813", col)
    assert frederikshavn.value is None and frederikshavn.read_as == "empty"
    morsoe = cell(t, "773", col)
    assert (morsoe.value, morsoe.annotation, morsoe.raw) == (1, "parenthesised", "(1)")
    assert cell(t, "787", col).value == 2
    assert cell(t, "1081", col).value == 7
    assert len(t.cells) == 12


def test_practice_tabel_16_17(kkr):
    t16 = kkr.table("16", *PRACTICE_PLAN)
    assert t16.perspective == "patient"
    assert cell(t16, "1081", "2023").value == 816
    assert cell(t16, "773", "Udvikling 19-23").value == -16
    t17 = kkr.table("17", *PRACTICE_PLAN)
    assert cell(t17, "810", "Udvikling 19-23").value == 300
    assert cell(t17, "1081", "2023").value == 110
    assert "825" not in {c.geo_code for c in t16.cells + t17.cells}


def test_socialtilsyn_footnote_markers_not_glued(kkr):
    t1 = kkr.table("1", *SOCIALTILSYN)
    voksen = [c for c in t1.cells if c.row_label.startswith("Voksenområdet") and c.year == 2024][0]
    assert voksen.raw == "6959" and voksen.value == 695 and voksen.read_as == "footnote_marker_stripped:9"
    total = cell(t1, "I alt", "2024")
    assert total.value == 1070 == 5 + 370 + voksen.value
    assert cell(t1, "Børne og ungeområdet", "2023").value is None  # "-"
    t21 = kkr.table("21", *SOCIALTILSYN)
    assert cell(t21, "Tilbud", "Tilbagetrukne ansøgninger").value == 4  # "424": 4 and footnote 24


def test_socialtilsyn_tables(kkr):
    t3 = kkr.table("3", *SOCIALTILSYN)
    assert cell(t3, "Varslet påbud", "2020").value == 4
    t6 = kkr.table("6", *SOCIALTILSYN)
    assert t6.columns == ["Dialogmøde", "Varslet påbud", "Påbud", "I alt"]
    assert cell(t6, "Målgruppe, metoder og resultater", "I alt").value == 15
    t7 = kkr.table("7", *SOCIALTILSYN)
    assert t7.unit == "mio. kr."
    slip = cell(t7, "Indtægter fra objektiv finansiering", "Regnskab 2024")
    assert slip.raw == "-19.156" and slip.value == D("-19.156")
    assert cell(t7, "Tilkøbsydelser udgifter", "Budget 2024").value is None
    assert cell(t7, "Tilkøbsydelser udgifter", "Regnskab 2024").value == D("0.360")
    t9 = kkr.table("9", *SOCIALTILSYN)
    assert cell(t9, "820", "Objektiv finansieringsudgift pr. kommune").value == 1103062
    assert cell(t9, "Silkeborg", "Andel").value == D("18.0")
    assert cell(t9, "Silkeborg", "Andel").geo_code is None
    t10 = kkr.table("10", *SOCIALTILSYN)
    c = [x for x in t10.cells if x.section == "Skærpet tilsyn" and x.row_label == "50+ pladser" and x.year == 2024]
    assert len(c) == 1 and c[0].value == 13156
    t11 = kkr.table("11", *SOCIALTILSYN)
    assert cell(t11, "Godkendelse af BPA-arbejdsgivervirksomheder", "2024").value == 24192
    t12 = kkr.table("12", *SOCIALTILSYN)
    assert cell(t12, "Tilbud til både børn, unge og voksne", "2021").value == 52
    t16 = kkr.table("16", *SOCIALTILSYN)
    assert cell(t16, "Hovedtotal", "I alt").value == 6860
    assert t16.status == "partial"  # rows whose cells cannot be placed are reported, not guessed
    assert any(
        p.line == 3998 and p.kind is ProblemKind.AMBIGUOUS_ROW and "ambiguous" in p.message for p in t16.problems
    )
    t18 = kkr.table("18", *SOCIALTILSYN)
    visits = [
        c
        for c in t18.cells
        if c.section == "Tilbudsområdet"
        and c.column_label == "Besøg i alt"
        and c.row_label == "Driftsorienterede tilsynsbesøg"
    ]
    assert len(visits) == 1 and visits[0].value == 679
    t23 = kkr.table("23", *SOCIALTILSYN)
    assert cell(t23, "Sociale tilbud", "Ønsket ophør").value == 2  # "226": 2 and footnote 26


def test_danske_regioner_tabel_1(regioner_dr):
    t = regioner_dr.table("1")
    assert t.columns == ["Gældende dimensioneringsplan", "Opslåede", "Besatte", "Ubesatte ifht gældende plan"]
    assert cell(t, "Videreuddannelsesregion Nord", "Gældende dimensioneringsplan").value == D("345.5")
    assert cell(t, "Videreuddannelsesregion Øst", "Ubesatte ifht gældende plan").value == 54
    assert cell(t, "DK", "Gældende dimensioneringsplan").value == D("1006.5")
    assert len(t.cells) == 16


def test_budget_overview(budget):
    overview = budget.block("Samlet overblik")[0]
    assert overview.columns == ["Min.", "Max."]
    rows = {(c.row_number, c.row_label, c.column_label): c for c in overview.cells}
    c = rows[("1.17", "Konsolidering af Afdeling for Hud- og Kønssygdomme", "Min.")]
    assert c.value == D("3.8") and c.unit == "mio. kr."
    assert c.section == "Robustgørelse af de somatiske hospitaler"
    wrapped = rows[
        ("1.14", "Styrkelse af kapaciteten på de somatiske hospitaler mhp. overholdelse af patientrettigheder", "Max.")
    ]
    assert wrapped.value == 20
    assert rows[("1.32", 'Finansiering fra "En stærkere Psykiatri"', "Min.")].value == D("-34.5")
    # the catalogue numbers two proposals 1.27: both are kept
    assert len([k for k in rows if k[0] == "1.27" and k[2] == "Min."]) == 2
    assert rows[(None, "Hovedtotal", "Max.")].value == D("279.4")


def test_budget_proposal_blocks(budget):
    blocks = budget.block("1.1 Helårsvirkninger")
    drift = [c for b in blocks for c in b.cells if c.row_label == "Drift" and c.year == 2026]
    assert drift and drift[0].value == D("3.4") and drift[0].unit == "mio. kr."


def test_slides_year_series(slides):
    block = [t for t in slides.result.tables if t.stub == "År"][0]
    assert block.caption == "Forventet tilgang af speciallæger i almen medicin i Region Nordjylland"
    c = [x for x in block.cells if x.year == 2029 and x.column_label == "Nettotilvækst i RN"]
    assert len(c) == 1 and c[0].value == 41
