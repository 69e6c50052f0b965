"""Coercing raw cell values into typed tables and running the pandera schemas over them.

Raw values come as read (numbers may be text, yes/no may be "Yes", dates may be text). Each value
is parsed by its column's kind; a value that cannot be parsed, or that a schema check rejects,
becomes a Finding at its cell AND a blank in the typed copy, so analysis never sees garbage.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ladder_sheets.cellmap import CellMap
from ladder_sheets.codes import is_kind
from ladder_sheets.findings import Finding
from ladder_sheets.model import SCALE_TEXT, Table, columns, headers
from ladder_sheets.schema.schemas import (
    CHOICE,
    CHOICE_ALIASES,
    CHOICE_DEFAULTS,
    CHOICES,
    CYCLE,
    DATE,
    KIND_CODES,
    KINDS,
    NUMBER,
    PARSE_CODES,
    RULES,
    SCHEMAS,
    UNIQUE_KEYS,
    YES_NO,
    name_key,
    unique_key,
)
from ladder_sheets.values import (
    clean_text,
    closest,
    is_blank,
    map_distinct,
    month_only,
    parse_bool,
    parse_cycle,
    parse_date,
    parse_number,
    slashed_date_order,
)

_PARSERS: dict[str, Callable[[Any], Any]] = {
    NUMBER: parse_number,
    YES_NO: parse_bool,
    DATE: parse_date,
    CYCLE: parse_cycle,
}


def type_table(table: Table) -> tuple[Table, list[Finding]]:
    """The table with every column typed, and a finding for every value that was rejected."""
    findings: list[Finding] = []
    raw = table.data
    typed = pd.DataFrame(index=raw.index)
    kinds = KINDS.get(table.name, {})
    for column in columns(table.name):
        values = raw[column] if column in raw.columns else pd.Series(None, index=raw.index)
        kind = kinds.get(column, "text")
        typed[column] = _coerce_column(table, column, kind, values, findings)
    places = table.places
    if not isinstance(places, CellMap) and not (
        places.columns.equals(typed.columns) and places.index.equals(raw.index)
    ):
        places = places.reindex(index=raw.index, columns=typed.columns).astype(object)
        places = places.where(places.notna(), "")
    out = Table(table.name, typed, places, table.sheets, table.file)
    rejected = {(f.where.sheet, f.where.cell, f.where.line, f.where.column) for f in findings}
    for finding in run_schema(out):
        w = finding.where
        # A value already rejected as unreadable is not reported again as blank.
        if finding.code != "missing-value" or (w.sheet, w.cell, w.line, w.column) not in rejected:
            findings.append(finding)
    return out, findings


def _coerce_column(
    table: Table, column: str, kind: str, values: pd.Series, findings: list[Finding]
) -> pd.Series:
    parse: Callable[[str, str, Any], Any] = _coerce
    if kind == DATE:
        parse = _date_order(table, column, values, findings)
    if column in MONTH_DATES:
        parse = _or_month(table, column, values, findings, parse)
    out, failed = map_distinct(values.to_numpy(dtype=object), lambda v: parse(column, kind, v))
    if failed:
        code = PARSE_CODES.get((table.name, column), KIND_CODES.get(kind, "not-a-number"))
        for position, exc in failed.items():
            findings.append(_finding(table, code, values.index[position], column, f"{exc}"))
    if kind == NUMBER:
        return pd.Series(out, index=values.index, dtype=object).astype(float)
    return pd.Series(out, index=values.index, dtype=object)


def _date_order(
    table: Table, column: str, values: pd.Series, findings: list[Finding]
) -> Callable[[str, str, Any], Any]:
    """The whole column's reading of slashed text dates: a value with a day above 12 settles
    the order for every date of the column; when none does, the order under which every date
    is the first of a month is taken and said; otherwise 07/01/2026 could be 7 January or
    1 July, and the column is reported instead of guessed."""
    texts = values.tolist()
    order, example = slashed_date_order(texts)
    if order is None or example is None:
        return _coerce
    shown = example.split("'")[0]  # "mixed" names two dates; the finding sits at the first
    at = next(
        i
        for i, v in zip(values.index, texts, strict=True)
        if isinstance(v, str) and v.strip() == shown
    )

    def report(code: str, message: str) -> None:
        findings.append(_finding(table, code, at, column, message))

    if order == "month":
        report(
            "date-order", f"slashed dates in this column are read month first, as '{example}' shows"
        )
    elif order in ("day-1st", "month-1st"):
        first = "day first" if order == "day-1st" else "month first"
        report(
            "date-order",
            f"slashed dates in this column are read {first}, the one order under which every "
            f"date is the first of a month ('{example}')",
        )
    elif order == "mixed":
        report(
            "ambiguous-date",
            f"slashed dates in this column are written both day first and month first "
            f"('{example}')",
        )
    elif order == "ambiguous":
        count = sum(
            1 for v in texts if slashed_date_order([v])[0] in ("ambiguous", "day-1st", "month-1st")
        )
        report(
            "ambiguous-date",
            f"'{example}' could be day first or month first, and no date of this column "
            f"settles it ({count} such dates); nothing is computed from a guess",
        )
    if order in ("month", "month-1st"):
        return lambda c, k, v: parse_date(v, month_first=True)
    return _coerce


# Dates that may be written as a month alone, and the day of the month each is read as. Time
# in level counts whole months, so the first of the month loses nothing. A leaving date could
# be any day of its month: read as the last, so that someone is passed over only once their
# month has ended, never before they left.
MONTH_DATES = {"in_level_since": "first", "left_on": "last"}


def _or_month(
    table: Table,
    column: str,
    values: pd.Series,
    findings: list[Finding],
    parse: Callable[[str, str, Any], Any],
) -> Callable[[str, str, Any], Any]:
    """`parse`, and a month alone ("Dec 2025", "2025-12", "12/2025") read as the day
    MONTH_DATES gives, said once for the column with how many such dates it holds."""
    day = MONTH_DATES[column]
    months = [(i, v, m) for i, v in values.items() if (m := month_only(v, day)) is not None]
    if not months:
        return parse
    first, text, when = months[0]
    why = ": whoever leaves in a month is read as employed until it ends" if day == "last" else ""
    findings.append(
        _finding(
            table,
            "date-month-only",
            first,
            column,
            f"{len(months)} date(s) in this column name a month alone (such as "
            f"'{clean_text(text)}'): read as the {day} day of the month "
            f"({when.isoformat()}){why}",
        )
    )

    def read(c: str, k: str, v: Any) -> Any:
        month = month_only(v, day)
        return month if month is not None else parse(c, k, v)

    return read


def _coerce(column: str, kind: str, value: Any) -> Any:
    if kind in _PARSERS:
        return _PARSERS[kind](value)
    text = clean_text(value)
    if kind == CHOICE:
        if text is None:
            return CHOICE_DEFAULTS.get(column)
        allowed = {name_key(c): c for c in CHOICES[column]}
        key = name_key(text)
        # Unknown text is kept for the schema to reject with a suggestion.
        return allowed.get(key) or CHOICE_ALIASES.get(key) or text
    return text


def warm_up() -> threading.Thread:
    """pandera registers its backends on its first validation, importing its built-in checks
    (and, where hypothesis is installed, hypothesis and its strategies: 0.1-0.3 s). Done in a
    thread started before the workbook is read, it costs nothing: the scan and the parsers
    leave the GIL, and the second core is idle. Join it before validating."""

    def register() -> None:
        try:
            frame = pd.DataFrame({"x": [None]}, dtype=object)
            pa.DataFrameSchema({"x": pa.Column(object, nullable=True)}).validate(frame)
        except Exception:  # a warm-up only: a real validation reports what goes wrong
            pass

    thread = threading.Thread(target=register, name="pandera-warm-up", daemon=True)
    thread.start()
    return thread


def run_schema(table: Table) -> list[Finding]:
    """Run the table's pandera schema lazily; blank every rejected value in place."""
    schema = SCHEMAS.get(table.name)
    if schema is None or not len(table.data):
        return []
    try:
        schema.validate(table.data, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(table, exc.failure_cases)
    return []


def _failures(table: Table, cases: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, Any, str]] = set()
    for case in cases.itertuples(index=False):
        code = str(case.check)
        index = case.index
        if code == "not_nullable":
            code = "missing-value"
        if code not in RULES or index is None or (isinstance(index, float) and math.isnan(index)):
            continue  # a dtype failure is a bug of ours, not the user's; typing guarantees it
        rule = RULES[code]
        column = rule.column or str(case.column)
        if (code, index, column) in seen or column not in table.data.columns:
            continue
        if (
            code == "missing-value"
            and column in table.cell_columns
            and not table.cell(index, column)
        ):
            continue  # the column is not on the sheet: the reader said so once, not per row
        seen.add((code, index, column))
        findings.append(_finding(table, code, index, column, _message(table, code, index, column)))
        if rule.column is None and code != "missing-value":
            table.data.at[index, column] = np.nan if table.data[column].dtype == float else None
    return findings


