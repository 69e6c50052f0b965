"""Which header cell holds which concept: every candidate scored on its header words
(vocabulary.py) and on the values below it, the best assignment taken, doubts kept.

A concept whose best candidate explains less than WEAK of its header is taken with a doubt
("weak"); one whose second candidate is within CLOSE of the best is not taken ("close"): a
message names both cells and the mapping line that settles it. Values break a tie when one
candidate's values fit the concept and the other's do not (dates for a date in level, level
codes for a level, 1-5 numbers for a minimum average).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.values import clean_text, normalize_header, parse_bool, parse_date, parse_number
from ladder_sheets.workbook import vocabulary
from ladder_sheets.workbook.grid import Grid, a1
from ladder_sheets.workbook.status import status_of

INSPECT_HINT = "`ladder-sheets inspect WORKBOOK` shows how every column was read"
MIN_SCORE = 0.5  # a header the concept explains less than half of is no candidate
WEAK = 0.75  # below this the best candidate is taken with a doubt
CLOSE = 0.05  # a second candidate this close to the best: not taken, a message
SAMPLE = 60  # values read below a header to check them


@dataclass
class Candidate:
    column: int
    header: str
    score: float  # header words, adjusted by the values
    words: tuple[str, ...]
    fit: float | None = None  # share of the sampled values that fit the concept
    values: int = 0

    def evidence(self) -> str:
        said = f"header '{self.header}'"
        if self.words:
            said += " (" + ", ".join(repr(w) for w in self.words) + ")"
        if self.fit is not None and self.values:
            said += f"; {round(self.fit * self.values)}/{self.values} values fit"
        return said


@dataclass
class Doubt:
    """A concept that was not taken (close) or taken uncertainly (weak)."""

    concept: str
    kind: str  # "close" or "weak"
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class Recognised:
    columns: dict[str, int] = field(default_factory=dict)
    chosen: dict[str, Candidate] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)
    combined: dict[str, list[int]] = field(default_factory=dict)  # name <- first, last

    @property
    def total(self) -> float:
        return sum(c.score for c in self.chosen.values()) + len(self.combined)


def recognise(
    grid: Grid,
    table: str,
    row: int,
    cells: dict[int, str],
    codes: dict[str, str] | None,
    skip: set[str],
    taken: set[int],
) -> Recognised:
    """Assign the header cells `cells` (not in `taken`) of `row` to the table's concepts (not
    in `skip`, which a mapping settled)."""
    out = Recognised()
    by_concept: dict[str, list[Candidate]] = {}
    for c, text in cells.items():
        if c in taken:
            continue
        for concept in vocabulary.CONCEPTS[table]:
            if concept in skip:
                continue
            s = vocabulary.score(table, concept, text)
            if s.score >= MIN_SCORE:
                cand = Candidate(c, text, s.score + s.head * 1e-3, s.words)
                by_concept.setdefault(concept, []).append(cand)
    # values only where they can change the outcome: a header that is not already certain
    for concept, cands in by_concept.items():
        for cand in cands:
            if cand.score < 1.0 or len(cands) > 1:
                _check_values(grid, table, concept, row, cand, codes)
        # of two columns alike, a blank one (a column added and never filled) is not a rival
        blank = [c for c in cands if len(cands) > 1 and not _has_values(grid, row, c.column)]
        if blank and len(blank) < len(cands):
            for cand in blank:
                cand.score -= 2 * CLOSE
    pairs = sorted(
        ((cand.score, concept, cand) for concept, cands in by_concept.items() for cand in cands),
        key=lambda p: p[0],
        reverse=True,
    )
    used: set[int] = set()
    for _, concept, cand in pairs:
        if concept in out.columns or concept in {d.concept for d in out.doubts}:
            continue
        if cand.column in used:
            continue
        rivals = [
            r
            for r in by_concept[concept]
            if r is not cand and r.column not in used and r.score >= cand.score - CLOSE
        ]
        if rivals:
            out.doubts.append(Doubt(concept, "close", [cand, *rivals]))
            continue
        out.columns[concept] = cand.column
        out.chosen[concept] = cand
        used.add(cand.column)
        if cand.score < WEAK:
            out.doubts.append(Doubt(concept, "weak", [cand]))
    # "First Name" + "Last Name" read together when no header names the whole name
    for (tbl, concept), parts in vocabulary.COMBINED.items():
        if tbl != table or concept in out.columns or concept in skip:
            continue
        free = {c: vocabulary.words(t) for c, t in cells.items() if c not in used}
        found = [next((c for c, ws in free.items() if ws == [p]), None) for p in parts]
        if all(f is not None for f in found):
            out.combined[concept] = [f for f in found if f is not None]
            out.doubts = [d for d in out.doubts if d.concept != concept]
    return out


# --- values ---------------------------------------------------------------------------------

_LEVELS = {"level", "from_level", "to_level"}
_RATINGS = {"min_average", "min_each", "expected", "rating"}
_COUNTS = {"min_quarters", "cycles_at_next", "order", "band_min", "band_max"}
_DATES = {"in_level_since", "imported_at", "left_on"}
_FLAGS = {"requires_endorsement", "requires_calibration", "scope_met", "endorsed", "calibrated"}
_TRACK_WORDS = {"ic", "individual contributor", "management", "manager", "people leader", "mgmt"}


def _check_values(
    grid: Grid, table: str, concept: str, row: int, cand: Candidate, codes: dict[str, str] | None
) -> None:
    values = []
    for r in grid.rows_present():
        if r <= row:
            continue
        v = grid.get(r, cand.column)
        if v is not None and clean_text(v):
            values.append(v)
            if len(values) >= SAMPLE:
                break
    test = _test(concept, codes, cand.header)
    if test is None or len(values) < 2:
        return
    cand.values = len(values)
    cand.fit = sum(1 for v in values if _safe(test, v)) / len(values)
    if cand.fit < 0.3:
        cand.score *= 0.6  # the header says it, the values say otherwise
    elif cand.fit >= 0.8:
        cand.score += 0.02


def _has_values(grid: Grid, row: int, column: int, rows: int = 500) -> bool:
    """Whether the column holds anything in the first `rows` rows below its header."""
    below = (r for r in grid.rows_present() if r > row)
    return any(clean_text(grid.get(r, column)) for r, _ in zip(below, range(rows), strict=False))


def _safe(test: Any, value: Any) -> bool:
    try:
        return bool(test(value))
    except (ValueError, TypeError, OverflowError):
        return False


def _test(concept: str, codes: dict[str, str] | None, header: str = "") -> Any:
    if concept in _LEVELS:
        if codes:
            return lambda v: normalize_header(v) in codes
        return None
    if concept in _RATINGS:
        return lambda v: (n := parse_number(v)) is not None and 0 <= n <= 10
    if concept in _COUNTS:
        return lambda v: (n := parse_number(v)) is not None and n >= 0
    if concept in _DATES:
        return lambda v: isinstance(v, dt.date) or parse_date(v) is not None
    if concept in _FLAGS:
        return lambda v: parse_bool(v) is not None
    if concept == "email":
        return lambda v: "@" in str(v)
    if concept == "track":
        return lambda v: normalize_header(v) in _TRACK_WORDS
    if concept == "status":  # "Active"/"Terminated", not "Full-Time" (an HR system's other one)
        return lambda v: status_of(str(v), header) is not None
    if concept == "name":
        return lambda v: isinstance(v, str) and any(ch.isalpha() for ch in v) and "@" not in v
    return None


def describe(doubt: Doubt, sheet: str, row: int) -> str:
    """The candidates of a doubt as a person reads them: 'Level' (B3) or 'Grade' (D3)."""
    return " or ".join(
        f"'{c.header}' ({sheet}!{a1(row, c.column)}, score {min(c.score, 1.0):.2f})"
        for c in doubt.candidates
    )
