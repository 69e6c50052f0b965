"""Gap table on a small invented ladder; every gap computed by hand in the test.

competency      category    IC3  IC4  IC5   (family Eng)
Delivery        Core         3    4    5
System Design   Functional   3    4    5
Mentoring       Core         -    3    4
Hiring          Core         -    -    3     (expected at neither IC3 nor IC4)
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ladder_sheets.analysis import GAP_COLUMNS, gap_table, next_levels, step_for
from ladder_sheets.model import Framework, Table

NAN = float("nan")
MATRIX = {
    "Delivery": {"IC3": 3.0, "IC4": 4.0, "IC5": 5.0},
    "System Design": {"IC3": 3.0, "IC4": 4.0, "IC5": 5.0},
    "Mentoring": {"IC3": None, "IC4": 3.0, "IC5": 4.0},
    "Hiring": {"IC3": None, "IC4": None, "IC5": 3.0},
}
CATEGORY = {
    "Delivery": "Core",
    "System Design": "Functional",
    "Mentoring": "Core",
    "Hiring": "Core",
}


def behavior(comp: str, level: str) -> str:
    return f"{comp} as an {level} does it"


def framework(people: list[dict], history: list[dict], matrix_family: str | None = "Eng"):
    levels = [
        dict(family="Eng", track="IC", level=lvl, order=float(i + 3), min_quarters=4.0)
        for i, lvl in enumerate(("IC3", "IC4", "IC5"))
    ] + [dict(family="Eng", track="Management", level="M1", order=4.0)]
    expectations = [
        dict(family=matrix_family, competency=comp, level=lvl, expected=value)
        for comp, by_level in MATRIX.items()
        for lvl, value in by_level.items()
    ]
    behaviors = [
        dict(family=matrix_family, competency=comp, level=lvl, behavior=behavior(comp, lvl))
        for comp in MATRIX
        for lvl in ("IC3", "IC4", "IC5")
    ]
    competencies = [dict(competency=c, category=k) for c, k in CATEGORY.items()]
    tables = {
        "levels": Table.from_records("levels", levels),
        "competencies": Table.from_records("competencies", competencies),
        "expectations": Table.from_records("expectations", expectations),
        "behaviors": Table.from_records("behaviors", behaviors),
        "employees": Table.from_records("employees", people),
        "history": Table.from_records("history", history),
    }
    return Framework(path=Path("ladder.xlsx"), tables=tables)


def person(emp: str, level: str = "IC3", name: str | None = None) -> dict[str, Any]:
    return dict(
        employee_id=emp,
        name=name or f"Person {emp}",
        manager_id="M9",
        family="Eng",
        track="IC",
        level=level,
        in_level_since=dt.date(2025, 1, 1),
    )


def rate(emp: str, cycle: str, comp: str, value: float, rater: str = "manager") -> dict:
    return dict(cycle=cycle, employee_id=emp, competency=comp, rating=value, rater_type=rater)


def rows_by_comp(table: pd.DataFrame, emp: str = "E1") -> dict[str, dict[str, Any]]:
    mine = table[table["employee_id"] == emp]
    return {r["competency"]: r for r in mine.to_dict("records")}


def test_gaps_against_current_and_next_level() -> None:
    history = [
        rate("E1", "2026-Q2", "Delivery", 4.0),
        rate("E1", "2026-Q2", "System Design", 2.0),
        rate("E1", "2026-Q2", "Mentoring", 3.0),
        rate("E1", "2026-Q2", "Delivery", 5.0, rater="self"),
    ]
    table = gap_table(framework([person("E1")], history))
    assert list(table.columns) == GAP_COLUMNS
    # one row per competency expected at IC3 or IC4, in Matrix order; Hiring is neither
    assert list(table["competency"]) == ["Delivery", "System Design", "Mentoring"]
    rows = rows_by_comp(table)
    d, s, m = rows["Delivery"], rows["System Design"], rows["Mentoring"]
    assert (d["gap_current"], d["gap_next"]) == (4 - 3, 4 - 4)
    assert (s["gap_current"], s["gap_next"]) == (2 - 3, 2 - 4)
    # IC3 expects no Mentoring: no current gap, but a gap to IC4's 3
    assert math.isnan(m["expected_current"]) and math.isnan(m["gap_current"])
    assert m["gap_next"] == 3 - 3
    assert d["self_rating"] == 5.0 and math.isnan(s["self_rating"])
    assert d["self_rating_where"] == "Ratings History!D5" and s["self_rating_where"] == ""
    assert (d["category"], s["category"]) == ("Core", "Functional")
    assert d["level"] == "IC3" and d["next_level"] == "IC4" and d["cycle"] == "2026-Q2"
    assert d["manager_id"] == "M9" and d["name"] == "Person E1"
    assert d["rating_where"] == "Ratings History!D2"


def test_next_behavior_only_where_below_next_level() -> None:
    history = [
        rate("E1", "2026-Q2", "Delivery", 4.0),
        rate("E1", "2026-Q2", "System Design", 3.5),
        rate("E1", "2026-Q2", "Mentoring", 2.0),
    ]
    rows = rows_by_comp(gap_table(framework([person("E1")], history)))
    assert pd.isna(rows["Delivery"]["next_behavior"])  # exactly IC4's 4: no gap
    assert rows["System Design"]["next_behavior"] == behavior("System Design", "IC4")
    assert rows["Mentoring"]["next_behavior"] == behavior("Mentoring", "IC4")


def test_missing_rating_gives_no_gap() -> None:
    history = [rate("E1", "2026-Q2", "Delivery", 4.0)]
    rows = rows_by_comp(gap_table(framework([person("E1")], history)))
    s = rows["System Design"]
    assert math.isnan(s["manager_rating"]) and math.isnan(s["gap_next"])
    assert s["rating_where"] == "" and s["trend"] == ""
    assert pd.isna(s["next_behavior"])


def test_trend_over_the_last_cycles_oldest_first() -> None:
    cycles = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    values = [1.0, 2.0, 3.0, 3.0, 4.5]
    history = [rate("E1", c, "Delivery", v) for c, v in zip(cycles, values, strict=True)]
    history += [rate("E2", c, "Delivery", 3.0) for c in ("2025-Q3", "2026-Q2")]
    table = gap_table(framework([person("E1"), person("E2")], history))
    d1 = rows_by_comp(table, "E1")["Delivery"]
    assert d1["trend"] == "2 → 3 → 3 → 4.5"  # last 4 cycles; 2025-Q2 falls out
    assert d1["trend_delta"] == 4.5 - 2.0
    d2 = rows_by_comp(table, "E2")["Delivery"]
    assert d2["trend"] == "3 → 3" and d2["trend_delta"] == 0.0  # unrated cycles left out
    short = rows_by_comp(gap_table(framework([person("E1")], history), trend_cycles=2))
    assert short["Delivery"]["trend"] == "3 → 4.5"
    assert short["Delivery"]["trend_delta"] == 1.5


def test_single_rating_has_no_trend_delta() -> None:
    table = gap_table(framework([person("E1")], [rate("E1", "2026-Q2", "Delivery", 3.0)]))
    d = rows_by_comp(table)["Delivery"]
    assert d["trend"] == "3" and math.isnan(d["trend_delta"])


def test_older_cycle_is_analysed_on_request() -> None:
    history = [
        rate("E1", "2026-Q1", "Delivery", 2.0),
        rate("E1", "2026-Q2", "Delivery", 4.0),
        rate("E1", "2026-Q1", "Delivery", 3.0, rater="self"),
    ]
    d = rows_by_comp(gap_table(framework([person("E1")], history), cycle="2026-Q1"))["Delivery"]
    assert d["cycle"] == "2026-Q1"
    assert (d["manager_rating"], d["self_rating"]) == (2.0, 3.0)
    assert (d["gap_current"], d["gap_next"]) == (2 - 3, 2 - 4)
    assert d["trend"] == "2"  # later cycles never appear in an older cycle's trend


def test_top_of_track_has_no_next_expectations() -> None:
    history = [rate("E5", "2026-Q2", "Hiring", 2.0)]
    table = gap_table(framework([person("E5", level="IC5")], history))
    assert list(table["competency"]) == ["Delivery", "System Design", "Mentoring", "Hiring"]
    assert table["next_level"].isna().all() and table["expected_next"].isna().all()
    assert table["gap_next"].isna().all() and table["next_behavior"].isna().all()
    hiring = rows_by_comp(table, "E5")["Hiring"]
    assert hiring["gap_current"] == 2 - 3


def test_matrix_without_family_applies_to_every_family() -> None:
    history = [rate("E1", "2026-Q2", "System Design", 2.0)]
    table = gap_table(framework([person("E1")], history, matrix_family=None))
    s = rows_by_comp(table)["System Design"]
    assert (s["expected_current"], s["expected_next"], s["gap_next"]) == (3.0, 4.0, -2.0)
    assert s["next_behavior"] == behavior("System Design", "IC4")


def test_unknown_level_has_no_rows_and_order_is_stable() -> None:
    history = [rate("B", "2026-Q2", "Delivery", 3.0)]
    people = [person("B", name="Bo"), person("X", level="IC9"), person("A", name="Al")]
    table = gap_table(framework(people, history))
    assert "X" not in set(table["employee_id"])
    assert list(table["employee_id"].drop_duplicates()) == ["A", "B"]
    assert len(table) == 2 * 3


def test_csv_ratings_cite_file_and_line() -> None:
    fw = framework([person("E1")], [])
    data = pd.DataFrame([rate("E1", "2026-Q2", "Delivery", 4.0)], dtype=object)
    data = data.reindex(columns=fw.history.data.columns)
    cells = pd.DataFrame([{c: f"7:{c}" for c in data.columns}])
    csv = Table("history", data, cells, pd.Series([None], dtype=object), file="q2.csv")
    d = rows_by_comp(gap_table(fw, csv))["Delivery"]
    assert d["rating_where"] == "q2.csv:7 (rating)"


def test_no_ratings_at_all_still_lists_expectations() -> None:
    table = gap_table(framework([person("E1")], []))
    assert len(table) == 3 and table["manager_rating"].isna().all()
    assert table["cycle"].isna().all()


def test_next_levels_stay_on_track() -> None:
    levels = pd.DataFrame(
        [
            dict(family="Eng", track="IC", level="IC4", order=4.0),
            dict(family="Eng", track="IC", level="IC3", order=3.0),
            dict(family="Eng", track="IC", level="IC5", order=5.0),
            dict(family="Eng", track="Management", level="M1", order=4.0),
            dict(family="Sales", track="IC", level="S1", order=1.0),
            dict(family="Eng", track="IC", level="ICX", order=None),
        ]
    )
    nxt = next_levels(levels).set_index("level")
    assert nxt.loc["IC3", "next_level"] == "IC4"  # not M1, which is on the other track
    assert nxt.loc["IC4", "next_level"] == "IC5"
    assert bool(nxt.loc["IC5", "is_top"]) and pd.isna(nxt.loc["IC5", "next_level"])
    assert bool(nxt.loc["M1", "is_top"]) and bool(nxt.loc["S1", "is_top"])
    assert not bool(nxt.loc["ICX", "is_top"]) and pd.isna(nxt.loc["ICX", "next_level"])


def test_step_for_prefers_the_family_row() -> None:
    criteria = pd.DataFrame(
        [
            dict(family=None, from_level="IC3", to_level="IC4", min_average=3.0),
            dict(family="Eng", from_level="ic3", to_level="IC4", min_average=3.5),
            dict(family="Sales", from_level="IC3", to_level="IC4", min_average=4.0),
        ]
    )
    assert step_for(criteria, "Eng", "IC3", "IC4")["min_average"] == 3.5  # type: ignore[index]
    general = step_for(criteria, "Data", "IC3", "IC4")
    assert general is not None and general.name == 0 and general["min_average"] == 3.0
    assert step_for(criteria, "Eng", "IC4", "IC5") is None


@pytest.mark.parametrize("trend_cycles", [0, 1])
def test_tiny_trend_windows(trend_cycles: int) -> None:
    history = [rate("E1", c, "Delivery", v) for c, v in (("2026-Q1", 2.0), ("2026-Q2", 3.0))]
    d = rows_by_comp(gap_table(framework([person("E1")], history), trend_cycles=trend_cycles))
    assert d["Delivery"]["trend"] == ("" if trend_cycles == 0 else "3")
