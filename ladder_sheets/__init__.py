"""ladder-sheets: career frameworks that live in Excel.

The public API; the CLI is a thin layer over these functions.
"""

from .analysis.gaps import gap_table
from .analysis.readiness import readiness_table
from .api import CheckResult, check, init, read_exports, read_framework
from .calibrate import CalibrateResult, calibrate
from .errors import LadderError
from .findings import Finding, Report, Severity, Where
from .merge import MergeResult, merge
from .model import Framework, Table
from .packs import PacksResult, write_packs

__all__ = [
    "CalibrateResult",
    "CheckResult",
    "Finding",
    "Framework",
    "LadderError",
    "MergeResult",
    "PacksResult",
    "Report",
    "Severity",
    "Table",
    "Where",
    "calibrate",
    "check",
    "gap_table",
    "init",
    "merge",
    "read_exports",
    "read_framework",
    "readiness_table",
    "write_packs",
]

__version__ = "0.1.0"
