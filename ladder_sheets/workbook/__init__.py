"""Workbooks in: safe opening, cell grids, layout detection by meaning, mapping, the reader."""

from ladder_sheets.workbook.grid import Grid, read_grids
from ladder_sheets.workbook.mapping import Mapping, TableMapping
from ladder_sheets.workbook.reader import read_framework
from ladder_sheets.workbook.safe import check_package, open_xlsx

__all__ = [
    "Grid",
    "Mapping",
    "TableMapping",
    "check_package",
    "open_xlsx",
    "read_framework",
    "read_grids",
]
