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

import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.sheets.table import Column
from ladder_sheets.xlsx.append import scan as _scan
from ladder_sheets.xlsx.append.record import (
    AppendRecord,
    ScanRecord,
    crc32_combine,
    recorded,
    scan_recorded,
)
from ladder_sheets.xlsx.append.rows import WrittenCells, remember, rows_xml, rows_xml_pieces
from ladder_sheets.xlsx.append.scan import NotAppendable, SheetScan, count, pieces, verify
from ladder_sheets.xlsx.package import Package, check_well_formed
from ladder_sheets.xlsx.transplant import workbook_part
from ladder_sheets.xlsx.workbook_xml import read_book

__all__ = [
    "AppendedPart",
    "NotAppendable",
    "PreparedAppend",
    "SheetAppend",
    "appended_part",
    "check_kept_sheet",
    "prepare_append",
]


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
    record: AppendRecord | ScanRecord  # kept in the sheet's marker for the next append
    old_last: int
    new_last: int
    seconds: dict[str, float] = field(default_factory=dict)
    reused: bool = False  # the kept rows' compressed bytes copied, not compressed again
    scanned: bool = True  # the kept rows inflated and counted (False: the record vouched)
    marker_only: bool = False  # no rows added: only the marker's record is new (`body` empty)


def check_kept_sheet(
    path: Path, sheet: str, columns: list[Column], kept: pd.DataFrame
) -> PreparedAppend | None:
    """Raise NotAppendable unless `sheet` holds exactly `kept` (as the reader read it) under
    the writer's header; the sheet is read, not changed (nor inflated, while it is the member
    an append wrote or a scan recorded: see `record`). Where it was scanned in full, the
    marker to keep what the scan found (`ScanRecord`), for write_back's `appends`: the member
    stays as it is."""
    with Package(path) as pkg:
        member, _date1904 = _sheet_member(pkg, sheet)
        raw = pkg.raw(member)
        book = read_book(pkg.read(workbook_part(pkg)))
        record = recorded(book, sheet)
        if raw is not None and record is not None:
            found = _recorded_scan(pkg, member, raw, record, columns, None, styles=False)
            if found is not None:  # the member the last append wrote: its record vouches
                verify(found[0], columns, kept, pkg)
                return None
        scanned = scan_recorded(book, sheet)
        if raw is not None and scanned is not None:
            vouched = _scanned(pkg, member, raw, scanned, columns)
            if vouched is not None:  # the member a full scan saw: its record vouches
                verify(vouched, columns, kept, pkg)
                return None
        with pkg.open(member) as stream:
            scan = SheetScan(pieces(stream), columns)
            for _ in scan.run(b""):
                pass
        verify(scan, columns, kept, pkg)
        info = pkg.infos[member]
        if raw is None or len(raw) != info.compress_size:
            return None
        found_record = ScanRecord(
            crc=info.CRC,
            size=info.file_size,
            compressed=info.compress_size,
            last_row=scan.last_row,
            merge_cells=b"<mergeCell" in scan.tail,
            counts=tuple(scan.counts.values()),
        )
        last = len(kept) + 1
        return PreparedAppend(
            sheet, member, b"", info.CRC, info.file_size, found_record, last, last,
            marker_only=True,
        )  # fmt: skip


def _scanned(
    pkg: Package, member: str, raw: bytes, record: ScanRecord, columns: list[Column]
) -> SheetScan | None:
    """The state a full scan of the member would end in, from the record a full scan left,
    inflating only the head and the header row; None unless the member is the one scanned."""
    if not _same_member(pkg, member, raw, record):
        return None  # edited, re-saved or written anew since: scanned in full
    start = _inflate_until(raw, 0, b"</row>")
    at = start.find(b"<sheetData") if start is not None else -1
    if start is None or at < 0 or len(record.counts) != len(_scan._COUNTED):
        return None
    end = start.find(b"</row>", at)
    if end < 0:
        return None
    scan = SheetScan(iter(()), columns)
    scan.counts = dict(zip(scan.counts, record.counts, strict=True))
    scan._edit_head(start[:at])  # the dimension it gives
    scan.head, scan.header_row = start[:at], start[at:end]
    scan.last_row = record.last_row
    scan.tail = b"<mergeCell" if record.merge_cells else b""  # all verify looks for there
    scan.closed = True
    return scan


