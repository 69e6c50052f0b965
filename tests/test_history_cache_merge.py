"""merge's new history cache: the cache merge leaves is what a cold reading of the written
workbook caches, whichever way the history was written.

When merge only appends rows to the last history sheet and the cache was fresh, the new cache is
the old one plus the appended rows (workbook/history_extend.py), without reading the history
again; every other shape (a cycle replaced, a continuation sheet started, a history store) has
the history read again, as before. Each test compares the cache file merge left, value by value
with its type, cell by cell, finding by finding, with the one a cold reading writes (the cache
deleted, the workbook read again), and check's and calibrate's answers with the cache with their
answers without it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import NoneType
from typing import Any

import openpyxl
import pytest

from ladder_sheets.api import refresh_history_cache
from ladder_sheets.commands.calibrate import calibrate
from ladder_sheets.commands.merge import merge
from ladder_sheets.workbook import history_cache, history_extend
from ladder_sheets.workbook.history_cache import cache_path
from tests.helpers import (
    SAMPLE_EXPORTS,
    SOFFICE,
    copy_with_cache,
    every_history_cached,
    libreoffice_convert,
    merged_sample,
)
from tests.test_history_cache import _value, answer, cold, from_cache

EXPORTS = SAMPLE_EXPORTS
pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


@pytest.fixture(scope="module", autouse=True)
def small_histories_cached():
    with every_history_cached():
        yield


@pytest.fixture(scope="module")
def two_cycles(tmp_path_factory) -> Path:
    """The sample workbook with two cycles merged and its history cached."""
    target = merged_sample(tmp_path_factory.mktemp("merged"), 2)
    assert from_cache(target)
    return target


@pytest.fixture
def book(two_cycles: Path, tmp_path: Path) -> Path:
    return copy_with_cache(two_cycles, tmp_path)


@pytest.fixture
def extended(monkeypatch) -> list[bool]:
    """What each history_extend.extend call answered (True: the cache was extended)."""
    seen: list[bool] = []
    inner = history_extend._extend

    def spy(*args: Any) -> bool:
        seen.append(False)
        seen[-1] = inner(*args)
        return seen[-1]

    monkeypatch.setattr(history_extend, "_extend", spy)
    return seen


def cache_contents(path: Path) -> dict[str, Any]:
    """Everything the cache file of `path` holds: both tables value by value (with types),
    their cells and sheets, the rating keys kept beside them, and its metadata (key, sheets,
    context, findings, layouts)."""
    from ladder_sheets.columnar import table_from_arrow

    arrow = history_cache.read_file(path)  # every part of it (history_cache.CacheFile)
    meta = history_cache.file_meta(arrow.schema.metadata)
    out: dict[str, Any] = {"meta": meta}
    # the rating keys kept beside the typed history (history_cache: facts)
    out["k/"] = {n: arrow.column(n).to_pylist() for n in arrow.column_names if n[:2] == "k/"}
    for prefix in ("r/", "t/"):
        table, _ = table_from_arrow(history_cache._columns(arrow, prefix), str(path))
        out[prefix] = {
            "dtypes": {c: str(table.data[c].dtype) for c in table.data.columns},
            "data": {c: [_value(v) for v in table.data[c].tolist()] for c in table.data.columns},
            "cells": {c: table.cell_column(c) for c in table.cell_columns},
            "sheets": table.sheets.tolist(),
        }
    return out


def cold_cache(path: Path) -> dict[str, Any]:
    """The cache a cold reading of `path` writes (merge's own cache put back afterwards)."""
    cache = cache_path(path)
    kept = cache.read_bytes()
    cache.unlink()
    try:
        refresh_history_cache(path)
        return cache_contents(path)
    finally:
        cache.write_bytes(kept)


def calibration(path: Path, folder: Path) -> dict[str, Any]:
    """calibrate's findings and every value of the pack it writes."""
    folder.mkdir(parents=True, exist_ok=True)
    result = calibrate(path, folder / "pack.xlsx")
    assert result.written is not None
    wb = openpyxl.load_workbook(result.written)
    values = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}
    findings = [json.dumps(f.to_dict(), sort_keys=True) for f in result.report]
    return {"findings": findings, "pack": values, "people": result.people}


