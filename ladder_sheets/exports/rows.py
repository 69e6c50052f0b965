"""Export rows to canonical tables: one history row per rating, one evidence row per
employee x cycle; every value with the place it came from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..findings import Finding, Severity, Where
from ..model import Table, columns
from ..values import clean_text as _clean_text
from ..values import parse_bool, parse_cycle
from .columns import COMMENT_ROLES, EVIDENCE_ROLES, RATER_ROLES, compact, rater_type
from .labels import LabelScale
from .layout import Layout

_SLOW_TEXT = re.compile(r"_x|\s\s|[\n\r\t\u00a0]")
MAX_PER_CODE = 25  # findings of one code listed one by one; the rest are summed up


@dataclass
class Notes:
    """Findings with a cap per code, so a column of bad values does not drown the report."""

    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, severity: Severity, code: str, message: str, hint: str, where: Where) -> None:
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= MAX_PER_CODE:
            self.findings.append(Finding(code, severity, message, hint, where))

    def close(self, file: str) -> list[Finding]:
        out = list(self.findings)
        for code, n in self.counts.items():
            if n > MAX_PER_CODE:
                first = next(f for f in self.findings if f.code == code)
                out.append(
                    Finding(
                        code,
                        first.severity,
                        f"{n - MAX_PER_CODE} more like the above",
                        first.hint,
                        Where(file=file),
                    )
                )
        return out


@dataclass
class Context:
    layout: Layout
    scale: LabelScale
    source: str  # the file name, written to every row
    fallback_cycle: str | None
    competencies: dict[str, str]  # compact name -> the framework's spelling
    employees: dict[str, str]
    notes: Notes = field(default_factory=Notes)
    cycles: dict[str, str | None] = field(default_factory=dict)  # raw cycle -> parsed
    skipped: int = 0  # blank or "N/A" ratings


class TableBuilder:
    """Rows of values and their places, turned into a `model.Table` at the end."""

    def __init__(self, name: str, rows: Any) -> None:
        self.name = name
        self.cols = columns(name)
        self.data: dict[str, list[Any]] = {c: [] for c in self.cols}
        self.cells: dict[str, list[str]] = {c: [] for c in self.cols}
        self.sheet = rows.sheet
        self.file = rows.file

    def append(self, values: dict[str, Any], cells: dict[str, str]) -> int:
        for c in self.cols:
            self.data[c].append(values.get(c))
            self.cells[c].append(cells.get(c, ""))
        return len(self.data[self.cols[0]]) - 1

    def table(self) -> Table:
        n = len(self.data[self.cols[0]])
        data = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in self.data.items()})
        cells = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in self.cells.items()})
        if n == 0:
            return Table.empty(self.name, self.file)
        return Table(self.name, data, cells, pd.Series([self.sheet] * n, dtype=object), self.file)


def build(ctx: Context) -> tuple[Table, Table]:
    layout = ctx.layout
    rows, roles, headers = layout.rows, layout.roles, layout.headers
    history = TableBuilder("history", rows)
    evidence = TableBuilder("evidence", rows)
    first_evidence: dict[tuple[Any, Any], int] = {}
    has_evidence = any(r in roles for r in EVIDENCE_ROLES)
    id_col = roles["employee_id"]
    for i in layout.data_rows():
        cells = rows.rows[i]
        if len(cells) < len(headers):
            cells = cells + [""] * (len(headers) - len(cells))
        if not any(clean_text(v) for v in cells) or _is_header_again(cells, headers):
            continue
        ratings = list(_ratings(ctx, i, cells))
        employee = clean_text(cells[id_col])
        if employee is None:
            if any(clean_text(cells[r.col]) for r in ratings):
                ctx.notes.add(
                    Severity.WARNING,
                    "export-row-without-employee",
                    "this row has ratings but no employee ID; it is skipped",
                    "fill in the employee ID, or delete the row if it is a total or a note",
                    rows.where(i, id_col, headers[id_col]),
                )
            continue
        base: dict[str, Any] = {
            "employee_id": ctx.employees.get(compact(employee), employee),
            "source": ctx.source,
        }
        where: dict[str, str] = {"employee_id": rows.cell(i, id_col, headers[id_col])}
        base["cycle"], where["cycle"] = _cycle(ctx, i, cells)
        if "reviewer" in roles:
            col = roles["reviewer"]
            base["reviewer"] = clean_text(cells[col])
            where["reviewer"] = rows.cell(i, col, headers[col])
        for r in ratings:
            rating = ctx.scale.parse(cells[r.col])
            if not rating.rated:
                ctx.skipped += 1
                continue
            if rating.kind == "text":
                ctx.notes.add(
                    Severity.ERROR,
                    "unknown-label",
                    f"rating '{rating.value}' is neither a number nor a known label",
                    f"use 1-5 or a label such as 'Meets', or give '{rating.value}' a number "
                    "in the labels setting",
                    rows.where(i, r.col, headers[r.col]),
                )
            values = dict(base, competency=r.competency, rating=rating.value, rater_type=r.rater)
            places = dict(where, competency=r.competency_cell, rater_type=r.rater_cell)
            places["rating"] = rows.cell(i, r.col, headers[r.col])
            if r.comment_col is not None:
                values["evidence"] = comment_text(cells[r.comment_col])
                places["evidence"] = rows.cell(i, r.comment_col, headers[r.comment_col])
            history.append(values, places)
        if has_evidence:
            _evidence(ctx, i, cells, base, where, evidence, first_evidence)
    return history.table(), evidence.table()


@dataclass
class RatingCell:
    col: int
    competency: str
    competency_cell: str
    rater: str
    rater_cell: str
    comment_col: int | None


def _ratings(ctx: Context, i: int, cells: list[Any]) -> Iterator[RatingCell]:
    """Each rating a row holds: its column, competency, rater type and comment column."""
    layout = ctx.layout
    rows, roles, headers = layout.rows, layout.roles, layout.headers
    row_rater, rater_cell = "manager", ""  # a blank rater type is the manager's rating
    if "rater_type" in roles:
        col = roles["rater_type"]
        text = clean_text(cells[col])
        rater_cell = rows.cell(i, col, headers[col])
        if text:
            # an unknown rater type stays as written; the schema reports it at its cell
            row_rater = rater_type(text) or text
    if layout.shape == "wide":
        for w in layout.wide:
            comment = w.comment_col if w.comment_col is not None else roles.get("comment")
            header_cell = rows.cell(layout.header, w.col, headers[w.col])
            rater = w.rater or row_rater
            yield RatingCell(w.col, w.competency, header_cell, rater, rater_cell, comment)
        return
    comp_col = roles["competency"]
    raw = clean_text(cells[comp_col]) or ""
    competency = ctx.competencies.get(compact(raw), raw)
    comp_cell = rows.cell(i, comp_col, headers[comp_col])
    for role in sorted((r for r in RATER_ROLES if r in roles), key=roles.__getitem__):
        rater = RATER_ROLES[role]
        comment = roles.get(COMMENT_ROLES[rater])
        if comment is None and rater == "manager":
            comment = roles.get("comment")
        yield RatingCell(roles[role], competency, comp_cell, rater, "", comment)
    if "rating" in roles and "manager_rating" not in roles:
        comment = roles.get("comment", roles.get(COMMENT_ROLES.get(row_rater, "")))
        yield RatingCell(roles["rating"], competency, comp_cell, row_rater, rater_cell, comment)


def _cycle(ctx: Context, i: int, cells: list[Any]) -> tuple[str | None, str]:
    """The row's cycle and its place ("" when it came from --cycle or the file name)."""
    layout = ctx.layout
    col = layout.roles.get("cycle")
    raw = clean_text(cells[col]) if col is not None else None
    if col is None or raw is None:
        return ctx.fallback_cycle, ""
    header = layout.headers[col]
    key = raw if isinstance(cells[col], str) else repr(cells[col])
    if key not in ctx.cycles:
        try:
            ctx.cycles[key] = parse_cycle(cells[col])
        except ValueError:
            ctx.cycles[key] = None
            ctx.notes.add(
                Severity.ERROR,
                "cycle-unreadable",
                f"'{raw}' is not a review cycle",
                "write cycles as 2026-Q3 (Q3 2026, 2026Q3 and dates are also read)",
                layout.rows.where(i, col, header),
            )
    cycle = ctx.cycles[key]
    return (cycle if cycle is not None else raw), layout.rows.cell(i, col, header)


