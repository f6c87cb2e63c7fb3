"""The extraction report lists every caption; the extractor is generic; bad input is reported."""

import csv
import io
import re

from conftest import BILAG1, SOURCES, cell, shift_years

from orchestration.cli import main
from orchestration.extract import extract_document
from orchestration.extract.report import caption_status_rows

#: independent of the extractor's own pattern: "Tabel 21: ..." or "Tabel 1. ..." at the start of a line
CAPTION = re.compile(r"^\s*Tabel \d+\s?[:.] ")


def test_report_lists_every_caption():
    files = sorted(SOURCES.glob("*.txt"))
    results = [extract_document(f) for f in files]
    listed = {(r["file"], int(r["line"])) for r in caption_status_rows(results) if r["kind"] == "captioned"}
    in_text = {
        (f.name, i)
        for f in files
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if CAPTION.match(line)
    }
    assert in_text == listed
    # KKR file: 24 Socialtilsyn + 57 practice plan (1-58, no 38) + 2 repeated in the OCR'd note; 2 in 004
    assert len(in_text) == 85
    statuses = {r["status"] for r in caption_status_rows(results)}
    assert statuses <= {"ok", "partial", "no_text_layer", "unparsed"}


def test_generic_shifted_years_and_rewrapped_table(kkr, tmp_path):
    lines = (SOURCES / "003_8f7892940b0a4590.txt").read_text(encoding="utf-8").splitlines()
    annex = lines[BILAG1[0] : BILAG1[1]]
    shifted = shift_years("\n".join(annex)).splitlines()
    # re-wrap Tabel 21 differently: its header and two labels over several lines
    out = []
    for line in shifted:
        if line.startswith("Kommune (yder) 2020 2021 2022 2023 2024 Udvikling 20-24") and not out[-5:].count("x"):
            out += ["Kommune", "(yder) 2020 2021 2022", "2023 2024 Udvik-", "ling", "20-24"]
        elif line.startswith("Mariagerfjord 967 kr."):
            out += ["Mariager-", "", "fjord", line.replace("Mariagerfjord ", "")]
        elif line.startswith("Vesthimmerlands 886 kr."):
            out += ["Vest-", "himmerlands", line.replace("Vesthimmerlands ", "")]
        else:
            out.append(line)
    doc = tmp_path / "bilag1_2020_2024.txt"
    doc.write_text("\n".join(out) + "\n", encoding="utf-8")
    result = extract_document(doc)

    def key(c, shift):
        return repr(
            (
                c.table,
                c.geo_code,
                c.row_label if c.geo_code is None else "",
                c.column_label if c.year is None and c.period_from is None else "",
                c.year + shift if c.year else None,
                (c.period_from + shift, c.period_to + shift) if c.period_from else None,
                c.value,
                c.unit,
                c.perspective,
                c.is_total,
            )
        )

    original = sorted(key(c, 1) for t in kkr.result.tables if BILAG1[0] <= t.caption_line < BILAG1[1] for c in t.cells)
    moved = sorted(key(c, 0) for c in result.cells)
    assert len(original) == 1908
    assert moved == original
    t21 = [t for t in result.tables if t.table == "21"][0]
    assert cell(t21, "846", "2024").value == 1015 and cell(t21, "846", "2024").row_label == "Mariagerfjord"
    assert t21.perspective == "yder"


def test_bad_input_is_reported_and_other_documents_extract(tmp_path, capsys):
    # an image saved as .txt (a PDF is refused as a PDF: tests/test_faults.py)
    (tmp_path / "a_binary.txt").write_bytes(b"GIF89a\n\x00\x01\x02binary")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    good = (SOURCES / "004_a4d9c2a0b2657fd9.txt").read_text(encoding="utf-8")
    (tmp_path / "c_cp1252.txt").write_bytes(good.encode("cp1252", errors="replace"))
    cut = (
        "Tabel 5: Udgifter pr. år til speciale 51 fordelt på kommuner\n\nKommune 2019 2020\n\n"
        "Brønderslev 1.000 kr. 1.100 kr.\n\nFrederiks-\nhavn\n"
    )
    (tmp_path / "d_cut.txt").write_text(cut, encoding="utf-8")
    (tmp_path / "e_good.txt").write_text(good, encoding="utf-8")

    binary = extract_document(tmp_path / "a_binary.txt")
    assert binary.error is not None and "a_binary.txt:2" in str(binary.error) and "binary" in str(binary.error)
    empty = extract_document(tmp_path / "b_empty.txt")
    assert "b_empty.txt" in str(empty.error) and "empty" in str(empty.error)
    cp = extract_document(tmp_path / "c_cp1252.txt")
    assert cp.error is None and cp.encoding == "cp1252"
    assert any("not valid UTF-8" in p.message for p in cp.problems)
    assert cell([t for t in cp.tables if t.table == "1"][0], "Videreuddannelsesregion Nord", "Besatte").value == 315
    truncated = extract_document(tmp_path / "d_cut.txt")
    t = truncated.tables[0]
    assert t.status == "partial"
    assert [str(p) for p in t.problems] == [
        "d_cut.txt:7 [Tabel 5]: table cut off mid-row: label without figures at end of file"
    ]
    assert cell(t, "810", "2020").value == 1100

    code = main(["extract", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "ERROR a_binary.txt:2: binary file" in out and "ERROR b_empty.txt: empty file" in out
    assert "3 of 5 documents extracted" in out
    assert "error: b_empty.txt: empty file" in err


def test_cli_csv_columns(capsys):
    assert main(["extract", str(SOURCES / "003_8f7892940b0a4590.txt"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    for col in [
        "file",
        "table",
        "caption",
        "row_label",
        "geo_code",
        "perspective",
        "column_label",
        "year",
        "value",
        "unit",
        "raw",
        "line",
    ]:
        assert col in rows[0]
    hit = [
        r
        for r in rows
        if r["table"] == "21"
        and r["geo_code"] == "825"
        and r["year"] == "2023"
        and r["caption"].startswith("Udgifter pr. patient")
    ]
    assert len(hit) == 1
    assert (hit[0]["value"], hit[0]["unit"], hit[0]["raw"], hit[0]["perspective"]) == (
        "1043",
        "kr.",
        "1.043 kr.",
        "yder",
    )
    dev = [r for r in rows if r["table"] == "21" and r["geo_code"] == "825" and r["column_label"] == "Udvikling 19-23"]
    assert dev[0]["year"] == "" and dev[0]["value"] == "16" and dev[0]["period_from"] == "2019"
