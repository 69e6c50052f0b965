"""The History Store sheet: the workbook's own record that its history lives in a store.

Written by merge (and `history store`) on every write of a workbook that has opted in, read by
the reader before anything else uses the history. Two columns a person can read:

    Setting                 | Value
    Store File              | acme.history.parquet
    Store ID                | 6f1c...            (fixed when the workbook opted in)
    Generation              | 7                  (+1 on every merge)
    Rows In Store           | 355380
    Cycles In Store         | 2025-Q1, 2025-Q2, ...
    Cycles In This Workbook | 2026-Q1, ..., 2026-Q4   (the cycles Ratings History keeps)
    Store Digest            | SHA-256 of the store file
    Written At              | 2026-12-06 23:50:00

and below them, in words, what the sheet means and how to get the whole history out. The
store file says the same about itself (files.StoreStamp); attach.py compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import xlsxwriter

from ladder_sheets.findings import Where
from ladder_sheets.sheets import styles as st
from ladder_sheets.store.files import StoreStamp
from ladder_sheets.values import clean_text, normalize_header

STORE_SHEET = "History Store"
HEADERS = ("Setting", "Value")
FIELDS = (
    "Store File",
    "Store ID",
    "Generation",
    "Rows In Store",
    "Cycles In Store",
    "Cycles In This Workbook",
    "Store Digest",
    "Written At",
)


@dataclass(frozen=True)
class StoreRecord:
    """What the workbook says of its store."""

    file: str  # the store's file name, beside the workbook
    stamp: StoreStamp
    kept: tuple[str, ...]  # the cycles the workbook's Ratings History keeps
    digest: str
    where: Where  # the sheet, for messages

    @property
    def trimmed(self) -> tuple[str, ...]:
        """The cycles only the store holds."""
        kept = set(self.kept)
        return tuple(c for c in self.stamp.cycles if c not in kept)


class RecordError(ValueError):
    """The History Store sheet is there but cannot be read (a value edited by hand)."""

    def __init__(self, message: str, cell: str) -> None:
        super().__init__(message)
        self.cell = cell


def read_record(values: dict[tuple[int, int], Any], file: str) -> StoreRecord:
    """The record from the sheet's cells ((row, column) -> value, 0-based); RecordError
    naming the cell when a setting is missing or not what merge wrote."""
    found: dict[str, tuple[Any, str]] = {}
    wanted = {normalize_header(f): f for f in FIELDS}
    for (row, col), value in values.items():
        if col != 0 or not isinstance(value, str):
            continue
        name = wanted.get(normalize_header(value))
        if name is not None:
            found[name] = (values.get((row, 1)), f"B{row + 1}")
    for name in FIELDS[:-1]:
        if name not in found or clean_text(found[name][0]) is None:
            cell = found[name][1] if name in found else "A1"
            raise RecordError(f"the setting '{name}' is missing", cell)

    def text(name: str) -> str:
        return str(clean_text(found[name][0]))

    def number(name: str) -> int:
        value, cell = found[name]
        try:
            return int(float(value))
        except (TypeError, ValueError):
            raise RecordError(f"'{name}' should be a whole number, not '{value}'", cell) from None

    def cycles(name: str) -> tuple[str, ...]:
        return tuple(c.strip() for c in text(name).split(",") if c.strip())

    stamp = StoreStamp(
        store_id=text("Store ID"),
        generation=number("Generation"),
        rows=number("Rows In Store"),
        cycles=cycles("Cycles In Store"),
        written_at=str(clean_text(found.get("Written At", ("", ""))[0]) or ""),
    )
    return StoreRecord(
        file=text("Store File"),
        stamp=stamp,
        kept=cycles("Cycles In This Workbook"),
        digest=text("Store Digest"),
        where=Where(file=file, sheet=STORE_SHEET, cell="B1"),
    )


def build_store_sheet(
    wb: xlsxwriter.Workbook, record: StoreRecord, workbook_name: str, name: str = STORE_SHEET
) -> str:
    """The History Store sheet in `wb` (the write-back's scratch workbook)."""
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet(name)
    stamp = record.stamp
    rows: list[tuple[str, Any]] = [
        ("Store File", record.file),
        ("Store ID", stamp.store_id),
        ("Generation", stamp.generation),
        ("Rows In Store", stamp.rows),
        ("Cycles In Store", ", ".join(stamp.cycles)),
        ("Cycles In This Workbook", ", ".join(record.kept)),
        ("Store Digest", record.digest),
        ("Written At", stamp.written_at),
    ]
    ws.write_row(0, 0, HEADERS, styles["header"])
    for r, (setting, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, setting)
        if isinstance(value, int):
            ws.write_number(r, 1, value)
        else:
            ws.write_string(r, 1, str(value))
    trimmed = record.trimmed
    notes = [
        f"The whole ratings history ({stamp.rows} ratings, {len(stamp.cycles)} cycles) is kept in "
        f"the file {record.file}, which must stay in the same folder as this workbook: copy, "
        "move and back up the two together.",
        "Ratings History in this workbook keeps the cycles readiness and trends need ("
        + (", ".join(record.kept) or "none")
        + ")"
        + (f"; earlier cycles ({', '.join(trimmed)}) are only in the store." if trimmed else "."),
        f"Everything in one file: ladder-sheets history export {workbook_name} -o history.xlsx "
        "(or .csv).",
        "This sheet is written by ladder-sheets on every merge; do not edit it.",
    ]
    for offset, note in enumerate(notes):
        ws.write_string(len(rows) + 2 + offset, 0, note)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 70, styles["wrap"])
    ws.freeze_panes(1, 0)
    return name
