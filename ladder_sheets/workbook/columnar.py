"""Long sheets read straight into Arrow columns with fastexcel (calamine's parser in Rust).

A Ratings History of a million rows costs calamine's Python rows (one list and a float or
str object per cell) before it becomes columns; fastexcel gives each column typed, and a text
column comes out as codes into its distinct texts (Arrow's dictionary encoding), which is what
the reader keeps (`grid.Words`). The grid must be the one calamine gives, cell for cell, so
fastexcel serves a sheet only where that holds and calamine reads every other one:

- types are strict: a column that mixes numbers and text (or dates) makes fastexcel refuse,
  or (past the rows it judges the type by) report the cells it could not convert;
- the header row is the names fastexcel gives the columns: a blank header cell, a name that
  could be a number's, a date's or a truth value's text, or a name fastexcel made unique
  ("Rating_1") are not the cell's value, so such a sheet goes to calamine;
- fastexcel starts at the first value, calamine's rows at A1: the offset comes from the
  sheet's extent (extent.scan_extent), and is taken only when both agree on the rectangle;
- times of day and dates before March 1900 (where Excel's serials and calamine's types differ)
  go to calamine. One difference is left: fastexcel keeps milliseconds, so a date and time
  within half a millisecond of midnight (not exactly midnight) is read as the date.

The sheet must be sized and bounded (extent.scan_extent) before it is given to fastexcel in
this process: like calamine, it allocates the rectangle up to the farthest cell. A child
process may parse it sooner (parser_process): if that aborts, only the child dies.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ladder_sheets.workbook import parser_process
from ladder_sheets.workbook.extent import SheetExtent
from ladder_sheets.workbook.parser_process import Gone, Parsed, ParserProcess

# fastexcel says "could not determine dtype for column 6, falling back to string" for an
# empty column: a log line for a developer, never for the user of a command.
logging.getLogger("fastexcel").setLevel(logging.ERROR)

# A header name that another type's value would give (3, 3.5, 2024-01-02 00:00:00, true):
# the cell may not have been text, so the sheet goes to calamine.
_NOT_SURELY_TEXT = re.compile(r"[-+0-9.eE:\s]*|true|false|nan|inf|-inf", re.IGNORECASE)
_MADE_UNIQUE = re.compile(r"(.*)_\d+")
_EPOCH = dt.datetime(1970, 1, 1)
# Serials below 61 (1 March 1900) are times of day or Excel's invented 29 February 1900.
_FIRST_SURE_MS = int((dt.datetime(1900, 3, 1) - _EPOCH).total_seconds() * 1000)
_DAY_MS = 86_400_000


@dataclass
class ArrowSheet:
    """A sheet as fastexcel read it: the header row (first row with a value) as names, the
    rows below it as an Arrow table, and the first column's index."""

    names: list[tuple[str, str]]  # (name, how fastexcel found it: "looked_up" or "generated")
    first_col: int
    table: pa.RecordBatch


class ColumnarReader:
    """fastexcel's reader of one workbook, opened on first use. With `ahead` (the long sheets
    about to be loaded, in order) and enough of their XML, a child process parses them while
    their scans run (parser_process); a sheet's columns are still taken only once its scan
    has answered, as `load` is called with its extent."""

    def __init__(self, path: Path, ahead: Sequence[tuple[str, int]] = ()) -> None:
        self.path = path
        self._reader: Any = None
        self._child: ParserProcess | None = None
        xml_bytes = sum(size for _, size in ahead)
        if xml_bytes >= parser_process.MIN_XML_BYTES:
            try:
                self._child = ParserProcess(path, [sheet for sheet, _ in ahead], xml_bytes)
            except OSError:  # no process to be had: every sheet parsed here, after its scan
                self._child = None

    def load(self, sheet: str, extent: SheetExtent) -> ArrowSheet | None:
        """The sheet as Arrow columns, or None where fastexcel cannot serve (a column of mixed
        types, merged ranges, cells placed by position, anything fastexcel refuses): the caller
        reads it with calamine, which reports real damage in its own words."""
        if extent.min_row is None or extent.merged or extent.max_row <= extent.min_row:
            return None
        parsed: Parsed | None
        try:
            if self._child is None:
                raise Gone(sheet)
            parsed = self._child.take(sheet)
        except Gone:  # parsed here, now that its scan has answered
            parsed = self._parse(sheet)
        if parsed is None:
            return None
        # "strict" judges a column's type by its first rows only: a later value of another
        # type becomes null, and only this list says so. Error cells (#N/A) are the scan's.
        top = extent.min_row
        for row, col in parsed.failed:  # from the header row and the first column
            if (top + row, parsed.first_col + col) not in extent.errors:
                return None
        return ArrowSheet(parsed.names, parsed.first_col, parsed.table)

    def _parse(self, sheet: str) -> Parsed | None:
        try:
            if self._reader is None:
                import fastexcel

                self._reader = fastexcel.read_excel(str(self.path))
            loaded = self._reader.load_sheet(sheet, header_row=0, dtype_coercion="strict")
            names = [(c.name, c.column_name_from) for c in loaded.available_columns()]
            first_col = min((c.absolute_index for c in loaded.available_columns()), default=0)
            table, failed = loaded.to_arrow_with_errors()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # mixed types, or damage: calamine reads the sheet
            return None
        errors = [cell.position for cell in failed.errors] if failed is not None else []
        return Parsed(names, first_col, table, errors)

    def close(self) -> None:
        """Stop the child process, if any (the reading is done, or stopped)."""
        if self._child is not None:
            self._child.close()


