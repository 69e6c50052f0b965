"""The pandera schemas of the canonical tables, declared apart from the code that runs them.

Each table has a kind per column (how a raw cell value is coerced: number, yes/no, date, cycle,
one of a list, text) and a pandera `DataFrameSchema` over the typed values. Every check carries a
stable finding code as its `error`, so a failure case maps straight to a Finding: the code, its
severity and hint come from `RULES`. `tables.py` runs them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Severity
from ladder_sheets.model import (
    CATEGORIES,
    MANAGER,
    PATH_KINDS,
    RATER_TYPES,
    SCALE,
    TRACKS,
)
from ladder_sheets.values import clean_text, is_blank, map_distinct, normalize_header

NUMBER, YES_NO, DATE, CYCLE, CHOICE, TEXT = "number", "yes/no", "date", "cycle", "choice", "text"

# Column kinds per table; a column not listed is text.
KINDS: dict[str, dict[str, str]] = {
    "levels": {
        "track": CHOICE,
        "order": NUMBER,
        "min_quarters": NUMBER,
        "band_min": NUMBER,
        "band_max": NUMBER,
    },
    "competencies": {"category": CHOICE},
    "expectations": {"expected": NUMBER},
    "behaviors": {},
    "criteria": {
        "min_average": NUMBER,
        "min_each": NUMBER,
        "cycles_at_next": NUMBER,
        "min_quarters": NUMBER,
        "requires_endorsement": YES_NO,
        "requires_calibration": YES_NO,
    },
    "paths": {"kind": CHOICE},
    "employees": {"track": CHOICE, "in_level_since": DATE, "left_on": DATE},
    "history": {"cycle": CYCLE, "rating": NUMBER, "rater_type": CHOICE},
    "evidence": {"cycle": CYCLE, "scope_met": YES_NO, "endorsed": YES_NO, "calibrated": YES_NO},
}

# Allowed values of CHOICE columns, with the other spellings HR tools use for them.
CHOICES: dict[str, tuple[str, ...]] = {
    "track": TRACKS,
    "category": CATEGORIES,
    "kind": PATH_KINDS,
    "rater_type": RATER_TYPES,
}
CHOICE_ALIASES: dict[str, str] = {
    "individual contributor": "IC",
    "manager": "Management",
    "mgmt": "Management",
    "people manager": "Management",
    "people leader": "Management",
    "people leadership": "Management",
    "leadership": "Management",
    "management track": "Management",
    "managerial": "Management",
    "ic track": "IC",
    "individual contributor track": "IC",
    "technical": "Functional",
    "return to ic": "Return",
    "line manager": "manager",
    "mgr": "manager",
    "self assessment": "self",
    "self review": "self",
    "peer review": "peer",
}
# A blank rater type is the manager's rating (the one readiness uses).
CHOICE_DEFAULTS: dict[str, str] = {"rater_type": MANAGER}

# Codes for values that could not be parsed at all, by (table, column) then by kind.
PARSE_CODES: dict[tuple[str, str], str] = {
    ("history", "rating"): "rating-not-a-number",
    ("expectations", "expected"): "expectation-not-a-number",
}
KIND_CODES = {
    NUMBER: "not-a-number",
    YES_NO: "not-yes-no",
    DATE: "not-a-date",
    CYCLE: "not-a-cycle",
}


@dataclass(frozen=True)
class Rule:
    severity: Severity
    hint: str
    # Checks over whole rows (duplicates) are reported at this column's cell.
    column: str | None = None


def _rule(code: str, column: str | None = None) -> Rule:
    """A schema check's code as the registry has it (codes.py): severity and hint."""
    return Rule(CODES[code].severity, CODES[code].hint, column)


# The codes the schemas report, and for checks over whole rows the column they are reported at.
RULES: dict[str, Rule] = {
    code: _rule(code, column)
    for code, column in {
        "missing-value": None,
        "not-a-number": None,
        "rating-not-a-number": None,
        "expectation-not-a-number": None,
        "not-yes-no": None,
        "not-a-date": None,
        "ambiguous-date": None,
        "date-order": None,
        "date-month-only": None,
        "not-a-cycle": None,
        "rating-out-of-scale": None,
        "expectation-out-of-scale": None,
        "criteria-inconsistent": None,
        "negative-value": None,
        "band-inverted": "band_min",
        "unknown-track": None,
        "unknown-category": None,
        "unknown-path-kind": None,
        "unknown-rater-type": None,
        "duplicate-level": "level",
        "duplicate-level-order": "order",
        "duplicate-competency": "competency",
        "duplicate-matrix-cell": "expected",
        "duplicate-behavior-cell": "behavior",
        "duplicate-criteria": "from_level",
        "duplicate-employee-id": "employee_id",
        "duplicate-evidence": "employee_id",
    }.items()
}

CHOICE_CODES = {
    "track": "unknown-track",
    "category": "unknown-category",
    "kind": "unknown-path-kind",
    "rater_type": "unknown-rater-type",
}


def name_key(value: object) -> str:
    """How names are compared across tables: case, spacing and punctuation ignored."""
    if isinstance(value, str):
        return _name_key(value)
    return "" if is_blank(value) else normalize_header(value)


def id_key(value: object) -> str:
    """How IDs are compared: case and outer spaces ignored, punctuation kept (E-1 is not E1)."""
    if isinstance(value, str):
        return _id_key(value)
    return (clean_text(value) or "").casefold()


# Ratings repeat the same few names thousands of times.
@functools.lru_cache(maxsize=65536)
def _name_key(value: str) -> str:
    return "" if is_blank(value) else normalize_header(value)


