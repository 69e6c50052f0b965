"""References between tables: every family, level, competency and employee named exists."""

from __future__ import annotations

import pandas as pd
from test_schema_company import build, company, row_of

from ladder_sheets.model import Table
from ladder_sheets.schema import validate


def test_unknown_level_of_an_employee_suggests_the_closest() -> None:
    rec = company()
    rec["employees"][2]["level"] = "IC 22"
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Employees", "G4", "unknown-level", "error")
    ]
    assert "Did you mean 'IC2'?" in result.report.findings[0].message


def test_level_of_another_family_is_unknown() -> None:
    rec = company()
    rec["employees"][4]["level"] = "IC2"  # E005 is in Data, whose levels are D1-D4
    assert validate(build(rec)).report.flatten("sheet", "cell", "code")[0] == (
        "Employees",
        "G6",
        "unknown-level",
    )


def test_unknown_family_is_reported_once_not_again_per_level() -> None:
    rec = company()
    rec["criteria"][0]["family"] = "Enginering"
    result = validate(build(rec))
    unknown = [f for f in result.report if f.code.startswith("unknown-")]
    assert [(f.sheet, f.cell, f.code) for f in unknown] == [
        ("Promotion Criteria", "A2", "unknown-family")
    ]
    assert "Did you mean 'Engineering'?" in unknown[0].message


def test_unknown_levels_and_competencies_in_matrix_behaviors_criteria_paths() -> None:
    rec = company()
    r = row_of(rec, "expectations", family="Engineering", competency="Delivery", level="IC2")
    rec["expectations"][r - 2]["competency"] = "Delivry"
    rec["behaviors"][0]["level"] = "IC0"
    rec["criteria"][0]["to_level"] = "IC9"
    rec["paths"][2]["to_family"] = "Sales"
    rec["paths"][0]["to_level"] = "M7"
    rec["competencies"][0]["family"] = "Dta"
    found = [
        (f.sheet, f.cell, f.code)
        for f in validate(build(rec)).report
        if f.code.startswith("unknown-")
    ]
    assert sorted(found) == sorted(
        [
            ("Competencies", "C2", "unknown-family"),
            ("Behaviors", "C2", "unknown-level"),
            ("Promotion Criteria", "C2", "unknown-level"),
            ("Paths", "D4", "unknown-family"),
            ("Paths", "E2", "unknown-level"),
            ("Matrix", f"B{r}", "unknown-competency"),
        ]
    )


def test_names_differing_in_case_and_spacing_are_rewritten_to_the_framework_spelling() -> None:
    rec = company()
    rec["employees"][2]["level"] = "ic2"
    rec["employees"][2]["family"] = " engineering "
    rec["expectations"][0]["competency"] = "COMMUNICATION"
    rec["history"][0]["employee_id"] = "e003"
    result = validate(build(rec))
    assert result.report.flatten("code") == []
    employee = result.framework.employees.data.iloc[2]
    assert (employee["family"], employee["level"]) == ("Engineering", "IC2")
    assert result.framework.expectations.data.at[0, "competency"] == "Communication"
    assert result.ratings.data.at[0, "employee_id"] == "E003"


def test_track_not_matching_the_level_is_a_warning_and_the_level_wins() -> None:
    rec = company()
    rec["employees"][2]["track"] = "Management"
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Employees", "F4", "track-mismatch", "warning")
    ]
    assert result.framework.employees.data.at[2, "track"] == "IC"


def test_unknown_employee_and_competency_in_an_export() -> None:
    export = Table.from_records(
        "history",
        [
            {"cycle": "2026-Q3", "employee_id": "E0003", "competency": "Delivery", "rating": 3},
            {"cycle": "2026-Q3", "employee_id": "E004", "competency": "Ownershp", "rating": 3},
        ],
        sheet="Export",
        file="q3.xlsx",
    )
    result = validate(build(company()), [export])
    unknown = [f for f in result.report if f.code.startswith("unknown-")]
    assert [(f.file, f.sheet, f.cell, f.code) for f in unknown] == [
        ("q3.xlsx", "Export", "C3", "unknown-competency"),
        ("q3.xlsx", "Export", "B2", "unknown-employee"),
    ]
    assert "Did you mean 'E003'?" in unknown[1].message
    assert "Did you mean 'Ownership'?" in unknown[0].message


def test_unknown_employee_in_promotion_evidence() -> None:
    rec = company()
    rec["evidence"][0]["employee_id"] = "E009"
    assert validate(build(rec)).report.flatten("sheet", "cell", "code") == [
        ("Promotion Evidence", "B2", "unknown-employee")
    ]


def _history(ids: list[object]) -> Table:
    import numpy as np
    import pandas as pd

    from ladder_sheets.cellmap import CellMap, SheetRows
    from ladder_sheets.model import columns

    n = len(ids)
    cols = columns("history")
    data = pd.DataFrame({c: [None] * n for c in cols}, dtype=object)
    data["employee_id"] = pd.Series(ids, dtype=object)
    rows = SheetRows(np.arange(2, n + 2), {"employee_id": "B"})
    places = CellMap(cols, [rows])
    return Table("history", data, places, pd.Series(["Ratings History"] * n, dtype=object))


