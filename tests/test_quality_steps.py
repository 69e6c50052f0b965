"""Quality rules about promotion steps, career tracks and paths."""

from __future__ import annotations

from test_schema_company import COMPETENCIES, build, company, row_of

from ladder_sheets.schema import validate


def flat(rec: dict) -> list[tuple]:
    return validate(build(rec)).report.flatten("sheet", "cell", "code")


def test_missing_criteria_for_a_step() -> None:
    rec = company()
    rec["criteria"] = [r for r in rec["criteria"] if r["from_level"] != "IC2"]
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Levels", "C3", "missing-criteria", "warning")
    ]
    assert "IC2 -> IC3" in result.report.findings[0].message


def test_no_criteria_at_all_is_one_finding() -> None:
    rec = company()
    rec["criteria"] = []
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code") == [
        ("Promotion Criteria", None, "missing-criteria")
    ]
    assert "10 steps" in result.report.findings[0].message  # 4 IC + 3 M + 3 Data


def test_criteria_with_blank_family_cover_every_family() -> None:
    rec = company()
    for r in rec["criteria"]:
        r["family"] = None
    assert flat(rec) == []


def test_floor_above_average_is_inconsistent() -> None:
    rec = company()
    rec["criteria"][2]["min_each"] = 4
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Promotion Criteria", "E4", "criteria-inconsistent", "warning")
    ]


def test_step_down_is_inconsistent() -> None:
    rec = company()
    rec["criteria"].append({**rec["criteria"][0], "from_level": "IC3", "to_level": "IC2"})
    n = len(rec["criteria"]) + 1
    assert flat(rec) == [("Promotion Criteria", f"C{n}", "criteria-inconsistent")]


def test_ic_track_shorter_than_management() -> None:
    tracks = {
        "Engineering": {
            "IC": ["IC1", "IC2", "IC3", "IC4"],
            "Management": ["M1", "M2", "M3", "M4", "M5"],
        }
    }
    rec = company(tracks)
    rec["paths"] = rec["paths"][:2]
    rec["employees"] = [e for e in rec["employees"] if e["family"] == "Engineering"]
    # Levels rows: IC1-IC4 on 2-5; the finding sits on the top IC level
    assert flat(rec) == [("Levels", "C5", "ic-track-shorter")]


def test_top_ic_band_below_top_management_band() -> None:
    rec = company()
    r = row_of(rec, "levels", level="M4")
    rec["levels"][r - 2]["band_max"] = 250000  # IC5 ends at 210000
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code") == [
        ("Levels", "I6", "ic-band-below-management")
    ]
    assert "210000" in result.report.findings[0].message


def test_no_bands_no_band_finding() -> None:
    rec = company()
    for r in rec["levels"]:
        r["band_min"] = r["band_max"] = None
    assert flat(rec) == []


def test_no_crossover_and_no_return_path() -> None:
    rec = company()
    rec["paths"] = rec["paths"][2:]
    assert flat(rec) == [("Levels", "B7", "no-crossover"), ("Levels", "B7", "no-return-path")]


def test_family_with_one_track_needs_no_crossover() -> None:
    rec = company()
    assert not [f for f in validate(build(rec)).report if "Data" in f.message]


def test_lateral_path_without_skills_or_gaps() -> None:
    rec = company()
    rec["paths"][2]["gaps_to_close"] = None
    rec["paths"][2]["transferable_skills"] = ""
    assert flat(rec) == [
        ("Paths", "F4", "lateral-path-incomplete"),
        ("Paths", "G4", "lateral-path-incomplete"),
    ]


def _crowd_at_ic3(n: int, strong: int) -> dict:
    """n more people at IC3 rated in 2026-Q3; `strong` of them average 4, the rest 3."""
    rec = company()
    for i in range(n):
        eid = f"E{100 + i}"
        rec["employees"].append(
            {"employee_id": eid, "manager_id": "E002", "family": "Engineering", "level": "IC3"}
        )
        value = 4 if i < strong else 3
        rec["history"] += [
            {"cycle": "2026-Q3", "employee_id": eid, "competency": c, "rating": value}
            for c, _ in COMPETENCIES
        ]
    return rec


def test_criteria_aspirational_when_under_5_percent_meet() -> None:
    # 21 people at IC3 rated in 2026-Q3 (E004, not rated then, does not count); 1 meets 3.5/3
    rec = _crowd_at_ic3(21, strong=1)
    result = validate(build(rec))
    step = row_of(rec, "criteria", from_level="IC3")
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Promotion Criteria", f"D{step}", "criteria-aspirational", "warning")
    ]
    assert "1 of 21 (4.8%)" in result.report.findings[0].message


def test_criteria_met_by_5_percent_are_operational() -> None:
    assert flat(_crowd_at_ic3(20, strong=1)) == []  # 1 of 20 = 5%


def test_criteria_aspirational_needs_ten_people() -> None:
    assert flat(_crowd_at_ic3(9, strong=0)) == []  # 9 rated people, none meets
    rec = _crowd_at_ic3(10, strong=0)  # 10 rated people
    assert flat(rec) == [
        (
            "Promotion Criteria",
            f"D{row_of(rec, 'criteria', from_level='IC3')}",
            "criteria-aspirational",
        )
    ]
