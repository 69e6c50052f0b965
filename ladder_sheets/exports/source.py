"""An export file as rows of values, each row with the line or row number it came from.

CSV is parsed with the csv module, not pandas: every field stays the text it was ("NA",
"N/A", "None" and "007" included), quoted fields may hold delimiters and line breaks, and the
physical line where each record starts is known. XLSX goes through `workbook.grid`, which
checks the package first (encrypted, corrupt, hostile) and reads values with python-calamine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.cellmap import column_letters
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.exports import sniff
from ladder_sheets.findings import Finding, Where, warning

# The csv module's default field limit (128 KiB) is below a long pasted comment.
csv.field_size_limit(16 << 20)


@dataclass
class Rows:
    """One CSV file or worksheet: its rows (values as read) and where each row is."""

    file: str
    rows: list[list[Any]]
    numbers: list[int]  # 1-based physical line (CSV) or row number (XLSX) of each row
    sheet: str | None = None  # None for a CSV

    def cell(self, row: int, col: int, header: str) -> str:
        """The place of one value as Table.cells holds it: 'LINE:Header' or an A1 address."""
        if self.sheet is None:
            return f"{self.numbers[row]}:{header}"
        return f"{column_letters(col)}{self.numbers[row]}"

    def where(self, row: int, col: int | None = None, header: str | None = None) -> Where:
        if self.sheet is None:
            return Where(file=self.file, line=self.numbers[row], column=header)
        cell = f"{column_letters(col or 0)}{self.numbers[row]}"
        return Where(file=self.file, sheet=self.sheet, cell=cell)


@dataclass
class Source:
    """Everything read from the file before any column is interpreted."""

    sheets: list[Rows]
    encoding: str | None = None
    delimiter: str | None = None
    findings: list[Finding] = field(default_factory=list)


def load(path: Path) -> Source:
    """Read an export file (CSV/TSV/TXT or an Excel workbook, judged by content)."""
    data = sniff.read_bytes(path)
    if sniff.kind_of(data[:8]) == "xlsx" or path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return _load_workbook(path)
    return _load_csv(path, data)


def _load_csv(path: Path, data: bytes) -> Source:
    name = str(path)
    text, encoding = sniff.decode(data, name)
    del data
    lines = sniff.count_lines(text)
    if lines > sniff.MAX_LINES:
        raise sniff.too_many_lines(name, f"{lines:,}")
    delimiter = sniff.sniff_delimiter(text)
    rows, numbers = _records(text, delimiter, name)
    _bound_cells(rows, numbers, name)
    source = Source([Rows(name, rows, numbers)], encoding=encoding, delimiter=delimiter)
    if sniff.looks_mojibake(text):
        source.findings.append(
            warning(
                "export-mojibake",
                "the text holds sequences like 'Ã©' where accented letters belong: it was "
                "converted between encodings before it reached this file",
                "export the file again as CSV UTF-8 and check names such as 'José'",
                Where(file=name),
            )
        )
    return source


def _records(text: str, delimiter: str, name: str) -> tuple[list[list[Any]], list[int]]:
    """The CSV's records and the physical line where each starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[list[Any]] = list(_bounded(reader, name))
        if reader.line_num == len(rows):  # no record spans two lines: record n is line n
            return rows, list(range(1, len(rows) + 1))
    except csv.Error:
        pass  # read again record by record, to say on which line it fails
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in _bounded(reader, name):
            rows.append(record)
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(
            f"line {start}: the CSV cannot be parsed ({exc})", file=name, hint=sniff.SAVE_AS_CSV
        ) from None
    return rows, numbers


def _bounded(reader: Any, name: str) -> Iterator[list[str]]:
    """The records, none wider than MAX_FIELDS: trailing empty fields (a header followed by a
    million commas) are dropped, and a record with more fields than that is refused, before
    every row is padded to the header's width."""
    for record in reader:
        if len(record) > sniff.MAX_FIELDS:
            while record and not record[-1].strip():
                record.pop()
            if len(record) > sniff.MAX_FIELDS:
                raise UnreadableFile(
                    f"line {reader.line_num}: the record has {len(record):,} fields; an "
                    f"export has at most {sniff.MAX_FIELDS:,} columns (Excel's width)",
                    file=name,
                    hint="the file is damaged or not a ratings export; " + sniff.SAVE_AS_CSV,
                )
        yield record


def _bound_cells(rows: list[list[Any]], numbers: list[int], name: str) -> None:
    """Rows are later padded to the header's width: rows x widest must stay bounded. Over
    the budget, trailing empty fields are dropped from every row (a header with a thousand
    extra commas above a hundred thousand blank lines); still over it, the file is refused."""
    if len(rows) * max(map(len, rows), default=0) <= sniff.MAX_CELLS:
        return
    for record in rows:
        while record and not str(record[-1]).strip():
            record.pop()
    widest = max(range(len(rows)), key=lambda i: len(rows[i]), default=0)
    if rows and len(rows) * len(rows[widest]) > sniff.MAX_CELLS:
        raise UnreadableFile(
            f"line {numbers[widest]}: {len(rows[widest]):,} fields, and {len(rows):,} "
            f"records of that width would be more than {sniff.MAX_CELLS:,} values",
            file=name,
            hint="the file is damaged or not a ratings export; " + sniff.SAVE_AS_CSV,
        )


def _load_workbook(path: Path) -> Source:
    from ladder_sheets.workbook.grid import (
        read_grids,  # checks the package (encrypted, hostile) first
    )

    grids = read_grids(path)
    sheets = []
    for grid in grids.values():
        width = grid.n_cols
        present = grid.rows_present()
        rows = [[_blank(v) for v in grid.row(r, width)] for r in present]
        sheets.append(Rows(str(path), rows, [r + 1 for r in present], sheet=grid.sheet))
    if not sheets:
        raise UnreadableFile(
            "the workbook has no worksheet", file=str(path), hint=sniff.SAVE_AS_CSV
        )
    return Source(sheets)


def _blank(value: Any) -> Any:
    return "" if value is None else value
