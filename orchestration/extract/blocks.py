"""Tables without a caption: runs of lines with figures anywhere in the document.

A candidate block starts at an anchor (a year header, or a line of figures with more like it
below), takes the label lines above it as its header, and is read like a captioned table.
It is kept when its header is understood and it yields figures; otherwise it is rejected,
and the rejection is remembered: lines of figures that no table keeps are reported with the
reason their candidate was rejected (see ``document``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .body import collect_body, is_prose
from .lines import LONE_ITEM_NUMBER_RE, TWO_YEARS_RE, LineIndex, dehyphenate_join
from .model import ProblemKind, Table
from .numbers import is_year
from .settings import DEFAULT, ExtractionSettings
from .tables import TableBuilder

HEADING_RE = re.compile(r"^\s?(\d+\.\d+)\s+[A-ZÆØÅ\"”“(]")
BULLET_PREFIXES = ("•", "➢", "-\t", "▪")
ENUMERATION_RE = re.compile(r"^\d{1,2}\.(?:\s|$)")
#: a house number in a column label: "Rørholtvej 3 A", "Østergade 52 C", "Lindalsvej 11, st."
ADDRESS_RE = re.compile(r"\b\d{1,3}(?: [A-ZÆØÅ]\b|, st\.)")
#: a figure a column label may hold besides a year: "19-23", "2020-23", "(KR2)", "0-17"
PERIOD_WORD_RE = re.compile(r"^\(?(?:\d{2,4}[-\u2013]\d{2,4}|[A-ZÆØÅ]+\d)\)?[*,:]?$")


@dataclass
class Rejected:
    """A candidate block that was not kept: its lines and why."""

    first_line: int  # 1-based
    last_line: int
    reason: str


def ends_sentence(s: str) -> bool:
    """Whether a line ends a sentence: ".", "!", "?", ":" or ";" after a word of four letters
    or more ("Erhvervsministeriet."), not after an abbreviation ("Max.", "kr.", "mv.")."""
    s = s.rstrip()
    if not s.endswith((".", ":", ";", "!", "?")):
        return False
    last = s.split()[-1].rstrip(".:;!?)")
    return sum(ch.isalpha() for ch in last) >= 4


class BlockScanner:
    """Finds the uncaptioned tables of one document, outside the lines already claimed."""

    def __init__(
        self,
        file: str,
        stem: str,
        index: LineIndex,
        nonempty: list[int],
        headings: list[int],
        footnotes: dict[int, list[int]],
        claimed: set[int],
        settings: ExtractionSettings = DEFAULT,
    ):
        self.file, self.stem, self.index = file, stem, index
        self.lines = index.lines
        self.nonempty = nonempty
        self.headings = headings
        self.footnotes = footnotes
        self.claimed = claimed
        self.claimed_starts = sorted({i for i in claimed if i - 1 not in claimed})
        self.settings = settings
        self.rejected: list[Rejected] = []
        self._row_widths: dict[int, int] = {}  # _is_row of the lines seen, once each

    # -- what a line is ---------------------------------------------------------------------------
    def _is_row(self, idx: int) -> int:
        """How many figures the line holds as a row (0 for prose, bullets, item numbers)."""
        width = self._row_widths.get(idx)
        if width is None:
            width = self._row_widths[idx] = self._row_width(idx)
        return width

    def _row_width(self, idx: int) -> int:
        s = self.lines[idx].strip()
        if not s or LONE_ITEM_NUMBER_RE.match(s) or s.startswith(BULLET_PREFIXES):
            return 0
        if idx in self.index.furniture:
            return 0
        label, _, cells = self.index.cells(idx)
        if label and len(label.split()) >= self.settings.prose_label_words:
            return 0
        if all(c.read_as == "integer" and is_year(c.raw) for c in cells):
            return 0  # "Opdrift 2026", "2026", "Budgetoplæg 2026 Budgetforslag 2026": a header line
        return len(cells)

    def _next_nonblank(self, idx: int, limit: int = 4) -> list[int]:
        out: list[int] = []
        j = idx + 1
        while j < len(self.lines) and len(out) < limit:
            if self.lines[j].strip() and j not in self.index.furniture:
                out.append(j)
            j += 1
        return out

    def _anchor(self, idx: int) -> bool:
        """A line a block can start at: years side by side, a line of three or more figures
        without a label, or a line of figures with another line like it just below."""
        if self.index.is_year_header(idx):
            return True
        n = self._is_row(idx)
        if n == 0:
            return False
        label = self.index.cells(idx)[0]
        if not label and n >= 3:
            return True
        following = [self._is_row(j) for j in self._next_nonblank(idx, 3)]
        if n >= 2 and any(f >= n for f in following):
            return True
        if n == 1 and label != "" and following[:2] == [1, 1]:
            return True
        # label / figure / label / figure: a list of key figures ("Sundhedsvæsen" / "14,8 mia. kr.")
        return n == 1 and label == "" and self._key_figure_pairs(idx) >= 2

    def _key_figure_pairs(self, idx: int) -> int:
        """How many (label line, single figure line) pairs alternate from the line above idx."""
        pairs = 0
        j = idx
        while True:
            above = self._previous_nonblank(j)
            if above is None or self._is_row(above) or is_prose(self.lines[above].strip()):
                break
            label, _, cells = self.index.cells(j)
            if label or len(cells) != 1:
                break
            pairs += 1
            nxt = self._next_nonblank(j, 2)
            if len(nxt) < 2:
                break
            j = nxt[1]
        return pairs

    def _previous_nonblank(self, idx: int) -> int | None:
        j = idx - 1
        while j >= 0 and (not self.lines[j].strip() or j in self.index.furniture):
            j -= 1
        return j if j >= 0 else None

    def _in_paragraph(self, j: int) -> bool:
        """Whether line j is part of a paragraph of prose: it starts lower-case after a line
        that does not end in a hyphen, or it ends a sentence after a long line that runs on
        into it ("... mellem KL og" / "Erhvervsministeriet.")."""
        s = self.lines[j].strip()
        above = self._previous_nonblank(j)
        prev = self.lines[above].strip() if above is not None else ""
        long_above = len(prev.split()) >= self.settings.prose_words
        runs_on = long_above and not ends_sentence(prev)
        if (s[:1].islower() and long_above) or (runs_on and is_prose(prev) and not any(map(str.isalpha, s))):
            return True  # the sentence above goes on here ("... i perioden" / "2021-2024.")
        return ends_sentence(s) and (len(s.split()) >= self.settings.prose_words or runs_on)

    def _first_row_of_run(self, idx: int) -> int:
        """The anchor may be the second row of its run ("Læger 0,5 0,5 mio.kr." under
        "Hæmatologisk afdeling 3.6 mio. kr."): the block starts at the run's first row."""
        while True:
            j = self._previous_nonblank(idx)
            if j is None or j in self.claimed or not self._is_row(j) or self.index.is_year_header(j):
                return idx
            label = self.index.cells(j)[0]
            if is_prose(label) or len(label.split()) >= self.settings.prose_words:
                return idx
            idx = j

    def _header_start(self, idx: int) -> int:
        """Go back over label-only lines (a few) that can be the block's header: not prose,
        not a paragraph's last line, not a bullet, a row or a numbered heading."""
        start = idx
        seen = 0
        blank = 0
        j = idx - 1
        while j >= 0 and seen < self.settings.max_block_header_lines and j not in self.claimed:
            s = self.lines[j].strip()
            if not s or j in self.index.furniture:
                blank = blank + 1 if self.lines[j] == "" else 0
                if blank >= self.settings.section_gap_blank_lines:
                    break
                j -= 1
                continue
            blank = 0
            if (
                s.startswith(BULLET_PREFIXES)
                or is_prose(s)
                or self._is_row(j)
                or HEADING_RE.match(self.lines[j])
                or self._in_paragraph(j)
                or (s.endswith(":") and len(s.split()) >= 3)
            ):  # "... fastsættes således:"
                break
            start, seen = j, seen + 1
            j -= 1
        return start

    def title_above(self, idx: int) -> str | None:
        """The short line just above a block, as its caption where no numbered heading is
        near ("De store tal", "• Hvor har de 86 læger nedsat sig")."""
        j = self._previous_nonblank(idx)
        if j is None or j in self.claimed or not self._title_like(j):
            return None
        parts = [self.lines[j]]
        above = self._previous_nonblank(j)
        # a title wrapped over two lines: "Forventet tilgang af ... i" / "Region Nordjylland"
        if (
            above is not None
            and above not in self.claimed
            and self._title_like(above)
            and self.lines[above].rstrip()[-1:].isalpha()
            and self.lines[above].rstrip().split()[-1].islower()
        ):
            parts.insert(0, self.lines[above])
        return dehyphenate_join(parts).lstrip("".join(BULLET_PREFIXES) + " \t")

    def lead_in(self, idx: int) -> str | None:
        """The sentence that introduces a table, just above it and ending in ":" ("Af
        nedenstående tabel fremgår det samlede finansieringsgrundlag for 2026:")."""
        j = self._previous_nonblank(idx)
        if j is None or j in self.claimed:
            return None
        s = self.lines[j].strip()
        if not s.endswith(":") or len(s.split()) > 25 or "tabel" not in s.casefold():
            return None
        return s.rstrip(":").strip()

    def _title_like(self, j: int) -> bool:
        s = self.lines[j].strip().lstrip("".join(BULLET_PREFIXES) + " \t")
        return bool(s) and not is_prose(s) and len(s.split()) <= 12 and not self.index.cells(j)[2]

    def _heading_text(self, j: int) -> str:
        """A numbered heading with its wrapped end ("1.1 Helårsvirkninger ... tekni-" / "ske
        reguleringer")."""
        parts = [self.lines[j]]
        k = j
        while parts[-1].rstrip().endswith("-") and len(parts) < 3:
            nxt = self._next_nonblank(k, 1)
            if not nxt or not self.lines[nxt[0]].strip()[:1].islower():
                break
            k = nxt[0]
            parts.append(self.lines[k])
        return dehyphenate_join(parts)

    def heading_before(self, idx: int) -> str | None:
        """The nearest numbered heading ("1.17 Konsolidering ...") above a line, outside
        tables, at most ``heading_search_lines`` above."""
        k = bisect_left(self.headings, idx) - 1
        while k >= 0 and self.headings[k] > idx - self.settings.heading_search_lines:
            j = self.headings[k]
            if j not in self.claimed:
                return self._heading_text(j)
            k -= 1
        return None

    def _next_claimed(self, idx: int, limit: int) -> int:
        k = bisect_right(self.claimed_starts, idx)
        return min(self.claimed_starts[k], limit) if k < len(self.claimed_starts) else limit

    def _claim(self, start: int, end: int) -> None:
        if end > start:
            self.claimed.update(range(start, end))
            k = bisect_left(self.claimed_starts, start)
            if k == len(self.claimed_starts) or self.claimed_starts[k] != start:
                self.claimed_starts.insert(k, start)

    def _after_rejected(self, idx: int, table: Table) -> int:
        """Where to look for the next block after a rejected candidate. A candidate that
        starts further down the same run of rows has no header of its own and holds the same
        rows, so it fails the same way: the scan goes on at the first line that could start
        another header (a line without figures), or at the first row the table could not
        place, whichever comes first."""
        stop = max(table.end_line or 0, idx + 1)
        bad = [p.line - 1 for p in table.problems if p.line > idx + 1 and p.kind is ProblemKind.AMBIGUOUS_ROW]
        if bad:
            stop = min(stop, min(bad))
        for j in range(idx + 1, stop):
            if self.lines[j].strip() and (not self.index.cells(j)[2] or self.index.is_year_header(j)):
                return j
        return stop

    def _implausible_column(self, table: Table) -> str | None:
        """A column label that is text or data, not a header (see _text_or_data_column), or a
        word of the rows' labels."""
        odd = self._text_or_data_column(table.columns)
        if odd is not None:
            return odd
        # words of the rows' labels as column names: the header is the first row's label
        row_words = {w for c in table.cells for w in c.row_label.split()}
        named = [c for c in table.columns if " " not in c and c in row_words]
        if len(named) >= 2:
            return named[0]
        return None

    def _text_or_data_column(self, columns: list[str]) -> str | None:
        """A column label of more than ``max_column_label_words`` words, or with figures
        other than years, periods and one small number ("Rørholtvej 3 A 9330")."""
        for label in columns:
            words = label.split()
            if len(words) > self.settings.max_column_label_words:
                return label
            figures = [w.strip("()*:,") for w in words if any(ch.isdigit() for ch in w)]
            odd = [w for w in figures if not (is_year(w) or PERIOD_WORD_RE.match(w))]
            # "fase 1", "spec. 51" are labels; "Rørholtvej 3 A 9330" is an address
            if len(odd) > 1 or any(len(w) > 2 for w in odd) or ADDRESS_RE.search(label):
                return label
        return None

    def _verdict(self, table: Table) -> str | None:
        """Why a candidate is not a table (None: it is one)."""
        if table.columns and table.columns[0].startswith("kolonne"):
            return "header not understood"
        odd = self._implausible_column(table)
        if odd is not None:
            return f"header not understood (a column would be named {odd[:60]!r})"
        if ENUMERATION_RE.match(table.stub) and any(ENUMERATION_RE.match(c.row_label) for c in table.cells):
            return "no header: the lines above the figures are the first item of a numbered list"
        useful = [c for c in table.cells if c.value is not None or c.value_low is not None]
        if len(useful) < self.settings.min_block_values:
            return f"{len(useful)} figure(s) read: too few for a table"
        if table.rows_with_extra_numbers > self.settings.max_extra_number_rows * max(table.rows, 1):
            return f"{table.rows_with_extra_numbers} of {table.rows} rows have more figures than the header has columns"
        unplaced = [p for p in table.problems if p.kind is ProblemKind.AMBIGUOUS_ROW]
        odd_rows = len(unplaced) + table.rows_with_extra_numbers
        if odd_rows > self.settings.max_odd_row_share * max(table.rows, 1):
            return (
                f"{len(unplaced)} of {table.rows} rows could not be placed in columns and "
                f"{table.rows_with_extra_numbers} had more figures than columns"
            )
        labels = [c for c in table.columns if len(c.split()) > 3]
        if len(labels) != len(set(labels)):
            return "cells of text: the same words head two columns"
        return None

    # -- the scan ----------------------------------------------------------------------------------
    def scan(self) -> list[Table]:
        lines = self.lines
        tables = []
        # only a line that ends like a cell or holds two years side by side can anchor a block
        maybe = []
        may_have_cells = self.index.may_have_cells
        for i in self.nonempty:
            if may_have_cells[i] or (("19" in (tail := lines[i]) or "20" in tail) and TWO_YEARS_RE.search(tail)):
                maybe.append(i)
        pos = 0
        idx = 0
        n = len(lines)
        while idx < n:
            pos = bisect_left(maybe, idx, pos)
            if pos == len(maybe):
                break
            idx = maybe[pos]
            if idx in self.claimed or not self._anchor(idx):
                idx += 1
                continue
            anchor = idx
            first_row = self._first_row_of_run(idx)
            start = self._header_start(first_row)
            stop = self._next_claimed(first_row, min(n, first_row + self.settings.max_block_lines))
            body = collect_body(self.index, start, stop, self.settings)
            if not any(r.cell_lines or r.column_major for r in body.rows):
                idx += 1
                continue
            heading = self.heading_before(start) or self.title_above(start)
            lead_in = self.lead_in(start)
            if lead_in:
                heading = f"{heading} – {lead_in}" if heading else lead_in
            table = Table(self.file, f"{self.stem}:L{start + 1}", None, heading or "", start + 1, "block")
            TableBuilder(table, body, self.footnotes, self.settings).build(
                columns_ok=lambda columns: self._text_or_data_column(columns) is None
            )
            end = max(body.end_line, anchor + 1)
            reason = self._verdict(table)
            if reason is None:
                if not table.caption:
                    table.caption = table.stub or dehyphenate_join([lines[i] for i in range(start, first_row)])
                for c in table.cells:
                    c.caption = table.caption
                tables.append(table)
                self._claim(start, end)
                idx = max(end, anchor + 1)
            else:
                self.rejected.append(Rejected(start + 1, end, reason))
                idx = max(self._after_rejected(anchor, table), anchor + 1)
                if self._run_given_up():
                    idx = max(idx, end)
        return tables

    def _run_given_up(self) -> bool:
        """Whether the latest rejected candidates, ``max_rejected_candidates_per_run`` of them,
        each started inside the one before: the rest of their run is left as they left it (its
        figure lines are reported with the first candidate's reason, see ``document``)."""
        last = self.rejected[-self.settings.max_rejected_candidates_per_run :]
        return len(last) == self.settings.max_rejected_candidates_per_run and all(
            a.first_line < b.first_line <= a.last_line for a, b in zip(last, last[1:])
        )
