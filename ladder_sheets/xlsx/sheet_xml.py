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
import re
from collections.abc import Callable, Iterator
from typing import IO

from ladder_sheets.xlsx.styles_merge import StyleMap
from ladder_sheets.xlsx.xmltext import unescape

_STRING_CELL = re.compile(rb'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>')
_CELL_OR_ROW_STYLE = re.compile(rb'(<(?:c|row) [^>]*?\bs=")(\d+)"')  # two groups: see adapt_sheet
# A cell's style as xlsxwriter writes every styled cell: twice as fast to find as the above
_CELL_STYLE = re.compile(rb'(<c r="[A-Z]{1,3}[0-9]{1,7}" s=")([0-9]+)"')
_COL_STYLE = re.compile(rb'(<col [^>]*?\bstyle=")(\d+)"')
_DXF = re.compile(rb'(<cfRule [^>]*?\bdxfId=")(\d+)"')
_SHARED_ITEM = re.compile(r"<si>(.*?)</si>", re.DOTALL)
_TAB_SELECTED = re.compile(rb'(<sheetView\b[^>]*?) tabSelected="1"')
_ANY_SHARED_ITEM = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.DOTALL)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_FORMULA = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.DOTALL)
_VALUE = re.compile(r"<v>(.*?)</v>", re.DOTALL)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.DOTALL)
_TEXT_RUN = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.DOTALL)


def shared_items(sst_xml: bytes) -> list[str]:
    """The inner XML of each <si> of an xlsxwriter sharedStrings.xml (no prefixes there)."""
    return _SHARED_ITEM.findall(sst_xml.decode("utf-8"))


def adapt_sheet(
    sheet_xml: bytes | IO[bytes],
    styles: StyleMap,
    strings: list[str],
    *,
    selected: bool = False,
) -> bytes:
    """The scratch sheet (its XML, or a stream of it) rewritten for HR's package (see the
    module docstring).

    Works on the bytes a piece of about a megabyte at a time, cut after a </row>: no edit spans
    rows, so a million-row sheet costs its output and one piece, not several decoded copies
    (read from a stream, not even its input: a 10,000-person Gap Analysis is 150 MB of XML)."""
    encoded: dict[int, bytes] = {}
    # each scratch index's replacement, spelt once: a sheet has a few styles and a million cells
    xfs = {b"%d" % i: b'%d"' % new for i, new in enumerate(styles.xf)}

    def xf(match: re.Match[bytes]) -> bytes:
        number = match.group(2)
        spelt = xfs.get(number)
        if spelt is None:  # "007" and the like: as the index it reads
            spelt = b'%d"' % styles.xf[int(number)]
        return match.group(1) + spelt

    def dxf(match: re.Match[bytes]) -> bytes:
        return match.group(1) + b'%d"' % styles.dxf[int(match.group(2))]

    def inline(match: re.Match[bytes]) -> bytes:
        index = int(match.group(3))
        if index not in encoded:
            encoded[index] = strings[index].encode("utf-8")
        attrs = match.group(1) + b't="inlineStr"' + match.group(2)
        return b"<c " + attrs + b"><is>" + encoded[index] + b"</is></c>"

    def cell_styles(piece: bytes) -> bytes:
        # split, not sub: a million cells' numbers looked up in one comprehension cost a third
        # of a callback each (text, prefix, number, text, prefix, number, ...)
        parts = _CELL_STYLE.split(piece)
        if len(parts) // 3 != piece.count(b's="'):  # a row's style, or 's="' in a text
            parts = _CELL_OR_ROW_STYLE.split(piece)
        try:
            parts[2::3] = [xfs[number] for number in parts[2::3]]
        except KeyError:  # "007" and the like: as the index it reads
            parts[2::3] = [xfs.get(n) or b'%d"' % styles.xf[int(n)] for n in parts[2::3]]
        return b"".join(parts)

    out: list[bytes] = []
    pieces = _pieces(sheet_xml) if isinstance(sheet_xml, bytes) else _stream_pieces(sheet_xml)
    for piece in pieces:
        piece = cell_styles(piece)
        piece = _COL_STYLE.sub(xf, piece)
        piece = _DXF.sub(dxf, piece)
        if strings or b't="s"' in piece:  # xlsxwriter's constant_memory writes none
            piece = _STRING_CELL.sub(inline, piece)
        out.append(_TAB_SELECTED.sub(rb"\1", piece))
    text = b"".join(out)
    if selected:
        text = re.sub(rb"<sheetView\b", b'<sheetView tabSelected="1"', text, count=1)
    return text


