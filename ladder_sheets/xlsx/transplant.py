"""Transplanting scratch sheets into HR's package: the plan (add, replace, refuse) and the edits.

See `writeback` for the design. Each generated sheet is appended at the end of the sheet list or
replaces its earlier version in place (same part, position, sheetId and r:id); its marker is
rewritten with the hash of the new content.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ladder_sheets.errors import UnreadableFile, WriteRefused
from ladder_sheets.xlsx.package import (
    OFFICE_REL,
    Package,
    add_content_type,
    add_rel,
    free_rel_id,
    parse_rels,
    relative,
    rels_path,
    resolve,
)
from ladder_sheets.xlsx.sheet_parts import copy_sheet_parts, rel_kinds, remove_sheet_parts
from ladder_sheets.xlsx.sheet_xml import (
    adapt_sheet,
    content_hash,
    is_tab_selected,
    shared_items,
    shared_strings_text,
)
from ladder_sheets.xlsx.styles_merge import StyleMap, merge_styles
from ladder_sheets.xlsx.workbook_xml import (
    MARKER_NAME,
    Book,
    DefinedName,
    add_worksheet_titles,
    append_sheet,
    defined_name_xml,
    drop_calc_chain_sheet,
    edit_defined_names,
    marker_value,
    read_book,
)

WORKSHEET_REL = f"{OFFICE_REL}/worksheet"
STYLES_REL = f"{OFFICE_REL}/styles"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)


@dataclass
class Outcome:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (now called, generated as)


def workbook_part(pkg: Package) -> str:
    for rel in parse_rels(pkg.read("_rels/.rels")):
        if rel.type.endswith("/officeDocument") and not rel.external:
            return resolve("", rel.target)
    raise UnreadableFile(
        "the package has no workbook part",
        file=str(pkg.path),
        hint="the file is damaged; open it in Excel and save it again",
    )


def transplant(
    pkg: Package,
    book_part: str,
    book: Book,
    scratch: zipfile.ZipFile,
    force: bool,
    adopt: frozenset[str] = frozenset(),
    hashes: Mapping[str, str] | None = None,
) -> Outcome:
    """Add or replace the scratch workbook's sheets in `pkg`; what was done. `hashes` are the
    content hashes of scratch sheets taken as their cells were written (StreamSheet): the
    marker takes them instead of reading the sheet's XML again."""
    result = Outcome()
    scratch_book = read_book(scratch.read("xl/workbook.xml"))
    scratch_rels = parse_rels(scratch.read("xl/_rels/workbook.xml.rels"))
    scratch_targets = {r.id: resolve("xl/workbook.xml", r.target) for r in scratch_rels}
    kinds = {r.id: r.type for r in scratch_rels}
    if any(kinds.get(s.rel_id) != WORKSHEET_REL for s in scratch_book.sheets):
        raise ValueError("build() may add worksheets only (no chart sheets)")
    if any(n.local_sheet is None for n in scratch_book.names):
        raise ValueError("build() may define sheet-scoped names only ('Sheet'!name)")
    book_targets = pkg.targets(book_part)
    parts = [book_targets.get(s.rel_id, "") for s in book.sheets]
    replace = _plan(pkg, book, parts, scratch_book, force, adopt, result)

    styles = _merge_styles(pkg, book_part, book_targets, scratch)
    has_strings = "xl/sharedStrings.xml" in scratch.namelist()
    strings = shared_items(scratch.read("xl/sharedStrings.xml")) if has_strings else []
    book_xml = pkg.read(book_part)
    new_sheets: list[tuple[str, int, str]] = []
    book_rels = pkg.read(rels_path(book_part))
    rel_ids = free_rel_id(parse_rels(book_rels))
    next_sheet_id = max((s.sheet_id for s in book.sheets), default=0) + 1
    drop: list[DefinedName] = []
    add: list[str] = []
    added_names: list[str] = []

    for scratch_index, entry in enumerate(scratch_book.sheets):
        scratch_part = scratch_targets[entry.rel_id]
        if entry.name in replace:
            index = replace[entry.name]
            part = parts[index]
            selected = is_tab_selected(pkg.read(part))
            remove_sheet_parts(pkg, part)
            _drop_calc_chain(pkg, book_part, book_targets, book.sheets[index].sheet_id)
            result.replaced.append(book.sheets[index].name)
        else:
            index = len(book.sheets) + len(added_names)
            part = pkg.free_name(f"{_folder(book_part)}worksheets/sheet1.xml")
            selected = False
            rel_id = next(rel_ids)
            new_sheets.append((entry.name, next_sheet_id, rel_id))
            next_sheet_id += 1
            book_rels = add_rel(book_rels, rel_id, WORKSHEET_REL, relative(book_part, part))
            pkg.write(
                "[Content_Types].xml",
                add_content_type(pkg.read("[Content_Types].xml"), part, WORKSHEET_TYPE),
            )
            added_names.append(entry.name)
            result.added.append(entry.name)
        with scratch.open(scratch_part) as stream:
            sheet_xml = adapt_sheet(stream, styles, strings, selected=selected)
        pkg.write(part, sheet_xml)
        copy_sheet_parts(pkg, scratch, scratch_part, part)
        scoped = [n for n in scratch_book.names if n.local_sheet == scratch_index]
        new_names = {n.name.casefold() for n in scoped}
        drop += [
            n
            for n in book.names
            if n.local_sheet == index and n.name.casefold() in new_names | {MARKER_NAME.casefold()}
        ]
        add += [defined_name_xml(n.name, index, n.value, hidden=True) for n in scoped]
        written = (hashes or {}).get(entry.name)
        if written is None:
            digest = _sheet_hash(pkg, part, sheet_xml, [])
        else:
            rels = rel_kinds(pkg, part)
            digest = written + ":" + ",".join(rels) if rels else written
        marker = marker_value(digest, raw_hash(sheet_xml), entry.name)
        add.append(defined_name_xml(MARKER_NAME, index, marker, True))

    # names first: the spans in `drop` are offsets into the original workbook.xml
    book_xml = edit_defined_names(book_xml, drop, add)
    for sheet_name, sheet_id, rel_id in new_sheets:
        book_xml = append_sheet(book_xml, sheet_name, sheet_id, rel_id)
    pkg.write(book_part, book_xml)
    pkg.write(rels_path(book_part), book_rels)
    if added_names and "docProps/app.xml" in pkg.names():
        types = {r.id: r.type for r in pkg.rels(book_part)}
        worksheets = [s.name for s in book.sheets if types.get(s.rel_id) == WORKSHEET_REL]
        app = add_worksheet_titles(pkg.read("docProps/app.xml"), worksheets, added_names)
        if app != pkg.read("docProps/app.xml"):
            pkg.write("docProps/app.xml", app)
    return result


