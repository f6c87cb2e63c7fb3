"""The documents' statements about their own tables, read and checked against the tables.

The practice plan describes each table in the text above it: "Læsø Kommune har den højeste
udgift pr. patient i 2023 på 1043 kr.", "Regionens udgifter er samlet set steget med 1% fra
2019 til 2023", "Seks kommuner har en udgiftsvækst". The stages:

1. **Sentences.** The prose between two tables is joined (hyphenated words rejoined across
   lines) and split into sentences, each with its first and last line.
2. **Table.** A sentence is checked against the table it names ("tabel 35") or else the next
   captioned table below it: the text above a table describes it.
3. **Claims.** A sentence is cut into clauses (", mens", ", hvor", "; " ...). A clause states a
   claim when it names places and one of: a value in a year ("i 2023 på 1043 kr."), a change
   ("steget med 6% fra 2019 til 2023", "et fald på -7%"), a rank ("den højeste", "det største
   fald", "den næstlaveste") or a count ("Seks kommuner har en udgiftsvækst"). Years and periods
   a clause leaves out come from the clauses before it. A sentence that names no table and
   stands above none (within NEXT_TABLE_LINES) is not read.
4. **Verdict.** ``agrees`` or ``contradicts`` against the table's cells, or ``not_checkable``
   with the reason (another measure than the table's, a place or year the table does not have,
   no year said). Precision before recall: a claim is marked contradicting only when the table
   has the place, the year and the measure, and its figure is beyond the rounding of the stated
   one, or the rank or count is not the table's (ties count for the sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from . import geo as geomod
from .classify import measure_of, per_patient
from .model import Cell, Table
from .numbers import half_unit, parse_number

#: words before a full stop that do not end a sentence
_ABBREVIATIONS = ("pr.", "hhv.", "ca.", "jf.", "obs.", "inkl.", "bl.a.", "f.eks.", "nr.", "mio.", "mia.", "kap.")
#: where a sentence ends: ".", "!" or "?", white space, then a capital or a figure. The match
#: begins at the punctuation (not behind it) so the regex engine can jump from one to the next
_SENTENCE_END_RE = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ0-9])")
_CLAUSE_RE = re.compile(r",\s*(?:mens|hvor|hvoraf|og)\s+|;\s+|\s+mens\s+")
_TABLE_REF_RE = re.compile(r"\b[Tt]abel\s+(\d+)\b")
#: a word after a line-end hyphen that keeps the hyphen: "Brønderslev-" / "og Hjørring"
_CONJUNCTION_RE = re.compile(r"(?:og|eller|til)\b")
_PERIOD_RE = re.compile(
    r"(?:fra|mellem)\s+((?:19|20)\d\d)\s+(?:til|og)\s+((?:19|20)\d\d)"
    r"|perioden\s+((?:19|20)\d\d)\s*[-–]\s*((?:19|20)?\d\d)"
    r"|fra\s+((?:19|20)\d\d)\s*[-–]\s*((?:19|20)?\d\d)"
)
_SINCE_RE = re.compile(r"siden\s+((?:19|20)\d\d)")
_YEAR_RE = re.compile(r"\b(?:i|for)\s+((?:19|20)\d\d)\b(?!\s*[-–])", re.IGNORECASE)
_ALL_YEARS_RE = re.compile(r"i alle årene")
_YEAR_ONLY_RE = re.compile(r"(?:19|20)\d\d")
_RANGE_GOES_ON_RE = re.compile(r"\s*[-–]\s*\d")  # after the first figure of "2019-2023"
#: a stated figure: "1043 kr.", "15.023 kr.", "-7%", "6 %", "8,34"
_FIGURE_RE = re.compile(r"(?<![\w.,-])([-–−]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[-–−]?\d+(?:,\d+)?)\s*(%|kr\.?)?(?![\w-])")
_UP_WORDS = re.compile(r"\b(?:udgifts)?(?:stigning(?:er)?|steget|vækst)\b")
_DOWN_WORDS = re.compile(r"\b(?:udgifts)?(?:fald|faldet|reduktion)\b")
#: a change denied: "to kommuner har ingen stigning", "ikke steget"
_NEGATION_RE = re.compile(r"\b(?:ingen|ikke)\s+(?:\w+\s+)?(?:udgifts)?(?:stigning|steget|vækst|fald|faldet)")
#: how far below a sentence the table it describes may begin (lines), when it names none
NEXT_TABLE_LINES = 40
_HIGH_RE = re.compile(r"\b(?:den|det)\s+(?:højeste|største)\b|\bmest markante\b")
_LOW_RE = re.compile(r"\b(?:den|det)\s+(?:laveste|mindste)\b")
_NEXT_RANK_RE = re.compile(r"næst(?:højeste|laveste|største|mindste)")
_COUNT_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10}
_COUNT_RE = re.compile(
    r"\b(" + "|".join(_COUNT_WORDS) + r"|\d+)\s+(?:af\s+de\s+\w+\s+)?kommuner\s+(?:har|oplever)\b", re.IGNORECASE
)
_COUNT_IN_BRACKETS_RE = re.compile(r"kommuner\s+\(i alt (\d+)\)")
_REGION_SELF_RE = re.compile(r"\b[Rr]egionens\b")
_NATIONAL_RE = re.compile(r"\bpå landsplan\b|\bhele landet\b")
#: a sentence that can state a claim names a change, a rank or a count of kommuner (a quick
#: test: the claims themselves are read by the patterns above)
_CLAIM_WORDS_RE = re.compile("stig|steget|vækst|fald|redukt|højeste|laveste|største|mindste|markante|kommuner")
#: the kommuner and regioner by name, a kommune also in the genitive ("Vesthimmerlands Kommune")
_PLACE_NAMES = {g.name: g for g in [*geomod.KOMMUNER, *geomod.REGIONER]}
_PLACE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _PLACE_NAMES), key=len, reverse=True)) + r")s?\b")


@dataclass
class Claim:
    kind: str  # value | change | rank | count
    place: str | None = None  # geo code
    place_name: str | None = None
    year: int | None = None
    period_from: int | None = None
    period_to: int | None = None
    stated: Decimal | None = None
    stated_raw: str | None = None
    stated_decimals: int = 0  # decimals of the stated figure: its rounding
    direction: str | None = None  # up | down (a change, a count)
    rank: str | None = None  # highest | lowest | second_highest | second_lowest
    all_years: bool = False
    #: places ranked together ("Vesthimmerlands og Rebild ... den største stigning"): none
    #: outside the group may go beyond the least of them
    group: list[str] = field(default_factory=list)
    #: a count of places whose change lies in a range: "seks kommuner ... stigninger på mellem 155% og 38%"
    between: tuple[Decimal, Decimal] | None = None


@dataclass
class Statement:
    file: str
    line: int
    end_line: int
    sentence: str
    clause: str
    claim: Claim
    table: str | None = None  # the table checked against (number as printed)
    table_id: str | None = None
    verdict: str = "not_checkable"  # agrees | contradicts | not_checkable
    reason: str = ""
    table_value: Decimal | None = None
    table_raw: str | None = None
    table_line: int | None = None


# -- 1. sentences ------------------------------------------------------------------------------------
def _prose_blocks(lines: list[str], tables: list[Table]) -> list[tuple[int, int]]:
    """(first, last) 0-based line ranges of the text between tables."""
    taken = sorted((t.caption_line - 1, max(t.end_line, t.caption_line) - 1) for t in tables)
    blocks, start = [], 0
    for a, b in taken:
        if a > start:
            blocks.append((start, a - 1))
        start = max(start, b + 1)
    if start < len(lines):
        blocks.append((start, len(lines) - 1))
    return blocks


def _joined(lines: list[str], first: int, last: int) -> tuple[str, list[tuple[int, int]]]:
    """The lines joined as running text, hyphenated words rejoined ("Brøn-" / "derslev"), and
    where each line starts in it: (offset, 1-based line), in order."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length = 0  # of the text so far
    for i in range(first, last + 1):
        part = " ".join(lines[i].split())
        if not part:
            continue
        if parts and parts[-1].endswith("-") and part[:1].islower() and not _CONJUNCTION_RE.match(part):
            parts[-1] = parts[-1][:-1]
            length -= 1
        elif parts:
            parts.append(" ")
            length += 1
        starts.append((length, i + 1))
        parts.append(part)
        length += len(part)
    return "".join(parts), starts


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    return starts[bisect_right(starts, (offset, float("inf"))) - 1][1]


