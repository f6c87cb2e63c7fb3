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


def _is_cap(tok: str) -> bool:
    core = tok.lstrip("(\"'\u201d")
    return bool(core) and core[0].isupper() and any(map(str.islower, core))


def _families(toks: list[str]) -> list[list[int]]:
    """Sets of token positions where columns may start, one per way of reading the header."""
    n = len(toks)
    years = set(year_run_indices(toks))
    udvik, totals, numbered, caps, strong = set(), set(), set(), set(), set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < n else ""
        if tok.casefold().startswith("udvik"):
            udvik.add(i)
        if tok == "Total" or (tok == "I" and nxt.startswith("alt")):  # "Total", "I alt"
            totals.add(i)
        if nxt == "-" and tok.isdigit():  # "1 - Medfødte ..."
            numbered.add(i)
        if tok.startswith(STRONG_WORDS):
            strong.add(i)
        if _is_cap(tok) and not (i > 0 and toks[i - 1] == "-"):
            caps.add(i)
    fams = []
    if years:
        last_year = max(years)
        after = {i for i in caps if i > last_year}
        fams.append(years | udvik | totals | after)
        fams.append(years | udvik | totals)
    if numbered:
        fams.append(numbered | totals | udvik)
    if strong:
        fams.append(strong | totals)
        fams.append({i for i in strong if toks[i] == "Speciale"} | totals)
    fams.append(caps | numbered | years | totals)
    return [sorted(f) for f in fams if f]


def _segments(toks: list[str], starts: list[int]) -> list[str]:
    bounds = starts + [len(toks)]
    return [" ".join(toks[bounds[k]:bounds[k + 1]]) for k in range(len(starts))]


@lru_cache(maxsize=2048)
def _families_of(text: str) -> tuple[tuple[int, ...], ...]:
    """_families of a header text, cached: a table's header is tried many times over."""
    return tuple(tuple(f) for f in _families(text.split()))


def segment_header(text: str, ncols: int, blank_stub: bool = False) -> tuple[str, list[str]] | None:
    """Return (stub, column labels) with exactly ``ncols`` labels, or None.
    ``blank_stub``: the header line began with white space, so the stub cell is likely empty."""
    toks = text.split()
    if ncols <= 0:
        return None
    for starts in map(list, _families_of(text)):
        segs = _segments(toks, starts)
        stub_before = " ".join(toks[:starts[0]])
        options = []
        if starts[0] == 0 and not is_year(segs[0]) and not blank_stub:
            options.append((segs[0], segs[1:]))
        options.append((stub_before, segs))
        for stub, cols in options:
            if len(cols) == ncols:
                return stub, cols
            if cols and len(cols) > ncols and len(cols) % ncols == 0:
                m = len(cols) // ncols
                groups = [cols[k * m:(k + 1) * m] for k in range(ncols)]
                # "Speciale 51 Antal praksis" / "Speciale 62 Antal praksis": repeated shape only
                if len({g[0].split()[0] for g in groups}) == 1:
                    return stub, [" ".join(g) for g in groups]
    return None


@lru_cache(maxsize=2048)
def header_candidates(text: str) -> tuple[int, ...]:
    """Column counts the header could have, most likely first."""
    out: list[int] = []
    for starts in _families_of(text):
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
    years = [t for t in label.split() if is_year(t)]
    return int(years[0]) if len(years) == 1 else None


_PERIOD_RE = re.compile(r"((?:19|20)?\d\d)\s*[-\u2013]\s*((?:19|20)?\d\d)")


def column_period(label: str, table_years: list[int]) -> tuple[int, int] | None:
    """The period of an "Udvikling 19-23" column, centuries taken from the table's years."""
    if "udvik" not in label.casefold():
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
