"""Validation of real workbooks read by the reader: places are the cells a person clicks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ladder_sheets.schema import validate
from ladder_sheets.workbook.reader import read_framework

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "competency_matrix.xlsx"


@pytest.mark.skipif(not TEMPLATE.exists(), reason="the template has not been written yet")
def test_the_template_has_no_errors_or_warnings() -> None:
    report = validate(read_framework(TEMPLATE)).report
    assert [f for f in report if f.severity.value != "info"] == []


def test_out_of_scale_expectation_in_a_wide_matrix_names_its_cell(
    framework_workbook: Callable[..., Path],
) -> None:
    matrix = {
        "Communication": {"IC1": 2, "IC2": 3, "IC3": 4, "M1": 4},
        "Delivery": {"IC1": 2, "IC2": 7, "IC3": 4, "M1": 3},
        "System Design": {"IC1": 1, "IC2": 2, "IC3": "lots", "M1": None},
    }
    report = validate(read_framework(framework_workbook(matrix=matrix))).report
    # Matrix: A Job Family, B Competency, C IC1, D IC2, E IC3, F M1; Delivery on row 3
    found = report.flatten("sheet", "cell", "code")
    assert [f for f in found if f[2].startswith("expectation-")] == [
        ("Matrix", "E4", "expectation-not-a-number"),
        ("Matrix", "D3", "expectation-out-of-scale"),
    ]
    # The fixture describes no System Design behaviour: each expected cell says so.
    assert ("Matrix", "C4", "missing-behavior") in found


def test_employee_sheet_errors_name_their_cells(framework_workbook: Callable[..., Path]) -> None:
    employees = [
        ["E001", "Ada Example", "ada@example.test", None, "Engineering", "Management", "M1", None],
        ["E002", "Ben Sample", "ben@example.test", "E01", "Engineering", "IC", "IC9", None],
        ["E002", "Cy Placeholder", "cy@example.test", "E001", "Engineering", "IC", "IC1", "soon"],
    ]
    report = validate(read_framework(framework_workbook(employees=employees))).report
    assert sorted(f for f in report.flatten("sheet", "cell", "code") if f[0] == "Employees") == [
        ("Employees", "A4", "duplicate-employee-id"),
        ("Employees", "D3", "unknown-manager"),
        ("Employees", "G3", "unknown-level"),
        ("Employees", "H4", "not-a-date"),
    ]
