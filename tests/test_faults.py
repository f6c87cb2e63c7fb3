"""The warehouse's bad days, at the extraction end: inputs that are not what a document should
be. Each case asserts what the user gets: a reason in words that names the file, or the
document read as it should be. A fuzz test feeds the extractor mutations of the real documents.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest
from conftest import KKR, SOURCES, warehouse_cli

from orchestration import load as L
from orchestration import settings
from orchestration.extract import extract_document
from orchestration.extract.model import DocumentResult, ExtractionError


def _cells(result: DocumentResult) -> list[tuple]:
    return [(c.table_id, c.row_index, c.col_index, c.raw, c.value) for c in result.cells]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_a_document_saved_with_a_byte_order_mark_reads_as_the_original(tmp_path, encoding):
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    codec = {"utf-16-be": "utf-16-be"}.get(encoding, encoding)
    data = text.encode(codec)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no BOM for an explicit byte order
    path = tmp_path / KKR
    path.write_bytes(data)
    result = extract_document(path)
    assert result.error is None and not [p for p in result.problems if p.kind.value == "not_utf8"]
    assert _cells(result) == _cells(extract_document(SOURCES / KKR))
    assert len(result.cells) == 2942


def test_files_that_are_not_text_documents_are_refused_with_the_reason(tmp_path):
    cases = {
        "empty.txt": (b"  \n\n", "empty file: no text to extract"),
        "binary.txt": (b"\x00\x01\x02 not text" * 100, "binary file (NUL bytes): not a text document"),
        "renamed.txt": (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "a PDF file, not text: extract its text layer first",
        ),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = extract_document(tmp_path / name)
        assert isinstance(result.error, ExtractionError), name
        assert str(result.error).startswith(name) and reason in str(result.error), str(result.error)


def test_a_sources_folder_lists_what_it_skips_and_why(tmp_path):
    for name in (KKR, "006_OLD.TXT", "._003_8f7892940b0a4590.txt", ".~lock.txt", "report.pdf", "catalogue.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "folder.txt").mkdir()
    assert [f.name for f in settings.source_files(tmp_path)] == ["003_8f7892940b0a4590.txt", "006_OLD.TXT"]
    assert dict(settings.skipped_source_files(tmp_path)) == {
        "._003_8f7892940b0a4590.txt": "macOS resource fork (._ file)",
        ".~lock.txt": "hidden file",
        "report.pdf": "not a text document (.pdf; documents end in .txt)",
        "gone.txt": "link to a file that does not exist",
        "folder.txt": "not a file",
    }


def test_a_catalogue_saved_by_a_spreadsheet_program_is_read(tmp_path):
    rows = (
        "file;title;publisher;date\r\n003_8f7892940b0a4590.txt;Praksisplan for fysioterapi;Region Nordjylland;2024\r\n"
    )
    (tmp_path / "catalogue.csv").write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    assert L.read_catalogue(tmp_path)[KKR]["title"] == "Praksisplan for fysioterapi"
    (tmp_path / "catalogue.csv").write_bytes(rows.replace("Praksisplan", "Praksisplan æøå").encode("cp1252"))
    assert L.read_catalogue(tmp_path)[KKR]["title"] == "Praksisplan æøå for fysioterapi"
    (tmp_path / "catalogue.csv").write_text("name,title\nx.txt,y\n", encoding="utf-8")
    with pytest.raises(L.LoadError, match=r"catalogue.csv: no 'file' column"):
        L.read_catalogue(tmp_path)


def _extract_cli(path: Path, timeout: int) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    proc = warehouse_cli("extract", str(path), "--format", "csv", "-o", os.devnull, timeout=timeout)
    return proc, time.monotonic() - start


@pytest.mark.slow
def test_a_10_mb_line_and_a_50_mb_document_extract_without_hanging(tmp_path):
    """Extraction is linear in a line's length (benchmarks/bench_extract.py --long prints the
    times); this only guards against a hang, with a generous timeout."""
    text = " ".join((SOURCES / KKR).read_text(encoding="utf-8").split())
    line = tmp_path / "one_line.txt"
    line.write_text((text + " ") * (10_000_000 // len(text) + 1), encoding="utf-8")
    proc, _ = _extract_cli(line, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    big = tmp_path / "big.txt"
    whole = (SOURCES / KKR).read_text(encoding="utf-8")
    big.write_text(whole * (50_000_000 // len(whole.encode()) + 1), encoding="utf-8")
    proc, _ = _extract_cli(big, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]


# -- fuzzing ---------------------------------------------------------------------------------------
#: mutated inputs per run of the normal suite; FUZZ_RUNS=10000 for a longer run (README)
FUZZ_RUNS = int(os.environ.get("FUZZ_RUNS", "2000"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "20261123"))
#: an input that takes longer than this is a hang (they take milliseconds)
FUZZ_SECONDS = 20.0


def _mutate(rng: random.Random, docs: list[bytes]) -> bytes:
    """A window of a real document with one to three mutations: cut, splice, byte flips,
    lines dropped, repeated or joined, another encoding, NUL bytes, a BOM, CR line ends."""
    doc = rng.choice(docs)
    start = rng.randrange(len(doc))
    data = doc[start : start + rng.randint(200, 40_000)]
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(10)
        if kind == 0 and data:  # cut
            data = data[: rng.randrange(len(data))]
        elif kind == 1:  # splice in a piece of another document
            other = rng.choice(docs)
            at, frm = rng.randrange(len(data) + 1), rng.randrange(len(other))
            data = data[:at] + other[frm : frm + rng.randint(1, 5000)] + data[at:]
        elif kind == 2 and data:  # byte flips
            b = bytearray(data)
            for _ in range(rng.randint(1, 50)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        elif kind == 3:  # lines dropped or repeated
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            lines[i : i + rng.randint(1, 20)] = [] if rng.random() < 0.5 else lines[i : i + 20] * 2
            data = b"\n".join(lines)
        elif kind == 4:  # lines joined into one
            data = data.replace(b"\n", b" ", rng.randint(1, 500))
        elif kind == 5:  # another encoding
            text = data.decode("utf-8", errors="replace")
            data = text.encode(rng.choice(["utf-16", "utf-32", "cp1252", "latin-1", "utf-8-sig"]), errors="replace")
        elif kind == 6 and data:  # NUL bytes
            at = rng.randrange(len(data))
            data = data[:at] + b"\x00" * rng.randint(1, 4) + data[at:]
        elif kind == 7:  # CR or CRLF line ends
            data = data.replace(b"\n", rng.choice([b"\r", b"\r\n"]))
        elif kind == 8 and data:  # digits shuffled: figures that no longer add up
            b = bytearray(data)
            digits = [i for i, ch in enumerate(b) if 48 <= ch <= 57]
            for i in rng.sample(digits, min(len(digits), rng.randint(1, 200))):
                b[i] = rng.randint(48, 57)
            data = bytes(b)
        else:  # a form feed or stray whitespace between lines
            data = data.replace(b"\n", rng.choice([b"\n\f", b"\n \n", b"\t\n"]), rng.randint(1, 200))
    return data


def test_fuzz_the_extractor_with_mutations_of_the_real_documents(tmp_path):
    """Every mutated input either extracts (tables and problems) or is refused with an
    ExtractionError naming the file; none raises, none hangs."""
    rng = random.Random(FUZZ_SEED)
    docs = [p.read_bytes() for p in sorted(SOURCES.glob("*.txt"))]
    path = tmp_path / "fuzz.txt"
    slowest, refused, tables = 0.0, 0, 0
    for n in range(FUZZ_RUNS):
        data = _mutate(rng, docs)
        path.write_bytes(data)
        start = time.monotonic()
        try:
            result = extract_document(path)
        except Exception as exc:  # noqa: BLE001  (the point: nothing may escape)
            (tmp_path / f"crash-{n}.txt").write_bytes(data)
            raise AssertionError(f"input {n} (seed {FUZZ_SEED}) raised {exc!r}; saved as crash-{n}.txt") from exc
        seconds = time.monotonic() - start
        slowest = max(slowest, seconds)
        assert seconds < FUZZ_SECONDS, f"input {n} took {seconds:.1f} s"
        if result.error is not None:
            refused += 1
            assert str(result.error).startswith("fuzz.txt"), str(result.error)
        else:
            tables += len(result.tables)
            assert result.accounting is not None
    print(
        f"fuzz: {FUZZ_RUNS} inputs (seed {FUZZ_SEED}): {refused} refused with a reason, "
        f"{tables} tables read, slowest {slowest:.2f} s"
    )
    assert tables > FUZZ_RUNS  # most inputs still hold tables: the mutations are not all noise


@pytest.mark.slow
def test_a_full_disk_stops_the_refresh_with_one_line_and_more_space_lets_it_finish(tmp_path):
    """The warehouse on a 14 MB file system (a tmpfs; skipped where this machine may not mount
    one): the refresh stops with one line naming the full disk, no traceback; once there is
    room the next refresh publishes, with nothing deleted by hand."""
    disk = tmp_path / "small"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=14m", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        warehouse = disk / "warehouse"
        full = warehouse_cli("refresh", "--warehouse", str(warehouse), timeout=600)
        assert full.returncode == 4, full.stdout[-2000:] + full.stderr[-2000:]
        assert full.stderr.count("\n") == 1 and f"error: the disk holding {warehouse} is full" in full.stderr
        assert "Traceback" not in full.stdout + full.stderr
        assert not list(warehouse.rglob("*.tmp"))
        subprocess.run(["mount", "-o", "remount,size=300m", str(disk)], check=True)
        again = warehouse_cli("refresh", "--warehouse", str(warehouse), timeout=600)
        assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
        assert "marts: built" in again.stdout and (warehouse / "published.duckdb").exists()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_broken_suite_file_is_named_with_its_line(tmp_path):
    from orchestration.checks import read_suite

    (tmp_path / "raw_totals.json").write_text('{"meta": {"blocking": true,\n "frame": }', encoding="utf-8")
    with pytest.raises(ValueError, match=r"raw_totals.json: not valid JSON at line 2, column 11: Expecting value"):
        read_suite(tmp_path, "raw_totals")


@pytest.mark.slow
def test_refresh_waits_while_a_file_is_still_being_written(tmp_path):
    import threading

    from orchestration.refresh import wait_until_written

    path = tmp_path / "copying.txt"
    path.write_text("Tabel 1\\n", encoding="utf-8")

    def copy_slowly():  # a copy in progress: a line every 0.5 s for 2 s
        for n in range(4):
            time.sleep(0.5)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"linje {n}\\n")

    writer = threading.Thread(target=copy_slowly)
    writer.start()
    start = time.monotonic()
    wait_until_written(path, settle=1.0)
    writer.join()
    assert time.monotonic() - start >= 2.0  # it waited for the last write, and then for the settle
    assert path.read_text(encoding="utf-8").count("linje") == 4


def test_a_readers_spill_folder_does_not_stop_the_next_publish(tmp_path):
    """A BI tool's large query on the published copy makes DuckDB spill into a folder beside
    it, "published.duckdb.tmp". The next publish must neither fail on it (it once took it for
    a file a killed publish left) nor delete it under the reader."""
    import duckdb

    from orchestration.publish import publish

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema marts; create table marts.t as select 1 as x")
    con.close()
    first = publish(tmp_path, report=False)
    spill = tmp_path / "published" / first.publish_id / "published.duckdb.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_text("spilled rows", encoding="utf-8")
    second = publish(tmp_path, report=False)
    assert second.publish_id != first.publish_id and (spill / "duckdb_temp_storage-0.tmp").exists()
    con = duckdb.connect(str(tmp_path / "published.duckdb"), read_only=True)
    try:
        assert con.execute("select publish_id from meta.publish").fetchone() == (second.publish_id,)
    finally:
        con.close()
