"""Finding a table on a sheet by meaning: its header row, its columns, its level columns.

The header row is searched in the first HEADER_SEARCH rows that hold values; each row is
scored by how many of its cells (merged cells count with their range's value) are known names
of the table's columns, plus, for the wide Matrix and Behaviors sheets, how many are level
codes ("IC1", "IC1 - Junior", "Level IC1"). Title rows above the header and notes beside the
table score low and are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.values import clean_text, normalize_header
from ladder_sheets.workbook.aliases import WIDE_TABLES, header_key
from ladder_sheets.workbook.grid import Grid, a1
from ladder_sheets.workbook.recognise import Candidate, Doubt, recognise

HEADER_SEARCH = 30
MAX_HEADER_WIDTH = 300  # columns a header may span; wider merged ranges are clipped
# What a level code looks like when the Levels sheet does not say: IC1, M2, L 3, P10, E5.
LEVEL_LIKE = re.compile(r"^[a-z]{1,4} ?\d{1,2}$")
_LEVEL_PREFIX = re.compile(r"^(level|grade|band) ")


@dataclass
class TableLayout:
    """Where one table sits: sheet, 0-based header row, canonical column -> 0-based column,
    and for wide sheets 0-based column -> level code. `headers` keeps each header cell's text."""

    table: str
    sheet: str
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    level_columns: dict[int, str] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    family: str | None = None
    unmapped_levels: dict[int, str] = field(default_factory=dict)
    # columns naming a level another column names too (column -> level code): not read
    twin_levels: dict[int, str] = field(default_factory=dict)
    # how each column was recognised, what was left in doubt, name read from first + last
    chosen: dict[str, Candidate] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)
    combined: dict[str, list[int]] = field(default_factory=dict)
    mapped: set[str] = field(default_factory=set)
    mapped_units: dict[str, str] = field(default_factory=dict)
    weight: float = 0.0
    # a transposed Matrix/Behaviors sheet: levels as rows, one column per competency
    competency_columns: dict[int, str] = field(default_factory=dict)

    @property
    def transposed(self) -> bool:
        return (
            self.table in WIDE_TABLES
            and bool(self.competency_columns)
            and ("level" in self.columns)
        )

    @property
    def long_form(self) -> bool:
        """A Matrix/Behaviors sheet laid out long: Competency | Level | Expected."""
        value_col = "expected" if self.table == "expectations" else "behavior"
        return (
            self.table in WIDE_TABLES
            and not self.level_columns
            and "level" in self.columns
            and value_col in self.columns
        )

    def header_cell(self, col: int | None = None) -> str:
        if col is None:
            col = min([*self.headers, 0])
        return a1(self.header_row, col)

    @property
    def score(self) -> float:
        return (
            self.weight + len(self.mapped) + len(self.level_columns) + len(self.competency_columns)
        )


def header_cells(grid: Grid, row: int) -> dict[int, str]:
    """Column -> header text of a row, merged ranges spread over every column they cover."""
    cols = {c for c, _ in grid.row_cells(row)}
    for r0, c0, r1, c1 in grid.merged:
        if r0 <= row <= r1:
            cols.update(range(c0, min(c1, c0 + MAX_HEADER_WIDTH) + 1))
    out = {}
    for c in sorted(cols):
        text = clean_text(grid.merged_value(row, c))
        if text:
            out[c] = text
    return out


def level_code(header: str, codes: dict[str, str]) -> str | None:
    """The level code a header names ("IC1", "IC1 - Junior", "Level IC1", "Senior Engineer
    (IC3)"), from `codes` (normalized code or job title -> code as written on the Levels sheet).

    Each longest run of words that is a code or a title names a level ("Engineer II (L3)"
    holds "engineer ii" and "l3", not the shorter title "engineer" of L2). The header names a
    level when every word is one of these and they agree, or when it starts with a code
    ("IC1 - Junior"); two levels named, or a title followed by words that are no level, is no
    level: a column read at the wrong level would be a wrong number without a message."""
    key = _LEVEL_PREFIX.sub("", normalize_header(header))
    if key in codes:
        return codes[key]
    words = key.split(" ") if key else []
    # no run longer than the longest code or title is one (a behaviour's sentence as a header
    # cell: its runs were hundreds of joins)
    most = max((k.count(" ") + 1 for k in codes), default=0)
    spans = [
        (i, j, codes[run])
        for i in range(len(words))
        for j in range(min(len(words), i + most), i, -1)
        if (run := " ".join(words[i:j])) in codes
    ]
    longest = [
        (i, j, code)
        for i, j, code in spans
        if not any(a <= i and j <= b and (a, b) != (i, j) for a, b, _ in spans)
    ]
    named = {code for _, _, code in longest}
    covered = sum(j - i for i, j, _ in longest)
    if len(named) == 1 and covered >= len(words):
        return next(iter(named))
    first = words[0] if words else ""
    if first in codes and normalize_header(codes[first]) == first and named <= {codes[first]}:
        return codes[first]
    # "IC 1" against "IC1"
    squeezed = key.replace(" ", "")
    return codes.get(squeezed)


