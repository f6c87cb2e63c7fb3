"""Loading extracted documents into DuckDB (no Dagster here).

A load is staged first: its tables, cells and problems are written under a new load id,
beside the rows already published. Only after validation passes is it published: the
document's pointer (``raw.documents.load_id``) moves to the new load, in one transaction
that also drops the rows of the load it replaces. The ``raw.current_*`` views show published
rows only, so a load that fails validation never changes what readers see.

Re-loading a document replaces its rows; a document whose bytes are unchanged (same
SHA-256 as its published load) is not extracted again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import checks
from .extract import geo as geomod
from .extract.classify import measure_of, row_level_of, speciale_of
from .extract.model import DocumentResult
from .extract.numbers import format_decimal

#: bump when extraction changes what it reads: a document whose published load was made by
#: another version is extracted again even though its bytes are unchanged
EXTRACTOR_VERSION = "3"  # 3: raw.totals and raw.statements are made with every load

_LOADS_SQL = """
create schema if not exists raw;
create table if not exists raw.loads (
    load_id varchar primary key,
    file varchar not null,
    sha256 varchar not null,
    size_bytes bigint,
    status varchar not null,          -- staged | published | rejected | failed
    tables integer,
    cells integer,
    problems integer,
    extractor_version varchar,
    run_id varchar,
    started_at timestamptz,
    loaded_at timestamptz,
    finished_at timestamptz,
    message varchar
);
create table if not exists raw.documents (
    file varchar primary key,
    title varchar,
    publisher varchar,
    doc_date varchar,
    sha256 varchar not null,
    load_id varchar not null,
    published_at timestamptz not null
);
"""

#: raw.cells, the one list of a cell's stored columns: (column, DuckDB type, the Cell field it
#: holds). The table, the rows written and the insert are made from it; tests/test_load.py
#: checks that every field of Cell is stored here or named in CELL_FIELDS_NOT_STORED.
CELL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("file", "varchar not null", "file"),
    ("table_id", "varchar not null", "table_id"),
    ("table_number", "varchar", "table"),
    ("caption", "varchar", "caption"),
    ("section", "varchar", "section"),
    ("row_index", "integer not null", "row_index"),
    ("col_index", "integer not null", "col_index"),
    ("row_label", "varchar", "row_label"),
    ("row_number", "varchar", "row_number"),
    ("geo_code", "varchar", "geo_code"),
    ("geo_name", "varchar", "geo_name"),
    ("geo_level", "varchar", "geo_level"),
    ("geo_match", "varchar", "geo_match"),
    ("is_total", "boolean", "is_total"),
    ("perspective", "varchar", "perspective"),
    ("column_label", "varchar", "column_label"),
    ("column_kind", "varchar", "column_kind"),
    ("year", "integer", "year"),
    ("period_from", "integer", "period_from"),
    ("period_to", "integer", "period_to"),
    ("value", "decimal(24, 6)", "value"),
    ("value_low", "decimal(24, 6)", "value_low"),
    ("value_high", "decimal(24, 6)", "value_high"),
    ("decimals", "integer", "decimals"),
    ("unit", "varchar", "unit"),
    ("raw", "varchar", "raw"),
    ("line", "integer", "line"),
    ("read_as", "varchar", "read_as"),
    ("annotation", "varchar", "annotation"),
    ("placed_by", "varchar", "placed_by"),
)
#: fields of Cell that stay in memory: where the raw text starts in its line (the accounting's)
CELL_FIELDS_NOT_STORED = frozenset({"col_start"})


def _cells_table_sql() -> str:
    columns = ",\n".join(f"    {name} {type_}" for name, type_, _ in CELL_COLUMNS)
    return f"create table if not exists raw.cells (\n    load_id varchar not null,\n{columns}\n);"


#: the tables a load writes its rows into (also made in memory by the staging workers)
DATA_SCHEMA_SQL = """
create schema if not exists raw;
create table if not exists raw.tables (
    load_id varchar not null,
    file varchar not null,
    table_id varchar not null,
    table_number varchar,
    caption varchar,
    kind varchar,
    status varchar,
    stub varchar,
    perspective varchar,
    unit varchar,
    columns varchar[],
    caption_line integer,
    end_line integer,
    ended_by varchar,
    n_rows integer,
    n_cells integer,
    measure varchar,
    speciale varchar,
    row_level varchar
);
{cells_table}
create table if not exists raw.problems (
    load_id varchar not null,
    file varchar not null,
    line integer,
    table_ref varchar,
    severity varchar,
    message varchar,
    kind varchar,
    end_line integer
);
create table if not exists raw.number_accounting (
    load_id varchar not null,
    file varchar not null,
    category varchar not null,  -- cell | table_text | prose | furniture | problem | unaccounted
    numbers integer not null
);
-- every printed total beside the sum of its parts (orchestration.checks.totals_frame), made
-- when the load is staged; the GX totals checks validate it and mart_afstemning publishes it
create table if not exists raw.totals (
    load_id varchar not null,
    file varchar not null,
    table_number varchar,
    table_id varchar not null,
    caption varchar,
    section varchar,
    total_row varchar,
    column_label varchar,
    year integer,
    line integer,
    raw varchar,
    printed_total double,
    sum_of_parts double,
    parts integer,
    parts_from_line integer,
    parts_to_line integer,
    interpretation varchar,
    difference double,
    tolerance double,
    excess double,
    verdict varchar            -- agrees | slip | misread | unexplained
);
-- the documents' statements about their tables, checked (orchestration.extract.statements)
create table if not exists raw.statements (
    load_id varchar not null,
    file varchar not null,
    line integer,
    end_line integer,
    sentence varchar,
    clause varchar,
    claim varchar,             -- value | change | rank | count
    place_code varchar,
    place_name varchar,
    year integer,
    period_from integer,
    period_to integer,
    stated_value decimal(24, 6),
    stated_raw varchar,
    direction varchar,         -- up | down
    rank varchar,              -- highest | lowest | second_highest | second_lowest
    table_number varchar,
    table_id varchar,
    verdict varchar,           -- agrees | contradicts | not_checkable
    reason varchar,
    table_value decimal(24, 6),
    table_raw varchar,
    table_line integer
);
""".replace("{cells_table}", _cells_table_sql())

_VIEWS_SQL = """
-- columns added after the first release: warehouses made by it get them here
alter table raw.cells add column if not exists column_kind varchar;
alter table raw.cells add column if not exists placed_by varchar;
alter table raw.problems add column if not exists kind varchar;
alter table raw.problems add column if not exists end_line integer;
alter table raw.tables add column if not exists measure varchar;
alter table raw.tables add column if not exists speciale varchar;
alter table raw.tables add column if not exists row_level varchar;
create or replace table raw.geo as
    select * from (values {geo_rows}) as g(geo_code, geo_name, geo_level, region_code);
