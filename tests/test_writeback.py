"""write_back on workbooks built here: markers, replacement, refusals, out/backup, styles, dates."""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers import sha256 as sha
from helpers import shared
from python_calamine import CalamineWorkbook

from ladder_sheets.errors import UnreadableFile, WriteRefused
from ladder_sheets.xlsx.package import Package
from ladder_sheets.xlsx.workbook_xml import MARKER_NAME, read_book
from ladder_sheets.xlsx.writeback import _build_scratch, fingerprint, write_back

CORPUS = shared("corpus")


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the written workbook must load without warnings
        return openpyxl.load_workbook(path)


@pytest.fixture
def hr_workbook(tmp_path: Path) -> Path:
    """HR's framework workbook: a styled matrix with a dropdown, a conditional format, a note,
    a chart and a defined name; the second sheet is the active one, with a selection."""
    path = tmp_path / "framework.xlsx"
    wb = xlsxwriter.Workbook(path)
    three = wb.add_format({"num_format": "0.000", "italic": True})
    levels = wb.add_worksheet("Levels")
    levels.write_row(0, 0, ["Level", "Order"])
    for i, code in enumerate(["IC1", "IC2", "IC3"], start=1):
        levels.write_row(i, 0, [code, i])
    matrix = wb.add_worksheet("Matrix")
    matrix.write_row(0, 0, ["Competency", "IC1", "IC2", "IC3"])
    matrix.write_row(1, 0, ["Delivery", 2, 3, 4])
    matrix.write_number(2, 1, 1.25, three)
    matrix.data_validation("B2:D2", {"validate": "list", "source": ["1", "2", "3", "4", "5"]})
    matrix.conditional_format("B2:D2", {"type": "3_color_scale"})
    matrix.write_comment("A2", "Core competency")
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Matrix!$B$2:$D$2"})
    matrix.insert_chart("F2", chart)
    wb.define_name("LevelCodes", "=Levels!$A$2:$A$4")
    matrix.activate()
    matrix.set_selection("C3")
    wb.close()
    return path


def gap_sheet(wb: xlsxwriter.Workbook, rating: int = 3) -> None:
    ws = wb.add_worksheet("Gap Analysis")
    pct = wb.add_format({"num_format": "0.0%", "bold": True})
    ws.write_row(0, 0, ["Employee", "Rating", "Expected", "Gap", "Share"])
    ws.write_row(1, 0, ["Avery Quill", rating, 4])
    ws.write_formula(1, 3, "=B2-C2", None, rating - 4)
    ws.write_formula(1, 4, "=B2/5", pct, rating / 5)
    ws.freeze_panes(1, 0)
    ws.autofilter("A1:E2")


def readiness_sheet(wb: xlsxwriter.Workbook) -> None:
    ws = wb.add_worksheet("Promotion Readiness")
    ws.write_row(0, 0, ["Employee", "Status"])
    ws.write_row(1, 0, ["Avery Quill", "Not yet"])


def both(wb: xlsxwriter.Workbook) -> None:
    gap_sheet(wb)
    readiness_sheet(wb)


def test_adds_at_the_end_then_replaces_in_place(hr_workbook: Path) -> None:
    first = write_back(hr_workbook, both)
    assert first.added == ["Gap Analysis", "Promotion Readiness"] and first.replaced == []
    book = read_book(member(hr_workbook, "xl/workbook.xml"))
    assert [s.name for s in book.sheets] == [
        "Levels",
        "Matrix",
        "Gap Analysis",
        "Promotion Readiness",
    ]
    markers = {(n.local_sheet, n.name) for n in book.names if n.name == MARKER_NAME}
    assert markers == {(2, MARKER_NAME), (3, MARKER_NAME)}
    parts_after_first = names(hr_workbook)

    def rated_five(wb: xlsxwriter.Workbook) -> None:
        gap_sheet(wb, rating=5)
        readiness_sheet(wb)

    second = write_back(hr_workbook, rated_five)
    assert second.replaced == ["Gap Analysis", "Promotion Readiness"] and second.added == []
    again = read_book(member(hr_workbook, "xl/workbook.xml"))
    assert again.sheets == book.sheets  # same names, sheetIds, r:ids, order
    assert names(hr_workbook) == parts_after_first
    wb = load(hr_workbook)
    assert wb["Gap Analysis"]["B2"].value == 5 and wb["Gap Analysis"]["D2"].value == "=B2-C2"
    rows = (
        CalamineWorkbook.from_path(str(hr_workbook)).get_sheet_by_name("Gap Analysis").to_python()
    )
    assert rows[1][3:] == [1.0, 1.0]  # cached values of the formulas: 5-4 and 5/5


