"""Packs written by worker processes are the packs written in one process; encryption in the
workers uses each recipient's password; each competency row has its own sparkline and live
gap formula; remembered formula text is what xlsxwriter would write."""

from __future__ import annotations

import gc
import io
import re
import tracemalloc
import zipfile
from pathlib import Path

import msoffcrypto
import pytest
import xlsxwriter
from conftest import build_framework

from ladder_sheets.commands.packs import PARALLEL_FROM, write_packs
from ladder_sheets.errors import WriteRefused
from ladder_sheets.packs.page import PackSheet

FAMILY = "Engineering"
COMPS = ("Communication", "Delivery", "System Design")
EXPECTED = {"IC1": (2, 2, 1), "IC2": (3, 3, 2), "M1": (4, 3, None)}  # conftest's Matrix
CYCLES = ("2026-Q1", "2026-Q2", "2026-Q3")
STAFF = PARALLEL_FROM + 6  # enough employee packs for the worker processes to be used


def _people() -> list[tuple[str, str, str | None, str, str]]:
    people: list[tuple[str, str, str | None, str, str]] = [
        ("Q900", "Wendeline Parrow", None, "Management", "M1")
    ]
    for i in range(1, STAFF):
        level = "IC1" if i % 2 else "IC2"
        people.append((f"Q9{i:02d}", f"Invented Person {i:02d}", "Q900", "IC", level))
    return people


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    people = _people()
    employees = [
        [emp, name, f"{emp.lower()}@people.test", mgr, FAMILY, track, level, "2024-01-01"]
        for emp, name, mgr, track, level in people
    ]
    history = []
    for n, cycle in enumerate(CYCLES):
        for emp, _name, _mgr, _track, level in people:
            for comp, expected in zip(COMPS, EXPECTED[level], strict=True):
                if expected is not None:
                    rating = max(1, min(5, expected + (n + int(emp[1:])) % 3 - 1))
                    history.append([cycle, emp, comp, rating, "manager", "r", None, "s.csv", None])
    target = tmp_path_factory.mktemp("company") / "framework.xlsx"
    return build_framework(target, employees=employees, history=history)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_workers_write_the_same_packs_as_one_process(company, tmp_path):
    one = write_packs(company, tmp_path / "one", by="employee", jobs=1)
    two = write_packs(company, tmp_path / "two", by="employee", jobs=2)
    assert len(one.written) == len(two.written) == STAFF
    assert [p.name for p in one.written] == [p.name for p in two.written]
    assert [r.employee_id for r in two.recipients] == [r.employee_id for r in one.recipients]
    for a, b in zip(one.written, two.written, strict=True):
        assert _parts(a) == _parts(b), a.name


def test_workers_encrypt_each_pack_with_its_recipients_password(company, tmp_path):
    passwords = tmp_path / "given.csv"
    given = {emp: f"pw-{emp}-{i}" for i, (emp, *_rest) in enumerate(_people())}
    passwords.write_text(
        "Employee ID,Password\n" + "".join(f"{e},{p}\n" for e, p in given.items()),
        encoding="utf-8",
    )
    plain = write_packs(company, tmp_path / "plain", by="employee", jobs=1)
    locked = write_packs(
        company, tmp_path / "locked", by="employee", encrypt=True, passwords=passwords, jobs=2
    )
    assert locked.passwords_file == passwords
    assert not list((tmp_path / "locked").glob("*.encrypting"))
    for r, path, clear in zip(locked.recipients, locked.written, plain.written, strict=True):
        office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
        with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
            office.load_key(password=given[r.employee_id] + "x")
            office.decrypt(io.BytesIO())
        office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
        office.load_key(password=given[r.employee_id])
        opened = io.BytesIO()
        office.decrypt(opened)
        with zipfile.ZipFile(opened) as z:
            assert {n: z.read(n) for n in z.namelist()} == _parts(clear)


