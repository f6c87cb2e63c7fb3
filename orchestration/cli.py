"""The ``warehouse`` command.

    warehouse extract PATH... [--format table|csv] [--output FILE]
    warehouse refresh [--sources DIR] [--warehouse DIR]
    warehouse sql ["QUERY"] [--format table|csv|json] [--warehouse DIR]

``refresh`` is the full refresh: the Dagster job ``refresh_document`` for every document in
the sources folder (extract, stage in DuckDB, validate with Great Expectations, publish).
Exit status 1 when a document failed or was blocked by a check.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import settings
from .extract import extract_document
from .extract.report import render_report, write_csv

default_sources = settings.sources_dir
default_warehouse = settings.warehouse_dir


def source_files(paths: list[Path]) -> list[Path]:
    """Expand folders to their documents; files are taken as given (bad ones report errors)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(settings.source_files(p))
        else:
            out.append(p)
    return out


def cmd_extract(args: argparse.Namespace) -> int:
    files = source_files([Path(p) for p in (args.paths or [default_sources()])])
    if not files:
        print("no documents found", file=sys.stderr)
        return 2
    results = [extract_document(f) for f in files]
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "csv":
            write_csv(results, out)
        else:
            out.write(render_report(results))
    finally:
        if args.output:
            out.close()
    for r in results:
        if r.error is not None:
            print(f"error: {r.error}", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


def cmd_refresh(args: argparse.Namespace) -> int:
    sources = Path(args.sources) if args.sources else default_sources()
    target = Path(args.warehouse) if args.warehouse else default_warehouse()
    if not settings.source_files(sources):
        print(f"no documents in {sources}", file=sys.stderr)
        return 2
    from .refresh import RefreshBusy, run_refresh  # Dagster is imported only for a refresh

    start = time.perf_counter()
    try:
        runs = run_refresh(sources, target)
    except RefreshBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    db = settings.database_path(target)
    counts = {o: sum(1 for r in runs if r.outcome == o)
              for o in ("published", "unchanged", "blocked", "failed", "built")}
    print(f"refresh done in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{n} {o}" if o != "built" else "marts built" for o, n in counts.items() if n)
          + f"; warehouse: {db}")
    return 1 if counts["blocked"] or counts["failed"] else 0


def cmd_sql(args: argparse.Namespace) -> int:
    from .publish import published_path
    from .sql import SqlError, connect_published, interactive, render, run_query

    target = Path(args.warehouse) if args.warehouse else default_warehouse()
    try:
        con = connect_published(published_path(target))
    except SqlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if not args.query:
            return interactive(con, args.format)
        try:
            render(*run_query(con, args.query), args.format)
        except SqlError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="warehouse", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract tables from documents")
    ex.add_argument("paths", nargs="*", help="documents or folders (default: the sources folder)")
    ex.add_argument("--format", choices=["table", "csv"], default="table")
    ex.add_argument("--output", "-o", help="write here instead of standard output")
    ex.set_defaults(func=cmd_extract)
    rf = sub.add_parser("refresh", help="full refresh of the warehouse from the sources folder")
    rf.add_argument("--sources", help="sources folder (default: $WAREHOUSE_SOURCES or sources/)")
    rf.add_argument("--warehouse", help="warehouse folder (default: $WAREHOUSE_DIR or warehouse/)")
    rf.set_defaults(func=cmd_refresh)
    sq = sub.add_parser("sql", help="read-only SQL on the published warehouse (interactive without a query)")
    sq.add_argument("query", nargs="?", help="one SQL statement; without it, read statements from stdin")
    sq.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sq.add_argument("--warehouse", help="warehouse folder (default: $WAREHOUSE_DIR or warehouse/)")
    sq.set_defaults(func=cmd_sql)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