def _evidence(
    ctx: Context,
    i: int,
    cells: list[Any],
    base: dict[str, Any],
    where: dict[str, str],
    table: TableBuilder,
    first: dict[tuple[Any, Any], int],
) -> None:
    """One evidence row per employee x cycle: the first value given wins, a different later
    value is reported."""
    rows, roles, headers = ctx.layout.rows, ctx.layout.roles, ctx.layout.headers
    values: dict[str, Any] = {}
    places: dict[str, str] = {}
    for role in EVIDENCE_ROLES:
        if role not in roles:
            continue
        col = roles[role]
        text = clean_text(cells[col])
        if text is None:
            continue
        column = "note" if role == "evidence_note" else role
        places[column] = rows.cell(i, col, headers[col])
        if column == "note":
            values[column] = comment_text(cells[col])
            continue
        try:
            values[column] = parse_bool(cells[col])
        except ValueError:
            values[column] = text
            ctx.notes.add(
                Severity.WARNING,
                "evidence-not-yes-no",
                f"'{text}' in '{headers[col]}' is not Yes or No",
                "write Yes or No (blank when not decided yet)",
                rows.where(i, col, headers[col]),
            )
    key = (base["employee_id"], base["cycle"])
    if key not in first:
        row = dict(base, **values)
        first[key] = table.append({c: row.get(c) for c in table.cols}, {**where, **places})
        return
    index = first[key]
    for column, value in values.items():
        held = table.data[column][index]
        if held is None:
            table.data[column][index] = value
            table.cells[column][index] = places[column]
        elif held != value and column != "note":
            ctx.notes.add(
                Severity.WARNING,
                "evidence-conflict",
                f"'{headers[roles[_role(column)]]}' for {key[0]} in {key[1]} is "
                f"'{cells[roles[_role(column)]]}' here but was '{held}' on an earlier row",
                "give the same answer on every row of the person, or leave later rows blank",
                rows.where(i, roles[_role(column)], headers[roles[_role(column)]]),
            )


def comment_text(value: Any) -> str | None:
    """A comment as written: line breaks kept (a person wrote them), ends trimmed."""
    if clean_text(value) is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _role(column: str) -> str:
    return "evidence_note" if column == "note" else column


def _is_header_again(cells: list[Any], headers: list[str]) -> bool:
    """Paged exports repeat the header row; such rows are skipped."""
    if (clean_text(cells[0]) or "") != headers[0]:
        return False
    return [clean_text(v) or "" for v in cells[: len(headers)]] == headers


def clean_text(value: Any) -> str | None:
    """values.clean_text, with a fast path for the plain strings most cells hold."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return _clean_text(text) if _SLOW_TEXT.search(text) else text
    return _clean_text(value)
