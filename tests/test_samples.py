"""The invented sample company: its people, its reporting tree and its four review exports."""

from __future__ import annotations

import csv
import io
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ladder_sheets import model
from ladder_sheets.demo.company import CYCLES, generate_company
from ladder_sheets.demo.exports import build_samples

REPO = Path(__file__).resolve().parents[1]
LABELS = {"Does not meet": 1, "Partially meets": 2, "Meets": 3, "Exceeds": 4, "Outstanding": 5}
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_samples(tmp_path_factory.mktemp("samples"))


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return openpyxl.load_workbook(path)


def records(ws: Any, header_row: int = 1) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def framework(built: dict[str, Path]) -> openpyxl.Workbook:
    return load(built["framework"])


@pytest.fixture(scope="module")
def employees(framework: openpyxl.Workbook) -> dict[str, dict[str, Any]]:
    return {r["Employee ID"]: r for r in records(framework[model.TABLES["employees"][0]])}


@pytest.fixture(scope="module")
def expected(framework: openpyxl.Workbook) -> dict[tuple[str, str, str], int]:
    """(family, competency, level) -> expected proficiency, read from the Matrix sheet."""
    out = {}
    for row in records(framework[model.TABLES["expectations"][0]]):
        for level, value in row.items():
            if level not in ("Job Family", "Competency") and value is not None:
                out[(row["Job Family"], row["Competency"], level)] = value
    return out


