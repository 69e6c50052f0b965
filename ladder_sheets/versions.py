"""Framework versions: which framework judged each review cycle.

`merge` records, in the generated sheet "Framework Versions", the framework in force for every
cycle it imports: levels, competencies, matrix, behaviours, criteria and paths. A version is
recorded only when the framework differs from the latest one, so the sheet stays compact: a
table of cycles (Cycle, Version, Recorded At, Changes From The Previous Version) on the left,
and the versions' rows (Version, Table, Record as JSON, canonical columns) on the right.

A workbook without the sheet has no versions: every cycle is judged by the current framework,
and the first merge records it as version 1 for every cycle in the history.

analysis/in_force.py picks the framework the analysis uses for a cycle: the current one for the
latest cycle in the history (and for a cycle without a recorded version), else the recorded
version's parts with the workbook's people, ratings and evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.findings import Finding, Where, warning
from ladder_sheets.model import Framework, Table, columns

VERSIONS_SHEET = "Framework Versions"
# The parts of a framework a version records (people and ratings never are).
VERSION_TABLES = ("levels", "competencies", "expectations", "behaviors", "criteria", "paths")

CYCLE_HEADERS = ["Cycle", "Version", "Recorded At", "Changes From The Previous Version"]
RECORD_HEADERS = ["Version", "Table", "Record"]
RECORD_COLUMN = len(CYCLE_HEADERS) + 1  # one blank column between the two tables


@dataclass
class Version:
    number: int
    recorded_at: str
    tables: dict[str, Table]
    # The first row of this version's records on the sheet (for messages), 1-based.
    first_row: int = 0

    def framework(self, like: Framework) -> Framework:
        """This version's framework parts with `like`'s people, ratings and evidence."""
        tables = dict(self.tables)
        for name in ("employees", "history", "evidence"):
            if name in like.tables:
                tables[name] = like.tables[name]
        return Framework(like.path, tables, [], like.sheet_names, like.sources, versions=None)


@dataclass
class FrameworkVersions:
    versions: dict[int, Version] = field(default_factory=dict)
    cycles: dict[str, int] = field(default_factory=dict)  # cycle -> version number
    notes: dict[int, str] = field(default_factory=dict)  # version -> what changed from the last
    findings: list[Finding] = field(default_factory=list)

    @property
    def latest(self) -> Version | None:
        return self.versions[max(self.versions)] if self.versions else None

    def version_of(self, cycle: str | None) -> Version | None:
        number = self.cycles.get(cycle or "")
        return self.versions.get(number) if number is not None else None


def snapshot(framework: Framework) -> dict[str, Table]:
    """The framework parts as plain tables (values as typed, places dropped)."""
    return {
        name: Table.from_records(name, _records(framework.table(name)), sheet=VERSIONS_SHEET)
        for name in VERSION_TABLES
    }


# -- the sheet: rows out and back ----------------------------------------------------------


def sheet_rows(versions: FrameworkVersions) -> tuple[list[list[Any]], list[list[Any]]]:
    """(cycle rows, record rows) as the sheet holds them, without headers."""
    cycles = [
        [
            cycle,
            number,
            versions.versions[number].recorded_at,
            versions.notes.get(number, ""),
        ]
        for cycle, number in sorted(versions.cycles.items())
    ]
    records: list[list[Any]] = []
    for number in sorted(versions.versions):
        for name in VERSION_TABLES:
            table = versions.versions[number].tables.get(name)
            if table is None:
                continue
            for rec in _records(table):
                records.append([number, name, json.dumps(rec, ensure_ascii=False)])
    return cycles, records


def read_versions(values: dict[tuple[int, int], Any], file: str) -> FrameworkVersions:
    """The versions from the sheet's cells ((row, col) 0-based -> value). A row that cannot
    be read is a warning naming its cell; the rest is kept."""
    out = FrameworkVersions()
    n_rows = max((r for r, _ in values), default=-1) + 1
    records: dict[int, dict[str, list[dict[str, Any]]]] = {}
    first_rows: dict[int, int] = {}
    for row in range(1, n_rows):
        cycle = values.get((row, 0))
        if cycle is not None:
            number = _int(values.get((row, 1)))
            if number is None:
                out.findings.append(_bad(file, row, 1, "the version number is not a number"))
            else:
                out.cycles[str(cycle).strip()] = number
                out.notes.setdefault(number, str(values.get((row, 3)) or ""))
                recorded = values.get((row, 2))
                out.versions.setdefault(number, Version(number, str(recorded or ""), {}))
        number = _int(values.get((row, RECORD_COLUMN)))
        table = values.get((row, RECORD_COLUMN + 1))
        text = values.get((row, RECORD_COLUMN + 2))
        if number is None and table is None and text is None:
            continue
        try:
            rec = json.loads(str(text))
            if number is None or table not in VERSION_TABLES or not isinstance(rec, dict):
                raise ValueError
        except ValueError:
            out.findings.append(
                _bad(file, row, RECORD_COLUMN + 2, "this recorded framework row cannot be read")
            )
            continue
        records.setdefault(number, {}).setdefault(str(table), []).append(rec)
        first_rows.setdefault(number, row + 1)
    for number, tables in records.items():
        version = out.versions.setdefault(number, Version(number, "", {}))
        version.first_row = first_rows[number]
        version.tables = {
            name: Table.from_records(name, tables.get(name, []), sheet=VERSIONS_SHEET)
            for name in VERSION_TABLES
        }
        _place(version, first_rows[number])
    for number in [n for n, v in out.versions.items() if not v.tables]:
        out.findings.append(
            warning(
                "version-missing",
                f"version {number} is named for a cycle but none of its rows are recorded; "
                "those cycles are judged by the current framework",
                "do not edit the Framework Versions sheet by hand; merge writes it",
                Where(file=file, sheet=VERSIONS_SHEET),
            )
        )
        del out.versions[number]
        out.cycles = {c: n for c, n in out.cycles.items() if n != number}
    return out


def _place(version: Version, first_row: int) -> None:
    """Point every value of a recorded table at its Record cell on the sheet."""
    letter = column_letters(RECORD_COLUMN + 2)
    row = first_row
    for name in VERSION_TABLES:
        table = version.tables[name]
        cells = [f"{letter}{row + i}" for i in range(len(table))]
        table.places = pd.DataFrame({c: cells for c in columns(name)}, index=table.data.index)
        row += len(table)


def _records(table: Table) -> list[dict[str, Any]]:
    out = []
    for rec in table.data.to_dict("records"):
        out.append({str(c): _plain(rec.get(c)) for c in columns(table.name)})
    return out


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _int(value: Any) -> int | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return int(f) if f.is_integer() else None


def _bad(file: str, row: int, col: int, message: str) -> Finding:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return warning(
        "version-unreadable",
        message,
        "do not edit the Framework Versions sheet by hand; merge writes it",
        Where(file=file, sheet=VERSIONS_SHEET, cell=xl_rowcol_to_cell(row, col)),
    )
