"""The Ratings History and Promotion Evidence sheets: plain, readable, never truncated.

Header on row 1 (so people filter it and the reader reads it back like any table), frozen,
filtered; ratings as numbers, import times as dates, evidence flags as Yes/No. A history
longer than a sheet's 1,048,575 data rows continues in numbered sheets "Ratings History (2)",
"Ratings History (3)" ... in the same row order; the reader concatenates every sheet named that
way. Numbered rather than by year because one year of a large organisation can itself pass the
limit.

Cells are written strictly row by row, left to right, so the builder also works in an
xlsxwriter workbook opened with {"constant_memory": True}, which a history of millions of
rows needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import xlsxwriter

from ladder_sheets.model import TABLES
from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.table import (
    MAX_ROWS,
    MAX_TEXT,
    Column,
    as_datetime,
    finish_table,
    set_widths,
    sheet_title,
    write_header,
    write_value,
)

HEADER_ROW = 0
ROWS_PER_SHEET = MAX_ROWS - 1  # one row is the header
CHUNK = 50_000  # rows converted at a time: bounded memory on long histories

# (kind, style) by column of the history and evidence tables; the rest is text.
_KINDS = {
    "employee_id": ("value", "text"),
    "rating": ("number", "rating"),
    "imported_at": ("datetime", "datetime"),
    "scope_met": ("flag", "flag"),
    "endorsed": ("flag", "flag"),
    "calibrated": ("flag", "flag"),
}
_WRAP = {"evidence", "note"}
# On paper: up to the wrapped text (the rating with its evidence, the sign-offs with their
# note); where each came from and when is for the screen. Whole columns, so rows that merge
# appends later print too. At 85%, 11 pt text prints at 9.4 pt and a page holds more rows.
PRINT_SCALE = 85
PRINTED_WRAP_WIDTH = 34


def table_columns(table: str) -> list[Column]:
    """The output columns of a canonical table, with the template's headers."""
    return [
        Column(key, header, *_KINDS.get(key, ("text", "text")), wrap=key in _WRAP)
        for key, header in TABLES[table][1]
    ]


COLUMNS = table_columns("history")
EVIDENCE_COLUMNS = table_columns("evidence")


def continuation_name(name: str, number: int) -> str:
    """The name of the number-th sheet of a history (1 is `name` itself)."""
    return name if number == 1 else sheet_title(name, f" ({number})")


def build_history_sheet(
    wb: xlsxwriter.Workbook,
    history: pd.DataFrame,
    name: str = "Ratings History",
    *,
    rows_per_sheet: int = ROWS_PER_SHEET,
    first_number: int = 1,
) -> list[str]:
    """Add the Ratings History sheet(s) to `wb`; returns the sheet names written, in order.

    `history` has the columns of `model.TABLES["history"]` (a missing column stays blank,
    extra columns are left out). `rows_per_sheet` exists for tests; leave it at Excel's limit.
    `first_number` > 1 writes continuation sheets only, from "`name` (first_number)" on (the
    rows that did not fit when merge appended to the recorded sheets).
    """
    return _build_plain(wb, history, name, COLUMNS, rows_per_sheet, first_number)


def build_evidence_sheet(
    wb: xlsxwriter.Workbook,
    evidence: pd.DataFrame,
    name: str = "Promotion Evidence",
    *,
    rows_per_sheet: int = ROWS_PER_SHEET,
) -> list[str]:
    """Add the Promotion Evidence sheet(s) (columns of `model.TABLES["evidence"]`) to `wb`;
    flags are written Yes/No, blank when not recorded. Returns the sheet names written."""
    return _build_plain(wb, evidence, name, EVIDENCE_COLUMNS, rows_per_sheet)


def _build_plain(
    wb: xlsxwriter.Workbook,
    table: pd.DataFrame,
    name: str,
    columns: list[Column],
    rows_per_sheet: int,
    first_number: int = 1,
) -> list[str]:
    if rows_per_sheet < 1:
        raise ValueError("rows_per_sheet must be at least 1")
    styles = st.Styles.of(wb)
    data = table.reindex(columns=[c.key for c in columns])
    sheets = max(1, -(-len(data) // rows_per_sheet))
    names = [continuation_name(name, n) for n in range(first_number, first_number + sheets)]
    for number, sheet_name in enumerate(names):
        part = data.iloc[number * rows_per_sheet : (number + 1) * rows_per_sheet]
        ws = wb.add_worksheet(sheet_name)
        write_header(ws, HEADER_ROW, columns, styles)
        _write_rows(ws, part, columns, styles)
        set_widths(ws, columns, part, styles)
        for col, column in enumerate(columns):
            if column.wrap:  # narrower than the screen's wrapped text: the printed columns fit
                ws.set_column(col, col, PRINTED_WRAP_WIDTH, styles["wrap"])
        finish_table(ws, HEADER_ROW, len(part), len(columns))
        # Were a page too narrow for the printed columns, each column group still names the
        # cycle and the person of its rows.
        ws.repeat_columns(0, 1)
        printed = 1 + max(i for i, c in enumerate(columns) if c.key in _WRAP)
        # (to the last row but one: whole columns, $A:$G, are a print area openpyxl cannot
        # read, and warns about)
        ws.print_area(0, 0, MAX_ROWS - 2, printed - 1)
        ws.set_print_scale(PRINT_SCALE)
    return names


def _write_rows(ws: Any, part: pd.DataFrame, columns: list[Column], styles: st.Styles) -> None:
    formats = [styles["wrap"] if c.wrap else styles[c.style] for c in columns]
    kinds = [c.kind for c in columns]
    moments: dict[Any, dt.datetime | dt.date | None] = {}  # import times repeat: convert once
    row = HEADER_ROW + 1
    for start in range(0, len(part), CHUNK):
        chunk = part.iloc[start : start + CHUNK]
        lists = [chunk[c.key].tolist() for c in columns]
        for values in zip(*lists, strict=True):
            for col, value in enumerate(values):
                kind = kinds[col]
                # Fast paths for the common cases (history runs to millions of cells): plain
                # text, a float rating, nothing. Blanks are left unwritten.
                cls = value.__class__
                if value is None or (cls is float and value != value):
                    continue
                if cls is str and kind in ("text", "value", "number") and len(value) <= MAX_TEXT:
                    if value:
                        ws.write_string(row, col, value, formats[col])
                    continue
                if cls is float and kind == "number":
                    ws.write_number(row, col, value, formats[col])
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
                write_value(ws, row, col, value, kind, formats[col])
            row += 1
