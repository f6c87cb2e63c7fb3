"""Page furniture: the lines a PDF repeats on its pages rather than prints once.

A page break can fall inside a table; its text layer then puts a page number, a running
footer and the next page's running header between two rows. Table bodies skip these lines,
and the accounting counts their numbers as furniture. Found document-wide, in three shapes:

* a page footer: "Side 7 af 37", "Side 29";
* a running header or footer: a short line printed again and again with one number that
  grows from page to page ("Budget 2026 Budgetkatalog 23" ... "28" ... "94");
* a page number alone on its line, in a run of such lines whose values grow by a page or two
  from one to the next, a page's length apart.
"""
from __future__ import annotations

import re
from collections import defaultdict

from .lines import PAGE_FOOTER_RE
from .settings import DEFAULT, ExtractionSettings

_DIGITS_RE = re.compile(r"\d+")
_LONE_INTEGER_RE = re.compile(r"^\d{1,4}$")


def _running_lines(lines: list[str], settings: ExtractionSettings) -> dict[int, str]:
    """Lines of one shape (figures as #) repeated, whose one varying number only grows."""
    shapes: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(lines):
        s = text.strip()
        if not s or len(s) > settings.running_line_max_chars or not any(ch.isdigit() for ch in s):
            continue
        if not (s[0].isdigit() or s[-1].isdigit()):
            continue  # the page number stands first or last
        shapes[_DIGITS_RE.sub("#", s)].append(i)
    out: dict[int, str] = {}
    for shape, idxs in shapes.items():
        if len(idxs) < settings.running_line_min_repeats or shape.count("#") > 2 or shape == "#":
            continue
        numbers = [[int(n) for n in _DIGITS_RE.findall(lines[i])] for i in idxs]
        varying = [k for k in range(len(numbers[0])) if len({row[k] for row in numbers}) > 1]
        if len(varying) != 1:
            continue
        k = varying[0]
        if k not in (0, len(numbers[0]) - 1):
            continue
        pages = [row[k] for row in numbers]
        if all(a < b for a, b in zip(pages, pages[1:])):
            for i in idxs:
                out[i] = f"running header or footer ({shape.replace('#', 'N')})"
    return out


def _page_numbers(lines: list[str], settings: ExtractionSettings) -> dict[int, str]:
    """Lone integers, each with no other lone figure beside it, that continue each other as
    page numbers do: at least three in a row, each a page or two past the one before and a
    page's length of lines below it. (A column of figures printed one per line is not
    isolated, and two equal or unrelated figures do not make a run.)"""
    nonblank = [i for i, text in enumerate(lines) if text.strip()]
    lone = {i for i in nonblank if _LONE_INTEGER_RE.match(lines[i].strip())}
    isolated = [i for k, i in enumerate(nonblank) if i in lone
                and (k == 0 or nonblank[k - 1] not in lone)
                and (k + 1 == len(nonblank) or nonblank[k + 1] not in lone)]
    runs: list[list[int]] = []
    for i in isolated:
        if runs:
            j = runs[-1][-1]
            step = int(lines[i]) - int(lines[j])
            if 0 < step <= settings.page_number_max_step and i - j >= settings.page_min_lines:
                runs[-1].append(i)
                continue
        runs.append([i])
    return {i: "page number" for run in runs if len(run) >= 3 for i in run}


def find_furniture(lines: list[str], settings: ExtractionSettings = DEFAULT) -> dict[int, str]:
    """0-based line index -> what furniture it is."""
    out = {i: "page footer" for i, text in enumerate(lines)
           if (s := text.strip()).startswith("Side ") and PAGE_FOOTER_RE.match(s)}
    out.update(_running_lines(lines, settings))
    out.update(_page_numbers(lines, settings))
    return out
