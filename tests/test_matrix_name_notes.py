"""A Matrix whose competency names carry a note ("Communication (core)", "Delivery *"), as HR
marks core competencies in the grid: read as the competency the name alone is, said once. The
statuses and gaps are those of the plain names (companies/expect.py, the definitions)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from companies.book import Book
from companies.spec import Spec, build, quarters
from test_companies_shapes import files, understood


def test_matrix_names_with_a_note_are_the_competency_of_the_name(tmp_path: Path) -> None:
    spec = build(
        "Quillon Insurance",
        seed=31,
        families={"Finance": {"IC": ["F1", "F2", "F3"], "Management": ["FM1", "FM2"]}},
        people=12,
        cycles=quarters("2025-Q3", 4),
    )
    core = {c["name"] for c in spec["competencies"] if c["category"] == "Core"}
    noted: list[int] = []  # Matrix rows whose name carries a mark
    matrix: list[str] = []  # the Matrix sheet's name
    bracketed: set[str] = set()  # the names written with "(core)"

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = next(wb[s] for s in wb.sheetnames if s.startswith("Matrix"))
        column = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "Competency")
        for row in range(2, ws.max_row + 1):
            name = ws.cell(row, column).value
            if name in core:
                ws.cell(row, column, f"{name} (core)" if row % 2 else f"{name} *")
                noted.append(row)
        matrix.append(ws.title)
        bracketed.update(ws.cell(r, column).value for r in noted if r % 2)

    workbook, exports = files(tmp_path, spec, Book(), shape)
    assert [r for r in noted if r % 2] and [r for r in noted if not r % 2]

    result = understood("Quillon Insurance", spec, workbook, exports)
    assert "unknown-competency" not in [f.code for f in result.report]
    [note] = [f for f in result.report if f.code == "competency-note-dropped"]
    assert note.severity.value == "info" and note.sheet == matrix[0]
    # "Delivery *" is Delivery as names compare (punctuation ignored); "(core)" is a note
    assert note.message.startswith(f"{len(bracketed)} competency name(s) carry a note")
    for name in bracketed:
        assert f"'{name}' as '{name.removesuffix(' (core)')}'" in note.message


def test_a_note_on_a_name_that_is_no_competency_is_still_unknown(tmp_path: Path) -> None:
    from test_references import _recorded
    from test_schema_company import company

    from ladder_sheets.schema import validate

    rec = company()
    rec["expectations"][0]["competency"] = "Bargaining (core)"
    [unknown] = [f for f in validate(_recorded(rec)).report if f.code == "unknown-competency"]
    assert "'Bargaining (core)'" in unknown.message
