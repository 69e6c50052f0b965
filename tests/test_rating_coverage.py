"""Coverage (missing-rating, rating-not-expected) found on integer codes gives, finding for
finding and cell for cell, what the definitions give: worked out here row by row in plain
Python on random histories (misspelt competencies, unknown people, self ratings, blanks)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from test_schema_company import COMPETENCIES, build, company

from ladder_sheets.schema import validate
from ladder_sheets.schema.schemas import id_key, name_key

NAMES = [c for c, _ in COMPETENCIES]


def _history(seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    people = ["E001", "E002", "E003", "e004 ", "E005", "E099"]
    rows = []
    for _ in range(rnd.randint(20, 160)):
        rows.append(
            {
                "cycle": rnd.choice(["2025-Q4", "2026-Q1", "2026-Q2"]),
                "employee_id": rnd.choice(people),
                # "Delivry" is unknown-competency, counted as Delivery; "delivery" is Delivery
                "competency": rnd.choice([*NAMES, "Delivry", "delivery", "Astrology"]),
                "rating": rnd.choice([1, 2, 3, 4, None]),
                "rater_type": rnd.choice(["Manager", "manager", "Self", None]),
            }
        )
    return rows


def _company(seed: int) -> dict[str, list[dict[str, Any]]]:
    rnd = random.Random(seed)
    rec = company()
    for r in rec["expectations"]:  # some levels expect fewer competencies
        if rnd.random() < 0.2:
            r["expected"] = None
    rec["history"] = _history(seed)
    return rec


Groups = dict[tuple[str, str], list[str]]


def _oracle(result: Any) -> tuple[Groups, Groups]:
    """(cycle, missing names) -> cells of the people lacking them, in order; and (cycle,
    names rated but not expected) -> cells of the people so rated, in order."""
    fw, ratings = result.framework, result.ratings
    data = ratings.data
    expected: dict[tuple[str, str], dict[str, str]] = {}
    for r in fw.expectations.data.to_dict("records"):
        if r["expected"] is None or (
            isinstance(r["expected"], float) and math.isnan(r["expected"])
        ):
            continue
        expected.setdefault((name_key(r["family"]), name_key(r["level"])), {})[
            name_key(r["competency"])
        ] = r["competency"]
    level_of = {}
    for p in fw.employees.data.to_dict("records"):
        level_of[id_key(p["employee_id"])] = expected.get(
            (name_key(p["family"]), name_key(p["level"]))
        )
    catalog = {name_key(c) for c in fw.competencies.data["competency"]}
    meant = {name_key("Delivry"): name_key("Delivery")}
    groups: dict[tuple[str, Any], list[int]] = {}
    for i, r in enumerate(data.to_dict("records")):
        if r["rater_type"] != "manager" or r["cycle"] is None or r["employee_id"] is None:
            continue
        if r["rating"] is None or math.isnan(r["rating"]):
            continue
        if level_of.get(id_key(r["employee_id"])) is None:
            continue
        groups.setdefault((id_key(r["employee_id"]), r["cycle"]), []).append(i)
    lacking: dict[tuple[str, str], list[str]] = {}
    unexpected: Groups = {}
    for (person, cycle), rows in groups.items():
        want = level_of[person]
        assert want is not None
        keys = [name_key(data.at[i, "competency"]) for i in rows]
        have = {meant.get(k, k) for k in keys}
        cell = str(ratings.where(data.index[rows[0]], "employee_id").cell)
        gone = [name for k, name in want.items() if k not in have]
        odd: list[str] = []
        for i, k in zip(rows, keys, strict=True):
            name = data.at[i, "competency"]
            if k in catalog and k not in want and name not in odd:
                odd.append(name)
        if gone:
            lacking.setdefault((cycle, ", ".join(gone)), []).append(cell)
        if odd:
            unexpected.setdefault((cycle, ", ".join(odd)), []).append(cell)
    return lacking, unexpected


@pytest.mark.parametrize("seed", range(12))
def test_coverage_names_the_cells_and_competencies_the_definitions_give(seed: int) -> None:
    result = validate(build(_company(seed)))
    lacking, unexpected = _oracle(result)
    odd = [f for f in result.report if f.code == "rating-not-expected"]
    assert len(odd) == len(unexpected)
    for f, ((cycle, names), cells) in zip(odd, unexpected.items(), strict=True):
        assert f"rated in {cycle} on {names}, which " in f.message
        places = list(f.places) or [str(f.where)]
        assert [p.rpartition("!")[2] for p in places] == cells
        assert f.message.startswith(f"{len(cells)} people are" if len(cells) > 1 else "'")
    missing = [f for f in result.report if f.code == "missing-rating"]
    assert len(missing) == len(lacking)
    for f, ((cycle, gone), cells) in zip(missing, lacking.items(), strict=True):
        assert f"in {cycle} for: {gone}" in f.message
        places = list(f.places) or [str(f.where)]
        assert [p.rpartition("!")[2] for p in places] == cells


def test_an_unknown_person_is_not_judged_and_a_known_one_is() -> None:
    rec = company()
    rec["history"] = [
        {"cycle": "2026-Q2", "employee_id": e, "competency": "Delivery", "rating": 3}
        for e in ("E099", "E004")
    ]
    result = validate(build(rec))
    missing = [f for f in result.report if f.code == "missing-rating"]
    assert [(f.where.cell, "'E004'" in f.message) for f in missing] == [("B3", True)]


def test_a_competency_rated_in_the_history_and_again_in_an_export_is_named_once() -> None:
    from test_schema_ratings import export

    rec = company()
    for r in rec["expectations"]:  # IC2 (E003) no longer expects Operations
        if r["level"] == "IC2" and r["competency"] == "Operations":
            r["expected"] = None
    again = [
        {"cycle": "2026-Q2", "employee_id": "E003", "competency": c, "rating": 3}
        for c in ("Operations",)
    ]
    framework = build(rec)
    framework.sources["history"] = ["Ratings History"]  # read from the workbook's sheet
    result = validate(framework, [export(again)])
    assert [f.code for f in result.report if f.code.startswith("duplicate")] == []
    odd = [f for f in result.report if f.code == "rating-not-expected"]
    assert [(f.where.cell, f.message.count("Operations")) for f in odd] == [("B2", 1)]
