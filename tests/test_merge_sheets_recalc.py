"""LibreOffice recalculates the generated sheets: every formula's value equals what we cached.

LibreOffice keeps cached values of .xlsx files by default, so the test gives it a fresh profile
whose setting says "always recalculate on load", and a control cell with a wrong cached value
proves that the recalculation happened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from ladder_sheets.model import Framework, Table
from ladder_sheets.sheets.gap import COLUMNS as GAP_COLUMNS
from ladder_sheets.sheets.gap import build_gap_sheet
from ladder_sheets.sheets.history import build_history_sheet
from ladder_sheets.sheets.readiness import COLUMNS as READINESS_COLUMNS
from ladder_sheets.sheets.readiness import build_readiness_sheet
from tests.helpers import libreoffice_convert

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
    ),
]

NAN = float("nan")
# Ratings and expectations that exercise blanks, halves, float noise and text.
RATINGS: list[Any] = [None, 1.0, 2.5, 3.0, 3.3, 4.0, 5.0, "n/a"]
EXPECTATIONS: list[Any] = [None, 1.0, 3.0, 3.3, 5.0]


# Every sheet to CSV, UTF-8, cells as shown (formatted) rather than raw.
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def convert(path: Path, tmp_path: Path, to: str = "xlsx") -> Path:
    """Have LibreOffice headless open `path`, recalculate it and save it in format `to`;
    returns the output folder. A private profile keeps parallel runs apart."""
    target, _, options = to.partition(":")
    return libreoffice_convert(
        path, tmp_path, target, timeout=180, filter_options=options, recalculate=True
    ).parent


def recalculated(path: Path, tmp_path: Path) -> Path:
    """`path` opened, recalculated and saved by LibreOffice headless."""
    result = convert(path, tmp_path) / path.name
    assert result.exists(), "LibreOffice wrote no file"
    return result


def add_control(wb: xlsxwriter.Workbook) -> None:
    ws = wb.add_worksheet("Control")
    ws.write_formula(0, 0, "=1+1", None, 99)  # wrong on purpose: recalculation must fix it


def same(cached: Any, fresh: Any) -> bool:
    cached = "" if cached is None else cached
    fresh = "" if fresh is None else fresh
    if isinstance(cached, int | float) and isinstance(fresh, int | float):
        return math.isclose(cached, fresh, rel_tol=1e-12, abs_tol=1e-12)
    return bool(cached == fresh)


def compare_formulas(original: Path, fresh: Path) -> int:
    """Assert every formula cell's cached value equals LibreOffice's; return how many."""
    formulas = openpyxl.load_workbook(original)
    cached = openpyxl.load_workbook(original, data_only=True)
    redone = openpyxl.load_workbook(fresh, data_only=True)
    assert redone["Control"]["A1"].value == 2, "LibreOffice did not recalculate"
    checked, wrong = 0, []
    for ws in formulas.worksheets:
        if ws.title == "Control":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                mine = cached[ws.title][cell.coordinate].value
                theirs = redone[ws.title][cell.coordinate].value
                checked += 1
                if not same(mine, theirs):
                    wrong.append((ws.title, cell.coordinate, cell.value, mine, theirs))
    assert not wrong, wrong[:10]
    return checked


def live(readiness: pd.DataFrame) -> int:
    """Status cells written as formulas over the criteria (the measured statuses)."""
    from ladder_sheets.sheets.readiness import MEASURED

    committee = readiness["shortfall_codes"].map(
        lambda c: isinstance(c, list | tuple) and "committee-not-yet" in c
    )
    return int((readiness["status"].isin(MEASURED) & ~committee).sum())


def status_of(value: Any, threshold: Any) -> str:
    """The four criteria of a grid row all compare `value` with `threshold`: none short is
    Ready, all four short is Not yet; a blank on either side is no criterion."""
    v = value if isinstance(value, float) else None
    t = threshold if isinstance(threshold, float) else None
    if v is None or t is None or v >= t - 1e-9:
        return "Ready"
    return "Not yet"


def grid_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    gaps = [
        dict(
            employee_id=f"E{i}",
            name=f"Person {i}",
            competency="Delivery",
            expected_current=exp_cur,
            expected_next=exp_next,
            manager_rating=r,
        )
        for i, (r, exp_cur, exp_next) in enumerate(
            itertools.product(RATINGS, EXPECTATIONS, [None, 4.0])
        )
    ]
    noisy = (3.3 + 3.4) / 2  # 3.3499999999999996: meets 3.35 within the analysis's tolerance
    values: list[Any] = [None, 2.0, 3.0, 3.5, noisy, 3.35, 4.0, "n/a"]
    thresholds: list[Any] = [None, 3.0, 3.35, 3.5]
    readiness: list[dict[str, Any]] = [
        dict(
            employee_id=f"E{i}",
            name=f"Person {i}",
            status=status_of(v, t),
            average=v,
            min_average=t,
            lowest_rating=v,
            min_each=t,
            cycles_at_next=v,
            cycles_required=t,
            quarters_in_level=v,
            quarters_required=t,
            shortfalls=[],
            shortfall_codes=[],
        )
        for i, (v, t) in enumerate(itertools.product(values, thresholds))
    ]
    gap_frame = pd.DataFrame(gaps).reindex(
        columns=[c.key for c in GAP_COLUMNS if c.kind != "formula"]
    )
    ready_frame = pd.DataFrame(readiness).reindex(
        columns=[c.key for c in READINESS_COLUMNS if c.kind != "formula"]
    )
    return gap_frame, ready_frame


def test_libreoffice_recalculates_every_cached_value(tmp_path: Path) -> None:
    gaps, readiness = grid_tables()
    path = tmp_path / "grid.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    build_gap_sheet(wb, gaps, cycle="2026-Q3")
    build_readiness_sheet(wb, readiness, cycle="2026-Q3")
    add_control(wb)
    wb.close()
    checked = compare_formulas(path, recalculated(path, tmp_path))
    # per readiness row: four Meets formulas and two times in words
    assert checked == 2 * len(gaps) + 6 * len(readiness) + live(readiness)


# (quarters, what a person reads): time in level is whole months (quarters_between), a
# quarter is three of them.
TIMES: list[tuple[Any, str]] = [
    (88 / 3, "7 years 4 months"),
    (29.3, "7 years 4 months"),  # 87.9 months: to the nearest month
    (8.0, "2 years"),
    (3.0, "9 months"),
    (1 / 3, "1 month"),
    (22 / 3, "1 year 10 months"),
    (13 / 3, "1 year 1 month"),
    (0.0, "less than a month"),
    (None, ""),
    ("n/a", ""),
]


def test_time_in_level_reads_in_years_and_months_and_recalculates(tmp_path: Path) -> None:
    readiness = pd.DataFrame(
        [
            dict(employee_id=f"E{i}", name=f"Person {i}", status="Top of track",
                 quarters_in_level=q, quarters_required=q, shortfalls=[], shortfall_codes=[])
            for i, (q, _) in enumerate(TIMES)
        ]
    ).reindex(columns=[c.key for c in READINESS_COLUMNS if c.kind != "formula"])  # fmt: skip
    path = tmp_path / "times.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    build_readiness_sheet(wb, readiness, cycle="2026-Q3")
    add_control(wb)
    wb.close()
    compare_formulas(path, recalculated(path, tmp_path))
    sheet = openpyxl.load_workbook(path, data_only=True)["Promotion Readiness"]
    header = [c.value for c in sheet[2]]
    shown = [
        (row[header.index("Time In Level")], row[header.index("Time Required")])
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    # the requirement of nothing says so
    wanted = [(w, "no minimum" if q == 0 else w) for q, w in TIMES]
    assert [(a or "", b or "") for a, b in shown] == wanted
    # the exact quarters stay beside the words, for Meets Time and anyone's formula
    exact = [
        row[header.index("Quarters In Level")]
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    assert exact[:8] == pytest.approx([q for q, _ in TIMES[:8]], rel=1e-14)


def test_numbers_show_as_people_read_them(tmp_path: Path) -> None:
    gaps = pd.DataFrame(
        [
            dict(employee_id="E1", name="Ida Brook", competency="Delivery",
                 expected_current=3.0, expected_next=4.0, manager_rating=2.0, trend_delta=-1.0),
            dict(employee_id="E1", name="Ida Brook", competency="Ownership",
                 expected_current=3.0, expected_next=4.0, manager_rating=3.5, trend_delta=0.0),
        ]
    ).reindex(columns=[c.key for c in GAP_COLUMNS if c.kind != "formula"])  # fmt: skip
    path = tmp_path / "shown.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    build_gap_sheet(wb, gaps, cycle="2026-Q3")
    wb.close()
    out = convert(path, tmp_path, CSV_AS_SHOWN)
    text = (out / "shown-Gap Analysis.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    keys = [c.key for c in GAP_COLUMNS]
    shown = [
        [row[keys.index(k)] for k in ("manager_rating", "gap_current", "gap_next", "trend_delta")]
        for row in rows[2:4]
    ]
    # 2 - 3, 2 - 4; 3.5 - 3, 3.5 - 4: signed, one decimal; ratings as typed
    assert shown == [["2", "-1.0", "-2.0", "-1.0"], ["3.5", "+0.5", "-0.5", "0"]]


# -- the real analysis, end to end ---------------------------------------------------------------


def small_framework() -> Framework:
    """IC3 -> IC4 -> IC5 (top), expectations by hand; two people rated over two cycles."""
    expected: dict[str, dict[str, float | None]] = {
        "IC3": {"Delivery": 3.0, "System Design": 3.0, "Mentoring": None},
        "IC4": {"Delivery": 4.0, "System Design": 4.0, "Mentoring": 3.0},
        "IC5": {"Delivery": 5.0, "System Design": 5.0, "Mentoring": 4.0},
    }
    levels = [
        dict(family="Eng", track="IC", level=lvl, order=float(n), min_quarters=4.0)
        for n, lvl in enumerate(expected, start=3)
    ]
    people = [
        dict(employee_id="E1", name="Ana Vey", manager_id="M1", family="Eng", track="IC",
             level="IC3", in_level_since=dt.date(2025, 1, 1)),
        dict(employee_id="E2", name="=Ben Hale", manager_id="M1", family="Eng", track="IC",
             level="IC3", in_level_since=dt.date(2025, 10, 1)),
        dict(employee_id="E3", name="Cal Moe", manager_id="M1", family="Eng", track="IC",
             level="IC5", in_level_since=dt.date(2024, 1, 1)),
    ]  # fmt: skip
    scores = {
        ("E1", "2026-Q1"): {"Delivery": 4.0, "System Design": 4.0, "Mentoring": 3.0},
        ("E1", "2026-Q2"): {"Delivery": 4.0, "System Design": 4.5, "Mentoring": 3.0},
        ("E2", "2026-Q1"): {"Delivery": 3.0, "System Design": 2.0, "Mentoring": 2.0},
        ("E2", "2026-Q2"): {"Delivery": 2.5, "System Design": 3.0, "Mentoring": 3.5},
        ("E3", "2026-Q2"): {"Delivery": 5.0, "System Design": 4.0, "Mentoring": 4.0},
    }
    history = [
        dict(cycle=c, employee_id=e, competency=k, rating=v, rater_type="manager")
        for (e, c), by in scores.items()
        for k, v in by.items()
    ]
    criteria = [
        dict(family="Eng", from_level="IC3", to_level="IC4", min_average=3.5, min_each=3.0,
             cycles_at_next=2.0, min_quarters=NAN, scope_criteria="", requires_endorsement=False,
             requires_calibration=False),
    ]  # fmt: skip
    tables = {
        "levels": Table.from_records("levels", levels),
        "expectations": Table.from_records(
            "expectations",
            [
                dict(family="Eng", competency=k, level=lvl, expected=v)
                for lvl, by in expected.items()
                for k, v in by.items()
            ],
        ),
        "criteria": Table.from_records("criteria", criteria),
        "employees": Table.from_records("employees", people),
        "history": Table.from_records("history", history),
        "evidence": Table.empty("evidence"),
    }
    return Framework(path=Path("ladder.xlsx"), tables=tables)


def test_real_analysis_tables_recalculate_to_the_analysis_gaps(tmp_path: Path) -> None:
    analysis = pytest.importorskip("ladder_sheets.analysis")
    fw = small_framework()
    gaps = analysis.gap_table(fw, cycle="2026-Q2")
    readiness = analysis.readiness_table(fw, cycle="2026-Q2")
    path = tmp_path / "real.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    build_gap_sheet(wb, gaps, cycle="2026-Q2")
    build_readiness_sheet(wb, readiness, cycle="2026-Q2")
    add_control(wb)
    wb.close()
    fresh = recalculated(path, tmp_path)
    assert compare_formulas(path, fresh) == 2 * len(gaps) + 6 * len(readiness) + live(readiness)

    # LibreOffice's gaps equal the analysis's own numbers, row by row.
    ws = openpyxl.load_workbook(fresh, data_only=True)["Gap Analysis"]
    keys = [c.key for c in GAP_COLUMNS]
    sheet_gaps = [
        (row[keys.index("gap_current")], row[keys.index("gap_next")])
        for row in ws.iter_rows(min_row=3, values_only=True)
    ]
    for (cur, nxt), (want_cur, want_next) in zip(
        sheet_gaps, gaps[["gap_current", "gap_next"]].itertuples(index=False), strict=True
    ):
        for got, want in ((cur, want_cur), (nxt, want_next)):
            assert (got in (None, "")) if math.isnan(want) else math.isclose(got, want)
    # by hand: E1 Q2 System Design 4.5 against IC3's 3 and IC4's 4
    e1 = gaps[(gaps["employee_id"] == "E1") & (gaps["competency"] == "System Design")].index[0]
    assert sheet_gaps[list(gaps.index).index(e1)] == (1.5, 0.5)
    # the readiness statuses survive in order, and a Ready row meets every measured criterion
    rs = openpyxl.load_workbook(fresh, data_only=True)["Promotion Readiness"]
    rkeys = [c.key for c in READINESS_COLUMNS]
    rows = list(rs.iter_rows(min_row=3, values_only=True))
    assert [r[rkeys.index("status")] for r in rows] == readiness["status"].tolist()
    for r in rows:
        meets = [r[rkeys.index(k)] for k in ("meets_average", "meets_floor", "meets_cycles")]
        if r[rkeys.index("status")] == "Ready":
            assert meets == ["Yes", "Yes", "Yes"]
        if r[rkeys.index("status")] == "Top of track":
            assert meets == [None, None, None] or meets == ["", "", ""]


# -- through the write-back engine ------------------------------------------------------------


def test_sheets_transplanted_into_an_hr_workbook_keep_formulas_and_formats(
    tmp_path: Path, framework_workbook: Any
) -> None:
    writeback = pytest.importorskip("ladder_sheets.xlsx.writeback")
    path = framework_workbook()
    hr_sheets = openpyxl.load_workbook(path).sheetnames
    gaps, readiness = grid_tables()
    history = pd.DataFrame(
        [dict(cycle="2026-Q3", employee_id="E1", competency="Delivery", rating=4.0)]
    )

    def build(wb: xlsxwriter.Workbook) -> None:
        build_history_sheet(wb, history)
        build_gap_sheet(wb, gaps, cycle="2026-Q3")
        build_readiness_sheet(wb, readiness, cycle="2026-Q3")
        add_control(wb)

    writeback.write_back(path, build)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[: len(hr_sheets)] == hr_sheets
    ws = book["Gap Analysis"]
    assert ws.freeze_panes == "C3"
    last = 2 + len(gaps)
    found = {str(cf.sqref): list(cf.rules) for cf in ws.conditional_formatting}
    rating = GAP_COLUMNS[[c.key for c in GAP_COLUMNS].index("manager_rating")]
    assert rating.header == ws["L2"].value
    below = found[f"L3:L{last}"][0]
    assert below.dxf.font.b and below.dxf.fill is not None
    assert book["Ratings History"]["D2"].value == 4
    # and LibreOffice recalculates the transplanted formulas to the values we cached
    assert compare_formulas(path, recalculated(path, tmp_path)) == 2 * len(gaps) + live(
        readiness
    ) + 6 * len(readiness)  # Meets x4, times in words x2
