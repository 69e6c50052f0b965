"""The OPC zip package of a workbook, edited part by part without re-saving what is kept.

`Package` reads the original zip once: member order, compression and raw (still compressed)
bytes. Parts the write-back changes are set as new bytes; every other member is copied to the
output as its original compressed stream, so it stays byte-identical and costs no recompression.
Relationship (.rels) files and [Content_Types].xml are read with defusedxml and edited as text, so
prefixes, ordering and unknown extensions in them survive.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from defusedxml import ElementTree as SafeET

from ladder_sheets.xlsx.xmltext import escape_attr

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_LOCAL_HEADER = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4sHHHHLLH")
_DATA_DESCRIPTOR_FLAG = 0x08
_ZIP32_LIMIT = 0xFFFFFFFF - 1


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # as written in the .rels file
    external: bool


def rels_path(part: str) -> str:
    """The .rels member that holds `part`'s relationships (part without leading slash)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    """The member name a relationship target points to, relative to its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target))


def relative(source_part: str, member: str) -> str:
    return posixpath.relpath(member, posixpath.dirname(source_part) or ".")


def parse_rels(data: bytes) -> list[Rel]:
    root = SafeET.fromstring(data)
    out = []
    for el in root:
        if el.tag != f"{{{REL_NS}}}Relationship":
            continue
        out.append(
            Rel(
                id=el.get("Id", ""),
                type=el.get("Type", ""),
                target=el.get("Target", ""),
                external=el.get("TargetMode") == "External",
            )
        )
    return out


STORED = zipfile.ZIP_STORED


