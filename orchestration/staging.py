"""Staging many documents at once: workers extract, one writer loads (no Dagster here).

A refresh of N changed documents runs in two stages:

1. ``prepare_load(path, folder)``, in any number of worker processes (or machines sharing
   ``folder``): hash and extract the file, build its rows exactly as the warehouse stores
   them (an in-memory DuckDB with the raw schema, so types and the totals computed from the
   stored cells are the ones a direct load would give) and write them as Parquet files
   under ``folder/<load_id>/``. It touches no warehouse file, so any number run at once.
2. ``write_loads(db, prepared)``, in one process: one connection, one transaction, one
   ``insert ... select from read_parquet([...])`` per raw table for every document, and a
   ``raw.loads`` row per document (``failed`` with the reason for one that could not be read).

``prepare_loads`` runs stage 1 in a pool of local processes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from . import load as loadmod
from .extract import extract_document


@dataclass
class PreparedLoad:
    """One document extracted and written as Parquet, ready for the writer."""

    file: str
    sha256: str
    size_bytes: int
    load_id: str
    started_at: datetime
    folder: str | None  # where its Parquet files are (None when it failed)
    tables: int = 0
    cells: int = 0
    problems: int = 0
    seconds: float = 0.0
    error: str | None = None  # why the document could not be read (names file and line)


def _data_table_names() -> list[str]:
    return [t.split(".", 1)[1] for t in loadmod.DATA_TABLES]


_MEMORY: dict[int, duckdb.DuckDBPyConnection] = {}


def _memory_db() -> duckdb.DuckDBPyConnection:
    """This process's in-memory DuckDB with the raw tables (made once: rows are typed there as
    the warehouse types them, then written out and deleted)."""
    pid = os.getpid()  # a forked worker makes its own
    if pid not in _MEMORY:
        _MEMORY[pid] = duckdb.connect()
        _MEMORY[pid].execute(loadmod.DATA_SCHEMA_SQL)
    return _MEMORY[pid]


def prepare_load(path: Path, folder: Path) -> PreparedLoad:
    """Extract one document and write its rows as Parquet under ``folder/<load_id>/``."""
    path = Path(path)
    started, started_at = time.perf_counter(), loadmod.now()
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    load_id = f"{path.stem}-{uuid.uuid4().hex[:12]}"

    def failed(error: str) -> PreparedLoad:
        return PreparedLoad(
            path.name, sha, len(data), load_id, started_at, None, seconds=time.perf_counter() - started, error=error
        )

    try:
        result = extract_document(path)
        if result.error is not None:
            return failed(str(result.error))
        out = Path(folder) / load_id
        out.mkdir(parents=True, exist_ok=True)
        con = _memory_db()
        try:
            loadmod.insert_result_rows(con, load_id, result)
            for name in _data_table_names():
                con.execute(f"copy raw.{name} to {_sql_text(str(out / name) + '.parquet')} (format parquet)")
        finally:
            for name in _data_table_names():
                con.execute(f"delete from raw.{name}")
    except Exception as exc:  # noqa: BLE001  (one document's bug must not stop the others)
        if _disk_full(exc):
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return failed(
            f"{path.name}: not read, an error in the extractor or loader: "
            f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        )
    return PreparedLoad(
        path.name,
        sha,
        len(data),
        load_id,
        started_at,
        str(out),
        len(result.tables),
        len(result.cells),
        len(result.problems),
        time.perf_counter() - started,
    )


def _disk_full(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "no space left" in str(exc).lower()


def _prepare(args: tuple[str, str]) -> PreparedLoad:
    return prepare_load(Path(args[0]), Path(args[1]))


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def prepare_loads(paths: list[Path], folder: Path, workers: int | None = None):
    """``prepare_load`` for every path, in ``workers`` processes (default: one per CPU);
    yields each PreparedLoad as it is done, in the order of ``paths``."""
    workers = min(workers or default_workers(), max(len(paths), 1))
    jobs = [(str(p), str(folder)) for p in paths]
    if workers <= 1:
        yield from map(_prepare, jobs)
        return
    import multiprocessing

    # fork: the workers start with the extractor already imported (spawn would import it again)
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(_prepare, jobs, chunksize=max(1, len(jobs) // (workers * 8)))


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Written:
    """What the writer did with one prepared document."""

    file: str
    load_id: str
    status: str  # staged | failed
    tables: int
    cells: int
    problems: int
    message: str | None = None


def write_loads(db_path: Path, prepared: list[PreparedLoad], run_id: str | None = None) -> list[Written]:
    """Load prepared documents into the warehouse in one transaction: a ``staged`` load per
    readable document (its rows bulk-inserted from Parquet), a ``failed`` one with the reason
    for each that could not be read. Rows of earlier unpublished loads of these files go."""
    if not prepared:
        return []
    good = [p for p in prepared if p.error is None]
    con = loadmod.connect(db_path)
    try:
        con.execute("begin transaction")
        try:
            files = [p.file for p in prepared]
            for table in loadmod.DATA_TABLES:
                con.execute(
                    f"delete from {table} where file in (select unnest(?)) and load_id not in "
                    "(select load_id from raw.documents)",
                    [files],
                )
            finished = loadmod.now()
            rows = [
                (
                    p.load_id,
                    p.file,
                    p.sha256,
                    p.size_bytes,
                    "failed" if p.error else "staged",
                    None if p.error else p.tables,
                    None if p.error else p.cells,
                    None if p.error else p.problems,
                    loadmod.EXTRACTOR_VERSION,
                    run_id,
                    p.started_at,
                    None if p.error else finished,
                    finished if p.error else None,
                    f"{p.error} (load {p.load_id} failed; the published rows are unchanged)" if p.error else None,
                )
                for p in prepared
            ]
            con.executemany("insert into raw.loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            for name in _data_table_names():
                if good:
                    files_sql = ", ".join(_sql_text(f"{p.folder}/{name}.parquet") for p in good)
                    con.execute(f"insert into raw.{name} by name select * from read_parquet([{files_sql}])")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    finally:
        con.close()
    for p in good:
        shutil.rmtree(p.folder, ignore_errors=True)
    return [
        Written(p.file, p.load_id, "failed" if p.error else "staged", p.tables, p.cells, p.problems, rows[i][-1])
        for i, p in enumerate(prepared)
    ]
