"""The generated sheets' header rows are tall enough for their wrapped words in the workbook
merge really writes (constant_memory: a height set after the row is flushed was lost, and
LibreOffice showed "Expected | Expected" for "Expected Current | Expected Next")."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import openpyxl
import pytest

from ladder_sheets.commands.merge import merge
from ladder_sheets.sheets import gap, readiness
from ladder_sheets.sheets.styles import LINE_HEIGHT

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("headers") / "merged.xlsx"
    shutil.copy(REPO / "samples" / "acme_framework.xlsx", path)
    export = REPO / "samples" / "exports" / "2026-Q1_reviews_long.csv"
    assert merge(path, [export]).written is not None
    return path


@pytest.mark.parametrize(
    ("sheet", "module"), [("Gap Analysis", gap), ("Promotion Readiness", readiness)]
)
def test_header_row_holds_every_wrapped_header(merged: Path, sheet: str, module) -> None:
    book = openpyxl.load_workbook(merged, read_only=False)
    ws = book[sheet]
    row = module.HEADER_ROW + 1
    height = ws.row_dimensions[row].height
    needed = 1
    for cell in ws[row]:
        if not isinstance(cell.value, str):
            continue
        width = ws.column_dimensions[cell.column_letter].width
        needed = max(needed, len(textwrap.wrap(cell.value, max(int(width) - 1, 1))))
    book.close()
    assert needed > 1  # the premise: some header wraps
    assert height is not None and height >= LINE_HEIGHT * needed
