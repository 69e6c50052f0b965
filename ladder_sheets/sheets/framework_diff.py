"""The diff of two frameworks as a new workbook: every change on its own highlighted row, the
reworded words marked inside the cell, and the people affected.

Sheets: Summary (what changed, counted; who is affected per family and manager), Changes (one
row per change: kind, where in the old and the new workbook, old and new value, the word-level
difference), Impact (one row per person whose readiness or gaps change). Added rows are green,
removed red, changed amber; in the Difference column removed words are red and struck
through, added words green and underlined, so colour is never the only cue.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from ladder_sheets.analysis.framework_diff import Change, FrameworkDiff, words_text
from ladder_sheets.analysis.gaps import shown
from ladder_sheets.errors import WriteRefused
from ladder_sheets.sheets.styles import (
    AMBER_FILL,
    GREEN_FILL,
    GREEN_TEXT,
    RED_FILL,
    RED_TEXT,
    Styles,
)
from ladder_sheets.xlsx.safe_write import atomic_write

CHANGE_HEADERS = [
    "Kind",
    "Change",
    "Job Family",
    "Level",
    "Competency",
    "Field",
    "Old",
    "New",
    "Difference",
    "Old Place",
    "New Place",
]
CHANGE_WIDTHS = [20, 60, 14, 8, 20, 18, 30, 30, 60, 18, 18]

IMPACT_HEADERS = [
    "Job Family",
    "Manager",
    "Manager ID",
    "Employee ID",
    "Name",
    "Level",
    "Cycle",
    "Status Before",
    "Status After",
    "What Changes",
]
IMPACT_WIDTHS = [14, 22, 12, 12, 22, 8, 9, 20, 20, 80]


def write_diff_workbook(
    path: Path,
    diff: FrameworkDiff,
    impact: pd.DataFrame | None,
    old_label: str,
    new_label: str,
) -> Path:
    """Write the diff workbook to `path` atomically (a temporary file, then a rename)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"title": f"Framework changes: {old_label} -> {new_label}"})
    fmt = _Formats(wb)
    _summary(wb, fmt, diff, impact, old_label, new_label)
    _changes(wb, fmt, diff, old_label, new_label)
    if impact is not None:
        _impact(wb, fmt, impact)
    wb.close()
    data = buffer.getvalue()
    try:
        atomic_write(path, lambda out: _write(out, data))
    except OSError as exc:
        raise WriteRefused(
            f"the diff workbook could not be written ({exc})",
            file=str(path),
            hint="check the folder exists and is writable",
        ) from None
    return path


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        styles = Styles.of(wb)
        self.title = styles["title"]
        self.note = styles["note"]
        self.header = styles["header"]
        self.text = styles["wrap"]
        base = {"valign": "top", "text_wrap": True, "border": 1, "border_color": "#D9D9D9"}
        self.row = {
            "added": wb.add_format({**base, "bg_color": GREEN_FILL}),
            "removed": wb.add_format({**base, "bg_color": RED_FILL}),
            "changed": wb.add_format({**base, "bg_color": AMBER_FILL}),
        }
        self.removed_words = wb.add_format({"font_color": RED_TEXT, "font_strikeout": True})
        self.added_words = wb.add_format({"font_color": GREEN_TEXT, "underline": 1, "bold": True})
        self.plain_words = wb.add_format({})


def _tone(change: Change) -> str:
    verb = change.kind.partition("-")[2]
    if verb == "added":
        return "added"
    if verb == "removed":
        return "removed"
    return "changed"


def _summary(
    wb: xlsxwriter.Workbook,
    fmt: _Formats,
    diff: FrameworkDiff,
    impact: pd.DataFrame | None,
    old_label: str,
    new_label: str,
) -> None:
    ws = wb.add_worksheet("Summary")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 3, 16)
    ws.write_string(0, 0, "Framework changes", fmt.title)
    ws.write_string(1, 0, f"Old: {old_label}", fmt.note)
    ws.write_string(2, 0, f"New: {new_label}", fmt.note)
    ws.write_string(3, 0, f"{len(diff)} change(s): {diff.summary()}", fmt.note)
    row = 5
    ws.write_row(row, 0, ["Kind", "Changes"], fmt.header)
    for kind, n in diff.counts().items():
        row += 1
        ws.write_string(row, 0, kind)
        ws.write_number(row, 1, n)
    if impact is None:
        row += 2
        ws.write_string(row, 0, "No ratings: the impact on people was not computed.", fmt.note)
        return
    row += 2
    cycle = str(impact["cycle"].dropna().iloc[0]) if len(impact) else ""
    ws.write_string(
        row, 0, f"People affected{' in ' + cycle if cycle else ''}: {len(impact)}", fmt.title
    )
    row += 1
    ws.write_row(row, 0, ["Job Family", "Manager", "People", "Status changes"], fmt.header)
    for (family, manager), group in _by_family_manager(impact):
        row += 1
        ws.write_string(row, 0, family)
        ws.write_string(row, 1, manager)
        ws.write_number(row, 2, len(group))
        ws.write_number(row, 3, int((group["status_old"] != group["status_new"]).sum()))


