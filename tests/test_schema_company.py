"""A small invented company whose framework is clean, and the tests that it is.

Other schema and quality tests import `company()` and `build()` from here, break one thing in
the records and assert the one finding it causes. Row r of a table (0-based) sits on sheet row
r + 2, in the column the template gives it (see model.TABLES).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from ladder_sheets.model import Framework, Table
from ladder_sheets.schema import validate

Records = dict[str, list[dict[str, Any]]]

COMPETENCIES = [
    ("Communication", "Core"),
    ("Ownership", "Core"),
    ("Delivery", "Core"),
    ("System Design", "Functional"),
    ("Code Quality", "Functional"),
    ("Operations", "Functional"),
]
# family -> track -> level codes, lowest first
TRACKS = {
    "Engineering": {
        "IC": ["IC1", "IC2", "IC3", "IC4", "IC5"],
        "Management": ["M1", "M2", "M3", "M4"],
    },
    "Data": {"IC": ["D1", "D2", "D3", "D4"]},
}
SCOPES = [
    "their own tasks",
    "a feature",
    "a team roadmap",
    "several teams",
    "the department",
    "the company",
    "the industry",
    "the whole market",
]


def levels(tracks: dict[str, dict[str, list[str]]]) -> list[tuple[str, str, str, int]]:
    """(family, track, level, order) in the order of the Levels rows."""
    return [
        (family, track, code, i + 1)
        for family, by_track in tracks.items()
        for track, codes in by_track.items()
        for i, code in enumerate(codes)
    ]


def expected(track: str, order: int) -> int:
    return min(5, order if track == "IC" else order + 2)


def company(
    tracks: dict[str, dict[str, list[str]]] | None = None,
    competencies: list[tuple[str, str]] | None = None,
) -> Records:
    tracks = tracks or TRACKS
    competencies = competencies or COMPETENCIES
    rec: Records = {name: [] for name in ("levels", "competencies", "expectations", "behaviors")}
    top_ic = [codes_of(tracks, family, "IC")[-1:][0] for family in tracks if "IC" in tracks[family]]
    for family, track, code, order in levels(tracks):
        band = 50 + 20 * order + (10 if track == "Management" else 0)
        rec["levels"].append(
            {
                "family": family,
                "track": track,
                "level": code,
                "title": f"{track} {order}",
                "order": order,
                "scope": f"Works on {SCOPES[order - 1]}",
                "min_quarters": 4,
                "band_min": band * 1000,
                # the top IC band reaches past the top management band (equal prestige)
                "band_max": (band + (60 if code in top_ic else 30)) * 1000,
            }
        )
    rec["competencies"] = [
        {"competency": c, "category": cat, "family": None, "definition": f"About {c.lower()}"}
        for c, cat in competencies
    ]
    for family, track, code, order in levels(tracks):
        for c, _ in competencies:
            cell = {"family": family, "competency": c, "level": code}
            rec["expectations"].append({**cell, "expected": expected(track, order)})
            text = f"Has shipped {c.lower()} work that affects {SCOPES[order - 1]}."
            rec["behaviors"].append({**cell, "behavior": text})
    rec["criteria"] = [
        {
            "family": family,
            "from_level": low,
            "to_level": high,
            "min_average": 3.5,
            "min_each": 3,
            "cycles_at_next": 2,
            "min_quarters": 4,
            "scope_criteria": "Has led a project with 3+ cross-team stakeholders",
            "requires_endorsement": "Yes",
            "requires_calibration": "Yes",
        }
        for family, by_track in tracks.items()
        for codes in by_track.values()
        for low, high in zip(codes, codes[1:], strict=False)
    ]
    rec["paths"] = [
        _path("Crossover", "Engineering", "IC4", "Engineering", "M1"),
        _path("Return", "Engineering", "M1", "Engineering", "IC4"),
        _path("Lateral", "Engineering", "IC3", "Data", "D2"),
    ]
    rec["employees"] = [
        _person("E001", "Ada Quill", None, "Engineering", "M3", "2024-01-15"),
        _person("E002", "Bo Marlin", "E001", "Engineering", "M1", "2025-03-01"),
        _person("E003", "Cy Tern", "E002", "Engineering", "IC2", "03.02.2025"),
        _person("E004", "Di Wren", "E002", "Engineering", "IC3", dt.datetime(2024, 6, 1)),
        _person("E005", "Ed Finch", "E001", "Data", "D2", "2025-09-30"),
    ]
    rec["history"] = [
        {"cycle": "2026-Q2", "employee_id": "E003", "competency": c, "rating": 3}
        for c, _ in COMPETENCIES
    ] + [
        {
            "cycle": "2026-Q2",
            "employee_id": "E003",
            "competency": "Delivery",
            "rating": "4",
            "rater_type": "Self",
        }
    ]
    rec["evidence"] = [
        {
            "cycle": "2026-Q2",
            "employee_id": "E003",
            "scope_met": "Yes",
            "endorsed": "No",
            "calibrated": None,
        }
    ]
    return rec


def codes_of(tracks: dict[str, dict[str, list[str]]], family: str, track: str) -> list[str]:
    return tracks.get(family, {}).get(track, [])


def _path(kind: str, ff: str, fl: str, tf: str, tl: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "from_family": ff,
        "from_level": fl,
        "to_family": tf,
        "to_level": tl,
        "transferable_skills": "Delivery, Communication",
        "gaps_to_close": "Statistics",
        "requirements": "Six months on a data project",
    }


def _person(eid: str, name: str, boss: str | None, family: str, level: str, since: Any) -> dict:
    track = "Management" if level.startswith("M") else "IC"
    return {
        "employee_id": eid,
        "name": name,
        "email": f"{eid.lower()}@example.com",
        "manager_id": boss,
        "family": family,
        "track": track,
        "level": level,
        "in_level_since": since,
    }


def build(rec: Records, path: str = "framework.xlsx") -> Framework:
    tables = {name: Table.from_records(name, rows, file=path) for name, rows in rec.items()}
    return Framework(Path(path), tables)


def row_of(rec: Records, table: str, **match: Any) -> int:
    """The sheet row of the first record matching every given value."""
    for i, r in enumerate(rec[table]):
        if all(r.get(k) == v for k, v in match.items()):
            return i + 2
    raise LookupError(f"no {table} row with {match}")


def test_clean_company_has_no_findings() -> None:
    result = validate(build(company()))
    assert result.report.flatten("sheet", "cell", "code") == []


def test_typed_copy_has_the_documented_types() -> None:
    result = validate(build(company()))
    fw = result.framework
    assert fw.levels.data["order"].dtype == "float64"
    assert fw.expectations.data["expected"].dtype == "float64"
    assert fw.criteria.data["requires_endorsement"].tolist()[0] is True
    since = fw.employees.data.set_index("employee_id")["in_level_since"]
    # "03.02.2025" is day first: 3 February
    assert since["E003"] == dt.date(2025, 2, 3)
    assert since["E004"] == dt.date(2024, 6, 1)
    assert type(since["E004"]) is dt.date
    ratings = result.ratings.data
    assert ratings["rating"].dtype == "float64"
    assert ratings["rater_type"].tolist() == ["manager"] * 6 + ["self"]
    assert ratings["rating"].tolist()[-1] == 4.0
    evidence = result.evidence.data
    assert evidence[["scope_met", "endorsed", "calibrated"]].iloc[0].tolist() == [
        True,
        False,
        None,
    ]


def test_raw_framework_is_left_untouched() -> None:
    fw = build(company())
    validate(fw)
    assert fw.criteria.data["requires_endorsement"].tolist()[0] == "Yes"
    assert not math.isnan(fw.levels.data["order"].astype(float).iloc[0])
    assert fw.levels.data["order"].iloc[0] == 1
