"""Formula templates: the formulas of Gap Analysis and Promotion Readiness are made once per
column and filled in per row. Filled in, each must read its own row's cells and the Ratings
History cell the analysis names for that row (not the cell a naive row number would give), and
the sheet must be the bytes xlsxwriter writes for the same formulas one by one.
"""

from __future__ import annotations

import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter
from xlsxwriter.worksheet import Worksheet

from ladder_sheets.errors import DataError
from ladder_sheets.sheets import gap, readiness, table
from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.formula_sheet import FormulaSheet, FormulaTemplate, write_template
from ladder_sheets.sheets.table import MAX_ROWS, MAX_TEXT, Column, as_text, write_rows
from ladder_sheets.xlsx.sheet_xml import content_hash
from ladder_sheets.xlsx.stream_sheet import StreamSheet
from tests.test_merge_sheets import gap_row, readiness_row

NAN = float("nan")
OPTIONS = {"constant_memory": True, "strings_to_formulas": False}  # as the write-back


def letter(columns: list[Any], key: str) -> str:
    return get_column_letter([c.key for c in columns].index(key) + 1)


def _write(
    path: Path, build: Callable[[Any], None], fast: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], Any]:
    """The sheets' XML as the write-back builds them (StreamSheet, constant_memory); with
    `fast` False, every cell through xlsxwriter's own path, row by row (no run of rows
    rendered a column at a time: it would number the formats before the header's)."""
    if not fast:
        monkeypatch.setattr(StreamSheet, "_fast", lambda self, row, col, fmt: False)
        monkeypatch.setattr(table, "FormulaSheet", type("NoSheet", (), {}))
    wb = xlsxwriter.Workbook(str(path), {**OPTIONS, "tmpdir": str(path.parent)})
    wb.worksheet_class = StreamSheet
    build(wb)
    wb.close()
    monkeypatch.undo()
    with zipfile.ZipFile(path) as z:
        xml = {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
    return xml, wb


def _same_both_ways(
    tmp: Path, build: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], Any]:
    """The sheets built on the fast path, after checking they are the bytes of xlsxwriter's."""
    fast, wb = _write(tmp / "fast.xlsx", build, True, monkeypatch)
    slow, _ = _write(tmp / "slow.xlsx", build, False, monkeypatch)
    assert fast == slow
    return fast, wb


# Where each row's manager rating is: never on the gap row's own row number, in sheets whose
# names need quotes, an apostrophe doubled, an ampersand escaped, a bracket (xlsxwriter's path).
PLACES = [
    "Ratings History!D57",
    "Bob's R&D History!F2",
    "Ratings History (2)!E9",
    "Ratings{1}!B4",
    "Ratings.csv:2",  # no sheet cell: the rating as a number
    "Ratings History!D1048576",
]
REFERENCES = [
    "'Ratings History'!D57",
    "'Bob''s R&D History'!F2",
    "'Ratings History (2)'!E9",
    "'Ratings{1}'!B4",
    None,
    "'Ratings History'!D1048576",
]


def _gaps() -> pd.DataFrame:
    rows = [
        gap_row(employee_id=f"E{i}", manager_rating=2.0 + i / 2, rating_where=place)
        for i, place in enumerate(PLACES)
    ]
    rows[1]["expected_next"] = NAN
    return pd.DataFrame(rows)


def test_gap_formulas_read_the_named_history_cell_and_their_own_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(wb: Any) -> None:
        gap.build_gap_sheet(wb, _gaps(), cycle="2026-Q3", link_ratings=True)

    fast, wb = _same_both_ways(tmp_path, build, monkeypatch)
    sheet_xml = fast["xl/worksheets/sheet1.xml"]
    assert wb.worksheets()[0].content_digest() == content_hash(sheet_xml, lambda: [])
    assert b"Bob''s R&amp;D History" in sheet_xml

    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Gap Analysis"]
    rating = letter(gap.COLUMNS, "manager_rating")
    expected_at = letter(gap.COLUMNS, "expected_current")
    next_at = letter(gap.COLUMNS, "expected_next")
    gap_now, gap_next = letter(gap.COLUMNS, "gap_current"), letter(gap.COLUMNS, "gap_next")
    source = letter(gap.COLUMNS, "rating_where")
    for i, (place, ref) in enumerate(zip(PLACES, REFERENCES, strict=True)):
        n = gap.FIRST_DATA_ROW + 1 + i
        got = ws[f"{rating}{n}"].value
        if ref is None:
            assert got == 2.0 + i / 2
            assert ws[f"{source}{n}"].value == place
        else:
            assert got == f'=IF(ISNUMBER({ref}),{ref},"")'
            target = "#" + ref.replace('"', '""')
            assert ws[f"{source}{n}"].value == f'=HYPERLINK("{target}","{place}")'
        assert ws[f"{gap_now}{n}"].value == (
            f"=IF(AND(ISNUMBER({rating}{n}),ISNUMBER({expected_at}{n})),"
            f'{rating}{n}-{expected_at}{n},"")'
        )
        assert ws[f"{gap_next}{n}"].value == (
            f'=IF(AND(ISNUMBER({rating}{n}),ISNUMBER({next_at}{n})),{rating}{n}-{next_at}{n},"")'
        )