class _TablesInOrder:
    """The tables in the order of their captions, to find the first below a line by bisection
    (a document repeated a hundred times has thousands of tables and sentences)."""

    def __init__(self, tables: list[Table]) -> None:
        self.tables = sorted(tables, key=lambda t: t.caption_line)
        self.caption_lines = [t.caption_line for t in self.tables]

    def first_below(self, line: int) -> Table | None:
        """The first table whose caption stands below 1-based ``line``."""
        i = bisect_right(self.caption_lines, line)
        return self.tables[i] if i < len(self.tables) else None


def _describes_a_table(lines: list[str], block: tuple[int, int], in_order: _TablesInOrder) -> bool:
    """Whether a stretch of prose can state something about a table: it stands right above a
    captioned table of figures, or it names a table ("(tabel 21 i bilag 1)")."""
    first, last = block
    nxt = in_order.first_below(last + 1)  # below the block's last line (0-based ``last``)
    if nxt is not None and nxt.kind == "captioned" and nxt.cells and nxt.caption_line - 1 - last <= NEXT_TABLE_LINES:
        return True
    return any("abel " in lines[i] for i in range(first, last + 1))


def sentences(
    lines: list[str], tables: list[Table], only_about_tables: bool = False, keep: Callable[[str], object] | None = None
) -> list[tuple[str, int, int]]:
    """(sentence, first line, last line) of the prose between the tables (``only_about_tables``:
    of the prose that can describe a table, see ``_describes_a_table``; ``keep``: only the
    sentences it is true for)."""
    out = []
    in_order = _TablesInOrder(tables)
    for first, last in _prose_blocks(lines, tables):
        if only_about_tables and not _describes_a_table(lines, (first, last), in_order):
            continue
        text, starts = _joined(lines, first, last)
        spans = []  # (start, end) of each sentence in text
        start = 0
        for m in _SENTENCE_END_RE.finditer(text):
            end = m.start() + 1  # after the punctuation
            if text[start:end].endswith(_ABBREVIATIONS) and not text[start:end].endswith("kr."):
                continue
            spans.append((start, end))
            start = m.end()
        if start < len(text):
            spans.append((start, len(text)))
        for a, b in spans:
            sentence = text[a:b].strip()
            if sentence and (keep is None or keep(sentence)):
                out.append((sentence, _line_at(starts, a), _line_at(starts, b - 1)))
    return out


