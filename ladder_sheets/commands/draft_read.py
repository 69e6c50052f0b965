"""Reading a draft back: the record `split` left in it and what its author typed.

A draft is read with openpyxl (values only): it is a workbook the tool wrote, edited in Excel or
LibreOffice, and nothing of it is written back except the values of its cells.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.errors import UnreadableFile
from ladder_sheets.sheets.draft import RECORD_FIRST_CELL_ROW, RECORD_FORMAT, RECORD_SHEET
from ladder_sheets.workbook.safe import open_xlsx


@dataclass
class RecordedCell:
    sheet: str  # the draft's sheet
    cell: str  # the draft's cell
    source: str  # HR's "Sheet!A1"
    base: Any
    editable: bool
    label: str


@dataclass
class Draft:
    path: Path
    family: str
    source_name: str
    source_sha256: str
    split_at: str
    source_created: str
    sheets: list[dict[str, Any]]  # DraftSheet.info() of each sheet
    cells: list[RecordedCell]
    values: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)  # 1-based

    @property
    def name(self) -> str:
        return self.path.name


class NotADraft(Exception):
    """A workbook without the record split leaves (a refusal, with its reason)."""


def normal(value: Any) -> Any:
    """A value as compared between base, draft and workbook: blank is None, numbers are floats,
    text without outer spaces."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def plain(value: Any) -> Any:
    """A normal value as written into a cell (3.0 -> 3)."""
    value = normal(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_draft(path: Path) -> Draft:
    wb = open_xlsx(path, read_only=True, data_only=True)
    try:
        if RECORD_SHEET not in wb.sheetnames:
            raise NotADraft(
                "it is not a draft written by 'ladder-sheets split' (it has no split record)"
            )
        record = list(wb[RECORD_SHEET].iter_rows(values_only=True))
        meta = {str(r[0]): r[1] for r in record[: RECORD_FIRST_CELL_ROW - 2] if r and r[0]}
        if meta.get("format") != RECORD_FORMAT:
            raise NotADraft(
                f"its split record is not one this version reads ({meta.get('format')})"
            )
        try:
            sheets = json.loads(str(meta.get("sheets")))
        except ValueError:
            raise NotADraft("its split record is damaged (the sheets entry)") from None
        cells = [
            RecordedCell(
                str(r[0]), str(r[1]), str(r[2] or ""), r[3], r[4] == "yes", str(r[5] or "")
            )
            for r in record[RECORD_FIRST_CELL_ROW - 1 :]
            if r and len(r) >= 6 and r[0] and r[1]
        ]
        values: dict[str, dict[tuple[int, int], Any]] = {}
        for info in sheets:
            name = info["name"]
            if name not in wb.sheetnames:
                raise NotADraft(f"its sheet '{name}' was removed or renamed")
            grid: dict[tuple[int, int], Any] = {}
            for r, row in enumerate(wb[name].iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if normal(value) is not None:
                        grid[(r, c)] = value
            values[name] = grid
    except (KeyError, IndexError, TypeError) as exc:
        raise UnreadableFile(
            f"the draft could not be read ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    finally:
        wb.close()
    return Draft(
        path=Path(path),
        family=str(meta.get("family") or ""),
        source_name=str(meta.get("source") or ""),
        source_sha256=str(meta.get("source sha256") or ""),
        split_at=str(meta.get("split at") or ""),
        source_created=str(meta.get("source created") or ""),
        sheets=sheets,
        cells=cells,
        values=values,
    )
