"""In Level Since written as a month alone ("Dec 2025", "2025-12", "12/2025"), as HR often
keeps it: read as the first of the month, said once per column. Time in level counts whole
months, so the statuses are those of the same dates written in full (computed from the
product's definitions by companies/expect.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from companies.book import Book
from companies.spec import Spec, build, quarters
from test_companies_shapes import files, understood

from ladder_sheets.model import Table
from ladder_sheets.schema.tables import type_table
from ladder_sheets.values import month_only


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("Dec 2025", dt.date(2025, 12, 1)),
        ("September 2024", dt.date(2024, 9, 1)),
        ("Sept. 2024", dt.date(2024, 9, 1)),
        ("mar-2026", dt.date(2026, 3, 1)),
        ("2025-07", dt.date(2025, 7, 1)),
        ("07/2025", dt.date(2025, 7, 1)),
        ("2025-13", None),
        ("2025-07-15", None),  # a full date is the date parser's
        ("Q3 2025", None),
        ("Summer 2025", None),
        (202507, None),
    ],
)
def test_a_month_alone_is_its_first_day(text: object, meant: dt.date | None) -> None:
    assert month_only(text) == meant


def test_one_note_per_column_and_the_other_dates_as_before() -> None:
    rows = [
        {"employee_id": "A1", "in_level_since": "Dec 2025"},
        {"employee_id": "A2", "in_level_since": dt.date(2024, 5, 17)},
        {"employee_id": "A3", "in_level_since": "2023-02"},
        {"employee_id": "A4", "in_level_since": "sometime"},
    ]
    typed, found = type_table(Table.from_records("employees", rows))
    assert typed.data["in_level_since"].tolist()[:3] == [
        dt.date(2025, 12, 1),
        dt.date(2024, 5, 17),
        dt.date(2023, 2, 1),
    ]
    [note] = [f for f in found if f.code == "date-month-only"]
    assert note.severity.value == "info" and note.cell == "H2"
    assert note.message.startswith("2 date(s) in this column name a month alone")
    [bad] = [f for f in found if f.code == "not-a-date"]
    assert bad.cell == "H5"  # text that is no date is still an error at its cell
    # a leaving date could be any day of its month: read as the last, and said so
    typed, found = type_table(Table.from_records("employees", [{"left_on": "Feb 2024"}]))
    assert typed.data["left_on"].tolist() == [dt.date(2024, 2, 29)]
    assert [f.code for f in found if "date" in f.code] == ["date-month-only"]
    assert "read as the last day of the month (2024-02-29)" in found[0].message


def test_a_roster_of_months_gives_the_statuses_of_its_full_dates(tmp_path: Path) -> None:
    spec = build(
        "Marrow Robotics",
        seed=23,
        families={"Engineering": {"IC": ["R1", "R2", "R3"], "Management": ["RM1", "RM2"]}},
        people=12,
        cycles=quarters("2025-Q3", 4),
    )
    assert all(p["since"].day == 1 for p in spec["people"])  # so a month says the date

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Employees"]
        for row in range(2, ws.max_row + 1):
            since = dt.date.fromisoformat(ws.cell(row, 8).value)
            ws.cell(row, 8, since.strftime("%b %Y") if row % 2 else since.strftime("%Y-%m"))

    workbook, exports = files(tmp_path, spec, Book(dates="iso"), shape)
    result = understood("Marrow Robotics", spec, workbook, exports)
    [note] = [f for f in result.report if f.code == "date-month-only"]
    assert note.message.startswith(f"{len(spec['people'])} date(s)")
