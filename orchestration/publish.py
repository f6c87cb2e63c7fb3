"""Publishing the warehouse for readers (no Dagster here).

A refresh writes only the build file (``warehouse/warehouse.duckdb``). Publishing copies it,
when it is complete and validated, to a new version file ``warehouse/published/<publish
id>/published.duckdb`` (in a storage format DuckDB 1.1 and later read), stamps every mart table with the
publish id, exports the marts to Parquet and renders the HTML report, and only then switches
the link ``warehouse/published.duckdb`` to it (a link renamed over the old one: atomic). So:

* readers see the old state or the new one, never a mix: each file is complete before the
  link points at it, and every mart row carries the publish id of its file;
* a reader holding the old version open keeps reading it and never blocks the next publish:
  nothing opens a published version for writing once it is linked;
* a connection opened after the switch reads the new version, even in a process (a notebook,
  a BI server's pool) that still holds connections to the old one: DuckDB keeps one database
  per file, and the link resolves to a new file;
* a refresh that fails, is blocked or is killed before the switch leaves the published copy as
  it was (a ``.tmp`` file it leaves is removed by the next publish).

Parquet files go to ``warehouse/parquet/<publish id>/`` and ``warehouse/parquet/current`` is
a symbolic link switched atomically to the newest; the report goes to
``warehouse/report/<publish id>/`` with ``warehouse/report/current`` likewise.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import load as loadmod
from . import settings

PUBLISHED_NAME = "published.duckdb"
#: the folder of the published versions; published.duckdb links the current one
VERSIONS_DIR = "published"
#: the storage format of the published copy: DuckDB 1.1 and every later client opens it (the
#: DuckDB that builds the warehouse writes a newer format by default, which BI drivers embedding
#: a 1.x DuckDB refuse)
PUBLISHED_STORAGE_VERSION = "v1.1.0"
KEEP_VERSIONS = 2  # parquet and report folders kept: the current one and the one before


@dataclass
class PublishResult:
    publish_id: str
    path: Path
    tables: list[str]
    parquet_dir: Path
    report: Path | None
    seconds: float


def published_path(warehouse: Path | None = None) -> Path:
    return (warehouse or settings.warehouse_dir()) / PUBLISHED_NAME


def _switch_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` (a file or folder inside a version folder of ``link``'s
    folder tree) atomically: a new link renamed over the old one. Then drop all but the
    newest ``KEEP_VERSIONS`` version folders beside the target's; a reader holding a file of
    a dropped version open keeps reading it."""
    tmp = link.with_name(f".{link.name}-{uuid.uuid4().hex[:8]}.link")
    os.symlink(os.path.relpath(target, link.parent), tmp)
    os.replace(tmp, link)  # also replaces a plain file (published.duckdb of the old layout)
    version = target if target.parent == link.parent else target.parent
    versions = sorted(
        (p for p in version.parent.iterdir() if p.is_dir() and not p.is_symlink()), key=lambda p: p.stat().st_mtime
    )
    for old in versions[:-KEEP_VERSIONS]:
        if old != version:
            shutil.rmtree(old, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sql_string(value) -> str:
    """A SQL string literal (for the statements that take no parameters: ATTACH, COPY ... TO);
    a path with an apostrophe ("/data/Region's") stays one string."""
    return "'" + str(value).replace("'", "''") + "'"


def copy_database(con, target: Path) -> None:
    """Copy the database of ``con`` (every schema, table, view and macro) into a new file
    written in ``PUBLISHED_STORAGE_VERSION``, which older DuckDB clients can open."""
    source = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach {sql_string(target)} as published_copy (storage_version '{PUBLISHED_STORAGE_VERSION}')")
    try:
        con.execute(f'copy from database "{source}" to published_copy')
    finally:
        con.execute("detach published_copy")


def publish(warehouse: Path | None = None, report: bool = True) -> PublishResult:
    """Publish the build file of a warehouse folder (see the module's docstring)."""
    start = time.perf_counter()
    warehouse = Path(warehouse or settings.warehouse_dir())
    build = settings.database_path(warehouse)
    now = datetime.now(UTC)
    publish_id = now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    versions = warehouse / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    for stale in [*versions.glob("*/*.tmp*"), *warehouse.glob(f".{PUBLISHED_NAME}-*.tmp*")]:
        # a file left by a publish that was killed; a folder "published.duckdb.tmp" is where
        # DuckDB spills a reader's large query on that version: it is the reader's
        if stale.is_file() or stale.is_symlink():
            stale.unlink(missing_ok=True)
    for empty in versions.iterdir():
        if empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    # each version in a folder of its own, under the name published.duckdb: DuckDB names the
    # database (the catalog BI tools see) after the file, so it stays "published"
    tmp = versions / publish_id / f"{PUBLISHED_NAME}.tmp"
    tmp.parent.mkdir()

    try:
        return _publish(warehouse, build, tmp, publish_id, now, report, start)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed publish leaves nothing behind
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        shutil.rmtree(tmp.parent, ignore_errors=True)
        raise


def _publish(
    warehouse: Path, build: Path, tmp: Path, publish_id: str, now: datetime, report: bool, start: float
) -> PublishResult:
    con = loadmod.connect(build)  # waits while another writer holds the build file
    try:
        copy_database(con, tmp)
    finally:
        con.close()

    import duckdb

    pub = duckdb.connect(str(tmp))
    try:
        tables = [
            r[0]
            for r in pub.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(f"{build}: no marts to publish (has the dbt build run?)")
        pub.execute("create schema if not exists meta")
        docs = pub.execute("select count(*) from raw.documents").fetchone()[0]
        pub.execute(
            "create or replace table meta.publish as select ? as publish_id, "
            "?::timestamptz as published_at, ? as documents, ? as mart_tables",
            [publish_id, now, docs, len(tables)],
        )
        for t in tables:
            pub.execute(f"alter table marts.{t} add column publish_id varchar default '{publish_id}'")
        parquet_root = warehouse / "parquet"
        parquet_dir = parquet_root / publish_id
        parquet_dir.mkdir(parents=True, exist_ok=True)
        for t in tables:
            pub.execute(f"copy marts.{t} to {sql_string(parquet_dir / (t + '.parquet'))} (format parquet)")
        pub.execute("checkpoint")
    finally:
        pub.close()
    _fsync(tmp)
    report_path = None
    if report:
        from .report_html import render_report

        report_dir = warehouse / "report" / publish_id
        report_path = render_report(tmp, report_dir)
    final = tmp.with_name(PUBLISHED_NAME)
    os.replace(tmp, final)
    # the moment readers switch: DuckDB identifies a database by the file the link resolves
    # to, so a connection opened now reads the new version even in a process that still holds
    # one to the old
    _switch_link(published_path(warehouse), final)
    _switch_link(parquet_root / "current", parquet_dir)
    if report:
        _switch_link(warehouse / "report" / "current", report_dir)
    return PublishResult(
        publish_id,
        published_path(warehouse),
        tables,
        parquet_root / "current",
        (warehouse / "report" / "current" / report_path.name) if report_path else None,
        time.perf_counter() - start,
    )


def read_publish(warehouse: Path | None = None) -> tuple[str, datetime, int] | None:
    """(publish id, published at, documents) of the published copy; None when there is none,
    or it cannot be read (damaged, cut short): the next refresh then publishes it again from
    the build file."""
    path = published_path(warehouse)
    if not path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("select publish_id, published_at, documents from meta.publish").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()


def current_publish_id(warehouse: Path | None = None) -> str | None:
    """The publish id of the published copy (None: none, or unreadable; see read_publish)."""
    publish = read_publish(warehouse)
    return publish[0] if publish else None
