"""Appending to Ratings History copies the kept rows' compressed bytes instead of compressing
them again (full flush points around them), and gives the very same sheet as compressing all.
While the member is the one the last append wrote (the record in its marker), the kept rows are
not even inflated; any other member (a stale record, a hand edit, a re-save) is scanned."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.synthetic import build
from ladder_sheets.commands.merge import merge
from ladder_sheets.xlsx.append import prepare, scan
from tests.helpers import SOFFICE, libreoffice_convert

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
    workbook: Path,
    exports: list[Path],
    target: Path,
    monkeypatch: pytest.MonkeyPatch,
    scanned: list[bool] | None = None,
) -> list[bool]:
    if workbook != target:
        shutil.copy(workbook, target)
    reused: list[bool] = []
    original = prepare.prepare_append

    def spy(path: Path, request: Any) -> Any:
        done = original(path, request)
        reused.append(done.reused)
        if scanned is not None:
            scanned.append(done.scanned)
        return done

    monkeypatch.setattr(prepare, "prepare_append", spy)
    for export in exports:
        result = merge(target, [export], now=NOW)
        assert result.written == target, [f.message for f in result.report.errors]
        assert result.history_write is not None and result.history_write.path == "append"
    monkeypatch.undo()
    return reused


def _members(path: Path, records: bool = True) -> dict[str, bytes]:
    """Every member's bytes; without `records`, the records in the history sheets' markers
    (an append's, which say where the member's compressed blocks start, or a full scan's,
    where the append's was not looked at) left out, the defined names in any order."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC holds
        out = {n: z.read(n) for n in z.namelist()}
    if not records:
        book = re.sub(rb"\|[zs]1:[0-9:,]+\|", b"|record|", out["xl/workbook.xml"])
        # a marker written again moves to the end of the defined names: compared as a set
        names = re.findall(rb"<definedName\b.*?</definedName>", book)
        out["xl/workbook.xml"] = re.sub(rb"<definedName\b.*?</definedName>", b"", book)
        out["defined names"] = b"".join(sorted(names))
    return out


def test_kept_rows_are_copied_and_the_sheet_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    fast = _merge_each(workbook, exports, tmp_path / "fast.xlsx", monkeypatch)
    # the first append finds no flush points (xlsxwriter wrote the sheet); the next ones do
    assert fast == [False, True, True]
    monkeypatch.setattr(prepare, "_flush_marks", lambda raw: [])
    monkeypatch.setattr(prepare, "recorded", lambda book, sheet: None)
    slow = _merge_each(workbook, exports, tmp_path / "slow.xlsx", monkeypatch)
    assert slow == [False, False, False]
    fast_members = _members(tmp_path / "fast.xlsx", records=False)
    assert fast_members == _members(tmp_path / "slow.xlsx", records=False)


def test_flush_points_in_the_wrong_place_compress_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    _merge_each(workbook, exports[:2], tmp_path / "right.xlsx", monkeypatch)
    real = prepare._flush_marks
    monkeypatch.setattr(prepare, "recorded", lambda book, sheet: None)  # the scan's own path
    # chance byte patterns inside blocks: offsets that are no flush point at all
    monkeypatch.setattr(
        prepare, "_flush_marks", lambda raw: sorted({7, len(raw) // 2, *real(raw)[1:]})
    )
    wrong = _merge_each(workbook, exports[:2], tmp_path / "wrong.xlsx", monkeypatch)
    assert wrong[-1] is False
    wrong_members = _members(tmp_path / "wrong.xlsx", records=False)
    assert wrong_members == _members(tmp_path / "right.xlsx", records=False)


# The scan takes the styles of new rows from the last 256 KiB of rows; a cycle of the 40-person
# organisation is more, as at HR scale. This smaller window keeps that true whatever the org.
SMALL_RECENT = 4096


def test_the_record_skips_the_scan_and_gives_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    scanned: list[bool] = []
    _merge_each(workbook, exports, tmp_path / "recorded.xlsx", monkeypatch, scanned)
    assert scanned == [True, False, False]
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    monkeypatch.setattr(prepare, "recorded", lambda book, sheet: None)
    full: list[bool] = []
    _merge_each(workbook, exports, tmp_path / "scanned.xlsx", monkeypatch, full)
    assert full == [True, True, True]
    assert _members(tmp_path / "recorded.xlsx") == _members(tmp_path / "scanned.xlsx")


def test_when_the_last_rows_are_less_than_the_styles_window_the_sheet_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The styles come from the last rows within the window, older ones included: the record
    alone cannot give them when the last append was smaller than the window."""
    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", 1 << 26)
    scanned: list[bool] = []
    _merge_each(workbook, exports, tmp_path / "small.xlsx", monkeypatch, scanned)
    assert scanned == [True, True, True]


def _rewrite_member(path: Path, member: str, edit: Any) -> None:
    """The package with one member's bytes changed by `edit`, every other member's bytes as
    they were (compressed again by zipfile)."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, edit(data) if info.filename == member else data)


def _sheet_member(path: Path) -> str:
    with prepare.Package(path) as pkg:
        return prepare._sheet_member(pkg, "Ratings History")[0]


@pytest.mark.parametrize("field", ["crc", "size", "compressed", "body_crc", "last_len"])
def test_a_record_that_does_not_match_the_member_makes_the_scan_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    target = tmp_path / "stale.xlsx"
    _merge_each(workbook, exports[:2], target, monkeypatch)
    right = tmp_path / "right.xlsx"
    shutil.copy(target, right)
    real = prepare.recorded

    def stale(book: Any, sheet: str) -> Any:  # one figure of the record off by one
        record = real(book, sheet)
        assert record is not None
        return dataclasses.replace(record, **{field: getattr(record, field) + 1})

    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    monkeypatch.setattr(prepare, "recorded", stale)
    scanned: list[bool] = []
    _merge_each(target, exports[2:], target, monkeypatch, scanned)
    assert scanned == [True]
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    _merge_each(right, exports[2:], right, monkeypatch, scanned)
    assert scanned == [True, False]
    assert _members(target) == _members(right)


def test_a_kept_sheet_edited_in_its_xml_after_an_append_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the sheet's member changed (workbook.xml and its record kept): a formula put in a
    recorded row is found by the scan as before, and the history is rewritten."""
    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    target = tmp_path / "edited.xlsx"
    _merge_each(workbook, exports[:2], target, monkeypatch)
    member = _sheet_member(target)

    def formula(data: bytes) -> bytes:
        at = data.index(b'<c r="D3"')
        end = data.index(b"</c>", at)
        return data[:at] + b'<c r="D3"><f>1+2</f><v>3</v>' + data[end:]

    _rewrite_member(target, member, formula)
    result = merge(target, exports[2:], now=NOW)
    assert result.written == target
    assert result.history_write is not None
    assert (result.history_write.path, result.history_write.code) == ("rewrite", "formulas")


def test_a_kept_sheet_saved_by_openpyxl_after_an_append_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    target = tmp_path / "saved.xlsx"
    _merge_each(workbook, exports[:2], target, monkeypatch)
    wb = openpyxl.load_workbook(target)
    wb["Ratings History"]["D3"] = "=1+2"
    wb.save(target)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    result = merge(target, exports[2:], now=NOW)
    assert result.history_write is not None
    assert (result.history_write.path, result.history_write.code) == ("rewrite", "formulas")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_re_saved_by_libreoffice_after_an_append_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, exports = _exports(tmp_path)
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    target = tmp_path / "lo.xlsx"
    _merge_each(workbook, exports[:2], target, monkeypatch)
    resaved = libreoffice_convert(target, tmp_path, "xlsx")
    monkeypatch.setattr(scan, "_RECENT", SMALL_RECENT)
    scanned: list[bool] = []
    original = prepare.prepare_append

    def spy(path: Path, request: Any) -> Any:
        done = original(path, request)
        scanned.append(done.scanned)
        return done

    monkeypatch.setattr(prepare, "prepare_append", spy)
    result = merge(resaved, exports[2:], now=NOW)
    assert result.written == resaved, [f.message for f in result.report.errors]
    assert result.history_write is not None
    # the re-saved sheet is scanned: appended to when it is as the writer lays it out, else
    # rewritten; never taken on the word of a record of the member LibreOffice replaced
    assert scanned in ([True], [])


def test_a_full_history_sheet_is_checked_on_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first history sheet, filled by an append, is checked on the next merge from the
    record that append kept (its rows not inflated), and the workbook is the same as when it is
    scanned."""
    workbook, exports = _exports(tmp_path)
    checked: list[bool] = []
    real = prepare._recorded_scan

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if not kwargs["styles"]:
            checked.append(found is not None)
        return found

    def merge_all(target: Path) -> None:
        shutil.copy(workbook, target)
        for export in exports:
            result = merge(target, [export], now=NOW, rows_per_sheet=2000)
            assert result.history_write is not None and result.history_write.path == "append"
        assert "Ratings History (2)" in _sheet_names(target)

    monkeypatch.setattr(prepare, "_recorded_scan", spy)
    merge_all(tmp_path / "recorded.xlsx")
    assert checked == [True]  # the third merge: the first sheet, full since the second
    monkeypatch.setattr(prepare, "recorded", lambda book, sheet: None)
    merge_all(tmp_path / "scanned.xlsx")
    assert checked == [True]
    recorded_members = _members(tmp_path / "recorded.xlsx", records=False)
    assert recorded_members == _members(tmp_path / "scanned.xlsx", records=False)


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