create or replace view raw.current_cells as
    select c.* from raw.cells c join raw.documents d using (load_id);
create or replace view raw.current_tables as
    select t.* from raw.tables t join raw.documents d using (load_id);
create or replace view raw.current_problems as
    select p.* from raw.problems p join raw.documents d using (load_id);
create or replace view raw.current_number_accounting as
    select a.* from raw.number_accounting a join raw.documents d using (load_id);
create or replace view raw.current_totals as
    select t.* from raw.totals t join raw.documents d using (load_id);
create or replace view raw.current_statements as
    select s.* from raw.statements s join raw.documents d using (load_id);
"""

DATA_TABLES = ("raw.cells", "raw.tables", "raw.problems", "raw.number_accounting", "raw.totals", "raw.statements")


def _geo_rows() -> str:
    """The canonical geography (orchestration.extract.geo) as SQL values: one source of truth."""

    def q(v):
        return "null" if v is None else "'" + str(v).replace("'", "''") + "'"

    return ", ".join(
        f"({q(g.code)}, {q(g.name)}, {q(g.level)}, {q(g.region_code)})"
        for g in [*geomod.KOMMUNER, *geomod.REGIONER, geomod.DANMARK]
    )


SCHEMA_SQL = _LOADS_SQL + DATA_SCHEMA_SQL + _VIEWS_SQL.replace("{geo_rows}", _geo_rows())


class LoadError(Exception):
    """A document that could not be loaded; the message names the file (and line)."""


@dataclass
class StageResult:
    file: str
    sha256: str
    load_id: str | None  # None when skipped
    skipped: bool
    tables: int = 0
    cells: int = 0
    problems: int = 0
    seconds: float = 0.0


def connect(db_path: Path, read_only: bool = False, wait_s: float = 60.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, waiting while another process holds its write lock."""
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if not read_only:
        unclassified = _tables_without_classification(con)
        con.execute(SCHEMA_SQL)
        if unclassified:
            _classify_earlier_loads(con)
    return con


