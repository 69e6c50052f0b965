"""The Promotion Readiness sheet: one row per employee, in the order analysis sorted them.

Each measurable criterion shows the person's value, the step's threshold and a live "Meets"
formula (Yes/No, blank when either side is missing) with its value cached; a value below its
threshold is marked red. The status is a formula over those criteria cells (Meets, scope,
sign-off), so it follows a corrected value; Insufficient data, Top of track and a committee's
Not yet are written as text. It is coloured by conditional formatting on its text, so a
status a committee edits recolours. What falls short is written in sentences.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlsxwriter

from ladder_sheets.analysis.shortfalls import TOLERANCE
from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.formula_sheet import FormulaSheet
from ladder_sheets.sheets.table import (
    Column,
    RowFormula,
    as_number,
    as_text,
    check_columns,
    finish_table,
    letters,
    set_widths,
    write_header,
    write_rows,
)

TITLE_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FROZEN_COLUMNS = 3  # ID, name and status stay in view

COLUMNS: list[Column] = [
    Column("employee_id", "Employee ID", "value"),
    Column("name", "Name"),
    Column("status", "Status", style="status"),
    Column("manager_id", "Manager ID", "value"),
    Column("family", "Job Family"),
    Column("track", "Track"),
    Column("level", "Level"),
    Column("next_level", "Next Level"),
    Column("cycle", "Cycle"),
    Column("average", "Average", "number", "average"),
    Column("min_average", "Min Average", "number", "average"),
    Column("meets_average", "Meets Average", "formula", "flag"),
    Column("lowest_rating", "Lowest Rating", "number", "rating"),
    Column("lowest_competency", "Lowest Competency"),
    Column("min_each", "Min Each", "number", "rating"),
    Column("meets_floor", "Meets Floor", "formula", "flag"),
    Column("cycles_at_next", "Cycles At Next Level", "number", "count"),
    Column("cycles_required", "Cycles Required", "number", "count"),
    Column("meets_cycles", "Meets Cycles", "formula", "flag"),
    Column("in_level_since", "In Level Since", "date", "date", optional=True),
    Column("quarters_in_level", "Quarters In Level", "number", "quarters"),
    Column("quarters_required", "Quarters Required", "number", "quarters"),
    Column("meets_time", "Meets Time", "formula", "flag"),
    Column("scope_criteria", "Scope Criteria", wrap=True, optional=True),
    Column("scope_met", "Scope Met", "flag", "flag"),
    Column("endorsed", "Endorsed", "flag", "flag"),
    Column("requires_endorsement", "Endorsement Required", "flag", "flag"),
    Column("calibrated", "Calibrated", "flag", "flag"),
    Column("requires_calibration", "Calibration Required", "flag", "flag"),
    Column("shortfalls", "What Falls Short", "list", wrap=True),
    Column("shortfall_codes", "Shortfall Codes", "list", joiner=", "),
]

# "Meets" column -> (value column, threshold column): value >= threshold.
MEETS = {
    "meets_average": ("average", "min_average"),
    "meets_floor": ("lowest_rating", "min_each"),
    "meets_cycles": ("cycles_at_next", "cycles_required"),
    "meets_time": ("quarters_in_level", "quarters_required"),
}


# The analysis's tolerance, so an average of 4.1499999999999995 meets 4.15 in the sheet too.
_SLACK = f"{TOLERANCE:.15f}".rstrip("0")


def meets_formula(value_cell: str, threshold_cell: str) -> str:
    return (
        f"=IF(AND(ISNUMBER({value_cell}),ISNUMBER({threshold_cell})),"
        f'IF({value_cell}>={threshold_cell}-{_SLACK},"Yes","No"),"")'
    )


def meets_value(value: Any, threshold: Any) -> str:
    """What the meets formula computes, for its cached value."""
    v, t = as_number(value), as_number(threshold)
    if v is None or t is None:
        return ""
    return "Yes" if v >= t - float(_SLACK) else "No"


# Statuses the criteria cells decide; the others are written as text (see live_status).
MEASURED = ("Ready", "Ready pending sign-off", "Close", "Not yet")


def status_formula(where: dict[str, str], row: int) -> str:
    """The status from the row's criteria cells, as analysis.readiness decides it: each "No"
    of the four Meets columns is a criterion short, so is scope criteria not recorded as met;
    none short is Ready, or Ready pending sign-off while a required endorsement or calibration
    is not recorded; one short is Close; more is Not yet. Correct a value or a threshold on
    this sheet and the status follows."""

    def cell(key: str) -> str:
        return f"{where[key]}{row}"

    short = "+".join(f'({cell(k)}="No")' for k in MEETS)
    scope = f'AND({cell("scope_criteria")}<>"",{cell("scope_met")}<>"Yes")'
    pending = (
        f'OR(AND({cell("requires_endorsement")}="Yes",{cell("endorsed")}<>"Yes"),'
        f'AND({cell("requires_calibration")}="Yes",{cell("calibrated")}<>"Yes"))'
    )
    fails = f"({short}+{scope})"
    return (
        f'=IF({fails}=0,IF({pending},"Ready pending sign-off","Ready"),'
        f'IF({fails}=1,"Close","Not yet"))'
    )


def build_readiness_sheet(
    wb: xlsxwriter.Workbook,
    readiness: pd.DataFrame,
    *,
    cycle: str,
    name: str = "Promotion Readiness",
) -> None:
    """Add the Promotion Readiness worksheet for `cycle` to `wb`, rows in the given order.

    `readiness` has the columns of `analysis.readiness.readiness_table`; shortfalls may be
    lists (joined with "; ") or text.
    """
    check_columns(readiness, COLUMNS, "readiness")
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet(name, worksheet_class=FormulaSheet)
    where = letters(COLUMNS)

    ws.write_string(
        TITLE_ROW,
        0,
        f"Promotion Readiness, cycle {cycle}: each criterion against the step's threshold, "
        "the status follows them; Ready and Close first.",
        styles["title"],
    )
    # Widths and the header's height before any row: in constant_memory mode a row written is
    # flushed, and a height set afterwards is lost (the header showed one line of two).
    extra = {key: ["Yes"] for key in MEETS}
    set_widths(ws, COLUMNS, readiness, styles, extra, header_row=HEADER_ROW)
    write_header(ws, HEADER_ROW, COLUMNS, styles)

    formulas = {
        key: RowFormula(value, threshold, meets_formula, meets_value)
        for key, (value, threshold) in MEETS.items()
    }
    status_format = styles["status"]

    def live_status(sheet: Any, row: int, col: int, values: dict[str, Any]) -> bool:
        status = values["status"]
        codes = values["shortfall_codes"]
        committee = isinstance(codes, list | tuple) and "committee-not-yet" in codes
        if status not in MEASURED or committee:
            return False  # Insufficient data, Top of track, the committee's word: as recorded
        sheet.write_formula(row, col, status_formula(where, row + 1), status_format, status)
        return True

    def tall_enough(row: int, values: dict[str, Any]) -> None:
        # Wrapped text gets the rows it needs: LibreOffice does not grow rows by itself, and
        # the sentences would run over the rows below.
        lines = max(
            _lines(as_text(values["shortfalls"], "; ")), _lines(as_text(values["scope_criteria"]))
        )
        if lines > 1:
            ws.set_row(row, st.LINE_HEIGHT * lines)

    write_rows(
        ws,
        readiness,
        COLUMNS,
        styles,
        FIRST_DATA_ROW,
        formulas,
        before_row=tall_enough,
        custom={"status": live_status},
    )

    count = len(readiness)
    finish_table(ws, HEADER_ROW, count, len(COLUMNS), FROZEN_COLUMNS)
    if count:
        _conditional_formats(ws, styles, where, count)


def _lines(text: str) -> int:
    return -(-len(text) // st.WRAP_WIDTH) if text else 1


def _conditional_formats(ws: Any, styles: st.Styles, where: dict[str, str], count: int) -> None:
    first, last = FIRST_DATA_ROW + 1, FIRST_DATA_ROW + count  # Excel row numbers
    status = where["status"]
    for rule in st.status_rules(styles):
        ws.conditional_format(f"{status}{first}:{status}{last}", rule)
    for meets, (value, threshold) in MEETS.items():
        ws.conditional_format(
            f"{where[value]}{first}:{where[value]}{last}",
            st.below_rule(styles, f"{where[value]}{first}", f"{where[threshold]}{first}"),
        )
        for rule in st.meets_rules(styles):
            ws.conditional_format(f"{where[meets]}{first}:{where[meets]}{last}", rule)
