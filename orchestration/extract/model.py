"""What extraction produces: tables, their cells with lineage, the problems met, and the
accounting of every number in the document."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class ExtractionError(Exception):
    """A document that cannot be read at all. Names the file (and line where known)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class ProblemKind(str, Enum):
    """Why something could not be read (or was read with a caveat)."""

    NOT_UTF8 = "not_utf8"  # decoded as cp1252
    NO_TEXT_LAYER = "no_text_layer"  # a caption whose table was an image in the PDF
    NO_DATA_ROWS = "no_data_rows"  # header text but no rows of figures
    HEADER_NOT_UNDERSTOOD = "header_not_understood"
    AMBIGUOUS_ROW = "ambiguous_row"  # fewer figures than columns and nothing says where
    CUT_OFF = "cut_off"  # the table stops mid-row at the end of the file
    MISSING_ROWS = "missing_rows"  # a geography table without some kommune or region
    TEXT_CELLS = "text_cells"  # cells that hold words, not figures
    REJECTED_BLOCK = "rejected_block"  # lines of figures that were not read as a table
    FIGURES_OUTSIDE_TABLE = "figures_outside_table"  # figure lines no table reader took


@dataclass
class Problem:
    file: str
    line: int
    message: str
    table: str | None = None  # printed table number or block caption
    severity: str = "warning"  # "warning" or "error"
    kind: ProblemKind = field(kw_only=True)  # every problem says what kind it is
    end_line: int | None = field(default=None, kw_only=True)  # last line, where more than one

    @property
    def lines(self) -> range:
        return range(self.line, (self.end_line or self.line) + 1)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (
            f"-{self.end_line}" if self.end_line and self.end_line != self.line else ""
        )
        table = f" [Tabel {self.table}]" if self.table else ""
        return f"{where}{table}: {self.message}"


@dataclass(slots=True, kw_only=True, init=False)
class Cell:
    """One figure of a table with its lineage. Built by keyword.

    The fields below are the definition (``load.CELL_COLUMNS`` is made from them); ``__init__``
    repeats them because mypyc compiles a written ``__init__`` but not the one ``dataclass``
    generates at run time, and some 5,000 cells per megabyte are built (a tenth of extraction's
    instructions, with ``RawCell``'s). ``tests/test_native.py`` checks that the two agree.
    """

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
    #: what the column holds: year, forecast ("2025 (KR2)"), budget, actual ("Regnskab"),
    #: permanent ("Permanent", "Varigt"), period ("Udvikling 19-23"), or None
    column_kind: str | None
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
    #: how the cell was put in its column: "position" (one figure per column, in order),
    #: "gap" (wide spaces mark empty cells), "sum" (the row adds up to a printed total in that
    #: column), "column_major" (the PDF listed the figures column by column)
    placed_by: str = "position"
    col_start: int = -1  # character offset of ``raw`` in its line (-1 for an empty cell)

    def __init__(
        self,
        *,
        file: str,
        table_id: str,
        table: str | None,
        caption: str,
        section: str | None,
        row_label: str,
        row_number: str | None,
        geo_code: str | None,
        geo_name: str | None,
        geo_level: str | None,
        geo_match: str | None,
        is_total: bool,
        perspective: str | None,
        column_label: str,
        column_kind: str | None,
        year: int | None,
        period_from: int | None,
        period_to: int | None,
        value: Decimal | None,
        value_low: Decimal | None,
        value_high: Decimal | None,
        unit: str,
        raw: str,
        line: int,
        read_as: str,
        annotation: str | None = None,
        row_index: int = 0,
        col_index: int = 0,
        decimals: int = 0,
        placed_by: str = "position",
        col_start: int = -1,
    ) -> None:
        self.file = file
        self.table_id = table_id
        self.table = table
        self.caption = caption
        self.section = section
        self.row_label = row_label
        self.row_number = row_number
        self.geo_code = geo_code
        self.geo_name = geo_name
        self.geo_level = geo_level
        self.geo_match = geo_match
        self.is_total = is_total
        self.perspective = perspective
        self.column_label = column_label
        self.column_kind = column_kind
        self.year = year
        self.period_from = period_from
        self.period_to = period_to
        self.value = value
        self.value_low = value_low
        self.value_high = value_high
        self.unit = unit
        self.raw = raw
        self.line = line
        self.read_as = read_as
        self.annotation = annotation
        self.row_index = row_index
        self.col_index = col_index
        self.decimals = decimals
        self.placed_by = placed_by
        self.col_start = col_start


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
    #: lines (1-based) the table read as its header, labels and sections: their numbers are
    #: part of the table even where they are not cells
    text_lines: set[int] = field(default_factory=set)
    #: lines (1-based) of the header the columns were read from
    header_lines: list[int] = field(default_factory=list)
    #: where the body was printed apart from its caption (004's Tabel 2), its first line
    body_line: int | None = None


#: what a number of the document is: the categories of the accounting
ACCOUNTING_CATEGORIES = ("cell", "table_text", "prose", "furniture", "problem", "unaccounted")


@dataclass
class NumberAccounting:
    """Every numeric token of a document, by what it is (see ``accounting``)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACCOUNTING_CATEGORIES, 0))
    #: (line, start, text, category) of each token, in document order
    tokens: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.total} numbers: {c['cell']} in cells, {c['table_text']} in table headers "
            f"and labels, {c['prose']} in prose, {c['furniture']} page furniture, "
            f"{c['problem']} in reported problems, {c['unaccounted']} unaccounted"
        )


@dataclass
class DocumentResult:
    file: str
    path: str
    size_bytes: int = 0
    encoding: str = "utf-8"
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: ExtractionError | None = None
    accounting: NumberAccounting | None = None
    #: the prose's claims about the document's tables, checked (see ``statements``)
    statements: list = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        return [c for t in self.tables for c in t.cells]
