"""Each rule of the extractor on a few lines of text: what it reads, and what it reports."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from conftest import SOURCES

from orchestration.extract.body import collect_body
from orchestration.extract.document import extract_text
from orchestration.extract.furniture import find_furniture
from orchestration.extract.lines import LineIndex, read_cells
from orchestration.extract.model import DocumentResult, ProblemKind
from orchestration.extract.placement import place_by_spaces, usual_spacing
from orchestration.extract.settings import ExtractionSettings


def extract(text: str, name: str = "doc.txt"):
    from pathlib import Path

    return extract_text(Path(name), text, DocumentResult(name, name))


def cells_of(result, row: str) -> list:
    return [c for c in result.cells if c.row_label == row]


def values(result, row: str) -> list:
    return [c.value for c in sorted(cells_of(result, row), key=lambda c: c.col_index)]


# -- reading a line ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line,raws,unit",
    [
        ("Tilskudsmedicin 639 mio. kr. 684 mio. kr.", ["639 mio. kr.", "684 mio. kr."], "mio. kr."),
        ("Sundhedsvæsen 14,8 mia. kr.", ["14,8 mia. kr."], "mia. kr."),
        ("Læger 0,5 0,5 mio.kr.", ["0,5", "0,5 mio.kr."], None),
        ("Aalborg 1.043kr. 5 %", ["1.043kr.", "5 %"], "kr."),
        ("Uomgængelige udgifter 92,4 – 117,4 mio. kr.", ["92,4 – 117,4 mio. kr."], "mio. kr."),
    ],
)
def test_units_and_ranges(line, raws, unit):
    _, _, cells = read_cells(line, 1)
    assert [c.raw for c in cells] == raws
    assert cells[0].unit == unit


def test_thousands_with_spaces():
    _, _, cells = read_cells("Brønderslev 2 851 115 kr. 2\u00a0600\u00a0000 kr. 5%", 1)
    assert [c.value for c in cells] == [2851115, 2600000, 5]
    assert cells[0].read_as == "thousands_space"


@pytest.mark.parametrize(
    "line", ["Tlf.: 35 36 66 00", "30. april 2025", "pr. 1. januar 2025", "3.-4. kvartal 2025", "Kapacitet spec. 51"]
)
def test_numbers_of_the_label(line):
    assert read_cells(line, 1)[2] == []


def test_text_cells_after_figures():
    label, _, cells = read_cells("0,56 0,89 1,45 Ej angivet Ej angivet", 1)
    assert [c.read_as for c in cells] == ["decimal_comma"] * 3 + ["text", "text"]
    assert read_cells("Ej angivet 2 2", 1)[0] == "Ej angivet"  # a row label, not a text cell


# -- page furniture -------------------------------------------------------------------------------------
def test_page_numbers_and_running_headers():
    lines = []
    for page in range(7, 11):
        lines += [f"Tekst på side {page}."] * 14 + [
            f"{page}",
            " Praksisplan for fysioterapi 2025",
            f"Budget 2026 Budgetkatalog {page}",
        ]
    furniture = find_furniture(lines)
    kinds = {lines[i]: why for i, why in furniture.items()}
    assert kinds["7"] == "page number" and kinds["10"] == "page number"
    assert "running" in kinds[" Praksisplan for fysioterapi 2025"]
    assert "running" in kinds["Budget 2026 Budgetkatalog 9"]
    assert not any(line.startswith("Tekst") for line in kinds)


def test_figures_printed_one_per_line_are_not_page_numbers():
    lines = ["723", "", "723", "", "44", "", "44"] * 3
    assert find_furniture(lines) == {}


# -- collecting a body -----------------------------------------------------------------------------------
TABLE = """Tabel 5: Udgifter pr. år til speciale 51 fordelt på kommuner
Kommune 2019 2020 Udvikling 19-23
Brønderslev 1.000 kr. 1.100 kr. 10%
Frederiks-
havn 2.000 kr. 2.200 kr. 10%
17
 Praksisplan for fysioterapi 2025