def _message(table: Table, code: str, index: Any, column: str) -> str:
    header = headers(table.name).get(column, column)
    value = table.data.at[index, column]
    shown = "" if is_blank(value) else f"'{clean_text(value)}'"
    if code == "missing-value":
        return f"{header} is blank."
    if is_kind(code, "unknown"):
        options = CHOICES.get(column, ())
        hits = closest(str(value), options, n=1)
        suggestion = f" Did you mean '{hits[0]}'?" if hits else ""
        return f"{header} {shown} is not one of {', '.join(options)}.{suggestion}"
    if is_kind(code, "duplicate"):
        first = _first_with_same_key(table, code, index)
        return f"{header} {shown} repeats the row at {first}."
    if code == "band-inverted":
        band_max = clean_text(table.data.at[index, "band_max"])
        return f"Band Min {shown} is above Band Max '{band_max}'."
    if is_kind(code, "range"):
        low_only = column in ("cycles_at_next", "min_quarters")
        return f"{header} {shown} is " + (
            "below 0." if low_only else f"outside the {SCALE_TEXT} scale."
        )
    return f"{header} {shown} is below 0."


def _first_with_same_key(table: Table, code: str, index: Any) -> str:
    def key(i: Any) -> tuple[str, ...]:
        return unique_key(code, {c: table.data.at[i, c] for c in UNIQUE_KEYS[code]})

    target = key(index)
    for other in table.data.index:
        if key(other) == target:
            return str(table.where(other, RULES[code].column))
    return "an earlier row"


def _finding(table: Table, code: str, index: Any, column: str, message: str) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.severity, message, rule.hint, table.where(index, column))
