"""What an append established about the sheet member it wrote, kept in the sheet's marker.

The next append reads the record and, while the member is still the one it describes (same
CRC-32, size and compressed size), does not inflate and count the kept rows again: it inflates
only the head, the header row, the last block of rows (for their styles) and the tail, and
copies the rest as compressed bytes. A member that differs in any of the three (edited by hand,
re-saved by Excel or LibreOffice, written by another tool) is scanned in full as before.

The member is laid out by `prepare._append` as deflate blocks that each start after a full
flush: head | rows (every kept row, ending with a full flush) | the last rows added | tail.
"""

from __future__ import annotations

from dataclasses import dataclass

from ladder_sheets.xlsx.workbook_xml import Book

APPENDED = "appended"  # the marker's content hash of an appended sheet (no hash taken)
_VERSION = "z1"


@dataclass(frozen=True)
class AppendRecord:
    crc: int  # of the whole member, uncompressed
    size: int
    compressed: int
    head_raw: int  # compressed offset where the rows ('<sheetData') start
    last_raw: int  # compressed offset where the last rows added start
    tail_raw: int  # compressed offset where '</sheetData>' starts
    head_len: int  # uncompressed lengths: head, rows (all of them), the last rows added
    body_len: int
    last_len: int
    body_crc: int  # CRC-32 of the rows, from '<sheetData' to before '</sheetData>'
    last_row: int
    counts: tuple[int, ...]  # what SheetScan counts in the rows, in scan._COUNTED's order

    def text(self) -> str:
        numbers = (
            self.crc,
            self.size,
            self.compressed,
            self.head_raw,
            self.last_raw,
            self.tail_raw,
            self.head_len,
            self.body_len,
            self.last_len,
            self.body_crc,
            self.last_row,
        )
        return ":".join([_VERSION, *map(str, numbers), ",".join(map(str, self.counts))])

    @classmethod
    def parse(cls, text: str) -> AppendRecord | None:
        parts = text.split(":")
        if len(parts) != 13 or parts[0] != _VERSION:
            return None  # an older marker (a hash of the XML): the sheet is scanned
        try:
            numbers = [int(p) for p in parts[1:12]]
            counts = tuple(int(c) for c in parts[12].split(","))
        except ValueError:
            return None
        if min(numbers) < 0 or min(counts, default=0) < 0:
            return None
        crc, size, compressed, head_raw, last_raw, tail_raw = numbers[:6]
        head_len, body_len, last_len, body_crc, last_row = numbers[6:]
        return cls(
            crc,
            size,
            compressed,
            head_raw,
            last_raw,
            tail_raw,
            head_len,
            body_len,
            last_len,
            body_crc,
            last_row,
            counts,
        )


@dataclass(frozen=True)
class ScanRecord:
    """What a full scan found in a kept history sheet that no append wrote (a continuation
    sheet the history writer filled, a sheet another tool wrote), kept in its marker by the
    merge that scanned it: while the member is the same (CRC-32, size, compressed size), the
    next merges take the counts from here and inflate only the head and the header row, where
    they scanned every row (at 10,000 people a full sheet is about 485 MB of XML)."""

    crc: int
    size: int
    compressed: int
    last_row: int
    merge_cells: bool  # '<mergeCell' after the rows
    counts: tuple[int, ...]  # what SheetScan counts in the rows, in scan._COUNTED's order

    def text(self) -> str:
        numbers = (self.crc, self.size, self.compressed, self.last_row, int(self.merge_cells))
        return ":".join([_SCANNED, *map(str, numbers), ",".join(map(str, self.counts))])

    @classmethod
    def parse(cls, text: str) -> ScanRecord | None:
        parts = text.split(":")
        if len(parts) != 7 or parts[0] != _SCANNED:
            return None
        try:
            numbers = [int(p) for p in parts[1:6]]
            counts = tuple(int(c) for c in parts[6].split(","))
        except ValueError:
            return None
        if min(numbers) < 0 or min(counts, default=0) < 0 or numbers[4] > 1:
            return None
        crc, size, compressed, last_row, merge_cells = numbers
        return cls(crc, size, compressed, last_row, bool(merge_cells), counts)


_SCANNED = "s1"


def recorded(book: Book, sheet: str) -> AppendRecord | None:
    """The record in the marker of `sheet` (by name), None when there is none."""
    text = _marker_record(book, sheet)
    return AppendRecord.parse(text) if text is not None else None


def scan_recorded(book: Book, sheet: str) -> ScanRecord | None:
    """The scan record in the marker of `sheet` (by name), None when there is none."""
    text = _marker_record(book, sheet)
    return ScanRecord.parse(text) if text is not None else None


def _marker_record(book: Book, sheet: str) -> str | None:
    index = next((i for i, s in enumerate(book.sheets) if s.name == sheet), None)
    for marker in book.markers():
        if marker.sheet_index == index and marker.content_hash == APPENDED:
            return marker.raw_hash
    return None


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from crc(A), crc(B) and len(B) (zlib's crc32_combine, which Python's
    zlib does not expose)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _times(matrix: list[int], vector: int) -> int:
    out, at = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[at]
        vector >>= 1
        at += 1
    return out


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, row) for row in matrix]