Kommune 2019 2020 Udvikling 19-23
Hjørring 3.000 kr. 3.300 kr. 10%
Total 6.000 kr. 6.600 kr. 10%
Kilde: LUNA
"""


def test_page_break_and_repeated_header_inside_a_table():
    lines = TABLE.splitlines()
    index = LineIndex(lines, {5, 6})  # the page number and the running header
    body = collect_body(index, 1, len(lines))
    assert [r.label_parts[-1][0].strip() for r in body.rows] == ["Brønderslev", "havn", "Hjørring", "Total"]
    assert body.skipped == {6: "page furniture", 7: "page furniture", 8: "header repeated"}
    assert body.ended_by == "kilde"


def test_new_header_after_a_table_ends_it():
    text = """Afsatte midler - Mio. kr. 2026 2027 2028
Allerede afsat 152,2 152,2 152,2
Midler til rådighed 233,6 152,2 152,2
Mio. kr. - 2026 p/l 2026 2027 2028
Bygningsudgifter 129,3 96,9 94,8
"""
    body = collect_body(LineIndex(text.splitlines()), 0, 5)
    assert body.ended_by == "next_header" and body.end_line == 3


def test_heading_ends_a_table_but_a_numbered_label_does_not():
    text = """Budget 2026 (mio. kr.) Min. Max.
Robustgørelse af de somatiske hospitaler 51,2 62,2
1.14 Styrkelse af kapaciteten på de somatiske hospitaler mhp. overholdelse af
patientrettigheder
10 20
1.15 Drift af avanceret CAR-T behandling 5,7 5,7
 1.14 Styrkelse af kapaciteten på de somatiske hospitaler
Hospital/virksomhed/område forslaget vedrører: Aalborg Universitetshospital og andre
"""
    result = extract(text)
    t = result.tables[0]
    assert values(
        result, "Styrkelse af kapaciteten på de somatiske hospitaler mhp. overholdelse af patientrettigheder"
    ) == [10, 20]
    assert [c.row_number for c in t.cells if c.column_label == "Min."][1:] == ["1.14", "1.15"]
    assert t.end_line == 6


# -- placing short rows ----------------------------------------------------------------------------------
def test_trailing_spaces_mark_empty_cells():
    rows = [("Drift 3,4 2,3 2,3 2,3 ", 5, read_cells("Drift 3,4 2,3 2,3 2,3 ", 1)[2])]
    usual = usual_spacing(rows)
    text = "Drift 2,0    "
    label, end, cells = read_cells(text, 2)
    placed = place_by_spaces(text, end, cells, 4, usual)
    assert [c and c.raw for c in placed] == ["2,0", None, None, None]
    text = "Drift  8,5 8,5 8,5 "
    label, end, cells = read_cells(text, 3)
    assert [c and c.raw for c in place_by_spaces(text, end, cells, 4, usual)] == [None, "8,5", "8,5", "8,5"]


def test_items_placed_by_the_sum_of_their_parent():
    text = """Regional Udvikling Budgetoplæg 2026 Budgetforslag 2026
Kollektiv trafik 190.075.891 205.107.200
Busdrift 191.962.134
Togdrift 141.338.589
Tilskud fra staten -143.224.832
Jordforurening 45.353.806 45.353.806
Løn 15.123.558
Andre udgifter 30.230.248
"""
    result = extract(text)
    assert values(result, "Busdrift") == [191962134, None]
    assert {c.placed_by for c in cells_of(result, "Busdrift")} == {"sum"}
    assert values(result, "Andre udgifter") == [30230248, None]


def test_a_short_row_no_sum_explains_is_reported():
    text = """Regional Udvikling Budgetoplæg 2026 Budgetforslag 2026
Kollektiv trafik 190 205
Busdrift 150
Togdrift 40
DUT-ændringer 5 5
Opgaveflyt -12
Finansering i alt 195 210
"""
    result = extract(text)
    assert values(result, "Busdrift") == [150, None]
    problems = [p for p in result.problems if p.kind is ProblemKind.AMBIGUOUS_ROW]
    assert [p.line for p in problems] == [6] and not cells_of(result, "Opgaveflyt")


def test_column_major_run_checked_against_its_total():
    text = """Økonomisk konsekvens (P/L-2025; mio. kr.)
 2026 2027 2028 Permanent