def _tables_without_classification(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has raw.tables from before tables were classified at load."""
    found = con.execute(
        "select count(*) filter (where column_name = 'caption'), count(*) filter (where column_name = 'row_level') "
        "from duckdb_columns() where schema_name = 'raw' and table_name = 'tables'"
    ).fetchall()[0]
    return found[0] > 0 and found[1] == 0


def _classify_earlier_loads(con: duckdb.DuckDBPyConnection) -> None:
    """Loads made before tables were classified at load get their classification now, from
    their captions and cells, as a load does (extract.classify)."""
    levels: dict[tuple[str, str], list[tuple[str | None, bool]]] = {}
    for load_id, table_id, level, total in con.execute(
        "select load_id, table_id, geo_level, is_total from raw.cells"
    ).fetchall():
        levels.setdefault((load_id, table_id), []).append((level, bool(total)))
    rows = []
    for load_id, table_id, caption in con.execute("select load_id, table_id, caption from raw.tables").fetchall():
        level = row_level_of(levels.get((load_id, table_id), []))
        rows.append((load_id, table_id, measure_of(caption), speciale_of(caption), level))
    con.register("classified", pd.DataFrame(rows, columns=["load_id", "table_id", "measure", "speciale", "row_level"]))
    con.execute(
        "update raw.tables t set measure = c.measure, speciale = c.speciale, row_level = c.row_level "
        "from classified c where t.load_id = c.load_id and t.table_id = c.table_id"
    )
    con.unregister("classified")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_catalogue(sources: Path) -> dict[str, dict[str, str]]:
    """sources/catalogue.csv: title, publisher and date of each document (optional). Read as
    a spreadsheet program saves it too: UTF-8 with or without a byte order mark, or cp1252;
    commas or semicolons. A catalogue without a ``file`` column is an error that says so."""
    path = Path(sources) / "catalogue.csv"
    if not path.exists():
        return {}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    if rows and "file" not in rows[0]:
        raise LoadError(
            f"{path}: no 'file' column (the header is {first.strip()[:120]!r}); expected file,title,publisher,date"
        )
    return {row["file"].strip(): row for row in rows if row.get("file")}


PUBLISHED_HASHES_SQL = """
    select d.file, d.sha256 from raw.documents d join raw.loads l using (load_id)
    where l.extractor_version = ?
"""


def published_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """file -> SHA-256 of its published load, for loads made by this extractor version (a
    document extracted by an earlier version counts as changed)."""
    return dict(con.execute(PUBLISHED_HASHES_SQL, [EXTRACTOR_VERSION]).fetchall())


@dataclass(frozen=True)
class PublishedState:
    """What is published, by content: what a refresh compares the sources folder with."""

    documents: dict[str, str]  # file -> SHA-256 of every published document
    current: dict[str, str]  # the same for the documents whose published load this extractor made


def published_state(db_path: Path, wait_s: float = 60.0) -> PublishedState | None:
    """The published state of a warehouse file (empty where there is none yet). The one
    reading of it for the refresh command, its plan step and the sensor. None when another
    process kept the file locked for ``wait_s`` seconds (the sensor tries again next tick)."""
    if not Path(db_path).exists():
        return PublishedState({}, {})
    try:
        con = connect(db_path, read_only=True, wait_s=wait_s)
    except duckdb.IOException:
        return None
    try:
        documents = dict(con.execute("select file, sha256 from raw.documents").fetchall())
        return PublishedState(documents, published_hashes(con))
    except duckdb.CatalogException:  # a file without the raw schema yet
        return PublishedState({}, {})
    finally:
        con.close()


def published_sha256(con: duckdb.DuckDBPyConnection, file: str) -> str | None:
    return published_hashes(con).get(file)


def now() -> datetime:
    return datetime.now(UTC)


def _table_rows(load_id: str, result: DocumentResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "load_id": load_id,
                "file": result.file,
                "table_id": t.table_id,
                "table_number": t.table,
                "caption": t.caption,
                "kind": t.kind,
                "status": t.status,
                "stub": t.stub,
                "perspective": t.perspective,
                "unit": t.unit,
                "columns": list(t.columns),
                "caption_line": t.caption_line,
                "end_line": t.end_line,
                "ended_by": t.ended_by,
                "n_rows": t.rows,
                "n_cells": len(t.cells),
                "measure": measure_of(t.caption),
                "speciale": speciale_of(t.caption),
                "row_level": row_level_of((c.geo_level, c.is_total) for c in t.cells),
            }
            for t in result.tables
        ],
        columns=[
            "load_id",
            "file",
            "table_id",
            "table_number",
            "caption",
            "kind",
            "status",
            "stub",
            "perspective",
            "unit",
            "columns",
            "caption_line",
            "end_line",
            "ended_by",
            "n_rows",
            "n_cells",
            "measure",
            "speciale",
            "row_level",
        ],
    )


_CELL_COLUMNS = ["load_id", *(name for name, _, _ in CELL_COLUMNS)]


def _decimal_text(v) -> str | None:
    """A Decimal as the exact text DuckDB casts to decimal(24, 6) (None stays None)."""
    return None if v is None else format_decimal(v)


def _cell_rows(load_id: str, result: DocumentResult) -> pd.DataFrame:
    # decimals as their exact text: DuckDB casts it to decimal(24, 6) without a float between
    decimal = {field for _, type_, field in CELL_COLUMNS if type_.startswith("decimal")}
    fields = [field for _, _, field in CELL_COLUMNS]
    return pd.DataFrame(
        [
            [load_id, *(_decimal_text(getattr(c, f)) if f in decimal else getattr(c, f) for f in fields)]
            for c in result.cells
        ],
        columns=_CELL_COLUMNS,
    )


def _problem_rows(load_id: str, result: DocumentResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "load_id": load_id,
                "file": result.file,
                "line": p.line,
                "table_ref": p.table,
                "severity": p.severity,
                "message": p.message,
                "kind": p.kind.value,
                "end_line": p.end_line,
            }
            for p in result.problems
        ],
        columns=["load_id", "file", "line", "table_ref", "severity", "message", "kind", "end_line"],
    )


_CELLS_OF_LOAD = "select * from raw.cells where load_id = ? order by table_id, row_index, col_index"
_TOTALS_OF_LOAD = "select * exclude (load_id) from raw.totals where load_id = ? order by table_id, line, column_label"


def _total_rows(con: duckdb.DuckDBPyConnection, load_id: str) -> pd.DataFrame:
    """The load's printed totals beside their parts, from its cells as they were written."""
    totals = checks.totals_frame(checks.cells_frame(con.execute(_CELLS_OF_LOAD, [load_id]).df()))
    totals.insert(0, "load_id", load_id)
    return totals


def _rows_of_load(db_path: Path, sql: str, load_id: str) -> pd.DataFrame:
    con = connect(db_path)
    try:
        return con.execute(sql, [load_id]).df()
    finally:
        con.close()


def load_totals(db_path: Path, load_id: str) -> pd.DataFrame:
    """The printed totals of a load beside their parts (raw.totals)."""
    return _rows_of_load(db_path, _TOTALS_OF_LOAD, load_id)


_STATEMENT_COLUMNS = [
    "load_id",
    "file",
    "line",
    "end_line",
    "sentence",
    "clause",
    "claim",
    "place_code",
    "place_name",
    "year",
    "period_from",
    "period_to",
    "stated_value",
    "stated_raw",
    "direction",
    "rank",
    "table_number",
    "table_id",
    "verdict",
    "reason",
    "table_value",
    "table_raw",
    "table_line",
]


def _statement_rows(load_id: str, result: DocumentResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "load_id": load_id,
                "file": s.file,
                "line": s.line,
                "end_line": s.end_line,
                "sentence": s.sentence,
                "clause": s.clause,
                "claim": s.claim.kind,
                "place_code": s.claim.place,
                "place_name": s.claim.place_name,
                "year": s.claim.year,
                "period_from": s.claim.period_from,
                "period_to": s.claim.period_to,
                "stated_value": _decimal_text(s.claim.stated),
                "stated_raw": s.claim.stated_raw,
                "direction": s.claim.direction,
                "rank": s.claim.rank,
                "table_number": s.table,
                "table_id": s.table_id,
                "verdict": s.verdict,
                "reason": s.reason,
                "table_value": _decimal_text(s.table_value),
                "table_raw": s.table_raw,
                "table_line": s.table_line,
            }
            for s in result.statements
        ],
        columns=_STATEMENT_COLUMNS,
    ).astype(
        {
            "line": "Int64",
            "end_line": "Int64",
            "year": "Int64",
            "period_from": "Int64",
            "period_to": "Int64",
            "table_line": "Int64",
        }
    )


