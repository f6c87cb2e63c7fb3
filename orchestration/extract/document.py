"""Extracting every table of one document, and accounting for every number in it.

The stages, in order:

1. decode the file (UTF-8, else cp1252 with a warning; binary and empty files are refused);
2. find the page furniture (``furniture``): page numbers, running headers and footers;
3. read every captioned table ("Tabel 21: ..."), its body up to the next caption;
4. find the uncaptioned tables (``blocks``), and give a caption whose table was not printed
   below it (the body was placed elsewhere in the text) the block that matches it;
5. report every line of figures that no table took: with the reason its candidate block was
   rejected, or as figures outside any table;
6. account for every number (``accounting``).
"""

from __future__ import annotations

import codecs
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import compress
from pathlib import Path

from . import accounting
from .blocks import HEADING_RE, BlockScanner, Rejected
from .body import collect_body
from .furniture import find_furniture
from .geo import fold
from .lines import CAPTION_RE, FOOTNOTE_DEF_RE, LineIndex, dehyphenate_join
from .model import DocumentResult, ExtractionError, Problem, ProblemKind, Table
from .settings import DEFAULT, ExtractionSettings
from .statements import find_statements
from .tables import TableBuilder, table_unit

#: byte order marks and their encodings, longest first
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(path: Path, data: bytes) -> tuple[str, str, list[Problem]]:
    """Decode a document. A byte order mark says the encoding (UTF-8, UTF-16, UTF-32); PDF,
    binary and empty files are refused; other text that is not UTF-8 is read as cp1252 with a
    warning naming the first undecodable line."""
    name = path.name
    if not data.strip():
        raise ExtractionError(name, "empty file: no text to extract")
    for bom, encoding in _BOMS:  # UTF-32 first: its little-endian BOM begins with UTF-16's
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise ExtractionError(
                    name, f"starts with a {encoding} byte order mark but is not valid {encoding} (byte {exc.start})"
                ) from exc
    if data.startswith(b"%PDF-"):
        raise ExtractionError(
            name, "a PDF file, not text: extract its text layer first (pdftotext -layout FILE.pdf FILE.txt)", 1
        )
    if b"\x00" in data[:65536]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ExtractionError(name, "binary file (NUL bytes): not a text document", line)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace")
        warn = Problem(
            name, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); decoded as cp1252", kind=ProblemKind.NOT_UTF8
        )
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text) * 0.01:
            raise ExtractionError(name, "binary file: not a text document", line) from exc
        return text, "cp1252", [warn]


def nonempty_lines(lines: list[str]) -> list[int]:
    """Indices of the lines that are not empty strings (in PDF text about 40% are)."""
    return list(compress(range(len(lines)), lines))


def digit_led_lines(lines: list[str], indices: list[int]) -> list[int]:
    """Lines with a digit in the first two characters: the only ones that can be footnote
    definitions ("9 Grundet ...") or numbered headings (" 1.17 Konsolidering ...")."""
    return [i for i in indices if (text := lines[i])[:1].isdigit() or text[1:2].isdigit()]


def footnote_definitions(lines: list[str], candidates: list[int]) -> dict[int, list[int]]:
    """Footnote number -> 1-based lines of its definitions ("9 Grundet fejl i ..."), in order:
    a number may be defined again (numbering that restarts, a report printed twice)."""
    out: dict[int, list[int]] = {}
    for idx in candidates:
        text = lines[idx]
        m = FOOTNOTE_DEF_RE.match(text)
        if m and len(text.split()) >= 4:
            out.setdefault(int(m.group(1)), []).append(idx + 1)
    return out


def caption_continuation(lines: list[str], idx: int) -> tuple[str, int]:
    """Caption text wrapped onto following lines ("... inkl. pro-" / "centvis udvikling ...")."""
    caption = CAPTION_RE.match(lines[idx])
    assert caption is not None, "caption_continuation is called at a caption"
    parts = [caption.group(2)]
    j = idx + 1
    while j < len(lines):
        s = lines[j].strip()
        if not s:
            j += 1
            continue
        nxt = j + 1
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        follows = lines[nxt].strip() if nxt < len(lines) else ""
        lone_word = len(s.split()) == 1 and len(s) <= 4 and follows.startswith("Kilde")
        if s[:1].islower() or lone_word:
            parts.append(s)
            j += 1
            continue
        break
    return dehyphenate_join(parts), j