def _pieces(data: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    """`data` cut into pieces of about `size` bytes, each ending just after a </row>."""
    start = 0
    while start < len(data):
        cut = data.find(b"</row>", start + size)
        end = len(data) if cut < 0 else cut + len(b"</row>")
        yield data[start:end]
        start = end


def _stream_pieces(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """_pieces of the XML a stream gives, read about `size` bytes at a time."""
    carry = b""
    while chunk := stream.read(size):
        data = carry + chunk
        cut = data.rfind(b"</row>")
        if cut < 0:
            carry = data
            continue
        cut += len(b"</row>")
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def is_tab_selected(sheet_xml: bytes) -> bool:
    head = sheet_xml[:4096].decode("utf-8", errors="ignore")
    return bool(re.search(r'<(?:\w+:)?sheetView\b[^>]*?\btabSelected="(?:1|true)"', head))


def content_hash(
    sheet_xml: bytes, shared_strings: Callable[[], list[str]], legacy: bool = False
) -> str:
    """sha256 of the sheet's cell contents in reading order (see the module docstring).
    Numbers count to 15 significant digits (what LibreOffice writes); `legacy` reads them to
    all 17, as markers written before that were hashed, so a sheet generated then and saved
    by Excel since is still recognised as unedited.

    A regular-expression scan rather than an XML parser: five times faster on a 100,000-row
    sheet, and the sheets it reads are well-formed (checked on write, and by check_package)."""
    digest = hashlib.sha256()
    items: list[str] = []  # hashed a batch at a time: a million-row sheet is not held twice
    sst: list[str] | None = None
    number = _legacy_number if legacy else _number
    for cell in (c for text in _texts(sheet_xml) for c in _CELL.finditer(text)):
        if len(items) >= 4096:
            digest.update("".join(items).encode())
            items.clear()
        attrs, body = cell.group(1), cell.group(2)
        if not body:
            continue  # a formatted blank: Excel adds and drops these freely
        if "'" in attrs or "\n" in attrs or "\t" in attrs:  # the slow, general reading
            ref, kind = _attr(attrs, "r"), _attr(attrs, "t") or "n"
        else:  # string search: what every writer produces, and three times faster
            at = attrs.find(' r="')
            ref = attrs[at + 4 : attrs.index('"', at + 4)] if at >= 0 else ""
            at = attrs.find(' t="')
            kind = attrs[at + 4 : attrs.index('"', at + 4)] if at >= 0 else "n"
        if body.startswith("<v>") and body.endswith("</v>") and "<" not in body[3:-4]:
            value: str | None = body[3:-4]  # the common case: a plain value, no formula
            formula = None
        else:
            formula = _FORMULA.search(body)
            found = _VALUE.search(body)
            value = found.group(1) if found else None
        if formula and (formula.group(2) or _attr(formula.group(1), "t") == "shared"):
            f_attrs, f_text = formula.group(1), unescape(formula.group(2) or "")
            item = f"f|{_attr(f_attrs, 't')}|{_attr(f_attrs, 'ref')}|{f_text}"
        elif kind == "inlineStr":
            simple = body.startswith("<is><t>") and body.endswith("</t></is>")
            plain = body[7:-9] if simple else "<"
            item = "s|" + (_plain_text(body) if "<" in plain else unescape(plain))
        elif value is None:
            continue
        elif kind == "s":
            if sst is None:
                sst = shared_strings()
            index = int(value)
            item = "s|" + (sst[index] if 0 <= index < len(sst) else "")
        elif kind in ("str", "e", "b"):
            item = f"{kind}|{unescape(value)}"
        else:
            item = "n|" + number(value)
        items.append(f"{ref}\x1f{item}\x1e")
    digest.update("".join(items).encode())
    return digest.hexdigest()


def _texts(sheet_xml: bytes) -> Iterator[str]:
    """The sheet as text, a piece at a time (no cell spans a </row>), main namespace prefix
    dropped. A prefixed sheet is read whole: its rows end in </x:row>."""
    head = sheet_xml[:4096].decode("utf-8", errors="ignore")
    root = re.search(r"<(\w+:)?worksheet\b", head)
    if root is None or root.group(1):
        text = sheet_xml.decode("utf-8")
        root = re.search(r"<(\w+:)?worksheet\b", text)
        if root and root.group(1):  # a writer that prefixes the main namespace
            text = text.replace(f"<{root.group(1)}", "<").replace(f"</{root.group(1)}", "</")
        yield text
        return
    for piece in _pieces(sheet_xml):
        yield piece.decode("utf-8")


def _attr(attrs: str, name: str) -> str:
    found = re.search(rf"(?:^|\s){name}=(?:\"([^\"]*)\"|'([^']*)')", attrs)
    if found is None:
        return ""
    return unescape(found.group(1) if found.group(1) is not None else found.group(2))


def _plain_text(rich: str) -> str:
    """The text of an <is>/<si> body: its <t> runs, without phonetic (<rPh>) runs."""
    rich = _PHONETIC.sub("", rich)
    return "".join(unescape(t) for t in _TEXT_RUN.findall(rich))


def shared_strings_text(sst_xml: bytes) -> list[str]:
    """Plain text of every item of a sharedStrings.xml (phonetic runs left out), read the way
    `content_hash` reads inline strings so both give the same text."""
    text = sst_xml.decode("utf-8")
    root = re.search(r"<(\w+:)?sst\b", text)
    if root and root.group(1):
        text = text.replace(f"<{root.group(1)}", "<").replace(f"</{root.group(1)}", "</")
    return [_plain_text(item.group(1) or "") for item in _ANY_SHARED_ITEM.finditer(text)]


def _number(text: str) -> str:
    # To 15 significant digits: LibreOffice writes 9.66666666666667 for Python's
    # 9.666666666666666, the same number to anyone reading the sheet.
    try:
        return format(float(text), ".15g")
    except ValueError:
        return text


def _legacy_number(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        return text
