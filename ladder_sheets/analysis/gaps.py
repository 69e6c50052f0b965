"""Gap analysis: each person's manager ratings against their level and the next one.

gap to current = rating - expected at the person's level; gap to next = rating - expected at
the next level on the same family and track. Negative means below; a blank expectation or a
missing rating gives no gap (NaN). The self rating is shown beside the manager's, never used.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from ladder_sheets.analysis.in_force import CycleLadders
from ladder_sheets.analysis.ladder import Ladder, key
from ladder_sheets.analysis.rating_index import RatingHistory, collector_paused, resolve_cycle
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

    manager = history.manager.cycle(analysed) if analysed else {}
    own_ratings = history.self_rated.cycle(analysed) if analysed else {}
    past_ratings = [history.manager.cycle(c) for c in window]
    columns: dict[str, list[Any]] = {c: [] for c in GAP_COLUMNS}
    sort_keys: list[tuple[Any, ...]] = []
    plans: dict[int, list[_Wanted]] = {}
    with collector_paused():  # 10^5 rows of new tuples, none in a cycle
        for person in framework.employees.data.to_dict("records"):
            level = ladder.level(person.get("family"), person.get("level"), person.get("track"))
            if level is None:
                continue
            plan = plans.get(id(level))
            if plan is None:
                plan = plans[id(level)] = _wanted(
                    ladder, level.family, level.level, level.next_level
                )
            if not plan:
                continue
            emp = key(person.get("employee_id"))
            name = clean_text(person.get("name"))
            base = (
                clean_text(person.get("employee_id")),
                name,
                clean_text(person.get("manager_id")),
                level.family,
                clean_text(person.get("track")) or level.track,
                level.level,
                level.next_level,
                analysed,
            )
            person_key = (
                key(level.family),
                level.order if not math.isnan(level.order) else math.inf,
                key(level.level),
                key(name),
                emp,
            )
            for want in plan:
                pair = (emp, want.competency)
                mine = manager.get(pair)
                own = own_ratings.get(pair)
                value = mine.value if mine else math.nan
                past = tuple(r.value for by_pair in past_ratings if (r := by_pair.get(pair)))
                gap_next = value - want.expected_next
                for column, cell in zip(_PERSON_COLUMNS, base, strict=True):
                    columns[column].append(cell)
                columns["competency"].append(want.name)
                columns["category"].append(want.category)
                columns["expected_current"].append(want.expected_current)
                columns["expected_next"].append(want.expected_next)
                columns["manager_rating"].append(value)
                columns["self_rating"].append(own.value if own else math.nan)
                columns["gap_current"].append(value - want.expected_current)
                columns["gap_next"].append(gap_next)
                columns["trend"].append(_trend(past))
                columns["trend_delta"].append(past[-1] - past[0] if len(past) > 1 else math.nan)
                columns["next_behavior"].append(want.next_behavior if gap_next < 0 else None)
                columns["rating_where"].append(history.where(mine))
                columns["self_rating_where"].append(history.where(own))
                sort_keys.append((*person_key, want.position))
    order = sorted(range(len(sort_keys)), key=sort_keys.__getitem__)
    table = pd.DataFrame({c: [values[i] for i in order] for c, values in columns.items()})
    return table.astype({c: "float64" for c in _FLOAT_COLUMNS})


_PERSON_COLUMNS = GAP_COLUMNS[:8]  # employee_id .. cycle: the same on each of a person's rows


@dataclass(frozen=True)
class _Wanted:
    """A competency expected at a level or the next one, as each person at that level shows it."""

    competency: str  # key
    name: str
    category: str | None
    expected_current: float
    expected_next: float
    next_behavior: str | None  # shown where the rating is below the next level
    position: int


def _wanted(ladder: Ladder, family: str, level: str, next_level: str | None) -> list[_Wanted]:
    """The competencies expected at `level` or `next_level`, in the Competencies' order: the
    same for every person at that level, so worked out once per level."""
    current = ladder.expected(family, level)
    following = ladder.expected(family, next_level) if next_level else {}
    wanted = {c for c, e in current.items() if not math.isnan(e.expected)}
    wanted |= {c for c, e in following.items() if not math.isnan(e.expected)}
    plan = []
    for comp in sorted(wanted, key=lambda c: ladder.positions.get(c, 1 << 30)):
        name = (current.get(comp) or following[comp]).competency
        plan.append(
            _Wanted(
                competency=comp,
                name=name,
                category=ladder.category(family, name),
                expected_current=current[comp].expected if comp in current else math.nan,
                expected_next=following[comp].expected if comp in following else math.nan,
                next_behavior=ladder.behavior(family, next_level, name),
                position=ladder.positions.get(comp, 1 << 30),
            )
        )
    return plan


@functools.lru_cache(maxsize=4096)
def _trend(past: tuple[float, ...]) -> str:
    # once per distinct run of ratings: a few hundred at most, shown 10^5 times
    return " → ".join(shown(v) for v in past)


def _trend_window(history: RatingHistory, analysed: str | None, size: int) -> list[str]:
    if analysed is None or size < 1:
        return []
    upto = [c for c in history.cycles() if cycle_index(c) <= cycle_index(analysed)]
    if analysed not in upto:
        upto.append(analysed)
    return upto[-size:]
