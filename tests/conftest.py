from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.extract import extract_document

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: end to end (a refresh in a new process, dagster dev, a browser); "
        '`./dev test -m "not slow"` runs the rest',
    )


SOURCES = ROOT / "sources"
KKR = "003_8f7892940b0a4590.txt"
BUDGET = "001_c6a00e9dc1fa19c5.txt"
SLIDES = "000_b49850fabaac949c.txt"
REGIONER_DR = "004_a4d9c2a0b2657fd9.txt"


class Doc:
    """An extracted document with look-ups by table and caption line."""

    def __init__(self, result):
        self.result = result

    def tables(self, number: str):
        return [t for t in self.result.tables if t.table == number]

    def table(self, number: str, after_line: int = 0, before_line: int = 10**9):
        found = [t for t in self.tables(number) if after_line <= t.caption_line < before_line]
        assert len(found) == 1, f"Tabel {number}: {len(found)} tables between {after_line} and {before_line}"
        return found[0]

    def block(self, caption_contains: str):
        found = [t for t in self.result.tables if t.kind == "block" and caption_contains in t.caption]
        assert found, f"no block with caption containing {caption_contains!r}"
        return found


def cell(table, row: str, column: str):
    """The one cell of ``table`` whose row label (or geo code) and column label match."""
    hits = [
        c
        for c in table.cells
        if (c.row_label == row or c.geo_code == row) and (c.column_label == column or str(c.year) == column)
    ]
    assert len(hits) == 1, f"Tabel {table.table}: {len(hits)} cells for row {row!r}, column {column!r}"
    return hits[0]


def D(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture(scope="session")
def kkr() -> Doc:
    return Doc(extract_document(SOURCES / KKR))


@pytest.fixture(scope="session")
def budget() -> Doc:
    return Doc(extract_document(SOURCES / BUDGET))


@pytest.fixture(scope="session")
def slides() -> Doc:
    return Doc(extract_document(SOURCES / SLIDES))


@pytest.fixture(scope="session")
def regioner_dr() -> Doc:
    return Doc(extract_document(SOURCES / REGIONER_DR))


#: the practice plan's Bilag 1 sits between these lines of the KKR file (Tabel 18 .. 57)
BILAG1 = (6000, 8300)
PRACTICE_PLAN = (5000, 6000)
SOCIALTILSYN = (3000, 4400)


def corrupt(text: str, old: str, new: str) -> str:
    """Replace one exact passage of a document; fails if it is not there exactly once."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


#: Tabel 19 (speciale 51 by kommune): the 2019 Total misread, a digit lost (a tenth of its parts) ...
TOTAL_2019_MISREAD = ("Total 42.135.485 kr. 36.664.275", "Total 4.213.548 kr. 36.664.275")
#: ... and, in Tabel 25 (ydelser pr. patient by kommune), Morsø's 2021 cell deleted
MORSOE_2021 = ("Morsø 8,20 7,24 8,27 7,83", "Morsø 8,20 7,24 7,83")
#: the same Total printed 400 kr. more than its parts: a slip of the document's own arithmetic
TOTAL_2019_SLIP = ("Total 42.135.485 kr. 36.664.275", "Total 42.135.885 kr. 36.664.275")


@pytest.fixture
def corrupted_kkr(tmp_path) -> Path:
    """A sources folder holding a corrupted copy of the KKR document (003)."""
    folder = tmp_path / "corrupted"
    folder.mkdir()
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    text = corrupt(text, *TOTAL_2019_MISREAD)
    text = corrupt(text, *MORSOE_2021)
    (folder / KKR).write_text(text, encoding="utf-8")
    return folder


def printed_three_times(name: str, folder: Path) -> tuple[Path, int]:
    """The document ``name`` of sources/ printed three times in one file under ``folder`` (a
    report reissued in an appendix, a file saved twice over), and the lines of one copy."""
    text = (SOURCES / name).read_text(encoding="utf-8")
    text += "" if text.endswith("\n") else "\n"
    path = folder / name
    path.write_text(text * 3, encoding="utf-8")
    return path, text.count("\n")


def shift_years(text: str) -> str:
    """The same document one edition later: every year 2019-2023 one later, "19-23" -> "20-24"."""
    text = re.sub(r"\b(2019|2020|2021|2022|2023)\b", lambda m: str(int(m.group()) + 1), text)
    return re.sub(r"\b(19|20)-23\b", lambda m: f"{int(m.group(1)) + 1}-24", text)


def query(db: Path, sql: str) -> list[tuple]:
    """The rows of one query on a warehouse file, opened read-only."""
    from orchestration import load

    con = load.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def clean_env() -> dict[str, str]:
    """The environment without the project's folder overrides, as a user's shell has it."""
    return {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "WAREHOUSE_DIR", "WAREHOUSE_SOURCES")}


def warehouse_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """`warehouse ARGS` in a new process, from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        **kw,
    )


