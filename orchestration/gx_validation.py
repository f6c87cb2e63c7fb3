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
from .validate import DATA_DOCS_SITE, OFFLINE_INDEX  # noqa: E402

#: columns that name the document, table and row of a failing check row
INDEX_COLUMNS = {
    "cells": ["file", "table_number", "table_id", "row_label", "column_label", "line"],
    "totals": ["file", "table_number", "table_id", "total_row", "column_label", "line", "raw", "sum_of_parts"],
    "udvikling": ["file", "table_number", "table_id", "row_label", "column_label", "line"],
    "completeness": ["file", "table_number", "table_id", "geo_name", "year"],
}
SHOW_ROWS = 10
#: the validations of each suite kept, with their Data Docs pages: those of the last 30
#: refreshes, a month of daily ones (GX's index lists them all, and is built again at each
#: refresh; the Dagster runs keep every check's result and description)
KEEP_VALIDATIONS = 30


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
    #: file -> its failure lines, for a suite run on the rows of many documents at once (a
    #: failure that names no file is under None and counts against every document)
    by_file: dict[str | None, list[str]] = field(default_factory=dict)
    failed_by_file: dict[str | None, int] = field(default_factory=dict)  # failed expectations
    rows_by_file: dict[str, int] = field(default_factory=dict)

    def for_file(self, file: str) -> SuiteOutcome:
        """This suite's outcome for one document of the rows it validated."""
        failures = self.by_file.get(file, []) + self.by_file.get(None, [])
        failed = self.failed_by_file.get(file, 0) + self.failed_by_file.get(None, 0)
        return SuiteOutcome(
            self.suite,
            self.blocking,
            failed == 0,
            self.evaluated,
            failed,
            self.rows_by_file.get(file, 0),
            failures,
            self.data_docs,
        )

    def summary(self) -> str:
        head = (
            f"{self.suite}: {self.evaluated - self.failed_expectations}/{self.evaluated} "
            f"expectations passed on {self.rows_checked} rows"
        )
        return head if self.success else head + "\n" + "\n".join(self.failures)


def _where(row: dict) -> str:
    table = f"Tabel {row['table_number']}" if row.get("table_number") else str(row.get("table_id"))
    parts = [str(row.get("file")), table]
    for key, label in (
        ("row_label", "row"),
        ("total_row", "row"),
        ("geo_name", "row"),
        ("column_label", "column"),
        ("year", "year"),
        ("line", "line"),
    ):
        if key in row and row[key] is not None and not (isinstance(row[key], float) and pd.isna(row[key])):
            value = row[key]
            parts.append(f"{label} {value!r}" if label in ("row", "column") else f"{label} {value}")
    if row.get("sum_of_parts") is not None:
        parts.append(f"printed {row.get('raw')!r}, its parts add up to {row['sum_of_parts']:g}")
    return ", ".join(parts)


