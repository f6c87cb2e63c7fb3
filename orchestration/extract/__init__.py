"""Table extraction from Danish regional health documents. Plain Python, no Dagster."""
from .document import extract_document
from .model import Cell, DocumentResult, ExtractionError, Problem, Table

__all__ = ["extract_document", "Cell", "DocumentResult", "ExtractionError", "Problem", "Table"]


def clear_caches() -> None:
    """Forget every memoised reading (numbers, geography, headers): a benchmark run starts
    as cold as a fresh process."""
    from .geo import is_total_label, match_geo
    from .header import _families_of, header_candidates, year_columns
    from .numbers import parse_number

    for fn in (parse_number, match_geo, is_total_label, _families_of, header_candidates, year_columns):
        fn.cache_clear()
