"""ladder-sheets: career frameworks that live in Excel.

The public API; the CLI is a thin layer over these functions.
"""

from .errors import LadderError
from .findings import Finding, Report, Severity, Where
from .model import Framework, Table

__all__ = [
    "Finding",
    "Framework",
    "LadderError",
    "Report",
    "Severity",
    "Table",
    "Where",
]

__version__ = "0.1.0"
