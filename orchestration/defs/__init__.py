"""Dagster definitions, grouped by integration: ``documents`` (extraction, DuckDB load, GX
checks), ``dbt`` (dagster-dbt) and ``automation`` (sensors, schedule). They are put together
in ``orchestration.definitions`` (kept apart so a refresh with nothing to build does not
import dbt)."""
