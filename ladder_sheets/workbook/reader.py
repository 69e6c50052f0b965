"""Reading a framework workbook into canonical tables, each value with its A1 cell.

    framework = read_framework(Path("competency_matrix.xlsx"))
    framework.levels.data        # canonical columns, values as read (text cleaned)
    framework.levels.cells       # the A1 address of every value
    framework.findings           # what could not be found: missing-sheet, missing-column, ...

Sheets are found by name (aliases), else by the columns they hold; a mapping (TOML file or
"Ladder Settings" sheet, see mapping.py) says what cannot be guessed. Matrix and Behaviors
sheets are wide (one column per level) and are melted to the long tables `expectations` and
`behaviors`; blank cells there mean "not expected" and give no row. Values are not coerced:
numbers stay numbers, text is cleaned with `values.clean_text` ("NA" stays the text "NA", "3"
stored as text stays "3"), dates stay what the cell type gives.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import CellMap, SheetRows, column_letters
from ladder_sheets.errors import LayoutError
from ladder_sheets.findings import Finding, Where, error, info, warning
from ladder_sheets.model import (
    GENERATED_SHEETS,
    REQUIRED_TABLES,
    TABLES,
    Framework,
    Table,
    columns,
    stacked_places,
)
from ladder_sheets.store.record import STORE_SHEET
from ladder_sheets.values import clean_text, closest, normalize_header
from ladder_sheets.versions import VERSIONS_SHEET, read_versions
from ladder_sheets.workbook import history_cache
from ladder_sheets.workbook.aliases import REQUIRED_COLUMNS, UNSAID_COLUMNS, WIDE_TABLES
from ladder_sheets.workbook.expectation_words import read_expectation_words
from ladder_sheets.workbook.extent import sheet_names
from ladder_sheets.workbook.grid import (
    Grid,
    LongGrid,
    Words,
    a1,
    filled,
    read_grids,
    read_grids_ahead,
)
from ladder_sheets.workbook.header import (
    TableLayout,
    find_header,
    is_note_row,
    is_totals_label,
    level_code,
)
from ladder_sheets.workbook.hidden_rows import hidden_people
from ladder_sheets.workbook.level_names import resolve_levels, split_level_cells
from ladder_sheets.workbook.mapping import SETTINGS_SHEET, Mapping, TableMapping
from ladder_sheets.workbook.people import resolve_managers
from ladder_sheets.workbook.readings import (
    convert_units,
    doubt_findings,
    expand_family,
    family_values,
    join_names,
    other_keys,
)
from ladder_sheets.workbook.recognise import INSPECT_HINT
from ladder_sheets.workbook.safe import check_package
from ladder_sheets.workbook.sheets import assign_by_content, assign_by_name, missing_sheet
from ladder_sheets.workbook.status import read_leavers

# Sheets of the template (and of `check --annotate`) that hold no framework table: read past
# without a note.
AUXILIARY_SHEETS = {"instructions", "lists", "check findings", "readme", "read me", "about"}

# How alike two headers must be for one to be suggested for the other (difflib ratio).
SUGGEST = 0.7

# Levels first: their codes name the level columns of the wide sheets.
READ_ORDER = ("levels", *(t for t in TABLES if t != "levels"))


def read_framework(
    path: Path | str,
    mapping: Mapping | Path | str | None = None,
    *,
    record: list[tuple[str, str, TableLayout]] | None = None,
) -> Framework:
    """Every table of the framework workbook at `path`. Raises UnreadableFile (and its
    subclasses) for files that cannot be opened, LayoutError when no framework table is found
    or the mapping file is bad; everything else becomes a finding in `framework.findings`.
    `record` receives (table, sheet, layout) for every sheet read (for `inspect`)."""
    path = Path(path)
    check_package(path)
    # history cache: the history sheets of a fresh cache are not parsed (see history_cache.py)
    cache = history_cache.Lookup.open(path) if record is None else None
    aside = set(cache.sheets) if cache is not None else set()
    # the first sheets' tables are read while the parsers read the long history behind them
    grids = read_grids_ahead(path, checked=True, skip_reports=True, skip=aside)
    try:
        framework, store_name = _read_tables(path, grids, mapping, record, cache, aside)
    except Exception:
        grids.finish()  # a sheet that cannot be read is the error, as if read before all else
        raise
    grids.finish()
    # the cycles only the store holds, joined to the sheet's (ladder_sheets/store)
    from ladder_sheets.store.attach import attach, refuse_unrecorded

    if store_name is not None:
        attach(framework, grids[store_name].values)
    else:
        refuse_unrecorded(path)
    return framework


def _read_tables(
    path: Path,
    grids: MutableMapping[str, Grid],
    mapping: Mapping | Path | str | None,
    record: list[tuple[str, str, TableLayout]] | None,
    cache: history_cache.Lookup | None,
    aside: set[str],
) -> tuple[Framework, str | None]:
    """read_framework's tables from the grids, and the History Store sheet's name, if any."""
    file = str(path)
    settings_name = next(
        (s for s in grids if normalize_header(s) == normalize_header(SETTINGS_SHEET)), None
    )
    active = Mapping.from_sheet(grids[settings_name], file) if settings_name else Mapping()
    if mapping is not None:
        given = mapping if isinstance(mapping, Mapping) else Mapping.from_toml(Path(mapping))
        active = active.updated(given)
    findings: list[Finding] = [*_duplicate_sheets(path, file), *active.findings]
    # Framework Versions is read below, on its own terms, never as a framework table.
    versions_name = next(
        (s for s in grids if normalize_header(s) == normalize_header(VERSIONS_SHEET)), None
    )
    # History Store (ladder_sheets/store): the record of the store beside the workbook.
    store_name = next(
        (s for s in grids if normalize_header(s) == normalize_header(STORE_SHEET)), None
    )
    skipped = {settings_name, versions_name, store_name, *GENERATED_SHEETS}
    data_sheets = [s for s in grids if s not in skipped]

    assigned = assign_by_name(data_sheets, active, grids, file, findings)
    if cache is not None and aside and assigned.get("history") != cache.assigned:
        _unskip(path, grids, aside)
    reader = _TableReader(grids, file, findings, active)
    reader.record = record
    tables: dict[str, Table] = {}
    sources: dict[str, list[str]] = {}
    cached: history_cache.CachedHistory | None = None
    for table in READ_ORDER:
        by_name = table in assigned
        if table not in assigned:
            assign_by_content(
                table, data_sheets, assigned, grids, reader.codes, reader.competencies
            )
        if table == "history" and (cache is not None or (record is None and by_name)):
            digest = reader.history_context(assigned.get(table, []))
            cached = cache.hit(digest, file) if aside and cache is not None else None
            if cached is not None:
                tables[table], sources[table] = cached.raw, list(cached.sheets)
                findings.extend(cached.read_findings)
                reader.restore_layouts(cached.layouts)
                continue
            _unskip(path, grids, aside)
            start = len(findings)
        parts = [reader.read(table, sheet, family) for sheet, family in assigned.get(table, [])]
        found = [p for p in parts if p is not None]
        # one Table for the framework and the cache: a history over two sheets ("Ratings
        # History (2)", past Excel's row limit) was concatenated twice and never cached
        whole = _concat(table, found, file) if found else None
        if (
            table == "history"
            and whole is not None
            and by_name
            and record is None
            and len(found) == len(parts)
            and len(whole) >= history_cache.MIN_ROWS
        ):
            cached = reader.pending_history(whole, assigned[table], digest, findings[start:])
        if whole is not None:
            tables[table] = whole
            sources[table] = [s for s, _ in assigned[table]]
            if table == "levels":
                findings.extend(split_level_cells(tables[table]))
                reader.set_codes(tables[table])
            if table == "competencies":
                reader.set_competencies(tables[table])
        elif not assigned.get(table):
            findings.append(missing_sheet(table, data_sheets, assigned, file))

    findings.extend(resolve_levels(tables, reader.codes))
    labels = (active.get("expectations") or TableMapping()).labels
    findings.extend(read_expectation_words(tables.get("expectations"), labels))
    marked_left = None
    if "employees" in tables:
        findings.extend(resolve_managers(tables["employees"], reader.people_keys))
        marked_left, said = read_leavers(
            tables["employees"],
            reader.status_headers(),
            (active.get("employees") or TableMapping()).statuses,
        )
        findings.extend(said)
        findings.extend(hidden_people(path, tables["employees"], marked_left))
    if not tables:
        raise LayoutError(
            "no framework table found: no sheet holds levels, competencies or a matrix",
            file=file,
            hint="use the template's sheet names (Levels, Competencies, Matrix) and header rows, "
            "or add a 'Ladder Settings' sheet or a mapping file saying where the tables are",
        )
    used = {s for names in sources.values() for s in names}
    for sheet in data_sheets:
        if normalize_header(sheet) in AUXILIARY_SHEETS:
            continue
        if sheet not in used and not any(sheet == s for v in assigned.values() for s, _ in v):
            twin = reader.twin_of(sheet)
            if twin is not None:
                findings.append(twin)
                continue
            findings.append(
                info(
                    "ignored-sheet",
                    f"sheet '{sheet}' is not part of the framework and was not read",
                    "rename it or map it in the settings if it holds a framework table",
                    Where(file=file, sheet=sheet),
                )
            )
    versions = read_versions(grids[versions_name].values, file) if versions_name else None
    if versions is not None:
        findings.extend(versions.findings)
    framework = Framework(path, tables, findings, list(grids), sources, versions=versions)
    framework.marked_left = marked_left
    if cached is not None and tables.get("history") is cached.raw:
        framework.history_cache = cached
        cached.inputs = reader.inputs()  # what merge reads the rows it appends with
    return framework, store_name


def _unskip(path: Path, grids: MutableMapping[str, Grid], aside: set[str]) -> None:
    """Parse the sheets left to the history cache after all (its context did not match)."""
    if aside:
        others = set(grids) - aside
        fresh = read_grids(path, checked=True, skip=others)
        grids.update({s: g for s, g in fresh.items() if s in aside})
        aside.clear()


def _duplicate_sheets(path: Path, file: str) -> list[Finding]:
    """Two sheets whose names differ only in capitals (or not at all): Excel refuses such a
    workbook, and only one of the two can be read."""
    first: dict[str, str] = {}
    found = []
    for name in sheet_names(path):
        key = name.casefold()
        if key not in first:
            first[key] = name
            continue
        found.append(
            error(
                "duplicate-sheet-name",
                f"the sheets '{first[key]}' and '{name}' have the same name as Excel compares "
                "names (capitals do not count): Excel refuses the workbook and only one of "
                "the two sheets is read",
                "rename one of the two sheets",
                Where(file=file, sheet=name),
            )
        )
    return found


@dataclass
class HistoryInputs:
    """What the reading of the history sheets takes from the rest of the workbook (the
    mapping in force and what Levels and Competencies said): `read_history_rows` reads more
    history rows exactly as the reading these were kept from would have."""

    mapping: Mapping
    codes: dict[str, str]
    competencies: dict[str, str]
    family_names: dict[str, str]
    family_codes: dict[str, list[str]]


def read_history_rows(
    grid: Grid,
    file: str,
    inputs: HistoryInputs,
    assigned: list[tuple[str, str | None]],
    family: str | None,
) -> tuple[Table | None, list[Finding], TableLayout | None, str]:
    """The history table of one sheet's `grid` as read_framework reads it, given the inputs
    of an earlier reading: (table, the reading's findings, the layout found, the context
    digest of `assigned`, as history_cache keys it)."""
    findings: list[Finding] = []
    reader = _TableReader({grid.sheet: grid}, file, findings, inputs.mapping)
    reader.codes = dict(inputs.codes)
    reader.competencies = dict(inputs.competencies)
    reader.family_names = dict(inputs.family_names)
    reader.family_codes = {k: list(v) for k, v in inputs.family_codes.items()}
    digest = reader.history_context(assigned)
    table = reader.read("history", grid.sheet, family)
    return table, findings, reader.layouts.get(("history", grid.sheet)), digest


class _TableReader:
    """Reads one table from one sheet: header, columns, findings, rows with their cells."""

    def __init__(
        self,
        grids: MutableMapping[str, Grid],
        file: str,
        findings: list[Finding],
        mapping: Mapping,
    ) -> None:
        self.grids = grids
        self.file = file
        self.findings = findings
        self.mapping = mapping
        self.codes: dict[str, str] = {}
        self.family_names: dict[str, str] = {}
        # header -> (value -> row position) of the people sheet's other unique columns
        self.people_keys: dict[str, dict[str, int]] = {}
        self.competencies: dict[str, str] = {}
        # normalized family -> its level codes, in the Levels sheet's order
        self.family_codes: dict[str, list[str]] = {}
        self.record: list[tuple[str, str, TableLayout]] | None = None
        self.layouts: dict[tuple[str, str], TableLayout] = {}

    def history_context(self, sheets: list[tuple[str, str | None]]) -> str:
        """What the reading of the history sheets depends on besides their parts."""
        return history_cache.context(
            sheets,
            self.mapping.get("history"),
            self.codes,
            self.competencies,
            self.family_names,
        )

    def inputs(self) -> HistoryInputs:
        return HistoryInputs(
            self.mapping,
            dict(self.codes),
            dict(self.competencies),
            dict(self.family_names),
            {k: list(v) for k, v in self.family_codes.items()},
        )

    def status_headers(self) -> dict[str, str]:
        """Sheet -> the header of its Employees status column (a yes/no answers it)."""
        out = {}
        for (table, sheet), layout in self.layouts.items():
            if table == "employees" and "status" in layout.columns:
                out[sheet] = layout.headers.get(layout.columns["status"], "")
        return out

    def restore_layouts(self, layouts: list[history_cache.Layout]) -> None:
        for x in layouts:
            self.layouts[("history", x.sheet)] = TableLayout(
                "history", x.sheet, x.header_row, dict(x.columns), headers=dict(x.headers)
            )

    def pending_history(
        self,
        table: Table,
        assigned: list[tuple[str, str | None]],
        digest: str,
        findings: list[Finding],
    ) -> history_cache.CachedHistory:
        """The history just read, for the cache once the schema has typed it."""
        layouts = [
            history_cache.Layout(s, x.header_row, dict(x.columns), dict(x.headers))
            for s, _ in assigned
            if (x := self.layouts.get(("history", s))) is not None
        ]
        return history_cache.CachedHistory(
            table, list(assigned), digest, list(findings), layouts, pending=True
        )

    def set_competencies(self, competencies: Table) -> None:
        for value in competencies.data["competency"].tolist():
            name = clean_text(value)
            if name:
                self.competencies.setdefault(normalize_header(name), name)

    def set_codes(self, levels: Table) -> None:
        for value in levels.data["level"].tolist():
            code = clean_text(value)
            if code:
                self.codes.setdefault(normalize_header(code), code)
        self.family_names = {
            normalize_header(f): str(f) for f in levels.data["family"].tolist() if f
        }
        for family, value in zip(levels.data["family"], levels.data["level"], strict=True):
            code, name = clean_text(value), clean_text(family)
            if code and name:
                codes = self.family_codes.setdefault(normalize_header(name), [])
                if code not in codes:
                    codes.append(code)
        # job titles name level columns too ("Senior Engineer" for IC3), where one title is
        # one level
        by_title: dict[str, set[str]] = {}
        for title, value in zip(levels.data["title"], levels.data["level"], strict=True):
            code, text = clean_text(value), clean_text(title)
            if code and text:
                by_title.setdefault(normalize_header(text), set()).add(code)
        for title_key, found in by_title.items():
            if len(found) == 1:
                self.codes.setdefault(title_key, next(iter(found)))

    def read(self, table: str, sheet: str, family: str | None) -> Table | None:
        grid = self.grids[sheet]
        entry = self.mapping.get(table) or TableMapping()
        number = entry.header_row_of(sheet)
        header_row = number - 1 if number else None
        layout = find_header(
            grid,
            table,
            self.codes or None,
            header_row=header_row,
            forced=entry.columns,
            forced_levels=entry.levels,
            competencies=self.competencies or None,
            joined=entry.joined,
            shape=entry.shape,
        )
        where = Where(file=self.file, sheet=sheet, cell="A1")
        if layout is None or not layout.columns:
            severity = error if table in REQUIRED_TABLES else warning
            self.findings.append(
                severity(
                    "missing-header",
                    f"no header row for {TABLES[table][0]} found on sheet '{sheet}' "
                    f"(looked for {', '.join(h for _, h in TABLES[table][1][:4])})",
                    "put the column names of the template in one row above the data, "
                    "or map them in the 'Ladder Settings' sheet; " + INSPECT_HINT,
                    where,
                )
            )
            return None
        layout.family = self._family(family, sheet, entry) or entry.family_of(sheet)
        layout.mapped_units = dict(entry.units)
        self.layouts[(table, sheet)] = layout
        if self.record is not None:
            self.record.append((table, sheet, layout))
        self.findings.extend(doubt_findings(layout, self.file))
        if table == "employees":
            self._key_people(layout)
        self._column_findings(table, layout, entry)
        if table in WIDE_TABLES:
            self._wide_findings(table, grid, layout)
        if layout.transposed:
            out = self._melt_transposed(table, grid, layout)
        elif table in WIDE_TABLES and not layout.long_form:
            out = self._melt(table, grid, layout)
        else:
            out = self._rows(table, grid, layout)
            join_names(out, layout, grid)
            if table == "employees":
                self.people_keys.update(other_keys(out, layout, grid))
            self.findings.extend(convert_units(out, layout, self.file))
        self.findings.extend(family_values(out, layout, self.file, self.family_names))
        return out

    def twin_of(self, sheet: str) -> Finding | None:
        """A sheet left unread whose header holds the same columns as a sheet read for a table
        ("Employees 2025" beside "Employees"): one of them is stale, and only a person knows
        which. A warning naming both, never a silent pick."""
        for (table, read), layout in self.layouts.items():
            if table in WIDE_TABLES or len(layout.columns) < 2:
                continue
            other = find_header(self.grids[sheet], table, self.codes or None)
            if other is None:
                continue
            same = {layout.headers.get(c) for c in layout.columns.values()}
            theirs = {other.headers.get(c) for c in other.columns.values()}
            if len(same & theirs) >= 0.8 * len(same):
                return warning(
                    "second-candidate-sheet",
                    f"sheets '{read}' and '{sheet}' both hold {TABLES[table][0]} (the same "
                    f"columns); '{read}' was read, '{sheet}' was not",
                    f"if '{sheet}' is the current one, name it in a mapping ([{table}] sheet = "
                    f'"{sheet}"), or rename or delete the stale one; ' + INSPECT_HINT,
                    Where(file=self.file, sheet=sheet, cell=other.header_cell()),
                )
        return None

    def _key_people(self, layout: TableLayout) -> None:
        """People without an ID column are keyed by their e-mail, else by their name."""
        if "employee_id" in layout.columns or any(
            d.concept == "employee_id" for d in layout.doubts
        ):
            return
        key = next((k for k in ("email", "name") if k in layout.columns), None)
        if key is None or (key == "name" and "name" in layout.combined):
            return
        layout.columns["employee_id"] = layout.columns[key]
        header = layout.headers.get(layout.columns[key], key)
        self.findings.append(
            info(
                "people-keyed-by-" + ("email" if key == "email" else "name"),
                f"no Employee ID column on sheet '{layout.sheet}': people are identified by "
                f"'{header}'",
                "add an Employee ID column if two people may share it; " + INSPECT_HINT,
                Where(
                    file=self.file,
                    sheet=layout.sheet,
                    cell=a1(layout.header_row, layout.columns[key]),
                ),
            )
        )

    def _family(self, family: str | None, sheet: str, entry: TableMapping) -> str | None:
        """The family a sheet's name gives, spelled as the Levels sheet spells it: "Eng
        Matrix" is Engineering's when Engineering is the one family starting with "Eng"."""
        if family is None or sheet in entry.families:
            return family
        key = normalize_header(family)
        if key in self.family_names or not self.family_names:
            return self.family_names.get(key, family)
        full = expand_family(family, self.family_names)
        if full is None:
            return family  # the reference check reports an unknown family
        self.findings.append(
            info(
                "family-from-sheet-name",
                f"sheet '{sheet}' read as the {full} family's (its name says '{family}')",
                f'if not, name the family in the mapping ([<table>.families] "{sheet}" = ...)',
                Where(file=self.file, sheet=sheet),
            )
        )
        return full

    def _column_findings(self, table: str, layout: TableLayout, entry: TableMapping) -> None:
        wide = table in WIDE_TABLES
        # a closest suggestion is never a column read (or in doubt) for another concept
        matched = set(layout.columns.values()) | set(layout.level_columns)
        matched |= {c.column for d in layout.doubts for c in d.candidates}
        matched |= {c for parts in layout.combined.values() for c in parts}
        unmatched = [t for c, t in layout.headers.items() if c not in matched]
        in_doubt = {d.concept for d in layout.doubts if d.kind == "close"}
        for column, template_header in TABLES[table][1]:
            if column in layout.columns or column in in_doubt:
                continue
            if column in UNSAID_COLUMNS.get(table, ()) and column not in entry.columns:
                continue
            if wide and column not in (
                ("competency", "level", "expected", "behavior")
                if layout.long_form
                else ("level",)
                if layout.transposed
                else ("competency",)
            ):
                continue
            wanted = entry.columns.get(column, template_header)
            hits = closest(wanted, unmatched, cutoff=SUGGEST)
            severity = error if column in REQUIRED_COLUMNS[table] else warning
            self.findings.append(
                severity(
                    "missing-column",
                    f"column '{wanted}' not found on sheet '{layout.sheet}' "
                    f"(header row {layout.header_row + 1})"
                    + (f"; closest: {', '.join(repr(h) for h in hits)}" if hits else ""),
                    (
                        f"rename the header to '{template_header}'"
                        if not hits
                        else f"rename '{hits[0]}' to '{template_header}'"
                    )
                    + f' or map it ([{table}.columns] {column} = "the header"); '
                    + INSPECT_HINT,
                    Where(file=self.file, sheet=layout.sheet, cell=layout.header_cell()),
                )
            )
        if not wide or layout.long_form or layout.transposed:
            return
        if not layout.level_columns:
            self.findings.append(
                error(
                    "missing-level-columns",
                    f"no level columns found on sheet '{layout.sheet}' "
                    f"(header row {layout.header_row + 1}); expected level codes such as "
                    + ", ".join(list(self.codes.values())[:3] or ["IC1", "IC2"]),
                    "write the level codes of the Levels sheet as column headers",
                    Where(file=self.file, sheet=layout.sheet, cell=layout.header_cell()),
                )
            )
        self._twin_level_findings(layout)
        for col, text in layout.unmapped_levels.items():
            hits = closest(text, list(self.codes.values()), cutoff=0.5)
            self.findings.append(
                warning(
                    "unmapped-level-column",
                    f"column '{text}' looks like a level but is not on the Levels sheet"
                    + (f"; closest: {', '.join(repr(h) for h in hits)}" if hits else ""),
                    "add the level to the Levels sheet or correct the header",
                    Where(file=self.file, sheet=layout.sheet, cell=a1(layout.header_row, col)),
                )
            )

    def _twin_level_findings(self, layout: TableLayout) -> None:
        """Columns naming a level another column names: the one read and the others said (a
        warning), or, when no header is the level alone, one error asking which to read."""
        read = {code: c for c, code in layout.level_columns.items()}
        twins: dict[str, list[int]] = {}
        for c, code in layout.twin_levels.items():
            twins.setdefault(code, []).append(c)
        for code, cols in twins.items():

            def shown(c: int) -> str:
                return f"'{layout.headers.get(c, '')}' ({a1(layout.header_row, c)})"

            where = Where(file=self.file, sheet=layout.sheet, cell=a1(layout.header_row, cols[0]))
            others = ", ".join(shown(c) for c in cols)
            if code in read:
                self.findings.append(
                    warning(
                        "level-column-twin",
                        f"{others} also name{'s' * (len(cols) == 1)} level {code}, which is "
                        f"read from {shown(read[code])}; not read",
                        "delete or rename the column if it is stale, or map the one to read "
                        f'([{layout.table}.levels] "the header" = "{code}")',
                        where,
                    )
                )
            else:
                self.findings.append(
                    error(
                        "ambiguous-level-column",
                        f"{others} all name level {code}: which one holds its values? None "
                        "is read until it is said",
                        f'map the one to read ([{layout.table}.levels] "the header" = "{code}") '
                        "or rename the others",
                        where,
                    )
                )

    def _wide_findings(self, table: str, grid: Grid, layout: TableLayout) -> None:
        """A Matrix or Behaviors sheet whose family column or a level column is under a
        header nothing recognises: one error naming the header and what it should be, with
        the rows it leaves unread. Without it every row would be read as every family's (each
        competency "duplicated") or a level would have nothing expected (a "hole" for every
        competency): the schema does not judge the framework's quality until it is fixed."""
        wide = not (layout.long_form or layout.transposed)
        # a header that means "level" over a wide sheet's values is no column the melt reads
        read = {k: c for k, c in layout.columns.items() if not (wide and k == "level")}
        matched = set(read.values()) | set(layout.level_columns)
        matched |= set(layout.competency_columns) | set(layout.unmapped_levels)
        matched |= set(layout.twin_levels)  # reported on their own (_twin_level_findings)
        matched |= {c.column for d in layout.doubts for c in d.candidates}
        matched |= {c for parts in layout.combined.values() for c in parts}
        below = [r for r in grid.rows_present() if r > layout.header_row]
        filled: dict[int, list[Any]] = {}
        for c in layout.headers:
            if c in matched:
                continue
            values = [v for r in below if (v := clean_text(grid.get(r, c))) is not None]
            if values:
                filled[c] = values
        if not filled:
            return
        rows = len(below)
        sheet, where_row = layout.sheet, layout.header_row
        if "family" not in layout.columns and not layout.family and len(self.family_names) > 1:
            for c, values in filled.items():
                known = [v for v in values if normalize_header(v) in self.family_names]
                if len(known) < 0.8 * len(values):
                    continue
                header = layout.headers[c]
                names = list(dict.fromkeys(self.family_names[normalize_header(v)] for v in known))
                self.findings.append(
                    error(
                        "missing-column",
                        f"column 'Job Family' not found on sheet '{sheet}' (header row "
                        f"{where_row + 1}); '{header}' holds job family names "
                        f"({', '.join(names[:3])}{', ...' if len(names) > 3 else ''}), so its "
                        f"{rows} rows would be read as every family's",
                        f"rename '{header}' to 'Job Family' or map it ([{table}.columns] "
                        f'family = "{header}"); ' + INSPECT_HINT,
                        Where(file=self.file, sheet=sheet, cell=a1(where_row, c)),
                    )
                )
                del filled[c]
                break
        if not wide or not layout.level_columns:
            return
        family_col = layout.columns.get("family")
        if family_col is not None:
            covered = {
                normalize_header(v) for r in below if (v := clean_text(grid.get(r, family_col)))
            }
        elif layout.family:
            covered = {normalize_header(layout.family)}
        else:
            covered = set(self.family_codes)
        columns_read = set(layout.level_columns.values())
        missing = list(
            dict.fromkeys(
                code
                for family in self.family_codes
                if family in covered
                for code in self.family_codes[family]
                if code not in columns_read
            )
        )
        if not missing:
            return
        headers = [(c, layout.headers[c]) for c in sorted(filled)]
        levels = ", ".join(missing)
        said = ", ".join(f"'{h}' ({a1(where_row, c)})" for c, h in headers)
        one = len(missing) == 1 and len(headers) == 1
        mapping = (
            f'[{table}.levels] "{headers[0][1]}" = "{missing[0]}"'
            if one
            else f'[{table}.levels] "the header" = "the level code"'
        )
        self.findings.append(
            error(
                "missing-column",
                f"level column{'s' * (len(missing) != 1)} {levels} not found on sheet "
                f"'{sheet}' (header row {where_row + 1}); {said} "
                f"{'is not a level code' if len(headers) == 1 else 'are not level codes'} "
                f"of the Levels sheet, so the sheet's {rows} rows have nothing read at "
                f"{levels}",
                (
                    f"rename '{headers[0][1]}' to '{missing[0]}'"
                    if one
                    else "rename each to its level code"
                )
                + f" or map it ({mapping}); "
                + INSPECT_HINT,
                Where(file=self.file, sheet=sheet, cell=a1(where_row, headers[0][0])),
            )
        )

    def _records(self, grid: Grid, layout: TableLayout) -> list[tuple[int, dict[int, Any]]]:
        """(row, column -> cleaned value) of each data row below the header."""
        wanted = sorted(set(layout.columns.values()) | set(layout.level_columns))
        headers = {c: layout.headers.get(c) for c in wanted}
        out: list[tuple[int, dict[int, Any]]] = []
        totals: list[tuple[int, int, str]] = []  # (row, column, label) of totals rows
        for row in grid.rows_present():
            if row <= layout.header_row:
                continue
            values = {c: _clean(grid.merged_value(row, c)) for c in wanted}
            present = {c: v for c, v in values.items() if v is not None}
            if not present or is_note_row({str(c): v for c, v in present.items()}):
                continue
            if all(v == headers[c] for c, v in present.items()):
                continue  # the header repeated (a printed page's header row)
            if not out and self._names_its_levels(present, layout):
                continue  # a second header row: each level column's title under its code
            label = present[min(present)]
            if isinstance(label, str) and is_totals_label(label):
                totals.append((row, min(present), label))
                continue
            out.append((row, values))
        if totals:
            row, col, label = totals[0]
            rows = ", ".join(str(r + 1) for r, _, _ in totals)
            self.findings.append(
                info(
                    "totals-row-skipped",
                    f"row{'s' * (len(totals) > 1)} {rows} ('{label}') "
                    f"{'sum' if len(totals) > 1 else 'sums'} up the rows above, not a record: "
                    "not read",
                    "",
                    Where(file=self.file, sheet=layout.sheet, cell=a1(row, col)),
                )
            )
        return out

    def _names_its_levels(self, present: dict[int, Any], layout: TableLayout) -> bool:
        """Whether a row's level cells (two or more) each name the level of their column."""
        named = [(c, v) for c, v in present.items() if c in layout.level_columns]
        return (
            len(named) >= 2
            and len(named) * 2 >= len(layout.level_columns)
            and all(
                isinstance(v, str) and level_code(v, self.codes) == layout.level_columns[c]
                for c, v in named
            )
        )

    def _rows(self, table: str, grid: Grid, layout: TableLayout) -> Table:
        if isinstance(grid, LongGrid) and table not in WIDE_TABLES:
            return _long_rows(table, grid, layout, self.file)
        records, cells = [], []
        for row, values in self._records(grid, layout):
            rec = {col: values.get(c) for col, c in layout.columns.items()}
            where = {col: grid.anchor(row, c) for col, c in layout.columns.items()}
            if table in WIDE_TABLES and "family" not in layout.columns:
                rec["family"] = layout.family
            records.append(rec)
            cells.append(where)
        return _table(table, records, cells, layout.sheet, self.file)

    def _melt(self, table: str, grid: Grid, layout: TableLayout) -> Table:
        value_col = "expected" if table == "expectations" else "behavior"
        family_col = layout.columns.get("family")
        comp_col = layout.columns.get("competency")
        records, cells = [], []
        for row, values in self._records(grid, layout):
            for col, code in layout.level_columns.items():
                value = values.get(col)
                if value is None:
                    continue
                records.append(
                    {
                        "family": values.get(family_col) if family_col is not None else None,
                        "competency": values.get(comp_col) if comp_col is not None else None,
                        "level": code,
                        value_col: value,
                    }
                )
                if family_col is None:
                    records[-1]["family"] = layout.family
                cells.append(
                    {
                        "family": grid.anchor(row, family_col) if family_col is not None else "",
                        "competency": grid.anchor(row, comp_col) if comp_col is not None else "",
                        "level": a1(layout.header_row, col),
                        value_col: a1(row, col),
                    }
                )
        return _table(table, records, cells, layout.sheet, self.file)

    def _melt_transposed(self, table: str, grid: Grid, layout: TableLayout) -> Table:
        """Levels as rows, competencies as columns: one row per level x competency cell."""
        value_col = "expected" if table == "expectations" else "behavior"
        level_col = layout.columns["level"]
        family_col = layout.columns.get("family")
        records, cells = [], []
        wanted = TableLayout(table, layout.sheet, layout.header_row, dict(layout.columns))
        wanted.level_columns = dict.fromkeys(layout.competency_columns, "")
        wanted.headers = layout.headers
        for row, values in self._records(grid, wanted):
            raw = values.get(level_col)
            if raw is None:
                continue
            code = self.codes.get(normalize_header(raw), str(raw))
            family = values.get(family_col) if family_col is not None else layout.family
            for col, competency in layout.competency_columns.items():
                value = values.get(col)
                if value is None:
                    continue
                records.append(
                    {"family": family, "competency": competency, "level": code, value_col: value}
                )
                cells.append(
                    {
                        "family": grid.anchor(row, family_col) if family_col is not None else "",
                        "competency": a1(layout.header_row, col),
                        "level": grid.anchor(row, level_col),
                        value_col: a1(row, col),
                    }
                )
        return _table(table, records, cells, layout.sheet, self.file)


