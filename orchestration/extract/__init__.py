"""Table extraction from Danish regional health documents. Plain Python, no Dagster; compiled
with mypyc where a build for these exact sources exists (see ``native``)."""

from . import native

COMPILED = native.activate(__path__)  # before any other module of the package is imported

from .document import extract_document  # noqa: E402
from .model import Cell, DocumentResult, ExtractionError, Problem, Table  # noqa: E402

__all__ = ["COMPILED", "extract_document", "Cell", "DocumentResult", "ExtractionError", "Problem", "Table"]


def clear_caches() -> None:
    """Forget every memoised reading (numbers, geography, headers): a benchmark run starts
    as cold as a fresh process."""
    from .geo import fold, is_total_label, match_geo
    from .header import _families_of, header_candidates, year_columns
    from .numbers import parse_number

    for fn in (parse_number, fold, match_geo, is_total_label, _families_of, header_candidates, year_columns):
        fn.cache_clear()
