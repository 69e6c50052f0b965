"""The Promotion Readiness sheet: one row per employee, in the order analysis sorted them.

Each measurable criterion shows the person's value, the step's threshold and a live "Meets"
formula (Yes/No, blank when either side is missing) with its value cached; a value below its
threshold is marked red. The values that come from ratings (Average, Lowest Rating and its
competency, Cycles At Next Level) are formulas over the person's own Ratings History cells
(the cells the analysis read, a handful per person, never a scan of the history), and the
status is a formula over the criteria cells (Meets, scope, sign-off): correct a rating in
Ratings History and the gaps, the criteria and the status follow. Insufficient data, Top of
track and a committee's Not yet are written as text. The status is coloured by conditional
formatting on its text, so a status a committee edits recolours. What falls short is written
in sentences as of the merge (the title says so).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd
import xlsxwriter

from ladder_sheets.analysis.shortfalls import TOLERANCE
from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.formula_sheet import (
    FormulaSheet,
    FormulaTemplate,
    template_tail,
    write_template,
)
from ladder_sheets.sheets.gap import sheet_reference
from ladder_sheets.sheets.table import (
    SLOW,
    WIDTH_SAMPLE,
    Column,
    RowFormula,
    as_number,
    as_text,
    check_columns,
    finish_table,
    letters,
    set_widths,
    value_tails,
    write_header,
    write_rows,
)
from ladder_sheets.values import NO_MINIMUM, months_of, time_in_words

TITLE_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2
FROZEN_COLUMNS = 3  # ID, name and status stay in view

COLUMNS: list[Column] = [
    Column("employee_id", "Employee ID", "value"),
    Column("name", "Name"),
    Column("status", "Status", style="status"),
    Column("level", "Level"),
    Column("next_level", "Next Level"),
    Column("shortfalls", "What Falls Short", "list", wrap=True),
    # What is printed ends here (PRINTED): the criteria that follow are the detail behind the
    # sentences, on screen.
    Column("manager_id", "Manager ID", "value"),
    Column("family", "Job Family"),
    Column("track", "Track"),
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
    # Time as a person reads it ("7 years 4 months"), a formula over the exact quarters
    # beside it, which Meets Time compares.
    Column("time_in_level", "Time In Level", "formula"),
    Column("quarters_in_level", "Quarters In Level", "number", "quarters"),
    Column("time_required", "Time Required", "formula"),
    Column("quarters_required", "Quarters Required", "number", "quarters"),
    Column("meets_time", "Meets Time", "formula", "flag"),
    Column("scope_criteria", "Scope Criteria", wrap=True, optional=True),
    Column("scope_met", "Scope Met", "flag", "flag"),
    Column("endorsed", "Endorsed", "flag", "flag"),
    Column("requires_endorsement", "Endorsement Required", "flag", "flag"),
    Column("calibrated", "Calibrated", "flag", "flag"),
    Column("requires_calibration", "Calibration Required", "flag", "flag"),
    Column("shortfall_codes", "Shortfall Codes", "list", joiner=", "),
]

# The columns printed: who, their status and step, and what falls short in sentences, one
# page wide on A4 or Letter landscape at full size (the 31 columns printed as column groups
# took about 360 A4 pages for 150 people).
PRINTED = 1 + [c.key for c in COLUMNS].index("shortfalls")
SHORTFALLS_WIDTH = 48
# At 85% the printed columns (about 118 characters wide) fit Letter landscape as well as A4;
# 11 pt text prints at 9.4 pt.
PRINT_SCALE = 85

# "Meets" column -> (value column, threshold column): value >= threshold.
MEETS = {
    "meets_average": ("average", "min_average"),
    "meets_floor": ("lowest_rating", "min_each"),
    "meets_cycles": ("cycles_at_next", "cycles_required"),
    "meets_time": ("quarters_in_level", "quarters_required"),
}

# Time-in-words column -> (the quarters column it reads, its words for no time): a time in
# level is counted in whole months, so 0 is under a month; a requirement of 0 is none.
LESS_THAN_A_MONTH = "less than a month"
TIMES = {
    "time_in_level": ("quarters_in_level", LESS_THAN_A_MONTH),
    "time_required": ("quarters_required", NO_MINIMUM),
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


def time_formula(quarters_cell: str, zero: str = LESS_THAN_A_MONTH) -> str:
    """Quarters in words, as values.time_in_words says them: whole months to the nearest,
    "7 years 4 months", "9 months", "1 year", `zero` under half a month; blank for no
    number."""
    q = quarters_cell
    months = f"MAX(ROUND({q}*3,0),0)"
    years = f"INT({months}/12)"
    rest = f"MOD({months},12)"
    words = (
        f'IF({years}>0,{years}&IF({years}=1," year"," years"),"")'
        f'&IF(AND({years}>0,{rest}>0)," ","")'
        f'&IF({rest}>0,{rest}&IF({rest}=1," month"," months"),"")'
    )
    return f'=IF(ISNUMBER({q}),IF({months}=0,"{zero}",{words}),"")'


def time_value(quarters: Any, zero: str = LESS_THAN_A_MONTH) -> str:
    """What time_formula computes, for its cached value."""
    number = as_number(quarters)
    if number is None:
        return ""
    return zero if months_of(number) <= 0 else time_in_words(number)


def _time_column(quarters: str, zero: str) -> RowFormula:
    def formula(cell: str, _: str) -> str:
        return time_formula(cell, zero)

    def value(number: Any, _: Any) -> str:
        return time_value(number, zero)

    return RowFormula(quarters, quarters, formula, value)


# Statuses the criteria cells decide; the others are written as text (see live_status).
MEASURED = ("Ready", "Ready pending sign-off", "Close", "Not yet")


# The criteria cells the status reads, in the order of status_template's holes.
STATUS_CELLS = (
    *MEETS,
    "scope_criteria",
    "scope_met",
    "requires_endorsement",
    "endorsed",
    "requires_calibration",
    "calibrated",
)


@functools.lru_cache(maxsize=256)
def status_template(ratings: int) -> FormulaTemplate:
    """The status from the row's criteria cells, as analysis.readiness decides it: each "No"
    of the four Meets columns is a criterion short, so is scope criteria not recorded as met;
    none short is Ready, or Ready pending sign-off while a required endorsement or calibration
    is not recorded; one short is Close; more is Not yet. Correct a value or a threshold on
    this sheet and the status follows. With `ratings` (the count of Ratings History cells of
    every competency the step needs), a rating emptied or made text there is Insufficient
    data. Holes: the row's STATUS_CELLS, then the ratings' cells joined by commas."""

    def make(*holes: str) -> str:
        cell = dict(zip(STATUS_CELLS, holes, strict=False)).__getitem__
        short = "+".join(f'({cell(k)}="No")' for k in MEETS)
        scope = f'AND({cell("scope_criteria")}<>"",{cell("scope_met")}<>"Yes")'
        pending = (
            f'OR(AND({cell("requires_endorsement")}="Yes",{cell("endorsed")}<>"Yes"),'
            f'AND({cell("requires_calibration")}="Yes",{cell("calibrated")}<>"Yes"))'
        )
        fails = f"({short}+{scope})"
        status = (
            f'IF({fails}=0,IF({pending},"Ready pending sign-off","Ready"),'
            f'IF({fails}=1,"Close","Not yet"))'
        )
        if ratings:
            status = f'IF(COUNT({holes[-1]})<{ratings},"Insufficient data",{status})'
        return "=" + status

    return FormulaTemplate(make, len(STATUS_CELLS) + 1)


# Excel takes at most 255 arguments to a function and 8,192 characters to a formula; a step
# needing more ratings than that keeps its values as computed at the merge.
_MOST_ARGUMENTS = 255
_LONGEST_FORMULA = 8_192


# The readiness table's columns (not shown) that say where each row's ratings are.
LIVE_SOURCES = ("ratings_where", "rating_expectations", "run_before")


class LiveRatings:
    """One row's ratings as Ratings History references, for the formulas that follow them:
    `current` (the competencies the level expects: the average), `rated` (every competency
    rated: the lowest, with its name), `following` (reference, expectation at the next level:
    this cycle's part of the run). `complete` when every competency the step needs is rated
    at a cell the formulas can reference."""

    def __init__(self, values: Mapping[Any, Any]) -> None:
        places = values.get("ratings_where")
        wanted = values.get("rating_expectations")
        places = places if isinstance(places, dict) else {}
        wanted = wanted if isinstance(wanted, dict) else {}
        self.run_before = as_number(values.get("run_before"))
        refs: dict[str, str] = {}
        for name, place in places.items():
            ref = sheet_reference(place)
            if ref is not None:
                refs[name] = ref
        usable = len(refs) == len(places) and len(refs) <= _MOST_ARGUMENTS
        if not usable:
            refs = {}
        self.rated = list(refs.items())
        self.complete = bool(refs) and set(refs) == set(wanted)
        # All or nothing: a level's average over some of its ratings would be wrong.
        at_level = [n for n, (e, _) in wanted.items() if as_number(e) is not None]
        at_next = [(n, float(e)) for n, (_, e) in wanted.items() if as_number(e) is not None]
        whole = all(n in refs for n in at_level)
        self.current = [refs[n] for n in at_level] if whole else []
        whole = all(n in refs for n, _ in at_next)
        self.following = [(refs[n], e) for n, e in at_next] if whole else []

    def average(self) -> Filled | None:
        if not self.current:
            return None
        return _average(len(self.current)), (",".join(self.current),)

    def lowest(self) -> Filled | None:
        if not self.rated:
            return None
        return _lowest(), (",".join(ref for _, ref in self.rated),)

    def lowest_competency(self, lowest_cell: str) -> Filled | None:
        """The first competency (in the framework's order) rated at the lowest rating, as the
        analysis names it."""
        if not self.rated or len(self.rated) > 60:  # Excel nests IF 64 deep
            return None
        names = tuple(name for name, _ in self.rated)
        return _lowest_competency(names), (lowest_cell, *(ref for _, ref in self.rated))

    def cycles(self) -> Filled | None:
        """This cycle counts when every rating meets the next level's expectation; the run
        before it is as the merge counted it (earlier cycles are rarely corrected)."""
        earlier = self.run_before
        if not self.following or earlier is None:
            return None
        # written as LibreOffice writes a number back ("2", not "2.0"): a re-save keeps the
        # sheet's content hash
        expected = tuple(f"{e:.15g}" for _, e in self.following)
        return _cycles(expected, f"{earlier:g}"), tuple(ref for ref, _ in self.following)


# A formula to write: its template and the cells that fill it.
Filled = tuple[FormulaTemplate, tuple[str, ...]]


@functools.lru_cache(maxsize=256)
def _average(count: int) -> FormulaTemplate:
    return FormulaTemplate(lambda cells: f'=IF(COUNT({cells})={count},AVERAGE({cells}),"")', 1)


@functools.lru_cache(maxsize=1)
def _lowest() -> FormulaTemplate:
    return FormulaTemplate(lambda cells: f'=IF(COUNT({cells})>0,MIN({cells}),"")', 1)


@functools.lru_cache(maxsize=1024)
def _lowest_competency(names: tuple[str, ...]) -> FormulaTemplate:
    def make(lowest_cell: str, *refs: str) -> str:
        chain = '""'
        for name, ref in reversed(list(zip(names, refs, strict=True))):
            quoted = name.replace('"', '""')
            chain = f'IF(AND(ISNUMBER({ref}),{ref}={lowest_cell}),"{quoted}",{chain})'
        return f'=IF(ISNUMBER({lowest_cell}),{chain},"")'

    return FormulaTemplate(make, 1 + len(names))


@functools.lru_cache(maxsize=1024)
def _cycles(expected: tuple[str, ...], earlier: str) -> FormulaTemplate:
    def make(*refs: str) -> str:
        meets = ",".join(
            f"ISNUMBER({ref}),{ref}>={e}-{_SLACK}" for ref, e in zip(refs, expected, strict=True)
        )
        return f"=IF(AND({meets}),{earlier}+1,0)"

    return FormulaTemplate(make, len(expected))


def build_readiness_sheet(
    wb: xlsxwriter.Workbook,
    readiness: pd.DataFrame,
    *,
    cycle: str,
    name: str = "Promotion Readiness",
    link_ratings: bool = False,
) -> None:
    """Add the Promotion Readiness worksheet for `cycle` to `wb`, rows in the given order.

    `readiness` has the columns of `analysis.readiness.readiness_table`; shortfalls may be
    lists (joined with "; ") or text. With `link_ratings` (the workbook holds the Ratings
    History cells the table's ratings_where names, as merge writes it), the values that come
    from ratings are formulas over those cells, so a corrected rating flows into the status.
    """
    check_columns(readiness, COLUMNS, "readiness")
    styles = st.Styles.of(wb)
    ws = wb.add_worksheet(name, worksheet_class=FormulaSheet)
    where = letters(COLUMNS)

    ws.write_string(
        TITLE_ROW,
        0,
        f"Promotion Readiness, cycle {cycle}: each criterion against the step's threshold; "
        "ratings corrected in Ratings History flow into the criteria and the status. "
        "What Falls Short is as of the merge. Ready and Close first.",
        styles["title"],
    )
    # Widths and the header's height before any row: in constant_memory mode a row written is
    # flushed, and a height set afterwards is lost (the header showed one line of two).
    extra: dict[str, list[str]] = {key: ["Yes"] for key in MEETS}
    for key, (quarters, zero) in TIMES.items():
        column = readiness[quarters] if quarters in readiness.columns else pd.Series([])
        extra[key] = [time_value(q, zero) for q in column.head(WIDTH_SAMPLE).tolist()]
    set_widths(ws, COLUMNS, readiness, styles, extra, header_row=HEADER_ROW)
    # What Falls Short narrower than other wrapped text, so the printed columns fit a page.
    shortfalls = [c.key for c in COLUMNS].index("shortfalls")
    ws.set_column(shortfalls, shortfalls, SHORTFALLS_WIDTH, styles["wrap"])
    write_header(ws, HEADER_ROW, COLUMNS, styles)

    formulas = {
        key: RowFormula(value, threshold, meets_formula, meets_value)
        for key, (value, threshold) in MEETS.items()
    }
    for key, (quarters, zero) in TIMES.items():
        formulas[key] = _time_column(quarters, zero)
    status_format = styles["status"]
    by_key = {c.key: c for c in COLUMNS}
    # Where each row's ratings are (not columns of the sheet), by row.
    sources = readiness.reindex(columns=list(LIVE_SOURCES)).to_dict("records")
    live: dict[int, LiveRatings] = {}  # the row being written's (one row at a time)

    def ratings(row: int, values: dict[str, Any]) -> LiveRatings:
        if row not in live:
            live.clear()
            live[row] = LiveRatings(sources[row - FIRST_DATA_ROW] if link_ratings else {})
        return live[row]

    run: list[Any] = []  # (the first row's number, the run's LiveRatings), the run written's

    def ratings_of(numbers: list[str]) -> list[LiveRatings]:
        """The LiveRatings of a run of rows (by their numbers as written), made once for the
        run's columns."""
        if not run or run[0] != numbers[0]:
            first = int(numbers[0]) - 1 - FIRST_DATA_ROW if numbers else 0
            run[:] = [
                numbers[0] if numbers else None,
                [
                    LiveRatings(sources[i] if link_ratings else {})
                    for i in range(first, first + len(numbers))
                ],
            ]
        return run[1]  # type: ignore[no-any-return]

    def status_of(
        mine: LiveRatings, number: str, status: Any, codes: Any
    ) -> tuple[FormulaTemplate, tuple[str, ...], bool] | None:
        """The status formula of a row (template, cells, whether it must fit Excel's longest),
        then the formula without the ratings to write if it does not fit; None: the status as
        recorded (Insufficient data, Top of track, the committee's word)."""
        committee = isinstance(codes, list | tuple) and "committee-not-yet" in codes
        if status not in MEASURED or committee:
            return None
        criteria = tuple(f"{where[key]}{number}" for key in STATUS_CELLS)
        if mine.complete:
            refs = ",".join(ref for _, ref in mine.rated)
            return status_template(len(mine.rated)), (*criteria, refs), True
        return status_template(0), (*criteria, ""), False

    def live_status(sheet: Any, row: int, col: int, values: dict[str, Any]) -> bool:
        status = values["status"]
        made = status_of(ratings(row, values), str(row + 1), status, values["shortfall_codes"])
        if made is None:
            return False
        template, cells, capped = made
        longest = _LONGEST_FORMULA if capped else None
        if write_template(sheet, row, col, template, cells, status_format, status, longest):
            return True
        criteria = cells[:-1]
        write_template(sheet, row, col, status_template(0), (*criteria, ""), status_format, status)
        return True

    def live_statuses(sheet: Any, numbers: list[str], values: Mapping[str, list[Any]]) -> list[Any]:
        tails = value_tails(sheet, values["status"], by_key["status"], status_format)
        for i, (mine, number, status, codes) in enumerate(
            zip(
                ratings_of(numbers),
                numbers,
                values["status"],
                values["shortfall_codes"],
                strict=True,
            )
        ):
            made = status_of(mine, number, status, codes)
            if made is None:
                continue
            template, cells, capped = made
            longest = _LONGEST_FORMULA if capped else None
            tail = template_tail(sheet, template, cells, status_format, status, longest)
            if tail is False:
                cells = (*cells[:-1], "")
                tail = template_tail(sheet, status_template(0), cells, status_format, status)
            tails[i] = tail or SLOW
        return tails

    def cached_of(key: str, value: Any) -> Any:
        cached = as_number(value) if by_key[key].kind == "number" else as_text(value)
        return "" if cached is None else cached

    def formula_cell(key: str, make: Any) -> Any:
        fmt = styles["wrap" if by_key[key].wrap else by_key[key].style]

        def write(sheet: Any, row: int, col: int, values: dict[str, Any]) -> bool:
            filled = make(ratings(row, values), str(row + 1))
            if filled is None:
                return False  # not from ratings the sheet can reference: the value as computed
            template, cells = filled
            # too long for Excel: the value as computed
            return write_template(
                sheet,
                row,
                col,
                template,
                cells,
                fmt,
                cached_of(key, values[key]),
                longest=_LONGEST_FORMULA,
            )

        def tails_of(sheet: Any, numbers: list[str], values: Mapping[str, list[Any]]) -> list[Any]:
            tails = value_tails(sheet, values[key], by_key[key], fmt)
            for i, (mine, number, value) in enumerate(
                zip(ratings_of(numbers), numbers, values[key], strict=True)
            ):
                filled = make(mine, number)
                if filled is None:
                    continue
                template, cells = filled
                tail = template_tail(
                    sheet, template, cells, fmt, cached_of(key, value), _LONGEST_FORMULA
                )
                if tail is not False:  # (too long for Excel: the value as computed)
                    tails[i] = tail or SLOW
            return tails

        return write, tails_of

    lowest_cell = where["lowest_rating"]
    makes = {
        "average": lambda r, n: r.average(),
        "lowest_rating": lambda r, n: r.lowest(),
        "lowest_competency": lambda r, n: r.lowest_competency(f"{lowest_cell}{n}"),
        "cycles_at_next": lambda r, n: r.cycles(),
    }
    custom: dict[str, Any] = {"status": live_status}
    columnar: dict[str, Any] = {"status": live_statuses}
    for key, make in makes.items():
        custom[key], columnar[key] = formula_cell(key, make)

    def heights(values: Mapping[str, list[Any]]) -> list[float | None]:
        # Wrapped text gets the rows it needs: LibreOffice does not grow rows by itself, and
        # the sentences would run over the rows below.
        return [
            st.LINE_HEIGHT * lines if lines > 1 else None
            for lines in map(
                max,
                wrapped_column(values["shortfalls"], SHORTFALLS_WIDTH, "; "),
                wrapped_column(values["scope_criteria"], st.WRAP_WIDTH),
            )
        ]

    write_rows(
        ws,
        readiness,
        COLUMNS,
        styles,
        FIRST_DATA_ROW,
        formulas,
        custom=custom,
        columnar=columnar,
        heights=heights,
    )

    count = len(readiness)
    finish_table(ws, HEADER_ROW, count, len(COLUMNS), FROZEN_COLUMNS, printed=PRINTED)
    ws.set_print_scale(PRINT_SCALE)
    if count:
        _conditional_formats(ws, styles, where, count)


def wrapped_column(values: list[Any], width: int, joiner: str = "; ") -> list[int]:
    """The lines each value (text, or a list joined with `joiner`) takes wrapped in a column
    `width` characters wide (1 for a blank): _lines of each, each distinct text counted once."""
    counted: dict[str, int] = {}
    lines: list[int] = []
    for value in values:
        text = value if value.__class__ is str else as_text(value, joiner)
        count = counted.get(text)
        if count is None:
            count = counted[text] = _lines(text, width)
        lines.append(count)
    return lines


@functools.lru_cache(maxsize=4096)
def _lines(text: str, width: int) -> int:
    # the lines of the column's word wrap (a character of the width is the cell's padding)
    if len(text) <= width - 2 and "\t" not in text:
        return 1  # (textwrap makes other whitespace a space, a tab up to eight: one line, or none)
    if is_plain(text):
        return max(wrapped_lines(text, width - 2), 1)
    return max(len(textwrap.wrap(text, width - 2)), 1)


# Whitespace other than the space (textwrap turns it into spaces, and str.strip drops it), and
# the em-dash "--" (textwrap's own rules for it).
_OTHER_SPACE = re.compile(r"[^\S ]")
# Where textwrap cuts text into chunks, with no whitespace but spaces and no "--": a run of
# spaces, and after a hyphen between letters (its wordsep_re's "hyphenated word": two letters
# or letter, hyphen, letter before it; letter, maybe a hyphen, letter after it).
_SPACES = re.compile("( +)")
_LETTER = r"[^\d\W]"
_HYPHENS = re.compile(f"(?:(?<={_LETTER}{{2}}-)|(?<={_LETTER}-{_LETTER}-))(?={_LETTER}-?{_LETTER})")


def is_plain(text: str) -> bool:
    """Whether wrapped_lines counts the text's lines: no whitespace but spaces, no "--"."""
    return "--" not in text and _OTHER_SPACE.search(text) is None


def wrapped_lines(text: str, width: int) -> int:
    """len(textwrap.wrap(text, width)) for text is_plain accepts (width >= 1), without
    building the lines: textwrap's chunks (words cut after their hyphens, runs of spaces)
    filled greedily by their lengths, a chunk longer than a line cut (after its last hyphen
    that fits, when something other than hyphens precedes it), spaces dropped where a line
    (not the first) begins and, as textwrap does, the last chunk of a line dropped where it is
    spaces or empty."""
    chunks = [chunk for chunk in _SPACES.split(text) if chunk]
    if "-" in text:  # (a word's lookbehind never reaches past the spaces before it)
        chunks = [part for chunk in chunks for part in _HYPHENS.split(chunk) if part]
    count = len(chunks)
    lines = i = 0
    sizes = list(map(len, chunks))
    if count and max(sizes) <= width:
        ends = list(itertools.accumulate(sizes, initial=0))
        # no chunk to cut: each line takes the chunks that fit, found by their ends
        while i < count:
            if lines and chunks[i][0] == " ":
                i += 1
                continue
            j = bisect.bisect_right(ends, ends[i] + width, i + 1) - 1
            if j - i > 1 or chunks[i][0] != " ":  # not the first line's spaces alone
                lines += 1
            i = j
        return lines
    while i < count:
        if lines and chunks[i][0] == " ":
            i += 1
            continue
        length = taken = 0
        last = ""
        while i < count and length + len(chunks[i]) <= width:
            last = chunks[i]
            length += len(last)
            taken += 1
            i += 1
        if i < count and len(chunks[i]) > width:
            chunk = chunks[i]
            end = width - length  # 0 on a full line: "" is added, and dropped as whitespace
            hyphen = chunk.rfind("-", 0, end)
            if hyphen > 0 and chunk[:hyphen].strip("-"):
                end = hyphen + 1
            last = chunk[:end]
            chunks[i] = chunk[end:]
            taken += 1
        if taken and not last.strip():
            taken -= 1
        if taken:
            lines += 1
    return lines


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