def test_hr_sheets_active_tab_and_selection_are_kept(hr_workbook: Path) -> None:
    matrix_before = member(hr_workbook, "xl/worksheets/sheet2.xml")
    write_back(hr_workbook, both)
    book_xml = member(hr_workbook, "xl/workbook.xml").decode()
    assert re.search(r'activeTab="1"', book_xml)
    assert member(hr_workbook, "xl/worksheets/sheet2.xml") == matrix_before
    assert b'<selection activeCell="C3" sqref="C3"/>' in matrix_before
    wb = load(hr_workbook)
    assert wb.active.title == "Matrix"
    assert [bool(ws.sheet_view.tabSelected) for ws in wb.worksheets] == [False, True, False, False]


def test_hr_content_is_still_there(hr_workbook: Path) -> None:
    write_back(hr_workbook, both)
    wb = load(hr_workbook)
    matrix = wb["Matrix"]
    assert matrix["B3"].number_format == "0.000" and matrix["B3"].font.i
    assert wb["Gap Analysis"]["E2"].number_format == "0.0%"
    assert [str(dv.sqref) for dv in matrix.data_validations.dataValidation] == ["B2:D2"]
    assert matrix["A2"].comment.text.startswith("Core competency")
    assert len(matrix._charts) == 1
    assert str(wb.defined_names["LevelCodes"].value) == "Levels!$A$2:$A$4"


def test_custom_number_format_ids_do_not_collide(tmp_path: Path) -> None:
    """HR's "0.000" has id 164, the scratch "0.0%" too: the generated one must get its own id."""
    path = tmp_path / "hr.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Matrix").write_number(0, 0, 1.5, wb.add_format({"num_format": "0.000"}))
    wb.close()
    write_back(path, gap_sheet)
    styles = member(path, "xl/styles.xml").decode()
    assert re.findall(r'numFmtId="(\d+)" formatCode="([^"]+)"', styles) == [
        ("164", "0.000"),
        ("165", "0.0%"),
    ]
    loaded = load(path)
    assert loaded["Matrix"]["A1"].number_format == "0.000"
    assert loaded["Gap Analysis"]["E2"].number_format == "0.0%"


def test_edited_generated_sheet_is_refused_unless_forced(hr_workbook: Path) -> None:
    write_back(hr_workbook, both)
    # another program saves the workbook (strings move to the shared table): not an edit
    wb = openpyxl.load_workbook(hr_workbook)
    wb.save(hr_workbook)
    assert write_back(hr_workbook, both).replaced == ["Gap Analysis", "Promotion Readiness"]

    wb = openpyxl.load_workbook(hr_workbook)
    wb["Gap Analysis"]["B2"] = 4  # HR types over a generated value
    wb.save(hr_workbook)
    before = sha(hr_workbook)
    with pytest.raises(WriteRefused) as refused:
        write_back(hr_workbook, both)
    assert refused.value.sheet == "Gap Analysis" and refused.value.hint
    assert sha(hr_workbook) == before

    forced = write_back(hr_workbook, both, force=True)
    assert "Gap Analysis" in forced.replaced
    assert load(hr_workbook)["Gap Analysis"]["B2"].value == 3


def test_sheet_with_generated_name_not_made_by_the_tool_is_never_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hr.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Matrix")
    wb.add_worksheet("gap analysis").write(0, 0, "HR's own notes")  # same name, other case
    wb.close()
    before = sha(path)
    for force in (False, True):
        with pytest.raises(WriteRefused) as refused:
            write_back(path, both, force=force)
        assert refused.value.sheet == "gap analysis"
    assert sha(path) == before


