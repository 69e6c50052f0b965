"""The sample company's four review exports read completely: shape, row counts and cycles,
with the counts computed here straight from the files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from ladder_sheets.exports import read_export

EXPORTS = Path(__file__).resolve().parents[1] / "samples" / "exports"

pytestmark = pytest.mark.skipif(
    not EXPORTS.is_dir(), reason="samples/exports is not built (scripts/build_samples.py)"
)


def csv_rows(name: str, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = (EXPORTS / name).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def test_long_csv_with_bom() -> None:
    export = read_export(EXPORTS / "2026-Q1_reviews_long.csv")
    rows = csv_rows("2026-Q1_reviews_long.csv", "utf-8-sig", ",")
    expected = sum(filled(r[next(k for k in r if "rating" in k.lower())]) for r in rows)
    assert (export.shape, export.encoding, export.delimiter) == ("long", "utf-8-sig", ",")
    assert len(export.ratings) == expected > 0
    assert export.cycles == ["2026-Q1"]
    assert not export.report.errors


def test_wide_xlsx() -> None:
    export = read_export(EXPORTS / "2026-Q2_reviews_wide.xlsx")
    wb = openpyxl.load_workbook(EXPORTS / "2026-Q2_reviews_wide.xlsx", read_only=True)
    try:
        grid = [list(r) for r in wb["Export"].iter_rows(values_only=True)]
    finally:
        wb.close()  # a read-only workbook keeps its file open until closed
    header = grid[2]
    first_competency = header.index("Communication")
    expected = sum(filled(v) for row in grid[3:] for v in row[first_competency:])
    assert (export.shape, export.sheet, export.header_row) == ("wide", "Export", 3)
    assert len(export.ratings) == expected > 0
    assert export.cycles == ["2026-Q2"]
    assert not export.report.errors


def test_cp1252_semicolon_labels() -> None:
    export = read_export(EXPORTS / "2026-Q3_reviews_labels.csv")
    rows = csv_rows("2026-Q3_reviews_labels.csv", "cp1252", ";")
    assert (export.shape, export.encoding, export.delimiter) == ("long", "cp1252", ";")
    assert len(export.ratings) == len(rows)
    assert set(export.ratings.data["rating"]) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert export.cycles == ["2026-Q3"]
    # the cycle is written as the period's last day: said, once, at the Period header
    [said] = export.findings
    assert (said.code, said.where.column) == ("cycle-read-as-quarter", "Period")
    assert "'30.09.2026' -> 2026-Q3" in said.message


def test_self_and_manager_with_evidence() -> None:
    export = read_export(EXPORTS / "2026-Q4_reviews_self_and_manager.csv")
    rows = csv_rows("2026-Q4_reviews_self_and_manager.csv", "utf-8", ",")
    self_count = sum(filled(r["Self Rating"]) for r in rows)
    manager_count = sum(filled(r["Manager Rating"]) for r in rows)
    raters = export.ratings.data["rater_type"].value_counts().to_dict()
    assert raters == {"manager": manager_count, "self": self_count}
    assert len(export.evidence) == len({r["Employee ID"] for r in rows})
    assert export.cycles == ["2026-Q4"]
    assert not export.report.errors


def test_the_cycle_hint_names_the_quarter_read() -> None:
    # It suggested --cycle 2026-Q3 whatever the quarter; now it names what was read.
    said = read_export(EXPORTS / "2026-Q3_reviews_labels.csv").findings[0]
    assert "'30.09.2026' is read as 2026-Q3" in said.hint
    assert "--cycle 2026-Q2" in said.hint
