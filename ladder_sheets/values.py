"""Parsing the values people type into spreadsheets and HR tools export.

Shared by the workbook reader, the schemas and the export importer so that "Yes", "3.0",
"03.02.2026", "Q3 2026" and "_x000D_" mean the same thing everywhere. Each parser returns None
for blank input and raises ValueError (with a short reason) for input it cannot read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SPACES = re.compile(r"\s+")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, (str, int, list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_text(value: Any) -> str | None:
    """Text as a person reads it: `_x000D_` escapes decoded, line breaks and runs of spaces
    folded into one space, ends trimmed. Numbers become their shortest text ("3", not "3.0")."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(value))
    text = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
    return text or None


def normalize_header(value: Any) -> str:
    """A header reduced for matching: lower case, punctuation and spacing folded."""
    text = clean_text(value) or ""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^0-9a-z%#]+", " ", text)
    return _SPACES.sub(" ", text).strip()


def parse_number(value: Any) -> float | None:
    """A number, also when stored as text ("3", " 3,5 ", "4.0")."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = clean_text(value) or ""
    text = text.replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{clean_text(value)}' is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"'{clean_text(value)}' is not a number")
    return number


_TRUE = {"yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "required", "done", "confirmed"}
_FALSE = {"no", "n", "false", "f", "0", "-", "nein", "non", "not required", "pending"}


def parse_bool(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = (clean_text(value) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{clean_text(value)}' is not Yes or No")


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",  # European dotted dates are day first: 03.02.2026 is 3 February
    "%d.%m.%y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
    # Excel's own text dates: d-mmm-yy ("01-Dec-25") and d-mmm-yyyy; a month name is no doubt
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d %b %y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)


def parse_date(value: Any, *, month_first: bool = False) -> dt.date | None:
    """A calendar date from a date cell, an Excel serial number or text.

    Slashed dates are ambiguous; they are read day first unless month_first is set (and a
    day above 12 settles it either way)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()  # type: ignore[no-any-return]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial day numbers (1900 system)
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise ValueError(f"{value} is not a date")
    text = clean_text(value) or ""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12:
            day, month = a, b
        elif b > 12 or month_first:
            day, month = b, a
        else:
            day, month = a, b
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{text}' is not a date") from None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use YYYY-MM-DD)")


_MONTH_ONLY = (
    re.compile(r"(?P<month>[A-Za-z]{3,9})\.?[\s,-]+(?P<year>\d{4})"),  # Dec 2025, December-2025
    re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})"),  # 2025-12
    re.compile(r"(?P<month>\d{1,2})[-/.](?P<year>\d{4})"),  # 12/2025
)
_MONTHS = {
    name.casefold(): n
    for n in range(1, 13)
    for name in (
        dt.date(2000, n, 1).strftime("%b"),
        dt.date(2000, n, 1).strftime("%B"),
        "Sept" if n == 9 else "",
    )
    if name
}


