"""The ``warehouse`` command.

    warehouse extract PATH... [--format table|csv] [--output FILE]
    warehouse refresh [--sources DIR] [--warehouse DIR]

``refresh`` is the full refresh. Until the load issue lands it extracts every document
in the sources folder and writes the cells and the extraction report under the
warehouse folder; the command stays the same when loading and transforms are added.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .extract import extract_document
from .extract.report import render_report, write_csv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_SUFFIXES = {".txt"}


def default_sources() -> Path:
    return Path(os.environ.get("WAREHOUSE_SOURCES", PROJECT_ROOT / "sources"))


def default_warehouse() -> Path:
    return Path(os.environ.get("WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"))


def source_files(paths: list[Path]) -> list[Path]:
    """Expand folders to their documents; files are taken as given (bad ones report errors)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix in SOURCE_SUFFIXES))
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
    files = source_files([sources])
    if not files:
        print(f"no documents in {sources}", file=sys.stderr)
        return 2
    out_dir = target / "extract"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for i, f in enumerate(files, 1):
        start = time.perf_counter()
        r = extract_document(f)
        results.append(r)
        status = f"ERROR {r.error}" if r.error else f"{len(r.tables)} tables, {len(r.cells)} cells"
        print(f"[{i}/{len(files)}] {f.name}: {status} ({time.perf_counter() - start:.2f} s)")
    tmp = out_dir / "cells.csv.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        n = write_csv([r for r in results if r.error is None], fh)
    tmp.replace(out_dir / "cells.csv")
    (out_dir / "report.txt").write_text(render_report(results), encoding="utf-8")
    print(f"wrote {n} cells to {out_dir / 'cells.csv'} and the report to {out_dir / 'report.txt'}")
    return 1 if any(r.error for r in results) else 0


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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
