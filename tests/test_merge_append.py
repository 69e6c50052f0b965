"""merge appends a new cycle to the recorded Ratings History instead of rewriting it, reads back
exactly like the full rewrite, and takes the full rewrite (saying why) whenever it cannot."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers import SOFFICE, libreoffice_convert

from ladder_sheets.api import check
from ladder_sheets.commands.merge import merge

NOW = dt.datetime(2026, 7, 1, 9, 30)
HEAD = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type"]
COMPETENCIES = ("Communication", "Delivery", "System Design")


def export(tmp_path: Path, cycle: str, rating: int = 3, first: int | None = None) -> Path:
    rows = ["Cycle,Employee ID,Competency,Rating,Evidence"]
    for emp in ("E002", "E003"):
        for n, comp in enumerate(COMPETENCIES):
            value = first if first is not None and (emp, n) == ("E002", 0) else rating
            rows.append(f"{cycle},{emp},{comp},{value},said {cycle} & <ok>")
    path = tmp_path / f"{cycle}-{rating}-{first}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def sheet_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every history sheet's rows as openpyxl reads them (values and types), in order."""
    wb = openpyxl.load_workbook(path)
    out = {
        name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
        for name in wb.sheetnames
        if name.startswith("Ratings History")
    }
    wb.close()
    return out


