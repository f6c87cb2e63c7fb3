"""Canonical geography of Region Nordjylland: 11 kommuner, 5 regioner, Danmark.

Row labels in the documents vary: "Vesthimmerlands" (the documents' own spelling),
"Vesthimmer-"/"lands" (wrapped), "Vesthimmeflands" and "Managerfjord" (OCR),
"Region Nordjylland total". ``match_geo`` folds these onto official codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Geo:
    code: str
    name: str
    level: str  # "kommune", "region", "land"
    region_code: str | None = None


KOMMUNER = [
    Geo("810", "Brønderslev", "kommune", "1081"),
    Geo("813", "Frederikshavn", "kommune", "1081"),
    Geo("860", "Hjørring", "kommune", "1081"),
    Geo("849", "Jammerbugt", "kommune", "1081"),
    Geo("825", "Læsø", "kommune", "1081"),
    Geo("846", "Mariagerfjord", "kommune", "1081"),
    Geo("773", "Morsø", "kommune", "1081"),
    Geo("840", "Rebild", "kommune", "1081"),
    Geo("787", "Thisted", "kommune", "1081"),
    Geo("820", "Vesthimmerland", "kommune", "1081"),
    Geo("851", "Aalborg", "kommune", "1081"),
]
REGIONER = [
    Geo("1084", "Region Hovedstaden", "region"),
    Geo("1085", "Region Sjælland", "region"),
    Geo("1083", "Region Syddanmark", "region"),
    Geo("1082", "Region Midtjylland", "region"),
    Geo("1081", "Region Nordjylland", "region"),
]
DANMARK = Geo("DK", "Danmark", "land")
BY_CODE = {g.code: g for g in [*KOMMUNER, *REGIONER, DANMARK]}

TOTAL_WORDS = ("total", "i alt", "hovedtotal", "i alt for kommunerne")
_NOISE = re.compile(r"\(.*?\)|[*\d]+$")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e"})
_NON_LETTERS = re.compile(r"[^a-z ]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A name as it is compared: lower-case, æ/ø/å spelt out, letters and spaces only (cached:
    match_geo and is_total_label fold the same labels)."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    return _NON_LETTERS.sub(" ", text).strip()


def _key(name: str) -> str:
    return fold(re.sub(r"^Region ", "", name))


_TARGETS = {_key(g.name): g for g in [*KOMMUNER, *REGIONER, DANMARK]}
_TARGETS["hele landet"] = DANMARK
_TARGETS_BY_LENGTH: dict[int, list[str]] = {}
for _target in _TARGETS:
    _TARGETS_BY_LENGTH.setdefault(len(_target), []).append(_target)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, small strings only; any distance above limit reads as limit + 1."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


@lru_cache(maxsize=4096)
def is_total_label(label: str) -> bool:
    folded = fold(label)
    return (
        folded.startswith(("total", "i alt", "hovedtotal", "samlet ", "samlede ", "sum "))
        or folded.endswith((" total", " i alt"))
        or folded in ("i alt", "sum", "samlet", "samlede")
    )


@lru_cache(maxsize=4096)
def match_geo(label: str) -> tuple[Geo | None, str | None]:
    """Return (geo, how) for a row or column label; how is "exact" or "fuzzy"."""
    text = _NOISE.sub("", label.strip()).strip()
    folded = fold(text)
    if folded.endswith(" i alt"):  # "Region Hovedstaden i alt", "Danmark i alt"
        folded = folded[: -len(" i alt")]
    words = [w for w in folded.split() if w not in ("region", "kommune", "kommuner", "total")]
    if not words or len(words) > 2:
        return None, None
    key = " ".join(words)
    if key in _TARGETS:
        return _TARGETS[key], "exact"
    if key.endswith("s") and key[:-1] in _TARGETS:  # "Vesthimmerlands"
        return _TARGETS[key[:-1]], "exact"
    if len(key) >= 5:
        limit = 2 if len(key) >= 8 else 1
        for cand in (key, key[:-1] if key.endswith("s") else None):
            if cand is None:
                continue
            # with at most `limit` edits, one of limit + 1 pieces of cand survives intact
            step = len(cand) // (limit + 1)
            pieces = [cand[k * step : (k + 1) * step] for k in range(limit)] + [cand[limit * step :]]
            near = [
                t
                for size in range(len(cand) - limit, len(cand) + limit + 1)
                for t in _TARGETS_BY_LENGTH.get(size, ())
                if any(p in t for p in pieces)
            ]
            scored = sorted((_distance(cand, t, limit), t) for t in near)
            if scored and scored[0][0] <= limit:
                return _TARGETS[scored[0][1]], "fuzzy"
    return None, None