def _accounting_rows(load_id: str, result: DocumentResult) -> pd.DataFrame:
    counts = result.accounting.counts if result.accounting is not None else {}
    return pd.DataFrame(
        [{"load_id": load_id, "file": result.file, "category": k, "numbers": v} for k, v in counts.items()],
        columns=["load_id", "file", "category", "numbers"],
    )


def _cell_insert_sql() -> str:
    """Insert cells_df into raw.cells, each column cast to its type (the frame holds integers
    that may be missing as floats, and decimals as text)."""
    casts = ", ".join(
        name
        if type_.startswith(("varchar", "boolean"))
        else f"cast({name} as {type_.removesuffix(' not null')}) as {name}"
        for name, type_, _ in CELL_COLUMNS
    )
    return f"insert into raw.cells by name select load_id, {casts} from cells_df"


_CELL_INSERT = _cell_insert_sql()


def insert_result_rows(con: duckdb.DuckDBPyConnection, load_id: str, result: DocumentResult) -> None:
    """Write an extracted document's rows under ``load_id`` into the raw tables of ``con``
    (the totals are computed from the cells as stored, so their types are the warehouse's)."""
    cells_df = _cell_rows(load_id, result)  # noqa: F841  (read by name in SQL)
    con.execute(_CELL_INSERT)
    for table, frame in (
        ("raw.tables", _table_rows(load_id, result)),
        ("raw.problems", _problem_rows(load_id, result)),
        ("raw.number_accounting", _accounting_rows(load_id, result)),
        ("raw.totals", _total_rows(con, load_id)),
        ("raw.statements", _statement_rows(load_id, result)),
    ):
        con.register("frame_df", frame)
        con.execute(f"insert into {table} by name select * from frame_df")
        con.unregister("frame_df")


