"""Where each value of a long table was read, without a string per value.

A ratings history of a million rows x 9 columns would need nine million address strings (about a
gigabyte, and seconds to make). A `CellMap` keeps the sheet row of each table row and the letters
of each column instead, and spells an address only when a finding or a report asks for it. Tables
read from ordinary sheets and from exports keep their places as strings (a DataFrame); a map
stacks both kinds when the workbook's ratings and the exports' are checked together.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@functools.lru_cache(maxsize=16384)
def column_letters(index: int) -> str:
    """Excel's letters of a 0-based column: 0 -> A, 25 -> Z, 26 -> AA (the one spelling of
    column letters in the package)."""
    letters = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """The 0-based column of Excel's letters: A -> 0, AA -> 26 (upper case, as in cell XML)."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n - 1


@dataclass(frozen=True)
class SheetRows:
    """Places on one long sheet: the 1-based sheet row of each table row, and each column's
    letters ("" for a column the sheet does not have)."""

    rows: np.ndarray
    letters: Mapping[str, str]

    def __len__(self) -> int:
        return len(self.rows)

    def at(self, position: int, column: str) -> str:
        letters = self.letters.get(column, "")
        return f"{letters}{self.rows[position]}" if letters else ""

    def column(self, column: str) -> np.ndarray:
        letters = self.letters.get(column, "")
        if not letters:
            return np.full(len(self.rows), "", dtype=object)
        return letters + self.rows.astype(str).astype(object)  # type: ignore[no-any-return]


Part = SheetRows | pd.DataFrame  # a DataFrame part holds places as strings, positionally


class CellMap:
    """The places of a table's values, row by position and column by name, stacked from parts
    (one per sheet or export the rows came from, in row order)."""

    def __init__(self, columns: Sequence[str], parts: Sequence[Part]) -> None:
        self.columns = pd.Index(list(columns))
        self.parts = [p.reset_index(drop=True) if isinstance(p, pd.DataFrame) else p for p in parts]
        self.offsets = np.cumsum([0, *(len(p) for p in self.parts)])
        self._starts = self.offsets.tolist()  # bisect on a list: `at` is called per value

    def __len__(self) -> int:
        return int(self.offsets[-1])

    @classmethod
    def stack(cls, columns: Sequence[str], maps: Sequence[CellMap | pd.DataFrame]) -> CellMap:
        parts: list[Part] = []
        for item in maps:
            parts += item.parts if isinstance(item, CellMap) else [item]
        return cls(columns, parts)

    def at(self, position: int, column: str) -> str:
        """The place of one value ("" where the column was absent)."""
        k = bisect.bisect_right(self._starts, position) - 1
        part, local = self.parts[k], position - self._starts[k]
        if isinstance(part, SheetRows):
            return part.at(local, column)
        if column not in part.columns:
            return ""
        value = part[column].iat[local]
        return value if isinstance(value, str) else ""

    def row(self, position: int) -> list[str]:
        return [self.at(position, c) for c in self.columns]

    def column(self, column: str) -> np.ndarray:
        """The places of one column, spelled out (one string per row)."""
        pieces = []
        for part in self.parts:
            if isinstance(part, SheetRows):
                pieces.append(part.column(column))
            elif column in part.columns:
                values = part[column].to_numpy(dtype=object)
                pieces.append(np.where(pd.isna(values), "", values).astype(object))
            else:
                pieces.append(np.full(len(part), "", dtype=object))
        if not pieces:
            return np.empty(0, dtype=object)
        return np.concatenate(pieces)

    def frame(self, index: pd.Index) -> pd.DataFrame:
        """Every place spelled out, as a DataFrame on `index` (for small tables and tests)."""
        return pd.DataFrame({c: self.column(c) for c in self.columns}, index=index, dtype=object)
