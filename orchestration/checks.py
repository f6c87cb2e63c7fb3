"""Check frames: what Great Expectations validates after every load (no GX or Dagster here).

The GX suites in ``expectations/`` run on these pandas frames:

* ``cells_frame``: the loaded cells, plus the columns the structure and domain suites need
  (``has_value``, the header's year range, the measure a caption names, ``is_count``);
* ``totals_frame``: for additive measures (kr., mio. kr., ydelser), each printed Total beside
  the sum of its parts, with the tolerance the printed rounding allows;
* ``udvikling_frame``: each printed "Udvikling" beside the change recomputed from the years
  it spans (percentage points for shares);
* ``completeness_frame``: every kommune (or region) and year that a table's header promises,
  and whether the table has it, with the known, legitimate gaps marked.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .extract import geo as geomod

KOMMUNE_CODES = [g.code for g in geomod.KOMMUNER]
REGION_CODES = [g.code for g in geomod.REGIONER]
GEO_CODES = sorted(geomod.BY_CODE)
ADDITIVE_MEASURES = {"udgifter", "ydelser"}
COUNT_MEASURES = {"ydelser", "patienter"}

_PER_PATIENT_RE = re.compile(r"pr\.?\s+(?:år\s+)?pr\.?\s+patient|pr\.?\s+patient")
_SPECIALE_RE = re.compile(r"speciale\s+(\d{2})")


def measure_of(caption: str | None) -> str | None:
    """What a table measures, from its caption: "Udgifter pr. patient pr. år ..." ->
    udgift_pr_patient. None when the caption names none of the known measures."""
    c = (caption or "").casefold()
    if "pr. 1000" in c or "pr. 1.000" in c:
        return "pr_1000_indbyggere"
    if _PER_PATIENT_RE.search(c):
        if "udgift" in c:
            return "udgift_pr_patient"
        return "ydelser_pr_patient" if "ydelse" in c else "pr_patient"
    if "udgift" in c:
        return "udgifter"
    if "ydelse" in c:
        return "ydelser"
    if "patient" in c:
        return "patienter"
    return None


def speciale_of(caption: str | None) -> str | None:
    m = _SPECIALE_RE.search((caption or "").casefold())
    return m.group(1) if m else None


def _dec(v) -> float | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return float(v)


def cells_frame(cells: pd.DataFrame) -> pd.DataFrame:
    df = cells.copy()
    df["value"] = df["value"].map(_dec)
    df["has_value"] = df["value"].notna()
    df["raw"] = df["raw"].where(df["raw"].fillna("") != "", None)
    years = df[df["year"].notna() & df["period_from"].isna()].groupby("table_id")["year"]
    df["header_year_from"] = df["table_id"].map(years.min())
    df["header_year_to"] = df["table_id"].map(years.max())
    df["column_year"] = df["year"].where(df["period_from"].isna())
    df["measure"] = df["caption"].map(measure_of)
    df["is_count"] = df["measure"].isin(COUNT_MEASURES) & df["unit"].eq("antal") & df["period_from"].isna()
    return df


def _tolerance(decimals) -> float:
    return 0.5 * 10.0 ** (-int(decimals or 0))


def totals_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per printed Total and year column of an additive table."""
    df = cells_frame(cells) if "measure" not in cells else cells
    rows = []
    cols = ["file", "table_number", "table_id", "caption", "section", "total_row", "column_label",
            "year", "line", "raw", "printed_total", "sum_of_parts", "parts", "difference",
            "tolerance", "excess"]
    data = df[df["measure"].isin(ADDITIVE_MEASURES) & df["unit"].isin(["kr.", "mio. kr.", "antal"])
              & df["column_year"].notna()]
    for (table_id, section), t in data.groupby(["table_id", data["section"].fillna("")]):
        totals = t[t["is_total"]]
        parts = t[~t["is_total"] & t["geo_level"].notna()]
        if totals.empty or parts.empty:
            continue
        level = parts["geo_level"].mode().iloc[0]
        parts = parts[parts["geo_level"] == level]
        if parts["row_index"].nunique() < 2:
            continue
        for _, tot in totals.iterrows():
            if not tot["has_value"]:
                continue
            col = parts[(parts["col_index"] == tot["col_index"]) & parts["has_value"]]
            total = float(tot["value"])
            s = float(col["value"].sum())
            tol = _tolerance(tot["decimals"]) + sum(_tolerance(d) for d in col["decimals"])
            diff = s - total
            rows.append({
                "file": tot["file"], "table_number": tot["table_number"], "table_id": table_id,
                "caption": tot["caption"], "section": section or None, "total_row": tot["row_label"],
                "column_label": tot["column_label"], "year": tot["year"], "line": tot["line"],
                "raw": tot["raw"], "printed_total": total, "sum_of_parts": round(s, 6),
                "parts": len(col), "difference": round(diff, 6), "tolerance": round(tol, 6),
                "excess": round(abs(diff) - tol, 6),
            })
    return pd.DataFrame(rows, columns=cols)