def stage_document(db_path: Path, path: Path, run_id: str | None = None, force: bool = False) -> StageResult:
    """Extract one document and stage its rows under a new load id (``orchestration.staging``
    for one document: a refresh stages many at once).

    Skipped (nothing extracted) when the file's SHA-256 equals its published load's, unless
    ``force``. Raises LoadError naming the file (and line) when the document cannot be read.
    """
    import tempfile

    from .staging import prepare_load, write_loads

    path = Path(path)
    started = time.perf_counter()
    sha = file_sha256(path)
    con = connect(db_path)
    try:
        unchanged = not force and published_sha256(con, path.name) == sha
    finally:
        con.close()  # DuckDB's write lock is not held while the document is extracted
    if unchanged:
        return StageResult(path.name, sha, None, True, seconds=time.perf_counter() - started)
    with tempfile.TemporaryDirectory(prefix="staging-", dir=Path(db_path).parent) as folder:
        prepared = prepare_load(path, Path(folder))
        written = write_loads(db_path, [prepared], run_id)[0]
    if prepared.error is not None:
        raise LoadError(written.message)
    return StageResult(
        path.name,
        prepared.sha256,
        prepared.load_id,
        False,
        prepared.tables,
        prepared.cells,
        prepared.problems,
        time.perf_counter() - started,
    )


def publish_load(db_path: Path, load_id: str, catalogue: dict[str, dict[str, str]] | None = None) -> str | None:
    """Make a staged load the document's published one. Returns the load id it replaced."""
    return publish_loads(db_path, [load_id], catalogue)[load_id]


def publish_loads(
    db_path: Path, load_ids: list[str], catalogue: dict[str, dict[str, str]] | None = None
) -> dict[str, str | None]:
    """Make staged loads their documents' published ones, each in its own transaction (one
    that fails leaves the others published). Returns load id -> the load id it replaced."""
    replaced: dict[str, str | None] = {}
    con = connect(db_path)
    try:
        for load_id in load_ids:
            replaced[load_id] = _publish(con, load_id, catalogue)
    finally:
        con.close()
    return replaced


