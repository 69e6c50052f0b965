"""Cell grids: every sheet's non-blank values, each at its own row and column.

Values come from python-calamine, which is fast, but which allocates the whole rectangle from
A1 to the farthest cell and aborts the process when that does not fit. So each sheet's XML is
scanned first (streamed, bounded): a sheet holding more than MAX_CELLS values is refused; a
sheet whose few values are spread over a huge rectangle (a stray value at XFD1048576) is read
sparsely with openpyxl instead. A declared dimension (`<dimension ref="A1:XFD1048576"/>`) is
ignored: only real cells count.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
import zipfile
from collections.abc import Collection, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import python_calamine

from ladder_sheets.cellmap import column_letters
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.model import GENERATED_SHEETS
from ladder_sheets.values import is_blank, of_type, value_types
from ladder_sheets.workbook.columnar import ArrowSheet, ColumnarReader, arrow_columns, plain
from ladder_sheets.workbook.extent import (
    LONG_SHEET_CELLS,
    MAX_CELLS,
    SheetExtent,
    cell_budget,
    report_sheets,
    sheet_parts,
)
from ladder_sheets.workbook.loading import LoadedSheet, calamine_sheet, load_sheets
from ladder_sheets.workbook.safe import SAVE_AS_XLSX, check_package, damaged_sheet, open_xlsx

MAX_AREA = 4_000_000  # rectangle calamine may always allocate (about 32 bytes a cell)
# Past MAX_AREA, calamine still reads a sheet whose rectangle is mostly filled (a long Ratings
# History) up to MAX_DENSE_AREA; only a really sparse one goes to openpyxl, which is slow.
SPARSE_RATIO = 20
MAX_DENSE_AREA = 20_000_000
MAX_MERGE_SPAN = 500  # rows or columns of one merged range that carry its value


def a1(row: int, col: int) -> str:
    """A1 address of a 0-based row and column."""
    return f"{column_letters(col)}{row + 1}"


@dataclass
class Grid:
    """One sheet's non-blank values by 0-based (row, column), and its merged ranges
    (first row, first column, last row, last column; inclusive, 0-based)."""

    sheet: str
    values: dict[tuple[int, int], Any]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    _rows: dict[int, list[tuple[int, Any]]] | None = field(default=None, repr=False, compare=False)
    _anchors: dict[tuple[int, int], tuple[int, int]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def n_rows(self) -> int:
        return max((r for r, _ in self.values), default=-1) + 1

    @property
    def n_cols(self) -> int:
        return max((c for _, c in self.values), default=-1) + 1

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def row(self, row: int, width: int | None = None) -> list[Any]:
        width = self.n_cols if width is None else width
        return [self.values.get((row, c)) for c in range(width)]

    def row_cells(self, row: int) -> Iterator[tuple[int, Any]]:
        """(column, value) of the non-blank cells of a row, left to right."""
        return iter(self._by_row().get(row, []))

    def rows_present(self) -> list[int]:
        """The rows that hold at least one value, top to bottom."""
        return sorted(self._by_row())

    def _by_row(self) -> dict[int, list[tuple[int, Any]]]:
        if self._rows is None:
            rows: dict[int, list[tuple[int, Any]]] = {}
            for (r, c), v in sorted(self.values.items()):
                rows.setdefault(r, []).append((c, v))
            self._rows = rows
        return self._rows

    def merged_value(self, row: int, col: int) -> Any:
        """The value of a cell, or of the top-left cell of the merged range it lies in."""
        value = self.values.get((row, col))
        if value is not None or not self.merged:
            return value
        anchor = self._covered().get((row, col))
        return self.values.get(anchor) if anchor else None

    def anchor(self, row: int, col: int) -> str:
        """A1 address of the cell that holds the value shown at (row, col)."""
        if (row, col) in self.values or not self.merged:
            return a1(row, col)
        r, c = self._covered().get((row, col), (row, col))
        return a1(r, c)

    def _covered(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Cell -> top-left cell of its merged range (ranges bigger than a header are clipped:
        a merge over a whole column must not fill memory)."""
        if self._anchors is None:
            anchors: dict[tuple[int, int], tuple[int, int]] = {}
            for r0, c0, r1, c1 in self.merged:
                for r in range(r0, min(r1, r0 + MAX_MERGE_SPAN) + 1):
                    for c in range(c0, min(c1, c0 + MAX_MERGE_SPAN) + 1):
                        anchors[(r, c)] = (r0, c0)
                if len(anchors) > MAX_CELLS:
                    break
            self._anchors = anchors
        return self._anchors

    def is_blank(self) -> bool:
        return not self.values