def test_ids_spelled_as_the_framework_spells_them_are_left_as_they_are(monkeypatch) -> None:
    """The history after a merge names everyone as Employees does: nothing is rewritten or
    reported (found once per distinct ID), and one ID spelled otherwise, a number where a
    text is known, or an unknown ID among them is still rewritten or reported."""
    from types import SimpleNamespace

    from ladder_sheets.schema import references
    from ladder_sheets.schema.references import employee_references

    catalog = SimpleNamespace(employees={"e001": "E001", "e002": "E002", "1003": "1003"})
    ids: list[object] = ["E001", "E002", None, "E001", "1003"] * 3
    table = _history(ids)
    general = references.map_distinct
    with monkeypatch.context() as m:  # the value by value rewrite is not needed, nor taken

        def refused(*args: object) -> None:
            raise AssertionError("rewritten value by value")

        m.setattr(references, "map_distinct", refused)
        assert employee_references(table, catalog) == []  # type: ignore[arg-type]
    assert table.data["employee_id"].tolist() == ids
    assert references.map_distinct is general

    for odd, rewritten, unknown in [
        (" e002", "E002", 0),
        (1003, "1003", 0),
        ("E404", "E404", 1),
    ]:
        table = _history([*ids, odd])
        found = employee_references(table, catalog)  # type: ignore[arg-type]
        assert table.data["employee_id"].tolist() == [*ids, rewritten]
        assert [f.code for f in found] == ["unknown-employee"] * unknown
        if unknown:
            assert found[0].where.cell == f"B{len(ids) + 2}"


def test_blanks_of_either_kind_leave_a_column_as_the_framework_spells_it() -> None:
    """None and NaN are blanks beside names spelt as known: nothing to rewrite; one name
    spelt otherwise (or unknown) is something to rewrite."""
    from ladder_sheets.schema.references import _as_known
    from ladder_sheets.schema.schemas import id_key

    known = {"e001": "E001", "e002": "E002"}
    spelled = pd.Series(["E001", None, float("nan"), "E002", None], dtype=object)
    assert _as_known(spelled, known, id_key)
    assert not _as_known(pd.Series(["E001", None, " e002"], dtype=object), known, id_key)
    assert not _as_known(pd.Series([float("nan"), "E003"], dtype=object), known, id_key)


def _recorded(rec: dict) -> object:
    """The framework with its history and evidence read from its own sheets (recorded)."""
    framework = build(rec)
    framework.sources["history"] = ["Ratings History"]
    framework.sources["evidence"] = ["Promotion Evidence"]
    return framework


def test_someone_who_left_keeps_their_history_with_one_warning() -> None:
    rec = company()
    rated = [r for r in rec["history"] if r["employee_id"] == "E003"]
    cycles = sorted({r["cycle"] for r in rated})
    rec["employees"] = [e for e in rec["employees"] if e["employee_id"] != "E003"]
    result = validate(_recorded(rec))
    report = list(result.report)
    assert not [f for f in report if f.code == "unknown-employee"]  # nor in Promotion Evidence
    [left] = [f for f in report if f.code == "former-employee"]
    assert left.severity.value == "warning" and (left.sheet, left.cell) == ("Ratings History", "B2")
    assert left.message.startswith(
        f"1 person in the ratings history is no longer on Employees: E003 ({len(rated)} "
        f"ratings, last {cycles[-1]})."
    )
    # a recorded row without a cycle names no last cycle
    rec["history"] = [
        {"employee_id": "E005", "competency": "Delivery", "rating": 2} if r is rated[0] else r
        for r in rec["history"]
    ]
    rec["employees"] = [e for e in rec["employees"] if e["employee_id"] != "E005"]
    messages = [f.message for f in validate(_recorded(rec)).report if f.code == "former-employee"]
    assert messages[0].startswith(  # in the order the history first names them
        f"2 people in the ratings history are no longer on Employees: E005 (1 rating), E003 "
        f"({len(rated) - 1} ratings, last {cycles[-1]})."
    )
    # an export rating someone who is not on Employees is still an error at its cell
    from test_schema_ratings import export

    again = [{"cycle": "2026-Q3", "employee_id": "E003", "competency": "Delivery", "rating": 3}]
    result = validate(_recorded(rec), [export(again)])
    unknown = [(f.file, f.line, f.code) for f in result.report if f.code == "unknown-employee"]
    assert unknown == [("q2.csv", 2, "unknown-employee")]


def test_a_manager_who_left_is_said_so_not_spelt_like_another() -> None:
    rec = company()
    rec["history"] += [
        {"cycle": "2026-Q2", "employee_id": "E002", "competency": "Delivery", "rating": 4}
    ]
    rec["employees"] = [e for e in rec["employees"] if e["employee_id"] != "E002"]
    result = validate(_recorded(rec))
    managers = [f for f in result.report if f.code == "unknown-manager"]
    # E002 managed E003 and E004: each still needs a manager, and none is guessed
    assert [f.cell for f in managers] == ["D3", "D4"]
    for f in managers:
        assert "is no longer on Employees (the ratings history holds them" in f.message
        assert "Did you mean" not in f.message
    # someone unknown to the history too keeps the suggestion
    rec = company()
    rec["employees"][2]["manager_id"] = "E0002"
    [odd] = [f for f in validate(_recorded(rec)).report if f.code == "unknown-manager"]
    assert "Did you mean 'E002'?" in odd.message