def _plan(
    pkg: Package,
    book: Book,
    parts: list[str],
    scratch_book: Book,
    force: bool,
    adopt: frozenset[str],
    result: Outcome,
) -> dict[str, int]:
    """Scratch sheet name -> index of the HR sheet it replaces; refuse what must not be."""
    markers = {m.sheet_index: m for m in book.markers()}
    by_name = {s.name.casefold(): i for i, s in enumerate(book.sheets)}
    generated = {s.name.casefold() for s in scratch_book.sheets}
    for index, marker in markers.items():
        if index >= len(book.sheets):
            continue
        now = book.sheets[index].name.casefold()
        if now not in generated and marker.recorded_name.casefold() != now:
            result.renamed.append((book.sheets[index].name, marker.recorded_name))
    replace: dict[str, int] = {}
    shared: list[str] | None = None

    def shared_strings() -> list[str]:
        nonlocal shared
        if shared is None:
            shared = _workbook_strings(pkg)
        return shared

    for entry in scratch_book.sheets:
        found = by_name.get(entry.name.casefold())
        if found is None:
            continue
        sheet = book.sheets[found]
        marked = markers.get(found)
        if entry.name.casefold() in adopt:
            # the caller read this sheet and writes its content back (Ratings History)
            replace[entry.name] = found
            continue
        if marked is None:
            raise WriteRefused(
                f"the workbook already has a sheet '{sheet.name}' that this tool did not make",
                file=str(pkg.path),
                sheet=sheet.name,
                hint=f"rename or delete the workbook's sheet '{sheet.name}' so the generated "
                "one can be written",
            )
        part = parts[found]
        # the quick test, a megabyte at a time (a 10,000-person Gap Analysis is 150 MB of XML);
        # else compare contents
        untouched = _member_raw_hash(pkg, part) == marked.raw_hash
        current = b"" if untouched or force else pkg.read(part)
        if (
            not untouched
            and not force
            and _sheet_hash(pkg, part, current, None, shared_strings) != marked.content_hash
            and _sheet_hash(pkg, part, current, None, shared_strings, legacy=True)
            != marked.content_hash
        ):
            raise WriteRefused(
                f"the generated sheet '{sheet.name}' was edited by hand since it was written",
                file=str(pkg.path),
                sheet=sheet.name,
                hint=f"rename the sheet '{sheet.name}' to keep your edits (a new one is then "
                "generated beside it), or run again with --force to overwrite them",
            )
        replace[entry.name] = found
    return replace


