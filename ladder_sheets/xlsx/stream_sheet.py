"""A constant_memory worksheet that renders plain cells as XML when they are written, and hashes
what it writes.

xlsxwriter spends some twenty microseconds on a cell: the A1-notation decorator, a named tuple
per cell, then at the row's flush an attribute list, two escapes and a formatted write. Gap
Analysis holds two million cells at 10,000 people. Here a string, number, date or formula
written with a format at (row, column) becomes its final `<c>` element at once (each distinct
text escaped once), and a row is flushed as one write. The bytes are those xlsxwriter writes.

As each row is flushed, the cells' contents are hashed the way `sheet_xml.content_hash` reads
them back from the XML (reference, kind, text), so the write-back's "edited by hand" marker
takes the hash of the values written instead of parsing the sheet again. Any cell this class
cannot hash exactly (rich text, an error, an array formula) leaves the hash unknown, and the
write-back falls back to reading the XML.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet, _preserve_whitespace
from xlsxwriter.xmlwriter import XMLwriter

# What xlsxwriter's _escape_control_characters would change (a control character, an _xHHHH_
# sequence, a non-character); absent from nearly every text, so it is searched for first.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_HALF_STRMAX = 32_767 // 2  # past it, xlsxwriter measures the text in UTF-16 and may cut it
_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


# A cell already rendered is a plain tuple, (its `<c>` element, its content_hash item): a
# named tuple costs a third of a microsecond more a cell, and xlsxwriter's own cells are named
# tuples, so `cell.__class__ is tuple` tells them apart.
_RAW = tuple


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _renders(string: str) -> bool:
    """Whether the fast path renders the string (else xlsxwriter's own path writes it)."""
    return len(string) <= _HALF_STRMAX and not (
        string.startswith("<r>") and string.endswith("</r>")
    )


def hash_number(text: str) -> str:
    """A number's content_hash text from the text written (`sheet_xml._number`)."""
    try:
        return format(float(text), ".15g")
    except ValueError:
        return text


class StreamSheet(Worksheet):
    """See the module docstring. Writes that miss the fast path (A1 notation, no format, a text
    past half of Excel's limit, rich text) go through xlsxwriter unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self._digest = hashlib.sha256()
        self._hashable = True
        self._letters: list[str] = []
        self._strings: dict[tuple[str, int], tuple[str, str]] = {}
        self._numbers: dict[tuple[str, int], tuple[str, str]] = {}
        self._open = -1  # the row open_row opened last

    def content_digest(self) -> str | None:
        """sha256 of the cells as `sheet_xml.content_hash` reads them; None when a cell was
        written that this class does not hash."""
        return self._digest.hexdigest() if self._hashable else None

    # -- writing -----------------------------------------------------------------------------

    def _ref(self, row: int, col: int) -> str:
        letters = self._letters
        while len(letters) <= col:
            letters.append(xl_col_to_name(len(letters)))
        return f"{letters[col]}{row + 1}"

    def _fast(self, row: Any, col: Any, cell_format: Any) -> bool:
        """True when (row, col) takes the fast path; dimensions and the previous row's flush
        are then done, as xlsxwriter does them. With col None, the whole row (open_row)."""
        if (
            row.__class__ is not int
            or cell_format.__class__ is not Format
            or not self.constant_memory
        ):
            return False
        if col is None:
            # the dimensions are taken from the row's cells when it is flushed
            if row < self.previous_row or row >= self.xls_rowmax:
                return False
        elif col.__class__ is not int or self._check_dimensions(row, col):
            return False  # out of bounds or a flushed row: xlsxwriter says so
        else:
            self._ref(row, col)  # its column's letters, for put_*
        if row > self.previous_row:
            self._write_single_row(row)
        return True

    def open_row(self, row: int, last_col: int, cell_format: Any) -> bool:
        """Whether the cells of `row` up to `last_col` may be put with put_string, put_number
        and put_formula, which skip the per-cell checks (the previous row is then flushed).
        False: write them with write_string and the like."""
        if last_col >= self.xls_colmax or not self._fast(row, None, cell_format):
            self._open = -1
            return False
        self._ref(row, last_col)  # the column letters
        self._open = row
        return True

    def is_open(self, row: int) -> bool:
        """Whether open_row opened `row` and it is not flushed yet."""
        return row == self._open and row == self.previous_row

    def write_string(self, row: Any, col: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) not in (1, 2) or not isinstance(args[0], str):
            return super().write_string(row, col, *args, **kwargs)
        string = args[0]
        cell_format = args[1] if len(args) == 2 else None
        if not _renders(string) or not self._fast(row, col, cell_format):
            return super().write_string(row, col, *args)
        self.put_string(row, col, string, cell_format)
        return 0

    # A cell's tail: (its `<c>` element after the reference, its content_hash item after the
    # reference). '<c r="' + ref + tail[0] is the element, ref + tail[1] the item.

    def string_tail(self, string: str, cell_format: Format) -> tuple[str, str] | None:
        """A string's tail; None when it must go through write_string (a text past half of
        Excel's limit, what looks like rich text)."""
        xf = cell_format._get_xf_index()
        known = self._strings.get((string, xf))
        if known is None:
            if not _renders(string):
                return None
            text = string
            if _CONTROL.search(text):
                text = XMLwriter._escape_control_characters(text)
            space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            attrs = f' s="{xf}"' if xf else ""
            known = (
                f'"{attrs} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>',
                f"\x1fs|{text}\x1e",
            )
            self._strings[(string, xf)] = known
        return known

    def put_string(self, row: int, col: int, string: str, cell_format: Format) -> bool:
        """A string in an open row (open_row); False when it must go through write_string
        (a text past half of Excel's limit, what looks like rich text)."""
        tail = self.string_tail(string, cell_format)
        if tail is None:
            return False
        ref = f"{self._letters[col]}{row + 1}"
        self.table[row][col] = ('<c r="' + ref + tail[0], ref + tail[1])
        return True

    def write_number(self, row: Any, col: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            kwargs
            or len(args) != 2
            or args[0].__class__ not in (float, int)
            or args[0] != args[0]
            or args[0] in (float("inf"), float("-inf"))
            or not self._fast(row, col, args[1])
        ):
            return super().write_number(row, col, *args, **kwargs)
        self.put_number(row, col, args[0], args[1])
        return 0

    def write_datetime(self, row: Any, col: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 2 or not self._fast(row, col, args[1]):
            return super().write_datetime(row, col, *args, **kwargs)
        self.put_number(row, col, self._convert_date_time(args[0]), args[1])
        return 0

    def number_tail(self, number: float, cell_format: Format) -> tuple[str, str]:
        """A finite number's tail."""
        xf = cell_format._get_xf_index()
        text = f"{number:.16G}"  # the key: 0.0 and -0.0 are equal numbers, written apart
        known = self._numbers.get((text, xf))
        if known is None:
            attrs = f' s="{xf}"' if xf else ""
            known = (f'"{attrs}><v>{text}</v></c>', f"\x1fn|{hash_number(text)}\x1e")
            self._numbers[(text, xf)] = known
        return known

    def put_number(self, row: int, col: int, number: float, cell_format: Format) -> None:
        """A finite number in an open row (open_row)."""
        tail = self.number_tail(number, cell_format)
        ref = f"{self._letters[col]}{row + 1}"
        self.table[row][col] = ('<c r="' + ref + tail[0], ref + tail[1])

    def write_formula(self, row: Any, col: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            kwargs
            or len(args) not in (2, 3)
            or not isinstance(args[0], str)
            or not args[0]
            or args[0].startswith("{")
            or not self._plain_formula(args[0])
            or not self._fast(row, col, args[1])
        ):
            return super().write_formula(row, col, *args, **kwargs)
        value = args[2] if len(args) == 3 else 0
        self.put_formula(row, col, self._prepare_formula(args[0]), args[1], value)
        return 0

    def formula_tail(self, formula: str, cell_format: Format, value: Any = 0) -> tuple[str, str]:
        """A formula's tail, the formula as put_formula takes it."""
        xf = cell_format._get_xf_index()
        attrs = f' s="{xf}"' if xf else ""
        if value.__class__ is bool:
            attrs += ' t="b"'
            value = 1 if value else 0
        elif isinstance(value, str):
            if value in _ERROR_VALUES:
                attrs += ' t="e"'
            elif value:
                attrs += ' t="str"'
            value = _escape(value)
        return f'"{attrs}><f>{_escape(formula)}</f><v>{value}</v></c>', f"\x1ff|||{formula}\x1e"

    def put_formula(
        self, row: int, col: int, formula: str, cell_format: Format, value: Any = 0
    ) -> None:
        """A formula in an open row (open_row), as written: prepared, without its "=" (what
        _prepare_formula makes of a single-cell formula), its value cached."""
        tail = self.formula_tail(formula, cell_format, value)
        ref = f"{self._letters[col]}{row + 1}"
        self.table[row][col] = ('<c r="' + ref + tail[0], ref + tail[1])

    def put_row(
        self, row: int, first_col: int, last_col: int, cells: str, items: str, cell_format: Any
    ) -> bool:
        """A whole row at once: `cells` its `<c>` elements in column order, `items` their
        content_hash items, from column `first_col` to `last_col` (the tails' elements and
        items joined). The previous row is flushed. A height set_row gave the row is written
        with it. False, and nothing written, where the row needs xlsxwriter (a row format, a
        hidden or outlined row, a comment, cells of it written already, out of order): then
        write it cell by cell. Nothing more may be written to a row put."""
        if not self._fast(row, None, cell_format) or last_col >= self.xls_colmax:
            return False
        info = self.row_info.get(row)
        if (
            self.table.get(row)
            or (info is not None and (info.row_format or info.hidden or info.level))
            or (info is not None and info.collapsed)
            or row in self.comments
            or self.default_row_height != self.original_row_height
            or self.excel_version != 2007
        ):
            return False
        self._check_dimensions(row, first_col)
        self._check_dimensions(row, last_col)
        if info is None:
            self.fh.write(f'<row r="{row + 1}">{cells}</row>')  # what _write_row writes then
        else:
            self._write_row(row, None, info)  # the row's start tag with its height
            self.fh.write(f"{cells}</row>")
            del self.row_info[row]  # written: its flush must not write it again, empty
        self._digest.update(items.encode())
        return True

    def _plain_formula(self, formula: str) -> bool:
        """Whether xlsxwriter would write the formula as a single-cell formula (no dynamic
        array function); subclasses that know their functions answer faster."""
        from xlsxwriter.worksheet import re_dynamic_function

        return not re_dynamic_function.search(formula)

    # -- flushing ----------------------------------------------------------------------------

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num: int = self.previous_row  # type: ignore[has-type]
        cells = self.table.get(row_num)
        if cells:
            # put_* cells leave the dimensions to here: those of the row's first and last cell
            self._check_dimensions(row_num, min(cells))
            self._check_dimensions(row_num, max(cells))
        if not cells or row_num in self.comments:
            if cells:
                self._hash_cells(row_num, cells)
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row_num, None, self.row_info.get(row_num))
        parts, items = [], []
        for col in sorted(cells):
            cell = cells[col]
            if cell.__class__ is _RAW:
                parts.append(cell[0])
                items.append(cell[1])
            else:
                self.fh.write("".join(parts))
                parts = []
                self._write_cell(row_num, col, cell)
                items.append(self._item(row_num, col, cell))
        parts.append("</row>")
        self.fh.write("".join(parts))
        self._digest.update("".join(items).encode())
        self.table.clear()

    def _hash_cells(self, row_num: int, cells: dict[int, Any]) -> None:
        items = [self._item(row_num, col, cells[col]) for col in sorted(cells)]
        self._digest.update("".join(items).encode())

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        if cell.__class__ is _RAW:
            self.fh.write(cell[0])
        else:
            super()._write_cell(row, col, cell)

    def _item(self, row: int, col: int, cell: Any) -> str:
        """The content_hash item of a cell xlsxwriter wrote; "" for a blank."""
        if cell.__class__ is _RAW:
            return str(cell[1])
        kind = cell.__class__.__name__
        ref = self._ref(row, col)
        if kind == "Blank":
            return ""
        if kind in ("Number", "Datetime"):
            return f"{ref}\x1fn|{hash_number(f'{cell.number:.16G}')}\x1e"
        if kind == "String" and self.constant_memory:
            string = cell.string
            if not (string.startswith("<r>") and string.endswith("</r>")):
                return f"{ref}\x1fs|{XMLwriter._escape_control_characters(string)}\x1e"
        if kind == "Formula" and cell.formula:
            return f"{ref}\x1ff|||{cell.formula}\x1e"
        self._hashable = False
        return ""