def _long_rows(table: str, grid: LongGrid, layout: TableLayout, file: str) -> Table:
    """_rows for a long sheet, column by column: the same rows, values and cells."""
    start = layout.header_row + 1
    height = max(len(grid.columns[0]) - start, 0) if grid.columns else 0
    wanted = sorted(set(layout.columns.values()))
    empty = np.full(height, None, dtype=object)
    cleaned = {
        c: _clean_column(grid.columns[c][start:], grid.words[c], start)
        if c < len(grid.columns)
        else empty
        for c in wanted
    }
    has = {c: filled(col) for c, col in cleaned.items()}
    count = np.zeros(height, dtype=np.int64)
    repeated = np.ones(height, dtype=bool)  # the header repeated (a printed page's header row)
    for c, col in cleaned.items():
        count += has[c]
        repeated &= ~has[c] | (col == layout.headers.get(c))
    keep = (count > 0) & ~repeated
    for i in np.flatnonzero(keep & (count == 1)):
        if is_note_row({str(c): col[i] for c, col in cleaned.items() if col[i] is not None}):
            keep[i] = False
    rows = np.flatnonzero(keep)
    data: dict[str, Any] = {}
    for name in columns(table):
        if name in layout.columns:
            data[name] = cleaned[layout.columns[name]][rows]
        else:  # the column is not on the sheet: no value, no cell
            data[name] = np.full(len(rows), None, dtype=object)
    frame = pd.DataFrame(data, dtype=object, copy=False)  # the arrays are ours: no second copy
    letters = {name: column_letters(col) for name, col in layout.columns.items()}
    places = CellMap(columns(table), [SheetRows(rows + start + 1, letters)])
    sheets = pd.Series([layout.sheet] * len(rows), dtype=object)
    return Table(table, frame, places, sheets, file)


