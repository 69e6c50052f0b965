"""Promotion readiness: one row per person, a status, and what falls short in plain words.

Choices the definitions leave open, made here and kept stable:
- the average is over the competencies the person's CURRENT level expects (what they are
  rated against today); the floor (Min Each) applies to every competency the current or the
  next level expects, so a new next-level competency rated 1 is not hidden.
- comparisons allow a rounding tolerance, so 3.5 meets "3.5" even when summed from decimals.
- evidence counts from the cycle the person entered the level up to the analysed cycle: scope
  counts once recorded as met in any of those cycles; endorsement and calibration follow their
  latest recorded value (a withdrawn endorsement is withdrawn).
- time in level runs from In Level Since to the end of the analysed cycle inclusive, in
  quarters of three calendar months (values.quarters_between); a blank step minimum falls back
  to the level's Min Quarters In Level, and with neither there is no time requirement.
- with ratings missing (Insufficient data) the list names what is missing, then only the
  criteria that do not depend on ratings (time in level, scope, sign-off).
- the run of cycles operating at the next level counts back from the analysed cycle through
  the review cycles the organisation ran (RatingHistory.previous_cycle), also before In Level
  Since (ratings then were against the old level, and meeting the level two up is rare enough
  not to need a special case).
- the floor is one criterion however many competencies fall below it (a sentence each).
- someone with no manager rating in the analysed cycle but ratings before it (a partial export
  early in a cycle) is assessed as of the latest cycle they were rated in: their row keeps that
  status, names that cycle in its Cycle column, and says so first ("not rated yet in ...").
- a calibration recorded as not confirmed ("No", the committee's "Not yet") in the analysed
  cycle is the committee's decision for that cycle: the status is Not yet whatever the
  criteria say, also on a step that does not require calibration, and the first sentence
  says it is the committee's. A later cycle is assessed afresh.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ladder_sheets.analysis.in_force import CycleLadders
from ladder_sheets.analysis.ladder import Expectation, Ladder, Level, key, number
from ladder_sheets.analysis.rating_index import (
    EvidenceLog,
    RatingHistory,
    cycle_of,
    flag,
    resolve_cycle,
)
from ladder_sheets.analysis.shortfalls import (
    CALIBRATION_MISSING,
    COMMITTEE_SAID,
    ENDORSEMENT_MISSING,
    Assessment,
    run_at_next,
    run_before,
)
from ladder_sheets.model import Framework, Table
from ladder_sheets.values import (
    clean_text,
    cycle_end,
    cycle_index,
    parse_date,
    quarters_between,
    time_in_words,
)

READY = "Ready"
PENDING = "Ready pending sign-off"
CLOSE = "Close"
NOT_YET = "Not yet"
INSUFFICIENT = "Insufficient data"
TOP = "Top of track"

# The order rows are listed in: the people to act on first.
STATUS_ORDER = (READY, PENDING, CLOSE, NOT_YET, INSUFFICIENT, TOP)

READINESS_COLUMNS = [
    "employee_id",
    "name",
    "manager_id",
    "family",
    "track",
    "level",
    "next_level",
    "cycle",
    "average",
    "min_average",
    "lowest_rating",
    "lowest_competency",
    "min_each",
    "cycles_at_next",
    "cycles_required",
    "in_level_since",
    "quarters_in_level",
    "quarters_required",
    "scope_criteria",
    "scope_met",
    "endorsed",
    "calibrated",
    "requires_scope",
    "requires_endorsement",
    "requires_calibration",
    "status",
    "shortfalls",
    "shortfall_codes",
    "ratings_where",
    "rating_expectations",
    "run_before",
    "lowest_where",
    "criteria_where",
    "scope_where",
    "endorsed_where",
    "calibrated_where",
]

# The readiness columns that hold numbers (NaN where unknown).
NUMERIC_COLUMNS = [
    "average",
    "min_average",
    "lowest_rating",
    "min_each",
    "cycles_at_next",
    "cycles_required",
    "quarters_in_level",
    "quarters_required",
    "run_before",
]


def readiness_table(
    framework: Framework,
    ratings: Table | None = None,
    evidence: Table | None = None,
    cycle: str | None = None,
    history: RatingHistory | None = None,
) -> pd.DataFrame:
    """One row per employee with their promotion status for `cycle` (default: the latest cycle
    with manager ratings). `ratings` and `evidence` default to the framework's Ratings History
    and Promotion Evidence tables; `history` is the index of `ratings` when the caller has
    built it already (gap_table uses the same one). Sorted by STATUS_ORDER, then family, level
    order, name."""
    ratings = ratings if ratings is not None else framework.history
    evidence = evidence if evidence is not None else framework.evidence
    history = history if history is not None else RatingHistory.from_table(ratings)
    analysed = resolve_cycle(history, cycle, ratings.file)
    log = EvidenceLog.from_table(evidence)
    # Each cycle is judged by the framework in force then (ladder_sheets.versions).
    in_force = CycleLadders(framework, analysed, resolve_cycle(history, None, ratings.file))
    framework = in_force.analysed
    ladder = Ladder.from_framework(framework)

    # a step's place and criteria, and each level's place in the ladder, worked out once
    # however many people take it or hold it
    steps: dict[Any, tuple[str, dict[str, Any]]] = {}
    places: dict[Any, _Place] = {}
    rows = [
        _assess(person, ladder, history, log, analysed, steps, in_force, places)
        for person in framework.employees.data.to_dict("records")
    ]
    table = pd.DataFrame(rows, columns=READINESS_COLUMNS + ["_order"])
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    table["_status"] = table["status"].map(rank)
    table["_family"] = table["family"].map(key)
    table["_level"] = table["level"].map(key)
    table["_name"] = table["name"].map(key)
    table = table.sort_values(
        ["_status", "_family", "_order", "_level", "_name", "employee_id"],
        kind="stable",
        na_position="last",
    )
    table = table[READINESS_COLUMNS].reset_index(drop=True)
    return table.astype({c: "float64" for c in NUMERIC_COLUMNS})


@dataclass(frozen=True)
class _Place:
    """A level as the ladder places it (None: not in the Levels table) and what it and the
    next level expect, the same for everyone who holds it: `current` and `following` the
    expectations that are not blank, `names` every competency's name, `needed` the
    competencies the step needs in the Matrix's order, `expectations` (expected at the level,
    at the next) by name, `expected_next` the next level's by key, `step` its criteria row,
    `written` the family, track and level as the person's row gives them."""

    level: Level | None
    current: dict[str, Expectation]
    following: dict[str, Expectation]
    names: dict[str, str]
    needed: list[str]
    expectations: dict[str, tuple[float, float]]
    expected_next: dict[str, float]
    step: pd.Series | None
    written: tuple[str | None, str | None, str | None]  # family, track, level as read


