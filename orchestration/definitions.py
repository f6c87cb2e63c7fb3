"""The Dagster definitions: ``dagster dev -m orchestration.definitions`` (see the README).

Grouped by integration: ``documents`` (extraction, DuckDB load, GX checks), ``dbt`` (the dbt
project through dagster-dbt) and ``automation`` (sensors and the schedule).
"""

import warnings

import dagster as dg

from .defs.automation import daily_refresh, marts_sensor, sources_sensor
from .defs.dbt import dbt_models, dbt_resource, published_warehouse, raw_sources, transform_job
from .defs.documents import WarehouseResource, document_checks, published_document, refresh_documents, staged_document

# Dagster 1.13 passes a sensor's (empty) owners on when it copies the sensor for its job, and
# warns that the parameter is in beta: our sensors name no owners.
warnings.filterwarnings(
    "ignore", category=dg.BetaWarning, message="Parameter `owners` of initializer `SensorDefinition"
)

defs = dg.Definitions(
    assets=[staged_document, published_document, *raw_sources, dbt_models, published_warehouse],
    asset_checks=document_checks,
    jobs=[refresh_documents, transform_job],
    sensors=[sources_sensor, marts_sensor],
    schedules=[daily_refresh],
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
)
