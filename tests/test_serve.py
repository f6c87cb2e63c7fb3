"""Serving: the published read-only copy, `warehouse sql`, Parquet, the HTML report in headless
Chromium, readers during refreshes, and a refresh killed with SIGKILL."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SOURCES, clean_env, refresh_cli, refreshed_copy, warehouse_cli

#: end to end (a refresh in a new process, dagster dev, a browser): `./dev test -m "not slow"` leaves it out
pytestmark = pytest.mark.slow

MARTS = ["mart_udgift_pr_patient", "mart_udvikling_19_23", "mart_afstemning", "dim_kommune"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# a document with no tables: changing it makes a refresh load, build and publish again
PROSE_DOC = "002_a15994a133d0f63f.txt"


def _cmd(*args):
    return [sys.executable, "-m", "orchestration.cli", *args]


def _touch(doc: Path, n: int) -> None:
    """Change a document (a line appended) so the next refresh has something to publish."""
    text = (SOURCES / doc.name).read_text(encoding="utf-8")
    doc.write_text(text + f"\nÆndring {n}\n", encoding="utf-8")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(tmp_path_factory, refreshed_template):
    return refreshed_copy(tmp_path_factory.mktemp("serve"), refreshed_template)


def _publish_ids(path: Path, tables=MARTS) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        ids = {con.execute("select publish_id from meta.publish").fetchone()[0]}
        for t in tables:
            ids |= {r[0] for r in con.execute(f"select distinct publish_id from marts.{t}").fetchall()}
        return ids
    finally:
        con.close()


def test_published_copy_parquet_and_report(served):
    _, warehouse = served
    published = warehouse / "published.duckdb"
    ids = _publish_ids(published)
    assert len(ids) == 1  # meta.publish and every mart carry the same publish id
    (publish_id,) = ids
    parquet = warehouse / "parquet" / "current"
    assert os.readlink(parquet) == publish_id
    con = duckdb.connect()
    rows = con.execute(
        f"select udgift_pr_patient_kr, publish_id from '{parquet}/mart_udgift_pr_patient.parquet' "
        "where speciale = '51' and geo_code = '825' and year = 2023"
    ).fetchall()
    assert rows == [(1043, publish_id)]
    assert {p.stem for p in parquet.glob("*.parquet")} >= {
        "mart_udgift_pr_patient",
        "mart_udvikling_19_23",
        "mart_afstemning",
        "mart_budget_prioriteringer",
    }
    report = warehouse / "report" / "current" / "index.html"
    assert publish_id in report.read_text(encoding="utf-8")


def test_warehouse_sql_formats_and_refuses_writes(served):
    _, warehouse = served
    q = (
        "select geo_name, udgift_pr_patient_kr from marts.mart_udgift_pr_patient where speciale = '62' "
        "and year = 2023 and geo_level = 'kommune' order by udgift_pr_patient_kr desc limit 1"
    )
    table = warehouse_cli("sql", "--warehouse", str(warehouse), q)
    assert table.returncode == 0 and "Morsø" in table.stdout and "15023" in table.stdout
    as_json = warehouse_cli("sql", "--warehouse", str(warehouse), "--format", "json", q)
    assert json.loads(as_json.stdout) == [{"geo_name": "Morsø", "udgift_pr_patient_kr": 15023}]
    as_csv = warehouse_cli("sql", "--warehouse", str(warehouse), "--format", "csv", q)
    assert as_csv.stdout == "geo_name,udgift_pr_patient_kr\nMorsø,15023\n"
    write = warehouse_cli("sql", "--warehouse", str(warehouse), "drop table marts.dim_region")
    assert write.returncode == 1 and "read-only" in write.stderr
    session = warehouse_cli(
        "sql",
        "--warehouse",
        str(warehouse),
        "--format",
        "csv",
        input="select count(*) as n\nfrom marts.dim_kommune;\n\\q\n",
    )
    assert session.returncode == 0 and session.stdout == "n\n11\n"
    # .tables (and show tables) lists every schema's tables with dbt's descriptions
    tables = warehouse_cli("sql", "--warehouse", str(warehouse), "--format", "csv", input=".tables\nshow tables;\n")
    listed = list(csv.reader(tables.stdout.splitlines()))
    assert tables.returncode == 0 and listed[0] == ["schema", "name", "type", "description"]
    rows = {(r[0], r[1]): r for r in listed[1:] if r[0] != "schema"}
    assert len(listed) == 2 * (len(rows) + 1)  # both commands, the same list
    assert rows[("marts", "mart_udgift_pr_patient")][2] == "base table"
    assert rows[("marts", "mart_udgift_pr_patient")][3].startswith("Udgift pr. patient")
    assert rows[("staging", "stg_cells")][2] == "view" and ("raw", "current_cells") in rows
    # errors keep DuckDB's whole message: the hint names the table meant
    typo = warehouse_cli("sql", "--warehouse", str(warehouse), "select * from marts.mart_udgift_pr_patien")
    assert typo.returncode == 1 and 'Did you mean "mart_udgift_pr_patient"' in typo.stderr


def test_warehouse_sql_reads_the_warehouse_only_and_ctrl_c_cancels(served, tmp_path):
    _, warehouse = served
    published = warehouse / "published.duckdb"
    before = _sha(published)
    hostile = {
        f"copy marts.dim_region to '{tmp_path / 'out.csv'}'": "no files",
        f"copy marts.dim_region to '{published}' (format parquet)": "no files",
        f"attach '{warehouse / 'warehouse.duckdb'}' as w (read_only false)": "no ATTACH",
        "select * from read_csv('/etc/passwd')": "no files",
        "select * from read_text('/etc/hostname')": "no files",
        "set enable_external_access = true": "no settings",
        "install httpfs": "no files",
    }
    for statement, says in hostile.items():
        proc = warehouse_cli("sql", "--warehouse", str(warehouse), statement)
        assert proc.returncode == 1 and "reads its own tables only" in proc.stderr and says in proc.stderr, (
            statement,
            proc.stderr,
        )
    assert not (tmp_path / "out.csv").exists() and _sha(published) == before
    # Ctrl-C cancels a runaway statement. DuckDB stops some statements only after a while (its
    # tasks look for the interrupt between chunks, duckdb/duckdb#15925): then the shell says so,
    # and a second Ctrl-C ends it at once
    slow = subprocess.Popen(
        _cmd(
            "sql", "--warehouse", str(warehouse), "select sum((i * 7919) % 1000000007) from range(1000000000000) t(i)"
        ),
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    slow.send_signal(signal.SIGINT)
    try:
        try:
            _, err = slow.communicate(timeout=10)
            assert slow.returncode == 130 and "interrupted (Ctrl-C)" in err
        except subprocess.TimeoutExpired:
            slow.send_signal(signal.SIGINT)
            _, err = slow.communicate(timeout=5)
            assert slow.returncode == -signal.SIGINT
            assert "cancelling the statement (Ctrl-C again quits at once)" in err
    finally:
        if slow.poll() is None:  # never leave it running
            slow.kill()
            slow.communicate()


def test_interactive_sql_on_a_terminal_keeps_history_between_sessions(served, tmp_path):
    """On a terminal (a pseudo-terminal here) the shell edits lines with readline and keeps a
    history file, so yesterday's statements come back with the arrow keys."""
    import pty

    _, warehouse = served
    env = {**clean_env(), "XDG_STATE_HOME": str(tmp_path / "state"), "TERM": "dumb"}

    def session(*lines: bytes) -> str:
        """Type each line at the prompt, as a user does (after the prompt is shown)."""
        main, child = pty.openpty()
        proc = subprocess.Popen(
            _cmd("sql", "--warehouse", str(warehouse)),
            cwd=ROOT,
            env=env,
            stdin=child,
            stdout=child,
            stderr=child,
            close_fds=True,
        )
        os.close(child)
        out = b""
        deadline = time.monotonic() + 60
        try:
            for n, line in enumerate(lines):
                while out.count(b"warehouse> ") < n + 1 and time.monotonic() < deadline:
                    out += os.read(main, 65536)
                os.write(main, line)
            while proc.poll() is None and time.monotonic() < deadline:
                out += os.read(main, 65536)
        except OSError:  # EIO: the shell has exited and closed the terminal
            pass
        proc.wait(timeout=30)
        os.close(main)
        return out.decode("utf-8", errors="replace")

    first = session(b"select count(*) as n from marts.dim_kommune;\n", b"\\q\n")
    assert "warehouse> " in first and "11" in first
    history = tmp_path / "state" / "regionsdata-warehouse" / "sql_history"
    assert "select count(*) as n from marts.dim_kommune;" in history.read_text(encoding="utf-8")
    # the next session: arrow up twice (past "\q") brings the statement back, Enter runs it
    again = session(b"\x1b[A\x1b[A\n", b"\\q\n")
    assert again.count("11") >= 1 and "dim_kommune" in again


