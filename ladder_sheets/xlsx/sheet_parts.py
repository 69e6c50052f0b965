"""Moving a sheet's related parts (drawings, charts, images, comments, tables) between packages.

A generated sheet may carry parts of its own through its .rels file. On replacement the old
sheet's parts are removed unless some other part still refers to them; the scratch sheet's parts
are copied in under names that do not collide with HR's, with their relationships re-pointed,
their content types declared and table ids renumbered (table ids are unique per workbook).
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from ladder_sheets.errors import WriteRefused
from ladder_sheets.xlsx.package import (
    Package,
    Rel,
    add_content_type,
    content_type_of,
    drop_content_type,
    parse_rels,
    relative,
    rels_path,
    resolve,
)
from ladder_sheets.xlsx.xmltext import escape_attr

TABLE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
IGNORED_FOR_EDITS = ("printerSettings",)


def closure(pkg: Package, part: str) -> set[str]:
    """Every member reachable from `part` through internal relationships (not `part`)."""
    seen: set[str] = set()
    todo = [part]
    while todo:
        current = todo.pop()
        for member in pkg.targets(current).values():
            if member not in seen and member != part and member in pkg.names():
                seen.add(member)
                todo.append(member)
    return seen


def rel_kinds(pkg: Package, part: str) -> list[str]:
    """The sorted relationship types of `part` (minus printer settings and drawings that draw
    nothing): part of what marks a generated sheet as unedited, so a chart or comment HR added
    to it counts as an edit, and a LibreOffice save (which gives every sheet with a filter an
    empty drawing) does not."""
    kinds = [
        r.type.rsplit("/", 1)[-1]
        for r in pkg.rels(part)
        if r.external or not _empty_drawing(pkg, r, resolve(part, r.target))
    ]
    return sorted(k for k in kinds if k not in IGNORED_FOR_EDITS)


_ANCHOR = re.compile(rb"<(?:\w+:)?(?:twoCellAnchor|oneCellAnchor|absoluteAnchor)\b")


def _empty_drawing(pkg: Package, rel: Rel, target: str) -> bool:
    if not rel.type.endswith("/drawing") or target not in pkg.names():
        return False
    return _ANCHOR.search(pkg.read(target)) is None


def remove_sheet_parts(pkg: Package, part: str) -> None:
    """Remove `part`'s .rels and the parts only it refers to; keep `part` itself."""
    owned = closure(pkg, part)
    own_rels = {rels_path(m) for m in owned | {part}}
    still_used: set[str] = set()
    for member in pkg.names():
        if member.endswith(".rels") and member not in own_rels:
            source = _source_of_rels(member)
            for rel in parse_rels(pkg.read(member)):
                if not rel.external:
                    still_used.add(resolve(source, rel.target))
    ct = pkg.read("[Content_Types].xml")
    for member in owned - still_used:
        pkg.remove(member)
        if rels_path(member) in pkg.names():
            pkg.remove(rels_path(member))
        ct = drop_content_type(ct, member)
    if rels_path(part) in pkg.names():
        pkg.remove(rels_path(part))
    pkg.write("[Content_Types].xml", ct)


def copy_sheet_parts(
    pkg: Package, scratch: zipfile.ZipFile, scratch_part: str, new_part: str
) -> None:
    """Copy the scratch sheet's related parts into `pkg` for the sheet now at `new_part`."""
    scratch_names = set(scratch.namelist())
    scratch_ct = scratch.read("[Content_Types].xml")
    names: dict[str, str] = {scratch_part: new_part}
    todo = [scratch_part]
    ct = pkg.read("[Content_Types].xml")
    next_table_id = _max_table_id(pkg, ct) + 1
    table_names = _table_names(pkg, ct)
    while todo:
        source = todo.pop(0)
        source_rels = rels_path(source)
        if source_rels not in scratch_names:
            continue
        rels = parse_rels(scratch.read(source_rels))
        for rel in rels:
            if rel.external:
                continue
            member = resolve(source, rel.target)
            if member in names or member not in scratch_names:
                continue
            names[member] = pkg.free_name(member)
            data = scratch.read(member)
            kind = content_type_of(scratch_ct, member) or "application/octet-stream"
            if kind == TABLE_TYPE:
                data, next_table_id = _renumber_table(data, next_table_id, table_names)
            pkg.write(names[member], data)
            ct = add_content_type(ct, names[member], kind)
            todo.append(member)
        pkg.write(rels_path(names[source]), _rels_xml(rels, source, names))
    pkg.write("[Content_Types].xml", ct)


def _rels_xml(rels: list[Rel], source: str, names: dict[str, str]) -> bytes:
    entries = []
    for rel in rels:
        if rel.external:
            target, mode = rel.target, ' TargetMode="External"'
        else:
            member = resolve(source, rel.target)
            target, mode = relative(names[source], names.get(member, member)), ""
        entries.append(
            f'<Relationship Id="{escape_attr(rel.id)}" Type="{escape_attr(rel.type)}"'
            f' Target="{escape_attr(target)}"{mode}/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(entries)
        + "</Relationships>"
    ).encode("utf-8")


def _source_of_rels(member: str) -> str:
    folder, name = posixpath.split(member)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _table_parts(pkg: Package, ct: bytes) -> list[str]:
    return [m for m in pkg.names() if m.endswith(".xml") and content_type_of(ct, m) == TABLE_TYPE]


def _max_table_id(pkg: Package, ct: bytes) -> int:
    highest = 0
    for member in _table_parts(pkg, ct):
        found = re.search(rb'<(?:\w+:)?table\b[^>]*?\bid="(\d+)"', pkg.read(member)[:4096])
        if found:
            highest = max(highest, int(found.group(1)))
    return highest


def _table_names(pkg: Package, ct: bytes) -> set[str]:
    out = set()
    for member in _table_parts(pkg, ct):
        found = re.search(rb'\bdisplayName="([^"]*)"', pkg.read(member)[:4096])
        if found:
            out.add(found.group(1).decode("utf-8").casefold())
    return out


def _renumber_table(data: bytes, table_id: int, taken: set[str]) -> tuple[bytes, int]:
    text = data.decode("utf-8")
    found = re.search(r'\bdisplayName="([^"]*)"', text)
    if found and found.group(1).casefold() in taken:
        raise WriteRefused(
            f"a generated table is named '{found.group(1)}', like a table in the workbook",
            hint="table names are unique in a workbook: rename the workbook's table",
        )
    text = re.sub(r'(<table\b[^>]*?\bid=")\d+"', rf'\g<1>{table_id}"', text, count=1)
    return text.encode("utf-8"), table_id + 1