Drift
Til hospitaler
Praksisreservelægepuljen
14,6
16,1
17,8
29,8
Samlet, prioriteringsforslag 30,7 47,6   
Eventuelle bemærkninger til forslaget følger i teksten nedenfor, som ikke er en tabel.
"""
    result = extract(text)
    assert values(result, "Til hospitaler") == [D("14.6"), D("17.8"), None, None]
    assert values(result, "Praksisreservelægepuljen") == [D("16.1"), D("29.8"), None, None]
    assert cells_of(result, "Til hospitaler")[0].section == "Drift"


def test_column_major_run_that_does_not_add_up_is_reported():
    text = """ 2026 2027
Til hospitaler
Praksis
14,6
16,1
Samlet 99,9 1,0
"""
    result = extract(text)
    assert not cells_of(result, "Til hospitaler") and not cells_of(result, "Til hospitaler Praksis")
    reported = {
        ln
        for p in result.problems
        for ln in p.lines
        if p.kind in (ProblemKind.AMBIGUOUS_ROW, ProblemKind.REJECTED_BLOCK)
    }
    assert {4, 5} <= reported


def test_year_in_a_label_is_not_a_column():
    text = """Budget 2026 (mio. kr.) Min. Max.
Udvikling og digitalisering 13,2 15,2
1.27 Investeringsramme til udviklingsindsatser 2026 0 0
1.28 Cyber- og informationssikkerhed 3 5
I alt 2025-2030 206 61
"""
    result = extract(text)
    t = result.tables[0]
    assert t.columns == ["Min.", "Max."]
    assert values(result, "Investeringsramme til udviklingsindsatser 2026") == [0, 0]
    assert values(result, "I alt 2025-2030") == [206, 61]


# -- other layouts -----------------------------------------------------------------------------------------
def test_value_first_pairs():
    text = "Sundhed i tal\n\n80.000\n\nindlæggelser\n\n130.000\n\noperationer\n\nNæste slide handler om noget helt andet end tal.\n"  # noqa: E501
    result = extract(text)
    assert {c.row_label: c.value for c in result.cells} == {"indlæggelser": 80000, "operationer": 130000}


def test_caption_without_its_body_adopts_the_block_below():
    text = """Tabel 2. Andel af årsværk i forhold til befolkningsandel og bloktilskudsnøgle

Som det fremgår af tabellen, bliver der særligt i Region Sjælland besat en mindre andel.

Hovedstaden Sjælland Syddanmark Midtjylland Nordjylland
Befolkningsandel 31,8 14,4 21 22,8 10,1
Bloktilskudsnøgle: sundhed (2021) 31,3 15,4 21,4 21,6 10,3
"""
    result = extract(text)
    t = result.tables[0]
    assert t.table == "2" and t.status == "ok" and t.body_line == 5
    assert values(result, "Bloktilskudsnøgle: sundhed (2021)")[-1] == D("10.3")
    assert {c.unit for c in t.cells} == {"%"}


def test_rejected_candidate_is_reported_with_its_reason():
    text = """Det er en lang indledende sætning om noget, som ikke er en tabel overhovedet.
Mandag 8-15
Tirsdag 8-15
Onsdag 8-15 12 14 16 18
"""
    result = extract(text)
    assert not result.tables
    kinds = {p.kind for p in result.problems}
    assert kinds & {ProblemKind.REJECTED_BLOCK, ProblemKind.FIGURES_OUTSIDE_TABLE}
    assert result.accounting.counts["unaccounted"] == 0


def test_settings_are_one_object():
    strict = ExtractionSettings(section_gap_blank_lines=2)
    assert strict.section_gap_blank_lines == 2 and ExtractionSettings().prose_words == 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        strict.prose_words = 3  # frozen


def test_block_whose_columns_are_addresses_is_rejected_with_the_address():
    """The practice plan's clinic list (003, Bilag 3): name, address, capacities, waiting
    times. Without the PDF's positions the address reads as a column label; the candidate is
    rejected as soon as its columns are known, and its figures are reported, not read."""
    text = """Klinik Adresse Kapacitet

spec. 51

Kapacitet

spec. 62

BeneFiT Dronninglund ApS Rørholtvej 3 A

9330 Dronninglund

