"""Recognition by meaning: columns found by their header words and values, each class on an
invented workbook written here; every ambiguity gives a message, never a guess."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import FRAMEWORK

from ladder_sheets.findings import Report
from ladder_sheets.model import Framework
from ladder_sheets.workbook import vocabulary
from ladder_sheets.workbook.reader import read_framework

Builder = Callable[..., Path]


def codes(fw: Framework) -> set[str]:
    return Report(fw.findings).codes()


def finding(fw: Framework, code: str) -> Any:
    hits = Report(fw.findings).with_code(code)
    assert hits, f"no {code} finding in {[f.code for f in fw.findings]}"
    return hits[0]


def retitle(path: Path, sheet: str, headers: dict[str, str]) -> Path:
    """Rename header cells of row 1 (old header -> new header)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for cell in ws[1]:
        if cell.value in headers:
            cell.value = headers[cell.value]
    wb.save(path)
    return path


# --- the vocabulary ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "header", "concept"),
    [
        ("employees", "Compensation Grade", "level"),
        ("employees", "Career Level", "level"),
        ("employees", "Job Title Level", "level"),
        ("employees", "Ladder", "track"),
        ("employees", "Career Path", "track"),
        ("employees", "Stream", "track"),
        ("employees", "Grade Since", "in_level_since"),
        ("employees", "Level Start Date", "in_level_since"),
        ("employees", "Date in Role", "in_level_since"),
        ("employees", "Band Since", "in_level_since"),
        ("employees", "Line Manager", "manager_id"),
        ("employees", "Supervisor ID", "manager_id"),
        ("employees", "Worker ID", "employee_id"),
        ("levels", "Seniority Order", "order"),
        ("levels", "Level Title", "title"),
        ("levels", "Years in grade", "min_quarters"),
        ("criteria", "Avg score needed", "min_average"),
        ("criteria", "Lowest allowed", "min_each"),
        ("criteria", "Consecutive cycles at next grade", "cycles_at_next"),
        ("criteria", "Sign-off needed", "requires_endorsement"),
        ("criteria", "Min Months In Level", "min_quarters"),
        ("criteria", "Next Level", "to_level"),
    ],
)
def test_header_words_reach_their_concept(table: str, header: str, concept: str) -> None:
    found = vocabulary.best(table, header)
    assert found is not None and found[0] == concept
    assert found[1].score == 1.0


def test_every_template_header_is_its_own_concept() -> None:
    from ladder_sheets.model import TABLES

    for table, (_, cols) in TABLES.items():
        for column, header in cols:
            found = vocabulary.best(table, header)
            assert found is not None and found[0] == column, (table, header, found)


@pytest.mark.parametrize(
    ("header", "unit", "factor"),
    [("Min Months In Level", "month", 1 / 3), ("Years in grade", "year", 4.0)],
)
def test_units_of_time_in_level(header: str, unit: str, factor: float) -> None:
    assert vocabulary.unit_of(header) == (unit, factor)
    assert vocabulary.unit_of("Min Quarters In Level") == ("quarter", 1.0)
    assert vocabulary.unit_of("Min Time In Level") is None


# --- the people sheet -------------------------------------------------------------------------

PEOPLE_HEADER = [
    "Worker ID",
    "First Name",
    "Last Name",
    "Work Email",
    "Line Manager",
    "Department",
    "Ladder",
    "Compensation Grade",
    "Grade Since",
]
PEOPLE = [
    ["W1", "Ada", "Example", "ada@example.test", None, "Engineering", "People Leader", "M1"],
    ["W2", "Ben", "Sample", "ben@example.test", "Ada Example", "Engineering", "IC", "IC2"],
    ["W3", "Cy", "Placeholder", "cy@example.test", "ada@example.test", "Engineering", "IC", "IC1"],
]
SINCE = [dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1), dt.datetime(2025, 7, 1)]


def people_book(builder: Builder, rows: list[list[Any]] | None = None) -> Path:
    body = [[*r, d] for r, d in zip(rows or PEOPLE, SINCE, strict=False)]
    return builder(sheets={"People": [PEOPLE_HEADER, *body]}, drop={"Employees"})


def test_people_sheet_in_its_own_words(framework_workbook: Builder) -> None:
    fw = read_framework(people_book(framework_workbook))
    data = fw.employees.data
    assert data["employee_id"].tolist() == ["W1", "W2", "W3"]
    # first and last name read together
    assert data["name"].tolist() == [f"{r[1]} {r[2]}" for r in PEOPLE]
    assert data["email"].tolist() == [r[3] for r in PEOPLE]
    assert data["family"].tolist() == ["Engineering"] * 3
    assert data["level"].tolist() == [r[7] for r in PEOPLE]
    assert [str(d)[:10] for d in data["in_level_since"]] == [str(d)[:10] for d in SINCE]
    # managers given by name and by e-mail are read as the IDs of those people
    assert data["manager_id"].tolist() == [None, "W1", "W1"]
    assert "manager-keys-resolved" in codes(fw)
    assert [f for f in fw.findings if f.severity != "info"] == []


