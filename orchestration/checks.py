"""Check frames: what Great Expectations validates after every load (no GX or Dagster here).

The GX suites in ``expectations/`` run on these pandas frames:

* ``cells_frame``: the loaded cells, plus the columns the structure and domain suites need
  (``has_value``, the header's year range, the measure a caption names, ``is_count``);
* ``totals_frame``: every printed total of every table beside the sum of its parts, with
  the tolerance the printed rounding allows and a verdict (agrees, slip, unexplained, misread);
* ``udvikling_frame``: each printed "Udvikling" beside the change recomputed from the years
  it spans (percentage points for shares);
* ``completeness_frame``: every kommune (or region) and year that a table's header promises,
  and whether the table has it, with the known, legitimate gaps marked.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from . import settings
from .extract import geo as geomod
from .extract.classify import measure_of, per_patient, speciale_of  # noqa: F401  (the checks' vocabulary)
from .extract.numbers import half_unit

KOMMUNE_CODES = [g.code for g in geomod.KOMMUNER]
REGION_CODES = [g.code for g in geomod.REGIONER]
GEO_CODES = sorted(geomod.BY_CODE)
COUNT_MEASURES = {"ydelser", "patienter"}


def cells_frame(cells: pd.DataFrame) -> pd.DataFrame:
    df = cells.copy()
    df["value"] = df["value"].astype("float64")  # floats, Decimals and None alike
    df["has_value"] = df["value"].notna()
    df["raw"] = df["raw"].where(df["raw"].fillna("") != "", None)
    years = df[df["year"].notna() & df["period_from"].isna()].groupby("table_id")["year"]
    df["header_year_from"] = df["table_id"].map(years.min())
    df["header_year_to"] = df["table_id"].map(years.max())
    df["column_year"] = df["year"].where(df["period_from"].isna())
    captions, distinct = pd.factorize(df["caption"], use_na_sentinel=False)
    df["measure"] = np.array([measure_of(c) for c in distinct], dtype=object)[captions]  # once per caption
    df["is_count"] = df["measure"].isin(COUNT_MEASURES) & df["unit"].eq("antal") & df["period_from"].isna()
    # one block per dtype: every suite (and GX within it) copies this frame, and pandas would
    # otherwise consolidate the columns added above again at each copy
    return df.copy()


def _tolerance(decimals) -> float:
    """The rounding of a figure printed with ``decimals`` decimals (numbers.half_unit)."""
    return float(half_unit(int(decimals or 0)))


def _non_additive_measures() -> frozenset[str]:
    """The measures whose Total is not the sum of its rows (an average, a rate, a share; and
    patients: one treated in two kommuner counts in each, and once in the Total): those the
    dbt seed maal, which defines the measures, marks not additive."""
    with open(settings.DBT_DIR / "seeds" / "maal.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["measure"] for row in csv.DictReader(f) if row["additive"] == "false")


NON_ADDITIVE_MEASURES = _non_additive_measures()
#: a printed total this many powers of ten from its parts is a misread figure, not a slip
MISREAD_FACTORS = (10.0, 100.0, 1000.0)
#: how far (a share of the printed total) a slip of the document's own arithmetic may be off.
#: The slips of today's documents are at most 2.4% off (the budget overview's Total 217,1
#: against 212,1 of its rows); a lost or misplaced row is off by a whole row's share
SLIP_SHARE = 0.05

TOTALS_COLUMNS = [
    "file",
    "table_number",
    "table_id",
    "caption",
    "section",
    "total_row",
    "column_label",
    "year",
    "line",
    "raw",
    "printed_total",
    "sum_of_parts",
    "parts",
    "parts_from_line",
    "parts_to_line",
    "interpretation",
    "difference",
    "tolerance",
    "excess",
    "verdict",
]


def _missing(x) -> bool:
    """A value pandas counts as missing (None, NaN, pd.NA), for one value at a time."""
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """The rows of ``frame`` (its ``columns``, default all) as dicts of plain Python values, as
    ``to_dict("records")`` gives them (pd.NA as None), built a column at a time (pandas boxes
    every value of every row on its own: ten times slower on a document's cells)."""
    columns = list(frame.columns) if columns is None else columns
    lists = [_plain(frame[c]) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True)]


def _plain(column: pd.Series) -> list:
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):  # nullable: pd.NA for missing
        return [None if v is pd.NA else v for v in values]
    return values


