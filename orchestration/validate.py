"""The checks of staged loads, many documents in one pass (no Dagster here).

Each GX suite of ``expectations/`` runs once on the rows of every load staged by a refresh,
and its failures are attributed to each document by the ``file`` of the failing rows (a
failure that names no file counts against every document). ``load_not_shrunk`` compares each
load with the document's published one. A load that fails a blocking check is rejected; the
others go on to be published: a bad document quarantines only itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import checks
from . import load as loadmod

#: Dagster check name -> GX suite in expectations/ (whose meta gives the frame it validates,
#: whether it blocks, and its description)
GX_CHECKS = {
    "gx_structure": "raw_cells_structure",
    "gx_domain": "raw_cells_domain",
    "gx_totals_read_right": "raw_totals",
    "gx_totals_add_up": "raw_totals_findings",
    "gx_udvikling_matches": "raw_udvikling",
    "gx_complete": "raw_completeness",
}
SHRINK_CHECK = "load_not_shrunk"
SHRINK_DESCRIPTION = (
    "A new load of a published document has every table and every row of the load it "
    "replaces (a cut-off or half-copied file is blocked); `warehouse refresh --accept-shrink "
    "FILE` accepts a loss that is meant."
)


@dataclass
class CheckOutcome:
    """One check of one document's load."""

    check: str
    file: str
    load_id: str
    passed: bool
    blocking: bool
    description: str
    metadata: dict = field(default_factory=dict)


def _in_list(load_ids: list[str]) -> str:
    return ", ".join("'" + x.replace("'", "''") + "'" for x in load_ids)


def check_frames(db: Path, load_ids: list[str], expectations: Path) -> dict[str, pd.DataFrame]:
    """The frames the suites validate (by the ``frame`` of their meta), for these loads."""
    con = loadmod.connect(db)  # the same configuration as the writer's (DuckDB asks it in one process)
    try:
        ids = _in_list(load_ids)
        cells = con.execute(
            f"select * from raw.cells where load_id in ({ids}) order by load_id, table_id, row_index, col_index"
        ).df()
        totals = con.execute(
            f"select * exclude (load_id) from raw.totals where load_id in ({ids}) "
            "order by load_id, table_id, line, column_label"
        ).df()
    finally:
        con.close()
    frame = checks.cells_frame(cells)
    return {
        "cells": frame,
        "totals": totals,
        "udvikling": checks.udvikling_frame(frame.copy()),
        "completeness": checks.completeness_frame(
            frame.copy(), checks.load_known_gaps(Path(expectations) / "known_gaps.json")
        ),
    }


def run_checks(
    db: Path,
    loads: dict[str, str],
    validator,
    expectations: Path,
    accept_shrink: set[str] = frozenset(),
    run_name: str = "refresh",
) -> list[CheckOutcome]:
    """Every check of every load (``loads``: load id -> file); rejects each load that fails
    a blocking check (with the reasons), and records an accepted shrink on the load."""
    if not loads:
        return []
    frames = check_frames(db, list(loads), expectations)
    outcomes: list[CheckOutcome] = []
    for check, suite in GX_CHECKS.items():
        kind = checks.read_suite(expectations, suite)["meta"]["frame"]
        # the Data Docs are rendered once, after every suite (run_checks_for)
        outcome = validator.validate(suite, frames[kind], run_name=run_name, build_docs=False)
        for load_id, file in loads.items():
            mine = outcome.for_file(file)
            outcomes.append(
                CheckOutcome(
                    check,
                    file,
                    load_id,
                    mine.success,
                    mine.blocking,
                    f"{file} (load {load_id}): {mine.summary()}",
                    {
                        "suite": suite,
                        "load_id": load_id,
                        "rows_checked": mine.rows_checked,
                        "expectations": mine.evaluated,
                        "failed_expectations": mine.failed_expectations,
                        "failures": "\n".join(mine.failures) or "none",
                        "data_docs": mine.data_docs or "",
                    },
                )
            )
    outcomes += _shrink_checks(db, loads, accept_shrink)
    rejected: dict[str, list[str]] = {}
    for o in outcomes:
        if o.blocking and not o.passed:
            rejected.setdefault(o.load_id, []).append(o.description)
    loadmod.reject_loads(db, {load_id: "\n".join(texts) for load_id, texts in rejected.items()})
    return outcomes


