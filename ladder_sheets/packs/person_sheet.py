"""A pack's sheet for one person: expectations, ratings, live gap formulas, the trend with a
sparkline per competency, what to work on, the promotion criteria and a chart."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ladder_sheets.analysis.shortfalls import is_sign_off
from ladder_sheets.model import sheet_ref
from ladder_sheets.packs.page import PackSheet, difference, level_field, print_setup, write_number
from ladder_sheets.packs.slices import PackData, PersonSlice
from ladder_sheets.sheets.styles import LINE_HEIGHT, STATUS_COLOURS, Styles, gap_scale
from ladder_sheets.sheets.table import as_number, as_text
from ladder_sheets.values import NO_MINIMUM, time_in_words

HEADER_ROW = 4
WORK_ON_WIDTH = 70
# Gap columns: (column, the expectation's column letter, its key); the rating is in column E.
GAP_FORMULAS = ((6, "C", "expected_current"), (7, "D", "expected_next"))


def person_sheet(
    wb: xlsxwriter.Workbook,
    styles: Styles,
    data: PackData,
    person: PersonSlice,
    sheet: str,
    cycles: list[str],
) -> None:
    ws = wb.add_worksheet(sheet, worksheet_class=PackSheet)
    r = person.readiness
    level, nxt = as_text(person.level), as_text(r["next_level"]) if r is not None else ""
    title = level_field(data, person.family, level, "title")
    ws.write_string(0, 0, f"{as_text(person.name)}: {level} {title}", styles["title"])
    if nxt:
        next_title = level_field(data, person.family, nxt, "title")
        ws.write_string(1, 0, f"Next level: {nxt} {next_title}")
    else:
        ws.write_string(1, 0, "Top of track: no next level on this track.")
    if data.sign_off:
        status = as_text(r["status"]) if r is not None else ""
        ws.write_string(2, 0, "Readiness:", styles["status"])
        colour = styles[f"status:{status}"] if status in STATUS_COLOURS else None
        ws.write_string(2, 1, status, colour)

    head = [
        "Competency",
        "Category",
        f"Expected at {level}",
        f"Expected at {nxt}" if nxt else "Expected next",
        "Manager rating",
        "Self rating",
        "Gap to current",
        "Gap to next",
        *cycles,
        "Trend",
        "What to work on (next level)",
    ]
    header = styles["header"]
    for col, text in enumerate(head):
        ws.write_string(HEADER_ROW, col, text, header)
    rating, gap, wrap = styles["rating"], styles["gap"], styles["wrap"]
    first = HEADER_ROW + 1
    for row, g in enumerate(person.gaps, start=first):
        ws.write_string(row, 0, as_text(g["competency"]))
        ws.write_string(row, 1, as_text(g["category"]))
        for col, key in (
            (2, "expected_current"),
            (3, "expected_next"),
            (4, "manager_rating"),
            (5, "self_rating"),
        ):
            write_number(ws, row, col, g[key], rating)
        line = row + 1
        for col, expected, expected_key in (
            (6, "C", "expected_current"),
            (7, "D", "expected_next"),
        ):
            value = difference(g["manager_rating"], g[expected_key])
            formula = f'=IF(OR(E{line}="",{expected}{line}=""),"",E{line}-{expected}{line})'
            ws.write_formula(row, col, formula, gap, value)
        for j, c in enumerate(cycles):
            write_number(ws, row, 8 + j, person.trend.get((g["competency"], c)), rating)
        behavior = as_text(g["next_behavior"])
        if behavior:
            ws.write_string(row, 9 + len(cycles), behavior, wrap)
            if len(behavior) > WORK_ON_WIDTH - 2:  # its lines, or they run over the next rows
                ws.set_row(row, LINE_HEIGHT * -(-len(behavior) // (WORK_ON_WIDTH - 2)))
    last = first + len(person.gaps) - 1
    spark_col = 8 + len(cycles)
    if cycles and last >= first:
        # One sparkline group for the sheet: xlsxwriter rebuilds its style table per call.
        end = 7 + len(cycles)
        rows = range(first, last + 1)
        ws.add_sparkline(
            first,
            spark_col,
            {
                "location": [xl_rowcol_to_cell(row, spark_col) for row in rows],
                "range": [
                    sheet_ref(sheet, f"{xl_rowcol_to_cell(row, 8)}:{xl_rowcol_to_cell(row, end)}")
                    for row in rows
                ],
                "markers": True,
            },
        )
    if last >= first:
        ws.conditional_format(first, 6, last, 7, gap_scale())
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 11)
    ws.set_column(2, 7, 10)
    ws.set_column(8, 7 + len(cycles), 8)
    ws.set_column(spark_col, spark_col, 12)
    ws.set_column(spark_col + 1, spark_col + 1, WORK_ON_WIDTH)
    ws.set_row(HEADER_ROW, 32)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    print_setup(ws, data, HEADER_ROW)

    below = _readiness_block(ws, styles, r, last + 2, data.sign_off)
    if last >= first:
        _chart(wb, ws, sheet, first, last, level, nxt, below + 1)


def _readiness_block(
    ws: Worksheet, styles: Styles, r: dict[str, Any] | None, row: int, sign_off: bool
) -> int:
    """The measurable criteria with the person's values, and what falls short in words; the
    sentences about sign-off (endorsement, calibration, the committee) only with `sign_off`."""
    if r is None:
        return row
    ws.write_string(row, 0, "Promotion criteria", styles["title"])
    lines = [
        ("Average rating", r["average"], "at least", r["min_average"], "average"),
        ("Lowest rating", r["lowest_rating"], "at least", r["min_each"], "rating"),
        ("Cycles at next level", r["cycles_at_next"], "needed", r["cycles_required"], "count"),
    ]
    for i, (label, value, word, need, format_name) in enumerate(lines, start=1):
        fmt = styles[format_name]
        ws.write_string(row + i, 0, label)
        write_number(ws, row + i, 1, value, fmt)
        ws.write_string(row + i, 2, word)
        write_number(ws, row + i, 3, need, fmt)
    # Time as people say it ("7 years 4 months"), not 29.3 quarters.
    at = row + len(lines) + 1
    ws.write_string(at, 0, "Time in level")
    required = as_number(r["quarters_required"])
    ws.write_string(at, 1, time_in_words(r["quarters_in_level"]))
    ws.write_string(at, 2, "needed")
    ws.write_string(at, 3, time_in_words(required) if required else NO_MINIMUM)
    lines.append(("Time in level", None, "", None, ""))
    row += len(lines) + 1
    shortfalls = r["shortfalls"]
    items = list(shortfalls) if isinstance(shortfalls, list | tuple) else []
    if not sign_off:
        items = [t for t in items if not is_sign_off(as_text(t))]
    ws.write_string(row, 0, "What falls short" if items else "Nothing falls short.")
    for i, text in enumerate(items, start=1):
        ws.write_string(row + i, 0, f"- {as_text(text)}")
    return row + len(items) + 1


def _chart(
    wb: xlsxwriter.Workbook,
    ws: Worksheet,
    sheet: str,
    first: int,
    last: int,
    level: str,
    nxt: str,
    at_row: int,
) -> None:
    chart = wb.add_chart({"type": "bar"})
    cats = [sheet, first, 0, last, 0]
    series = [(4, "Manager rating"), (2, f"Expected at {level}")]
    if nxt:
        series.append((3, f"Expected at {nxt}"))
    for col, name in series:
        values = [sheet, first, col, last, col]
        chart.add_series({"name": name, "categories": cats, "values": values})
    chart.set_title({"name": "Rating against expectations"})
    chart.set_x_axis({"min": 0, "max": 5, "major_unit": 1})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": max(260, 26 * (last - first + 1) + 90)})
    ws.insert_chart(at_row, 0, chart)
