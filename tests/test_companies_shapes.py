"""Framework workbooks kept the way HR teams keep them: five invented companies, each with its
own shape of the same four parts (levels, competencies, the role x competency matrix,
employees), written with openpyxl, then read as a new user reads them (merge without a
mapping, inspect, check).

Each company's statuses and gaps are computed from the product's definitions
(companies/expect.py over the company's spec), never by running the tool: either the workbook
is read right, or the user gets one clear question naming the file, sheet and cell. The
ratings come as the canonical export (tests/companies/exports.py `plain`), so that only the
workbook is on trial here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from companies import book as books
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.roster import Company
from companies.spec import Spec, build, quarters
from test_companies import merged_tables, wrong_numbers

from ladder_sheets.cli import cli

Shape = Callable[[openpyxl.Workbook, Spec], None]


def files(
    folder: Path, spec: Spec, book: Book, shape: Shape | None = None
) -> tuple[Path, list[Path]]:
    """The company's workbook (written by `book`, then reshaped by `shape` as HR edits it in
    Excel) and its ratings as the canonical export, keyed as the workbook keys people."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook = books.write(spec, book, folder / "framework.xlsx")
    if shape is not None:
        wb = openpyxl.load_workbook(workbook)
        shape(wb, spec)
        wb.save(workbook)
    out = folder / "exports"
    out.mkdir(exist_ok=True)
    key = book.person_key
    export = Export("plain", key=key, reviewer_key=key, raters=("manager", "self"))
    return workbook, tools.plain(spec, out, export)


def understood(name: str, spec: Spec, workbook: Path, exports: list[Path]) -> Any:
    """merge (dry run) without a mapping: no error, and every status and gap as the
    definitions give them."""
    result, tables = merged_tables(workbook, exports, write=False)
    errors = [f"{f.where} {f.code}: {f.message}" for f in result.report.errors]
    assert not errors, f"merge stopped with {len(errors)} error(s), first: {errors[:3]}"
    company = Company(name, spec, Book(), Export("plain"), [])
    problems = wrong_numbers(company, tables)
    assert not problems, f"{len(problems)} wrong: {problems[:10]}"
    return result