def assert_cache_right(path: Path, tmp_path: Path, *, with_calibrate: bool = False) -> None:
    """merge's cache is the cold reading's; check (and calibrate) give the same with it as
    without it."""
    assert cache_path(path).is_file()
    assert from_cache(path), "the next reading takes the history from the cache"
    kept = cache_contents(path)
    assert kept["k/"], "the rating keys are kept too"
    assert kept == cold_cache(path)
    assert answer(path) == cold(path)
    if with_calibrate:
        warm = calibration(path, tmp_path / "warm")
        kept = cache_path(path).read_bytes()
        cache_path(path).unlink()
        try:
            assert calibration(path, tmp_path / "cold") == warm
        finally:
            cache_path(path).write_bytes(kept)


def test_one_cycle_appended_extends_the_cache(book: Path, tmp_path: Path, extended):
    before = cache_contents(book)
    result = merge(book, EXPORTS[2:3])
    assert result.history_write is not None and result.history_write.path == "append"
    assert extended == [True], "the cache was extended, not read again"
    assert_cache_right(book, tmp_path, with_calibrate=True)
    after = cache_contents(book)
    # the old rows as they were, then the appended ones, at their rows of the sheet
    old = len(before["r/"]["sheets"])
    added = result.history_write.rows
    assert len(after["r/"]["sheets"]) == old + added
    assert after["r/"]["cells"]["rating"][:old] == before["r/"]["cells"]["rating"]
    last = int(before["r/"]["cells"]["rating"][-1][1:])
    assert after["r/"]["cells"]["rating"][old:] == [
        f"{before['r/']['cells']['rating'][0][0]}{last + 1 + n}" for n in range(added)
    ]
    assert set(after["t/"]["data"]["cycle"][old:]) == {_value("2026-Q3")}


def test_two_cycles_appended(book: Path, tmp_path: Path, extended):
    result = merge(book, EXPORTS[2:4])
    assert result.history_write is not None and result.history_write.path == "append"
    assert extended == [True]
    assert_cache_right(book, tmp_path)


def test_one_cycle_after_another(book: Path, tmp_path: Path, extended):
    """The second merge appends to the member the first one's append wrote (its record)."""
    merge(book, EXPORTS[2:3])
    merge(book, EXPORTS[3:4])
    assert extended == [True, True]
    assert_cache_right(book, tmp_path)


def test_a_cycle_imported_at_midnight_extends_the_cache(book: Path, tmp_path: Path, extended):
    """Imported At of exactly midnight is read as a date, where every recorded one is a date
    and time: a value type the cached column never held. The extension adds it (it used to
    give up, and merge read the whole history again), then extends over it."""
    import datetime as dt

    def kinds(path: Path) -> list[str]:
        """The value types of Imported At as read (the cache's layout of the reading)."""
        import pyarrow.parquet as pq

        layout = json.loads(pq.read_schema(cache_path(path)).metadata[b"r/"])
        return list(layout["data"]["infos"]["imported_at"]["kinds"])

    assert kinds(book) == ["datetime"]
    merge(book, EXPORTS[2:3], now=dt.datetime(2026, 7, 1))
    assert extended == [True], "the cache was extended, not read again"
    assert kinds(book) == ["datetime", "date"]
    assert_cache_right(book, tmp_path)
    merge(book, EXPORTS[3:4], now=dt.datetime(2026, 10, 1, 9, 30))
    assert extended == [True, True]
    assert_cache_right(book, tmp_path)