# -- 3. claims ----------------------------------------------------------------------------------------
def _places(text: str) -> list[tuple[str, str]]:
    """(geo code, name) of the places a clause names, in order: kommuner ("Vesthimmerlands
    Kommune"), regioner, "Regionens" (Region Nordjylland), "på landsplan" (Danmark)."""
    found: list[tuple[int, str, str]] = []
    for m in _PLACE_RE.finditer(text):
        geo = _PLACE_NAMES[m.group(1)]
        found.append((m.start(), geo.code, geo.name))
    for m in _REGION_SELF_RE.finditer(text):
        found.append((m.start(), "1081", "Region Nordjylland"))
    for m in _NATIONAL_RE.finditer(text):
        found.append((m.start(), "DK", "Danmark"))
    seen, out = set(), []
    for _, code, name in sorted(found):
        if code not in seen:
            seen.add(code)
            out.append((code, name))
    return out


def _period(text: str) -> tuple[int, int] | None:
    m = _PERIOD_RE.search(text)
    if not m:
        return None
    a, b = [g for g in m.groups() if g][:2]
    b = b if len(b) == 4 else a[:2] + b
    return int(a), int(b)


def _figures(text: str) -> list[tuple[Decimal, str, str | None, int]]:
    """(value, raw, unit, decimals) of the figures a clause states, without years, periods and the
    numbers of specialer and tables."""
    out = []
    for m in _FIGURE_RE.finditer(text):
        number, unit = m.group(1), m.group(2)
        before = text[max(0, m.start() - 40) : m.start()].rstrip().casefold()  # the words before it
        if before.endswith(
            ("speciale", "tabel", "tabellerne", "bilag", "figur", "side", "kapitel", "afsnit", "(i alt")
        ):
            continue
        if unit is None and _YEAR_ONLY_RE.fullmatch(number):
            continue  # a year
        if unit is None and _RANGE_GOES_ON_RE.match(text, m.end()):
            continue  # the first year of "2019-2023"
        num = parse_number(number.replace("–", "-").replace("−", "-"))
        if num is None:
            continue
        out.append((num.value, m.group(0).strip(), "kr." if unit and unit.startswith("kr") else unit, num.decimals))
    return out


