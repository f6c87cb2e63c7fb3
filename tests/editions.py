"""A next edition of a real document, made from it: what next year's practice plan would print.

Every table of years moves on by one year: its first year column goes, a new last year comes
(printed with the figures of the year before it: a year without change), the years of its
caption and header move on ("2019-23" -> "2020-24"), and its Udvikling column is recomputed
for the new period from the figures printed. The years both editions print keep their
figures, except the ones named in ``revisions``: those are what the new edition corrects.
Only cells move; labels, page furniture and the rest of the text stay as printed, so the
new edition is laid out as the old one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from orchestration.extract import extract_document
from orchestration.extract.model import Cell

#: a year 2019-2023, or a period of them ("2019-23", "19-23", "2020-2023")
_YEARS_RE = re.compile(r"\b(?:(?P<a>(?:20)?(?:19|2[0-3]))-(?P<b>(?:20)?(?:19|2[0-3]))|(?P<y>20(?:19|2[0-3])))\b")


def _next(year: str) -> str:
    return str(int(year) + 1).rjust(len(year), "0")[-len(year) :]


def shift_header(text: str) -> str:
    """Years 2019-2023 and periods of them one year on: "fra 2019-23" -> "fra 2020-24"."""

    def sub(m: re.Match) -> str:
        if m.group("y"):
            return _next(m.group("y"))
        return f"{_next(m.group('a'))}-{_next(m.group('b'))}"

    return _YEARS_RE.sub(sub, text)


def danish(value: Decimal, decimals: int) -> str:
    """A figure printed as the document prints it: "1.050", "7,28", "-5"."""
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = ".".join([whole, *groups])
    return sign + text + ("," + frac if frac else "")


def _with_unit(raw: str, number: str) -> str:
    """The raw text of a cell with its figure replaced: "1.043 kr." -> "1.050 kr."."""
    m = re.match(r"^[-\u2212\u2013]?[\d.,]+", raw)
    return number + raw[m.end() :] if m else number


def next_edition(path: Path, revisions: dict[tuple[str, str, int], str] | None = None) -> str:
    """The text of ``path`` one edition later. ``revisions``: (table number, row label, year)
    -> the figure the new edition prints there instead (as printed, "1.050 kr.")."""
    revisions = dict(revisions or {})
    result = extract_document(path)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    edits: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # 0-based line -> (start, end, new)
    header_lines: set[int] = set()
    for t in result.tables:
        years = [k for k, c in enumerate(t.columns) if re.fullmatch(r"20(19|2[0-3])", c)]
        if t.kind != "captioned" or len(years) < 3 or t.status not in ("ok", "partial"):
            continue
        period = next((k for k, c in enumerate(t.columns) if c.casefold().startswith("udvikling")), None)
        header_lines |= {t.caption_line - 1, *(ln - 1 for ln in t.header_lines)}
        header_lines |= {ln - 1 for ln in t.text_lines}
        rows: dict[int, dict[int, Cell]] = defaultdict(dict)
        for c in t.cells:
            rows[c.row_index][c.col_index] = c
        for row in rows.values():
            cells = [row.get(k) for k in years]
            if any(c is None or c.value is None or c.col_start < 0 for c in cells):
                continue
            first, last = cells[0], cells[-1]
            label = first.row_label
            year_of = [int(t.columns[k]) for k in years]
            raws = {y: c.raw for y, c in zip(year_of, cells)}
            values = {y: c.value for y, c in zip(year_of, cells)}
            new_year = year_of[-1] + 1
            raws[new_year], values[new_year] = last.raw, last.value
            for year in list(raws):
                revised = revisions.pop((t.table, label, year), None)
                if revised is not None:
                    raws[year] = revised
                    values[year] = Decimal(re.sub(r"[^\d,-]", "", revised).replace(",", "."))
            for y, c in zip(year_of[1:], cells[1:]):  # the years both editions print, revised where asked
                if raws[y] != c.raw:
                    edits[c.line - 1].append((c.col_start, c.col_start + len(c.raw), raws[y]))
            edits[first.line - 1].append((first.col_start, first.col_start + len(first.raw), ""))
            end = last.col_start + len(last.raw)
            edits[last.line - 1].append((end, end, " " + raws[new_year]))
            udvikling = row.get(period) if period is not None else None
            v_from, v_to = values[year_of[1]], values[new_year]
            if udvikling is not None and udvikling.value is not None and v_from:
                change = v_to - v_from if udvikling.unit == "procentpoint" else 100 * (v_to / v_from - 1)
                new = _with_unit(udvikling.raw, danish(change, udvikling.decimals))
                edits[udvikling.line - 1].append((udvikling.col_start, udvikling.col_start + len(udvikling.raw), new))
    assert not revisions, f"revisions not found in the document: {sorted(revisions)}"
    for i in header_lines:
        lines[i] = shift_header(lines[i])
    for i, line_edits in edits.items():
        line = lines[i]
        for start, end, new in sorted(line_edits, key=lambda e: (e[0], e[1]), reverse=True):
            line = line[:start] + new + line[end:]
        lines[i] = line
    return "\n".join(lines)