#: a chapter heading at the top of a page: " 2 Regional Udvikling", " 4 Anlægsområdet"
CHAPTER_RE = re.compile(r"^ \d{1,2} [A-ZÆØÅ][\wæøå]+(?: [\wæøå-]+){0,5}\s*$")


def _headings(lines: list[str], index: LineIndex, candidates: list[int]) -> list[int]:
    """Numbered headings ("1.17 Konsolidering ...", "1.40 Pulje ... i 2026", " 2 Regional
    Udvikling"): a heading may end in a year, not in figures."""
    out = []
    for j in candidates:
        if not (HEADING_RE.match(lines[j]) or CHAPTER_RE.match(lines[j])):
            continue
        cells = index.cells(j)[2]
        if not cells or (len(cells) == 1 and cells[0].read_as == "integer" and len(cells[0].raw) == 4):
            out.append(j)
    return out


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) >= 6}


class DocumentExtractor:
    def __init__(self, path: Path, text: str, settings: ExtractionSettings = DEFAULT):
        self.path = path
        self.file = path.name
        self.settings = settings
        self.lines = text.splitlines()
        self.furniture = find_furniture(self.lines, settings)
        self.index = LineIndex(self.lines, set(self.furniture))
        self._nonempty = nonempty_lines(self.lines)
        self._digit_led = digit_led_lines(self.lines, self._nonempty)
        self.footnotes = footnote_definitions(self.lines, self._digit_led)
        self.headings = _headings(self.lines, self.index, self._digit_led)
        self.claimed: set[int] = set()  # 0-based lines inside some table
        self.rejected: list[Rejected] = []
        self._figure_runs: list[list[int]] | None = None

    @property
    def figure_runs(self) -> list[list[int]]:
        """The runs of lines of figures that tables or problems must account for."""
        if self._figure_runs is None:
            self._figure_runs = accounting.figure_runs(self.index, self._nonempty, self.settings)
        return self._figure_runs

    def captioned(self) -> list[Table]:
        lines = self.lines
        caps = [(i, m) for i in self._nonempty if "Tabel" in lines[i] and (m := CAPTION_RE.match(lines[i]))]
        tables = []
        for n, (idx, match) in enumerate(caps):
            number = match.group(1)
            caption, body_start = caption_continuation(lines, idx)
            stop = caps[n + 1][0] if n + 1 < len(caps) else len(lines)
            table = Table(self.file, f"{self.path.stem}:L{idx + 1}", number, caption, idx + 1, "captioned")
            table.text_lines.update(range(idx + 1, body_start + 1))
            body = collect_body(self.index, body_start, stop, self.settings)
            TableBuilder(table, body, self.footnotes, self.settings).build()
            self._claim(idx, max(body.end_line, idx + 1))
            tables.append(table)
        return tables

    def _claim(self, start: int, end: int) -> None:
        self.claimed.update(range(start, end))

    def blocks(self) -> list[Table]:
        scanner = BlockScanner(
            self.file,
            self.path.stem,
            self.index,
            self._nonempty,
            self.headings,
            self.footnotes,
            self.claimed,
            self.settings,
        )
        tables = scanner.scan()
        self.rejected = scanner.rejected
        return tables

    def adopt_detached_bodies(self, captioned: list[Table], blocks: list[Table]) -> list[Table]:
        """A caption printed without its table (the text layer put the body elsewhere, as in
        004's Tabel 2) takes the first block below it, before the next caption, that shares
        words with it. Returns the blocks left."""
        left = list(blocks)
        for k, t in enumerate(captioned):
            if t.status != "no_text_layer":
                continue
            nxt = captioned[k + 1].caption_line if k + 1 < len(captioned) else len(self.lines) + 1
            words = _words(t.caption)
            for b in left:
                if not (
                    t.caption_line < b.caption_line < nxt
                    and b.caption_line - t.caption_line <= self.settings.detached_body_lines
                ):
                    continue
                body_words = _words(" ".join([b.stub, *b.columns, *{c.row_label for c in b.cells}]))
                if len(words & body_words) < 2:
                    continue
                t.problems = [p for p in t.problems if p.kind is not ProblemKind.NO_TEXT_LAYER]
                for attr in (
                    "status",
                    "end_line",
                    "ended_by",
                    "stub",
                    "perspective",
                    "unit",
                    "columns",
                    "header_lines",
                    "rows",
                    "rows_with_extra_numbers",
                    "cells",
                ):
                    setattr(t, attr, getattr(b, attr))
                t.problems.extend(b.problems)
                t.text_lines |= b.text_lines
                t.body_line = b.caption_line
                t.unit = t.unit or table_unit(t.caption, t.caption)
                for c in t.cells:
                    c.table_id, c.table, c.caption = t.table_id, t.table, t.caption
                    if c.unit == "antal" and t.unit:
                        c.unit = t.unit
                left.remove(b)
                break
        return left

    def unread_figures(self, tables: list[Table]) -> list[Problem]:
        """Problems for the lines of figures no table took: each run of such lines is
        reported once, with the reason of the rejected candidate that covered it if any."""
        in_table = {c.line for t in tables for c in t.cells}
        for t in tables:
            in_table |= t.text_lines
        reported = {ln for t in tables for p in t.problems for ln in p.lines}
        problems = []
        for run in self.figure_runs:
            left = [ln for ln in run if ln not in in_table and ln not in reported]
            if not left:
                continue
            why = next((r for r in self.rejected if r.first_line <= left[0] <= r.last_line), None)
            first, last = left[0], left[-1]
            raw = " / ".join(self.lines[ln - 1].strip() for ln in left[:3])
            more = f" ... ({len(left)} lines)" if len(left) > 3 else ""
            if why is not None:
                problems.append(
                    Problem(
                        self.file,
                        first,
                        f"lines of figures not read as a table: "
                        f"{why.reason} (candidate block at lines {why.first_line}-"
                        f"{why.last_line}; text: {raw}{more})",
                        kind=ProblemKind.REJECTED_BLOCK,
                        end_line=last,
                    )
                )
            else:
                problems.append(
                    Problem(
                        self.file,
                        first,
                        f"figures outside any table: no table reader took these lines (text: {raw}{more})",
                        kind=ProblemKind.FIGURES_OUTSIDE_TABLE,
                        end_line=last,
                    )
                )
        return problems


