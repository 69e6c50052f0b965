"""Write-back over the shared corpus of real workbooks: nothing of the original is lost.

For every workbook `check_package` accepts, two generated sheets are written and then written
again; every original zip member outside the few the write-back must edit stays byte-identical,
the edited ones still hold all their original content, and openpyxl sees the same cells, styles,
merges, validations, conditional formats, comments, links and names in every original sheet.
Workbooks that cannot be opened get the clear error and stay byte-identical.
"""

from __future__ import annotations

import csv
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from defusedxml import ElementTree as SafeET
from helpers import sha256 as sha
from helpers import shared
from python_calamine import CalamineWorkbook

from ladder_sheets.errors import LadderError, UnreadableFile
from ladder_sheets.workbook.safe import check_package
from ladder_sheets.xlsx.package import content_types, parse_rels, rels_path, resolve
from ladder_sheets.xlsx.workbook_xml import read_book
from ladder_sheets.xlsx.writeback import write_back

CORPUS = shared("corpus")
GENERATED = ["Gap Analysis", "Promotion Readiness"]


def corpus_files() -> list[str]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as f:
        return [row["file"] for row in csv.DictReader(f, delimiter="\t")]


pytestmark = pytest.mark.skipif(
    not corpus_files(), reason="shared corpus (../shared/corpus/MANIFEST.tsv) is absent"
)


def build_two_sheets(wb: xlsxwriter.Workbook) -> None:
    """Two generated sheets with the features merge writes: styles, a conditional format, a
    data validation, a formula with its cached value, a frozen header and an autofilter."""
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    pct = wb.add_format({"num_format": "0.0%"})
    below = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    gap = wb.add_worksheet(GENERATED[0])
    gap.write_row(0, 0, ["Employee", "Competency", "Rating", "Expected", "Gap", "Share"], head)
    rows = [("Avery Quill", "Delivery", 3, 4), ("Blake Stone", "Ownership", 5, 3)]
    for r, (who, comp, rating, expected) in enumerate(rows, start=1):
        gap.write_row(r, 0, [who, comp, rating, expected])
        gap.write_formula(r, 4, f"=C{r + 1}-D{r + 1}", None, rating - expected)
        gap.write_formula(r, 5, f"=C{r + 1}/5", pct, rating / 5)
    gap.conditional_format("E2:E3", {"type": "cell", "criteria": "<", "value": 0, "format": below})
    gap.data_validation("C2:C3", {"validate": "integer", "criteria": "between", "minimum": 1,
                                   "maximum": 5})  # fmt: skip
    gap.freeze_panes(1, 0)
    gap.autofilter("A1:F3")
    gap.set_column(0, 1, 18)
    ready = wb.add_worksheet(GENERATED[1])
    ready.write_row(0, 0, ["Employee", "Status", "Average"], head)
    ready.write_row(1, 0, ["Avery Quill", "Close"])
    ready.write_formula(1, 2, "=AVERAGE(3,4)", None, 3.5)
    ready.freeze_panes(1, 0)
    ready.autofilter("A1:C2")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def workbook_parts(parts: dict[str, bytes]) -> tuple[str, str | None]:
    book = next(
        resolve("", r.target)
        for r in parse_rels(parts["_rels/.rels"])
        if r.type.endswith("/officeDocument")
    )
    styles = next(
        (
            resolve(book, r.target)
            for r in parse_rels(parts[rels_path(book)])
            if r.type.endswith("/styles")
        ),
        None,
    )
    return book, styles


def children(xml: bytes, section: str) -> list[bytes]:
    root = SafeET.fromstring(xml)
    for child in root:
        if child.tag.endswith("}" + section):
            return [SafeET.tostring(c) for c in child]
    return []


def assert_package_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    book, styles = workbook_parts(before)
    editable = {book, rels_path(book), "[Content_Types].xml", "docProps/app.xml"}
    editable |= {"docProps/custom.xml", styles or ""}
    for name, data in before.items():
        assert name in after, f"{name} lost"
        if name not in editable:
            assert after[name] == data, f"{name} changed"
    # workbook.xml: the original text up to the end of the sheet list is kept as it was
    old, new = before[book].decode(), after[book].decode()
    cut = old.index("</sheets>") if "</sheets>" in old else old.index("</x:sheets>")
    assert new.startswith(old[:cut])
    old_book, new_book = read_book(before[book]), read_book(after[book])
    assert new_book.sheets[: len(old_book.sheets)] == old_book.sheets
    kept = {(n.name, n.local_sheet, n.value) for n in new_book.names}
    assert {(n.name, n.local_sheet, n.value) for n in old_book.names} <= kept
    assert set(parse_rels(before[rels_path(book)])) <= set(parse_rels(after[rels_path(book)]))
    old_ct, new_ct = content_types(before["[Content_Types].xml"])
    got_ct = content_types(after["[Content_Types].xml"])
    assert old_ct.items() <= got_ct[0].items() and new_ct.items() <= got_ct[1].items()
    if styles:
        for section in ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs"):
            old_items = children(before[styles], section)
            assert children(after[styles], section)[: len(old_items)] == old_items, section


