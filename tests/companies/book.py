"""A spec written as a framework workbook in a company's own conventions (openpyxl).

`Book` holds the conventions: sheet and column names, title rows above headers, notes beside
tables, merged cells, blank rows, the matrix's shape, how tracks, dates, managers, names and
time are written. Defaults are the canonical layout; each company overrides what it does its
own way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from companies.spec import Spec, person

Rows = list[list[Any]]

LEVEL_COLUMNS = ("family", "track", "level", "title", "order", "min_quarters")
COMPETENCY_COLUMNS = ("competency", "category", "family", "definition")
CRITERIA_COLUMNS = (
    "family",
    "from",
    "to",
    "min_average",
    "min_each",
    "cycles_at_next",
    "min_quarters",
    "scope",
    "endorsement",
    "calibration",
)
PEOPLE_COLUMNS = ("id", "name", "email", "manager", "family", "track", "level", "since")

CANONICAL = {
    "levels": dict(
        zip(
            LEVEL_COLUMNS,
            ["Job Family", "Track", "Level", "Title", "Order", "Min Quarters In Level"],
            strict=True,
        )
    ),
    "competencies": dict(
        zip(COMPETENCY_COLUMNS, ["Competency", "Category", "Job Family", "Definition"], strict=True)
    ),
    "criteria": dict(
        zip(
            CRITERIA_COLUMNS,
            [
                "Job Family",
                "From Level",
                "To Level",
                "Min Average",
                "Min Each",
                "Cycles At Next Level",
                "Min Quarters In Level",
                "Scope Criteria",
                "Requires Endorsement",
                "Requires Calibration",
            ],
            strict=True,
        )
    ),
    "people": dict(
        zip(
            PEOPLE_COLUMNS,
            [
                "Employee ID",
                "Name",
                "Email",
                "Manager ID",
                "Job Family",
                "Track",
                "Level",
                "In Level Since",
            ],
            strict=True,
        )
    ),
}


@dataclass
class Book:
    """How one company writes its framework workbook."""

    sheets: dict[str, str] = field(default_factory=dict)  # table -> sheet name
    headers: dict[str, dict[str, str | None]] = field(default_factory=dict)  # None: omitted
    titles: dict[str, list[str]] = field(default_factory=dict)  # rows above the header
    notes: dict[str, str] = field(default_factory=dict)  # a note two columns right of the table
    blank_row: dict[str, int] = field(default_factory=dict)  # a blank row after data row N
    merge_title: bool = False  # the title row merged across the table's width
    # the matrix: "wide" (competency rows x level columns), "transposed" (level rows x
    # competency columns) or "long" (Competency | Level | Expected)
    matrix: str = "wide"
    matrix_per_family: bool = False
    matrix_sheet: Callable[[str], str] = lambda family: f"Matrix - {family}"
    level_header: Callable[[dict[str, Any]], str] = lambda lv: str(lv["level"])
    family_names: dict[str, str] = field(default_factory=dict)  # family as the workbook says it
    all_families: str | None = None  # the word for "every family" ("All"); None: blank
    tracks: dict[str, str] = field(default_factory=dict)  # "IC"/"Management" as written
    dates: str = "date"  # "date", "iso" text, "dmy" text (31/12/2026), "mdy" text (12/31/2026)
    manager_by: str = "id"  # "id", "email", "name" or "tool_id"
    extra_people: dict[str, str] = field(default_factory=dict)  # more columns: field -> header
    person_key: str = "id"  # the people sheet's key column: "id" or "email"
    split_names: bool = False  # First Name / Last Name columns instead of Name
    time_unit: str = "quarters"  # how Min time in level is written: quarters, months, years
    yes: Any = "Yes"
    no: Any = "No"
    behaviors: bool = False
    evidence: bool = True  # a canonical Promotion Evidence sheet with the recorded evidence

    def sheet(self, table: str, default: str) -> str:
        return self.sheets.get(table, default)

    def header(self, table: str) -> dict[str, str | None]:
        return {**CANONICAL[table], **self.headers.get(table, {})}

    def family(self, family: str | None) -> str | None:
        if family is None:
            return self.all_families
        return self.family_names.get(family, family)

    def track(self, track: str) -> str:
        return self.tracks.get(track, track)

    def date(self, value: dt.date) -> Any:
        if self.dates == "iso":
            return value.isoformat()
        if self.dates == "dmy":
            return value.strftime("%d/%m/%Y")
        if self.dates == "mdy":
            return value.strftime("%m/%d/%Y")
        return dt.datetime(value.year, value.month, value.day)

    def time(self, quarters: float) -> float:
        return {"quarters": 1, "months": 3, "years": 0.25}[self.time_unit] * quarters

    def flag(self, value: bool) -> Any:
        return self.yes if value else self.no


def write(spec: Spec, book: Book, path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    level_head = book.header("levels")
    table(
        wb,
        book,
        "levels",
        book.sheet("levels", "Levels"),
        level_head,
        [
            {
                "family": book.family(lv["family"]),
                "track": book.track(lv["track"]),
                "level": lv["level"],
                "title": lv["title"],
                "order": lv["order"],
                "min_quarters": book.time(lv["min_quarters"]),
            }
            for lv in spec["levels"]
        ],
    )
    table(
        wb,
        book,
        "competencies",
        book.sheet("competencies", "Competencies"),
        book.header("competencies"),
        [
            {
                "competency": c["name"],
                "category": c["category"],
                "family": book.family(c["family"]),
                "definition": f"How well someone does {c['name'].lower()} day to day",
            }
            for c in spec["competencies"]
        ],
    )
    write_matrix(wb, spec, book)
    table(
        wb,
        book,
        "criteria",
        book.sheet("criteria", "Promotion Criteria"),
        book.header("criteria"),
        [
            {
                **s,
                "family": book.family(s["family"]),
                "min_quarters": book.time(s["min_quarters"]),
                "endorsement": book.flag(s["endorsement"]),
                "calibration": book.flag(s["calibration"]),
            }
            for s in spec["criteria"]
        ],
    )
    people_head: dict[str, str | None] = {}
    for k, v in book.header("people").items():
        if k == "name" and book.split_names:
            people_head.update(first="First Name", last="Last Name")
        else:
            people_head[k] = v
    people_head.update(book.extra_people)
    rows = []
    for p in spec["people"]:
        boss = person(spec, p["manager"])
        manager = None
        if boss is not None:
            manager = boss[book.manager_by]
        rows.append(
            {
                **p,
                "family": book.family(p["family"]),
                "track": book.track(p["track"]),
                "manager": manager,
                "since": book.date(p["since"]),
            }
        )
    table(wb, book, "people", book.sheet("people", "Employees"), people_head, rows)
    if book.evidence and spec["evidence"]:
        ws = wb.create_sheet("Promotion Evidence")
        ws.append(
            [
                "Cycle",
                "Employee ID",
                "Scope Criteria Met",
                "Manager Endorsement",
                "Calibration Confirmed",
                "Note",
                "Source",
            ]
        )
        for e in spec["evidence"]:
            who = person(spec, e["person"])
            assert who is not None
            ws.append(
                [
                    e["cycle"],
                    who[book.person_key],
                    "Yes" if e["scope"] else "No",
                    "Yes" if e["endorsed"] else "No",
                    "Yes" if e["calibrated"] else "No",
                    None,
                    "committee",
                ]
            )
    wb.save(path)
    return path


def table(
    wb: openpyxl.Workbook,
    book: Book,
    name: str,
    sheet: str,
    head: dict[str, str | None],
    rows: list[dict[str, Any]],
) -> Worksheet:
    """One table: title rows, the header, the rows (a blank one where the book says), a note."""
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    keys = [k for k, v in head.items() if v is not None]
    r = (ws.max_row + 2) if ws.max_row > 1 else 1
    for title in book.titles.get(name, []):
        ws.cell(row=r, column=1, value=title)
        if book.merge_title and len(keys) > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(keys))
        r += 1
    if book.titles.get(name):
        r += 1  # a blank row between the title and the header
    header_row = r
    for c, k in enumerate(keys, start=1):
        ws.cell(row=r, column=c, value=head[k])
    for i, row in enumerate(rows):
        r += 1
        for c, k in enumerate(keys, start=1):
            value = row.get(k)
            if value is not None:
                ws.cell(row=r, column=c, value=value)
        if book.blank_row.get(name) == i + 1:
            r += 1
    if name in book.notes:
        ws.cell(row=header_row, column=len(keys) + 2, value=book.notes[name])
    return ws


def write_matrix(wb: openpyxl.Workbook, spec: Spec, book: Book) -> None:
    families = list(spec["matrix"])
    groups = [[f] for f in families] if book.matrix_per_family else [families]
    for group in groups:
        sheet = book.matrix_sheet(group[0]) if book.matrix_per_family else "Matrix"
        sheet = book.sheets.get("matrix", sheet) if not book.matrix_per_family else sheet
        ws = wb.create_sheet(sheet)
        rows: Rows = [[t] for t in book.titles.get("matrix", [])]
        if rows:
            rows.append([])
        with_family = not book.matrix_per_family
        for family in group:
            levels = [lv for lv in spec["levels"] if lv["family"] == family]
            lead = ["Job Family"] if with_family else []
            by_c = spec["matrix"][family]
            if book.matrix == "wide":
                if family == group[0]:
                    all_levels = [lv for lv in spec["levels"] if lv["family"] in group]
                    codes = list(dict.fromkeys(book.level_header(lv) for lv in all_levels))
                    rows.append([*lead, "Competency", *codes])
                for c, by_level in by_c.items():
                    values = {book.level_header(lv): by_level.get(lv["level"]) for lv in levels}
                    fam = [book.family(family)] if with_family else []
                    rows.append([*fam, c, *(values.get(code) for code in codes)])
            elif book.matrix == "transposed":
                comps = list(by_c)
                rows.append([*lead, "Level", *comps])
                for lv in levels:
                    fam = [book.family(family)] if with_family else []
                    rows.append(
                        [*fam, book.level_header(lv), *(by_c[c].get(lv["level"]) for c in comps)]
                    )
                rows.append([])
            else:  # long
                if family == group[0]:
                    rows.append([*lead, "Competency", "Level", "Expected Proficiency"])
                for c, by_level in by_c.items():
                    for lv in levels:
                        value = by_level.get(lv["level"])
                        if value is not None:
                            fam = [book.family(family)] if with_family else []
                            rows.append([*fam, c, book.level_header(lv), value])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        if "matrix" in book.notes:
            ws.cell(row=1, column=12, value=book.notes["matrix"])
        if book.merge_title and book.titles.get("matrix"):
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    if book.behaviors:
        ws = wb.create_sheet("Behaviors")
        codes = list(dict.fromkeys(lv["level"] for lv in spec["levels"]))
        ws.append(["Job Family", "Competency", *codes])
        for family, by_c in spec["matrix"].items():
            for c, by_level in by_c.items():
                ws.append(
                    [
                        family,
                        c,
                        *(
                            f"Has shown {c.lower()} at {code}" if by_level.get(code) else None
                            for code in codes
                        ),
                    ]
                )
