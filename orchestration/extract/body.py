"""Collecting a table's body: which lines are its header, which are its rows, where it ends.

The lines after a caption (or around an uncaptioned block of figures) are read one by one.
Each line is handled by the first rule that claims it, one rule per kind of line:

=====================  ======================================================================
rule                   the line
=====================  ======================================================================
rotated_group_label    letters stacked one to three per line ("Pl"/"ej"/"ef"): a group label
page_furniture         a page number, page footer or running header/footer: skipped
caption                "Tabel N: ...": the next table; this one ends
source_note            "Kilde: ...", "Note: ...": the table ends with it
footnote               "* ..." after the rows: the table ends
repeated_header        the header printed again after a page break: skipped
year_header            "2019 2020 2021": the header, a group label's header, or a new table's
figure_caption         "Figur 4: ...": the table ends
header_continuation    before the rows: "Udvik-"/"ling"/"19-23", "Budget 2025", "årige pr. ..."
heading                a numbered heading after the rows ("6.2 Takstudviklingen ..."): ends
label_only             words without figures: the header, a wrapped label, or prose (ends)
long_label             a sentence that happens to end in a figure: ends
cells_only             figures without a label: the end of a wrapped row, a column-major run,
                       or a row whose label is its first figure
row                    a label and figures
=====================  ======================================================================

Rules return CONTINUE (the line is used, go on), END (the table ended before or at this
line) or None (not this rule's line). The body keeps every line it used, so the accounting
can say which numbers belong to the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from . import geo as geomod
from .lines import CAPTION_RE, LONE_ITEM_NUMBER_RE, YEAR_RANGE_RE, LineIndex, RawCell, dehyphenate_join
from .numbers import is_year
from .settings import DEFAULT, ExtractionSettings
from .tally import commonest

HEADING_RE = re.compile(r"^\s?\d+(?:\.\d+)+\s+[A-ZÆØÅ\"”“(]")
FIGURE_RE = re.compile(r"^Figur\s+\S+:")
VERTICAL_FRAGMENT_RE = re.compile(r"^(?=.*[a-zæøå])[A-Za-zÆØÅæøå]{1,3}-?$")
SECTION_MARK = "\x00section:"
_STOP_INITIALS = frozenset("SKNT*F")  # first letters of "Side", "Kilde", "Note", "Tabel", "*", "Figur"
_WRAP_ENDINGS = ("-", ",")


@dataclass
class RawRow:
    label_parts: list[tuple[str, int]]
    cell_lines: list[list[RawCell]]
    line: int
    section: str | None
    label_end: int = 0
    text: str = ""
    cells_only: bool = False
    extra_label: str = ""
    cells: list[RawCell | None] = field(default_factory=list)
    #: a column-major run: the figures the PDF printed one per line, column by column, for
    #: the rows named in ``units`` (resolved once the column count is known)
    column_major: list[RawCell] | None = None
    units: list[list[tuple[str, int]]] | None = None
    texts: dict[int, str] = field(default_factory=dict)  # line -> text, of every cell line
    placed_by: str = "position"

    @property
    def ncells(self) -> int:
        n = 0  # a loop mypyc compiles, where sum(map(len, ...)) goes through Python calls
        for line in self.cell_lines:
            n += len(line)
        return n

    @property
    def figures(self) -> list[RawCell]:
        """Every figure of the row, line after line."""
        return [c for line in self.cell_lines for c in line]


@dataclass
class Body:
    header_lines: list[tuple[str, int]]
    rows: list[RawRow]
    end_line: int
    ended_by: str
    skipped: dict[int, str] = field(default_factory=dict)  # line -> why (furniture, repeated header)
    #: label lines left waiting when the table ended (the last label of figure / label pairs)
    trailing_labels: list[tuple[str, int]] = field(default_factory=list)


class Step(Enum):
    CONTINUE = "continue"
    END = "end"


CONTINUE, END = Step.CONTINUE, Step.END
#: a rule of the body reader: given (line number, text, stripped text), what to do with the
#: line, or None when the rule does not apply
Rule = Callable[[int, str, str], "Step | None"]


def nonblank_lines(lines: list[str], start: int, stop: int) -> Iterator[tuple[int, str, str]]:
    """Non-blank lines as (1-based number, text, stripped text). A run of three or more
    one-to-three letter lines ("Pl" / "ej" / "ef" / ...) is rotated text, a group label:
    yielded as one line, SECTION_MARK + the joined letters."""
    run: list[tuple[int, str, str]] = []
    for idx in range(start, stop):
        text = lines[idx]
        stripped = text.strip()
        if not stripped:
            continue
        if len(stripped) <= 4 and VERTICAL_FRAGMENT_RE.match(stripped):
            run.append((idx + 1, text, stripped))
            continue
        if run:
            if len(run) >= 3:
                joined = SECTION_MARK + re.sub(r"-(?=[a-zæøå])", "", "".join(r[2] for r in run))
                yield run[0][0], joined, joined
            else:
                yield from run
            run = []
        yield idx + 1, text, stripped
    yield from run


def is_prose(s: str, settings: ExtractionSettings = DEFAULT) -> bool:
    """A sentence, not a header or label: many words, mostly lower-case, and not the same
    column words twice ("Udgifter i fase 1 (mio. kr.) Udgifter i fase 2 (mio. kr.)")."""
    words = s.split()
    lower = sum(1 for w in words if w[:1].islower())
    if len(words) < settings.header_prose_words or lower < len(words) / 2:
        return False
    return not (words[0][:1].isupper() and words.count(words[0]) > 1)


def _norm(text: str) -> str:
    return " ".join(text.split())


class BodyReader:
    """Reads lines [start, stop) (0-based) of a document into a Body."""

    def __init__(self, index: LineIndex, start: int, stop: int, settings: ExtractionSettings = DEFAULT):
        self.index, self.start, self.stop, self.settings = index, start, stop, settings
        self.header: list[tuple[str, int]] = []
        self.rows: list[RawRow] = []
        self.pending: list[tuple[str, int]] = []
        self.section: str | None = None
        self.widths: dict[int, int] = {}  # rows by number of figures (0 not counted)
        self.skipped: dict[int, str] = {}
        self.ended_by, self.end_line = "end_of_file", stop
        self.trailing: list[tuple[str, int]] = []  # label lines left when the table ended
        self._lookahead: list[tuple[int, str, str]] = []
        self._repeat_pos = 0  # how many lines of a repeated header have been seen
        self._header_norms: list[str] | None = None
        self._repeat_starts: dict[str, int] = {}
        # per line, once it is read: label, where the label ends, cells
        self.label, self.label_end = "", 0
        self.cells: list[RawCell] = []

    # -- driving -------------------------------------------------------------------------------
    def read(self) -> Body:
        # the rules in the order they are tried, before and after a line's cells are read (kept
        # here, not on self: bound methods on self would make a reference cycle of every
        # reader, its rows and cells, left for the cyclic garbage collector)
        rules_before_cells: list[Rule] = [
            self.rotated_group_label,
            self.page_furniture,
            self.caption,
            self.source_note,
            self.footnote,
            self.repeated_header,
            self.year_header,
            self.figure_caption,
        ]
        rules_after_cells: list[Rule] = [
            self.header_continuation,
            self.heading,
            self.label_only,
            self.title_after_total,
            self.long_label,
            self.cells_only,
            self.row,
        ]
        lines = nonblank_lines(self.index.lines, self.start, self.stop)
        self._stream = lines
        for ln, text, s in self._lines():
            step = self._apply(rules_before_cells, ln, text, s)
            if step is None:
                self._read_cells(ln, text, s)
                step = self._apply(rules_after_cells, ln, text, s)
            if step is END:
                break
        else:
            self.ended_by, self.end_line = "end_of_file", self.stop
            if self.pending and self.rows:
                # label-only lines left at the end of the file: a row cut off before its figures
                self._append(RawRow(list(self.pending), [], self.pending[0][1], self.section, text=self.pending[0][0]))
        return Body(self.header, self.rows, self.end_line, self.ended_by, self.skipped, self.trailing)

    def _lines(self) -> Iterator[tuple[int, str, str]]:
        while True:
            if self._lookahead:
                yield self._lookahead.pop(0)
                continue
            nxt = next(self._stream, None)
            if nxt is None:
                return
            yield nxt

    def _peek(self, n: int) -> list[tuple[int, str, str]]:
        """The next n non-blank lines (not consumed)."""
        while len(self._lookahead) < n:
            nxt = next(self._stream, None)
            if nxt is None:
                break
            self._lookahead.append(nxt)
        return self._lookahead[:n]

    @staticmethod
    def _apply(rules: list[Rule], ln: int, text: str, s: str) -> Step | None:
        for rule in rules:
            step = rule(ln, text, s)
            if step is not None:
                return step
        return None

    def _end(self, how: str, end_line: int) -> Step:
        """The table ended. Label lines still waiting are not part of it (a heading, the
        first words of the text after it): it ends before them."""
        if self.pending:
            end_line = min(end_line, self.pending[0][1] - 1)
        self.ended_by, self.end_line = how, end_line
        self.trailing = self._pending_units()[0] if self.pending else []
        return END

    def _read_cells(self, ln: int, text: str, s: str) -> None:
        label, label_end, cells = self.index.cells(ln - 1)
        if len(cells) == 1 and cells[0].raw == "\u2013" and label:
            label, cells = s, []  # "§101 –" / "Børn og unge": an en dash inside a wrapped label
        if s[:1].isdigit() and LONE_ITEM_NUMBER_RE.match(s):
            label, cells = s, []  # "1.25" alone: the number of a budget item whose title follows
        self.label, self.label_end, self.cells = label, label_end, cells

    # -- rules before the line's cells are read -----------------------------------------------------
    def rotated_group_label(self, ln: int, text: str, s: str) -> Step | None:
        if text.startswith(SECTION_MARK):
            self.section = text[len(SECTION_MARK) :]
            return CONTINUE
        return None

    def page_furniture(self, ln: int, text: str, s: str) -> Step | None:
        if ln - 1 in self.index.furniture:
            self.skipped[ln] = "page furniture"
            return CONTINUE
        return None

    def caption(self, ln: int, text: str, s: str) -> Step | None:
        if s.startswith("Tabel") and CAPTION_RE.match(text):
            return self._end("next_caption", ln - 1)
        return None

    def source_note(self, ln: int, text: str, s: str) -> Step | None:
        if s[0] in _STOP_INITIALS and s.startswith(("Kilde:", "Kilde ", "Note:", "Noter:")):
            return self._end("kilde", ln)
        return None

    def footnote(self, ln: int, text: str, s: str) -> Step | None:
        if self.rows and s.startswith("*"):
            return self._end("note", ln)
        return None

    def repeated_header(self, ln: int, text: str, s: str) -> Step | None:
        """After a page break the header can be printed again, once rows have begun: from its
        first line or from its line of years, then its next lines in order. Label lines just
        before it name a group of rows ("Godkendelse af nyt tilbud" / "2021 2022 2023 2024")."""
        if not (self.rows and self.header):
            return None
        if self._header_norms is None:  # the header is complete once rows have begun
            self._header_norms = [_norm(h) for h, _ in self.header]
            self._repeat_starts = {
                self._header_norms[k]: k
                for k, (h, hln) in reversed(list(enumerate(self.header)))
                if k == 0 or self.index.is_year_header(hln - 1)
            }
        norm = _norm(s)
        if self._repeat_pos and self._repeat_pos < len(self.header) and norm == self._header_norms[self._repeat_pos]:
            self._repeat_pos += 1
        elif norm in self._repeat_starts:
            self._group_label_from_pending()
            self._repeat_pos = self._repeat_starts[norm] + 1
        else:
            self._repeat_pos = 0
            return None
        self.skipped[ln] = "header repeated"
        return CONTINUE

    def _group_label_from_pending(self) -> None:
        self.section = dehyphenate_join([p[0] for p in self.pending]) or self.section
        self.pending.clear()

    def year_header(self, ln: int, text: str, s: str) -> Step | None:
        if not self.index.is_year_header(ln - 1):
            return None
        if not self.rows:
            self.header.extend(self.pending)
            self.pending.clear()
            self.header.append((text, ln))
            return CONTINUE
        stub = _stub_of(s)
        if stub and stub != _stub_of(" ".join(h for h, _ in self.header)):
            # "Finansieringsforslag - Mio. kr. 2026 2027 2028" below a table: the next table
            if self.pending:
                return self._end("next_header", self.pending[0][1] - 1)
            return self._end("next_header", ln - 1)
        # the years again under a group label ("Godkendelse af nyt tilbud" / "2021 2022 ...")
        self._group_label_from_pending()
        self.skipped[ln] = "header repeated"
        return CONTINUE

    def figure_caption(self, ln: int, text: str, s: str) -> Step | None:
        if s[0] == "F" and FIGURE_RE.match(s):
            return self._end("figure", ln - 1)
        return None

    # -- rules once the line's cells are read ----------------------------------------------------------
    def header_continuation(self, ln: int, text: str, s: str) -> Step | None:
        """Before the first row, figures that belong to the header: "Udvik-" / "ling" /
        "19-23"; "Samlet antal 0-17-" / "årige pr. 2. kv. 2023"; "Budget 2025"; "År 2024 År
        2023"."""
        label, cells = self.label, self.cells
        if self.rows or not cells:
            return None
        years = all(c.read_as == "integer" and is_year(c.raw) for c in cells)
        if (
            (self.header and not label and len(cells) == 1 and YEAR_RANGE_RE.match(cells[0].raw))
            or (self.header and label[:1].islower() and years)
            or years
        ):
            self.header.extend(self.pending)
            self.pending.clear()
            self.header.append((text, ln))
            return CONTINUE
        return None

    def label_only(self, ln: int, text: str, s: str) -> Step | None:
        if self.cells:
            return None
        settings = self.settings
        if not self.rows:
            if is_prose(s, settings):
                return self._end("prose", ln - 1)
            self.header.append((text, ln))
            return CONTINUE
        words = len(s.split())
        if (
            (words >= settings.prose_words and s.endswith((".", ":", ";")))
            or (words >= settings.prose_words_unpunctuated and not s.endswith("-"))
            or words >= settings.prose_label_words
        ) and not self._row_label_ahead():
            return self._end("prose", ln - 1)
        self.pending.append((text, ln))
        if (
            len(self.pending) >= settings.max_pending_label_lines
            and not self.pending[-2][0].rstrip().endswith(_WRAP_ENDINGS)
            and not self._column_major_ahead()
        ):
            self._end("prose", self.pending[0][1] - 1)
            self.pending.clear()
            return END
        return CONTINUE

    def heading(self, ln: int, text: str, s: str) -> Step | None:
        """A numbered heading ends the table: after a Total row ("6.2 Takstudviklingen fra
        2021 - 2024"), or with fewer figures than the rows have (" 1.2 ... version 2.0")."""
        if not (self.rows and HEADING_RE.match(s)) or self._row_label_ahead():
            return None
        last = self.rows[-1]
        after_total = bool(last.label_parts) and geomod.is_total_label(last.label_parts[-1][0])
        usual = self._usual_width()
        if after_total or (usual and len(self.cells) < usual):
            return self._end("heading", ln - 1)
        return None

    def title_after_total(self, ln: int, text: str, s: str) -> Step | None:
        """After a total row, a year alone, or a label ending in a year alone, is the next
        title or header ("Kommunekvoter for 2026"; "Bilag B. Beregnede kommunekvoter" /
        "2026"), not a row."""
        if not (
            self.rows and len(self.cells) == 1 and self.cells[0].read_as == "integer" and is_year(self.cells[0].raw)
        ):
            return None
        last = self.rows[-1]
        if last.label_parts and last.ncells and geomod.is_total_label(last.label_parts[-1][0]):
            return self._end("heading", ln - 1)
        return None

    def long_label(self, ln: int, text: str, s: str) -> Step | None:
        if self.label and len(self.label.split()) >= self.settings.prose_label_words:
            return self._end("prose", ln - 1)
        return None

    def cells_only(self, ln: int, text: str, s: str) -> Step | None:
        if self.label:
            return None
        if self._pairs_end_at_gap(ln):
            return self._end("gap", self.pending[0][1] - 1 if self.pending else ln - 1)
        cells = self.cells
        if len(cells) == 1 and not self.rows and not self.pending:
            self._header_tail_to_pending()
        if len(cells) == 1 and self._column_major_start():
            self._read_column_major(ln, text)
            return CONTINUE
        row_year = self._lone_year_in_label(cells)
        if row_year:
            return CONTINUE
        if self.pending:
            self._append(RawRow(list(self.pending), [cells], ln, self.section, text=text, texts={ln: text}))
            self.pending.clear()
        else:
            self._append(RawRow([], [cells], ln, self.section, text=text, cells_only=True, texts={ln: text}))
        return CONTINUE

    def row(self, ln: int, text: str, s: str) -> Step | None:
        if self._new_table_after_total():
            return self._end("next_table", self.pending[0][1] - 1)
        if self._number_in_address():
            self.pending.append((text, ln))  # "Nordens Alle 61" / "9700 Brønderslev" / figures
            return CONTINUE
        wrapped = self._flush_pending_as_rows(self.label)
        self._append(
            RawRow(
                wrapped + [(self.label, ln)],
                [self.cells],
                ln,
                self.section,
                label_end=self.label_end,
                text=text,
                texts={ln: text},
            )
        )
        return CONTINUE

    # -- helpers ----------------------------------------------------------------------------------------
    def _append(self, row: RawRow) -> None:
        self.rows.append(row)
        if row.ncells:
            self.widths[row.ncells] = self.widths.get(row.ncells, 0) + 1

    def _usual_width(self) -> int | None:
        """The number of figures most rows so far have."""
        return commonest(self.widths)

    def _row_label_ahead(self) -> bool:
        """A numbered line followed (within two label lines) by a line of figures as wide as
        the rows: the numbered label of a row ("1.14 Styrkelse ... overholdelse af" /
        "patientrettigheder" / "10 20"), not a heading."""
        usual = self._usual_width()
        if not usual:
            return False
        for ln, _text, s in self._peek(3):
            if ln - 1 in self.index.furniture:
                continue
            label, _, cells = self.index.cells(ln - 1)
            if cells:
                return not label and len(cells) == usual
            if is_prose(s, self.settings) or len(s.split()) >= self.settings.prose_words:
                return False
        return False

    def _number_in_address(self) -> bool:
        """A label line ending in one small whole number, in a table whose rows have three or
        more figures, followed by a line of words and then the row's figures: the number is
        part of the label (a house number: "Nordens Alle 61" / "9700 Brønderslev")."""
        cells = self.cells
        if len(cells) != 1 or cells[0].read_as != "integer" or len(cells[0].raw) > 3:
            return False
        usual = self._usual_width()
        if not usual or usual < 3:
            return False
        ahead = [a for a in self._peek(3) if a[0] - 1 not in self.index.furniture][:2]
        if len(ahead) < 2:
            return False
        (l1, _, _), (l2, _, _) = ahead
        cells1 = self.index.cells(l1 - 1)[2]
        label2, _, cells2 = self.index.cells(l2 - 1)
        return not cells1 and not label2 and len(cells2) == usual

    def _new_table_after_total(self) -> bool:
        """A total row, then label lines (a new header), then rows of another width: the
        next table ("Samlet, prioriteringsforslag 13,3 30,6 30,6 30,6" / "Budget 2026 (mio.
        kr.) Min. Max." / "Robustgørelse ... 51,2 62,2")."""
        if not (self.pending and self.rows):
            return False
        last = self.rows[-1]
        if not (last.label_parts and last.ncells and geomod.is_total_label(last.label_parts[-1][0])):
            return False
        return len(self.cells) != last.ncells

    def _pending_units(self) -> list[list[tuple[str, int]]]:
        """Pending label-only lines grouped into labels: a line ending in "-" or "," or one
        after an item number continues into the next, as does a line starting lower-case."""
        units: list[list[tuple[str, int]]] = []
        for text, ln in self.pending:
            s = text.strip()
            if units and (
                units[-1][-1][0].rstrip().endswith(_WRAP_ENDINGS)
                or s[:1].islower()
                or LONE_ITEM_NUMBER_RE.match(units[-1][-1][0].strip())
            ):
                units[-1].append((text, ln))
            else:
                units.append([(text, ln)])
        return units

    def _flush_pending_as_rows(self, next_label: str) -> list[tuple[str, int]]:
        """Label-only lines before a labelled row: wrapped into it, or rows without cells."""
        if not self.pending:
            return []
        units = self._pending_units()
        joined_into_next: list[tuple[str, int]] = []
        last = units[-1]
        if (
            last[-1][0].rstrip().endswith(_WRAP_ENDINGS)
            or next_label[:1].islower()
            or names_a_place_with(last, next_label)
        ):
            joined_into_next = units.pop()
        for unit in units:
            note = dehyphenate_join([p[0] for p in unit])
            if note.startswith("(") and note.endswith(")") and self.rows and self.rows[-1].label_parts:
                self.rows[-1].label_parts.extend(unit)  # "(finansieres af En stærkere Psykiatri)"
                continue
            self._append(RawRow(unit, [], unit[0][1], self.section, text=unit[0][0]))
        self.pending.clear()
        return joined_into_next

    def _pairs_end_at_gap(self, ln: int) -> bool:
        """A list of label / figure pairs on their own lines ("Sundhedsvæsen" / "14,8 mia.
        kr.") ends at a wide gap of blank lines (the next group on a slide)."""
        if not self.rows or any(r.label_parts and r.cell_lines and r.label_parts[-1][1] == r.line for r in self.rows):
            return False  # a row has its label and figures on one line: not a list of pairs
        first = self.pending[0][1] if self.pending else ln
        previous = max(self.rows[-1].texts or {self.rows[-1].line: ""})
        run = longest = 0
        for i in range(previous, first - 1):
            run = run + 1 if self.index.lines[i] == "" else 0
            longest = max(longest, run)
        return longest >= self.settings.section_gap_blank_lines

    def _header_tail_to_pending(self) -> None:
        """Label lines after the header's years, before a first row of single figures, are
        the row labels of a column-major run (if single figures follow)."""
        last_years = max(
            (k for k, (h, ln) in enumerate(self.header) if self.index.is_year_header(ln - 1)), default=None
        )
        if last_years is None:
            return
        tail = self.header[last_years + 1 :]
        if len(tail) < 2 or self._single_figure_lines_ahead() < 1:
            return
        saved = self.pending
        self.pending = list(tail)
        if len(self._pending_units()) >= 2:
            del self.header[last_years + 1 :]
        else:
            self.pending = saved

    def _single_figure_lines_ahead(self) -> int:
        """How many of the next lines hold one figure and nothing else (page furniture between
        them does not count and does not interrupt)."""
        n = 0
        k = 1
        while True:
            ahead = self._peek(k)
            if len(ahead) < k:
                return n
            ln, text, s = ahead[-1]
            k += 1
            if ln - 1 in self.index.furniture:
                continue
            label, _, cells = self.index.cells(ln - 1)
            if label or len(cells) != 1:
                return n
            n += 1

    def _column_major_start(self) -> bool:
        """Two or more labels waiting, and this single figure followed by more single figures:
        the PDF printed the table's figures one per line, column by column."""
        return len(self._pending_units()) >= 2 and self._single_figure_lines_ahead() >= 1

    def _column_major_ahead(self) -> bool:
        """While label lines pile up: do single figures follow them?"""
        ahead = self._peek(1)
        if not ahead:
            return False
        label, _, cells = self.index.cells(ahead[0][0] - 1)
        return not label and len(cells) == 1

    def _read_column_major(self, ln: int, text: str) -> None:
        units = self._pending_units()
        values = [self.cells[0]]
        texts = {ln: text}
        for _ in range(self._single_figure_lines_ahead()):
            while True:
                nln, ntext, _ = self._lookahead.pop(0)
                if nln - 1 in self.index.furniture:
                    self.skipped[nln] = "page furniture"
                    continue
                break
            values.append(self.index.cells(nln - 1)[2][0])
            texts[nln] = ntext
        self._append(RawRow([], [], ln, self.section, text=text, column_major=values, units=units, texts=texts))
        self.pending.clear()

    def _lone_year_in_label(self, cells: list[RawCell]) -> bool:
        """ "Driftsbudget" / "2024" / "15,9 mia. kr.": a year alone between a label and its
        figure belongs to the label."""
        if not (
            self.pending and self.rows and len(cells) == 1 and cells[0].read_as == "integer" and is_year(cells[0].raw)
        ):
            return False
        ahead = self._peek(1)
        if not ahead:
            return False
        label, _, nxt = self.index.cells(ahead[0][0] - 1)
        if label or len(nxt) != 1 or nxt[0].unit is None:
            return False
        ln = cells[0].line
        self.pending.append((self.index.lines[ln - 1], ln))
        return True


def names_a_place_with(unit: list[tuple[str, int]], label: str) -> bool:
    """ "Region" / "Nordjylland 36,7 ...": a word that, wrapped onto the next label, names a
    place it does not name alone."""
    head = dehyphenate_join([p[0] for p in unit])
    together = geomod.match_geo(f"{head} {label}")
    return together[1] == "exact" and geomod.match_geo(head)[0] is None and len(head.split()) <= 2


def _stub_of(header_text: str) -> str:
    """The words of a year header before its run of years ("Finansieringsforslag - Mio. kr.
    - 2026 p/l" of "... 2026 p/l 2026 2027 2028"), normalised."""
    toks = header_text.split()
    first_year = next((i for i in range(len(toks) - 1) if is_year(toks[i]) and is_year(toks[i + 1])), len(toks))
    return _norm(" ".join(toks[:first_year])).casefold()


def collect_body(index: LineIndex | list[str], start: int, stop: int, settings: ExtractionSettings = DEFAULT) -> Body:
    """Walk lines [start, stop) (0-based) and group them into header lines and raw rows."""
    if not isinstance(index, LineIndex):
        index = LineIndex(index)
    return BodyReader(index, start, stop, settings).read()
