"""Running the Great Expectations (GX 1.x) suites of ``expectations/`` on a load (no Dagster).

GX runs on pandas frames built by ``orchestration.checks`` from the staged rows in DuckDB
(GX's SQL datasource is not used on DuckDB). The GX project lives in ``warehouse/gx``: the
suites are copied in from ``expectations/`` (the versioned source), and every validation is
stored there and rendered into Data Docs at ``warehouse/gx/uncommitted/data_docs/local_site``
(after a failing suite, and once per publish of the warehouse: rendering is the slow part).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from .checks import read_suite  # noqa: E402

#: columns that name the document, table and row of a failing check row
INDEX_COLUMNS = {
    "cells": ["file", "table_number", "table_id", "row_label", "column_label", "line"],
    "totals": ["file", "table_number", "table_id", "total_row", "column_label", "line"],
    "udvikling": ["file", "table_number", "table_id", "row_label", "column_label", "line"],
    "completeness": ["file", "table_number", "table_id", "geo_name", "year"],
}
SHOW_ROWS = 10


@dataclass
class SuiteOutcome:
    suite: str
    blocking: bool
    success: bool
    evaluated: int
    failed_expectations: int
    rows_checked: int
    failures: list[str] = field(default_factory=list)  # one line per failing row (first few)
    data_docs: str | None = None

    def summary(self) -> str:
        head = (f"{self.suite}: {self.evaluated - self.failed_expectations}/{self.evaluated} "
                f"expectations passed on {self.rows_checked} rows")
        return head if self.success else head + "\n" + "\n".join(self.failures)


def _where(row: dict) -> str:
    table = f"Tabel {row['table_number']}" if row.get("table_number") else str(row.get("table_id"))
    parts = [str(row.get("file")), table]
    for key, label in (("row_label", "row"), ("total_row", "row"), ("geo_name", "row"),
                       ("column_label", "column"), ("year", "year"), ("line", "line")):
        if key in row and row[key] is not None and not (isinstance(row[key], float) and pd.isna(row[key])):
            value = row[key]
            parts.append(f"{label} {value!r}" if label in ("row", "column") else f"{label} {value}")
    return ", ".join(parts)


class Validator:
    """One GX file context under the warehouse folder, reused for every validation."""

    def __init__(self, warehouse_dir: Path, expectations_dir: Path):
        self.expectations_dir = Path(expectations_dir)
        Path(warehouse_dir).mkdir(parents=True, exist_ok=True)
        self.context = gx.get_context(mode="file", project_root_dir=str(warehouse_dir))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.datasource = self.context.data_sources.add_or_update_pandas("warehouse")
        self._checkpoints: dict[str, object] = {}

    def _batch_definition(self, frame_kind: str):
        try:
            asset = self.datasource.get_asset(frame_kind)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(frame_kind)
        try:
            return asset.get_batch_definition("whole_frame")
        except (KeyError, LookupError, ValueError):
            return asset.add_batch_definition_whole_dataframe("whole_frame")

    def _checkpoint(self, name: str, spec: dict):
        if name in self._checkpoints:
            return self._checkpoints[name]
        frame_kind = spec["meta"]["frame"]
        suite = self.context.suites.add_or_update(gx.ExpectationSuite(
            name=name, expectations=[gx.expectations.registry.get_expectation_impl(e["type"])(
                **e["kwargs"], meta=e.get("meta")) for e in spec["expectations"]],
            meta=spec.get("meta", {})))
        vd = self.context.validation_definitions.add_or_update(gx.ValidationDefinition(
            name=name, data=self._batch_definition(frame_kind), suite=suite))
        cp = self.context.checkpoints.add_or_update(gx.Checkpoint(
            name=name, validation_definitions=[vd],
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": INDEX_COLUMNS[frame_kind]}))
        self._checkpoints[name] = cp
        return cp

    def docs_url(self) -> str | None:
        """The URL of the Data Docs index."""
        docs = self.context.get_docs_sites_urls()
        return docs[0]["site_url"] if docs else None

    def build_docs(self) -> str | None:
        """Render the Data Docs from every stored validation; returns the index's URL."""
        self.context.build_data_docs()
        return self.docs_url()

    def validate(self, suite_name: str, frame: pd.DataFrame, run_name: str,
                 build_docs: bool | None = None) -> SuiteOutcome:
        """Run one suite. The Data Docs are re-rendered when build_docs is true, or (None)
        when the suite failed, so a failure can be inspected at once."""
        spec = read_suite(self.expectations_dir, suite_name)
        blocking = bool(spec["meta"].get("blocking", True))
        cp = self._checkpoint(suite_name, spec)
        result = cp.run(batch_parameters={"dataframe": frame},
                        run_id=gx.RunIdentifier(run_name=run_name))
        vr = next(iter(result.run_results.values()))
        failures: list[str] = []
        failed = 0
        for r in vr.results:
            if r.success:
                continue
            failed += 1
            cfg = r.expectation_config
            col = cfg.kwargs.get("column") or cfg.kwargs.get("column_list") or (
                f"{cfg.kwargs.get('column_A')} vs {cfg.kwargs.get('column_B')}")
            res = r.result or {}
            n = res.get("unexpected_count", "?")
            failures.append(f"  {cfg.type}({col}) failed for {n} row(s)")
            shown = res.get("unexpected_index_list") or []
            for row in shown[:SHOW_ROWS]:
                detail = {k: v for k, v in row.items() if k not in INDEX_COLUMNS.get(spec["meta"]["frame"], [])}
                extra = f" [{', '.join(f'{k}={v}' for k, v in detail.items())}]" if detail else ""
                failures.append(f"    - {_where(row)}{extra}")
            if isinstance(n, int) and n > SHOW_ROWS:
                failures.append(f"    ... and {n - SHOW_ROWS} more")
        if build_docs or (build_docs is None and not vr.success):
            url = self.build_docs()
        else:
            url = self.docs_url()
        return SuiteOutcome(
            suite=suite_name, blocking=blocking, success=bool(vr.success),
            evaluated=len(vr.results), failed_expectations=failed, rows_checked=len(frame),
            failures=failures, data_docs=url)
