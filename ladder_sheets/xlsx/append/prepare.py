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
from typing import Any

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
    reused: bool = False  # the kept rows' compressed bytes copied, not compressed again


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
    exactly the kept rows under the writer's header.

    The member is written with two full flush points, after the head and before
    `</sheetData>`: the deflate stream between them depends on nothing outside it, so the next
    append copies those compressed bytes as they are and compresses only the new head, the new
    rows and the tail (the kept rows are still inflated and checked, never deflated again)."""
    with Package(path) as pkg:
        member, date1904 = _sheet_member(pkg, request.sheet)
        raw = pkg.raw(member)
        marks = _flush_marks(raw) if raw is not None else []
        if raw is not None and marks:
            done = _append(pkg, member, date1904, request, raw, marks)
            if done is not None:
                return done
        done = _append(pkg, member, date1904, request, None, [])
        assert done is not None  # without flush points to reuse, it always gives the member
        return done


_FLUSH = b"\x00\x00\xff\xff"  # the empty stored block a full flush ends with
_RAW_PIECE = 1 << 16


def _flush_marks(raw: bytes) -> list[int]:
    """Compressed offsets just past each byte sequence a full flush ends with (some may be
    chance sequences inside a block: _append checks each against what it inflated)."""
    marks, at = [], raw.find(_FLUSH)
    while at >= 0:
        marks.append(at + len(_FLUSH))
        at = raw.find(_FLUSH, at + 1)
    return marks


class _Inflating:
    """A raw deflate stream as a readable stream, noting how many bytes it had given out when
    its input reached each of `marks`, and checking the member's CRC at its end."""

    def __init__(self, raw: bytes, marks: list[int], crc: int) -> None:
        self._raw, self._at, self._marks, self._crc = raw, 0, marks, crc
        self._inflater = zlib.decompressobj(-15)
        self._seen = 0
        self.given_at: dict[int, int] = {}
        self.out = 0

    def read(self, _size: int = -1) -> bytes:
        while self._at < len(self._raw):
            stop = min(self._at + _RAW_PIECE, len(self._raw))
            for mark in self._marks:
                if self._at < mark < stop:
                    stop = mark
                    break
            data = self._inflater.decompress(self._raw[self._at : stop])
            self._at = stop
            self.out += len(data)
            self._seen = zlib.crc32(data, self._seen)
            if stop in self._marks:
                self.given_at[stop] = self.out
            if data:
                return data
        return b""

    def close(self) -> None:
        pass

    def whole(self) -> bool:
        """The stream ended where the member ends, with the member's CRC."""
        return self._inflater.eof and not self._inflater.unused_data and self._seen == self._crc

    def mark_at(self, offset: int) -> int | None:
        """The flush point after which the stream had given exactly `offset` bytes."""
        found = [m for m, given in self.given_at.items() if given == offset]
        return max(found) if found else None


def _append(
    pkg: Package,
    member: str,
    date1904: bool,
    request: SheetAppend,
    raw: bytes | None,
    marks: list[int],
) -> PreparedAppend | None:
    """The prepared member. With `raw`, the kept rows' compressed bytes are copied when the
    member's flush points are where they must be; None when they are not (the caller then
    compresses everything)."""
    columns, kept = request.columns, request.kept
    first = len(kept) + 2
    last = len(kept) + 1 + len(request.rows)
    inflating = _Inflating(raw, marks, pkg.infos[member].CRC) if raw is not None else None
    stream: Any = inflating if inflating is not None else pkg.open(member)
    try:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        digest = hashlib.sha256()
        out: list[bytes] = []
        crc = size = body = 0
        scan = SheetScan(pieces(stream), columns, new_last=last)
        phase = ["head"]
        reuse_from: int | None = None

        def new_rows() -> bytes:
            verify(scan, columns, kept, pkg)
            styles = scan.styles(columns)
            added = rows_xml(request.rows, columns, styles, first, date1904)
            check_well_formed(member, b"<sheetData>" + added + b"</sheetData>")
            phase[0] = "rows"
            return added

        for chunk in scan.run(b"", new_rows):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            digest.update(chunk)
            if phase[0] == "head":
                out.append(packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH))
                phase[0] = "body"
                if inflating is not None:  # the generator has set scan.head by the next chunk
                    phase[0] = "first"
            elif phase[0] in ("first", "body"):
                if phase[0] == "first" and inflating is not None:
                    reuse_from = inflating.mark_at(len(scan.head))
                    phase[0] = "body"
                body += len(chunk)
                if reuse_from is None:
                    out.append(packer.compress(chunk))
            elif phase[0] == "rows":
                if reuse_from is not None:
                    assert inflating is not None
                    until = inflating.mark_at(len(scan.head) + body)
                    if until is None or until <= reuse_from:
                        return None
                    out.append(raw[reuse_from:until])  # type: ignore[index]
                    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # after a full flush
                out.append(packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH))
                phase[0] = "tail"
            else:
                out.append(packer.compress(chunk))
        out.append(packer.flush())
        if inflating is not None and not inflating.whole():
            return None
    finally:
        stream.close()
    verify(scan, columns, kept, pkg)
    deflated = b"".join(out)
    if reuse_from is not None and not _inflates_to(deflated, crc, size):
        return None  # a chance flush pattern: compress everything instead
    return PreparedAppend(
        sheet=request.sheet,
        member=member,
        body=deflated,
        crc=crc,
        size=size,
        raw_hash=digest.hexdigest()[:32],
        old_last=len(kept) + 1,
        new_last=last,
        reused=reuse_from is not None,
    )


def _inflates_to(deflated: bytes, crc: int, size: int) -> bool:
    """The raw deflate stream gives `size` bytes with CRC-32 `crc` (the copied bytes checked)."""
    inflater = zlib.decompressobj(-15)
    seen = total = 0
    for at in range(0, len(deflated), 1 << 20):
        try:
            data = inflater.decompress(deflated[at : at + (1 << 20)])
        except zlib.error:
            return False
        seen, total = zlib.crc32(data, seen), total + len(data)
    return inflater.eof and not inflater.unused_data and (seen, total) == (crc, size)


def _sheet_member(pkg: Package, sheet: str) -> tuple[str, bool]:
    book_part = workbook_part(pkg)
    book = read_book(pkg.read(book_part))
    targets = pkg.targets(book_part)
    for entry in book.sheets:
        if entry.name == sheet and entry.rel_id in targets:
            return targets[entry.rel_id], book.date1904
    raise NotAppendable("sheet-missing", f"no sheet '{sheet}' in the workbook")
