"""A partial export early in a cycle: people not rated yet keep their last status."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.merge import merge

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")


def test_twelve_people_rated_the_rest_keep_their_status(tmp_path: Path):
    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    exports = sorted((SAMPLES / "exports").iterdir())
    before = merge(workbook, exports[:3])
    assert before.written is not None and before.cycle == "2026-Q3"
    full = exports[3]
    with full.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    first = list(dict.fromkeys(r["Employee ID"] for r in rows))[:12]
    partial = tmp_path / "2026-Q4_first_twelve.csv"
    with partial.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["Employee ID"] in first)

    result = CliRunner().invoke(cli, ["merge", str(workbook), str(partial)])
    assert result.exit_code == 0, result.output
    people = len(before.readiness)
    missing = people - 12
    assert f"Not rated yet in 2026-Q4: {missing} of {people} people" in result.output

    after = merge(workbook, [], dry_run=True).readiness.set_index("employee_id")
    was = before.readiness.set_index("employee_id")
    others = [e for e in was.index if e not in first]
    assert len(others) == missing
    for emp in others:
        assert after.loc[emp, "status"] == was.loc[emp, "status"], emp
        if was.loc[emp, "lowest_rating"] == was.loc[emp, "lowest_rating"]:  # rated in Q3
            assert after.loc[emp, "cycle"] == "2026-Q3", emp
            said = "not rated yet in 2026-Q4: status as of 2026-Q3"
            assert after.loc[emp, "shortfalls"][0] == said
    assert (after.loc[others, "status"] == "Insufficient data").sum() < missing / 2
    assert set(after.loc[first, "cycle"]) == {"2026-Q4"}
