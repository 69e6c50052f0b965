"""Calibration analysis on small synthetic organisations, each number recomputed here by hand."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.analysis.calibration import distributions as cal
from ladder_sheets.analysis.calibration import steps
from ladder_sheets.analysis.calibration.consistency import MIN_RATINGS, manager_consistency
from ladder_sheets.analysis.calibration.summary import what_to_look_at_first
from ladder_sheets.model import Framework, Table

COMPETENCIES = ["Delivery", "Ownership", "Communication", "Design"]
Q2, Q3 = "2026-Q2", "2026-Q3"


def person(eid: str, manager: str | None, family: str = "Eng", level: str = "IC3") -> dict:
    track = "Management" if level.startswith("M") else "IC"
    return dict(
        employee_id=eid, name=f"Person {eid}", manager_id=manager, family=family, track=track,
        level=level,
    )  # fmt: skip


def rating(cycle: str, eid: str, comp: str, value: float, kind: str = "manager", by=None) -> dict:
    return dict(cycle=cycle, employee_id=eid, competency=comp, rating=value, rater_type=kind,
                reviewer=by)  # fmt: skip


def frames(emps: list[dict], rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ratings, employees) as the analysis takes them."""
    employees = Table.from_records("employees", emps).data
    ratings = Table.from_records("history", rows).data
    ratings["rating"] = ratings["rating"].astype(float)
    return ratings, employees


def org(biases: dict[str, float], reports: int = 10, cycle: str = Q3):
    """Managers with `reports` people each at Eng IC3; an ordinary manager rates
    2 + (i + k) % 3 (mean 3), a biased one adds the bias."""
    emps, rows = [], []
    for m, bias in biases.items():
        emps.append(person(m, None, level="M1"))
        for i in range(reports):
            eid = f"{m}-{i}"
            emps.append(person(eid, m))
            for k, comp in enumerate(COMPETENCIES):
                rows.append(rating(cycle, eid, comp, 2 + (i + k) % 3 + bias))
    return emps, rows


def pooled_spread(rows: list[dict], manager_of: dict[str, str]) -> float:
    groups: dict[str, list[float]] = {}
    for r in rows:
        groups.setdefault(manager_of[r["employee_id"]], []).append(r["rating"])
    ss = sum(sum((x - statistics.fmean(g)) ** 2 for x in g) for g in groups.values())
    return math.sqrt(ss / (len(rows) - len(groups)))


def test_planted_lenient_manager_is_flagged_and_ordinary_ones_are_not():
    emps, rows = org({"MA": 0, "MB": 0, "MC": 1})
    table = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    assert table.loc["MC", "flag"] == "lenient"
    assert table.loc["MA", "flag"] == "" and table.loc["MB", "flag"] == ""
    # By hand: MC against the 80 ratings of MA and MB (one family-level cell).
    given = by_manager(rows)
    peers = given["MA"] + given["MB"]
    s = pooled_spread(rows, {e["employee_id"]: e["manager_id"] for e in emps})
    se = s * math.sqrt(1 / 40 + 1 / 80)
    assert table.loc["MC", "peer_mean"] == pytest.approx(statistics.fmean(peers))
    assert table.loc["MC", "difference"] == pytest.approx(1.0)
    assert table.loc["MC", "se"] == pytest.approx(se)
    assert table.loc["MC", "z"] == pytest.approx(1.0 / se)
    assert (table.loc["MC", "compared"], table.loc["MC", "peer_ratings"]) == (40, 80)
    # Once MC is set aside, MA is compared with MB only: the same ratings, no difference.
    assert table.loc["MA", "difference"] == pytest.approx(0.0)


