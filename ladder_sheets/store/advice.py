"""check's word on when a history store pays off.

Measured (scripts/measure_store.py payoff; figures in store/__init__.py): every history row in
the workbook's sheets costs the reader about ROW_COST seconds and the file about 20 bytes,
read on every check, merge, packs and calibrate, and opened by Excel and LibreOffice each time;
in the store the same row costs about a hundredth of that. Past PAYOFF_ROWS rows the sheets
cost more than PAYOFF_SECONDS of every read, and past PAYOFF_MB megabytes the workbook is
slow to open and to mail: check then says so, once, as a note with the numbers.
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