def prepare_append(path: Path, request: SheetAppend) -> PreparedAppend:
    """The sheet's member with `request.rows` appended; NotAppendable when the sheet is not
    exactly the kept rows under the writer's header.

    The member is written with two full flush points, after the head and before
    `</sheetData>`: the deflate stream between them depends on nothing outside it, so the next
    append copies those compressed bytes as they are and compresses only the new head, the new
    rows and the tail. While the member is still the one the last append wrote (its record in
    the sheet's marker: `record`), the kept rows are neither inflated nor counted again; any
    other member is inflated and checked in full, its compressed bytes copied where they can."""
    with Package(path) as pkg:
        member, date1904 = _sheet_member(pkg, request.sheet)
        raw = pkg.raw(member)
        record = recorded(read_book(pkg.read(workbook_part(pkg))), request.sheet)
        if raw is not None and record is not None:
            done = _append_recorded(pkg, member, date1904, request, raw, record)
            if done is not None:
                return done
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
        out: list[bytes] = []
        crc = size = body = 0
        scan = SheetScan(pieces(stream), columns, new_last=last)
        phase = ["head"]
        reuse_from: int | None = None
        added_xml = b""
        lengths = {"head": 0, "body_crc": 0, "last_raw": 0, "tail_raw": 0}

        def new_rows() -> bytes:
            nonlocal added_xml
            verify(scan, columns, kept, pkg)
            styles = scan.styles(columns)
            written = WrittenCells(len(columns), first)
            added_xml = rows_xml(request.rows, columns, styles, first, date1904, written)
            check_well_formed(member, b"<sheetData>" + added_xml + b"</sheetData>")
            remember(written)  # history_extend caches these rows from their cells
            phase[0] = "rows"
            return added_xml

        for chunk in scan.run(b"", new_rows):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            if phase[0] == "head":
                out.append(packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH))
                lengths["head"] = len(chunk)
                phase[0] = "body"
                if inflating is not None:  # the generator has set scan.head by the next chunk
                    phase[0] = "first"
            elif phase[0] in ("first", "body"):
                if phase[0] == "first" and inflating is not None:
                    reuse_from = inflating.mark_at(len(scan.head))
                    phase[0] = "body"
                body += len(chunk)
                lengths["body_crc"] = zlib.crc32(chunk, lengths["body_crc"])
                if reuse_from is None:
                    out.append(packer.compress(chunk))
            elif phase[0] == "rows":
                if reuse_from is not None:
                    assert inflating is not None
                    until = inflating.mark_at(len(scan.head) + body)
                    if until is None or until <= reuse_from:
                        return None
                    out.append(raw[reuse_from:until])  # type: ignore[index]
                else:  # the new rows start a block of their own (see record.py)
                    out.append(packer.flush(zlib.Z_FULL_FLUSH))
                packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # after a full flush
                lengths["last_raw"] = sum(map(len, out))
                lengths["body_crc"] = zlib.crc32(chunk, lengths["body_crc"])
                out.append(packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH))
                lengths["tail_raw"] = sum(map(len, out))
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
    added = count(added_xml)
    record = AppendRecord(
        crc=crc,
        size=size,
        compressed=len(deflated),
        head_raw=len(out[0]),
        last_raw=lengths["last_raw"],
        tail_raw=lengths["tail_raw"],
        head_len=lengths["head"],
        body_len=body + len(added_xml),
        last_len=len(added_xml),
        body_crc=lengths["body_crc"],
        last_row=last,
        counts=tuple(scan.counts[k] + added[k] for k in scan.counts),
    )
    return PreparedAppend(
        sheet=request.sheet,
        member=member,
        body=deflated,
        crc=crc,
        size=size,
        record=record,
        old_last=len(kept) + 1,
        new_last=last,
        reused=reuse_from is not None,
    )