def value(v: Any) -> Any:
    text = getattr(v, "text", None)
    return ("array", v.ref, text) if text is not None else v


def snapshot(path: Path, sheets: list[str]) -> tuple[dict[str, Any], list[str], Any]:
    """What openpyxl sees of `sheets`, the warnings it gave, and the loaded workbook."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"names": sorted((n, str(d.value)) for n, d in wb.defined_names.items())}
    for name in sheets:
        ws = wb[name]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            out[name] = ("chartsheet", len(ws._charts))
            continue
        # the cells that exist, not iter_rows(): a declared dimension may be A1:XFD1048576
        present = [c for _, c in sorted(ws._cells.items())]
        cells = [
            (c.coordinate, value(c.value), c.number_format, repr(c.font), repr(c.fill),
             repr(c.border), repr(c.alignment), repr(c.protection))
            for c in present
        ]  # fmt: skip
        out[name] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": [repr(dv) for dv in ws.data_validations.dataValidation],
            "conditional": [
                (str(cf.sqref), [repr(rule) for rule in cf.rules])
                for cf in ws.conditional_formatting
            ],
            "comments": [
                (c.coordinate, c.comment.text, c.comment.author) for c in present if c.comment
            ],  # fmt: skip
            "links": [(h.ref, h.target, h.location) for h in ws._hyperlinks],
            "names": sorted((n, str(d.value)) for n, d in ws.defined_names.items()),
            "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
            "state": ws.sheet_state,
            "freeze": ws.freeze_panes,
            "images": len(ws._images),
            "charts": len(ws._charts),
            "widths": sorted((k, d.width) for k, d in ws.column_dimensions.items()),
        }
    return out, sorted({str(w.message) for w in caught}), wb


def calamine_sheets(path: Path) -> list[str] | None:
    try:
        return CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:
        return None


def corpus_params() -> list[Any]:
    # openpyxl needs about a minute to load 50,000 merged cells twice; the write-back itself
    # takes milliseconds on it
    slow = {"poi__57893-many-merges.xlsx"}
    return [pytest.param(n, marks=pytest.mark.slow) if n in slow else n for n in corpus_files()]


@pytest.mark.parametrize("name", corpus_params())
def test_corpus_write_back_keeps_everything(name: str, tmp_path: Path) -> None:
    source = CORPUS / name
    work = tmp_path / name
    shutil.copyfile(source, work)
    try:
        check_package(source)
    except LadderError as refused:
        with pytest.raises(type(refused)):
            write_back(work, build_two_sheets)
        assert sha(work) == sha(source)
        assert list(tmp_path.iterdir()) == [work]
        return

    try:
        first = write_back(work, build_two_sheets)
    except UnreadableFile:
        # a package damaged past what check_package looks at (poi__xlsx-corrupted: a broken
        # _rels/.rels): the clear error, and the file as it was
        assert sha(work) == sha(source)
        assert list(tmp_path.iterdir()) == [work]
        return
    before = members(source)
    original_sheets = [s.name for s in read_book(before[workbook_parts(before)[0]]).sheets]
    reference, reference_warnings, _ = snapshot(source, original_sheets)
    calamine_before = calamine_sheets(source)

    assert first.added == GENERATED and first.replaced == []
    after_first = members(work)
    second = write_back(work, build_two_sheets)
    assert second.added == [] and second.replaced == GENERATED
    after_second = members(work)
    # the second run replaces in place: same members, same bytes (styles are reused)
    assert after_second == after_first
    assert list(tmp_path.iterdir()) == [work]

    assert_package_kept(before, after_second)
    book = read_book(after_second[workbook_parts(after_second)[0]])
    assert [s.name for s in book.sheets] == original_sheets + GENERATED

    result, result_warnings, wb = snapshot(work, original_sheets)
    assert result == reference
    assert set(result_warnings) <= set(reference_warnings)

    gap = wb[GENERATED[0]]
    assert [c.value for c in gap[2]] == ["Avery Quill", "Delivery", 3, 4, "=C2-D2", "=C2/5"]
    assert gap["F2"].number_format == "0.0%" and gap["A1"].font.b
    assert gap.freeze_panes == "A2" and gap.auto_filter.ref == "A1:F3"
    assert [str(dv.sqref) for dv in gap.data_validations.dataValidation] == ["C2:C3"]
    assert [str(cf.sqref) for cf in gap.conditional_formatting] == ["E2:E3"]

    if calamine_before is not None:
        cal = CalamineWorkbook.from_path(str(work))
        assert cal.sheet_names == calamine_before + GENERATED
        rows = cal.get_sheet_by_name(GENERATED[0]).to_python()
        assert rows[1][4:] == [-1.0, 0.6] and rows[2][4:] == [2.0, 1.0]  # cached values
