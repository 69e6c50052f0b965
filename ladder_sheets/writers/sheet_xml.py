"""Worksheet XML: make a scratch sheet fit HR's package, and fingerprint a sheet's content.

`adapt_sheet` rewrites a sheet that xlsxwriter wrote: style indices (`s=` on cells and rows,
`style=` on columns, `dxfId=` on conditional formats) renumbered into the merged styles.xml,
shared strings written inline (`t="inlineStr"`) so HR's string table is never touched, and the
tab selection dropped so the generated sheet is not grouped with HR's active sheet.

`content_hash` is what marks a generated sheet as unedited. It hashes cell contents (formula
text where there is one, else the value; strings resolved whether inline or shared), not the
raw XML, because Excel rewrites every part when HR saves: an Excel save keeps the hash, a typed
value or formula changes it.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from xml.etree.ElementTree import iterparse

from .styles_merge import MAIN_NS, StyleMap

_STRING_CELL = re.compile(r'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>')
_CELL_OR_ROW_STYLE = re.compile(r'(<(?:c|row) [^>]*?\bs=")(\d+)"')
_COL_STYLE = re.compile(r'(<col [^>]*?\bstyle=")(\d+)"')
_DXF = re.compile(r'(<cfRule [^>]*?\bdxfId=")(\d+)"')
_SHARED_ITEM = re.compile(r"<si>(.*?)</si>", re.DOTALL)
_TAB_SELECTED = re.compile(r'(<sheetView\b[^>]*?) tabSelected="1"')


def shared_items(sst_xml: bytes) -> list[str]:
    """The inner XML of each <si> of an xlsxwriter sharedStrings.xml (no prefixes there)."""
    return _SHARED_ITEM.findall(sst_xml.decode("utf-8"))


def adapt_sheet(
    sheet_xml: bytes, styles: StyleMap, strings: list[str], *, selected: bool = False
) -> bytes:
    """The scratch sheet rewritten for HR's package (see the module docstring)."""
    text = sheet_xml.decode("utf-8")

    def xf(match: re.Match[str]) -> str:
        return f'{match.group(1)}{styles.xf[int(match.group(2))]}"'

    def dxf(match: re.Match[str]) -> str:
        return f'{match.group(1)}{styles.dxf[int(match.group(2))]}"'

    def inline(match: re.Match[str]) -> str:
        attrs = match.group(1) + 't="inlineStr"' + match.group(2)
        return f"<c {attrs}><is>{strings[int(match.group(3))]}</is></c>"

    text = _CELL_OR_ROW_STYLE.sub(xf, text)
    text = _COL_STYLE.sub(xf, text)
    text = _DXF.sub(dxf, text)
    text = _STRING_CELL.sub(inline, text)
    text = _TAB_SELECTED.sub(r"\1", text)
    if selected:
        text = re.sub(r"<sheetView\b", '<sheetView tabSelected="1"', text, count=1)
    return text.encode("utf-8")


def is_tab_selected(sheet_xml: bytes) -> bool:
    head = sheet_xml[:4096].decode("utf-8", errors="ignore")
    return bool(re.search(r'<(?:\w+:)?sheetView\b[^>]*?\btabSelected="(?:1|true)"', head))


def content_hash(sheet_xml: bytes, shared_strings: Callable[[], list[str]]) -> str:
    """sha256 of the sheet's cell contents in reading order (see the module docstring)."""
    digest = hashlib.sha256()
    cell_tag, f_tag, v_tag, is_tag = (f"{{{MAIN_NS}}}{t}" for t in ("c", "f", "v", "is"))
    row_tag = f"{{{MAIN_NS}}}row"
    sst: list[str] | None = None
    for _event, el in iterparse(io.BytesIO(sheet_xml), events=("end",)):
        if el.tag == row_tag:
            el.clear()
            continue
        if el.tag != cell_tag:
            continue
        ref = el.get("r", "")
        kind = el.get("t", "n")
        formula = el.find(f_tag)
        value = el.find(v_tag)
        if formula is not None and (formula.text or formula.get("t") == "shared"):
            item = f"f|{formula.get('t', '')}|{formula.get('ref', '')}|{formula.text or ''}"
        elif kind == "inlineStr":
            rich = el.find(is_tag)
            item = "s|" + (_text_of(rich) if rich is not None else "")
        elif value is None or value.text is None:
            continue  # a formatted blank: Excel adds and drops these freely
        elif kind == "s":
            if sst is None:
                sst = shared_strings()
            index = int(value.text)
            item = "s|" + (sst[index] if 0 <= index < len(sst) else "")
        elif kind in ("str", "e", "b"):
            item = f"{kind}|{value.text}"
        else:
            item = "n|" + _number(value.text)
        digest.update(f"{ref}\x1f{item}\x1e".encode())
    return digest.hexdigest()


def shared_strings_text(sst_xml: bytes) -> list[str]:
    """Plain text of every item of a sharedStrings.xml (phonetic runs left out)."""
    si_tag = f"{{{MAIN_NS}}}si"
    out = []
    for _event, el in iterparse(io.BytesIO(sst_xml), events=("end",)):
        if el.tag == si_tag:
            out.append(_text_of(el))
            el.clear()
    return out


def _text_of(el: object) -> str:
    t_tag, rph_tag = f"{{{MAIN_NS}}}t", f"{{{MAIN_NS}}}rPh"
    parts: list[str] = []

    def walk(node: object) -> None:
        for child in node:  # type: ignore[attr-defined]
            if child.tag == rph_tag:
                continue
            if child.tag == t_tag:
                parts.append(child.text or "")
            else:
                walk(child)

    walk(el)
    return "".join(parts)


def _number(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        return text
