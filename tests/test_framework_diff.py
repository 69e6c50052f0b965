"""`diff`: each kind of change on small frameworks written as real workbooks, every place and
value worked out by hand from the conftest layout:

    Levels: row 2 IC1, 3 IC2, 4 IC3, 5 M1 (Level in column C, Title D, Order E)
    Matrix / Behaviors: columns A family, B competency, C IC1, D IC2, E IC3, F M1;
                        rows 2 Communication, 3 Delivery, 4 System Design
    Promotion Criteria: row 2 IC1 -> IC2, row 3 IC2 -> IC3 (Min Average in D)
    Paths: row 2 Crossover IC3 -> M1 (Transferable Skills in F)

The impact test judges two people by hand under both frameworks (see its docstring).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from conftest import FRAMEWORK
from openpyxl.cell.rich_text import CellRichText

from ladder_sheets.analysis.framework_diff import word_diff, words_text
from ladder_sheets.cli import cli
from ladder_sheets.commands.diff import diff


def matrix(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = copy.deepcopy(FRAMEWORK["matrix"])
    for comp, by_level in changes.items():
        out.setdefault(comp, {}).update(by_level)
    return out


def kinds(result: Any) -> list[str]:
    return [c.kind for c in result.diff.changes]


def test_identical_frameworks_have_no_change(framework_workbook: Any) -> None:
    old = framework_workbook("old.xlsx")
    new = framework_workbook("new.xlsx")
    result = diff(old, new)
    assert result.diff.changes == []
    assert result.diff.summary() == "no change"


def test_expectations_raised_lowered_added_removed(framework_workbook: Any) -> None:
    old = framework_workbook("old.xlsx")
    new = framework_workbook(
        "new.xlsx",
        matrix=matrix(
            Communication={"IC2": 4},  # 3 -> 4, D2
            Delivery={"IC3": 3},  # 4 -> 3, E3
            **{"System Design": {"M1": 2, "IC1": None}},  # F4 added, C4 removed
        ),
    )
    result = diff(old, new)
    raised, lowered = result.diff.of("expectation-raised", "expectation-lowered")
    assert (raised.competency, raised.level, raised.old, raised.new) == (
        "Communication",
        "IC2",
        3.0,
        4.0,
    )
    assert (raised.old_where, raised.new_where) == ("Matrix!D2", "Matrix!D2")
    assert (lowered.competency, lowered.level, lowered.old, lowered.new) == (
        "Delivery",
        "IC3",
        4.0,
        3.0,
    )
    assert (lowered.old_where, lowered.new_where) == ("Matrix!E3", "Matrix!E3")
    assert kinds(result) == [
        "expectation-raised",
        "expectation-lowered",
        "expectation-added",
        "expectation-removed",
    ]
    added = result.diff.of("expectation-added")[0]
    assert (added.competency, added.level, added.new, added.new_where) == (
        "System Design",
        "M1",
        2.0,
        "Matrix!F4",
    )
    removed = result.diff.of("expectation-removed")[0]
    assert (removed.competency, removed.level, removed.old, removed.old_where) == (
        "System Design",
        "IC1",
        1.0,
        "Matrix!C4",
    )
    assert result.diff.summary() == (
        "1 expectation raised, 1 expectation lowered, 1 expectation added, 1 expectation removed"
    )


def test_a_renamed_level_is_one_change(framework_workbook: Any) -> None:
    """IC3 becomes SE3 everywhere (Levels, Matrix and Behaviors headers, criteria, paths):
    one rename, and nothing else, because every later comparison follows it."""
    old = framework_workbook("old.xlsx")
    levels = copy.deepcopy(FRAMEWORK["levels"])
    levels[2][2] = "SE3"
    criteria = copy.deepcopy(FRAMEWORK["criteria"])
    criteria[1][2] = "SE3"
    paths = copy.deepcopy(FRAMEWORK["paths"])
    paths[0][2] = "SE3"
    renamed = {
        table: {c: {("SE3" if lv == "IC3" else lv): v for lv, v in by.items()} for c, by in wide}
        for table, wide in (
            ("matrix", FRAMEWORK["matrix"].items()),
            ("behaviors", FRAMEWORK["behaviors"].items()),
        )
    }
    new = framework_workbook(
        "new.xlsx",
        levels=levels,
        criteria=criteria,
        paths=paths,
        level_order=["IC1", "IC2", "SE3", "M1"],
        **renamed,
    )
    result = diff(old, new)
    assert kinds(result) == ["level-renamed"]
    change = result.diff.changes[0]
    assert (change.old, change.new, change.old_where, change.new_where) == (
        "IC3",
        "SE3",
        "Levels!C4",
        "Levels!C4",
    )
    assert result.diff.renamed == {("engineering", "ic3"): "SE3"}


def test_levels_added_removed_reordered_and_retitled(framework_workbook: Any) -> None:
    old = framework_workbook("old.xlsx")
    levels = copy.deepcopy(FRAMEWORK["levels"])
    levels[1][3] = "Software Engineer"  # IC2 title, D3
    levels[2][4] = 5  # IC3 order 3 -> 5, E4
    m1 = levels.pop(3)  # M1 removed (old row 5)
    levels.append(["Engineering", "IC", "IC4", "Staff Engineer", 6, "Leads an area", 8, 1, 2])
    matrix_new = {c: {lv: v for lv, v in by.items() if lv != "M1"} for c, by in matrix().items()}
    matrix_new["Communication"]["IC4"] = 5
    behaviors = {
        c: {lv: v for lv, v in by.items() if lv != "M1"} for c, by in FRAMEWORK["behaviors"].items()
    }
    new = framework_workbook(
        "new.xlsx",
        levels=levels,
        matrix=matrix_new,
        behaviors=behaviors,
        paths=[],
        level_order=["IC1", "IC2", "IC3", "IC4"],
    )
    result = diff(old, new)
    assert m1[2] == "M1"
    by_kind = {c.kind: c for c in result.diff.changes if c.part == "level"}
    assert by_kind["level-renamed"].field == "title"
    assert (by_kind["level-renamed"].old, by_kind["level-renamed"].new) == (
        "Engineer",
        "Software Engineer",
    )
    assert by_kind["level-renamed"].new_where == "Levels!D3"
    assert (by_kind["level-reordered"].old, by_kind["level-reordered"].new) == (3.0, 5.0)
    assert by_kind["level-reordered"].old_where == "Levels!E4"
    assert by_kind["level-added"].level == "IC4"
    assert by_kind["level-added"].new_where == "Levels!C5"
    assert by_kind["level-added"].old_where == ""
    assert "expecting 1 competencies" in by_kind["level-added"].message
    assert by_kind["level-removed"].level == "M1"
    assert by_kind["level-removed"].old_where == "Levels!C5"
    # The new and the removed level's cells are in their level's change, not listed one by one.
    assert not [c for c in result.diff.changes if c.part in ("expectation", "behavior")]
    assert [c.kind for c in result.diff.changes if c.part == "path"] == ["path-removed"]


def test_description_reworded_word_by_word(framework_workbook: Any) -> None:
    behaviors = copy.deepcopy(FRAMEWORK["behaviors"])
    behaviors["Delivery"]["IC2"] = "Has shipped two features end to end"
    old = framework_workbook("old.xlsx")
    new = framework_workbook("new.xlsx", behaviors=behaviors)
    result = diff(old, new)
    assert kinds(result) == ["behavior-reworded"]
    change = result.diff.changes[0]
    assert (change.competency, change.level, change.old_where, change.new_where) == (
        "Delivery",
        "IC2",
        "Behaviors!D3",
        "Behaviors!D3",
    )
    assert change.words == [
        ("=", "Has shipped"),
        ("-", "a feature"),
        ("+", "two features"),
        ("=", "end to end"),
    ]
    assert words_text(change.words) == "Has shipped [-a feature-] {+two features+} end to end"


def test_word_diff_edges() -> None:
    assert word_diff("a b", "a  b") == [("=", "a b")]
    assert word_diff(None, "new words") == [("+", "new words")]
    assert word_diff("old", "") == [("-", "old")]


def test_criteria_paths_and_competencies(framework_workbook: Any) -> None:
    criteria = copy.deepcopy(FRAMEWORK["criteria"])
    criteria[0][3] = 4.0  # Min Average 3.5 -> 4, D2
    criteria[1][7] = "Has led a project with 5+ stakeholders"  # scope reworded, H3
    criteria[1][9] = "No"  # calibration no longer required, J3
    paths = copy.deepcopy(FRAMEWORK["paths"])
    paths[0][5] = "Communication, Delivery"  # F2
    competencies = [*FRAMEWORK["competencies"], ["Mentoring", "Core", None, "Grows others"]]
    old = framework_workbook("old.xlsx")
    new = framework_workbook(
        "new.xlsx",
        criteria=criteria,
        paths=paths,
        competencies=competencies,
        matrix=matrix(Mentoring={"IC2": 2, "IC3": 3}),
    )
    result = diff(old, new)
    assert kinds(result) == [
        "competency-added",
        "criteria-changed",
        "criteria-changed",
        "criteria-changed",
        "path-changed",
    ]
    comp = result.diff.changes[0]
    assert (comp.competency, comp.new_where) == ("Mentoring", "Competencies!A5")
    avg, scope, calibration = result.diff.of("criteria-changed")
    assert (avg.field, avg.old, avg.new, avg.old_where) == (
        "min_average",
        3.5,
        4.0,
        "Promotion Criteria!D2",
    )
    assert "raised" in avg.message
    assert (scope.field, scope.new_where) == ("scope_criteria", "Promotion Criteria!H3")
    assert ("-", "3+") in (scope.words or []) and ("+", "5+") in (scope.words or [])
    assert (calibration.field, calibration.old, calibration.new) == (
        "requires_calibration",
        True,
        False,
    )
    path = result.diff.of("path-changed")[0]
    assert (path.field, path.old, path.new, path.new_where) == (
        "transferable_skills",
        "Communication",
        "Communication, Delivery",
        "Paths!F2",
    )


# -- impact ---------------------------------------------------------------------------------

CYCLES = ("2026-Q1", "2026-Q2")
BEN = {"Communication": 4, "Delivery": 4, "System Design": 3}  # IC2, at IC3's bar (4, 4, 3)
CY = {"Communication": 3, "Delivery": 3, "System Design": 2}  # IC1, at IC2's bar (3, 3, 2)


def _history() -> list[list[Any]]:
    return [
        [cycle, emp, comp, value, "Manager", "E001", None, "test", None]
        for cycle in CYCLES
        for emp, ratings in (("E002", BEN), ("E003", CY))
        for comp, value in ratings.items()
    ]


def test_impact_judged_by_hand(framework_workbook: Any, tmp_path: Path) -> None:
    """New framework: Communication at IC3 4 -> 5; Delivery at IC2 3 -> 2.

    Ben (IC2 -> IC3, 6 quarters in level, evidence complete): before, average 11/3 >= 3.5,
    floor 3, two cycles at IC3's bar: Ready. After, Communication 4 < 5 in both cycles: the
    run is 0 of 2, the only measurable shortfall: Close. His gap to next in Communication
    goes 0 -> -1; his gap to current in Delivery 4-3=1 -> 4-2=2.
    Cy (IC1 -> IC2): average 8/3 < 3.5 and System Design 2 < 3 (two shortfalls): Not yet on
    both sides; only the gap to next in Delivery moves, 3-3=0 -> 3-2=1.
    Ada (M1) is at the top of her track and has no ratings: unaffected."""
    evidence = [["2026-Q2", "E002", "Yes", "Yes", "Yes", None, "test"]]
    old = framework_workbook("old.xlsx", history=_history(), evidence=evidence)
    new = framework_workbook(
        "new.xlsx",
        history=_history(),
        evidence=evidence,
        matrix=matrix(Communication={"IC3": 5}, Delivery={"IC2": 2}),
    )
    result = diff(old, new, xlsx=tmp_path / "changes.xlsx")
    assert kinds(result) == ["expectation-raised", "expectation-lowered"]
    impact = result.impact
    assert impact is not None and result.cycle == "2026-Q2"
    people = {r["employee_id"]: r for r in impact.to_dict("records")}
    assert set(people) == {"E002", "E003"}
    ben, cy = people["E002"], people["E003"]
    assert (ben["status_old"], ben["status_new"]) == ("Ready", "Close")
    assert sorted(ben["gap_changes"]) == [
        ("Communication", "gap to next", 0.0, -1.0),
        ("Delivery", "gap to current", 1.0, 2.0),
    ]
    assert (cy["status_old"], cy["status_new"]) == ("Not yet", "Not yet")
    assert cy["gap_changes"] == [("Delivery", "gap to next", 0.0, 1.0)]
    assert ben["manager"] == cy["manager"] == "Ada Example"

    book = openpyxl.load_workbook(tmp_path / "changes.xlsx", rich_text=True)
    assert book.sheetnames == ["Summary", "Changes", "Impact"]
    changes = book["Changes"]
    rows = list(changes.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["expectation-raised", "expectation-lowered"]
    assert [(r[9], r[10]) for r in rows] == [("Matrix!E2", "Matrix!E2"), ("Matrix!D3", "Matrix!D3")]
    for row in changes.iter_rows(min_row=2):
        assert all(cell.fill.fgColor.rgb.endswith("FFEB9C") for cell in row)  # amber: changed
    imp = {r[3]: r for r in book["Impact"].iter_rows(min_row=2, values_only=True)}
    assert imp["E002"][7:9] == ("Ready", "Close")
    assert "Communication: gap to next 0 -> -1" in imp["E002"][9]


def test_cli_json_and_highlighted_words(framework_workbook: Any, tmp_path: Path) -> None:
    behaviors = copy.deepcopy(FRAMEWORK["behaviors"])
    behaviors["Delivery"]["IC2"] = "Has shipped two features end to end"
    old = framework_workbook("old.xlsx")
    new = framework_workbook("new.xlsx", behaviors=behaviors)
    out = tmp_path / "d.xlsx"
    run = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["counts"] == {"behavior-reworded": 1}
    assert data["changes"][0]["old_where"] == "Behaviors!D3"
    assert data["changes"][0]["words"][1] == ["-", "a feature"]
    assert data["impact"] is None

    run = CliRunner().invoke(cli, ["diff", str(old), str(new), "--xlsx", str(out)])
    assert run.exit_code == 0, run.output
    assert "[-a feature-] {+two features+}" in run.output
    assert "[Behaviors!D3 -> Behaviors!D3]" in run.output
    cell = openpyxl.load_workbook(out, rich_text=True)["Changes"]["I2"].value
    assert isinstance(cell, CellRichText)
    styled = {str(part.text): part.font for part in cell if hasattr(part, "font")}
    assert styled[" a feature"].strike and styled[" two features"].u == "single"


def test_cli_needs_two_workbooks(framework_workbook: Any) -> None:
    old = framework_workbook("old.xlsx")
    run = CliRunner().invoke(cli, ["diff", str(old)])
    assert run.exit_code == 2
    assert "OLD NEW" in run.output