def _count_claim(
    clause: str,
    count: re.Match[str],
    figures: list[tuple[Decimal, str, str | None, int]],
    up: bool,
    down: bool,
    context: dict,
) -> Claim:
    """A claim about how many kommuner changed ("i 7 kommuner steg udgiften med mellem 3% og
    9%"), with the range of the change where the clause gives one."""
    n = count.group(1).casefold()
    within = [f[0] for f in figures if f[2] == "%"]
    between = (min(within), max(within)) if "mellem" in clause and len(within) == 2 else None
    period_from, period_to = context.get("period") or (None, None)
    return Claim(
        "count",
        place_name="kommuner",
        stated=Decimal(_COUNT_WORDS.get(n, n)),
        stated_raw=count.group(0),
        between=between,
        direction="up" if up and not down else "down" if down and not up else None,
        period_from=period_from,
        period_to=period_to,
    )


def _rank(clause: str, high: bool, low: bool) -> str | None:
    """The rank a clause gives a place: highest, lowest, or second of either ("den næstlaveste
    vækst med 24%", "det næsthøjeste antal")."""
    second = _NEXT_RANK_RE.search(clause)
    if second:
        return "second_highest" if second.group().endswith(("højeste", "største")) else "second_lowest"
    return "highest" if high else "lowest" if low else None


def _note_period_and_year(clause: str, context: dict) -> None:
    """The period ("i perioden 2019-2023", "siden 2019") or year ("i 2023") a clause names,
    kept in ``context`` for the clauses after it."""
    period = _period(clause)
    since = _SINCE_RE.search(clause)
    year_m = _YEAR_RE.search(clause)
    if period:
        context["period"] = period
    elif since:
        context["period"] = (int(since.group(1)), None)
    if year_m and not period:
        context["year"] = int(year_m.group(1))


def claims(clause: str, context: dict) -> list[Claim]:
    """The claims of one clause; ``context`` holds what the sentence said before it (year,
    period, places) and is updated."""
    _note_period_and_year(clause, context)
    all_years = bool(_ALL_YEARS_RE.search(clause))
    places = _places(clause)
    figures = [f for f in _figures(clause) if f[2] in ("%", "kr.") or f[2] is None]
    up, down = bool(_UP_WORDS.search(clause)), bool(_DOWN_WORDS.search(clause))
    if _NEGATION_RE.search(clause):
        up = down = False
    high, low = bool(_HIGH_RE.search(clause)), bool(_LOW_RE.search(clause))
    out: list[Claim] = []
    count = _COUNT_RE.search(clause) or _COUNT_IN_BRACKETS_RE.search(clause)
    if count and (up or down) and not places:
        return [_count_claim(clause, count, figures, up, down, context)]
    if not places:
        return out
    changes = [f for f in figures if f[2] == "%"]
    levels = [f for f in figures if f[2] == "kr." or (f[2] is None and not (up or down))]
    group: list[str] = []
    pairs: list[tuple[tuple[str, str], tuple[Decimal, str, str | None, int] | None]]
    if "hhv." in clause and len(changes) == len(places) > 1 and (up or down):
        pairs = list(zip(places, changes))
        group = [code for code, _ in places]  # "Vesthimmerlands og Rebild ... den største stigning på hhv. 15% og 16%"
    elif len(places) == 1:
        pairs = [(places[0], changes[0] if changes else levels[0] if levels else None)]
    else:
        return out  # several places and not "hhv.": which figure is whose is not said
    p_from, p_to = context.get("period") or (None, None)
    for (code, name), figure in pairs:
        rank = _rank(clause, high, low)
        if (up or down) and (figure is None or figure[2] == "%"):
            if figure is None and p_from is None and rank is None:
                continue  # "takststigninger", "et fald": a change without a figure, period or rank
            value = figure[0] if figure else None
            if value is not None and down and not up and value > 0:
                value = -value  # "et fald på 5%"
            if rank in ("highest", "lowest"):  # "det største fald", "den mindste stigning"
                rank = ("lowest" if down and not up else "highest") if high else "lowest"
            out.append(
                Claim(
                    "change",
                    code,
                    name,
                    period_from=p_from,
                    period_to=p_to,
                    stated=value,
                    stated_raw=figure[1] if figure else None,
                    stated_decimals=figure[3] if figure else 0,
                    direction="up" if up and not down else "down" if down and not up else None,
                    rank=rank,
                    group=group,
                )
            )
        elif rank is not None or (figure is not None and figure[2] == "kr."):
            out.append(
                Claim(
                    "rank" if figure is None else "value",
                    code,
                    name,
                    year=context.get("year"),
                    stated=figure[0] if figure else None,
                    stated_raw=figure[1] if figure else None,
                    stated_decimals=figure[3] if figure else 0,
                    rank=rank,
                    all_years=all_years,
                )
            )
    return out


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_RE.split(sentence) if c.strip()]