def _clean_column(col: np.ndarray, words: Words, start: int) -> np.ndarray:
    """_clean over a column from row `start`: each distinct text cleaned once."""
    codes = words.codes[start:]
    texts = codes >= 0
    if not texts.any():
        return col.copy()
    cleaned = np.array([_clean(u) for u in words.uniques] + [None], dtype=object)
    if not filled(col[~texts]).any():  # texts and blanks only: one gather (-1 takes the None)
        return cleaned[codes]
    out = col.copy()
    out[texts] = cleaned[codes[texts]]
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        # the common case, already clean, without clean_text's regexes
        if "_x" not in text and " ".join(text.split()) == text:
            return text or None
        return clean_text(value)
    return value


def _table(
    table: str, records: list[dict[str, Any]], cells: list[dict[str, str]], sheet: str, file: str
) -> Table:
    cols = columns(table)
    data = pd.DataFrame([{c: r.get(c) for c in cols} for r in records], columns=cols, dtype=object)
    where = pd.DataFrame(
        [{c: w.get(c, "") for c in cols} for w in cells], columns=cols, dtype=object
    ).fillna("")
    return Table(table, data, where, pd.Series([sheet] * len(records), dtype=object), file)


def _concat(table: str, parts: list[Table], file: str) -> Table:
    if len(parts) == 1:
        return parts[0]
    data = pd.concat([p.data for p in parts], ignore_index=True)
    sheets = pd.concat([p.sheets for p in parts], ignore_index=True)
    return Table(table, data, stacked_places(table, parts), sheets, file)
