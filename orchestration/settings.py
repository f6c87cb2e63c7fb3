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


def sensor_interval_s() -> int:
    """How often the sensors look at sources/ and at what was published (seconds; read when the
    definitions load): $WAREHOUSE_SENSOR_INTERVAL, else 30."""
    return int(os.environ.get("WAREHOUSE_SENSOR_INTERVAL", "30"))


def database_path(warehouse: Path | None = None) -> Path:
    return (warehouse or warehouse_dir()) / "warehouse.duckdb"


def dagster_home(warehouse: Path | None = None) -> Path:
    return (warehouse or warehouse_dir()) / "dagster"


def _skip_reason(path: Path) -> str | None:
    """Why a file of a sources folder is not a document (None: it is one)."""
    if path.name.startswith("._"):
        return "macOS resource fork (._ file)"
    if path.name.startswith("."):
        return "hidden file"
    if path.is_symlink() and not path.exists():
        return "link to a file that does not exist"
    if not path.is_file():
        return "not a file"
    if path.suffix.lower() not in SOURCE_SUFFIXES:
        return f"not a text document ({path.suffix or 'no extension'}; documents end in .txt)"
    return None


def source_files(folder: Path) -> list[Path]:
    """The documents of a sources folder, by name: text files (.txt, any case), not hidden."""
    if not Path(folder).is_dir():
        return []
    return sorted(f for f in Path(folder).iterdir() if _skip_reason(f) is None)


def skipped_source_files(folder: Path) -> list[tuple[str, str]]:
    """(name, reason) of each entry of a sources folder that is not a document, but for
    catalogue.csv, the folder's own list of titles."""
    if not Path(folder).is_dir():
        return []
    return sorted(
        (f.name, reason)
        for f in Path(folder).iterdir()
        if f.name != "catalogue.csv" and (reason := _skip_reason(f)) is not None
    )


DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_project_files() -> list[Path]:
    """The files a dbt build depends on (a change means the marts must be rebuilt)."""
    files = [DBT_DIR / "dbt_project.yml", DBT_DIR / "profiles.yml"]
    for sub in ("models", "seeds", "tests", "macros"):
        files += sorted(p for p in (DBT_DIR / sub).rglob("*") if p.is_file())
    return files