2,76 2,62 5,38 0 2

FysioDanmark Brønderslev

Fysioterapi

Centret 20 A

9700 Brønderslev

4,71 3,00 7,71 2 4
"""
    result = extract(text)
    assert not result.tables
    rejected = [p for p in result.problems if p.kind is ProblemKind.REJECTED_BLOCK]
    assert [p.line for p in rejected] == [13, 23]
    assert "a column would be named 'Rørholtvej 3 A'" in rejected[0].message
    assert result.accounting.counts["problem"] == 10 and result.accounting.counts["cell"] == 0


def test_a_long_list_is_not_read_again_from_every_entry():
    """003's clinic list, 20 times over (640 lines in one run): every entry could head a table,
    and each candidate reads the run on for up to max_block_lines. After
    max_rejected_candidates_per_run rejected candidates in a row, each starting inside the one
    before, the scan goes on past them, so the list costs its length, not its length squared;
    every figure is still reported with the reason of the candidate that covered it."""
    from pathlib import Path

    from orchestration.extract.document import DocumentExtractor

    lines = (SOURCES / "003_8f7892940b0a4590.txt").read_text(encoding="utf-8").split("\n")
    assert lines[8567].startswith("FysioDanmark Hjørring I/S")
    text = "\n".join(lines[8560:8567]) + "\n" + ("\n".join(lines[8567:8598]) + "\n") * 20
    ex = DocumentExtractor(Path("list.txt"), text)
    ex.blocks()
    chain = ExtractionSettings().max_rejected_candidates_per_run
    overlapping = [b.first_line <= a.last_line for a, b in zip(ex.rejected, ex.rejected[1:])]
    assert not any(all(overlapping[i : i + chain]) for i in range(len(overlapping) - chain + 1))
    assert len(ex.rejected) < 30  # 38 when every entry was tried
    result = extract(text, "list.txt")
    figures = 20 * 25  # five figures on each of the five figure lines of the 31 lines
    assert result.accounting.counts["problem"] >= figures and result.accounting.counts["unaccounted"] == 0
    assert result.accounting.counts["cell"] == 0
    assert all(p.kind is ProblemKind.REJECTED_BLOCK for p in result.problems)


@pytest.mark.parametrize(
    "text,start,words",
    [
        ("Aalborg  1.043 kr.   5 %", 0, [("Aalborg", 0), ("1.043", 9), ("kr.", 15), ("5", 21), ("%", 23)]),
        ("  Frederiks-\thavn 12\t 14", 0, [("Frederiks-", 2), ("havn", 13), ("12", 18), ("14", 22)]),
        # a non-breaking space is not a word break: "2 851 115" stays one word
        ("Brønderslev 2\u00a0851\u00a0115 7,28", 0, [("Brønderslev", 0), ("2\u00a0851\u00a0115", 12), ("7,28", 22)]),
        # from an offset inside a word: the cut word is left out
        ("Region Nordjylland 1.234 5.678", 9, [("1.234", 19), ("5.678", 25)]),
        ("Region Nordjylland\t1.234", 9, [("1.234", 19)]),
        ("Region Nordjylland 1.234", 7, [("Nordjylland", 7), ("1.234", 19)]),
    ],
)
def test_words_of_a_line(text, start, words):
    """lines._words: (word, offset) from ``start`` on, split at spaces and tabs. Lines with
    spaces only take a path without the regex engine; both are here."""
    from orchestration.extract.lines import _words

    assert _words(text, start) == words


def test_tally_and_commonest_count_as_counter_does():
    """tally.tally and tally.commonest stand in for Counter(...) and most_common(1)[0][0]
    (compiled, where Counter's methods are interpreted): counts in first-seen order, the most
    counted value and of equals the first counted, None for nothing counted."""
    from collections import Counter

    from orchestration.extract.tally import commonest, tally

    values = [5, 6, 6, 5, 7]
    assert tally(values) == {5: 2, 6: 2, 7: 1} == Counter(values) and list(tally(values)) == [5, 6, 7]
    assert commonest(tally(values)) == 5 == Counter(values).most_common(1)[0][0]
    assert commonest(tally([3, 4, 4])) == 4
    assert commonest(tally([])) is None
