"""Export rows to canonical tables: one history row per rating, one evidence row per
employee x cycle; every value with the place it came from.

Worked column by column: each column's values are read once per distinct value, and the
history rows come out in reading order (row by row, a row's ratings left to right)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.exports.block import Block, clean_text
from ladder_sheets.exports.columns import EVIDENCE_ROLES
from ladder_sheets.exports.cycles import read_cycle
from ladder_sheets.exports.evidence import evidence_table
from ladder_sheets.exports.labels import LabelScale
from ladder_sheets.exports.layout import Layout
from ladder_sheets.exports.notes import Notes
from ladder_sheets.exports.people import AMBIGUOUS, Key, People, ambiguous_names, id_reader
from ladder_sheets.exports.slots import PerRow, Slot, comments, read_slots, slot_cols
from ladder_sheets.findings import Finding, Severity, Where
from ladder_sheets.model import SCALE_TEXT, Table, columns

# Steps of reading one row, in the order findings about a row are listed.
ROW_WITHOUT_EMPLOYEE, CYCLE, RATING = 0, 1, 2


@dataclass
class Context:
    layout: Layout
    scale: LabelScale
    source: str  # the file name, written to every row
    fallback_cycle: str | None
    competencies: dict[str, str]  # compact name -> the framework's spelling
    employees: dict[str, str]
    people: People | None = None
    key: Key | None = None  # the key column, when found by its values
    notes: Notes = field(default_factory=Notes)
    findings: list[Finding] = field(default_factory=list)
    cycles: dict[str, str | None] = field(default_factory=dict)  # raw cycle -> parsed
    cycle_forms: dict[str, dict[str, str]] = field(default_factory=dict)  # how -> raw -> cycle
    override: str | None = None  # --cycle: every row's cycle, whatever the export says
    cycle_names: dict[str, str] = field(default_factory=dict)  # the mapping's: value -> cycle
    skipped: int = 0  # blank or "N/A" ratings
    restored: dict[str, str] = field(default_factory=dict)  # ID cell without zeros -> the ID


@dataclass
class Rated:
    """The rows of the export that name an employee, as columns."""

    block: Block
    at: np.ndarray  # positions in the block
    values: dict[str, PerRow] = field(default_factory=dict)  # canonical column -> per row
    places: dict[str, PerRow] = field(default_factory=dict)

    def row(self, n: int) -> int:
        """The index into Rows.rows of the n-th rated row."""
        return self.block.start + int(self.at[n])


def build(ctx: Context) -> tuple[Table, Table]:
    layout = ctx.layout
    rows, roles, headers = layout.rows, layout.roles, layout.headers
    block = Block(rows, layout.header + 1, headers)
    id_col = roles["employee_id"]
    keep = block.nonblank([id_col, *slot_cols(ctx.layout)]) & ~block.header_again()
    has_id = block.present(id_col)
    _rows_without_employee(ctx, block, keep & ~has_id)
    rated = Rated(block, np.flatnonzero(keep & has_id))
    people, key = ctx.people, ctx.key
    if people is not None and key is not None and key.kind != "ID":
        person = block.map(id_col, lambda v: people.identify(v, key.kind), rated.at)
        shared = np.flatnonzero(person == AMBIGUOUS)
        if len(shared):
            raw = block.raw[id_col][rated.at[shared]]
            lines = (block.start + rated.at[shared]).tolist()
            ctx.findings += ambiguous_names(people, ctx.layout, key, lines, raw.tolist())
            rated.at = rated.at[person != AMBIGUOUS]
            person = person[person != AMBIGUOUS]
    else:
        person = block.map(id_col, id_reader(ctx.employees, people, ctx.restored), rated.at)
    at = rated.at
    rated.values["employee_id"] = person
    rated.places["employee_id"] = block.places(id_col, at)
    rated.values["source"] = ctx.source
    rated.values["cycle"], rated.places["cycle"] = _cycles(ctx, rated)
    if "reviewer" in roles:
        col = roles["reviewer"]
        rated.values["reviewer"] = block.clean(col)[at]
        rated.places["reviewer"] = block.places(col, at)
    history = _history(ctx, rated, read_slots(ctx.layout, block, at, ctx.competencies))
    evidence = Table.empty("evidence", rows.file)
    if any(r in roles for r in EVIDENCE_ROLES):
        evidence = evidence_table(
            ctx.notes, block, at, rated.values, rated.places, roles, ctx.source
        )
    return history, evidence


def _rows_without_employee(ctx: Context, block: Block, rows: np.ndarray) -> None:
    """Rows with ratings but no employee ID are skipped, with a warning."""
    headers, id_col = block.headers, ctx.layout.roles["employee_id"]
    rated = np.zeros(block.n, dtype=bool)
    for col in slot_cols(ctx.layout):
        rated |= block.present(col)
    found = np.flatnonzero(rows & rated) + block.start

    def describe(n: int) -> tuple[str, str, Where]:
        return (
            "this row has ratings but no employee ID; it is skipped",
            "fill in the employee ID, or delete the row if it is a total or a note",
            block.rows.where(int(found[n]), id_col, headers[id_col]),
        )

    ctx.notes.add(Severity.WARNING, "export-row-without-employee", found, 0, 0, describe)


def _cycles(ctx: Context, rated: Rated) -> tuple[PerRow, PerRow]:
    """Each row's cycle and its place ("" when it came from --cycle or the file name); a
    cycle that does not read is kept as written and reported where it first appears."""
    layout, block, at = ctx.layout, rated.block, rated.at
    col = layout.roles.get("cycle")
    if col is None or ctx.override is not None:
        return ctx.fallback_cycle, ""
    header = layout.headers[col]
    raw = block.clean(col)[at]
    given = np.flatnonzero(raw.astype(bool))
    values = np.full(len(at), ctx.fallback_cycle, dtype=object)
    places = np.full(len(at), "", dtype=object)
    original = block.raw[col][at[given]]
    keys = block.map(col, _cycle_key, at[given])
    codes, uniques = pd.factorize(keys)
    _, firsts = np.unique(codes, return_index=True)
    parsed = np.empty(len(uniques), dtype=object)
    bad: list[int] = []
    for code, first in enumerate(firsts.tolist()):
        key = uniques[code]
        named = ctx.cycle_names.get(str(key))
        if named is not None and key not in ctx.cycles:
            ctx.cycles[key] = named  # the mapping's name for this cycle
        if key not in ctx.cycles:
            try:
                quarter, how = read_cycle(original[first])
                ctx.cycles[key] = quarter
                if how:
                    ctx.cycle_forms.setdefault(how, {})[str(raw[given][first])] = quarter
            except ValueError:
                ctx.cycles[key] = None
                bad.append(first)
        parsed[code] = ctx.cycles[key]
    cycle = parsed[codes]
    unread = np.array([c is None for c in cycle], dtype=bool)
    cycle[unread] = raw[given][unread]
    values[given] = cycle
    places[given] = block.places(col, at[given])
    bad_rows = np.array([rated.row(int(given[b])) for b in bad], dtype=np.int64)

    def describe(n: int) -> tuple[str, str, Where]:
        text = raw[given[bad[n]]]
        return (
            f"'{text}' is not a review cycle",
            "write cycles as 2026-Q3 (Q3 2026, 2026Q3, Q3-26, H1 2026, Year-end 2026 and dates "
            "are also read), or pass --cycle 2026-Q3",
            layout.rows.where(int(bad_rows[n]), col, header),
        )

    ctx.notes.add(Severity.ERROR, "cycle-unreadable", bad_rows, CYCLE, 0, describe)
    return values, places


def _cycle_key(value: Any) -> str:
    """The key a cycle value is parsed under: its text, or its repr for dates and numbers."""
    return (clean_text(value) or "") if isinstance(value, str) else repr(value)


def _history(ctx: Context, rated: Rated, slots: list[Slot]) -> Table:
    block, at = rated.block, rated.at
    n = len(at)
    values: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    parse = ctx.scale.parse
    for slot in slots:
        values.append(block.map(slot.col, lambda v: parse(v).value, at))
        kinds.append(block.map(slot.col, lambda v: parse(v).kind, at))
    for k, (slot, kind) in enumerate(zip(slots, kinds, strict=True)):
        unknown = np.flatnonzero(kind == "text")
        _unknown_labels(ctx, rated, slot, k, unknown, values[k][unknown])
    if not slots or not n:
        return Table.empty("history", block.rows.file)
    stacked = np.stack(kinds, axis=1)
    rated_mask = np.isin(stacked, ("number", "label", "text"))
    # a label the export's scale leaves open is reported once for the export, not skipped
    ctx.skipped += int(rated_mask.size - rated_mask.sum() - (stacked == "unresolved").sum())
    rows, slot_of = np.nonzero(rated_mask)  # row-major: a row's ratings left to right
    if not len(rows):
        return Table.empty("history", block.rows.file)
    data: dict[str, np.ndarray] = {}
    cells: dict[str, np.ndarray] = {}
    per_slot = {
        "competency": ([s.competency for s in slots], [s.competency_cell for s in slots]),
        "rating": (values, [block.places(s.col, at) for s in slots]),
        "rater_type": ([s.rater for s in slots], [s.rater_cell for s in slots]),
        "evidence": comments(block, at, slots),
    }
    for column in columns("history"):
        if column in per_slot:
            value_of, place_of = per_slot[column]
            data[column] = _pick(value_of, rows, slot_of)
            cells[column] = _pick(place_of, rows, slot_of)
        else:
            data[column] = _take(rated.values.get(column), rows)
            cells[column] = _take(rated.places.get(column, ""), rows)
    return block.table("history", data, cells)


def _unknown_labels(
    ctx: Context, rated: Rated, slot: Slot, k: int, found: np.ndarray, texts: np.ndarray
) -> None:
    header = ctx.layout.headers[slot.col]
    rows = rated.block.start + rated.at[found]

    def describe(n: int) -> tuple[str, str, Where]:
        text = texts[n]
        return (
            f"rating '{text}' is neither a number nor a known label",
            f'say its number ({SCALE_TEXT}): --label "{text}=N"'
            + (f"; labels in this export: {ctx.scale.found}" if ctx.scale.found else ""),
            ctx.layout.rows.where(int(rows[n]), slot.col, header),
        )

    ctx.notes.add(Severity.ERROR, "unknown-label", rows, RATING, k, describe)


def _pick(per_slot: list[PerRow], rows: np.ndarray, slot_of: np.ndarray) -> np.ndarray:
    """Entry (row, slot) of values given per slot, each the same for every row or per row."""
    out = np.empty(len(rows), dtype=object)
    for k, value in enumerate(per_slot):
        chosen = slot_of == k
        out[chosen] = value[rows[chosen]] if isinstance(value, np.ndarray) else value
    return out


def _take(value: PerRow, rows: np.ndarray) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value[rows]
    out = np.empty(len(rows), dtype=object)
    out[:] = value
    return out
