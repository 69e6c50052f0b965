"""Properties of gaps and readiness over generated ratings, criteria and evidence."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.analysis import STATUS_ORDER, gap_table, readiness_table
from ladder_sheets.model import Framework, Table

COMPS = ("Delivery", "System Design", "Mentoring")
LEVELS = ("IC3", "IC4", "IC5")
CYCLES = ("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2")
# Higher is more ready; the other statuses are not on this scale.
RANK = {"Not yet": 0, "Close": 1, "Ready pending sign-off": 2, "Ready": 3}

RATING_STEPS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
# Mostly rated, sometimes not: missing ratings should be the exception, as in real cycles.
maybe_rating = st.sampled_from([None, *RATING_STEPS, 3.0, 4.0, 4.0, 5.0])
expectation = st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]))
maybe_bool = st.sampled_from([True, False, None])


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    matrix = {(c, lvl): draw(expectation) for c in COMPS for lvl in LEVELS}
    # every level expects something, so the next level is never empty
    for lvl in LEVELS:
        if all(matrix[(c, lvl)] is None for c in COMPS):
            matrix[(COMPS[0], lvl)] = 3.0
    ratings = {(cyc, c): draw(maybe_rating) for cyc in CYCLES for c in COMPS}
    return {
        "matrix": matrix,
        "ratings": ratings,
        "level": draw(st.sampled_from(LEVELS)),
        "step": dict(
            family="Eng",
            from_level="IC3",
            to_level="IC4",
            min_average=draw(st.sampled_from([math.nan, 3.0, 3.5, 4.0])),
            min_each=draw(st.sampled_from([math.nan, 2.0, 3.0])),
            cycles_at_next=draw(st.sampled_from([math.nan, 1.0, 2.0, 3.0])),
            min_quarters=draw(st.sampled_from([math.nan, 2.0, 4.0])),
            scope_criteria=draw(st.sampled_from([None, "has led a cross-team project"])),
            requires_endorsement=draw(maybe_bool),
            requires_calibration=draw(maybe_bool),
        ),
        "since": draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 1)))
        if draw(st.integers(0, 4))
        else None,
        "evidence": dict(
            cycle=draw(st.sampled_from(CYCLES)),
            scope_met=draw(maybe_bool),
            endorsed=draw(maybe_bool),
            calibrated=draw(maybe_bool),
        ),
    }


def build(case: dict[str, Any], level: str | None = None) -> tuple[Framework, Table]:
    levels = [
        dict(family="Eng", track="IC", level=lvl, order=float(i), min_quarters=4.0)
        for i, lvl in enumerate(LEVELS)
    ]
    expectations = [
        dict(family="Eng", competency=c, level=lvl, expected=v if v is not None else math.nan)
        for (c, lvl), v in case["matrix"].items()
    ]
    person = dict(
        employee_id="E1",
        name="Pat Example",
        family="Eng",
        track="IC",
        level=level or case["level"],
        in_level_since=case["since"],
    )
    tables = {
        "levels": Table.from_records("levels", levels),
        "expectations": Table.from_records("expectations", expectations),
        "criteria": Table.from_records("criteria", [case["step"]]),
        "employees": Table.from_records("employees", [person]),
        "evidence": Table.from_records("evidence", [dict(case["evidence"], employee_id="E1")]),
    }
    history = Table.from_records(
        "history",
        [
            dict(cycle=cyc, employee_id="E1", competency=c, rating=v, rater_type="manager")
            for (cyc, c), v in case["ratings"].items()
            if v is not None
        ]
        # another person keeps the latest cycle in the data whatever E1's ratings are
        + [dict(cycle=CYCLES[-1], employee_id="E9", competency="Delivery", rating=3.0)],
    )
    return Framework(path=Path("props.xlsx"), tables=tables), history


@settings(max_examples=150, deadline=None)
@given(case=cases(), data=st.data())
def test_raising_one_manager_rating_never_lowers_readiness(
    case: dict[str, Any], data: st.DataObject
) -> None:
    rated = sorted(k for k, v in case["ratings"].items() if v is not None)
    if not rated:
        return
    target = data.draw(st.sampled_from(rated))
    raised = min(5.0, case["ratings"][target] + data.draw(st.sampled_from([0.5, 1.0, 2.0, 4.0])))
    fw, history = build(case, level="IC3")
    before = readiness_table(fw, history).iloc[0]["status"]
    higher = dict(case, ratings={**case["ratings"], target: raised})
    fw, history = build(higher, level="IC3")
    after = readiness_table(fw, history).iloc[0]["status"]
    if before in RANK:
        assert after in RANK
        assert RANK[after] >= RANK[before], (target, raised, before, after)
    else:
        assert after == before  # missing data stays missing; a raised rating adds none


@settings(max_examples=100, deadline=None)
@given(case=cases())
def test_gaps_are_rating_minus_expectation(case: dict[str, Any]) -> None:
    fw, history = build(case)
    table = gap_table(fw, history)
    level = case["level"]
    nxt = {"IC3": "IC4", "IC4": "IC5", "IC5": None}[level]
    for row in table.to_dict("records"):
        comp = row["competency"]
        rating = case["ratings"][(CYCLES[-1], comp)]
        current = case["matrix"][(comp, level)]
        following = case["matrix"][(comp, nxt)] if nxt else None
        assert current is not None or following is not None  # only expected competencies
        for gap, expected in ((row["gap_current"], current), (row["gap_next"], following)):
            if rating is None or expected is None:
                assert math.isnan(gap)
            else:
                assert gap == rating - expected
    expected_rows = {
        c
        for c in COMPS
        if case["matrix"][(c, level)] is not None
        or (nxt is not None and case["matrix"][(c, nxt)] is not None)
    }
    assert set(table["competency"]) == expected_rows


@settings(max_examples=100, deadline=None)
@given(people=st.lists(cases(), min_size=2, max_size=6))
def test_readiness_rows_follow_status_order(people: list[dict[str, Any]]) -> None:
    # The ladder and step of the first case; each person brings their level, ratings, evidence.
    fw, _ = build(people[0])
    persons, ratings, evidence = [], [], []
    for i, case in enumerate(people):
        emp = f"E{i}"
        persons.append(
            dict(
                employee_id=emp,
                name=f"P{i}",
                family="Eng",
                level=case["level"],
                in_level_since=case["since"],
            )
        )
        ratings += [
            dict(cycle=cyc, employee_id=emp, competency=c, rating=v, rater_type="manager")
            for (cyc, c), v in case["ratings"].items()
            if v is not None
        ]
        evidence.append(dict(case["evidence"], employee_id=emp))
    ratings.append(dict(cycle=CYCLES[-1], employee_id="E9", competency="Delivery", rating=3.0))
    fw.tables["employees"] = Table.from_records("employees", persons)
    fw.tables["evidence"] = Table.from_records("evidence", evidence)
    table = readiness_table(fw, Table.from_records("history", ratings))
    assert sorted(table["employee_id"]) == sorted(p["employee_id"] for p in persons)
    keys = [
        (STATUS_ORDER.index(r["status"]), LEVELS.index(r["level"]), r["name"])
        for r in table.to_dict("records")
    ]
    assert keys == sorted(keys)
