"""Export columns understood by what they hold, after their names (columns.assign) had their
say: the column whose values name the framework's competencies ("Delivery", or a question's
text "Delivery: how well...") is the competency column where no name said so or the named one
holds none; a "Rater", "Review Direction" or "Relationship" column whose values are rater kinds
is the rater type; a column named for a rater ("Manager Evaluation", "Self Review", "Upward")
whose values are ratings is that rater's rating; summary and timestamp columns are never
ratings.

Every decision taken here on values is said as an info finding naming the column, and kept
in `Layout.understood` for `inspect` (concept, column, evidence, confidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ladder_sheets.exports import columns as cols
from ladder_sheets.exports.columns import compact, names_competency, split_rater
from ladder_sheets.exports.raters import holds_rater_kinds, names_rater, rater_kind
from ladder_sheets.findings import info
from ladder_sheets.values import clean_text, normalize_header

if TYPE_CHECKING:
    from ladder_sheets.exports.labels import LabelScale

# layout.Layout, which calls into this module: named loosely here so the two are no circle.
Layout = Any

SAMPLE_ROWS = 500  # data rows sampled to judge a column by its values
RATING_SHARE = 0.8  # share of a column's values that must read as ratings

# Header words of columns that sum up other columns: never a competency's rating.
SUMMARY_WORDS = frozenset(
    ("overall", "total", "summary", "average", "avg", "mean", "weighted", "composite", "aggregate")
)
# Header words of columns holding when something happened: never ratings.
TIME_WORDS = frozenset(
    (
        "timestamp", "date", "time", "submitted", "completed", "created", "updated", "started",
        "finished", "modified", "signed", "acknowledged", "due", "at", "on",
    )
)  # fmt: skip
# Roles that identify the row; a column holding one is never re-read by its values.
_KEY_ROLES = ("employee_id", "name", "competency", "cycle")


@dataclass
class Understood:
    """How one concept of an export was found: for `inspect` and --write-mapping."""

    concept: str  # a role of columns.ROLES, or "competency:<name>" for a wide column
    column: str  # the header
    col: int
    evidence: str  # "name", "values", "name and values", "mapping"
    confidence: str  # "high", "medium", "low"
    rater: str | None = None


def sample(layout: Layout, col: int) -> list[Any]:
    """The column's non-blank values in the first SAMPLE_ROWS data rows."""
    out = []
    for i in layout.data_rows()[:SAMPLE_ROWS]:
        cells = layout.rows.rows[i]
        if col < len(cells) and clean_text(cells[col]):
            out.append(cells[col])
    return out


def holds_ratings(layout: Layout, col: int, scale: LabelScale) -> bool:
    """Whether most of a column's sampled values read as ratings (numbers 0-10 or labels)."""
    values = sample(layout, col)
    rated = sum(1 for v in values if scale.looks_like_rating(v))
    return bool(values) and rated >= RATING_SHARE * len(values)


def words(header: str) -> set[str]:
    return set(normalize_header(header).split())


def is_summary(header: str) -> bool:
    return bool(words(header) & SUMMARY_WORDS)


def never_ratings(header: str) -> bool:
    """Summary and timestamp columns: never melted into competency ratings."""
    w = words(header)
    return bool(w & SUMMARY_WORDS) or bool(w & TIME_WORDS)


def assign_by_meaning(
    layout: Layout, scale: LabelScale, mapped: Iterable[str], known: dict[str, str]
) -> None:
    """Roles from values where names were silent or wrong (see the module's docstring);
    roles the mapping gave are left alone. `known` maps compact competency names to the
    framework's spelling."""
    fixed = set(mapped)
    roles, headers = layout.columns.roles, layout.headers
    if "competency" not in fixed and known:
        _competency_column(layout, known)
    keys = {roles[r] for r in _KEY_ROLES if r in roles}
    if "rater_type" not in fixed:
        _rater_type_column(layout, keys)
    keys |= {roles[r] for r in ("rater_type",) if r in roles}
    for col, header in enumerate(headers):
        if not header or col in keys:
            continue
        kind = rater_kind(header)
        role = cols.RATING_ROLE_OF.get(kind or "")
        if role is None or role in roles or role in fixed:
            continue
        if not holds_ratings(layout, col, scale):
            continue
        for other in [r for r, c in roles.items() if c == col]:
            del roles[other]  # "Manager" holding ratings is the manager's rating, not a name
        roles[role] = col
        layout.columns.claimed.add(col)
        layout.evidence[col] = "name and values"
        layout.findings.append(
            info(
                "export-column-understood",
                f"column '{header}' read as the {kind} rating: its name names the rater and "
                "its values are ratings",
                "nothing to do if that is right; otherwise name the column in the mapping",
                layout.rows.where(layout.header, col, header),
            )
        )


