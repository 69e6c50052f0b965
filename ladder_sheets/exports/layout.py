"""Where the header is, which column holds what, and whether the export is long or wide.

Long: one row per employee x competency, with a competency column and one or more rating
columns (a single "Rating", or "Self Rating" and "Manager Rating" side by side). Wide: one row
per employee and one column per competency; told apart by headers that name known
competencies, or, when there is no competency column, by columns whose values are ratings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ladder_sheets.cellmap import column_letters
from ladder_sheets.exports import columns as cols
from ladder_sheets.exports import meaning
from ladder_sheets.exports.columns import Columns, compact, header_readings, split_rater
from ladder_sheets.exports.cycles import named_cycle
from ladder_sheets.exports.labels import LabelScale
from ladder_sheets.exports.source import Rows, Source
from ladder_sheets.findings import Finding, Where, info, warning
from ladder_sheets.values import clean_text

HEADER_SCAN = 30  # rows searched for the header (title and preamble rows come first)
SAMPLE_ROWS = 500  # data rows sampled to decide whether a column holds ratings
RATING_SHARE = 0.8  # share of a column's values that must read as ratings
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
    preamble_cycle: tuple[str, str, str] | None = None  # (cycle, how it was read, the title)
    findings: list[Finding] = field(default_factory=list)
    rater_words: dict[str, str] = field(default_factory=dict)  # the mapping's: word -> kind
    evidence: dict[int, str] = field(default_factory=dict)  # column -> "values" when judged so
    # competency cells read by the competency their question text names ("Delivery: How...")
    competency_texts: dict[str, str] = field(default_factory=dict)

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
    best: tuple[int, tuple[bool, int, int], Rows] | None = None
    holding: list[Rows] = []  # the tabs with rating columns
    header_rows = [find_header(rows, set(known), mapped) for rows in candidates]
    columns = [
        rating_columns_at(rows, index, scale)
        for rows, (index, _) in zip(candidates, header_rows, strict=True)
    ]
    several = len(candidates) > 1
    compared = sum(map(bool, columns)) > 1  # ratings counted only where two tabs hold some
    for rows, (index, score), found in zip(candidates, header_rows, columns, strict=True):
        # A tab holding ratings beats a summary or instructions tab with a better header, and
        # the tab holding the most ratings beats one whose header names more columns: one
        # team's 30 people must not stand in for another team's 120.
        cells = rating_cells(rows, index, scale, found) if compared and found else 0
        rated = (bool(found), cells, score)
        if rated[0]:
            holding.append(rows)
        if best is None or rated > best[1]:
            best = (index, rated, rows)
    assert best is not None
    index, (_, cells, _), rows = best
    if several:
        others = ", ".join(f"'{s.sheet}'" for s in candidates if s is not rows)
        why = f"the most ratings ({cells:,})" if len(holding) > 1 else "the ratings"
        findings.append(
            info(
                "export-sheet-chosen",
                f"tab '{rows.sheet}' read: it holds {why}; {others} not read",
                "name the tab in the mapping if another one holds the ratings",
                Where(file=rows.file, sheet=rows.sheet, cell="A1"),
            )
        )
        unread = [str(s.sheet) for s in holding if s is not rows]
        if unread:  # ratings left behind are a warning, not a note
            findings.append(tabs_not_read(rows.file, unread))
    headers = [clean_text(v) or "" for v in rows.rows[index]] if rows.rows else []
    if not mapped:
        headers = _two_row_header(rows, index, headers, set(known), findings)
    layout = Layout(rows, index, headers, cols.assign(headers, mapping), findings=findings)
    layout.preamble_cycle = _preamble_cycle(rows, index)
    if rows.rows:
        meaning.assign_by_meaning(layout, scale, set(mapping), known)
    _decide_shape(layout, known, scale)
    return layout


def tabs_not_read(file: str | None, tabs: list[str]) -> Finding:
    """The warning for tabs of an export that hold ratings under another header than the
    tab(s) read."""
    named = ", ".join(f"'{t}'" for t in tabs)
    many = len(tabs) > 1
    return warning(
        "export-sheet-not-read",
        f"{named} also {'hold' if many else 'holds'} ratings, under another header, and "
        f"{'are' if many else 'is'} not read",
        "if those ratings belong to this review, export them under the same header or pass "
        "that tab in a file of its own",
        Where(file=file, sheet=tabs[0], cell="A1"),
    )


def find_header(rows: Rows, known: set[str], mapped: set[str]) -> tuple[int, int]:
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


def _two_row_header(
    rows: Rows, index: int, headers: list[str], known: set[str], findings: list[Finding]
) -> list[str]:
    """A header in two rows, as forms made in Excel have: a group row ("Manager rating" merged
    over the competencies, "Self rating" over them again) above the competency names, and
    the key columns' names in the group row over blank cells. Each column's header is then
    "group - name", or the group row's text where the lower cell is blank. Taken only where
    that reads more columns than the lower row alone (a title row above is left alone)."""
    if index == 0:
        return headers
    above = [clean_text(v) if isinstance(v, str) else None for v in rows.rows[index - 1]]
    above += [None] * (len(headers) - len(above))
    if sum(1 for a in above if a) < 2:
        return headers
    if not any(a and not h for a, h in zip(above, headers, strict=False)):
        return headers
    composed: list[str] = []
    group: str | None = None
    spans: dict[str, list[int]] = {}
    for col, header in enumerate(headers):
        if above[col]:
            group = above[col]
        if not header:
            composed.append(above[col] or "")
            group = None  # a key column's own name ends a group
        elif group:
            composed.append(f"{group} - {header}")
            spans.setdefault(group, []).append(col)
        else:
            composed.append(header)
    if cols.header_score(list(composed), known) <= cols.header_score(list(headers), known):
        return headers
    said = "; ".join(
        f"'{g}' over {column_letters(c[0])}-{column_letters(c[-1])}" for g, c in spans.items()
    )
    findings.append(
        info(
            "export-two-row-header",
            f"the header is read from two rows: the names in row {rows.numbers[index]} under "
            f"the groups of row {rows.numbers[index - 1]} ({said})",
            "nothing to do if that is right; otherwise name the columns in the mapping",
            rows.where(index - 1, 0, composed[0] if composed else None),
        )
    )
    return composed


def rating_columns(rows: Rows, header: int, scale: LabelScale, summaries: bool = True) -> int:
    """How many columns below the header hold ratings in most sampled rows (without
    `summaries`, columns headed "Average", "Total", a date... are not counted)."""
    return len(rating_columns_at(rows, header, scale, summaries))


def rating_columns_at(
    rows: Rows, header: int, scale: LabelScale, summaries: bool = True
) -> list[int]:
    """The columns rating_columns counts."""
    sample = rows.rows[header + 1 : header + 1 + meaning.SAMPLE_ROWS]
    width = max((len(r) for r in sample), default=0)
    names = rows.rows[header] if rows.rows else []
    found = []
    for col in range(width):
        name = clean_text(names[col]) if col < len(names) else None
        if not summaries and name and meaning.never_ratings(name):
            continue
        values = [r[col] for r in sample if col < len(r) and clean_text(r[col])]
        if values and sum(map(scale.looks_like_rating, values)) >= meaning.RATING_SHARE * len(
            values
        ):
            found.append(col)
    return found


def rating_cells(rows: Rows, header: int, scale: LabelScale, columns: list[int]) -> int:
    """How many cells below the header, in `columns`, look like ratings: how many ratings the
    tab holds, whatever its shape (a row per rating, or a column per competency)."""
    count = 0
    for cells in rows.rows[header + 1 :]:
        for col in columns:
            if col < len(cells) and clean_text(cells[col]) and scale.looks_like_rating(cells[col]):
                count += 1
    return count


def _preamble_cycle(rows: Rows, header: int) -> tuple[str, str, str] | None:
    """The cycle a title row above the header names ("Performance review Q3 2026", "Mid-Year
    Review 2026"): (cycle, how it was read, the title)."""
    for cells in rows.rows[:header]:
        for cell in cells:
            text = clean_text(cell) if isinstance(cell, str) else None
            named = named_cycle(text) if text else None
            if text and named:
                return (*named, text)
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
        summaries = [
            c
            for c, h in enumerate(headers)
            if h and c not in wide_cols and meaning.is_summary(h) and c not in key_cols
        ]
        if wide_cols and summaries:
            names = ", ".join(f"'{headers[c]}'" for c in summaries)
            layout.findings.append(
                info(
                    "export-summary-ignored",
                    f"{names} {'sum' if len(summaries) > 1 else 'sums'} up the competency "
                    f"columns and {'are' if len(summaries) > 1 else 'is'} not read as ratings",
                    "nothing to do: each competency's own rating is read",
                    layout.rows.where(layout.header, summaries[0], headers[summaries[0]]),
                )
            )
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
