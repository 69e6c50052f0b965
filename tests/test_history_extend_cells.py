"""The history cache extended from the cells merge wrote (history_extend._appended_grid): each
column's distinct cells are read once and every appended row is given its own cell's reading.

Each shape is merged into the sample workbook, and the grid the extension builds is compared,
value by value with its type, with the grid read from the appended rows themselves (the way
the extension read them before); then the cache merge leaves with the one a cold reading of
the written workbook writes (test_history_cache_merge.assert_cache_right)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ladder_sheets.sheets.history import COLUMNS
from ladder_sheets.workbook import history_extend
from ladder_sheets.xlsx.append import rows as append_rows
from tests.helpers import SAMPLE_EXPORTS, copy_with_cache, every_history_cached, merged_sample
from tests.test_history_cache import from_cache
from tests.test_history_cache_merge import assert_cache_right

EXPORTS = SAMPLE_EXPORTS
pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


@pytest.fixture(scope="module", autouse=True)
def small_histories_cached():
    with every_history_cached():
        yield


@pytest.fixture(scope="module")
def two_cycles(tmp_path_factory) -> Path:
    target = merged_sample(tmp_path_factory.mktemp("merged"), 2)
    assert from_cache(target)
    return target


@pytest.fixture
def book(two_cycles: Path, tmp_path: Path) -> Path:
    return copy_with_cache(two_cycles, tmp_path)


def _kinds(column: Any) -> list[tuple[str, Any]]:
    return [(type(v).__name__, v) for v in column]


@pytest.fixture
def compared(monkeypatch) -> list[str]:
    """Each extension's grid checked against the appended rows read back; what it was built
    from ("cells": the distinct cells, "rows": the rows read back) listed."""
    seen: list[str] = []
    inner = history_extend._appended_grid
    distinct = history_extend._distinct_rows

    def counted(written: Any) -> Any:
        seen[-1] = "cells"
        return distinct(written)

    def spy(sheet: str, part: Any, parts: dict[str, bytes]) -> Any:
        head = [history_extend._DIMENSION.sub(b"", part.head), part.header_row]
        rows = history_extend._renumbered(part.rows, part.first_row - 2)
        read = history_extend._read_grid(sheet, itertools.chain(head, rows, [part.tail]), parts)
        seen.append("rows")
        built = inner(sheet, part, parts)
        assert type(built) is type(read)
        assert len(built.columns) == len(read.columns)
        for mine, theirs in zip(built.columns, read.columns, strict=True):
            assert _kinds(mine) == _kinds(theirs)
        return built

    monkeypatch.setattr(history_extend, "_appended_grid", spy)
    monkeypatch.setattr(history_extend, "_distinct_rows", counted)
    return seen


def _labels() -> pd.DataFrame:
    """The sample's 2026-Q3 export (labels for ratings, a manager comment per row)."""
    return pd.read_csv(EXPORTS[2], sep=";", encoding="latin-1", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / EXPORTS[2].name
    frame.to_csv(path, sep=";", index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)
    return path


TEXTS = [
    "",
    "  leading and trailing  ",
    " ",
    "tab\there",
    "two\nlines",
    "windows\r\nline",
    "bell\x07 and\x1f unit",
    "_x0041_ looks escaped",
    "L3",
    "E0002",
    "3.5",
    "0",
    "=1+1",
    "'quoted",
    '<tag> & "quotes"',
    "é ✓ 𝄞",
    "x" * 40_000,  # past a cell's 32,767 characters
    "y" * 32_767,
]


def _comments(frame: pd.DataFrame) -> pd.DataFrame:
    column = frame.columns[-1]
    frame[column] = [TEXTS[i % len(TEXTS)] for i in range(len(frame))]
    return frame


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    # ratings as numbers among the labels: 3.5, a whole 3, 5.0 (a rating of 0 is refused,
    # outside the 1-5 scale: nothing is written)
    score = frame.columns[3]
    frame[score] = [["3.5", "3", "Meets", "5.0", "1"][i % 5] for i in range(len(frame))]
    return frame


def _blank_comments(frame: pd.DataFrame) -> pd.DataFrame:
    frame[frame.columns[-1]] = ""
    return frame


SHAPES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "texts of every kind": _comments,
    "ratings 0, 3.5 and a label": _numbers,
    "no evidence at all": _blank_comments,
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_shape_extends_the_cache_from_its_cells(book: Path, tmp_path: Path, compared, shape):
    from ladder_sheets.commands.merge import merge

    export = _write(SHAPES[shape](_labels()), tmp_path)
    result = merge(book, [export])
    assert result.written is not None, [f.message for f in result.report.errors][:3]
    assert result.history_write is not None and result.history_write.path == "append"
    assert compared == ["cells"], "the extension read the distinct cells, not the rows"
    assert_cache_right(book, tmp_path)


def test_imported_at_midnight_and_then_not(book: Path, tmp_path: Path, compared):
    from ladder_sheets.commands.merge import merge

    merge(book, EXPORTS[2:3], now=dt.datetime(2026, 7, 1))
    assert compared == ["cells"]
    assert_cache_right(book, tmp_path)
    merge(book, EXPORTS[3:4], now=dt.datetime(2026, 10, 1, 9, 30, 15, 500_000))
    assert compared == ["cells", "cells"]
    assert_cache_right(book, tmp_path)


def test_an_export_with_self_ratings(book: Path, tmp_path: Path, compared):
    from ladder_sheets.commands.merge import merge

    merge(book, EXPORTS[3:4])
    assert compared == ["cells"]
    assert_cache_right(book, tmp_path)


def test_a_cycle_merged_in_two_halves(book: Path, tmp_path: Path, compared):
    from ladder_sheets.commands.merge import merge

    whole = _comments(_labels())
    merge(book, [_write(whole.iloc[: len(whole) // 2], tmp_path)])
    assert compared == ["cells"]
    assert_cache_right(book, tmp_path)
    merge(book, [_write(whole, tmp_path)])
    assert compared[0] == "cells" and set(compared) <= {"cells"}
    assert_cache_right(book, tmp_path)


def test_rows_this_process_did_not_write_are_read_back(
    book: Path, tmp_path: Path, compared, monkeypatch
):
    """The cells kept are another write's (other bytes): the rows are read from the sheet."""
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.xlsx.append import prepare

    remember = append_rows.remember

    def elsewhere(written: append_rows.WrittenCells) -> None:
        written.crc ^= 1  # as if other bytes had been written
        remember(written)

    monkeypatch.setattr(prepare, "remember", elsewhere)
    merge(book, EXPORTS[2:3])
    assert compared == ["rows"]
    assert_cache_right(book, tmp_path)


def test_written_cells_are_the_rows_written():
    """Each row's code names the body its cell was written with; the bytes identify them."""
    frame = pd.DataFrame(
        {
            "cycle": ["2026-Q1", "2026-Q1", "2026-Q2"],
            "employee_id": ["E1", "E2", "E1"],
            "rating": [3.0, None, 3],
            "evidence": ["a", "", "a "],
        }
    )
    styles = [4] * len(COLUMNS)
    written = append_rows.WrittenCells(len(COLUMNS), 7)
    xml = append_rows.rows_xml(frame, COLUMNS, styles, 7, False, written)
    assert written.rows == 3
    cells = [[] for _ in COLUMNS]  # type: list[list[str]]
    for number, row in enumerate(xml.split(b"<row ")[1:], start=7):
        for index, column in enumerate(COLUMNS):
            bodies = list(written.bodies[index])
            body = bodies[written.codes(index)[number - 7]]
            letter = append_rows.column_letters(index)
            cell = f'<c r="{letter}{number}"{body}'.encode()
            assert (cell in row) == bool(body), (column.key, number)
            cells[index].append(body)
    assert cells[0][0] == cells[0][1] != cells[0][2]  # one body for one value
    assert len(written.bodies[0]) == 2
    assert append_rows.written_cells(xml, 6) is None  # another first row
    append_rows.remember(written)
    assert append_rows.written_cells(xml[:-1] + b" ", 7) is None  # other bytes
    append_rows.remember(written)
    assert append_rows.written_cells(xml, 7) is written
    assert append_rows.written_cells(xml, 7) is None, "forgotten once asked for"
