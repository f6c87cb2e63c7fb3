"""dbt's command line as the refresh uses it, without Dagster: the manifest the Dagster assets
are made from, and each warehouse's own dbt target folder with its partial-parse state.

Each warehouse folder has its own dbt target folder, ``<warehouse>/dbt-target``, and the dbt
profile takes the warehouse file from it: ``DBT_TARGET_PATH/../warehouse.duckdb`` (dagster-dbt
sets DBT_TARGET_PATH for each build; WAREHOUSE_DB, where set, names the file instead). dbt
parses the whole project again whenever its profile changes; so each warehouse's builds reuse
their own parse state, and nothing piles up in ``dbt_project/target``. A warehouse that has
none yet (a first refresh) gets it from ``dbt parse`` in the background while the documents
load (``start_parse``).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from . import settings

DBT_DIR = settings.DBT_DIR
MANIFEST = DBT_DIR / "target" / "manifest.json"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
PARTIAL_PARSE = "partial_parse.msgpack"


def target_dir(warehouse: Path) -> Path:
    """The dbt target folder of one warehouse: its builds' artifacts and parse state."""
    return Path(warehouse).resolve() / "dbt-target"


def _parse_command() -> list[str]:
    return [DBT_EXECUTABLE, "parse", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--quiet"]


def _manifest_is_current() -> bool:
    newest = max(p.stat().st_mtime for p in settings.dbt_project_files())
    return MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest


def ensure_manifest() -> Path:
    """Run `dbt parse` if the manifest is missing or older than the project's files. One
    process parses at a time (a lock file beside the manifest): processes that start together
    (test workers, `dagster dev` beside a refresh) wait for it and read the finished file."""
    if _manifest_is_current():
        return MANIFEST
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with open(MANIFEST.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _manifest_is_current():  # another process parsed while this one waited
            return MANIFEST
        proc = subprocess.run(_parse_command(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {DBT_DIR}:\n{proc.stdout}\n{proc.stderr}")
    return MANIFEST


def start_parse(warehouse: Path) -> subprocess.Popen | None:
    """`dbt parse` into the warehouse's target folder, in the background, when it has no parse
    state yet (None when it has): the build that follows then parses only what changed. dbt
    parse does not open the warehouse file, so it runs beside the refresh's writes."""
    target = target_dir(warehouse)
    if (target / PARTIAL_PARSE).exists():
        return None
    target.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        _parse_command(),
        env={**os.environ, "DBT_TARGET_PATH": str(target)},  # as dagster-dbt sets it for the build
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
