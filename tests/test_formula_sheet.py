"""FormulaSheet writes every formula exactly as xlsxwriter's own worksheet does."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ladder_sheets.sheets.formula_sheet import FormulaSheet
from ladder_sheets.sheets.gap import gap_formula
from ladder_sheets.sheets.readiness import meets_formula

FORMULAS = [
    gap_formula("D5", "E5"),
    meets_formula("H7", "I7"),
    "=D2-E2",
    "=SUM(A1:A3)",
    "=XLOOKUP(A1,B1:B3,C1:C3)",  # a newer function: xlsxwriter prefixes it
    "=IF(A1>0,FILTER(B1:B3,B1:B3>0),0)",
    "={=IF(A1,1,0)}",
    "=_xlfn.STDEV.S(A1:A3)",
    '=IF(\'Ratings History (2)\'!D5>3,"Yes","No")',
    '=if(and(isnumber(D5),isnumber(E5)),D5-E5,"")',
    '=HYPERLINK("#\'Ratings History\'!D5","Ratings History!D5")',
    '=IF(COUNT(D1,D2)=2,AVERAGE(D1,D2),"")',
    '=IF(COUNT(D1,D2)>0,MIN(D1,D2)+MAX(D1,D2),"")',
    "=MAXIFS(A1:A3,B1:B3,1)+MINIFS(A1:A3,B1:B3,1)",  # prefixed: not MAX and MIN
]


def _sheet_xml(path: Path, worksheet_class: type[Worksheet], future: bool) -> bytes:
    options = {"use_future_functions": future, "constant_memory": True}
    wb = xlsxwriter.Workbook(str(path), options)
    ws = wb.add_worksheet("Gaps", worksheet_class=worksheet_class)
    bold = wb.add_format({"bold": True})
    for row, formula in enumerate(FORMULAS):
        ws.write_formula(row, 0, formula, None, 1.5)
        ws.write_formula(row, 1, formula, bold, "Yes")  # with a format: StreamSheet's path
    wb.close()
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("future", [False, True])
def test_same_sheet_xml_as_xlsxwriter(tmp_path: Path, future: bool) -> None:
    ours = _sheet_xml(tmp_path / "ours.xlsx", FormulaSheet, future)
    theirs = _sheet_xml(tmp_path / "theirs.xlsx", Worksheet, future)
    assert ours == theirs
    assert b"_xlfn.XLOOKUP" in ours  # the slow path still runs where it must
    assert (b"_xlfn.MAXIFS" in ours) == future  # a future function: prefixed when asked
