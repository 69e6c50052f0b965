"""The history store: opting in, merging into it, every rating traceable, and every way the
store could be the wrong one refused (missing, another workbook's, older, newer, changed).

Small workbooks from the conftest builder: three people rated over seven quarters (manager
ratings of the three competencies), so the sheet keeps fewer cycles than the history holds.
Every count and value is compared with the same workbook merged without a store.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ladder_sheets.api import read_framework
from ladder_sheets.cli import cli
from ladder_sheets.commands.merge import merge
from ladder_sheets.findings import Where
from ladder_sheets.store.attach import StoreRefused
from ladder_sheets.store.files import read_store, store_path_for, write_store
from ladder_sheets.store.record import STORE_SHEET
from tests.helpers import sheet_rows

NOW = dt.datetime(2026, 1, 15, 9, 30)
PEOPLE = ("E001", "E002", "E003")
COMPETENCIES = ("Communication", "Delivery", "System Design")
RECORDED = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")
NEXT = "2025-Q4"
HEADERS = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type", "Reviewer", "Evidence",
           "Source", "Imported At"]  # fmt: skip


def _rating(cycle: str, person: int, competency: int) -> float:
    """A rating that differs by cycle, person and competency (1-5)."""
    return float((int(cycle[2:4]) + int(cycle[-1]) + person + 2 * competency) % 5 + 1)


def _history(cycles: tuple[str, ...] = RECORDED) -> list[list[Any]]:
    rows = []
    for cycle in cycles:
        for p, person in enumerate(PEOPLE):
            for c, competency in enumerate(COMPETENCIES):
                rows.append(
                    [
                        cycle,
                        person,
                        competency,
                        _rating(cycle, p, c),
                        "manager",
                        "E001",
                        None,
                        f"reviews_{cycle}.csv",
                        dt.datetime(2025, 1, 2, 3, 4),
                    ]  # fmt: skip
                )
    return rows


def _export(folder: Path, cycle: str = NEXT) -> Path:
    path = folder / f"reviews_{cycle}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Employee ID", "Competency", "Rating", "Cycle"])
        for p, person in enumerate(PEOPLE):
            for c, competency in enumerate(COMPETENCIES):
                w.writerow([person, competency, int(_rating(cycle, p, c)), cycle])
    return path


@pytest.fixture
def workbooks(framework_workbook: Any, tmp_path: Path) -> tuple[Path, Path]:
    """(a workbook that has opted into a store, the same workbook without one)."""
    plain = framework_workbook(name="plain.xlsx", history=_history())
    folder = tmp_path / "stored"
    folder.mkdir()
    stored = folder / "acme.xlsx"
    shutil.copy(plain, stored)
    result = merge(stored, [], history_store=True, now=NOW)
    assert not result.stopped, result.report.errors
    return stored, plain


def _sheet_rows(path: Path, sheet: str = "Ratings History") -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [r for r in wb[sheet].iter_rows(min_row=2, values_only=True) if any(r)]
    finally:
        wb.close()


def _resolved(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """A sheet's rows with each reference to a Ratings History cell replaced by its value."""
    history = {
        f"D{i}": row[3] for i, row in enumerate(sheet_rows(path, "Ratings History"), start=1)
    }
    pattern = re.compile(r"'?Ratings History'?!(D\d+)")
    return [
        tuple(
            pattern.sub(lambda m: repr(history[m.group(1)]), v) if isinstance(v, str) else v
            for v in row
        )
        for row in _sheet_rows(path, sheet)
    ]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The history as comparable values, in key order (the store keeps its own order)."""
    out = frame[["cycle", "employee_id", "competency", "rating", "rater_type", "source"]].copy()
    out = out.astype({"rating": float}).astype({c: str for c in out.columns if c != "rating"})
    return out.sort_values(["cycle", "employee_id", "competency"]).reset_index(drop=True)


def test_opting_in_keeps_every_rating_and_trims_the_sheet(workbooks: tuple[Path, Path]) -> None:
    stored, plain = workbooks
    store = store_path_for(stored)
    assert store.name == "acme.history.parquet" and store.exists()
    in_store = read_store(store)
    assert len(in_store) == len(_history()) == 63
    pd.testing.assert_frame_equal(
        _keyed(in_store), _keyed(read_framework(plain).history.data), check_dtype=False
    )
    # criteria ask for 2 cycles at next level; trends show 4: the latest 4 cycles stay
    kept = {r[0] for r in _sheet_rows(stored)}
    assert kept == set(RECORDED[-4:])
    assert len(_sheet_rows(stored)) == 4 * 9
    # read back, the history is whole again, and each part knows where it came from
    framework = read_framework(stored)
    assert len(framework.history.data) == 63
    assert framework.store is not None and framework.store.rows == 27
    record = dict(_sheet_rows(stored, STORE_SHEET)[:8])
    assert record["Store File"] == "acme.history.parquet"
    assert record["Cycles In This Workbook"] == ", ".join(RECORDED[-4:])
    assert int(record["Rows In Store"]) == 63


def test_the_sheet_keeps_as_many_cycles_as_the_criteria_need(
    framework_workbook: Any, tmp_path: Path
) -> None:
    from conftest import FRAMEWORK

    criteria = [list(row) for row in FRAMEWORK["criteria"]]
    criteria[1][5] = 6  # IC2 -> IC3: six cycles at next level
    workbook = framework_workbook(history=_history(), criteria=criteria)
    assert not merge(workbook, [], history_store=True, now=NOW).stopped
    assert {r[0] for r in _sheet_rows(workbook)} == set(RECORDED[-6:])


def test_a_rating_from_the_store_names_the_file_and_its_row(
    workbooks: tuple[Path, Path],
) -> None:
    stored, _ = workbooks
    history = read_framework(stored).history
    first = history.data.index[0]
    where = history.where(first, "rating")
    # the store file and its row (and the row's cycle), never a sheet
    store = store_path_for(stored)
    assert where == Where(file=str(store), sheet=None, cell=f"row 1 ({RECORDED[0]})")
    assert where == Where(file=str(stored), sheet=store.name, cell=f"row 1 ({RECORDED[0]})")
    assert str(where) == f"{store}, row 1 ({RECORDED[0]})"
    assert pq.read_metadata(store_path_for(stored)).num_rows == 63
    row = read_store(store_path_for(stored)).iloc[0]
    key = ["cycle", "employee_id", "competency", "rating"]
    assert tuple(row[key]) == tuple(history.data.loc[first, key])
    last = history.data.index[-1]
    assert history.where(last, "rating").sheet == "Ratings History"
    assert history.where(last, "rating").cell == f"D{4 * 9 + 1}"


def test_merge_appends_the_cycle_to_the_store_without_losing_a_row(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, plain = workbooks
    export = _export(tmp_path)
    before = len(read_store(store_path_for(stored)))
    with_store = merge(stored, [export], now=NOW)
    without = merge(plain, [export], now=NOW)
    assert not with_store.stopped and not without.stopped
    after = read_store(store_path_for(stored))
    assert len(after) == before + 9 == len(read_framework(plain).history.data)
    pd.testing.assert_frame_equal(
        _keyed(after), _keyed(read_framework(plain).history.data), check_dtype=False
    )
    # the sheet kept its four cycles and the new one was appended to it, not rewritten
    assert with_store.history_write is not None and with_store.history_write.path == "append"
    assert {r[0] for r in _sheet_rows(stored)} == {*RECORDED[-4:], NEXT}
    # the analysis is the one the whole history gives: the same values, and every reference
    # into Ratings History (gap ratings, live readiness formulas) at a cell holding the same
    for sheet in ("Gap Analysis", "Promotion Readiness"):
        assert _resolved(stored, sheet) == _resolved(plain, sheet)
    for table in ("gaps", "readiness"):
        mine, theirs = getattr(with_store, table), getattr(without, table)
        places = [c for c in mine.columns if c.endswith("_where")]
        pd.testing.assert_frame_equal(mine.drop(columns=places), theirs.drop(columns=places))
    assert read_framework(stored).store.stamp.generation == 2
    # importing the same export again changes nothing
    again = merge(stored, [export], now=NOW)
    assert again.history is not None and again.history.added == 0
    assert len(read_store(store_path_for(stored))) == len(after)


def test_an_old_cycle_exported_again_meets_the_store(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """A cycle only the store holds is still the recorded one: a changed rating is refused."""
    stored, _ = workbooks
    export = _export(tmp_path, RECORDED[0])
    rows = export.read_text().splitlines()
    rows[1] = rows[1].rsplit(",", 2)[0] + f",{int(_rating(RECORDED[0], 0, 0)) % 5 + 1},2024-Q1"
    export.write_text("\n".join(rows) + "\n")
    result = merge(stored, [export], now=NOW)
    assert result.stopped
    changed = [f for f in result.report.errors if f.code == "rating-changed"]
    assert len(changed) == 1 and "2024-Q1" in changed[0].message


def _refused(workbook: Path) -> str:
    with pytest.raises(StoreRefused) as caught:
        read_framework(workbook)
    result = CliRunner().invoke(cli, ["check", str(workbook)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    return str(caught.value)


def test_a_workbook_copied_without_its_store_is_refused(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, _ = workbooks
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(stored, alone / "acme.xlsx")
    message = _refused(alone / "acme.xlsx")
    assert "acme.history.parquet" in message and "not in the same folder" in message
    assert "2024-Q1 to 2024-Q3" in message  # the cycles kept nowhere else


def test_a_store_of_another_workbook_is_refused(
    workbooks: tuple[Path, Path], framework_workbook: Any, tmp_path: Path
) -> None:
    stored, _ = workbooks
    other = framework_workbook(name="other.xlsx", history=_history())
    assert not merge(other, [], history_store=True, now=NOW).stopped
    shutil.copy(store_path_for(other), store_path_for(stored))
    assert "another workbook" in _refused(stored)


def test_a_store_older_than_the_workbook_is_refused(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, _ = workbooks
    old = tmp_path / "old.parquet"
    shutil.copy(store_path_for(stored), old)
    assert not merge(stored, [_export(tmp_path)], now=NOW).stopped
    shutil.copy(old, store_path_for(stored))
    message = _refused(stored)
    assert "older than the workbook" in message and NEXT in message


def test_a_store_newer_than_the_workbook_is_refused(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, _ = workbooks
    assert not merge(stored, [_export(tmp_path)], now=NOW, backup=True).stopped
    backup = stored.with_name("acme.bak.xlsx")
    assert backup.exists()
    shutil.copy(backup, stored)  # the workbook restored from its backup, the store not
    message = _refused(stored)
    assert "newer than the workbook" in message and NEXT in message
    # the store's backup beside it matches the workbook's backup
    shutil.copy(stored.with_name("acme.history.bak.parquet"), store_path_for(stored))
    assert len(read_framework(stored).history.data) == 63


def test_a_store_changed_by_another_program_is_refused(workbooks: tuple[Path, Path]) -> None:
    stored, _ = workbooks
    path = store_path_for(stored)
    table = pq.read_table(path)
    from ladder_sheets.store.files import read_stamp

    frame = read_store(path)
    frame.loc[0, "rating"] = 5.0 if frame.loc[0, "rating"] != 5.0 else 1.0
    stamp = read_stamp(path)
    assert stamp is not None and table.num_rows == len(frame)
    write_store(frame, path, stamp)
    assert "changed after the workbook was written" in _refused(stored)


def test_check_says_where_the_history_was_read_from(workbooks: tuple[Path, Path]) -> None:
    stored, _ = workbooks
    result = CliRunner().invoke(cli, ["check", str(stored), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "history-in-store" in result.output


def test_export_writes_the_whole_history_to_xlsx_split_over_sheets(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    from ladder_sheets.store.export import export_history

    stored, plain = workbooks
    out = tmp_path / "history.xlsx"
    done = export_history(read_framework(stored), out, rows_per_sheet=25)
    assert done.sheets == ["Ratings History", "Ratings History (2)", "Ratings History (3)"]
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = [
        r for name in done.sheets for r in wb[name].iter_rows(min_row=2, values_only=True) if any(r)
    ]
    assert [c.value for c in next(wb["Ratings History"].iter_rows(max_row=1))] == HEADERS
    wb.close()
    assert len(rows) == 63
    frame = pd.DataFrame(rows, columns=["cycle", "employee_id", "competency", "rating",
                                        "rater_type", "reviewer", "evidence", "source",
                                        "imported_at"])  # fmt: skip
    pd.testing.assert_frame_equal(
        _keyed(frame), _keyed(read_framework(plain).history.data), check_dtype=False
    )


def test_export_writes_csv_with_a_bom_that_reads_back_the_same(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, plain = workbooks
    out = tmp_path / "history.csv"
    result = CliRunner().invoke(cli, ["history", "export", str(stored), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "63 rating(s) of 7 cycle(s) (27 from the store)" in result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == HEADERS
    frame.columns = ["cycle", "employee_id", "competency", "rating", "rater_type", "reviewer",
                     "evidence", "source", "imported_at"]  # fmt: skip
    pd.testing.assert_frame_equal(
        _keyed(frame), _keyed(read_framework(plain).history.data), check_dtype=False
    )
    refused = CliRunner().invoke(cli, ["history", "export", str(stored), "-o", str(stored)])
    assert refused.exit_code == 2 and "own file" in refused.output


def test_history_store_from_the_command_line(framework_workbook: Any) -> None:
    workbook = framework_workbook(history=_history())
    dry = CliRunner().invoke(cli, ["history", "store", str(workbook), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert not store_path_for(workbook).exists()
    result = CliRunner().invoke(cli, ["history", "store", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "63 rating(s) of 7 cycle(s)" in result.output
    assert store_path_for(workbook).exists()
    assert STORE_SHEET in openpyxl.load_workbook(workbook, read_only=True).sheetnames


def test_the_store_keeps_each_value_as_its_type(tmp_path: Path) -> None:
    """A column mixing text and numbers (an ID typed as a number) and blanks comes back as
    it went in; times come back as times."""
    from ladder_sheets.store.files import StoreStamp

    when = dt.datetime(2026, 3, 1, 8, 15)
    frame = pd.DataFrame(
        {
            "cycle": ["2026-Q1", "2026-Q1", "2026-Q2"],
            "employee_id": ["E1", 1002.0, None],
            "competency": ["Délivery", "Communication", "=SUM(A1)"],
            "rating": [3.0, None, 4.5],
            "rater_type": ["manager", "self", "peer"],
            "reviewer": [None, None, None],
            "evidence": ['said "ok"', None, ""],
            "source": ["a.csv", "b.csv", "a.csv"],
            "imported_at": [when, when, None],
        },
        dtype=object,
    )
    path = tmp_path / "s.parquet"
    write_store(frame, path, StoreStamp("id", 1, 3, ("2026-Q1", "2026-Q2")))
    back = read_store(path)
    assert back["employee_id"].tolist() == ["E1", 1002.0, None]
    assert back["rating"].tolist() == [3.0, None, 4.5]
    assert back["competency"].tolist() == ["Délivery", "Communication", "=SUM(A1)"]
    assert back["evidence"].tolist() == ['said "ok"', None, ""]
    assert back["imported_at"].tolist() == [when, when, None]
    assert back["reviewer"].tolist() == [None, None, None]


def test_a_store_beside_a_workbook_that_does_not_record_it_is_refused(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """The History Store sheet deleted, or the workbook replaced by its version from before it
    opted in: the store beside it is not silently ignored."""
    stored, plain = workbooks
    shutil.copy(plain, stored)
    message = _refused(stored)
    assert "no History Store sheet" in message and "63 ratings of 2024-Q1 to 2025-Q3" in message


def test_check_says_when_a_store_pays_off(
    workbooks: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ladder_sheets.api import check
    from ladder_sheets.store import advice

    stored, plain = workbooks
    assert not [f for f in check(plain).report if f.code == "history-store-pays-off"]
    # 63 ratings of 7 cycles, 9 each; the sheet would keep the latest 4: 27 would move
    assert len(RECORDED) == 7 and len(_history()) == 63
    monkeypatch.setattr(advice, "PAYOFF_ROWS", 28)
    assert not [f for f in check(plain).report if f.code == "history-store-pays-off"]
    monkeypatch.setattr(advice, "PAYOFF_ROWS", 27)
    said = [f for f in check(plain).report if f.code == "history-store-pays-off"]
    assert len(said) == 1 and said[0].severity.value == "info"
    assert "27 of the 63 ratings" in said[0].message and "past 27" in said[0].message
    assert "before the 4 readiness and trends need" in said[0].message
    assert "history store plain.xlsx" in said[0].hint
    assert said[0].where.sheet == "Ratings History"
    # a workbook that has its store hears nothing of it
    assert not [f for f in check(stored).report if f.code == "history-store-pays-off"]


def test_the_sheet_is_trimmed_back_one_merge_in_four(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """Merges append while the sheet holds fewer than twice the cycles it must keep (4 here);
    the merge that would make 8 rewrites it with the latest 4. The store always holds all."""
    stored, plain = workbooks
    cycles = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    sheet = list(RECORDED[-4:])
    for n, cycle in enumerate(cycles):
        folder = tmp_path / cycle
        folder.mkdir()
        export = _export(folder, cycle)
        done = merge(stored, [export], now=NOW)
        assert not merge(plain, [export], now=NOW).stopped and not done.stopped
        sheet = [*sheet, cycle] if len(sheet) + 1 < 8 else [*sheet, cycle][-4:]
        assert sorted({r[0] for r in _sheet_rows(stored)}) == sheet
        assert len(_sheet_rows(stored)) == 9 * len(sheet)
        assert done.history_write is not None
        assert done.history_write.path == ("append" if n < 3 else "rewrite")
        in_store = read_store(store_path_for(stored))
        assert len(in_store) == 63 + 9 * (n + 1)
        pd.testing.assert_frame_equal(
            _keyed(in_store), _keyed(read_framework(plain).history.data), check_dtype=False
        )
    assert sheet == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


def test_a_finding_on_a_stored_rating_names_the_store_and_its_row(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """E003 renamed in Employees: every rating of E003 is of someone no longer on Employees,
    those still in the sheet at their cell, those only in the store at their row of the store
    file; one warning names E003 and lists every place."""
    from ladder_sheets.api import check

    stored, _ = workbooks
    wb = openpyxl.load_workbook(stored)
    wb["Employees"]["A4"] = "E333"
    wb.save(stored)
    report = check(stored).report
    assert not [f for f in report if f.code == "unknown-employee"]
    [former] = [f for f in report if f.code == "former-employee"]
    frame = read_store(store_path_for(stored))
    in_store = [9 * c + r for c in range(3) for r in (7, 8, 9)]  # E003 is each cycle's third
    assert set(frame.iloc[[r - 1 for r in in_store]]["employee_id"]) == {"E003"}
    assert former.message.startswith(
        f"1 person in the ratings history is no longer on Employees: E003 ({len(in_store) + 4 * 3}"
        " ratings, last "
    )
    # the places: the store's rows first (the history's earlier cycles), each with its cycle
    store = str(store_path_for(stored))
    assert former.where.file == store and former.where.sheet is None
    assert former.where.cell == f"row 7 ({frame.iloc[6]['cycle']})"
    result = CliRunner().invoke(cli, ["check", str(stored)])
    assert "sheet 'acme.history.parquet'" not in result.output
    lines = result.output.splitlines()
    header = lines.index(store)  # the store file heads its findings, as a file does
    block = lines[header + 1 : lines.index("", header)]
    assert any(" row 7 (" in line and "former-employee" in line for line in block), block


@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_recalculates_the_trimmed_workbook_to_the_same_values(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """Gap Analysis and Promotion Readiness reference Ratings History cells; in the trimmed
    sheet those references land on the same ratings, so LibreOffice recalculates both
    workbooks to the same values."""
    from test_merge_live import recalculated

    stored, plain = workbooks
    export = _export(tmp_path)
    assert not merge(stored, [export], now=NOW).stopped
    assert not merge(plain, [export], now=NOW).stopped
    values = []
    for path in (stored, plain):
        folder = tmp_path / path.stem
        folder.mkdir()
        again = recalculated(path, folder)
        wb = openpyxl.load_workbook(again, data_only=True, read_only=True)
        values.append(
            [
                [r for r in wb[name].iter_rows(values_only=True) if any(v is not None for v in r)]
                for name in ("Gap Analysis", "Promotion Readiness")
            ]
        )
        wb.close()
    for mine, theirs in zip(*values, strict=True):
        assert len(mine) > 2
        # the link texts name the cell they point at, which differs; every value is the same
        strip = re.compile(r"Ratings History!D\d+")
        assert [[strip.sub("", v) if isinstance(v, str) else v for v in r] for r in mine] == [
            [strip.sub("", v) if isinstance(v, str) else v for v in r] for r in theirs
        ]


def test_a_cycle_typed_into_the_sheet_is_read_and_said(workbooks: tuple[Path, Path]) -> None:
    """The store is the one the workbook was written with; a cycle added to Ratings History by
    hand since is part of the history (and goes into the store at the next merge)."""
    from ladder_sheets.api import check

    stored, _ = workbooks
    wb = openpyxl.load_workbook(stored)
    ws = wb["Ratings History"]
    ws.append(["2025-Q4", "E002", "Delivery", 4, "manager", "E001", None, "typed", None])
    wb.save(stored)
    history = read_framework(stored).history.data
    assert len(history) == 64 and (history["cycle"] == "2025-Q4").sum() == 1
    said = [f for f in check(stored).report if f.code == "cycle-only-in-sheet"]
    assert len(said) == 1 and "2025-Q4" in said[0].message
    assert (said[0].where.sheet, said[0].where.cell) == ("Ratings History", f"A{4 * 9 + 2}")


@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_unstore_brings_every_rating_back_and_drops_the_store(
    workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    """`history unstore` after a merge: the workbook is the one never stored (same sheets,
    Ratings History row for row, check's findings), the History Store sheet and the store
    file are gone (the store kept as its backup), and LibreOffice recalculates Gap Analysis
    and Promotion Readiness to the same values, link texts included."""
    from test_merge_live import recalculated

    from ladder_sheets.api import check

    stored, plain = workbooks
    export = _export(tmp_path)
    assert not merge(stored, [export], now=NOW).stopped
    assert not merge(plain, [export], now=NOW).stopped
    store = store_path_for(stored)
    in_store = read_store(store)
    assert len(_sheet_rows(stored)) < len(in_store)  # the sheet kept only recent cycles
    result = CliRunner().invoke(cli, ["history", "unstore", str(stored), "--backup"])
    assert result.exit_code == 0, result.output
    assert "removed the History Store sheet" in result.output
    assert not store.exists()
    backup = stored.with_name("acme.history.bak.parquet")
    pd.testing.assert_frame_equal(read_store(backup), in_store)
    assert openpyxl.load_workbook(stored, read_only=True).sheetnames == (
        openpyxl.load_workbook(plain, read_only=True).sheetnames
    )
    assert _sheet_rows(stored) == _sheet_rows(plain)  # every rating, in the same rows
    assert len(_sheet_rows(stored)) == len(in_store)
    framework = read_framework(stored)
    assert framework.store is None

    def said(path: Path) -> list[tuple[Any, ...]]:
        return [(f.code, f.where.sheet, f.where.cell, f.message) for f in check(path).report]

    assert said(stored) == said(plain)
    # asked again: nothing to do, nothing written
    before = stored.read_bytes()
    again = CliRunner().invoke(cli, ["history", "unstore", str(stored)])
    assert again.exit_code == 0 and "has no history store" in again.output
    assert stored.read_bytes() == before
    values = []
    for path in (stored, plain):
        folder = tmp_path / f"lo-{path.stem}"
        folder.mkdir()
        wb = openpyxl.load_workbook(recalculated(path, folder), data_only=True, read_only=True)
        values.append(
            [
                [r for r in wb[name].iter_rows(values_only=True) if any(v is not None for v in r)]
                for name in ("Gap Analysis", "Promotion Readiness")
            ]
        )
        wb.close()
    assert all(len(sheet) > 2 for sheet in values[0])
    assert values[0] == values[1]