def udvikling_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per printed Udvikling cell whose start and end years are in the same row."""
    df = cells_frame(cells) if "measure" not in cells else cells
    cols = ["file", "table_number", "table_id", "caption", "row_label", "column_label", "line",
            "raw", "unit", "printed", "recomputed", "difference", "tolerance", "excess"]
    rows = []
    periods = df[df["period_from"].notna() & df["has_value"]]
    if periods.empty:
        return pd.DataFrame(rows, columns=cols)
    by_row = {k: g for k, g in df[df["column_year"].notna() & df["has_value"]].groupby(["table_id", "row_index"])}
    for _, p in periods.iterrows():
        g = by_row.get((p["table_id"], p["row_index"]))
        if g is None:
            continue
        start = g[g["column_year"] == p["period_from"]]
        end = g[g["column_year"] == p["period_to"]]
        if start.empty or end.empty:
            continue
        a, b = start.iloc[0], end.iloc[0]
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
        rows.append({
            "file": p["file"], "table_number": p["table_number"], "table_id": p["table_id"],
            "caption": p["caption"], "row_label": p["row_label"], "column_label": p["column_label"],
            "line": p["line"], "raw": p["raw"], "unit": p["unit"], "printed": printed,
            "recomputed": round(recomputed, 4), "difference": round(diff, 4),
            "tolerance": round(tol, 4), "excess": round(abs(diff) - tol, 4),
        })
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
    cols = ["file", "table_number", "table_id", "caption", "geo_level", "geo_code", "geo_name",
            "year", "present", "allowed_absent", "reason"]
    rows = []
    gaps = known_gaps or []
    members = {"kommune": KOMMUNE_CODES, "region": REGION_CODES}
    for table_id, t in df.groupby("table_id"):
        years = sorted(int(y) for y in t["column_year"].dropna().unique())
        geo_rows = t[~t["is_total"] & t["geo_level"].isin(list(members))]
        if len(years) < 2 or geo_rows.empty:
            continue
        level = geo_rows["geo_level"].mode().iloc[0]
        codes = members[level]
        if geo_rows[geo_rows["geo_level"] == level]["geo_code"].nunique() < len(codes) // 2:
            continue  # a table about a few places, not one that lists them all
        first = t.iloc[0]
        speciale = speciale_of(first["caption"])
        have = t[t["column_year"].notna() & t["read_as"].ne("empty")]
        present = set(zip(have["geo_code"], have["column_year"].astype(int)))
        for code in codes:
            gap = next((g for g in gaps if g["geo_code"] == code
                        and (not g.get("specialer") or speciale in g["specialer"])), None)
            for year in years:
                rows.append({
                    "file": first["file"], "table_number": first["table_number"],
                    "table_id": table_id, "caption": first["caption"], "geo_level": level,
                    "geo_code": code, "geo_name": geomod.BY_CODE[code].name, "year": year,
                    "present": (code, year) in present, "allowed_absent": gap is not None,
                    "reason": gap["reason"] if gap else None,
                })
    return pd.DataFrame(rows, columns=cols)