def by_manager(rows: list[dict]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for r in rows:
        out.setdefault(r["employee_id"].split("-")[0], []).append(r["rating"])
    return out


def test_planted_severe_manager_among_four():
    emps, rows = org({"MA": 0, "MB": 0, "MC": 0, "MD": -1})
    table = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    assert table["flag"].to_dict() == {"MD": "severe", "MA": "", "MB": "", "MC": ""}
    assert table.loc["MD", "difference"] == pytest.approx(-1.0)
    assert table.loc["MA", "peer_managers"] == 2  # MB and MC, not MD


def test_managers_flagged_one_by_one_leave_the_baselines_after_them():
    """ME (-1) is furthest from the other four, so it is set aside first, on numbers that
    still count MD (+0.9) among its peers; MD is then compared with MA, MB and MC only."""
    emps, rows = org({"MA": 0, "MB": 0, "MC": 0, "MD": 0.9, "ME": -1})
    table = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    assert table["flag"].to_dict() == {
        "ME": "severe", "MD": "lenient", "MA": "", "MB": "", "MC": "",
    }  # fmt: skip
    given = by_manager(rows)
    ordinary = given["MA"] + given["MB"] + given["MC"]
    assert table.loc["ME", "peer_mean"] == pytest.approx(statistics.fmean(ordinary + given["MD"]))
    assert table.loc["ME", "difference"] == pytest.approx(2.0 - (3 * 3 + 3.9) / 4)
    assert (table.loc["ME", "peer_managers"], table.loc["ME", "peer_ratings"]) == (4, 160)
    assert table.loc["MD", "peer_mean"] == pytest.approx(statistics.fmean(ordinary))
    assert table.loc["MD", "difference"] == pytest.approx(0.9)
    assert (table.loc["MD", "peer_managers"], table.loc["MD", "peer_ratings"]) == (3, 120)
    # Both set aside: the ordinary three are compared with each other only.
    assert table.loc["MA", "difference"] == pytest.approx(0.0)
    assert table.loc["MA", "peer_managers"] == 2


def test_manager_with_two_ratings_is_never_flagged():
    emps, rows = org({"MA": 0, "MB": 0, "MC": 0})
    emps += [person("MX", None, level="M1"), person("X-1", "MX")]
    rows += [rating(Q3, "X-1", "Delivery", 5.0), rating(Q3, "X-1", "Design", 5.0)]
    table = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    assert table.loc["MX", "ratings"] == 2
    given = by_manager(rows)
    peers = given["MA"] + given["MB"] + given["MC"]
    assert table.loc["MX", "difference"] == pytest.approx(5.0 - statistics.fmean(peers))
    assert table.loc["MX", "flag"] == ""
    assert "too few ratings" in str(table.loc["MX", "note"])


def test_small_difference_is_not_flagged_however_certain():
    emps, rows = org({"MA": 0, "MB": 0, "MC": 0.25}, reports=40)
    table = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    assert table["z"].abs()["MC"] >= 2
    assert (table["flag"] == "").all()


def test_two_managers_cannot_tell_who_is_off():
    emps, rows = org({"MA": 0, "MB": 1})
    table = manager_consistency(*frames(emps, rows), Q3)
    assert (table["flag"] == "").all()


def test_distributions_count_each_point_and_the_previous_cycle():
    emps = [person("M", None, level="M1"), person("A", "M"), person("B", "M")]
    rows = [
        rating(Q3, "A", "Delivery", 3.0),
        rating(Q3, "A", "Design", 3.5),  # counted as 4
        rating(Q3, "B", "Delivery", 4.0),
        rating(Q3, "B", "Design", 5.0),
        rating(Q3, "B", "Design", 1.0, kind="self"),  # not a manager rating
        rating(Q3, "GHOST", "Design", 1.0),  # not in Employees
        rating(Q2, "A", "Delivery", 2.0),
        rating(Q2, "B", "Delivery", 2.0),
    ]
    dist = cal.distributions(*frames(emps, rows), Q3, by=("family",)).iloc[0]
    counts = [dist[f"rating_{p}"] for p in range(1, 6)]
    assert counts == [0, 0, 1, 2, 1]
    assert dist["n"] == 4
    assert dist["mean"] == pytest.approx(statistics.fmean([3, 3.5, 4, 5]))
    assert dist["std"] == pytest.approx(statistics.stdev([3, 3.5, 4, 5]))
    assert [dist[f"prev_rating_{p}"] for p in range(1, 6)] == [0, 2, 0, 0, 0]
    assert dist["prev_mean"] == 2.0
    assert dist["mean_change"] == pytest.approx(3.875 - 2.0)
    detail = cal.distributions(*frames(emps, rows), Q3).set_index(["level", "competency"])
    assert detail.loc[("IC3", "Design"), "n"] == 2
    assert detail.loc[("IC3", "Design"), "prev_n"] == 0


def test_previous_cycle_skips_a_missing_quarter():
    ratings = pd.DataFrame({"cycle": ["2026-Q1", "2025-Q4", "2026-Q3", None]})
    assert cal.previous_cycle(ratings, "2026-Q3") == "2026-Q1"
    assert cal.previous_cycle(ratings, "2025-Q4") is None


def test_drift_sign_per_family_and_manager():
    emps, rows = org({"MA": 0, "MB": 0}, cycle=Q2)
    _, now = org({"MA": 1, "MB": -0.25}, cycle=Q3)
    table = cal.drift(*frames(emps, rows + now), Q3).set_index(["scope", "key"])
    assert table.loc[("Manager", "MA"), "change"] == pytest.approx(1.0)
    assert table.loc[("Manager", "MA"), "flag"] == "up"
    assert table.loc[("Manager", "MB"), "change"] == pytest.approx(-0.25)
    assert table.loc[("Manager", "MB"), "flag"] == ""
    assert table.loc[("Family", "Eng"), "change"] == pytest.approx((1 - 0.25) / 2)
    assert table.loc[("Manager", "MA"), "label"] == "Person MA"
    _, down = org({"MA": -1, "MB": -1}, cycle=Q3)
    table = cal.drift(*frames(emps, rows + down), Q3).set_index(["scope", "key"])
    assert table.loc[("Family", "Eng"), "flag"] == "down"


def test_self_vs_manager_gaps():
    emps = [person("M", None, level="M1"), person("A", "M"), person("B", "M")]
    rows = [
        rating(Q3, "A", "Delivery", 3.0),
        rating(Q3, "A", "Delivery", 5.0, kind="self"),
        rating(Q3, "A", "Design", 3.0),
        rating(Q3, "A", "Design", 4.0, kind="self"),
        rating(Q3, "A", "Ownership", 4.0, kind="self"),  # no manager rating: not a pair
        rating(Q3, "B", "Delivery", 4.0),
        rating(Q3, "B", "Delivery", 3.0, kind="self"),
    ]
    result = cal.self_vs_manager(*frames(emps, rows), Q3)
    per = result.by_employee.set_index("employee_id")
    assert per.loc["A", "pairs"] == 2
    assert per.loc["A", "gap"] == pytest.approx(1.5)
    assert per.loc["A", "note"] == "rates self higher"
    assert per.loc["B", "gap"] == pytest.approx(-1.0)
    boss = result.by_manager.set_index("manager_id")
    assert boss.loc["M", "pairs"] == 3
    assert boss.loc["M", "gap"] == pytest.approx((2 + 1 - 1) / 3)


def framework(emps: list[dict], criteria: list[dict], expected: dict[str, float]) -> Framework:
    levels = [
        dict(family="Eng", track="IC", level=lvl, order=float(i))
        for i, lvl in enumerate(["IC2", "IC3", "IC4"], start=2)
    ]
    ex = [
        dict(family="Eng", competency=c, level=lvl, expected=e)
        for c in COMPETENCIES[:2]
        for lvl, e in expected.items()
    ]
    tables = {
        "levels": Table.from_records("levels", levels),
        "expectations": Table.from_records("expectations", ex),
        "criteria": Table.from_records("criteria", criteria),
        "employees": Table.from_records("employees", emps),
    }
    return Framework(Path("framework.xlsx"), tables)


def scored(people: dict[str, tuple[float, float]], level: str = "IC3"):
    """People at `level` with two manager ratings each (Delivery, Ownership)."""
    emps = [person("M", None, level="M1")] + [person(e, "M", level=level) for e in people]
    rows = []
    for eid, (a, b) in people.items():
        rows += [rating(Q3, eid, "Delivery", a), rating(Q3, eid, "Ownership", b)]
    return emps, rows


STEP = dict(family="Eng", from_level="IC3", to_level="IC4", min_average=3.5, min_each=3.0)


@pytest.mark.parametrize(
    ("scores", "both", "flag"),
    [
        ({"a": (4, 4), "b": (2, 5), "c": (3, 3), "d": (3, 4), "e": (1, 1), "f": (5, 5)}, 3, ""),
        ({"a": (3, 3), "b": (2, 5), "c": (3, 3), "d": (1, 2), "e": (1, 1)}, 0, "aspirational"),
        (
            {"a": (4, 4), "b": (4, 4), "c": (3, 4), "d": (1, 2), "e": (1, 1)},
            3,
            "already met by most",
        ),
        ({"a": (3, 3), "b": (2, 5)}, 0, ""),  # two people rated: too few to judge
    ],
)
def test_attainability_counts_by_hand(scores, both, flag):
    emps, rows = scored(scores)
    emps.append(person("unrated", "M"))
    fw = framework(emps, [STEP], {"IC3": 3.0, "IC4": 4.0})
    row = steps.attainability(fw, frames(emps, rows)[0], fw.employees.data, Q3).iloc[0]
    averages = {e: sum(v) / 2 for e, v in scores.items()}
    meets = [e for e, v in scores.items() if averages[e] >= 3.5 and min(v) >= 3.0]
    assert (row["people"], row["rated"]) == (len(scores) + 1, len(scores))
    assert row["meeting_average"] == sum(a >= 3.5 for a in averages.values())
    assert row["meeting_min_each"] == sum(min(v) >= 3 for v in scores.values())
    assert row["meeting_both"] == len(meets) == both
    assert row["share"] == pytest.approx(both / len(scores))
    assert row["operating_at_next"] == sum(min(v) >= 4 for v in scores.values())
    assert row["flag"] == flag


def test_attainability_of_a_step_nobody_is_at():
    emps, rows = scored({"a": (4, 4)})
    step = dict(STEP, from_level="IC2", to_level="IC3")
    fw = framework(emps, [step], {"IC2": 2.0, "IC3": 3.0})
    row = steps.attainability(fw, frames(emps, rows)[0], fw.employees.data, Q3).iloc[0]
    assert (row["people"], row["rated"], row["flag"]) == (0, 0, "")
    assert math.isnan(row["share"])


def test_level_fit_lists_far_below_and_above_next():
    emps, rows = scored({"low": (1, 2), "ok": (3, 3), "high": (5, 4), "top": (5, 5)})
    fw = framework(emps, [STEP], {"IC3": 3.0, "IC4": 4.0})
    fit = steps.level_fit(fw, frames(emps, rows)[0], fw.employees.data, Q3)
    table = fit.set_index("employee_id")
    assert set(table.index) == {"low", "high", "top"}
    assert table.loc["low", "gap_current"] == pytest.approx(((1 - 3) + (2 - 3)) / 2)
    assert table.loc["low", "fit"] == "below current level"
    assert table.loc["high", "gap_next"] == pytest.approx(((5 - 4) + (4 - 4)) / 2)
    assert table.loc["high", "fit"] == "above next level"
    assert table.loc["top", "next_level"] == "IC4"


def readiness_rows() -> pd.DataFrame:
    base: dict[str, Any] = dict(
        family="Eng", track="IC", level="IC3", next_level="IC4", cycle=Q3, manager_id="M",
        min_average=3.5, min_each=3.0, cycles_required=1.0, quarters_required=4.0,
        scope_met=True, endorsed=True, calibrated=None, requires_endorsement=True,
        requires_calibration=True, shortfall_codes=[],
    )  # fmt: skip
    people = [
        ("n1", "Not yet", 2.5, 2.0, 0, 1.0, ["average", "floor"]),
        ("c1", "Close", 3.2, 3.0, 1, 6.0, ["average 3.2 is below 3.5"]),
        ("r1", "Ready", 4.0, 3.0, 1, 6.0, []),
        ("p1", "Ready pending sign-off", 3.8, 3.0, 1, 4.0, ["calibration not recorded"]),
    ]
    rows = [
        dict(base, employee_id=e, name=f"Person {e}", status=s, average=a, lowest_rating=lo,
             lowest_competency="Design", cycles_at_next=c, quarters_in_level=q, shortfalls=sf)
        for e, s, a, lo, c, q, sf in people
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_promotion_candidates_with_evidence_per_criterion():
    table = steps.promotion_candidates(readiness_rows())
    assert list(table["employee_id"]) == ["r1", "p1", "c1"]
    close = table.set_index("employee_id").loc["c1"]
    assert close["average_met"] is False and close["min_each_met"] is True
    assert close["cycles_met"] is True and close["time_met"] is True
    assert close["shortfalls"] == "average 3.2 is below 3.5"
    assert table.set_index("employee_id").loc["r1", "shortfalls"] == ""


def test_summary_names_the_lenient_manager_first():
    emps, rows = org({"MA": 0, "MB": 0, "MC": 1})
    ratings, employees = frames(emps, rows)
    consistency = manager_consistency(ratings, employees, Q3)
    lines = what_to_look_at_first(
        consistency,
        cal.drift(ratings, employees, Q3),
        steps.attainability(framework(emps, [], {}), ratings, employees, Q3),
        pd.DataFrame(columns=["fit"]),
        steps.promotion_candidates(readiness_rows()),
    )
    assert lines[0][0] == "Manager Consistency" and "(MC)" in lines[0][1]
    assert ("Promotion Candidates", "Candidates to decide: 1 Ready, 1 Ready pending "
            "sign-off, 1 Close.") in lines  # fmt: skip


def test_empty_cycle_gives_empty_tables():
    emps, rows = org({"MA": 0})
    ratings, employees = frames(emps, rows)
    assert manager_consistency(ratings, employees, "2027-Q1").empty
    assert cal.distributions(ratings, employees, "2026-Q1").empty
    assert cal.self_vs_manager(ratings, employees, "2027-Q1").by_employee.empty
    # A cycle with no ratings of its own still shows the previous cycle beside it.
    later = cal.distributions(ratings, employees, "2027-Q1")
    assert (later["n"] == 0).all() and (later["prev_n"] == 10).all()


@settings(max_examples=40, deadline=None)
@given(
    grid=st.lists(st.lists(st.integers(1, 5), min_size=2, max_size=12), min_size=3, max_size=5),
    lift=st.floats(0.0, 2.0),
)
def test_consistency_properties(grid: list[list[int]], lift: float):
    """Raising one manager's ratings never lowers their difference (while no one else is set
    aside as flagged); shifting everyone's ratings changes no difference; nobody with fewer
    than MIN_RATINGS compared ratings is flagged; a flag agrees with the difference's sign."""
    emps, rows = [], []
    for m, given_ratings in enumerate(grid):
        emps.append(person(f"M{m}", None, level="M1"))
        for i, value in enumerate(given_ratings):
            eid = f"M{m}-{i // 2}"
            if i % 2 == 0:
                emps.append(person(eid, f"M{m}"))
            rows.append(rating(Q3, eid, COMPETENCIES[i % 2], float(value)))
    base = manager_consistency(*frames(emps, rows), Q3).set_index("manager_id")
    lifted = [dict(r, rating=r["rating"] + lift) if r["employee_id"].startswith("M0-") else r
              for r in rows]  # fmt: skip
    after = manager_consistency(*frames(emps, lifted), Q3).set_index("manager_id")
    others = pd.concat([base["flag"], after["flag"]]).drop("M0")
    if (others == "").all():
        assert after["difference"]["M0"] >= base["difference"]["M0"] - 1e-9
    shifted = [dict(r, rating=r["rating"] + 10) for r in rows]
    moved = manager_consistency(*frames(emps, shifted), Q3).set_index("manager_id")
    aligned = moved["difference"].reindex(base.index).to_numpy()
    assert aligned == pytest.approx(base["difference"].to_numpy(), nan_ok=True)
    for table in (base, after):
        flagged = table.loc[table["flag"] != ""]
        assert (flagged["compared"] >= MIN_RATINGS).all()
        assert ((flagged["flag"] == "lenient") == (flagged["difference"] > 0)).all()


def test_steps_match_names_ignoring_case_and_spacing():
    emps, rows = scored({"low": (1, 2), "a": (4, 4)})
    for e in emps[1:]:
        e.update(family="eng", level=" ic3 ")
    rows = [dict(r, competency=r["competency"].upper()) for r in rows]
    fw = framework(emps, [dict(STEP, from_level="Ic3")], {"IC3": 3.0, "IC4": 4.0})
    ratings = frames(emps, rows)[0]
    reach = steps.attainability(fw, ratings, fw.employees.data, Q3).iloc[0]
    assert (reach["people"], reach["rated"], reach["meeting_both"]) == (2, 2, 1)
    assert reach["operating_at_next"] == 1
    fit = steps.level_fit(fw, ratings, fw.employees.data, Q3)
    assert list(fit["employee_id"]) == ["low"]
    assert fit["gap_current"].iloc[0] == pytest.approx(-1.5)


@pytest.mark.parametrize(
    ("difference", "z", "flag", "says", "never"),
    [
        (0.3, 4.1, "", "0.30 points higher than peers", "in line"),
        (-0.8, -1.2, "", "0.80 points lower than peers", "in line"),
        (0.1, 0.5, "", "in line with peers", "lower"),
        (0.9, 3.0, "lenient", "more than chance explains (lenient)", "in line"),
    ],
)
def test_consistency_notes_agree_with_their_numbers(difference, z, flag, says, never):
    from ladder_sheets.analysis.calibration.consistency import _note

    row = pd.Series(
        dict(compared=40, people=8, peer_managers=3, peer_ratings=60, difference=difference,
             z=z, flag=flag)
    )  # fmt: skip
    note = _note(row)
    assert says in note and never not in note
    assert "uncertainty" not in note and "score" not in note