def looks_like_level(header: str) -> bool:
    key = _LEVEL_PREFIX.sub("", normalize_header(header))
    return bool(LEVEL_LIKE.match(key) or LEVEL_LIKE.match(key.split(" ")[0]))


def match_row(
    grid: Grid,
    table: str,
    row: int,
    codes: dict[str, str] | None = None,
    forced: dict[str, str] | None = None,
    forced_levels: dict[str, str] | None = None,
    *,
    competencies: dict[str, str] | None = None,
    joined: dict[str, list[str]] | None = None,
    shape: str | None = None,
) -> TableLayout:
    """The layout a row would give if it were the header. `forced` maps canonical columns to
    header texts from a mapping; `forced_levels` maps header texts to level codes; `joined`
    names the headers a column is joined from; `competencies` (normalized name -> name)
    finds the columns of a transposed Matrix; `shape` is the mapping's word for it."""
    layout = TableLayout(table, grid.sheet, row)
    cells = header_cells(grid, row)
    layout.headers = cells
    forced_keys: dict[str, list[str]] = {}
    for col, h in (forced or {}).items():  # one header may be two concepts (e-mail as the key)
        forced_keys.setdefault(header_key(h), []).append(col)
    # a mapped level header matches its cell as written where one is ("E2 (2026)"), else by
    # its key, which drops a note in brackets (so that "E2 (2024)" is not mapped with it)
    written = {normalize_header(t) for t in cells.values()}
    exact_levels: dict[str, str] = {}
    level_keys: dict[str, str] = {}
    for h, level in (forced_levels or {}).items():
        if normalize_header(h) in written:
            exact_levels[normalize_header(h)] = level
        else:
            level_keys[header_key(h)] = level
    wide = table in WIDE_TABLES
    taken: set[int] = set()
    named_levels: dict[str, list[int]] = {}  # level code -> the columns naming it
    for c, text in cells.items():
        key = header_key(text)
        named = [col for col in forced_keys.get(key, []) if col not in layout.columns]
        if named:
            for column in named:
                layout.columns[column] = c
                layout.mapped.add(column)
            taken.add(c)
        elif wide and (normalize_header(text) in exact_levels or key in level_keys):
            exact = normalize_header(text)
            layout.level_columns[c] = (
                exact_levels[exact] if exact in exact_levels else level_keys[key]
            )
            taken.add(c)
        elif wide and codes and (code := level_code(text, codes)) is not None:
            named_levels.setdefault(code, []).append(c)
            taken.add(c)
    if named_levels:
        _one_column_a_level(layout, cells, named_levels, codes or {})
    for concept, headers in (joined or {}).items():
        keys = [header_key(h) for h in headers]
        cols = [next((c for c, t in cells.items() if header_key(t) == k), None) for k in keys]
        if all(c is not None for c in cols):
            layout.combined[concept] = [c for c in cols if c is not None]
            layout.columns[concept] = layout.combined[concept][0]
            layout.mapped.add(concept)
            taken.update(layout.combined[concept])
    if wide and competencies and shape in (None, "transposed") and not layout.level_columns:
        for c, text in cells.items():
            name = competencies.get(normalize_header(text))
            if c not in taken and name is not None:
                layout.competency_columns[c] = name
        if len(layout.competency_columns) < 2 and shape != "transposed":
            layout.competency_columns = {}
        taken.update(layout.competency_columns)
    found = recognise(grid, table, row, cells, codes, set(forced or {}), taken)
    if layout.competency_columns:
        # levels as rows: a level column, a family maybe, and nothing else than competencies
        found.columns = {k: v for k, v in found.columns.items() if k in ("level", "family")}
    layout.columns.update(found.columns)
    if layout.competency_columns and "level" not in layout.columns and codes:
        level_col = _column_of_codes(grid, row, codes, taken)
        if level_col is not None:
            layout.columns["level"] = level_col
    layout.chosen = found.chosen
    layout.doubts = found.doubts
    layout.combined.update(found.combined)
    for concept, parts in found.combined.items():
        layout.columns[concept] = parts[0]
    layout.weight = found.total
    if wide and layout.level_columns and not layout.competency_columns:
        # Levels as columns: a header meaning "level" (or "expected") over the values is no
        # column the sheet is read by, but one to report (reader: missing level column).
        for concept in ("level", "expected", "behavior"):
            if concept not in layout.mapped and concept in found.columns:
                del layout.columns[concept]
                layout.chosen.pop(concept, None)
    if wide:
        for c, text in cells.items():
            if c in taken or c in found.columns.values():
                continue
            if looks_like_level(text):
                layout.unmapped_levels[c] = text
    if wide and not codes and not layout.level_columns:
        # No Levels sheet to compare with: level-like headers are the levels.
        for c, text in layout.unmapped_levels.items():
            layout.level_columns[c] = text.split(" - ")[0].split(":")[0].strip()
        layout.unmapped_levels = {}
    return layout


