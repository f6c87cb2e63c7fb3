"""Reading one line of PDF text as a row: a label, then cells read from the right."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .numbers import (
    GLUED_UNIT_WORDS,
    LEADING_GROUP_RE,
    MISSING_TOKENS,
    SCALE_WORDS,
    THOUSANDS_GROUP_RE,
    UNIT_WORDS,
    Number,
    is_year,
    parse_number,
    parse_range,
)

#: words after which a number belongs to the label ("Speciale 51", "§ 104", "jf. tabel 1",
#: "spec. 62", "pr. 1. januar 2025", "3.-4. kvartal 2025", "Tlf.: 35 36 66 00")
LABEL_NUMBER_AFTER = {
    "speciale",
    "spec.",
    "§",
    "stk.",
    "nr.",
    "kapitel",
    "afsnit",
    "bilag",
    "tabel",
    "figur",
    "kvartal",
    "tlf.",
    "tlf.:",
    "tlf",
    "telefon",
    "fax",
    "cvr",
    "cvr-nr.",
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
}
YEAR_RANGE_RE = re.compile(r"^(?:\d{2}|\d{4})[-\u2013](?:\d{2}|\d{4})$")
LONE_ITEM_NUMBER_RE = re.compile(r"^\d+\.\d{1,2}$")  # "1.25" alone on a line: a budget item number
PAGE_FOOTER_RE = re.compile(r"^Side \d+(?: af \d+)?$")
CAPTION_RE = re.compile(r"^\s*Tabel\s+(\d+[A-Z]?)\s*[:.]\s*(\S.*?)\s*$")
FOOTNOTE_DEF_RE = re.compile(r"^\s?(\d{1,2}) [A-ZÆØÅ\u201d\"]\w")
#: a word of a line: anything between ordinary white space. A non-breaking space is not a
#: word break here: "2 851 115" with non-breaking spaces is one number
WORD_RE = re.compile(r"[^ \t\n\r\f\v]+")
#: the word breaks of WORD_RE other than the ordinary space
_OTHER_BREAKS_RE = re.compile(r"[\t\n\r\f\v]")

PHONE_WORDS = {"tlf.", "tlf.:", "tlf", "telefon", "fax", "cvr", "cvr-nr."}
CELL_END = set("0123456789%*)-\u2013\u2212\u2014")
_DASHES = set("-\u2013\u2212\u2014")
_UNIT_TAILS = (" kr.", " kr", "kr.", " uger", " uge", "mio.kr", "mia.kr")
_MONEY_UNITS = ("kr.", "mio. kr.", "mia. kr.")
#: words a cell may hold instead of a figure: "0,56 0,89 1,45 Ej angivet Ej angivet"
TEXT_CELLS = ("Ej angivet", "Ikke angivet")
#: how a row of cells can end in a word that is not a figure: a unit, or a text cell
_LAST_WORDS_OF_A_ROW = _UNIT_TAILS + TEXT_CELLS


@dataclass(slots=True, init=False)
class RawCell:
    """A figure as read from a line, before it has a column. ``__init__`` is written out for
    mypyc, as ``Cell``'s is (see there)."""

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

    def __init__(
        self,
        raw: str,
        start: int,
        end: int,
        line: int,
        value: Decimal | None = None,
        low: Decimal | None = None,
        high: Decimal | None = None,
        unit: str | None = None,
        read_as: str = "",
        decimals: int = 0,
        annotation: str | None = None,
    ) -> None:
        self.raw = raw
        self.start = start
        self.end = end
        self.line = line
        self.value = value
        self.low = low
        self.high = high
        self.unit = unit
        self.read_as = read_as
        self.decimals = decimals
        self.annotation = annotation