# Values each column's kind writes otherwise than as it is (an int, None, NaN in a text column,
# a bool, a list, a text past half of Excel's limit, control characters, -0.0), between plain
# rows: the rows are rendered a column at a time, and a row any of them is in is written cell
# by cell.
ODD = [
    {"employee_id": 1042},
    {"name": None, "family": NAN, "trend": "", "manager_id": NAN, "self_rating": 0.0},
    {"expected_current": 4, "manager_id": 7},  # a float column makes 4 a float; 7 stays
    {"competency": ["Delivery", "Craft"], "category": True},
    {"next_behavior": "x" * 17_000},
    {"name": "=HYPERLINK(1)", "family": 'R&D <core> "x"', "self_rating": -0.0},
    {"level": "bell\x07_x0041_", "trend_delta": 1e20, "expected_next": 1 / 3},
    {"employee_id": "", "name": "", "manager_id": "", "rating_where": "Ratings History!E9"},
]


def _odd_gaps() -> pd.DataFrame:
    rows = []
    for i in range(3 * len(ODD)):
        odd = ODD[i // 3] if i % 3 == 1 else {}
        place = f"Ratings.csv:{i}" if i % 6 == 2 else f"Ratings History (2)!D{10 + i}"
        rows.append(gap_row(employee_id=f"E{i}", manager_rating=1.0 + i % 5, rating_where=place))
        rows[-1].update(odd)
    return pd.DataFrame(rows)


def _rows_put(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows StreamSheet.put_row puts whole, as they are put."""
    put: list[int] = []
    put_row = StreamSheet.put_row

    def spy(self: StreamSheet, row: int, *args: Any) -> bool:
        done = put_row(self, row, *args)
        if done:
            put.append(row)
        return done

    monkeypatch.setattr(StreamSheet, "put_row", spy)
    return put


def test_gap_rows_rendered_a_column_at_a_time_are_the_bytes_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put = _rows_put(monkeypatch)

    def build(wb: Any) -> None:
        gap.build_gap_sheet(wb, _odd_gaps(), cycle="2026-Q3", link_ratings=True)

    fast, wb = _same_both_ways(tmp_path, build, monkeypatch)
    sheet_xml = fast["xl/worksheets/sheet1.xml"]
    assert wb.worksheets()[0].content_digest() == content_hash(sheet_xml, lambda: [])
    # rows put whole: all but those with a rating read from a CSV line or an int, a list, a
    # bool or a text too long for the fast path (None, NaN, "", control characters, -0.0 and
    # text that looks like a formula render a column at a time)
    by_hand = {0, 2, 3, 4}  # the ODD entries written cell by cell
    slow = {i for i in range(3 * len(ODD)) if i % 6 == 2 or (i % 3 == 1 and i // 3 in by_hand)}
    assert put == [gap.FIRST_DATA_ROW + i for i in range(3 * len(ODD)) if i not in slow]


def _readiness() -> pd.DataFrame:
    quoted = 'Say "{hi}"'  # a quote to double, braces that str.format must leave alone
    expectations = {"Delivery": (3.0, 4.0), quoted: (3.0, 3.5)}
    rows = [
        readiness_row(
            status="Close",
            ratings_where={"Delivery": "Ratings History!D57", quoted: "Ratings History!D9"},
            rating_expectations=expectations,
            run_before=1.0,
        ),
        # the same competencies (the same templates), other cells
        readiness_row(
            employee_id="E2",
            status="Not yet",
            ratings_where={"Delivery": "Ratings History!E12", quoted: "Old History!E13"},
            rating_expectations=expectations,
            run_before=0.0,
        ),
    ]
    return pd.DataFrame(rows)


def test_readiness_formulas_read_each_persons_own_history_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(wb: Any) -> None:
        readiness.build_readiness_sheet(wb, _readiness(), cycle="2026-Q3", link_ratings=True)

    _same_both_ways(tmp_path, build, monkeypatch)

    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Promotion Readiness"]
    cols = readiness.COLUMNS
    at = {key: letter(cols, key) for key in ("average", "lowest_rating", "lowest_competency")}
    at |= {key: letter(cols, key) for key in ("cycles_at_next", "status", "meets_average")}
    slack = f"{1e-9:.15f}".rstrip("0")
    cells = [
        ("'Ratings History'!D57", "'Ratings History'!D9", "1"),
        ("'Ratings History'!E12", "'Old History'!E13", "0"),
    ]
    for i, (a, b, before) in enumerate(cells):
        n = readiness.FIRST_DATA_ROW + 1 + i
        low = f"{at['lowest_rating']}{n}"
        assert ws[f"{at['average']}{n}"].value == f'=IF(COUNT({a},{b})=2,AVERAGE({a},{b}),"")'
        assert ws[low].value == f'=IF(COUNT({a},{b})>0,MIN({a},{b}),"")'
        assert ws[f"{at['lowest_competency']}{n}"].value == (
            f'=IF(ISNUMBER({low}),IF(AND(ISNUMBER({a}),{a}={low}),"Delivery",'
            f'IF(AND(ISNUMBER({b}),{b}={low}),"Say ""{{hi}}""","")),"")'
        )
        assert ws[f"{at['cycles_at_next']}{n}"].value == (
            f"=IF(AND(ISNUMBER({a}),{a}>=4-{slack},ISNUMBER({b}),{b}>=3.5-{slack}),{before}+1,0)"
        )
        status = ws[f"{at['status']}{n}"].value
        assert status.startswith(f'=IF(COUNT({a},{b})<2,"Insufficient data",')
        assert f'({at["meets_average"]}{n}="No")' in status


