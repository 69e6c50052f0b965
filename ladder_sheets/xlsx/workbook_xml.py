"""workbook.xml, docProps/app.xml and calcChain.xml: read with defusedxml, edited as text.

Only the places that must change are touched: a <sheet> appended at the end of <sheets>, defined
names added or removed one element at a time, a count and a title in app.xml, the entries of a
replaced sheet in calcChain.xml. Everything else in these parts keeps its bytes.

The marker of a generated sheet is a hidden defined name scoped to that sheet,
`_ladder_sheets_generated`, whose value is a string
`"v1|<content sha256>|<sheet XML sha256, 32 hex digits>|<sheet name>"`. A sheet-scoped name
travels with its sheet when HR moves, renames or copies it, and Excel and LibreOffice keep
hidden names, so the marker survives an Excel save. The XML hash is the quick test that the
sheet is untouched; when it differs (any save rewrites the XML) the content hash decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from ladder_sheets.xlsx.package import OFFICE_REL
from ladder_sheets.xlsx.styles_merge import MAIN_NS
from ladder_sheets.xlsx.xmltext import escape_attr, escape_text, unescape

MARKER_NAME = "_ladder_sheets_generated"
MARKER_VERSION = "v1"
_DEFINED_NAME = re.compile(
    r"<(?:\w+:)?definedName\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?definedName>)", re.DOTALL
)


@dataclass(frozen=True)
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    state: str  # visible, hidden, veryHidden


@dataclass(frozen=True)
class DefinedName:
    name: str
    local_sheet: int | None
    value: str
    start: int  # span of the element in workbook.xml
    end: int


@dataclass(frozen=True)
class Marker:
    sheet_index: int
    content_hash: str
    raw_hash: str  # of the sheet XML as written: a quick "untouched since" test
    recorded_name: str


@dataclass(frozen=True)
class Book:
    sheets: list[SheetEntry]
    names: list[DefinedName]
    date1904: bool
    strict: bool

    def markers(self) -> list[Marker]:
        out = []
        for name in self.names:
            if name.name != MARKER_NAME or name.local_sheet is None:
                continue
            parsed = parse_marker(name.value)
            if parsed is not None:
                out.append(Marker(name.local_sheet, *parsed))
        return out


def read_book(data: bytes) -> Book:
    root = SafeET.fromstring(data)
    strict = not root.tag.startswith(f"{{{MAIN_NS}}}")
    rid_attr = f"{{{OFFICE_REL}}}id"
    sheets = []
    pr: Element | None = None
    for child in root:
        local = child.tag.rsplit("}", 1)[-1]
        if local == "workbookPr":
            pr = child
        if local != "sheets":
            continue
        for sheet in child:
            sheets.append(
                SheetEntry(
                    name=sheet.get("name", ""),
                    sheet_id=int(sheet.get("sheetId", "0")),
                    rel_id=sheet.get(rid_attr, ""),
                    state=sheet.get("state", "visible"),
                )
            )
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    return Book(sheets, _defined_names(data.decode("utf-8")), date1904, strict)


def _defined_names(text: str) -> list[DefinedName]:
    out = []
    for match in _DEFINED_NAME.finditer(text):
        element = SafeET.fromstring(
            f'<definedName xmlns="{MAIN_NS}"{match.group(1)}>{match.group(2) or ""}</definedName>'
        )
        local = element.get("localSheetId")
        out.append(
            DefinedName(
                name=element.get("name", ""),
                local_sheet=int(local) if local is not None and local.isdigit() else None,
                value=element.text or "",
                start=match.start(),
                end=match.end(),
            )
        )
    return out


def marker_value(content_hash: str, raw_hash: str, sheet_name: str) -> str:
    text = f"{MARKER_VERSION}|{content_hash}|{raw_hash}|{sheet_name}".replace('"', '""')
    return f'"{text}"'


def parse_marker(value: str) -> tuple[str, str, str] | None:
    """(content hash, raw hash, sheet name) of a marker value, None if it is not one."""
    value = value.strip()
    if not (value.startswith('"') and value.endswith('"')):
        return None
    parts = value[1:-1].replace('""', '"').split("|", 3)
    if len(parts) != 4 or parts[0] != MARKER_VERSION:
        return None
    return parts[1], parts[2], parts[3]


def defined_name_xml(name: str, local_sheet: int, value: str, hidden: bool) -> str:
    hidden_attr = ' hidden="1"' if hidden else ""
    return (
        f'<definedName name="{escape_attr(name)}" localSheetId="{local_sheet}"{hidden_attr}>'
        f"{escape_attr(value)}</definedName>"
    )


def append_sheet(data: bytes, name: str, sheet_id: int, rel_id: str) -> bytes:
    text = data.decode("utf-8")
    prefix = _prefix(text, "workbook")
    r_prefix = _ns_prefix(text, OFFICE_REL)
    r_decl = "" if r_prefix else f' xmlns:r="{OFFICE_REL}"'
    r_prefix = r_prefix or "r"
    entry = (
        f'<{prefix}sheet name="{escape_attr(name)}" sheetId="{sheet_id}"{r_decl}'
        f' {r_prefix}:id="{rel_id}"/>'
    )
    closing = re.search(rf"</{re.escape(prefix)}sheets\s*>", text)
    if closing is None:
        raise ValueError("workbook.xml has no <sheets> list")
    return (text[: closing.start()] + entry + text[closing.start() :]).encode("utf-8")


def edit_defined_names(data: bytes, drop: list[DefinedName], add: list[str]) -> bytes:
    """Remove the `drop` elements (by their spans) and append the `add` elements."""
    text = data.decode("utf-8")
    for name in sorted(drop, key=lambda n: n.start, reverse=True):
        text = text[: name.start] + text[name.end :]
    prefix = _prefix(text, "workbook")
    entries = "".join(re.sub(r"<(/?)(\w+)", rf"<\1{prefix}\2", e) for e in add) if prefix else ""
    entries = entries or "".join(add)
    block = re.search(rf"<{re.escape(prefix)}definedNames\b[^>]*?(/?)>", text)
    if block and block.group(1):  # <definedNames/>
        tag = f"{prefix}definedNames"
        return (text[: block.start()] + f"<{tag}>{entries}</{tag}>" + text[block.end() :]).encode()
    if block:
        closing = text.index(f"</{prefix}definedNames>", block.end())
        if not entries and not text[block.end() : closing].strip():
            text = text[: block.start()] + text[closing + len(f"</{prefix}definedNames>") :]
            return text.encode("utf-8")
        return (text[:closing] + entries + text[closing:]).encode("utf-8")
    if not entries:
        return text.encode("utf-8")
    # CT_Workbook order: definedNames follows sheets, functionGroups, externalReferences.
    anchor = 0
    for tag in ("sheets", "functionGroups", "externalReferences"):
        pattern = re.escape(prefix + tag)
        found = re.search(rf"</{pattern}\s*>|<{pattern}\b[^>]*/>", text)
        if found:
            anchor = found.end()
    tag = f"{prefix}definedNames"
    return (text[:anchor] + f"<{tag}>{entries}</{tag}>" + text[anchor:]).encode("utf-8")


def add_worksheet_titles(app_xml: bytes, worksheet_names: list[str], new: list[str]) -> bytes:
    """docProps/app.xml with `new` added to the worksheet titles, if its layout is the usual
    HeadingPairs/TitlesOfParts one; otherwise unchanged (the part is informational)."""
    text = app_xml.decode("utf-8")
    pairs = re.search(r"<HeadingPairs>(.*?)</HeadingPairs>", text, re.DOTALL)
    titles = re.search(r"<TitlesOfParts>(.*?)</TitlesOfParts>", text, re.DOTALL)
    if not (pairs and titles and new):
        return app_xml
    counts = list(re.finditer(r"<vt:i4>(\d+)</vt:i4>", pairs.group(1)))
    lpstrs = list(re.finditer(r"<vt:lpstr>(.*?)</vt:lpstr>", titles.group(1), re.DOTALL))
    known = {n.casefold() for n in worksheet_names}
    start = 0
    for index, count in enumerate(counts):
        block = lpstrs[start : start + int(count.group(1))]
        if block and any(unescape(t.group(1)).casefold() in known for t in block):
            insert_at = titles.start(1) + block[-1].end()
            entries = "".join(f"<vt:lpstr>{escape_text(n)}</vt:lpstr>" for n in new)
            text = text[:insert_at] + entries + text[insert_at:]
            count_at = pairs.start(1) + counts[index].start(1)
            old = counts[index].group(1)
            text = text[:count_at] + str(int(old) + len(new)) + text[count_at + len(old) :]
            size = re.compile(r'(<TitlesOfParts>\s*<vt:vector size=")(\d+)"')
            return size.sub(lambda m: f'{m.group(1)}{int(m.group(2)) + len(new)}"', text).encode()
        start += int(count.group(1))
    return app_xml


def drop_calc_chain_sheet(calc_chain: bytes, sheet_id: int) -> bytes | None:
    """calcChain.xml without the entries of `sheet_id` (an entry without i= belongs to the
    sheet of the entry before it); None when there were none to drop."""
    text = calc_chain.decode("utf-8")
    current = 0
    kept: list[str] = []
    dropped = False
    entries = list(re.finditer(r"<(?:\w+:)?c\b[^>]*?/>", text))
    if not entries:
        return None
    for entry in entries:
        found = re.search(r'\bi="(\d+)"', entry.group(0))
        explicit = found is not None
        if found:
            current = int(found.group(1))
        if current == sheet_id:
            dropped = True
            continue
        tag = entry.group(0)
        if not explicit:  # make the sheet explicit: its predecessor may have been dropped
            tag = tag.replace("/>", f' i="{current}"/>') if current else tag
        kept.append(tag)
    if not dropped:
        return None
    head = text[: entries[0].start()]
    tail = text[entries[-1].end() :]
    return (head + "".join(kept) + tail).encode("utf-8")


def _prefix(text: str, root: str) -> str:
    found = re.search(rf"<(\w+:)?{root}\b", text)
    return (found.group(1) or "") if found else ""


def _ns_prefix(text: str, uri: str) -> str | None:
    found = re.search(r'xmlns:(\w+)="' + re.escape(uri) + '"', text[:4096])
    return found.group(1) if found else None
