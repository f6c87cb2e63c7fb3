"""Dagster definitions for the documents: extract, stage, validate with GX, publish.

The assets are per document (dynamic partitions named ``documents``; a refresh adds new
files), and what Dagster shows is per document too:

    staged_document[file]  --(GX asset checks, load_not_shrunk)-->  published_document[file]

They are materialized by one run of the job ``refresh_documents`` for every changed document
of a refresh (not one run per document: a run's start-up cost more than the work):

    plan_documents -> extract_documents (one step per chunk, mapped) -> stage_documents
                   -> validate_documents -> publish_documents

``extract_documents`` only reads files and writes Parquet under the staging folder; it
touches no DuckDB file, so its steps may run at once (the multiprocess executor, or the
celery/k8s executors on several machines that share the staging folder), each with a pool
of worker processes. The other steps are the single writer. Each step logs the events of
the documents it handled: a materialization of ``staged_document`` or ``published_document``
for the document's partition, and an evaluation of each check for it. A load that fails a
blocking check is rejected and stays unpublished; the others are published (a bad document
quarantines only itself).
"""

import shutil
import warnings
from pathlib import Path

import dagster as dg

from .. import load as loadmod
from .. import settings
from ..checks import read_suite
from ..validate import GX_CHECKS, SHRINK_CHECK, SHRINK_DESCRIPTION

documents = dg.DynamicPartitionsDefinition(name="documents")

# Partitioned asset checks are a preview feature in Dagster 1.13; we rely on them knowingly.
warnings.filterwarnings(
    "ignore", category=dg.PreviewWarning, message="Specifying a partitions_def on an AssetCheckSpec"
)


class WarehouseResource(dg.ConfigurableResource):
    """The folders a run reads and writes, configured when the run starts: ``warehouse
    refresh`` passes its --sources and --warehouse in the run config; a run the UI, a sensor
    or the schedule starts takes the defaults ($WAREHOUSE_SOURCES or sources/, $WAREHOUSE_DIR
    or warehouse/), read when the run starts, not when the code is loaded. ``staging``
    (default: ``<warehouse>/staging``) is where extraction steps leave their Parquet files for
    the writer: on several machines, a folder they share."""

    sources: str = ""
    warehouse: str = ""
    expectations: str = ""
    staging: str = ""

    @property
    def sources_dir(self) -> Path:
        return Path(self.sources) if self.sources else settings.sources_dir()

    @property
    def warehouse_dir(self) -> Path:
        return Path(self.warehouse) if self.warehouse else settings.warehouse_dir()

    @property
    def expectations_dir(self) -> Path:
        return Path(self.expectations) if self.expectations else settings.expectations_dir()

    @property
    def db(self) -> Path:
        return settings.database_path(self.warehouse_dir)

    def staging_dir(self, run_id: str) -> Path:
        return Path(self.staging or self.warehouse_dir / "staging") / run_id

    def document(self, file: str) -> Path:
        path = self.sources_dir / file
        if not path.exists():
            raise dg.Failure(f"{file}: not in the sources folder {self.sources_dir}")
        return path

    def validator(self):
        """The GX validator of this warehouse (one per process)."""
        from ..validate import validator

        return validator(str(self.warehouse_dir.resolve()), str(self.expectations_dir.resolve()))


staged_document = dg.AssetSpec(
    "staged_document",
    partitions_def=documents,
    group_name="raw",
    kinds={"python", "duckdb"},
    description="One document extracted and its tables, cells and problems staged in DuckDB (raw "
    "schema) under a new load id; materialized by the job refresh_documents.",
)
published_document = dg.AssetSpec(
    "published_document",
    partitions_def=documents,
    group_name="raw",
    kinds={"duckdb"},
    deps=[staged_document],
    description="The validated load published: the document's rows in raw.current_* become this load's.",
)


# -- the job ----------------------------------------------------------------------------------


class PlanConfig(dg.Config):
    files: list[str] = []  # documents to refresh (names in the sources folder); empty: every one
    force: bool = False  # extract even a document whose bytes equal its published load's
    chunks: int = 1  # extraction steps (more than one for the multiprocess or a distributed executor)
    workers: int = 0  # extraction processes per step (0: one per CPU)


class ValidateConfig(dg.Config):
    accept_shrink: list[str] = []  # documents whose loss of tables or rows the user accepts


