"""Gap Analysis reads each manager rating from its Ratings History cell: LibreOffice
recalculates every cached value of a merged workbook to itself, and a rating corrected in
Ratings History flows into the gaps; Promotion Readiness's status follows its criteria."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ladder_sheets.commands.merge import merge
from ladder_sheets.sheets.gap import COLUMNS as GAP_COLUMNS
from ladder_sheets.sheets.readiness import COLUMNS as READINESS_COLUMNS
from tests.helpers import SOFFICE, libreoffice_convert

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing"),
]


def recalculated(path: Path, folder: Path) -> Path:
    return libreoffice_convert(path, folder, "xlsx", timeout=600, recalculate=True)


def col(key: str, columns: Any = GAP_COLUMNS) -> int:
    return [c.key for c in columns].index(key)


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("live") / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    assert merge(target, sorted((SAMPLES / "exports").iterdir())).written is not None
    return target


def test_every_cached_value_is_what_libreoffice_computes(merged: Path, tmp_path: Path):
    fresh = openpyxl.load_workbook(recalculated(merged, tmp_path), data_only=True)
    formulas = openpyxl.load_workbook(merged)
    cached = openpyxl.load_workbook(merged, data_only=True)
    checked, wrong, kinds = 0, [], set()
    for name in ("Gap Analysis", "Promotion Readiness"):
        for row in formulas[name].iter_rows(min_row=3):
            for cell in row:
                if cell.data_type != "f":
                    continue
                checked += 1
                kinds.add((name, cell.column))
                mine, theirs = (
                    cached[name][cell.coordinate].value,
                    fresh[name][cell.coordinate].value,
                )
                if mine in (None, "") and theirs in (None, ""):
                    continue
                numbers = isinstance(mine, float | int) and isinstance(theirs, float | int)
                if numbers and abs(mine - theirs) < 1e-9:
                    continue
                if mine != theirs:
                    wrong.append((name, cell.coordinate, cell.value, mine, theirs))
    assert not wrong, wrong[:5]
    # the manager rating, both gaps, the rating link, the Meets columns and the status
    gap_columns = {c for n, c in kinds if n == "Gap Analysis"}
    assert {
        col("manager_rating") + 1,
        col("gap_current") + 1,
        col("rating_where") + 1,
    } <= gap_columns
    # and in Promotion Readiness what comes from ratings, the criteria and the status
    live = ("status", "average", "lowest_rating", "lowest_competency", "cycles_at_next")
    assert {col(k, READINESS_COLUMNS) + 1 for k in live} <= {
        c for n, c in kinds if n == "Promotion Readiness"
    }
    assert checked > 1000


def test_a_corrected_rating_flows_into_the_gaps(merged: Path, tmp_path: Path):
    book = openpyxl.load_workbook(merged)
    gap = book["Gap Analysis"]
    for row in gap.iter_rows(min_row=3):
        formula = row[col("manager_rating")].value
        if isinstance(formula, str) and formula.startswith("=IF(ISNUMBER("):
            break
    else:
        raise AssertionError("no manager rating reads Ratings History")
    reference = formula[len("=IF(ISNUMBER(") :].split(")", 1)[0]  # 'Ratings History'!D57
    sheet, cell = reference.rsplit("!", 1)
    history = book[sheet.strip("'").replace("''", "'")]
    old = history[cell].value
    new = 1.0 if old != 1 else 5.0
    history[cell].value = new
    expected = openpyxl.load_workbook(merged, data_only=True)["Gap Analysis"]
    line = row[0].row
    at_level = expected.cell(line, col("expected_current") + 1).value
    corrected = tmp_path / "corrected.xlsx"
    book.save(corrected)

    fresh = openpyxl.load_workbook(recalculated(corrected, tmp_path), data_only=True)
    ws = fresh["Gap Analysis"]
    assert ws.cell(line, col("manager_rating") + 1).value == new
    if isinstance(at_level, float | int):
        assert ws.cell(line, col("gap_current") + 1).value == pytest.approx(new - at_level)


def _reference(formula: str) -> tuple[str, str]:
    """The Ratings History cell a Gap Analysis manager rating reads: (sheet, cell)."""
    reference = formula[len("=IF(ISNUMBER(") :].split(")", 1)[0]  # 'Ratings History'!D57
    sheet, cell = reference.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell


def test_a_corrected_rating_flows_into_the_readiness_status(merged: Path, tmp_path: Path):
    """Lower one rating of someone Ready in Ratings History: after LibreOffice recalculates,
    their gap, average, lowest rating, cycles at the next level and status are what the
    README's definitions give for the corrected ratings (computed here, by hand)."""
    R = READINESS_COLUMNS
    book = openpyxl.load_workbook(merged)
    cached = openpyxl.load_workbook(merged, data_only=True)
    ready = cached["Promotion Readiness"]
    person = next(
        r[0].row for r in ready.iter_rows(min_row=3) if r[col("status", R)].value == "Ready"
    )
    employee = ready.cell(person, 1).value

    def at(key: str, ws: Any = ready, row: int = person) -> Any:
        return ws.cell(row, col(key, R) + 1).value

    # The person's Gap Analysis rows: each competency's expectations and its history cell.
    gap, gap_values = book["Gap Analysis"], cached["Gap Analysis"]
    rows = [r[0].row for r in gap.iter_rows(min_row=3) if r[0].value == employee]
    assert rows
    cells = {line: _reference(gap.cell(line, col("manager_rating") + 1).value) for line in rows}
    expected_at = {line: gap_values.cell(line, col("expected_current") + 1).value for line in rows}
    expected_next = {line: gap_values.cell(line, col("expected_next") + 1).value for line in rows}
    # Lower the rating of a competency the level expects to 1: below every floor and the next
    # level's expectation.
    lowered = next(line for line in rows if isinstance(expected_at[line], int | float))
    sheet, cell = cells[lowered]
    assert book[sheet][cell].value > 1
    book[sheet][cell].value = 1
    corrected = tmp_path / "corrected.xlsx"
    book.save(corrected)

    # The definitions, over the corrected ratings.
    rating = {line: float(book[s][c].value) for line, (s, c) in cells.items()}
    mine = [rating[line] for line in rows if isinstance(expected_at[line], int | float)]
    average = sum(mine) / len(mine)
    lowest = min(rating.values())
    operating = all(
        rating[line] >= expected_next[line]
        for line in rows
        if isinstance(expected_next[line], int | float)
    )
    assert not operating  # so this cycle no longer counts: the run is 0
    short = [
        average < at("min_average"),
        lowest < at("min_each"),
        at("cycles_required") > 0,
        at("quarters_in_level") < at("quarters_required"),
        bool(at("scope_criteria")) and at("scope_met") != "Yes",
    ]
    pending = (at("requires_endorsement") == "Yes" and at("endorsed") != "Yes") or (
        at("requires_calibration") == "Yes" and at("calibrated") != "Yes"
    )
    status = (
        ("Ready pending sign-off" if pending else "Ready")
        if sum(short) == 0
        else "Close"
        if sum(short) == 1
        else "Not yet"
    )
    assert status != "Ready"

    fresh = openpyxl.load_workbook(recalculated(corrected, tmp_path), data_only=True)
    ws = fresh["Promotion Readiness"]
    assert fresh["Gap Analysis"].cell(lowered, col("gap_current") + 1).value == pytest.approx(
        1 - expected_at[lowered]
    )
    assert at("average", ws) == pytest.approx(average)
    assert at("lowest_rating", ws) == lowest
    assert at("meets_floor", ws) == "No"
    assert at("cycles_at_next", ws) == 0
    assert at("status", ws) == status