def _core(t: str, start: int, line: int) -> RawCell | None:
    """A single word (at text[start:]) read as a cell: number, "12%", "323*", "(1)", "-",
    "1.043kr.", or a range."""
    end = start + len(t)
    if t in MISSING_TOKENS:
        return RawCell(t, start, end, line, read_as="missing")
    if t[-1].isdigit():  # a plain number ("2.851.115", "7,28", "-5")
        num = parse_number(t)
        if num is not None:
            return RawCell(t, start, end, line, value=num.value, read_as=num.read_as, decimals=num.decimals)
    annotation = None
    body = t
    unit = None
    if body.endswith(("kr.", "kr")) and body[: -3 if body.endswith(".") else -2][-1:].isdigit():
        body, unit = body[: body.rindex("kr")], "kr."  # "1.043kr."
    if body.startswith("(") and body.endswith(")"):
        body, annotation = body[1:-1], "parenthesised"
        if is_year(body):
            return None  # "(2021)" qualifies the label: "Bloktilskudsnøgle: sundhed (2021)"
    while body.endswith("*"):
        body, annotation = body[:-1], (annotation or "") + "*"
    if body.endswith("%") and len(body) > 1:
        body, unit = body[:-1], "%"
    num = parse_number(body)
    if num is not None:
        return RawCell(
            t,
            start,
            end,
            line,
            value=num.value,
            unit=unit,
            read_as=num.read_as,
            decimals=num.decimals,
            annotation=annotation,
        )
    rng = parse_range(body)
    if rng is not None:
        low, high = rng
        return RawCell(
            t,
            start,
            end,
            line,
            low=low.value,
            high=high.value,
            unit=unit,
            read_as="range",
            decimals=max(low.decimals, high.decimals),
            annotation=annotation,
        )
    return None


def could_end_in_figures(text: str) -> bool:
    """A cheap test, on a line's last word: whether read_cells can find cells in the line at
    all. A word ending in a hyphen is a cell only as a lone "-" (not "Frederiks-"), one ending
    in ")" only as "(1)"-style (not "(se tabel 5)"); a unit ("kr.", "uger") or a text cell
    ("Ej angivet") may end a row."""
    tail = text.rstrip()
    if not tail:
        return False
    last = tail[-1]
    if last in CELL_END:
        if last in _DASHES:
            return len(tail) == 1 or tail[-2].isspace()
        if last == ")":
            return tail.rsplit(None, 1)[-1].startswith("(")
        return True
    return tail.endswith(_LAST_WORDS_OF_A_ROW)


def _unit_cell(text: str, words: list[tuple[str, int]], k: int, line: int) -> tuple[RawCell, int] | None:
    """A figure followed by its unit word(s), ending at word k: "3.909.758 kr.", "14,8 mio.
    kr.", "0,5 mio.kr.", "5 uger", "12 %". Returns the cell and how many words it used."""
    word, _ = words[k]
    if word in GLUED_UNIT_WORDS:
        unit, used = GLUED_UNIT_WORDS[word], 1
    elif word in UNIT_WORDS:
        unit, used = UNIT_WORDS[word], 1
        if unit == "kr." and k >= 1 and words[k - 1][0] in SCALE_WORDS:
            unit, used = SCALE_WORDS[words[k - 1][0]], 2
    else:
        return None
    if k < used:
        return None
    number, start = words[k - used]
    cell = _core(number, start, line)
    if cell is None or cell.read_as == "missing" or cell.unit == "%":
        return None
    end = words[k][1] + len(word)
    j = k - used  # "92,4 – 117,4 mio. kr.": a range printed with spaces, its unit after it
    if (
        j >= 2
        and words[j - 1][0] in ("\u2013", "-")
        and cell.value is not None
        and (low := parse_number(words[j - 2][0])) is not None
        and low.value <= cell.value
    ):
        start = words[j - 2][1]
        cell = _spanned_range(text, start, end, line, low, cell.value, cell.decimals)
        used += 2
    cell.end, cell.unit = end, unit
    cell.raw = text[start:end]
    return cell, used + 1


def _range_cell(text: str, words: list[tuple[str, int]], k: int, line: int) -> RawCell | None:
    """ "3,0 – 5,0": a range printed with spaces around its dash, ending at word k."""
    if k < 2 or words[k - 1][0] != "\u2013":
        return None
    low, high = parse_number(words[k - 2][0]), parse_number(words[k][0])
    if low is None or high is None:
        return None
    start, end = words[k - 2][1], words[k][1] + len(words[k][0])
    return _spanned_range(text, start, end, line, low, high.value, high.decimals)


def _spanned_range(
    text: str, start: int, end: int, line: int, low: Number, high: Decimal, high_decimals: int
) -> RawCell:
    """A range printed over several words, text[start:end] ("3,0 – 5,0", "92,4 – 117,4"),
    rounded as its less rounded end."""
    return RawCell(
        text[start:end],
        start,
        end,
        line,
        low=low.value,
        high=high,
        read_as="range",
        decimals=max(low.decimals, high_decimals),
    )


