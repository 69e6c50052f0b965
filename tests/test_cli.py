"""The CLI as a user meets it: exit codes, messages with places, nothing written by accident."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import sha256 as digest
from openpyxl import load_workbook

from ladder_sheets.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, as a user would, and capture everything."""
    return subprocess.run(
        [sys.executable, "-c", "from ladder_sheets.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help gives no example"
        assert name in (REPO / "README.md").read_text(encoding="utf-8"), f"{name} not in README"
        assert command.help


def test_init_writes_the_template_and_check_passes_on_it(tmp_path):
    target = tmp_path / "framework.xlsx"
    result = run("init", str(target))
    assert result.returncode == 0, result.stderr
    assert target.exists()
    result = run("check", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found." in result.stdout


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "framework.xlsx"
    target.write_bytes(b"precious")
    result = run("init", str(target))
    assert result.returncode == 1
    assert "--force" in result.stderr
    assert target.read_bytes() == b"precious"


def test_init_empty_has_headers_only(tmp_path):
    target = tmp_path / "blank.xlsx"
    assert run("init", str(target), "--empty").returncode == 0
    wb = load_workbook(target)
    assert wb["Levels"].max_row == 1


@pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ not generated yet")
def test_check_samples_with_exports_is_clean():
    exports = sorted(str(p) for p in (SAMPLES / "exports").iterdir())
    result = run("check", str(SAMPLES / "acme_framework.xlsx"), *exports)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "Traceback" not in result.stderr


def _broken_framework(tmp_path: Path) -> Path:
    """The template plus an employee at a level that does not exist: an error on Employees."""
    target = tmp_path / "framework.xlsx"
    assert run("init", str(target)).returncode == 0
    wb = load_workbook(target)
    ws = wb["Employees"]
    ws.append(["E-1", "Ada Example", "ada@example.com", None, "Engineering", "IC", "IC9"])
    wb.save(target)
    return target


def test_check_reports_errors_with_exit_1_json_and_annotated_copy(tmp_path):
    target = _broken_framework(tmp_path)
    before = digest(target)
    result = run("check", str(target), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    bad = [f for f in data["findings"] if f["severity"] == "error"]
    assert any(f.get("sheet") == "Employees" and re.fullmatch(r"[A-Z]+\d+", f["cell"]) for f in bad)
    annotated = tmp_path / "checked.xlsx"
    result = run("check", str(target), "--annotate", str(annotated))
    assert result.returncode == 1
    assert digest(target) == before, "check must leave the workbook untouched"
    wb = load_workbook(annotated)
    assert wb.sheetnames[0] == "Check Findings"
    marked = [c for row in wb["Employees"].iter_rows() for c in row if c.comment is not None]
    assert marked, "the bad cell carries a comment"


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"", "empty"),
        (b"Employee ID,Name\n1,Ann\n", "CSV"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"PK\x03\x04truncated", ""),
    ],
)
def test_unreadable_workbooks_exit_2_with_a_message(tmp_path, content, needle):
    bad = tmp_path / "framework.xlsx"
    bad.write_bytes(content)
    result = run("check", str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "framework.xlsx" in result.stderr
    assert needle.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert bad.read_bytes() == content


def test_missing_file_is_a_usage_error():
    result = run("check", "no/such/file.xlsx")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
