"""merge end to end on the sample company: history, idempotence, conflicts, nothing lost."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers import SOFFICE, libreoffice_convert
from helpers import sha256 as digest

from ladder_sheets.commands.merge import merge

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
EXPORTS = sorted((SAMPLES / "exports").iterdir()) if SAMPLES.exists() else []
KEY_COLUMNS = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type"]

pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    target = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    return target


def history_rows(path: Path) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows: list[tuple[object, ...]] = []
    for name in wb.sheetnames:
        if not name.startswith("Ratings History"):
            continue
        it = wb[name].iter_rows(values_only=True)
        header = list(next(it))
        idx = [header.index(c) for c in KEY_COLUMNS]
        rows.extend(tuple(r[i] for i in idx) for r in it if any(v is not None for v in r))
    wb.close()
    return sorted(rows, key=lambda r: tuple(str(v) for v in r))


def member_bytes(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_merge_writes_history_and_analysis_sheets_and_keeps_hr_sheets(workbook):
    before = member_bytes(workbook)
    wb = openpyxl.load_workbook(workbook)
    hr_sheets = wb.sheetnames
    result = merge(workbook, [EXPORTS[0]])
    assert result.written == workbook
    assert result.history is not None and result.history.added > 0
    wb = openpyxl.load_workbook(workbook)
    for name in ("Ratings History", "Gap Analysis", "Promotion Readiness"):
        assert name in wb.sheetnames
    assert wb.sheetnames[: len(hr_sheets)] == hr_sheets, "HR's sheets keep their order"
    assert len(history_rows(workbook)) == result.history.added
    after = member_bytes(workbook)
    # Every sheet of HR's other than the ones merge owns is byte-identical.
    owned = {"Ratings History", "Promotion Evidence"}
    index = {n: i + 1 for i, n in enumerate(hr_sheets)}
    for name, pos in index.items():
        part = f"xl/worksheets/sheet{pos}.xml"
        if name not in owned and part in before:
            assert after[part] == before[part], f"{name} changed"


def test_same_export_twice_changes_nothing(workbook):
    merge(workbook, [EXPORTS[0]])
    first = history_rows(workbook)
    again = merge(workbook, [EXPORTS[0]])
    assert again.history is not None
    assert (again.history.added, again.history.replaced) == (0, 0)
    assert again.history.unchanged == len(first)
    assert history_rows(workbook) == first


def test_one_cycle_at_a_time_equals_all_at_once(workbook, tmp_path):
    other = tmp_path / "all.xlsx"
    shutil.copy(workbook, other)
    for export in EXPORTS:
        assert merge(workbook, [export]).written is not None
    assert merge(other, EXPORTS).written is not None
    assert history_rows(workbook) == history_rows(other)
    cycles = {r[0] for r in history_rows(other)}
    assert cycles == {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}


def _changed_export(tmp_path: Path) -> Path:
    """Q1's export with the first rating changed: a correction HR might send."""
    rows = list(csv.reader(EXPORTS[0].read_text(encoding="utf-8-sig").splitlines()))
    rows[1][4] = "1" if rows[1][4] != "1" else "2"
    out = tmp_path / "2026-Q1_correction.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return out


def test_a_changed_rating_is_reported_and_needs_replace_cycle(workbook, tmp_path):
    merge(workbook, [EXPORTS[0]])
    before = digest(workbook)
    correction = _changed_export(tmp_path)
    result = merge(workbook, [correction])
    assert result.written is None
    found = result.report.with_code("rating-changed")
    assert len(found) == 1
    assert found[0].where.line == 2, "the place of the new rating in the export"
    assert digest(workbook) == before, "nothing written"
    result = merge(workbook, [correction], replace_cycles=["Q1 2026"])  # as people write it
    assert result.written is not None and result.history is not None
    assert result.history.replaced == 1


def test_errors_in_an_export_stop_the_merge(workbook, tmp_path):
    rows = list(csv.reader(EXPORTS[0].read_text(encoding="utf-8-sig").splitlines()))
    rows[3][4] = "7"
    bad = tmp_path / "2026-Q1_bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    before = digest(workbook)
    result = merge(workbook, [bad])
    assert result.written is None
    assert [(f.where.line, f.code) for f in result.report.errors] == [(4, "rating-out-of-scale")]
    assert digest(workbook) == before


