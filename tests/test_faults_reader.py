"""The reader is bounded by what a file holds, not by what its metadata claims: lying counts
and addresses outside Excel's grid are refused (exit 2, the sheet and cell named) before
calamine, which would abort the whole process, allocates anything from them."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ladder_sheets.api import init
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.workbook.reader import read_framework

Builder = Callable[..., Path]


def edit_member(path: Path, member: str, pattern: bytes, repl: bytes) -> Path:
    """Rewrite one part of the package in place (first match of `pattern`)."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    assert member in dict(members), f"no {member} in {path.name}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name == member:
                edited = re.sub(pattern, repl, data, count=1)
                assert edited != data, f"{pattern!r} not found in {member}"
                data = edited
            zf.writestr(name, data)
    return path


def levels_part(path: Path) -> str:
    from ladder_sheets.workbook.extent import sheet_parts

    return sheet_parts(path)["Levels"]


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ladder_sheets.cli import main; main()", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_lying_shared_string_count_is_exit_2_not_an_abort(tmp_path: Path) -> None:
    path = init(tmp_path / "template.xlsx")  # written by xlsxwriter, with shared strings
    edit_member(path, "xl/sharedStrings.xml", rb'uniqueCount="\d+"', b'uniqueCount="99999999999"')
    done = run_check(path)
    assert done.returncode == 2, done.stderr
    assert "xl/sharedStrings.xml" in done.stderr and "99999999999" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "address",
    ["AAAA1", "XFE1", "B1048577", "B99999999", "A0", "b1", "1B"],
)
def test_a_cell_outside_excels_grid_is_refused_naming_sheet_and_cell(
    framework_workbook: Builder, address: str
) -> None:
    path = framework_workbook()
    edit_member(path, levels_part(path), rb'r="B2"', f'r="{address}"'.encode())
    with pytest.raises(UnreadableFile) as caught:
        read_framework(path)
    assert caught.value.sheet == "Levels"
    assert address in caught.value.message
    assert "outside Excel's grid" in caught.value.message


def test_a_row_number_past_the_grid_is_refused_when_cells_are_placed_by_it(
    framework_workbook: Builder,
) -> None:
    path = framework_workbook()
    part = levels_part(path)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    unaddressed = re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", xml)
    edit_member(path, part, re.escape(xml), unaddressed.replace(b'<row r="3"', b'<row r="1048577"'))
    with pytest.raises(UnreadableFile) as caught:
        read_framework(path)
    assert caught.value.sheet == "Levels" and "1048577" in caught.value.message


def test_the_outside_grid_check_over_cells_at_the_edge_passes(framework_workbook: Builder) -> None:
    """XFD1048576 is Excel's last cell: inside the grid, read (sparsely) without complaint."""
    path = framework_workbook()
    edit_member(path, levels_part(path), rb'r="B2"', b'r="XFD1048576"')
    framework = read_framework(path)
    assert "levels" in framework.tables


def test_a_lying_dimension_changes_nothing(framework_workbook: Builder) -> None:
    path = framework_workbook()
    clean = read_framework(path).tables["levels"].data
    edit_member(
        path, levels_part(path), rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD1048576"'
    )
    assert read_framework(path).tables["levels"].data.equals(clean)
