"""inspect: how every concept was understood, and --write-mapping / --mapping reproducing it;
the Globex case (Ladder, Grade Since, a Rater column) merged without a mapping."""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FRAMEWORK, LEVEL_ORDER, wide_rows

import ladder_sheets as ls
from ladder_sheets.cli import cli
from ladder_sheets.commands.inspect import inspect
from ladder_sheets.workbook.reader import read_framework

Builder = Callable[..., Path]

GLOBEX_PEOPLE = [
    ["Employee ID", "Name", "Email", "Manager ID", "Job Family", "Ladder", "Level", "Grade Since"],
    ["G1", "Ada Example", "ada@globex.test", None, "Engineering", "Management", "M1"],
    ["G2", "Ben Sample", "ben@globex.test", "G1", "Engineering", "IC", "IC2"],
    ["G3", "Cy Placeholder", "cy@globex.test", "G1", "Engineering", "IC", "IC1"],
]
SINCE = [dt.datetime(2023, 1, 2), dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2)]


def globex(builder: Builder) -> Path:
    rows = [GLOBEX_PEOPLE[0]] + [[*r, d] for r, d in zip(GLOBEX_PEOPLE[1:], SINCE, strict=True)]
    return builder(sheets={"Employees": rows})


def globex_export(tmp_path: Path, cycle: str, ratings: dict[str, dict[str, int]]) -> Path:
    """One row per person x competency x rater, the rater in a "Rater" column (Manager/Self)."""
    path = tmp_path / f"globex_{cycle}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Cycle", "Employee ID", "Competency", "Rater", "Score"])
        for person, by_comp in ratings.items():
            for comp, score in by_comp.items():
                out.writerow([cycle, person, comp, "Manager", score])
                out.writerow([cycle, person, comp, "Self", min(score + 1, 5)])
    return path


def table_frames(path: Path, mapping: Any = None) -> dict[str, pd.DataFrame]:
    fw = read_framework(path, mapping=mapping)
    return {name: t.data.reset_index(drop=True) for name, t in fw.tables.items()}


def test_inspect_says_where_each_concept_was_found(framework_workbook: Builder) -> None:
    result = inspect(globex(framework_workbook))
    people = next(s for s in result.sheets if s.table == "employees")
    by_concept = {r.concept: r for r in people.readings}
    assert by_concept["track"].cell == "Employees!F1"
    assert by_concept["in_level_since"].cell == "Employees!H1"
    assert "'since'" in by_concept["in_level_since"].evidence
    assert by_concept["track"].confidence == "high"
    text = result.text()
    assert "Employees!F1" in text and "Ladder" in text


def test_inspect_lists_what_was_left_unused(framework_workbook: Builder) -> None:
    rows = [GLOBEX_PEOPLE[0] + ["Shoe Size"]] + [
        [*r, d, 42] for r, d in zip(GLOBEX_PEOPLE[1:], SINCE, strict=True)
    ]
    result = inspect(framework_workbook(sheets={"Employees": rows, "Notes": [["anything"]]}))
    people = next(s for s in result.sheets if s.table == "employees")
    assert people.unused == [("Employees!I1", "Shoe Size")]
    assert "Notes" in result.unread_sheets


def _people_book(builder: Builder) -> Path:
    head = ["Worker ID", "First Name", "Last Name", "Line Manager", "Department", "Career Path"]
    head += ["Career Level", "Date in Role"]
    rows = [
        ["W1", "Ada", "Example", None, "Engineering", "People Leader", "M1", SINCE[0]],
        ["W2", "Ben", "Sample", "Ada Example", "Engineering", "IC", "IC2", SINCE[1]],
    ]
    return builder(sheets={"Staff": [head, *rows]}, drop={"Employees"})


def _shapes_book(builder: Builder) -> Path:
    comps = list(FRAMEWORK["matrix"])
    rows = [["Grade", *comps]] + [
        [lv, *(FRAMEWORK["matrix"][c].get(lv) for c in comps)] for lv in LEVEL_ORDER
    ]
    criteria = [list(r) for r in FRAMEWORK["criteria"]]
    for r in criteria:
        r[6] = r[6] * 3  # months
    path = builder(criteria=criteria, sheets={"Eng Matrix": rows}, drop={"Matrix"})
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Promotion Criteria"]["G1"] = "Min Months In Level"
    wb.save(path)
    return path


@pytest.mark.parametrize("book", [globex, _people_book, _shapes_book])
def test_written_mapping_reproduces_the_reading(
    framework_workbook: Builder, tmp_path: Path, book: Callable[[Builder], Path]
) -> None:
    path = book(framework_workbook)
    runner = CliRunner()
    mapping = tmp_path / "mapping.toml"
    run = runner.invoke(cli, ["inspect", str(path), "--write-mapping", str(mapping)])
    assert run.exit_code == 0, run.output
    written = tomllib.loads(mapping.read_text(encoding="utf-8"))
    assert "employees" in written and "levels" in written
    before = table_frames(path)
    after = table_frames(path, mapping=mapping)
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    # the mapping says what it reproduces: every column read is named in it
    for sheet in inspect(path).sheets:
        section = written[sheet.table]
        assert sheet.sheet in section["sheets"]
        named = set(section.get("columns", {}))
        assert {r.concept for r in sheet.readings if " " not in r.concept} <= named
    # and inspect with the mapping reads the same, every column now "mapping"
    again = inspect(path, mapping=mapping)
    for sheet in again.sheets:
        assert {r.confidence for r in sheet.readings if " " not in r.concept} <= {"mapping"}


