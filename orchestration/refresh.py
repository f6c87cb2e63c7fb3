"""The full refresh, as ``warehouse refresh`` runs it: the documents' hashes compared with
their published loads first (no Dagster run when nothing changed), then one run of the job
``refresh_documents`` for the changed ones and one of ``transform`` for the marts, against a
Dagster instance whose home is inside the project (``warehouse/dagster``), so the runs show
up in ``dagster dev``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from . import settings

#: the first line of a dagster.yaml that `warehouse refresh` wrote (and so may write again)
_YAML_MARK = "# Written by `warehouse refresh`."


def dagster_yaml(home: Path) -> str:
    """The instance's settings: one run at a time (DuckDB takes one writer), no telemetry,
    and Dagster's SQLite event log with its connections kept open (orchestration.event_log;
    the same files as the default, at about a quarter of the cost per event)."""
    return f"""\
{_YAML_MARK} DuckDB takes one writer at a time: one run at a time.
run_queue:
  max_concurrent_runs: 1
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {json.dumps(str(home / "history" / "runs"))}
"""


@dataclass
class DocumentRun:
    file: str
    run_id: str
    outcome: str  # published | unchanged | blocked | failed
    detail: str
    seconds: float


def dagster_home(warehouse: Path) -> Path:
    """The Dagster instance's folder: $DAGSTER_HOME where set (`./dev ui` sets it), else
    ``<warehouse>/dagster``, with its dagster.yaml (``write_dagster_yaml``)."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.dagster_home(Path(warehouse).resolve()))
    write_dagster_yaml(home)
    return home


def write_dagster_yaml(home: Path) -> None:
    """The instance's dagster.yaml: written when missing, and written again when a refresh
    wrote it and it has changed since (a new setting, the folder moved or copied). A
    dagster.yaml a user wrote is left alone."""
    home.mkdir(parents=True, exist_ok=True)
    yaml, wanted = home / "dagster.yaml", dagster_yaml(home.resolve())
    written = yaml.read_text(encoding="utf-8") if yaml.exists() else None
    if written is None or (written.startswith(_YAML_MARK) and written != wanted):
        yaml.write_text(wanted, encoding="utf-8")


#: how `warehouse refresh` starts a job: in this process, logging at INFO to the console
_RUN_OPTIONS = {
    "raise_on_error": False,
    "tags": {"trigger": "warehouse refresh"},
}
_LOGGERS = {"console": {"config": {"log_level": "INFO"}}}


def resources_config(warehouse: Path, sources: Path | None = None) -> dict:
    """The run config of the warehouse resource for a run on these folders (the resource is
    configured when a run starts: nothing is written to the environment)."""
    folders = {"warehouse": str(Path(warehouse).resolve())}
    if sources is not None:
        folders["sources"] = str(Path(sources).resolve())
    return {"warehouse": {"config": folders}}


def _events(result, event_type: str) -> list:
    """The events of one type (a DagsterEventType name) of an in-process run."""
    import dagster as dg

    kind = dg.DagsterEventType[event_type]
    return [e for e in result.all_events if e.event_type == kind]


def _as_uri(url: str) -> str:
    """A file URL with its spaces and quotes escaped, so that it stays one word on a line."""
    return Path(url.removeprefix("file://")).as_uri() if url.startswith("file://") else url


def _failure_reason(event) -> str:
    """A failed step's reason in words: the message of the Failure the asset raised (a
    LoadError naming file and line), else the error's own first line."""
    data = event.event_specific_data
    user = getattr(data, "user_failure_data", None)
    if user is not None and user.description:
        return user.description
    error = getattr(data, "error", None)
    while error is not None and error.cause is not None and "dagster" in error.cls_name.lower():
        error = error.cause  # Dagster's wrapper around the user code's error
    if error is not None:
        return f"{error.cls_name}: {error.message.strip().splitlines()[0] if error.message.strip() else ''}"
    return event.message


