"""Worksheets sized and parsed one sheet ahead of their conversion.

Each sheet's XML is sized first (`extent.scan_extent`: calamine and fastexcel would abort the
process on a value at XFD1048576), then parsed: a long table's sheet by fastexcel into Arrow
columns where it can serve (`columnar`), every other sheet by calamine. Both run in one worker
thread, one sheet ahead of the caller: the parsers run without holding the GIL, so on a second
core the next sheet loads while the caller turns this sheet's values into columns (a
10,000-person Ratings History spans two sheets of millions of cells).
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

    def prepare(sheet: str) -> LoadedSheet:
        part = parts.get(sheet)
        extent = scan_extent(path, part, sheet, cell_budget(sheet)) if part else SheetExtent()
        if part is None or too_wide(extent):
            return LoadedSheet(sheet, extent, None)
        arrow = columnar(sheet, extent) if columnar is not None else None
        if arrow is not None:
            return LoadedSheet(sheet, extent, None, arrow)
        return LoadedSheet(sheet, extent, calamine_sheet(path, book, sheet))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader") as pool:
        ahead: Future[LoadedSheet] | None = pool.submit(prepare, sheets[0]) if sheets else None
        for i in range(len(sheets)):
            assert ahead is not None
            loaded = ahead.result()
            ahead = pool.submit(prepare, sheets[i + 1]) if i + 1 < len(sheets) else None
            yield loaded


def calamine_sheet(path: Path, book: Any, sheet: str) -> Any:
    """calamine's parse of a sized sheet. Raises UnreadableFile."""
    try:
        return book.get_sheet_by_name(sheet)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions
        raise damaged_sheet(path, sheet, exc) from None