# -- 2. and 4. the table and the verdict -------------------------------------------------------------
class _TableView:
    """A table's cells by place and column: its year columns, its Udvikling, its parts."""

    def __init__(self, table: Table):
        self.table = table
        self.by_place: dict[str, dict] = {}
        self.level: str | None = None
        levels = [c.geo_level for c in table.cells if c.geo_code and not c.is_total]
        if levels:
            self.level = max(set(levels), key=levels.count)
        for c in table.cells:
            if c.geo_code is None or c.value is None:
                continue
            row = self.by_place.setdefault(c.geo_code, {"years": {}, "periods": {}, "total": c.is_total})
            if c.period_from is not None:
                row["periods"][(c.period_from, c.period_to)] = c
            elif c.year is not None:
                row["years"][c.year] = c
        #: the places the table lists (not its total), at its usual level
        self.parts = {
            code: r for code, r in self.by_place.items() if not r["total"] and geomod.BY_CODE[code].level == self.level
        }

    def years(self) -> list[int]:
        return sorted({y for r in self.by_place.values() for y in r["years"]})

    def change(self, code: str, period: tuple[int | None, int | None]) -> tuple[Cell | None, Decimal | None, tuple]:
        """(the printed Udvikling cell, the change recomputed from the years, the period)."""
        row = self.by_place.get(code)
        if row is None:
            return None, None, period
        a, b = period
        if a is None and len(row["periods"]) == 1:
            a, b = next(iter(row["periods"]))
        if a is not None and b is None:
            b = max(self.years(), default=None)
        printed = row["periods"].get((a, b))
        ca, cb = row["years"].get(a), row["years"].get(b)
        recomputed = None
        if ca is not None and cb is not None and ca.value:
            if ca.unit == "%":
                recomputed = cb.value - ca.value
            else:
                recomputed = (cb.value / ca.value - 1) * 100
        return printed, recomputed, (a, b)

    def change_value(self, code: str, period: tuple[int | None, int | None]) -> Decimal | None:
        """The change of a place over a period: as printed, else recomputed from the years."""
        printed, recomputed, _ = self.change(code, period)
        return printed.value if printed is not None else recomputed


def check(statement: Statement, view: _TableView) -> None:
    """Set the statement's verdict against the table."""
    c, t = statement.claim, view.table
    statement.table, statement.table_id = t.table, t.table_id
    if c.kind == "count":
        _check_count(statement, view)
        return
    if c.place not in view.by_place:
        statement.reason = f"Tabel {t.table} has no row for {c.place_name}"
        return
    if c.kind == "change":
        _check_change(statement, view)
    else:
        _check_level(statement, view)


