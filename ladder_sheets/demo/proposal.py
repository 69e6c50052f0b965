"""The demo's next version of the framework: what HR might change at the yearly review.

Written as HR would, by editing a copy of the workbook (openpyxl stands in for Excel here; the
demo's own workbook is never touched): Communication at Engineering IC4 raised by one,
Delivery at Engineering IC5 lowered by one, a behavioral description at IC2 reworded, and the
IC1 -> IC2 step's minimum average raised to 3.75.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from ladder_sheets.errors import DataError

FAMILY = "Engineering"


def write_proposal(workbook: Path, out: Path) -> Path:
    wb = openpyxl.load_workbook(workbook)
    matrix, behaviors = wb["Matrix"], wb["Behaviors"]
    _bump(_cell(matrix, "Communication", "IC4"), +1)
    _bump(_cell(matrix, "Delivery", "IC5"), -1)
    said = _cell(behaviors, "Communication", "IC2")
    said.value = str(said.value).replace(
        "say what changed and why", "say what changed, why and how it was tested"
    )
    criteria = wb["Promotion Criteria"]
    for row in criteria.iter_rows(min_row=2):
        if [c.value for c in row[:3]] == [FAMILY, "IC1", "IC2"]:
            row[3].value = 3.75
    wb.save(out)
    return out


def _cell(ws: Any, competency: str, level: str) -> Any:
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == FAMILY and row[1].value == competency:
            return row[head.index(level)]
    raise DataError(f"the demo framework has no {competency} at {level}", sheet=ws.title)


def _bump(cell: Any, by: int) -> None:
    cell.value = max(1, min(5, int(cell.value) + by))
