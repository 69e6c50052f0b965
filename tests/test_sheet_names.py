"""A workbook's own sheet names win: where HR calls the history sheet "Ratings", calibrate and
packs name "Ratings" in their messages, never the template's "Ratings History"."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import canonical_headers

from ladder_sheets.api import check
from ladder_sheets.commands.calibrate import calibrate
from ladder_sheets.commands.packs import write_packs
from ladder_sheets.errors import DataError

RATING = ["2026-Q3", "E002", "Communication", 3, "manager", "E001", None, "hr.csv", None]


@pytest.fixture
def renamed(framework_workbook) -> Path:
    """History (header only: no ratings yet) on "Ratings", employees on "People"."""
    return framework_workbook(
        rename={"Employees": "People"}, sheets={"Ratings": [canonical_headers("history")]}
    )


def test_the_framework_names_the_sheets_it_was_read_from(renamed, framework_workbook):
    fw = check(renamed).framework
    assert fw.sheet("history") == "Ratings" and fw.sheet("employees") == "People"
    plain = check(framework_workbook(name="plain.xlsx")).framework  # no history sheet at all
    assert plain.sheet("history") == "Ratings History"  # so the template's name


def test_calibrate_names_the_workbooks_history_sheet(renamed, tmp_path):
    with pytest.raises(DataError) as empty:
        calibrate(renamed, tmp_path / "pack.xlsx")
    assert empty.value.sheet == "Ratings"


def test_calibrate_names_it_for_a_cycle_it_does_not_hold(framework_workbook, tmp_path):
    book = framework_workbook(rename={"Ratings History": "Ratings"}, history=[RATING])
    with pytest.raises(DataError) as other:
        calibrate(book, tmp_path / "pack.xlsx", cycle="2025-Q1")
    assert other.value.sheet == "Ratings"
    assert "in Ratings (it holds 2026-Q3)" in str(other.value)
    assert "Ratings History" not in str(other.value)


def test_packs_name_the_workbooks_history_and_employees_sheets(
    renamed, framework_workbook, tmp_path
):
    with pytest.raises(DataError) as empty:
        write_packs(renamed, tmp_path / "packs", jobs=1)
    assert empty.value.sheet == "Ratings"
    book = framework_workbook(
        name="rated.xlsx", rename={"Ratings History": "Ratings", "Employees": "People"},
        history=[RATING],
    )  # fmt: skip
    with pytest.raises(DataError) as unknown:
        write_packs(book, tmp_path / "packs", only=["E999"], jobs=1)
    assert unknown.value.sheet == "People" and "in the People sheet" in str(unknown.value)


def test_calibrate_counts_the_ratings_of_the_cycle_it_chose(framework_workbook, tmp_path):
    earlier = ["2026-Q2", *RATING[1:3], 4, *RATING[4:]]
    book = framework_workbook(name="two.xlsx", history=[earlier, RATING])
    latest = calibrate(book, tmp_path / "latest.xlsx")
    assert (latest.cycle, latest.ratings) == ("2026-Q3", 1)
    chosen = calibrate(book, tmp_path / "chosen.xlsx", cycle="2026-Q2")
    assert (chosen.cycle, chosen.ratings) == ("2026-Q2", 1)
    assert not latest.report.errors and latest.people == chosen.people > 0