def _rater_type_column(layout: Layout, keys: set[int]) -> None:
    roles, headers = layout.columns.roles, layout.headers
    current = roles.get("rater_type")
    if current is not None and holds_rater_kinds(sample(layout, current)):
        return
    found = [
        c
        for c, h in enumerate(headers)
        if h and c not in keys and c != current and holds_rater_kinds(sample(layout, c))
    ]
    if not found:
        return
    # a column whose name speaks of raters first, then the leftmost
    found.sort(key=lambda c: (not names_rater(headers[c]), c))
    col = found[0]
    for other in [r for r, c in roles.items() if c == col]:
        del roles[other]  # "Rater" holding Manager/Self is the rater type, not the reviewer
    roles["rater_type"] = col
    layout.columns.claimed.add(col)
    layout.evidence[col] = "values"
    seen = sorted({clean_text(v) or "" for v in sample(layout, col)})[:6]
    layout.findings.append(
        info(
            "export-column-understood",
            f"column '{headers[col]}' read as the rater type: its values are rater kinds "
            f"({', '.join(seen)})",
            "nothing to do if that is right; otherwise name the column in the mapping",
            layout.rows.where(layout.header, col, headers[col]),
        )
    )


def _competency_column(layout: Layout, known: dict[str, str]) -> None:
    """In a long export, the column whose values name the framework's competencies, where no
    column's name says so ("Competency Question") or the one whose name does holds none
    ("Area" holding departments beside a "Question Text" column)."""
    roles, headers = layout.columns.roles, layout.headers
    # two or more headers naming competencies: a wide export, whose other columns may well
    # name a competency as a value ("Focus area next quarter") without being the key
    if sum(1 for h in headers if h and compact(split_rater(h)[0]) in known) >= 2:
        return
    current = roles.get("competency")
    if current is not None and _naming_share(layout, current, known)[0] > 1 - RATING_SHARE:
        return
    best: tuple[float, int, list[str]] | None = None
    for col, header in enumerate(headers):
        if not header or col in layout.columns.claimed:
            continue
        share, named = _naming_share(layout, col, known)
        if share >= RATING_SHARE and (best is None or share > best[0]):
            best = (share, col, named)
    if best is None:
        return
    share, col, named = best
    roles["competency"] = col
    layout.columns.claimed.add(col)
    layout.evidence[col] = "values"
    seen = sorted(set(named))
    shown = ", ".join(seen[:4]) + (f" and {len(seen) - 4} more" if len(seen) > 4 else "")
    instead = ""
    if current is not None:
        held = sorted({clean_text(v) or "" for v in sample(layout, current)})
        instead = (
            f"; column '{headers[current]}', named like a competency column, holds none "
            f"({', '.join(held[:3])}{', ...' if len(held) > 3 else ''}) and is not read"
        )
    layout.findings.append(
        info(
            "export-column-understood",
            f"column '{headers[col]}' read as the competency: {share:.0%} of its sampled values "
            f"name a competency of the framework ({shown}){instead}",
            "nothing to do if that is right; otherwise name the column in the mapping",
            layout.rows.where(layout.header, col, headers[col]),
        )
    )


def _naming_share(layout: Layout, col: int, known: dict[str, str]) -> tuple[float, list[str]]:
    """The share of a column's sampled values naming a competency, and the ones named."""
    values = sample(layout, col)
    named = [n for v in values if (n := names_competency(v, known))]
    return (len(named) / len(values) if values else 0.0), named
