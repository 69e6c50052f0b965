"""LibreOffice opens written-back workbooks, and its recalculated values equal the cached ones.

LibreOffice is told to recalculate every formula on load (a private profile sets
OOXMLRecalcMode to "always"); a control formula written with a wrong cached value shows that it
really did. Each sheet is converted to CSV and compared with the values write_back cached.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import xlsxwriter
from helpers import SOFFICE, libreoffice_convert, shared
from python_calamine import CalamineWorkbook

from ladder_sheets.xlsx.writeback import write_back

CORPUS = shared("corpus")
ALL_SHEETS_CSV = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def convert_all_sheets(path: Path, tmp_path: Path) -> dict[str, list[list[str]]]:
    out = libreoffice_convert(
        path, tmp_path, "csv", timeout=180, filter_options=ALL_SHEETS_CSV, recalculate=True
    ).parent
    sheets = {}
    for file in out.glob(f"{path.stem}-*.csv"):
        with file.open(encoding="utf-8", newline="") as f:
            sheets[file.stem[len(path.stem) + 1 :]] = list(csv.reader(f))
    return sheets


def number(text: str) -> float:
    return float(text)


def formulas(wb: xlsxwriter.Workbook, hr_sheet: str, hr_value: float, control: bool) -> None:
    """Generated formulas with cached values, one of them reading HR's sheet."""
    ws = wb.add_worksheet("Gap Analysis")
    ws.write_row(0, 0, ["Rating", "Expected", "Gap", "Average", "From HR", "Control"])
    ws.write_row(1, 0, [3, 4])
    ws.write_formula(1, 2, "=A2-B2", None, -1)
    ws.write_formula(1, 3, "=AVERAGE(A2:B2)", None, 3.5)
    ws.write_formula(1, 4, f"='{hr_sheet}'!A1*2", None, hr_value * 2)
    # a deliberately wrong cached value: LibreOffice must show 7 if it recalculated
    ws.write_formula(1, 5, "=3+4", None, 999 if control else 7)


def test_written_back_workbook_with_formulas_recalculates_to_the_cached_values(
    tmp_path: Path,
) -> None:
    path = tmp_path / "framework.xlsx"
    wb = xlsxwriter.Workbook(path)
    hr = wb.add_worksheet("Matrix")
    hr.write_number(0, 0, 2.5)
    hr.write_formula(0, 1, "=A1*4", None, 10)
    wb.close()
    write_back(path, lambda wb: formulas(wb, "Matrix", 2.5, control=False))
    sheets = convert_all_sheets(path, tmp_path)
    assert sheets["Matrix"] == [["2.5", "10"]]
    cached = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Gap Analysis").to_python()
    assert [number(v) for v in sheets["Gap Analysis"][1]] == cached[1] == [3, 4, -1, 3.5, 5, 7]

    control = tmp_path / "control.xlsx"
    shutil.copyfile(path, control)
    write_back(control, lambda wb: formulas(wb, "Matrix", 2.5, control=True))
    recalculated = convert_all_sheets(control, tmp_path)["Gap Analysis"][1]
    assert recalculated[5] == "7"  # not the cached 999: LibreOffice did recalculate


def test_written_back_corpus_workbook_opens_and_recalculates(tmp_path: Path) -> None:
    source = CORPUS / "xw__chart_bar01.xlsx"
    if not source.exists():
        pytest.skip("shared corpus (xw__chart_bar01.xlsx) is absent")
    path = tmp_path / "chart_bar.xlsx"
    shutil.copyfile(source, path)
    hr_rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python()
    write_back(path, lambda wb: formulas(wb, "Sheet1", hr_rows[0][0], control=False))
    write_back(path, lambda wb: formulas(wb, "Sheet1", hr_rows[0][0], control=False))
    sheets = convert_all_sheets(path, tmp_path)
    assert set(sheets) == {"Sheet1", "Gap Analysis"}
    assert [[number(v) for v in row] for row in sheets["Sheet1"]] == hr_rows
    cached = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Gap Analysis").to_python()
    assert [number(v) for v in sheets["Gap Analysis"][1]] == cached[1]
