"""Sizing a sheet before anything loads it: its XML streamed and counted, never parsed whole.

calamine allocates the rectangle from A1 to the farthest cell with content and aborts the
process when that does not fit, so the reader learns each sheet's real extent here first.
The scan also picks up error cells (#N/A), which calamine gives as blanks.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from defusedxml import ElementTree
from numpy.lib.stride_tricks import sliding_window_view

from ladder_sheets.cellmap import column_index
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.workbook.aliases import table_for_sheet
from ladder_sheets.workbook.safe import SAVE_AS_XLSX, damaged_sheet

MAX_CELLS = 2_000_000  # values in one sheet; a framework holds a few thousand
# Ratings History and Promotion Evidence are written by the tool and grow with people x
# competencies x cycles x raters: they may fill a whole Excel sheet of up to ~16 columns.
LONG_SHEET_CELLS = 20_000_000
LONG_TABLES = ("history", "evidence")

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Error cells (#N/A, #REF!): calamine gives them as blank; they are kept as their text.
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_ADDRESS = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# Excel's grid: columns A..XFD, rows 1..1,048,576. calamine takes any letters and digits and
# allocates the rectangle they span (r="AAAA1", a row past the last), so every address and row
# number is checked against the grid before calamine sees the sheet.
MAX_ROW = 1_048_576
MAX_COL = 16_384
_CELL_ADDRESS = re.compile(rb"([A-Z]{1,3})([1-9][0-9]{0,6})")
_ROW_ADDRESS = re.compile(rb"[1-9][0-9]{0,6}")
# Any tag whose local name is c or row, however written (a prefix, any whitespace, either
# quote, '>' inside a quoted value): what calamine's XML parser reads as a cell or a row.
_TAG = re.compile(rb"<(?:[^\s<>/!?:\"']*:)?(c|row)(?=[\s/>])((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>")
_CELL_LIKE = re.compile(rb"<(?:[^\s<>/!?:\"']*:)?c[\s/>]")
_ATTRIBUTE = re.compile(rb"""([^\s=<>"'/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CHUNK = 1 << 20
_MAX_TAIL = 16 << 20  # one tag (or text between tags) longer than this is no worksheet's
_PAD = bytes(24)  # lets the byte views below look past a chunk's last tag
_CELL_START = np.frombuffer(b'<c r="', dtype=np.uint8)
_WHITE = np.zeros(256, dtype=bool)
_WHITE[list(b" \t\r\n")] = True
_NAME_END = _WHITE.copy()
_NAME_END[list(b"/>")] = True


@dataclass
class SheetExtent:
    cells: int = 0
    max_row: int = -1
    max_col: int = -1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # The first row and column with content, known when every cell tag carries its address:
    # with max_row/max_col, the rectangle a reader that starts at the first value returns.
    min_row: int | None = None
    min_col: int | None = None
    merged: bool = False  # the sheet has merged ranges

    @property
    def area(self) -> int:
        return (self.max_row + 1) * (self.max_col + 1)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            book_part = "xl/workbook.xml"
            rels_part = "xl/_rels/workbook.xml.rels"
            if book_part not in names or rels_part not in names:
                return {}
            book = ElementTree.fromstring(zf.read(book_part))
            rels = ElementTree.fromstring(zf.read(rels_part))
    except Exception:  # calamine will report the damage with its own words
        return {}
    targets = {}
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(target)
    parts = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        rid = sheet.get(f"{_REL_NS}id")
        if rid in targets and sheet.get("name"):
            parts[sheet.get("name", "")] = targets[rid]
    return parts


def report_sheets(path: Path, generated: tuple[str, ...]) -> set[str]:
    """The sheets that hold the tool's own reports (Gap Analysis, Promotion Readiness): named so,
    or carrying the marker merge wrote on them (a renamed copy keeps its sheet-scoped marker).
    They are never input, so the reader neither sizes nor parses them."""
    from ladder_sheets.xlsx.workbook_xml import MARKER_NAME, parse_marker

    wanted = {name.casefold() for name in generated}
    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except Exception:  # calamine will report the damage with its own words
        return set()
    names = [s.get("name", "") for s in book.iter(f"{_MAIN_NS}sheet")]
    out = {name for name in names if name.casefold() in wanted}
    for defined in book.iter(f"{_MAIN_NS}definedName"):
        local = defined.get("localSheetId", "")
        if defined.get("name") != MARKER_NAME or not local.isdigit() or int(local) >= len(names):
            continue
        marker = parse_marker(defined.text or "")
        if marker is not None and marker[2].casefold() in wanted:
            out.add(names[int(local)])
    return out


def sheet_names(path: Path) -> list[str]:
    """Every sheet name workbook.xml lists, in order, duplicates included (a reader keyed by
    name sees only one of two sheets with the same name)."""
    try:
        with zipfile.ZipFile(path) as zf:
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    except Exception:  # the readers report the damage with their own words
        return []
    return [s.get("name", "") for s in book.iter(f"{_MAIN_NS}sheet")]


def cell_budget(sheet: str) -> int:
    """The most cells the reader accepts on a sheet: the long tables' sheets (by name,
    "Ratings History (2)" included) get a whole Excel sheet, every other sheet MAX_CELLS."""
    guess = table_for_sheet(sheet)
    if guess is not None and guess[0] in LONG_TABLES:
        return LONG_SHEET_CELLS
    return MAX_CELLS


def scan_extent(path: Path, part: str, sheet: str, max_cells: int | None = None) -> SheetExtent:
    """Count the cells of a sheet and find its first and last row and column, streaming its
    XML (a chunk of a megabyte at a time, cut before a tag).

    Only cells with content count for the extent (styled empty cells are not placed by
    calamine); the cell count is an upper bound, which is what the guard needs. A chunk
    written as every writer writes (`<c r="A1"`, nothing else that calamine could read as a
    cell or an address) is read with numpy; any other is read tag by tag, and the extent is
    an upper bound of where calamine can place a cell. More than `max_cells` (default:
    MAX_CELLS, read at call time) raises UnreadableFile, as does an address outside the grid."""
    limit = MAX_CELLS if max_cells is None else max_cells
    try:
        try:
            extent, scan = _scan(path, part, sheet, limit, _Scan(by_tag=False))
        except _ByPosition:  # cells placed by position follow every row before them
            extent, scan = _scan(path, part, sheet, limit, _Scan(by_tag=True))
    except UnreadableFile:
        raise
    except KeyError:
        return SheetExtent()
    except Exception as exc:
        raise damaged_sheet(path, sheet, exc) from None
    extent.cells, extent.merged = scan.cells, scan.merged
    # rows bound only the cells placed by position
    extent.max_row = max(scan.last_row, scan.rows_seen if scan.wide else 0) - 1
    extent.max_col = max(scan.last_col, scan.wide) - 1
    if extent.max_row >= MAX_ROW or extent.max_col >= MAX_COL:
        raise outside_grid(path, sheet, _farthest(path, part))
    if not scan.wide and scan.last_row:
        extent.min_row, extent.min_col = scan.first_row - 1, scan.first_col - 1
    return extent


class _ByPosition(Exception):
    """A cell without an address: the sheet is read again, every tag in order."""


def _scan(path: Path, part: str, sheet: str, limit: int, scan: _Scan) -> tuple[SheetExtent, _Scan]:
    extent = SheetExtent()

    def take(data: bytes, plain: _Plain | None) -> None:
        bad = scan.take(data, plain)
        if bad is not None:
            raise outside_grid(path, sheet, bad)
        if scan.errors:
            _collect_errors(data, extent.errors)
        if scan.cells > limit:
            raise UnreadableFile(
                f"the sheet holds more than {limit:,} cells, far more than a "
                "career framework needs",
                file=str(path),
                sheet=sheet,
                hint="move the data that is not part of the framework to another "
                "workbook, or delete unused rows and columns",
            )

    # Chunks are read with numpy two at a time (numpy lets go of the GIL), and taken in order.
    pending: deque[tuple[bytes, Future[_Plain | None]]] = deque()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="extent") as pool:
        for data in xml_chunks(path, part):
            if scan.by_tag:
                take(data, None)
                continue
            pending.append((data, pool.submit(_read_plain, data)))
            while len(pending) > 2:
                data, future = pending.popleft()
                take(data, future.result())
        while pending:
            data, future = pending.popleft()
            take(data, future.result())
    return extent, scan


def xml_chunks(path: Path, part: str) -> Iterator[bytes]:
    """The part's XML a megabyte at a time, each chunk cut before a tag (every tag whole in
    one chunk). Raises ValueError for a tag longer than 16 MB."""
    with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
        tail = b""
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"<")  # every tag before the last '<' is whole
                if cut <= 0 and len(data) <= _MAX_TAIL:
                    tail = data
                    continue
                if cut > 0:
                    data, tail = data[:cut], data[cut:]
                elif b"<" in data:
                    raise ValueError("a tag longer than 16 MB")
                else:  # text alone
                    tail = b""
            if data:
                yield data
            if not chunk:
                return


