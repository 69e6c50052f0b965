"""Streaming a sheet's XML as bytes: copy it (with new rows and the ranges that follow them)
and check it holds exactly the rows the reader read. See `append`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.sheets.table import Column
from ladder_sheets.values import distinct_objects
from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.sheet_xml import shared_strings_text
from ladder_sheets.xlsx.transplant import workbook_part
from ladder_sheets.xlsx.xmltext import unescape

_PIECE = 1 << 20
_RECENT = 1 << 18  # bytes kept before </sheetData>: the last rows, for their styles
# What the scan counts inside <sheetData>: cell types, values, formulas, rows.
_COUNTED = {
    "shared": b' t="s"',
    "inline": b' t="inlineStr"',
    "str": b' t="str"',
    "bool": b' t="b"',
    "error": b' t="e"',
    "value": b"<v>",
    "formula": b"<f>",
    "formula_attrs": b"<f ",
    "row": b"<row ",
    "bare_row": b"<row>",
}
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_STYLE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"([^>]*?)/?>')
_STYLE = re.compile(rb'\bs="(\d+)"')
_COL = re.compile(rb'<col\b[^>]*?\bmin="(\d+)"[^>]*?\bmax="(\d+)"[^>]*?/>')
_DIMENSION = re.compile(rb'(<dimension\b[^>]*?\bref=")([^"]*)(")')
_AUTOFILTER = re.compile(rb'(<autoFilter\b[^>]*?\bref=")([A-Z]+\d+:[A-Z]+)(\d+)(")')
_HEADER_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)1"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL
)  # fmt: skip
_TEXT_RUN = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.DOTALL)


class NotAppendable(Exception):
    """The sheet is not what the fast path needs; `code` says why (kebab-case)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def count(data: bytes) -> dict[str, int]:
    """What the scan counts in `data` (rows XML cut after a '>')."""
    return {key: data.count(pattern) for key, pattern in _COUNTED.items()}


def pieces(stream: Any) -> Iterator[bytes]:
    """The stream cut after a '>' so that no tag the scan counts spans two pieces."""
    carry = b""
    while True:
        chunk = stream.read(_PIECE)
        if not chunk:
            break
        data = carry + chunk
        cut = data.rfind(b">") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        yield carry


