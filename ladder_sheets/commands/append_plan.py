"""Whether merge may keep the recorded history sheets and append the new rows, decided from data.

The fast path holds when the merged history is the recorded history, row for row and in the same
order, followed by new rows, and the recorded rows sit in the sheets exactly as the history
writer lays them out: header on row 1, the first sheets full (`rows_per_sheet` rows), the last
one partly, every canonical column in its place. What the XML holds is checked afterwards by
`append.prepare_append` / `append.check_kept_sheet` while it streams the sheets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.commands.merge_history import HistoryMerge, differs_from
from ladder_sheets.sheets.history import COLUMNS, continuation_name


@dataclass
class HistoryWrite:
    """How merge wrote Ratings History: "append" (recorded rows kept as they are) or
    "rewrite" (every row written again), with a stable `code` and a reason for people."""

    path: str
    code: str
    reason: str
    appended_to: list[str] = field(default_factory=list)  # sheets kept with rows added
    new_sheets: list[str] = field(default_factory=list)  # continuation sheets opened
    rows: int = 0  # rows appended

    @classmethod
    def rewrite(cls, code: str, reason: str) -> HistoryWrite:
        return cls("rewrite", code, reason)


@dataclass
class AppendPlan:
    base: str  # the first history sheet's name
    kept: list[str]  # sheets that keep their rows (the last one gets `into_last`)
    kept_rows: list[pd.DataFrame]  # the rows the reader read from each, as read
    into_last: pd.DataFrame
    overflow: pd.DataFrame  # rows for new continuation sheets
    first_new: int  # continuation number of the first new sheet

    def new_sheet_names(self, rows_per_sheet: int) -> list[str]:
        count = -(-len(self.overflow) // rows_per_sheet)
        return [continuation_name(self.base, self.first_new + n) for n in range(count)]


def plan_append(
    existing: pd.DataFrame,
    row_sheets: pd.Series,
    cell_of: Callable[[Any, str], str],
    merged: HistoryMerge,
    read_sheets: Sequence[str],
    workbook_sheets: Sequence[str],
    rows_per_sheet: int,
) -> AppendPlan | HistoryWrite:
    """The plan, or the full rewrite with the reason the fast path does not hold.

    `existing` are the recorded rows as read, `row_sheets` the sheet of each (same index),
    `cell_of(index, column)` the A1 address a value was read from."""
    if not len(existing) or not read_sheets:
        return HistoryWrite.rewrite("empty-history", "no recorded rows to keep")
    base = read_sheets[0]
    expected = [continuation_name(base, n + 1) for n in range(len(read_sheets))]
    if list(read_sheets) != expected:
        return HistoryWrite.rewrite(
            "sheet-names", "the history sheets are not named the way the writer names them"
        )
    position = {name: n for n, name in enumerate(read_sheets)}
    codes = sheet_numbers(row_sheets, existing.index, position)
    if np.isnan(codes).any() or (np.diff(codes) < 0).any():
        return HistoryWrite.rewrite("sheet-layout", "the recorded rows are not in sheet order")
    counts = np.bincount(codes.astype(int), minlength=len(read_sheets))
    used = int((counts > 0).sum())
    if (
        (counts[:used] == 0).any()
        or (counts[: used - 1] != rows_per_sheet).any()
        or counts[used - 1] > rows_per_sheet
    ):
        return HistoryWrite.rewrite(
            "sheet-layout", "the recorded rows are not laid out the way the writer lays them out"
        )
    starts = np.concatenate([[0], np.cumsum(counts[:used])[:-1]])
    letters = [f"{column_letters(i)}2" for i in range(len(COLUMNS))]
    for start in starts:
        label = existing.index[int(start)]
        row = [cell_of(label, c.key) for c in COLUMNS]
        if row != letters:
            return HistoryWrite.rewrite(
                "sheet-layout", "the history's columns are not where the writer puts them"
            )
    why = differs_from(existing, merged)
    if why is not None:
        return HistoryWrite.rewrite(*why)
    new = merged.history.iloc[len(existing) :]
    room = rows_per_sheet - int(counts[used - 1])
    kept_rows = [
        existing.iloc[int(s) : int(s) + int(n)] for s, n in zip(starts, counts[:used], strict=True)
    ]
    plan = AppendPlan(
        base=base,
        kept=list(read_sheets[:used]),
        kept_rows=kept_rows,
        into_last=new.iloc[:room],
        overflow=new.iloc[room:],
        first_new=used + 1,
    )
    taken = {s.casefold() for s in workbook_sheets} - {s.casefold() for s in read_sheets}
    for name in plan.new_sheet_names(rows_per_sheet):
        if name.casefold() in taken:
            return HistoryWrite.rewrite(
                "continuation-taken", f"the next continuation sheet '{name}' is another sheet"
            )
    return plan


def sheet_numbers(row_sheets: pd.Series, index: pd.Index, position: dict[str, int]) -> np.ndarray:
    """The number `position` gives the sheet of each row of `index` (NaN for a sheet it does not
    name or a row without one): looked up once per distinct sheet, not once a row, and the
    rows taken as a slice where they are the first of `row_sheets` (the recorded rows are)."""
    first = row_sheets.index[: len(index)]
    sheets = row_sheets.iloc[: len(index)] if first.equals(index) else row_sheets.reindex(index)
    codes, distinct = pd.factorize(sheets.to_numpy(dtype=object), use_na_sentinel=True)
    numbers = np.array([position.get(s, np.nan) for s in distinct] + [np.nan], dtype=float)
    return numbers[codes]
