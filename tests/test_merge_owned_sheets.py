"""merge writes the history back where the workbook keeps it, and never leaves a row to be read
twice (a history sheet under another name; a continuation sheet the history no longer needs)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from ladder_sheets.api import check
from ladder_sheets.commands.merge import merge

HEAD = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type"]


def _export(tmp_path: Path) -> Path:
    rows = ["Cycle,Employee ID,Competency,Rating"]
    for emp, comps in (
        ("E002", ("Communication", "Delivery", "System Design")),
        ("E003", ("Communication", "Delivery", "System Design")),
    ):
        rows += [f"2026-Q2,{emp},{c},3" for c in comps]
    path = tmp_path / "2026-Q2.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _q1(emp: str) -> list[list[object]]:
    return [
        ["2026-Q1", emp, c, 2, "manager"] for c in ("Communication", "Delivery", "System Design")
    ]


def test_history_is_written_back_into_the_workbooks_own_sheet(framework_workbook, tmp_path):
    path = framework_workbook(sheets={"Ratings": [HEAD, *_q1("E002"), *_q1("E003")]})
    assert merge(path, [_export(tmp_path)]).written == path
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert "Ratings" in names and "Ratings History" not in names
    history = check(path).framework.history.data
    assert len(history) == 12
    assert sorted(set(history["cycle"])) == ["2026-Q1", "2026-Q2"]


def test_a_continuation_sheet_no_longer_needed_is_emptied(framework_workbook, tmp_path):
    path = framework_workbook(
        sheets={
            "Ratings History": [HEAD, *_q1("E002")],
            "Ratings History (2)": [HEAD, *_q1("E003")],
        }
    )
    assert len(check(path).framework.history.data) == 6
    assert merge(path, [_export(tmp_path)]).written == path
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb["Ratings History (2)"].max_row == 1, "only the header is left"
    history = check(path).framework.history.data
    assert len(history) == 12, "every rating once"
    again = merge(path, [_export(tmp_path)])
    assert again.history is not None and again.history.added == 0