def test_people_leader_is_the_management_track(framework_workbook: Builder) -> None:
    import ladder_sheets as ls

    result = ls.check(people_book(framework_workbook))
    assert result.framework.employees.data["track"].tolist() == ["Management", "IC", "IC"]
    assert "unknown-manager" not in result.report.codes()
    assert "invalid-choice" not in result.report.codes()


def test_manager_name_two_people_share_is_an_error_naming_both(
    framework_workbook: Builder,
) -> None:
    rows = [list(r) for r in PEOPLE]
    rows[2][1:3] = ["Ada", "Example"]  # a second Ada Example
    rows[2][4] = None
    rows[1][4] = "Ada Example"
    fw = read_framework(people_book(framework_workbook, rows))
    f = finding(fw, "ambiguous-manager")
    assert f.severity == "error"
    assert "W1" in f.message and "W3" in f.message
    assert f.where.sheet == "People" and f.where.cell == "E3"
    assert fw.employees.data["manager_id"].tolist()[1] == "Ada Example"  # not guessed


# --- criteria in other words and units --------------------------------------------------------


def test_criteria_in_other_words_and_months(framework_workbook: Builder) -> None:
    months = [12, 18]
    criteria = [list(r) for r in FRAMEWORK["criteria"]]
    for row, m in zip(criteria, months, strict=True):
        row[6] = m
    path = framework_workbook(criteria=criteria)
    retitle(
        path,
        "Promotion Criteria",
        {
            "Min Average": "Avg score needed",
            "Min Each": "Lowest allowed",
            "Cycles At Next Level": "Consecutive cycles at next grade",
            "Min Quarters In Level": "Min Months In Level",
            "Requires Endorsement": "Sign-off needed",
        },
    )
    fw = read_framework(path)
    data = fw.criteria.data
    assert data["min_average"].tolist() == [r[3] for r in criteria]
    assert data["min_each"].tolist() == [r[4] for r in criteria]
    assert data["cycles_at_next"].tolist() == [r[5] for r in criteria]
    assert data["min_quarters"].tolist() == [m / 3 for m in months]
    assert data["requires_endorsement"].tolist() == [r[8] for r in criteria]
    note = finding(fw, "unit-converted")
    assert note.where.sheet == "Promotion Criteria" and note.where.cell == "G1"
    assert "months" in note.message


def test_years_on_the_levels_sheet(framework_workbook: Builder) -> None:
    path = retitle(framework_workbook(), "Levels", {"Min Quarters In Level": "Years in grade"})
    fw = read_framework(path)
    assert fw.levels.data["min_quarters"].tolist() == [r[6] * 4 for r in FRAMEWORK["levels"]]
    assert finding(fw, "unit-converted").where.cell == "G1"


def test_job_family_all_means_every_family(framework_workbook: Builder) -> None:
    comps = [list(r) for r in FRAMEWORK["competencies"]]
    comps[0][2] = "All"
    fw = read_framework(framework_workbook(competencies=comps))
    assert fw.competencies.data["family"].tolist()[0] is None
    assert finding(fw, "family-all").where.cell == "C2"


# --- ambiguity: a message, not a guess ---------------------------------------------------------


def test_two_level_columns_are_a_message_not_a_guess(framework_workbook: Builder) -> None:
    header = ["Employee ID", "Name", "Level", "Grade"]
    rows = [["E1", "Ada Example", "IC1", "IC2"], ["E2", "Ben Sample", "IC2", "IC3"]]
    fw = read_framework(framework_workbook(employees=[], sheets={"Employees": [header, *rows]}))
    f = finding(fw, "ambiguous-column")
    assert f.severity == "error"
    assert "Employees!C1" in f.message and "Employees!D1" in f.message
    assert "inspect" in f.hint
    assert fw.employees.data["level"].isna().all()  # neither column taken
    # one finding for the concept, no missing-column on top of it
    missing = [x for x in fw.findings if x.code == "missing-column"]
    assert not [x for x in missing if x.message.startswith("column 'Level'")]
    # nor is a column in doubt suggested as the closest for another
    assert not [x for x in fw.findings if "closest: 'Level'" in x.message]


def test_weak_header_is_taken_and_said(framework_workbook: Builder) -> None:
    path = retitle(framework_workbook(), "Levels", {"Order": "Order Of Appearance Rank"})
    fw = read_framework(path)
    assert fw.levels.data["order"].tolist() == [r[4] for r in FRAMEWORK["levels"]]
    f = finding(fw, "uncertain-column")
    assert f.where.cell == "E1" and "inspect" in f.hint
