"""Who has left, as HR marks it on the people sheet: a Status column ("Active", "Terminated",
"On leave"), a yes/no "Active" or "Leaver?" column, or a leaving date.

People marked as left are passed over by gaps, readiness, coverage and packs, their ratings
history kept; a status word not known is never guessed (read as employed, and asked once).
The expected statuses and gaps come from the product's definitions over the company without
its leavers (companies/expect.py), never from the tool.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from companies import book as books
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.roster import Company
from companies.spec import Spec, build, quarters
from helpers import SOFFICE, libreoffice_convert
from test_companies import merged_tables, wrong_numbers

import ladder_sheets as ls
from ladder_sheets.workbook.status import status_of

PLAIN = Export("plain", key="id", reviewer_key="id", raters=("manager", "self"))


@pytest.mark.parametrize(
    ("text", "header", "meant"),
    [
        ("Active", "Status", "current"),
        ("active - probation", "Status", "current"),
        ("On Leave", "Employment Status", "current"),
        ("Parental leave", "Status", "current"),
        ("Notice period", "Status", "current"),
        ("Terminated", "Status", "left"),
        ("Leaver", "Status", "left"),
        ("Inactive", "Status", "left"),
        ("Resigned", "Employee Status", "left"),
        ("Not active", "Status", "left"),
        ("No longer employed", "Status", "left"),
        ("Yes", "Active", "current"),
        ("No", "Is Active?", "left"),
        ("Y", "Leaver?", "left"),
        ("FALSE", "Terminated", "current"),
        ("Yes", "Status", None),  # "Status: yes" says nothing
        ("Garden leave - exit", "Status", None),  # both: asked, not guessed
        ("Contractor", "Status", None),
        ("Fixed-term", "Status", "current"),  # a contract, not "term(inated)"
        ("Term", "Employee Status", "left"),
        ("Fixed term - ended", "Status", None),
    ],
)
def test_a_status_is_read_by_its_words_and_a_yes_by_its_header(
    text: str, header: str, meant: str | None
) -> None:
    assert status_of(text, header) == meant


def _company() -> tuple[Spec, list[str], str]:
    """A small company and three people who manage nobody (the leavers), with the last cycle."""
    spec = build(
        "Tollund Freight",
        seed=11,
        families={"Operations": {"IC": ["O1", "O2", "O3"], "Management": ["OM1", "OM2"]}},
        people=14,
        cycles=quarters("2025-Q3", 4),
    )
    managers = {p["manager"] for p in spec["people"]}
    leavers = [p["id"] for p in spec["people"] if p["id"] not in managers][:3]
    for p in spec["people"]:
        p["status"] = "Active"
    return spec, leavers, spec["cycles"][-1]


def _without(spec: Spec, people: list[str]) -> Spec:
    """The company as the definitions see it once `people` have left."""
    out = copy.deepcopy(spec)
    out["people"] = [p for p in out["people"] if p["id"] not in people]
    out["ratings"] = [r for r in out["ratings"] if r["person"] not in people]
    out["evidence"] = [e for e in out["evidence"] if e["person"] not in people]
    return out


def _exports(spec: Spec, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {p.stem.removeprefix("plain-"): p for p in tools.plain(spec, folder, PLAIN)}


def _set_status(workbook: Path, header: str, values: dict[str, Any]) -> None:
    """HR marks people on Employees: the column headed `header` (added if absent)."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    heads = [c.value for c in ws[1]]
    column = heads.index(header) + 1 if header in heads else len(heads) + 1
    ws.cell(1, column, header)
    for row in range(2, ws.max_row + 1):
        person = ws.cell(row, 1).value
        if person in values:
            ws.cell(row, column, values[person])
    wb.save(workbook)


def _history_then_leavers(tmp_path: Path) -> tuple[Spec, list[str], Path, Path]:
    """Every cycle but the last merged while everyone was employed; the last cycle's export
    without the leavers (they left before it)."""
    spec, leavers, last = _company()
    book = Book(extra_people={"status": "Employment Status"})
    workbook = books.write(spec, book, tmp_path / "f.xlsx")
    earlier = _exports(spec, tmp_path / "earlier")
    result = ls.merge(workbook, [p for c, p in earlier.items() if c != last])
    assert not result.report.errors, result.report.errors[:3]
    now = _exports(_without(spec, leavers), tmp_path / "now")[last]
    return spec, leavers, workbook, now