def _additive_table(cells: list[dict]) -> bool:
    caption = str(cells[0]["caption"] or "").casefold()
    return (
        measure_of(cells[0]["caption"]) not in NON_ADDITIVE_MEASURES
        and not per_patient(caption)
        and not caption.startswith(("andel", "procentandel", "gennemsnit"))
    )


def _rows_of_tables(values: pd.DataFrame) -> dict[str, list[dict]]:
    """table id -> one dict per table row (in the order of row index) with its row index,
    label, section, whether it is a total, its geography level and item number (each the first
    of its cells that has one)."""
    rows = values.groupby(["table_id", "row_index"], sort=True).agg(
        label=("row_label", "first"),
        section=("section", "first"),
        is_total=("is_total", "first"),
        geo_level=("geo_level", "first"),
        item=("row_number", "first"),
    )
    columns = ["table_id", "row_index", "label", "section", "is_total", "geo_level", "item"]
    tables: dict[str, list[dict]] = {}
    for row in _records(rows.reset_index(), columns):
        tables.setdefault(row.pop("table_id"), []).append(row)
    return tables


def _row_facts(rows: list[dict]) -> list[dict]:
    """The rows of a table (``_rows_of_tables``), each with whether it is a total, a group row
    (its label is the section other rows stand under: "Løft af det psykiatriske område" over
    1.24-1.32) and whether it is a part that totals add up (rows at the table's usual
    geography level)."""
    rows = [dict(r) for r in rows]
    sections = {str(r["section"]).casefold() for r in rows if not _missing(r["section"])}
    for r in rows:
        label = "" if _missing(r["label"]) else r["label"]
        r["group"] = isinstance(label, str) and label.casefold() in sections and _missing(r["item"])
    # "Danmark" as the last row, under places of another level, is their total
    if len(rows) >= 3 and rows[-1]["geo_level"] == "land" and all(r["geo_level"] != "land" for r in rows[:-1]):
        rows[-1]["is_total"] = True
    levels = Counter(r["geo_level"] for r in rows if not r["is_total"] and not _missing(r["geo_level"]))
    # the commonest level (the first of them in sorted order, as pandas' mode gives it)
    level = min(k for k, n in levels.items() if n == max(levels.values())) if levels.total() >= 2 else None
    for r in rows:
        # a region among kommuner is not one of their parts (a place the geography does not
        # know, "Silkeborg", is)
        r["part"] = not r["is_total"] and (level is None or _missing(r["geo_level"]) or r["geo_level"] == level)
    return rows


def _geography_table(rows: list[dict]) -> bool:
    """A table whose parts are all kommuner or all regioner: its totals' parts are certain."""
    parts = [r for r in rows if r["part"]]
    return len(parts) >= 2 and not any(_missing(r["geo_level"]) for r in parts) and not any(r["group"] for r in rows)


def _interpretations(rows: list[dict], at: int) -> dict[str, list[int]]:
    """What the total in row ``at`` (a row index) can be the sum of, in the order they are
    tried: lists of row indexes."""
    order = [r["row_index"] for r in rows]
    row = dict(zip(order, rows, strict=True))
    above = order[: order.index(at)]
    totals_above = [i for i in above if row[i]["is_total"]]
    since = [i for i in above if not totals_above or i > totals_above[-1]]
    leaves = [i for i in since if row[i]["part"] and not row[i]["group"]]
    groups = [i for i in since if row[i]["group"]]
    out = {"the rows since the previous total": leaves}
    if groups:
        out["the group rows since the previous total"] = groups
    if totals_above:
        out["the previous total and the rows since it"] = [totals_above[-1], *(groups or leaves)]
        out["every row above"] = [i for i in above if row[i]["part"] and not row[i]["group"]]
    if any(not _missing(r["item"]) for r in rows):
        out["every numbered row above"] = [i for i in above if not _missing(row[i]["item"])]
    if len(totals_above) >= 2:
        out["the totals above"] = totals_above
    return {name: parts for name, parts in out.items() if len(parts) >= 2}


