"""The columnar reader (fastexcel into Arrow) gives the grids and tables calamine's rows give,
cell for cell and type for type, on varied long sheets; where it cannot be sure of that (a
column mixing types, a header that may not be text, times of day) calamine reads the sheet."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from test_reader_scale import write_framework_sheets

from ladder_sheets.workbook import columnar as columnar_module
from ladder_sheets.workbook.grid import Grid, LongGrid, filled, read_grids
from ladder_sheets.workbook.reader import read_framework

HISTORY_HEADER = [
    "Cycle",
    "Employee ID",
    "Competency",
    "Rating",
    "Rater Type",
    "Reviewer",
    "Evidence",
    "Source",
    "Imported At",
]
LONG_TEXT = "Delivered the migration; " * 1300  # 32,500 characters, under Excel's 32,767


def typed(values: list[Any]) -> list[tuple[str, Any]]:
    return [(type(v).__name__, v) for v in values]


def words_of(grid: LongGrid) -> list[list[Any]]:
    """Each column's texts decoded from its codes (None where a cell holds no text)."""
    return [[w.uniques[c] if c >= 0 else None for c in w.codes.tolist()] for w in grid.words]


def read_both(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Grid], dict[str, Grid], list[str]]:
    """(grids with the columnar reader, grids with calamine alone, sheets fastexcel served)."""
    served: list[str] = []
    real = columnar_module.arrow_columns

    def spy(sheet: Any, extent: Any) -> Any:
        found = real(sheet, extent)
        if found is not None:
            served.append(sheet.table.column_names[0] if sheet.table.num_columns else "")
        return found

    with monkeypatch.context() as patch:
        patch.setattr("ladder_sheets.workbook.grid.arrow_columns", spy)
        new = read_grids(path)
    with monkeypatch.context() as patch:
        patch.setattr(columnar_module.ColumnarReader, "load", lambda *_: None)
        old = read_grids(path)
    return new, old, served


def assert_same_grids(new: dict[str, Grid], old: dict[str, Grid]) -> None:
    assert list(new) == list(old)
    for sheet in old:
        a, b = new[sheet], old[sheet]
        assert type(a) is type(b), sheet
        if isinstance(a, LongGrid) and isinstance(b, LongGrid):
            assert len(a.columns) == len(b.columns), sheet
            for c, (x, y) in enumerate(zip(a.columns, b.columns, strict=True)):
                assert typed(x.tolist()) == typed(y.tolist()), (sheet, c)
            assert words_of(a) == words_of(b), sheet
        assert typed(list(a.values.items())) == typed(list(b.values.items())), sheet


def assert_same_tables(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = read_framework(path)
    with monkeypatch.context() as patch:
        patch.setattr(columnar_module.ColumnarReader, "load", lambda *_: None)
        old = read_framework(path)
    for table in ("history", "evidence"):
        if table not in old.tables:
            continue
        a, b = new.tables[table], old.tables[table]
        assert typed(a.data.values.ravel().tolist()) == typed(b.data.values.ravel().tolist())
        pd.testing.assert_frame_equal(a.cells, b.cells)
        pd.testing.assert_series_equal(a.sheets, b.sheets)
    assert [str(f) for f in new.findings] == [str(f) for f in old.findings]


def write_book(path: Path, sheets: dict[str, list[list[Any]]], **options: Any) -> Path:
    """A framework workbook with the given long sheets, written from (row, col) = value;
    datetimes get a date format, a ("=formula", "#N/A") tuple is an error cell."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, **options})
    dates = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    write_framework_sheets(book)
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, tuple):
                    ws.write_formula(r, c, value[0], None, value[1])
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, dates)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    book.close()
    return path


def history(n: int, seed: int) -> list[list[Any]]:
    """n rows of a Ratings History whose every column keeps one type (blanks anywhere)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = [list(HISTORY_HEADER)]
    for i in range(n):
        when = dt.datetime(2025, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 10**6))
        rows.append(
            [
                rng.choice(["2024-Q1", "2024-Q2", " 2024-Q3 ", "2024–Q4"]),
                rng.choice(["00123", "E00042", f"E{i:05d}", "Zoë-Ångström", ""]),
                rng.choice(["Delivery", "Communication", "Craft", None]),
                rng.choice([1, 2, 3, 3.5, 4, 5, 2.25, 1e15, -0.0, None]),
                rng.choice(["manager", "self", "peer"]),
                rng.choice(["Ada Example", None, LONG_TEXT if i % 97 == 0 else "Bo Sample"]),
                rng.choice([None, None, "line one\nline two", "tab\there", "x_x000D_y"]),
                "cycle export",
                rng.choice([when, when.replace(hour=0, minute=0), None]),
            ]
        )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("options", [{}, {"constant_memory": True}], ids=["shared", "inline"])
