"""The full refresh as a user runs it: `warehouse refresh`, a real Dagster job against a real
DuckDB file, with the GX checks blocking a corrupted document."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import dagster as dg
import duckdb
import pytest
from conftest import (
    BUDGET,
    KKR,
    REGIONER_DR,
    ROOT,
    SOURCES,
    TEMPLATE_WAREHOUSE,
    TOTAL_2019_SLIP,
    clean_env,
    corrupt,
    dbt_cli,
    query,
    refresh_cli,
    refreshed_copy,
    template_refresh,
    warehouse_cli,
    warehouse_dbt_command,
)

from orchestration import load as L
from orchestration.extract import extract_document

#: end to end (a refresh in a new process, dagster dev, a browser): `./dev test -m "not slow"` leaves it out
pytestmark = pytest.mark.slow


def _instance(home) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home))


def _run_logs(home, run_id) -> str:
    instance = _instance(home)
    return "\n".join(e.user_message or "" for e in instance.all_logs(run_id))


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, refreshed_template):
    """A copy of the warehouse the test run refreshed once from sources/ (cold, in a folder
    with an apostrophe in its name), and what that refresh said; the tests here refresh the
    copy again (the copy's folder has the apostrophe too)."""
    sources, warehouse = refreshed_copy(tmp_path_factory.mktemp("refresh"), refreshed_template, TEMPLATE_WAREHOUSE)
    return sources, warehouse, template_refresh(refreshed_template)


def test_refresh_loads_every_cell_with_passing_checks(refreshed):
    sources, warehouse, first = refreshed
    assert first.returncode == 0, first.stdout + first.stderr
    assert "5 published, marts built" in first.stdout
    db = warehouse / "warehouse.duckdb"
    expected = {f.name: len(extract_document(f).cells) for f in sorted(sources.glob("*.txt"))}
    counts = dict(query(db, "select file, count(*) from raw.current_cells group by file"))
    assert counts == {k: v for k, v in expected.items() if v}
    assert counts[KKR] == 2942 and counts[REGIONER_DR] == 31
    # the runs, assets and checks live in the project's DAGSTER_HOME, for `dagster dev`: one run
    # for the documents, one for the marts; the events are per document (its partition)
    instance = _instance(warehouse / "dagster")
    runs = instance.get_runs()
    assert sorted(r.job_name for r in runs) == ["refresh_documents", "transform"]
    (doc_run,) = [r for r in runs if r.job_name == "refresh_documents"]
    mats = instance.all_logs(doc_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    by_asset = {}
    for e in mats:
        by_asset.setdefault(e.dagster_event.asset_key.to_user_string(), set()).add(e.dagster_event.partition)
    assert by_asset == {"staged_document": set(expected), "published_document": set(expected)}
    record = instance.get_latest_materialization_event(dg.AssetKey("published_document"))
    assert record is not None
    checks = instance.all_logs(doc_run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    assert {e.dagster_event.event_specific_data.partition for e in checks} == set(expected)
    assert len(checks) == 7 * len(expected)
    by_check = {}
    for e in checks:
        data = e.dagster_event.event_specific_data
        by_check.setdefault(data.check_name, []).append(data.passed)
    assert set(by_check) == {
        "gx_structure",
        "gx_domain",
        "gx_totals_read_right",
        "gx_totals_add_up",
        "gx_udvikling_matches",
        "gx_complete",
        "load_not_shrunk",
    }
    # the blocking checks pass; the warnings are the documents' own slips and Tabel 22's Udvikling
    assert all(all(v) for k, v in by_check.items() if k not in ("gx_udvikling_matches", "gx_totals_add_up"))
    assert by_check["gx_totals_add_up"].count(False) == 3  # 001, 003 and 004
    assert (warehouse / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_cold_refresh_is_quiet_and_names_its_full_log(refreshed):
    _, warehouse, first = refreshed
    lines = first.stdout.splitlines() + first.stderr.splitlines()
    assert len(lines) < 30, "\n".join(lines)
    assert lines[0].startswith("refresh: 5 documents in ") and "full log: " in lines[0]
    log = Path(lines[0].split("full log: ")[1])  # in the template's folder, where it ran
    assert log.parent.name == "logs" and log.parent.parent.name == warehouse.name and log.exists()
    assert (warehouse / "logs" / log.name).exists()  # and copied with the folder
    full = log.read_text(encoding="utf-8")
    # Dagster's log and dbt's output are in the file, not on the terminal
    assert "Running with dbt" in full and "Completed successfully" in full and "published_warehouse - published" in full
    assert "Running with dbt" not in first.stdout + first.stderr
    assert sum(1 for ln in lines if ln.startswith("[") and ": published (" in ln) == 5


def test_a_warehouse_keeps_its_own_dbt_target_and_its_first_build_does_not_parse(refreshed):
    """Each warehouse has its own dbt target folder, and its builds run on the project as
    parsed once (dbt_project/target): even a new warehouse's first build does not parse the
    project again (dbt would, as its profile names the warehouse file). dbt begins every parse,
    full or partial, by logging the event StateCheckVarsHash (and says why partial parsing
    could not be used, UnableToPartialParse); the build's dbt.log has neither, and has the
    build itself. Nothing is left in dbt_project/target."""
    _, warehouse, first = refreshed
    assert first.returncode == 0, first.stdout + first.stderr
    assert (warehouse / "dbt-target" / "run_results.json").exists()
    dbt_log = [json.loads(ln) for ln in (warehouse / "dbt-target" / "dbt.log").read_text(encoding="utf-8").splitlines()]
    said = {e["info"]["name"] for e in dbt_log}
    assert {"MainReportVersion", "LogModelResult", "LogTestResult", "CommandCompleted"} <= said
    assert not said & {"StateCheckVarsHash", "UnableToPartialParse"}
    assert [e["data"]["success"] for e in dbt_log if e["info"]["name"] == "CommandCompleted"] == [True]
    full = Path(first.stdout.splitlines()[0].split("full log: ")[1]).read_text(encoding="utf-8")
    assert "Running with dbt" in full and "Unable to do partial parsing" not in full
    run = re.search(r"marts: built \([\d.]+ s, run (\w+)\)", first.stdout).group(1)
    assert not list((ROOT / "dbt_project" / "target").glob(f"*{run[:7]}*"))


def test_status_shows_each_document_and_the_publish(refreshed):
    sources, warehouse, _ = refreshed
    proc = warehouse_cli("status", "--sources", str(sources), "--warehouse", str(warehouse))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {
        ln.split(" | ")[0].strip(): [c.strip() for c in ln.split(" | ")]
        for ln in proc.stdout.splitlines()
        if ln.startswith("00")
    }
    assert set(rows) == {f.name for f in sources.glob("*.txt")}
    kkr = rows[KKR]
    assert kkr[1] == L.file_sha256(sources / KKR)[:12] and kkr[2] == "published"
    assert kkr[4] == "2942" and kkr[7] == "published"
    assert rows[REGIONER_DR][4] == "31"
    assert "published copy: " in proc.stdout and ", 5 documents" in proc.stdout


def test_second_refresh_skips_unchanged_documents(refreshed):
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    before = query(db, "select count(*), sum(value) from raw.current_cells")
    runs_before = len(_instance(warehouse / "dagster").get_runs())
    second = refresh_cli(sources, warehouse)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "5 unchanged" in second.stdout and "marts up to date" in second.stdout
    assert f"unchanged: 000_b49850fabaac949c.txt, {BUDGET}" in second.stdout
    assert query(db, "select count(*), sum(value) from raw.current_cells") == before
    # nothing changed: the hashes said so before any Dagster run started
    assert len(_instance(warehouse / "dagster").get_runs()) == runs_before


def test_corrupted_document_is_blocked_and_published_rows_stay(refreshed, corrupted_kkr):
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    before = query(db, f"select load_id from raw.documents where file = '{KKR}'")
    cells_before = query(db, "select count(*), sum(value) from raw.current_cells")
    mart_before = query(db, "select count(*), sum(udgift_pr_patient_kr) from marts.mart_udgift_pr_patient")
    shutil.copy(corrupted_kkr / KKR, sources / KKR)
    third = refresh_cli(sources, warehouse)
    assert third.returncode == 1
    assert f"{KKR}: blocked" in third.stdout and "gx_totals_read_right" in third.stdout
    assert "gx_complete" in third.stdout
    # the line links the failing validation's own Data Docs page (it renders offline)
    page = unquote(third.stdout.split("GX page: file://")[1].split()[0])
    assert "/data_docs/local_site/validations/" in page and Path(page).exists()
    # quarantined: the marts are built from the other documents and the published load of this one
    assert "marts up to date" in third.stdout or "marts: built" in third.stdout
    logs = "\n".join(
        _run_logs(warehouse / "dagster", r.run_id) for r in _instance(warehouse / "dagster").get_runs(limit=5)
    )
    assert f"{KKR}, Tabel 19, row 'Total', column '2019', line 6758" in logs
    assert f"{KKR}, Tabel 25, row 'Morsø', year 2021" in logs
    # the published load and every published cell are as before
    assert query(db, f"select load_id from raw.documents where file = '{KKR}'") == before
    assert query(db, "select count(*), sum(value) from raw.current_cells") == cells_before
    assert query(db, "select count(*), sum(udgift_pr_patient_kr) from marts.mart_udgift_pr_patient") == mart_before
    assert query(db, f"select status from raw.loads where file = '{KKR}' order by started_at desc limit 1") == [
        ("rejected",)
    ]
    assert f"quarantined: {KKR}" in third.stderr
    # `warehouse status` says so, and that readers keep the earlier load
    status = warehouse_cli("status", "--sources", str(sources), "--warehouse", str(warehouse))
    assert status.returncode == 1
    (kkr,) = [ln for ln in status.stdout.splitlines() if ln.startswith(KKR)]
    assert " | quarantined | " in kkr and kkr.rstrip().endswith("| rejected")
    assert f"quarantined: {KKR}: latest load rejected" in status.stdout and "readers see the load of" in status.stdout


def test_refresh_builds_the_marts_with_dbt_tests_as_checks(refreshed):
    _, warehouse, first = refreshed
    db = warehouse / "warehouse.duckdb"
    assert "marts: built" in first.stdout and "dbt tests passed" in first.stdout
    assert query(
        db,
        "select udgift_pr_patient_kr, udgift_pr_patient_raw from marts.mart_udgift_pr_patient "
        "where speciale = '51' and geo_code = '825' and year = 2023",
    ) == [(1043.0, "1.043 kr.")]
    instance = _instance(warehouse / "dagster")
    transform = [r for r in instance.get_runs() if r.job_name == "transform"][0]
    assert transform.status == dg.DagsterRunStatus.SUCCESS
    checks = instance.all_logs(transform.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    names = {e.dagster_event.event_specific_data.check_name for e in checks}
    assert "not_null_mart_udgift_pr_patient_udgift_pr_patient_kr" in names and len(names) >= 80
    assert all(e.dagster_event.event_specific_data.passed for e in checks)
    mats = instance.all_logs(transform.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    keys = {e.dagster_event.asset_key.to_user_string() for e in mats}
    assert {"marts/mart_udgift_pr_patient", "marts/mart_udvikling_19_23", "marts/mart_afstemning"} <= keys


def test_dbt_docs_generate_documents_every_column(refreshed, tmp_path):
    import json

    _, warehouse, _ = refreshed
    target = tmp_path / "target"
    proc = dbt_cli("docs", "generate", db=warehouse / "warehouse.duckdb", target=target)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    catalog = json.loads((target / "catalog.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    undocumented = []
    for uid, node in catalog["nodes"].items():
        doc = manifest["nodes"][uid]
        if not doc.get("description"):
            undocumented.append(uid)
        undocumented += [
            f"{uid}.{col}" for col in node["columns"] if not doc["columns"].get(col, {}).get("description")
        ]
    assert len(catalog["nodes"]) == 24 and undocumented == []


def test_the_pinned_dbt_tests_hold_on_todays_documents(refreshed, tmp_path):
    """The dbt tests that pin figures of today's documents (dbt_project/tests/pinned: Læsø's
    "1.043 kr.", Tabel 28's "860.4", proposal 1.17 ...) are left out of the production build,
    which must work for any edition; here they run on the warehouse refreshed from sources/."""
    _, warehouse, _ = refreshed
    dbt_dir = ROOT / "dbt_project"
    proc = dbt_cli("test", "--select", "tag:pinned", db=warehouse / "warehouse.duckdb", target=tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-3000:]
    pinned = sorted(p.stem for p in (dbt_dir / "tests" / "pinned").glob("*.sql"))
    assert len(pinned) == 6 and all(f"PASS {name}" in proc.stdout for name in pinned), proc.stdout[-3000:]


def test_the_dbt_unit_tests_pass_and_production_builds_leave_them_out(refreshed, tmp_path):
    """dbt unit tests (models/marts/_unit_tests.yml) pin the rounding rule (macro half_unit),
    the scaling to kroner and the Udvikling formula on made-up rows; the refresh's build leaves
    them out (they are the test suite's)."""
    _, warehouse, first = refreshed
    proc = dbt_cli("test", "--select", "test_type:unit", db=warehouse / "warehouse.duckdb", target=tmp_path / "t")
    assert proc.returncode == 0, proc.stdout[-3000:]
    for name in (
        "fct_maalinger_scales_rounds_and_names_the_perspective",
        "mart_udvikling_recomputes_the_change_within_the_rounding",
    ):
        assert f"PASS {name.split('_')[0]}" in proc.stdout and name in proc.stdout, proc.stdout[-3000:]
    assert "PASS=2 " in proc.stdout
    full = Path(first.stdout.splitlines()[0].split("full log: ")[1]).read_text(encoding="utf-8")
    assert "--exclude-resource-type unit_test" in full and "START unit_test" not in full


def test_budget_proposals_add_up_to_the_hovedtotal_and_keep_their_own_tables(refreshed):
    """The overview numbers the psychiatry proposals 1.24-1.32 and then the digital, green and
    political ones 1.27-1.43 again: each proposal is its own overview row, with its own table."""
    _, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    printed = query(
        db,
        f"select max(value) filter (where column_label = 'Min.'), max(value) filter "
        f"(where column_label = 'Max.') from raw.current_cells where file = '{BUDGET}' "
        "and row_label = 'Hovedtotal'",
    )
    proposals = query(
        db,
        "select sum(mn), sum(mx), count(*) from (select distinct overview_line, "
        "overview_min_mio_kr as mn, overview_max_mio_kr as mx from marts.mart_budget_prioriteringer)",
    )
    assert [(float(a), float(b)) for a, b in printed] == [(239.4, 279.4)]
    assert [(float(a), float(b), n) for a, b, n in proposals] == [(239.4, 279.4, 49)]
    rows = query(
        db,
        "select area, item_number, title, overview_min_mio_kr, amount_raw, proposal_table_id, matched_by "
        "from marts.mart_budget_prioriteringer where item_number in ('1.27', '1.32') "
        "and coalesce(budget_year, '2026') = '2026' order by overview_line",
    )
    assert [(r[0], r[1], r[2][:29], float(r[3]), r[4], r[5], r[6]) for r in rows] == [
        (
            "Løft af det psykiatriske område",
            "1.27",
            "Pårørendevejleder i Børne- og",
            0.6,
            "0,6",
            "001_c6a00e9dc1fa19c5:L4989",
            "title",
        ),
        ("Løft af det psykiatriske område", "1.32", 'Finansiering fra "En stærkere', -34.5, None, None, None),
        (
            "Udvikling og digitalisering",
            "1.27",
            "Region Nordjyllands investeri",
            0.0,
            "",
            "001_c6a00e9dc1fa19c5:L5336",
            "title",
        ),
        (
            "Politiske ønsker fra udvalg mv.",
            "1.32",
            "SUND: Udvidelse af åbningstid",
            1.1,
            "1,1",
            "001_c6a00e9dc1fa19c5:L6235",
            "title",
        ),
    ]
    # no table serves two proposals, and every proposal's 2026 amount lies within its overview's Min.-Max.
    assert (
        query(
            db,
            "select proposal_table_id from marts.mart_budget_prioriteringer where proposal_table_id "
            "is not null group by 1 having count(distinct overview_line) > 1",
        )
        == []
    )
    checks = query(
        db,
        f"select verdict, count(*) from marts.mart_afstemning where kind = 'repeated' "
        f"and document_file = '{BUDGET}' group by 1",
    )
    assert dict(checks) == {"agrees": 77}


def test_the_statements_mart_holds_every_checked_claim(refreshed):
    _, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    counts = dict(query(db, "select verdict, count(*) from marts.mart_udsagn group by 1"))
    assert counts == {"agrees": 82, "contradicts": 3, "not_checkable": 6}
    assert query(
        db,
        "select document_file, source_line, table_number, stated_raw, table_value, reason "
        "from marts.mart_udsagn where verdict = 'contradicts' and claim_kind = 'count' "
        "and source_line = 7674",
    ) == [(KKR, 7674, "43", "Seks kommuner har", 7, "in Tabel 43, 7 of the 10 kommuner grow")]


def test_a_bad_file_fails_with_its_reason_in_words_and_skipped_files_are_named(refreshed):
    sources, warehouse, _ = refreshed
    bad = {"005_tom.txt": b"  \n\n", "006_pdf.txt": b"%PDF-1.7\n1 0 obj\n"}
    for name, data in bad.items():
        (sources / name).write_bytes(data)
    (sources / "._001_c6a00e9dc1fa19c5.txt").write_bytes(b"\x00\x05\x16\x07Mac OS X")
    (sources / "plan.pdf").write_bytes(b"%PDF-1.7\n")
    try:
        proc = refresh_cli(sources, warehouse)
    finally:
        for name in [*bad, "._001_c6a00e9dc1fa19c5.txt", "plan.pdf"]:
            (sources / name).unlink()
    assert proc.returncode == 1
    lines = {ln.split(": ")[0].split("] ")[-1]: ln for ln in proc.stdout.splitlines()}
    assert "failed" in lines["005_tom.txt"] and "005_tom.txt: empty file: no text to extract" in lines["005_tom.txt"]
    assert "006_pdf.txt:1: a PDF file, not text" in lines["006_pdf.txt"]
    assert "Execution of step" not in proc.stdout
    assert "skipped: ._001_c6a00e9dc1fa19c5.txt: macOS resource fork (._ file)" in proc.stdout
    assert "skipped: plan.pdf: not a text document (.pdf; documents end in .txt)" in proc.stdout


def test_a_truncated_document_is_blocked_until_its_loss_is_accepted(refreshed):
    """A copy of the practice plan cut after 3 of Tabel 29's rows (a cut-off download, a file
    half-copied): blocked, naming what went missing; published only with --accept-shrink."""
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    original = (SOURCES / KKR).read_text(encoding="utf-8")
    (sources / KKR).write_text(original, encoding="utf-8")
    restored = refresh_cli(sources, warehouse)  # the earlier tests left a corrupted copy (never published)
    assert "unchanged: " in restored.stdout and KKR in restored.stdout.split("unchanged: ")[1], restored.stdout
    published = query(db, f"select load_id from raw.documents where file = '{KKR}'")
    cut = original[: original.index("Jammerbugt 8.822.282 kr.")]
    (sources / KKR).write_text(cut, encoding="utf-8")
    blocked = refresh_cli(sources, warehouse)
    assert blocked.returncode == 1
    (line,) = [ln for ln in blocked.stdout.splitlines() if f"{KKR}: blocked" in ln]
    assert "load_not_shrunk" in line and "lacks what its published load has" in line
    assert (
        "Tabel 29: 9 of 12 rows are gone (Aalborg, Jammerbugt, Læsø, Mariagerfjord, Morsø, Rebild, "
        "Region Nordjylland, Thisted, ...)"
    ) in line
    assert "Tabel 30 (line 7159 in the published load) is gone" in line
    assert query(db, f"select load_id from raw.documents where file = '{KKR}'") == published
    # the user says the loss is meant: published, and the load says so
    accepted = warehouse_cli(
        "refresh", "--sources", str(sources), "--warehouse", str(warehouse), "--accept-shrink", KKR
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    ((status, message),) = query(
        db, f"select l.status, l.message from raw.documents d join raw.loads l using (load_id) where d.file = '{KKR}'"
    )
    assert status == "published" and message.startswith("shrink accepted by the user: ")
    assert "Tabel 29: 9 of 12 rows are gone" in message
    # and the whole document again: nothing lost, published without a word
    (sources / KKR).write_text(original, encoding="utf-8")
    again = refresh_cli(sources, warehouse)
    assert again.returncode == 0 and f"{KKR}: published" in again.stdout
    assert query(db, f"select count(*) from raw.current_cells where file = '{KKR}'") == [(2942,)]


def test_duplicates_renames_and_deletions_keep_the_warehouse_consistent(refreshed):
    """The same content twice is loaded once; a renamed file moves its document; a deleted file
    retires it; restoring the folder restores a publishing refresh."""
    sources, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    budget_sum = "select sum(overview_min_mio_kr) from marts.mart_budget_prioriteringer"
    before = query(db, budget_sum)
    shutil.copy(sources / BUDGET, sources / "001_kopi.txt")
    dup = refresh_cli(sources, warehouse)
    (sources / "001_kopi.txt").unlink()
    assert dup.returncode == 1
    assert f"001_kopi.txt: duplicate of {BUDGET}: not loaded (remove one of the two files)" in dup.stdout
    assert query(db, budget_sum) == before  # not doubled
    assert query(db, "select count(*) from raw.documents where file = '001_kopi.txt'") == [(0,)]
    # a rename: the document moves to its new name
    (sources / REGIONER_DR).rename(sources / "004_omdoebt.txt")
    moved = refresh_cli(sources, warehouse)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert f"renamed: {REGIONER_DR} -> 004_omdoebt.txt (the same content)" in moved.stdout
    assert dict(query(db, "select file, count(*) from raw.current_cells where file like '004%' group by file")) == {
        "004_omdoebt.txt": 31
    }
    # a deletion: the document is retired, its rows leave the current views and the marts
    (sources / "004_omdoebt.txt").unlink()
    gone = refresh_cli(sources, warehouse)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert (
        "retired: 004_omdoebt.txt is no longer in the sources folder" in gone.stdout and "marts: built" in gone.stdout
    )
    assert query(db, "select count(*) from raw.current_cells where file like '004%'") == [(0,)]
    assert query(
        db, "select status, message from raw.loads where file = '004_omdoebt.txt' order by started_at desc limit 1"
    ) == [("retired", "no longer in the sources folder")]
    # the folder as it was: published again, marts built
    shutil.copy(SOURCES / REGIONER_DR, sources / REGIONER_DR)
    back = refresh_cli(sources, warehouse)
    assert back.returncode == 0 and f"{REGIONER_DR}: published" in back.stdout and "marts: built" in back.stdout
    assert query(db, f"select count(*) from raw.current_cells where file = '{REGIONER_DR}'") == [(31,)]


def test_a_slip_in_a_document_publishes_as_a_finding_with_a_warning(refreshed):
    """A total the document itself gets wrong (Tabel 19's 2019 Total printed 400 kr. more than
    its kommuner) is not a misread: the load publishes, the check warns, and mart_afstemning
    holds the total beside the sum of its parts (the misread side: the corrupted test above)."""
    sources, warehouse, _ = refreshed
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    (sources / KKR).write_text(corrupt(text, *TOTAL_2019_SLIP), encoding="utf-8")
    proc = refresh_cli(sources, warehouse)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (line,) = [ln for ln in proc.stdout.splitlines() if f"{KKR}: published" in ln]
    assert "warnings: gx_totals_add_up" in line
    rows = query(
        warehouse / "published.duckdb",
        "select verdict, table_number, row_label, column_label, printed_raw, recomputed_value, difference, "
        "compared_with from marts.mart_afstemning where kind = 'totals' and document_file like '003%' "
        "and source_line > 6700 and verdict <> 'agrees'",
    )
    assert rows == [
        (
            "slip",
            "19",
            "Total",
            "2019",
            "42.135.885 kr.",
            42135486.0,
            399.0,
            "the rows since the previous total (11 rows, lines 6730-6756)",
        )
    ]


def test_the_udvikling_check_and_mart_udvikling_recompute_alike(refreshed):
    """The printed Udvikling is recomputed twice: by the GX check at load
    (checks.udvikling_frame) and by the mart (mart_udvikling.sql). Every printed Udvikling the
    mart holds has the check's recomputed change and tolerance, on today's documents."""
    from orchestration.settings import expectations_dir
    from orchestration.validate import check_frames

    _, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    loads = [r[0] for r in query(db, "select load_id from raw.documents")]
    checked = check_frames(db, loads, expectations_dir())["udvikling"]
    by_table: dict[str, list[tuple[float, float, float]]] = {}
    for r in checked.itertuples():
        by_table.setdefault(r.table_id, []).append((r.printed, r.recomputed, r.tolerance))
    mart = query(
        db,
        "select table_id, printed_udvikling, change_recomputed, tolerance from marts.mart_udvikling "
        "where printed_udvikling is not null",
    )
    assert len(mart) > 100
    for table_id, printed, recomputed, tolerance in mart:
        assert any(
            abs(p - float(printed)) < 1e-9 and abs(r - float(recomputed)) <= 1e-4 and abs(t - float(tolerance)) <= 1e-4
            for p, r, t in by_table.get(table_id, [])
        ), (table_id, printed, recomputed, tolerance, by_table.get(table_id))


def test_a_dbt_build_waits_for_a_reader_of_the_build_file(refreshed, tmp_path):
    """A process reading the build file (a sensor's tick, `warehouse status`) holds DuckDB's
    lock on it for a moment; a dbt build that starts then waits for it (the profile's
    retries), as the refresh's own writers do, instead of failing with "Could not set lock"
    (seen under `dagster dev`: marts_sensor's tick beside the transform run)."""
    _, warehouse, _ = refreshed
    db = warehouse / "warehouse.duckdb"
    reader = duckdb.connect(str(db), read_only=True)
    try:
        proc = subprocess.Popen(
            warehouse_dbt_command("build", "--select", "stg_cells", "--no-use-colors", target=tmp_path),
            cwd=ROOT / "dbt_project",
            env={**clean_env(), "WAREHOUSE_DB": str(db)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        said = []
        for line in proc.stdout:  # dbt opens the file for its first node, after this line
            said.append(line)
            if "Concurrency:" in line:
                break
        time.sleep(2.5)  # its first attempt (and a retry) find the reader's lock
    finally:
        reader.close()
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, "".join(said) + out
    assert "OK created sql view model staging.stg_cells" in out
