"""Tables to Arrow and back, value for value: the codec of the history cache (and store).

    arrow = table_to_arrow(table)            # a pyarrow.Table, its layout in the schema metadata
    again = table_from_arrow(arrow, file)    # the same values, types, places and sheets

A Table's columns are mostly object arrays in which one column may hold text, whole numbers,
fractions, dates and blanks side by side (values as the reader found them). Arrow columns
have one type, so an object column becomes one dictionary-encoded Arrow column per Python type
it holds ("rating\\x1fint", "rating\\x1fstr"), null where a row holds another type, and, where it
holds more than one type, a "rating\\x1fkind" column saying which. Decoding turns each
dictionary (the distinct values, a few thousand over a million rows) into Python objects once
and spreads them by index, so a text repeated a million times is one object, as the reader
makes it. 1, 1.0 and True stay apart (values are grouped by exact type before they are made
distinct), None stays None and NaN stays NaN. A value of a type the codec does not know (a
Decimal, a time zone) raises `Unsupported`: the caller then keeps nothing rather than something
approximate.

Places: a table read from a long sheet keeps the sheet row of each value (`cellmap.SheetRows`):
that is one int32 column plus each sheet's column letters in the metadata; any other places
are stored as their A1 strings. Non-object columns (a typed rating, float64 with NaN) are
stored in their own dtype.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.model import Table
from ladder_sheets.values import distinct_objects, value_types

SEP = "\x1f"  # between a column's name and its part: never in a canonical column name
META = b"ladder-sheets"  # schema metadata key holding the layout (JSON)


class Unsupported(ValueError):
    """A value the codec cannot store exactly."""


# Python type -> (name, Arrow type of its dictionary, dictionary value -> the Python value).
# Values round-trip through Arrow's own conversions (to_pylist gives Python int, float, str,
# bool, datetime and date).
_KINDS: dict[type, tuple[str, pa.DataType, Callable[[Any], Any]]] = {
    str: ("str", pa.string(), lambda v: v),
    int: ("int", pa.int64(), lambda v: v),
    float: ("float", pa.float64(), lambda v: v),
    bool: ("bool", pa.bool_(), lambda v: v),
    dt.datetime: ("datetime", pa.timestamp("us"), lambda v: v),
    dt.date: ("date", pa.date32(), lambda v: v),
    pd.Timestamp: ("timestamp", pa.timestamp("us"), pd.Timestamp),
    np.float64: ("np.float64", pa.float64(), np.float64),
    np.int64: ("np.int64", pa.int64(), np.int64),
    np.bool_: ("np.bool", pa.bool_(), np.bool_),
}
_BY_NAME = {name: (arrow_type, back) for name, arrow_type, back in _KINDS.values()}
_NONE = type(None)


def encode_column(name: str, values: Any) -> tuple[list[str], list[pa.Array], dict[str, Any]]:
    """The Arrow columns of one pandas column, and what decoding needs to know."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    dtype = None
    if isinstance(series.dtype, pd.StringDtype):  # pandas' own text dtype: stored as objects
        dtype, series = str(series.dtype), series.astype(object)
    if series.dtype != object:
        kind = str(series.dtype)
        if kind not in ("float64", "int64", "bool") and not kind.startswith("datetime64[ns"):
            raise Unsupported(f"column {name!r} of dtype {kind}")
        return [name], [pa.array(series.to_numpy(), from_pandas=False)], {"dtype": kind}
    # the column's distinct objects (a history repeats a few thousand), each entry a code into
    # them; each object's exact type as a small code (np.equal with a numpy scalar type
    # misbehaves). Types, values and kinds are worked out per object, then spread by code.
    entry, objects = distinct_objects(series.to_numpy(dtype=object))
    type_codes, types = pd.factorize(value_types(objects))
    kinds = [(i, k) for i, k in enumerate(types) if k is not _NONE]
    unknown = [k for _, k in kinds if k not in _KINDS]
    if unknown:
        raise Unsupported(f"column {name!r} holds {unknown[0].__name__} values")
    names, arrays = [], []
    which = np.full(len(objects), -1, dtype=np.int8)
    for position, (i, kind) in enumerate(kinds):
        label, arrow_type, _ = _KINDS[kind]
        here = type_codes == i
        which[here] = position
        chosen = objects[here]
        if kind in (dt.datetime, pd.Timestamp) and any(v.tzinfo for v in pd.unique(chosen)):
            raise Unsupported(f"column {name!r} holds dates with a time zone")
        codes, uniques = pd.factorize(chosen, use_na_sentinel=False)
        of_object = np.full(len(objects), -1, dtype=np.int32)
        of_object[here] = codes
        indices = of_object[entry]
        try:
            dictionary = pa.array(list(uniques), type=arrow_type)
        except (pa.ArrowException, OverflowError) as exc:
            raise Unsupported(f"column {name!r}: {exc}") from None
        names.append(f"{name}{SEP}{label}")
        arrays.append(
            pa.DictionaryArray.from_arrays(pa.array(indices, mask=indices < 0), dictionary)
        )
    if len(kinds) > 1:
        names.append(f"{name}{SEP}kind")
        arrays.append(pa.array(which[entry]))
    info: dict[str, Any] = {"kinds": [_KINDS[k][0] for _, k in kinds]}
    if dtype is not None:
        info["as"] = dtype
    return names, arrays, info