class LongGrid(Grid):
    """A long table's sheet (Ratings History, Promotion Evidence) kept column by column: one
    object array per column, a value or None per row from row 0. Reading a million rows this
    way costs no per-cell dict; `values` is built only if something asks for it."""

    def __init__(
        self, sheet: str, columns: list[np.ndarray], words: list[Words] | None = None
    ) -> None:
        self.sheet = sheet
        self.columns = columns
        # per column, its texts as codes into distinct values (the reader cleans each once)
        self.words = words if words is not None else [Words.of(col) for col in columns]
        self.merged: list[tuple[int, int, int, int]] = []
        self._rows = None
        self._anchors = None
        self._dict: dict[tuple[int, int], Any] | None = None
        self._present: list[int] | None = None

    @property
    def values(self) -> dict[tuple[int, int], Any]:  # type: ignore[override]
        if self._dict is None:
            self._dict = {
                (int(r), c): col[r]
                for c, col in enumerate(self.columns)
                for r in np.flatnonzero(filled(col))
            }
        return self._dict

    @property
    def n_rows(self) -> int:
        present = self.rows_present()
        return present[-1] + 1 if present else 0

    @property
    def n_cols(self) -> int:
        used = [c for c, col in enumerate(self.columns) if filled(col).any()]
        return used[-1] + 1 if used else 0

    def get(self, row: int, col: int) -> Any:
        if 0 <= col < len(self.columns) and 0 <= row < len(self.columns[col]):
            return self.columns[col][row]
        return None

    def row(self, row: int, width: int | None = None) -> list[Any]:
        width = self.n_cols if width is None else width
        return [self.get(row, c) for c in range(width)]

    def row_cells(self, row: int) -> Iterator[tuple[int, Any]]:
        cells = ((c, self.get(row, c)) for c in range(len(self.columns)))
        return ((c, v) for c, v in cells if v is not None)

    def rows_present(self) -> list[int]:
        if self._present is None:
            any_value = np.zeros(len(self.columns[0]) if self.columns else 0, dtype=bool)
            for col in self.columns:
                any_value |= filled(col)
            self._present = np.flatnonzero(any_value).tolist()
        return self._present

    def merged_value(self, row: int, col: int) -> Any:
        return self.get(row, col)

    def anchor(self, row: int, col: int) -> str:
        return a1(row, col)

    def is_blank(self) -> bool:
        return not self.rows_present()


def read_grids(
    path: Path,
    *,
    checked: bool = False,
    skip_reports: bool = False,
    skip: Collection[str] = (),
) -> dict[str, Grid]:
    """Every worksheet of the workbook as a Grid, in workbook order (chart sheets and macro
    sheets have no grid and are left out). With `skip_reports`, the tool's own report sheets
    (extent.report_sheets) are empty grids: never sized, never parsed, so a Gap Analysis of any
    size never stops the next read; so are the sheets in `skip` (the history cache holds
    them). Raises UnreadableFile for what cannot be read."""
    names, grids, rest = _open_grids(Path(path), checked, skip_reports, skip)
    grids.update(rest)
    return {s: grids[s] for s in names if s in grids}