# A chunk written as writers write: its cell tags' offsets, which have content, whether it
# has merged ranges and error cells, and its cells' extent (or the first bad address).
_Plain = tuple[np.ndarray, bool, bool, tuple[tuple[int, int], tuple[int, int]] | None, int]


def _read_plain(data: bytes) -> _Plain | None:
    """What the numpy reading finds in a chunk, or None where it must be read tag by tag."""
    text = np.frombuffer(data + _PAD, dtype=np.uint8)
    plain = _plain_cells(text, len(data))
    if plain is None:
        return None
    starts, content, merged, errors = plain
    found, bad = _last_cell(text, starts, content)
    return starts, merged, errors, found, bad


class _Scan:
    """What the chunks of one sheet have shown so far (rows and columns 1-based). `by_tag`
    reads every chunk tag by tag, following rows and columns as calamine does for cells
    without an address; otherwise such a cell raises _ByPosition."""

    def __init__(self, by_tag: bool) -> None:
        self.by_tag = by_tag
        self.cells = 0  # cell tags, with content or not
        self.first_row = self.first_col = MAX_ROW * MAX_COL
        self.last_row = self.last_col = 0  # of the addressed cells with content
        self.wide = 0  # bound of the columns of cells placed by position (0: none)
        self.rows_seen = 0  # bound of the rows such cells can be placed on
        self.row_at = self.col_at = 0  # where the last row and cell were placed
        self.merged = False  # a mergeCell tag was seen
        self.errors = False  # the last chunk has error cells (t="e")

    def take(self, data: bytes, plain: _Plain | None) -> str | None:
        """Take in a chunk of whole tags (with what _read_plain found in it, or None to read
        it tag by tag); the first address outside the grid, or None."""
        if plain is None:
            self.merged = self.merged or b"mergeCell" in data
            self.errors = b't="e"' in data
            return self._tags(data)
        starts, merged, self.errors, found, bad = plain
        self.merged = self.merged or merged
        self.cells += len(starts)
        if bad >= 0:
            return _address_at(data, bad)
        if found is not None:
            (top, left), (bottom, right) = found
            self._place(top, left, bottom, right)
        return None

    def _place(self, top: int, left: int, bottom: int, right: int) -> None:
        self.first_row, self.first_col = min(self.first_row, top), min(self.first_col, left)
        self.last_row, self.last_col = max(self.last_row, bottom), max(self.last_col, right)

    def _tags(self, data: bytes) -> str | None:
        """A chunk read tag by tag: every cell and row however written (the last r= of a tag
        wins, as in calamine; a cell without one follows the cell before it, a row without
        one the row before it)."""
        cell_tags = len(_CELL_LIKE.findall(data))
        self.cells += cell_tags
        parsed = 0
        for tag in _TAG.finditer(data):
            name, body = tag.group(1), tag.group(2)
            address = None
            for key, double, single in _ATTRIBUTE.findall(body):
                if key == b"r":
                    address = double if double or not single else single
            if name == b"row":
                if address is not None and not _ROW_ADDRESS.fullmatch(address):
                    return address.decode("utf-8", "replace")[:24]
                self.row_at = int(address) if address is not None else self.row_at + 1
                self.rows_seen = max(self.rows_seen, self.row_at)
                self.col_at = 0
                continue
            parsed += 1
            if address is None:
                if not self.by_tag:
                    raise _ByPosition
                self.col_at += 1
                self.wide = max(self.wide, self.col_at)
                self.rows_seen = max(self.rows_seen, self.row_at, 1)
                continue
            shaped = _CELL_ADDRESS.fullmatch(address)
            if shaped is None:
                return address.decode("utf-8", "replace")[:24]
            row, col = int(shaped.group(2)), column_index(shaped.group(1).decode()) + 1
            self.col_at = col
            if not body.rstrip().endswith(b"/"):  # an empty cell: calamine places no value
                self._place(row, col, row, col)
        if cell_tags > parsed:  # tags the pattern could not take apart: placed by position
            if not self.by_tag:
                raise _ByPosition
            self.wide = max(self.wide, self.col_at, self.last_col) + cell_tags - parsed
            self.rows_seen = max(self.rows_seen, self.row_at) + cell_tags - parsed
        return None


