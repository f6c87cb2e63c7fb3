"""Parsing the body of one table: header, rows (wrapped labels, empty cells), cells with lineage."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import geo as geomod
from .header import column_period, column_year, header_candidates, perspective_of, segment_header
from .lines import (CAPTION_RE, LONE_ITEM_NUMBER_RE, PAGE_FOOTER_RE, YEAR_RANGE_RE, LineIndex,
                    RawCell, dehyphenate_join, is_year_run_header)
from .model import Cell, Problem, Table
from .numbers import is_year

HEADING_RE = re.compile(r"^\s?\d+(?:\.\d+)+\s+[A-ZÆØÅ]")
ITEM_NUMBER_RE = re.compile(r"^(\d+\.\d+)\s+(\S.*)$")
FIGURE_RE = re.compile(r"^Figur\s+\S+:")
VERTICAL_FRAGMENT_RE = re.compile(r"^(?=.*[a-zæøå])[A-Za-zÆØÅæøå]{1,3}-?$")
PROSE_WORDS = 7  # a label-only line this long, not wrapped, is prose: the table has ended
MAX_PENDING = 3
_FOOTNOTE_CANDIDATE_RE = re.compile(r"-?\d{3,}")  # a bare integer that may carry a footnote marker


@dataclass
class RawRow:
    label_parts: list[tuple[str, int]]
    cell_lines: list[list[RawCell]]
    line: int
    section: str | None
    label_end: int = 0
    text: str = ""
    cells_only: bool = False
    extra_label: str = ""
    cells: list[RawCell | None] = field(default_factory=list)

    @property
    def ncells(self) -> int:
        return sum(map(len, self.cell_lines))


@dataclass
class Body:
    header_lines: list[tuple[str, int]]
    rows: list[RawRow]
    end_line: int
    ended_by: str


SECTION_MARK = "\x00section:"
_STOP_INITIALS = frozenset("SKNT*F")  # first letters of "Side", "Kilde", "Note", "Tabel", "*", "Figur"


def _nonblank_lines(lines: list[str], start: int, stop: int):
    """Non-blank lines as (1-based number, text, stripped text). A run of three or more
    one-to-three letter lines ("Pl" / "ej" / "ef" / ...) is rotated text, a group label:
    yielded as one line, SECTION_MARK + the joined letters."""
    run: list[tuple[int, str, str]] = []
    for idx in range(start, stop):
        text = lines[idx]
        stripped = text.strip()
        if not stripped:
            continue
        if len(stripped) <= 4 and VERTICAL_FRAGMENT_RE.match(stripped):
            run.append((idx + 1, text, stripped))
            continue
        if run:
            if len(run) >= 3:
                joined = SECTION_MARK + re.sub(r"-(?=[a-zæøå])", "", "".join(r[2] for r in run))
                yield run[0][0], joined, joined
            else:
                yield from run
            run = []
        yield idx + 1, text, stripped
    yield from run


def collect_body(index: LineIndex | list[str], start: int, stop: int) -> Body:
    """Walk lines [start, stop) (0-based) and group them into header lines and raw rows."""
    if not isinstance(index, LineIndex):
        index = LineIndex(index)
    lines = index.lines
    header: list[tuple[str, int]] = []
    rows: list[RawRow] = []
    pending: list[tuple[str, int]] = []
    section: str | None = None
    ended_by, end_line = "end_of_file", stop

    def flush_pending_as_rows(next_label: str) -> list[tuple[str, int]]:
        """Label-only lines before a labelled row: wrapped into it, or rows without cells."""
        if not pending:
            return []
        units: list[list[tuple[str, int]]] = []
        for text, ln in pending:
            s = text.strip()
            if units and (units[-1][-1][0].rstrip().endswith(("-", ",")) or s[:1].islower()
                          or LONE_ITEM_NUMBER_RE.match(units[-1][-1][0].strip())):
                units[-1].append((text, ln))
            else:
                units.append([(text, ln)])
        joined_into_next = []
        last = units[-1]
        if last[-1][0].rstrip().endswith(("-", ",")) or next_label[:1].islower():
            joined_into_next = units.pop()
        for unit in units:
            rows.append(RawRow(unit, [], unit[0][1], section, text=unit[0][0]))
        pending.clear()
        return joined_into_next

    for ln, text, s in _nonblank_lines(lines, start, stop):
        if text.startswith(SECTION_MARK):
            section = text[len(SECTION_MARK):]
            continue
        stop_initial = s[0] in _STOP_INITIALS  # only such lines can end the table by their start
        if stop_initial:
            if s.startswith("Side ") and PAGE_FOOTER_RE.match(s):
                continue
            if s.startswith("Tabel") and CAPTION_RE.match(text):
                ended_by, end_line = "next_caption", ln - 1
                break
            if s.startswith(("Kilde:", "Kilde ", "Note:", "Noter:")):
                ended_by, end_line = "kilde", ln
                break
            if rows and s.startswith("*"):
                ended_by, end_line = "note", ln
                break
        if index.is_year_header(ln - 1):
            if not rows:
                header.extend(pending)
                pending.clear()
                header.append((text, ln))
            else:
                section = dehyphenate_join([p[0] for p in pending]) or section
                pending.clear()
            continue
        if stop_initial and s.startswith("Figur") and FIGURE_RE.match(s):
            ended_by, end_line = "figure", ln - 1
            break
        label, label_end, cells = index.cells(ln - 1)
        if len(cells) == 1 and cells[0].raw == "\u2013" and label:
            label, cells = s, []  # "§101 –" / "Børn og unge": an en dash inside a wrapped label
        if s[:1].isdigit() and LONE_ITEM_NUMBER_RE.match(s):
            label, cells = s, []
        if not rows and cells and (
                (header and not label and len(cells) == 1 and YEAR_RANGE_RE.match(cells[0].raw))
                or (header and label[:1].islower())
                or all(c.read_as == "integer" and is_year(c.raw) for c in cells)):
            # "Udvik-" / "ling" / "19-23";  "Samlet antal 0-17-" / "årige pr. 2. kv. 2023";
            # "Budget 2025";  "År 2024 År 2023 År 2022"
            header.extend(pending)
            pending.clear()
            header.append((text, ln))
            continue
        if not cells:
            if not rows:
                if is_prose(s):
                    ended_by, end_line = "prose", ln - 1
                    break
                header.append((text, ln))
                continue
            words = len(s.split())
            if (words >= PROSE_WORDS and s.endswith((".", ":", ";"))) or (
                    words >= PROSE_WORDS + 2 and not s.endswith("-")) or words >= 16:
                ended_by, end_line = "prose", ln - 1
                break
            pending.append((text, ln))
            if len(pending) > MAX_PENDING - 1 and not pending[-2][0].rstrip().endswith(("-", ",")):
                ended_by, end_line = "prose", pending[0][1] - 1
                pending.clear()
                break
            continue
        if rows and HEADING_RE.match(s):
            # a numbered heading ends the table: after a Total row ("6.2 Takstudviklingen fra
            # 2021 - 2024"), or with fewer figures than the rows have (" 1.2 ... version 2.0")
            after_total = bool(rows[-1].label_parts) and geomod.is_total_label(rows[-1].label_parts[-1][0])
            usual = not s.endswith("-") and Counter(
                len(r.cell_lines[0]) for r in rows if r.cell_lines).most_common(1)
            if after_total or (usual and len(cells) < usual[0][0]):
                ended_by, end_line = "heading", ln - 1
                break
        if label and len(label.split()) >= 16:
            ended_by, end_line = "prose", ln - 1
            break
        if not label:
            if pending:
                rows.append(RawRow(list(pending), [cells], ln, section, text=text))
                pending.clear()
            else:
                rows.append(RawRow([], [cells], ln, section, text=text, cells_only=True))
            continue
        wrapped = flush_pending_as_rows(label)
        rows.append(RawRow(wrapped + [(label, ln)], [cells], ln, section,
                           label_end=label_end, text=text))
    else:
        ended_by, end_line = "end_of_file", stop
    if pending and rows and ended_by == "end_of_file":
        # label-only lines left at the end of the file: a row cut off before its numbers
        rows.append(RawRow(list(pending), [], pending[0][1], section, text=pending[0][0]))
    return Body(header, rows, end_line, ended_by)


def is_prose(s: str) -> bool:
    """A sentence, not a header or label: many words, mostly lower-case."""
    words = s.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= 9 and lower >= len(words) / 2


def _row_counts(rows: list[RawRow]) -> Counter[int]:
    """How many full rows have each number of cells (the header's column count must match)."""
    counts = [r.ncells for r in rows if r.label_parts and len(r.cell_lines) == 1]
    # a cells-only row led by a year or a range ("2025 27 19 8", "0-2 45 15") has that as its label
    counts += [r.ncells - (1 if r.cell_lines[0][0].read_as == "range" or is_year(r.cell_lines[0][0].raw)
                           else 0) for r in rows if r.cells_only]
    return Counter(counts)


def _choose_ncols(header_text: str, rows: list[RawRow], counts: Counter[int] | None = None) -> int | None:
    if counts is None:
        counts = _row_counts(rows)
    total = counts.total()
    if not total:
        return None
    # the widest column count the header allows that full rows confirm
    fits = [h for h in header_candidates(header_text)
            if counts[h] >= max(1, 0.15 * total)
            and sum(v for c, v in counts.items() if c > h) <= 0.34 * total]
    return max(fits) if fits else counts.most_common(1)[0][0]


def _wide_gaps(text: str, label_end: int, cells: list[RawCell]) -> list[int]:
    """Positions (0 = before the first cell) where two or more spaces separate cells."""
    out = []
    prev_end = label_end
    for k, c in enumerate(cells):
        if c.start - prev_end >= 2 and (k > 0 or label_end > 0):
            out.append(k)
        prev_end = c.end
    return out


class TableBuilder:
    """Turns a collected body into a Table with cells."""

    def __init__(self, table: Table, body: Body, footnotes: dict[int, int]):
        self.t = table
        self.body = body
        self.footnotes = footnotes

    def problem(self, line: int, msg: str, severity: str = "warning") -> None:
        self.t.problems.append(Problem(self.t.file, line, msg, self.t.table or self.t.caption[:60], severity))

    # -- header --------------------------------------------------------------
    def _resolve_header(self) -> tuple[str, list[str], int, int] | None:
        """Find (stub, columns, k, j): k trailing header lines are the first row's label and
        j leading lines are context before the header (blocks only)."""
        lines = self.body.header_lines
        rows = self.body.rows
        first = rows[0]
        max_k = min(3, len(lines))
        max_j = len(lines) - 1 if self.t.kind == "block" else 0
        counts = _row_counts(rows)
        for j in range(0, max_j + 1):
            ks = list(range(1, max_k + 1))
            year_led = first.cells_only and first.cell_lines and (
                is_year(first.cell_lines[0][0].raw) or first.cell_lines[0][0].read_as == "range")
            ks = [*ks, 0] if (first.cells_only or not first.label_parts) and not year_led else [0, *ks]
            for k in ks:
                head = lines[j:len(lines) - k]
                if (not head and lines) or any(is_year_run_header(x[0].strip()) for x in lines[len(lines) - k:]):
                    continue
                text = dehyphenate_join([h[0] for h in head])
                ncols = _choose_ncols(text, rows, counts)
                if ncols is None:
                    return None
                blank = bool(head) and head[0][0][:1].isspace() and self.t.kind == "captioned"
                seg = segment_header(text, ncols, blank_stub=blank)
                if seg:
                    return seg[0], seg[1], k, j
        return None

    def build(self) -> Table:
        t, body = self.t, self.body
        t.end_line, t.ended_by = body.end_line, body.ended_by
        if not body.rows:
            t.status = "no_text_layer" if not body.header_lines else "unparsed"
            if body.header_lines:
                self.problem(body.header_lines[0][1], "header text but no data rows")
            return t
        resolved = self._resolve_header()
        if resolved is None:
            text = dehyphenate_join([h[0] for h in body.header_lines])
            ncols = _choose_ncols(text, body.rows) or max(r.ncells for r in body.rows)
            stub, columns, k = text, [f"kolonne {i + 1}" for i in range(ncols)], 0
            t.status = "partial"
            line = body.header_lines[0][1] if body.header_lines else body.rows[0].line
            self.problem(line, f"header not understood; {ncols} columns named by position")
            if t.kind == "block":
                t.columns = columns
                return t  # dropped by the block scan
        else:
            stub, columns, k, j = resolved
            if k:
                first = body.rows[0]
                if first.cells_only or not first.label_parts:
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
        header_text = dehyphenate_join([h[0] for h in body.header_lines])
        t.perspective = perspective_of(header_text) or perspective_of(stub)
        cap = (t.caption + " " + header_text).casefold()
        t.unit = "mio. kr." if ("mio." in cap or "mio " in cap) else None
        rows = self._place(body.rows, len(columns), stub)
        if any(p.severity == "error" or "ambiguous" in p.message or "cut off" in p.message
               for p in t.problems) and t.status == "ok":
            t.status = "partial"
        if t.kind == "block" and t.status != "ok":
            return t  # an uncaptioned candidate that is not ok is dropped: no cells needed
        self._emit(rows, columns)
        return t

    # -- rows ----------------------------------------------------------------
    def _place(self, rows: list[RawRow], ncols: int, stub: str) -> list[RawRow]:
        out: list[RawRow] = []
        for r in rows:
            prev = out[-1] if out else None
            if r.cells_only:
                if prev is not None and 0 < prev.ncells < ncols and prev.ncells + r.ncells <= ncols \
                        and not prev.cells:
                    prev.cell_lines.append(r.cell_lines[0])
                    continue
                section = r.section or (stub if stub and not any(x.label_parts for x in rows) else None)
                if section and r.ncells == ncols:
                    r.label_parts = [(section, r.line)]
                    r.section = None if section == r.section else r.section
                else:
                    first = r.cell_lines[0][0]
                    r.label_parts = [(first.raw, r.line)]
                    r.label_end = first.end
                    r.cell_lines[0] = r.cell_lines[0][1:]
                r.cells_only = False
            out.append(r)
        for r in out:
            self._place_row(r, ncols)
        return out

    def _place_row(self, r: RawRow, ncols: int) -> None:
        cells = [c for line in r.cell_lines for c in line]
        label_line = r.label_parts[0][1] if r.label_parts else r.line
        self.t.rows += 1
        if not r.cell_lines:
            r.cells = [None] * ncols
            if r.label_parts and r is self.body.rows[-1] and self.body.ended_by == "end_of_file":
                self.problem(label_line, "table cut off mid-row: label without figures at end of file",
                             "error")
            return
        if len(cells) > ncols:
            self.t.rows_with_extra_numbers += 1
            extra = cells[:len(cells) - ncols]
            r.extra_label = " ".join(c.raw for c in extra)
            r.cells = list(cells[len(cells) - ncols:])
            return
        if len(cells) == ncols:
            r.cells = list(cells)
            return
        missing = ncols - len(cells)
        if len(r.cell_lines) > 1 and len(r.cell_lines) - 1 == missing:
            placed: list[RawCell | None] = []
            for i, line in enumerate(r.cell_lines):
                if i:
                    placed.append(None)
                placed.extend(line)
            r.cells = placed
            return
        if len(r.cell_lines) == 1:
            gaps = _wide_gaps(r.text, r.label_end, cells)
            if len(gaps) == missing:
                placed = []
                for k, c in enumerate(cells):
                    if k in gaps:
                        placed.append(None)
                    placed.append(c)
                r.cells = placed
                return
        if self.body.ended_by == "end_of_file" and r is self.body.rows[-1]:
            self.problem(r.line, f"table cut off mid-row: {len(cells)} of {ncols} cells", "error")
        else:
            raws = " | ".join(c.raw for c in cells)
            self.problem(r.line, f"row '{self._label(r)}' has {len(cells)} of {ncols} cells; "
                                 f"column placement ambiguous, cells not emitted (raw: {raws})")
        r.cells = []

    @staticmethod
    def _label(r: RawRow) -> str:
        text = dehyphenate_join([p[0] for p in r.label_parts])
        if r.extra_label:
            text = f"{text} {r.extra_label}".strip()
        return text

    # -- cells ---------------------------------------------------------------
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
            defined_at = self.footnotes.get(marker)
            if defined_at and 0 < defined_at - c.line <= 120:
                rest = Decimal(digits[:-k])
                return replace(c, value=-rest if c.raw.startswith("-") else rest,
                               read_as=f"footnote_marker_stripped:{marker}",
                               annotation=f"footnote {marker}")
        return c

    @staticmethod
    def _fix_row_slips(cells: list[RawCell | None]) -> list[RawCell | None]:
        """'-19.156' among '-19,156'-style cells: a point written for the decimal comma.
        Returns the row's cells, slips replaced by corrected copies."""
        commas = [c for c in cells if c is not None and c.read_as == "decimal_comma"]
        if len(commas) < 1:
            return cells
        usual = Counter(c.decimals for c in commas).most_common(1)[0][0]
        if usual != 3:
            return cells
        out = []
        for c in cells:
            if c is not None and c.read_as == "thousands" and not c.unit:
                body = c.raw.lstrip("-\u2212\u2013")
                if body.count(".") == 1 and "," not in body:
                    c = replace(c, value=c.value / 1000, read_as="thousands_point_as_decimal_slip",
                                decimals=3)
            out.append(c)
        return out

    def _emit(self, rows: list[RawRow], columns: list[str]) -> None:
        t = self.t
        table_years = sorted({y for y in (column_year(c) for c in columns) if y})
        col_years = [column_year(c) for c in columns]
        col_periods = [column_period(c, table_years) for c in columns]
        col_geo = [geomod.match_geo(c)[0] for c in columns]
        labels = [self._label(r) for r in rows]
        numbered = sum(1 for label in labels if ITEM_NUMBER_RE.match(label))
        group: str | None = None
        levels = []
        prepared = []
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
            level = Counter(levels).most_common(1)[0][0]
            parent = geomod.BY_CODE["1081"] if level == "kommune" else (
                geomod.DANMARK if level == "region" else None)
        # per column: label, year, period, and the geography a column label names
        col_info = []
        for col, year, period, cg in zip(columns, col_years, col_periods, col_geo):
            geo = (cg.code, cg.name, cg.level, "column") if cg else (None, None, None, None)
            col_info.append((col, year, period, period[0] if period else None,
                             period[1] if period else None, geo))
        file, table_id, table, caption = t.file, t.table_id, t.table, t.caption
        perspective, table_unit = t.perspective, t.unit or "antal"
        out = t.cells
        for row_index, (r, label, row_number, section, is_total, g, how) in enumerate(prepared):
            r.cells = self._fix_row_slips([self._fix_footnote(c) if c is not None else None
                                           for c in r.cells])
            year_units = {c.unit for c, y in zip(r.cells, col_years) if c is not None and y}
            percent_points = year_units == {"%"}
            row_year = int(label) if is_year(label) else None
            if is_total and g is None:
                g, how = parent, ("total" if parent else None)
            row_geo = (g.code, g.name, g.level, how) if g else None
            for k, c in enumerate(r.cells):
                col, col_year, period, period_from, period_to, geo = col_info[k]
                if c is None:
                    unit, value, low, high = table_unit, None, None, None
                    raw, line, read_as, annotation, decimals = "", r.line, "empty", None, 0
                else:
                    unit = c.unit or table_unit
                    value, low, high = c.value, c.low, c.high
                    raw, line, read_as, annotation, decimals = (c.raw, c.line, c.read_as,
                                                               c.annotation, c.decimals)
                    if read_as == "missing":
                        value = None
                if period and unit == "%" and percent_points:
                    unit = "procentpoint"
                geo_code, geo_name, geo_level, geo_match = row_geo or geo
                out.append(Cell(
                    file, table_id, table, caption, section, label, row_number,
                    geo_code, geo_name, geo_level, geo_match, is_total, perspective, col,
                    col_year or (row_year if not period else None), period_from, period_to,
                    value, low, high, unit, raw, line, read_as, annotation,
                    row_index, k, decimals))