def test_a_passwords_file_without_passwords_means_generated_ones_are_kept(company, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("Employee ID,Password\nQ900,\n", encoding="utf-8")
    result = write_packs(
        company, tmp_path / "packs", only=["Q900"], encrypt=True, passwords=empty, jobs=1
    )
    assert result.passwords_file == tmp_path / "packs-passwords.csv"
    assert result.passwords_file is not None
    rows = result.passwords_file.read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("Q900,") and len(rows[1].split(",")[-1]) >= 12


def test_every_competency_row_has_its_sparkline_and_gap_formulas(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", only=["Q900"], jobs=1)
    parts = _parts(result.written[0])
    sheets = [v.decode() for k, v in parts.items() if k.startswith("xl/worksheets/sheet")]
    person = [s for s in sheets if "<x14:sparklines>" in s]
    assert len(person) == STAFF - 1  # one sheet per report; the Team sheet has none
    for xml in person:
        rows = sorted({int(r) for r in re.findall(r'<c r="A(\d+)" t="s"', xml)} - {1, 2, 3, 5})
        competency_rows = [r for r in rows if r >= 6][: len(COMPS)]
        drawn = dict(re.findall(r"<xm:f>'[^']+'!I(\d+):K\d+</xm:f><xm:sqref>L(\d+)<", xml))
        for row in competency_rows:
            # Columns I:K hold the three cycles of this row; the sparkline sits in L.
            assert drawn.get(str(row)) == str(row)
            assert f'<f>IF(OR(E{row}="",C{row}=""),"",E{row}-C{row})</f>' in xml
            assert f'<f>IF(OR(E{row}="",D{row}=""),"",E{row}-D{row})</f>' in xml


@pytest.mark.parametrize(
    "formula",
    [
        '=IF(OR(E6="",C6=""),"",E6-C6)',
        "=XLOOKUP(A1,B1:B3,C1:C3)",  # a newer function: xlsxwriter prefixes it
        "=SUM(A1:A3)",
    ],
)
def test_remembered_formulas_are_written_as_xlsxwriter_writes_them(tmp_path, formula):
    written = {}
    for name, cls in (("plain", None), ("pack", PackSheet)):
        target = tmp_path / f"{name}.xlsx"
        wb = xlsxwriter.Workbook(str(target))
        for sheet in ("One", "Two"):  # the second sheet is served from memory
            wb.add_worksheet(sheet, worksheet_class=cls).write_formula(0, 0, formula)
        wb.close()
        written[name] = {k: v for k, v in _parts(target).items() if "worksheets/sheet" in k}
    assert written["pack"] == written["plain"]
    assert ("_xlfn.XLOOKUP" in written["pack"]["xl/worksheets/sheet1.xml"].decode()) == (
        "XLOOKUP" in formula
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_pack_that_cannot_be_written_is_refused_with_its_file(company, tmp_path, jobs):
    out = tmp_path / "packs"
    blocked = out / "My progression - Invented Person 05 (Q905).xlsx"
    blocked.mkdir(parents=True)  # a folder where the pack should go
    with pytest.raises(WriteRefused) as caught:
        write_packs(company, out, by="employee", jobs=jobs)
    assert caught.value.file == str(blocked)


def test_writing_more_packs_does_not_hold_on_to_the_earlier_ones(company, tmp_path):
    # A worker writes hundreds of packs: each finished workbook must be freed.
    write_packs(company, tmp_path / "warm", by="employee", jobs=1)  # imports and caches
    gc.collect()
    tracemalloc.start()
    try:
        write_packs(company, tmp_path / "first", by="employee", jobs=1)
        gc.collect()
        after_one = tracemalloc.get_traced_memory()[0]
        write_packs(company, tmp_path / "second", by="employee", jobs=1)
        gc.collect()
        after_two = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_two - after_one < 256 * 1024, f"{after_two - after_one} bytes kept"