def _plain_cells(text: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, bool, bool] | None:
    """The offsets of the chunk's cell tags, which have content, whether a mergeCell tag and
    a t="e" (error cell) are there, when every cell tag is written `<c r="A1" ...>` and
    nothing else calamine could read as a cell or an address is there (a prefixed c or row, a
    second r=, r= in single quotes or spaced out, '>' in a quoted value); None otherwise."""
    body = text[:size]
    # '<' and '>' found in one pass: written as writers write, they alternate, each tag's
    # '>' before the next '<' (no '>' inside a quoted value or a text)
    marks = np.flatnonzero((body == ord("<")) | (body == ord(">")))
    kinds = body[marks]
    alternate = (
        len(marks) % 2 == 0
        and bool((kinds[0::2] == ord("<")).all())
        and bool((kinds[1::2] == ord(">")).all())
    )
    tags = marks[0::2] if alternate else np.flatnonzero(body == ord("<"))
    first = text[tags + 1]
    at = np.flatnonzero(first == ord("c"))
    at = at[_NAME_END[text[tags[at] + 2]]]
    starts = tags[at]
    for k in range(2, len(_CELL_START)):
        if not (text[starts + k] == _CELL_START[k]).all():
            return None
    rows = tags[first == ord("r")]
    rows = rows[
        (text[rows + 2] == ord("o")) & (text[rows + 3] == ord("w")) & _NAME_END[text[rows + 4]]
    ]
    ms = tags[first == ord("m")]
    merged = bool(((text[ms + 2] == ord("e")) & (text[ms + 6] == ord("C"))).any())
    colons = np.flatnonzero(body == ord(":"))
    if len(colons):  # x:c, x:row, x:mergeCell (or "note:c " in a text: read tag by tag too)
        after = text[colons + 1]
        prefixed = (
            ((after == ord("c")) & _NAME_END[text[colons + 2]])
            | ((after == ord("r")) & (text[colons + 2] == ord("o")))
            | ((after == ord("m")) & (text[colons + 2] == ord("e")))
        )
        if prefixed.any():
            return None
    # every r= is a plain cell's or a row's: one each, right after whitespace
    equals = np.flatnonzero(body == ord("="))
    before = text[equals - 1]
    if _WHITE[before].any():  # 'r =' (or ' = ' in a text)
        return None
    named = int(((before == ord("r")) & _WHITE[text[equals - 2]]).sum())
    if named != len(starts) + len(rows):
        return None
    errors = bool(
        (
            (before == ord("t"))
            & (text[equals + 1] == ord('"'))
            & (text[equals + 2] == ord("e"))
            & (text[equals + 3] == ord('"'))
        ).any()
    )
    # a cell tag ends at its region's one '>' (none inside a quoted value or after the tag):
    # a '/' before it is an empty (styled) cell, which calamine does not place
    if alternate:
        close = marks[1::2][at]  # every tag's region holds one '>': the tag's own
    else:  # a '>' in a text somewhere: look at the cell tags themselves
        ends = np.flatnonzero(body == ord(">"))
        after = np.append(tags[1:], size)
        found = np.searchsorted(ends, starts)
        if len(starts) and (found[-1] >= len(ends) or (ends[found] != after[at] - 1).any()):
            return None
        close = ends[found]
    return starts, text[close - 1] != ord("/"), merged, errors