class GridsAhead(MutableMapping[str, Grid]):
    """read_grids' grids while they are being read, in a thread: the sheets' names at once
    (workbook order), each sheet's grid as soon as it is read, so that the caller reads the
    first sheets' tables while the parsers (which leave the GIL) read a long history on the
    second core. `grids[sheet]` waits for that sheet, or raises the reading's error when it
    stopped before it; `finish()` waits for every sheet and raises that error, if any."""

    def __init__(self, names: list[str], grids: dict[str, Grid], rest: Iterator[Any]) -> None:
        self._names = names
        self._grids = grids
        self._changed = threading.Condition()
        self._done = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._read, args=(rest,), name="grids-ahead", daemon=True
        )
        self._thread.start()

    def _read(self, rest: Iterator[tuple[str, Grid]]) -> None:
        try:
            for sheet, grid in rest:
                with self._changed:
                    self._grids[sheet] = grid
                    self._changed.notify_all()
        except BaseException as exc:  # given to the caller, in its thread
            self._error = exc
        finally:
            with self._changed:
                self._done = True
                self._changed.notify_all()

    def __getitem__(self, sheet: str) -> Grid:
        if sheet not in self._names:
            raise KeyError(sheet)
        with self._changed:
            self._changed.wait_for(lambda: sheet in self._grids or self._done)
            if sheet in self._grids:
                return self._grids[sheet]
        if self._error is None:
            raise KeyError(sheet)
        raise self._error  # the reading stopped at or before this sheet

    def __setitem__(self, sheet: str, grid: Grid) -> None:
        with self._changed:
            if sheet not in self._names:
                self._names.append(sheet)
            self._grids[sheet] = grid
            self._changed.notify_all()

    def __delitem__(self, sheet: str) -> None:
        raise TypeError("the sheets of a workbook being read are not deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def finish(self) -> None:
        """Wait for every sheet; raise the reading's error (UnreadableFile), if any."""
        self._thread.join()
        if self._error is not None:
            raise self._error


def read_grids_ahead(
    path: Path, *, checked: bool = False, skip_reports: bool = False, skip: Collection[str] = ()
) -> GridsAhead:
    """read_grids, the sheets read in a thread while the caller works on those already read
    (GridsAhead). Opening the workbook raises UnreadableFile here; a sheet's error is raised
    where that sheet (or a later one) is asked for, and by finish()."""
    names, grids, rest = _open_grids(Path(path), checked, skip_reports, skip)
    return GridsAhead(names, grids, rest)


def _open_grids(
    path: Path, checked: bool, skip_reports: bool, skip: Collection[str]
) -> tuple[list[str], dict[str, Grid], Iterator[tuple[str, Grid]]]:
    """The workbook's worksheets in order, the grids known without reading (the reports and
    `skip`: empty), and the reading of the others, sheet by sheet (the sparse ones last)."""
    if not checked:
        check_package(path)
    name = str(path)
    parts = sheet_parts(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        metadata = {m.name: m for m in book.sheets_metadata}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions
        raise UnreadableFile(
            f"the workbook could not be read ({exc})",
            file=name,
            hint=f"the file may be damaged; {SAVE_AS_XLSX} and try again",
        ) from None
    grids: dict[str, Grid] = {}
    worksheets = [
        sheet
        for sheet in book.sheet_names
        if metadata.get(sheet) is None or "WorkSheet" in str(metadata[sheet].typ)
    ]
    names = list(worksheets)
    if skip_reports:
        reports = report_sheets(path, GENERATED_SHEETS)
        grids.update({sheet: Grid(sheet, {}, []) for sheet in worksheets if sheet in reports})
        worksheets = [sheet for sheet in worksheets if sheet not in reports]
    if skip:  # history cache: the caller has these sheets' reading already
        grids.update({sheet: Grid(sheet, {}, []) for sheet in worksheets if sheet in skip})
        worksheets = [sheet for sheet in worksheets if sheet not in skip]
    return names, grids, _read_sheets(path, book, parts, worksheets)


def _read_sheets(
    path: Path, book: Any, parts: dict[str, str], worksheets: list[str]
) -> Iterator[tuple[str, Grid]]:
    # the long sheets, parsed ahead in a child process while they are scanned (when long
    # enough): their XML's size decides
    long = [sheet for sheet in worksheets if sheet in parts and _is_long(sheet)]
    try:
        with zipfile.ZipFile(path) as zf:
            ahead = [(sheet, zf.getinfo(parts[sheet]).file_size) for sheet in long]
    except (KeyError, OSError, zipfile.BadZipFile):  # the readers report it in their words
        ahead = []
    fast = ColumnarReader(path, ahead)
    try:
        yield from _read_loaded(path, book, parts, worksheets, fast)
    finally:
        fast.close()


def _is_long(sheet: str) -> bool:
    return cell_budget(sheet) == LONG_SHEET_CELLS


def _read_loaded(
    path: Path, book: Any, parts: dict[str, str], worksheets: list[str], fast: ColumnarReader
) -> Iterator[tuple[str, Grid]]:
    name = str(path)
    sparse: list[str] = []

    def columnar(sheet: str, extent: SheetExtent) -> ArrowSheet | None:
        return fast.load(sheet, extent) if _is_long(sheet) else None

    for loaded in load_sheets(path, book, parts, worksheets, _sparse, columnar):
        sheet, extent = loaded.sheet, loaded.extent
        if loaded.arrow is not None:
            long_grid = _arrow_grid(sheet, loaded.arrow, extent)
            if long_grid is not None:
                yield sheet, long_grid
                continue
            # fastexcel's reading might differ from calamine's: calamine reads the sheet
            loaded = LoadedSheet(sheet, extent, calamine_sheet(path, book, sheet))
        cal = loaded.parsed
        if cal is None:  # unsized or too wide: not given to calamine
            sparse.append(sheet)
            continue
        try:
            rows = cal.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in cal.merged_cell_ranges or []]
            del cal, loaded  # calamine's copy of the sheet, not kept while it is converted
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # calamine's Rust panics are BaseExceptions
            raise damaged_sheet(name, sheet, exc) from None
        if cell_budget(sheet) == LONG_SHEET_CELLS and not merged and rows:
            long_grid = _long_grid(sheet, rows, extent.errors)
            if long_grid is not None:
                yield sheet, long_grid
                continue
        values = {
            (r, c): _plain(v)
            for r, row in enumerate(rows)
            for c, v in enumerate(row)
            if v != "" and v is not None  # calamine gives "" for an empty cell
        }
        values.update(extent.errors)
        yield sheet, Grid(sheet, values, merged)
    if sparse:
        yield from _read_sparse(path, sparse).items()


def filled(col: np.ndarray) -> np.ndarray:
    """Which entries of an object column hold a value (not None): each entry's object address
    against None's, the one None there is (values.distinct_objects reads addresses so too),
    instead of a Python comparison per entry."""
    return np.frombuffer(np.ascontiguousarray(col, dtype=object), dtype=np.intp) != id(None)


@dataclass
class Words:
    """The texts of a column as codes into its distinct texts (-1 for an entry that is not
    text): a million rows repeat a few thousand IDs, names and cycles."""

    codes: np.ndarray
    uniques: np.ndarray

    @classmethod
    def of(cls, col: np.ndarray) -> Words:
        texts = of_type(value_types(col), str)
        codes = np.full(len(col), -1, dtype=np.int64)
        found, uniques = pd.factorize(col[texts])
        codes[texts] = found
        return cls(codes, np.asarray(uniques, dtype=object))

    def add(self, row: int, text: str) -> None:
        self.codes[row] = len(self.uniques)
        self.uniques = np.append(self.uniques, np.array([text], dtype=object))


def _arrow_grid(sheet: str, arrow: ArrowSheet, extent: SheetExtent) -> LongGrid | None:
    """fastexcel's columns as the LongGrid _long_grid makes of calamine's rows; None where
    they might differ (columnar.arrow_columns) or an error cell lies outside them."""
    found = arrow_columns(arrow, extent)
    if found is None:
        return None
    height, width = len(found[0][0]) if found else 0, len(found)
    if any(r >= height or c >= width for r, c in extent.errors):
        return None
    columns = [values for values, _, _ in found]
    words = [Words(codes, uniques) for _, codes, uniques in found]
    for (r, c), error_text in extent.errors.items():
        columns[c][r] = error_text
        words[c].add(r, error_text)
    return LongGrid(sheet, columns, words)


def _long_grid(
    sheet: str, rows: list[list[Any]], errors: dict[tuple[int, int], str]
) -> LongGrid | None:
    """Calamine's rows as plain columns (None for blank, whole numbers as int, repeated text
    as one object); None when the rows are ragged or an error cell lies outside them."""
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        return None
    if any(r >= len(rows) or c >= width for r, c in errors):
        return None
    block = np.empty((len(rows), width), dtype=object)
    block[:] = rows
    rows.clear()  # the caller's rows: a million small lists freed now, not after the sheet
    columns, words = [], []
    for c in range(width):
        col, found = _plain_column(block[:, c].copy())
        columns.append(col)
        words.append(found)
        block[:, c] = None  # the values calamine made, freed column by column
    del block
    for (r, c), error_text in errors.items():
        columns[c][r] = error_text
        words[c].add(r, error_text)
    return LongGrid(sheet, columns, words)


def _plain_column(col: np.ndarray) -> tuple[np.ndarray, Words]:
    """_plain over a whole column, vectorised by type, with the column's texts as Words."""
    types = value_types(col)
    floats = of_type(types, float)
    if floats.any():
        # one object per distinct number, as for texts below
        codes, distinct = pd.factorize(col[floats].astype(float), use_na_sentinel=False)
        col[floats] = np.array([_plain(float(x)) for x in distinct], dtype=object)[codes]
    texts = of_type(types, str)
    words = Words(np.full(len(col), -1, dtype=np.int64), np.empty(0, dtype=object))
    if texts.any():
        col[texts & (col == "")] = None  # calamine gives "" for an empty cell
        texts &= filled(col)
        # one object per distinct text: a million rows repeat a few hundred values
        codes, uniques = pd.factorize(col[texts])
        words = Words(words.codes, np.asarray(uniques, dtype=object))
        words.codes[texts] = codes
        col[texts] = words.uniques[codes]
    for kind in (dt.datetime, dt.date):
        dates = of_type(types, kind)
        if dates.any():
            codes, uniques = pd.factorize(col[dates])
            col[dates] = np.asarray(uniques, dtype=object)[codes]
    times = of_type(types, dt.time)
    for i in np.flatnonzero(times):
        col[i] = col[i].isoformat()
    return col, words


def _sparse(extent: SheetExtent) -> bool:
    """Too big a rectangle for calamine: few values spread wide, or past MAX_DENSE_AREA."""
    if extent.area <= MAX_AREA:
        return False
    return extent.cells * SPARSE_RATIO < extent.area or extent.area > MAX_DENSE_AREA


_plain = plain


def _read_sparse(path: Path, sheets: list[str]) -> dict[str, Grid]:
    """Sheets whose few values span a huge rectangle: openpyxl keeps cells in a dict."""
    wb = open_xlsx(path, data_only=True)
    grids: dict[str, Grid] = {}
    try:
        for sheet in sheets:
            ws = wb[sheet]
            values: dict[tuple[int, int], Any] = {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for (r, c), cell in ws._cells.items():
                    if not is_blank(cell.value):
                        values[(r - 1, c - 1)] = _plain(cell.value)
            merged = [
                (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                for m in ws.merged_cells.ranges
            ]
            grids[sheet] = Grid(sheet, values, merged)
    finally:
        wb.close()
    return grids