def test_people_marked_as_left_are_passed_over_and_their_history_kept(tmp_path: Path) -> None:
    spec, leavers, workbook, now = _history_then_leavers(tmp_path)
    said = {leavers[0]: "Terminated", leavers[1]: "Resigned", leavers[2]: "Leaver"}
    _set_status(workbook, "Employment Status", said)
    before = workbook.read_bytes()

    result, tables = merged_tables(workbook, [now], write=False)
    assert workbook.read_bytes() == before  # a dry run: the input untouched
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    company = Company("Tollund Freight", _without(spec, leavers), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []
    for name in ("Promotion Readiness", "Gap Analysis"):
        assert not [r for r in tables[name] if r["Employee ID"] in leavers]

    codes = [f.code for f in result.report]
    assert "former-employee" not in codes  # they are said where they are marked
    assert "unknown-employee" not in codes
    missing = [f for f in result.report if f.code == "missing-rating"]
    assert not [f for f in missing if any(p in f.message for p in leavers)]
    [left] = [f for f in result.report if f.code == "employee-left"]
    rows = {ws_row: pid for ws_row, pid in _rows(workbook).items() if pid in leavers}
    status_col = "I"  # the ninth column: after the eight canonical people columns
    assert set(left.places) == {f"Employees!{status_col}{r}" for r in rows}
    for pid, word in said.items():
        assert pid in left.message and f"'{word}'" in left.message
    assert left.message.startswith("3 people are marked on Employees as having left")

    # merged for real: their recorded ratings stay in Ratings History
    merged = tmp_path / "merged.xlsx"
    shutil.copy(workbook, merged)
    assert not ls.merge(merged, [now]).report.errors
    history = openpyxl.load_workbook(merged, read_only=True)["Ratings History"]
    kept = {row[1] for row in history.iter_rows(min_row=2, values_only=True)}
    assert set(leavers) <= kept


def test_a_roster_without_status_or_leaving_date_is_not_told_it_lacks_them(
    tmp_path: Path,
) -> None:
    spec, _, _ = _company()
    workbook = books.write(spec, Book(), tmp_path / "f.xlsx")
    found = ls.read_framework(workbook).findings
    assert not [f for f in found if f.code == "missing-column" and f.sheet == "Employees"]
    # a mapping naming a status column the sheet lacks is told
    mapping = tmp_path / "m.toml"
    mapping.write_text('[employees.columns]\nstatus = "Worker State"\n', encoding="utf-8")
    found = ls.read_framework(workbook, mapping).findings
    [told] = [f for f in found if f.code == "missing-column" and f.sheet == "Employees"]
    assert "'Worker State'" in told.message


def _rows(workbook: Path) -> dict[int, str]:
    ws = openpyxl.load_workbook(workbook)["Employees"]
    return {r: ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}


def test_a_status_not_known_is_asked_and_read_as_employed_until_answered(tmp_path: Path) -> None:
    spec, leavers, workbook, now = _history_then_leavers(tmp_path)
    who = leavers[0]
    _set_status(workbook, "Employment Status", {who: "Garden leave - exit"})
    result, tables = merged_tables(workbook, [now], write=False)
    [asked] = [f for f in result.report if f.code == "employee-status-unknown"]
    assert asked.severity.value == "warning"
    assert "'Garden leave - exit' (1 person: " + who in asked.message
    assert "[employees.status]" in asked.hint
    # read as employed: in readiness, and their missing ratings said
    assert who in {r["Employee ID"] for r in tables["Promotion Readiness"]}

    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[employees.status]\n"Garden leave - exit" = "left"\n', encoding="utf-8")
    result, tables = merged_tables(workbook, [now], write=False, mapping=mapping)
    assert "employee-status-unknown" not in [f.code for f in result.report]
    assert who not in {r["Employee ID"] for r in tables["Promotion Readiness"]}
    company = Company("Tollund Freight", _without(spec, [who]), Book(), PLAIN, [])
    # the other two leavers are still employed here; their last cycle is missing
    others = [p for p in leavers if p != who]
    problems = wrong_numbers(company, tables)
    assert all(any(p in line for p in others) for line in problems), problems


def test_yes_no_columns_and_leaving_dates(tmp_path: Path) -> None:
    spec, leavers, workbook, _ = _history_then_leavers(tmp_path)
    past, future = dt.datetime(2020, 1, 31), dt.datetime(2099, 12, 31)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    ws.delete_cols(9)  # no Status column: an "Active?" yes/no and a leaving date instead
    ws.cell(1, 9, "Active?")
    ws.cell(1, 10, "Termination Date")
    for row in range(2, ws.max_row + 1):
        pid = ws.cell(row, 1).value
        if pid == leavers[1]:  # no answer under Active?, but a leaving date passed
            ws.cell(row, 10, past)
        else:
            ws.cell(row, 9, "No" if pid == leavers[0] else "Yes")
        if pid == leavers[2]:  # on notice: still employed, rated in the last cycle
            ws.cell(row, 10, future)
    wb.save(workbook)
    before = workbook.read_bytes()

    gone = leavers[:2]
    now = _exports(_without(spec, gone), tmp_path / "now2")[spec["cycles"][-1]]
    result, tables = merged_tables(workbook, [now], write=False)
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    company = Company("Tollund Freight", _without(spec, gone), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []
    assert leavers[2] in {r["Employee ID"] for r in tables["Promotion Readiness"]}
    [left] = [f for f in result.report if f.code == "employee-left"]
    assert "Active? 'No' (1)" in left.message and "a leaving date passed (1)" in left.message
    assert workbook.read_bytes() == before


def test_a_leaver_rated_in_the_export_a_manager_who_left_and_a_rehire(tmp_path: Path) -> None:
    spec, leavers, workbook, _ = _history_then_leavers(tmp_path)
    last = spec["cycles"][-1]
    managing = {p["manager"] for p in spec["people"]}
    boss = next(p for p in spec["people"] if p["id"] in managing)
    reports = [p["id"] for p in spec["people"] if p["manager"] == boss["id"]]
    assert reports
    _set_status(workbook, "Employment Status", {leavers[0]: "Terminated", boss["id"]: "Left"})
    # leavers[1] left and was hired again: an old row marked as left, the current row active
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    again = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == leavers[1])
    ws.append([c.value for c in ws[again]][:8] + ["Terminated"])
    wb.save(workbook)
    now = _exports(spec, tmp_path / "all")[last]  # rates leavers[0] still

    result, _tables = merged_tables(workbook, [now], write=False)
    codes = [f.code for f in result.report]
    assert "duplicate-employee" not in " ".join(codes) and "duplicate" not in codes
    [rated] = [f for f in result.report if f.code == "rated-leaver"]
    gone = {leavers[0], boss["id"]}
    count = sum(
        1
        for r in spec["ratings"]
        if r["person"] in gone and r["cycle"] == last and r["rater"] in PLAIN.raters
    )
    assert rated.severity.value == "warning" and rated.count == count
    assert rated.message.startswith(f"{count} ratings of 2 people marked as left on Employees")
    assert f"{leavers[0]} (Employment Status 'Terminated' at Employees!I" in rated.message
    # the manager who left: each report needs a new one, and says why
    managers = [f for f in result.report if f.code == "unknown-manager"]
    assert len(managers) == len([p for p in reports if p != leavers[0]])  # who is still here
    for f in managers:
        assert "is marked as left (Employment Status 'Left' at Employees!I" in f.message
        assert "Did you mean" not in f.message
    assert not [f for f in result.report if f.code == "unknown-employee"]
    # the rehired person is employed: not named as having left
    [left] = [f for f in result.report if f.code == "employee-left"]
    first, again = left.message.split(". Gaps")
    assert leavers[1] not in first
    assert (
        f"1 row(s) marked as left are of people employed again on another row ({leavers[1]})"
        in again
    )


def test_dates_and_words_together_each_case_said() -> None:
    from ladder_sheets.model import Table
    from ladder_sheets.workbook.status import read_leavers

    today = dt.date(2026, 6, 30)
    rows = [
        {"employee_id": "A1", "status": "Active", "left_on": dt.date(2026, 5, 1)},  # doubt
        {"employee_id": "A2", "status": "Contractor", "left_on": dt.date(2026, 6, 30)},  # date
        {"employee_id": "A3", "status": "Active", "left_on": dt.date(2026, 7, 1)},  # notice
        {"employee_id": "A4", "status": "Contractor"},  # asked
        {"employee_id": "A5", "status": "Terminated"},
        {"employee_id": "A6", "left_on": "not a date"},  # the schema reports it
    ]
    table = Table.from_records("employees", rows)
    marked, found = read_leavers(table, {"Employees": "Status"}, {}, today=today)
    assert marked.tolist() == [None, "left on 2026-06-30", None, None, "Status 'Terminated'", None]
    by_code: dict[str, list[Any]] = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f)
    [asked, doubt] = sorted(by_code["employee-status-unknown"], key=lambda f: f.cell)
    assert doubt.message.startswith("A1 has Status 'Active' but a leaving date of 2026-05-01")
    assert doubt.cell == "J2"  # Leaving Date, the tenth column of the template's Employees
    assert asked.message.startswith("Status 'Contractor' (1 person: A4)") and asked.cell == "I5"
    [left] = by_code["employee-left"]
    assert left.places == ("Employees!J3", "Employees!I6")
    # answered in the mapping: no question, and the answer wins over the words
    marked, found = read_leavers(
        table, {}, {"contractor": "left", "ACTIVE": "current"}, today=today
    )
    assert marked.tolist()[:4] == [None, "Status 'Contractor'", None, "Status 'Contractor'"]
    assert "employee-status-unknown" not in [f.code for f in found]


