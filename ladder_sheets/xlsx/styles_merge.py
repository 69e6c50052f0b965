"""Append the scratch workbook's styles to HR's styles.xml so existing style indices stay valid.

The scratch workbook (written by xlsxwriter) has its own numFmts, fonts, fills, borders, cellXfs
and dxfs, numbered from 0. They are appended after HR's, with references renumbered: custom
number formats get ids above HR's (or reuse HR's id for the same format code), cell formats point
at the appended fonts/fills/borders and at HR's "Normal" cell style, and the two reserved fills
(none, gray125) map onto HR's. HR's styles.xml is edited as text: what comes before each insertion
point, extension lists and namespace prefixes included, is kept as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from ladder_sheets.xlsx.xmltext import escape_attr, escape_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# CT_Stylesheet child order: a section that HR's file lacks is created at its place in it.
SECTION_ORDER = [
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
    "cellStyles", "dxfs", "tableStyles", "colors", "extLst",
]  # fmt: skip
FIRST_CUSTOM_NUMFMT = 164


@dataclass(frozen=True)
class StyleMap:
    """Scratch index -> index in the merged styles.xml."""

    xf: list[int]
    dxf: list[int]


def merge_styles(original: bytes, scratch: bytes) -> tuple[bytes, StyleMap]:
    """HR's styles.xml with the scratch styles appended, and the index maps.

    An entry identical to one HR already has is reused instead of appended, so writing the
    same generated sheets again adds nothing to styles.xml."""
    orig_root = SafeET.fromstring(original)
    new_root = SafeET.fromstring(scratch)
    orig = {_local(child.tag): child for child in orig_root}
    new = {_local(child.tag): child for child in new_root}
    text = original.decode("utf-8")
    prefix = _prefix(text, "styleSheet")

    numfmt_map, numfmt_entries = _map_numfmts(orig.get("numFmts"), new.get("numFmts"))
    appended: dict[str, list[Element]] = {"numFmts": numfmt_entries}
    maps: dict[str, list[int]] = {}

    def merge(section: str, items: list[Element], reserved: int = 0) -> list[int]:
        existing = list(orig[section]) if section in orig else []
        known: dict[str, int] = {}
        for index, child in enumerate(existing):
            known.setdefault(_serialize(child, "", tail=False), index)
        out = list(range(reserved))  # indices every styles.xml has (the two default fills)
        added = appended.setdefault(section, [])
        for item in items[reserved:]:
            key = _serialize(item, "", tail=False)
            if key not in known:
                known[key] = len(existing) + len(added)
                added.append(item)
            out.append(known[key])
        return out

    maps["fonts"] = merge("fonts", list(new.get("fonts", [])))
    maps["fills"] = merge("fills", list(new.get("fills", [])), reserved=2)
    maps["borders"] = merge("borders", list(new.get("borders", [])))
    xfs = []
    for xf in new.get("cellXfs", []):
        xf = _copy(xf)
        xf.set("numFmtId", str(numfmt_map.get(int(xf.get("numFmtId", "0")), 0)))
        for attr, section in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            xf.set(attr, str(maps[section][int(xf.get(attr, "0"))]))
        xf.set("xfId", "0")  # HR's "Normal" cell style
        xfs.append(xf)
    dxfs = []
    for dxf in new.get("dxfs", []):
        dxf = _copy(dxf)
        for fmt in dxf.iter(f"{{{MAIN_NS}}}numFmt"):
            fmt.set("numFmtId", str(numfmt_map.get(int(fmt.get("numFmtId", "0")), 0)))
        dxfs.append(dxf)
    style_map = StyleMap(xf=merge("cellXfs", xfs), dxf=merge("dxfs", dxfs))

    for section in SECTION_ORDER:
        items = appended.get(section)
        if items:
            total = (len(orig[section]) if section in orig else 0) + len(items)
            body = "".join(_serialize(item, prefix, tail=False) for item in items)
            text = _append_to_section(text, prefix, section, body, total)
    return text.encode("utf-8"), style_map


def _map_numfmts(orig: Element | None, new: Element | None) -> tuple[dict[int, int], list[Element]]:
    """Built-in ids map to themselves; custom ones to HR's id for the same code or a new id."""
    known: dict[str, int] = {}
    highest = FIRST_CUSTOM_NUMFMT - 1
    for fmt in orig if orig is not None else []:
        fmt_id = int(fmt.get("numFmtId", "0"))
        known.setdefault(fmt.get("formatCode", ""), fmt_id)
        highest = max(highest, fmt_id)
    mapping = {i: i for i in range(FIRST_CUSTOM_NUMFMT)}
    entries = []
    for fmt in new if new is not None else []:
        fmt_id = int(fmt.get("numFmtId", "0"))
        code = fmt.get("formatCode", "")
        if code in known:
            mapping[fmt_id] = known[code]
            continue
        highest += 1
        mapping[fmt_id] = highest
        known[code] = highest
        entry = _copy(fmt)
        entry.set("numFmtId", str(highest))
        entries.append(entry)
    return mapping, entries


def _append_to_section(text: str, prefix: str, section: str, body: str, total: int) -> str:
    tag = f"{prefix}{section}"
    opening = re.search(rf"<{re.escape(tag)}\b([^>]*?)(/?)>", text)
    if opening is None:
        return _create_section(text, prefix, section, body, total)
    attrs = _with_count(opening.group(1), total)
    if opening.group(2):  # <dxfs count="0"/>
        replacement = f"<{tag}{attrs}>{body}</{tag}>"
        return text[: opening.start()] + replacement + text[opening.end() :]
    closing = text.index(f"</{tag}>", opening.end())
    return (
        text[: opening.start()]
        + f"<{tag}{attrs}>"
        + text[opening.end() : closing]
        + body
        + text[closing:]
    )


def _create_section(text: str, prefix: str, section: str, body: str, total: int) -> str:
    element = f'<{prefix}{section} count="{total}">{body}</{prefix}{section}>'
    for later in SECTION_ORDER[SECTION_ORDER.index(section) + 1 :]:
        found = re.search(rf"<{re.escape(prefix + later)}\b", text)
        if found:
            return text[: found.start()] + element + text[found.start() :]
    closing = text.rindex(f"</{prefix}styleSheet>")
    return text[:closing] + element + text[closing:]


def _with_count(attrs: str, total: int) -> str:
    if re.search(r'\bcount="\d*"', attrs):
        return re.sub(r'\bcount="\d*"', f'count="{total}"', attrs)
    return attrs


def _prefix(text: str, root: str) -> str:
    found = re.search(rf"<(\w+:)?{root}\b", text)
    return found.group(1) or "" if found else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _copy(el: Element) -> Element:
    return SafeET.fromstring(_serialize(el, "", declare=True))


def _serialize(el: Element, prefix: str, declare: bool = False, tail: bool = True) -> str:
    """An element of the main namespace written with HR's prefix and no namespace noise."""
    name = prefix + _local(el.tag)
    attrs = "".join(f' {_attr_name(k)}="{escape_attr(v)}"' for k, v in el.attrib.items())
    if declare:
        attrs = f' xmlns="{MAIN_NS}"' + attrs
    inner = escape_text(el.text or "") + "".join(_serialize(c, prefix) for c in el)
    after = escape_text(el.tail or "") if tail and not declare else ""
    if not inner:
        return f"<{name}{attrs}/>{after}"
    return f"<{name}{attrs}>{inner}</{name}>{after}"


def _attr_name(key: str) -> str:
    if key.startswith("{http://www.w3.org/XML/1998/namespace}"):
        return "xml:" + _local(key)
    return _local(key)
