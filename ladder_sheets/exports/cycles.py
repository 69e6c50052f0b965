"""Review cycles as review tools write them, each read as the quarter it ends in.

"2026-Q3", "Q3 2026", "2026Q3", "Q3-26" and "Q2'26" name a quarter; "H1 2026" and "Mid-year
2026" end in June (2026-Q2); "H2 2026", "Year-end 2026" and "Annual review 2026" end in
December (2026-Q4); a date (a review period's end, or the day a review was completed) is the
quarter it falls in. Whatever was not written as a quarter is said by the reader, so a
half-year never becomes a quarter unannounced.
"""

from __future__ import annotations

import re
from typing import Any

from ladder_sheets.findings import Finding, Where, info
from ladder_sheets.values import (
    clean_text,
    cycle_from_index,
    cycle_index,
    is_blank,
    normalize_header,
    parse_cycle,
)

_HALF = re.compile(
    r"\b(?:h(?P<h>[12])|(?P<h2>[12])h|(?P<word>first|second|1st|2nd)\s+half)\b", re.I
)
_MID_YEAR = re.compile(r"\b(?:mid\s*-?\s*year|midyear|half\s*-?\s*year|semi\s*-?\s*annual)\b", re.I)
_YEAR_END = re.compile(
    r"\b(?:year\s*-?\s*end|end\s+of\s+(?:the\s+)?year|annual|yearly|full\s*-?\s*year|eoy)\b", re.I
)
_YEAR = re.compile(r"(?<!\d)(?P<y>20\d\d)(?!\d)|(?:fy|'|\b)(?P<yy>\d\d)\b", re.I)
_SHORT_QUARTER = re.compile(r"^q(?P<q>[1-4])\s*[-\u2013/ ]\s*'?(?P<yy>\d{2})$", re.I)
_TIME = re.compile(
    r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?(?:Z|[+-]\d\d:?\d\d)?$", re.I
)


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    if not m:
        return None
    return int(m.group("y")) if m.group("y") else 2000 + int(m.group("yy"))


def read_cycle(value: Any) -> tuple[str, str]:
    """(cycle as YYYY-Qn, how it was read): how is "" for a quarter written as one, else
    "half-year", "year" or "date". Raises ValueError for what is no cycle."""
    if is_blank(value):
        raise ValueError("blank")
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 10000:
            raise ValueError(f"{value} is not a review cycle")
        cycle = parse_cycle(value)
        assert cycle is not None
        return cycle, "date"
    text = clean_text(value) or ""
    m = _SHORT_QUARTER.match(text)
    if m:
        return f"{2000 + int(m.group('yy'))}-Q{m.group('q')}", ""
    year = _year(text)
    m = _HALF.search(text)
    if m and year:
        first = (m.group("h") or m.group("h2") or "") == "1" or (m.group("word") or "").lower() in (
            "first",
            "1st",
        )
        return f"{year}-Q{2 if first else 4}", "half-year"
    if _MID_YEAR.search(text) and year:
        return f"{year}-Q2", "half-year"
    if re.search(r"q[1-4]", text, re.I):
        cycle = parse_cycle(text)
        assert cycle is not None
        return cycle, ""
    if _YEAR_END.search(text) and year:
        return f"{year}-Q4", "year"
    cycle = parse_cycle(_TIME.sub("", text))
    assert cycle is not None
    return cycle, "date"


def named_cycle(text: str) -> tuple[str, str] | None:
    """The cycle a title or file name names ("Performance review Q3 2026", "Mid-Year Review
    2026", "H1-2026 ratings") with how it was read, as read_cycle; None where it names none. A
    date alone ("exported 15 Jul 2026") names no cycle: it is when the file was made."""
    try:
        cycle, how = read_cycle(text)
    except (ValueError, AssertionError):
        return None
    return (cycle, how) if how != "date" else None


# Header words of columns that date a review: a period's end is its cycle; a period's start
# only when no end is given; a completion date only when nothing else names the cycle.
_END = frozenset(("end", "ending", "ends", "to", "close", "closes", "until"))
_START = frozenset(("start", "starting", "starts", "begin", "beginning", "from", "opens"))
_PERIOD = frozenset(("period", "cycle", "review", "evaluation", "appraisal", "quarter"))
_DONE = frozenset(("completed", "completion", "submitted", "signed", "finalized", "finalised"))


def dating_columns(headers: list[str], taken: set[int]) -> dict[str, int]:
    """Columns that date the review, by kind: "end", "start", "completed" (leftmost of each)."""
    out: dict[str, int] = {}
    for col, header in enumerate(headers):
        if not header or col in taken:
            continue
        words = set(normalize_header(header).split())
        if words & _PERIOD and words & _END:
            out.setdefault("end", col)
        elif words & _PERIOD and words & _START:
            out.setdefault("start", col)
        elif words & _DONE and (words & {"date", "on", "at"} or len(words) == 1):
            out.setdefault("completed", col)
    return out


def forms_said(file: str, header: str, where: Where, forms: dict[str, dict[str, str]]) -> Finding:
    """The info finding that says how cycles not written as quarters were read."""
    shown = []
    first_raw, first_cycle = next(iter(next(iter(forms.values())).items()))
    for how, read in forms.items():
        examples = list(read.items())
        more = f" and {len(examples) - 3} more" if len(examples) > 3 else ""
        shown.append(
            f"{_HOW[how]}: " + ", ".join(f"'{raw}' -> {c}" for raw, c in examples[:3]) + more
        )
    return info(
        "cycle-read-as-quarter",
        f"{file}: cycles in column '{header}' are read as the quarter each ends in ("
        + "; ".join(shown)
        + ")",
        f"'{first_raw}' is read as {first_cycle}; to file this export under another quarter, "
        f"pass that quarter (e.g. --cycle {cycle_from_index(cycle_index(first_cycle) - 1)}, "
        "the one before)",
        where,
    )


_HOW = {"half-year": "half-years", "year": "years", "date": "dates"}
