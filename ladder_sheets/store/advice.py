"""check's word on when a history store pays off.

Measured (scripts/measure_store.py payoff 2000 8; 2 cores shared with six other jobs, load
average 9-10, median of 3 reads): the synthetic organisation of 2,000 people with 7 cycles in
its Ratings History (310,704 rows, 8.6 MB) reads in 38.0 s; after `history store` (133,159 rows
of the 3 oldest cycles in a 0.18 MB store, 177,545 in the sheet) in 21.6 s: 16.4 s less for
133,159 rows, 123 microseconds a row on that loaded machine. The issue's figures on a quiet one
(the reader's 20.7 s for a 10,000-person workbook of 1.55-1.78M history rows) give 10-12
microseconds a row: ROW_COST. Every check, merge, packs and calibrate pays it, and Excel and
LibreOffice open the rows each time (about 18 s for 1.77M rows, the issue says); from the
store the same rows cost a few hundredths of a second. Past PAYOFF_ROWS rows the sheets cost
more than PAYOFF_SECONDS of every read, and past PAYOFF_MB megabytes the workbook is slow to
open and to mail: check then says so, once, as a note with the numbers.
"""

from __future__ import annotations

from ladder_sheets.findings import Finding, Where, info
from ladder_sheets.model import Framework

ROW_COST = 10e-6  # seconds of reading per history row in the sheets (2 cores, quiet)
PAYOFF_SECONDS = 5.0
PAYOFF_ROWS = int(PAYOFF_SECONDS / ROW_COST)  # 500,000 rows
PAYOFF_MB = 25.0


def store_advice(framework: Framework) -> list[Finding]:
    """An info finding when the workbook's history is past the point where a store pays off
    (never for a workbook that already has one)."""
    if framework.store is not None:
        return []
    rows = len(framework.table("history").data)
    try:
        size = framework.path.stat().st_size / 1e6
    except OSError:
        size = 0.0
    if rows < PAYOFF_ROWS and size < PAYOFF_MB:
        return []
    reason = (
        f"{rows:,} ratings in the workbook's history (past {PAYOFF_ROWS:,}, reading them costs "
        f"about {rows * ROW_COST:.0f} s of every check, merge, packs and calibrate)"
        if rows >= PAYOFF_ROWS
        else f"the workbook is {size:.0f} MB (past {PAYOFF_MB:.0f} MB, slow to open and to send)"
    )
    sheet = framework.sheet("history")
    return [
        info(
            "history-store-pays-off",
            f"{reason}: a history store beside the workbook would hold the whole history in a "
            "file of about a hundredth the size, and Ratings History would keep the cycles "
            "readiness and trends need",
            f"ladder-sheets history store {framework.path.name} --backup "
            "(then keep the workbook and its .history.parquet file together)",
            Where(file=str(framework.path), sheet=sheet, cell="A1"),
        )
    ]