def run_cli(*args: object) -> Any:
    outcome = CliRunner().invoke(cli, [str(a) for a in args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome


def header_row(ws: Any, first: str) -> int:
    """The row of `ws` whose first cell is `first` (the table's header)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


# --- Halvard Systems: matrix headers "Engineer II (L3)", the job title before the code -------


def halvard() -> tuple[Spec, Book, Shape]:
    """Job titles that contain one another ("Engineer", "Engineer II") as the Matrix's level
    headers, the title first and the code in brackets; a company banner and a logo row above
    every table, panes frozen below the header and a filter on it."""
    titles = {
        "L1": "Engineer I",
        "L2": "Engineer",
        "L3": "Engineer II",
        "L4": "Staff Engineer",
        "M1": "Manager",
        "M2": "Senior Manager",
    }
    spec = build(
        "Halvard Systems",
        seed=33,
        families={"Engineering": {"IC": ["L1", "L2", "L3", "L4"], "Management": ["M1", "M2"]}},
        people=10,
        cycles=quarters("2026-Q1", 2),
        titles=titles,
    )
    book = Book(level_header=lambda lv: f"{lv['title']} ({lv['level']})")

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        for ws in wb.worksheets:
            ws.insert_rows(1, 3)
            ws["A1"] = "HALVARD SYSTEMS"
            ws.row_dimensions[1].height = 48  # where the logo sits
            ws["A2"] = f"{ws.title} - FY2026 - internal"
            ws.freeze_panes = "B5"
            ws.auto_filter.ref = f"A4:{openpyxl.utils.get_column_letter(ws.max_column)}4"

    return spec, book, shape


def test_halvard_title_and_code_headers_are_read_at_their_level(tmp_path: Path) -> None:
    """Before: "Engineer I (L1)" was read as L2, whose title "Engineer" is its first word, and
    "Engineer II (L3)" was left unread: a column at the wrong level."""
    spec, book, shape = halvard()
    workbook, exports = files(tmp_path, spec, book, shape)
    understood("Halvard Systems", spec, workbook, exports)
    outcome = run_cli("inspect", workbook)
    for lv in spec["levels"]:
        header = f"{lv['title']} ({lv['level']})"
        assert f"level {lv['level']} " in outcome.output
        line = next(x for x in outcome.output.splitlines() if f"'{header}'" in x)
        assert f"level {lv['level']} " in line, line


@pytest.mark.parametrize(
    ("header", "level"),
    [
        ("Engineer I (L1)", "L1"),
        ("Engineer (L2)", "L2"),
        ("Engineer II (L3)", "L3"),
        ("Engineer II", "L3"),
        ("L3 - Engineer II", "L3"),
        ("L1 - Junior", "L1"),
        ("Level L1", "L1"),
        ("L 4", "L4"),
        # two levels named, or a title then words that are no level: not a level column
        ("L1 - Engineer", None),
        ("Engineer (L3)", None),
        ("Engineer III", None),
        ("Notes for L3", None),
    ],
)
def test_a_level_header_names_one_level_or_none(header: str, level: str | None) -> None:
    from ladder_sheets.values import normalize_header
    from ladder_sheets.workbook.header import level_code

    codes = {normalize_header(c): c for c in ("L1", "L2", "L3", "L4")}
    titles = {"Engineer I": "L1", "Engineer": "L2", "Engineer II": "L3", "Staff Engineer": "L4"}
    codes.update({normalize_header(t): c for t, c in titles.items()})
    assert level_code(header, codes) == level


# --- Brackenridge Robotics: the roster says job titles, the matrix "L3 – Senior Engineer" -----


def brackenridge() -> tuple[Spec, Book, Shape]:
    """Sheets in its own words (Career levels, Competency framework, Expectations, Staff
    list), every table an Excel table (ListObject); levels as rows of the matrix written
    "L3 – Senior Engineer" (an en dash); the staff list's Level column holds the job title, one
    person's as "code – title"."""
    titles = {
        "L1": "Associate Engineer",
        "L2": "Engineer",
        "L3": "Senior Engineer",
        "L4": "Staff Engineer",
        "M1": "Engineering Manager",
        "M2": "Director of Engineering",
    }
    spec = build(
        "Brackenridge Robotics",
        seed=34,
        families={"Engineering": {"IC": ["L1", "L2", "L3", "L4"], "Management": ["M1", "M2"]}},
        people=11,
        cycles=quarters("2025-Q4", 3),
        titles=titles,
    )
    book = Book(
        sheets={
            "levels": "Career levels",
            "competencies": "Competency framework",
            "matrix": "Expectations",
            "criteria": "Promotion rules",
            "people": "Staff list",
        },
        matrix="transposed",
        level_header=lambda lv: f"{lv['level']} \u2013 {lv['title']}",
    )

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Staff list"]
        col = [c.value for c in ws[1]].index("Level") + 1
        for r in range(2, ws.max_row + 1):
            code = ws.cell(r, col).value
            ws.cell(r, col).value = f"{code} \u2013 {titles[code]}" if r == 3 else titles[code]
        for n, name in enumerate(("Career levels", "Competency framework", "Staff list")):
            ws = wb[name]
            table = openpyxl.worksheet.table.Table(displayName=f"Table{n + 1}", ref=ws.dimensions)
            table.tableStyleInfo = openpyxl.worksheet.table.TableStyleInfo(
                name="TableStyleMedium2", showRowStripes=True
            )
            ws.add_table(table)

    return spec, book, shape


def test_brackenridge_levels_as_job_titles_are_read_as_their_codes(tmp_path: Path) -> None:
    """Before: every staff member's level ('Senior Engineer') and every level row of the
    matrix ('L3 – Senior Engineer') was an unknown-level error, one per cell."""
    spec, book, shape = brackenridge()
    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Brackenridge Robotics", spec, workbook, exports)
    said = {
        f.where.sheet: f for f in result.report.findings if f.code == "level-names-read-as-codes"
    }
    assert set(said) == {"Staff list", "Expectations"}
    staff = said["Staff list"]
    assert staff.where.cell == "G2" and str(staff.where.file) == str(workbook)
    assert f"{len(spec['people'])} level cell(s)" in staff.message
    levels = {lv["level"] for lv in spec["levels"]}
    assert f"{len(levels)} level cell(s)" in said["Expectations"].message


def test_a_title_two_families_share_is_reported_not_guessed(tmp_path: Path) -> None:
    """'Manager' is a title in Engineering and in Sales: a roster row saying 'Manager' names
    no one level, and stays an error at its cell."""
    spec = build(
        "Brackenridge Robotics",
        seed=35,
        families={
            "Engineering": {"IC": ["E1", "E2", "E3"], "Management": ["EM1", "EM2"]},
            "Sales": {"IC": ["S1", "S2", "S3"], "Management": ["SM1", "SM2"]},
        },
        people=10,
        cycles=quarters("2026-Q1", 2),
        titles={"EM1": "Manager", "SM1": "Manager"},
    )
    lead = next(p for p in spec["people"] if p["level"] != "EM1" and p["level"] != "SM1")

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Employees"]
        col = [c.value for c in ws[1]].index("Level") + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == lead["id"])
        ws.cell(row, col).value = "Manager"

    workbook, _ = files(tmp_path, spec, Book(), shape)
    outcome = run_cli("check", workbook, "--format", "json")
    assert outcome.exit_code == 1
    errors = [f for f in json.loads(outcome.output)["findings"] if f["severity"] == "error"]
    unknown = [f for f in errors if f["code"] == "unknown-level"]
    assert [(f["sheet"], f["message"]) for f in unknown] == [
        ("Employees", "Level 'Manager' is not known.")
    ], errors
