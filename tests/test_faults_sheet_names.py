"""Every sheet reference the tool writes quotes and escapes the sheet's name as Excel requires
(model.sheet_ref): packs for people named with apostrophes, brackets, spaces, leading digits
and non-Latin letters, checked in the package XML and opened in LibreOffice headless."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fuzzing import make_seeds

from ladder_sheets.commands.packs import write_packs
from ladder_sheets.model import sheet_ref
from tests.helpers import SOFFICE, libreoffice_convert

NAMES = [
    "Ana O'Brien",
    "Zoë [Intern] Ng",
    "3M Lee",
    "Олег Петров",
    "李 雷",
    "A1 Smith",
    "Bo'o D'Arcy",
]


def test_sheet_ref_quotes_and_doubles_apostrophes() -> None:
    assert sheet_ref("Ana O'Brien", "I6:L6") == "'Ana O''Brien'!I6:L6"
    assert sheet_ref("Team") == "'Team'"
    assert sheet_ref("3M Lee", "A1") == "'3M Lee'!A1"


def unquote(ref: str) -> str:
    """The sheet name of a quoted reference, as Excel reads it."""
    found = re.fullmatch(r"'((?:[^']|'')+)'!.*", ref)
    assert found, f"not a quoted reference: {ref}"
    return found.group(1).replace("''", "'")


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("names")
    seeds = make_seeds(folder / "seeds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(seeds.workbook)
    ws = wb["Employees"]
    header = [c.value for c in ws[1]]
    name_col = header.index("Name") + 1
    for i, row in enumerate(range(2, ws.max_row + 1)):
        ws.cell(row, name_col).value = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}")
    named = folder / "named.xlsx"
    wb.save(named)
    result = write_packs(named, folder / "packs")
    assert result.written, result.report.errors
    return list(result.written)


def test_every_reference_in_the_packs_names_an_existing_sheet(packs: list[Path]) -> None:
    seen = 0
    for pack in packs:
        with zipfile.ZipFile(pack) as zf:
            book = zf.read("xl/workbook.xml").decode()
            sheets = {
                n.replace("&apos;", "'").replace("&amp;", "&")
                for n in re.findall(r'<sheet name="([^"]+)"', book)
            }
            for member in zf.namelist():
                if not member.startswith("xl/worksheets/sheet"):
                    continue
                xml = zf.read(member).decode()
                refs = re.findall(r"<xm:f>([^<]+)</xm:f>", xml)  # sparkline ranges
                refs += re.findall(r'location="([^"]+)"', xml)  # hyperlinks
                for ref in refs:
                    ref = ref.replace("&apos;", "'").replace("&amp;", "&")
                    assert unquote(ref) in sheets, (pack.name, ref)
                    seen += 1
    assert seen > 10


@pytest.mark.libreoffice
@pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_packs_and_keeps_their_links(
    packs: list[Path], tmp_path: Path
) -> None:
    pack = max(packs, key=lambda p: zipfile.ZipFile(p).read("xl/workbook.xml").count(b"<sheet "))
    saved = libreoffice_convert(pack, tmp_path, "xlsx", timeout=180)
    back = openpyxl.load_workbook(saved)
    original = openpyxl.load_workbook(pack)
    assert back.sheetnames == original.sheetnames
    assert any("'" in name for name in back.sheetnames)
    links = [
        c.hyperlink.location
        for ws in back.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.hyperlink is not None and c.hyperlink.location
    ]
    assert links, "LibreOffice dropped the internal links"
    for location in links:
        assert unquote(location) in back.sheetnames, location
    with zipfile.ZipFile(saved) as zf:
        xml = "".join(
            zf.read(m).decode() for m in zf.namelist() if m.startswith("xl/worksheets/sheet")
        )
    sparklines = re.findall(r"<xm:f>([^<]+)</xm:f>", xml)
    assert sparklines, "LibreOffice dropped the sparklines"
    for ref in sparklines:
        assert unquote(ref.replace("&apos;", "'")) in back.sheetnames, ref