def test_a_failure_to_extend_is_a_warning(book: Path, monkeypatch):
    """An error inside the extension is a bug: merge still leaves the right cache (the history
    read again), and says so with a warning, which the tests' settings make an error."""
    from ladder_sheets.errors import CacheNotExtended

    def broken(*args: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(history_extend, "_facts", broken)
    with pytest.warns(CacheNotExtended, match="KeyError"):
        result = merge(book, EXPORTS[2:3])
    assert result.written == book
    assert from_cache(book), "the history read again and cached"
    assert cache_contents(book) == cold_cache(book)
    with pytest.raises(CacheNotExtended):  # as every other test runs (pyproject.toml)
        merge(book, EXPORTS[3:4])


def _row_groups(path: Path) -> list[dict[str, Any]]:
    """Each row group of the cache file of `path`: its rows and each column's encodings."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(cache_path(path)).metadata
    groups = []
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        encodings = {
            group.column(j).path_in_schema: set(group.column(j).encodings)
            for j in range(group.num_columns)
        }
        groups.append({"rows": group.num_rows, "encodings": encodings})
    return groups


def test_the_extension_writes_row_groups_of_several_batches(
    book: Path, tmp_path: Path, extended, monkeypatch
):
    """The old rows are copied a batch at a time and written several batches to a row group;
    the row numbers and the keys' codes as differences, in the extension as in a cold cache.
    (A cache of one part allowed: the cached rows are copied, not followed by a part.)"""
    monkeypatch.setattr(history_cache, "MAX_PARTS", 1)
    monkeypatch.setattr(history_extend, "_BATCH", 200)
    monkeypatch.setattr(history_extend, "_GROUP", 700)
    rows = history_cache.Lookup.open(book).meta["rows"]  # type: ignore[union-attr]
    result = merge(book, EXPORTS[2:4])
    assert extended == [True]
    assert result.history_write is not None
    total = rows + result.history_write.rows
    groups = _row_groups(book)
    sizes = [g["rows"] for g in groups]
    assert sum(sizes) == total
    # the old rows in batches of 200, gathered until 700 rows are held: 800 a row group
    assert rows >= 1600 and sizes[: rows // 800] == [800] * (rows // 800), sizes
    assert all(size >= 700 for size in sizes[:-1]), sizes
    assert_cache_right(book, tmp_path)
    kept = cache_path(book).read_bytes()
    cache_path(book).unlink()
    try:
        refresh_history_cache(book)
        cold_groups = _row_groups(book)  # one row group: history_cache.save
    finally:
        cache_path(book).write_bytes(kept)
    assert len(cold_groups) == 1
    for group in [*groups, *cold_groups]:
        for column, used in group["encodings"].items():
            if column in ("r/row", "t/row", "k/code"):
                assert "DELTA_BINARY_PACKED" in used and "RLE_DICTIONARY" not in used, column
            else:
                assert "RLE_DICTIONARY" in used, column


def test_a_cycle_replaced_is_read_again(book: Path, tmp_path: Path, extended):
    changed = tmp_path / "changed" / EXPORTS[0].name
    changed.parent.mkdir()
    lines = EXPORTS[0].read_text().splitlines(keepends=True)
    header = lines[0].rstrip().split(",")
    first = lines[1].rstrip().split(",")
    column = next(i for i, h in enumerate(header) if "rating" in h.lower() or "score" in h.lower())
    first[column] = "1" if first[column] != "1" else "2"
    changed.write_text(lines[0] + ",".join(first) + "\n" + "".join(lines[2:]))
    result = merge(book, [changed], replace_cycles=["2026-Q1"])
    assert result.history_write is not None and result.history_write.path == "rewrite"
    assert extended == []
    assert_cache_right(book, tmp_path)


def test_a_cycle_merged_in_two_parts(book: Path, tmp_path: Path, extended):
    """A partial export of a cycle, then the whole of it: the second adds only the rows the
    first did not have."""
    import pandas as pd

    whole = pd.read_csv(EXPORTS[3])
    part = tmp_path / EXPORTS[3].name
    whole.iloc[: len(whole) // 2].to_csv(part, index=False)
    first = merge(book, [part])
    assert first.history_write is not None and first.history_write.code == "appended"
    assert_cache_right(book, tmp_path)
    second = merge(book, EXPORTS[3:4])
    assert second.history_write is not None
    # the rest of the cycle: appended (cache extended) or, where the merged order puts the
    # new rows among the recorded ones, rewritten (read again); right either way
    assert extended[0] is True and len(extended) == (second.history_write.path == "append") + 1
    assert_cache_right(book, tmp_path)


def test_a_continuation_sheet_started_is_read_again(book: Path, tmp_path: Path, extended):
    result = merge(book, EXPORTS[2:3], rows_per_sheet=3000)
    assert result.history_write is not None and result.history_write.new_sheets
    assert extended == []
    assert_cache_right(book, tmp_path)


def test_a_history_store_is_read_again(book: Path, tmp_path: Path, extended):
    merge(book, EXPORTS[2:3], history_store=True)
    merge(book, EXPORTS[3:4])
    assert extended == []
    assert_cache_right(book, tmp_path)


def test_saved_by_openpyxl_before_the_merge(book: Path, tmp_path: Path, extended):
    """The cache was stale (every part written anew): merge's check reads and caches the
    history, and the append extends that."""
    openpyxl.load_workbook(book).save(book)
    assert not from_cache(book)
    result = merge(book, EXPORTS[2:3])
    assert result.history_write is not None and result.history_write.path == "append"
    assert extended == [True]
    assert_cache_right(book, tmp_path)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_saved_by_libreoffice_before_the_merge(book: Path, tmp_path: Path, extended):
    shutil.copy(libreoffice_convert(book, tmp_path / "lo", "xlsx"), book)
    assert not from_cache(book)
    result = merge(book, EXPORTS[2:3])
    assert result.history_write is not None and result.history_write.path == "append"
    assert extended == [True]  # cached by merge's check, then extended
    assert_cache_right(book, tmp_path)


def test_a_changed_shared_string_is_read_again(book: Path, tmp_path: Path, extended, monkeypatch):
    """What the history is read through changed by the write (here: the first shared string
    rewritten in place): nothing carried, the history read again."""
    from ladder_sheets.workbook import history_extend as module

    real = module.hc._same_reading

    def changed(carry: Any, parts: dict[str, bytes], *args: Any, **kwargs: Any) -> bool:
        strings = parts.get(module.hc._STRINGS)
        if strings is not None:
            at = strings.index(b"<si>")
            parts = dict(parts, **{module.hc._STRINGS: strings[:at] + b"<si><t>x</t></si>"})
        return real(carry, parts, *args, **kwargs)

    monkeypatch.setattr(module.hc, "_same_reading", changed)
    merge(book, EXPORTS[2:3])
    assert extended == [False]
    assert_cache_right(book, tmp_path)


def test_the_comparison_sees_appended_rows_put_elsewhere(
    book: Path, two_cycles: Path, tmp_path: Path, monkeypatch, extended
):
    """The comparison above fails when the appended rows' cells are off by one row, or when
    the appended rows are left out: these tests can fail."""
    from ladder_sheets.cellmap import CellMap, SheetRows
    from ladder_sheets.model import Table

    appended = history_extend._appended

    def shifted(old: Any, tail: Any) -> Any:
        part = tail.places.parts[0]
        moved = CellMap(tail.places.columns, [SheetRows(part.rows + 1, part.letters)])
        return appended(old, Table(tail.name, tail.data, moved, tail.sheets, tail.file))

    monkeypatch.setattr(history_extend, "_appended", shifted)
    merge(book, EXPORTS[2:3])
    assert extended == [True]
    assert cache_contents(book) != cold_cache(book)

    again = tmp_path / "again" / two_cycles.name
    again.parent.mkdir()
    shutil.copy(two_cycles, again)
    shutil.copy(cache_path(two_cycles), cache_path(again))
    monkeypatch.setattr(
        history_extend, "_appended", lambda old, tail: (old, old.schema.metadata[b"ladder-sheets"])
    )
    merge(again, EXPORTS[2:3])
    assert extended == [True, True]
    assert cache_contents(again) != cold_cache(again)


def _joined(old: Any, tail: Any) -> Any:
    """The old rows as stored followed by history_extend._appended's rows, with its layout."""
    import pyarrow as pa

    got = history_extend._appended(old, tail)
    if got is None:
        return None
    added, layout = got
    widen = history_extend._widening(old.schema, added.schema)
    if widen is not None:  # a value type only the new rows hold: the old rows widened
        old = pa.Table.from_batches([widen(b, added.schema) for b in old.to_batches()])
    return pa.concat_tables([old, added.replace_schema_metadata(None)]).replace_schema_metadata(
        {b"ladder-sheets": layout}
    )


def test_joined_arrow_is_the_arrow_of_the_joined_table():
    """history_extend._appended encodes the new rows as the old rows are stored: the old rows
    followed by them, decoded, are the table of all rows, whatever value types each part's
    columns hold (a column of texts and numbers before and of numbers only after, one with no
    value in the new rows, dates, a number column)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from ladder_sheets.cellmap import CellMap, SheetRows
    from ladder_sheets.columnar import table_from_arrow, table_to_arrow
    from ladder_sheets.model import Table, columns

    names = columns("history")

    def table(rows: list[dict[str, Any]], first: int) -> Table:
        data = pd.DataFrame([{c: r.get(c) for c in names} for r in rows], dtype=object)
        data["rating"] = data["rating"].astype(float)
        letters = {c: chr(65 + i) for i, c in enumerate(names)}
        places = CellMap(names, [SheetRows(np.arange(first, first + len(rows)), letters)])
        sheets = pd.Series(["Ratings History"] * len(rows), dtype=object)
        return Table("history", data, places, sheets, "book.xlsx")

    when = dt.datetime(2026, 3, 31, 12, 30)
    old_rows = [
        {"employee_id": "E1", "cycle": "2026-Q1", "rating": 3.0, "evidence": "late", "source": 7},
        {"employee_id": 12, "cycle": "2026-Q1", "rating": 4.0, "imported_at": when},
        {"employee_id": "E3", "cycle": "2026-Q1", "rating": np.nan, "source": "a.csv"},
    ]
    new_rows = [
        {"employee_id": 14, "cycle": "2026-Q2", "rating": 2.0, "source": "b.csv"},
        {"employee_id": 15, "cycle": "2026-Q2", "rating": 5.0, "imported_at": when},
    ]
    old, new = table(old_rows, 2), table(new_rows, 5)
    whole = table(old_rows + new_rows, 2)
    joined = _joined(table_to_arrow(old), new)
    assert joined is not None
    got, _ = table_from_arrow(joined, "book.xlsx")
    expected, _ = table_from_arrow(table_to_arrow(whole), "book.xlsx")
    for name in names:
        assert [_value(v) for v in got.data[name]] == [_value(v) for v in expected.data[name]]
        assert got.cell_column(name) == expected.cell_column(name)
    assert got.data["rating"].dtype == expected.data["rating"].dtype
    assert got.sheets.tolist() == expected.sheets.tolist()
    # value types the old rows never held (a date and time among texts, a date among dates
    # and times, texts in a column of none): joined after the old ones, as a whole reading
    # orders them
    odd_rows = [
        {"employee_id": "E9", "cycle": "2026-Q2", "rating": 1.0, "evidence": when},
        {"employee_id": 16, "cycle": "2026-Q2", "imported_at": dt.date(2026, 4, 1)},
        {"employee_id": "E10", "cycle": "2026-Q2", "evidence": "x", "imported_at": when},
        {"employee_id": "E11", "cycle": "2026-Q2", "competency": "Hiring"},
    ]
    odd = table(odd_rows, 5)
    joined = _joined(table_to_arrow(old), odd)
    assert joined is not None
    got, _ = table_from_arrow(joined, "book.xlsx")
    expected, _ = table_from_arrow(table_to_arrow(table(old_rows + odd_rows, 2)), "book.xlsx")
    for name in names:
        assert [_value(v) for v in got.data[name]] == [_value(v) for v in expected.data[name]]
        assert got.cell_column(name) == expected.cell_column(name)
    assert joined.column_names == table_to_arrow(table(old_rows + odd_rows, 2)).column_names
    assert [type(v) for v in got.data["imported_at"]][3:5] == [NoneType, dt.date]
    # a column whose dtype differs (numbers read, then a text): not joined (the full reading)
    text = table([{"employee_id": "E9", "cycle": "2026-Q2"}], 5)
    text.data["rating"] = text.data["rating"].astype(object)
    assert _joined(table_to_arrow(old), text) is None


@pytest.fixture
def one_cycle_short(tmp_path: Path) -> tuple[Path, Path]:
    """The sample workbook with 2026-Q1 merged without one person's and one competency's
    ratings (its history cached), and an export of a new cycle, 2026-Q2, that rates them."""
    import pandas as pd

    q1 = pd.read_csv(EXPORTS[0], dtype=str, keep_default_na=False)
    assert EXPORTS[0].name.startswith("2026-Q1") and "Review Cycle" in q1.columns
    person, competency = "E0002", "Hiring"
    assert {person, competency} <= set(q1["Employee ID"]) | set(q1["Competency"])
    short = tmp_path / "exports" / "2026-Q1_short.csv"
    short.parent.mkdir()
    q1[(q1["Employee ID"] != person) & (q1["Competency"] != competency)].to_csv(short, index=False)
    later = tmp_path / "exports" / "2026-Q2_all.csv"
    q1.assign(**{"Review Cycle": "2026-Q2"}).to_csv(later, index=False)
    target = tmp_path / "book" / "acme.xlsx"
    target.parent.mkdir()
    shutil.copy(EXPORTS[0].parents[1] / "acme_framework.xlsx", target)
    assert merge(target, [short]).written == target
    assert from_cache(target)
    return target, later


def test_a_new_person_competency_and_cycle_continue_the_keys(
    one_cycle_short: tuple[Path, Path], tmp_path: Path, extended
):
    """The appended cycle brings a cycle label, a person and a competency the history never
    had: the extended cache numbers them after the old ones, as a cold reading does."""
    book, later = one_cycle_short
    before = cache_contents(book)["k/"]
    result = merge(book, [later])
    assert result.history_write is not None and result.history_write.path == "append"
    assert extended == [True]
    assert_cache_right(book, tmp_path)
    keys = cache_contents(book)["k/"]
    old = len(before["k/code"])
    for part, new in [("employee", "e0002"), ("competency", "hiring"), ("cycle", None)]:
        codes = keys[f"k/{part}_code"]
        assert codes[:old] == before[f"k/{part}_code"]
        assert max(codes[old:]) == max(codes[:old]) + 1, part  # one new number, the next
        if new is not None:
            assert new not in before[f"k/{part}"] and new in keys[f"k/{part}"][old:]
    assert min(c for c in keys["k/code"][old:] if c >= 0) > max(keys["k/code"][:old])


def test_the_comparison_sees_keys_appended_without_their_numbering(
    one_cycle_short: tuple[Path, Path], extended, monkeypatch
):
    """The comparison above fails when the appended rows' keys are worked out on their own
    (numbered from 0 again) instead of continuing the cached ones: it can fail."""
    from ladder_sheets.schema import ratings

    book, later = one_cycle_short
    monkeypatch.setattr(
        ratings, "appended_facts", lambda facts, rows_of, new: ratings.history_facts(new)
    )
    merge(book, [later])
    assert extended == [True]
    kept, cold = cache_contents(book), cold_cache(book)
    assert kept["k/"] != cold["k/"]
    assert {k: v for k, v in kept.items() if k != "k/"} == {
        k: v for k, v in cold.items() if k != "k/"
    }


def test_the_appended_rows_are_renumbered_cell_by_cell_where_a_number_repeats():
    """The appended rows' references are moved up one substitution per row; where the row's
    number followed by a quote occurs elsewhere in the row (a style index, a text), each
    reference is moved by itself. Every reference moves, nothing else does."""
    import re

    import pandas as pd

    from ladder_sheets.sheets.history import COLUMNS
    from ladder_sheets.xlsx.append.rows import rows_xml

    texts = [f'said {n + 5}" and 1{n}"' if n % 2 else None for n in range(6)]
    frame = pd.DataFrame({c.key: texts if c.key == "evidence" else None for c in COLUMNS})
    frame["employee_id"] = [f"E{n}" for n in range(6)]
    frame["rating"] = [3.0, 4.0, 7.0, 2.0, 1.0, 5.0]
    styles = [7 if n == 3 else 1 for n in range(len(COLUMNS))]
    # rows 5-10: each holds s="7" (row 7 edited cell by cell), 6, 8 and 10 their number in a text
    xml = rows_xml(frame, COLUMNS, styles, 5, False)
    assert b's="7"' in xml and b'7"' in xml

    def one_by_one(rows: bytes, offset: int) -> bytes:  # each reference by itself
        return re.sub(
            rb'(<row r="|<c r="[A-Z]+)(\d+)"',
            lambda m: m.group(1) + str(int(m.group(2)) - offset).encode() + b'"',
            rows,
        )

    for size in (1, 40, 1 << 20):
        got = b"".join(history_extend._renumbered(xml, 3, size))
        assert got == one_by_one(xml, 3), size
    moved = b"".join(history_extend._renumbered(xml, 3))
    assert re.findall(rb'<row r="(\d+)"', moved) == [b"2", b"3", b"4", b"5", b"6", b"7"]
    assert moved.count(b'said 8" and 13"') == 1 and moved.count(b's="7"') == xml.count(b's="7"')
    # not rows alone: every reference by itself
    odd = b"<x/>" + xml
    assert b"".join(history_extend._renumbered(odd, 3)) == one_by_one(odd, 3)


def _markers(path: Path) -> dict[str, str]:
    """Sheet name -> the text of the tool's marker on it."""
    import zipfile

    from ladder_sheets.xlsx.workbook_xml import MARKER_NAME, read_book

    with zipfile.ZipFile(path) as zf:
        book = read_book(zf.read("xl/workbook.xml"))
    names = [s.name for s in book.sheets]
    return {names[n.local_sheet]: n.value for n in book.names if n.name == MARKER_NAME}


@pytest.mark.parametrize("marked", [True, False])
def test_a_full_kept_sheet_given_its_scan_record_still_extends_the_cache(
    book: Path, tmp_path: Path, extended, marked: bool
):
    """The first history sheet is full and the cycle goes to the continuation sheet: without
    a record of its own, merge scans the full sheet once and leaves one in its marker. A marker on a
    history sheet does not change how it is read, so the cache is extended (not read again,
    which at 10,000 people cost 20 s and 600 MB more), whether the sheet had a marker before
    or none (as a workbook written by another tool, or before scan records, has)."""
    merge(book, EXPORTS[2:3], rows_per_sheet=3000)  # the continuation sheet started
    if not marked:
        from ladder_sheets.xlsx.workbook_xml import MARKER_NAME

        wb = openpyxl.load_workbook(book)
        wb["Ratings History"].defined_names.pop(MARKER_NAME)
        wb.save(book)
        refresh_history_cache(book)
    before = _markers(book).get("Ratings History")
    assert (before is not None) == marked
    extended.clear()
    result = merge(book, EXPORTS[3:4], rows_per_sheet=3000)
    assert result.history_write is not None and result.history_write.appended_to == [
        "Ratings History (2)"
    ]
    # unmarked: scanned in full, and the record of the scan left in a marker; marked: the
    # record of the append that filled it vouches, and the marker stays
    assert (_markers(book)["Ratings History"] == before) == marked
    assert extended == [True], "the cache was extended, not read again"
    assert_cache_right(book, tmp_path)


def _parts(path: Path) -> int:
    """How many Parquet parts the cache file of `path` holds (history_cache.CacheFile)."""
    import pyarrow as pa

    return len(history_cache.CacheFile(pa.py_buffer(cache_path(path).read_bytes())).parts)


def test_each_cycle_appended_is_a_part_after_the_cached_bytes(book: Path, tmp_path: Path, extended):
    """The extension writes the new rows as a part of their own after the cached file's bytes,
    left as they were (the cached rows are not copied), and the cache read through every part
    is the cold reading's, merge after merge."""
    assert _parts(book) == 1
    first = cache_path(book).read_bytes()
    merge(book, EXPORTS[2:3])
    assert extended == [True] and _parts(book) == 2
    second = cache_path(book).read_bytes()
    assert second.startswith(first) and len(second) > len(first)
    assert_cache_right(book, tmp_path)
    merge(book, EXPORTS[3:4])
    assert extended == [True, True] and _parts(book) == 3
    assert cache_path(book).read_bytes().startswith(second)
    assert_cache_right(book, tmp_path, with_calibrate=True)


def test_a_cache_of_max_parts_is_written_as_one_file_again(
    book: Path, tmp_path: Path, extended, monkeypatch
):
    monkeypatch.setattr(history_cache, "MAX_PARTS", 2)
    merge(book, EXPORTS[2:3])
    assert _parts(book) == 2
    merge(book, EXPORTS[3:4])
    assert extended == [True, True] and _parts(book) == 1
    assert_cache_right(book, tmp_path)


def test_a_reader_of_one_part_finds_no_cache_in_several(book: Path):
    """The last part's footer keeps the metadata under a key of its own: a reader that knows
    of one part only (an older version) finds no cache there, and reading the file as one
    Parquet file fails rather than giving the last part's rows alone."""
    import pyarrow.parquet as pq

    merge(book, EXPORTS[2:3])
    metadata = pq.read_schema(cache_path(book)).metadata
    assert b"ladder-cache" not in metadata and b"ladder-cache-parts" in metadata
    with pytest.raises(OSError):
        pq.read_table(cache_path(book))


def test_a_cache_of_parts_goes_stale_and_is_read_past(book: Path, tmp_path: Path):
    """The parts' cache is keyed like any other: the workbook saved again, the cache cut back
    to its first part (the cache of the workbook before the merge), or cut short, and the
    history is read from the sheets, with the same answer."""
    first = cache_path(book).read_bytes()
    merge(book, EXPORTS[2:3])
    assert _parts(book) == 2 and from_cache(book)
    expected = cold(book)
    both = cache_path(book).read_bytes()
    for data in (first, both[: len(both) - 100], both[: len(first) + 10]):
        cache_path(book).write_bytes(data)
        assert not from_cache(book)
        assert answer(book) == expected
    cache_path(book).write_bytes(both)
    assert from_cache(book)
    openpyxl.load_workbook(book).save(book)
    assert not from_cache(book)
    assert answer(book) == cold(book)


def test_parts_that_are_not_what_the_footer_says_are_no_cache(book: Path):
    """A first part replaced by another Parquet file (other columns, another length): the
    cache file is refused whole, and the history read from the sheets."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    merge(book, EXPORTS[2:3])
    data = cache_path(book).read_bytes()
    source = history_cache.CacheFile(pa.py_buffer(data))
    assert source.num_rows == history_cache.Lookup.open(book).meta["rows"]  # type: ignore[union-attr]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"x": list(range(50))}), sink)
    other = sink.getvalue().to_pybytes()
    for first in (other, other * 2, data[: source.lengths[0] // 2]):
        damaged = first + data[source.lengths[0] :]
        with pytest.raises((ValueError, OSError)):
            history_cache.CacheFile(pa.py_buffer(damaged)).read()
        cache_path(book).write_bytes(damaged)
        assert not from_cache(book)


def test_carried_across_a_write_as_one_file(book: Path, tmp_path: Path, extended):
    """A merge that brings no new rating carries the cache across its write (carry_to): a
    cache of parts is written as one file, the same cache."""
    merge(book, EXPORTS[2:3])
    assert _parts(book) == 2
    before = cache_contents(book)
    merge(book, EXPORTS[2:3])
    assert extended == [True] and _parts(book) == 1
    assert cache_contents(book)["k/"] == before["k/"]
    assert_cache_right(book, tmp_path)