def test_a_mapping_answer_that_is_neither_left_nor_current_is_refused(tmp_path: Path) -> None:
    from ladder_sheets.errors import LayoutError
    from ladder_sheets.workbook.mapping import Mapping

    bad = tmp_path / "mapping.toml"
    bad.write_text('[employees.status]\n"Garden leave" = "gone"\n', encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        Mapping.from_toml(bad)
    said = str(caught.value)
    assert "'Garden leave' = 'gone' is neither" in said and '"left" nor "current"' in said
    assert caught.value.file == str(bad)


def test_an_hr_system_export_with_two_status_columns_reads_the_one_that_says_who_left(
    tmp_path: Path,
) -> None:
    """An HR system's people export as Employees: "Employment Status" holds Full-Time or
    Part-Time, "Status" holds Active or Inactive; a hire date beside the termination date."""
    spec, leavers, workbook, now = _history_then_leavers(tmp_path)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    for c, header in enumerate(("Employment Status", "Status", "Hire Date", "Termination Date")):
        ws.cell(1, 9 + c, header)
    for row in range(2, ws.max_row + 1):
        pid = ws.cell(row, 1).value
        ws.cell(row, 9, "Part-Time" if row % 3 == 0 else "Full-Time")
        ws.cell(row, 10, "Inactive" if pid in leavers else "Active")
        ws.cell(row, 11, dt.datetime(2019, 3, 1))
        if pid in leavers:
            ws.cell(row, 12, dt.datetime(2026, 1, 15))
    wb.save(workbook)

    result, tables = merged_tables(workbook, [now], write=False)
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    assert "employee-status-unknown" not in [f.code for f in result.report]  # not Full-Time
    [left] = [f for f in result.report if f.code == "employee-left"]
    assert left.message.startswith("3 people are marked on Employees as having left (Status")
    assert {p.split("!")[1][0] for p in left.places} == {"J"}  # the Status column's cells
    company = Company("Tollund Freight", _without(spec, leavers), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []


def test_packs_and_calibration_leave_out_people_marked_as_left(tmp_path: Path) -> None:
    spec, leavers, workbook, _ = _history_then_leavers(tmp_path)
    # they were rated in the last cycle, then left: their ratings are in the history
    everyone = _exports(spec, tmp_path / "everyone")[spec["cycles"][-1]]
    assert not ls.merge(workbook, [everyone]).report.errors
    _set_status(workbook, "Employment Status", {p: "Terminated" for p in leavers})
    staying = [p["id"] for p in spec["people"] if p["id"] not in leavers]

    packs = ls.write_packs(workbook, tmp_path / "packs", by="employee", jobs=1)
    assert not packs.report.errors
    assert sorted(r.employee_id for r in packs.recipients) == sorted(staying)
    for path in packs.written:
        assert not any(p in path.name for p in leavers)

    result = ls.calibrate(workbook, tmp_path / "calibration.xlsx")
    last = spec["cycles"][-1]
    rated = sum(
        1
        for r in spec["ratings"]
        if r["cycle"] == last and r["person"] in staying and r["rater"] in PLAIN.raters
    )
    assert (result.people, result.ratings) == (len(staying), rated)
    pack = openpyxl.load_workbook(tmp_path / "calibration.xlsx", read_only=True)
    for ws in pack.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not set(leavers) & set(row), (ws.title, row)


def test_a_second_status_column_added_and_never_filled_is_not_a_rival(tmp_path: Path) -> None:
    """The template's Status column left blank, and HR's own "Status" added at the end."""
    spec, leavers, workbook, now = _history_then_leavers(tmp_path)
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    ws.cell(1, 9, "Status")  # blank below
    ws.cell(1, 10, "Status")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 9).value = None
        ws.cell(row, 10, "Leaver" if ws.cell(row, 1).value in leavers else "Active")
    wb.save(workbook)
    result, tables = merged_tables(workbook, [now], write=False)
    assert not [f for f in result.report if f.code == "ambiguous-column"]
    [left] = [f for f in result.report if f.code == "employee-left"]
    assert {p.split("!")[1][0] for p in left.places} == {"J"}
    company = Company("Tollund Freight", _without(spec, leavers), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []
    # both filled, and alike: still a question, never a guess
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 9, "Active")
    wb.save(workbook)
    found = ls.read_framework(workbook).findings
    assert [f.code for f in found if f.sheet == "Employees"] == ["ambiguous-column"]


def test_a_leaving_date_written_as_a_month_alone_counts_once_the_month_has_ended() -> None:
    from ladder_sheets.model import Table
    from ladder_sheets.workbook.status import read_leavers

    today = dt.date(2026, 6, 15)
    rows = [
        {"employee_id": "B1", "left_on": "May 2026"},  # the month has ended: left
        {"employee_id": "B2", "left_on": "2026-06"},  # this month: employed until it ends
        {"employee_id": "B3", "left_on": "07/2026"},  # on notice
        {"employee_id": "B4", "left_on": "Feb 2026", "status": "Active"},  # a doubt, asked
        {"employee_id": "B5", "status": "Sabbatical exit"},  # a word not known, asked
    ]
    table = Table.from_records("employees", rows)
    marked, found = read_leavers(table, {"Employees": "Employment Status"}, {}, today=today)
    assert marked.tolist() == [
        f"left on {dt.date(2026, 5, 31).isoformat()}",
        None,
        None,
        None,
        None,
    ]
    asked = sorted(
        (f for f in found if f.code == "employee-status-unknown"), key=lambda f: f.message
    )
    # the question names the column as HR headed it, not a generic "Status"
    assert asked[0].message.startswith("B4 has Employment Status 'Active' but a leaving date")
    assert "2026-02-28" in asked[0].message  # the month's last day
    assert asked[1].message.startswith("Employment Status 'Sabbatical exit' (1 person: B5)")
    # a month that ends today has ended by the end of today
    marked, _ = read_leavers(table, {}, {}, today=dt.date(2026, 6, 30))
    assert marked.tolist()[:3] == ["left on 2026-05-31", "left on 2026-06-30", None]


def test_a_roster_with_leaving_months_is_read_without_errors(tmp_path: Path) -> None:
    """HR writes "Mar 2026" in Leaving Date: not an error per cell; whoever's month has
    passed is passed over, whoever's month is to come is still employed, and it is said once."""
    spec, leavers, workbook, _ = _history_then_leavers(tmp_path)
    wb = openpyxl.load_workbook(workbook)
    wb["Employees"].delete_cols(9)  # no Status column: the leaving date alone says it
    wb.save(workbook)
    months = {leavers[0]: "Mar 2020", leavers[1]: "2020-01", leavers[2]: "Dec 2099"}
    _set_status(workbook, "Leaving Date", months)
    gone = leavers[:2]
    now = _exports(_without(spec, gone), tmp_path / "now3")[spec["cycles"][-1]]
    before = workbook.read_bytes()

    result, tables = merged_tables(workbook, [now], write=False)
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    assert workbook.read_bytes() == before
    company = Company("Tollund Freight", _without(spec, gone), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []
    assert leavers[2] in {r["Employee ID"] for r in tables["Promotion Readiness"]}
    [month] = [f for f in result.report if f.code == "date-month-only"]
    # said for the people still employed (the leavers' rows are passed over before typing)
    assert month.sheet == "Employees" and "1 date(s)" in month.message
    assert "'Dec 2099'): read as the last day of the month (2099-12-31)" in month.message
    [left] = [f for f in result.report if f.code == "employee-left"]
    assert "a leaving date passed (2)" in left.message


def _hide(workbook: Path, people: list[str], *, filtered: bool) -> dict[str, int]:
    """HR hides rows of Employees (by a filter on Status, or by hand): the rows of `people`."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Employees"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for pid in people:
        ws.row_dimensions[rows[pid]].hidden = True
    if filtered:
        ws.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    wb.save(workbook)
    return {pid: rows[pid] for pid in people}


@pytest.mark.parametrize("filtered", [True, False])
def test_people_on_hidden_rows_are_read_as_employed_and_named_once(
    tmp_path: Path, filtered: bool
) -> None:
    spec, leavers, workbook, _ = _history_then_leavers(tmp_path)
    # one hidden leaver is marked as left; two hidden people are not marked at all
    _set_status(workbook, "Employment Status", {leavers[0]: "Terminated"})
    rows = _hide(workbook, leavers, filtered=filtered)
    now = _exports(_without(spec, leavers[:1]), tmp_path / "now4")[spec["cycles"][-1]]
    before = workbook.read_bytes()

    result, tables = merged_tables(workbook, [now], write=False)
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    assert workbook.read_bytes() == before
    [hidden] = [f for f in result.report if f.code == "employee-row-hidden"]
    assert hidden.severity.value == "warning"
    assert hidden.message.startswith("2 people are on hidden rows of Employees (")
    assert leavers[1] in hidden.message and leavers[2] in hidden.message
    assert leavers[0] not in hidden.message  # marked as left: said by employee-left instead
    assert set(hidden.places) == {f"Employees!A{rows[p]}" for p in leavers[1:]}
    # never a guess: read as employed, every number as the definitions give
    company = Company("Tollund Freight", _without(spec, leavers[:1]), Book(), PLAIN, [])
    assert wrong_numbers(company, tables) == []
    assert set(leavers[1:]) <= {r["Employee ID"] for r in tables["Promotion Readiness"]}


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_rows_hidden_then_saved_by_libreoffice_are_still_seen(tmp_path: Path) -> None:
    spec, _, _ = _company()
    workbook = books.write(spec, Book(), tmp_path / "f.xlsx")
    people = [p["id"] for p in spec["people"]][3:5]
    rows = _hide(workbook, people, filtered=False)
    saved = libreoffice_convert(
        workbook, tmp_path, "xlsx", timeout=180, filter_options="Calc MS Excel 2007 XML"
    )
    [hidden] = [f for f in ls.read_framework(saved).findings if f.code == "employee-row-hidden"]
    assert set(hidden.places) == {f"Employees!A{rows[p]}" for p in people}


def test_hidden_rows_are_read_from_the_sheet_xml_as_writers_write_it(tmp_path: Path) -> None:
    from ladder_sheets.workbook.hidden_rows import hidden_rows

    xml = (
        '<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="3" hidden="1"/>'
        "<row spans=\"1:2\" hidden='true'/>"  # no r="": the row after 3
        '<x:row r="9" x:hidden="0"/><row r="12" customHeight="1" hidden="1" ht="0"/>'
        '</sheetData><rowBreaks count="1"/></worksheet>'
    )
    book = tmp_path / "rows.xlsx"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    assert hidden_rows(book, "xl/worksheets/sheet1.xml") == {3, 4, 12}
    assert hidden_rows(book, "xl/worksheets/missing.xml") == set()
