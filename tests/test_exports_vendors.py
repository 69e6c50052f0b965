"""Invented exports shaped like the documented exports of 15Five, Workday, Lattice, Culture Amp,
Leapsome, HiBob, BambooHR, Quantum Workplace and a Google Form: each in its own columns, rater
words, label scale, cycle form and encoding, read without a mapping. The ratings expected are
computed here from the rows the test writes; no real data. (issue 13, export side)"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import ladder_sheets as ls

# The conftest framework: Ada Example (E001) manages Ben Sample (E002) and Cy Placeholder (E003).
PEOPLE = {
    "E002": ("Ben Sample", "ben@example.test"),
    "E003": ("Cy Placeholder", "cy@example.test"),
}
COMPS = ["Communication", "Delivery", "System Design"]
# Each person's manager and self ratings, 1-5, per competency.
MANAGER = {"E002": [3, 4, 2], "E003": [2, 3, 1]}
SELF = {"E002": [4, 4, 3], "E003": [3, 2, 2]}


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8", sep: str = ",") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=sep).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def expected(raters: dict[str, dict[str, list[int]]], cycle: str) -> list[tuple[Any, ...]]:
    """(cycle, employee, competency, rater type, rating), sorted, from the test's own tables."""
    return sorted(
        (cycle, person, comp, rater, float(values[n]))
        for rater, table in raters.items()
        for person, values in table.items()
        for n, comp in enumerate(COMPS)
    )


def read(workbook: Path, export: Path, **kw: Any) -> tuple[list[tuple[Any, ...]], Any]:
    checked = ls.check(workbook, [export], **kw)
    data = checked.exports[0].ratings.data
    got = sorted(
        zip(
            data["cycle"],
            data["employee_id"],
            data["competency"],
            data["rater_type"],
            data["rating"].astype(float),
            strict=True,
        )
    )
    return got, checked


def no_errors(checked: Any) -> None:
    errors = [f for f in checked.report if f.severity.value == "error"]
    assert not errors, [f.message for f in errors]


def said(checked: Any, code: str) -> list[str]:
    return [f.message for f in checked.report if f.code == code]


def test_15five_by_email_with_review_types_bom_and_timestamps(
    framework_workbook: Any, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        ["Review cycle", "Reviewee name", "Reviewee email", "Reviewer name", "Reviewer email"]
        + ["Review type", "Question", "Answer", "Submitted at"]
    ]
    for rater, kind, table in (
        ("Ada Example", "Manager review", MANAGER),
        (None, "Self review", SELF),
    ):
        for person, values in table.items():
            name, email = PEOPLE[person]
            by, by_mail = (rater, "ada@example.test") if rater else (name, email)
            for comp, v in zip(COMPS, values, strict=True):
                rows.append(
                    ["Q3 2026 Performance Review", name, email, by, by_mail, kind, comp, v]
                    + ["2026-10-02 09:14:00"]
                )
    path = write_csv(tmp_path / "15five_export.csv", rows, encoding="utf-8-sig")
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q3")
    no_errors(checked)
    assert any("Reviewee email" in m for m in said(checked, "export-key"))


def test_workday_two_tabs_worker_names_tool_ids_and_period_dates(
    framework_workbook: Any, tmp_path: Path
) -> None:
    scale = ["Well below", "Below", "Meets", "Exceeds", "Significantly exceeds"]
    ratings = [
        ["Worker", "Worker ID", "Review Period Start Date", "Review Period End Date"]
        + ["Competency", "Manager Evaluation", "Self-Evaluation", "Overall Rating"]
    ]
    for n, (person, values) in enumerate(MANAGER.items()):
        for comp, m, s in zip(COMPS, values, SELF[person], strict=True):
            ratings.append(
                [PEOPLE[person][0], f"2100{n}", dt.date(2026, 1, 1), dt.date(2026, 6, 30)]
                + [comp, scale[m - 1], scale[s - 1], "Meets"]
            )
    summary = [["Review summary"], ["Reviews completed", 6], ["Average", 3.1]]
    path = write_xlsx(tmp_path / "workday.xlsx", {"Summary": summary, "Ratings": ratings})
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q2")
    no_errors(checked)
    assert said(checked, "export-sheet-chosen")
    assert any("Review Period End Date" in m for m in said(checked, "cycle-read-as-quarter"))
    assert any("Worker ID" in m for m in said(checked, "export-key"))