def outside_grid(path: Path | str, sheet: str, address: str) -> UnreadableFile:
    """The error for a cell or row that lies outside Excel's grid (A1:XFD1048576)."""
    return UnreadableFile(
        f"the sheet has a cell address '{address}', outside Excel's grid (columns A to XFD, "
        f"rows 1 to {MAX_ROW:,}): the file is damaged or was not written by Excel",
        file=str(path),
        sheet=sheet,
        cell=address if _ADDRESS_SHAPE.fullmatch(address) else None,
        hint=f"Excel repairs or drops such cells when it opens the file: {SAVE_AS_XLSX}",
    )


_ADDRESS_SHAPE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def _address_at(data: bytes, start: int) -> str:
    """The r="..." value of the cell tag at `start` (which begins `<c r="`)."""
    value = data[start + 6 : start + 30].split(b'"', 1)[0]
    return value.decode("utf-8", "replace")


def _farthest(path: Path, part: str) -> str:
    """The first address past the grid's last row or column (for the message)."""
    with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            for m in re.finditer(rb'\sr="([A-Z]*)([0-9]+)"', data):
                letters, number = m.group(1), int(m.group(2))
                if number > MAX_ROW or (letters and column_index(letters) + 1 > MAX_COL):
                    return (letters + m.group(2)).decode()
            tail = data[-64:]
    return f"row {MAX_ROW + 1:,}"


