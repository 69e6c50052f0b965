"""Worksheets sized and parsed by calamine one sheet ahead of their conversion.

Each sheet's XML is sized first (`extent.scan_extent`: calamine would abort the process on a
value at XFD1048576), then parsed by calamine. Both run in one worker thread, one sheet ahead
of the caller: calamine parses without holding the GIL, so on a second core the next sheet
loads while the caller turns this sheet's values into columns (a 10,000-person Ratings
History spans two sheets of millions of cells).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ladder_sheets.workbook.extent import SheetExtent, cell_budget, scan_extent
from ladder_sheets.workbook.safe import damaged_sheet


@dataclass
class LoadedSheet:
    sheet: str
    extent: SheetExtent
    parsed: Any | None  # calamine's sheet; None for a sheet calamine must not be given


def load_sheets(
    path: Path,
    book: Any,
    parts: dict[str, str],
    sheets: Sequence[str],
    too_wide: Callable[[SheetExtent], bool],
) -> Iterator[LoadedSheet]:
    """The sheets in order, each sized and (unless it has no part or `too_wide` says so)
    parsed, the next one while the caller works on this one. Raises UnreadableFile."""

    def prepare(sheet: str) -> LoadedSheet:
        part = parts.get(sheet)
        extent = scan_extent(path, part, sheet, cell_budget(sheet)) if part else SheetExtent()
        if part is None or too_wide(extent):
            return LoadedSheet(sheet, extent, None)
        try:
            return LoadedSheet(sheet, extent, book.get_sheet_by_name(sheet))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # calamine's Rust panics are BaseExceptions
            raise damaged_sheet(path, sheet, exc) from None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader") as pool:
        ahead: Future[LoadedSheet] | None = pool.submit(prepare, sheets[0]) if sheets else None
        for i in range(len(sheets)):
            assert ahead is not None
            loaded = ahead.result()
            ahead = pool.submit(prepare, sheets[i + 1]) if i + 1 < len(sheets) else None
            yield loaded