def decode_column(name: str, arrow: pa.Table, info: dict[str, Any]) -> pd.Series:
    """The pandas column `encode_column` stored under `name`."""
    if "dtype" in info:
        values = arrow.column(name).to_numpy()
        return pd.Series(values, dtype=info["dtype"], copy=False)
    n = arrow.num_rows
    out = np.full(n, None, dtype=object)
    kinds: list[str] = info["kinds"]
    which = arrow.column(f"{name}{SEP}kind").to_numpy() if len(kinds) > 1 else None
    for i, label in enumerate(kinds):
        _, back = _BY_NAME[label]
        start = 0
        column = arrow.column(f"{name}{SEP}{label}")
        # each row group of a Parquet file has its own dictionary: joined into one, so that
        # a value is one object however many row groups repeat it (52 row groups at 10,000
        # people x 16 cycles made each ID 52 times)
        if column.num_chunks > 1 and pa.types.is_dictionary(column.type):
            column = pa.chunked_array([column.combine_chunks()])
        for chunk in column.chunks:
            if not isinstance(chunk, pa.DictionaryArray):  # Parquet keeps text dictionaries only
                chunk = chunk.dictionary_encode()
            uniques = np.empty(len(chunk.dictionary) + 1, dtype=object)
            uniques[:-1] = [back(v) for v in chunk.dictionary.to_pylist()]
            indices = chunk.indices.fill_null(-1).to_numpy()
            if which is None:
                # one type: each value taken straight into place, a null (-1) taking the None
                # after the dictionary; no mask and no copies of a million-row column
                np.take(uniques, indices, out=out[start : start + len(chunk)], mode="wrap")
            else:
                here = which[start : start + len(chunk)] == i
                out[start : start + len(chunk)][here] = uniques[indices[here]]
            start += len(chunk)
    decoded = pd.Series(out, dtype=object, copy=False)
    return decoded.astype(info["as"]) if "as" in info else decoded


def frame_to_arrow(
    frame: pd.DataFrame, prefix: str = ""
) -> tuple[list[str], list[pa.Array], dict[str, Any]]:
    names: list[str] = []
    arrays: list[pa.Array] = []
    infos: dict[str, Any] = {}
    for column in frame.columns:
        n, a, info = encode_column(prefix + str(column), frame[column])
        names += n
        arrays += a
        infos[str(column)] = info
    return names, arrays, {"columns": list(map(str, frame.columns)), "infos": infos}


def frame_from_arrow(arrow: pa.Table, layout: dict[str, Any], prefix: str = "") -> pd.DataFrame:
    data = {c: decode_column(prefix + c, arrow, layout["infos"][c]) for c in layout["columns"]}
    return pd.DataFrame(data, columns=layout["columns"], copy=False)


