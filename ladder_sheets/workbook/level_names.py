"""Levels written the way HR writes them, read as the Levels sheet's codes.

A roster's Level column often holds the job title ("Senior Engineer") or code and title
together ("L3 - Senior Engineer"); so do the level rows of a transposed or long Matrix and the
steps of the promotion criteria. Each such value that names exactly one level of the Levels
sheet (header.level_code), or one level of the row's job family (a title such as "Manager"
that two families share), becomes that level's code, and one note per sheet and column says
so with an example; a value naming no level, or two, is left as written for the references
check to report with its cell.
"""

from __future__ import annotations

import re

import pandas as pd

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Finding, Where, info
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text, normalize_header
from ladder_sheets.workbook.header import level_code

# The columns holding a level, per table (the Levels sheet itself defines them).
LEVEL_COLUMNS = {
    "expectations": ("level",),
    "behaviors": ("level",),
    "employees": ("level",),
    "criteria": ("from_level", "to_level"),
    "paths": ("from_level", "to_level"),
}


# "L3 - Senior Engineer", "IC2 – Engineer II", "P4: Principal", "M1 Manager": a code, then a
# dash, colon, bar or space, then a title
_CODE_AND_TITLE = re.compile(
    r"^(?P<code>[A-Za-z]{0,4} ?\d{1,2}[A-Za-z]?)\s*(?:[-\u2013\u2014:|]|\s)\s*(?P<title>\S.*)$"
)


def split_level_cells(levels: Table) -> list[Finding]:
    """A Levels sheet whose every level cell holds a code and a title ("L3 - Senior Engineer")
    is read as the code, the title going to Title where that is blank: the Matrix's headers and
    the roster name the code, and would otherwise name no level. Said once; a sheet where some
    cells are codes alone is left as written (the codes and titles are then not told apart)."""
    data = levels.data
    if "level" not in data.columns or not len(data):
        return []
    filled = [(i, clean_text(v)) for i, v in data["level"].items() if clean_text(v)]
    parts = [(i, text, _CODE_AND_TITLE.match(text or "")) for i, text in filled]
    if not parts or any(m is None for _, _, m in parts):
        return []
    codes = [(str(data.at[i, "family"] or ""), m.group("code").upper()) for i, _, m in parts if m]
    if len(set(codes)) != len(codes):
        return []  # two levels of one family with the same code: the whole cell is the level
    level = data["level"].astype(object).copy()
    title = data["title"].astype(object).copy() if "title" in data.columns else None
    for index, _, m in parts:
        assert m is not None
        level.at[index] = m.group("code")
        if title is not None and not clean_text(title.at[index]):
            title.at[index] = m.group("title").strip()
    data["level"] = level
    if title is not None:
        data["title"] = title
    first, text, m = parts[0]
    assert m is not None
    return [
        info(
            "level-code-split",
            f"{len(parts)} level cell(s) hold a code and a title, such as '{text}': read as "
            f"level '{m.group('code')}', titled '{m.group('title').strip()}'",
            CODES["level-code-split"].hint,
            levels.where(first, "level"),
        )
    ]


def resolve_levels(tables: dict[str, Table], codes: dict[str, str]) -> list[Finding]:
    """Rewrite, in place, every level value that is a title or "code - title" to its code."""
    plain = {key for key, code in codes.items() if normalize_header(code) == key}
    by_family = _family_codes(tables.get("levels"))
    findings: list[Finding] = []
    for name, columns in LEVEL_COLUMNS.items():
        table = tables.get(name)
        if table is None or not len(table.data):
            continue
        for column in columns:
            if column not in table.data.columns:
                continue
            findings.extend(_resolve_column(table, column, codes, plain, by_family))
    return findings


def _family_codes(levels: Table | None) -> dict[str, dict[str, str]]:
    """Per family (normalized): its codes and the titles one level of the family has. A title
    two families share ("Manager") names a level within the row's family."""
    if levels is None or not {"family", "level", "title"} <= set(levels.data.columns):
        return {}
    titles: dict[str, dict[str, set[str]]] = {}
    out: dict[str, dict[str, str]] = {}
    for family, code, title in zip(
        levels.data["family"], levels.data["level"], levels.data["title"], strict=True
    ):
        family, code, title = clean_text(family), clean_text(code), clean_text(title)
        if not family or not code:
            continue
        own = out.setdefault(normalize_header(family), {})
        own.setdefault(normalize_header(code), code)
        if title:
            named = titles.setdefault(normalize_header(family), {})
            named.setdefault(normalize_header(title), set()).add(code)
    for family, named in titles.items():
        for key, found in named.items():
            if len(found) == 1:
                out[family].setdefault(key, next(iter(found)))
    return out


def _resolve_column(
    table: Table,
    column: str,
    codes: dict[str, str],
    plain: set[str],
    by_family: dict[str, dict[str, str]],
) -> list[Finding]:
    values = table.data[column].tolist()
    families = table.data["family"].tolist() if "family" in table.data.columns else []
    read: dict[int, str] = {}
    for pos, value in enumerate(values):
        text = clean_text(value)
        if not text or normalize_header(text) in plain:
            continue
        code = level_code(text, codes)
        family = clean_text(families[pos]) if families else None
        if code is None and family and normalize_header(family) in by_family:
            code = level_code(text, by_family[normalize_header(family)])
        if code is not None:
            read[pos] = code
    if not read:
        return []
    # one note per sheet the column was read from, at the first value it rewrote
    # (a transposed Matrix repeats a level's cell once per competency: cells are counted once)
    firsts: dict[str, int] = {}
    cells: dict[str, set[str]] = {}
    for pos in read:
        sheet = str(table.sheets.iloc[pos]) if len(table.sheets) else ""
        firsts.setdefault(sheet, pos)
        cells.setdefault(sheet, set()).add(table.cell(table.data.index[pos], column))
    findings = []
    for sheet, pos in firsts.items():
        example = f"'{clean_text(values[pos])}' as {read[pos]}"
        findings.append(
            info(
                "level-names-read-as-codes",
                f"{len(cells[sheet])} level cell(s) written as a job title or 'code - title' are "
                f"read as the Levels sheet's codes ({example})",
                "",
                Where(
                    file=table.file,
                    sheet=sheet or None,
                    cell=table.cell(table.data.index[pos], column) or None,
                ),
            )
        )
    for pos, code in read.items():
        values[pos] = code
    table.data[column] = pd.Series(values, index=table.data.index, dtype=object)
    return findings
