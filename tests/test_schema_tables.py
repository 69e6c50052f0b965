"""Per-table schema rules: values that cannot be read, are off the scale, or repeat a key."""

from __future__ import annotations

import math

import pytest
from test_schema_company import build, company, row_of

from ladder_sheets.model import Table
from ladder_sheets.schema import validate


def flat(rec: dict) -> list[tuple]:
    return validate(build(rec)).report.flatten("sheet", "cell", "code")


def test_expectation_out_of_scale_is_an_error_and_blank() -> None:
    rec = company()
    r = row_of(rec, "expectations", family="Engineering", competency="Delivery", level="IC3")
    rec["expectations"][r - 2]["expected"] = 7
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Matrix", f"D{r}", "expectation-out-of-scale", "error")
    ]
    assert math.isnan(result.framework.expectations.data.at[r - 2, "expected"])


@pytest.mark.parametrize(
    ("value", "code"),
    [("three", "expectation-not-a-number"), ("0", "expectation-out-of-scale")],
)
def test_expectation_not_usable(value: str, code: str) -> None:
    rec = company()
    rec["expectations"][0]["expected"] = value
    assert flat(rec) == [("Matrix", "D2", code)]


def test_expectation_as_text_number_is_accepted() -> None:
    rec = company()
    rec["expectations"][0]["expected"] = " 1 "
    assert flat(rec) == []


def test_rating_out_of_scale_and_not_a_number() -> None:
    rec = company()
    rec["history"][1]["rating"] = 6
    rec["history"][2]["rating"] = "Meets"
    result = validate(build(rec))
    # The two rejected ratings leave Ownership and Delivery unrated: readiness will say so.
    assert sorted(result.report.flatten("sheet", "cell", "code")) == [
        ("Ratings History", "B2", "missing-rating"),
        ("Ratings History", "D3", "rating-out-of-scale"),
        ("Ratings History", "D4", "rating-not-a-number"),
    ]
    assert result.ratings.data["rating"].isna().tolist()[:4] == [False, True, True, False]


def test_yes_no_date_cycle_and_number_that_cannot_be_read() -> None:
    rec = company()
    rec["criteria"][0]["requires_endorsement"] = "maybe"
    rec["criteria"][1]["cycles_at_next"] = "two"
    rec["employees"][2]["in_level_since"] = "last spring"
    rec["evidence"][0]["cycle"] = "autumn"
    assert sorted(flat(rec)) == [
        ("Employees", "H4", "not-a-date"),
        ("Promotion Criteria", "F3", "not-a-number"),
        ("Promotion Criteria", "I2", "not-yes-no"),
        ("Promotion Evidence", "A2", "not-a-cycle"),
    ]


def test_choices_are_case_insensitive_and_unknown_ones_suggest() -> None:
    rec = company()
    rec["levels"][0]["track"] = "ic"
    rec["levels"][1]["track"] = "Individual Contributor"
    rec["competencies"][0]["category"] = "core"
    rec["history"][0]["rater_type"] = "MANAGER"
    assert flat(rec) == []
    rec["competencies"][3]["category"] = "Functionl"
    rec["paths"][0]["kind"] = "Crossing"
    rec["history"][0]["rater_type"] = "boss"
    result = validate(build(rec))
    found = [(f.sheet, f.cell, f.code) for f in result.report if f.code.startswith("unknown-")]
    assert found == [
        ("Competencies", "B5", "unknown-category"),
        ("Paths", "A2", "unknown-path-kind"),
        ("Ratings History", "E2", "unknown-rater-type"),
    ]
    assert "Did you mean 'Functional'?" in result.report.with_code("unknown-category")[0].message
    assert result.framework.competencies.data.at[3, "category"] is None


def test_unknown_track_is_an_error() -> None:
    rec = company()
    rec["levels"][2]["track"] = "Mgmt track"
    assert ("Levels", "B4", "unknown-track") in flat(rec)


def test_required_value_missing() -> None:
    rec = company()
    rec["employees"][3]["level"] = None
    rec["competencies"][2]["category"] = " "
    assert flat(rec)[:2] == [
        ("Competencies", "B4", "missing-value"),
        ("Employees", "G5", "missing-value"),
    ]


def test_unreadable_value_is_not_also_reported_blank() -> None:
    rec = company()
    rec["history"][0]["cycle"] = "sometime"
    assert flat(rec) == [
        ("Ratings History", "A2", "not-a-cycle"),
        ("Ratings History", "B3", "missing-rating"),  # Communication has no usable rating
    ]


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "code", "cell"),
    [
        ("employees", 3, "employee_id", "e003", "duplicate-employee-id", "A5"),
        ("levels", 1, "level", "ic1", "duplicate-level", "C3"),
        ("competencies", 1, "competency", "communication", "duplicate-competency", "A3"),
    ],
)
def test_duplicate_keys(
    table: str, index: int, column: str, value: str, code: str, cell: str
) -> None:
    rec = company()
    if table == "employees":
        rec["employees"][2]["employee_id"] = "E003"
        rec["history"] = [r for r in rec["history"] if r["employee_id"] != "E003"]
        rec["evidence"] = []
    rec[table][index][column] = value
    result = validate(build(rec))
    sheet = build(rec).table(table).sheets[0]
    assert (sheet, cell, code) in result.report.flatten("sheet", "cell", "code")
    assert result.report.with_code(code)[0].severity.value == "error"