def _deflate(data: bytes) -> tuple[bytes, int]:
    """A member's raw-deflate body and CRC-32, as save writes them."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data)


def check_well_formed(member: str, data: bytes | Iterable[bytes]) -> None:
    """Raise ValueError naming the member if `data` (or its pieces, in order) is not
    well-formed XML."""
    parser = expat.ParserCreate()
    try:
        for piece in [data] if isinstance(data, bytes) else data:
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ValueError(f"{member}: XML not well-formed after write-back ({exc})") from None


class Package:
    """An opened workbook package: original members plus the edits to write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path)
        self.infos = {info.filename: info for info in self._zip.infolist()}
        self.order = [info.filename for info in self._zip.infolist()]
        self.changed: dict[str, bytes] = {}
        # members set as already-compressed bytes (an appended sheet): body, crc, size
        self.compressed: dict[str, tuple[bytes, int, int]] = {}
        self.removed: set[str] = set()
        self.added: list[str] = []
        # changed members being deflated ahead of save: the data given, its body and CRC
        self._ahead: dict[str, tuple[bytes, Future[tuple[bytes, int]]]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._ahead.clear()
        self._zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading
    def names(self) -> list[str]:
        return [n for n in self.order if n not in self.removed] + self.added

    def exists(self, member: str) -> bool:
        folded = member.casefold()
        return any(n.casefold() == folded for n in self.names())

    def read(self, member: str) -> bytes:
        if member in self.changed:
            return self.changed[member]
        if member in self.compressed:
            return zlib.decompress(self.compressed[member][0], -15)
        if member in self.removed:
            raise KeyError(member)
        return self._zip.read(member)

    def open(self, member: str) -> BinaryIO:
        """The original member as a stream, decompressed as it is read."""
        return self._zip.open(member)  # type: ignore[return-value]

    def raw(self, member: str) -> bytes | None:
        """The original member's compressed bytes when it is deflated (None otherwise)."""
        info = self.infos.get(member)
        if info is None or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            return None
        with open(self.path, "rb") as src:
            src.seek(info.header_offset)
            fields = _LOCAL_HEADER.unpack(src.read(_LOCAL_HEADER.size))
            src.seek(fields[9] + fields[10], 1)  # skip name and extra field
            body = src.read(info.compress_size)
        return body if len(body) == info.compress_size else None

    def rels(self, part: str) -> list[Rel]:
        member = rels_path(part)
        return parse_rels(self.read(member)) if member in self.names() else []

    def targets(self, part: str) -> dict[str, str]:
        """rId -> member name for the internal relationships of `part`."""
        return {r.id: resolve(part, r.target) for r in self.rels(part) if not r.external}

    # editing
    def write(self, member: str, data: bytes) -> None:
        self.removed.discard(member)
        self.compressed.pop(member, None)
        if member not in self.order and member not in self.added:
            self.added.append(member)
        self.changed[member] = data

    def write_compressed(self, member: str, body: bytes, crc: int, size: int) -> None:
        """Set an existing member to raw-deflate `body` (of `size` bytes, CRC-32 `crc`)."""
        if member not in self.infos or member in self.removed:
            raise KeyError(member)
        self.changed.pop(member, None)
        self.compressed[member] = (body, crc, size)

    def deflate_ahead(self, smallest: int = 1 << 20) -> None:
        """Start deflating the changed members of `smallest` bytes or more in two threads
        (zlib lets go of the interpreter while it works), so what comes before save, such as
        checking the XML, runs beside it. save takes the bodies made for the data it writes and
        deflates anything else itself: the bytes are the same."""
        for member, data in self.changed.items():
            info = self.infos.get(member)
            if len(data) < smallest or (info is not None and info.compress_type == STORED):
                continue
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="deflate")
            self._ahead[member] = (data, self._pool.submit(_deflate, data))

    def remove(self, member: str) -> None:
        self.changed.pop(member, None)
        self.compressed.pop(member, None)
        if member in self.added:
            self.added.remove(member)
        elif member in self.infos:
            self.removed.add(member)

    def free_name(self, wanted: str) -> str:
        """`wanted` if no member has that name (case-insensitively), else the same name with the
        first free number: xl/drawings/drawing1.xml -> xl/drawings/drawing3.xml."""
        taken = {n.casefold() for n in self.names()}
        if wanted.casefold() not in taken:
            return wanted
        folder, name = posixpath.split(wanted)
        match = re.fullmatch(r"(.*?)(\d*)(\.[^.]+)", name)
        stem, ext = (match.group(1), match.group(3)) if match else (name, "")
        n = 1
        while posixpath.join(folder, f"{stem}{n}{ext}").casefold() in taken:
            n += 1
        return posixpath.join(folder, f"{stem}{n}{ext}")

    # writing
    def save(self, out: BinaryIO) -> None:
        """Write the package: kept members as their original compressed bytes, in their
        original order; changed members recompressed at their place; new ones at the end."""
        entries: list[tuple[zipfile.ZipInfo, int, int, int, int]] = []
        raw_source = self.path.open("rb")
        try:
            for member in self.names():
                info = self.infos.get(member)
                if member in self.compressed and info is not None:
                    entries.append(self._write_compressed(out, info, *self.compressed[member]))
                elif member in self.changed or info is None:
                    entries.append(self._write_new(out, member, self.changed[member], info))
                else:
                    entries.append(self._copy_raw(out, raw_source, info))
        finally:
            raw_source.close()
        self._write_directory(out, entries)

    def _copy_raw(
        self, out: BinaryIO, src: BinaryIO, info: zipfile.ZipInfo
    ) -> tuple[zipfile.ZipInfo, int, int, int, int]:
        src.seek(info.header_offset)
        fields = _LOCAL_HEADER.unpack(src.read(_LOCAL_HEADER.size))
        src.seek(fields[9] + fields[10], 1)  # skip name and extra field
        offset = out.tell()
        flags = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG
        self._local_header(out, info, flags, info.compress_type, info.CRC, info.compress_size)
        remaining = info.compress_size
        while remaining:
            chunk = src.read(min(remaining, 1 << 20))
            if not chunk:
                raise ValueError(f"{info.filename}: truncated member in the original workbook")
            out.write(chunk)
            remaining -= len(chunk)
        return info, offset, flags, info.compress_size, info.CRC

    def _write_new(
        self, out: BinaryIO, member: str, data: bytes, like: zipfile.ZipInfo | None
    ) -> tuple[zipfile.ZipInfo, int, int, int, int]:
        info = zipfile.ZipInfo(member, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
        info.file_size = len(data)
        info.external_attr = like.external_attr if like else 0o600 << 16
        stored = like is not None and like.compress_type == STORED
        info.compress_type = STORED if stored else zipfile.ZIP_DEFLATED
        ahead = self._ahead.pop(member, None)
        if stored:
            body, crc = data, zlib.crc32(data)
        elif ahead is not None and ahead[0] is data:  # deflated ahead, and not changed since
            body, crc = ahead[1].result()
        else:
            body, crc = _deflate(data)
        flags = 0x800 if not member.isascii() else 0
        offset = out.tell()
        info.compress_size = len(body)
        info.CRC = crc
        self._local_header(out, info, flags, info.compress_type, crc, len(body))
        out.write(body)
        return info, offset, flags, len(body), crc

    def _write_compressed(
        self, out: BinaryIO, like: zipfile.ZipInfo, body: bytes, crc: int, size: int
    ) -> tuple[zipfile.ZipInfo, int, int, int, int]:
        info = zipfile.ZipInfo(like.filename, date_time=like.date_time)
        info.file_size = size
        info.external_attr = like.external_attr
        info.compress_type = zipfile.ZIP_DEFLATED
        info.compress_size = len(body)
        info.CRC = crc
        flags = 0x800 if not like.filename.isascii() else 0
        offset = out.tell()
        self._local_header(out, info, flags, info.compress_type, crc, len(body))
        out.write(body)
        return info, offset, flags, len(body), crc

    @staticmethod
    def _name_bytes(info: zipfile.ZipInfo, flags: int) -> bytes:
        return info.filename.encode("utf-8" if flags & 0x800 else "cp437")

    def _local_header(
        self, out: BinaryIO, info: zipfile.ZipInfo, flags: int, method: int, crc: int, csize: int
    ) -> None:
        if max(csize, info.file_size, out.tell()) > _ZIP32_LIMIT:
            raise ValueError("workbook larger than 4 GiB: not supported by the write-back")
        name = self._name_bytes(info, flags)
        dostime, dosdate = _dos_time(info.date_time)
        out.write(
            _LOCAL_HEADER.pack(
                b"PK\x03\x04",
                20,
                flags,
                method,
                dostime,
                dosdate,
                crc,
                csize,
                info.file_size,
                len(name),
                0,
            )  # fmt: skip
        )
        out.write(name)

    def _write_directory(
        self, out: BinaryIO, entries: list[tuple[zipfile.ZipInfo, int, int, int, int]]
    ) -> None:
        start = out.tell()
        for info, offset, flags, csize, crc in entries:
            name = self._name_bytes(info, flags)
            dostime, dosdate = _dos_time(info.date_time)
            out.write(
                _CENTRAL_HEADER.pack(
                    b"PK\x01\x02",
                    20,
                    info.create_system,
                    20,
                    0,
                    flags,
                    info.compress_type,
                    dostime,
                    dosdate,
                    crc,
                    csize,
                    info.file_size,
                    len(name),
                    0,
                    0,
                    0,
                    info.internal_attr,
                    info.external_attr,
                    offset,
                )  # fmt: skip
            )
            out.write(name)
        size = out.tell() - start
        if len(entries) > 0xFFFF or start > _ZIP32_LIMIT:
            raise ValueError("too many members for the write-back")
        out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), size, start, 0))