def raw_hash(sheet_xml: bytes) -> str:
    return hashlib.sha256(sheet_xml).hexdigest()[:32]


def _member_raw_hash(pkg: Package, member: str) -> str:
    """raw_hash of a member's XML, the original member read as a stream."""
    if member in pkg.changed or member in pkg.compressed or member in pkg.removed:
        return raw_hash(pkg.read(member))
    digest = hashlib.sha256()
    with pkg.open(member) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def _sheet_hash(
    pkg: Package,
    part: str,
    sheet_xml: bytes,
    strings: list[str] | None,
    shared: Callable[[], list[str]] | None = None,
    legacy: bool = False,
) -> str:
    cells = content_hash(sheet_xml, shared or (lambda: strings or []), legacy)
    return cells + ":" + ",".join(rel_kinds(pkg, part)) if rel_kinds(pkg, part) else cells


def _workbook_strings(pkg: Package) -> list[str]:
    book_part = workbook_part(pkg)
    for rel in pkg.rels(book_part):
        if rel.type.endswith("/sharedStrings") and not rel.external:
            return shared_strings_text(pkg.read(resolve(book_part, rel.target)))
    return []


def _merge_styles(
    pkg: Package, book_part: str, book_targets: dict[str, str], scratch: zipfile.ZipFile
) -> StyleMap:
    scratch_styles = scratch.read("xl/styles.xml")
    for rel in pkg.rels(book_part):
        if rel.type == STYLES_REL:
            member = book_targets[rel.id]
            merged, styles = merge_styles(pkg.read(member), scratch_styles)
            pkg.write(member, merged)
            return styles
    # No styles part (allowed, rare): start one with the default "Normal" style, then merge.
    member = pkg.free_name(f"{_folder(book_part)}styles.xml")
    merged, styles = merge_styles(MINIMAL_STYLES, scratch_styles)
    pkg.write(member, merged)
    rels = pkg.read(rels_path(book_part))
    rel_id = next(free_rel_id(parse_rels(rels)))
    pkg.write(rels_path(book_part), add_rel(rels, rel_id, STYLES_REL, relative(book_part, member)))
    pkg.write(
        "[Content_Types].xml",
        add_content_type(pkg.read("[Content_Types].xml"), member, STYLES_TYPE),
    )
    return styles


def _drop_calc_chain(
    pkg: Package, book_part: str, book_targets: dict[str, str], sheet_id: int
) -> None:
    for rel in pkg.rels(book_part):
        if rel.type.endswith("/calcChain"):
            member = book_targets[rel.id]
            trimmed = drop_calc_chain_sheet(pkg.read(member), sheet_id)
            if trimmed is not None:
                pkg.write(member, trimmed)


def _folder(part: str) -> str:
    return part.rsplit("/", 1)[0] + "/" if "/" in part else ""