def _document_outcomes(result, db: Path) -> dict[str, tuple[str, str]]:
    """file -> (outcome, detail) of each document a run of refresh_documents handled: what
    raw.loads says of its load (published, rejected, failed), with the checks it failed
    (blocking) or warned on, from the run's check evaluations (one per document and check)."""
    import dagster as dg

    evaluations: dict[str, list] = {}
    for e in _events(result, "ASSET_CHECK_EVALUATION"):
        data = e.event_specific_data
        evaluations.setdefault(data.partition, []).append(data)
    from . import load as loadmod

    con = loadmod.connect(db)
    try:
        loads = con.execute("select file, status, message from raw.loads where run_id = ?", [result.run_id]).fetchall()
    finally:
        con.close()
    out = {}
    for file, status, message in loads:
        checks = evaluations.get(file, [])
        failed = [c for c in checks if not c.passed]
        blocking = [c for c in failed if c.severity == dg.AssetCheckSeverity.ERROR]
        warned = [c for c in failed if c.severity != dg.AssetCheckSeverity.ERROR]
        warn_text = "; warnings: " + ", ".join(c.check_name for c in warned) if warned else ""
        if status == "published":
            out[file] = ("published", f"{len(checks)} checks ran{warn_text}")
        elif status == "rejected" or blocking:
            pages = [c.metadata["data_docs"].value for c in blocking if "data_docs" in c.metadata]
            where = f"; GX page: {_as_uri(pages[0])}" if pages and pages[0] else ""
            # a check that is not a GX suite says what it found in its description
            said = "".join(
                f"; {c.description}" for c in blocking if not c.check_name.startswith("gx_") and c.description
            )
            out[file] = (
                "blocked",
                "blocking checks failed: " + ", ".join(c.check_name for c in blocking) + said + warn_text + where,
            )
        elif status == "failed":
            out[file] = ("failed", message or "extraction failed")
        else:
            failures = [_failure_reason(e) for e in _events(result, "STEP_FAILURE")]
            out[file] = ("failed", f"{status}, not published: " + (failures[0] if failures else "the run failed"))
    return out


def _marts_fingerprint(db: Path) -> tuple[str, bool]:
    """What the marts are built from: the published loads and the dbt project's files."""
    import hashlib

    from . import load as loadmod

    h = hashlib.sha256()
    con = loadmod.connect(db, read_only=True)
    try:
        for row in con.execute("select file, load_id from raw.documents order by file").fetchall():
            h.update(repr(row).encode())
        has_marts = (
            con.execute("select count(*) from information_schema.tables where table_schema = 'marts'").fetchone()[0] > 0
        )
    finally:
        con.close()
    for f in settings.dbt_project_files():
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest(), has_marts


def run_transform(warehouse: Path, runs: list[DocumentRun], log=print, progress=None) -> DocumentRun | None:
    """The dbt build (job `transform`) on the published documents, unless nothing it is built
    from changed since the last build. A document that was blocked or failed is quarantined:
    the marts keep its last published load (if any) and take every other document's new one."""
    db = settings.database_path(Path(warehouse).resolve())
    state = Path(warehouse) / "marts.fingerprint"
    fingerprint, has_marts = _marts_fingerprint(db)
    if has_marts and state.exists() and state.read_text() == fingerprint:
        log("marts up to date: no document published and the dbt project unchanged since the last build")
        from .publish import current_publish_id, publish

        if current_publish_id(Path(warehouse)) is None:
            result = publish(Path(warehouse))
            log(f"published {result.publish_id} (the published copy was missing or could not be read)")
        return None
    import dagster as dg

    from .definitions import defs

    start = time.perf_counter()
    with (progress or _no_progress)("marts: dbt build, then publish"):
        result = defs.resolve_job_def("transform").execute_in_process(
            instance=_instance(warehouse, log),
            run_config={"loggers": _LOGGERS, "resources": resources_config(warehouse)},
            **_RUN_OPTIONS,
        )
    checks = [e.event_specific_data for e in _events(result, "ASSET_CHECK_EVALUATION")]
    mats = _events(result, "ASSET_MATERIALIZATION")
    failed = [c.check_name for c in checks if not c.passed]
    if result.success and not failed:
        state.write_text(fingerprint)
        publish_ids = [
            e.event_specific_data.materialization.metadata["publish_id"].value
            for e in mats
            if e.asset_key == dg.AssetKey("published_warehouse")
        ]
        outcome, detail = (
            "built",
            (
                f"{len(mats) - len(publish_ids)} dbt assets built, {len(checks)} dbt tests "
                f"passed; published {publish_ids[0] if publish_ids else '?'}"
            ),
        )
    else:
        outcome = "failed"
        detail = ("dbt tests failed: " + ", ".join(failed)) if failed else "dbt build failed (see the run log)"
        if not failed and _out_of_space(result, Path(warehouse)):
            # dbt could not write the warehouse: say so as a full disk (the CLI's exit status 4)
            raise OSError(errno.ENOSPC, f"no space left where the marts are built ({warehouse})")
    run = DocumentRun("(dbt marts)", result.run_id, outcome, detail, time.perf_counter() - start)
    log(f"marts: {outcome} ({run.seconds:.1f} s, run {run.run_id[:8]}): {detail}")
    return run


def disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether an error (or one it came from) is a full disk: ENOSPC, or the messages DuckDB
    and SQLite give for it, or (for a bare I/O error) under 1 MB free where the warehouse is."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in text or "disk is full" in text:
            return True
        if "i/o error" in text:  # SQLite says "disk I/O error" (DuckDB says "No space left")
            try:
                return shutil.disk_usage(folder).free < 1e6
            except OSError:
                return False
        exc = exc.__cause__ or exc.__context__
    return False


def _out_of_space(result, warehouse: Path) -> bool:
    """Whether a failed run failed for a full disk: what its events say, read by disk_full."""
    said = [str(e.message or "") for e in result.all_events]
    said += [_failure_reason(e) for e in _events(result, "STEP_FAILURE")]
    return disk_full(RuntimeError(" ".join(said)), warehouse)


class RefreshBusy(Exception):
    """Another refresh holds the warehouse folder."""


def run_refresh(
    sources: Path, warehouse: Path, log=print, progress=None, accept_shrink: set[str] = frozenset()
) -> list[DocumentRun]:
    """One refresh at a time per warehouse folder (a lock file); raises RefreshBusy.
    ``log`` gets one line per document and one for the marts; ``progress(label, step, steps)``
    (a context manager) is entered around each long step."""
    import fcntl

    Path(warehouse).mkdir(parents=True, exist_ok=True)
    with open(Path(warehouse) / ".refresh.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshBusy(f"another refresh is running on {warehouse}") from exc
        return _run_refresh(sources, warehouse, log, progress or _no_progress, set(accept_shrink))


def _no_progress(label: str, step: int | None = None, steps: int | None = None):
    return nullcontext()


#: a file changed this recently may still be being written (a copy in progress, a download)
SETTLE_SECONDS = 2.0


def wait_until_written(path: Path, settle: float = SETTLE_SECONDS, limit: float = 120.0) -> None:
    """Wait while a file is still changing: until its size and modification time have stayed
    the same for ``settle`` seconds (at most ``limit`` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = path.stat()
        age = time.time() - before.st_mtime
        if age >= settle:
            return
        time.sleep(settle - age)
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
            return


def _instance(warehouse: Path, log):
    """The Dagster instance of the warehouse (dagster_home), once the runs a killed refresh left
    started are marked failed (so they do not hold Dagster's queue)."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(dagster_home(warehouse)))
    stale = fail_stale_runs(instance)
    if stale:
        log(f"{stale} run(s) left started by a refresh that was killed: marked failed")
    return instance


def fail_stale_runs(instance) -> int:
    """Runs a killed `warehouse refresh` left STARTED (or STARTING) would keep Dagster's queue
    (one run at a time) from launching anything. A refresh holds the folder's lock, so no run
    of an earlier refresh is alive: each is marked failed. Runs the daemon launched (sensors,
    schedule) are left to Dagster."""
    import dagster as dg

    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={"trigger": _RUN_OPTIONS["tags"]["trigger"]},
        )
    )
    for run in runs:
        instance.report_run_failed(
            run, message="left running by a `warehouse refresh` that was killed; marked failed by the next refresh"
        )
    return len(runs)