def test_renamed_generated_sheet_is_kept_and_reported(hr_workbook: Path, tmp_path: Path) -> None:
    write_back(hr_workbook, both)
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(hr_workbook) as src, zipfile.ZipFile(renamed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="Gap Analysis"', b'name="Gap 2026-Q2"', 1)
            dst.writestr(info, data)
    result = write_back(renamed, both)
    assert result.renamed == [("Gap 2026-Q2", "Gap Analysis")]
    assert result.added == ["Gap Analysis"] and result.replaced == ["Promotion Readiness"]
    assert load(renamed).sheetnames[-3:] == ["Gap 2026-Q2", "Promotion Readiness", "Gap Analysis"]


def test_out_writes_elsewhere_and_leaves_the_original(hr_workbook: Path, tmp_path: Path) -> None:
    before = sha(hr_workbook)
    out = tmp_path / "copy" / "framework-with-gaps.xlsx"
    out.parent.mkdir()
    result = write_back(hr_workbook, both, out=out)
    assert result.path == out and sha(hr_workbook) == before
    assert load(out).sheetnames[-2:] == ["Gap Analysis", "Promotion Readiness"]


def test_backup_keeps_each_previous_version(hr_workbook: Path) -> None:
    original = hr_workbook.read_bytes()
    first = write_back(hr_workbook, both, backup=True)
    assert first.backup == hr_workbook.with_name("framework.bak.xlsx")
    assert first.backup.read_bytes() == original
    after_first = hr_workbook.read_bytes()
    second = write_back(hr_workbook, both, backup=True)
    # the newest backup is always NAME.bak.xlsx; the earlier one is kept under a stamped name
    assert second.backup == first.backup and second.backup.read_bytes() == after_first
    older = [p for p in hr_workbook.parent.glob("framework.bak-*.xlsx")]
    assert len(older) == 1 and older[0].read_bytes() == original


def test_lock_files_refuse_the_write(hr_workbook: Path) -> None:
    before = sha(hr_workbook)
    for lock in ("~$framework.xlsx", ".~lock.framework.xlsx#"):
        lock_path = hr_workbook.with_name(lock)
        lock_path.write_bytes(b"owner")
        with pytest.raises(WriteRefused):
            write_back(hr_workbook, both)
        lock_path.unlink()
    assert sha(hr_workbook) == before


def test_changed_since_read_is_refused(hr_workbook: Path) -> None:
    seen = fingerprint(hr_workbook)
    write_back(hr_workbook, readiness_sheet)  # someone else writes in between
    changed = sha(hr_workbook)
    with pytest.raises(WriteRefused):
        write_back(hr_workbook, both, expect=seen)
    assert sha(hr_workbook) == changed
    assert write_back(hr_workbook, both, expect=fingerprint(hr_workbook)).added == ["Gap Analysis"]


def test_macros_are_kept(tmp_path: Path) -> None:
    source = CORPUS / "xw__macro01.xlsm"
    if not source.exists():
        pytest.skip("shared corpus (xw__macro01.xlsm) is absent")
    path = tmp_path / "framework.xlsm"
    shutil.copyfile(source, path)
    write_back(path, both)
    assert member(path, "xl/vbaProject.bin") == member(source, "xl/vbaProject.bin")
    assert b"sheet.macroEnabled.main+xml" in member(path, "[Content_Types].xml")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb.vba_archive is not None and "Gap Analysis" in wb.sheetnames


def test_dates_follow_the_workbooks_1904_system(tmp_path: Path) -> None:
    path = tmp_path / "hr1904.xlsx"
    wb = xlsxwriter.Workbook(path, {"date_1904": True})
    wb.add_worksheet("Matrix").write(0, 0, "x")
    wb.close()
    when = datetime(2026, 9, 30)

    def dated(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet("Ratings History")
        ws.write_datetime(0, 0, when, wb.add_format({"num_format": "yyyy-mm-dd"}))

    write_back(path, dated)
    assert load(path)["Ratings History"]["A1"].value == when


def test_text_that_looks_like_a_formula_stays_text(hr_workbook: Path) -> None:
    def risky(wb: xlsxwriter.Workbook) -> None:
        wb.add_worksheet("Gap Analysis").write(0, 0, '=HYPERLINK("http://x.invalid","x")')

    write_back(hr_workbook, risky)
    cell = load(hr_workbook)["Gap Analysis"]["A1"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_generated_chart_is_transplanted_and_replaced_without_leftovers(hr_workbook: Path) -> None:
    def charted(wb: xlsxwriter.Workbook) -> None:
        gap_sheet(wb)
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"values": "='Gap Analysis'!$B$2:$C$2"})
        wb.get_worksheet_by_name("Gap Analysis").insert_chart("G2", chart)

    hr_chart = member(hr_workbook, "xl/charts/chart1.xml")
    write_back(hr_workbook, charted)
    parts = names(hr_workbook)
    write_back(hr_workbook, charted)
    assert sorted(names(hr_workbook)) == sorted(parts)
    assert len([n for n in parts if n.startswith("xl/charts/")]) == 2
    assert member(hr_workbook, "xl/charts/chart1.xml") == hr_chart
    wb = load(hr_workbook)
    assert len(wb["Gap Analysis"]._charts) == 1 and len(wb["Matrix"]._charts) == 1


def test_damaged_package_gives_a_clear_error_and_stays_untouched(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    wb = xlsxwriter.Workbook(good)
    wb.add_worksheet("Matrix")
    wb.close()
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:40] if info.filename == "_rels/.rels" else data)
    before = sha(bad)
    with pytest.raises(UnreadableFile) as error:
        write_back(bad, both)
    assert error.value.file == str(bad) and error.value.hint
    assert sha(bad) == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.xlsx",
        "good.xlsx",
    ]