def month_only(value: Any, day: str = "first") -> dt.date | None:
    """The first (or, with day="last", the last) day of the month a text names alone ("Dec
    2025", "2025-12", "12/2025"); None for anything else (a full date, a number, another
    text)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _MONTH_ONLY:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        month = m.group("month")
        number = int(month) if month.isdigit() else _MONTHS.get(month.casefold())
        year = int(m.group("year"))
        if number is not None and 1 <= number <= 12 and 1900 <= year <= 2200:
            first = dt.date(year, number, 1)
            return first if day == "first" else first.replace(day=_days_in(year, number))
    return None


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def slashed_date_order(values: Any) -> tuple[str | None, str | None]:
    """How a column's slashed text dates read: ("day", example) when a day above 12 comes
    first, ("month", example) when it comes second, ("mixed", example) when both occur,
    ("ambiguous", example) when some date reads differently either way (07/01/2026) and no
    value settles it, (None, None) when no value is a slashed date that needs settling.

    Where no day above 12 settles it but every such date is the first of a month under one
    reading only (a level starts on the 1st: 01/04/2025 day first, 04/01/2025 month first),
    that reading is taken: ("day-1st", example) or ("month-1st", example)."""
    day = month = ambiguous = None
    firsts = {"a": True, "b": True}  # every ambiguous date has 1 as its first / second number
    for value in values:
        if not isinstance(value, str):
            continue
        m = _SLASHED.fullmatch(value.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12:
            day = day or value.strip()
        elif b > 12:
            month = month or value.strip()
        elif a != b:
            ambiguous = ambiguous or value.strip()
            firsts["a"] &= a == 1
            firsts["b"] &= b == 1
    if day and month:
        return "mixed", f"{day}' and '{month}"
    if day or month:
        return ("day", day) if day else ("month", month)
    if ambiguous and firsts["a"]:
        return "day-1st", ambiguous
    if ambiguous and firsts["b"]:
        return "month-1st", ambiguous
    return ("ambiguous", ambiguous) if ambiguous else (None, None)


_CYCLE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})\s*[-_/ ]?\s*q(?P<q>[1-4])", re.I),  # 2026-Q3, 2026Q3, 2026 Q3
    re.compile(r"q(?P<q>[1-4])\s*[-_/ ]?\s*(?P<y>\d{4})", re.I),  # Q3 2026, Q3-2026
    re.compile(r"q(?P<q>[1-4])\s*(?:fy)?\s*'?(?P<yy>\d{2})$", re.I),  # Q3 26, Q3'26
    re.compile(r"fy\s*(?P<y>\d{4})\s*q(?P<q>[1-4])", re.I),
)


def parse_cycle(value: Any) -> str | None:
    """A review cycle as 'YYYY-Qn'. Accepts '2026-Q3', 'Q3 2026', '2026Q3', and dates
    (a date names the quarter it falls in)."""
    if is_blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)) or hasattr(value, "to_pydatetime"):
        d = parse_date(value)
        assert d is not None
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    text = clean_text(value) or ""
    for pattern in _CYCLE_PATTERNS:
        m = pattern.search(text)
        if m:
            groups = m.groupdict()
            year = int(groups["y"]) if groups.get("y") else 2000 + int(groups["yy"])
            return f"{year}-Q{int(groups['q'])}"
    try:
        d = parse_date(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a review cycle (use 2026-Q3)") from None
    assert d is not None
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def cycle_index(cycle: str) -> int:
    """Quarters since year 0, so that consecutive cycles differ by exactly 1."""
    year, q = cycle.split("-Q")
    return int(year) * 4 + int(q) - 1


def cycle_from_index(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def cycle_end(cycle: str) -> dt.date:
    """The last day of the cycle's quarter."""
    year, q = (int(p) for p in cycle.split("-Q"))
    month = q * 3
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - dt.timedelta(days=1)


