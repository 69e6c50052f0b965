"""A sheet removed by the write-back (xlsx/remove.py, used by `history unstore`): the sheets
after it keep their defined names (localSheetId follows them), the active tab follows its
sheet, every part the sheet owned is gone, and Excel's readers (openpyxl) and LibreOffice open
the result."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.remove import remove_sheet
from ladder_sheets.xlsx.transplant import workbook_part
from tests.helpers import SOFFICE, libreoffice_convert


def _book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(path)
    for name in ("First", "Gone", "Third", "Fourth"):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, [f"{name} header", "Value"])
        ws.write_row(1, 0, [name, len(name)])
        ws.repeat_rows(0)  # a print title: a name scoped to the sheet
    wb.get_worksheet_by_name("Gone").write_comment("A1", "a comment the sheet owns")
    wb.get_worksheet_by_name("Fourth").activate()
    wb.define_name("Third!local_total", "=Third!$B$2")
    wb.define_name("everywhere", "=First!$B$2")
    wb.close()
    return path


def _removed(tmp_path: Path, name: str) -> Path:
    src = _book(tmp_path / "book.xlsx")
    out = tmp_path / "out.xlsx"
    with Package(src) as pkg:
        assert remove_sheet(pkg, workbook_part(pkg), name)
        assert not remove_sheet(pkg, workbook_part(pkg), "No such sheet")
        with out.open("wb") as f:
            pkg.save(f)
    return out


def test_the_sheets_after_it_keep_their_names_and_the_active_tab(tmp_path: Path):
    out = _removed(tmp_path, "Gone")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["First", "Third", "Fourth"]
    assert wb.active.title == "Fourth"
    for name in ("First", "Third", "Fourth"):
        assert wb[name]["A2"].value == name
        assert wb[name].print_title_rows == "$1:$1"
    assert wb["Third"].defined_names["local_total"].attr_text == "Third!$B$2"
    assert wb.defined_names["everywhere"].attr_text == "First!$B$2"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert not [n for n in names if "comment" in n.lower() or "vml" in n.lower()]
        book = zf.read("xl/workbook.xml").decode()
        assert "Gone" not in book
        assert "Gone" not in zf.read("xl/_rels/workbook.xml.rels").decode()
        assert len([n for n in names if n.startswith("xl/worksheets/sheet")]) == 3
        types = zf.read("[Content_Types].xml").decode()
        overrides = re.findall(r'PartName="/([^"]+)"', types)
        assert overrides and all(part in names for part in overrides)  # none left dangling


def test_removing_the_active_sheet_leaves_a_sheet_active(tmp_path: Path):
    out = _removed(tmp_path, "Fourth")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["First", "Gone", "Third"]
    assert wb.active.title == "Third"


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_result(tmp_path: Path):
    out = _removed(tmp_path, "Gone")
    converted = libreoffice_convert(out, tmp_path / "lo", "xlsx")
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames == ["First", "Third", "Fourth"]
    assert [wb[n]["A2"].value for n in wb.sheetnames] == ["First", "Third", "Fourth"]
    shutil.rmtree(tmp_path / "lo", ignore_errors=True)
