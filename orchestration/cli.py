"""The ``warehouse`` command (``warehouse --help`` and ``warehouse COMMAND --help`` explain each).

    warehouse extract PATH... [--format table|csv] [--output FILE]
    warehouse refresh [--sources DIR] [--warehouse DIR] [-v]
    warehouse status [--sources DIR] [--warehouse DIR]
    warehouse sql ["QUERY"] [--format table|csv|json] [--warehouse DIR]

``refresh`` is the full refresh: one run of the Dagster job ``refresh_documents`` for the
changed documents of the sources folder (extract, stage in DuckDB, validate with Great
Expectations, publish), then the marts.
Exit status 1 when a document failed or was blocked by a check.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
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
    from .console import LogCapture, new_log_path
    from .refresh import RefreshBusy, disk_full, run_refresh  # Dagster is imported only for a refresh

    start = time.perf_counter()
    log_path = new_log_path(target / "logs", "refresh")
    print(
        f"refresh: {len(settings.source_files(sources))} documents in {sources}; full log: {log_path}"
        + (" (shown below)" if args.verbose else ""),
        flush=True,
    )
    for name, reason in settings.skipped_source_files(sources):
        print(f"skipped: {name}: {reason}", flush=True)
    try:
        with LogCapture(log_path, verbose=args.verbose) as console:
            runs = run_refresh(
                sources, target, log=console.say, progress=console.progress, accept_shrink=set(args.accept_shrink)
            )
    except RefreshBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        if not disk_full(exc, target):
            raise
        free = shutil.disk_usage(target).free / 1e6
        print(
            f"error: the disk holding {target} is full ({free:.1f} MB free): the refresh stopped and the "
            f"published copy is as it was; free some space and run the refresh again (log: {log_path})",
            file=sys.stderr,
        )
        return 4
    db = settings.database_path(target)
    counts = {
        o: sum(1 for r in runs if r.outcome == o)
        for o in ("published", "unchanged", "blocked", "failed", "duplicate", "built")
    }
    print(
        f"refresh done in {time.perf_counter() - start:.1f} s: "
        + ", ".join(f"{n} {o}" if o != "built" else "marts built" for o, n in counts.items() if n)
        + f"; warehouse: {db}"
    )
    bad = [r for r in runs if r.outcome in ("blocked", "failed")]
    if bad:
        print(
            f"quarantined: {', '.join(r.file for r in bad)}: readers keep the last published load of each "
            f"(see `warehouse status`, and {log_path})",
            file=sys.stderr,
        )
    return 1 if bad or counts["duplicate"] else 0


def cmd_status(args: argparse.Namespace) -> int:
    from .status import document_status, publish_status, render_status

    target = Path(args.warehouse) if args.warehouse else default_warehouse()
    sources = Path(args.sources) if args.sources else default_sources()
    docs, read_from = document_status(target, sources)
    sys.stdout.write(render_status(docs, read_from, publish_status(target)))
    return 1 if any(d.quarantined for d in docs) else 0


def cmd_sql(args: argparse.Namespace) -> int:
    from .publish import published_path
    from .sql import Interrupted, SqlError, connect_published, interactive, render, run_query

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
        except Interrupted as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 130
        except SqlError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    finally:
        con.close()


EXAMPLES = {
    "extract": """\
examples:
  warehouse extract sources/003_8f7892940b0a4590.txt     tables, problems and number accounting
  warehouse extract sources --format csv -o cells.csv    every cell of every document, with lineage""",
    "refresh": """\
Compares every file with its published load (SHA-256) and runs the Dagster job
refresh_documents once for the new and changed ones (extract in worker processes, stage in
DuckDB, validate with the GX suites, publish), then the job transform (dbt build, then the
read-only copy published.duckdb, its Parquet files and the HTML report). Prints one line per
changed document, one naming the unchanged ones and one for the marts; the full Dagster and dbt
logs go to warehouse/logs/ (-v shows them as well).
Exit status 1 when a document was blocked by a check or failed (it is quarantined: readers and
the marts keep its last published load, the other documents are published) or is a duplicate
of another file, 3 when another refresh is running,
4 when the disk is full. A load that lacks tables or rows of the published one is blocked;
--accept-shrink FILE publishes it anyway.