def _place(ladder: Ladder, family: Any, level_name: Any, track: Any) -> _Place:
    written = (clean_text(family), clean_text(track), clean_text(level_name))
    level = ladder.level(family, level_name, track)
    if level is None:
        return _Place(None, {}, {}, {}, [], {}, {}, None, written)
    current = ladder.expected(level.family, level.level)
    following = ladder.expected(level.family, level.next_level) if level.next_level else {}
    current = {c: e for c, e in current.items() if not math.isnan(e.expected)}
    following = {c: e for c, e in following.items() if not math.isnan(e.expected)}
    names = {c: e.competency for c, e in {**following, **current}.items()}
    needed = sorted(names, key=lambda c: ladder.positions.get(c, 1 << 30))
    # What the sheet's live formulas compare each rating with: (expected at L, expected at N).
    expectations = {
        names[c]: (
            current[c].expected if c in current else math.nan,
            following[c].expected if c in following else math.nan,
        )
        for c in needed
    }
    step = None
    if not level.is_top and level.next_level is not None:
        step = ladder.step(level.family, level.level, level.next_level)
    expected_next = {c: e.expected for c, e in following.items()}
    return _Place(
        level, current, following, names, needed, expectations, expected_next, step, written
    )


def _held(ladder: Ladder, person: dict[Any, Any], places: dict[Any, _Place]) -> _Place:
    """The person's _Place, worked out once for everyone holding the same level as written
    (the values' types too: the ladder reads True otherwise than 1)."""
    held = (person.get("family"), person.get("level"), person.get("track"))
    known = tuple((v.__class__, v) for v in held)
    try:
        place = places.get(known)
    except TypeError:  # not a key (a list in a cell): worked out for this person alone
        return _place(ladder, *held)
    if place is None:
        place = places[known] = _place(ladder, *held)
    return place


