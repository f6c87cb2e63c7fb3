"""The Dagster definitions: ``dagster dev -m orchestration.defs`` (see the README)."""
from __future__ import annotations

import dagster as dg

from .automation import daily_refresh, sources_sensor
from .documents import (WarehouseResource, gx_checks, published_document, refresh_document_job,
                        staged_document)

defs = dg.Definitions(
    assets=[staged_document, published_document],
    asset_checks=gx_checks,
    jobs=[refresh_document_job],
    sensors=[sources_sensor],
    schedules=[daily_refresh],
    resources={"warehouse": WarehouseResource()},
)
