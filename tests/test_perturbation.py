"""The same tables laid out by another PDF run: every cell comes out the same, or goes missing
with a reported problem; none comes out wrong.

The practice plan's Bilag 1 (Tabel 18-57) is rewritten many times over, each class of
perturbation at random places (fixed seeds), several tables per variant; see perturb.py.
"""

from __future__ import annotations

import random

import pytest
from conftest import BILAG1, KKR, SOURCES, printed_three_times
from perturb import PERTURBATIONS, Layout, apply, cells_by_key, compare, geo_key

from orchestration.extract import extract_document
from orchestration.extract.model import ProblemKind

VARIANTS = 12  # documents per class of perturbation
TABLES_EACH = 6  # tables perturbed in each document


@pytest.fixture(scope="module")
def bilag1(tmp_path_factory):
    lines = (SOURCES / KKR).read_text(encoding="utf-8").splitlines()[BILAG1[0] : BILAG1[1]]
    path = tmp_path_factory.mktemp("bilag1") / "bilag1.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    original = extract_document(path)
    layout = Layout(path, lines)
    assert len(layout.tables) >= 30  # the tables whose rows can be rewritten
    return path.parent, layout, original


def _variant(name, seed, layout):
    """A perturbed copy of the document: (lines, rows printed "-", rows left out)."""
    rng = random.Random(f"{name}-{seed}")
    tables = rng.sample(layout.tables, TABLES_EACH)
    tables.sort(key=lambda t: t.rows[0].first)
    edits, dashed, absent = {}, set(), set()
    for page, table in enumerate(tables, start=20 + seed * 10):
        for row, new in PERTURBATIONS[name](layout, table, rng, page).items():
            edits[row] = new
            if name == "absent_or_dash":
                (absent if not new else dashed).add(geo_key(row))
    return apply(layout, edits), dashed, absent


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_perturbed_layouts_give_the_same_cells(bilag1, name):
    folder, layout, original = bilag1
    tables = {t.number for t in layout.tables}
    failures = []
    expected = missing = 0
    for seed in range(VARIANTS):
        lines, dashed, absent = _variant(name, seed, layout)
        path = folder / f"{name}-{seed}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = extract_document(path)
        errors = compare(original, result, tables, dashed)
        for table, row in absent:  # a kommune left out is reported, by name
            t = next(t for t in result.tables if t.table == table)
            if not any(p.kind is ProblemKind.MISSING_ROWS and f"({row})" in p.message for p in t.problems):
                errors.append(f"Tabel {table}: no problem names the missing row {row}")
        failures += [f"seed {seed}: {e}" for e in errors]
        before, after = cells_by_key(original, tables), cells_by_key(result, tables)
        expected += len(before)
        missing += sum(1 for key in before.keys() - after.keys() if (key[0], key[1]) not in absent)
    assert not failures, "\n".join(failures[:20])
    # missing cells are reported, and few: ambiguous spaced thousands at most
    assert missing <= 0.01 * expected, f"{missing} of {expected} cells missing"


def test_page_breaks_are_skipped_not_read(bilag1):
    """The page furniture a page break adds is not read as rows, and the repeated header is
    not read as a group label."""
    folder, layout, original = bilag1
    lines, _, _ = _variant("page_break", 0, layout)
    path = folder / "breaks.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = extract_document(path)
    labels = {c.row_label for c in result.cells}
    assert not any("Side" in label or "Praksisplan" in label for label in labels)
    assert len(result.cells) == len(original.cells)
    furniture = [tok for tok in result.accounting.tokens if tok[3] == "furniture"]
    assert len(furniture) >= TABLES_EACH  # the page numbers inserted


@pytest.mark.parametrize("name", sorted(p.name for p in SOURCES.glob("*.txt")))
def test_a_document_printed_three_times_reads_the_same_in_each_copy(tmp_path, name):
    """Reissued: a document printed three times in one file (an appendix that repeats a report,
    a file saved twice over). Each copy reads cell for cell as the document alone, on lines
    moved by the copies before it: a row of a table that repeats beside the same page break
    in each copy is not a running header, and a footnote marker belongs to the definition
    below it, not to the first one in the file."""
    path, length = printed_three_times(name, tmp_path)
    one = extract_document(SOURCES / name)
    three = extract_document(path)
    assert len(three.tables) == 3 * len(one.tables)
    alone = sorted((c.line, c.row_label, c.column_label, c.value) for c in one.cells)
    for k in range(3):
        copy = sorted(
            (c.line - k * length, c.row_label, c.column_label, c.value)
            for c in three.cells
            if k * length < c.line <= (k + 1) * length
        )
        assert copy == alone, f"copy {k + 1}"