_RANK_WORDS = {
    "highest": "the highest",
    "lowest": "the lowest",
    "second_highest": "the second highest",
    "second_lowest": "the second lowest",
}


def _rank_problem(values: dict[str, Decimal], group: list[str], rank: str) -> str | None:
    """Why ``group`` (one place, or places ranked together) is not at ``rank`` among the
    places' values; None when it is (ties count for it)."""
    if not all(code in values for code in group):
        return None
    high = rank.endswith("highest")
    edge = min(values[code] for code in group) if high else max(values[code] for code in group)
    others = {code: v for code, v in values.items() if code not in group}
    beyond = sorted((v, code) for code, v in others.items() if (v > edge if high else v < edge))
    tied = sum(1 for v in others.values() if v == edge)
    position = len(beyond) + 1  # the best position the group can have, ties in its favour
    wanted = 2 if rank.startswith("second") else 1
    if position <= wanted <= position + tied:
        return None
    names = ", ".join(f"{geomod.BY_CODE[code].name} {v:f}" for v, code in (beyond[::-1] if high else beyond)[:3])
    mine = " and ".join(geomod.BY_CODE[code].name for code in group)
    return f"{mine} ({edge:f}) is not {_RANK_WORDS[rank]}: " + (names if beyond else "it is first")


def _check_level(s: Statement, view: _TableView) -> None:
    c = s.claim
    assert c.place is not None  # check() looks the place up first
    row = view.by_place[c.place]["years"]
    years = view.years() if c.all_years else [c.year] if c.year is not None else []
    if not years or any(y not in row for y in years):
        s.reason = f"Tabel {view.table.table} has no column for {c.year}" if c.year else "no year stated"
        return
    cell = row[years[-1]]
    s.table_value, s.table_raw, s.table_line = cell.value, cell.raw, cell.line
    wrong = []
    if c.stated is not None:
        if "kr" in (c.stated_raw or "") and cell.unit != "kr.":
            s.reason = f"stated in kr., the table in {cell.unit}"
            return
        if cell.value is None or abs(c.stated - cell.value) > half_unit(c.stated_decimals) + half_unit(cell.decimals):
            wrong.append(f"the table prints {cell.raw} for {c.place_name} in {years[-1]}")
    if c.rank is not None:
        if c.place not in view.parts:
            s.reason = f"{c.place_name} is the table's total, not one of the places it ranks"
            return
        for year in years:
            values = {code: r["years"][year].value for code, r in view.parts.items() if year in r["years"]}
            problem = _rank_problem(values, [c.place], c.rank)
            if problem:
                wrong.append(f"{problem} in {year}")
    s.verdict = "contradicts" if wrong else "agrees"
    s.reason = "; ".join(wrong) or f"Tabel {view.table.table}, line {cell.line}: {cell.raw}"


def _check_change(s: Statement, view: _TableView) -> None:
    c = s.claim
    assert c.place is not None  # check() looks the place up first
    printed, recomputed, (a, b) = view.change(c.place, (c.period_from, c.period_to))
    if printed is None and recomputed is None:
        s.reason = f"Tabel {view.table.table} has no change for {c.place_name} from {a} to {b}"
        return
    c.period_from, c.period_to = a, b
    s.table_value = printed.value if printed is not None else recomputed
    s.table_raw = printed.raw if printed is not None else None
    s.table_line = printed.line if printed is not None else None
    wrong = []
    if c.stated is not None:
        tol = half_unit(c.stated_decimals)
        near_printed = (
            printed is not None
            and printed.value is not None
            and abs(c.stated - printed.value) <= tol + half_unit(printed.decimals)
        )
        near_years = recomputed is not None and abs(c.stated - recomputed) <= tol + Decimal("0.5")
        if not (near_printed or near_years):
            what = f"prints {printed.raw}" if printed is not None else f"gives {recomputed:.1f}%"
            wrong.append(f"Tabel {view.table.table} {what} for {c.place_name} {a}-{b}")
    value = printed.value if printed is not None else recomputed
    if c.direction and c.stated is None and value is not None:
        if (c.direction == "up" and value < 0) or (c.direction == "down" and value > 0):
            wrong.append(
                f"Tabel {view.table.table} {'prints ' + printed.raw if printed else 'gives a change of ' + format(value, '.1f')}"  # noqa: E501
            )
    if c.rank is not None and c.place in view.parts:
        values = {code: v for code in view.parts if (v := view.change_value(code, (a, b))) is not None}
        problem = _rank_problem(values, c.group or [c.place], c.rank)
        if problem:
            wrong.append(f"{problem} (change {a}-{b})")
    s.verdict = "contradicts" if wrong else "agrees"
    s.reason = "; ".join(wrong) or (
        f"Tabel {view.table.table}, line {printed.line}: {printed.raw}"
        if printed
        else f"recomputed from Tabel {view.table.table}: {recomputed:.1f}%"
    )


