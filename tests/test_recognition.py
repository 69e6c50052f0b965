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


# --- matrix shapes ----------------------------------------------------------------------------

MATRIX = FRAMEWORK["matrix"]
LEVELS = [r[2] for r in FRAMEWORK["levels"]]
TITLES = {r[2]: r[3] for r in FRAMEWORK["levels"]}


def expected_cells(family: str | None = "Engineering") -> set[tuple[Any, str, str, Any]]:
    return {
        (family, comp, level, value)
        for comp, by_level in MATRIX.items()
        for level, value in by_level.items()
        if value is not None
    }


def matrix_rows(fw: Framework) -> set[tuple[Any, str, str, Any]]:
    data = fw.expectations.data
    return set(
        zip(data["family"], data["competency"], data["level"], data["expected"], strict=True)
    )


def test_transposed_matrix_levels_as_rows(framework_workbook: Builder) -> None:
    comps = list(MATRIX)
    rows = [["Level", *comps]] + [[lv, *(MATRIX[c].get(lv) for c in comps)] for lv in LEVELS]
    path = framework_workbook(drop={"Matrix"}, sheets={"Matrix - Engineering": rows})
    fw = read_framework(path)
    assert matrix_rows(fw) == expected_cells()
    # each value keeps its own cell: System Design (column D) at IC2 (row 3)
    data, cells = fw.expectations.data, fw.expectations.cells
    at = data.index[(data["competency"] == "System Design") & (data["level"] == "IC2")][0]
    assert cells.loc[at, "expected"] == "D3"
    assert not [f for f in fw.findings if f.severity == "error"]


def test_long_form_matrix_without_a_mapping(framework_workbook: Builder) -> None:
    rows: list[list[Any]] = [["Competency", "Level", "Expected"]]
    rows += [[c, lv, v] for c, by in MATRIX.items() for lv, v in by.items() if v is not None]
    path = framework_workbook(sheets={"Matrix": rows})
    fw = read_framework(path)
    assert matrix_rows(fw) == expected_cells(None)
    assert not [f for f in fw.findings if f.severity == "error"]


def test_job_titles_as_level_headers(framework_workbook: Builder) -> None:
    comps = list(MATRIX)
    head = ["Competency", *(TITLES[lv] for lv in LEVELS)]
    rows = [head] + [[c, *(MATRIX[c].get(lv) for lv in LEVELS)] for c in comps]
    path = framework_workbook(sheets={"Matrix": rows})
    fw = read_framework(path)
    assert matrix_rows(fw) == expected_cells(None)


def test_family_abbreviated_in_the_sheet_name(framework_workbook: Builder) -> None:
    from conftest import wide_rows

    path = framework_workbook(
        drop={"Matrix"}, sheets={"Eng Matrix": wide_rows(MATRIX, LEVELS, family=None)}
    )
    fw = read_framework(path)
    assert matrix_rows(fw) == expected_cells("Engineering")
    assert finding(fw, "family-from-sheet-name").where.sheet == "Eng Matrix"


def test_a_mapping_for_one_matrix_sheet_keeps_the_others(
    framework_workbook: Builder, tmp_path: Path
) -> None:
    from conftest import wide_rows

    levels = [list(r) for r in FRAMEWORK["levels"]]
    levels += [["Sales", "IC", "S1", "Account Executive", 1, "Sells", 4, 1, 2]]
    sales = {"Communication": {"S1": 3}, "Delivery": {"S1": 2}}
    path = framework_workbook(
        levels=levels,
        drop={"Matrix"},
        sheets={
            "Eng Skills": wide_rows(MATRIX, LEVELS, family=None),
            "Matrix - Sales": wide_rows(sales, ["S1"], family=None),
        },
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('[expectations]\nsheet = "Eng Skills"\nfamily = "Engineering"\n')
    fw = read_framework(path, mapping=mapping)
    families = set(fw.expectations.data["family"])
    assert families == {"Engineering", "Sales"}  # the Sales matrix is not dropped
    assert finding(fw, "also-read-sheet").where.sheet == "Matrix - Sales"


def test_people_keyed_by_email_when_there_is_no_id(framework_workbook: Builder) -> None:
    head = ["Work Email", "Full Name", "Manager Email", "Department", "Track", "Level"]
    rows = [
        ["ada@example.test", "Ada Example", None, "Engineering", "Management", "M1"],
        ["ben@example.test", "Ben Sample", "ada@example.test", "Engineering", "IC", "IC2"],
    ]
    fw = read_framework(framework_workbook(employees=[], sheets={"Employees": [head, *rows]}))
    data = fw.employees.data
    assert data["employee_id"].tolist() == [r[0] for r in rows]
    assert data["manager_id"].tolist() == [None, "ada@example.test"]
    assert finding(fw, "people-keyed-by-email").where.cell == "A1"
    assert not [f for f in fw.findings if f.severity == "error"]


def test_abbreviated_family_values_and_sheet_names(framework_workbook: Builder) -> None:
    levels = [list(r) for r in FRAMEWORK["levels"]]
    levels += [["Marketing", "IC", "MK1", "Marketer", 1, "Runs campaigns", 4, 1, 2]]
    rows = [["Job Family", "Competency", "MK1"], ["Mktg", "Communication", 3]]
    path = framework_workbook(levels=levels, sheets={"Matrix - Mktg": rows})
    fw = read_framework(path)
    data = fw.expectations.data
    mine = data[data["level"] == "MK1"]
    assert mine["family"].tolist() == ["Marketing"]
    assert finding(fw, "family-abbreviation").where.cell == "A2"


def test_managers_by_a_review_tools_user_id(framework_workbook: Builder) -> None:
    head = ["Employee ID", "Name", "Lattice User ID", "Manager (Lattice ID)", "Level"]
    rows = [
        ["E1", "Ada Example", "usr_a1", None, "M1"],
        ["E2", "Ben Sample", "usr_b2", "usr_a1", "IC2"],
        ["E3", "Cy Placeholder", "usr_c3", "usr_b2", "IC1"],
    ]
    fw = read_framework(framework_workbook(employees=[], sheets={"Employees": [head, *rows]}))
    assert fw.employees.data["manager_id"].tolist() == [None, "E1", "E2"]
    assert "'Lattice User ID'" in finding(fw, "manager-keys-resolved").message


def test_one_missing_column_is_one_finding_not_one_per_row(framework_workbook: Builder) -> None:
    import ladder_sheets as ls

    head = ["Employee ID", "Name", "Email", "Manager ID", "Job Family", "Track", "In Level Since"]
    rows = [[*r[:6], r[7]] for r in FRAMEWORK["employees"]]  # no Level column
    report = ls.check(framework_workbook(sheets={"Employees": [head, *rows]})).report
    about_level = [
        f for f in report if f.where.sheet == "Employees" and "Level" in f.message.split(" is")[0]
    ]
    assert [f.code for f in about_level] == ["missing-column"]
    assert about_level[0].severity == "error" and about_level[0].where.cell == "A1"