class _Column:
    """One column of a table's values by row index (plain arrays: the sums are tried often)."""

    def __init__(self, cells: list[dict]):
        self.cells = cells  # one per row, in the table's order
        self.at = {c["row_index"]: i for i, c in enumerate(cells)}
        self.values = np.array([c["value"] for c in cells], dtype=float)
        self.decimals = [c["decimals"] for c in cells]
        self.units = [c["unit"] for c in cells]
        self.lines = [c["line"] for c in cells]

    def sum(self, rows: list[int]) -> float:
        return float(self.values[[self.at[r] for r in rows]].sum())

    def value(self, r: int) -> float:
        return float(self.values[self.at[r]])

    def decimals_of(self, rows: list[int]) -> list:
        return [self.decimals[self.at[r]] for r in rows]


def _without_subtotals(parts: list[int], cell: _Column) -> list[int]:
    """The parts without unlabelled subtotals: a row equal to the sum of the two or more parts
    above it ("Råderum (netto) 236,2" under 277,2 and -41) is their sum, not one more part."""
    kept: list[int] = []
    for r in parts:
        if len(kept) >= 2:
            s = cell.sum(kept)
            tol = sum(_tolerance(d) for d in cell.decimals_of([*kept, r]))
            if abs(s - cell.value(r)) <= tol:
                kept = [r]  # the subtotal stands for the rows it sums
                continue
        kept.append(r)
    return kept


def _off_by_factor(printed: float, recomputed: float, tolerance: float) -> bool:
    return any(
        abs(printed * f - recomputed) <= tolerance * f or abs(printed - recomputed * f) <= tolerance
        for f in MISREAD_FACTORS
    )


def _verdict(f: dict, certain: bool) -> str:
    """agrees; slip (off by at most SLIP_SHARE); misread (off by a power of ten, or by more
    than a slip in a table of kommuner or regioner, whose parts are certain); unexplained (off
    by more than a slip where no reading of the table's layout fits: its parts are not certain)."""
    if f["excess"] <= 0:
        return "agrees"
    if _off_by_factor(f["printed_total"], f["sum_of_parts"], f["tolerance"]):
        return "misread"
    if abs(f["difference"]) <= SLIP_SHARE * abs(f["printed_total"]):
        return "slip"
    return "misread" if certain else "unexplained"


def _best_reading(cell: _Column, tot: dict, readings: dict[str, list]) -> tuple | None:
    """The first interpretation of a printed total whose parts (those of them printed in this
    column, in the total's unit) add up to it within the rounding of the printed numbers; else
    the closest. (excess over the tolerance, name, parts, sum, tolerance), or None when no
    interpretation has two parts."""
    tried = []
    for name, parts in readings.items():
        parts = [r for r in parts if r in cell.at and cell.units[cell.at[r]] == tot["unit"]]
        tried.append((name, parts))
        if name == "the rows since the previous total":
            tried.append(
                ("the rows since the previous total, unlabelled subtotals left out", _without_subtotals(parts, cell))
            )
    best = None
    total = float(tot["value"])
    for name, parts in tried:
        if len(parts) < 2:
            continue
        s = cell.sum(parts)
        # a whole number in a column that prints decimals ("2" among "3,4" and "7,5") is
        # exact to the column's decimals, not rounded to a whole
        decimals = [int(d or 0) for d in [tot["decimals"], *cell.decimals_of(parts)]]
        places = max(decimals)
        tol = sum(_tolerance(d or places) for d in decimals)
        candidate = (abs(s - total) - tol, name, parts, s, tol)
        if candidate[0] <= 0:
            return candidate
        if best is None or abs(s - total) < abs(best[3] - total):
            best = candidate
    return best


#: the columns of a cell that the totals read
_TOTAL_CELL_COLUMNS = [
    "table_id",
    "row_index",
    "col_index",
    "file",
    "table_number",
    "caption",
    "section",
    "row_label",
    "column_label",
    "year",
    "line",
    "raw",
    "value",
    "decimals",
    "unit",
    "is_total",
    "geo_level",
]