# Templates and fillings: what write_template puts in an open row must be what xlsxwriter
# writes for the filled formula, whether the fast path takes it or not.
TEMPLATES: list[tuple[Callable[..., str], tuple[str, ...], bool]] = [
    (gap.rating_formula, ("'Ratings History'!D57",), True),
    (gap.rating_formula, ("'XLOOKUP(1)'!D5",), False),  # a "(" filled in: xlsxwriter's path
    # a "(" no name can call (the history's second sheet): put as filled
    (gap.rating_formula, ("'Ratings History (2)'!D57",), True),
    (gap.rating_formula, ("'Ratings (XLOOKUP(1)'!D5",), False),  # ...unless one more does
    (gap.rating_formula, ("'Ratings.(2)'!D5",), False),
    (gap.rating_formula, ("(1)",), False),  # after the template's own text: it could
    (gap.hyperlink_formula, ("#'Ratings History (2)'!E9", "Ratings History (2)!E9"), True),
    (gap.hyperlink_formula, ("#'R (2)'!E9", "(XLOOKUP(1,A1:A2,B1:B2))"), False),
    (lambda a, b: f"=IF(ISNUMBER(A1),{a}XLOOKUP{b},0)", ("'S (2)'!A1+", "(1,A1:A2,B1:B2)"), False),
    (gap.rating_formula, ("'A_xlfn.B'!D5",), False),
    (gap.rating_formula, ("'{x}'!D5",), False),
    (readiness.meets_formula, ("K3", "L3"), True),
    (lambda c: readiness.time_formula(c), ("W9",), True),  # INT and MOD: plain
    (lambda c: f"=XLOOKUP({c},B1:B3,C1:C3)", ("A1",), False),  # prefixed by xlsxwriter
    (lambda c: f"={c}MAX(1,2)", ("A1",), False),  # a name touching a hole: never plain
    (lambda c: f'=IF({c}>0,"{{ok}}","")', ("A1",), True),  # braces of the template kept
]


