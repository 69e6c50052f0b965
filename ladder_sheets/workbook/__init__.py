"""Workbooks in: safe opening, cell grids, layout detection by meaning, mapping, the reader."""

from .grid import Grid, read_grids
from .mapping import Mapping, TableMapping
from .reader import read_framework
from .safe import check_package, open_xlsx

__all__ = [
    "Grid",
    "Mapping",
    "TableMapping",
    "check_package",
    "open_xlsx",
    "read_framework",
    "read_grids",
]