def _run_refresh(sources: Path, warehouse: Path, log, progress, accept_shrink: set[str]) -> list[DocumentRun]:
    from . import load as loadmod

    files = settings.source_files(Path(sources))
    db = settings.database_path(Path(warehouse).resolve())
    state = loadmod.published_state(db)
    if state is None:
        raise RuntimeError(f"{db} is locked by another process")
    plan = loadmod.plan_sources(files, state.documents, state.current)
    out: list[DocumentRun] = []
    for old, new_name in plan.renamed.items():
        loadmod.retire_document(db, old, f"renamed to {new_name} in the sources folder")
        log(f"renamed: {old} -> {new_name} (the same content): loaded under its new name")
    for gone in plan.retired:
        loadmod.retire_document(db, gone, "no longer in the sources folder")
        log(f"retired: {gone} is no longer in the sources folder: its rows leave the marts at this publish")
    for name, first in plan.duplicates.items():
        out.append(
            DocumentRun(
                name,
                "",
                "duplicate",
                f"the same content as {first}: loaded once, as {first} (remove one of the two files)",
                0.0,
            )
        )
        log(f"[-] {name}: duplicate of {first}: not loaded (remove one of the two files)")
    unchanged = [f for f in plan.load if f not in plan.changed]
    out += [
        DocumentRun(f.name, "", "unchanged", "same sha256 as the published load: not extracted again", 0.0)
        for f in unchanged
    ]
    if unchanged:
        names = ", ".join(f.name for f in unchanged[:10]) + (
            f" and {len(unchanged) - 10} more" if len(unchanged) > 10 else ""
        )
        log(f"unchanged: {names} (the same sha256 as their published load: not extracted again)")
    if plan.changed:
        out += _run_documents(sources, warehouse, plan.changed, accept_shrink, log, progress)
    transform = run_transform(warehouse, out, log, progress)
    return out + ([transform] if transform else [])


def refresh_run_config(
    files: list[str], accept_shrink: set[str], workers: int = 0, chunks: int = 1, resources: dict | None = None
) -> dict:
    """The run config of job refresh_documents for these documents (``resources``: the
    warehouse resource's folders, see resources_config; without, its defaults)."""
    return {
        "ops": {
            "plan_documents": {"config": {"files": list(files), "workers": workers, "chunks": chunks}},
            "validate_documents": {"config": {"accept_shrink": sorted(accept_shrink)}},
        },
        "loggers": _LOGGERS,
        **({"resources": resources} if resources else {}),
    }


def _run_documents(
    sources: Path, warehouse: Path, changed: list[Path], accept_shrink: set[str], log, progress
) -> list[DocumentRun]:
    """One run of refresh_documents for every changed document; a line per document."""
    from .validate import start_checker, stop_checkers

    # GX is imported there while Dagster starts here; while it checks, this process imports
    # what the transform needs (dagster-dbt and dbt: 1.4 s)
    start_checker(warehouse, settings.expectations_dir(), meanwhile=_import_transform_definitions)
    try:
        return _run_documents_job(sources, warehouse, changed, accept_shrink, log, progress)
    finally:
        stop_checkers()


def _import_transform_definitions() -> None:
    from . import definitions  # noqa: F401


def _run_documents_job(
    sources: Path, warehouse: Path, changed: list[Path], accept_shrink: set[str], log, progress
) -> list[DocumentRun]:
    home = dagster_home(warehouse)
    from .defs.documents import document_definitions

    instance = _instance(warehouse, log)
    log(f"Dagster runs are kept in DAGSTER_HOME={home} (`./dev ui` shows them)")
    for f in changed:
        wait_until_written(f)
    job = document_definitions().resolve_job_def("refresh_documents")
    start = time.perf_counter()
    with progress(f"{len(changed)} document(s): extract, load, validate, publish", 1, 1):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags=_RUN_OPTIONS["tags"],
            run_config=refresh_run_config(
                [f.name for f in changed], accept_shrink, resources=resources_config(warehouse, sources)
            ),
        )
    seconds = time.perf_counter() - start
    outcomes = _document_outcomes(result, settings.database_path(Path(warehouse).resolve()))
    if not result.success and not outcomes:
        failures = [_failure_reason(e) for e in _events(result, "STEP_FAILURE")]
        outcomes = {f.name: ("failed", failures[0] if failures else "the run failed") for f in changed}
    out = []
    for i, f in enumerate(changed, 1):
        outcome, detail = outcomes.get(f.name, ("failed", "not staged by the run (see its log)"))
        out.append(DocumentRun(f.name, result.run_id, outcome, detail, seconds))
        log(f"[{i}/{len(changed)}] {f.name}: {outcome} (run {result.run_id[:8]}): {detail}")
    log(f"documents: {len(changed)} in one run ({seconds:.1f} s, run {result.run_id[:8]})")
    return out