def totals_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """Every printed total of every table (rows labelled Total, I alt, Sum, Hovedtotal,
    Samlet ..., and Danmark under the regions), column by column, beside the sum of its parts.

    A total's parts are not printed; they are read from the table's layout. The interpretations
    tried, in order: the rows since the previous total (at the table's geography level; group
    rows left out), the group rows since the previous total, the previous total and the rows
    since it, every row above, the totals above. The first that agrees within the rounding of
    the printed numbers is the total's reading; where none does, the closest is reported.

    ``verdict`` (see ``_verdict``): ``agrees``, ``slip`` (the document's own arithmetic: off by
    at most SLIP_SHARE of the total), ``misread`` (off by a power of ten, or by more than a slip
    in a table of kommuner or regioner: a lost row or column, a misread figure), ``unexplained``
    (off by more than a slip in a table whose layout no interpretation reads). A slip and an
    unexplained total are published as findings and warn; a misread blocks the load.
    """
    df = cells_frame(cells) if "measure" not in cells else cells
    out = []
    values = df[df["has_value"] & df["period_from"].isna() & ~df["unit"].isin(["%", "procentpoint"])]
    table_rows = _rows_of_tables(values)
    tables: dict[str, list[dict]] = {}  # the cells of each table, tables in order of appearance
    for c in _records(values, _TOTAL_CELL_COLUMNS):
        tables.setdefault(c["table_id"], []).append(c)
    for table_id, t in tables.items():
        if not any(c["is_total"] or c["geo_level"] == "land" for c in t):
            continue
        if not _additive_table(t):
            continue
        rows = _row_facts(table_rows[table_id])
        totals_at = [r["row_index"] for r in rows if r["is_total"]]
        readings = {at: _interpretations(rows, at) for at in totals_at}  # the same in every column
        by_column: dict[int, list[dict]] = {}
        for c in t:
            by_column.setdefault(c["col_index"], []).append(c)
        found = []
        for col in sorted(by_column):
            cell = _Column(by_column[col])
            for at in totals_at:
                if at not in cell.at:
                    continue
                tot = cell.cells[cell.at[at]]
                best = _best_reading(cell, tot, readings[at])
                if best is None:
                    continue
                excess, name, parts, s, tol = best
                lines = [cell.lines[cell.at[r]] for r in parts]
                found.append(
                    {
                        "file": tot["file"],
                        "table_number": tot["table_number"],
                        "table_id": table_id,
                        "caption": tot["caption"],
                        "section": tot["section"],
                        "total_row": tot["row_label"],
                        "column_label": tot["column_label"],
                        "year": tot["year"],
                        "line": tot["line"],
                        "raw": tot["raw"],
                        "printed_total": float(tot["value"]),
                        "sum_of_parts": round(s, 6),
                        "parts": len(parts),
                        "parts_from_line": int(min(lines)),
                        "parts_to_line": int(max(lines)),
                        "interpretation": name,
                        "difference": round(s - float(tot["value"]), 6),
                        "tolerance": round(tol, 6),
                        "excess": round(excess, 6),
                    }
                )
        certain = _geography_table(rows)
        for f in found:
            f["verdict"] = _verdict(f, certain)
        out.extend(found)
    return pd.DataFrame(out, columns=TOTALS_COLUMNS)


def udvikling_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per printed Udvikling cell whose start and end years are in the same row."""
    df = cells_frame(cells) if "measure" not in cells else cells
    cols = [
        "file",
        "table_number",
        "table_id",
        "caption",
        "row_label",
        "column_label",
        "line",
        "raw",
        "unit",
        "printed",
        "recomputed",
        "difference",
        "tolerance",
        "excess",
    ]
    rows = []
    periods = df[df["period_from"].notna() & df["has_value"]]
    if periods.empty:
        return pd.DataFrame(rows, columns=cols)
    # (table, row, year) -> the first cell of that year in the row
    by_year: dict[tuple, dict] = {}
    year_cells = df.loc[
        df["column_year"].notna() & df["has_value"], ["table_id", "row_index", "column_year", "value", "decimals"]
    ]
    for c in _records(year_cells):
        by_year.setdefault((c["table_id"], c["row_index"], c["column_year"]), c)
    for p in _records(
        periods,
        [
            "file",
            "table_number",
            "table_id",
            "caption",
            "row_index",
            "row_label",
            "column_label",
            "line",
            "raw",
            "unit",
            "value",
            "decimals",
            "period_from",
            "period_to",
        ],
    ):
        a = by_year.get((p["table_id"], p["row_index"], p["period_from"]))
        b = by_year.get((p["table_id"], p["row_index"], p["period_to"]))
        if a is None or b is None:
            continue
        va, vb = float(a["value"]), float(b["value"])
        printed = float(p["value"])
        tol_printed = _tolerance(p["decimals"])
        if p["unit"] == "procentpoint":
            recomputed = vb - va
            tol = tol_printed + _tolerance(a["decimals"]) + _tolerance(b["decimals"])
        elif p["unit"] == "%" and va > 0:
            recomputed = (vb / va - 1) * 100
            ea, eb = _tolerance(a["decimals"]), _tolerance(b["decimals"])
            tol = tol_printed + 100 * ((vb + eb) / max(va - ea, 1e-9) - vb / va)
        else:
            continue
        diff = printed - recomputed
        rows.append(
            {
                "file": p["file"],
                "table_number": p["table_number"],
                "table_id": p["table_id"],
                "caption": p["caption"],
                "row_label": p["row_label"],
                "column_label": p["column_label"],
                "line": p["line"],
                "raw": p["raw"],
                "unit": p["unit"],
                "printed": printed,
                "recomputed": round(recomputed, 4),
                "difference": round(diff, 4),
                "tolerance": round(tol, 4),
                "excess": round(abs(diff) - tol, 4),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def read_suite(expectations_dir: Path, name: str) -> dict:
    """A GX suite of expectations/ as JSON; its "meta" says the frame it validates, whether
    it blocks and what it checks."""
    return _read_json(Path(expectations_dir) / f"{name}.json")


def _read_json(path: Path) -> dict:
    """A JSON file of expectations/; a broken one is an error that names the file and line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc


