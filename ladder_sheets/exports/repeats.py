"""Ratings an export gives twice (same person, competency, cycle and rater) whose rows differ
in a column the reader did not read: most often that column tells the raters apart ("Rater"
holding codes, "Form" holding Manager/Self in the tool's own words). One finding names the
column instead of one "duplicate rating" per row that never mentions it."""

from __future__ import annotations

import re
from typing import Any

from ladder_sheets.exports.layout import Layout
from ladder_sheets.findings import Finding, error
from ladder_sheets.model import CONTEXT_RATERS, Table
from ladder_sheets.values import clean_text

MAX_GROUPS = 200  # repeated keys looked at; enough to tell a column that always differs
_LINE = re.compile(r"^(\d+):")
_ROW = re.compile(r"^[A-Z]+(\d+)$")


def _row_number(place: Any) -> int | None:
    text = str(place or "")
    m = _LINE.match(text) or _ROW.match(text)
    return int(m.group(1)) if m else None


def repeated(
    ratings: Table, layout: Layout, file: str
) -> tuple[list[Finding], set[tuple[Any, ...]]]:
    """The finding naming the unread column the repeated rows differ in, and the places of the
    repeated ratings it explains (so the check's per-row duplicates can be left out)."""
    data = ratings.data
    if not len(data):
        return [], set()
    kind = data["rater_type"].astype(str).str.lower()
    keyed = data[~kind.isin(CONTEXT_RATERS).to_numpy()]
    parts = ["cycle", "employee_id", "competency", "rater_type"]
    dup = keyed.duplicated(parts, keep=False)
    if not dup.any():
        return [], set()
    groups = keyed[dup].groupby(parts, sort=False, dropna=False).groups
    index = {n: i for i, n in enumerate(layout.rows.numbers)}
    cells = ratings.cells
    used = set(layout.roles.values()) | {w.col for w in layout.wide}
    used |= {w.comment_col for w in layout.wide if w.comment_col is not None}
    unread = [c for c, h in enumerate(layout.headers) if h and c not in used]
    differs = dict.fromkeys(unread, 0)
    looked = 0
    for labels in list(groups.values())[:MAX_GROUPS]:
        rows = [index.get(_row_number(cells.at[lb, "employee_id"]) or -1) for lb in labels]
        if any(r is None for r in rows):
            continue
        looked += 1
        for col in unread:
            seen = {clean_text(_cell(layout, r, col)) for r in rows if r is not None}
            differs[col] += len(seen) > 1
    columns = [c for c in unread if looked and differs[c] == looked]
    if not columns:
        return [], set()
    col = columns[0]
    header = layout.headers[col]
    values = sorted({clean_text(_cell(layout, r, col)) or "" for r in layout.data_rows()})
    question = "the rater type" if len(values) <= 8 else "the reviewer"
    role = "rater_type" if question == "the rater type" else "reviewer"
    later = keyed[dup & keyed.duplicated(parts, keep="first")].index
    places = {_place(ratings, lb) for lb in later}
    n = int(dup.sum())
    shown = ", ".join(f"'{v}'" for v in values[:6] if v)
    first = next(iter(groups.values()))[0]
    return [
        error(
            "duplicate-rating",
            f"{n} ratings repeat a person, competency, cycle and rater; these rows differ in "
            f"column '{header}' ({shown}), which was not read: is it {question}?",
            f"if it is, name it in a mapping file given with --mapping: [export.columns] "
            f'{role} = "{header}"'
            + (_words_hint(values[0]) if role == "rater_type" and values and values[0] else ""),
            ratings.where(first, "rating"),
        )
    ], places


def _words_hint(value: str) -> str:
    return f' and its words: [export.raters] "{value}" = "manager" (or self, peer, upward)'


def _cell(layout: Layout, row: int, col: int) -> Any:
    cells = layout.rows.rows[row]
    return cells[col] if col < len(cells) else None


def _place(ratings: Table, label: Any) -> tuple[Any, ...]:
    w = ratings.where(label, "rating")
    return (w.file, w.line, w.sheet, w.cell)
