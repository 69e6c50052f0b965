"""The calibration pack workbook: contents, charts, determinism, LibreOffice, decisions back."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import SOFFICE, libreoffice_convert

from ladder_sheets.errors import DataError, LayoutError, UnreadableFile, WriteRefused
from ladder_sheets.model import Framework, Table
from ladder_sheets.sheets.calibration_pack import write_calibration_pack
from ladder_sheets.workbook.decisions import DECISIONS, read_decisions

COMPETENCIES = ["Delivery", "Ownership", "Communication"]
Q2, Q3 = "2026-Q2", "2026-Q3"
HOSTILE_NAME = '=HYPERLINK("http://example.invalid","click")'


def company() -> tuple[Framework, pd.DataFrame, pd.DataFrame]:
    """Eng: three managers of 6 people each, MC rates a point higher; Sales: one manager of 3."""
    emps, rows = [], []
    teams = {"MA": ("Eng", 0), "MB": ("Eng", 0), "MC": ("Eng", 1), "SM": ("Sales", 0)}
    for m, (family, bias) in teams.items():
        emps.append(dict(employee_id=m, name=f"Manager {m}", family=family, track="Management",
                         level="M1"))  # fmt: skip
        for i in range(6 if family == "Eng" else 3):
            eid = f"{m}-{i}"
            name = HOSTILE_NAME if eid == "MA-0" else f"{family} Person {eid}"
            emps.append(dict(employee_id=eid, name=name, manager_id=m, family=family,
                             track="IC", level="IC3"))  # fmt: skip
            for k, comp in enumerate(COMPETENCIES):
                for cycle, shift in ((Q2, 0), (Q3, bias)):
                    value = float(2 + (i + k) % 3 + shift)
                    rows.append(dict(cycle=cycle, employee_id=eid, competency=comp,
                                     rating=value, rater_type="manager"))  # fmt: skip
                rows.append(dict(cycle=Q3, employee_id=eid, competency=comp, rating=4.0,
                                 rater_type="self"))  # fmt: skip
    levels, expectations, criteria = [], [], []
    for family in ("Eng", "Sales"):
        for order, level in enumerate(["IC2", "IC3", "IC4"], start=2):
            levels.append(dict(family=family, track="IC", level=level, order=float(order)))
            expectations += [
                dict(family=family, competency=c, level=level, expected=float(order))
                for c in COMPETENCIES
            ]
        levels.append(dict(family=family, track="Management", level="M1", order=10.0))
        criteria.append(dict(family=family, from_level="IC3", to_level="IC4", min_average=4.8,
                             min_each=4.0))  # fmt: skip
    tables = {
        "levels": Table.from_records("levels", levels),
        "expectations": Table.from_records("expectations", expectations),
        "criteria": Table.from_records("criteria", criteria),
        "employees": Table.from_records("employees", emps),
    }
    ratings = Table.from_records("history", rows).data
    ratings["rating"] = ratings["rating"].astype(float)
    readiness = pd.DataFrame(
        [
            dict(employee_id="MC-1", name="Eng Person MC-1", manager_id="MC", family="Eng",
                 level="IC3", next_level="IC4", cycle=Q3, status="Ready", average=4.0,
                 min_average=3.5, lowest_rating=3.0, lowest_competency="Delivery", min_each=3.0,
                 cycles_at_next=2.0, cycles_required=1.0, quarters_in_level=5.0,
                 quarters_required=4.0, scope_met=True, endorsed=True, calibrated=None,
                 shortfalls=[], shortfall_codes=[]),
            dict(employee_id="SM-0", name="Sales Person SM-0", manager_id="SM", family="Sales",
                 level="IC3", next_level="IC4", cycle=Q3, status="Close", average=3.2,
                 min_average=3.5, lowest_rating=3.0, lowest_competency="Delivery", min_each=3.0,
                 cycles_at_next=1.0, cycles_required=1.0, quarters_in_level=5.0,
                 quarters_required=4.0, scope_met=True, endorsed=True, calibrated=None,
                 shortfalls=["average 3.2 is below 3.5"], shortfall_codes=["average"]),
            dict(employee_id="MA-2", name="Eng Person MA-2", family="Eng", status="Not yet",
                 shortfalls=[], shortfall_codes=[]),
        ]
    )  # fmt: skip
    return Framework(Path("framework.xlsx"), tables), ratings, readiness


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    framework, ratings, readiness = company()
    return write_calibration_pack(
        tmp_path / "pack.xlsx",
        framework=framework,
        ratings=ratings,
        readiness=readiness,
        cycle=Q3,
        framework_version="2026.2",
    )


SHEETS = [
    "Summary",
    "Distributions",
    "Distribution Detail",
    "Drift",
    "Manager Consistency",
    "Self vs Manager",
    "Self Gap by Manager",
    "Promotion Candidates",
    "Attainability",
    "Level Fit",
]


def rows_of(ws, header_row: int = 4) -> list[dict]:
    values = list(ws.iter_rows(min_row=header_row, values_only=True))
    heads = values[0]
    return [dict(zip(heads, r, strict=True)) for r in values[1:]]


def test_pack_opens_with_every_sheet_and_the_summary(pack: Path):
    wb = openpyxl.load_workbook(pack)
    assert wb.sheetnames == SHEETS
    facts = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=3, max_row=9, values_only=True)}
    assert facts["Cycle"] == Q3 and facts["Previous cycle"] == Q2
    assert facts["Headcount"] == 25
    assert facts["Manager ratings this cycle"] == 21 * 3
    assert facts["Framework version"] == "2026.2"
    text = [c.value for row in wb["Summary"].iter_rows() for c in row if c.value]
    assert any("(MC) rates lenient" in str(v) for v in text)


def test_tables_hold_numbers_as_numbers_and_flags(pack: Path):
    wb = openpyxl.load_workbook(pack)
    consistency = {r["Manager ID"]: r for r in rows_of(wb["Manager Consistency"])}
    assert consistency["MC"]["Flag"] == "lenient"
    assert consistency["MA"]["Flag"] is None
    ws = wb["Manager Consistency"]
    heads = [c.value for c in ws[4]]
    assert {ws.cell(r, heads.index("Difference") + 1).data_type for r in range(5, 9)} == {"n"}
    assert consistency["MC"]["Difference"] == pytest.approx(1.0)
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:")
    assert "lenient" in ws["A2"].value and "|difference|" in ws["A2"].value
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(r.startswith("N5") for r in ranges)  # the Flag column
    detail = rows_of(wb["Distribution Detail"])
    assert sum(r["Ratings"] for r in detail) == 63
    reach = rows_of(wb["Attainability"])
    assert [(r["Job Family"], r["Meeting Both"], r["Flag"]) for r in reach] == [
        ("Eng", 0, "aspirational"),
        ("Sales", 0, None),  # three people rated: too few to flag
    ]


def test_promotion_candidates_have_a_decision_dropdown(pack: Path):
    wb = openpyxl.load_workbook(pack)
    ws = wb["Promotion Candidates"]
    rows = rows_of(ws)
    assert [r["Employee ID"] for r in rows] == ["MC-1", "SM-0"]  # Not yet is left out
    assert rows[0]["Average Met"] == "Yes" and rows[1]["Average Met"] == "No"
    assert rows[1]["Falls Short On"] == "average 3.2 is below 3.5"
    # time as a person says it (5 quarters, 4 required), never "5.00"; cycles as a count
    assert [(r["Time In Level"], r["Time Required"], r["Time Met"]) for r in rows] == [
        ("1 year 3 months", "1 year", "Yes")
    ] * 2
    assert "Quarters In Level" not in rows[0]
    heads = [c.value for c in ws[4]]
    cycles = ws.cell(5, heads.index("Cycles At Next Level") + 1)
    assert cycles.value == 2 and cycles.number_format == "0"
    col = openpyxl.utils.get_column_letter(heads.index("Committee Decision") + 1)
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and f"{col}5:{col}6" in str(dv.sqref)
    assert all(d in dv.formula1 for d in DECISIONS)


def test_text_from_data_is_never_a_formula(pack: Path):
    with zipfile.ZipFile(pack) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in zf.read(n).decode() for n in sheets)
    wb = openpyxl.load_workbook(pack)
    names = [r["Name"] for r in rows_of(wb["Self vs Manager"])]
    assert HOSTILE_NAME in names


def test_charts_reference_only_sheets_inside_the_pack(pack: Path):
    wb = openpyxl.load_workbook(pack)
    with zipfile.ZipFile(pack) as zf:
        charts = [n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        refs = [r for n in charts for r in re.findall(r"<c:f>([^<]+)</c:f>", zf.read(n).decode())]
    assert len(charts) == 2  # one per family
    assert refs
    for ref in refs:
        sheet, _, cells = ref.rpartition("!")
        assert sheet.strip("'") in wb.sheetnames, ref
        assert "[" not in ref  # no external workbook


def test_same_input_gives_the_same_bytes(tmp_path: Path, pack: Path):
    framework, ratings, readiness = company()
    again = write_calibration_pack(
        tmp_path / "again.xlsx",
        framework=framework,
        ratings=ratings,
        readiness=readiness,
        cycle=Q3,
        framework_version="2026.2",
    )
    assert again.read_bytes() == pack.read_bytes()
    with zipfile.ZipFile(pack) as zf:
        assert "2026-09-30T00:00:00Z" in zf.read("docProps/core.xml").decode()


def test_family_filter_leaves_everyone_else_out(tmp_path: Path):
    framework, ratings, readiness = company()
    out = write_calibration_pack(
        tmp_path / "sales.xlsx",
        framework=framework,
        ratings=ratings,
        readiness=readiness,
        cycle=Q3,
        family="sales",
    )
    with zipfile.ZipFile(out) as zf:
        xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xml"))
    assert "Sales Person SM-0" in xml
    assert "Eng Person" not in xml and "Manager MC" not in xml and ">Eng<" not in xml
    with pytest.raises(DataError) as caught:
        write_calibration_pack(
            tmp_path / "x.xlsx",
            framework=framework,
            ratings=ratings,
            readiness=readiness,
            cycle=Q3,
            family="Engg",
        )
    assert "Did you mean 'Eng'" in caught.value.hint


def test_decisions_round_trip(pack: Path):
    assert read_decisions(pack).empty
    wb = openpyxl.load_workbook(pack)
    ws = wb["Promotion Candidates"]
    heads = [c.value for c in ws[4]]
    decision, notes = heads.index("Committee Decision") + 1, heads.index("Notes") + 1
    ws.cell(5, decision, "Promote")
    ws.cell(6, decision, "needs more evidence")
    ws.cell(6, notes, "Ask for the Q3 project write-up")
    wb.save(pack)
    got = read_decisions(pack)
    assert got[["employee_id", "cycle", "decision", "notes"]].values.tolist() == [
        ["MC-1", Q3, "Promote", None],
        ["SM-0", Q3, "Needs more evidence", "Ask for the Q3 project write-up"],
    ]
    col = openpyxl.utils.get_column_letter(decision)
    assert list(got["cell"]) == [f"{col}5", f"{col}6"]


def test_decisions_refuse_what_is_not_a_decision(pack: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(pack)
    ws = wb["Promotion Candidates"]
    col = [c.value for c in ws[4]].index("Committee Decision") + 1
    ws.cell(6, col, "Promote!!")
    wb.save(pack)
    with pytest.raises(DataError) as caught:
        read_decisions(pack)
    assert (caught.value.sheet, caught.value.cell) == (
        "Promotion Candidates",
        f"{openpyxl.utils.get_column_letter(col)}6",
    )
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(LayoutError):
        read_decisions(other)
    text = tmp_path / "decisions.xlsx"
    text.write_text("employee_id,decision\n", encoding="utf-8")
    with pytest.raises(UnreadableFile):
        read_decisions(text)


def test_refuses_targets_it_must_not_write(tmp_path: Path):
    framework, ratings, readiness = company()
    args = dict(framework=framework, ratings=ratings, readiness=readiness, cycle=Q3)
    with pytest.raises(WriteRefused):
        write_calibration_pack(tmp_path / "pack.csv", **args)  # type: ignore[arg-type]
    (tmp_path / "~$open.xlsx").write_text("lock", encoding="utf-8")
    (tmp_path / "open.xlsx").write_bytes(b"previous")
    with pytest.raises(WriteRefused):
        write_calibration_pack(tmp_path / "open.xlsx", **args)  # type: ignore[arg-type]
    assert (tmp_path / "open.xlsx").read_bytes() == b"previous"
    with pytest.raises(WriteRefused):
        write_calibration_pack(tmp_path / "missing" / "p.xlsx", **args)  # type: ignore[arg-type]
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(WriteRefused):
        write_calibration_pack(tmp_path / "folder.xlsx", **args)  # type: ignore[arg-type]
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_pack_to_pdf(pack: Path, tmp_path: Path):
    pdf = libreoffice_convert(pack, tmp_path, "pdf", 180)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_pack_from_the_real_readiness_table(tmp_path: Path):
    readiness_table = pytest.importorskip("ladder_sheets.analysis.readiness").readiness_table
    framework, ratings, _ = company()
    framework.tables["criteria"] = Table.from_records(
        "criteria",
        [dict(family="Eng", from_level="IC3", to_level="IC4", min_average=3.0, min_each=2.0,
              cycles_at_next=1, min_quarters=0, requires_endorsement=False,
              requires_calibration=False)],
    )  # fmt: skip
    # Expectations of 4 at IC4: only someone rated 4+ everywhere operates at the next level.
    records = [{str(k): v for k, v in r.items()} for r in ratings.to_dict("records")]
    history = Table.from_records("history", records)
    readiness = readiness_table(framework, history, cycle=Q3)
    out = write_calibration_pack(
        tmp_path / "real.xlsx",
        framework=framework,
        ratings=ratings,
        readiness=readiness,
        cycle=Q3,
        family="Eng",
    )
    expected = readiness.loc[readiness["status"].isin(["Ready", "Ready pending sign-off", "Close"])]
    rows = rows_of(openpyxl.load_workbook(out)["Promotion Candidates"])
    assert sorted(r["Employee ID"] for r in rows) == sorted(expected["employee_id"])
    assert len(rows) > 0
    assert {r["Status"] for r in rows} <= {"Ready", "Ready pending sign-off", "Close"}


def test_a_cycle_without_ratings_still_gives_a_pack(tmp_path: Path):
    framework, ratings, readiness = company()
    out = write_calibration_pack(
        tmp_path / "empty.xlsx",
        framework=framework,
        ratings=ratings.iloc[0:0],
        readiness=readiness.iloc[0:0],
        cycle="2027-Q1",
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    text = [c.value for row in wb["Summary"].iter_rows() for c in row if c.value]
    assert "Nothing stands out: no flags in this cycle." in text
    assert rows_of(wb["Manager Consistency"]) == []


def test_columns_put_at_once_are_the_cells_xlsxwriter_writes_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The pack's fast path (_TableSheet) against xlsxwriter's own write_number and
    write_string, cell by cell: the same bytes, also for a name past Excel's 32,767 characters
    (cut to it either way) and one that needs escaping."""
    from xlsxwriter.worksheet import Worksheet

    from ladder_sheets.sheets import calibration_pack

    framework, ratings, readiness = company()
    staff = framework.employees.data
    staff.loc[staff["employee_id"] == "MB", "name"] = "Manager <B> & " + "x" * 40_000
    staff.loc[staff["employee_id"] == "MC", "name"] = " Manager\tC "

    def write(path: Path) -> bytes:
        return write_calibration_pack(
            path, framework=framework, ratings=ratings, readiness=readiness, cycle=Q3
        ).read_bytes()

    sheet = calibration_pack._TableSheet
    put, fast_columns = sheet.put_column, []

    def counted(self, *args):
        fast_columns.append(put(self, *args))
        return fast_columns[-1]

    monkeypatch.setattr(sheet, "put_column", counted)
    fast = write(tmp_path / "fast.xlsx")
    assert sum(fast_columns) > 50  # the fast path did write the tables
    monkeypatch.setattr(sheet, "put_column", lambda self, *args: False)
    monkeypatch.setattr(sheet, "_write_cell", Worksheet._write_cell)
    assert write(tmp_path / "slow.xlsx") == fast
    wb = openpyxl.load_workbook(tmp_path / "fast.xlsx", read_only=True)
    names = {r["Manager ID"]: r["Manager"] for r in rows_of(wb["Manager Consistency"])}
    assert names["MB"] == ("Manager <B> & " + "x" * 40_000)[:32_767]
    wb.close()


@pytest.mark.parametrize("kind", ["count", "average", "gap", "share"])
def test_a_numeric_column_is_written_as_the_same_column_of_objects_would_be(kind: str):
    """Numbers as floats, a blank as nothing, an infinity as its text: whether the column
    comes as float64 or int64 (the quick path) or as objects holding the same values."""
    from ladder_sheets.sheets.calibration_pack import _prepared

    floats = pd.Series([1.0, 2.5, float("nan"), float("inf"), -float("inf"), 0.0, -3.0])
    want = [1.0, 2.5, None, "inf", "-inf", 0.0, -3.0]
    assert _prepared(floats, kind, 7) == want
    assert _prepared(floats.astype(object), kind, 7) == want
    ints = pd.Series([3, 0, -2], dtype="int64")
    assert _prepared(ints, kind, 3) == [3.0, 0.0, -2.0] == _prepared(ints.astype(object), kind, 3)
    assert all(isinstance(v, float) for v in _prepared(ints, kind, 3))