def test_sqlalchemy_read_only_connection_as_superset_uses(served):
    import sqlalchemy as sa

    _, warehouse = served
    engine = sa.create_engine(f"duckdb:///{warehouse / 'published.duckdb'}", connect_args={"read_only": True})
    with engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from marts.mart_udvikling_19_23")).scalar()
        assert n > 300
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            conn.execute(sa.text("delete from marts.dim_region"))
    engine.dispose()


def test_sqlalchemy_reflection_as_bi_tools_list_schemas_tables_and_columns(served):
    """What a BI tool does first on connecting: list schemas, tables and their columns."""
    import sqlalchemy as sa

    _, warehouse = served
    engine = sa.create_engine(f"duckdb:///{warehouse / 'published.duckdb'}", connect_args={"read_only": True})
    try:
        inspector = sa.inspect(engine)
        assert {"published.marts", "published.raw"} <= set(inspector.get_schema_names())
        assert {"mart_udgift_pr_patient", "mart_udvikling_19_23", "dim_kommune"} <= set(
            inspector.get_table_names(schema="marts")
        )
        assert "stg_cells" in inspector.get_view_names(schema="staging")
        columns = {c["name"]: c for c in inspector.get_columns("mart_udgift_pr_patient", schema="marts")}
        assert {"speciale", "geo_code", "year", "udgift_pr_patient_kr", "publish_id"} <= set(columns)
        assert isinstance(columns["year"]["type"], sa.Integer)
        assert columns["udgift_pr_patient_kr"]["comment"]  # dbt's description, persisted
    finally:
        engine.dispose()


