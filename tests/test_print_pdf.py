"""Every generated sheet prints legibly: LibreOffice converts them to PDF, and each page is
at full size (text no smaller than 8 pt), says it is confidential, names its sheet and is
numbered; the sheets are set to A4 landscape without shrinking to one page wide, with the
header row repeated."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ladder_sheets.commands.calibrate import calibrate
from ladder_sheets.commands.merge import merge
from ladder_sheets.commands.packs import write_packs
from tests.helpers import SOFFICE, libreoffice_convert, sheet_rows

pypdf = pytest.importorskip("pypdf")
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing"),
]
SMALLEST_PT = 8.0


def pdf_of(path: Path, folder: Path) -> Path:
    return libreoffice_convert(path, folder, "pdf", timeout=900)


def pages(pdf: Path) -> list[tuple[str, float]]:
    """(text, smallest text size in points) of each page."""
    out = []
    for page in pypdf.PdfReader(pdf).pages:
        sizes: list[float] = []

        def seen(text, cm, tm, font, size, sizes=sizes):  # type: ignore[no-untyped-def]
            if text.strip():
                # the text's height, also when rotated (a chart's axis title)
                sizes.append(abs(size) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]))

        text = page.extract_text(visitor_text=seen)
        out.append((text, min(sizes, default=SMALLEST_PT)))  # a page of chart: no text
    return out


def page_setup(path: Path, sheet_part: str) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(sheet_part).decode()
    return xml[xml.find("<pageSetup") :][:300]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    workbook = folder / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    assert merge(workbook, sorted((SAMPLES / "exports").iterdir())).written is not None
    pack = folder / "calibration.xlsx"
    calibrate(workbook, pack, family="Sales")
    manager = write_packs(workbook, folder / "packs", only=["E0002"], jobs=1).written[0]
    mine = write_packs(workbook, folder / "mine", by="employee", only=["E0011"], jobs=1)
    return {
        "merged": workbook,
        "calibration": pack,
        "manager": manager,
        "employee": mine.written[0],
    }


def test_generated_sheets_are_set_up_for_paper(outputs):
    with zipfile.ZipFile(outputs["merged"]) as zf:
        book = zf.read("xl/workbook.xml").decode()
    for sheet in ("Gap Analysis", "Promotion Readiness"):
        assert f"'{sheet}'!$2:$2" in book, f"{sheet}: header row not repeated"
    for name in ("calibration", "manager", "employee"):
        with zipfile.ZipFile(outputs[name]) as zf:
            for part in (n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")):
                xml = zf.read(part).decode()
                assert 'orientation="landscape"' in xml and 'paperSize="9"' in xml, (name, part)
                assert "<fitToPage" not in xml and 'fitToPage="1"' not in xml, (name, part)
                assert "&amp;P of &amp;N" in xml and "Confidential" in xml, (name, part)


@pytest.mark.parametrize("name", ["calibration", "manager", "employee", "merged"])
def test_every_page_is_legible_confidential_and_numbered(outputs, tmp_path, name):
    printed = pages(pdf_of(outputs[name], tmp_path))
    assert printed
    total = len(printed)
    generated = 0
    for number, (text, smallest) in enumerate(printed, start=1):
        if name == "merged" and not text.startswith("Confidential"):
            continue  # HR's own sheets print as HR set them up
        generated += 1
        assert "Confidential" in text, (name, number)
        assert f"Page {number} of {total}" in text, (name, number)
        assert smallest >= SMALLEST_PT, (name, number, smallest)
    assert generated > 0
    if name == "merged":
        headed = {
            s for s in ("Gap Analysis", "Promotion Readiness") for t, _ in printed if s in t[:120]
        }
        assert headed == {"Gap Analysis", "Promotion Readiness"}


# The sheets merge writes, and how many pages each may take for the sample's 150 people on
# either paper: Promotion Readiness prints its compact area (who, status, step, what falls
# short), tens of pages rather than the ~360 of its 31 columns in column groups; Gap Analysis
# its people, competencies, ratings, gaps and trend, one line a row (64 A4 pages; 273 with
# every column and the descriptions wrapped); Ratings History the ratings with their evidence
# in narrower columns (140 A4 pages of 5,453 ratings; 407 with every column), Letter not run.
GENERATED = (
    "Gap Analysis",
    "Promotion Readiness",
    "Ratings History",
    "Promotion Evidence",
    "Framework Versions",
)
MOST_PAGES = {
    "Promotion Readiness": 60,
    "Gap Analysis": 90,
    "Ratings History": 160,
    "Promotion Evidence": 6,
    "Framework Versions": 3,
}
PAPERS = {"A4": (9, (842, 595)), "Letter": (1, (792, 612))}  # landscape, in points
SMALLEST_SCALE = 75  # percent: 11 pt text prints at 8.25 pt or more


def on_paper(merged: Path, folder: Path, paper: str) -> Path:
    """A copy of the merged workbook set to `paper` (as Excel's page setup would be), with the
    long Ratings History hidden from the Letter run (its settings are checked in the file)."""
    code, _ = PAPERS[paper]
    copy = folder / f"{paper}.xlsx"
    with zipfile.ZipFile(merged) as src, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'paperSize="\d+"', f'paperSize="{code}"'.encode(), data)
            if item.filename == "xl/workbook.xml" and paper != "A4":
                data = data.replace(
                    b'name="Ratings History"', b'name="Ratings History" state="hidden"'
                )
            out.writestr(item, data)
    return copy


@pytest.fixture(scope="module")
def printed(outputs, tmp_path_factory) -> dict[str, dict[str, list[tuple[str, float, tuple]]]]:
    """paper -> generated sheet -> its pages: (text, smallest text size, page size)."""
    out: dict[str, dict[str, list[tuple[str, float, tuple]]]] = {}
    for paper in PAPERS:
        folder = tmp_path_factory.mktemp(paper)
        pdf = pdf_of(on_paper(outputs["merged"], folder, paper), folder)
        sizes = [
            (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in pypdf.PdfReader(pdf).pages
        ]
        sheets: dict[str, list[tuple[str, float, tuple]]] = {}
        for (text, smallest), size in zip(pages(pdf), sizes, strict=True):
            head = text[:200]
            sheet = next(
                (s for s in GENERATED if text.startswith("Confidential") and s in head), None
            )
            if sheet is not None:
                sheets.setdefault(sheet, []).append((text, smallest, size))
        out[paper] = sheets
    return out


@pytest.mark.parametrize("paper", list(PAPERS))
def test_generated_sheets_print_on_a4_and_letter(printed, outputs, paper):
    sheets = printed[paper]
    expected = {"Gap Analysis", "Promotion Readiness", "Framework Versions"} | (
        {"Ratings History"} if paper == "A4" else set()
    )
    assert expected <= set(sheets), sorted(sheets)
    _, size = PAPERS[paper]
    for sheet, its in sheets.items():
        for number, (text, smallest, page) in enumerate(its, start=1):
            assert page == size, (sheet, number, page)
            assert smallest >= SMALLEST_PT, (sheet, number, smallest)
            # the header row repeats on every page (each column group shows Employee ID)
            if sheet in ("Gap Analysis", "Promotion Readiness", "Ratings History"):
                assert "Employee" in text, (sheet, number)
    for sheet, most in MOST_PAGES.items():
        assert len(sheets.get(sheet, [])) <= most, (paper, sheet, len(sheets[sheet]))
    # on paper, what a row needs, not the screen's detail
    gaps = " ".join(t for t, _, _ in sheets["Gap Analysis"])
    assert "Delta" in gaps and "Behavior" not in gaps and "Source" not in gaps
    if "Ratings History" in sheets:
        history = " ".join(t for t, _, _ in sheets["Ratings History"])
        assert "Reviewer" in history and "Evidence" in history and "Imported" not in history
    # the compact area: who, the status and every sentence of what falls short, on paper
    readiness = " ".join(t for t, _, _ in sheets["Promotion Readiness"])
    assert "What Falls Short" in readiness and "Lowest Competency" not in readiness
    people = sheet_rows(outputs["merged"], "Promotion Readiness", min_row=3)
    ids = [r[0] for r in people if r[0]]
    assert all(i in readiness for i in ids)
    assert len(sheets["Promotion Readiness"]) >= len(ids) // 30  # not shrunk to fit


def test_generated_sheets_are_at_a_readable_scale(outputs):
    book = openpyxl.load_workbook(outputs["merged"])
    for sheet in GENERATED:
        ws = book[sheet]
        assert ws.page_setup.orientation == "landscape", sheet
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.scale or 100) >= SMALLEST_SCALE, sheet
        assert ws.print_title_rows, sheet
        assert "Confidential" in (ws.oddHeader.left.text or ""), sheet
        assert "&P" in (ws.oddFooter.right.text or ""), sheet


def _shown(value: object, number_format: str) -> str:
    """A number as the cell's format shows it (the formats the generated sheets use)."""
    if isinstance(value, dt.datetime | dt.date):
        return "yyyy-mm-dd hh:mm" if "hh" in number_format else "yyyy-mm-dd"
    assert isinstance(value, int | float)
    if number_format == "0.00":
        return f"{value:.2f}"
    if number_format == "0.0":
        return f"{value:.1f}"
    if number_format == "0":
        return f"{value:.0f}"
    if number_format.startswith("+0.0"):
        return "0" if value == 0 else f"{value:+.1f}"
    return f"{value:.10g}"[:11]  # General shows at most 11 characters


def test_numbers_fit_their_columns(outputs):
    """A number wider than its column runs into the next one (or shows ###)."""
    book = openpyxl.load_workbook(outputs["merged"], data_only=True)
    for sheet in GENERATED:
        ws = book[sheet]
        widths = {letter: d.width for letter, d in ws.column_dimensions.items() if d.width}
        for row in ws.iter_rows(min_row=3, max_row=400):
            for cell in row:
                value = cell.value
                if isinstance(value, bool) or not isinstance(
                    value, int | float | dt.datetime | dt.date
                ):
                    continue
                text = _shown(value, cell.number_format)
                width = widths.get(cell.column_letter, 8.43)
                assert len(text) + 1 <= width, (sheet, cell.coordinate, text, width)