def load_known_gaps(path: Path) -> list[dict]:
    """expectations/known_gaps.json: geography legitimately absent from some tables."""
    if not Path(path).exists():
        return []
    return _read_json(Path(path))["gaps"]


def completeness_frame(cells: pd.DataFrame, known_gaps: list[dict] | None = None) -> pd.DataFrame:
    """Every (kommune or region, year) a geography-by-year table promises: its header's year
    columns times every kommune (or region) of the level its rows are at."""
    df = cells_frame(cells) if "measure" not in cells else cells
    cols = [
        "file",
        "table_number",
        "table_id",
        "caption",
        "geo_level",
        "geo_code",
        "geo_name",
        "year",
        "present",
        "allowed_absent",
        "reason",
    ]
    rows = []
    gaps = known_gaps or []
    members = {"kommune": KOMMUNE_CODES, "region": REGION_CODES}
    # only tables with rows of kommuner or regioner can promise any; their cells as plain rows
    listing = df.loc[~df["is_total"] & df["geo_level"].isin(list(members)), "table_id"].unique()
    by_table: dict[str, list[dict]] = {}
    for r in _records(
        df.loc[df["table_id"].isin(listing)],
        ["table_id", "file", "table_number", "caption", "column_year", "is_total", "geo_level", "geo_code", "read_as"],
    ):
        by_table.setdefault(r["table_id"], []).append(r)
    for table_id in sorted(by_table):
        t = by_table[table_id]
        years = sorted({int(r["column_year"]) for r in t if pd.notna(r["column_year"])})
        geo_rows = [r for r in t if not r["is_total"] and r["geo_level"] in members]
        if len(years) < 2 or not geo_rows:
            continue
        counts = Counter(r["geo_level"] for r in geo_rows)
        level = min(lv for lv, n in counts.items() if n == max(counts.values()))  # the mode (ties: first by name)
        codes = members[level]
        if (
            len({r["geo_code"] for r in geo_rows if r["geo_level"] == level and pd.notna(r["geo_code"])})
            < len(codes) // 2
        ):
            continue  # a table about a few places, not one that lists them all
        first = t[0]
        speciale = speciale_of(first["caption"])
        present = {
            (r["geo_code"], int(r["column_year"])) for r in t if pd.notna(r["column_year"]) and r["read_as"] != "empty"
        }
        for code in codes:
            gap = next(
                (g for g in gaps if g["geo_code"] == code and (not g.get("specialer") or speciale in g["specialer"])),
                None,
            )
            for year in years:
                rows.append(
                    {
                        "file": first["file"],
                        "table_number": first["table_number"],
                        "table_id": table_id,
                        "caption": first["caption"],
                        "geo_level": level,
                        "geo_code": code,
                        "geo_name": geomod.BY_CODE[code].name,
                        "year": year,
                        "present": (code, year) in present,
                        "allowed_absent": gap is not None,
                        "reason": gap["reason"] if gap else None,
                    }
                )
    return pd.DataFrame(rows, columns=cols)
