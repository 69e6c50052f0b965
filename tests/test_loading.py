"""The sheets' scans run ahead of their parsing: the next sheet is sized while this one is
parsed, yet no sheet is parsed before its own scan has answered (a parser given an unsized
sheet with a value at XFD1048576 aborts the process), and errors come out in sheet order.
The framework's first tables are read while the sheets behind them (a long history) are still
being read, and a sheet that cannot be read is the reading's error, as before."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import python_calamine
import xlsxwriter

from ladder_sheets.errors import LayoutError, UnreadableFile
from ladder_sheets.workbook import loading, reader
from ladder_sheets.workbook.extent import SheetExtent, sheet_parts
from ladder_sheets.workbook.grid import Grid, read_grids, read_grids_ahead
from ladder_sheets.workbook.loading import load_sheets

SHEETS = ("Levels", "Ratings History", "Ratings History (2)", "Notes")


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for n, name in enumerate(SHEETS):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, ["Cycle", "Employee ID", "Rating"])
        for r in range(1, 20 + 10 * n):
            ws.write_row(r, 0, ["2025-Q1", f"E{r:03d}", r % 5])
    book.close()
    return path


def loaded(path: Path, columnar: Any = None) -> list[tuple[str, SheetExtent]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    parts = sheet_parts(path)
    return [
        (x.sheet, x.extent)
        for x in load_sheets(path, book, parts, list(SHEETS), lambda e: False, columnar)
    ]


def refuse(monkeypatch: pytest.MonkeyPatch, *refused: str) -> None:
    """The scans of the `refused` sheets raise UnreadableFile ("refused <sheet>")."""
    real_scan = loading.scan_extent

    def scan(path: Path, part: str, sheet: str, limit: int) -> SheetExtent:
        if sheet in refused:
            raise UnreadableFile(f"refused {sheet}", file=str(path), sheet=sheet)
        return real_scan(path, part, sheet, limit)

    monkeypatch.setattr(loading, "scan_extent", scan)


def test_the_next_sheet_is_scanned_while_this_one_is_parsed_never_before_its_own_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path)
    events: list[tuple[str, str]] = []
    second_scanning = threading.Event()
    real_scan = loading.scan_extent

    def scan(path: Path, part: str, sheet: str, limit: int) -> SheetExtent:
        events.append(("scan", sheet))
        if sheet == "Ratings History (2)":
            second_scanning.set()
        extent = real_scan(path, part, sheet, limit)
        events.append(("scanned", sheet))
        return extent

    overlapped: list[bool] = []

    def columnar(sheet: str, extent: SheetExtent) -> None:
        events.append(("parse", sheet))
        if sheet == "Ratings History":  # a long parse: the next scan runs beside it
            overlapped.append(second_scanning.wait(timeout=20))
        return None  # calamine parses it

    monkeypatch.setattr(loading, "scan_extent", scan)
    got = loaded(path, columnar)
    assert [s for s, _ in got] == list(SHEETS)
    assert [e.max_row for _, e in got] == [19 + 10 * n for n in range(len(SHEETS))]
    assert overlapped == [True]
    for sheet in SHEETS:
        assert events.index(("scanned", sheet)) < events.index(("parse", sheet)), sheet


def test_a_sheet_refused_by_its_scan_stops_the_reading_at_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path)
    refuse(monkeypatch, "Ratings History (2)", "Notes")
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = load_sheets(path, book, sheet_parts(path), list(SHEETS), lambda e: False)
    assert next(sheets).sheet == "Levels"
    assert next(sheets).sheet == "Ratings History"
    with pytest.raises(UnreadableFile, match="refused Ratings History \\(2\\)"):
        next(sheets)  # the first refusal in sheet order, though Notes' scan failed too


def test_a_parse_that_fails_is_reported_before_a_later_sheets_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path)
    refuse(monkeypatch, "Notes")

    def columnar(sheet: str, extent: SheetExtent) -> None:
        if sheet == "Ratings History":
            time.sleep(0.2)  # every later scan has answered by now
            raise UnreadableFile("damaged Ratings History", file=str(path), sheet=sheet)

    with pytest.raises(UnreadableFile, match="damaged Ratings History"):
        loaded(path, columnar)


def test_a_reading_stopped_early_starts_no_more_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path)
    scanned: list[str] = []
    real_scan = loading.scan_extent

    def scan(path: Path, part: str, sheet: str, limit: int) -> SheetExtent:
        scanned.append(sheet)
        time.sleep(0.3)
        return real_scan(path, part, sheet, limit)

    monkeypatch.setattr(loading, "scan_extent", scan)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = load_sheets(path, book, sheet_parts(path), list(SHEETS), lambda e: False)
    assert next(sheets).sheet == "Levels"
    sheets.close()  # the caller stopped (its own error): the generator's pools shut down
    time.sleep(0.7)
    assert len(scanned) < len(SHEETS)


# --- the framework's first tables read while the history is parsed (grid.read_grids_ahead) ---

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "acme_framework.xlsx"
needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason="samples/ is missing")


def _grid_content(grid: Grid) -> tuple[type, dict[tuple[int, int], Any], list[Any]]:
    return type(grid), dict(grid.values), list(grid.merged)


@needs_sample
def test_grids_read_ahead_are_read_grids_in_the_same_order() -> None:
    ahead = read_grids_ahead(SAMPLE, skip_reports=True)
    ahead.finish()
    whole = read_grids(SAMPLE, skip_reports=True)
    assert list(ahead) == list(whole)
    assert len(ahead) == len(whole)
    for sheet, grid in whole.items():
        assert _grid_content(ahead[sheet]) == _grid_content(grid), sheet


@needs_sample
def test_the_first_tables_are_read_while_the_history_is_still_being_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    levels_read = threading.Event()
    real_scan = loading.scan_extent
    real_read = reader._TableReader.read
    overlapped: list[bool] = []

    def scan(path: Path, part: str, sheet: str, limit: int) -> SheetExtent:
        if sheet == "Ratings History":  # a long history: the tables before it are read now
            overlapped.append(levels_read.wait(timeout=20))
        return real_scan(path, part, sheet, limit)

    def read(self: Any, table: str, sheet: str, family: str | None) -> Any:
        if table == "levels":
            levels_read.set()
        return real_read(self, table, sheet, family)

    plain = reader.read_framework(SAMPLE)
    monkeypatch.setattr(loading, "scan_extent", scan)
    monkeypatch.setattr(reader._TableReader, "read", read)
    framework = reader.read_framework(SAMPLE)
    assert overlapped == [True]
    assert framework.sheet_names == plain.sheet_names == list(read_grids(SAMPLE))
    assert framework.tables.keys() == plain.tables.keys()
    assert len(framework.tables["employees"].data) > 0
    for name, table in plain.tables.items():
        pd.testing.assert_frame_equal(framework.tables[name].data, table.data)
    assert framework.findings == plain.findings


@needs_sample
def test_a_sheet_refused_behind_the_first_tables_is_the_error_of_the_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refuse(monkeypatch, "Ratings History")
    with pytest.raises(UnreadableFile, match="refused Ratings History"):
        reader.read_framework(SAMPLE)
    # the same when the tables read before it stop the reading with their own error
    monkeypatch.setattr(
        reader, "_read_tables", lambda *a: (_ for _ in ()).throw(LayoutError("no table"))
    )
    with pytest.raises(UnreadableFile, match="refused Ratings History"):
        reader.read_framework(SAMPLE)


@needs_sample
def test_grids_ahead_give_the_sheets_before_an_error_and_the_error_for_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refuse(monkeypatch, "Ratings History")
    grids = read_grids_ahead(SAMPLE, skip_reports=True)
    assert list(grids)[7:9] == ["Employees", "Ratings History"]
    assert not grids["Employees"].is_blank()
    for later in ("Ratings History", "Promotion Evidence", "Lists"):
        with pytest.raises(UnreadableFile, match="refused Ratings History"):
            grids[later]
    with pytest.raises(KeyError):
        grids["No Such Sheet"]
    with pytest.raises(UnreadableFile, match="refused Ratings History"):
        grids.finish()