def test_out_leaves_the_original_untouched(workbook, tmp_path):
    before = digest(workbook)
    out = tmp_path / "merged.xlsx"
    result = merge(workbook, [EXPORTS[0]], out=out)
    assert result.written == out and digest(workbook) == before
    assert "Gap Analysis" in openpyxl.load_workbook(out).sheetnames


def test_readiness_statuses_are_spread_after_four_quarters(workbook):
    result = merge(workbook, EXPORTS)
    statuses = set(result.readiness["status"])
    assert {"Ready", "Not yet"} <= statuses, statuses
    wb = openpyxl.load_workbook(workbook, data_only=True)
    ws = wb["Promotion Readiness"]
    header_row = next(r for r in ws.iter_rows(max_row=5) if "Status" in [c.value for c in r])
    col = [c.value for c in header_row].index("Status")
    shown = [r[col].value for r in ws.iter_rows(min_row=header_row[0].row + 1) if r[col].value]
    assert shown == list(result.readiness["status"]), "the sheet lists what the API returns"


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_cached_gaps(workbook, tmp_path):
    merge(workbook, EXPORTS)
    out = libreoffice_convert(workbook, tmp_path / "recalc", "xlsx", recalculate=True)
    cached = openpyxl.load_workbook(workbook, data_only=True)["Gap Analysis"]
    recalculated = openpyxl.load_workbook(out, data_only=True)["Gap Analysis"]
    formulas = openpyxl.load_workbook(workbook)["Gap Analysis"]
    checked = 0
    for row in formulas.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                a = cached[cell.coordinate].value
                b = recalculated[cell.coordinate].value
                assert (a in (None, "") and b in (None, "")) or a == pytest.approx(b), cell
                checked += 1
    assert checked > 100


def test_check_warns_of_a_changed_rating_before_the_merge(workbook, tmp_path):
    from ladder_sheets.api import check

    merge(workbook, [EXPORTS[0]])
    again = check(workbook, [EXPORTS[0]])
    assert not again.report.with_code("duplicate-rating"), "re-checking a merged export is fine"
    changed = check(workbook, [_changed_export(tmp_path)])
    assert [
        (f.severity.value, f.where.line) for f in changed.report.with_code("rating-changed")
    ] == [("warning", 2)]


def test_a_hand_edited_generated_sheet_is_refused_then_forced(workbook):
    from click.testing import CliRunner

    from ladder_sheets.cli import cli

    merge(workbook, [EXPORTS[0]])
    wb = openpyxl.load_workbook(workbook)
    wb["Gap Analysis"]["A3"] = "my own note"
    wb.save(workbook)
    before = digest(workbook)
    runner = CliRunner()
    result = runner.invoke(cli, ["merge", str(workbook), str(EXPORTS[1])])
    assert result.exit_code == 1
    assert "Gap Analysis" in result.output and "--force" in result.output
    assert digest(workbook) == before
    result = runner.invoke(cli, ["merge", str(workbook), str(EXPORTS[1]), "--force"])
    assert result.exit_code == 0, result.output


def test_a_renamed_generated_sheet_is_kept_and_reported(workbook):
    from click.testing import CliRunner

    from ladder_sheets.cli import cli

    merge(workbook, [EXPORTS[0]])
    wb = openpyxl.load_workbook(workbook)
    wb["Gap Analysis"].title = "Gaps Q1 kept"
    wb.save(workbook)
    result = CliRunner().invoke(cli, ["merge", str(workbook), str(EXPORTS[1])])
    assert result.exit_code == 0, result.output
    assert "'Gaps Q1 kept' was generated as 'Gap Analysis'" in result.output
    names = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert "Gaps Q1 kept" in names and "Gap Analysis" in names


def test_replace_cycle_that_is_no_cycle_is_a_clear_error(workbook):
    from ladder_sheets.errors import DataError

    with pytest.raises(DataError, match="not a review cycle"):
        merge(workbook, [EXPORTS[0]], replace_cycles=["last quarter"])
