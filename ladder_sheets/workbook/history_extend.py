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
reader and the same table reader, with the inputs the cached reading had (the mapping, the
level codes, competencies and families: its `context` digest must come out the same), and typed
by the same schema. Their rows are renumbered 2, 3... in the small workbook (so it is read as
densely as the real sheet) and their places put back where they are on the sheet. The rating
keys the cache keeps beside the typed history (history_cache: facts) number keys over the whole
history: the appended rows' keys continue the cached ones (schema.ratings.appended_facts), new
people, competencies and cycles numbered after the old.

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

A value type the appended rows hold that the cached rows' column never did (an Imported At of
exactly midnight is read as a date where every earlier one was a date and time) is added to
the column's types after the cached ones, as a reading of the whole history orders them, the
cached rows given no value of it. Anything else going wrong is a bug: merge reads the history
again (the right cache, slower) and says so with a warning (errors.CacheNotExtended) that the
tests make an error and the CLI does not show.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.errors import CacheNotExtended
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
    except OSError:  # the cache file could not be read or written: it costs only speed
        hc.drop(target)
        return False
    except Exception as exc:
        # Not one of the conditions checked above: a bug. merge then reads the history again,
        # which gives the right cache (slower), so the user need not hear of it; the warning
        # makes it an error in the tests (errors.CacheNotExtended).
        hc.drop(target)
        warnings.warn(
            f"the history cache was not extended ({type(exc).__name__}: {exc}); "
            "the history is read again",
            CacheNotExtended,
            stacklevel=2,
        )
        return False


class _Unexpected(Exception):
    """What merge's own append makes impossible, found nonetheless (see `extend`)."""


