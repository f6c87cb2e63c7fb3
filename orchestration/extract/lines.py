"""Reading one line of PDF text as a row: a label, then cells read from the right."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import MISSING_TOKENS, UNIT_WORDS, is_year, parse_number, parse_range

#: words after which a number belongs to the label ("Speciale 51", "§ 104", "stk. 1")
LABEL_NUMBER_AFTER = {"speciale", "§", "stk.", "nr.", "kapitel", "afsnit", "bilag"}
YEAR_RANGE_RE = re.compile(r"^(?:\d{2}|\d{4})[-\u2013](?:\d{2}|\d{4})$")
LONE_ITEM_NUMBER_RE = re.compile(r"^\d+\.\d{1,2}$")  # "1.25" alone on a line: a budget item number
PAGE_FOOTER_RE = re.compile(r"^Side \d+ af \d+$")
CAPTION_RE = re.compile(r"^\s*Tabel\s+(\d+[A-Z]?)\s*[:.]\s*(\S.*?)\s*$")
FOOTNOTE_DEF_RE = re.compile(r"^\s?(\d{1,2}) [A-ZÆØÅ\u201d\"]\w")


CELL_END = _CELL_END = set("0123456789%*)-\u2013\u2212\u2014")
_DASHES = set("-\u2013\u2212\u2014")


@dataclass(slots=True)
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


def _core(t: str, start: int, end: int, line: int) -> RawCell | None:
    """A single word (at text[start:end]) read as a cell: number, "12%", "323*", "(1)",
    "-", or a range."""
    if t in MISSING_TOKENS:
        return RawCell(t, start, end, line, read_as="missing")
    if t[-1].isdigit():  # fast path: a plain number ("2.851.115", "7,28", "-5")
        num = parse_number(t)
        if num is not None:
            # positional: value, low, high, unit, read_as, decimals
            return RawCell(t, start, end, line, num.value, None, None, None, num.read_as,
                           num.decimals)
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
        return RawCell(t, start, end, line, num.value, unit=unit, read_as=num.read_as,
                       decimals=num.decimals, annotation=annotation)
    rng = parse_range(body)
    if rng is not None:
        low, high = rng
        return RawCell(t, start, end, line, low=low.value, high=high.value, unit=unit,
                       read_as="range", decimals=max(low.decimals, high.decimals),
                       annotation=annotation)
    return None


def ends_like_cell(text: str) -> bool:
    """Whether a line's last word can be a cell; a line that cannot has no cells. A word
    ending in a hyphen is a cell only as a lone "-" (not "Frederiks-"), and one ending in ")"
    only as "(1)"-style (not "(se tabel 5)")."""
    tail = text.rstrip()
    if not tail:
        return False
    last = tail[-1]
    if last in _CELL_END:
        if last in _DASHES:
            return len(tail) == 1 or tail[-2].isspace()
        if last == ")":
            return tail.rsplit(None, 1)[-1].startswith("(")
        return True
    return tail.endswith((" kr.", " kr", " uger", " uge"))


def read_cells(text: str, line: int) -> tuple[str, int, list[RawCell]]:
    """Split a line into (label, label_end, cells), cells read greedily from the right."""
    if not ends_like_cell(text):
        tail = text.rstrip()
        return tail.strip(), len(tail), []  # fast path: most lines are prose
    words = text.split()
    cells: list[RawCell] = []
    # Words are read from the right and located with rfind: a word is the last occurrence of
    # its text before the word right of it (only whitespace lies between), so a long sentence
    # that ends in a figure is not located in full.
    k = len(words) - 1  # the next word to read
    bound = len(text)  # where the word right of words[k] starts
    while k >= 0:
        word = words[k]
        if word in UNIT_WORDS and word != "%" and k > 0:  # "3.909.758 kr.", "5 uger"
            unit_start = text.rfind(word, 0, bound)
            prev = words[k - 1]
            start = text.rfind(prev, 0, unit_start)
            cell = _core(prev, start, start + len(prev), line)
            if cell is None or cell.read_as == "missing":
                break
            cell.end = unit_start + len(word)
            cell.raw = text[start:cell.end]
            cell.unit = UNIT_WORDS[word]
            used = 2
        elif (k >= 2 and words[k - 1] == "\u2013" and parse_number(word)
              and parse_number(words[k - 2])):  # "3,0 – 5,0"
            end = text.rfind(word, 0, bound) + len(word)
            low_word = words[k - 2]
            start = text.rfind(low_word, 0, text.rfind("\u2013", 0, end - len(word)))
            low, high = parse_number(low_word), parse_number(word)
            cell = RawCell(text[start:end], start, end, line, low=low.value, high=high.value,
                           read_as="range", decimals=max(low.decimals, high.decimals))
            used = 3
        else:
            start = text.rfind(word, 0, bound)
            cell = _core(word, start, start + len(word), line)
            if cell is None:
                break
            used = 1
        if k >= used and words[k - used].casefold() in LABEL_NUMBER_AFTER:  # "Speciale 51"
            break
        cells.append(cell)
        k -= used
        bound = start
    cells.reverse()
    label_end = text.rfind(words[k], 0, bound) + len(words[k]) if k >= 0 else 0
    return text[:label_end].strip(), label_end, cells


def year_run_indices(toks: list[str]) -> list[int]:
    """Indices of year tokens that stand next to another year token ("2019 2020 2021")."""
    out = []
    for i, t in enumerate(toks):
        if is_year(t) and ((i > 0 and is_year(toks[i - 1])) or (i + 1 < len(toks) and is_year(toks[i + 1]))):
            out.append(i)
    return out


#: two years side by side, each a whole word ("2019 2020"). The lookbehind comes after the
#: first two digits so that the regex engine can skip ahead to a "1" or "2" (2.4 times faster
#: than the same test written with a leading "(?:^|\s)")
TWO_YEARS_RE = re.compile(r"(?:19|20)(?<!\S..)\d\d\s+(?:19|20)\d\d(?!\S)")


def is_year_run_header(text: str) -> bool:
    """A header line with a run of years and no other figures: "2019 2020 2021 2022 2023 Udvikling"."""
    if not ("19" in text or "20" in text) or not TWO_YEARS_RE.search(text):
        return False  # fast path: no two years side by side
    toks = text.split()
    run = year_run_indices(toks)
    if len(run) < 2:
        return False
    others = [t for i, t in enumerate(toks) if i not in run]
    return not any(parse_number(t.rstrip("%")) for t in others if not is_year(t))


_KEEP_HYPHEN_RE = re.compile(r"(og|eller|til)\b")


def dehyphenate_join(parts: list[str]) -> str:
    """Join wrapped text lines: "Frederiks-" + "havn" -> "Frederikshavn"; keeps "led- og/eller"."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and part[:1].islower() and not _KEEP_HYPHEN_RE.match(part):
            out = out[:-1] + part
        else:
            out = out + " " + part
    return " ".join(out.split())  # runs of whitespace as one space


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
