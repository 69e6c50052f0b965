"""`demo` makes every promised file, and each one opens."""

from __future__ import annotations

import gc
import re
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli


def _sheet_names(path: Path) -> list[str]:
    with warnings.catch_warnings():
        # openpyxl does not know sparklines; the packs are made for Excel and LibreOffice.
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def test_demo_makes_and_lists_every_output(tmp_path):
    folder = tmp_path / "demo"
    # Every command runs here in one process, as in a notebook: a file the tool leaves open
    # locks the workbook on Windows until Python exits, so none may be left to the collector.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        result = CliRunner().invoke(cli, ["demo", str(folder)])
        gc.collect()
    assert result.exit_code == 0, result.output
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == [], "files left open by the tool: " + "; ".join(unclosed)
    workbook = folder / "acme_framework.xlsx"
    names = _sheet_names(workbook)
    for sheet in ("Ratings History", "Promotion Evidence", "Gap Analysis", "Promotion Readiness"):
        assert sheet in names
    exports = sorted(p.name for p in (folder / "exports").iterdir())
    assert len(exports) == 4
    managers = sorted((folder / "packs" / "managers").glob("*.xlsx"))
    employees = sorted((folder / "packs" / "employees").glob("*.xlsx"))
    assert len(managers) >= 10 and len(employees) == 150
    for pack in managers[:3] + employees[:3]:
        assert _sheet_names(pack)
    assert "Summary" in _sheet_names(folder / "calibration.xlsx")
    assert (folder / "site" / "index.html").is_file()
    changes = openpyxl.load_workbook(folder / "framework-changes.xlsx")
    kinds = [r[0] for r in changes["Changes"].iter_rows(min_row=2, values_only=True)]
    assert sorted(kinds) == [
        "behavior-reworded",
        "criteria-changed",
        "expectation-lowered",
        "expectation-raised",
    ]
    assert changes["Impact"].max_row > 1  # raising an expectation moves somebody
    for shown in (
        "acme_framework.xlsx",
        "calibration.xlsx",
        "2026-Q1_reviews_long.csv",
        "index.html",
        "framework-changes.xlsx",
    ):
        assert shown in result.output, f"{shown} is not listed"
    # the co-authoring round: a draft per family, one conflict, then the agreed edits written
    drafts = sorted(p.name for p in (folder / "drafts").glob("*.xlsx"))
    assert "Engineering.xlsx" in drafts and "Sales.xlsx" in drafts
    assert "1 conflict at Behaviors!" in result.output
    for book in [workbook, folder / "calibration.xlsx", *managers[:3], *employees[:3]]:
        _time_and_cycles_read_as_people_say_them(book)
    behaviors = openpyxl.load_workbook(workbook)["Behaviors"]
    texts = {c.value for row in behaviors.iter_rows() for c in row}
    assert any(
        isinstance(t, str) and t.startswith("Writes a pull-request description for every")
        for t in texts
    )


# Time in level as a person says it ("7 years 4 months", "9 months", "less than a month").
IN_WORDS = re.compile(r"(\d+ years?)?( ?\d+ months?)?|less than a month|no minimum")


def _time_and_cycles_read_as_people_say_them(path: Path) -> None:
    """No "in level 1.33 quarters" or "Quarters In Level 29.3" shown as time, a time column
    in words, and every count of cycles a whole number ("0", not "0.00")."""
    for data_only in (False, True):  # formulas, then their cached values
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
            book = openpyxl.load_workbook(path, data_only=data_only)
        for ws in book.worksheets:
            _time_and_cycles_on(ws, f"{path.name} {ws.title}", data_only)


def _time_and_cycles_on(ws, where: str, cached: bool) -> None:
    times: set[int] = set()  # columns headed Time In Level / Time Required
    seen = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            assert not re.search(r"\d\.\d+ quarters", value), (where, cell.coordinate, value)
            if value in ("Time In Level", "Time Required"):
                times.add(cell.column)
            elif cell.column in times and not value.startswith("="):
                assert IN_WORDS.fullmatch(value), (where, cell.coordinate, value)
                seen += 1
            if value == "Time in level":  # a pack's criteria: label, value, "needed", value
                for col in (cell.column + 1, cell.column + 3):
                    shown = ws.cell(cell.row, col).value
                    assert IN_WORDS.fullmatch(shown or ""), (where, cell.coordinate, shown)
                    seen += 1
            if value.lower().startswith("cycles at next"):
                for shown in (
                    ws.cell(cell.row + 1, cell.column),
                    ws.cell(cell.row, cell.column + 1),
                ):
                    if isinstance(shown.value, float | int) and not isinstance(shown.value, bool):
                        assert shown.number_format in ("0", "General"), (where, shown.coordinate)
                        assert float(shown.value).is_integer(), (where, shown.coordinate)
    if times and cached:
        assert seen, f"{where}: no time in words below its header"


def test_demo_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_help_says_what_is_read_and_written(command):
    out = CliRunner().invoke(cli, [command, "--help"]).output
    assert "Reads" in out and "Writes" in out, command
