"""A worksheet that writes plain formulas without xlsxwriter's thirty regex passes.

xlsxwriter runs some thirty regular-expression substitutions on every formula, to prefix the
functions newer than Excel 2010 with `_xlfn.`. Gap Analysis and Promotion Readiness write one
or two formulas per row (over a hundred thousand at 10,000 people) that use only functions
every Excel knows, so for those the substitutions can change nothing: the text is the formula
without its "=". Any other formula goes through xlsxwriter as before.
"""

from __future__ import annotations

import re

from ladder_sheets.xlsx.stream_sheet import StreamSheet

# Functions of Excel 2007 that xlsxwriter never prefixes.
# (MAXIFS and MINIFS are prefixed; MAX and MIN are not, and `\bMAXIFS\(` never matches them.)
PLAIN_FUNCTIONS = frozenset(
    {
        "IF", "AND", "OR", "NOT", "ISNUMBER", "ISBLANK", "ABS", "ROUND", "HYPERLINK",
        "COUNT", "AVERAGE", "MIN", "MAX",
    }
)  # fmt: skip
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")


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
        and "_xlfn." not in formula
        and all(name.upper() in PLAIN_FUNCTIONS for name in _FUNCTION.findall(formula))
    )