def plain(value: Any) -> Any:
    """Calamine gives every number as float: whole numbers become int (3, not 3.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.time) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


Column = tuple[np.ndarray, np.ndarray, np.ndarray]  # values, text codes, distinct texts


def arrow_columns(sheet: ArrowSheet, extent: SheetExtent) -> list[Column] | None:
    """The sheet's columns from A1 as calamine's reading gives them (None for a blank,
    whole numbers as int, midnight as a date, one object per distinct value), each with its
    texts as codes into its distinct texts; None where they might differ."""
    top, table = extent.min_row, sheet.table
    if top is None:
        return None
    height = top + 1 + table.num_rows
    left = sheet.first_col
    width = left + table.num_columns
    if (height, width) != (extent.max_row + 1, extent.max_col + 1) or left != extent.min_col:
        return None  # not the rectangle the extent saw: fastexcel's offsets are not known
    header = _header(sheet.names)
    if header is None or any(r == top for r, _ in extent.errors):
        return None
    blank = np.full(height, None, dtype=object)
    out: list[Column] = [
        (blank.copy(), np.full(height, -1, dtype=np.int64), np.empty(0, dtype=object))
        for _ in range(left)
    ]
    for name, column in zip(header, table.columns, strict=True):
        body = _values(column)
        if body is None:
            return None
        values, codes, uniques = body
        col = blank.copy()
        col[top + 1 :] = values
        all_codes = np.full(height, -1, dtype=np.int64)
        all_codes[top + 1 :] = codes
        if name is not None:
            found = np.flatnonzero(uniques == name)
            if len(found):
                k = int(found[0])
            else:
                k = len(uniques)
                uniques = np.append(uniques, np.array([name], dtype=object))
            all_codes[top] = k
            col[top] = uniques[k]
        out.append((col, all_codes, uniques))
    return out


def _header(names: list[tuple[str, str]]) -> list[str | None] | None:
    """The header cells' values from fastexcel's column names, or None if they may differ."""
    given = {name for name, how in names if how == "looked_up"}
    header: list[str | None] = []
    for name, how in names:
        if how == "generated":
            header.append(None)
            continue
        made = _MADE_UNIQUE.fullmatch(name)
        if how != "looked_up" or _NOT_SURELY_TEXT.fullmatch(name) or (made and made[1] in given):
            return None
        header.append(name)
    return header


def _values(column: pa.Array | pa.ChunkedArray) -> Column | None:
    """One column below the header: values, text codes (-1 for no text) and distinct texts."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(array)
    kind = array.type
    no_text = (np.full(n, -1, dtype=np.int64), np.empty(0, dtype=object))
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_null(kind):
        return np.full(n, None, dtype=object), *no_text
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = array.dictionary_encode()
        uniques = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        empty = np.flatnonzero(uniques == "")
        if len(empty):  # calamine's "" is a blank cell
            k = int(empty[0])
            codes[codes == k] = -1
            codes[codes > k] -= 1
            uniques = np.delete(uniques, k)
        values = np.append(uniques, np.array([None], dtype=object))[codes]
        return values, codes, uniques
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        numbers = array.fill_null(0).to_numpy(zero_copy_only=False)
        found, distinct = pd.factorize(numbers[valid], use_na_sentinel=False)
        objects = np.array([plain(float(x)) for x in distinct], dtype=object)
        if pa.types.is_integer(kind):
            objects = np.array([int(x) for x in distinct], dtype=object)
        values = np.full(n, None, dtype=object)
        values[valid] = objects[found]
        return values, *no_text
    if pa.types.is_timestamp(kind) and kind.tz is None:
        ms = array.cast(pa.timestamp("ms")).cast(pa.int64()).fill_null(_FIRST_SURE_MS)
        stamps = ms.to_numpy(zero_copy_only=False)
        if stamps.min(initial=_FIRST_SURE_MS) < _FIRST_SURE_MS:
            return None
        found, distinct = pd.factorize(stamps[valid])
        objects = np.array([_stamp(int(x)) for x in distinct], dtype=object)
        values = np.full(n, None, dtype=object)
        values[valid] = objects[found]
        return values, *no_text
    if pa.types.is_boolean(kind):
        values = np.full(n, None, dtype=object)
        values[valid] = np.asarray(array.to_pylist(), dtype=object)[valid]
        return values, *no_text
    return None  # durations, dates from text, anything else: calamine's types


def _stamp(ms: int) -> dt.datetime | dt.date:
    """A timestamp as calamine gives it: a date at midnight, a datetime otherwise."""
    when = _EPOCH + dt.timedelta(milliseconds=ms)
    return when.date() if ms % _DAY_MS == 0 else when
