"""Dagster assets for the documents: extract and stage, validate with GX, publish.

One partition per document in the sources folder (dynamic partitions named ``documents``;
the sensor adds new files). For each document:

    staged_document  --(GX asset checks, blocking)-->  published_document

``staged_document`` extracts the file and writes its rows under a new load id (skipped,
and nothing downstream runs, when the file's SHA-256 equals its published load's).
The checks run the GX suites of ``expectations/`` on the staged rows; a failing blocking
check rejects the load and keeps ``published_document`` from running, so what readers see
stays as it was.
"""

import warnings
from functools import lru_cache
from pathlib import Path

import dagster as dg

from .. import load as loadmod
from ..checks import read_suite
from .. import settings

documents = dg.DynamicPartitionsDefinition(name="documents")

# Partitioned asset checks are a preview feature in Dagster 1.13; we rely on them knowingly.
warnings.filterwarnings("ignore", category=dg.PreviewWarning,
                        message="Specifying a partitions_def on an AssetCheckSpec")


class WarehouseResource(dg.ConfigurableResource):
    """The folders a refresh reads and writes."""

    sources: str = str(settings.sources_dir())
    warehouse: str = str(settings.warehouse_dir())
    expectations: str = str(settings.expectations_dir())

    @property
    def db(self) -> Path:
        return settings.database_path(Path(self.warehouse))

    def document(self, file: str) -> Path:
        path = Path(self.sources) / file
        if not path.exists():
            raise dg.Failure(f"{file}: not in the sources folder {self.sources}")
        return path


@dg.asset(partitions_def=documents, group_name="raw", kinds={"python", "duckdb"},
          output_required=False)
def staged_document(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Extract one document and stage its tables, cells and problems in DuckDB (raw schema)."""
    file = context.partition_key
    path = warehouse.document(file)
    context.log.info(f"{file}: extracting ({path.stat().st_size / 1e6:.2f} MB)")
    try:
        staged = loadmod.stage_document(warehouse.db, path, run_id=context.run.run_id)
    except loadmod.LoadError as exc:
        raise dg.Failure(str(exc)) from exc
    if staged.skipped:
        context.log.info(f"{file}: unchanged (sha256 {staged.sha256[:12]}, same as its published "
                         "load): not extracted again; checks and publish skipped")
        return
    context.log.info(f"{file}: staged load {staged.load_id}: {staged.tables} tables, "
                     f"{staged.cells} cells, {staged.problems} problems ({staged.seconds:.2f} s)")
    yield dg.MaterializeResult(metadata={
        "load_id": staged.load_id, "sha256": staged.sha256, "tables": staged.tables,
        "cells": staged.cells, "problems": staged.problems,
        "seconds": dg.MetadataValue.float(round(staged.seconds, 3)),
        "database": dg.MetadataValue.path(str(warehouse.db)),
    })


@dg.asset(partitions_def=documents, group_name="raw", kinds={"duckdb"}, deps=[staged_document])
def published_document(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Publish the validated load: the document's rows in raw.current_* become this load's."""
    file = context.partition_key
    latest = loadmod.load_of_run(warehouse.db, file, context.run.run_id)
    if latest is None or latest[1] != "staged":
        raise dg.Failure(f"{file}: no staged load of this run to publish ({latest})")
    replaced = loadmod.publish_load(warehouse.db, latest[0],
                                    loadmod.read_catalogue(Path(warehouse.sources)))
    context.log.info(f"{file}: published load {latest[0]}" + (f", replacing {replaced}" if replaced else ""))
    return dg.MaterializeResult(metadata={"load_id": latest[0], "replaced": replaced or ""})


# -- GX checks --------------------------------------------------------------------------

#: Dagster check name -> GX suite in expectations/ (whose meta gives the frame it validates,
#: whether it blocks, and its description)
CHECKS = {
    "gx_structure": "raw_cells_structure",
    "gx_domain": "raw_cells_domain",
    "gx_totals_read_right": "raw_totals",
    "gx_totals_add_up": "raw_totals_findings",
    "gx_udvikling_matches": "raw_udvikling",
    "gx_complete": "raw_completeness",
}


@lru_cache(maxsize=4)
def _validator(warehouse: str, expectations: str):
    from ..gx_validation import Validator  # GX is slow to import: only when a check runs

    return Validator(Path(warehouse), Path(expectations))


@lru_cache(maxsize=2)
def _cells_frame(db: str, load_id: str):
    """The staged cells of a load as the checks' base frame: read once for the five checks."""
    from .. import checks

    return checks.cells_frame(loadmod.load_cells(Path(db), load_id))


def _frame(kind: str, db: Path, load_id: str, expectations: str):
    from .. import checks

    if kind == "totals":  # made when the load was staged (raw.totals)
        return loadmod.load_totals(db, load_id)
    frame = _cells_frame(str(db), load_id).copy()
    if kind == "udvikling":
        return checks.udvikling_frame(frame)
    if kind == "completeness":
        return checks.completeness_frame(frame, checks.load_known_gaps(Path(expectations) / "known_gaps.json"))
    return frame


def _make_check(check_name: str, suite: str):
    meta = read_suite(settings.expectations_dir(), suite)["meta"]
    blocking, kind = bool(meta.get("blocking", True)), meta["frame"]

    @dg.asset_check(asset=staged_document, name=check_name, description=meta["description"],
                    blocking=blocking, partitions_def=documents)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        file = context.partition_key
        latest = loadmod.load_of_run(warehouse.db, file, context.run.run_id)
        if latest is None:
            return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                                       description=f"{file}: this run staged no load to validate")
        load_id = latest[0]
        frame = _frame(kind, warehouse.db, load_id, warehouse.expectations)
        outcome = _validator(str(Path(warehouse.warehouse)), warehouse.expectations).validate(
            suite, frame, run_name=load_id)
        severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
        text = f"{file} (load {load_id}): {outcome.summary()}"
        if outcome.success:
            context.log.info(text)
        else:
            (context.log.error if outcome.blocking else context.log.warning)(text)
            if outcome.blocking:
                loadmod.reject_load(warehouse.db, load_id, text)
        return dg.AssetCheckResult(
            passed=outcome.success, severity=severity, description=text[:2000],
            metadata={
                "suite": suite, "load_id": load_id, "rows_checked": outcome.rows_checked,
                "expectations": outcome.evaluated,
                "failed_expectations": outcome.failed_expectations,
                "failures": dg.MetadataValue.md("\n".join(outcome.failures) or "none"),
                "data_docs": dg.MetadataValue.url(outcome.data_docs or ""),
            })

    return _check


