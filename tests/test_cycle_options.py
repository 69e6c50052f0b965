"""Wrong option values exit 2 as the README says; calibrate --family counts that family only;
the README's API example says that merge writes; the demo folder is git-ignored."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.merge import merge

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("options") / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    assert merge(target, sorted((SAMPLES / "exports").iterdir())).written is not None
    return target


def test_readme_says_a_wrong_option_exits_2():
    text = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())  # wrapping aside
    assert re.search(r"2 a file that could not be read .*or a wrong option", text)


@needs_samples
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["calibrate", "{wb}", "--family", "Salse", "-o", "{tmp}/p.xlsx"], "Did you mean 'Sales'"),
        (["calibrate", "{wb}", "--cycle", "2025-Q1", "-o", "{tmp}/p.xlsx"], "2026-Q4"),
        (["calibrate", "{wb}", "--cycle", "soon", "-o", "{tmp}/p.xlsx"], "not a review cycle"),
        (["packs", "{wb}", "--cycle", "2025-Q1", "-o", "{tmp}/packs"], "2026-Q4"),
        (["merge", "{wb}", "{export}", "--replace-cycle", "soon"], "not a review cycle"),
    ],
)
def test_a_wrong_option_value_exits_2(merged, tmp_path, args, says):
    export = sorted((SAMPLES / "exports").iterdir())[0]
    filled = [a.format(wb=merged, tmp=tmp_path, export=export) for a in args]
    before = merged.read_bytes()
    result = CliRunner().invoke(cli, filled)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert merged.read_bytes() == before


@needs_samples
def test_calibrate_family_prints_that_familys_counts(merged, tmp_path):
    from ladder_sheets.api import check

    fw = check(merged).framework
    staff = fw.employees.data
    sales = set(staff.loc[staff["family"] == "Sales", "employee_id"])
    history = fw.history.data
    q4 = history[(history["cycle"] == "2026-Q4") & history["employee_id"].isin(sales)]
    assert 0 < len(sales) < len(staff)
    result = CliRunner().invoke(
        cli, ["calibrate", str(merged), "--family", "sales", "-o", str(tmp_path / "s.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert f"cycle 2026-Q4, {len(sales)} people, {len(q4)} ratings." in result.output


def test_the_api_example_says_merge_writes_the_workbook():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    api = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    before_merge = api.split("ls.merge(", 1)[0]
    assert "writes into framework.xlsx" in before_merge


def test_the_demo_folder_is_git_ignored(tmp_path):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(
        ["git", "check-ignore", "-q", "ladder-demo/acme_framework.xlsx"],
        cwd=REPO, capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, "ladder-demo/ (what `ladder-sheets demo` writes) is not ignored"
