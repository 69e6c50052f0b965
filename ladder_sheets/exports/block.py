"""The data rows of an export held column by column, each column's values interpreted once per
distinct value (an export repeats a few thousand IDs, names, cycles and labels over a hundred
thousand rows)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.exports.source import Rows
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text as _clean_text
from ladder_sheets.values import map_distinct

_SLOW_TEXT = re.compile(r"_x|\s\s|[\n\r\t\u00a0]")


def clean_text(value: Any) -> str | None:
    """values.clean_text, with a fast path for the plain strings most cells hold."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return _clean_text(text) if _SLOW_TEXT.search(text) else text
    return _clean_text(value)


def comment_text(value: Any) -> str | None:
    """A comment as written: line breaks kept (a person wrote them), ends trimmed."""
    if clean_text(value) is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def distinct(values: np.ndarray, func: Callable[[Any], Any]) -> np.ndarray:
    """func of every value, called once per distinct value (func raises no ValueError)."""
    return map_distinct(values, func)[0]


class Block:
    """Rows `start..` of `rows` as one object array per header column (short rows padded with
    ""), with the cleaned text, presence and place of each column computed on first use."""

    def __init__(self, rows: Rows, start: int, headers: list[str]) -> None:
        self.rows = rows
        self.headers = headers
        self.width = width = len(headers)
        data = rows.rows[start:]
        self.start = start
        self.n = len(data)
        self.numbers = rows.numbers[start:]
        # one rectangular object array (short rows padded, long ones cut), then its columns
        lengths = np.fromiter(map(len, data), dtype=np.intp, count=self.n)
        fitted = data
        for j in np.flatnonzero(lengths != width).tolist():
            fitted[j] = (data[j] + [""] * width)[:width]  # `data` is our own copy of the list
        grid = np.empty((self.n, width), dtype=object)
        if self.n and width:
            grid[:] = fitted
        self.raw = [grid[:, c].copy() for c in range(width)]
        del grid, fitted
        # cells past the header's width count only for telling blank rows
        self.wider = np.flatnonzero(lengths > width).tolist()
        self._factors: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._clean: dict[int, np.ndarray] = {}
        self._comments: dict[int, np.ndarray] = {}
        self._lines: np.ndarray | None = None

    def factors(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        """The column's distinct values (1, 1.0 and True apart) and each row's code."""
        if col not in self._factors:
            uniques: list[Any] = []

            def register(value: Any) -> int:
                uniques.append(value)
                return len(uniques) - 1

            codes = map_distinct(self.raw[col], register)[0].astype(np.intp)
            distinct_values = np.empty(len(uniques), dtype=object)
            distinct_values[:] = uniques
            self._factors[col] = (codes, distinct_values)
        return self._factors[col]

    def map(self, col: int, func: Callable[[Any], Any], at: np.ndarray | None = None) -> np.ndarray:
        """func of the column's value in rows `at` (all rows by default), called once per
        distinct value."""
        codes, uniques = self.factors(col)
        results = np.empty(len(uniques), dtype=object)
        results[:] = [func(value) for value in uniques]
        return results[codes if at is None else codes[at]]

    def map_checked(
        self, col: int, func: Callable[[Any], Any], at: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like map, with whether func raised ValueError (the result is then None)."""
        codes, uniques = self.factors(col)
        results = np.empty(len(uniques), dtype=object)
        failed = np.zeros(len(uniques), dtype=bool)
        for n, value in enumerate(uniques):
            try:
                results[n] = func(value)
            except ValueError:
                failed[n] = True
        return results[codes[at]], failed[codes[at]]

    def clean(self, col: int) -> np.ndarray:
        if col not in self._clean:
            self._clean[col] = self.map(col, clean_text)
        return self._clean[col]

    def present(self, col: int) -> np.ndarray:
        """Whether each row has content in the column (clean_text never returns "")."""
        return self.clean(col).astype(bool)

    def comments(self, col: int) -> np.ndarray:
        if col not in self._comments:
            self._comments[col] = self.map(col, comment_text)
        return self._comments[col]

    def places(self, col: int, at: np.ndarray) -> np.ndarray:
        """The place of the column's value in rows `at`, as Rows.cell writes it."""
        if self._lines is None:
            self._lines = np.empty(self.n, dtype=object)
            self._lines[:] = [str(n) for n in self.numbers]
        lines = self._lines[at]
        if self.rows.sheet is None:
            return lines + f":{self.headers[col]}"  # type: ignore[no-any-return]
        return column_letters(col) + lines  # type: ignore[no-any-return]

    def nonblank(self, first: Sequence[int] = ()) -> np.ndarray:
        """Rows with content in any cell. The columns `first` are read whole (they are needed
        anyway); the others only in rows still blank, which usually leaves none to read."""
        out = np.zeros(self.n, dtype=bool)
        for col in first:
            out |= self.present(col)
        for col in range(self.width):
            rest = np.flatnonzero(~out)
            if not len(rest):
                return out
            if col not in first:
                out[rest] = distinct(self.raw[col][rest], clean_text).astype(bool)
        data = self.rows.rows
        for j in self.wider:
            if not out[j]:
                out[j] = any(clean_text(v) for v in data[self.start + j][self.width :])
        return out

    def header_again(self) -> np.ndarray:
        """Rows repeating the header (paged exports), which are skipped."""
        out = np.zeros(self.n, dtype=bool)
        if not self.width:
            return out
        if self.headers[0]:
            candidates = np.flatnonzero(self.clean(0) == self.headers[0])
        else:
            candidates = np.flatnonzero(~self.present(0))
        for j in candidates.tolist():
            cells = [clean_text(self.raw[c][j]) or "" for c in range(self.width)]
            out[j] = cells == self.headers
        return out

    def table(self, name: str, data: dict[str, np.ndarray], cells: dict[str, np.ndarray]) -> Table:
        """A canonical table of these rows: columns of values and of places, in table order."""
        n = len(next(iter(data.values())))
        sheets = np.empty(n, dtype=object)
        sheets[:] = self.rows.sheet
        return Table(
            name,
            pd.DataFrame(data, dtype=object, copy=False),
            pd.DataFrame(cells, dtype=object, copy=False),
            pd.Series(sheets, dtype=object, copy=False),
            self.rows.file,
        )
