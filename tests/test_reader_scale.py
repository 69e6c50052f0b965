"""The reader at HR scale: a Ratings History past the framework's cell limit is read (with
calamine, not the openpyxl fallback), any other sheet that big is still refused, and the fast
path for long tables gives exactly the Table the cell-by-cell path gives."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import xlsxwriter
from conftest import FRAMEWORK, LEVEL_ORDER, canonical_headers, wide_rows

from ladder_sheets.errors import UnreadableFile
from ladder_sheets.workbook import grid as grid_module
from ladder_sheets.workbook.extent import MAX_CELLS, scan_extent, sheet_parts
from ladder_sheets.workbook.grid import read_grids
from ladder_sheets.workbook.reader import read_framework

BIG_ROWS = 250_000  # x 9 columns = 2.25M cells, past MAX_CELLS
CYCLES = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
COMPETENCIES = list(FRAMEWORK["matrix"])
IMPORTED = dt.datetime(2025, 1, 15, 9, 30)


def history_row(i: int) -> list[Any]:
    """Row i of the big history: invented people E00000.., ratings 1-5."""
    person, rest = divmod(i, len(CYCLES) * len(COMPETENCIES))
    cycle, comp = divmod(rest, len(COMPETENCIES))
    return [
        CYCLES[cycle],
        f"E{person:05d}",
        COMPETENCIES[comp],
        1 + i % 5,
        "manager",
        f"M{person // 7:04d}",
        None,
        "cycle export",
        IMPORTED,
    ]


def write_framework_sheets(book: xlsxwriter.Workbook) -> None:
    content: dict[str, list[list[Any]]] = {
        "Levels": [canonical_headers("levels"), *FRAMEWORK["levels"]],
        "Competencies": [canonical_headers("competencies"), *FRAMEWORK["competencies"]],
        "Matrix": wide_rows(FRAMEWORK["matrix"], LEVEL_ORDER),
    }
    for name, rows in content.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)


def write_long_sheet(
    book: xlsxwriter.Workbook, name: str, rows: Iterator[list[Any]], date_format: Any
) -> None:
    ws = book.add_worksheet(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, date_format)
            else:
                ws.write(r, c, value)


@pytest.fixture(scope="module")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A framework workbook whose Ratings History holds BIG_ROWS rows x 9 columns."""
    path = tmp_path_factory.mktemp("scale") / "big_history.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    write_framework_sheets(book)
    rows = (history_row(i) for i in range(BIG_ROWS))
    write_long_sheet(
        book, "Ratings History", iter([canonical_headers("history"), *rows]), date_format
    )
    book.close()
    return path


