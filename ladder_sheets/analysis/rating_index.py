"""Ratings and promotion evidence indexed for lookups, each value with the place it came from.

Rows the validator would reject (no cycle, unreadable cycle, blank rating) are skipped here:
the check command reports them, the analysis treats them as missing. A blank Rater Type counts
as a manager rating (single-rater exports rarely say who rated). When a person has two ratings
of the same kind for one competency and cycle, the later row in the table wins, as `merge`
appends newer imports below older ones.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ladder_sheets.analysis.ladder import key, number
from ladder_sheets.cellmap import CellMap
from ladder_sheets.errors import OptionError
from ladder_sheets.model import Table, manager_rows
from ladder_sheets.values import (
    clean_text,
    cycle_from_index,
    cycle_index,
    is_blank,
    map_distinct,
    parse_cycle,
)


class Rating(NamedTuple):  # a tuple: histories hold 10^5 of them
    value: float
    row: int  # row position in the ratings table; RatingHistory.where() gives its place


def cycle_of(value: Any) -> str | None:
    try:
        return parse_cycle(value)
    except ValueError:
        return None


def _mapped(column: pd.Series, convert: Callable[[Any], Any]) -> np.ndarray:
    # Convert each distinct value once: a history holds few IDs and cycles, many rows.
    out, _ = map_distinct(column.to_numpy(dtype=object), convert)
    return out


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Build without cyclic garbage collection. Two tuples per rating on a heap that already
    holds the framework's millions of objects set off full collections that took longer than
    the building itself (a third of readiness_table at 2,000 people); none of it forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _ByCycle:
    """Ratings of one kind (manager, self) keyed by cycle, then (employee, competency): each
    cycle's dict is built the first time a rating of that cycle is asked for. The analysis
    reads the analysed cycle and, for a few people, the cycles just before it; building a
    dict for every rating of every cycle cost more than the analysis itself (2 tuples per
    rating, 1.8M ratings at 10,000 people x 8 cycles)."""

    def __init__(
        self,
        rows: dict[str, np.ndarray],
        emps: np.ndarray,
        comps: np.ndarray,
        values: np.ndarray,
    ) -> None:
        self._rows = rows  # cycle -> positions of its usable rows, in table order
        self._emps, self._comps, self._values = emps, comps, values
        self._built: dict[str, dict[tuple[str, str], Rating]] = {}

    def cycle(self, cycle: str) -> dict[tuple[str, str], Rating]:
        built = self._built.get(cycle)
        if built is None:
            rows = self._rows.get(cycle)
            built = {} if rows is None else self._index(rows)
            self._built[cycle] = built
        return built

    def _index(self, rows: np.ndarray) -> dict[tuple[str, str], Rating]:
        # dict() keeps the LAST row of a repeated key, as merge appends newer imports below
        keys = zip(self._emps[rows].tolist(), self._comps[rows].tolist(), strict=True)
        ratings = map(Rating, self._values[rows].tolist(), rows.tolist())
        with collector_paused():
            return dict(zip(keys, ratings, strict=True))

    @classmethod
    def empty(cls) -> _ByCycle:
        nothing = np.empty(0, dtype=object)
        return cls({}, nothing, nothing, np.empty(0, dtype=float))


def _by_cycle(rows: np.ndarray, cycles: np.ndarray) -> dict[str, np.ndarray]:
    """cycle -> the positions in `rows` of that cycle, in ascending order."""
    if not len(rows):
        return {}
    codes, uniques = pd.factorize(cycles[rows])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(c): rows[order[bounds[i] : bounds[i + 1]]] for i, c in enumerate(uniques.tolist())}


def _cycles_of(
    emp_codes: np.ndarray, cycle_codes: np.ndarray, emp_keys: Any, cycle_keys: Any
) -> dict[str, set[str]]:
    """Employee key -> the set of their cycles, from (employee, cycle) pairs in order of first
    appearance: employees in the order they first appear, each one's cycles added in the
    order of their pairs (the dict and sets built as one .add a pair would build them, one
    set a person rather than a Python step a pair)."""
    out: dict[str, set[str]] = {}
    if not len(emp_codes):
        return out
    order = np.argsort(emp_codes, kind="stable")
    bounds = np.searchsorted(emp_codes[order], np.arange(int(emp_codes.max()) + 2))
    cycles = np.asarray(cycle_keys, dtype=object)[cycle_codes[order]].tolist()
    people = np.asarray(emp_keys, dtype=object)
    # pd.factorize numbered the employees in order of first appearance: 0, 1, 2, ... is it
    for e in range(len(bounds) - 1):
        out[people[e]] = set(cycles[bounds[e] : bounds[e + 1]])
    return out


@dataclass
class RatingHistory:
    manager: _ByCycle = field(default_factory=_ByCycle.empty)
    self_rated: _ByCycle = field(default_factory=_ByCycle.empty)
    # employee key -> cycles in which the manager rated at least one competency
    manager_cycles: dict[str, set[str]] = field(default_factory=dict)
    table: Table | None = None
    _cells: list[Any] = field(default_factory=list)
    _cell_map: CellMap | None = None
    _sheets: list[Any] = field(default_factory=list)
    _order: list[int] | None = None  # cycle indices with a manager rating, ascending

    @classmethod
    def from_table(cls, ratings: Table | None) -> RatingHistory:
        history = cls(table=ratings)
        if ratings is None or not ratings.present:
            return history
        data = ratings.data
        if "rating" in ratings.cell_columns and len(ratings.sheets) == len(data):
            history._sheets = ratings.sheets.tolist()
            if isinstance(ratings.places, CellMap):
                history._cell_map = ratings.places  # spelled out per rating asked for
            else:
                history._cells = ratings.cell_column("rating")
        cycles = _mapped(data["cycle"], cycle_of)
        emps = _mapped(data["employee_id"], key)
        comps = _mapped(data["competency"], key)
        raters = _mapped(data["rater_type"], key)
        if pd.api.types.is_float_dtype(data["rating"]):
            values = data["rating"].to_numpy(dtype=float)
        else:
            values = _mapped(data["rating"], number).astype(float)
        # Rows the analysis can use, split by rater; dict() keeps the LAST row of a repeated key.
        usable = (
            np.not_equal(cycles, None)  # type: ignore[call-overload]
            & ~np.isnan(values)
            & (emps != "")
            & (comps != "")
        )
        manager = np.flatnonzero(usable & manager_rows(raters))
        own = np.flatnonzero(usable & (raters == "self"))
        history.manager = _ByCycle(_by_cycle(manager, cycles), emps, comps, values)
        history.self_rated = _ByCycle(_by_cycle(own, cycles), emps, comps, values)
        # each (employee, cycle) once, in order of first appearance, found by their numbers
        emp_codes, emp_keys = pd.factorize(emps[manager])
        cycle_codes, cycle_keys = pd.factorize(cycles[manager])
        pair = emp_codes.astype(np.int64) * max(len(cycle_keys), 1) + cycle_codes
        pairs, distinct = pd.factorize(pair)  # numbered in order of first appearance
        first = np.empty(len(distinct), dtype=np.int64)  # each pair's first row, ascending
        first[pairs[::-1]] = np.arange(len(pairs) - 1, -1, -1)
        history.manager_cycles = _cycles_of(
            emp_codes[first], cycle_codes[first], emp_keys, cycle_keys
        )
        return history

    def where(self, rating: Rating | None) -> str:
        """The rating's cell as "Sheet!A1" (or "file:line" for a CSV export); "" for none."""
        if rating is None or self.table is None:
            return ""
        if self._sheets:
            # The common case without Table.where's per-call pandas lookups (slow for 10^5 rows).
            sheet = self._sheets[rating.row]
            if self._cell_map is not None:
                cell = self._cell_map.at(rating.row, "rating")
            else:
                cell = self._cells[rating.row]
            if isinstance(sheet, str) and isinstance(cell, str) and cell:
                return f"{sheet}!{cell}"
        return str(self.table.where(self.table.data.index[rating.row], "rating"))

    def latest_cycle(self) -> str | None:
        """The latest cycle with any manager rating (self reviews often open first)."""
        cycles = set().union(*self.manager_cycles.values()) if self.manager_cycles else set()
        return max(cycles, key=cycle_index) if cycles else None

    def cycles(self) -> list[str]:
        """Every cycle with a manager rating, oldest first."""
        cycles = set().union(*self.manager_cycles.values()) if self.manager_cycles else set()
        return sorted(cycles, key=cycle_index)

    def previous_cycle(self, cycle: str) -> str | None:
        """The review cycle before `cycle` among those the organisation ran (a cycle with any
        manager rating): a company that reviews twice a year has consecutive cycles two
        quarters apart, and a quarter nobody was reviewed in is not a cycle."""
        if self._order is None:
            self._order = [cycle_index(c) for c in self.cycles()]
        at = bisect.bisect_left(self._order, cycle_index(cycle))
        return cycle_from_index(self._order[at - 1]) if at > 0 else None

    def rating(self, employee: str, cycle: str, competency: str) -> Rating | None:
        return self.manager.cycle(cycle).get((employee, competency))

    def self_rating(self, employee: str, cycle: str, competency: str) -> Rating | None:
        return self.self_rated.cycle(cycle).get((employee, competency))


