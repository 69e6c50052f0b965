"""What a recognised column's values mean once read: units of time in level, a Job Family
"All", a name in two columns. Each change is said once per column, at its header cell.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ladder_sheets.findings import Finding, Where, error, info, warning
from ladder_sheets.model import TABLES, Table
from ladder_sheets.values import clean_text, normalize_header, parse_number
from ladder_sheets.workbook import vocabulary
from ladder_sheets.workbook.aliases import REQUIRED_COLUMNS
from ladder_sheets.workbook.grid import Grid, a1
from ladder_sheets.workbook.header import TableLayout
from ladder_sheets.workbook.recognise import INSPECT_HINT, describe

# Family values that mean "every family" (blank means the same on these tables).
ALL_FAMILIES = {"all", "all families", "any", "every family", "company wide", "everyone", "*"}
FAMILY_TABLES = ("competencies", "expectations", "behaviors", "criteria")
_ROW = re.compile(r"(\d+)$")


# A time written with its unit: "12 months", "1.5 years", "1 year 6 months", "6 qtrs".
_TIME_PART = (
    r"(\d+(?:[.,]\d+)?)\s*(quarters?|qtrs?|q|months?|mos?|m|years?|yrs?|y|weeks?|wks?|days?)"
)
_TIME_TEXT = re.compile(rf"^(?:{_TIME_PART}[\s,]*(?:and\s*)?)+$", re.IGNORECASE)
_TIME_UNITS = {"q": "quarter", "qtr": "quarter", "m": "month", "mo": "month", "y": "year"}
_TIME_UNITS |= {"yr": "year", "wk": "week"}


def quarters_of_text(value: Any) -> float | None:
    """Quarters a text with its unit says ("18 months" -> 6), or None."""
    if not isinstance(value, str) or not _TIME_TEXT.match(value.strip()):
        return None
    total = 0.0
    for number, unit in re.findall(_TIME_PART, value, re.IGNORECASE):
        word = unit.lower()
        word = _TIME_UNITS.get(word, _TIME_UNITS.get(word.rstrip("s"), word.rstrip("s")))
        total += float(number.replace(",", ".")) * vocabulary.UNITS[word]
    return round(total, 4)


def convert_units(table: Table, layout: TableLayout, file: str) -> list[Finding]:
    """Time in level given in months, years, weeks or days (by its header, or in each value:
    "18 months"), read as quarters."""
    column = "min_quarters"
    if column not in layout.columns:
        return []
    unit = layout.mapped_units.get(column)
    if unit is None:
        found = vocabulary.unit_of(layout.headers.get(layout.columns[column], ""))
        unit = found[0] if found else "quarter"
    factor = vocabulary.UNITS[unit]
    values = table.data[column].tolist()
    written = {i: q for i, v in enumerate(values) if (q := quarters_of_text(v)) is not None}
    out, plain = [], 0
    for i, v in enumerate(values):
        n = parse_number(v) if i not in written and not isinstance(v, bool) else None
        plain += n is not None
        out.append(written[i] if i in written else v if n is None else round(n * factor, 4))
    table.data[column] = pd.Series(out, index=table.data.index, dtype=object)
    header_cell = a1(layout.header_row, layout.columns[column])
    findings = []
    if written:
        first = min(written)
        findings.append(
            info(
                "unit-converted",
                f"{len(written)} time(s) in level written with their unit are read as quarters "
                f"('{clean_text(values[first])}' as {written[first]:g})",
                "write quarters under 'Min Quarters In Level' to avoid the conversion",
                Where(
                    file=file, sheet=layout.sheet, cell=table.cell(table.data.index[first], column)
                ),
            )
        )
    if factor == 1.0 or not plain:
        return findings
    per = f"divided by {round(1 / factor)}" if factor < 1 else f"times {factor:g}"
    findings.append(
        info(
            "unit-converted",
            f"'{layout.headers.get(layout.columns[column])}' is in {unit}s: read as quarters "
            f"({per})",
            "write quarters under 'Min Quarters In Level' to avoid the conversion, or set "
            f'units = {{ min_quarters = "{unit}" }} in the mapping',
            Where(file=file, sheet=layout.sheet, cell=header_cell),
        )
    )
    return findings


def expand_family(short: str, names: dict[str, str]) -> str | None:
    """The one known family an abbreviation names ("Eng", "Ops", "Mktg", "PM"), or None:
    a prefix, the initials, or the letters in order from the same first letter."""
    key = normalize_header(short)
    if not key or key in names:
        return names.get(key)
    squeezed = key.replace(" ", "")

    def fits(name: str) -> bool:
        flat = name.replace(" ", "")
        if flat.startswith(squeezed) or "".join(w[0] for w in name.split(" ")) == squeezed:
            return True
        if len(squeezed) < 2 or flat[0] != squeezed[0]:
            return False
        at = 0
        for ch in flat:
            if at < len(squeezed) and ch == squeezed[at]:
                at += 1
        return at == len(squeezed)

    hits = [spelled for k, spelled in names.items() if fits(k)]
    return hits[0] if len(hits) == 1 else None


def family_values(
    table: Table, layout: TableLayout, file: str, names: dict[str, str]
) -> list[Finding]:
    """A Job Family of "All" (and its kin) applies to every family: read as blank, unless the
    workbook has a family of that name. An abbreviated family ("Ops") that names one family of
    the Levels sheet is read as it ("Operations"). Each is said once per sheet."""
    if table.name not in FAMILY_TABLES or "family" not in table.data.columns:
        return []
    values = table.data["family"].tolist()
    everyone: list[int] = []
    said_all = ""
    expanded: dict[str, tuple[str, int]] = {}
    for i, v in enumerate(values):
        if not isinstance(v, str):
            continue
        key = normalize_header(v)
        if key in ALL_FAMILIES and key not in names:
            said_all = said_all or v
            everyone.append(i)
            values[i] = None
        elif names and key not in names:
            full = expand_family(v, names)
            if full is not None:
                expanded.setdefault(v, (full, i))
                values[i] = full
    if not everyone and not expanded:
        return []
    table.data["family"] = pd.Series(values, index=table.data.index, dtype=object)
    out = []

    def where(i: int) -> Where:
        cell = table.cell(table.data.index[i], "family")
        return Where(file=file, sheet=layout.sheet, cell=cell or None)

    if everyone:
        out.append(
            info(
                "family-all",
                f"Job Family '{said_all}' on {len(everyone)} row(s) read as every family",
                "",
                where(everyone[0]),
            )
        )
    for short, (full, i) in expanded.items():
        out.append(
            info(
                "family-abbreviation",
                f"Job Family '{short}' read as '{full}' (the one family it abbreviates)",
                "write the family as the Levels sheet does to avoid the guess",
                where(i),
            )
        )
    return out


def join_names(table: Table, layout: TableLayout, grid: Grid) -> None:
    """Name read from a first-name and a last-name column: the first is the name column, the
    last name is joined to it row by row."""
    parts = layout.combined.get("name")
    if not parts or "name" not in table.data.columns or len(parts) < 2:
        return
    last_col = parts[1]
    names: list[Any] = []
    for value, cell in zip(table.data["name"].tolist(), table.cell_column("name"), strict=True):
        row = _ROW.search(cell or "")
        last = clean_text(grid.get(int(row.group(1)) - 1, last_col)) if row else None
        first = clean_text(value)
        names.append(" ".join(p for p in (first, last) if p) or None)
    table.data["name"] = pd.Series(names, index=table.data.index, dtype=object)


def doubt_findings(layout: TableLayout, file: str) -> list[Finding]:
    """A close second is not taken (an error where the column is required); a weak best is
    taken and said."""
    out = []
    label = dict(TABLES[layout.table][1])
    for doubt in layout.doubts:
        name = label.get(doubt.concept, doubt.concept)
        first = doubt.candidates[0]
        where = Where(file=file, sheet=layout.sheet, cell=a1(layout.header_row, first.column))
        section = f"[{layout.table}.columns] {doubt.concept} = "
        if doubt.kind == "close":
            severity = error if doubt.concept in REQUIRED_COLUMNS[layout.table] else warning
            out.append(
                severity(
                    "ambiguous-column",
                    f"two columns could be {name}: "
                    f"{describe(doubt, layout.sheet, layout.header_row)}; neither was read",
                    f"rename one of them, or say which in a mapping file ({section}"
                    f'"{first.header}"); {INSPECT_HINT}',
                    where,
                )
            )
        else:
            out.append(
                warning(
                    "uncertain-column",
                    f"read '{first.header}' as {name}, but its header says little of it "
                    f"({first.evidence()})",
                    f"if that is right, rename it '{name}' or map it ({section}"
                    f'"{first.header}"); {INSPECT_HINT}',
                    where,
                )
            )
    return out


def other_keys(table: Table, layout: TableLayout, grid: Grid) -> dict[str, dict[str, int]]:
    """The people sheet's columns no concept claimed whose values are one per person (a review
    tool's user ID, a payroll number): header -> (value key -> row position). A manager column
    may name people by them."""
    used = set(layout.columns.values()) | {c for p in layout.combined.values() for c in p}
    rows = [_ROW.search(c or "") for c in table.cell_column("employee_id")]
    out: dict[str, dict[str, int]] = {}
    for col, header in layout.headers.items():
        if col in used:
            continue
        keys: dict[str, int] = {}
        for pos, row in enumerate(rows):
            value = clean_text(grid.get(int(row.group(1)) - 1, col)) if row else None
            if value is None:
                continue
            if value.casefold() in keys:
                break  # not one per person
            keys[value.casefold()] = pos
        else:
            if len(keys) >= 0.8 * len(rows) and keys:
                out[header] = keys
    return out