def _append_recorded(
    pkg: Package,
    member: str,
    date1904: bool,
    request: SheetAppend,
    raw: bytes,
    record: AppendRecord,
) -> PreparedAppend | None:
    """The prepared member from the record the last append kept, without inflating the kept
    rows; None (the caller scans in full) unless the member is exactly the one recorded and its
    parts inflate as the record says."""
    columns, kept = request.columns, request.kept
    first = len(kept) + 2
    last = len(kept) + 1 + len(request.rows)
    found = _recorded_scan(pkg, member, raw, record, columns, last, styles=True)
    if found is None:
        return None
    scan, new_head = found
    verify(scan, columns, kept, pkg)
    new_tail = scan._edit_tail(scan.tail)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = [packer.compress(new_head) + packer.flush(zlib.Z_FULL_FLUSH)]
    out.append(raw[record.head_raw : record.tail_raw])  # every kept row, as compressed
    last_raw = sum(map(len, out))
    # The new rows a block at a time (never the whole cycle's XML at once), each block deflated
    # in a thread (zlib lets go of the GIL) while the next is encoded and parsed.
    added = _Deflated()
    more = dict.fromkeys(scan.counts, 0)
    written = WrittenCells(len(columns), first)

    def blocks() -> Iterator[bytes]:
        yield b"<sheetData>"
        styles = scan.styles(columns)
        for piece in rows_xml_pieces(request.rows, columns, styles, first, date1904, written):
            added.submit(piece)
            for key, n in count(piece).items():
                more[key] += n
            yield piece
        yield b"</sheetData>"

    with added:
        check_well_formed(member, blocks())
    remember(written)  # history_extend caches these rows from their cells
    out += added.out
    added_crc, added_len = added.crc, added.length
    tail_raw = sum(map(len, out))
    out.append(packer.compress(new_tail) + packer.flush())
    deflated = b"".join(out)
    body_crc = crc32_combine(record.body_crc, added_crc, added_len)
    body_len = record.body_len + added_len
    crc = crc32_combine(zlib.crc32(new_head), body_crc, body_len)
    crc = crc32_combine(crc, zlib.crc32(new_tail), len(new_tail))
    size = len(new_head) + body_len + len(new_tail)
    return PreparedAppend(
        sheet=request.sheet,
        member=member,
        body=deflated,
        crc=crc,
        size=size,
        record=AppendRecord(
            crc=crc,
            size=size,
            compressed=len(deflated),
            head_raw=len(out[0]),
            last_raw=last_raw,
            tail_raw=tail_raw,
            head_len=len(new_head),
            body_len=body_len,
            last_len=added_len,
            body_crc=body_crc,
            last_row=last,
            counts=tuple(n + more[k] for k, n in scan.counts.items()),
        ),
        old_last=len(kept) + 1,
        new_last=last,
        reused=True,
        scanned=False,
    )


class _Deflated:
    """Blocks deflated one after another in a worker thread, as one raw deflate stream ended by
    a full flush; `out` its pieces, `crc` and `length` those of the blocks given."""

    def __init__(self) -> None:
        self._packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="deflate-rows")
        self._done: list[Future[None]] = []
        self.out: list[bytes] = []
        self.crc = self.length = 0

    def submit(self, block: bytes) -> None:
        self._done.append(self._pool.submit(self._add, block))

    def _add(self, block: bytes) -> None:
        self.out.append(self._packer.compress(block))
        self.crc, self.length = zlib.crc32(block, self.crc), self.length + len(block)

    def __enter__(self) -> _Deflated:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=kind is not None)
        if kind is None:
            for done in self._done:
                done.result()  # a worker's error raised here
            self.out.append(self._packer.flush(zlib.Z_FULL_FLUSH))


def _recorded_scan(
    pkg: Package,
    member: str,
    raw: bytes,
    record: AppendRecord,
    columns: list[Column],
    new_last: int | None,
    styles: bool,
) -> tuple[SheetScan, bytes] | None:
    """(the state a full scan of the member would end in, the head it would give) from the
    record, inflating only the head, the header row, the last rows added and the tail; None
    unless the member is exactly the one recorded and its parts inflate as the record says.
    With `styles`, the last rows added must fill the window the scan takes styles from."""
    if not _same_member(pkg, member, raw, record):
        return None  # edited, re-saved or written by another tool since: scanned in full
    if not 0 < record.head_raw <= record.last_raw <= record.tail_raw <= len(raw):
        return None
    if record.last_len > record.body_len or (styles and record.last_len < _scan._RECENT):
        return None  # the last rows alone do not give the styles the scan would find
    head = _inflate_block(raw, 0, record.head_raw)
    last_rows = _inflate_block_end(raw, record.last_raw, record.tail_raw, _scan._RECENT)
    tail = _inflate_to_end(raw, record.tail_raw)
    header = _inflate_until(raw, record.head_raw, b"</row>")
    if head is None or last_rows is None or tail is None or header is None:
        return None
    whole = crc32_combine(zlib.crc32(head), record.body_crc, record.body_len)
    if (
        len(head) != record.head_len
        or b"<sheetData" in head
        or last_rows[0] != record.last_len
        or not tail.startswith(b"</sheetData>")
        or not header.startswith(b"<sheetData")
        or record.head_len + record.body_len + len(tail) != record.size
        or crc32_combine(whole, zlib.crc32(tail), len(tail)) != record.crc
    ):
        return None
    scan = SheetScan(iter(()), columns, new_last=new_last)
    scan.counts = dict(zip(scan.counts, record.counts, strict=True))
    new_head = scan._edit_head(head)
    scan.head = head
    scan.header_row = header[: header.index(b"</row>")]
    scan.recent = last_rows[1]
    scan._last_row()
    if scan.last_row != record.last_row:
        return None
    scan.tail, scan.closed = tail, True
    return scan, new_head


