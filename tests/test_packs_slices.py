"""Per-person slices: each table is cut once, a pack's data (what a worker process is handed)
holds its recipient's people and nobody else, and the trend, competency order and readiness
come out as the pack shows them."""

from __future__ import annotations

import datetime as dt
import math
import pickle

import pandas as pd
import pytest

from ladder_sheets.packs.recipients import recipients
from ladder_sheets.packs.slices import (
    MAX_TREND,
    behavior_rows,
    level_rows,
    pack_data,
    person_slices,
)
from ladder_sheets.packs.workbook import team_competencies, trend_cycles

# Invented people; distinctive strings so a scan of the pickled hand-over finds only leaks.
PEOPLE = pd.DataFrame(
    {
        "employee_id": ["X801", "X811", "X812", "X802", "X821"],
        "name": ["Ottilie Marchbank", "Ansel Quorrow", "Brisa Tenfold", "Corwin Ashlake",
                 "Dulcie Penhallow"],
        "manager_id": [None, "X801", "X801", None, "X802"],
        "family": ["Eng"] * 5,
        "level": ["M1", "IC1", "IC2", "M1", "IC1"],
    }
)  # fmt: skip
COMPS = ("Writing", "Building", "Testing")


def _gaps() -> pd.DataFrame:
    rows = []
    for emp in ("X821", "X812", "X811"):  # table order is not the Employees order
        comps = COMPS if emp != "X811" else ("Testing", "Writing")
        for comp in comps:
            rows.append(
                {
                    "employee_id": emp,
                    "competency": comp,
                    "category": "Core",
                    "expected_current": 2.0,
                    "expected_next": 3.0,
                    "manager_rating": 2.5,
                    "self_rating": math.nan,
                    "gap_next": -0.5,
                    "next_behavior": f"{emp} {comp} behaviour",
                    "rating_where": "Ratings History!D2",  # a column the pack never shows
                }
            )
    return pd.DataFrame(rows)


def _readiness() -> pd.DataFrame:
    rows = [
        {"employee_id": emp, "next_level": nxt, "status": status, "shortfalls": [f"{emp} short"]}
        for emp, nxt, status in (
            ("X811", "IC2", "Close"),
            ("X811", "IC3", "Ready"),  # a second row for A1: the first one counts
            ("X812", "IC3", "Not yet"),
            ("X821", "IC2", "Ready"),
        )
    ]
    return pd.DataFrame(rows)


def _trend() -> pd.DataFrame:
    cycles = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    rows = [("X811", "Writing", c, float(i + 1)) for i, c in enumerate(cycles)]
    rows += [
        ("X811", "Writing", "2026-Q2", 4.5),  # a later row for the same cycle wins
        ("X812", "Writing", "2025-Q1", 2.0),
        ("X812", "Writing", "2026-Q1", math.nan),  # no rating: not a point of the trend
        ("X821", "Testing", "2026-Q2", 3.0),
    ]
    return pd.DataFrame(rows, columns=["employee_id", "competency", "cycle", "rating"])


@pytest.fixture
def slices():
    return person_slices(PEOPLE, _gaps(), _readiness(), _trend(), "2026-Q2")


def test_each_table_is_cut_by_person_in_table_order(slices):
    assert [g["competency"] for g in slices["X811"].gaps] == ["Testing", "Writing"]
    assert slices["X811"].gap_order == [6, 7]  # B1 has rows 0-2, A2 rows 3-5
    assert slices["X821"].gap_order == [0, 1, 2]
    assert slices["X801"].gaps == [] and slices["X801"].readiness is None
    assert "rating_where" not in slices["X811"].gaps[0]
    assert slices["X811"].gaps[0]["self_rating"] is None  # blanks are None, not NaN
    assert slices["X811"].readiness is not None
    assert slices["X811"].readiness["next_level"] == "IC2"  # first row of two
    assert slices["X811"].readiness["shortfalls"] == ["X811 short"]


def test_trend_keeps_each_persons_last_cycles_up_to_the_pack_cycle(slices):
    a1 = slices["X811"].trend
    # Cycles up to 2026-Q2 are Q1 2025 .. Q2 2026 (6); the last 4 are kept, 2026-Q3 is later.
    assert sorted(c for _comp, c in a1) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert len(a1) == MAX_TREND
    assert a1[("Writing", "2026-Q2")] == 4.5
    assert a1[("Writing", "2025-Q3")] == 3.0
    assert slices["X812"].trend == {("Writing", "2025-Q1"): 2.0}
    assert slices["X821"].trend == {("Testing", "2026-Q2"): 3.0}


def test_pack_shows_the_last_cycles_of_its_people_together(slices):
    team = [slices["X811"], slices["X812"]]
    assert trend_cycles(team, "2026-Q2") == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert trend_cycles([slices["X812"]], "2026-Q2") == ["2025-Q1"]
    # Up to 2025-Q4: X811's Q3 and Q4 (its slice starts at Q3) and X812's Q1.
    assert trend_cycles(team, "2025-Q4") == ["2025-Q1", "2025-Q3", "2025-Q4"]


def test_team_competencies_follow_the_gap_tables_order(slices):
    # A1 (Testing, Writing at rows 6-7) comes first in the pack, but the table has A2's
    # Writing, Building, Testing at rows 3-5 first: the heat map's columns follow the table.
    assert team_competencies([slices["X811"], slices["X812"]]) == ["Writing", "Building", "Testing"]
    assert team_competencies([slices["X811"]]) == ["Testing", "Writing"]


def test_what_a_worker_is_handed_names_only_the_recipients_people(slices):
    levels = level_rows(
        pd.DataFrame(
            {
                "family": ["Eng", "Eng", "Eng", "Eng"],
                "level": ["IC1", "IC2", "IC3", "M1"],
                "title": ["Junior", "Engineer", "Senior", "Manager"],
                "scope": ["s1", "s2", "s3", "s4"],
            }
        )
    )
    behaviors = behavior_rows(
        pd.DataFrame(
            {
                "family": ["Eng", "Eng"],
                "level": ["IC2", "IC3"],
                "competency": ["Writing", "Writing"],
                "behavior": ["IC2 writing", "IC3 writing"],
            }
        )
    )
    created = dt.datetime(2026, 6, 30, 12)
    everyone = {
        str(emp): (str(emp), str(name))
        for emp, name in zip(PEOPLE["employee_id"], PEOPLE["name"], strict=True)
    }
    for by in ("manager", "employee"):
        for r in recipients(PEOPLE, by=by):
            data = pack_data(r, slices, levels, behaviors, cycle="2026-Q2", created=created)
            assert data.employee_ids() == set(r.people)
            assert [p.employee_id for p in data.people] == list(r.people)
            handed = pickle.dumps(data).decode("latin-1")
            for emp, strings in everyone.items():
                if emp in r.people or emp == r.employee_id:
                    continue
                for needle in strings:
                    assert needle not in handed, f"{needle} handed over with {r.employee_id}"
            if by == "employee" and r.employee_id == "X811":
                assert data.next_behaviors == [("Writing", "IC2 writing")]
            if by == "manager":
                assert data.next_behaviors == []
    managers = {r.employee_id: r.people for r in recipients(PEOPLE, by="manager")}
    assert managers == {"X801": ("X811", "X812"), "X802": ("X821",)}
