"""A Levels sheet whose level cells hold code and title together ("L3 – Senior Engineer"),
with the Matrix and the roster naming the code: read as the code, the title kept. The
statuses and gaps are those of the plain codes (companies/expect.py, the definitions)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from companies.book import Book
from companies.spec import Spec, build, quarters
from test_companies_shapes import files, understood

import ladder_sheets as ls


def _company(tmp_path: Path, written: dict[str, str]) -> tuple[Spec, Path, list[Path]]:
    """Corvid Labs, whose Levels cells of the codes in `written` are written in its form (the
    Title cell left blank); the Matrix and the roster keep the codes."""
    spec = build(
        "Corvid Labs",
        seed=5,
        families={"Engineering": {"IC": ["L1", "L2", "L3"], "Management": ["M1", "M2"]}},
        people=12,
        cycles=quarters("2025-Q3", 4),
    )

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        titles = {lv["level"]: lv["title"] for lv in spec["levels"]}
        ws = wb["Levels"]
        heads = [c.value for c in ws[1]]
        level, title = heads.index("Level") + 1, heads.index("Title") + 1
        for row in range(2, ws.max_row + 1):
            code = ws.cell(row, level).value
            if code in written:
                ws.cell(row, level, written[code].format(code=code, title=titles[code]))
                ws.cell(row, title).value = None  # the title only in the level cell

    workbook, exports = files(tmp_path, spec, Book(), shape)
    return spec, workbook, exports


@pytest.mark.parametrize("form", ["{code} – {title}", "{code} - {title}", "{code}: {title}"])
def test_level_cells_of_code_and_title_are_read_as_the_code(tmp_path: Path, form: str) -> None:
    every = {code: form for code in ("L1", "L2", "L3", "M1", "M2")}
    spec, workbook, exports = _company(tmp_path, every)
    result = understood("Corvid Labs", spec, workbook, exports)
    [split] = [f for f in result.report if f.code == "level-code-split"]
    assert split.message.startswith("5 level cell(s) hold a code and a title")
    assert (split.sheet, split.cell) == ("Levels", "C2")
    # the title went to the blank Title column
    levels = ls.read_framework(workbook).tables["levels"].data
    assert dict(zip(levels["level"], levels["title"], strict=True)) == {
        lv["level"]: lv["title"] for lv in spec["levels"]
    }


def test_some_cells_codes_alone_are_left_as_written(tmp_path: Path) -> None:
    """Codes and titles are not told apart when only some cells hold both: nothing guessed."""
    _, workbook, exports = _company(tmp_path, {"L3": "{code} – {title}"})
    result = ls.merge(workbook, exports, dry_run=True)
    assert "level-code-split" not in [f.code for f in result.report]
    levels = ls.read_framework(workbook).tables["levels"].data["level"].tolist()
    assert [v for v in levels if str(v).startswith("L3")] == ["L3 – Engineering IC 3"]
    assert result.report.errors  # the Matrix's "L3" then names no level: said, not guessed