def _text_cells(text: str, words: list[tuple[str, int]], line: int) -> tuple[list[RawCell], int]:
    """Text cells at the end of a line, after figures: the cells (read_as "text") and the
    index of the last word before them. None are read unless a figure stands before them."""
    cells: list[RawCell] = []
    k = len(words) - 1
    while k >= 1:
        phrase = f"{words[k - 1][0]} {words[k][0]}"
        if phrase not in TEXT_CELLS:
            break
        start, end = words[k - 1][1], words[k][1] + len(words[k][0])
        cells.append(RawCell(text[start:end], start, end, line, read_as="text"))
        k -= 2
    if not cells or k < 0 or _core(words[k][0], words[k][1], line) is None:
        return [], len(words) - 1
    cells.reverse()
    return cells, k


#: how far from the end of a line its cells are looked for first (a long sentence ending in a
#: figure is not split into words in full)
_TAIL_CHARS = 240


def _words(text: str, start: int) -> list[tuple[str, int]]:
    """(word, offset) of the words of text from offset start on (a word cut by start left out)."""
    if _OTHER_BREAKS_RE.search(text, start):
        words = [(m.group(), m.start()) for m in WORD_RE.finditer(text, start)]
    else:  # spaces only, as on nearly every line: str.split, without a match object per word
        words, offset = [], start
        for piece in text[start:].split(" "):
            if piece:
                words.append((piece, offset))
            offset += len(piece) + 1
    if start and words and words[0][1] == start and not text[start - 1].isspace():
        words = words[1:]
    return words


def read_cells(text: str, line: int) -> tuple[str, int, list[RawCell]]:
    """Split a line into (label, label_end, cells), cells read greedily from the right."""
    if not could_end_in_figures(text):
        stripped = text.rstrip()
        return stripped.strip(), len(stripped), []  # most lines are prose
    start = max(0, len(text) - _TAIL_CHARS)
    found = _read_from_right(text, _words(text, start), line)
    if found is None:  # every word of the tail was a cell: read the whole line
        found = _read_from_right(text, _words(text, 0), line, whole=True)
    assert found is not None  # a whole line is always read
    return found


def _read_from_right(
    text: str, words: list[tuple[str, int]], line: int, whole: bool = False
) -> tuple[str, int, list[RawCell]] | None:
    text_cells, k = _text_cells(text, words, line)
    cells: list[RawCell] = []
    while k >= 0:
        # most cells are a figure alone ("2.851.115"): no unit word, not the end of a range
        alone = words[k][0][-1].isdigit() and (k < 2 or words[k - 1][0] != "\u2013")
        if not alone and (unit := _unit_cell(text, words, k, line)) is not None:
            cell, used = unit
        elif not alone and (rng := _range_cell(text, words, k, line)) is not None:
            cell, used = rng, 3
        else:
            core = _core(words[k][0], words[k][1], line)
            if core is None:
                break
            cell, used = core, 1
        if k >= used and words[k - used][0].casefold() in LABEL_NUMBER_AFTER:  # "Speciale 51"
            if words[k - used][0].casefold() in PHONE_WORDS:  # the whole number is the label's
                cells, k = [], len(words) - 1
            break
        cells.append(cell)
        k -= used
    if k < 0 and not whole and words and words[0][1] > 0 and text[: words[0][1]].strip():
        return None
    cells.reverse()
    cells = merge_unit_thousands(text, cells) + text_cells
    label_end = words[k][1] + len(words[k][0]) if k >= 0 else 0
    return text[:label_end].strip(), label_end, cells


def _spaced_group(text: str, cells: list[RawCell], i: int, j: int) -> bool:
    """Whether cells i..j (inclusive) can be one number printed with spaces between its
    thousands: "2 851 115", each gap a single space."""
    first = cells[i]
    if first.read_as != "integer" or first.unit or not LEADING_GROUP_RE.match(first.raw):
        return False
    for k in range(i + 1, j + 1):
        c = cells[k]
        digits = c.raw.split(" ")[0] if c.unit else c.raw
        if c.read_as not in ("integer", "decimal_comma") or not THOUSANDS_GROUP_RE.match(digits):
            return False
        if (c.unit and k != j) or text[cells[k - 1].end : c.start] != " ":
            return False
    return True


