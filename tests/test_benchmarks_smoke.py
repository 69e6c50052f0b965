"""The benchmark generator and runner at a tiny size, so they cannot rot (not a timed test)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import run
from benchmarks.synthetic import COMPETENCIES_PER_TRACK, build, cycle_names, generate
from ladder_sheets.api import check


def test_same_seed_same_organisation_other_seed_differs() -> None:
    a, b, c = generate(60, seed=3, cycles=3), generate(60, seed=3, cycles=3), generate(60, seed=4)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.ratings, b.ratings)
    assert not a.ratings["manager"].equals(c.ratings["manager"].iloc[: len(a.ratings)])


def test_tree_spans_depth_families_and_twelve_competencies() -> None:
    org = generate(400, seed=7, cycles=2)
    people = org.people.set_index("employee_id")
    spans = Counter(people["manager_id"].dropna())
    # Breadth first, span 5-8: only the last manager filled may have fewer reports.
    assert sum(1 for s in spans.values() if not 5 <= s <= 8) <= 1
    depth: dict[object, int] = {}
    for eid, manager in people["manager_id"].items():
        depth[eid] = 0 if pd.isna(manager) else depth[manager] + 1  # managers come first
    # Spans of 8 fill 1 + 6 + 48 + 384 people in depths 0-3; spans of 5 need depth 4.
    assert 3 <= max(depth.values()) <= 4
    assert set(people["family"]) == {"Engineering", "Sales", "People"}
    assert set(people.loc[people["family"] == "Engineering", "track"]) == {"IC", "Management"}
    per_person = org.ratings.groupby(["cycle", "employee_id"])["competency"].nunique()
    assert set(per_person) == {COMPETENCIES_PER_TRACK}
    assert len(per_person) == 2 * (len(people) - 1)  # everyone but the CEO, each cycle
    share = org.ratings["self"].notna().mean()
    assert 0.7 < share < 0.95  # most people self-assess


def test_cycles_count_back_from_the_last_quarter() -> None:
    assert cycle_names(3) == ("2026-Q2", "2026-Q3", "2026-Q4")
    assert cycle_names(5)[0] == "2025-Q4"


def test_written_workbook_and_export_pass_check(tmp_path: Path) -> None:
    files = build(30, tmp_path, cycles=3, seed=5)
    result = check(files.workbook, ratings=[files.export])
    assert result.report.errors == []
    history = result.framework.history.data
    assert sorted(history["cycle"].unique()) == list(files.cycles[:-1])
    assert set(history["rater_type"]) == {"manager", "self"}
    export = pd.read_csv(files.export)
    assert set(export["Cycle"]) == {files.cycles[-1]}
    assert len(export) == 29 * COMPETENCIES_PER_TRACK
    merged = check(files.merged).framework.history.data
    assert sorted(merged["cycle"].unique()) == list(files.cycles)


@pytest.mark.slow
def test_benchmark_runs_every_command_at_a_tiny_size(tmp_path: Path) -> None:
    results, raw = tmp_path / "RESULTS.md", tmp_path / "results.json"
    code = run.main(
        ["--sizes", "25", "--cycles", "3", "--runs", "1", "--work", str(tmp_path / "work"),
         "--results", str(results), "--json", str(raw), "--timeout", "300"]
    )  # fmt: skip
    assert code == 0
    measured = json.loads(raw.read_text(encoding="utf-8"))["sizes"]["25"]["results"]
    for label, _, _ in run.ROWS:
        m = measured[f"command:{label}"]
        assert m["error"] is None, (label, m["error"])
        assert m["median"] > 0 and m["peak"] > 0
    for kind in ("floor", "naive"):
        for command in run.COMMANDS:
            assert measured[f"{kind}:{command}"]["median"] > 0
    text = results.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    assert {label for label, _, _ in run.ROWS} <= rows
    assert "## What dominates each command" in text  # notes kept outside the markers
