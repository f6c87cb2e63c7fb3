"""Counting, compiled with the package: ``collections.Counter``'s constructor, ``update`` and
``most_common`` are interpreted Python (most_common goes through heapq), and the extractor
counts something for every row it reads. A tally here is a plain dict, value -> count, in the
order the values were first counted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

T = TypeVar("T")


def tally(values: Iterable[T]) -> dict[T, int]:
    """How often each value occurs, in the order of first occurrence."""
    counts: dict[T, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def commonest(counts: Mapping[T, int]) -> T | None:
    """The value counted most often (of equals the first counted, as ``Counter.most_common(1)``
    gives it), or None for an empty tally."""
    best: T | None = None
    best_n = 0
    for value, n in counts.items():
        if n > best_n:
            best, best_n = value, n
    return best