def extract_text(
    path: Path, text: str, result: DocumentResult, settings: ExtractionSettings = DEFAULT
) -> DocumentResult:
    ex = DocumentExtractor(path, text, settings)
    captioned = ex.captioned()
    blocks = ex.adopt_detached_bodies(captioned, ex.blocks())
    tables = sorted(captioned + blocks, key=lambda t: t.caption_line)
    result.tables = tables
    for t in tables:
        result.problems.extend(t.problems)
    result.problems.extend(ex.unread_figures(tables))
    result.problems.sort(key=lambda p: p.line)
    result.accounting = accounting.account(
        ex.lines, ex.furniture, ex.headings, tables, result.problems, ex.footnotes, ex.figure_runs
    )
    result.statements = find_statements(path.name, ex.lines, tables)
    return result


def extract_document(path: str | Path, settings: ExtractionSettings = DEFAULT) -> DocumentResult:
    """Extract every table of one document. Never raises for a bad document: the
    error is kept on the result so other documents still extract."""
    path = Path(path)
    result = DocumentResult(path.name, str(path))
    try:
        data = path.read_bytes()
        result.size_bytes = len(data)
        text, result.encoding, problems = decode(path, data)
        result.problems.extend(problems)
    except ExtractionError as exc:
        result.error = exc
        return result
    except OSError as exc:
        result.error = ExtractionError(path.name, f"cannot read: {exc.strerror or exc}")
        return result
    with _collector_paused():
        return extract_text(path, text, result, settings)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Extraction allocates many small, short-lived objects and makes few reference cycles:
    Python's cyclic garbage collector would run hundreds of times per document and find little
    (measured: 5-8% of extraction). It is paused meanwhile; reference counting still frees
    everything else at once, and a cycle is collected by the next collection after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