def _publish(con: duckdb.DuckDBPyConnection, load_id: str, catalogue: dict[str, dict[str, str]] | None) -> str | None:
    row = con.execute("select file, sha256, status from raw.loads where load_id = ?", [load_id]).fetchone()
    if row is None:
        raise LoadError(f"no load {load_id}")
    file, sha, status = row
    if status != "staged":
        raise LoadError(f"{file}: load {load_id} is {status}, not staged; not published")
    meta = (catalogue or {}).get(file, {})
    con.execute("begin transaction")
    try:
        old = con.execute(
            "select load_id, title, publisher, doc_date from raw.documents where file = ?", [file]
        ).fetchone()
        if not meta and old:  # no catalogue given: keep what the document had
            meta = {"title": old[1], "publisher": old[2], "date": old[3]}
        at = now()
        con.execute("delete from raw.documents where file = ?", [file])
        con.execute(
            "insert into raw.documents values (?, ?, ?, ?, ?, ?, ?)",
            [file, meta.get("title"), meta.get("publisher"), meta.get("date"), sha, load_id, at],
        )
        con.execute("update raw.loads set status = 'published', finished_at = ? where load_id = ?", [at, load_id])
        if old and old[0] != load_id:
            for table in DATA_TABLES:
                con.execute(f"delete from {table} where load_id = ?", [old[0]])
            con.execute("update raw.loads set status = 'replaced' where load_id = ?", [old[0]])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return old[0] if old else None


def reject_load(db_path: Path, load_id: str, message: str) -> None:
    """Mark a staged load rejected (validation failed). Its rows stay for inspection until
    the document's next load; the published rows are untouched."""
    reject_loads(db_path, {load_id: message})


def reject_loads(db_path: Path, messages: dict[str, str]) -> None:
    """``reject_load`` for many loads (load id -> why), on one connection."""
    if not messages:
        return
    con = connect(db_path)
    try:
        con.executemany(
            "update raw.loads set status = 'rejected', finished_at = ?, message = ? "
            "where load_id = ? and status = 'staged'",
            [(now(), text[:4000], load_id) for load_id, text in messages.items()],
        )
    finally:
        con.close()


def load_cells(db_path: Path, load_id: str) -> pd.DataFrame:
    """The cells of a load (raw.cells), in table, row and column order."""
    return _rows_of_load(db_path, _CELLS_OF_LOAD, load_id)


#: a table's key across two loads of one document: captioned tables by their number (and
#: which occurrence of it), uncaptioned blocks by their caption; line numbers may move
_TABLE_KEYS_SQL = """
select table_id, caption_line,
       coalesce('Tabel ' || table_number, left(caption, 80)) as name,
       row_number() over (partition by coalesce('Tabel ' || table_number, left(caption, 80))
                          order by caption_line) as occurrence
from raw.tables where load_id = ?
"""


def shrinkage(db_path: Path, load_id: str, limit: int = 12) -> list[str]:
    """What a staged load lacks that the document's published load has: whole tables (by
    number, or caption for blocks), and rows of a table (by geography code, else label).
    Empty when nothing went missing or the document was never published."""
    con = connect(db_path)  # the checks' process also writes: one configuration per file
    try:
        return shrinkage_in(con, load_id, limit)
    finally:
        con.close()


