"""Dagster assets for the dbt project (dagster-dbt): every dbt model and seed is an asset
downstream of ``published_document``, and dbt's tests show up as asset checks.

The manifest is made with ``dbt parse`` when it is missing or older than any file of the dbt
project, so a fresh clone and an edited model both work without a separate step.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .. import settings

DBT_DIR = settings.DBT_DIR
MANIFEST = DBT_DIR / "target" / "manifest.json"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def _warehouse_db() -> str:
    """dbt reads the warehouse file from WAREHOUSE_DB (see dbt_project/profiles.yml)."""
    return str(settings.database_path().resolve())


def dbt_env() -> dict[str, str]:
    return {**os.environ, "WAREHOUSE_DB": _warehouse_db()}


def ensure_manifest() -> Path:
    """Run `dbt parse` if the manifest is missing or older than the project's files."""
    newest = max(p.stat().st_mtime for p in settings.dbt_project_files())
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest:
        return MANIFEST
    proc = subprocess.run(
        [DBT_EXECUTABLE, "parse", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--quiet"],
        env=dbt_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {DBT_DIR}:\n{proc.stdout}\n{proc.stderr}")
    return MANIFEST


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """dbt's sources keep their default keys (raw/current_cells, ...); models are group dbt."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "dbt"


#: dbt tests that pin today's figures (dbt_project/tests/pinned): not part of production
PINNED_TESTS = "tag:pinned"


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=WarehouseDbtTranslator(), exclude=PINNED_TESTS)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, staging, marts and their tests, on the published rows (without the
    tests that pin one edition's figures, which hold for today's documents only)."""
    invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()
    # dagster-dbt starts each build from target/partial_parse.msgpack; dbt parses everything
    # again when it was made for another profile (another WAREHOUSE_DB). Keep this build's, so
    # the next build of the same warehouse parses only what changed (dbt checks the files).
    state = Path(invocation.target_path) / "partial_parse.msgpack"
    if state.exists():
        shutil.copyfile(state, MANIFEST.with_name("partial_parse.msgpack"))


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's resource, told dbt's version instead of asking: dagster-dbt runs
    `dbt --version` in a subprocess before each build (about 1.2 s here) to tell dbt-core from
    the Fusion engine; this project runs the dbt-core installed beside it (pinned below 1.12)."""

    @cached_property
    def _cli_version(self):
        from importlib.metadata import version as installed

        from packaging.version import parse

        return parse(installed("dbt-core"))


def dbt_resource() -> DbtCliResource:
    os.environ["WAREHOUSE_DB"] = _warehouse_db()
    return WarehouseDbtCli(project_dir=str(DBT_DIR), profiles_dir=str(DBT_DIR), dbt_executable=DBT_EXECUTABLE)


# The dbt sources are views and tables of the raw schema that publishing a document updates:
# declared here so the lineage reads published_document -> raw/current_cells -> stg_cells.
RAW_SOURCES = {
    "documents": "Published documents (raw.documents): the pointer to each document's published load.",
    "current_cells": "Published cells (view raw.current_cells over raw.cells).",
    "current_tables": "Published tables (view raw.current_tables over raw.tables).",
    "current_totals": "Published totals beside their parts (view raw.current_totals over raw.totals).",
    "current_statements": "Published statements of the documents about their tables, checked (view raw.current_statements).",  # noqa: E501
    "loads": "Every load attempt (raw.loads).",
    "geo": "Canonical geography (raw.geo), written with the schema.",
}
raw_sources = [
    dg.AssetSpec(key=["raw", name], description=desc, group_name="raw", deps=["published_document"], kinds={"duckdb"})
    for name, desc in RAW_SOURCES.items()
]


@dg.asset(deps=[dbt_models], group_name="serve", kinds={"duckdb", "parquet", "html"})
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The read-only copy readers open (warehouse/published.duckdb), switched atomically after
    a complete dbt build, with the marts as Parquet and the HTML report."""
    from ..publish import publish

    result = publish(settings.warehouse_dir())
    context.log.info(f"published {result.publish_id} to {result.path} ({result.seconds:.1f} s)")
    # the GX Data Docs, rendered once per publish (a failing check renders them at once)
    from .documents import _validator

    docs = _validator(str(settings.warehouse_dir()), str(settings.expectations_dir())).build_docs()
    return dg.MaterializeResult(
        metadata={
            "publish_id": result.publish_id,
            "path": dg.MetadataValue.path(str(result.path)),
            "mart_tables": len(result.tables),
            "parquet": dg.MetadataValue.path(str(result.parquet_dir)),
            "report": dg.MetadataValue.path(str(result.report) if result.report else ""),
            "gx_data_docs": dg.MetadataValue.url(docs or ""),
        }
    )


transform_job = dg.define_asset_job(
    "transform",
    selection=dg.AssetSelection.assets(dbt_models, published_warehouse),
    description="dbt build (staging, dimensions, marts and their tests), then publish the read-only copy.",
    executor_def=dg.in_process_executor,
)
