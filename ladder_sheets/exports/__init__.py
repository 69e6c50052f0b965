"""Review exports (CSV or XLSX from Lattice, Culture Amp, Workday, 15Five, a spreadsheet...)
read into the canonical "history" and "evidence" tables.

    >>> from ladder_sheets.exports import read_export
    >>> export = read_export(Path("2026-Q3_reviews.csv"), competencies=["Communication"])
    >>> export.ratings.data, export.findings

Limits: a CSV above MAX_BYTES (200 MB) or MAX_LINES (500,000 lines) is refused with
UnreadableFile before it is parsed (lines are counted in chunks, not loaded); an XLSX sheet
above workbook.grid.MAX_CELLS values likewise.
"""

from ladder_sheets.exports.labels import DEFAULT_LABELS, LabelScale
from ladder_sheets.exports.reader import Export, read_export
from ladder_sheets.exports.sniff import MAX_BYTES, MAX_LINES

__all__ = ["DEFAULT_LABELS", "MAX_BYTES", "MAX_LINES", "Export", "LabelScale", "read_export"]
