"""A job family's draft: the workbook `split` writes for that family's managers to edit.

Sheets: Instructions, Levels, Competencies, Matrix, Behaviors, Promotion Criteria (the family's
rows only), and a hidden record of what the draft was split from: the source workbook's name and
fingerprint, the family, and for every cell written its place in HR's workbook and its value
then (its base), so `gather` can tell an edit from a change HR made since.

Editable cells are unlocked and filled pale yellow; everything else is protected without a
password (a guard against slips, not security). The field's rules show as the author types:
dropdowns for 1-5, input messages, and conditional formats that flag trait words, descriptions
past two sentences and expectations that drop as the level rises.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ladder_sheets.cellmap import column_letters
from ladder_sheets.scale import SCALE, SCALE_POINTS, SCALE_TEXT
from ladder_sheets.schema.descriptions import MAX_SENTENCES, TRAIT_WORDS

RECORD_SHEET = "_ladder_split"
RECORD_FORMAT = "ladder-sheets split 1"
RECORD_FIRST_CELL_ROW = 11  # 1-based row of the first cell entry on the record sheet
NEW_ROWS = 20  # unlocked blank rows below each table, for a new competency, level or step
NEW_COLUMNS = 2  # unlocked blank level columns right of Matrix and Behaviors, for a new level
# Words the conditional format flags while the author types (the check's list, and the verb
# that so often starts a trait: "demonstrates ownership").
FLAGGED_WORDS = ("demonstrates", *TRAIT_WORDS)


@dataclass
class DraftCell:
    value: Any  # the base: what HR's cell held at the split (None: blank)
    source: str  # its cell in HR's workbook, "Sheet!A1"; "" when it has none
    editable: bool
    label: str  # what the cell is, in words: "Communication at IC3"


@dataclass
class DraftSheet:
    """One sheet of the draft, and where its rows and columns live in HR's workbook."""

    name: str
    table: str  # canonical table: levels, competencies, expectations, behaviors, criteria
    headers: list[str]
    kinds: list[str]  # per column: text, long, scale, number, decimal, yesno, track, category
    rows: list[list[DraftCell]]
    keys: list[int]  # the columns that name a row (locked on existing rows)
    # where added rows and columns go in HR's workbook
    source_sheet: str = ""
    source_columns: list[str] = field(default_factory=list)  # letters, "" = not in HR's sheet
    family_column: str = ""  # HR's Job Family column, filled with the family on added rows
    last_row: int = 0  # the table's last row on source_sheet at the split
    header_row: int = 0  # HR's header row (wide sheets: where a new level's column is named)
    last_column: int = 0  # HR's last header column, 1-based (wide sheets)
    wide: bool = False
    tracks: list[str] = field(default_factory=list)  # wide sheets: each column's track

    def info(self) -> dict[str, Any]:
        out = asdict(self)
        del out["rows"]
        return out


@dataclass
class DraftPlan:
    family: str
    source_name: str
    source_sha256: str
    split_at: str
    sheets: list[DraftSheet]
    source_created: str = ""  # the workbook's creation stamp (docProps/core.xml)


INSTRUCTIONS = [
    ("title", "Career framework draft: {family}"),
    (
        "text",
        "HR split this workbook from {source} for the {family} job family. Edit the yellow "
        "cells; the other cells are protected against slips (no password: Review > Unprotect "
        "Sheet if you must, but edits outside the yellow cells are refused when HR gathers the "
        "drafts back). Send the file back to HR when you are done; do not rename or remove "
        "sheets.",
    ),
    ("heading", "What to write"),
    (
        "text",
        "Matrix: the proficiency each level expects, 1 (basic) to 5 (expert); blank = not "
        "expected. Expectations should not drop as the level rises: a drop is shown red.",
    ),
    (
        "text",
        "Behaviors: for each competency and level, one or two sentences that two managers "
        "would read the same way. Name what the person does and has done, with observable "
        'verbs ("has led a cross-functional initiative that affected more than one team"), not '
        'traits ("demonstrates leadership", "strong", "passionate"). A trait word or a third '
        "sentence is shown amber.",
    ),
    (
        "text",
        "Levels: title, scope (the autonomy and reach of the level), the usual time in level "
        "and pay bands. Promotion Criteria: for each step, the minimum average rating "
        "(typically 3.5), the floor no competency may fall below (typically 3), the cycles at "
        "the next level, the time in level and the scope criteria.",
    ),
    ("heading", "Adding"),
    (
        "text",
        "A new competency: a row below the last one in Competencies, and the same name below "
        "the last row of Matrix and Behaviors. A new level: a row below the last one in Levels, "
        "and its code in the first blank column heading of Matrix and Behaviors. A new step: a "
        "row below the last one in Promotion Criteria.",
    ),
    ("heading", "Shared competencies"),
    (
        "text",
        "Competencies whose Job Family is blank are shared by every family: they are shown for "
        "reference and changed by HR only.",
    ),
]


