"""Worksheets sized and parsed one sheet ahead of their conversion.

Each sheet's XML is sized first (`extent.scan_extent`: calamine and fastexcel would abort the
process on a value at XFD1048576), then parsed: a long table's sheet by fastexcel into Arrow
columns where it can serve (`columnar`), every other sheet by calamine. The parsers run in one
worker thread, one sheet ahead of the caller, without holding the GIL: on a second core the
next sheet loads while the caller turns this sheet's values into columns. The scans run in
another, ahead of the parsing: a sheet is parsed only once its own scan has answered, but the
next sheet's scan runs beside this sheet's parse (a 10,000-person Ratings History spans two
sheets of millions of cells; the second one's scan costs about 0.4x the first one's parse).
Nothing is hurried past the guard: no cheaper test bounds the rectangle a parser allocates
(a single cell anywhere sets it), so each sheet still waits for its whole scan. What can run
before it runs in another process (`parser_process`: a long history parsed by a child while it
is scanned here), whose columns are taken only once the scan has answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ladder_sheets.workbook.columnar import ArrowSheet
from ladder_sheets.workbook.extent import SheetExtent, cell_budget, scan_extent
from ladder_sheets.workbook.safe import damaged_sheet


@dataclass
class LoadedSheet:
    sheet: str
    extent: SheetExtent
    parsed: Any | None  # calamine's sheet; None for a sheet calamine must not be given
    arrow: ArrowSheet | None = None  # fastexcel's columns, in place of calamine's sheet


def load_sheets(
    path: Path,
    book: Any,
    parts: dict[str, str],
    sheets: Sequence[str],
    too_wide: Callable[[SheetExtent], bool],
    columnar: Callable[[str, SheetExtent], ArrowSheet | None] | None = None,
) -> Iterator[LoadedSheet]:
    """The sheets in order, each sized and (unless it has no part or `too_wide` says so)
    parsed, the next one while the caller works on this one: by `columnar` where it gives
    the sheet's columns, by calamine otherwise. Raises UnreadableFile."""

    def size(sheet: str) -> SheetExtent:
        part = parts.get(sheet)
        return scan_extent(path, part, sheet, cell_budget(sheet)) if part else SheetExtent()

    def prepare(sheet: str, sized: Future[SheetExtent]) -> LoadedSheet:
        extent = sized.result()  # the guard: nothing parses a sheet before its scan answers
        if parts.get(sheet) is None or too_wide(extent):
            return LoadedSheet(sheet, extent, None)
        arrow = columnar(sheet, extent) if columnar is not None else None
        if arrow is not None:
            return LoadedSheet(sheet, extent, None, arrow)
        return LoadedSheet(sheet, extent, calamine_sheet(path, book, sheet))

    scanner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-scanner")
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader")
    try:
        # Scans hold a megabyte of XML at a time and a small result: all queued at once, each
        # runs as soon as the one before it is done. Errors come out in the sheets' order.
        sized = [scanner.submit(size, sheet) for sheet in sheets]
        ahead = loader.submit(prepare, sheets[0], sized[0]) if sheets else None
        for i in range(len(sheets)):
            assert ahead is not None
            loaded = ahead.result()
            if i + 1 < len(sheets):
                ahead = loader.submit(prepare, sheets[i + 1], sized[i + 1])
            yield loaded
    finally:
        # stopped early (an unreadable sheet, the caller's error): no scan is started after it
        scanner.shutdown(wait=True, cancel_futures=True)
        loader.shutdown(wait=True, cancel_futures=True)


def calamine_sheet(path: Path, book: Any, sheet: str) -> Any:
    """calamine's parse of a sized sheet. Raises UnreadableFile."""
    try:
        return book.get_sheet_by_name(sheet)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions
        raise damaged_sheet(path, sheet, exc) from None