def _extend(carry: hc.Carry, target: Path, inputs: Any, sheet: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    from ladder_sheets.columnar import META, decode_column, write_parquet, write_parquet_parts
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
    if part is None:  # merge has just appended, with its record
        raise _Unexpected(f"no record of the rows appended to {sheet!r}")
    file = str(target)

    # the appended rows, read as the sheet's own rows 2, 3... (before the cached rows are
    # loaded: the cycle's XML and the whole cache are never held at once)
    offset = part.first_row - 2
    assigned = [(s, f) for s, f in meta["assigned"]]
    family = dict(assigned).get(sheet)
    grid = _appended_grid(sheet, part, parts)
    if grid is None:
        raise _Unexpected(f"the appended rows of {sheet!r} read as no sheet")
    tail, findings, found, digest = read_history_rows(grid, file, inputs, assigned, family)
    if tail is None or found is None or findings or digest != meta["context"]:
        return False
    cached_layout = next((x for x in meta["layouts"] if x["sheet"] == sheet), None)
    if cached_layout is None:
        return False
    was = hc.Layout(**hc._layout(cached_layout))
    if (was.header_row, was.columns, was.headers) != (
        found.header_row,
        dict(found.columns),
        dict(found.headers),
    ):
        return False
    places = tail.places
    got = places.parts[0] if isinstance(places, CellMap) and len(places.parts) == 1 else None
    if not isinstance(got, SheetRows):
        raise _Unexpected("the appended rows' places are not one sheet's rows")
    moved = SheetRows(got.rows + offset, got.letters)
    if len(moved) != part.last_row - part.first_row + 1 or int(moved.rows.max()) > part.last_row:
        raise _Unexpected(f"{len(moved)} row(s) read of rows {part.first_row}-{part.last_row}")
    tail = Table(tail.name, tail.data, CellMap(list(places.columns), [moved]), tail.sheets, file)
    typed_tail, type_findings = type_table(tail)
    if type_findings:
        return False
    source = hc.CacheFile(pa.py_buffer(carry.data))
    schema, rows = source.schema_arrow, meta["rows"]
    if not rows:
        return False
    if source.num_rows != rows:
        raise _Unexpected(f"the cache file holds {source.num_rows} rows, not {rows}")
    old = {prefix: hc._columns(schema.empty_table(), prefix) for prefix in ("r/", "t/")}
    layout = json.loads(old["r/"].schema.metadata[META])
    ends = layout.get("places", {}).get("parts", [])
    if not ends:
        return False
    places_read = source.read(
        columns=[n for n in schema.names if n == "r/row" or _column(n, "r/") == "sheet"],
        use_threads=False,
    )
    last_rows = places_read.column("r/row").slice(rows - ends[-1]["length"])
    last_sheet = decode_column(
        "sheet", hc._columns(places_read.slice(rows - 1), "r/"), layout["sheets"]
    )
    del places_read
    if last_sheet.iloc[0] != sheet or part.first_row <= pc.max(last_rows).as_py():
        return False
    raw = _appended(old["r/"], tail)
    typed = _appended(old["t/"], typed_tail)
    if raw is None or typed is None:
        return False
    facts = _facts(source, old["t/"], typed[0])
    if facts is None:  # a cache without the rating keys: made again by the full reading
        return False
    # the cache file as history_cache.save writes it: the reading's findings and layouts are
    # the cached ones (the new rows said nothing), the key the written workbook's
    arrays = [*raw[0].columns, *typed[0].columns, *(array for _, array in facts)]
    labels = [f"r/{n}" for n in raw[0].column_names] + [f"t/{n}" for n in typed[0].column_names]
    labels += [name for name, _ in facts]
    # a type the new rows bring (a midnight Imported At read as a date after times) adds
    # columns; every cached column stays, in its place
    if [n for n in labels if n in schema.names] != schema.names:
        raise _Unexpected("the extended cache's columns are not the cached ones")
    fields = {f.name: f for f in schema}
    schema = pa.schema(
        [fields.get(n) or pa.field(n, a.type) for n, a in zip(labels, arrays, strict=True)]
    )
    widen = _widening(source.schema_arrow, schema)
    extended = json.dumps(dict(meta, members=new_key, rows=rows + typed[0].num_rows)).encode()
    layouts = {b"r/": raw[1], b"t/": typed[1]}
    if widen is None and len(source.parts) < hc.MAX_PARTS:
        # the new rows as a part of their own after the cached file's bytes: the cached rows
        # are not decoded and written again (that copy grew with the history)
        lengths = [*source.lengths, len(carry.data) - sum(source.lengths)]
        part_schema = schema.with_metadata(
            {hc._META_PARTS: extended, **layouts, hc._PARTS: json.dumps(lengths).encode()}
        )
        sink = pa.BufferOutputStream()
        write_parquet(
            pa.Table.from_arrays(arrays, schema=part_schema), sink, hc.ascending(schema.names)
        )
        part_bytes = sink.getvalue()

        def append(path: Path) -> None:
            with open(path, "wb") as out:
                out.write(carry.data)
                out.write(part_bytes)

        hc._write_with(target, append)
        return True
    # the cached rows are copied into the new cache a batch at a time, never loaded whole
    schema = schema.with_metadata({hc._META: extended, **layouts})
    added = pa.Table.from_arrays(arrays, schema=schema)

    def write(path: Path) -> None:
        batches = source.iter_batches(batch_size=_BATCH, use_threads=False)
        if widen is not None:
            batches = (widen(b, schema) for b in batches)
        parts = itertools.chain(batches, added.to_batches())
        write_parquet_parts(schema, parts, path, _GROUP, hc.ascending(schema.names))

    hc._write_with(target, write)
    return True


# rows of the cached history copied at a time, decoded on one thread: Arrow's threads and
# larger batches each cost tens of MB more for no less CPU (2,000 people x 16 cycles)
_BATCH = 1 << 16
# rows written at a time, a row group each: a row group per batch made 52 of them at 10,000
# people x 16 cycles, each with its own dictionaries to write and to read back. Four batches
# are held (about 35 MB of Arrow, whatever the organisation's size); a million rows (one
# row group per million, as history_cache.save writes) held 140 MB at merge's end.
_GROUP = 1 << 18


def _facts(source: Any, old: Any, typed: Any) -> list[tuple[str, Any]] | None:
    """The cache's columns of the rating keys (history_cache: facts) of the appended rows
    `typed` (encoded as `old`, the typed history the cache file `source` holds): the cached
    keys continued (schema.ratings.appended_facts); None where the cache holds none."""
    import pyarrow as pa

    from ladder_sheets.columnar import META, frame_from_arrow
    from ladder_sheets.schema.ratings import KEY_COLUMNS, appended_facts

    names = source.schema_arrow.names
    rows = source.num_rows
    # a column at a time: the keys of every row read into Arrow at once were 40 bytes a row
    facts = hc._facts(hc._ColumnReader(source, hc._FACT, strip=False), rows)
    if facts is None:
        return None
    layout = json.loads(old.schema.metadata[META])["data"]
    wanted = [c for c in layout["columns"] if c in KEY_COLUMNS]
    columns = [n for n in names if _column(n, "t/d:") in wanted]

    def rows_of(positions: np.ndarray) -> Any:
        """The typed history's rows at `positions` (ascending), of the columns the keys are
        made of, read a batch at a time: a few rows of a million are asked for."""
        parts, start = [source.schema_arrow.empty_table().select(columns)], 0
        batches = source.iter_batches(batch_size=_BATCH, columns=columns, use_threads=False)
        for batch in batches:
            end = start + batch.num_rows
            here = positions[(positions >= start) & (positions < end)] - start
            if len(here):
                parts.append(pa.Table.from_batches([batch]).take(pa.array(here, pa.int64())))
            start = end
        taken = pa.concat_tables(parts)
        taken = taken.rename_columns([n[len("t/") :] for n in taken.column_names])
        return frame_from_arrow(taken, {"columns": wanted, "infos": layout["infos"]}, "d:")

    tail = frame_from_arrow(typed, json.loads(typed.schema.metadata[META])["data"], "d:")
    out = []
    for name, array in hc.fact_columns(appended_facts(facts, rows_of, tail)):
        out.append((name, array.cast(source.schema_arrow.field(name).type)))
    return out


def _column(name: str, prefix: str) -> str | None:
    """The column an Arrow column of the cache file encodes ("t/d:rating\x1fint": "rating"
    under "t/d:"); None for a column without `prefix`."""
    from ladder_sheets.columnar import SEP

    return name[len(prefix) :].split(SEP)[0] if name.startswith(prefix) else None


def _appended(old: Any, tail: Table) -> tuple[Any, bytes] | None:
    """The rows of `tail` (rows of the last sheet of `old`'s table) as Arrow in the encoding
    of `old` (as stored: only its schema and layout are looked at) widened by the value types
    `tail` brings that `old` has not, and the layout of the Arrow table
    `columnar.table_to_arrow` makes of `old`'s table followed by `tail`; None where the two
    cannot be put together column by column."""
    import pyarrow as pa

    from ladder_sheets.columnar import META, table_to_arrow

    new = table_to_arrow(tail)
    was, now = json.loads(old.schema.metadata[META]), json.loads(new.schema.metadata[META])
    if (was["name"], was["extra"]) != (now["name"], now["extra"]):
        return None
    if "places" not in was or "places" not in now or len(now["places"]["parts"]) != 1:
        return None
    ends, added = was["places"], now["places"]
    if ends["columns"] != added["columns"]:
        return None
    if ends["parts"][-1]["letters"] != added["parts"][0]["letters"]:
        return None
    if was["data"]["columns"] != now["data"]["columns"]:
        return None
    columns: dict[str, Any] = {}
    infos: dict[str, Any] = {}
    names: list[str] = []
    for column in was["data"]["columns"]:
        got = _like(f"d:{column}", new, was["data"]["infos"][column], now["data"]["infos"][column])
        if got is None:
            return None
        columns.update(got[0])
        names += got[0]
        infos[column] = got[1]
    columns["row"] = new.column("row")
    names.append("row")
    sheets = _like("sheet", new, was["sheets"], now["sheets"])
    if sheets is None:
        return None
    columns.update(sheets[0])
    names += sheets[0]
    if [n for n in names if n in old.column_names] != old.column_names:
        return None
    fields = {f.name: f for f in old.schema}
    arrays = [columns[n].cast(fields[n].type) if n in fields else columns[n] for n in names]
    layout = dict(was, data=dict(was["data"], infos=infos), sheets=sheets[1])
    parts = [dict(p) for p in ends["parts"]]
    parts[-1]["length"] += added["parts"][0]["length"]
    layout["places"] = dict(ends, parts=parts)
    text = json.dumps(layout).encode()
    return pa.Table.from_arrays(arrays, names=names).replace_schema_metadata({META: text}), text


def _like(
    name: str, new: Any, was: dict[str, Any], now: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The Arrow columns of `name` in `new` (encoded as `now` says) re-expressed in the
    encoding `was` (columnar.encode_column) widened by the value types only `new` holds, in
    the order `encode_column` gives them, and that encoding; None where they cannot be.

    encode_column orders a column's types by their first row, and the cached rows come
    first: their types keep their places, the new ones follow in the order the tail meets
    them. A type the tail lacks is given as nulls."""
    import pyarrow as pa

    from ladder_sheets.columnar import SEP

    if was == now:
        parts = [name] if "dtype" in was else [f"{name}{SEP}{k}" for k in was["kinds"]]
        if len(was.get("kinds", [])) > 1:
            parts.append(f"{name}{SEP}kind")
        return {p: new.column(p) for p in parts}, was
    if "dtype" in was or "dtype" in now or was.get("as") != now.get("as"):
        return None
    new_kinds = list(now["kinds"])
    kinds = list(was["kinds"]) + [k for k in new_kinds if k not in was["kinds"]]
    n = new.num_rows
    out: dict[str, Any] = {}
    which = np.full(n, -1, dtype=np.int8)
    for position, kind in enumerate(kinds):
        if kind in new_kinds:
            column = new.column(f"{name}{SEP}{kind}")
            out[f"{name}{SEP}{kind}"] = column
            valid = column.is_valid().to_numpy(zero_copy_only=False)
            which[valid] = position
        else:
            out[f"{name}{SEP}{kind}"] = pa.nulls(n)
    if len(kinds) > 1:
        out[f"{name}{SEP}kind"] = pa.array(which)
    return out, dict(was, kinds=kinds)


def _widening(old: Any, new: Any) -> Any:
    """None where the Arrow schema `new` of the extended cache has the columns of `old` (the
    cached file's); else what makes a batch of the cached rows one of `new`: a value type the
    new rows brought is null on every cached row, and where a column now holds two types,
    its "kind" column (columnar.encode_column) says 0, the one type, where a value is, else
    -1."""
    import pyarrow as pa

    from ladder_sheets.columnar import SEP

    if old.names == new.names:
        return None
    kind = f"{SEP}kind"

    def widen(batch: Any, schema: Any) -> Any:
        arrays = []
        for field in schema:
            if field.name in old.names:
                arrays.append(batch.column(field.name))
            elif field.name.endswith(kind):
                stem = field.name[: -len("kind")]
                was = [n for n in old.names if n.startswith(stem)]
                assert len(was) <= 1  # with two types or more, the cached file had the column
                which = np.full(batch.num_rows, -1, dtype=np.int8)
                if was:
                    which[batch.column(was[0]).is_valid().to_numpy(zero_copy_only=False)] = 0
                arrays.append(pa.array(which).cast(field.type))
            else:
                arrays.append(pa.nulls(batch.num_rows, field.type))
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    return widen


def _renumbered(rows: bytes, offset: int, size: int = 1 << 20) -> Iterator[bytes]:
    """`rows` (<row> elements) with each row and cell reference `offset` rows up, a piece of
    about `size` bytes at a time (cut after a </row>): a cycle's XML is tens of MB, and one
    substitution over the whole of it held the rows twice over, and a million pieces."""
    at = 0
    while at < len(rows):
        end = rows.find(b"</row>", at + size)
        end = len(rows) if end < 0 else end + len(b"</row>")
        yield _up(rows[at:end], offset)
        at = end


_ROW = b'<row r="'
_CELL = b'<c r="'


def _up(piece: bytes, offset: int) -> bytes:
    """`piece` (whole <row> elements) with each row and cell reference `offset` rows up.

    A row as append writes it (xlsx/append/rows.py) refers to its own number only, as
    'r="N"' and as 'r="A N"' in each cell: its number followed by a quote is replaced in the
    row where it occurs exactly that many times (one substitution per row: one per cell
    cost 0.4 s per 44,000 rows). A row where it occurs otherwise too (a style s="N", a text
    ending in N") or where the cells are not counted as expected is edited cell by cell."""

    def up(match: re.Match[bytes]) -> bytes:
        return match.group(1) + str(int(match.group(2)) - offset).encode() + b'"'

    parts = piece.split(_ROW)
    if parts[0]:  # not rows alone: cell by cell
        return _REF.sub(up, piece)
    out = [b""]
    for row in parts[1:]:
        number = row[: row.find(b'"') + 1]
        if number[:-1].isdigit() and row.count(number) == row.count(_CELL) + 1:
            out.append(row.replace(number, b'%d"' % (int(number[:-1]) - offset)))
        else:
            out.append(_REF.sub(up, _ROW + row)[len(_ROW) :])
    return _ROW.join(out)


def _appended_grid(sheet: str, part: Any, parts: dict[str, bytes]) -> Any:
    """The grid of `part`'s header row (row 1) and appended rows (rows 2, 3...) as the grid
    reader reads them; `part.rows` is let go of.

    When this process wrote those rows (xlsx/append/rows.py written_cells: the same bytes),
    only each column's distinct cells are read, one per row, and every appended row is given
    the reading of its own cell's body: a cell is read from its body alone (its style, type
    and value), never from its row or its neighbours. Otherwise, and where a row has no cell
    (the reading would not see it), the rows themselves are read, renumbered."""
    from ladder_sheets.workbook.grid import LongGrid
    from ladder_sheets.xlsx.append.rows import written_cells

    head = [_DIMENSION.sub(b"", part.head), part.header_row]
    rows, part.rows = part.rows, b""
    written = written_cells(rows, part.first_row)
    small = None
    if written is not None and _every_row_has_a_cell(written):
        distinct = _distinct_rows(written)
        small = _read_grid(sheet, itertools.chain(head, distinct, [part.tail]), parts)
    if written is None or not isinstance(small, LongGrid):  # (merged cells: a plain Grid)
        xml = itertools.chain(head, _renumbered(rows, part.first_row - 2), [part.tail])
        del rows
        return _read_grid(sheet, xml, parts)
    del rows
    columns = []
    for index, column in enumerate(small.columns):
        codes = written.codes(index) if index < len(written.bodies) else None
        values = np.empty(1 + written.rows, dtype=object)
        values[0] = column[0] if len(column) else None
        if codes is None:  # a column the rows have no cell in (the header's only)
            values[1:] = None
        else:
            # each distinct body's reading, then None for a code past them (never given)
            known = np.empty(len(written.bodies[index]) + 1, dtype=object)
            for code in range(len(known) - 1):
                known[code] = column[1 + code] if 1 + code < len(column) else None
            values[1:] = known[codes]
        columns.append(values)
    return LongGrid(sheet, columns)


def _every_row_has_a_cell(written: Any) -> bool:
    """Each row written holds a cell (a row of none is not seen by the reading)."""
    blank = np.ones(written.rows, dtype=bool)
    for index, bodies in enumerate(written.bodies):
        if "" in bodies:
            blank &= written.codes(index) == bodies[""]
        else:
            return True
    return not blank.any()


def _distinct_rows(written: Any) -> Iterator[bytes]:
    """Rows 2, 3...: row 2 + i holds each column's i-th distinct cell body (none for "")."""
    from ladder_sheets.cellmap import column_letters

    bodies = [list(known) for known in written.bodies]
    letters = [column_letters(index) for index in range(len(bodies))]
    for i in range(max(map(len, bodies), default=0)):
        n = 2 + i
        cells = "".join(
            f'<c r="{letters[c]}{n}"{column[i]}'
            for c, column in enumerate(bodies)
            if i < len(column) and column[i]
        )
        yield f'<row r="{n}">{cells}</row>'.encode()


def _read_grid(sheet: str, xml: Iterable[bytes], parts: dict[str, bytes]) -> Any:
    """`sheet` of a workbook holding only it (the pieces of its XML, made as they are
    written) with the given styles and shared strings, read by the grid reader."""
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
            with zf.open("xl/worksheets/sheet1.xml", "w") as member:
                for piece in xml:
                    member.write(piece)
        grids = read_grids(path, checked=True)
    return grids.get(sheet)


__all__ = ["extend"]