def renamed_sheet(path: Path, old: str, new: str, target: Path) -> Path:
    """A copy of the workbook with one sheet renamed in workbook.xml (the cells untouched)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            zout.writestr(info.filename, data, compresslevel=1)
    return target


# --- the limits ---------------------------------------------------------------------------


def test_history_past_the_cell_limit_is_read(big_history: Path) -> None:
    assert BIG_ROWS * 9 > MAX_CELLS
    fw = read_framework(big_history)
    history = fw.history
    assert len(history) == BIG_ROWS
    assert history.data["employee_id"].iloc[-1] == history_row(BIG_ROWS - 1)[1]
    assert history.data["rating"].tolist()[:6] == [1, 2, 3, 4, 5, 1]
    # row i of the data sits on sheet row i + 2 (header on row 1)
    assert history.cells.at[BIG_ROWS - 1, "rating"] == f"D{BIG_ROWS + 1}"
    assert history.cells.at[0, "evidence"] == "G2"
    assert history.data["imported_at"].iloc[0] == IMPORTED
    assert set(history.sheets) == {"Ratings History"}
    assert not [f for f in fw.findings if f.code == "missing-sheet" and f.severity.value == "error"]


def test_other_sheet_past_the_cell_limit_is_refused(big_history: Path, tmp_path: Path) -> None:
    raw = renamed_sheet(big_history, "Ratings History", "Raw Data", tmp_path / "raw.xlsx")
    with pytest.raises(UnreadableFile) as caught:
        read_grids(raw)
    assert caught.value.sheet == "Raw Data"
    assert f"{MAX_CELLS:,}" in str(caught.value)


def test_second_history_sheet_gets_the_long_budget(big_history: Path, tmp_path: Path) -> None:
    second = renamed_sheet(
        big_history, "Ratings History", "Ratings History (2)", tmp_path / "second.xlsx"
    )
    fw = read_framework(second)
    assert len(fw.history) == BIG_ROWS
    assert set(fw.history.sheets) == {"Ratings History (2)"}


def test_dense_sheet_past_max_area_goes_to_calamine(
    big_history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the rectangle (2.25M) is past a lowered MAX_AREA, but dense: openpyxl must not be used
    monkeypatch.setattr(grid_module, "MAX_AREA", 1_000_000)

    def refuse(path: Path, sheets: list[str]) -> None:
        raise AssertionError(f"openpyxl fallback used for {sheets}")

    monkeypatch.setattr(grid_module, "_read_sparse", refuse)
    grids = read_grids(big_history)
    assert grids["Ratings History"].get(BIG_ROWS, 1) == history_row(BIG_ROWS - 1)[1]


def test_sparse_sheet_past_max_area_still_goes_to_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "stray.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Levels")
    ws.write(0, 0, "Level")
    ws.write(1, 0, "IC1")
    ws.write(1_048_575, 16_383, "stray")
    book.close()
    grids = read_grids(path)
    assert grids["Levels"].get(1_048_575, 16_383) == "stray"
    assert grids["Levels"].get(1, 0) == "IC1"


# --- the fast path gives the same Table ---------------------------------------------------

SMALL_HISTORY: list[list[Any]] = [
    ["Ratings History (every cycle, one row per rating)"],  # title row above the header
    [],
    canonical_headers("history"),
    ["2024-Q1", "E001", "Delivery", 3, "manager", "Ada Example", None, "cycle export", IMPORTED],
    [],  # blank row: skipped
    ["2024-Q1", " E002 ", "Delivery", "NA", "manager", None, "too new", "cycle export", None],
    ["2024-Q1", "E003", "Communication", "4", "self", None, None, None, None],  # "4" as text
    canonical_headers("history"),  # a printed page's header repeated: skipped
    ["Note: ratings before 2024 live in the old system"],  # a note row: skipped
    ["2024-Q2", "E001", "Delivery", 3.5, "manager", "Ada  Example", None, None, None],
    [None, None, None, 2],  # a lone number is a record, not a note
]


def expected_history() -> tuple[list[list[Any]], list[list[str]]]:
    """The records and cells the cell-by-cell reader gives for SMALL_HISTORY."""
    data = [
        ["2024-Q1", "E001", "Delivery", 3, "manager", "Ada Example", None, "cycle export"],
        ["2024-Q1", "E002", "Delivery", "NA", "manager", None, "too new", "cycle export"],
        ["2024-Q1", "E003", "Communication", "4", "self", None, None, None],
        ["2024-Q2", "E001", "Delivery", 3.5, "manager", "Ada Example", None, None],
        [None, None, None, 2, None, None, None, None],
    ]
    rows = [4, 6, 7, 10, 11]
    cells = [[f"{letter}{r}" for letter in "ABCDEFGHI"] for r in rows]
    return data, cells


def small_history_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    write_framework_sheets(book)
    write_long_sheet(book, "Ratings History", iter(SMALL_HISTORY), date_format)
    book.close()
    return path


def test_fast_path_gives_the_cell_by_cell_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_history_workbook(tmp_path / "small.xlsx")
    assert isinstance(read_grids(path)["Ratings History"], grid_module.LongGrid)
    fast = read_framework(path).history
    data, cells = expected_history()
    assert fast.data.drop(columns="imported_at").values.tolist() == data
    assert fast.data["imported_at"].tolist() == [IMPORTED, None, None, None, None]
    assert fast.cells.values.tolist() == cells
    assert fast.sheets.tolist() == ["Ratings History"] * len(data)
    assert [type(v) for v in fast.data["rating"]] == [int, str, str, float, int]
    # the cell-by-cell path (switched off by making no sheet's budget the long one)
    monkeypatch.setattr(grid_module, "LONG_SHEET_CELLS", -1)
    assert not isinstance(read_grids(path)["Ratings History"], grid_module.LongGrid)
    slow = read_framework(path).history
    for part in ("data", "cells"):
        pd.testing.assert_frame_equal(getattr(fast, part), getattr(slow, part))
    pd.testing.assert_series_equal(fast.sheets, slow.sheets)


def test_long_grid_answers_like_a_grid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = small_history_workbook(tmp_path / "small.xlsx")
    fast = read_grids(path)["Ratings History"]
    monkeypatch.setattr(grid_module, "LONG_SHEET_CELLS", -1)
    slow = read_grids(path)["Ratings History"]
    assert fast.values == slow.values
    assert fast.rows_present() == slow.rows_present()
    assert (fast.n_rows, fast.n_cols) == (slow.n_rows, slow.n_cols)
    assert list(fast.row_cells(3)) == list(slow.row_cells(3))
    assert fast.row(5, 9) == slow.row(5, 9)
    assert fast.get(0, 0) == slow.get(0, 0) == SMALL_HISTORY[0][0]


def test_extent_counts_cells_with_content_only(tmp_path: Path) -> None:
    path = tmp_path / "styled.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Ratings History")
    ws.write(0, 0, "Cycle")
    ws.write(6, 27, 4)  # AB7: the farthest value
    ws.write_blank(900, 40, None, book.add_format({"bold": True}))  # styled, empty: AO901
    book.close()
    parts = sheet_parts(path)
    extent = scan_extent(path, parts["Ratings History"], "Ratings History")
    assert (extent.max_row, extent.max_col) == (6, 27)
    assert extent.cells == 3  # the tag count bounds the cells, the empty one included