def _assess(
    person: dict[Any, Any],
    ladder: Ladder,
    history: RatingHistory,
    log: EvidenceLog,
    cycle: str | None,
    steps: dict[Any, tuple[str, dict[str, Any]]],
    in_force: CycleLadders | None = None,
    places: dict[Any, _Place] | None = None,
) -> dict[str, Any]:
    place = _held(ladder, person, {} if places is None else places)
    row: dict[str, Any] = {c: None for c in READINESS_COLUMNS}
    row.update({c: math.nan for c in NUMERIC_COLUMNS})
    row.update(
        employee_id=clean_text(person.get("employee_id")),
        name=clean_text(person.get("name")),
        manager_id=clean_text(person.get("manager_id")),
        family=place.written[0],
        track=place.written[1],
        level=place.written[2],
        cycle=cycle,
        in_level_since=_date(person.get("in_level_since")),
        ratings_where={},
        rating_expectations={},
        _order=math.inf,
    )
    found = Assessment()
    level = place.level
    if level is None:
        found.missing(
            "unknown-level",
            f"level {row['level'] or '(blank)'} is not in the Levels table"
            + (f" for {row['family']}" if row["family"] else ""),
        )
        return _finish(row, found)
    row.update(family=level.family, level=level.level, next_level=level.next_level)
    row.update(track=row["track"] or level.track, _order=_finite(level.order))
    if cycle is None:
        found.missing("no-ratings", "no manager ratings recorded yet")
        return _finish(row, found)

    emp = key(person.get("employee_id"))
    cycle = _carried(row, found, history.manager_cycles.get(emp, set()), cycle)
    current, following, names, needed = place.current, place.following, place.names, place.needed
    in_cycle = history.manager.cycle(cycle)
    rated = {c: r for c in needed if (r := in_cycle.get((emp, c)))}
    row["ratings_where"] = {names[c]: history.where(r) for c, r in rated.items()}
    row["rating_expectations"] = dict(place.expectations)  # each row its own
    if current and all(c in rated for c in current):
        row["average"] = sum(rated[c].value for c in current) / len(current)
    if rated:
        low = min(rated, key=lambda c: (rated[c].value, ladder.positions.get(c, 0)))
        row.update(lowest_rating=rated[low].value, lowest_competency=names[low])
        row["lowest_where"] = history.where(rated[low])

    if level.is_top:
        return _finish(row, found, top=True)
    if level.next_level is None:
        found.missing("no-order", f"level {level.level} has no Order, so its next level is unknown")
        return _finish(row, found)
    step = place.step
    if step is None:
        found.missing(
            "no-step-criteria", f"no promotion criteria for {level.level} → {level.next_level}"
        )
    if cycle not in history.manager_cycles.get(emp, set()):
        found.missing("no-ratings-in-cycle", f"no manager ratings in {cycle}")
    else:
        for c in needed:
            if c not in rated:
                found.missing("missing-rating", f"no manager rating for {names[c]} in {cycle}")
    if not following:
        found.missing("no-next-expectations", f"{level.next_level} expects no competencies")
    if step is None:
        return _finish(row, found)

    _criteria(row, step, level, ladder, steps)
    past = None
    if in_force is not None:
        judged = in_force

        def past(c: str) -> dict[str, float] | None:
            return judged.next_expected(c, person)

    _measure(row, found, level, place.expected_next, names, rated, history, emp, cycle, past)
    _evidence(row, found, log, emp, cycle)
    return _finish(row, found)


def _carried(row: dict[str, Any], found: Assessment, rated: set[str], cycle: str) -> str:
    """The cycle to assess: `cycle`, or for someone its export does not rate yet (a partial
    export early in the cycle) the latest earlier cycle they were rated in, so they keep
    the status they had, with that cycle on their row and a note saying so."""
    if cycle in rated:
        return cycle
    earlier = [c for c in rated if cycle_index(c) < cycle_index(cycle)]
    if not earlier:
        return cycle
    latest = max(earlier, key=cycle_index)
    row["cycle"] = latest
    found.carried = f"not rated yet in {cycle}: status as of {latest}"
    return latest


def _criteria(
    row: dict[str, Any],
    step: pd.Series,
    level: Level,
    ladder: Ladder,
    steps: dict[Any, tuple[str, dict[str, Any]]],
) -> None:
    if step.name not in steps:
        steps[step.name] = (
            str(ladder.framework.criteria.where(step.name)),
            dict(
                min_quarters=number(step.get("min_quarters")),
                min_average=number(step.get("min_average")),
                min_each=number(step.get("min_each")),
                cycles_required=number(step.get("cycles_at_next")),
                scope_criteria=clean_text(step.get("scope_criteria")),
                requires_endorsement=flag(step.get("requires_endorsement")) is True,
                requires_calibration=flag(step.get("requires_calibration")) is True,
            ),
        )
    row["criteria_where"], criteria = steps[step.name]
    step_quarters = criteria["min_quarters"]
    row.update({k: v for k, v in criteria.items() if k != "min_quarters"})
    row["quarters_required"] = (
        step_quarters if not math.isnan(step_quarters) else level.min_quarters
    )
    row["requires_scope"] = row["scope_criteria"] is not None


