"""Appending to Ratings History copies the kept rows' compressed bytes instead of compressing
them again (full flush points around them), and gives the very same sheet as compressing all."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.synthetic import build
from ladder_sheets.commands.merge import merge
from ladder_sheets.xlsx.append import prepare

NOW = dt.datetime(2026, 11, 2, 9, 30)


def _exports(tmp: Path) -> tuple[Path, list[Path]]:
    """A workbook and three exports of successive cycles (each one a new quarter)."""
    files = build(40, tmp / "org", cycles=3)
    base = pd.read_csv(files.export)
    later = []
    for n, cycle in enumerate(("2027-Q1", "2027-Q2"), start=1):
        shifted = base.assign(
            Cycle=cycle, **{"Manager Rating": (base["Manager Rating"] + n) % 5 + 1}
        )
        path = tmp / f"{cycle}.csv"
        shifted.to_csv(path, index=False)
        later.append(path)
    return files.workbook, [files.export, *later]


def _merge_each(
    workbook: Path, exports: list[Path], target: Path, monkeypatch: pytest.MonkeyPatch
) -> list[bool]:
    shutil.copy(workbook, target)
    reused: list[bool] = []
    original = prepare.prepare_append

    def spy(path: Path, request: Any) -> Any:
        done = original(path, request)
        reused.append(done.reused)
        return done

    monkeypatch.setattr(prepare, "prepare_append", spy)
    for export in exports:
        result = merge(target, [export], now=NOW)
        assert result.written == target, [f.message for f in result.report.errors]
        assert result.history_write is not None and result.history_write.path == "append"
    monkeypatch.undo()
    return reused


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC holds
        return {n: z.read(n) for n in z.namelist()}


def test_kept_rows_are_copied_and_the_sheet_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    fast = _merge_each(workbook, exports, tmp_path / "fast.xlsx", monkeypatch)
    # the first append finds no flush points (xlsxwriter wrote the sheet); the next ones do
    assert fast == [False, True, True]
    monkeypatch.setattr(prepare, "_flush_marks", lambda raw: [])
    slow = _merge_each(workbook, exports, tmp_path / "slow.xlsx", monkeypatch)
    assert slow == [False, False, False]
    assert _members(tmp_path / "fast.xlsx") == _members(tmp_path / "slow.xlsx")


def test_flush_points_in_the_wrong_place_compress_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    _merge_each(workbook, exports[:2], tmp_path / "right.xlsx", monkeypatch)
    real = prepare._flush_marks
    # chance byte patterns inside blocks: offsets that are no flush point at all
    monkeypatch.setattr(
        prepare, "_flush_marks", lambda raw: sorted({7, len(raw) // 2, *real(raw)[1:]})
    )
    wrong = _merge_each(workbook, exports[:2], tmp_path / "wrong.xlsx", monkeypatch)
    assert wrong[-1] is False
    assert _members(tmp_path / "wrong.xlsx") == _members(tmp_path / "right.xlsx")
