"""Every generated sheet prints legibly: LibreOffice converts them to PDF, and each page is
at full size (text no smaller than 8 pt), says it is confidential, names its sheet and is
numbered; the sheets are set to A4 landscape without shrinking to one page wide, with the
header row repeated."""

from __future__ import annotations

import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from ladder_sheets.commands.calibrate import calibrate
from ladder_sheets.commands.merge import merge
from ladder_sheets.commands.packs import write_packs

pypdf = pytest.importorskip("pypdf")
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing"),
]
SMALLEST_PT = 8.0


def pdf_of(path: Path, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()
    done = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder / "pdf"), str(path)],
        capture_output=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return folder / "pdf" / f"{path.stem}.pdf"


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
