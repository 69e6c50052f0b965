"""A Matrix whose competency names carry a note ("Communication (core)", "Delivery *"), as HR
marks core competencies in the grid: read as the competency the name alone is, said once. The
statuses and gaps are those of the plain names (companies/expect.py, the definitions)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from companies import book as books
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.roster import Company
from companies.spec import build, quarters
from test_companies import merged_tables, wrong_numbers

PLAIN = Export("plain", key="id", reviewer_key="id", raters=("manager", "self"))


def test_matrix_names_with_a_note_are_the_competency_of_the_name(tmp_path: Path) -> None:
    spec = build(
        "Quillon Insurance",
        seed=31,
        families={"Finance": {"IC": ["F1", "F2", "F3"], "Management": ["FM1", "FM2"]}},
        people=12,
        cycles=quarters("2025-Q3", 4),
    )
    workbook = books.write(spec, Book(), tmp_path / "f.xlsx")
    core = {c["name"] for c in spec["competencies"] if c["category"] == "Core"}
    wb = openpyxl.load_workbook(workbook)
    ws = next(wb[s] for s in wb.sheetnames if s.startswith("Matrix"))
    column = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "Competency")
    noted = []
    for row in range(2, ws.max_row + 1):
        name = ws.cell(row, column).value
        if name in core:
            ws.cell(row, column, f"{name} (core)" if row % 2 else f"{name} *")
            noted.append(row)
    wb.save(workbook)
    assert [r for r in noted if r % 2] and [r for r in noted if not r % 2]
    (tmp_path / "exports").mkdir()
    exports = tools.plain(spec, tmp_path / "exports", PLAIN)

    result, tables = merged_tables(workbook, exports, write=False)
    assert not result.report.errors, [f.message for f in result.report.errors][:3]
    assert "unknown-competency" not in [f.code for f in result.report]
    [note] = [f for f in result.report if f.code == "competency-note-dropped"]
    assert note.severity.value == "info" and note.sheet == ws.title
    # "Delivery *" is Delivery as names compare (punctuation ignored); "(core)" is a note
    bracketed = {ws.cell(r, column).value for r in noted if r % 2}
    assert note.message.startswith(f"{len(bracketed)} competency name(s) carry a note")
    for name in bracketed:
        assert f"'{name}' as '{name.removesuffix(' (core)')}'" in note.message
    assert wrong_numbers(Company("Quillon Insurance", spec, Book(), PLAIN, []), tables) == []


def test_a_note_on_a_name_that_is_no_competency_is_still_unknown(tmp_path: Path) -> None:
    from test_references import _recorded
    from test_schema_company import company

    from ladder_sheets.schema import validate

    rec = company()
    rec["expectations"][0]["competency"] = "Bargaining (core)"
    [unknown] = [f for f in validate(_recorded(rec)).report if f.code == "unknown-competency"]
    assert "'Bargaining (core)'" in unknown.message
