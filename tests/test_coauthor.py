"""split / gather: drafts per job family, their edits brought back cell by cell.

The sample framework is split; drafts are edited with openpyxl (and resaved by LibreOffice);
gather must put every edit into the cell of HR's workbook it came from (found here
independently, by scanning HR's sheet for the family, competency and level), change nothing
else (part by part: every member but the edited sheets byte-identical, every other cell of those
the same), report conflicts of both kinds with both values and write nothing for them, and
refuse drafts from another workbook or edited outside their family.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.commands.gather import gather
from ladder_sheets.commands.split import created_stamp, split
from ladder_sheets.xlsx.cells import CellEditError, edit_cells
from ladder_sheets.xlsx.edit import write_cells
from tests.helpers import SOFFICE, libreoffice_convert

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "acme_framework.xlsx"


@pytest.fixture
def hr(tmp_path: Path) -> Path:
    path = tmp_path / "framework.xlsx"
    shutil.copy(SAMPLE, path)
    return path


@pytest.fixture
def drafts(hr: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "drafts"
    split(hr, folder)
    return folder


def wide_cell(path: Path, sheet: str, family: str, competency: str, level: str) -> str:
    """HR's cell for (family, competency, level) on a wide sheet, found by scanning it."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    col = header.index(level) + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == family and row[1].value == competency:
            return f"{openpyxl.utils.get_column_letter(col)}{row[0].row}"
    raise AssertionError(f"{family}/{competency} not on {sheet}")


def draft_cell(path: Path, sheet: str, competency: str, level: str) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    col = header.index(level) + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == competency:
            return f"{openpyxl.utils.get_column_letter(col)}{row[0].row}"
    raise AssertionError(competency)


def edit(path: Path, changes: dict[tuple[str, str], Any]) -> None:
    wb = openpyxl.load_workbook(path)
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    wb.save(path)


def values(path: Path) -> dict[tuple[str, str], Any]:
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_member(path: Path, sheet: str) -> str:
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"


def resave_with_libreoffice(path: Path, tmp_path: Path) -> Path:
    saved = libreoffice_convert(
        path, tmp_path, "xlsx", timeout=180, filter_options="Calc MS Excel 2007 XML"
    )
    shutil.copy(saved, path)
    return path


# split


