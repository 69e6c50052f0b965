"""The calibration prep pack: a new workbook for the calibration committee, and the decisions
the committee entered in it, read back.

Every table is computed by `analysis.calibration*`; this module only lays them out. Text from
the data is written as strings (never formulas); charts reference only ranges of the pack; the
creation date is the cycle's last day, so the same input gives the same file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxFileError
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

from ladder_sheets.analysis.calibration import context as ctx
from ladder_sheets.analysis.calibration import distributions as cal
from ladder_sheets.analysis.calibration import steps
from ladder_sheets.analysis.calibration.consistency import MANAGER_FLAG_RULE, manager_consistency
from ladder_sheets.analysis.calibration.summary import what_to_look_at_first
from ladder_sheets.errors import DataError, WriteRefused
from ladder_sheets.model import SCALE_POINTS, Framework, sheet_ref
from ladder_sheets.sheets import styles as st
from ladder_sheets.sheets.table import as_number
from ladder_sheets.values import (
    NO_MINIMUM,
    clean_text,
    cycle_end,
    did_you_mean,
    is_blank,
    time_in_words,
)
from ladder_sheets.workbook.decisions import (
    CANDIDATES_SHEET,
    DECISION_HEADER,
    DECISIONS,
    NOTES_HEADER,
)
from ladder_sheets.xlsx.safe_write import atomic_write, refuse_if_open

HEADER_ROW = 3  # title, rule, blank line, then the header


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = "text"  # text | count | average | gap | share | yesno | input


def _cols(*specs: tuple[str, str] | tuple[str, str, str]) -> list[Col]:
    return [Col(*s) for s in specs]


def write_calibration_pack(
    path: str | Path,
    *,
    framework: Framework,
    ratings: pd.DataFrame,
    readiness: pd.DataFrame,
    cycle: str,
    family: str | None = None,
    framework_version: str = "",
) -> Path:
    """Writes the pack to `path` (atomically: a temporary file beside it, then a rename)."""
    with cal.reused():  # the cycle's ratings are read by every part of the pack
        return _write_pack(path, framework, ratings, readiness, cycle, family, framework_version)


def _write_pack(
    path: str | Path,
    framework: Framework,
    ratings: pd.DataFrame,
    readiness: pd.DataFrame,
    cycle: str,
    family: str | None,
    framework_version: str,
) -> Path:
    path = Path(path)
    _check_target(path, framework)
    employees = framework.employees.data
    ratings = cal.cycles_of_interest(ratings, cycle)
    if family is not None:
        employees, ratings, readiness = _only_family(
            family, employees, ratings, readiness, framework.sheet("employees")
        )
    consistency = manager_consistency(ratings, employees, cycle)
    drift = cal.drift(ratings, employees, cycle)
    selfgap = cal.self_vs_manager(ratings, employees, cycle)
    candidates = steps.promotion_candidates(readiness)
    reach = steps.attainability(framework, ratings, employees, cycle)
    fit = steps.level_fit(framework, ratings, employees, cycle)
    context = ctx.context_360(ratings, employees, cycle)
    if family is not None:
        reach = reach.loc[reach["family"].map(_key) == _key(family)]
    facts: dict[str, str | int] = {
        "Cycle": cycle,
        "Previous cycle": cal.previous_cycle(ratings, cycle) or "none",
        "Job family": family or "all",
        "Headcount": len(cal.people(employees)),
        "Manager ratings this cycle": len(cal.rated(ratings, employees, cycle)),
        "Framework file": framework.path.name,
        "Framework version": framework_version or "not given",
    }

    def write(out: BinaryIO) -> None:
        wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
        try:
            created = dt.datetime.combine(cycle_end(cycle), dt.time())
            wb.set_properties({"title": f"Calibration pack {cycle}", "created": created})
            sheets = _Pack(wb, cycle)
            firsts = what_to_look_at_first(consistency, drift, reach, fit, candidates)
            sheets.summary(facts, firsts)
            sheets.distributions(cal.distributions(ratings, employees, cycle, by=("family",)))
            sheets.table(
                "Distribution Detail", DETAIL, cal.distributions(ratings, employees, cycle)
            )
            sheets.table("Drift", DRIFT, drift, cal.DRIFT_RULE, {"flag": ("up", "down")})
            flags = {"flag": ("lenient", "severe")}
            sheets.table("Manager Consistency", CONSISTENCY, consistency, MANAGER_FLAG_RULE, flags)
            notes = {"note": ("rates self higher", "rates self lower")}
            sheets.table(
                "Self vs Manager", SELF_PEOPLE, selfgap.by_employee, cal.SELF_GAP_RULE, notes
            )
            sheets.table(
                "Self Gap by Manager", SELF_MANAGERS, selfgap.by_manager, cal.SELF_GAP_RULE
            )
            sheets.candidates(candidates)
            reach_flags = {"flag": ("aspirational", "already met by most")}
            sheets.table("Attainability", ATTAIN, reach, steps.ATTAINABILITY_RULE, reach_flags)
            fits = {"fit": ("below current level", "above next level")}
            sheets.table("Level Fit", FIT, fit, steps.LEVEL_FIT_RULE, fits)
            if len(context):  # a cycle without 360 ratings gets no empty sheet
                sheets.table("360 Context", CONTEXT, context, ctx.CONTEXT_RULE)
            wb.close()
        except BaseException:
            if not wb.fileclosed:
                with contextlib.suppress(Exception):
                    wb.close()  # else its destructor would write to the handle later
            raise

    try:
        atomic_write(path, write)
    except (OSError, XlsxFileError) as exc:
        raise WriteRefused(
            f"the pack could not be written ({exc})",
            file=str(path),
            hint="check the folder is writable and has free space",
        ) from None
    return path


def _key(value: Any) -> str:
    return (clean_text(value) or "").casefold()


def _check_target(path: Path, framework: Framework) -> None:
    if path.suffix.lower() != ".xlsx":
        raise WriteRefused(
            "the calibration pack must be an .xlsx file",
            file=str(path),
            hint="give the output a name ending in .xlsx",
        )
    if not path.parent.is_dir():
        raise WriteRefused("the folder does not exist", file=str(path), hint="create it first")
    if path.resolve() == Path(framework.path).resolve():
        raise WriteRefused(
            "the pack would overwrite the framework workbook",
            file=str(path),
            hint="write the pack to a new file",
        )
    refuse_if_open(path)


def _only_family(
    family: str,
    employees: pd.DataFrame,
    ratings: pd.DataFrame,
    readiness: pd.DataFrame,
    employees_sheet: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    mine = employees["family"].map(_key) == _key(family)
    if not mine.any():
        known = sorted({str(f) for f in employees["family"].dropna()})
        raise DataError(
            f"nobody in the {employees_sheet} sheet is in job family '{family}'",
            sheet=employees_sheet,
            hint="use one of: " + ", ".join(known) + "." + did_you_mean(family, known),
        )
    staff = employees.loc[mine]
    ids = set(cal.ids(staff["employee_id"]).dropna())
    ratings = ratings.loc[cal.ids(ratings["employee_id"]).isin(ids)]
    readiness = readiness.loc[readiness["family"].map(_key) == _key(family)]
    return staff, ratings, readiness


def _counts(prefix: str, label: str) -> list[Col]:
    return [Col(f"{prefix}rating_{p}", f"{label}{p}", "count") for p in SCALE_POINTS]


def _block(prefix: str, label: str) -> list[Col]:
    return [
        *_counts(prefix, label),
        Col(f"{prefix}n", f"{label}Ratings".strip(), "count"),
        Col(f"{prefix}mean", f"{label}Mean".strip(), "average"),
        Col(f"{prefix}std", f"{label}Std Dev".strip(), "average"),
    ]


FAMILY_DIST = [Col("family", "Job Family"), *_block("", ""), *_block("prev_", "Prev ")]
FAMILY_DIST.append(Col("mean_change", "Mean Change", "gap"))
DETAIL = [Col("family", "Job Family"), Col("level", "Level"), Col("competency", "Competency")]
DETAIL += FAMILY_DIST[1:]
DRIFT = _cols(
    ("scope", "Scope"),
    ("key", "Key"),
    ("label", "Name"),
    ("prev_n", "Prev Ratings", "count"),
    ("prev_mean", "Prev Mean", "average"),
    ("n", "Ratings", "count"),
    ("mean", "Mean", "average"),
    ("change", "Change", "gap"),
    ("flag", "Flag"),
)
CONSISTENCY = _cols(
    ("manager_id", "Manager ID"),
    ("manager", "Manager"),
    ("families", "Job Families"),
    ("ratings", "Ratings", "count"),
    ("compared", "Compared", "count"),
    ("people", "People", "count"),
    ("mean", "Mean", "average"),
    ("peer_mean", "Peer Mean", "average"),
    ("peer_ratings", "Peer Ratings", "count"),
    ("peer_managers", "Peer Managers", "count"),
    ("difference", "Difference", "gap"),
    ("se", "Std Error", "average"),
    ("z", "Score", "gap"),
    ("flag", "Flag"),
    ("note", "Note"),
)
PERSON = _cols(("employee_id", "Employee ID"), ("name", "Name"), ("manager_id", "Manager ID"))
PERSON += _cols(("family", "Job Family"), ("level", "Level"))
SELF_PEOPLE = PERSON + _cols(
    ("pairs", "Competencies", "count"),
    ("self_mean", "Self Mean", "average"),
    ("manager_mean", "Manager Mean", "average"),
    ("gap", "Gap", "gap"),
    ("note", "Note"),
)
SELF_MANAGERS = _cols(
    ("manager_id", "Manager ID"),
    ("manager", "Manager"),
    ("people", "People", "count"),
    ("pairs", "Competencies", "count"),
    ("self_mean", "Self Mean", "average"),
    ("manager_mean", "Manager Mean", "average"),
    ("gap", "Gap", "gap"),
)
CONTEXT = PERSON + _cols(
    ("competency", "Competency"),
    ("manager_rating", "Manager Rating", "average"),
    ("self_rating", "Self Rating", "average"),
    ("peer_mean", "Peer Mean", "average"),
    ("peer_n", "Peers", "count"),
    ("upward_mean", "Upward Mean", "average"),
    ("upward_n", "Upward Raters", "count"),
    ("other_manager_mean", "Other Managers Mean", "average"),
    ("other_manager_n", "Other Managers", "count"),
)
CANDIDATES = PERSON + _cols(
    ("next_level", "Next Level"),
    ("cycle", "Cycle"),
    ("status", "Status"),
    ("average", "Average", "average"),
    ("min_average", "Min Average", "average"),
    ("average_met", "Average Met", "yesno"),
    ("lowest_rating", "Lowest Rating", "average"),
    ("lowest_competency", "Lowest Competency"),
    ("min_each", "Min Each", "average"),
    ("min_each_met", "Min Each Met", "yesno"),
    ("cycles_at_next", "Cycles At Next Level", "count"),
    ("cycles_required", "Cycles Required", "count"),
    ("cycles_met", "Cycles Met", "yesno"),
    # in words ("7 years 4 months"); Time Met compares the exact quarters
    ("time_in_level", "Time In Level"),
    ("time_required", "Time Required"),
    ("time_met", "Time Met", "yesno"),
    ("scope_met", "Scope Met", "yesno"),
    ("endorsed", "Endorsed", "yesno"),
    ("calibrated", "Calibrated", "yesno"),
    ("shortfalls", "Falls Short On"),
    ("decision", DECISION_HEADER, "input"),
    ("notes", NOTES_HEADER, "input"),
)
ATTAIN = _cols(
    ("family", "Job Family"),
    ("from_level", "From Level"),
    ("to_level", "To Level"),
    ("min_average", "Min Average", "average"),
    ("min_each", "Min Each", "average"),
    ("people", "People At Level", "count"),
    ("rated", "Rated", "count"),
    ("meeting_average", "Meeting Min Average", "count"),
    ("meeting_min_each", "Meeting Min Each", "count"),
    ("meeting_both", "Meeting Both", "count"),
    ("share", "Share Meeting Both", "share"),
    ("operating_at_next", "Operating At Next Level", "count"),
    ("flag", "Flag"),
)
FIT = PERSON + _cols(
    ("next_level", "Next Level"),
    ("competencies", "Competencies", "count"),
    ("average", "Average", "average"),
    ("gap_current", "Gap To Current", "gap"),
    ("gap_next", "Gap To Next", "gap"),
    ("fit", "Second Look"),
)

_EXTRA_FORMATS: dict[str, dict[str, Any]] = {
    "share": {"valign": "top", "num_format": "0%"},
    "input": {"valign": "top", "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"},
    "flag_first": {"bold": True, "font_color": st.RED_TEXT, "bg_color": st.RED_FILL},
    "flag_second": {"bold": True, "font_color": st.BLUE_TEXT, "bg_color": st.BLUE_FILL},
    "link": {"font_color": st.BLUE_TEXT, "underline": 1, "valign": "top"},
    "fact": {"valign": "top", "align": "left"},
    # Differences and scores: sign and two decimals (General would show "+0.3" for 1/3).
    "signed": {"valign": "top", "num_format": "+0.00;-0.00;0.00"},
}
_KIND_STYLE = {
    "count": "count",
    "average": "average",
    "gap": "signed",
    "yesno": "flag",
    "text": "text",
}


def _time(quarters: Any, required: bool) -> str:
    if required and as_number(quarters) == 0:
        return NO_MINIMUM
    return time_in_words(quarters)


class _Pack:
    def __init__(self, wb: xlsxwriter.Workbook, cycle: str) -> None:
        self.wb, self.cycle = wb, cycle
        self.styles = st.Styles.of(wb)
        self.extra = {k: wb.add_format(v) for k, v in _EXTRA_FORMATS.items()}

    def fmt(self, name: str) -> Any:
        return self.extra[name] if name in self.extra else self.styles[name]

    def summary(self, facts: dict[str, str | int], firsts: list[tuple[str, str]]) -> None:
        ws = self.wb.add_worksheet("Summary", worksheet_class=_TableSheet)
        ws.write_string(0, 0, f"Calibration prep pack, {self.cycle}", self.fmt("title"))
        for i, (label, value) in enumerate(facts.items(), start=2):
            ws.write_string(i, 0, label, self.fmt("status"))
            self._fact(ws, i, value)
        row = len(facts) + 3
        ws.write_string(row, 0, "What to look at first", self.fmt("title"))
        for i, (sheet, text) in enumerate(firsts, start=row + 1):
            ws.write_url(i, 0, "internal:" + sheet_ref(sheet, "A1"), self.fmt("link"), sheet)
            ws.write_string(i, 1, text, self.fmt("text"))
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 100)
        _printable(ws)

    def distributions(self, per_family: pd.DataFrame) -> None:
        name = "Distributions"
        ws, last = self.table(
            name,
            FAMILY_DIST,
            per_family,
            "Manager ratings per job family, "
            "this cycle and the previous one; a chart per family below.",
        )
        prev = "prev_rating_1"
        first_prev = next(i for i, c in enumerate(FAMILY_DIST) if c.key == prev)
        for i in range(len(per_family)):
            row = HEADER_ROW + 1 + i
            chart = self.wb.add_chart({"type": "column"})
            title = str(per_family["family"].iloc[i])
            # A chart title starting with "=" would be read as a cell reference.
            chart.set_title({"name": " " + title if title.startswith("=") else title})
            cats = [name, HEADER_ROW, 1, HEADER_ROW, 5]
            chart.add_series(
                {"name": self.cycle, "categories": cats, "values": [name, row, 1, row, 5]}
            )
            chart.add_series(
                {
                    "name": "previous cycle",
                    "categories": cats,
                    "values": [name, row, first_prev, row, first_prev + 4],
                }
            )
            chart.show_hidden_data()  # filtering the table must not empty the charts
            chart.set_x_axis({"name": "Rating"})
            chart.set_y_axis({"name": "Ratings", "major_gridlines": {"visible": True}})
            ws.insert_chart(last + 2 + (i // 2) * 16, (i % 2) * 8, chart, {"object_position": 3})

    def candidates(self, frame: pd.DataFrame) -> None:
        frame = frame.copy()
        if "cycle" not in frame:
            frame["cycle"] = self.cycle
        frame["cycle"] = frame["cycle"].where(frame["cycle"].notna(), self.cycle)
        for words, quarters in (
            ("time_in_level", "quarters_in_level"),
            ("time_required", "quarters_required"),
        ):
            numbers = frame[quarters] if quarters in frame else pd.Series(index=frame.index)
            frame[words] = [_time(q, quarters == "quarters_required") for q in numbers]
        ws, last = self.table(
            CANDIDATES_SHEET,
            CANDIDATES,
            frame,
            "Pick the committee's decision in the yellow column; "
            "`calibrate --apply` reads it back. "
            "Decisions: " + ", ".join(DECISIONS) + ".",
        )
        col = next(i for i, c in enumerate(CANDIDATES) if c.key == "decision")
        status = next(i for i, c in enumerate(CANDIDATES) if c.key == "status")
        for rule in st.status_rules(self.styles):
            ws.conditional_format(HEADER_ROW + 1, status, max(last, HEADER_ROW + 1), status, rule)
        ws.data_validation(
            HEADER_ROW + 1,
            col,
            max(last, HEADER_ROW + 1),
            col,
            {
                "validate": "list",
                "source": list(DECISIONS),
                "input_title": "Committee decision",
                "input_message": "Pick one from the list",
                "error_title": "Not a decision",
                "error_message": "Use: " + ", ".join(DECISIONS),
            },
        )

    def table(
        self,
        name: str,
        cols: list[Col],
        frame: pd.DataFrame,
        rule: str = "",
        flags: Mapping[str, tuple[str, ...]] | None = None,
    ) -> tuple[Any, int]:
        """A titled, filtered table with a frozen header; returns (sheet, last data row)."""
        ws = self.wb.add_worksheet(name, worksheet_class=_TableSheet)
        ws.write_string(0, 0, f"{name}, {self.cycle}", self.fmt("title"))
        if rule:
            ws.merge_range(1, 0, 1, max(len(cols) - 1, 8), "", self.fmt("wrap"))
            ws.write_string(1, 0, rule, self.fmt("wrap"))
            ws.set_row(1, 15 * max(1, math.ceil(len(rule) / 140)))
        for j, col in enumerate(cols):
            ws.write_string(HEADER_ROW, j, col.header, self.fmt("header"))
        for j, col in enumerate(cols):
            values = _prepared(frame.get(col.key), col.kind, len(frame))
            style = self.fmt(_KIND_STYLE.get(col.kind, col.kind))
            width = max(len(col.header) + 2, st.MIN_WIDTH)
            for value in values:
                if isinstance(value, float):
                    width = max(width, 8)
                elif value:
                    width = max(width, min(len(value) + 2, st.MAX_WIDTH))
            if col.kind == "input" or not ws.put_column(j, HEADER_ROW + 1, values, style):
                for i, value in enumerate(values, start=HEADER_ROW + 1):
                    if isinstance(value, float):
                        ws.write_number(i, j, value, style)
                    elif value:
                        ws.write_string(i, j, value, style)
                    elif col.kind == "input":
                        ws.write_blank(i, j, None, style)  # keeps the input colour
            ws.set_column(j, j, width)
        last = HEADER_ROW + len(frame)
        ws.autofilter(HEADER_ROW, 0, max(last, HEADER_ROW), len(cols) - 1)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        _printable(ws, HEADER_ROW)
        for key, flagged in (flags or {}).items():
            j = next(i for i, c in enumerate(cols) if c.key == key)
            for word, look in zip(flagged, ("flag_first", "flag_second"), strict=False):
                cf = {"type": "cell", "criteria": "equal to", "value": f'"{word}"'}
                cf["format"] = self.fmt(look)
                ws.conditional_format(HEADER_ROW + 1, j, max(last, HEADER_ROW + 1), j, cf)
        return ws, last

    def _fact(self, ws: Any, row: int, value: str | int) -> None:
        if isinstance(value, int):
            ws.write_number(row, 1, value, self.fmt("fact"))
        else:
            ws.write_string(row, 1, clean_text(value) or "", self.fmt("fact"))


class _TableSheet(Worksheet):
    """A pack sheet whose table columns are put a column at a time: each cell is the one
    write_number or write_string stores (the texts shared in the same order), without the
    per-cell argument checks, and is rendered without an attribute list per cell. The same
    bytes; the pack holds some 150,000 cells at 10,000 people."""

    def put_column(
        self, col: int, first_row: int, values: list[float | str | None], cell_format: Any
    ) -> bool:
        """Finite floats and non-empty texts from `first_row` down (None: no cell); False, with
        nothing written, where write_number and write_string must write them one by one."""
        written = [i for i, v in enumerate(values) if v is not None and v != ""]
        if not written or self.constant_memory or cell_format is None:
            return not written
        rows = (first_row + written[0], first_row + written[-1])
        if any(self._check_dimensions(row, col, True, True) for row in rows):
            return False  # out of the sheet: write_* says so, cell by cell
        for row in rows:
            self._check_dimensions(row, col)
        table, shared, half = self.table, self.str_table, self.xls_strmax // 2
        for i in written:
            value, row = values[i], first_row + i
            if isinstance(value, float):
                table[row][col] = CellNumberTuple(value, cell_format)
            elif len(value) <= half:  # type: ignore[arg-type]
                index = shared._get_shared_string_index(value)
                table[row][col] = CellStringTuple(index, cell_format)
            else:  # may pass Excel's limit: write_string measures and cuts it
                self._write_string(row, col, value, cell_format)  # type: ignore[arg-type]
        return True

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = cell.__class__
        if (kind is CellNumberTuple or kind is CellStringTuple) and cell.format is not None:
            # what xlsxwriter writes for a formatted number or shared text
            at, xf = xl_rowcol_to_cell_fast(row, col), cell.format._get_xf_index()
            if kind is CellNumberTuple:
                self.fh.write(f'<c r="{at}" s="{xf}"><v>{cell.number:.16G}</v></c>')
            else:
                self.fh.write(f'<c r="{at}" s="{xf}" t="s"><v>{cell.string}</v></c>')
            return
        super()._write_cell(row, col, cell)


def _printable(ws: Any, header_row: int | None = None) -> None:
    """A committee prints these: landscape at full size, the header row on every page, marked
    confidential, numbered (see sheets.table.print_legibly)."""
    from ladder_sheets.sheets.table import print_legibly

    print_legibly(ws, header_row, 0, "Confidential: calibration committee only")


def _prepared(series: pd.Series | None, kind: str, length: int) -> list[float | str | None]:
    """A column as it is written: finite numbers as floats (for number kinds), text cleaned
    (never a formula: it is written with write_string), None for blank."""
    if series is None:
        return [None] * length
    if kind == "yesno":
        return [v if isinstance(v, str) else None for v in series.map(_yes_no)]
    if kind in ("count", "average", "gap", "share") and _plain_numbers(series):
        # a numeric column (most of a pack's cells): text only where a value is not finite
        plain = series.to_numpy(dtype=float)
        return [
            float(n) if ok else clean_text(v)
            for n, ok, v in zip(
                plain.tolist(), np.isfinite(plain).tolist(), series.tolist(), strict=True
            )
        ]
    text = cal.texts(series)
    if kind not in ("count", "average", "gap", "share"):
        return [v if isinstance(v, str) else None for v in text]
    numbers = pd.to_numeric(series.where(~series.map(_is_bool)), errors="coerce").astype(float)
    finite = np.isfinite(numbers.to_numpy())
    return [
        float(n) if ok else (t if isinstance(t, str) else None)
        for n, ok, t in zip(numbers, finite, text, strict=True)
    ]


def _plain_numbers(series: pd.Series) -> bool:
    """Integers or floats in a numpy dtype: no text, no yes/no among them."""
    return series.dtype.kind in "iuf" and isinstance(series.dtype, np.dtype)


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _yes_no(value: Any) -> str | None:
    if _is_bool(value):
        return "Yes" if value else "No"
    return None if is_blank(value) else clean_text(value)