def _check_count(s: Statement, view: _TableView) -> None:
    c = s.claim
    if view.level != "kommune":
        s.reason = f"Tabel {view.table.table} does not list kommuner"
        return
    parts = view.parts
    changes = [view.change_value(code, (c.period_from, c.period_to)) for code in parts]
    values = [v for v in changes if v is not None]
    if not parts or len(values) < len(changes) or c.direction is None:
        s.reason = f"Tabel {view.table.table} has no change for every place it lists"
        return
    if c.between is not None:  # rounded as the stated ends are
        low, high = c.between[0] - Decimal("0.5"), c.between[1] + Decimal("0.5")
        n = sum(1 for v in values if low <= v <= high)
        what = f"change by {c.between[0]:g}% to {c.between[1]:g}%"
    else:
        n = sum(1 for v in values if (v > 0 if c.direction == "up" else v < 0))
        what = "grow" if c.direction == "up" else "fall"
    s.table_value = Decimal(n)
    s.verdict = "agrees" if n == c.stated else "contradicts"
    s.reason = f"in Tabel {view.table.table}, {n} of the {len(parts)} kommuner {what}"


def _table_for(sentence: str, line: int, in_order: _TablesInOrder, captioned: dict[str, list[Table]]) -> Table | None:
    """The table a sentence at ``line`` is about: the one it names (``captioned``: the
    captioned tables with cells, by number), else the table just below it."""
    named = _TABLE_REF_RE.search(sentence)
    if named:
        same = captioned.get(named.group(1), [])
        return min(same, key=lambda t: abs(t.caption_line - line), default=None)
    nxt = in_order.first_below(line)
    if nxt is None or nxt.caption_line - line > NEXT_TABLE_LINES:
        return None
    return nxt if nxt.kind == "captioned" and nxt.cells else None


def _about(text: str) -> str | None:
    """What a sentence or caption is about, to tell the two apart: its measure, or a figure
    per patient of something measure_of does not name."""
    return measure_of(text) or ("a figure per patient" if per_patient(text) else None)


def find_statements(file: str, lines: list[str], tables: list[Table]) -> list[Statement]:
    """Every claim the document's prose states about a table of figures, checked."""
    views: dict[str, _TableView] = {}
    in_order = _TablesInOrder(tables)
    captioned: dict[str, list[Table]] = {}
    for t in tables:
        if t.kind == "captioned" and t.cells and t.table is not None:
            captioned.setdefault(t.table, []).append(t)
    out: list[Statement] = []
    # only sentences that name a change, a rank or a count: the others state nothing to check
    for sentence, first, last in sentences(lines, tables, only_about_tables=True, keep=_CLAIM_WORDS_RE.search):
        table = _table_for(sentence, first, in_order, captioned)
        if table is None:
            continue  # names no table and stands above none: not a statement about a table
        context: dict = {}
        for clause in _clauses(sentence):
            for claim in claims(clause, context):
                st = Statement(file, first, last, sentence, clause, claim)
                said, has = _about(sentence), _about(table.caption)
                if said is not None and has is not None and said != has:
                    st.table, st.table_id = table.table, table.table_id
                    st.reason = f"the sentence is about {said}, Tabel {table.table} about {has}"
                else:
                    view = views.get(table.table_id)
                    if view is None:
                        view = views[table.table_id] = _TableView(table)
                    check(st, view)
                out.append(st)
    return out
