"""StreamSheet: cells rendered as they are written, and hashed from the values written.

The fast path must not change a byte: each test writes the same cells through it and through
xlsxwriter's own path (the fast path switched off) and compares the files; and the hash it takes
while writing must be the one `content_hash` reads back from the XML, or the next merge would
call an untouched sheet edited by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from benchmarks.synthetic import build
from ladder_sheets.commands.merge import merge
from ladder_sheets.sheets.formula_sheet import FormulaSheet
from ladder_sheets.xlsx import stream_sheet
from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.sheet_xml import content_hash
from ladder_sheets.xlsx.stream_sheet import StreamSheet
from ladder_sheets.xlsx.transplant import _sheet_hash, workbook_part
from ladder_sheets.xlsx.workbook_xml import read_book

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
NOW = dt.datetime(2026, 11, 2, 9, 30)

# Texts that take every branch of the escaping: XML specials, control characters, an _xHHHH_
# sequence, leading/trailing spaces, what looks like rich text, a formula-looking name.
TEXTS = [
    "Ada Quill",
    "R&D <core> \"team\" 'x'",
    "line\nbreak\ttab",
    "bell\x07here",
    "_x0041_ literal",
    "  padded ",
    "<r>not rich</r>",
    '=HYPERLINK("x")',
    "&amp; already",
    "\u00e9l\u00e8ve \u6771\u4eac \U0001f600",
    "x" * 17_000,  # past half of Excel's limit: xlsxwriter's own path
]
NUMBERS: list[Any] = [0.0, -0.0, 1, 3.5, 1 / 3, 2 / 3 * 1e-300, 1e20, -7, 123456789012345678.0]


def _write_all(ws: Any, fmt: Any, date_fmt: Any, hashable: bool) -> None:
    row = 0
    for text in TEXTS if not hashable else [t for t in TEXTS if not t.startswith("<r>")]:
        ws.write_string(row, 0, text, fmt)
        ws.write_string(row, 2, text)  # no format: xlsxwriter's path (column format)
        row += 1
    for number in NUMBERS:
        ws.write_number(row, 1, number, fmt)
        ws.write_number(row, 3, number, fmt)  # the same value again: the cache
        row += 1
    ws.set_row(row, 30)
    ws.write_datetime(row, 0, dt.datetime(2026, 3, 31, 12, 0), date_fmt)
    ws.write_datetime(row, 1, dt.date(1999, 12, 31), date_fmt)
    row += 1
    for value in (1.5, "", "Yes", "#N/A", True, "a<b"):
        ws.write_formula(row, 0, '=IF(ISNUMBER(B1),B1-C1,"")', fmt, value)
        ws.write_formula(row, 1, '=HYPERLINK("#\'Ratings History\'!E5","Ratings History!E5")', fmt)
        if not hashable:  # xlsxwriter prefixes it, and makes it an array formula
            ws.write_formula(row, 2, "=XLOOKUP(1,B1:B2,C1:C2)", fmt, 0)
        row += 1
    ws.write("D1", "A1 notation")
    ws.write_string(row, 0, "overwritten", fmt)
    ws.write_string(row, 0, "kept", fmt)


def _sheet_xml(
    tmp: Path, name: str, fast: bool, monkeypatch: pytest.MonkeyPatch, hashable: bool = False
) -> tuple[bytes, Any]:
    if not fast:
        monkeypatch.setattr(StreamSheet, "_fast", lambda self, row, col, fmt: False)
    path = tmp / f"{name}.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(tmp)})
    ws = wb.add_worksheet("S", worksheet_class=FormulaSheet)
    ws.set_column(2, 2, 12, wb.add_format({"italic": True}))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    _write_all(ws, wb.add_format({"bold": True}), date, hashable)
    wb.close()
    monkeypatch.undo()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), ws


def test_fast_cells_are_the_bytes_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for hashable in (False, True):
        fast, _ = _sheet_xml(tmp_path, "fast", True, monkeypatch, hashable)
        slow, _ = _sheet_xml(tmp_path, "slow", False, monkeypatch, hashable)
        assert fast == slow
    fast, _ = _sheet_xml(tmp_path, "fast", True, monkeypatch)
    assert b"_xlfn.XLOOKUP" in fast and b"_x005F_x0041_" in fast and b"_x0007_" in fast


def test_the_hash_taken_while_writing_is_the_one_read_from_the_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml, ws = _sheet_xml(tmp_path, "fast", True, monkeypatch, hashable=True)
    assert ws.content_digest() == content_hash(xml, lambda: [])
    # and it sees a change of value: one number written differently changes it
    other = re.sub(rb"<v>3\.5</v>", b"<v>3.25</v>", xml, count=1)
    assert content_hash(other, lambda: []) != ws.content_digest()


def test_a_cell_it_cannot_hash_leaves_the_hash_unknown(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "r.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("S", worksheet_class=StreamSheet)
    bold = wb.add_format({"bold": True})
    ws.write_rich_string(0, 0, "plain ", bold, "bold")
    wb.close()
    assert ws.content_digest() is None


def _markers(path: Path) -> dict[str, str]:
    with Package(path) as pkg:
        book = read_book(pkg.read(workbook_part(pkg)))
        return {book.sheets[m.sheet_index].name: m.content_hash for m in book.markers()}


def _merge_twice(
    workbook: Path, exports: list[Path], tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    fast, slow = tmp / "fast.xlsx", tmp / "slow.xlsx"
    shutil.copy(workbook, fast)
    shutil.copy(workbook, slow)
    assert merge(fast, exports, now=NOW).written == fast
    monkeypatch.setattr(stream_sheet.StreamSheet, "_fast", lambda self, row, col, fmt: False)
    assert merge(slow, exports, now=NOW).written == slow
    monkeypatch.undo()
    return fast, slow


def _same_package(a: Path, b: Path) -> None:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name


def _hashes_match_the_xml(path: Path) -> None:
    markers = _markers(path)
    assert {"Gap Analysis", "Promotion Readiness"} <= set(markers)
    with Package(path) as pkg:
        book_part = workbook_part(pkg)
        book = read_book(pkg.read(book_part))
        targets = pkg.targets(book_part)
        for sheet in book.sheets:
            if sheet.name in markers and not markers[sheet.name].startswith("appended"):
                part = targets[sheet.rel_id]
                assert _sheet_hash(pkg, part, pkg.read(part), []) == markers[sheet.name]


@pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")
def test_merge_of_the_sample_company_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = sorted((SAMPLES / "exports").iterdir())
    fast, slow = _merge_twice(SAMPLES / "acme_framework.xlsx", exports, tmp_path, monkeypatch)
    _same_package(fast, slow)
    _hashes_match_the_xml(fast)


def test_merge_of_a_generated_org_is_byte_identical_and_stays_unedited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = build(60, tmp_path / "org", cycles=3)
    fast, slow = _merge_twice(files.workbook, [files.export], tmp_path, monkeypatch)
    _same_package(fast, slow)
    _hashes_match_the_xml(fast)
    # the next merge finds the generated sheets as written: no "edited by hand" refusal
    again = merge(fast, [files.export], now=NOW)
    assert again.written == fast, [f.message for f in again.report.errors]