FLAGS = ("scope_met", "endorsed", "calibrated")


@dataclass(frozen=True)
class Evidence:
    cycle: str
    scope_met: bool | None
    endorsed: bool | None
    calibrated: bool | None
    where: dict[str, str]  # column -> "Sheet!A1"


@dataclass
class EvidenceLog:
    # employee key -> records, oldest cycle first (table order within a cycle)
    records: dict[str, list[Evidence]] = field(default_factory=dict)

    @classmethod
    def from_table(cls, evidence: Table | None) -> EvidenceLog:
        log = cls()
        if evidence is None or not evidence.present:
            return log
        data = evidence.data
        places = {c: quick_places(evidence, c) for c in FLAGS}
        # each column's meaning once per distinct value: a log holds people x cycles rows
        nothing = np.full(len(data), None, dtype=object)
        cycles = _mapped(data["cycle"], cycle_of) if "cycle" in data else nothing
        emps = _mapped(data["employee_id"], key) if "employee_id" in data else nothing
        flags = {c: _mapped(data[c], flag) if c in data else nothing for c in FLAGS}
        for pos in range(len(data)):
            cycle, emp = cycles[pos], emps[pos]
            if cycle is None or not emp:
                continue
            where = {c: places[c][pos] or str(evidence.where(data.index[pos], c)) for c in FLAGS}
            scope, endorsed, calibrated = (flags[c][pos] for c in FLAGS)
            log.records.setdefault(emp, []).append(
                Evidence(cycle, scope, endorsed, calibrated, where=where)
            )
        for items in log.records.values():
            items.sort(key=lambda e: cycle_index(e.cycle))
        return log

    def window(self, employee: str, first: str | None, last: str) -> list[Evidence]:
        """Records from cycle `first` (None: from the start) to `last`, oldest first."""
        lo = cycle_index(first) if first else -1
        hi = cycle_index(last)
        return [e for e in self.records.get(employee, []) if lo <= cycle_index(e.cycle) <= hi]


