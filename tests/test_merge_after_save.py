"""A merged workbook saved by LibreOffice or openpyxl without edits merges again; an edit
made after such a save is still reported."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ladder_sheets.commands.merge import merge
from ladder_sheets.errors import WriteRefused
from tests.helpers import SOFFICE, libreoffice_convert

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
EXPORTS = sorted((SAMPLES / "exports").iterdir()) if SAMPLES.exists() else []
pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("saved") / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    assert merge(target, EXPORTS[:3]).written is not None
    return target


def save_in_libreoffice(path: Path, folder: Path) -> Path:
    return libreoffice_convert(path, folder, "xlsx")


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_saved_by_libreoffice_merges_the_next_cycle(merged: Path, tmp_path: Path):
    saved = save_in_libreoffice(merged, tmp_path)
    # what used to make it "edited by hand": an empty drawing on each filtered sheet
    with zipfile.ZipFile(saved) as zf:
        assert any(n.startswith("xl/drawings/drawing") for n in zf.namelist())
    result = merge(saved, EXPORTS[3:])
    assert result.written == saved and result.cycle == "2026-Q4"

    # a value typed into Gap Analysis after the LibreOffice save is still an edit
    again = save_in_libreoffice(merged, tmp_path / "edited")
    wb = openpyxl.load_workbook(again)
    wb["Gap Analysis"]["E3"] = 1
    wb.save(again)
    with pytest.raises(WriteRefused, match="edited by hand"):
        merge(again, EXPORTS[3:])


def test_saved_by_openpyxl_merges_the_next_cycle(merged: Path, tmp_path: Path):
    saved = tmp_path / "acme.xlsx"
    openpyxl.load_workbook(merged).save(saved)
    result = merge(saved, EXPORTS[3:])
    assert result.written == saved and result.cycle == "2026-Q4"


def test_a_chart_added_to_a_generated_sheet_is_still_an_edit(merged: Path, tmp_path: Path):
    from openpyxl.chart import BarChart, Reference

    saved = tmp_path / "acme.xlsx"
    wb = openpyxl.load_workbook(merged)
    ws = wb["Gap Analysis"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=5, min_row=2, max_row=5))
    ws.add_chart(chart, "Z2")
    wb.save(saved)
    with pytest.raises(WriteRefused, match="edited by hand"):
        merge(saved, EXPORTS[3:])
