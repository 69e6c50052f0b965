"""The history cache beside a workbook never gives an old answer: every way the workbook's
history can change behind it (saved again by LibreOffice or openpyxl, a cell changed in the XML
with or without changing its size, the sheet renamed, sheets added or removed, another mapping)
reads the sheets again, and a cache that is damaged, truncated, from another version or cannot
be written costs only speed. With or without it, check gives the same findings and tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

import ladder_sheets as ls
from ladder_sheets.commands.merge import merge
from ladder_sheets.model import Table
from ladder_sheets.workbook import history_cache
from ladder_sheets.workbook.history_cache import LazyTable, cache_path
from tests.helpers import (
    SAMPLE_EXPORTS,
    SOFFICE,
    copy_with_cache,
    every_history_cached,
    libreoffice_convert,
    merged_sample,
)

EXPORTS = SAMPLE_EXPORTS
HISTORY = "Ratings History"


def _value(v: Any) -> Any:
    if isinstance(v, float) and v != v:
        return "NaN"
    return (type(v).__name__, str(v))


def answer(path: Path, exports: list[Path] | None = None, mapping: Any = None) -> dict[str, Any]:
    """Everything check gives: findings, and every table as typed, value by value with its
    type and its cell, and the ratings checked."""
    result = ls.check(path, exports or [], mapping=mapping)
    tables = {}
    for name, table in result.framework.tables.items():
        tables[name] = {
            "data": {c: [_value(v) for v in table.data[c].tolist()] for c in table.data.columns},
            "cells": {c: table.cell_column(c) for c in table.cell_columns},
            "sheets": table.sheets.tolist(),
        }
    ratings = result.ratings
    return {
        "findings": [json.dumps(f.to_dict(), sort_keys=True) for f in result.report],
        "tables": tables,
        "ratings": {c: [_value(v) for v in ratings.data[c].tolist()] for c in ratings.data},
        "rating cells": ratings.cell_column("rating"),
    }


def from_cache(path: Path, mapping: Any = None) -> bool:
    """Whether reading `path` now takes its history from the cache."""
    cached = ls.read_framework(path, mapping=mapping).history_cache
    return cached is not None and not cached.pending


def cold(path: Path, **options: Any) -> dict[str, Any]:
    """The answer with no cache at all (the cache, if any, put back afterwards)."""
    cache = cache_path(path)
    kept = cache.read_bytes() if cache.exists() else None
    cache.unlink(missing_ok=True)
    try:
        return answer(path, **options)
    finally:
        cache.unlink(missing_ok=True)
        if kept is not None:
            cache.write_bytes(kept)


@pytest.fixture(scope="module", autouse=True)
def small_histories_cached():
    with every_history_cached():
        yield


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    if not EXPORTS:
        pytest.skip("samples/ is missing")
    return merged_sample(tmp_path_factory.mktemp("cache"), 3)


@pytest.fixture
def book(merged: Path, tmp_path: Path) -> Path:
    return copy_with_cache(merged, tmp_path)


def test_merge_leaves_a_fresh_cache_and_check_gives_the_same_answer(merged: Path, tmp_path):
    assert cache_path(merged).is_file()
    assert cache_path(merged).name == ".acme.xlsx.ladder-cache"
    assert from_cache(merged)
    warm = answer(merged)
    assert warm == cold(merged)
    assert len(warm["tables"]["history"]["data"]["rating"]) > 1000  # the history was there
    # the workbook itself holds no trace of it
    with zipfile.ZipFile(merged) as zf:
        assert not [n for n in zf.namelist() if "cache" in n.lower()]


def test_with_exports_the_answer_is_the_same(book: Path):
    assert from_cache(book)
    assert answer(book, EXPORTS[3:]) == cold(book, exports=EXPORTS[3:])


def test_a_missing_cache_is_made_by_the_next_check(book: Path):
    cache_path(book).unlink()
    first = answer(book)
    assert cache_path(book).is_file() and from_cache(book)
    assert answer(book) == first


def _rewrite(path: Path, part: str, change) -> None:
    """Replace one member of the zip by change(its bytes), everything else as it was."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == part else data)
    tmp.replace(path)


def _history_part(path: Path) -> str:
    from ladder_sheets.workbook.extent import sheet_parts

    return sheet_parts(path)[HISTORY]


