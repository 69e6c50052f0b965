"""The Table <-> Arrow codec keeps every value exactly: its type, blanks, places and sheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.columnar import (
    Unsupported,
    read_parquet,
    table_from_arrow,
    table_to_arrow,
    write_parquet,
    write_parquet_parts,
)
from ladder_sheets.model import Table, columns

MIXED = [
    1,
    1.0,
    True,
    "1",
    None,
    float("nan"),
    2.5,
    "  spaced ",
    "",
    dt.date(2026, 3, 31),
    dt.datetime(2026, 3, 31, 9, 30, 15, 123456),
    pd.Timestamp("2026-01-02 03:04:05"),
    np.float64(3.25),
    np.int64(7),
    np.bool_(False),
    0,
    False,
    -(2**40),
    "é ✓ 中",
]


def _history(values: list[object], places: CellMap | pd.DataFrame | None = None) -> Table:
    n = len(values)
    data = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in columns("history")})
    data["rating"] = pd.Series(values, dtype=object)
    data["cycle"] = pd.Series(["2026-Q1"] * n, dtype=object)
    if places is None:
        letters = {c: "ABCDEFGHI"[i] for i, c in enumerate(columns("history"))}
        places = CellMap(columns("history"), [SheetRows(np.arange(n) + 2, letters)])
    return Table("history", data, places, pd.Series(["Ratings History"] * n, dtype=object), "x")


def _same(a: Table, b: Table) -> None:
    assert list(a.data.columns) == list(b.data.columns)
    for column in a.data.columns:
        assert a.data[column].dtype == b.data[column].dtype, column
        for x, y in zip(a.data[column].tolist(), b.data[column].tolist(), strict=True):
            assert type(x) is type(y), (column, x, y)
            assert x == y or (x != x and y != y), (column, x, y)
    assert a.cells.equals(b.cells)
    assert a.sheets.tolist() == b.sheets.tolist()


def test_mixed_values_come_back_with_their_own_types(tmp_path):
    table = _history(MIXED * 3)
    path = tmp_path / "t.parquet"
    write_parquet(table_to_arrow(table, {"note": "kept"}), path)
    back, extra = table_from_arrow(read_parquet(path), "book.xlsx")
    assert extra == {"note": "kept"}
    assert back.file == "book.xlsx" and back.name == "history"
    _same(table, back)
    # 1, 1.0 and True are three values, not one
    assert [type(v) for v in back.data["rating"].tolist()[:3]] == [int, float, bool]
    assert back.cell(20, "rating") == "D22"


def test_a_typed_float_column_keeps_nan_and_its_dtype(tmp_path):
    table = _history([1.0, float("nan"), 3.5])
    table.data["rating"] = table.data["rating"].astype(float)
    table.data["imported_at"] = pd.Series([dt.date(2026, 1, 1), None, dt.date(2025, 12, 31)])
    back, _ = table_from_arrow(table_to_arrow(table))
    assert back.data["rating"].dtype == np.float64
    assert np.isnan(back.data["rating"].iloc[1])
    _same(table, back)


def test_places_as_strings_and_several_sheets(tmp_path):
    cells = pd.DataFrame(
        {c: [f"{c[:1].upper()}{i}" if i % 2 else "" for i in range(4)] for c in columns("history")}
    )
    table = _history(["a", "b", None, 4], places=cells)
    table.sheets = pd.Series(["One", "One", "Two", None], dtype=object)
    back, _ = table_from_arrow(table_to_arrow(table))
    _same(table, back)
    stacked = CellMap(
        columns("history"),
        [SheetRows(np.array([2, 3]), {"rating": "D"}), SheetRows(np.array([5]), {"rating": "E"})],
    )
    table = _history([1, 2, 3], places=stacked)
    back, _ = table_from_arrow(table_to_arrow(table))
    assert [back.cell(i, "rating") for i in range(3)] == ["D2", "D3", "E5"]
    assert back.cell(0, "cycle") == ""


def test_row_groups_each_with_their_own_dictionary(tmp_path):
    values = [f"text {i % 7}" if i % 3 else i for i in range(1000)]
    table = _history(values)
    path = tmp_path / "t.parquet"
    pq.write_table(table_to_arrow(table), path, row_group_size=128)
    arrow = pq.read_table(path)
    assert arrow.column("d:rating\x1fstr").num_chunks > 1
    back, _ = table_from_arrow(arrow)
    _same(table, back)


def test_a_value_repeated_over_row_groups_is_one_object(tmp_path):
    """Each row group has its own dictionary: a text is made once all the same (a history's
    IDs, repeated in every row group, were made once per row group)."""
    values = [f"ID {i % 7}" for i in range(1000)]
    path = tmp_path / "t.parquet"
    pq.write_table(table_to_arrow(_history(values)), path, row_group_size=128)
    arrow = pq.read_table(path)
    assert arrow.column("d:rating\x1fstr").num_chunks == 8
    back, _ = table_from_arrow(arrow)
    assert back.data["rating"].tolist() == values
    assert len({id(v) for v in back.data["rating"]}) == 7


def test_parts_written_a_row_group_per_few_batches(tmp_path):
    """write_parquet_parts: batches gathered until `rows` rows are held, a row group each, the
    same table once read; the sheet rows stored as differences, the rest in dictionaries."""
    values = [f"text {i % 5}" if i % 4 else i for i in range(1050)]
    arrow = table_to_arrow(_history(values))
    path = tmp_path / "t.parquet"
    write_parquet_parts(arrow.schema, arrow.to_batches(max_chunksize=100), path, 250, ["row"])
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [300, 300, 300, 150]
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        for j in range(group.num_columns):
            column = group.column(j)
            used = set(column.encodings)
            if column.path_in_schema == "row":
                assert "DELTA_BINARY_PACKED" in used and "RLE_DICTIONARY" not in used
            else:
                assert "RLE_DICTIONARY" in used, column.path_in_schema
    back, _ = table_from_arrow(pq.read_table(path))
    _same(_history(values), back)


def test_a_column_of_one_type_with_blanks_over_row_groups(tmp_path):
    """Text only, or whole numbers only, with blanks at the ends of row groups and a row group
    of blanks alone: each value and each None where it was."""
    texts = [None if i % 5 == 0 or 256 <= i < 384 else f"ID {i % 11}" for i in range(1000)]
    numbers = [None if i % 7 == 0 else i % 4 for i in range(1000)]
    for values in (texts, numbers, [None] * 999 + ["last"]):
        table = _history(values)
        path = tmp_path / "t.parquet"
        pq.write_table(table_to_arrow(table), path, row_group_size=128)
        arrow = pq.read_table(path)
        back, _ = table_from_arrow(arrow)
        _same(table, back)
        assert back.data["rating"].tolist() == values


def test_an_empty_table(tmp_path):
    table = Table.empty("history", "x")
    table.places = CellMap(columns("history"), [])
    back, _ = table_from_arrow(table_to_arrow(table))
    assert len(back) == 0 and list(back.data.columns) == columns("history")


@pytest.mark.parametrize(
    "value",
    [Decimal("1.5"), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 2**70, dt.time(9, 0), b"raw"],
)
def test_a_value_it_cannot_keep_exactly_is_refused(value):
    with pytest.raises(Unsupported):
        table_to_arrow(_history(["a", value]))


def test_without_the_layout_it_says_so():
    with pytest.raises(Unsupported):
        table_from_arrow(pa.table({"a": [1]}))


@pytest.mark.parametrize(
    "values",
    [
        ["E1", "E2", "E1", "é ✓ 中", ""],
        [3, 1, 3, -(2**40)],
        [1.5, float("nan"), 1.5, float("nan"), -0.0],
        [True, False, True],
        [dt.datetime(2026, 3, 31, 9, 30), dt.datetime(2025, 1, 1), dt.datetime(2026, 3, 31, 9, 30)],
        [dt.date(2026, 3, 31), dt.date(2025, 1, 1), dt.date(2026, 3, 31)],
        [pd.Timestamp("2026-01-02 03:04:05"), pd.Timestamp("2026-01-02 03:04:05")],
        [np.float64(3.25), np.float64("nan"), np.float64(3.25)],
        [np.int64(7), np.int64(-7)],
        [np.bool_(False), np.bool_(True)],
    ],
    ids=lambda v: type(v[0]).__name__,
)
def test_a_column_of_one_type_without_blanks_keeps_each_value(values):
    """A column of one type and no blank is encoded without grouping: each value comes back
    in its place with its own type, NaN as NaN, repeated values as one dictionary entry."""
    table = _history(values * 3)
    arrow = table_to_arrow(table)
    kinds = [n for n in arrow.column_names if n.startswith("d:rating")]
    assert len(kinds) == 1  # one Arrow column: no kind column, no other type
    distinct = len({(type(v), v) for v in values if v == v}) + any(v != v for v in values)
    assert len(arrow.column(kinds[0]).chunks[0].dictionary) == distinct
    back, _ = table_from_arrow(arrow)
    _same(table, back)


def test_equal_values_held_by_different_objects_are_one_dictionary_entry() -> None:
    """Values are grouped by object first (a reader makes one per distinct value), then by
    type and value: equal texts in two objects are one entry, 1 and 1.0 and True three."""
    texts = ["".join(["E", str(i % 3)]) for i in range(30)]
    table = _history([*texts, 1, 1.0, True, 1, None])
    arrow = table_to_arrow(table)
    assert arrow.column("d:rating\x1fstr").chunks[0].dictionary.to_pylist() == ["E0", "E1", "E2"]
    assert arrow.column("d:rating\x1fint").chunks[0].dictionary.to_pylist() == [1]
    back, _ = table_from_arrow(arrow)
    _same(table, back)