def test_lattice_360_with_relationships_and_half_year_cycle(
    framework_workbook: Any, tmp_path: Path
) -> None:
    peers = {"E002": [5, 3, 4], "E003": [4, 4, 2]}
    additional = {"E002": [3, 3, 3]}
    rows: list[list[Any]] = [
        ["Review Cycle", "Reviewee Name", "Reviewee Email", "Reviewer Name", "Relationship"]
        + ["Question", "Rating"]
    ]
    for relationship, reviewer, table in (
        ("Manager", "Ada Example", MANAGER),
        ("Self", None, SELF),
        ("Peer", "Pat Peer", peers),
        ("Peer", "Kim Peer", peers),
        ("Additional manager", "Lee Other", additional),
    ):
        for person, values in table.items():
            name, email = PEOPLE[person]
            for comp, v in zip(COMPS, values, strict=True):
                rows.append(
                    ["H1 2026", name, email, reviewer or name, relationship, comp, v]
                )  # fmt: skip
    path = write_csv(tmp_path / "lattice.csv", rows)
    got, checked = read(framework_workbook(), path)
    raters = {"manager": MANAGER, "self": SELF, "additional manager": additional}
    want = expected(raters, "2026-Q2") + expected({"peer": peers}, "2026-Q2") * 2
    assert got == sorted(want)
    no_errors(checked)
    assert not said(checked, "duplicate-rating")
    assert any("'H1 2026' -> 2026-Q2" in m for m in said(checked, "cycle-read-as-quarter"))


def test_culture_amp_wide_bracketed_raters_cp1252_semicolons(
    framework_workbook: Any, tmp_path: Path
) -> None:
    scale = ["Well below expectations", "Below expectations", "Meets expectations"]
    scale += ["Exceeds expectations", "Significantly exceeds expectations"]
    header = ["Employee Id", "Employee Name", "Cycle"]
    for comp in COMPS:
        header += [f"{comp} [Manager]", f"{comp} [Self]"]
    header += ["Overall Rating"]
    rows: list[list[Any]] = [header]
    for person in MANAGER:
        row: list[Any] = [person, PEOPLE[person][0] + " Müller", "Mid-year 2026"]
        for m, s in zip(MANAGER[person], SELF[person], strict=True):
            row += [scale[m - 1], scale[s - 1]]
        rows.append(row + ["Meets expectations"])
    path = write_csv(tmp_path / "culture_amp.csv", rows, encoding="cp1252", sep=";")
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q2")
    no_errors(checked)
    assert said(checked, "export-summary-ignored") == [
        "'Overall Rating' sums up the competency columns and is not read as ratings"
    ]
    # Below is 2 on this five-label scale, and saying so is part of the output
    assert any("Below expectations=2" in m for m in said(checked, "label-scale"))


def test_leapsome_review_direction_short_quarter_xlsx(
    framework_workbook: Any, tmp_path: Path
) -> None:
    upward = {"E002": [4, 5, 4]}
    rows: list[list[Any]] = [
        ["Reviewee email", "Review Direction", "Reviewer", "Skill", "Score", "Cycle"]
    ]
    for direction, table in (("Downward", MANAGER), ("Self", SELF), ("Upward", upward)):
        for person, values in table.items():
            for comp, v in zip(COMPS, values, strict=True):
                who = {"Downward": "Ada Example", "Upward": "Dee Report"}.get(direction, "")
                rows.append([PEOPLE[person][1], direction, who, comp, v, "Q2-26"])
    path = write_xlsx(tmp_path / "leapsome.xlsx", {"Responses": rows})
    got, checked = read(framework_workbook(), path)
    want = expected({"manager": MANAGER, "self": SELF, "upward": upward}, "2026-Q2")
    assert got == want
    no_errors(checked)


def test_hibob_wide_manager_dash_columns_completed_dates(
    framework_workbook: Any, tmp_path: Path
) -> None:
    header = ["Bob ID", "Email", "Display name"]
    for comp in COMPS:
        header += [f"Manager - {comp}", f"Self - {comp}"]
    header += ["Total score", "Completed date"]
    rows: list[list[Any]] = [header]
    for n, person in enumerate(MANAGER):
        row: list[Any] = [f"3{n}118", PEOPLE[person][1], PEOPLE[person][0]]
        for m, s in zip(MANAGER[person], SELF[person], strict=True):
            row += [m, s]
        rows.append(row + [sum(MANAGER[person]), "2026-09-28"])
    path = write_csv(tmp_path / "hibob.csv", rows, encoding="utf-8-sig", sep=";")
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q3")
    no_errors(checked)
    assert said(checked, "export-summary-ignored")


def test_bamboohr_assessment_columns_year_end(framework_workbook: Any, tmp_path: Path) -> None:
    header = ["Employee #", "Employee Name", "Review"]
    for comp in COMPS:
        header += [f"Self Assessment - {comp}", f"Manager Assessment - {comp}"]
    rows: list[list[Any]] = [header]
    for person in MANAGER:
        row: list[Any] = [person, PEOPLE[person][0], "Year-end 2026"]
        for m, s in zip(MANAGER[person], SELF[person], strict=True):
            row += [s, m]
        rows.append(row)
    path = write_csv(tmp_path / "bamboohr.csv", rows)
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q4")
    no_errors(checked)


