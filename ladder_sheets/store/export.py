"""`history export`: the whole ratings history in one file a person opens, on demand.

The history is read as every command reads it (the store's cycles and the sheet's, checked
against each other by store/attach.py), then written:

- .xlsx: a "Ratings History" sheet with the template's columns, header on row 1, continued in
  "Ratings History (2)", "(3)" ... past Excel's 1,048,575 data rows, as merge writes it
  (sheets/history.py); written row by row in xlsxwriter's constant-memory mode;
- .csv: UTF-8 with a byte-order mark (Excel then reads names like "Zoë" right), comma
  separated, the template's headers; ratings as numbers ("3", "3.5"), import times as
  "2026-10-01 09:00:00". A text that Excel would run as a formula (starting with =, +, -, @)
  gets a leading apostrophe, as Excel itself shows such text.

The output replaces nothing of the workbook's: writing onto the workbook or its store is
refused, and the file is written through a temporary file (a failure leaves no half file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.errors import OptionError
from ladder_sheets.model import TABLES, Framework, columns
from ladder_sheets.sheets.history import ROWS_PER_SHEET

FORMATS = (".xlsx", ".csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Exported:
    path: Path
    rows: int
    cycles: list[str]
    sheets: list[str]  # .xlsx: the sheets written; .csv: none
    from_store: int  # rows that came from the store


def export_history(
    framework: Framework,
    out: Path,
    *,
    rows_per_sheet: int = ROWS_PER_SHEET,
    progress: Callable[[str], None] | None = None,
) -> Exported:
    """Write the framework's whole history to `out` (.xlsx or .csv, by its suffix)."""
    from ladder_sheets.xlsx.safe_write import atomic_write

    say = progress or (lambda _msg: None)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise OptionError(
            f"-o '{out.name}': the history is written as .xlsx or .csv",
            hint="name the file history.xlsx or history.csv",
        )
    _refuse_own_files(framework, out)
    history = framework.table("history").data.reindex(columns=columns("history"))
    cycles = sorted({str(c) for c in history["cycle"].dropna().unique()})
    store = framework.store
    say(f"Writing {len(history)} ratings of {len(cycles)} cycle(s) to {out.name}")
    sheets: list[str] = []
    if suffix == ".csv":
        atomic_write(out, lambda f: _write_csv(history, f), durable=True)
    else:

        def write(f: Any) -> None:
            sheets.extend(_write_xlsx(history, f, rows_per_sheet))

        atomic_write(out, write, durable=True)
    return Exported(out, len(history), cycles, sheets, store.rows if store is not None else 0)


def _refuse_own_files(framework: Framework, out: Path) -> None:
    own = [framework.path]
    if framework.store is not None:
        own.append(framework.store.path)
    for path in own:
        if out.resolve() == Path(path).resolve():
            raise OptionError(
                f"-o '{out}' is the workbook's own file ({Path(path).name})",
                hint="write the export to a new file, e.g. -o history.xlsx",
            )


def _write_xlsx(history: pd.DataFrame, f: Any, rows_per_sheet: int) -> list[str]:
    import xlsxwriter

    from ladder_sheets.sheets.history import build_history_sheet

    wb = xlsxwriter.Workbook(f, {"constant_memory": True, "strings_to_formulas": False})
    try:
        return build_history_sheet(
            wb, history, name=TABLES["history"][0], rows_per_sheet=rows_per_sheet
        )
    finally:
        wb.close()


def _write_csv(history: pd.DataFrame, f: Any) -> None:
    text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([header for _, header in TABLES["history"][1]])
    lists = [history[c].tolist() for c in columns("history")]
    for values in zip(*lists, strict=True):
        writer.writerow([_csv_value(v) for v in values])
    text.flush()
    text.detach()  # the caller closes the file


def _csv_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
