"""Analysis over a typed Framework: the ladder, gaps and promotion readiness. Pure pandas."""

from ladder_sheets.analysis.gaps import GAP_COLUMNS, gap_table
from ladder_sheets.analysis.ladder import next_levels, step_for
from ladder_sheets.analysis.readiness import READINESS_COLUMNS, STATUS_ORDER, readiness_table

__all__ = [
    "GAP_COLUMNS",
    "READINESS_COLUMNS",
    "STATUS_ORDER",
    "gap_table",
    "next_levels",
    "readiness_table",
    "step_for",
]
