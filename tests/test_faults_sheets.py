"""Two sheets with the same name as Excel compares names (capitals do not count) are an error
in `check`, named with both sheets; `merge` refuses to write such a workbook."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fuzzing import Seeds, make_seeds, run_cli

from ladder_sheets.api import check


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


def renamed(seeds: Seeds, folder: Path, old: str, new: str) -> Path:
    path = folder / "framework.xlsx"
    with zipfile.ZipFile(seeds.workbook) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                before = f'<sheet name="{old}"'.encode()
                assert before in data
                data = data.replace(before, f'<sheet name="{new}"'.encode())
            zout.writestr(info, data)
    return path


@pytest.mark.parametrize("twin", ["Employees", "EMPLOYEES", "employees"])
def test_a_sheet_renamed_to_another_sheets_name_is_an_error_naming_both(
    seeds: Seeds, tmp_path: Path, twin: str
) -> None:
    path = renamed(seeds, tmp_path, "Ratings History", twin)
    report = check(path).report
    duplicates = [f for f in report.errors if f.code == "duplicate-sheet-name"]
    assert len(duplicates) == 1
    assert "'Employees'" in duplicates[0].message and f"'{twin}'" in duplicates[0].message
    assert duplicates[0].where.sheet == twin
    out = tmp_path / "merged.xlsx"
    merged = run_cli(["merge", str(path), str(seeds.exports[1]), "-o", str(out)], [path])
    assert merged.code == 1, merged.stderr
    assert "duplicate-sheet-name" in merged.stdout + merged.stderr
    assert not out.exists()


def test_distinct_names_are_not_duplicates(seeds: Seeds) -> None:
    report = check(seeds.workbook).report
    assert not [f for f in report.findings if f.code == "duplicate-sheet-name"]