gx_checks = [_make_check(name, suite) for name, suite in CHECKS.items()]

#: the run tag `warehouse refresh --accept-shrink FILE` sets on that document's run
ACCEPT_SHRINK_TAG = "warehouse/accept_shrink"


@dg.asset_check(asset=staged_document, name="load_not_shrunk", blocking=True, partitions_def=documents,
                description="A new load of a published document has every table and every row of the "
                            "load it replaces (a cut-off or half-copied file is blocked); "
                            "`warehouse refresh --accept-shrink FILE` accepts a loss that is meant.")
def load_not_shrunk(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    file = context.partition_key
    latest = loadmod.load_of_run(warehouse.db, file, context.run.run_id)
    if latest is None:
        return dg.AssetCheckResult(passed=False, description=f"{file}: this run staged no load to compare")
    findings = loadmod.shrinkage(warehouse.db, latest[0])
    if not findings:
        return dg.AssetCheckResult(passed=True, description=f"{file}: nothing of the published load is missing")
    text = f"{file} lacks what its published load has: " + "; ".join(findings)
    if context.run.tags.get(ACCEPT_SHRINK_TAG) == "true":
        loadmod.accept_shrink(warehouse.db, latest[0], findings)
        context.log.warning(f"{text} (accepted with --accept-shrink)")
        return dg.AssetCheckResult(passed=True, description=f"accepted with --accept-shrink: {text}"[:2000],
                                   metadata={"accepted": True, "losses": len(findings) - 1})
    context.log.error(text)
    loadmod.reject_load(warehouse.db, latest[0], text)
    return dg.AssetCheckResult(passed=False, description=text[:2000],
                               metadata={"accepted": False, "losses": len(findings) - 1})


document_checks = [*gx_checks, load_not_shrunk]

refresh_document_job = dg.define_asset_job(
    "refresh_document", selection=dg.AssetSelection.assets(staged_document, published_document),
    description="Extract, stage, validate (GX) and publish one document of sources/.",
    executor_def=dg.in_process_executor,  # DuckDB has one writer at a time
)


def document_definitions() -> dg.Definitions:
    """Only the document assets, checks and job: what a refresh needs when no marts are built
    (importing dbt costs a second). The full set is orchestration.definitions.defs."""
    return dg.Definitions(assets=[staged_document, published_document], asset_checks=document_checks,
                          jobs=[refresh_document_job], resources={"warehouse": WarehouseResource()})