def _shrink_checks(db: Path, loads: dict[str, str], accept_shrink: set[str]) -> list[CheckOutcome]:
    out = []
    con = loadmod.connect(db)
    try:
        for load_id, file in loads.items():
            findings = loadmod.shrinkage_in(con, load_id)
            if not findings:
                out.append(
                    CheckOutcome(
                        SHRINK_CHECK, file, load_id, True, True, f"{file}: nothing of the published load is missing"
                    )
                )
                continue
            text = f"{file} lacks what its published load has: " + "; ".join(findings)
            accepted = file in accept_shrink
            if accepted:
                loadmod.accept_shrink(con, load_id, findings)
            out.append(
                CheckOutcome(
                    SHRINK_CHECK,
                    file,
                    load_id,
                    accepted,
                    True,
                    f"accepted with --accept-shrink: {text}" if accepted else text,
                    {"accepted": accepted, "losses": len(findings) - 1},
                )
            )
    finally:
        con.close()
    return out


# -- where the checks run ---------------------------------------------------------------------
#
# Importing GX takes about 2 s, on one core. A refresh that knows it has documents to check
# starts a process for the checks at once (``start_checker``); it imports GX while this
# process starts Dagster and the extraction runs, and ``run_checks_for`` hands it the loads.
# Without one (a run the UI or a sensor started, a step of the multiprocess executor) the
# checks run in the calling process, with its own validator.


@lru_cache(maxsize=4)
def validator(warehouse: str, expectations: str):
    """The GX validator of a warehouse, one per process (GX is imported here, when first needed)."""
    from .gx_validation import Validator

    return Validator(Path(warehouse), Path(expectations))


_checkers: dict[tuple[str, str], tuple[ProcessPoolExecutor, Callable[[], object] | None]] = {}


def _checker_key(warehouse: Path, expectations: Path) -> tuple[str, str]:
    """The folders a checker is for, as the validator cache takes them."""
    return str(Path(warehouse).resolve()), str(Path(expectations).resolve())


def start_checker(warehouse: Path, expectations: Path, meanwhile: Callable[[], object] | None = None) -> None:
    """Start a process that imports GX and opens the warehouse's validator now, for the next
    ``run_checks_for`` in this process on these folders. ``meanwhile``: what this process
    does while the checker works (the refresh imports the transform's definitions then)."""
    key = _checker_key(warehouse, expectations)
    if key in _checkers:
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=validator, initargs=key)
    pool.submit(int)  # the process starts now, not at the first real task
    _checkers[key] = (pool, meanwhile)


def stop_checkers() -> None:
    """End the checker processes started and not used (a refresh that ended early)."""
    while _checkers:
        _checkers.popitem()[1][0].shutdown(cancel_futures=True)


#: where GX renders the Data Docs of a warehouse (its file context lives in <warehouse>/gx), and
#: the index of them that reads offline (gx_validation.write_offline_index)
DATA_DOCS_SITE = Path("gx", "uncommitted", "data_docs", "local_site")
OFFLINE_INDEX = "offline.html"


def data_docs_index(warehouse: Path) -> Path | None:
    """The offline index of the warehouse's Data Docs, once rendered (found without GX)."""
    index = Path(warehouse) / DATA_DOCS_SITE / OFFLINE_INDEX
    return index if index.exists() else None


def _run_checks_here(db: str, loads: dict, warehouse: str, expectations: str, accept_shrink: set, run_name: str):
    """The checks, then the Data Docs rendered with their validations (GX is imported already)."""
    checker = validator(warehouse, expectations)
    outcomes = run_checks(Path(db), loads, checker, Path(expectations), accept_shrink, run_name)
    checker.build_docs()
    return outcomes


def run_checks_for(
    db: Path,
    loads: dict[str, str],
    warehouse: Path,
    expectations: Path,
    accept_shrink: set[str] = frozenset(),
    run_name: str = "refresh",
) -> list[CheckOutcome]:
    """``run_checks`` with the warehouse's validator, and the Data Docs rendered: in the checker
    process started for these folders, if there is one (it ends after this), else here."""
    key = _checker_key(warehouse, expectations)
    args = (str(db), loads, *key, set(accept_shrink), run_name)
    if key not in _checkers:
        return _run_checks_here(*args)
    pool, meanwhile = _checkers.pop(key)
    with pool:
        checked = pool.submit(_run_checks_here, *args)
        if meanwhile is not None:
            meanwhile()
        return checked.result()
