"""Splitting a table's header text into a stub and column labels.

The PDF text has lost the column positions, so a header like
"Kommune (yder) 1 - Medfødte eller arvelige sygdomme 2 - Erhvervede ... Total antal
patienter pr. kommune" is split where columns typically start. Several families of
column starters are tried in order; the first that gives exactly the number of
columns the data rows have wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lines import year_run_indices
from .numbers import is_year

PERSPECTIVE_RE = re.compile(
    r"(?:kommune|region)\s*\(\s*(yder|patient|borger)\s*\)|(producerende|forbrugende)\s+region",
    re.IGNORECASE,
)
STRONG_WORDS = ("Antal", "Speciale", "Udvik")
_PERIOD_RE = re.compile(r"((?:19|20)?\d\d)\s*[-\u2013]\s*((?:19|20)?\d\d)")
_FORECAST_RE = re.compile(r"\bkr\d|forv|skøn|prognose|estimat")
PERMANENT_WORDS = ("permanent", "varigt", "varig")


def _is_cap(tok: str) -> bool:
    """A capitalised word ("Aalborg") or an acronym of two to five letters ("RHN")."""
    core = tok.lstrip("(\"'\u201d")
    if core.isalpha() and core.isupper() and 2 <= len(core) <= 5:
        return True
    return bool(core) and core[0].isupper() and any(map(str.islower, core))


def _is_udvikling_column(toks: list[str], i: int) -> bool:
    """ "Udvikling" starts a column after the years, or where a period or nothing follows it
    ("Udvikling 19-23"); not in a stub such as "Regional Udvikling Budgetoplæg 2026"."""
    if not toks[i].casefold().startswith("udvik"):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    return any(is_year(t) for t in toks[:i]) or not nxt or bool(_PERIOD_RE.match(nxt)) or nxt[:1].islower()


def _year_anchored(toks: list[str]) -> list[list[int]]:
    """Columns that each end in a year, with what qualifies it: "Budget 2025 (vedtaget) | 2025
    (KR2) | Forv. regnskab 2026* | Opdrift 2026". Two readings of where the first column starts:
    at the first word, or at the word just before its year (the words before are the stub)."""
    ends = []
    i = 0
    while i < len(toks):
        if is_year(toks[i].rstrip("*")):
            j = i
            if i + 1 < len(toks) and toks[i + 1].startswith("("):  # "(KR2)", "(mio. kr.)"
                j = i + 1
                while j + 1 < len(toks) and not toks[j].endswith(")"):
                    j += 1
            ends.append(j)
            i = j + 1
            continue
        i += 1
    if not ends or ends[-1] != len(toks) - 1:
        return []
    starts = [0] + [e + 1 for e in ends[:-1]]
    first_year = next(k for k in range(len(toks)) if is_year(toks[k].rstrip("*")))
    out = [starts]
    # the first column may start at the capitalised word just before its year
    head = next((k for k in range(first_year - 1, max(first_year - 4, 0) - 1, -1) if toks[k][:1].isupper()), None)
    if head is not None and head >= 1:
        out.insert(0, [head] + starts[1:])
    return out


def _families(toks: list[str]) -> list[tuple[list[int], bool]]:
    """Sets of token positions where columns may start, one per way of reading the header,
    each with whether it is a strong reading (years, "Udvikling", "Total", numbered columns,
    "Antal"/"Speciale" words) or the weak one (every capitalised word starts a column)."""
    n = len(toks)
    years = set(year_run_indices(toks))
    udvik, totals, numbered, caps, strong = set(), set(), set(), set(), set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < n else ""
        if _is_udvikling_column(toks, i):
            udvik.add(i)
        if tok == "Total" or (tok == "I" and nxt.startswith("alt")):  # "Total", "I alt"
            totals.add(i)
        if nxt == "-" and tok.isdigit():  # "1 - Medfødte ..."
            numbered.add(i)
        if tok.startswith(STRONG_WORDS) and (not tok.casefold().startswith("udvik") or i in udvik):
            strong.add(i)
        prev = toks[i - 1] if i > 0 else ""
        acronym_in_text = tok.isupper() and prev[:1].islower()  # "i RN": not a column
        if _is_cap(tok) and prev != "-" and not acronym_in_text:
            caps.add(i)
    fams: list[tuple[set[int], bool]] = []
    if years:
        last_year = max(years)
        after = {i for i in caps if i > last_year}
        fams.append((years | udvik | totals | after, True))
        fams.append((years | udvik | totals, True))
    if numbered:
        fams.append((numbered | totals | udvik, True))
    if strong:
        fams.append((strong | totals, True))
        fams.append(({i for i in strong if toks[i] == "Speciale"} | totals, True))
    anchored = _year_anchored(toks)
    multi = bool(anchored) and len(anchored[-1]) >= 2  # two or more year columns: strong
    if multi:
        fams.extend((set(f), True) for f in anchored)
    fams.append((caps | numbered | years | totals, False))
    if not multi:
        fams.extend((set(f), False) for f in anchored)
    return [(sorted(f), is_strong) for f, is_strong in fams if f]


def _segments(toks: list[str], starts: list[int]) -> list[str]:
    bounds = starts + [len(toks)]
    return [" ".join(toks[bounds[k] : bounds[k + 1]]) for k in range(len(starts))]


@lru_cache(maxsize=2048)
def _families_of(text: str) -> tuple[tuple[tuple[int, ...], bool], ...]:
    """_families of a header text, cached: a table's header is tried many times over."""
    return tuple((tuple(f), strong) for f, strong in _families(text.split()))