def _rating_cell(path: Path) -> tuple[str, int]:
    """The column letters of Rating on the history sheet and a data row holding a 3."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[HISTORY]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    col = header.index("Rating")
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if row[col] == 3:
            wb.close()
            return "ABCDEFGHIJ"[col], r
    raise AssertionError("no rating 3")


@pytest.mark.parametrize("new", ["4", "4.5"], ids=["same-size", "longer"])
def test_a_rating_changed_in_the_sheet_xml(book: Path, new: str):
    letters, row = _rating_cell(book)
    part = _history_part(book)
    before = len(zipfile.ZipFile(book).read(part))

    def change(data: bytes) -> bytes:
        cell = re.compile(
            rb'(<c r="%s%d"[^>]*>(?:<f>[^<]*</f>)?<v>)3(</v>)' % (letters.encode(), row)
        )
        out, n = cell.subn(rb"\g<1>" + new.encode() + rb"\g<2>", data)
        assert n == 1
        return out

    _rewrite(book, part, change)
    after = len(zipfile.ZipFile(book).read(part))
    assert (after == before) == (new == "4")
    assert not from_cache(book)
    warm = answer(book)
    assert warm == cold(book)
    ratings = warm["tables"]["history"]["data"]["rating"]
    assert ratings[row - 2] == _value(float(new))  # the new value, not the cached one
    assert from_cache(book)  # and the cache is the new one now


def test_saved_by_openpyxl(book: Path):
    wb = openpyxl.load_workbook(book)
    wb[HISTORY].cell(row=2, column=4).value = 1
    wb.save(book)
    assert not from_cache(book)
    warm = answer(book)
    assert warm == cold(book)
    assert warm["tables"]["history"]["data"]["rating"][0] == _value(1.0)


def test_saved_by_openpyxl_without_a_change(book: Path):
    openpyxl.load_workbook(book).save(book)
    assert not from_cache(book)  # every part written anew: the cache is not trusted
    assert answer(book) == cold(book)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_edited_and_saved_in_libreoffice(book: Path, tmp_path: Path):
    # the edit: a rating changed by openpyxl in a copy, then LibreOffice saves that copy over
    # the workbook, so the workbook changed by a LibreOffice save
    edited = tmp_path / "edit" / book.name
    edited.parent.mkdir()
    wb = openpyxl.load_workbook(book)
    wb[HISTORY].cell(row=3, column=4).value = 2
    wb.save(edited)
    shutil.copy(libreoffice_convert(edited, tmp_path, "xlsx"), book)
    assert not from_cache(book)
    warm = answer(book)
    assert warm == cold(book)
    assert warm["tables"]["history"]["data"]["rating"][1] == _value(2.0)


def test_the_history_sheet_renamed(book: Path):
    def rename(data: bytes) -> bytes:
        return data.replace(b'name="Ratings History"', b'name="Old Ratings"')

    _rewrite(book, "xl/workbook.xml", rename)
    assert not from_cache(book)
    warm = answer(book)
    assert warm == cold(book)
    # found by its content now, under its new name (a cache would still say the old one)
    assert set(warm["tables"]["history"]["sheets"]) == {"Old Ratings"}


def test_a_sheet_added_or_removed(book: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Notes")["A1"] = "a note"
    wb.save(book)
    assert not from_cache(book)
    assert answer(book) == cold(book)
    assert from_cache(book)
    wb = openpyxl.load_workbook(book)
    del wb["Notes"]
    wb.save(book)
    assert not from_cache(book)
    assert answer(book) == cold(book)


def test_another_mapping_reads_the_sheets_again(book: Path, tmp_path: Path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[history]\nsheets = ["Ratings History"]\nheader_row = 1\n')
    assert from_cache(book)
    assert not from_cache(book, mapping=mapping)
    assert answer(book, mapping=mapping) == cold(book, mapping=mapping)


def _meta(cache: Path) -> dict[str, Any]:
    return json.loads(pq.read_schema(cache).metadata[b"ladder-cache"])


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "empty", "old-version", "lying", "a column missing"]
)
def test_a_damaged_or_foreign_cache_is_read_past(book: Path, damage: str):
    cache = cache_path(book)
    expected = cold(book)
    data = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(b"PAR1" + os.urandom(2000))
    elif damage == "truncated":
        cache.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        cache.write_bytes(b"")
    else:
        table = pq.read_table(cache)
        meta = dict(table.schema.metadata)
        plain = json.loads(meta[b"ladder-cache"])
        if damage == "old-version":
            plain["version"] = history_cache.VERSION - 1
        elif damage == "a column missing":  # the layout names a column the file lacks
            table = table.drop_columns([n for n in table.column_names if n[:2] == "t/"][-1:])
        else:  # the key says fresh but the rows are fewer: never trusted for them
            plain["rows"] += 1
        meta[b"ladder-cache"] = json.dumps(plain).encode()
        pq.write_table(table.replace_schema_metadata(meta), cache)
    assert answer(book) == expected
    assert from_cache(book)  # rebuilt


def test_a_folder_it_may_not_write_costs_only_speed(book: Path, monkeypatch):
    cache_path(book).unlink()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied")

    # root writes anywhere, so the refusal is the operating system's answer made by hand too
    monkeypatch.setattr(history_cache.os, "replace", refuse)
    folder = book.parent
    folder.chmod(0o555)
    try:
        expected = answer(book)
        assert not cache_path(book).exists()
        assert not [p.name for p in folder.iterdir() if "ladder-cache" in p.name]
    finally:
        folder.chmod(0o755)
    monkeypatch.undo()
    assert answer(book) == expected


def test_the_cache_has_the_workbook_s_permissions(book: Path):
    cache_path(book).unlink()
    book.chmod(0o600)
    answer(book)
    assert stat.S_IMODE(cache_path(book).stat().st_mode) == 0o600


def test_a_stale_cache_does_not_keep_rows_the_workbook_lost(book: Path, monkeypatch):
    wb = openpyxl.load_workbook(book)
    wb[HISTORY].delete_rows(2, 5)
    wb.save(book)
    monkeypatch.setattr(history_cache, "save", lambda *a, **k: None)  # nothing written after
    ls.read_framework(book)
    assert not cache_path(book).exists()  # the stale one is gone, not left behind


def _history_rows() -> list[list[Any]]:
    """Invented ratings with what a person types: text where a number belongs, a date as the
    cycle, blanks, a rating twice, spaces, a rater type in capitals."""
    when = dt.datetime(2026, 1, 5, 9, 30)
    return [
        ["2026-Q1", "E001", "Delivery", 3, "manager", None, "ok", "a.csv", when],
        ["2026-Q1", "E001", "Delivery", 3, "manager", None, None, "a.csv", when],
        ["2026-Q1", "E001", "Craft", "three", "Manager", None, None, "a.csv", when],
        ["2026-Q1", " E002 ", "Delivery", 4.5, "self", None, None, "a.csv", when],
        [dt.date(2026, 2, 1), "E002", "Craft", 9, "peer", "Pat", None, "a.csv", "yesterday"],
        ["Q5 2026", "E999", "Nope", 2, "boss", None, None, None, None],
        [None, None, None, None, None, None, "a note", None, None],
    ]


def test_invented_histories_give_the_same_answer(framework_workbook):
    from ladder_sheets.api import refresh_history_cache

    path = framework_workbook(history=_history_rows())
    expected = cold(path)
    assert len(expected["findings"]) > 3
    refresh_history_cache(path)
    assert from_cache(path)
    assert answer(path) == expected


def test_a_short_history_gets_no_cache(framework_workbook, monkeypatch):
    monkeypatch.setattr(history_cache, "MIN_ROWS", len(_history_rows()) + 1)
    path = framework_workbook(history=_history_rows())
    answer(path)
    assert not cache_path(path).exists()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_a_history_found_by_its_content_is_not_cached(framework_workbook):
    path = framework_workbook(history=_history_rows(), rename={HISTORY: "Sheet7"})
    first = answer(path)
    assert "history" in first["tables"]
    assert not cache_path(path).exists()
    assert answer(path) == first


def test_references_follow_the_current_employees_sheet(book: Path):
    """An Employees sheet changed without touching any part the history is read from: the
    history still comes from the cache, and its people are checked against the new sheet."""
    from ladder_sheets.workbook.extent import sheet_parts

    part = sheet_parts(book)["Employees"]

    def swap_an_id(data: bytes) -> bytes:
        # the tenth person's ID cell points to the shared string of their name instead (the
        # first is the head of the company, whom nobody rates)
        row = re.search(rb"<row [^>]*r=\"11\".*?</row>", data, re.S)
        assert row is not None
        cells = re.findall(rb'<c r="([A-Z]+)11"[^>]*t="s"[^>]*><v>(\d+)</v></c>', row.group(0))
        (a, first), (_, second) = cells[0], cells[1]
        assert a == b"A"
        new_row = row.group(0).replace(
            b"<v>" + first + b"</v></c>", b"<v>" + second + b"</v></c>", 1
        )
        return data.replace(row.group(0), new_row)

    before = answer(book)
    _rewrite(book, part, swap_an_id)
    assert from_cache(book)  # the history's parts are the same
    warm = answer(book)
    assert warm == cold(book)
    unknown = [f for f in warm["findings"] if '"former-employee"' in f]
    assert unknown and not [f for f in before["findings"] if '"former-employee"' in f]


def test_a_history_over_two_sheets_is_cached(framework_workbook):
    # past Excel's row limit merge continues the history in "Ratings History (2)"; such a
    # history (10,000 people x 8 cycles) was concatenated twice and so never cached
    path = framework_workbook(history=_history_rows())
    wb = openpyxl.load_workbook(path)
    first = wb[HISTORY]
    rows = [[c.value for c in row] for row in first.iter_rows()]
    half = len(rows) // 2
    second = wb.create_sheet(f"{HISTORY} (2)", index=wb.sheetnames.index(HISTORY) + 1)
    for row in [rows[0], *rows[half:]]:
        second.append(row)
    first.delete_rows(half + 1, len(rows) - half)
    wb.save(path)
    expected = cold(path)
    assert expected["tables"]["history"]["sheets"].count(f"{HISTORY} (2)") == len(rows) - half
    answer(path)  # check leaves the cache
    assert from_cache(path)
    assert answer(path) == expected


# The raw history (values as the reader read them) of a reading from the cache is decoded only
# when something asks for it: a warm check, and a merge after it, use the typed history alone.
# Asked for, it is the raw history of a cold reading, even when the cache file was deleted or
# replaced by another since the reading.


def _plain(table: Table) -> dict[str, Any]:
    """Everything a raw table holds, value by value with its type and its cell."""
    return {
        "name": table.name,
        "file": table.file,
        "rows": len(table),
        "dtypes": {c: str(t) for c, t in table.data.dtypes.items()},
        "data": {c: [_value(v) for v in table.data[c].tolist()] for c in table.data.columns},
        "cells": {c: table.cell_column(c) for c in table.cell_columns},
        "sheets": table.sheets.tolist(),
    }


def _cold_raw(book: Path) -> dict[str, Any]:
    """The raw history of a reading of the sheets (the cache put back afterwards)."""
    cache = cache_path(book)
    kept = cache.read_bytes()
    cache.unlink()
    try:
        framework = ls.read_framework(book)
        assert framework.history_cache.pending  # read from the sheets
        return _plain(framework.history)
    finally:
        cache.write_bytes(kept)


def test_a_warm_check_and_merge_never_decode_the_raw_history(book: Path, monkeypatch):
    decoded: list[int] = []
    real = history_cache._raw

    def counted(*args: Any) -> Any:
        decoded.append(1)
        return real(*args)

    monkeypatch.setattr(history_cache, "_raw", counted)
    framework = ls.read_framework(book)
    assert not framework.history_cache.pending  # from the cache
    history = framework.tables["history"]
    assert isinstance(history, LazyTable) and not history.decoded
    ls.check(book)
    ls.check(book, EXPORTS[3:4])
    assert decoded == []
    rows = history_cache.Lookup.open(book).meta["rows"]  # type: ignore[union-attr]
    assert merge(book, EXPORTS[3:4]).written == book
    assert decoded == []
    # the merge extended the cache it read: the next reading is warm and longer
    after = history_cache.Lookup.open(book)
    assert after is not None and after.meta["rows"] > rows
    assert not ls.read_framework(book).history_cache.pending


def test_asked_for_it_is_the_raw_history_of_a_cold_reading(book: Path):
    expected = _cold_raw(book)
    warm = ls.read_framework(book).history
    assert isinstance(warm, LazyTable) and not warm.decoded
    assert _plain(warm) == expected
    assert warm.decoded
    assert len(expected["data"]["rating"]) > 1000  # the history was there
    # typed and raw differ (texts typed as numbers): the raw one is not the typed one
    typed = ls.read_framework(book).history_cache.typed
    assert _plain(typed)["data"] != expected["data"]
    with pytest.raises(AttributeError):
        _ = warm.no_such_attribute  # type: ignore[attr-defined]


@pytest.mark.parametrize("change", ["deleted", "replaced"])
def test_the_cache_file_changed_after_the_reading(book: Path, tmp_path: Path, change: str):
    expected = _cold_raw(book)
    warm = ls.read_framework(book).history
    assert isinstance(warm, LazyTable) and not warm.decoded
    cache = cache_path(book)
    if change == "deleted":
        cache.unlink()
    else:  # the next cycle's cache in its place, as merge of the workbook in place writes it
        other = tmp_path / "other"
        other.mkdir()
        later = copy_with_cache(book, other)
        assert merge(later, EXPORTS[3:4]).written == later
        longer = history_cache.Lookup.open(later)
        assert longer is not None and longer.meta["rows"] > expected["rows"]
        os.replace(cache_path(later), cache)
    assert _plain(warm) == expected