def _by_family_manager(impact: pd.DataFrame) -> list[tuple[tuple[str, str], pd.DataFrame]]:
    def label(r: dict[Any, Any]) -> str:
        name, mid = r.get("manager"), r.get("manager_id")
        if name and mid:
            return f"{name} ({mid})"
        return str(name or mid or "(no manager)")

    keys = [(str(r["family"] or ""), label(r)) for r in impact.to_dict("records")]
    groups: dict[tuple[str, str], list[int]] = {}
    for pos, k in enumerate(keys):
        groups.setdefault(k, []).append(pos)
    return [(k, impact.iloc[rows]) for k, rows in groups.items()]


def _changes(
    wb: xlsxwriter.Workbook, fmt: _Formats, diff: FrameworkDiff, old_label: str, new_label: str
) -> None:
    ws = wb.add_worksheet("Changes")
    headers = list(CHANGE_HEADERS)
    headers[9] = f"Place in {old_label}"[:80]
    headers[10] = f"Place in {new_label}"[:80]
    ws.write_row(0, 0, headers, fmt.header)
    for col, width in enumerate(CHANGE_WIDTHS):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    for i, c in enumerate(diff.changes, start=1):
        f = fmt.row[_tone(c)]
        values = [c.kind, c.message, c.family, c.level, c.competency, c.field]
        for col, value in enumerate(values):
            ws.write_string(i, col, _text(value), f)
        ws.write_string(i, 6, _text(c.old), f)
        ws.write_string(i, 7, _text(c.new), f)
        _difference(ws, fmt, i, 8, c, f)
        ws.write_string(i, 9, c.old_where, f)
        ws.write_string(i, 10, c.new_where, f)
    if diff.changes:
        ws.autofilter(0, 0, len(diff.changes), len(headers) - 1)


def _difference(ws: Any, fmt: _Formats, row: int, col: int, c: Change, f: Any) -> None:
    """The word diff as a rich string, else old -> new."""
    if not c.words:
        if c.old is None and c.new is None:
            ws.write_string(row, col, "", f)
        else:
            ws.write_string(row, col, f"{_text(c.old) or 'blank'} -> {_text(c.new) or 'blank'}", f)
        return
    parts: list[Any] = []
    for n, (op, text) in enumerate(c.words):
        piece = (" " if n else "") + text
        style = {"-": fmt.removed_words, "+": fmt.added_words}.get(op, fmt.plain_words)
        parts += [style, piece]
    if len(c.words) == 1:  # all added or all removed: the row's colour says which
        ws.write_string(row, col, c.words[0][1], f)
        return
    # words_text is the fallback should Excel's limits refuse the rich string.
    if ws.write_rich_string(row, col, *parts, f) < 0:
        ws.write_string(row, col, words_text(c.words), f)


def _impact(wb: xlsxwriter.Workbook, fmt: _Formats, impact: pd.DataFrame) -> None:
    ws = wb.add_worksheet("Impact")
    ws.write_row(0, 0, IMPACT_HEADERS, fmt.header)
    for col, width in enumerate(IMPACT_WIDTHS):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    row = 0
    for r in impact.to_dict("records"):
        row += 1
        f = fmt.row["changed"] if r["status_old"] != r["status_new"] else fmt.text
        what = "\n".join(
            f"{comp}: {how} {shown(a) or 'none'} -> {shown(b) or 'none'}"
            for comp, how, a, b in r["gap_changes"]
        )
        values = [
            r["family"],
            r["manager"],
            r["manager_id"],
            r["employee_id"],
            r["name"],
            r["level"],
            r["cycle"],
            r["status_old"],
            r["status_new"],
            what,
        ]
        for col, value in enumerate(values):
            ws.write_string(row, col, _text(value), f)
    if row:
        ws.autofilter(0, 0, row, len(IMPACT_HEADERS) - 1)


def _write(out: Any, data: bytes) -> None:
    out.write(data)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return "" if math.isnan(value) else shown(value)
    return str(value)
