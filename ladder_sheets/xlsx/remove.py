"""A sheet removed from a workbook written back (`history unstore` drops History Store).

Everything the sheet owns goes with it: its part and the parts only it refers to, its entry in
workbook.xml, its relationship, its content types, its calcChain entries and the defined names
scoped to it. Defined names scoped to the sheets after it follow their sheet (localSheetId is
an index), as do the active and first visible tab. Only sheets no formula of another sheet
refers to are removed this way (the caller's to know: History Store is read by no formula).
"""

from __future__ import annotations

import re

from ladder_sheets.xlsx.package import Package, drop_content_type, rels_path
from ladder_sheets.xlsx.sheet_parts import remove_sheet_parts
from ladder_sheets.xlsx.workbook_xml import read_book
from ladder_sheets.xlsx.xmltext import escape_attr

_LOCAL = re.compile(r'\blocalSheetId="(\d+)"')
_TAB = re.compile(r'\b(activeTab|firstSheet)="(\d+)"')


def remove_sheet(pkg: Package, book_part: str, name: str) -> bool:
    """Remove the sheet called `name` (False when there is none)."""
    from ladder_sheets.xlsx.transplant import _drop_calc_chain

    book_xml = pkg.read(book_part)
    book = read_book(book_xml)
    index = next((i for i, s in enumerate(book.sheets) if s.name == name), None)
    if index is None:
        return False
    entry = book.sheets[index]
    targets = pkg.targets(book_part)
    part = targets.get(entry.rel_id)
    _drop_calc_chain(pkg, book_part, targets, entry.sheet_id)
    if part is not None and part in pkg.names():
        remove_sheet_parts(pkg, part)
        pkg.remove(part)
        pkg.write("[Content_Types].xml", drop_content_type(pkg.read("[Content_Types].xml"), part))
    text = book_xml.decode("utf-8")
    # defined names, last first so the spans stay right
    for defined in sorted(book.names, key=lambda n: n.start, reverse=True):
        if defined.local_sheet is None or defined.local_sheet < index:
            continue
        span = text[defined.start : defined.end]
        if defined.local_sheet == index:
            span = ""
        else:
            span = _LOCAL.sub(f'localSheetId="{defined.local_sheet - 1}"', span, count=1)
        text = text[: defined.start] + span + text[defined.end :]
    text = re.sub(r"<(\w+:)?definedNames>\s*</(\w+:)?definedNames>", "", text)
    sheet = re.compile(
        r"<(?:\w+:)?sheet\b[^>]*\bname=\"" + re.escape(escape_attr(name)) + r"\"[^>]*/>"
    )
    text = sheet.sub("", text, count=1)

    def tab(match: re.Match[str]) -> str:
        value = int(match.group(2))
        moved = value - 1 if value > index else min(value, len(book.sheets) - 2)
        return f'{match.group(1)}="{moved}"'

    text = _TAB.sub(tab, text)
    pkg.write(book_part, text.encode("utf-8"))
    rels = pkg.read(rels_path(book_part)).decode("utf-8")
    rel_id = re.escape(entry.rel_id)
    rel = re.compile(r"<(?:\w+:)?Relationship\b[^>]*\bId=\"" + rel_id + r"\"[^>]*/>")
    pkg.write(rels_path(book_part), rel.sub("", rels, count=1).encode("utf-8"))
    return True
