"""Set the values of single cells of one of HR's own sheets, in its XML, and nothing else.

Loading and re-saving a workbook with openpyxl drops parts (charts, extension lists); so `gather`
edits the sheet XML cell by cell instead. Only the `<c>` elements edited (and the `<row>` that
holds a new one, and `<dimension>`) change: every other byte of the sheet stays as it was, so
styles, formulas, comments, validations and conditional formats are kept. An edited cell keeps
its style index; a new cell takes the style of the nearest cell above it in its column (else
its column's). Text goes inline (`t="inlineStr"`), so sharedStrings.xml is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ladder_sheets.cellmap import column_letters
from ladder_sheets.xlsx.append.rows import _cell_body

CellValue = float | int | str | None

_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


class CellEditError(ValueError):
    """A cell cannot be set in place (a formula, a cell without its address)."""

    def __init__(self, cell: str, reason: str) -> None:
        super().__init__(f"{cell}: {reason}")
        self.cell = cell
        self.reason = reason


@dataclass
class _Row:
    number: int
    start: int  # span of the whole <row> element in the sheetData text
    end: int
    attrs: str
    body: str | None  # None for <row .../>


def split_ref(ref: str) -> tuple[int, int]:
    """'C12' -> (12, 3): row and 1-based column."""
    match = _REF.match(ref.replace("$", "").upper())
    if match is None:
        raise ValueError(f"not a cell address: {ref}")
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def col_letters(col: int) -> str:
    """The letters of a 1-based column (cellmap.column_letters is 0-based)."""
    return column_letters(col - 1)


def formula_cells(sheet_xml: bytes, refs: set[str]) -> set[str]:
    """Which of `refs` hold a formula in the sheet (a value typed over one would replace it)."""
    text = sheet_xml.decode("utf-8")
    p = _prefix(sheet_xml)
    found: set[str] = set()
    for m in re.finditer(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c>)", text, re.DOTALL):
        ref = _attr(m.group(1), "r")
        if ref in refs and m.group(2) and re.search(rf"<{p}f\b", m.group(2)):
            found.add(ref)
    return found


def edit_cells(sheet_xml: bytes, edits: Mapping[str, CellValue]) -> bytes:
    """The sheet with each cell of `edits` ("B7" -> value; None or "" empties it) set."""
    if not edits:
        return sheet_xml
    p = _prefix(sheet_xml)
    text = sheet_xml.decode("utf-8")
    data = re.search(rf"<{p}sheetData\b[^>]*?(?:/>|>(.*?)</{p}sheetData>)", text, re.DOTALL)
    if data is None:
        raise CellEditError(next(iter(edits)), "the sheet has no cell data")
    if data.group(1) is None:  # <sheetData/>: open it, no rows yet
        opening = f"<{p}sheetData>"
        text = text[: data.start()] + opening + f"</{p}sheetData>" + text[data.end() :]
        inner, inner_start = "", data.start() + len(opening)
    else:
        inner, inner_start = data.group(1), data.start(1)
    rows = _rows(inner, p)
    styles = _column_styles(text, p)
    by_row: dict[int, dict[int, CellValue]] = {}
    for ref, value in edits.items():
        r, c = split_ref(ref)
        by_row.setdefault(r, {})[c] = value
    pieces: list[str] = []
    at = 0
    pending = sorted(by_row)
    above: dict[int, int] = {}  # column -> style of the last cell seen above
    for row in rows:
        while pending and pending[0] < row.number:
            number = pending.pop(0)
            pieces.append(inner[at : row.start])
            at = row.start
            pieces.append(_new_row(number, by_row[number], above, styles, p))
        if pending and pending[0] == row.number:
            pending.pop(0)
            pieces.append(inner[at : row.start])
            pieces.append(_edit_row(row, by_row[row.number], above, styles, p))
            at = row.end
        else:
            _remember_styles(row, above, p)
    pieces.append(inner[at:])
    for number in pending:
        pieces.append(_new_row(number, by_row[number], above, styles, p))
    new_inner = "".join(pieces)
    text = text[:inner_start] + new_inner + text[inner_start + len(inner) :]
    return _widen_dimension(text, edits, p).encode("utf-8")


def _prefix(sheet_xml: bytes) -> str:
    m = _ROOT.search(sheet_xml[:4096])
    return m.group(1).decode() if m and m.group(1) else ""


def _attr(attrs: str, name: str) -> str | None:
    m = re.search(rf'(?<![\w:]){name}="([^"]*)"', attrs)
    return m.group(1) if m else None


def _rows(inner: str, p: str) -> list[_Row]:
    out: list[_Row] = []
    for m in re.finditer(rf"<{p}row\b([^>]*?)(?:/>|>(.*?)</{p}row>)", inner, re.DOTALL):
        number = _attr(m.group(1), "r")
        if number is None:
            raise CellEditError(f"row {len(out) + 1}", "a row without its number (r attribute)")
        out.append(_Row(int(number), m.start(), m.end(), m.group(1), m.group(2)))
    return out


def _cells(body: str, p: str) -> list[tuple[int, str, re.Match[str]]]:
    out = []
    for m in re.finditer(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c>)", body, re.DOTALL):
        ref = _attr(m.group(1), "r")
        if ref is None:
            raise CellEditError("?", "a cell without its address (r attribute)")
        out.append((split_ref(ref)[1], ref, m))
    return out


def _column_styles(text: str, p: str) -> dict[int, int]:
    """Column -> style of its <col> entry: what Excel gives a new cell there."""
    styles: dict[int, int] = {}
    for m in re.finditer(rf"<{p}col\b([^>]*?)/?>", text):
        lo, hi, s = _attr(m.group(1), "min"), _attr(m.group(1), "max"), _attr(m.group(1), "style")
        if lo and hi and s and int(hi) - int(lo) < 16384:
            for c in range(int(lo), int(hi) + 1):
                styles[c] = int(s)
    return styles


def _remember_styles(row: _Row, above: dict[int, int], p: str) -> None:
    if row.body:
        for col, _, m in _cells(row.body, p):
            s = _attr(m.group(1), "s")
            above[col] = int(s) if s else 0


def _cell_xml(ref: str, style: int | None, value: CellValue, p: str) -> str:
    body = _cell_body(style or 0, value, "value", False)
    if not body:  # empty: keep the cell's format, no value
        body = f' s="{style}"/>' if style else "/>"
    elif not style:
        body = body.replace(' s="0"', "", 1)
    if p:
        body = re.sub(r"<(/?)(c|v|is|t)\b", rf"<\1{p}\2", body)
    return f'<{p}c r="{ref}"{body}'


def _edit_row(
    row: _Row, edits: dict[int, CellValue], above: dict[int, int], styles: dict[int, int], p: str
) -> str:
    body = row.body or ""
    cells = _cells(body, p)
    existing = {col: (ref, m) for col, ref, m in cells}
    for col in edits:
        if col in existing and re.search(rf"<{p}f\b", existing[col][1].group(2) or ""):
            raise CellEditError(existing[col][0], "the cell holds a formula")
    pieces: list[str] = []
    at = 0
    todo = sorted(edits)
    for col, ref, m in cells:
        while todo and todo[0] < col:
            new = todo.pop(0)
            pieces.append(body[at : m.start()])
            at = m.start()
            style = above.get(new, styles.get(new))
            pieces.append(_cell_xml(f"{col_letters(new)}{row.number}", style, edits[new], p))
        s = _attr(m.group(1), "s")
        if todo and todo[0] == col:
            todo.pop(0)
            pieces.append(body[at : m.start()])
            pieces.append(_cell_xml(ref, int(s) if s else None, edits[col], p))
            at = m.end()
        above[col] = int(s) if s else 0
    pieces.append(body[at:])
    for new in todo:
        style = above.get(new, styles.get(new))
        pieces.append(_cell_xml(f"{col_letters(new)}{row.number}", style, edits[new], p))
    attrs = _widen_spans(row.attrs, edits)
    return f"<{p}row{attrs}>" + "".join(pieces) + f"</{p}row>"


def _new_row(
    number: int,
    edits: dict[int, CellValue],
    above: dict[int, int],
    styles: dict[int, int],
    p: str,
) -> str:
    cells = "".join(
        _cell_xml(f"{col_letters(col)}{number}", above.get(col, styles.get(col)), edits[col], p)
        for col in sorted(edits)
    )
    return f'<{p}row r="{number}">{cells}</{p}row>'


def _widen_spans(attrs: str, edits: dict[int, CellValue]) -> str:
    spans = _attr(attrs, "spans")
    if not spans or ":" not in spans:
        return attrs
    lo, hi = (int(x) for x in spans.split(":", 1))
    lo, hi = min([lo, *edits]), max([hi, *edits])
    return re.sub(r'(?<![\w:])spans="[^"]*"', f'spans="{lo}:{hi}"', attrs, count=1)


def _widen_dimension(text: str, edits: Mapping[str, CellValue], p: str) -> str:
    m = re.search(rf'<{p}dimension\b[^>]*?ref="([^"]*)"', text)
    if m is None:
        return text
    ref = m.group(1)
    try:
        first, _, last = ref.partition(":")
        r0, c0 = split_ref(first)
        r1, c1 = split_ref(last or first)
    except ValueError:
        return text
    for cell in edits:
        r, c = split_ref(cell)
        r0, c0, r1, c1 = min(r0, r), min(c0, c), max(r1, r), max(c1, c)
    new = f"{col_letters(c0)}{r0}:{col_letters(c1)}{r1}"
    if new == ref or (not last and r0 == r1 and c0 == c1):
        return text
    return text[: m.start(1)] + new + text[m.end(1) :]
