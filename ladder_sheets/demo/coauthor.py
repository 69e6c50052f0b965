"""The demo's co-authoring round: split the framework per family, two reviewers edit the
Engineering draft (and disagree on one cell), the Sales manager edits theirs, gather.

The first gather shows the conflict and writes nothing; the second, without the draft that
disagreed, applies the rest. The edits are made with openpyxl, as a manager's Excel would.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ladder_sheets.errors import DataError

# (draft, sheet, competency, level) -> the text or rating a reviewer typed
FIRST_REVIEWER = {
    ("Behaviors", "Communication", "IC2"): (
        "Writes a pull-request description for every change and demos their own work at the "
        "team review every sprint."
    ),
}
SECOND_REVIEWER = {
    ("Behaviors", "Communication", "IC2"): (
        "Presents their own work at the team demo and answers questions about it in writing."
    ),
}
SALES_MANAGER = {("Matrix", "Negotiation", "IC2"): 3}


def coauthor_round(
    workbook: Path, folder: Path, note: Callable[[str], None]
) -> list[tuple[str, Path]]:
    from ladder_sheets.commands.gather import gather
    from ladder_sheets.commands.split import split

    drafts = folder / "drafts"
    note("split: a draft per job family for its managers")
    split(workbook, drafts)
    engineering = drafts / "Engineering.xlsx"
    second = drafts / "Engineering-second-reviewer.xlsx"
    shutil.copy(engineering, second)
    _edit(engineering, FIRST_REVIEWER)
    _edit(second, SECOND_REVIEWER)
    _edit(drafts / "Sales.xlsx", SALES_MANAGER)
    note("gather: both Engineering reviewers and the Sales manager")
    first = gather(workbook, [engineering, second, drafts / "Sales.xlsx"])
    if len(first.conflicts) != 1 or first.written is not None:
        raise DataError(
            "the demo's gather should show exactly one conflict and write nothing",
            file=str(workbook),
            hint="this is a bug in ladder-sheets; please report it",
        )
    conflict = first.conflicts[0]
    note(f"CONFLICT {conflict.where} ({conflict.label}): {conflict.reason}; nothing written")
    note("gather: the first reviewer's draft and the Sales manager's")
    second_try = gather(workbook, [engineering, drafts / "Sales.xlsx"])
    if second_try.written is None:
        raise DataError(
            "the demo's second gather wrote nothing",
            file=str(workbook),
            hint="this is a bug in ladder-sheets; please report it",
        )
    note(f"gather: {len(second_try.changes)} cells written")
    return [
        ("framework drafts, one per job family (split)", drafts),
        (
            f"workbook with the drafts' edits (gather: 1 conflict at {conflict.where}, then "
            f"{len(second_try.changes)} cells written)",
            workbook,
        ),
    ]


def _edit(path: Path, edits: dict[tuple[str, str, str], Any]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for (sheet, competency, level), value in edits.items():
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(level) + 1
        row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == competency)
        ws.cell(row, col, value)
    wb.save(path)