def _measure(
    row: dict[str, Any],
    found: Assessment,
    level: Level,
    expected: dict[str, float],
    names: dict[str, str],
    rated: dict[str, Any],
    history: RatingHistory,
    emp: str,
    cycle: str,
    past: Callable[[str], dict[str, float] | None] | None = None,
) -> None:
    target = level.next_level
    # With ratings missing, rating-based shortfalls would only repeat the gap in the data.
    judge = not found.insufficient
    if judge:
        found.check_average(row["average"], row["min_average"])
        found.check_floor([(names[c], r.value) for c, r in rated.items()], row["min_each"])
    if expected:
        run, short = run_at_next(history, emp, cycle, expected, past)
        row["cycles_at_next"] = float(run)
        # The run up to the cycle before: the sheet adds this cycle to it live.
        before = run - 1 if run else run_before(history, emp, cycle, expected, past)
        row["run_before"] = float(before)
        if judge:
            found.check_run(run, row["cycles_required"], target, [names[c] for c in short])
    since = row["in_level_since"]
    required = row["quarters_required"]
    if since is not None:
        # Up to the day after the cycle's last day: in level from 1 Jan, 4 quarters at 31 Dec.
        end = cycle_end(cycle) + dt.timedelta(days=1)
        row["quarters_in_level"] = quarters_between(since, end)
    elif not math.isnan(required) and required > 0:
        found.missing(
            "no-in-level-since",
            f"In Level Since is blank; {time_in_words(required)} in level required",
        )
    found.check_time(row["quarters_in_level"], required)


def _evidence(
    row: dict[str, Any], found: Assessment, log: EvidenceLog, emp: str, cycle: str
) -> None:
    since = row["in_level_since"]
    records = log.window(emp, cycle_of(since) if since else None, cycle)
    met = [e for e in records if e.scope_met]
    scope = met[-1] if met else _latest(records, "scope_met")
    if scope is not None:
        row.update(scope_met=scope.scope_met, scope_where=scope.where["scope_met"])
    for column in ("endorsed", "calibrated"):
        latest = _latest(records, column)
        if latest is not None:
            row[column] = getattr(latest, column)
            row[f"{column}_where"] = latest.where[column]
    if row["requires_scope"]:
        found.check_scope(row["scope_met"] is True, row["scope_criteria"])
    if row["requires_endorsement"] and row["endorsed"] is not True:
        found.sign_off("endorsement-missing", ENDORSEMENT_MISSING)
    if row["requires_calibration"] and row["calibrated"] is not True:
        found.sign_off("calibration-missing", CALIBRATION_MISSING)
    decided = _latest([e for e in records if e.cycle == cycle], "calibrated")
    if decided is not None and decided.calibrated is False:
        found.committee = f"{COMMITTEE_SAID} Not yet in {cycle}"


def _latest(records: list[Any], flag: str) -> Any:
    known = [e for e in records if getattr(e, flag) is not None]
    return known[-1] if known else None


def _finish(row: dict[str, Any], found: Assessment, top: bool = False) -> dict[str, Any]:
    if top:
        row["status"] = TOP
    elif found.committee:
        row["status"] = NOT_YET
    elif found.insufficient:
        row["status"] = INSUFFICIENT
    elif found.failed_measures == 0:
        row["status"] = PENDING if found.sign_offs else READY
    else:
        row["status"] = CLOSE if found.failed_measures == 1 else NOT_YET
    row["shortfalls"] = found.sentences
    row["shortfall_codes"] = found.codes
    return row


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _finite(value: float) -> float:
    return value if not math.isnan(value) else math.inf


def not_rated_yet(
    readiness: pd.DataFrame, history: RatingHistory, cycle: str | None
) -> tuple[int, int]:
    """(people with no manager rating in `cycle`, those of them whose status is carried from
    an earlier cycle), for the summary a partial export deserves."""
    if cycle is None or readiness.empty:
        return 0, 0
    rated = [cycle in history.manager_cycles.get(key(e), ()) for e in readiness["employee_id"]]
    carried = readiness["shortfall_codes"].map(lambda c: "not-rated-yet" in list(c or []))
    return len(rated) - sum(rated), int(carried.sum())