def read_csv(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_the_framework_has_three_families_and_empty_history(framework: openpyxl.Workbook) -> None:
    levels = records(framework["Levels"])
    per_family = Counter((r["Job Family"], r["Track"]) for r in levels)
    assert per_family == {
        ("Engineering", "IC"): 7,
        ("Engineering", "Management"): 4,
        ("Sales", "IC"): 5,
        ("People", "IC"): 4,
    }
    for table in ("history", "evidence"):
        ws = framework[model.TABLES[table][0]]
        assert ws.max_row == 1
        assert [c.value for c in ws[1]] == [h for _, h in model.TABLES[table][1]]
    sales = [r for r in records(framework["Promotion Criteria"]) if r["Job Family"] == "Sales"]
    assert len(sales) == 4 and all("quota" in r["Scope Criteria"] for r in sales[1:])
    families = {r["Job Family"] for r in records(framework["Matrix"])}
    assert families == {"Engineering", "Sales", "People"}
    competencies = Counter(r["Job Family"] for r in records(framework["Matrix"]))
    assert 6 <= competencies["Sales"] <= 8 and 6 <= competencies["People"] <= 8


def test_about_150_invented_people_with_accents(employees: dict[str, dict[str, Any]]) -> None:
    assert 140 <= len(employees) <= 160
    names = [e["Name"] for e in employees.values()]
    assert any(n.startswith("José ") for n in names)
    assert any(n.startswith("Zoë ") for n in names)
    assert any(n.startswith("Łukasz ") for n in names)
    emails = [e["Email"] for e in employees.values()]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@acme.example") and e.isascii() for e in emails)
    assert all(e["In Level Since"] is not None for e in employees.values())


def test_managers_form_a_tree_with_depth(employees: dict[str, dict[str, Any]]) -> None:
    roots = [i for i, e in employees.items() if e["Manager ID"] is None]
    assert len(roots) == 1
    depth: dict[str, int] = {}
    for start in employees:
        seen, node = [], start
        while node is not None:
            assert node not in seen, f"manager loop through {node}"
            seen.append(node)
            node = employees[node]["Manager ID"]  # KeyError: unknown manager
        depth[start] = len(seen) - 1
    assert max(depth.values()) >= 3
    # Managers of managers exist below the CEO.
    managers = {e["Manager ID"] for e in employees.values()} - {None}
    assert any(employees[m]["Manager ID"] in managers for m in managers)


def test_long_export_is_utf8_with_bom_and_comma(built: dict[str, Path]) -> None:
    raw = built["long"].read_bytes()
    assert raw.startswith(BOM)
    first = raw[len(BOM) :].split(b"\r\n", 1)[0].decode("utf-8")
    header = "Review Cycle,Employee ID,Employee Name,Competency,Rating,Reviewer,Comments"
    assert first == header
    rows = read_csv(built["long"], "utf-8-sig", ",")
    assert {r["Review Cycle"] for r in rows} == {"2026-Q1"}
    comments = [r["Comments"] for r in rows if r["Comments"]]
    assert any("," in c and '"' in c for c in comments)
    assert any(c.startswith("=") for c in comments)
    assert {int(r["Rating"]) for r in rows} <= {1, 2, 3, 4, 5}


def test_wide_export_has_a_title_then_header_on_row_3(
    built: dict[str, Path], employees: dict[str, dict[str, Any]], framework: openpyxl.Workbook
) -> None:
    wb = load(built["wide"])
    assert wb.sheetnames == ["Export"]
    ws = wb["Export"]
    assert ws["A1"].value == "Acme Corp - Performance review export, Q2 2026"
    assert all(c.value is None for c in ws[2])
    header = [c.value for c in ws[3]]
    all_competencies = [r["Competency"] for r in records(framework["Competencies"])]
    assert header[:4] == ["Employee ID", "Name", "Manager", "Cycle"]
    assert sorted(header[4:]) == sorted(all_competencies)
    rows = records(ws, header_row=3)
    assert {r["Cycle"] for r in rows} == {"Q2 2026"}
    seller = next(r for r in rows if employees[r["Employee ID"]]["Job Family"] == "Sales")
    assert seller["System Design"] is None and seller["Negotiation"] in range(1, 6)
    boss = employees[employees[seller["Employee ID"]]["Manager ID"]]
    assert seller["Manager"] == boss["Name"]


def test_labels_export_is_cp1252_semicolon_with_labels(
    built: dict[str, Path], employees: dict[str, dict[str, Any]]
) -> None:
    raw = built["labels"].read_bytes()
    assert not raw.startswith(BOM)
    assert (
        raw.split(b"\r\n", 1)[0] == b"Employee Number;Employee;Skill;Score;Period;Manager Comment"
    )
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accented names are single cp1252 bytes
    assert "José".encode("cp1252") in raw
    rows = read_csv(built["labels"], "cp1252", ";")
    assert {r["Score"] for r in rows} <= set(LABELS)
    assert {r["Period"] for r in rows} == {"30.09.2026"}
    for r in rows:
        name = employees[r["Employee Number"]]["Name"]
        # cp1252 lacks Ł: a Windows export writes the closest plain letter.
        assert r["Employee"] == name.replace("Ł", "L").replace("ł", "l").replace("ř", "r")


def test_self_and_manager_export_is_utf8_without_bom(built: dict[str, Path]) -> None:
    raw = built["self_and_manager"].read_bytes()
    assert not raw.startswith(BOM) and b"\r\n" not in raw
    raw.decode("utf-8")
    rows = read_csv(built["self_and_manager"], "utf-8", ",")
    assert list(rows[0]) == [
        "Cycle", "Employee ID", "Competency", "Self Rating", "Manager Rating", "Manager",
        "Scope Criteria Met", "Manager Endorsement",
    ]  # fmt: skip
    assert {r["Cycle"] for r in rows} == {"2026Q4"}
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_person[r["Employee ID"]].append(r)
    with_self = [p for p, rs in by_person.items() if all(r["Self Rating"] for r in rs)]
    without = [p for p, rs in by_person.items() if not any(r["Self Rating"] for r in rs)]
    assert len(with_self) > len(by_person) / 2 and without
    assert len(with_self) + len(without) == len(by_person)
    for rs in by_person.values():
        assert len({(r["Scope Criteria Met"], r["Manager Endorsement"]) for r in rs}) == 1
        assert {r["Scope Criteria Met"] for r in rs} <= {"Yes", "No"}
    assert all(r["Manager Rating"] in "12345" for r in rows)


def all_ratings(built: dict[str, Path]) -> dict[str, dict[tuple[str, str], int]]:
    """cycle -> (employee, competency) -> manager rating, read back from the four files."""
    out: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for r in read_csv(built["long"], "utf-8-sig", ","):
        out["2026-Q1"][(r["Employee ID"], r["Competency"])] = int(r["Rating"])
    for row in records(load(built["wide"])["Export"], header_row=3):
        for comp, value in row.items():
            if comp not in ("Employee ID", "Name", "Manager", "Cycle") and value is not None:
                out["2026-Q2"][(row["Employee ID"], comp)] = value
    for r in read_csv(built["labels"], "cp1252", ";"):
        out["2026-Q3"][(r["Employee Number"], r["Skill"])] = LABELS[r["Score"]]
    for r in read_csv(built["self_and_manager"], "utf-8", ","):
        out["2026-Q4"][(r["Employee ID"], r["Competency"])] = int(r["Manager Rating"])
    return out


def test_everyone_but_the_ceo_is_rated_on_each_competency_of_their_track(
    built: dict[str, Path],
    employees: dict[str, dict[str, Any]],
    expected: dict[tuple[str, str, str], int],
) -> None:
    ratings = all_ratings(built)
    assert sorted(ratings) == list(CYCLES)
    for cycle, by_key in ratings.items():
        rated = defaultdict(set)
        for employee_id, competency in by_key:
            rated[employee_id].add(competency)
        assert len(rated) == len(employees) - 1, cycle
        for employee_id, comps in rated.items():
            e = employees[employee_id]
            family, level = e["Job Family"], e["Level"]
            track_comps = {c for (f, c, lv) in expected if f == family and lv == level}
            assert comps == track_comps, (cycle, employee_id)


def test_ratings_drift_so_some_are_ready_and_most_not(
    built: dict[str, Path],
    employees: dict[str, dict[str, Any]],
    expected: dict[tuple[str, str, str], int],
    framework: openpyxl.Workbook,
) -> None:
    levels = records(framework["Levels"])
    order = {(r["Job Family"], r["Level"]): (r["Track"], r["Order"]) for r in levels}
    by_pos = {(f, *pos): lv for (f, lv), pos in order.items()}
    ratings = all_ratings(built)

    def at_next(employee_id: str, cycle: str) -> bool | None:
        e = employees[employee_id]
        track, n = order[(e["Job Family"], e["Level"])]
        nxt = by_pos.get((e["Job Family"], track, n + 1))
        if nxt is None:
            return None
        needs = {c: v for (f, c, lv), v in expected.items() if f == e["Job Family"] and lv == nxt}
        return all(ratings[cycle].get((employee_id, c), 0) >= v for c, v in needs.items())

    rated = [i for i, e in employees.items() if e["Manager ID"] is not None]
    both = [i for i in rated if at_next(i, "2026-Q3") and at_next(i, "2026-Q4")]
    in_q1 = [i for i in rated if at_next(i, "2026-Q1")]
    assert 5 <= len(both) <= len(rated) // 4
    assert len(in_q1) < len(both)  # the drift: more operate at the next level by year end


def test_generator_scales_and_is_deterministic() -> None:
    for n in (1, 12, 40, 600):
        company = generate_company(n, seed=3)
        assert len(company.people) == n
        ids = {p.employee_id for p in company.people}
        assert len(ids) == n
        assert sum(p.manager_id is None for p in company.people) == 1
        assert all(p.manager_id in ids for p in company.people if p.manager_id)
        per_person = Counter((r.employee_id, r.cycle) for r in company.ratings)
        for p in company.people[1:]:
            fam = company.content.family(p.family)
            assert per_person[(p.employee_id, CYCLES[0])] == len(fam.competencies_for(p.track))
    a, b = generate_company(150), generate_company(150)
    assert a.people == b.people and a.ratings == b.ratings
    assert generate_company(150, seed=8).ratings != a.ratings
    short = generate_company(30, cycles=["2025-Q4", "2026-Q1"])
    assert {r.cycle for r in short.ratings} == {"2025-Q4", "2026-Q1"}


def test_build_is_byte_stable_and_committed_samples_are_current(
    tmp_path: Path, built: dict[str, Path]
) -> None:
    again = build_samples(tmp_path)
    committed, out = REPO / "samples", built["framework"].parent
    for key, path in built.items():
        assert again[key].read_bytes() == path.read_bytes(), key
        if committed.exists():
            mine = committed / path.relative_to(out)
            assert mine.read_bytes() == path.read_bytes(), f"{mine}: run scripts/build_samples.py"
    readme = built["readme"].read_text(encoding="utf-8")
    assert "invented" in readme
