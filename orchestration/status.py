"""``warehouse status``: which documents are loaded, when, with what outcome, and what readers
see now (no Dagster here).

For each document in the sources folder or in the warehouse: its file and SHA-256, whether
the file changed since its published load, the published load (when, cells, problems), the
latest load attempt and its outcome, and whether the document is *quarantined*: its latest
load was rejected by a blocking check or failed, so readers still see an older load (or
nothing). Then the published copy readers open (publish id, when, documents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from . import settings
from .load import file_sha256
from .publish import published_path, read_publish


@dataclass
class DocumentStatus:
    file: str
    in_sources: bool
    file_sha256: str | None  # of the file in sources/ now
    published_sha256: str | None
    published_load: str | None
    published_at: datetime | None
    cells: int | None
    problems: int | None
    last_load: str | None
    last_status: str | None  # staged | published | rejected | failed
    last_at: datetime | None
    last_message: str | None

    @property
    def quarantined(self) -> bool:
        """The latest attempt was rejected or failed: readers see an older load or none."""
        return self.last_status in ("rejected", "failed") and self.last_load != self.published_load

    @property
    def state(self) -> str:
        if self.quarantined:
            return "quarantined"
        if not self.in_sources:
            return "not in sources"
        if self.published_load is None:
            return "not loaded"
        if self.file_sha256 != self.published_sha256:
            return "changed since load"
        return "published"


@dataclass
class PublishStatus:
    publish_id: str
    published_at: datetime
    documents: int


def _open(path: Path) -> duckdb.DuckDBPyConnection | None:
    if not path.exists():
        return None
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException:  # a refresh holds the build file
        return None


_QUERY = """
with last as (
    select file, load_id, status, coalesce(finished_at, started_at) as at, message,
           row_number() over (partition by file order by started_at desc) as n
    from raw.loads
)
select coalesce(d.file, l.file) as file, d.sha256, d.load_id, d.published_at,
       p.cells, p.problems, l.load_id, l.status, l.at, l.message
from raw.documents d
full join (select * from last where n = 1) l on l.file = d.file
left join raw.loads p on p.load_id = d.load_id
order by 1
"""


def document_status(warehouse: Path | None = None, sources: Path | None = None) -> tuple[list[DocumentStatus], str]:
    """Every document's status and where it was read from (the build file, or the published
    copy while a refresh holds the build file)."""
    warehouse = Path(warehouse or settings.warehouse_dir())
    sources = Path(sources or settings.sources_dir())
    where = settings.database_path(warehouse)
    con = _open(where)
    if con is None and published_path(warehouse).exists():
        where = published_path(warehouse)
        con = _open(where)
    rows = []
    if con is not None:
        try:
            rows = con.execute(_QUERY).fetchall()
        except duckdb.CatalogException:
            rows = []  # no load yet
        finally:
            con.close()
    files = {f.name: f for f in settings.source_files(sources)}
    out = []
    for file, sha, load, at, cells, problems, last, status, last_at, message in rows:
        path = files.pop(file, None)
        out.append(
            DocumentStatus(
                file,
                path is not None,
                file_sha256(path) if path else None,
                sha,
                load,
                at,
                cells,
                problems,
                last,
                status,
                last_at,
                message,
            )
        )
    for file, path in files.items():
        out.append(DocumentStatus(file, True, file_sha256(path), None, None, None, None, None, None, None, None, None))
    return sorted(out, key=lambda d: d.file), str(where)


def publish_status(warehouse: Path | None = None) -> PublishStatus | None:
    """The published copy readers open (None: none yet, or damaged until the next refresh)."""
    publish = read_publish(warehouse)
    return PublishStatus(*publish) if publish else None


def _when(t: datetime | None) -> str:
    return t.astimezone().strftime("%Y-%m-%d %H:%M") if t else "-"


def render_status(docs: list[DocumentStatus], read_from: str, publish: PublishStatus | None) -> str:
    from .sql import format_table

    columns = ["document", "sha256", "state", "published", "cells", "problems", "last attempt", "outcome"]
    rows = [
        (
            d.file,
            (d.file_sha256 or d.published_sha256 or "")[:12],
            d.state,
            _when(d.published_at),
            "-" if d.cells is None else d.cells,
            "-" if d.problems is None else d.problems,
            _when(d.last_at),
            d.last_status or "-",
        )
        for d in docs
    ]
    lines = [format_table(columns, rows).rstrip("\n")]
    for d in docs:
        if d.quarantined:
            lines.append(
                f"quarantined: {d.file}: latest load {d.last_status} at {_when(d.last_at)}"
                f" ({(d.last_message or 'see its run in the Dagster UI')[:200]}); readers see "
                + (f"the load of {_when(d.published_at)}" if d.published_load else "nothing of it")
            )
    lines.append(f"(read from {read_from})")
    if publish is None:
        lines.append("published copy: none, or it cannot be read (`warehouse refresh` publishes it)")
    else:
        lines.append(
            f"published copy: {publish.publish_id}, {_when(publish.published_at)}, {publish.documents} documents"
        )
    return "\n".join(lines) + "\n"
