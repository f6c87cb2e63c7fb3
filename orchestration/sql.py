"""``warehouse sql``: read-only SQL on the published warehouse, for analysts.

    warehouse sql "select ..." [--format table|csv|json]
    warehouse sql                # interactive: statements end with ';', \\q or an empty EOF quits

The published file is opened read-only, so a refresh is never blocked by an analyst and a
statement that writes fails with a clear error. Errors keep DuckDB's whole message (its
"Did you mean ...?" hints included). On a terminal the interactive shell has line editing,
a history kept between sessions and completion of table and column names (Python's
``readline``); ``.tables`` (or ``show tables``) lists every table and view with its
description, ``.help`` lists the commands.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import os
import signal
import sys
import threading
from pathlib import Path

import duckdb


class SqlError(Exception):
    pass


#: what an analyst's connection may do: read the published file, nothing else. No COPY TO,
#: no ATTACH, no reading or writing other files, no extensions, and no way to change that
#: from SQL (BI tools get the same with these two settings: see the README)
READ_ONLY_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class Interrupted(SqlError):
    """Ctrl-C while a statement ran: the statement is cancelled."""


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise SqlError(f"no published warehouse at {path}: run `./dev refresh` first")
    return duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG)


def _plain(v):
    if isinstance(v, decimal.Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


HELP = """\
Statements end with ';' and may span lines. Commands:
  .tables | show tables     every table and view, by schema, with its description
  describe marts.TABLE;     a table's columns and types
  .help                     this text
  \\q | quit | exit          leave (so does Ctrl-D)
The warehouse is read-only. Start with marts.mart_udgift_pr_patient or marts.mart_udvikling_19_23."""

TABLES_SQL = """
select i.table_schema as schema, i.table_name as name, lower(i.table_type) as type,
       coalesce(t.comment, v.comment, '') as description
from information_schema.tables i
left join duckdb_tables() t on t.schema_name = i.table_schema and t.table_name = i.table_name
left join duckdb_views() v on v.schema_name = i.table_schema and v.view_name = i.table_name
where i.table_schema not in ('information_schema', 'pg_catalog') and i.table_catalog = current_database()
order by case i.table_schema when 'marts' then 0 when 'staging' then 1 else 2 end, 1, 2
"""

#: what an analyst may type for the list of tables (DuckDB's own SHOW TABLES sees one schema)
_TABLES_COMMANDS = {".tables", "show tables", "show all tables", "\\dt"}


def _statement_text(query: str) -> str:
    return " ".join(query.strip().rstrip(";").split()).casefold()


def run_query(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple]]:
    if _statement_text(query) in _TABLES_COMMANDS:
        query = TABLES_SQL
    previous = signal.getsignal(signal.SIGINT) if _main_thread() else None
    if previous is not None:
        signal.signal(signal.SIGINT, _first_ctrl_c)
    try:
        rel = con.execute(query)
        if rel.description is None:
            return [], []
        return [d[0] for d in rel.description], rel.fetchall()
    except KeyboardInterrupt as exc:
        con.interrupt()
        raise Interrupted("interrupted (Ctrl-C): the statement was cancelled") from exc
    except RuntimeError as exc:  # how DuckDB reports a statement that Ctrl-C cancelled
        if "interrupted" not in str(exc).lower():
            raise
        raise Interrupted("interrupted (Ctrl-C): the statement was cancelled") from exc
    except duckdb.Error as exc:
        message = str(exc).strip()
        if "read-only" in message or "read only" in message:
            raise SqlError(
                f"the published warehouse is read-only: statements that write are refused ({message.splitlines()[0]})"
            ) from exc
        if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in message:
            raise SqlError(
                "the published warehouse reads its own tables only: no files, no ATTACH, "
                f"no settings ({message.splitlines()[0]})"
            ) from exc
        if isinstance(exc, duckdb.InterruptException):
            raise Interrupted("interrupted (Ctrl-C): the statement was cancelled") from exc
        raise SqlError(message) from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _first_ctrl_c(signum, frame):
    """Ctrl-C while a statement runs: DuckDB cancels it. DuckDB can take long to stop some
    statements (its tasks check for the interrupt between chunks, duckdb/duckdb#15925), so a
    second Ctrl-C ends the process at once."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    print("cancelling the statement (Ctrl-C again quits at once)", file=sys.stderr, flush=True)
    raise KeyboardInterrupt


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """Rows as an aligned text table with a header line."""
    text = [[("" if v is None else str(_plain(v))) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in text]) for i, c in enumerate(columns)]

    def line(cells):
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() + "\n"

    return line(columns) + "-+-".join("-" * w for w in widths) + "\n" + "".join(map(line, text))


