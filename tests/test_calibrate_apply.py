"""calibrate end to end: the pack from a merged workbook, and the committee's decisions back."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.merge import merge

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
        assert after.loc[declined, "status"] == "Ready pending sign-off"
    evidence = openpyxl.load_workbook(out, read_only=True)["Promotion Evidence"]
    notes = [r for r in evidence.iter_rows(values_only=True) if r[1] == person]
    assert any("Calibration: Promote" in str(r) for r in notes)


def test_calibrate_needs_an_output_or_a_pack(merged):
    result = CliRunner().invoke(cli, ["calibrate", str(merged)])
    assert result.exit_code == 2
    assert "-o PACK.xlsx" in result.output


def test_unknown_cycle_names_the_known_ones(merged, tmp_path):
    result = CliRunner().invoke(
        cli, ["calibrate", str(merged), "--cycle", "2019-Q1", "-o", str(tmp_path / "p.xlsx")]
    )
    assert result.exit_code == 1
    assert "2026-Q4" in result.output