class Validator:
    """One GX file context under the warehouse folder, reused for every validation."""

    def __init__(self, warehouse_dir: Path, expectations_dir: Path):
        self.expectations_dir = Path(expectations_dir)
        self.warehouse_dir = Path(warehouse_dir)
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
        suite = self.context.suites.add_or_update(
            gx.ExpectationSuite(
                name=name,
                expectations=[
                    gx.expectations.registry.get_expectation_impl(e["type"])(**e["kwargs"], meta=e.get("meta"))
                    for e in spec["expectations"]
                ],
                meta=spec.get("meta", {}),
            )
        )
        vd = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=self._batch_definition(frame_kind), suite=suite)
        )
        cp = self.context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=name,
                validation_definitions=[vd],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS[frame_kind]},
            )
        )
        self._checkpoints[name] = cp
        return cp

    def docs_url(self, resource=None, rendered: bool = True) -> str | None:
        """The URL of a Data Docs page: one validation's (``resource``: its identifier), else
        the offline index (``offline.html``) when it has been written, else GX's index.
        ``rendered=False``: a validation's page that the next ``build_docs`` renders."""
        docs = (
            self.context.get_docs_sites_urls(resource_identifier=resource, only_if_exists=rendered)
            if resource
            else self.context.get_docs_sites_urls()
        )
        url = docs[0]["site_url"] if docs else None
        if resource is None and url and url.startswith("file://"):
            offline = Path(url.removeprefix("file://")).with_name(OFFLINE_INDEX)
            if offline.exists():
                return offline.as_uri()
        return url

    def _page(self, key) -> Path:
        """Where the Data Docs page of a stored validation (its identifier) is, once rendered:
        ``validations/<suite>/<run name>/<run time>/<batch>.html`` in the site, as GX stores
        the validation itself (``.json``) under ``gx/uncommitted/validations``."""
        *folders, name = key.to_tuple()
        return self._site / "validations" / Path(*folders) / f"{name}.html"

    @property
    def _site(self) -> Path:
        """The Data Docs site (GX's default place in a file context under the warehouse)."""
        return self.warehouse_dir / DATA_DOCS_SITE

    def prune_validations(self, keep: int = KEEP_VALIDATIONS) -> int:
        """Remove all but the newest ``keep`` stored validations of each suite, with their
        Data Docs pages and the folders of their runs; returns how many were removed."""
        by_suite: dict[str, list] = {}
        store = self.context.validation_results_store
        for key in store.list_keys():
            by_suite.setdefault(key.expectation_suite_identifier.name, []).append(key)
        old = [k for keys in by_suite.values() for k in sorted(keys, key=lambda k: k.run_id.run_time)[:-keep]]
        stored = self._site.parent.parent / "validations"
        for key in old:
            page = self._page(key)
            page.unlink(missing_ok=True)
            store.remove_key(key)
            run_time = page.parent.relative_to(self._site / "validations")
            for folder in (page.parent, stored / run_time):  # <suite>/<run name>/<run time>, if empty
                for empty in (folder, folder.parent):
                    if empty.is_dir() and not any(empty.iterdir()):
                        empty.rmdir()
        return len(old)

    def build_docs(self) -> str | None:
        """Render the Data Docs, and the offline index beside GX's own; returns the offline
        index's URL. GX renders the page of every stored validation it is given: here those
        that have none yet (the validations since the last build), or all of them where the
        site has no index (a new warehouse folder, a site removed)."""
        self.prune_validations()
        if not (self._site / "index.html").exists():
            self.context.build_data_docs()
        else:
            new = [k for k in self.context.validation_results_store.list_keys() if not self._page(k).exists()]
            if new:
                self.context.build_data_docs(resource_identifiers=new)
        write_offline_index(self._site, self._site.parent.parent / "validations")
        return self.docs_url()

    def validate(
        self, suite_name: str, frame: pd.DataFrame, run_name: str, build_docs: bool | None = None
    ) -> SuiteOutcome:
        """Run one suite. The Data Docs are re-rendered when build_docs is true, or (None)
        when the suite failed, so a failure can be inspected at once; ``build_docs=False``: by
        the caller, after its suites (a failed suite's outcome names its page all the same)."""
        spec = read_suite(self.expectations_dir, suite_name)
        blocking = bool(spec["meta"].get("blocking", True))
        cp = self._checkpoint(suite_name, spec)
        result = cp.run(batch_parameters={"dataframe": frame}, run_id=gx.RunIdentifier(run_name=run_name))
        vr = next(iter(result.run_results.values()))
        failures: list[str] = []
        by_file: dict[str | None, list[str]] = {}
        failed_by_file: dict[str | None, int] = {}
        failed = 0
        for r in vr.results:
            if r.success:
                continue
            failed += 1
            cfg = r.expectation_config
            col = (
                cfg.kwargs.get("column")
                or cfg.kwargs.get("column_list")
                or (f"{cfg.kwargs.get('column_A')} vs {cfg.kwargs.get('column_B')}")
            )
            res = r.result or {}
            n = res.get("unexpected_count", "?")
            head = f"  {cfg.type}({col}) failed for {{}} row(s)"
            failures.append(head.format(n))
            rows = res.get("unexpected_index_list") or []
            lines = [self._row_line(row, spec["meta"]["frame"]) for row in rows]
            failures += lines[:SHOW_ROWS] + (
                [f"    ... and {n - SHOW_ROWS} more"] if isinstance(n, int) and n > SHOW_ROWS else []
            )
            grouped: dict[str | None, list[str]] = {}
            for row, line in zip(rows, lines):
                grouped.setdefault(row.get("file") if isinstance(row.get("file"), str) else None, []).append(line)
            if not grouped:  # no row named: it counts against every document
                grouped[None] = []
            for file, file_lines in grouped.items():
                failed_by_file[file] = failed_by_file.get(file, 0) + 1
                by_file.setdefault(file, []).append(head.format(len(file_lines) if file_lines else n))
                by_file[file] += file_lines[:SHOW_ROWS] + (
                    [f"    ... and {len(file_lines) - SHOW_ROWS} more"] if len(file_lines) > SHOW_ROWS else []
                )
        if build_docs or (build_docs is None and not vr.success):
            self.build_docs()
            url = self.docs_url(next(iter(result.run_results)))  # this validation's own page
        elif not vr.success:
            url = self.docs_url(next(iter(result.run_results)), rendered=False)
        else:
            url = self.docs_url()
        return SuiteOutcome(
            suite=suite_name,
            blocking=blocking,
            success=bool(vr.success),
            evaluated=len(vr.results),
            failed_expectations=failed,
            rows_checked=len(frame),
            failures=failures,
            data_docs=url,
            by_file=by_file,
            failed_by_file=failed_by_file,
            rows_by_file=frame["file"].value_counts().to_dict() if "file" in frame else {},
        )

    @staticmethod
    def _row_line(row: dict, frame_kind: str) -> str:
        detail = {k: v for k, v in row.items() if k not in INDEX_COLUMNS.get(frame_kind, [])}
        extra = f" [{', '.join(f'{k}={v}' for k, v in detail.items())}]" if detail else ""
        return f"    - {_where(row)}{extra}"


