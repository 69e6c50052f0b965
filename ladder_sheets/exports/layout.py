"""Where the header is, which column holds what, and whether the export is long or wide.

Long: one row per employee x competency, with a competency column and one or more rating
columns (a single "Rating", or "Self Rating" and "Manager Rating" side by side). Wide: one row
per employee and one column per competency; told apart by headers that name known
competencies, or, when there is no competency column, by columns whose values are ratings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ladder_sheets.exports import columns as cols
from ladder_sheets.exports import meaning
from ladder_sheets.exports.columns import Columns, compact, header_readings, split_rater
from ladder_sheets.exports.labels import LabelScale
from ladder_sheets.exports.source import Rows, Source
from ladder_sheets.findings import Finding, info, warning
from ladder_sheets.values import clean_text, parse_cycle

HEADER_SCAN = 30  # rows searched for the header (title and preamble rows come first)
SAMPLE_ROWS = 500  # data rows sampled to decide whether a column holds ratings
RATING_SHARE = 0.8  # share of a column's values that must read as ratings
_QUARTER = re.compile(r"q[1-4]", re.I)
# Columns a wide export may not melt into competencies.
_KEY_ROLES = ("employee_id", "name", "competency", "cycle", "reviewer", "rater_type")


@dataclass
class WideColumn:
    col: int
    competency: str
    rater: str | None  # from the header ("Communication (Self)"), else the row's rater
    comment_col: int | None = None


@dataclass
class Layout:
    rows: Rows
    header: int  # index into rows.rows
    headers: list[str]
    columns: Columns
    shape: str = "long"
    wide: list[WideColumn] = field(default_factory=list)
    preamble_cycle: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def roles(self) -> dict[str, int]:
        return self.columns.roles

    def data_rows(self) -> range:
        return range(self.header + 1, len(self.rows.rows))


def detect(
    source: Source,
    *,
    competencies: Sequence[str],
    scale: LabelScale,
    mapping: Mapping[str, str] | None,
) -> Layout:
    mapping = dict(mapping or {})
    wanted_sheet = mapping.pop("sheet", None)
    known = {compact(c): c for c in competencies if c}
    mapped = {compact(h) for h in mapping.values()}
    findings: list[Finding] = []
    candidates = source.sheets
    if wanted_sheet is not None:
        chosen = [s for s in source.sheets if compact(s.sheet) == compact(wanted_sheet)]
        if chosen:
            candidates = chosen
        else:
            names = [s.sheet or "" for s in source.sheets]
            findings.append(
                warning(
                    "export-missing-sheet",
                    f"the mapping names sheet '{wanted_sheet}', which the export does not have",
                    f"sheets in the file: {', '.join(names)}",
                )
            )
    best: tuple[int, int, Rows] | None = None
    for rows in candidates:
        index, score = _find_header(rows, set(known), mapped)
        if best is None or score > best[1]:
            best = (index, score, rows)
    assert best is not None
    index, _, rows = best
    headers = [clean_text(v) or "" for v in rows.rows[index]] if rows.rows else []
    layout = Layout(rows, index, headers, cols.assign(headers, mapping), findings=findings)
    layout.preamble_cycle = _preamble_cycle(rows, index)
    if rows.rows:
        meaning.assign_by_meaning(layout, scale, set(mapping))
    _decide_shape(layout, known, scale)
    return layout


def _find_header(rows: Rows, known: set[str], mapped: set[str]) -> tuple[int, int]:
    """The row naming the most known columns (the first on a tie); else the first row with
    two or more values."""
    best, best_score, fallback = -1, 0, -1
    for i, cells in enumerate(rows.rows[:HEADER_SCAN]):
        filled = [c for c in cells if clean_text(c)]
        if not filled:
            continue
        if fallback < 0 and len(filled) >= 2:
            fallback = i
        score = cols.header_score(cells, known)
        score += sum(1 for c in filled if isinstance(c, str) and compact(c) in mapped)
        if score > best_score:
            best, best_score = i, score
    if best_score >= 2:
        return best, best_score
    if fallback >= 0:
        return fallback, best_score
    first = next((i for i, c in enumerate(rows.rows) if any(clean_text(v) for v in c)), 0)
    return first, best_score


def _preamble_cycle(rows: Rows, header: int) -> str | None:
    """A quarter named in a title row above the header ("Performance review Q3 2026")."""
    for cells in rows.rows[:header]:
        for cell in cells:
            text = clean_text(cell) if isinstance(cell, str) else None
            if text and _QUARTER.search(text):
                try:
                    return parse_cycle(text)
                except ValueError:
                    continue
    return None


def _decide_shape(layout: Layout, known: dict[str, str], scale: LabelScale) -> None:
    roles, headers = layout.columns.roles, layout.headers
    key_cols = {roles[r] for r in _KEY_ROLES if r in roles}
    readings = {
        c: next((r for r in header_readings(h) if compact(r[0]) in known), None)
        for c, h in enumerate(headers)
        if h and c not in key_cols
    }
    named = [c for c, r in readings.items() if r is not None]
    comment_cols = {
        c: compact(base)
        for c, h in enumerate(headers)
        if h and (base := cols.comment_base(h)) and c not in key_cols
    }
    if len(named) >= 2 or "competency" not in roles:
        guessed = [
            c
            for c, h in enumerate(headers)
            if h
            and c not in named
            and c not in layout.columns.claimed
            and c not in comment_cols
            and not meaning.never_ratings(h)
            and meaning.holds_ratings(layout, c, scale)
        ]
        wide_cols = sorted(named + guessed)
        if wide_cols and (len(named) >= 2 or "competency" not in roles):
            _make_wide(layout, wide_cols, known, comment_cols, readings)


def _make_wide(
    layout: Layout,
    wide_cols: list[int],
    known: dict[str, str],
    comment_cols: dict[int, str],
    readings: Mapping[int, tuple[str, str | None] | None],
) -> None:
    roles, headers = layout.columns.roles, layout.headers
    layout.shape = "wide"
    # a header that names a competency is a rating column, whatever other name it matches
    layout.columns.roles = roles = {r: c for r, c in roles.items() if c not in wide_cols}
    for c in wide_cols:
        base, rater = readings.get(c) or split_rater(headers[c])
        competency = known.get(compact(base), base)
        comment = next((k for k, b in comment_cols.items() if b == compact(base)), None)
        layout.wide.append(WideColumn(c, competency, rater, comment))
    unused = [r for r in ("rating", *cols.RATER_ROLES) if r in roles]
    for role in unused:
        col = roles.pop(role)
        layout.findings.append(
            info(
                "export-column-ignored",
                f"column '{headers[col]}' is not read: this export has one column per competency",
                "map it to a competency name if it holds one competency's ratings",
                layout.rows.where(layout.header, col, headers[col]),
            )
        )
