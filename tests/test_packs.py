"""Packs: each recipient's workbook holds their people and nobody else, numbers match the
analysis, hostile names stay text, encryption works, and odd recipients get a clear note."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from helpers import SOFFICE, libreoffice_convert

from ladder_sheets.commands.packs import write_packs
from ladder_sheets.packs.recipients import safe_file_stem

# openpyxl reads packs but does not know sparklines; the packs are for Excel, not openpyxl.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

FAMILY = "Engineering"
COMPS = ("Communication", "Delivery", "System Design")
EXPECTED = {  # from conftest's default Matrix
    "IC1": (2, 2, 1),
    "IC2": (3, 3, 2),
    "IC3": (4, 4, 3),
    "M1": (4, 3, None),
}
# Invented people with distinctive names and IDs so a substring scan finds only real leaks.
PEOPLE = [
    ("X100", "Quentin Topwell", None, "Management", "M1"),
    ("X210", "Berit Leadmark", "X100", "IC", "IC2"),
    ("X220", "Casimir Solowin", "X100", "IC", "IC1"),
    ("X310", '=HYPERLINK("http://x.test","Dorotea")', "X210", "IC", "IC1"),
    ("X320", "Evander Kettleby", "X210", "IC", "IC2"),
]


def _ratings() -> list[list[object]]:
    rows: list[list[object]] = []
    for cycle, bump in (("2026-Q1", 0), ("2026-Q2", 1)):
        for emp, _name, _mgr, _track, level in PEOPLE:
            for comp, expected in zip(COMPS, EXPECTED[level], strict=True):
                if expected is None and level != "M1":
                    continue
                value = max(1, min(5, (expected or 3) + bump - (1 if emp == "X220" else 0)))
                rows.append([cycle, emp, comp, value, "manager", "r", None, "seed.csv", None])
    return rows


@pytest.fixture
def company(framework_workbook):
    employees = [
        [emp, name, f"{emp.lower()}@people.test", mgr, FAMILY, track, level, "2024-01-01"]
        for emp, name, mgr, track, level in PEOPLE
    ]
    path = framework_workbook(employees=employees, history=_ratings())
    # openpyxl writes a string starting with "=" as a formula; store the name as text, as a
    # workbook that imported it from an HR system would.
    wb = openpyxl.load_workbook(path)
    for row in wb["Employees"].iter_rows(min_row=2):
        if str(row[1].value).startswith("="):
            row[1].data_type = "s"
    wb.save(path)
    return path


def _package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _strings_of(emp: str) -> list[str]:
    row = next(p for p in PEOPLE if p[0] == emp)
    return [emp, row[1].split("(")[0] if row[1].startswith("=") else row[1], f"{emp.lower()}@"]


def test_manager_packs_hold_only_direct_reports(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", jobs=1)
    assert not result.report.errors, [f.code for f in result.report.errors]
    by_id = {r.employee_id: p for r, p in zip(result.recipients, result.written, strict=True)}
    assert set(by_id) == {"X100", "X210"}
    scope = {"X100": {"X210", "X220"}, "X210": {"X310", "X320"}}
    everyone = {p[0] for p in PEOPLE}
    for recipient, path in by_id.items():
        text = _package_text(path)
        for other in everyone - scope[recipient] - {recipient}:
            for needle in _strings_of(other):
                assert needle not in text, f"{needle} leaked into {path.name}"
        for mine in scope[recipient]:
            assert _strings_of(mine)[1] in text.replace("&quot;", '"'), f"{mine} missing"


def test_tree_pack_covers_the_whole_line(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", tree=True, only=["X100"], jobs=1)
    wb = openpyxl.load_workbook(result.written[0])
    assert len(wb.sheetnames) == 1 + 4  # team + everyone below X100
    team = [c.value for c in wb["Team"]["A"][4:]]
    assert "Evander Kettleby" in team and "Berit Leadmark" in team


def test_formula_like_names_are_text_and_numbers_match_analysis(company, tmp_path):
    from ladder_sheets.analysis.gaps import gap_table
    from ladder_sheets.api import check

    result = write_packs(company, tmp_path / "packs", only=["X210"], jobs=1)
    path = result.written[0]
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    formulas = [f.split("</f>")[0] for s in sheets for f in s.split("<f>")[1:]]
    assert formulas, "gap cells are live formulas"
    assert not any("HYPERLINK" in f for f in formulas), "a name was written as a formula"
    assert "=HYPERLINK" in wb_text(path), "the name is shown, as text"
    wb = openpyxl.load_workbook(path)
    evander = wb["Evander Kettleby"]
    fw = check(company).framework
    gaps = gap_table(fw, fw.history).set_index(["employee_id", "competency"])
    header = [c.value for c in evander[5]]
    col_next = header.index("Gap to next")
    seen = 0
    for row in evander.iter_rows(min_row=6, max_row=8, values_only=True):
        if row[0] in COMPS:
            expected = gaps.loc[("X320", row[0]), "gap_next"]
            formula_cached = _cached(path, "Evander Kettleby", row[0], col_next)
            assert formula_cached == pytest.approx(expected)
            seen += 1
    assert seen == 3


def wb_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)


def _cached(path: Path, sheet: str, competency: str, col: int) -> float:
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=6, values_only=True):
        if row[0] == competency:
            return float(row[col])
    raise AssertionError(competency)


def test_employee_pack_has_next_level_descriptions(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", by="employee", only=["X220"], jobs=1)
    wb = openpyxl.load_workbook(result.written[0])
    assert "Next level" in wb.sheetnames
    texts = [c.value for c in wb["Next level"]["B"] if c.value]
    assert "Has shipped a feature end to end" in texts  # IC2 Delivery behavior in conftest
    assert result.written[0].name.startswith("My progression - Casimir Solowin (X220)")


def test_recipient_without_reports_gets_a_note(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", only=["X220"], jobs=1)
    wb = openpyxl.load_workbook(result.written[0])
    assert wb.sheetnames == ["About this pack"]
    assert "No direct reports" in wb["About this pack"]["A3"].value


def test_encrypted_packs_open_with_the_password_only(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", encrypt=True, jobs=1)
    assert result.passwords_file is not None and result.passwords_file.exists()
    assert result.passwords_file.parent != tmp_path / "packs", "passwords kept out of the packs"
    rows = result.passwords_file.read_text(encoding="utf-8").splitlines()[1:]
    password = {r.split(",")[0]: r.split(",")[-1] for r in rows}
    for r, path in zip(result.recipients, result.written, strict=True):
        assert path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
        with pytest.raises(Exception):  # noqa: B017 - openpyxl raises its own zip error
            openpyxl.load_workbook(path)
        office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
        office.load_key(password=password[r.employee_id])
        plain = io.BytesIO()
        office.decrypt(plain)
        assert openpyxl.load_workbook(plain).sheetnames[0] == "Team"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ana/López: Lead?", "Ana López Lead"),
        ("..hidden", "hidden"),
        ("CON", "_CON"),
        ("", "unnamed"),
    ],
)
def test_safe_file_stems(name, expected):
    assert safe_file_stem(name) == expected


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_packs_open_in_libreoffice(company, tmp_path):
    result = write_packs(company, tmp_path / "packs", jobs=1)
    for path in result.written:
        pdf = libreoffice_convert(path, tmp_path, "pdf", 180)
        assert pdf.read_bytes().startswith(b"%PDF"), path.name
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == len(result.written)


def test_generated_passwords_read_well_and_never_look_like_an_option():
    from ladder_sheets.packs.passwords import new_password

    made = [new_password() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for password in made:
        assert not password.startswith("-")
        assert not set(password) & set("l1I0O_")
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert all(g.isalnum() and g.isascii() for g in groups)
    used = set("".join(made).replace("-", ""))
    assert len(used) == 57  # every readable character is used: the full alphabet's strength
