"""check writes the history cache while it validates the rest (the history typed first, the
Parquet file written in a thread), and the cache and the answer are those of writing it after."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import ladder_sheets as ls
from ladder_sheets import schema
from ladder_sheets.workbook import history_cache
from ladder_sheets.workbook.history_cache import cache_path
from tests.helpers import SAMPLE_EXPORTS, copy_with_cache, every_history_cached, merged_sample


@pytest.fixture(scope="module", autouse=True)
def small_histories_cached():
    with every_history_cached():
        yield


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SAMPLE_EXPORTS:
        pytest.skip("samples/ is missing")
    return merged_sample(tmp_path_factory.mktemp("beside"), 3)


@pytest.fixture
def book(merged: Path, tmp_path: Path) -> Path:
    path = copy_with_cache(merged, tmp_path)
    cache_path(path).unlink()  # the next check reads the sheets and writes the cache
    return path


def findings(path: Path) -> list[str]:
    return [str(f.to_dict()) for f in ls.check(path).report]


def test_the_cache_is_written_while_the_rest_is_validated(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writing = threading.Event()
    real_write = history_cache._write_file

    def write(path: Path, arrow: Any) -> None:
        writing.set()
        real_write(path, arrow)

    real_validate = schema.validate
    overlapped: list[bool] = []

    def validate(*args: Any, **kwargs: Any) -> Any:
        overlapped.append(writing.wait(timeout=30))
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(history_cache, "_write_file", write)
    monkeypatch.setattr(schema, "validate", validate)
    ls.check(book)
    assert overlapped == [True]
    assert cache_path(book).is_file()  # written before check returned
    cached = ls.read_framework(book).history_cache
    assert cached is not None and not cached.pending  # and fresh: the next reading takes it


def test_the_cache_and_the_answer_are_those_of_writing_it_after(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = findings(book)
    written = cache_path(book).read_bytes()
    cache_path(book).unlink()
    # as before: the history typed inside validate, the cache written after it
    monkeypatch.setattr(schema, "type_history", lambda framework: None)
    monkeypatch.setattr(history_cache, "save_beside", lambda path, cached: None)
    after = findings(book)
    assert cache_path(book).read_bytes() == written
    assert beside == after
    assert findings(book) == after  # and the warm reading of either gives the same


def test_a_cache_that_cannot_be_written_costs_only_speed(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = findings(book)
    cache_path(book).unlink()

    def full_disk(path: Path, arrow: Any) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(history_cache, "_write_file", full_disk)
    assert findings(book) == expected
    assert not cache_path(book).exists()
