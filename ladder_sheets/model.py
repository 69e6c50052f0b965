"""The framework model: canonical tables whose every value keeps its source cell.

A `Table` is a pandas DataFrame with canonical snake_case columns plus a parallel DataFrame of
A1 addresses (same index, same columns), so any value, and any pandera failure case, maps back to
the cell a person can click. Wide sheets (Matrix, Behaviors) are stored long: one row per
competency x level, each with the address of its own cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import CellMap, column_letters
from ladder_sheets.findings import Finding, Where
from ladder_sheets.scale import SCALE, SCALE_POINTS, SCALE_TEXT  # noqa: F401 (re-exported)
from ladder_sheets.values import clean_text

# Canonical tables: name -> (sheet name in the template, [(column, header in the template)]).
# The order of columns is the template's order. Aliases live in workbook/aliases.py.
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "levels": (
        "Levels",
        [
            ("family", "Job Family"),
            ("track", "Track"),
            ("level", "Level"),
            ("title", "Title"),
            ("order", "Order"),
            ("scope", "Scope"),
            ("min_quarters", "Min Quarters In Level"),
            ("band_min", "Band Min"),
            ("band_max", "Band Max"),
        ],
    ),
    "competencies": (
        "Competencies",
        [
            ("competency", "Competency"),
            ("category", "Category"),
            ("family", "Job Family"),
            ("definition", "Definition"),
        ],
    ),
    # Long form of the Matrix sheet(s): one row per competency x level cell.
    "expectations": (
        "Matrix",
        [
            ("family", "Job Family"),
            ("competency", "Competency"),
            ("level", "Level"),
            ("expected", "Expected"),
        ],
    ),
    # Long form of the Behaviors sheet(s).
    "behaviors": (
        "Behaviors",
        [
            ("family", "Job Family"),
            ("competency", "Competency"),
            ("level", "Level"),
            ("behavior", "Behavior"),
        ],
    ),
    "criteria": (
        "Promotion Criteria",
        [
            ("family", "Job Family"),
            ("from_level", "From Level"),
            ("to_level", "To Level"),
            ("min_average", "Min Average"),
            ("min_each", "Min Each"),
            ("cycles_at_next", "Cycles At Next Level"),
            ("min_quarters", "Min Quarters In Level"),
            ("scope_criteria", "Scope Criteria"),
            ("requires_endorsement", "Requires Endorsement"),
            ("requires_calibration", "Requires Calibration"),
        ],
    ),
    "paths": (
        "Paths",
        [
            ("kind", "Kind"),
            ("from_family", "From Family"),
            ("from_level", "From Level"),
            ("to_family", "To Family"),
            ("to_level", "To Level"),
            ("transferable_skills", "Transferable Skills"),
            ("gaps_to_close", "Gaps To Close"),
            ("requirements", "Requirements"),
        ],
    ),
    "employees": (
        "Employees",
        [
            ("employee_id", "Employee ID"),
            ("name", "Name"),
            ("email", "Email"),
            ("manager_id", "Manager ID"),
            ("family", "Job Family"),
            ("track", "Track"),
            ("level", "Level"),
            ("in_level_since", "In Level Since"),
            # Who left: passed over by the analysis, their history kept (workbook/status.py)
            ("status", "Status"),
            ("left_on", "Leaving Date"),
        ],
    ),
    "history": (
        "Ratings History",
        [
            ("cycle", "Cycle"),
            ("employee_id", "Employee ID"),
            ("competency", "Competency"),
            ("rating", "Rating"),
            ("rater_type", "Rater Type"),
            ("reviewer", "Reviewer"),
            ("evidence", "Evidence"),
            ("source", "Source"),
            ("imported_at", "Imported At"),
        ],
    ),
    # Promotion evidence per employee and cycle (scope met, endorsement, calibration).
    "evidence": (
        "Promotion Evidence",
        [
            ("cycle", "Cycle"),
            ("employee_id", "Employee ID"),
            ("scope_met", "Scope Criteria Met"),
            ("endorsed", "Manager Endorsement"),
            ("calibrated", "Calibration Confirmed"),
            ("note", "Note"),
            ("source", "Source"),
        ],
    ),
}

# Tables a framework workbook must have; the others are optional.
REQUIRED_TABLES = ("levels", "competencies", "expectations")

TRACKS = ("IC", "Management")
CATEGORIES = ("Core", "Functional")
PATH_KINDS = ("Crossover", "Return", "Lateral")
# Only the manager rating counts for readiness; the others are shown beside it. Peer, upward
# and additional-manager ratings are 360 context: several per person, told apart by reviewer.
MANAGER = "manager"
RATER_TYPES = (MANAGER, "self", "peer", "upward", "additional manager")
CONTEXT_RATERS = ("peer", "upward", "additional manager")

# The sheets the tool generates (replaced on every run, never edited by the reader).
GENERATED_SHEETS = ("Gap Analysis", "Promotion Readiness")


def rater_type_or_manager(value: Any) -> str:
    """The one rule for a blank rater type: the rating is the manager's (exports without the
    column, rows left blank). Any other value comes back trimmed and in lower case."""
    text = clean_text(value)
    return text.lower() if text else MANAGER


def manager_rows(rater_types: pd.Series | np.ndarray) -> np.ndarray:
    """True where a rating is the manager's, by `rater_type_or_manager` (decided once per
    distinct value: a history repeats a few rater types a million times)."""
    codes, distinct = pd.factorize(pd.Series(rater_types, dtype=object), use_na_sentinel=True)
    ours = [rater_type_or_manager(v) == MANAGER for v in distinct]
    return np.array([*ours, True], dtype=bool)[codes]  # the sentinel -1: blank, the manager's


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table][1]]


def headers(table: str) -> dict[str, str]:
    return dict(TABLES[table][1])


@dataclass
class Table:
    """Canonical columns of one table, with the A1 address of every value.

    `data` holds values as read (or coerced by the schema); `cells` has the same index and
    columns and holds each value's A1 address ("" where the column was absent). `sheets` holds
    the sheet of each row (a table may be assembled from several sheets, e.g. one Matrix per
    family); `file` is the workbook or export it came from. For CSV exports `cells` holds
    "line:column" positions and `sheets` is None.

    Tables read from long sheets (Ratings History) keep their places as a `CellMap` in
    `places`, spelled out only where asked: `cell(index, column)` and `cell_column(column)`
    do not build the whole `cells` frame; reading `cells` does (and keeps it).
    """

    name: str
    data: pd.DataFrame
    places: pd.DataFrame | CellMap
    sheets: pd.Series
    file: str = ""

    @property
    def cells(self) -> pd.DataFrame:
        if isinstance(self.places, CellMap):
            self.places = self.places.frame(self.data.index)
        return self.places

    @property
    def cell_columns(self) -> pd.Index:
        return self.places.columns

    def cell(self, index: Any, column: str) -> str:
        """The place of one value ("" where its column was absent)."""
        if isinstance(self.places, CellMap):
            return self.places.at(self._position(index), column)
        value = self.places.at[index, column]
        return value if isinstance(value, str) else ""

    def _position(self, index: Any) -> int:
        at = self.data.index.get_loc(index)
        if isinstance(at, int):
            return at
        return int(np.flatnonzero(self.data.index == index)[0])  # a repeated label: its first

    def cell_column(self, column: str) -> list[str]:
        """The places of one column, row by row."""
        if isinstance(self.places, CellMap):
            return self.places.column(column).tolist()  # type: ignore[no-any-return]
        return self.places[column].tolist()

    def aligned_places(self) -> pd.DataFrame | CellMap:
        """The places positionally aligned with `data` (for stacking tables)."""
        if isinstance(self.places, CellMap):
            return self.places
        return self.places.reindex(self.data.index).reset_index(drop=True)

    @classmethod
    def empty(cls, name: str, file: str = "") -> Table:
        cols = columns(name)
        return cls(
            name=name,
            data=pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}),
            places=pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}),
            sheets=pd.Series([], dtype=object),
            file=file,
        )

    @classmethod
    def from_records(
        cls,
        name: str,
        records: list[dict[str, Any]],
        *,
        sheet: str | None = None,
        file: str = "",
        first_row: int = 2,
    ) -> Table:
        """Build a table from plain rows (tests, generated data): cells are laid out as the
        template would place them, header on row first_row-1."""
        cols = columns(name)
        data = pd.DataFrame([{c: r.get(c) for c in cols} for r in records], columns=cols)
        data = data.astype(object)
        cells = pd.DataFrame(
            [
                {c: f"{column_letters(j)}{first_row + i}" for j, c in enumerate(cols)}
                for i in range(len(records))
            ],
            columns=cols,
        )
        sheet = sheet if sheet is not None else TABLES[name][0]
        return cls(name, data, cells, pd.Series([sheet] * len(records), dtype=object), file)

    def __len__(self) -> int:
        return len(self.data)

    @property
    def present(self) -> bool:
        return len(self.data) > 0

    def where(self, index: Any, column: str | None = None) -> Where:
        """The place of a row (its first cell) or of one value."""
        sheet = self.sheets.get(index) if len(self.sheets) else None
        cell = None
        if column is not None and column in self.cell_columns and index in self.data.index:
            cell = self.cell(index, column) or None
        if cell is None and index in self.data.index:
            if isinstance(self.places, CellMap):
                row = [c for c in self.places.row(self._position(index)) if c]
            else:
                row = [c for c in self.places.loc[index].tolist() if c]
            cell = row[0] if row else None
        if sheet is None and cell and ":" in str(cell):
            line, _, col = str(cell).partition(":")
            return Where(file=self.file, line=int(line), column=col or column)
        return Where(
            file=self.file,
            sheet=None if sheet is None else str(sheet),
            cell=None if cell is None else str(cell),
        )


def stacked_places(name: str, tables: Sequence[Table]) -> pd.DataFrame | CellMap:
    """The places of tables stacked in row order, positionally aligned with their data
    concatenated: a CellMap as soon as one of them keeps its places as one."""
    if any(isinstance(t.places, CellMap) for t in tables):
        return CellMap.stack(columns(name), [t.aligned_places() for t in tables])
    frames = [t.cells.reindex(t.data.index).reset_index(drop=True) for t in tables]
    return pd.concat(frames, ignore_index=True).fillna("")


@dataclass
class Framework:
    """Every table of a framework workbook, plus what the reader noticed on the way."""

    path: Path
    tables: dict[str, Table]
    findings: list[Finding] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    # table name -> sheet names it was read from (for messages and the annotated copy)
    sources: dict[str, list[str]] = field(default_factory=dict)
    # The framework recorded for each review cycle (the Framework Versions sheet), if any: a
    # versions.FrameworkVersions, typed loosely because versions.py builds on this module.
    versions: Any = None
    # The history's reading from the cache beside the workbook, or waiting to be saved there
    # (a workbook.history_cache.CachedHistory; see that module).
    history_cache: Any = None
    # The history store the workbook's earlier cycles were read from (store.attach.AttachedStore)
    # when the workbook has opted into one; None otherwise.
    store: Any = None
    # Per row of Employees, whether it marks someone who has left (workbook/status.py); None
    # where the sheet says nothing of it. The validated copy keeps only people employed.
    marked_left: Any = None
    # The people so marked, by ID (a schema.leavers.Leavers), in the validated copy.
    leavers: Any = None

    def table(self, name: str) -> Table:
        return self.tables.get(name) or Table.empty(name, str(self.path))

    def sheet(self, table: str) -> str:
        """The sheet a table is on, for messages and writes: the workbook's own name for it
        (the first sheet it was read from, e.g. "Ratings"), else the template's."""
        read = self.sources.get(table)
        return read[0] if read else TABLES[table][0]

    @property
    def levels(self) -> Table:
        return self.table("levels")

    @property
    def competencies(self) -> Table:
        return self.table("competencies")

    @property
    def expectations(self) -> Table:
        return self.table("expectations")

    @property
    def behaviors(self) -> Table:
        return self.table("behaviors")

    @property
    def criteria(self) -> Table:
        return self.table("criteria")

    @property
    def paths(self) -> Table:
        return self.table("paths")

    @property
    def employees(self) -> Table:
        return self.table("employees")

    @property
    def history(self) -> Table:
        return self.table("history")

    @property
    def evidence(self) -> Table:
        return self.table("evidence")


def sheet_ref(sheet: str, ref: str = "") -> str:
    """A reference to `sheet` as Excel writes it in formulas, sparklines, hyperlinks and
    defined names: the name in apostrophes, its own apostrophes doubled, then `!ref`
    ('Ana O''Brien'!I6:L6). Quoting is always allowed, so names with spaces, leading digits,
    non-Latin letters or a cell-like shape ("A1") need no rule of their own."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{ref}" if ref else quoted