def test_write_mapping_never_overwrites(framework_workbook: Builder, tmp_path: Path) -> None:
    target = tmp_path / "m.toml"
    target.write_text("# mine\n")
    run = CliRunner().invoke(
        cli, ["inspect", str(framework_workbook()), "--write-mapping", str(target)]
    )
    assert run.exit_code == 2
    assert target.read_text() == "# mine\n"


def test_mapping_with_export_sections(framework_workbook: Builder, tmp_path: Path) -> None:
    export = tmp_path / "reviews.csv"
    export.write_text(
        "Period,Person,Skill,Grade Given\n2026-Q1,E002,Communication,Solid\n", encoding="utf-8"
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[exports."reviews.csv".columns]\n'
        'cycle = "Period"\nemployee_id = "Person"\ncompetency = "Skill"\nrating = "Grade Given"\n'
        '[export.labels]\n"Solid" = 3\n',
        encoding="utf-8",
    )
    result = ls.check(framework_workbook(), [export], mapping=mapping)
    ratings = result.ratings.data
    assert ratings["employee_id"].tolist() == ["E002"]
    assert ratings["rating"].tolist() == [3]


def test_globex_merges_without_a_mapping(framework_workbook: Builder, tmp_path: Path) -> None:
    """People sheet with "Ladder" and "Grade Since", an export whose "Rater" column holds
    Manager/Self: merged as it is, manager ratings counted, self ratings kept beside."""
    from ladder_sheets.commands.merge import merge

    path = globex(framework_workbook)
    ratings = {
        "G2": {"Communication": 3, "Delivery": 4, "System Design": 2},
        "G3": {"Communication": 2, "Delivery": 2, "System Design": 1},
    }
    export = globex_export(tmp_path, "2026-Q1", ratings)
    out = tmp_path / "merged.xlsx"
    result = merge(path, [export], out=out)
    assert not result.stopped, [f.message for f in result.report.errors]
    assert "duplicate-rating" not in result.report.codes()
    history = pd.read_excel(out, sheet_name="Ratings History", engine="openpyxl")
    managers = history[history["Rater Type"] == "manager"]
    selfs = history[history["Rater Type"] == "self"]
    assert len(managers) == len(selfs) == sum(len(v) for v in ratings.values())
    got = {(r["Employee ID"], r["Competency"]): r["Rating"] for _, r in managers.iterrows()}
    assert got == {(p, c): v for p, by in ratings.items() for c, v in by.items()}
    # the gap of G2 at IC2 is the manager's rating minus the expectation, per competency
    gaps = result.gaps
    mine = gaps[gaps["employee_id"] == "G2"].set_index("competency")
    for comp, rating in ratings["G2"].items():
        expected = FRAMEWORK["matrix"][comp]["IC2"]
        assert mine.loc[comp, "gap_current"] == rating - expected


def test_check_points_to_inspect_when_a_column_is_missing(framework_workbook: Builder) -> None:
    rows = [["Employee ID", "Name", "Something"], ["E1", "Ada", "IC1"]]
    result = ls.check(framework_workbook(employees=[], sheets={"Employees": rows}))
    missing = [f for f in result.report if f.code == "missing-column"]
    assert missing and all("inspect" in f.hint for f in missing)


def test_wide_rows_helper_is_the_matrix() -> None:
    # guard for the builders above: the wide sheet holds every level column in order
    head = wide_rows(FRAMEWORK["matrix"], LEVEL_ORDER)[0]
    assert head[2:] == LEVEL_ORDER


def test_inspect_names_every_tab_an_export_was_read_from(
    framework_workbook: Builder, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for tab, person in (("Team A", "E002"), ("Team B", "E003")):
        sheet = book.create_sheet(tab)
        sheet.append(["Employee ID", "Competency", "Rating"])
        sheet.append([person, "Delivery", 3])
    export = tmp_path / "2026-Q1.xlsx"
    book.save(export)
    text = inspect(framework_workbook(), [export]).text()
    assert "Export 2026-Q1.xlsx (long, tabs 'Team A', 'Team B', header row 1)" in text
    # the mapping written from it names no tab, so that reading it again reads both
    written = tmp_path / "mapping.toml"
    result = CliRunner().invoke(
        cli, ["inspect", str(framework_workbook()), str(export), "--write-mapping", str(written)]
    )
    assert result.exit_code == 0, result.output
    mapping = tomllib.loads(written.read_text(encoding="utf-8"))
    assert "sheet" not in mapping["exports"]["2026-Q1.xlsx"]
    again = ls.check(framework_workbook(), [export], mapping=written)
    assert sorted(again.exports[0].ratings.data["employee_id"]) == ["E002", "E003"]


def test_write_mapping_dash_prints_the_mapping_alone(framework_workbook: Builder) -> None:
    result = CliRunner().invoke(cli, ["inspect", str(framework_workbook()), "--write-mapping", "-"])
    assert result.exit_code == 0, result.output
    mapping = tomllib.loads(result.stdout)  # stdout is the TOML alone; the reading on stderr
    assert mapping["employees"]["columns"]["employee_id"] == "Employee ID"
    assert "Workbook " in result.stderr
    assert not Path("-").exists()
