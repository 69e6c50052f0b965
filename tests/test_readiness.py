"""Promotion readiness on a small invented engineering ladder, every number checked by hand.

Ladder (family Eng): IC3 (order 3) -> IC4 (order 4) -> IC5 (order 5, top of IC); M1 is on the
Management track at order 5, so it is never IC4's next level. Both IC3 and IC4 need 4 quarters.

    competency      IC3  IC4  IC5
    Delivery         3    4    5
    System Design    3    4    5
    Mentoring        -    3    4

Step IC3 -> IC4: average >= 3.5, each >= 3, 2 consecutive cycles at IC4, scope text, manager
endorsement. The analysed cycle is 2026-Q2 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ladder_sheets.analysis import STATUS_ORDER, readiness_table
from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.analysis.readiness import not_rated_yet
from ladder_sheets.errors import DataError
from ladder_sheets.model import Framework, Table

SCOPE = "has led a project with 3+ cross-team stakeholders"
EXPECTED = {
    "IC3": {"Delivery": 3.0, "System Design": 3.0, "Mentoring": None},
    "IC4": {"Delivery": 4.0, "System Design": 4.0, "Mentoring": 3.0},
    "IC5": {"Delivery": 5.0, "System Design": 5.0, "Mentoring": 4.0},
}
# Meets IC4 exactly in every competency IC4 expects.
AT_IC4 = {"Delivery": 4.0, "System Design": 4.0, "Mentoring": 3.0}
NAN = float("nan")


def step(**overrides: Any) -> dict[str, Any]:
    row = dict(
        family="Eng",
        from_level="IC3",
        to_level="IC4",
        min_average=3.5,
        min_each=3.0,
        cycles_at_next=2.0,
        min_quarters=NAN,
        scope_criteria=SCOPE,
        requires_endorsement=True,
        requires_calibration=False,
    )
    row.update(overrides)
    return row


def person(emp: str = "E1", level: str = "IC3", since: Any = dt.date(2025, 1, 1), **kw: Any):
    row = dict(
        employee_id=emp,
        name=kw.pop("name", f"Person {emp}"),
        manager_id="M1",
        family="Eng",
        track="IC",
        level=level,
        in_level_since=since,
    )
    row.update(kw)
    return row


def ratings(rows: dict[tuple[str, str], dict[str, float]], rater: str = "manager") -> list[dict]:
    return [
        dict(cycle=cycle, employee_id=emp, competency=comp, rating=value, rater_type=rater)
        for (emp, cycle), by_comp in rows.items()
        for comp, value in by_comp.items()
    ]


def framework(
    people: list[dict],
    history: list[dict],
    evidence: list[dict] | None = None,
    criteria: list[dict] | None = None,
    levels: list[dict] | None = None,
) -> Framework:
    levels = levels or [
        dict(family="Eng", track="IC", level="IC3", order=3.0, min_quarters=4.0),
        dict(family="Eng", track="IC", level="IC4", order=4.0, min_quarters=4.0),
        dict(family="Eng", track="IC", level="IC5", order=5.0, min_quarters=NAN),
        dict(family="Eng", track="Management", level="M1", order=5.0, min_quarters=4.0),
    ]
    expectations = [
        dict(family="Eng", competency=comp, level=lvl, expected=value)
        for lvl, by_comp in EXPECTED.items()
        for comp, value in by_comp.items()
    ]
    tables = {
        "levels": Table.from_records("levels", levels),
        "expectations": Table.from_records("expectations", expectations),
        "criteria": Table.from_records("criteria", criteria if criteria is not None else [step()]),
        "employees": Table.from_records("employees", people),
        "history": Table.from_records("history", history),
        "evidence": Table.from_records("evidence", evidence or []),
    }
    return Framework(path=Path("ladder.xlsx"), tables=tables)


def ready_evidence(emp: str = "E1", cycle: str = "2026-Q2", **kw: Any) -> dict[str, Any]:
    row = dict(cycle=cycle, employee_id=emp, scope_met=True, endorsed=True, calibrated=None)
    row.update(kw)
    return row


def one(fw: Framework, **kw: Any) -> dict[str, Any]:
    table = readiness_table(fw, **kw)
    assert len(table) == len(fw.employees)
    return table.iloc[0].to_dict()


def two_cycles_at(values: dict[str, float], emp: str = "E1") -> list[dict]:
    return ratings({(emp, "2026-Q1"): AT_IC4, (emp, "2026-Q2"): values})


def test_ready_with_every_number_shown() -> None:
    fw = framework([person()], two_cycles_at(AT_IC4), [ready_evidence()])
    row = one(fw)
    assert row["status"] == "Ready"
    assert row["shortfalls"] == [] and row["shortfall_codes"] == []
    assert (row["level"], row["next_level"], row["cycle"]) == ("IC3", "IC4", "2026-Q2")
    # average over IC3's competencies (Delivery, System Design): (4 + 4) / 2
    assert row["average"] == 4.0
    # the lowest of the competencies IC3 or IC4 expects: Mentoring 3
    assert (row["lowest_rating"], row["lowest_competency"]) == (3.0, "Mentoring")
    assert row["cycles_at_next"] == 2.0 and row["cycles_required"] == 2.0
    # 2025-01-01 to the end of 2026-Q2 (30 June 2026): 18 months, 6 quarters
    assert row["quarters_in_level"] == 6.0
    assert row["quarters_required"] == 4.0  # step blank: the level's minimum
    assert (row["min_average"], row["min_each"]) == (3.5, 3.0)
    assert row["scope_met"] is True and row["endorsed"] is True
    assert row["requires_scope"] and row["requires_endorsement"]
    assert not row["requires_calibration"]


def test_every_threshold_met_exactly_is_enough() -> None:
    # average exactly 4.0 required; Mentoring exactly the floor 3 and exactly IC4's 3;
    # in level from 2025-07-01 to the end of 2026-Q2: 12 months = 4 quarters of 4.
    fw = framework(
        [person(since=dt.date(2025, 7, 1))],
        two_cycles_at(AT_IC4),
        [ready_evidence()],
        [step(min_average=4.0)],
    )
    row = one(fw)
    assert row["quarters_in_level"] == 4.0
    assert row["average"] == 4.0 and row["lowest_rating"] == 3.0
    assert row["status"] == "Ready"


def test_average_of_decimal_ratings_at_the_threshold_is_enough() -> None:
    # (4.1 + 4.2) / 2 is 4.15 on paper; float arithmetic must not turn it into a shortfall.
    latest = {"Delivery": 4.1, "System Design": 4.2, "Mentoring": 3.3}
    fw = framework([person()], two_cycles_at(latest), [ready_evidence()], [step(min_average=4.15)])
    row = one(fw)
    assert row["average"] == pytest.approx(4.15)
    assert row["status"] == "Ready"


@pytest.mark.parametrize(
    ("latest", "since", "criteria", "code", "sentence"),
    [
        # average (4 + 4) / 2 = 4 below 4.5
        (
            AT_IC4,
            dt.date(2025, 1, 1),
            {"min_average": 4.5},
            "average-below-minimum",
            "average 4 is below the 4.5 required",
        ),
        # Mentoring 3 under a floor of 3.5 (IC4 expects only 3, so still operating at IC4)
        (
            AT_IC4,
            dt.date(2025, 1, 1),
            {"min_each": 3.5},
            "rating-below-floor",
            "Mentoring rated 3, below the floor of 3.5",
        ),
        # Mentoring 2.5 under IC4's 3: Q2 does not count, the run is 0
        (
            {**AT_IC4, "Mentoring": 2.5},
            dt.date(2025, 1, 1),
            {"min_each": 2.0},
            "not-operating-at-next",
            "operating at IC4 for 0 of the 2 consecutive cycles required (below IC4 in Mentoring)",
        ),
        # 2025-10-01 to 2026-06-30: 9 months, 3 quarters of 4
        (
            AT_IC4,
            dt.date(2025, 10, 1),
            {},
            "time-in-level",
            "in level 9 months of the 1 year required",
        ),
    ],
)
def test_one_criterion_short_is_close(latest, since, criteria, code, sentence) -> None:
    fw = framework(
        [person(since=since)], two_cycles_at(latest), [ready_evidence()], [step(**criteria)]
    )
    row = one(fw)
    assert row["status"] == "Close"
    assert row["shortfall_codes"] == [code]
    assert row["shortfalls"] == [sentence]


@pytest.mark.parametrize(
    ("system_design", "required", "sentence"),
    [
        # (4 + 4.25) / 2 = 4.125, rounded half up as by hand
        (4.25, 4.2, "average 4.13 is below the 4.2 required"),
        # 4.125 would read as 4.13 against 4.13: more decimals, so the numbers differ
        (4.25, 4.13, "average 4.125 is below the 4.13 required"),
        (4.0, 4.0001, "average 4 is below the 4.0001 required"),
    ],
)
def test_average_sentence_numbers(system_design: float, required: float, sentence: str) -> None:
    latest = {**AT_IC4, "System Design": system_design}
    fw = framework(
        [person()], two_cycles_at(latest), [ready_evidence()], [step(min_average=required)]
    )
    assert one(fw)["shortfalls"] == [sentence]


def test_scope_not_recorded_is_close() -> None:
    fw = framework([person()], two_cycles_at(AT_IC4), [ready_evidence(scope_met=None)])
    row = one(fw)
    assert row["status"] == "Close"
    assert row["shortfall_codes"] == ["scope-not-met"]
    assert row["shortfalls"] == [f"scope criteria not recorded as met: {SCOPE}"]


def test_more_than_one_shortfall_is_not_yet() -> None:
    # Q2: Delivery 3, System Design 3 -> average 3.0 < 3.5 and not operating at IC4.
    latest = {"Delivery": 3.0, "System Design": 3.0, "Mentoring": 3.0}
    fw = framework([person()], two_cycles_at(latest), [ready_evidence(endorsed=None)])
    row = one(fw)
    assert row["status"] == "Not yet"
    assert row["average"] == 3.0 and row["cycles_at_next"] == 0.0
    assert row["shortfall_codes"] == [
        "average-below-minimum",
        "not-operating-at-next",
        "endorsement-missing",
    ]
    assert "manager endorsement not recorded" in row["shortfalls"]


def test_two_ratings_under_the_floor_are_one_criterion() -> None:
    # Floor 4.5 with Delivery/System Design 4 and Mentoring 3: three sentences, one criterion;
    # everything else holds, so the person is Close, not Not yet.
    fw = framework([person()], two_cycles_at(AT_IC4), [ready_evidence()], [step(min_each=4.5)])
    row = one(fw)
    assert row["status"] == "Close"
    assert row["shortfall_codes"] == ["rating-below-floor"]
    assert len(row["shortfalls"]) == 3


def test_endorsement_required_pending_then_ready() -> None:
    history = two_cycles_at(AT_IC4)
    pending = one(framework([person()], history, [ready_evidence(endorsed=None)]))
    assert pending["status"] == "Ready pending sign-off"
    assert pending["shortfall_codes"] == ["endorsement-missing"]
    assert pending["shortfalls"] == ["manager endorsement not recorded"]
    ready = one(framework([person()], history, [ready_evidence(endorsed=True)]))
    assert ready["status"] == "Ready"


def test_withdrawn_endorsement_is_not_recorded() -> None:
    evidence = [
        ready_evidence(cycle="2026-Q1", endorsed=True),
        ready_evidence(cycle="2026-Q2", endorsed=False),
    ]
    row = one(framework([person()], two_cycles_at(AT_IC4), evidence))
    assert row["endorsed"] is False
    assert row["status"] == "Ready pending sign-off"


def test_calibration_required() -> None:
    criteria = [step(requires_calibration=True)]
    history = two_cycles_at(AT_IC4)
    row = one(framework([person()], history, [ready_evidence()], criteria))
    assert row["status"] == "Ready pending sign-off"
    assert row["shortfall_codes"] == ["calibration-missing"]
    row = one(framework([person()], history, [ready_evidence(calibrated=True)], criteria))
    assert row["status"] == "Ready"


def test_scope_met_earlier_in_level_counts_but_not_before_it() -> None:
    history = two_cycles_at(AT_IC4)
    earlier = [
        ready_evidence(cycle="2025-Q3", scope_met=True, endorsed=None),
        ready_evidence(cycle="2026-Q2", scope_met=None),
    ]
    row = one(framework([person(since=dt.date(2025, 1, 1))], history, earlier))
    assert row["scope_met"] is True and row["status"] == "Ready"
    assert row["scope_where"] == "Promotion Evidence!C2"
    # Same record, but the person only entered IC3 in 2025-Q4: it was for the old level.
    row = one(
        framework([person(since=dt.date(2025, 10, 1))], history, earlier, [step(min_quarters=2.0)])
    )
    assert row["scope_met"] is not True
    assert row["shortfall_codes"] == ["scope-not-met"]


def test_a_cycle_the_person_was_not_rated_in_breaks_the_run() -> None:
    # E1 operating at IC4 in 2025-Q4 and 2026-Q2, not rated in 2026-Q1 while E2 was: the run is 1.
    history = ratings(
        {("E1", "2025-Q4"): AT_IC4, ("E2", "2026-Q1"): AT_IC4, ("E1", "2026-Q2"): AT_IC4}
    )
    fw = framework([person(), person("E2")], history, [ready_evidence()])
    row = one(fw)
    assert row["cycles_at_next"] == 1.0
    assert row["status"] == "Close"
    assert row["shortfalls"] == ["operating at IC4 for 1 of the 2 consecutive cycles required"]


def test_half_yearly_cycles_are_consecutive() -> None:
    # Reviews in 2025-Q4 and 2026-Q2 only (twice a year): nobody was reviewed in 2026-Q1, so it
    # is not a cycle, and two half-yearly cycles at IC4 meet "2 consecutive cycles".
    history = ratings({("E1", "2025-Q4"): AT_IC4, ("E1", "2026-Q2"): AT_IC4})
    row = one(framework([person()], history, [ready_evidence()]))
    assert row["cycles_at_next"] == 2.0
    assert row["status"] == "Ready"


def test_run_counts_back_as_far_as_it_goes() -> None:
    cycles = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    history = ratings({("E1", c): AT_IC4 for c in cycles})
    row = one(framework([person()], history, [ready_evidence()]))
    assert row["cycles_at_next"] == 4.0 and row["status"] == "Ready"


def test_missing_earlier_rating_breaks_run_missing_latest_is_insufficient() -> None:
    partial = {"Delivery": 4.0, "System Design": 4.0}  # no Mentoring, which IC4 expects
    earlier_gap = ratings({("E1", "2026-Q1"): partial, ("E1", "2026-Q2"): AT_IC4})
    row = one(framework([person()], earlier_gap, [ready_evidence()]))
    assert row["cycles_at_next"] == 1.0 and row["status"] == "Close"

    latest_gap = ratings({("E1", "2026-Q1"): AT_IC4, ("E1", "2026-Q2"): partial})
    row = one(framework([person()], latest_gap, [ready_evidence()]))
    assert row["status"] == "Insufficient data"
    assert row["shortfall_codes"][0] == "missing-rating"
    assert row["shortfalls"][0] == "no manager rating for Mentoring in 2026-Q2"


def test_no_manager_rating_in_the_cycle_is_insufficient() -> None:
    others = ratings({("E2", "2026-Q2"): AT_IC4})
    own_self = ratings({("E1", "2026-Q2"): AT_IC4}, rater="self")
    row = one(framework([person("E1"), person("E2")], others + own_self, [ready_evidence()]))
    assert row["employee_id"] == "E2"
    table = readiness_table(framework([person("E1"), person("E2")], others + own_self))
    e1 = table.set_index("employee_id").loc["E1"]
    assert e1["status"] == "Insufficient data"
    # what is missing first, then what does not depend on ratings; no rating-based shortfall
    assert e1["shortfall_codes"] == ["no-ratings-in-cycle", "scope-not-met", "endorsement-missing"]


def test_missing_in_level_since() -> None:
    history = two_cycles_at(AT_IC4)
    row = one(framework([person(since=None)], history, [ready_evidence()]))
    assert row["status"] == "Insufficient data"
    assert row["shortfall_codes"] == ["no-in-level-since"]
    assert row["shortfalls"] == ["In Level Since is blank; 1 year in level required"]
    # Neither the step nor the level asks for time: the date is not needed.
    levels = [
        dict(family="Eng", track="IC", level="IC3", order=3.0, min_quarters=NAN),
        dict(family="Eng", track="IC", level="IC4", order=4.0, min_quarters=NAN),
    ]
    row = one(framework([person(since=None)], history, [ready_evidence()], levels=levels))
    assert row["status"] == "Ready"
    assert row["quarters_required"] != row["quarters_required"]  # NaN


def test_step_minimum_overrides_level_minimum() -> None:
    history = two_cycles_at(AT_IC4)
    row = one(framework([person()], history, [ready_evidence()], [step(min_quarters=8.0)]))
    assert row["quarters_required"] == 8.0
    # 6 quarters of the 8
    assert row["shortfalls"] == ["in level 1 year 6 months of the 2 years required"]


def test_top_of_track_and_crossover_is_not_next() -> None:
    history = ratings(
        {("E5", "2026-Q2"): {"Delivery": 5.0, "System Design": 5.0, "Mentoring": 4.0}}
    )
    row = one(framework([person("E5", level="IC5")], history))
    assert row["status"] == "Top of track"
    assert pd.isna(row["next_level"]) and row["shortfalls"] == []
    assert row["average"] == pytest.approx((5 + 5 + 4) / 3)


def test_no_step_criteria_is_insufficient() -> None:
    history = ratings({("E4", c): AT_IC4 for c in ("2026-Q1", "2026-Q2")})
    row = one(framework([person("E4", level="IC4")], history))
    assert row["next_level"] == "IC5"
    assert row["status"] == "Insufficient data"
    assert row["shortfall_codes"] == ["no-step-criteria"]
    assert row["shortfalls"] == ["no promotion criteria for IC4 → IC5"]


def test_family_step_wins_over_blank_family_step() -> None:
    history = two_cycles_at(AT_IC4)
    criteria = [step(family=None, min_average=4.5), step(family="Eng")]
    row = one(framework([person()], history, [ready_evidence()], criteria))
    assert row["min_average"] == 3.5 and row["criteria_where"] == "Promotion Criteria!A3"
    row = one(framework([person()], history, [ready_evidence()], [step(family=None)]))
    assert row["status"] == "Ready"


def test_unknown_level_is_insufficient() -> None:
    row = one(framework([person(level="IC9")], two_cycles_at(AT_IC4)))
    assert row["status"] == "Insufficient data"
    assert row["shortfall_codes"] == ["unknown-level"]


def test_older_cycle() -> None:
    # Analysed at 2026-Q1: run ends there (2025-Q4 and 2026-Q1 at IC4), time to 31 Mar 2026.
    history = ratings(
        {
            ("E1", "2025-Q4"): AT_IC4,
            ("E1", "2026-Q1"): AT_IC4,
            ("E1", "2026-Q2"): {"Delivery": 3.0, "System Design": 3.0, "Mentoring": 2.0},
        }
    )
    evidence = [ready_evidence(cycle="2026-Q1")]
    row = one(framework([person()], history, evidence), cycle="Q1 2026")
    assert row["cycle"] == "2026-Q1"
    assert row["cycles_at_next"] == 2.0 and row["quarters_in_level"] == 5.0
    assert row["status"] == "Ready"
    latest = one(framework([person()], history, evidence))
    assert latest["cycle"] == "2026-Q2" and latest["status"] == "Not yet"


def test_unknown_or_unreadable_cycle_is_a_clear_error() -> None:
    fw = framework([person()], two_cycles_at(AT_IC4))
    with pytest.raises(DataError, match="2024-Q1") as caught:
        readiness_table(fw, cycle="2024-Q1")
    assert "2026-Q1, 2026-Q2" in caught.value.hint
    with pytest.raises(DataError):
        readiness_table(fw, cycle="someday")


def test_self_and_peer_ratings_do_not_count_blank_rater_does() -> None:
    manager = two_cycles_at({**AT_IC4, "Mentoring": 2.0})
    high_self = ratings({("E1", "2026-Q2"): {"Mentoring": 5.0}}, rater="self")
    row = one(framework([person()], manager + high_self, [ready_evidence()]))
    assert row["lowest_rating"] == 2.0 and row["status"] != "Ready"
    unlabelled = [dict(r, rater_type=None) for r in two_cycles_at(AT_IC4)]
    row = one(framework([person()], unlabelled, [ready_evidence()]))
    assert row["status"] == "Ready"


def test_rating_places_point_at_the_rating_cells() -> None:
    fw = framework([person()], two_cycles_at(AT_IC4), [ready_evidence()])
    row = one(fw)
    # Rows 2-4 hold 2026-Q1, rows 5-7 2026-Q2 (Delivery, System Design, Mentoring); Rating is D.
    assert row["ratings_where"] == {
        "Delivery": "Ratings History!D5",
        "System Design": "Ratings History!D6",
        "Mentoring": "Ratings History!D7",
    }
    assert row["lowest_where"] == "Ratings History!D7"
    assert row["endorsed_where"] == "Promotion Evidence!D2"


def test_sorted_by_status_then_family_level_name() -> None:
    people = [
        person("T", level="IC5", name="Top Person"),
        person("N", name="Zed Notyet"),
        person("C2", name="Bea Close", since=dt.date(2025, 10, 1)),
        person("C1", name="Abe Close", since=dt.date(2025, 10, 1)),
        person("R", name="Ria Ready"),
        person("I", level="IC9", name="Ivy Unknown"),
    ]
    low = {"Delivery": 3.0, "System Design": 3.0, "Mentoring": 3.0}
    history = ratings(
        {
            **{(e, c): AT_IC4 for e in ("R", "C1", "C2") for c in ("2026-Q1", "2026-Q2")},
            ("N", "2026-Q2"): low,
            ("T", "2026-Q2"): {"Delivery": 5.0},
        }
    )
    evidence = [ready_evidence(e) for e in ("R", "C1", "C2", "N")]
    table = readiness_table(framework(people, history, evidence))
    assert list(table["employee_id"]) == ["R", "C1", "C2", "N", "I", "T"]
    assert list(table["status"]) == [
        "Ready",
        "Close",
        "Close",
        "Not yet",
        "Insufficient data",
        "Top of track",
    ]
    assert STATUS_ORDER == (
        "Ready",
        "Ready pending sign-off",
        "Close",
        "Not yet",
        "Insufficient data",
        "Top of track",
    )


def test_no_people_or_no_ratings() -> None:
    empty = readiness_table(framework([], []))
    assert empty.empty and "status" in empty.columns
    row = one(framework([person()], []))
    assert row["status"] == "Insufficient data" and row["shortfall_codes"] == ["no-ratings"]


def test_committee_not_yet_overrides_for_its_cycle_only() -> None:
    # Ready by every criterion, the step does not require calibration: the committee's
    # "Not yet" (Calibration Confirmed: No) for 2026-Q2 still makes it Not yet, said as theirs.
    history = two_cycles_at(AT_IC4)
    declined = [ready_evidence(calibrated=False)]
    row = one(framework([person()], history, declined))
    assert row["status"] == "Not yet"
    assert row["shortfall_codes"] == ["committee-not-yet"]
    assert row["shortfalls"] == ["the calibration committee decided Not yet in 2026-Q2"]
    # The decision was for 2026-Q1: 2026-Q2 is assessed on its own criteria.
    earlier = [ready_evidence(cycle="2026-Q1", calibrated=False), ready_evidence()]
    assert one(framework([person()], history, earlier))["status"] == "Ready"
    # Other shortfalls are still listed after the committee's word.
    short = [ready_evidence(calibrated=False, endorsed=None)]
    row = one(framework([person()], history, short))
    assert row["status"] == "Not yet"
    assert row["shortfall_codes"] == ["committee-not-yet", "endorsement-missing"]


def test_not_rated_yet_keeps_the_last_status_with_its_cycle() -> None:
    # E2's export for 2026-Q3 is in, E1's is not: E1 stays Ready as of 2026-Q2, said so.
    history = two_cycles_at(AT_IC4) + ratings({("E2", "2026-Q3"): AT_IC4})
    table = readiness_table(framework([person("E1"), person("E2")], history, [ready_evidence()]))
    e1 = table.set_index("employee_id").loc["E1"]
    assert e1["status"] == "Ready"
    assert e1["cycle"] == "2026-Q2"
    assert e1["shortfall_codes"] == ["not-rated-yet"]
    assert e1["shortfalls"] == ["not rated yet in 2026-Q3: status as of 2026-Q2"]
    assert e1["quarters_in_level"] == 6.0  # to the end of 2026-Q2, the cycle assessed
    e2 = table.set_index("employee_id").loc["E2"]
    assert e2["cycle"] == "2026-Q3" and "not-rated-yet" not in e2["shortfall_codes"]
    index = RatingHistory.from_table(Table.from_records("history", history))
    assert not_rated_yet(table, index, "2026-Q3") == (1, 1)


def test_people_at_one_level_are_each_judged_on_their_own() -> None:
    # What a level expects is worked out once for everyone holding it: each person's row must
    # still be what a table of that person alone gives, and as counted by hand.
    def at(emp: str, q2: dict[str, float]) -> list[dict]:
        return ratings({(emp, "2026-Q1"): AT_IC4, (emp, "2026-Q2"): q2})

    people = [
        person("E1"),  # AT_IC4 twice, evidence: Ready
        person("E2", level=" ic3 "),  # IC3 written otherwise, no evidence at all
        person("E3"),  # Mentoring not rated in 2026-Q2
        person("E4"),  # every rating 3: a three-way tie for the lowest
        person("E5", level="IC5"),  # no next level
        person("E6", level=["IC3"]),  # not a level
    ]
    history = at("E1", AT_IC4) + at("E2", AT_IC4)
    history += at("E3", {"Delivery": 4.0, "System Design": 4.0})
    history += at("E4", {"Delivery": 3.0, "System Design": 3.0, "Mentoring": 3.0})
    history += at("E5", {"Delivery": 5.0, "System Design": 5.0, "Mentoring": 4.0})
    history += at("E6", AT_IC4)
    evidence = [ready_evidence(e) for e in ("E1", "E3", "E4", "E5", "E6")]
    table = readiness_table(framework(people, history, evidence)).set_index("employee_id")

    assert table["status"].to_dict() == {
        "E1": "Ready",
        "E2": "Close",  # scope not recorded as met; the endorsement pending as well
        "E3": "Insufficient data",
        "E4": "Not yet",  # average 3 < 3.5, and no cycle at IC4
        "E5": "Top of track",
        "E6": "Insufficient data",
    }
    assert table.loc["E2", "level"] == "IC3" and table.loc["E2", "next_level"] == "IC4"
    assert table.loc["E2", "shortfall_codes"] == ["scope-not-met", "endorsement-missing"]
    assert table.loc["E3", "shortfall_codes"] == ["missing-rating"]
    assert table.loc["E3", "ratings_where"].keys() == {"Delivery", "System Design"}
    assert (table.loc["E4", "lowest_rating"], table.loc["E4", "average"]) == (3.0, 3.0)
    assert table.loc["E4", "lowest_competency"] == "Delivery"  # the first in the Matrix
    assert table.loc["E4", "cycles_at_next"] == 0.0 and table.loc["E4", "run_before"] == 1.0
    assert table.loc["E6", "shortfall_codes"] == ["unknown-level"]
    # each row its own expectations: one changed leaves the others
    table.loc["E1", "rating_expectations"]["Delivery"] = (0.0, 0.0)
    assert table.loc["E3", "rating_expectations"]["Delivery"] == (3.0, 4.0)

    got = readiness_table(framework(people, history, evidence)).set_index("employee_id")
    for alone in people:
        mine = [r for r in history if r["employee_id"] == alone["employee_id"]]
        theirs = [e for e in evidence if e["employee_id"] == alone["employee_id"]]
        single = readiness_table(framework([alone], mine, theirs)).set_index("employee_id")
        # (the places of ratings and evidence name other rows of the shared tables)
        drop = [c for c in got.columns if c.endswith("_where") and c != "criteria_where"]
        assert _blanks_alike(got.loc[alone["employee_id"]].drop(drop)) == _blanks_alike(
            single.iloc[0].drop(drop)
        )


def _blanks_alike(row: pd.Series) -> dict[str, Any]:
    """The row's values, None for NaN (a table's column has its rows' type)."""
    return {k: None if isinstance(v, float) and v != v else v for k, v in row.items()}