def write_draft(path: Path, plan: DraftPlan) -> Path:
    """Write `plan` as a new workbook at `path`."""
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        _Writer(wb, plan).write()
    finally:
        wb.close()
    return path


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook, plan: DraftPlan) -> None:
        self.wb, self.plan = wb, plan
        base = {"valign": "top", "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}
        self.header = wb.add_format(
            {**base, "bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF"}
        )
        self.new_header = wb.add_format({**base, "bold": True, "bg_color": "#FFF2CC"})
        self.new_header.set_locked(False)
        self.locked = wb.add_format({**base, "bg_color": "#F2F2F2"})
        self.editable = wb.add_format({**base, "bg_color": "#FFF2CC"})
        self.editable.set_locked(False)
        self.blank_editable = wb.add_format({**base, "bg_color": "#FFFBEA"})
        self.blank_editable.set_locked(False)
        self.flag = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
        self.drop = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.heading = wb.add_format({"bold": True, "font_color": "#1F3A5F"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def write(self) -> None:
        self._instructions()
        for sheet in self.plan.sheets:
            self._sheet(sheet)
        self._record()
        self.wb.set_custom_property("ladder-sheets split", f"{self.plan.family}")
        self.wb.set_properties(
            {"title": f"{self.plan.family} framework draft", "comments": RECORD_FORMAT}
        )

    def _instructions(self) -> None:
        ws = self.wb.add_worksheet("Instructions")
        ws.set_column(0, 0, 100, self.wrap)
        ws.hide_gridlines(2)
        fill = {"family": self.plan.family, "source": self.plan.source_name}
        for row, (kind, text) in enumerate(INSTRUCTIONS):
            fmt = {"title": self.title, "heading": self.heading}.get(kind, self.wrap)
            ws.write_string(row, 0, text.format(**fill), fmt)
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.activate()

    def _sheet(self, sheet: DraftSheet) -> None:
        ws = self.wb.add_worksheet(sheet.name)
        width = len(sheet.headers)
        extra = NEW_COLUMNS if sheet.wide else 0
        for col, header in enumerate(sheet.headers):
            ws.write_string(0, col, header, self.header)
        for col in range(width, width + extra):
            ws.write_blank(0, col, None, self.new_header)
        for r, row in enumerate(sheet.rows, start=1):
            for col, cell in enumerate(row):
                fmt = self.editable if cell.editable else self.locked
                _write_value(ws, r, col, cell.value, fmt)
            for col in range(width, width + extra):
                ws.write_blank(r, col, None, self.blank_editable)
        last = len(sheet.rows) + NEW_ROWS
        for r in range(len(sheet.rows) + 1, last + 1):
            for col in range(width + extra):
                ws.write_blank(r, col, None, self.blank_editable)
        self._rules(ws, sheet, last)
        for col, kind in enumerate(sheet.kinds):
            ws.set_column(col, col, {"long": 48, "text": 22}.get(kind, 11))
        if sheet.wide:
            ws.set_column(1, width + extra - 1, 40 if sheet.table == "behaviors" else 8)
            ws.set_column(0, 0, 26)
        ws.freeze_panes(1, 1 if sheet.wide else 0)
        ws.protect("", {"format_columns": True, "format_rows": True})

    def _rules(self, ws: Worksheet, sheet: DraftSheet, last: int) -> None:
        """Dropdowns, input messages and conditional formats: the field's rules as one types."""
        right = len(sheet.headers) + (NEW_COLUMNS if sheet.wide else 0) - 1
        areas = [(kind, (1, col, last, col)) for col, kind in enumerate(sheet.kinds)]
        if sheet.wide:  # one rule over every level column, the new ones included
            areas = [(sheet.kinds[-1], (1, 1, last, right))] if len(sheet.kinds) > 1 else []
            if sheet.table == "expectations":
                self._drops(ws, sheet, last)
        for kind, area in areas:
            if kind == "scale":
                ws.data_validation(
                    *area,
                    {
                        "validate": "list",
                        "source": list(SCALE_POINTS),
                        "input_title": "Expected proficiency",
                        "input_message": "1 (basic) to 5 (expert); blank = not expected. "
                        "Should not drop as the level rises.",
                        "error_type": "warning",
                    },
                )
            elif kind == "yesno":
                ws.data_validation(*area, {"validate": "list", "source": ["Yes", "No"]})
            elif kind == "track":
                ws.data_validation(*area, {"validate": "list", "source": ["IC", "Management"]})
            elif kind == "category":
                ws.data_validation(*area, {"validate": "list", "source": ["Core", "Functional"]})
            elif kind == "decimal":
                ws.data_validation(
                    *area,
                    {
                        "validate": "decimal",
                        "criteria": "between",
                        "minimum": SCALE[0],
                        "maximum": SCALE[1],
                        "error_type": "warning",
                        "input_message": f"On the {SCALE_TEXT} scale, e.g. 3.5.",
                    },
                )
            elif kind == "long":
                ws.data_validation(
                    *area,
                    {
                        "validate": "any",
                        "input_title": "Observable behaviour",
                        "input_message": "One or two sentences of what the person does: "
                        '"has led a project with 3+ teams", not traits ("strong", '
                        '"demonstrates leadership").',
                    },
                )
                self._text_flags(ws, area)

    def _text_flags(self, ws: Worksheet, area: tuple[int, int, int, int]) -> None:
        top = xl_rowcol_to_cell(area[0], area[1], col_abs=False, row_abs=False)
        for formula in (trait_formula(top), sentences_formula(top)):
            ws.conditional_format(
                *area, {"type": "formula", "criteria": f"={formula}", "format": self.flag}
            )

    def _drops(self, ws: Worksheet, sheet: DraftSheet, last: int) -> None:
        """Red where a level expects less than the level before it on the same track (the
        draft's level columns are in track order)."""
        previous_track = ""
        for col in range(1, len(sheet.headers)):
            track = sheet.tracks[col] if col < len(sheet.tracks) else ""
            if col > 1 and track == previous_track:
                here = f"{column_letters(col)}2"
                before = f"{column_letters(col - 1)}2"
                ws.conditional_format(
                    1,
                    col,
                    last,
                    col,
                    {
                        "type": "formula",
                        "criteria": f"=AND(ISNUMBER({here}),ISNUMBER({before}),{here}<{before})",
                        "format": self.drop,
                    },
                )
            previous_track = track

    def _record(self) -> None:
        ws = self.wb.add_worksheet(RECORD_SHEET)
        plan = self.plan
        meta = [
            ("format", RECORD_FORMAT),
            ("source", plan.source_name),
            ("source sha256", plan.source_sha256),
            ("family", plan.family),
            ("split at", plan.split_at),
            ("source created", plan.source_created),
            ("sheets", json.dumps([s.info() for s in plan.sheets], ensure_ascii=False)),
        ]
        for r, (key, value) in enumerate(meta):
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, value)
        header = ["Draft Sheet", "Draft Cell", "Source", "Base", "Editable", "Label"]
        for col, text in enumerate(header):
            ws.write_string(RECORD_FIRST_CELL_ROW - 2, col, text)
        r = RECORD_FIRST_CELL_ROW - 1
        for sheet in plan.sheets:
            for row_index, row in enumerate(sheet.rows, start=1):
                for col, cell in enumerate(row):
                    ws.write_string(r, 0, sheet.name)
                    ws.write_string(r, 1, xl_rowcol_to_cell(row_index, col))
                    ws.write_string(r, 2, cell.source)
                    _write_value(ws, r, 3, cell.value, None)
                    ws.write_string(r, 4, "yes" if cell.editable else "no")
                    ws.write_string(r, 5, cell.label)
                    r += 1
        ws.hide()


def trait_formula(cell: str) -> str:
    """True where the text in `cell` holds a flagged word (a substring match: a hint)."""
    words = ",".join('"' + w.replace('"', "") + '"' for w in FLAGGED_WORDS)
    return f"SUMPRODUCT(--ISNUMBER(SEARCH({{{words}}},{cell})))>0"


def sentences_formula(cell: str) -> str:
    """True where the text in `cell` runs past MAX_SENTENCES sentences: each ". ", "! " or
    "? " ends one, and a last sentence without its full stop counts too."""
    text = f'TRIM({cell})&" "'
    ends = (
        f'(LEN({text})-LEN(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({text},". ",""),"! ",""),"? ","")))/2'
    )
    unended = f'IF(LEN(TRIM({cell}))=0,0,IF(ISNUMBER(FIND(RIGHT(TRIM({cell})),".!?")),0,1))'
    return f"{ends}+{unended}>{MAX_SENTENCES}"


def _write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)
