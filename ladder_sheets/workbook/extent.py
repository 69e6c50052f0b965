"""Sizing a sheet before anything loads it: its XML streamed and counted, never parsed whole.

calamine allocates the rectangle from A1 to the farthest cell with content and aborts the
process when that does not fit, so the reader learns each sheet's real extent here first.
The scan also picks up error cells (#N/A), which calamine gives as blanks.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from defusedxml import ElementTree

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
# A cell with a value (not self-closing) and its column letters; a row and its number.
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>')
# Error cells (#N/A, #REF!): calamine gives them as blank; they are kept as their text.
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_ADDRESS = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_UNADDRESSED = re.compile(rb"<c(?=[\s>])(?![^>]*\br=)[^>]*(?<!/)>")
# Excel's grid: columns A..XFD, rows 1..1,048,576. calamine takes any letters and digits and
# allocates the rectangle they span (r="AAAA1", a row past the last), so every address and row
# number is checked against the grid before calamine sees the sheet.
MAX_ROW = 1_048_576
MAX_COL = 16_384
# A cell address that is not 1-3 capital letters and a row number of 1-7 digits.
_BAD_ANY = re.compile(rb'<c\b[^>]*?\sr="(?![A-Z]{1,3}[1-9][0-9]{0,6}")([^"]{0,24})')
_BAD_ROW = re.compile(rb'<row\b[^>]*?\sr="(?![1-9][0-9]{0,6}")([^"]{0,24})')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="([0-9]{1,7})"')
_CHUNK = 1 << 20
_CELL_START = np.frombuffer(b'<c r="', dtype=np.uint8)


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
    """Count the cells of a sheet and find its last row and column, streaming its XML.

    Only cells with content count for the extent (styled empty cells are not placed by
    calamine); the cell count is an upper bound, which is what the guard needs. More than
    `max_cells` (default: MAX_CELLS, read at call time) raises UnreadableFile."""
    limit = MAX_CELLS if max_cells is None else max_cells
    extent = SheetExtent()
    letters: set[bytes] = set()
    widest = 0  # 1-based column of the rightmost cell found by _last_cell
    rows_seen = 0
    wide = 0
    first_row = first_col = MAX_ROW * MAX_COL  # 1-based, of the cells with content
    addressed = True
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part) as stream:
            tail = b""
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                cut = data.rfind(b">") + 1
                data, tail = data[:cut], data[cut:]
                tags = data.count(b"<c ") + data.count(b"<c>")
                extent.cells += tags
                if b't="e"' in data:
                    _collect_errors(data, extent.errors)
                if b"<mergeCell " in data:
                    extent.merged = True
                if tags and data.count(b'<c r="') == tags:  # how writers write: r= first
                    (top, left), (last_row, last_col), bad = _last_cell(data)
                    if bad >= 0:
                        raise outside_grid(path, sheet, _address_at(data, bad))
                    extent.max_row = max(extent.max_row, last_row - 1)
                    widest = max(widest, last_col)
                    if last_row:
                        first_row, first_col = min(first_row, top), min(first_col, left)
                else:
                    _check_addresses(data, path, sheet)
                    found = _CELL.findall(data)
                    if found:
                        cols, numbers = zip(*found, strict=True)
                        letters.update(cols)
                        rows = list(map(int, numbers))
                        extent.max_row = max(extent.max_row, max(rows) - 1)
                        first_row = min(first_row, min(rows))
                        first_col = min(first_col, *(column_index(x) + 1 for x in set(cols)))
                    # the slow search only when some cell tags carry no r="..." address
                    addresses = data.count(b' r="') - data.count(b"<row")
                    unaddressed = len(_UNADDRESSED.findall(data)) if tags > addresses else 0
                    if unaddressed:  # placed by position: bound the extent by counting
                        addressed = False
                        rows_seen += data.count(b"<row")
                        numbered = [int(n) for n in _ROW_NUMBER.findall(data)]
                        rows_seen = max([rows_seen, *numbered])
                        wide = max(wide, unaddressed)
                if extent.cells > limit:
                    raise UnreadableFile(
                        f"the sheet holds more than {limit:,} cells, far more than a "
                        "career framework needs",
                        file=str(path),
                        sheet=sheet,
                        hint="move the data that is not part of the framework to another "
                        "workbook, or delete unused rows and columns",
                    )
    except UnreadableFile:
        raise
    except KeyError:
        return extent
    except Exception as exc:
        raise damaged_sheet(path, sheet, exc) from None
    extent.max_row = max(extent.max_row, rows_seen - 1)
    extent.max_col = max([column_index(x) for x in letters] + [wide - 1, widest - 1])
    if extent.max_row >= MAX_ROW or extent.max_col >= MAX_COL:
        raise outside_grid(path, sheet, _farthest(path, part))
    if addressed and extent.max_row >= 0:
        extent.min_row, extent.min_col = first_row - 1, first_col - 1
    return extent


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


def _check_addresses(data: bytes, path: Path, sheet: str) -> None:
    """Refuse a cell address or row number that is not of Excel's shape (letters, then a
    row number without leading zeros); the range of well-shaped ones is checked at the end."""
    bad = _BAD_ANY.search(data) or _BAD_ROW.search(data)
    if bad is not None:
        raise outside_grid(path, sheet, bad.group(1).decode("utf-8", "replace"))


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


def _last_cell(data: bytes) -> tuple[tuple[int, int], tuple[int, int], int]:
    """(smallest row, smallest column) and (largest row, largest column), 1-based, of the
    cells with content in a chunk whose cell tags all begin `<c r="`: what _CELL finds, read
    with numpy instead of a regex ((0, 0) for none). The third number is the offset of the
    first address not of Excel's shape (1-3 capital letters, a row number of 1-7 digits without
    a leading zero), or -1."""
    size = len(data)
    text = np.frombuffer(data + bytes(24), dtype=np.uint8)
    starts = np.flatnonzero(text[:size] == _CELL_START[0])
    for k in range(1, len(_CELL_START)):
        starts = starts[text[starts + k] == _CELL_START[k]]
    if not len(starts):
        return (0, 0), (0, 0), -1
    window = text[starts[:, None] + np.arange(6, 19)]
    is_letter = (window[:, :4] >= ord("A")) & (window[:, :4] <= ord("Z"))
    n_letters = np.cumprod(is_letter, axis=1).sum(axis=1)
    picks = np.arange(len(starts))
    row = np.zeros(len(starts), dtype=np.int64)
    n_digits = np.zeros(len(starts), dtype=np.int64)
    going = np.ones(len(starts), dtype=bool)
    for k in range(8):  # a row number has at most 7 digits: an eighth is refused
        byte = window[picks, n_letters + k]
        digit = going & (byte >= ord("0")) & (byte <= ord("9"))
        row = np.where(digit, row * 10 + byte - ord("0"), row)
        n_digits += digit
        going = digit
    first = window[picks, n_letters]
    after = window[picks, n_letters + n_digits]
    shaped = (
        (n_letters >= 1)
        & (n_letters <= 3)
        & (n_digits >= 1)
        & (n_digits <= 7)
        & (first != ord("0"))
        & (after == ord('"'))
    )
    if not shaped.all():
        return (0, 0), (0, 0), int(starts[np.argmin(shaped)])
    # the tag ends at the next '>': a '/' before it is an empty (styled) cell
    ends = np.flatnonzero(text[:size] == ord(">"))
    content = text[ends[np.searchsorted(ends, starts)] - 1] != ord("/")
    if not content.any():
        return (0, 0), (0, 0), -1
    window, n_letters, row = window[content], n_letters[content], row[content]
    col = np.zeros(len(window), dtype=np.int64)
    for k in range(3):
        more = n_letters > k
        col[more] = col[more] * 26 + window[more, k] - ord("A") + 1
    return (int(row.min()), int(col.min())), (int(row.max()), int(col.max())), -1


def _collect_errors(data: bytes, errors: dict[tuple[int, int], str]) -> None:
    for m in _ERROR_CELL.finditer(data):
        address = _ADDRESS.search(m.group(1))
        value = _VALUE.search(m.group(2))
        if address and value and len(errors) < 10_000:
            row, col = int(address.group(2)) - 1, column_index(address.group(1))
            errors[(row, col)] = value.group(1).decode("utf-8", "replace")
