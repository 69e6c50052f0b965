"""Every command that writes the workbook leaves the history cache fresh, never wrong.

A write that keeps the history sheets as they were (calibrate --apply, gather, merge without
new ratings) re-keys the cache for the written workbook without reading the history again
(history_cache.carry_to); merge appending rows to the last history sheet extends the cache by
them (history_extend.py); a write that changes them otherwise (merge rewriting the history,
history store) has the history read once more and cached. After each, check's whole answer
with the cache is the answer without it, and the next reading takes the history from the cache.
A change to what the history is read through (a shared string or a number format changed in
place, the 1904 date system, the history sheet renamed) is never carried."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.calibrate import apply_decisions
from ladder_sheets.commands.gather import gather
from ladder_sheets.commands.merge import merge
from ladder_sheets.commands.split import split
from ladder_sheets.workbook import history_cache, reader
from ladder_sheets.workbook.history_cache import cache_path, carry_from, carry_to
from tests.helpers import SAMPLE_EXPORTS, copy_with_cache, every_history_cached, merged_sample
from tests.test_history_cache import answer, cold, from_cache

EXPORTS = SAMPLE_EXPORTS
pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


@pytest.fixture(scope="module", autouse=True)
def small_histories_cached():
    with every_history_cached():
        yield


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    target = merged_sample(tmp_path_factory.mktemp("writers"), 3)
    assert from_cache(target)
    return target


@pytest.fixture
def book(merged: Path, tmp_path: Path) -> Path:
    return copy_with_cache(merged, tmp_path)


@pytest.fixture
def readings(monkeypatch) -> list[str]:
    """The workbooks whose history sheets were read (not taken from the cache), in order."""
    seen: list[str] = []
    pending = reader._TableReader.pending_history

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(self.file).name)
        return pending(self, *args, **kwargs)

    monkeypatch.setattr(reader._TableReader, "pending_history", spy)
    return seen


def _history_xml(path: Path) -> bytes:
    from ladder_sheets.workbook.extent import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet_parts(path)["Ratings History"])


def _decided_pack(workbook: Path, folder: Path) -> Path:
    pack = folder / "calibration.xlsx"
    done = CliRunner().invoke(cli, ["calibrate", str(workbook), "-o", str(pack)])
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(pack)
    ws = wb["Promotion Candidates"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Committee Decision" for c in r))
    column = next(c.column for c in header if c.value == "Committee Decision")
    ws.cell(header[0].row + 1, column).value = "Promote"
    wb.save(pack)
    return pack


def _fresh_and_right(path: Path) -> None:
    assert cache_path(path).is_file()
    assert from_cache(path), "the next reading takes the history from the cache"
    assert answer(path) == cold(path)


def test_calibrate_apply_re_keys_the_cache_without_reading_the_history(
    book: Path, tmp_path: Path, readings: list[str]
):
    pack = _decided_pack(book, tmp_path)
    history = _history_xml(book)
    key = history_cache.Lookup.open(book)
    assert key is not None
    readings.clear()
    done = apply_decisions(book, pack)
    assert done.confirmed == 1 and done.merged.written == book
    assert _history_xml(book) == history  # the history sheet was kept
    assert history_cache.members(book) != {**key.meta["members"]}  # the workbook changed
    assert readings == [], "no history sheet was read: the cache was carried"
    _fresh_and_right(book)


def test_calibrate_apply_to_another_file_carries_the_cache_there(book: Path, tmp_path: Path):
    pack = _decided_pack(book, tmp_path)
    out = tmp_path / "after.xlsx"
    apply_decisions(book, pack, out=out)
    _fresh_and_right(out)
    _fresh_and_right(book)  # the original and its cache are as they were


def test_merge_without_new_ratings_re_keys(book: Path, readings: list[str]):
    readings.clear()
    assert merge(book, []).written == book
    assert readings == []
    _fresh_and_right(book)


def test_merge_appending_new_ratings_reads_only_the_new_rows(book: Path, readings: list[str]):
    readings.clear()
    before = _history_xml(book)
    result = merge(book, EXPORTS[3:])
    assert result.written == book and result.history_write is not None
    assert result.history_write.path == "append"
    assert _history_xml(book) != before
    assert readings == []  # the cache extended by the rows appended (history_extend.py)
    _fresh_and_right(book)


def test_merge_rewriting_the_history_reads_it_once(book: Path, readings: list[str]):
    readings.clear()
    before = _history_xml(book)
    assert merge(book, EXPORTS[3:], append_history=False).written == book
    assert _history_xml(book) != before
    assert readings == ["acme.xlsx"]  # merge's refresh, after the write
    _fresh_and_right(book)


def test_gather_carries_the_cache_to_its_check_and_to_the_result(
    book: Path, tmp_path: Path, readings: list[str], monkeypatch
):
    split(book, tmp_path / "drafts")
    draft = tmp_path / "drafts" / "Sales.xlsx"
    wb = openpyxl.load_workbook(draft)
    ws = wb["Matrix"]
    ws["B2"] = 3 if ws["B2"].value != 3 else 2
    wb.save(draft)
    history = _history_xml(book)
    readings.clear()
    from ladder_sheets.commands import gather as gather_module

    skipped: list[str] = []
    read_grids = gather_module.read_grids

    def spy(path: Path, **options: Any) -> Any:
        skipped.extend(options.get("skip", ()))
        return read_grids(path, **options)

    monkeypatch.setattr(gather_module, "read_grids", spy)
    done = gather(book, [draft])
    # the drafts' cells are compared with HR's; the long sheets no draft comes from are not read
    assert {"Ratings History", "Promotion Evidence"} <= set(skipped)
    assert done.written == book and len(done.changes) == 1
    assert _history_xml(book) == history
    # neither the check of the edited scratch copy nor the next reading reads the history
    assert readings == []
    _fresh_and_right(book)


def test_history_store_leaves_the_kept_sheet_cached(book: Path, readings: list[str]):
    done = merge(book, [], history_store=True)
    assert done.written == book and done.store is not None and done.store.written
    _fresh_and_right(book)


# what a carry refuses: the history reads otherwise (or might), so the sheets are read again


def _rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == part else data)
    tmp.replace(path)


def _carried(book: Path, change: Callable[[Path], None]) -> bool:
    """Whether the cache of `book` is carried across `change` (made to a copy)."""
    assert answer(book) == cold(book)  # cached now
    carry = carry_from(book)
    assert carry is not None
    after = book.with_name("after.xlsx")
    shutil.copy(book, after)
    change(after)
    return carry_to(carry, after)


def _sst(book: Path) -> str:
    with zipfile.ZipFile(book) as zf:
        return next(n for n in zf.namelist() if n.lower().endswith("sharedstrings.xml"))


def test_texts_added_at_the_end_of_shared_strings_are_carried(book: Path):
    part = _sst(book)

    def add(path: Path) -> None:
        added = b"<si><t>Added by a writer</t></si></sst>"
        _rewrite(path, part, lambda xml: xml.replace(b"</sst>", added))

    assert _carried(book, add)
    after = book.with_name("after.xlsx")
    _fresh_and_right(after)


def test_a_shared_string_changed_in_place_is_not_carried(book: Path):
    part = _sst(book)
    with zipfile.ZipFile(book) as zf:
        first = re.search(rb"<si>.*?</si>", zf.read(part), re.DOTALL)
    assert first is not None

    def change(path: Path) -> None:
        _rewrite(path, part, lambda xml: xml.replace(first.group(0), b"<si><t>Other</t></si>", 1))

    assert not _carried(book, change)
    after = book.with_name("after.xlsx")
    assert not from_cache(after)
    assert answer(after) == cold(after)


def test_a_number_format_changed_is_not_carried(book: Path):
    def change(path: Path) -> None:
        _rewrite(
            path,
            "xl/styles.xml",
            lambda xml: re.sub(rb'formatCode="[^"]*"', b'formatCode="0.00"', xml, count=1),
        )

    with zipfile.ZipFile(book) as zf:
        assert b"formatCode=" in zf.read("xl/styles.xml")
    assert not _carried(book, change)


def test_the_1904_date_system_is_not_carried(book: Path):
    def change(path: Path) -> None:
        def flip(xml: bytes) -> bytes:
            if b"<workbookPr" in xml:
                return xml.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
            return xml.replace(b"<bookViews>", b'<workbookPr date1904="1"/><bookViews>', 1)

        _rewrite(path, "xl/workbook.xml", flip)

    assert not _carried(book, change)
    after = book.with_name("after.xlsx")
    assert answer(after) == cold(after)


def test_the_history_sheet_renamed_is_not_carried(book: Path):
    def rename(path: Path) -> None:
        _rewrite(
            path,
            "xl/workbook.xml",
            lambda xml: xml.replace(b'name="Ratings History"', b'name="Old Ratings"', 1),
        )

    assert not _carried(book, rename)


def test_a_history_sheet_changed_is_not_carried(book: Path):
    from ladder_sheets.workbook.extent import sheet_parts

    part = sheet_parts(book)["Ratings History"]

    def change(path: Path) -> None:
        _rewrite(path, part, lambda xml: xml.replace(b"<v>3</v>", b"<v>4</v>", 1))

    assert not _carried(book, change)
    after = book.with_name("after.xlsx")
    assert answer(after) == cold(after)


def test_a_part_no_reader_looks_at_is_carried(book: Path):
    def change(path: Path) -> None:
        _rewrite(path, "docProps/app.xml", lambda xml: xml.replace(b"</", b"<!-- x --></", 1))

    assert _carried(book, change)
    _fresh_and_right(book.with_name("after.xlsx"))


def test_an_unknown_part_changed_is_not_carried(book: Path):
    def change(path: Path) -> None:
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("xl/something.xml", b"<x/>")

    assert not _carried(book, change)


def test_no_fresh_cache_nothing_to_carry(book: Path):
    cache_path(book).unlink()
    assert carry_from(book) is None
    assert not carry_to(None, book)
    assert not cache_path(book).exists()


# a workbook with a history store: the kept sheet is cached; the store is checked every time


@pytest.fixture
def stored(book: Path) -> Path:
    """The merged sample with its history in a store, its oldest cycles only there."""
    done = merge(book, [], history_store=True)
    assert done.store is not None and done.store.written
    return book


def test_the_kept_sheet_of_a_store_workbook_comes_from_the_cache(stored: Path, readings: list[str]):
    from ladder_sheets.api import read_framework

    readings.clear()
    framework = read_framework(stored)
    assert readings == [], "the kept sheet was not read again"
    assert framework.store is not None
    cached = framework.history_cache
    assert cached is not None and not cached.pending
    # the history is the store's rows and the sheet's, the sheet's from the cache
    sheet_rows = len(cached.raw)
    assert len(framework.history.data) == framework.store.rows + sheet_rows
    assert answer(stored) == cold(stored)
    # a merge of new ratings appends to store and sheet, and leaves the sheet cached again
    assert merge(stored, EXPORTS[3:]).written == stored
    _fresh_and_right(stored)


def test_a_changed_store_is_refused_whatever_the_cache_says(stored: Path):
    from ladder_sheets.api import read_framework
    from ladder_sheets.store.attach import StoreRefused
    from ladder_sheets.store.files import read_stamp, read_store, store_path_for, write_store

    assert from_cache(stored)
    path = store_path_for(stored)
    frame = read_store(path)
    frame.loc[0, "rating"] = 5.0 if frame.loc[0, "rating"] != 5.0 else 1.0
    stamp = read_stamp(path)
    assert stamp is not None
    write_store(frame, path, stamp)
    with pytest.raises(StoreRefused, match="changed after the workbook was written"):
        read_framework(stored)
    assert cache_path(stored).is_file()  # the cache is of the sheet, which did not change


def test_a_store_workbook_saved_again_reads_its_sheet_again(stored: Path):
    assert from_cache(stored)
    wb = openpyxl.load_workbook(stored)
    new = 1 if wb["Ratings History"]["D2"].value != 1 else 2
    wb["Ratings History"]["D2"] = new
    wb.save(stored)
    assert not from_cache(stored)
    # the store is still the workbook's (its record was saved with it); the answer is right
    warm = answer(stored)
    assert warm == cold(stored)
    history = warm["tables"]["history"]
    places = zip(history["sheets"], history["cells"]["rating"], strict=True)
    at = [i for i, place in enumerate(places) if place == ("Ratings History", "D2")]
    assert [history["data"]["rating"][i] for i in at] == [("float", f"{new}.0")]