@dg.op(out=dg.DynamicOut(dict))
def plan_documents(context: dg.OpExecutionContext, config: PlanConfig, warehouse: WarehouseResource):
    """The documents to extract: those named (else every one in sources/) whose bytes differ
    from their published load's, in ``chunks`` groups. Nothing to do: no step after this runs."""
    _remove_stale_staging(context.instance, warehouse.staging_dir(context.run_id).parent)
    names = config.files or [f.name for f in settings.source_files(warehouse.sources_dir)]
    paths = [warehouse.document(name) for name in names]
    known = set(context.instance.get_dynamic_partitions(documents.name))
    if new := [p.name for p in paths if p.name not in known]:
        context.instance.add_dynamic_partitions(documents.name, new)
    state = loadmod.published_state(warehouse.db)
    if state is None:
        raise RuntimeError(f"{warehouse.db} is locked by another process: no plan without knowing what is published")
    published = {} if config.force else state.current
    changed = [p for p in paths if published.get(p.name) != loadmod.file_sha256(p)]
    context.log.info(
        f"{len(changed)} of {len(paths)} document(s) new or changed"
        + (": " + ", ".join(p.name for p in changed[:10]) if changed else "")
        + (", ..." if len(changed) > 10 else "")
    )
    chunks = max(1, min(config.chunks, len(changed)))
    for i in range(chunks):
        part = [str(p) for p in changed[i::chunks]]
        if part:
            yield dg.DynamicOutput({"paths": part, "workers": config.workers}, mapping_key=f"chunk_{i}")


def _remove_stale_staging(instance: dg.DagsterInstance, root: Path) -> None:
    """Parquet folders that runs no longer in progress left behind (a killed refresh)."""
    if not root.is_dir():
        return
    busy = {dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.QUEUED}
    for folder in root.iterdir():
        run = instance.get_run_by_id(folder.name)
        if run is None or run.status not in busy:
            shutil.rmtree(folder, ignore_errors=True)


@dg.op
def extract_documents(context: dg.OpExecutionContext, chunk: dict, warehouse: WarehouseResource) -> list:
    """Extract a chunk of documents into Parquet files (worker processes; no DuckDB file)."""
    from ..staging import prepare_loads

    folder = warehouse.staging_dir(context.run_id)
    prepared = list(prepare_loads([Path(p) for p in chunk["paths"]], folder, chunk["workers"] or None))
    for p in prepared:
        if p.error:
            context.log.error(f"{p.file}: {p.error}")
    context.log.info(f"extracted {len(prepared)} document(s) in {sum(p.seconds for p in prepared):.2f} s of work")
    return prepared


@dg.op
def stage_documents(context: dg.OpExecutionContext, chunks: list[list], warehouse: WarehouseResource) -> dict:
    """The single writer: every extracted document staged in DuckDB in one transaction."""
    from ..staging import write_loads

    written = write_loads(warehouse.db, [p for chunk in chunks for p in chunk], run_id=context.run_id)
    shutil.rmtree(warehouse.staging_dir(context.run_id), ignore_errors=True)  # what is left: empty folders
    for w in written:
        if w.status == "staged":
            context.log_event(
                dg.AssetMaterialization(
                    staged_document.key,
                    partition=w.file,
                    metadata={
                        "load_id": w.load_id,
                        "tables": w.tables,
                        "cells": w.cells,
                        "problems": w.problems,
                        "database": dg.MetadataValue.path(str(warehouse.db)),
                    },
                )
            )
    context.log.info(
        f"staged {sum(w.status == 'staged' for w in written)} load(s), "
        f"{sum(w.status == 'failed' for w in written)} failed"
    )
    return {w.load_id: w.file for w in written if w.status == "staged"}


def _check_evaluation(o) -> dg.AssetCheckEvaluation:
    metadata = dict(o.metadata)
    if "failures" in metadata:
        metadata["failures"] = dg.MetadataValue.md(metadata["failures"])
    if "data_docs" in metadata:
        metadata["data_docs"] = dg.MetadataValue.url(metadata["data_docs"])
    return dg.AssetCheckEvaluation(
        asset_key=staged_document.key,
        check_name=o.check,
        passed=o.passed,
        partition=o.file,
        severity=dg.AssetCheckSeverity.ERROR if o.blocking else dg.AssetCheckSeverity.WARN,
        description=o.description[:2000],
        blocking=o.blocking,
        metadata=metadata,
    )


