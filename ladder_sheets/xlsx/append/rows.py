"""The cells of appended history rows, as the history writer would write them.

Numbers as numbers, dates as serials in the workbook's date system, strings inline (so the
workbook's sharedStrings.xml is untouched), each column with the style index given.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import _datetime_to_excel_datetime
from xlsxwriter.worksheet import _preserve_whitespace  # what xlsxwriter decides, not a guess
from xlsxwriter.xmlwriter import XMLwriter

from ladder_sheets.cellmap import column_letters
from ladder_sheets.sheets.table import (
    MAX_TEXT,
    Column,
    as_datetime,
    as_flag,
    as_number,
    as_text,
    is_missing,
)
from ladder_sheets.xlsx.xmltext import escape_text


def rows_xml(
    rows: pd.DataFrame,
    columns: Sequence[Column],
    styles: Sequence[int],
    first_row: int,
    date1904: bool,
    written: WrittenCells | None = None,
) -> bytes:
    """`rows` as <row> elements from `first_row`, each value as the history writer writes it."""
    return b"".join(rows_xml_pieces(rows, columns, styles, first_row, date1904, written))


# rows encoded at a time: a cycle of 10,000 people is 240,000 rows, and holding a string per
# cell of all of them at once raised merge's peak memory by hundreds of MB
_BLOCK = 4096


def rows_xml_pieces(
    rows: pd.DataFrame,
    columns: Sequence[Column],
    styles: Sequence[int],
    first_row: int,
    date1904: bool,
    written: WrittenCells | None = None,
) -> Iterator[bytes]:
    """rows_xml, a block of whole <row> elements at a time (joined, the same bytes); each
    cell's body and the bytes yielded also told to `written`."""
    values = [
        rows[column.key].tolist() if column.key in rows.columns else [None] * len(rows)
        for column in columns
    ]
    letters = [column_letters(index) for index in range(len(columns))]
    # A history repeats its values (cycles, competencies, sources): each is encoded once.
    encoded: list[dict[Any, str]] = [{} for _ in columns]
    for start in range(0, len(rows), _BLOCK):
        numbers = range(first_row + start, first_row + min(start + _BLOCK, len(rows)))
        per_column = []
        for index, column in enumerate(columns):
            letter, bodies, cells, seen = letters[index], encoded[index], [], []
            for n, value in zip(numbers, values[index][start : start + _BLOCK], strict=True):
                try:
                    body = bodies[value]
                except KeyError:
                    body = bodies[value] = _cell_body(styles[index], value, column.kind, date1904)
                except TypeError:  # unhashable
                    body = _cell_body(styles[index], value, column.kind, date1904)
                cells.append(f'<c r="{letter}{n}"{body}' if body else "")
                seen.append(body)
            per_column.append(cells)
            if written is not None:
                written.add(index, seen)
        block = "".join(
            f'<row r="{n}">' + "".join(cells) + "</row>"
            for n, cells in zip(numbers, zip(*per_column, strict=True), strict=True)
        ).encode("utf-8")
        if written is not None:
            written.wrote(block)
        yield block


class WrittenCells:
    """The cells rows_xml_pieces wrote, column by column: each column's distinct cell bodies
    (what follows 'r="A7"': the style, type and value; "" for no cell) and each row's body
    as a code into them, with the CRC-32 and length of the XML written.

    A cell's reading depends on its body alone (with the workbook's styles), not on its row
    or its neighbours: history_extend reads each distinct body once and gives every row the
    reading of its body, instead of reading the whole cycle's XML back (it is identified by
    the XML's CRC-32, length and first row, so only the rows written are ever read so)."""

    def __init__(self, columns: int, first_row: int) -> None:
        self.first_row = first_row
        self.bodies: list[dict[str, int]] = [{} for _ in range(columns)]
        self._codes: list[list[np.ndarray]] = [[] for _ in range(columns)]
        self.crc = self.length = 0

    def add(self, index: int, bodies: list[str]) -> None:
        codes, uniques = pd.factorize(np.array(bodies, dtype=object))
        known = self.bodies[index]
        to = np.array([known.setdefault(body, len(known)) for body in uniques], dtype=np.int32)
        self._codes[index].append(to[codes])

    def wrote(self, block: bytes) -> None:
        self.crc = zlib.crc32(block, self.crc)
        self.length += len(block)

    def codes(self, index: int) -> np.ndarray:
        """Each row's body in column `index`, as an index into `bodies[index]`."""
        parts = self._codes[index]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)

    @property
    def rows(self) -> int:
        return len(self.codes(0)) if self._codes else 0


# The cells of the last rows appended in this process (one append at a time: merge writes,
# then extends the history cache from them; history_extend takes them)
_last: list[WrittenCells] = []


def remember(written: WrittenCells) -> None:
    _last[:] = [written]


def written_cells(rows: bytes, first_row: int) -> WrittenCells | None:
    """The cells of `rows` (<row> elements from `first_row`) as rows_xml_pieces wrote them,
    if they are the last rows appended in this process (the same bytes: CRC-32 and length);
    forgotten once asked for."""
    if not _last:
        return None
    written = _last.pop()
    if (written.first_row, written.length) != (first_row, len(rows)):
        return None
    if written.crc != zlib.crc32(rows):
        return None
    return written


def _cell_body(style: int, value: Any, kind: str, date1904: bool) -> str:
    """A cell's XML after its reference: `' s="4"><v>3</v></c>'`; "" for no cell."""
    typed = cell_value(value, kind, date1904)
    if typed is None:
        return ""
    if isinstance(typed, float):
        return f' s="{style}"><v>{typed:.16G}</v></c>'
    text = XMLwriter._escape_control_characters(typed)
    space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    text = escape_text(text)
    return f' s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def cell_value(value: Any, kind: str, date1904: bool) -> float | str | None:
    """What `merge_sheets.write_value` would write for `value`: a number (dates as serials),
    a text, or nothing."""
    cls = value.__class__
    if value is None or (cls is float and value != value):
        return None
    if cls is str and kind in ("text", "value", "number", "list") and len(value) <= MAX_TEXT:
        return value or None
    if cls is float and kind in ("number", "value"):
        return value
    if kind in ("number", "value"):
        number = as_number(value)
        if number is not None:
            return number
        return (as_text(value) or None) if not is_missing(value) else None
    if kind in ("date", "datetime"):
        when = as_datetime(value)
        if when is not None:
            return float(_datetime_to_excel_datetime(when, date1904, False))
    text = as_flag(value) if kind == "flag" else as_text(value)
    return text or None