def _dos_time(dt: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year = max(dt[0], 1980)
    return dt[3] << 11 | dt[4] << 5 | (dt[5] // 2), (year - 1980) << 9 | dt[1] << 5 | dt[2]


# [Content_Types].xml


def content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(defaults by lower-case extension, overrides by member name without leading slash)."""
    root = SafeET.fromstring(data)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in root:
        if el.tag == f"{{{CT_NS}}}Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif el.tag == f"{{{CT_NS}}}Override":
            overrides[el.get("PartName", "").lstrip("/")] = el.get("ContentType", "")
    return defaults, overrides


def content_type_of(data: bytes, member: str) -> str | None:
    defaults, overrides = content_types(data)
    for name, kind in overrides.items():
        if name.casefold() == member.casefold():
            return kind
    return defaults.get(posixpath.splitext(member)[1].lstrip(".").lower())


def add_content_type(data: bytes, member: str, kind: str) -> bytes:
    """Declare `member`'s type: through an existing Default for its extension when that
    matches, else an Override."""
    if content_type_of(data, member) == kind:
        return data
    text = data.decode("utf-8")
    entry = f'<Override PartName="/{escape_attr(member)}" ContentType="{escape_attr(kind)}"/>'
    return _insert_before_close(text, "Types", entry).encode("utf-8")


def drop_content_type(data: bytes, member: str) -> bytes:
    text = data.decode("utf-8")
    pattern = re.compile(
        r"<(?:\w+:)?Override\b[^>]*?PartName=\"/" + re.escape(member) + r"\"[^>]*?/>",
        re.IGNORECASE,
    )
    return pattern.sub("", text).encode("utf-8")


def add_rel(data: bytes | None, rel_id: str, kind: str, target: str) -> bytes:
    entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{escape_attr(target)}"/>'
    if data is None:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{REL_NS}">{entry}</Relationships>'
        ).encode()
    return _insert_before_close(data.decode("utf-8"), "Relationships", entry).encode("utf-8")


def free_rel_id(rels: list[Rel]) -> Iterator[str]:
    taken = {r.id for r in rels}
    n = 1
    while True:
        if f"rId{n}" not in taken:
            taken.add(f"rId{n}")
            yield f"rId{n}"
        n += 1


def _insert_before_close(text: str, tag: str, entry: str) -> str:
    closings = list(re.finditer(r"</(?:\w+:)?" + tag + r"\s*>", text))
    match = closings[-1] if closings else None
    if match is None:  # an empty root written as <Types .../>
        empty = re.search(r"<((?:\w+:)?" + tag + r")\b([^>]*?)/>", text)
        if empty is None:
            raise ValueError(f"no <{tag}> element")
        return (
            text[: empty.start()]
            + f"<{empty.group(1)}{empty.group(2)}>{entry}</{empty.group(1)}>"
            + text[empty.end() :]
        )
    prefix = re.match(r"</(\w+:)?", match.group(0))
    if prefix and prefix.group(1):
        entry = re.sub(r"<(/?)(\w+)", rf"<\1{prefix.group(1)}\2", entry)
    return text[: match.start()] + entry + text[match.start() :]
