"""Every number of every document is accounted for: a cell, table text, prose, page furniture
or a reported problem; and every block of lines with figures is a table or a problem."""

from __future__ import annotations

import re

import pytest
from conftest import SOURCES

from orchestration.cli import main
from orchestration.extract import extract_document
from orchestration.extract.model import ACCOUNTING_CATEGORIES, ProblemKind

DOCUMENTS = sorted(SOURCES.glob("*.txt"))

#: written here apart from the extractor's own: a figure as Danish documents print it
FIGURE = re.compile(
    r"^[(\[\"”“']?[-−–]?\d[\d.,\u00a0]*(?:[-–/]\d[\d.,]*)*(?:%|kr\.?|mio\.|mia\.)?"
    r"[)\]\"”“']?\**[.,:;!?)]*$"
)
WORD = re.compile(r"[^ \t]+")


@pytest.fixture(scope="module")
def results():
    return {path.name: (path, extract_document(path)) for path in DOCUMENTS}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_every_number_is_accounted_for(results, path):
    _, result = results[path.name]
    lines = path.read_text(encoding="utf-8").splitlines()
    figures = [
        (n, m.start()) for n, line in enumerate(lines, 1) for m in WORD.finditer(line) if FIGURE.match(m.group())
    ]
    accounting = result.accounting
    assert set(accounting.counts) == set(ACCOUNTING_CATEGORIES)
    assert accounting.total == len(figures)
    assert sorted((ln, start) for ln, start, _, _ in accounting.tokens) == sorted(figures)
    assert accounting.counts["unaccounted"] == 0
    # a number counted as a problem's is on a line a problem names, with its reason
    problem_lines = {ln for p in result.problems for ln in p.lines if p.message}
    assert {ln for ln, _, _, cat in accounting.tokens if cat == "problem"} <= problem_lines
    # a number counted as a cell is inside a cell's printed text on its line
    cells = {(c.line, c.col_start) for c in result.cells if c.col_start >= 0}
    for ln, start, word, cat in accounting.tokens:
        if cat == "cell":
            assert any(cl == ln and cs <= start for cl, cs in cells), (ln, word)


def _ends_in_figures(line: str) -> bool:
    words = line.split()
    if words and words[0].casefold().rstrip(".:") in ("telefon", "tlf", "fax"):
        return False  # a telephone number is not figures
    while words and words[-1] in ("kr.", "kr", "mio.", "mia."):
        words.pop()
    return len(words) >= 2 and FIGURE.match(words[-1]) and FIGURE.match(words[-2])


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_every_block_of_figures_is_a_table_or_a_problem(results, path):
    """Two or more lines next to each other (blank lines between them aside), each ending in
    two or more figures: every such line is read into a table or named by a problem."""
    _, result = results[path.name]
    lines = path.read_text(encoding="utf-8").splitlines()
    in_tables = {c.line for c in result.cells}
    for t in result.tables:
        in_tables |= t.text_lines
    reported = {ln for p in result.problems for ln in p.lines}
    furniture = {ln for ln, _, _, cat in result.accounting.tokens if cat == "furniture"}
    blocks, current = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip() or n in furniture:
            continue
        if _ends_in_figures(line):
            current.append(n)
            continue
        if len(current) >= 2:
            blocks.append(current)
        current = []
    lost = [
        (n, lines[n - 1].strip()[:60]) for block in blocks for n in block if n not in in_tables and n not in reported
    ]
    assert not lost, lost[:10]


def test_accounting_of_the_five_documents(results):
    """What the documents are made of (figures as measured on today's documents)."""
    totals = {name: r.accounting.counts for name, (_, r) in results.items()}
    kkr = totals["003_8f7892940b0a4590.txt"]
    assert kkr["cell"] > 2500 and kkr["unaccounted"] == 0
    assert totals["002_a15994a133d0f63f.txt"]["cell"] == 0  # mostly prose, no tables
    assert all(c["unaccounted"] == 0 for c in totals.values())


def test_extract_prints_the_accounting_and_rejected_blocks(capsys):
    assert main(["extract", str(SOURCES / "001_c6a00e9dc1fa19c5.txt")]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"\d+ numbers: \d+ in cells, \d+ in table headers and labels, \d+ in prose, "
        r"\d+ page furniture, \d+ in reported problems, 0 unaccounted",
        out,
    )
    # every table found, and every block of figures not read, with its line and reason
    assert "L7621   block      partial" in out
    assert re.search(
        r"! figures_outside_table: 001_c6a00e9dc1fa19c5.txt:7424-7430: figures outside "
        r"any table",
        out,
    )
    assert "! ambiguous_row: 001_c6a00e9dc1fa19c5.txt:7724 [Tabel 2 Regional Udvikling]" in out


def test_problem_kinds_are_named(results):
    kinds = {p.kind for _, r in results.values() for p in r.problems}
    assert ProblemKind.NO_TEXT_LAYER in kinds and ProblemKind.MISSING_ROWS in kinds
    assert all(isinstance(k, ProblemKind) for k in kinds)
