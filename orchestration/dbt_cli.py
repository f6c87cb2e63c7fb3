"""dbt's command line as the refresh uses it, without Dagster: the manifest the Dagster assets
are made from, and each warehouse's own dbt target folder with its partial-parse state.

dbt parses the whole project again whenever its profile changes, and the profile names the
warehouse file (``WAREHOUSE_DB``). So each warehouse folder keeps its own target folder
(``<warehouse>/dbt-target``): its builds reuse their parse state, and nothing piles up in
``dbt_project/target``. A warehouse that has none yet (a first refresh) gets one from
``dbt parse`` in the background while the documents load (``start_parse``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import settings

DBT_DIR = settings.DBT_DIR
MANIFEST = DBT_DIR / "target" / "manifest.json"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
PARTIAL_PARSE = "partial_parse.msgpack"


def env_for(warehouse: Path) -> dict[str, str]:
    """dbt reads the warehouse file from WAREHOUSE_DB (see dbt_project/profiles.yml)."""
    return {**os.environ, "WAREHOUSE_DB": str(settings.database_path(Path(warehouse)).resolve())}


def target_dir(warehouse: Path) -> Path:
    """The dbt target folder of one warehouse: its builds' artifacts and parse state."""
    return Path(warehouse).resolve() / "dbt-target"


def _parse_command(target: Path | None = None) -> list[str]:
    cmd = [DBT_EXECUTABLE, "parse", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--quiet"]
    return cmd + (["--target-path", str(target)] if target else [])


def ensure_manifest() -> Path:
    """Run `dbt parse` if the manifest is missing or older than the project's files."""
    newest = max(p.stat().st_mtime for p in settings.dbt_project_files())
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest:
        return MANIFEST
    proc = subprocess.run(_parse_command(), env=env_for(settings.warehouse_dir()), capture_output=True, text=True)
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
        _parse_command(target),
        env=env_for(warehouse),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
