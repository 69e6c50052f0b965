"""calibrate end to end: the pack from a merged workbook, and the committee's decisions back."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.merge import merge
from tests.helpers import sheet_rows

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("cal") / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    result = merge(target, sorted((SAMPLES / "exports").iterdir()))
    assert result.written is not None
    return target


def _decide(pack: Path, decisions: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(pack)
    ws = wb["Promotion Candidates"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Committee Decision" for c in r))
    cols = {c.value: c.column for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        emp = row[cols["Employee ID"] - 1].value
        if emp in decisions:
            row[cols["Committee Decision"] - 1].value = decisions[emp]
    wb.save(pack)


def test_promote_confirms_calibration_and_the_status_follows(merged, tmp_path):
    from ladder_sheets.analysis.readiness import readiness_table
    from ladder_sheets.api import check

    fw = check(merged).framework
    before = readiness_table(fw)
    waiting = before[
        (before["status"] == "Ready pending sign-off")
        & before["shortfall_codes"].map(lambda c: list(c) == ["calibration-missing"])
    ]
    assert len(waiting), "the sample has people waiting only for calibration"
    person = str(waiting.iloc[0]["employee_id"])
    declined = str(waiting.iloc[1]["employee_id"]) if len(waiting) > 1 else None

    pack = tmp_path / "calibration.xlsx"
    runner = CliRunner()
    result = runner.invoke(cli, ["calibrate", str(merged), "-o", str(pack)])
    assert result.exit_code == 0, result.output
    _decide(pack, {person: "Promote", **({declined: "Not yet"} if declined else {})})

    out = tmp_path / "after.xlsx"
    result = runner.invoke(cli, ["calibrate", str(merged), "--apply", str(pack), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Recorded 1 calibration confirmation" in result.output
    after = readiness_table(check(out).framework).set_index("employee_id")
    assert after.loc[person, "status"] == "Ready"
    if declined:
        assert after.loc[declined, "status"] == "Not yet"
        assert after.loc[declined, "shortfall_codes"][0] == "committee-not-yet"
    notes = [r for r in sheet_rows(out, "Promotion Evidence") if r[1] == person]
    assert any("Calibration: Promote" in str(r) for r in notes)


def test_calibrate_needs_an_output_or_a_pack(merged):
    result = CliRunner().invoke(cli, ["calibrate", str(merged)])
    assert result.exit_code == 2
    assert "-o PACK.xlsx" in result.output


def test_unknown_cycle_names_the_known_ones(merged, tmp_path):
    result = CliRunner().invoke(
        cli, ["calibrate", str(merged), "--cycle", "2019-Q1", "-o", str(tmp_path / "p.xlsx")]
    )
    assert result.exit_code == 2  # a wrong option
    assert "2026-Q4" in result.output


def _waiting(workbook: Path) -> list[str]:
    from ladder_sheets.analysis.readiness import readiness_table
    from ladder_sheets.api import check

    table = readiness_table(check(workbook).framework)
    return list(table.loc[table["status"] == "Ready", "employee_id"].astype(str))


def test_not_yet_on_a_step_without_calibration_and_a_changed_decision(merged, tmp_path):
    from ladder_sheets.analysis.readiness import readiness_table
    from ladder_sheets.api import check

    ready = _waiting(merged)
    assert ready, "the sample has people who are Ready"
    person = ready[0]
    runner = CliRunner()
    pack = tmp_path / "calibration.xlsx"
    assert runner.invoke(cli, ["calibrate", str(merged), "-o", str(pack)]).exit_code == 0
    _decide(pack, {person: "Not yet"})
    first = tmp_path / "first.xlsx"
    result = runner.invoke(cli, ["calibrate", str(merged), "--apply", str(pack), "-o", str(first)])
    assert result.exit_code == 0, result.output
    assert "Changed" not in result.output
    row = readiness_table(check(first).framework).set_index("employee_id").loc[person]
    assert row["status"] == "Not yet"
    assert row["shortfalls"][0].startswith("the calibration committee decided Not yet in ")

    # The committee changes its mind: reported with both values, and the new one holds.
    _decide(pack, {person: "Promote"})
    second = tmp_path / "second.xlsx"
    result = runner.invoke(cli, ["calibrate", str(first), "--apply", str(pack), "-o", str(second)])
    assert result.exit_code == 0, result.output
    changed = [line for line in result.output.splitlines() if line.startswith("Changed")]
    assert len(changed) == 1 and person in changed[0]
    assert "was Not yet, now Promote" in changed[0]
    row = readiness_table(check(second).framework).set_index("employee_id").loc[person]
    assert row["status"] == "Ready"

    # Deferred after all: the recorded confirmation goes, the log says Defer.
    _decide(pack, {person: "Defer"})
    third = tmp_path / "third.xlsx"
    result = runner.invoke(cli, ["calibrate", str(second), "--apply", str(pack), "-o", str(third)])
    assert result.exit_code == 0, result.output
    assert "was Promote, now Defer" in result.output
    heads, *rows = sheet_rows(third, "Promotion Evidence")
    mine = [dict(zip(heads, r, strict=False)) for r in rows if r[1] == person]
    assert [r["Note"] for r in mine if r["Note"]] == ["Calibration: Defer"]
    assert all(r["Calibration Confirmed"] in (None, "") for r in mine)


def test_an_unfilled_pack_writes_nothing_and_says_so(merged, tmp_path):
    pack = tmp_path / "calibration.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["calibrate", str(merged), "-o", str(pack)]).exit_code == 0
    before = merged.read_bytes()
    result = runner.invoke(cli, ["calibrate", str(merged), "--apply", str(pack)])
    assert result.exit_code == 1
    assert "no committee decision is filled in" in result.output
    assert "Wrote" not in result.output and "Recorded" not in result.output
    assert merged.read_bytes() == before
