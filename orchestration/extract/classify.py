"""What a table (or a sentence) measures, read from its words: the caption "Udgifter pr.
patient pr. år til speciale 62 ..." is udgift_pr_patient_kr of speciale 62, and a table whose
rows are kommuner has row level kommune.

The one classification of tables: it is stored with each load (raw.tables: measure, speciale,
row_level), where dbt reads it (int_tables_classified), and the checks (which totals add up)
and the statements (which table a sentence can be checked against) call it. Its measures are
the codes of the dbt seed ``maal`` (dbt_project/seeds/maal.csv), which says what each means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .tally import commonest, tally

#: the measures measure_of can name: the codes of the seed maal (a test keeps them the same)
MEASURES = (
    "udgift_kr",
    "udgift_pr_patient_kr",
    "ydelser",
    "ydelser_pr_patient",
    "patienter",
    "patienter_pr_1000_indbyggere",
    "andel_holdtraening",
)

_PER_1000_RE = re.compile(r"pr\.?\s*1\.?000\s+indbyggere")
_PER_PATIENT_RE = re.compile(r"pr\.?\s+(?:år\s+)?pr\.?\s+patient|pr\.?\s+(?:behandlet\s+)?patient|kr\./patient")
_SPECIALE_RE = re.compile(r"speciale\s+(\d{2})")


def measure_of(text: str | None) -> str | None:
    """What a caption (or sentence) measures, one of MEASURES: "Udgifter pr. patient pr. år
    ..." -> udgift_pr_patient_kr. None when it names none of them (a figure per patient of
    something else is not a count of patients)."""
    c = (text or "").casefold()
    if _PER_1000_RE.search(c):
        return "patienter_pr_1000_indbyggere"
    if per_patient(c):
        if "udgift" in c:
            return "udgift_pr_patient_kr"
        return "ydelser_pr_patient" if "ydelse" in c else None
    if "holdtræning" in c and "andel" in c:
        return "andel_holdtraening"  # "Andel af patienter i holdtræning": a share, in %
    if "udgift" in c:
        return "udgift_kr"
    if "ydelse" in c:
        return "ydelser"
    if "patient" in c:
        return "patienter"
    return None


def per_patient(text: str | None) -> bool:
    """Whether a caption (or sentence) gives a figure per patient ("pr. patient", "pr. år pr.
    patient", "kr./patient"): an average, whatever it is an average of."""
    return bool(_PER_PATIENT_RE.search((text or "").casefold()))


def speciale_of(text: str | None) -> str | None:
    """The speciale a caption names ("... til speciale 62" -> "62"), if any."""
    m = _SPECIALE_RE.search((text or "").casefold())
    return m.group(1) if m else None


def row_level_of(cells: Iterable[tuple[str | None, bool]]) -> str | None:
    """Whether a table's rows are kommuner or regioner: the commoner level of its cells
    (``(geo_level, is_total)`` each) outside total rows; None for a table of neither."""
    return commonest(tally(level for level, total in cells if not total and level in ("kommune", "region")))
