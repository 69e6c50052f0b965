"""The tool's own report sheets are never input: the reader neither sizes nor parses them, so a
Gap Analysis past the reader's cell limit (10,000 people and more) never stops the next read."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from ladder_sheets.commands.merge import merge
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.workbook import extent as extent_module
from ladder_sheets.workbook.grid import read_grids
from ladder_sheets.workbook.reader import read_framework

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "acme_framework.xlsx"
EXPORT = REPO / "samples" / "exports" / "2026-Q1_reviews_long.csv"
LIMIT = 10_000  # above every framework sheet of the sample, below its Gap Analysis


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "merged.xlsx"
    shutil.copy(SAMPLE, path)
    assert merge(path, [EXPORT]).written is not None
    return path


def renamed(path: Path, old: str, new: str, target: Path) -> Path:
    """A copy with one sheet renamed in workbook.xml only (its marker keeps the old name)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            zout.writestr(info.filename, data)
    return target


def test_the_gap_sheet_is_past_the_lowered_limit(merged: Path, monkeypatch) -> None:
    # the premise: without skipping, the lowered limit refuses Gap Analysis and nothing else
    monkeypatch.setattr(extent_module, "MAX_CELLS", LIMIT)
    with pytest.raises(UnreadableFile) as caught:
        read_grids(merged)
    assert caught.value.sheet == "Gap Analysis"


def test_report_sheets_past_the_limit_do_not_stop_the_reader(merged: Path, monkeypatch) -> None:
    before = read_framework(merged)
    monkeypatch.setattr(extent_module, "MAX_CELLS", LIMIT)
    fw = read_framework(merged)
    assert len(fw.history) == len(before.history) > 0
    assert fw.sheet_names == before.sheet_names  # the report sheets are still known by name
    grids = read_grids(merged, skip_reports=True)
    assert not grids["Gap Analysis"].values and not grids["Promotion Readiness"].values


def test_a_renamed_report_sheet_is_known_by_its_marker(
    merged: Path, tmp_path: Path, monkeypatch
) -> None:
    copy = renamed(merged, "Gap Analysis", "Gaps Q1 (kept)", tmp_path / "renamed.xlsx")
    monkeypatch.setattr(extent_module, "MAX_CELLS", LIMIT)
    grids = read_grids(copy, skip_reports=True)
    assert not grids["Gaps Q1 (kept)"].values
    assert grids["Employees"].values  # input sheets are still read


def test_a_sheet_of_hr_named_like_no_report_is_read(merged: Path, monkeypatch) -> None:
    monkeypatch.setattr(extent_module, "MAX_CELLS", LIMIT)
    grids = read_grids(merged, skip_reports=True)
    assert grids["Ratings History"].values


def test_every_command_reads_past_report_sheets_over_the_limit(
    merged: Path, tmp_path: Path, monkeypatch
) -> None:
    """check, calibrate, packs, split, gather and the next merge: none sizes or parses the
    report sheets, so none stops on a Gap Analysis past the limit (as at 10,000 people)."""
    from ladder_sheets.api import check
    from ladder_sheets.commands.calibrate import calibrate
    from ladder_sheets.commands.gather import gather
    from ladder_sheets.commands.packs import write_packs
    from ladder_sheets.commands.split import split

    copy = tmp_path / "merged.xlsx"
    shutil.copy(merged, copy)
    monkeypatch.setattr(extent_module, "MAX_CELLS", LIMIT)
    assert not check(copy).report.errors
    assert calibrate(copy, tmp_path / "calibration.xlsx").written
    assert write_packs(copy, tmp_path / "packs", jobs=1).written
    split(copy, tmp_path / "drafts")
    drafts = sorted((tmp_path / "drafts").glob("*.xlsx"))
    assert drafts and not gather(copy, drafts, dry_run=True).refused
    again = merge(copy, [EXPORT], force=True)
    assert again.written is not None