def dbt_cli(*args: str, db: Path, target: Path) -> subprocess.CompletedProcess:
    """dbt (this venv's) on dbt_project/ against the warehouse file ``db``, its target folder
    ``target`` (so a test leaves dbt_project/target alone)."""
    dbt_dir = ROOT / "dbt_project"
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(dbt_dir),
            "--profiles-dir",
            str(dbt_dir),
            "--target-path",
            str(target),
        ],
        env={**os.environ, "WAREHOUSE_DB": str(db)},
        capture_output=True,
        text=True,
    )


def warehouse_dbt_command(*args: str, target: Path) -> list[str]:
    """``warehouse-dbt ARGS`` (dbt on the parsed project, orchestration.dbt_cli) writing its
    artifacts and dbt.log into ``target``; run it in dbt_project/."""
    target_args = ["--target-path", str(target), "--log-path", str(target)]
    return [str(Path(sys.executable).with_name("warehouse-dbt")), *args, *target_args]


def refresh_cli(sources: Path, warehouse: Path) -> subprocess.CompletedProcess:
    return warehouse_cli("refresh", "--sources", str(sources), "--warehouse", str(warehouse))


#: the template's warehouse folder: an apostrophe in the path, so every statement of a refresh
#: must take it as data (parameters, quoting)
TEMPLATE_WAREHOUSE = "Region's warehouse"


@pytest.fixture(scope="session")
def refreshed_template(tmp_path_factory) -> Path:
    """One copy of sources/ refreshed with `warehouse refresh` (into <it>/Region's warehouse)
    for the whole test run: the test files that need a refreshed warehouse to change copy it
    (``refreshed_copy``), and ``template_refresh`` is what that first refresh said. Made once,
    by the first worker to ask; the others wait for it."""
    import fcntl
    import json
    import shutil

    # the run's folder: under xdist each worker's basetemp sits in it; without xdist, basetemp
    # is the run's own (its parent holds earlier runs, whose template must not be reused)
    basetemp = tmp_path_factory.getbasetemp()
    root = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    base = root / "refreshed-template"
    with open(root / "refreshed-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "refresh.json").exists():
            shutil.rmtree(base, ignore_errors=True)
            shutil.copytree(SOURCES, base / "sources")
            proc = refresh_cli(base / "sources", base / TEMPLATE_WAREHOUSE)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            said = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}
            (base / "refresh.json").write_text(json.dumps(said), encoding="utf-8")
    return base


def template_refresh(template: Path) -> subprocess.CompletedProcess:
    """The template's cold refresh as it ended: exit status and output (its log files and
    Dagster runs are in the template's warehouse folder, and in each copy)."""
    import json

    said = json.loads((template / "refresh.json").read_text(encoding="utf-8"))
    return subprocess.CompletedProcess(["warehouse", "refresh"], said["returncode"], said["stdout"], said["stderr"])


def refreshed_copy(base: Path, template: Path, name: str = "warehouse") -> tuple[Path, Path]:
    """The refreshed template (sources and warehouse) copied under base, the warehouse folder
    as ``name``, as a user copies a warehouse folder: its Dagster instance settings are brought
    up to date for the new place (what `warehouse refresh` and `./dev ui` do first)."""
    import shutil

    from orchestration.refresh import write_dagster_yaml

    sources, warehouse = base / "sources", base / name
    shutil.copytree(template / "sources", sources)
    shutil.copytree(template / TEMPLATE_WAREHOUSE, warehouse, symlinks=True)
    write_dagster_yaml(warehouse / "dagster")
    return sources, warehouse
