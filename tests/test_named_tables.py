"""The tables outside Bilag 1 that the first version lost or mislabelled, cell-exact, at their
lines: the budget catalogue (001), the slides (000) and Danske Regioner's Tabel 2 (004)."""

from __future__ import annotations

from conftest import D

from orchestration.extract.model import ProblemKind


def _table(doc, line):
    """The table with a cell on the given line."""
    found = [t for t in doc.result.tables if any(c.line == line for c in t.cells)]
    assert len(found) == 1, f"{len(found)} tables with a cell on line {line}"
    return found[0]


def _cells(t, row):
    return {c.column_label: c for c in t.cells if c.row_label == row}


def test_medicine_series_with_forecast_column(budget):
    t = _table(budget, 1368)
    assert t.caption == "1.7 Vækst i medicinudgifter" and t.status == "ok"
    assert t.columns == ["2021", "2022", "2023", "2024", "2025 (KR2)"]
    tilskud = _cells(t, "Tilskudsmedicin")
    assert [tilskud[c].value for c in t.columns] == [639, 684, 821, 784, 803]
    assert {c.unit for c in tilskud.values()} == {"mio. kr."} and tilskud["2021"].line == 1368
    forecast = _cells(t, "Sum")["2025 (KR2)"]
    assert (forecast.value, forecast.year, forecast.column_kind) == (1836, 2025, "forecast")
    assert forecast.raw == "1.836 mio. kr." and forecast.line == 1374 and forecast.is_total
    assert _cells(t, "Sum")["2021"].column_kind == "year"


def test_medicine_opdrift_with_year_columns(budget):
    t = _table(budget, 1472)
    assert t.columns == ["Budget 2025 (vedtaget)", "2025 (KR2)", "Forv. regnskab 2026*", "Opdrift 2026"]
    row = _cells(t, "Sygehusmedicin, inkl. særydelsesafregning")
    assert row["Budget 2025 (vedtaget)"].value == 1053 and row["Budget 2025 (vedtaget)"].column_kind == "budget"
    assert (row["Forv. regnskab 2026*"].value_low, row["Forv. regnskab 2026*"].value_high) == (1087, 1107)
    assert row["Opdrift 2026"].raw == "34-54 mio. kr." and row["Opdrift 2026"].line == 1472


def test_hospitalsbyen_funds_placed_by_their_sum(budget):
    t = _table(budget, 1612)
    assert t.stub == "Afsatte midler - Mio. kr." and t.columns == ["2026", "2027", "2028"] and t.status == "ok"
    konsolideret = _cells(t, "Konsoliderede opdrifts-midler fra tidligere år (til og med 2023)")
    assert konsolideret["2026"].value == D("41.4") and konsolideret["2026"].placed_by == "sum"
    assert konsolideret["2027"].value is None and konsolideret["2026"].line == 1612
    assert _cells(t, "Midler til rådighed for flytning og ibrugtagning")["2026"].value == D("233.6")
    # "... til og med budget 2025 152,2 ...": the year is the label's, not a column
    assert _cells(t, "Allerede afsatte budgetmidler til og med budget 2025")["2028"].value == D("152.2")


def test_hospitalsbyen_costs_by_group(budget):
    t = _table(budget, 1622)
    assert t.stub == "Mio. kr. - 2026 p/l" and t.unit == "mio. kr."
    somatik = [c for c in t.cells if c.row_label == "Bygningsudgifter" and c.year == 2026]
    assert [c.value for c in somatik] == [D("129.3"), D("34.2")] and somatik[0].line == 1622
    it_psykiatri = [c for c in t.cells if c.row_label == "IT-mæssige udgifter" and c.line == 1638]
    assert {c.read_as for c in it_psykiatri} == {"empty"}  # the row prints no figures
    total = _cells(t, "Hospitalsbyen i alt")
    assert [total[c].value for c in t.columns] == [D("371.4"), D("217.1"), D("203.9")]


def test_hospitalsbyen_financing(budget):
    need = _table(budget, 1799)
    assert _cells(need, "Forventede udgifter jf. tabel 2")["2026"].value == D("371.5")
    t = _table(budget, 1807)
    assert t.stub == "Finansieringsforslag - Mio. kr. - 2026 p/l"
    flytning = _cells(t, "2. Flytning af udgifter fra drift til anlæg")
    assert flytning["2026"].value == 40 and flytning["2026"].placed_by == "sum" and flytning["2027"].value is None
    robusthed = _cells(t, "3. Træk på Robusthedspulje")
    assert (robusthed["2026"].value, robusthed["2027"].value, robusthed["2028"].value) == (D("52.9"), D("14.9"), None)
    assert robusthed["2027"].line == 1809


