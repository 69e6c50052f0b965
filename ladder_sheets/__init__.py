"""ladder-sheets: career frameworks that live in Excel.

The public API; the CLI is a thin layer over these functions.
"""

from ladder_sheets.analysis.gaps import gap_table
from ladder_sheets.analysis.readiness import readiness_table
from ladder_sheets.api import CheckResult, check, init, read_exports, read_framework
from ladder_sheets.commands.calibrate import CalibrateResult, calibrate
from ladder_sheets.commands.merge import MergeResult, merge
from ladder_sheets.commands.packs import PacksResult, write_packs
from ladder_sheets.errors import LadderError
from ladder_sheets.findings import Finding, Report, Severity, Where
from ladder_sheets.model import Framework, Table

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