def test_quantum_workplace_evaluator_roles_and_labels(
    framework_workbook: Any, tmp_path: Path
) -> None:
    scale = ["Does not meet", "Partially meets", "Meets", "Exceeds", "Far exceeds"]
    rows: list[list[Any]] = [
        ["Subject ID", "Subject Name", "Evaluator Role", "Competency", "Response", "Period"]
    ]
    for role, table in (("Manager Assessment", MANAGER), ("Self Assessment", SELF)):
        for person, values in table.items():
            for comp, v in zip(COMPS, values, strict=True):
                rows.append([person, PEOPLE[person][0], role, comp, scale[v - 1], "2026Q3"])
    path = write_csv(tmp_path / "quantum.csv", rows, encoding="cp1252")
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER, "self": SELF}, "2026-Q3")
    no_errors(checked)


def test_google_form_grid_questions_names_and_timestamp(
    framework_workbook: Any, tmp_path: Path
) -> None:
    header = ["Timestamp", "Email Address", "Employee name"]
    header += [f"Rate the employee [{comp}]" for comp in COMPS]
    rows: list[list[Any]] = [header]
    for person, values in MANAGER.items():
        rows.append(["2026/09/30 10:15:02", "ada@example.test", PEOPLE[person][0], *values])
    path = write_csv(tmp_path / "2026-Q3 form responses.csv", rows)
    got, checked = read(framework_workbook(), path)
    assert got == expected({"manager": MANAGER}, "2026-Q3")
    no_errors(checked)


# --- each ambiguity shows a message, not a guess ---------------------------------------------


@pytest.mark.parametrize(("sam", "ada"), [("Sam Lee", "Ada Example"), ("Lee, Sam", "Example, Ada")])
def test_a_name_two_people_share_is_an_error_naming_both_rows(
    framework_workbook: Any, tmp_path: Path, sam: str, ada: str
) -> None:
    employees = [
        ["E001", "Ada Example", "ada@example.test", None, "Engineering", "Management", "M1"]
        + ["2024-01-01"],
        ["E002", "Sam Lee", "sam.a@example.test", "E001", "Engineering", "IC", "IC2", "2025-01-01"],
        ["E003", "Sam Lee", "sam.b@example.test", "E001", "Engineering", "IC", "IC1", "2025-07-01"],
    ]
    workbook = framework_workbook(employees=employees)
    rows = [["Employee", "Competency", "Rating"], [sam, "Delivery", 3], [ada, "Delivery", 4]]
    got, checked = read(workbook, write_csv(tmp_path / "2026-Q3.csv", rows))
    [shared] = [f for f in checked.report if f.code == "ambiguous-person"]
    assert shared.message.startswith(f"'{sam}' names 2 people on Employees")
    assert "Employees!B3 (E002)" in shared.message and "Employees!B4 (E003)" in shared.message
    assert got == [("2026-Q3", "E001", "Delivery", "manager", 4.0)]


def test_names_written_last_comma_first_are_the_people_they_name(
    framework_workbook: Any, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [["Worker", "Competency", "Rating"]]
    for person, values in MANAGER.items():
        first, last = PEOPLE[person][0].split(" ", 1)
        rows += [[f"{last}, {first}", c, v] for c, v in zip(COMPS, values, strict=True)]
    got, checked = read(framework_workbook(), write_csv(tmp_path / "2026-Q3.csv", rows))
    assert got == expected({"manager": MANAGER}, "2026-Q3")
    no_errors(checked)
    assert said(checked, "export-key") == [
        "people identified by column 'Worker': 100% of its values are names of people on Employees"
    ]


@pytest.mark.parametrize("labels", [["Below", "Meets", "Exceeds"], ["Developing", "Strong"]])
def test_a_label_set_is_read_only_when_every_scale_agrees(
    framework_workbook: Any, tmp_path: Path, labels: list[str]
) -> None:
    rows = [["Employee ID", "Competency", "Rating"]]
    rows += [["E002", comp, label] for comp, label in zip(COMPS, labels, strict=False)]
    got, checked = read(framework_workbook(), write_csv(tmp_path / "2026-Q3.csv", rows))
    stops = said(checked, "label-scale-ambiguous")
    if "Below" in labels:  # 1 on one scale, 2 on another
        assert stops and "Below" not in {str(r[4]) for r in got}
        assert len(got) == 2
    else:  # Developing 2 and Strong 4 wherever they appear together
        assert not stops
        assert [r[4] for r in got] == [2.0, 4.0]


def test_a_missing_key_is_one_finding_with_no_used_column_suggested(
    framework_workbook: Any, tmp_path: Path
) -> None:
    rows = [["Person", "Competency", "Rating"]]
    rows += [[f"Nobody {n}", "Delivery", 3] for n in range(30)]
    checked = ls.check(framework_workbook(), [write_csv(tmp_path / "2026-Q3.csv", rows)])
    missing = [f for f in checked.report if f.code == "export-missing-column"]
    assert len(missing) == 1
    assert "'Competency'" not in missing[0].message and "'Rating'" not in missing[0].message
