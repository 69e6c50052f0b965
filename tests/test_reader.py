"""read_framework: tables found by meaning, every value with its cell, what is missing as
findings with codes and places."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from conftest import FAMILY, FRAMEWORK, LEVEL_ORDER, canonical_headers, wide_rows, write_sheets

from ladder_sheets.errors import LayoutError, UnreadableFile
from ladder_sheets.findings import Report
from ladder_sheets.model import Framework
from ladder_sheets.workbook.grid import MAX_CELLS, read_grids
from ladder_sheets.workbook.mapping import Mapping
from ladder_sheets.workbook.reader import read_framework

Builder = Callable[..., Path]


def errors(framework: Framework) -> list[tuple[Any, ...]]:
    return Report(framework.findings).flatten("severity", "code", "sheet", "cell")


def only_problems(framework: Framework) -> list[tuple[Any, ...]]:
    """Findings other than the informational ones."""
    return [f for f in errors(framework) if f[0] != "info"]


def rows_with_cells(framework: Framework, table: str, column: str) -> list[tuple[Any, str]]:
    t = framework.table(table)
    return list(zip(t.data[column].tolist(), t.cells[column].tolist(), strict=True))


def levels_sheet(*extra: list[Any]) -> list[list[Any]]:
    return [canonical_headers("levels"), *FRAMEWORK["levels"], *extra]


# --- the canonical layout -----------------------------------------------------------------


def test_canonical_layout_reads_every_table_with_cells(framework_workbook: Builder) -> None:
    fw = read_framework(framework_workbook())
    assert only_problems(fw) == []
    assert len(fw.levels) == len(FRAMEWORK["levels"])
    assert fw.levels.data["level"].tolist() == ["IC1", "IC2", "IC3", "M1"]
    assert fw.levels.data["order"].tolist() == [1, 2, 3, 1]
    assert fw.levels.cells.loc[2, "title"] == "D4"  # third level, fourth column
    assert set(fw.levels.sheets) == {"Levels"}
    # Matrix: one row per non-blank cell, counted from the builder's data
    expected = [
        (FAMILY, comp, level, value)
        for comp, by_level in FRAMEWORK["matrix"].items()
        for level in LEVEL_ORDER
        if (value := by_level.get(level)) is not None
    ]
    got = fw.expectations.data[["family", "competency", "level", "expected"]]
    assert [tuple(r) for r in got.itertuples(index=False)] == expected
    # Communication is row 2; IC1..M1 are columns C..F
    first = fw.expectations.cells.iloc[0].to_dict()
    assert first == {"family": "A2", "competency": "B2", "level": "C1", "expected": "C2"}
    # System Design has no M1 expectation: its row 4 gives IC1..IC3 only
    sd = fw.expectations.data["competency"] == "System Design"
    assert fw.expectations.cells.loc[sd, "expected"].tolist() == ["C4", "D4", "E4"]
    assert len(fw.behaviors) == 8
    assert fw.behaviors.cells.iloc[-1]["behavior"] == "F3"
    assert fw.sources["expectations"] == ["Matrix"]
    assert fw.employees.data["manager_id"].tolist()[1] == "E001"


def test_optional_tables_absent_are_info_required_absent_are_errors(
    framework_workbook: Builder,
) -> None:
    fw = read_framework(framework_workbook(drop={"Competencies", "Paths"}))
    missing = {(f.severity.value, f.message.split(" sheet")[0]) for f in fw.findings}
    codes = [(f.severity.value, f.code) for f in fw.findings if f.code == "missing-sheet"]
    assert ("error", "missing-sheet") in codes
    assert ("info", "missing-sheet") in codes
    assert ("error", "no Competencies") in missing
    assert ("info", "no Paths") in missing


# --- names by meaning ---------------------------------------------------------------------


def test_aliased_sheet_and_column_names(tmp_path: Path) -> None:
    levels: list[list[Any]] = [["Department", "Career Track", "Grade", "Level Title", "Rank"]]
    levels += [[FAMILY, "IC", "IC1", "Junior", 1], [FAMILY, "IC", "IC2", "Mid", 2]]
    path = write_sheets(
        tmp_path / "aliased.xlsx",
        {
            "Grades": levels,
            "Skills": [["Skill", "Type", "Description"], ["Delivery", "Core", "Ships work"]],
            "Competency Matrix": [["Skill", "IC1", "IC2"], ["Delivery", 2, 3]],
            "Behaviours": [["Capability", "IC1", "IC2"], ["Delivery", "Closes tickets", None]],
        },
    )
    fw = read_framework(path)
    assert fw.sources == {
        "levels": ["Grades"],
        "competencies": ["Skills"],
        "expectations": ["Competency Matrix"],
        "behaviors": ["Behaviours"],
    }
    assert rows_with_cells(fw, "levels", "level") == [("IC1", "C2"), ("IC2", "C3")]
    assert fw.levels.data["family"].tolist() == [FAMILY, FAMILY]
    assert rows_with_cells(fw, "competencies", "definition") == [("Ships work", "C2")]
    assert rows_with_cells(fw, "expectations", "expected") == [(2, "B2"), (3, "C2")]
    assert rows_with_cells(fw, "behaviors", "behavior") == [("Closes tickets", "B2")]
    # absent optional columns are warnings, not errors
    assert {f[1] for f in only_problems(fw)} == {"missing-column"}
    assert all(f[0] == "warning" for f in only_problems(fw))


def test_generated_and_settings_sheets_are_not_read_as_tables(framework_workbook: Builder) -> None:
    gap = [["Employee ID", "Competency", "Level", "Gap"], ["E002", "Delivery", "IC2", -1]]
    settings = [
        ["Table", "Sheet", "Column", "Header", "Header Row"],
        ["Levels", "Levels", None, None, 1],
    ]
    notes = [["Read me first"], ["This workbook holds the 2026 ladder."]]
    path = framework_workbook(
        sheets={
            "Gap Analysis": gap,
            "Ladder Settings": settings,
            "Notes 2026": notes,
            "Instructions": notes,  # the template's own: read past without a note
        }
    )
    fw = read_framework(path)
    assert only_problems(fw) == []
    ignored = [f.sheet for f in fw.findings if f.code == "ignored-sheet"]
    assert ignored == ["Notes 2026"]
    assert "Gap Analysis" not in {s for names in fw.sources.values() for s in names}
    assert len(fw.levels) == 4


def test_sheet_with_unknown_name_is_found_by_its_columns(framework_workbook: Builder) -> None:
    fw = read_framework(framework_workbook(rename={"Levels": "Sheet1"}))
    assert fw.sources["levels"] == ["Sheet1"]
    assert len(fw.levels) == 4


def test_title_rows_notes_blank_rows_and_merged_cells(tmp_path: Path) -> None:
    path = tmp_path / "messy.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Career Levels"
    ws["A1"] = "Engineering career levels 2026"
    ws.merge_cells("A1:E1")
    ws["A2"] = "Owner: People team"
    # header on row 4, with a line break, trailing spaces and odd case
    for col, text in enumerate(["Job\nFamily ", "TRACK", " Level  ", "Title", "Order"], 1):
        ws.cell(row=4, column=col, value=text)
    ws["G4"] = "Notes"
    ws["G5"] = "Reviewed by the leadership team"  # a note beside the table
    # the family is merged down over the rows it covers
    ws["A5"] = FAMILY
    ws.merge_cells("A5:A8")
    data = [("IC", "IC1", "Junior", 1), ("IC", "IC2", "Mid", 2), None, ("IC", "IC3", "Senior", 3)]
    for row, values in enumerate(data, start=5):
        for col, value in enumerate(values or (), start=2):
            ws.cell(row=row, column=col, value=value)
    ws["A10"] = "Note: bands are reviewed every January by the compensation committee."
    wb.save(path)
    fw = read_framework(path)
    assert rows_with_cells(fw, "levels", "level") == [("IC1", "C5"), ("IC2", "C6"), ("IC3", "C8")]
    # the merged family applies to every row and points at the cell that holds it
    assert rows_with_cells(fw, "levels", "family") == [(FAMILY, "A5")] * 3
    assert "notes" not in fw.levels.data.columns


def test_two_row_merged_header_over_level_columns(tmp_path: Path) -> None:
    path = tmp_path / "header.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Levels"
    ws.append(canonical_headers("levels"))
    for row in FRAMEWORK["levels"]:
        ws.append(row)
    ws = wb.create_sheet("Matrix")
    ws["A1"] = "Competency"
    ws.merge_cells("A1:A2")
    ws["B1"] = "Expected proficiency (1-5)"
    ws.merge_cells("B1:D1")
    ws["B2"], ws["C2"], ws["D2"] = "IC1", "IC2", "IC3"
    ws.append(["Delivery", 2, 3, 4])
    wb.save(path)
    fw = read_framework(path)
    assert fw.expectations.data["level"].tolist() == ["IC1", "IC2", "IC3"]
    assert fw.expectations.cells["expected"].tolist() == ["B3", "C3", "D3"]
    assert fw.expectations.cells["competency"].tolist() == ["A3"] * 3
    assert fw.expectations.cells["level"].tolist() == ["B2", "C2", "D2"]


def test_level_columns_in_any_order_and_with_titles(framework_workbook: Builder) -> None:
    matrix = [
        ["Competency", "M1", "IC3 - Senior", "IC1 - Junior", "Level IC2"],
        ["Delivery", 3, 4, 2, 3],
    ]
    fw = read_framework(framework_workbook(sheets={"Matrix": matrix}, drop={"Behaviors"}))
    got = dict(zip(fw.expectations.data["level"], fw.expectations.data["expected"], strict=True))
    assert got == {"M1": 3, "IC3": 4, "IC1": 2, "IC2": 3}
    assert fw.expectations.cells["level"].tolist() == ["B1", "C1", "D1", "E1"]


def test_unknown_level_column_is_reported(framework_workbook: Builder) -> None:
    matrix = [["Competency", "IC1", "IC2", "IC9"], ["Delivery", 2, 3, 5]]
    fw = read_framework(framework_workbook(sheets={"Matrix": matrix}))
    assert ("warning", "unmapped-level-column", "Matrix", "D1") in errors(fw)
    assert fw.expectations.data["level"].tolist() == ["IC1", "IC2"]


def test_per_family_matrix_sheets(framework_workbook: Builder) -> None:
    levels = levels_sheet(["Data", "IC", "D1", "Analyst", 1], ["Data", "IC", "D2", "Senior", 2])
    eng = wide_rows({"Delivery": {"IC1": 2, "IC2": 3}}, ["IC1", "IC2"], family=None)
    data = wide_rows({"Modelling": {"D1": 2, "D2": 4}}, ["D1", "D2"], family=None)
    path = framework_workbook(
        sheets={"Levels": levels, "Matrix - Engineering": eng, "Data Matrix": data},
        drop={"Matrix", "Behaviors"},
    )
    fw = read_framework(path)
    got = fw.expectations.data
    assert got["family"].tolist() == ["Engineering"] * 2 + ["Data"] * 2
    assert got["level"].tolist() == ["IC1", "IC2", "D1", "D2"]
    assert fw.expectations.sheets.tolist() == ["Matrix - Engineering"] * 2 + ["Data Matrix"] * 2
    assert fw.expectations.cells["family"].tolist() == [""] * 4


# --- mapping ------------------------------------------------------------------------------

ORG_GRADES = [
    ["Org", "Ladder", "Grade Code", "Name", "Seq"],
    [FAMILY, "IC", "IC1", "Junior", 1],
    [FAMILY, "IC", "IC2", "Mid", 2],
]


def test_settings_sheet_maps_what_cannot_be_guessed(framework_workbook: Builder) -> None:
    settings = [
        ["Table", "Sheet", "Column", "Header"],
        ["Levels", "Org Grades", None, None],
        ["Levels", None, "Job Family", "Org"],
        ["levels", None, "track", "Ladder"],
        ["Levels", None, "Level", "Grade Code"],
        ["Levels", None, "Order", "Seq"],
    ]
    path = framework_workbook(
        sheets={"Org Grades": ORG_GRADES, "Ladder Settings": settings}, drop={"Levels"}
    )
    fw = read_framework(path)
    assert fw.sources["levels"] == ["Org Grades"]
    assert rows_with_cells(fw, "levels", "level") == [("IC1", "C2"), ("IC2", "C3")]
    assert fw.levels.data["order"].tolist() == [1, 2]
    assert not [f for f in only_problems(fw) if f[0] == "error"]
    assert "Ladder Settings" not in {f.sheet for f in fw.findings if f.code == "ignored-sheet"}


def test_mapping_file(framework_workbook: Builder, tmp_path: Path) -> None:
    toml = tmp_path / "mapping.toml"
    toml.write_text(
        '[levels]\nsheet = "Org Grades"\nheader_row = 1\n'
        '[levels.columns]\nfamily = "Org"\ntrack = "Ladder"\nlevel = "Grade Code"\n'
        'Order = "Seq"\n'
        '[Matrix]\nsheet = "Skills Grid"\nfamily = "Engineering"\n'
        '[Matrix.levels]\n"Junior" = "IC1"\n"Mid" = "IC2"\n',
        encoding="utf-8",
    )
    grid = [["Competency", "Junior", "Mid"], ["Delivery", 2, 3]]
    path = framework_workbook(
        sheets={"Org Grades": ORG_GRADES, "Skills Grid": grid}, drop={"Levels", "Matrix"}
    )
    for mapping in (toml, Mapping.from_toml(toml)):
        fw = read_framework(path, mapping)
        assert fw.levels.data["level"].tolist() == ["IC1", "IC2"]
        assert rows_with_cells(fw, "expectations", "level") == [("IC1", "B1"), ("IC2", "C1")]
        assert fw.expectations.data["family"].tolist() == [FAMILY, FAMILY]


def test_bad_mapping_file_is_a_layout_error(framework_workbook: Builder, tmp_path: Path) -> None:
    toml = tmp_path / "mapping.toml"
    toml.write_text("[levles]\nsheet = 'X'\n", encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        read_framework(framework_workbook(), toml)
    assert caught.value.file == str(toml)
    toml.write_text("[levels\n", encoding="utf-8")
    with pytest.raises(LayoutError):
        read_framework(framework_workbook(), toml)


# --- values -------------------------------------------------------------------------------


def test_values_are_kept_as_typed(framework_workbook: Builder) -> None:
    competencies = [
        canonical_headers("competencies"),
        ["Delivery", "Core", "NA", "Ships_x000D_\nwork  on time"],
        ["Communication", "Core", "N/A", "None"],
    ]
    matrix = [["Competency", "IC1", "IC2"], ["Delivery", "3", 4], ["Communication", "NA", 2.5]]
    fw = read_framework(
        framework_workbook(competencies=competencies[1:], sheets={"Matrix": matrix})
    )
    comp = fw.competencies.data
    assert comp["family"].tolist() == ["NA", "N/A"]  # text, never missing
    assert comp["definition"].tolist() == ["Ships work on time", "None"]
    # "NA" in a Matrix cell is "not applicable": not expected (blank), and said
    assert fw.expectations.data["expected"].tolist() == ["3", 4, None, 2.5]
    assert [f.where.cell for f in fw.findings if f.code == "expectation-words-read"] == ["B3"]


def test_huge_declared_dimension_is_fast(framework_workbook: Builder, tmp_path: Path) -> None:
    path = framework_workbook()
    patched = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data
                )
                assert b"XFD1048576" in data
            zout.writestr(info, data)
    started = time.monotonic()
    fw = read_framework(patched)
    assert time.monotonic() - started < 2
    assert len(fw.levels) == 4 and len(fw.expectations) == 11


def test_stray_value_in_the_last_cell_is_read_sparsely(framework_workbook: Builder) -> None:
    path = framework_workbook()
    wb = openpyxl.load_workbook(path)
    wb["Levels"]["XFD1048576"] = "stray"
    wb.save(path)
    started = time.monotonic()
    grids = read_grids(path)
    fw = read_framework(path)
    assert time.monotonic() - started < 5
    assert grids["Levels"].get(1048575, 16383) == "stray"
    assert len(fw.levels) == 4


@pytest.mark.slow
def test_sheet_with_too_many_cells_is_refused(tmp_path: Path) -> None:
    path = write_sheets(tmp_path / "big.xlsx", {"Levels": [["Level"], ["IC1"]]})
    per_row = 20
    rows = MAX_CELLS // per_row + 2
    cells = "".join(f'<c r="{chr(65 + i)}{{r}}"><v>1</v></c>' for i in range(per_row))
    body = "".join(
        f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>" for r in range(1, rows)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:T{rows}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()
    patched = tmp_path / "million.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = xml if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info)
            zout.writestr(info.filename, data, compresslevel=1)
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as caught:
        read_framework(patched)
    assert time.monotonic() - started < 30  # about 3 s on an idle machine
    assert caught.value.sheet == "Levels"


# --- what is missing ----------------------------------------------------------------------


def test_missing_sheet_suggests_the_closest(framework_workbook: Builder) -> None:
    # a misspelt sheet whose header names no competency column either
    sheets = {"Competncies": [["What", "Kind"], ["Delivery", "Core"]]}
    fw = read_framework(framework_workbook(sheets=sheets, drop={"Competencies"}))
    [finding] = [
        f for f in fw.findings if f.code == "missing-sheet" and "Competencies" in f.message
    ]
    assert finding.severity.value == "error"
    assert "Competncies" in finding.message


@pytest.mark.parametrize(
    ("header", "severity", "candidate"),
    [("Order", "error", None), ("Levle", "error", "Levle"), ("Title", "warning", None)],
)
def test_missing_or_misspelled_column(
    framework_workbook: Builder, header: str, severity: str, candidate: str | None
) -> None:
    headers = canonical_headers("levels")
    index = headers.index("Level" if header == "Levle" else header)
    rows = [[v for i, v in enumerate(r) if i != index] for r in [headers, *FRAMEWORK["levels"]]]
    if candidate:
        rows = [headers[:index] + [candidate] + headers[index + 1 :], *FRAMEWORK["levels"]]
    fw = read_framework(framework_workbook(sheets={"Levels": rows}))
    found = [f for f in fw.findings if f.code == "missing-column" and f.sheet == "Levels"]
    assert [(f.severity.value, f.cell) for f in found] == [(severity, "A1")]
    if candidate:
        assert candidate in found[0].message


def test_matrix_without_level_columns(framework_workbook: Builder) -> None:
    matrix = [["Competency", "Junior", "Senior"], ["Delivery", 2, 3]]
    fw = read_framework(framework_workbook(sheets={"Matrix": matrix}))
    assert ("error", "missing-level-columns", "Matrix", "A1") in errors(fw)


@pytest.mark.parametrize(
    "sheets",
    [{"Sheet1": []}, {"Budget": [["Cost centre", "Amount"], ["R&D", 100]]}],
    ids=["empty-workbook", "no-framework"],
)
def test_no_framework_table_is_a_layout_error(tmp_path: Path, sheets: dict[str, Any]) -> None:
    path = write_sheets(tmp_path / "other.xlsx", sheets)
    with pytest.raises(LayoutError) as caught:
        read_framework(path)
    assert caught.value.file == str(path)
    assert caught.value.hint


def test_error_cells_are_kept_as_their_text(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(path)
    levels = wb.add_worksheet("Levels")
    for r, row in enumerate([canonical_headers("levels"), *FRAMEWORK["levels"]]):
        levels.write_row(r, 0, row)
    matrix = wb.add_worksheet("Matrix")
    matrix.write_row(0, 0, ["Competency", "IC1", "IC2"])
    matrix.write_row(1, 0, ["Delivery", 2])
    matrix.write_formula("C2", "=VLOOKUP(A2,Levels!A:B,9,FALSE)", None, "#N/A")
    wb.close()
    fw = read_framework(path)
    assert rows_with_cells(fw, "expectations", "expected") == [(2, "B2"), ("#N/A", "C2")]


def test_header_row_far_down_needs_the_settings(framework_workbook: Builder) -> None:
    notes = [[f"Read me, line {i}"] for i in range(1, 36)]
    levels = [*notes, [None], *levels_sheet()]  # header on row 37
    path = framework_workbook(sheets={"Levels": levels})
    fw = read_framework(path)
    assert ("error", "missing-header", "Levels", "A1") in errors(fw)
    settings = [["Table", "Sheet", "Header Row"], ["Levels", "Levels", 37]]
    path = framework_workbook("mapped.xlsx", sheets={"Levels": levels, "Ladder Settings": settings})
    fw = read_framework(path)
    assert rows_with_cells(fw, "levels", "level")[0] == ("IC1", "C38")
    assert [f for f in only_problems(fw) if f[0] == "error"] == []
