"""Write cell values into HR's own sheets, in place, keeping every other part byte for byte.

The counterpart of `write_back` for edits rather than generated sheets: each edited sheet's XML
is changed cell by cell (`cells.edit_cells`), every other member of the package is copied as
its original compressed bytes (but a table right above rows written below it, which grows
over them), and the write is atomic and refused while the workbook is open
elsewhere or changed since it was read. A workbook that keeps formulas (a calcChain) is told to
recalculate on load, so formulas that read an edited cell do not show a stale value.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

from ladder_sheets.workbook.safe import check_package
from ladder_sheets.xlsx.append.parts import table_last_rows, widen_tables
from ladder_sheets.xlsx.cells import CellValue, edit_cells, split_ref
from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.safe_write import (
    Fingerprint,
    atomic_write,
    backup_path,
    changed_error,
    refuse_if_changed,
    refuse_if_open,
)
from ladder_sheets.xlsx.transplant import workbook_part
from ladder_sheets.xlsx.workbook_xml import read_book
from ladder_sheets.xlsx.writeback import DAMAGE, WriteResult, _check_written, _damaged, _verify


def sheet_members(pkg: Package) -> dict[str, str]:
    """Sheet name -> its part in the package."""
    book_part = workbook_part(pkg)
    book = read_book(pkg.read(book_part))
    targets = pkg.targets(book_part)
    return {s.name: targets[s.rel_id] for s in book.sheets if s.rel_id in targets}


def write_cells(
    original: Path,
    edits: Mapping[str, Mapping[str, CellValue]],
    *,
    out: Path | None = None,
    backup: bool = False,
    expect: Fingerprint | None = None,
) -> WriteResult:
    """Set `edits` ({sheet name: {"B7": value}}) in `original` (or in a copy at `out`)."""
    started = time.perf_counter()
    original = Path(original)
    target = Path(out) if out is not None else original
    check_package(original)
    refuse_if_changed(original, expect)
    refuse_if_open(target)
    stat = original.stat()
    result = WriteResult(path=target)
    with Package(original) as pkg:
        try:
            members = sheet_members(pkg)
            for sheet, cells in edits.items():
                if cells:
                    member = members[sheet]
                    pkg.write(member, edit_cells(pkg.read(member), cells))
                    _follow_tables(pkg, member, cells)
                    result.replaced.append(sheet)
            if "xl/calcChain.xml" in pkg.names():
                book_part = workbook_part(pkg)
                pkg.write(book_part, _recalculate_on_load(pkg.read(book_part)))
        except DAMAGE as exc:
            raise _damaged(original, exc) from None
        _verify(pkg)

        def last_checks() -> None:
            refuse_if_open(target)
            now = original.stat()
            if (now.st_size, now.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                raise changed_error(original)
            if backup and target.exists():
                result.backup = backup_path(target)
                shutil.copy2(target, result.backup)

        atomic_write(
            target,
            pkg.save,
            check=lambda tmp: _check_written(tmp, pkg.names()),
            before_replace=last_checks,
        )
    result.seconds["total"] = time.perf_counter() - started
    return result


def _follow_tables(pkg: Package, member: str, cells: Mapping[str, CellValue]) -> None:
    """A table (Excel's Insert > Table) right above rows written below it grows over them, as
    it does when one types there in Excel."""
    rows = {split_ref(ref)[0] for ref, value in cells.items() if value not in (None, "")}
    for last in table_last_rows(pkg, member):
        new_last = last
        while new_last + 1 in rows:
            new_last += 1
        if new_last != last:
            widen_tables(pkg, member, last, new_last)


def _recalculate_on_load(book_xml: bytes) -> bytes:
    text = book_xml.decode("utf-8")
    calc = re.search(r"<(\w+:)?calcPr\b([^>]*?)(/?)>", text)
    if calc is None:  # where it would go depends on what follows: left to the application
        return book_xml
    attrs = calc.group(2)
    if re.search(r'\bfullCalcOnLoad="(1|true)"', attrs):
        return book_xml
    attrs = re.sub(r'\s*\bfullCalcOnLoad="[^"]*"', "", attrs) + ' fullCalcOnLoad="1"'
    new = f"<{calc.group(1) or ''}calcPr{attrs}{calc.group(3)}>"
    return (text[: calc.start()] + new + text[calc.end() :]).encode("utf-8")
