"""Table extraction from Danish regional health documents. Plain Python, no Dagster."""
from .document import extract_document
from .model import Cell, DocumentResult, ExtractionError, Problem, Table

__all__ = ["extract_document", "Cell", "DocumentResult", "ExtractionError", "Problem", "Table"]
