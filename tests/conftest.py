"""Shared builder fixtures: small framework workbooks written from Python rows.

`framework_workbook(**overrides) -> Path` writes a valid framework workbook in the template's
canonical layout (header on row 1 of every sheet) to tmp_path and returns its path. The
default content is FRAMEWORK below: one job family (Engineering), IC1-IC3 on the IC track and
M1 on the Management track, three competencies, a Matrix and Behaviors sheet, promotion
criteria and three employees. Overrides:

- `levels=`, `competencies=`, `criteria=`, `paths=`, `employees=`, `history=`, `evidence=`:
  rows (lists in the canonical column order of model.TABLES) replacing the default rows;
- `matrix=` / `behaviors=`: {competency: {level: value}} for the wide sheets (Job Family
  column first, then Competency, then one column per level code in `level_order`);
- `sheets={"Name": [[header...], [row...]]}`: extra sheets, or raw replacements of canonical
  ones (rows written from A1; None leaves a cell blank);
- `rename={"Levels": "Grades"}`, `drop={"Behaviors"}`;
- `name="framework.xlsx"`.

Example::

    def test_x(framework_workbook):
        path = framework_workbook(rename={"Competencies": "Skills"}, drop={"Paths"})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ladder_sheets.model import TABLES

FAMILY = "Engineering"
LEVEL_ORDER = ["IC1", "IC2", "IC3", "M1"]

FRAMEWORK: dict[str, Any] = {
    "levels": [
        [
            FAMILY,
            "IC",
            "IC1",
            "Junior Engineer",
            1,
            "Delivers scoped tasks with guidance",
            4,
            50000,
            65000,
        ],
        [FAMILY, "IC", "IC2", "Engineer", 2, "Delivers features on their own", 4, 60000, 80000],
        [
            FAMILY,
            "IC",
            "IC3",
            "Senior Engineer",
            3,
            "Leads projects across a team",
            6,
            75000,
            100000,
        ],
        [FAMILY, "Management", "M1", "Engineering Manager", 1, "Leads one team", 4, 85000, 110000],
    ],
    "competencies": [
        ["Communication", "Core", None, "Shares information so others can act on it"],
        ["Delivery", "Core", None, "Ships work that meets its goals"],
        ["System Design", "Functional", FAMILY, "Designs systems that meet their needs"],
    ],
    "matrix": {
        "Communication": {"IC1": 2, "IC2": 3, "IC3": 4, "M1": 4},
        "Delivery": {"IC1": 2, "IC2": 3, "IC3": 4, "M1": 3},
        "System Design": {"IC1": 1, "IC2": 2, "IC3": 3, "M1": None},
    },
    "behaviors": {
        "Communication": {
            "IC1": "Writes status updates that the team reads without follow-up questions",
            "IC2": "Has written a design note that another team adopted",
            "IC3": "Has run a review that changed a cross-team decision",
            "M1": "Holds a weekly one-to-one with every report",
        },
        "Delivery": {
            "IC1": "Closes assigned tickets within the sprint",
            "IC2": "Has shipped a feature end to end",
            "IC3": "Has led a project that shipped on the agreed date",
            "M1": "Has delivered a quarter's roadmap with the team",
        },
    },
    "criteria": [
        [FAMILY, "IC1", "IC2", 3.5, 3, 2, 4, "Has owned a feature", "Yes", "No"],
        [
            FAMILY,
            "IC2",
            "IC3",
            3.5,
            3,
            2,
            4,
            "Has led a project with 3+ stakeholders",
            "Yes",
            "Yes",
        ],
    ],
    "paths": [
        [
            "Crossover",
            FAMILY,
            "IC3",
            FAMILY,
            "M1",
            "Communication",
            "People management",
            "Has mentored two engineers",
        ],
    ],
    "employees": [
        ["E001", "Ada Example", "ada@example.test", None, FAMILY, "Management", "M1", "2024-01-01"],
        ["E002", "Ben Sample", "ben@example.test", "E001", FAMILY, "IC", "IC2", "2025-01-01"],
        ["E003", "Cy Placeholder", "cy@example.test", "E001", FAMILY, "IC", "IC1", "2025-07-01"],
    ],
    "history": [],
    "evidence": [],
}


def canonical_headers(table: str) -> list[str]:
    return [h for _, h in TABLES[table][1]]


def wide_rows(
    values: dict[str, dict[str, Any]], level_order: Iterable[str], family: str | None = FAMILY
) -> list[list[Any]]:
    """Header and rows of a wide Matrix/Behaviors sheet."""
    order = list(level_order)
    head: list[Any] = (["Job Family"] if family is not None else []) + ["Competency", *order]
    rows = [head]
    for competency, by_level in values.items():
        lead = [family] if family is not None else []
        rows.append([*lead, competency, *(by_level.get(level) for level in order)])
    return rows


def write_sheets(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook with one sheet per entry, rows written from A1 (None = blank cell)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def build_framework(
    path: Path,
    *,
    level_order: Iterable[str] = LEVEL_ORDER,
    sheets: dict[str, list[list[Any]]] | None = None,
    rename: dict[str, str] | None = None,
    drop: Iterable[str] = (),
    **tables: Any,
) -> Path:
    content = {**FRAMEWORK, **tables}
    order = list(level_order)
    book: dict[str, list[list[Any]]] = {}
    for table in ("levels", "competencies"):
        book[TABLES[table][0]] = [canonical_headers(table), *content[table]]
    book["Matrix"] = wide_rows(content["matrix"], order)
    book["Behaviors"] = wide_rows(content["behaviors"], order)
    for table in ("criteria", "paths", "employees", "history", "evidence"):
        if content[table]:
            book[TABLES[table][0]] = [canonical_headers(table), *content[table]]
    book.update(sheets or {})
    for name in drop:
        book.pop(name, None)
    renamed = {(rename or {}).get(name, name): rows for name, rows in book.items()}
    return write_sheets(path, renamed)


@pytest.fixture
def framework_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Builder: `framework_workbook(**overrides) -> Path` (see the module docstring)."""

    def build(name: str = "framework.xlsx", **overrides: Any) -> Path:
        return build_framework(tmp_path / name, **overrides)

    return build
