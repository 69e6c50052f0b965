"""The history cache of a workbook merge has just appended rows to, without reading the history.

After merge appends a cycle, the written workbook's history is the recorded history (which the
cache beside the workbook holds, read and typed) followed by the rows appended. Reading all of
it again to cache it (`api.refresh_history_cache`) cost merge one reading of the whole history;
`extend` instead reads only the appended rows, from the written sheet itself, and keeps the old
reading before them.

The appended rows are read as a cold reading would read them: their XML, as the append left it
in the written member (found by the record in the sheet's marker, the member's CRC-32 and sizes
checked: xlsx/append/record.py), under the sheet's own head, header row and tail, is put in a
small workbook with the written workbook's styles and shared strings, read by the same grid
reader and the same table reader, with the inputs the cached reading had (the mapping, the level
codes, competencies and families: its `context` digest must come out the same), and typed by the
same schema. Their rows are renumbered 2, 3... in the small workbook (so it is read as densely as
the real sheet) and their places put back where they are on the sheet.

It is done only when the result is provably what a cold reading of the written workbook gives,
else nothing (merge then reads the whole history again, as before):
- the cache was fresh for the workbook merge read (history_cache.carry_from), and what the
  history is read through is unchanged by the write, as `carry_to` requires (sheet names, order
  and visibility, relationships, shared strings and styles only added to, no 1904 dates), the
  other history sheets byte for byte the same;
- the rows went to the last history sheet only (a new continuation sheet: nothing done);
- the appended rows come after every cached row of that sheet;
- their reading found the header where the cached reading found it, and neither the reading
  nor the typing of those rows said anything: each finding of the history is then the one the
  cache holds (a finding about new rows would need merging with the old findings: nothing done).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.model import Table
from ladder_sheets.workbook import history_cache as hc
from ladder_sheets.workbook.extent import sheet_parts
from ladder_sheets.xlsx.workbook_xml import read_book

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_REF = re.compile(rb'(<row r="|<c r="[A-Z]{1,3})(\d+)"')


def extend(carry: hc.Carry | None, target: Path, inputs: Any, sheet: str) -> bool:
    """Write the cache of `target` (just written by merge, rows appended to history sheet
    `sheet`) from the cache `carry` kept of the workbook before and the appended rows; True
    when written, False when not provably the same as a cold reading (nothing done)."""
    if carry is None or inputs is None:
        return False
    try:
        return _extend(carry, target, inputs, sheet)
    except Exception:  # whatever went wrong, the full reading remains
        return False


def _extend(carry: hc.Carry, target: Path, inputs: Any, sheet: str) -> bool:
    from ladder_sheets.schema.tables import type_table
    from ladder_sheets.sheets.history import COLUMNS
    from ladder_sheets.workbook.reader import read_history_rows
    from ladder_sheets.xlsx.append.prepare import appended_part

    meta = carry.meta
    sheets = list(meta["sheets"])
    if not sheets or sheets[-1] != sheet:
        return False
    old_key: dict[str, list[int]] = meta["members"]
    new_key = hc.key_members(target, sheets)
    if new_key is None:
        return False
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        parts = {p: zf.read(p) for p in (hc._BOOK, hc._RELS, hc._STRINGS, hc._STYLES) if p in names}
    if hc._BOOK not in parts or read_book(parts[hc._BOOK]).date1904:
        return False
    if not hc._same_reading(
        carry, parts, old_key, new_key, sheet_parts(target), sheets, changed=(sheet,)
    ):
        return False
    part = appended_part(target, sheet, COLUMNS)
    if part is None:
        return False
    file = str(target)
    old_raw, old_typed = _old_tables(carry, file)
    if old_raw is None or old_typed is None or not len(old_raw):
        return False
    last = old_raw.places
    if not isinstance(last, CellMap) or not isinstance(last.parts[-1], SheetRows):
        return False
    if old_raw.sheets is None or old_raw.sheets.iloc[-1] != sheet:
        return False
    if part.first_row <= int(last.parts[-1].rows.max()):
        return False

    # the appended rows, read as the sheet's own rows 2, 3...
    offset = part.first_row - 2
    rows = _REF.sub(lambda m: m.group(1) + str(int(m.group(2)) - offset).encode() + b'"', part.rows)
    xml = _DIMENSION.sub(b"", part.head) + part.header_row + rows + part.tail
    assigned = [(s, f) for s, f in meta["assigned"]]
    family = dict(assigned).get(sheet)
    grid = _read_grid(sheet, xml, parts)
    if grid is None:
        return False
    tail, findings, layout, digest = read_history_rows(grid, file, inputs, assigned, family)
    if tail is None or layout is None or findings or digest != meta["context"]:
        return False
    cached_layout = next((x for x in meta["layouts"] if x["sheet"] == sheet), None)
    if cached_layout is None:
        return False
    was = hc.Layout(**hc._layout(cached_layout))
    if (was.header_row, was.columns, was.headers) != (
        layout.header_row,
        dict(layout.columns),
        dict(layout.headers),
    ):
        return False
    places = tail.places
    if not isinstance(places, CellMap) or len(places.parts) != 1:
        return False
    got = places.parts[0]
    if not isinstance(got, SheetRows) or dict(got.letters) != dict(last.parts[-1].letters):
        return False
    moved = SheetRows(got.rows + offset, got.letters)
    if len(moved) != part.last_row - part.first_row + 1 or int(moved.rows.max()) > part.last_row:
        return False
    tail = Table(tail.name, tail.data, CellMap(list(places.columns), [moved]), tail.sheets, file)
    typed_tail, type_findings = type_table(tail)
    if type_findings:
        return False
    raw = _joined(old_raw, tail, file)
    typed = _joined(old_typed, typed_tail, file)
    if raw is None or typed is None:
        return False
    cached = hc.CachedHistory(
        raw,
        assigned,
        meta["context"],
        [hc._finding(f, file) for f in meta["read_findings"]],
        [hc.Layout(**hc._layout(x)) for x in meta["layouts"]],
        typed,
        [hc._finding(f, file) for f in meta["type_findings"]],
        pending=True,
    )
    hc.save(target, cached)
    return cached.saved and hc.cache_path(target).is_file()


def _old_tables(carry: hc.Carry, file: str) -> tuple[Table | None, Table | None]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ladder_sheets.columnar import table_from_arrow

    arrow = pq.read_table(pa.BufferReader(carry.data))
    if len(arrow) != carry.meta["rows"]:
        return None, None
    raw, _ = table_from_arrow(hc._columns(arrow, "r/"), file)
    typed, _ = table_from_arrow(hc._columns(arrow, "t/"), file)
    return raw, typed


def _joined(old: Table, tail: Table, file: str) -> Table | None:
    """`old` followed by `tail` (rows of its last sheet), as one reading of both would be: the
    same columns and types, the tail's places in the last sheet's part."""
    if list(old.data.columns) != list(tail.data.columns):
        return None
    if any(old.data[c].dtype != tail.data[c].dtype for c in old.data.columns):
        return None
    places, more = old.places, tail.places
    if not isinstance(places, CellMap) or not isinstance(more, CellMap):
        return None
    end, added = places.parts[-1], more.parts[0]
    if not isinstance(end, SheetRows) or not isinstance(added, SheetRows):
        return None
    joined = SheetRows(np.concatenate([end.rows, added.rows.astype(end.rows.dtype)]), end.letters)
    cells = CellMap(list(places.columns), [*places.parts[:-1], joined])
    data = pd.concat([old.data, tail.data], ignore_index=True)
    if old.sheets is None or tail.sheets is None:
        return None
    sheets = pd.concat([old.sheets, tail.sheets], ignore_index=True)
    return Table(old.name, data, cells, sheets, file)


def _read_grid(sheet: str, xml: bytes, parts: dict[str, bytes]) -> Any:
    """`sheet` of a workbook holding only it (`xml`) with the given styles and shared strings,
    read by the grid reader."""
    from ladder_sheets.workbook.grid import read_grids
    from ladder_sheets.xlsx.xmltext import escape_attr

    strings = hc._STRINGS in parts
    book = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_DOC_RELS}"><sheets><sheet name="{escape_attr(sheet)}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    rels = [
        ("rId1", "worksheet", "worksheets/sheet1.xml"),
        ("rId2", "styles", "styles.xml"),
        *([("rId3", "sharedStrings", "sharedStrings.xml")] if strings else []),
    ]
    book_rels = f'<Relationships xmlns="{_PKG_RELS}">' + "".join(
        f'<Relationship Id="{i}" Type="{_DOC_RELS}/{t}" Target="{target}"/>'
        for i, t, target in rels
    )
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            if strings
            else ""
        )
        + "</Types>"
    )
    root = (
        f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("[Content_Types].xml", types)
            zf.writestr("_rels/.rels", root)
            zf.writestr("xl/workbook.xml", book)
            zf.writestr("xl/_rels/workbook.xml.rels", book_rels + "</Relationships>")
            zf.writestr("xl/styles.xml", parts.get(hc._STYLES, b""))
            if strings:
                zf.writestr("xl/sharedStrings.xml", parts[hc._STRINGS])
            zf.writestr("xl/worksheets/sheet1.xml", xml)
        grids = read_grids(path, checked=True)
    return grids.get(sheet)


__all__ = ["extend"]