def shrinkage_in(con: duckdb.DuckDBPyConnection, load_id: str, limit: int = 12) -> list[str]:
    """``shrinkage`` on an open connection."""
    row = con.execute(
        "select l.file, d.load_id from raw.loads l left join raw.documents d using (file) where l.load_id = ?",
        [load_id],
    ).fetchone()
    if row is None or row[1] is None or row[1] == load_id:
        return []
    old_id = row[1]
    tables = {
        lid: {(name, occ): (tid, line) for tid, line, name, occ in con.execute(_TABLE_KEYS_SQL, [lid]).fetchall()}
        for lid in (old_id, load_id)
    }
    rows, names = {}, {}
    for lid in (old_id, load_id):
        for tid, key, name in con.execute(
            "select table_id, coalesce(geo_code, row_label), any_value(coalesce(geo_name, row_label)) "
            "from raw.cells where load_id = ? and value is not null group by all",
            [lid],
        ).fetchall():
            rows.setdefault((lid, tid), set()).add(key)
            names[key] = name
    counts = dict(
        con.execute(
            "select load_id, count(*) from raw.cells where load_id in (?, ?) and value is not null group by load_id",
            [old_id, load_id],
        ).fetchall()
    )
    old, new = tables[old_id], tables[load_id]
    findings = []
    for key, (tid, line) in sorted(old.items(), key=lambda kv: kv[1][1]):
        name = key[0] + (f" (its {key[1]}. occurrence)" if key[1] > 1 else "")
        if key not in new:
            findings.append(f"{name} (line {line} in the published load) is gone")
            continue
        lost = rows.get((old_id, tid), set()) - rows.get((load_id, new[key][0]), set())
        if lost:
            shown = ", ".join(sorted(str(names[k]) for k in lost)[:8]) + (", ..." if len(lost) > 8 else "")
            findings.append(f"{name}: {len(lost)} of {len(rows[(old_id, tid)])} rows are gone ({shown})")
    if findings:
        findings.insert(
            0,
            f"{len(findings)} loss(es): {counts.get(old_id, 0)} figures published, "
            f"{counts.get(load_id, 0)} in this load",
        )
    return findings[: limit + 1]


def accept_shrink(con: duckdb.DuckDBPyConnection, load_id: str, findings: list[str]) -> None:
    """Record on the load that the user accepted what it lacks (``refresh --accept-shrink``)."""
    con.execute(
        "update raw.loads set message = ? where load_id = ?",
        ["shrink accepted by the user: " + "; ".join(findings)[:2000], load_id],
    )


def retire_document(db_path: Path, file: str, reason: str) -> str | None:
    """Take a document out of the warehouse (its file left the sources folder): its rows leave
    the current views, and so the marts at the next build; its load stays in raw.loads,
    marked ``retired`` with the reason. Returns the retired load id."""
    con = connect(db_path)
    try:
        con.execute("begin transaction")
        try:
            row = con.execute("select load_id from raw.documents where file = ?", [file]).fetchone()
            if row is None:
                con.execute("rollback")
                return None
            for table in DATA_TABLES:
                con.execute(f"delete from {table} where file = ?", [file])
            con.execute("delete from raw.documents where file = ?", [file])
            con.execute(
                "update raw.loads set status = 'retired', finished_at = ?, message = ? where load_id = ?",
                [now(), reason, row[0]],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return row[0]
    finally:
        con.close()


@dataclass
class SourcesPlan:
    """What a refresh does with a sources folder before it loads anything."""

    load: list[Path]  # the documents to load (one per distinct content)
    duplicates: dict[str, str]  # file -> the file with the same content that is loaded
    renamed: dict[str, str]  # published file no longer in sources -> its new name (same content)
    retired: list[str]  # published files no longer in sources (content not there either)
    changed: list[Path]  # of ``load``: new, or changed since their published load (by this extractor)
    shas: dict[str, str]  # file -> SHA-256 of its bytes


def plan_sources(files: list[Path], published: dict[str, str], current: dict[str, str] | None = None) -> SourcesPlan:
    """Match the folder against the published documents by name and content: the same
    content under two names is loaded once (the published name, else the first name); a
    published document whose file is gone is renamed where its content is there under a new
    name, and retired otherwise. ``current``: the hashes of loads made by this extractor
    (``published_hashes``; default ``published``): a document whose bytes differ is changed.
    Every file is read (hashed) once."""
    shas = {f.name: file_sha256(f) for f in files}
    keep: dict[str, str] = {}  # sha -> file loaded
    for f in sorted(files, key=lambda f: (published.get(f.name) != shas[f.name], f.name)):
        keep.setdefault(shas[f.name], f.name)
    duplicates = {name: keep[sha] for name, sha in shas.items() if keep[sha] != name}
    renamed, retired = {}, []
    for name, sha in sorted(published.items()):
        if name in shas:
            continue
        if sha in keep and keep[sha] not in published:
            renamed[name] = keep[sha]
        else:
            retired.append(name)
    load = [f for f in files if f.name not in duplicates]
    current = published if current is None else current
    return SourcesPlan(
        load, duplicates, renamed, retired, [f for f in load if current.get(f.name) != shas[f.name]], shas
    )
