"""The store file: the whole Ratings History as one Parquet file beside the workbook.

One row per rating, the canonical history columns (model.TABLES["history"]), in the order merge
keeps them (by cycle, recorded rows first). Row n of the file (1 = the first rating) is the
place a finding names for a rating read from it. The file's schema metadata says which
workbook it belongs to (`StoreStamp`), so a store from another workbook, or an older or newer
one, is recognised before a single rating is used (store/attach.py).

Values keep their Python type through the file: a column whose values are all text is a
string column, all numbers a float column, all dates a timestamp column; a column that mixes
them (an employee ID typed as a number in some rows) is split into one column per type
(`<column>::text`, `::number`, `::time`, `::flag`) and joined again on reading. Text columns
are read through Parquet's dictionary encoding: each distinct value becomes one Python string,
shared by every row that holds it (a history repeats a few thousand names a million times).

Written atomically: to a temporary name beside the target, replaced only when merge has
written the workbook (see store/write.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.model import columns

SUFFIX = ".history.parquet"
METADATA_KEY = b"ladder_sheets.history_store"
FORMAT = 1  # the layout of the file; a later one is refused, never guessed at
_KINDS = ("text", "number", "time", "flag")


@dataclass(frozen=True)
class StoreStamp:
    """What a store says about itself (Parquet schema metadata) and the workbook records of it
    (the History Store sheet): written together by each merge, compared on every read."""

    store_id: str  # fixed when the workbook opts in; a store of another workbook differs
    generation: int  # +1 on every write: which of two copies is older
    rows: int
    cycles: tuple[str, ...]
    workbook: str = ""  # the name of the workbook it was written with (for messages)
    written_at: str = ""
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps({**asdict(self), "cycles": list(self.cycles)}).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> StoreStamp:
        data = json.loads(raw)
        return cls(
            store_id=str(data["store_id"]),
            generation=int(data["generation"]),
            rows=int(data["rows"]),
            cycles=tuple(str(c) for c in data["cycles"]),
            workbook=str(data.get("workbook", "")),
            written_at=str(data.get("written_at", "")),
            format=int(data.get("format", FORMAT)),
        )


def store_path_for(workbook: Path) -> Path:
    """The store beside a workbook: "acme.xlsx" -> "acme.history.parquet"."""
    return workbook.with_name(workbook.stem + SUFFIX)


def digest(path: Path) -> str:
    """SHA-256 of the file's bytes (a 2,000-person history is a few hundred kilobytes)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_store(history: pd.DataFrame, path: Path, stamp: StoreStamp) -> None:
    """The history (canonical columns) into a Parquet file at `path` (replaced if there)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays: dict[str, Any] = {}
    for column in columns("history"):
        values = history[column].to_numpy(dtype=object) if column in history else None
        if values is None:
            values = np.full(len(history), None, dtype=object)
        arrays.update(_encode(column, values))
    table = pa.table(arrays).replace_schema_metadata({METADATA_KEY: stamp.to_json()})
    pq.write_table(table, path, compression="zstd")


def read_stamp(path: Path) -> StoreStamp | None:
    """The store's stamp (None when the file is Parquet without one: not a ladder store).
    Raises OSError for a missing file, pyarrow's ArrowInvalid for a file that is no Parquet."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(METADATA_KEY)
    return StoreStamp.from_json(raw) if raw else None


def read_store(path: Path) -> pd.DataFrame:
    """Every row of the store as the reader reads a sheet: canonical columns, object dtype,
    None for blanks, floats for numbers, datetimes for times."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    text = [f.name for f in schema if str(f.type) in ("string", "large_string")]
    table = pq.read_table(path, read_dictionary=text)
    out: dict[str, np.ndarray] = {}
    for column in columns("history"):
        parts = {
            k: table.column(f"{column}::{k}") for k in _KINDS if f"{column}::{k}" in schema.names
        }
        if column in schema.names:
            out[column] = _decode(table.column(column))
        elif parts:
            decoded = [_decode(p) for p in parts.values()]
            joined = decoded[0]
            for more in decoded[1:]:
                joined = np.where(pd.isna(joined), more, joined)
            out[column] = joined
        else:
            out[column] = np.full(table.num_rows, None, dtype=object)
    return pd.DataFrame(out, dtype=object, copy=False)


def replace_atomically(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


def _kind(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | np.bool_):
        return "flag"
    if isinstance(value, int | float | np.integer | np.floating):
        return "number"
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp | np.datetime64):
        return "time"
    return "text"  # anything else is kept as its text, as a cell would show it


def _encode(column: str, values: np.ndarray) -> dict[str, Any]:
    # each distinct value classified once (a history repeats its names a million times)
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    kinds = np.array([*(_kind(v) for v in uniques), None], dtype=object)
    present = sorted({k for k in kinds if k is not None})
    if len(present) <= 1:
        return {column: _array(present[0] if present else "text", values)}
    per_value = kinds[codes]
    out = {}
    for kind in present:
        picked = values.copy()
        picked[per_value != kind] = None
        out[f"{column}::{kind}"] = _array(kind, picked)
    return out


def _array(kind: str, values: np.ndarray) -> Any:
    import pyarrow as pa

    blank = pd.isna(values) if len(values) else np.zeros(0, dtype=bool)
    if kind == "number":
        floats = np.where(blank, np.nan, values).astype(float)
        return pa.array(floats, type=pa.float64(), mask=blank)
    if kind == "flag":
        return pa.array([None if b else bool(v) for v, b in zip(values, blank, strict=True)])
    if kind == "time":
        stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
        return pa.array(stamps.dt.tz_localize(None) if stamps.dt.tz else stamps, pa.timestamp("us"))
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # an odd object: kept as its text
        texts = [None if b else str(v) for v, b in zip(values, blank, strict=True)]
        return pa.array(texts, type=pa.string())


def _decode(chunked: Any) -> np.ndarray:
    """An Arrow column as an object array of Python values (None for blanks)."""
    import pyarrow as pa

    kind = chunked.type
    n = len(chunked)
    if pa.types.is_dictionary(kind):
        combined = chunked.combine_chunks() if chunked.num_chunks else pa.array([], kind)
        codes = combined.indices.to_numpy(zero_copy_only=False)
        uniques = np.array([*combined.dictionary.to_pylist(), None], dtype=object)
        codes = np.where(combined.is_null().to_numpy(zero_copy_only=False), -1, codes)
        return uniques[codes.astype(np.int64)]
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        floats = chunked.to_numpy().astype(float)
        out = floats.astype(object)
        out[np.isnan(floats)] = None
        return out
    if pa.types.is_timestamp(kind):
        # import times repeat per cycle: each distinct one converted once
        codes, uniques = pd.factorize(chunked.to_pandas())
        moments = np.array([*uniques.to_pydatetime(), None], dtype=object)
        return moments[codes]
    values = chunked.to_pylist()
    return np.array(values, dtype=object) if n else np.empty(0, dtype=object)
