"""Workbooks in: safe opening, cell grids, layout detection by meaning, mapping, the reader."""

from .safe import check_package, open_xlsx

__all__ = ["check_package", "open_xlsx"]
