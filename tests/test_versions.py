"""Framework versions: merge records the framework each cycle was judged by, and a past cycle
is judged by its own version.

The ladder is conftest's (Engineering IC1 -> IC2 -> IC3; Communication, Delivery, System
Design expected 2/2/1 at IC1, 3/3/2 at IC2, 4/4/3 at IC3). Ben (E002) is at IC2, so his next
level is IC3. Between the two merges HR raises Communication at IC3 from 4 to 5.

    cycle    Ben's ratings (Comm, Deliv, SD)   IC3 bar in force     operating at IC3?
    2026-Q1  4, 4, 3                           4, 4, 3 (version 1)  yes
    2026-Q2  5, 4, 3                           5, 4, 3 (current)    yes

So the run of cycles at the next level in 2026-Q2 is 2. Judged by the current framework alone
2026-Q1 would fail (4 < 5) and the run would be 1: the test computes both by hand below.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.analysis import gap_table, readiness_table
from ladder_sheets.api import check
from ladder_sheets.cli import cli
from ladder_sheets.commands.diff import diff_since
from ladder_sheets.commands.merge import merge
from ladder_sheets.versions import VERSIONS_SHEET
from tests.helpers import SOFFICE, libreoffice_convert, sheet_rows

REPO = Path(__file__).resolve().parents[1]
BAR = {
    "2026-Q1": {"Communication": 4, "Delivery": 4, "System Design": 3},
    "2026-Q2": {"Communication": 5, "Delivery": 4, "System Design": 3},
}
BEN = {
    "2026-Q1": {"Communication": 4, "Delivery": 4, "System Design": 3},
    "2026-Q2": {"Communication": 5, "Delivery": 4, "System Design": 3},
}


def export(tmp_path: Path, cycle: str) -> Path:
    path = tmp_path / f"{cycle}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Cycle", "Employee ID", "Competency", "Rating", "Rater Type"])
        for comp, value in BEN[cycle].items():
            out.writerow([cycle, "E002", comp, value, "Manager"])
    return path


def raise_communication_at_ic3(path: Path, to: int = 5) -> None:
    """HR edits the Matrix in Excel (here openpyxl): Communication (row 2) at IC3 (column E)."""
    wb = openpyxl.load_workbook(path)
    wb["Matrix"]["E2"] = to
    wb.save(path)


def run_at_next(bars: dict[str, dict[str, int]]) -> int:
    """Consecutive cycles back from 2026-Q2 in which Ben met every expectation of `bars`."""
    run = 0
    for cycle in ("2026-Q2", "2026-Q1"):
        if all(BEN[cycle][c] >= want for c, want in bars[cycle].items()):
            run += 1
        else:
            break
    return run


def version_cycles(path: Path) -> dict[str, int]:
    rows = sheet_rows(path, VERSIONS_SHEET, min_row=2, max_col=2)
    return {str(c): int(v) for c, v in rows if c is not None}


@pytest.fixture
def versioned(framework_workbook: Any, tmp_path: Path) -> Path:
    path = framework_workbook()
    first = merge(path, [export(tmp_path, "2026-Q1")])
    assert first.written == path, first.report.findings
    raise_communication_at_ic3(path)
    second = merge(path, [export(tmp_path, "2026-Q2")])
    assert second.written == path, second.report.findings
    return path


def test_each_cycle_is_judged_by_its_own_version(versioned: Path) -> None:
    assert version_cycles(versioned) == {"2026-Q1": 1, "2026-Q2": 2}
    own = run_at_next(BAR)
    current_only = run_at_next({c: BAR["2026-Q2"] for c in BAR})
    assert (own, current_only) == (2, 1)  # the case is one where versions matter

    readiness = readiness_table(check(versioned).framework)
    ben = readiness.set_index("employee_id").loc["E002"]
    assert ben["cycles_at_next"] == own
    assert "cycles-at-next-short" not in ben["shortfall_codes"]


def test_a_past_cycle_is_analysed_with_its_version(versioned: Path) -> None:
    fw = check(versioned).framework
    gaps = gap_table(fw, cycle="2026-Q1").set_index(["employee_id", "competency"])
    # 2026-Q1 under version 1: Communication 4 - IC3's 4 = 0 (the current bar would give -1).
    assert gaps.loc[("E002", "Communication"), "expected_next"] == 4
    assert gaps.loc[("E002", "Communication"), "gap_next"] == 0
    readiness = readiness_table(fw, cycle="2026-Q1").set_index("employee_id")
    assert readiness.loc["E002", "cycles_at_next"] == 1


def test_check_says_the_framework_changed_and_diff_since_shows_it(versioned: Path) -> None:
    assert not [f for f in check(versioned).report if f.code == "framework-changed"]
    raise_communication_at_ic3(versioned, to=3)  # and now lowered below version 1's 4
    found = [f for f in check(versioned).report if f.code == "framework-changed"]
    assert len(found) == 1
    assert "version 2" in found[0].message and "1 expectation lowered" in found[0].message
    assert str(found[0].where) == "Matrix!E2"

    result = diff_since(versioned, "2026-Q1")
    assert [c.kind for c in result.diff.changes] == ["expectation-lowered"]
    change = result.diff.changes[0]
    assert (change.old, change.new, change.new_where) == (4.0, 3.0, "Matrix!E2")
    assert change.old_where.startswith(f"{VERSIONS_SHEET}!H")
    run = CliRunner().invoke(cli, ["diff", str(versioned), "--since", "2026-Q2"])
    assert run.exit_code == 0, run.output
    assert "expectation lowered 5 -> 3" in run.output


def test_diff_since_a_cycle_without_a_version_is_a_clear_error(versioned: Path) -> None:
    run = CliRunner().invoke(cli, ["diff", str(versioned), "--since", "2025-Q4"])
    assert run.exit_code == 1
    assert "2025-Q4" in run.output and "2026-Q1" in run.output


def test_unchanged_framework_adds_no_version(framework_workbook: Any, tmp_path: Path) -> None:
    path = framework_workbook()
    merge(path, [export(tmp_path, "2026-Q1")])
    merge(path, [export(tmp_path, "2026-Q2")])
    assert version_cycles(path) == {"2026-Q1": 1, "2026-Q2": 1}
    wb = openpyxl.load_workbook(path, read_only=True)
    records = [r for r in wb[VERSIONS_SHEET].iter_rows(min_row=2, min_col=6, values_only=True)]
    assert {r[0] for r in records if r[0] is not None} == {1}


SAMPLES = REPO / "samples"


@pytest.mark.skipif(not (SAMPLES / "exports").exists(), reason="samples/ is missing")
def test_todays_workbook_records_its_first_version(tmp_path: Path) -> None:
    """A workbook written before versions existed: the merge records the framework as
    version 1 for the cycle it imports, and reading it back gives the same framework."""
    from ladder_sheets.analysis.framework_diff import diff_frameworks

    path = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", path)
    first = sorted((SAMPLES / "exports").iterdir())[0]
    result = merge(path, [first])
    assert result.written == path
    cycles = version_cycles(path)
    assert set(cycles.values()) == {1} and set(result.cycles_imported) <= set(cycles)
    fw = check(path).framework
    assert fw.versions is not None and fw.versions.latest is not None
    recorded = fw.versions.latest.framework(fw)
    assert len(diff_frameworks(recorded, fw)) == 0
    assert len(recorded.expectations) == len(fw.expectations) > 100


@pytest.mark.libreoffice
def test_libreoffice_opens_the_versions_sheet(versioned: Path, tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    saved = libreoffice_convert(versioned, tmp_path, "xlsx")
    assert version_cycles(saved) == {"2026-Q1": 1, "2026-Q2": 2}
    # The copy LibreOffice saved reads back with the same versions.
    fw = check(saved).framework
    assert fw.versions is not None and fw.versions.cycles == {"2026-Q1": 1, "2026-Q2": 2}


def test_people_at_other_levels_are_judged_by_their_own_next_level_in_each_version(
    framework_workbook: Any, tmp_path: Path
) -> None:
    # Cy (IC1) meets IC2 in both cycles; Ben (IC2, read first) is judged by IC3, whose bar
    # version 2 raised. What a version's next level expects is worked out once per level:
    # Cy's earlier cycle is judged by IC2's expectations in version 1, never by Ben's IC3.
    at_ic2 = {"Communication": 3, "Delivery": 3, "System Design": 2}

    def both(cycle: str) -> Path:
        path = tmp_path / f"both-{cycle}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["Cycle", "Employee ID", "Competency", "Rating", "Rater Type"])
            for emp, values in (("E002", BEN[cycle]), ("E003", at_ic2)):
                for comp, value in values.items():
                    out.writerow([cycle, emp, comp, value, "Manager"])
        return path

    path = framework_workbook()
    assert merge(path, [both("2026-Q1")]).written == path
    raise_communication_at_ic3(path)
    assert merge(path, [both("2026-Q2")]).written == path
    assert version_cycles(path) == {"2026-Q1": 1, "2026-Q2": 2}
    readiness = readiness_table(check(path).framework).set_index("employee_id")
    assert readiness.loc["E002", "cycles_at_next"] == run_at_next(BAR) == 2
    assert readiness.loc["E003", "cycles_at_next"] == 2  # both cycles at IC2's bar
    assert readiness.loc["E003", "run_before"] == 1