def test_adopted_sheet_is_replaced_in_place_marker_or_not(tmp_path: Path) -> None:
    """Ratings History comes from the template (no marker) and HR adds rows by hand; merge
    reads it and writes it back, so it is replaced where it is instead of refused."""
    path = tmp_path / "hr.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Matrix")
    wb.add_worksheet("Ratings History").write_row(0, 0, ["Cycle", "Employee ID", "Rating"])
    wb.add_worksheet("Notes")
    wb.close()

    def history(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet("Ratings History")
        ws.write_row(0, 0, ["Cycle", "Employee ID", "Rating"])
        ws.write_row(1, 0, ["2026-Q3", "E1", 4])

    with pytest.raises(WriteRefused):
        write_back(path, history)
    result = write_back(path, history, adopt=["Ratings History"])
    assert result.replaced == ["Ratings History"] and result.added == []
    loaded = load(path)
    assert loaded.sheetnames == ["Matrix", "Ratings History", "Notes"]
    assert loaded["Ratings History"]["C2"].value == 4
    wb2 = openpyxl.load_workbook(path)
    wb2["Ratings History"]["C3"] = 5  # HR adds a row by hand
    wb2.save(path)
    assert write_back(path, history, adopt=["Ratings History"]).replaced == ["Ratings History"]


def test_build_may_add_worksheets_and_sheet_scoped_names_only(hr_workbook: Path) -> None:
    before = sha(hr_workbook)

    def global_name(wb: xlsxwriter.Workbook) -> None:
        gap_sheet(wb)
        wb.define_name("Everyone", "='Gap Analysis'!$A$1:$A$2")

    def chart_sheet(wb: xlsxwriter.Workbook) -> None:
        gap_sheet(wb)
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"values": "='Gap Analysis'!$B$2:$C$2"})
        wb.add_chartsheet("Gap Chart").set_chart(chart)

    for build in (global_name, chart_sheet):
        with pytest.raises(ValueError):
            write_back(hr_workbook, build)
    assert sha(hr_workbook) == before


def test_the_scratch_is_stored_and_the_workbook_deflated(hr_workbook: Path, tmp_path: Path) -> None:
    """The scratch's parts are stored (the transplant reads them once; the package compresses
    what it writes), the workbook written is deflated, and xlsxwriter's own workbooks, closed
    after a scratch and after a scratch whose build failed, are deflated as before."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    scratch, _ = _build_scratch(both, False, folder)
    with zipfile.ZipFile(scratch) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        assert b"Avery Quill" in z.read("xl/worksheets/sheet1.xml")

    def fails(wb: xlsxwriter.Workbook) -> None:
        both(wb)
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError):
        _build_scratch(fails, False, folder)
    write_back(hr_workbook, both)
    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(plain)
    wb.add_worksheet("S").write_string(0, 0, "x" * 1000)
    wb.close()
    for path in (hr_workbook, plain):
        with zipfile.ZipFile(path) as z:
            kinds = {i.filename: i.compress_type for i in z.infolist()}
        assert set(kinds.values()) == {zipfile.ZIP_DEFLATED}, path
    assert load(hr_workbook)["Gap Analysis"]["A2"].value == "Avery Quill"


def test_members_deflated_ahead_are_saved_as_deflated_at_save(
    hr_workbook: Path, tmp_path: Path
) -> None:
    """deflate_ahead changes no byte of what save writes; a member written again after it is
    saved with its new data; a package closed with deflation under way closes."""
    big = b"<x>" + b"".join(b"<r>%d</r>" % i for i in range(300_000)) + b"</x>"

    def saved(ahead: bool, then: bytes | None = None) -> bytes:
        with Package(hr_workbook) as pkg:
            pkg.write("xl/big.xml", big)
            pkg.write("xl/small.xml", b"<y/>")
            if ahead:
                pkg.deflate_ahead(smallest=1000)
                assert set(pkg._ahead) == {"xl/big.xml"}  # the small one is left to save
            if then is not None:
                pkg.write("xl/big.xml", then)
            out = tmp_path / f"out-{ahead}-{then is not None}.xlsx"
            with out.open("wb") as f:
                pkg.save(f)
        return out.read_bytes()

    assert saved(True) == saved(False)
    again = saved(True, then=b"<x>changed</x>")
    with zipfile.ZipFile(tmp_path / "out-True-True.xlsx") as z:
        assert z.read("xl/big.xml") == b"<x>changed</x>" and z.testzip() is None
    assert again == saved(False, then=b"<x>changed</x>")
    with Package(hr_workbook) as pkg:
        pkg.write("xl/big.xml", big)
        pkg.deflate_ahead(smallest=1000)  # closed unsaved: the thread's work is waited for