def test_regional_udvikling_budget(budget):
    t = _table(budget, 7629)
    assert t.caption == "2 Regional Udvikling" and t.stub == "Regional Udvikling"
    assert t.columns == ["Budgetoplæg 2026", "Budgetforslag 2026"]
    kollektiv = _cells(t, "Kollektiv trafik")
    assert (kollektiv["Budgetoplæg 2026"].value, kollektiv["Budgetforslag 2026"].value) == (190075891, 205107200)
    assert {c.unit for c in kollektiv.values()} == {"kr."}  # budgets without a printed unit: kroner
    assert {c.column_kind for c in kollektiv.values()} == {"budget"}
    # one-figure items stand in the column they sum to under their parent row
    bus = _cells(t, "Betaling til Nordjyllands Trafikselskab busdrift")
    assert bus["Budgetoplæg 2026"].value == 191962134 and bus["Budgetoplæg 2026"].placed_by == "sum"
    assert bus["Budgetforslag 2026"].value is None and bus["Budgetoplæg 2026"].line == 7631
    lon = [c for c in t.cells if c.row_label == "Løn" and c.column_label == "Budgetoplæg 2026"]
    assert sorted(c.value for c in lon) == [15123558, 25866542]
    assert _cells(t, "Tjenestemandspens. vedr. privatbaner")["Budgetoplæg 2026"].value == 8595991
    # a one-figure row no sum places is reported, not guessed
    opgaveflyt = [p for p in t.problems if p.line == 7724]
    assert len(opgaveflyt) == 1 and opgaveflyt[0].kind is ProblemKind.AMBIGUOUS_ROW
    assert "-12.202.380" in opgaveflyt[0].message and t.status == "partial"
    assert not _cells(t, "Opgaveflyt jf. Sundhedsreformen")


def test_capital_budget_frames(budget):
    t = _table(budget, 8336)
    assert t.caption == "4.1 Anlægsbudget 2026 - sundhedsområdet" and t.columns == ["2026", "2027"]
    byggeri = _cells(t, "Byggeri ØA 2025")  # the year in the label is not a cell
    assert (byggeri["2026"].value, byggeri["2027"].value) == (D("304.8"), D("299.5"))
    beredskab = _cells(t, "Beredskabsindsatser inkl. anskaffelser til den regionale cybersikkerhed")
    assert [beredskab[c].line for c in t.columns] == [8345, 8349]  # figures on lines of their own
    total = _cells(t, "I alt")
    assert (total["2026"].value, total["2027"].value, total["2026"].line) == (D("436.8"), D("431.5"), 8355)


def _samlet(budget, line):
    t = _table(budget, line)
    return t, _cells(t, "Samlet, prioriteringsforslag")


def test_proposal_tables_once_lost(budget):
    t, samlet = _samlet(budget, 1247)
    assert t.caption == "1.5 Barselfonden" and samlet["Permanent"].value == 12
    assert samlet["Permanent"].column_kind == "permanent" and samlet["2026"].line == 1247
    t, samlet = _samlet(budget, 2137)
    assert t.caption == "1.12 Forberedelse til Sundhedsreformen" and t.columns[0] == "2025"
    assert samlet["2025"].value == D("25.00") and samlet["2025"].decimals == 2
    t, samlet = _samlet(budget, 4146)
    assert t.caption == "1.23 Kapacitetskonsolidering af kræftområdet"
    assert (samlet["2026"].value_low, samlet["2026"].value_high) == (D("4.5"), D("5.5"))
    assert _cells(t, "Midler fra Kræftplan V")["Permanent"].value == D("-35.4")
    t, samlet = _samlet(budget, 4995)
    assert t.caption == "1.26 Pårørendevejleder med fremskudt funktion i Psykiatriens Hus"
    assert samlet["2028"].value == D("0.6")
    t, samlet = _samlet(budget, 6602)
    assert t.caption == "1.35 SUND: Styrket KOL-behandling i Region Nordjylland"
    assert [samlet[c].value for c in t.columns] == [D("2.85"), D("2.61"), D("2.61"), D("2.61")]
    etablering = _cells(t, "Etableringsudgifter")  # "0,3    ": trailing spaces for three empty cells
    assert etablering["2026"].value == D("0.3") and etablering["2027"].read_as == "empty"


