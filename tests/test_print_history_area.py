"""Ratings History prints every row, also the rows a later merge appends to the sheet: its
print area is whole rows of the printed columns, never the rows of the first write."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from ladder_sheets.commands.merge import merge

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")
def test_rows_a_later_merge_appends_are_inside_the_print_area(tmp_path: Path) -> None:
    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    exports = sorted((SAMPLES / "exports").iterdir())
    merge(workbook, exports[:1])
    first = openpyxl.load_workbook(workbook, read_only=True)["Ratings History"].max_row
    merge(workbook, exports[1:2])
    book = openpyxl.load_workbook(workbook)
    ws = book["Ratings History"]
    assert ws.max_row > first  # the second cycle's rows came after the first's
    (area,) = ws.print_area.split(",")
    sheet, _, cells = area.rpartition("!")
    assert sheet == "'Ratings History'"
    start, end = cells.replace("$", "").split(":")
    header = [c.value for c in ws[1]]
    # the rating with its evidence (through Evidence), Source and Imported At left off
    assert start == "A1" and end.startswith("G") and header[6] == "Evidence"
    assert int(end[1:]) >= ws.max_row
    assert ws.page_setup.scale == 85