@pytest.mark.parametrize(("make", "cells", "fast"), TEMPLATES)
def test_a_filled_template_is_the_formula_xlsxwriter_writes(
    tmp_path: Path, make: Callable[..., str], cells: tuple[str, ...], fast: bool
) -> None:
    template = FormulaTemplate(make, len(cells))
    assert template.formula(*cells) == make(*cells)
    slow: list[Any] = []

    class Spy(FormulaSheet):
        def write_formula(self, *args: Any, **kwargs: Any) -> Any:
            slow.append(args)
            return super().write_formula(*args, **kwargs)

    def sheet(name: str, cls: type[Worksheet], ours: bool) -> bytes:
        wb = xlsxwriter.Workbook(str(tmp_path / name), OPTIONS)
        ws = wb.add_worksheet("S", worksheet_class=cls)
        fmt = wb.add_format({"bold": True})
        for row in range(2):
            if ours:
                assert ws.open_row(row, 1, fmt)
                assert ws.is_open(row)
                write_template(ws, row, 1, template, cells, fmt, 1.5)
            else:
                ws.write_formula(row, 1, make(*cells), fmt, 1.5)
        ws.write_string(2, 0, "after", fmt)  # the open rows are flushed
        wb.close()
        with zipfile.ZipFile(tmp_path / name) as z:
            return z.read("xl/worksheets/sheet1.xml")

    assert sheet("ours.xlsx", Spy, True) == sheet("theirs.xlsx", Worksheet, False)
    assert (not slow) == fast  # put as filled, or through write_formula