def reader_history(path: Path) -> list[dict[str, object]]:
    return check(path).framework.history.data.to_dict("records")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_part(path: Path, name: str) -> str:
    """The zip member of a sheet, from workbook.xml and its rels."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(rf'<sheet name="{re.escape(name)}" sheetId="\d+" r:id="(\w+)"', book)
    assert rel_id, name
    target = re.search(rf'Id="{rel_id.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'Target="([^"]+)"[^>]*Id="{rel_id.group(1)}"', rels)
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


@pytest.fixture
def recorded(framework_workbook, tmp_path: Path) -> Path:
    """A workbook whose history merge wrote (cycle 2026-Q1)."""
    path = framework_workbook()
    first = merge(path, [export(tmp_path, "2026-Q1")], now=NOW)
    assert first.written == path
    assert first.history_write is not None and first.history_write.code == "empty-history"
    return path


def both_ways(path: Path, exports: list[Path], tmp_path: Path, **options):
    """merge into two copies of `path`: appending (if it can) and rewriting."""
    fast, full = tmp_path / "fast.xlsx", tmp_path / "full.xlsx"
    shutil.copy(path, fast)
    shutil.copy(path, full)
    done = merge(fast, exports, now=NOW, **options)
    rewritten = merge(full, exports, now=NOW, append_history=False, **options)
    assert done.written == fast and rewritten.written == full
    return done, fast, full


def test_appended_workbook_reads_back_like_the_full_rewrite(recorded, tmp_path):
    done, fast, full = both_ways(recorded, [export(tmp_path, "2026-Q2", 4)], tmp_path)
    write = done.history_write
    assert write is not None
    assert (write.path, write.code, write.rows) == ("append", "appended", 6)
    assert write.appended_to == ["Ratings History"]
    assert sheet_rows(fast) == sheet_rows(full)
    assert reader_history(fast) == reader_history(full)
    rows = sheet_rows(fast)["Ratings History"]
    assert len(rows) == 1 + 12
    assert rows[-1][:4] == ("2026-Q2", "E003", "System Design", 4)
    assert rows[-1][8] == NOW, "the import time is a date, not text"
    # the new cells look like the rows above: same number formats as the rewrite gives
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(full)
    for column in "ABCDEFGHI":
        cell_a, cell_b = a["Ratings History"][f"{column}13"], b["Ratings History"][f"{column}13"]
        assert cell_a.number_format == cell_b.number_format, column
        assert cell_a.data_type == cell_b.data_type, column
    assert a["Ratings History"].auto_filter.ref == "A1:I13"
    assert a["Ratings History"].max_row == 13


def test_every_member_but_the_edited_ones_is_byte_identical(recorded, tmp_path):
    before = members(recorded)
    history = sheet_part(recorded, "Ratings History")
    done = merge(recorded, [export(tmp_path, "2026-Q2")], now=NOW)
    assert done.history_write is not None and done.history_write.path == "append"
    after = members(recorded)
    regenerated = {
        sheet_part(recorded, n)
        for n in ("Promotion Evidence", "Gap Analysis", "Promotion Readiness")
    }
    # The cycle imported is recorded in Framework Versions (regenerated, like the analysis).
    regenerated.add(sheet_part(recorded, "Framework Versions"))
    edited = {history, "xl/workbook.xml", "xl/styles.xml"} | regenerated
    assert set(before) == set(after)
    for name in set(before) - edited:
        assert after[name] == before[name], name
    # the recorded rows' XML is copied as it was, the new rows follow it
    old, new = before[history], after[history]
    rows_before = old[old.index(b"<sheetData>") : old.index(b"</sheetData>")]
    assert rows_before in new
    assert new.index(rows_before) + len(rows_before) < new.index(b"</sheetData>")
    assert b't="s"' not in new[len(rows_before) :], "new strings are inline"
    assert b'<dimension ref="A1:I13"/>' in new


def test_second_merge_of_the_same_export_changes_nothing(recorded, tmp_path):
    q2 = export(tmp_path, "2026-Q2")
    assert merge(recorded, [q2], now=NOW).history_write is not None
    history = sheet_part(recorded, "Ratings History")
    before = members(recorded)[history]
    again = merge(recorded, [q2], now=NOW)
    assert again.history_write is not None
    assert (again.history_write.path, again.history_write.code) == ("append", "nothing-new")
    assert again.history is not None and again.history.added == 0
    assert members(recorded)[history] == before


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ("formula", "formulas"),
        ("merged", "merged-cells|cell-types"),
        ("text-rating", "cell-types"),
        ("blank-row", "sheet-layout"),
        ("extra-column", "sheet-layout"),
        ("unsorted", "rows-moved"),
    ],
)
def test_a_hand_edited_history_sheet_takes_the_full_rewrite(recorded, tmp_path, edit, code):
    wb = openpyxl.load_workbook(recorded)
    ws = wb["Ratings History"]
    if edit == "formula":
        ws["G3"] = '="noted"'
    elif edit == "merged":
        ws.merge_cells("G2:G3")
    elif edit == "text-rating":
        ws["D2"] = str(ws["D2"].value)
    elif edit == "blank-row":
        ws.insert_rows(4)
    elif edit == "extra-column":
        ws["J5"] = "a note HR keeps"
    elif edit == "unsorted":
        ws["A2"] = "2026-Q3"  # a later cycle recorded before the earlier one
    wb.save(recorded)
    done, fast, full = both_ways(recorded, [export(tmp_path, "2026-Q2")], tmp_path)
    assert done.history_write is not None
    assert done.history_write.path == "rewrite"
    assert done.history_write.code in code.split("|")  # merging G2:G3 also blanks G3
    assert done.history_write.reason
    assert reader_history(fast) == reader_history(full)


def test_a_hand_sorted_cycle_keeps_its_order_and_is_appended_to(recorded, tmp_path):
    wb = openpyxl.load_workbook(recorded)
    ws = wb["Ratings History"]
    first = [c.value for c in ws[2]]
    second = [c.value for c in ws[7]]
    for col, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        ws.cell(2, col, b)
        ws.cell(7, col, a)
    wb.save(recorded)
    done, fast, full = both_ways(recorded, [export(tmp_path, "2026-Q2")], tmp_path)
    assert done.history_write is not None and done.history_write.path == "append"
    assert sheet_rows(fast) == sheet_rows(full)
    assert sheet_rows(fast)["Ratings History"][1] == tuple(second)


def test_an_older_cycle_or_a_replaced_cycle_takes_the_full_rewrite(recorded, tmp_path):
    older = merge(recorded, [export(tmp_path, "2025-Q4")], now=NOW)
    assert older.history_write is not None
    assert (older.history_write.path, older.history_write.code) == ("rewrite", "rows-moved")
    changed = export(tmp_path, "2026-Q1", first=5)
    refused = merge(recorded, [changed], now=NOW)
    assert refused.written is None, "a changed rating needs --replace-cycle"
    replaced = merge(recorded, [changed], now=NOW, replace_cycles=["2026-Q1"])
    assert replaced.history_write is not None
    assert (replaced.history_write.path, replaced.history_write.code) == (
        "rewrite",
        "replaced-rows",
    )
    ratings = {
        (r["cycle"], r["employee_id"], r["competency"]): r["rating"]
        for r in reader_history(recorded)
    }
    assert ratings[("2026-Q1", "E002", "Communication")] == 5


def test_new_rows_fill_the_last_sheet_then_open_the_next_continuation(framework_workbook, tmp_path):
    path = framework_workbook()
    assert merge(path, [export(tmp_path, "2026-Q1")], now=NOW, rows_per_sheet=4).written
    assert list(sheet_rows(path)) == ["Ratings History", "Ratings History (2)"]
    done, fast, full = both_ways(path, [export(tmp_path, "2026-Q2")], tmp_path, rows_per_sheet=4)
    write = done.history_write
    assert write is not None and write.path == "append"
    assert write.appended_to == ["Ratings History (2)"]
    assert write.new_sheets == ["Ratings History (3)"]
    rows = sheet_rows(fast)
    assert [len(r) - 1 for r in rows.values()] == [4, 4, 4]
    assert rows == sheet_rows(full)
    assert reader_history(fast) == reader_history(full)
    # the third sheet is full: a third cycle opens two more
    third = merge(fast, [export(tmp_path, "2026-Q3")], now=NOW, rows_per_sheet=4)
    assert third.history_write is not None and third.history_write.path == "append"
    assert third.history_write.appended_to == []
    assert third.history_write.new_sheets == ["Ratings History (4)", "Ratings History (5)"]
    assert len(reader_history(fast)) == 18


def test_a_taken_continuation_name_takes_the_full_rewrite(framework_workbook, tmp_path):
    path = framework_workbook(sheets={"Ratings History (2)x": [["note"]]})
    assert merge(path, [export(tmp_path, "2026-Q1")], now=NOW, rows_per_sheet=6).written
    wb = openpyxl.load_workbook(path)
    wb["Ratings History (2)x"].title = "Ratings History (2)"
    wb["Ratings History (2)"]["A1"] = "HR's own notes"
    wb.save(path)
    done = merge(path, [export(tmp_path, "2026-Q2")], now=NOW, rows_per_sheet=6)
    assert done.history_write is not None
    assert done.history_write.code in {"continuation-taken", "sheet-names"}


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_converts_the_appended_workbook(recorded, tmp_path):
    done = merge(recorded, [export(tmp_path, "2026-Q2", 4)], now=NOW)
    assert done.history_write is not None and done.history_write.path == "append"
    options = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    out = libreoffice_convert(recorded, tmp_path, "csv", 180, filter_options=options).parent
    history = (out / f"{recorded.stem}-Ratings History.csv").read_text(encoding="utf-8")
    lines = history.strip().splitlines()
    assert len(lines) == 13
    assert lines[-1].startswith("2026-Q2,E003,System Design,4,manager")
    assert "said 2026-Q2 & <ok>" in lines[-1]


def _scans(monkeypatch) -> list[tuple[str, bool]]:
    """(sheet, scanned in full) for each kept sheet merge checks."""
    from ladder_sheets.xlsx.append import prepare

    seen: list[tuple[str, bool]] = []
    inner = prepare.check_kept_sheet

    def spy(path: Path, sheet: str, *args: object) -> object:
        done = inner(path, sheet, *args)  # type: ignore[arg-type]
        seen.append((sheet, done is not None))
        return done

    monkeypatch.setattr(prepare, "check_kept_sheet", spy)
    return seen


def _scan_record(path: Path, sheet: str) -> object:
    from ladder_sheets.xlsx.append.record import scan_recorded
    from ladder_sheets.xlsx.workbook_xml import read_book

    with zipfile.ZipFile(path) as z:
        return scan_recorded(read_book(z.read("xl/workbook.xml")), sheet)


def test_a_kept_sheet_scanned_in_full_is_recorded_and_not_scanned_again(
    framework_workbook, tmp_path, monkeypatch
):
    """A full continuation sheet the history writer wrote is scanned in full once; its marker
    then keeps what the scan found (while its member is the same), and the next merges take
    that instead of scanning it again, with the same workbook as the full rewrite."""
    path = framework_workbook()
    assert merge(path, [export(tmp_path, "2026-Q1")], now=NOW, rows_per_sheet=4).written
    assert _scan_record(path, "Ratings History") is None
    scans = _scans(monkeypatch)
    second = merge(path, [export(tmp_path, "2026-Q2")], now=NOW, rows_per_sheet=4)
    assert second.history_write is not None and second.history_write.path == "append"
    assert scans == [("Ratings History", True)]
    record = _scan_record(path, "Ratings History")
    assert record is not None and record.last_row == 5  # type: ignore[attr-defined]
    member = sheet_part(path, "Ratings History")
    scans.clear()
    done, fast, full = both_ways(path, [export(tmp_path, "2026-Q3")], tmp_path, rows_per_sheet=4)
    assert done.history_write is not None and done.history_write.path == "append"
    # Ratings History vouched by its record, (2) by its append's; (3), written full by the
    # history writer, is scanned in full once (in each copy: the rewrite scans nothing)
    assert scans == [("Ratings History", False), ("Ratings History (2)", False),
                     ("Ratings History (3)", True)]  # fmt: skip
    assert sheet_rows(fast) == sheet_rows(full)
    assert reader_history(fast) == reader_history(full)
    assert members(fast)[member] == members(path)[member], "the kept member as it was"
    assert _scan_record(fast, "Ratings History (3)") is not None


def test_a_scan_record_is_not_trusted_once_its_member_changed(
    framework_workbook, tmp_path, monkeypatch
):
    """The record is kept in the marker, but the member was written again (here: one rating
    changed in its XML, the marker left as it was): scanned in full, the new rows appended
    after what the sheet now holds."""
    path = framework_workbook()
    assert merge(path, [export(tmp_path, "2026-Q1")], now=NOW, rows_per_sheet=4).written
    assert merge(path, [export(tmp_path, "2026-Q2")], now=NOW, rows_per_sheet=4).written
    assert _scan_record(path, "Ratings History") is not None
    member = sheet_part(path, "Ratings History")
    parts = members(path)
    xml = parts[member]
    rating = re.search(rb'<c r="D3"[^>]*><v>3</v>', xml)
    assert rating is not None
    parts[member] = xml[: rating.end() - 8] + b"<v>2</v>" + xml[rating.end() :]
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(edited, "w") as new:
        for info in old.infolist():
            new.writestr(info, parts[info.filename], zipfile.ZIP_DEFLATED)
    scans = _scans(monkeypatch)
    done, fast, full = both_ways(edited, [export(tmp_path, "2026-Q3")], tmp_path, rows_per_sheet=4)
    assert done.history_write is not None and done.history_write.path == "append"
    assert ("Ratings History", True) in scans
    assert sheet_rows(fast) == sheet_rows(full)
    assert sheet_rows(fast)["Ratings History"][2][3] == 2
