"""Dagster assets for the dbt project (dagster-dbt): every dbt model and seed is an asset
downstream of ``published_document``, and dbt's tests show up as asset checks.

The manifest is made with ``dbt parse`` when it is missing or older than any file of the dbt
project, so a fresh clone and an edited model both work without a separate step; the builds
run dbt on that parsed project, without parsing again, and each warehouse folder has its own
dbt target folder (see ``orchestration.dbt_cli``).
"""

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .. import dbt_cli, settings
from .documents import WarehouseResource

DBT_DIR = settings.DBT_DIR


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """dbt's sources keep their default keys (raw/current_cells, ...); models are group dbt."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "dbt"


#: dbt tests that pin today's figures (dbt_project/tests/pinned): not part of production
PINNED_TESTS = "tag:pinned"


@dbt_assets(manifest=dbt_cli.ensure_manifest(), dagster_dbt_translator=WarehouseDbtTranslator(), exclude=PINNED_TESTS)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build`: seeds, staging, marts and their tests, on the published rows (without the
    tests that pin one edition's figures, which hold for today's documents only, and without
    the unit tests, which are the test suite's). dbt writes into the warehouse's own target
    folder, and its profile takes the warehouse file from there (dbt_cli)."""
    target = dbt_cli.target_dir(warehouse.warehouse_dir)
    target.mkdir(parents=True, exist_ok=True)
    build = ["build", "--exclude-resource-type", "unit_test"]
    yield from dbt.cli(build, context=context, target_path=target).stream()


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's resource, with two start-up costs of each build taken out:

    - it is told dbt's version instead of asking: dagster-dbt runs `dbt --version` in a
      subprocess before each build (about 1.2 s here) to tell dbt-core from the Fusion engine;
      this project runs the dbt-core installed beside it (pinned below 1.12);
    - it opens no dbt adapter in this process: dagster-dbt loads dbt's project, profile and
      adapter here (about 1 s) only for the row counts and column metadata a build can be asked
      to fetch, which these assets do not ask for (dagster-dbt takes ``adapter=None``, as for
      the Fusion engine).
    """

    @cached_property
    def _cli_version(self):
        from importlib.metadata import version as installed

        from packaging.version import parse

        return parse(installed("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_resource() -> DbtCliResource:
    """The builds run ``warehouse-dbt``: dbt on the project parsed once (dbt_cli), not parsed
    again for each warehouse; plain dbt where the package's scripts are not installed."""
    prepared = Path(dbt_cli.PREPARED_EXECUTABLE)
    executable = str(prepared) if prepared.exists() else dbt_cli.DBT_EXECUTABLE
    return WarehouseDbtCli(project_dir=str(DBT_DIR), profiles_dir=str(DBT_DIR), dbt_executable=executable)


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
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The read-only copy readers open (warehouse/published.duckdb), switched atomically after
    a complete dbt build, with the marts as Parquet and the HTML report."""
    from ..publish import publish
    from ..validate import data_docs_index

    result = publish(warehouse.warehouse_dir)
    context.log.info(f"published {result.publish_id} to {result.path} ({result.seconds:.1f} s)")
    # the GX Data Docs: rendered by the checks, where the validations are made
    docs = data_docs_index(warehouse.warehouse_dir)
    return dg.MaterializeResult(
        metadata={
            "publish_id": result.publish_id,
            "path": dg.MetadataValue.path(str(result.path)),
            "mart_tables": len(result.tables),
            "parquet": dg.MetadataValue.path(str(result.parquet_dir)),
            "report": dg.MetadataValue.path(str(result.report) if result.report else ""),
            "gx_data_docs": dg.MetadataValue.url(docs.as_uri() if docs else ""),
        }
    )


transform_job = dg.define_asset_job(
    "transform",
    selection=dg.AssetSelection.assets(dbt_models, published_warehouse),
    description="dbt build (staging, dimensions, marts and their tests), then publish the read-only copy.",
    executor_def=dg.in_process_executor,
)