def render(columns: list[str], rows: list[tuple], fmt: str, out=sys.stdout) -> None:
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[_plain(v) for v in r] for r in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, map(_plain, r))) for r in rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        out.write(format_table(columns, rows))
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def history_path() -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "regionsdata-warehouse" / "sql_history"


class _Completer:
    """Completes SQL keywords, schema.table names and column names (readline)."""

    KEYWORDS = [
        "select",
        "from",
        "where",
        "group by",
        "order by",
        "limit",
        "join",
        "left join",
        "on",
        "and",
        "or",
        "not",
        "as",
        "distinct",
        "count(*)",
        "sum(",
        "avg(",
        "having",
        "describe",
        "with",
        "union all",
        "case",
        "when",
        "then",
        "else",
        "end",
        "is null",
        "is not null",
    ]

    def __init__(self, con: duckdb.DuckDBPyConnection):
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        columns = con.execute("select distinct column_name from information_schema.columns").fetchall()
        self.words = sorted({*self.KEYWORDS, ".tables", ".help", *(n for (n,) in names), *(c for (c,) in columns)})
        self.matches: list[str] = []

    def __call__(self, text: str, state: int) -> str | None:
        if state == 0:
            self.matches = [w for w in self.words if w.startswith(text.lower() if text.islower() else text)]
        return self.matches[state] if state < len(self.matches) else None


def _line_editing(con: duckdb.DuckDBPyConnection):
    """Readline with history and completion; returns a function that saves the history."""
    try:
        import readline
    except ImportError:  # no readline on this platform: plain input
        return lambda: None
    path = history_path()
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(2000)
    readline.set_completer_delims(" \t\n(),;=<>")
    readline.set_completer(_Completer(con))
    readline.parse_and_bind("tab: complete")

    def save() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError:
            pass

    return save


def interactive(con: duckdb.DuckDBPyConnection, fmt: str, stdin=sys.stdin, out=sys.stdout) -> int:
    """Read statements ending with ';' (or a dot command) and run each; errors are shown and
    the session goes on. On a terminal: line editing, history and completion."""
    tty = stdin.isatty() and out.isatty()
    save_history = _line_editing(con) if tty else (lambda: None)
    if tty:
        out.write("Published warehouse, read-only. .tables lists the tables, .help the commands, \\q quits.\n")
    buf: list[str] = []
    errors = 0
    try:
        while True:
            if tty:
                try:
                    line = input("warehouse> " if not buf else "      ...> ") + "\n"
                except EOFError:
                    out.write("\n")
                    break
                except KeyboardInterrupt:  # Ctrl-C drops the statement being typed
                    out.write("\n")
                    buf = []
                    continue
            else:
                line = stdin.readline()
                if not line:
                    break
            command = line.strip()
            if not buf and command in ("\\q", "quit", "exit", ".quit", ".exit"):
                break
            if not buf and command in (".help", "help", "\\?"):
                out.write(HELP + "\n")
                continue
            if not buf and not command:
                continue
            buf.append(line)
            if command.endswith(";") or (len(buf) == 1 and command.casefold() in _TABLES_COMMANDS):
                query = "".join(buf)
                buf = []
                try:
                    render(*run_query(con, query), fmt, out)
                except SqlError as exc:
                    errors += 1
                    print(f"error: {exc}", file=sys.stderr)
    finally:
        save_history()
    return 1 if errors else 0
