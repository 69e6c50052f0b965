"""Putting appended sheets into the package: the member, the names and the tables that follow.

`append.prepare_append` produced each sheet's new XML (compressed); here it replaces the member
and what refers to the sheet's last row follows it: the sheet's `_xlnm._FilterDatabase` name,
the ref of each table part on the sheet, and the generated-sheet marker (with the append's
record in place of the raw hash: see append/record.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ladder_sheets.xlsx.append.prepare import PreparedAppend
from ladder_sheets.xlsx.append.record import APPENDED
from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.workbook_xml import (
    MARKER_NAME,
    DefinedName,
    defined_name_xml,
    edit_defined_names,
    marker_value,
    read_book,
)

FILTER_NAME = "_xlnm._FilterDatabase"
# Appending skips the content hash (it would cost a pass over every cell): the marker says
# "appended" and holds, in place of the raw hash, what the append established about the member
# it wrote (append/record.py), so the next append need not scan the kept rows again.
_LAST_ROW = re.compile(r"^(.*\$?[A-Z]+\$?)(\d+)$")
_TABLE_REF = re.compile(rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\bref="[A-Z]+\d+:[A-Z]+)(\d+)(")')


def apply_appends(pkg: Package, book_part: str, appends: Sequence[PreparedAppend]) -> None:
    if not appends:
        return
    book_xml = pkg.read(book_part)
    book = read_book(book_xml)
    index = {s.name: i for i, s in enumerate(book.sheets)}
    drop: list[DefinedName] = []
    add: list[str] = []
    for done in appends:
        if not done.marker_only:  # else the member stays as it is, its marker records a scan
            pkg.write_compressed(done.member, done.body, done.crc, done.size)
        sheet = index[done.sheet]
        for name in book.names:
            if name.local_sheet != sheet:
                continue
            if name.name == FILTER_NAME:
                value = _widened(name.value, done.old_last, done.new_last)
                if value != name.value:
                    drop.append(name)
                    add.append(defined_name_xml(FILTER_NAME, sheet, value, hidden=True))
            elif name.name == MARKER_NAME:
                drop.append(name)
        marker = marker_value(APPENDED, done.record.text(), done.sheet)
        add.append(defined_name_xml(MARKER_NAME, sheet, marker, hidden=True))
        if not done.marker_only:
            _widen_tables(pkg, done)
    pkg.write(book_part, edit_defined_names(book_xml, drop, add))


def _widened(value: str, old_last: int, new_last: int) -> str:
    found = _LAST_ROW.match(value.strip())
    if found is None or int(found.group(2)) != old_last:
        return value
    return f"{found.group(1)}{new_last}"


def _widen_tables(pkg: Package, done: PreparedAppend) -> None:
    widen_tables(pkg, done.member, done.old_last, done.new_last)


def widen_tables(pkg: Package, member: str, old_last: int, new_last: int) -> None:
    """Tables on the sheet `member` that end at row `old_last` now end at `new_last`."""
    for rel in pkg.rels(member):
        if rel.external or not rel.type.endswith("/table"):
            continue
        table = pkg.targets(member)[rel.id]
        data = pkg.read(table)

        def widen(match: re.Match[bytes]) -> bytes:
            if int(match.group(2)) != old_last:
                return match.group(0)
            return match.group(1) + str(new_last).encode() + match.group(3)

        edited = _TABLE_REF.sub(widen, data)
        if edited != data:
            pkg.write(table, edited)


def table_last_rows(pkg: Package, member: str) -> list[int]:
    """The last row of each table on the sheet `member`."""
    rows = []
    for rel in pkg.rels(member):
        if not rel.external and rel.type.endswith("/table"):
            found = _TABLE_REF.search(pkg.read(pkg.targets(member)[rel.id]))
            if found:
                rows.append(int(found.group(2)))
    return rows
