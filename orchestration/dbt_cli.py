"""dbt's command line as the refresh uses it, without Dagster: the project parsed once (``dbt
parse`` when its files changed), and ``warehouse-dbt``, dbt's command line on that parsed
project, which the Dagster assets run for each build, into each warehouse's own target folder.

dbt itself would parse the whole project again for every new warehouse folder (about 8 s of CPU
on the 2-core machine): its partial-parse state is keyed on the profile, and the profile names
the warehouse file (``DBT_TARGET_PATH/../warehouse.duckdb``; dagster-dbt sets DBT_TARGET_PATH
for each build, and WAREHOUSE_DB, where set, names the file instead). The parsed project does
not depend on that file: every warehouse file is called ``warehouse.duckdb``, so the database
dbt names is ``warehouse`` for all of them. So the project is parsed once, with the default
profile (``dbt_project/target``: the manifest the Dagster assets are made from and dbt's own
``partial_parse.msgpack`` beside it), and ``warehouse-dbt`` hands that parsed project to dbt
(``dbtRunner(manifest=...)``) instead of letting it parse.
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
#: the parsed project as dbt keeps it between commands (written by the same `dbt parse`)
PARSED = DBT_DIR / "target" / "partial_parse.msgpack"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
#: dbt on the parsed project (pyproject's [project.scripts]); plain dbt where not installed
PREPARED_EXECUTABLE = str(Path(sys.executable).with_name("warehouse-dbt"))


def target_dir(warehouse: Path) -> Path:
    """The dbt target folder of one warehouse: its builds' artifacts and dbt.log."""
    return Path(warehouse).resolve() / "dbt-target"


def _parse_command() -> list[str]:
    project = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)]
    return [DBT_EXECUTABLE, "parse", *project, "--quiet", "--no-send-anonymous-usage-stats"]


def _manifest_is_current() -> bool:
    newest = max(p.stat().st_mtime for p in settings.dbt_project_files())
    # dbt rewrites the msgpack only when a parse found changes: it is as current as the manifest
    return MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest and PARSED.exists()


def ensure_manifest() -> Path:
    """Run `dbt parse` if the manifest or the parsed project is missing or older than the
    project's files. One process parses at a time (a lock file beside the manifest): processes
    that start together (test workers, `dagster dev` beside a refresh) wait for it and read
    the finished files."""
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


def parsed_project():
    """The project as `dbt parse` left it (a dbt Manifest), read from dbt's msgpack file."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    ensure_manifest()
    with open(MANIFEST.parent / ".parse.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # not while another process parses (ensure_manifest)
        parsed = PARSED.read_bytes()
    return Manifest.from_msgpack(parsed, decoder=extended_mashumuro_decoder)


def main(argv: list[str] | None = None) -> int:
    """``warehouse-dbt ARGS``: ``dbt ARGS`` on the parsed project (for the commands that run
    nodes on a manifest, e.g. build, run, test, without --vars, which the parse did not see);
    other commands, and commands on another project, go to dbt as they are. The exit status
    is dbt's: 0 done, 1 a node failed, 2 dbt failed."""
    from dbt.cli.main import dbtRunner

    args = list(sys.argv[1:] if argv is None else argv)
    ours = _project_dir(args) == DBT_DIR.resolve()
    prepared = bool(args) and args[0] in _NODE_COMMANDS and "--vars" not in args and ours
    result = (dbtRunner(manifest=parsed_project()) if prepared else dbtRunner()).invoke(args)
    return 0 if result.success else (2 if result.exception is not None else 1)


def _project_dir(args: list[str]) -> Path:
    """The project a dbt command line is for: --project-dir, else $DBT_PROJECT_DIR, else here."""
    if "--project-dir" in args[:-1]:
        return Path(args[args.index("--project-dir") + 1]).resolve()
    return Path(os.environ.get("DBT_PROJECT_DIR") or ".").resolve()


#: the dbt commands that take a parsed project
_NODE_COMMANDS = frozenset({"build", "run", "test", "seed", "snapshot", "compile", "show", "list", "ls"})


if __name__ == "__main__":
    sys.exit(main())
