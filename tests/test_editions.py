"""Two editions of the practice plan in one sources folder: the refresh publishes both, the
marts take each figure from the newest edition, and mart_revisioner shows what it changed.
The new edition is made from the real document (tests/editions.py): every table of years
moves on by one year (2020-2024; the regions 2021-2024), and Læsø's udgift pr. patient on
speciale 51 in 2023 is corrected from 1.043 kr. to 1.050 kr."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import pytest
from conftest import KKR, SOURCES, query, refresh_cli, refreshed_copy
from editions import danish, next_edition, shift_header

#: end to end (a refresh in a new process, dagster dev, a browser): `./dev test -m "not slow"` leaves it out
pytestmark = pytest.mark.slow

NEW = "003_next_edition.txt"


def test_shift_header_and_danish_figures():
    assert (
        shift_header("fra 2019-23 Kommune (yder) 2019 2020 2023 Udvikling 19-23 2020-2023")
        == "fra 2020-24 Kommune (yder) 2020 2021 2024 Udvikling 20-24 2021-2024"
    )
    assert shift_header("speciale 51 i 2024") == "speciale 51 i 2024"
    assert [danish(Decimal(v), d) for v, d in [("1050", 0), ("-5.4", 0), ("7.284", 2), ("11757198", 0)]] == [
        "1.050",
        "-5",
        "7,28",
        "11.757.198",
    ]


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, refreshed_template):
    """The next edition arrives in a sources folder whose five documents are published (a
    copy of the run's refreshed warehouse): the refresh publishes it beside the first."""
    sources, warehouse = refreshed_copy(tmp_path_factory.mktemp("editions"), refreshed_template)
    (sources / NEW).write_text(next_edition(SOURCES / KKR, {("21", "Læsø", 2023): "1.050 kr."}), encoding="utf-8")
    with (sources / "catalogue.csv").open("a", encoding="utf-8") as f:
        f.write(
            f'{NEW},"Praksisplan for fysioterapi, next edition (made by the tests)",'
            'Region Nordjylland,2026,test,"2020-2024"\n'
        )
    return sources, warehouse, refresh_cli(sources, warehouse)


def test_two_editions_refresh_and_publish_without_pinned_tests(two_editions):
    _, warehouse, proc = two_editions
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 published, 5 unchanged, marts built" in proc.stdout
    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    transform = [r for r in instance.get_runs() if r.job_name == "transform"][0]
    checks = {
        e.dagster_event.event_specific_data.check_name
        for e in instance.all_logs(transform.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    }
    # the production build runs the tests that hold for any edition, not those pinning today's figures
    assert "unique_combination_fct_maalinger_aktuelle_speciale__measure__geo_code__perspective__year" in checks
    assert not [c for c in checks if c.startswith("assert_")]


def test_the_newest_edition_wins_and_older_years_stay(two_editions):
    _, warehouse, _ = two_editions
    db = warehouse / "published.duckdb"
    # 2026 before the slides of 2025-10-07, before the first edition's 2025
    assert query(db, "select document_file from intermediate.int_document_editions order by edition_order")[:3] == [
        (NEW,),
        ("000_b49850fabaac949c.txt",),
        (KKR,),
    ]
    laesoe = query(
        db,
        "select year, udgift_pr_patient_kr, udgift_pr_patient_raw, document_file "
        "from marts.mart_udgift_pr_patient where speciale = '51' and geo_code = '825' "
        "order by year",
    )
    assert [(y, int(v), raw, doc) for y, v, raw, doc in laesoe] == [
        (2019, 898, "898 kr.", KKR),  # printed by the old edition only
        (2020, 949, "949 kr.", NEW),
        (2021, 1207, "1.207 kr.", NEW),
        (2022, 968, "968 kr.", NEW),
        (2023, 1050, "1.050 kr.", NEW),  # corrected by the new edition
        (2024, 1043, "1.043 kr.", NEW),
    ]
    periods = query(
        db, "select from_year, to_year, row_level, count(*) from marts.mart_udvikling_19_23 group by all order by all"
    )
    assert periods == [
        (2019, 2023, "kommune", 242),
        (2020, 2023, "region", 96),
        (2020, 2024, "kommune", 242),
        (2021, 2024, "region", 96),
    ]


def test_mart_revisioner_shows_each_changed_figure_with_both_lineages(two_editions):
    _, warehouse, _ = two_editions
    db = warehouse / "published.duckdb"
    rows = query(
        db,
        "select speciale, measure, geo_code, year, old_raw_text, new_raw_text, "
        "old_document_file, old_table_number, old_source_line, new_document_file, "
        "new_table_number, new_source_line from marts.mart_revisioner order by all",
    )
    assert (
        "51",
        "udgift_pr_patient_kr",
        "825",
        2023,
        "1.043 kr.",
        "1.050 kr.",
        KKR,
        "21",
        6816,
        NEW,
        "21",
        6816,
    ) in rows
    # the other revisions are Region Nordjylland's 2020 figures on speciale 65, which the old
    # edition prints twice with different values (its region table and its kommune table's
    # Total); the new edition's region table starts in 2021, so only the Total prints 2020
    others = {(r[1], r[4], r[5], r[7], r[10]) for r in rows if r[2] != "825"}
    assert others == {
        ("udgift_kr", "11.764.165 kr.", "11.757.198 kr.", "42", "43"),
        ("udgift_pr_patient_kr", "14.650 kr.", "14.642 kr.", "44", "45"),
        ("ydelser", "89.527", "89.473", "46", "47"),
    }
    duplicates = query(
        db,
        "select table_number, period from marts.mart_afstemning where kind = 'repeated' "
        "and verdict = 'disagrees' and compared_table_number in ('43', '45', '47') "
        f"and document_file = '{KKR}' and speciale = '65' and geo_code = '1081'",
    )
    assert {("42", "2020"), ("44", "2020"), ("46", "2020")} <= set(duplicates)
