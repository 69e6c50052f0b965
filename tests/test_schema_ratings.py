"""Ratings from history and exports: typed together, duplicates across files, coverage."""

from __future__ import annotations

import math
from typing import Any

from test_schema_company import COMPETENCIES, build, company

from ladder_sheets.model import Table
from ladder_sheets.schema import validate


def export(rows: list[dict[str, Any]], file: str = "q2.csv") -> Table:
    """A CSV export: positions are line:column, no sheets (header on line 1)."""
    table = Table.from_records("history", rows, file=file)
    for i in table.cells.index:
        table.cells.loc[i] = [f"{i + 2}:{c}" for c in table.cells.columns]
    table.sheets = table.sheets.iloc[0:0]
    return table


def rating(employee: str, competency: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {
        "cycle": "2026-Q2",
        "employee_id": employee,
        "competency": competency,
        "rating": value,
        **extra,
    }


def test_exports_are_concatenated_keeping_file_cell_and_sheet_per_row() -> None:
    rows = [rating("E004", c, 3) for c, _ in COMPETENCIES]
    result = validate(build(company()), [export(rows, "a.csv")])
    ratings = result.ratings
    assert len(ratings.data) == 7 + 6
    assert ratings.where(0, "rating").sheet == "Ratings History"
    assert ratings.where(0, "rating").file == "framework.xlsx"
    assert (ratings.where(7, "rating").file, ratings.where(7, "rating").line) == ("a.csv", 2)
    assert ratings.where(12, "rating").line == 7
    assert result.report.flatten("code") == []


def test_duplicate_within_one_file_is_an_error() -> None:
    rows = [rating("E004", c, 3) for c, _ in COMPETENCIES] + [rating("E004", "Delivery", 4)]
    result = validate(build(company()), [export(rows)])
    assert [(f.file, f.line, f.code, f.severity.value) for f in result.report] == [
        ("q2.csv", 8, "duplicate-rating", "error")
    ]
    # The first rating is kept, the later copy is blank in the typed table.
    assert result.ratings.data["rating"].iloc[-1] != result.ratings.data["rating"].iloc[-1]


def test_duplicate_across_files_same_value_is_a_warning_other_value_an_error() -> None:
    again = [rating("E003", "Communication", 3), rating("E003", "Ownership", 5)]
    result = validate(build(company()), [export(again)])
    assert [(f.file, f.line, f.code, f.severity.value) for f in result.report] == [
        ("q2.csv", 2, "duplicate-rating", "warning"),
        ("q2.csv", 3, "duplicate-rating", "error"),
    ]
    error = result.report.errors[0]
    assert "Ratings History!D3" in error.message and "5" in error.message


def test_two_exports_holding_the_same_ratings_are_said_once_as_overlapping() -> None:
    first = [rating("E004", c, 1 + n % 5) for n, (c, _) in enumerate(COMPETENCIES)]
    # the same export passed twice: one warning standing for the six repeated ratings
    result = validate(build(company()), [export(first, "a.csv"), export(first, "b.csv")])
    assert [(f.code, f.file, f.severity.value, f.count) for f in result.report] == [
        ("exports-overlap", "b.csv", "warning", 6)
    ]
    [said] = result.report
    assert said.message.startswith("b.csv repeats 6 ratings of 2026-Q2 that a.csv holds")
    assert list(said.places) == [f"b.csv:{n} (rating)" for n in range(2, 8)]
    # two values differ: one error giving the cause, then every rating of its own
    second = [dict(r) for r in first]
    second[1]["rating"], second[4]["rating"] = 5, 1
    differ = sum(a["rating"] != b["rating"] for a, b in zip(first, second, strict=True))
    result = validate(build(company()), [export(first, "a.csv"), export(second, "b.csv")])
    found = list(result.report)
    codes = [(f.code, f.severity.value) for f in found]
    assert codes[0] == ("exports-overlap", "error")
    assert (
        f"both hold 6 ratings of 2026-Q2 for the same people, competencies and raters, "
        f"{differ} of them with different values" in found[0].message
    )
    assert sorted(codes[1:]) == sorted(
        [("duplicate-rating", "error")] * differ + [("duplicate-rating", "warning")] * (6 - differ)
    )


def test_a_few_ratings_in_two_exports_are_not_an_overlap() -> None:
    both = [rating("E004", c, 3) for c, _ in COMPETENCIES[:4]]  # fewer than OVERLAP_MIN
    rest = [rating("E004", c, 3) for c, _ in COMPETENCIES[4:]]
    result = validate(build(company()), [export(both + rest, "a.csv"), export(both, "b.csv")])
    assert [(f.code, f.file) for f in result.report] == [("duplicate-rating", "b.csv")] * 4


def test_self_and_peer_ratings_are_not_duplicates_of_the_manager() -> None:
    rows = [
        rating("E003", "Delivery", 2, rater_type="peer", reviewer="E004"),
        rating("E003", "Delivery", 4, rater_type="peer", reviewer="E005"),
    ]
    result = validate(build(company()), [export(rows)])
    assert result.report.flatten("code") == []
    rows.append(rating("E003", "Delivery", 3, rater_type="Peer", reviewer="e005"))
    result = validate(build(company()), [export(rows)])
    assert [(f.line, f.code) for f in result.report] == [(4, "duplicate-rating")]


def test_missing_ratings_are_one_finding_per_employee_and_cycle() -> None:
    rows = [rating("E004", "Delivery", 3), rating("E004", "Ownership", 3)]
    rows += [rating("E005", c, 2, cycle="2026-Q3") for c, _ in COMPETENCIES[:5]]
    result = validate(build(company()), [export(rows)])
    assert [(f.line, f.code, f.severity.value) for f in result.report] == [
        (2, "missing-rating", "warning"),
        (4, "missing-rating", "warning"),
    ]
    first, second = result.report.findings
    for name in ("Communication", "System Design", "Code Quality", "Operations"):
        assert name in first.message
    assert "Delivery" not in first.message and "2026-Q2" in first.message
    assert "Operations" in second.message and "Delivery" not in second.message


def test_a_rating_the_level_does_not_expect_is_info() -> None:
    rec = company()
    # IC2 no longer expects Operations
    for r in rec["expectations"]:
        if r["level"] == "IC2" and r["competency"] == "Operations":
            r["expected"] = None
    rec["behaviors"] = [
        b for b in rec["behaviors"] if not (b["level"] == "IC2" and b["competency"] == "Operations")
    ]
    result = validate(build(rec))
    notexpected = result.report.with_code("rating-not-expected")
    assert [(f.sheet, f.cell, f.severity.value) for f in notexpected] == [
        ("Ratings History", "B2", "info")
    ]
    assert "Operations" in notexpected[0].message


def test_blank_rating_is_not_a_duplicate_and_counts_as_missing() -> None:
    rec = company()
    rec["history"][0]["rating"] = None
    result = validate(build(rec))
    assert result.report.flatten("cell", "code") == [("B3", "missing-rating")]
    assert math.isnan(result.ratings.data.at[0, "rating"])
