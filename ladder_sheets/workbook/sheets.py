"""Which sheet holds which table: the mapping first, then the sheet's name, then its columns."""

from __future__ import annotations

from collections.abc import Mapping as Sheets

from ladder_sheets.findings import Finding, Where, error, info
from ladder_sheets.model import REQUIRED_TABLES, TABLES
from ladder_sheets.values import closest, normalize_header
from ladder_sheets.workbook.aliases import (
    REQUIRED_COLUMNS,
    WIDE_TABLES,
    sheet_candidates,
    table_for_sheet,
)
from ladder_sheets.workbook.expectation_words import NOT_EXPECTED, numbered
from ladder_sheets.workbook.grid import Grid
from ladder_sheets.workbook.header import TableLayout, find_header
from ladder_sheets.workbook.mapping import Mapping
from ladder_sheets.workbook.recognise import INSPECT_HINT

MIN_CONTENT_SCORE = 3  # known headers a sheet with an unknown name needs to be taken

Assignment = dict[str, list[tuple[str, str | None]]]


def assign_by_name(
    sheets: list[str],
    mapping: Mapping,
    grids: Sheets[str, Grid],
    file: str,
    findings: list[Finding],
) -> Assignment:
    assigned: Assignment = {}
    taken: set[str] = set()
    for table, entry in mapping.tables.items():
        for sheet in entry.sheets:
            actual = next(
                (s for s in grids if normalize_header(s) == normalize_header(sheet)), None
            )
            if actual is None:
                hits = closest(sheet, sheets, cutoff=0.5)
                findings.append(
                    error(
                        "mapped-sheet-not-found",
                        f"the mapping names sheet '{sheet}' for {TABLES[table][0]}, "
                        "but the workbook has no such sheet"
                        + (f"; closest: {', '.join(repr(h) for h in hits)}" if hits else ""),
                        "correct the sheet name in the mapping",
                        Where(file=mapping.source or file),
                    )
                )
                continue
            assigned.setdefault(table, []).append((actual, entry.family_of(actual)))
            taken.add(actual)
    for sheet in sheets:
        guess = table_for_sheet(sheet)
        if sheet in taken or guess is None:
            continue
        table, family = guess
        mapped = mapping.get(table)
        if mapped is not None and mapped.sheets and table not in WIDE_TABLES:
            continue  # the mapping says which sheet holds this table
        # a mapped Matrix sheet does not drop the other Matrix sheets found by their names:
        # one sheet per family is common, and a family without its matrix would be silently
        # "Insufficient data"
        if mapped is not None and mapped.sheets:
            findings.append(
                info(
                    "also-read-sheet",
                    f"sheet '{sheet}' read as {TABLES[table][0]} too: its name says so, "
                    "beside the sheets the mapping names",
                    "name it in the mapping's sheets, or rename it, if it is not one",
                    Where(file=file, sheet=sheet),
                )
            )
        assigned.setdefault(table, []).append((sheet, family))
        taken.add(sheet)
    return assigned


def assign_by_content(
    table: str,
    sheets: list[str],
    assigned: Assignment,
    grids: Sheets[str, Grid],
    codes: dict[str, str],
    competencies: dict[str, str] | None = None,
) -> None:
    """A sheet with an unknown name whose header row names enough of the table's columns."""
    taken = {s for v in assigned.values() for s, _ in v}
    best: tuple[int, str] | None = None
    for sheet in sheets:
        if sheet in taken:
            continue
        layout = find_header(grids[sheet], table, codes or None, competencies=competencies)
        if layout is None:
            continue
        score = len(layout.columns) + len(layout.level_columns) + len(layout.competency_columns)
        if table in WIDE_TABLES:
            numeric = _mostly_numbers(grids[sheet], layout)
            shaped = layout.transposed or layout.long_form
            if not shaped and ("competency" not in layout.columns or len(layout.level_columns) < 2):
                continue
            if numeric != (table == "expectations"):
                continue
        elif not all(c in layout.columns for c in REQUIRED_COLUMNS[table][:1]):
            continue
        if score >= MIN_CONTENT_SCORE and (best is None or score > best[0]):
            best = (score, sheet)
    if best is not None:
        assigned[table] = [(best[1], None)]


def _mostly_numbers(grid: Grid, layout: TableLayout) -> bool:
    value_cols = list(layout.level_columns) + list(layout.competency_columns)
    if layout.long_form:
        value_cols = [layout.columns["expected" if "expected" in layout.columns else "behavior"]]
    values = [
        grid.get(r, c)
        for r in grid.rows_present()
        if r > layout.header_row
        for c in value_cols
        if grid.get(r, c) is not None
    ][:50]
    numbers = sum(isinstance(v, (int, float)) or str(v).strip().isdigit() for v in values)
    # expectations in the words of a scale ("3 - Proficient", "n/a", a few words repeated over
    # the sheet: "Proficient") are a Matrix's; descriptions (Behaviors) are sentences
    texts = [str(v).strip() for v in values if not isinstance(v, (int, float))]
    numbers += sum(numbered(t) is not None or t.casefold() in NOT_EXPECTED for t in texts)
    words = [t for t in texts if numbered(t) is None and t.casefold() not in NOT_EXPECTED]
    if words and len(set(words)) <= 7 and all(len(w.split()) <= 3 for w in words):
        numbers += sum(not t.isdigit() for t in words)
    return bool(values) and numbers * 2 >= len(values)


def missing_sheet(
    table: str,
    sheets: list[str],
    assigned: Assignment,
    file: str,
) -> Finding:
    taken = {s for v in assigned.values() for s, _ in v}
    free = [s for s in sheets if s not in taken]
    hits: list[str] = []
    for name in sheet_candidates(table):
        hits += [h for h in closest(name, free, cutoff=0.5) if h not in hits]
    severity = error if table in REQUIRED_TABLES else info
    return severity(
        "missing-sheet",
        f"no {TABLES[table][0]} sheet found"
        + (f"; closest: {', '.join(repr(h) for h in hits[:3])}" if hits else ""),
        f"name the sheet '{TABLES[table][0]}'"
        + (f" (rename '{hits[0]}')" if hits else "")
        + " or map it in the 'Ladder Settings' sheet; "
        + INSPECT_HINT,
        Where(file=file),
    )
