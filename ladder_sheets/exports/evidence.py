"""Promotion evidence from an export: one row per employee x cycle. The first value given
wins; a different value on a later row of the same person and cycle is reported."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.exports.block import Block
from ladder_sheets.exports.notes import Notes
from ladder_sheets.findings import Severity, Where
from ladder_sheets.model import Table, columns
from ladder_sheets.values import parse_bool

NOT_YES_NO, CONFLICT = 3, 4  # steps of reading a row, after its ratings


def evidence_table(
    notes: Notes,
    block: Block,
    at: np.ndarray,
    values: dict[str, Any],
    places: dict[str, Any],
    roles: dict[str, int],
    source: str,
) -> Table:
    """The evidence table from rows `at` of the block, whose employee and cycle (framework
    spelling) are given per row in `values`, with their places."""
    from ladder_sheets.exports.columns import EVIDENCE_ROLES

    n = len(at)
    if not n:
        return Table.empty("evidence", block.rows.file)
    rows = block.start + at
    group, firsts = _groups(values["employee_id"], values["cycle"], n)
    data: dict[str, np.ndarray] = {}
    cells: dict[str, np.ndarray] = {}
    for column in ("cycle", "employee_id"):
        data[column] = _take(values[column], firsts)
        cells[column] = _take(places[column], firsts)
    for slot, role in enumerate(EVIDENCE_ROLES):
        column = "note" if role == "evidence_note" else role
        data[column] = np.full(len(firsts), None, dtype=object)
        cells[column] = np.full(len(firsts), "", dtype=object)
        if role not in roles:
            continue
        col = roles[role]
        text = block.clean(col)[at]
        given = np.flatnonzero(text.astype(bool))
        if column == "note":
            answer = block.comments(col)[at[given]]
        else:
            answer, failed = block.map_checked(col, parse_bool, at[given])
            bad = np.flatnonzero(failed)
            answer[bad] = text[given[bad]]
            _not_yes_no(notes, block, col, rows[given[bad]], slot, text[given[bad]])
        # the first answer of each employee x cycle, and where it was given
        groups, first = np.unique(group[given], return_index=True)
        data[column][groups] = answer[first]
        cells[column][groups] = block.places(col, at[given[first]])
        if column != "note":
            held = data[column][group[given]]
            differs = np.flatnonzero(held != answer)
            _conflicts(
                notes,
                block,
                col,
                rows[given[differs]],
                slot,
                held[differs],
                values,
                given[differs],
            )
    data["source"] = np.full(len(firsts), source, dtype=object)
    cells["source"] = np.full(len(firsts), "", dtype=object)
    order = columns("evidence")
    return block.table("evidence", {c: data[c] for c in order}, {c: cells[c] for c in order})


def _groups(employees: Any, cycles: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's employee x cycle group, numbered in order of first appearance, and the
    first row of each group."""
    emp = pd.factorize(_full(employees, n), use_na_sentinel=False)[0]
    cyc = pd.factorize(_full(cycles, n), use_na_sentinel=False)[0]
    group = pd.factorize(emp.astype(np.int64) * (int(cyc.max()) + 1) + cyc)[0]
    _, firsts = np.unique(group, return_index=True)
    return group, firsts


def _full(value: Any, n: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    out = np.empty(n, dtype=object)
    out[:] = [value] * n
    return out


def _take(value: Any, rows: np.ndarray) -> np.ndarray:
    return _full(value, int(rows.max()) + 1 if len(rows) else 0)[rows]


def _not_yes_no(
    notes: Notes, block: Block, col: int, rows: np.ndarray, slot: int, texts: np.ndarray
) -> None:
    header = block.headers[col]

    def describe(k: int) -> tuple[str, str, Where]:
        return (
            f"'{texts[k]}' in '{header}' is not Yes or No",
            "write Yes or No (blank when not decided yet)",
            block.rows.where(int(rows[k]), col, header),
        )

    notes.add(Severity.WARNING, "evidence-not-yes-no", rows, NOT_YES_NO, slot, describe)


def _conflicts(
    notes: Notes,
    block: Block,
    col: int,
    rows: np.ndarray,
    slot: int,
    held: np.ndarray,
    values: dict[str, Any],
    rated: np.ndarray,
) -> None:
    """Later rows answering differently from the first answer (`rated`: their positions
    among the rows that name an employee)."""
    header = block.headers[col]

    def describe(k: int) -> tuple[str, str, Where]:
        row = int(rows[k])
        employee = _at(values["employee_id"], int(rated[k]))
        cycle = _at(values["cycle"], int(rated[k]))
        raw = block.rows.rows[row][col]
        return (
            f"'{header}' for {employee} in {cycle} is '{raw}' here but was '{held[k]}' on an "
            "earlier row",
            "give the same answer on every row of the person, or leave later rows blank",
            block.rows.where(row, col, header),
        )

    notes.add(Severity.WARNING, "evidence-conflict", rows, CONFLICT, slot, describe)


def _at(value: Any, n: int) -> Any:
    return value[n] if isinstance(value, np.ndarray) else value