def quarters_between(start: dt.date, end: dt.date) -> float:
    """Quarters from start to end, counted in whole calendar months (a quarter is three), so
    2.67 means eight months."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0) / 3


# A time requirement of nothing, in words.
NO_MINIMUM = "no minimum"


def months_of(quarters: float) -> int:
    """Quarters as whole months, to the nearest (half up, as a spreadsheet's ROUND)."""
    return math.floor(quarters * 3 + 0.5)


def time_in_words(quarters: Any, *, below: float | None = None) -> str:
    """Time in level as a person says it: 29.33 quarters -> "7 years 4 months", 3 -> "9
    months", 0 -> "less than a month" (time in level is counted in whole months); blank for
    no value. With `below` (a requirement the time falls short of), a time that would read
    the same as the requirement ("2 years" of "2 years") is counted down, so it never reads
    as met. The Promotion Readiness sheet's Time In Level formula says the same
    (sheets.readiness.time_formula)."""
    if quarters is None or isinstance(quarters, bool):
        return ""
    try:
        number = float(quarters)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(number):
        return ""
    months = max(months_of(number), 0)
    if below is not None and math.isfinite(below) and months >= months_of(below):
        months = max(math.floor(number * 3), 0)
    if months == 0:
        return "less than a month"
    years, months = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    if months:
        parts.append(f"{months} month{'s' * (months != 1)}")
    return " ".join(parts)


def closest(name: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The known names closest to an unknown one, best first (case and spacing ignored)."""
    pool = {normalize_header(c): c for c in candidates if c}
    hits = difflib.get_close_matches(normalize_header(name), list(pool), n=n, cutoff=cutoff)
    return [pool[h] for h in hits]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    hits = closest(name, candidates, n=1)
    return f" Did you mean '{hits[0]}'?" if hits else ""


def value_types(array: np.ndarray) -> np.ndarray:
    """The Python type of every entry of an object array."""
    return np.frompyfunc(type, 1, 1)(array)  # type: ignore[no-any-return]


def of_type(types: np.ndarray, kind: type) -> np.ndarray:
    """Which entries of `value_types(...)` are exactly `kind`."""
    return np.equal(types, kind)  # type: ignore[call-overload,no-any-return]


def distinct_objects(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """The entries of an object array as codes into its distinct objects (told apart by
    identity, in order of first appearance), and those objects.

    A reader makes one object per distinct value (a million history rows hold a few thousand
    texts), so grouping by identity is one pass over machine words instead of hashing a million
    Python values; callers then group the few objects by type and value. Equal values held by
    different objects are two objects here: only the grouping by value merges them."""
    array = np.ascontiguousarray(values, dtype=object)
    if not len(array):
        return np.empty(0, dtype=np.intp), array
    # each entry's object address; `array` holds every object while the addresses are used
    codes, _ = pd.factorize(np.frombuffer(array, dtype=np.intp))
    # codes are numbered in order of first appearance: a code's first entry raises the maximum
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    return codes, array[first]


def factorize(values: Any, use_na_sentinel: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize of an object column, worked out over its distinct objects (see
    distinct_objects) and spread back by code: the same codes and uniques, without hashing
    every entry. Other dtypes go to pd.factorize as they are."""
    array = np.asarray(values)
    if array.dtype != object:
        codes, uniques = pd.factorize(array, use_na_sentinel=use_na_sentinel)
        return codes, np.asarray(uniques)
    entry, objects = distinct_objects(array)
    codes, uniques = pd.factorize(objects, use_na_sentinel=use_na_sentinel)
    return codes[entry], uniques


def map_distinct(
    values: Any, func: Callable[[Any], Any]
) -> tuple[np.ndarray, dict[int, ValueError]]:
    """func of every value of a column, called once per distinct value: a ratings history
    repeats a few thousand IDs, names, cycles and ratings over a million rows.

    Values are grouped by exact type first, so 1, 1.0 and True stay apart. Returns the results
    (an object array) and, by position, the ValueError func raised for a value (its result is
    None)."""
    array = np.asarray(values, dtype=object)
    failed: dict[int, ValueError] = {}
    if not len(array):
        return np.empty(0, dtype=object), failed
    entry, objects = distinct_objects(array)
    results = np.empty(len(objects), dtype=object)
    errors: dict[int, ValueError] = {}  # by object
    types = value_types(objects)
    kinds = pd.unique(types)
    for kind in kinds:
        mine = np.arange(len(objects)) if len(kinds) == 1 else np.flatnonzero(of_type(types, kind))
        chosen = objects[mine]
        uniques: Any
        if kind is type(None):  # factorize would turn None into NaN
            codes, uniques = np.zeros(len(chosen), dtype=np.intp), [None]
        else:
            try:
                codes, uniques = pd.factorize(chosen, use_na_sentinel=False)
            except TypeError:  # unhashable values: one call each
                codes, uniques = np.arange(len(chosen)), chosen
        done = np.empty(len(uniques), dtype=object)
        for code, value in enumerate(uniques):
            try:
                done[code] = func(value)
            except ValueError as exc:
                errors.update((int(o), exc) for o in mine[codes == code])
        results[mine] = done[codes]
    if errors:
        bad = np.zeros(len(objects), dtype=bool)
        bad[list(errors)] = True
        failed = {int(i): errors[int(entry[i])] for i in np.flatnonzero(bad[entry])}
    return results[entry], failed