#: the marts BI tools are pointed at: dbt contracts fix their columns and types
CONTRACT_MARTS = [
    "mart_udgift_pr_patient",
    "mart_udvikling",
    "mart_udvikling_19_23",
    "dim_kommune",
    "dim_region",
    "dim_speciale",
]


def test_bi_facing_marts_carry_their_descriptions_and_contracts(served):
    _, warehouse = served
    con = duckdb.connect(str(warehouse / "published.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts' and column_name != 'publish_id'"
        ).fetchall()
        tables = dict(
            con.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall()
        )
    finally:
        con.close()
    undocumented = [(t, c) for t, c, comment in rows if not comment]
    assert not undocumented
    assert dict(((t, c), comment) for t, c, comment in rows)[("mart_udvikling_19_23", "from_year")]
    assert all(tables[t] for t in tables), tables
    manifest = json.loads((ROOT / "dbt_project" / "target" / "manifest.json").read_text())
    enforced = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["contract"]["enforced"]
    }
    assert enforced == set(CONTRACT_MARTS)
    node = manifest["nodes"]["model.regionsdata.mart_udgift_pr_patient"]
    assert node["columns"]["udgift_pr_patient_kr"]["data_type"] == "decimal(34,6)"


def _old_duckdb(version: str) -> Path:
    """A DuckDB client of an older release, installed (hash-checked) beside .venv, not in it."""
    target = ROOT / ".venv" / "clients" / f"duckdb-{version}"
    if not (target / "duckdb").is_dir():
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "--no-deps",
                "--require-hashes",
                "--target",
                str(target),
                "-r",
                str(ROOT / "tests" / "clients" / f"duckdb-{version}.txt"),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def test_published_copy_opens_in_duckdb_1_1_as_bi_drivers_embed_it(served):
    _, warehouse = served
    client = _old_duckdb("1.1.3")
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps([duckdb.__version__,"
        " con.execute('select count(*) from marts.mart_udgift_pr_patient').fetchone()[0],"
        " con.execute('select count(*) from staging.stg_cells').fetchone()[0],"
        " con.execute('select publish_id from meta.publish').fetchone()[0]]))\n"
    )
    # -I would drop PYTHONPATH: -s keeps user site-packages out, PYTHONPATH puts the old client first
    proc = subprocess.run(
        [sys.executable, "-s", "-c", script, str(warehouse / "published.duckdb")],
        env={**clean_env(), "PYTHONPATH": str(client)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    version, marts_rows, cells, publish_id = json.loads(proc.stdout)
    assert version == "1.1.3"
    current = duckdb.connect(str(warehouse / "published.duckdb"), read_only=True)
    try:
        assert marts_rows == current.execute("select count(*) from marts.mart_udgift_pr_patient").fetchone()[0]
        assert cells == current.execute("select count(*) from staging.stg_cells").fetchone()[0] == 4285
        assert publish_id == current.execute("select publish_id from meta.publish").fetchone()[0]
    finally:
        current.close()


class _RenderedCharts(HTMLParser):
    """From the DOM Chromium rendered: per chart section, the tick labels of each y axis, and
    the colours of the legend's entries."""

    def __init__(self):
        super().__init__()
        self.section = None
        self.stack: list[str] = []  # class of each open <g> (or tag name)
        self.y_axes: dict[str, list[list[str]]] = {}
        self.legend_colours: dict[str, list[str]] = {}
        self._in_tick = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        cls = a.get("class", "")
        if tag in ("g", "text", "path"):
            self.stack.append(cls if tag == "g" else tag)
        if tag == "g" and cls == "yaxislayer-above":
            self.y_axes.setdefault(self.section, []).append([])
        if tag == "path" and "js-line" in cls and "legend" in self.stack:
            stroke = re.search(r"stroke: (rgb\([^)]*\))", a.get("style", ""))
            if stroke:
                self.legend_colours.setdefault(self.section, []).append(stroke.group(1))
        # the ticks of the first y axis are <g class="ytick">, of the next "y2tick", "y3tick", ...
        self._in_tick = (
            tag == "text"
            and "yaxislayer-above" in self.stack
            and bool(re.fullmatch(r"y\d*tick", self.stack[-2] if len(self.stack) > 1 else ""))
        )

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("g", "text", "path"):
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in ("g", "text", "path") and self.stack:
            self.stack.pop()
        self._in_tick = False

    def handle_data(self, data):
        if self._in_tick and data.strip():
            self.y_axes[self.section][-1].append(data.strip())


def _chromium(*args, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--hide-scrollbars",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_report_charts_render_with_axes_on_every_facet_in_headless_chromium(served, tmp_path):
    assert CHROMIUM, "chromium is not installed (Debian: apt-get install chromium); ./dev test installs it"
    _, warehouse = served
    report = (warehouse / "report" / "current" / "index.html").resolve()
    dom = _chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout
    charts = _RenderedCharts()
    charts.feed(dom)
    facets = {
        "udgift-pr-patient": 4,
        "regioner": 4,
        "udgift-i-alt": 1,
        "udvikling-19-23": 4,
        "budget": 1,
        "afstemning": 1,
    }
    for section, n in facets.items():
        axes = charts.y_axes.get(section, [])
        # every facet has its own y axis with labelled ticks (not only the left-hand ones)
        assert len(axes) == n and all(len(ticks) >= 3 for ticks in axes), (section, axes)
    # one scale per speciale: almen fysioterapi (51) tops out near 1.200 kr., the others at 15-25k
    per_patient = charts.y_axes["udgift-pr-patient"]
    (almen,) = [ticks for ticks in per_patient if not ticks[-1].endswith("k")]
    assert 800 <= int(almen[-1]) <= 1400
    assert sum(1 for ticks in per_patient if ticks[-1].endswith("k")) == 3
    udvikling = charts.y_axes["udvikling-19-23"]
    assert len({tuple(ticks) for ticks in udvikling}) >= 3  # +380 % and ±15 % no longer share an axis
    # eleven kommuner, eleven colours; Region Nordjylland against four regions and Danmark
    assert len(charts.legend_colours["udgift-pr-patient"]) == 11
    assert len(set(charts.legend_colours["udgift-pr-patient"])) == 11
    assert len(set(charts.legend_colours["regioner"])) == 6
    for label in (
        "Region Nordjylland",
        "Region Hovedstaden",
        "Danmark",
        "Vesthimmerland",
        "Aalborg",
        "Vederlagsfri fysioterapi (62)",
        "1.12 Forberedelse til sundhedsreformen",
    ):
        assert label in dom, label
    # and a screenshot of the page, as the README shows it
    png = tmp_path / "report.png"
    _chromium("--window-size=1400,1800", f"--screenshot={png}", report.as_uri(), profile=tmp_path / "profile2")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 100_000


READER = r"""
import json, sys, time, duckdb
path, stop_file, out, hold = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "hold"
marts = ["mart_udgift_pr_patient", "mart_udvikling_19_23", "mart_afstemning", "dim_kommune"]
queries = failures = mixed = 0
seen, errors = set(), []
con = duckdb.connect(path, read_only=True) if hold else None
import os
while not os.path.exists(stop_file):
    try:
        c = con or duckdb.connect(path, read_only=True)
        ids = {c.execute("select publish_id from meta.publish").fetchone()[0]}
        for t in marts:
            ids |= {r[0] for r in c.execute(f"select distinct publish_id from marts.{t}").fetchall()}
        c.execute("select geo_name, udgift_pr_patient_kr from marts.mart_udgift_pr_patient "
                  "where speciale = '62' and year = 2023 order by 2 desc limit 3").fetchall()
        if con is None:
            c.close()
        queries += 1
        seen |= ids
        if len(ids) != 1:
            mixed += 1
    except Exception as exc:
        failures += 1
        errors.append(str(exc)[:200])
    # a query round a few times a second: a reader that reconnects spends about 50 ms of CPU on
    # each (opening the file), and four readers polling faster took most of the 2-core
    # machine from the refreshes they watch
    time.sleep(0.25)
json.dump({"queries": queries, "failures": failures, "mixed": mixed, "seen": sorted(seen),
           "errors": errors[:5]}, open(out, "w"))
"""


#: a notebook: holds a connection, waits for the publish, then connects again (one process)
HOLDER = r"""
import duckdb, json, os, sys, time
path, go, out = sys.argv[1:4]
held = duckdb.connect(path, read_only=True)
ids = [held.execute("select publish_id from meta.publish").fetchone()[0]]
open(out + ".ready", "w").close()
while not os.path.exists(go):
    time.sleep(0.1)
fresh = duckdb.connect(path, read_only=True)
ids += [fresh.execute("select publish_id from meta.publish").fetchone()[0],
        held.execute("select publish_id from meta.publish").fetchone()[0]]
json.dump(ids, open(out, "w"))
"""


def test_a_process_holding_connections_sees_the_next_publish_on_a_new_connection(served, tmp_path):
    """A notebook or a BI server keeps connections open: a new connection after a publish reads
    the new version (published.duckdb links it), a held one keeps its own, and SQLAlchemy with
    NullPool gets the new one at its next checkout while a pooled connection keeps the old."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    sources, warehouse = served
    published = warehouse / "published.duckdb"
    go, out = tmp_path / "go", tmp_path / "ids.json"
    notebook = subprocess.Popen([sys.executable, "-c", HOLDER, str(published), str(go), str(out)], env=clean_env())
    engine = sa.create_engine(f"duckdb:///{published}", connect_args={"read_only": True}, poolclass=NullPool)

    def engine_id():
        with engine.connect() as conn:
            return conn.execute(sa.text("select publish_id from meta.publish")).scalar()

    try:
        before = engine_id()
        pooled = engine.connect()  # a connection a BI tool holds across the publish
        deadline = time.monotonic() + 60
        while not Path(f"{out}.ready").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        _touch(sources / PROSE_DOC, 77)
        proc = refresh_cli(sources, warehouse)
        assert proc.returncode == 0 and "marts: built" in proc.stdout, proc.stdout + proc.stderr
        go.touch()
        notebook.wait(timeout=60)
        held_before, fresh_after, held_after = json.loads(out.read_text())
        after = engine_id()
        assert after != before and held_before == before
        assert fresh_after == after and held_after == before  # new connection: new; held: its own
        assert pooled.execute(sa.text("select publish_id from meta.publish")).scalar() == before
        pooled.close()
    finally:
        notebook.kill()
        engine.dispose()


def test_readers_never_fail_or_see_a_mix_during_two_refreshes(served, tmp_path):
    sources, warehouse = served
    published = warehouse / "published.duckdb"
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                str(published),
                str(stop),
                str(tmp_path / f"reader{i}.json"),
                "hold" if i < 2 else "reconnect",
            ]
        )
        for i in range(4)
    ]
    ids = [_publish_ids(published)]
    try:
        for n in range(2):
            _touch(sources / PROSE_DOC, n)
            proc = refresh_cli(sources, warehouse)
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
            assert "marts: built" in proc.stdout
            ids.append(_publish_ids(published))
    finally:
        stop.write_text("stop")
        for r in readers:
            r.wait(timeout=60)
    results = [json.loads((tmp_path / f"reader{i}.json").read_text()) for i in range(4)]
    assert all(len(s) == 1 for s in ids) and len(set().union(*ids)) == 3  # three distinct publishes
    for res in results:
        assert res["failures"] == 0, res["errors"]
        assert res["mixed"] == 0
        assert res["queries"] > 20
    # readers that reconnect saw the publishes change under them; readers holding the file open
    # kept one consistent state and never blocked a publish
    assert all(len(res["seen"]) >= 2 for res in results[2:])
    assert all(len(res["seen"]) == 1 for res in results[:2])


def test_refresh_killed_mid_way_leaves_the_published_copy_and_the_next_one_succeeds(served):
    sources, warehouse = served
    published = warehouse / "published.duckdb"
    before_sha, before_ids = _sha(published), _publish_ids(published)
    _touch(sources / PROSE_DOC, 99)
    proc = subprocess.Popen(
        _cmd("refresh", "-v", "--sources", str(sources), "--warehouse", str(warehouse)),
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    # kill it (and dbt under it) while it builds the marts, before it can publish (-v: the full
    # log is shown, so dbt's first line says when)
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        if "dbt=" in line or "Running with dbt" in line or time.monotonic() > deadline:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _sha(published) == before_sha and _publish_ids(published) == before_ids
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.mart_udgift_pr_patient").fetchone()[0] > 300
    con.close()
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    started = [r.run_id for r in instance.get_runs() if r.status == dg.DagsterRunStatus.STARTED]
    assert started  # the killed refresh's transform run
    after = refresh_cli(sources, warehouse)
    assert after.returncode == 0, after.stdout[-2000:] + after.stderr[-2000:]
    assert "marts: built" in after.stdout
    # the next refresh marked the killed one's runs failed: nothing is left STARTED
    assert f"{len(started)} run(s) left started by a refresh that was killed: marked failed" in after.stdout
    instance = dg.DagsterInstance.from_config(str(warehouse / "dagster"))
    assert all(instance.get_run_by_id(r).status == dg.DagsterRunStatus.FAILURE for r in started)
    new_ids = _publish_ids(published)
    assert len(new_ids) == 1 and new_ids != before_ids


def test_a_damaged_published_copy_is_repaired_by_the_next_refresh(served):
    sources, warehouse = served
    published = warehouse / "published.duckdb"
    data = published.read_bytes()
    published.write_bytes(data[: len(data) // 3])  # cut short (a full disk, a bad copy)
    proc = refresh_cli(sources, warehouse)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "(the published copy was missing or could not be read)" in proc.stdout
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("select count(*) from marts.dim_kommune").fetchone()[0] == 11
    finally:
        con.close()
    assert not list(warehouse.glob(".published.duckdb-*")) and not list((warehouse / "published").rglob("*.tmp*"))
    assert published.is_symlink() and len(list((warehouse / "published").glob("*/published.duckdb"))) <= 2
