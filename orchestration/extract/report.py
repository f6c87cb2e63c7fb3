"""Outputs of extraction: one CSV row per cell, and a per-document report of every table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from .model import Cell, DocumentResult
from .numbers import format_decimal

CSV_COLUMNS = [
    "file",
    "table",
    "table_id",
    "caption",
    "section",
    "row_label",
    "row_number",
    "geo_code",
    "geo_name",
    "geo_level",
    "is_total",
    "perspective",
    "column_label",
    "column_kind",
    "year",
    "period_from",
    "period_to",
    "value",
    "value_low",
    "value_high",
    "unit",
    "raw",
    "line",
    "read_as",
    "annotation",
    "placed_by",
]


def cell_row(c: Cell) -> dict[str, str]:
    def opt(v: object) -> str:
        return "" if v is None else str(v)

    return {
        "file": c.file,
        "table": opt(c.table),
        "table_id": c.table_id,
        "caption": c.caption,
        "section": opt(c.section),
        "row_label": c.row_label,
        "row_number": opt(c.row_number),
        "geo_code": opt(c.geo_code),
        "geo_name": opt(c.geo_name),
        "geo_level": opt(c.geo_level),
        "is_total": "true" if c.is_total else "false",
        "perspective": opt(c.perspective),
        "column_label": c.column_label,
        "column_kind": opt(c.column_kind),
        "year": opt(c.year),
        "period_from": opt(c.period_from),
        "period_to": opt(c.period_to),
        "value": format_decimal(c.value),
        "value_low": format_decimal(c.value_low),
        "value_high": format_decimal(c.value_high),
        "unit": c.unit,
        "raw": c.raw,
        "line": str(c.line),
        "read_as": c.read_as,
        "annotation": opt(c.annotation),
        "placed_by": c.placed_by,
    }


def write_csv(results: Iterable[DocumentResult], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for r in results:
        for c in r.cells:
            writer.writerow(cell_row(c))
            n += 1
    return n


def caption_status_rows(results: Iterable[DocumentResult]) -> list[dict[str, str]]:
    """Every caption and block found, with its status: the extraction report's body."""
    rows = []
    for r in results:
        for t in r.tables:
            rows.append(
                {
                    "file": r.file,
                    "table": t.table or "",
                    "line": str(t.caption_line),
                    "kind": t.kind,
                    "status": t.status,
                    "cells": str(len(t.cells)),
                    "ended_by": t.ended_by,
                    "caption": t.caption,
                }
            )
    return rows


def render_report(results: list[DocumentResult]) -> str:
    out = io.StringIO()
    total_cells = 0
    for r in results:
        out.write(f"== {r.file}")
        if r.error is not None:
            out.write(f"\n   ERROR {r.error}\n\n")
            continue
        cells = len(r.cells)
        total_cells += cells
        by_status: dict[str, int] = {}
        for t in r.tables:
            by_status[t.status] = by_status.get(t.status, 0) + 1
        counts = ", ".join(f"{v} {k}" for k, v in sorted(by_status.items()))
        out.write(f"  ({r.size_bytes:,} bytes, {r.encoding})\n   {len(r.tables)} tables ({counts}), {cells} cells\n")
        if r.accounting is not None:
            out.write(f"   {r.accounting.summary()}\n")
        if r.statements:
            verdicts = {
                v: sum(1 for s in r.statements if s.verdict == v) for v in ("agrees", "contradicts", "not_checkable")
            }
            out.write(
                f"   {len(r.statements)} statements about its tables: {verdicts['agrees']} agree, "
                f"{verdicts['contradicts']} contradict, {verdicts['not_checkable']} not checkable\n"
            )
            for s in r.statements:
                if s.verdict == "contradicts":
                    out.write(f"   ≠ L{s.line} [Tabel {s.table}] {s.clause[:80]}: {s.reason}\n")
        for t in r.tables:
            name = f"Tabel {t.table}" if t.table else "block"
            out.write(f"   L{t.caption_line:<6} {name:<10} {t.status:<14} {len(t.cells):>5} cells  {t.caption[:70]}\n")
        by_kind: dict[str, int] = {}
        for p in r.problems:
            by_kind[p.kind.value] = by_kind.get(p.kind.value, 0) + 1
        if by_kind:
            out.write("   problems: " + ", ".join(f"{v} {k}" for k, v in sorted(by_kind.items())) + "\n")
        for p in r.problems:
            out.write(f"   ! {p.kind.value}: {p}\n")
        out.write("\n")
    ok = sum(1 for r in results if r.error is None)
    out.write(f"{ok} of {len(results)} documents extracted, {total_cells} cells\n")
    return out.getvalue()
