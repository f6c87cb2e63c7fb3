"""Putting a row's figures in their columns when the row has fewer (or more) figures than
the table has columns.

PDF text has no column positions, so a row "Drift 2,0" under "2026 2027 2028 Permanent"
could hold its figure in any column. What decides, in order (each a function below):

1. ``spaces``: the text layer often keeps a space for an empty cell. Where the row has wider
   gaps (or more trailing spaces) than the table's full rows, the empty cells are there.
2. ``sums``: a row whose figure, put in column c, makes a printed total add up (the rows
   between a total and the previous one, or the rows below a parent row, sum to it within
   the rounding of the printed figures) has it in column c. The table's rows of the same
   shape are placed the same way where the sums allow it, so one tie is broken by the rest.
3. Otherwise the row is reported as ambiguous and its figures are not emitted: a figure may go
   missing with a reason, never into a wrong column.

Also here: figures printed with spaces between their thousands ("12 345"), read as one
figure where exactly one reading gives the row its column count; and column-major runs,
figures the PDF printed one per line, column by column.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import combinations, product

from .lines import RawCell, _spaced_group, join_spaced
from .numbers import half_unit
from .tally import commonest, tally


# -- 1. spaces --------------------------------------------------------------------------------------
def _gaps(text: str, label_end: int, cells: list[RawCell]) -> tuple[int | None, list[int], int]:
    """(gap before the first cell or None if the row has no label, gaps between cells,
    trailing spaces)."""
    lead = cells[0].start - label_end if label_end > 0 else None
    inner = [b.start - a.end for a, b in zip(cells, cells[1:])]
    trailing = len(text) - cells[-1].end
    return lead, inner, trailing


def usual_spacing(rows: list[tuple[str, int, list[RawCell]]]) -> tuple[int, int, int]:
    """The spaces the table's full rows use: before the first cell, between cells, after the
    last (the most common of each; 1, 1 and 1 where no full row tells)."""
    leads: list[int] = []
    inners: list[int] = []
    trails: list[int] = []
    for text, label_end, cells in rows:
        lead, inner, trailing = _gaps(text, label_end, cells)
        if lead is not None:
            leads.append(lead)
        inners.extend(inner)
        trails.append(trailing)

    def mode(values: list[int], default: int) -> int:
        m = commonest(tally(values))
        return default if m is None else m

    return mode(leads, 1), mode(inners, 1), mode(trails, 1)


def place_by_spaces(
    text: str, label_end: int, cells: list[RawCell], ncols: int, usual: tuple[int, int, int]
) -> list[RawCell | None] | None:
    """Empty cells where the row's spaces are wider than the table's usual ones. Two readings:
    every wide gap between cells (or before the first) holds one empty cell; or every extra
    space (trailing spaces included) stands for one empty cell. The first that accounts for
    exactly the missing cells wins."""
    missing = ncols - len(cells)
    if missing <= 0:
        return None
    lead, inner, trailing = _gaps(text, label_end, cells)
    u_lead, u_inner, u_trail = usual
    slots = [lead] + inner  # slot k: before cell k
    wide = [k for k, g in enumerate(slots) if g is not None and g >= 2 and g > (u_lead if k == 0 else u_inner)]
    if len(wide) == missing:
        return _fill(cells, {k: 1 for k in wide}, 0)
    extra = {
        k: g - (u_lead if k == 0 else u_inner)
        for k, g in enumerate(slots)
        if g is not None and g > (u_lead if k == 0 else u_inner)
    }
    after = max(0, trailing - u_trail)
    if sum(extra.values()) + after == missing:
        return _fill(cells, extra, after)
    return None


def _fill(cells: list[RawCell], before: dict[int, int], after: int) -> list[RawCell | None]:
    out: list[RawCell | None] = []
    for k, c in enumerate(cells):
        out.extend([None] * before.get(k, 0))
        out.append(c)
    out.extend([None] * after)
    return out


# -- 2. sums -----------------------------------------------------------------------------------------
#: a sum that places figures must match within the rounding of the printed figures, and
#: within this share of the total: small figures rounded to one decimal would otherwise match
#: by chance (0,3 + 1,0 + 0,15 is not 1,3)
EVIDENCE_SHARE = Decimal("0.005")


def _tolerance(cells: list[RawCell | None]) -> Decimal:
    """How far a printed sum may be from its printed parts: half a unit of the last printed
    digit of each, but never more than EVIDENCE_SHARE of the largest figure."""
    rounding = largest = Decimal(0)
    for c in cells:  # one compiled loop (asked for every column of every candidate total)
        if c is not None:
            rounding += half_unit(c.decimals)
            if c.value is not None and abs(c.value) > largest:
                largest = abs(c.value)
    return min(rounding, largest * EVIDENCE_SHARE) if largest else rounding


def _value(c: RawCell | None) -> Decimal | None:
    return None if c is None or c.value is None else c.value


def sum_groups(n: int, is_total: list[bool], shape: list[int]) -> dict[str, list[tuple[int, list[int]]]]:
    """The printed sums a table can hold, as (row of the sum, rows summed), by kind:

    ``parent``  a row followed by rows of another shape, up to the next row of its own shape:
                "Kollektiv trafik 190.075.891 205.107.200" over its one-figure items, or
                "Hæmatologisk afdeling 3,6 mio. kr." over its two-figure staff rows;
    ``total``   a total row (or the table's last row) over the rows since the previous total,
                the children of parents that add up not counted twice;
    ``grand``   a total row over the totals before it ("Total" under two "Samlede").

    ``shape`` is each row's number of figures as printed (0 for a row without figures).
    """
    groups: dict[str, list[tuple[int, list[int]]]] = {"parent": [], "total": [], "grand": []}
    prev = -1
    subtotals: list[int] = []
    for t in range(n):
        if is_total[t] or t == n - 1:
            if t - prev > 2:
                groups["total"].append((t, list(range(prev + 1, t))))
            elif t - prev == 1 and len(subtotals) >= 2:
                groups["grand"].append((t, list(subtotals)))
            if is_total[t]:
                subtotals = subtotals + [t] if t - prev > 2 else []
                prev = t
    for t in range(n - 1):
        if is_total[t] or shape[t] == 0 or shape[t + 1] in (0, shape[t]):
            continue
        # the items end just before a row of the parent's shape (which may itself be one of
        # them: "Råstoffer" among "Centraladministration"'s items), or at a total
        end = t + 1
        while end < n and not is_total[end]:
            if end + 1 == n or shape[end + 1] == shape[t] or is_total[end + 1]:
                groups["parent"].append((t, list(range(t + 1, end + 1))))
            end += 1
    return groups


def _holds(grid: list[list[RawCell | None]], col: int, total_row: int, members: list[int], min_rows: int) -> bool:
    total = _value(grid[total_row][col])
    if total is None:
        return False
    cells = [grid[m][col] for m in members]
    values = [v for v in map(_value, cells) if v is not None]
    if len(values) < min_rows:
        return False
    s = sum(values, Decimal(0))
    return s != 0 and abs(s - total) <= _tolerance(cells + [grid[total_row][col]])


def _sums_in_column(
    full: list[list[RawCell | None]], col: int, groups: dict[str, list[tuple[int, list[int]]]]
) -> list[set[int]]:
    """The sets of rows that make a printed sum hold in one column (sum row included)."""
    holding = [(t, m) for t, m in groups["parent"] if _holds(full, col, t, m, 1)]
    children = {r for _, m in holding for r in m}
    out = [set(m) | {t} for t, m in holding]
    for t, members in groups["total"]:
        top = [r for r in members if r not in children]
        if _holds(full, col, t, top, 2):
            out.append(set(top) | {t})
    out.extend(set(m) | {t} for t, m in groups["grand"] if _holds(full, col, t, m, 2))
    return out


def place_by_sums(
    grid: list[list[RawCell | None] | None],
    short: dict[int, list[RawCell]],
    ncols: int,
    is_total: list[bool],
    shape: list[int],
) -> dict[int, list[RawCell | None]]:
    """Place the ``short`` rows (index -> figures) of ``grid`` (placed rows; None where not
    placed) by the sums they complete (see ``sum_groups``). One hypothesis per row shape:
    every short row with k figures has them in the same k columns. A row is explained by a
    hypothesis when each of its figures takes part in a sum that holds in its column. The
    hypothesis that explains most rows wins, if no other explains as many; the rows it
    explains are placed, the others are not (they are reported by the caller)."""
    if not short:
        return {}
    n = len(grid)
    groups = sum_groups(n, is_total, shape)
    shapes = sorted({len(v) for v in short.values()})
    options = [list(combinations(range(ncols), k)) for k in shapes]
    if any(not o for o in options) or not any(groups.values()):
        return {}
    scored: list[tuple[int, dict[int, list[RawCell | None]]]] = []
    for choice in product(*options):
        positions = dict(zip(shapes, choice))
        placed = {i: _at(cells, positions[len(cells)], ncols) for i, cells in short.items()}
        full = [placed.get(i) or (row if row is not None else [None] * ncols) for i, row in enumerate(grid)]
        by_col: dict[int, list[set[int]]] = {}  # computed for the columns short rows use
        explained = {}
        for i, cells in placed.items():
            cols = [c for c in range(ncols) if cells[c] is not None]
            for c in cols:
                if c not in by_col:
                    by_col[c] = _sums_in_column(full, c, groups)
            if all(any(i in rows for rows in by_col[c]) for c in cols):
                explained[i] = cells
        scored.append((len(explained), explained))
    scored.sort(key=lambda b: -b[0])
    if scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return {}
    return scored[0][1]


def _at(cells: list[RawCell], cols: tuple[int, ...], ncols: int) -> list[RawCell | None]:
    out: list[RawCell | None] = [None] * ncols
    for c, cell in zip(cols, cells):
        out[c] = cell
    return out


# -- thousands printed with spaces ------------------------------------------------------------------------
def spaced_readings(text: str, cells: list[RawCell], ncols: int, limit: int = 64) -> list[list[int]]:
    """Every way (up to ``limit``) to read the row's figures as ``ncols`` figures by joining
    runs that can be one number with spaces between its thousands ("12 345" -> 12345): each
    reading as the number of printed pieces of each figure ([2, 2, 1] for "12 345 1 234 5")."""
    out: list[list[int]] = []
    _walk_spaced(text, cells, ncols, limit, 0, [], out)
    return out


def _walk_spaced(
    text: str, cells: list[RawCell], ncols: int, limit: int, i: int, acc: list[int], out: list[list[int]]
) -> None:
    """spaced_readings from cell i on, ``acc`` the pieces of the figures before it. (A function
    of its own: a nested one that calls itself is a reference cycle, left for the collector.)"""
    if len(acc) > ncols or len(out) >= limit:
        return
    if i == len(cells):
        if len(acc) == ncols:
            out.append(list(acc))
        return
    _walk_spaced(text, cells, ncols, limit, i + 1, [*acc, 1], out)
    j = i + 1
    while j < len(cells) and _spaced_group(text, cells, i, j):
        _walk_spaced(text, cells, ncols, limit, j + 1, [*acc, j - i + 1], out)
        j += 1


def read_spaced(text: str, cells: list[RawCell], pieces: list[int]) -> list[RawCell]:
    """The row's figures joined as a reading of spaced_readings says."""
    out, i = [], 0
    for k in pieces:
        out.append(cells[i] if k == 1 else join_spaced(text, cells, i, i + k - 1))
        i += k
    return out


def choose_reading(readings: list[list[int]], usual: list[int] | None) -> list[int] | None:
    """The reading of a row printed with spaced thousands: the only one; else the one whose
    figures have as many pieces as the same columns' figures in rows read without doubt;
    else the only one whose largest figure has the fewest pieces ("323 411 366 207" as
    323411 and 366207, not 323 and 411366207). None when that still leaves a choice."""
    if len(readings) == 1:
        return readings[0]
    if usual:
        fits = [r for r in readings if r == usual]
        if len(fits) == 1:
            return fits[0]
    if not readings:
        return None
    fewest = min(max(r) for r in readings)
    balanced = [r for r in readings if max(r) == fewest]
    return balanced[0] if len(balanced) == 1 else None


def has_spaced_groups(cells: list[RawCell]) -> bool:
    """Whether the row has a figure that cannot stand alone: a group of three digits with a
    leading zero ("043"), as in "1 043"."""
    return any(c.read_as == "integer" and len(c.raw) == 3 and c.raw.startswith("0") for c in cells)


# -- column-major runs -----------------------------------------------------------------------------------
def read_column_major(values: list[RawCell], nrows: int, ncols: int) -> list[list[RawCell | None]] | None:
    """Figures printed column by column for ``nrows`` rows: the first nrows figures are the
    first column, and so on. None if they do not fill whole columns within ``ncols``."""
    if nrows <= 0 or len(values) % nrows or len(values) // nrows > ncols:
        return None
    grid: list[list[RawCell | None]] = [[None] * ncols for _ in range(nrows)]
    for k, v in enumerate(values):
        grid[k % nrows][k // nrows] = v
    return grid


def sums_hold(rows: list[list[RawCell | None]], total: Sequence[RawCell | None]) -> bool:
    """Whether, in every column where the total has a value, the rows add up to it."""
    checked = False
    for c, t in enumerate(total):
        if t is None or t.value is None:
            continue
        col = [r[c] for r in rows]
        if all(x is None for x in col):
            continue
        s = sum((x.value for x in col if x is not None and x.value is not None), Decimal(0))
        if abs(s - t.value) > _tolerance(col + [t]):
            return False
        checked = True
    return checked
