"""A mapping for layouts the reader cannot guess: a TOML file or a "Ladder Settings" sheet.

TOML file (one section per table; every key is optional)::

    [levels]
    sheet = "Org Grades"          # or: sheets = ["Grades - Eng", "Grades - Sales"]
    header_row = 3                # the row number Excel shows
    [levels.columns]
    level = "Grade Code"          # canonical column (or the template header) = header in the sheet
    order = "Rank #"

    [expectations]
    sheet = "Eng Skills"
    family = "Engineering"        # the job family of a per-family Matrix sheet
    [expectations.levels]
    "Junior Engineer" = "IC1"     # header of a level column = level code

Tables are named as in the template ("Levels", "Matrix", "Promotion Criteria") or by their
canonical names (levels, expectations, criteria). A settings sheet named "Ladder Settings"
holds the same as rows under the header `Table | Sheet | Column | Header | Header Row`:
a row with Sheet names a sheet (repeat the row for several sheets), a row with Column and
Header maps one column; on a Matrix or Behaviors row a Column holding a level code maps a
level column ("Column: IC1, Header: Junior Engineer"). A mapping file wins over the settings
sheet, table by table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.errors import LayoutError
from ladder_sheets.findings import Finding, Where, warning
from ladder_sheets.model import TABLES, columns
from ladder_sheets.values import clean_text, did_you_mean, normalize_header
from ladder_sheets.workbook.aliases import WIDE_TABLES
from ladder_sheets.workbook.grid import Grid, a1

SETTINGS_SHEET = "Ladder Settings"


@dataclass
class TableMapping:
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None  # 1-based, as Excel shows it
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> header text
    levels: dict[str, str] = field(default_factory=dict)  # header text -> level code
    family: str | None = None
    units: dict[str, str] = field(default_factory=dict)  # canonical column -> unit of time


@dataclass
class Mapping:
    tables: dict[str, TableMapping] = field(default_factory=dict)
    source: str = ""
    findings: list[Finding] = field(default_factory=list)

    def get(self, table: str) -> TableMapping | None:
        return self.tables.get(table)

    def table(self, table: str) -> TableMapping:
        return self.tables.setdefault(table, TableMapping())

    def updated(self, other: Mapping) -> Mapping:
        """This mapping with every table `other` maps replaced by other's."""
        merged = Mapping(dict(self.tables), self.source, [*self.findings, *other.findings])
        merged.tables.update(other.tables)
        return merged

    @classmethod
    def from_toml(cls, path: Path) -> Mapping:
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise LayoutError(
                f"cannot read the mapping file ({exc.strerror or exc})",
                file=str(path),
                hint="check the path of the mapping file",
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise LayoutError(
                f"the mapping file is not valid TOML ({exc})",
                file=str(path),
                hint="see the format in the documentation of ladder_sheets.workbook.mapping",
            ) from None
        mapping = cls(source=str(path))
        for name, section in raw.items():
            table = table_name(name)
            if table is None or not isinstance(section, dict):
                raise LayoutError(
                    f"unknown table [{name}] in the mapping file."
                    + did_you_mean(name, [t for t, _ in _TABLE_NAMES]),
                    file=str(path),
                    hint="name tables as in the template: " + ", ".join(TABLES),
                )
            _fill_from_toml(mapping.table(table), table, section, str(path))
        return mapping

    @classmethod
    def from_sheet(cls, grid: Grid, file: str = "") -> Mapping:
        mapping = cls(source=f"{file}!{grid.sheet}" if file else grid.sheet)
        header_row = None
        cols: dict[str, int] = {}
        for row in grid.rows_present()[:10]:
            found = {normalize_header(v): c for c, v in grid.row_cells(row) if isinstance(v, str)}
            if "table" in found and ("sheet" in found or "column" in found):
                header_row = row
                cols = found
                break
        if header_row is None:
            mapping.findings.append(
                warning(
                    "unreadable-settings-sheet",
                    f"the '{grid.sheet}' sheet has no header row Table | Sheet | Column | Header",
                    "add that header row above the mapping rows, or delete the sheet",
                    Where(file=file, sheet=grid.sheet, cell="A1"),
                )
            )
            return mapping
        for row in grid.rows_present():
            if row <= header_row:
                continue

            def cell(name: str, row: int = row) -> Any:
                return grid.get(row, cols[name]) if name in cols else None

            where = Where(file=file, sheet=grid.sheet, cell=a1(row, cols["table"]))
            raw_table = clean_text(cell("table"))
            if not raw_table:
                continue
            table = table_name(raw_table)
            if table is None:
                mapping.findings.append(
                    warning(
                        "unknown-mapping-table",
                        f"'{raw_table}' is not a table of the framework."
                        + did_you_mean(raw_table, [t for t, _ in _TABLE_NAMES]),
                        "use a sheet name of the template, such as Levels or Matrix",
                        where,
                    )
                )
                continue
            entry = mapping.table(table)
            sheet = clean_text(cell("sheet"))
            if sheet and sheet not in entry.sheets:
                entry.sheets.append(sheet)
            number = cell("header row")
            if isinstance(number, int) and number > 0:
                entry.header_row = number
            column, header = clean_text(cell("column")), clean_text(cell("header"))
            if column and header:
                canonical = column_name(table, column)
                if canonical is not None:
                    entry.columns[canonical] = header
                elif table in WIDE_TABLES:
                    entry.levels[header] = column
                else:
                    mapping.findings.append(
                        warning(
                            "unknown-mapping-column",
                            f"'{column}' is not a column of {TABLES[table][0]}."
                            + did_you_mean(column, [h for _, h in TABLES[table][1]]),
                            "use a column name of the template",
                            Where(file=file, sheet=grid.sheet, cell=a1(row, cols["column"])),
                        )
                    )
        return mapping


_TABLE_NAMES = [(t, t) for t in TABLES] + [(spec[0], t) for t, spec in TABLES.items()]


def table_name(name: str) -> str | None:
    key = normalize_header(name)
    for alias, table in _TABLE_NAMES:
        if normalize_header(alias) == key:
            return table
    return None


def column_name(table: str, name: str) -> str | None:
    key = normalize_header(name)
    for column, header in TABLES[table][1]:
        if key in (normalize_header(column), normalize_header(header)):
            return column
    return None


def _fill_from_toml(entry: TableMapping, table: str, section: dict[str, Any], file: str) -> None:
    sheets = section.get("sheets", section.get("sheet", []))
    entry.sheets = [sheets] if isinstance(sheets, str) else [str(s) for s in sheets]
    if isinstance(section.get("header_row"), int):
        entry.header_row = section["header_row"]
    if isinstance(section.get("family"), str):
        entry.family = section["family"]
    for name, header in dict(section.get("columns", {})).items():
        canonical = column_name(table, name)
        if canonical is None:
            raise LayoutError(
                f"'{name}' is not a column of {TABLES[table][0]}."
                + did_you_mean(name, columns(table)),
                file=file,
                hint="use a canonical column name such as " + ", ".join(columns(table)[:3]),
            )
        entry.columns[canonical] = str(header)
    entry.levels.update({str(h): str(code) for h, code in dict(section.get("levels", {})).items()})
