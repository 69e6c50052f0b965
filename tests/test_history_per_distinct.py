"""Work done once per distinct value instead of once per history row: the cycles each person
was rated in by their manager (RatingHistory.manager_cycles) and the sheet number of each
recorded row (append_plan.sheet_numbers), held against the row-by-row answer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.commands.append_plan import sheet_numbers
from ladder_sheets.model import Table

_rows = st.lists(
    st.tuples(
        st.sampled_from(["2026-Q1", "2026-Q2", "2025-Q4", None]),
        st.sampled_from(["E1", "e1 ", "E2", "E3", ""]),
        st.sampled_from(["manager", "self", None]),
        st.sampled_from([3.0, None]),
    ),
    max_size=30,
)


def _by_hand(rows: list[tuple[Any, ...]]) -> list[tuple[str, list[str]]]:
    """Each person's key and their manager-rated cycles, in the order first seen, row by row."""
    out: dict[str, list[str]] = {}
    for cycle, employee, rater, rating in rows:
        person = employee.strip().casefold()
        if cycle is None or rating is None or not person or rater not in ("manager", None):
            continue
        seen = out.setdefault(person, [])
        if cycle not in seen:
            seen.append(cycle)
    return [(person, cycles) for person, cycles in out.items()]


@settings(max_examples=120, deadline=None)
@given(_rows)
def test_manager_cycles_are_each_persons_rated_cycles_in_order(rows: list[tuple[Any, ...]]) -> None:
    records = [
        {"cycle": c, "employee_id": e, "competency": "Delivery", "rating": r, "rater_type": t}
        for c, e, t, r in rows
    ]
    history = RatingHistory.from_table(Table.from_records("history", records, file="f.xlsx"))
    got = list(history.manager_cycles.items())
    expected = _by_hand(rows)
    assert [p for p, _ in got] == [p for p, _ in expected]
    for (_, cycles), (_, wanted) in zip(got, expected, strict=True):
        assert cycles == set(wanted)
        assert list(cycles) == list(set(wanted))  # the same set, built in the same order


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Ratings History", "Ratings History (2)", "Other", None]), max_size=20
    ),
    st.integers(0, 20),
    st.booleans(),
)
def test_sheet_numbers_are_the_row_by_row_lookup(
    sheets: list[Any], take: int, shuffled: bool
) -> None:
    position = {"Ratings History": 0, "Ratings History (2)": 1}
    row_sheets = pd.Series(sheets, dtype=object, index=pd.RangeIndex(10, 10 + len(sheets)))
    index = row_sheets.index[: min(take, len(sheets))]
    if shuffled:
        index = pd.Index(list(reversed(index)))
    expected = [float(position[s]) if s in position else np.nan for s in row_sheets[index]]
    got = sheet_numbers(row_sheets, index, position)
    assert np.array_equal(got, np.array(expected, dtype=float), equal_nan=True)