def table_to_arrow(table: Table, extra: dict[str, Any] | None = None) -> pa.Table:
    """The table (data, places, sheets; not its file) as one Arrow table. `extra` (JSON-able)
    is kept in the metadata and given back by `table_from_arrow`."""
    data = table.data
    if not (isinstance(data.index, pd.RangeIndex) and data.index.equals(pd.RangeIndex(len(data)))):
        raise Unsupported("the table's rows are not numbered 0..n-1")
    names, arrays, frame = frame_to_arrow(data, "d:")
    layout: dict[str, Any] = {"name": table.name, "data": frame, "extra": extra or {}}
    places = table.places
    if isinstance(places, CellMap) and all(isinstance(p, SheetRows) for p in places.parts):
        parts = [p for p in places.parts if isinstance(p, SheetRows)]
        rows = np.concatenate([p.rows for p in parts]) if parts else np.empty(0, np.int32)
        names.append("row")
        arrays.append(pa.array(rows.astype(np.int32)))
        layout["places"] = {
            "columns": list(places.columns),
            "parts": [{"length": len(p), "letters": dict(p.letters)} for p in parts],
        }
    else:
        cells = table.cells.reindex(data.index)
        n, a, frame_places = frame_to_arrow(cells, "p:")
        names += n
        arrays += a
        layout["cells"] = frame_places
    n, a, info = encode_column("sheet", table.sheets.reset_index(drop=True))
    if len(table.sheets) != len(data):
        raise Unsupported("the table's sheets are not one per row")
    names += n
    arrays += a
    layout["sheets"] = info
    schema = pa.schema([pa.field(k, v.type) for k, v in zip(names, arrays, strict=True)])
    arrow = pa.Table.from_arrays(arrays, schema=schema)
    return arrow.replace_schema_metadata({META: json.dumps(layout).encode()})


def table_from_arrow(arrow: pa.Table, file: str = "") -> tuple[Table, dict[str, Any]]:
    """The Table `table_to_arrow` stored, with its file set to `file`, and the `extra` kept
    with it. Raises Unsupported when `arrow` carries no layout."""
    meta = (arrow.schema.metadata or {}).get(META)
    if meta is None:
        raise Unsupported("no ladder-sheets layout in the metadata")
    layout = json.loads(meta)
    data = frame_from_arrow(arrow, layout["data"], "d:")
    places: pd.DataFrame | CellMap
    if "places" in layout:
        rows = arrow.column("row").to_numpy().astype(np.int64)
        offsets = np.cumsum([0, *(p["length"] for p in layout["places"]["parts"])])
        parts = [
            SheetRows(rows[offsets[i] : offsets[i + 1]], p["letters"])
            for i, p in enumerate(layout["places"]["parts"])
        ]
        places = CellMap(layout["places"]["columns"], parts)
    else:
        places = frame_from_arrow(arrow, layout["cells"], "p:")
    sheets = decode_column("sheet", arrow, layout["sheets"])
    return Table(layout["name"], data, places, sheets, file), layout["extra"]


# zstd: a history of a million ratings is about a megabyte, written in a fraction of a second
_COMPRESSION = "zstd"


def _options(schema: pa.Schema, ascending: Collection[str]) -> dict[str, Any]:
    """How a file of `schema` is written: the integer columns named in `ascending` (numbers
    counting up row by row: sheet rows, codes numbered in order of first appearance) as their
    differences, every other column in a dictionary. A dictionary of a million distinct
    numbers, made again in every row group, was most of a history cache: 709,296 rows, 9.7 MB,
    1.2 MB with its row numbers and codes as differences."""
    delta = [f.name for f in schema if f.name in ascending and pa.types.is_integer(f.type)]
    if not delta:
        return {"compression": _COMPRESSION}
    return {
        "compression": _COMPRESSION,
        "use_dictionary": [n for n in schema.names if n not in delta],
        "column_encoding": dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
    }


def write_parquet(
    arrow: pa.Table, path: Path | pa.NativeFile, ascending: Collection[str] = ()
) -> None:
    pq.write_table(arrow, path, **_options(arrow.schema, ascending))


def write_parquet_parts(
    schema: pa.Schema,
    parts: Iterable[pa.RecordBatch],
    path: Path,
    rows: int,
    ascending: Collection[str] = (),
) -> None:
    """One Parquet file of `schema` from record batches (the same file, once read, as
    `write_parquet` writes of their table), holding about `rows` rows at a time: a row group
    each. Each row group of a file read back is decoded with its own dictionaries: a history
    in row groups of 65,536 rows was larger and slower to read than in row groups of a
    million (3.55M rows: 49 MB and 33 MB)."""
    with pq.ParquetWriter(path, schema, **_options(schema, ascending)) as writer:
        held: list[pa.RecordBatch] = []
        count = 0
        for batch in parts:
            held.append(batch)
            count += batch.num_rows
            if count >= rows:
                writer.write_table(pa.Table.from_batches(held, schema), row_group_size=count)
                held, count = [], 0
        if held:
            writer.write_table(pa.Table.from_batches(held, schema), row_group_size=count)


def read_parquet(path: Path) -> pa.Table:
    return pq.read_table(path)
