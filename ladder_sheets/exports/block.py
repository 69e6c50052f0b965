"""The data rows of an export held column by column, each column's values interpreted once per
distinct value (an export repeats a few thousand IDs, names, cycles and labels over a hundred
thousand rows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ..model import _col_letter
from ..values import clean_text as _clean_text
from ..values import map_distinct
from .source import Rows

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
        fitted = [r if len(r) == width else (r + [""] * (width - len(r)))[:width] for r in data]
        grid = np.empty((self.n, width), dtype=object)
        if self.n and width:
            grid[:] = fitted
        columns = [grid[:, c].copy() for c in range(width)]
        del grid, fitted
        self.raw = columns
        # cells past the header's width count only for telling blank rows
        self.wider = [j for j, r in enumerate(data) if len(r) > width]
        self._clean: dict[int, np.ndarray] = {}
        self._comments: dict[int, np.ndarray] = {}

    def clean(self, col: int) -> np.ndarray:
        if col not in self._clean:
            self._clean[col] = distinct(self.raw[col], clean_text)
        return self._clean[col]

    def present(self, col: int) -> np.ndarray:
        """Whether each row has content in the column (clean_text never returns "")."""
        return self.clean(col).astype(bool)

    def comments(self, col: int) -> np.ndarray:
        if col not in self._comments:
            self._comments[col] = distinct(self.raw[col], comment_text)
        return self._comments[col]

    def places(self, col: int, at: np.ndarray) -> np.ndarray:
        """The place of the column's value in rows `at`, as Rows.cell writes it."""
        numbers = self.numbers
        out = np.empty(len(at), dtype=object)
        if self.rows.sheet is None:
            header = self.headers[col]
            out[:] = [f"{numbers[j]}:{header}" for j in at.tolist()]
        else:
            letter = _col_letter(col + 1)
            out[:] = [f"{letter}{numbers[j]}" for j in at.tolist()]
        return out

    def nonblank(self) -> np.ndarray:
        """Rows with content in any cell."""
        out = np.zeros(self.n, dtype=bool)
        for col in range(self.width):
            out |= self.present(col)
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
        first = self.clean(0)
        if self.headers[0]:
            candidates = np.flatnonzero(first == self.headers[0])
        else:
            candidates = np.flatnonzero(~self.present(0))
        cleaned = [self.clean(c) for c in range(self.width)]
        for j in candidates.tolist():
            out[j] = [c[j] or "" for c in cleaned] == self.headers
        return out
