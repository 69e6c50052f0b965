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
from ladder_sheets.workbook.safe import damaged_sheet

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
_CHUNK = 1 << 20
_CELL_START = np.frombuffer(b'<c r="', dtype=np.uint8)


@dataclass
class SheetExtent:
    cells: int = 0
    max_row: int = -1
    max_col: int = -1
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

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
                if tags and data.count(b'<c r="') == tags:  # how writers write: r= first
                    last_row, last_col = _last_cell(data)
                    extent.max_row = max(extent.max_row, last_row - 1)
                    widest = max(widest, last_col)
                else:
                    found = _CELL.findall(data)
                    if found:
                        cols, numbers = zip(*found, strict=True)
                        letters.update(cols)
                        extent.max_row = max(extent.max_row, max(map(int, numbers)) - 1)
                    # the slow search only when some cell tags carry no r="..." address
                    addresses = data.count(b' r="') - data.count(b"<row")
                    unaddressed = len(_UNADDRESSED.findall(data)) if tags > addresses else 0
                    if unaddressed:  # placed by position: bound the extent by counting
                        rows_seen += data.count(b"<row")
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
    return extent


def _last_cell(data: bytes) -> tuple[int, int]:
    """(largest row, largest column), 1-based, of the cells with content in a chunk whose
    cell tags all begin `<c r="`: what _CELL finds, read with numpy instead of a regex."""
    size = len(data)
    text = np.frombuffer(data + bytes(16), dtype=np.uint8)
    starts = np.flatnonzero(text[:size] == _CELL_START[0])
    for k in range(1, len(_CELL_START)):
        starts = starts[text[starts + k] == _CELL_START[k]]
    # the tag ends at the next '>': a '/' before it is an empty (styled) cell
    ends = np.flatnonzero(text[:size] == ord(">"))
    starts = starts[text[ends[np.searchsorted(ends, starts)] - 1] != ord("/")]
    if not len(starts):
        return 0, 0
    window = text[starts[:, None] + np.arange(6, 16)].astype(np.int64)
    is_letter = (window[:, :3] >= ord("A")) & (window[:, :3] <= ord("Z"))
    n_letters = np.cumprod(is_letter, axis=1).sum(axis=1)
    col = np.zeros(len(starts), dtype=np.int64)
    for k in range(3):
        more = n_letters > k
        col[more] = col[more] * 26 + window[more, k] - ord("A") + 1
    row = np.zeros(len(starts), dtype=np.int64)
    going = n_letters > 0
    picks = np.arange(len(starts))
    for k in range(7):  # a row number has at most 7 digits
        byte = window[picks, np.minimum(n_letters + k, 9)]
        digit = going & (byte >= ord("0")) & (byte <= ord("9"))
        row = np.where(digit, row * 10 + byte - ord("0"), row)
        going = digit
    placed = row > 0  # _CELL needs letters and digits
    if not placed.any():
        return 0, 0
    return int(row[placed].max()), int(col[placed].max())


def _collect_errors(data: bytes, errors: dict[tuple[int, int], str]) -> None:
    for m in _ERROR_CELL.finditer(data):
        address = _ADDRESS.search(m.group(1))
        value = _VALUE.search(m.group(2))
        if address and value and len(errors) < 10_000:
            row, col = int(address.group(2)) - 1, column_index(address.group(1))
            errors[(row, col)] = value.group(1).decode("utf-8", "replace")