@dg.op
def validate_documents(
    context: dg.OpExecutionContext, config: ValidateConfig, staged: dict, warehouse: WarehouseResource
) -> dict:
    """Every check on every staged load, each GX suite once over all of them; a load failing a
    blocking check is rejected. Returns the loads that passed (load id -> file)."""
    from ..validate import run_checks_for

    outcomes = run_checks_for(
        warehouse.db,
        staged,
        warehouse.warehouse_dir,
        warehouse.expectations_dir,
        set(config.accept_shrink),
        run_name=f"refresh-{context.run_id[:8]}",
    )
    for o in outcomes:  # each document's result of each check, for its partition
        context.log_event(_check_evaluation(o))
        if o.blocking and not o.passed:  # a blocked document's failing rows, in the run's log too
            context.log.error(o.description)
    blocked = {o.load_id for o in outcomes if o.blocking and not o.passed}
    warned = {o.load_id for o in outcomes if not o.blocking and not o.passed}
    # one line for all (a log line is an event: one per document would cost as much as the checks)
    context.log.info(
        f"checked {len(staged)} load(s): {len(blocked)} blocked, {len(warned)} with warnings"
        + ("; blocked: " + ", ".join(sorted(staged[i] for i in blocked)) if blocked else "")
    )
    return {load_id: file for load_id, file in staged.items() if load_id not in blocked}


@dg.op
def publish_documents(context: dg.OpExecutionContext, passed: dict, warehouse: WarehouseResource) -> list:
    """Publish every load that passed its checks (each document in its own transaction)."""
    replaced = loadmod.publish_loads(warehouse.db, list(passed), loadmod.read_catalogue(warehouse.sources_dir))
    for load_id, old in replaced.items():
        context.log_event(
            dg.AssetMaterialization(
                published_document.key, partition=passed[load_id], metadata={"load_id": load_id, "replaced": old or ""}
            )
        )
    context.log.info(f"published {len(replaced)} document(s)")
    return list(replaced)


@dg.job(
    description="Extract, stage, validate (GX) and publish the new or changed documents of "
    "sources/ (or those named in the config), in one run.",
    executor_def=dg.multi_or_in_process_executor,
    tags={"dagster/max_runtime": 3600},
)
def refresh_documents():
    chunks = plan_documents().map(extract_documents)
    publish_documents(validate_documents(stage_documents(chunks.collect())))


# -- the checks, run on their own (from the UI) -----------------------------------------------


def _latest_load(db: Path, file: str) -> str | None:
    """The document's newest load: staged, else published."""
    con = loadmod.connect(db)
    try:
        row = con.execute(
            "select load_id from raw.loads where file = ? and status in ('staged', 'published') "
            "order by started_at desc limit 1",
            [file],
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _make_check(check_name: str, description: str, blocking: bool):
    @dg.asset_check(
        asset=staged_document.key, name=check_name, description=description, blocking=blocking, partitions_def=documents
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        """Run on its own, the check validates the document's newest load again (a refresh
        evaluates it in validate_documents)."""
        from ..validate import GX_CHECKS as gx
        from ..validate import check_frames

        file = context.partition_key
        load_id = _latest_load(warehouse.db, file)
        if load_id is None:
            return dg.AssetCheckResult(passed=False, description=f"{file}: no load to validate")
        if check_name == SHRINK_CHECK:
            findings = loadmod.shrinkage(warehouse.db, load_id)
            return dg.AssetCheckResult(passed=not findings, description="; ".join(findings) or "nothing missing")
        suite = gx[check_name]
        kind = read_suite(warehouse.expectations_dir, suite)["meta"]["frame"]
        frame = check_frames(warehouse.db, [load_id], warehouse.expectations_dir)[kind]
        outcome = warehouse.validator().validate(suite, frame, run_name=load_id)
        return dg.AssetCheckResult(
            passed=outcome.success,
            description=f"{file} (load {load_id}): {outcome.summary()}"[:2000],
            severity=dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN,
        )

    return _check


def _suite_meta(suite: str) -> dict:
    return read_suite(settings.expectations_dir(), suite)["meta"]


document_checks = [
    *(
        _make_check(name, _suite_meta(suite)["description"], bool(_suite_meta(suite).get("blocking", True)))
        for name, suite in GX_CHECKS.items()
    ),
    _make_check(SHRINK_CHECK, SHRINK_DESCRIPTION, True),
]


def document_definitions() -> dg.Definitions:
    """Only the document assets, checks and job: what a refresh needs when no marts are built
    (importing dbt costs a second). The full set is orchestration.definitions.defs."""
    return dg.Definitions(
        assets=[staged_document, published_document],
        asset_checks=document_checks,
        jobs=[refresh_documents],
        resources={"warehouse": WarehouseResource()},
    )
