"""The canonical framework workbook: instructions, the framework tables, dropdowns.

Laid out from `model.TABLES` so the reader and the template cannot drift apart. Written with
xlsxwriter and a fixed creation date, so the same content gives the same bytes every run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ladder_sheets import model
from ladder_sheets.cellmap import column_letters
from ladder_sheets.demo.example import (
    INSTRUCTIONS,
    FrameworkContent,
    empty_content,
    example_content,
)
from ladder_sheets.xlsx.safe_write import atomic_write

CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)
LAST_ROW = 1_048_575  # 0-based last row of a sheet: validations cover whole columns
LIST_ROOM = 200  # rows each open list leaves for values HR adds later
DEFAULT_LEVELS = [f"IC{i}" for i in range(1, 8)] + [f"M{i}" for i in range(1, 5)]

# Lists feeding the dropdowns: defined name -> (header on the Lists sheet, closed list?).
# Closed lists refuse other values; open ones (families, levels, competencies) only warn,
# so HR can add a family before adding it to the Lists sheet.
LISTS: dict[str, tuple[str, bool]] = {
    "TrackList": ("Track", True),
    "CategoryList": ("Category", True),
    "KindList": ("Kind", True),
    "FamilyList": ("Job Family", False),
    "LevelList": ("Level", False),
    "CompetencyList": ("Competency", False),
    "ScaleList": ("Scale", True),
    "YesNoList": ("Yes/No", True),
    "RaterTypeList": ("Rater Type", True),
}

# Which list feeds which column, by table and canonical column.
DROPDOWNS: dict[str, dict[str, str]] = {
    "levels": {"family": "FamilyList", "track": "TrackList"},
    "competencies": {"category": "CategoryList", "family": "FamilyList"},
    "expectations": {"family": "FamilyList", "competency": "CompetencyList"},
    "behaviors": {"family": "FamilyList", "competency": "CompetencyList"},
    "criteria": {
        "family": "FamilyList",
        "from_level": "LevelList",
        "to_level": "LevelList",
        "requires_endorsement": "YesNoList",
        "requires_calibration": "YesNoList",
    },
    "paths": {
        "kind": "KindList",
        "from_family": "FamilyList",
        "from_level": "LevelList",
        "to_family": "FamilyList",
        "to_level": "LevelList",
    },
    "employees": {"family": "FamilyList", "track": "TrackList", "level": "LevelList"},
    "history": {
        "competency": "CompetencyList",
        "rating": "ScaleList",
        "rater_type": "RaterTypeList",
    },
    "evidence": {"scope_met": "YesNoList", "endorsed": "YesNoList", "calibrated": "YesNoList"},
}

# Column widths by canonical column; long text columns wrap.
WIDE_TEXT = {
    "scope",
    "definition",
    "scope_criteria",
    "transferable_skills",
    "gaps_to_close",
    "requirements",
    "evidence",
    "note",
}
WIDTHS = {"title": 28, "name": 24, "email": 32, "competency": 24, "family": 14, "reviewer": 22}
SHEET_ORDER = [
    "levels",
    "competencies",
    "expectations",
    "behaviors",
    "criteria",
    "paths",
    "employees",
    "history",
    "evidence",
]


def write_template(path: Path, *, example: bool = True) -> Path:
    """Write the canonical framework workbook, with the worked example or headers only."""
    return write_framework(path, example_content() if example else empty_content())


def write_framework(path: Path, content: FrameworkContent) -> Path:
    """Write `content` in the canonical layout. Atomic: the file appears whole or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(out: BinaryIO) -> None:
        workbook = xlsxwriter.Workbook(
            out,
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        workbook.set_properties(
            {"title": "Career framework", "author": "ladder-sheets", "created": CREATED}
        )
        _Layout(workbook, content).write()
        workbook.close()

    atomic_write(path, write)
    return path


def level_columns(content: FrameworkContent) -> list[str]:
    """Level codes for the wide sheets: IC track first, then management, each in order."""
    codes: list[str] = []
    for track in model.TRACKS:
        for family in content.families:
            for spec in family.tracks.get(track, []):
                if spec[0] not in codes:
                    codes.append(spec[0])
    return codes or list(DEFAULT_LEVELS)


def table_rows(content: FrameworkContent, table: str) -> list[dict[str, Any]]:
    """The rows of one long table (not the wide Matrix/Behaviors), canonical columns."""
    if table == "levels":
        return [
            {
                "family": f.name,
                "track": track,
                "level": code,
                "title": title,
                "order": order,
                "scope": scope,
                "min_quarters": min_q,
                "band_min": band_min,
                "band_max": band_max,
            }
            for f in content.families
            for track, specs in f.tracks.items()
            for order, (code, title, scope, min_q, band_min, band_max) in enumerate(specs, 1)
        ]
    if table == "competencies":
        rows: list[dict[str, Any]] = [
            {"competency": c, "category": "Core", "family": None, "definition": d}
            for c, d in content.core.items()
        ]
        for f in content.families:
            rows += [
                {"competency": c, "category": "Functional", "family": f.name, "definition": d}
                for c, d in f.functional.items()
            ]
        return rows
    if table == "criteria":
        rows = []
        for f in content.families:
            min_q = {s[0]: s[3] for specs in f.tracks.values() for s in specs}
            for (lo, hi), (avg, each, cycles, endorse, calib, scope) in f.steps.items():
                rows.append(
                    {
                        "family": f.name,
                        "from_level": lo,
                        "to_level": hi,
                        "min_average": avg,
                        "min_each": each,
                        "cycles_at_next": cycles,
                        "min_quarters": min_q[lo],
                        "scope_criteria": scope,
                        "requires_endorsement": "Yes" if endorse else "No",
                        "requires_calibration": "Yes" if calib else "No",
                    }
                )
        return rows
    return {
        "paths": content.paths,
        "employees": content.employees,
        "history": content.history,
        "evidence": content.evidence,
    }[table]


def wide_rows(content: FrameworkContent, *, behaviors: bool) -> list[dict[str, Any]]:
    """Matrix (expected 1-5) or Behaviors (descriptions) rows: family, competency, levels."""
    rows = []
    for f in content.families:
        for competency, by_track in f.ladder.items():
            row: dict[str, Any] = {"family": f.name, "competency": competency}
            for track, rungs in by_track.items():
                for code, (expected, text) in zip(f.level_codes(track), rungs, strict=True):
                    row[code] = text if behaviors else expected
            rows.append(row)
    return rows


class _Layout:
    """Writes every sheet of one workbook; holds the shared formats."""

    def __init__(self, workbook: Workbook, content: FrameworkContent) -> None:
        self.wb = workbook
        self.content = content
        self.levels = level_columns(content)
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#1F3A5F", "font_color": "#FFFFFF", "border": 1}
        )
        self.header.set_text_wrap()
        self.header.set_align("top")
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.money = workbook.add_format({"num_format": "#,##0", "valign": "top"})
        self.decimal = workbook.add_format({"num_format": "0.0", "valign": "top"})
        self.scale = workbook.add_format({"align": "center", "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True, "font_size": 11, "font_color": "#1F3A5F"})

    def write(self) -> None:
        self._instructions()
        for table in SHEET_ORDER:
            if table in ("expectations", "behaviors"):
                self._wide(table)
            else:
                self._long(table)
        self._lists()

    def _instructions(self) -> None:
        ws = self.wb.add_worksheet("Instructions")
        ws.set_column(0, 0, 110, self.wrap)
        ws.hide_gridlines(2)
        for row, (kind, text) in enumerate(INSTRUCTIONS):
            fmt = {"title": self.title, "heading": self.heading}.get(kind, self.wrap)
            ws.write_string(row, 0, text, fmt)
        ws.activate()

    def _start(self, table: str, headers: list[str]) -> Worksheet:
        ws = self.wb.add_worksheet(model.TABLES[table][0])
        ws.write_row(0, 0, headers, self.header)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 2 if table in ("expectations", "behaviors") else 0)
        return ws

    def _long(self, table: str) -> None:
        cols = model.columns(table)
        ws = self._start(table, [model.headers(table)[c] for c in cols])
        for j, col in enumerate(cols):
            width = 48 if col in WIDE_TEXT else WIDTHS.get(col, 16)
            ws.set_column(j, j, width, self.wrap if col in WIDE_TEXT else self.top)
        for i, row in enumerate(table_rows(self.content, table), start=1):
            for j, col in enumerate(cols):
                self._cell(ws, i, j, col, row.get(col))
        for col, list_name in DROPDOWNS.get(table, {}).items():
            j = cols.index(col)
            self._dropdown(ws, j, list_name)

    def _cell(self, ws: Worksheet, row: int, col: int, name: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Yes" if value else "No")
        elif isinstance(value, (int, float)):
            fmt = self.money if name.startswith("band") else self.top
            fmt = self.decimal if name == "min_average" else fmt
            ws.write_number(row, col, value, fmt)
        else:
            # Text from people and exports stays text, even when it starts with "=".
            ws.write_string(row, col, str(value))

    def _wide(self, table: str) -> None:
        behaviors = table == "behaviors"
        heads = model.headers(table)
        ws = self._start(table, [heads["family"], heads["competency"], *self.levels])
        ws.set_column(0, 0, 14, self.top)
        ws.set_column(1, 1, 24, self.top)
        width, fmt = (40, self.wrap) if behaviors else (7, self.scale)
        ws.set_column(2, 1 + len(self.levels), width, fmt)
        for i, row in enumerate(wide_rows(self.content, behaviors=behaviors), start=1):
            ws.write_string(i, 0, row["family"])
            ws.write_string(i, 1, row["competency"])
            for j, code in enumerate(self.levels, start=2):
                if code in row:
                    self._cell(ws, i, j, code, row[code])
        self._dropdown(ws, 0, "FamilyList")
        self._dropdown(ws, 1, "CompetencyList")
        if not behaviors:
            self._dropdown(ws, 2, "ScaleList", last_col=1 + len(self.levels))

    def _dropdown(self, ws: Worksheet, col: int, list_name: str, last_col: int = -1) -> None:
        header, closed = LISTS[list_name]
        options: dict[str, Any] = {
            "validate": "list",
            "source": f"={list_name}",
            "error_type": "stop" if closed else "warning",
            "error_title": header,
            "error_message": f"Choose a value from the {header} list."
            + ("" if closed else " To add one, add it to the hidden Lists sheet."),
        }
        ws.data_validation(1, col, LAST_ROW, max(col, last_col), options)

    def _lists(self) -> None:
        ws = self.wb.add_worksheet("Lists")
        values = self._list_values()
        for j, (name, (header, closed)) in enumerate(LISTS.items()):
            items = values[name]
            ws.write_string(0, j, header, self.header)
            for i, item in enumerate(items, start=1):
                if isinstance(item, int):
                    ws.write_number(i, j, item)
                else:
                    ws.write_string(i, j, item)
            last = len(items) if closed else LIST_ROOM
            letter = column_letters(j)
            self.wb.define_name(name, f"=Lists!${letter}$2:${letter}${max(last, 1) + 1}")
            ws.set_column(j, j, 22)
        ws.hide()

    def _list_values(self) -> dict[str, list[Any]]:
        competencies = list(self.content.core)
        for f in self.content.families:
            competencies += [c for c in f.ladder if c not in competencies]
        return {
            "TrackList": list(model.TRACKS),
            "CategoryList": list(model.CATEGORIES),
            "KindList": list(model.PATH_KINDS),
            "FamilyList": [f.name for f in self.content.families],
            "LevelList": self.levels,
            "CompetencyList": competencies,
            "ScaleList": list(model.SCALE_POINTS),
            "YesNoList": ["Yes", "No"],
            "RaterTypeList": list(model.RATER_TYPES),
        }
