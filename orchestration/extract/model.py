"""What extraction produces: tables, their cells with lineage, and the problems met."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class ExtractionError(Exception):
    """A document that cannot be read at all. Names the file (and line where known)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass
class Problem:
    file: str
    line: int
    message: str
    table: str | None = None  # printed table number or block caption
    severity: str = "warning"  # "warning" or "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        table = f" [Tabel {self.table}]" if self.table else ""
        return f"{where}{table}: {self.message}"


@dataclass(slots=True)
class Cell:
    # TableBuilder._emit passes these positionally (about 4 ms less per extraction of the five
    # documents than keywords): keep its argument list in step with this field order.
    file: str
    table_id: str
    table: str | None
    caption: str
    section: str | None
    row_label: str
    row_number: str | None
    geo_code: str | None
    geo_name: str | None
    geo_level: str | None
    geo_match: str | None
    is_total: bool
    perspective: str | None
    column_label: str
    year: int | None
    period_from: int | None
    period_to: int | None
    value: Decimal | None
    value_low: Decimal | None
    value_high: Decimal | None
    unit: str
    raw: str
    line: int
    read_as: str
    annotation: str | None = None
    row_index: int = 0  # position of the row in its table (0-based); with col_index the cell's key
    col_index: int = 0
    decimals: int = 0  # digits printed after the decimal comma: the rounding of the value


@dataclass
class Table:
    file: str
    table_id: str
    table: str | None
    caption: str
    caption_line: int
    kind: str  # "captioned" or "block"
    status: str = "ok"  # "ok", "partial", "no_text_layer", "unparsed"
    end_line: int = 0
    ended_by: str = ""
    stub: str = ""
    perspective: str | None = None
    unit: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: int = 0
    rows_with_extra_numbers: int = 0  # rows with more figures than columns (moved into the label)
    cells: list[Cell] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class DocumentResult:
    file: str
    path: str
    size_bytes: int = 0
    encoding: str = "utf-8"
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: ExtractionError | None = None

    @property
    def cells(self) -> list[Cell]:
        return [c for t in self.tables for c in t.cells]