def test_varied_long_sheets_read_the_same_by_both_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, options: dict[str, Any]
) -> None:
    rows = history(3000, seed)
    rows[5][6] = ("=NA()", "#N/A")  # an error cell in a text column
    rows[9][3] = ("=1/0", "#DIV/0!")  # and in a number column
    evidence = [
        ["Cycle", "Employee ID", "Scope Criteria Met", "Manager Endorsement", "Ready"],
        *[["2024-Q1", f"E{i:05d}", "Yes", "No", i % 2 == 0] for i in range(500)],
    ]
    path = write_book(
        tmp_path / "varied.xlsx",
        {"Ratings History": rows, "Promotion Evidence": evidence},
        **options,
    )
    new, old, served = read_both(path, monkeypatch)
    assert served == ["Cycle", "Cycle"]  # fastexcel read both long sheets
    assert_same_grids(new, old)
    assert_same_tables(path, monkeypatch)
    grid = new["Ratings History"]
    assert isinstance(grid, LongGrid)
    assert grid.get(5, 6) == "#N/A" and grid.get(9, 3) == "#DIV/0!"


def test_a_table_that_starts_below_and_right_of_a1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[None] * 3 + row for row in history(200, 4)]
    rows[0][4] = None  # a blank header cell
    sheet = [[None] * 12, [None] * 12, ["Ratings history, exported"] + [None] * 11, *rows]
    sheet[2][0] = None  # the title removed again: the table alone, from D4
    path = write_book(tmp_path / "offset.xlsx", {"Ratings History": sheet})
    new, old, served = read_both(path, monkeypatch)
    assert served == ["Cycle"]  # fastexcel served it
    assert_same_grids(new, old)
    assert new["Ratings History"].get(3, 3) == "Cycle"


@pytest.mark.parametrize(
    "change",
    [
        "mixed column",  # ratings as numbers and as text
        "mixed late",  # past the rows fastexcel judges a column's type by
        "number as header",
        "time of day",
        "title row",  # a title above the header: every column mixes text and its type
        "duplicate header",
    ],
)
def test_what_fastexcel_cannot_be_sure_of_goes_to_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    rows = history(3000, 5)
    if change == "mixed late":
        rows[2500][3] = "NA"
    elif change == "mixed column":
        rows[7][3] = "NA"
        rows[8][3] = "4"  # a number stored as text
    elif change == "number as header":
        rows[0][6] = 2024
    elif change == "time of day":
        rows[4][8] = dt.datetime(1899, 12, 31, 9, 30)
    elif change == "title row":
        rows.insert(0, ["Ratings History (exported)"])
    elif change == "duplicate header":
        rows[0][6] = "Cycle"
    path = write_book(tmp_path / "unsure.xlsx", {"Ratings History": rows})
    new, old, served = read_both(path, monkeypatch)
    assert served == []  # calamine read it
    assert_same_grids(new, old)
    assert_same_tables(path, monkeypatch)


def test_a_sheet_written_by_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xlsx = write_book(tmp_path / "source.xlsx", {"Ratings History": history(500, 6)})
    book = openpyxl.load_workbook(xlsx)
    book.save(tmp_path / "saved.xlsx")
    new, old, served = read_both(tmp_path / "saved.xlsx", monkeypatch)
    assert served
    assert_same_grids(new, old)
    assert_same_tables(tmp_path / "saved.xlsx", monkeypatch)


def test_a_long_sheet_with_merged_cells_is_read_by_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_book(tmp_path / "merged.xlsx", {"Ratings History": history(100, 7)})
    book = openpyxl.load_workbook(path)
    book["Ratings History"].merge_cells("G2:G3")
    book.save(path)
    new, old, served = read_both(path, monkeypatch)
    assert served == []
    assert not isinstance(new["Ratings History"], LongGrid)  # merged: a plain grid
    assert_same_grids(new, old)


def test_filled_is_every_entry_but_none() -> None:
    """A blank is None alone: NaN, 0, '', False and a text are values, in a view as well."""
    values = [None, float("nan"), 0, "", False, "E1", None, 0.0]
    column = np.array(values * 3, dtype=object)
    assert filled(column).tolist() == [v is not None for v in values] * 3
    assert filled(column[1::3]).tolist() == [v is not None for v in (values * 3)[1::3]]
    assert filled(np.array([], dtype=object)).tolist() == []


@pytest.mark.parametrize(
    "values",
    [
        [" Cycle ", "2024-Q1", None, "2024-Q1 ", "a\u00a0 b", None],  # texts and blanks
        ["Rating", 3, " 4 ", None, 2.5, "x"],  # texts beside numbers
        [None, 3, 4],  # no text
    ],
    ids=["texts", "mixed", "numbers"],
)
def test_a_long_column_is_cleaned_as_each_cell_would_be(values: list[Any]) -> None:
    """Each distinct text cleaned once, spread by its code: the values _clean gives cell by
    cell, numbers and blanks as they were, from the row asked for."""
    from ladder_sheets.workbook.grid import Words
    from ladder_sheets.workbook.reader import _clean, _clean_column

    column = np.array(values, dtype=object)
    for start in (0, 1):
        got = _clean_column(column[start:], Words.of(column), start)
        assert got.tolist() == [_clean(v) for v in values[start:]]
        assert [type(v) for v in got] == [type(_clean(v)) for v in values[start:]]
