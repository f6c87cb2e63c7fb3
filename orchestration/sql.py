"""``warehouse sql``: read-only SQL on the published warehouse, for analysts.

    warehouse sql "select ..." [--format table|csv|json]
    warehouse sql                # interactive: statements end with ';', \\q or an empty EOF quits

The published file is opened read-only, so a refresh is never blocked by an analyst and a
statement that writes fails with a clear error.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from pathlib import Path

import duckdb


class SqlError(Exception):
    pass


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise SqlError(f"no published warehouse at {path}: run `./dev refresh` first")
    return duckdb.connect(str(path), read_only=True)


def _plain(v):
    if isinstance(v, decimal.Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def run_query(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple]]:
    try:
        rel = con.execute(query)
        if rel.description is None:
            return [], []
        return [d[0] for d in rel.description], rel.fetchall()
    except duckdb.InvalidInputException as exc:
        if "read-only" in str(exc) or "read only" in str(exc):
            raise SqlError("the published warehouse is read-only: statements that write are refused "
                           f"({str(exc).splitlines()[0]})") from exc
        raise SqlError(str(exc).splitlines()[0]) from exc
    except duckdb.Error as exc:
        raise SqlError(str(exc).splitlines()[0]) from exc


def render(columns: list[str], rows: list[tuple], fmt: str, out=sys.stdout) -> None:
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[_plain(v) for v in r] for r in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, map(_plain, r))) for r in rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        text = [[("" if v is None else str(_plain(v))) for v in r] for r in rows]
        widths = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(columns)]
        line = lambda cells: " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out.write(line(columns) + "\n" + "-+-".join("-" * w for w in widths) + "\n")
        for r in text:
            out.write(line(r) + "\n")
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def interactive(con: duckdb.DuckDBPyConnection, fmt: str, stdin=sys.stdin, out=sys.stdout) -> int:
    """Read statements ending with ';' from stdin; errors are shown and the session goes on."""
    tty = stdin.isatty()
    buf: list[str] = []
    errors = 0
    while True:
        if tty:
            out.write("warehouse> " if not buf else "      ...> ")
            out.flush()
        line = stdin.readline()
        if not line or line.strip() in ("\\q", "quit", "exit"):
            break
        buf.append(line)
        if line.rstrip().endswith(";"):
            query = "".join(buf)
            buf = []
            try:
                render(*run_query(con, query), fmt, out)
            except SqlError as exc:
                errors += 1
                print(f"error: {exc}", file=sys.stderr)
    return 1 if errors else 0
