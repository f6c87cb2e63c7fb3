"""Rewriting the real tables of a document the way other PDF text layers print them.

A next edition of a document, or the same document run through another PDF tool, prints
the same tables with page breaks in other places, labels wrapped at other points, figures
spaced differently. ``Layout`` reads the rows of every table of a document from one
extraction of it (which lines hold each row's label and figures); each perturbation
rewrites some rows in place, and ``compare`` checks a new extraction against the original:
a cell may go missing only where its table reports a problem, and is never wrong.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from orchestration.extract import extract_document
from orchestration.extract.geo import KOMMUNER, REGIONER, match_geo
from orchestration.extract.lines import is_year_run_header

NBSP = "\u00a0"


@dataclass(eq=False)
class Row:
    """One row of a table as printed: its label lines, the line of its figures, its cells."""

    table: str
    label: str  # the row label as extracted (wrapped parts joined)
    first: int  # 0-based line of the first label line
    last: int  # 0-based line of the figures
    raws: list[str]  # the figures as printed, in column order
    geo: str | None
    is_total: bool


@dataclass
class TableLayout:
    number: str
    header: list[str]  # the header lines to repeat after a page break (years line onward)
    rows: list[Row] = field(default_factory=list)


class Layout:
    """The tables of one document whose rows can be rewritten: one line of figures per
    row, no empty cells, every figure on the same line."""

    def __init__(self, path, lines: list[str], tables: set[str] | None = None):
        self.lines = lines
        self.tables: list[TableLayout] = []
        result = extract_document(path)
        for t in result.tables:
            if t.table is None or t.status not in ("ok", "partial") or not t.cells:
                continue
            if tables is not None and t.table not in tables:
                continue
            layout = self._layout(t)
            if layout is not None:
                self.tables.append(layout)

    def _layout(self, t) -> TableLayout | None:
        by_row = defaultdict(list)
        for c in t.cells:
            by_row[c.row_index].append(c)
        rows = []
        previous_end = max(t.header_lines or [t.caption_line])  # 1-based
        for index in sorted(by_row):
            cells = sorted(by_row[index], key=lambda c: c.col_index)
            if any(c.read_as == "empty" for c in cells) or len({c.line for c in cells}) != 1:
                return None
            line = cells[0].line
            label_lines = [ln for ln in sorted(t.text_lines) if previous_end < ln <= line]
            first = min(label_lines or [line])
            rows.append(
                Row(
                    t.table,
                    cells[0].row_label,
                    first - 1,
                    line - 1,
                    [c.raw for c in cells],
                    cells[0].geo_code,
                    cells[0].is_total,
                )
            )
            previous_end = line
        years = [ln for ln in t.header_lines if is_year_run_header(self.lines[ln - 1].strip())]
        if not years:
            return None
        header = [self.lines[ln - 1] for ln in t.header_lines if ln >= years[0]]
        return TableLayout(t.table, header, rows)


def row_line(label: str, raws: list[str]) -> str:
    return f"{label} {' '.join(raws)} "


# -- the perturbations: each rewrites a few rows, returning {row: replacement lines} ---------------
def page_break(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """A page break after a row: page number (or footer), running footer and header, the
    table's header printed again on the new page."""
    row = rng.choice(table.rows[:-1])
    number = rng.choice([f"{page}", f" Side {page} af 73"])
    lines = [layout.lines[i] for i in range(row.first, row.last + 1)]
    lines += ["", number, "", " Praksisplan for fysioterapi 2025", ""]
    lines += [(" " + h.lstrip()) if k == 0 else h for k, h in enumerate(table.header)]
    return {row: lines}