def test_rows_past_excels_last_are_refused_not_dropped(tmp_path: Path) -> None:
    columns = [Column("who", "Who")]
    wb = xlsxwriter.Workbook(str(tmp_path / "long.xlsx"), OPTIONS)
    wb.worksheet_class = StreamSheet
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet("Gap Analysis")
    three = pd.DataFrame({"who": ["a", "b", "c"]})
    with pytest.raises(DataError) as refused:
        write_rows(ws, three, columns, styles, MAX_ROWS - 2, {})
    assert refused.value.sheet == "Gap Analysis"
    assert "1,048,577 rows" in str(refused.value) and "1,048,576" in str(refused.value)
    # the last three rows of the grid fit, the last one included
    write_rows(ws, three, columns, styles, MAX_ROWS - 3, {})
    wb.close()
    with zipfile.ZipFile(tmp_path / "long.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b'<c r="A1048576"' in xml and b"<t>c</t>" in xml
    assert b'<dimension ref="A1048574:A1048576"/>' in xml


# Readiness rows of every kind of cell and status, for the column path: wrapped sentences and
# scope (tall rows), a list, flags, a date and a date as text, statuses written as text, a
# committee's Not yet, a formula too long for Excel, a rating from a CSV line, a sheet name
# with a "(" xlsxwriter's path takes, control characters, text past half of Excel's limit.
LONG = "Shows judgement and takes on ambiguous work across teams without being asked. " * 3
NAMES = [f"Competency {i:03d}" + " with a long name" * 6 for i in range(60)]
MANY = {name: f"Ratings History!D{i + 9}" for i, name in enumerate(NAMES)}
SHEET = "Ratings History of the Whole Organisation"  # longer than Excel allows: formulas too
MOST = {f"C{i}": f"{SHEET}!D{i + 9}" for i in range(200)}
ODD_READINESS: list[dict[str, Any]] = [
    {"shortfalls": ["Average 3.2 is below 3.5.", LONG], "scope_criteria": LONG},
    {"status": "Insufficient data", "shortfalls": ["no manager rating for Craft in 2026-Q3"]},
    {"status": "Top of track", "next_level": None, "in_level_since": "2024-03-01"},
    {"status": "Not yet", "shortfall_codes": ["committee-not-yet"], "calibrated": False},
    {"scope_met": None, "endorsed": "maybe", "requires_endorsement": 1.0, "in_level_since": None},
    {"shortfalls": "Already joined; as text", "shortfall_codes": ("floor", "average")},
    {"ratings_where": {"Delivery": "Ratings.csv:4"}, "shortfalls": ["x" * 17_000]},
    {"ratings_where": {"Delivery": "Ratings (XLOOKUP(1)!D5"}, "rating_expectations": {}},
    {
        "ratings_where": MANY,
        "rating_expectations": {name: (3.0, 4.0) for name in MANY},
        "shortfalls": [f"Competency {i:03d} is below 3." for i in range(60)],
    },
    {"name": "bell\x07_x0041_", "shortfalls": ["a\tb " * 30], "scope_criteria": ""},
    {"shortfalls": [], "scope_criteria": None, "cycle": None, "average": NAN},
    {"ratings_where": MOST, "rating_expectations": {name: (3.0, 4.0) for name in MOST}},
]


def _odd_readiness() -> pd.DataFrame:
    rows = []
    for i in range(3 * len(ODD_READINESS)):
        row = readiness_row(
            employee_id=f"E{i}",
            status=readiness.MEASURED[i % len(readiness.MEASURED)],
            ratings_where={"Delivery": f"Ratings History (2)!D{10 + i}"},
            rating_expectations={"Delivery": (3.0, 4.0)},
            run_before=float(i % 3),
            scope_criteria="Leads a cross-team project" if i % 2 else None,
        )
        if i % 3 == 1:
            row.update(ODD_READINESS[i // 3])
        rows.append(row)
    return pd.DataFrame(rows)


def test_readiness_rows_rendered_a_column_at_a_time_are_the_bytes_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put = _rows_put(monkeypatch)
    table = _odd_readiness()

    def build(wb: Any) -> None:
        readiness.build_readiness_sheet(wb, table, cycle="2026-Q3", link_ratings=True)

    fast, wb = _same_both_ways(tmp_path, build, monkeypatch)
    # not hashed as written: 17,000 characters, a dynamic array function (XLOOKUP)
    assert wb.worksheets()[0].content_digest() is None
    # put whole: every row but the first (its cells number the formats), those with a text
    # past half of Excel's limit (row 19) and a sheet name xlsxwriter's path takes (22)
    slow = (0, 19, 22)
    assert put == [readiness.FIRST_DATA_ROW + i for i in range(len(table)) if i not in slow]
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx")["Promotion Readiness"]
    # each row as tall as its wrapped sentences or scope need (textwrap's lines, the width
    # less the cell's padding), rows put whole among them
    tall = []
    texts = zip(table["shortfalls"], table["scope_criteria"], strict=True)
    for i, (said, scope) in enumerate(texts):
        said = said if isinstance(said, str) else "; ".join(said)
        lines = max(
            len(textwrap.wrap(said, readiness.SHORTFALLS_WIDTH - 2)),
            len(textwrap.wrap(scope if isinstance(scope, str) else "", st.WRAP_WIDTH - 2)),
            1,
        )
        n = readiness.FIRST_DATA_ROW + 1 + i
        assert ws.row_dimensions[n].height == (st.LINE_HEIGHT * lines if lines > 1 else None)
        if lines > 1:
            tall.append(n - 1)
    assert len(tall) >= 3 and set(tall) & set(put)
    status = letter(readiness.COLUMNS, "status")
    at = readiness.FIRST_DATA_ROW + 1
    assert ws[f"{status}{at + 4}"].value == "Insufficient data"  # as recorded
    assert ws[f"{status}{at + 10}"].value == "Not yet"  # the committee's
    assert str(ws[f"{status}{at + 3}"].value).startswith("=IF(COUNT(")
    # 60 ratings: the status formula fits, the lowest competency's is too long for Excel (the
    # value as computed)
    lowest = letter(readiness.COLUMNS, "lowest_competency")
    average = letter(readiness.COLUMNS, "average")
    assert str(ws[f"{status}{at + 25}"].value).startswith("=IF(COUNT(")
    assert ws[f"{lowest}{at + 25}"].value == "Mentoring"
    assert str(ws[f"{average}{at + 25}"].value).startswith("=IF(COUNT(")
    # 200 on a long sheet name: the status from the criteria alone, the average as computed
    assert str(ws[f"{status}{at + 34}"].value).startswith("=IF(((M")
    assert ws[f"{average}{at + 34}"].value == 3.75
    assert ws[f"{lowest}{at + 34}"].value == "Mentoring"

    # without those two rows, the hash of the cells as written is that of the XML
    table = table.drop(index=[19, 22])
    fast, wb = _same_both_ways(tmp_path, build, monkeypatch)
    sheet_xml = fast["xl/worksheets/sheet1.xml"]
    assert wb.worksheets()[0].content_digest() == content_hash(sheet_xml, lambda: [])


def test_a_list_is_written_as_its_texts_joined_blanks_left_out() -> None:
    said = ["Average 3.2 is below 3.5.", "", "scope criteria not recorded as met"]
    assert as_text(said, "; ") == "Average 3.2 is below 3.5.; scope criteria not recorded as met"
    assert as_text([], "; ") == "" and as_text(["", ""], ", ") == ""
    long = "y" * (MAX_TEXT + 5)  # each text cut visibly at Excel's limit
    assert as_text(["a", long]) == "a; " + long[: MAX_TEXT - 1] + "\u2026"
    assert as_text(["a", None, NAN, 3.0, "", "b"], ", ") == "a, 3, b"
    assert as_text(("a", "", "b"), "/") == "a/b"
