"""Where the project's folders are: defaults, overridden by environment variables."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = {".txt"}


def sources_dir() -> Path:
    return Path(os.environ.get("WAREHOUSE_SOURCES", PROJECT_ROOT / "sources"))


def warehouse_dir() -> Path:
    return Path(os.environ.get("WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"))


def expectations_dir() -> Path:
    return Path(os.environ.get("WAREHOUSE_EXPECTATIONS", PROJECT_ROOT / "expectations"))


def database_path(warehouse: Path | None = None) -> Path:
    return (warehouse or warehouse_dir()) / "warehouse.duckdb"


def dagster_home(warehouse: Path | None = None) -> Path:
    return (warehouse or warehouse_dir()) / "dagster"


def source_files(folder: Path) -> list[Path]:
    """The documents of a sources folder, by name."""
    if not Path(folder).is_dir():
        return []
    return sorted(f for f in Path(folder).iterdir() if f.is_file() and f.suffix in SOURCE_SUFFIXES)


DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project_files() -> list[Path]:
    """The files a dbt build depends on (a change means the marts must be rebuilt)."""
    files = [DBT_DIR / "dbt_project.yml", DBT_DIR / "profiles.yml"]
    for sub in ("models", "seeds", "tests", "macros"):
        files += sorted(p for p in (DBT_DIR / sub).rglob("*") if p.is_file())
    return files
