"""Building one table from its collected body: header, rows placed in columns, cells with
lineage. The stages, in order: resolve the header into columns (``_resolve_header``), give
every row its figures in columns (``_place``: see ``placement``), check that a geography
table has all its rows (``_check_geography``), then emit one Cell per row and column."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from . import geo as geomod
from . import placement
from .accounting import SENTENCE_VERBS, reads_like_sentence
from .body import Body, RawRow, names_a_place_with
from .header import (
    column_kind,
    column_period,
    column_year,
    header_candidates,
    perspective_of,
    segment_header,
    year_columns,
)
from .lines import RawCell, dehyphenate_join, is_year_run_header
from .model import Cell, Problem, ProblemKind, Table
from .numbers import is_year
from .settings import DEFAULT, ExtractionSettings
from .tally import commonest, tally

ITEM_NUMBER_RE = re.compile(r"^(\d+\.\d+)\s+(\S.*)$")
#: columns of budgets and accounts hold money: without a stated unit, kroner
MONEY_COLUMNS = {"budget", "actual"}
_FOOTNOTE_CANDIDATE_RE = re.compile(r"-?\d{3,}")  # a bare integer that may carry a footnote marker
#: problems that make a table partial: some of its cells are not there
_PARTIAL_KINDS = {
    ProblemKind.AMBIGUOUS_ROW,
    ProblemKind.CUT_OFF,
    ProblemKind.MISSING_ROWS,
    ProblemKind.HEADER_NOT_UNDERSTOOD,
    ProblemKind.TEXT_CELLS,
}
_SCALED_UNITS = (
    ("mia. kr", "mia. kr."),
    ("mia.kr", "mia. kr."),
    ("mio. kr", "mio. kr."),
    ("mio.kr", "mio. kr."),
    ("mio ", "mio. kr."),
    ("mio.", "mio. kr."),
)


def _row_counts(rows: list[RawRow]) -> dict[int, int]:
    """How many full rows have each number of cells (the header's column count must match).
    A labelled row one figure wider than most, whose first figure is a year, has the year in
    its label ("... udviklingsindsatser 2026 0 0")."""
    labelled = [r for r in rows if r.label_parts and len(r.cell_lines) == 1]
    usual = commonest(tally(r.ncells for r in labelled))
    counts = []
    for r in labelled:
        first = r.cell_lines[0][0] if r.cell_lines[0] else None
        year_in_label = usual is not None and r.ncells == usual + 1 and first is not None and _year_like(first)
        counts.append(r.ncells - 1 if year_in_label else r.ncells)
    # a cells-only row led by a year or a range ("2025 27 19 8", "0-2 45 15") has that as its label
    counts += [
        r.ncells - (1 if r.cell_lines[0][0].read_as == "range" or is_year(r.cell_lines[0][0].raw) else 0)
        for r in rows
        if r.cells_only
    ]
    return tally(counts)


def _year_like(c: RawCell) -> bool:
    """A year or a period of years: "2026", "2025-2030"."""
    return (c.read_as == "integer" and is_year(c.raw)) or (c.read_as == "range" and is_year(c.raw[:4]))


def _choose_ncols(
    header_text: str, rows: list[RawRow], settings: ExtractionSettings, counts: dict[int, int] | None = None
) -> int | None:
    if counts is None:
        counts = _row_counts(rows)
    total = sum(counts.values())
    if not total:
        return None
    # the widest column count the header allows that full rows confirm
    fits = [
        h
        for h in header_candidates(header_text)
        if counts.get(h, 0) >= max(1, settings.min_rows_confirming_columns * total)
        and sum(v for c, v in counts.items() if c > h) <= settings.max_rows_wider_than_columns * total
    ]
    natural = year_columns(header_text)
    if natural and counts.get(natural):
        # a header ending in its years: rows as wide as the years confirm it, and a row with
        # one more figure has a year in its label ("... til og med budget 2025 152,2 ...")
        return natural
    if natural and max(counts) < natural and (not fits or max(fits) < natural):
        # " 2026 2027 2028 Permanent" over rows of one or three figures: the rows are short,
        # not the header; their spaces (or sums) say where their figures stand
        return natural
    if fits:
        return max(fits)
    # thousands printed with spaces ("12 345"): rows have more figures than the header columns
    for h in header_candidates(header_text):
        if h > 1 and sum(v for c, v in counts.items() if c > h) > total / 2:
            readable = sum(
                1
                for r in rows
                if r.cell_lines
                and len(r.cell_lines) == 1
                and r.ncells >= h
                and (r.ncells == h or placement.spaced_readings(r.text, r.cell_lines[0], h, limit=1))
            )
            if readable > total / 2:
                return h
    return commonest(counts)


def table_unit(text: str, caption: str = "") -> str | None:
    """The unit a caption or header states for the whole table: "mio. kr.", "mia. kr.", or
    "%" for a table of shares ("Andel af ...", "(%)")."""
    low = text.casefold()
    for needle, unit in _SCALED_UNITS:
        if needle in low:
            return unit
    if caption.casefold().startswith("andel ") or "(%)" in low:
        return "%"
    return None


class TableBuilder:
    """Turns a collected body into a Table with cells."""

    def __init__(
        self, table: Table, body: Body, footnotes: dict[int, list[int]], settings: ExtractionSettings = DEFAULT
    ):
        self.t = table
        self.body = body
        self.footnotes = footnotes
        self.settings = settings
        self._ncols_of: dict[str, int | None] = {}  # _choose_ncols of each header text tried
        self._usual_pieces: list[int] | None = None  # see _pieces_of_certain_rows

    def problem(
        self, kind: ProblemKind, line: int, msg: str, severity: str = "warning", end_line: int | None = None
    ) -> None:
        self.t.problems.append(
            Problem(self.t.file, line, msg, self.t.table or self.t.caption[:60], severity, kind=kind, end_line=end_line)
        )

    # -- header --------------------------------------------------------------------------------------
    def _resolve_header(self) -> tuple[str, list[str], int, int] | None:
        """Find (stub, columns, k, j): k trailing header lines are the first row's label and
        j leading lines are context before the header (blocks only)."""
        lines = self.body.header_lines
        rows = self.body.rows
        first = rows[0]
        max_k = min(self.settings.max_header_label_lines, len(lines))
        max_j = len(lines) - 1 if self.t.kind == "block" else 0
        counts = _row_counts(rows)

        # label lines after the header's years, or naming a place ("Region Hovedstaden"),
        # are a first group label or the first row's wrapped label rather than header
        def group_like(text: str) -> bool:
            s = text.strip()
            return s[:1].isupper() and not s.casefold().startswith("udvik") and not any(ch.isdigit() for ch in s)

        def continues(prev: str, text: str) -> bool:
            return prev.rstrip().endswith(("-", ",")) or text.strip()[:1].islower()

        last_years = max((i for i, (h, ln) in enumerate(lines) if is_year_run_header(h.strip())), default=None)
        tail = 0
        after = lines[last_years + 1 :] if last_years is not None else []
        for start in range(len(after)):  # "Udvikling" / "20-23" / "Region Nordjyll-": from "Region"
            rest = after[start:]
            if group_like(rest[0][0]) and all(
                group_like(h) or continues(rest[i][0], h) for i, (h, _) in enumerate(rest[1:])
            ):
                tail = len(rest)
                break
        while tail < len(lines) and geomod.match_geo(lines[len(lines) - 1 - tail][0])[1] == "exact":
            tail += 1
        for strong_only in (True, False):
            found = self._try_headers(lines, rows, counts, first, max_k, max_j, tail, strong_only)
            if found is not None:
                return found
        return None

    def _try_headers(
        self,
        lines: list[tuple[str, int]],
        rows: list[RawRow],
        counts: dict[int, int],
        first: RawRow,
        max_k: int,
        max_j: int,
        tail: int,
        strong_only: bool,
    ) -> tuple[str, list[str], int, int] | None:
        """One pass of _resolve_header: every context j and first-row label k, in order."""
        ncols_of = self._ncols_of
        for j in range(0, max_j + 1):
            ks = list(range(1, max_k + 1))
            year_led = (
                first.cells_only
                and first.cell_lines
                and (is_year(first.cell_lines[0][0].raw) or first.cell_lines[0][0].read_as == "range")
            )
            ks = [*ks, 0] if (first.cells_only or not first.label_parts) and not year_led else [0, *ks]
            if 0 < tail <= max_k:
                ks = [tail] + [k for k in ks if k != tail]
            for k in ks:
                head = lines[j : len(lines) - k]
                if (not head and lines) or any(is_year_run_header(x[0].strip()) for x in lines[len(lines) - k :]):
                    continue
                text = dehyphenate_join([h[0] for h in head])
                if text not in ncols_of:
                    ncols_of[text] = _choose_ncols(text, rows, self.settings, counts)
                ncols = ncols_of[text]
                if ncols is None:
                    return None
                blank = bool(head) and head[0][0][:1].isspace() and self.t.kind == "captioned"
                seg = segment_header(text, ncols, blank_stub=blank, strong_only=strong_only)
                if seg:
                    return seg[0], seg[1], k, j
        return None

    def build(self, columns_ok: Callable[[list[str]], bool] | None = None) -> Table:
        """Read the table. ``columns_ok``: a candidate block stops as soon as its columns are
        known when they fail this test (the block scan rejects it; its rows are not placed)."""
        t, body = self.t, self.body
        t.end_line, t.ended_by = body.end_line, body.ended_by
        t.text_lines.update(ln for ln, why in body.skipped.items() if why != "page furniture")
        t.text_lines.update(ln for _, ln in body.header_lines)
        if not body.rows:
            t.status = "no_text_layer" if not body.header_lines else "unparsed"
            if body.header_lines:
                self.problem(
                    ProblemKind.NO_DATA_ROWS,
                    body.header_lines[0][1],
                    "header text but no rows of figures",
                    end_line=body.header_lines[-1][1],
                )
            else:
                self.problem(
                    ProblemKind.NO_TEXT_LAYER,
                    t.caption_line,
                    "caption without a table: the table was an image in the PDF",
                )
            return t
        resolved = self._resolve_header()
        if resolved is None and self._headerless_list():
            resolved = ("", [""], 0, 0)  # label / figure rows under no header: one column
        if resolved is None:
            text = dehyphenate_join([h[0] for h in body.header_lines])
            ncols = _choose_ncols(text, body.rows, self.settings) or max(r.ncells for r in body.rows)
            stub, columns = text, [f"kolonne {i + 1}" for i in range(ncols)]
            t.status = "partial"
            line = body.header_lines[0][1] if body.header_lines else body.rows[0].line
            self.problem(
                ProblemKind.HEADER_NOT_UNDERSTOOD, line, f"header not understood; {ncols} columns named by position"
            )
            if t.kind == "block":
                t.columns = columns
                return t  # a candidate block: rejected by the block scan
        else:
            stub, columns, k, j = resolved
            if k:
                first = body.rows[0]
                lead = body.header_lines[-k:]
                wraps = lead[-1][0].rstrip().endswith(("-", ",")) or (
                    first.label_parts
                    and (
                        first.label_parts[0][0].strip()[:1].islower()
                        or names_a_place_with(lead, first.label_parts[0][0])
                    )
                )
                if first.cells_only or not first.label_parts or wraps:
                    first.label_parts = body.header_lines[-k:] + first.label_parts
                    first.cells_only = False
                else:  # a group line without figures before the first row
                    lead = body.header_lines[-k:]
                    body.rows.insert(0, RawRow(lead, [], lead[0][1], None, text=lead[0][0]))
                body.header_lines = body.header_lines[:-k]
            if j:
                context = dehyphenate_join([h[0] for h in body.header_lines[:j]])
                t.caption = f"{t.caption} – {context}" if t.caption else context
                body.header_lines = body.header_lines[j:]
        t.stub, t.columns = stub, columns
        if columns_ok is not None and not columns_ok(columns):
            return t
        t.header_lines = [ln for _, ln in body.header_lines]
        header_text = dehyphenate_join([h[0] for h in body.header_lines])
        t.perspective = perspective_of(header_text) or perspective_of(stub)
        t.unit = table_unit(t.caption + " " + header_text, t.caption)
        rows = self._place(body.rows, len(columns), stub)
        self._check_geography(rows)
        if t.status == "ok" and any(p.kind in _PARTIAL_KINDS for p in t.problems):
            t.status = "partial"
        for r in rows:  # a row's numbers that are not its cells belong to its label
            t.text_lines.update(ln for _, ln in r.label_parts)
            t.text_lines.update(r.texts)
        self._emit(rows, columns)
        return t

    def _headerless_list(self) -> bool:
        """Rows of a label and one figure each, all in the same printed unit, with no header
        above them ("Tilførte midler i ØA26 ... 277,2 mio. kr." / "Opdatering af
        bloktilskudsfordeling -41 mio. kr." / ...): a table of one unnamed column."""
        if self.body.header_lines or len(self.body.rows) < 3:
            return False
        if any(
            reads_like_sentence(self._label(r)) and SENTENCE_VERBS & set(self._label(r).casefold().split())
            for r in self.body.rows
        ):
            return False  # "For driftssegmentet er andelen 93%": sentences, not rows
        cells = []
        for r in self.body.rows:
            row = r.figures
            if any(not (c.read_as == "integer" and is_year(c.raw)) for c in row[:-1]):
                return False  # more than one figure (a year before it belongs to the label)
            cells.extend(row[-1:])
        units = {c.unit for c in cells}
        return len(cells) >= 3 and len(units) == 1 and None not in units

    # -- rows ------------------------------------------------------------------------------------------
    def _value_first_pairs(self, rows: list[RawRow]) -> list[RawRow]:
        """ "80.000" / "indlæggelser" / "130.000" / "operationer": figures printed above their
        labels. Seen as a first row of one figure without a label, rows of one figure under a
        label, and one label left over when the table ended: each figure takes the label
        below it."""
        trailing = self.body.trailing_labels
        if (
            len(rows) < 2
            or not trailing
            or not rows[0].cells_only
            or rows[0].ncells != 1
            or not all(
                r.label_parts and r.ncells == 1 and len(r.cell_lines) == 1 and r.label_parts[-1][1] < r.line
                for r in rows[1:]
            )
        ):
            return rows
        labels = [r.label_parts for r in rows[1:]] + [trailing]
        for r, label in zip(rows, labels):
            r.label_parts, r.cells_only = label, False
        self.t.end_line = max(self.t.end_line, trailing[-1][1])
        return rows

    def _normalise(self, rows: list[RawRow], ncols: int, stub: str) -> list[RawRow]:
        """Rows of figures without a label: the rest of the row above (its figures went on
        to the next line), a row under the group label, or a row whose first figure is its
        label ("0-2 45 15", "2025 27 19 8"). Column-major runs become their rows."""
        out: list[RawRow] = []
        for r in rows:
            prev = out[-1] if out else None
            if r.column_major is not None:
                out.extend(self._column_major_rows(r, rows, ncols))
                continue
            if r.cells_only:
                if prev is not None and 0 < prev.ncells < ncols and prev.ncells + r.ncells <= ncols and not prev.cells:
                    prev.cell_lines.append(r.cell_lines[0])
                    prev.texts.update(r.texts)
                    continue
                section = r.section or (stub if stub and not any(x.label_parts for x in rows) else None)
                if section and r.ncells == ncols:
                    r.label_parts = [(section, r.line)]
                    r.section = None if section == r.section else r.section
                elif (
                    r.ncells == ncols
                    and not (first_led := r.cell_lines[0][0]).read_as == "range"
                    and not is_year(first_led.raw)
                ):
                    r.label_parts = [("", r.line)]  # a row without a label ("  950  100,0 %")
                else:
                    first = r.cell_lines[0][0]
                    r.label_parts = [(first.raw, r.line)]
                    r.label_end = first.end
                    r.cell_lines[0] = r.cell_lines[0][1:]
                r.cells_only = False
            out.append(r)
        return out

    def _column_major_rows(self, run: RawRow, rows: list[RawRow], ncols: int) -> list[RawRow]:
        """The rows of a column-major run: its last n labels, n chosen so that the figures fill
        whole columns and add up to the total row after the run (every labelled line before
        them is a group label). Unresolvable: the labels as rows without figures, and a problem."""
        units, values = run.units or [], run.column_major or []
        after = rows[rows.index(run) + 1 :]
        total_row = next((r for r in after if r.ncells), None)
        total = None
        if total_row is not None and len(total_row.cell_lines) == 1:
            line = total_row.cell_lines[0]
            total = (
                list(line)
                if len(line) == ncols
                else placement.place_by_spaces(total_row.text, total_row.label_end, line, ncols, (1, 1, 1))
            )
        for nrows in range(len(units), 0, -1):
            whole = len(values) - len(values) % nrows  # figures that fill whole columns
            grid = placement.read_column_major(values[:whole], nrows, ncols)
            if grid is None or total is None or not placement.sums_hold(grid, total):
                continue
            left = values[whole:]
            if left:  # a column only partly printed: which rows its figures belong to is unknown
                self.problem(
                    ProblemKind.AMBIGUOUS_ROW,
                    left[0].line,
                    f"{len(left)} figure(s) printed one per line after {whole // nrows} "
                    f"whole column(s) of {nrows} rows: which rows they belong to is not "
                    f"printed; not emitted (raw: {' | '.join(v.raw for v in left)})",
                    end_line=left[-1].line,
                )
            groups = units[: len(units) - nrows]
            section = " – ".join(dehyphenate_join([p[0] for p in g]) for g in groups) or run.section
            out = []
            for unit, cells in zip(units[len(units) - nrows :], grid):
                lines = sorted({c.line for c in cells if c is not None})
                r = RawRow(
                    unit,
                    [[c for c in cells if c is not None]],
                    unit[0][1],
                    section,
                    texts={ln: run.texts[ln] for ln in lines},
                    placed_by="column_major",
                )
                r.cells = list(cells)
                out.append(r)
            self.t.text_lines.update(ln for g in groups for _, ln in g)
            return out
        # column by column does not add up, and row by row it could as well be one wrapped
        # label: which figure belongs where is not printed
        self.problem(
            ProblemKind.AMBIGUOUS_ROW,
            values[0].line,
            f"{len(values)} figures printed one per line under the labels "
            f"{' / '.join(dehyphenate_join([p[0] for p in u]) for u in units)!r}: neither "
            "column by column (checked against the total below) nor as one row can they "
            "be placed for sure; column placement ambiguous, not emitted "
            f"(raw: {' | '.join(v.raw for v in values)})",
            end_line=values[-1].line,
        )
        self.t.text_lines.update(ln for unit in units for _, ln in unit)
        self.t.text_lines.update(run.texts)
        return []

    def _place(self, rows: list[RawRow], ncols: int, stub: str) -> list[RawRow]:
        rows = self._normalise(self._value_first_pairs(rows), ncols, stub)
        full = [
            (r.text, r.label_end, r.cell_lines[0])
            for r in rows
            if len(r.cell_lines) == 1 and r.ncells == ncols and not r.cells
        ]
        usual = placement.usual_spacing(full)
        spaced_table = sum(1 for r in rows if r.ncells > ncols) > len(rows) / 2
        self._usual_pieces = self._pieces_of_certain_rows(rows, ncols)
        short: dict[int, list[RawCell]] = {}
        for i, r in enumerate(rows):
            if r.cells or r.placed_by == "column_major":
                continue
            self.t.rows += 1
            if not self._place_row(r, ncols, usual, spaced_table):
                short[i] = r.figures
        if short:
            grid = [
                r.cells if (r.cells or r.placed_by == "column_major") and i not in short else None
                for i, r in enumerate(rows)
            ]
            is_total = [geomod.is_total_label(self._label(r)) for r in rows]
            shape = [len(short[i]) if i in short else sum(c is not None for c in r.cells) for i, r in enumerate(rows)]
            by_sums = placement.place_by_sums(grid, short, ncols, is_total, shape)
            for i, cells in by_sums.items():
                rows[i].cells, rows[i].placed_by = cells, "sum"
            for i in short:
                if i not in by_sums:
                    self._unplaced(rows[i], ncols)
        self.t.rows += sum(1 for r in rows if r.placed_by == "column_major")
        return rows

    def _place_row(self, r: RawRow, ncols: int, usual: tuple[int, int, int], spaced_table: bool) -> bool:
        """Give the row its cells in columns; False when it has fewer figures than columns
        and its spaces do not say where they stand."""
        cells = r.figures
        if not cells:
            r.cells = [None] * ncols
            if r.label_parts and r is self.body.rows[-1] and self.body.ended_by == "end_of_file":
                self.problem(
                    ProblemKind.CUT_OFF,
                    r.label_parts[0][1],
                    "table cut off mid-row: label without figures at end of file",
                    "error",
                )
            return True
        if len(cells) > ncols:
            extra = cells[: len(cells) - ncols]
            label_like = len(extra) == 1 or all(map(_year_like, extra))  # "I alt 2025-2030 206 61 145"
            readings = placement.spaced_readings(r.text, cells, ncols) if len(r.cell_lines) == 1 else []
            if readings and (
                spaced_table or placement.has_spaced_groups(cells) or (len(readings) == 1 and not label_like)
            ):
                reading = placement.choose_reading(readings, self._usual_pieces)
                if reading is not None:
                    r.cells = [*placement.read_spaced(r.text, cells, reading)]
                    return True
                if spaced_table:
                    self.problem(
                        ProblemKind.AMBIGUOUS_ROW,
                        r.line,
                        f"row '{self._label(r)}' has {len(cells)} figures for {ncols} "
                        "columns and they cannot be read as numbers with spaced "
                        f"thousands in one way only; not emitted (raw: {self._raws(cells)})",
                    )
                    r.cells = []
                    return True
            if not all(map(_year_like, extra)):
                self.t.rows_with_extra_numbers += 1  # a year in a label is usual; other figures are not
            r.extra_label = " ".join(c.raw for c in extra)
            r.cells = list(cells[len(cells) - ncols :])
            return True
        if len(cells) == ncols:
            r.cells = list(cells)
            return True
        missing = ncols - len(cells)
        if len(r.cell_lines) > 1 and len(r.cell_lines) - 1 == missing:
            placed: list[RawCell | None] = []
            for i, line in enumerate(r.cell_lines):
                if i:
                    placed.append(None)
                placed.extend(line)
            r.cells, r.placed_by = placed, "gap"
            return True
        if len(r.cell_lines) == 1:
            by_spaces = placement.place_by_spaces(r.text, r.label_end, cells, ncols, usual)
            if by_spaces is not None:
                r.cells, r.placed_by = by_spaces, "gap"
                return True
        return False

    @staticmethod
    def _pieces_of_certain_rows(rows: list[RawRow], ncols: int) -> list[int] | None:
        """In a table printed with spaced thousands: the pieces per column of the rows that
        can be read one way only ("1 088 767 1 240 195 ..."), when they agree."""
        seen: dict[tuple[int, ...], int] = {}
        for r in rows:
            if r.ncells > ncols and len(r.cell_lines) == 1:
                readings = placement.spaced_readings(r.text, r.cell_lines[0], ncols, limit=2)
                if len(readings) == 1:
                    key = tuple(readings[0])
                    seen[key] = seen.get(key, 0) + 1
        return list(next(iter(seen))) if len(seen) == 1 else None

    def _unplaced(self, r: RawRow, ncols: int) -> None:
        cells = r.figures
        if self.body.ended_by == "end_of_file" and r is self.body.rows[-1]:
            self.problem(ProblemKind.CUT_OFF, r.line, f"table cut off mid-row: {len(cells)} of {ncols} cells", "error")
        else:
            self.problem(
                ProblemKind.AMBIGUOUS_ROW,
                r.line,
                f"row '{self._label(r)}' has {len(cells)} of {ncols} cells; column "
                f"placement ambiguous, cells not emitted (raw: {self._raws(cells)})",
                end_line=max(c.line for c in cells),
            )
        r.cells = []

    @staticmethod
    def _raws(cells: list[RawCell]) -> str:
        return " | ".join(c.raw for c in cells)

    def _check_geography(self, rows: list[RawRow]) -> None:
        """A table whose rows name most kommuner (or regioner) of a level promises all of
        them: each one it lacks is reported, and the table is partial."""
        seen: dict[str, set[str]] = {"kommune": set(), "region": set()}
        for r in rows:
            label = self._label(r)
            if geomod.is_total_label(label):
                continue
            g, _ = geomod.match_geo(label)
            if g is not None and g.level in seen and r.cells:
                seen[g.level].add(g.code)
        for level, members in (("kommune", geomod.KOMMUNER), ("region", geomod.REGIONER)):
            have = seen[level]
            share = len(have) / len(members)
            if not have or share < self.settings.geography_share_for_completeness or share == 1:
                continue
            lacking = [g for g in members if g.code not in have]
            names = ", ".join(f"{g.name} ({g.code})" for g in lacking)
            self.problem(
                ProblemKind.MISSING_ROWS,
                self.t.caption_line,
                f"no row for {names}: the table has {len(have)} of the "
                f"{len(members)} {level}{'r' if level == 'kommune' else 'er'}",
            )

    @staticmethod
    def _label(r: RawRow) -> str:
        text = dehyphenate_join([p[0] for p in r.label_parts])
        if r.extra_label:
            text = f"{text} {r.extra_label}".strip()
        return text

    # -- cells ------------------------------------------------------------------------------------------
    def _fix_footnote(self, c: RawCell) -> RawCell:
        """'6959' where the page has footnote 9 below: the figure is 695, marker 9.
        Returns the cell, or a corrected copy (cells are shared between candidate tables)."""
        if c.read_as != "integer" or c.value is None or c.unit or not _FOOTNOTE_CANDIDATE_RE.fullmatch(c.raw):
            return c
        digits = c.raw.lstrip("-")
        for k in (2, 1):
            if len(digits) <= k:
                continue
            marker = int(digits[-k:])
            if digits[-k] == "0":
                continue
            # the marker's definition: the first one below the figure
            defined_at = next((ln for ln in self.footnotes.get(marker, []) if ln > c.line), None)
            if defined_at and 0 < defined_at - c.line <= self.settings.footnote_distance:
                rest = Decimal(digits[:-k])
                return replace(
                    c,
                    value=-rest if c.raw.startswith("-") else rest,
                    read_as=f"footnote_marker_stripped:{marker}",
                    annotation=f"footnote {marker}",
                )
        return c

    @staticmethod
    def _fix_row_slips(cells: list[RawCell | None]) -> list[RawCell | None]:
        """'-19.156' among '-19,156'-style cells: a point written for the decimal comma.
        Returns the row's cells, slips replaced by corrected copies."""
        commas = [c for c in cells if c is not None and c.read_as == "decimal_comma"]
        if len(commas) < 1:
            return cells
        if commonest(tally(c.decimals for c in commas)) != 3:
            return cells
        out = []
        for c in cells:
            if c is not None and c.value is not None and c.read_as == "thousands" and not c.unit:
                body = c.raw.lstrip("-\u2212\u2013")
                if body.count(".") == 1 and "," not in body:
                    c = replace(c, value=c.value / 1000, read_as="thousands_point_as_decimal_slip", decimals=3)
            out.append(c)
        return out

    def _emit(self, rows: list[RawRow], columns: list[str]) -> None:
        t = self.t
        table_years = sorted({y for y in (column_year(c) for c in columns) if y})
        col_years = [column_year(c) for c in columns]
        col_periods = [column_period(c, table_years) for c in columns]
        col_kinds = [column_kind(c, p) for c, p in zip(columns, col_periods)]
        col_geo = [geomod.match_geo(c)[0] for c in columns]
        if sum(g is not None for g in col_geo) < max(2, len(columns) / 2):
            col_geo = [None] * len(columns)  # "Aalborg RHN Psykiatri": hospitals, not places
        labels = [self._label(r) for r in rows]
        numbered = sum(1 for label in labels if ITEM_NUMBER_RE.match(label))
        group: str | None = None
        prepared = []
        levels = []
        for r, label in zip(rows, labels):
            row_number = None
            m = ITEM_NUMBER_RE.match(label)
            if m:
                row_number, label = m.group(1), m.group(2)
            section = r.section
            if numbered >= 3:
                if row_number is None and r.cells:
                    group = label
                elif row_number:
                    section = group
            is_total = geomod.is_total_label(label)
            g, how = geomod.match_geo(label)
            if g and not is_total:
                levels.append(g.level)
            prepared.append((r, label, row_number, section, is_total, g, how))
        parent = None
        if levels:
            level = commonest(tally(levels))
            parent = geomod.BY_CODE["1081"] if level == "kommune" else (geomod.DANMARK if level == "region" else None)
        table_unit_ = t.unit or "antal"
        for row_index, (r, label, row_number, section, is_total, g, how) in enumerate(prepared):
            r.cells = self._fix_row_slips([self._fix_footnote(c) if c is not None else None for c in r.cells])
            year_units = {c.unit for c, y in zip(r.cells, col_years) if c is not None and y}
            percent_points = year_units == {"%"}
            row_year = int(label) if is_year(label) else None
            if is_total and g is None:
                g, how = parent, ("total" if parent else None)
            for k, c in enumerate(r.cells):
                period = col_periods[k]
                column_unit = "kr." if table_unit_ == "antal" and col_kinds[k] in MONEY_COLUMNS else table_unit_
                geo = g if g is not None else col_geo[k]
                geo_match = how if g is not None else ("column" if col_geo[k] else None)
                unit = c.unit if c is not None and c.unit else column_unit
                if period and unit == "%" and percent_points:
                    unit = "procentpoint"
                t.cells.append(
                    Cell(
                        file=t.file,
                        table_id=t.table_id,
                        table=t.table,
                        caption=t.caption,
                        section=section,
                        row_label=label,
                        row_number=row_number,
                        geo_code=geo.code if geo else None,
                        geo_name=geo.name if geo else None,
                        geo_level=geo.level if geo else None,
                        geo_match=geo_match,
                        is_total=is_total,
                        perspective=t.perspective,
                        column_label=columns[k],
                        column_kind=col_kinds[k],
                        year=col_years[k] or (row_year if not period else None),
                        period_from=period[0] if period else None,
                        period_to=period[1] if period else None,
                        value=None if c is None or c.read_as == "missing" else c.value,
                        value_low=c.low if c is not None else None,
                        value_high=c.high if c is not None else None,
                        unit=unit,
                        raw=c.raw if c is not None else "",
                        line=c.line if c is not None else r.line,
                        read_as=c.read_as if c is not None else "empty",
                        annotation=c.annotation if c is not None else None,
                        row_index=row_index,
                        col_index=k,
                        decimals=c.decimals if c is not None else 0,
                        placed_by=r.placed_by,
                        col_start=c.start if c is not None else -1,
                    )
                )
