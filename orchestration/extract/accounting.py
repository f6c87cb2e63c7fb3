"""Accounting for every number of a document: nothing may disappear silently.

A *number* is a word (text between ordinary spaces) that is a figure: digits with the
separators Danish print uses, optionally signed, parenthesised, with "%", a glued "kr." or a
trailing footnote star or punctuation ("2.851.115", "7,28", "-5%", "(1)", "19-23", "2026.").
Each number is exactly one of:

``cell``        a figure of a table (inside the raw text of one of its cells);
``table_text``  in a table's header, row labels, group labels or caption ("Speciale 51",
                the years of the header, "2019-2023" in a caption);
``furniture``   page numbers, running headers and footers, the numbers of captions ("Tabel
                21"), figures ("Figur 4"), numbered headings ("1.17") and footnotes;
``prose``       in running text: sentences, titles, headings, a lone figure on its own line
                (see ``figure_runs`` for what counts as a line of figures);
``problem``     on a line that a reported problem names (with its reason);
``unaccounted`` none of these: a line of figures outside any table that nothing reported.

The extractor reports every run of figure lines that no table took (``document``), so
``unaccounted`` is 0 unless a stage loses track of a line; the tests check that it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from .body import HEADING_RE as NUMBERED_HEADING_RE
from .lines import CAPTION_RE, FOOTNOTE_DEF_RE, LineIndex
from .model import NumberAccounting, Problem, Table
from .numbers import is_year
from .settings import DEFAULT, ExtractionSettings

_OPEN = "[(\\[\"”“']"  # an opening bracket or quote
_SIGN = "[-\u2212\u2013]"
_FIGURE = (
    r"[\d.,\u00a0\u202f]*(?:[-\u2013/]\d[\d.,]*)*"  # after the first digit; then a unit
    r"(?:%|kr\.?|mio\.|mia\.)?[)\]\"”“']?\**[.,:;!?)]*"
)
_SENTENCE_MIN_WORDS = 4
#: words that make a label a sentence: "Målopfyldelsen er således 100 %"
SENTENCE_VERBS = {
    "er",
    "var",
    "har",
    "havde",
    "blev",
    "bliver",
    "vil",
    "kan",
    "skal",
    "udgør",
    "udgjorde",
    "forventes",
    "viser",
    "ses",
    "steg",
    "faldt",
}


#: a number standing between spaces (or tabs, or line ends): {_OPEN}?{_SIGN}?\d{_FIGURE} as a
#: whole word. Written so that the regex engine can jump to a possible first character
#: (bracket, sign or digit); the lookbehinds then check what stands before it and what the
#: first character was. Digits are ASCII digits (re.ASCII, and 0-9 in the first character's
#: set): testing every character of the text against Unicode's digit category took nearly half
#: the accounting's time.
NUMBER_IN_LINE_RE = re.compile(
    f"[0-9(\\[\"”“'\\-\u2212\u2013](?<![^ \\t\\n].)"
    f"(?:(?<={_OPEN}){_SIGN}?\\d|(?<={_SIGN})\\d|(?<=\\d)){_FIGURE}(?![^ \\t\\n])",
    re.ASCII,
)


def reads_like_sentence(label: str) -> bool:
    """A label that is a sentence: it has a verb such as "er", or four or more words of which
    many are lower-case ("Herved tilføres Region Nordjyllands budgetramme")."""
    words = label.split()
    if any(w.casefold() in SENTENCE_VERBS for w in words):
        return True
    lower = sum(1 for w in words if w[:1].islower())
    return len(words) >= _SENTENCE_MIN_WORDS and lower >= 0.4 * len(words)


def is_figure_line(index: LineIndex, idx: int, settings: ExtractionSettings = DEFAULT) -> bool:
    """A line that ends in figures, as a table row does: not page furniture, a caption, a
    numbered heading ("5.1 Produktion i 2024"), a sentence, or a line of "-" only."""
    if idx in index.furniture:
        return False
    label, _, cells = index.cells(idx)
    if not cells or len(label.split()) >= settings.prose_label_words:
        return False
    if all(c.read_as == "missing" for c in cells):
        return False
    if len(cells) == 1 and cells[0].read_as == "integer" and is_year(cells[0].raw):
        return False  # a title ending in a year: "Råderum til budgetlægningen i 2026"
    text = index.lines[idx]
    if CAPTION_RE.match(text) or (NUMBERED_HEADING_RE.match(text) and len(cells) == 1):
        return False  # a caption, or a heading ending in a year ("5.1 Produktion i 2024")
    return not any(w.casefold() in SENTENCE_VERBS for w in label.split())


def figure_runs(index: LineIndex, nonempty: list[int], settings: ExtractionSettings = DEFAULT) -> list[list[int]]:
    """Runs of figure lines (1-based), next to each other but for blank lines and page
    furniture, that a table must account for: two or more lines, or one line with two or
    more figures whose label is not a sentence. One line with one figure is text: a title
    ("Kursusgang 1"), a sentence, a figure on a slide."""
    runs: list[list[int]] = []
    current: list[int] = []
    may_have_cells = index.may_have_cells
    furniture = index.furniture
    for i in nonempty:
        if i in furniture:
            continue
        if may_have_cells[i] and is_figure_line(index, i, settings):
            current.append(i + 1)
            continue
        if current and not index.lines[i].isspace():
            runs.append(current)
            current = []
    if current:
        runs.append(current)

    def counts(run: list[int]) -> bool:
        if len(run) > 1:
            return True
        label, _, cells = index.cells(run[0] - 1)
        return len(cells) >= 2 and not reads_like_sentence(label)

    return [r for r in runs if counts(r)]


def _furniture_number(text: str, offset: int, is_heading: bool, is_footnote: bool) -> bool:
    """The number of a caption ("Tabel 21"), figure ("Figur 4"), heading ("1.17 ...") or
    footnote definition ("9 Grundet ...")."""
    lead = len(text) - len(text.lstrip())
    if offset - lead > len("Tabel") + 3:  # only the first or second word can be: linear on long lines
        return False
    head = text[lead:offset].strip()
    if head in ("Tabel", "Figur"):
        return bool(CAPTION_RE.match(text)) or head == "Figur"
    return (is_heading or is_footnote) and head == ""


def account(
    lines: list[str],
    furniture: dict[int, str],
    headings: list[int],
    tables: list[Table],
    problems: list[Problem],
    footnotes: dict[int, list[int]],
    runs: list[list[int]],
) -> NumberAccounting:
    """The accounting of a document's numbers, given what extraction made of it (``runs``:
    figure_runs of the document). The numbers are found in one pass over the whole text."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for t in tables:
        for c in t.cells:
            if c.col_start >= 0:
                spans.setdefault(c.line, []).append((c.col_start, c.col_start + len(c.raw)))
    table_text = set().union(*(t.text_lines for t in tables)) if tables else set()
    problem_lines = {ln for p in problems for ln in p.lines}
    heading_lines = {j + 1 for j in headings}
    footnote_lines = {ln for defined in footnotes.values() for ln in defined}
    figure_lines = {ln for run in runs for ln in run}
    text = "\n".join(lines)
    starts = [0, *accumulate(len(line) + 1 for line in lines)]  # offset of each line in text
    cell_starts = {(c.line, c.col_start) for t in tables for c in t.cells}
    out = NumberAccounting()
    counts, tokens = out.counts, out.tokens
    ln, line_end, line_cat, leading, line = 0, -1, "", False, ""
    cells: list[tuple[int, int]] | tuple[()] = ()
    for m in NUMBER_IN_LINE_RE.finditer(text):
        pos = m.start()
        if pos >= line_end:  # a new line: what the line is
            ln = bisect_right(starts, pos)
            line_end = starts[ln]
            line = lines[ln - 1]
            if ln - 1 in furniture:
                line_cat = "furniture"
            elif ln in table_text:
                line_cat = "table_text"
            elif ln in problem_lines:
                line_cat = "problem"
            elif ln in figure_lines:
                line_cat = "unaccounted"
            else:
                line_cat = "prose"
            cells = spans.get(ln, ())
            leading = line_cat != "furniture" and (
                line[:2].strip()[:1].isdigit() or line.lstrip().startswith(("Tabel", "Figur"))
            )
        offset = pos - starts[ln - 1]
        cat = line_cat
        if (ln, offset) in cell_starts or (cells and any(a <= offset < b for a, b in cells)):
            cat = "cell"
        elif leading and _furniture_number(line, offset, False, False):
            cat = "furniture"  # "Tabel 21", "Figur 4"
        elif (
            leading
            and cat != "table_text"
            and _furniture_number(
                line,
                offset,
                ln in heading_lines or bool(NUMBERED_HEADING_RE.match(line)),
                ln in footnote_lines or bool(FOOTNOTE_DEF_RE.match(line)),
            )
        ):
            cat = "furniture"  # "1.17 Konsolidering ...", "9 Grundet ..."
        counts[cat] += 1
        tokens.append((ln, offset, m.group(), cat))
    return out
