"""People on rows the people sheet hides (by a filter, by hand or in a collapsed group).

HR often filters leavers out of sight rather than marking them. A hidden row says nothing
certain (a filter on one team hides everyone else), so it is never read as "left": the people
on hidden rows that nothing marks as left are named once, as employed, with how to say so.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Finding, warning
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text
from ladder_sheets.workbook.extent import sheet_parts, xml_chunks

_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*>")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


def hidden_rows(path: Path, part: str) -> set[int]:
    """The numbers of the rows a sheet's XML marks hidden (1-based, as Excel shows them)."""
    hidden: set[int] = set()
    last = 0  # a row without r="" follows the one before
    try:
        for data in xml_chunks(path, part):
            for tag in _ROW_TAG.finditer(data):
                text = tag.group()
                number = _NUMBER.search(text)
                last = int(number.group(1)) if number else last + 1
                if _HIDDEN.search(text):
                    hidden.add(last)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
        return set()  # the readers report a damaged package with their own words
    return hidden


def hidden_people(path: Path, employees: Table, marked: pd.Series | None) -> list[Finding]:
    """One warning naming the people on hidden rows of the people sheet(s) whom nothing marks
    as left (`marked`: each row's reason for having left, None where employed)."""
    data = employees.data
    if not len(data) or not len(employees.sheets) or "employee_id" not in employees.cell_columns:
        return []
    parts = sheet_parts(path)
    by_sheet: dict[str, set[int]] = {}
    found: list[tuple[Any, str]] = []  # (row label, "Sheet!A7")
    cells = employees.cell_column("employee_id")
    gone = set(marked.index[marked.notna()]) if marked is not None else set()
    for index, sheet, cell in zip(data.index, employees.sheets.tolist(), cells, strict=True):
        if index in gone:
            continue
        if sheet not in by_sheet:
            part = parts.get(str(sheet))
            by_sheet[sheet] = hidden_rows(path, part) if part else set()
        if by_sheet[sheet] and int(re.sub(r"\D", "", cell or "") or 0) in by_sheet[sheet]:
            found.append((index, f"{sheet}!{cell}"))
    if not found:
        return []
    ids = [clean_text(data.at[i, "employee_id"]) or "?" for i, _ in found]
    shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
    n = len(found)
    first = employees.where(found[0][0], "employee_id")
    finding = warning(
        "employee-row-hidden",
        f"{n} {'people are' if n != 1 else 'person is'} on hidden rows of "
        f"{first.sheet or 'Employees'} ({shown}): read as employed, with gaps, readiness and "
        "a pack, because hiding a row does not say that someone left.",
        CODES["employee-row-hidden"].hint,
        first,
    )
    places = tuple(dict.fromkeys(place for _, place in found))
    return [dataclasses.replace(finding, count=len(places), places=places)]
