"""The recorded rows (Ratings History of the workbook's own file) told from the exports' rows,
duplicates found within each side only, and the count of the cells the history writer writes:
each checked on small cases worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_schema_company import build, company

from ladder_sheets.commands.merge import split_ratings
from ladder_sheets.model import Table
from ladder_sheets.schema import validate
from ladder_sheets.schema.ratings import SourcedTable, manager_rated, recorded_rows
from ladder_sheets.xlsx.append.scan import _present


def _export(rows: list[dict[str, Any]], file: str) -> Table:
    table = Table.from_records("history", rows, file=file)
    for i in table.cells.index:
        table.cells.loc[i] = [f"{i + 2}:{c}" for c in table.cells.columns]
    table.sheets = table.sheets.iloc[0:0]
    return table


def _rating(employee: str, competency: str, value: Any) -> dict[str, Any]:
    return {"cycle": "2026-Q2", "employee_id": employee, "competency": competency, "rating": value}


def _company_with_history_sheet() -> Any:
    rec = company()
    rec["history"].append(_rating("E003", "Delivery", 5))  # the history holds a key twice
    framework = build(rec)
    framework.sources = {"history": ["Ratings History"]}
    return framework


def test_duplicates_are_found_within_the_history_and_within_an_export_not_across() -> None:
    framework = _company_with_history_sheet()
    rows = [
        _rating("E003", "Delivery", 3),  # the history's key: merge's question, not a duplicate
        _rating("E004", "Delivery", 2),
        _rating("E004", "Delivery", 4),  # twice in the export: an error at line 4
    ]
    result = validate(framework, [_export(rows, "q2.csv")])
    found = [
        (f.code, f.severity.value, f.file, f.sheet, f.cell, f.line)
        for f in result.report
        if f.code == "duplicate-rating"
    ]
    assert found == [
        ("duplicate-rating", "error", "framework.xlsx", "Ratings History", "D9", None),
        ("duplicate-rating", "error", "q2.csv", None, None, 4),
    ]
    recorded = recorded_rows(result.ratings, framework).tolist()
    assert recorded == [True] * 8 + [False] * 3


def test_recorded_rows_are_the_own_files_history_sheet_rows() -> None:
    data = pd.DataFrame({"cycle": ["2026-Q1"] * 5})
    sheets = pd.Series(["Ratings History", "Ratings History", None, "Other", "Ratings History"])
    files = pd.Series(["book.xlsx", "other.xlsx", "book.xlsx", "book.xlsx", None], dtype=object)
    table = SourcedTable("history", data, pd.DataFrame(index=data.index), sheets, "", files)
    framework = build(company(), path="book.xlsx")
    framework.sources = {"history": ["Ratings History"]}
    assert recorded_rows(table, framework).tolist() == [True, False, False, False, False]
    plain = Table("history", data, pd.DataFrame(index=data.index), sheets, "book.xlsx")
    assert recorded_rows(plain, framework).tolist() == [True, True, False, False, True]
    existing, incoming = split_ratings(framework, table)
    assert existing.index.tolist() == [0] and incoming["where"].tolist() == [1, 2, 3, 4]


_values = st.sampled_from(
    ["", "a", " ", None, np.nan, pd.NA, pd.NaT, 0, 1.5, dt.datetime(2026, 1, 1), "x"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_values, max_size=12))
def test_present_counts_what_is_neither_blank_nor_empty_text(values: list[Any]) -> None:
    by_hand = sum(
        1 for v in values if not (v is None or v is pd.NA or v is pd.NaT or v != v or v == "")
    )
    assert _present(pd.Series(values, dtype=object)) == by_hand


def test_present_of_typed_columns() -> None:
    assert _present(pd.Series([1.0, np.nan, 3.0])) == 2
    assert _present(pd.Series([1, 2, 3])) == 3
    assert _present(pd.Series(pd.to_datetime(["2026-01-01", None]))) == 1
    assert _present(pd.Series(["a", "", None], dtype="string")) == 1


_raters = st.sampled_from(["manager", "Manager", " manager", "self", None, np.nan, pd.NA])
_cycles = st.sampled_from(["2026-Q1", "2026-Q2", None, np.nan, pd.NA])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_raters, _cycles, st.sampled_from([3.0, np.nan])), max_size=12))
def test_manager_rated_rows_are_the_row_by_row_answer(rows: list[tuple[Any, Any, float]]) -> None:
    data = pd.DataFrame(rows, columns=["rater_type", "cycle", "rating"]).astype(
        {"rater_type": object, "cycle": object, "rating": float}
    )
    by_hand = [
        isinstance(r, str) and r == "manager" and isinstance(c, str) and v == v for r, c, v in rows
    ]
    assert manager_rated(data).tolist() == by_hand