def test_split_writes_one_protected_draft_per_family(hr: Path, drafts: Path) -> None:
    assert sorted(p.name for p in drafts.iterdir()) == [
        "Engineering.xlsx",
        "People.xlsx",
        "Sales.xlsx",
    ]
    wb = openpyxl.load_workbook(drafts / "Sales.xlsx")
    assert wb.sheetnames[:6] == [
        "Instructions", "Levels", "Competencies", "Matrix", "Behaviors", "Promotion Criteria"
    ]  # fmt: skip
    assert wb["_ladder_split"].sheet_state == "hidden"
    levels = [r[0] for r in wb["Levels"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert levels == ["IC1", "IC2", "IC3", "IC4", "IC5"]  # Sales only
    matrix = wb["Matrix"]
    assert [c.value for c in matrix[1]][:6] == ["Competency", "IC1", "IC2", "IC3", "IC4", "IC5"]
    for name in ("Levels", "Matrix", "Behaviors", "Promotion Criteria", "Competencies"):
        assert wb[name].protection.sheet, name
    # expectations unlocked, competency names locked; dropdown 1-5; rules as conditional formats
    assert matrix["B2"].protection.locked is False
    assert matrix["A2"].protection.locked is True
    lists = [dv for dv in matrix.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"1,2,3,4,5"'
    drops = [r.formula[0] for cf in matrix.conditional_formatting for r in cf.rules]
    assert any("C2<B2" in f for f in drops)
    flags = [r.formula[0] for cf in wb["Behaviors"].conditional_formatting for r in cf.rules]
    assert any('"demonstrates"' in f and '"passionate"' in f for f in flags)
    assert any(">2" in f for f in flags)
    # shared competencies are shown but locked
    comps = wb["Competencies"]
    shared = next(r for r in comps.iter_rows(min_row=2) if r[0].value == "Communication")
    own = next(r for r in comps.iter_rows(min_row=2) if r[0].value == "Prospecting")
    assert shared[3].protection.locked is True and own[3].protection.locked is False


def test_split_records_every_base_value_of_hr(hr: Path, drafts: Path) -> None:
    hr_values = values(hr)
    record = openpyxl.load_workbook(drafts / "Engineering.xlsx")["_ladder_split"]
    rows = list(record.iter_rows(min_row=11, values_only=True))
    assert len(rows) > 300
    for _, _, source, base, _, _ in rows:
        src_sheet, _, src_cell = source.rpartition("!")
        assert hr_values.get((src_sheet, src_cell)) == base, source
    meta = {r[0]: r[1] for r in record.iter_rows(max_row=7, values_only=True)}
    assert meta["family"] == "Engineering"
    import hashlib

    assert meta["source sha256"] == hashlib.sha256(hr.read_bytes()).hexdigest()


def test_split_unknown_family_and_existing_drafts(hr: Path, drafts: Path) -> None:
    runner = CliRunner()
    got = runner.invoke(cli, ["split", str(hr), "--family", "Finance", "-o", str(drafts)])
    assert got.exit_code == 2 and "Engineering, Sales, People" in got.output
    got = runner.invoke(cli, ["split", str(hr), "--family", "sales", "-o", str(drafts)])
    assert got.exit_code == 1 and "exists already" in got.output


# gather


def test_gather_puts_each_edit_in_its_cell_and_nothing_else_changes(hr: Path, drafts: Path) -> None:
    sales, people = drafts / "Sales.xlsx", drafts / "People.xlsx"
    edit(
        sales,
        {
            ("Matrix", draft_cell(sales, "Matrix", "Negotiation", "IC3")): 4,
            ("Behaviors", draft_cell(sales, "Behaviors", "Prospecting", "IC2")): (
                "Books 15 first meetings a month & logs each in the CRM."
            ),
            ("Levels", "C3"): "Account Executive II",
        },
    )
    edit(people, {("Matrix", draft_cell(people, "Matrix", "Talent Programs", "IC1")): 1})
    before = members(hr)
    hr_before = values(hr)
    result = gather(hr, [sales, people])
    assert not result.conflicts and not result.refused and result.written == hr
    expected = {
        ("Matrix", wide_cell(hr, "Matrix", "Sales", "Negotiation", "IC3")): 4,
        ("Behaviors", wide_cell(hr, "Behaviors", "Sales", "Prospecting", "IC2")): (
            "Books 15 first meetings a month & logs each in the CRM."
        ),
        ("Levels", "D14"): "Account Executive II",  # Sales IC2 is row 14 of Levels
        ("Matrix", wide_cell(hr, "Matrix", "People", "Talent Programs", "IC1")): 1,
    }
    assert hr_before[("Levels", "C14")] == "IC2" and hr_before[("Levels", "A14")] == "Sales"
    assert {(c.sheet, c.cell): c.after for c in result.changes} == expected
    after = values(hr)
    assert {k: v for k, v in after.items() if hr_before.get(k) != v} == expected
    assert set(after) == set(hr_before)
    edited = {sheet_member(hr, s) for s in ("Matrix", "Behaviors", "Levels")}
    now = members(hr)
    assert list(now) == list(before)
    assert {n for n in before if before[n] != now[n]} == edited
    # styles, validations and conditional formats of the edited sheets are HR's
    old = openpyxl.load_workbook(SAMPLE)
    new = openpyxl.load_workbook(hr)
    for sheet in ("Matrix", "Behaviors", "Levels"):
        for row_old, row_new in zip(old[sheet].iter_rows(), new[sheet].iter_rows(), strict=True):
            for a, b in zip(row_old, row_new, strict=True):
                assert a.style_id == b.style_id, (sheet, a.coordinate)
        assert len(old[sheet].data_validations.dataValidation) == len(
            new[sheet].data_validations.dataValidation
        )
    # and a second gather of the same drafts finds nothing left to do
    again = gather(hr, [sales, people])
    assert not again.changes and not again.conflicts and again.written is None


def test_added_competency_and_level_come_back(hr: Path, drafts: Path) -> None:
    sales = drafts / "Sales.xlsx"
    wb = openpyxl.load_workbook(sales)
    comps, matrix = wb["Competencies"], wb["Matrix"]
    comp_row = next(r for r in range(2, 60) if comps.cell(r, 1).value is None)
    comps.cell(comp_row, 1, "Forecasting")
    comps.cell(comp_row, 2, "Functional")
    comps.cell(comp_row, 4, "Commits a weekly forecast and explains each miss.")
    row = next(r for r in range(2, 60) if matrix.cell(r, 1).value is None)
    matrix.cell(row, 1, "Forecasting")
    for col, value in zip(range(2, 7), [1, 2, 3, 4, 4], strict=True):
        matrix.cell(row, col, value)
    matrix.cell(1, 7, "IC6")  # a new level's column: HR's Matrix has IC6 (Engineering's)
    matrix.cell(2, 7, 5)
    levels = wb["Levels"]
    level_row = next(r for r in range(2, 60) if levels.cell(r, 1).value is None)
    new_level: list[Any] = ["IC6", "IC", "VP of Sales", 6, "Owns the sales org.", 4]
    for col, typed in enumerate(new_level, 1):
        levels.cell(level_row, col, typed)
    wb.save(sales)
    result = gather(hr, [sales])
    assert not result.conflicts and not result.refused, (result.conflicts, result.refused)
    assert not result.findings.errors, result.findings.errors
    assert ("Levels", "A22") in {(c.sheet, c.cell) for c in result.changes}
    after = values(hr)
    assert after[("Competencies", "A17")] == "Forecasting"  # HR's table ended on row 16
    assert after[("Competencies", "C17")] == "Sales"  # the family is filled in
    assert after[("Matrix", "A25")] == "Sales" and after[("Matrix", "B25")] == "Forecasting"
    assert [after.get(("Matrix", f"{c}25")) for c in "CDEFG"] == [1, 2, 3, 4, 4]
    communication = wide_cell(hr, "Matrix", "Sales", "Communication", "IC6")
    assert after[("Matrix", communication)] == 5


def test_new_level_column_goes_right_of_hr_columns(hr: Path, drafts: Path) -> None:
    people = drafts / "People.xlsx"
    wb = openpyxl.load_workbook(people)
    wb["Behaviors"].cell(1, 6, "P5")  # People has IC1-IC4: F is the first new column
    wb["Behaviors"].cell(2, 6, "Has run the company-wide engagement survey twice.")
    wb.save(people)
    result = gather(hr, [people])
    assert not result.conflicts and not result.refused
    after = values(hr)
    assert after[("Behaviors", "N1")] == "P5"  # HR's header ends at M
    assert after[("Behaviors", wide_cell(hr, "Behaviors", "People", "Communication", "P5"))] == (
        "Has run the company-wide engagement survey twice."
    )


def test_libreoffice_resave_without_edits_is_no_change(
    hr: Path, drafts: Path, tmp_path: Path
) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sales = resave_with_libreoffice(drafts / "Sales.xlsx", tmp_path)
    before = hr.read_bytes()
    got = CliRunner().invoke(cli, ["gather", str(hr), str(sales)])
    assert got.exit_code == 0, got.output
    assert "No changes" in got.output
    assert hr.read_bytes() == before


def test_libreoffice_resave_after_openpyxl_edits(hr: Path, drafts: Path, tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    eng = drafts / "Engineering.xlsx"
    cell = draft_cell(eng, "Matrix", "Mentoring", "IC2")
    text_cell = draft_cell(eng, "Behaviors", "Hiring", "M2")
    edit(eng, {("Matrix", cell): 2, ("Behaviors", text_cell): "Has hired four engineers."})
    resave_with_libreoffice(eng, tmp_path)
    result = gather(hr, [eng])
    assert not result.conflicts and not result.refused
    assert {(c.sheet, c.cell): c.after for c in result.changes} == {
        ("Matrix", wide_cell(hr, "Matrix", "Engineering", "Mentoring", "IC2")): 2,
        ("Behaviors", wide_cell(hr, "Behaviors", "Engineering", "Hiring", "M2")): (
            "Has hired four engineers."
        ),
    }
    # LibreOffice opens the gathered workbook
    out = tmp_path / "check"
    resave_with_libreoffice_copy = tmp_path / "copy.xlsx"
    shutil.copy(hr, resave_with_libreoffice_copy)
    out.mkdir()
    resave_with_libreoffice(resave_with_libreoffice_copy, out)
    assert (
        values(resave_with_libreoffice_copy)[
            ("Matrix", wide_cell(hr, "Matrix", "Engineering", "Mentoring", "IC2"))
        ]
        == 2
    )


def test_conflict_when_hr_changed_the_cell_since_the_split(hr: Path, drafts: Path) -> None:
    sales = drafts / "Sales.xlsx"
    hr_cell = wide_cell(hr, "Matrix", "Sales", "Negotiation", "IC3")
    write_cells(hr, {"Matrix": {hr_cell: 2}})  # HR's own edit after the split
    edit(sales, {("Matrix", draft_cell(sales, "Matrix", "Negotiation", "IC3")): 4})
    before = hr.read_bytes()
    got = CliRunner().invoke(cli, ["gather", str(hr), str(sales)])
    assert got.exit_code == 1
    assert f"CONFLICT Matrix!{hr_cell}" in got.output and "HR changed" in got.output
    assert "at the split: 3" in got.output and "in the workbook now: 2" in got.output
    assert "Matrix!" in got.output and ": 4" in got.output
    assert hr.read_bytes() == before


def test_conflict_when_two_drafts_change_a_cell_differently(
    hr: Path, drafts: Path, tmp_path: Path
) -> None:
    alice, bob = tmp_path / "alice.xlsx", tmp_path / "bob.xlsx"
    shutil.copy(drafts / "Sales.xlsx", alice)
    shutil.copy(drafts / "Sales.xlsx", bob)
    cell = draft_cell(alice, "Matrix", "Prospecting", "IC4")
    same = draft_cell(alice, "Matrix", "Prospecting", "IC1")
    edit(alice, {("Matrix", cell): 5, ("Matrix", same): 3})
    edit(bob, {("Matrix", cell): 3, ("Matrix", same): 3})
    before = hr.read_bytes()
    result = gather(hr, [alice, bob])
    hr_cell = wide_cell(hr, "Matrix", "Sales", "Prospecting", "IC4")
    assert [(c.where, c.reason) for c in result.conflicts] == [
        (f"Matrix!{hr_cell}", "two drafts changed this cell differently")
    ]
    assert result.conflicts[0].values == [
        ("at the split", 4),
        ("in the workbook now", 4.0),
        (f"alice.xlsx Matrix!{cell}", 5),
        (f"bob.xlsx Matrix!{cell}", 3),
    ]
    # the same change from both is one change naming both drafts, but nothing is written
    (agreed,) = [c for c in result.changes]
    assert agreed.drafts == [f"alice.xlsx Matrix!{same}", f"bob.xlsx Matrix!{same}"]
    assert result.exit_code == 1 and result.written is None and hr.read_bytes() == before


def test_draft_from_another_workbook_is_refused(
    hr: Path, tmp_path: Path, framework_workbook: Any
) -> None:
    other = framework_workbook(name="other.xlsx")  # another Engineering framework
    split(other, tmp_path / "other-drafts")
    draft = tmp_path / "other-drafts" / "Engineering.xlsx"
    before = hr.read_bytes()
    got = CliRunner().invoke(cli, ["gather", str(hr), str(draft)])
    assert got.exit_code == 1
    assert "REFUSED Engineering.xlsx: it was split from other.xlsx" in got.output
    assert hr.read_bytes() == before


def test_draft_from_a_workbook_with_the_same_content_is_refused(hr: Path, tmp_path: Path) -> None:
    """The template's worked example is the sample's Engineering family, cell for cell: the
    creation stamp tells the workbooks apart."""
    other = tmp_path / "template.xlsx"
    CliRunner().invoke(cli, ["init", str(other)])
    core = members(other)["docProps/core.xml"]
    assert b"<dcterms:created" in core
    stamp = created_stamp(hr)
    with zipfile.ZipFile(hr) as z, zipfile.ZipFile(tmp_path / "x.xlsx", "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = data.replace(stamp.encode(), b"2025-05-05T10:00:00Z")
            out.writestr(item, data)
    shutil.move(tmp_path / "x.xlsx", hr)
    split(other, tmp_path / "other-drafts")
    result = gather(hr, [tmp_path / "other-drafts" / "Engineering.xlsx"])
    (refusal,) = result.refused
    assert "split from template.xlsx (created " in refusal.message
    assert "(created 2025-05-05T10:00:00Z)" in refusal.message


def test_draft_edited_outside_its_family_is_refused(hr: Path, drafts: Path) -> None:
    sales = drafts / "Sales.xlsx"
    shared = next(
        r[0].row
        for r in openpyxl.load_workbook(sales)["Competencies"].iter_rows(min_row=2)
        if r[0].value == "Communication"
    )
    edit(sales, {("Competencies", f"D{shared}"): "Talks a lot.", ("Matrix", "B2"): 3})
    result = gather(hr, [sales])
    (refusal,) = result.refused
    assert f"Competencies!D{shared} (Communication Definition)" in refusal.message
    assert "'Talks a lot.'" in refusal.message
    assert not result.changes and result.written is None


def test_not_a_draft_is_refused(hr: Path) -> None:
    result = gather(hr, [SAMPLE])
    assert result.refused[0].message.startswith("it is not a draft")


def test_quality_findings_name_the_draft_cell_dry_run_and_annotate(
    hr: Path, drafts: Path, tmp_path: Path
) -> None:
    sales = drafts / "Sales.xlsx"
    cell = draft_cell(sales, "Behaviors", "Negotiation", "IC2")
    edit(sales, {("Behaviors", cell): "A strong and passionate negotiator."})
    before = hr.read_bytes()
    changes = tmp_path / "changes.xlsx"
    got = CliRunner().invoke(
        cli, ["gather", str(hr), str(sales), "--dry-run", "--annotate", str(changes)]
    )
    assert got.exit_code == 0, got.output
    assert "trait" in got.output and f"Sales.xlsx Behaviors!{cell}" in got.output
    assert "[-Negotiates standard deals" in got.output and "{+A strong" in got.output
    assert "Dry run" in got.output and hr.read_bytes() == before
    hr_cell = wide_cell(hr, "Behaviors", "Sales", "Negotiation", "IC2")
    marked = openpyxl.load_workbook(changes)["Behaviors"][hr_cell]
    assert marked.value == "A strong and passionate negotiator."
    assert "gathered" in marked.comment.text and "->" in marked.comment.text


# the cell editor


def test_edit_cells_changes_only_the_cells_asked() -> None:
    xml = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><dimension ref="A1:B2"/><sheetData><row r="1" spans="1:2"><c r="A1" s="3" '
        b't="s"><v>0</v></c><c r="B1" s="4"><f>A1</f><v>1</v></c></row><row r="2"><c r="B2" '
        b's="5"><v>7</v></c></row></sheetData></worksheet>'
    )
    out = edit_cells(xml, {"A1": "x < y", "C1": 2.5, "A4": "new"}).decode()
    assert '<c r="A1" s="3" t="inlineStr"><is><t>x &lt; y</t></is></c>' in out
    assert '<c r="B1" s="4"><f>A1</f><v>1</v></c><c r="C1"><v>2.5</v></c></row>' in out
    assert out.index('<row r="2">') < out.index('<row r="4"><c r="A4" s="3"')
    assert 'ref="A1:C4"' in out and 'spans="1:3"' in out
    with pytest.raises(CellEditError, match="formula"):
        edit_cells(xml, {"B1": 3})


def test_unreadable_draft_is_exit_2_and_a_renamed_sheet_is_refused(
    hr: Path, drafts: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_text("Competency,IC1\nCommunication,3\n")
    before = hr.read_bytes()
    got = CliRunner().invoke(cli, ["gather", str(hr), str(fake)])
    assert got.exit_code == 2 and "notes.xlsx" in got.output
    people = drafts / "People.xlsx"
    wb = openpyxl.load_workbook(people)
    wb["Matrix"].title = "Expectations"
    wb.save(people)
    (refusal,) = gather(hr, [people]).refused
    assert refusal.message == "its sheet 'Matrix' was removed or renamed"
    assert hr.read_bytes() == before


def test_added_promotion_step_comes_back(hr: Path, drafts: Path) -> None:
    people = drafts / "People.xlsx"
    wb = openpyxl.load_workbook(people)
    ws = wb["Promotion Criteria"]
    row = next(r for r in range(2, 60) if ws.cell(r, 1).value is None)
    step: list[Any] = ["IC4", "IC5", 4, 3, 2, 8, "Has led a company-wide people programme.", "Yes"]
    for col, value in enumerate(step, 1):
        ws.cell(row, col, value)
    levels = wb["Levels"]
    level_row = next(r for r in range(2, 60) if levels.cell(r, 1).value is None)
    new_level: list[Any] = ["IC5", "IC", "Chief People Officer", 5, "Owns the people strategy.", 8]
    for col, value in enumerate(new_level, 1):
        levels.cell(level_row, col, value)
    wb.save(people)
    result = gather(hr, [people])
    assert not result.refused and not result.conflicts and not result.findings.errors
    assert "added row IC4 / IC5" in {c.label for c in result.changes}
    after = values(hr)
    last = max(int(cell[1:]) for sheet, cell in values(SAMPLE) if sheet == "Promotion Criteria")
    got = [after.get(("Promotion Criteria", f"{c}{last + 1}")) for c in "ABCDEFGHI"]
    assert got == ["People", *step]


def test_a_table_above_added_rows_grows_over_them(framework_workbook: Any, tmp_path: Path) -> None:
    from openpyxl.worksheet.table import Table

    path = framework_workbook()
    wb = openpyxl.load_workbook(path)
    matrix = wb["Matrix"]
    last = matrix.max_row
    matrix.add_table(
        Table(
            displayName="MatrixTable",
            ref=f"A1:{openpyxl.utils.get_column_letter(matrix.max_column)}{last}",
        )
    )
    wb.save(path)
    split(path, tmp_path / "d")
    draft = tmp_path / "d" / "Engineering.xlsx"
    wb = openpyxl.load_workbook(draft)
    for sheet, row in (("Competencies", ["Testing", "Functional", None, "Writes tests."]),
                       ("Matrix", ["Testing", 1, 2, 3, 3])):  # fmt: skip
        ws = wb[sheet]
        at = next(r for r in range(2, 60) if ws.cell(r, 1).value is None)
        for col, value in enumerate(row, 1):
            ws.cell(at, col, value)
    wb.save(draft)
    result = gather(path, [draft])
    assert not result.refused and not result.conflicts and not result.findings.errors
    assert result.written == path
    table = openpyxl.load_workbook(path)["Matrix"].tables["MatrixTable"]
    assert table.ref.endswith(str(last + 1))
    assert openpyxl.load_workbook(path)["Matrix"].cell(last + 1, 2).value == "Testing"


TEXTS = [
    "Has led a project with three teams and shipped it on the agreed date.",
    "A strong negotiator.",
    "Passionate about customers; answers every ticket within a day.",
    "Demonstrates ownership of the roadmap.",
    "Writes the plan. Reviews it with the team. Ships it.",
    "Writes the plan. Reviews it with the team",
    "Writes the plan! Reviews it? Ships it",
    "One sentence without a full stop",
]


def test_the_drafts_rule_formulas_agree_with_the_check(tmp_path: Path) -> None:
    """LibreOffice computes the conditional formats' formulas on texts whose verdict the
    check's own rules give (trait words as whole words, sentences counted by schema)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    import re

    import xlsxwriter
    from test_writeback_libreoffice import convert_all_sheets

    from ladder_sheets.schema.descriptions import MAX_SENTENCES, sentence_count
    from ladder_sheets.sheets.draft import FLAGGED_WORDS, sentences_formula, trait_formula

    path = tmp_path / "rules.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Rules")
    for n, text in enumerate(TEXTS, start=1):
        ws.write_string(n - 1, 0, text)
        ws.write_formula(n - 1, 1, f"=IF({trait_formula(f'A{n}')},1,0)", None, -1)
        ws.write_formula(n - 1, 2, f"=IF({sentences_formula(f'A{n}')},1,0)", None, -1)
    wb.close()
    rows = convert_all_sheets(path, tmp_path)["Rules"]
    for text, row in zip(TEXTS, rows, strict=True):
        trait = any(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in FLAGGED_WORDS)
        assert row[1] == str(int(trait)), text
        assert row[2] == str(int(sentence_count(text) > MAX_SENTENCES)), text
    assert [r[1] for r in rows] == ["0", "1", "1", "1", "0", "0", "0", "0"]
    assert [r[2] for r in rows] == ["0", "0", "0", "0", "1", "0", "1", "0"]
