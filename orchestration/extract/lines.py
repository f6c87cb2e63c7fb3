"""Reading one line of PDF text as a row: a label, then cells read from the right."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import MISSING_TOKENS, UNIT_WORDS, Number, is_year, parse_number, parse_range

#: words after which a number belongs to the label ("Speciale 51", "§ 104", "stk. 1")
LABEL_NUMBER_AFTER = {"speciale", "§", "stk.", "nr.", "kapitel", "afsnit", "bilag"}
YEAR_RANGE_RE = re.compile(r"^(?:\d{2}|\d{4})[-\u2013](?:\d{2}|\d{4})$")
LONE_ITEM_NUMBER_RE = re.compile(r"^\d+\.\d{1,2}$")  # "1.25" alone on a line: a budget item number
PAGE_FOOTER_RE = re.compile(r"^Side \d+ af \d+$")
CAPTION_RE = re.compile(r"^\s*Tabel\s+(\d+[A-Z]?)\s*[:.]\s*(\S.*?)\s*$")
FOOTNOTE_DEF_RE = re.compile(r"^\s?(\d{1,2}) [A-ZÆØÅ\u201d\"]\w")


_CELL_END = set("0123456789%*)-\u2013\u2212\u2014")


@dataclass
class Token:
    text: str
    start: int
    end: int


@dataclass
class RawCell:
    raw: str
    start: int
    end: int
    line: int
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    read_as: str = ""
    decimals: int = 0
    annotation: str | None = None


class Tokens:
    """The whitespace-separated tokens of a line, indexed from the left but split off from
    the right on demand: reading cells stops at the first word, so a long sentence that ends
    in a figure is not split in full."""

    def __init__(self, text: str):
        self._text = text
        self._n = len(text.split())
        self._from_right: list[Token] = []
        self._cut = len(text)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> Token:
        r = self._n - 1 - i
        got = self._from_right
        while len(got) <= r:
            text, end = self._text, self._cut
            while text[end - 1].isspace():
                end -= 1
            start = end - 1
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            got.append(Token(text[start:end], start, end))
            self._cut = start
        return got[r]


def _from_number(raw: str, num: Number, tok_start: int, tok_end: int, line: int, **kw) -> RawCell:
    return RawCell(raw, tok_start, tok_end, line, value=num.value, read_as=num.read_as,
                   decimals=num.decimals, **kw)


def _core(tok: Token, line: int) -> RawCell | None:
    """A single token read as a cell: number, "12%", "323*", "(1)", "-", or a range."""
    t = tok.text
    if t in MISSING_TOKENS:
        return RawCell(t, tok.start, tok.end, line, read_as="missing")
    annotation = None
    body = t
    if body.startswith("(") and body.endswith(")"):
        body, annotation = body[1:-1], "parenthesised"
    while body.endswith("*"):
        body, annotation = body[:-1], (annotation or "") + "*"
    unit = None
    if body.endswith("%") and len(body) > 1:
        body, unit = body[:-1], "%"
    num = parse_number(body)
    if num is not None:
        return _from_number(t, num, tok.start, tok.end, line, unit=unit, annotation=annotation)
    rng = parse_range(body)
    if rng is not None:
        low, high = rng
        return RawCell(t, tok.start, tok.end, line, low=low.value, high=high.value, unit=unit,
                       read_as="range", decimals=max(low.decimals, high.decimals),
                       annotation=annotation)
    return None


def ends_like_cell(text: str) -> bool:
    """Whether a line's last word can be a cell; a line that cannot has no cells."""
    tail = text.rstrip()
    return bool(tail) and (tail[-1] in _CELL_END or tail.endswith((" kr.", " kr", " uger", " uge")))


def read_cells(text: str, line: int) -> tuple[str, int, list[RawCell]]:
    """Split a line into (label, label_end, cells), cells read greedily from the right."""
    if not ends_like_cell(text):
        tail = text.rstrip()
        return tail.strip(), len(tail), []  # fast path: most lines are prose
    toks = Tokens(text)
    cells: list[RawCell] = []
    i = len(toks) - 1
    while i >= 0:
        tok = toks[i]
        cell = None
        used = 1
        if tok.text in UNIT_WORDS and tok.text != "%" and i >= 1:
            inner = _core(toks[i - 1], line)
            if inner is not None and inner.read_as != "missing":
                inner.raw = text[toks[i - 1].start:tok.end]
                inner.end = tok.end
                inner.unit = UNIT_WORDS[tok.text]
                cell, used = inner, 2
        elif (i >= 2 and toks[i - 1].text == "\u2013" and parse_number(toks[i].text)
              and parse_number(toks[i - 2].text)):
            low, high = parse_number(toks[i - 2].text), parse_number(toks[i].text)
            cell = RawCell(text[toks[i - 2].start:tok.end], toks[i - 2].start, tok.end, line,
                           low=low.value, high=high.value, read_as="range",
                           decimals=max(low.decimals, high.decimals))
            used = 3
        else:
            cell = _core(tok, line)
        if cell is None:
            break
        first = i - used + 1
        if first >= 1 and toks[first - 1].text.casefold() in LABEL_NUMBER_AFTER:
            break
        cells.append(cell)
        i -= used
    cells.reverse()
    label_end = toks[i].end if i >= 0 else 0
    return text[:label_end].strip(), label_end, cells


def year_run_indices(toks: list[str]) -> list[int]:
    """Indices of year tokens that stand next to another year token ("2019 2020 2021")."""
    out = []
    for i, t in enumerate(toks):
        if is_year(t) and ((i > 0 and is_year(toks[i - 1])) or (i + 1 < len(toks) and is_year(toks[i + 1]))):
            out.append(i)
    return out


TWO_YEARS_RE = re.compile(r"(?:^|\s)(?:19|20)\d\d\s+(?:19|20)\d\d(?:\s|$)")


def is_year_run_header(text: str) -> bool:
    """A header line with a run of years and no other figures: "2019 2020 2021 2022 2023 Udvikling"."""
    if not TWO_YEARS_RE.search(text):
        return False  # fast path: no two years side by side
    toks = text.split()
    run = year_run_indices(toks)
    if len(run) < 2:
        return False
    others = [t for i, t in enumerate(toks) if i not in run]
    return not any(parse_number(t.rstrip("%")) for t in others if not is_year(t))


def dehyphenate_join(parts: list[str]) -> str:
    """Join wrapped text lines: "Frederiks-" + "havn" -> "Frederikshavn"; keeps "led- og/eller"."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and part[:1].islower() and not re.match(r"(og|eller|til)\b", part):
            out = out[:-1] + part
        else:
            out = out + " " + part
    return re.sub(r"\s+", " ", out)


class LineIndex:
    """A document's lines with each line's reading done once: the block scan and every
    candidate table look at the same lines many times. Cells handed out are shared, so a
    caller that changes a cell must change a copy."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._cells: list[tuple[str, int, list[RawCell]] | None] = [None] * len(lines)
        self._year_header: list[bool | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def cells(self, idx: int) -> tuple[str, int, list[RawCell]]:
        """read_cells of the 0-based line idx."""
        got = self._cells[idx]
        if got is None:
            got = self._cells[idx] = read_cells(self.lines[idx], idx + 1)
        return got

    def is_year_header(self, idx: int) -> bool:
        got = self._year_header[idx]
        if got is None:
            got = self._year_header[idx] = is_year_run_header(self.lines[idx].strip())
        return got
