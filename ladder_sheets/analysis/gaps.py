"""Gap analysis: each person's manager ratings against their level and the next one.

gap to current = rating - expected at the person's level; gap to next = rating - expected at
the next level on the same family and track. Negative means below; a blank expectation or a
missing rating gives no gap (NaN). The self rating is shown beside the manager's, never used.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from ladder_sheets.analysis.in_force import CycleLadders
from ladder_sheets.analysis.ladder import Ladder, key
from ladder_sheets.analysis.rating_index import RatingHistory, resolve_cycle
from ladder_sheets.model import Framework, Table
from ladder_sheets.values import clean_text, cycle_index

GAP_COLUMNS = [
    "employee_id",
    "name",
    "manager_id",
    "family",
    "track",
    "level",
    "next_level",
    "cycle",
    "competency",
    "category",
    "expected_current",
    "expected_next",
    "manager_rating",
    "self_rating",
    "gap_current",
    "gap_next",
    "trend",
    "trend_delta",
    "next_behavior",
    "rating_where",
    "self_rating_where",
]

_FLOAT_COLUMNS = [
    "expected_current",
    "expected_next",
    "manager_rating",
    "self_rating",
    "gap_current",
    "gap_next",
    "trend_delta",
]


def shown(value: float) -> str:
    """A number as a person writes it: 3, 3.5, 3.33 (no trailing zeros)."""
    return rounded(value, 2)


def rounded(value: float, places: int) -> str:
    """Rounded half up, as people round by hand (1.625 -> 1.63), trailing zeros dropped."""
    if value is None or math.isnan(value):
        return ""
    return _rounded(float(value), places)


@functools.lru_cache(maxsize=4096)
def _rounded(value: float, places: int) -> str:
    # once per distinct number: ratings and averages repeat a few values a million times
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{exact:f}".rstrip("0").rstrip(".") if places else f"{exact:f}"
    return "0" if text in ("-0", "") else text


def gap_table(
    framework: Framework,
    ratings: Table | None = None,
    cycle: str | None = None,
    trend_cycles: int = 4,
    history: RatingHistory | None = None,
) -> pd.DataFrame:
    """One row per employee x competency expected at their level or the next one.

    `ratings` defaults to the framework's Ratings History; `cycle` to the latest cycle with
    manager ratings. The trend covers the last `trend_cycles` cycles that have manager ratings
    (anyone's), up to and including the analysed cycle, oldest first; a cycle in which the
    person was not rated is left out of their trend. trend_delta is latest minus earliest of
    the ratings shown, NaN with fewer than two. People whose level is not in the Levels table
    have no rows (the check command reports them). `history` is the index of `ratings` when
    the caller has built it already (readiness_table uses the same one).
    """
    ratings = ratings if ratings is not None else framework.history
    history = history if history is not None else RatingHistory.from_table(ratings)
    analysed = resolve_cycle(history, cycle, ratings.file)
    window = _trend_window(history, analysed, trend_cycles)
    # A past cycle is judged by the framework in force then (ladder_sheets.versions).
    latest = resolve_cycle(history, None, ratings.file)
    framework = CycleLadders(framework, analysed, latest).analysed
    ladder = Ladder.from_framework(framework)

    rows: list[dict[str, Any]] = []
    sort_keys: list[tuple[Any, ...]] = []
    for person in framework.employees.data.to_dict("records"):
        level = ladder.level(person.get("family"), person.get("level"), person.get("track"))
        if level is None:
            continue
        emp = key(person.get("employee_id"))
        current = ladder.expected(level.family, level.level)
        following = ladder.expected(level.family, level.next_level) if level.next_level else {}
        wanted = {c for c, e in current.items() if not math.isnan(e.expected)}
        wanted |= {c for c, e in following.items() if not math.isnan(e.expected)}
        base = {
            "employee_id": clean_text(person.get("employee_id")),
            "name": clean_text(person.get("name")),
            "manager_id": clean_text(person.get("manager_id")),
            "family": level.family,
            "track": clean_text(person.get("track")) or level.track,
            "level": level.level,
            "next_level": level.next_level,
            "cycle": analysed,
        }
        person_key = (
            key(level.family),
            level.order if not math.isnan(level.order) else math.inf,
            key(level.level),
            key(base["name"]),
            emp,
        )
        for comp in sorted(wanted, key=lambda c: ladder.positions.get(c, 1 << 30)):
            exp_cur = current[comp].expected if comp in current else math.nan
            exp_next = following[comp].expected if comp in following else math.nan
            name = (current.get(comp) or following[comp]).competency
            mine = history.rating(emp, analysed, comp) if analysed else None
            own = history.self_rating(emp, analysed, comp) if analysed else None
            value = mine.value if mine else math.nan
            past = [r.value for c in window if (r := history.rating(emp, c, comp))]
            gap_next = value - exp_next
            rows.append(
                {
                    **base,
                    "competency": name,
                    "category": ladder.category(level.family, name),
                    "expected_current": exp_cur,
                    "expected_next": exp_next,
                    "manager_rating": value,
                    "self_rating": own.value if own else math.nan,
                    "gap_current": value - exp_cur,
                    "gap_next": gap_next,
                    "trend": " → ".join(shown(v) for v in past),
                    "trend_delta": past[-1] - past[0] if len(past) > 1 else math.nan,
                    "next_behavior": (
                        ladder.behavior(level.family, level.next_level, name)
                        if gap_next < 0
                        else None
                    ),
                    "rating_where": history.where(mine),
                    "self_rating_where": history.where(own),
                }
            )
            sort_keys.append((*person_key, ladder.positions.get(comp, 1 << 30)))
    order = sorted(range(len(rows)), key=sort_keys.__getitem__)
    table = pd.DataFrame([rows[i] for i in order], columns=GAP_COLUMNS)
    return table.astype({c: "float64" for c in _FLOAT_COLUMNS})


def _trend_window(history: RatingHistory, analysed: str | None, size: int) -> list[str]:
    if analysed is None or size < 1:
        return []
    upto = [c for c in history.cycles() if cycle_index(c) <= cycle_index(analysed)]
    if analysed not in upto:
        upto.append(analysed)
    return upto[-size:]
