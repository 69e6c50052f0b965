"""The Gap Analysis sheet: one row per employee x competency for one cycle.

Gaps are live formulas (manager rating minus expectation, blank when either is not a number)
with their computed values cached, so an analyst who corrects a rating sees both gaps follow.
A diverging scale colours the gaps; a rating below the current level's expectation is marked
red and bold, and so is its negative gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import xlsxwriter

from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.formula_sheet import (
    FormulaSheet,
    FormulaTemplate,
    template_tail,
    write_template,
)
from ladder_sheets.sheets.table import (
    ROWS_AT_ONCE,
    SLOW,
    Column,
    RowFormula,
    as_number,
    check_columns,
    finish_table,
    letters,
    set_widths,
    write_header,
    write_rows,
)

_CELL = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]{1,7}")
TITLE_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FROZEN_COLUMNS = 2  # ID and name stay in view when scrolling right

COLUMNS: list[Column] = [
    Column("employee_id", "Employee ID", "value"),
    Column("name", "Name"),
    Column("manager_id", "Manager ID", "value"),
    Column("family", "Job Family"),
    Column("track", "Track"),
    Column("level", "Level"),
    Column("next_level", "Next Level"),
    Column("competency", "Competency"),
    Column("category", "Category"),
    Column("expected_current", "Expected At Level", "number", "rating"),
    Column("expected_next", "Expected At Next Level", "number", "rating"),
    Column("manager_rating", "Manager Rating", "number", "rating"),
    Column("self_rating", "Self Rating", "number", "rating"),
    Column("gap_current", "Gap To Level", "formula", "gap"),
    Column("gap_next", "Gap To Next Level", "formula", "gap"),
    Column("trend", "Trend"),
    Column("trend_delta", "Trend Delta", "number", "gap"),
    # What is printed ends here (PRINTED): the source and the description are for the screen.
    Column("rating_where", "Rating Source"),
    # Last and unwrapped: a description reads on one line running on to the right, and rows
    # stay one line tall (wrapped, the sample's 1,136 rows printed on 273 A4 pages).
    Column("next_behavior", "Next Level Behavior"),
]
PRINTED = 1 + [c.key for c in COLUMNS].index("trend_delta")
# 11 pt text prints at 9.4 pt, and a page holds more rows and columns.
PRINT_SCALE = 85

# Gap column -> (rating column, expectation column) of its formula.
GAP_FORMULAS = {
    "gap_current": ("manager_rating", "expected_current"),
    "gap_next": ("manager_rating", "expected_next"),
}


def gap_formula(rating_cell: str, expected_cell: str) -> str:
    return (
        f"=IF(AND(ISNUMBER({rating_cell}),ISNUMBER({expected_cell})),"
        f'{rating_cell}-{expected_cell},"")'
    )


def gap_value(rating: Any, expected: Any) -> float | str:
    """What the gap formula computes, for its cached value."""
    r, e = as_number(rating), as_number(expected)
    return r - e if r is not None and e is not None else ""


def sheet_reference(place: Any) -> str | None:
    """ "Ratings History!D57" as a formula reference ('Ratings History'!D57); None for what
    is not a sheet cell (a CSV line, blank)."""
    text = str(place or "")
    sheet, bang, cell = text.rpartition("!")
    if not bang or not sheet or not _CELL.fullmatch(cell):
        return None
    return "'" + sheet.replace("'", "''") + "'!" + cell


def rating_formula(reference: str) -> str:
    # blank (not 0) when the history cell is emptied or holds text, as the gaps expect
    return f'=IF(ISNUMBER({reference}),{reference},"")'


def hyperlink_formula(target: str, text: str) -> str:
    """A link to `target` showing `text`, each with its quotes already doubled."""
    return f'=HYPERLINK("{target}","{text}")'


def build_gap_sheet(
    wb: xlsxwriter.Workbook,
    gaps: pd.DataFrame,
    *,
    cycle: str,
    name: str = "Gap Analysis",
    link_ratings: bool = False,
) -> None:
    """Add the Gap Analysis worksheet for `cycle` to `wb`, rows in the order of `gaps`.

    `gaps` has the columns of `analysis.gaps.gap_table` (extra columns are ignored); its
    gap_current/gap_next are not copied but recomputed by the sheet's formulas. With
    `link_ratings` (the workbook holds the Ratings History cells that `rating_where` names,
    as merge writes it), each manager rating is a formula reading its Ratings History cell,
    so a corrected rating flows into both gaps, and Rating Source is a link to that cell.
    """
    check_columns(gaps, COLUMNS, "gap")
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet(name, worksheet_class=FormulaSheet)
    where = letters(COLUMNS)
    # The formats take their style numbers now, in a fixed order (title, header, the columns'
    # left to right, the links'): the rows are rendered a column at a time (write_rows), so
    # numbers taken on first use would follow the data.
    for key in ("title", "header", *("wrap" if c.wrap else c.style for c in COLUMNS)):
        styles[key]._get_xf_index()
    styles["rating"]._get_xf_index()
    styles["link"]._get_xf_index()

    ws.write_string(
        TITLE_ROW,
        0,
        f"Gap Analysis, cycle {cycle}: gap = manager rating \u2212 expected "
        "(negative = below). Correct a rating and its gaps follow.",
        styles["title"],
    )
    # Widths and the header's height before any row: in constant_memory mode a row written is
    # flushed, and a height set afterwards is lost (the header showed one line of two).
    extra = {
        key: [
            gap_value(r, e)
            for r, e in zip(
                gaps[rating].head(100).tolist(), gaps[expected].head(100).tolist(), strict=True
            )
        ]
        for key, (rating, expected) in GAP_FORMULAS.items()
    }
    set_widths(ws, COLUMNS, gaps, styles, extra, header_row=HEADER_ROW)
    write_header(ws, HEADER_ROW, COLUMNS, styles)

    formulas = {
        key: RowFormula(rating, expected, gap_formula, gap_value)
        for key, (rating, expected) in GAP_FORMULAS.items()
    }
    rating_format, link_format = styles["rating"], styles["link"]
    rating, link = FormulaTemplate(rating_formula, 1), FormulaTemplate(hyperlink_formula, 2)
    seen: dict[Any, str | None] = {}  # rows' Ratings History cells (both columns read them)

    def reference_of(place: Any) -> str | None:
        if place not in seen:
            if len(seen) > 4 * ROWS_AT_ONCE:  # both columns of a run of rows look it up
                seen.clear()
            seen[place] = sheet_reference(place)
        return seen[place]

    def rating_cell(place: Any, rating: Any) -> tuple[tuple[str, ...], Any] | None:
        """The linked rating's cells and cached value; None: the rating as a number."""
        reference = reference_of(place)
        if reference is None:
            return None
        value = as_number(rating)
        return (reference,), "" if value is None else value

    def link_cell(place: Any) -> tuple[tuple[str, ...], Any] | None:
        """The link's cells and cached value; None: the place as text."""
        reference = reference_of(place)
        if reference is None:
            return None
        # A HYPERLINK formula, not a cell hyperlink: Excel allows 65,530 of those per sheet.
        text = str(place)
        return ("#" + reference.replace('"', '""'), text.replace('"', '""')), text

    def linked_rating(sheet: Any, row: int, col: int, values: dict[str, Any]) -> bool:
        made = rating_cell(values["rating_where"], values["manager_rating"])
        if made is not None:
            write_template(sheet, row, col, rating, made[0], rating_format, made[1])
        return made is not None

    def source_link(sheet: Any, row: int, col: int, values: dict[str, Any]) -> bool:
        made = link_cell(values["rating_where"])
        if made is not None:
            write_template(sheet, row, col, link, made[0], link_format, made[1])
        return made is not None

    def tails_of(sheet: Any, template: FormulaTemplate, fmt: Any, made: Iterable[Any]) -> list[Any]:
        return [
            SLOW if m is None else template_tail(sheet, template, m[0], fmt, m[1]) or SLOW
            for m in made
        ]

    def linked_ratings(
        sheet: Any, numbers: list[str], values: Mapping[str, list[Any]]
    ) -> list[Any]:
        made = map(rating_cell, values["rating_where"], values["manager_rating"])
        return tails_of(sheet, rating, rating_format, made)

    def source_links(sheet: Any, numbers: list[str], values: Mapping[str, list[Any]]) -> list[Any]:
        return tails_of(sheet, link, link_format, map(link_cell, values["rating_where"]))

    custom: dict[str, Any] = {}
    columnar: dict[str, Any] = {}
    if link_ratings:
        custom = {"manager_rating": linked_rating, "rating_where": source_link}
        columnar = {"manager_rating": linked_ratings, "rating_where": source_links}
    write_rows(
        ws, gaps, COLUMNS, styles, FIRST_DATA_ROW, formulas, custom=custom, columnar=columnar
    )

    count = len(gaps)
    finish_table(ws, HEADER_ROW, count, len(COLUMNS), FROZEN_COLUMNS, printed=PRINTED)
    ws.set_print_scale(PRINT_SCALE)
    if count:
        _conditional_formats(ws, styles, where, count)


def _conditional_formats(ws: Any, styles: st.Styles, where: dict[str, str], count: int) -> None:
    first, last = FIRST_DATA_ROW + 1, FIRST_DATA_ROW + count  # Excel row numbers
    for key in GAP_FORMULAS:
        ws.conditional_format(f"{where[key]}{first}:{where[key]}{last}", st.gap_scale())
    # Below the current level: the rating cell filled red, its gap bold red over the scale.
    rating, expected = where["manager_rating"], where["expected_current"]
    ws.conditional_format(
        f"{rating}{first}:{rating}{last}",
        st.below_rule(styles, f"{rating}{first}", f"{expected}{first}"),
    )
    gap = where["gap_current"]
    ws.conditional_format(f"{gap}{first}:{gap}{last}", st.negative_rule(styles, f"{gap}{first}"))