def hyphenate_label(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """A kommune or region name wrapped at any point: "Brøn-" / "derslev", figures on the
    same line as the second part or on a line of their own."""
    rows = [r for r in table.rows if r.geo and not r.is_total and r.first == r.last]
    out = {}
    for row in rng.sample(rows, min(3, len(rows))):
        name = row.label
        if " " in name and rng.random() < 0.5:
            cut = name.index(" ")
            head, tail = name[:cut], name[cut + 1 :]
        else:
            cut = rng.randint(2, len(name) - 2)
            head, tail = name[:cut] + "-", name[cut:]
            if not tail[:1].islower():
                continue
        if rng.random() < 0.5:
            out[row] = [head, "", row_line(tail, row.raws)]
        else:
            out[row] = [head, "", tail, "", " ".join(row.raws) + " "]
    return out


def cells_continue(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """A row whose figures continue on the next line."""
    rows = [r for r in table.rows if r.first == r.last and len(r.raws) > 1]
    out = {}
    for row in rng.sample(rows, min(3, len(rows))):
        k = rng.randint(1, len(row.raws) - 1)
        out[row] = [row_line(row.label, row.raws[:k]), "", " ".join(row.raws[k:]) + " "]
    return out


def _respace(raw: str, rng: random.Random) -> str:
    if raw.endswith("%") and not raw.endswith(" %"):
        return raw[:-1] + " %"
    if raw.endswith(" kr."):
        return raw[:-4] + "kr."
    return raw


def unit_spacing(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """A space before "%", or "kr." glued to its figure."""
    rows = [r for r in table.rows if r.first == r.last]
    return {
        row: [row_line(row.label, [_respace(x, rng) for x in row.raws])] for row in rng.sample(rows, min(4, len(rows)))
    }


_GROUPED = re.compile(r"^(-?\d{1,3}(?:\.\d{3})+)(,\d+)?( kr\.)?$")


def _space_thousands(raw: str, sep: str) -> str:
    m = _GROUPED.match(raw)
    if not m:
        return raw
    return m.group(1).replace(".", sep) + (m.group(2) or "") + (m.group(3) or "")


def spaced_thousands(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """Thousands separated by spaces, or by non-breaking spaces, across the whole table."""
    sep = rng.choice([" ", NBSP])
    return {
        row: [row_line(row.label, [_space_thousands(x, sep) for x in row.raws])]
        for row in table.rows
        if row.first == row.last
    }


_GENITIVE = {"Vesthimmerlands": "Vesthimmerland", "Vesthimmerland": "Vesthimmerlands"}


def name_forms(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """Official and genitive forms: "Vesthimmerland(s)", "Hjørring Kommune", "Nordjylland" for
    "Region Nordjylland"."""
    out = {}
    for row in table.rows:
        if not row.geo or row.is_total or row.first != row.last:
            continue
        name = row.label
        if name in _GENITIVE:
            new = _GENITIVE[name]
        elif name.startswith("Region "):
            new = name[len("Region ") :]
        else:
            new = f"{name} Kommune"
        out[row] = [row_line(new, row.raws)]
    return out


def absent_or_dash(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """A kommune row left out, or printed with "-" in every column."""
    rows = [r for r in table.rows if r.geo and not r.is_total]
    row = rng.choice(rows)
    if rng.random() < 0.5:
        return {row: []}
    return {row: [row_line(row.label, ["-"] * len(row.raws))]}


def reorder(layout: Layout, table: TableLayout, rng: random.Random, page: int) -> dict:
    """The rows (all but the total) in another order."""
    rows = [r for r in table.rows if not r.is_total]
    texts = [[layout.lines[i] for i in range(r.first, r.last + 1)] for r in rows]
    rng.shuffle(texts)
    return dict(zip(rows, texts))


PERTURBATIONS = {
    "page_break": page_break,
    "hyphenated_label": hyphenate_label,
    "cells_continue": cells_continue,
    "unit_spacing": unit_spacing,
    "spaced_thousands": spaced_thousands,
    "name_forms": name_forms,
    "absent_or_dash": absent_or_dash,
    "row_order": reorder,
}


def apply(layout: Layout, edits: dict) -> list[str]:
    """The document's lines with the rows replaced (bottom up, so line numbers hold)."""
    lines = list(layout.lines)
    for row in sorted(edits, key=lambda r: -r.first):
        lines[row.first : row.last + 1] = edits[row]
    return lines


# -- comparing -------------------------------------------------------------------------------------------
def _key(c) -> tuple:
    column = c.year if c.year is not None else (c.period_from, c.period_to) if c.period_from else c.column_label
    return (c.table, c.geo_code or c.row_label, str(column))


def cells_by_key(result, tables: set[str]) -> dict[tuple, list]:
    out = defaultdict(list)
    for t in result.tables:
        if t.table in tables:
            for c in t.cells:
                out[_key(c)].append(c)
    return out


def compare(original, perturbed, tables: set[str], dashed_rows: set[tuple] = frozenset()) -> list[str]:
    """What went wrong: a cell with another value, a cell that is not in the original, or a
    cell missing from a table that reports no problem. ``dashed_rows``: (table, row key) of
    rows printed "-": their cells are expected with no value."""
    before = cells_by_key(original, tables)
    after = cells_by_key(perturbed, tables)
    with_problems = {t.table for t in perturbed.tables if t.table in tables and t.problems}
    errors = []
    for key, cells in after.items():
        if key not in before:
            errors.append(f"extra cell {key}: {[c.raw for c in cells]}")
            continue
        if len(cells) != len(before[key]):
            errors.append(f"{key}: {len(cells)} cells for {len(before[key])}")
            continue
        for old, new in zip(before[key], cells):
            expected = None if (key[0], key[1]) in dashed_rows else old.value
            if new.value != expected or new.value_low != (None if expected is None else old.value_low):
                errors.append(
                    f"wrong {key}: {new.raw!r} read {new.value} (line {new.line}), printed {old.raw!r} = {old.value}"
                )
    for key in before.keys() - after.keys():
        if key[0] not in with_problems:
            errors.append(f"missing {key} without a problem in Tabel {key[0]}")
    return errors


def geo_key(row: Row) -> tuple:
    return (row.table, row.geo or row.label)


def value_of(raw: str) -> Decimal:  # pragma: no cover  (debugging aid)
    return Decimal(raw.replace(".", "").replace(",", ".").rstrip("% kr"))


ALL_GEO = {g.code for g in [*KOMMUNER, *REGIONER]}
__all__ = ["Layout", "PERTURBATIONS", "apply", "compare", "geo_key", "match_geo", "ALL_GEO"]
