"""Ratings History sheet(s): types, layout, and continuation sheets instead of truncation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import xlsxwriter

from ladder_sheets.model import TABLES, columns
from ladder_sheets.sheets import styles
from ladder_sheets.sheets.history import build_evidence_sheet, build_history_sheet

IMPORTED = pd.Timestamp("2026-10-02 09:30", tz="Europe/Berlin")  # 07:30 UTC


def rating(i: int, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        cycle=f"2026-Q{1 + i % 4}",
        employee_id=f"E{i:03d}",
        competency="Delivery",
        rating=float(1 + i % 5),
        rater_type="manager",
        reviewer="M001",
        evidence="",
        source="q3_export.csv",
        imported_at=IMPORTED,
    )
    row.update(kw)
    return row


def write(tmp_path: Path, history: pd.DataFrame, **kw: Any) -> tuple[Path, list[str]]:
    path = tmp_path / "history.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    names = build_history_sheet(wb, history, **kw)
    wb.close()
    return path, names


def read_back(path: Path, names: list[str]) -> pd.DataFrame:
    """Every history sheet concatenated, as a reader would."""
    wb = openpyxl.load_workbook(path)
    rows: list[tuple[Any, ...]] = []
    for name in names:
        ws = wb[name]
        assert [c.value for c in ws[1]] == [h for _, h in TABLES["history"][1]]
        rows += list(ws.iter_rows(min_row=2, values_only=True))
    return pd.DataFrame(rows, columns=columns("history"))


def test_types_layout_and_text_safety(tmp_path: Path) -> None:
    history = pd.DataFrame(
        [
            rating(1, evidence="=SUM(A1:A9) shipped the billing rewrite"),
            rating(2, rating=3.5, reviewer="+Mo Reyes", imported_at="2026-10-01T08:00:00"),
            rating(3, rating=None, evidence=None, imported_at=None),
            rating(4, imported_at="last Tuesday"),  # not ISO 8601: kept as text, not guessed
        ]
    )
    path, names = write(tmp_path, history)
    assert names == ["Ratings History"]
    ws = openpyxl.load_workbook(path)["Ratings History"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I5"
    assert (ws["D2"].value, ws["D2"].data_type) == (2, "n")
    assert ws["D3"].value == 3.5 and ws["D4"].value is None
    assert ws["G2"].value == "=SUM(A1:A9) shipped the billing rewrite"
    assert ws["G2"].data_type == "s"
    assert ws["F3"].value == "+Mo Reyes" and ws["F3"].data_type == "s"
    # dates are dates: tz-aware shown in UTC, ISO text parsed
    assert ws["I2"].is_date and ws["I2"].value == dt.datetime(2026, 10, 2, 7, 30)
    assert ws["I2"].number_format == styles.DATETIME_FORMAT
    assert ws["I3"].value == dt.datetime(2026, 10, 1, 8, 0)
    assert ws["I4"].value is None
    assert (ws["I5"].value, ws["I5"].data_type) == ("last Tuesday", "s")
    assert ws["B2"].value == "E001" and ws["A2"].value == "2026-Q2"


def test_long_history_continues_in_numbered_sheets_never_truncated(tmp_path: Path) -> None:
    history = pd.DataFrame([rating(i) for i in range(7)])
    path, names = write(tmp_path, history, rows_per_sheet=3)
    assert names == ["Ratings History", "Ratings History (2)", "Ratings History (3)"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == names
    assert [wb[n].max_row - 1 for n in names] == [3, 3, 1]
    assert [wb[n].auto_filter.ref for n in names] == ["A1:I4", "A1:I4", "A1:I2"]
    back = read_back(path, names)
    assert back["employee_id"].tolist() == [f"E{i:03d}" for i in range(7)]
    assert back["rating"].tolist() == history["rating"].tolist()


def test_exactly_full_sheet_needs_no_continuation(tmp_path: Path) -> None:
    path, names = write(tmp_path, pd.DataFrame([rating(i) for i in range(3)]), rows_per_sheet=3)
    assert names == ["Ratings History"]


def test_continuation_names_stay_within_31_characters(tmp_path: Path) -> None:
    long_name = "Ratings History Of Every Cycle!"[:31].replace("!", "s")
    path, names = write(
        tmp_path, pd.DataFrame([rating(i) for i in range(3)]), name=long_name, rows_per_sheet=1
    )
    assert all(len(n) <= 31 for n in names)
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")
    assert len(set(names)) == 3


def test_empty_history_gives_a_header(tmp_path: Path) -> None:
    path, names = write(tmp_path, pd.DataFrame(columns=columns("history")))
    ws = openpyxl.load_workbook(path)[names[0]]
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:I1"


def test_missing_optional_history_columns_stay_blank(tmp_path: Path) -> None:
    frame = pd.DataFrame([rating(1)]).drop(columns=["reviewer", "evidence"])
    path, names = write(tmp_path, frame)
    back = read_back(path, names)
    assert back.loc[0, "reviewer"] is None and back.loc[0, "rating"] == 2


def test_evidence_sheet_flags_read_yes_no_blank(tmp_path: Path) -> None:
    evidence = pd.DataFrame(
        [
            dict(cycle="2026-Q3", employee_id="E001", scope_met=True, endorsed=False,
                 calibrated=None, note="=led the data migration", source="q3.csv"),
            dict(cycle="2026-Q3", employee_id="E002", scope_met="yes", endorsed=1.0,
                 calibrated=float("nan"), note=None, source="q3.csv"),
        ]
    )  # fmt: skip
    path = tmp_path / "evidence.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    names = build_evidence_sheet(wb, evidence)
    wb.close()
    assert names == ["Promotion Evidence"]
    ws = openpyxl.load_workbook(path)["Promotion Evidence"]
    assert [c.value for c in ws[1]] == [h for _, h in TABLES["evidence"][1]]
    assert [c.value for c in ws[2]][2:5] == ["Yes", "No", None]
    assert [c.value for c in ws[3]][2:5] == ["Yes", "Yes", None]
    assert ws["F2"].value == "=led the data migration" and ws["F2"].data_type == "s"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3"