def join_spaced(text: str, cells: list[RawCell], i: int, j: int) -> RawCell:
    """Cells i..j read as one number with spaces between its thousands (see _spaced_group)."""
    last = cells[j]
    number = "".join((c.raw.split(" ")[0] if c.unit else c.raw) for c in cells[i : j + 1])
    num = parse_number(number)
    assert num is not None  # _spaced_group read the pieces as one number
    return replace(
        last,
        raw=text[cells[i].start : last.end],
        start=cells[i].start,
        value=num.value,
        read_as="thousands_space",
        decimals=num.decimals,
    )


def merge_unit_thousands(text: str, cells: list[RawCell]) -> list[RawCell]:
    """ "2 851 115 kr.": where a figure carries a unit, the plain figures just before it that
    read as its thousands ("2", "851") are part of it. Only where every unit-bearing cell's
    run can be read so: a row "12 345 kr." alone stays two cells."""
    if len(cells) < 2 or not any(c.unit in _MONEY_UNITS for c in cells):
        return cells
    out: list[RawCell] = []
    run_start = 0
    for j, c in enumerate(cells):
        if c.unit not in _MONEY_UNITS:
            continue
        i = j
        while i > run_start and _spaced_group(text, cells, i - 1, j):
            i -= 1
        out.extend(cells[run_start:i])
        out.append(join_spaced(text, cells, i, j) if i < j else c)
        run_start = j + 1
    out.extend(cells[run_start:])
    return out


def year_run_indices(toks: list[str]) -> list[int]:
    """Indices of year tokens that stand next to another year token ("2019 2020 2021")."""
    out = []
    for i, t in enumerate(toks):
        if is_year(t) and ((i > 0 and is_year(toks[i - 1])) or (i + 1 < len(toks) and is_year(toks[i + 1]))):
            out.append(i)
    return out


#: two years side by side, each a whole word ("2019 2020"). The lookbehind comes after the
#: first two digits so that the regex engine can skip ahead to a "1" or "2"
TWO_YEARS_RE = re.compile(r"(?:19|20)(?<!\S..)\d\d\s+(?:19|20)\d\d(?!\S)")


def is_year_anchored_header(text: str) -> bool:
    """A header whose columns each end in a year: "Regional Udvikling Budgetoplæg 2026
    Budgetforslag 2026", "get) 2025 (KR2) Forv. regnskab 2026*". Two or more years, the last
    word a year, no other figures, a short line."""
    toks = text.split()
    if len(toks) > 12 or not toks or not is_year(toks[-1].rstrip("*")):
        return False
    years = [t for t in toks if is_year(t.rstrip("*").strip("()"))]
    if len(years) < 2:
        return False
    return not any(parse_number(t.strip("()*%")) for t in toks if t not in years)


def is_year_run_header(text: str) -> bool:
    """A header line with a run of years and no other figures: "2019 2020 2021 2022 2023
    Udvikling". A year printed in the stub ("Mio. kr. - 2026 p/l 2026 2027 2028") is allowed."""
    if not ("19" in text or "20" in text) or not TWO_YEARS_RE.search(text):
        return False  # fast path: no two years side by side
    toks = text.split()
    run = year_run_indices(toks)
    if len(run) < 2:
        return False
    in_run = set(run)  # a set: a line may hold a million words
    others = [t for i, t in enumerate(toks) if i not in in_run and not (is_year(t) and i < run[0])]
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
    caller that changes a cell must change a copy. ``furniture`` holds the 0-based indices of
    page furniture (page numbers, running headers and footers), which table bodies skip."""

    def __init__(self, lines: list[str], furniture: set[int] | None = None):
        self.lines = lines
        self.furniture = furniture or set()
        #: whether a line can hold cells at all (a cheap test most lines fail)
        self.may_have_cells = [bool(line) and could_end_in_figures(line) for line in lines]
        self._cells: list[tuple[str, int, list[RawCell]] | None] = [None] * len(lines)
        self._year_header: list[bool | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def cells(self, idx: int) -> tuple[str, int, list[RawCell]]:
        """read_cells of the 0-based line idx."""
        got = self._cells[idx]
        if got is None:
            if self.may_have_cells[idx]:
                got = read_cells(self.lines[idx], idx + 1)
            else:
                tail = self.lines[idx].rstrip()
                got = (tail.strip(), len(tail), [])
            self._cells[idx] = got
        return got

    def is_year_header(self, idx: int) -> bool:
        got = self._year_header[idx]
        if got is None:
            s = self.lines[idx].strip()
            got = self._year_header[idx] = is_year_run_header(s) or is_year_anchored_header(s)
        return got
