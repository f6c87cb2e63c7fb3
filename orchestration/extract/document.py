"""Extracting every table of one document: captioned tables and uncaptioned numeric blocks."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import compress
from pathlib import Path

from .lines import (CELL_END, CAPTION_RE, FOOTNOTE_DEF_RE, LONE_ITEM_NUMBER_RE, TWO_YEARS_RE,
                    LineIndex, dehyphenate_join, ends_like_cell)
from .model import DocumentResult, ExtractionError, Problem, Table
from .tables import TableBuilder, collect_body, is_prose

HEADING_RE = re.compile(r"^\s?(\d+\.\d+)\s+[A-ZÆØÅ]")
MAX_BLOCK_LINES = 400  # an uncaptioned block is read at most this far past its first row
# last characters of a line that can end in a cell: figures, "%", "*", "(1)", "-", " kr.",
# " kr", " uger", " uge" (a cheap test before ends_like_cell)
_ANCHOR_LAST_CHARS = frozenset(CELL_END | set(".re"))
BULLET_PREFIXES = ("•", "➢", "-\t", "▪")


def decode(path: Path, data: bytes) -> tuple[str, str, list[Problem]]:
    """Decode a document. Binary and empty files are refused; non-UTF-8 text is read as
    cp1252 with a warning naming the first undecodable line."""
    name = path.name
    if not data.strip():
        raise ExtractionError(name, "empty file: no text to extract")
    if b"\x00" in data[:65536]:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise ExtractionError(name, "binary file (NUL bytes): not a text document", line)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace")
        warn = Problem(name, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                                   "decoded as cp1252")
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text) * 0.01:
            raise ExtractionError(name, "binary file: not a text document", line) from exc
        return text, "cp1252", [warn]


def nonempty_lines(lines: list[str]) -> list[int]:
    """Indices of the lines that are not empty strings (in PDF text about 40% are)."""
    return list(compress(range(len(lines)), lines))


def digit_led_lines(lines: list[str], indices: Iterable[int] | None = None) -> list[int]:
    """Lines with a digit in the first two characters: the only ones that can be footnote
    definitions ("9 Grundet ...") or numbered headings (" 1.17 Konsolidering ...").
    ``indices``: the lines to look at (default all)."""
    return [i for i in (range(len(lines)) if indices is None else indices)
            if (text := lines[i])[:1].isdigit() or text[1:2].isdigit()]


def footnote_definitions(lines: list[str], candidates: list[int] | None = None) -> dict[int, int]:
    """Footnote number -> 1-based line of its first definition ("9 Grundet fejl i ...")."""
    out: dict[int, int] = {}
    for idx in digit_led_lines(lines) if candidates is None else candidates:
        text = lines[idx]
        m = FOOTNOTE_DEF_RE.match(text)
        if m and len(text.split()) >= 4:
            out.setdefault(int(m.group(1)), idx + 1)
    return out


def _caption_continuation(lines: list[str], idx: int) -> tuple[str, int]:
    """Caption text wrapped onto following lines ("... inkl. pro-" / "centvis udvikling ...")."""
    parts = [CAPTION_RE.match(lines[idx]).group(2)]
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


class DocumentExtractor:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.file = path.name
        self.lines = text.splitlines()
        self.index = LineIndex(self.lines)
        self._nonempty = nonempty_lines(self.lines)  # every scan over the document skips ""
        self._digit_led = digit_led_lines(self.lines, self._nonempty)
        self.footnotes = footnote_definitions(self.lines, self._digit_led)
        self.claimed: set[int] = set()  # 0-based lines inside some table
        self._headings: list[int] | None = None
        self._claimed_starts: set[int] = set()  # first line of each claimed range

    def captioned(self) -> list[Table]:
        lines = self.lines
        caps = [i for i in self._nonempty if "Tabel" in lines[i] and CAPTION_RE.match(lines[i])]
        tables = []
        for n, idx in enumerate(caps):
            number = CAPTION_RE.match(self.lines[idx]).group(1)
            caption, body_start = _caption_continuation(self.lines, idx)
            stop = caps[n + 1] if n + 1 < len(caps) else len(self.lines)
            table = Table(self.file, f"{self.path.stem}:L{idx + 1}", number, caption, idx + 1,
                          "captioned")
            body = collect_body(self.index, body_start, stop)
            TableBuilder(table, body, self.footnotes).build()
            self._claim(idx, max(body.end_line, idx + 1))
            tables.append(table)
        return tables

    # -- uncaptioned blocks ----------------------------------------------------
    def _is_row(self, idx: int) -> int:
        s = self.lines[idx].strip()
        if not s or LONE_ITEM_NUMBER_RE.match(s) or s.startswith(BULLET_PREFIXES):
            return 0
        label, _, cells = self.index.cells(idx)
        if label and len(label.split()) > 15:
            return 0
        return len(cells)

    def _next_nonblank(self, idx: int, limit: int = 4) -> list[int]:
        out = []
        j = idx + 1
        while j < len(self.lines) and len(out) < limit:
            if self.lines[j].strip():
                out.append(j)
            j += 1
        return out

    def _block_anchor(self, idx: int) -> bool:
        if self.index.is_year_header(idx):
            return True
        n = self._is_row(idx)
        if n == 0:
            return False
        label = self.index.cells(idx)[0]
        if not label and n >= 3:
            return True
        following = [self._is_row(j) for j in self._next_nonblank(idx, 3)]
        if n >= 2 and n in following:
            return True
        return n == 1 and label != "" and following[:2] == [1, 1]

    def _header_start(self, idx: int) -> int:
        """Go back over label-only lines (at most 8) that can be the block's header."""
        start = idx
        seen = 0
        j = idx - 1
        while j >= 0 and seen < 8 and j not in self.claimed:
            s = self.lines[j].strip()
            if not s:
                j -= 1
                continue
            if (s.startswith(BULLET_PREFIXES) or is_prose(s) or self._is_row(j)
                    or s.endswith((".", ":")) and len(s.split()) >= 7):
                break
            start, seen = j, seen + 1
            j -= 1
        return start

    def _heading_before(self, idx: int) -> str | None:
        """The nearest numbered heading ("1.17 Konsolidering ...") at most 400 lines above."""
        if self._headings is None:
            self._headings = [j for j in self._digit_led if HEADING_RE.match(self.lines[j])]
        k = bisect_left(self._headings, idx) - 1
        while k >= 0 and self._headings[k] > idx - 400:
            j = self._headings[k]
            if not self.index.cells(j)[2]:
                return self.lines[j].strip()
            k -= 1
        return None

    def _after_rejected(self, idx: int, table: Table) -> int:
        """Where to look for the next block after a rejected candidate. A candidate that
        starts further down the same run of rows has no header of its own and holds the same
        rows, so it fails the same way: the scan goes on at the first line that could start
        another header (a line without figures), or at the first row the table could not
        place, whichever comes first."""
        stop = max(table.end_line or 0, idx + 1)
        bad = [p.line - 1 for p in table.problems if p.line > idx + 1 and "ambiguous" in p.message]
        if bad:
            stop = min(stop, min(bad))
        for j in range(idx + 1, stop):
            if self.lines[j].strip() and (not self.index.cells(j)[2] or self.index.is_year_header(j)):
                return j
        return stop

    def _next_claimed(self, idx: int, limit: int) -> int:
        """The first claimed line after idx, or limit."""
        starts = sorted(self._claimed_starts)
        k = bisect_right(starts, idx)
        return min(starts[k], limit) if k < len(starts) else limit

    def _claim(self, start: int, end: int) -> None:
        if end > start:
            self.claimed.update(range(start, end))
            self._claimed_starts.add(start)

    def blocks(self) -> list[Table]:
        tables = []
        # only a line that ends like a cell or holds two years side by side can anchor a block
        maybe = []
        for i in self._nonempty:
            tail = self.lines[i].rstrip()
            if (tail and tail[-1] in _ANCHOR_LAST_CHARS and ends_like_cell(tail)
                    or ("19" in tail or "20" in tail) and TWO_YEARS_RE.search(tail)):
                maybe.append(i)
        pos = 0
        idx = 0
        n = len(self.lines)
        while idx < n:
            pos = bisect_left(maybe, idx, pos)
            if pos == len(maybe):
                break
            idx = maybe[pos]
            if idx in self.claimed or not self._block_anchor(idx):
                idx += 1
                continue
            start = self._header_start(idx)
            stop = self._next_claimed(idx, min(n, idx + MAX_BLOCK_LINES))
            body = collect_body(self.index, start, stop)
            if not body.rows or sum(1 for r in body.rows if r.cell_lines) < 1:
                idx += 1
                continue
            heading = self._heading_before(start)
            table = Table(self.file, f"{self.path.stem}:L{start + 1}", None, heading or "",
                          start + 1, "block")
            TableBuilder(table, body, self.footnotes).build()
            useful = [c for c in table.cells if c.value is not None or c.value_low is not None]
            end = max(body.end_line, idx + 1)
            if table.status == "ok" and len(useful) >= 2 and len(table.columns) >= 1 \
                    and not table.columns[0].startswith("kolonne") \
                    and table.rows_with_extra_numbers <= 0.25 * table.rows:
                if not table.caption:
                    table.caption = table.stub or dehyphenate_join(
                        [self.lines[i] for i in range(start, idx)])
                for c in table.cells:
                    c.caption = table.caption
                tables.append(table)
                self._claim(start, end)
                idx = max(end, idx + 1)
            else:
                idx = self._after_rejected(idx, table)
        return tables


def extract_text(path: Path, text: str, result: DocumentResult) -> DocumentResult:
    ex = DocumentExtractor(path, text)
    tables = ex.captioned()
    tables += ex.blocks()
    tables.sort(key=lambda t: t.caption_line)
    result.tables = tables
    for t in tables:
        result.problems.extend(t.problems)
    return result


def extract_document(path: str | Path) -> DocumentResult:
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
    return extract_text(path, text, result)