@functools.lru_cache(maxsize=65536)
def _id_key(value: str) -> str:
    return (clean_text(value) or "").casefold()


def key_of(column: str) -> Callable[[object], str]:
    return id_key if column in ("employee_id", "manager_id") else name_key


# What makes a row unique in its table, by the code a repeat is reported with.
UNIQUE_KEYS: dict[str, list[str]] = {
    "duplicate-level": ["family", "level"],
    "duplicate-level-order": ["family", "track", "order"],
    "duplicate-competency": ["family", "competency"],
    "duplicate-matrix-cell": ["family", "competency", "level"],
    "duplicate-behavior-cell": ["family", "competency", "level"],
    "duplicate-criteria": ["family", "from_level", "to_level"],
    "duplicate-employee-id": ["employee_id"],
    "duplicate-evidence": ["cycle", "employee_id"],
}


def unique_key(code: str, row: Any) -> tuple[str, ...]:
    """A row's key for the uniqueness rule `code`: each column compared as a name or an ID."""
    return tuple(key_of(column)(row[column]) for column in UNIQUE_KEYS[code])


def _unique(code: str) -> pa.Check:
    """Rows whose key repeats an earlier row's key (compared as names) fail; blank keys pass."""
    keys = UNIQUE_KEYS[code]

    def check(df: pd.DataFrame) -> pd.Series:
        # each column's key once per distinct value, as unique_key gives it row by row
        parts = [map_distinct(df[c].to_numpy(dtype=object), key_of(c))[0] for c in keys]
        key = pd.Series(list(zip(*parts, strict=True)), index=df.index, dtype=object)
        blank = df[keys[-1]].map(is_blank)
        return blank | ~key.duplicated(keep="first")

    return pa.Check(check, error=code)


def _in_range(code: str, low: float, high: float | None = None) -> pa.Check:
    if high is None:
        return pa.Check.ge(low, error=code)
    return pa.Check.in_range(low, high, error=code)


def _not_above(code: str, low: str, high: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        return ~(df[low] > df[high])

    return pa.Check(check, error=code)


def _column(kind: str, *checks: pa.Check, required: bool = False) -> pa.Column:
    dtype = "float64" if kind == NUMBER else None
    return pa.Column(dtype, checks=list(checks), nullable=not required, required=False)


def _choice(column: str, *, required: bool = False) -> pa.Column:
    return _column(
        CHOICE, pa.Check.isin(list(CHOICES[column]), error=CHOICE_CODES[column]), required=required
    )


def _schema(columns: dict[str, pa.Column], checks: list[pa.Check]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, checks=checks, strict=False)


SCALE_LOW, SCALE_HIGH = SCALE

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "levels": _schema(
        {
            "track": _choice("track", required=True),
            "level": _column(TEXT, required=True),
            "order": _column(NUMBER, required=True),
            "min_quarters": _column(NUMBER, _in_range("negative-value", 0)),
            "band_min": _column(NUMBER, _in_range("negative-value", 0)),
            "band_max": _column(NUMBER, _in_range("negative-value", 0)),
        },
        [
            _unique("duplicate-level"),
            _unique("duplicate-level-order"),
            _not_above("band-inverted", "band_min", "band_max"),
        ],
    ),
    "competencies": _schema(
        {
            "competency": _column(TEXT, required=True),
            "category": _choice("category", required=True),
        },
        [_unique("duplicate-competency")],
    ),
    "expectations": _schema(
        {
            "competency": _column(TEXT, required=True),
            "level": _column(TEXT, required=True),
            "expected": _column(
                NUMBER, _in_range("expectation-out-of-scale", SCALE_LOW, SCALE_HIGH)
            ),
        },
        [_unique("duplicate-matrix-cell")],
    ),
    "behaviors": _schema(
        {"competency": _column(TEXT, required=True), "level": _column(TEXT, required=True)},
        [_unique("duplicate-behavior-cell")],
    ),
    "criteria": _schema(
        {
            "from_level": _column(TEXT, required=True),
            "to_level": _column(TEXT, required=True),
            "min_average": _column(
                NUMBER, _in_range("criteria-inconsistent", SCALE_LOW, SCALE_HIGH)
            ),
            "min_each": _column(NUMBER, _in_range("criteria-inconsistent", SCALE_LOW, SCALE_HIGH)),
            "cycles_at_next": _column(NUMBER, _in_range("criteria-inconsistent", 0)),
            "min_quarters": _column(NUMBER, _in_range("criteria-inconsistent", 0)),
        },
        [_unique("duplicate-criteria")],
    ),
    "paths": _schema(
        {
            "kind": _choice("kind", required=True),
            "from_level": _column(TEXT, required=True),
            "to_level": _column(TEXT, required=True),
        },
        [],
    ),
    "employees": _schema(
        {
            "employee_id": _column(TEXT, required=True),
            "level": _column(TEXT, required=True),
            "track": _choice("track"),
        },
        [_unique("duplicate-employee-id")],
    ),
    # Duplicate ratings are checked across files in ratings.py, not per table.
    "history": _schema(
        {
            "cycle": _column(CYCLE, required=True),
            "employee_id": _column(TEXT, required=True),
            "competency": _column(TEXT, required=True),
            "rating": _column(NUMBER, _in_range("rating-out-of-scale", SCALE_LOW, SCALE_HIGH)),
            "rater_type": _choice("rater_type"),
        },
        [],
    ),
    "evidence": _schema(
        {"cycle": _column(CYCLE, required=True), "employee_id": _column(TEXT, required=True)},
        [_unique("duplicate-evidence")],
    ),
}
