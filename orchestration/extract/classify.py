"""What a table (or a sentence) measures, read from its words: the caption "Udgifter pr.
patient pr. år til speciale 62 ..." is udgift_pr_patient of speciale 62. Used by the checks
(which totals add up) and by the statements (which table a sentence can be checked against)."""

from __future__ import annotations

import re

_PER_PATIENT_RE = re.compile(r"pr\.?\s+(?:år\s+)?pr\.?\s+patient|pr\.?\s+(?:behandlet\s+)?patient|kr\./patient")
_SPECIALE_RE = re.compile(r"speciale\s+(\d{2})")


def measure_of(text: str | None) -> str | None:
    """What a caption (or sentence) measures: "Udgifter pr. patient pr. år ..." ->
    udgift_pr_patient. None when it names none of the known measures."""
    c = (text or "").casefold()
    if "pr. 1000" in c or "pr. 1.000" in c:
        return "pr_1000_indbyggere"
    if _PER_PATIENT_RE.search(c):
        if "udgift" in c:
            return "udgift_pr_patient"
        return "ydelser_pr_patient" if "ydelse" in c else "pr_patient"
    if "udgift" in c:
        return "udgifter"
    if "ydelse" in c:
        return "ydelser"
    if "patient" in c:
        return "patienter"
    return None


def speciale_of(text: str | None) -> str | None:
    m = _SPECIALE_RE.search((text or "").casefold())
    return m.group(1) if m else None
