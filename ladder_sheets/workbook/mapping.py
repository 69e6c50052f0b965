"""A mapping for what the reader should not guess: a TOML file or a "Ladder Settings" sheet.

The full TOML format is in the README ("The mapping"); `ladder-sheets inspect --write-mapping`
writes one that reproduces a reading. In short, one section per table (every key optional)::

    [levels]
    sheet = "Org Grades"          # or: sheets = ["Grades - Eng", "Grades - Sales"]
    header_row = 3                # the row number Excel shows; [levels.header_rows] per sheet
    shape = "wide"                # Matrix/Behaviors: wide, transposed or long
    [levels.columns]
    level = "Grade Code"          # canonical column (or the template header) = header in the sheet
    name = ["First", "Last"]      # (employees) a value joined from several columns
    [levels.units]
    min_quarters = "month"        # the unit of time in level: month, quarter, year, week, day

    [expectations]
    sheet = "Eng Skills"
    family = "Engineering"        # the job family of a per-family Matrix sheet
    [expectations.families]       # or one per sheet
    "Eng Skills" = "Engineering"
    [expectations.levels]
    "Junior Engineer" = "IC1"     # header of a level column = level code
    [expectations.labels]
    "Proficient" = 3              # a word written in Matrix cells = its number

and for review exports `[export]` (every export) and `[exports."file name"]` (one export), each
with `sheet`, `columns` (role = header), `raters` (word = rater type), `labels` (label =
number), `cycles` (value = 2026-Q2) and `keys` (employee = id, email or name).

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
from ladder_sheets.workbook.vocabulary import UNITS

SETTINGS_SHEET = "Ladder Settings"


@dataclass
class TableMapping:
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None  # 1-based, as Excel shows it
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> header text
    levels: dict[str, str] = field(default_factory=dict)  # header text -> level code
    family: str | None = None
    units: dict[str, str] = field(default_factory=dict)  # canonical column -> unit of time
    families: dict[str, str] = field(default_factory=dict)  # sheet -> its job family
    header_rows: dict[str, int] = field(default_factory=dict)  # sheet -> header row
    joined: dict[str, list[str]] = field(default_factory=dict)  # column <- several headers
    shape: str | None = None  # wide tables: "wide", "transposed" or "long"
    labels: dict[str, float] = field(default_factory=dict)  # Matrix: a word -> its number
    statuses: dict[str, str] = field(default_factory=dict)  # Employees: a status -> left/current

    def family_of(self, sheet: str) -> str | None:
        return self.families.get(sheet, self.family)

    def header_row_of(self, sheet: str) -> int | None:
        return self.header_rows.get(sheet, self.header_row)


@dataclass
class ExportMapping:
    """How review exports are read: columns by role, the sheet, rater words, rating labels,
    cycle names and what identifies a person (id, email or name)."""

    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # role -> header
    raters: dict[str, str] = field(default_factory=dict)  # word in the export -> rater type
    labels: dict[str, float] = field(default_factory=dict)  # label -> rating
    cycles: dict[str, str] = field(default_factory=dict)  # value in the export -> 2026-Q2
    keys: dict[str, str] = field(default_factory=dict)  # employee/reviewer -> id|email|name

    def updated(self, other: ExportMapping) -> ExportMapping:
        return ExportMapping(
            other.sheet or self.sheet,
            {**self.columns, **other.columns},
            {**self.raters, **other.raters},
            {**self.labels, **other.labels},
            {**self.cycles, **other.cycles},
            {**self.keys, **other.keys},
        )

    def reader_mapping(self) -> dict[str, str]:
        """The role -> header mapping read_export takes ("sheet" included)."""
        out = dict(self.columns)
        if self.sheet:
            out["sheet"] = self.sheet
        return out


@dataclass
class Mapping:
    tables: dict[str, TableMapping] = field(default_factory=dict)
    source: str = ""
    findings: list[Finding] = field(default_factory=list)
    # [export]: every export; [exports."file name"]: one export (by its file name)
    export: ExportMapping = field(default_factory=ExportMapping)
    exports: dict[str, ExportMapping] = field(default_factory=dict)

    def export_for(self, path: Path | str) -> ExportMapping:
        """The export mapping for one file: [export] with [exports."<name>"] over it."""
        return self.export.updated(self.exports.get(Path(path).name, ExportMapping()))

    def get(self, table: str) -> TableMapping | None:
        return self.tables.get(table)

    def table(self, table: str) -> TableMapping:
        return self.tables.setdefault(table, TableMapping())

    def updated(self, other: Mapping) -> Mapping:
        """This mapping with every table `other` maps replaced by other's."""
        merged = Mapping(dict(self.tables), self.source, [*self.findings, *other.findings])
        merged.tables.update(other.tables)
        merged.export = self.export.updated(other.export)
        merged.exports = {**self.exports, **other.exports}
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
            if name == "export" and isinstance(section, dict):
                mapping.export = _export_from_toml(section, str(path))
                continue
            if name == "exports" and isinstance(section, dict):
                for file_name, sub in section.items():
                    if isinstance(sub, dict):
                        mapping.exports[file_name] = _export_from_toml(sub, str(path))
                continue
            table = table_name(name)
            if table is None or not isinstance(section, dict):
                raise LayoutError(
                    f"unknown table [{name}] in the mapping file."
                    + did_you_mean(name, [t for t, _ in _TABLE_NAMES]),
                    file=str(path),
                    hint="name tables as in the template ("
                    + ", ".join(TABLES)
                    + '), or [export] / [exports."file name"] for review exports',
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
        if isinstance(header, list) and header:
            # a value read from several columns joined ("First Name", "Last Name")
            entry.joined[canonical] = [str(h) for h in header]
            header = header[0]
        entry.columns[canonical] = str(header)
    entry.levels.update({str(h): str(code) for h, code in dict(section.get("levels", {})).items()})
    entry.families.update({str(s): str(f) for s, f in dict(section.get("families", {})).items()})
    rows = dict(section.get("header_rows", {}))
    entry.header_rows.update({str(s): int(n) for s, n in rows.items() if isinstance(n, int)})
    for name, unit in dict(section.get("units", {})).items():
        canonical = column_name(table, name)
        if canonical is None or str(unit).rstrip("s") not in UNITS:
            raise LayoutError(
                f"units: '{name} = {unit}' is not a column and a unit of time",
                file=file,
                hint='write min_quarters = "month" (or quarter, year, week, day)',
            )
        entry.units[canonical] = str(unit).rstrip("s")
    entry.labels = _labels(section, file, '"Proficient" = 3')
    entry.statuses = _statuses(section, file)
    shape = section.get("shape")
    if shape is not None:
        if shape not in SHAPES:
            raise LayoutError(
                f"shape = '{shape}' is not one of {', '.join(SHAPES)}",
                file=file,
                hint='write shape = "wide" (levels as columns), "transposed" (levels as rows) '
                'or "long" (Competency | Level | Expected)',
            )
        entry.shape = str(shape)


SHAPES = ("wide", "transposed", "long")
EXPORT_KEYS = ("sheet", "columns", "raters", "labels", "cycles", "keys")


def _export_from_toml(section: dict[str, Any], file: str) -> ExportMapping:
    unknown = [k for k in section if k not in EXPORT_KEYS]
    if unknown:
        raise LayoutError(
            f"unknown key '{unknown[0]}' in an export section of the mapping."
            + did_you_mean(unknown[0], EXPORT_KEYS),
            file=file,
            hint="an export section holds: " + ", ".join(EXPORT_KEYS),
        )
    out = ExportMapping()
    if isinstance(section.get("sheet"), str):
        out.sheet = section["sheet"]
    out.columns = {str(k): str(v) for k, v in dict(section.get("columns", {})).items()}
    out.raters = {str(k): str(v) for k, v in dict(section.get("raters", {})).items()}
    out.labels = _labels(section, file, '"Meets expectations" = 3')
    out.cycles = {str(k): str(v) for k, v in dict(section.get("cycles", {})).items()}
    out.keys = {str(k): str(v) for k, v in dict(section.get("keys", {})).items()}
    return out


def _statuses(section: dict[str, Any], file: str) -> dict[str, str]:
    """[employees.status]: each status word with "left" or "current" (workbook/status.py)."""
    out: dict[str, str] = {}
    for word, said in dict(section.get("status", {})).items():
        if str(said).strip().casefold() not in ("left", "current"):
            raise LayoutError(
                f'status: \'{word}\' = {said!r} is neither "left" nor "current"',
                file=file,
                hint='write each status with what it means, e.g. "Garden leave" = "current"',
            )
        out[str(word)] = str(said).strip().casefold()
    return out


def _labels(section: dict[str, Any], file: str, example: str) -> dict[str, float]:
    """A section's [labels]: each word with its number."""
    out: dict[str, float] = {}
    for label, value in dict(section.get("labels", {})).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LayoutError(
                f"labels: '{label}' = {value!r} is not a number",
                file=file,
                hint=f"write each label with its number, e.g. {example}",
            )
        out[str(label)] = float(value)
    return out
