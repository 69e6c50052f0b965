"""Gap Analysis and Promotion Readiness sheets, read back with openpyxl.

Inputs are small hand-made tables with the analysis's columns; every cached gap and "meets"
value is worked out by hand in the test. Invented people only.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from ladder_sheets.sheets import styles
from ladder_sheets.sheets.gap import COLUMNS as GAP_COLUMNS
from ladder_sheets.sheets.gap import build_gap_sheet
from ladder_sheets.sheets.history import build_history_sheet
from ladder_sheets.sheets.readiness import COLUMNS as READINESS_COLUMNS
from ladder_sheets.sheets.readiness import build_readiness_sheet

NAN = float("nan")


def gap_row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        employee_id="E1",
        name="Ada Quill",
        manager_id="M1",
        family="Engineering",
        track="IC",
        level="IC2",
        next_level="IC3",
        competency="Delivery",
        category="Core",
        expected_current=3.0,
        expected_next=4.0,
        manager_rating=3.0,
        self_rating=NAN,
        gap_current=NAN,  # ignored by the writer: the sheet's formulas compute gaps
        gap_next=NAN,
        trend="3",
        trend_delta=NAN,
        next_behavior="",
        rating_where="Ratings.csv:2",
    )
    row.update(kw)
    return row


# Four hand-checkable rows: (rating, expected at level, expected at next) -> gaps.
GAP_ROWS = [
    # 2 - 3 = -1 below the level; 2 - 4 = -2
    gap_row(
        manager_rating=2.0,
        self_rating=3.0,
        trend="3 \u2192 2",
        trend_delta=-1.0,
        next_behavior="Ships a multi-team project end to end, unblocking others.",
    ),
    # 4 - 3 = +1; the next level does not expect it: no gap
    gap_row(competency="Mentoring", expected_next=NAN, manager_rating=4.0),
    # no rating: no gaps
    gap_row(competency="Ownership", manager_rating=NAN, trend=""),
    # 3.5 - 3 = +0.5; 3.5 - 4 = -0.5; a name and behaviour that look like formulas
    gap_row(
        employee_id="E2",
        name='=HYPERLINK("http://example.invalid","x")',
        competency="System Design",
        manager_rating=3.5,
        next_behavior="+Designs services other teams build on; -@ notes",
        rating_where="@Ratings!C5",
    ),
]
EXPECTED_GAPS = [(-1.0, -2.0), (1.0, ""), ("", ""), (0.5, -0.5)]


def build(tmp_path: Path, **sheets: pd.DataFrame) -> Path:
    path = tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    if "gaps" in sheets:
        build_gap_sheet(wb, sheets["gaps"], cycle="2026-Q3")
    if "readiness" in sheets:
        build_readiness_sheet(wb, sheets["readiness"], cycle="2026-Q3")
    wb.close()
    return path


def col(columns: list[Any], key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([c.key for c in columns].index(key) + 1)


def rules(ws: Any) -> dict[str, list[Any]]:
    """Conditional-format range -> its rules."""
    return {str(cf.sqref): list(cf.rules) for cf in ws.conditional_formatting}


def cached(v: Any) -> Any:
    return "" if v is None else v


# -- Gap Analysis ------------------------------------------------------------------------


@pytest.fixture
def gap_book(tmp_path: Path) -> Path:
    return build(tmp_path, gaps=pd.DataFrame(GAP_ROWS))


def test_gap_cached_values_are_rating_minus_expected(gap_book: Path) -> None:
    ws = openpyxl.load_workbook(gap_book, data_only=True)["Gap Analysis"]
    cur, nxt = col(GAP_COLUMNS, "gap_current"), col(GAP_COLUMNS, "gap_next")
    got = [(cached(ws[f"{cur}{r}"].value), cached(ws[f"{nxt}{r}"].value)) for r in range(3, 7)]
    assert got == EXPECTED_GAPS


def test_gaps_are_live_formulas_on_their_own_row(gap_book: Path) -> None:
    ws = openpyxl.load_workbook(gap_book)["Gap Analysis"]
    rating, exp_cur = col(GAP_COLUMNS, "manager_rating"), col(GAP_COLUMNS, "expected_current")
    exp_next = col(GAP_COLUMNS, "expected_next")
    for r in range(3, 7):
        assert ws[f"{col(GAP_COLUMNS, 'gap_current')}{r}"].value == (
            f'=IF(AND(ISNUMBER({rating}{r}),ISNUMBER({exp_cur}{r})),{rating}{r}-{exp_cur}{r},"")'
        )
        assert ws[f"{col(GAP_COLUMNS, 'gap_next')}{r}"].value == (
            f'=IF(AND(ISNUMBER({rating}{r}),ISNUMBER({exp_next}{r})),{rating}{r}-{exp_next}{r},"")'
        )


def test_gap_layout_header_freeze_filter_and_types(gap_book: Path) -> None:
    ws = openpyxl.load_workbook(gap_book)["Gap Analysis"]
    assert "2026-Q3" in ws["A1"].value
    assert [c.value for c in ws[2]] == [c.header for c in GAP_COLUMNS]
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == f"A2:{col(GAP_COLUMNS, 'next_behavior')}6"
    rating = ws[f"{col(GAP_COLUMNS, 'manager_rating')}3"]
    assert rating.data_type == "n" and rating.value == 2
    assert ws[f"{col(GAP_COLUMNS, 'manager_rating')}5"].value is None  # missing rating: blank
    assert ws[f"{col(GAP_COLUMNS, 'expected_next')}4"].value is None
    assert ws[f"{col(GAP_COLUMNS, 'gap_current')}3"].number_format == styles.GAP_FORMAT
    assert ws[f"{col(GAP_COLUMNS, 'trend_delta')}3"].number_format == styles.GAP_FORMAT
    assert ws[f"{col(GAP_COLUMNS, 'trend')}3"].value == "3 \u2192 2"
    # the description is the last column, on one line that runs on to the right (nothing
    # beside it to cut it), so every row stays one line tall; paper leaves it out
    behavior = ws[f"{col(GAP_COLUMNS, 'next_behavior')}3"]
    assert GAP_COLUMNS[-1].key == "next_behavior" and not behavior.alignment.wrap_text
    assert all(d.height is None for d in ws.row_dimensions.values() if d.index > 2)
    assert ws.print_area == f"'Gap Analysis'!$A$1:${col(GAP_COLUMNS, 'trend_delta')}$6"
    # the name column fits "Ada Quill" and is capped for the long formula-looking name
    name_width = ws.column_dimensions["B"].width
    assert len("Ada Quill") < name_width <= styles.MAX_WIDTH + 1


def test_text_that_looks_like_a_formula_stays_text(gap_book: Path) -> None:
    ws = openpyxl.load_workbook(gap_book)["Gap Analysis"]
    name = ws["B6"]
    assert name.value == '=HYPERLINK("http://example.invalid","x")'
    assert name.data_type == "s"
    assert ws[f"{col(GAP_COLUMNS, 'next_behavior')}6"].data_type == "s"
    assert ws[f"{col(GAP_COLUMNS, 'rating_where')}6"].value == "@Ratings!C5"
    # Only the gap cells are formulas: 2 per data row, none from the text.
    with zipfile.ZipFile(gap_book) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert len(formulas) == 2 * len(GAP_ROWS)
    assert not any("HYPERLINK" in f for f in formulas)


def test_gap_conditional_formats_cover_the_data_rows(gap_book: Path) -> None:
    ws = openpyxl.load_workbook(gap_book)["Gap Analysis"]
    found = rules(ws)
    cur, nxt = col(GAP_COLUMNS, "gap_current"), col(GAP_COLUMNS, "gap_next")
    rating, exp_cur = col(GAP_COLUMNS, "manager_rating"), col(GAP_COLUMNS, "expected_current")
    for gap in (cur, nxt):
        scale = [r for r in found[f"{gap}3:{gap}6"] if r.type == "colorScale"]
        assert len(scale) == 1
        cfvo = scale[0].colorScale.cfvo
        assert [(v.type, float(v.val)) for v in cfvo] == [("num", -2), ("num", 0), ("num", 2)]
        colours = [c.rgb[-6:] for c in scale[0].colorScale.color]
        assert colours == [styles.RED[1:], styles.WHITE[1:], styles.GREEN[1:]]
    below = found[f"{rating}3:{rating}6"][0]
    assert below.type == "expression"
    assert below.formula == [f"AND(ISNUMBER({rating}3),ISNUMBER({exp_cur}3),{rating}3<{exp_cur}3)"]
    assert below.dxf.font.b and below.dxf.fill is not None
    negative = [r for r in found[f"{cur}3:{cur}6"] if r.type == "expression"]
    assert negative[0].formula == [f"AND(ISNUMBER({cur}3),{cur}3<0)"]


def test_empty_gap_table_gives_header_only(tmp_path: Path) -> None:
    empty = pd.DataFrame(columns=[c.key for c in GAP_COLUMNS if c.kind != "formula"])
    ws = openpyxl.load_workbook(build(tmp_path, gaps=empty))["Gap Analysis"]
    assert ws.max_row == 2
    assert ws.auto_filter.ref == f"A2:{col(GAP_COLUMNS, 'next_behavior')}2"
    assert not rules(ws)


def test_missing_analysis_column_is_named(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    with pytest.raises(ValueError, match="manager_rating"):
        build_gap_sheet(wb, pd.DataFrame(GAP_ROWS).drop(columns="manager_rating"), cycle="x")
    wb.close()


# -- Promotion Readiness ---------------------------------------------------------------------


def readiness_row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        employee_id="E1",
        name="Bo Lindqvist",
        manager_id="M1",
        family="Engineering",
        track="IC",
        level="IC3",
        next_level="IC4",
        cycle="2026-Q3",
        average=3.75,
        min_average=3.5,
        lowest_rating=3.0,
        lowest_competency="Mentoring",
        min_each=3.0,
        cycles_at_next=2.0,
        cycles_required=2.0,
        quarters_in_level=6.0,
        quarters_required=4.0,
        scope_met=True,
        endorsed=True,
        calibrated=None,
        requires_endorsement=True,
        requires_calibration=False,
        in_level_since=dt.date(2025, 1, 1),
        status="Ready",
        shortfalls=[],
        shortfall_codes=[],
    )
    row.update(kw)
    return row


READINESS_ROWS = [
    readiness_row(),
    # average exactly at 3.5 meets it; 1 cycle of 2 falls short
    readiness_row(
        employee_id="E2",
        name="Cy Ortega",
        average=3.5,
        cycles_at_next=1.0,
        endorsed=False,
        status="Close",
        shortfalls=["operating at IC4 for 1 of the 2 consecutive cycles required"],
        shortfall_codes=["not-operating-at-next"],
    ),
    # 2.5 under the floor of 3; 3 quarters of 4
    readiness_row(
        employee_id="E3",
        name="-Dee Park",
        average=3.25,
        lowest_rating=2.5,
        lowest_competency="Delivery",
        quarters_in_level=3.0,
        scope_met=None,
        endorsed=None,
        status="Not yet",
        shortfalls=["Delivery rated 2.5, below the floor of 3", "in level 3 quarters of the 4"],
        shortfall_codes=["rating-below-floor", "time-in-level"],
    ),
    readiness_row(
        employee_id="E4",
        name="Eli Sato",
        level="IC7",
        next_level=None,
        min_average=NAN,
        min_each=NAN,
        cycles_at_next=NAN,
        cycles_required=NAN,
        quarters_required=NAN,
        requires_endorsement=None,
        requires_calibration=None,
        status="Top of track",
    ),
]
# (meets average, floor, cycles, time) by hand
EXPECTED_MEETS = [
    ("Yes", "Yes", "Yes", "Yes"),
    ("Yes", "Yes", "No", "Yes"),
    ("No", "No", "Yes", "No"),
    ("", "", "", ""),
]
MEETS_KEYS = ("meets_average", "meets_floor", "meets_cycles", "meets_time")


@pytest.fixture
def readiness_book(tmp_path: Path) -> Path:
    return build(tmp_path, readiness=pd.DataFrame(READINESS_ROWS))


def test_readiness_meets_cached_values(readiness_book: Path) -> None:
    ws = openpyxl.load_workbook(readiness_book, data_only=True)["Promotion Readiness"]
    letters = [col(READINESS_COLUMNS, k) for k in MEETS_KEYS]
    got = [tuple(cached(ws[f"{c}{r}"].value) for c in letters) for r in range(3, 7)]
    assert got == EXPECTED_MEETS


def test_readiness_rows_in_given_order_with_words_and_flags(readiness_book: Path) -> None:
    ws = openpyxl.load_workbook(readiness_book, data_only=True)["Promotion Readiness"]
    assert [c.value for c in ws[2]] == [c.header for c in READINESS_COLUMNS]
    status = col(READINESS_COLUMNS, "status")
    assert [ws[f"{status}{r}"].value for r in range(3, 7)] == [
        "Ready",
        "Close",
        "Not yet",
        "Top of track",
    ]
    short = col(READINESS_COLUMNS, "shortfalls")
    assert ws[f"{short}5"].value == (
        "Delivery rated 2.5, below the floor of 3; in level 3 quarters of the 4"
    )
    assert ws[f"{short}3"].value is None
    assert ws[f"{col(READINESS_COLUMNS, 'shortfall_codes')}5"].value == (
        "rating-below-floor, time-in-level"
    )
    flags = [col(READINESS_COLUMNS, k) for k in ("scope_met", "endorsed", "calibrated")]
    assert [ws[f"{c}4"].value for c in flags] == ["Yes", "No", None]
    assert ws["B5"].value == "-Dee Park" and ws["B5"].data_type == "s"
    avg = ws[f"{col(READINESS_COLUMNS, 'average')}4"]
    assert avg.value == 3.5 and avg.number_format == styles.AVERAGE_FORMAT
    since = ws[f"{col(READINESS_COLUMNS, 'in_level_since')}3"]
    assert since.is_date and since.value == dt.datetime(2025, 1, 1)
    assert since.number_format == styles.DATE_FORMAT
    assert ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "D3"
    assert ws.auto_filter.ref == f"A2:{col(READINESS_COLUMNS, 'shortfall_codes')}6"


def test_readiness_status_colours_follow_the_text(readiness_book: Path) -> None:
    ws = openpyxl.load_workbook(readiness_book)["Promotion Readiness"]
    status = col(READINESS_COLUMNS, "status")
    on_status = rules(ws)[f"{status}3:{status}6"]
    by_text = {r.formula[0].strip('"'): r for r in on_status}
    assert set(by_text) == set(styles.STATUS_COLOURS)
    for text, (fill, _font) in styles.STATUS_COLOURS.items():
        rule = by_text[text]
        assert rule.type == "cellIs" and rule.operator == "equal"
        assert rule.dxf.fill.bgColor.rgb[-6:] == fill[1:]
    # a value under its threshold is marked, and the meets columns colour Yes/No
    avg, min_avg = col(READINESS_COLUMNS, "average"), col(READINESS_COLUMNS, "min_average")
    below = rules(ws)[f"{avg}3:{avg}6"][0]
    assert below.formula == [f"AND(ISNUMBER({avg}3),ISNUMBER({min_avg}3),{avg}3<{min_avg}3)"]
    meets = col(READINESS_COLUMNS, "meets_cycles")
    assert {r.formula[0] for r in rules(ws)[f"{meets}3:{meets}6"]} == {'"Yes"', '"No"'}


def test_meets_tolerates_float_noise_like_the_analysis(tmp_path: Path) -> None:
    noisy = (3.3 + 3.4) / 2  # 3.35 on paper, 3.3499999999999996 in floats
    assert noisy < 3.35
    row = readiness_row(average=noisy, min_average=3.35)
    ws = openpyxl.load_workbook(build(tmp_path, readiness=pd.DataFrame([row])), data_only=True)
    assert ws["Promotion Readiness"][f"{col(READINESS_COLUMNS, 'meets_average')}3"].value == "Yes"


def test_readiness_text_shortfalls_and_missing_optional_column(tmp_path: Path) -> None:
    row = readiness_row(shortfalls="needs one more cycle", shortfall_codes=None)
    frame = pd.DataFrame([row])
    assert "scope_criteria" not in frame.columns
    ws = openpyxl.load_workbook(build(tmp_path, readiness=frame))["Promotion Readiness"]
    assert ws[f"{col(READINESS_COLUMNS, 'shortfalls')}3"].value == "needs one more cycle"
    assert ws[f"{col(READINESS_COLUMNS, 'scope_criteria')}3"].value is None


# -- all three in one scratch workbook ---------------------------------------------------------


def test_all_sheets_work_in_a_constant_memory_workbook(tmp_path: Path) -> None:
    # The write-back engine may open its scratch workbook in constant_memory mode for long
    # histories: every builder must then write strictly row by row.
    history = pd.DataFrame(
        [
            dict(cycle="2026-Q3", employee_id=f"E{i}", competency="Delivery", rating=float(i))
            for i in range(1, 6)
        ]
    )
    path = tmp_path / "cm.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    build_gap_sheet(wb, pd.DataFrame(GAP_ROWS), cycle="2026-Q3")
    build_readiness_sheet(wb, pd.DataFrame(READINESS_ROWS), cycle="2026-Q3")
    names = build_history_sheet(wb, history, rows_per_sheet=2)
    wb.close()
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames == ["Gap Analysis", "Promotion Readiness", *names]
    gaps = book["Gap Analysis"]
    cur, nxt = col(GAP_COLUMNS, "gap_current"), col(GAP_COLUMNS, "gap_next")
    got = [(cached(gaps[f"{cur}{r}"].value), cached(gaps[f"{nxt}{r}"].value)) for r in range(3, 7)]
    assert got == EXPECTED_GAPS
    assert gaps["B6"].value == GAP_ROWS[3]["name"]
    assert book["Promotion Readiness"]["C5"].value == "Not yet"
    ids = [book[n].cell(r, 2).value for n in names for r in range(2, book[n].max_row + 1)]
    assert ids == ["E1", "E2", "E3", "E4", "E5"]
