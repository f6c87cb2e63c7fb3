"""The most common value of a tally. ``Counter.most_common`` is interpreted Python (it goes
through ``heapq``); this runs compiled with the package, and is asked for every row read."""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

T = TypeVar("T")


def commonest(counts: Counter[T]) -> T | None:
    """The value counted most often (of equals the first counted, as ``most_common(1)``), or
    None for an empty tally."""
    best: T | None = None
    best_n = 0
    for value, n in counts.items():
        if n > best_n:
            best, best_n = value, n
    return best
