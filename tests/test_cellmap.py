"""CellMap: places of a long table spelled out on demand, stacked with string places."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.model import Table, columns


def _stacked() -> CellMap:
    history = SheetRows(np.array([2, 3, 7]), {"cycle": "A", "rating": "D"})
    export = pd.DataFrame({"cycle": ["5:Cycle", None], "rating": ["5:Rating", "6:Rating"]})
    return CellMap(["cycle", "rating", "evidence"], [history, export])


def test_a_place_is_spelled_from_its_row_and_its_column_letters() -> None:
    cells = _stacked()
    assert len(cells) == 5
    assert [cells.at(i, "rating") for i in range(5)] == ["D2", "D3", "D7", "5:Rating", "6:Rating"]
    assert cells.at(2, "cycle") == "A7"
    assert cells.at(4, "cycle") == ""  # blank in the export
    assert cells.at(0, "evidence") == ""  # the sheet has no such column
    assert cells.row(1) == ["A3", "D3", ""]


def test_columns_and_frames_match_the_places_one_by_one() -> None:
    cells = _stacked()
    for column in ("cycle", "rating", "evidence"):
        assert cells.column(column).tolist() == [cells.at(i, column) for i in range(5)]
    frame = cells.frame(pd.RangeIndex(5))
    assert frame.loc[2, "rating"] == "D7" and frame.loc[4, "cycle"] == ""
    stacked = CellMap.stack(["cycle", "rating", "evidence"], [cells, cells])
    assert len(stacked) == 10 and stacked.at(7, "rating") == "D7"


def test_a_table_with_a_cell_map_says_where_each_value_is() -> None:
    cols = columns("history")
    data = pd.DataFrame({c: [None] * 3 for c in cols}, dtype=object)
    rows = SheetRows(np.array([4, 5, 9]), {"employee_id": "B", "rating": "D"})
    table = Table("history", data, CellMap(cols, [rows]), pd.Series(["Ratings History"] * 3))
    assert table.cell(2, "rating") == "D9"
    assert table.cell_column("employee_id") == ["B4", "B5", "B9"]
    where = table.where(1, "rating")
    assert (where.sheet, where.cell) == ("Ratings History", "D5")
    assert table.where(1, "cycle").cell == "B5"  # no Cycle column: the row's first cell
    assert table.cells.loc[0, "rating"] == "D4"  # spelled out when asked for, and kept
    assert isinstance(table.places, pd.DataFrame)


def test_column_letters_are_excels_and_read_back():
    # Hand-checked corners of the bijective base-26 spelling, then xlsxwriter's on every column.
    from xlsxwriter.utility import xl_col_to_name

    from ladder_sheets.cellmap import column_index, column_letters

    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD",
    ]  # fmt: skip
    for i in range(16384):
        assert column_letters(i) == xl_col_to_name(i)
        assert column_index(column_letters(i)) == i == column_index(column_letters(i).encode())