def quick_places(table: Table, column: str) -> list[str | None]:
    """Each row's "Sheet!A1" for `column`, as str(table.where(index, column)) gives it, found
    without a pandas lookup per row; None where that takes Table.where's general reading (no
    sheet, no cell, a CSV line)."""
    data = table.data
    if (
        column not in table.cell_columns
        or len(table.sheets) != len(data)
        or not table.sheets.index.equals(data.index)
        or (isinstance(table.places, pd.DataFrame) and not table.places.index.equals(data.index))
    ):
        return [None] * len(data)
    return [
        f"{sheet}!{cell}" if isinstance(sheet, str) and isinstance(cell, str) and cell else None
        for sheet, cell in zip(table.sheets.tolist(), table.cell_column(column), strict=True)
    ]


def flag(value: Any) -> bool | None:
    # The validator types these as True/False/None; tolerate text it left alone.
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = (clean_text(value) or "").casefold()
    if text in {"yes", "y", "true", "1", "x"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    return None


def resolve_cycle(history: RatingHistory, cycle: Any, file: str = "") -> str | None:
    """The cycle to analyse: the one asked for (in any form parse_cycle reads), else the latest
    with manager ratings. Asking for a cycle nobody was rated in is an error, not a silent
    table of "Insufficient data"."""
    if is_blank(cycle):
        return history.latest_cycle()
    parsed = cycle_of(cycle)
    if parsed is None:
        raise OptionError(f"'{cycle}' is not a review cycle", hint="give the cycle as 2026-Q3")
    known = history.cycles()
    if known and parsed not in known:
        raise OptionError(
            f"no manager ratings for cycle {parsed}",
            file=file or None,
            hint=f"cycles with manager ratings: {', '.join(known)}",
        )
    return parsed