def _same_member(pkg: Package, member: str, raw: bytes, record: AppendRecord | ScanRecord) -> bool:
    """The member is the one `record` describes: the same CRC-32, size and compressed size."""
    info = pkg.infos[member]
    return (info.CRC, info.file_size, info.compress_size, len(raw)) == (
        record.crc,
        record.size,
        record.compressed,
        record.compressed,
    )


def _inflate_block(raw: bytes, begin: int, end: int) -> bytes | None:
    """raw[begin:end] inflated, `begin` being the stream's start or just after a full flush;
    the block must end at a full flush, not at the stream's end."""
    if raw[end - len(_FLUSH) : end] != _FLUSH:
        return None
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(raw[begin:end])
    except zlib.error:
        return None
    return None if inflater.eof or inflater.unconsumed_tail else data


def _inflate_block_end(raw: bytes, begin: int, end: int, keep: int) -> tuple[int, bytes] | None:
    """(the length, the last `keep` bytes) of _inflate_block(raw, begin, end), inflated a
    piece at a time: the last cycle's rows of 10,000 people are 170 MB of XML."""
    if raw[end - len(_FLUSH) : end] != _FLUSH:
        return None
    inflater = zlib.decompressobj(-15)
    length, last = 0, b""
    try:
        for at in range(begin, end, _RAW_PIECE):
            data = inflater.decompress(raw[at : min(at + _RAW_PIECE, end)])
            length += len(data)
            last = (last + data)[-keep:]
    except zlib.error:
        return None
    return None if inflater.eof or inflater.unconsumed_tail else (length, last)


def _inflate_to_end(raw: bytes, begin: int) -> bytes | None:
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(raw[begin:])
    except zlib.error:
        return None
    return data if inflater.eof and not inflater.unused_data else None


def _inflate_until(raw: bytes, begin: int, needle: bytes) -> bytes | None:
    """Inflated from `begin` (just after a full flush) until `needle` has appeared."""
    inflater = zlib.decompressobj(-15)
    data = b""
    at = begin
    try:
        while needle not in data and at < len(raw):
            data += inflater.decompress(raw[at : at + _RAW_PIECE])
            at += _RAW_PIECE
    except zlib.error:
        return None
    return data if needle in data else None


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


@dataclass
class AppendedPart:
    """The rows the last append added to a sheet member, as the member holds them, with the
    head, header row and tail around them (see `appended_part`)."""

    head: bytes  # up to '<sheetData'
    header_row: bytes  # from '<sheetData' to the end of row 1, '</row>' included
    rows: bytes  # the <row> elements the last append added
    tail: bytes  # from '</sheetData>'
    first_row: int  # 1-based sheet row of the first added row
    last_row: int


def appended_part(path: Path, sheet: str, columns: list[Column]) -> AppendedPart | None:
    """What the last append added to `sheet` of the workbook at `path`, read from the record
    it left in the sheet's marker, inflating only the head, the header row, the rows added
    and the tail; None unless the member is exactly the one recorded (same CRC-32 and sizes,
    each part inflating as recorded), so the rows are the ones that append wrote."""
    with Package(path) as pkg:
        member, _date1904 = _sheet_member(pkg, sheet)
        raw = pkg.raw(member)
        record = recorded(read_book(pkg.read(workbook_part(pkg))), sheet)
        if raw is None or record is None:
            return None
        found = _recorded_scan(pkg, member, raw, record, columns, None, styles=False)
        rows = _inflate_block(raw, record.last_raw, record.tail_raw)
    if found is None or rows is None:
        return None
    scan = found[0]
    numbers = _scan._ROW_NUMBER.findall(rows)
    if not numbers or int(numbers[-1]) != record.last_row:
        return None
    return AppendedPart(
        scan.head,
        scan.header_row + b"</row>",
        rows,
        scan.tail,
        int(numbers[0]),
        record.last_row,
    )