def _one_column_a_level(
    layout: TableLayout, cells: dict[int, str], named: dict[str, list[int]], codes: dict[str, str]
) -> None:
    """Each level read from one column. Where several name a level ("E1" and a stale, hidden
    "E1 (2024)"), the one whose header is the level's code or title alone is read and the
    others are twins (a warning); with no such one, none is read (an error asks which)."""
    keep: dict[int, str] = {}
    for code, cols in named.items():
        if code in layout.level_columns.values():  # the mapping named its column
            layout.twin_levels.update(dict.fromkeys(cols, code))
            continue
        exact = [c for c in cols if _LEVEL_PREFIX.sub("", normalize_header(cells[c])) in codes]
        chosen = cols[0] if len(cols) == 1 else exact[0] if len(exact) == 1 else None
        if chosen is not None:
            keep[chosen] = code
        layout.twin_levels.update({c: code for c in cols if c != chosen})
    for c in sorted(keep):
        layout.level_columns[c] = keep[c]


def _column_of_codes(grid: Grid, row: int, codes: dict[str, str], taken: set[int]) -> int | None:
    """The column below `row` whose values are mostly level codes (a transposed Matrix with no
    header over its levels)."""
    counts: dict[int, list[int]] = {}
    for r in grid.rows_present():
        if r <= row:
            continue
        for c, v in grid.row_cells(r):
            if c in taken or not isinstance(v, str):
                continue
            hit = counts.setdefault(c, [0, 0])
            hit[0] += normalize_header(v) in codes
            hit[1] += 1
    fits = [c for c, (n, total) in counts.items() if total >= 2 and n >= 0.8 * total]
    return min(fits) if fits else None


def find_header(
    grid: Grid,
    table: str,
    codes: dict[str, str] | None = None,
    *,
    header_row: int | None = None,
    forced: dict[str, str] | None = None,
    forced_levels: dict[str, str] | None = None,
    competencies: dict[str, str] | None = None,
    joined: dict[str, list[str]] | None = None,
    shape: str | None = None,
) -> TableLayout | None:
    """The best header row for `table` on `grid`, or None when no row names any column."""
    more: dict[str, Any] = {"competencies": competencies, "joined": joined, "shape": shape}
    if header_row is not None:
        return match_row(grid, table, header_row, codes, forced, forced_levels, **more)
    best: TableLayout | None = None
    for row in grid.rows_present()[:HEADER_SEARCH]:
        layout = match_row(grid, table, row, codes, forced, forced_levels, **more)
        if layout.score and (best is None or layout.score > best.score):
            best = layout
    return best


def is_note_row(cells: dict[str, Any]) -> bool:
    """A row holding one long sentence or a 'Note:' line, not a record."""
    texts = [v for v in cells.values() if v is not None]
    if len(texts) != 1 or not isinstance(texts[0], str):
        return False
    text = texts[0].lower()
    return text.startswith(("note", "nb:", "n.b.", "*", "source:", "last updated", "updated")) or (
        len(text) > 120 and text.count(" ") > 15
    )


# A row's first value saying it sums up the rows above ("Total", "Grand total", "Average",
# "Total headcount"): whole words only, so that "Total Rewards" stays a competency.
_TOTALS = re.compile(
    r"^(grand |sub ?)?(totals?|sum|average|avg|mean|count|headcount)"
    r"( (headcount|employees|staff|people|count|score|scores))?$"
)


def is_totals_label(text: str) -> bool:
    return bool(_TOTALS.match(normalize_header(text)))