def test_merged_year_headers_give_each_cell_its_year(budget):
    for line, caption, value in [
        (5891, "1.30 Grøn omstilling i Region Nordjylland", "2.4"),
        (7077, "1.38 UAR: Evalueringsansættelser for sygeplejersker i Thisted", "2.0"),
        (7280, "1.40 Pulje til videreførelse af sundhedsklyngeindsatser i 2026", "1.0"),
    ]:
        t, samlet = _samlet(budget, line)
        assert t.caption == caption and t.columns == ["2026", "2027", "2028", "Permanent"]
        assert samlet["2026"].value == D(value) and samlet["2026"].year == 2026
        assert [samlet[c].read_as for c in t.columns[1:]] == ["empty"] * 3


def test_proposal_1_27_not_shifted(budget):
    t, samlet = _samlet(budget, 5340)
    drift = _cells(t, "Drift")  # "Drift  8,5 8,5 8,5": the wide gap is the empty 2026
    assert drift["2026"].read_as == "empty" and drift["2027"].value == D("8.5")
    assert drift["Permanent"].value == D("8.5") and drift["Permanent"].column_kind == "permanent"
    assert samlet["2026"].read_as == "empty"


def test_captions_of_proposals_1_11_and_1_40(budget):
    assert _table(budget, 2068).caption.startswith("1.11 ”Patienter i eget hjem”")
    assert _table(budget, 7278).caption.startswith("1.40 Pulje")


def test_column_major_figures(budget):
    """1.13: five rows whose figures the PDF printed one per line, column by column; the
    order is confirmed by the "Samlet" row they add up to."""
    t = _table(budget, 2654)
    hospitaler = _cells(t, "Til hospitaler")
    assert [hospitaler[c].value for c in t.columns] == [D("14.6"), D("17.8"), D("17.8"), D("17.8")]
    assert {c.placed_by for c in hospitaler.values()} == {"column_major"}
    assert hospitaler["2026"].section == "Drift – Lægelig videreuddannelse"
    assert _cells(t, "Ny Specialuddannelse i akutsygepleje")["2026"].value == D("3.2")
    # 1.37: a third figure belongs to one of two rows, which the text does not say: reported
    t = _table(budget, 6933)
    assert _cells(t, "Honorering til praksis")["2026"].value == D("0.3")
    assert any(p.line == 6925 and p.kind is ProblemKind.AMBIGUOUS_ROW for p in t.problems)


def test_car_t_staffing_table(budget):
    t = _table(budget, 2949)
    assert t.columns == ["Antal stillinger", "Permanent driftsudgift"]
    haemat = _cells(t, "Hæmatologisk afdeling")
    assert haemat["Permanent driftsudgift"].value == D("3.6")
    assert haemat["Permanent driftsudgift"].read_as == "decimal_point_slip"
    assert haemat["Antal stillinger"].read_as == "empty"
    assert _cells(t, "SUM")["Permanent driftsudgift"].value == D("5.2")


def test_slides_key_figures(slides):
    t = _table(slides, 66)
    rows = {c.row_label: c for c in t.cells}
    assert rows["Sundhedsvæsen"].value == D("14.8") and rows["Sundhedsvæsen"].unit == "mia. kr."
    assert rows["Sundhedsvæsen"].line == 66
    assert rows["Driftsbudget 2024"].value == D("15.9") and rows["Driftsbudget 2024"].line == 78
    assert len(t.cells) == 4
    # figures printed above their labels: each figure takes the label below it
    pairs = {c.row_label: c.value for c in _table(slides, 84).cells}
    assert pairs == {
        "indlæggelser": 80000,
        "operationer": 130000,
        "ambulante besøg": 1100000,
        "virtuelle besøg": 300000,
    }


def test_slides_new_gps_by_kommune(slides):
    t = _table(slides, 545)
    assert t.caption == "Hvor har de 86 læger nedsat sig"
    by_geo = {c.geo_code: c.value for c in t.cells}
    assert by_geo["851"] == 48 and by_geo["820"] == 5 and by_geo["825"] == 0 and len(by_geo) == 11
    assert {c.geo_match for c in t.cells} == {"column"} and {c.line for c in t.cells} == {545}


def test_danske_regioner_tabel_2_printed_apart_from_its_caption(regioner_dr):
    t = regioner_dr.table("2")
    assert t.status == "ok" and t.body_line is not None and t.caption_line == 128
    assert t.columns == ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]
    share = {(c.row_label, c.geo_code): c for c in t.cells}
    nord = share[("Bloktilskudsnøgle: sundhed (2021)", "1081")]
    assert nord.value == D("10.3") and nord.line == 163 and nord.unit == "%"
    assert share[("Befolkningsandel (1. kvartal 2021)", "1085")].value == D("14.4")
    assert len(t.cells) == 15 and not t.problems