def _last_cell(
    text: np.ndarray, starts: np.ndarray, content: np.ndarray
) -> tuple[tuple[tuple[int, int], tuple[int, int]] | None, int]:
    """((smallest row, smallest column), (largest row, largest column)), 1-based, of the
    cells with content among the `<c r="` tags at `starts` (None for none), and the offset of
    the first address not of Excel's shape (1-3 capital letters, a row number of 1-7 digits
    without a leading zero, a closing quote), or -1."""
    if not len(starts):
        return None, -1
    # the 13 bytes after each `<c r="` (the text is padded: a window never runs past it)
    window = sliding_window_view(text, 13)[starts + 6]
    going = np.ones(len(starts), dtype=bool)
    n_letters = np.zeros(len(starts), dtype=np.int8)
    for k in range(4):  # a fourth letter is refused; column by column, no 2-D reductions
        going &= (window[:, k] - np.uint8(ord("A"))) < 26  # uint8: below 'A' wraps round
        n_letters += going
    row = np.zeros(len(starts), dtype=np.int64)
    col = np.zeros(len(starts), dtype=np.int64)
    shaped = np.zeros(len(starts), dtype=bool)
    # the addresses of each number of letters together: their digits start at one offset
    for n in (1, 2, 3):
        group = n_letters == n
        if not group.any():
            continue
        every = bool(group.all())
        w = window if every else window[group]
        c = np.zeros(len(w), dtype=np.int64)
        for k in range(n):
            c = c * 26 + (w[:, k] - (ord("A") - 1))
        r = np.zeros(len(w), dtype=np.int64)
        n_digits = np.zeros(len(w), dtype=np.int8)
        going = np.ones(len(w), dtype=bool)
        for k in range(8):  # a row number has at most 7 digits: an eighth is refused
            digit = w[:, n + k] - np.uint8(ord("0"))
            going &= digit < 10
            r = np.where(going, r * 10 + digit, r)
            n_digits += going
        after = w[np.arange(len(w)), n + n_digits]
        ok = (n_digits >= 1) & (n_digits <= 7) & (w[:, n] != ord("0")) & (after == ord('"'))
        if every:
            row, col, shaped = r, c, ok
        else:
            row[group], col[group], shaped[group] = r, c, ok
    if not shaped.all():
        return None, int(starts[np.argmin(shaped)])
    if not content.any():
        return None, -1
    row, col = row[content], col[content]
    return ((int(row.min()), int(col.min())), (int(row.max()), int(col.max()))), -1


def _collect_errors(data: bytes, errors: dict[tuple[int, int], str]) -> None:
    for m in _ERROR_CELL.finditer(data):
        address = _ADDRESS.search(m.group(1))
        value = _VALUE.search(m.group(2))
        if address and value and len(errors) < 10_000:
            row, col = int(address.group(2)) - 1, column_index(address.group(1))
            errors[(row, col)] = value.group(1).decode("utf-8", "replace")
