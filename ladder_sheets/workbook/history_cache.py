"""The history cache: a Ratings History that has not changed is not read and typed again.

A workbook after a few years of reviews holds millions of history cells, and every command
(check, packs, calibrate, the next merge) read and typed all of them again. The reading of the
history is kept beside the workbook and used while the workbook's history is provably the one
it was made from.

Where: `.NAME.xlsx.ladder-cache` in the workbook's folder, for histories of MIN_ROWS rows
and more (hidden on Linux and macOS; marked
hidden on Windows), never inside the workbook. One file per workbook, so packs, calibration
packs and backups never share one: a cache holds only the rows of the workbook beside it, which
that workbook holds anyway, and it is written with the workbook's own permission bits (a
workbook only its owner may read gets a cache only its owner may read). A cache found stale is
replaced by the reading that found it so (or deleted when that cannot be written), so rows
deleted from the workbook do not linger in it. A folder that cannot be written, a full disk, a
cache that cannot be read, truncated, corrupt or from another version: all of them cost only
speed, never a message.

Format: one Parquet file (see columnar.py): the history as the reader read it (values, the
Sheet!Cell of every value, the sheet of every row) and as the schema typed it, with the
reader's and the typing's findings and the key in the metadata (JSON; nothing in a cache is
ever unpickled or executed). merge's extension (history_extend.py) appends the new
cycle's rows as a Parquet file of their own after the bytes of the cached one, instead of
copying every cached row into a new file (`CacheFile`, up to MAX_PARTS parts; then one file
again): the last part's footer holds the metadata, under its own key (a reader that knows
of one part only finds no cache there), with the byte lengths of the parts before it. A
reading from the cache decodes the typed history; the history as read only if something asks
for it (`LazyTable`: the commands do not).

Key: the history is read from the XML of its sheets and from the parts that give that XML its
meaning: workbook.xml (sheet names and order, the 1904 date system), its relationships (which
part is which sheet), sharedStrings (the texts), styles (which numbers are dates). The cache
keeps the CRC-32, size and compressed size of every zip member except the worksheets of the
other sheets (Levels, Employees...), and is trusted only when all of them are the same and no
member was added or removed. Any save by Excel, LibreOffice or openpyxl rewrites sharedStrings,
styles or workbook.xml, and any change to a history cell changes its sheet's CRC. The reader's
own inputs besides those parts (the mapping in force for the history, which sheets hold it, the
level codes, competencies and job families read from the other sheets) are compared when the
history's turn comes (`context`); a difference there reads the history sheets after all.

Writers: a command that writes the workbook and keeps its history sheets (calibrate --apply,
gather, merge without new ratings) takes the cache across the write (`carry_from` before,
`carry_to` after): the cache is re-keyed for the written workbook, without reading the history,
when what the history is read through is provably the same (see `carry_to`); otherwise the
written workbook's history is read once more (merge) or on the next reading.

Only what depends on the history rows alone is kept (with the typed history, the keys the
schema compares ratings by: `facts`): references to people and competencies,
duplicates, coverage and everything else that looks at Employees, Matrix, Competencies or
Levels is computed again on every run. A history found by its content rather than its sheet's
name (or the mapping) is never cached: which sheet that is depends on the other sheets.

Limits: CRC-32 is not a cryptographic hash; two different sheets with the same CRC, size and
compressed size are astronomically unlikely by accident but can be made on purpose. Whoever
can write the folder can also write the cache (or the workbook), so the cache is trusted as
much as the workbook is.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ladder_sheets.findings import Finding, Severity, Where
from ladder_sheets.model import GENERATED_SHEETS, Table
from ladder_sheets.workbook.extent import sheet_parts
from ladder_sheets.xlsx.workbook_xml import read_book

VERSION = 1  # of the cache's format and of what it holds: any change of the reader raises it
# Histories shorter than this are read in well under a second: no cache is made for them, so
# a small workbook never gets a file beside it.
MIN_ROWS = 20_000
SUFFIX = ".ladder-cache"
_FILE = "\x00file"  # a finding's place in the workbook itself (the path may be spelled anew)


def cache_path(workbook: Path) -> Path:
    return workbook.parent / f".{workbook.name}{SUFFIX}"


def members(path: Path, skipped: Sequence[str] = ()) -> dict[str, list[int]] | None:
    """Zip member -> [CRC-32, size, compressed size], every member but `skipped`."""
    try:
        with zipfile.ZipFile(path) as zf:
            return {
                i.filename: [i.CRC, i.file_size, i.compress_size]
                for i in zf.infolist()
                if i.filename not in skipped
            }
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def key_members(path: Path, history_sheets: Sequence[str]) -> dict[str, list[int]] | None:
    """The members the history is read from (see the module's docstring)."""
    parts = sheet_parts(path)
    if any(s not in parts for s in history_sheets):
        return None
    others = [p for s, p in parts.items() if s not in history_sheets]
    return members(path, others)


def context(
    sheets: Sequence[tuple[str, str | None]],
    mapping: Any,
    codes: dict[str, str],
    competencies: dict[str, str],
    families: dict[str, str],
) -> str:
    """What else the reading of the history sheets depends on, as one digest."""
    entry = (
        dataclasses.asdict(mapping)
        if dataclasses.is_dataclass(mapping) and not isinstance(mapping, type)
        else None
    )
    text = json.dumps(
        [VERSION, list(map(list, sheets)), entry, codes, competencies, families],
        sort_keys=True,
        default=sorted,  # sets
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Layout:
    """What `_TableReader.twin_of` needs of a history sheet's layout."""

    sheet: str
    header_row: int
    columns: dict[str, int]
    headers: dict[int, str]


@dataclass
class CachedHistory:
    """The history of one workbook reading: found fresh in the cache (`typed` set), or read
    from the sheets and waiting for the schema's typing to be saved (`pending`)."""

    raw: Table
    assigned: list[tuple[str, str | None]]  # the history's sheets, with the family each gives
    context: str
    read_findings: list[Finding]
    layouts: list[Layout]
    typed: Table | None = None
    type_findings: list[Finding] | None = None
    pending: bool = False
    saved: bool = False
    inputs: Any = None  # reader.HistoryInputs: what else the reading depended on (merge)
    # what the schema derives from the typed history alone (one array per name, a value per
    # row: the rating keys), kept so a warm check does not derive it again; None: not known.
    # The codes among them number the whole table: rows appended to a cached history continue
    # the numbering (schema.ratings.appended_facts), never start it again.
    facts: dict[str, np.ndarray] | None = None

    @property
    def sheets(self) -> list[str]:
        return [s for s, _ in self.assigned]

    def typed_copy(self) -> tuple[Table, list[Finding]] | None:
        """The typed history and its findings, for this reading's `raw` (a copy: callers may
        change it)."""
        if self.typed is None or self.type_findings is None:
            return None
        t = self.typed
        return Table(t.name, _copy(t.data), t.places, t.sheets, t.file), list(self.type_findings)

    def remember(
        self,
        typed: Table,
        findings: list[Finding],
        facts: dict[str, np.ndarray] | None = None,
    ) -> None:
        if self.pending and self.typed is None:  # a copy: the caller goes on with its own
            kept = Table(typed.name, _copy(typed.data), typed.places, typed.sheets, typed.file)
            self.typed, self.type_findings = kept, list(findings)
            self.facts = facts


def _copy(data: Any) -> Any:
    """A copy of a DataFrame that writes to one never change in the other: with pandas'
    copy-on-write (always on from pandas 3) a lazy one, so a million rows are not copied
    for the writes that never come; before it, a deep one."""
    import pandas as pd

    lazy = int(pd.__version__.split(".")[0]) >= 3
    return data.copy(deep=not lazy)


class Lookup:
    """A cache found beside the workbook whose members are all unchanged: the history sheets
    it holds (for the reader to skip) and, once the reader's context matches, the tables."""

    def __init__(self, path: Path, file: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.file = file
        self.meta = meta
        self.sheets: list[str] = list(meta["sheets"])
        self.assigned: list[tuple[str, str | None]] = [(s, f) for s, f in meta["assigned"]]

    @classmethod
    def open(cls, path: Path) -> Lookup | None:
        """The fresh cache of `path`, or None (missing, stale, unreadable: all the same)."""
        file = cache_path(path)
        try:
            if not file.is_file():
                return None
            import pyarrow.parquet as pq

            meta = file_meta(pq.read_schema(file).metadata or {})
            if (
                meta.get("version") == VERSION
                and key_members(path, meta["sheets"]) == meta["members"]
            ):
                return cls(path, file, meta)
        except Exception:  # a damaged or foreign file is no cache
            pass
        drop(path)  # stale or damaged: its rows may be rows the workbook no longer holds
        return None

    def hit(self, digest: str, file: str) -> CachedHistory | None:
        """The cached history if the reader's context is the one it was made in."""
        if digest != self.meta["context"]:
            return None
        try:
            from ladder_sheets.columnar import table_from_arrow

            # the raw history is decoded from the file as it is now only if something asks
            # for it (see LazyTable); a cache replaced meanwhile (merge writes the next one)
            # cannot change what this reading gives (`_snapshot`)
            data = _snapshot(self.file)
            source = CacheFile(data)
            rows = source.num_rows
            typed, _ = table_from_arrow(_ColumnReader(source, "t/"), file)
            if rows != self.meta["rows"] or len(typed) != rows:
                return None
            facts = _facts(_ColumnReader(source, _FACT, strip=False), rows)
            return CachedHistory(
                LazyTable(typed.name, file, rows, lambda: _raw(data, file, rows)),
                list(self.assigned),
                digest,
                [_finding(f, file) for f in self.meta["read_findings"]],
                [Layout(**_layout(x)) for x in self.meta["layouts"]],
                typed,
                [_finding(f, file) for f in self.meta["type_findings"]],
                facts=facts,
            )
        except Exception:  # truncated, corrupt: read the sheets instead
            return None


class _ColumnReader:
    """The columns of the cache file `source` under `prefix` as an Arrow table offers them to
    columnar.table_from_arrow and `_facts` (`column`, `column_names`, `num_rows`, `schema`),
    each read from the file when asked for: decoding a column at a time holds one column's
    Arrow, not the whole typed history's and keys' (about 84 bytes a row: 60 MB at 2,000
    people x 16 cycles, 300 MB at 10,000)."""

    def __init__(self, source: Any, prefix: str, strip: bool = True) -> None:
        import pyarrow as pa

        self.source = source
        self.prefix = prefix if strip else ""
        names = [n for n in source.schema_arrow.names if n.startswith(prefix)]
        self.column_names = [n[len(self.prefix) :] for n in names]
        self.num_rows = source.num_rows
        layout = (source.schema_arrow.metadata or {}).get(prefix.encode())
        self.schema = pa.schema([], metadata={b"ladder-sheets": layout} if layout else None)

    def column(self, name: str) -> Any:
        if name not in self.column_names:
            raise KeyError(name)
        read = self.source.read(columns=[self.prefix + name], use_threads=False)
        return read.column(0)


_META = b"ladder-cache"  # the metadata (JSON) of a cache of one part
_META_PARTS = b"ladder-cache-parts"  # the same, in the last part of a cache of several
_PARTS = b"ladder-parts"  # beside it: the byte lengths of the parts before the last (JSON)
# Parts a cache file may hold before an extension writes it as one file again: each part is
# read with its own dictionaries, and the copy is made once every MAX_PARTS - 1 merges.
MAX_PARTS = 8


def file_meta(metadata: dict[bytes, bytes]) -> dict[str, Any]:
    """The cache's metadata (key, sheets, context, findings...) in a footer's metadata."""
    return dict(json.loads(metadata[_META] if _META in metadata else metadata[_META_PARTS]))


class CacheFile:
    """The cache file's content (`data`: a pyarrow Buffer) as one Parquet file offers it
    (`schema_arrow`, `read`, `iter_batches`; `num_rows`), whether it is one Parquet file or
    several one after another (see the module's docstring): their columns read part by part,
    as the chunks of one column. Parts whose columns are not the last's are an error."""

    def __init__(self, data: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        def part(start: int, length: int | None = None) -> Any:
            piece = data.slice(start) if length is None else data.slice(start, length)
            return pq.ParquetFile(pa.BufferReader(piece))

        whole = part(0)  # its footer is the last part's (its offsets count from that part)
        metadata = whole.schema_arrow.metadata or {}
        self.lengths: list[int] = [int(n) for n in json.loads(metadata.get(_PARTS, b"[]"))]
        starts = np.cumsum([0, *self.lengths])
        if self.lengths:
            if any(n <= 0 for n in self.lengths) or starts[-1] >= len(data):
                raise ValueError("the cache file's parts are not where its footer says")
            self.parts = [part(int(a), n) for a, n in zip(starts, self.lengths, strict=False)]
            self.parts.append(part(int(starts[-1])))
        else:
            self.parts = [whole]
        self.schema_arrow = self.parts[-1].schema_arrow
        if any(not p.schema_arrow.equals(self.schema_arrow) for p in self.parts):
            raise ValueError("the cache file's parts hold different columns")
        self.num_rows = sum(p.metadata.num_rows for p in self.parts)

    def read(self, columns: Sequence[str] | None = None, use_threads: bool = False) -> Any:
        import pyarrow as pa

        tables = [p.read(columns=columns, use_threads=use_threads) for p in self.parts]
        return pa.concat_tables(tables).replace_schema_metadata(self.schema_arrow.metadata)

    def iter_batches(
        self, batch_size: int, columns: Sequence[str] | None = None, use_threads: bool = False
    ) -> Any:
        for p in self.parts:
            yield from p.iter_batches(
                batch_size=batch_size, columns=columns, use_threads=use_threads
            )


def read_file(path: Path) -> Any:
    """The whole cache file of workbook `path` as one Arrow table, the metadata its last
    part's (for tests and tools; the commands read a column at a time)."""
    import pyarrow as pa

    return CacheFile(pa.py_buffer(cache_path(path).read_bytes())).read()


class LazyTable(Table):
    """The history as the reader read it, decoded from the cache file when its data, places
    or sheets are first asked for. A warm check, packs, calibrate and merge use the typed
    history only (schema._typed finds it by this table's identity): decoding the raw one too
    cost 0.25 s and 61 MB at 2,000 people x 16 cycles (709,296 rows) for nothing."""

    def __init__(self, name: str, file: str, rows: int, decode: Callable[[], Table]) -> None:
        # data, places and sheets are left unset: reading one calls __getattr__
        self.name = name
        self.file = file
        self._rows = rows
        self._decode: Callable[[], Table] | None = decode

    def __len__(self) -> int:  # known without decoding (`framework.table` asks, by truth)
        return self._rows

    def __getattr__(self, attr: str) -> Any:
        decode = self.__dict__.get("_decode")
        if attr not in ("data", "places", "sheets") or decode is None:
            raise AttributeError(attr)
        table = decode()
        self.data, self.places, self.sheets = table.data, table.places, table.sheets
        self._decode = None  # the file's bytes are let go with it
        return getattr(self, attr)

    @property
    def decoded(self) -> bool:
        return self._decode is None


def _snapshot(file: Path) -> Any:
    """The cache file's content as it is now, kept in memory for as long as it is held (a
    pyarrow Buffer). Not mapped: a mapped file rewritten in place by anything but this
    module (which only ever replaces or unlinks it) would change under the reading."""
    import pyarrow as pa

    return pa.py_buffer(file.read_bytes())


def _raw(data: Any, file: str, rows: int) -> Table:
    """The raw history of the cache file `data` (its content, see `_snapshot`)."""
    from ladder_sheets.columnar import table_from_arrow

    source = CacheFile(data)
    raw, _ = table_from_arrow(_ColumnReader(source, "r/"), file)
    if len(raw) != rows:  # read once before from the same bytes: cannot happen
        raise ValueError("the history cache's raw history is not as long as its typed one")
    return raw


@dataclass
class Carry:
    """A fresh cache of a workbook about to be written by a command that keeps its history
    sheets (calibrate --apply, gather, a merge without new ratings): what the cache was keyed
    on, kept so that `carry_to` can re-key it for the written workbook without reading the
    history again. See `carry_to` for when it may."""

    data: bytes  # the cache file (the file itself may be gone: a scratch copy's folder)
    meta: dict[str, Any]
    parts: dict[str, bytes]  # the shared parts a history is read through, as they were


_BOOK, _RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
_STRINGS, _STYLES = "xl/sharedStrings.xml", "xl/styles.xml"
# Parts no reading of the history looks at: a change there leaves the history as it was.
_NOT_READ = re.compile(
    r"^(docProps/|\[Content_Types\]\.xml$|xl/calcChain\.xml$|xl/theme/|xl/tables/|"
    r"xl/drawings/|xl/comments|xl/printerSettings/|xl/worksheets/_rels/|customXml/)"
)


def carry_from(path: Path) -> Carry | None:
    """Before a write: the fresh cache of `path` and what it depends on, or None."""
    lookup = Lookup.open(path)
    if lookup is None:
        return None
    try:
        data = lookup.file.read_bytes()
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            parts = {p: zf.read(p) for p in (_BOOK, _RELS, _STRINGS, _STYLES) if p in names}
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    return Carry(data, lookup.meta, parts)


def carry_to(carry: Carry | None, target: Path) -> bool:
    """After the write: the cache re-keyed for `target` when its history reads exactly as the
    one the cache was made from, without reading it (True), else nothing done (False: the next
    reading reads the sheets and caches them again). It is the same reading when every history
    sheet's XML is byte for byte the one cached (CRC-32 and size), the sheets up to the last
    history sheet in workbook.xml keep their names, order and visibility (sheets added after
    them change nothing), the 1904 date system and the markers on those sheets are the same,
    the workbook's other relationships are the same, the shared strings the cache was read
    with come first, unchanged, in the new sharedStrings (texts added at the end change
    nothing), so do the cell formats in styles (an index keeps its meaning) and the number
    formats, and every other changed part is one no reader looks at (docProps, calcChain,
    other sheets, their tables and drawings). Anything else, or anything that cannot be
    read: False. The mapping, level codes and competencies the reading depended on are
    compared when the cache is used, as always (`context`)."""
    if carry is None:
        return False
    try:
        sheets = list(carry.meta["sheets"])
        old_key: dict[str, list[int]] = carry.meta["members"]
        new_key = key_members(target, sheets)
        if new_key is None:
            return False
        with zipfile.ZipFile(target) as zf:
            names = set(zf.namelist())
            parts = {p: zf.read(p) for p in (_BOOK, _RELS, _STRINGS, _STYLES) if p in names}
        if not _same_reading(carry, parts, old_key, new_key, sheet_parts(target), sheets):
            return False
        import pyarrow as pa

        arrow = CacheFile(pa.py_buffer(carry.data)).read()
        if len(arrow) != carry.meta["rows"]:
            return False
        meta = dict(carry.meta, members=new_key)
        metadata = dict(arrow.schema.metadata or {})
        for key in (_PARTS, _META_PARTS):  # written as one file again
            metadata.pop(key, None)
        metadata[_META] = json.dumps(meta).encode()
        _write_file(target, arrow.replace_schema_metadata(metadata))
        return True
    except Exception:  # a cache that cannot be carried is made again by the next reading
        drop(target)
        return False


def _same_reading(
    carry: Carry,
    new: dict[str, bytes],
    old_key: dict[str, list[int]],
    new_key: dict[str, list[int]],
    new_parts: dict[str, str],
    sheets: list[str],
    changed: Sequence[str] = (),
) -> bool:
    """(`changed`: history sheets whose XML may differ; the caller answers for them.)"""
    old = carry.parts
    old_book, new_book = read_book(old[_BOOK]), read_book(new[_BOOK])
    old_parts = _parts_of(old_book, old[_RELS])
    # the history sheets: the same XML, whatever part holds it now
    for sheet in sheets:
        was, now = old_parts.get(sheet), new_parts.get(sheet)
        if was is None or now is None or was not in old_key or now not in new_key:
            return False
        if sheet not in changed and old_key[was][:2] != new_key[now][:2]:
            return False
    history = {old_parts[s] for s in sheets} | {new_parts[s] for s in sheets}
    if not _same_book(old_book, new_book, sheets):
        return False
    if _other_relationships(old[_RELS]) != _other_relationships(new[_RELS]):
        return False
    if not _prefix(old.get(_STRINGS, b""), new.get(_STRINGS, b""), _SI):
        return False
    if not _same_styles(old.get(_STYLES, b""), new.get(_STYLES, b"")):
        return False
    for member in set(old_key) | set(new_key):
        if member in history or member in (_BOOK, _RELS, _STRINGS, _STYLES):
            continue
        if old_key.get(member) != new_key.get(member) and not _NOT_READ.match(member):
            return False
    return True


def _parts_of(book: Any, rels: bytes) -> dict[str, str]:
    targets = {rid: target for rid, (_, target) in _relationships(rels).items()}
    return {s.name: targets[s.rel_id] for s in book.sheets if s.rel_id in targets}


def _same_book(old: Any, new: Any, sheets: list[str]) -> bool:
    """workbook.xml says the same of the history: sheets up to the last history sheet the
    same (name, relationship, visibility), the date system, the report markers on those
    sheets (the reader passes over a sheet marked as a report; any other marker, such as the
    one merge leaves on a history sheet it appended to or scanned, does not change a
    reading)."""
    last = max(i for i, s in enumerate(old.sheets) if s.name in sheets) + 1
    entries = [(s.name, s.rel_id, s.state) for s in old.sheets[:last]]
    if entries != [(s.name, s.rel_id, s.state) for s in new.sheets[:last]]:
        return False
    if (old.date1904, old.strict) != (new.date1904, new.strict):
        return False

    reports = {name.casefold() for name in GENERATED_SHEETS}

    def marks(book: Any) -> list[tuple[int, str]]:
        marks = [(m.sheet_index, m.recorded_name) for m in book.markers()]
        return sorted(m for m in marks if m[0] < last and m[1].casefold() in reports)

    return marks(old) == marks(new)


_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_SI = re.compile(rb"<(?:\w+:)?si\b(?:[^>]*/>|.*?</(?:\w+:)?si>)", re.DOTALL)
_XF = re.compile(rb"<(?:\w+:)?xf\b(?:[^>]*/>|.*?</(?:\w+:)?xf>)", re.DOTALL)
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")


def _relationships(rels: bytes) -> dict[str, tuple[str, str]]:
    out = {}
    for match in _REL.finditer(rels):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', match.group(0)))
        out[attrs.get(b"Id", b"").decode()] = (
            attrs.get(b"Type", b"").decode(),
            _target(attrs.get(b"Target", b"").decode()),
        )
    return out


def _target(target: str) -> str:
    import posixpath

    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else "xl/" + target)


def _other_relationships(rels: bytes) -> set[tuple[str, str]]:
    """The workbook's relationships but its worksheets (shared strings, styles, theme...)."""
    return {r for r in _relationships(rels).values() if not r[0].endswith("/worksheet")}


def _prefix(old: bytes, new: bytes, element: re.Pattern[bytes]) -> bool:
    """Every `element` of `old`, byte for byte, in the same place at the start of `new`."""
    if old == new:
        return True
    was = element.findall(old)
    return was == element.findall(new)[: len(was)]


def _section(xml: bytes, tag: bytes) -> bytes:
    match = re.search(rb"<(?:\w+:)?" + tag + rb"\b.*?</(?:\w+:)?" + tag + rb">", xml, re.DOTALL)
    return match.group(0) if match else b""


def _same_styles(old: bytes, new: bytes) -> bool:
    """Each cell format of `old` is at the same index in `new`, as are the number formats."""
    if old == new:
        return True
    if not _prefix(_section(old, b"cellXfs"), _section(new, b"cellXfs"), _XF):
        return False
    formats = set(_NUMFMT.findall(_section(new, b"numFmts")))
    return all(f in formats for f in _NUMFMT.findall(_section(old, b"numFmts")))


def _write_file(path: Path, arrow: Any) -> None:
    """The cache file of `path` from `arrow`, atomically, with the workbook's permission bits."""
    from ladder_sheets.columnar import write_parquet

    _write_with(path, lambda tmp: write_parquet(arrow, tmp, ascending(arrow.schema.names)))


def _write_with(path: Path, write: Callable[[Path], None]) -> None:
    """The cache file of `path` as `write(file)` writes it, atomically, with the workbook's
    permission bits."""
    file = cache_path(path)
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        mode = path.stat().st_mode & 0o666
        # created with the workbook's permission bits (os.open applies the umask on top)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.close(fd)
        write(tmp)
        _hide(tmp)
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def save(path: Path, cached: CachedHistory | None) -> None:
    """Write the cache of `path` from a reading whose history was typed; silently nothing
    when it cannot be written (a read-only folder costs only speed)."""
    both = _encoded(path, cached)
    if both is not None:
        _write_or_drop(path, both)


def save_beside(path: Path, cached: CachedHistory | None) -> threading.Thread | None:
    """save, the file written in a thread (pyarrow's Parquet writer leaves the GIL) while
    the caller goes on: the history is encoded here, into Arrow arrays nothing changes any
    more, so the thread reads no object the caller may write to. Join the thread before
    the cache is needed (check joins it before it returns); None when there is nothing to
    write."""
    both = _encoded(path, cached)
    if both is None:
        return None
    thread = threading.Thread(
        target=_write_or_drop, args=(path, both), name="cache-writer", daemon=False
    )
    thread.start()
    return thread


def _write_or_drop(path: Path, both: Any) -> None:
    try:
        _write_file(path, both)
    except Exception:  # read-only folder, full disk
        drop(path)


def _encoded(path: Path, cached: CachedHistory | None) -> Any:
    """The cache's Arrow table for a reading whose history was typed, or None (nothing to
    save, or a value the codec cannot keep exactly: then the stale cache is dropped)."""
    if cached is None or not cached.pending or cached.saved or cached.typed is None:
        return None
    cached.saved = True
    try:
        import pyarrow as pa

        from ladder_sheets.columnar import table_to_arrow

        key = key_members(path, cached.sheets)
        if key is None:
            raise OSError("the workbook's parts could not be listed")
        raw, typed = table_to_arrow(cached.raw), table_to_arrow(cached.typed)
        file_name = str(cached.raw.file or path)
        meta = {
            "version": VERSION,
            "members": key,
            "sheets": cached.sheets,
            "assigned": [list(a) for a in cached.assigned],
            "context": cached.context,
            "rows": len(cached.raw),
            "read_findings": [_plain(f, file_name) for f in cached.read_findings],
            "type_findings": [_plain(f, file_name) for f in cached.type_findings or []],
            "layouts": [dataclasses.asdict(x) for x in cached.layouts],
        }
        names = [f"r/{n}" for n in raw.column_names] + [f"t/{n}" for n in typed.column_names]
        arrays = [*raw.columns, *typed.columns]
        for name, array in fact_columns(cached.facts):
            names.append(name)
            arrays.append(array)
        both = pa.Table.from_arrays(arrays, names=names)
        return both.replace_schema_metadata(
            {
                _META: json.dumps(meta).encode(),
                b"r/": raw.schema.metadata[b"ladder-sheets"],
                b"t/": typed.schema.metadata[b"ladder-sheets"],
            }
        )
    except Exception:  # the parts not listed, a value the codec cannot keep exactly
        drop(path)
        return None


def drop(path: Path) -> None:
    """Remove the cache of `path` (a stale one must not keep deleted rows)."""
    with contextlib.suppress(OSError):
        cache_path(path).unlink()


def ascending(names: Sequence[str]) -> list[str]:
    """The cache file's columns of numbers counting up row by row (the sheet row of each row
    of the history, as read and as typed; the code of each row's rating key, numbered in
    order of first appearance): written as their differences (columnar.write_parquet)."""
    return [n for n in names if n in ("r/row", "t/row", f"{_FACT}code")]


def _columns(arrow: Any, prefix: str) -> Any:
    import pyarrow as pa

    names = [n for n in arrow.column_names if n.startswith(prefix)]
    table = pa.Table.from_arrays(
        [arrow.column(n) for n in names], names=[n[len(prefix) :] for n in names]
    )
    layout = (arrow.schema.metadata or {})[prefix.encode()]
    return table.replace_schema_metadata({b"ladder-sheets": layout})


_FACT = "k/"  # the columns of `CachedHistory.facts`


def fact_columns(facts: dict[str, np.ndarray] | None) -> list[tuple[str, Any]]:
    """The cache file's columns of `CachedHistory.facts`: (name, Arrow array)."""
    return [(f"{_FACT}{name}", _fact_array(values)) for name, values in (facts or {}).items()]


def _facts(arrow: Any, rows: int) -> dict[str, np.ndarray] | None:
    """The facts kept beside the typed history (None: a cache made without them)."""
    names = [n for n in arrow.column_names if n.startswith(_FACT)]
    if not names:
        return None
    import pyarrow as pa

    out = {}
    for name in names:
        column = arrow.column(name).combine_chunks()
        if len(column) != rows or column.null_count:
            return None  # not what was saved
        if isinstance(column, pa.DictionaryArray):  # texts: each distinct one made once
            distinct = np.asarray(column.dictionary.to_pylist(), dtype=object)
            values = distinct[column.indices.to_numpy()]
        else:
            values = column.to_numpy(zero_copy_only=False)
        out[name[len(_FACT) :]] = values
    return out


def _fact_array(values: np.ndarray) -> Any:
    """One of `CachedHistory.facts` as Arrow: texts dictionary-encoded (a history repeats a
    few thousand keys a million times), integers as they are."""
    import pandas as pd
    import pyarrow as pa

    if values.dtype != object:
        return pa.array(values)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(list(distinct), type=pa.string())
    )


def _plain(finding: Finding, file: str) -> dict[str, Any]:
    where = dataclasses.asdict(finding.where)
    if where["file"] == file:
        where["file"] = _FILE
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "where": where,
        "count": finding.count,
        "places": list(finding.places),
    }


def _finding(plain: dict[str, Any], file: str) -> Finding:
    where = dict(plain["where"])
    if where["file"] == _FILE:
        where["file"] = file
    return Finding(
        plain["code"],
        Severity(plain["severity"]),
        plain["message"],
        plain["hint"],
        Where(**where),
        plain["count"],
        tuple(plain["places"]),
    )


def _layout(plain: dict[str, Any]) -> dict[str, Any]:
    out = dict(plain)
    out["headers"] = {int(k): v for k, v in plain["headers"].items()}  # JSON keys are text
    return out


def _hide(file: Path) -> None:
    """Windows shows dot files: mark the cache hidden there."""
    if os.name != "nt":
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(file), 0x02)  # type: ignore[attr-defined]


__all__ = [
    "CacheFile",
    "Carry",
    "CachedHistory",
    "Layout",
    "LazyTable",
    "Lookup",
    "cache_path",
    "carry_from",
    "carry_to",
    "context",
    "drop",
    "save",
]
