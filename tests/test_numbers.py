from decimal import Decimal

import pytest

from orchestration.extract.geo import match_geo
from orchestration.extract.lines import dehyphenate_join, is_year_run_header, read_cells
from orchestration.extract.numbers import parse_number, parse_range


@pytest.mark.parametrize(
    "raw,value,read_as",
    [
        ("2.851.115", "2851115", "thousands"),
        ("7,28", "7.28", "decimal_comma"),
        ("-5", "-5", "integer"),
        ("1.017,4", "1017.4", "thousands"),
        ("860.4", "860.4", "decimal_point_slip"),
        ("-0,278", "-0.278", "decimal_comma"),
        ("1049", "1049", "integer"),
    ],
)
def test_danish_numbers(raw, value, read_as):
    n = parse_number(raw)
    assert n.value == Decimal(value)
    assert n.read_as == read_as


@pytest.mark.parametrize("raw", ["kr.", "19-23", "2.0.1", "", "abc"])
def test_not_numbers(raw):
    assert parse_number(raw) is None


def test_ranges():
    low, high = parse_range("0-1")
    assert (low.value, high.value) == (0, 1)
    low, high = parse_range("3,0-5,0")
    assert (low.value, high.value) == (Decimal("3.0"), Decimal("5.0"))
    assert parse_range("5-1") is None


def test_row_with_units_and_percent():
    label, _, cells = read_cells("Frederikshavn 3.909.758 kr. 3.568.649 kr. 0% ", 7)
    assert label == "Frederikshavn"
    assert [c.raw for c in cells] == ["3.909.758 kr.", "3.568.649 kr.", "0%"]
    assert [c.unit for c in cells] == ["kr.", "kr.", "%"]
    assert cells[0].value == 3909758 and cells[0].line == 7


def test_spaced_range_and_weeks():
    label, _, cells = read_cells("Ventetid 3,0 \u2013 5,0", 1)
    assert label == "Ventetid"
    assert (cells[0].low, cells[0].high) == (Decimal("3.0"), Decimal("5.0"))
    label, _, cells = read_cells("Læsø 1  0 uger 5 uger", 1)
    assert [(c.value, c.unit) for c in cells] == [(1, None), (0, "uger"), (5, "uger")]


def test_numbers_that_belong_to_the_label():
    label, _, cells = read_cells("Aktivitets- og samværstilbud, § 104 187 215 64 466", 1)
    assert label.endswith("§ 104") and len(cells) == 4
    label, _, cells = read_cells("Kommune (yder) Antal praksis Speciale 51", 1)
    assert cells == []


@pytest.mark.parametrize(
    "line,expected",
    [
        ("2019 2020 2021 2022 2023 Udvikling", True),  # Bilag 1's year header
        ("Kommune (yder) 2019\t2020 2021", True),
        ("År 2024 År 2023 År 2022", False),  # years not side by side
        ("x2019 2020", False),  # the first year glued to a word
        ("2019 20201", False),  # the second "year" is longer
        ("2019 2020 1.234", False),  # a figure beside the years: a data row
        ("I 2019 og 2020 steg udgiften", False),
    ],
)
def test_year_run_header(line, expected):
    assert is_year_run_header(line) is expected


def test_dehyphenation():
    assert dehyphenate_join(["Frederiks-", "havn"]) == "Frederikshavn"
    assert dehyphenate_join(["Udvik-", "ling", "19-23"]) == "Udvikling 19-23"
    assert dehyphenate_join(["af led-", "og/eller"]) == "af led- og/eller"


@pytest.mark.parametrize(
    "label,code,how",
    [
        ("Vesthimmerlands", "820", "exact"),
        ("Vesthimmeflands", "820", "fuzzy"),
        ("Managerfjord", "846", "fuzzy"),
        ("Læso", "825", "exact"),
        ("Region Nordjylland total", "1081", "exact"),
        ("Region Sjælland", "1085", "exact"),
        ("Morsø (1)", "773", "exact"),
    ],
)
def test_geography(label, code, how):
    g, matched = match_geo(label)
    assert (g.code, matched) == (code, how)


@pytest.mark.parametrize("label", ["Silkeborg", "Plejefamilier", "Total", "Tema", "Rebild og Aalborg Kommune"])
def test_not_geography(label):
    assert match_geo(label)[0] is None
