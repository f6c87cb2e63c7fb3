"""Page furniture: the lines a PDF repeats on its pages rather than prints once.

A page break can fall inside a table; its text layer then puts a page number, a running
footer and the next page's running header between two rows. Table bodies skip these lines,
and the accounting counts their numbers as furniture. Found document-wide, in three shapes:

* a page footer: "Side 7 af 37", "Side 29";
* a running header or footer: a short line printed again and again with one number that
  grows from page to page ("Budget 2026 Budgetkatalog 23" ... "28" ... "94");
* a page number alone on its line, in a run of such lines whose values grow by a page or two
  from one to the next, a page's length apart;
* a running header or footer without a number: a short line printed again and again beside
  the page numbers and footers found above.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .lines import PAGE_FOOTER_RE
from .settings import DEFAULT, ExtractionSettings

_DIGITS_RE = re.compile(r"\d+")
_LONE_INTEGER_RE = re.compile(r"^\d{1,4}$")
_LETTERS_RE = re.compile(r"[^\W\d_]")


def _running_lines(lines: list[str], settings: ExtractionSettings) -> dict[int, str]:
    """Lines of one shape (figures as #) repeated, whose one varying number only grows.
    ``lines``: the document's lines, stripped."""
    shapes: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(lines):
        if not s or len(s) > settings.running_line_max_chars:
            continue
        if not (s[0].isdigit() or s[-1].isdigit()):
            continue  # the page number stands first or last
        shapes[_DIGITS_RE.sub("#", s)].append(i)
    out: dict[int, str] = {}
    for shape, idxs in shapes.items():
        if len(idxs) < settings.running_line_min_repeats or shape.count("#") > 2:
            continue
        if len(_LETTERS_RE.findall(shape)) < 4:
            continue  # words around the number: "22%" alone is a figure, not a footer
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
    nonblank = [i for i, s in enumerate(lines) if s]
    lone = {i for i in nonblank if len(lines[i]) <= 4 and _LONE_INTEGER_RE.match(lines[i])}
    isolated = [
        i
        for k, i in enumerate(nonblank)
        if i in lone
        and (k == 0 or nonblank[k - 1] not in lone)
        and (k + 1 == len(nonblank) or nonblank[k + 1] not in lone)
    ]
    # page footers ("Side 12 af 73") number the same pages: a run may mix the two
    numbered = sorted(
        isolated + [i for i in nonblank if lines[i].startswith("Side ") and PAGE_FOOTER_RE.match(lines[i])]
    )

    number = {i: int(_DIGITS_RE.findall(lines[i])[0]) for i in numbered}
    runs: list[list[int]] = []
    for i in numbered:  # each number continues the latest run it fits, or starts one
        for run in reversed(runs):
            j = run[-1]
            step = number[i] - number[j]
            if 0 < step <= settings.page_number_max_step and i - j >= settings.page_min_lines:
                run.append(i)
                break
        else:
            runs.append([i])
    return {i: "page number" for run in runs if len(run) >= 3 for i in run if i in lone}


def _titles_at_page_breaks(lines: list[str], pages: set[int], settings: ExtractionSettings) -> dict[int, str]:
    """A short line printed again and again, each time (or nearly) beside a page number or
    page footer: a running header or footer without a page number of its own ("Praksisplan
    for fysioterapi 2025")."""
    if not pages:
        return {}
    stripped = lines
    repeated = {
        s
        for s, n in Counter(stripped).items()
        if n >= settings.running_line_min_repeats
        and s
        and len(s) <= settings.running_line_max_chars
        and len(s.split()) <= 12
    }
    if not repeated:
        return {}
    nonblank = [i for i, s in enumerate(stripped) if s]
    position = {i: k for k, i in enumerate(nonblank)}
    by_text: dict[str, list[int]] = defaultdict(list)
    for i in nonblank:
        if stripped[i] in repeated and i not in pages:
            by_text[stripped[i]].append(i)
    out: dict[int, str] = {}
    for idxs in by_text.values():
        if len(idxs) < settings.running_line_min_repeats:
            continue
        beside = [
            [
                nonblank[k]
                for k in range(max(0, position[i] - 3), min(len(nonblank), position[i] + 4))
                if nonblank[k] in pages
            ]
            for i in idxs
        ]
        # a running header runs across pages: the page numbers beside it differ (a document
        # printed twice prints a row of its table beside the same page number each time)
        numbers = {_DIGITS_RE.findall(lines[k])[0] for near in beside for k in near}
        if sum(1 for near in beside if near) >= 0.75 * len(idxs) and len(numbers) > 1:
            for i in idxs:
                out[i] = "running header or footer beside page numbers"
    return out


def find_furniture(lines: list[str], settings: ExtractionSettings = DEFAULT) -> dict[int, str]:
    """0-based line index -> what furniture it is."""
    stripped = [text.strip() for text in lines]
    pages = {i: "page footer" for i, s in enumerate(stripped) if s.startswith("Side ") and PAGE_FOOTER_RE.match(s)}
    pages.update(_page_numbers(stripped, settings))
    out = dict(pages)
    out.update(_running_lines(stripped, settings))
    out.update(_titles_at_page_breaks(stripped, set(pages), settings))
    return out