def test_duplicate_matrix_and_behavior_cells() -> None:
    rec = company()
    rec["expectations"].append(dict(rec["expectations"][0]))
    rec["behaviors"].append({**rec["behaviors"][0], "level": " ic1 "})
    n = len(rec["expectations"]) + 1
    assert flat(rec) == [
        ("Matrix", f"D{n}", "duplicate-matrix-cell"),
        ("Behaviors", f"D{n}", "duplicate-behavior-cell"),
    ]


def test_duplicate_criteria_and_evidence() -> None:
    rec = company()
    rec["criteria"].append(dict(rec["criteria"][0]))
    rec["evidence"].append(dict(rec["evidence"][0]))
    assert flat(rec) == [
        ("Promotion Criteria", f"B{len(rec['criteria']) + 1}", "duplicate-criteria"),
        ("Promotion Evidence", "B3", "duplicate-evidence"),
    ]


def test_criteria_off_the_scale_or_negative() -> None:
    rec = company()
    rec["criteria"][0]["min_average"] = 5.5
    rec["criteria"][1]["cycles_at_next"] = -1
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Promotion Criteria", "D2", "criteria-inconsistent", "error"),
        ("Promotion Criteria", "F3", "criteria-inconsistent", "error"),
    ]


def test_band_checks() -> None:
    rec = company()
    rec["levels"][0]["band_min"] = 200000
    rec["levels"][1]["min_quarters"] = -2
    assert flat(rec) == [("Levels", "H2", "band-inverted"), ("Levels", "G3", "negative-value")]


def test_csv_export_places_are_file_and_line() -> None:
    export = Table.from_records(
        "history",
        [{"cycle": "Q2 2026", "employee_id": "E004", "competency": "Delivery", "rating": 9}],
        file="q2.csv",
    )
    export.cells.loc[0] = [f"{5}:{c}" for c in export.cells.columns]
    export.sheets = export.sheets.iloc[0:0]
    result = validate(build(company()), [export])
    scale = result.report.with_code("rating-out-of-scale")
    assert [(f.file, f.line, f.where.column) for f in scale] == [("q2.csv", 5, "rating")]


def test_two_levels_of_a_track_with_the_same_order() -> None:
    rec = company()
    rec["levels"][2]["order"] = "2"  # IC3 now shares order 2 with IC2
    result = validate(build(rec))
    assert ("Levels", "E4", "duplicate-level-order") in result.report.flatten(
        "sheet", "cell", "code"
    )
    assert result.report.with_code("duplicate-level-order")[0].severity.value == "warning"


def _with_dates(dates: list[str]) -> tuple[list[tuple[str, str, str]], list]:
    rec = company()
    for person, date in zip(rec["employees"], dates, strict=False):
        person["in_level_since"] = date
    result = validate(build(rec))
    found = [f for f in result.report.flatten("sheet", "cell", "code") if "date" in f[2]]
    return found, result.framework.employees.data["in_level_since"].tolist()


def test_a_day_above_12_settles_month_first_for_the_whole_column() -> None:
    import datetime as dt

    found, typed = _with_dates(["07/13/2025", "04/01/2025", "01/02/2024"])
    assert found == [("Employees", "H2", "date-order")]
    assert typed[:3] == [dt.date(2025, 7, 13), dt.date(2025, 4, 1), dt.date(2024, 1, 2)]
    found, typed = _with_dates(["13/07/2025", "04/01/2025"])
    assert found == []  # day first is the reading people outside the US expect; settled here
    assert typed[:2] == [dt.date(2025, 7, 13), dt.date(2025, 1, 4)]


def test_dates_no_value_settles_are_a_question_not_a_guess() -> None:
    found, _ = _with_dates(["07/02/2026", "04/01/2025", "03/03/2024"])
    assert found == [("Employees", "H2", "ambiguous-date")]
    found, _ = _with_dates(["13/07/2025", "07/13/2025"])  # both orders in one column
    assert found == [("Employees", "H2", "ambiguous-date")]
    found, _ = _with_dates(["01/01/2025", "2025-04-01"])  # reads the same either way
    assert found == []


def test_dates_all_on_the_first_of_a_month_under_one_reading_take_it() -> None:
    import datetime as dt

    found, typed = _with_dates(["07/01/2026", "04/01/2025", "10/01/2024"])  # US: July 1, ...
    assert found == [("Employees", "H2", "date-order")]
    assert typed[:3] == [dt.date(2026, 7, 1), dt.date(2025, 4, 1), dt.date(2024, 10, 1)]
    found, typed = _with_dates(["01/07/2026", "01/04/2025"])  # day first: 1 July, 1 April
    assert found == [("Employees", "H2", "date-order")]
    assert typed[:2] == [dt.date(2026, 7, 1), dt.date(2025, 4, 1)]
