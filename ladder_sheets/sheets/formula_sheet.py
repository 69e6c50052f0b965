"""A worksheet that writes plain formulas without xlsxwriter's thirty regex passes, and formula
templates prepared once per column.

xlsxwriter runs some thirty regular-expression substitutions on every formula, to prefix the
functions newer than Excel 2010 with `_xlfn.`. Gap Analysis and Promotion Readiness write one
or two formulas per row (over a hundred thousand at 10,000 people) that use only functions
every Excel knows, so for those the substitutions can change nothing: the text is the formula
without its "=". Any other formula goes through xlsxwriter as before.

Those formulas differ from row to row only in the cells they name, so a column's formula is a
FormulaTemplate: made once with holes, checked once, then filled per row with the row's cells
(or the Ratings History cells the row reads). A text filled in can change what xlsxwriter
would do to the formula only by bringing a "(" (a function call), a brace or "_xlfn.", or by
running into a name of the template: a template whose holes touch a name is not plain, and a
filling that brings any of those goes through write_formula, so the bytes are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from xlsxwriter.worksheet import Worksheet

from ladder_sheets.xlsx.stream_sheet import StreamSheet

# Functions of Excel 2007 that xlsxwriter never prefixes.
# (MAXIFS and MINIFS are prefixed; MAX and MIN are not, and `\bMAXIFS\(` never matches them;
# nor does `\bMODE.MULT\(` match MOD.)
PLAIN_FUNCTIONS = frozenset(
    {
        "IF", "AND", "OR", "NOT", "ISNUMBER", "ISBLANK", "ABS", "ROUND", "HYPERLINK",
        "COUNT", "AVERAGE", "MIN", "MAX", "INT", "MOD",
    }
)  # fmt: skip
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
_HOLE = re.compile("\x00([0-9]+)\x01")


class FormulaSheet(StreamSheet):
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if _plain(formula):
            return formula[1:]
        return super()._prepare_formula(formula, expand_future_functions)  # type: ignore[no-any-return]

    def _plain_formula(self, formula: str) -> bool:
        return _plain(formula) or super()._plain_formula(formula)


def _plain(formula: str) -> bool:
    return (
        formula.startswith("=")
        and not formula.startswith("={")
        and not formula.endswith("}")  # xlsxwriter drops a last brace
        and "_xlfn." not in formula
        and all(name.upper() in PLAIN_FUNCTIONS for name in _FUNCTION.findall(formula))
    )


# A "(" that follows one of these could end a function's name: xlsxwriter's prefixing (and
# _plain) look for a name just before a "(", so a "(" after any other character calls nothing.
# A hole's filling starts after template text, so a "(" that starts a line counts too.
_NAME_END = re.compile(r"(?:^|[A-Za-z0-9_.])\(", re.MULTILINE)


def _inert(text: str) -> bool:
    """Whether `text` (the fillings of a plain template's holes, a line each) leaves the formula
    plain: no brace, no "_xlfn.", and no "(" that a name could call (the "(" of "'Ratings
    History (2)'!D5", a history sheet past Excel's last row, calls nothing)."""
    return (
        "{" not in text
        and "}" not in text
        and "_xlfn." not in text
        and ("(" not in text or _NAME_END.search(text) is None)
    )


class FormulaTemplate:
    """The formula `make(*cells)` for any cells, made once: `formula(*cells)` fills it in.
    `make` must use its arguments as they are (no quoting, no test on them). `plain` when
    FormulaSheet writes it without xlsxwriter's preparation whatever inert cells fill it: checked
    with each hole filled by "A1", so a name touching a hole reads as an unknown function."""

    def __init__(self, make: Callable[..., str], holes: int) -> None:
        marked = make(*(f"\x00{i}\x01" for i in range(holes)))
        parts = _HOLE.split(marked)  # text, hole number, text, ...
        self._text = "".join(
            "{" + part + "}" if i % 2 else part.replace("{", "{{").replace("}", "}}")
            for i, part in enumerate(parts)
        )
        self.plain = _plain(_HOLE.sub("A1", marked))

    def formula(self, *cells: str) -> str:
        return self._text.format(*cells)


def write_template(
    ws: Worksheet,
    row: int,
    col: int,
    template: FormulaTemplate,
    cells: tuple[str, ...],
    cell_format: Any,
    value: Any = 0,
    longest: int | None = None,
) -> bool:
    """Write template.formula(*cells) at (row, col) as write_formula would: in a row open_row
    opened, put as it is (the template was checked once; the cells are checked here). False,
    and nothing written, when the formula is longer than `longest`."""
    formula = template.formula(*cells)
    if longest is not None and len(formula) > longest:
        return False
    if (
        template.plain
        and isinstance(ws, FormulaSheet)
        and ws.is_open(row)
        and _inert(cells[0] if len(cells) == 1 else "\n".join(cells))
    ):
        ws.put_formula(row, col, formula[1:], cell_format, value)
    else:
        ws.write_formula(row, col, formula, cell_format, value)
    return True


def template_tail(
    ws: StreamSheet,
    template: FormulaTemplate,
    cells: tuple[str, ...],
    cell_format: Any,
    value: Any,
    longest: int | None = None,
) -> tuple[str, str] | None | Literal[False]:
    """The cell tail (StreamSheet.formula_tail) of template.formula(*cells) as write_template
    puts it; None where write_template would hand it to write_formula; False where it would
    write nothing (the formula longer than `longest`)."""
    if longest is None:
        if not template.plain or not _inert(cells[0] if len(cells) == 1 else "\n".join(cells)):
            return None
        return ws.formula_tail(template.formula(*cells)[1:], cell_format, value)
    formula = template.formula(*cells)
    if len(formula) > longest:
        return False
    if not template.plain or not _inert(cells[0] if len(cells) == 1 else "\n".join(cells)):
        return None
    return ws.formula_tail(formula[1:], cell_format, value)