def write_offline_index(site: Path, validations: Path) -> Path:
    """A Data Docs index that needs no network: GX's own index draws its tables with scripts
    from CDNs and is blank offline, while each validation's page is readable without them.
    This page lists every stored validation (newest first) with its outcome and a link to its
    page, and links the suites' pages."""
    import html
    import json

    rows = []
    for path in validations.rglob("*.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        run = result["meta"]["run_id"]
        page = site / "validations" / path.relative_to(validations).with_suffix(".html")
        stats = result["statistics"]
        rows.append(
            (
                run["run_time"],
                run["run_name"].rsplit("-", 1)[0],
                result["suite_name"],
                result["success"],
                stats["unsuccessful_expectations"],
                stats["evaluated_expectations"],
                page.relative_to(site).as_posix() if page.exists() else None,
            )
        )
    rows.sort(key=lambda row: row[:3], reverse=True)  # newest first, then document and suite
    body = "".join(
        f"<tr class={'ok' if ok else 'failed'}><td>{html.escape(at[:19].replace('T', ' '))}</td>"
        f"<td>{html.escape(doc)}</td><td>{html.escape(suite)}</td>"
        f"<td>{'passed' if ok else f'failed ({failed} of {evaluated} expectations)'}</td>"
        f"<td>{f'<a href={html.escape(link, quote=True)!r}>page</a>' if link else ''}</td></tr>"
        for at, doc, suite, ok, failed, evaluated, link in rows
    )
    suites = "".join(
        f'<li><a href="expectations/{p.name}">{html.escape(p.stem)}</a></li>'
        for p in sorted((site / "expectations").glob("*.html"))
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GX validations of the warehouse</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; }} tr.failed td {{ background: #fde2e1; }}
</style></head><body>
<h1>GX validations of the warehouse</h1>
<p>{len(rows)} validations, newest first; {sum(1 for r in rows if not r[3])} failed. Each links to its
Data Docs page. (GX's own <a href="index.html">index</a> needs network access for its scripts.)</p>
<table><thead><tr><th>when (UTC)</th><th>document</th><th>suite</th><th>outcome</th><th></th></tr></thead>
<tbody>{body}</tbody></table>
<h2>Suites</h2><ul>{suites}</ul>
</body></html>
"""
    out = site / OFFLINE_INDEX
    out.write_text(page, encoding="utf-8")
    return out