def segment_header(
    text: str, ncols: int, blank_stub: bool = False, strong_only: bool = False
) -> tuple[str, list[str]] | None:
    """Return (stub, column labels) with exactly ``ncols`` labels, or None.
    ``blank_stub``: the header line began with white space, so the stub cell is likely empty.
    ``strong_only``: only a strong reading (not "every capitalised word is a column")."""
    toks = text.split()
    if ncols <= 0:
        return None
    for starts, strong in _families_of(text):
        if strong_only and not strong:
            continue
        segs = _segments(toks, list(starts))
        stub_before = " ".join(toks[: starts[0]])
        options = []
        if starts[0] == 0 and not is_year(segs[0]) and not blank_stub:
            options.append((segs[0], segs[1:]))
        options.append((stub_before, segs))
        for stub, cols in options:
            if len(cols) == ncols:
                return stub, cols
            if ncols > 1 and cols and len(cols) > ncols and len(cols) % ncols == 0:
                m = len(cols) // ncols
                groups = [cols[k * m : (k + 1) * m] for k in range(ncols)]
                # "Speciale 51 Antal praksis" / "Speciale 62 Antal praksis": repeated shape only
                if len({g[0].split()[0] for g in groups}) == 1:
                    return stub, [" ".join(g) for g in groups]
    return None


@lru_cache(maxsize=2048)
def year_columns(text: str) -> int | None:
    """How many columns a header ending in a run of years has in its first reading (the
    years, "Udvikling", "Total" and capitalised words after the years: " 2026 2027 2028
    Permanent" has 4), or None for another header."""
    toks = text.split()
    run = year_run_indices(toks)
    if len(run) < 2 or len(toks) - 1 - max(run) > 2:
        return None  # the header must end with its years (and a word or two: "Permanent")
    starts, _ = _families_of(text)[0]
    return len(starts)


@lru_cache(maxsize=2048)
def header_candidates(text: str) -> tuple[int, ...]:
    """Column counts the header could have, most likely first."""
    out: list[int] = []
    for starts, _ in _families_of(text):
        segs = len(starts)
        for n in ([segs - 1] if starts[0] == 0 else []) + [segs]:
            for m in range(1, n + 1):
                if n % m == 0 and n // m not in out and n // m > 0:
                    out.append(n // m)
    return tuple(out)


def perspective_of(text: str) -> str | None:
    m = PERSPECTIVE_RE.search(text)
    if not m:
        return None
    return (m.group(1) or m.group(2)).casefold()


def column_year(label: str) -> int | None:
    years = [t.rstrip("*") for t in label.split() if is_year(t.rstrip("*"))]
    return int(years[0]) if len(years) == 1 else None


def column_kind(label: str, period: tuple[int, int] | None) -> str | None:
    """What a column holds: "period" (Udvikling 19-23), "permanent" (Permanent, Varigt),
    "forecast" ("2025 (KR2)", "Forv. regnskab 2026"), "actual" (Regnskab 2024), "budget"
    (Budget 2025, Budgetforslag 2026), "year" (a plain year), or None."""
    if period:
        return "period"
    low = label.casefold()
    if low.strip(" *") in PERMANENT_WORDS:
        return "permanent"
    if column_year(label) is None:
        return None
    if _FORECAST_RE.search(low):
        return "forecast"
    if "regnskab" in low:
        return "actual"
    if "budget" in low:
        return "budget"
    return "year"


def column_period(label: str, table_years: list[int]) -> tuple[int, int] | None:
    """The period of an "Udvikling 19-23" column, centuries taken from the table's years."""
    if not label.casefold().startswith("udvik"):
        return None
    m = _PERIOD_RE.search(label)
    if not m:
        if table_years:
            return min(table_years), max(table_years)
        return None
    out = []
    for part in m.groups():
        y = int(part)
        if y < 100:
            century = (table_years[0] // 100 * 100) if table_years else 2000
            y += century
        out.append(y)
    return out[0], out[1]
