"""The Framework Versions sheet: which framework version judged each cycle, and the versions.

Left, one row per cycle: Cycle, Version, Recorded At, Changes From The Previous Version (what
a person reads). Right, after a blank column, one row per recorded framework row: Version,
Table, Record (its canonical columns as JSON; what the tool reads back). Strings are written
as strings: a behaviour starting with "=" stays text.
"""

from __future__ import annotations

from typing import Any

import xlsxwriter

from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.table import print_legibly
from ladder_sheets.versions import (
    CYCLE_HEADERS,
    RECORD_COLUMN,
    RECORD_HEADERS,
    VERSIONS_SHEET,
    FrameworkVersions,
    sheet_rows,
)


def build_versions_sheet(
    wb: xlsxwriter.Workbook, versions: FrameworkVersions, name: str = VERSIONS_SHEET
) -> str:
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet(name)
    cycles, records = sheet_rows(versions)
    ws.write_row(0, 0, CYCLE_HEADERS, styles["header"])
    ws.write_row(0, RECORD_COLUMN, RECORD_HEADERS, styles["header"])
    # Row by row, left to right: the write-back's scratch workbook streams rows.
    for r in range(max(len(cycles), len(records))):
        if r < len(cycles):
            _write(ws, r + 1, 0, cycles[r])
        if r < len(records):
            _write(ws, r + 1, RECORD_COLUMN, records[r])
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 60, styles["wrap"])
    ws.set_column(RECORD_COLUMN - 1, RECORD_COLUMN - 1, 3)
    ws.set_column(RECORD_COLUMN, RECORD_COLUMN, 9)
    ws.set_column(RECORD_COLUMN + 1, RECORD_COLUMN + 1, 14)
    ws.set_column(RECORD_COLUMN + 2, RECORD_COLUMN + 2, 100)
    ws.freeze_panes(1, 0)
    print_legibly(ws, 0)
    # Printed: the cycles and what changed (what a person reads), not the records to its right
    # (the framework as JSON, for the tool; 33 pages for the sample company).
    ws.print_area(0, 0, max(len(cycles), 1), len(CYCLE_HEADERS) - 1)
    return name


def _write(ws: Any, row: int, col: int, values: list[Any]) -> None:
    for offset, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(row, col + offset, value)
        else:
            ws.write_string(row, col + offset, str(value)[:32_767])
