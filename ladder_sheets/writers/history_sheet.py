"""The Ratings History sheet: plain, readable, and never truncated.

Header on row 1 (so people filter it and the reader reads it back like any table), frozen,
filtered; ratings as numbers, import times as dates. A history longer than a sheet's
1,048,575 data rows continues in numbered sheets "Ratings History (2)", "Ratings History (3)"
... in the same row order; the reader concatenates every sheet named that way. Numbered rather
than by year because one year of a large organisation can itself pass the limit.

Cells are written strictly row by row, left to right, so the builder also works in an
xlsxwriter workbook opened with {"constant_memory": True}, which a history of millions of
rows needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import xlsxwriter

from ..model import TABLES
from . import styles as st
from .merge_sheets import (
    MAX_ROWS,
    Column,
    as_datetime,
    as_number,
    as_text,
    finish_table,
    set_widths,
    sheet_title,
    write_header,
)

HEADER_ROW = 0
ROWS_PER_SHEET = MAX_ROWS - 1  # one row is the header
CHUNK = 50_000  # rows converted at a time: bounded memory on long histories

_KINDS = {
    "employee_id": ("value", "text"),
    "rating": ("number", "rating"),
    "imported_at": ("datetime", "datetime"),
}
_WRAP = {"evidence"}

COLUMNS: list[Column] = [
    Column(key, header, *_KINDS.get(key, ("text", "text")), wrap=key in _WRAP)
    for key, header in TABLES["history"][1]
]


def continuation_name(name: str, number: int) -> str:
    """The name of the number-th sheet of a history (1 is `name` itself)."""
    return name if number == 1 else sheet_title(name, f" ({number})")


def build_history_sheet(
    wb: xlsxwriter.Workbook,
    history: pd.DataFrame,
    name: str = "Ratings History",
    *,
    rows_per_sheet: int = ROWS_PER_SHEET,
) -> list[str]:
    """Add the Ratings History sheet(s) to `wb`; returns the sheet names written, in order.

    `history` has the columns of `model.TABLES["history"]` (a missing column stays blank).
    `rows_per_sheet` exists for tests; leave it at Excel's limit otherwise.
    """
    if rows_per_sheet < 1:
        raise ValueError("rows_per_sheet must be at least 1")
    styles = st.Styles.of(wb)
    data = history.reindex(columns=[c.key for c in COLUMNS])
    total = len(data)
    sheets = max(1, -(-total // rows_per_sheet))
    names = [continuation_name(name, n) for n in range(1, sheets + 1)]
    for number, sheet_name in enumerate(names):
        part = data.iloc[number * rows_per_sheet : (number + 1) * rows_per_sheet]
        ws = wb.add_worksheet(sheet_name)
        write_header(ws, HEADER_ROW, COLUMNS, styles)
        _write_rows(ws, part, styles)
        set_widths(ws, COLUMNS, part, styles)
        finish_table(ws, HEADER_ROW, len(part), len(COLUMNS))
    return names


def _write_rows(ws: Any, part: pd.DataFrame, styles: st.Styles) -> None:
    formats = [styles["wrap"] if c.wrap else styles[c.style] for c in COLUMNS]
    kinds = [c.kind for c in COLUMNS]
    moments: dict[Any, dt.datetime | dt.date | None] = {}  # import times repeat: convert once
    row = HEADER_ROW + 1
    for start in range(0, len(part), CHUNK):
        chunk = part.iloc[start : start + CHUNK]
        lists = [chunk[c.key].tolist() for c in COLUMNS]
        for values in zip(*lists, strict=True):
            for col, value in enumerate(values):
                kind = kinds[col]
                if kind == "text":
                    text = as_text(value)
                    if text:
                        ws.write_string(row, col, text, formats[col])
                    continue
                number = as_number(value)
                if number is not None and kind != "datetime":
                    ws.write_number(row, col, number, formats[col])
                    continue
                if kind == "datetime":
                    try:
                        when = moments[value]
                    except KeyError:
                        when = moments[value] = as_datetime(value)
                    except TypeError:  # unhashable: convert without the memo
                        when = as_datetime(value)
                    if when is not None:
                        ws.write_datetime(row, col, when, formats[col])
                        continue
                text = as_text(value)
                if text:
                    ws.write_string(row, col, text, formats[col])
            row += 1
