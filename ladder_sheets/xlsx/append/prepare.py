"""Appending rows to a sheet of HR's package without rewriting the rows already there.

The usual merge adds the latest quarter after a sorted history: every recorded row stays where
it is. Rewriting a million rows through xlsxwriter for that costs minutes; this module instead
streams the sheet's XML as bytes (never parsed into a tree), checks on the way that it holds
exactly what the reader read (row count, header, cell types, no formulas or merged cells), and
inserts the new rows before `</sheetData>`, with the dimension and the autofilter widened.
`writeback.write_back(appends=...)` then puts the member into the package and widens the
sheet's `_FilterDatabase` name and its table parts (`append_parts.apply_appends`).

New cells are written as the history writer would write them (numbers as numbers, dates as
serials, strings inline so sharedStrings.xml is untouched), with each column's style index taken
from the last rows above.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ladder_sheets.sheets.table import Column
from ladder_sheets.xlsx.append.rows import rows_xml
from ladder_sheets.xlsx.append.scan import NotAppendable, SheetScan, pieces, verify
from ladder_sheets.xlsx.package import Package, check_well_formed
from ladder_sheets.xlsx.transplant import workbook_part
from ladder_sheets.xlsx.workbook_xml import read_book

__all__ = ["NotAppendable", "PreparedAppend", "SheetAppend", "check_kept_sheet", "prepare_append"]


@dataclass
class SheetAppend:
    """Rows to add after the `kept` data rows the reader read from `sheet` (header on row 1)."""

    sheet: str
    columns: list[Column]
    kept: pd.DataFrame  # the rows the reader read from the sheet, as read
    rows: pd.DataFrame  # the rows to add, in order


@dataclass
class PreparedAppend:
    """A sheet member rewritten with its new rows, compressed, ready for the package."""

    sheet: str
    member: str
    body: bytes
    crc: int
    size: int
    raw_hash: str
    old_last: int
    new_last: int
    seconds: dict[str, float] = field(default_factory=dict)


def check_kept_sheet(path: Path, sheet: str, columns: list[Column], kept: pd.DataFrame) -> None:
    """Raise NotAppendable unless `sheet` holds exactly `kept` (as the reader read it) under
    the writer's header; the sheet is read, not changed."""
    with Package(path) as pkg:
        member, _date1904 = _sheet_member(pkg, sheet)
        with pkg.open(member) as stream:
            scan = SheetScan(pieces(stream), columns)
            for _ in scan.run(b""):
                pass
        verify(scan, columns, kept, pkg)


def prepare_append(path: Path, request: SheetAppend) -> PreparedAppend:
    """The sheet's member with `request.rows` appended; NotAppendable when the sheet is not
    exactly the kept rows under the writer's header."""
    columns, kept = request.columns, request.kept
    first = len(kept) + 2
    last = len(kept) + 1 + len(request.rows)
    with Package(path) as pkg:
        member, date1904 = _sheet_member(pkg, request.sheet)
        with pkg.open(member) as stream:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            digest = hashlib.sha256()
            out: list[bytes] = []
            crc = size = 0
            scan = SheetScan(pieces(stream), columns, new_last=last)

            def new_rows() -> bytes:
                verify(scan, columns, kept, pkg)
                styles = scan.styles(columns)
                added = rows_xml(request.rows, columns, styles, first, date1904)
                check_well_formed(member, b"<sheetData>" + added + b"</sheetData>")
                return added

            for chunk in scan.run(b"", new_rows):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                digest.update(chunk)
                out.append(packer.compress(chunk))
            out.append(packer.flush())
        verify(scan, columns, kept, pkg)
    return PreparedAppend(
        sheet=request.sheet,
        member=member,
        body=b"".join(out),
        crc=crc,
        size=size,
        raw_hash=digest.hexdigest()[:32],
        old_last=len(kept) + 1,
        new_last=last,
    )


def _sheet_member(pkg: Package, sheet: str) -> tuple[str, bool]:
    book_part = workbook_part(pkg)
    book = read_book(pkg.read(book_part))
    targets = pkg.targets(book_part)
    for entry in book.sheets:
        if entry.name == sheet and entry.rel_id in targets:
            return targets[entry.rel_id], book.date1904
    raise NotAppendable("sheet-missing", f"no sheet '{sheet}' in the workbook")
