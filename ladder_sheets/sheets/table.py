"""What the sheets `merge` generates share: a column plan, safe cell writing, header, widths.

The builders live beside this module: `gap_sheet.build_gap_sheet`,
`readiness_sheet.build_readiness_sheet`, `history_sheet.build_history_sheet`. Each adds
worksheets to an xlsxwriter workbook using only worksheet-level features and formats, so the
write-back engine can build them in a scratch workbook and transplant them.

Text that came from an export (names, comments, behaviours) is always written with
`write_string`: a name such as "=HYPERLINK(...)" or "+1 555" stays text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ladder_sheets.cellmap import column_letters
from ladder_sheets.errors import DataError
from ladder_sheets.sheets.formula_sheet import (
    FormulaSheet,
    FormulaTemplate,
    template_tail,
    write_template,
)
from ladder_sheets.sheets.styles import LINE_HEIGHT, MAX_WIDTH, MIN_WIDTH, WRAP_WIDTH, Styles
from ladder_sheets.xlsx.stream_sheet import StreamSheet

# Excel's limits.
MAX_ROWS = 1_048_576
MAX_TEXT = 32_767
MAX_SHEET_NAME = 31

# Rows converted from the frame at a time (a column's tolist at once is quicker than a row at
# a time, and the chunk bounds the Python objects held).
ROWS_AT_ONCE = 5_000

# How many rows the column widths are measured on: enough to be representative, cheap on a
# history of a million rows.
WIDTH_SAMPLE = 5_000


@dataclass(frozen=True)
class Column:
    """One output column: where its values come from, its header and how cells look.

    kind: "text" (write_string), "number", "value" (a number stays a number, anything else is
    text: for IDs), "date", "datetime", "flag" (True/False -> Yes/No), "list" (joined with
    `joiner`), or "formula" (the sheet builder writes it).
    """

    key: str
    header: str
    kind: str = "text"
    style: str = "text"
    wrap: bool = False
    joiner: str = "; "
    optional: bool = False  # blank when the table lacks it


def letters(columns: Sequence[Column]) -> dict[str, str]:
    """Column key -> its letter in the sheet (for formulas)."""
    return {c.key: column_letters(i) for i, c in enumerate(columns)}


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def as_number(value: Any) -> float | None:
    """A finite number, or None (blank, text, bool, NaN)."""
    if value.__class__ is float:  # the common case, first
        return value if value - value == 0.0 else None
    if is_missing(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def as_text(value: Any, joiner: str = "; ") -> str:
    if value.__class__ is str and len(value) <= MAX_TEXT:  # the common case, first
        return value
    if is_missing(value):
        return ""
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        if value.__class__ is list and all(v.__class__ is str for v in value):
            # (sentences, codes: texts as they are, blanks left out)
            return joiner.join([as_text(v) for v in value if v])
        return joiner.join(as_text(v) for v in value if not is_missing(v) and str(v) != "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # Excel refuses longer cells; cut visibly rather than lose the file.
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


def as_flag(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, str):
        low = value.strip().lower()
        if low in {"yes", "y", "true"}:
            return "Yes"
        if low in {"no", "n", "false"}:
            return "No"
        return value
    number = as_number(value)
    if number is not None:
        return "Yes" if number else "No"
    return as_text(value)


def as_datetime(value: Any) -> dt.datetime | dt.date | None:
    """A date or naive datetime for write_datetime, or None when the value is not one."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            # Excel has no time zones: show UTC, as the import time is recorded.
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.to_pydatetime()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return as_datetime(pd.Timestamp(value))
    if isinstance(value, str):
        # ISO 8601 only (what the importer records): never guess at other text.
        try:
            return as_datetime(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            return None
    return None


def write_value(ws: Worksheet, row: int, col: int, value: Any, kind: str, fmt: Format) -> None:
    """Write one value by the column's kind. Blanks are not written: the column's format
    (set_column) already covers them, so a value typed in later looks right."""
    cls = value.__class__
    # Fast paths first: most cells are plain text or a float.
    if cls is str and kind in _AS_TYPED and len(value) <= MAX_TEXT:
        if value:
            ws.write_string(row, col, value, fmt)
        return
    if cls is float and kind in ("number", "value"):
        if value == value:
            ws.write_number(row, col, value, fmt)
        return
    if kind in ("number", "value"):
        number = as_number(value)
        if number is not None:
            ws.write_number(row, col, number, fmt)
        elif not is_missing(value) and (text := as_text(value)):
            ws.write_string(row, col, text, fmt)
        return
    if kind in ("date", "datetime"):
        when = as_datetime(value)
        if when is not None:
            ws.write_datetime(row, col, when, fmt)
            return
    text = as_flag(value) if kind == "flag" else as_text(value)
    if text:
        ws.write_string(row, col, text, fmt)


# Kinds whose text values are written exactly as they come.
_AS_TYPED = frozenset({"text", "value", "number", "list"})


def writer_for(column: Column) -> Callable[[Worksheet, int, int, Any, Format], None]:
    if column.kind != "list":
        kind = column.kind

        def write(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
            write_value(ws, row, col, value, kind, fmt)

        return write
    joiner = column.joiner

    def write_list(ws: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
        write_value(ws, row, col, as_text(value, joiner), "text", fmt)

    return write_list


def write_header(ws: Worksheet, row: int, columns: Sequence[Column], styles: Styles) -> None:
    for col, column in enumerate(columns):
        ws.write_string(row, col, column.header, styles["header"])


def set_widths(
    ws: Worksheet,
    columns: Sequence[Column],
    data: pd.DataFrame,
    styles: Styles,
    extra: Mapping[str, Iterable[Any]] | None = None,
    header_row: int | None = None,
) -> None:
    """Fit each column to its header and values (sampled), capped; wide text wraps. With
    `header_row`, that row is made tall enough for every header's wrapped words, so no
    viewer cuts them ("Expected | Expected")."""
    lines = 1
    sample = data.head(WIDTH_SAMPLE)
    for col, column in enumerate(columns):
        longest = max((len(w) for w in column.header.split()), default=0)
        values: Iterable[Any] = ()
        if extra and column.key in extra:
            values = extra[column.key]
        elif column.key in sample.columns:
            values = sample[column.key].tolist()
        for value in values:
            if column.kind == "number":
                number = as_number(value)
                text = f"{number:g}" if number is not None else ""
            elif column.kind in ("date", "datetime"):
                text = "yyyy-mm-dd hh:mm" if column.kind == "datetime" else "yyyy-mm-dd"
            else:
                text = as_text(value, column.joiner)
            longest = max(longest, len(text))
        cap = WRAP_WIDTH if column.wrap else MAX_WIDTH
        width = min(max(longest + 2, MIN_WIDTH), cap)
        ws.set_column(col, col, width, styles["wrap" if column.wrap else column.style])
        lines = max(lines, len(textwrap.wrap(column.header, max(width - 1, 1))))
    if header_row is not None:
        ws.set_row(header_row, LINE_HEIGHT * lines + 3)


def finish_table(
    ws: Worksheet,
    header_row: int,
    rows: int,
    ncols: int,
    freeze_cols: int = 0,
    printed: int | None = None,
) -> None:
    """Freeze the header (and the first columns), filter over the header and data, and set
    the sheet up for print (see print_legibly); with `printed`, only the first that many
    columns print (a compact area for a sheet whose other columns are detail)."""
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.autofilter(header_row, 0, header_row + max(rows, 0), ncols - 1)
    print_legibly(ws, header_row, freeze_cols)
    if printed is not None:
        ws.print_area(0, 0, header_row + max(rows, 1), printed - 1)


def print_legibly(
    ws: Worksheet, header_row: int | None, freeze_cols: int = 0, header: str = ""
) -> None:
    """Landscape A4 (Letter where that is the printer's paper) at full size: a wide sheet
    prints as column groups, each page repeating the header row and the frozen columns (who
    the row is about), rather than shrunk to one page wide. Every page says it is
    confidential, names its sheet and has its number."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_row is not None:
        ws.repeat_rows(header_row)
    if freeze_cols:
        ws.repeat_columns(0, freeze_cols - 1)
    said = header or "Confidential: HR and the people concerned only"
    ws.set_header(f"&L{said.replace('&', '&&')}&R&A")
    ws.set_footer("&LGenerated by ladder-sheets&RPage &P of &N")


@dataclass(frozen=True)
class RowFormula:
    """A live formula column: `formula(a_cell, b_cell)` over two other columns of the same
    row, cached with `value(a, b)` computed from those columns' values."""

    a: str
    b: str
    formula: Callable[[str, str], str]
    value: Callable[[Any, Any], Any]


# A column's own writer: (sheet, row, column, the row's values by key) -> written.
CellWriter = Callable[[Worksheet, int, int, dict[str, Any]], bool]


# Each row's height for a run of rows (None: the default), from their values by key.
RowHeights = Callable[[Mapping[str, list[Any]]], list[float | None]]


# A column's cells for a run of rows at once, on a FormulaSheet: (the sheet, the rows' numbers
# as written, the rows' values by key) -> each row's cell tail (StreamSheet.string_tail and the
# like), None for a blank, or SLOW: that row is then written cell by cell as write_rows does.
ColumnTails = Callable[[StreamSheet, list[str], Mapping[str, list[Any]]], list[Any]]
SLOW = object()


def write_rows(
    ws: Worksheet,
    data: pd.DataFrame,
    columns: Sequence[Column],
    styles: Styles,
    first_row: int,
    formulas: Mapping[str, RowFormula],
    before_row: Callable[[int, dict[str, Any]], None] | None = None,
    custom: Mapping[str, CellWriter] | None = None,
    columnar: Mapping[str, ColumnTails] | None = None,
    heights: RowHeights | None = None,
) -> None:
    """Write `data` under a header, strictly row by row, left to right (constant_memory safe):
    columns of kind "formula" from `formulas`, every other column by its kind. `before_row`
    runs before a row's cells with the row's values by key; `heights` gives a run of rows'
    heights at once (set before each row's cells); a `custom` writer writes its column's cell
    from the row's values (True: written, False: the column's kind writes it as usual).

    On a StreamSheet each row is opened once and its plain text and numbers put without
    per-cell checks, and each formula column is a template filled with the row's cells. On a
    FormulaSheet with no `before_row`, and a `columnar` form of every custom writer (the same
    cells, a run of rows at a time), the rows are rendered a column at a time and each row
    written as one string (with its height); a row any column cannot render so is written
    cell by cell."""
    refuse_past_last_row(ws, first_row, len(data))
    formats = [styles["wrap"] if c.wrap else styles[c.style] for c in columns]
    writers = [writer_for(c) for c in columns]
    keys = [c.key for c in columns]
    where = letters(columns)
    customs = [(custom or {}).get(k) for k in keys]
    templates: list[tuple[FormulaTemplate, str, str, RowFormula] | None] = []
    for c in columns:
        f = formulas[c.key] if c.kind == "formula" else None
        made = None if f is None else (FormulaTemplate(f.formula, 2), where[f.a], where[f.b], f)
        templates.append(made)
    # Values a kind writes as they are: text (see write_value), and finite floats.
    as_typed = [c.kind in _AS_TYPED for c in columns]
    numeric = [c.kind in ("number", "value") for c in columns]
    stream = ws if isinstance(ws, StreamSheet) else None
    last = len(columns) - 1

    def write_row(row: int, values: Sequence[Any]) -> None:
        by_key = dict(zip(keys, values, strict=True))
        if before_row is not None:
            before_row(row, by_key)
        fast = stream is not None and stream.open_row(row, last, formats[0])
        for col, value in enumerate(values):
            write = customs[col]
            if write is not None and write(ws, row, col, by_key):
                continue
            if fast and stream is not None:
                cls = value.__class__
                if cls is str and as_typed[col]:
                    if not value or stream.put_string(row, col, value, formats[col]):
                        continue
                elif cls is float and numeric[col] and value - value == 0.0:  # finite
                    stream.put_number(row, col, value, formats[col])
                    continue
            formula = templates[col]
            if formula is not None:
                template, a, b, f = formula
                cells = (f"{a}{row + 1}", f"{b}{row + 1}")
                cached = f.value(by_key[f.a], by_key[f.b])
                write_template(ws, row, col, template, cells, formats[col], cached)
            else:
                writers[col](ws, row, col, value, formats[col])

    by_columns = (
        isinstance(ws, FormulaSheet)
        and before_row is None
        and all(k in (columnar or {}) for k, w in zip(keys, customs, strict=True) if w)
        and all(
            c.key in (columnar or {}) or c.kind != "formula" or templates[i] is not None
            for i, c in enumerate(columns)
        )
    )
    table = data.reindex(columns=keys)
    # Formats are numbered as their first cell is rendered: a column at a time would number
    # them in another order than row by row, so rows go one by one while more than one of
    # the columns' formats has no number yet (the first row, as a rule).
    unnumbered = _Unnumbered(formats) if by_columns else None
    row = first_row
    for start in range(0, len(table), ROWS_AT_ONCE):
        chunk = table.iloc[start : start + ROWS_AT_ONCE]
        values_of = {k: chunk[k].tolist() for k in keys}
        tall = heights(values_of) if heights is not None else [None] * len(chunk)
        first = 0
        while unnumbered is not None and first < len(chunk) and unnumbered.more_than_one():
            if tall[first] is not None:
                ws.set_row(row, tall[first])
            write_row(row, [values_of[k][first] for k in keys])
            first += 1
            row += 1
        if by_columns and isinstance(ws, FormulaSheet) and first < len(chunk):
            rest = {k: v[first:] for k, v in values_of.items()} if first else values_of
            heights_of = tall[first:]
            for i, put in enumerate(
                _by_columns(ws, row, rest, columns, formats, templates, columnar or {}, heights_of)
            ):
                if not put:
                    write_row(row + i, [rest[k][i] for k in keys])
            row += len(chunk) - first
            continue
        rows = zip(*(values_of[k][first:] for k in keys), strict=True)
        for height, values in zip(tall[first:], rows, strict=True):
            if height is not None:
                ws.set_row(row, height)
            write_row(row, values)
            row += 1


class _Unnumbered:
    """The formats of a sheet's columns that have no number (xf index) yet, by their key (two
    formats alike share a number)."""

    def __init__(self, formats: Sequence[Format]) -> None:
        self._numbered = formats[0].xf_format_indices if formats else {}
        self._keys = {f._get_format_key() for f in formats if f.xf_index is None}

    def more_than_one(self) -> bool:
        if len(self._keys) > 1:
            self._keys = {k for k in self._keys if k not in self._numbered}
        return len(self._keys) > 1


def _by_columns(
    ws: FormulaSheet,
    first_row: int,
    values_of: Mapping[str, list[Any]],
    columns: Sequence[Column],
    formats: list[Format],
    templates: list[tuple[FormulaTemplate, str, str, RowFormula] | None],
    columnar: Mapping[str, ColumnTails],
    heights: Sequence[float | None],
) -> Iterator[bool]:
    """write_rows's rows rendered a column at a time and put a row at a time, in order, each
    row's height (if any) set first; yields for each row whether it was put (False: write it
    cell by cell, before the next is put)."""
    count = len(values_of[columns[0].key]) if columns else 0
    numbers = [str(first_row + 1 + i) for i in range(count)]
    xml: list[list[str]] = []
    items: list[list[str]] = []
    slow: set[int] = set()
    for col, column in enumerate(columns):
        fmt = formats[col]
        template = templates[col]
        if column.key in columnar:
            tails = columnar[column.key](ws, numbers, values_of)
        elif template is not None:
            tails = _formula_tails(ws, numbers, values_of, template, fmt)
        else:
            tails = value_tails(ws, values_of[column.key], column, fmt)
        ref = column_letters(col)
        xml.append(
            [
                '<c r="' + ref + n + t[0] if t.__class__ is tuple else ""
                for n, t in zip(numbers, tails, strict=True)
            ]
        )
        items.append(
            [
                ref + n + t[1] if t.__class__ is tuple else ""
                for n, t in zip(numbers, tails, strict=True)
            ]
        )
        slow.update(i for i, t in enumerate(tails) if t is SLOW)
    fmt = formats[0]
    for i, (cells, hashed, height) in enumerate(
        zip(zip(*xml, strict=True), zip(*items, strict=True), heights, strict=True)
    ):
        if height is not None:
            ws.set_row(first_row + i, height)  # before the row's cells, as write_rows sets it
        if i in slow:
            yield False
            continue
        written = [col for col, cell in enumerate(cells) if cell]
        if not written:
            # a row of blanks is not written (as xlsxwriter leaves it); with a height, it
            # writes the row's attributes: cell by cell
            yield height is None
            continue
        yield ws.put_row(
            first_row + i, written[0], written[-1], "".join(cells), "".join(hashed), fmt
        )


def _value_tails(ws: StreamSheet, values: list[Any], kind: str, fmt: Format) -> list[Any]:
    """The tails write_rows's fast cases give (text as it is, finite floats), None for what
    write_value leaves blank (None, NaN, ""), SLOW for anything else."""
    typed = kind in _AS_TYPED
    numeric = kind in ("number", "value")
    strings: dict[str, Any] = {}
    numbers: dict[float, Any] = {}  # floats only, never 0.0 (-0.0 is equal and written apart)
    tails: list[Any] = []
    for value in values:
        cls = value.__class__
        if cls is str and typed:
            if not value:
                tails.append(None)
                continue
            tail = strings.get(value)
            if tail is None:
                tail = strings[value] = ws.string_tail(value, fmt) or SLOW
            tails.append(tail)
        elif cls is float:
            if value != value:  # NaN: blank whatever the kind
                tails.append(None)
            elif numeric and value - value == 0.0:  # finite
                tail = numbers.get(value)
                if tail is None:
                    tail = ws.number_tail(value, fmt)
                    if value:
                        numbers[value] = tail
                tails.append(tail)
            else:
                tails.append(SLOW)
        elif value is None:
            tails.append(None)
        else:
            tails.append(SLOW)
    return tails


def value_tails(ws: StreamSheet, values: list[Any], column: Column, fmt: Format) -> list[Any]:
    """The tails of a column's values (not a formula's) as write_rows writes them on a row
    open_row opened: None for a blank, SLOW where the row must be written cell by cell."""
    if column.kind in _PLAIN_KINDS:
        return _value_tails(ws, values, column.kind, fmt)
    return _kind_tails(ws, values, column, fmt)


# Kinds _value_tails renders (the others through _kind_tails).
_PLAIN_KINDS = frozenset({"text", "value", "number"})


def _kind_tails(ws: StreamSheet, values: list[Any], column: Column, fmt: Format) -> list[Any]:
    """The tails of a column of any kind but "formula", as writer_for(column) writes each
    value on a row open_row opened: None for a blank, SLOW where it goes through xlsxwriter."""
    kind = column.kind
    known: dict[Any, Any] = {}  # text -> its tail
    tails: list[Any] = []
    for value in values:
        if kind == "list":
            text = value if value.__class__ is str else as_text(value, column.joiner)
        elif kind == "flag":
            text = as_flag(value)
        elif kind in ("date", "datetime") and (when := as_datetime(value)) is not None:
            tails.append(ws.number_tail(ws._convert_date_time(when), fmt))
            continue
        elif kind in ("number", "value") and (number := as_number(value)) is not None:
            tails.append(ws.number_tail(number, fmt))
            continue
        elif is_missing(value):
            text = ""
        else:
            text = value if value.__class__ is str else as_text(value)
        if not text:
            tails.append(None)
        elif len(text) > MAX_TEXT:
            tails.append(SLOW)  # cut visibly by write_value
        else:
            tail = known.get(text)
            if tail is None:
                tail = known[text] = ws.string_tail(text, fmt) or SLOW
            tails.append(tail)
    return tails


def _formula_tails(
    ws: FormulaSheet,
    numbers: list[str],
    values_of: Mapping[str, list[Any]],
    formula: tuple[FormulaTemplate, str, str, RowFormula],
    fmt: Format,
) -> list[Any]:
    template, a, b, f = formula
    tails: list[Any] = []
    for n, va, vb in zip(numbers, values_of[f.a], values_of[f.b], strict=True):
        tail = template_tail(ws, template, (a + n, b + n), fmt, f.value(va, vb))
        tails.append(SLOW if tail is None else tail)
    return tails


def refuse_past_last_row(ws: Worksheet, first_row: int, rows: int) -> None:
    """A sheet's rows past Excel's last would be dropped without a word by xlsxwriter."""
    if first_row + rows > MAX_ROWS:
        raise DataError(
            f"{first_row + rows:,} rows do not fit on one sheet (Excel stops at "
            f"{MAX_ROWS:,}): no row was written",
            sheet=ws.get_name(),
            hint="split the organisation into several workbooks (by job family or division)",
        )


def check_columns(data: pd.DataFrame, columns: Sequence[Column], what: str) -> None:
    """The analysis tables are an internal contract: a missing column is a bug, said plainly."""
    missing = [
        c.key
        for c in columns
        if c.kind != "formula" and not c.optional and c.key not in data.columns
    ]
    if missing:
        raise ValueError(f"{what} table lacks columns: {', '.join(missing)}")


def sheet_title(name: str, suffix: str = "") -> str:
    """A sheet name within Excel's 31 characters, keeping the suffix whole."""
    return name[: MAX_SHEET_NAME - len(suffix)] + suffix