examples:
  warehouse refresh                                      sources/ into warehouse/
  warehouse refresh -v                                   the same, showing the full logs
  warehouse refresh --sources ~/next-year --warehouse /tmp/wh""",
    "status": """\
Shows each document: the SHA-256 of its file, its state (published, changed since load, not
loaded, quarantined, not in sources), when its load was published, its cells and problems, and
the latest load attempt with its outcome; then the published copy readers open.
Exit status 1 when a document is quarantined.

examples:
  warehouse status
  warehouse status --warehouse /tmp/wh""",
    "sql": """\
Opens warehouse/published.duckdb read-only: a statement that writes is refused.

examples:
  warehouse sql "select * from marts.mart_udgift_pr_patient where geo_code = '851' order by year"
  warehouse sql --format csv "select * from marts.mart_udvikling_19_23" > udvikling.csv
  warehouse sql                                          interactive; .tables lists the tables""",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="warehouse",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The warehouse of Region Nordjylland's documents: extract their tables, refresh\n"
        "the DuckDB warehouse (Dagster, Great Expectations, dbt), see what is loaded,\n"
        "and query the published copy that BI tools read.",
        epilog="examples:\n  warehouse refresh          full refresh of sources/ into warehouse/\n"
        "  warehouse status           which documents are loaded, when, with what outcome\n"
        '  warehouse sql "select * from marts.mart_udvikling_19_23 limit 5"\n'
        "  warehouse extract sources/003_8f7892940b0a4590.txt\n\n"
        "`warehouse COMMAND --help` says more about each command.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, func):
        p = sub.add_parser(
            name,
            help=summary,
            description=summary[:1].upper() + summary[1:] + ".",
            epilog=EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=func)
        return p

    ex = command("extract", "extract the tables of documents, without loading them", cmd_extract)
    ex.add_argument("paths", nargs="*", help="documents or folders (default: the sources folder)")
    ex.add_argument(
        "--format",
        choices=["table", "csv"],
        default="table",
        help="table: a report per document; csv: one row per cell (default: table)",
    )
    ex.add_argument("--output", "-o", help="write here instead of standard output")
    rf = command("refresh", "full refresh of the warehouse from the sources folder", cmd_refresh)
    rf.add_argument("--sources", help="sources folder (default: $WAREHOUSE_SOURCES or sources/)")
    rf.add_argument("--warehouse", help="warehouse folder (default: $WAREHOUSE_DIR or warehouse/)")
    rf.add_argument("-v", "--verbose", action="store_true", help="show the full Dagster and dbt logs too")
    rf.add_argument(
        "--accept-shrink",
        metavar="FILE",
        action="append",
        default=[],
        help="publish FILE even though it lacks tables or rows its published load has "
        "(recorded in raw.loads); without it such a load is blocked",
    )
    st = command("status", "which documents are loaded, when, and with what outcome", cmd_status)
    st.add_argument("--sources", help="sources folder (default: $WAREHOUSE_SOURCES or sources/)")
    st.add_argument("--warehouse", help="warehouse folder (default: $WAREHOUSE_DIR or warehouse/)")
    sq = command("sql", "read-only SQL on the published warehouse (interactive without a query)", cmd_sql)
    sq.add_argument("query", nargs="?", help="one SQL statement; without it, read statements from stdin")
    sq.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sq.add_argument("--warehouse", help="warehouse folder (default: $WAREHOUSE_DIR or warehouse/)")
    args = parser.parse_args(argv)
    return args.func(args)


def entry() -> None:
    """The ``warehouse`` command. Once a command has returned, its output is flushed and the
    process ends without tearing the interpreter down: unloading Dagster, GX, dbt and pandas
    module by module took 1.1 s of every refresh (measured), and by then nothing is left to
    write (the refresh has closed its log, its worker processes and its DuckDB connections).
    A command that raises ends the ordinary way, with its traceback."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    entry()
