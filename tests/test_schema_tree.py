"""The reporting tree: managers exist, nobody manages themselves, no loops."""

from __future__ import annotations

from test_schema_company import build, company

from ladder_sheets.schema import validate


def test_unknown_manager() -> None:
    rec = company()
    rec["employees"][3]["manager_id"] = "E02"
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Employees", "D5", "unknown-manager", "error")
    ]
    assert "Did you mean 'E002'?" in result.report.findings[0].message


def test_self_manager() -> None:
    rec = company()
    rec["employees"][4]["manager_id"] = "e005"
    assert validate(build(rec)).report.flatten("sheet", "cell", "code") == [
        ("Employees", "D6", "self-manager")
    ]


def test_loop_is_named_whole_once() -> None:
    rec = company()
    # E001 -> E004 -> E002 -> E001 (E004 reports to E002, who reports to E001)
    rec["employees"][0]["manager_id"] = "E004"
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code") == [("Employees", "D2", "manager-loop")]
    assert "E001 -> E004 -> E002 -> E001" in result.report.findings[0].message


def test_two_loops_give_two_findings() -> None:
    rec = company()
    rec["employees"][0]["manager_id"] = "E002"  # E001 <-> E002
    rec["employees"][4]["manager_id"] = "E004"
    rec["employees"][3]["manager_id"] = "E005"  # E004 <-> E005
    result = validate(build(rec))
    assert result.report.flatten("cell", "code") == [("D2", "manager-loop"), ("D5", "manager-loop")]


def test_several_roots_are_info() -> None:
    rec = company()
    rec["employees"][4]["manager_id"] = None
    assert validate(build(rec)).report.flatten("sheet", "cell", "code", "severity") == [
        ("Employees", "D6", "several-roots", "info")
    ]


def test_a_manager_id_is_rewritten_as_the_sheet_spells_the_employee_id() -> None:
    """Manager IDs typed in another case or with spaces name the employee as Employee ID
    spells it, so packs and the analysis group the team under one manager."""
    rec = company()
    rec["employees"][3]["manager_id"] = " e001 "
    rec["employees"][4]["manager_id"] = "E001"
    result = validate(build(rec))
    assert not result.report.errors
    staff = result.framework.employees.data.set_index("employee_id")
    assert staff.loc[["E004", "E005"], "manager_id"].tolist() == ["E001", "E001"]
