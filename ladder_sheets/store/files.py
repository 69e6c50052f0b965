"""The store file: the whole Ratings History as one Parquet file beside the workbook.

One row per rating, the canonical history columns (model.TABLES["history"]), in the order merge
keeps them (by cycle, recorded rows first). Row n of the file (1 = the first rating) is the
place a finding names for a rating read from it. The file's schema metadata says which
workbook it belongs to (`StoreStamp`), so a store from another workbook, or an older or newer
one, is recognised before a single rating is used (store/attach.py).

Values keep their Python type through the file (text, whole numbers, fractions, dates and
blanks side by side in one column, as the reader found them): the package's Arrow codec
(columnar.py) stores each column as one dictionary-encoded column per type, and gives each
distinct text back as one Python string shared by every row that holds it.

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
    """The history (canonical columns) into a Parquet file at `path` (replaced if there),
    through the package's Arrow codec (columnar.py)."""
    import pyarrow as pa

    from ladder_sheets.columnar import META, Unsupported, encode_column, write_parquet

    names: list[str] = []
    arrays: list[Any] = []
    infos: dict[str, Any] = {}
    for column in columns("history"):
        values = history[column] if column in history else pd.Series([None] * len(history))
        values = values.reset_index(drop=True)
        try:
            n, a, info = encode_column(column, values)
        except Unsupported:  # a time of day, a duration: kept as the text a cell shows
            n, a, info = encode_column(column, values.map(_plain, na_action="ignore"))
        names += n
        arrays += a
        infos[column] = info
    layout = {"columns": columns("history"), "infos": infos}
    table = pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(
        {META: json.dumps({"data": layout}).encode(), METADATA_KEY: stamp.to_json()}
    )
    write_parquet(table, path)


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | dt.datetime | dt.date):
        return value
    return str(value)


def read_stamp(path: Path) -> StoreStamp | None:
    """The store's stamp (None when the file is Parquet without one: not a ladder store).
    Raises OSError for a missing file, pyarrow's ArrowInvalid for a file that is no Parquet."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(METADATA_KEY)
    return StoreStamp.from_json(raw) if raw else None


def read_store(path: Path) -> pd.DataFrame:
    """Every row of the store as the reader reads a sheet: canonical columns, object dtype,
    None for blanks (columnar.py gives each distinct text back as one Python string)."""
    from ladder_sheets.columnar import META, frame_from_arrow, read_parquet

    table = read_parquet(path)
    layout = json.loads((table.schema.metadata or {})[META])["data"]
    frame = frame_from_arrow(table, layout)
    for column in frame.columns:
        if frame[column].dtype != object:  # a typed column (ratings as float64): None for NaN
            values = frame[column].to_numpy()
            out = values.astype(object)
            out[pd.isna(values)] = None
            frame[column] = pd.Series(out, dtype=object, copy=False)
    return frame.reindex(columns=columns("history"))


def replace_atomically(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)