@dataclass
class SheetScan:
    """One pass over a sheet's XML: copies it (with the dimension, the autofilter and the new
    rows edited in when `new_last` is set) and counts what `verify` checks."""

    pieces: Iterator[bytes]
    columns: list[Column]
    new_last: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTED, 0))
    head: bytes = b""
    header_row: bytes = b""
    recent: bytes = b""
    tail: bytes = b""
    closed: bool = False
    last_row: int = 0
    old_dimension: str | None = None

    def run(self, start: bytes, new_rows: Any = None) -> Iterator[bytes]:
        buffer = start
        state = "head"
        for piece in self.pieces:
            buffer += piece
            if state == "head":
                at = buffer.find(b"<sheetData")
                if at < 0:
                    continue
                head, buffer = buffer[:at], buffer[at:]
                yield self._edit_head(head)
                self.head = head
                state = "data"
            if state == "data":
                if not self.header_row and b"</row>" in buffer:
                    self.header_row = buffer[: buffer.index(b"</row>")]
                end = buffer.find(b"</sheetData>")
                if end < 0:
                    self._count(buffer)
                    self.recent = (self.recent + buffer)[-_RECENT:]
                    yield buffer
                    buffer = b""
                    continue
                body, buffer = buffer[:end], buffer[end:]
                self._count(body)
                self.recent = (self.recent + body)[-_RECENT:]
                self._last_row()
                yield body
                if new_rows is not None:
                    yield new_rows()
                self.closed = True
                state = "tail"
            if state == "tail":
                self.tail += buffer
                buffer = b""
        if state == "head":
            self.head = buffer
            if self.new_last is not None:
                raise NotAppendable("sheet-layout", "the sheet has no rows element")
            return
        if not self.closed:
            raise NotAppendable("sheet-layout", "the sheet's rows are not closed")
        yield self._edit_tail(self.tail)

    def _count(self, data: bytes) -> None:
        for key, found in count(data).items():
            self.counts[key] += found

    def _last_row(self) -> None:
        at = self.recent.rfind(b"<row")
        found = _ROW_NUMBER.match(self.recent, at) if at >= 0 else None
        self.last_row = int(found.group(1)) if found else 0

    def _edit_head(self, head: bytes) -> bytes:
        found = _DIMENSION.search(head)
        if found:
            self.old_dimension = found.group(2).decode("ascii", "replace")
        if self.new_last is None or found is None:
            return head
        ref = f"A1:{_last_letter(self.columns)}{self.new_last}".encode()
        return head[: found.start(2)] + ref + head[found.end(2) :]

    def _edit_tail(self, tail: bytes) -> bytes:
        if self.new_last is None:
            return tail
        found = _AUTOFILTER.search(tail)
        if found is None or int(found.group(3)) != self.last_row:
            return tail
        return tail[: found.start(3)] + str(self.new_last).encode() + tail[found.end(3) :]

    def styles(self, columns: Sequence[Column]) -> list[int]:
        """Each column's style index, from the last cell above that has one; else the
        column's own style (`<col style>`)."""
        letters = [column_letters(i).encode() for i in range(len(columns))]
        found: dict[bytes, int] = {}
        data = self.recent
        end = len(data)
        while end > 0 and len(found) < len(letters):
            start = data.rfind(b"<row", 0, end)
            if start < 0:
                break
            for cell in _CELL_STYLE.finditer(data, start, end):
                letter = cell.group(1)
                if letter in letters and letter not in found:
                    style = _STYLE.search(cell.group(2))
                    found[letter] = int(style.group(1)) if style else 0
            end = start
        col_styles = self._col_styles()
        out = []
        for index, (letter, column) in enumerate(zip(letters, columns, strict=True)):
            if letter in found:
                out.append(found[letter])
            elif index + 1 in col_styles:
                out.append(col_styles[index + 1])
            elif column.kind in ("date", "datetime"):
                raise NotAppendable(
                    "no-style", f"no cell or column style to copy for {column.header}"
                )
            else:
                out.append(0)
        return out

    def _col_styles(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for col in _COL.finditer(self.head):
            style = _STYLE.search(col.group(0).replace(b"style=", b"s="))
            if style:
                for number in range(int(col.group(1)), int(col.group(2)) + 1):
                    out[number] = int(style.group(1))
        return out


def verify(scan: SheetScan, columns: Sequence[Column], kept: pd.DataFrame, pkg: Package) -> None:
    """The sheet holds exactly `kept` under the writer's header, or NotAppendable says what
    differs."""
    c = scan.counts
    rows = len(kept)
    if c["formula"] or c["formula_attrs"] or c["str"]:
        raise NotAppendable("formulas", "the sheet holds formulas")
    if b"<mergeCell" in scan.tail:
        raise NotAppendable("merged-cells", "the sheet has merged cells")
    if c["bool"] or c["error"]:
        raise NotAppendable("cell-types", "the sheet holds true/false or error cells")
    if c["row"] + c["bare_row"] != rows + 1 or scan.last_row != rows + 1:
        raise NotAppendable(
            "sheet-layout",
            f"the sheet's rows (last {scan.last_row}) are not the header and the "
            f"{rows} row(s) read: blank or skipped rows",
        )
    wanted = f"A1:{_last_letter(columns)}{rows + 1}"
    if scan.old_dimension is not None and scan.old_dimension != wanted:
        raise NotAppendable(
            "sheet-layout", f"the sheet spans {scan.old_dimension}, the history {wanted}"
        )
    if _header(scan.header_row, pkg) != [c.header for c in columns]:
        raise NotAppendable("sheet-layout", "the header row is not the history's columns")
    text, numbers = _expected_cells(kept, columns)
    if c["shared"] + c["inline"] != text + len(columns) or c["value"] - c["shared"] != numbers:
        raise NotAppendable(
            "cell-types", "some cells are not of the type the history writer gives them"
        )


def _header(row: bytes, pkg: Package) -> list[str] | None:
    """The header row's texts, left to right (inline or shared strings); None if a cell is
    missing or not text."""
    cells: list[tuple[bool, bytes]] = []
    for index, cell in enumerate(_HEADER_CELL.finditer(row)):
        attrs = cell.group(2)
        if cell.group(1) != column_letters(index).encode():
            return None
        if b't="inlineStr"' in attrs:
            cells.append((False, b"".join(_TEXT_RUN.findall(cell.group(3) or b""))))
        elif b't="s"' in attrs:
            found = re.search(rb"<v>(\d+)</v>", cell.group(3) or b"")
            if found is None:
                return None
            cells.append((True, found.group(1)))
        else:
            return None
    shared = [int(v) for is_shared, v in cells if is_shared]
    strings = _shared_strings(pkg, max(shared)) if shared else []
    out = []
    for is_shared, text in cells:
        if is_shared:
            index = int(text)
            if index >= len(strings):
                return None
            out.append(strings[index])
        else:
            out.append(unescape(text.decode("utf-8")))
    return out


def _shared_strings(pkg: Package, last: int) -> list[str]:
    """The first `last + 1` items of the workbook's string table, read only as far as that
    (a header's strings come first in any writer's table)."""
    book_part = workbook_part(pkg)
    member = next(
        (
            pkg.targets(book_part).get(r.id)
            for r in pkg.rels(book_part)
            if r.type.endswith("/sharedStrings") and not r.external
        ),
        None,
    )
    if member is None:
        return []
    data = b""
    with pkg.open(member) as stream:
        while data.count(b"</si>") + data.count(b"<si/>") <= last and len(data) < 64 * _PIECE:
            chunk = stream.read(_PIECE)
            if not chunk:
                break
            data += chunk
    cut = data.rfind(b"</si>")
    return shared_strings_text(data[: cut + len(b"</si>")] if cut >= 0 else data)


def _expected_cells(kept: pd.DataFrame, columns: Sequence[Column]) -> tuple[int, int]:
    """(text cells, number cells) the history writer would write for `kept`."""
    text = numbers = 0
    for column in columns:
        present = _present(kept[column.key]) if column.key in kept.columns else 0
        if column.kind in ("number", "datetime", "date"):
            numbers += present
        else:
            text += present
    return text, numbers


def _present(values: pd.Series) -> int:
    """How many values are neither blank nor "" (the cells the writer writes). An object
    column is judged once per distinct object (a history's million rows hold a few thousand):
    a Series' test of every row costs several times more."""
    array = values.to_numpy()
    if array.dtype.kind in "fc":
        return int(np.count_nonzero(~np.isnan(array)))
    if array.dtype != object:
        return int((values.notna() & values.ne("")).sum())
    codes, objects = distinct_objects(array)
    blank = pd.isna(objects)
    try:
        shown = [not b and bool(v != "") for v, b in zip(objects, blank.tolist(), strict=True)]
    except (TypeError, ValueError):  # a value that cannot say whether it is ""
        return int((values.notna() & values.ne("")).sum())
    return int(np.bincount(codes, minlength=len(objects))[np.array(shown, dtype=bool)].sum())


def _last_letter(columns: Sequence[Column]) -> str:
    return column_letters(len(columns) - 1)
